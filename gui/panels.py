"""The control panels: data, network and training, one module each (gui/data_panel.py,
gui/network_panel.py, gui/training_panel.py), re-exported here. Widgets only translate
between the user and immutable engine values (``Dataset``, ``NetworkSpec``,
``HyperParameters``); they hold no maths and never touch the session (the main window
forwards their values to the engine thread).
"""

from __future__ import annotations

from .data_panel import TASK_PRESETS, DataPanel, task_key
from .network_panel import NetworkPanel, output_width, shapes_text
from .panel_common import compact
from .training_panel import (
    DEFAULT_SPEED,
    SPEEDS,
    TrainingPanel,
    alpha_from_tick,
    speed_label,
    tick_from_alpha,
)

__all__ = [
    "DEFAULT_SPEED",
    "SPEEDS",
    "TASK_PRESETS",
    "DataPanel",
    "NetworkPanel",
    "TrainingPanel",
    "alpha_from_tick",
    "compact",
    "output_width",
    "shapes_text",
    "speed_label",
    "task_key",
    "tick_from_alpha",
]
