"""The lecture's engine-thread half: a playbook's ``Player`` beside the session it plays.

The window never touches the player. Every move (PageDown, PageUp, a scene) is a
``LectureCall`` the window sends with ``EngineController.call_in_engine``; it runs in the
engine thread between steps and answers with a ``LectureReply``. The player changes the
worker's session in place, so the worker's reference stays valid. A ``run`` beat is
animated by Play: ``LectureHost`` is the worker's ``Driver`` (``commands.SetDriver``), and
while a beat plays it steps the player's run, so the beat ends exactly where skipping it
ends. What the screen must show besides the session comes with every frame
(``commands.SetFrameExtra``, ``Frame.extras["lecture"]``): a ``LectureState``.

A detour is any change made by hand (Space, a slider, a step, a drawn point, a weight
dragged): the host remembers what the script left (``_Mark``: the step, the design, the
points, a checksum of θ) and each frame says whether the session still matches it.
``next`` off the script returns to it (keeping the detour for ``resume``).

Nothing here imports Qt: the functions run in the engine thread, and tests call them
directly.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from backprop_lab.engine.player import Player, PlayError, Position, ViewState
from backprop_lab.engine.session import TrainingSession
from backprop_lab.engine.walk import WalkState

FRAME_EXTRA = "lecture"  # the name of the lecture's state in ``Frame.extras``
OPS = ("next", "back", "goto", "first", "last", "return", "resume", "state")


def theta_sum(session: TrainingSession) -> int:
    """A checksum of θ's bytes: a weight changed by hand changes it (a few µs)."""
    return zlib.crc32(session.params.flat)


@dataclass(frozen=True)
class _Mark:
    """What the script left the session as (θ's checksum only when asked: it costs the
    most, and a step of the script changes the step count anyway)."""

    step: int
    hyper: object
    spec: object
    seed: int
    dataset: object
    theta: int | None = None

    @classmethod
    def of(cls, s: TrainingSession, with_theta: bool = True) -> _Mark:
        theta = theta_sum(s) if with_theta else None
        return cls(s.step_count, s.hyper, s.spec, s.seed, s.dataset, theta)

    def matches(self, s: TrainingSession) -> bool:
        if (s.step_count, s.seed) != (self.step, self.seed) or s.dataset is not self.dataset:
            return False
        if s.hyper != self.hyper or s.spec != self.spec:
            return False
        return self.theta is None or theta_sum(s) == self.theta


@dataclass(frozen=True)
class LectureState:
    """What the window shows of the lecture besides the session (immutable: it crosses to
    the GUI thread in a frame)."""

    token: int  # a new number after every move of the player
    position: Position
    n_scenes: int
    beats: tuple[int, ...]  # beats per scene
    title: str  # the scene's
    strip: str  # "3/14 · XOR needs a hidden layer · beat 2/5"
    view: ViewState
    walk: WalkState | None = None  # the inspector's walk, when a walk beat showed one
    running: bool = False  # a run beat is under way
    run_speed: float | None = None
    off_script: bool = False  # the session is not what the script left (a detour)
    detached: bool = False  # the worker trains another session (a lesson opened since)
    has_detour: bool = False  # a detour left for the script can come back (Ctrl+Z)

    @property
    def scene(self) -> int:
        return self.position.scene

    @property
    def beat(self) -> int:
        return self.position.beat


@dataclass(frozen=True)
class LectureReply:
    """The answer to a ``LectureCall``: the state after it, or why it could not be done
    (``error``; the session is then at the beat's start, as the player leaves it)."""

    call: LectureCall
    state: LectureState
    error: str = ""
    returned: bool = False  # the move only brought the script back (off script)
    started_run: bool = False  # a run beat now waits for Play to animate it


@dataclass(frozen=True, eq=False)
class EndLecture:
    """Run in the engine thread as the lecture ends (``LectureHost.end``)."""

    host: LectureHost

    def __call__(self, session: TrainingSession) -> None:
        self.host.end(session)


@dataclass(frozen=True, eq=False)
class LectureCall:
    """One move of the player, run in the engine thread: ``fn(session)`` for ``Call``."""

    host: LectureHost
    op: str
    arg: int = 0
    serial: int = 0

    def __call__(self, session: TrainingSession) -> LectureReply:
        return self.host.do(self, session)


