"""The GUI thread's handle on the engine thread (``EngineController``).

It starts the engine thread with an ``EngineWorker`` in it, queues typed commands
(``gui/commands.py``) on one signal, pulls published frames from the worker's mailbox on
a GUI-thread timer and re-emits them as ``frameReady``; see gui/worker.py for the
worker's side and docs/architecture.md for the whole design.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.group import RunGroup
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from . import commands as cmd
from .worker import POLL_MS, EngineWorker, Frame


class EngineController(QObject):
    """The GUI thread's handle on the engine thread: emits queued commands, re-emits frames.

    Keep a reference for the window's lifetime and call ``shutdown()`` before it goes.
    """

    frameReady = Signal(object)  # Frame, in the GUI thread
    runningChanged = Signal(bool)
    diverged = Signal(str)  # every run has stopped (one run: why it stopped)
    runDiverged = Signal(object)  # (run index, message): a compared run stopped alone
    errorOccurred = Signal(str)
    message = Signal(str)
    commandFailed = Signal(object)  # CommandFailure: nothing changed in the engine
    runSwapped = Signal(object)  # Snapshot of a run that undo or redo brought back

    # every command travels on this one queued signal (see gui/commands.py)
    _queue = Signal(object)

    def __init__(self, session: TrainingSession | RunGroup, parent: QObject | None = None):
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("backprop-lab engine")
        self.worker = EngineWorker(session)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        w = self.worker
        self._queue.connect(w.execute)
        # the GUI pulls frames at its own pace: a queued signal per frame would keep Qt's
        # posted-event queue non-empty under load, and posted events starve QTimers
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._on_frame_ready)
        self._poll.start()
        w.runningChanged.connect(self._on_running)
        # signal to signal: re-emitted in the GUI thread (queued across the threads)
        w.diverged.connect(self.diverged)
        w.runDiverged.connect(self.runDiverged)
        w.errorOccurred.connect(self.errorOccurred)
        w.message.connect(self.message)
        w.replied.connect(self._on_replied)
        w.commandFailed.connect(self.commandFailed)
        w.runSwapped.connect(self.runSwapped)
        self.running = False
        # with gate_frames, the worker pauses between steps from taking a frame until
        # ``frame_painted()``: drawing then never waits for GIL hand-offs to the worker
        # (the window sets it and calls frame_painted after each repaint)
        self.gate_frames = False
        self.latest: Frame | None = None
        self._shut = False
        self._run_changes: list | None = None  # collected inside ``new_run``
        self.changes_sent = 0  # edits of the runs sent (``commands.RUN_EDITS``)
        # the run of a comparison the panels show and change (gui/compare_window.py): the
        # network, the settings and the seed they send go to it (0, A: a single run)
        self.focus_run = 0
        self.thread.start()

    # --- commands ------------------------------------------------------------------------
    def send(self, command: cmd.Command) -> None:
        """Queue a command into the engine thread; it runs between steps, in order.
        Inside ``new_run`` the changes are collected and sent together when it ends."""
        if self._run_changes is not None and isinstance(command, cmd.RUN_CHANGES):
            self._run_changes.append(command)
            return
        self._emit(command)

    def _emit(self, command: cmd.Command) -> None:
        if isinstance(command, cmd.RUN_EDITS):
            self.changes_sent += 1
        self._queue.emit(command)

    def caught_up(self, frame: Frame) -> bool:
        """``frame`` was made after the engine thread took every edit of the runs sent
        from here: its runs' data, designs and settings are the engine's. A frame made
        before the last one can still arrive after it (the window took it late)."""
        return frame.changes is None or frame.changes >= self.changes_sent

    @contextmanager
    def new_run(self, keep_as: int, run: int) -> Iterator[None]:
        """The changes sent inside make one ``NewRun``: the engine keeps a copy of the run
        as ``keep_as`` first, then applies them all or none. Nested: one step."""
        if self._run_changes is not None:
            yield
            return
        self._run_changes = []
        try:
            yield
        finally:
            changes, self._run_changes = tuple(self._run_changes), None
            self._emit(cmd.NewRun(keep_as, changes, run))

    def swap_run(self, keep_as: int, restore: int) -> None:
        self.send(cmd.SwapRun(int(keep_as), int(restore)))

    def drop_runs(self, runs) -> None:
        runs = tuple(int(r) for r in runs)
        if runs:
            self.send(cmd.DropRuns(runs))

    # shorthands for the commands the views send most
    def set_running(self, running: bool) -> None:
        self.send(cmd.SetRunning(bool(running)))

    def step(self, n: int = 1) -> None:
        self.send(cmd.Step(int(n)))

    def step_epoch(self) -> None:
        self.send(cmd.StepEpoch())

    def set_speed(self, steps_per_second: float) -> None:
        self.send(cmd.SetSpeed(float(steps_per_second)))

    def set_dataset(self, dataset: Dataset) -> None:
        self.send(cmd.SetDataset(dataset))

    def set_network(self, spec: NetworkSpec) -> None:
        self.send(cmd.SetNetwork(spec, self.focus_run))

    def set_hyper(self, hyper: HyperParameters) -> None:
        self.send(cmd.SetHyper(hyper, self.focus_run))

    def set_seed(self, seed: int) -> None:
        self.send(cmd.SetSeed(int(seed), self.focus_run))

    def reset_parameters(self) -> None:
        self.send(cmd.ResetParameters())

    def replace_session(self, session: TrainingSession) -> None:
        self.send(cmd.ReplaceSession(session))

    def call_in_engine(
        self, fn, reply=None, group: bool = False, run: int = 0, reads_only: bool = False
    ) -> None:
        """Queue ``fn(session)`` (run ``run``, A by default; with ``group``,
        ``fn(run_group)``) to run in the engine thread between steps; its result goes to
        ``reply(result)``, here in the GUI thread (``reads_only``: see ``commands.Call``)."""
        self.send(cmd.Call(fn, reply, group, int(run), bool(reads_only)))

    def run_job(self, job, reply=None, progress=None) -> None:
        """Queue a long ``Job`` (engine/jobs.py): it runs in slices between steps; see
        ``commands.RunJob``."""
        self.send(cmd.RunJob(job, reply, progress))

    # comparisons (engine/group.py): send the ones that add or drop runs inside
    # ``new_run`` so that undo brings the runs before them back
    def duplicate(self, run: int = 0) -> None:
        self.send(cmd.Duplicate(int(run)))

    def close_run(self, run: int) -> None:
        self.send(cmd.CloseRun(int(run)))

    def contrast(self, key: str) -> None:
        self.send(cmd.Contrast(str(key)))

    def change_run(
        self,
        run: int,
        spec: NetworkSpec | None = None,
        hyper: HyperParameters | None = None,
        seed: int | None = None,
    ) -> None:
        """One run's network, settings or seed (a comparison then starts again at θ₀)."""
        if spec is not None:
            self.send(cmd.SetNetwork(spec, int(run)))
        if hyper is not None:
            self.send(cmd.SetHyper(hyper, int(run)))
        if seed is not None:
            self.send(cmd.SetSeed(int(seed), int(run)))

    def set_all(self, **changes) -> None:
        """Settings of every run at once (``set_all(alpha=0.3)``)."""
        self.send(cmd.SetAll(dict(changes)))

    def rewind(self, step: int) -> None:
        """Every run back to the kept step nearest ``step``."""
        self.send(cmd.Rewind(int(step)))

    def replace_group(self, group: RunGroup) -> None:
        self.send(cmd.ReplaceGroup(group))

    def set_unit_maps(self, name: str, on: bool = True, **request) -> None:
        """Frames carry unit maps as ``Frame.maps[name]`` (see ``commands.SetUnitMaps``)."""
        self.send(cmd.SetUnitMaps(name, bool(on), **request))

    def use_engine_process(self, on: bool = True) -> None:
        """Play at "max" steps in a process of its own (gui/engine_process.py); the window
        asks for it unless ``BACKPROP_LAB_ENGINE=thread``. Set before training starts."""
        from . import engine_process

        self.worker.process_wanted = bool(on) and engine_process.wanted()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the worker (queued), then wait for the thread to finish. The stop flag
        makes a running step loop or job slice return at once, so this takes one slice
        (about 10 ms), not the rest of a long call."""
        if self._shut:
            return True
        self._shut = True
        self._poll.stop()
        self.worker.stop_flag.set()
        self.worker.gui_idle.set()
        if self.thread.isRunning():
            self.send(cmd.Stop())
            ok = self.thread.wait(timeout_ms)
        else:
            ok = True
        return bool(ok)

    # --- receivers (GUI thread) ----------------------------------------------------------
    @Slot()
    def _on_frame_ready(self) -> None:
        frame = self.worker.take_frame()
        if frame is None:
            return
        self.latest = frame
        if self.gate_frames:
            self.worker.gui_idle.clear()
        try:
            self.frameReady.emit(frame)
        finally:
            if not self.gate_frames:
                self._drawn()

    @Slot()
    def _drawn(self) -> None:
        self.worker.gui_idle.set()

    def frame_painted(self) -> None:
        """The window calls this once the frame is on screen: the worker steps again."""
        self.worker.gui_idle.set()

    @Slot(object)
    def _on_replied(self, reply_args) -> None:
        """An answer from the engine thread, for the one caller that asked."""
        reply, args = reply_args
        reply(*args)

    @Slot(bool)
    def _on_running(self, running: bool) -> None:
        self.running = running
        self.runningChanged.emit(running)
