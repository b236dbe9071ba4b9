"""Undo/redo of the work: a bounded history of states. No Qt.

A state is the data after an edit (an immutable ``Dataset``), what the data came from
(``origin``: the data panel's preset and seed, or a file) and the run it belongs to
(``run``, a number). An edit of the points keeps the run: the network trains on the edited
points. A change that starts the run afresh (a new network, seed or data set, a lesson, a
CSV file) begins a new run number; the engine thread keeps a copy of the run it left
(``gui/run_history.py``), so undo across it brings that run back exactly. A stroke (one
drag painting many points) is one step: pushes between ``begin_group()`` and
``end_group()``, or with ``merge=True``, replace the newest step instead of adding one.

A hand edit of θ (a weight dragged in the network diagram, gui/probe_edits.py) is a step
too, with the same data: its state carries ``hand``, what undo and redo of that step ask
the engine to do. So the Edit menu undoes points and weights in the order they were made.

At most ``max_runs`` runs are kept: when a new run would make one more, the oldest steps
go until the oldest run is gone (``runs`` says which runs are still referred to; the
copies of the others can go).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from backprop_lab.engine.data import Dataset

DEFAULT_DEPTH = 500
DEFAULT_RUNS = 5  # the live run and four kept copies: four resets can be undone


@dataclass(frozen=True)
class State:
    dataset: Dataset
    label: str = ""  # the edit that led here ("add point", "new seed", …)
    origin: object = None  # what the data came from (gui/data_panel.DataOrigin)
    run: int = 0  # the run this state belongs to
    # a hand edit of θ that led here (gui/probe_edits.HandMark), None for an edit of the data
    hand: object = None


class EditHistory:
    """States ``s_0 … s_n`` with a cursor; ``current`` is the data at the cursor."""

    def __init__(
        self,
        initial: Dataset,
        max_depth: int = DEFAULT_DEPTH,
        max_runs: int = DEFAULT_RUNS,
        origin: object = None,
    ):
        if max_depth < 1:
            raise ValueError(f"max_depth must be at least 1, got {max_depth}")
        if max_runs < 1:
            raise ValueError(f"max_runs must be at least 1, got {max_runs}")
        self.max_depth = max_depth
        self.max_runs = max_runs
        self._states: list[State] = [State(initial, "", origin, 0)]
        self._index = 0
        self._group_label: str | None = None  # open group
        self._group_has_step = False
        self._next_run = 1

    # --- state --------------------------------------------------------------------------
    @property
    def state(self) -> State:
        return self._states[self._index]

    @property
    def current(self) -> Dataset:
        return self.state.dataset

    @property
    def previous(self) -> Dataset | None:
        """The state ``undo()`` would go back to, or ``None``."""
        return self._states[self._index - 1].dataset if self.can_undo else None

    @property
    def next_state(self) -> State | None:
        """The state ``redo()`` would go to (after an undo: the state just left)."""
        return self._states[self._index + 1] if self.can_redo else None

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._states) - 1

    @property
    def undo_label(self) -> str | None:
        """What ``undo()`` would revert, e.g. ``'add point'``."""
        return self._states[self._index].label if self.can_undo else None

    @property
    def redo_label(self) -> str | None:
        return self._states[self._index + 1].label if self.can_redo else None

    @property
    def undo_depth(self) -> int:
        """How many steps ``undo()`` can go back."""
        return self._index

    @property
    def in_group(self) -> bool:
        return self._group_label is not None

    @property
    def next_run(self) -> int:
        """The number the next new run gets."""
        return self._next_run

    @property
    def datasets(self) -> list[Dataset]:
        """The data of every state, oldest first (the cursor is at ``undo_depth``)."""
        return [s.dataset for s in self._states]

    @property
    def runs(self) -> set[int]:
        """The runs some state belongs to."""
        return {s.run for s in self._states}

    # --- edits --------------------------------------------------------------------------
    def reset(self, dataset: Dataset, origin: object = None) -> None:
        """Forget every step; ``dataset`` becomes the only state (of the current run)."""
        self._states = [State(dataset, "", origin, self.state.run)]
        self._index = 0
        self._group_label = None
        self._group_has_step = False

    def push(
        self,
        dataset: Dataset,
        label: str = "edit",
        merge: bool = False,
        origin: object = None,
        new_run: bool = False,
        hand: object = None,
    ) -> int:
        """Record ``dataset`` as the state after an edit (``origin`` None: the current
        one's). Clears the redo branch. Returns the new state's run.

        ``merge=True`` (or an open group that already made its step) folds the edit into
        the newest step, so undo goes back past all of them at once. ``new_run`` starts a
        new run: always a step of its own, even with the same data. ``hand``: a hand edit
        of θ (see ``State.hand``), always a step of its own and never folded."""
        cur = self.state
        origin = cur.origin if origin is None else origin
        if hand is not None:
            self.end_group()
        elif not new_run and dataset is cur.dataset and origin is cur.origin:
            return cur.run
        run = cur.run
        if new_run:
            run = self._next_run
            self._next_run += 1
        folding = (
            not new_run
            and hand is None
            and (
                (merge and self.can_undo and not self.can_redo)
                or (self.in_group and self._group_has_step)
            )
        )
        if folding:
            self._states[self._index] = State(dataset, self._group_label or label, origin, run)
            return run
        del self._states[self._index + 1 :]
        self._states.append(State(dataset, self._group_label or label, origin, run, hand))
        self._index += 1
        if self.in_group:
            self._group_has_step = True
        excess = len(self._states) - 1 - self.max_depth
        if excess > 0:
            self._drop_oldest(excess)
        while len(self.runs) > self.max_runs:
            first = self._states[0].run
            n = next(i for i, s in enumerate(self._states) if s.run != first)
            self._drop_oldest(n)
        return run

    def replace_current(self, dataset: Dataset) -> None:
        """The current state's data replaced, no step added: the run went on to other
        points by itself (a lecture's next scene)."""
        s = self.state
        self._states[self._index] = State(dataset, s.label, s.origin, s.run)

    def abandon_run(self, run: int) -> bool:
        """The newest states of ``run`` go (the change that began it failed); the cursor
        goes back to the state before them. False if ``run`` is not the newest run."""
        if self._states[-1].run != run or self._states[0].run == run:
            return False
        first = next(i for i, s in enumerate(self._states) if s.run == run)
        del self._states[first:]
        self._index = min(self._index, len(self._states) - 1)
        self.end_group()
        return True

    def _drop_oldest(self, n: int) -> None:
        del self._states[:n]
        self._index -= n

    def begin_group(self, label: str = "stroke") -> None:
        """Start a stroke: the pushes until ``end_group()`` make one undo step."""
        self._group_label = label
        self._group_has_step = False

    def end_group(self) -> None:
        self._group_label = None
        self._group_has_step = False

    def mark_group_started(self) -> None:
        """The open group's step is the newest one already: later pushes fold into it."""
        if self.in_group and self.can_undo and not self.can_redo:
            self._group_has_step = True

    @contextmanager
    def group(self, label: str = "stroke") -> Iterator[None]:
        self.begin_group(label)
        try:
            yield
        finally:
            self.end_group()

    # --- navigation ---------------------------------------------------------------------
    def undo(self) -> Dataset | None:
        """Step back; the state now current, or ``None`` if there is nothing to undo."""
        self.end_group()
        if not self.can_undo:
            return None
        self._index -= 1
        return self.current

    def redo(self) -> Dataset | None:
        """Step forward again; the state now current, or ``None`` if nothing to redo."""
        self.end_group()
        if not self.can_redo:
            return None
        self._index += 1
        return self.current
