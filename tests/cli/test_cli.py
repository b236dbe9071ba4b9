"""The command line as a user runs it: real subprocesses, exit codes, messages."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest

from backprop_lab import __version__


def run(
    *args: str, timeout: float = 120, settings: str | None = None, platform: str = "offscreen"
) -> subprocess.CompletedProcess:
    """The CLI in a subprocess; its settings go to a fresh file, never the user's."""
    settings = settings or os.path.join(tempfile.mkdtemp(prefix="bpl-settings-"), "s.ini")
    env = dict(os.environ, QT_QPA_PLATFORM=platform, BACKPROP_LAB_SETTINGS=settings)
    return subprocess.run(
        [sys.executable, "-m", "backprop_lab.gui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "0x0"], "--size must be 16..8192 pixels each way, got 0x0"),
        (["--size", "big"], "--size must look like 1280x800"),
        (["--font-scale", "-3"], "--font-scale must be between 0.6 and 3.0, got -3"),
        (["--font-scale", "nan"], "--font-scale must be between"),
        (["--lesson", "nonexistent"], "'nonexistent' is neither a file nor a built-in lesson"),
        (["--screenshot", "/nonexistent/dir/x.png"], "the folder '/nonexistent/dir' does not"),
        (["--screenshot", "shot.txt"], "--screenshot must end in .png"),
        (["--wait", "-1"], "--wait must be 0..3600"),
        (["--preset", "nope"], "invalid choice: 'nope'"),
    ],
)
def test_bad_arguments_exit_2_before_any_window(args, message, tmp_path):
    """With --screenshot too, the process never gets as far as a window: the message is
    the whole of stderr, nothing on stdout, no picture (a window would have written one)."""
    shot = tmp_path / "x.png"
    if "--screenshot" not in args:
        args = [*args, "--screenshot", str(shot)]
    if "--wait" not in args:
        args = [*args, "--wait", "0"]
    out = run(*args)
    assert out.returncode == 2, out.stderr
    assert message in out.stderr
    assert out.stdout == ""
    assert "Traceback" not in out.stderr
    assert not shot.exists()


def test_a_broken_lesson_file_is_named(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "backprop-lab-scenario", "version": 1}')
    out = run("--lesson", str(bad))
    assert out.returncode == 2
    assert "cannot open lesson" in out.stderr and "missing field" in out.stderr


def test_version():
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"backprop-lab {__version__}"


def test_help_shows_the_defaults():
    out = run("--help")
    assert out.returncode == 0
    assert "(default: the last used, or 1280x800)" in out.stdout
    assert "(default: xor)" in out.stdout
    assert "(default: None)" not in out.stdout
    render_help = run("render", "--help")
    assert "(default: 800x600; 1024x768 with --beats)" in " ".join(render_help.stdout.split())
    assert "--gif" in render_help.stdout and "--beats" in render_help.stdout


def test_screenshot_writes_the_picture_and_exits_0(tmp_path):
    from PySide6.QtGui import QImage

    path = tmp_path / "shot.png"
    out = run("--lesson", "xor", "--size", "1200x700", "--screenshot", str(path), "--wait", "0.5")
    assert out.returncode == 0, out.stderr
    assert f"saved {path}" in out.stdout
    img = QImage(str(path))
    assert not img.isNull() and (img.width(), img.height()) == (1200, 700)


def test_a_size_below_the_windows_minimum_is_reported(tmp_path):
    path = tmp_path / "shot.png"
    out = run("--size", "300x200", "--screenshot", str(path), "--wait", "0")
    assert out.returncode == 0, out.stderr
    assert "the window needs at least" in out.stderr
    from PySide6.QtGui import QImage

    img = QImage(str(path))
    assert img.width() > 300 and img.height() > 200


def test_screenshot_that_cannot_be_written_exits_1(qapp, tmp_path, monkeypatch, capsys):
    """The folder is checked up front; if the write still fails, the exit says so."""
    from backprop_lab.gui import app
    from PySide6.QtGui import QPixmap

    monkeypatch.setenv("BACKPROP_LAB_SETTINGS", str(tmp_path / "settings.ini"))
    monkeypatch.setattr(QPixmap, "save", lambda self, *a, **k: False)
    path = tmp_path / "shot.png"
    code = app.main(["--screenshot", str(path), "--wait", "0", "--size", "800x600"])
    assert code == 1
    err = capsys.readouterr().err
    assert f"could not write {path}" in err
    assert not path.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["xor", "--steps", "-1"], "--steps must be ≥ 0"),
        (["xor", "--every", "0"], "--every must be ≥ 1"),
        (["xor", "--size", "0x10"], "--size must be 16..8192"),
        (["xor", "--scale", "0"], "--scale must be 0.25..8"),
        (["nope"], "'nope' is neither a file nor a built-in lesson"),
        (["xor", "--what", "everything"], "invalid choice: 'everything'"),
        (["xor", "--steps", "1000000", "--every", "1"], "frames requested (at most 10,000)"),
    ],
)
def test_render_bad_arguments_exit_2_and_write_nothing(tmp_path, args, message):
    out_dir = tmp_path / "frames"
    out = run("render", *args, "--out", str(out_dir))
    assert out.returncode == 2, out.stderr
    assert message in out.stderr
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_render_out_that_is_a_file_exits_2(tmp_path):
    f = tmp_path / "file"
    f.write_text("")
    out = run("render", "xor", "--out", str(f))
    assert out.returncode == 2 and "exists and is not a folder" in out.stderr


def test_settings_persist_across_two_app_processes(tmp_path):
    """The first run's size and type scale come back in a second run with no options."""
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QImage

    store = str(tmp_path / "settings.ini")
    # a 1920×1080 offscreen screen: Qt fits a restored geometry to the screen, and the
    # offscreen platform's default one (800×800) is narrower than the window
    screen = tmp_path / "screen.json"
    screen.write_text(
        '{"screens": [{"name": "hd", "x": 0, "y": 0, "width": 1920, "height": 1080,'
        ' "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'
    )
    platform = f"offscreen:configfile={screen}"
    first = run(
        "--size", "1200x760", "--font-scale", "1.4", "--screenshot", str(tmp_path / "a.png"),
        "--wait", "0", settings=store, platform=platform,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert float(QSettings(store, QSettings.Format.IniFormat).value("view/font_scale")) == 1.4
    second = run(
        "--screenshot", str(tmp_path / "b.png"), "--wait", "0", settings=store, platform=platform
    )
    assert second.returncode == 0, second.stderr
    a, b = QImage(str(tmp_path / "a.png")), QImage(str(tmp_path / "b.png"))
    assert (b.width(), b.height()) == (a.width(), a.height()) != (1280, 800)
    # the second run restored 1.4 (it saves what it shows when it closes)
    assert float(QSettings(store, QSettings.Format.IniFormat).value("view/font_scale")) == 1.4
