"""The training panel: α (log scale), B, λ, optimizer, seed; play/pause, steps, reset;
speed. It only translates between the user and immutable ``HyperParameters``; the main
window forwards them to the engine thread."""

from __future__ import annotations

import math

from backprop_lab.engine import HyperParameters
from backprop_lab.engine.optim import OPTIMIZER_LABELS
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .panel_common import compact

ALPHA_MIN_LOG, ALPHA_MAX_LOG, ALPHA_TICKS_PER_DECADE = -5, 1, 10
SPEEDS = (1, 2, 5, 10, 20, 30, 50, 100, 200, 500, 1000, 2000, 5000, 0)  # 0 = as fast as it goes
# watchable: XOR takes a few seconds and every step is a point on the curves; "max" (the
# slider's right end) runs as fast as the machine goes
DEFAULT_SPEED = 50


def alpha_from_tick(tick: int) -> float:
    return 10.0 ** (ALPHA_MIN_LOG + tick / ALPHA_TICKS_PER_DECADE)


def tick_from_alpha(alpha: float) -> int:
    t = round((math.log10(alpha) - ALPHA_MIN_LOG) * ALPHA_TICKS_PER_DECADE)
    return max(0, min((ALPHA_MAX_LOG - ALPHA_MIN_LOG) * ALPHA_TICKS_PER_DECADE, t))


def speed_label(speed: float) -> str:
    return "max" if speed <= 0 else f"{speed:g}/s"


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
        # Play, the steps and Speed in one part the window may pin below the scrolling
        # panels, so that they stay in reach however long the panels get
        self.transport = QWidget()
        self.transport.setObjectName("transport")
        transport = QVBoxLayout(self.transport)
        compact(transport)
        transport.addLayout(buttons)

        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setValue(SPEEDS.index(DEFAULT_SPEED))
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(self.speed_label.fontMetrics().horizontalAdvance("5000/s"))
        row = QHBoxLayout()
        row.addWidget(QLabel("Speed"))
        row.addWidget(self.speed_slider, 1)
        row.addWidget(self.speed_label)
        transport.addLayout(row)
        lay.addWidget(self.transport)

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
