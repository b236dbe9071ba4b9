"""A dataset: labelled 2-D points, as drawn on the canvas or made by a preset.

Tasks:

* ``classification``: ``y`` holds class indices 0..K−1 (K = ``n_classes``, 2..8);
  the input is the point ``(x1, x2)``.
* ``regression`` with ``input_dim == 2``: ``y`` holds a real value per point; the input is
  ``(x1, x2)``.
* ``regression`` with ``input_dim == 1``: a curve fit. The input is ``x1`` and the target is
  the point's height ``x2``, so ``y`` always equals ``points[:, 1]``.

Every point is either a training point or a test point (``is_test``). Classes may have
names (``class_names``, e.g. read from a CSV file's labels); unnamed ones are "class k".

The data panel's Noise and Test share act on the points that are there:

* ``with_test_share(f, seed)`` re-splits them: round(f·N) test points, shared among the
  classes in proportion (all points together in regression), each class's first ones in
  a permutation drawn from ``seed`` become test points, so the same points, share and
  seed always give the same split, and a larger share only adds test points to a
  smaller one's.
* ``with_noise(level)`` re-noises them. Every point has a noise-free position (its
  *base*) and a fixed displacement per unit of noise (its *step*, drawn once); it sits at
  base + level·step (clipped to the canvas when its base is on it). A preset's base and
  step are its own noise-free points and noise draws, so on an untouched preset moving
  Noise moves the points as regenerating at that noise would. A point drawn while Noise
  is at some level is placed where it was clicked and gets a step of its own (from the
  seed and where it was drawn): moving Noise then moves it like every other point, and
  moving Noise back puts it back exactly. Points that came with no noise model (a lesson,
  a CSV file) count as noise-free: their first move of Noise draws their steps from the
  seed. Noise moves positions (classification, curves: only the height) or, in 2-D
  regression, the targets.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import numpy as np

TASKS = ("classification", "regression")
MAX_POINTS = 20_000
MAX_CLASSES = 8
MAX_CLASS_NAME = 40  # characters
CANVAS_HALF_WIDTH = 6.0  # the canvas's square [−6, 6]² (engine/notation.py DOMAIN)
# a new point's displacement per unit of noise, by what noise moves (the presets' own
# scales are between 1.2 and 4: engine/datasets.py)
NOISE_SCALE = {"position": 2.0, "height": 4.0, "target": 1.0}


def check_class_names(names, n_classes: int) -> tuple[str, ...]:
    """Class names as a tuple: at most ``n_classes`` of them, each a short, printable,
    non-empty text, no two alike. ``ValueError`` says which is wrong."""
    out = tuple(names or ())
    if len(out) > n_classes:
        raise ValueError(f"{len(out)} class names for {n_classes} classes")
    for k, name in enumerate(out):
        if not isinstance(name, str):
            raise ValueError(f"class name {k + 1} must be text, got {type(name).__name__}")
        if not name.strip() or name != name.strip():
            raise ValueError(f"class name {k + 1} is empty or starts or ends with a space")
        if len(name) > MAX_CLASS_NAME:
            raise ValueError(f"class name {k + 1} is longer than {MAX_CLASS_NAME} characters")
        if any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in name):
            raise ValueError(f"class name {k + 1} holds a control character or a line break")
    if len(set(out)) != len(out):
        raise ValueError("two classes have the same name")
    return out


@dataclass(frozen=True, eq=False)
class NoiseModel:
    """Where each point sits at each noise level: ``base + level · step`` (rows: x1, x2, y).

    ``seed`` and ``scale`` give a point drawn later its own step (see the module's
    docstring); ``moves`` says what noise moves: "position", "height" (a curve's points
    move up and down) or "target" (2-D regression)."""

    level: float
    base: np.ndarray  # N × 3
    step: np.ndarray  # N × 3
    seed: int = 0
    scale: float = 2.0
    moves: str = "position"

    def __post_init__(self):
        for name in ("base", "step"):
            a = np.array(getattr(self, name), dtype=np.float64).reshape(-1, 3)
            a.flags.writeable = False
            object.__setattr__(self, name, a)
        if self.base.shape != self.step.shape:
            raise ValueError("a noise model needs a base and a step for every point")
        if not (math.isfinite(self.level) and 0.0 <= self.level <= 1.0):
            raise ValueError(f"noise level must be in [0, 1], got {self.level}")

    def __len__(self) -> int:
        return self.base.shape[0]

    def rows(self, keep) -> NoiseModel:
        return NoiseModel(
            self.level, self.base[keep], self.step[keep], self.seed, self.scale, self.moves
        )

    def new_step(self, x1: float, x2: float) -> np.ndarray:
        """The step of a point drawn at (x1, x2): drawn from the seed and the place."""
        bits = np.array([x1, x2], dtype=np.float64).view(np.uint64)
        z = np.random.default_rng([int(self.seed), *(int(b) for b in bits)]).standard_normal(2)
        return _step_along(self.moves, self.scale * z)

    def positions(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """(points, y) at ``level``: positions clipped to the canvas when their base is on
        it (as the presets clip theirs)."""
        at = self.base + level * self.step
        pts = at[:, :2]
        on = np.all(np.abs(self.base[:, :2]) <= CANVAS_HALF_WIDTH, axis=1)
        clipped = np.clip(pts, -CANVAS_HALF_WIDTH, CANVAS_HALF_WIDTH)
        return np.where(on[:, None], clipped, pts), at[:, 2]


def _step_along(moves: str, z: np.ndarray) -> np.ndarray:
    """A 3-vector (x1, x2, y) moving only what ``moves`` names, from two normal draws."""
    if moves == "position":
        return np.array([z[0], z[1], 0.0])
    if moves == "height":
        return np.array([0.0, z[0], 0.0])
    return np.array([0.0, 0.0, z[0]])


def noise_moves(task: str, input_dim: int) -> str:
    if task == "classification":
        return "position"
    return "height" if input_dim == 1 else "target"


@dataclass(frozen=True, eq=False)
class Dataset:
    points: np.ndarray  # N × 2, float64
    y: np.ndarray  # N, int64 class indices or float64 targets
    is_test: np.ndarray  # N, bool
    task: str = "classification"
    n_classes: int = 2
    input_dim: int = 2
    class_names: tuple[str, ...] = ()  # names of classes 0, 1, … (fewer: the rest unnamed)
    noise: NoiseModel | None = None  # how the points move with the Noise control

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
        names = ()
        if self.task == "classification":
            names = check_class_names(self.class_names, self.n_classes)
        elif self.class_names:
            raise ValueError("only classes have names")
        if self.noise is not None and len(self.noise) != n:
            raise ValueError(f"the noise model has {len(self.noise)} points, the data {n}")
        for a in (pts, y, is_test):
            a.flags.writeable = False
        object.__setattr__(self, "points", pts)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "is_test", is_test)
        object.__setattr__(self, "class_names", names)

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
    def n_test(self) -> int:
        return int(np.count_nonzero(self.is_test))

    @property
    def n_train(self) -> int:
        return len(self) - self.n_test

    @property
    def test_share(self) -> float:
        """The share of test points (0 without points)."""
        return self.n_test / len(self) if len(self) else 0.0

    @property
    def noise_level(self) -> float:
        """The Noise control's value for these points (0: as they are)."""
        return self.noise.level if self.noise is not None else 0.0

    @property
    def y_float(self) -> np.ndarray:
        return self.y.astype(np.float64)

    def class_name(self, k: int) -> str:
        """Class k's name, or "class k+1" (the picker's numbers count from 1)."""
        names = self.class_names
        return names[k] if k < len(names) else f"class {k + 1}"

    def same_shape(self, other: Dataset) -> bool:
        """Whether a network made for ``other`` fits these data (same task, inputs, and
        classes): the session keeps θ across such a change and rebuilds it otherwise."""
        return (
            self.task == other.task
            and self.input_dim == other.input_dim
            and (self.task == "regression" or self.n_classes == other.n_classes)
        )

    def same_as(self, other: Dataset) -> bool:
        return (
            self.task == other.task
            and self.n_classes == other.n_classes
            and self.input_dim == other.input_dim
            and self.class_names == other.class_names
            and np.array_equal(self.points, other.points)
            and np.array_equal(self.y, other.y)
            and np.array_equal(self.is_test, other.is_test)
        )

    # --- edits return new datasets (a dataset is immutable, so snapshots can share it) --
    def replace(self, **changes) -> Dataset:
        """These data with some fields changed. The noise model follows when the points
        stay (the same number of them), unless ``noise`` is given."""
        fields = dict(
            points=self.points,
            y=self.y,
            is_test=self.is_test,
            task=self.task,
            n_classes=self.n_classes,
            input_dim=self.input_dim,
            class_names=self.class_names,
            noise=self.noise,
        )
        fields.update(changes)
        if "noise" not in changes and self.noise is not None:
            n = np.asarray(fields["points"]).reshape(-1, 2).shape[0]
            reshaped = fields["task"] != self.task or fields["input_dim"] != self.input_dim
            if n != len(self.noise) or reshaped:
                fields["noise"] = None
        if fields["task"] != "classification":
            fields["class_names"] = ()
        return Dataset(**fields)

    def with_point(self, x1: float, x2: float, label: float = 0, test: bool = False) -> Dataset:
        noise = self.noise
        if noise is not None:  # placed where it was drawn, at the current noise level
            step = noise.new_step(x1, x2)
            y = x2 if self.input_dim == 1 else float(label)
            base = np.array([x1, x2, y]) - noise.level * step
            noise = NoiseModel(
                noise.level,
                np.vstack([noise.base, base]),
                np.vstack([noise.step, step]),
                noise.seed,
                noise.scale,
                noise.moves,
            )
        return self.replace(
            points=np.vstack([self.points, [[x1, x2]]]),
            y=np.append(self.y, label),
            is_test=np.append(self.is_test, test),
            noise=noise,
        )

    def without(self, indices) -> Dataset:
        keep = np.ones(len(self), dtype=bool)
        keep[np.asarray(indices, dtype=np.int64)] = False
        noise = self.noise.rows(keep) if self.noise is not None else None
        return self.replace(
            points=self.points[keep], y=self.y[keep], is_test=self.is_test[keep], noise=noise
        )

    def with_test_share(self, fraction: float, seed: int = 0) -> Dataset:
        """The same points re-split: round(fraction · N) test points, shared among the
        classes in proportion to their sizes (all points together, in regression), each
        class's first ones in a permutation drawn from ``seed``."""
        fraction = float(fraction)
        if not (math.isfinite(fraction) and 0.0 <= fraction <= 1.0):
            raise ValueError(f"the test share must be in [0, 1], got {fraction}")
        n = len(self)
        order = np.random.default_rng(int(seed)).permutation(n)
        groups = (
            [order[self.y[order] == k] for k in range(self.n_classes)]
            if self.task == "classification"
            else [order]
        )
        # the largest remainder method: each class gets ⌊f·n_k⌋, the classes with the
        # largest fractions one more, until the total is round(f·N)
        total = int(math.floor(fraction * n + 0.5))
        quotas = [fraction * g.size for g in groups]
        counts = [int(math.floor(q)) for q in quotas]
        by_remainder = sorted(range(len(groups)), key=lambda k: (counts[k] - quotas[k], k))
        for k in by_remainder[: max(0, total - sum(counts))]:
            counts[k] += 1
        is_test = np.zeros(n, dtype=bool)
        for members, count in zip(groups, counts):
            is_test[members[:count]] = True
        return self.replace(is_test=is_test)

    def with_noise(self, level: float, seed: int = 0) -> Dataset:
        """The same points moved to noise ``level`` (see the module's docstring). Points
        with no noise model get one at level 0 (as they are), their steps drawn from
        ``seed``."""
        level = float(level)
        noise = self.noise
        if noise is None:
            moves = noise_moves(self.task, self.input_dim)
            z = np.random.default_rng(int(seed)).standard_normal((len(self), 2))
            step = np.zeros((len(self), 3))
            if moves == "position":
                step[:, :2] = z
            elif moves == "height":
                step[:, 1] = z[:, 0]
            else:
                step[:, 2] = z[:, 0]
            scale = NOISE_SCALE[moves]
            base = np.column_stack([self.points, self.y_float])
            noise = NoiseModel(0.0, base, scale * step, int(seed), scale, moves)
        if level == noise.level:
            return self if noise is self.noise else self.replace(noise=noise)
        points, y = noise.positions(level)
        moved = NoiseModel(level, noise.base, noise.step, noise.seed, noise.scale, noise.moves)
        if noise.moves != "target":
            y = points[:, 1] if self.input_dim == 1 else self.y  # labels never move
        return self.replace(points=points, y=y, noise=moved)

    def nearest(self, x1: float, x2: float) -> int | None:
        if not len(self):
            return None
        d = (self.points[:, 0] - x1) ** 2 + (self.points[:, 1] - x2) ** 2
        return int(np.argmin(d))


def empty_dataset(task: str = "classification", n_classes: int = 2, input_dim: int = 2) -> Dataset:
    return Dataset(np.zeros((0, 2)), np.zeros(0), np.zeros(0, bool), task, n_classes, input_dim)
