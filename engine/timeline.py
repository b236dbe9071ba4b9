"""Rewind: checkpoints of a run kept at growing intervals, in bounded memory.

Checkpoints are taken at steps that are multiples of a stride; when the budget is full
every other one is dropped and the stride doubles, so the kept steps always span the whole
run evenly and memory never grows past ``budget_bytes``. Restoring a checkpoint puts back
everything a step changes (θ, the optimizer's state, the batch RNG, the epoch order), so
stepping on from it gives the same numbers as the original run did.

Looking at an earlier step does not throw the later checkpoints away: the run branches
only when a step is taken from the restored point.

The timeline knows the session only as ``Run`` (what it reads and calls), so the session
can own a timeline without the two modules importing each other.

A hand edit of θ (engine/edits.py) pins a checkpoint of the state just before it, whatever
the stride, so rewinding across the edit returns to the old θ exactly; pins survive the
thinning (at most half the capacity of them: the oldest are then thinned like the rest).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .records import Checkpoint


class Run(Protocol):
    """What the timeline needs of a training session."""

    step_count: int
    timeline: Timeline

    def checkpoint(self) -> Checkpoint: ...

    def restore(self, cp: Checkpoint) -> None: ...


DEFAULT_BUDGET = 64 * 1024 * 1024  # bytes
MAX_CHECKPOINTS = 512
MIN_CHECKPOINTS = 16


class Timeline:
    def __init__(self, checkpoint_bytes: int, budget_bytes: int = DEFAULT_BUDGET):
        self.budget_bytes = budget_bytes
        self.capacity = int(
            max(MIN_CHECKPOINTS, min(MAX_CHECKPOINTS, budget_bytes // max(1, checkpoint_bytes)))
        )
        self.capacity -= self.capacity % 2
        self.stride = 1
        self._kept: dict[int, Checkpoint] = {}
        self._pinned: list[int] = []  # steps kept whatever the stride, oldest first

    def wants(self, step: int) -> bool:
        return step % self.stride == 0

    def record(self, session: Run) -> None:
        step = session.step_count
        if step % self.stride:
            return
        # a step taken after a rewind starts a new branch: the old future is gone
        self._drop_from(step)
        if len(self._kept) >= self.capacity:
            self._thin()
            if step % self.stride:
                return
        self._kept[step] = session.checkpoint()

    def _drop_from(self, step: int) -> None:
        for later in [s for s in self._kept if s >= step]:
            del self._kept[later]
        self._pinned = [s for s in self._pinned if s < step]

    def _thin(self) -> None:
        self.stride *= 2
        pins = set(self._pinned)
        self._kept = {s: cp for s, cp in self._kept.items() if s % self.stride == 0 or s in pins}

    def pin(self, session: Run, cp: Checkpoint | None = None) -> None:
        """Keep the state of ``session`` now (``cp``, a checkpoint of it, if one was just
        taken) at its step whatever the stride: the state just before a hand edit. The run
        branches here: later checkpoints (a future without the edit) are dropped. A
        checkpoint already kept at this step stays (it is from before any edit at it)."""
        step = session.step_count
        self._drop_from(step + 1)
        if step not in self._kept:
            if len(self._kept) >= self.capacity:
                self._thin()
            self._kept[step] = cp if cp is not None else session.checkpoint()
        if step not in self._pinned:
            self._pinned.append(step)
        while len(self._pinned) > self.capacity // 2:
            self._pinned.pop(0)

    @property
    def steps(self) -> list[int]:
        return sorted(self._kept)

    def nearest(self, step: int) -> int:
        """The kept step closest to ``step`` (ties go to the earlier one)."""
        if not self._kept:
            raise LookupError("the timeline is empty")
        return min(self._kept, key=lambda s: (abs(s - step), s))

    def checkpoint(self, step: int) -> Checkpoint:
        return self._kept[step]

    def rewind(self, session: Run, step: int) -> int:
        """Put ``session`` back to the kept step nearest ``step``; returns that step."""
        kept = self.nearest(step)
        session.restore(self._kept[kept])
        return kept

    @property
    def nbytes(self) -> int:
        return sum(cp.nbytes for cp in self._kept.values())

    def __len__(self) -> int:
        return len(self._kept)


@dataclass(frozen=True)
class TimelineSummary:
    """What a view needs about ``session.timeline``, as plain values (a copy)."""

    steps: tuple[int, ...]
    current: int  # the session's step
    nbytes: int
    budget_bytes: int
    capacity: int
    stride: int

    @classmethod
    def of(cls, session: Run) -> TimelineSummary:
        t = session.timeline
        return cls(
            tuple(t.steps), session.step_count, t.nbytes, t.budget_bytes, t.capacity, t.stride
        )
