"""Closing while a save is being written, on a slow disk: the window waits (a progress note
whose Cancel keeps it open), and the file is then whole; never a temporary file left, and
never a close the user did not ask for. Through the real window, keys and dialogs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from backprop_lab.engine.scenario import load_scenario
from backprop_lab.gui import autosave as autosave_module
from backprop_lab.gui import lesson_files
from backprop_lab.gui.lesson_files import LessonDetailsDialog
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QProgressDialog,
    QPushButton,
)

from . import slow_disk
from .helpers import LONG, click, open_window, step_of
from .test_autosave import answer_next_question, prompts_on

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def folders(tmp_path, monkeypatch):
    monkeypatch.setenv(autosave_module.AUTOSAVE_DIR_ENV, str(tmp_path / "auto"))
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    return lessons


def press(qtbot, w, key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    """A key as the user types it, into the widget that has the focus (the offscreen
    platform does not hand the activation back after a dialog: the user's click does)."""
    if QApplication.activeWindow() is not w and QApplication.activeModalWidget() is None:
        w.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=LONG)
    qtbot.keyClick(QApplication.focusWidget() or w.canvas, key, mods)


def save_with_keys(qtbot, w, path, monkeypatch) -> None:
    """Ctrl+S, Save in the title-and-description dialog, ``path`` in the file dialog
    (None: the file dialog as the test has set it up)."""
    if path is not None:
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), ""))
        )
    answered: list[bool] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LessonDetailsDialog):
            QTimer.singleShot(20, answer)
            return
        buttons = dialog.findChild(QDialogButtonBox)
        click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Save))
        answered.append(True)

    QTimer.singleShot(0, answer)
    press(qtbot, w, Qt.Key.Key_S, CTRL)
    assert answered


def progress_note(w) -> QProgressDialog | None:
    notes = [d for d in w.findChildren(QProgressDialog) if d.isVisible()]
    return notes[0] if notes else None


def step_once(qtbot, w) -> int:
    n = step_of(w)
    click(qtbot, w.training_panel.step_button)
    qtbot.waitUntil(lambda: step_of(w) == n + 1, timeout=LONG)
    return n + 1


@pytest.mark.parametrize("answer", ["Save", "Discard"])
def test_closing_during_a_slow_save_waits_and_leaves_the_file_whole(
    qtbot, folders, monkeypatch, answer
):
    disk = slow_disk.install(monkeypatch, folders)
    target = folders / "mine.json"
    w = open_window(qtbot)
    saved_step = step_once(qtbot, w)
    save_with_keys(qtbot, w, target, monkeypatch)
    qtbot.waitUntil(disk.entered.is_set, timeout=LONG)  # the write is under way
    later_step = step_once(qtbot, w)  # work after the save: the close still asks about it
    seen: list[str] = []
    with prompts_on(w):
        press(qtbot, w, Qt.Key.Key_Q, CTRL)
        # the window waits for the save, and says so
        note = progress_note(w)
        assert note is not None and "mine.json" in note.labelText()
        assert w.isVisible() and not target.exists()
        w.grab()
        answer_next_question(getattr(QMessageBox.StandardButton, answer), seen)
        disk.open()
        qtbot.waitUntil(lambda: not w.isVisible(), timeout=LONG)
    assert seen and "Save them" in seen[0]  # asked once the save had ended
    assert not w.controller.thread.isRunning()
    assert disk.leftovers() == [] and sorted(os.listdir(folders)) == ["mine.json"]
    expected = later_step if answer == "Save" else saved_step
    assert load_scenario(target).state.step == expected


def test_cancel_in_the_progress_note_keeps_the_window_and_the_save_goes_on(
    qtbot, folders, monkeypatch
):
    disk = slow_disk.install(monkeypatch, folders)
    target = folders / "mine.json"
    w = open_window(qtbot)
    step_once(qtbot, w)
    save_with_keys(qtbot, w, target, monkeypatch)
    qtbot.waitUntil(disk.entered.is_set, timeout=LONG)
    press(qtbot, w, Qt.Key.Key_Q, CTRL)
    note = progress_note(w)
    assert note is not None
    cancel = next(b for b in note.findChildren(QPushButton) if b.text() == "Cancel")
    click(qtbot, cancel)
    assert progress_note(w) is None and w.isVisible()
    disk.open()
    qtbot.waitUntil(lambda: not w.files.saving, timeout=LONG)
    qtbot.wait(50)  # a close that should not come would come now (nothing else to wait on)
    QApplication.processEvents()
    assert w.isVisible() and target.exists() and disk.leftovers() == []
    assert not w.autosave.dirty  # saved: the next Ctrl+Q closes at once
    press(qtbot, w, Qt.Key.Key_Q, CTRL)
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=LONG)


