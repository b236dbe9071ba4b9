"""The commands the GUI thread sends to the engine thread, as typed values.

Every command is an immutable dataclass; ``EngineController.send`` queues it on one
signal and ``EngineWorker.execute`` dispatches it by type in the engine thread. Values
that cross the thread boundary are immutable (or, for ``ReplaceSession``, handed over and
no longer touched by the sender).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec, TrainingSession


@dataclass(frozen=True)
class SetRunning:
    """Play (True) or pause (False)."""

    running: bool


@dataclass(frozen=True)
class Step:
    """Pause, then run exactly ``n`` steps."""

    n: int


@dataclass(frozen=True)
class StepEpoch:
    """Pause, then run ⌈N_train / B⌉ steps."""


@dataclass(frozen=True)
class SetSpeed:
    """Steps per second while playing; 0 means as fast as it goes."""

    steps_per_second: float


@dataclass(frozen=True)
class SetGridView:
    """The canvas shows ``view`` = (x_min, x_max, y_min, y_max) on ``pixels`` = (width,
    height): the decision grid follows it (engine/grid.py ``view_grid``)."""

    view: tuple[float, float, float, float]
    pixels: tuple[float, float]


@dataclass(frozen=True)
class SetGridUnit:
    """Draw one unit's map h_j^(ℓ) on the canvas instead of the output, as ``(ℓ, j)``
    with j 0-based (a unit hovered in the network diagram); ``None``: the output."""

    unit: tuple[int, int] | None


@dataclass(frozen=True)
class SetFrameExtra:
    """Compute ``fn(session)`` in the engine thread for every published frame, as
    ``Frame.extras[name]`` (a view that needs a model figure each frame: the weight probe,
    hidden space). ``fn`` returns an immutable value (or raises: the frame then carries the
    exception as the value). ``fn=None`` stops it."""

    name: str
    fn: Callable[[TrainingSession], Any] | None


class Driver(Protocol):
    """What Play runs instead of plain steps while it is set (``SetDriver``): a lecture's
    ``run`` beat, say. ``advance`` takes up to ``n`` steps of the session and returns how
    many it took; 0 means it is finished, and training pauses."""

    def advance(self, session: TrainingSession, n: int) -> int: ...


@dataclass(frozen=True)
class SetDriver:
    """Play steps through ``driver`` (None: plain steps again)."""

    driver: Driver | None


@dataclass(frozen=True)
class SetDataset:
    dataset: Dataset


@dataclass(frozen=True)
class SetNetwork:
    spec: NetworkSpec


@dataclass(frozen=True)
class SetHyper:
    hyper: HyperParameters


@dataclass(frozen=True)
class SetSeed:
    seed: int


@dataclass(frozen=True)
class ResetParameters:
    """θ drawn afresh from the seed."""


@dataclass(frozen=True)
class RollBack:
    """Pause, then back to the last good checkpoint the divergence guard kept (θ, the
    optimizer, the RNG, the curves), with ``alpha`` as the learning rate if given."""

    alpha: float | None = None


@dataclass(frozen=True)
class ReplaceSession:
    """A whole new session (a loaded lesson); training pauses."""

    session: TrainingSession


@dataclass(frozen=True)
class NewRun:
    """A change that starts the run afresh, as one step: a copy of the session is kept as
    run ``keep_as`` (undo brings it back), then ``commands`` (``SetDataset``,
    ``SetNetwork``, ``SetHyper``, ``SetSeed``, ``ResetParameters``, ``ReplaceSession``)
    run in order, all or nothing: if one fails, the session is as it was before them.
    ``run`` is the new run's number (it comes back with a failure)."""

    keep_as: int
    commands: tuple
    run: int = 0


@dataclass(frozen=True)
class SwapRun:
    """Undo or redo across a new run: the session is kept as run ``keep_as`` and run
    ``restore`` (kept earlier) takes its place, exactly as it was; training pauses."""

    keep_as: int
    restore: int


@dataclass(frozen=True)
class DropRuns:
    """The kept runs ``runs`` are no longer needed (their undo steps are gone)."""

    runs: tuple[int, ...]


@dataclass(frozen=True)
class Call:
    """Run ``fn(session)`` in the engine thread; its result goes to ``reply(result)`` in
    the GUI thread (to that caller only). An exception raised by ``fn`` is reported as an
    error and answers nothing: wrap ``fn`` in ``engine.jobs.Request`` to have it back as
    a ``Failure`` value."""

    fn: Callable[[TrainingSession], Any]
    reply: Callable[[Any], None] | None = None


@dataclass(frozen=True)
class RunJob:
    """Run a long ``Job`` (engine/jobs.py) in slices between steps; its progress goes to
    ``progress(done, total)`` and its result (or ``Failure``, ``Cancelled``) to
    ``reply(result)``, both in the GUI thread; ``job.cancel()`` stops it."""

    job: Any
    reply: Callable[[Any], None] | None = None
    progress: Callable[[int, int], None] | None = None


@dataclass(frozen=True)
class Stop:
    """Stop the timer and quit the engine thread (shutdown)."""


Command = (
    SetRunning
    | Step
    | StepEpoch
    | SetSpeed
    | SetGridView
    | SetGridUnit
    | SetDataset
    | SetNetwork
    | SetHyper
    | SetSeed
    | ResetParameters
    | RollBack
    | ReplaceSession
    | NewRun
    | SwapRun
    | DropRuns
    | Call
    | RunJob
    | Stop
)

# the commands a ``NewRun`` may hold (the changes that can start a run afresh)
RUN_CHANGES = (SetDataset, SetNetwork, SetHyper, SetSeed, ResetParameters, ReplaceSession)
