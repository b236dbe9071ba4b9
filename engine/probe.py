"""The weight probe: the loss as a function of one parameter (or two), every other fixed.

What the student sees is the loss the app plots: L = −(1/N) Σ log p(yⁱ | xⁱ), the mean
negative log-likelihood of the training points (without the penalty). The slope under the
hand is ∂L/∂w, so it is positive where raising w raises the plotted loss. Training ascends
J = ℒ/N − λ Σ W² (the inspector's dJ/dW), which is descending L + λ Σ W²; so for a weight
dJ/dw = −(∂L/∂w + 2λw), and for a bias dJ/db = −∂L/∂b. One step of plain SGD (Algorithm 3)
moves w to w − α (∂L/∂w + 2λw): ``ProbePoint.full_step`` says where that lands.

The points are those of the plotted training loss: the evaluation sample of the training
split (every training point when there are at most 1,024, else a fixed sample;
engine/evaluation.py), or with ``full`` every training point. At the current value the
probe's loss is exactly ``session.evaluate("train", full)[0]``, to the last bit.

Vectorised: the values of the probed parameter are stacked along a leading axis and the
network runs once over all of them. The layers below the parameter's run once; from its
layer up, every matrix product is one stacked ``matmul`` whose slices have the shapes of
the plain forward pass, so each value's loss is the very number a forward pass with that
value gives. Memory is bounded by running the values in chunks.

While a parameter is dragged its curve does not change (the other weights are fixed):
a view computes ``probe_line`` once when the drag starts and ``probe_point`` (the dot, the
tangent, the finite-difference slope, the step's landing) each frame.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np

from .evaluation import sampled
from .jobs import run_to_end
from .network import Network, Parameters
from .paramref import ParamRef

FD_STEP = 1e-4  # the finite-difference step h of the five-point central stencil
DEFAULT_VALUES = 101  # values along a line probe
DEFAULT_GRID = 41  # values along each axis of a plane probe
CHUNK_ELEMENTS = 1 << 21  # at most this many numbers in one layer's stacked activations
CHUNK_WORK = 1 << 24  # multiply-adds per chunk of values: a few milliseconds


# --- the points and the gradient ---------------------------------------------------------------
def probe_points(session, full: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """h⁽⁰⁾ (M₀ × N) and y of the points the plotted training loss is measured on: the
    training split's evaluation sample, or with ``full`` every training point."""
    n = session.n_train
    X = session.train_x
    y = session.batch(np.arange(n))[1]
    return (X, y) if full else sampled(X, y)


@dataclass(frozen=True)
class LossGradient:
    """∂L/∂θ of the plotted loss L (mean negative log-likelihood, no penalty) at one step,
    over ``n_points`` training points: ``dW[ℓ−1]`` is ∂L/∂W⁽ℓ⁾, ``db[ℓ−1]`` is ∂L/∂b⁽ℓ⁾.
    Training's ascent direction is dJ/dW = −(∂L/∂W + 2λW)."""

    step: int
    loss: float
    dW: tuple[np.ndarray, ...]
    db: tuple[np.ndarray, ...]
    n_points: int

    def of(self, ref: ParamRef) -> float:
        """∂L/∂w of one parameter."""
        arrays = self.dW if ref.kind == "W" else self.db
        return float(arrays[ref.layer - 1][ref.row, ref.col])


def loss_gradient(session, full: bool = False) -> LossGradient:
    """∂L/∂θ by backprop over the probe's points (one forward and one backward pass): the
    slope of every parameter at once, for a readout of whichever edge is hovered."""
    X, y = probe_points(session, full)
    return _gradient(session.net, session.params, X, y, session.step_count)[0]


