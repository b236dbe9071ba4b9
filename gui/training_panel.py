"""The training panel: α (a log-scale slider and a box to type it), B, λ, optimizer, seed;
play/pause, steps, reset; speed. It only translates between the user and immutable
``HyperParameters``; the main window forwards them to the engine thread.

α's slider stops at round values only (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of
ten: ten stops a decade, one per wheel notch or arrow key), with tick marks at 1, 2 and 5;
a lesson's or a typed α between two stops is kept exactly, the slider resting on the
nearest stop. The box beside it takes ``0.05``, ``5e-2`` or ``0,05``.
"""

from __future__ import annotations

import math

from backprop_lab.engine import HyperParameters
from backprop_lab.engine.design import effective_batch_size
from backprop_lab.engine.optim import OPTIMIZER_LABELS
from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QStyle,
    QStyleOptionSlider,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from .panel_common import NUMBER_FIELD, compact
from .safety import guarded

ALPHA_MIN_LOG, ALPHA_MAX_LOG, ALPHA_TICKS_PER_DECADE = -5, 1, 10
# the slider's stops in a decade: round numbers, each about a tenth of a decade apart
ALPHA_MANTISSAS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)
ALPHA_MARKS = (1, 2, 5)  # tick marks (1 the longest)
ALPHA_TYPED_MAX = 1000.0  # what a lesson file allows; the slider stops at 10
BAD_TEXT = "#B00020"  # a refused α, until the box is edited again
SPEEDS = (1, 2, 5, 10, 20, 30, 50, 100, 200, 500, 1000, 2000, 5000, 0)  # 0 = as fast as it goes
# watchable: XOR takes a few seconds and every step is a point on the curves; "max" (the
# slider's right end) runs as fast as the machine goes
DEFAULT_SPEED = 50


ALPHA_TOP_TICK = (ALPHA_MAX_LOG - ALPHA_MIN_LOG) * ALPHA_TICKS_PER_DECADE


def alpha_from_tick(tick: int) -> float:
    """The round α at slider stop ``tick`` (0 → 1e-5, 40 → 0.1, 47 → 0.5, 60 → 10)."""
    decade, k = divmod(int(tick), ALPHA_TICKS_PER_DECADE)
    # through the decimal text, so 5e-2 is the float 0.05 exactly, not 5 × 0.01
    return float(f"{ALPHA_MANTISSAS[k]:g}e{ALPHA_MIN_LOG + decade}")


_STOP_LOGS = [math.log10(alpha_from_tick(t)) for t in range(ALPHA_TOP_TICK + 1)]


def tick_from_alpha(alpha: float) -> int:
    """The stop nearest ``alpha`` on the log scale (an end stop beyond the range)."""
    x = math.log10(alpha)
    return min(range(ALPHA_TOP_TICK + 1), key=lambda t: abs(_STOP_LOGS[t] - x))


def format_alpha(alpha: float) -> str:
    """α as the box shows it: 0.05, 0.0001, 1e-5, 10."""
    text = f"{alpha:.6g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}e{int(exp)}"
    return text


def parse_alpha(text: str) -> float:
    """A typed α: ``0.05``, ``5e-2``, ``0,05`` (a decimal comma), ``.05``. ValueError with
    a short message saying what is wrong."""
    t = text.strip().replace("−", "-").replace(" ", "")
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    if not t:
        raise ValueError("type a learning rate, e.g. 0.05 or 5e-2")
    try:
        value = float(t)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a number (e.g. 0.05 or 5e-2)") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"α must be greater than 0, not {text.strip()}")
    if value > ALPHA_TYPED_MAX:
        raise ValueError(f"α must be at most {ALPHA_TYPED_MAX:g}, not {text.strip()}")
    return value


class AlphaValidator(QValidator):
    """Never blocks a key (a half-typed "5e-" is fine); Enter waits for a valid α."""

    @guarded(default=QValidator.State.Intermediate)
    def validate(self, text: str, pos: int):
        try:
            parse_alpha(text)
        except ValueError:
            return QValidator.State.Intermediate
        return QValidator.State.Acceptable


