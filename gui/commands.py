"""The commands the GUI thread sends to the engine thread, as typed values.

Every command is an immutable dataclass; ``EngineController.send`` queues it on one
signal and ``EngineWorker.execute`` runs it in the engine thread, between two steps, in
the order sent. Values that cross the thread boundary are immutable (or, for
``ReplaceSession`` and ``ReplaceGroup``, handed over and no longer touched by the sender).

The engine thread holds a ``RunGroup`` (engine/group.py): one run, or up to four compared
side by side (a seed fan: eight). A group of one behaves exactly as the session alone, so
every command means what it says for one run; ``run`` fields pick a run of a comparison
(0 is A).

Two kinds:

* **Changes** (``Change`` subclasses: the data, the network, a setting, a reset, a new
  group) say what they do to the group in ``apply``; the worker runs it all or nothing
  and answers a failure with a ``CommandFailure``. A new change is one class here: the
  worker needs no edit.
* **Controls** (play, step, speed, what a frame holds, calls and jobs, undo copies) are
  the engine thread's own business; the worker has a handler for each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Protocol

from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.contrasts import contrast
from backprop_lab.engine.group import RunGroup

Extent = tuple[float, float, float, float]


# --- changes to the runs ---------------------------------------------------------------------
class Change:
    """A change to the runs between steps: subclass it (a frozen dataclass) and write
    ``apply``. The worker runs ``apply(group)`` inside ``RunGroup.all_or_nothing``: if it
    raises, every run is exactly as before, training pauses and the window gets a
    ``CommandFailure``. ``apply`` returns the group to go on with: None for the same one;
    another (a lesson, a contrast) pauses training and starts the pictures anew. Any
    change may be one of a ``NewRun``'s commands (one undo step)."""

    what: ClassVar[str] = "the change"  # for a message: "Could not apply the new seed"
    pauses: ClassVar[bool] = False  # training pauses before it runs
    # after it, on a single run, the figures over all points still hold (a setting)
    keeps_figures: ClassVar[bool] = False
    atomic: ClassVar[bool] = True  # run inside ``all_or_nothing`` (False: it builds anew)

    def apply(self, group: RunGroup) -> RunGroup | None:
        raise NotImplementedError


@dataclass(frozen=True)
class SetDataset(Change):
    """New or edited points for every run (each keeps θ while its network fits)."""

    what: ClassVar[str] = "the new data"
    dataset: Dataset

    def apply(self, group: RunGroup) -> None:
        group.set_dataset(self.dataset)


@dataclass(frozen=True)
class SetNetwork(Change):
    """A new network for run ``run`` (θ drawn afresh; a comparison starts again at θ₀)."""

    what: ClassVar[str] = "the new network"
    spec: NetworkSpec
    run: int = 0

    def apply(self, group: RunGroup) -> None:
        group.change(self.run, spec=self.spec)


@dataclass(frozen=True)
class SetHyper(Change):
    """New α, B, λ, optimizer for run ``run`` (alone: from the next step on)."""

    what: ClassVar[str] = "the new training settings"
    hyper: HyperParameters
    run: int = 0
    keeps_figures: ClassVar[bool] = True

    def apply(self, group: RunGroup) -> None:
        group.change(self.run, hyper=self.hyper)


@dataclass(frozen=True)
class SetSeed(Change):
    """A new seed for run ``run`` (θ drawn afresh from it)."""

    what: ClassVar[str] = "the new seed"
    seed: int
    run: int = 0

    def apply(self, group: RunGroup) -> None:
        group.change(self.run, seed=self.seed)


@dataclass(frozen=True)
class SetAll(Change):
    """Change settings of every run at once, keeping their differences
    (``SetAll({"alpha": 0.3})``; names of ``NetworkSpec`` and ``HyperParameters``)."""

    what: ClassVar[str] = "the new settings"
    changes: Mapping[str, Any]

    def apply(self, group: RunGroup) -> None:
        group.set_all(**dict(self.changes))


@dataclass(frozen=True)
class ResetParameters(Change):
    """θ drawn afresh from the seed (every run back to θ₀ at step 0)."""

    what: ClassVar[str] = "the reset"

    def apply(self, group: RunGroup) -> None:
        group.reset()


