"""Undo/redo of point edits: a bounded history of immutable ``Dataset`` states. No Qt.

A ``Dataset`` is immutable, so a step is just a reference to the dataset after the edit;
undo moves back one reference. A stroke (one drag painting many points) is one step:
pushes between ``begin_group()`` and ``end_group()``, or with ``merge=True``, replace the
newest step instead of adding one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from backprop_lab.engine.data import Dataset

DEFAULT_DEPTH = 500


class EditHistory:
    """States ``s_0 … s_n`` with a cursor; ``current`` is the state at the cursor."""

    def __init__(self, initial: Dataset, max_depth: int = DEFAULT_DEPTH):
        if max_depth < 1:
            raise ValueError(f"max_depth must be at least 1, got {max_depth}")
        self.max_depth = max_depth
        self._states: list[tuple[Dataset, str]] = [(initial, "")]
        self._index = 0
        self._group_label: str | None = None  # open group
        self._group_has_step = False

    # --- state --------------------------------------------------------------------------
    @property
    def current(self) -> Dataset:
        return self._states[self._index][0]

    @property
    def previous(self) -> Dataset | None:
        """The state ``undo()`` would go back to, or ``None``."""
        return self._states[self._index - 1][0] if self.can_undo else None

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._states) - 1

    @property
    def undo_label(self) -> str | None:
        """What ``undo()`` would revert, e.g. ``'add point'``."""
        return self._states[self._index][1] if self.can_undo else None

    @property
    def redo_label(self) -> str | None:
        return self._states[self._index + 1][1] if self.can_redo else None

    @property
    def undo_depth(self) -> int:
        """How many steps ``undo()`` can go back."""
        return self._index

    @property
    def in_group(self) -> bool:
        return self._group_label is not None

    # --- edits --------------------------------------------------------------------------
    def reset(self, dataset: Dataset) -> None:
        """Forget every step; ``dataset`` becomes the only state."""
        self._states = [(dataset, "")]
        self._index = 0
        self._group_label = None
        self._group_has_step = False

    def push(self, dataset: Dataset, label: str = "edit", merge: bool = False) -> None:
        """Record ``dataset`` as the state after an edit. Clears the redo branch.

        ``merge=True`` (or an open group that already made its step) folds the edit into
        the newest step, so undo goes back past all of them at once."""
        if dataset is self.current:
            return
        folding = (merge and self.can_undo and not self.can_redo) or (
            self.in_group and self._group_has_step
        )
        if folding:
            self._states[self._index] = (dataset, self._group_label or label)
            return
        del self._states[self._index + 1 :]
        self._states.append((dataset, self._group_label or label))
        self._index += 1
        if self.in_group:
            self._group_has_step = True
        excess = len(self._states) - 1 - self.max_depth
        if excess > 0:
            del self._states[:excess]
            self._index -= excess

    def begin_group(self, label: str = "stroke") -> None:
        """Start a stroke: the pushes until ``end_group()`` make one undo step."""
        self._group_label = label
        self._group_has_step = False

    def end_group(self) -> None:
        self._group_label = None
        self._group_has_step = False

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
