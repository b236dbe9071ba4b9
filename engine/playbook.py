"""Playbook files: a lecture as a sequence of scenes, each a start, changes, a view and
beats the presenter advances one at a time. Versioned JSON, validated field by field.

Layout (version 1; docs/playbook-format.md describes every field)::

    {"format": "backprop-lab-playbook", "version": 1, "title": "...", "description": "...",
     "rehearsed_with": "NumPy 2.2.6",
     "scenes": [{"title": "...", "text": "on screen", "notes": "presenter only",
                 "start": "continue" | {"lesson": "xor"} | {"embedded": {a whole lesson}},
                 "changes": {"hyper.alpha": 0.03, "network.hidden": [], ...},
                 "view": {"panels": [...], "diagram": false, "hidden_controls": [...],
                          "canvas": [x_min, x_max, y_min, y_max], "type_size": 1.5},
                 "beats": [{"type": "show"}, {"type": "ask", "question": ..., ...}, ...],
                 "rehearsal": [{"step": 0, "train_loss": 0.69, "theta": "3fa2…"}, ...]}]}

Loading never executes anything (plain ``json``). Every scene's design (points, network,
update, seed) is followed from its start through its changes and ``set`` beats without
training, so a change that does not fit (three activations for two layers), a ``walk`` to
a layer the network lacks or a ``trace`` of a point that is not there is refused with a
``LoadError`` naming the field path, e.g. ``scenes[2].beats[4].layer: ...``, before
anything is built. The writer validates what it writes by reading it back.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import ClassVar

from backprop_lab.resources import list_playbooks, playbook_text

from . import validate as v
from .fileio import LoadError, atomic_write_text, excerpt, read_capped
from .jsonfile import check_start, dump, parse_object
from .lessons import list_lessons, load_lesson
from .playbook_changes import Changes, Design, apply, read_changes, run_steps
from .scenario import Scenario, scenario_from_dict, scenario_to_dict

__all__ = ["list_playbooks", "load_builtin"]

FORMAT = "backprop-lab-playbook"
VERSION = 1
MAX_SCENES = 100
MAX_BEATS = 60
MAX_TITLE = 200
MAX_TEXT = 5_000
MAX_NOTES = 20_000
MAX_QUESTION = 1_000
MAX_CHOICE = 300
MAX_CHOICES = 4
CHOICE_LETTERS = "ABCD"
MAX_THINK_SECONDS = 600
MAX_RUN_STEPS = 100_000
MAX_SPEED = 10_000  # steps per second
MAX_COMPARE_RUNS = 4
MAX_LABEL = 60
MAX_CANVAS = 1_000.0
TYPE_SIZE_RANGE = (0.6, 3.0)  # the window's type scale
THETA_HEX = 16  # hex digits of a fingerprint's θ hash

# the window's parts a scene can show; an ``ask`` can hide these and more
PANELS = ("canvas", "loss", "accuracy", "delta", "delta_now", "inspector")
DEFAULT_PANELS = ("canvas", "loss", "accuracy", "delta", "delta_now")
HIDEABLE = ("regions", "loss", "accuracy", "delta", "delta_now", "numbers", "inspector", "diagram")
CONTROLS = ("data", "network", "alpha", "batch_size", "lam", "optimizer", "seed", "speed")
# the inspector's phases of one step, in the order a walk reaches them
WALK_PHASES = ("batch", "forward", "likelihood", "delta", "dW", "db", "update")
LAYERED_PHASES = ("forward", "delta", "dW", "db")


# --- the model -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Fingerprint:
    """What a beat ends with, as rehearsal records it: the step, the training loss (NaN if
    there is none) and a hash of θ."""

    step: int
    train_loss: float
    theta: str

    def matches(self, other: Fingerprint) -> bool:
        same_loss = self.train_loss == other.train_loss or (
            math.isnan(self.train_loss) and math.isnan(other.train_loss)
        )
        return self.step == other.step and same_loss and self.theta == other.theta

    def to_dict(self) -> dict:
        loss = self.train_loss if math.isfinite(self.train_loss) else None
        return {"step": self.step, "train_loss": loss, "theta": self.theta}


@dataclass(frozen=True, kw_only=True)
class Beat:
    """One PageDown. ``text`` is shown on screen while the beat is current (a note's text
    is for the presenter only)."""

    kind: ClassVar[str] = ""
    text: str = ""

    @property
    def changes_nothing(self) -> bool:
        """Performing it changes neither the session nor what the screen shows."""
        return False

    def fields(self) -> dict:
        return {}

    def to_dict(self) -> dict:
        return {"type": self.kind, **({"text": self.text} if self.text else {}), **self.fields()}


@dataclass(frozen=True, kw_only=True)
class Show(Beat):
    kind: ClassVar[str] = "show"

    @property
    def changes_nothing(self) -> bool:
        return not self.text


@dataclass(frozen=True, kw_only=True)
class Ask(Beat):
    """A question for the room; ``hide`` stays hidden until the next ``reveal``."""

    kind: ClassVar[str] = "ask"
    question: str
    choices: tuple[str, ...] = ()
    answer: str = ""  # a letter A–D with choices, else the answer in words
    hide: tuple[str, ...] = ()
    think: float = 0.0  # seconds of thinking time (a countdown); 0 for none

    @property
    def answer_index(self) -> int | None:
        return CHOICE_LETTERS.index(self.answer) if self.choices else None

    def fields(self) -> dict:
        out: dict = {"question": self.question}
        if self.choices:
            out["choices"] = list(self.choices)
        out["answer"] = self.answer
        if self.hide:
            out["hide"] = list(self.hide)
        if self.think:
            out["think"] = _plain(self.think)
        return out


@dataclass(frozen=True, kw_only=True)
class Run(Beat):
    """Train: ``steps``, or ``epochs``, or until the training loss is below ``until_loss``
    (at most ``max_steps``). ``speed`` in steps per second for the animation: None for the
    window's own speed, 0 for as fast as it goes."""

    kind: ClassVar[str] = "run"
    steps: int | None = None
    epochs: float | None = None
    until_loss: float | None = None
    max_steps: int | None = None
    speed: float | None = None

    def fields(self) -> dict:
        out: dict = {}
        if self.steps is not None:
            out["steps"] = self.steps
        if self.epochs is not None:
            out["epochs"] = _plain(self.epochs)
        if self.until_loss is not None:
            out["until"] = {"train_loss_below": self.until_loss}
            out["max_steps"] = self.max_steps
        if self.speed is not None:
            out["speed"] = "max" if self.speed == 0 else _plain(self.speed)
        return out


