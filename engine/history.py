"""Bounded training histories: a run of millions of steps keeps memory flat.

Rows are recorded at steps that are multiples of a stride. When the buffer is full every
other row is dropped and the stride doubles, so the history always spans the whole run
with between ``capacity/2`` and ``capacity`` rows, at evenly spaced steps.
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
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def wants(self, step: int) -> bool:
        """Whether ``step`` will be kept; callers skip computing rows nobody keeps."""
        return step % self.stride == 0

    def record(self, step: int, values: dict[str, float] | np.ndarray) -> None:
        if step % self.stride:
            return
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

    def _compact(self) -> None:
        self.stride *= 2
        keep = self._steps[: self._n] % self.stride == 0
        n = int(keep.sum())
        self._steps[:n] = self._steps[: self._n][keep]
        self._rows[:n] = self._rows[: self._n][keep]
        self._rows[n:] = np.nan
        self._n = n

    def truncate_after(self, step: int) -> None:
        """Forget rows after ``step`` (used when a run is rewound)."""
        self._n = int(np.searchsorted(self._steps[: self._n], step, side="right"))

    @property
    def steps(self) -> np.ndarray:
        return self._steps[: self._n].copy()

    def column(self, name: str) -> np.ndarray:
        return self._rows[: self._n, self._index[name]].copy()

    def as_dict(self) -> dict[str, np.ndarray]:
        out = {"step": self.steps}
        for c in self.columns:
            out[c] = self.column(c)
        return out

    @property
    def nbytes(self) -> int:
        return self._steps.nbytes + self._rows.nbytes
