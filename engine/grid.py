"""The network's output over the visible region of the canvas, once per drawn frame.

Evaluation runs in float32 (training stays float64): the picture needs no more, and the
grid is ~100× more columns than a batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, Activation
from .features import feature_matrix
from .network import Network, Parameters
from .notation import DOMAIN

DEFAULT_EXTENT = DOMAIN


@dataclass(frozen=True)
class GridSpec:
    """A grid of ``resolution`` samples along x and ``resolution_y`` (default: the same)
    along y over (x_min, x_max, y_min, y_max); R samples along x for 1-D input. The window
    asks for the visible rectangle of the canvas, so the two counts differ when it is not
    square."""

    extent: tuple[float, float, float, float] = DEFAULT_EXTENT
    resolution: int = 100
    resolution_y: int | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) = (samples along y, samples along x) of a 2-D map."""
        ny = self.resolution if self.resolution_y is None else self.resolution_y
        return int(ny), int(self.resolution)

    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        x0, x1, y0, y1 = self.extent
        ny, nx = self.shape
        # sample at pixel centres, so an image item spanning ``extent`` lines up exactly
        xs = x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx
        ys = y0 + (np.arange(ny) + 0.5) * (y1 - y0) / ny
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
        self._scratch: dict = {}

    def evaluate(self, net: Network, params: Parameters) -> np.ndarray:
        """Binary: p(y=1|x) as rows×columns (``spec.shape``). K classes: K×rows×columns
        probabilities. Regression: rows×columns outputs (2-D input) or R outputs along x
        (1-D input)."""
        with np.errstate(all="ignore"):
            h = fast_output(net, params, self.x, scratch=self._scratch)
        shape = self.spec.shape
        if self.input_dim == 1:
            return h[0]
        if h.shape[0] == 1:
            return h[0].reshape(shape)
        return h.reshape(h.shape[0], *shape)

    def hidden_maps(
        self, net: Network, params: Parameters, upto: int | None = None
    ) -> list[np.ndarray]:
        """h^(ℓ) of every hidden unit over the grid: for ℓ = 1..L−1 (or 1..``upto``) an
        M_ℓ×R×R array (M_ℓ×R for 1-D input); the network diagram draws each unit's map as a
        thumbnail."""
        last = net.depth - 1 if upto is None else min(int(upto), net.depth - 1)
        p32 = Parameters(
            [w.astype(np.float32) for w in params.W], [b.astype(np.float32) for b in params.b]
        )
        shape = (self.spec.resolution,) if self.input_dim == 1 else self.spec.shape
        out, h = [], self.x
        with np.errstate(all="ignore"):
            for layer in range(1, last + 1):
                _, h = net.forward_layer(p32, layer, h)
                out.append(h.reshape(h.shape[0], *shape))
        return out


def fast_output(
    net: Network,
    params: Parameters,
    x: np.ndarray,
    chunk: int = 10_000,
    scratch: dict | None = None,
) -> np.ndarray:
    """h^(L) for many columns, in x's dtype, with two array passes per layer.

    An activation of the form f(z) = c + d·tanh(a·z) (its ``tanh_form``: the sigmoid is
    ½ + ½ tanh(z/2), tanh itself) is evaluated as g = tanh(a·z), and the affine map
    h = c + d·g is folded into the next layer's weights and bias
    (W h + b = (d·W) g + (c·W 1 + b)). Each layer's input carries a constant row of ones,
    so the bias rides in the matmul: [W b] [g; 1]. The function is the same; a sigmoid
    layer needs one matmul and one tanh instead of six passes. Columns go
    through the network in chunks that stay in the CPU cache, and the layers write into
    ``scratch`` buffers kept between calls. The result is always a fresh array.
    """
    layers, (c, d) = _folded_layers(net, params, x.dtype)
    scratch = {} if scratch is None else scratch
    n = x.shape[1]
    out = np.empty((net.arch.widths[-1], n), dtype=x.dtype)
    for start in range(0, n, chunk):
        cols = min(chunk, n - start)
        g = _buffer(scratch, "x", x.shape[0], cols, x.dtype)
        g[:-1] = x[:, start : start + cols]
        for k, (Wb, act) in enumerate(layers):
            m = Wb.shape[0]
            buf = _buffer(scratch, k % 2, m, cols, x.dtype)
            z = buf[:m]
            np.matmul(Wb, g[: Wb.shape[1]], out=z)
            if act == "tanh":
                np.tanh(z, out=z)
            elif act == "softmax":
                net.head.forward(z, z)
            else:
                act.forward(z, z)  # in place: ReLU's max(z, 0); the identity does nothing
            g = buf
        out[:, start : start + cols] = g[:-1]
    if (c, d) != (0.0, 1.0):  # the last layer's h = c + d·g
        out *= d
        out += c
    return out


