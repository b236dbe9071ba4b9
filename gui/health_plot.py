"""The layer-health tab of the plot column, beside the |δ| plot: how fast each layer's
weights move, how many of its units are stuck, and how its activations are spread now.

* **log₁₀(update / weight)** per layer over the steps, from the history's
  ``log_update_ratio`` column (engine/health.py: the RMS of the step the optimizer took
  over the RMS of the weights), with the rule of thumb −3 marked: far above it α is too
  large for the layer, far below it the layer barely learns;
* **the saturated share** per hidden layer over the steps (``saturated_share``): sigmoid
  or tanh units at a bound on nearly every training point, or ReLU units never active;
* **the activations now**: a small histogram of each hidden layer's outputs over the
  training points, side by side, each on its activation's range (tanh −1 … 1). They come
  from the engine thread with each frame (``hidden_model.HistogramSource``, a frame extra
  the window asks for only while this tab is shown), and are drawn with the other plots.

The plots are made when the tab is first chosen (``build``) and laid out by the column
(gui/plots.py ``add_delta_tab``); this module fills them.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from backprop_lab.engine.health import Histogram
from backprop_lab.engine.notation import sup

from .colors import LAYER_HEX
from .plots import make_plot, value_range

RULE_OF_THUMB = -3.0  # log₁₀ of the update-to-weight ratio courses call healthy
RULE_HEX = "#444444"
BIN_SPAN = 0.84  # of a layer's slot on the histogram plot's axis
HIST_TIP = (
    "A histogram of each hidden layer's outputs over the training points, at the step "
    "shown: each on its activation's range (ReLU: a range that follows the values), each "
    "to its own height"
)


def _layer_entries(layers: range) -> list[tuple[str, str]]:
    return [(str(k), LAYER_HEX[(k - 1) % len(LAYER_HEX)]) for k in layers]


def finite_or_nan(values: np.ndarray) -> np.ndarray:
    v = np.array(values, dtype=np.float64)
    v[~np.isfinite(v)] = np.nan
    return v


def ratio_range(columns: list[np.ndarray]) -> tuple[float, float]:
    """The ratio plot's range: the finite values, always with the rule of thumb in view."""
    r = value_range(columns, False)
    lo, hi = (RULE_OF_THUMB - 0.5, RULE_OF_THUMB + 0.5) if r is None else r
    return min(lo, RULE_OF_THUMB - 0.3), max(hi, RULE_OF_THUMB + 0.3)


def ratio_ticks(lo: float, hi: float, most: int = 3) -> list[tuple[float, str]]:
    """Whole decades of the ratio axis, at most ``most`` (and always the rule of thumb): a
    short plot (presentation type on 768 lines) showed no label at all."""
    whole = list(range(math.ceil(lo), math.floor(hi) + 1))
    if not whole:
        return []
    step = max(1, math.ceil(len(whole) / most))
    rule = int(RULE_OF_THUMB)
    picked = [v for v in whole if (v - rule) % step == 0]
    return [(float(v), f"{v}".replace("-", "−")) for v in picked]


