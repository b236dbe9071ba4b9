"""In a comparison the network diagram (G) and the backprop inspector (I) follow the
focused run (Ctrl+Tab), say which run they show, walk that run's step, and never edit
run A while another run is shown; a setting changed while comparing is one undo step.
Driven by real keys, clicks and menu actions, with a paint after each."""

from __future__ import annotations

import numpy as np
from backprop_lab.engine.paramref import ParamRef
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtTest import QTest

from .grab_helpers import LEFT, NO_BUTTON, grab_of, point_on, send_mouse, show_diagram
from .helpers import LONG, click
from .test_compare_window import _group, key, step10, wait_runs
from .test_keys import click_text, press, type_text

CTRL = Qt.KeyboardModifier.ControlModifier
OUT = ParamRef.weight(3, 0, 1)  # into the output of the default 2-4-4-1 network


def _same_weights(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def _sigmoid_relu(qtbot, w) -> None:
    w.compare.contrast_actions["activation"].trigger()  # Train → Compare → sigmoid | ReLU
    wait_runs(qtbot, w, 2)
    assert w.compare.focus == 0


def test_the_diagram_draws_and_names_the_focused_run_and_refuses_to_edit_it(window, qtbot):
    w = window
    _sigmoid_relu(qtbot, w)
    step10(qtbot, w)  # the runs' weights part from the same θ₀
    nv = w.canvas_area.netview
    d = show_diagram(qtbot, w)  # G
    assert nv.title.isVisible() and "A · sigmoid" in nv.title.text()
    assert d.activations[0] == "sigmoid" and d.shown_run == 0
    a_weights = [x.copy() for x in w.latest.runs[0].snapshot.params.W]

    key(qtbot, w, Qt.Key.Key_Tab)  # Ctrl+Tab: B
    qtbot.waitUntil(lambda: nv.run == 1 and d.activations[0] == "relu", timeout=LONG)
    assert "B · ReLU" in nv.title.text() and d.shown_run == 1
    qtbot.waitUntil(lambda: _same_weights(d.W, w.latest.runs[1].snapshot.params.W), timeout=LONG)
    assert not _same_weights(d.W, a_weights)  # B's, not A's
    w.grab()

    # a press and a drag on an edge of B's diagram: refused, said, and A is untouched
    g = grab_of(w, d)
    at = point_on(w, d, OUT)
    QTest.mouseMove(d, at)
    d.grab()
    assert g.hover is None and g.overlay.readout_text == ""
    send_mouse(d, QEvent.Type.MouseButtonPress, at, LEFT, LEFT)
    send_mouse(d, QEvent.Type.MouseMove, at - QPoint(0, 40), NO_BUTTON, LEFT)
    send_mouse(d, QEvent.Type.MouseButtonRelease, at, LEFT, NO_BUTTON)
    w.grab()
    assert "run A only" in w.statusBar().currentMessage()
    theta_a = _group(qtbot, w)[0]["theta"]
    assert all(x.tobytes() in theta_a for x in a_weights)  # in the engine too
    assert _same_weights(w.latest.runs[0].snapshot.params.W, a_weights)
    assert g.grabbed is None and not w.probe.edits.dragging

    key(qtbot, w, Qt.Key.Key_Tab)  # back to A: its diagram, and the hand works again
    qtbot.waitUntil(lambda: nv.run == 0 and d.activations[0] == "sigmoid", timeout=LONG)
    assert "A · sigmoid" in nv.title.text()
    QTest.mouseMove(d, QPoint(3, 3))
    QTest.mouseMove(d, point_on(w, d, OUT))
    qtbot.waitUntil(lambda: g.hover == OUT, timeout=LONG)

    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z)  # undo the comparison: one run, no title
    wait_runs(qtbot, w, 1)
    qtbot.waitUntil(lambda: not nv.title.isVisible(), timeout=LONG)
    w.grab()


def test_the_inspector_walks_the_focused_runs_step(window, qtbot):
    w = window
    _sigmoid_relu(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Tab)  # Ctrl+Tab: B
    qtbot.waitUntil(lambda: w.compare.focus == 1, timeout=LONG)
    w.canvas.setFocus()
    QTest.keyClick(w.canvas, Qt.Key.Key_I)  # the inspector
    ins = w.inspector
    qtbot.waitUntil(lambda: ins.isVisible(), timeout=LONG)
    w.grab()
    assert ins.run == 1 and ins.run_label.isVisible() and "B · ReLU" in ins.run_label.text()
    assert ins.diagram.shown_run == 1  # the hand on its weights is refused too
    qtbot.waitUntil(lambda: ins.diagram.activations[:1] == ("relu",), timeout=LONG)

    click(qtbot, ins.next_button)  # the first phase, of B's step
    qtbot.waitUntil(lambda: ins.state is not None and ins.state.position == 0, timeout=LONG)
    box = []
    w.controller.call_in_engine(
        lambda grp: ins.driver.walk is not None and ins.driver._owner[3] is grp[1].net,
        box.append,
        group=True,
    )
    qtbot.waitUntil(lambda: box == [True], timeout=LONG)
    click(qtbot, ins.finish_button)
    qtbot.waitUntil(lambda: ins.state is not None and ins.state.done, timeout=LONG)
    # the walk stepped B; A followed it, so the runs stay in lock-step
    qtbot.waitUntil(lambda: [r.status.step for r in w.latest.runs] == [1, 1], timeout=LONG)
    w.grab()

    # the gradient check runs on A only: refused with B shown, and said why
    click(qtbot, ins.gradcheck.button)
    assert "run A" in ins.gradcheck.status.text()

    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Tab)  # back to A: the inspector shows A
    qtbot.waitUntil(lambda: ins.run == 0 and "A · sigmoid" in ins.run_label.text(), timeout=LONG)
    qtbot.waitUntil(lambda: ins.diagram.activations[:1] == ("sigmoid",), timeout=LONG)
    w.grab()


