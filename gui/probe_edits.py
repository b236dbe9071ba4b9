"""Hand edits of θ from the window: a drag, a wheel, a typed value; undo, freeze, θ₀.

The engine's side is engine/edits.py (``set_parameter``, ``undo_edit``, ``freeze`` …);
this module sends those calls to the engine thread and makes each gesture one step of the
window's undo history (gui/edits.py), so the Edit menu undoes points and weights in the
order they were made.

* **A gesture** (a drag of an edge or a unit's bias, wheel notches on one edge, a drag of
  the point of the two-weight probe) is one ``HandMark``: one undo step, pushed onto the
  window's history when the gesture first changes something. Its first change pauses
  training. The values go to the engine thread one at a time: the next is sent when the
  last has been applied (so a fast hand never queues a backlog; the newest value wins and
  every frame shows the value of its moment); the gesture's last value is always sent.
  A one-parameter gesture is one engine edit (``merge``); a two-parameter one is two
  edits, set afresh from the state before the gesture at each move.
* **Undo and redo** of a hand step (``follow``, called for every move of the history
  within a run) undo the very engine edits the gesture made, and only those: if the run
  was rewound past them already, nothing is undone and the status bar says so. Redo puts
  the edit back (``redo_edit``), or, if the run went on since, sets the value again as a
  new edit.
* ``HandMark.edits`` lives in the engine thread: only the functions sent there read or
  write it. The window reads ``refs`` and ``label``.

θ₀ is where the run began: the parameter's value in the oldest checkpoint of the rewind
timeline (step 0, or the step a lesson started at); that checkpoint was taken before any
edit made at its step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from backprop_lab.engine.edits import (
    MAX_HAND_VALUE,
    freeze,
    redo_edit,
    set_parameter,
    undo_edit,
    unfreeze,
)
from backprop_lab.engine.jobs import Failure, Request
from backprop_lab.engine.paramref import ParamRef
from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from .feature_window import FeatureWindow


@dataclass(eq=False)
class HandMark:
    """One hand step of the undo history: ``refs`` set by a gesture named ``label``."""

    refs: tuple[ParamRef, ...]
    label: str
    reset_moments: bool = False
    # engine thread only: the values at the gesture's start (a relative gesture), the
    # engine's edits in effect for it, and those an undo took back
    start: tuple[float, ...] | None = field(default=None, repr=False)
    edits: list = field(default_factory=list, repr=False)
    undone: list = field(default_factory=list, repr=False)


# --- in the engine thread ----------------------------------------------------------------------
def _clamp(v: float) -> float:
    return min(MAX_HAND_VALUE, max(-MAX_HAND_VALUE, float(v)))


def apply_values(session, mark: HandMark, values, relative: bool) -> tuple:
    """Set ``mark.refs`` to ``values`` (changes from the gesture's start if ``relative``):
    one engine edit per parameter for the whole gesture. Returns the edits in effect."""
    log = session.edits
    if relative:
        if mark.start is None:
            mark.start = tuple(r.get(session.params) for r in mark.refs)
        values = [_clamp(s + d) for s, d in zip(mark.start, values)]
    if len(mark.refs) == 1:
        ref = mark.refs[0]
        # the next value of this gesture's edit, only if nothing happened since it
        latest = log.edits[-1] if log.edits else None
        merge = bool(mark.edits) and latest == mark.edits[-1]
        e = set_parameter(
            session, ref, values[0], merge=merge, reset_moments=mark.reset_moments and not merge
        )
        mark.edits = [e] if e is not None else []
    else:
        take_back(session, mark)
        made = []
        for ref, v in zip(mark.refs, values):
            e = set_parameter(session, ref, v, reset_moments=mark.reset_moments and not made)
            if e is not None:
                made.append(e)
        mark.edits = made
    return tuple(mark.edits)


def take_back(session, mark: HandMark) -> int:
    """Undo the gesture's edits while they are the latest in effect; how many were."""
    log = session.edits
    n = 0
    for e in reversed(mark.edits):
        if log.edits and log.edits[-1] == e and log.can_undo:
            undo_edit(session)
            n += 1
        else:
            break
    return n


def undo_mark(session, mark: HandMark) -> str:
    """The window's undo of a hand step: its edits taken back, if they are still the
    latest in effect. Returns what happened, for the status bar."""
    if not mark.edits:
        return ""  # the gesture ended where it began: nothing to take back
    log = session.edits
    k = len(mark.edits)
    if tuple(log.edits[-k:]) != tuple(mark.edits) or not log.can_undo:
        mark.undone = []
        return f"{mark.label}: already undone (the run was rewound before it)"
    undone = list(mark.edits)
    take_back(session, mark)
    mark.undone, mark.edits = undone, []
    return f"Undid {mark.label}"


def redo_mark(session, mark: HandMark) -> str:
    """The window's redo: the undone edits applied again, or, if the run went on since
    the undo, their values set again as new edits at this step."""
    if not mark.undone:
        return ""
    made = []
    for e in mark.undone:
        again = redo_edit(session)
        if again is not None and again != e:  # not ours: put it back, set ours anew
            undo_edit(session)
            again = None
        if again is None:
            again = set_parameter(session, e.ref, e.new, reset_moments=e.reset_moments)
        if again is not None:
            made.append(again)
    mark.edits, mark.undone = made, []
    return f"Redid {mark.label}"


def initial_value(session, ref: ParamRef) -> float:
    """θ₀ of one parameter: its value where the run began (the oldest kept checkpoint)."""
    steps = session.timeline.steps
    if not steps:
        raise ValueError("the run's start is not kept")
    return ref.get(session.timeline.checkpoint(steps[0]).params)


def reset_to_initial(session, mark: HandMark) -> tuple:
    value = initial_value(session, mark.refs[0])
    return apply_values(session, mark, (value,), relative=False)


def set_frozen(session, ref: ParamRef, on: bool) -> str:
    if on:
        freeze(session, ref)
        return f"{ref.label} is frozen: training leaves it as it is"
    unfreeze(session, ref)
    return f"{ref.label} trains again"


# --- in the window ------------------------------------------------------------------------------
@dataclass
class Gesture:
    mark: HandMark
    relative: bool
    target: tuple[float, ...] | None = None
    sent: tuple[float, ...] | None = None
    started: bool = False  # it changed something: training paused, the undo step pushed
    ended: bool = False


class HandEdits(QObject):
    """Sends hand edits to the engine thread and keeps them in the window's undo history."""

    message = Signal(str)  # for the status bar

    def __init__(self, window: FeatureWindow):
        super().__init__(window)
        self.w = window
        self.controller = window.controller
        self.reset_moments = False  # Train → "Hand edits restart the optimizer"
        self.gesture: Gesture | None = None
        self._in_flight: Request | None = None
        self.sent = 0  # values sent to the engine (the benchmark reads it)
        self.applied = 0  # values the engine applied
        self.last_mark: HandMark | None = None  # the latest gesture's (tests read it)
        self.last_undo: tuple[HandMark, str] | None = None  # and the latest undo's answer
        self.pending = 0  # undos and redos sent, not answered yet
        self._marks: dict[Request, HandMark] = {}

    # --- what the window shows -------------------------------------------------------------
    @property
    def history(self):
        return self.w.canvas.history

    def summary(self):
        f = self.w.latest
        return None if f is None else f.snapshot.edits

    def is_locked(self, ref: ParamRef) -> bool:
        s = self.summary()
        return s is not None and s.is_locked(ref)

    def is_frozen(self, ref: ParamRef) -> bool:
        s = self.summary()
        return s is not None and ref in s.frozen

    def locked_text(self, ref: ParamRef) -> str:
        s = self.summary()
        names = ", ".join(r.label for r in (s.editable or ())) if s is not None else ""
        return f"{ref.label} is locked in this exercise: change {names}"

    # --- gestures ----------------------------------------------------------------------------
    def begin(self, refs: tuple[ParamRef, ...], label: str, relative: bool = True) -> bool:
        """Start a gesture on ``refs``; False (and a message) if one of them is locked."""
        self.end()
        for r in refs:
            if self.is_locked(r):
                self.message.emit(self.locked_text(r))
                return False
        mark = HandMark(tuple(refs), label, self.reset_moments)
        self.gesture = Gesture(mark, relative)
        self.last_mark = mark
        return True

    def move(self, values) -> None:
        """The gesture's values now (changes from its start if relative)."""
        g = self.gesture
        if g is None or g.ended:
            return
        values = tuple(float(v) for v in values)
        if not all(math.isfinite(v) for v in values):
            return
        g.target = values
        if not g.started:
            if g.relative and not any(values):
                return
            g.started = True
            self._pause()
            self.history.push(self.history.current, g.mark.label, hand=g.mark)
            self.w.canvas.refresh()  # the Edit menu names the new step
        self._send()

    def end(self) -> None:
        """The gesture is over; its last value still goes to the engine."""
        g = self.gesture
        if g is None:
            return
        g.ended = True
        self._send()
        if self._in_flight is None or not g.started:
            self.gesture = None

    def cancel(self) -> None:
        """Drop the gesture without sending more (an undo came in the middle of it)."""
        self.gesture = None

    @property
    def idle(self) -> bool:
        """Nothing sent to the engine is still unanswered (tests wait for it)."""
        return self.gesture is None and self._in_flight is None and self.pending == 0

    @property
    def dragging(self) -> bool:
        g = self.gesture
        return g is not None and not g.ended

    def _send(self) -> None:
        g = self.gesture
        if g is None or not g.started or self._in_flight is not None:
            return
        if g.target is None or g.target == g.sent:
            if g.ended:
                self.gesture = None
            return
        g.sent = g.target
        req = Request(partial(_apply, mark=g.mark, values=g.target, rel=g.relative), "hand")
        self._in_flight = req
        self.sent += 1
        self._call(req)

    # --- one-off edits -----------------------------------------------------------------------
    def set_value(self, ref: ParamRef, value: float, label: str) -> None:
        """One typed value (or 0, or θ₀'s): an undo step of its own."""
        if not self.begin((ref,), label, relative=False):
            return
        self.move((value,))
        self.end()

    def reset_initial(self, ref: ParamRef) -> None:
        """Set to θ₀ (the value where the run began), an undo step."""
        if not self.begin((ref,), f"{ref.label} back to θ₀", relative=False):
            return
        g = self.gesture
        g.started = True
        self._pause()
        self.history.push(self.history.current, g.mark.label, hand=g.mark)
        self.w.canvas.refresh()
        self.gesture = None
        self._ask("initial", partial(reset_to_initial, mark=g.mark))

    def set_frozen(self, ref: ParamRef, on: bool) -> None:
        """Freeze a parameter (training leaves it) or let it train again; a setting of
        training like α, not an undo step."""
        if self.is_locked(ref):
            self.message.emit(self.locked_text(ref))
            return
        self._ask("freeze", partial(set_frozen, ref=ref, on=on))

    # --- undo and redo (gui/run_history.py calls this) -----------------------------------------
    def follow(self, was, now) -> bool:
        """The history moved from ``was`` to ``now`` within a run: if that crosses a hand
        step, undo or redo it in the engine and say True (the data stay as they are)."""
        back = self.history.next_state is was
        mark = was.hand if back else now.hand
        if mark is None:
            return False
        if self.dragging:
            self.cancel()  # an undo in the middle of a drag ends the drag
        self._pause()
        fn = undo_mark if back else redo_mark
        req = Request(partial(fn, mark=mark), "undo" if back else "redo")
        self._marks[req] = mark
        self.pending += 1
        self._call(req)
        return True

    # --- internals -----------------------------------------------------------------------------
    def _pause(self) -> None:
        """Before θ changes by hand: training pauses, and a step the inspector is walking
        half-way is undone (its arrays were computed from the θ before)."""
        if self.controller.running:
            self.w.training_panel.set_playing(False)
            self.controller.set_running(False)
        ins = self.w.inspector
        st = ins.state if ins is not None else None
        if st is not None and st.n_phases and st.position >= 0 and not st.done:
            ins.abandon_walk()

    def _ask(self, kind: str, fn) -> None:
        self._call(Request(fn, kind))

    def _call(self, req: Request) -> None:
        self.controller.call_in_engine(req, reply=lambda result: self._on_done(req, result))

    def _on_done(self, fn: Request, result) -> None:
        mark = self._marks.pop(fn, None)
        if mark is not None:
            self.pending -= 1
            if fn.kind == "undo":
                self.last_undo = (mark, result if isinstance(result, str) else "")
        if isinstance(result, Failure):
            self.message.emit(result.message.split(": ", 1)[-1])
        elif isinstance(result, str) and result:
            self.message.emit(result)
        if fn is self._in_flight:
            self._in_flight = None
            self.applied += 1
            self._send()
            g = self.gesture
            if g is not None and g.ended and self._in_flight is None:
                self.gesture = None


def _apply(session, mark: HandMark, values, rel: bool):
    return apply_values(session, mark, values, rel)
