"""File → Save lesson in the window as the app builds it (settings installed, as
``backprop-lab`` does): the title-and-description dialog comes first, and what is typed
there is saved (never an empty title written straight from the file dialog)."""

from __future__ import annotations

import json

from backprop_lab.gui.lesson_files import LessonDetailsDialog
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from tests.gui.test_window_extras import open_window


def test_save_lesson_asks_for_title_and_description_with_settings_installed(
    qtbot, tmp_path, monkeypatch
):
    store = tmp_path / "settings.ini"
    out = tmp_path / "mine.json"
    w, _menus = open_window(qtbot, store)
    asked: list[str] = []

    def fake_save_name(parent, caption, start, filters, *a, **k):
        asked.append(start)
        return str(out), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save_name))
    seen: list[LessonDetailsDialog] = []

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LessonDetailsDialog):
            QTimer.singleShot(50, fill_in)
            return
        seen.append(dialog)
        qtbot.keyClicks(dialog.title_edit, "XOR by hand")
        qtbot.keyClicks(dialog.description_edit, "Watch the two lines bend.")
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill_in)
    w.menus.actions.save.trigger()
    assert seen, "Save lesson did not ask for a title and a description"
    qtbot.waitUntil(lambda: out.exists(), timeout=60_000)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["title"] == "XOR by hand"
    assert data["description"] == "Watch the two lines bend."
    assert asked and asked[0].endswith("lesson.json")
    # the notes show what was saved, and the file is remembered as a recent lesson
    # (the file is renamed into place on the writer thread; the window hears of it after)
    qtbot.waitUntil(lambda: w.document.title == "XOR by hand", timeout=60_000)
    qtbot.waitUntil(lambda: "XOR by hand" in w.windowTitle(), timeout=60_000)
    w.close()
