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
from .guard import GuardState
from .history import HistoryArrays, StepMetrics
from .network import Architecture, Parameters
from .paramref import ParamRef


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
    # how many of the run's hand edits (engine/edits.py) are in effect here; None (a state
    # read from a file): every edit made up to ``step``
    edits: int | None = None
    # the divergence guard's state here (engine/guard.py); None in a lesson written
    # before it was saved
    guard: GuardState | None = None
    # the checkpoint a roll back from here returns to; None: this one itself
    rollback: Checkpoint | None = None
    epoch: float | None = None
    # the session's revision here (``TrainingSession.revision``); 0: a state from a file
    revision: int = 0

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
    edits: EditSummary | None = None  # the hand edits, frozen and locked parameters
    # (step, training loss) of the transient loss spikes so far (the loss plot marks them)
    spikes: tuple[tuple[int, float], ...] = ()
    rollback_step: int = 0  # where "roll back" returns to: the last good checkpoint's step
    # which state of the run this is (``TrainingSession.revision``): two snapshots of a
    # session with the same revision show the same θ, optimizer state, step and data
    revision: int = 0
    n_train: int = 0  # the training points (``dataset.n_train``, counted once)


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


# --- hand edits of θ (engine/edits.py keeps the log) ---------------------------------------
@dataclass(frozen=True)
class Edit:
    """One parameter set by hand at ``step``, from ``old`` to ``new``."""

    step: int
    ref: ParamRef
    old: float
    new: float
    reset_moments: bool = False

    @property
    def text(self) -> str:
        """'W⁽²⁾₁,₃: −0.82 → 0.4 (step 120)'; a marker's tooltip."""
        reset = ", optimizer restarted" if self.reset_moments else ""
        change = f"{edit_number(self.old)} → {edit_number(self.new)}"
        return f"{self.ref.label}: {change} (step {self.step:,}{reset})"


def edit_number(v: float) -> str:
    return f"{v:.4g}".replace("-", "−")


@dataclass(frozen=True)
class EditSummary:
    """What the views need to draw the edits, as plain values (a snapshot's copy)."""

    edits: tuple[Edit, ...]  # the edits in effect, oldest first: the markers
    frozen: tuple[ParamRef, ...]  # frozen by hand
    editable: tuple[ParamRef, ...] | None  # an exercise's; every other is locked. None: no exercise
    can_undo: bool
    can_redo: bool

    def is_locked(self, ref: ParamRef) -> bool:
        return self.editable is not None and ref not in self.editable

    def is_frozen(self, ref: ParamRef) -> bool:
        """Whether training leaves it alone (frozen by hand or locked by an exercise)."""
        return ref in self.frozen or self.is_locked(ref)