@dataclass(frozen=True, kw_only=True)
class Reveal(Beat):
    """Shows what the last ``ask`` hid, and its answer."""

    kind: ClassVar[str] = "reveal"


@dataclass(frozen=True, kw_only=True)
class SetBeat(Beat):
    """A change the room sees being made (the window animates the numbers)."""

    kind: ClassVar[str] = "set"
    changes: Changes

    def fields(self) -> dict:
        return {"changes": self.changes.to_dict()}


@dataclass(frozen=True, kw_only=True)
class Walk(Beat):
    """The inspector walks one step to the phase ``to`` (of ``layer``); ``point`` fixes the
    batch to that one training point (a dataset index). Walk beats that follow each other
    walk the same step on; one to an earlier phase starts the next step."""

    kind: ClassVar[str] = "walk"
    to: str
    layer: int | None = None
    point: int | None = None

    def index(self, depth: int) -> int:
        """The phase's position in ``PhaseWalk`` order for a network of ``depth`` layers."""
        return walk_index(self.to, self.layer, depth)

    def fields(self) -> dict:
        out: dict = {"to": self.to}
        if self.layer is not None:
            out["layer"] = self.layer
        if self.point is not None:
            out["point"] = self.point
        return out


@dataclass(frozen=True, kw_only=True)
class Trace(Beat):
    """Follows one point (a dataset index) through the network."""

    kind: ClassVar[str] = "trace"
    point: int

    def fields(self) -> dict:
        return {"point": self.point}


