"""Rewind timeline, one point's trace, unit health and hidden-unit maps."""

from dataclasses import fields

import numpy as np
import pytest
from backprop_lab.engine import (
    GridEvaluator,
    GridSpec,
    HyperParameters,
    NetworkSpec,
    TrainingSession,
)
from backprop_lab.engine.trace import trace_point, unit_health

from .helpers import blobs_dataset, xor_dataset


def _session(**kw):
    return TrainingSession(
        xor_dataset(100),
        NetworkSpec(hidden=(4, 3), activation=kw.pop("activation", "sigmoid")),
        HyperParameters(alpha=0.5, batch_size=8, optimizer=kw.pop("optimizer", "momentum")),
        seed=2,
        **kw,
    )


def _params(s):
    return [a.copy() for a in s.params.arrays()]


def test_rewind_then_step_reproduces_the_run():
    for k, m in ((0, 20), (64, 36), (128, 100), (256, 44)):
        s = _session()
        s.step(300)
        assert k in s.timeline.steps
        assert s.timeline.rewind(s, k) == k
        assert s.step_count == k
        s.step(m)
        original = _session()
        original.step(k + m)
        assert all(np.array_equal(a, b) for a, b in zip(_params(s), _params(original), strict=True))
        np.testing.assert_array_equal(
            s.history.arrays().train_loss, original.history.arrays().train_loss
        )


def test_looking_back_keeps_the_future_until_a_step_is_taken():
    s = _session()
    s.step(100)
    end = _params(s)
    s.timeline.rewind(s, 40)
    assert 100 in s.timeline.steps  # still there: the user is only looking
    s.timeline.rewind(s, 100)
    assert all(np.array_equal(a, b) for a, b in zip(_params(s), end, strict=True))
    s.timeline.rewind(s, 40)
    s.step(1)  # a new branch
    assert max(s.timeline.steps) == 41


def test_looking_back_keeps_the_later_history_until_a_step_is_taken():
    s = _session()
    s.step(100)
    full = s.history.arrays()
    s.timeline.rewind(s, 40)
    assert s.history.steps[-1] <= 40
    s.timeline.rewind(s, 100)  # forward again: the loss curve's later part is back
    back = s.history.arrays()
    for f in fields(back):
        np.testing.assert_array_equal(getattr(back, f.name), getattr(full, f.name))
    s.timeline.rewind(s, 40)
    s.update_hyper(alpha=0.05)
    s.step(20)  # a new branch (another α) replaces the old rows after step 40
    steps = s.history.steps
    assert steps[-1] == 60
    old = full.step <= 40
    np.testing.assert_array_equal(steps[: old.sum()], full.step[old])
    new_loss = s.history.arrays().train_loss[old.sum() :]
    assert not np.array_equal(new_loss, full.train_loss[old.sum() : len(steps)])


def test_timeline_memory_is_bounded_over_100k_steps():
    s = _session(timeline_budget=200_000)
    cap = s.timeline.capacity
    one = s.checkpoint().nbytes
    assert cap * one <= max(200_000, 16 * one)
    for _ in range(10):
        s.step(10_000)
        assert len(s.timeline) <= cap
        assert s.timeline.nbytes <= cap * one
    steps = s.timeline.steps
    assert steps[0] == 0 and steps[-1] >= 100_000 - s.timeline.stride
    assert len(steps) >= cap // 2


def test_trace_point_equals_the_forward_pass():
    s = TrainingSession(blobs_dataset(3, 60), NetworkSpec(hidden=(5,), activation="tanh"))
    s.step(30)
    i = 17
    t = trace_point(s, i)
    x = s.dataset.points[i : i + 1].T
    fp = s.net.forward(s.params, x)
    np.testing.assert_array_equal(t.x, x[:, 0])
    for ell in range(2):
        np.testing.assert_array_equal(t.z[ell], fp.z[ell][:, 0])
        np.testing.assert_array_equal(t.h[ell + 1], fp.h[ell + 1][:, 0])
    assert t.prediction.sum() == pytest.approx(1.0)
    onehot = np.eye(3)[s.dataset.y[i]]
    np.testing.assert_allclose(t.delta[-1], onehot - t.prediction)
    text = t.unit_formula(2, 1)
    assert text.startswith("z₁⁽²⁾ = Σⱼ W₁ⱼ⁽²⁾ hⱼ⁽¹⁾ + b₁⁽²⁾ = ")
    assert f"{t.z[1][0]:.6g}" in text
    with pytest.raises(IndexError, match="no point 999"):
        trace_point(s, 999)


def test_unit_health_finds_dead_and_saturated_units():
    s = _session(activation="relu")
    s.params.b[0][1, 0] = -1e3  # unit 2 of layer 1 never fires
    health = unit_health(s)
    assert health[0].dead.tolist() == [False, True, False, False]
    s2 = _session(activation="sigmoid")
    s2.params.W[1][...] *= 1e3  # layer 2 pushed to 0 or 1 everywhere
    health = unit_health(s2)
    assert health[1].saturated.all() and not health[0].saturated.any()


def test_hidden_maps_are_each_units_output():
    s = _session(activation="tanh")
    ev = GridEvaluator(GridSpec(resolution=9), ("x1", "x2"))
    maps = ev.hidden_maps(s.net, s.params)
    assert [m.shape for m in maps] == [(4, 9, 9), (3, 9, 9)]
    fp = s.net.forward(s.params, ev.x.astype(np.float64))
    np.testing.assert_allclose(maps[1], fp.h[2].reshape(3, 9, 9), atol=1e-5)
