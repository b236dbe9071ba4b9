"""How many steps each tick of the engine thread takes: Qt-free, tested without a window.

Three ways to train, one loop (``Pacer.run``):

* **by hand**: "step N" owes N steps, taken one at a time (each may record a history row:
  a person's steps are points on the curves), until they are all taken;
* **playing at a speed**: steps accrue with the time passed (``speed`` steps a second, at
  most a tenth of a second's worth after a stall, so a stall brings no burst), one at a
  time;
* **playing as fast as it goes** (speed 0): ``CHUNK`` steps per call, fewer Python calls
  per step.

A tick ends after ``TICK_SECONDS`` so the thread's event loop can run the next command.
What a step is belongs to the caller: ``run`` takes ``step(n, record)`` for steps by hand
and ``play(n)`` for Play (plain steps, or a driver such as a lecture's run beat, which
returns 0 once it has finished: Play then stops).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

TICK_SECONDS = 0.008
CHUNK = 4  # steps per call at full speed (fewer Python calls per step)
MANUAL_ROWS = 100  # "step N" up to this many records a history row for each step
MAX_SPEED = 0.0  # steps per second: 0 means "as fast as it goes"
MAX_INTERVAL_MS = 16  # a slow speed still looks at least this often


class Pacer:
    """The training state of the engine thread: playing, steps owed by hand, the speed.

    ``clock`` is ``time.perf_counter`` (a test passes its own)."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter):
        self.clock = clock
        self.running = False  # playing
        self.pending = 0  # steps still owed to "step N"
        self.record = False  # every owed step gets a history row (steps by hand)
        self.speed = MAX_SPEED
        self._budget = 0.0  # steps accrued while playing at a speed
        self._last_tick = clock()

    @property
    def busy(self) -> bool:
        """Training: playing, or steps owed."""
        return self.running or self.pending > 0

    # --- what the commands do --------------------------------------------------------------
    def set_running(self, running: bool) -> None:
        """Play or pause; either way the steps owed by hand are dropped."""
        self.running = bool(running)
        self.pending = 0
        self.restart_clock()

    def add_steps(self, n: int) -> None:
        """Pause, and owe ``n`` more steps (a press before the last one's steps are taken
        adds to them)."""
        self.running = False
        if n > 0:
            self.pending += int(n)
            # a person's steps are points on the curves; a long epoch thins like a run
            self.record = self.pending <= MANUAL_ROWS

    def halt(self) -> None:
        """Stop training at once: pause, nothing owed (a failure, a divergence, a new run)."""
        self.running = False
        self.pending = 0

    def set_speed(self, steps_per_second: float) -> None:
        self.speed = max(0.0, float(steps_per_second))
        self.restart_clock()

    def restart_clock(self) -> None:
        """Nothing accrued: a speed counts from now."""
        self._budget = 0.0
        self._last_tick = self.clock()

    def interval_ms(self) -> int:
        """How long the thread may sleep between ticks: a slow speed needs no busy loop."""
        if self.running and self.speed > 0 and not self.pending:
            return int(min(float(MAX_INTERVAL_MS), 1000.0 / self.speed))
        return 0

    # --- the loop --------------------------------------------------------------------------
    def run(
        self,
        t0: float,
        step: Callable[[int, bool], int],
        play: Callable[[int], int],
        gate: Callable[[], None] = lambda: None,
        stop: Callable[[], bool] = lambda: False,
    ) -> tuple[int, float]:
        """One tick from ``t0``: the steps owed, or Play's steps, until ``TICK_SECONDS`` have
        passed, ``stop()`` says so (all runs stopped, a shutdown) or none are due.
        ``gate()`` runs before each call (the engine waits there while the window draws).
        Returns (steps taken, seconds spent in ``step`` and ``play``)."""
        clock = self.clock
        deadline = t0 + TICK_SECONDS
        if self.running and not self.pending and self.speed > 0:
            self._budget += (t0 - self._last_tick) * self.speed
            self._budget = min(self._budget, self.speed * 0.1 + 1.0)  # no burst after a stall
        done, spent = 0, 0.0
        while not stop():
            if self.pending > 0:
                n, by_hand = 1, True
            elif not self.running:
                break
            elif self.speed <= 0:
                n, by_hand = CHUNK, False
            elif self._budget >= 1.0:
                n, by_hand = 1, False
            else:
                break
            gate()
            t = clock()
            took = step(n, self.record) if by_hand else play(n)
            now = clock()
            spent += now - t
            done += took
            if by_hand:
                self.pending -= 1
            else:
                if self.speed > 0:
                    self._budget -= 1.0
                if took == 0:  # a driver that has finished: Play stops
                    self.running = False
            if now >= deadline:
                break
        self._last_tick = t0
        return done, spent


class FrameClock:
    """When the next frame may be published: on a fixed grid of ``1 / hz`` seconds.

    A frame can only be published between chunks of steps, and only once the window has
    taken the last one (it looks for frames on its own timer), so each frame goes out a
    little after it was due. Counting the next one from when the last went out added that
    lateness to every frame: about 1 ms on average, so 60 frames a second became 55–56.
    On a grid, a late frame does not delay the next one; after a pause or a stall longer
    than a frame the grid goes on from the next slot, with no burst of frames to catch up.
    """

    def __init__(self, hz: float):
        self.period = 1.0 / hz
        self.next = -math.inf  # the first frame is due at once

    def due(self, now: float) -> bool:
        return now >= self.next

    def published(self, now: float) -> None:
        """A frame went out at ``now``: the next is due at the grid's next slot after it."""
        late = now - self.next
        if late < 0 or not math.isfinite(late):
            # out of turn (a paused run's frame), or the first: the grid starts here
            self.next = now + self.period
        elif late < self.period:
            self.next += self.period
        else:  # slots missed while paused or stalled: the grid goes on from the next one
            self.next += self.period * (1 + math.floor(late / self.period))