def test_a_failed_save_from_the_close_question_never_closes_the_window_later(
    qtbot, folders, monkeypatch
):
    target = folders / "mine.json"
    w = open_window(qtbot)
    step_once(qtbot, w)
    w.autosave.lesson_path = str(target)  # Save in the question writes here, no dialog
    real = lesson_files.scenario_from_group
    calls = {"n": 0}

    def fails_once(*a, **k):
        calls["n"] += 1
        if calls["n"] == 1:
            raise MemoryError("out of memory while capturing")
        return real(*a, **k)

    monkeypatch.setattr(lesson_files, "scenario_from_group", fails_once)
    seen: list[str] = []
    answer_next_question(QMessageBox.StandardButton.Save, seen)
    with prompts_on(w):
        press(qtbot, w, Qt.Key.Key_Q, CTRL)
        qtbot.waitUntil(lambda: "Could not save" in w.banner.text, timeout=LONG)
    assert seen and w.isVisible() and progress_note(w) is None
    assert not w.statusBar().currentMessage().startswith("saving")
    assert not target.exists()
    # a later ordinary save writes the file and the window stays
    w.save_lesson(target)
    qtbot.waitUntil(lambda: not w.autosave.dirty, timeout=LONG)
    qtbot.wait(50)
    QApplication.processEvents()
    assert w.isVisible() and target.exists()
    w.close()


def test_a_failed_write_leaves_no_saving_message(qtbot, folders):
    target = folders / "mine.json"
    target.write_text("{}")
    target.chmod(0o444)  # read-only: the save is refused
    w = open_window(qtbot)
    step_once(qtbot, w)
    w.save_lesson(target)
    qtbot.waitUntil(lambda: "Could not save" in w.banner.text, timeout=LONG)
    message = w.statusBar().currentMessage()
    assert "could not save" in message and "saving" not in message
    assert target.read_text() == "{}"
    w.close()


# the issue as it was found: a real process, Save then closing while the write runs
SCRIPT = textwrap.dedent(
    r"""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox
    from backprop_lab.gui import app, main_window
    sys.path.insert(0, sys.argv[3])
    import slow_disk

    target, answer = sys.argv[1], sys.argv[2]
    disk = slow_disk.SlowDisk(__import__("pathlib").Path(target).parent)
    from backprop_lab.engine import fileio
    fileio.write_chunk = disk.write_chunk
    show = main_window.MainWindow.show

    def shown(w):
        show(w)
        w.autosave.prompts = True

        def answer_question():
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox):
                box.button(getattr(QMessageBox.StandardButton, answer)).click()

        def close_while_writing():
            if not disk.entered.is_set():
                QTimer.singleShot(20, close_while_writing)
                return
            w.step(1)  # unsaved again: the close asks
            QTimer.singleShot(300, w.close)
            # the disk goes on well after the close (the close once gave a write 0.8 s)
            QTimer.singleShot(2500, disk.open)
            timer = QTimer(w)
            timer.timeout.connect(answer_question)
            timer.start(20)

        w.step(3)
        QTimer.singleShot(300, lambda: w.save_lesson(target))
        QTimer.singleShot(350, close_while_writing)

    main_window.MainWindow.show = shown
    sys.exit(app.main(["--preset", "spirals"]))
    """
)


@pytest.mark.parametrize("answer", ["Discard", "Save"])
def test_the_app_exits_only_once_the_save_is_written(tmp_path, answer):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "lesson.json"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path),
        BACKPROP_LAB_AUTOSAVE_DIR=str(tmp_path / "auto"),
        BACKPROP_LAB_SETTINGS=str(tmp_path / "settings.ini"),
    )
    env.pop("BACKPROP_LAB_NO_PROMPTS", None)
    here = os.path.dirname(__file__)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(target), answer, here],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert sorted(os.listdir(out)) == ["lesson.json"]  # whole, and no temporary file
    assert load_scenario(target).state.step == (4 if answer == "Save" else 3)
    assert not any((tmp_path / "auto").glob("autosave*.json"))  # closed cleanly
