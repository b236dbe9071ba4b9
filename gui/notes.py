"""Lesson notes: the open lesson's title and description above the canvas.

The pane only shows them: they are the open document's (gui/document.py), which the
window passes on whenever it changes.

A lesson's description is its instructions ("switch to tanh and watch δ⁽¹⁾ grow…"), so
it sits in the canvas column, which presentation mode keeps on screen. The pane hides
itself when there is nothing to show; its ▾ button folds the description away, leaving
the title, and the View menu's "Lesson notes" action hides it altogether.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from .document import NO_LESSON, LessonInfo
from .safety import guarded

NOTES_STYLE = "NotesPane { background:#FFFDF2; border:1px solid #C9B458; border-radius:4px; }"


class NotesPane(QFrame):
    """The lesson's title (bold) and description (wrapped plain text)."""

    _built = False  # the style sheet sends a font change before the labels exist

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lessonNotes")
        self.setStyleSheet(NOTES_STYLE)
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)  # lesson files are not HTML
        self.title_label.setWordWrap(True)
        self.description_label = QLabel()
        self.description_label.setTextFormat(Qt.TextFormat.PlainText)
        self.description_label.setWordWrap(True)
        self.description_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fold_button = QToolButton()
        self.fold_button.setAutoRaise(True)
        self.fold_button.setCheckable(True)
        self.fold_button.setToolTip("Fold the description away (the title stays)")
        self.fold_button.toggled.connect(self._on_fold)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title_label, 1)
        head.addWidget(self.fold_button, 0, Qt.AlignmentFlag.AlignTop)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 8)
        lay.setSpacing(3)
        lay.addLayout(head)
        lay.addWidget(self.description_label)
        self._built = True
        self._title_font()
        self.shown = NO_LESSON  # the lesson's notes it shows
        self.wanted = True  # the View menu's choice; the pane shows only with notes
        # set while the docked inspector needs the room on a short screen (the window's
        # title still names the lesson)
        self.suppressed = False
        self._on_fold(False)
        self.setVisible(False)

    def show_lesson(self, info: LessonInfo) -> None:
        """Show a lesson's notes (none: the pane hides)."""
        self.shown = info
        self.title_label.setText(info.title or "Lesson")
        self.description_label.setText(info.description)
        self._refresh()

    @property
    def has_notes(self) -> bool:
        return self.shown.has_notes

    def set_wanted(self, on: bool) -> None:
        """The View menu's toggle: show the notes when there are any."""
        self.wanted = bool(on)
        self._refresh()

    @guarded
    def changeEvent(self, ev) -> None:  # noqa: N802
        super().changeEvent(ev)
        # the title follows the window's type size (font scale, presentation mode)
        if ev.type() == QEvent.Type.FontChange and self._built:
            self._title_font()

    @guarded
    def resizeEvent(self, ev) -> None:  # noqa: N802
        super().resizeEvent(ev)
        self.hold_height()

    def hold_height(self) -> None:
        """The wrapped text's height at this width, as the pane's smallest: the window's
        minimum (which decides the type a screen can hold) counted one line for it, and a
        long description then squeezed the canvas below its own minimum."""
        lay = self.layout()
        if lay is None or not self.isVisible():
            return
        need = lay.heightForWidth(self.width()) if lay.hasHeightForWidth() else -1
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)

    def follow_font(self) -> None:
        """The title bold and larger than the pane's type (after the window set the
        pane's and its labels' fonts: a style sheet stops them inheriting it)."""
        self._title_font()

    def _title_font(self) -> None:
        f = QFont(self.font())
        f.setBold(True)
        size = self.font().pointSizeF()
        if size > 0:
            f.setPointSizeF(size * 1.15)
        self.title_label.setFont(f)

    def _refresh(self) -> None:
        self.description_label.setVisible(
            bool(self.shown.description) and not self.fold_button.isChecked()
        )
        self.setMinimumHeight(0)  # held again for the new text at the next resize
        self.setVisible(self.wanted and self.has_notes and not self.suppressed)
        self.hold_height()

    def set_suppressed(self, on: bool) -> None:
        self.suppressed = bool(on)
        self._refresh()

    def _on_fold(self, folded: bool) -> None:
        self.fold_button.setText("▸" if folded else "▾")
        self._refresh()