class AlphaBox(QLineEdit):
    """The box α is typed into: Enter (or leaving it) commits a valid α; bad input gets
    a short message and changes nothing (gui/keys.py keeps the focus here on Enter)."""

    typed = Signal(float)
    rejected = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("alphaBox")
        self.setProperty(NUMBER_FIELD, True)
        self.setValidator(AlphaValidator(self))
        self.setToolTip("Learning rate α: type e.g. 0.05 or 5e-2, then Enter")
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("0.000125") + 16)
        self._shown = ""
        self.refused = ""  # the last refusal's message while the box shows it in red
        self.editingFinished.connect(self._commit)
        self.textEdited.connect(lambda _t: self._accepted_look())

    def show_alpha(self, alpha: float) -> None:
        self._shown = format_alpha(alpha)
        self.setText(self._shown)
        self._accepted_look()

    def _commit(self) -> None:
        if self.text() == self._shown:
            self._accepted_look()  # e.g. Esc put the shown value back
            return
        try:
            value = parse_alpha(self.text())
        except ValueError as e:  # editingFinished comes only for valid text; be safe
            self._refuse(str(e))
            self.setText(self._shown)
            return
        self.typed.emit(value)

    def _refuse(self, message: str) -> None:
        """The reason beside the box (a tooltip) and in the status bar; red text in the
        box until it is edited."""
        text = f"α unchanged: {message}"
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Text, QColor(BAD_TEXT))
        self.setPalette(pal)
        self.refused = text
        if self.isVisible():
            QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), text, self)
        self.rejected.emit(text)

    def _accepted_look(self) -> None:
        if self.refused:
            self.refused = ""
            self.setPalette(QPalette())  # the window's again
            QToolTip.hideText()

    @guarded
    def keyPressEvent(self, ev) -> None:  # noqa: N802
        if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.hasAcceptableInput():
            try:
                parse_alpha(self.text())
            except ValueError as e:
                self._refuse(str(e))
            return  # the text stays (red) to be corrected
        super().keyPressEvent(ev)

    @guarded
    def focusOutEvent(self, ev) -> None:  # noqa: N802
        # a context menu or another window for a while: the user comes back to the text
        away = (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason)
        if not self.hasAcceptableInput() and ev.reason() not in away:
            try:
                parse_alpha(self.text())
            except ValueError as e:
                self._refuse(str(e))
            self.setText(self._shown)  # nothing changes; the status bar says why
            self._accepted_look()
        super().focusOutEvent(ev)


class AlphaSlider(QSlider):
    """α's log-scale slider: one stop per wheel notch (Qt's three were 0.3 of a decade),
    tick marks at 1, 2 and 5 times each power of ten."""

    TICK_ROOM = 5  # px under the groove for the marks

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setRange(0, ALPHA_TOP_TICK)
        self.setSingleStep(1)
        self.setPageStep(ALPHA_TICKS_PER_DECADE)
        self.setObjectName("alphaSlider")
        self._wheel_rest = 0

    def mark_ticks(self) -> list[tuple[int, int]]:
        """(stop, length in px) of every tick mark: decades long, 2 and 5 short."""
        marks = []
        for t in range(ALPHA_TOP_TICK + 1):
            m = ALPHA_MANTISSAS[t % ALPHA_TICKS_PER_DECADE]
            if m in ALPHA_MARKS:
                marks.append((t, self.TICK_ROOM if m == 1 else self.TICK_ROOM - 2))
        return marks

    def tick_x(self, tick: int) -> int:
        """The x of stop ``tick``'s centre, as the style places the handle there."""
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        style = self.style()
        groove = style.subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, self
        )
        handle = style.subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, self
        )
        span = groove.width() - handle.width()
        pos = QStyle.sliderPositionFromValue(self.minimum(), self.maximum(), tick, span)
        return groove.x() + handle.width() // 2 + pos

    @guarded(default=QSize(120, 26))
    def sizeHint(self) -> QSize:  # noqa: N802
        size = super().sizeHint()
        size.setHeight(size.height() + self.TICK_ROOM)
        return size

    @guarded(default=QSize(40, 26))
    def minimumSizeHint(self) -> QSize:  # noqa: N802
        size = super().minimumSizeHint()
        size.setHeight(size.height() + self.TICK_ROOM)
        return size

    @guarded
    def paintEvent(self, ev) -> None:  # noqa: N802
        p = QPainter(self)
        try:
            color = QColor(self.palette().color(self.foregroundRole()))
            color.setAlpha(150)
            p.setPen(QPen(color, 1))
            bottom = self.height() - 1
            for tick, length in self.mark_ticks():
                x = self.tick_x(tick)
                p.drawLine(x, bottom - length + 1, x, bottom)
        finally:
            p.end()
        super().paintEvent(ev)  # the handle over the marks

    @guarded
    def wheelEvent(self, ev) -> None:  # noqa: N802
        delta = ev.angleDelta().y() or ev.angleDelta().x()
        self._wheel_rest += delta
        notches = int(self._wheel_rest / 120)  # a touchpad sends fractions of a notch
        self._wheel_rest -= notches * 120
        if notches:
            self.setValue(self.value() + notches)
        ev.accept()


