"""The open document (gui/document.py): a lesson's title and description belong to the run
the window shows, not to the notes pane. Opening a lesson sets them, new data clear them,
undo and redo across runs bring each run's back, and the pane and the window's title only
show them."""

from __future__ import annotations

from backprop_lab.engine.lessons import load_lesson
from backprop_lab.gui.document import LessonInfo, OpenDocument
from PySide6.QtCore import Qt

from .helpers import LONG, open_and_wait
from .test_keys import press, window  # noqa: F401

CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_lesson_info_names_the_window():
    assert LessonInfo().window_title == "Backprop Lab"
    assert LessonInfo("XOR", "try tanh", "XOR").window_title == "Backprop Lab — XOR"
    assert not LessonInfo(name="points.csv").has_notes
    assert LessonInfo(description="only a description").has_notes


def test_the_document_says_when_it_changes(qtbot):
    doc = OpenDocument()
    seen: list[LessonInfo] = []
    doc.changed.connect(seen.append)
    doc.set_lesson("XOR", "try tanh", "XOR")
    doc.set_source("points.csv")
    assert seen == [LessonInfo("XOR", "try tanh", "XOR"), LessonInfo(name="points.csv")]
    assert (doc.title, doc.description) == ("", "")


def shown(w) -> tuple[str, str, bool, str]:
    notes = w.canvas_area.notes
    return (
        notes.title_label.text(),
        notes.description_label.text(),
        notes.isVisible(),
        w.windowTitle(),
    )


def test_undo_across_runs_brings_the_lessons_notes_back(window, qtbot):  # noqa: F811
    w = window
    lesson = load_lesson("deep_sigmoid")
    assert open_and_wait(qtbot, w, "deep_sigmoid")
    w.grab()
    assert (w.document.title, w.document.description) == (lesson.title, lesson.description)
    with_lesson = shown(w)
    assert with_lesson == (
        lesson.title,
        lesson.description,
        True,
        f"Backprop Lab — {lesson.title}",
    )
    # a preset is new data: the run leaves the lesson
    dp = w.data_panel
    dp.preset_combo.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: w.document.info == LessonInfo(), timeout=LONG)
    w.grab()
    assert not w.canvas_area.notes.isVisible() and w.windowTitle() == "Backprop Lab"
    # undo: the lesson's run, with its notes and its name
    w.canvas.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: w.document.title == lesson.title, timeout=LONG)
    w.grab()
    assert shown(w) == with_lesson
    # redo: the preset's run again, without them
    press(qtbot, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: w.document.info == LessonInfo(), timeout=LONG)
    w.grab()
    assert not w.canvas_area.notes.isVisible() and w.windowTitle() == "Backprop Lab"
