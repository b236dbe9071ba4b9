"""The engine thread: a worker QObject that owns the TrainingSession and runs it.

The design (docs/architecture.md, "Threads"):

* one long-lived ``QThread``; the ``EngineWorker`` is moved into it, and its ``QTimer`` is
  created inside that thread (in ``start``, run on ``QThread.started``);
* each timer tick runs steps for about ``TICK_SECONDS`` (8 ms) and returns to the event
  loop, so a queued pause, step or stop runs at once;
* frames are published at most ``PUBLISH_HZ`` times a second, into a one-slot mailbox
  (latest wins); the worker computes a new frame only when the GUI has taken the last one;
* the GUI thread pulls the mailbox with its own ``POLL_MS`` timer rather than receiving a
  queued signal per frame: under load a stream of posted events keeps Qt's queue non-empty,
  and Qt then starves every QTimer in the GUI thread (seen here: a 16 ms timer fired once in
  4 s);
* a frame holds fresh copies (``TrainingSession.snapshot``) and the decision grid computed
  once per frame (``GridEvaluator``); the GUI colours it. Nothing in a frame costs O(N):
  while training, its metrics are the latest history row's (a bounded evaluation sample),
  and on data larger than the sample the exact figures over all points come from a
  ``FullPass`` spread over frames a chunk at a time, started at most every
  ``FULL_PASS_SECONDS`` (at once when paused);
* ``timing`` adds up the engine thread's time per kind (step, snapshot, grid, hand-over)
  for the benchmark's per-frame split;
* with ``EngineController.gate_frames`` the worker waits (without the GIL) from the moment
  the GUI takes a frame until the window reports it painted: drawing then never pays for
  GIL hand-offs to the worker, which made frames several times slower;
* every command from the GUI is a typed, immutable value (``gui/commands.py``) queued on
  one signal and dispatched by type in the engine thread (``EngineWorker.execute``);
* shutdown: a queued ``stop`` stops the timer in the worker thread and quits the thread,
  then the GUI thread ``wait()``s.

The GUI thread never runs a training step and never waits on the worker except at shutdown.

Over 450 lines: everything that runs in the engine thread's event loop (the command
dispatch, the step pacing, the frame hand-over, the sliced jobs and the full pass) shares
one timer tick and one set of deadlines, which read best in one place.
"""

from __future__ import annotations

import math
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from backprop_lab.engine import (
    Dataset,
    GridEvaluator,
    GridSpec,
    Snapshot,
    TrainingSession,
)
from backprop_lab.engine.evaluation import FullMetrics, FullPass
from backprop_lab.engine.grid import view_grid
from backprop_lab.engine.jobs import JobRunner
from backprop_lab.engine.notation import DOMAIN
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from . import commands as cmd

TICK_SECONDS = 0.008
CHUNK = 4  # steps per session.step call at full speed (fewer Python calls per step)
GUI_WAIT_LIMIT = 0.03  # longest the worker defers to a drawing GUI before stepping anyway
PUBLISH_HZ = 60.0
PROGRESS_HZ = 10.0
JOB_SLICE_SECONDS = 0.008  # a job's share of each tick: the thread answers within ~20 ms
POLL_MS = 8  # the GUI looks this often: a frame (≤ 60 Hz) waits at most 8 ms to be drawn
MANUAL_ROWS = 100  # "step N" up to this many records a history row for each step
FULL_PASS_SECONDS = 1.0  # while training, a new pass over all the points at most this often
FULL_PASS_FRAME_SECONDS = 0.002  # time per frame for that pass (its chunk follows the net)
# while training, a grid pass dearer than this reuses the last grid for a while, so it takes
# at most GRID_SHARE of the engine's time (a 100×100 grid through 8 × 64 costs ~20 ms)
GRID_SHARE = 0.25
NO_TRAINING_POINTS = "There are no training points: draw some on the canvas or load a preset."
MAX_SPEED = 0.0  # steps per second: 0 means "as fast as it goes"
GRID_RESOLUTION_2D = 100
GRID_RESOLUTION_1D = 240
# copies of earlier runs kept for undo (the window keeps fewer undo steps across runs:
# gui/edits.py DEFAULT_RUNS); a safety net, the oldest goes first
MAX_KEPT_RUNS = 8


