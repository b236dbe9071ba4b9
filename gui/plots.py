"""Live training plots: loss, accuracy, and the per-layer backward signal δ^(ℓ) = dℒ/dz^(ℓ).

All drawing happens in the GUI thread from a ``Snapshot`` (fresh copies made by the engine
thread). Curves are re-set from the bounded history each frame; pens are thin and not
antialiased, and the plot items clip and downsample.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pyqtgraph as pg
from backprop_lab.engine import Snapshot
from backprop_lab.engine.history import HistoryArrays
from backprop_lab.engine.notation import delta_label
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from .colors import LAYER_HEX

TRAIN_COLOR = "#0072B2"
TEST_COLOR = "#D55E00"
# one colour per layer ℓ = 1..8 (Okabe–Ito order, starting from the most distinct)
AXIS_WIDTH = 52
WIDEST_TICK = "0.0000"  # the left axes are sized for this label (the labels are ≤ 6 wide)
LAYER_COLORS = LAYER_HEX  # nine: δ⁽¹⁾ … δ⁽⁹⁾ each its own


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
    k-th when there are many), plus 2× and 5× when fewer than three decades are in view."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return []
    span = hi - lo
    mults = (1, 2, 5) if minor and span < 3 else (1,)
    every = max(1, math.ceil(span / max_ticks))
    ticks = []
    for d in range(math.floor(lo), math.ceil(hi) + 1):
        if d % every:
            continue
        for m in mults:
            v = math.log10(m) + d
            if lo <= v <= hi:
                ticks.append((v, _decade_label(m, d)))
    if len(ticks) < 2:  # a narrow range: label its ends too, with digits enough to differ
        ends = (lo + 0.1 * span, hi - 0.1 * span)
        if not all(-300 < v < 300 for v in ends):
            return ticks + [(v, f"1e{v:.0f}") for v in ends]
        for digits in range(2, 7):
            labels = [f"{10.0**v:.{digits}g}" for v in ends]
            if labels[0] != labels[1]:
                break
        # still equal (a flat curve): one label in the middle says the value
        extra = [((lo + hi) / 2, labels[0])] if labels[0] == labels[1] else zip(ends, labels)
        shown = {label for _v, label in ticks}
        ticks += [(v, label) for v, label in extra if label not in shown]
    return ticks


def legend_html(title: str, entries: list[tuple[str, str]], per_line: int = 0) -> str:
    """A title followed by its legend (a coloured bar before each name): a legend in the
    title never covers a curve, and it grows with the title's font. ``per_line`` > 0 puts
    the legend under the title, that many entries a line (a narrow plot column)."""
    # a line for a few entries; for many layers a square each (a short "━" read as "−1")
    bar = "━━" if len(entries) <= 3 else "■"
    keys = [f'<span style="color:{color}">{bar}</span>&thinsp;{name}' for name, color in entries]
    if not keys:
        return title
    if per_line <= 0:
        return f"{title}&nbsp;&nbsp;&nbsp;{'&nbsp;&nbsp;'.join(keys)}"
    rows = ["&nbsp;&nbsp;".join(keys[i : i + per_line]) for i in range(0, len(keys), per_line)]
    return "<br>".join([title, *rows])


def legend_text(title: str, entries: list[tuple[str, str]]) -> str:
    """The plain text ``legend_html`` shows on one line (for measuring it)."""
    bar = "━━" if len(entries) <= 3 else "■"
    keys = "  ".join(f"{bar} {name}" for name, _c in entries)
    return f"{title}   {keys}" if keys else title


def legend_per_line(title: str, entries: list[tuple[str, str]], fm: QFontMetrics, room: int) -> int:
    """0 if the title and its legend fit ``room`` pixels on one line; otherwise the most
    legend entries a line under the title can hold (at least one)."""
    if not entries or fm.horizontalAdvance(legend_text(title, entries)) <= room:
        return 0
    for k in range(len(entries), 1, -1):
        widest = max(
            fm.horizontalAdvance(legend_text("", entries[i : i + k]))
            for i in range(0, len(entries), k)
        )
        if widest <= room:
            return k
    return 1


def _plot(title: str, y_label: str) -> pg.PlotWidget:
    w = pg.PlotWidget(background="w")
    pi = w.getPlotItem()
    pi.setTitle(title, color="#222")
    w.legend_title = title  # the title before its legend (``legend_html``)
    pi.setLabel("left", y_label, color="#222")
    pi.setLabel("bottom", "step", color="#222")
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
    w.setMinimumHeight(110)
    return w


class TrainingPlots(QWidget):
    """Loss and accuracy against step; mean |δ^(ℓ)| per layer (log) and the current bars."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 6, 0)
        lay.setSpacing(2)

        opts = QHBoxLayout()
        self.log_loss_box = QCheckBox("log-scale loss")
        self.log_loss_box.setChecked(True)
        opts.addWidget(self.log_loss_box)
        opts.addStretch(1)
        lay.addLayout(opts)

        split = [("train", TRAIN_COLOR), ("test", TEST_COLOR)]
        self.loss_plot = _plot("Loss −log p(y|x)", "loss")
        self.loss_plot.legend_entries = split
        # named (File → Export's plot data uses the names); the legend is in the title
        self.train_loss = self.loss_plot.plot(pen=pg.mkPen(TRAIN_COLOR, width=1), name="train")
        self.test_loss = self.loss_plot.plot(pen=pg.mkPen(TEST_COLOR, width=1), name="test")
        self.loss_plot.setLogMode(y=True)

        self.acc_plot = _plot("Accuracy", "accuracy")
        self.acc_plot.legend_entries = split
        self.train_acc = self.acc_plot.plot(pen=pg.mkPen(TRAIN_COLOR, width=1), name="train")
        self.test_acc = self.acc_plot.plot(pen=pg.mkPen(TEST_COLOR, width=1), name="test")
        self.acc_plot.setYRange(0, 1.02, padding=0)
        # three labels: a short plot has no room for 0.2, 0.4, 0.6, 0.8 (they overlapped)
        self.acc_plot.getAxis("left").setTicks(
            [[(0.0, "0"), (0.5, "0.5"), (1.0, "1")], [(v / 10, "") for v in range(1, 10)]]
        )
        self.acc_plot.getPlotItem().getViewBox().setLimits(yMin=-0.05, yMax=1.05)

        self.delta_plot = _plot("|δ⁽ℓ⁾|, ℓ =", "mean |δ|")
        self.delta_plot.setToolTip("δ⁽ℓ⁾ = dℒ/dz⁽ℓ⁾, the backward signal of layer ℓ")
        self.delta_plot.setLogMode(y=True)
        self.delta_plot.legend_entries = []
        self.delta_curves: list[pg.PlotDataItem] = []

        self.bars_plot = _plot("Now: mean |δ⁽ℓ⁾| (log)", "")
        self.bars_plot.legend_entries = []
        self.bars_plot.setLabel("bottom", "layer ℓ")
        self.bars_plot.setLogMode(y=False)
        self.bars_plot.setMouseEnabled(x=False, y=False)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6, y0=0)
        self.bars_plot.addItem(self.bars)

        lay.addWidget(self.loss_plot, 3)
        lay.addWidget(self.acc_plot, 2)
        lay.addWidget(self.delta_plot, 3)
        lay.addWidget(self.bars_plot, 2)
        self.log_loss_box.toggled.connect(self._on_log_loss)
        self.frames_drawn = 0
        self._depth = 0
        self._title_pt = 11.0
        self._line_width = 1
        self._set_titles()

    # --- updates ------------------------------------------------------------------------
    def _on_log_loss(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)
        if self._last is not None:
            self.update_snapshot(self._last)

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
        self._set_titles()
        ax = self.bars_plot.getAxis("bottom")
        ax.setTicks([[(i, layer_name(i)) for i in range(1, depth + 1)]])
        self.bars_plot.setXRange(0.4, depth + 0.6, padding=0)
        self._depth = depth

    PARTS = ("loss", "acc", "delta", "bars")

    def update_snapshot(self, snap: Snapshot, parts: tuple[str, ...] = PARTS) -> None:
        """Redraw the named plots from the snapshot (the history is bounded: ≤ 4096 rows).
        While training, the window updates one plot per frame so no frame stalls long."""
        self._last = snap
        h = snap.history
        steps = h.step.astype(np.float64)
        x_hi = max(float(steps[-1]) if len(steps) else 1.0, 1.0)
        if "loss" in parts:
            log_loss = self.log_loss_box.isChecked()
            fix = positive_or_nan if log_loss else (lambda v: v)
            self.train_loss.setData(steps, fix(h.train_loss), connect="finite")
            self.test_loss.setData(steps, fix(h.test_loss), connect="finite")
            self.loss_plot.setXRange(0.0, x_hi, padding=0.02)
            r = value_range([h.train_loss, h.test_loss], log_loss)
            if r is not None:
                self.loss_plot.setYRange(*r, padding=0)
                # pyqtgraph labels every minor tick of a short log axis: set our own
                ticks = [log_ticks(*r)] if log_loss else None
                self.loss_plot.getAxis("left").setTicks(ticks)
        if "acc" in parts:
            classification = snap.dataset.task == "classification"
            self.acc_plot.setVisible(classification)
            if classification:
                self.train_acc.setData(steps, h.train_acc, connect="finite")
                self.test_acc.setData(steps, h.test_acc, connect="finite")
                self.acc_plot.setXRange(0.0, x_hi, padding=0.02)
        deltas = delta_columns(h)
        self._ensure_layers(len(deltas))
        if "delta" in parts:
            for c, d in zip(self.delta_curves, deltas):
                c.setData(steps, positive_or_nan(d), connect="finite")
            self.delta_plot.setXRange(0.0, x_hi, padding=0.02)
            r = value_range(deltas, True)
            # no values yet (step 0): no labels, rather than pyqtgraph's crowded defaults
            self.delta_plot.getAxis("left").setTicks([log_ticks(*r)] if r else [[]])
            if r is not None:
                self.delta_plot.setYRange(*r, padding=0)
        if "bars" in parts:
            self._set_bars(np.asarray(snap.last.delta_mean_abs))
        self.frames_drawn += 1

    def _set_bars(self, values: np.ndarray) -> None:
        """Bars on a log scale drawn by hand: height log10(value) above the smallest decade."""
        v = positive_or_nan(values)
        n = len(v)
        x = np.arange(1, n + 1)
        # Every setOpts passes one brush per bar: BarGraphItem keeps a stale, shorter brush
        # list otherwise, and its paint() raises IndexError (a crash inside a Qt virtual).
        brushes = [LAYER_COLORS[i % len(LAYER_COLORS)] for i in range(n)]
        if n == 0 or not np.isfinite(v).any():
            self.bars.setOpts(x=x, height=np.zeros(n), y0=0, brushes=brushes, width=0.6)
            self.bars_plot.getAxis("left").setTicks([[]])
            return
        logs = np.log10(v)
        lo = np.floor(np.nanmin(logs)) - 0.5
        hi = np.ceil(np.nanmax(logs))
        heights = np.where(np.isfinite(logs), logs - lo, 0.0)
        self.bars.setOpts(x=x, height=heights, y0=np.full(n, lo), brushes=brushes, width=0.6)
        ax = self.bars_plot.getAxis("left")
        ax.setTicks([log_ticks(lo, hi, max_ticks=4, minor=False)])
        self.bars_plot.setYRange(lo, max(hi, lo + 1), padding=0.02)

    def clear(self) -> None:
        for c in (self.train_loss, self.test_loss, self.train_acc, self.test_acc):
            c.setData([], [])
        for c in self.delta_curves:
            c.setData([], [])

    @property
    def all_plots(self) -> tuple[pg.PlotWidget, ...]:
        return (self.loss_plot, self.acc_plot, self.delta_plot, self.bars_plot)

    def _set_titles(self) -> None:
        font = QFont()
        font.setPointSizeF(self._title_pt)
        fm = QFontMetrics(font)
        for p in self.all_plots:
            # a title and legend wider than the plot made pyqtgraph lay the whole plot out
            # wider than its widget, cutting off its right edge: the legend goes on a line
            # of its own instead
            # the title sits above the plot area only, right of the left axis
            room = p.width() - p.getPlotItem().getAxis("left").width() - 16
            per_line = legend_per_line(p.legend_title, p.legend_entries, fm, room)
            key = (per_line, self._title_pt, len(p.legend_entries))
            if getattr(p, "legend_wrapped", None) == key:
                continue  # unchanged: setting the title again re-lays out the plot
            p.legend_wrapped = key
            html = legend_html(p.legend_title, p.legend_entries, per_line)
            pi = p.getPlotItem()
            pi.setTitle(html, color="#222", size=f"{self._title_pt:.0f}pt")
            # pyqtgraph gives the title a fixed 30-px row: a wrapped legend or large type
            # spilled over the plot above and under the curves
            height = max(30.0, pi.titleLabel.itemRect().height())
            pi.titleLabel.setMaximumHeight(height)
            pi.layout.setRowFixedHeight(0, height)
            pi.layout.activate()  # now, not at the next turn: a paint may come first

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        try:
            self._set_titles()
        except Exception:  # noqa: BLE001 - never out of a Qt virtual (it would kill the app)
            logging.getLogger(__name__).exception("plot titles after a resize")

    def set_font_scale(self, scale: float) -> None:
        pt = max(6.0, 10.0 * scale)
        self._title_pt = pt + 1
        font = QFont()
        font.setPointSizeF(pt)
        fm = QFontMetrics(font)
        # the left axis holds the widest tick label and the rotated axis name beside it, so
        # neither overwrites the other (a fixed width: labels of changing length would
        # re-layout the plot on every update)
        width = max(AXIS_WIDTH, fm.horizontalAdvance(WIDEST_TICK) + fm.height() + 14)
        for p in self.all_plots:
            pi = p.getPlotItem()
            for ax in ("left", "bottom"):
                axis = pi.getAxis(ax)
                axis.setStyle(tickFont=font, tickTextOffset=max(3, int(pt / 3)))
                axis.label.setFont(font)
            pi.getAxis("left").setWidth(width)
            pi.getAxis("bottom").setHeight(fm.height() * 2 + 10)
            p.setMinimumHeight(max(110, int(fm.height() * 6.5)))
        # room for the axis, a plot and the title's legend: wider with the type
        self.setMinimumWidth(width + max(200, fm.horizontalAdvance("Loss −log p(y|x)  ━━ train")))
        self._set_titles()

    def set_line_width(self, width: int) -> None:
        """Curve pens (thicker in presentation mode, so a back row sees them)."""
        self._line_width = max(1, int(width))
        pairs = [
            (self.train_loss, TRAIN_COLOR),
            (self.test_loss, TEST_COLOR),
            (self.train_acc, TRAIN_COLOR),
            (self.test_acc, TEST_COLOR),
        ]
        pairs += [(c, LAYER_COLORS[i % len(LAYER_COLORS)]) for i, c in enumerate(self.delta_curves)]
        for curve, color in pairs:
            curve.setPen(pg.mkPen(color, width=self._line_width))
