"""The control panels: data, network and training. Widgets only translate between the user
and immutable engine values (``Dataset``, ``NetworkSpec``, ``HyperParameters``); they hold
no maths and never touch the session (the main window forwards their values to the engine
thread).

Over 450 lines on purpose: three sibling panels built the same way (compact forms, quiet
updates, one signal each) read best side by side.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec
from backprop_lab.engine.datasets import PRESETS, make_preset
from backprop_lab.engine.features import (
    DEFAULT_FEATURES_1D,
    DEFAULT_FEATURES_2D,
    FEATURE_LABELS,
    FEATURES,
    available_features,
)
from backprop_lab.engine.notation import OPTIMIZER_LABELS, sup, superscript
from backprop_lab.engine.session import ACTIVATION_NAMES, MAX_HIDDEN_LAYERS, MAX_WIDTH
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

TASK_PRESETS = {  # what "Task" switches to: (label, default preset)
    "classification": ("Classification", "xor"),
    "regression1": ("Regression: curve y(x)", "sine_1d"),
    "regression2": ("Regression: surface", "surface_2d"),
}
ALPHA_MIN_LOG, ALPHA_MAX_LOG, ALPHA_TICKS_PER_DECADE = -5, 1, 10
SPEEDS = (1, 2, 5, 10, 20, 30, 50, 100, 200, 500, 1000, 2000, 5000, 0)  # 0 = as fast as it goes
# watchable: XOR takes a few seconds and every step is a point on the curves; "max" (the
# slider's right end) runs as fast as the machine goes
DEFAULT_SPEED = 50


def compact(layout) -> None:
    """Tighter spacing, so the three panels fit a 720-pixel-high screen."""
    layout.setContentsMargins(6, 4, 6, 4)
    layout.setSpacing(4)
    if isinstance(layout, QFormLayout):
        layout.setVerticalSpacing(3)


def task_key(ds: Dataset) -> str:
    if ds.task == "classification":
        return "classification"
    return "regression1" if ds.input_dim == 1 else "regression2"


def shapes_text(widths: tuple[int, ...]) -> str:
    """``W^(ℓ)`` is ``M_ℓ × M_(ℓ−1)``: e.g. (2, 4, 1) → 'W⁽¹⁾ 4×2, W⁽²⁾ 1×4'."""
    parts = []
    for layer in range(1, len(widths)):
        parts.append(f"W{sup(layer)} {widths[layer]}×{widths[layer - 1]}")
    return ", ".join(parts)


def output_width(task: str, n_classes: int) -> int:
    return n_classes if task == "classification" and n_classes > 2 else 1


def alpha_from_tick(tick: int) -> float:
    return 10.0 ** (ALPHA_MIN_LOG + tick / ALPHA_TICKS_PER_DECADE)


def tick_from_alpha(alpha: float) -> int:
    t = round((math.log10(alpha) - ALPHA_MIN_LOG) * ALPHA_TICKS_PER_DECADE)
    return max(0, min((ALPHA_MAX_LOG - ALPHA_MIN_LOG) * ALPHA_TICKS_PER_DECADE, t))


def speed_label(speed: float) -> str:
    return "max" if speed <= 0 else f"{speed:g}/s"


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


# --- data -----------------------------------------------------------------------------------
class DataPanel(QGroupBox):
    """Presets (with noise, test share, classes, regenerate), the task, CSV import."""

    datasetRequested = Signal(object)  # a new Dataset (the canvas history restarts)
    importCsvRequested = Signal()
    clearRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Data", parent)
        self._data_seed = 0
        form = QFormLayout(self)
        compact(form)
        self.task_combo = QComboBox()
        for key, (label, _) in TASK_PRESETS.items():
            self.task_combo.addItem(label, key)
        form.addRow("Task", self.task_combo)

        self.preset_combo = QComboBox()
        form.addRow("Preset", self.preset_combo)

        self.classes_spin = QSpinBox()
        self.classes_spin.setRange(2, 8)
        self.classes_spin.setValue(3)
        self.classes_spin.setToolTip("Classes (Gaussian blobs) or arms (spirals)")
        self.classes_spin.setKeyboardTracking(False)
        form.addRow("Classes", self.classes_spin)

        self.points_spin = QSpinBox()
        self.points_spin.setRange(10, 5000)
        self.points_spin.setSingleStep(50)
        self.points_spin.setValue(300)
        # typing "450" must not make three datasets (4, 45, 450): the value counts once
        # the user commits it (Enter, Tab, a click elsewhere, an arrow)
        self.points_spin.setKeyboardTracking(False)
        form.addRow("Points", self.points_spin)

        self.noise_slider, self.noise_label = self._slider(0, 50, 0, form, "Noise")
        self.test_slider, self.test_label = self._slider(0, 80, 20, form, "Test share")
        self.test_slider.setSingleStep(5)
        self.test_slider.setPageStep(10)

        row = QHBoxLayout()
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.setToolTip("Draw new points from the preset (new data seed)")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Remove every point, then draw your own")
        self.import_button = QPushButton("Import CSV…")
        for b in (self.regenerate_button, self.clear_button, self.import_button):
            row.addWidget(b)
        form.addRow(row)

        self._fill_presets("classification")
        self.task_combo.currentIndexChanged.connect(self._on_task)
        self.preset_combo.currentIndexChanged.connect(lambda _: self._emit(new_seed=False))
        self.classes_spin.valueChanged.connect(lambda _: self._emit(new_seed=False))
        self.points_spin.valueChanged.connect(lambda _: self._emit(new_seed=False))
        self.noise_slider.valueChanged.connect(self._on_noise)
        self.test_slider.valueChanged.connect(self._on_test)
        self.noise_slider.sliderReleased.connect(lambda: self._emit(new_seed=False))
        self.test_slider.sliderReleased.connect(lambda: self._emit(new_seed=False))
        self.regenerate_button.clicked.connect(lambda: self._emit(new_seed=True))
        self.import_button.clicked.connect(self.importCsvRequested)
        self.clear_button.clicked.connect(self.clearRequested)
        self._on_noise(self.noise_slider.value(), emit=False)
        self._on_test(self.test_slider.value(), emit=False)
        self._update_classes_enabled()
        # the request the data shown came from: a control whose value ends where it
        # started (focus in and out, a slider dragged back) asks for nothing
        self._shown_request: tuple | None = self._request(new_seed=False)
        for w in (self.task_combo, self.preset_combo, self.classes_spin, self.points_spin):
            w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _slider(self, lo, hi, value, form, label):
        s = QSlider(Qt.Orientation.Horizontal)
        s.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel alone never takes it
        s.setRange(lo, hi)
        s.setValue(value)
        text = QLabel()
        text.setMinimumWidth(text.fontMetrics().horizontalAdvance("100 %"))
        row = QHBoxLayout()
        row.addWidget(s, 1)
        row.addWidget(text)
        form.addRow(label, row)
        return s, text

    # --- state --------------------------------------------------------------------------
    @property
    def preset(self) -> str:
        return self.preset_combo.currentData()

    @property
    def noise(self) -> float:
        return self.noise_slider.value() / 100.0

    @property
    def test_fraction(self) -> float:
        return self.test_slider.value() / 100.0

    def set_preset(self, name: str, emit: bool = True) -> None:
        info = PRESETS[name]
        key = (
            "classification"
            if info.task == "classification"
            else ("regression1" if info.input_dim == 1 else "regression2")
        )
        self.task_combo.blockSignals(True)
        self.task_combo.setCurrentIndex(self.task_combo.findData(key))
        self.task_combo.blockSignals(False)
        self._fill_presets(key, select=name)
        if "n_points" in info.defaults:
            self.points_spin.blockSignals(True)
            self.points_spin.setValue(int(info.defaults["n_points"]))
            self.points_spin.blockSignals(False)
        if emit:
            self._emit(new_seed=False)
        else:
            self.mark_shown()  # the caller makes this dataset itself

    def show_dataset(self, ds: Dataset, source: str = "From the file") -> None:
        """Reflect a dataset that came from elsewhere (a lesson, a CSV) without generating
        one: the preset reads ``source`` (choosing a preset generates again), the counts
        are the data's."""
        key = task_key(ds)
        self.task_combo.blockSignals(True)
        self.task_combo.setCurrentIndex(self.task_combo.findData(key))
        self.task_combo.blockSignals(False)
        self._fill_presets(key)
        self.preset_combo.blockSignals(True)
        self.preset_combo.insertItem(0, source, None)
        self.preset_combo.setCurrentIndex(0)
        self.preset_combo.blockSignals(False)
        self._update_classes_enabled()
        for spin, value in ((self.points_spin, len(ds)), (self.classes_spin, ds.n_classes)):
            spin.blockSignals(True)
            spin.setValue(max(spin.minimum(), min(spin.maximum(), int(value))))
            spin.blockSignals(False)
        self._shown_request = self._request(new_seed=False)

    def mark_shown(self) -> None:
        """The data on the canvas is what the controls say (no request pending)."""
        self._shown_request = self._request(new_seed=False)

    def _request(self, new_seed: bool) -> tuple:
        return (
            self.preset,
            self.points_spin.value(),
            self.noise_slider.value(),
            self.test_slider.value(),
            self.classes_spin.value() if self.classes_spin.isEnabled() else None,
            self._data_seed + (1 if new_seed else 0),
        )

    def make_dataset(self, new_seed: bool = False) -> Dataset:
        if new_seed:
            self._data_seed += 1
        name = self.preset
        info = PRESETS[name]
        kw = {
            "n_points": self.points_spin.value(),
            "noise": self.noise,
            "test_fraction": self.test_fraction,
            "seed": self._data_seed,
        }
        if "n_classes" in info.defaults:
            kw["n_classes"] = self.classes_spin.value()
        if "n_arms" in info.defaults:
            kw["n_arms"] = self.classes_spin.value()
        return make_preset(name, **kw)

    # --- internals ----------------------------------------------------------------------
    def _fill_presets(self, key: str, select: str | None = None) -> None:
        want = "classification" if key == "classification" else "regression"
        dim = 1 if key == "regression1" else 2
        self.preset_combo.blockSignals(True)
        self.preset_combo.clear()
        for name, info in PRESETS.items():
            if info.task == want and info.input_dim == dim:
                self.preset_combo.addItem(info.title, name)
        if select is not None:
            i = self.preset_combo.findData(select)
            if i >= 0:
                self.preset_combo.setCurrentIndex(i)
        self.preset_combo.blockSignals(False)
        self._update_classes_enabled()

    def _update_classes_enabled(self) -> None:
        name = self.preset
        info = PRESETS.get(name) if name else None
        ok = info is not None and ("n_classes" in info.defaults or "n_arms" in info.defaults)
        spin = self.classes_spin
        spin.blockSignals(True)
        if ok and not spin.isEnabled():
            spin.setValue(getattr(self, "_classes_choice", 3))  # the user's count again
        elif not ok and spin.isEnabled():
            self._classes_choice = spin.value()
            spin.setValue(2)  # XOR, circles, moons have two classes (shown, not editable)
        spin.blockSignals(False)
        spin.setEnabled(bool(ok))

    def _on_task(self, _index: int) -> None:
        key = self.task_combo.currentData()
        self._fill_presets(key, select=TASK_PRESETS[key][1])
        self._emit(new_seed=False)

    def _on_noise(self, v: int, emit: bool = True) -> None:
        self.noise_label.setText(f"{v} %")
        if emit and not self.noise_slider.isSliderDown():
            self._emit(new_seed=False)

    def _on_test(self, v: int, emit: bool = True) -> None:
        self.test_label.setText(f"{v} %")
        if emit and not self.test_slider.isSliderDown():
            self._emit(new_seed=False)

    def _emit(self, new_seed: bool) -> None:
        self._update_classes_enabled()
        if self.preset is None:
            return
        request = self._request(new_seed)
        if not new_seed and request == self._shown_request:
            return  # nothing really changed: the user's points stay
        ds = self.make_dataset(new_seed)
        self._shown_request = request
        self.datasetRequested.emit(ds)


