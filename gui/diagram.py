"""The network diagram: units by layer, weights as edges, each hidden unit's own picture.

* Edges: colour by the sign of W_ij^(ℓ) (vermillion positive, blue negative, as the
  heatmaps), width ∝ |W_ij^(ℓ)| relative to the largest weight of the network.
* Hidden units (a layer of at most ``THUMB_MAX_UNITS`` units) show h_j^(ℓ) over the input
  plane as a small heatmap; hovering a unit shows it enlarged. The output units show the
  network's output over the plane (class colours / regression colours).
* During the backward phases each unit gets a ring whose strength is its mean |δ_j^(ℓ)|
  over the batch, on one scale for the whole network (vanishing gradients show as faint
  rings in the early layers).
* Dead ReLU units get a red cross, saturated sigmoid/tanh units a dashed red ring.
* The layer of the current phase is highlighted (and its incoming weights for the
  forward, dW and update phases).

Drawn with one ``QPainter`` pass: edges are batched by sign and width bin (``edge_batches``),
so 8 layers × 64 units (~29k edges) paint in a few milliseconds. The layout and the
batching are pure functions.

Over 450 lines: the layout, the edges, the unit pictures and the hover share one
painter and one cached layout, and are drawn in one pass.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass

import numpy as np
from backprop_lab.engine.activations import get_activation
from backprop_lab.engine.features import FEATURE_LABELS
from backprop_lab.engine.notation import DOMAIN, sub, sup
from backprop_lab.engine.unit_grid import THUMB_MAX_UNITS
from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from .arrayview import NEGATIVE_HEX, POSITIVE_HEX, diverging_rgba, symmetric_limit
from .colors import CLASS_COLORS, binary_rgba, confidence_luts, lut_index
from .safety import guarded
from .unit_key import formula_lines

HOVER_SIZE = 180  # px of the enlarged thumbnail
WIDTH_BINS = 6
MAX_EDGE_WIDTH = 6.0
MAX_EDGES_PER_LAYER = 256  # the strongest weights of a wide layer pair
SMOOTH_RADIUS = 6.0  # units smaller than this are drawn without antialiasing
OPAQUE_ABOVE = 600  # edges: translucent pens only for small networks (blending is slow)
DELTA_HEX = "#CC79A7"  # reddish purple (Okabe–Ito): the |δ| rings
HEALTH_HEX = "#C00000"
HIGHLIGHT = QColor(255, 214, 102, 90)
RENDER_FREE = 0.006  # s: a picture this cheap is redrawn whenever it changes
# a dearer one at most this share of the time, while frames stream (the engine thread
# waits while the GUI thread draws, so this share is taken from training too)
RENDER_SHARE = 0.15


@dataclass(frozen=True)
class DiagramLayout:
    centres: list[np.ndarray]  # per layer ℓ = 0..L: M_ℓ × 2 (x, y) in pixels
    radius: list[float]  # per layer: node radius in pixels
    thumbs: list[bool]  # per layer: draws a thumbnail per unit


def show_run(diagram: NetworkDiagram, label, run: int, title: str | None, color: str) -> None:
    """A diagram that draws run ``run`` of a comparison: its hand edits are refused on any
    run but A, and ``label`` names the run (``title`` in the run's colour; None: a single
    run, no name). The diagram beside the canvas and the inspector's share this."""
    diagram.shown_run = int(run)
    if title:
        label.setText(f"<b style='color:{color}'>{html.escape(title)}</b>")
        label.show()
    else:
        label.hide()


def legend_html() -> str:
    """The diagram's key as one line of rich text (wraps where it must), for a label
    beside the diagram."""
    keys = [
        (POSITIVE_HEX, "━━", "W &gt; 0"),
        (NEGATIVE_HEX, "━━", "W &lt; 0 (width ∝ |W|)"),
        (DELTA_HEX, "●", "|δ| (backward)"),
        (HEALTH_HEX, "✕", "dead ReLU"),
        (HEALTH_HEX, "◌", "saturated"),
    ]
    return "&emsp;".join(
        f'<span style="white-space:nowrap"><span style="color:{c}">{g}</span>&nbsp;{t}</span>'
        for c, g, t in keys
    )


