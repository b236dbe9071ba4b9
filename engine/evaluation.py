"""Loss and accuracy over many points at a bounded cost.

The running metrics (history rows, the figures a frame shows) are computed on a fixed
evaluation sample of at most ``EVAL_SAMPLE`` points of each split, so their cost does not
grow with the data. The sample is the whole split when it is that small (the numbers are
then exactly the full-data figures), otherwise a fixed random subset that depends only on
the split's size: the same points every time, so the curves are smooth and a reopened
lesson shows the same numbers.

The exact figures over all the points come from a ``FullPass``: it freezes θ at one step
and walks the data in chunks, so a caller (the engine thread) can spread the work over
several frames and still get the exact mean over all N points at that step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .network import ForwardPass, Network, Parameters

EVAL_SAMPLE = 1024  # points of each split (train, test) the running metrics use
CHUNK_POINTS = 2048  # points a FullPass evaluates per ``advance`` by default


def eval_sample(n: int, cap: int = EVAL_SAMPLE) -> np.ndarray | None:
    """Sorted indices of the fixed evaluation sample of a split of n points, or None when
    all n are evaluated. Drawn from a generator of its own (seeded by n), so training's
    random stream is untouched."""
    if n <= cap:
        return None
    idx = np.random.default_rng(n).choice(n, size=cap, replace=False)
    idx.sort()
    return idx


def sampled(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The evaluation sample of a split: its columns of X (contiguous) and its targets."""
    idx = eval_sample(X.shape[1])
    if idx is None:
        return X, y
    return np.ascontiguousarray(X[:, idx]), y[idx]


def mean_metrics(
    net: Network, params: Parameters, X: np.ndarray, y: np.ndarray, classification: bool
) -> tuple[float, float]:
    """(mean negative log-likelihood, accuracy) over the columns of X; accuracy is NaN for
    regression, both are NaN with no columns."""
    if X.shape[1] == 0:
        return math.nan, math.nan
    with np.errstate(all="ignore"):
        return metrics_of_forward(net, net.forward(params, X), y, classification)


def metrics_of_forward(
    net: Network, fp: ForwardPass, y: np.ndarray, classification: bool
) -> tuple[float, float]:
    """``mean_metrics`` from a forward pass already made (one or more columns)."""
    loss = -float(net.log_likelihood(fp, y).mean())
    acc = float(np.mean(net.head.predict(fp.h[-1]) == y)) if classification else math.nan
    return loss, acc


@dataclass(frozen=True)
class FullMetrics:
    """Loss and accuracy over every train and test point, with θ as of ``step``."""

    step: int
    n_train: int
    n_test: int
    train_loss: float
    test_loss: float
    train_acc: float
    test_acc: float


class FullPass:
    """The exact full-data figures at one step, computed a chunk at a time.

    θ is copied when the pass begins, so training may go on between chunks; the result
    describes the step the pass began at.
    """

    def __init__(
        self,
        net: Network,
        params: Parameters,
        step: int,
        splits: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
        classification: bool,
    ):
        self.net = net
        self.params = params.copy()
        self.step = step
        self.splits = splits  # ((X_train, y_train), (X_test, y_test)); never written
        self.classification = classification
        self._split = 0
        self._pos = 0
        self._sums = [[0.0, 0.0], [0.0, 0.0]]  # per split: Σ log p, Σ correct
        self.result: FullMetrics | None = None

    @property
    def done(self) -> bool:
        return self.result is not None

    def advance(self, max_points: int = CHUNK_POINTS) -> bool:
        """Evaluate up to ``max_points`` more points; True once the figures are complete."""
        budget = max(1, int(max_points))
        while self.result is None and budget > 0:
            if self._split == 2:
                self._finish()
                break
            X, y = self.splits[self._split]
            n = X.shape[1]
            stop = min(n, self._pos + budget)
            if stop > self._pos:
                self._chunk(X[:, self._pos : stop], y[self._pos : stop])
                budget -= stop - self._pos
            self._pos = stop
            if self._pos >= n:
                self._split += 1
                self._pos = 0
        if self.result is None and self._split == 2:
            self._finish()
        return self.result is not None

    def _chunk(self, X: np.ndarray, y: np.ndarray) -> None:
        net, sums = self.net, self._sums[self._split]
        with np.errstate(all="ignore"):
            fp = net.forward(self.params, X)
            sums[0] += float(net.log_likelihood(fp, y).sum())
            if self.classification:
                sums[1] += float(np.count_nonzero(net.head.predict(fp.h[-1]) == y))

    def _finish(self) -> None:
        figures = []
        for (X, _), (ll, correct) in zip(self.splits, self._sums):
            n = X.shape[1]
            if n == 0:
                figures.append((math.nan, math.nan))
            else:
                acc = correct / n if self.classification else math.nan
                figures.append((-ll / n, acc))
        (tl, ta), (vl, va) = figures
        self.result = FullMetrics(
            self.step, self.splits[0][0].shape[1], self.splits[1][0].shape[1], tl, vl, ta, va
        )
