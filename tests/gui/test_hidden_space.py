"""The hidden-space view and the layer-health tab in the real window, through real events:
H opens and closes the view, the picture moves while training and its axes do not, a
hovered point is ringed on the canvas (and the reverse), the morph slider's ends are the
input plane and the layer, units are picked in the diagram, the rewind bar scrubs it,
the health tab draws a curve per layer, and the unit maps say what they show."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine.unit_maps import unit_formula
from backprop_lab.gui.hidden_model import HiddenRequest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication

from .helpers import LONG, open_and_wait
from .test_fit_screens import labels_of
from .test_view_grid import hover

LEFT = Qt.MouseButton.LeftButton


def press(qtbot, w, key, mod=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(w, key, mod)
    QApplication.processEvents()


def open_panel(qtbot, w):
    press(qtbot, w, Qt.Key.Key_H)
    panel = w.hidden.panel
    qtbot.waitUntil(lambda: panel.figure is not None, timeout=LONG)
    return panel


def viewport_pos(view, xy) -> QPoint:
    """Where view coordinates ``xy`` of the hidden-space plot are on its viewport."""
    scene = view.vb.mapViewToScene(QPointF(float(xy[0]), float(xy[1])))
    return view.plot.mapFromScene(scene)


def move_until(qtbot, widget, where, done) -> None:
    """Move the mouse onto ``where()`` (a point of ``widget``, asked afresh: the layout
    may still settle) until ``done()``. pyqtgraph drops a move that comes within 10 ms of
    the one before, and Qt one to where the mouse is: each try waits, and moves a pixel."""
    turn = [0]

    def moved() -> bool:
        turn[0] += 1
        qtbot.mouseMove(widget, where() + QPoint(turn[0] % 2, 0))
        qtbot.wait(15)
        return done()

    qtbot.waitUntil(moved, timeout=LONG)


def drawn_points(view) -> np.ndarray:
    return np.column_stack([view.points.data["x"], view.points.data["y"]])


def test_h_opens_and_closes_the_hidden_space_beside_the_canvas(window, qtbot):
    w = window
    assert not w.hidden.panel.isVisible()
    assert "hidden" not in w.latest.extras  # nothing computed while nobody looks
    panel = open_panel(qtbot, w)
    assert panel.isVisible() and w.hidden.action.isChecked()
    # beside the canvas, in the column the network diagram shares
    assert w.canvas_area.splitter.indexOf(w.hidden.side) == 0 and w.hidden.side.isVisible()
    assert w.hidden.side.indexOf(panel) == 1
    w.grab()
    # the default network (4-4 tanh): its last hidden layer, projected, and said so
    fig = panel.figure
    assert fig.layer == 2 and fig.picture.projection.kind == "pca"
    assert "projected" in panel.caption.text()
    assert fig.boundary is not None and "slice" in panel.note.text()
    assert len(drawn_points(panel)) == len(fig.point_index)
    press(qtbot, w, Qt.Key.Key_H)
    assert not panel.isVisible() and not w.hidden.action.isChecked()
    press(qtbot, w, Qt.Key.Key_Right)  # a step: its frame carries no figure any more
    qtbot.waitUntil(
        lambda: w.latest.snapshot.step == 1 and "hidden" not in w.latest.extras, timeout=LONG
    )


def test_the_picture_moves_while_training_and_its_axes_stay(window, qtbot):
    w = window
    panel = open_panel(qtbot, w)
    speed = w.training_panel.speed_slider
    speed.setValue(speed.maximum())
    press(qtbot, w, Qt.Key.Key_Space)  # play
    pi = panel.plot.getPlotItem()

    def state():
        w.grab()
        ticks = {side: [t for _r, t in labels_of(pi.getAxis(side))] for side in ("left", "bottom")}
        rows = np.array(panel.rows.getData()[0], copy=True)
        return panel.result.step, drawn_points(panel).copy(), rows, panel.vb.viewRange(), ticks

    qtbot.waitUntil(lambda: panel.result.step > 20, timeout=LONG)
    first = state()
    qtbot.waitUntil(lambda: panel.result.step > first[0] + 200, timeout=LONG)
    second = state()
    press(qtbot, w, Qt.Key.Key_Space)
    assert second[0] > first[0]
    assert not np.allclose(first[1], second[1])  # the points moved
    assert not np.allclose(first[2], second[2], equal_nan=True)  # and the grid lines
    assert first[3] == second[3]  # the view's range did not
    assert first[4] == second[4] and first[4]["bottom"]  # nor the axes' labels


def test_hovering_a_point_rings_it_on_the_canvas_and_the_reverse(window, qtbot):
    w = window
    panel = open_panel(qtbot, w)
    w.grab()
    ds = w.canvas.dataset
    # a point drawn apart from the others, so the mouse finds that one
    xy = panel.shown_xy
    gaps = np.linalg.norm(xy[:, None] - xy[None], axis=-1) + np.eye(len(xy)) * 9
    k = int(np.argmax(gaps.min(axis=1)))
    index = int(panel.shown_index[k])
    move_until(
        qtbot,
        panel.plot.viewport(),
        lambda: viewport_pos(panel, xy[k]),
        lambda: w.hidden.mark.index == index,
    )
    assert w.hidden.mark.position() == pytest.approx(tuple(ds.points[index]))
    assert panel.highlighted == index
    w.grab()
    # leaving the plot takes both rings away
    move_until(
        qtbot, w.canvas.viewport(), lambda: QPoint(2, 2), lambda: w.hidden.mark.index is None
    )
    # hovering a point on the canvas rings it in the hidden plane
    target = int(panel.shown_index[len(panel.shown_index) // 2])

    def on_target() -> QPoint:
        return w.canvas.mapFromScene(w.canvas.vb.mapViewToScene(QPointF(*ds.points[target])))

    move_until(qtbot, w.canvas.viewport(), on_target, lambda: panel.highlighted is not None)
    # the nearest point to the mouse (another may lie under it at this zoom)
    ringed = panel.highlighted
    assert np.linalg.norm(ds.points[ringed] - ds.points[target]) < 0.5
    assert len(panel.hover_ring.data) == 1
    where = panel.shown_xy[list(panel.shown_index).index(ringed)]
    assert (panel.hover_ring.data["x"][0], panel.hover_ring.data["y"][0]) == pytest.approx(
        tuple(where)
    )


def test_the_morph_slider_runs_from_the_input_plane_to_the_layer(window, qtbot):
    w = window
    panel = open_panel(qtbot, w)
    fig = panel.figure
    slider = panel.morph
    assert slider.value() == slider.maximum() == 100 * fig.layer
    qtbot.mouseClick(slider, LEFT, pos=QPoint(slider.width() // 2, slider.height() // 2))
    press(qtbot, slider, Qt.Key.Key_Home)
    assert slider.value() == 0
    plane = fig.layers[0]
    assert np.allclose(panel.shown_xy, plane.to_box(plane.points)[:, :2])
    assert panel.caption.text().startswith("The input plane")
    w.grab()
    press(qtbot, slider, Qt.Key.Key_Right)  # a step of the way: neither end
    middle = panel.shown_xy.copy()
    assert "of the way" in panel.caption.text()
    press(qtbot, slider, Qt.Key.Key_End)
    layer = fig.picture
    assert np.allclose(panel.shown_xy, layer.to_box(layer.points)[:, :2])
    assert not np.allclose(middle, panel.shown_xy)
    assert not np.allclose(middle, plane.to_box(plane.points)[:, :2])
    assert "projected" in panel.caption.text()


def test_units_clicked_in_the_diagram_become_the_axes(window, qtbot):
    w = window
    panel = open_panel(qtbot, w)
    press(qtbot, w, Qt.Key.Key_G)
    d = w.canvas_area.netview.diagram
    qtbot.waitUntil(lambda: w.canvas_area.netview.frames_drawn > 0 and d.layout_now() is not None)

    def click(unit):
        x, y = d.layout_now().centres[unit[0]][unit[1]]
        qtbot.mouseClick(d, LEFT, pos=QPoint(int(x), int(y)))

    click((2, 0))
    assert w.hidden.request == HiddenRequest(2, "units", (0,))
    qtbot.waitUntil(lambda: "click two or three units" in panel.note.text(), timeout=LONG)
    click((2, 2))
    assert w.hidden.request == HiddenRequest(2, "units", (0, 2))
    qtbot.waitUntil(lambda: panel.figure.picture.projection.units == (0, 2), timeout=LONG)
    assert panel.caption.text().startswith("h⁽²⁾: units 1 and 3 of 4")
    assert d.picked == ((2, 0), (2, 2))
    assert w.hidden.tab_view.request == w.hidden.request  # the inspector's tab follows
    fig = panel.figure
    assert np.allclose(panel.shown_xy, fig.picture.to_box(fig.picture.points))
    assert fig.picture.lo.tolist() == [-1.0, -1.0]  # tanh's own axes
    w.grab()
    click((1, 3))  # another layer: that unit first
    assert w.hidden.request == HiddenRequest(1, "units", (3,))
    # back to the projection with the view's own chooser
    combo = panel.mode_combo
    qtbot.waitUntil(lambda: combo.findData("pca") >= 0, timeout=LONG)
    combo.setFocus()
    qtbot.mouseClick(combo, LEFT)
    combo.activated.emit(combo.findData("pca"))  # the list's choice
    assert w.hidden.request == HiddenRequest(1, "pca", ())
    QApplication.processEvents()
    assert d.picked == ()


def test_three_units_turn_in_3d_with_a_drag(qtbot, tmp_path):
    from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession, make_preset
    from backprop_lab.gui.main_window import MainWindow

    ds = make_preset("xor", n_points=120, noise=0.1, test_fraction=0.2, seed=1)
    session = TrainingSession(ds, NetworkSpec(hidden=(3,), activation="tanh"), HyperParameters())
    w = MainWindow(session=session)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitUntil(lambda: w.latest is not None, timeout=LONG)
    panel = open_panel(qtbot, w)
    assert panel.is_3d and panel.figure.picture.dims == 3
    assert "drag to turn it" in panel.caption.text()
    for _ in range(3):  # the panel's first layout settles (its labels, the axes' room)
        w.grab()
        qtbot.wait(20)
    before = panel.shown_xy.copy()
    yaw = panel.yaw
    view = panel.vb.viewRange()
    vp = panel.plot.viewport()
    c = vp.rect().center()
    qtbot.mousePress(vp, LEFT, pos=c)
    for dx in (10, 20, 40):
        qtbot.mouseMove(vp, c + QPoint(dx, 5))
        qtbot.wait(15)
    qtbot.mouseRelease(vp, LEFT, pos=c + QPoint(40, 5))
    assert panel.yaw != yaw
    assert not np.allclose(before, panel.shown_xy)
    assert panel.vb.viewRange() == view  # turning never rescales
    assert view[0] == [-1.85, 1.85]  # the turned cube always fits
    w.grab()
    w.close()


def test_the_inspector_tab_shows_it_and_the_rewind_bar_scrubs_it(window, qtbot):
    w = window
    press(qtbot, w, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: w.inspector.isVisible(), timeout=LONG)
    tabs = w.inspector.tabs
    bar = tabs.tabBar()
    i = tabs.indexOf(w.hidden.tab_view)
    assert bar.tabText(i) == "Hidden space"
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(i).center())
    view = w.hidden.tab_view
    qtbot.waitUntil(lambda: view.figure is not None, timeout=LONG)
    for _ in range(3):
        press(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # ten steps
    qtbot.waitUntil(lambda: view.result is not None and view.result.step == 30, timeout=LONG)
    at_30 = view.shown_xy.copy()
    w.inspector.rewind(10)  # what the rewind bar sends
    qtbot.waitUntil(lambda: view.result.step == 10, timeout=LONG)
    assert not np.allclose(at_30, view.shown_xy)
    w.grab()
    # closing the inspector stops the figures (the panel is closed too)
    press(qtbot, w, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: not w.hidden._hidden_on, timeout=LONG)


def test_the_health_tab_draws_a_curve_per_layer(window, qtbot):
    w = window
    plots = w.plots
    bar = plots.tab_bar
    assert bar.isVisible() and bar.tabText(1) == "Layer health"
    health = w.hidden.health
    assert not health.built  # its plots are made when the tab is first chosen
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(1).center())
    assert plots.tab_index == 1
    assert health.built and all(p in plots.all_plots for p in health.plots)
    for _ in range(2):
        press(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(
        lambda: w.latest.snapshot.step == 20 and len(health.histograms) == 2, timeout=LONG
    )
    qtbot.waitUntil(lambda: health.histograms[0].step == 20, timeout=LONG)
    w.grab()
    rows = len(w.latest.snapshot.history)
    assert len(health.ratio_curves) == 3 and len(health.saturated_curves) == 2  # 2-4-4-1
    for c in health.ratio_curves + health.saturated_curves:
        assert len(c.xData) == rows
    assert np.isfinite(health.ratio_curves[0].yData[1:]).all()
    assert [name for name, _c in health.ratio_plot.legend_entries] == ["1", "2", "3"]
    for p in health.plots:
        assert p.isVisible(), plots.names[p]
    assert not plots.delta_plot.isVisible()
    assert len(health.bars.opts["x"]) == 2 * 24
    lo, hi = health.ratio_plot.getViewBox().viewRange()[1]
    assert lo < -3 < hi  # the rule of thumb in view
    # back to |δ|: the histograms stop
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(0).center())
    assert plots.delta_plot.isVisible() and not health.ratio_plot.isVisible()
    press(qtbot, w, Qt.Key.Key_Right)
    qtbot.waitUntil(
        lambda: w.latest.snapshot.step == 21 and "health" not in w.latest.extras, timeout=LONG
    )


def test_deep_sigmoid_health_shows_the_first_layers_learning_slower(window, qtbot):
    w = window
    assert open_and_wait(qtbot, w, "deep_sigmoid")
    w.plots.show_tab(1)
    health = w.hidden.health
    for _ in range(5):
        press(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: w.latest.snapshot.step >= 50, timeout=LONG)
    qtbot.waitUntil(lambda: len(health.ratio_curves) == 7, timeout=LONG)
    w.grab()
    last = [c.yData[-1] for c in health.ratio_curves]
    assert last[0] < last[-1] - 1  # the first layer's steps are far smaller than the last's


def test_the_unit_maps_say_what_they_show(window, qtbot):
    w = window
    press(qtbot, w, Qt.Key.Key_G)
    nv = w.canvas_area.netview
    qtbot.waitUntil(lambda: nv.frames_drawn > 0, timeout=LONG)
    text = nv.key.text()
    assert "Each square: this unit's output over the plane" in text
    assert "tanh −1" in text  # the colour key of tanh's maps
    hover(qtbot, nv.diagram, (1, 1))
    arch = w.latest.snapshot.arch
    assert nv.diagram.formula(1, 1) == tuple(unit_formula(arch, 1, 2).split(",  "))
    assert nv.diagram.formula(1, 1)[0] == "h₂⁽¹⁾ = tanh(z₂⁽¹⁾)"
    w.grab()
    # the inspector's diagram: the formula in its hover box, and the key under it
    press(qtbot, w, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: w.inspector.isVisible(), timeout=LONG)
    assert "Each square" in w.inspector.diagram_key.text()
    d = w.inspector.diagram
    qtbot.waitUntil(lambda: d.layout_now() is not None, timeout=LONG)
    hover(qtbot, d, (3, 0))
    assert d.formula(3, 0)[0] == "h₁⁽³⁾ = σ(z₁⁽³⁾), the probability of class 2"
    w.grab()
