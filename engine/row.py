"""A history row's figures: their readable definition, and the same numbers in few calls.

A row (``TrainingSession._record``) measures the loss and accuracy over the evaluation
samples (``evaluation.EVAL_SAMPLE``), the saturated share of every hidden layer, and per
layer mean |δ|, ‖dJ/dW‖, ‖W‖ and the update-to-weight ratio. ``reference_row`` defines
them with the readable functions (``health.train_figures``, ``evaluation.mean_metrics``,
``np.linalg.norm``, ``health.session_update_ratios``). ``FusedRow`` computes the same
numbers, to the last bit (tests/engine/test_row.py), for a fraction of the cost, as
``network.FusedStep`` does a step: in this app's tiny matrices a row costs about its
number of NumPy calls, and the readable functions make many small ones (``np.mean``'s
Python wrapper alone is ~5 µs a call).

* The forward passes write into buffers made once per network and evaluation sample
  size; the hidden layers' z (and h) are row blocks of one array, so consecutive layers
  of one activation are judged for saturation in one set of calls, and the numbers the
  activations use are 0-d arrays (no Python scalar to convert per call).
* A unit is saturated when its share of points at a bound reaches ``SATURATION_SHARE``:
  that share is only compared, so the count of points is compared with the smallest
  count whose share (the very division ``health.unit_states`` makes) reaches it. A ReLU
  unit is dead when all its points are flat: its count is the number of points.
* A mean is ``ndarray.mean``'s own arithmetic, ``np.add.reduce`` over the same array
  then a division: the divisions, square roots and logarithms of every layer are one
  call each. A norm is ``np.linalg.norm``'s: ``x.dot(x)`` over the flattened array, then
  one ``np.sqrt`` for all. Elementwise work on every layer's weights (θ's, ∇J's, the
  optimizer's state: one flat block each, ``network.Layout``) is one call for all.

What stays one call per layer, and why: the sums. ``np.add.reduce`` sums a layer's
values pairwise in an order fixed by their count; a sum of row sums, or one
``np.add.reduceat`` over every layer, adds them in another order and differs in the last
bit. A norm's ``dot`` likewise.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .activations import Constants
from .evaluation import mean_metrics
from .health import SATURATION_LIMIT, SATURATION_SHARE, session_update_ratios, train_figures
from .network import BackwardPass, Network, Parameters

Split = tuple[np.ndarray, np.ndarray]  # an evaluation sample: X (M₀ × n) and its targets


class RowFigures(NamedTuple):
    """What a history row measures (besides its step and batch loss); the arrays have
    one value per layer ℓ = 1..L (``history.StepMetrics`` names them alike)."""

    train_loss: float
    train_acc: float
    test_loss: float
    test_acc: float
    delta_mean_abs: np.ndarray
    grad_norms: np.ndarray
    weight_norms: np.ndarray
    log_update_ratio: np.ndarray
    saturated_share: np.ndarray


def reference_row(
    net: Network,
    params: Parameters,
    train: Split,
    test: Split,
    classification: bool,
    bp: BackwardPass | None,
    optimizer,
    alpha: float,
    applied: np.ndarray | None = None,
) -> RowFigures:
    """The row's figures as the readable functions define them: loss, accuracy and
    saturated shares over the training sample, loss and accuracy over the test sample,
    ‖W⁽ˡ⁾‖; and from the step's backward pass ``bp`` (None: NaN) mean |δ⁽ˡ⁾|, ‖dJ/dW⁽ˡ⁾‖
    and the update-to-weight ratio of ``optimizer``'s latest update with step size α.
    ``applied``: the flat gradient the update used when it differs from ``bp.grad`` (held
    entries zeroed: they took no step); None: ``bp.grad``."""
    L = net.depth
    train_loss, train_acc, stuck = train_figures(net, params, *train, classification)
    test_loss, test_acc = mean_metrics(net, params, *test, classification)
    with np.errstate(all="ignore"):
        wn = [float(np.linalg.norm(w)) for w in params.W]
        if bp is None:
            dm = gn = [math.nan] * L
            ratio = np.full(L, math.nan)
        else:
            dm = [float(np.abs(d).mean()) for d in bp.delta]
            gn = [float(np.linalg.norm(g)) for g in bp.dW]
            used = bp.dW if applied is None else params.layout.views(applied)[0::2]
            ratio = session_update_ratios(params, optimizer, used, alpha)
    return RowFigures(
        train_loss,
        train_acc,
        test_loss,
        test_acc,
        np.array(dm),
        np.array(gn),
        np.array(wn),
        np.array(ratio),
        stuck,
    )


class _Sample:
    """The buffers of a forward pass over one evaluation sample of ``n`` points (with
    ``judged``, those of the saturation figures too)."""

    def __init__(self, net: Network, n: int, judged: bool):
        self.n = n
        widths = net.arch.widths
        L = net.depth
        rows = [0, *np.cumsum(widths[1:-1]).tolist()]  # hidden layer ℓ's rows, stacked
        self.blocks = [slice(rows[k], rows[k + 1]) for k in range(L - 1)]
        # every hidden z⁽ˡ⁾, stacked. A sigmoid, tanh or identity layer's h is written over
        # its z (nothing reads that z again: their saturation is judged on h); a ReLU
        # layer's goes apart (its dead units are judged on z), in ``h_apart``
        self.z_hidden = np.empty((rows[-1], n))
        dies = any(act.dies for act in net.hidden)
        self.h_apart = np.empty((rows[-1], n)) if dies else None
        self.z = [self.z_hidden[b] for b in self.blocks] + [np.empty((widths[-1], n))]
        self.h: list[np.ndarray | None] = [None]
        for k, act in enumerate(net.hidden):
            self.h.append(self.h_apart[self.blocks[k]] if act.dies else self.z[k])
        out_identity = net.head.activation == "identity"  # h is z, as in the fused step
        self.h.append(self.z[-1] if out_identity else np.empty((widths[-1], n)))
        self.forward_acts = [None if act.name == "identity" else act for act in net.hidden] + [
            None if out_identity else net.head
        ]
        self.ll = np.empty(n)
        self.ll_scratch = np.empty(n)
        self.hit = np.empty(n, dtype=bool)
        if not judged:
            return
        # where a hidden unit is flat, rows padded with False to whole 8-byte words: a
        # word's set bits are its True bytes (bool is 0 or 1), so a unit's count is the
        # sum of its words' bit counts, 8 points a number (a bool sum casts every point)
        padded = -(-n // 8) * 8
        self.flags_padded = np.zeros((rows[-1], padded), dtype=bool)
        self.flags = self.flags_padded[:, :n]
        self.words = self.flags_padded.view(np.uint64)
        self.bits = np.empty(self.words.shape, dtype=np.uint8)
        self.counts = np.zeros(rows[-1], dtype=np.intp)  # flat points per hidden unit
        self.stuck = np.empty(rows[-1], dtype=bool)


class FusedRow:
    """``reference_row``'s numbers for ``net`` over evaluation samples of ``n_train`` and
    ``n_test`` points, in buffers allocated once (see the module's docstring). A session
    makes a new one when its network or the samples' sizes change (``fits``)."""

    def __init__(self, net: Network, n_train: int, n_test: int):
        self.net = net
        self.n_train, self.n_test = int(n_train), int(n_test)
        arch = net.arch
        L = self.depth = net.depth
        self._k = Constants(())  # 0-d: the activations' numbers without conversions
        self._train = _Sample(net, self.n_train, judged=True)
        self._test = _Sample(net, self.n_test, judged=False)
        # runs of consecutive hidden layers with one activation that can be stuck
        # (bounded: saturated; dies: dead), each judged in one set of calls
        self._runs: list[tuple[slice, object]] = []
        blocks = self._train.blocks
        for k, act in enumerate(net.hidden):
            if not (act.dies or act.bounded):
                continue
            prev = self._runs[-1] if self._runs else None
            if prev is not None and prev[1] is act and prev[0].stop == blocks[k].start:
                self._runs[-1] = (slice(prev[0].start, blocks[k].stop), act)
            else:
                self._runs.append((blocks[k], act))
        # a unit is stuck when its flat points reach its threshold: all of them (dead), or
        # the fewest c with c / n ≥ SATURATION_SHARE in the division unit_states makes
        n = self.n_train
        c = np.arange(n + 1)
        saturated_from = int(np.flatnonzero(c / n >= SATURATION_SHARE)[0]) if n else 0
        self._threshold = np.zeros(self._train.counts.shape, dtype=np.intp)
        self._layer_starts = np.array([b.start for b in blocks], dtype=np.intp)
        self._divisor = np.full(L - 1, math.nan)  # NaN: a layer with no such state
        for k, act in enumerate(net.hidden):
            if act.dies or act.bounded:
                self._threshold[blocks[k]] = n if act.dies else saturated_from
                self._divisor[k] = arch.widths[k + 1]
        # θ's weights, their squares and a step's, flat; 2-D views laid out as the W⁽ˡ⁾
        layout = self._layout = arch.layout
        w_slots = layout.slots[0::2]
        nw = layout.n_weights
        self._w_sq = np.empty(nw)
        self._step_sq = np.empty(nw)
        self._step_tmp = np.empty(nw)
        self._w_sq_views = [self._w_sq[at : at + math.prod(sh)].reshape(sh) for at, sh in w_slots]
        self._step_views = [
            self._step_sq[at : at + math.prod(sh)].reshape(sh) for at, sh in w_slots
        ]
        self._w_flat_slots = [(at, at + math.prod(sh)) for at, sh in w_slots]
        self._theta: np.ndarray | None = None  # the θ buffer ``_w_flat`` views
        self._w_flat: list[np.ndarray] = []
        self._bp: BackwardPass | None = None  # the backward pass ``_g_flat`` … are for
        self._g_flat: list[np.ndarray] = []
        self._abs: np.ndarray | None = None  # |δ| of a stacked δ, and its layers' blocks
        self._abs_views: list[np.ndarray] = []
        # per row: Σ W², Σ ΔW², Σ |δ| per layer, and the counts they are divided by
        self._sums = np.empty(3 * L)
        self._counts = np.empty(3 * L)
        sizes = [math.prod(sh) for _, sh in w_slots]
        self._counts[: 2 * L] = sizes + sizes
        self._dots = np.empty(2 * L)  # ‖W⁽ˡ⁾‖² and ‖dJ/dW⁽ˡ⁾‖² by dot products

    def __reduce__(self):
        # only scratch buffers and views of them (which a pickle or a deep copy would cut
        # loose): a copy is a fresh evaluator
        return (FusedRow, (self.net, self.n_train, self.n_test))

    def fits(self, net: Network, train: Split, test: Split) -> bool:
        """Whether this evaluator is made for ``net`` and samples of these sizes."""
        return (
            net is self.net
            and train[0].shape[1] == self.n_train
            and test[0].shape[1] == self.n_test
        )

    def measure(
        self,
        params: Parameters,
        train: Split,
        test: Split,
        classification: bool,
        bp: BackwardPass | None,
        optimizer,
        alpha: float,
        applied: np.ndarray | None = None,
    ) -> RowFigures:
        """``reference_row(self.net, params, train, test, classification, bp, optimizer,
        alpha, applied)``, bit for bit."""
        L = self.depth
        nan = math.nan
        with np.errstate(all="ignore"):
            if self.n_train:
                train_loss, train_acc = self._forward(self._train, params, *train, classification)
                stuck = self._stuck_shares()
            else:
                train_loss = train_acc = nan
                stuck = np.full(L, nan)
            if self.n_test:
                test_loss, test_acc = self._forward(self._test, params, *test, classification)
            else:
                test_loss = test_acc = nan
            if params.flat is not self._theta:
                self._theta = params.flat
                self._w_flat = [params.flat[a:b] for a, b in self._w_flat_slots]
            dots = self._dots
            for k, w in enumerate(self._w_flat):
                dots[k] = w.dot(w)
            if bp is None:
                wn = np.sqrt(dots[:L])
                dm, gn, ratio = np.full(L, nan), np.full(L, nan), np.full(L, nan)
            else:
                dm, gn, wn, ratio = self._layer_signals(params, bp, optimizer, alpha, applied)
        return RowFigures(train_loss, train_acc, test_loss, test_acc, dm, gn, wn, ratio, stuck)

    # --- the evaluation samples -----------------------------------------------------------
    def _forward(
        self, s: _Sample, params: Parameters, X: np.ndarray, y: np.ndarray, classification: bool
    ) -> tuple[float, float]:
        """The forward pass over a sample into its buffers; its (loss, accuracy) as
        ``evaluation.metrics_of_forward`` makes them."""
        z, h, k_ = s.z, s.h, self._k
        W, b = params.W, params.b
        prev = X
        for k, act in enumerate(s.forward_acts):
            np.matmul(W[k], prev, out=z[k])
            np.add(z[k], b[k], out=z[k])
            if act is not None:
                act.forward(z[k], h[k + 1], k_)
            prev = h[k + 1]
        head, n = self.net.head, s.n
        ll = head.log_likelihood(z[-1], h[-1], y, s.ll, s.ll_scratch)
        # ndarray.mean's arithmetic: add.reduce, then / the count
        loss = -float(np.add.reduce(ll) / n)
        if not classification:
            return loss, math.nan
        # the share of hits: np.mean sums the bools as exact floats; the count / n is the
        # same correctly rounded division
        np.equal(head.predict(h[-1]), y, out=s.hit)
        return loss, int(np.count_nonzero(s.hit)) / n

    def _stuck_shares(self) -> np.ndarray:
        """``health.stuck_shares`` of the training sample's forward pass (its hidden h
        are scratch afterwards)."""
        s = self._train
        out = np.full(self.depth, math.nan)
        if not len(self._divisor):
            return out
        limit = SATURATION_LIMIT
        for rows, act in self._runs:
            z = s.z_hidden[rows]  # (h, for a layer that cannot die)
            h = s.h_apart[rows] if act.dies else z
            act.flat(z, h, limit, True, s.flags[rows])
        # the flat points of every unit (those of layers with no such state stay 0)
        np.bitwise_count(s.words, out=s.bits)
        np.add.reduce(s.bits, 1, np.intp, s.counts)
        np.greater_equal(s.counts, self._threshold, out=s.stuck)
        stuck_units = np.add.reduceat(s.stuck, self._layer_starts, dtype=np.intp)  # exact
        np.divide(stuck_units, self._divisor, out=out[:-1])
        return out

    # --- δ, ∇J, θ and the step --------------------------------------------------------------
    def _layer_signals(
        self, params: Parameters, bp: BackwardPass, optimizer, alpha: float, applied=None
    ):
        """(mean |δ|, ‖dJ/dW‖, ‖W‖, update-to-weight ratio) per layer, the dots of ‖W‖²
        already in ``_dots[:L]``."""
        L = self.depth
        if bp is not self._bp:
            self._bind_bp(bp)
        dots, sums = self._dots, self._sums
        for k, g in enumerate(self._g_flat):
            dots[L + k] = g.dot(g)
        norms = np.sqrt(dots)
        if bp.stacked is not None:
            np.abs(bp.stacked, out=self._abs)
            for k, a in enumerate(self._abs_views):
                sums[2 * L + k] = np.add.reduce(a, None)
        else:
            for k, d in enumerate(bp.delta):
                sums[2 * L + k] = np.add.reduce(np.abs(d), None)
        steps = self._applied_steps(optimizer, bp.grad if applied is None else applied, alpha)
        if steps is None:
            ratio = np.full(L, math.nan)
            means = np.divide(sums[2 * L :], self._counts[2 * L :])
        else:
            np.square(self._layout.weights(params.flat), out=self._w_sq)
            np.square(steps, out=self._step_sq)
            for k in range(L):
                sums[k] = np.add.reduce(self._w_sq_views[k], None)
                sums[L + k] = np.add.reduce(self._step_views[k], None)
            means = np.divide(sums, self._counts)
            rms = np.sqrt(means[: 2 * L])
            ratio = np.log10(np.divide(rms[L:], rms[:L]))
            means = means[2 * L :]
        return means, norms[L:], norms[:L], ratio

    def _bind_bp(self, bp: BackwardPass) -> None:
        L = self.depth
        self._bp = bp
        # as np.linalg.norm flattens; views (dW are blocks of the flat ``grad``), so they
        # stay right while this backward pass is written again (the fused step's is)
        self._g_flat = [g.ravel(order="K") for g in bp.dW]
        self._counts[2 * L :] = [d.size for d in bp.delta]
        if bp.stacked is not None:
            if self._abs is None or self._abs.shape != bp.stacked.shape:
                self._abs = np.empty_like(bp.stacked)
            rows = np.cumsum([0] + [d.shape[0] for d in bp.delta]).tolist()
            self._abs_views = [self._abs[rows[k] : rows[k + 1]] for k in range(L)]

    def _applied_steps(self, optimizer, grad: np.ndarray, alpha: float) -> np.ndarray | None:
        """Every layer's ΔW as ``health.applied_steps`` computes it, into one flat block
        laid out as θ's weights (None before any update); ``grad``: the flat gradient the
        update used."""
        if optimizer.t == 0:
            return None
        name, out, layout = optimizer.name, self._step_sq, self._layout
        if name == "sgd":
            return np.multiply(layout.weights(grad), alpha, out=out)
        if name == "momentum":
            return np.multiply(layout.weights(optimizer.flat_state("v")), alpha, out=out)
        if name == "adam":
            b1, b2, t = optimizer.beta1, optimizer.beta2, optimizer.t
            step = alpha * np.sqrt(1.0 - b2**t) / (1.0 - b1**t)
            m = layout.weights(optimizer.flat_state("m"))
            s = layout.weights(optimizer.flat_state("s"))
            np.multiply(step, m, out=out)
            den = np.sqrt(s, out=self._step_tmp)
            np.add(den, optimizer.eps, out=den)
            return np.divide(out, den, out=out)
        raise ValueError(f"no update-to-weight ratio for the optimizer {name!r}")
