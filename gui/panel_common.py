"""What the three control panels (gui/data_panel.py, gui/network_panel.py,
gui/training_panel.py) and the main window share: compact forms and the reset question."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QMessageBox, QWidget


def compact(layout) -> None:
    """Tighter spacing, so the three panels (a network of up to four hidden layers) fit a
    720-pixel-high screen without scrolling."""
    layout.setContentsMargins(6, 2, 6, 2)
    layout.setSpacing(3)
    if isinstance(layout, QFormLayout):
        layout.setVerticalSpacing(2)


def ask_before_reset(
    parent: QWidget, text: str, on_yes: Callable[[], None], on_no: Callable[[], None]
) -> QMessageBox:
    """Ask (window-modal, without blocking the event loop) whether to start the run again;
    ``on_yes`` or ``on_no`` runs once with the answer (closing the box counts as no)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Start the run again?",
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setInformativeText("Yes resets the run; No keeps it and the seed it has.")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText("Reset the run")
    box.button(QMessageBox.StandardButton.No).setText("Keep the run")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered(result: int) -> None:
        yes = int(result) == QMessageBox.StandardButton.Yes.value
        (on_yes if yes else on_no)()

    box.finished.connect(answered)
    box.open()
    return box
