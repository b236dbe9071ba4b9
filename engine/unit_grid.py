"""The diagrams' per-unit pictures, computed from a run: every unit's small map over a
square of the input plane, and each unit's mean |δ| (the rings).

A unit's map is its output h_j^(ℓ) sampled on a ``THUMB_RESOLUTION``² grid (R samples
along x for 1-D input); the output layer's map is the network's output there. Only
layers narrow enough to draw one map per unit (``THUMB_MAX_UNITS``) get maps, and the
forward pass stops at the last of them: an 8 × 64 network costs nothing. engine/unit_maps.py
says in words what the maps plot.

The window's engine thread computes these for a published frame when a view asks
(gui/frames.py); ``backprop-lab render`` computes them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .grid import GridEvaluator, GridSpec
from .network import Network, Parameters

THUMB_RESOLUTION = 40
THUMB_MAX_UNITS = 16  # a map per unit only for layers this narrow
DELTA_POINTS = 256  # the training points the |δ| rings average over

Extent = tuple[float, float, float, float]


def square_around(extent: Extent) -> Extent:
    """The smallest square (x_min, x_max, y_min, y_max) holding ``extent``, same centre:
    the maps are square, and a stretched map would misplace the boundary."""
    x0, x1, y0, y1 = extent
    half = max(x1 - x0, y1 - y0) / 2.0
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    return (cx - half, cx + half, cy - half, cy + half)


def drawn_layers(widths: Sequence[int]) -> list[int]:
    """The hidden layers ℓ (from 1) narrow enough for a map per unit."""
    return [layer for layer, m in enumerate(widths[1:-1], 1) if m <= THUMB_MAX_UNITS]


@dataclass(frozen=True)
class UnitMaps:
    """Every drawn unit's map over ``extent``: ``hidden[ℓ−1]`` is layer ℓ's M_ℓ×R×R array
    (M_ℓ×R for 1-D input), up to the last drawn layer (None when no layer is drawn);
    ``output`` the network's output there (``GridEvaluator.evaluate``'s shape, or the
    frame's decision grid when a caller gives it); ``delta`` the units' mean |δ^(ℓ)| by
    layer when asked for. ``revision`` is the run's state they show."""

    extent: Extent
    hidden: tuple[np.ndarray, ...] | None
    output: np.ndarray | None
    step: int = 0
    revision: int = 0
    delta: Mapping[int, np.ndarray] = field(default_factory=dict)


class UnitMapGrid:
    """The thumbnails' grid for one (extent, features, input): h^(0) of its samples is
    computed once."""

    def __init__(
        self,
        extent: Extent,
        features: Sequence[str],
        input_dim: int,
        resolution: int = THUMB_RESOLUTION,
    ):
        self.key = (tuple(float(v) for v in extent), tuple(features), int(input_dim))
        self._grid = GridEvaluator(GridSpec(self.key[0], resolution), features, input_dim)

    def fits(self, extent: Extent, features: Sequence[str], input_dim: int) -> bool:
        return self.key == (tuple(float(v) for v in extent), tuple(features), int(input_dim))

    def maps(
        self,
        net: Network,
        params: Parameters,
        output: bool = True,
        step: int = 0,
        revision: int = 0,
    ) -> UnitMaps:
        """The maps of ``net`` at ``params`` (float32, as the canvas's grid)."""
        drawn = drawn_layers(net.arch.widths)
        g = self._grid
        hidden = tuple(g.hidden_maps(net, params, upto=drawn[-1])) if drawn else None
        out = g.evaluate(net, params) if output else None
        return UnitMaps(self.key[0], hidden, out, step, revision)


def unit_deltas(
    net: Network, params: Parameters, x: np.ndarray, y: np.ndarray
) -> dict[int, np.ndarray]:
    """Mean |δ^(ℓ)| of every unit over the points ``x`` (M_0 × N, targets ``y``), by layer
    ℓ = 1..L: no random draw, so it depends only on the state."""
    if x.shape[1] == 0:
        return {}
    with np.errstate(all="ignore"):
        fp = net.forward(params, x)
        bp = net.backward(params, fp, y)
    return {ell: np.abs(d).mean(axis=1) for ell, d in enumerate(bp.delta, 1)}


def session_unit_deltas(session, points: int = DELTA_POINTS) -> dict[int, np.ndarray]:
    """``unit_deltas`` over the session's first ``points`` training points."""
    x, y = session.batch(np.arange(min(points, session.n_train)))
    return unit_deltas(session.net, session.params, x, y)
