"""The weight probe (key W) and the exercises in the real window, through real events: the
slope it prints is the engine's ``probe_point``, the dot slides along a curve that stays
put while the weight is dragged, two weights make an exact slice with a draggable point
and a training trail, and an exercise shows its goal, greys its locked weights, refuses
them, gives its hints in order and closes with its sentence."""

from __future__ import annotations

import numpy as np
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.engine.probe import probe_point
from backprop_lab.gui.probe_view import line_text
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from .grab_helpers import (
    CTRL,
    drag,
    engine_param,
    grab_of,
    point_on,
    settled,
    show_diagram,
    value_of,
)
from .helpers import LONG, engine_value, open_and_wait

OUT = ParamRef.weight(3, 0, 1)
HIDDEN = ParamRef.weight(2, 2, 1)


def open_probe(qtbot, w):
    w.canvas.setFocus()
    QTest.keyClick(w.canvas, Qt.Key.Key_W)
    panel = w.probe.panel
    qtbot.waitUntil(panel.isVisible, timeout=LONG)
    return panel


def test_w_opens_the_probe_and_its_slope_is_the_engines(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    QTest.mouseClick(d, Qt.MouseButton.LeftButton, pos=point_on(w, d, OUT))  # choose it
    assert w.probe.probe_refs == (OUT,)
    # the probe's plots are made when it first opens (a faster start), with the choice
    # made before it opened
    assert not w.probe.panel.built
    panel = open_probe(qtbot, w)
    assert panel.built and panel.stack.currentWidget() is panel.line_widget
    assert w.probe.probe_action.isChecked()
    qtbot.waitUntil(
        lambda: panel.line is not None and panel.point is not None and panel.point.ref == OUT,
        timeout=LONG,
    )
    w.grab()
    expected = engine_value(qtbot, w, lambda s: probe_point(s, OUT))
    shown = panel.point
    assert (shown.value, shown.loss, shown.slope, shown.fd_slope) == (
        expected.value,
        expected.loss,
        expected.slope,
        expected.fd_slope,
    )
    assert panel.text.text() == line_text(expected)
    assert list(panel.curve.xData) == list(panel.line.values)  # the curve is drawn
    slope = format(expected.slope, "+.6g").replace("-", "−")
    assert slope in panel.text.text()
    assert abs(expected.slope - expected.fd_slope) < 1e-8
    # the dot is on the curve: the curve's middle value is w itself
    mid = len(panel.line.values) // 2
    assert panel.line.values[mid] == shown.value and panel.line.loss[mid] == shown.loss
    assert shown.loss == w.latest.snapshot.last.train_loss  # the plotted loss
    # W again closes it
    w.canvas.setFocus()
    QTest.keyClick(w.canvas, Qt.Key.Key_W)
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=LONG)


