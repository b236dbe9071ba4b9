"""The health of every layer: how fast its weights move, how many of its units are stuck,
and how its activations are spread.

Three figures that courses on training deep networks compute by hand:

* **The update-to-weight ratio** of layer ℓ, as log₁₀(RMS(ΔW⁽ℓ⁾) / RMS(W⁽ℓ⁾)), where ΔW⁽ℓ⁾
  is the step the optimizer applied to W⁽ℓ⁾ at this step and W⁽ℓ⁾ the weights after it.
  The rule of thumb is about −3: much larger and α is too big for the layer, much smaller
  and the layer barely learns. ΔW is the optimizer's actual step, not α·∇J, because that
  is what moves the weights: α·∇J for SGD, α·v for momentum, αₜ·m / (√s + ε) for Adam
  (a step of Adam has about the size α whatever the gradient, so α·∇J would say nothing
  about it). The step is read back from the optimizer's state after the update, so
  nothing about the step has to be kept while training. RMS rather than the standard
  deviation: the two agree for weights and steps centred on zero, and RMS is also defined
  for a layer of one weight and counts a step that moves every weight alike; the ratio
  of RMS values is the ratio of the norms, the form the rule of thumb is stated in.
  −inf when the step is exactly zero, +inf when the weights are all zero and the step is
  not (a frozen zero weight alone in its layer), NaN when it is not known (no step yet)
  or both are zero.
* **The saturated share** of a hidden layer: the share of its units that are stuck. A
  sigmoid or tanh unit is saturated on a point when its output is within 1 % of the
  output range from one of its bounds (sigmoid: h ≤ 0.01 or h ≥ 0.99; tanh: |h| ≥ 0.98),
  where f′ is below 0.04 of its peak and the unit passes back almost no δ; the unit is
  saturated when that holds on at least 95 % of the training points. A ReLU unit is dead
  when z ≤ 0 on every training point (its δ is then 0 on all of them and it never learns
  again); a ReLU layer's share counts its dead units. Identity layers and the output
  layer have no such state: NaN. Large training sets are judged on the evaluation sample
  (``evaluation.EVAL_SAMPLE`` points), as the running losses are.
* **A histogram of each hidden layer's activations** over the training points, with
  bins fixed by the activation's range (sigmoid [0, 1], tanh [−1, 1]; ReLU and identity
  follow the points slowly, ``ranges.follow_range``).

The ratio and the saturated share are recorded in every history row
(``history.HEALTH_METRICS``); the histogram is drawn for the step shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .evaluation import EVAL_SAMPLE, eval_sample, metrics_of_forward
from .features import feature_matrix
from .heads import HEADS
from .network import ForwardPass, Network, Parameters
from .ranges import activation_bounds, follow_range

SATURATION_LIMIT = 0.01  # of the activation's output range, from either bound
SATURATION_SHARE = 0.95  # of the training points on which a unit must sit at a bound
HISTOGRAM_BINS = 24
HISTOGRAM_BUDGET = 12_000_000  # multiply-adds of the histograms' forward pass
MIN_HISTOGRAM_POINTS = 256


# --- saturated and dead units ---------------------------------------------------------------
def at_bound(
    activation: str, h: np.ndarray, limit: float = SATURATION_LIMIT, overwrite: bool = False
) -> np.ndarray:
    """Where a unit's output h sits at a bound of its activation (the activation's own
    rule, ``Activation.at_bound``)."""
    return get_activation(activation).at_bound(h, limit, overwrite)


@dataclass(frozen=True)
class UnitStates:
    """Per unit of one hidden layer: ``dead`` (ReLU never active), ``saturated`` (sigmoid
    or tanh at a bound on at least ``SATURATION_SHARE`` of the points) and ``at_bound``
    (the share of points on which the unit sits at a bound)."""

    activation: str
    dead: np.ndarray
    saturated: np.ndarray
    at_bound: np.ndarray

    @property
    def stuck_share(self) -> float:
        """The layer's saturated share: dead units (ReLU) or saturated units (sigmoid,
        tanh) over all units; NaN for identity or with no points."""
        if self.activation == "relu":
            return float(np.mean(self.dead)) if self.dead.size else math.nan
        if self.activation in ("sigmoid", "tanh"):
            return float(np.mean(self.saturated)) if self.saturated.size else math.nan
        return math.nan


def unit_states(
    activation: str,
    z: np.ndarray,
    h: np.ndarray,
    limit: float = SATURATION_LIMIT,
    share: float = SATURATION_SHARE,
    overwrite: bool = False,
) -> UnitStates:
    """The dead and saturated units of a layer from its z and h over the points (M × N);
    with ``overwrite`` h is scratch."""
    m, n = z.shape
    dead = np.zeros(m, dtype=bool)
    frac = np.zeros(m)
    act = get_activation(activation)
    if n and act.dies:
        dead = act.flat_share(z, h, limit) == 1.0  # never active: its δ is 0 on every point
    elif n and act.bounded:
        frac = np.count_nonzero(act.at_bound(h, limit, overwrite), axis=1) / n
    if n == 0 and activation in ("relu", "sigmoid", "tanh"):
        frac = np.full(m, math.nan)
    return UnitStates(activation, dead, frac >= share, frac)


def layer_states(net: Network, fp: ForwardPass, overwrite: bool = False) -> list[UnitStates]:
    """``unit_states`` of every hidden layer ℓ = 1..L−1 from a forward pass (with
    ``overwrite`` its hidden h are scratch)."""
    return [
        unit_states(net.hidden[k].name, fp.z[k], fp.h[k + 1], overwrite=overwrite)
        for k in range(net.depth - 1)
    ]


def stuck_shares(net: Network, fp: ForwardPass, overwrite: bool = False) -> np.ndarray:
    """The saturated share of every layer ℓ = 1..L (NaN for the output layer); with
    ``overwrite`` the forward pass's hidden h are scratch."""
    out = np.full(net.depth, math.nan)
    if fp.h[0].shape[1]:
        for k, states in enumerate(layer_states(net, fp, overwrite)):
            out[k] = states.stuck_share
    return out