@dataclass(frozen=True)
class CompareRun:
    label: str
    changes: Changes


@dataclass(frozen=True, kw_only=True)
class Compare(Beat):
    """Reserved for comparing runs side by side: checked, not yet played."""

    kind: ClassVar[str] = "compare"
    runs: tuple[CompareRun, ...]
    steps: int | None = None

    def fields(self) -> dict:
        out: dict = {
            "runs": [{"label": r.label, "changes": r.changes.to_dict()} for r in self.runs]
        }
        if self.steps is not None:
            out["steps"] = self.steps
        return out


@dataclass(frozen=True, kw_only=True)
class Pause(Beat):
    kind: ClassVar[str] = "pause"

    @property
    def changes_nothing(self) -> bool:
        return not self.text


@dataclass(frozen=True, kw_only=True)
class Note(Beat):
    """A reminder for the presenter; the room sees nothing change."""

    kind: ClassVar[str] = "note"


BEATS: dict[str, type[Beat]] = {
    b.kind: b for b in (Show, Ask, Run, Reveal, SetBeat, Walk, Trace, Compare, Pause, Note)
}


@dataclass(frozen=True)
class View:
    """What the window shows during a scene."""

    panels: tuple[str, ...] = DEFAULT_PANELS
    diagram: bool = False  # the network diagram beside the canvas
    hidden_controls: tuple[str, ...] = ()
    canvas: tuple[float, float, float, float] | None = None  # x_min, x_max, y_min, y_max
    type_size: float | None = None  # None: the window's own

    def to_dict(self) -> dict:
        out: dict = {}
        if self.panels != DEFAULT_PANELS:
            out["panels"] = list(self.panels)
        if self.diagram:
            out["diagram"] = True
        if self.hidden_controls:
            out["hidden_controls"] = list(self.hidden_controls)
        if self.canvas is not None:
            out["canvas"] = [_plain(x) for x in self.canvas]
        if self.type_size is not None:
            out["type_size"] = _plain(self.type_size)
        return out


@dataclass(frozen=True)
class Start:
    """Where a scene starts: a built-in lesson, a lesson embedded in the file (with its θ,
    optimizer and random state if it was saved with them), or where the previous scene
    ended."""

    kind: str  # "lesson" | "embedded" | "continue"
    lesson: str = ""
    scenario: Scenario | None = field(default=None, compare=False)

    def scenario_now(self) -> Scenario:
        """The lesson to build the scene from (read afresh for a built-in one)."""
        if self.kind == "lesson":
            return load_lesson(self.lesson)
        if self.kind == "embedded" and self.scenario is not None:
            return self.scenario
        raise ValueError("a scene that continues has no lesson of its own")

    def to_json_value(self):
        if self.kind == "continue":
            return "continue"
        if self.kind == "lesson":
            return {"lesson": self.lesson}
        return {"embedded": scenario_to_dict(self.scenario)}


@dataclass(frozen=True)
class Scene:
    title: str
    start: Start
    beats: tuple[Beat, ...]
    text: str = ""
    notes: str = ""
    changes: Changes = Changes()
    view: View = View()
    rehearsal: tuple[Fingerprint, ...] = ()  # one per beat, as rehearsal recorded them

    def to_dict(self) -> dict:
        out: dict = {"title": self.title}
        if self.text:
            out["text"] = self.text
        if self.notes:
            out["notes"] = self.notes
        out["start"] = self.start.to_json_value()
        if self.changes:
            out["changes"] = self.changes.to_dict()
        view = self.view.to_dict()
        if view:
            out["view"] = view
        out["beats"] = [b.to_dict() for b in self.beats]
        if self.rehearsal:
            out["rehearsal"] = [f.to_dict() for f in self.rehearsal]
        return out


@dataclass(frozen=True)
class Playbook:
    title: str
    scenes: tuple[Scene, ...]
    description: str = ""
    rehearsed_with: str = ""  # what the stored fingerprints were made with

    def to_dict(self) -> dict:
        out: dict = {"format": FORMAT, "version": VERSION, "title": self.title}
        if self.description:
            out["description"] = self.description
        if self.rehearsed_with:
            out["rehearsed_with"] = self.rehearsed_with
        out["scenes"] = [s.to_dict() for s in self.scenes]
        return out


