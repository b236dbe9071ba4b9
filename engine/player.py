"""The playbook player: a cursor over (scene, beat) that drives one ``TrainingSession``.
Plain Python, no Qt: the window runs it in the engine thread, tests and ``rehearse`` run
it directly.

The cursor is a ``Position``: a scene, a beat and the beat's phase, ``start`` (not yet
performed), ``running`` (a ``run`` beat under way) or ``done``. What one PageDown and one
PageUp do:

* ``next()``: a running beat jumps to its deterministic end; a beat at its start is
  performed; a done beat hands over to the next beat (the next scene after the last one),
  which is performed at once. A ``run`` beat only starts: the window then calls
  ``advance(n)`` between frames (a few steps at a time, at the beat's speed) until
  ``running`` is false, or ``finish()``/``next()`` to skip to its end. However the steps
  are split, the beat ends in the same state, to the last bit.
* ``back()``: to the exact start of the current beat (θ, the optimizer, the random state,
  the history, the walk and what the screen shows), then to the start of the beat
  before, across scenes. A beat that changes nothing (a bare ``show`` or ``pause``) is
  passed over.
* ``goto(scene)``, ``first()``, ``last()``: a scene's start, its first beat performed.
* A detour (the lecturer trained on, or moved a slider): ``return_to_script()`` puts the
  script's state back; ``leave_detour()`` does so keeping the detour, which
  ``resume_detour()`` brings back exactly.

The session is changed in place: ``player.session`` is the same object throughout, so the
engine thread keeps its reference. The state at the start of every beat reached is kept
(a copy of the session) in a cache bounded by ``budget_bytes``, least recently used first
out; a start no longer kept is rebuilt by replaying the script from the nearest kept one,
or from the scene's lesson, which gives the same state bit for bit because every beat is
deterministic.

``view`` is what the window shows besides the session (``ViewState``): the question of an
``ask`` and whether its answer is out, the parts it hides until the ``reveal``, the traced
point, the inspector's walk, the caption and the presenter's note. The scene's own view
(panels, diagram, hidden controls, canvas range, type size) is ``scene.view``.
"""

from __future__ import annotations

import copy
import types
from collections import OrderedDict
from dataclasses import dataclass, field, replace

import numpy as np

from .playbook import Ask, Beat, Playbook, Run, Scene, SetBeat, Walk
from .playbook_changes import Design, apply_to_session, run_steps
from .scenario import session_from_scenario
from .session import TrainingSession
from .walk import WalkDriver, WalkState

DEFAULT_BUDGET = 128 * 1024 * 1024  # bytes of kept beat starts
ENTRY_OVERHEAD = 64 * 1024  # what a kept start costs besides its arrays (a rough figure)
COMPARE_UNAVAILABLE = "Comparing runs side by side is not available in this version."
PHASES = ("start", "running", "done")
ALL_STEPS = 1 << 62


@dataclass(frozen=True)
class Position:
    scene: int
    beat: int
    phase: str  # "start" | "running" | "done"


@dataclass(frozen=True)
class WalkView:
    """Where the inspector's walk of one step stands."""

    point: int | None  # the dataset index the step uses alone, or None for a random batch
    position: int  # the phase reached (PhaseWalk order)
    n_phases: int
    to: str  # the phase's kind (batch, forward, likelihood, delta, dW, db, update)
    layer: int | None
    start_step: int

    @property
    def done(self) -> bool:
        return self.position == self.n_phases - 1


@dataclass(frozen=True)
class ViewState:
    """What the window shows besides the session and the scene's ``view``."""

    position: Position
    caption: str = ""  # the current beat's text, on screen
    note: str = ""  # the current note beat's text, for the presenter only
    question: Ask | None = None  # the latest ask of the scene, shown until the scene ends
    answer_shown: bool = False
    hidden: frozenset[str] = frozenset()  # what the open ask hides (regions, loss, numbers…)
    trace: int | None = None  # the traced point (a dataset index)
    walk: WalkView | None = None
    changed: tuple[str, ...] = ()  # the paths the current set beat changed (to animate)
    unavailable: str = ""  # why the current beat cannot be played here

    @property
    def think_seconds(self) -> float:
        """The thinking time of the question just asked (0 once revealed or if none)."""
        q = self.question
        return q.think if q is not None and not self.answer_shown else 0.0