def train_figures(
    net: Network, params: Parameters, X: np.ndarray, y: np.ndarray, classification: bool
) -> tuple[float, float, np.ndarray]:
    """(loss, accuracy, saturated share per layer) over the columns of X, from one forward
    pass: the loss and accuracy are ``evaluation.mean_metrics``' to the bit."""
    if X.shape[1] == 0:
        return math.nan, math.nan, np.full(net.depth, math.nan)
    with np.errstate(all="ignore"):
        fp = net.forward(params, X)
        loss, acc = metrics_of_forward(net, fp, y, classification)
        return loss, acc, stuck_shares(net, fp, overwrite=True)  # fp is ours, and done


# --- the update-to-weight ratio -------------------------------------------------------------
def applied_steps(optimizer, grads_W: list[np.ndarray], alpha: float) -> list[np.ndarray] | None:
    """ΔW⁽ℓ⁾ for every layer: the step ``optimizer`` applied to each W⁽ℓ⁾ at its latest
    update, from its state after that update and that update's gradients ``grads_W``
    (dL/dW⁽ℓ⁾ with the decay, as the optimizer received them). None before any update.

    The same arithmetic as the update rules (optim.py), so each equals
    (W after − W before) up to the rounding of that subtraction."""
    if optimizer.t == 0:
        return None
    name = optimizer.name
    if name == "sgd":
        return [alpha * g for g in grads_W]
    W_slots = range(0, 2 * len(grads_W), 2)  # W⁽ℓ⁾ is array 2(ℓ−1) of θ's order
    if name == "momentum":
        v = optimizer.state["v"]
        return [alpha * v[i] for i in W_slots]
    if name == "adam":
        b1, b2, t = optimizer.beta1, optimizer.beta2, optimizer.t
        step = alpha * np.sqrt(1.0 - b2**t) / (1.0 - b1**t)
        m, s = optimizer.state["m"], optimizer.state["s"]
        return [step * m[i] / (np.sqrt(s[i]) + optimizer.eps) for i in W_slots]
    raise ValueError(f"no update-to-weight ratio for the optimizer {name!r}")


def rms(a: np.ndarray) -> float:
    """√(mean a²) (0 for an empty array)."""
    return float(np.sqrt(np.mean(np.square(a)))) if a.size else 0.0


def log_update_ratios(weights: list[np.ndarray], steps: list[np.ndarray] | None) -> np.ndarray:
    """log₁₀(RMS(ΔW⁽ℓ⁾) / RMS(W⁽ℓ⁾)) per layer; NaN without steps, −inf for a zero step,
    +inf for a step on weights that are all zero (NaN if the step is zero too)."""
    out = np.full(len(weights), math.nan)
    if steps is None:
        return out
    with np.errstate(all="ignore"):
        for k, (w, dw) in enumerate(zip(weights, steps)):
            # NumPy's division: weights all zero give inf or NaN, not ZeroDivisionError
            out[k] = np.log10(np.divide(rms(dw), rms(w)))
    return out