class LectureHost:
    """The player and what the engine thread knows of it. Built (with its player) in any
    thread; once handed to the engine thread it is used there only."""

    def __init__(self, player: Player):
        self.player = player
        self.token = 0
        self.beat_play = False  # Play now animates the running beat
        self.calls = 0
        self._mark: _Mark | None = None
        self._state: LectureState | None = None
        self._state_key: tuple = ()
        self._walk: WalkState | None = None
        self._stale_theta = False
        self._moved()

    # --- moves ----------------------------------------------------------------------------
    def call(self, op: str, arg: int = 0) -> LectureCall:
        if op not in OPS:
            raise ValueError(f"unknown lecture move {op!r}")
        self.calls += 1
        return LectureCall(self, op, int(arg), self.calls)

    def do(self, call: LectureCall, session: TrainingSession) -> LectureReply:
        """Runs in the engine thread. A move off the script (or while another session is
        trained) first keeps the detour and returns to the script."""
        p = self.player
        op = call.op
        if session is not p.session:
            # another session is on screen: the window brings the lecture's back first
            return LectureReply(call, self.state_for(session))
        off = not self._on_script(session)
        error = ""
        returned = False
        try:
            if op == "resume":
                p.resume_detour()
            elif op in ("next", "return") and off:
                p.leave_detour()
                returned = True
            elif op in ("next", "back", "goto", "first", "last"):
                p.forget_detour()  # only the move that returns keeps it (for Ctrl+Z)
                if op == "next":
                    p.next()
                elif op == "back":
                    p.back()
                elif op == "goto":
                    p.goto(call.arg)
                elif op == "first":
                    p.first()
                else:
                    p.last()
        except (PlayError, IndexError) as exc:
            error = str(exc)
        if op not in ("state", "return") or returned:
            self._moved(resumed=op == "resume" and not error)
        started = op in ("next", "goto", "first", "last") and p.running and not returned
        self.beat_play = p.running
        return LectureReply(call, self.state_for(session), error, returned, started)

    def sync(self) -> None:
        """After the player was moved directly (a render plays it in its own thread)."""
        self._moved()

    def _moved(self, resumed: bool = False) -> None:
        """After every move: a new token, the script's mark, the walk to show."""
        p = self.player
        self.token += 1
        self._mark = None if resumed else _Mark.of(p.session)
        self._stale_theta = False
        # the walk the player's walker holds (also where a scene that continues a walked
        # step opens, before its own walk beats)
        walk = p.walk_state()
        self._walk = walk if walk.n_phases else None

    def _on_script(self, session: TrainingSession) -> bool:
        if self._mark is None:
            return False  # a detour brought back: off the script until the next move
        if self._stale_theta:
            # Play stepped the beat since the mark: what it reached is the script's
            self._mark = _Mark.of(session)
            self._stale_theta = False
        return self._mark.matches(session)

    def end(self, session: TrainingSession) -> None:
        """The lecture ends (engine thread): a step walked half-way is taken back, so the
        run goes on from a whole step."""
        p = self.player
        self.beat_play = False
        if session is p.session:
            p.walker.abandon(session)

    # --- Play animates a run beat (the worker's Driver) -------------------------------------
    def advance(self, session: TrainingSession, n: int) -> int:
        """Play's steps: the running beat's (0 once it has ended: Play pauses), or plain
        steps when the lecturer plays by hand (a detour)."""
        p = self.player
        if session is not p.session or not self.beat_play:
            return session.step(n)
        if not p.running:
            self.beat_play = False
            return 0
        done = p.advance(n)
        if self._mark is not None:
            # the step count is exact at once; θ's checksum waits for the next frame
            self._mark = _Mark.of(session, with_theta=False)
            self._stale_theta = True
        return done

    # --- the frame's extra ------------------------------------------------------------------
    def state_for(self, session: TrainingSession) -> LectureState:
        """The state the window shows with a frame of ``session`` (cached until something
        in it changes)."""
        p = self.player
        detached = session is not p.session
        off = detached or not self._on_script(session)
        key = (self.token, p.position, off, detached, p.has_detour)
        if self._state is None or key != self._state_key:
            self._state_key = key
            self._state = LectureState(
                token=self.token,
                position=p.position,
                n_scenes=p.n_scenes,
                beats=tuple(len(s.beats) for s in p.book.scenes),
                title=p.scene.title,
                strip=p.strip(),
                view=p.view,
                walk=self._walk,
                running=p.running,
                run_speed=p.run_speed,
                off_script=off,
                detached=detached,
                has_detour=p.has_detour,
            )
        return self._state

    def __call__(self, session: TrainingSession) -> LectureState:
        """The frame extra (``SetFrameExtra(FRAME_EXTRA, host)``)."""
        return self.state_for(session)
