"""Ctrl+C in the terminal (SIGINT) quits as Ctrl+Q does: it asks about unsaved work (or
follows BACKPROP_LAB_NO_PROMPTS), never prints a traceback, and the app really ends. A real
process (offscreen, its own HOME and app-data folder) and a real signal."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

# the app as ``backprop-lab`` runs it; the window says "ready" once it is up, answers the
# close question as told (one answer per question, printed as it is given)
SCRIPT = textwrap.dedent(
    r"""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox
    from backprop_lab.gui import app, main_window

    how, answers = sys.argv[1], sys.argv[2].split(",") if sys.argv[2] else []
    show = main_window.MainWindow.show

    def shown(w):
        show(w)
        if answers:
            w.autosave.prompts = True

        def answer():
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox) and answers:
                print("asked", answers[0], flush=True)
                box.button(getattr(QMessageBox.StandardButton, answers.pop(0))).click()

        timer = QTimer(w)
        timer.timeout.connect(answer)
        timer.start(20)

        def work():  # after the first frame: what it shows is the work to keep
            if w.latest is None:
                QTimer.singleShot(20, work)
                return
            if how in ("training", "unsaved"):
                w.step(3)
            if how == "training":
                w.play()
            ready()

        def ready():
            if how != "idle" and w.latest.snapshot.step < 3:
                QTimer.singleShot(20, ready)
                return
            print("ready", flush=True)

        QTimer.singleShot(0, work)

    main_window.MainWindow.show = shown
    sys.exit(app.main([]))
    """
)


def start(tmp_path, how: str, answers: str = "", prompts: bool = False) -> subprocess.Popen:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path),
        BACKPROP_LAB_AUTOSAVE_DIR=str(tmp_path / "auto"),
        BACKPROP_LAB_SETTINGS=str(tmp_path / "settings.ini"),
    )
    if prompts:
        env.pop("BACKPROP_LAB_NO_PROMPTS", None)
    else:
        env["BACKPROP_LAB_NO_PROMPTS"] = "1"
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, how, answers],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_line(p: subprocess.Popen, want: str, timeout: float = 60.0) -> None:
    """Wait until the app prints a line starting with ``want`` (or ends)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([p.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        line = p.stdout.readline()
        if not line:
            break
        if line.startswith(want):
            return
    p.kill()
    raise AssertionError(f"no {want!r} line; stderr: {p.stderr.read()[-2000:]}")


def finish(p: subprocess.Popen) -> tuple[int, str]:
    try:
        _out, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        _out, err = p.communicate()
        raise AssertionError(f"still running after Ctrl+C; stderr: {err[-2000:]}") from None
    return p.returncode, err


@pytest.mark.parametrize("how", ["idle", "training", "unsaved"])
def test_ctrl_c_quits_like_ctrl_q_without_a_traceback(tmp_path, how):
    p = start(tmp_path, how)
    read_line(p, "ready")
    p.send_signal(signal.SIGINT)
    code, err = finish(p)
    assert code == 0, err[-2000:]
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-2000:]
    # closed as Ctrl+Q closes: unsaved work discarded as BACKPROP_LAB_NO_PROMPTS says, so
    # no autosave is left to be offered next time
    assert not list((tmp_path / "auto").glob("autosave*.json"))


def test_ctrl_c_with_unsaved_work_asks_and_cancel_keeps_the_app_running(tmp_path):
    p = start(tmp_path, "unsaved", answers="Cancel,Discard", prompts=True)
    read_line(p, "ready")
    p.send_signal(signal.SIGINT)
    read_line(p, "asked Cancel")
    time.sleep(0.3)  # it must still run well after the answer (no timing is measured)
    assert p.poll() is None
    p.send_signal(signal.SIGINT)
    read_line(p, "asked Discard")
    code, err = finish(p)
    assert code == 0 and "Traceback" not in err and "KeyboardInterrupt" not in err, err[-2000:]