def speed_label(speed: float) -> str:
    return "max" if speed <= 0 else f"{speed:g}/s"


class TrainingPanel(QGroupBox):
    """α (log scale), B, λ, optimizer, seed; play/pause, steps, reset; speed."""

    hyperChanged = Signal(object)  # HyperParameters
    _alpha_exact: float | None = None  # a lesson's or a typed α between two slider stops
    _batching = "random"  # no widget for it: a lesson's batching survives the edits here
    seedChanged = Signal(int)
    playToggled = Signal(bool)
    stepRequested = Signal(int)
    epochRequested = Signal()
    resetRequested = Signal()
    speedChanged = Signal(float)
    message = Signal(str)  # a short note for the status bar (e.g. a mistyped α)

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

        self.alpha_slider = AlphaSlider()
        self.alpha_slider.setToolTip(
            "Learning rate α, log scale 1e-5 … 10 (marks at 1, 2, 5); type an exact α in the box"
        )
        self.alpha_box = AlphaBox()
        row = QHBoxLayout()
        row.addWidget(self.alpha_slider, 1)
        row.addWidget(self.alpha_box)
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
        self.alpha_box.typed.connect(self.set_alpha)
        self.alpha_box.rejected.connect(self.message)
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
        # a lesson's or a typed α (e.g. 0.07) may fall between two slider stops: keep it
        # exactly until the user moves the slider to another stop
        exact = self._alpha_exact
        if exact is not None and tick_from_alpha(exact) == self.alpha_slider.value():
            return exact
        return alpha_from_tick(self.alpha_slider.value())

    def set_alpha(self, alpha: float) -> None:
        """α from the box: exactly this value, the slider at the nearest stop."""
        self._alpha_exact = float(alpha)
        self.alpha_slider.blockSignals(True)
        self.alpha_slider.setValue(tick_from_alpha(alpha))
        self.alpha_slider.blockSignals(False)
        self._on_alpha(self.alpha_slider.value())

    @property
    def speed(self) -> float:
        return float(SPEEDS[self.speed_slider.value()])

    def hyper(self) -> HyperParameters:
        return HyperParameters(
            alpha=self.alpha,
            batch_size=self.batch_spin.value(),
            lam=self.lam_spin.value(),
            optimizer=self.optimizer_combo.currentData(),
            batching=self._batching,
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
        self.alpha_box.show_alpha(self.alpha)
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

    @property
    def n_train(self) -> int:
        """The number of training points the panel counts epochs and B with."""
        return self._n_train

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
        elif effective_batch_size(b, self._n_train) < b:
            self.effective_label.setText(f"effective B = {self._n_train} (all)")
        else:
            self.effective_label.setText(f"of {self._n_train} train")

    def _on_alpha(self, _tick: int) -> None:
        self.alpha_box.show_alpha(self.alpha)
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
