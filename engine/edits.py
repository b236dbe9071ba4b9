"""Hand edits of θ: setting one parameter, freezing parameters, and an exercise's locks.

* **An edit is part of the run.** ``set_parameter`` changes one weight or bias between two
  steps. Each edit is one step of an undo history (a drag that sends many values is one
  edit: ``merge``), and a marker the rewind bar and the plots show (``Edit.step`` and
  ``Edit.text``). Just before an edit the timeline pins a checkpoint of the run, so
  rewinding across the edit returns to the old θ exactly; the checkpoints after it (a
  future without the edit) are dropped, as a step taken after a rewind drops them.
* **Undo and redo** (``undo_edit``, ``redo_edit``): undo puts back exactly the state
  before the latest edit in effect (θ, the optimizer's moments, the step, the batch RNG).
  If the run was trained since, that is a rewind to the edit's step; the later steps stay
  on the rewind bar until a step is taken. Redo applies the undone edit again, as long
  as nothing happened since the undo. A step taken after an undo or a rewind makes the
  edits undone or rewound past final: they leave the log, as the curves' later rows do.
* **The optimizer's moments are kept** by an edit: momentum's velocity and Adam's moments
  go on from the values they had, so the very next step still leans the way training was
  going. ``reset_moments=True`` starts the optimizer afresh instead (t = 0, every moment
  zero), as if training began at the edited θ; undo restores the old moments exactly.
* **Freezing** is a setting of training, like α: it is not rewound. A frozen parameter's
  gradient is masked (after weight decay is added, so λ cannot move it either) and its
  first moment (momentum's v, Adam's m) is zeroed, so no optimizer moves it: it stays
  bit-for-bit the same until it is unfrozen (its momentum then starts from zero). A new
  θ (reset, new seed) keeps the frozen set; a new architecture clears it.
* **An exercise** (engine/exercise.py) names the parameters a student may change; every
  other is locked: frozen, and refused by ``set_parameter``.

The session owns an ``EditLog`` (``session.edits``) and calls it at three places: its
checkpoints record how many edits are in effect, ``restore`` puts that back, and every
step passes its gradient through ``EditLog.for_update`` before the optimizer's update.
"""

from __future__ import annotations

import math
import re

import numpy as np

from .paramref import ParamRef, every_parameter
from .records import Checkpoint, Edit, EditSummary, edit_number  # noqa: F401 - re-exported

MAX_HAND_VALUE = 1000.0  # a hand-set weight beyond this is a typing slip
MAX_UNDO = 200  # edits that keep the state before them, for undo
FIRST_MOMENTS = ("v", "m")  # the optimizer state that carries a parameter on by itself


