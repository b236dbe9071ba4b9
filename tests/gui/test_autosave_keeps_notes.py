"""An autosave keeps the open lesson's title and description, so a restored lesson shows
its instructions again (not "Autosave" in the notes pane and the title bar)."""

from __future__ import annotations

from backprop_lab.engine.lessons import load_lesson
from backprop_lab.engine.scenario import load_scenario
from backprop_lab.gui import autosave as autosave_module

from tests.gui.test_autosave import LONG, draw_point, open_window


def test_the_autosave_of_a_lesson_keeps_its_notes(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(autosave_module.AUTOSAVE_DIR_ENV, str(tmp_path))
    w = open_window(qtbot)
    lesson = load_lesson("deep_sigmoid")
    w.open_lesson("deep_sigmoid")
    qtbot.waitUntil(lambda: w.document.title == lesson.title, timeout=LONG)
    qtbot.waitUntil(lambda: len(w.latest.snapshot.arch.widths) == 8, timeout=LONG)
    w.autosave.edit_delay_ms = 0
    draw_point(qtbot, w, 0.5, 0.5)  # unsaved work: an autosave is due
    qtbot.waitUntil(lambda: w.autosave.path.exists(), timeout=LONG)
    qtbot.waitUntil(lambda: w.autosave.written_key is not None, timeout=LONG)
    sc = load_scenario(w.autosave.path)
    assert sc.title == lesson.title
    assert sc.description == lesson.description
    w.grab()
    w.autosave.enabled = False  # nothing to ask on close
    w.close()
