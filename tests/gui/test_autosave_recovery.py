"""The autosave never stops silently, and a crashed run's autosave is always found:
a failed write or capture is reported and tried again; an autosave whose process is a
zombie or another program (a PID used again) is offered at launch; only Discard deletes
one. Through the real window and the real questions."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from backprop_lab.engine.scenario import load_scenario
from backprop_lab.gui import autosave as autosave_module
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from .helpers import LONG, open_window
from .test_autosave import answer_next_question, draw_point, on_next_question, prompts_on

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(autosave_module.AUTOSAVE_DIR_ENV, str(tmp_path))
    return tmp_path


# --- failures ---------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["capture", "write"])
def test_a_failed_autosave_is_reported_and_the_next_edits_are_written(
    folder, qtbot, monkeypatch, where
):
    """One failed capture (in the engine thread) or write (on the disk) once left the
    autosave "writing" for ever: three later edits wrote nothing, and nothing was said."""
    name = "scenario_from_group" if where == "capture" else "save_scenario"
    real = getattr(autosave_module, name)
    calls = {"n": 0}

    def fails_once(*a, **k):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(28, "No space left on device")
        return real(*a, **k)

    monkeypatch.setattr(autosave_module, name, fails_once)
    w = open_window(qtbot)
    w.autosave.edit_delay_ms = 50  # a few seconds in the app
    n0 = len(w.canvas.dataset)
    draw_point(qtbot, w, 0.5, -0.5)
    qtbot.waitUntil(lambda: w.autosave.failures == 1, timeout=LONG)
    assert "Autosave failed" in w.banner.text and "No space left" in w.banner.text
    assert "Autosave failed" in w.statusBar().currentMessage()
    w.grab()
    for x in (-0.5, 0.25, 1.0):  # three more edits
        draw_point(qtbot, w, x, 0.5)
    qtbot.waitUntil(lambda: len(w.latest.snapshot.dataset) == n0 + 4, timeout=LONG)
    qtbot.waitUntil(lambda: w.autosave.written_key == w.autosave.latest_key, timeout=LONG)
    assert len(load_scenario(w.autosave.path).dataset) == n0 + 4
    assert w.autosave.failures == 0 and "Autosave failed" not in w.banner.text
    w.close()
    assert not w.autosave.path.exists()


def test_an_autosave_that_keeps_failing_is_tried_again_without_edits(folder, qtbot, monkeypatch):
    def always(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(autosave_module, "save_scenario", always)
    w = open_window(qtbot)
    w.autosave.edit_delay_ms = 20
    draw_point(qtbot, w, 0.5, -0.5)
    qtbot.waitUntil(lambda: w.autosave.failures >= 3, timeout=LONG)  # no edit in between
    assert "Permission denied" in w.statusBar().currentMessage()
    w.close()


# --- stale autosaves at launch -----------------------------------------------------------------
def spawn(*argv: str) -> subprocess.Popen:
    return subprocess.Popen(list(argv), stdin=subprocess.DEVNULL)


def app_like() -> subprocess.Popen:
    """A process whose command line is the app's (as ``backprop-lab`` runs)."""
    return spawn(sys.executable, "-c", "import time; time.sleep(120)", "backprop-lab")


def state(pid: int) -> str:
    stat = autosave_module._linux_stat(pid)
    return "" if stat is None else stat[0]


def offered(w, answer=QMessageBox.StandardButton.Cancel) -> list[str]:
    """The restore questions asked at launch (answered with ``answer``, Not now)."""
    seen: list[str] = []
    timer = answer_next_question(answer, seen)
    with prompts_on(w):
        w.autosave.offer_restore()
    timer.stop()
    return seen


