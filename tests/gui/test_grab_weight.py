"""Grabbing a weight in the real window, through real mouse and key events: the hover
readout, a drag by the expected amount (Shift fine, Ctrl coarse), the wheel, a typed
value, undo bit for bit and in the Edit menu's order, the right-click menu (freeze, 0,
θ₀), the edit marks, and in the inspector's diagram too."""

from __future__ import annotations

import numpy as np
from backprop_lab.engine.edits import parse_value
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.engine.probe import loss_gradient, readout
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from .grab_helpers import (
    CTRL,
    SHIFT,
    drag,
    engine_param,
    grab_of,
    point_on,
    settled,
    show_diagram,
    value_of,
    wheel,
)
from .helpers import LONG, engine_value, open_and_wait

OUT = ParamRef.weight(3, 0, 1)  # W⁽³⁾₁,₂ of the default 2-4-4-1 network: into the output
HIDDEN = ParamRef.weight(2, 2, 1)


def state(s) -> dict:
    """θ, the optimizer, the step and the batch RNG, as bytes (engine thread)."""
    cp = s.checkpoint()
    return {
        "theta": s.params.flat.tobytes(),
        "optimizer": {
            k: (v if k == "t" else [a.tobytes() for a in v]) for k, v in cp.optimizer.items()
        },
        "step": s.step_count,
        "rng": repr(cp.rng),
        "edits": len(s.edits.edits),
    }


