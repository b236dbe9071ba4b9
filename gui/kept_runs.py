"""The copies of earlier runs the engine thread keeps for undo across runs: Qt-free.

Undo of a change that started the run afresh (a new network, a seed, a lesson, a
comparison) brings the runs before it back exactly: the worker keeps a deep copy of the
group (``RunGroup.copy``) under the number the window's history gave that run
(gui/run_history.py). At most ``limit`` copies are kept, the oldest goes first (the
window keeps fewer undo steps across runs: a safety net).
"""

from __future__ import annotations

from backprop_lab.engine.group import RunGroup

MAX_KEPT_RUNS = 8


class KeptRuns:
    def __init__(self, limit: int = MAX_KEPT_RUNS):
        self.limit = limit
        self._runs: dict[int, RunGroup] = {}  # oldest first

    def __contains__(self, run: int) -> bool:
        return run in self._runs

    @property
    def numbers(self) -> tuple[int, ...]:
        """The runs kept, oldest first."""
        return tuple(self._runs)

    def keep(self, run: int, group: RunGroup) -> None:
        self._runs.pop(run, None)
        self._runs[run] = group
        while len(self._runs) > self.limit:
            del self._runs[next(iter(self._runs))]

    def take(self, run: int) -> RunGroup:
        """Run ``run``, no longer kept; LookupError if it is not."""
        if run not in self._runs:
            raise LookupError("that run is no longer kept, so it cannot come back")
        return self._runs.pop(run)

    def drop(self, runs) -> None:
        for r in runs:
            self._runs.pop(r, None)
