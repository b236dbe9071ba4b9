"""What the window tells the user about the engine and about itself: a note, a stopped
run, an engine error, a stray exception, in the banner over the canvas and the status
bar under the window."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QStatusBar

from .banner import Banner


class Messages(QObject):
    """A QObject with the window as its parent: the app-wide error reporter's connection
    to it (gui/safety.py) ends with the window."""

    def __init__(self, banner: Banner, status: QStatusBar, parent: QObject):
        super().__init__(parent)
        self.banner = banner
        self.status = status

    @Slot(str)
    def inform(self, msg: str) -> None:
        """A note from the engine (nothing to train on, …)."""
        self.banner.show_message(msg, "info")
        self.status.showMessage(msg, 10000)

    @Slot(str)
    def diverged(self, msg: str) -> None:
        # the banner, with its two ways on, follows the frames (gui/divergence.py)
        self.status.showMessage(msg, 15000)

    @Slot(str)
    def engine_error(self, msg: str) -> None:
        text = f"The engine stopped with an error; the session is kept. {msg}"
        self.banner.show_message(text, "error")
        self.status.showMessage(msg, 15000)

    @Slot(str)
    def stray_error(self, msg: str) -> None:
        """An exception caught in a slot or a Qt virtual (gui/safety.py)."""
        text = f"Something went wrong; the app keeps running and nothing was lost. {msg}"
        self.banner.show_message(text, "error")

    def show(self, text: str, ms: int) -> None:
        """A passing note in the status bar."""
        self.status.showMessage(text, ms)

    def drop(self, text: str) -> None:
        """The status bar's note ``text`` is over (another one stays)."""
        if self.status.currentMessage() == text:
            self.status.clearMessage()