def _gradient(net: Network, params: Parameters, X, y, step: int):
    """(∂L/∂θ, the forward pass it ran): the probe reuses the layers below a parameter."""
    n = X.shape[1]
    if n == 0:
        raise ValueError("there are no training points: draw some or load a preset")
    with np.errstate(all="ignore"):
        fp = net.forward(params, X)
        loss = -float(net.log_likelihood(fp, y).mean())
        bp = net.backward(params, fp, y, 0.0)  # dJ/dθ with λ = 0 is −∂L/∂θ
    dW = tuple(_frozen(-g) for g in bp.dW)
    db = tuple(_frozen(-g) for g in bp.db)
    return LossGradient(step, loss, dW, db, n), fp


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def readout(ref: ParamRef, value: float, slope: float) -> str:
    """The hover text: 'W⁽²⁾₁,₃ = −0.82 · ∂L/∂w = +0.137'."""
    d = "∂L/∂b" if ref.kind == "b" else "∂L/∂w"
    return f"{ref.label} = {_signed(value, '.2f', False)} · {d} = {_signed(slope, '.3g', True)}"


def _signed(v: float, fmt: str, plus: bool) -> str:
    s = format(v, ("+" if plus else "") + fmt)
    return s.replace("-", "−")


# --- many values of one or two parameters in one forward pass ----------------------------------
def _stack_losses(
    net: Network,
    params: Parameters,
    X: np.ndarray,
    y: np.ndarray,
    refs: tuple[ParamRef, ...],
    grids: tuple[np.ndarray, ...],
    classification: bool,
    below: np.ndarray | None = None,
) -> Generator[tuple[int, int], None, tuple[np.ndarray, np.ndarray | None]]:
    """L and the number of misclassified points for every combination of the values in
    ``grids`` (one axis per parameter of ``refs``): arrays of shape ``(len(g) for g in
    grids)``. The first axis runs in chunks of about ``CHUNK_WORK`` multiply-adds (and
    at most ``CHUNK_ELEMENTS`` numbers in a layer), yielding (values done, total) after
    each, so a caller can spread a dear probe over several frames. ``below`` is
    h⁽ℓ⁻¹⁾ of the plain forward pass for the lowest parameter's layer ℓ, if at hand."""
    shape = tuple(len(g) for g in grids)
    loss = np.empty(shape)
    errors = np.empty(shape, dtype=np.int64) if classification else None
    if not loss.size:
        return loss, errors
    widths = net.arch.widths
    first = min(r.layer for r in refs)
    columns = math.prod(shape[1:]) * X.shape[1]  # per value of the first axis
    work = columns * sum(widths[k] * widths[k - 1] for k in range(first, len(widths)))
    chunk = max(1, min(CHUNK_WORK // max(work, 1), CHUNK_ELEMENTS // (columns * max(widths))))
    for at in range(0, shape[0], chunk):
        part = (grids[0][at : at + chunk], *grids[1:])
        lo, er = _stacked_forward(net, params, X, y, refs, part, classification, below)
        loss[at : at + chunk] = lo
        if errors is not None:
            errors[at : at + chunk] = er
        yield min(at + chunk, shape[0]), shape[0]
    return loss, errors


def _stacked_forward(net, params, X, y, refs, grids, classification, below=None):
    axes = len(refs)
    sizes = [len(g) for g in grids]
    first = min(r.layer for r in refs)
    h = X
    with np.errstate(all="ignore"):
        if below is not None:
            h = below
        else:
            for layer in range(1, first):  # below the parameters: the plain forward pass
                _, h = net.forward_layer(params, layer, h)
        # the lowest parameter's layer and those above, for every value at once
        for layer in range(first, net.depth + 1):
            W, b = params.W[layer - 1], params.b[layer - 1]
            here = [a for a, r in enumerate(refs) if r.layer == layer]
            if here:
                lead = [sizes[a] if a in here else 1 for a in range(axes)]
                W = _with_values(W, lead, refs, grids, here, "W")
                b = _with_values(b, lead, refs, grids, here, "b")
            z = np.matmul(W, h)
            if np.broadcast_shapes(z.shape, b.shape) != z.shape:  # b adds values' axes
                z = z + b
            else:
                z += b
            if layer < net.depth:  # hidden activations work element by element
                h = net.hidden[layer - 1].forward(z, np.empty_like(z))
        # the head (a softmax normalises down a column) works on M_L × N matrices: every
        # combination's N columns side by side
        lead = z.shape[:-2]
        m = z.shape[-2]
        cols = math.prod(lead) * X.shape[1]
        z2 = np.ascontiguousarray(np.moveaxis(z, -2, 0).reshape(m, cols))
        h2 = net.head.forward(z2, np.empty_like(z2))
        y2 = np.tile(y, math.prod(lead))
        ll = net.head.log_likelihood(z2, h2, y2).reshape(*lead, X.shape[1])
        loss = -ll.mean(axis=-1)
        errors = None
        if classification:
            wrong = net.head.predict(h2) != y2
            errors = np.count_nonzero(wrong.reshape(*lead, X.shape[1]), axis=-1)
    full = tuple(sizes)
    return np.broadcast_to(loss, full), None if errors is None else np.broadcast_to(errors, full)


def _with_values(a: np.ndarray, lead, refs, grids, here, kind) -> np.ndarray:
    """``a`` stacked along the leading axes, with each parameter of this layer and kind
    taking its axis's values."""
    mine = [k for k in here if refs[k].kind == kind]
    if not mine:
        return a
    out = np.empty((*lead, *a.shape))
    out[...] = a
    for k in mine:
        r = refs[k]
        shape = [1] * len(lead)
        shape[k] = len(grids[k])
        out[..., r.row, r.col] = np.asarray(grids[k], dtype=np.float64).reshape(shape)
    return out


# --- one parameter ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Landing:
    """Where one step of plain SGD of size α moves the parameter, and L there."""

    value: float
    loss: float
    slope: float  # the slope the step used: ∂/∂w of L + λΣW² (over its points)


@dataclass(frozen=True)
class ProbePoint:
    """The parameter at its current value: the dot on the curve and the tangent."""

    ref: ParamRef
    step: int  # the session's step: "slice at step t, other weights fixed"
    value: float
    loss: float  # L(w), exactly the plotted training loss at this step
    errors: int | None  # misclassified probe points (classification), else None
    slope: float  # ∂L/∂w by backprop
    fd_slope: float  # ∂L/∂w by central finite differences (five-point stencil)
    fd_step: float
    penalty_slope: float  # 2λw for a weight, 0 for a bias
    alpha: float
    full_step: Landing  # one full-batch SGD step over the probe's points
    batch_step: Landing | None  # one SGD step on the given batch
    n_points: int
    # ∂L/∂θ of every parameter at this step: the hover readout of any other edge
    gradient: LossGradient = field(repr=False, compare=False, default=None)

    @property
    def label(self) -> str:
        return self.ref.label

    @property
    def objective_slope(self) -> float:
        """∂/∂w of L + λΣW², the quantity a training step descends (−dJ/dw)."""
        return self.slope + self.penalty_slope

    def tangent(self, values) -> np.ndarray:
        """The tangent line of L at w: L(w) + ∂L/∂w · (v − w)."""
        return self.loss + self.slope * (np.asarray(values, dtype=np.float64) - self.value)

    @property
    def text(self) -> str:
        return readout(self.ref, self.value, self.slope)


@dataclass(frozen=True)
class LineProbe:
    """L along ``values`` of one parameter, every other fixed, at ``point.step``."""

    point: ProbePoint
    values: np.ndarray
    loss: np.ndarray
    errors: np.ndarray | None  # misclassified probe points at each value (classification)
    objective: np.ndarray = field(repr=False)  # L + λΣW² at each value

    @property
    def ref(self) -> ParamRef:
        return self.point.ref


def _default_values(w: float, n: int, span: float | None) -> np.ndarray:
    r = max(2.0, abs(w)) if span is None else float(span)
    if not (math.isfinite(r) and r > 0):
        raise ValueError(f"the probe's span must be a positive number, got {span!r}")
    values = w + r * np.linspace(-1.0, 1.0, n)
    if n % 2:
        values[n // 2] = w  # the current value exactly: its loss is the plotted one
    return values


def probe_line(session, ref: ParamRef, values=None, **kw) -> LineProbe:
    """L(w) of ``ref`` over ``values`` on the probe's points, every other parameter fixed,
    with the dot, the slopes and where a step lands; see ``probe_line_steps`` for the
    arguments. At once: on a large network, spread it over frames with the steps."""
    return run_to_end(probe_line_steps(session, ref, values, **kw))


def probe_point(session, ref: ParamRef, **kw) -> ProbePoint:
    """The dot on the curve only, without the curve: what a view needs each frame of a
    drag (the curve itself does not change while one parameter moves)."""
    return probe_line(session, ref, values=(), **kw).point


def probe_line_steps(
    session,
    ref: ParamRef,
    values=None,
    *,
    n: int = DEFAULT_VALUES,
    span: float | None = None,
    batch: np.ndarray | None = None,
    full: bool = False,
    fd: bool = True,
    fd_step: float = FD_STEP,
) -> Generator[tuple[int, int], None, LineProbe]:
    """``probe_line`` a chunk of values at a time: yields (values done, total) and returns
    the ``LineProbe``. θ and the points are taken before the first yield, so training may
    go on in between; the probe describes the step it began at.

    ``values`` default to ``n`` values over w ± ``span`` (span max(2, |w|)), with w
    itself in the middle when ``n`` is odd; ``batch`` adds where a step on those training
    points (indices, as ``next_batch`` takes them) lands; ``full`` uses every training
    point, not the evaluation sample; without ``fd`` the finite-difference slope is NaN
    (four forward passes fewer)."""
    ref.check(session.arch.widths)
    w = ref.get(session.params)
    if values is None:
        values = _default_values(w, int(n), span)
    else:
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{ref.label}: the probe's values must be finite numbers")
    X, y = probe_points(session, full)
    if X.shape[1] == 0:
        raise ValueError("there are no training points: draw some or load a preset")
    net, params, step = session.net, session.params.copy(), session.step_count
    lam, alpha = session.hyper.lam, session.hyper.alpha
    classification = session.dataset.task == "classification"
    grad, fp = _gradient(net, params, X, y, step)
    slope = grad.of(ref)
    penalty = 2.0 * lam * w if ref.kind == "W" else 0.0
    slopes = [slope + penalty]
    if batch is not None:
        bx, by = session.batch(np.asarray(batch, dtype=np.int64))
        slopes.append(_gradient(net, params, bx, by, step)[0].of(ref) + penalty)
    targets = [w - alpha * g for g in slopes]
    h = float(fd_step)
    fd_values = [w - 2 * h, w - h, w + h, w + 2 * h] if fd else []
    every = np.concatenate([values, [w], fd_values, targets])
    below = fp.h[ref.layer - 1]
    loss, errors = yield from _stack_losses(
        net, params, X, y, (ref,), (every,), classification, below
    )
    k = len(values)
    fd_slope = math.nan
    if fd:
        lo = loss[k + 1 : k + 5]
        fd_slope = float((lo[0] - 8.0 * lo[1] + 8.0 * lo[2] - lo[3]) / (12.0 * h))
    first = k + 1 + len(fd_values)
    land = [
        Landing(float(t), float(loss[first + i]), g)
        for i, (t, g) in enumerate(zip(targets, slopes))
    ]
    point = ProbePoint(
        ref=ref,
        step=step,
        value=w,
        loss=float(loss[k]),
        errors=None if errors is None else int(errors[k]),
        slope=slope,
        fd_slope=fd_slope,
        fd_step=h,
        penalty_slope=penalty,
        alpha=alpha,
        full_step=land[0],
        batch_step=land[1] if batch is not None else None,
        n_points=X.shape[1],
        gradient=grad,
    )
    curve = loss[:k].copy()
    objective = curve.copy()
    if lam:
        squares = sum(float(np.sum(a * a)) for a in params.W)
        objective += lam * (squares - w * w + values * values if ref.kind == "W" else squares)
    return LineProbe(
        point,
        _frozen(values.copy()),
        _frozen(curve),
        None if errors is None else _frozen(errors[:k].copy()),
        _frozen(objective),
    )


# --- two parameters -----------------------------------------------------------------------------
@dataclass(frozen=True)
class PlaneProbe:
    """L on a grid of two parameters, every other fixed, at ``step``: ``loss[j, i]`` is L
    with a = ``values_a[i]`` and b = ``values_b[j]`` (rows follow b, columns follow a, as
    an image of the (a, b) plane)."""

    a: ParamRef
    b: ParamRef
    step: int
    values_a: np.ndarray
    values_b: np.ndarray
    loss: np.ndarray
    errors: np.ndarray | None
    value: tuple[float, float]  # (w_a, w_b) now
    loss_at: float  # L at (w_a, w_b): the plotted training loss, exactly
    gradient: tuple[float, float]  # (∂L/∂w_a, ∂L/∂w_b) by backprop: the arrow is its negative
    n_points: int

    @property
    def title(self) -> str:
        return f"slice at step {self.step:,}, other weights fixed"


def probe_plane(session, a: ParamRef, b: ParamRef, values_a=None, values_b=None, **kw):
    """L(w_a, w_b) on a grid, every other parameter fixed; see ``probe_plane_steps``."""
    return run_to_end(probe_plane_steps(session, a, b, values_a, values_b, **kw))


def probe_plane_steps(
    session,
    a: ParamRef,
    b: ParamRef,
    values_a=None,
    values_b=None,
    *,
    n: int = DEFAULT_GRID,
    span: float | None = None,
    full: bool = False,
) -> Generator[tuple[int, int], None, PlaneProbe]:
    """``probe_plane`` a chunk at a time: yields (rows of a done, total), returns the
    ``PlaneProbe``. Default values: ``n`` per axis over each w ± ``span`` (max(2, |w|)),
    with the current values exactly on the grid; θ is taken before the first yield."""
    if a == b:
        raise ValueError(f"{a.label} twice: a plane needs two different parameters")
    widths = session.arch.widths
    a.check(widths)
    b.check(widths)
    wa, wb = a.get(session.params), b.get(session.params)
    va = _default_values(wa, int(n), span) if values_a is None else _values(values_a, a)
    vb = _default_values(wb, int(n), span) if values_b is None else _values(values_b, b)
    X, y = probe_points(session, full)
    if X.shape[1] == 0:
        raise ValueError("there are no training points: draw some or load a preset")
    net, params, step = session.net, session.params.copy(), session.step_count
    classification = session.dataset.task == "classification"
    grad, fp = _gradient(net, params, X, y, step)
    refs = (a, b)
    below = fp.h[min(a.layer, b.layer) - 1]
    loss, errors = yield from _stack_losses(
        net, params, X, y, refs, (va, vb), classification, below
    )
    now = (np.array([wa]), np.array([wb]))
    here = run_to_end(_stack_losses(net, params, X, y, refs, now, False, below))[0]
    return PlaneProbe(
        a,
        b,
        step,
        _frozen(va.copy()),
        _frozen(vb.copy()),
        _frozen(np.ascontiguousarray(loss.T)),
        None if errors is None else _frozen(np.ascontiguousarray(errors.T)),
        (wa, wb),
        float(here[0, 0]),
        (grad.of(a), grad.of(b)),
        X.shape[1],
    )


def _values(values, ref: ParamRef) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    if not v.size or not np.all(np.isfinite(v)):
        raise ValueError(f"{ref.label}: the probe's values must be finite numbers")
    return v
