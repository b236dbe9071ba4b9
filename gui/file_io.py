"""Reading and writing files off the GUI thread.

A lesson of 20,000 points takes a noticeable time to parse, validate, build into a
session or write; on the GUI thread that freezes drawing. ``BackgroundIO`` runs each task
on a daemon Python thread (not a QThread: a QThread still running when its object goes
aborts the process) and hands the result back on the GUI thread.

Every write is atomic (a temporary file, then ``os.replace``) and can be cancelled between
chunks (engine/fileio.py): a cancelled write removes its temporary file and leaves the
target as it was. At shutdown, reads are abandoned (their thread ends on its own; the
result is dropped), writes marked ``cancel_at_close`` (the autosave, removed at a clean
close anyway) are cancelled, and the others are waited for: the window waits for a save
the user asked for before it closes (gui/autosave.py), so here they have ended already,
except on a disk that stopped answering.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

# a write still running at shutdown (the window waits for the user's saves before it
# closes, so only a disk that stopped answering gets here) is waited for this long, then
# cancelled; a cancelled write ends within one chunk
WRITE_WAIT_SECONDS = 30.0
CANCEL_WAIT_SECONDS = 5.0


@dataclass(eq=False)
class Task:
    """``fn(stop)`` runs on a background thread (``stop`` is a ``threading.Event`` set at
    shutdown or cancel); ``on_done(result)`` runs on the GUI thread, where ``result`` is
    what ``fn`` returned or the exception it raised. A writing ``fn`` may set ``progress``
    (0..1) as it goes."""

    kind: str
    fn: Callable[[threading.Event], Any]
    on_done: Callable[[Any], None]
    writes: bool = False
    cancel_at_close: bool = False
    stop: threading.Event = field(default_factory=threading.Event)
    started: float = 0.0
    duration: float = 0.0  # seconds on the background thread
    progress: float = 0.0

    def cancel(self) -> None:
        self.stop.set()

    def set_progress(self, fraction: float) -> None:
        self.progress = float(fraction)


class BackgroundIO(QObject):
    _finished = Signal(object)  # (task, result), emitted from the background thread
    taskEnded = Signal(object)  # the task, on the GUI thread, after its ``on_done``

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._threads: dict[Task, threading.Thread] = {}
        self._closed = False
        self._finished.connect(self._deliver)

    def run(self, task: Task) -> Task:
        if self._closed:
            return task
        t = threading.Thread(
            target=self._work, args=(task,), name=f"backprop-lab {task.kind}", daemon=True
        )
        self._threads[task] = t
        task.started = time.perf_counter()
        t.start()
        return task

    @property
    def busy(self) -> bool:
        return any(t.is_alive() for t in self._threads.values())

    def busy_with(self, kind: str) -> bool:
        return any(k.kind == kind and t.is_alive() for k, t in self._threads.items())

    def running(self, kind: str) -> list[Task]:
        """The tasks of ``kind`` not yet handed back, oldest first."""
        return [k for k in self._threads if k.kind == kind]

    def _work(self, task: Task) -> None:
        try:
            result: Any = task.fn(task.stop)
        except Exception as exc:  # noqa: BLE001 - handed to on_done, shown to the user
            result = exc
        task.duration = time.perf_counter() - task.started
        try:
            self._finished.emit((task, result))
        except RuntimeError:  # the window (and this object) is gone: nobody to tell
            pass

    @Slot(object)
    def _deliver(self, task_result) -> None:
        task, result = task_result
        self._threads.pop(task, None)
        if self._closed or task.stop.is_set():
            return
        try:
            task.on_done(result)
        finally:
            self.taskEnded.emit(task)

    def shutdown(self, wait: float = WRITE_WAIT_SECONDS) -> bool:
        """Drop reads, cancel writes marked ``cancel_at_close``, wait up to ``wait``
        seconds for the other writes (then cancel them too); True if every write ended.
        No write is cut off half-way while its thread runs: each one ends whole or
        cancelled, without a temporary file."""
        self._closed = True
        writes = []
        for task, t in list(self._threads.items()):
            if not task.writes or task.cancel_at_close:
                task.cancel()
            if task.writes:
                writes.append((task, t))
        deadline = time.perf_counter() + wait
        for task, t in writes:
            t.join(max(0.0, deadline - time.perf_counter()))
            if t.is_alive():
                task.cancel()
        deadline = time.perf_counter() + CANCEL_WAIT_SECONDS
        for _task, t in writes:
            t.join(max(0.0, deadline - time.perf_counter()))
        return not any(t.is_alive() for _task, t in writes)
