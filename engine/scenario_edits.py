"""A lesson's hand edits and exercise: the optional top-level ``edits`` and ``exercise``
blocks of a lesson file (engine/scenario.py reads and writes the rest)::

    "edits": {"frozen": ["W(1)[2,1]", "b(2)[1]"],
              "log": [{"step": 120, "param": "W(2)[1,3]", "old": -0.82, "new": 0.4,
                       "reset_moments": false}, ...]},
    "exercise": {"editable": ["W(2)[1,1]", "W(2)[1,2]", "b(2)[1]", "W(1)[2,1]"],
                 "goal": {"metric": "accuracy", "target": 1.0},
                 "closing": "..." (optional)}

Parameters are written as the notes index them, from 1 (``ParamRef.key``). ``frozen``
lists the parameters frozen by hand; ``log`` the edits of the saved run, oldest first, and
only with its training state (they are markers of that run; a lesson saved without its
parameters starts a new run, with no edits). ``exercise`` names the parameters a student
may change (every other is locked) and the goal: training accuracy at least ``target``
(a fraction) or the training loss below it. Each field is checked and a message names it.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import validate as v
from .edits import MAX_HAND_VALUE, Edit, EditLog
from .exercise import GOAL_METRICS, MAX_CLOSING, Exercise, Goal, set_exercise
from .fileio import quote
from .paramref import ParamRef

MAX_LOG = 10_000
MAX_REFS = 40_000  # more than an 8 × 64 network has parameters


@dataclass(frozen=True)
class LessonEdits:
    """The ``edits`` and ``exercise`` blocks of one lesson."""

    log: tuple[Edit, ...] = ()
    frozen: tuple[ParamRef, ...] = ()
    exercise: Exercise | None = None


def edits_of(session, include_parameters: bool = True) -> LessonEdits | None:
    """What a lesson saves of the session's edits (None: nothing to save)."""
    log: EditLog = session.edits
    edits = log.edits if include_parameters else ()
    block = LessonEdits(edits, tuple(sorted(log.frozen)), log.exercise)
    return None if block == LessonEdits() else block


def install_edits(session, block: LessonEdits) -> None:
    """Give a fresh session the lesson's frozen set, exercise and edit log; before its
    saved state is adopted, so that state's checkpoints count the edits."""
    log: EditLog = session.edits
    log.set_frozen(block.frozen)
    set_exercise(session, block.exercise)
    log.load(block.log)


# --- writing ------------------------------------------------------------------------------------
def edits_to_dict(block: LessonEdits | None) -> dict:
    """The top-level fields to add to a lesson's JSON object."""
    if block is None:
        return {}
    out: dict = {}
    if block.frozen or block.log:
        edits: dict = {}
        if block.frozen:
            edits["frozen"] = [r.key for r in block.frozen]
        if block.log:
            edits["log"] = [_edit_to_dict(e) for e in block.log]
        out["edits"] = edits
    ex = block.exercise
    if ex is not None:
        d = {
            "editable": [r.key for r in ex.editable],
            "goal": {"metric": ex.goal.metric, "target": float(ex.goal.target)},
        }
        if ex.closing:
            d["closing"] = ex.closing
        out["exercise"] = d
    return out


def _edit_to_dict(e: Edit) -> dict:
    d = {"step": int(e.step), "param": e.ref.key, "old": float(e.old), "new": float(e.new)}
    if e.reset_moments:
        d["reset_moments"] = True
    return d


