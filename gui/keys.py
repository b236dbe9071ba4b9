"""Keys, focus and the mouse wheel for the whole main window: one application event filter.

A spin box or line edit that has the focus takes Space, ←, →, Ctrl+Z and letters for
itself (Qt's ``ShortcutOverride``), so after one click on a width box's arrows the app's
keys stopped working and "2" typed into the box. The rules here:

* A field keeps the keys only while the user *edits* it: from a click into its text, a Tab
  key into it, or a key only a field can use (0, 9, −, ., Backspace, Delete …) until Enter,
  Esc, Tab or a click anywhere else. Even then, keys a number field cannot use (Space,
  PageUp/PageDown, letters but the E of 5e-2) reach the app. Enter on a field whose text
  its validator does not accept (α's box) leaves it there: the field says what is wrong.
* A slider keeps its own keys (←, →, ↑, ↓, Home, End, and Esc, which puts its value back)
  only while the user *adjusts* it: from a click on it or a Tab key into it, until Enter,
  Esc, Tab or a click anywhere else. PageUp/PageDown and Space stay the app's, as in a
  number field: a presenter clicker sends them.
* Every other time the window's shortcuts work whatever widget has the focus, ↑/↓ still
  step a focused spin box, and the digits 1–8 pick the class of new points.
* Enter or Esc hands the focus back to the canvas; Esc first puts back the text the field
  had when editing began (so nothing changes).
* The focus goes back to the canvas whenever it lands somewhere the user did not put it:
  after a popup closes (a combo box's list, a menu), after a dialog (the window is active
  again), and after the widget that had it hides (closing the inspector moved it to the
  next box in the panels, text selected, as if Tab had been pressed).
* The wheel changes a spin box, combo box or slider only when it has the focus (it got it
  from a click or Tab, never from the wheel: their focus policy is ``StrongFocus``); over
  any other, the wheel scrolls the panel it sits in.

Dialogs, menus and popups are left alone. ``eventFilter`` is a Qt virtual: it never raises
(an error is shown in the window's banner and the event goes on as Qt would send it).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QLineEdit,
    QMenu,
    QMenuBar,
    QScrollBar,
    QWidget,
)

from .banner import Banner
from .canvas import DataCanvas
from .panel_common import NUMBER_FIELD

K = Qt.Key
# keys the app owns even while a number field is being edited
APP_KEYS = frozenset({K.Key_Space, K.Key_PageUp, K.Key_PageDown})
# keys only a field can use: typing one starts editing the focused field
EDIT_KEYS = frozenset(
    {
        K.Key_0,
        K.Key_9,
        K.Key_Minus,
        K.Key_Plus,
        K.Key_Period,
        K.Key_Comma,
        K.Key_Backspace,
        K.Key_Delete,
    }
)
STEP_KEYS = frozenset({K.Key_Up, K.Key_Down})  # a focused spin box's arrows
# a slider's own keys while it is being adjusted (PageUp/PageDown stay the app's)
SLIDER_KEYS = frozenset(
    {K.Key_Left, K.Key_Right, K.Key_Up, K.Key_Down, K.Key_Home, K.Key_End, K.Key_Escape}
)
DONE_KEYS = frozenset({K.Key_Return, K.Key_Enter, K.Key_Escape})
TAB_KEYS = frozenset({K.Key_Tab, K.Key_Backtab})
CLASS_KEYS = {
    key: k
    for k, key in enumerate(
        (K.Key_1, K.Key_2, K.Key_3, K.Key_4, K.Key_5, K.Key_6, K.Key_7, K.Key_8)
    )
}
WHEEL_CONTROLS = (QAbstractSpinBox, QComboBox, QAbstractSlider)
PLAIN = Qt.KeyboardModifier.NoModifier
LETTER_MODS = (PLAIN, Qt.KeyboardModifier.ShiftModifier)  # I, N, Shift+N …
TYPE = QEvent.Type
HANDLED = frozenset(
    {
        TYPE.ShortcutOverride,
        TYPE.KeyPress,
        TYPE.MouseButtonPress,
        TYPE.MouseButtonDblClick,
        TYPE.FocusIn,
        TYPE.FocusOut,
        TYPE.Wheel,
    }
)


def field_of(w: QObject | None) -> QWidget | None:
    """The editable field ``w`` belongs to (a spin box, or a line edit), else ``None``."""
    if isinstance(w, QLineEdit):
        p = w.parentWidget()
        if isinstance(p, QAbstractSpinBox | QComboBox):
            return p
        return w
    if isinstance(w, QAbstractSpinBox):
        return w
    return None


def slider_of(w: QObject | None) -> QAbstractSlider | None:
    """``w`` if it is a slider (not a scroll bar), else ``None``."""
    if isinstance(w, QAbstractSlider) and not isinstance(w, QScrollBar):
        return w
    return None


def _mods(ev) -> Qt.KeyboardModifier:
    return ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier


def _is_letter(ev) -> bool:
    return K.Key_A <= ev.key() <= K.Key_Z


def guard_wheel(root: QWidget) -> None:
    """Spin boxes, combo boxes and sliders under ``root`` take the focus from a click or
    Tab only, never from the wheel (Qt gives wheel focus before any filter sees the wheel)."""
    for w in root.findChildren(QWidget):
        if isinstance(w, WHEEL_CONTROLS) and not isinstance(w, QScrollBar):
            w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


class KeyRouter(QObject):
    """The application event filter of one main window (a child of it: it goes with it).

    ``canvas`` takes the focus back and the class keys; ``banner`` shows an error caught
    here; ``blank_taken`` says whether the clicker's blank key (".") is the app's now."""

    def __init__(
        self,
        window: QWidget,
        canvas: DataCanvas,
        banner: Banner,
        blank_taken: Callable[[], bool] = lambda: False,
    ):
        super().__init__(window)
        self.window = window
        self.canvas = canvas
        self.banner = banner
        self.blank_taken = blank_taken
        self.editing: QWidget | None = None  # the field the user is typing into
        self._start_text = ""
        self.adjusting: QAbstractSlider | None = None  # the slider the user is moving
        self._start_value = 0
        self._last_press: tuple | None = None
        self._tab_key = False  # a Tab key is being handled: its focus change is the user's
        self._moves = 0  # focus changes and presses: a later one cancels a pending settle
        self._settle_after = -1
        self._left: QWidget | None = None  # the field a click elsewhere just left
        self.errors = 0
        guard_wheel(window)
        app = QApplication.instance()
        app.installEventFilter(self)

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # --- helpers ----------------------------------------------------------------------------
    def _mine(self, w: QObject | None) -> bool:
        """``w`` is inside the main window (a docked or floating inspector too), not in a
        dialog, menu or popup of its own."""
        while isinstance(w, QWidget):
            if w is self.window:
                return True
            if isinstance(w, QDialog | QMenu):
                return False
            w = w.parentWidget()
        return False

    def start_editing(self, f: QWidget) -> None:
        if self.editing is not f:
            self.editing = f
            self._start_text = f.text() if isinstance(f, QLineEdit | QAbstractSpinBox) else ""

    def end_editing(self, revert: bool = False) -> None:
        f, self.editing = self.editing, None
        if f is None or not revert:
            return
        edit = f.lineEdit() if isinstance(f, QAbstractSpinBox | QComboBox) else f
        if edit is not None:
            edit.setText(self._start_text)

    def start_adjusting(self, s: QAbstractSlider) -> None:
        if self.adjusting is not s:
            self.adjusting = s
            self._start_value = s.value()

    def end_adjusting(self, revert: bool = False) -> None:
        s, self.adjusting = self.adjusting, None
        if s is not None and revert:
            s.setValue(self._start_value)

    def to_canvas(self) -> None:
        """The canvas takes the focus (a field losing it commits what it shows)."""
        self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    def settle_later(self) -> None:
        """Hand the focus to the canvas once the event under way is done, unless the user
        moves it (a click, a Tab) or starts editing first."""
        self._settle_after = self._moves
        QTimer.singleShot(0, self, self._settle)

    def _settle(self) -> None:
        in_use = self.editing is not None or self.adjusting is not None
        if self._settle_after != self._moves or in_use:
            return  # moved by the user since, or in use
        if QApplication.activePopupWidget() is not None or QApplication.activeModalWidget():
            return
        focus = QApplication.focusWidget()
        if focus is self.canvas or isinstance(focus, QMenuBar):
            return
        if focus is None or (focus.window() is self.window and self._mine(focus)):
            if self.window.isActiveWindow() and self.canvas.isVisible():
                self.to_canvas()

    def watch_hiding(self, part: QDockWidget) -> None:
        """When ``part`` (a dock) hides, the focus goes back to the canvas: its focused
        widget hid with it, and Qt would pass the focus on down the tab chain."""
        part.visibilityChanged.connect(self._on_part_shown)

    def _on_part_shown(self, visible: bool) -> None:
        if not visible:
            self.settle_later()

    # --- the filter -------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt's name
        try:
            t = ev.type()
            if t not in HANDLED:
                return False
            if t == TYPE.Wheel:
                return self._wheel(obj, ev)
            if not isinstance(obj, QWidget):
                return False  # the same event also goes to the window's QWindow, the style
            if t in (TYPE.MouseButtonPress, TYPE.MouseButtonDblClick):
                self._moves += 1
                self._mouse(obj, ev)
                return False
            if t == TYPE.FocusIn:
                self._moves += 1
                self._focus_in(obj, ev)
                return False
            if t == TYPE.FocusOut:
                self._focus_out(obj, ev)
                return False
            focus = QApplication.focusWidget()
            if obj is not focus or QApplication.activePopupWidget() is not None:
                return False
            if not self._mine(obj):
                return False
            if t == TYPE.ShortcutOverride:
                return self._override(obj, ev)
            return self._key(obj, ev)
        except Exception:  # noqa: BLE001 - a raising Qt virtual kills the process
            self.errors += 1
            try:
                self.banner.show_message(
                    "An internal error in the keyboard handling was caught; the app goes on. "
                    + traceback.format_exc(limit=1).strip().splitlines()[-1],
                    "error",
                )
            except Exception:  # noqa: BLE001, S110 - the window may be going away
                pass
            return False

    def _override(self, obj: QWidget, ev) -> bool:
        """Before a key press: let the shortcut map have it (ignore + eat) or the field."""
        key, mods = ev.key(), _mods(ev)
        s = slider_of(obj)
        if s is not None:
            if s is self.adjusting and mods == PLAIN and key in SLIDER_KEYS:
                ev.accept()  # the slider's own: no shortcut runs, the key press reaches it
                return True
            return False  # not being adjusted: the window's shortcuts first (Qt's way)
        f = field_of(obj)
        if f is None:
            return False  # buttons, combos, the canvas: Qt's usual way
        if self.editing is f:
            spin = isinstance(f, QAbstractSpinBox)
            number = spin or bool(f.property(NUMBER_FIELD))
            letter = _is_letter(ev) and mods in LETTER_MODS and (spin or key != K.Key_E)
            app_key = key in APP_KEYS or (number and letter)
            if not app_key:
                return False  # the field's own: digits, ←/→, Ctrl+Z of its text …
        elif mods == PLAIN and key == K.Key_Period and self.blank_taken():
            pass  # a clicker's blank key in presentation mode: the app's
        elif mods == PLAIN and (key in STEP_KEYS or key in EDIT_KEYS or key in TAB_KEYS):
            return False
        ev.ignore()  # the window's shortcut (if any) runs instead of the field's use
        return True

    def _key(self, obj: QWidget, ev) -> bool:
        key, mods = ev.key(), _mods(ev)
        f = field_of(obj)
        editing = f is not None and self.editing is f
        if key in DONE_KEYS and mods in (PLAIN, Qt.KeyboardModifier.KeypadModifier):
            esc = key == K.Key_Escape
            if editing and not esc and isinstance(f, QLineEdit) and not f.hasAcceptableInput():
                return False  # the field refuses it and says why; the user corrects it
            self.end_editing(revert=editing and esc)
            self.end_adjusting(revert=esc and self.adjusting is obj)
            self.to_canvas()
            return True
        if key in TAB_KEYS:
            self.end_editing()  # the focus moves on; the field commits as it loses it
            self.end_adjusting()
            self._tab_key = True  # the focus change this key makes is the user's
            QTimer.singleShot(0, self, self._tab_done)
            return False
        if editing:
            return False
        if mods == PLAIN and key in CLASS_KEYS:
            self.canvas.set_current_class(CLASS_KEYS[key])
            return True
        if f is None:
            return False
        if mods == PLAIN and key in STEP_KEYS:
            return False
        if mods == PLAIN and key in EDIT_KEYS:
            self.start_editing(f)
            return False
        return True  # e.g. a letter no shortcut took: a number field has no use for it

    def _tab_done(self) -> None:
        self._tab_key = False

    def _mouse(self, obj: QObject, ev) -> None:
        if not isinstance(obj, QWidget):
            return
        # a press a child ignores goes on to its parents: only the first receiver counts
        key = (ev.timestamp(), ev.globalPosition().toPoint(), int(ev.type().value))
        if key == self._last_press:
            return
        self._last_press = key
        before = self.editing if self.editing is not None else self.adjusting
        target = field_of(obj)
        slider = slider_of(obj)
        here = target if target is not None else slider
        if before is not None and before is not here:
            self.end_editing()
            self.end_adjusting()
            if self._mine(obj):
                # a click on Step (no focus) still ends the edit: if Qt leaves the focus
                # in the field, the canvas takes it (the field commits as it loses it)
                self._left = before
                QTimer.singleShot(0, self, self._after_click_elsewhere)
        if slider is not None and self._mine(obj):
            self.start_adjusting(slider)
            return
        if target is None or not self._mine(obj):
            return
        if self._on_text(obj, ev):
            self.start_editing(target)  # a click into the text, not on the arrows
        elif target is self.editing:
            self.end_editing()  # the arrows of the field being typed into

    @staticmethod
    def _on_text(obj: QWidget, ev) -> bool:
        """The press is on the text of a field (its line edit), not on a spin box's arrows."""
        if isinstance(obj, QLineEdit):
            return True
        edit = obj.lineEdit() if isinstance(obj, QAbstractSpinBox) else None
        return edit is not None and edit.geometry().contains(ev.position().toPoint())

    def _after_click_elsewhere(self) -> None:
        left, self._left = self._left, None
        focus = QApplication.focusWidget()
        if left is None or focus is None or self.editing is not None or self.adjusting is not None:
            return
        if focus is left or field_of(focus) is left:
            self.to_canvas()

    def _focus_in(self, obj: QWidget, ev) -> None:
        if not self._mine(obj) or obj is self.canvas or isinstance(obj, QMenuBar):
            return  # (the menu bar has the keys while its menus are browsed with them)
        reason = ev.reason()
        R = Qt.FocusReason  # noqa: N806 - Qt's enum
        f = field_of(obj)
        if reason in (R.TabFocusReason, R.BacktabFocusReason):
            if not self._tab_key:
                # no Tab was pressed: the widget that had the focus hid (the inspector
                # closed) and Qt passed it on down the tab chain
                self.settle_later()
            elif f is not None:
                self.start_editing(f)
            elif slider_of(obj) is not None:
                self.start_adjusting(obj)
        elif reason in (R.PopupFocusReason, R.MenuBarFocusReason, R.ActiveWindowFocusReason):
            # back from a combo box's list, a menu, the menu bar or a dialog: the keys go to
            # the canvas, unless the user is in the middle of typing into (or adjusting) it
            busy = (f is not None and f is self.editing) or obj is self.adjusting
            if not busy and obj.window() is self.window:
                self.settle_later()

    def _focus_out(self, obj: QObject, ev) -> None:
        if ev.reason() in (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason):
            return  # a context menu, another window for a while: the edit goes on after it
        f = field_of(obj)
        if f is not None and f is self.editing:
            self.editing = None
        if obj is self.adjusting:
            self.adjusting = None

    def _wheel(self, obj: QObject, ev) -> bool:
        if not isinstance(obj, WHEEL_CONTROLS) or isinstance(obj, QScrollBar):
            return False
        if obj.hasFocus() or not self._mine(obj):
            return False
        # not clicked: the wheel scrolls the panel the control sits in, if any
        w = obj.parentWidget()
        while w is not None and not isinstance(w, QAbstractScrollArea):
            w = w.parentWidget()
        if w is not None:
            QApplication.sendEvent(w.verticalScrollBar(), ev)
        return True
