"""Every control acts only on a real change, and every action that replaces the data is one
undoable step (Ctrl+Z / Ctrl+Shift+Z) that brings back the exact points, which the engine
then trains on. Driven through the real window with real focus."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from .test_keys import LONG, click_arrow, click_text, press, reactivate, wheel, window  # noqa: F401

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def same_points(a, b) -> bool:
    return a.same_as(b)


def engine_has(qtbot, w, ds) -> None:
    qtbot.waitUntil(lambda: w.latest.snapshot.dataset.same_as(ds), timeout=LONG)


def check_one_undo_step(qtbot, w, before, action) -> None:
    """``action`` changes the data; Ctrl+Z restores it exactly, Ctrl+Shift+Z redoes it."""
    depth = w.canvas.history.undo_depth
    action()
    after = w.canvas.dataset
    assert not same_points(after, before), "the action changed nothing"
    assert w.canvas.history.undo_depth == depth + 1  # one step, whatever it did
    engine_has(qtbot, w, after)
    w.canvas.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert same_points(w.canvas.dataset, before)
    np.testing.assert_array_equal(w.canvas.dataset.points, before.points)
    engine_has(qtbot, w, before)
    w.grab()
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert same_points(w.canvas.dataset, after)
    engine_has(qtbot, w, after)


def draw_a_point(qtbot, w) -> None:
    vp = w.canvas.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=vp.rect().center() + QPoint(13, 7))


def test_points_box_focus_in_and_out_changes_nothing(window, qtbot):  # noqa: F811
    draw_a_point(qtbot, window)
    drawn = window.canvas.dataset
    click_text(qtbot, window.data_panel.points_spin)
    window.canvas.setFocus()  # a click away
    qtbot.mouseClick(window.training_panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.latest.snapshot.step == 1, timeout=LONG)
    assert window.canvas.dataset is drawn
    click_text(qtbot, window.data_panel.points_spin)
    press(qtbot, Qt.Key.Key_Return)  # Enter with no change
    assert window.canvas.dataset is drawn
    assert window.canvas.hasFocus()


@pytest.mark.parametrize(
    "what", ["noise", "test share", "preset", "task", "regenerate", "points", "clear"]
)
def test_each_data_control_is_one_undoable_step(window, qtbot, what):  # noqa: F811
    w = window
    dp = w.data_panel
    draw_a_point(qtbot, w)
    before = w.canvas.dataset

    def act():
        if what == "noise":
            dp.noise_slider.setFocus()
            press(qtbot, Qt.Key.Key_Up)  # a slider takes ↑/↓; ←/→ are the step keys
        elif what == "test share":
            dp.test_slider.setFocus()
            press(qtbot, Qt.Key.Key_Down)
        elif what == "preset":
            qtbot.mouseClick(dp.preset_combo, Qt.MouseButton.LeftButton)
            press(qtbot, Qt.Key.Key_Escape)  # closes the popup
            reactivate(qtbot, w)
            assert w.canvas.dataset is before  # opening the list changed nothing
            dp.preset_combo.setFocus()
            press(qtbot, Qt.Key.Key_Down)
        elif what == "task":
            dp.task_combo.setFocus()
            press(qtbot, Qt.Key.Key_Down)
        elif what == "regenerate":
            qtbot.mouseClick(dp.regenerate_button, Qt.MouseButton.LeftButton)
        elif what == "points":
            click_arrow(qtbot, dp.points_spin, up=False)
        elif what == "clear":
            qtbot.mouseClick(dp.clear_button, Qt.MouseButton.LeftButton)

    check_one_undo_step(qtbot, w, before, act)


def test_classes_is_one_undoable_step(window, qtbot):  # noqa: F811
    w = window
    dp = w.data_panel
    dp.set_preset("gaussians")
    before = w.canvas.dataset
    engine_has(qtbot, w, before)
    check_one_undo_step(qtbot, w, before, lambda: click_arrow(qtbot, dp.classes_spin))
    assert w.latest.snapshot.arch.widths[-1] == dp.classes_spin.value()


def test_unclicked_wheel_over_test_share_and_classes_keeps_a_drawing(window, qtbot):  # noqa: F811
    draw_a_point(qtbot, window)
    drawn = window.canvas.dataset
    wheel(window.data_panel.test_slider, -3)
    wheel(window.data_panel.classes_spin, 1)
    assert window.canvas.dataset is drawn


def test_lesson_open_and_csv_import_are_undoable(window, qtbot, tmp_path):  # noqa: F811
    w = window
    draw_a_point(qtbot, w)
    before = w.canvas.dataset

    def open_and_wait():  # a lesson is read and checked off the GUI thread
        w.open_lesson("deep_sigmoid")
        qtbot.waitUntil(lambda: not same_points(w.canvas.dataset, before), timeout=LONG)

    check_one_undo_step(qtbot, w, before, open_and_wait)
    path = tmp_path / "pts.csv"
    path.write_text("x1,x2,label\n1,1,0\n-1,-1,1\n2,-2,2\n")
    before = w.canvas.dataset
    check_one_undo_step(qtbot, w, before, lambda: w.import_csv(path))
    assert QApplication.focusWidget() is w.canvas


def test_a_feature_ticked_after_the_task_went_1d_and_back_reaches_the_engine(window, qtbot):  # noqa: F811
    """Found by the random walk: the panel compared an edit with a stale spec (sent before
    the data's dimension changed the features), so ticking x₁x₂ again never reached the
    engine while the panel showed three inputs."""
    w = window
    box = w.network_panel.feature_boxes["x1*x2"]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.latest.snapshot.arch.widths[0] == 3, timeout=LONG)
    w.data_panel.task_combo.setFocus()
    press(qtbot, Qt.Key.Key_Down)  # regression: a curve y(x), one input
    qtbot.waitUntil(lambda: w.latest.snapshot.arch.widths[0] == 1, timeout=LONG)
    press(qtbot, Qt.Key.Key_Up)  # classification again: x₁, x₂
    qtbot.waitUntil(lambda: w.latest.snapshot.arch.widths[0] == 2, timeout=LONG)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert w.network_panel.widths()[0] == 3
    qtbot.waitUntil(lambda: w.latest.snapshot.arch.widths[0] == 3, timeout=LONG)


def test_layers_added_then_removed_in_one_turn_never_become_windows(window, qtbot):  # noqa: F811
    """An undo right after a deeper lesson opened removes the width boxes the lesson added
    before Qt had shown them (a new child is shown at the next turn of the event loop).
    Made parentless, they once appeared as windows of their own and took the activation,
    so the next key went nowhere."""
    w = window
    panel = w.network_panel
    shallow = panel.spec()
    deep = replace(shallow, hidden=(8,) * 6, activations=())
    shown: list[str] = []

    class Watch(QObject):
        def eventFilter(self, obj, ev):  # noqa: N802
            if ev.type() == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow():
                shown.append(type(obj).__name__)
            return False

    watch = Watch()
    QApplication.instance().installEventFilter(watch)
    try:
        panel.set_spec(deep, emit=False)  # as a lesson's design is shown …
        panel.set_spec(shallow, emit=False)  # … and its undo, in the same turn
        qtbot.wait(50)  # the queued shows run
        w.grab()
    finally:
        QApplication.instance().removeEventFilter(watch)
    assert shown == []
    assert QApplication.activeWindow() is w and QApplication.focusWidget() is not None
    assert len(panel.width_spins) == len(shallow.hidden)
