"""Live training plots: loss, accuracy, and the per-layer backward signal δ^(ℓ) = dℒ/dz^(ℓ).

The δ plot's place can hold a second tab (``add_delta_tab``: the layer health of
gui/health_plot.py), whose plots take that place in the column when it is chosen.

All drawing happens in the GUI thread from a ``Snapshot`` (fresh copies made by the engine
thread). Curves are re-set from the bounded history each frame; pens are thin and not
antialiased, and the plot items clip and downsample.
"""

from __future__ import annotations

import functools
import html
import math

import numpy as np
import pyqtgraph as pg
from backprop_lab.engine import Snapshot
from backprop_lab.engine.design import effective_batch_size
from backprop_lab.engine.group_labels import LETTERS
from backprop_lab.engine.history import HistoryArrays
from backprop_lab.engine.notation import delta_label
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPen, QResizeEvent, QTextDocument
from PySide6.QtWidgets import QCheckBox, QLabel, QTabBar, QWidget

from .colors import LAYER_HEX, RUN_DASHES, run_hex, run_mark
from .safety import guarded

TRAIN_COLOR = "#0072B2"
SPIKE_COLOR = "#222222"  # neither curve's colour: a mark, not a series
TEST_COLOR = "#D55E00"
# one colour per layer ℓ = 1..8 (Okabe–Ito order, starting from the most distinct)
AXIS_WIDTH = 52
WIDEST_TICK = "0.0000"  # the left axes are sized for this label (the labels are ≤ 6 wide)
LAYER_COLORS = LAYER_HEX  # nine: δ⁽¹⁾ … δ⁽⁹⁾ each its own
# a shown plot's data area: at least this many tick-label lines high (three labels of the
# accuracy axis, two decades of a log axis) and this wide, or the plot is hidden
MIN_VIEW_LINES = 2.8
MIN_VIEW_PX = 42
MIN_VIEW_WIDTH = 150
TICK_PITCH = 1.5  # a left-axis label per this many lines of height at most
SPACING = 2  # px between the plots
RIGHT_MARGIN = 6
# compared runs: each run's line style (colours.RUN_DASHES), its test curve faint beside
# its training curve
PEN_STYLES = {
    "solid": Qt.PenStyle.SolidLine,
    "dash": Qt.PenStyle.DashLine,
    "dot": Qt.PenStyle.DotLine,
    "dashdot": Qt.PenStyle.DashDotLine,
}
TEST_ALPHA = 0.4
LOSS_TITLE, ACC_TITLE = "Loss −log p(y|x)", "Accuracy"
# regression's p(y | x) = N(h, 1): −log p is ½ (y − h)² plus a constant the loss leaves out
REGRESSION_LOSS_TITLE = "Loss ½ (y − h)²"
LOSS_RUNS, ACC_RUNS = "Loss (faint: test)", "Accuracy (faint: test)"
DELTA_TITLE = "|δ⁽ℓ⁾|, ℓ ="
BARS_TITLE = "Now: mean |δ⁽ℓ⁾| (log)"
# the compared runs' bars beside A's solid ones: B's, C's, D's hatch
BAR_HATCHES = (
    Qt.BrushStyle.BDiagPattern,
    Qt.BrushStyle.DiagCrossPattern,
    Qt.BrushStyle.Dense4Pattern,
)
# a seed fan: the seeds' curves thin and faint, the median bold, the min–max band light
FAN_SEED, FAN_MEDIAN, FAN_BAND = "#8fa9c8", "#0b3d91", "#c9d8ee"
RUN_LEGEND_CHARS = 16  # a run's name in a legend: its label, cut to this


def run_pen(i: int, width: int, test: bool = False) -> QPen:
    """Run ``i``'s curve: its colour and dashes (its test curve: the same, faint)."""
    color = QColor(run_hex(i))
    if test:
        color.setAlphaF(TEST_ALPHA)
    pen = pg.mkPen(color, width=width)
    pen.setStyle(PEN_STYLES[RUN_DASHES[i % len(RUN_DASHES)]])
    return pen


# the time plots' x-axis: what a history row's step is drawn as (the axis's name)
X_AXES = {"steps": "step", "epochs": "epoch", "samples": "samples seen"}


def x_scale(snap: Snapshot, axis: str) -> float:
    """What one step of ``snap``'s run is on ``axis``: 1 step, B samples (the run's batch
    size, at most its training points), B / N epochs. The history keeps steps only, so a
    run whose B changed on the way is drawn at its current B (a comparison restarts its
    runs when a setting changes: there B never changes within a run)."""
    if axis == "steps":
        return 1.0
    n = snap.dataset.n_train
    b = float(effective_batch_size(snap.hyper.batch_size, n)) if n else 0.0
    if axis == "samples":
        return b
    return b / n if n else 0.0


def layer_name(layer: int) -> str:
    return delta_label(layer)


