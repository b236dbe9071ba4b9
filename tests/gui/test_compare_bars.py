"""The "now" |δ⁽ℓ⁾| bars of a comparison: every run's bars per layer, A's solid and the
others hatched beside them, so sigmoid's staircase stands beside ReLU's level row; a seed
fan keeps A's bars alone."""

from __future__ import annotations

import numpy as np
from backprop_lab.engine import session_from_scenario
from backprop_lab.engine.contrasts import contrast
from backprop_lab.engine.lessons import load_lesson
from backprop_lab.gui.plots import TrainingPlots
from PySide6.QtCore import Qt


def _show(qtbot, group) -> TrainingPlots:
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.resize(420, 900)
    plots.show()
    snap = group.snapshot()
    plots.update_snapshot(snap.runs[0].snapshot, runs=snap.runs, fan=snap.kind == "fan")
    plots.grab()
    return plots


def _tops(item) -> np.ndarray:
    """Each bar's top, in log10 units (the bars are drawn by hand on a log scale)."""
    return np.asarray(item.opts["y0"]) + np.asarray(item.opts["height"])


def test_every_runs_bars_stand_beside_a_s(qtbot):
    group = contrast(session_from_scenario(load_lesson("deep_sigmoid")), "activation")
    group.step(40)
    plots = _show(qtbot, group)
    a, b = (s.snapshot().last.delta_mean_abs for s in group)
    assert np.allclose(_tops(plots.bars), np.log10(a))
    assert plots.run_bars[0].isVisible()
    assert np.allclose(_tops(plots.run_bars[0]), np.log10(b))
    # side by side, B's right of A's in every layer, hatched
    xa, xb = np.asarray(plots.bars.opts["x"]), np.asarray(plots.run_bars[0].opts["x"])
    assert np.all(xb > xa) and np.all(np.abs((xa + xb) / 2 - np.arange(1, 8)) < 1e-9)
    assert plots.run_bars[0].opts["brushes"][0].style() == Qt.BrushStyle.BDiagPattern
    assert plots.bars.opts["brushes"][0].style() == Qt.BrushStyle.SolidPattern
    assert "B hatched" in plots.bars_plot.getPlotItem().titleLabel.text
    # the vanishing δ: A's first layer decades below its last, ReLU's much closer
    assert np.log10(a[-1] / a[0]) > 3 > np.log10(b[-1] / b[0])


def test_a_deeper_run_widens_the_layers_axis_and_a_fan_keeps_a_s_bars(qtbot):
    session = session_from_scenario(load_lesson("xor"))
    group = contrast(session, "hidden")  # A: no hidden layer, B: one
    group.step(5)
    plots = _show(qtbot, group)
    assert len(plots.bars.opts["x"]) == 1 and len(plots.run_bars[0].opts["x"]) == 2
    lo, hi = plots.bars_plot.getPlotItem().vb.viewRange()[0]
    assert lo < 1 and hi > 2
    assert plots.run_bars[0].isVisible()
    fan = contrast(session, "seeds4")
    fan.step(5)
    snap = fan.snapshot()
    plots.update_snapshot(snap.runs[0].snapshot, runs=snap.runs, fan=True)
    plots.grab()
    assert plots.run_bars and not any(item.isVisible() for item in plots.run_bars)
    assert "hatched" not in plots.bars_plot.getPlotItem().titleLabel.text
    assert plots.bars.opts["width"] == 0.6
