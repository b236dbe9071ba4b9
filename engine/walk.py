"""The inspector's model: the phase walk over a live session, the gradient check and the
summary a view draws. Synchronous plain Python: the GUI runs these in the engine thread
(``EngineController.call_in_engine``), tests call them directly.

* ``WalkDriver`` owns a ``PhaseWalk`` across calls. Between phases the session is parked
  at the start of the step (the batch draw undone), so training, stepping or a rewind
  started half-way through a walk goes on with exactly the numbers it would have had; the
  walk is then dropped and the next call starts a new step.
* ``summarize`` gathers what the inspector shows after each frame: the timeline, dead and
  saturated units, the traced point.
* ``check_gradients`` compares backprop with finite differences on the walk's batch, the
  picked point or a random batch, leaving the session exactly as it was.

The window wraps these in engine/jobs.py's ``Request`` and ``Job`` (an exception comes
back as a ``Failure`` value; the gradient check runs in slices).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np

from .data import Dataset
from .gradcheck import ArrayCheck, gradient_check_steps
from .jobs import run_to_end
from .phases import Phase, PhaseWalk
from .records import Checkpoint
from .session import TrainingSession
from .timeline import TimelineSummary
from .trace import LayerHealth, PointTrace, trace_point, unit_health


@dataclass(frozen=True)
class WalkState:
    """Where the walk is, as plain values for a view."""

    phase: Phase | None
    position: int  # −1: before the first phase (the session as it was)
    n_phases: int
    names: tuple[str, ...]
    step: int  # the session's step count now
    start_step: int
    batch: tuple[int, ...]  # dataset indices of the batch (empty before the batch phase)
    delta: dict[int, np.ndarray] = field(default_factory=dict)  # layer → mean |δ| per unit
    note: str = ""

    @property
    def done(self) -> bool:
        return self.position == self.n_phases - 1


def training_position(dataset: Dataset, index: int) -> int:
    """Where dataset point ``index`` sits among the training points (what a batch
    indexes); ValueError for a test point."""
    train = np.flatnonzero(~dataset.is_test).tolist()
    if index not in train:
        raise ValueError(
            f"point #{index} is a test point: pick a training point to step on it alone"
        )
    return train.index(index)


class WalkDriver:
    """Owns the phase walk. Every method takes the session it works on."""

    def __init__(self) -> None:
        self.walk: PhaseWalk | None = None
        self._owner: tuple = ()
        self._batch: tuple[int, ...] = ()
        self._after_draw: Checkpoint | None = None  # the session just after the batch draw

    # --- validity ------------------------------------------------------------------------
    def _matches(self, s: TrainingSession) -> bool:
        w = self.walk
        if w is None:
            return False
        params, dataset, hyper, net = self._owner
        expected = w.start.step + (1 if w.done else 0)
        return (
            s.net is net
            and s.params is params
            and s.dataset is dataset
            and s.hyper == hyper
            and s.step_count == expected
        )

    def abandon(self, s: TrainingSession) -> None:
        """Drop the walk; one left half-way is undone first (the batch draw included)."""
        w = self.walk
        if w is not None and self._matches(s) and 0 <= w.position and not w.done:
            s.restore(w.start)
        self.walk = None
        self._batch = ()
        self._after_draw = None

    def _begin(self, s: TrainingSession, point: int | None) -> str:
        note = ""
        if self.walk is not None and not self._matches(s):
            note = "The session changed since the last phase: a new step was started."
        self.abandon(s)
        if s.n_train == 0:
            raise ValueError("there are no training points to step on")
        indices = None
        if point is not None:
            indices = np.array([training_position(s.dataset, point)])
        self.walk = PhaseWalk(s, indices)
        self._owner = (s.params, s.dataset, s.hyper, s.net)
        return note

    def state(self, s: TrainingSession, note: str = "") -> WalkState:
        """Where the walk is now, with mean |δ^(ℓ)| per unit of every layer reached."""
        w = self.walk
        if w is None:
            return WalkState(None, -1, 0, (), s.step_count, s.step_count, (), {}, note)
        delta = {
            ph.layer: np.abs(w.delta(ph.layer)).mean(axis=1)
            for ph in w.phases[: w.position + 1]
            if ph.kind == "delta"
        }
        return WalkState(
            w.current,
            w.position,
            w.n_phases,
            tuple(w.phase_names()),
            s.step_count,
            w.start.step,
            self._batch if w.position >= 0 else (),
            delta,
            note,
        )

    def _advance(self, s: TrainingSession) -> None:
        w = self.walk
        if w.position == w.n_phases - 2 and self._after_draw is not None:
            s.restore(self._after_draw)  # the update goes on from the drawn batch
        phase = w.next()
        if phase.kind == "batch":
            self._after_draw = s.checkpoint()
            train = np.flatnonzero(~s.dataset.is_test)
            self._batch = tuple(int(i) for i in train[np.asarray(w.batch_indices)])
        self._park(s)

    def _park(self, s: TrainingSession) -> None:
        """Between phases the session is kept exactly as at the start of the step (the
        batch draw undone too), so whatever runs meanwhile (play, step, rewind, a new
        network) finds an untouched session; the draw is put back for the update."""
        w = self.walk
        if w is not None and 0 <= w.position and not w.done:
            s.restore(w.start)

    # --- the operations ------------------------------------------------------------------
    def next(self, s: TrainingSession, point: int | None = None) -> WalkState:
        note = ""
        if self.walk is None or self.walk.done or not self._matches(s):
            note = self._begin(s, point)
        self._advance(s)
        return self.state(s, note)

    def previous(self, s: TrainingSession) -> WalkState:
        if self.walk is None or not self._matches(s):
            self.abandon(s)
            return self.state(s, "Nothing to go back to: the session changed.")
        if self.walk.position >= 0:
            self.walk.previous()
            self._park(s)
        return self.state(s)

    def finish(self, s: TrainingSession, point: int | None = None) -> WalkState:
        note = ""
        if self.walk is None or self.walk.done or not self._matches(s):
            note = self._begin(s, point)
        while not self.walk.done:
            self._advance(s)
        return self.state(s, note)

    def reset(self, s: TrainingSession) -> WalkState:
        self.abandon(s)
        return self.state(s)

    def rewind(self, s: TrainingSession, step: int) -> tuple[int, WalkState, TimelineSummary]:
        """Drop the walk and go back to the kept step nearest ``step``."""
        self.abandon(s)
        kept = s.timeline.rewind(s, step)
        return kept, self.state(s), TimelineSummary.of(s)

    def batch_xy(self, s: TrainingSession) -> tuple[np.ndarray, np.ndarray] | None:
        """x, y of the walk's batch, if a valid walk has drawn one."""
        if self.walk is None or not self._matches(s) or self.walk.position < 0:
            return None
        return self.walk.batch_xy


