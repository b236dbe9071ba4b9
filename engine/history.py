"""Bounded training histories, and the typed metrics of one step.

Rows are recorded at steps that are multiples of a stride (and, forced, at steps taken
by hand). When the buffer is full it is thinned evenly: of the rows in each stride-wide
span of steps only the first stays, the stride doubling until at most ``capacity/2`` rows
are left. So the history always spans the whole run in bounded memory, and the stride
grows with the run's length (about 2–4 × steps / capacity), never with how the steps were
taken: a run of millions of steps, or of many thousand steps by hand, keeps memory flat
and still gets a new row every ``stride`` steps.

Like the rewind timeline, a history can be looked at as of an earlier step
(``rewind_to``) without losing its later rows: they come back when the view moves forward
again, and are dropped only when a new row is recorded from the earlier point (the run
branches).

``StepMetrics`` is what the session measures after a step; ``MetricHistory`` keeps them
over the run and hands out ``HistoryArrays``: one array per scalar metric and one
(rows × L) array per per-layer metric. The layer-health figures (``HEALTH_METRICS``,
engine/health.py) are per-layer metrics the history keeps but lesson files do not store
(``LAYER_METRICS`` are the per-layer metrics a file holds).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields

import numpy as np

SCALAR_METRICS = ("batch_loss", "train_loss", "test_loss", "train_acc", "test_acc")
LAYER_METRICS = ("delta_mean_abs", "grad_norms", "weight_norms")
HEALTH_METRICS = ("log_update_ratio", "saturated_share")
ROW_LAYER_METRICS = LAYER_METRICS + HEALTH_METRICS  # every per-layer column of a row


@dataclass(frozen=True, eq=False)
class StepMetrics(Mapping):
    """The losses, accuracies and per-layer signals of the session at ``step``.

    ``delta_mean_abs[ℓ−1]`` is mean |δ^(ℓ)| over the batch, ``grad_norms[ℓ−1]`` is
    ‖dL/dW^(ℓ)‖ and ``weight_norms[ℓ−1]`` is ‖W^(ℓ)‖. The health figures (engine/health.py):
    ``log_update_ratio[ℓ−1]`` is log₁₀(RMS(ΔW^(ℓ)) / RMS(W^(ℓ))) of the step, and
    ``saturated_share[ℓ−1]`` the share of layer ℓ's units that are saturated (sigmoid,
    tanh) or dead (ReLU); left out, they are NaN. It also reads as a mapping of those
    names (what a lesson file stores)."""

    step: int
    batch_loss: float
    train_loss: float
    test_loss: float
    train_acc: float
    test_acc: float
    delta_mean_abs: np.ndarray
    grad_norms: np.ndarray
    weight_norms: np.ndarray
    log_update_ratio: np.ndarray | None = None
    saturated_share: np.ndarray | None = None

    def __post_init__(self):
        depth = np.size(self.weight_norms)
        for k in HEALTH_METRICS:
            if getattr(self, k) is None:
                object.__setattr__(self, k, np.full(depth, math.nan))

    @classmethod
    def from_mapping(cls, d: Mapping, depth: int) -> StepMetrics:
        """From a mapping of the same names (a lesson file's); missing values are NaN."""
        layer = {}
        for k in ROW_LAYER_METRICS:
            v = np.asarray(d.get(k, ()), dtype=np.float64).reshape(-1)
            layer[k] = v if v.size == depth else np.full(depth, math.nan)
        return cls(
            step=int(d.get("step", 0)),
            **{k: float(d.get(k, math.nan)) for k in SCALAR_METRICS},
            **layer,
        )

    def copy(self) -> StepMetrics:
        """A copy whose arrays are read-only and shared with nobody."""
        arrays = {}
        for k in ROW_LAYER_METRICS:
            a = np.array(getattr(self, k), dtype=np.float64)
            a.flags.writeable = False
            arrays[k] = a
        scalars = {k: getattr(self, k) for k in SCALAR_METRICS}
        return StepMetrics(self.step, **scalars, **arrays)

    # --- the mapping view -----------------------------------------------------------------
    def __getitem__(self, key: str):
        if key not in _METRIC_NAMES:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(_METRIC_NAMES)

    def __len__(self) -> int:
        return len(_METRIC_NAMES)


_METRIC_NAMES = tuple(f.name for f in fields(StepMetrics))


@dataclass(frozen=True)
class HistoryArrays:
    """A history as arrays: ``step`` and the scalar metrics have one value per row, the
    per-layer metrics are rows × L (column ℓ−1 is layer ℓ)."""

    step: np.ndarray
    batch_loss: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    delta_mean_abs: np.ndarray
    grad_norms: np.ndarray
    weight_norms: np.ndarray
    log_update_ratio: np.ndarray
    saturated_share: np.ndarray

    @property
    def depth(self) -> int:
        return self.delta_mean_abs.shape[1]

    def __len__(self) -> int:
        return len(self.step)


class DecimatingHistory:
    """Rows of ``width`` numbers at evenly spaced steps, in bounded memory."""

    def __init__(self, width: int, capacity: int = 4096, min_stride: int = 1):
        if capacity < 4 or capacity % 2:
            raise ValueError("capacity must be an even number ≥ 4")
        if min_stride < 1 or min_stride & (min_stride - 1):
            raise ValueError("min_stride must be a power of two")
        self.width = int(width)
        self.capacity = capacity
        self.stride = min_stride
        self._steps = np.zeros(capacity, dtype=np.int64)
        self._rows = np.full((capacity, self.width), np.nan)
        self._n = 0  # rows stored
        self._end = 0  # rows visible: fewer than stored while looking at an earlier step

    def __len__(self) -> int:
        return self._end

    def wants(self, step: int) -> bool:
        """Whether ``step`` will be kept; callers skip computing rows nobody keeps."""
        return step % self.stride == 0

    def record(self, step: int, values, force: bool = False) -> None:
        """Keep a row for ``step`` if it falls on the stride, or always with ``force`` (a
        step a person took by hand must be a point on the curves; compaction may still
        drop it later, when the run has grown long)."""
        if step % self.stride and not force:
            return
        self._n = self._end  # recording after a rewind starts a new branch
        if self._n and step <= self._steps[self._n - 1]:
            raise ValueError(
                f"history steps must increase: {step} after {self._steps[self._n - 1]}"
            )
        if self._n == self.capacity:
            self._compact()
            if step % self.stride and not force:
                return
        self._steps[self._n] = step
        self._rows[self._n] = values
        self._n += 1
        self._end = self._n

    def _compact(self) -> None:
        """Thin evenly: keep the first row of each ``stride``-wide span of steps, doubling the
        stride until at most half the capacity is left (a run on its stride keeps the
        multiples of the doubled stride, as it always did). Rows forced between the
        stride's (steps by hand) thin with the rest, so they cannot push the stride up
        faster than the run grows."""
        steps = self._steps[: self._n]
        stride = self.stride
        while True:
            spans = steps // stride
            keep = np.ones(len(steps), dtype=bool)
            keep[1:] = spans[1:] != spans[:-1]
            if int(keep.sum()) <= self.capacity // 2:
                break
            stride *= 2
        self.stride = stride
        n = int(keep.sum())
        self._steps[:n] = steps[keep]
        self._rows[:n] = self._rows[: self._n][keep]
        self._rows[n:] = np.nan
        self._n = self._end = n

    def rewind_to(self, step: int) -> None:
        """Show the rows up to ``step``; later rows stay stored until the run branches."""
        self._end = int(np.searchsorted(self._steps[: self._n], step, side="right"))

    def with_min_stride(self, min_stride: int) -> DecimatingHistory:
        """A copy whose stride is at least ``min_stride`` (a power of two); this one is
        left as it is (a change that fails later must leave nothing changed)."""
        new = copy.copy(self)
        new._steps, new._rows = self._steps.copy(), self._rows.copy()
        new.stride = max(self.stride, min_stride)
        return new

    @property
    def steps(self) -> np.ndarray:
        return self._steps[: self._end].copy()

    def rows(self) -> np.ndarray:
        """The visible rows, a copy (rows × width)."""
        return self._rows[: self._end].copy()

    @property
    def nbytes(self) -> int:
        return self._steps.nbytes + self._rows.nbytes


class MetricHistory(DecimatingHistory):
    """The session's history of ``StepMetrics`` for a network of ``depth`` layers."""

    def __init__(self, depth: int, capacity: int = 4096, min_stride: int = 1):
        self.depth = int(depth)
        width = len(SCALAR_METRICS) + len(ROW_LAYER_METRICS) * self.depth
        super().__init__(width, capacity, min_stride)

    def record_metrics(self, m: StepMetrics, force: bool = False) -> None:
        row = np.empty(self.width)
        k = len(SCALAR_METRICS)
        row[:k] = [getattr(m, name) for name in SCALAR_METRICS]
        for name in ROW_LAYER_METRICS:
            row[k : k + self.depth] = getattr(m, name)
            k += self.depth
        self.record(m.step, row, force)

    def arrays(self) -> HistoryArrays:
        rows = self._rows[: self._end]
        k = len(SCALAR_METRICS)
        out = {name: rows[:, i].copy() for i, name in enumerate(SCALAR_METRICS)}
        for name in ROW_LAYER_METRICS:
            out[name] = rows[:, k : k + self.depth].copy()
            k += self.depth
        return HistoryArrays(step=self.steps, **out)