@dataclass
class _Run:
    end: int  # the step it stops at, at the latest
    until: float | None  # stop once the training loss is below this
    speed: float | None
    finished: bool = False


@dataclass
class _Stage:
    """A session with the walk and the view that go with it."""

    session: TrainingSession | None
    walker: WalkDriver = field(default_factory=WalkDriver)
    view: ViewState = ViewState(Position(0, 0, "start"))
    run: _Run | None = None


@dataclass
class _Kept:
    session: TrainingSession
    walker: WalkDriver
    view: ViewState
    nbytes: int


# --- copies of a session ---------------------------------------------------------------------
def copy_session(session: TrainingSession) -> TrainingSession:
    """An independent copy of ``session`` that steps on with the same numbers (its points,
    which never change, are shared)."""
    return session.copy()


def _copy_pair(session: TrainingSession, walker: WalkDriver) -> tuple[TrainingSession, WalkDriver]:
    new = copy_session(session)
    if walker.walk is None:
        return new, WalkDriver()
    # a walk half-way refers to the session and its parts: the copy refers to the copy's
    memo = {id(session): new, id(session.dataset): new.dataset, id(session.hyper): new.hyper}
    memo.update({id(session.params): new.params, id(session.net): new.net})
    return new, copy.deepcopy(walker, memo)


def _adopt(live: TrainingSession, other: TrainingSession, walker: WalkDriver) -> None:
    """``live`` becomes ``other`` (which is given up): the object stays, its contents are
    replaced, as ``TrainingSession.all_or_nothing`` puts a session back."""
    live.__dict__.clear()
    live.__dict__.update(other.__dict__)
    if walker.walk is not None:
        walker.walk.session = live


_NOT_STATE = (str, bytes, int, float, bool, type(None), type, types.ModuleType, types.FunctionType)


def _nbytes(obj, shared=()) -> int:
    """The bytes of the arrays ``obj`` holds, each counted once, not those of ``shared``
    objects (the points, which copies share): what keeping a copy costs."""
    total, seen, stack = 0, {id(x) for x in shared}, [obj]
    while stack:
        o = stack.pop()
        if id(o) in seen or isinstance(o, _NOT_STATE):
            continue
        seen.add(id(o))
        if isinstance(o, np.ndarray):
            total += o.nbytes
        elif isinstance(o, dict):
            stack.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset)):
            stack.extend(o)
        elif hasattr(o, "__dict__"):
            stack.extend(vars(o).values())
    return total


def train_loss(session: TrainingSession) -> float:
    """The training loss at the session's step (the latest measurement if it is of this
    step, else a fresh one: the same number either way)."""
    last = session.last
    if last is not None and last.step == session.step_count:
        return float(last.train_loss)
    return float(session.evaluate("train")[0])


class PlayError(RuntimeError):
    """A beat could not be played; the session is back at the beat's start."""


