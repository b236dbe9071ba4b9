"""The canvas's point layer at scale: set by style, never point by point, and drawn the
same as pyqtgraph's own ``setData`` draws it."""

import numpy as np
import pyqtgraph as pg
import pytest
from backprop_lab.engine.datasets import make_preset
from backprop_lab.gui.canvas import DataCanvas
from backprop_lab.gui.scatter import PassiveScatter, expand_style
from pyqtgraph.graphicsItems.ScatterPlotItem import SymbolAtlas
from PySide6.QtWidgets import QApplication


@pytest.fixture
def canvas(qtbot):
    c = DataCanvas()
    qtbot.addWidget(c)
    c.resize(500, 500)
    c.show()
    qtbot.waitExposed(c)
    return c


@pytest.mark.parametrize("preset", ["gaussians", "surface_2d"])
def test_20000_points_are_set_by_style_not_point_by_point(qtbot, canvas, monkeypatch, preset):
    ds = make_preset(preset, n_points=20_000, test_fraction=0.2, seed=1)
    looked_up: list[int] = []
    lookup = SymbolAtlas.__getitem__

    def count(self, styles):
        looked_up.append(len(styles))
        return lookup(self, styles)

    def per_point(*_a, **_k):
        raise AssertionError("a per-point pyqtgraph path was taken")

    monkeypatch.setattr(SymbolAtlas, "__getitem__", count)
    for name in ("setData", "addPoints", "updateSpots"):
        monkeypatch.setattr(pg.ScatterPlotItem, name, per_point)
    canvas.set_dataset(ds)
    canvas.grab()  # the paint works from what set_points left
    # one lookup of one style per distinct (pen, brush): at most 256 value colours for
    # each split and the rim for a surface, a few per class otherwise; never one per point
    assert all(n == 1 for n in looked_up)
    assert len(looked_up) <= (2 * 256 + 1 if preset == "surface_2d" else 20)
    shown = sum(len(i.data) for i in canvas._train_items + canvas._test_items)
    assert shown == len(ds) and len(canvas._test_rim.data) == int(ds.is_test.sum())


def _styles():
    pen = pg.mkPen("#1A1A1A", width=1.2)
    brushes = [pg.mkBrush(i, 255 - i, 40) for i in range(0, 256, 5)]
    pens = [pg.mkPen(i, 0, 255 - i, width=3) for i in range(0, 256, 5)]
    return pen, brushes, pens


@pytest.mark.parametrize("kind", ["one style", "brush per point", "pen per point"])
def test_set_points_draws_what_set_data_draws(qtbot, kind):
    rng = np.random.default_rng(3)
    pos = rng.uniform(-5, 5, size=(300, 2))
    pen, brushes, pens = _styles()
    index = rng.integers(0, len(brushes), len(pos))
    if kind == "one style":
        style = (pen, brushes[7])
    elif kind == "brush per point":
        style = (pen, (brushes, index))
    else:
        style = ((pens, index), brushes[2])
    images, items, widgets = [], [], []
    for fast in (True, False):
        w = pg.PlotWidget(background="w")
        qtbot.addWidget(w)
        widgets.append(w)
        w.resize(300, 300)
        item = PassiveScatter(pxMode=True, symbol="o")
        w.addItem(item)
        w.setRange(xRange=(-6, 6), yRange=(-6, 6), padding=0)
        if fast:
            item.set_points(pos, 11.0, *style)
        else:
            item.setData(
                pos=pos, size=11.0, pen=expand_style(style[0]), brush=expand_style(style[1])
            )
        w.show()
        qtbot.waitExposed(w)
        QApplication.processEvents()
        images.append(w.grab().toImage())
        items.append(item)
    fast_item, slow_item = items
    for field in ("x", "y", "size", "visible"):
        assert np.array_equal(fast_item.data[field], slow_item.data[field])
    assert fast_item.opts["size"] == slow_item.opts["size"] == 11.0
    assert images[0] == images[1]
    none = [(s[0], s[1][:0]) if isinstance(s, tuple) else s for s in style]
    fast_item.set_points(pos[:0], 11.0, *none)  # no points at all
    assert len(fast_item.data) == 0 and fast_item.boundingRect() is not None
