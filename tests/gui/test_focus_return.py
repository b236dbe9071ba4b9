"""The focus goes back to the canvas after the inspector closes, after a popup (a combo
box's list, a menu) and after a dialog, so the digits pick the class again; a field being
typed into keeps it. Real clicks and keys, with real focus (gui/keys.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QMenu

from .helpers import open_window
from .test_keys import click_arrow, click_text, press, reactivate, type_text

LONG = 60_000
K = Qt.Key
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot):
    w = open_window(qtbot)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=LONG)
    w.canvas.setFocus()
    yield w
    w.close()


def boxes(w) -> list[str]:
    """The text of every number box of the panels (a digit typed into one shows here)."""
    return [s.text() for s in w.controls.scroll.findChildren(QAbstractSpinBox)]


def popup_shown(qtbot):
    """The open popup, once the platform has activated it (a person is never faster)."""
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=LONG)
    popup = QApplication.activePopupWidget()
    handle = popup.window().windowHandle()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is handle, timeout=LONG)
    return popup


def key_to_popup(qtbot, key) -> None:
    """A key to the open popup (to its list, if that has the focus)."""
    popup = QApplication.activePopupWidget()
    focus = QApplication.focusWidget()
    qtbot.keyClick(focus if focus is not None and popup.isAncestorOf(focus) else popup, key)


def to_popup(qtbot, key) -> None:
    """A key that closes the open popup."""
    key_to_popup(qtbot, key)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=LONG)


def test_after_the_inspectors_batch_list_and_closing_it_digits_pick_the_class(window, qtbot):
    """I, a click on the inspector's Batch box, Esc, I, then 1: the 1 picks class 1 (it
    replaced a hidden layer's width, the box having got the focus as the dock hid)."""
    w = window
    np_ = w.network_panel
    qtbot.mouseClick(np_.add_button, LEFT)  # three hidden layers, as when it was found
    qtbot.waitUntil(lambda: len(w.latest.snapshot.arch.widths) == 5, timeout=LONG)
    w.canvas.setFocus()
    w.canvas.set_current_class(2)
    before = boxes(w)
    press(qtbot, K.Key_I)
    qtbot.waitUntil(w.inspector_dock.isVisible, timeout=LONG)
    combo = w.inspector.batch_combo
    qtbot.mouseClick(combo, LEFT)
    popup_shown(qtbot)
    to_popup(qtbot, K.Key_Escape)
    qtbot.waitUntil(w.canvas.hasFocus, timeout=LONG)  # back from the list
    combo.setFocus(Qt.FocusReason.MouseFocusReason)  # as if the click had left it there
    press(qtbot, K.Key_I)
    qtbot.waitUntil(lambda: not w.inspector_dock.isVisible(), timeout=LONG)
    qtbot.waitUntil(w.canvas.hasFocus, timeout=LONG)
    assert w.keys.editing is None
    press(qtbot, K.Key_1)
    w.grab()
    assert w.canvas.current_class == 0 and w.canvas_area.toolbar.class_combo.currentIndex() == 0
    assert boxes(w) == before
    assert len(w.latest.snapshot.arch.widths) == 5


