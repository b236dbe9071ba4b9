"""What the three control panels (gui/data_panel.py, gui/network_panel.py,
gui/training_panel.py) share: compact forms."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout

# a line edit with this property set holds a number: the window's key handling
# (gui/keys.py) lets letters but the E of 5e-2 reach the app's shortcuts while it is edited
NUMBER_FIELD = "numberField"


def compact(layout) -> None:
    """Tighter spacing, so the three panels (a network of up to four hidden layers) fit a
    720-pixel-high screen without scrolling."""
    layout.setContentsMargins(6, 2, 6, 2)
    layout.setSpacing(3)
    if isinstance(layout, QFormLayout):
        layout.setVerticalSpacing(2)
