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
        # an optional action ("Use 16-16 tanh"): clicking it runs it and hides the banner
        self.action_button = QPushButton()
        self.action_button.hide()
        self.action_button.clicked.connect(self._run_action)
        self._action: Callable[[], None] | None = None
        lay.addWidget(self.label, 1)
        lay.addWidget(self.action_button)
        lay.addWidget(close)
        self.kind = ""
        self.hide()

    def show_message(
        self,
        text: str,
        kind: str = "info",
        action: tuple[str, Callable[[], None]] | None = None,
    ) -> None:
        self.kind = kind
        self.setStyleSheet(f"Banner {{{BANNER_STYLES[kind]} border-radius:4px;}}")
        self.label.setText(text)
        self._action = action[1] if action else None
        self.action_button.setText(action[0] if action else "")
        self.action_button.setVisible(action is not None)
        self.show()

    def _run_action(self) -> None:
        fn, self._action = self._action, None
        self.hide()
        if fn is not None:
            fn()

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
