"""The input plane as a hidden layer sees it.

A grid of lines over the input plane, and the data points, are pushed through the network
up to a hidden layer ℓ and drawn in that layer's coordinates, h⁽ℓ⁾: a picture of how the
layer bends and folds the plane until a line can cut the classes apart.

* **Coordinates.** A layer of 2 units is drawn as its plane, of 3 as a space (the view
  rotates it), of 1 as a line. A wider layer shows two (or three) units the user picks,
  or a projection: the first two principal components of the layer's activations on the
  training points, fitted once and then frozen for the run (``HiddenSpace`` keeps it until
  the architecture, the input features, the initialisation or the seed change, or
  ``refit`` is called), so the picture moves only because the network does.
* **Axes** come from the activation: [0, 1] for sigmoid and [−1, 1] for tanh, in every
  unit's direction (a projection's axes span the projected box of those bounds). ReLU and
  identity layers have no bound: their axes follow the points slowly
  (``ranges.follow_range``, updated once per step shown), never per frame.
* **The output's boundary**, for the last hidden layer: where the output layer's decision
  changes, drawn in the view's coordinates (``OutputBoundary``). When the view shows every
  unit of the layer it is exact: a point lies on the side of the line (2 units), the plane
  (3 units) or the threshold (1 unit) where the output puts it. A view of some units or a
  projection shows a slice: the hyperplane cut by the view's plane through the mean of
  the points shown; a point's true side also depends on its coordinates off that plane,
  so the boundary states the share of the points it agrees with the output on. For K
  classes the pieces are where two classes tie above the rest (each piece names its
  pair), and a 1-D or 2-D view also gets each class's region.
* **The morph** (``HiddenFigure.morph``) moves every line sample and point from its place
  in one layer's view to its place in the next (input → layer 1 → … → layer ℓ), at a
  fraction t of the way, in the views' box coordinates ([−1, 1] on every axis): layers of
  different widths meet through their views, whatever those are.

All of it is computed from a ``Snapshot`` (θ and the dataset), in float64 with the same
``Network.forward_layer`` the training's forward pass uses, so a mapped grid line is
exactly the network's h⁽ℓ⁾ of its points. The cost is bounded whatever the data: the
points are a fixed sample of at most ``MAX_POINTS`` (the same points every frame, so a
point can be followed and hovered; fewer on dear networks, ``point_cap``), and the lines
have fewer samples on dear networks (``line_samples``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .clipping import HalfSpace, box_polygon, clip_polygon, hyperplane_piece, region_1d
from .evaluation import eval_sample
from .features import feature_matrix
from .heads import HEADS
from .health import training_sample
from .network import Network, Parameters
from .notation import DOMAIN, sub, sup
from .ranges import activation_bounds, follow_range

GRID_LINES = 21  # lines along each input axis
MAX_LINE_SAMPLES = 129  # samples along a line on small networks: smooth folds
MIN_LINE_SAMPLES = 17  # on the dearest networks
LINE_BUDGET = 12_000_000  # multiply-adds per figure spent on the lines
MAX_POINTS = 1024  # the data points shown: all of them, or a fixed sample
MIN_POINTS = 256  # on the dearest networks
POINT_BUDGET = 12_000_000  # multiply-adds per figure spent on the points


# --- what goes in -------------------------------------------------------------------------
def input_lines(
    extent: tuple[float, float, float, float] = DOMAIN,
    n_lines: int = GRID_LINES,
    samples: int = MAX_LINE_SAMPLES,
    input_dim: int = 2,
) -> np.ndarray:
    """Grid lines over the input plane as (lines × samples × 2) points (x₁, x₂): first the
    ``n_lines`` lines of constant x₂ (bottom to top), then those of constant x₁ (left to
    right). A 1-D input has one line, along x₁ (x₂ = 0)."""
    x0, x1, y0, y1 = (float(v) for v in extent)
    s = np.linspace(0.0, 1.0, samples)
    if input_dim == 1:
        return np.stack([x0 + s * (x1 - x0), np.zeros(samples)], axis=-1)[None]
    xs, ys = x0 + s * (x1 - x0), y0 + s * (y1 - y0)
    at_y = np.linspace(y0, y1, n_lines)
    at_x = np.linspace(x0, x1, n_lines)
    horizontal = np.stack(np.broadcast_arrays(xs[None, :], at_y[:, None]), axis=-1)
    vertical = np.stack(np.broadcast_arrays(at_x[:, None], ys[None, :]), axis=-1)
    return np.concatenate([horizontal, vertical])


def forward_cost(widths: tuple[int, ...], layer: int) -> int:
    """Multiply-adds per point of the forward pass up to ``layer``."""
    return sum(widths[k] * widths[k - 1] for k in range(1, layer + 1))


def line_samples(widths: tuple[int, ...], layer: int, n_lines: int, budget: int = LINE_BUDGET):
    """Samples per grid line for a view of ``layer``: as many as ``budget`` multiply-adds
    allow, from ``MIN_LINE_SAMPLES`` to ``MAX_LINE_SAMPLES`` (odd, so a line's middle is a
    sample)."""
    s = budget // max(1, forward_cost(widths, layer) * n_lines)
    s = int(min(MAX_LINE_SAMPLES, max(MIN_LINE_SAMPLES, s)))
    return s if s % 2 else s - 1


def point_cap(
    widths: tuple[int, ...], layer: int, budget: int = POINT_BUDGET, most: int = MAX_POINTS
) -> int:
    """How many data points a view of ``layer`` shows at most: as many as ``budget``
    multiply-adds allow, from ``MIN_POINTS`` to ``most``."""
    return int(min(most, max(MIN_POINTS, budget // max(1, forward_cost(widths, layer)))))


def point_sample(n: int, cap: int = MAX_POINTS) -> np.ndarray:
    """Indices (sorted) of the dataset points shown: all n, or a fixed sample of ``cap``
    that depends only on n (the evaluation sample's rule)."""
    idx = eval_sample(n, cap)
    return np.arange(n) if idx is None else idx


def forward_to(net: Network, params: Parameters, x: np.ndarray, layer: int) -> list[np.ndarray]:
    """[h⁽⁰⁾, h⁽¹⁾, …, h⁽ˡᵃʸᵉʳ⁾] of the columns of x: ``Network.forward``'s numbers."""
    hs = [x]
    with np.errstate(all="ignore"):
        for k in range(1, layer + 1):
            hs.append(net.forward_layer(params, k, hs[-1])[1])
    return hs


# --- coordinates ----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Projection:
    """How hidden layer ``layer`` (``width`` units) is drawn: ``kind`` "units" shows the
    units ``units`` (0-based) as axes; "pca" shows (h − mean)·basis, the first principal
    components of the training points' h⁽ℓ⁾ at step ``fitted_at`` (``explained``: the share
    of their variance along each axis); "output" (the last hidden layer only) also shows
    (h − mean)·basis, with the basis spanning the output's own weight directions (two
    classes: w⁽ᴸ⁾, then the frozen first component made perpendicular to it; three: the
    differences w₂ − w₁ and w₃ − w₁), so every point's class depends only on where it is
    drawn: the boundary is exact. That basis turns with the output's weights as they
    learn; the mean stays the frozen projection's."""

    layer: int
    width: int
    kind: str
    units: tuple[int, ...] = ()
    mean: np.ndarray | None = None
    basis: np.ndarray | None = None  # width × 2, orthonormal columns
    explained: tuple[float, ...] = ()
    fitted_at: int = 0

    @property
    def dims(self) -> int:
        return len(self.units) if self.kind == "units" else self.basis.shape[1]

    @property
    def whole(self) -> bool:
        """Whether the view shows every unit (nothing of the layer is hidden from it)."""
        return self.kind == "units" and len(self.units) == self.width

    @property
    def shows_output(self) -> bool:
        """Whether the output's decision depends only on the view coordinates (the whole
        layer, or the output's own directions): its boundary is then drawn exactly."""
        return self.whole or self.kind == "output"

    def coords(self, h: np.ndarray) -> np.ndarray:
        """The view coordinates (n × dims) of the columns of h⁽ℓ⁾ (width × n)."""
        if self.kind == "units":
            return h[list(self.units)].T.copy()
        return (h - self.mean[:, None]).T @ self.basis

    def plane(self, centre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(origin, directions): the hidden-space points h = origin + directions · u that
        the view coordinates u stand for, on the view's plane through ``centre``."""
        if self.kind == "units":
            origin = np.array(centre, dtype=np.float64)
            origin[list(self.units)] = 0.0
            directions = np.eye(self.width)[:, list(self.units)]
            return origin, directions
        B = self.basis
        off = centre - self.mean
        return self.mean + off - B @ (B.T @ off), B

    def labels(self) -> tuple[str, ...]:
        u = sup(self.layer)
        if self.kind == "units":
            return tuple(f"h{sub(i + 1)}{u}" for i in self.units)
        if self.kind == "output":
            out = sup(self.layer + 1)
            if self.explained:  # two classes: along w, then the first component
                return (f"along w{out}", f"PC1 of h{u}, ⊥ w{out}")
            return (f"along w₂{out} − w₁{out}", f"along w₃{out} − w₁{out}, ⊥ the first")
        return tuple(f"PC{k + 1} of h{u}" for k in range(self.dims))

    def describe(self) -> str:
        u = sup(self.layer)
        n = "1 unit" if self.width == 1 else f"{self.width} units"
        if self.whole:
            shape = {1: "its line", 2: "its plane", 3: "its space"}[self.width]
            return f"h{u}, {n}: {shape}"
        if self.kind == "units":
            return f"h{u}, {n}: units {', '.join(str(i + 1) for i in self.units)}"
        if self.kind == "output":
            return (
                f"h{u}, {n}: the output's view (a projection on the directions of the "
                f"output's weights, which turn as they learn)"
            )
        share = sum(self.explained)
        return (
            f"h{u}, {n}: a projection (principal components 1 and 2 of the training points' "
            f"h{u} at step {self.fitted_at:,}, {share:.0%} of their variance)"
        )

    def axes(self, activation: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The fixed axes (lo, hi) for a bounded activation; None: they follow the points
        (always for the output's view, whose basis turns)."""
        bounds = activation_bounds(activation)
        if bounds is None or self.kind == "output":
            return None
        b0, b1 = bounds
        if self.kind == "units":
            return np.full(self.dims, b0), np.full(self.dims, b1)
        B, shift = self.basis, self.basis.T @ self.mean
        lo = np.minimum(B * b0, B * b1).sum(axis=0) - shift
        hi = np.maximum(B * b0, B * b1).sum(axis=0) - shift
        return lo, hi


def output_projection(pca: Projection, W: np.ndarray) -> Projection:
    """The output's view of the last hidden layer, from its frozen projection ``pca`` and
    the output weights W⁽ᴸ⁾ (1 or 3 rows; 2 rows as the 2nd minus the 1st)."""
    if W.shape[0] == 1:
        w = W[0]
        first = pca.basis[:, 0]
        across = first - (first @ w) / (w @ w) * w if w @ w else first
        if not np.linalg.norm(across) > 1e-12 * max(1.0, np.linalg.norm(first)):
            across = pca.basis[:, 1] - (pca.basis[:, 1] @ w) / (w @ w) * w
        span = np.column_stack([w, across])
    elif W.shape[0] == 3:
        span = np.column_stack([W[1] - W[0], W[2] - W[0]])
    else:
        raise ValueError(f"the output's view needs 2 or 3 classes, not {W.shape[0]}")
    basis, r = np.linalg.qr(span)
    basis *= np.where(np.diag(r) < 0, -1.0, 1.0)  # along w, not against it
    explained = pca.explained[:1] if W.shape[0] == 1 else ()
    return replace(pca, kind="output", basis=basis, explained=explained)


def fit_pca(layer: int, h: np.ndarray, step: int = 0, dims: int = 2) -> Projection:
    """The first ``dims`` principal components of the columns of h (width × n), signs fixed
    so that each axis's largest component is positive (the same data, the same axes)."""
    width = h.shape[0]
    finite = h[:, np.all(np.isfinite(h), axis=0)]
    mean = finite.mean(axis=1) if finite.shape[1] else np.zeros(width)
    centred = finite - mean[:, None]
    if finite.shape[1] >= 2:
        # the eigenvectors of the width × width scatter matrix: the principal directions,
        # at a fraction of an SVD of the width × n data
        var, U = np.linalg.eigh(centred @ centred.T)
        var, U = np.maximum(var[::-1], 0.0), U[:, ::-1]
    else:
        U, var = np.eye(width), np.zeros(width)
    basis = np.zeros((width, dims))
    k = min(dims, U.shape[1])
    basis[:, :k] = U[:, :k]
    for j in range(k, dims):  # fewer directions than asked: complete the basis
        e = np.eye(width)[:, j]
        e = e - basis[:, :j] @ (basis[:, :j].T @ e)
        basis[:, j] = e / np.linalg.norm(e)
    for j in range(dims):
        col = basis[:, j]
        if col[np.argmax(np.abs(col))] < 0:
            basis[:, j] = -col
    total = float(var.sum())
    explained = tuple(float(var[j] / total) if total and j < len(var) else 0.0 for j in range(dims))
    mean.flags.writeable = basis.flags.writeable = False  # shared by every later figure
    return Projection(layer, width, "pca", (), mean, basis, explained, int(step))


# --- the output's boundary ----------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class BoundaryPiece:
    """Where classes ``classes`` = (k, j) tie above the others (binary: (0, 1), p = ½):
    a point (1 × 1), a segment (2 × 2) or a polygon (n × 3) in view coordinates."""

    classes: tuple[int, int]
    vertices: np.ndarray


@dataclass(frozen=True, eq=False)
class ClassRegion:
    """Where the drawn output picks class ``cls``: an interval (2 × 1) or a convex polygon
    (n × 2) of the view."""

    cls: int
    vertices: np.ndarray


@dataclass(frozen=True, eq=False)
class OutputBoundary:
    """The output layer's decision boundary in the last hidden layer's view.

    ``exact``: the view shows the whole layer, or the output's view: the boundary is the
    output's. Otherwise it is a slice through the mean of the points shown. ``agreement``
    is the share of the points shown whose side of the drawn boundary is the class the
    output gives them (1.0 when exact, up to points within rounding of it)."""

    exact: bool
    description: str
    pieces: tuple[BoundaryPiece, ...]
    regions: tuple[ClassRegion, ...]
    agreement: float


def view_logits(W: np.ndarray, b: np.ndarray, origin: np.ndarray, directions: np.ndarray):
    """(A, c) with z = A u + c: the output's logits at view coordinates u (binary: the two
    classes' logits are 0 and z, so every head reads as K ≥ 2 classes)."""
    A = W @ directions
    c = W @ origin + b[:, 0]
    if W.shape[0] == 1:
        A = np.vstack([np.zeros_like(A), A])
        c = np.concatenate([[0.0], c])
    return A, c


def drawn_classes(A: np.ndarray, c: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The class the drawn boundary gives each view point (rows of u): the largest logit,
    the first on a tie (binary: class 1 when z ≥ 0, as p ≥ ½ predicts)."""
    z = A @ u.T + c[:, None]  # laid out as the output layer's W h + b
    if A.shape[0] == 2:
        return (z[1] >= z[0]).astype(np.int64)
    return z.argmax(axis=0)


def boundary_pieces(A, c, lo, hi) -> tuple[list[BoundaryPiece], list[ClassRegion]]:
    """The pieces where two classes tie above the rest, and (1-D, 2-D) each class's region,
    inside the box [lo, hi]."""
    K, d = A.shape
    pieces, regions = [], []
    for k in range(K):
        for j in range(k + 1, K):
            others: list[HalfSpace] = []
            for m in range(K):
                if m not in (k, j):
                    others.append((A[k] - A[m], float(c[k] - c[m])))
            v = hyperplane_piece(A[j] - A[k], float(c[j] - c[k]), lo, hi, others)
            if v is not None:
                pieces.append(BoundaryPiece((k, j), v))
    if d <= 2:
        for k in range(K):
            beats = [(A[k] - A[m], float(c[k] - c[m])) for m in range(K) if m != k]
            if d == 1:
                r = region_1d(float(lo[0]), float(hi[0]), beats)
            else:
                r = clip_polygon(box_polygon(lo, hi), beats)
                r = r if len(r) >= 3 else None
            if r is not None:
                regions.append(ClassRegion(k, r))
    return pieces, regions


# --- a figure -------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LayerPicture:
    """One layer's view: layer 0 is the input plane (x₁, x₂), layer ℓ ≥ 1 is h⁽ℓ⁾ through
    ``projection``. ``lines`` (lines × samples × dims) and ``points`` (n × dims) are in
    view coordinates; the axes are [lo, hi] on each; ``fixed``: they are the activation's
    bounds (else they follow the points)."""

    layer: int
    projection: Projection | None
    activation: str
    lo: np.ndarray
    hi: np.ndarray
    fixed: bool
    lines: np.ndarray
    points: np.ndarray

    @property
    def dims(self) -> int:
        return self.points.shape[1]

    def labels(self) -> tuple[str, ...]:
        if self.projection is None:
            return tuple(f"x{sub(k + 1)}" for k in range(self.dims))
        return self.projection.labels()

    def describe(self) -> str:
        if self.projection is None:
            return "the input plane"
        return self.projection.describe()

    def to_box(self, a: np.ndarray) -> np.ndarray:
        """View coordinates (… × dims) as box coordinates: [lo, hi] ↦ [−1, 1] per axis."""
        span = np.where(self.hi > self.lo, self.hi - self.lo, 1.0)
        return 2.0 * (a - self.lo) / span - 1.0


@dataclass(frozen=True, eq=False)
class HiddenFigure:
    """Everything the hidden-space view draws for one step: ``layers`` holds the input
    plane and every layer up to the one shown (the last), ``point_index`` the dataset
    index of each point shown (the same sample in every layer). For the last hidden layer,
    ``boundary`` and ``decision`` (the class the output gives each point shown)."""

    step: int
    point_index: np.ndarray
    layers: tuple[LayerPicture, ...]
    boundary: OutputBoundary | None
    decision: np.ndarray | None

    @property
    def picture(self) -> LayerPicture:
        return self.layers[-1]

    @property
    def layer(self) -> int:
        return self.layers[-1].layer

    def morph(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """(lines, points) at t ∈ [0, ℓ] between the views: layer ⌊t⌋'s box coordinates
        moved the fraction t − ⌊t⌋ of the way to layer ⌊t⌋+1's, as (… × 3) arrays (a view
        of fewer dimensions has 0 in the others). t = k is exactly layer k's view."""
        last = len(self.layers) - 1
        t = min(max(float(t), 0.0), float(last))
        k = min(int(math.floor(t)), max(last - 1, 0))
        f = t - k
        a = self.layers[k]
        b = self.layers[min(k + 1, last)]
        lines = (1.0 - f) * _pad3(a.to_box(a.lines)) + f * _pad3(b.to_box(b.lines))
        points = (1.0 - f) * _pad3(a.to_box(a.points)) + f * _pad3(b.to_box(b.points))
        return lines, points


def _pad3(a: np.ndarray) -> np.ndarray:
    pad = [(0, 0)] * (a.ndim - 1) + [(0, 3 - a.shape[-1])]
    return np.pad(a, pad)


def can_show_output(arch, layer: int) -> bool:
    """Whether ``layer`` has an output's view: the last hidden layer, wider than 3 units
    (a narrower one is shown whole, exactly), of a network with 2 or 3 classes."""
    return (
        layer == arch.depth - 1
        and arch.widths[layer] > 3
        and arch.head != "gaussian"
        and arch.widths[-1] in (1, 3)
    )


def run_key(snapshot) -> tuple:
    """What makes a run, for the frozen projections: another architecture, features,
    initialisation or seed is another run (a reset with the same seed is the same run:
    θ₀ is the same)."""
    return (snapshot.arch, snapshot.spec.features, snapshot.init_schemes, snapshot.seed)


class HiddenSpace:
    """The hidden-space view's state between frames: the frozen projections and the
    following axes of each layer, and the input points and lines (cached per dataset).

    ``figure(snapshot, layer)`` is the figure for one frame. It may be called from any one
    thread (the engine's, or ``render``'s); the state it keeps only grows the picture's
    steadiness, never changes the numbers of the run."""

    def __init__(
        self,
        extent: tuple[float, float, float, float] = DOMAIN,
        n_lines: int = GRID_LINES,
        max_points: int = MAX_POINTS,
        line_budget: int = LINE_BUDGET,
        point_budget: int = POINT_BUDGET,
    ):
        self.extent = extent
        self.n_lines = n_lines
        self.max_points = max_points
        self.line_budget = line_budget
        self.point_budget = point_budget
        self._key: tuple | None = None
        self._projections: dict[tuple, Projection] = {}
        self._ranges: dict[tuple, tuple[int, tuple[np.ndarray, np.ndarray]]] = {}
        self._inputs: dict[tuple, tuple] = {}

    def refit(self) -> None:
        """Forget the frozen projections and the followed axes: the next figure fits anew."""
        self._projections.clear()
        self._ranges.clear()

    def projection(
        self,
        snapshot,
        layer: int,
        units: tuple[int, ...] | None = None,
        output_view: bool = False,
    ) -> Projection:
        """The projection ``figure`` uses for ``layer``: all units of a layer of at most 3,
        ``units`` when given, the output's view when asked (``can_show_output``), else the
        frozen PCA (fitted now if this run has none)."""
        self._check_run(snapshot)
        width = snapshot.arch.widths[layer]
        if output_view:
            if not can_show_output(snapshot.arch, layer):
                raise ValueError(
                    "the output's view is for the last hidden layer of a network with 2 or 3 "
                    "classes, when it is wider than 3 units"
                )
            pca = self.projection(snapshot, layer)
            return output_projection(pca, snapshot.params.W[-1])
        if units is not None:
            units = tuple(int(u) for u in units)
            if len(units) not in (2, 3) or len(set(units)) != len(units):
                raise ValueError(f"pick 2 or 3 different units, got {units}")
            if not all(0 <= u < width for u in units):
                raise ValueError(f"layer {layer} has units 0..{width - 1}, got {units}")
            return Projection(layer, width, "units", units)
        if width <= 3:
            return Projection(layer, width, "units", tuple(range(width)))
        if layer not in self._projections:
            self._fit(snapshot, layer)
        return self._projections[layer]

    def _fit(self, snapshot, upto: int) -> None:
        """Fit every wide layer's projection up to ``upto`` that has none, from one
        forward pass of the training points."""
        widths = snapshot.arch.widths
        missing = [k for k in range(1, upto + 1) if widths[k] > 3 and k not in self._projections]
        if not missing:
            return
        net = _network(snapshot)
        hs = forward_to(net, snapshot.params, training_sample(snapshot), missing[-1])
        for k in missing:
            self._projections[k] = fit_pca(k, hs[k], snapshot.step)

    def figure(
        self,
        snapshot,
        layer: int,
        units: tuple[int, ...] | None = None,
        output_view: bool = False,
    ) -> HiddenFigure:
        """The input plane and layers 1..``layer`` as the network at ``snapshot`` maps them;
        ``units`` picks the units of ``layer`` to show, ``output_view`` the output's view
        (else: all of a narrow layer, or the frozen projection)."""
        arch = snapshot.arch
        if not 1 <= layer < arch.depth:
            hidden = arch.depth - 1
            raise ValueError(
                f"layer {layer} is not a hidden layer: the network has "
                + ("none" if hidden == 0 else f"layers 1..{hidden}")
            )
        net = _network(snapshot)
        x_pts, xy_pts, x_lines, xy_lines, index = self._input_points(snapshot, layer)
        shape = xy_lines.shape
        # the points and the lines each go through the network as one matrix, so each is
        # exactly what ``Network.forward`` makes of it
        hs = forward_to(net, snapshot.params, x_pts, layer)
        hs_lines = forward_to(net, snapshot.params, x_lines, layer)
        pictures = [self._input_picture(snapshot, xy_pts, xy_lines)]
        self._check_run(snapshot)
        self._fit(snapshot, layer)
        for k in range(1, layer + 1):
            last = k == layer
            proj = self.projection(snapshot, k, units if last else None, output_view and last)
            pts = proj.coords(hs[k])
            lines = proj.coords(hs_lines[k]).reshape(shape[0], shape[1], -1)
            act = net.hidden[k - 1].name
            fixed = proj.axes(act)
            lo, hi = fixed if fixed is not None else self._follow(snapshot, proj, pts)
            pictures.append(LayerPicture(k, proj, act, lo, hi, fixed is not None, lines, pts))
        boundary = decision = None
        if layer == arch.depth - 1 and arch.head != "gaussian":
            h = hs[layer]
            with np.errstate(all="ignore"):
                _, out = net.forward_layer(snapshot.params, arch.depth, h)
            decision = net.head.predict(out)
            boundary = self._boundary(snapshot, pictures[-1], h, decision)
        return HiddenFigure(snapshot.step, index, tuple(pictures), boundary, decision)

    # --- parts ------------------------------------------------------------------------------
    def _check_run(self, snapshot) -> None:
        key = run_key(snapshot)
        if key != self._key:
            self._key = key
            self.refit()

    def _input_points(self, snapshot, layer: int):
        ds, features = snapshot.dataset, snapshot.spec.features
        widths = snapshot.arch.widths
        samples = line_samples(widths, layer, 2 * self.n_lines, self.line_budget)
        cap = point_cap(widths, layer, self.point_budget, self.max_points)
        key = (id(ds), features, samples, cap)
        cached = self._inputs.get(key)
        if cached is None or cached[0] is not ds:
            index = point_sample(len(ds), cap)
            xy_pts = ds.points[index]
            xy_lines = input_lines(self.extent, self.n_lines, samples, ds.input_dim)
            flat = xy_lines.reshape(-1, 2)
            x_pts = feature_matrix(xy_pts, features)
            x_lines = feature_matrix(flat, features)
            arrays = (x_pts, xy_pts, x_lines, xy_lines, index)
            for a in arrays:  # shared by every figure (layer 0 shows them as they are)
                a.flags.writeable = False
            self._inputs = {key: (ds, arrays)}
            cached = self._inputs[key]
        return cached[1]

    def _input_picture(self, snapshot, xy_pts, xy_lines) -> LayerPicture:
        d = snapshot.dataset.input_dim
        x0, x1, y0, y1 = self.extent
        lo, hi = np.array([x0, y0][:d], float), np.array([x1, y1][:d], float)
        return LayerPicture(0, None, "", lo, hi, True, xy_lines[..., :d], xy_pts[:, :d])

    def _follow(self, snapshot, proj: Projection, pts: np.ndarray):
        key = (proj.layer, proj.kind, proj.units)
        held = self._ranges.get(key)
        if held is not None and held[0] == snapshot.step:
            return held[1]
        rng = follow_range(None if held is None else held[1], pts)
        self._ranges[key] = (snapshot.step, rng)
        return rng

    def _boundary(self, snapshot, pic: LayerPicture, h: np.ndarray, decision: np.ndarray):
        proj = pic.projection
        W, b = snapshot.params.W[-1], snapshot.params.b[-1]
        centre = h.mean(axis=1) if h.shape[1] else np.zeros(h.shape[0])
        origin, directions = proj.plane(centre)
        A, c = view_logits(W, b, origin, directions)
        with np.errstate(all="ignore"):
            pieces, regions = boundary_pieces(A, c, pic.lo, pic.hi)
            drawn = drawn_classes(A, c, pic.points)
        agreement = float(np.mean(drawn == decision)) if len(drawn) else math.nan
        L = snapshot.arch.depth
        what = (
            f"where p(y = 1 | x) = ½ (z{sup(L)} = 0)"
            if W.shape[0] == 1
            else "where the output's most probable class changes"
        )
        if proj.shows_output:
            text = f"The output's decision boundary, {what}."
        else:
            text = (
                f"A slice of the output's decision boundary ({what}) by the view's plane "
                f"through the mean of the points shown: it agrees with the output on "
                f"{agreement:.0%} of them."
            )
        return OutputBoundary(proj.shows_output, text, tuple(pieces), tuple(regions), agreement)


def _network(snapshot) -> Network:
    return Network(snapshot.arch, HEADS[snapshot.arch.head])
