"""Bounded training histories: a run of millions of steps keeps memory flat.

Rows are recorded at steps that are multiples of a stride. When the buffer is full every
other row is dropped and the stride doubles, so the history always spans the whole run
with between ``capacity/2`` and ``capacity`` rows, at evenly spaced steps.

Like the rewind timeline, a history can be looked at as of an earlier step
(``rewind_to``) without losing its later rows: they come back when the view moves forward
again, and are dropped only when a new row is recorded from the earlier point (the run
branches).
"""

from __future__ import annotations

import numpy as np


class DecimatingHistory:
    def __init__(self, columns: list[str], capacity: int = 4096, min_stride: int = 1):
        if capacity < 4 or capacity % 2:
            raise ValueError("capacity must be an even number ≥ 4")
        if min_stride < 1 or min_stride & (min_stride - 1):
            raise ValueError("min_stride must be a power of two")
        self.columns = list(columns)
        self._index = {c: i for i, c in enumerate(self.columns)}
        self.capacity = capacity
        self.stride = min_stride
        self._steps = np.zeros(capacity, dtype=np.int64)
        self._rows = np.full((capacity, len(columns)), np.nan)
        self._n = 0  # rows stored
        self._end = 0  # rows visible: fewer than stored while looking at an earlier step

    def __len__(self) -> int:
        return self._end

    def wants(self, step: int) -> bool:
        """Whether ``step`` will be kept; callers skip computing rows nobody keeps."""
        return step % self.stride == 0

    def record(self, step: int, values: dict[str, float] | np.ndarray) -> None:
        if step % self.stride:
            return
        self._n = self._end  # recording after a rewind starts a new branch
        if self._n and step <= self._steps[self._n - 1]:
            raise ValueError(
                f"history steps must increase: {step} after {self._steps[self._n - 1]}"
            )
        if self._n == self.capacity:
            self._compact()
            if step % self.stride:
                return
        self._steps[self._n] = step
        row = self._rows[self._n]
        if isinstance(values, dict):
            row[:] = np.nan
            for k, v in values.items():
                row[self._index[k]] = v
        else:
            row[:] = values
        self._n += 1
        self._end = self._n

    def _compact(self) -> None:
        self.stride *= 2
        keep = self._steps[: self._n] % self.stride == 0
        n = int(keep.sum())
        self._steps[:n] = self._steps[: self._n][keep]
        self._rows[:n] = self._rows[: self._n][keep]
        self._rows[n:] = np.nan
        self._n = self._end = n

    def rewind_to(self, step: int) -> None:
        """Show the rows up to ``step``; later rows stay stored until the run branches."""
        self._end = int(np.searchsorted(self._steps[: self._n], step, side="right"))

    @property
    def steps(self) -> np.ndarray:
        return self._steps[: self._end].copy()

    def column(self, name: str) -> np.ndarray:
        return self._rows[: self._end, self._index[name]].copy()

    def as_dict(self) -> dict[str, np.ndarray]:
        out = {"step": self.steps}
        for c in self.columns:
            out[c] = self.column(c)
        return out

    @property
    def nbytes(self) -> int:
        return self._steps.nbytes + self._rows.nbytes
