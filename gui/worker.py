"""The engine thread: a worker QObject that owns the runs (a ``RunGroup``) and runs them.

The design (docs/architecture.md, "Threads"):

* one long-lived ``QThread``; the ``EngineWorker`` is moved into it, and its ``QTimer`` is
  created inside that thread (in ``start``, run on ``QThread.started``);
* each timer tick runs steps for about ``TICK_SECONDS`` (8 ms; gui/pacer.py says how
  many) and returns to the event loop, so a queued pause, step or stop runs at once;
* frames are published at most ``PUBLISH_HZ`` times a second, into a one-slot mailbox
  (latest wins); the worker makes a new frame (gui/frames.py) only when the GUI has taken
  the last one;
* the GUI thread pulls the mailbox with its own ``POLL_MS`` timer rather than receiving a
  queued signal per frame: under load a stream of posted events keeps Qt's queue non-empty,
  and Qt then starves every QTimer in the GUI thread (seen here: a 16 ms timer fired once in
  4 s);
* with ``EngineController.gate_frames`` the worker waits (without the GIL) from the moment
  the GUI takes a frame until the window reports it painted: drawing then never pays for
  GIL hand-offs to the worker, which made frames several times slower;
* every command from the GUI is a typed, immutable value (gui/commands.py) queued on one
  signal: a ``Change`` runs all or nothing on the group, a control has a handler here;
* a call's or a job's answer goes to the one caller that asked (``replied``);
* Play at "max" lends the group to the engine process (gui/engine_process.py): the
  process steps it and sends the frames, and every command takes the runs back first
  (``_try_lend``, ``_take_back``; the rules are in that module's notes);
* shutdown: a queued ``Stop`` takes lent runs back, ends the engine process, stops the
  timer in the worker thread and quits the thread, then the GUI thread ``wait()``s.

The group is the one code path: a single run is a group of one, which behaves exactly as
the session alone (engine/group.py). The GUI thread never runs a training step and never
waits on the worker except at shutdown.

Over 450 lines: the Qt side of the engine thread (the tick, the controls' handlers, changes
and the undo copies, calls and jobs, lending the runs) shares the thread's state (the
group, the pacer, the dirty flag, the mailbox), which reads best in one place; how many
steps a tick takes (gui/pacer.py), what a frame holds (gui/frames.py), the sliced jobs
(engine/jobs.py), the undo copies (gui/kept_runs.py) and the engine process's side
(gui/engine_process.py) are their own modules.
"""

from __future__ import annotations

import math
import pickle
import threading
import time
import traceback
from dataclasses import dataclass, replace

from backprop_lab.engine import Snapshot, TrainingSession
from backprop_lab.engine.group import LETTERS, GroupSnapshot, RunGroup
from backprop_lab.engine.jobs import Failure, JobRunner
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from . import commands as cmd
from . import engine_process
from .frames import Frame, FrameBuilder, MapRequest  # noqa: F401 - Frame: the views' type
from .kept_runs import MAX_KEPT_RUNS, KeptRuns
from .pacer import MAX_SPEED, FrameClock, Pacer

LENT_POLL_MS = 3  # while the runs are lent, the worker looks for frames this often
# the runs are lent only after this long without a command: a view that sends commands
# several times a second would otherwise have them taken back and lent again each time,
# which costs more than it gains (calls that only read are answered in the process and
# do not count)
LEND_QUIET_SECONDS = 0.5
GUI_WAIT_LIMIT = 0.03  # longest the worker defers to a drawing GUI before stepping anyway
PUBLISH_HZ = 60.0
PROGRESS_HZ = 10.0
JOB_SLICE_SECONDS = 0.008  # a job's share of each tick: the thread answers within ~20 ms
POLL_MS = 8  # the GUI looks this often: a frame (≤ 60 Hz) waits at most 8 ms to be drawn
NO_TRAINING_POINTS = "There are no training points: draw some on the canvas or load a preset."


@dataclass(frozen=True)
class CommandFailure:
    """A command that raised and was undone: the runs are exactly as before, and
    ``snapshot`` shows run A (the panels go back to it), ``group`` every run."""

    command: object
    message: str
    snapshot: Snapshot
    within: object = None  # the ``NewRun`` the command was part of, if any
    group: GroupSnapshot | None = None