@dataclass(frozen=True)
class Frame:
    """One published picture of the session: a snapshot plus the network's output on a grid.

    ``grid`` is what ``GridEvaluator.evaluate`` returns (R×R probabilities for two classes,
    K×R×R for K classes, R×R outputs for 2-D regression, R outputs for 1-D regression);
    ``grid_x`` are the sample positions along x (used for the 1-D curve).
    """

    serial: int
    snapshot: Snapshot
    grid: np.ndarray | None
    grid_x: np.ndarray
    extent: tuple[float, float, float, float]
    running: bool
    steps_per_second: float
    # (ℓ, j): ``grid`` is hidden unit j's map h_j^(ℓ) rather than the output (see
    # commands.SetGridUnit)
    unit: tuple[int, int] | None = None
    # the exact loss and accuracy over every point (``full.step`` says of which step) when
    # the data outgrow the evaluation sample the snapshot's metrics use; else None
    full: FullMetrics | None = None
    # what ``SetFrameExtra`` asked for, by name (a value, or the exception it raised)
    extras: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CommandFailure:
    """A command that raised and was undone: the session is exactly as before, and
    ``snapshot`` shows it (the panels go back to it)."""

    command: object
    message: str
    snapshot: Snapshot
    within: object = None  # the ``NewRun`` the command was part of, if any


# what each change of a ``NewRun`` does to the session
_RUN_CHANGES = {
    cmd.SetDataset: lambda s, c: s.set_dataset(c.dataset),
    cmd.SetNetwork: lambda s, c: s.set_network(c.spec),
    cmd.SetHyper: lambda s, c: s.set_hyper(c.hyper),
    cmd.SetSeed: lambda s, c: s.set_seed(c.seed),
    cmd.ResetParameters: lambda s, c: s.reset_parameters(),
}

# commands after which the figures over all points still hold
_KEEP_FULL = (
    cmd.SetRunning,
    cmd.Step,
    cmd.StepEpoch,
    cmd.SetSpeed,
    cmd.SetHyper,
    cmd.SetGridView,
    cmd.SetGridUnit,
    cmd.Stop,
)


