"""Requests and sliced jobs (engine/jobs.py): answers as values, one runner, cancel."""

from __future__ import annotations

import itertools

import pytest
from backprop_lab.engine.jobs import Cancelled, Failure, Job, JobRunner, Request, run_to_end

from .helpers import small_session


def test_a_request_returns_failures_as_values():
    def boom(_s):
        raise ValueError("there are no training points to step on")

    r = Request(boom, "walk")
    out = r(small_session())
    assert isinstance(out, Failure) and out.message.startswith("ValueError: there are no")
    assert r.kind == "walk"
    session = small_session()
    session.step(3)
    assert Request(lambda s: s.step_count)(session) == 3


def counting(n: int, fail_at: int | None = None):
    """A sliced computation of ``n`` slices that returns ``n`` (or raises at one)."""
    for i in range(n):
        if i == fail_at:
            raise RuntimeError(f"slice {i} failed")
        yield (i + 1, n)
    return n


def test_run_to_end_returns_the_result_and_stops_when_cancelled():
    assert run_to_end(counting(5)) == 5
    calls = itertools.count()
    out = run_to_end(counting(100), lambda: next(calls) >= 3)
    assert isinstance(out, Cancelled)


def test_a_job_called_runs_to_the_end_or_answers_failure_or_cancelled():
    assert Job(lambda _t: counting(4))(None) == 4
    failed = Job(lambda _t: counting(4, fail_at=2))(None)
    assert isinstance(failed, Failure) and "slice 2 failed" in failed.message
    job = Job(lambda _t: counting(4))
    job.cancel()
    assert isinstance(job(None), Cancelled)


class Clock:
    """A deadline that passes after ``slices`` slices (no timing in the test)."""

    def __init__(self, monkeypatch):
        self.t = 0.0
        monkeypatch.setattr("backprop_lab.engine.jobs.time.perf_counter", lambda: self.t)


def slow(n: int, clock: Clock, **kw):
    """``counting`` where each slice takes one time unit."""
    for progress in counting(n, **kw):
        clock.t += 1.0
        yield progress
    return n


def test_the_runner_runs_jobs_in_order_a_slice_at_a_time(monkeypatch):
    clock = Clock(monkeypatch)
    runner = JobRunner(progress_seconds=0.0)
    answers, progress = [], []
    a = Job(lambda target: slow(5, clock))
    b = Job(lambda target: slow(2, clock))
    runner.add(a, lambda r: answers.append(("a", r)), lambda d, t: progress.append((d, t)))
    runner.add(b, lambda r: answers.append(("b", r)))
    runner.run(None, deadline=clock.t + 3)  # three slices of a, then out of time
    assert answers == [] and progress == [(3, 5)] and len(runner) == 2
    runner.run(None, deadline=clock.t + 10)  # a ends, b runs and ends
    assert answers == [("a", 5), ("b", 2)] and len(runner) == 0


def test_the_runner_answers_failures_and_cancels_and_a_stop_leaves_jobs_unanswered(monkeypatch):
    clock = Clock(monkeypatch)
    runner = JobRunner()
    answers = []
    broken = Job(lambda target: slow(5, clock, fail_at=1))
    cancelled = Job(lambda target: slow(5, clock))
    runner.add(broken, answers.append)
    runner.add(cancelled, answers.append)
    cancelled.cancel()
    runner.run(None, deadline=clock.t + 10)
    assert isinstance(answers[0], Failure) and "slice 1 failed" in answers[0].message
    assert isinstance(answers[1], Cancelled)
    kept = Job(lambda target: slow(5, clock))
    runner.add(kept, answers.append)
    runner.run(None, deadline=clock.t + 10, stop=lambda: True)
    assert len(answers) == 2 and len(runner) == 1
    runner.close()
    assert len(runner) == 0


def test_a_job_reads_its_target_when_it_starts(monkeypatch):
    clock = Clock(monkeypatch)
    runner = JobRunner()
    seen = []

    def fn(target):
        seen.append(target)
        yield from slow(1, clock)
        return target

    runner.add(Job(fn), seen.append)
    runner.run("the run", deadline=clock.t + 5)
    assert seen == ["the run", "the run"]


@pytest.mark.parametrize("n", [0, 1, 3])
def test_a_job_with_no_or_few_slices_answers_its_result(monkeypatch, n):
    clock = Clock(monkeypatch)
    runner = JobRunner()
    answers = []
    runner.add(Job(lambda target: slow(n, clock)), answers.append)
    runner.run(None, deadline=clock.t + 10)
    assert answers == [n]
