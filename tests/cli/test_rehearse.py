"""``backprop-lab rehearse`` as a user runs it: real subprocesses, exit codes, messages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from backprop_lab.resources import playbook_text


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "backprop_lab.gui", "rehearse", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _short_book(tmp_path, edit=None, name="talk.json"):
    """The first two scenes of the built-in playbook, with their fingerprints."""
    d = json.loads(playbook_text("week5"))
    d["scenes"] = d["scenes"][:2]
    if edit is not None:
        edit(d)
    path = tmp_path / name
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_built_in_playbook_reproduces():
    out = run("week5")
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "rehearsing 'Week 5: neural networks': 14 scenes"
    assert "  1/14 Logistic regression cannot do XOR: reproduces (4 beats)" in lines
    assert lines[-1] == "every scene reproduces"


def test_a_changed_seed_is_reported_with_its_scene(tmp_path):
    path = _short_book(tmp_path, lambda d: d["scenes"][1].update(changes={"seed": 9}))
    out = run(str(path))
    assert out.returncode == 1, out.stdout + out.stderr
    assert "  1/2 Logistic regression cannot do XOR: reproduces (4 beats)" in out.stdout
    assert "✗ 2/2 One hidden layer solves XOR: does not reproduce from beat 1 (show)" in out.stdout
    assert out.stdout.splitlines()[-1] == "1 of 2 scenes do not reproduce: 2"


def test_write_stores_fingerprints_that_then_reproduce(tmp_path):
    def edit(d):
        d["scenes"][1]["changes"] = {"seed": 9}
        for s in d["scenes"]:
            del s["rehearsal"]

    path = _short_book(tmp_path, edit)
    out = run(str(path))
    assert out.returncode == 1 and "2 of 2 scenes have no fingerprints" in out.stdout
    out = run(str(path), "--write")
    assert out.returncode == 0, out.stderr
    assert f"wrote the fingerprints of 8 beats to {path}" in out.stdout
    written = json.loads(path.read_text(encoding="utf-8"))
    assert [len(s["rehearsal"]) for s in written["scenes"]] == [4, 4]
    assert run(str(path)).returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "playbook 'nope' is neither a file nor a built-in playbook (week5)"),
        (["week5", "--write"], "--write needs a playbook file; 'week5' is built in"),
        ([], "the following arguments are required: PLAYBOOK"),
    ],
)
def test_bad_arguments_exit_2_before_anything_runs(args, message):
    out = run(*args)
    assert out.returncode == 2
    assert message in out.stderr
    assert out.stdout == "" and "Traceback" not in out.stderr


def test_a_broken_playbook_is_named_and_left_alone(tmp_path):
    path = _short_book(tmp_path, lambda d: d["scenes"][1]["beats"][2].update(steps=0))
    before = path.read_bytes()
    out = run(str(path), "--write")
    assert out.returncode == 2
    assert "scenes[1].beats[2]" in out.stderr and out.stdout == ""
    assert path.read_bytes() == before