@dataclass(frozen=True)
class RollBack(Change):
    """Pause, then back to the last good checkpoint the divergence guard kept (θ, the
    optimizer, the RNG, the curves), with ``alpha`` as the learning rate if given. In a
    comparison the runs must stay in step: run ``run`` gets ``alpha`` and every run
    starts again from θ₀ (the group's rule for a change)."""

    what: ClassVar[str] = "the roll back"
    alpha: float | None = None
    run: int = 0
    pauses: ClassVar[bool] = True

    def apply(self, group: RunGroup) -> None:
        if len(group) == 1:
            group.a.roll_back(self.alpha)
        elif self.alpha is not None:
            s = group[self.run]
            group.change(self.run, hyper=replace(s.hyper, alpha=float(self.alpha)))
        else:
            group.reset()


@dataclass(frozen=True)
class Rewind(Change):
    """Pause, then every run back to the kept step nearest ``step`` (``RunGroup.rewind``)."""

    what: ClassVar[str] = "the rewind"
    step: int
    pauses: ClassVar[bool] = True

    def apply(self, group: RunGroup) -> None:
        group.rewind(int(self.step))


@dataclass(frozen=True)
class ReplaceSession(Change):
    """A whole new session (a loaded lesson), alone; training pauses."""

    what: ClassVar[str] = "the lesson"
    session: TrainingSession
    atomic: ClassVar[bool] = False

    def apply(self, group: RunGroup) -> RunGroup:
        return RunGroup.of(self.session)


@dataclass(frozen=True)
class ReplaceGroup(Change):
    """A whole new group of runs (a lesson with a comparison); training pauses."""

    what: ClassVar[str] = "the lesson"
    group: RunGroup
    atomic: ClassVar[bool] = False

    def apply(self, group: RunGroup) -> RunGroup:
        return self.group


@dataclass(frozen=True)
class Duplicate(Change):
    """Add an exact copy of run ``run`` (its state, history and timeline), which goes on
    in step with the others: "Duplicate as B"."""

    what: ClassVar[str] = "the duplicate"
    run: int = 0

    def apply(self, group: RunGroup) -> None:
        group.duplicate(self.run)


@dataclass(frozen=True)
class CloseRun(Change):
    """Take run ``run`` out of the comparison (closing A makes B the reference); send it
    inside a ``NewRun`` so that undo brings it back."""

    what: ClassVar[str] = "closing the run"
    run: int

    def apply(self, group: RunGroup) -> None:
        group.close(self.run)


@dataclass(frozen=True)
class Contrast(Change):
    """A new comparison on run A's data and network (engine/contrasts.py: "activation",
    "alpha", "optimizer", "batch", "lam", "hidden", "seeds4", "seeds8"), every run at θ₀;
    send it inside a ``NewRun`` so that undo brings the runs before it back."""

    what: ClassVar[str] = "the comparison"
    key: str

    def apply(self, group: RunGroup) -> RunGroup:
        return contrast(group.a, self.key)


# --- controls --------------------------------------------------------------------------------
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
    """Pause, then run ⌈N_train / B⌉ steps (run A's)."""


@dataclass(frozen=True)
class SetSpeed:
    """Steps per second while playing; 0 means as fast as it goes."""

    steps_per_second: float


@dataclass(frozen=True)
class SetGridView:
    """The canvas shows ``view`` = (x_min, x_max, y_min, y_max) on ``pixels`` = (width,
    height): the decision grids follow it (engine/grid.py ``view_grid``)."""

    view: Extent
    pixels: tuple[float, float]


@dataclass(frozen=True)
class SetGridUnit:
    """Draw one unit's map h_j^(ℓ) on the canvas instead of the output, as ``(ℓ, j)``
    with j 0-based (a unit hovered in the network diagram); ``None``: the output."""

    unit: tuple[int, int] | None


@dataclass(frozen=True)
class SetFrameExtra:
    """Compute ``fn(session)`` (run A's) in the engine thread for every published frame,
    as ``Frame.extras[name]`` (a view that needs a model figure each frame: the weight
    probe, hidden space). ``fn`` returns an immutable value (or raises: the frame then
    carries the exception as the value). ``fn=None`` stops it."""

    name: str
    fn: Callable[[TrainingSession], Any] | None


@dataclass(frozen=True)
class SetUnitMaps:
    """Every frame carries run ``run``'s unit maps as ``Frame.maps[name]``
    (engine/unit_grid.py): over ``extent``, or with None over the square around the
    canvas's view; while training refreshed at most every ``every`` seconds; with
    ``deltas`` the units' mean |δ| too. ``on=False`` stops them (a view hidden)."""

    name: str
    on: bool = True
    extent: Extent | None = None
    every: float = 0.0
    deltas: bool = False
    run: int = 0


