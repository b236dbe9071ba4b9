"""What the weight views need from the engine with every frame, computed in its thread.

``FigureMaker`` is the function a ``commands.SetFrameExtra`` installs (as
``Frame.extras["weights"]``): for the views that want them, ∂L/∂θ (the readout of the
hovered edge), the probe's dot (``probe_point``: the slope by backprop and by finite
differences, where a step lands) and an exercise's status (the goal checked on every
training point). Each part is computed only when asked for, and again only when θ or the
step changed (a frame published for another reason reuses it); while training, a dear
one takes at most a quarter of the engine's time. A part that fails says why in
``Figures.problem`` and leaves the others.

The window sends a new maker whenever what it wants changes (an edge hovered, the probe
opened on another weight, the inspector showing another batch).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from backprop_lab.engine import exercise
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.engine.probe import LossGradient, ProbePoint, loss_gradient, probe_point

EXTRA = "weights"  # the frame extra's name
SHARE = 0.25  # while training, at most this share of the engine's time for the figures


@dataclass(frozen=True)
class Needs:
    """What the views want: ∂L/∂θ (``gradient``), the probe's dot for ``line``, with
    where a step on ``batch`` lands (dataset indices of the inspector's batch)."""

    gradient: bool = False
    line: ParamRef | None = None
    batch: tuple[int, ...] = ()

    @property
    def anything(self) -> bool:
        return self.gradient or self.line is not None


@dataclass(frozen=True)
class ExerciseFigures:
    goal: str  # 'training accuracy 100 %'
    editable: tuple[ParamRef, ...]
    status: exercise.Status
    closing: str


@dataclass(frozen=True)
class Figures:
    step: int
    gradient: LossGradient | None = None
    point: ProbePoint | None = None
    exercise: ExerciseFigures | None = None
    problem: str = ""

    def slope(self, ref: ParamRef) -> float | None:
        """∂L/∂w of any parameter, if the gradient was computed for this frame."""
        g = self.gradient if self.gradient is not None else getattr(self.point, "gradient", None)
        if g is None:
            return None
        try:
            return g.of(ref)
        except (IndexError, ValueError):
            return None


def training_positions(dataset, indices) -> np.ndarray | None:
    """Dataset indices → their places among the training points (what a batch indexes);
    None if one of them is not a training point (the data changed since)."""
    idx = np.asarray(indices, dtype=np.int64)
    train = np.flatnonzero(~np.asarray(dataset.is_test))
    at = np.searchsorted(train, idx)
    ok = (at < train.size) & (train[np.minimum(at, train.size - 1)] == idx)
    return at if idx.size and bool(np.all(ok)) else None


class FigureMaker:
    """``fn(session)`` for the frame extra; keeps what it computed for the state it saw.

    While training (the step moved since the last frame), a dear computation (a wide
    network, many points) is repeated only once its cost is at most ``SHARE`` of the time
    since, as the worker does with a dear grid; the frames between reuse it. Paused (a
    drag, a step by hand), every new state is computed at once."""

    def __init__(self, needs: Needs, with_exercise: bool = True):
        self.needs = needs
        self.with_exercise = with_exercise
        self._key: tuple | None = None  # the state ``_last`` was computed for
        self._theta: np.ndarray | None = None
        self._last: Figures | None = None
        self._prev_step: int | None = None  # the step of the previous call
        self._cost = 0.0
        self._at = -1e9

    def _state(self, session) -> tuple:
        return (session.step_count, id(session.dataset), session.arch, session.hyper)

    def _is_last(self, session) -> bool:
        theta = session.params.flat
        return (
            self._last is not None
            and self._key == self._state(session)
            and self._theta is not None
            and self._theta.shape == theta.shape
            and np.array_equal(self._theta, theta)
        )

    def __call__(self, session) -> Figures:
        step = session.step_count
        training = self._prev_step is not None and step != self._prev_step
        self._prev_step = step
        if self._is_last(session):
            return self._last
        now = time.perf_counter()
        if training and self._last is not None and now - self._at < self._cost * (1 / SHARE - 1):
            return self._last
        self._key, self._theta = self._state(session), session.params.flat.copy()
        self._last = self._compute(session)
        self._at = time.perf_counter()
        self._cost = self._at - now
        return self._last

    def _compute(self, session) -> Figures:
        needs = self.needs
        problems = []
        gradient = point = ex = None
        if needs.line is not None:
            try:
                batch = None
                if needs.batch:
                    batch = training_positions(session.dataset, needs.batch)
                point = probe_point(session, needs.line, batch=batch)
            except ValueError as exc:  # a weight the network no longer has, no points
                problems.append(str(exc))
        if needs.gradient and point is None:
            try:
                gradient = loss_gradient(session)
            except ValueError as exc:
                problems.append(str(exc))
        if self.with_exercise and exercise.current(session) is not None:
            ex = exercise_figures(session)
        return Figures(session.step_count, gradient, point, ex, "; ".join(problems))


def exercise_figures(session) -> ExerciseFigures | None:
    ex = exercise.current(session)
    if ex is None:
        return None
    return ExerciseFigures(ex.goal.text, ex.editable, exercise.status(session), ex.closing_text)
