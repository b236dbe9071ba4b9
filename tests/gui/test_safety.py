"""The safety net (gui/safety.py) through the real window: an exception injected into a
paint, an event handler, a pyqtgraph item or a slot ends in the banner, the app lives on."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.gui import safety
from PySide6.QtCore import Qt

from .helpers import LONG

pytestmark = pytest.mark.expect_caught  # every test here injects a failure


def _still_trains(qtbot, w) -> None:
    before = w.latest.snapshot.step
    qtbot.mouseClick(w.training_panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == before + 1, timeout=LONG)
    w.grab()


def test_a_raising_paint_event_is_reported_not_fatal(window, qtbot):
    # the status text paints ``_text``: a non-string makes drawText raise inside paintEvent
    window.status_label._text = object()
    window.status_label.update()
    window.grab()
    qtbot.waitUntil(lambda: window.banner.kind == "error", timeout=LONG)
    assert "StatusText.paintEvent" in window.banner.text
    assert "TypeError" in window.banner.text
    window.status_label._text = "ok"
    _still_trains(qtbot, window)


def test_bad_data_in_a_pyqtgraph_item_is_reported_not_fatal(window, qtbot):
    # the original crash: a BarGraphItem with fewer brushes than bars raises in paint()
    window.plots.bars.setOpts(x=np.arange(1, 4), height=np.ones(3), y0=0, brushes=["r"], width=0.6)
    window.grab()
    qtbot.waitUntil(lambda: window.banner.kind == "error", timeout=LONG)
    assert "BarGraphItem.paint" in window.banner.text
    assert "IndexError" in window.banner.text
    _still_trains(qtbot, window)


def test_a_raising_event_handler_is_reported_not_fatal(window, qtbot, monkeypatch):
    def boom(*_a):
        raise ValueError("injected in a key handler")

    canvas = window.canvas
    monkeypatch.setattr(canvas, "set_current_class", boom)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: window.banner.kind == "error", timeout=LONG)
    assert "injected in a key handler" in window.banner.text
    monkeypatch.undo()
    _still_trains(qtbot, window)


@pytest.mark.qt_no_exception_capture
def test_a_raising_slot_is_reported_not_fatal(window, qtbot, monkeypatch):
    def boom(_n):
        raise RuntimeError("injected in a slot")

    monkeypatch.setattr(window.controller, "step", boom)
    qtbot.mouseClick(window.training_panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.banner.kind == "error", timeout=LONG)
    assert "injected in a slot" in window.banner.text
    monkeypatch.undo()
    _still_trains(qtbot, window)


def test_guarded_returns_the_default_and_reports(qtbot):
    got = []
    safety.reporter().errorReported.connect(got.append)
    try:

        class Thing:
            @safety.guarded(default=False)
            def event(self, _ev):
                raise KeyError("k")

        assert Thing().event(None) is False
        assert got and "Thing.event" in got[-1] and "KeyError" in got[-1]
    finally:
        safety.reporter().errorReported.disconnect(got.append)