# controls after which the figures over all points still hold
_KEEP_FULL = (
    cmd.SetRunning,
    cmd.Step,
    cmd.StepEpoch,
    cmd.SetSpeed,
    cmd.SetGridView,
    cmd.SetGridUnit,
    cmd.SetUnitMaps,
    cmd.Stop,
)

# commands that leave steps still owed by "step N" owed: the others change what the steps
# would act on (or read the state), so the owed steps are taken first, in command order
_AFTER_OWED = (
    cmd.Step,
    cmd.StepEpoch,
    cmd.SetRunning,
    cmd.SetSpeed,
    cmd.SetGridView,
    cmd.SetGridUnit,
    cmd.SetUnitMaps,
    cmd.SetFrameExtra,
    cmd.Stop,
)


class EngineWorker(QObject):
    """Lives in the engine thread. All slots are called through queued connections."""

    runningChanged = Signal(bool)
    diverged = Signal(str)  # every run has stopped (one run: its message)
    runDiverged = Signal(object)  # (run index, message): a run of a comparison stopped alone
    errorOccurred = Signal(str)
    message = Signal(str)  # a plain notice (e.g. "no training points")
    # (callback, args): an answer for the one caller that asked (``Call``, ``RunJob``)
    replied = Signal(object)
    commandFailed = Signal(object)  # CommandFailure: the command changed nothing
    runSwapped = Signal(object)  # run A's Snapshot after undo or redo brought runs back
    stopped = Signal()

    def __init__(self, runs: TrainingSession | RunGroup):
        super().__init__()
        self.group = runs if isinstance(runs, RunGroup) else RunGroup.of(runs)
        self.pacer = Pacer()
        # seconds spent per kind, and frames published (the benchmark's per-frame split)
        self.timing = {"step": 0.0, "snapshot": 0.0, "grid": 0.0, "handover": 0.0, "frames": 0}
        self.builder = FrameBuilder(timing=self.timing)
        self.jobs = JobRunner(1.0 / PROGRESS_HZ)
        self.kept = KeptRuns(MAX_KEPT_RUNS)
        self.driver: cmd.Driver | None = None  # what Play steps through, if not plain steps
        self.steps_run = 0  # total steps this worker ran (for the benchmark)
        self._timer: QTimer | None = None
        self._shown_running = False  # what runningChanged said last
        self._stopped_runs: set[int] = set()  # ids of the runs known to have stopped
        self._dirty = True
        self._serial = 0
        self._frame_clock = FrameClock(PUBLISH_HZ)
        self._rate_steps = 0
        self._rate_t0 = time.perf_counter()
        self._rate = 0.0
        self._lock = threading.Lock()
        self._mailbox: Frame | None = None
        # cleared by the GUI thread while it draws a frame: the worker then waits (without
        # the GIL) between steps, so drawing is not slowed by GIL hand-offs to the worker
        self.gui_idle = threading.Event()
        self.gui_idle.set()
        # set by the GUI thread at shutdown: step and job loops return at once, without
        # waiting for the queued Stop to be reached
        self.stop_flag = threading.Event()
        # Play at "max" steps in a process of its own (gui/engine_process.py) when the
        # window asks for it (``EngineController.use_engine_process``)
        self.process_wanted = False
        self.process: engine_process.EngineProcess | None = None
        self._process_note: str | None = None  # why the process is no longer used
        self._lent_stopped: set[int] = set()  # runs (by index) known stopped while lent
        self.lends = 0  # times the runs were lent (tests and the benchmark read it)
        self._remote: dict[int, cmd.Call] = {}  # calls sent to the process, by number
        self._remote_id = 0
        self._last_command = -math.inf  # when the last command ran here (perf_counter)
        self.changes_taken = 0  # edits of the runs taken (``commands.RUN_EDITS``)

    @property
    def session(self) -> TrainingSession:
        """Run A (the only run, unless runs are compared)."""
        return self.group.a

    @property
    def kept_runs(self) -> tuple[int, ...]:
        """The runs kept for undo, oldest first (tests and the benchmark read it)."""
        return self.kept.numbers

    # --- mailbox: the GUI thread takes the latest frame ----------------------------------
    def take_frame(self) -> Frame | None:
        """Called from the GUI thread: the latest frame, or None if none is new."""
        with self._lock:
            frame, self._mailbox = self._mailbox, None
        return frame

    def _post(self, frame: Frame) -> None:
        # stamped here, in this thread, between commands: a frame the engine process made
        # is of the runs as lent, and an edit takes them back before it runs
        frame = replace(frame, changes=self.changes_taken)
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
        if self.lent:
            self._take_back(engine_process.STOP_BACK_SECONDS)
        if self.process is not None:
            self.process.close()
            self.process = None
        if self._timer is not None:
            self._timer.stop()
        self.pacer.halt()
        self._shown_running = False
        self.jobs.close()  # dropped unfinished: nobody waits for them now
        self.stopped.emit()
        QThread.currentThread().quit()

    # --- commands ------------------------------------------------------------------------
    @Slot(object)
    def execute(self, command: cmd.Command) -> None:
        """Run one command from the GUI thread (queued into this thread)."""
        if isinstance(command, cmd.RUN_EDITS):
            self.changes_taken += 1
            self._dirty = True  # a frame follows it, whatever it did: the window waits for one
        if self.lent:
            if self._pass_on(command):
                return
            self._take_back()
        if not (type(command) is cmd.Call and command.reads_only):
            # (a call that only reads would be answered in the process: it may come often)
            self._last_command = time.perf_counter()
        change = isinstance(command, cmd.Change)
        run = None if change else self._dispatch.get(type(command))
        if run is None and not change:  # a programming error: say so, not drop it silently
            self._fail(TypeError(f"unknown engine command {command!r}"))
            return
        if self.pacer.pending and not isinstance(command, _AFTER_OWED):
            self._take_owed_steps()  # a step pressed before a reset is taken before it
        if not isinstance(command, (cmd.SetRunning, cmd.SetSpeed)):
            self.builder.forget_grids()  # the grid to show may differ
        keeps = isinstance(command, _KEEP_FULL) or (
            change and command.keeps_figures and len(self.group) == 1
        )
        if not keeps:  # data, θ or step may change: start over
            self.builder.forget_figures()
        if change:
            self._change(command)
        else:
            run(self, command)

    @classmethod
    def commands(cls) -> set[type]:
        """Every command type the worker runs."""
        return set(cls._dispatch) | set(cmd.changes())

    # --- training controls -----------------------------------------------------------------
    def set_running(self, running: bool) -> None:
        running = bool(running)
        if running and not self._can_train():
            running = False
            if not self.pacer.running:  # the Play button was pressed: it goes back up
                self.runningChanged.emit(False)
        if running:
            self._go_on()
        self.pacer.set_running(running)
        self._sync_running()
        self._dirty = True
        self._wake()

    def step(self, n: int) -> None:
        """Pause, then run exactly n steps (fewer only if training diverges or fails)."""
        ok = n > 0 and self._can_train()
        if ok:
            self._go_on()
        self.pacer.add_steps(int(n) if ok else 0)
        self._sync_running()
        self._dirty = True
        self._wake()

    def step_epoch(self) -> None:
        self.step(self.session.steps_per_epoch)

    def set_speed(self, steps_per_second: float) -> None:
        self.pacer.set_speed(steps_per_second)
        self._wake()

    def set_driver(self, driver) -> None:
        self.driver = driver
        self.pacer.restart_clock()
        self._wake()

    def _go_on(self) -> None:
        """Play and Step do what they say: after the guard stopped the runs they go on
        from there (the guard re-arms, so it does not stop again at once). In a comparison
        a run that stopped alone stays stopped while the others go on."""
        runs = list(self.group)
        if runs and all(s.diverged for s in runs):
            for s in runs:
                s.go_on()
            self._stopped_runs.clear()
            self._dirty = True

    def _play(self, n: int) -> int:
        """n steps of Play: plain steps, or through the driver (run A; the other runs of
        a comparison catch up). 0 from the driver: it has finished, Play stops."""
        if self.driver is None:
            return self.group.step(n)
        done = self.driver.advance(self.group.a, n)
        if len(self.group) > 1:
            self.group.catch_up()
        return done

    def _take_owed_steps(self) -> None:
        """Every step still owed to "step N", now (the next command acts on their result)."""
        pacer, group = self.pacer, self.group
        try:
            while pacer.pending > 0 and not self._all_stopped() and not self.stop_flag.is_set():
                n = group.step(1, pacer.record)
                self._rate_steps += n
                self.steps_run += n
                pacer.pending -= 1
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)
        pacer.pending = 0
        self._dirty = True

    def _all_stopped(self) -> bool:
        return all(s.diverged for s in self.group)

    # --- what a frame holds ----------------------------------------------------------------
    def set_grid_view(self, view, pixels) -> None:
        """The canvas's visible rectangle: the next frame's grids cover it."""
        if self.builder.set_view(view, pixels):
            self._dirty = True
            self._wake()

    def set_grid_unit(self, unit: tuple[int, int] | None) -> None:
        if self.builder.set_unit(unit):
            self._dirty = True
            self._wake()

    def set_frame_extra(self, name: str, fn) -> None:
        self.builder.set_extra(name, fn)
        self._dirty = True
        self._wake()

    def set_unit_maps(self, c: cmd.SetUnitMaps) -> None:
        request = MapRequest(c.extent, c.every, c.deltas, c.run) if c.on else None
        self.builder.set_maps(c.name, request)
        self._dirty = True
        self._wake()

    # --- changes ---------------------------------------------------------------------------
    def _change(self, command: cmd.Change) -> None:
        """All or nothing: a change that raises is undone (``RunGroup.all_or_nothing``),
        training pauses, and the GUI gets the unchanged state to show with the reason."""
        if command.pauses:
            self._halt()
        before = self.group
        try:
            if command.atomic:
                with before.all_or_nothing():
                    after = command.apply(before) or before
            else:
                after = command.apply(before) or before
        except Exception as exc:  # noqa: BLE001 - reported; the runs are as before
            self._refuse(command, exc)
            return
        self._go_with(after)

    def new_run(self, command: cmd.NewRun) -> None:
        """Keep a copy of the runs, then apply the changes that start a new one, all or
        nothing (see ``commands.NewRun``)."""
        before = self.group
        kept = before.copy()
        group, part = before, None
        try:
            with before.all_or_nothing():
                for part in command.commands:
                    group = part.apply(group) or group
        except Exception as exc:  # noqa: BLE001 - reported; the runs are as before
            self._refuse(part, exc, within=command)
            return
        self.kept.keep(command.keep_as, kept)
        self._go_with(group)

    def _go_with(self, group: RunGroup) -> None:
        if group is not self.group:  # a lesson, a comparison: training pauses, all anew
            self.group = group
            self._pause_for_new_runs()
        elif self.session.n_train == 0 and self.pacer.busy:
            self._halt()
            self._can_train()
        self._dirty = True
        self._wake()

    def swap_run(self, keep_as: int, restore: int) -> None:
        """Undo or redo across runs: the kept runs ``restore`` come back exactly."""
        try:
            back = self.kept.take(restore)
        except LookupError as exc:
            self._fail(exc)
            return
        self.kept.keep(keep_as, self.group)
        self.group = back
        self._pause_for_new_runs()
        self.runSwapped.emit(back.a.snapshot())
        self._dirty = True
        self._wake()

    def drop_runs(self, runs) -> None:
        self.kept.drop(runs)

    def _pause_for_new_runs(self) -> None:
        self._halt()
        self._stopped_runs = {id(s) for s in self.group if s.diverged}
        self.builder.new_runs()

    # --- calls and jobs ----------------------------------------------------------------------
    def call(self, fn, reply=None, whole_group: bool = False, run: int = 0) -> None:
        """Run ``fn(session)`` (run ``run``'s; or ``fn(group)``) in the engine thread
        (lesson saving, inspectors, tests); its result goes to ``reply`` in the GUI
        thread. An exception is reported (``errorOccurred``) and answers nothing; a run
        that is gone (closed, or the comparison stopped) answers a ``Failure``, so a view
        that showed it never acts on another run in its place."""

        def target():
            if whole_group:
                return self.group
            if not 0 <= run < len(self.group):
                return None
            return self.group[run]

        def go() -> None:
            s = target()
            if s is None:
                letter = LETTERS[run] if 0 <= run < len(LETTERS) else str(run)
                self._answer(reply, Failure(f"Run {letter} is gone (closed): nothing was done."))
                return
            if whole_group:
                result = fn(s)
            else:  # a compared run that stopped stays stopped (``RunGroup.on_run``)
                result = self.group.on_run(run, fn)
                self._keep_in_step(run)
            self._answer(reply, result)

        self._command(go)

    def _keep_in_step(self, lead: int = 0) -> None:
        """A call stepped or rewound one run alone (the inspector's phase walk, its rewind
        bar, on the run it shows): the other runs of a comparison follow it, so the runs
        stay in lock-step."""
        group = self.group
        if len(group) < 2 or not 0 <= lead < len(group):
            return
        s = group[lead]
        if s.diverged:
            return  # it stopped alone: the others go on without it
        others = [o.step_count for i, o in enumerate(group) if i != lead and not o.diverged]
        if others and s.step_count < max(others):
            # the lead's own timeline holds its step as it was before any hand edit made at
            # it: a rewind would take back the edits an undo left in effect, so the lead
            # keeps the state the call left it in when the others meet it at its step
            here = s.checkpoint()
            if group.rewind(s.step_count) == here.step:
                s.restore(here)
        else:
            group.catch_up()

    def _answer(self, reply, *args) -> None:
        if reply is not None:
            self.replied.emit((reply, args))

    def run_job(self, job, reply=None, progress=None) -> None:
        """Queue a long ``Job``; ``_tick`` advances it a slice at a time. Its result goes to
        ``reply``, its progress ``(done, total)`` to ``progress`` (GUI thread)."""
        report = None
        if progress is not None:
            report = lambda done, total: self._answer(progress, done, total)  # noqa: E731
        self.jobs.add(job, lambda result: self._answer(reply, result), report)
        self._wake()

    _dispatch = {
        cmd.SetRunning: lambda w, c: w.set_running(c.running),
        cmd.Step: lambda w, c: w.step(c.n),
        cmd.StepEpoch: lambda w, c: w.step_epoch(),
        cmd.SetSpeed: lambda w, c: w.set_speed(c.steps_per_second),
        cmd.SetGridView: lambda w, c: w.set_grid_view(c.view, c.pixels),
        cmd.SetGridUnit: lambda w, c: w.set_grid_unit(c.unit),
        cmd.SetFrameExtra: lambda w, c: w.set_frame_extra(c.name, c.fn),
        cmd.SetUnitMaps: lambda w, c: w.set_unit_maps(c),
        cmd.SetDriver: lambda w, c: w.set_driver(c.driver),
        cmd.NewRun: lambda w, c: w.new_run(c),
        cmd.SwapRun: lambda w, c: w.swap_run(c.keep_as, c.restore),
        cmd.DropRuns: lambda w, c: w.drop_runs(c.runs),
        cmd.Call: lambda w, c: w.call(c.fn, c.reply, c.group, c.run),
        cmd.RunJob: lambda w, c: w.run_job(c.job, c.reply, c.progress),
        cmd.Stop: lambda w, c: w.stop(),
    }

    # --- internals -----------------------------------------------------------------------
    def _command(self, fn) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - shown to the user, the runs go on
            self._fail(exc)
        self._dirty = True
        self._wake()

    def _refuse(self, command: object, exc: BaseException, within: object = None) -> None:
        """A change failed and was undone: pause, and send the unchanged state with why."""
        self._halt()
        msg = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        try:
            group = self.group.snapshot()
        except Exception as exc2:  # noqa: BLE001
            self._fail(exc2)
        else:
            snap = group.runs[0].snapshot
            self.commandFailed.emit(CommandFailure(command, msg, snap, within, group))
        self._dirty = True
        self._wake()

    def _can_train(self) -> bool:
        if self.session.n_train == 0:
            self.message.emit(NO_TRAINING_POINTS)
            return False
        return True

    def _halt(self) -> None:
        self.pacer.halt()
        self._sync_running()

    def _sync_running(self) -> bool:
        """Say when Play started or stopped; True if it did."""
        running = self.pacer.running
        if running == self._shown_running:
            return False
        self._shown_running = running
        self.runningChanged.emit(running)
        return True

    def _fail(self, exc: BaseException) -> None:
        self._halt()
        tb = traceback.format_exception_only(type(exc), exc)
        self.errorOccurred.emit("".join(tb).strip())

    def _wake(self) -> None:
        t = self._timer
        if t is None:
            return
        interval = LENT_POLL_MS if self.lent else self.pacer.interval_ms()
        if t.interval() != interval:
            t.setInterval(interval)
        if not t.isActive():
            t.start()

    @Slot()
    def _tick(self) -> None:
        if self.lent:
            self._tick_lent()
            if self.lent:
                self._wake()
                return
            # the runs came back by themselves (they all stopped, or a step failed): the
            # tick goes on as in the thread, which reports it
        elif self._try_lend():
            self._wake()
            return
        now = time.perf_counter()
        group, pacer = self.group, self.pacer
        try:
            done, spent = pacer.run(
                now,
                group.step,
                self._play,
                self._yield_to_gui,
                lambda: self.stop_flag.is_set() or self._all_stopped(),
            )
            self.timing["step"] += spent
            self.steps_run += done
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)
            done = 0
        stopped = self._sync_running()  # a driver that finished stopped Play
        self._rate_steps += done
        if done or stopped:  # a paused run's frame says so
            self._dirty = True
        if self.jobs:
            deadline = time.perf_counter() + JOB_SLICE_SECONDS
            self.jobs.run(self.session, deadline, self.stop_flag.is_set)
        self._check_stops()
        now = time.perf_counter()
        busy = pacer.busy
        due = not busy or self._frame_clock.due(now)
        if self._dirty and due and (not busy or self._mailbox is None):
            self._yield_to_gui()
            self._publish(time.perf_counter())
        if not busy and not self._dirty and not self.jobs and self._timer is not None:
            self._timer.stop()  # idle: sleep until the next command
        elif busy or self.jobs:
            self._wake()

    # --- the engine process (gui/engine_process.py) ----------------------------------------------
    @property
    def lent(self) -> bool:
        """The runs are in the engine process (``self.group`` is them as lent)."""
        p = self.process
        return p is not None and p.lent is not None

    def _may_lend(self) -> bool:
        """Play at "max" with nothing else that needs the runs in this thread."""
        pacer = self.pacer
        return (
            self.process_wanted
            and self._process_note is None
            and pacer.running
            and pacer.pending == 0
            and pacer.speed == MAX_SPEED
            and self.driver is None
            and not self.builder.extras
            and not self.jobs
            and not self.stop_flag.is_set()
            and time.perf_counter() - self._last_command >= LEND_QUIET_SECONDS
            and self.session.n_train > 0
            and not self._all_stopped()
        )

    def _try_lend(self) -> bool:
        """Lend the runs to the process if Play may run there and it is ready (started the
        first time it is wanted; the thread steps meanwhile). True if lent."""
        if not self._may_lend():
            return False
        try:
            if self.process is None:
                self.process = engine_process.EngineProcess()
            p = self.process
            if not p.poll_ready():
                if p.failed:
                    self._no_process(p.failed)
                return False
            b = self.builder
            settings = engine_process.FrameSettings(b.view, b.unit, tuple(b.map_requests.items()))
            p.lend(self.group, settings, self._serial)
            self.lends += 1
        except Exception as exc:  # noqa: BLE001 - the thread steps instead
            self._no_process(f"the engine process could not be used: {exc}")
            return False
        self._lent_stopped = {i for i, s in enumerate(self.group) if id(s) in self._stopped_runs}
        return True

    def _no_process(self, why: str) -> None:
        """The process is not used again by this worker (the thread steps)."""
        self._process_note = why
        p, self.process = self.process, None
        if p is not None:
            p.lent = None
            p.close(0.2)

    def _pass_on(self, command) -> bool:
        """A command that only says what the frames show goes to the process too (the
        runs stay lent); True if it was."""
        kind = type(command)
        if kind is cmd.SetGridView:
            if self.builder.set_view(command.view, command.pixels):
                self.process.tell("view", self.builder.view)
            return True
        if kind is cmd.SetGridUnit:
            if self.builder.set_unit(command.unit):
                self.process.tell("unit", self.builder.unit)
            return True
        if kind is cmd.SetUnitMaps:
            self.set_unit_maps(command)
            self.process.tell("maps", command.name, self.builder.map_requests.get(command.name))
            return True
        if kind is cmd.Call and command.reads_only and not command.group:
            return self._call_there(command)
        if kind is cmd.SetRunning and command.running:
            return True  # already playing
        if kind is cmd.SetSpeed and command.steps_per_second == MAX_SPEED:
            return True
        return False

    def _call_there(self, c: cmd.Call) -> bool:
        """A call that only reads, answered by the process on the runs as they are there;
        False if it cannot be (``fn`` does not pickle, or no such run)."""
        if not 0 <= c.run < len(self.group):
            return False
        try:
            blob = pickle.dumps(c.fn, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a closure: the runs come back for it
            return False
        self._remote_id += 1
        self._remote[self._remote_id] = c
        self.process.tell("call", self._remote_id, blob, c.run)
        return True

    def _tick_lent(self) -> None:
        p = self.process
        try:
            messages = p.messages()
        except engine_process.ProcessLost as exc:
            self._lost(str(exc))
            return
        for msg in messages:
            self._receive(msg)
        if self.lent and p.awaiting_take and self._mailbox is None:
            # the window has taken the last frame: the process makes the next one while the
            # window draws this one (as this thread's mailbox works)
            p.awaiting_take = False
            p.tell("taken")

    def _receive(self, msg, post: bool = True) -> None:
        kind = msg[0]
        if kind == "reply":
            c = self._remote.pop(msg[1], None)
            if c is not None:
                self._answer(c.reply, msg[2])
            return
        if kind == "frame":
            _, frame, steps, spent = msg
            self.steps_run += steps
            for k, v in spent.items():
                self.timing[k] = self.timing.get(k, 0) + v
            self._serial = max(self._serial, frame.serial)
            if not post:  # on its way back: its picture is out of date
                return
            self._rate = frame.steps_per_second
            self._post(frame)
            self.process.awaiting_take = True
            self._note_stops(frame)
        elif kind == "back":
            _, group, steps, why, serial = msg
            self.steps_run += steps
            self._serial = max(self._serial, serial)
            self.process.lent = None
            self.group = group
            self._stopped_runs = {id(s) for i, s in enumerate(group) if i in self._lent_stopped}
            self.builder.new_runs()
            self._rate_steps, self._rate_t0 = 0, time.perf_counter()
            self._dirty = True
            self._answer_here()
            if why.startswith("failed: "):
                self._fail(RuntimeError(why[len("failed: ") :]))

    def _answer_here(self) -> None:
        """The calls sent to the process that it did not answer (it stopped by itself, or
        was lost) are answered here, so no caller waits for ever."""
        remote, self._remote = self._remote, {}
        for c in remote.values():
            self._command(lambda c=c: self._answer(c.reply, c.fn(self.group[c.run])))

    def _note_stops(self, frame: Frame) -> None:
        """A run of a comparison that stopped alone in the process is reported as the
        thread reports it (``_check_stops``)."""
        runs = frame.runs
        if len(runs) < 2:
            return
        for i, run in enumerate(runs):
            if run.status.diverged and i not in self._lent_stopped:
                self._lent_stopped.add(i)
                self.runDiverged.emit((i, run.status.diverged))

    def _take_back(self, wait: float = engine_process.BACK_SECONDS) -> None:
        """The runs back from the process, as they are after its last whole step."""
        try:
            messages = self.process.ask_back(wait)
        except engine_process.ProcessLost as exc:
            self._lost(str(exc))
            return
        for msg in messages:
            self._receive(msg, post=False)

    def _lost(self, why: str) -> None:
        """The process has gone with the runs: go on from them as they were lent."""
        step = self.group.a.step_count
        self._no_process(why)
        self._answer_here()  # on the runs as lent
        self.builder.new_runs()
        self._dirty = True
        self.message.emit(
            f"The engine process stopped ({why}). Training goes on in the window from "
            f"step {step}, where the runs were last handed to it."
        )

    def _check_stops(self) -> None:
        """Divergence is judged per run: one that stops alone is reported and the others
        go on; when every run has stopped, training pauses."""
        runs = list(self.group)
        if len(runs) > 1:
            for i, s in enumerate(runs):
                if s.diverged and id(s) not in self._stopped_runs:
                    self._stopped_runs.add(id(s))
                    self.runDiverged.emit((i, s.diverged))
                    self._dirty = True
        if self.pacer.busy and all(s.diverged for s in runs):
            self._halt()
            self.diverged.emit(runs[0].diverged)
            self._dirty = True

    def _yield_to_gui(self) -> None:
        if not self.gui_idle.is_set():
            t0 = time.perf_counter()
            self.gui_idle.wait(GUI_WAIT_LIMIT)
            self.timing["handover"] += time.perf_counter() - t0

    def _publish(self, now: float) -> None:
        busy = self.pacer.busy
        dt = now - self._rate_t0
        if dt >= 0.25 or not busy:
            if busy or self._rate_steps:
                self._rate = self._rate_steps / dt if dt > 0 else 0.0
            if not busy and not self._rate_steps:
                self._rate = 0.0
            self._rate_steps = 0
            self._rate_t0 = now
        try:
            frame = self.builder.build(self.group, self._serial + 1, busy, now, self._rate)
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)
            self._dirty = False
            return
        self._serial += 1
        self._frame_clock.published(now)
        self._dirty = False
        self._post(frame)
