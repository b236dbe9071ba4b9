"""The engine thread's pacing without a thread or Qt: steps by hand, at a speed, as fast
as it goes, through a driver; a fake clock instead of time."""

from __future__ import annotations

import random

from backprop_lab.gui.pacer import CHUNK, MANUAL_ROWS, TICK_SECONDS, FrameClock, Pacer


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


class Run:
    """Counts what the pacer asks for; each call costs ``cost`` seconds of the clock."""

    def __init__(self, clock: Clock, cost: float = 0.0):
        self.clock, self.cost = clock, cost
        self.steps: list[tuple[int, bool]] = []
        self.played: list[int] = []

    def step(self, n: int, record: bool) -> int:
        self.steps.append((n, record))
        self.clock.t += self.cost
        return n

    def play(self, n: int) -> int:
        self.played.append(n)
        self.clock.t += self.cost
        return n


def tick(p: Pacer, run: Run, **kw) -> int:
    done, _spent = p.run(p.clock(), run.step, run.play, **kw)
    return done


def test_steps_by_hand_are_taken_one_at_a_time_with_a_row_each():
    clock = Clock()
    p, run = Pacer(clock), Run(clock)
    p.add_steps(3)
    p.add_steps(2)  # a second press before the first's steps are taken adds to them
    assert p.busy and not p.running
    assert tick(p, run) == 5
    assert run.steps == [(1, True)] * 5 and not p.busy
    assert tick(p, run) == 0  # nothing owed, nothing more


def test_a_long_run_by_hand_thins_its_rows_and_spreads_over_ticks():
    clock = Clock()
    p, run = Pacer(clock), Run(clock, cost=TICK_SECONDS * 0.3)
    p.add_steps(MANUAL_ROWS + 1)
    assert not p.record
    taken = tick(p, run)
    assert taken == 4 and p.pending == MANUAL_ROWS + 1 - 4  # the tick ended on time
    while p.busy:
        tick(p, run)
    assert sum(n for n, _ in run.steps) == MANUAL_ROWS + 1
    assert not any(record for _, record in run.steps)


def test_play_at_full_speed_takes_chunks_until_the_tick_ends():
    clock = Clock()
    p, run = Pacer(clock), Run(clock, cost=TICK_SECONDS / 3)
    p.set_running(True)
    assert tick(p, run) == 3 * CHUNK and run.played == [CHUNK] * 3
    assert p.interval_ms() == 0
    p.set_running(False)
    assert tick(p, run) == 0 and not p.busy


def test_play_at_a_speed_follows_the_clock_with_no_burst_after_a_stall():
    clock = Clock()
    p, run = Pacer(clock), Run(clock)
    p.set_speed(100.0)
    p.set_running(True)
    assert p.interval_ms() == 10
    clock.t += 0.055
    assert tick(p, run) == 5 and run.played == [1] * 5
    clock.t += 10.0  # a stall: at most a tenth of a second's steps, plus one
    assert tick(p, run) == 11
    clock.t += 0.001
    assert tick(p, run) == 0  # not yet the time for another step


def test_a_press_of_step_pauses_play_and_play_drops_the_steps_owed():
    p = Pacer(Clock())
    p.set_running(True)
    p.add_steps(2)
    assert not p.running and p.pending == 2
    p.set_running(True)
    assert p.running and p.pending == 0


def test_a_driver_that_has_finished_stops_play():
    clock = Clock()
    p = Pacer(clock)
    left = [6]

    def play(n):
        k = min(n, left[0])
        left[0] -= k
        return k

    p.set_running(True)
    done, _ = p.run(clock(), lambda n, r: n, play)
    assert done == 6 and not p.running and left == [0]


def test_stop_and_the_gate_are_asked_before_every_call():
    clock = Clock()
    p, run = Pacer(clock), Run(clock)
    gates = []
    p.add_steps(5)
    stops = iter([False, False, True])
    done = tick(p, run, gate=lambda: gates.append(1), stop=lambda: next(stops))
    assert done == 2 and len(gates) == 2 and p.pending == 3
    p.halt()
    assert not p.busy


# --- when frames go out -------------------------------------------------------------------
def _publish_for(seconds: float, check_every, taken_after, hz: float = 60.0):
    """The engine's loop on a fake clock: it looks between chunks of ``check_every()``
    seconds and publishes when a frame is due and the window has taken the last one
    (``taken_after(i)`` seconds after frame i went out). Returns the publishing times."""
    clock = FrameClock(hz)
    t, sent, taken_at = 0.0, [], 0.0
    while t < seconds:
        t += check_every()
        if t >= taken_at and clock.due(t):
            sent.append(t)
            clock.published(t)
            taken_at = t + taken_after(len(sent))
    return sent


def test_frames_keep_the_full_rate_though_each_goes_out_late():
    # looked at every 1–3 ms (a chunk of steps), taken by the window 3–13 ms later: each
    # frame goes out up to a chunk after it was due, and the next is not delayed by that
    rng = random.Random(1)
    sent = _publish_for(
        10.0, lambda: rng.uniform(0.001, 0.003), lambda i: rng.uniform(0.003, 0.013)
    )
    assert len(sent) >= 598  # 60 a second
    gaps = [b - a for a, b in zip(sent, sent[1:], strict=False)]
    assert sum(gaps) / len(gaps) <= 1 / 60 + 1e-4


def test_frames_are_never_more_than_the_rate_allows():
    sent = _publish_for(10.0, lambda: 0.0001, lambda i: 0.0)
    assert 600 <= len(sent) <= 601
    for a, b in zip(sent, sent[10:], strict=False):  # any ten consecutive frames
        assert b - a >= 10 / 60 - 0.001


def test_after_a_stall_the_grid_goes_on_with_no_burst_of_frames():
    clock = FrameClock(60.0)
    clock.published(1.0)
    clock.published(1.5)  # 30 slots late (a stall): the next slot after it, not at once
    assert not clock.due(1.5 + 0.001)
    assert clock.due(1.5 + 1 / 60)
    assert clock.next - 1.5 <= 1 / 60 + 1e-9


def test_a_frame_out_of_turn_restarts_the_grid():
    clock = FrameClock(60.0)
    clock.published(1.0)
    clock.published(1.005)  # a paused run's frame, before the slot: the grid starts there
    assert not clock.due(1.01) and clock.due(1.005 + 1 / 60)