def diagram_layout(
    widths: tuple[int, ...],
    width: float,
    height: float,
    top: float = 52.0,
    bottom: float = 56.0,
    side: float = 50.0,
) -> DiagramLayout:
    """Layers as evenly spaced columns, units evenly spaced and centred in each column."""
    n = len(widths)
    xs = np.linspace(side, max(side + 1.0, width - side), n) if n > 1 else np.array([width / 2])
    avail = max(20.0, height - top - bottom)
    gap = (xs[1] - xs[0]) if n > 1 else width
    centres, radius, thumbs = [], [], []
    for x, m in zip(xs, widths):
        pitch = avail / m
        r = float(min(pitch * 0.42, gap * 0.22, 34.0))
        ys = top + (np.arange(m) + 0.5) * pitch
        centres.append(np.column_stack([np.full(m, x), ys]))
        radius.append(max(r, 1.5))
        thumbs.append(m <= THUMB_MAX_UNITS and r >= 9.0)
    return DiagramLayout(centres, radius, thumbs)


class EdgeKey:
    """What ``edge_batches`` draws of a set of weights: each edge's sign and width bin,
    and which edges of a wide layer are drawn. Equal keys draw the same edges."""

    def __init__(self, parts: list[np.ndarray]):
        self.parts = parts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EdgeKey) or len(other.parts) != len(self.parts):
            return False
        return all(
            a.shape == b.shape and np.array_equal(a, b) for a, b in zip(self.parts, other.parts)
        )

    __hash__ = None  # type: ignore[assignment]


def edge_key(
    W: list[np.ndarray], bins: int = WIDTH_BINS, max_per_layer: int | None = MAX_EDGES_PER_LAYER
) -> EdgeKey | None:
    """``edge_batches``'s choice for ``W`` (None when it cannot be told cheaply: not
    finite weights), to compare with the last one drawn."""
    if not W or not all(np.isfinite(w).all() for w in W):
        return None
    wmax = max(symmetric_limit(w) for w in W)
    parts = []
    for w in W:
        k = np.clip(np.ceil(np.abs(w) / wmax * bins), 1, bins).astype(np.int8)
        signed = np.where(w > 0, k, np.where(w < 0, -k, 0)).astype(np.int8)
        parts.append(signed)
        if max_per_layer is not None and w.size > max_per_layer:
            flat = np.abs(w[w != 0])
            if flat.size > max_per_layer:
                # the edges drawn: the same call on the same values as edge_batches's
                top = np.argpartition(flat, flat.size - max_per_layer)[-max_per_layer:]
                parts.append(np.sort(top))
    return EdgeKey(parts)


def edge_batches(
    W: list[np.ndarray],
    centres: list[np.ndarray],
    bins: int = WIDTH_BINS,
    max_per_layer: int | None = MAX_EDGES_PER_LAYER,
) -> list[tuple[bool, int, np.ndarray]]:
    """Edges grouped for drawing: ``(positive, width_bin, lines)`` with lines K × 4
    (x0, y0, x1, y1). Bin k of 1..bins holds |W| ∈ ((k−1)/bins, k/bins] × max|W|; weights
    that are exactly 0 (or not finite) are not drawn, and of a wide layer only the
    ``max_per_layer`` largest |W| (a 64 × 64 hairball reads as noise and paints slowly)."""
    wmax = max((symmetric_limit(w) for w in W), default=1.0)
    out = []
    for layer, w in enumerate(W, 1):
        a, b = centres[layer - 1], centres[layer]
        rows, cols = np.nonzero(np.isfinite(w) & (w != 0))
        if rows.size == 0:
            continue
        vals = w[rows, cols]
        if max_per_layer is not None and vals.size > max_per_layer:
            top = np.argpartition(np.abs(vals), vals.size - max_per_layer)[-max_per_layer:]
            rows, cols, vals = rows[top], cols[top], vals[top]
        k = np.clip(np.ceil(np.abs(vals) / wmax * bins), 1, bins).astype(int)
        lines = np.column_stack([a[cols, 0], a[cols, 1], b[rows, 0], b[rows, 1]])
        for positive in (True, False):
            sign = vals > 0 if positive else vals < 0
            for kb in range(1, bins + 1):
                sel = sign & (k == kb)
                if sel.any():
                    out.append((positive, kb, lines[sel]))
    return out