def session_update_ratios(params: Parameters, optimizer, dW: list[np.ndarray], alpha: float):
    """``log_update_ratios`` of the session's latest step (θ already updated)."""
    with np.errstate(all="ignore"):
        return log_update_ratios(params.W, applied_steps(optimizer, dW, alpha))


# --- activation histograms ------------------------------------------------------------------
@dataclass(frozen=True)
class Histogram:
    """The activations of hidden layer ``layer`` over the training points at ``step``:
    ``counts[i]`` values fell in [edges[i], edges[i+1]) (the last bin is closed). ``fixed``:
    the edges are the activation's bounds; otherwise they follow the values
    (``ranges.follow_range``; pass this histogram back as ``previous`` next time), and the
    few values beyond them are counted in the end bins."""

    layer: int
    activation: str
    step: int
    edges: np.ndarray
    counts: np.ndarray
    fixed: bool
    n_points: int  # training points the histogram counts (each unit's output once)

    @property
    def shares(self) -> np.ndarray:
        """The counts as shares of all the layer's outputs (each sums to 1)."""
        total = self.counts.sum()
        return self.counts / total if total else self.counts.astype(np.float64)


def bin_counts(values: np.ndarray, lo: float, hi: float, bins: int) -> np.ndarray:
    """How many finite values fall in each of ``bins`` equal bins of [lo, hi] (values
    beyond it in the end bins): one pass, no sort (``np.histogram`` with given edges
    sorts, 50 ms a frame on 8 layers of 64)."""
    v = np.clip(values[np.isfinite(values)], lo, hi)
    scale = bins / (hi - lo) if hi > lo else 0.0
    idx = ((v - lo) * scale).astype(np.int64) if v.size else np.zeros(0, np.int64)
    np.clip(idx, 0, bins - 1, out=idx)
    return np.bincount(idx, minlength=bins)


def training_sample(snapshot, cap: int = EVAL_SAMPLE) -> np.ndarray:
    """h⁽⁰⁾ of the snapshot's training points, or of a fixed sample of ``cap`` of them (by
    default the evaluation sample, the points the running losses use)."""
    ds = snapshot.dataset
    pts = ds.points[~ds.is_test]
    idx = eval_sample(len(pts), cap)
    if idx is not None:
        pts = pts[idx]
    return feature_matrix(pts, snapshot.spec.features)


def histogram_points(widths: tuple[int, ...]) -> int:
    """How many training points the histograms count: the evaluation sample, or fewer
    (at least ``MIN_HISTOGRAM_POINTS``) where a forward pass of it would cost more than
    ``HISTOGRAM_BUDGET`` multiply-adds (8 layers of 64: 416 points, 26,000 values a layer)."""
    cost = sum(widths[k] * widths[k - 1] for k in range(1, len(widths) - 1))
    return int(min(EVAL_SAMPLE, max(MIN_HISTOGRAM_POINTS, HISTOGRAM_BUDGET // max(1, cost))))


def activation_histograms(
    snapshot,
    previous: list[Histogram] | None = None,
    bins: int = HISTOGRAM_BINS,
    x: np.ndarray | None = None,
) -> list[Histogram]:
    """One ``Histogram`` per hidden layer for the snapshot's θ over its training points (a
    fixed sample of ``histogram_points`` of them; ``x``: h⁽⁰⁾ of other points). Unbounded
    layers' edges follow ``previous`` (the last call's result) slowly."""
    net = Network(snapshot.arch, HEADS[snapshot.arch.head])
    if x is None:
        x = training_sample(snapshot, histogram_points(snapshot.arch.widths))
    prev = {h.layer: h for h in previous or ()}
    out = []
    with np.errstate(all="ignore"):
        h = x
        for layer in range(1, net.depth):
            _, h = net.forward_layer(snapshot.params, layer, h)
            act = net.hidden[layer - 1].name
            bounds = activation_bounds(act)
            values = h.ravel()
            if bounds is not None:
                lo, hi = bounds
            else:
                before = prev.get(layer)
                old = None if before is None or before.fixed else before.edges[[0, -1]]
                lo_a, hi_a = follow_range(
                    None if old is None else (old[:1], old[1:]), values[:, None]
                )
                lo, hi = float(lo_a[0]), float(hi_a[0])
            edges = np.linspace(lo, hi, bins + 1)
            counts = bin_counts(values, lo, hi, bins)
            out.append(
                Histogram(layer, act, snapshot.step, edges, counts, bounds is not None, h.shape[1])
            )
    return out
