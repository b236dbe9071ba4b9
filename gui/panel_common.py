"""What the three control panels (gui/data_panel.py, gui/network_panel.py,
gui/training_panel.py) share: compact forms."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout


def compact(layout) -> None:
    """Tighter spacing, so the three panels fit a 720-pixel-high screen."""
    layout.setContentsMargins(6, 4, 6, 4)
    layout.setSpacing(4)
    if isinstance(layout, QFormLayout):
        layout.setVerticalSpacing(3)