class EditLog:
    """The session's hand edits: the log with the state before each (for undo), how many
    are in effect, the frozen parameters and an exercise. See the module's docstring."""

    def __init__(self, widths: tuple[int, ...]):
        self.widths = tuple(widths)
        self._log: list[Edit] = []
        self._before: list[Checkpoint | None] = []
        self._count = 0  # edits in effect: the first _count of the log
        self._version = 0  # counts steps and restores: merging and redo need none since
        self._merge_version = -1
        self._redo_at: tuple[int, int] | None = None  # (version, step) right after an undo
        self.frozen: frozenset[ParamRef] = frozenset()
        # the exercise (engine/exercise.py) whose ``editable`` parameters alone may move
        self.exercise = None
        self._held: np.ndarray | None = None  # flat indices of frozen and locked entries
        self._held_arrays: list[tuple[int, np.ndarray, np.ndarray]] = []
        self._buffer: np.ndarray | None = None

    @classmethod
    def fresh(cls, widths: tuple[int, ...], previous: EditLog | None) -> EditLog:
        """The log of a new θ: no edits; the frozen set and the exercise carry over from
        ``previous`` when the network has the same shape."""
        log = cls(widths)
        if previous is not None and previous.widths == log.widths:
            log.frozen = previous.frozen
            log.exercise = previous.exercise
            log._rebuild()
        return log

    # --- reading ----------------------------------------------------------------------------
    @property
    def count(self) -> int:
        """How many edits are in effect (a checkpoint records it)."""
        return self._count

    @property
    def edits(self) -> tuple[Edit, ...]:
        """The edits in effect, oldest first."""
        return tuple(self._log[: self._count])

    def locked(self, ref: ParamRef) -> bool:
        ex = self.exercise
        return ex is not None and ref not in ex.editable

    def held(self, ref: ParamRef) -> bool:
        """Whether training leaves ``ref`` alone (frozen or locked)."""
        return ref in self.frozen or self.locked(ref)

    @property
    def can_undo(self) -> bool:
        return self._count > 0 and self._before[self._count - 1] is not None

    def can_redo(self, step: int) -> bool:
        return self._count < len(self._log) and self._redo_at == (self._version, step)

    def summary(self, step: int) -> EditSummary:
        ex = self.exercise
        return EditSummary(
            self.edits,
            tuple(sorted(self.frozen)),
            None if ex is None else ex.editable,
            self.can_undo,
            self.can_redo(step),
        )

    # --- the session's hooks ----------------------------------------------------------------
    def for_update(self, grad):
        """The gradient the optimizer's update uses: ``grad`` (flat, or a list of arrays
        laid out like ``Parameters.arrays()``) with the frozen and locked entries zeroed, in
        a copy (``grad`` is what the views show); ``grad`` itself when nothing is held. A
        step also makes edits undone or rewound past final: the run branches here."""
        if len(self._log) > self._count:
            del self._log[self._count :]
            del self._before[self._count :]
        self._version += 1
        if self._held is None:
            return grad
        if isinstance(grad, np.ndarray):
            if self._buffer is None or self._buffer.shape != grad.shape:
                self._buffer = np.empty_like(grad)
            np.copyto(self._buffer, grad)
            self._buffer[self._held] = 0.0
            return self._buffer
        out = list(grad)
        for k, rows, cols in self._held_arrays:
            out[k] = grad[k].copy()
            out[k][rows, cols] = 0.0
        return out

    def restored(self, session, cp: Checkpoint) -> None:
        """``session`` went back to ``cp``: the edits counted there are in effect (all up to
        its step for a checkpoint made elsewhere, a lesson's). The frozen set is a setting
        and stays: the held entries' first moments are zeroed again (the checkpoint may
        predate their freezing) and a −0 among them becomes 0."""
        mark = cp.edits
        if mark is None:
            mark = sum(1 for e in self._log if e.step <= cp.step)
        self._count = min(int(mark), len(self._log))
        self._version += 1
        self.hold(session)

    def hold(self, session) -> None:
        """Make the held entries stay put under any optimizer: −0 becomes 0 (a masked step
        adds +0, which would flip its sign bit) and their first moments are zeroed."""
        if self._held is None:
            return
        arrays = session.params.arrays()
        for k, rows, cols in self._held_arrays:
            arrays[k][rows, cols] += 0.0
        self.hold_moments(session.optimizer)

    def hold_moments(self, optimizer) -> None:
        """Zero the first moments (momentum's v, Adam's m) of the held entries, so nothing
        carries them on once their gradient is masked."""
        if self._held is None:
            return
        for name in FIRST_MOMENTS:
            arrays = optimizer.state.get(name)
            if arrays:
                for k, rows, cols in self._held_arrays:
                    arrays[k][rows, cols] = 0.0

    # --- changes ----------------------------------------------------------------------------
    def _append(self, edit: Edit, before: Checkpoint) -> None:
        del self._log[self._count :]
        del self._before[self._count :]
        self._log.append(edit)
        self._before.append(before)
        self._count += 1
        self._redo_at = None
        self._merge_version = self._version
        # bounded memory: the oldest edits stay in the log (markers) but lose their undo
        if len(self._before) > MAX_UNDO:
            self._before[-MAX_UNDO - 1] = None

    def _mergeable(self, ref: ParamRef, step: int) -> int | None:
        """The index of the edit a drag's next value updates: the latest, of ``ref`` at
        ``step``, with nothing (a step, a rewind, another edit) since."""
        k = self._count - 1
        if k < 0 or k != len(self._log) - 1 or self._merge_version != self._version:
            return None
        e = self._log[k]
        return k if e.ref == ref and e.step == step else None

    def set_frozen(self, frozen, exercise=None) -> None:
        """Replace the frozen set (and the exercise); checked against the network first."""
        frozen = frozenset(frozen)
        for ref in frozen:
            ref.check(self.widths)
        if exercise is not None:
            for ref in exercise.editable:
                ref.check(self.widths)
        self.frozen = frozen
        self.exercise = exercise
        self._rebuild()

    def _rebuild(self) -> None:
        held = set(self.frozen)
        if self.exercise is not None:
            editable = set(self.exercise.editable)
            held |= {r for r in every_parameter(self.widths) if r not in editable}
        if not held:
            self._held, self._held_arrays = None, []
            return
        refs = sorted(held)
        self._held = np.array([r.flat_index(self.widths) for r in refs], dtype=np.int64)
        per: dict[int, list[ParamRef]] = {}
        for r in refs:
            per.setdefault(r.array_index, []).append(r)
        self._held_arrays = [
            (k, np.array([r.row for r in rs]), np.array([r.col for r in rs]))
            for k, rs in sorted(per.items())
        ]

    def load(self, edits: tuple[Edit, ...]) -> None:
        """A saved run's edits, all in effect and none undoable (their earlier states were
        not saved)."""
        self._log = list(edits)
        self._before = [None] * len(edits)
        self._count = len(edits)
        self._redo_at = None


# --- what the views and scripts call -------------------------------------------------------
def hand_value(ref: ParamRef, value) -> float:
    """``value`` as a parameter's new value: a finite number within ±``MAX_HAND_VALUE``
    (−0 becomes 0, so a frozen value never flips its sign bit). ValueError otherwise."""
    if isinstance(value, str):
        value = parse_value(value)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{ref.label}: the value must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{ref.label}: the value must be a finite number, got {v}")
    if abs(v) > MAX_HAND_VALUE:
        raise ValueError(f"{ref.label}: the value must be within ±{MAX_HAND_VALUE:g}, got {v:g}")
    return v + 0.0


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?", re.IGNORECASE)