def walk_index(to: str, layer: int | None, depth: int) -> int:
    """The position of phase ``to`` (of ``layer``) in a ``PhaseWalk`` of ``depth`` layers:
    batch, forward 1..L, likelihood, then δ, dW, db for ℓ = L..1, then the update."""
    if to == "batch":
        return 0
    if to == "forward":
        return layer
    if to == "likelihood":
        return depth + 1
    if to == "update":
        return 4 * depth + 2
    return depth + 2 + 3 * (depth - layer) + ("delta", "dW", "db").index(to)


def _plain(x: float) -> int | float:
    """A whole number as an int (``2`` rather than ``2.0``) in the written file."""
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else float(x)


# --- reading -------------------------------------------------------------------------------
_fail, _obj, _text, _int, _num = v.fail, v.obj, v.text, v.integer, v.number


def _optional_text(d: dict, key: str, path: str, limit: int) -> str:
    return _text(d[key], v.join(path, key), limit) if key in d else ""


def _unique(names: tuple, path: str) -> tuple:
    for i, n in enumerate(names):
        if n in names[:i]:
            _fail(f"{path}[{i}]", f"{excerpt(n)} appears twice")
    return names


def _names(x, path: str, choices: tuple[str, ...]) -> tuple[str, ...]:
    raw = v.array(x, path, len(choices))
    return _unique(tuple(_text(n, f"{path}[{i}]", 40, choices) for i, n in enumerate(raw)), path)


def _read_view(x, path: str) -> View:
    d = _obj(x, path, (), ("panels", "diagram", "hidden_controls", "canvas", "type_size"))
    panels = DEFAULT_PANELS
    if "panels" in d:
        panels = _names(d["panels"], f"{path}.panels", PANELS)
        if not panels:
            _fail(f"{path}.panels", "must show at least one panel")
    diagram = d.get("diagram", False)
    if not isinstance(diagram, bool):
        _fail(f"{path}.diagram", f"must be true or false, got {v.kind(diagram)}")
    controls = _names(d.get("hidden_controls", []), f"{path}.hidden_controls", CONTROLS)
    canvas = None
    if "canvas" in d:
        p = f"{path}.canvas"
        raw = v.array(d["canvas"], p, 4, 4)
        canvas = tuple(_num(c, f"{p}[{i}]", -MAX_CANVAS, MAX_CANVAS) for i, c in enumerate(raw))
        for lo, hi, axis in ((0, 1, "x"), (2, 3, "y")):
            if not canvas[hi] - canvas[lo] >= 0.01:
                _fail(p, f"the {axis} range must run from low to high (at least 0.01 wide)")
    size = None
    if "type_size" in d:
        size = _num(d["type_size"], f"{path}.type_size", *TYPE_SIZE_RANGE)
    return View(panels, diagram, controls, canvas, size)


def _read_start(x, path: str, first: bool) -> Start:
    if x == "continue":
        if first:
            _fail(path, "the first scene has nothing to continue from: name a lesson")
        return Start("continue")
    if isinstance(x, str):
        _fail(path, f'must be "continue" or an object, got {excerpt(x)}')
    d = _obj(x, path, (), ("lesson", "embedded"))
    if len(d) != 1:
        _fail(path, 'needs exactly one of "lesson" or "embedded"')
    if "lesson" in d:
        name = _text(d["lesson"], f"{path}.lesson", 100)
        if name not in list_lessons():
            _fail(
                f"{path}.lesson",
                f"no built-in lesson {excerpt(name)} (there are {', '.join(list_lessons())})",
            )
        return Start("lesson", lesson=name)
    try:
        sc = scenario_from_dict(d["embedded"])
    except LoadError as e:
        raise LoadError(f"{path}.embedded: {e}") from None
    return Start("embedded", scenario=sc)


