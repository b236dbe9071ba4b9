"""The values a ``TrainingSession`` hands out and takes back: a ``Checkpoint`` (everything
a step changes, for rewinds and lesson files), a ``Snapshot`` (what the views draw), a
``Batch`` and the ``BatchState`` that drawing one changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .data import Dataset
from .design import HyperParameters, NetworkSpec
from .history import HistoryArrays, StepMetrics
from .network import Architecture, Parameters


@dataclass
class Checkpoint:
    """Everything that changes when a step runs: restoring it replays the same numbers.

    ``last`` is the metrics at ``step`` (a ``StepMetrics``, or a mapping of the same names
    read from a lesson file; empty if the file had none). ``epoch`` is the epochs done by
    then, as counted while they happened (None: a file without it; the session then counts
    ``samples_seen`` over its training points)."""

    step: int
    samples_seen: int
    params: Parameters
    optimizer: dict
    rng: dict
    order: np.ndarray
    order_pos: int
    last: Mapping
    diverged: str | None
    epoch: float | None = None

    @property
    def nbytes(self) -> int:
        n = sum(a.nbytes for a in self.params.arrays()) + self.order.nbytes
        for v in self.optimizer.values():
            if isinstance(v, list):
                n += sum(a.nbytes for a in v)
        return n


@dataclass(frozen=True)
class Snapshot:
    """A read-only copy of what the views draw, safe to hand to another thread."""

    step: int
    epoch: float
    dataset: Dataset
    spec: NetworkSpec
    hyper: HyperParameters
    arch: Architecture
    params: Parameters
    history: HistoryArrays
    last: StepMetrics
    diverged: str | None
    init_schemes: tuple[str, ...] = field(default=())
    seed: int = 0  # so a view can show exactly what the engine runs (panels after a failure)


class Batch(NamedTuple):
    """One batch: ``indices`` into the training points, ``x = h^(0)`` (M_0 × B) and y."""

    indices: np.ndarray
    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class BatchState:
    """What drawing a batch changes: the batch RNG and the epoch order."""

    rng: dict
    order: np.ndarray
    order_pos: int