def parse_value(text: str) -> float:
    """A value typed by hand: '-0.75', '0,5' (a decimal comma), '1/2', '−3' (a typeset
    minus), '2e-3'. ValueError saying what was typed otherwise."""
    raw = str(text)
    s = raw.strip().replace("−", "-").replace("–", "-").replace(" ", "")
    if "," in s and "." not in s and s.count(",") == 1:
        s = s.replace(",", ".")
    parts = s.split("/")
    shown = raw if len(raw) <= 20 else raw[:17] + "…"
    if len(parts) > 2 or not all(_NUMBER.fullmatch(p) for p in parts):
        raise ValueError(f"not a number: {shown!r} (type e.g. -0.75, 0,5 or 1/2)")
    v = float(parts[0])
    if len(parts) == 2:
        d = float(parts[1])
        if d == 0:
            raise ValueError(f"not a number: {shown!r} divides by zero")
        v /= d
    return v


def set_parameter(
    session, ref: ParamRef, value, *, merge: bool = False, reset_moments: bool = False
) -> Edit | None:
    """Set one parameter by hand: an edit of the run (one undo step, a marker), and the
    metrics are measured anew. ``merge`` makes it the next value of the edit just made
    (a drag sends many values and is one edit); ``reset_moments`` starts the optimizer
    afresh. Returns the edit (None if nothing changed). ValueError, with nothing changed,
    for a parameter the network lacks, a locked one, or a value that is not a finite
    number within ±1000."""
    log: EditLog = session.edits
    ref.check(session.arch.widths)
    if log.locked(ref):
        raise ValueError(f"{ref.label} is locked in this exercise: {_editable(log)}")
    value = hand_value(ref, value)
    a = ref.array(session.params)
    step = session.step_count
    k = log._mergeable(ref, step) if merge else None
    if k is not None:
        e = log._log[k]
        a[ref.row, ref.col] = value
        if value == e.old and not e.reset_moments:
            # back where the drag started: no edit at all
            del log._log[k], log._before[k]
            log._count -= 1
            log._merge_version = -1  # the drag goes on as a new edit from this same state
            session.parameters_edited()
            return None
        edit = Edit(e.step, ref, e.old, value, e.reset_moments)
        log._log[k] = edit
        session.parameters_edited()
        return edit
    old = float(a[ref.row, ref.col])
    if value == old and not reset_moments:
        return None
    before = session.checkpoint()
    session.timeline.pin(session, before)
    a[ref.row, ref.col] = value
    if reset_moments:
        _restart(session.optimizer)
    edit = Edit(step, ref, old, value, bool(reset_moments))
    log._append(edit, before)
    session.parameters_edited()
    return edit


def _restart(optimizer) -> None:
    state = optimizer.get_state()
    fresh = {
        k: ([np.zeros_like(a) for a in v] if isinstance(v, list) else v) for k, v in state.items()
    }
    fresh["t"] = 0
    optimizer.set_state(fresh)


def _editable(log: EditLog) -> str:
    names = ", ".join(r.label for r in log.exercise.editable)
    return f"change {names}"


def undo_edit(session) -> Edit | None:
    """Go back to exactly the state before the latest edit in effect; returns that edit
    (None if there is none to undo)."""
    log: EditLog = session.edits
    if not log.can_undo:
        return None
    k = log.count - 1
    edit, before = log._log[k], log._before[k]
    session.restore(before)
    log._count = k  # a checkpoint taken just before edit k has k in effect already
    log._redo_at = (log._version, session.step_count)
    return edit


def redo_edit(session) -> Edit | None:
    """Apply the edit just undone again (None if there is none, or something happened
    since the undo)."""
    log: EditLog = session.edits
    if not log.can_redo(session.step_count):
        return None
    edit = log._log[log.count]
    edit.ref.array(session.params)[edit.ref.row, edit.ref.col] = edit.new
    if edit.reset_moments:
        _restart(session.optimizer)
    log._count += 1
    log._redo_at = (log._version, session.step_count) if log.count < len(log._log) else None
    log._merge_version = -1
    session.parameters_edited()
    return edit


def freeze(session, ref: ParamRef) -> bool:
    """Freeze one parameter: training leaves it exactly as it is. False if it already was."""
    log: EditLog = session.edits
    ref.check(session.arch.widths)
    if log.locked(ref):
        raise ValueError(f"{ref.label} is locked in this exercise already")
    if ref in log.frozen:
        return False
    log.set_frozen(log.frozen | {ref}, log.exercise)
    log.hold(session)
    return True


def unfreeze(session, ref: ParamRef) -> bool:
    """Let training move it again (its momentum starts from zero). False if not frozen."""
    log: EditLog = session.edits
    ref.check(session.arch.widths)
    if ref not in log.frozen:
        return False
    log.set_frozen(log.frozen - {ref}, log.exercise)
    return True