def _read_ask(d: dict, path: str) -> dict:
    question = _text(d["question"], f"{path}.question", MAX_QUESTION)
    if not question.strip():
        _fail(f"{path}.question", "must not be empty")
    choices: tuple[str, ...] = ()
    if "choices" in d:
        raw = v.array(d["choices"], f"{path}.choices", MAX_CHOICES)
        if len(raw) < 2:
            _fail(f"{path}.choices", "needs 2 to 4 choices (A–D), or none for an open question")
        choices = tuple(_text(c, f"{path}.choices[{i}]", MAX_CHOICE) for i, c in enumerate(raw))
    answer = _text(d["answer"], f"{path}.answer", MAX_QUESTION)
    if choices:
        letters = CHOICE_LETTERS[: len(choices)]
        if answer not in letters:
            _fail(f"{path}.answer", f"must be one of {', '.join(letters)}, got {excerpt(answer)}")
    elif not answer.strip():
        _fail(f"{path}.answer", "must not be empty")
    hide = _names(d.get("hide", []), f"{path}.hide", HIDEABLE)
    think = _num(d["think"], f"{path}.think", 0, MAX_THINK_SECONDS) if "think" in d else 0.0
    return dict(question=question, choices=choices, answer=answer, hide=hide, think=think)


def _read_run(d: dict, path: str, design: Design) -> dict:
    given = [k for k in ("steps", "epochs", "until") if k in d]
    if len(given) != 1:
        _fail(path, 'needs exactly one of "steps", "epochs" or "until"')
    if "max_steps" in d and "until" not in d:
        _fail(f"{path}.max_steps", 'belongs with "until"')
    if design.n_train == 0:
        _fail(path, "the scene has no training points to train on")
    out: dict = {}
    if "steps" in d:
        out["steps"] = _int(d["steps"], f"{path}.steps", 1, MAX_RUN_STEPS)
    elif "epochs" in d:
        epochs = _num(d["epochs"], f"{path}.epochs", 0, MAX_RUN_STEPS)
        if epochs <= 0:
            _fail(f"{path}.epochs", "must be more than 0")
        n = run_steps(design, epochs)
        if n > MAX_RUN_STEPS:
            _fail(
                f"{path}.epochs",
                f"{epochs:g} epochs are {n:,} steps at B = {design.batch_size} "
                f"(at most {MAX_RUN_STEPS:,})",
            )
        out["epochs"] = epochs
    else:
        u = _obj(d["until"], f"{path}.until", ("train_loss_below",))
        loss = _num(u["train_loss_below"], f"{path}.until.train_loss_below", 0)
        if loss <= 0:
            _fail(f"{path}.until.train_loss_below", "must be more than 0")
        if "max_steps" not in d:
            _fail(path, 'an "until" run needs "max_steps" (the most steps it may take)')
        out["until_loss"] = loss
        out["max_steps"] = _int(d["max_steps"], f"{path}.max_steps", 1, MAX_RUN_STEPS)
    if "speed" in d:
        sp = d["speed"]
        out["speed"] = 0.0 if sp == "max" else _num(sp, f"{path}.speed", 1, MAX_SPEED)
    return out


def _point(x, path: str, design: Design, train_only: bool) -> int:
    ds = design.dataset
    n = len(ds)
    if n == 0:
        _fail(path, "the scene has no points")
    i = _int(x, path, 0, n - 1)
    if train_only and ds.is_test[i]:
        _fail(path, f"point {i} is a test point: a step uses training points only")
    return i


def _read_walk(d: dict, path: str, design: Design) -> dict:
    to = _text(d["to"], f"{path}.to", 40, WALK_PHASES)
    L = design.depth
    layer = None
    if to in LAYERED_PHASES:
        if "layer" not in d:
            _fail(path, f'a walk to {to!r} needs "layer" (1..{L})')
        layer = _int(d["layer"], f"{path}.layer", 1, L)
    elif "layer" in d:
        _fail(f"{path}.layer", f"a walk to {to!r} takes no layer")
    point = _point(d["point"], f"{path}.point", design, True) if "point" in d else None
    return dict(to=to, layer=layer, point=point)


