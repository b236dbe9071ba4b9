"""The network panel: hidden layers (0..8, each 1..64 units), the activation, the input
features, and the resulting shapes of W^(ℓ). It only translates between the user and
immutable ``NetworkSpec`` values; the main window forwards them to the engine thread."""

from __future__ import annotations

from backprop_lab.engine import NetworkSpec
from backprop_lab.engine.design import output_width
from backprop_lab.engine.features import (
    FEATURE_LABELS,
    FEATURES,
    available_features,
    default_features,
)
from backprop_lab.engine.notation import sup, superscript
from backprop_lab.engine.session import ACTIVATION_NAMES, MAX_HIDDEN_LAYERS, MAX_WIDTH
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .panel_common import compact


def shapes_text(widths: tuple[int, ...]) -> str:
    """``W^(ℓ)`` is ``M_ℓ × M_(ℓ−1)``: e.g. (2, 4, 1) → 'W⁽¹⁾ 4×2, W⁽²⁾ 1×4'."""
    parts = []
    for layer in range(1, len(widths)):
        parts.append(f"W{sup(layer)} {widths[layer]}×{widths[layer - 1]}")
    return ", ".join(parts)


class NetworkPanel(QGroupBox):
    """Hidden layers (0..8, each 1..64 units), the activation, the input features, and the
    resulting shapes of W^(ℓ)."""

    specChanged = Signal(object)  # NetworkSpec

    def __init__(self, spec: NetworkSpec | None = None, parent: QWidget | None = None):
        super().__init__("Network", parent)
        spec = spec or NetworkSpec()
        self._input_dim = 2
        self._out = 1
        self._quiet = False
        # what the panel has no widget for is kept from the last spec shown, so an edit
        # here does not flatten a lesson's per-layer activations or its initialisation
        self._layer_activations: list[str] = list(spec.activations)
        self._init = spec.init
        self._sent: NetworkSpec | None = None  # the spec last sent or shown
        self.last_change = "network"  # what the last spec sent changed (an undo step's name)
        self.previous_spec: NetworkSpec | None = None  # the spec before the last one sent
        lay = QVBoxLayout(self)
        compact(lay)

        top = QHBoxLayout()
        top.addWidget(QLabel("Hidden layers"))
        self.remove_button = QPushButton("−")
        self.remove_button.setToolTip("Remove the last hidden layer")
        self.add_button = QPushButton("+")
        self.add_button.setToolTip("Add a hidden layer")
        for b in (self.remove_button, self.add_button):
            b.setFixedWidth(b.fontMetrics().horizontalAdvance("+") * 4 + 12)
        self.count_label = QLabel()
        top.addWidget(self.remove_button)
        top.addWidget(self.count_label)
        top.addWidget(self.add_button)
        top.addStretch(1)
        lay.addLayout(top)

        self.widths_grid = QGridLayout()
        self.widths_grid.setHorizontalSpacing(4)
        lay.addLayout(self.widths_grid)
        self.width_spins: list[QSpinBox] = []

        form = QFormLayout()
        self.activation_combo = QComboBox()
        for a in ACTIVATION_NAMES:
            self.activation_combo.addItem(a, a)
        self.activation_combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        form.addRow("Activation", self.activation_combo)
        lay.addLayout(form)

        lay.addWidget(QLabel("Input features h⁽⁰⁾"))
        grid = QGridLayout()
        self.feature_boxes: dict[str, QCheckBox] = {}
        for i, name in enumerate(FEATURES):
            box = QCheckBox(FEATURE_LABELS[name])
            self.feature_boxes[name] = box
            grid.addWidget(box, i // 4, i % 4)
            box.toggled.connect(self._on_feature)
        lay.addLayout(grid)

        self.shapes_label = QLabel()
        self.shapes_label.setWordWrap(True)
        self.shapes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.shapes_label)

        self.add_button.clicked.connect(self.add_layer)
        self.remove_button.clicked.connect(self.remove_layer)
        self.activation_combo.currentIndexChanged.connect(lambda _: self._on_activation())
        self.set_spec(spec, emit=False)

    # --- state --------------------------------------------------------------------------
    def spec(self) -> NetworkSpec:
        feats = tuple(n for n, b in self.feature_boxes.items() if b.isChecked() and b.isEnabled())
        act = self.activation_combo.currentData()
        hidden = tuple(s.value() for s in self.width_spins)
        acts = tuple(self._layer_activations)
        return NetworkSpec(
            hidden=hidden,
            activations=acts if len(acts) == len(hidden) else (),  # () = all ``activation``
            activation=act,
            features=feats,
            init=self._init,
        )

    def widths(self) -> tuple[int, ...]:
        s = self.spec()
        return (len(s.features), *s.hidden, self._out)

    def set_spec(self, spec: NetworkSpec, emit: bool = True) -> None:
        self._quiet = True
        try:
            while len(self.width_spins) > len(spec.hidden):
                self._pop_spin()
            while len(self.width_spins) < len(spec.hidden):
                self._push_spin(4)
            for s, w in zip(self.width_spins, spec.hidden):
                s.setValue(w)
            i = self.activation_combo.findData(spec.activation)
            self.activation_combo.setCurrentIndex(max(0, i))
            for name, box in self.feature_boxes.items():
                box.setChecked(name in spec.features)
            self._layer_activations = list(spec.activations)
            self._init = spec.init
        finally:
            self._quiet = False
        self._refresh()
        before, self._sent = self._sent, self.spec()
        if emit:
            self.last_change = "network"
            self.previous_spec = before
            self.specChanged.emit(self._sent)

    def set_data_shape(self, input_dim: int, task: str, n_classes: int) -> bool:
        """Enable the features this input allows; returns True when the spec changed."""
        allowed = set(available_features(input_dim))
        changed = False
        self._quiet = True
        try:
            if input_dim != self._input_dim:
                defaults = default_features(input_dim)
                for name, box in self.feature_boxes.items():
                    box.setChecked(name in defaults)
                changed = True
            for name, box in self.feature_boxes.items():
                box.setEnabled(name in allowed)
        finally:
            self._quiet = False
        self._input_dim = input_dim
        self._out = output_width(task, n_classes)
        self._refresh()
        if changed:
            self._sent = self.spec()  # the caller sends it: later edits compare with it
        return changed

    def add_layer(self) -> None:
        if len(self.width_spins) < MAX_HIDDEN_LAYERS:
            self._push_spin(self.width_spins[-1].value() if self.width_spins else 4)
            self._layer_activations.append(self.activation_combo.currentData())
            self._changed("add layer")

    def remove_layer(self) -> None:
        if self.width_spins:
            self._pop_spin()
            self._layer_activations.pop()
            self._changed("remove layer")

    # --- internals ----------------------------------------------------------------------
    def _push_spin(self, value: int) -> None:
        i = len(self.width_spins)
        s = QSpinBox()
        s.setRange(1, MAX_WIDTH)
        s.setValue(value)
        s.setToolTip(f"M{superscript(i + 1)}: units in hidden layer {i + 1}")
        s.setAccelerated(True)
        # the network is rebuilt once per committed value, not per digit typed
        s.setKeyboardTracking(False)
        s.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        s.valueChanged.connect(lambda _v: self._changed("layer width"))
        self.width_spins.append(s)
        self.widths_grid.addWidget(s, i // 4, i % 4)

    def _pop_spin(self) -> None:
        s = self.width_spins.pop()
        self.widths_grid.removeWidget(s)
        # hidden, and left in the panel until deleted: a spin box added to the shown panel
        # has a show queued (Qt shows a new child at the next turn of the event loop); made
        # parentless before it ran, it appeared as a window of its own and took the
        # activation from the main window (an undo right after a deeper lesson opened)
        s.hide()
        s.deleteLater()

    def _on_activation(self) -> None:
        """The activation chosen here applies to every hidden layer."""
        if self._quiet:
            return
        self._layer_activations = [self.activation_combo.currentData()] * len(self.width_spins)
        self._changed("activation")

    def _on_feature(self, checked: bool) -> None:
        if self._quiet:
            return
        if not any(b.isChecked() and b.isEnabled() for b in self.feature_boxes.values()):
            box = self.sender()
            box.blockSignals(True)
            box.setChecked(True)  # at least one input feature
            box.blockSignals(False)
            return
        self._changed("input features")

    def _refresh(self) -> None:
        n = len(self.width_spins)
        self.count_label.setText(f"{n}")
        self.add_button.setEnabled(n < MAX_HIDDEN_LAYERS)
        self.remove_button.setEnabled(n > 0)
        widths = self.widths()
        arrow = " → ".join(str(w) for w in widths)
        self.shapes_label.setText(f"{arrow}\n{shapes_text(widths)}")

    def _changed(self, what: str = "network") -> None:
        if self._quiet:
            return
        self._refresh()
        spec = self.spec()
        if spec == self._sent:
            return  # e.g. a width typed back to what it was: the run is not reset
        self.previous_spec, self._sent = self._sent, spec
        self.last_change = what
        self.specChanged.emit(spec)