def test_dragging_the_probed_weight_slides_the_dot_along_a_curve_that_stays(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    QTest.mouseClick(d, Qt.MouseButton.LeftButton, pos=point_on(w, d, OUT))
    panel = open_probe(qtbot, w)
    qtbot.waitUntil(lambda: panel.line is not None and panel.point is not None, timeout=LONG)
    curve = panel.line
    before = engine_param(qtbot, w, OUT)
    drag(d, point_on(w, d, OUT), 40)
    settled(qtbot, w)
    qtbot.waitUntil(lambda: panel.point.value == before + 0.4, timeout=LONG)
    assert panel.line is curve  # the other weights did not move: no new curve
    k = int(np.argmin(np.abs(curve.values - panel.point.value)))
    assert abs(curve.values[k] - panel.point.value) < 0.05
    expected = engine_value(qtbot, w, lambda s: probe_point(s, OUT))
    assert panel.point.slope == expected.slope
    # training moves the other weights: the curve is computed again, at the new step
    w.step(10)
    qtbot.waitUntil(lambda: panel.line is not curve and panel.line.point.step == 10, timeout=LONG)
    assert panel.line.point.value == value_of(w, OUT)
    # a drag of another weight: the probe follows the hand
    drag(d, point_on(w, d, HIDDEN), 30)
    settled(qtbot, w)
    qtbot.waitUntil(lambda: panel.line is not None and panel.line.ref == HIDDEN, timeout=LONG)
    assert w.probe.probe_refs == (HIDDEN,)


def test_the_inspectors_batch_adds_the_minibatch_step(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    QTest.mouseClick(d, Qt.MouseButton.LeftButton, pos=point_on(w, d, OUT))
    panel = open_probe(qtbot, w)
    w.inspector_dock.show()
    w.inspector.next_phase()  # the batch phase: the inspector shows a batch
    qtbot.waitUntil(
        lambda: w.inspector.state is not None and bool(w.inspector.state.batch), timeout=LONG
    )
    qtbot.waitUntil(
        lambda: panel.point is not None and panel.point.batch_step is not None, timeout=LONG
    )
    w.grab()
    assert "inspector's batch" in panel.text.text()
    # a hand edit drops the half-walked step first (its arrays came from the θ before)
    drag(d, point_on(w, d, OUT), 10)
    settled(qtbot, w)
    qtbot.waitUntil(
        lambda: w.inspector.state is not None and w.inspector.state.position < 0, timeout=LONG
    )
    assert engine_value(qtbot, w, lambda s: w.inspector.driver.walk) is None


def test_ctrl_click_makes_a_two_weight_slice_with_a_draggable_point_and_a_trail(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    g = grab_of(w, d)
    QTest.mouseClick(d, Qt.MouseButton.LeftButton, pos=point_on(w, d, OUT))
    QTest.mouseClick(d, Qt.MouseButton.LeftButton, CTRL, point_on(w, d, HIDDEN))
    assert w.probe.probe_refs == (OUT, HIDDEN)
    panel = open_probe(qtbot, w)
    assert panel.two
    qtbot.waitUntil(lambda: panel.plane is not None, timeout=LONG)
    w.grab()
    plane = panel.plane
    assert plane.title == "slice at step 0, other weights fixed"
    assert plane.title in panel.title.text()
    loss = engine_value(qtbot, w, lambda s: s.evaluate("train")[0])
    assert plane.loss_at == loss
    d.grab()  # the rings "a" and "b" on the two edges
    assert g.overlay is not None

    # drag the cross: both weights, one undo step
    start = (engine_param(qtbot, w, OUT), engine_param(qtbot, w, HIDDEN))
    depth = w.canvas.history.undo_depth
    vp = panel.plane_widget.viewport()
    vb = panel.plane_widget.getPlotItem().getViewBox()

    def to_px(x, y) -> QPoint:
        return panel.plane_widget.mapFromScene(vb.mapViewToScene(QPointF(x, y)))

    a0 = to_px(*start)
    a1 = a0 + QPoint(30, -20)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, pos=a0)
    for k in range(1, 6):
        QTest.mouseMove(vp, a0 + (a1 - a0) * k / 5)
        QTest.qWait(20)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=a1)
    settled(qtbot, w)
    now = (value_of(w, OUT), value_of(w, HIDDEN))
    assert now[0] > start[0] and now[1] > start[1]
    target = panel.target.pos()
    assert (target.x(), target.y()) == now
    assert w.canvas.history.undo_depth == depth + 1
    assert engine_value(qtbot, w, lambda s: len(s.edits.edits)) == 2
    w.canvas.setFocus()
    QTest.keyClick(w.canvas, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(
        lambda: (engine_param(qtbot, w, OUT), engine_param(qtbot, w, HIDDEN)) == start,
        timeout=LONG,
    )

    # training leaves a trail; paused, the slice is taken again at the new step
    w.play()
    qtbot.waitUntil(lambda: len(panel.trail) > 5, timeout=LONG)
    w.grab()
    w.transport.toggle_play()
    qtbot.waitUntil(lambda: not w.controller.running, timeout=LONG)
    step = engine_value(qtbot, w, lambda s: s.step_count)
    qtbot.waitUntil(lambda: panel.plane is not None and panel.plane.step == step, timeout=LONG)
    assert len(panel.trail) > 5
    assert "trail: training from step" in panel.text.text()


def test_an_exercise_shows_its_goal_locks_weights_gives_hints_and_closes(window, qtbot):
    w = window
    assert open_and_wait(qtbot, w, "xor_by_hand")
    box = w.probe.exercise_box
    qtbot.waitUntil(lambda: box.isVisible() and box.figures is not None, timeout=LONG)
    assert "training accuracy 100 %" in box.goal.text()
    assert "W⁽¹⁾₂,₁" in box.goal.text()
    assert box.status.text().startswith("Now training accuracy")
    d = show_diagram(qtbot, w)
    d.grab()  # the locked weights in grey

    locked = ParamRef.weight(1, 0, 0)
    before = engine_param(qtbot, w, locked)
    drag(d, point_on(w, d, locked), 30)
    assert "locked in this exercise" in w.statusBar().currentMessage()
    assert engine_param(qtbot, w, locked) == before
    assert w.probe.edits.gesture is None

    w.canvas.setFocus()
    QTest.keyClick(w.canvas, Qt.Key.Key_H, CTRL)
    qtbot.waitUntil(lambda: box.hint.isVisible() and "Hint 1" in box.hint.text(), timeout=LONG)
    QTest.keyClick(w.canvas, Qt.Key.Key_H, CTRL)
    qtbot.waitUntil(lambda: "Hint 2" in box.hint.text(), timeout=LONG)
    assert "Increase" in box.hint.text() or "Decrease" in box.hint.text()
    QTest.mouseClick(box.hint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Hint 3" in box.hint.text(), timeout=LONG)
    assert "∂L/∂w" in box.hint.text()

    # the solution, typed in: hidden unit 2 fires on the upper-left blob, and the
    # output says "same sign" when neither hidden unit fires
    g = grab_of(w, d)
    solution = {
        ParamRef.weight(1, 1, 0): "-1",
        ParamRef.weight(2, 0, 0): "-6",
        ParamRef.weight(2, 0, 1): "-6",
        ParamRef.bias(2, 0): "3",
    }
    for ref, typed in solution.items():
        QTest.mouseDClick(d, Qt.MouseButton.LeftButton, pos=point_on(w, d, ref))
        qtbot.waitUntil(lambda: g.editor is not None and g.editor.isVisible(), timeout=LONG)
        g.editor.selectAll()
        QTest.keyClicks(g.editor, typed)
        QTest.keyClick(g.editor, Qt.Key.Key_Return)
        settled(qtbot, w)
    qtbot.waitUntil(lambda: box.reached, timeout=LONG)
    w.grab()
    assert box.status.text().startswith("Goal reached")
    assert "gradient descent" in box.hint.text()


def test_the_blobs_exercise_a_network_without_a_hidden_layer(window, qtbot):
    w = window
    assert open_and_wait(qtbot, w, "blobs_by_hand")
    box = w.probe.exercise_box
    qtbot.waitUntil(lambda: box.isVisible() and box.figures is not None, timeout=LONG)
    assert "training loss below 0.1" in box.goal.text()
    d = show_diagram(qtbot, w)
    ref = ParamRef.weight(1, 0, 0)
    before = engine_param(qtbot, w, ref)
    drag(d, point_on(w, d, ref), 25)
    settled(qtbot, w)
    assert value_of(w, ref) == before + 0.25
    bias = ParamRef.bias(1, 0)
    drag(d, point_on(w, d, bias), -10)
    settled(qtbot, w)
    assert engine_value(qtbot, w, lambda s: len(s.edits.edits)) == 2
    QTest.mouseClick(box.hint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Hint 1" in box.hint.text(), timeout=LONG)
    panel = open_probe(qtbot, w)
    qtbot.waitUntil(lambda: panel.point is not None and panel.line is not None, timeout=LONG)
    w.grab()


def test_a_new_network_without_the_chosen_weight_empties_the_probe(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    QTest.mouseClick(d, Qt.MouseButton.LeftButton, pos=point_on(w, d, OUT))
    panel = open_probe(qtbot, w)
    qtbot.waitUntil(lambda: panel.line is not None, timeout=LONG)
    QTest.mouseClick(w.network_panel.remove_button, Qt.MouseButton.LeftButton)  # 2-4-1
    qtbot.waitUntil(lambda: w.latest.snapshot.arch.widths == (2, 4, 1), timeout=LONG)
    qtbot.waitUntil(lambda: w.probe.probe_refs == () and panel.refs == (), timeout=LONG)
    w.grab()
    assert "Click an edge" in panel.text.text()
    # a weight of the new network can be chosen and probed again
    QTest.mouseClick(d, Qt.MouseButton.LeftButton, pos=point_on(w, d, ParamRef.weight(2, 0, 1)))
    qtbot.waitUntil(lambda: panel.line is not None and panel.point is not None, timeout=LONG)
