"""Weights dragged by hand while runs are compared: an undo gives run A's θ back bit for
bit, even when the runs trained on after it and another drag was made at the same step;
a drag cut short by the diagram turning to another run ends there. Driven by real keys,
clicks and drags on the real window, with a paint after each."""

from __future__ import annotations

from backprop_lab.engine.paramref import ParamRef
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtTest import QTest

from .grab_helpers import LEFT, NO_BUTTON, drag, point_on, send_mouse, settled, show_diagram
from .helpers import LONG, click, engine_value
from .test_compare_window import wait_runs

CTRL = Qt.KeyboardModifier.ControlModifier
OUT = ParamRef.weight(3, 0, 1)  # into the output of the default 2-4-4-1 network
HIDDEN = ParamRef.weight(2, 2, 1)


def press_keys(w, key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    w.canvas.setFocus()
    QTest.keyClick(w.canvas, key, mods)
    w.grab()


def run_a(qtbot, w):
    """Run A's step and θ (bytes), asked of the engine thread."""
    return engine_value(qtbot, w, lambda s: (s.step_count, s.params.flat.tobytes()))


def group_steps(qtbot, w) -> list[int]:
    box = []
    w.controller.call_in_engine(lambda g: [s.step_count for s in g], reply=box.append, group=True)
    qtbot.waitUntil(lambda: len(box) == 1, timeout=LONG)
    return box[0]


def test_undo_of_the_second_drag_at_a_step_keeps_the_first_after_the_runs_trained(window, qtbot):
    w = window
    tp = w.training_panel
    d = show_diagram(qtbot, w)
    click(qtbot, tp.step10_button)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 10, timeout=LONG)

    press_keys(w, Qt.Key.Key_D, CTRL)  # Duplicate as B (B has the focus)
    wait_runs(qtbot, w, 2)
    press_keys(w, Qt.Key.Key_Tab, CTRL)  # back to A: the hand edits A only
    qtbot.waitUntil(lambda: w.compare.focus == 0 and d.shown_run == 0, timeout=LONG)
    w.grab()

    drag(d, point_on(w, d, OUT), 30)  # two drags at step 10: two edits, two undo steps
    settled(qtbot, w)
    after_first = run_a(qtbot, w)
    drag(d, point_on(w, d, HIDDEN), 30)
    settled(qtbot, w)
    assert run_a(qtbot, w)[1] != after_first[1]
    assert w.canvas.undo_action.text() == f"Undo drag {HIDDEN.label}"

    click(qtbot, tp.step10_button)  # the runs train on, in step
    qtbot.waitUntil(lambda: group_steps(qtbot, w) == [20, 20], timeout=LONG)
    w.grab()

    press_keys(w, Qt.Key.Key_Z, CTRL)  # undo the second drag
    qtbot.waitUntil(
        lambda: w.probe.edits.idle and w.probe.edits.last_undo is not None, timeout=LONG
    )
    assert w.probe.edits.last_undo[1].startswith("Undid")
    # A as it was just after the first drag (the steps after it go, as for one run), and
    # the other run back at that step with it
    assert run_a(qtbot, w) == after_first
    assert group_steps(qtbot, w) == [10, 10]
    settled(qtbot, w)
    assert w.latest.snapshot.params.flat.tobytes() == after_first[1]