# --- reading ------------------------------------------------------------------------------------
def read_edits(d: dict, sc) -> LessonEdits | None:
    """The ``edits`` and ``exercise`` blocks of the parsed lesson ``d``, whose other parts
    read as the scenario ``sc``; ``LoadError`` names the field."""
    raw_edits, raw_ex = d.get("edits"), d.get("exercise")
    if raw_edits is None and raw_ex is None:
        return None
    ds = sc.dataset
    widths = sc.spec.widths(ds.task, ds.n_classes)
    exercise = None if raw_ex is None else _read_exercise(raw_ex, widths, ds.task)
    frozen: tuple[ParamRef, ...] = ()
    log: tuple[Edit, ...] = ()
    if raw_edits is not None:
        e = v.obj(raw_edits, "edits", (), ("frozen", "log"))
        if "frozen" in e:
            frozen = _read_refs(e["frozen"], "edits.frozen", widths, 0)
            if exercise is not None:
                for i, r in enumerate(frozen):
                    if r not in exercise.editable:
                        v.fail(f"edits.frozen[{i}]", f"{r.label} is locked by the exercise already")
        if "log" in e:
            log = _read_log(e["log"], widths, sc.state)
    return LessonEdits(log, tuple(sorted(frozen)), exercise)


def _read_ref(raw, path: str, widths: tuple[int, ...]) -> ParamRef:
    if not isinstance(raw, str):
        v.fail(path, f'must be a parameter like "W(2)[1,3]" or "b(1)[2]", got {v.kind(raw)}')
    v.text(raw, path, 40)
    try:
        ref = ParamRef.parse(raw).check(widths)
    except ValueError as e:
        v.fail(path, str(e))
    if raw != ref.key:  # one spelling in files: the schema's
        v.fail(path, f"write {ref.label} as {ref.key!r}, got {quote(raw)}")
    return ref


def _read_refs(raw, path: str, widths, at_least: int) -> tuple[ParamRef, ...]:
    items = v.array(raw, path, MAX_REFS)
    if len(items) < at_least:
        v.fail(path, "must name at least one parameter")
    refs: list[ParamRef] = []
    for i, item in enumerate(items):
        r = _read_ref(item, f"{path}[{i}]", widths)
        if r in refs:
            v.fail(f"{path}[{i}]", f"{r.label} is named twice")
        refs.append(r)
    return tuple(refs)


def _read_log(raw, widths, state) -> tuple[Edit, ...]:
    p = "edits.log"
    items = v.array(raw, p, MAX_LOG)
    if items and state is None:
        v.fail(p, "a run's edits are saved with its training state, and this lesson has none")
    last_step = state.step if state is not None else 0
    out: list[Edit] = []
    prev = 0
    for i, item in enumerate(items):
        at = f"{p}[{i}]"
        d = v.obj(item, at, ("step", "param", "old", "new"), ("reset_moments",))
        step = v.integer(d["step"], f"{at}.step", 0, last_step)
        if step < prev:
            v.fail(f"{at}.step", f"edits go oldest first: {step} comes after step {prev}")
        prev = step
        ref = _read_ref(d["param"], f"{at}.param", widths)
        old = v.number(d["old"], f"{at}.old")
        new = v.number(d["new"], f"{at}.new", -MAX_HAND_VALUE, MAX_HAND_VALUE)
        reset = d.get("reset_moments", False)
        if not isinstance(reset, bool):
            v.fail(f"{at}.reset_moments", f"must be true or false, got {v.kind(reset)}")
        out.append(Edit(step, ref, old, new, reset))
    return tuple(out)


def _read_exercise(raw, widths, task: str) -> Exercise:
    p = "exercise"
    d = v.obj(raw, p, ("editable", "goal"), ("closing",))
    editable = _read_refs(d["editable"], f"{p}.editable", widths, 1)
    g = v.obj(d["goal"], f"{p}.goal", ("metric", "target"))
    metric = v.text(g["metric"], f"{p}.goal.metric", choices=GOAL_METRICS)
    if metric == "accuracy" and task != "classification":
        v.fail(f"{p}.goal.metric", "an accuracy goal needs a classification task")
    if metric == "accuracy":
        target = v.number(g["target"], f"{p}.goal.target", 0.0, 1.0)
        if target == 0:
            v.fail(f"{p}.goal.target", "an accuracy goal of 0 is met before anything is done")
    else:
        target = v.number(g["target"], f"{p}.goal.target", 0.0, 100.0)
        if target == 0:
            v.fail(f"{p}.goal.target", "no loss is below 0")
    closing = v.text(d.get("closing", ""), f"{p}.closing", MAX_CLOSING)
    return Exercise(editable, Goal(metric, target), closing)