def press_keys(w, key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    w.canvas.setFocus()
    QTest.keyClick(w.canvas, key, mods)


def test_hovering_an_edge_thickens_it_and_shows_its_value_and_slope(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    g = grab_of(w, d)
    at = point_on(w, d, OUT)
    QTest.mouseMove(d, at)
    qtbot.waitUntil(lambda: g.hover == OUT, timeout=LONG)

    def shown():
        d.grab()  # a real paint of the diagram and its overlay
        return g.overlay.readout_text

    qtbot.waitUntil(lambda: "…" not in shown() and shown().startswith(OUT.label), timeout=LONG)
    expected = engine_value(
        qtbot, w, lambda s: readout(OUT, OUT.get(s.params), loss_gradient(s).of(OUT))
    )
    assert shown() == expected
    assert "∂L/∂w = " in expected
    # leaving the edge takes the readout away
    QTest.mouseMove(d, QPoint(3, 3))
    qtbot.waitUntil(lambda: g.hover is None, timeout=LONG)
    assert shown() == ""


def test_the_readout_follows_training(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    g = grab_of(w, d)
    QTest.mouseMove(d, point_on(w, d, OUT))
    qtbot.waitUntil(lambda: g.hover == OUT, timeout=LONG)
    d.grab()
    first = g.overlay.readout_text
    w.step(50)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 50, timeout=LONG)

    def now():
        d.grab()
        return g.overlay.readout_text

    expected = engine_value(
        qtbot, w, lambda s: readout(OUT, OUT.get(s.params), loss_gradient(s).of(OUT))
    )
    qtbot.waitUntil(lambda: now() == expected, timeout=LONG)
    assert expected != first


def test_a_drag_changes_the_weight_by_the_drag_and_the_loss_follows(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    at = point_on(w, d, OUT)
    before = engine_param(qtbot, w, OUT)
    drag(d, at, 50)  # 50 pixels up: +0.5
    settled(qtbot, w)
    assert value_of(w, OUT) == before + 0.5
    assert engine_param(qtbot, w, OUT) == before + 0.5
    loss, acc = engine_value(qtbot, w, lambda s: s.evaluate("train"))
    assert f"loss train {loss:.4f}" in w.status_label.text()
    assert w.latest.snapshot.last.train_loss == loss
    assert "Undo drag W⁽³⁾₁,₂" == w.canvas.undo_action.text()

    drag(d, point_on(w, d, OUT), 50, SHIFT)  # fine: a tenth
    settled(qtbot, w)
    assert value_of(w, OUT) == before + 0.5 + 0.05
    drag(d, point_on(w, d, OUT), -20, CTRL)  # coarse: ten times, downwards
    settled(qtbot, w)
    assert value_of(w, OUT) == before + 0.5 + 0.05 - 2.0
    # three drags, three undo steps, three engine edits
    assert engine_value(qtbot, w, lambda s: len(s.edits.edits)) == 3


def test_a_drag_pauses_training_and_a_bias_is_dragged_on_its_unit(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    w.play()
    qtbot.waitUntil(lambda: w.controller.running and w.latest.snapshot.step > 20, timeout=LONG)
    bias = ParamRef.bias(2, 1)
    drag(d, point_on(w, d, bias), -30)
    qtbot.waitUntil(lambda: not w.controller.running, timeout=LONG)
    assert not w.training_panel.play_button.isChecked()
    settled(qtbot, w)
    edits = engine_value(qtbot, w, lambda s: s.edits.edits)
    assert len(edits) == 1 and edits[0].ref == bias
    assert edits[0].new == edits[0].old - 0.3  # 30 pixels down
    assert value_of(w, bias) == edits[0].new


def test_ctrl_z_restores_theta_bit_for_bit_and_redo_brings_the_drag_back(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    w.step(20)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 20, timeout=LONG)
    before = engine_value(qtbot, w, state)
    drag(d, point_on(w, d, HIDDEN), 37)
    settled(qtbot, w)
    after = engine_value(qtbot, w, state)
    assert after["theta"] != before["theta"] and after["edits"] == 1
    press_keys(w, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: engine_value(qtbot, w, state) == before, timeout=LONG)
    settled(qtbot, w)
    assert w.latest.snapshot.params.flat.tobytes() == before["theta"]
    assert w.canvas.redo_action.text() == f"Redo drag {HIDDEN.label}"
    press_keys(w, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.waitUntil(lambda: engine_value(qtbot, w, state) == after, timeout=LONG)


def test_points_and_weights_undo_in_the_order_they_were_made(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    n = len(w.canvas.dataset)
    vp = w.canvas.viewport()
    QTest.mouseClick(vp, Qt.MouseButton.LeftButton, pos=vp.rect().center())
    qtbot.waitUntil(lambda: len(w.latest.snapshot.dataset) == n + 1, timeout=LONG)
    before = engine_param(qtbot, w, OUT)
    drag(d, point_on(w, d, OUT), 25)
    settled(qtbot, w)
    assert value_of(w, OUT) == before + 0.25
    press_keys(w, Qt.Key.Key_Z, CTRL)  # the drag first
    qtbot.waitUntil(lambda: engine_param(qtbot, w, OUT) == before, timeout=LONG)
    assert len(w.canvas.dataset) == n + 1
    press_keys(w, Qt.Key.Key_Z, CTRL)  # then the point
    qtbot.waitUntil(lambda: len(w.latest.snapshot.dataset) == n, timeout=LONG)
    assert engine_param(qtbot, w, OUT) == before
    press_keys(w, Qt.Key.Key_Z, CTRL | SHIFT)
    press_keys(w, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.waitUntil(lambda: engine_param(qtbot, w, OUT) == before + 0.25, timeout=LONG)
    assert len(w.canvas.dataset) == n + 1


def test_the_wheel_moves_a_weight_by_005_a_notch_as_one_undo_step(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    at = point_on(w, d, OUT)
    QTest.mouseMove(d, at)
    before = engine_param(qtbot, w, OUT)
    depth = w.canvas.history.undo_depth
    wheel(d, at, 3)
    wheel(d, at, -1)
    g = grab_of(w, d)
    g._end_wheel()  # what leaving the edge, or a pause of the wheel, does
    settled(qtbot, w)
    assert value_of(w, OUT) == before + 0.1
    assert w.canvas.history.undo_depth == depth + 1


def test_a_double_click_types_a_value(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    at = point_on(w, d, OUT)
    g = grab_of(w, d)
    for typed in ("1/2", "-0,75", "-3"):
        QTest.mouseDClick(d, Qt.MouseButton.LeftButton, pos=at)
        qtbot.waitUntil(lambda: g.editor is not None and g.editor.isVisible(), timeout=LONG)
        g.editor.selectAll()
        QTest.keyClicks(g.editor, typed)
        QTest.keyClick(g.editor, Qt.Key.Key_Return)
        settled(qtbot, w)
        assert value_of(w, OUT) == parse_value(typed)
        at = point_on(w, d, OUT)
    # a slip changes nothing and says what was wrong
    QTest.mouseDClick(d, Qt.MouseButton.LeftButton, pos=at)
    qtbot.waitUntil(lambda: g.editor is not None and g.editor.isVisible(), timeout=LONG)
    g.editor.selectAll()
    QTest.keyClicks(g.editor, "1/0")
    QTest.keyClick(g.editor, Qt.Key.Key_Return)
    assert g.editor.isVisible()
    assert "divides by zero" in w.statusBar().currentMessage()
    QTest.keyClick(g.editor, Qt.Key.Key_Escape)
    assert not g.editor.isVisible()
    settled(qtbot, w)
    assert value_of(w, OUT) == -3.0


def _menu_action(qtbot, g, d, at, text: str):
    QTest.mouseClick(d, Qt.MouseButton.RightButton, pos=at)
    qtbot.waitUntil(lambda: g.menu is not None and g.menu.isVisible(), timeout=LONG)
    menu = g.menu
    action = next(a for a in menu.actions() if a.text().startswith(text))
    assert action.isEnabled()
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=LONG)
    # the offscreen platform does not hand activation back after a popup
    d.window().activateWindow()
    QApplication.processEvents()


def test_right_click_freeze_keeps_a_weight_through_training(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    g = grab_of(w, d)
    at = point_on(w, d, HIDDEN)
    _menu_action(qtbot, g, d, at, "Freeze")
    qtbot.waitUntil(
        lambda: HIDDEN in (w.latest.snapshot.edits.frozen if w.latest.snapshot.edits else ()),
        timeout=LONG,
    )
    held = engine_param(qtbot, w, HIDDEN)
    others = engine_value(qtbot, w, lambda s: s.params.flat.copy())
    w.step(200)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 200, timeout=LONG)
    assert engine_param(qtbot, w, HIDDEN) == held
    assert not np.array_equal(engine_value(qtbot, w, lambda s: s.params.flat.copy()), others)
    d.grab()  # the lock is drawn (no exception in the overlay's paint)
    _menu_action(qtbot, g, d, point_on(w, d, HIDDEN), "Unfreeze")
    qtbot.waitUntil(lambda: not w.latest.snapshot.edits.frozen, timeout=LONG)
    w.step(20)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 220, timeout=LONG)
    assert engine_param(qtbot, w, HIDDEN) != held


def test_right_click_set_to_zero_and_back_to_theta_zero(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    g = grab_of(w, d)
    start = engine_param(qtbot, w, OUT)
    w.step(30)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 30, timeout=LONG)
    trained = engine_param(qtbot, w, OUT)
    assert trained != start
    _menu_action(qtbot, g, d, point_on(w, d, OUT), "Set to 0")
    settled(qtbot, w)
    assert value_of(w, OUT) == 0.0
    # a weight of 0 is not drawn by the diagram, but still found and grabbed (dotted)
    _menu_action(qtbot, g, d, point_on(w, d, OUT), "Back to θ₀")
    settled(qtbot, w)
    assert value_of(w, OUT) == start
    press_keys(w, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: engine_param(qtbot, w, OUT) == 0.0, timeout=LONG)
    press_keys(w, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: engine_param(qtbot, w, OUT) == trained, timeout=LONG)


def test_edits_are_marked_on_the_plots_and_the_rewind_bar(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    w.step(40)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 40, timeout=LONG)
    drag(d, point_on(w, d, OUT), 20)
    settled(qtbot, w)
    marks = w.probe.marks
    assert set(marks.plot_marks.lines) == {40}
    assert len(marks.plot_marks.lines[40]) == 2  # loss and accuracy
    assert "W⁽³⁾₁,₂" in marks.plot_marks.lines[40][0].toolTip()
    w.inspector_dock.show()
    qtbot.waitUntil(
        lambda: (
            w.inspector.timeline.summary is not None
            and 40 in w.inspector.timeline.summary.steps
            and bool(marks.slider_marks.positions)
        ),
        timeout=LONG,
    )
    w.grab()
    kept = w.inspector.timeline.summary.steps
    assert [kept[i] for i in marks.slider_marks.positions] == [40]
    press_keys(w, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: not marks.plot_marks.lines, timeout=LONG)


def test_the_inspectors_diagram_grabs_too(window, qtbot):
    w = window
    w.inspector_dock.show()
    d = w.inspector.diagram
    qtbot.waitUntil(
        lambda: d.isVisible() and d.layout_now() is not None and len(d.W) == 3, timeout=LONG
    )
    w.grab()
    before = engine_param(qtbot, w, OUT)
    drag(d, point_on(w, d, OUT), 30)
    settled(qtbot, w)
    assert value_of(w, OUT) == before + 0.3


def test_a_hand_edit_is_work_to_save_and_a_lesson_keeps_edits_and_frozen_weights(
    window, qtbot, tmp_path
):
    w = window
    d = show_diagram(qtbot, w)
    g = grab_of(w, d)
    assert not w.autosave.dirty
    drag(d, point_on(w, d, OUT), 20)
    settled(qtbot, w)
    qtbot.waitUntil(lambda: w.autosave.dirty, timeout=LONG)  # closing would ask
    _menu_action(qtbot, g, d, point_on(w, d, HIDDEN), "Freeze")
    qtbot.waitUntil(lambda: w.latest.snapshot.edits.frozen == (HIDDEN,), timeout=LONG)
    value = value_of(w, OUT)
    path = tmp_path / "by-hand.json"
    w.save_lesson(path)
    qtbot.waitUntil(lambda: path.exists() and not w.autosave.dirty, timeout=LONG)
    assert open_and_wait(qtbot, w, path)
    qtbot.waitUntil(
        lambda: (
            w.latest.snapshot.edits is not None
            and w.latest.snapshot.edits.frozen == (HIDDEN,)
            and len(w.latest.snapshot.edits.edits) == 1
        ),
        timeout=LONG,
    )
    assert value_of(w, OUT) == value
    qtbot.waitUntil(lambda: set(w.probe.marks.plot_marks.lines) == {0}, timeout=LONG)


def test_hand_edits_keep_the_optimizers_moments_unless_told_to_restart_it(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    w.training_panel.optimizer_combo.setCurrentIndex(
        w.training_panel.optimizer_combo.findData("momentum")
    )
    qtbot.waitUntil(lambda: w.latest.snapshot.hyper.optimizer == "momentum", timeout=LONG)
    w.step(10)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 10, timeout=LONG)

    def moments(s):
        return [a.copy() for a in s.optimizer.get_state()["v"]]

    kept = engine_value(qtbot, w, moments)
    drag(d, point_on(w, d, OUT), 10)
    settled(qtbot, w)
    after = engine_value(qtbot, w, moments)
    assert all(np.array_equal(a, b) for a, b in zip(kept, after))  # kept by default
    assert not w.probe.moments_action.isChecked()
    w.probe.moments_action.trigger()
    drag(d, point_on(w, d, OUT), 10)
    settled(qtbot, w)
    after = engine_value(qtbot, w, moments)
    assert all(not a.any() for a in after)  # the optimizer starts afresh
    assert engine_value(qtbot, w, lambda s: s.edits.edits[-1].reset_moments)
