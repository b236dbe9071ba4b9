"""Engine commands are all or nothing, and divergence rolls θ back, through the window."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine import session as session_module
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


def test_divergence_rolls_back_and_play_works_once_alpha_is_lowered(window, qtbot):
    """XOR, tanh, α = 10 (the slider's top) after training: the loss jumps from near 0."""
    tp = window.training_panel
    window.step(3000)
    qtbot.waitUntil(lambda: window.latest.snapshot.step == 3000, timeout=LONG)
    low = window.latest.snapshot.last.train_loss
    assert low < 0.05
    tp.alpha_slider.setFocus()
    qtbot.keyClick(tp.alpha_slider, Qt.Key.Key_End)
    assert tp.alpha == pytest.approx(10.0)
    click(qtbot, tp.play_button)
    qtbot.waitUntil(lambda: window.banner.kind == "warning", timeout=LONG)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=LONG)
    assert "diverged" in window.banner.text and "θ is back at step" in window.banner.text
    # θ is the kept state of a step at or before the divergence, with its low loss
    step, loss, kept = engine_value(
        qtbot,
        window,
        lambda s: (
            s.step_count,
            s.evaluate()[0],
            all(
                np.array_equal(a, b)
                for a, b in zip(
                    s.params.arrays(), s.timeline.checkpoint(s.step_count).params.arrays()
                )
            ),
        ),
    )
    assert kept and loss < 2 * low + 0.01 and 3000 - 64 <= step <= 3000 + 64
    window.grab()
    # Play is refused at the same α ...
    click(qtbot, tp.play_button)
    qtbot.waitUntil(lambda: not tp.play_button.isChecked(), timeout=LONG)
    assert window.latest.snapshot.step == step
    # ... and works as soon as α is lowered
    # (PageDown is the app's Step key: the slider is moved as a drag would)
    tp.alpha_slider.setValue(tp.alpha_slider.value() - 2 * tp.alpha_slider.pageStep())
    assert tp.alpha == pytest.approx(0.1)
    qtbot.waitUntil(lambda: window.latest.snapshot.hyper.alpha == pytest.approx(0.1), timeout=LONG)
    click(qtbot, tp.play_button)
    qtbot.waitUntil(lambda: window.latest.snapshot.step > step + 20, timeout=LONG)
    click(qtbot, tp.play_button)
    window.grab()