def test_a_drag_cut_short_by_ctrl_tab_ends_and_the_next_drag_moves_its_own_weight(window, qtbot):
    w = window
    d = show_diagram(qtbot, w)
    press_keys(w, Qt.Key.Key_D, CTRL)  # Duplicate as B (B has the focus)
    wait_runs(qtbot, w, 2)
    press_keys(w, Qt.Key.Key_Tab, CTRL)  # A
    qtbot.waitUntil(lambda: d.shown_run == 0, timeout=LONG)
    edits = w.probe.edits
    before = run_a(qtbot, w)[1]

    at = point_on(w, d, OUT)
    send_mouse(d, QEvent.Type.MouseButtonPress, at, LEFT, LEFT)
    send_mouse(d, QEvent.Type.MouseMove, at - QPoint(0, 20), NO_BUTTON, LEFT)
    assert edits.dragging
    press_keys(w, Qt.Key.Key_Tab, CTRL)  # the hand still down: the diagram turns to B
    assert d.shown_run == 1
    send_mouse(d, QEvent.Type.MouseMove, at - QPoint(0, 40), NO_BUTTON, LEFT)
    send_mouse(d, QEvent.Type.MouseButtonRelease, at - QPoint(0, 40), LEFT, NO_BUTTON)
    w.grab()
    # the drag ended where it got to: one undo step, nothing left half-done
    qtbot.waitUntil(lambda: edits.idle, timeout=LONG)
    assert w.canvas.undo_action.text() == f"Undo drag {OUT.label}"
    moved = run_a(qtbot, w)[1]
    assert moved != before

    press_keys(w, Qt.Key.Key_Tab, CTRL)  # A again: a drag of another weight moves that one
    qtbot.waitUntil(lambda: d.shown_run == 0, timeout=LONG)
    out_before = engine_value(qtbot, w, lambda s: OUT.get(s.params))
    hidden_before = engine_value(qtbot, w, lambda s: HIDDEN.get(s.params))
    drag(d, point_on(w, d, HIDDEN), 30)
    settled(qtbot, w)
    assert w.canvas.undo_action.text() == f"Undo drag {HIDDEN.label}"
    assert engine_value(qtbot, w, lambda s: HIDDEN.get(s.params)) != hidden_before
    assert engine_value(qtbot, w, lambda s: OUT.get(s.params)) == out_before


def test_a_drag_on_a_run_that_stopped_alone_moves_it_and_leaves_the_others_where_they_are(
    window, qtbot, tmp_path
):
    w = window
    tp = w.training_panel
    d = show_diagram(qtbot, w)
    press_keys(w, Qt.Key.Key_D, CTRL)  # Duplicate as B (B has the focus)
    wait_runs(qtbot, w, 2)
    press_keys(w, Qt.Key.Key_Tab, CTRL)  # A
    qtbot.waitUntil(lambda: w.compare.focus == 0 and d.shown_run == 0, timeout=LONG)
    # A alone at a learning rate that blows up: it stops by itself, B goes on
    engine_value(qtbot, w, lambda s: s.update_hyper(alpha=1000.0))
    click(qtbot, tp.step10_button)
    click(qtbot, tp.step10_button)
    qtbot.waitUntil(lambda: group_steps(qtbot, w)[1] == 20, timeout=LONG)
    a_step = group_steps(qtbot, w)[0]
    assert a_step < 20 and engine_value(qtbot, w, lambda s: s.diverged) is not None
    w.grab()

    before = engine_value(qtbot, w, lambda s: OUT.get(s.params))
    drag(d, point_on(w, d, OUT), 30)
    settled(qtbot, w)
    assert w.canvas.undo_action.text() == f"Undo drag {OUT.label}"
    # the drag moved A's weight where A stopped, and A stays stopped; B kept its steps (it
    # was not taken back to A's step to keep the runs in step, and A's drag with it)
    assert engine_value(qtbot, w, lambda s: OUT.get(s.params)) != before
    assert group_steps(qtbot, w) == [a_step, 20]
    assert engine_value(qtbot, w, lambda s: len(s.edits.edits)) == 1
    assert engine_value(qtbot, w, lambda s: s.diverged) is not None
    # the comparison still saves (only the runs still training must be in step)
    w.save_lesson(tmp_path / "saved.json")
    qtbot.waitUntil(lambda: not w.files.saves_pending, timeout=LONG)
    assert (tmp_path / "saved.json").exists(), w.banner.text
    assert not w.banner.isVisible() or w.banner.kind != "error"
    # Play: B goes on, A stays where it stopped
    click(qtbot, tp.step10_button)
    qtbot.waitUntil(lambda: group_steps(qtbot, w) == [a_step, 30], timeout=LONG)