def _same(a: dict[int, np.ndarray], b: dict[int, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def unit_map_rgba(h: np.ndarray, activation: str, limit: float | None = None) -> np.ndarray:
    """One hidden unit's map (R×R, row 0 = lowest y) coloured on a signed scale: a bounded
    activation's output range, centred (sigmoid around ½ on [0, 1], tanh on [−1, 1]); an
    unbounded one (ReLU, identity) on ±``limit``."""
    h = np.atleast_2d(np.asarray(h, dtype=np.float64))
    act = get_activation(activation)
    if act.bounded:
        lo, hi = act.output_range
        return diverging_rgba((2.0 * h - (lo + hi)) / (hi - lo), 1.0)
    return diverging_rgba(h, symmetric_limit(h) if limit is None else limit)


def output_maps_rgba(grid: np.ndarray, head: str) -> list[np.ndarray]:
    """One RGBA picture per output unit from the frame's decision grid."""
    g = np.asarray(grid)
    if g.ndim == 1:  # 1-D regression: a strip along x
        g = g[None, :]
    if head == "categorical":
        luts = confidence_luts(1.0)
        out = []
        for k in range(g.shape[0]):
            idx, _ = lut_index(g[k], 0.0, 1.0)
            out.append(luts[k % len(CLASS_COLORS)][idx])
        return out
    if head == "bernoulli":
        return [binary_rgba(g, strength=1.0)]
    return [diverging_rgba(g, symmetric_limit(g))]


def to_qimage(rgba: np.ndarray) -> QImage:
    """R×R×4 with row 0 = lowest y → a QImage with the highest y on top."""
    a = np.ascontiguousarray(rgba[::-1])
    h, w = a.shape[:2]
    return QImage(a.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


class NetworkDiagram(QWidget):
    # (ℓ, j) of a unit pressed and released on (j 0-based): the hidden-space view's pick
    unitClicked = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(360, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.widths: tuple[int, ...] = ()
        self.activations: tuple[str, ...] = ()
        self.head = "bernoulli"
        self.features: tuple[str, ...] = ()
        self.input_dim = 2
        # the run of a comparison whose network is drawn (0: A); hand edits act on A only
        self.shown_run = 0
        self.W: list[np.ndarray] = []
        self._edge_key: EdgeKey | None = None  # what the edges drawn show (``edge_key``)
        self.unit_images: dict[tuple[int, int], QImage] = {}  # (layer, unit 0-based)
        self.focus_layer: int | None = None
        self.focus_kind = ""
        self.delta: dict[int, np.ndarray] = {}  # layer → mean |δ| per unit
        self.dead: dict[int, np.ndarray] = {}
        self.saturated: dict[int, np.ndarray] = {}
        self.hover: tuple[int, int] | None = None
        self.marker: tuple[float, float] | None = None  # the traced point, in data units
        self.extent = DOMAIN
        self.selected: tuple[int, int] | None = None  # (layer, unit 0-based)
        self.picked: tuple[tuple[int, int], ...] = ()  # the hidden-space view's axes, in order
        self._pressed: tuple[int, int] | None = None
        self._layout: DiagramLayout | None = None
        self._batches: list | None = None
        self._cache: QImage | None = None  # the picture, but the hover box
        # the picture's lower part (the background, the focus band, the edges), kept: new
        # unit maps, δ rings or health marks (a frame's usual change) draw over a copy
        self._under: QImage | None = None
        self._under_stale = True
        self._stale = self._urgent = True
        self._retry = False
        self._render_cost = 0.0
        self._rendered_at = -1.0
        # the key under the picture; a window that shows it beside the diagram (the
        # inspector, in one line under its panes) turns it off and gets the room back
        self.show_legend = True

    # --- state ---------------------------------------------------------------------------
    def set_network(
        self,
        widths: tuple[int, ...],
        activations: tuple[str, ...],
        head: str,
        features: tuple[str, ...],
    ) -> None:
        widths = tuple(int(w) for w in widths)
        new = (widths, tuple(activations), head, tuple(features))
        if new == (self.widths, self.activations, self.head, self.features):
            return  # every frame says so: nothing to redraw
        if widths != self.widths:
            self.unit_images = {}
            self.delta, self.dead, self.saturated = {}, {}, {}
            self.hover = None
        self.widths, self.activations, self.head, self.features = new
        self._layout = None
        self._batches = None
        self._changed(urgent=True)

    def set_weights(self, W: list[np.ndarray]) -> None:
        self.W = [np.asarray(w) for w in W]
        # the picture shows each edge's sign and width bin only: while training, most
        # frames change no edge's bin, and the picture (most of a small diagram's cost, a
        # frame's largest GUI cost with the weight probe open) stays as it is
        key = edge_key(self.W)
        if key is not None and key == self._edge_key:
            return
        self._edge_key = key
        self._batches = None
        self._changed()

    def set_maps(self, hidden: list[np.ndarray] | None, output: np.ndarray | None) -> None:
        """``hidden``: per hidden layer M_ℓ×R×R (or M_ℓ×R) unit outputs; ``output``: the
        frame's decision grid."""
        images: dict[tuple[int, int], QImage] = {}
        for layer, maps in enumerate(hidden or [], 1):
            if maps.shape[0] > THUMB_MAX_UNITS or layer > len(self.activations):
                continue
            act = self.activations[layer - 1]
            limit = None if get_activation(act).bounded else symmetric_limit(maps)
            for j in range(maps.shape[0]):
                images[(layer, j)] = to_qimage(unit_map_rgba(maps[j], act, limit))
        if output is not None and self.widths:
            L = len(self.widths) - 1
            for j, rgba in enumerate(output_maps_rgba(output, self.head)):
                images[(L, j)] = to_qimage(rgba)
        self.unit_images = images
        self._changed(under=False)

    def set_marker(
        self, point: tuple[float, float] | None, extent: tuple[float, float, float, float]
    ) -> None:
        """Mark ``point`` (the traced point) on every unit's map."""
        new = (None if point is None else tuple(point), tuple(extent))
        if new == (self.marker, self.extent):
            return  # repeated with every summary while training
        self.marker, self.extent = new
        self._changed(urgent=True)

    def set_selected(self, unit: tuple[int, int] | None) -> None:
        """Ring one unit (the unit whose formula is shown)."""
        if unit == self.selected:
            return
        self.selected = unit
        self._changed(urgent=True)

    def set_picked(self, units: tuple[tuple[int, int], ...]) -> None:
        """Number the units the hidden-space view uses as its axes (1, 2, 3)."""
        units = tuple(units)
        if units != self.picked:
            self.picked = units
            self._changed(urgent=True)

    def marker_position(self, rect: QRectF) -> QPointF | None:
        """Where the traced point falls on a map drawn in ``rect`` (highest y on top)."""
        if self.marker is None:
            return None
        x0, x1, y0, y1 = self.extent
        fx = (self.marker[0] - x0) / (x1 - x0)
        fy = (self.marker[1] - y0) / (y1 - y0) if self.input_dim == 2 else 0.5
        if not (0.0 <= fx <= 1.0 and 0.0 <= fy <= 1.0):
            return None
        return QPointF(rect.left() + fx * rect.width(), rect.bottom() - fy * rect.height())

    def set_focus(self, layer: int | None, kind: str = "") -> None:
        if (layer, kind) == (self.focus_layer, self.focus_kind):
            return
        self.focus_layer, self.focus_kind = layer, kind
        self._changed(urgent=True)

    def set_delta(self, delta: dict[int, np.ndarray]) -> None:
        self.delta = {k: np.asarray(v, dtype=np.float64) for k, v in delta.items()}
        self._changed(urgent=True, under=False)

    def set_health(self, dead: dict[int, np.ndarray], saturated: dict[int, np.ndarray]) -> None:
        dead = {k: np.asarray(v, bool) for k, v in dead.items()}
        saturated = {k: np.asarray(v, bool) for k, v in saturated.items()}
        if _same(dead, self.dead) and _same(saturated, self.saturated):
            return  # a summary per training frame, mostly with nothing new
        self.dead, self.saturated = dead, saturated
        self._changed(under=False)

    # --- geometry ------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(640, 420)

    def margins(self) -> tuple[float, float]:
        """The room above the units (two lines of layer names) and below them (the legend,
        on as many lines as the width needs), in pixels at the current type."""
        fm = QFontMetrics(self.font())
        if not self.show_legend:
            return 2.0 * fm.height() + 16.0, 16.0
        rows = len(self.legend_lines())
        return 2.0 * fm.height() + 16.0, rows * (max(fm.height(), 16) + 4) + 12.0

    LEGEND = (
        ("line", POSITIVE_HEX, "W > 0"),
        ("line", NEGATIVE_HEX, "W < 0 (width ∝ |W|)"),
        ("ring", DELTA_HEX, "|δ| (backward)"),
        ("cross", HEALTH_HEX, "dead ReLU"),
        ("dash", HEALTH_HEX, "saturated"),
    )

    def legend_lines(self) -> list[list[tuple[str, str, str]]]:
        """The legend's entries line by line, as many on a line as the width holds (a
        narrow dock cut "|δ| (backward" off)."""
        fm = QFontMetrics(self.font())
        lines: list[list[tuple[str, str, str]]] = [[]]
        x = 8.0
        for item in self.LEGEND:
            w = 27 + fm.horizontalAdvance(item[2]) + 16
            if lines[-1] and x + w - 16 > self.width() - 4:
                lines.append([])
                x = 8.0
            lines[-1].append(item)
            x += w
        return lines

    def layout_now(self) -> DiagramLayout | None:
        if not self.widths:
            return None
        if self._layout is None:
            top, bottom = self.margins()
            self._layout = diagram_layout(
                self.widths, self.width(), self.height(), top=top, bottom=bottom
            )
        return self._layout

    @guarded
    def resizeEvent(self, ev) -> None:  # noqa: N802
        self._layout = None
        self._batches = None
        self._stale = self._urgent = self._under_stale = True
        super().resizeEvent(ev)

    def _changed(self, urgent: bool = False, under: bool = True) -> None:
        """The picture is out of date. ``urgent``: the user did something (a phase, a
        pick), so it is redrawn at the next paint; otherwise (training frames) a dear
        picture may wait its turn, see ``paintEvent``. ``under``: False when only what
        is drawn over the edges changed (the units' maps, rings and marks)."""
        self._stale = True
        self._under_stale = self._under_stale or under
        self._urgent = self._urgent or urgent
        self.update()

    def unit_at(self, pos: QPointF) -> tuple[int, int] | None:
        lay = self.layout_now()
        if lay is None:
            return None
        for layer, (c, r) in enumerate(zip(lay.centres, lay.radius)):
            d2 = (c[:, 0] - pos.x()) ** 2 + (c[:, 1] - pos.y()) ** 2
            j = int(np.argmin(d2))
            if d2[j] <= (r + 2) ** 2:
                return layer, j
        return None

    def unit_name(self, layer: int, unit: int) -> str:
        """'h₂⁽¹⁾ (tanh)', 'x₁', 'ŷ' — the unit's name in the notes' symbols."""
        L = len(self.widths) - 1
        if layer == 0:
            return f"input {unit + 1}: {self._input_text(unit)}"
        if layer == L:
            return f"h{sub(unit + 1)}{sup(L)} (output, {self.head})"
        return f"h{sub(unit + 1)}{sup(layer)} ({self.activations[layer - 1]})"

    def formula(self, layer: int, unit: int) -> tuple[str, ...]:
        """The formula the unit's map plots, as lines (none for an input)."""
        if len(self.activations) != len(self.widths) - 2:
            return ()
        return formula_lines(self.widths, self.activations, self.head, layer, unit)

    def _input_text(self, unit: int) -> str:
        f = self.features[unit] if unit < len(self.features) else ""
        return FEATURE_LABELS.get(f, f) or f"x{sub(unit + 1)}"

    # --- painting ------------------------------------------------------------------------
    @guarded
    def paintEvent(self, _ev) -> None:  # noqa: N802
        # the picture (everything but the hover box) lives in an image, redrawn only when
        # something changed; while training streams frames, a picture that costs more than
        # RENDER_FREE seconds is redrawn at most every 1/RENDER_SHARE of its cost, so the
        # diagram of a wide network keeps the GUI thread to a share of each frame
        dpr = self.devicePixelRatioF()
        want = QSize(max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr)))
        cache = self._cache
        if self._stale or cache is None or cache.size() != want:
            wait = self._render_cost / RENDER_SHARE - (time.perf_counter() - self._rendered_at)
            usable = cache is not None and cache.size() == want
            if usable and not self._urgent and self._render_cost > RENDER_FREE and wait > 0:
                if not self._retry:
                    self._retry = True
                    QTimer.singleShot(int(wait * 1000) + 1, self._retry_paint)
            else:
                self._render(want, dpr)
        p = QPainter(self)
        p.drawImage(0, 0, self._cache)
        lay = self.layout_now()
        if self.hover is not None and lay is not None and len(self.W) == len(self.widths) - 1:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            self._paint_hover(p, lay, *self.hover)
        p.end()

    def _retry_paint(self) -> None:
        self._retry = False
        if self._stale:
            self.update()

    def _painter(self, img: QImage) -> QPainter:
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        return p

    def _render_under(self, size: QSize, dpr: float, lay: DiagramLayout) -> QImage:
        """The background, the focus band and the edges (kept while they stay)."""
        under = self._under
        if under is None or self._under_stale or under.size() != size:
            under = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            under.setDevicePixelRatio(dpr)
            p = self._painter(under)
            p.fillRect(QRectF(0, 0, self.width(), self.height()), QColor("#FFFFFF"))
            self._paint_focus(p, lay)
            self._paint_edges(p, lay)
            p.end()
            self._under, self._under_stale = under, False
        img = under.copy()
        img.setDevicePixelRatio(dpr)
        return img

    def _render(self, size: QSize, dpr: float) -> None:
        t0 = time.perf_counter()
        lay = self.layout_now()
        if lay is None or len(self.W) != len(self.widths) - 1:
            img = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            img.setDevicePixelRatio(dpr)
            p = self._painter(img)
            p.fillRect(QRectF(0, 0, self.width(), self.height()), QColor("#FFFFFF"))
            p.setPen(QColor("#000000"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no network yet")
            self._under = None
        else:
            img = self._render_under(size, dpr, lay)
            p = self._painter(img)
            self._paint_units(p, lay)
            self._paint_picked(p, lay)
            self._paint_labels(p, lay)
            if self.show_legend:
                self._paint_legend(p)
        p.end()
        self._cache = img
        self._stale = self._urgent = False
        self._rendered_at = time.perf_counter()
        self._render_cost = self._rendered_at - t0

    def _paint_focus(self, p: QPainter, lay: DiagramLayout) -> None:
        ell = self.focus_layer
        if ell is None and self.focus_kind != "update":
            return
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(HIGHLIGHT)
        top_margin, bottom_margin = self.margins()
        top, bottom = top_margin - 16.0, self.height() - bottom_margin + 12.0
        if self.focus_kind == "update":
            x0 = lay.centres[0][0, 0] - lay.radius[0] - 8
            x1 = lay.centres[-1][0, 0] + lay.radius[-1] + 8
            p.drawRoundedRect(QRectF(x0, top, x1 - x0, bottom - top), 8, 8)
            return
        if ell is None:
            return
        x = lay.centres[ell][0, 0]
        r = lay.radius[ell]
        x0, x1 = x - r - 10, x + r + 10
        if self.focus_kind in ("forward", "dW") and ell > 0:  # W^(ℓ) and the layer
            x0 = lay.centres[ell - 1][0, 0] + lay.radius[ell - 1] + 4
        elif self.focus_kind == "delta" and ell < len(lay.centres) - 1:  # δ^(ℓ) via W^(ℓ+1)
            x1 = lay.centres[ell + 1][0, 0] - lay.radius[ell + 1] - 4
        p.drawRoundedRect(QRectF(x0, top, x1 - x0, bottom - top), 8, 8)

    def _paint_edges(self, p: QPainter, lay: DiagramLayout) -> None:
        if self._batches is None:
            self._batches = edge_batches(self.W, lay.centres)
        many = sum(len(b[2]) for b in self._batches) > OPAQUE_ABOVE
        p.setRenderHint(QPainter.RenderHint.Antialiasing, not many)
        pos, neg = QColor(POSITIVE_HEX), QColor(NEGATIVE_HEX)
        for positive, kb, lines in sorted(self._batches, key=lambda e: e[1]):  # strong on top
            c = QColor(pos if positive else neg)
            width = max(0.6, MAX_EDGE_WIDTH * kb / WIDTH_BINS)
            cap = Qt.PenCapStyle.RoundCap
            if many:  # opaque and thin: light for weak weights instead of transparent
                k = 0.35 + 0.65 * kb / WIDTH_BINS
                c = QColor.fromRgbF(*(1 - (1 - x) * k for x in (c.redF(), c.greenF(), c.blueF())))
                width = min(width, 2.5)
                # round caps cost the raster engine 7× more on thousands of edges, and
                # under a unit's disc nobody sees them
                cap = Qt.PenCapStyle.FlatCap
            else:
                c.setAlpha(90 + int(150 * kb / WIDTH_BINS))
            p.setPen(QPen(c, width, Qt.PenStyle.SolidLine, cap))
            p.drawLines([QLineF(*row) for row in lines.tolist()])
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    def _delta_scale(self) -> float:
        vals = [v[np.isfinite(v)] for v in self.delta.values()]
        vals = [v for v in vals if v.size]
        m = max((float(v.max()) for v in vals), default=0.0)
        return m if m > 0 else 1.0

    def _paint_units(self, p: QPainter, lay: DiagramLayout) -> None:
        # a wide network has hundreds of units: state is set per layer, and only the units
        # that carry a ring, a picture or a mark get calls of their own
        dscale = self._delta_scale()
        ring = QColor(DELTA_HEX)
        body_pen = QPen(QColor("#333333"), 1.2)
        last = len(lay.centres) - 1
        for layer, (c, r) in enumerate(zip(lay.centres, lay.radius)):
            delta = self.delta.get(layer)
            dead = self.dead.get(layer)
            sat = self.saturated.get(layer)
            rects = [QRectF(x - r, y - r, 2 * r, 2 * r) for x, y in c.tolist()]
            # discs a few pixels wide look the same without antialiasing, at a third of
            # the cost (a 64-unit column has hundreds)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, r >= SMOOTH_RADIUS)
            if delta is not None:
                p.setPen(Qt.PenStyle.NoPen)
                d = np.asarray(delta[: len(rects)], dtype=np.float64)
                t = np.clip(np.where(np.isfinite(d), d, -1.0) / dscale, -1.0, 1.0)
                levels = np.round(t * 32).astype(int)  # 33 ring strengths: a brush each
                for lv in np.unique(levels[levels >= 0]).tolist():
                    col = QColor(ring)
                    col.setAlpha(int(40 + 215 * lv / 32))
                    p.setBrush(col)
                    grow = 3 + 7 * lv / 32
                    for j in np.flatnonzero(levels == lv).tolist():
                        p.drawEllipse(rects[j].adjusted(-grow, -grow, grow, grow))
            pictures = lay.thumbs[layer] or layer == 0 or (layer == last and r >= 9)
            images = self.unit_images if pictures else {}
            p.setPen(body_pen)
            p.setBrush(QColor("#F4F4F2") if layer else QColor("#DDDDDD"))
            for j, rect in enumerate(rects):
                if (layer, j) not in images:
                    p.drawEllipse(rect)
            if layer == 0 and r >= 9:
                p.setPen(QColor("#111111"))
                for j, rect in enumerate(rects):
                    if (layer, j) not in images:
                        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._input_text(j))
            for j, rect in enumerate(rects):
                img = images.get((layer, j))
                if img is None:
                    continue
                p.setPen(body_pen)
                p.drawImage(rect, img)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(rect)
                at = self.marker_position(rect)
                if at is not None:
                    p.setPen(QPen(QColor("#000000"), 1.5))
                    p.setBrush(QColor("#FFFFFF"))
                    p.drawEllipse(at, 3.5, 3.5)
            p.setBrush(Qt.BrushStyle.NoBrush)
            if self.selected is not None and self.selected[0] == layer:
                j = self.selected[1]
                if 0 <= j < len(rects):
                    p.setPen(QPen(QColor("#000000"), 3.0))
                    p.drawRect(rects[j].adjusted(-5, -5, 5, 5))
            if sat is not None:
                p.setPen(QPen(QColor(HEALTH_HEX), 2.5, Qt.PenStyle.DashLine))
                for j in np.flatnonzero(sat[: len(rects)]).tolist():
                    p.drawEllipse(rects[j].adjusted(-4, -4, 4, 4))
            if dead is not None:
                p.setPen(QPen(QColor(HEALTH_HEX), 3.0))
                for j in np.flatnonzero(dead[: len(rects)]).tolist():
                    rect = rects[j]
                    p.drawLine(rect.topLeft(), rect.bottomRight())
                    p.drawLine(rect.topRight(), rect.bottomLeft())
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    def _paint_picked(self, p: QPainter, lay: DiagramLayout) -> None:
        """The hidden-space view's picked units: a black badge with the axis number."""
        fm = QFontMetrics(self.font())
        size = fm.height() + 2
        for k, (layer, j) in enumerate(self.picked, 1):
            if not (0 <= layer < len(lay.centres) and 0 <= j < len(lay.centres[layer])):
                continue
            x, y = lay.centres[layer][j].tolist()
            r = lay.radius[layer]
            badge = QRectF(x + r * 0.7 - size / 2, y - r * 0.7 - size / 2, size, size)
            p.setPen(QPen(QColor("#FFFFFF"), 1.5))
            p.setBrush(QColor("#000000"))
            p.drawEllipse(badge)
            p.setPen(QColor("#FFFFFF"))
            p.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(k))

    def _paint_labels(self, p: QPainter, lay: DiagramLayout) -> None:
        """Two lines over each layer: its name (h⁽ℓ⁾) and 'activation · M_ℓ', or as much
        of that as fits between the columns (names of a deep network in a narrow dock ran
        together)."""
        bold = QFont(self.font())
        bold.setBold(True)
        fm, sm = QFontMetrics(bold), QFontMetrics(self.font())
        xs = [float(c[0, 0]) for c in lay.centres]
        gap = min((b - a for a, b in zip(xs, xs[1:])), default=float(self.width())) - 6
        L = len(self.widths) - 1
        for layer, cx in enumerate(xs):
            if layer == 0:
                name, what = "x = h⁽⁰⁾", "input"
            elif layer == L:
                name, what = f"h{sup(L)}", self.head
            else:
                name, what = f"h{sup(layer)}", self.activations[layer - 1]
            for text in (f"{what} · {self.widths[layer]}", what, str(self.widths[layer])):
                if sm.horizontalAdvance(text) <= gap:
                    break
            if fm.horizontalAdvance(name) > gap:
                name = "x" if layer == 0 else f"h{sup(layer)}"
                if fm.horizontalAdvance(name) > gap:
                    name = str(layer)
            lines = (
                (bold, fm, name, 4 + fm.ascent()),
                (self.font(), sm, text, 8 + fm.height() + sm.ascent()),
            )
            for font, metrics, line, y in lines:
                p.setFont(font)
                p.setPen(QColor("#222222") if font is bold else QColor("#555555"))
                w = metrics.horizontalAdvance(line)
                x = min(max(2.0, cx - w / 2), self.width() - w - 2.0)
                p.drawText(QPointF(x, y), line)

    def _paint_legend(self, p: QPainter) -> None:
        f = QFont(self.font())
        p.setFont(f)
        fm = QFontMetrics(f)
        lines = self.legend_lines()
        pitch = max(fm.height(), 16) + 4
        for row, items in enumerate(lines):
            y = self.height() - 10 - (len(lines) - 1 - row) * pitch
            x = 8.0
            for kind, hexc, text in items:
                self._paint_key(p, kind, QColor(hexc), x, y)
                p.setPen(QColor("#222222"))
                p.drawText(QPointF(x + 27, y), text)
                x += 27 + fm.horizontalAdvance(text) + 16

    @staticmethod
    def _paint_key(p: QPainter, kind: str, col: QColor, x: float, y: float) -> None:
        if kind == "line":
            p.setPen(QPen(col, 4))
            p.drawLine(QPointF(x, y - 5), QPointF(x + 22, y - 5))
        elif kind == "ring":
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(col)
            p.drawEllipse(QRectF(x + 4, y - 13, 16, 16))
        elif kind == "cross":
            p.setPen(QPen(col, 3))
            p.drawLine(QPointF(x + 5, y - 12), QPointF(x + 17, y))
            p.drawLine(QPointF(x + 17, y - 12), QPointF(x + 5, y))
        else:
            p.setPen(QPen(col, 2.5, Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(QRectF(x + 4, y - 13, 16, 16))

    def _paint_hover(self, p: QPainter, lay: DiagramLayout, layer: int, unit: int) -> None:
        x, y = lay.centres[layer][unit].tolist()
        img = self.unit_images.get((layer, unit))
        text = self.unit_name(layer, unit)
        if layer in self.delta and unit < self.delta[layer].size:
            text += f"   mean |δ| = {self.delta[layer][unit]:.3g}"
        # what the map plots (the notes' formula), under the name
        lines = [text, *self.formula(layer, unit)]
        fm = QFontMetrics(self.font())
        size = HOVER_SIZE if img is not None else 0
        w = max(size, *(fm.horizontalAdvance(t) + 12 for t in lines))
        h = size + len(lines) * fm.height() + 10
        bx = x + lay.radius[layer] + 10
        if bx + w > self.width() - 4:
            bx = x - lay.radius[layer] - 10 - w
        by = min(max(4.0, y - h / 2), self.height() - h - 4)
        box = QRectF(bx, by, w, h)
        p.setPen(QPen(QColor("#333333"), 1))
        p.setBrush(QBrush(QColor("#FFFFFF")))
        p.drawRect(box)
        p.setPen(QColor("#111111"))
        for row, line in enumerate(lines):
            p.drawText(QPointF(bx + 6, by + fm.ascent() + 4 + row * fm.height()), line)
        if img is not None:
            top = by + len(lines) * fm.height() + 8
            p.drawImage(QRectF(bx + (w - size) / 2, top, size, size - 4), img)

    # --- mouse ---------------------------------------------------------------------------
    @guarded
    def mouseMoveEvent(self, ev) -> None:  # noqa: N802
        hit = self.unit_at(ev.position())
        if hit != self.hover:
            self.hover = hit
            self.update()

    @guarded
    def leaveEvent(self, _ev) -> None:  # noqa: N802
        if self.hover is not None:
            self.hover = None
            self.update()

    @guarded
    def mousePressEvent(self, ev) -> None:  # noqa: N802
        left = ev.button() == Qt.MouseButton.LeftButton
        self._pressed = self.unit_at(ev.position()) if left else None

    @guarded
    def mouseReleaseEvent(self, ev) -> None:  # noqa: N802
        unit = self.unit_at(ev.position()) if ev.button() == Qt.MouseButton.LeftButton else None
        pressed, self._pressed = self._pressed, None
        if unit is not None and unit == pressed:
            self.unitClicked.emit(unit)
