"""Focus, keys and the wheel through the real window (gui/keys.py), with real focus.

Keys go to whatever widget has the focus (``QApplication.focusWidget()``), as a keyboard
would send them; clicks go through the window to the widget under the point.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox

from .helpers import open_window

LONG = int(__import__("os").environ.get("LONG_MS", 60_000))
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot):
    w = open_window(qtbot)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=LONG)
    w.canvas.setFocus()
    yield w
    w.close()


def press(qtbot, key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    """A key as the keyboard sends it: to the widget that has the focus."""
    focus = QApplication.focusWidget()
    assert focus is not None, "no widget has the focus"
    qtbot.keyClick(focus, key, mods)


def reactivate(qtbot, window) -> None:
    """A window manager hands activation back to the window when its dialog closes; the
    offscreen platform does not."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=LONG)


def type_text(qtbot, text: str) -> None:
    for ch in text:
        qtbot.keyClicks(QApplication.focusWidget(), ch)


def click_arrow(qtbot, spin: QAbstractSpinBox, up: bool = True) -> None:
    h = spin.height()
    qtbot.mouseClick(
        spin, Qt.MouseButton.LeftButton, pos=QPoint(spin.width() - 5, h // 4 if up else 3 * h // 4)
    )


def click_text(qtbot, spin: QAbstractSpinBox) -> None:
    """A click into the number itself (the spin box's line edit)."""
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton, pos=QPoint(8, spin.height() // 2))


def wheel(widget, steps: int = 1) -> None:
    """One notch of the wheel over ``widget`` (sent to it, as Qt delivers it)."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    ev = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, ev)


def widths(w) -> tuple[int, ...]:
    return w.latest.snapshot.arch.widths


def step_of(w) -> int:
    return w.latest.snapshot.step


def test_after_a_width_boxs_arrows_digits_pick_the_class_and_keys_reach_the_app(window, qtbot):
    spin = window.network_panel.width_spins[0]
    click_arrow(qtbot, spin)
    qtbot.waitUntil(lambda: widths(window) == (2, 5, 4, 1), timeout=LONG)
    assert spin.hasFocus()
    press(qtbot, Qt.Key.Key_2)
    assert window.canvas.current_class == 1
    assert window.canvas_area.toolbar.class_combo.currentIndex() == 1
    assert spin.value() == 5  # the box did not become 52
    press(qtbot, Qt.Key.Key_Right)  # step
    qtbot.waitUntil(lambda: step_of(window) == 1, timeout=LONG)
    press(qtbot, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: step_of(window) == 2, timeout=LONG)
    press(qtbot, Qt.Key.Key_I)
    assert window.inspector_dock.isVisible()
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.controller.running, timeout=LONG)
    assert spin.text() == "5"  # Space did not blank it
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=LONG)
    press(qtbot, Qt.Key.Key_Down)  # the arrows of the focused box still step it
    qtbot.waitUntil(lambda: widths(window) == (2, 4, 4, 1), timeout=LONG)
    window.grab()


def test_ctrl_z_undoes_a_point_whatever_has_the_focus(window, qtbot):
    n = len(window.canvas.dataset)
    window.canvas.set_current_class(0)
    qtbot.mouseClick(
        window.canvas.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.canvas.viewport().rect().center(),
    )
    assert len(window.canvas.dataset) == n + 1
    click_arrow(qtbot, window.training_panel.batch_spin)
    assert window.training_panel.batch_spin.hasFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert len(window.canvas.dataset) == n
    press(qtbot, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert len(window.canvas.dataset) == n + 1


def test_typing_into_a_field_then_enter_commits_and_returns_to_the_canvas(window, qtbot):
    spin = window.network_panel.width_spins[0]
    click_text(qtbot, spin)
    assert window.keys.editing is spin
    press(qtbot, Qt.Key.Key_A, CTRL)  # select all: the field's own while editing
    type_text(qtbot, "7")
    assert widths(window) == (2, 4, 4, 1)  # nothing yet: not committed
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: widths(window) == (2, 7, 4, 1), timeout=LONG)
    assert window.canvas.hasFocus()
    assert window.keys.editing is None
    press(qtbot, Qt.Key.Key_3)  # now a class key again
    assert window.canvas.current_class == 2


def test_escape_puts_the_value_back_and_returns_to_the_canvas(window, qtbot):
    spin = window.network_panel.width_spins[1]
    click_text(qtbot, spin)
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "42")
    press(qtbot, Qt.Key.Key_Escape)
    assert window.canvas.hasFocus()
    assert spin.value() == 4 and spin.text() == "4"
    press(qtbot, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: step_of(window) == 1, timeout=LONG)
    assert widths(window) == (2, 4, 4, 1)


def test_keys_a_number_field_cannot_use_reach_the_app_while_typing(window, qtbot):
    spin = window.training_panel.batch_spin
    click_text(qtbot, spin)
    press(qtbot, Qt.Key.Key_End)
    type_text(qtbot, "0")  # 160, typed, not committed
    press(qtbot, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: step_of(window) == 1, timeout=LONG)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.controller.running, timeout=LONG)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=LONG)
    press(qtbot, Qt.Key.Key_I)
    assert window.inspector_dock.isVisible()
    assert spin.text() == "160"  # still being edited, nothing blanked
    assert window.keys.editing is spin
    press(qtbot, Qt.Key.Key_Tab)  # Tab commits and ends the edit
    qtbot.waitUntil(lambda: window.latest.snapshot.hyper.batch_size == 160, timeout=LONG)


def test_leaving_the_seed_box_unchanged_keeps_the_run(window, qtbot):
    tp = window.training_panel
    qtbot.mouseClick(tp.step10_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: step_of(window) == 10, timeout=LONG)
    depth = window.canvas.history.undo_depth
    click_text(qtbot, tp.seed_spin)
    assert window.keys.editing is tp.seed_spin
    qtbot.mouseClick(tp.step_button, Qt.MouseButton.LeftButton)  # a click elsewhere
    qtbot.waitUntil(lambda: step_of(window) == 11, timeout=LONG)
    assert window.keys.editing is None
    assert not tp.seed_spin.hasFocus()
    press(qtbot, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: step_of(window) == 12, timeout=LONG)
    assert window.canvas.history.undo_depth == depth  # no new run began


def _type_seed(qtbot, window, text: str) -> None:
    tp = window.training_panel
    click_text(qtbot, tp.seed_spin)
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, text)
    press(qtbot, Qt.Key.Key_Return)


def test_a_real_seed_change_starts_a_new_run_that_ctrl_z_takes_back(window, qtbot):
    """No question: like every reset, a new seed is one undo step that keeps the run."""
    tp = window.training_panel
    qtbot.mouseClick(tp.step10_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: step_of(window) == 10, timeout=LONG)
    _type_seed(qtbot, window, "5")
    qtbot.waitUntil(lambda: step_of(window) == 0, timeout=LONG)
    assert tp.seed == 5 and window.latest.snapshot.seed == 5
    assert window.canvas.undo_action.text() == "Undo seed 5"
    window.canvas.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: step_of(window) == 10, timeout=LONG)
    qtbot.waitUntil(lambda: tp.seed_spin.value() == 0 and tp.seed == 0, timeout=LONG)
    qtbot.mouseClick(tp.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: step_of(window) == 11, timeout=LONG)  # the run goes on


def test_a_seed_change_before_any_step_applies_at_once(window, qtbot):
    w0 = window.latest.snapshot.params.W[0].copy()
    _type_seed(qtbot, window, "3")
    qtbot.waitUntil(lambda: (window.latest.snapshot.params.W[0] != w0).any(), timeout=LONG)
    assert window.training_panel.seed == 3


def test_the_wheel_never_changes_a_control_that_was_not_clicked(window, qtbot):
    dp = window.data_panel
    for control in (
        dp.test_slider,
        dp.classes_spin,
        dp.preset_combo,
        dp.noise_slider,
        window.network_panel.width_spins[0],
        window.training_panel.alpha_slider,
        window.network_panel.activation_combo,
    ):
        before_value = (
            control.value() if not isinstance(control, QComboBox) else control.currentIndex()
        )
        data = window.canvas.dataset
        wheel(control, -1)
        wheel(control, 2)
        after = control.value() if not isinstance(control, QComboBox) else control.currentIndex()
        assert after == before_value, control
        assert window.canvas.dataset is data
    # every such control takes the focus from a click or Tab, never from the wheel
    for c in window.findChildren(QAbstractSpinBox) + window.findChildren(QComboBox):
        assert c.focusPolicy() == Qt.FocusPolicy.StrongFocus, c
    for c in window.findChildren(QAbstractSlider):
        if (
            c.orientation() == Qt.Orientation.Horizontal
            and c.parent() is not None
            and not c.inherits("QScrollBar")
        ):
            assert c.focusPolicy() == Qt.FocusPolicy.StrongFocus, c


def test_the_wheel_changes_a_clicked_control(window, qtbot):
    spin = window.network_panel.width_spins[0]
    click_arrow(qtbot, spin)
    qtbot.waitUntil(lambda: widths(window) == (2, 5, 4, 1), timeout=LONG)
    wheel(spin, 1)
    wheel(spin, 1)
    qtbot.waitUntil(lambda: widths(window) == (2, 7, 4, 1), timeout=LONG)
    wheel(window.network_panel.width_spins[1], 1)  # the other box was not clicked
    assert window.network_panel.width_spins[1].value() == 4
