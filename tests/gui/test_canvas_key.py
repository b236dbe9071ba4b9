"""The canvas's colour key, the class picker's colours, "show test data", the trace's class
numbers (through the real window where it matters)."""

from __future__ import annotations

import numpy as np
from backprop_lab.engine import NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.trace import trace_point
from backprop_lab.gui.colors import CLASS_HEX
from backprop_lab.gui.legend import CanvasLegend, bar_rgba
from backprop_lab.gui.trace_view import TraceView
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from .helpers import LONG


def pixel(img, x: int, y: int) -> QColor:
    return QColor(img.pixel(x, y))


def test_class_picker_items_show_their_class_colour(window):
    combo = window.canvas_area.toolbar.class_combo
    assert combo.count() == len(CLASS_HEX)
    for k in (0, 1, 3):
        img = combo.itemIcon(k).pixmap(16, 16).toImage()
        centre = pixel(img, 8, 8)
        assert centre.name().upper() == CLASS_HEX[k].upper(), k


def test_legend_names_each_class_and_the_test_ring(window, qtbot):
    key = window.canvas_area.legend
    window.grab()
    assert key.isVisible() and key.kind == "classes"
    assert key.n_classes == 2 and key.show_test  # the XOR preset holds test points
    # the swatches are drawn in the class colours, inside the canvas's top-right corner
    img = key.grab().toImage()
    found = {
        QColor(img.pixel(x, y)).name().upper()
        for x in range(img.width())
        for y in range(img.height())
    }
    assert CLASS_HEX[0].upper() in found and CLASS_HEX[1].upper() in found
    c = window.canvas
    assert key.geometry().right() <= c.width() and key.geometry().top() >= 0
    # "show test data" off: test points vanish, and so does the ring in the key
    assert c._test_items[0].isVisible() or c._test_items[1].isVisible()
    qtbot.mouseClick(window.canvas_area.show_test_box, Qt.MouseButton.LeftButton)
    assert not window.canvas_area.show_test_box.isChecked() and not c.show_test
    assert not any(i.isVisible() for i in c._test_items) and not c._test_rim.isVisible()
    assert not key.show_test
    window.grab()
    qtbot.mouseClick(window.canvas_area.show_test_box, Qt.MouseButton.LeftButton)
    assert any(i.isVisible() for i in c._test_items) and key.show_test


def test_regression_surface_has_a_colour_bar(window, qtbot):
    dp = window.data_panel
    dp.task_combo.setCurrentIndex(dp.task_combo.findData("regression2"))
    qtbot.waitUntil(lambda: window.latest.snapshot.dataset.task == "regression", timeout=LONG)
    key = window.canvas_area.legend
    window.grab()
    assert key.isVisible() and key.kind == "scale"
    ds = window.canvas.dataset
    lo, hi = key.levels
    assert lo <= float(ds.y.min()) and hi >= float(ds.y.max())
    # the bar runs from the high colour on top to the low colour at the bottom
    bar = bar_rgba("scale", lo, hi)
    assert tuple(bar[0, :3]) != tuple(bar[-1, :3])
    img = key.grab().toImage()
    top = QColor(img.pixel(17, key.height() // 4))
    bottom = QColor(img.pixel(17, key.height() - 14))
    assert top.red() > top.blue() and bottom.blue() > bottom.red()  # vermillion high, blue low
    dp.task_combo.setCurrentIndex(dp.task_combo.findData("regression1"))
    qtbot.waitUntil(lambda: window.latest.snapshot.dataset.input_dim == 1, timeout=LONG)
    assert not key.isVisible()  # a curve needs no key


def test_the_loss_plot_names_each_tasks_loss(window, qtbot):
    """Classification's loss is −log p(y|x); regression's is ½ (y − h)², which is −log p
    only up to a constant, so its title says what is drawn."""
    dp = window.data_panel
    title = window.plots.loss_plot.getPlotItem().titleLabel

    def shown() -> str:
        window.grab()
        return title.text

    assert "−log p(y|x)" in shown()
    dp.task_combo.setCurrentIndex(dp.task_combo.findData("regression1"))
    qtbot.waitUntil(lambda: window.latest.snapshot.dataset.task == "regression", timeout=LONG)
    qtbot.waitUntil(lambda: "½ (y − h)²" in shown(), timeout=LONG)
    assert "log p" not in shown()
    dp.task_combo.setCurrentIndex(dp.task_combo.findData("classification"))
    qtbot.waitUntil(lambda: window.latest.snapshot.dataset.task == "classification", timeout=LONG)
    qtbot.waitUntil(lambda: "−log p(y|x)" in shown(), timeout=LONG)


def test_legend_never_raises_on_odd_input(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(300, 300)
    key = CanvasLegend(host)
    host.show()
    for setter in (
        lambda: key.set_classes(0, False),
        lambda: key.set_classes(8, True),
        lambda: key.set_scale(float("nan"), float("inf")),
        lambda: key.set_scale(2.0, 2.0),
        lambda: key.set_unit_scale(-1.0, 1.0, "h₁⁽¹⁾"),
        key.restore,
        key.clear,
    ):
        setter()
        key.grab()
        host.resize(50, 40)
        host.grab()


def test_legend_picture_follows_every_change(qtbot):
    """The key's picture is drawn once and reused: each change of what it says, of its
    size or of its font draws it anew; a repaint with nothing changed shows the same."""
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(300, 300)
    key = CanvasLegend(host)
    host.show()
    key.set_classes(2, False)
    first = key.grab().toImage()
    assert key.grab().toImage() == first  # nothing changed: the same picture
    shown = [first]
    for change in (
        lambda: key.set_classes(3, False),
        lambda: key.set_classes(3, True),
        lambda: key.set_classes(3, True, ("cat", "dog", "owl")),
        lambda: key.set_scale(0.0, 1.0),
        lambda: key.set_scale(0.0, 2.0),
        lambda: key.set_unit_scale(-1.0, 1.0, "h₁⁽¹⁾"),
        lambda: key.setFont(QFont(key.font().family(), key.font().pointSize() + 4)),
    ):
        change()
        img = key.grab().toImage()
        assert all(img != before for before in shown)
        shown.append(img)
    key.restore()  # back to the scale it showed before the unit's, in the new font
    assert key.kind == "scale" and key.grab().toImage() != shown[-1]


def test_trace_numbers_classes_like_the_picker(qtbot):
    ds = make_preset("xor")
    s = TrainingSession(ds, NetworkSpec(hidden=(3,), activation="tanh"), seed=0)
    view = TraceView()
    qtbot.addWidget(view)
    i1 = int(np.flatnonzero(ds.y == 1)[0])
    view.set_trace(trace_point(s, i1), "bernoulli")
    assert ", class 2," in view.header.text()  # label 1 is the picker's "2"
    i0 = int(np.flatnonzero(ds.y == 0)[0])
    view.set_trace(trace_point(s, i0), "bernoulli")
    assert ", class 1," in view.header.text()
