"""`backprop-lab render PLAYBOOK --beats`: one picture per beat of a lecture, in the
presentation layout, the same bytes from run to run."""

from __future__ import annotations

import json

from backprop_lab.engine.playbook import load_builtin
from PySide6.QtGui import QImage

from .test_cli import run
from .test_render import PNG_MAGIC, digests


def test_every_beat_of_a_scene_once_and_two_runs_are_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    first = run("render", "week5", "--beats", "--scene", "1", "--out", str(a))
    second = run("render", "week5", "--beats", "--scene", "1", "--out", str(b))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    n = len(load_builtin("week5").scenes[0].beats)
    names = [f"scene-01-beat-{i:02d}.png" for i in range(1, n + 1)]
    assert list(digests(a)) == names
    assert digests(a) == digests(b)
    assert len(set(digests(a).values())) == n  # every beat changes the picture
    for name in names:
        assert (a / name).read_bytes().startswith(PNG_MAGIC)
        img = QImage(str(a / name))
        assert (img.width(), img.height()) == (1024, 768)
    assert f"wrote {n} pictures of beats" in first.stdout


def test_a_playbook_that_fails_a_check_is_named_and_nothing_is_written(tmp_path):
    d = load_builtin("week5").to_dict()
    d["scenes"][0]["beats"][1]["answer"] = "E"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    out_dir = tmp_path / "pictures"
    out = run("render", str(path), "--beats", "--out", str(out_dir))
    assert out.returncode == 2
    assert "scenes[0].beats[1].answer: must be one of A, B, C, D" in out.stderr
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_scene_without_beats_is_refused(tmp_path):
    out = run("render", "xor", "--scene", "2", "--out", str(tmp_path / "x"))
    assert out.returncode == 2 and "--scene needs --beats" in out.stderr
