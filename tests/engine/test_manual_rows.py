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


def test_forced_rows_survive_until_compaction_thins_them():
    h = DecimatingHistory(width=1, capacity=4, min_stride=4)
    for step in (0, 1, 2, 3):
        h.record(step, [float(step)], force=True)
    assert h.steps.tolist() == [0, 1, 2, 3]
    h.record(4, [4.0])  # full: the stride doubles and only its rows stay (4 is off it now)
    assert h.stride == 8 and h.steps.tolist() == [0]
    h.record(5, [5.0], force=True)  # a forced row still goes in
    assert h.steps.tolist() == [0, 5]
