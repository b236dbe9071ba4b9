"""A visible, dismissable message above the canvas (divergence, errors, notices)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

BANNER_STYLES = {
    "info": "background:#E8F1FA; color:#0B3050; border:1px solid #0072B2;",
    "warning": "background:#FFF1DA; color:#5A3300; border:2px solid #E69F00;",
    "error": "background:#FBE3DA; color:#5A1800; border:2px solid #D55E00;",
}


class Banner(QFrame):
    """One message at a time; ``kind`` (info, warning, error) picks its colours."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # messages quote files: never HTML
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        # up to two actions ("Use 16-16 tanh"; "Roll back and lower α", "Continue anyway"):
        # clicking one runs it and hides the banner
        self.action_button = QPushButton()
        self.second_button = QPushButton()
        self._actions: list[Callable[[], None] | None] = [None, None]
        lay.addWidget(self.label, 1)
        for i, b in enumerate((self.action_button, self.second_button)):
            b.hide()
            b.clicked.connect(lambda _=False, i=i: self._run_action(i))
            lay.addWidget(b)
        lay.addWidget(close)
        self.kind = ""
        self.hide()

    def show_message(
        self,
        text: str,
        kind: str = "info",
        action: tuple[str, Callable[[], None]] | None = None,
        actions: tuple[tuple[str, Callable[[], None]], ...] = (),
    ) -> None:
        self.kind = kind
        self.setStyleSheet(f"Banner {{{BANNER_STYLES[kind]} border-radius:4px;}}")
        self.label.setText(text)
        offered = ((action,) if action else ()) + tuple(actions)
        for i, b in enumerate((self.action_button, self.second_button)):
            label, fn = offered[i] if i < len(offered) else ("", None)
            self._actions[i] = fn
            b.setText(label)
            b.setToolTip("")
            b.setVisible(fn is not None)
        self.show()

    def _run_action(self, i: int) -> None:
        fn = self._actions[i]
        self._actions = [None, None]
        self.hide()
        if fn is not None:
            fn()

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