@linux
def test_a_killed_runs_autosave_is_offered_while_it_is_still_a_zombie(folder, qtbot):
    child = app_like()
    try:
        name = autosave_module.autosave_name(child.pid, autosave_module.process_start(child.pid))
        (folder / name).write_text("{}")
        w = open_window(qtbot)
        assert not offered(w)  # running: another window's
        child.kill()  # kill -9; not reaped yet: a zombie
        deadline = time.monotonic() + 30
        while state(child.pid) != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert state(child.pid) == "Z"
        seen = offered(w)
        assert seen and "did not close properly" in seen[0]
        assert (folder / name).exists()  # Not now keeps it
        w.close()
    finally:
        child.kill()
        child.wait()


@linux
def test_an_autosave_whose_pid_now_belongs_to_another_program_is_offered(folder, qtbot):
    other = spawn("sleep", "120")  # another program, as after a reboot
    app = app_like()
    try:
        w = open_window(qtbot)
        start = autosave_module.process_start(other.pid)
        for name in (
            autosave_module.FILE_PATTERN.format(pid=other.pid),  # no start recorded
            autosave_module.autosave_name(other.pid, start),  # the start matches, the name not
            # the app's PID, with the start of an earlier process that had it
            autosave_module.autosave_name(app.pid, autosave_module.process_start(app.pid) - 1),
        ):
            path = folder / name
            path.write_text("{}")
            seen = offered(w, QMessageBox.StandardButton.Discard)
            assert seen and not path.exists(), name
        live = folder / autosave_module.autosave_name(
            app.pid, autosave_module.process_start(app.pid)
        )
        live.write_text("{}")
        assert not offered(w) and live.exists()  # a live window's: left alone
        w.close()
    finally:
        for p in (other, app):
            p.kill()
            p.wait()


def test_process_checks_without_proc_use_ps(qtbot):
    """Where there is no /proc (macOS, BSD): ps says zombie and program."""
    app, other = app_like(), spawn("sleep", "120")
    try:
        assert autosave_module._posix_alive(app.pid)
        assert not autosave_module._posix_alive(other.pid)  # another program
        app.kill()
        deadline = time.monotonic() + 30
        while autosave_module._posix_alive(app.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not autosave_module._posix_alive(app.pid)  # a zombie, then gone
    finally:
        for p in (app, other):
            p.kill()
            p.wait()


# --- the restore question ----------------------------------------------------------------------
def dismiss_next_question(qtbot, how: str, seen: list[str]) -> QTimer:
    def go(box: QMessageBox) -> None:
        if how == "esc":
            qtbot.keyClick(box, Qt.Key.Key_Escape)
        else:
            box.close()  # the title bar's ✕

    return on_next_question(go, seen)


@pytest.mark.parametrize("how", ["esc", "close"])
def test_dismissing_the_restore_question_keeps_the_autosave_for_next_time(folder, qtbot, how):
    path = folder / autosave_module.FILE_PATTERN.format(pid=2**22 + 7)  # no such process
    path.write_text("{}")
    w = open_window(qtbot)
    for _launch in range(2):  # asked again at the next launch
        seen: list[str] = []
        dismiss_next_question(qtbot, how, seen)
        with prompts_on(w):
            assert not w.autosave.offer_restore()
        assert seen and "Not now" in seen[0] and path.exists()
    assert w.latest.snapshot.step == 0  # nothing was restored
    w.close()


def test_a_restore_that_cannot_be_read_keeps_the_file(folder, qtbot):
    path = folder / autosave_module.FILE_PATTERN.format(pid=2**22 + 9)
    path.write_text('{"format": "backprop-lab-scenario"')  # cut short
    w = open_window(qtbot)
    w.autosave.edit_delay_ms = 50
    seen = offered(w, QMessageBox.StandardButton.Yes)
    assert seen
    qtbot.waitUntil(lambda: w.files.last_open_ok is False, timeout=LONG)
    draw_point(qtbot, w, 0.5, 0.5)  # this run's own autosave is written…
    qtbot.waitUntil(lambda: w.autosave.written_key == w.autosave.latest_key, timeout=LONG)
    assert path.exists()  # …and the unread one stays, for a Discard or a later version
    w.close()