def positive_or_nan(values: np.ndarray) -> np.ndarray:
    """For log axes: non-positive and non-finite values become NaN (a gap in the curve)."""
    v = np.array(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        v[~(np.isfinite(v) & (v > 0))] = np.nan
    return v


def delta_columns(history: HistoryArrays) -> list[np.ndarray]:
    """mean |δ^(ℓ)| for ℓ = 1..L from a snapshot's history (one curve per layer)."""
    return list(history.delta_mean_abs.T)


def value_range(arrays: list[np.ndarray], log: bool) -> tuple[float, float] | None:
    """(lo, hi) over the finite values (log10 units for a log axis), padded; None if empty."""
    vals = [np.asarray(a, dtype=np.float64) for a in arrays if len(a)]
    if not vals:
        return None
    v = np.concatenate(vals)
    v = v[np.isfinite(v) & (v > 0)] if log else v[np.isfinite(v)]
    if v.size == 0:
        return None
    lo, hi = float(v.min()), float(v.max())
    if log:
        lo, hi = np.log10(lo), np.log10(hi)
    pad = max(hi - lo, 1e-3 if log else 1e-6) * 0.05
    return lo - pad, hi + pad


def _decade_label(m: int, d: int) -> str:
    return f"{m * 10.0**d:.3g}" if -4 <= d <= 4 else (f"1e{d}" if m == 1 else f"{m}e{d}")


def log_ticks(
    lo: float, hi: float, max_ticks: int = 8, minor: bool = True
) -> list[tuple[float, str]]:
    """Labelled ticks for a log10 axis spanning [lo, hi] (log10 units): the decades (every
    k-th when there are many), plus 2× and 5× when fewer than three decades are in view and
    the axis has room for them. ``max_ticks``: how many labels the axis holds stacked."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return []
    span = hi - lo
    max_ticks = max(2, int(max_ticks))
    # 1, 2, 5 are 0.3 decade apart at the closest: only where that gap holds a label
    mults = (1, 2, 5) if minor and span < 3 and span <= 0.3 * max_ticks else (1,)
    every = max(1, math.ceil(span / max_ticks))
    ticks = []
    for d in range(math.floor(lo), math.ceil(hi) + 1):
        if d % every:
            continue
        for m in mults:
            v = math.log10(m) + d
            if lo <= v <= hi:
                ticks.append((v, _decade_label(m, d)))
    whole = list(range(math.ceil(lo), math.floor(hi) + 1))
    if len(ticks) < 2 <= len(whole):
        # the aligned decades (every k-th) missed a short axis: two or more decades spread
        # from the lowest, rather than the ends' odd values
        step = max(1, math.ceil((len(whole) - 1) / (max_ticks - 1)))
        ticks = [(float(d), _decade_label(1, d)) for d in whole[::step]]
    if len(ticks) < 2:  # a narrow range: label its ends too, with digits enough to differ
        ends = (lo + 0.1 * span, hi - 0.1 * span)
        if not all(-300 < v < 300 for v in ends):
            return ticks + [(v, f"1e{v:.0f}") for v in ends]
        for digits in range(2, 7):
            # written as the decades are ("1e-5", not "1e-05": the same value twice)
            labels = [f"{10.0**v:.{digits}g}".replace("e-0", "e-") for v in ends]
            if labels[0] != labels[1]:
                break
        # still equal (a flat curve): one label in the middle says the value
        extra = [((lo + hi) / 2, labels[0])] if labels[0] == labels[1] else zip(ends, labels)
        shown = {label for _v, label in ticks}
        ticks += [(v, label) for v, label in extra if label not in shown]
        if len(ticks) > max_ticks:  # a decade and both ends on a short axis: the ends
            ticks = [t for t in ticks if t[0] in ends] or ticks[:max_ticks]
    return ticks


def nice_spacing(raw: float, whole: bool = False) -> float:
    """The smallest of 1, 2, 5 × 10^k that is ≥ ``raw`` (≥ 1 when ``whole``)."""
    if not math.isfinite(raw) or raw <= 0:
        return 1.0
    k = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        s = m * 10.0**k
        if s >= raw * (1 - 1e-9):
            return max(1.0, s) if whole else s
    return max(1.0, 10.0 ** (k + 1)) if whole else 10.0 ** (k + 1)


def step_label(v: float) -> str:
    """A step number as a tick label: 800, 2500, 12k, 1.5M (short: the plots are narrow)."""
    a = abs(v)
    if a < 10_000:
        return f"{v:.0f}"
    if a < 1_000_000:
        return f"{v / 1000:g}k"
    return f"{v / 1e6:g}M"


def step_ticks(
    lo: float, hi: float, length: float, label_px: float, whole: bool = True
) -> tuple[float, list[float]]:
    """Tick values (whole ones with ``whole``) for an axis ``length`` pixels long over
    [lo, hi] whose labels are at most ``label_px`` wide: as many as fit side by side, at
    a round spacing."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or length <= 0:
        return 1.0, []
    # neighbouring labels at least ``label_px`` apart (centre to centre)
    spacing = nice_spacing((hi - lo) * max(1.0, label_px) / length, whole=whole)
    first = math.ceil(lo / spacing) * spacing
    n = int(math.floor((hi - first) / spacing + 1e-9)) + 1
    return spacing, [first + i * spacing for i in range(max(0, n))]


def linear_ticks(lo: float, hi: float, max_ticks: int) -> list[tuple[float, str]]:
    """Round values on a linear axis, at most ``max_ticks`` of them."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return []
    spacing = nice_spacing((hi - lo) / max(1, int(max_ticks) - 1))
    first = math.ceil(lo / spacing) * spacing
    n = int(math.floor((hi - first) / spacing + 1e-9)) + 1
    digits = max(0, -math.floor(math.log10(spacing)))
    return [(first + i * spacing, f"{first + i * spacing:.{digits}f}") for i in range(max(0, n))]


def _tick_font(axis: pg.AxisItem) -> QFont:
    font = axis.style.get("tickFont")
    return QFont(font) if font is not None else QFont()


class StepAxis(pg.AxisItem):
    """The time axis: whole steps (a step is never fractional; nor a sample), or epochs
    (``whole`` False: fractions too), never more labels than fit side by side at the
    current type size."""

    whole = True

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph's name
        fm = QFontMetrics(_tick_font(self))
        widest = max(fm.horizontalAdvance(self._label(v)) for v in (minVal, maxVal))
        widest = max(widest, fm.horizontalAdvance("00.0k"))
        label_px = widest + fm.horizontalAdvance("00")
        spacing, values = step_ticks(minVal, maxVal, size, label_px, self.whole)
        return [(spacing, values)]

    def _label(self, v: float) -> str:
        return step_label(v) if self.whole or abs(v) >= 10_000 else f"{v:.4g}"

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        return [self._label(v) for v in values]

    @guarded(default=QRectF())
    def boundingRect(self):  # noqa: N802
        # the first label ("0") is centred on the left edge of the data area: room for its
        # left half under the value axis, or pyqtgraph drops it
        r = super().boundingRect()
        fm = QFontMetrics(_tick_font(self))
        return r.adjusted(-fm.horizontalAdvance("0000") / 2, 0, 0, 0)


class ValueAxis(pg.AxisItem):
    """A left axis whose labels never pile up: on a log axis the decades (and 2×, 5× when
    there is room), on a linear one round values, at most as many as its height holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._labels: dict[float, str] = {}
        self.decades = False  # values already in log10 units (the bars), labelled as powers
        self.empty = False  # no values yet (step 0): no labels, rather than a made-up range

    def tickValues(self, minVal, maxVal, size):  # noqa: N802
        if self.empty:
            self._labels = {}
            return []
        lo, hi = sorted((float(minVal), float(maxVal)))
        line = QFontMetrics(_tick_font(self)).height()
        slots = max(2, int(size // (TICK_PITCH * line)))
        log = self.logMode or self.decades
        ticks = log_ticks(lo, hi, slots) if log else linear_ticks(lo, hi, slots)
        self._labels = {v: label for v, label in ticks}
        return [(1.0, list(self._labels))]

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        return [self._labels.get(v, "") for v in values]

    @guarded(default=QRectF())
    def boundingRect(self):  # noqa: N802
        # a label near the top or bottom of a short plot reaches half a line past the data
        # area: pyqtgraph dropped it (a 50-px loss plot showed no value at all)
        r = super().boundingRect()
        half = QFontMetrics(_tick_font(self)).height() / 2
        return r.adjusted(0, -half, 0, half)


def _legend_parts(entries: list[tuple]) -> tuple[str, str, str]:
    """(mark, gap between mark and name, gap between entries): a line for a few entries
    ("━━ train"), a square close to its number for many layers ("■1 ■2"; a short "━"
    read as "−1", and wide keys wrapped the δ legend onto three lines)."""
    if len(entries) <= 3 and any(len(e[0]) > 1 for e in entries):
        return "━━", "\u2009", "\u2003"
    return "■", "\u200a", "\u2002"


def legend_html(title: str, entries: list[tuple], rows: tuple[int, ...] = ()) -> str:
    """A title followed by its legend (a coloured mark before each name): a legend in the
    title never covers a curve, and it grows with the title's font. An entry is (name,
    colour) or (name, colour, mark): a mark of its own shows a line style ("╍╍").
    ``rows``: how many entries go on each line, the title's line first
    (``legend_rows``); () = all on one."""
    mark, near, apart = _legend_parts(entries)
    keys = [
        f'<span style="color:{e[1]}">{e[2] if len(e) > 2 else mark}</span>{near}{e[0]}'
        for e in entries
    ]
    if not keys:
        return title
    rows = rows or (len(keys),)
    lines, i = [], 0
    for n in rows:
        lines.append(apart.join(keys[i : i + n]))
        i += n
    if not title:
        return "<br>".join(lines)
    first = f"{title}\u2003{lines[0]}" if lines[0] else title
    return "<br>".join([first, *lines[1:]])


@functools.lru_cache(maxsize=512)
def html_width(html: str, pt: float) -> float:
    """How wide a plot title (pyqtgraph's LabelItem: rich text at ``pt`` points) is drawn."""
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setHtml(f"<span style='font-size: {pt}pt'>{html}</span>")
    return doc.idealWidth()


@functools.lru_cache(maxsize=256)
def _legend_rows(title: str, entries: tuple, pt: float, room: int) -> tuple[int, ...]:
    return legend_rows(title, list(entries), pt, room)


def legend_rows(title: str, entries: list[tuple], pt: float, room: int) -> tuple[int, ...]:
    """How many legend entries go on each line so that no line is wider than ``room``
    pixels: as many as fit beside the title, then as many as fit on each line below."""
    rows: list[int] = []
    i, line_title = 0, title
    while i < len(entries):
        k = 0
        while i + k < len(entries) and (
            html_width(legend_html(line_title, entries[i : i + k + 1]), pt) <= room
        ):
            k += 1
        if k == 0 and not line_title:
            k = 1  # one entry wider than the room: it goes on a line of its own anyway
        rows.append(k)
        i += k
        line_title = ""
    return tuple(rows) if len(rows) > 1 else ()


def make_plot(title: str, y_label: str, short: str, step_axis: bool = True) -> pg.PlotWidget:
    axes = {"left": ValueAxis("left")}
    if step_axis:
        axes["bottom"] = StepAxis("bottom")
    # no menu: the window has its own, and pyqtgraph builds a ViewBox menu (a few ms a
    # plot at launch) unless told at construction
    w = pg.PlotWidget(background="w", axisItems=axes, enableMenu=False)
    pi = w.getPlotItem()
    pi.setTitle(title, color="#222")
    # the title (and its legend) spans the value axis too: over the data area alone, the
    # legend of a narrow plot took three lines
    pi.layout.removeItem(pi.titleLabel)
    pi.layout.addItem(pi.titleLabel, 0, 0, 1, 3)
    w.step_axis = step_axis  # drawn against the step (else it names its own bottom axis)
    w.legend_title = title  # the title before its legend (``legend_html``)
    w.short_title = short  # when the title is wider than a narrow plot
    w.legend_entries = []
    pi.setLabel("left", y_label, color="#222")
    pi.setLabel("bottom", "step" if step_axis else "", color="#222")
    pi.showGrid(x=True, y=True, alpha=0.25)
    # no clipToView: the history is always fully in view, and clipping fed back into
    # auto-range made the plots repaint on every frame
    pi.setDownsampling(auto=True, mode="peak")
    pi.setMenuEnabled(False)
    # a fixed axis width: tick labels of changing length would otherwise re-layout the plot
    # (and paint it twice) on every update
    pi.getAxis("left").setWidth(AXIS_WIDTH)
    for ax in ("left", "bottom"):
        pi.getAxis(ax).enableAutoSIPrefix(False)
        pi.getAxis(ax).setPen("#444")
        pi.getAxis(ax).setTextPen("#222")
    # ranges are set explicitly on each update: pyqtgraph's auto-range runs while painting
    # and schedules a second paint
    pi.getViewBox().disableAutoRange()
    return w


class TrainingPlots(QWidget):
    """Loss and accuracy against step; mean |δ^(ℓ)| per layer (log) and the current bars.

    The column lays its plots out itself: each shown plot keeps a data area of at least
    ``min_view()`` (three tick labels high), and the plots that do not fit that way are
    hidden, by priority (loss, δ per layer, accuracy, the bars), with a line saying which.
    The column's own minimum is the loss plot's, so it never makes the window taller."""

    PARTS = ("loss", "acc", "delta", "bars")
    tabChanged = Signal(int)  # the δ place's tab: 0 the |δ| plot, 1 the second tab

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.log_loss_box = QCheckBox("log-scale loss", self)
        self.log_loss_box.setChecked(True)
        self.hidden_note = QLabel("", self)
        self.hidden_note.setObjectName("plotsHidden")
        self.hidden_note.setStyleSheet("color:#555;")
        self.hidden_note.setWordWrap(True)
        self.hidden_note.hide()
        self.delta_tab = None  # a second tab in the δ place (``add_delta_tab``)
        self.tab_bar: QTabBar | None = None

        split = [("train", TRAIN_COLOR), ("test", TEST_COLOR)]
        self.loss_plot = make_plot(LOSS_TITLE, "loss", "Loss")
        self.loss_plot.legend_entries = split
        # named (File → Export's plot data uses the names); the legend is in the title
        self.train_loss = self.loss_plot.plot(pen=pg.mkPen(TRAIN_COLOR, width=1), name="train")
        self.test_loss = self.loss_plot.plot(pen=pg.mkPen(TEST_COLOR, width=1), name="test")
        # a transient spike of the training loss: marked (▼), for the guard it is no stop
        self.spike_marks = self.loss_plot.plot(
            pen=None,
            symbol="t",
            symbolSize=11,
            symbolBrush=SPIKE_COLOR,
            symbolPen=pg.mkPen("#FFFFFF", width=1),
            name="spikes",
        )
        self.loss_plot.setToolTip(
            "▼ marks a spike: the training loss jumped far above its recent level and came "
            "back. Only a loss that stays high (or stops being a number) stops the run."
        )
        self.loss_plot.setLogMode(y=True)

        self.acc_plot = make_plot(ACC_TITLE, "accuracy", "Accuracy")
        self.acc_plot.legend_entries = split
        self.train_acc = self.acc_plot.plot(pen=pg.mkPen(TRAIN_COLOR, width=1), name="train")
        self.test_acc = self.acc_plot.plot(pen=pg.mkPen(TEST_COLOR, width=1), name="test")
        self.acc_plot.setYRange(0, 1.02, padding=0)
        # three labels: a short plot has no room for 0.2, 0.4, 0.6, 0.8 (they overlapped)
        self.acc_plot.getAxis("left").setTicks(
            [[(0.0, "0"), (0.5, "0.5"), (1.0, "1")], [(v / 10, "") for v in range(1, 10)]]
        )
        self.acc_plot.getPlotItem().getViewBox().setLimits(yMin=-0.05, yMax=1.05)

        self.delta_plot = make_plot(DELTA_TITLE, "mean |δ|", DELTA_TITLE)
        self.delta_plot.setToolTip("δ⁽ℓ⁾ = dℒ/dz⁽ℓ⁾, the backward signal of layer ℓ")
        self.delta_plot.setLogMode(y=True)
        self.delta_curves: list[pg.PlotDataItem] = []

        self.bars_plot = make_plot(BARS_TITLE, "", "Now: |δ⁽ℓ⁾|", step_axis=False)
        self.bars_plot.setLabel("bottom", "layer ℓ")
        self.bars_plot.setLogMode(y=False)
        self.bars_plot.setMouseEnabled(x=False, y=False)
        # the bars are drawn in log10 units by hand: the axis labels them as powers
        self.bars_plot.getAxis("left").decades = True
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6, y0=0)
        self.bars_plot.addItem(self.bars)
        self.run_bars: list[pg.BarGraphItem] = []  # B's, C's, …: hatched, beside A's
        self._bar_layers = 0  # the layers the bars' axis shows

        for p in self.all_plots:
            p.setParent(self)
        # what each plot's share of the spare height is, and who goes first when short
        self._weight = {self.loss_plot: 3, self.acc_plot: 2, self.delta_plot: 3, self.bars_plot: 2}
        self._priority = (self.loss_plot, self.delta_plot, self.acc_plot, self.bars_plot)
        self._wanted = {p: True for p in self.all_plots}
        self.held: frozenset[str] = frozenset()  # PARTS left as they are (a lecture's ask)
        # compared runs (gui/compare_window.py): B, C, …'s curves, (train loss, test loss,
        # train accuracy, test accuracy) each; the runs' names, () for a single run
        self.run_curves: list[tuple[pg.PlotDataItem, ...]] = []
        self.run_names: tuple[str, ...] = ()
        self.loss_title = LOSS_TITLE  # the single run's loss legend (the task's loss)
        self._last_runs: tuple = ()
        self.run_delta: dict[int, list[pg.PlotDataItem]] = {}  # run → its |δ⁽ℓ⁾| curves
        # a seed fan: plot (0 loss, 1 accuracy) → its band's edges, the band, the median
        self.fan_items: dict[int, tuple] = {}
        self._last_fan = self._legend_fan = False
        # in a comparison: each run's name at the end of its training-loss curve
        self.end_labels: list[pg.TextItem] = []
        self._end_args: tuple = ([], None, False)
        # a taller or shorter plot: the labels' heights in y units change, so place anew
        self.loss_plot.getPlotItem().getViewBox().sigResized.connect(self._replace_end_labels)
        self.x_axis = "steps"  # the time plots' x-axis (``X_AXES``, ``set_x_axis``)
        self.names = {
            self.loss_plot: "loss",
            self.acc_plot: "accuracy",
            self.delta_plot: "|δ| per layer",
            self.bars_plot: "|δ| bars",
        }
        self.log_loss_box.toggled.connect(self._on_log_loss)
        self.frames_drawn = 0
        self._depth = 0
        self._title_pt = 11.0
        self._line_width = 1
        self._min_view = MIN_VIEW_PX
        self._axis_width = AXIS_WIDTH
        self._arranging = False
        self.set_font_scale(1.0)

    # --- updates ------------------------------------------------------------------------
    def _on_log_loss(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)
        if self._last is not None:
            self.update_snapshot(self._last, runs=self._last_runs)

    _last: Snapshot | None = None

    def _ensure_layers(self, depth: int) -> None:
        if depth == self._depth:
            return
        for c in self.delta_curves:
            self.delta_plot.removeItem(c)
        self.delta_curves = []
        entries = []
        for layer in range(1, depth + 1):
            color = LAYER_COLORS[(layer - 1) % len(LAYER_COLORS)]
            pen = pg.mkPen(color, width=self._line_width)
            c = self.delta_plot.plot(pen=pen, name=layer_name(layer))
            self.delta_curves.append(c)
            entries.append((str(layer), color))
        self.delta_plot.legend_entries = entries
        ax = self.bars_plot.getAxis("bottom")
        # the layer numbers only (the axis says "layer ℓ"): eight δ⁽ℓ⁾ ran together
        ax.setTicks([[(i, str(i)) for i in range(1, depth + 1)]])
        self.bars_plot.setXRange(0.4, depth + 0.6, padding=0)
        self._bar_layers = depth
        self._depth = depth
        if self.delta_tab is not None:
            self.delta_tab.set_depth(depth)  # its legends too, before the layout
        self.arrange()  # a longer legend may take another line

    def update_snapshot(
        self,
        snap: Snapshot,
        parts: tuple[str, ...] = PARTS,
        runs: tuple | None = None,
        fan: bool | None = None,
    ) -> None:
        """Redraw the named plots from the snapshot (the history is bounded: ≤ 4096 rows).
        While training, the window updates one plot per frame so no frame stalls long.
        ``runs``: every run of a comparison (a frame's ``runs``, A's first): the loss and
        accuracy plots draw a curve per run (the others stay A's); None: the runs of the
        last call. ``fan``: the runs are a seed fan (thin lines, a bold median and the
        min–max band in the loss and accuracy plots); None: as in the last call."""
        self._last = snap
        runs = self._last_runs if runs is None else runs
        self._last_runs = runs
        fan = self._last_fan if fan is None else bool(fan) and len(runs) > 1
        self._last_fan = fan
        parts = tuple(p for p in parts if p not in self.held)
        others = [r.snapshot.history for r in runs[1:]]
        loss_title = REGRESSION_LOSS_TITLE if snap.dataset.task == "regression" else LOSS_TITLE
        if loss_title != self.loss_title:
            self.loss_title = loss_title
            self._legend_fan = None  # the legends are written anew
        self._show_runs(tuple(r.label.text for r in runs) if others else (), fan)
        h = snap.history
        ax = self.x_axis
        scale = x_scale(snap, ax)
        steps = h.step.astype(np.float64) * scale
        xs = [o.step.astype(np.float64) * x_scale(r.snapshot, ax) for o, r in zip(others, runs[1:])]
        # at least one step's width (an empty or one-row history still gets an axis)
        x_hi = max(float(steps[-1]) if len(steps) else 0.0, scale if scale > 0 else 1.0)
        for x in xs:
            if len(x):
                x_hi = max(x_hi, float(x[-1]))
        if "loss" in parts:
            log_loss = self.log_loss_box.isChecked()
            fix = positive_or_nan if log_loss else (lambda v: v)
            self.train_loss.setData(steps, fix(h.train_loss), connect="finite")
            self.test_loss.setData(steps, fix(h.test_loss), connect="finite")
            spikes = np.array(snap.spikes, dtype=np.float64).reshape(-1, 2)
            self.spike_marks.setData(spikes[:, 0] * scale, fix(spikes[:, 1]))
            arrays = [h.train_loss, h.test_loss]
            for curves, o, x in zip(self.run_curves, others, xs):
                curves[0].setData(x, fix(o.train_loss), connect="finite")
                curves[1].setData(x, fix(o.test_loss), connect="finite")
                arrays += [o.train_loss, o.test_loss]
            self._show_fan(0, [h, *others], "train_loss", fix if fan else None, scale)
            self.loss_plot.setXRange(0.0, x_hi, padding=0.02)
            r = value_range(arrays, log_loss)
            self._set_empty(self.loss_plot, r is None)
            if r is not None:
                self.loss_plot.setYRange(*r, padding=0)
            ends = [] if fan or not others else [(steps, h.train_loss)]
            if ends:
                ends += [(x, o.train_loss) for o, x in zip(others, xs)]
            self._show_end_labels(ends, r, log_loss)
        if "acc" in parts:
            self.set_wanted(self.acc_plot, snap.dataset.task == "classification")
            if self._wanted[self.acc_plot]:
                self.train_acc.setData(steps, h.train_acc, connect="finite")
                self.test_acc.setData(steps, h.test_acc, connect="finite")
                for curves, o, x in zip(self.run_curves, others, xs):
                    curves[2].setData(x, o.train_acc, connect="finite")
                    curves[3].setData(x, o.test_acc, connect="finite")
                self._show_fan(1, [h, *others], "train_acc", (lambda v: v) if fan else None, scale)
                self.acc_plot.setXRange(0.0, x_hi, padding=0.02)
        deltas = delta_columns(h)
        self._ensure_layers(len(deltas))
        if "delta" in parts and self.tab_index == 1:
            self.delta_tab.update_snapshot(snap)
        elif "delta" in parts:
            for c, d in zip(self.delta_curves, deltas):
                c.setData(steps, positive_or_nan(d), connect="finite")
            arrays = list(deltas)
            shown = [] if fan else others  # a seed fan's δ would be 8 × L lines: A's alone
            self._drop_run_deltas(len(shown))
            for i, (o, x) in enumerate(zip(shown, xs), start=1):
                od = delta_columns(o)
                for c, d in zip(self._run_delta_curves(i, len(od)), od):
                    c.setData(x, positive_or_nan(d), connect="finite")
                arrays += list(od)
            self.delta_plot.setXRange(0.0, x_hi, padding=0.02)
            r = value_range(arrays, True)
            self._set_empty(self.delta_plot, r is None)
            if r is not None:
                self.delta_plot.setYRange(*r, padding=0)
        if "bars" in parts:
            # beside A's bars each compared run's (a fan's eight would be too thin to read)
            o = [] if fan else [np.asarray(r.snapshot.last.delta_mean_abs) for r in runs[1:]]
            self._set_bars(np.asarray(snap.last.delta_mean_abs), o)
        self.frames_drawn += 1

    def set_x_axis(self, axis: str) -> None:
        """Draw the loss, accuracy and |δ| plots against steps, epochs or samples seen
        (``X_AXES``; a run's rows are placed by ``x_scale``)."""
        if axis not in X_AXES:
            raise ValueError(f"unknown x-axis {axis!r}: one of {', '.join(X_AXES)}")
        if axis == self.x_axis:
            return
        self.x_axis = axis
        for p in (self.loss_plot, self.acc_plot, self.delta_plot):
            ax = p.getPlotItem().getAxis("bottom")
            ax.whole = axis != "epochs"
            shown = ax.label.isVisible()
            ax.setLabel(X_AXES[axis])
            ax.showLabel(shown)  # setLabel shows it: only the lowest plot names the axis
            ax.picture = None
            ax.update()
        if self._last is not None:
            self.update_snapshot(self._last)

    def _replace_end_labels(self, *_args) -> None:
        if self.end_labels:
            self._show_end_labels(*self._end_args)

    def _show_end_labels(self, ends: list, yrange, log: bool) -> None:
        """A comparison's run names ("B · ReLU") at the ends of their training-loss curves
        (``ends``: (x, y) per run, A's first), in the run's colour and the plots' title
        size (presentation mode scales it), right-aligned on the last point and pushed
        apart so that two runs ending close together stay readable."""
        want = len(ends) if yrange is not None else 0
        plot = self.loss_plot
        while len(self.end_labels) > want:
            plot.removeItem(self.end_labels.pop())
        while len(self.end_labels) < want:
            item = pg.TextItem(anchor=(1, 1), fill=pg.mkBrush(255, 255, 255, 210))
            item.setZValue(20)
            item.shown_text = ""
            plot.addItem(item, ignoreBounds=True)
            self.end_labels.append(item)
        self._end_args = (ends, yrange, log)
        if not want:
            return
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(self._title_pt)
        for i, item in enumerate(self.end_labels):
            text = self.run_names[i][:RUN_LEGEND_CHARS] if i < len(self.run_names) else ""
            if item.shown_text != text or item.textItem.font() != font:
                item.shown_text = text
                item.setText(text, color=run_hex(i))
                item.setFont(font)
        lo, hi = yrange
        px = max(1.0, float(plot.getPlotItem().getViewBox().height()))
        # a label's height (its text and margins) in y units
        tall = max(item.textItem.boundingRect().height() for item in self.end_labels)
        line = tall * (hi - lo) / px
        points: dict[int, tuple[float, float]] = {}
        for i, (x, y) in enumerate(ends):
            y = np.asarray(y, dtype=np.float64)
            ok = np.isfinite(y) & (y > 0) if log else np.isfinite(y)
            if len(x) == len(y) and ok.any():
                k = int(np.flatnonzero(ok)[-1])
                points[i] = (float(x[k]), math.log10(y[k]) if log else float(y[k]))
        # from the bottom up, each label at least a line above the one below (and above the
        # plot's bottom); then from the top down, none above the plot's top
        order = sorted(points, key=lambda i: points[i][1])
        placed, below = {}, lo - line
        for i in order:
            placed[i] = below = max(points[i][1], below + line)
        cap = hi - line
        for i in reversed(order):
            placed[i] = cap = min(placed[i], cap)
            cap -= line
        for i, item in enumerate(self.end_labels):
            if i not in placed:
                item.hide()
                continue
            item.setPos(points[i][0], placed[i])
            item.show()

    def _show_fan(self, which: int, histories: list, name: str, fix, scale: float = 1.0) -> None:
        """A seed fan in the loss (``which`` 0) or accuracy (1) plot: every seed's training
        curve thin, their median bold and the band from the lowest to the highest; ``fix``
        None: no fan (the overlay hidden), else the values' transform (the log axis's);
        ``scale``: a step on the x-axis (the seeds share B)."""
        plot = (self.loss_plot, self.acc_plot)[which]
        items = self.fan_items.get(which)
        if fix is None or len({len(hh.step) for hh in histories}) != 1:
            if items is not None:
                for item in items:
                    item.setVisible(False)
            return
        if items is None:
            lo, hi = pg.PlotDataItem(), pg.PlotDataItem()
            band = pg.FillBetweenItem(lo, hi, brush=pg.mkBrush(QColor(FAN_BAND)))
            median = pg.PlotDataItem()
            for item in (lo, hi, band, median):
                plot.addItem(item)
            band.setZValue(-5)
            items = self.fan_items[which] = (lo, hi, band, median)
        lo, hi, band, median = items
        x = histories[0].step.astype(np.float64) * scale
        with np.errstate(all="ignore"):
            values = np.vstack(
                [np.asarray(getattr(hh, name), dtype=np.float64) for hh in histories]
            )
            ok = np.isfinite(values).all(axis=0)
            mid = np.where(ok, np.median(values, axis=0), np.nan)
            low = np.where(ok, values.min(axis=0), np.nan)
            high = np.where(ok, values.max(axis=0), np.nan)
        lo.setData(x[ok], fix(low[ok]))
        hi.setData(x[ok], fix(high[ok]))
        median.setData(x, fix(mid), connect="finite")
        median.setPen(pg.mkPen(FAN_MEDIAN, width=self._line_width + 2))
        for item in (lo, hi):
            item.setPen(pg.mkPen(None))
        for item in items:
            item.setVisible(True)
        # the seeds' own curves thin and faint under the median and the band
        thin = QColor(FAN_SEED)
        for c in (
            self.train_loss,
            self.train_acc,
            *(cs[k] for cs in self.run_curves for k in (0, 2)),
        ):
            c.setPen(pg.mkPen(thin, width=1))
        for c in (
            self.test_loss,
            self.test_acc,
            *(cs[k] for cs in self.run_curves for k in (1, 3)),
        ):
            c.setData([], [])

    def _run_delta_curves(self, run: int, depth: int) -> list[pg.PlotDataItem]:
        """Run ``run``'s |δ⁽ℓ⁾| curves (a comparison): each layer's colour, the run's
        line style, so that sigmoid's δ fading layer by layer and ReLU's holding up show
        in one plot."""
        curves = self.run_delta.get(run)
        if curves is not None and len(curves) == depth:
            return curves
        for c in curves or ():
            self.delta_plot.removeItem(c)
        style = PEN_STYLES[RUN_DASHES[run % len(RUN_DASHES)]]
        curves = []
        for layer in range(1, depth + 1):
            color = LAYER_COLORS[(layer - 1) % len(LAYER_COLORS)]
            pen = pg.mkPen(color, width=self._line_width, style=style)
            curves.append(self.delta_plot.plot(pen=pen))
        self.run_delta[run] = curves
        return curves

    def _drop_run_deltas(self, n_others: int) -> None:
        """The curves of runs no longer compared go."""
        for run in [r for r in self.run_delta if r > n_others]:
            for c in self.run_delta.pop(run):
                self.delta_plot.removeItem(c)

    def _show_runs(self, names: tuple[str, ...], fan: bool = False) -> None:
        """A curve per compared run (``names``: every run's label, A's first; () for a
        single run), each in its run's colour and dashes, the legends naming the runs (a
        seed fan's: the median and the seeds)."""
        if (names, fan) == (self.run_names, self._legend_fan):
            return
        self.run_names = names
        self._legend_fan = fan
        want = max(0, len(names) - 1)
        for curves in self.run_curves:  # other runs, or other labels: made anew
            for c, p in zip(curves, (self.loss_plot, self.loss_plot, self.acc_plot, self.acc_plot)):
                p.removeItem(c)
        self.run_curves = []
        for i in range(1, want + 1):
            letter = LETTERS[i]
            self.run_curves.append(
                (
                    self.loss_plot.plot(name=f"train {letter}"),
                    self.loss_plot.plot(name=f"test {letter}"),
                    self.acc_plot.plot(name=f"train {letter}"),
                    self.acc_plot.plot(name=f"test {letter}"),
                )
            )
        self._style_runs()
        if names and fan:
            entries = [
                ("median", FAN_MEDIAN),
                ("each seed", FAN_SEED),
                ("lowest–highest", FAN_BAND),
            ]
            self.loss_plot.legend_title = f"Loss, {len(names)} seeds:"
            self.acc_plot.legend_title = f"Accuracy, {len(names)} seeds:"
            self.delta_plot.legend_title = DELTA_TITLE  # A's (seed 0's) layers
            self.bars_plot.legend_title = BARS_TITLE
        elif names:
            entries = [
                (html.escape(n[:RUN_LEGEND_CHARS]), run_hex(i), run_mark(i))
                for i, n in enumerate(names)
            ]
            self.loss_plot.legend_title, self.acc_plot.legend_title = LOSS_RUNS, ACC_RUNS
            marks = ", ".join(f"{LETTERS[i]} {run_mark(i)}" for i in range(len(names)))
            self.delta_plot.legend_title = f"|δ⁽ℓ⁾| ({marks}), ℓ ="
            hatched = ", ".join(LETTERS[1 : len(names)])
            self.bars_plot.legend_title = f"Now: |δ⁽ℓ⁾| (log), A solid, {hatched} hatched"
        else:
            entries = [("train", TRAIN_COLOR), ("test", TEST_COLOR)]
            self.loss_plot.legend_title, self.acc_plot.legend_title = self.loss_title, ACC_TITLE
            self.delta_plot.legend_title = DELTA_TITLE
            self.bars_plot.legend_title = BARS_TITLE
        for p in (self.loss_plot, self.acc_plot):
            p.legend_entries = entries
        for p in (self.loss_plot, self.acc_plot, self.delta_plot, self.bars_plot):
            p.legend_wrapped = None
        self.arrange()  # a longer legend may take another line

    def _style_runs(self) -> None:
        """The pens of the loss and accuracy curves: one colour per split for a single
        run, one colour and line style per run (test faint) for a comparison."""
        lw = self._line_width
        a_curves = (self.train_loss, self.test_loss, self.train_acc, self.test_acc)
        if not self.run_names:
            for c, color in zip(a_curves, (TRAIN_COLOR, TEST_COLOR) * 2):
                c.setPen(pg.mkPen(color, width=lw))
            return
        for i, curves in enumerate([a_curves, *self.run_curves]):
            for c, test in zip(curves, (False, True, False, True)):
                c.setPen(run_pen(i, lw, test))

    def _set_bars(self, values: np.ndarray, others: list[np.ndarray] = ()) -> None:
        """Bars on a log scale drawn by hand: height log10(value) above the smallest decade.
        ``others``: the compared runs' values, each run's bars hatched beside A's solid
        ones, in the order of the runs."""
        runs = [positive_or_nan(values), *(positive_or_nan(o) for o in others)]
        k = len(runs)
        width = 0.6 if k == 1 else 0.84 / k
        while len(self.run_bars) < k - 1:
            item = pg.BarGraphItem(x=[], height=[], width=width, y0=0)
            self.bars_plot.addItem(item)
            self.run_bars.append(item)
        for item in self.run_bars[k - 1 :]:
            item.setVisible(False)
        items = [self.bars, *self.run_bars[: k - 1]]
        logs = [np.log10(v) for v in runs if np.isfinite(v).any()]
        empty = not logs or not np.isfinite(runs[0]).any()
        if not empty:
            lo = np.floor(min(np.nanmin(g) for g in logs)) - 0.5
            hi = np.ceil(max(np.nanmax(g) for g in logs))
        for i, (item, v) in enumerate(zip(items, runs)):
            n = len(v)
            x = np.arange(1, n + 1) + (i - (k - 1) / 2) * width
            # Every setOpts passes one brush per bar: BarGraphItem keeps a stale, shorter
            # brush list otherwise, and its paint() raises IndexError (a crash inside a Qt
            # virtual).
            brushes = [self._bar_brush(j, i) for j in range(n)]
            pens = [pg.mkPen(LAYER_COLORS[j % len(LAYER_COLORS)], width=1) for j in range(n)]
            if empty:
                item.setOpts(x=x, height=np.zeros(n), y0=0, brushes=brushes, pens=pens, width=width)
                continue
            heights = np.where(np.isfinite(v), np.log10(v) - lo, 0.0)
            y0 = np.full(n, lo)
            item.setOpts(x=x, height=heights, y0=y0, brushes=brushes, pens=pens, width=width)
            item.setVisible(True)
        self._set_empty(self.bars_plot, empty)
        if not empty:
            self.bars_plot.setYRange(lo, max(hi, lo + 1), padding=0.02)
        # a compared run may be deeper than A (0 | 1 hidden layer): every run's layers
        n = max(self._depth, *(len(v) for v in runs))
        if n != self._bar_layers:
            self._bar_layers = n
            self.bars_plot.setXRange(0.4, n + 0.6, padding=0)
            self.bars_plot.getAxis("bottom").setTicks([[(j, str(j)) for j in range(1, n + 1)]])

    @staticmethod
    def _bar_brush(layer: int, run: int) -> pg.QtGui.QBrush:
        """Layer ``layer``'s colour: solid for A, hatched for the compared runs."""
        color = QColor(LAYER_COLORS[layer % len(LAYER_COLORS)])
        if run == 0:
            return pg.mkBrush(color)
        return pg.QtGui.QBrush(color, BAR_HATCHES[(run - 1) % len(BAR_HATCHES)])

    @staticmethod
    def _set_empty(p: pg.PlotWidget, empty: bool) -> None:
        axis = p.getPlotItem().getAxis("left")
        if axis.empty != empty:
            axis.empty = empty
            axis.picture = None
            axis.update()

    def clear(self) -> None:
        for c in (self.train_loss, self.test_loss, self.train_acc, self.test_acc, self.spike_marks):
            c.setData([], [])
        for c in self.delta_curves:
            c.setData([], [])
        for curves in self.run_curves:
            for c in curves:
                c.setData([], [])
        self._drop_run_deltas(0)
        self._show_end_labels([], None, False)

    @property
    def all_plots(self) -> tuple[pg.PlotWidget, ...]:
        """Every plot of the column, top to bottom (a second tab's in the δ plot's place)."""
        extra = tuple(self.delta_tab.plots) if self.delta_tab is not None else ()
        return (self.loss_plot, self.acc_plot, self.delta_plot, *extra, self.bars_plot)

    # --- the δ place's second tab ----------------------------------------------------------
    def add_delta_tab(self, tab) -> None:
        """A tab beside the |δ| plot: ``tab.label`` names it (``tab.tooltip`` says more), and
        when it is chosen its ``tab.plots`` (with ``tab.names`` and ``tab.weights``) take
        the δ plot's place and priority; the δ part of each update goes to
        ``tab.update_snapshot(snapshot)``, a new number of layers to ``tab.set_depth(L)``,
        the presentation's line width to ``tab.set_line_width(px)``. ``tab.plots`` may be
        empty until the tab is first chosen: then ``tab.build()`` makes them (a window
        starts faster without plots nobody has looked at yet)."""
        self.delta_tab = tab
        self._tab_adopted = False
        bar = QTabBar(self)
        bar.setObjectName("deltaTabs")
        bar.setDocumentMode(True)
        bar.setDrawBase(False)
        # as low as the log-scale box beside it: the tabs cost the plots no height
        bar.setStyleSheet(
            "QTabBar::tab { padding: 1px 8px; margin: 0px 1px 0px 0px; color: #444444;"
            " background: #E2E2E2; border: 1px solid #BBBBBB; border-radius: 3px; }"
            "QTabBar::tab:selected { color: #000000; background: #FFFFFF;"
            " border: 1px solid #0072B2; }"
        )
        bar.setExpanding(False)
        bar.setElideMode(Qt.TextElideMode.ElideNone)
        bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bar.addTab("|δ| per layer")
        bar.addTab(tab.label)
        bar.setTabToolTip(0, "The backward signal of every layer over the steps")
        bar.setTabToolTip(1, tab.tooltip)
        self.tab_bar = bar
        if tab.plots:
            self._adopt_tab_plots()
        bar.currentChanged.connect(self._on_tab)

    def _adopt_tab_plots(self) -> None:
        """The second tab's plots into the column (made now if the tab makes them late)."""
        tab = self.delta_tab
        if not tab.plots:
            tab.build()
        self._tab_adopted = True
        for p in tab.plots:
            p.setParent(self)
            self._wanted[p] = False
            self.names[p] = tab.names[p]
            self._weight[p] = tab.weights[p]
        self._priority = (
            self.loss_plot,
            self.delta_plot,
            *tab.plots,
            self.acc_plot,
            self.bars_plot,
        )
        self.set_font_scale(self._font_scale)  # the new plots in the column's type

    @property
    def tab_index(self) -> int:
        """The δ place's tab: 0 the |δ| plot (also with no second tab), 1 the second."""
        return self.tab_bar.currentIndex() if self.tab_bar is not None else 0

    def show_tab(self, index: int) -> None:
        if self.tab_bar is not None:
            self.tab_bar.setCurrentIndex(index)

    def _on_tab(self, index: int) -> None:
        second = index == 1
        if second and not self._tab_adopted:
            self._adopt_tab_plots()
        self._wanted[self.delta_plot] = not second
        for p in self.delta_tab.plots:
            self._wanted[p] = second
        self.arrange()
        if self._last is not None:
            self.update_snapshot(self._last, ("delta",))
        self.tabChanged.emit(index)

    # --- which plots are shown, and where ------------------------------------------------
    def set_wanted(self, plot: pg.PlotWidget, wanted: bool) -> None:
        """Whether ``plot`` belongs in the column now (accuracy only for classification,
        the bars not beside the docked inspector); shown if it also has room."""
        if self._wanted.get(plot) != bool(wanted):
            self._wanted[plot] = bool(wanted)
            self.arrange()

    def is_wanted(self, plot: pg.PlotWidget) -> bool:
        return self._wanted.get(plot, False)

    def min_view(self) -> int:
        """The smallest data area a shown plot keeps (px high): three tick labels."""
        return self._min_view

    def min_view_width(self) -> int:
        return self._min_view_width

    def _overhead(self, p: pg.PlotWidget, labelled: bool) -> int:
        """A plot's height beyond its data area: title, step axis (and its name), margins."""
        pi = p.getPlotItem()
        title = pi.layout.rowMinimumHeight(0)
        labelled = labelled or not p.step_axis  # "layer ℓ" under the bars, always
        return int(title + self._axis_height(labelled) + 2 + 2 * p.frameWidth())

    def _axis_height(self, labelled: bool) -> int:
        return self._tick_height + (self._label_height if labelled else 0)

    def _plot_rect_width(self) -> int:
        return max(1, self.width() - RIGHT_MARGIN)

    def arrange(self) -> None:
        """Show the plots that have room (by priority), give each its share of the height,
        and say which ones had to go."""
        if self._arranging or not self.isVisible():
            return  # hidden (or being destroyed, its items first): laid out when shown
        self._arranging = True
        try:
            self._arrange()
        finally:
            self._arranging = False

    def _arrange(self) -> None:
        width = self._plot_rect_width()
        self._set_titles(width)
        top = self._place_top_row(width)
        wanted = [p for p in self._priority if self._wanted[p]]
        note_h, text = 0, ""
        for _ in range(3):  # the note's own line may leave room for one plot fewer
            chosen = self._choose(wanted, self.height() - top - note_h, width)
            hidden = [p for p in wanted if p not in chosen]
            text = ("No room for: " + ", ".join(self.names[p] for p in hidden)) if hidden else ""
            if text != self.hidden_note.text():
                self.hidden_note.setText(text)
            need = self.hidden_note.heightForWidth(width) + SPACING if text else 0
            if need <= note_h:
                break
            note_h = need
        order = [p for p in self.all_plots if p in chosen]
        time_plots = [p for p in order if p.step_axis]
        labelled = time_plots[-1] if time_plots else None
        for p in self.all_plots:
            if p.step_axis:
                self._label_steps(p, p is labelled)
        avail = self.height() - top - note_h
        mins = {p: self._overhead(p, p is labelled) + self._min_view for p in order}
        spare = max(0, avail - sum(mins.values()) - SPACING * max(0, len(order) - 1))
        weights = sum(self._weight[p] for p in order) or 1
        y = top
        for i, p in enumerate(order):
            h = mins[p] + int(spare * self._weight[p] / weights)
            if i == len(order) - 1:
                h = max(mins[p], self.height() - y - note_h)
            p.setGeometry(0, y, width, h)
            y += h + SPACING
        for p in self.all_plots:
            if p not in chosen:  # the width it will have when shown (its title is set so)
                p.setGeometry(0, top, width, self._overhead(p, False) + self._min_view)
            p.setVisible(p in chosen)
        if text:
            self.hidden_note.setGeometry(2, self.height() - note_h + SPACING, width, note_h)
        self.hidden_note.setVisible(bool(text))

    def _top_height(self, width: int) -> int:
        """The row over the plots: the log-scale box, and the δ place's tabs beside it
        (under it when the column is too narrow for both)."""
        box = self.log_loss_box.sizeHint()
        if self.tab_bar is None:
            return box.height() + 2
        bar = self.tab_bar.sizeHint()
        if box.width() + 12 + bar.width() <= width:
            return max(box.height(), bar.height()) + 2
        return box.height() + bar.height() + 2

    def _place_top_row(self, width: int) -> int:
        top = self._top_height(width)
        box = self.log_loss_box.sizeHint()
        self.log_loss_box.setGeometry(2, 0, min(width, box.width()), box.height() + 2)
        bar = self.tab_bar
        if bar is not None:
            hint = bar.sizeHint()
            one_row = box.width() + 12 + hint.width() <= width
            x, y = (width - hint.width(), 0) if one_row else (0, box.height() + 2)
            bar.setGeometry(max(0, x), y, min(width, hint.width()), hint.height())
        return top

    def _choose(self, wanted: list[pg.PlotWidget], avail: int, width: int) -> list:
        """The plots that fit ``avail`` pixels at their smallest, by priority; the loss plot
        always (the column's minimum is its size). All of them need ``min_view_width``."""
        chosen: list[pg.PlotWidget] = []
        for p in wanted:
            trial = [q for q in self.all_plots if q in chosen or q is p]
            times = [q for q in trial if q.step_axis]
            need = sum(
                self._overhead(q, bool(times) and q is times[-1]) + self._min_view for q in trial
            ) + SPACING * (len(trial) - 1)
            narrow = width - self._axis_width < self._min_view_width
            if p is self.loss_plot or (need <= avail and not narrow):
                chosen.append(p)
        return chosen

    def _label_steps(self, p: pg.PlotWidget, on: bool) -> None:
        """The axis name "step" under the lowest time plot only (they share the axis)."""
        axis = p.getPlotItem().getAxis("bottom")
        if axis.label.isVisible() != on:
            axis.showLabel(on)
        axis.setHeight(self._axis_height(on))

    @guarded(default=QSize(0, 0))
    def minimumSizeHint(self) -> QSize:  # noqa: N802
        top = self._top_height(self.minimumWidth())
        h = top + self._overhead(self.loss_plot, True) + self._min_view
        return QSize(self.minimumWidth(), h)

    @guarded(default=QSize(0, 0))
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.minimumWidth(), 4 * 160)

    def _set_titles(self, width: int | None = None) -> None:
        width = self._plot_rect_width() if width is None else width
        for p in self.all_plots:
            # a title and legend wider than the plot made pyqtgraph lay the whole plot out
            # wider than its widget, cutting off its right edge: the legend goes on a line
            # of its own instead
            room = width - 12
            entries = tuple(p.legend_entries)
            title = p.legend_title
            if html_width(title, self._title_pt) > room:
                title = p.short_title  # large type in a narrow column
            rows = _legend_rows(title, entries, self._title_pt, int(room))
            key = (title, rows, self._title_pt, entries)
            if getattr(p, "legend_wrapped", None) == key:
                continue  # unchanged: setting the title again re-lays out the plot
            p.legend_wrapped = key
            html = legend_html(title, p.legend_entries, rows)
            pi = p.getPlotItem()
            pi.setTitle(html, color="#222", size=f"{self._title_pt:.0f}pt")
            # pyqtgraph gives the title a fixed 30-px row: a wrapped legend or large type
            # spilled over the plot above and under the curves; a one-line title needs
            # less (the plots are short on a 768-line screen)
            height = math.ceil(pi.titleLabel.itemRect().height()) + 2
            pi.titleLabel.setMaximumHeight(height)
            pi.layout.setRowFixedHeight(0, height)
            pi.layout.activate()  # now, not at the next turn: a paint may come first

    @guarded
    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.arrange()

    @guarded
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.arrange()

    def set_font_scale(self, scale: float) -> None:
        self._font_scale = scale
        pt = max(6.0, 10.0 * scale)
        self._title_pt = pt
        font = QFont()
        font.setPointSizeF(pt)
        fm = QFontMetrics(font)
        offset = max(3, int(pt / 3))
        # the left axis holds the widest tick label and the rotated axis name beside it, so
        # neither overwrites the other (a fixed width: labels of changing length would
        # re-layout the plot on every update)
        width = max(AXIS_WIDTH, fm.horizontalAdvance(WIDEST_TICK) + fm.height() + 14)
        self._axis_width = width
        self._tick_height = fm.height() + offset + 2
        self._label_height = fm.height() + 2
        self._min_view = max(MIN_VIEW_PX, math.ceil(MIN_VIEW_LINES * fm.height()))
        self._min_view_width = max(MIN_VIEW_WIDTH, 10 * fm.horizontalAdvance("0"))
        for p in self.all_plots:
            pi = p.getPlotItem()
            for ax in ("left", "bottom"):
                axis = pi.getAxis(ax)
                axis.setStyle(tickFont=font, tickTextOffset=offset)
                axis.label.setFont(font)
                axis.picture = None
            pi.getAxis("left").setWidth(width)
            pi.getAxis("bottom").setHeight(self._axis_height(not p.step_axis))
            p.setMinimumHeight(0)
            p.legend_wrapped = None  # the title is set afresh at this size
        # room for the axis and a usable data area beside it: wider with the type
        self.setMinimumWidth(width + self._min_view_width + RIGHT_MARGIN + 4)  # + margins
        self.updateGeometry()
        self.arrange()

    def set_line_width(self, width: int) -> None:
        """Curve pens (thicker in presentation mode, so a back row sees them)."""
        self._line_width = max(1, int(width))
        self._style_runs()
        pairs = [(c, LAYER_COLORS[i % len(LAYER_COLORS)]) for i, c in enumerate(self.delta_curves)]
        for curve, color in pairs:
            curve.setPen(pg.mkPen(color, width=self._line_width))
        for curves in self.run_delta.values():
            for curve in curves:
                pen = QPen(curve.opts["pen"])
                pen.setWidth(self._line_width)
                curve.setPen(pen)
        if self.delta_tab is not None:
            self.delta_tab.set_line_width(self._line_width)
