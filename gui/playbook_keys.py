"""The lecture's keys that are not the clicker's three actions: an application event filter
installed after the window's own (gui/keys.py), so it sees a key first. It is installed
only while a lecture is given: an application's filter is called for every event of
every object, a Python call each (a tenth of the GUI thread's time in a comparison's
frames), and without a lecture it takes nothing.

While a lecture is given in presentation mode (or full screen):

* F5 does nothing (a clicker's "start slide show" button sends it, alternating with Esc);
* the first Esc only says "Esc again to leave"; a second Esc straight after it leaves (any
  other key in between, or five seconds, and the next Esc asks again);
* digits then Enter go to scene N (Backspace takes a digit back, Esc drops them): the
  digits pick no class of new points meanwhile;
* Ctrl+Z right after PageDown returned to the script brings the detour back.

A key is taken in two parts, as Qt sends it: the ``ShortcutOverride`` is accepted (no
shortcut runs) and the key press that follows does the work. Which keys are taken depends
only on the state, so the event seen again on its way to a parent decides the same.
``eventFilter`` never raises (``@guarded``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit, QWidget

from .safety import guarded

if TYPE_CHECKING:
    from .playbook_lecture import Lecture

K = Qt.Key
ESC_SECONDS = 5.0  # a second Esc within this long leaves presentation mode
DIGITS = {getattr(K, f"Key_{i}"): str(i) for i in range(10)}
ENTER = (K.Key_Return, K.Key_Enter)
TEXT_PANES = (QPlainTextEdit, QTextEdit)
MODIFIER_KEYS = (K.Key_Shift, K.Key_Control, K.Key_Alt, K.Key_Meta, K.Key_AltGr)
PLAIN = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _mods(ev) -> Qt.KeyboardModifier:
    return ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier


class LectureKeys(QObject):
    def __init__(self, lecture: Lecture):
        super().__init__(lecture)
        self.lecture = lecture
        self.w = lecture.w
        self.digits = ""
        self._esc_until = 0.0
        self.installed = False
        lecture.started.connect(self._on_started)
        lecture.ended.connect(self.uninstall)
        if lecture.active:
            self._on_started()
        self.w.menus.actions.presentation.toggled.connect(self._on_presenting)

    @Slot()
    def _on_started(self, *_book) -> None:
        app = QApplication.instance()
        if app is not None and not self.installed:
            app.installEventFilter(self)  # the last installed sees an event first
            self.installed = True

    @Slot()
    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.installed = False

    @property
    def esc_armed(self) -> bool:
        return time.monotonic() < self._esc_until

    def _presenting(self) -> bool:
        fit = self.w.fit
        return fit.presenting or fit.is_full()

    def _on_presenting(self, _on: bool) -> None:
        self._esc_until = 0.0
        self._set_digits("")

    # --- the filter ------------------------------------------------------------------------------
    @guarded(default=False)
    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt's name
        t = ev.type()
        if t not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if not self.lecture.active or not isinstance(obj, QWidget):
            return False
        if obj.window() is not self.w or QApplication.activePopupWidget() is not None:
            return False
        focus = QApplication.focusWidget()
        if obj is not focus and obj is not self.w and focus is not None:
            return False
        key = ev.key()
        if key in MODIFIER_KEYS:
            return False
        take = self._takes(key, _mods(ev), focus)
        if t == QEvent.Type.ShortcutOverride:
            if take:
                ev.accept()
                return True
            if key != K.Key_Escape:
                self._esc_until = 0.0  # another key between two Escs: ask again
            return False
        if take:
            self._act(key)
            return True
        return False

    def _typing(self, focus: QWidget | None) -> bool:
        keys = getattr(self.w, "keys", None)
        if keys is not None and (keys.editing is not None or keys.adjusting is not None):
            return True
        # a text pane (the dock's scene text) keeps its digits and Enter
        return isinstance(focus, TEXT_PANES) and not focus.isReadOnly()

    def _takes(self, key: int, mods, focus: QWidget | None) -> bool:
        state = self.lecture.state
        if key == K.Key_Z and mods == CTRL:
            return state is not None and state.has_detour and not self._typing(focus)
        if not self._presenting() or mods != PLAIN or self._typing(focus):
            return False
        if key == K.Key_F5:
            return True
        if key == K.Key_Escape:
            return bool(self.digits) or not self.esc_armed
        if key in DIGITS:
            return True
        return bool(self.digits) and (key in ENTER or key == K.Key_Backspace)

    def _act(self, key: int) -> None:
        lec = self.lecture
        if key == K.Key_Z:
            lec.resume_detour()
            return
        if key == K.Key_Escape:
            if self.digits:
                self._set_digits("")
                return
            self._esc_until = time.monotonic() + ESC_SECONDS
            self._say("Esc again to leave the presentation")
            return
        self._esc_until = 0.0
        if key == K.Key_F5:
            self._say("Presenting already (F5 does nothing; Esc twice leaves)")
        elif key in DIGITS:
            self._set_digits((self.digits + DIGITS[key])[-3:])
        elif key == K.Key_Backspace:
            self._set_digits(self.digits[:-1])
        elif key in ENTER:
            n = int(self.digits)
            self._set_digits("")
            lec.goto(n - 1)

    def _set_digits(self, digits: str) -> None:
        self.digits = digits
        if digits:
            self._say(f"scene {digits}_  (Enter)", status=False)
        else:
            self.lecture.view.refresh_mark()

    def _say(self, text: str, status: bool = True) -> None:
        self.lecture.view.refresh_mark(text)
        if status:
            self.w.statusBar().showMessage(text, 4000)
