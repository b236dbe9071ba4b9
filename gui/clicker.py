"""A presenter clicker's three keys, routed to whoever should have them now.

A clicker sends PageDown (next), PageUp (back) and "." or B (its "blank screen" button);
→ and ← are next and back on a keyboard. What "next" means depends on what the lecturer
is showing: a step of training, or the next phase of the step the inspector walks (and,
later, the next beat of a scripted lecture). So the keys are three actions whose slots ask
a list of *modes*, highest priority first; the first mode that takes a press handles it,
and when none does the window's own meaning applies:

==========  ======================================  ==================================
key         the inspector shown                     the inspector closed
==========  ======================================  ==================================
PageDown →  the next phase (the last, the update,   one step
            ends the step; the next press starts
            walking the next step)
PageUp ←    the previous phase (back over the       back one step (rewind)
            update undoes it; none before the
            first phase)
B  .        play / pause (presentation mode)        play / pause (presentation mode)
==========  ======================================  ==================================

A mode is any object with ``forward()``, ``back()`` and ``blank()`` that each return True
when the mode took the press (``ClickerMode`` below). A new mode that must win over the
walk (a scripted lecture) is added with a higher priority; nothing else changes. The blank
key is an action only while presentation mode is on or a mode asks for it
(``wants_blank``), so everywhere else B and "." stay ordinary keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from .main_window import MainWindow

FORWARD_KEYS = ("PgDown", "Right")
BACK_KEYS = ("PgUp", "Left")
BLANK_KEYS = ("B", ".")
WALK_PRIORITY = 10  # a scripted lecture's beats would come first, with a higher number


class ClickerMode(Protocol):
    def forward(self) -> bool: ...
    def back(self) -> bool: ...
    def blank(self) -> bool: ...
    def wants_blank(self) -> bool: ...


class WalkMode:
    """While the inspector is shown, the clicker walks the step phase by phase."""

    def __init__(self, window: MainWindow):
        self.window = window

    def _walking(self) -> bool:
        return self.window.inspector_dock.isVisible()

    def forward(self) -> bool:
        if not self._walking():
            return False
        self.window.inspector.next_phase()
        return True

    def back(self) -> bool:
        if not self._walking():
            return False
        self.window.inspector.walk_back()
        return True

    def blank(self) -> bool:
        return False

    def wants_blank(self) -> bool:
        return False


class Clicker:
    """The three clicker actions of one window and the modes they are routed through."""

    def __init__(self, window: MainWindow):
        self.window = window
        self._modes: list[tuple[int, int, ClickerMode]] = []

    # --- modes ----------------------------------------------------------------------------
    def add_mode(self, mode: ClickerMode, priority: int) -> None:
        """``mode`` is asked before every mode of a lower priority (and, at equal
        priority, after those added earlier)."""
        self._modes.append((-priority, len(self._modes), mode))
        self._modes.sort(key=lambda m: m[:2])
        self.refresh()

    def remove_mode(self, mode: ClickerMode) -> None:
        self._modes = [m for m in self._modes if m[2] is not mode]
        self.refresh()

    @property
    def modes(self) -> list[ClickerMode]:
        return [m for _p, _i, m in self._modes]

    # --- the presses --------------------------------------------------------------------
    def forward(self) -> None:
        if not any(m.forward() for m in self.modes):
            self.window.step(1)

    def back(self) -> None:
        if not any(m.back() for m in self.modes):
            self.window.back_one()

    def blank(self) -> None:
        if not any(m.blank() for m in self.modes) and self.window.fit.presenting:
            self.window.toggle_play()

    def refresh(self) -> None:
        """The blank key is taken only in presentation mode or for a mode that wants it."""
        action = getattr(self, "blank_action", None)
        if action is not None:
            # the action's check mark, not ``fit.presenting``: F5 toggles the mark first
            mark = getattr(self.window, "presentation_action", None)
            presenting = mark is not None and mark.isChecked()
            on = presenting or any(m.wants_blank() for m in self.modes)
            action.setEnabled(on)

    def blank_taken(self) -> bool:
        action = getattr(self, "blank_action", None)
        return action is not None and action.isEnabled()

    # --- the actions --------------------------------------------------------------------
    def make_actions(self, menu) -> None:
        """Next, Back and the blank key as actions of the window, in ``menu``; call
        ``refresh`` whenever presentation mode changes."""
        self.forward_action = self._act(
            menu,
            "Step 1 (inspector open: next phase)",
            self.forward,
            FORWARD_KEYS,
        )
        self.back_action = self._act(
            menu,
            "Back one step (inspector open: previous phase)",
            self.back,
            BACK_KEYS,
        )
        self.blank_action = self._act(
            menu,
            "Play / pause in presentation (clicker's blank key)",
            self.blank,
            BLANK_KEYS,
        )

    def _act(self, menu, text: str, slot, keys) -> QAction:
        w = self.window
        a = QAction(text, w)
        a.setShortcuts([QKeySequence(k) for k in keys])
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.triggered.connect(slot)
        menu.addAction(a)
        w.addAction(a)
        return a
