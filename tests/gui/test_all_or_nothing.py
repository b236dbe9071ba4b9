"""Engine commands are all or nothing, and a divergence stops the run with two ways on,
through the window."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine import session as session_module
from backprop_lab.engine.guard import WINDOW_STEPS
from PySide6.QtCore import QPoint, QPointF, Qt

from .helpers import LONG, click, engine_value


def _boom(*_a, **_k):
    raise RuntimeError("injected failure")


def _state(s):
    return (s.spec, len(s.dataset), s.step_count, [w.copy() for w in s.params.W], s.hyper)


def _same(a, b) -> bool:
    return (
        a[0] == b[0]
        and a[1] == b[1]
        and a[2] == b[2]
        and a[4] == b[4]
        and all(np.array_equal(x, y) for x, y in zip(a[3], b[3], strict=True))
    )


def test_a_failing_set_network_changes_nothing(window, qtbot, monkeypatch):
    click(qtbot, window.training_panel.step_button)
    qtbot.waitUntil(lambda: window.latest.snapshot.step == 1, timeout=LONG)
    before = engine_value(qtbot, window, _state)
    shapes = window.network_panel.shapes_label.text()
    # fails half-way: after the new spec, architecture and network are in place
    monkeypatch.setattr(session_module, "init_parameters", _boom)
    click(qtbot, window.network_panel.add_button)
    qtbot.waitUntil(lambda: window.banner.kind == "error", timeout=LONG)
    assert "Could not apply the new network" in window.banner.text
    assert "injected failure" in window.banner.text
    assert _same(engine_value(qtbot, window, _state), before)
    assert window.network_panel.spec() == before[0]
    assert window.network_panel.shapes_label.text() == shapes
    window.grab()
    monkeypatch.undo()
    # and the session trains on, and saves
    click(qtbot, window.training_panel.step_button)
    qtbot.waitUntil(lambda: window.latest.snapshot.step == 2, timeout=LONG)
    click(qtbot, window.network_panel.add_button)
    qtbot.waitUntil(lambda: len(window.latest.snapshot.arch.widths) == 5, timeout=LONG)


def test_a_failing_set_dataset_changes_nothing(window, qtbot, monkeypatch):
    before = engine_value(qtbot, window, _state)
    n0 = len(window.canvas.dataset)
    monkeypatch.setattr(session_module, "feature_matrix", _boom)
    c = window.canvas
    pos = c.mapFromScene(c.plotItem.vb.mapViewToScene(QPointF(0.5, -0.5)))
    qtbot.mouseClick(c.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos))
    qtbot.waitUntil(lambda: window.banner.kind == "error", timeout=LONG)
    assert "Could not apply the new data" in window.banner.text
    assert _same(engine_value(qtbot, window, _state), before)
    assert len(window.canvas.dataset) == n0  # the canvas shows what the engine trains
    assert window.canvas.history.can_redo  # the edit is not lost: it can be redone
    window.grab()
    monkeypatch.undo()
    window.canvas.redo()
    qtbot.waitUntil(lambda: len(window.latest.snapshot.dataset) == n0 + 1, timeout=LONG)


def _diverge_at_the_top_of_alpha(window, qtbot) -> int:
    """XOR, tanh, α at the slider's top (10), Play: the guard stops the run."""
    tp = window.training_panel
    tp.alpha_slider.setFocus()
    qtbot.keyClick(tp.alpha_slider, Qt.Key.Key_End)
    assert tp.alpha == pytest.approx(10.0)
    qtbot.waitUntil(lambda: window.latest.snapshot.hyper.alpha == 10.0, timeout=LONG)
    click(qtbot, tp.play_button)
    qtbot.waitUntil(lambda: window.divergence.showing, timeout=LONG)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=LONG)
    assert not tp.play_button.isChecked()
    b = window.banner
    assert "diverged" in b.text and "stayed above" in b.text
    assert b.action_button.isVisible() and b.action_button.text() == "Roll back and lower α"
    assert b.second_button.isVisible() and b.second_button.text() == "Continue anyway"
    window.grab()
    return window.latest.snapshot.step


def test_a_real_divergence_stops_and_both_ways_on_work(window, qtbot):
    """α at the top of its slider on XOR with tanh units diverges; the banner's two
    buttons roll back (θ, α) or go on, through real clicks."""
    tp = window.training_panel
    assert window.latest.snapshot.spec.activations[0] == "tanh"
    stopped = _diverge_at_the_top_of_alpha(window, qtbot)
    snap = window.latest.snapshot
    assert snap.rollback_step < stopped  # θ is left where it stopped: the user decides
    # "Roll back and lower α": θ, optimizer and RNG of the last good checkpoint, α 10 → 5
    back = snap.rollback_step
    good = engine_value(qtbot, window, lambda s: s._rollback.params.copy())
    click(qtbot, window.banner.action_button)
    qtbot.waitUntil(lambda: window.latest.snapshot.diverged is None, timeout=LONG)
    assert not window.banner.isVisible()
    assert tp.alpha == 5.0 and tp.alpha_box.text() == "5"  # the panel shows it
    snap = window.latest.snapshot
    assert snap.step == back and snap.hyper.alpha == 5.0
    params = engine_value(qtbot, window, lambda s: s.params.copy())
    assert all(np.array_equal(x, y) for x, y in zip(params.arrays(), good.arrays()))
    assert not window.controller.running  # paused: the user presses Play when ready
    window.grab()

    # again at the top, and this time "Continue anyway": it plays on from the stop
    stopped = _diverge_at_the_top_of_alpha(window, qtbot)
    click(qtbot, window.banner.second_button)
    qtbot.waitUntil(lambda: window.controller.running, timeout=LONG)
    assert tp.play_button.isChecked() and not window.banner.isVisible()
    # the guard re-armed: it judges again only after a full window of new steps
    qtbot.waitUntil(lambda: window.latest.snapshot.step > stopped + 100, timeout=LONG)
    snap = window.latest.snapshot
    assert snap.diverged is None or snap.step >= stopped + WINDOW_STEPS
    if tp.play_button.isChecked():
        click(qtbot, tp.play_button)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=LONG)
    window.grab()
