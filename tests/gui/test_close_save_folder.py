"""Closing with unsaved work and answering Save: the file dialog starts in the folder Save
lesson uses (the last one, from the settings), not the folder the app was started from."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.gui.test_autosave import LONG, answer_next_question, open_window, prompts_on


def test_save_on_close_starts_in_the_last_lesson_folder(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_LAB_AUTOSAVE_DIR", str(tmp_path / "auto"))
    w = open_window(qtbot)
    last = tmp_path / "lessons"
    last.mkdir()
    w.files.start_folder = lambda: str(last)  # what the app's settings install
    asked: list[str] = []

    def fake_save_name(parent, caption, start, filters, *a, **k):
        asked.append(start)
        return "", filters  # the user cancels the file dialog: nothing closes

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save_name))
    qtbot.mouseClick(w.training_panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 1, timeout=LONG)
    seen: list[str] = []
    answer_next_question(QMessageBox.StandardButton.Save, seen)
    with prompts_on(w):
        assert not w.close()
    assert seen and asked, (seen, asked)
    assert asked[0] == str(last / "lesson.json")
    assert w.isVisible()
    w.close()