# --- network --------------------------------------------------------------------------------
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
        self._sent = self.spec()
        if emit:
            self.specChanged.emit(self._sent)

    def set_data_shape(self, input_dim: int, task: str, n_classes: int) -> bool:
        """Enable the features this input allows; returns True when the spec changed."""
        allowed = set(available_features(input_dim))
        changed = False
        self._quiet = True
        try:
            if input_dim != self._input_dim:
                defaults = DEFAULT_FEATURES_1D if input_dim == 1 else DEFAULT_FEATURES_2D
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
            self._changed()

    def remove_layer(self) -> None:
        if self.width_spins:
            self._pop_spin()
            self._layer_activations.pop()
            self._changed()

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
        s.valueChanged.connect(lambda _v: self._changed())
        self.width_spins.append(s)
        self.widths_grid.addWidget(s, i // 4, i % 4)

    def _pop_spin(self) -> None:
        s = self.width_spins.pop()
        self.widths_grid.removeWidget(s)
        s.setParent(None)
        s.deleteLater()

    def _on_activation(self) -> None:
        """The activation chosen here applies to every hidden layer."""
        if self._quiet:
            return
        self._layer_activations = [self.activation_combo.currentData()] * len(self.width_spins)
        self._changed()

    def _on_feature(self, checked: bool) -> None:
        if self._quiet:
            return
        if not any(b.isChecked() and b.isEnabled() for b in self.feature_boxes.values()):
            box = self.sender()
            box.blockSignals(True)
            box.setChecked(True)  # at least one input feature
            box.blockSignals(False)
            return
        self._changed()

    def _refresh(self) -> None:
        n = len(self.width_spins)
        self.count_label.setText(f"{n}")
        self.add_button.setEnabled(n < MAX_HIDDEN_LAYERS)
        self.remove_button.setEnabled(n > 0)
        widths = self.widths()
        arrow = " → ".join(str(w) for w in widths)
        self.shapes_label.setText(f"{arrow}\n{shapes_text(widths)}")

    def _changed(self) -> None:
        if self._quiet:
            return
        self._refresh()
        spec = self.spec()
        if spec == self._sent:
            return  # e.g. a width typed back to what it was: the run is not reset
        self._sent = spec
        self.specChanged.emit(spec)


# --- training -------------------------------------------------------------------------------
class TrainingPanel(QGroupBox):
    """α (log scale), B, λ, optimizer, seed; play/pause, steps, reset; speed."""

    hyperChanged = Signal(object)  # HyperParameters
    seedChanged = Signal(int)
    playToggled = Signal(bool)
    stepRequested = Signal(int)
    epochRequested = Signal()
    resetRequested = Signal()
    speedChanged = Signal(float)

    def __init__(
        self, hyper: HyperParameters | None = None, seed: int = 0, parent: QWidget | None = None
    ):
        super().__init__("Training", parent)
        hyper = hyper or HyperParameters()
        self._n_train = 0
        self._quiet = False
        lay = QVBoxLayout(self)
        compact(lay)
        form = QFormLayout()
        compact(form)
        lay.addLayout(form)

        self.alpha_slider = QSlider(Qt.Orientation.Horizontal)
        self.alpha_slider.setRange(0, (ALPHA_MAX_LOG - ALPHA_MIN_LOG) * ALPHA_TICKS_PER_DECADE)
        self.alpha_slider.setPageStep(ALPHA_TICKS_PER_DECADE)
        self.alpha_slider.setToolTip("Learning rate α, log scale 1e-5 … 10")
        self.alpha_label = QLabel()
        self.alpha_label.setMinimumWidth(self.alpha_label.fontMetrics().horizontalAdvance("0.0003"))
        row = QHBoxLayout()
        row.addWidget(self.alpha_slider, 1)
        row.addWidget(self.alpha_label)
        form.addRow("α", row)

        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(1, 4096)
        self.batch_spin.setKeyboardTracking(False)
        self.effective_label = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.batch_spin)
        row.addWidget(self.effective_label, 1)
        form.addRow("B", row)

        self.lam_spin = QDoubleSpinBox()
        self.lam_spin.setDecimals(4)
        self.lam_spin.setRange(0.0, 10.0)
        self.lam_spin.setSingleStep(0.001)
        self.lam_spin.setKeyboardTracking(False)
        self.lam_spin.setToolTip("Weight decay λ (the penalty λ Σ W²)")
        form.addRow("λ", self.lam_spin)

        self.optimizer_combo = QComboBox()
        for k, label in OPTIMIZER_LABELS.items():
            self.optimizer_combo.addItem(label, k)
        form.addRow("Optimizer", self.optimizer_combo)

        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("Seed of the initial weights and the batches")
        self.seed_spin.setKeyboardTracking(False)
        self._seed = seed  # the seed the engine has: leaving the box unchanged is no change
        form.addRow("Seed", self.seed_spin)

        buttons = QGridLayout()
        self.play_button = QPushButton("▶ Play")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Play / pause (Space)")
        self.step_button = QPushButton("Step 1")
        self.step_button.setToolTip("One step (→ or PageDown)")
        self.step10_button = QPushButton("Step 10")
        self.step10_button.setToolTip("Ten steps (Shift+→)")
        self.epoch_button = QPushButton("1 epoch")
        self.epoch_button.setToolTip("⌈N_train / B⌉ steps")
        self.reset_button = QPushButton("Reset θ")
        self.reset_button.setToolTip("Draw new initial parameters from the seed (R)")
        for b in (self.step_button, self.step10_button, self.epoch_button, self.reset_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.play_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        buttons.addWidget(self.play_button, 0, 0, 1, 2)
        buttons.addWidget(self.reset_button, 0, 2, 1, 2)
        buttons.addWidget(self.step_button, 1, 0, 1, 1)
        buttons.addWidget(self.step10_button, 1, 1, 1, 2)
        buttons.addWidget(self.epoch_button, 1, 3, 1, 1)
        lay.addLayout(buttons)

        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setValue(SPEEDS.index(DEFAULT_SPEED))
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(self.speed_label.fontMetrics().horizontalAdvance("5000/s"))
        row = QHBoxLayout()
        row.addWidget(QLabel("Speed"))
        row.addWidget(self.speed_slider, 1)
        row.addWidget(self.speed_label)
        lay.addLayout(row)

        self.set_hyper(hyper)
        self.seed_spin.setValue(seed)
        self._on_speed(self.speed_slider.value(), emit=False)

        self.alpha_slider.valueChanged.connect(self._on_alpha)
        self.batch_spin.valueChanged.connect(lambda _: self._changed())
        self.lam_spin.valueChanged.connect(lambda _: self._changed())
        self.optimizer_combo.currentIndexChanged.connect(lambda _: self._changed())
        self.seed_spin.valueChanged.connect(self._on_seed)
        for w in (
            self.alpha_slider,
            self.batch_spin,
            self.lam_spin,
            self.optimizer_combo,
            self.seed_spin,
            self.speed_slider,
        ):
            w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel alone never takes it
        self.play_button.toggled.connect(self._on_play)
        self.step_button.clicked.connect(lambda: self.stepRequested.emit(1))
        self.step10_button.clicked.connect(lambda: self.stepRequested.emit(10))
        self.epoch_button.clicked.connect(self.epochRequested)
        self.reset_button.clicked.connect(self.resetRequested)
        self.speed_slider.valueChanged.connect(self._on_speed)

    # --- state --------------------------------------------------------------------------
    @property
    def alpha(self) -> float:
        # a lesson's α (e.g. 0.5) may fall between two slider ticks: keep it exactly
        # until the user moves the slider to another tick
        exact = getattr(self, "_alpha_exact", None)
        if exact is not None and tick_from_alpha(exact) == self.alpha_slider.value():
            return exact
        return float(f"{alpha_from_tick(self.alpha_slider.value()):.3g}")

    @property
    def speed(self) -> float:
        return float(SPEEDS[self.speed_slider.value()])

    def hyper(self) -> HyperParameters:
        return HyperParameters(
            alpha=self.alpha,
            batch_size=self.batch_spin.value(),
            lam=self.lam_spin.value(),
            optimizer=self.optimizer_combo.currentData(),
            # no widget for it: a lesson's batching survives the edits made here
            batching=getattr(self, "_batching", "random"),
        )

    def set_hyper(self, hyper: HyperParameters) -> None:
        self._quiet = True
        self._batching = hyper.batching
        try:
            self._alpha_exact = hyper.alpha
            self.alpha_slider.setValue(tick_from_alpha(hyper.alpha))
            self.batch_spin.setValue(hyper.batch_size)
            self.lam_spin.setValue(hyper.lam)
            self.optimizer_combo.setCurrentIndex(self.optimizer_combo.findData(hyper.optimizer))
        finally:
            self._quiet = False
        self._sent = self.hyper()
        self.alpha_label.setText(f"{self.alpha:g}")
        self._update_effective()

    @property
    def seed(self) -> int:
        """The seed the engine was last given (the box may show one not yet applied)."""
        return self._seed

    def set_seed(self, seed: int) -> None:
        """Show the engine's seed (no signal)."""
        self._seed = int(seed)
        self.seed_spin.blockSignals(True)
        self.seed_spin.setValue(int(seed))
        self.seed_spin.blockSignals(False)

    def set_n_train(self, n_train: int) -> None:
        self._n_train = int(n_train)
        self._update_effective()

    def set_playing(self, playing: bool) -> None:
        """Reflect the engine's state without asking it again."""
        self.play_button.blockSignals(True)
        self.play_button.setChecked(playing)
        self.play_button.blockSignals(False)
        self.play_button.setText("❚❚ Pause" if playing else "▶ Play")

    # --- internals ----------------------------------------------------------------------
    def _update_effective(self) -> None:
        b = self.batch_spin.value()
        if self._n_train == 0:
            self.effective_label.setText("no training points")
        elif b > self._n_train:
            self.effective_label.setText(f"effective B = {self._n_train} (all)")
        else:
            self.effective_label.setText(f"of {self._n_train} train")

    def _on_alpha(self, _tick: int) -> None:
        self.alpha_label.setText(f"{self.alpha:g}")
        self._changed()

    def _on_speed(self, index: int, emit: bool = True) -> None:
        self.speed_label.setText(speed_label(SPEEDS[index]))
        if emit:
            self.speedChanged.emit(self.speed)

    def _on_seed(self, value: int) -> None:
        if value != self._seed:
            self.seedChanged.emit(value)

    def _on_play(self, checked: bool) -> None:
        self.play_button.setText("❚❚ Pause" if checked else "▶ Play")
        self.playToggled.emit(checked)

    def _changed(self) -> None:
        self._update_effective()
        if self._quiet:
            return
        hyper = self.hyper()
        if hyper != self._sent:
            self._sent = hyper
            self.hyperChanged.emit(hyper)