class Player:
    """Plays ``book`` on ``session`` (the object the window's engine thread holds: its
    contents become the first scene's start), or on a session of its own. It starts at
    the first scene with its first beat played."""

    def __init__(
        self,
        book: Playbook,
        session: TrainingSession | None = None,
        budget_bytes: int = DEFAULT_BUDGET,
    ):
        self.book = book
        self.budget_bytes = int(budget_bytes)
        self._kept: OrderedDict[tuple[int, int], _Kept] = OrderedDict()
        self._kept_bytes = 0
        self._pinned: tuple[int, int] | None = None
        self._detour: _Kept | None = None  # a detour left by ``leave_detour``
        if session is None:
            session = session_from_scenario(book.scenes[0].start.scenario_now())
        self._live = _Stage(session)
        self.goto(0)

    # --- what the window reads ---------------------------------------------------------------
    @property
    def session(self) -> TrainingSession:
        return self._live.session

    @property
    def walker(self) -> WalkDriver:
        """The inspector's walk of the current step (use it in engine-thread calls only)."""
        return self._live.walker

    @property
    def view(self) -> ViewState:
        return self._live.view

    @property
    def position(self) -> Position:
        return self._live.view.position

    @property
    def scene(self) -> Scene:
        return self.book.scenes[self.position.scene]

    @property
    def beat(self) -> Beat:
        return self.scene.beats[self.position.beat]

    @property
    def n_scenes(self) -> int:
        return len(self.book.scenes)

    def n_beats(self, scene: int) -> int:
        return len(self.book.scenes[scene].beats)

    @property
    def running(self) -> bool:
        return self.position.phase == "running"

    @property
    def run_speed(self) -> float | None:
        """Steps per second for the running beat: None for the window's own speed, 0 for as
        fast as it goes."""
        run = self._live.run
        return run.speed if run is not None else None

    def remaining_steps(self) -> int:
        """At most this many more steps end the running beat (0 when none runs)."""
        run = self._live.run
        if not self.running or run is None or run.finished:
            return 0
        return max(0, run.end - self.session.step_count)

    def walk_state(self) -> WalkState:
        return self.walker.state(self.session)

    def strip(self) -> str:
        """``3/12 · XOR needs a hidden layer · beat 2/5``."""
        p = self.position
        return (
            f"{p.scene + 1}/{self.n_scenes} · {self.scene.title} · "
            f"beat {p.beat + 1}/{self.n_beats(p.scene)}"
        )

    @property
    def kept_bytes(self) -> int:
        return self._kept_bytes

    # --- the presenter's keys ----------------------------------------------------------------
    def next(self) -> bool:
        """One PageDown; False at the very end (nothing changes then)."""
        p = self.position
        if p.phase == "running":
            self.finish()
            return True
        if p.phase == "start":
            self._perform_live(p.scene, p.beat)
            return True
        if p.beat + 1 < self.n_beats(p.scene):
            self._keep((p.scene, p.beat + 1), self._live)
            self._pinned = (p.scene, p.beat + 1)
            self._perform_live(p.scene, p.beat + 1)
            return True
        if p.scene + 1 < self.n_scenes:
            s = p.scene + 1
            if self.book.scenes[s].start.kind == "continue":
                self._keep((p.scene, self.n_beats(p.scene)), self._live)
                self._enter(self._live, s)
            else:
                self._live = self._stage_at((s, 0), into=self._live)
            self._keep((s, 0), self._live)
            self._pinned = (s, 0)
            self._perform_live(s, 0)
            return True
        return False

    def back(self) -> bool:
        """One PageUp; False at the very start (nothing changes then)."""
        p = self.position
        if p.phase != "start" and not self.beat.changes_nothing:
            self._go((p.scene, p.beat))
        elif p.beat > 0:
            self._go((p.scene, p.beat - 1))
        elif p.scene > 0:
            self._go((p.scene - 1, self.n_beats(p.scene - 1) - 1))
        elif p.phase != "start":
            self._go((0, 0))
        else:
            return False
        return True

    def goto(self, scene: int) -> None:
        """Scene ``scene`` (counting from 0) from its start, its first beat performed."""
        if not 0 <= scene < self.n_scenes:
            raise IndexError(f"no scene {scene + 1}: the playbook has {self.n_scenes}")
        self._go((scene, 0))
        self._perform_live(scene, 0)

    def first(self) -> None:
        self.goto(0)

    def last(self) -> None:
        self.goto(self.n_scenes - 1)

    def advance(self, max_steps: int) -> int:
        """Up to ``max_steps`` more steps of the running beat; it is done once ``running`` is
        false. Returns the steps taken."""
        if not self.running:
            return 0
        done = self._advance(self._live, max(0, int(max_steps)))
        if self._live.run.finished:
            self._live.view = replace(self.view, position=replace(self.position, phase="done"))
        return done

    def finish(self) -> None:
        """The running beat to its deterministic end."""
        while self.running:
            self.advance(ALL_STEPS)

    def return_to_script(self) -> None:
        """Undo a detour (a change made by hand): the exact state the script has at this
        position; a beat that was running or done is played to its end again."""
        p = self.position
        self._go((p.scene, p.beat))
        if p.phase != "start":
            self._perform_live(p.scene, p.beat)
            self.finish()

    def leave_detour(self) -> None:
        """``return_to_script``, keeping the detour (the session as the lecturer left it,
        with its walk) for ``resume_detour``. A detour kept earlier is replaced."""
        session, walker = _copy_pair(self.session, self.walker)
        self._detour = _Kept(session, walker, self.view, 0)
        self.return_to_script()

    @property
    def has_detour(self) -> bool:
        return self._detour is not None

    def resume_detour(self) -> bool:
        """The detour ``leave_detour`` kept comes back exactly (the cursor stays where the
        script is: the next ``next()`` plays on from there, on the detour's state; call
        ``return_to_script`` to leave it again). False if none is kept."""
        kept, self._detour = self._detour, None
        if kept is None:
            return False
        _adopt(self.session, kept.session, kept.walker)
        self._live.walker = kept.walker
        self._live.run = None
        if self.running:
            self._live.view = replace(self.view, position=replace(self.position, phase="done"))
        return True

    def forget_detour(self) -> None:
        self._detour = None

    # --- beats ---------------------------------------------------------------------------------
    def _perform_live(self, s: int, b: int) -> None:
        try:
            self._perform(self._live, s, b)
        except (ValueError, IndexError) as e:
            self._go((s, b))
            raise PlayError(f"scene {s + 1}, beat {b + 1}: {e}") from None

    def _perform(self, stage: _Stage, s: int, b: int) -> None:
        """Play beat ``b`` of scene ``s`` from its start; a run beat is left running."""
        beat = self.book.scenes[s].beats[b]
        note = beat.kind == "note"
        view = replace(
            stage.view,
            caption="" if note else beat.text,
            note=beat.text if note else "",
            changed=(),
            unavailable="",
        )
        phase = "done"
        stage.run = None
        if isinstance(beat, Ask):
            view = replace(view, question=beat, answer_shown=False, hidden=frozenset(beat.hide))
        elif beat.kind == "reveal":
            view = replace(view, hidden=frozenset(), answer_shown=True)
        elif isinstance(beat, Run):
            self._end_walk(stage)
            view = replace(view, walk=None)
            stage.run = self._start_run(stage.session, beat)
            phase = "done" if stage.run.finished else "running"
        elif isinstance(beat, SetBeat):
            self._end_walk(stage)
            view = replace(view, walk=None, changed=beat.changes.paths)
            apply_to_session(beat.changes, stage.session)
        elif isinstance(beat, Walk):
            view = replace(view, walk=self._walk(stage, beat))
        elif beat.kind == "trace":
            view = replace(view, trace=beat.point)
        elif beat.kind == "compare":
            view = replace(view, unavailable=COMPARE_UNAVAILABLE)
        stage.view = replace(view, position=Position(s, b, phase))

    def _start_run(self, session: TrainingSession, beat: Run) -> _Run:
        now = session.step_count
        if beat.steps is not None:
            n = beat.steps
        elif beat.epochs is not None:
            n = run_steps(Design.of(session), beat.epochs)
        else:
            n = beat.max_steps
        run = _Run(now + n, beat.until_loss, beat.speed)
        # as the window refuses Play: a run that diverged goes on only once α is lowered
        if session.diverged or session.n_train == 0:
            run.finished = True
        elif run.until is not None and train_loss(session) < run.until:
            run.finished = True
        return run

    @staticmethod
    def _advance(stage: _Stage, max_steps: int) -> int:
        """Steps of the stage's run. An ``until`` run steps one at a time and measures the
        loss after each, so where it stops never depends on how the steps are split."""
        run, s = stage.run, stage.session
        done = 0
        while not run.finished and done < max_steps:
            n = min(max_steps - done, run.end - s.step_count)
            if run.until is not None:
                n = min(n, 1)
            if n <= 0:
                run.finished = True
                break
            got = s.step(n)
            done += got
            if got < n or s.diverged:
                run.finished = True  # diverged: θ is back at its last good step
            elif s.step_count >= run.end:
                run.finished = True
            elif run.until is not None and train_loss(s) < run.until:
                run.finished = True
        return done

    @staticmethod
    def _end_walk(stage: _Stage) -> None:
        """A beat that changes the session ends the walk (one half-way is undone)."""
        stage.walker.abandon(stage.session)

    @staticmethod
    def _walk(stage: _Stage, beat: Walk) -> WalkView:
        s, w = stage.session, stage.walker
        target = beat.index(s.arch.depth)
        now = stage.view.walk
        state = w.state(s)
        if (
            now is None
            or state.phase is None
            or state.done
            or state.position >= target
            or now.point != beat.point
        ):
            w.abandon(s)
        while True:
            state = w.next(s, beat.point)
            if state.position >= target:
                break
        return WalkView(
            beat.point, state.position, state.n_phases, beat.to, beat.layer, state.start_step
        )

    def _enter(self, stage: _Stage, s: int) -> None:
        """Scene ``s`` from its start: the lesson (or the stage's state, for a scene that
        continues), then the scene's changes; the screen starts afresh."""
        scene = self.book.scenes[s]
        if stage.session is not None:
            stage.walker.abandon(stage.session)
        stage.walker = WalkDriver()
        stage.run = None
        if scene.start.kind != "continue":
            fresh = session_from_scenario(scene.start.scenario_now())
            if stage.session is None:
                stage.session = fresh
            else:
                _adopt(stage.session, fresh, stage.walker)
        apply_to_session(scene.changes, stage.session)
        stage.view = ViewState(Position(s, 0, "start"))

    # --- kept starts ---------------------------------------------------------------------------
    def _keep(self, key: tuple[int, int], stage: _Stage) -> None:
        """Keep a copy of the stage as the start of ``key`` (beat ``n_beats`` is the scene's
        end), dropping the least recently used starts over the budget (never the current)."""
        if key in self._kept:
            self._kept.move_to_end(key)
            return
        session, walker = _copy_pair(stage.session, stage.walker)
        s, b = key
        last = b == self.n_beats(s)
        pos = Position(s, b - 1, "done") if last else Position(s, b, "start")
        n = _nbytes((session, walker), (session.dataset,)) + ENTRY_OVERHEAD
        self._kept[key] = _Kept(session, walker, replace(stage.view, position=pos), n)
        self._kept_bytes += n
        for old in list(self._kept):
            if self._kept_bytes <= self.budget_bytes:
                break
            if old in (key, self._pinned):
                continue
            self._kept_bytes -= self._kept.pop(old).nbytes

    def _stage_at(self, key: tuple[int, int], into: _Stage | None = None) -> _Stage:
        """A stage exactly at the start of ``key``: a copy of a kept one, or replayed from
        the nearest kept start before it (or from the scene's lesson). With ``into`` that
        stage's session object takes the state (the live session stays the same object)."""
        if key in self._kept:
            kept = self._kept[key]
            self._kept.move_to_end(key)
            session, walker = _copy_pair(kept.session, kept.walker)
            stage = _Stage(session, walker, kept.view)
        else:
            stage = self._replay(key)
        if into is None:
            return stage
        _adopt(into.session, stage.session, stage.walker)
        return _Stage(into.session, stage.walker, stage.view)

    def _replay(self, key: tuple[int, int]) -> _Stage:
        path = []
        k: tuple[int, int] | None = key
        while k is not None and k not in self._kept:
            path.append(k)
            s, b = k
            if b > 0:
                k = (s, b - 1)
            elif self.book.scenes[s].start.kind == "continue":
                k = (s - 1, self.n_beats(s - 1))
            else:
                k = None
        stage = self._stage_at(k) if k is not None else _Stage(None)
        for s, b in reversed(path):
            if b == 0:
                self._enter(stage, s)
            else:
                self._perform(stage, s, b - 1)
                if stage.run is not None:
                    self._advance(stage, ALL_STEPS)
            self._keep((s, b), stage)
        s, b = key
        if b < self.n_beats(s):
            stage.view = replace(stage.view, position=Position(s, b, "start"))
        return stage

    def _go(self, key: tuple[int, int]) -> None:
        """The live session to the exact start of ``key``, which becomes the current beat."""
        self._live = self._stage_at(key, into=self._live)
        self._live.run = None
        self._pinned = key
        self._keep(key, self._live)
