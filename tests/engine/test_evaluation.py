"""Running metrics on a bounded sample; exact full-data figures a chunk at a time; the
history spacing follows the data however it arrived."""

import math

import numpy as np
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.evaluation import EVAL_SAMPLE, eval_sample

from .helpers import blobs_dataset, regression_dataset, xor_dataset

SPEC = NetworkSpec(hidden=(8, 8), activation="sigmoid")
HYPER = HyperParameters(alpha=0.5, batch_size=16)


def test_a_small_split_is_evaluated_whole_and_a_large_one_by_a_fixed_sample():
    assert eval_sample(EVAL_SAMPLE) is None
    idx = eval_sample(5000)
    assert idx.shape == (EVAL_SAMPLE,)
    assert np.all(np.diff(idx) > 0) and idx[0] >= 0 and idx[-1] < 5000
    assert np.array_equal(idx, eval_sample(5000))  # the same points every time


def test_small_data_metrics_are_the_full_data_metrics():
    s = TrainingSession(xor_dataset(300, test_fraction=0.2), SPEC, HYPER, seed=1)
    s.step(40)
    assert s.evaluate("train") == s.evaluate("train", full=True)
    assert s.evaluate("test") == s.evaluate("test", full=True)


def test_large_data_metrics_cost_a_bounded_sample():
    big = make_preset("xor", n_points=12_000, noise=0.0, test_fraction=0.2, seed=0)
    s = TrainingSession(big, SPEC, HYPER, seed=1)
    assert s.evaluated_points == (EVAL_SAMPLE, EVAL_SAMPLE)
    s.step(64)
    sample_loss, _ = s.evaluate("train")
    full_loss, _ = s.evaluate("train", full=True)
    assert sample_loss != full_loss
    assert abs(sample_loss - full_loss) < 0.1 * full_loss  # a fair sample of the same data


def test_points_arriving_later_space_the_history_as_a_fresh_session_would():
    """An import (or a drawing) into a session made for 200 points used to keep a row
    every few steps, each evaluating all the new points: the import trained many times
    slower than the same points opened as a lesson."""
    small = make_preset("xor", n_points=200, noise=0.0, test_fraction=0.2, seed=0)
    big = make_preset("xor", n_points=20_000, noise=0.0, test_fraction=0.2, seed=0)
    imported = TrainingSession(small, SPEC, HYPER, seed=0)
    imported.step(10)
    imported.set_dataset(big)
    opened = TrainingSession(big, SPEC, HYPER, seed=0)
    assert imported.history.stride == opened.history.stride > 1
    assert imported.evaluated_points == opened.evaluated_points
    # fewer points afterwards keep the wider spacing (cheaper, and rows stay in order)
    imported.set_dataset(small)
    assert imported.history.stride == opened.history.stride


def test_a_full_pass_gives_the_exact_figures_of_its_step_while_training_goes_on():
    big = make_preset("xor", n_points=5000, noise=0.0, test_fraction=0.2, seed=0)
    s = TrainingSession(big, SPEC, HYPER, seed=2)
    s.step(30)
    train, test = s.evaluate("train", full=True), s.evaluate("test", full=True)
    fp = s.full_pass()
    chunks = 0
    while not fp.advance(700):
        chunks += 1
        s.step(5)  # θ moves on; the pass keeps the step it began at
    assert chunks >= 5
    r = fp.result
    assert (r.step, r.n_train, r.n_test) == (30, 4000, 1000)
    assert math.isclose(r.train_loss, train[0], rel_tol=1e-12)
    assert math.isclose(r.test_loss, test[0], rel_tol=1e-12)
    assert (r.train_acc, r.test_acc) == (train[1], test[1])


def test_full_pass_for_every_head_and_an_empty_test_split():
    for ds in (blobs_dataset(3, 150), regression_dataset(2, 120)):
        s = TrainingSession(ds, NetworkSpec(hidden=(4,)), HYPER, seed=0)
        s.step(5)
        fp = s.full_pass()
        assert fp.advance(10**6)
        r = fp.result
        assert math.isclose(r.train_loss, s.evaluate("train", full=True)[0], rel_tol=1e-12)
        assert math.isnan(r.test_loss) and r.n_test == 0
        assert math.isnan(r.train_acc) == (ds.task == "regression")


def test_snapshot_without_refresh_does_no_evaluation_and_says_which_step_it_shows():
    s = TrainingSession(xor_dataset(120, test_fraction=0.25), SPEC, HYPER, seed=0)
    s.step(3)  # stride 2: the latest row is step 2
    lazy = s.snapshot(refresh=False)
    assert lazy.step == 3 and lazy.last.step == 2
    fresh = s.snapshot()
    assert fresh.last.step == 3
    assert fresh.last.train_loss == s.evaluate("train")[0]