def histogram_bars(hists: tuple[Histogram, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """(x, width, height, brushes) of every bin of every layer's histogram: layer ℓ's bins
    side by side across [ℓ − 0.42, ℓ + 0.42], each layer scaled to its own tallest bin."""
    xs, heights, brushes = [], [], []
    width = 0.0
    for h in hists:
        n = len(h.counts)
        width = BIN_SPAN / max(1, n)
        shares = h.shares
        top = float(shares.max()) if shares.size and shares.max() > 0 else 1.0
        xs.append(h.layer - BIN_SPAN / 2 + (np.arange(n) + 0.5) * width)
        heights.append(shares / top)
        brushes += [LAYER_HEX[(h.layer - 1) % len(LAYER_HEX)]] * n
    if not xs:
        return np.zeros(0), np.zeros(0), np.zeros(0), []
    return np.concatenate(xs), np.full(len(brushes), width), np.concatenate(heights), brushes


def range_text(hists: tuple[Histogram, ...]) -> tuple[str, str]:
    """(the line over the histograms, the tooltip): 'tanh −1 … 1' when every layer has
    the same range, else which layers follow their own (each named in the tooltip)."""

    def span(h: Histogram) -> str:
        lo, hi = (f"{v:.3g}".replace("-", "−") for v in (h.edges[0], h.edges[-1]))
        return f"{lo} … {hi}"

    per_layer = "\n".join(f"h{sup(h.layer)} ({h.activation}): {span(h)}" for h in hists)
    if len({(h.activation, span(h)) for h in hists}) == 1:
        return f"{hists[0].activation} {span(hists[0])}", per_layer
    acts = sorted({h.activation for h in hists})
    return f"{', '.join(acts)}: each layer on its own range", per_layer


class LayerHealth:
    """The three plots of the tab and what fills them (the column owns their layout)."""

    label = "Layer health"
    tooltip = (
        "Per layer: log₁₀ of the update-to-weight ratio (about −3 is healthy), the share "
        "of saturated or dead units, and the activations now"
    )

    def __init__(self) -> None:
        # the plots are made when the tab is first chosen (``build``, by the column): until
        # then only what they will show is kept
        self.plots: tuple[pg.PlotWidget, ...] = ()
        self.names: dict = {}
        self.weights: dict = {}
        self.ratio_curves: list[pg.PlotDataItem] = []
        self.saturated_curves: list[pg.PlotDataItem] = []
        self.histograms: tuple[Histogram, ...] = ()
        self._drawn_histograms: tuple[Histogram, ...] | None = None
        self._depth = -1
        self._wanted_depth = -1
        self._line_width = 1
        self._ratio_ticks: list | None = None
        self.frames_drawn = 0

    @property
    def built(self) -> bool:
        return bool(self.plots)

    def build(self) -> None:
        if self.built:
            return
        self.ratio_plot = make_plot(
            "log₁₀ update/weight, ℓ =", "log₁₀ ratio", "log₁₀ update/W, ℓ ="
        )
        self.ratio_plot.setToolTip(
            "log₁₀(RMS of the step the optimizer took / RMS of the weights) of each layer. "
            "About −3 is the rule of thumb (dashed): far above, α is too large for the "
            "layer; far below, the layer barely learns."
        )
        rule = pg.InfiniteLine(
            pos=RULE_OF_THUMB,
            angle=0,
            pen=pg.mkPen(RULE_HEX, width=1, style=pg.QtCore.Qt.PenStyle.DashLine),
            label="−3",
            labelOpts={"position": 0.02, "color": RULE_HEX, "anchors": [(0, 1), (0, 1)]},
        )
        self.rule = rule
        self.ratio_plot.addItem(rule)
        self.saturated_plot = make_plot("Saturated or dead units, ℓ =", "share", "Stuck units, ℓ =")
        self.saturated_plot.setToolTip(
            "The share of each hidden layer's units that are stuck: sigmoid or tanh units "
            "within 1 % of a bound on at least 95 % of the training points, or ReLU units "
            "never active on them. A stuck unit passes almost no δ back."
        )
        self.saturated_plot.setYRange(-0.02, 1.02, padding=0)
        self.saturated_plot.getAxis("left").setTicks(
            [[(0.0, "0"), (0.5, "0.5"), (1.0, "1")], [(v / 10, "") for v in range(1, 10)]]
        )
        self.hist_plot = make_plot("Activations now", "", "Activations now", step_axis=False)
        self.hist_plot.setLabel("bottom", "layer ℓ")
        self.hist_plot.setMouseEnabled(x=False, y=False)
        self.hist_plot.setToolTip(HIST_TIP)
        self.hist_plot.getAxis("left").setTicks([[]])
        self.hist_plot.setYRange(0, 1.3, padding=0)  # room for the range over the bars
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.1, y0=0)
        self.hist_plot.addItem(self.bars)
        # each histogram's x range (the activation's), in the plot's top left corner
        self.range_label = pg.TextItem("", color="#333333", anchor=(0, 0))
        self.range_label.setPos(0.45, 1.3)
        self.hist_plot.addItem(self.range_label)
        self.plots = (self.ratio_plot, self.saturated_plot, self.hist_plot)
        self.names = {
            self.ratio_plot: "update/weight ratio",
            self.saturated_plot: "saturated share",
            self.hist_plot: "activation histograms",
        }
        self.weights = {self.ratio_plot: 3, self.saturated_plot: 2, self.hist_plot: 2}
        if self._wanted_depth >= 0:
            self.set_depth(self._wanted_depth)

    # --- the curves ---------------------------------------------------------------------------
    def set_depth(self, depth: int) -> None:
        """A curve and a legend entry per layer ℓ = 1..``depth`` (hidden layers only for
        the saturated share and the histograms)."""
        self._wanted_depth = depth
        if depth == self._depth or not self.built:
            return
        self._depth = depth
        for plot, curves in (
            (self.ratio_plot, self.ratio_curves),
            (self.saturated_plot, self.saturated_curves),
        ):
            for c in curves:
                plot.removeItem(c)
            curves.clear()
        for k in range(1, depth + 1):
            pen = pg.mkPen(LAYER_HEX[(k - 1) % len(LAYER_HEX)], width=self._line_width)
            self.ratio_curves.append(self.ratio_plot.plot(pen=pen, name=f"layer {k}"))
        for k in range(1, depth):
            pen = pg.mkPen(LAYER_HEX[(k - 1) % len(LAYER_HEX)], width=self._line_width)
            self.saturated_curves.append(self.saturated_plot.plot(pen=pen, name=f"layer {k}"))
        self.ratio_plot.legend_entries = _layer_entries(range(1, depth + 1))
        self.saturated_plot.legend_entries = _layer_entries(range(1, depth))
        ax = self.hist_plot.getAxis("bottom")
        ax.setTicks([[(k, str(k)) for k in range(1, depth)]])
        self.hist_plot.setXRange(0.45, max(1, depth - 1) + 0.55, padding=0)
        self.range_label.setPos(0.45, 1.3)

    def update_snapshot(self, snap) -> None:
        """The curves from the snapshot's history, and the latest histograms."""
        h = snap.history
        self.set_depth(h.log_update_ratio.shape[1])
        if not self.built:
            return
        steps = h.step.astype(np.float64)
        x_hi = max(float(steps[-1]) if len(steps) else 1.0, 1.0)
        ratios = [finite_or_nan(col) for col in h.log_update_ratio.T]
        for c, r in zip(self.ratio_curves, ratios):
            c.setData(steps, r, connect="finite")
        self.ratio_plot.setXRange(0.0, x_hi, padding=0.02)
        lo, hi = ratio_range(ratios)
        self.ratio_plot.setYRange(lo, hi, padding=0)
        ticks = ratio_ticks(lo, hi)
        if ticks != self._ratio_ticks:  # a new tick set repaints the axis: only on a change
            self._ratio_ticks = ticks
            self.ratio_plot.getAxis("left").setTicks([ticks])
        shares = [finite_or_nan(col) for col in h.saturated_share.T[: len(self.saturated_curves)]]
        for c, v in zip(self.saturated_curves, shares):
            c.setData(steps, v, connect="finite")
        self.saturated_plot.setXRange(0.0, x_hi, padding=0.02)
        self.draw_histograms()
        self.frames_drawn += 1

    # --- the histograms -----------------------------------------------------------------------
    def set_histograms(self, hists, draw: bool = False) -> None:
        """The latest histograms (a frame's extra); ``draw``: now (a paused frame), else
        with the next update of the curves."""
        if isinstance(hists, BaseException) or hists is None:
            hists = ()
        self.histograms = tuple(hists)
        if draw:
            self.draw_histograms()

    def draw_histograms(self) -> None:
        hists = self.histograms
        if hists is self._drawn_histograms or not self.built:
            return
        self._drawn_histograms = hists
        x, width, height, brushes = histogram_bars(hists)
        # one brush per bar every time: a stale, shorter brush list makes paint() raise
        self.bars.setOpts(x=x, height=height, width=width, y0=np.zeros(len(x)), brushes=brushes)
        line, ranges = range_text(hists) if hists else ("", "")
        self.range_label.setText(line)
        self.hist_plot.setToolTip(f"{HIST_TIP}\n{ranges}" if ranges else HIST_TIP)

    def set_line_width(self, width: int) -> None:
        self._line_width = max(1, int(width))
        for curves in (self.ratio_curves, self.saturated_curves):
            for k, c in enumerate(curves):
                c.setPen(pg.mkPen(LAYER_HEX[k % len(LAYER_HEX)], width=self._line_width))
