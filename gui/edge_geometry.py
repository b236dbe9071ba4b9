"""Where a weight is in the network diagram, and how far a hand's move changes it. No Qt.

The diagram (gui/diagram.py) draws W⁽ℓ⁾ᵢ,ⱼ as the edge from unit j of layer ℓ−1 to unit
i of layer ℓ, and b⁽ℓ⁾ᵢ belongs to unit i of layer ℓ. ``edge_at`` finds the edge under the
mouse: among the edges of the layer pair whose columns the mouse is between, the nearest
within a few pixels. Every edge of a small layer pair can be grabbed, a weight of exactly
0 included (the diagram does not draw it; the grab overlay draws it dotted); of a wide
pair only those the diagram draws (the ``MAX_EDGES_PER_LAYER`` largest |W|), so the hand
never takes hold of something it cannot see.

A drag moves the value by a fixed amount per pixel: ``STEP_PER_PIXEL`` (0.01, so a
hundred pixels up is +1), a tenth of that with Shift, ten times with Ctrl; the wheel moves
it by ``WHEEL_STEP`` a notch. The amounts are rounded to their own resolution, so a drag of
50 pixels is +0.5 exactly, not +0.5000000000000001.
"""

from __future__ import annotations

import numpy as np
from backprop_lab.engine.paramref import ParamRef

from .diagram import MAX_EDGES_PER_LAYER, DiagramLayout

STEP_PER_PIXEL = 0.01
FINE = 0.1  # Shift: a tenth
COARSE = 10.0  # Ctrl: ten times
WHEEL_STEP = 0.05  # a wheel notch (120 eighths of a degree)
HIT_PIXELS = 5.0  # how near an edge the mouse must be to take it
DRAG_THRESHOLD = 3  # pixels the mouse moves before a press becomes a drag
DIGITS = 6  # a drag's total change is rounded to this many decimals


def per_pixel(fine: bool, coarse: bool) -> float:
    """The change of a weight per pixel of vertical mouse movement."""
    if fine:
        return STEP_PER_PIXEL * FINE
    if coarse:
        return STEP_PER_PIXEL * COARSE
    return STEP_PER_PIXEL


def add_move(total: float, pixels_up: float, fine: bool = False, coarse: bool = False) -> float:
    """The drag's total change after another ``pixels_up`` (up is positive) at the
    modifiers held now: a change of Shift or Ctrl mid-drag changes the rate from there."""
    return round(total + pixels_up * per_pixel(fine, coarse), DIGITS) + 0.0


def wheel_change(angle_delta: int, fine: bool = False) -> float:
    """The change of one wheel event: ``WHEEL_STEP`` per notch (a tenth with Shift)."""
    step = WHEEL_STEP * (FINE if fine else 1.0)
    return round(angle_delta / 120.0 * step, DIGITS) + 0.0


def drawn_mask(W: np.ndarray, max_per_layer: int | None = MAX_EDGES_PER_LAYER) -> np.ndarray:
    """Which edges of one layer pair the hand may take: all of a small pair, else those the
    diagram draws (finite, non-zero, the ``max_per_layer`` largest |W|)."""
    W = np.asarray(W, dtype=np.float64)
    if max_per_layer is None or W.size <= max_per_layer:
        return np.ones(W.shape, dtype=bool)
    ok = np.isfinite(W) & (W != 0)
    mask = np.zeros(W.shape, dtype=bool)
    flat = np.flatnonzero(ok)
    if flat.size <= max_per_layer:
        mask.flat[flat] = True
        return mask
    mags = np.abs(W.flat[flat])
    top = flat[np.argpartition(mags, mags.size - max_per_layer)[-max_per_layer:]]
    mask.flat[top] = True
    return mask


def edge_at(
    lay: DiagramLayout,
    W: list[np.ndarray],
    x: float,
    y: float,
    tolerance: float = HIT_PIXELS,
    max_per_layer: int | None = MAX_EDGES_PER_LAYER,
) -> ParamRef | None:
    """The weight whose edge passes within ``tolerance`` pixels of (x, y), the nearest if
    several do; None if none does (or the layout and the weights disagree)."""
    centres = lay.centres
    if len(W) != len(centres) - 1:
        return None
    xs = [float(c[0, 0]) for c in centres]
    for layer in range(1, len(centres)):
        if not xs[layer - 1] <= x <= xs[layer]:
            continue
        a, b = centres[layer - 1], centres[layer]  # columns j (from) and rows i (to)
        w = np.asarray(W[layer - 1])
        if w.shape != (len(b), len(a)):
            return None
        mask = drawn_mask(w, max_per_layer)
        rows, cols = np.nonzero(mask)
        if rows.size == 0:
            return None
        p0 = a[cols]
        p1 = b[rows]
        d = _distance(p0, p1, x, y)
        k = int(np.argmin(d))
        if d[k] <= tolerance:
            return ParamRef.weight(layer, int(rows[k]), int(cols[k]))
        return None
    return None


def _distance(p0: np.ndarray, p1: np.ndarray, x: float, y: float) -> np.ndarray:
    """Distance from (x, y) to each segment p0[k]–p1[k]."""
    v = p1 - p0
    length2 = np.maximum(np.einsum("ij,ij->i", v, v), 1e-12)
    q = np.array([x, y]) - p0
    t = np.clip(np.einsum("ij,ij->i", q, v) / length2, 0.0, 1.0)
    nearest = p0 + t[:, None] * v
    return np.hypot(nearest[:, 0] - x, nearest[:, 1] - y)


def edge_line(lay: DiagramLayout, ref: ParamRef) -> tuple[float, float, float, float] | None:
    """(x0, y0, x1, y1) of a weight's edge in the layout; None if it has none there."""
    if ref.kind != "W" or ref.layer >= len(lay.centres):
        return None
    a, b = lay.centres[ref.layer - 1], lay.centres[ref.layer]
    if ref.col >= len(a) or ref.row >= len(b):
        return None
    return (float(a[ref.col, 0]), float(a[ref.col, 1]), float(b[ref.row, 0]), float(b[ref.row, 1]))


def unit_of(lay: DiagramLayout, ref: ParamRef) -> tuple[float, float, float] | None:
    """(x, y, radius) of the unit a bias belongs to; None if it has none there."""
    if ref.kind != "b" or ref.layer >= len(lay.centres):
        return None
    c = lay.centres[ref.layer]
    if ref.row >= len(c):
        return None
    return float(c[ref.row, 0]), float(c[ref.row, 1]), float(lay.radius[ref.layer])


def bias_of(unit: tuple[int, int] | None) -> ParamRef | None:
    """The bias of a unit (ℓ, j) of the diagram; the inputs (ℓ = 0) have none."""
    if unit is None or unit[0] < 1:
        return None
    return ParamRef.bias(int(unit[0]), int(unit[1]))


def anchor(lay: DiagramLayout, ref: ParamRef) -> tuple[float, float] | None:
    """Where a parameter sits in the picture: its edge's middle, or its unit's centre."""
    line = edge_line(lay, ref)
    if line is not None:
        return (line[0] + line[2]) / 2.0, (line[1] + line[3]) / 2.0
    unit = unit_of(lay, ref)
    return None if unit is None else (unit[0], unit[1])