def test_hiding_the_focused_widget_never_starts_an_edit_but_a_tab_key_does(window, qtbot):
    w = window
    press(qtbot, K.Key_I)
    qtbot.waitUntil(w.inspector_dock.isVisible, timeout=LONG)
    spin = w.inspector.point_spin
    click_arrow(qtbot, spin)  # the focus in the dock, no edit
    assert spin.hasFocus() and w.keys.editing is None
    press(qtbot, K.Key_I)  # Qt hands the focus on down the tab chain as the dock hides
    qtbot.waitUntil(w.canvas.hasFocus, timeout=LONG)
    assert w.keys.editing is None
    # a real Tab from the canvas still starts editing the box it lands in
    tp = w.training_panel
    click_text(qtbot, tp.batch_spin)
    press(qtbot, K.Key_Tab)
    assert tp.lam_spin.hasFocus() and w.keys.editing is tp.lam_spin
    press(qtbot, K.Key_Escape)
    assert w.canvas.hasFocus() and w.keys.editing is None
    # and Shift+Tab from α's box into α's slider starts adjusting it
    click_text(qtbot, tp.alpha_box)
    press(qtbot, K.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert tp.alpha_slider.hasFocus() and w.keys.adjusting is tp.alpha_slider
    press(qtbot, K.Key_Return)
    assert w.canvas.hasFocus() and w.keys.adjusting is None


def test_after_a_combo_boxs_list_digits_pick_the_class(window, qtbot):
    w = window
    combo = w.training_panel.optimizer_combo
    qtbot.mouseClick(combo, LEFT)
    popup_shown(qtbot)
    for _ in range(combo.findData("adam") - combo.currentIndex()):
        key_to_popup(qtbot, K.Key_Down)  # the list's own keys while it is open
    to_popup(qtbot, K.Key_Return)
    qtbot.waitUntil(lambda: w.latest.snapshot.hyper.optimizer == "adam", timeout=LONG)
    qtbot.waitUntil(w.canvas.hasFocus, timeout=LONG)
    press(qtbot, K.Key_2)
    w.grab()
    assert w.canvas.current_class == 1
    assert combo.currentData() == "adam"  # the digit did not pick another optimizer


def test_after_a_menu_the_keys_go_to_the_canvas(window, qtbot):
    w = window
    lam = w.training_panel.lam_spin
    click_arrow(qtbot, lam)
    assert lam.hasFocus()
    value = lam.text()
    bar = w.menuBar()
    train = next(a for a in bar.actions() if a.text() == "&Train")
    qtbot.mouseClick(bar, LEFT, pos=bar.actionGeometry(train).center())
    menu = popup_shown(qtbot)
    assert isinstance(menu, QMenu)
    qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(w.menus.actions.step10).center())
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=LONG)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 10, timeout=LONG)
    qtbot.waitUntil(w.canvas.hasFocus, timeout=LONG)
    press(qtbot, K.Key_4)
    press(qtbot, K.Key_Up)  # ↑ no longer steps λ: it is not the focused box any more
    w.grab()
    assert w.canvas.current_class == 3
    assert lam.text() == value
    # Esc in a menu leaves the menu bar browsable by keys; Esc there gives them back
    qtbot.mouseClick(bar, LEFT, pos=bar.actionGeometry(train).center())
    popup_shown(qtbot)
    to_popup(qtbot, K.Key_Escape)
    if bar.hasFocus():
        qtbot.keyClick(bar, K.Key_Escape)
    qtbot.waitUntil(w.canvas.hasFocus, timeout=LONG)


def test_after_a_dialog_the_keys_go_to_the_canvas(window, qtbot):
    w = window
    spin = w.network_panel.width_spins[0]
    click_arrow(qtbot, spin)
    qtbot.waitUntil(lambda: w.latest.snapshot.arch.widths[1] == 5, timeout=LONG)
    assert spin.hasFocus()
    press(qtbot, K.Key_F1)
    overlay = w.help_menu.overlay
    qtbot.waitUntil(lambda: overlay is not None and overlay.isVisible(), timeout=LONG)
    overlay.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is overlay, timeout=LONG)
    qtbot.keyClick(overlay, K.Key_Escape)
    qtbot.waitUntil(lambda: not overlay.isVisible(), timeout=LONG)
    reactivate(qtbot, w)  # a window manager activates the window again
    qtbot.waitUntil(w.canvas.hasFocus, timeout=LONG)
    press(qtbot, K.Key_3)
    press(qtbot, K.Key_Down)
    w.grab()
    assert w.canvas.current_class == 2
    assert spin.value() == 5 and w.latest.snapshot.arch.widths[1] == 5


def test_a_field_being_typed_into_keeps_the_focus_through_its_own_context_menu(window, qtbot):
    w = window
    spin = w.training_panel.batch_spin
    click_text(qtbot, spin)
    assert w.keys.editing is spin
    press(qtbot, K.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "3")
    edit = spin.lineEdit()
    # its context menu, as the menu key or a right click opens it; the menu runs its own
    # event loop (QMenu.exec), so it is closed from inside that loop, with Esc
    seen = []

    def close_menu() -> None:
        popup = QApplication.activePopupWidget()
        if popup is None or QGuiApplication.focusWindow() is not popup.windowHandle():
            QTimer.singleShot(10, close_menu)  # not yet shown and activated
            return
        seen.append(type(popup).__name__)
        key_to_popup(qtbot, K.Key_Escape)

    QTimer.singleShot(0, close_menu)
    at = edit.rect().center()
    menu_key = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, at, edit.mapToGlobal(at))
    QApplication.postEvent(edit, menu_key)
    qtbot.waitUntil(lambda: bool(seen) and QApplication.activePopupWidget() is None, timeout=LONG)
    assert seen == ["QMenu"]
    for _ in range(3):
        QApplication.processEvents()  # a (wrong) hand-over to the canvas would run here
    assert spin.hasFocus() and w.keys.editing is spin
    type_text(qtbot, "2")
    press(qtbot, K.Key_Return)
    qtbot.waitUntil(lambda: w.latest.snapshot.hyper.batch_size == 32, timeout=LONG)
    assert w.canvas.hasFocus()