def test_a_setting_changed_while_comparing_is_one_undo_step(window, qtbot):
    w = window
    _sigmoid_relu(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Tab)  # B
    qtbot.waitUntil(lambda: w.compare.focus == 1, timeout=LONG)
    step10(qtbot, w)
    before = _group(qtbot, w)
    alpha = w.latest.runs[1].snapshot.hyper.alpha
    assert alpha != 0.05

    tp = w.training_panel
    click_text(qtbot, tp.alpha_box)
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "0.05")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.latest.runs[1].snapshot.hyper.alpha == 0.05, timeout=LONG)
    # every run starts again from θ₀; A keeps its α
    assert [r.status.step for r in w.latest.runs] == [0, 0]
    assert w.latest.runs[0].snapshot.hyper.alpha == alpha
    w.grab()

    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z)  # the runs before the change, exactly
    qtbot.waitUntil(lambda: _group(qtbot, w) == before, timeout=LONG)
    qtbot.waitUntil(lambda: tp.alpha == alpha, timeout=LONG)
    assert w.compare.focus == 1 and w.compare.titles()[1].startswith("B · ReLU")
    w.grab()

    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # redo
    qtbot.waitUntil(lambda: w.latest.runs[1].snapshot.hyper.alpha == 0.05, timeout=LONG)
    qtbot.waitUntil(lambda: tp.alpha == 0.05, timeout=LONG)
    w.grab()


def _x_of(curve) -> np.ndarray:
    x, _y = curve.getOriginalDataset()
    return np.asarray(x, dtype=float)


def test_the_plots_x_axis_from_the_view_menu_and_the_run_names_at_the_line_ends(window, qtbot):
    w = window
    p = w.plots
    step10(qtbot, w)  # one run: the axis is for single runs too
    snap = w.latest.snapshot
    n = snap.dataset.n_train
    b = min(snap.hyper.batch_size, n)
    axis = p.loss_plot.getPlotItem().getAxis("bottom")
    assert w.compare.x_axis_actions["steps"].isChecked() and p.x_axis == "steps"
    w.compare.x_axis_actions["samples"].trigger()  # View → Plots' x-axis → Samples seen
    w.grab()
    assert axis.labelText == "samples seen" and w.compare.x_axis_actions["samples"].isChecked()
    np.testing.assert_array_equal(_x_of(p.train_loss), snap.history.step * b)
    w.compare.x_axis_actions["epochs"].trigger()
    w.grab()
    assert axis.labelText == "epoch"
    np.testing.assert_allclose(_x_of(p.train_loss), snap.history.step * b / n)
    assert p.end_labels == []  # one run: no names at the line ends

    # B = 1 | full: per epoch, the full-batch run's 10 steps reach 10 epochs, B = 1's far less
    w.compare.contrast_actions["batch"].trigger()
    wait_runs(qtbot, w, 2)
    step10(qtbot, w)
    qtbot.waitUntil(lambda: len(_x_of(p.run_curves[0][0])) > 1, timeout=LONG)
    runs = w.latest.runs
    for curve, r in ((p.train_loss, runs[0]), (p.run_curves[0][0], runs[1])):
        s = r.snapshot
        nb = min(s.hyper.batch_size, s.dataset.n_train)
        qtbot.waitUntil(lambda c=curve, s=s: len(_x_of(c)) == len(s.history.step), timeout=LONG)
        np.testing.assert_allclose(_x_of(curve), s.history.step * nb / s.dataset.n_train)
    assert _x_of(p.run_curves[0][0])[-1] != _x_of(p.train_loss)[-1]

    # each run's name at the end of its training-loss curve, in its colour
    qtbot.waitUntil(lambda: len(p.end_labels) == 2, timeout=LONG)
    w.grab()
    texts = [item.textItem.toPlainText() for item in p.end_labels]
    assert texts == [r.label.text[: len(t)] for r, t in zip(runs, texts)]
    assert texts[1].startswith("B · ") and all(item.isVisible() for item in p.end_labels)
    xs = [item.pos().x() for item in p.end_labels]
    assert xs == [_x_of(p.train_loss)[-1], _x_of(p.run_curves[0][0])[-1]]
    assert (
        p.end_labels[0].textItem.defaultTextColor() != p.end_labels[1].textItem.defaultTextColor()
    )

    w.compare.x_axis_actions["steps"].trigger()  # back to steps
    w.grab()
    np.testing.assert_array_equal(_x_of(p.train_loss), w.latest.snapshot.history.step)
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z)  # one run again: the names go
    wait_runs(qtbot, w, 1)
    qtbot.waitUntil(lambda: p.end_labels == [], timeout=LONG)
