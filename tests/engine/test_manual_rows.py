"""Steps taken by hand are points on the curves: ``record`` keeps a history row for every
one of them, between the stride's rows, without changing a single number of the run."""

from __future__ import annotations

import numpy as np
from backprop_lab.engine import TrainingSession
from backprop_lab.engine.history import DecimatingHistory
from backprop_lab.engine.phases import PhaseWalk

from .helpers import xor_dataset


def session() -> TrainingSession:
    return TrainingSession(xor_dataset(n=1000), seed=3)


def test_manual_steps_get_a_row_each_and_the_same_numbers():
    by_hand, run = session(), session()
    assert by_hand.history.stride > 1  # rows are spaced for 1000 points
    for _ in range(3):
        by_hand.step(1, record=True)
    run.step(3)
    assert by_hand.history.steps.tolist() == [0, 1, 2, 3]
    assert run.history.steps.tolist() == [0]
    for a, b in zip(by_hand.params.W, run.params.W):
        np.testing.assert_array_equal(a, b)
    # the row of step 3 holds that step's figures
    assert by_hand.history.arrays().train_loss[-1] == by_hand.last.train_loss
    # a long run after that thins on its stride as before
    by_hand.step(64)
    assert all(s <= 3 or s % by_hand.history.stride == 0 for s in by_hand.history.steps)


def test_a_walked_step_is_a_row_too():
    s = session()
    walk = PhaseWalk(s)
    while not walk.done:
        walk.next()
    assert s.step_count == 1
    assert s.history.steps.tolist() == [0, 1]


def test_forced_rows_survive_until_compaction_thins_them_evenly():
    h = DecimatingHistory(width=1, capacity=4, min_stride=4)
    for step in (0, 1, 2, 3):
        h.record(step, [float(step)], force=True)
    assert h.steps.tolist() == [0, 1, 2, 3]
    # full: of each stride-wide span of steps the first row stays; the stride need not
    # grow (one span holds them all), so step 4 is on it and gets its row
    h.record(4, [4.0])
    assert h.stride == 4 and h.steps.tolist() == [0, 4]
    h.record(5, [5.0], force=True)  # a forced row still goes in
    assert h.steps.tolist() == [0, 4, 5]
    np.testing.assert_array_equal(h.rows()[:, 0], h.steps)


def test_many_steps_by_hand_never_freeze_the_curves():
    """72,000 steps taken by hand, each with its row (900 presses of "1 epoch" on 1,280
    points), once drove the stride to 1,048,576: the run after them got no new row."""
    h = DecimatingHistory(width=1, capacity=4096, min_stride=8)
    for step in range(72_001):
        h.record(step, [step], force=True)
    assert len(h) <= 4096
    assert h.stride <= 4 * 72_000 / 4096  # it grows with the run, not with how it was run
    assert np.diff(h.steps).max() <= h.stride  # evenly thinned: no gap wider than it
    played = [k for k in range(72_001, 72_001 + 2 * h.stride) if h.wants(k)]
    for k in played:  # then Play: a row at least every stride steps
        h.record(k, [k])
    assert len(played) >= 2 and h.steps[-1] == played[-1]


def test_thinning_keeps_memory_flat_whatever_mix_of_rows():
    rng = np.random.default_rng(0)
    h = DecimatingHistory(width=1, capacity=64)
    step = 0
    for _ in range(20_000):
        step += int(rng.integers(1, 5))
        if rng.random() < 0.5:
            h.record(step, [step], force=True)
        elif h.wants(step):
            h.record(step, [step])
        assert len(h) <= 64
    assert h.stride <= 4 * step / 64
    np.testing.assert_array_equal(h.rows()[:, 0], h.steps)
