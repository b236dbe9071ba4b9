"""Axis ranges that hold still: fixed from an activation's bounds, or following slowly.

A view of hidden activations must not rescale its axes every frame (the picture then
"breathes" and motion that is the network's cannot be told from motion that is the
axes'). A sigmoid layer lives in [0, 1] and a tanh layer in [−1, 1], so their axes are
those bounds, always. ReLU and identity layers have no bound: their range follows the
points, through ``follow_range``, a pure function of the previous range and the new
points that

* contains most points at once (grows immediately, with headroom, so that a slow drift
  does not move the axes on every update),
* shrinks only when much of the range has been empty, and then by at most a fixed factor
  per update (a collapse of the points takes several updates to follow),
* returns the previous range unchanged when the points still fit it well (a steady
  picture stands still).
"""

from __future__ import annotations

import numpy as np

from .activations import get_activation

QUANTILE = 0.01  # the points left out at each end: the range contains at least 98 %
MARGIN = 0.1  # of the points' spread, added at each end
HEADROOM = 0.25  # of the new spread, added at an end that had to grow
SHRINK_WHEN = 0.5  # shrink only once this share of the range is empty
MAX_SHRINK = 0.9  # the width never falls below this share of the previous width
MIN_WIDTH = 1e-3  # the width of a range around points that all sit at one value


def activation_bounds(activation: str) -> tuple[float, float] | None:
    """(low, high) of a bounded activation's output; None for ReLU and identity (the
    activation's own ``output_range``)."""
    act = get_activation(activation)
    return act.output_range if act.bounded else None


def target_range(values: np.ndarray, quantile: float = QUANTILE, margin: float = MARGIN):
    """(lo, hi) per column of ``values`` (n × d, or n): the ``quantile`` and 1 − ``quantile``
    quantiles of the finite values, widened by ``margin`` of their spread at each end.
    Columns without a finite value give NaN."""
    v = np.asarray(values, dtype=np.float64)
    v = v.reshape(len(v), -1) if v.ndim != 2 else v
    d = v.shape[1]
    lo, hi = np.full(d, np.nan), np.full(d, np.nan)
    for k in range(d):
        col = v[:, k]
        col = col[np.isfinite(col)]
        if col.size == 0:
            continue
        q0, q1 = np.quantile(col, [quantile, 1.0 - quantile])
        width = q1 - q0
        if width < MIN_WIDTH * max(1.0, abs(q0), abs(q1)):
            mid = 0.5 * (q0 + q1)
            half = 0.5 * MIN_WIDTH * max(1.0, abs(mid))
            lo[k], hi[k] = mid - half, mid + half
        else:
            lo[k], hi[k] = q0 - margin * width, q1 + margin * width
    return lo, hi


def follow_range(
    previous: tuple[np.ndarray, np.ndarray] | None,
    values: np.ndarray,
    *,
    quantile: float = QUANTILE,
    margin: float = MARGIN,
    headroom: float = HEADROOM,
    shrink_when: float = SHRINK_WHEN,
    max_shrink: float = MAX_SHRINK,
) -> tuple[np.ndarray, np.ndarray]:
    """The next range (lo, hi), one value per column of ``values`` (n × d, or n), from the
    previous one (None: the first) and the points now.

    * The result contains the ``target_range`` of the points (every point but the
      ``quantile`` at each end, plus a margin): an end that must grow moves out to the
      target plus ``headroom`` of the target's width.
    * An end does not move in unless more than ``shrink_when`` of the previous width is
      empty, and the width never falls below ``max_shrink`` times the previous width.
    * Columns with no finite value keep the previous range (or get [−1, 1] at first).

    Pure: the arguments are not changed, and the same arguments give the same range.
    """
    t_lo, t_hi = target_range(values, quantile, margin)
    d = t_lo.size
    if previous is None:
        lo = np.where(np.isfinite(t_lo), t_lo, -1.0)
        hi = np.where(np.isfinite(t_hi), t_hi, 1.0)
        return lo, hi
    p_lo = np.asarray(previous[0], dtype=np.float64).reshape(d).copy()
    p_hi = np.asarray(previous[1], dtype=np.float64).reshape(d).copy()
    lo, hi = p_lo.copy(), p_hi.copy()
    for k in range(d):
        if not (np.isfinite(t_lo[k]) and np.isfinite(t_hi[k])):
            continue
        width, t_width = p_hi[k] - p_lo[k], t_hi[k] - t_lo[k]
        grow_lo, grow_hi = t_lo[k] < p_lo[k], t_hi[k] > p_hi[k]
        if grow_lo:
            lo[k] = t_lo[k] - headroom * t_width
        if grow_hi:
            hi[k] = t_hi[k] + headroom * t_width
        # the room the points leave empty at the ends that did not grow
        room_lo = 0.0 if grow_lo else t_lo[k] - p_lo[k]
        room_hi = 0.0 if grow_hi else p_hi[k] - t_hi[k]
        if room_lo + room_hi <= shrink_when * width:
            continue
        # move the ends in towards the target, sharing the allowed shrink between them
        allowed = (1.0 - max_shrink) * width
        take = min(1.0, allowed / (room_lo + room_hi))
        lo[k] += take * room_lo
        hi[k] -= take * room_hi
    return lo, hi