class Driver(Protocol):
    """What Play runs instead of plain steps while it is set (``SetDriver``): a lecture's
    ``run`` beat, say. ``advance`` takes up to ``n`` steps of the session (run A; the
    other runs of a comparison then catch up) and returns how many it took; 0 means it is
    finished, and training pauses."""

    def advance(self, session: TrainingSession, n: int) -> int: ...


@dataclass(frozen=True)
class SetDriver:
    """Play steps through ``driver`` (None: plain steps again)."""

    driver: Driver | None


@dataclass(frozen=True)
class NewRun:
    """A change that starts the run afresh, as one step: a copy of the runs is kept as
    run ``keep_as`` (undo brings it back), then ``commands`` (changes) run in order, all
    or nothing: if one fails, the runs are as they were before them. ``run`` is the new
    run's number (it comes back with a failure)."""

    keep_as: int
    commands: tuple
    run: int = 0


@dataclass(frozen=True)
class SwapRun:
    """Undo or redo across a new run: the runs are kept as run ``keep_as`` and run
    ``restore`` (kept earlier) takes their place, exactly as it was; training pauses."""

    keep_as: int
    restore: int


@dataclass(frozen=True)
class DropRuns:
    """The kept runs ``runs`` are no longer needed (their undo steps are gone)."""

    runs: tuple[int, ...]


@dataclass(frozen=True)
class Call:
    """Run ``fn(session)`` (run ``run``'s, A's by default; with ``group``,
    ``fn(run_group)``) in the engine thread; its result goes to ``reply(result)`` in the
    GUI thread (to that caller only). An exception raised by ``fn`` is reported as an
    error and answers nothing: wrap ``fn`` in ``engine.jobs.Request`` to have it back as
    a ``Failure`` value. A ``run`` the group no longer has answers a ``Failure``.

    ``reads_only``: ``fn`` only reads the run (a summary, a figure). While Play's steps run
    in the engine process (gui/engine_process.py), such a call is answered there, on the
    runs as they are, without taking them back, if ``fn`` pickles (a module-level function
    or a ``functools.partial`` of one, in a ``Request``)."""

    fn: Callable[[Any], Any]
    reply: Callable[[Any], None] | None = None
    group: bool = False
    run: int = 0
    reads_only: bool = False


@dataclass(frozen=True)
class RunJob:
    """Run a long ``Job`` (engine/jobs.py) on run A in slices between steps; its progress
    goes to ``progress(done, total)`` and its result (or ``Failure``, ``Cancelled``) to
    ``reply(result)``, both in the GUI thread; ``job.cancel()`` stops it."""

    job: Any
    reply: Callable[[Any], None] | None = None
    progress: Callable[[int, int], None] | None = None


@dataclass(frozen=True)
class Stop:
    """Stop the timer and quit the engine thread (shutdown)."""


CONTROLS = (
    SetRunning,
    Step,
    StepEpoch,
    SetSpeed,
    SetGridView,
    SetGridUnit,
    SetFrameExtra,
    SetUnitMaps,
    SetDriver,
    NewRun,
    SwapRun,
    DropRuns,
    Call,
    RunJob,
    Stop,
)
Command = (
    Change
    | SetRunning
    | Step
    | StepEpoch
    | SetSpeed
    | SetGridView
    | SetGridUnit
    | SetFrameExtra
    | SetUnitMaps
    | SetDriver
    | NewRun
    | SwapRun
    | DropRuns
    | Call
    | RunJob
    | Stop
)

# a ``NewRun`` holds changes: these start a run afresh, or make or change a comparison
RUN_CHANGES = (Change,)
# the commands that edit the runs themselves (their data, design, settings, or which runs
# there are): both sides count them, so that the window tells a frame made before its
# last edit from one made after (``Frame.changes``, ``EngineController.caught_up``)
RUN_EDITS = (Change, NewRun, SwapRun)


def changes() -> list[type[Change]]:
    """Every change class defined so far (here and in any module that added one)."""
    out, todo = [], list(Change.__subclasses__())
    while todo:
        c = todo.pop(0)
        out.append(c)
        todo.extend(c.__subclasses__())
    return out
