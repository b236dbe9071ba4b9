"""Calls into a run that answer with values: requests, sliced jobs and their one runner.

The window runs these in the engine thread; scripts and tests call them directly.

* ``Request`` runs ``fn(target)`` and returns its result, or a ``Failure`` carrying the
  exception's message: nothing raises across a thread boundary.
* ``Job`` is a request whose ``fn(target)`` returns a generator: it yields progress
  ``(done, total)`` and returns the result, so a long call (the gradient check of a wide
  network) can run in slices between training steps. ``cancel()`` may be called from any
  thread; the job then answers ``Cancelled``.
* ``run_to_end`` runs such a generator at once; ``JobRunner`` runs queued jobs a slice at a
  time, oldest first, until a deadline. They are the only two ways a sliced computation is
  run.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

R = TypeVar("R")
Progress = tuple[int, int]  # (done, total)


@dataclass(frozen=True)
class Failure:
    """An exception raised by a request, as a value: the message a view shows."""

    message: str

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        return cls(f"{type(exc).__name__}: {exc}")


class Cancelled(Failure):
    """A job stopped by ``Job.cancel`` before it finished."""


class Request:
    """``fn(target)`` that answers an exception with a ``Failure`` instead of raising.
    ``kind`` names what it asks for (the caller's own bookkeeping)."""

    def __init__(self, fn: Callable[[Any], Any], kind: str = ""):
        self.fn, self.kind = fn, kind

    def __call__(self, target: Any) -> Any:
        try:
            return self.fn(target)
        except Exception as exc:  # noqa: BLE001 - answered to whoever asked
            return Failure.of(exc)


class Job(Request):
    """A long request run in slices (see the module's notes); calling it runs it to the
    end at once (tests, scripts): the result, a ``Failure`` or ``Cancelled``."""

    def __init__(self, fn: Callable[[Any], Generator[Progress, None, Any]], kind: str = "") -> None:
        super().__init__(fn, kind)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def __call__(self, target: Any) -> Any:
        try:
            return run_to_end(self.fn(target), lambda: self.cancelled)
        except Exception as exc:  # noqa: BLE001 - answered to whoever asked
            return Failure.of(exc)


def run_to_end(
    steps: Generator[object, None, R], cancelled: Callable[[], bool] | None = None
) -> R | Cancelled:
    """Run a sliced computation (a generator that yields progress) at once: its result,
    or ``Cancelled`` as soon as ``cancelled()`` says so (checked between slices)."""
    try:
        while True:
            if cancelled is not None and cancelled():
                return Cancelled("Cancelled.")
            try:
                next(steps)
            except StopIteration as done:
                return done.value
    finally:
        steps.close()


@dataclass
class _Queued:
    job: Job
    done: Callable[[Any], None]
    progress: Callable[[int, int], None] | None
    steps: Generator | None = None
    reported: float = field(default=-float("inf"))


class JobRunner:
    """Jobs queued in order and run a slice at a time on one target (the engine thread
    calls ``run`` between steps). Each job answers exactly once through its ``done``
    callback: its result, a ``Failure``, or ``Cancelled``; its progress goes to
    ``progress`` at most every ``progress_seconds``. The callbacks run in the caller of
    ``run``."""

    def __init__(self, progress_seconds: float = 0.1):
        self.progress_seconds = progress_seconds
        self._queue: deque[_Queued] = deque()

    def __len__(self) -> int:
        return len(self._queue)

    def add(
        self,
        job: Job,
        done: Callable[[Any], None],
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self._queue.append(_Queued(job, done, progress))

    def run(self, target: Any, deadline: float, stop: Callable[[], bool] = lambda: False) -> None:
        """Advance the oldest jobs until ``deadline`` (``time.perf_counter``); a job that
        ends is answered and the next one goes on. ``stop()`` (a shutdown) returns at once,
        leaving the job unanswered."""
        clock = time.perf_counter
        while self._queue and not stop():
            entry = self._queue[0]
            job = entry.job
            result: Any = None
            try:
                if job.cancelled:
                    raise _Stopped
                if entry.steps is None:
                    entry.steps = job.fn(target)
                progress = None
                while clock() < deadline:
                    if job.cancelled:
                        raise _Stopped
                    if stop():
                        return
                    progress = next(entry.steps)
                now = clock()
                if progress is not None and entry.progress is not None:
                    if now - entry.reported >= self.progress_seconds:
                        entry.reported = now
                        entry.progress(*progress)
                return  # out of time: the next call goes on
            except _Stopped:
                result = Cancelled("Cancelled.")
            except StopIteration as finished:
                result = finished.value
            except Exception as exc:  # noqa: BLE001 - answered to whoever asked
                result = Failure.of(exc)
            self._queue.popleft()
            if entry.steps is not None:
                entry.steps.close()
            entry.done(result)

    def close(self) -> None:
        """Drop every job unanswered (nobody waits for them at a shutdown)."""
        for entry in self._queue:
            if entry.steps is not None:
                entry.steps.close()
        self._queue.clear()


class _Stopped(Exception):
    """A job was cancelled between two slices."""