@dataclass(frozen=True)
class Summary:
    step: int
    timeline: TimelineSummary
    health: list[LayerHealth]
    trace: PointTrace | None
    trace_error: str = ""


def summarize(s: TrainingSession, point: int | None) -> Summary:
    trace, err = None, ""
    if point is not None:
        try:
            trace = trace_point(s, point)
        except IndexError as exc:
            err = str(exc)
    return Summary(s.step_count, TimelineSummary.of(s), unit_health(s), trace, err)


@dataclass(frozen=True)
class GradCheckResult:
    checks: list[ArrayCheck]
    batch_size: int
    source: str  # "the walk's batch", "a random batch", "the picked point"


def check_gradients(s: TrainingSession, driver: WalkDriver, point: int | None) -> GradCheckResult:
    """Backprop against finite differences on the walk's batch, else on the picked point
    or a random batch; the session (θ, the RNG) is left exactly as it was."""
    return run_to_end(check_gradients_steps(s, driver, point))


def check_gradients_steps(
    s: TrainingSession, driver: WalkDriver, point: int | None
) -> Generator[tuple[int, int], None, GradCheckResult]:
    """``check_gradients`` in slices (a ``Job``): yields (entries done, total). Everything
    it needs from the session is taken before the first yield."""
    xy = driver.batch_xy(s)
    source = "the walk's batch"
    if xy is None:
        cp = s.checkpoint()
        try:
            if point is not None:
                idx = np.array([training_position(s.dataset, point)])
                source = "the picked point"
            else:
                idx = s.draw_batch()
                source = "a random batch"
            xy = s.batch(idx)
        finally:
            s.restore(cp)
    x, y = xy
    steps = gradient_check_steps(s.net, s.params, x, y, s.hyper.lam)
    with np.errstate(all="ignore"):
        first = next(steps, None)  # θ is read here, before the session can move on
    if first is not None:
        yield first
    while True:
        with np.errstate(all="ignore"):
            try:
                progress = next(steps)
            except StopIteration as done:
                checks = done.value
                break
        yield progress
    return GradCheckResult(checks, int(x.shape[1]), source)
