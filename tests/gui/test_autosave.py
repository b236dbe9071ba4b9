"""Autosave, recovery after a crash, and the question on close, through the real window."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pytest
from backprop_lab.gui import autosave as autosave_module
from backprop_lab.gui.main_window import MainWindow
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from .helpers import LONG, open_window


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(autosave_module.AUTOSAVE_DIR_ENV, str(tmp_path))
    return tmp_path


@contextmanager
def prompts_on(w: MainWindow):
    """Questions are asked inside the block only: a failed test must never leave one to
    block the teardown's close."""
    w.autosave.prompts = True
    try:
        yield
    finally:
        w.autosave.prompts = False


def draw_point(qtbot, w, x: float, y: float) -> None:
    c = w.canvas
    pos = c.mapFromScene(c.plotItem.vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(c.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos))


def on_next_question(act, seen: list[str]) -> QTimer:
    """Run ``act(box)`` on the next modal question once it is up, noting its text in
    ``seen``. Returns the polling timer: stop it if no question is expected."""
    timer = QTimer()
    timer.setInterval(20)

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            timer.stop()
            seen.append(box.text())
            act(box)

    timer.timeout.connect(poll)
    timer.start()
    return timer


def answer_next_question(button: QMessageBox.StandardButton, seen: list[str]) -> QTimer:
    """Click ``button`` in the next modal question, as a user would."""
    return on_next_question(lambda box: box.button(button).click(), seen)


def crash_then_restore(qtbot, w1: MainWindow) -> MainWindow:
    """``w1`` dies as a killed process does (no close event: its autosave stays behind);
    a new window opens, asks, and is told Yes. Returns the new window."""
    w1.controller.shutdown()
    w1.files.io.shutdown()
    w1.hide()
    w2 = open_window(qtbot, size=None)
    seen: list[str] = []
    answer_next_question(QMessageBox.StandardButton.Yes, seen)
    with prompts_on(w2):
        assert w2.autosave.offer_restore()
    assert seen and "did not close properly" in seen[0]
    return w2


def test_autosave_then_crash_then_restore_gives_the_same_work(folder, qtbot):
    w1 = open_window(qtbot, size=None)
    w1.autosave.edit_delay_ms = 50  # a few seconds in the app; the test need not wait
    assert w1.autosave.path.parent == folder
    n0 = len(w1.canvas.dataset)
    draw_point(qtbot, w1, 0.5, -0.5)
    draw_point(qtbot, w1, -0.25, 0.75)
    qtbot.waitUntil(lambda: len(w1.latest.snapshot.dataset) == n0 + 2, timeout=LONG)
    qtbot.mouseClick(w1.training_panel.step10_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w1.latest.snapshot.step == 10, timeout=LONG)
    final = w1.latest.snapshot
    qtbot.waitUntil(lambda: w1.autosave.written_key == w1.autosave.latest_key, timeout=LONG)
    assert w1.autosave.path.exists()
    w2 = crash_then_restore(qtbot, w1)
    qtbot.waitUntil(lambda: w2.latest.snapshot.step == 10, timeout=LONG)
    snap = w2.latest.snapshot
    np.testing.assert_array_equal(snap.dataset.points, final.dataset.points)
    np.testing.assert_array_equal(snap.dataset.y, final.dataset.y)
    for a, b in zip(snap.params.arrays(), final.params.arrays(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert len(w2.canvas.dataset) == n0 + 2
    assert w2.autosave.dirty  # restored work is still unsaved
    w2.grab()
    # and it trains on exactly as the first window would have
    qtbot.mouseClick(w2.training_panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w2.latest.snapshot.step == 11, timeout=LONG)
    w2.close()
    assert not w2.autosave.path.exists()  # closed cleanly (work discarded): nothing to restore


def test_discard_in_the_restore_question_deletes_the_autosave(folder, qtbot):
    (folder / autosave_module.FILE_NAME).write_text("{}")
    w = open_window(qtbot, size=None)
    seen: list[str] = []
    answer_next_question(QMessageBox.StandardButton.Discard, seen)
    with prompts_on(w):
        assert not w.autosave.offer_restore()
    assert seen and not (folder / autosave_module.FILE_NAME).exists()
    w.close()


def live_app_process():
    """A process that looks like another open Backprop Lab window (its command line
    names the app), and its autosave's file name."""
    import subprocess
    import sys

    p = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; time.sleep(120)", "backprop-lab"],
        stdin=subprocess.DEVNULL,
    )
    return p, autosave_module.autosave_name(p.pid, autosave_module.process_start(p.pid))


def test_another_open_windows_autosave_is_neither_offered_nor_deleted(folder, qtbot):
    """Two app processes at once: the second must not offer (or, on Discard, delete) the
    first's live autosave; a dead process's autosave is offered."""
    import subprocess
    import sys

    proc, name = live_app_process()
    try:
        live = folder / name
        live.write_text("{}")
        w = open_window(qtbot)
        seen: list[str] = []
        timer = answer_next_question(QMessageBox.StandardButton.Discard, seen)
        with prompts_on(w):
            assert not w.autosave.offer_restore()
        timer.stop()
        assert not seen and live.exists()
        gone = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        dead = folder / autosave_module.FILE_PATTERN.format(pid=int(gone.stdout))
        dead.write_text("{}")
        seen.clear()
        answer_next_question(QMessageBox.StandardButton.Discard, seen)
        with prompts_on(w):
            assert not w.autosave.offer_restore()
        assert seen and not dead.exists() and live.exists()
        w.close()
    finally:
        proc.kill()
        proc.wait()


def test_close_with_unsaved_work_asks_and_cancel_keeps_the_window(folder, qtbot, tmp_path):
    w = open_window(qtbot, size=None)
    assert not w.autosave.dirty
    qtbot.mouseClick(w.training_panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 1, timeout=LONG)
    assert w.autosave.dirty
    seen: list[str] = []
    answer_next_question(QMessageBox.StandardButton.Cancel, seen)
    with prompts_on(w):
        assert not w.close()
    assert seen and "Save them" in seen[0]
    assert w.isVisible() and w.controller.thread.isRunning()
    qtbot.mouseClick(w.training_panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 2, timeout=LONG)
    # Save writes the lesson, then the window closes
    path = tmp_path / "mine.json"
    w.autosave.lesson_path = str(path)
    answer_next_question(QMessageBox.StandardButton.Save, seen)
    with prompts_on(w):
        assert not w.close()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=LONG)
    assert path.exists() and not w.controller.thread.isRunning()


