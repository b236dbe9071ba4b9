"""A dataset: labelled 2-D points, as drawn on the canvas or made by a preset.

Tasks:

* ``classification``: ``y`` holds class indices 0..K−1 (K = ``n_classes``, 2..8);
  the input is the point ``(x1, x2)``.
* ``regression`` with ``input_dim == 2``: ``y`` holds a real value per point; the input is
  ``(x1, x2)``.
* ``regression`` with ``input_dim == 1``: a curve fit. The input is ``x1`` and the target is
  the point's height ``x2``, so ``y`` always equals ``points[:, 1]``.

Every point is either a training point or a test point (``is_test``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TASKS = ("classification", "regression")
MAX_POINTS = 20_000
MAX_CLASSES = 8


@dataclass(frozen=True, eq=False)
class Dataset:
    points: np.ndarray  # N × 2, float64
    y: np.ndarray  # N, int64 class indices or float64 targets
    is_test: np.ndarray  # N, bool
    task: str = "classification"
    n_classes: int = 2
    input_dim: int = 2

    def __post_init__(self):
        pts = np.array(self.points, dtype=np.float64).reshape(-1, 2)
        n = pts.shape[0]
        if n > MAX_POINTS:
            raise ValueError(f"too many points: {n} (at most {MAX_POINTS})")
        if not np.all(np.isfinite(pts)):
            raise ValueError("point coordinates must be finite numbers")
        if self.task not in TASKS:
            raise ValueError(f"unknown task {self.task!r}; expected one of {', '.join(TASKS)}")
        if self.input_dim not in (1, 2):
            raise ValueError(f"input_dim must be 1 or 2, got {self.input_dim}")
        is_test = np.zeros(n, dtype=bool) if self.is_test is None else np.array(self.is_test)
        if is_test.shape != (n,):
            raise ValueError(f"is_test has {is_test.size} entries for {n} points")
        is_test = is_test.astype(bool)
        if self.task == "classification":
            if self.input_dim != 2:
                raise ValueError("classification takes 2-D input")
            if not 2 <= self.n_classes <= MAX_CLASSES:
                raise ValueError(f"n_classes must be 2..{MAX_CLASSES}, got {self.n_classes}")
            y_raw = np.asarray(self.y)
            if y_raw.shape != (n,):
                raise ValueError(f"{y_raw.size} labels for {n} points")
            if n and not np.all(np.equal(np.mod(y_raw, 1), 0)):
                raise ValueError("class labels must be whole numbers")
            y = y_raw.astype(np.int64)
            if n and (y.min() < 0 or y.max() >= self.n_classes):
                raise ValueError(
                    f"class labels must be 0..{self.n_classes - 1}, found {y.min()}..{y.max()}"
                )
        else:
            if self.input_dim == 1:
                y = pts[:, 1].copy()
            else:
                y = np.array(self.y, dtype=np.float64)
                if y.shape != (n,):
                    raise ValueError(f"{y.size} targets for {n} points")
                if not np.all(np.isfinite(y)):
                    raise ValueError("regression targets must be finite numbers")
        for a in (pts, y, is_test):
            a.flags.writeable = False
        object.__setattr__(self, "points", pts)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "is_test", is_test)

    # --- views ------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.points.shape[0]

    @property
    def train(self) -> np.ndarray:
        """Indices of the training points."""
        return np.flatnonzero(~self.is_test)

    @property
    def test(self) -> np.ndarray:
        return np.flatnonzero(self.is_test)

    @property
    def y_float(self) -> np.ndarray:
        return self.y.astype(np.float64)

    def same_as(self, other: Dataset) -> bool:
        return (
            self.task == other.task
            and self.n_classes == other.n_classes
            and self.input_dim == other.input_dim
            and np.array_equal(self.points, other.points)
            and np.array_equal(self.y, other.y)
            and np.array_equal(self.is_test, other.is_test)
        )

    # --- edits return new datasets (a dataset is immutable, so snapshots can share it) --
    def replace(self, **changes) -> Dataset:
        fields = dict(
            points=self.points,
            y=self.y,
            is_test=self.is_test,
            task=self.task,
            n_classes=self.n_classes,
            input_dim=self.input_dim,
        )
        fields.update(changes)
        return Dataset(**fields)

    def with_point(self, x1: float, x2: float, label: float = 0, test: bool = False) -> Dataset:
        return self.replace(
            points=np.vstack([self.points, [[x1, x2]]]),
            y=np.append(self.y, label),
            is_test=np.append(self.is_test, test),
        )

    def without(self, indices) -> Dataset:
        keep = np.ones(len(self), dtype=bool)
        keep[np.asarray(indices, dtype=np.int64)] = False
        return self.replace(points=self.points[keep], y=self.y[keep], is_test=self.is_test[keep])

    def nearest(self, x1: float, x2: float) -> int | None:
        if not len(self):
            return None
        d = (self.points[:, 0] - x1) ** 2 + (self.points[:, 1] - x2) ** 2
        return int(np.argmin(d))


def empty_dataset(task: str = "classification", n_classes: int = 2, input_dim: int = 2) -> Dataset:
    return Dataset(np.zeros((0, 2)), np.zeros(0), np.zeros(0, bool), task, n_classes, input_dim)
