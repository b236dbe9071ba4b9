"""Reading and writing files off the GUI thread.

A lesson of 20,000 points takes a noticeable time to parse, validate, build into a
session or write; on the GUI thread that freezes drawing. ``BackgroundIO`` runs each task
on a daemon Python thread (not a QThread: a QThread still running when its object goes
aborts the process) and hands the result back on the GUI thread.

At shutdown, reads are abandoned (their thread ends on its own; the result is dropped)
and writes get a short grace period: every write is atomic (a temporary file, then
``os.replace``), so one cut short leaves the old file whole.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

WRITE_GRACE_SECONDS = 0.8  # of the 1 s a close may take


@dataclass(eq=False)
class Task:
    """``fn(stop)`` runs on a background thread (``stop`` is a ``threading.Event`` set at
    shutdown or cancel); ``on_done(result)`` runs on the GUI thread, where ``result`` is
    what ``fn`` returned or the exception it raised."""

    kind: str
    fn: Callable[[threading.Event], Any]
    on_done: Callable[[Any], None]
    writes: bool = False
    stop: threading.Event = field(default_factory=threading.Event)
    started: float = 0.0
    duration: float = 0.0  # seconds on the background thread

    def cancel(self) -> None:
        self.stop.set()


class BackgroundIO(QObject):
    _finished = Signal(object)  # (task, result), emitted from the background thread

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
        task.on_done(result)

    def shutdown(self, grace: float = WRITE_GRACE_SECONDS) -> bool:
        """Stop reads, give writes up to ``grace`` seconds; True if all writes ended."""
        self._closed = True
        deadline = time.perf_counter() + grace
        ok = True
        for task, t in list(self._threads.items()):
            if not task.writes:
                task.cancel()
                continue
            t.join(max(0.0, deadline - time.perf_counter()))
            ok = ok and not t.is_alive()
        return ok
