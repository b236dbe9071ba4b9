"""`backprop-lab --playbook FILE|NAME [--scene N] [--present]`: checked before any window,
and a lecture that opens where it is asked to."""

from __future__ import annotations

import json

import pytest
from backprop_lab.engine.playbook import load_builtin
from PySide6.QtGui import QImage

from .test_cli import run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--playbook", "nope"], "'nope' is neither a file nor a built-in playbook (week5)"),
        (["--playbook", "week5", "--scene", "15"], "--scene must be 1..14, got 15"),
        (["--scene", "2"], "--scene needs --playbook"),
        (["--playbook", "week5", "--lesson", "xor"], "--playbook and --lesson both choose"),
    ],
)
def test_bad_playbook_arguments_exit_2_before_any_window(tmp_path, args, message):
    shot = tmp_path / "x.png"
    out = run(*args, "--screenshot", str(shot), "--wait", "0")
    assert out.returncode == 2, out.stderr
    assert message in out.stderr and "Traceback" not in out.stderr
    assert not shot.exists()


def test_a_playbook_that_fails_a_check_names_the_field(tmp_path):
    d = load_builtin("week5").to_dict()
    d["scenes"][4]["beats"][1]["to"] = "backward"
    path = tmp_path / "talk.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    out = run("--playbook", str(path), "--screenshot", str(tmp_path / "x.png"), "--wait", "0")
    assert out.returncode == 2
    assert "scenes[4].beats[1].to: must be one of batch, forward" in out.stderr


def test_the_lecture_opens_presented(tmp_path):
    """--present fills the screen (a 1024×768 one here); without it the window has its own
    size (the offscreen platform does not keep it to the screen)."""
    screen = tmp_path / "screen.json"
    screen.write_text(
        '{"screens": [{"name": "xga", "x": 0, "y": 0, "width": 1024, "height": 768,'
        ' "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'
    )
    platform = f"offscreen:configfile={screen}"
    sizes = []
    for present in (["--present"], []):
        shot = tmp_path / f"lecture{len(sizes)}.png"
        out = run(
            "--playbook", "week5", "--scene", "6", *present, "--screenshot", str(shot),
            "--wait", "1", platform=platform,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        img = QImage(str(shot))
        sizes.append((img.width(), img.height()))
    (pw, ph), _window = sizes
    assert 1016 <= pw <= 1024 and 760 <= ph <= 768  # the screen but the window's frame
    assert sizes[1] != sizes[0]
