"""Exercises ("solve for weights"): a lesson names the parameters a student may change and
a goal; every other parameter is locked (frozen, and refused by ``set_parameter``).

The goal is judged on every training point: training accuracy at least a target (100 %
is 1.0), or the training loss (the plotted mean negative log-likelihood) below one.
``hint`` gives three hints in order, each about the editable parameter the loss is most
sensitive to (the largest |∂L/∂w| over the training points): which one it is, then whether
to increase or decrease it, then its slope itself. Following the second hint with small
steps is coordinate-wise gradient descent, which is what the closing sentence says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .edits import EditLog
from .paramref import ParamRef
from .probe import loss_gradient

GOAL_METRICS = ("accuracy", "loss")
MAX_CLOSING = 1000
CLOSING = (
    "What you did by hand (find the weight the loss is most sensitive to, and move it a "
    "little against its slope ∂L/∂w) is gradient descent. Training does the same to every "
    "weight at once, many times a second: press Play and watch it."
)
HINT_MOVE = 0.1  # the small change hint 3 prices with the tangent


@dataclass(frozen=True)
class Goal:
    """``accuracy``: training accuracy ≥ ``target`` (a fraction, 1.0 = 100 %);
    ``loss``: training loss < ``target``."""

    metric: str
    target: float

    def __post_init__(self) -> None:
        if self.metric not in GOAL_METRICS:
            raise ValueError(f"a goal is 'accuracy' or 'loss', got {self.metric!r}")
        t = self.target
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
            raise ValueError(f"a goal's target must be a finite number, got {t!r}")
        if self.metric == "accuracy" and not 0 < t <= 1:
            raise ValueError(f"an accuracy goal is a fraction in (0, 1], got {t}")
        if self.metric == "loss" and not 0 < t <= 100:
            raise ValueError(f"a loss goal is a number in (0, 100], got {t}")

    def reached(self, loss: float, accuracy: float) -> bool:
        if self.metric == "accuracy":
            return accuracy >= self.target
        return loss < self.target

    @property
    def text(self) -> str:
        """'training accuracy 100 %', 'training loss below 0.1'."""
        if self.metric == "accuracy":
            return f"training accuracy {_percent(self.target)}"
        return f"training loss below {self.target:g}"


def _percent(v: float) -> str:
    return f"{100 * v:.3g} %"


@dataclass(frozen=True)
class Exercise:
    """The editable parameters, the goal, and the sentence that closes the exercise
    (``closing``; empty: the built-in one)."""

    editable: tuple[ParamRef, ...]
    goal: Goal
    closing: str = ""

    def __post_init__(self) -> None:
        editable = tuple(self.editable)
        object.__setattr__(self, "editable", editable)
        if not editable:
            raise ValueError("an exercise needs at least one parameter the student may change")
        if len(set(editable)) != len(editable):
            raise ValueError("an exercise names a parameter twice")
        if len(self.closing) > MAX_CLOSING:
            raise ValueError(f"the closing sentence is over {MAX_CLOSING} characters")

    @property
    def closing_text(self) -> str:
        return self.closing or CLOSING

    def check(self, session) -> None:
        """ValueError if the session's network lacks a parameter or cannot meet the goal."""
        for ref in self.editable:
            ref.check(session.arch.widths)
        if self.goal.metric == "accuracy" and session.dataset.task != "classification":
            raise ValueError("an accuracy goal needs a classification task")


def start(session, exercise: Exercise) -> None:
    """Start ``exercise`` on the session: every parameter it does not name is locked."""
    set_exercise(session, exercise)


def current(session) -> Exercise | None:
    log: EditLog = session.edits
    return log.exercise


@dataclass(frozen=True)
class Status:
    """How far the student is: the training loss and accuracy over every training point."""

    step: int
    loss: float
    accuracy: float
    reached: bool
    text: str


def status(session) -> Status:
    """The goal checked now (ValueError if no exercise is running)."""
    ex = _exercise(session)
    loss, acc = session.evaluate("train", full=True)
    reached = ex.goal.reached(loss, acc)
    now = (
        f"training accuracy {_percent(acc)}"
        if ex.goal.metric == "accuracy"
        else f"training loss {loss:.3g}"
    )
    text = f"Goal reached: {now}." if reached else f"Now {now}; the goal is {ex.goal.text}."
    return Status(session.step_count, loss, acc, reached, text)


def _exercise(session) -> Exercise:
    ex = current(session)
    if ex is None:
        raise ValueError("no exercise is running")
    return ex


@dataclass(frozen=True)
class Hint:
    """Hint ``level`` (1: which parameter, 2: which way, 3: the slope) about ``ref``.
    ``direction`` is +1 (increase), −1 (decrease) or 0 (the loss is flat in every
    editable parameter, or the goal is reached: then ``ref`` is None)."""

    level: int
    ref: ParamRef | None
    value: float
    slope: float
    direction: int
    text: str


def hint(session, level: int) -> Hint:
    """Hint ``level`` (1 to 3; higher is clamped to 3) for the state now."""
    ex = _exercise(session)
    level = max(1, min(3, int(level)))
    if status(session).reached:
        return Hint(level, None, math.nan, 0.0, 0, f"The goal is reached. {ex.closing_text}")
    grad = loss_gradient(session, full=True)
    slopes = [(abs(grad.of(r)), i, r) for i, r in enumerate(ex.editable)]
    steepest, _, ref = max(slopes, key=lambda t: (t[0], -t[1]))
    slope = grad.of(ref)
    value = ref.get(session.params)
    if not steepest > 0:
        text = (
            "The loss is flat in every weight you may change: a small change moves "
            "nothing. Try a bigger change of one of them."
        )
        return Hint(level, None, math.nan, 0.0, 0, text)
    direction = -1 if slope > 0 else 1
    name = ref.label
    if level == 1:
        text = (
            f"Of the weights you may change, the loss is most sensitive to {name}: change that one."
        )
    elif level == 2:
        verb, how = ("Increase", "grows") if direction > 0 else ("Decrease", "shrinks")
        text = f"{verb} {name} (now {_num(value)}): the loss falls as it {how}."
    else:
        move = HINT_MOVE * direction
        text = (
            f"∂L/∂w = {_num(slope, signed=True)} at {name} = {_num(value)}: changing it by "
            f"{_num(move, signed=True)} changes the loss by about "
            f"{_num(slope * move, signed=True)} (the tangent), so move it against the slope."
        )
    return Hint(level, ref, value, slope, direction, text)


def _num(v: float, signed: bool = False) -> str:
    return format(v, "+.3g" if signed else ".3g").replace("-", "−")


def set_exercise(session, exercise: Exercise | None) -> None:
    """Start an exercise on the session (its non-editable parameters locked), or end it."""
    log: EditLog = session.edits
    if exercise is not None:
        exercise.check(session)
    log.set_frozen(log.frozen, exercise)
    log.hold(session)
