"""The network's output over the visible region of the canvas, once per drawn frame.

Evaluation runs in float32 (training stays float64): the picture needs no more, and the
grid is ~100× more columns than a batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .features import feature_matrix
from .network import Network, Parameters

DEFAULT_EXTENT = (-6.0, 6.0, -6.0, 6.0)


@dataclass(frozen=True)
class GridSpec:
    """An R×R grid (R samples along x for 1-D input) over (x_min, x_max, y_min, y_max)."""

    extent: tuple[float, float, float, float] = DEFAULT_EXTENT
    resolution: int = 100

    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        x0, x1, y0, y1 = self.extent
        r = self.resolution
        # sample at pixel centres, so an image item spanning ``extent`` lines up exactly
        xs = x0 + (np.arange(r) + 0.5) * (x1 - x0) / r
        ys = y0 + (np.arange(r) + 0.5) * (y1 - y0) / r
        return xs, ys


class GridEvaluator:
    """Caches ``h^(0)`` of the grid for one (spec, features, input_dim)."""

    def __init__(self, spec: GridSpec, features: Sequence[str], input_dim: int = 2):
        self.spec = spec
        self.features = tuple(features)
        self.input_dim = input_dim
        xs, ys = spec.axes()
        if input_dim == 1:
            pts = np.column_stack([xs, np.zeros_like(xs)])
        else:
            gx, gy = np.meshgrid(xs, ys)  # row-major: row = y index, column = x index
            pts = np.column_stack([gx.ravel(), gy.ravel()])
        self.x = feature_matrix(pts, self.features, dtype=np.float32)

    def evaluate(self, net: Network, params: Parameters) -> np.ndarray:
        """Binary: p(y=1|x) as R×R. K classes: K×R×R probabilities. Regression: R×R
        outputs (2-D input) or R outputs along x (1-D input)."""
        p32 = Parameters(
            [w.astype(np.float32) for w in params.W], [b.astype(np.float32) for b in params.b]
        )
        with np.errstate(all="ignore"):
            h = net.predict_output(p32, self.x)
        r = self.spec.resolution
        if self.input_dim == 1:
            return h[0]
        if h.shape[0] == 1:
            return h[0].reshape(r, r)
        return h.reshape(h.shape[0], r, r)