class EngineWorker(QObject):
    """Lives in the engine thread. All slots are called through queued connections."""

    runningChanged = Signal(bool)
    diverged = Signal(str)
    errorOccurred = Signal(str)
    message = Signal(str)  # a plain notice (e.g. "no training points")
    # (callback, args): an answer for the one caller that asked (``Call``, ``RunJob``)
    replied = Signal(object)
    commandFailed = Signal(object)  # CommandFailure: the command changed nothing
    runSwapped = Signal(object)  # Snapshot of the run that undo or redo brought back
    stopped = Signal()

    def __init__(self, session: TrainingSession):
        super().__init__()
        self.session = session
        self._timer: QTimer | None = None
        self._running = False
        self._pending = 0  # steps still owed to "step N"
        self._record_pending = False  # every owed step gets a history row (steps by hand)
        self._speed = MAX_SPEED
        self._budget = 0.0
        self._last_tick = time.perf_counter()
        self._dirty = True
        self._serial = 0
        self._last_publish = 0.0
        self._rate_steps = 0
        self._rate_t0 = time.perf_counter()
        self._rate = 0.0
        self._grid: GridEvaluator | None = None
        self._view: tuple[tuple[float, float, float, float], tuple[float, float]] | None = None
        self._unit: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self._mailbox: Frame | None = None
        # cleared by the GUI thread while it draws a frame: the worker then waits (without
        # the GIL) between steps, so drawing is not slowed by GIL hand-offs to the worker
        self.gui_idle = threading.Event()
        self.gui_idle.set()
        self.steps_run = 0  # total steps this worker ran (for the benchmark)
        # set by the GUI thread at shutdown: step and job loops return at once, without
        # waiting for the queued Stop to be reached
        self.stop_flag = threading.Event()
        self._jobs = JobRunner(1.0 / PROGRESS_HZ)
        # seconds spent per kind, and frames published (the benchmark's per-frame split)
        self.timing = {"step": 0.0, "snapshot": 0.0, "grid": 0.0, "handover": 0.0, "frames": 0}
        self._full: FullMetrics | None = None
        self._full_pass: FullPass | None = None
        self._full_started = -math.inf
        self._full_chunk = 256  # points per frame, adapted to FULL_PASS_FRAME_SECONDS
        self._grid_cache: tuple | None = None  # (evaluator, params of grid, grid, when, cost)
        self._runs: dict[int, TrainingSession] = {}  # earlier runs kept for undo, oldest first
        self._extras: dict[str, Any] = {}  # name → fn(session), computed for every frame
        self._driver: cmd.Driver | None = None  # what Play steps through, if not plain steps

    # --- mailbox: the GUI thread takes the latest frame ----------------------------------
    def take_frame(self) -> Frame | None:
        """Called from the GUI thread: the latest frame, or None if none is new."""
        with self._lock:
            frame, self._mailbox = self._mailbox, None
        return frame

    def _post(self, frame: Frame) -> None:
        with self._lock:
            self._mailbox = frame

    # --- lifecycle -----------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        """Runs in the engine thread (connected to ``QThread.started``)."""
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)
        self._dirty = True
        self._wake()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._running = False
        self._pending = 0
        self._jobs.close()  # dropped unfinished: nobody waits for them now
        self.stopped.emit()
        QThread.currentThread().quit()

    # --- commands ------------------------------------------------------------------------
    @Slot(object)
    def execute(self, command: cmd.Command) -> None:
        """Run one command from the GUI thread (queued into this thread)."""
        run = self._dispatch.get(type(command))
        if run is None:  # a programming error: say so rather than dropping it silently
            self._fail(TypeError(f"unknown engine command {command!r}"))
            return
        if not isinstance(command, (cmd.SetRunning, cmd.SetSpeed)):
            self._grid_cache = None  # the grid to show may differ
        if not isinstance(command, _KEEP_FULL):  # data, θ or step may change: start over
            self._full = self._full_pass = None
        run(self, command)

    def set_running(self, running: bool) -> None:
        running = bool(running)
        if running and not self._can_train():
            running = False
            if not self._running:  # the Play button was pressed: it goes back up
                self.runningChanged.emit(False)
        self._pending = 0
        if running:
            self._go_on()
        self._set_running(running)
        self._budget = 0.0
        self._last_tick = time.perf_counter()
        self._dirty = True
        self._wake()

    def step(self, n: int) -> None:
        """Pause, then run exactly n steps (fewer only if training diverges or fails)."""
        self._set_running(False)
        if n > 0 and self._can_train():
            self._go_on()
            # a press that comes before the last one's steps are taken adds to them
            self._pending += int(n)
            # a person's steps are points on the curves; a long epoch thins like a run
            self._record_pending = self._pending <= MANUAL_ROWS
        self._dirty = True
        self._wake()

    def step_epoch(self) -> None:
        self.step(self.session.steps_per_epoch)

    def set_speed(self, steps_per_second: float) -> None:
        self._speed = max(0.0, float(steps_per_second))
        self._budget = 0.0
        self._last_tick = time.perf_counter()
        self._wake()

    def set_dataset(self, dataset: Dataset) -> None:
        self._transact(cmd.SetDataset(dataset), lambda: self.session.set_dataset(dataset))
        if self.session.n_train == 0 and (self._running or self._pending):
            self._pending = 0
            self._set_running(False)
            self._can_train()

    def roll_back(self, alpha: float | None) -> None:
        """Pause, then back to the last good checkpoint (with ``alpha`` as the learning
        rate): all or nothing."""
        self._pending = 0
        self._set_running(False)
        self._transact(cmd.RollBack(alpha), lambda: self.session.roll_back(alpha))

    def _go_on(self) -> None:
        """Play and Step do what they say: after the guard stopped the run they go on
        from there (the guard re-arms, so it does not stop again at once)."""
        if self.session.diverged:
            self.session.go_on()
            self._dirty = True

    def set_frame_extra(self, name: str, fn) -> None:
        if fn is None:
            self._extras.pop(name, None)
        else:
            self._extras[name] = fn
        self._dirty = True
        self._wake()

    def set_driver(self, driver) -> None:
        self._driver = driver
        self._budget = 0.0
        self._wake()

    def _advance(self, s: TrainingSession, n: int) -> int:
        """n steps of Play: plain steps, or through the driver (which pauses Play once it
        has finished)."""
        if self._driver is None:
            return s.step(n)
        done = self._driver.advance(s, n)
        if done == 0:
            self._set_running(False)
        return done

    def set_grid_view(self, view, pixels) -> None:
        """The canvas's visible rectangle: the next frame's grid covers it."""
        new = (tuple(float(v) for v in view), (float(pixels[0]), float(pixels[1])))
        if new != self._view:
            self._view = new
            self._grid = None
            self._dirty = True
            self._wake()

    def set_grid_unit(self, unit: tuple[int, int] | None) -> None:
        unit = None if unit is None else (int(unit[0]), int(unit[1]))
        if unit != self._unit:
            self._unit = unit
            self._dirty = True
            self._wake()

    def replace_session(self, session: TrainingSession) -> None:
        """A whole new session (a loaded lesson); training pauses."""
        self._set_running(False)
        self._pending = 0
        self.session = session
        self._grid = None
        self._dirty = True
        self._wake()

    def new_run(self, command: cmd.NewRun) -> None:
        """Keep a copy of the run, then apply the changes that start a new one, all or
        nothing (see ``commands.NewRun``)."""
        before = self.session
        kept = before.copy()
        part = None
        try:
            with before.all_or_nothing():
                for part in command.commands:
                    if isinstance(part, cmd.ReplaceSession):
                        self.session = part.session
                    else:
                        _RUN_CHANGES[type(part)](self.session, part)
        except Exception as exc:  # noqa: BLE001 - reported; the session is as before
            self.session = before
            self._refuse(part, exc, within=command)
            return
        self._keep(command.keep_as, kept)
        if self.session is not before:  # a lesson: training pauses, the grid starts anew
            self._pause_for_new_session()
        elif self.session.n_train == 0 and (self._running or self._pending):
            self._pending = 0
            self._set_running(False)
            self._can_train()
        self._dirty = True
        self._wake()

    def swap_run(self, keep_as: int, restore: int) -> None:
        """Undo or redo across runs: the kept run ``restore`` comes back exactly."""
        if restore not in self._runs:
            self._fail(LookupError("that run is no longer kept, so it cannot come back"))
            return
        back = self._runs.pop(restore)
        self._keep(keep_as, self.session)
        self.session = back
        self._pause_for_new_session()
        self.runSwapped.emit(back.snapshot())
        self._dirty = True
        self._wake()

    def drop_runs(self, runs) -> None:
        for r in runs:
            self._runs.pop(r, None)

    @property
    def kept_runs(self) -> tuple[int, ...]:
        """The runs kept for undo, oldest first (tests and the benchmark read it)."""
        return tuple(self._runs)

    def _keep(self, run: int, session: TrainingSession) -> None:
        self._runs.pop(run, None)
        self._runs[run] = session
        while len(self._runs) > MAX_KEPT_RUNS:
            del self._runs[next(iter(self._runs))]

    def _pause_for_new_session(self) -> None:
        self._set_running(False)
        self._pending = 0
        self._grid = None

    def call(self, fn, reply=None) -> None:
        """Run ``fn(session)`` in the engine thread (lesson saving, inspectors, tests); its
        result goes to ``reply`` in the GUI thread. An exception is reported
        (``errorOccurred``) and answers nothing."""
        self._command(lambda: self._answer(reply, fn(self.session)))

    def _answer(self, reply, *args) -> None:
        if reply is not None:
            self.replied.emit((reply, args))

    def run_job(self, job, reply=None, progress=None) -> None:
        """Queue a long ``Job``; ``_tick`` advances it a slice at a time. Its result goes to
        ``reply``, its progress ``(done, total)`` to ``progress`` (GUI thread)."""
        report = (
            None if progress is None else (lambda done, total: self._answer(progress, done, total))
        )
        self._jobs.add(job, lambda result: self._answer(reply, result), report)
        self._wake()

    _dispatch = {
        cmd.SetRunning: lambda w, c: w.set_running(c.running),
        cmd.Step: lambda w, c: w.step(c.n),
        cmd.StepEpoch: lambda w, c: w.step_epoch(),
        cmd.SetSpeed: lambda w, c: w.set_speed(c.steps_per_second),
        cmd.SetGridView: lambda w, c: w.set_grid_view(c.view, c.pixels),
        cmd.SetGridUnit: lambda w, c: w.set_grid_unit(c.unit),
        cmd.SetDataset: lambda w, c: w.set_dataset(c.dataset),
        cmd.SetFrameExtra: lambda w, c: w.set_frame_extra(c.name, c.fn),
        cmd.SetDriver: lambda w, c: w.set_driver(c.driver),
        cmd.SetNetwork: lambda w, c: w._transact(c, lambda: w.session.set_network(c.spec)),
        cmd.SetHyper: lambda w, c: w._transact(c, lambda: w.session.set_hyper(c.hyper)),
        cmd.SetSeed: lambda w, c: w._transact(c, lambda: w.session.set_seed(c.seed)),
        cmd.ResetParameters: lambda w, c: w._transact(c, w.session.reset_parameters),
        cmd.RollBack: lambda w, c: w.roll_back(c.alpha),
        cmd.ReplaceSession: lambda w, c: w.replace_session(c.session),
        cmd.NewRun: lambda w, c: w.new_run(c),
        cmd.SwapRun: lambda w, c: w.swap_run(c.keep_as, c.restore),
        cmd.DropRuns: lambda w, c: w.drop_runs(c.runs),
        cmd.Call: lambda w, c: w.call(c.fn, c.reply),
        cmd.RunJob: lambda w, c: w.run_job(c.job, c.reply, c.progress),
        cmd.Stop: lambda w, c: w.stop(),
    }

    # --- internals -----------------------------------------------------------------------
    def _command(self, fn) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - shown to the user, session keeps going
            self._fail(exc)
        self._dirty = True
        self._wake()

    def _transact(self, command: object, fn) -> None:
        """All or nothing: a change that raises is undone (``session.all_or_nothing``),
        training pauses, and the GUI gets the unchanged state to show with the reason."""
        s = self.session
        try:
            with s.all_or_nothing():
                fn()
        except Exception as exc:  # noqa: BLE001 - reported; the session is as before
            self._refuse(command, exc)
            return
        self._dirty = True
        self._wake()

    def _refuse(self, command: object, exc: BaseException, within: object = None) -> None:
        """A change failed and was undone: pause, and send the unchanged state with why."""
        self._pending = 0
        self._set_running(False)
        msg = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        try:
            snap = self.session.snapshot()
        except Exception as exc2:  # noqa: BLE001
            self._fail(exc2)
        else:
            self.commandFailed.emit(CommandFailure(command, msg, snap, within))
        self._dirty = True
        self._wake()

    def _can_train(self) -> bool:
        s = self.session
        if s.n_train == 0:
            self.message.emit(NO_TRAINING_POINTS)
            return False
        return True

    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            self.runningChanged.emit(running)

    def _fail(self, exc: BaseException) -> None:
        self._pending = 0
        self._set_running(False)
        tb = traceback.format_exception_only(type(exc), exc)
        self.errorOccurred.emit("".join(tb).strip())

    def _wake(self) -> None:
        t = self._timer
        if t is None:
            return
        if self._running and self._speed > 0 and not self._pending:
            interval = int(min(16.0, 1000.0 / self._speed))
        else:
            interval = 0
        if t.interval() != interval:
            t.setInterval(interval)
        if not t.isActive():
            t.start()

    @Slot()
    def _tick(self) -> None:
        now = time.perf_counter()
        try:
            done = self._run_steps(now)
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)
            done = 0
        self._rate_steps += done
        if done:
            self._dirty = True
        if self._jobs:
            deadline = time.perf_counter() + JOB_SLICE_SECONDS
            self._jobs.run(self.session, deadline, self.stop_flag.is_set)
        if self.session.diverged and (self._running or self._pending):
            self._pending = 0
            self._set_running(False)
            self.diverged.emit(self.session.diverged)
            self._dirty = True
        now = time.perf_counter()
        busy = self._running or self._pending > 0
        due = not busy or now - self._last_publish >= 1.0 / PUBLISH_HZ
        if self._dirty and due and (not busy or self._mailbox is None):
            self._yield_to_gui()
            self._publish(time.perf_counter())
        if not busy and not self._dirty and not self._jobs and self._timer is not None:
            self._timer.stop()  # idle: sleep until the next command
        elif busy or self._jobs:
            self._wake()

    def _yield_to_gui(self) -> None:
        if not self.gui_idle.is_set():
            t0 = time.perf_counter()
            self.gui_idle.wait(GUI_WAIT_LIMIT)
            self.timing["handover"] += time.perf_counter() - t0

    def _run_steps(self, t0: float) -> int:
        s = self.session
        gate = self._yield_to_gui
        deadline = t0 + TICK_SECONDS
        done = 0
        clock = time.perf_counter
        spent = 0.0
        if self._pending > 0:
            while self._pending > 0 and not s.diverged and not self.stop_flag.is_set():
                gate()
                t = clock()
                n = s.step(1, record=self._record_pending)
                spent += clock() - t
                done += n
                self._pending -= 1
                if clock() >= deadline:
                    break
        elif self._running:
            if self._speed <= 0:
                while self._running and not s.diverged and not self.stop_flag.is_set():
                    gate()
                    t = clock()
                    done += self._advance(s, CHUNK)
                    now = clock()
                    spent += now - t
                    if now >= deadline:
                        break
            else:
                self._budget += (t0 - self._last_tick) * self._speed
                self._budget = min(self._budget, self._speed * 0.1 + 1.0)  # no burst after a stall
                while self._budget >= 1.0 and self._running and not s.diverged:
                    gate()
                    t = clock()
                    done += self._advance(s, 1)
                    spent += clock() - t
                    self._budget -= 1.0
                    if clock() >= deadline:
                        break
        self.timing["step"] += spent
        self._last_tick = t0
        self.steps_run += done
        return done

    def _grid_for(self, snap: Snapshot) -> GridEvaluator:
        ds = snap.dataset
        g = self._grid
        if g is None or g.features != snap.spec.features or g.input_dim != ds.input_dim:
            g = GridEvaluator(self._grid_spec(ds.input_dim), snap.spec.features, ds.input_dim)
            self._grid = g
        return g

    def _grid_spec(self, input_dim: int) -> GridSpec:
        """The canvas's visible rectangle (once it has said), else [−6, 6]²."""
        if self._view is None:
            res = GRID_RESOLUTION_1D if input_dim == 1 else GRID_RESOLUTION_2D
            return GridSpec(DOMAIN, res)
        spec = view_grid(*self._view)
        if input_dim == 1:  # a curve: samples along x only, a few per pixel column
            return GridSpec(spec.extent, max(GRID_RESOLUTION_1D, spec.resolution))
        return spec

    def _evaluate(
        self, g: GridEvaluator, snap: Snapshot, busy: bool, now: float
    ) -> tuple[np.ndarray, tuple | None]:
        """The output over the grid, or the hovered hidden unit's map if there is one. While
        training, a dear pass (a wide network) is repeated only once its cost is at most
        ``GRID_SHARE`` of the time since; the frames between reuse the same array."""
        unit = self._unit
        c = self._grid_cache
        key = (g, snap.arch, unit)
        if busy and c is not None and c[0] == key and now - c[2] < c[3] * (1 / GRID_SHARE - 1):
            return c[1]
        t0 = time.perf_counter()
        out = self._evaluate_now(g, snap, unit)
        self._grid_cache = (key, out, now, time.perf_counter() - t0)
        return out

    def _evaluate_now(
        self, g: GridEvaluator, snap: Snapshot, unit: tuple[int, int] | None
    ) -> tuple[np.ndarray, tuple | None]:
        net = self.session.net
        if unit is not None:
            layer, j = unit
            widths = snap.arch.widths
            plane = snap.dataset.input_dim == 2
            if plane and 1 <= layer < len(widths) - 1 and 0 <= j < widths[layer]:
                return g.hidden_maps(net, snap.params, upto=layer)[layer - 1][j], unit
        return g.evaluate(net, snap.params), None  # ignores FP warnings itself

    def _publish(self, now: float) -> None:
        dt = now - self._rate_t0
        if dt >= 0.25 or not (self._running or self._pending):
            if self._running or self._pending or self._rate_steps:
                self._rate = self._rate_steps / dt if dt > 0 else 0.0
            if not (self._running or self._pending) and not self._rate_steps:
                self._rate = 0.0
            self._rate_steps = 0
            self._rate_t0 = now
        busy = self._running or self._pending > 0
        clock, timing = time.perf_counter, self.timing
        try:
            t0 = clock()
            # while training, the latest history row's metrics: no evaluation per frame
            snap = self.session.snapshot(refresh=not busy)
            self._advance_full(busy, now)
            t1 = clock()
            g = self._grid_for(snap)
            grid, unit = self._evaluate(g, snap, busy, now)
            grid_x = g.spec.axes()[0]
            t2 = clock()
            extras = {}
            for name, fn in self._extras.items():
                try:
                    extras[name] = fn(self.session)
                except Exception as exc:  # noqa: BLE001 - the view shows it
                    extras[name] = exc
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)
            self._dirty = False
            return
        self._serial += 1
        self._last_publish = now
        self._dirty = False
        self._post(
            Frame(
                serial=self._serial,
                snapshot=snap,
                grid=grid,
                grid_x=grid_x,
                extent=g.spec.extent,
                running=busy,
                steps_per_second=self._rate,
                unit=unit,
                full=self._full,
                extras=extras,
            )
        )
        timing["snapshot"] += t1 - t0
        timing["grid"] += t2 - t1
        timing["handover"] += clock() - t2
        timing["frames"] += 1

    def _advance_full(self, busy: bool, now: float) -> None:
        """Carry the pass over all the points one chunk further (all of it when paused);
        only when the data outgrow the evaluation sample."""
        s = self.session
        n_test = len(s.dataset) - s.n_train
        if s.evaluated_points == (s.n_train, n_test):
            self._full = self._full_pass = None  # the snapshot's figures are the full ones
            return
        p = self._full_pass
        if p is not None and not busy and p.step != s.step_count:
            p = None  # paused: the figures of the step on screen, not of an older one
        if p is None:
            if self._full is not None and self._full.step == s.step_count:
                return
            if busy and now - self._full_started < FULL_PASS_SECONDS:
                return
            p = s.full_pass()
            self._full_started = now
        t0 = time.perf_counter()
        chunk = self._full_chunk if busy else len(s.dataset)
        if p.advance(chunk):
            self._full, p = p.result, None
        elif busy:  # the next chunk takes about FULL_PASS_FRAME_SECONDS
            per_point = max((time.perf_counter() - t0) / chunk, 1e-9)
            self._full_chunk = int(min(8192, max(16, FULL_PASS_FRAME_SECONDS / per_point)))
        self._full_pass = p