def _read_compare(d: dict, path: str, design: Design) -> dict:
    raw = v.array(d["runs"], f"{path}.runs", MAX_COMPARE_RUNS)
    if len(raw) < 2:
        _fail(f"{path}.runs", f"needs 2 to {MAX_COMPARE_RUNS} runs")
    runs = []
    for i, r in enumerate(raw):
        p = f"{path}.runs[{i}]"
        rd = _obj(r, p, ("label",), ("changes",))
        label = _text(rd["label"], f"{p}.label", MAX_LABEL)
        changes = read_changes(rd.get("changes", {}), f"{p}.changes")
        apply(changes, design, f"{p}.changes")
        runs.append(CompareRun(label, changes))
    steps = _int(d["steps"], f"{path}.steps", 1, MAX_RUN_STEPS) if "steps" in d else None
    return dict(runs=tuple(runs), steps=steps)


# the fields each beat takes beside "type" and "text": (required, optional)
BEAT_FIELDS = {
    "show": ((), ()),
    "ask": (("question", "answer"), ("choices", "hide", "think")),
    "run": ((), ("steps", "epochs", "until", "max_steps", "speed")),
    "reveal": ((), ()),
    "set": (("changes",), ()),
    "walk": (("to",), ("layer", "point")),
    "trace": (("point",), ()),
    "compare": (("runs",), ("steps",)),
    "pause": ((), ()),
    "note": (("text",), ()),
}


def _read_beat(x, path: str, design: Design) -> tuple[Beat, Design]:
    if not isinstance(x, dict):
        _fail(path, f"must be an object, got {v.kind(x)}")
    if "type" not in x:
        _fail(path, "missing field 'type'")
    kind = _text(x["type"], f"{path}.type", 40, tuple(BEATS))
    required, optional = BEAT_FIELDS[kind]
    d = _obj(x, path, ("type", *required), ("text", *optional))
    text = _optional_text(d, "text", path, MAX_TEXT if kind != "note" else MAX_NOTES)
    if kind == "note" and not text.strip():
        _fail(f"{path}.text", "a note needs its text")
    kw: dict = {}
    if kind == "ask":
        kw = _read_ask(d, path)
    elif kind == "run":
        kw = _read_run(d, path, design)
    elif kind == "set":
        changes = read_changes(d["changes"], f"{path}.changes", allow_empty=False)
        design = apply(changes, design, f"{path}.changes")
        kw = dict(changes=changes)
    elif kind == "walk":
        kw = _read_walk(d, path, design)
    elif kind == "trace":
        kw = dict(point=_point(d["point"], f"{path}.point", design, False))
    elif kind == "compare":
        kw = _read_compare(d, path, design)
    return BEATS[kind](text=text, **kw), design


def _read_fingerprints(x, path: str) -> tuple[Fingerprint, ...]:
    raw = v.array(x, path, MAX_BEATS)
    out = []
    for i, f in enumerate(raw):
        p = f"{path}[{i}]"
        d = _obj(f, p, ("step", "train_loss", "theta"))
        step = _int(d["step"], f"{p}.step", 0, 2**62)
        loss = v.number_or_nan(d["train_loss"], f"{p}.train_loss", 0)
        theta = _text(d["theta"], f"{p}.theta", THETA_HEX)
        if len(theta) != THETA_HEX or any(c not in "0123456789abcdef" for c in theta):
            _fail(f"{p}.theta", f"must be {THETA_HEX} lower-case hex digits, got {excerpt(theta)}")
        out.append(Fingerprint(step, loss, theta))
    return tuple(out)