def _buffer(scratch: dict, key, rows: int, cols: int, dtype) -> np.ndarray:
    """A (rows + 1) × cols buffer whose last row is ones (the bias input)."""
    buf = scratch.get((key, cols))
    if buf is None or buf.shape[0] < rows + 1 or buf.dtype != dtype:
        buf = np.empty((max(rows, 64) + 1, cols), dtype=dtype)
        scratch[(key, cols)] = buf
    buf = buf[: rows + 1]
    buf[rows] = 1.0
    return buf


def _folded_layers(net: Network, params: Parameters, dtype) -> tuple[list, tuple]:
    """([W_eff b_eff], op) per layer, every activation with a ``tanh_form`` rewritten as
    c + d·tanh(a·z) with c and d folded into the next layer; and the (c, d) left over from
    the last layer ((0, 1) when none). ``op`` is "tanh", "softmax" or the activation."""
    layers = []
    c, d = 0.0, 1.0  # the previous layer's h = c + d·g
    last = net.depth
    for layer in range(1, last + 1):
        W, b = params.W[layer - 1], params.b[layer - 1]
        if (c, d) == (0.0, 1.0):
            Wb = np.hstack((W, b))
        else:  # W (c + d·g) + b = (d·W) g + (b + c·W 1)
            Wb = np.hstack((d * W, b + c * W.sum(axis=1, keepdims=True)))
        if layer == last:
            name = net.head.activation
            act = ACTIVATIONS.get(name, name)  # softmax is no hidden activation
        else:
            act = net.hidden[layer - 1]
        form = act.tanh_form if isinstance(act, Activation) else None
        if form is not None:
            a, c, d = form
            if a != 1.0:
                Wb = Wb * a
            act = "tanh"
        else:
            c, d = 0.0, 1.0
        layers.append((Wb.astype(dtype), act))
    return layers, (c, d)


PIXELS_PER_CELL = 4.0  # one grid sample per 4×4 screen pixels: smooth once shaded
MAX_CELLS = 200 * 160  # a full-screen canvas costs at most ~3× the old 100×100 grid
VIEW_MARGIN = 0.1  # of the view's size on each side, so a small pan shows no edge


def view_grid(
    view: tuple[float, float, float, float],
    pixels: tuple[float, float],
    pixels_per_cell: float = PIXELS_PER_CELL,
    max_cells: int = MAX_CELLS,
    margin: float = VIEW_MARGIN,
) -> GridSpec:
    """The grid for a canvas showing ``view`` = (x_min, x_max, y_min, y_max) on ``pixels``
    = (width, height) screen pixels: the view plus ``margin`` on each side, sampled about
    every ``pixels_per_cell`` pixels, with at most ``max_cells`` samples (a zoom-in gets
    sharper because the same samples cover less of the plane)."""
    x0, x1, y0, y1 = (float(v) for v in view)
    if not all(np.isfinite([x0, x1, y0, y1])) or x1 <= x0 or y1 <= y0:
        return GridSpec()
    w_px = max(1.0, float(pixels[0]))
    h_px = max(1.0, float(pixels[1]))
    mx, my = (x1 - x0) * margin, (y1 - y0) * margin
    k = 1.0 + 2.0 * margin
    nx = w_px * k / pixels_per_cell
    ny = h_px * k / pixels_per_cell
    if nx * ny > max_cells:
        s = float(np.sqrt(max_cells / (nx * ny)))
        nx, ny = nx * s, ny * s
    nx_i = int(min(max(8, np.floor(nx)), 4096))  # floor: never above the cap
    ny_i = int(min(max(8, np.floor(ny)), 4096))
    return GridSpec((x0 - mx, x1 + mx, y0 - my, y1 + my), nx_i, ny_i)
