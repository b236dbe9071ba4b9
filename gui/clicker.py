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

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QWidget

from .inspector import InspectorPanel

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

    def __init__(self, dock: QDockWidget, inspector: InspectorPanel):
        self.dock = dock
        self.inspector = inspector

    def _walking(self) -> bool:
        return self.dock.isVisible()

    def forward(self) -> bool:
        if not self._walking():
            return False
        self.inspector.next_phase()
        return True

    def back(self) -> bool:
        if not self._walking():
            return False
        self.inspector.walk_back()
        return True

    def blank(self) -> bool:
        return False

    def wants_blank(self) -> bool:
        return False


class Clicker:
    """The three clicker actions of one window and the modes they are routed through.

    When no mode takes a press: ``step`` (one step), ``back`` (back one step) and, in
    presentation mode (``presenting``), ``play_pause``. The actions belong to ``owner``
    (their shortcuts work in the whole window); the menus place them."""

    def __init__(
        self,
        owner: QWidget,
        *,
        step: Callable[[], None],
        back: Callable[[], None],
        play_pause: Callable[[], None],
        presenting: Callable[[], bool],
    ):
        self._step, self._back, self._play_pause = step, back, play_pause
        self._presenting = presenting
        self._modes: list[tuple[int, int, ClickerMode]] = []
        self._marked = False  # presentation mode's check mark (see ``presentation_marked``)
        self.forward_action = _action(
            owner, "Step 1 (inspector open: next phase)", self.forward, FORWARD_KEYS
        )
        self.back_action = _action(
            owner, "Back one step (inspector open: previous phase)", self.back, BACK_KEYS
        )
        self.blank_action = _action(
            owner, "Play / pause in presentation (clicker's blank key)", self.blank, BLANK_KEYS
        )
        self.refresh()

    @property
    def actions(self) -> tuple[QAction, QAction, QAction]:
        """Next, back and the blank key, in the order the Train menu lists them."""
        return self.forward_action, self.back_action, self.blank_action

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
            self._step()

    def back(self) -> None:
        if not any(m.back() for m in self.modes):
            self._back()

    def blank(self) -> None:
        if not any(m.blank() for m in self.modes) and self._presenting():
            self._play_pause()

    def presentation_marked(self, on: bool) -> None:
        """Presentation mode's action was checked or unchecked (F5 checks it before the
        window changes, so the mark, not ``presenting``, says what is coming)."""
        self._marked = bool(on)
        self.refresh()

    def refresh(self) -> None:
        """The blank key is taken only in presentation mode or for a mode that wants it."""
        on = self._marked or any(m.wants_blank() for m in self.modes)
        self.blank_action.setEnabled(on)

    def blank_taken(self) -> bool:
        return self.blank_action.isEnabled()


def _action(owner: QWidget, text: str, slot: Callable[[], None], keys) -> QAction:
    a = QAction(text, owner)
    a.setShortcuts([QKeySequence(k) for k in keys])
    a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    a.triggered.connect(slot)
    owner.addAction(a)
    return a