def _read_scene(x, path: str, previous: Design | None) -> tuple[Scene, Design]:
    d = _obj(
        x, path, ("title", "start", "beats"), ("text", "notes", "changes", "view", "rehearsal")
    )
    title = _text(d["title"], f"{path}.title", MAX_TITLE)
    text = _optional_text(d, "text", path, MAX_TEXT)
    notes = _optional_text(d, "notes", path, MAX_NOTES)
    start = _read_start(d["start"], f"{path}.start", previous is None)
    if start.kind == "continue":
        design = previous
    else:
        sc = start.scenario_now()
        design = Design(sc.dataset, sc.spec, sc.hyper, sc.seed)
    changes = read_changes(d.get("changes", {}), f"{path}.changes")
    design = apply(changes, design, f"{path}.changes")
    view = _read_view(d["view"], f"{path}.view") if "view" in d else View()
    raw = v.array(d["beats"], f"{path}.beats", MAX_BEATS)
    if not raw:
        _fail(f"{path}.beats", "a scene needs at least one beat")
    beats = []
    open_ask = None
    for i, b in enumerate(raw):
        p = f"{path}.beats[{i}]"
        beat, design = _read_beat(b, p, design)
        if beat.kind == "ask":
            if open_ask is not None:
                _fail(p, f"the ask at beats[{open_ask}] is not revealed yet: reveal it first")
            open_ask = i
        elif beat.kind == "reveal":
            if open_ask is None:
                _fail(p, "nothing to reveal: no ask before it in this scene")
            open_ask = None
        beats.append(beat)
    if open_ask is not None:
        _fail(f"{path}.beats[{open_ask}]", "this ask is never revealed: add a reveal beat")
    rehearsal = _read_fingerprints(d["rehearsal"], f"{path}.rehearsal") if "rehearsal" in d else ()
    scene = Scene(title, start, tuple(beats), text, notes, changes, view, rehearsal)
    return scene, design


def playbook_from_dict(d) -> Playbook:
    if not isinstance(d, dict):
        _fail("", f"a playbook file holds one JSON object, got {v.kind(d)}")
    if d.get("format") != FORMAT:
        _fail("format", f"not a Backprop Lab playbook (expected {FORMAT!r})")
    version = d.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        _fail("version", f"must be a whole number, got {v.kind(version)}")
    if version != VERSION:
        newer = " (written by a newer Backprop Lab)" if version > VERSION else ""
        _fail(
            "version",
            f"version {excerpt(version)} is not supported{newer}; this app reads {VERSION}",
        )
    _obj(d, "", ("format", "version", "title", "scenes"), ("description", "rehearsed_with"))
    title = _text(d["title"], "title", MAX_TITLE)
    description = _optional_text(d, "description", "", MAX_NOTES)
    rehearsed_with = _optional_text(d, "rehearsed_with", "", 100)
    raw = v.array(d["scenes"], "scenes", MAX_SCENES)
    if not raw:
        _fail("scenes", "a playbook needs at least one scene")
    scenes = []
    design = None
    for i, s in enumerate(raw):
        scene, design = _read_scene(s, f"scenes[{i}]", design)
        scenes.append(scene)
    return Playbook(title, tuple(scenes), description, rehearsed_with)


def from_json(text: str) -> Playbook:
    """A playbook from its JSON text (``LoadError`` names what is wrong)."""
    return playbook_from_dict(parse_object(text, "playbook"))


def load_playbook(path: str | os.PathLike) -> Playbook:
    """Read and validate a playbook file: ``LoadError`` says what is wrong (``OSError`` if
    it cannot be read at all). Size and the first character are checked before parsing."""
    data = read_capped(path, "playbook")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("not a playbook: the file is UTF-16 text; playbooks are UTF-8")
    check_start(data[:4096].decode("utf-8", errors="replace"), "playbook")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise LoadError(f"not a text file: byte {e.start} is not UTF-8") from None
    return from_json(text)


def load_builtin(name: str) -> Playbook:
    """The packaged playbook ``name``; ValueError for an unknown name."""
    return from_json(playbook_text(name))


# --- writing -------------------------------------------------------------------------------
def to_json(book: Playbook) -> str:
    """The playbook as JSON text, validated exactly as a load would validate it."""
    d = book.to_dict()
    playbook_from_dict(d)
    # written to be read and edited by hand: text as it is, small objects on one line
    return dump(d, ascii_only=False, flat_objects=True) + "\n"


def save_playbook(path: str | os.PathLike, book: Playbook) -> None:
    """Validate, then write atomically (a crash leaves the old file or the new one)."""
    atomic_write_text(path, to_json(book))
