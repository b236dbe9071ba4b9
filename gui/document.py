"""The open document: what the window is showing a run as, besides the run itself.

A lesson has a title and a description (its instructions: "switch to tanh and watch δ⁽¹⁾
grow…"); the window's title names the lesson or the file the data came from. These are
one value, ``LessonInfo``, held by ``OpenDocument``: opening a lesson, importing a CSV
file, new data or File → New set it; saving writes it into the file (and keeps what the
save dialog said); undo across runs brings back each run's (gui/run_history.py); the
autosave writes it with the session. The lesson notes above the canvas
(gui/notes.py) and the window's title only show it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

APP_NAME = "Backprop Lab"


@dataclass(frozen=True)
class LessonInfo:
    """A lesson's title and description, and the name the window's title shows (the
    lesson's title, or the name of the file the data came from; empty: none)."""

    title: str = ""
    description: str = ""
    name: str = ""

    @property
    def has_notes(self) -> bool:
        return bool(self.title or self.description)

    @property
    def window_title(self) -> str:
        return f"{APP_NAME} — {self.name}" if self.name else APP_NAME


NO_LESSON = LessonInfo()


class OpenDocument(QObject):
    """The ``LessonInfo`` of the run the window shows; ``changed`` tells the views."""

    changed = Signal(object)  # the new LessonInfo

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._info = NO_LESSON

    @property
    def info(self) -> LessonInfo:
        return self._info

    @property
    def title(self) -> str:
        return self._info.title

    @property
    def description(self) -> str:
        return self._info.description

    def set(self, info: LessonInfo) -> None:
        info = LessonInfo(str(info.title or ""), str(info.description or ""), str(info.name or ""))
        self._info = info
        self.changed.emit(info)

    def set_lesson(self, title: str, description: str, name: str) -> None:
        """A lesson opened or saved: its notes, and ``name`` in the window's title."""
        self.set(LessonInfo(title, description, name))

    def set_source(self, name: str = "") -> None:
        """Data that are no lesson (a CSV file named ``name``, a preset, a new session):
        no notes."""
        self.set(LessonInfo(name=name))