def press_in_next_question(key: Qt.Key, mods: Qt.KeyboardModifier, seen: list[str]) -> QTimer:
    """Press ``key`` (with ``mods``) in the next modal question, as a user at the keyboard
    does."""

    def press(box: QMessageBox) -> None:
        QTest.keyClick(box, key, mods)
        # a key that answers nothing must fail the test, not leave it waiting for ever
        # (the box as the timer's context: once it is gone, nothing is called)
        QTimer.singleShot(3000, box, box.reject)

    return on_next_question(press, seen)


def test_the_close_question_answers_from_the_keyboard(folder, qtbot):
    """Alt+D discards and closes, as Esc cancels: a lecturer at the keyboard (or with a
    clicker's keyboard) ends without the mouse."""
    w = open_window(qtbot, size=None)
    qtbot.mouseClick(w.training_panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 1, timeout=LONG)
    seen: list[str] = []
    press_in_next_question(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier, seen)
    with prompts_on(w):
        assert not w.close()  # Esc: cancelled, the window stays
    assert seen and w.isVisible()
    press_in_next_question(Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier, seen)
    with prompts_on(w):
        assert w.close()  # Alt+D: discarded, closed
    assert len(seen) == 2 and not w.isVisible()
    assert not w.autosave.path.exists()  # nothing left to offer back


def test_saved_work_closes_without_a_question(folder, qtbot, tmp_path):
    w = open_window(qtbot, size=None)
    qtbot.mouseClick(w.training_panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 1, timeout=LONG)
    w.save_lesson(tmp_path / "saved.json")
    qtbot.waitUntil(lambda: not w.autosave.dirty, timeout=LONG)
    seen: list[str] = []
    poll = answer_next_question(QMessageBox.StandardButton.Cancel, seen)  # if one came
    with prompts_on(w):
        assert w.close()
    poll.stop()
    assert not seen


def test_training_is_autosaved_on_its_own_clock(folder, qtbot):
    w = open_window(qtbot, size=None)
    w.autosave.edit_delay_ms = 600_000  # only the training clock may write in this test
    w.autosave.training_interval_ms = 200  # every minute in the app
    qtbot.mouseClick(w.training_panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.autosave.written_key is not None, timeout=LONG)
    assert w.controller.running and w.autosave.written_key[1] > 0  # a step while training
    from backprop_lab.engine.scenario import load_scenario

    # (a newer write may have replaced it since: atomically, never half a file)
    assert 0 < load_scenario(w.autosave.path).state.step <= w.latest.snapshot.step + 10_000
    qtbot.mouseClick(w.training_panel.play_button, Qt.MouseButton.LeftButton)
    w.close()
    assert not w.autosave.path.exists()


def test_an_edit_while_training_is_autosaved_within_the_edit_delay(folder, qtbot):
    w = open_window(qtbot, size=None)
    w.autosave.edit_delay_ms = 100  # a few seconds in the app
    w.autosave.training_interval_ms = 600_000  # the training clock alone would not write
    qtbot.mouseClick(w.training_panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.latest.snapshot.step > 5, timeout=LONG)
    assert w.autosave.written_key is None
    n = len(w.canvas.dataset)
    draw_point(qtbot, w, 0.5, -0.5)
    qtbot.waitUntil(lambda: w.autosave.written_key is not None, timeout=LONG)
    from backprop_lab.engine.scenario import load_scenario

    assert len(load_scenario(w.autosave.path).dataset) == n + 1  # the drawn point is in it
    qtbot.mouseClick(w.training_panel.play_button, Qt.MouseButton.LeftButton)
    w.close()
