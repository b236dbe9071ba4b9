"""The canvas's tool bar: the drawer button (presentation mode), the tools (draw, erase,
pan, pick), the class or value of new points, "as test" and "crisp".

It only says what the user chose (its signals); the canvas area (gui/canvas_views.py)
passes that on to the canvas, the window to the drawer and the presenter.
"""

from __future__ import annotations

from backprop_lab.engine import Dataset
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
)

from .colors import CLASS_HEX
from .legend import class_icon, picker_text
from .window_layout import WrapBar

TOOLS = (
    ("draw", "Draw", "Click or drag to add points; right-click erases"),
    ("erase", "Erase", "Click or drag to remove points"),
    ("pan", "Pan", "Drag to move, wheel to zoom"),
    ("pick", "Pick", "Click a point to trace it in the backprop inspector"),
)


class CanvasToolBar(WrapBar):
    """Two groups (the drawer button and the tools; what new points are): on one line
    when the canvas column is wide enough, else the tools over the rest."""

    toolChosen = Signal(str)  # a tool button was clicked
    classChosen = Signal(int)  # the class of new points (0-based)
    drawerToggled = Signal(bool)  # the "☰ Controls" button

    def __init__(self):
        super().__init__()
        bar = QHBoxLayout()
        self.drawer_button = QToolButton()
        self.drawer_button.setText("☰ Controls")
        self.drawer_button.setCheckable(True)
        self.drawer_button.setToolTip("Show or hide the control panels (F6)")
        self.drawer_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.drawer_button.hide()  # shown in presentation mode, where the panels fold away
        bar.addWidget(self.drawer_button)
        # tool buttons, not push buttons: a push button is never narrower than ~80 px, and
        # the bar must fit a 1024-pixel screen beside the panels and the plots
        self.tool_buttons: dict[str, QToolButton] = {}
        for name, label, tip in TOOLS:
            b = QToolButton()
            b.setText(label)
            b.setCheckable(True)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.tool_buttons[name] = b
            bar.addWidget(b)
        bar.addStretch(1)
        self.tool_buttons["draw"].setChecked(True)
        self.class_label = QLabel("Class")
        self.class_label.setToolTip("The class of new points (keys 1–8 on the canvas)")
        self.class_combo = QComboBox()
        for k in range(len(CLASS_HEX)):
            self.class_combo.addItem(class_icon(CLASS_HEX[k]), f"{k + 1}", k)
        self.value_label = QLabel("Value")
        self.value_spin = QDoubleSpinBox()
        self.value_spin.setRange(-10.0, 10.0)
        self.value_spin.setSingleStep(0.1)
        self.value_spin.setValue(1.0)
        self.value_spin.setToolTip("Target of new points (2-D regression)")
        self.test_box = QCheckBox("as test")
        self.test_box.setToolTip("New points are test points (not trained on)")
        self.crisp_box = QCheckBox("crisp")
        self.crisp_box.setToolTip("Draw the decision boundary as a sharp line")
        second = QHBoxLayout()
        for w in (self.class_label, self.class_combo, self.value_label, self.value_spin):
            second.addWidget(w)
        second.addStretch(1)
        second.addWidget(self.test_box)
        second.addWidget(self.crisp_box)
        self.add_group(bar)
        self.add_group(second)
        self.drawer_button.clicked.connect(self.drawerToggled)
        for name, b in self.tool_buttons.items():
            b.clicked.connect(lambda _c=False, n=name: self.toolChosen.emit(n))
        self.class_combo.currentIndexChanged.connect(
            lambda i: self.classChosen.emit(self.class_combo.itemData(i))
        )

    def show_tool(self, name: str) -> None:
        for n, b in self.tool_buttons.items():
            b.setChecked(n == name)

    def show_class(self, k: int) -> None:
        """The class of new points as the canvas has it (no signal)."""
        self.class_combo.blockSignals(True)
        self.class_combo.setCurrentIndex(k)
        self.class_combo.blockSignals(False)

    def show_task(self, ds: Dataset) -> None:
        """The class picker for classification (with the classes' names, if they have
        some), the value for a 2-D regression, "crisp" for a boundary."""
        classification = ds.task == "classification"
        surface = ds.task == "regression" and ds.input_dim == 2
        for w in (self.class_label, self.class_combo):
            w.setVisible(classification)
        for w in (self.value_label, self.value_spin):
            w.setVisible(surface)
        self.crisp_box.setVisible(classification)
        for k in range(self.class_combo.count()):
            self.class_combo.setItemText(k, picker_text(k, ds.class_names))
