"""Layer health: the update-to-weight ratio, saturated and dead units, activation
histograms, and the history's columns for them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, StepMetrics, TrainingSession
from backprop_lab.engine.edits import freeze, set_parameter
from backprop_lab.engine.health import (
    activation_histograms,
    applied_steps,
    at_bound,
    log_update_ratios,
    rms,
    unit_states,
)
from backprop_lab.engine.history import HEALTH_METRICS, LAYER_METRICS, MetricHistory
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.engine.trace import unit_health

from .helpers import blobs_dataset, regression_dataset, xor_dataset


def _session(activation="tanh", hidden=(4, 4), optimizer="sgd", alpha=0.1, ds=None):
    return TrainingSession(
        ds if ds is not None else xor_dataset(200, seed=1),
        NetworkSpec(hidden=hidden, activation=activation),
        HyperParameters(alpha=alpha, batch_size=8, optimizer=optimizer),
        seed=3,
    )


# --- saturated and dead units --------------------------------------------------------------
def test_at_a_bound_means_within_one_percent_of_the_range():
    h = np.array([0.0, 0.01, 0.0101, 0.5, 0.9899, 0.99, 1.0])
    assert at_bound("sigmoid", h).tolist() == [True, True, False, False, False, True, True]
    t = np.array([-1.0, -0.98, -0.979, 0.0, 0.979, 0.98])
    assert at_bound("tanh", t).tolist() == [True, True, False, False, False, True]
    assert not at_bound("relu", np.array([0.0, 1e9])).any()


def test_a_unit_is_saturated_on_most_points_and_a_relu_unit_dead_on_all():
    z = np.array([[5.0] * 96 + [0.0] * 4, [5.0] * 94 + [0.0] * 6])
    st = unit_states("tanh", z, np.tanh(z))
    assert st.saturated.tolist() == [True, False]  # 96 % and 94 % of the points
    np.testing.assert_allclose(st.at_bound, [0.96, 0.94])
    assert st.stuck_share == 0.5
    zr = np.array([[-1.0, -2.0, 0.0], [-1.0, 0.5, -3.0], [-1.0, -1.0, -1.0]])
    rl = unit_states("relu", zr, np.maximum(zr, 0))
    assert rl.dead.tolist() == [True, False, True] and rl.stuck_share == pytest.approx(2 / 3)
    assert math.isnan(unit_states("identity", zr, zr).stuck_share)


def test_a_saturated_sigmoid_layer_is_counted_in_the_history():
    s = _session("sigmoid")
    s.params.W[1][...] *= 1e3  # layer 2 pushed to 0 or 1 on every point
    s.refresh_last()
    share = s.last.saturated_share
    assert share[1] == 1.0 and share[0] == 0.0 and math.isnan(share[2])  # no figure for the output
    s.step(8, record=True)
    h = s.snapshot().history
    assert h.saturated_share.shape == (len(h), 3)
    assert h.saturated_share[-1, 1] == 1.0
    # the diagram's marks are the same judgement
    marks = unit_health(s)
    assert marks[1].saturated.all() and not marks[0].saturated.any()


def test_a_dead_relu_layer_is_counted_in_the_history():
    s = _session("relu")
    s.params.b[0][:3] = -1e3  # three of layer 1's four units never fire
    s.params.b[1][1:3] = -1e3  # two of layer 2's four
    s.params.W[1][[0, 3], 3] = 1.0  # the other two follow layer 1's live unit
    s.step(4, record=True)
    assert s.last.saturated_share[:2].tolist() == [0.75, 0.5]
    marks = unit_health(s)
    assert marks[0].dead.tolist() == [True, True, True, False]
    assert marks[1].dead.tolist() == [False, True, True, False]
    s.params.b[0][3] = -1e3  # the whole layer: nothing reaches layer 2, all of it is dead
    s.refresh_last()
    assert s.last.saturated_share[:2].tolist() == [1.0, 1.0]


# --- the update-to-weight ratio -------------------------------------------------------------
def test_a_known_update_ratio():
    """SGD with dL/dW of RMS g and weights of RMS w gives log₁₀(α g / w)."""
    W = [np.full((3, 2), 2.0), np.array([[1.0, -1.0, 1.0]])]
    grads = [np.full((3, 2), 0.5), np.array([[0.0, 0.0, 0.0]])]

    class Sgd:
        name, t = "sgd", 1

    ratios = log_update_ratios(W, applied_steps(Sgd(), grads, 0.01))
    assert ratios[0] == pytest.approx(math.log10(0.01 * 0.5 / 2.0))  # −2.602
    assert ratios[1] == -math.inf  # no step at all
    fresh = Sgd()
    fresh.t = 0
    assert np.isnan(log_update_ratios(W, applied_steps(fresh, grads, 0.01))).all()
    assert rms(np.array([3.0, -4.0])) == pytest.approx(math.sqrt(12.5))
    zero = [np.zeros((3, 2)), np.zeros((1, 3))]
    assert log_update_ratios(zero, applied_steps(Sgd(), grads, 0.01)).tolist()[0] == math.inf
    assert math.isnan(log_update_ratios(zero, applied_steps(Sgd(), grads, 0.01))[1])


def test_a_frozen_zero_weight_alone_in_its_layer_is_measured():
    """A layer whose weights are all zero (one weight, frozen at 0) took a zero step on
    zero weights: its update-to-weight ratio is NaN (0 / 0, nothing to compare), and the
    history row is recorded rather than the step failing."""
    s = TrainingSession(
        regression_dataset(),
        NetworkSpec(hidden=(1,), features=("x1",)),
        HyperParameters(alpha=0.1, batch_size=8),
    )
    ref = ParamRef.weight(1, 0, 0)
    set_parameter(s, ref, 0.0)
    freeze(s, ref)
    assert s.step(3, record=True) == 3
    assert s.params.W[0][0, 0] == 0.0
    assert s.last.weight_norms[0] == 0.0
    assert math.isnan(s.last.log_update_ratio[0])


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_the_ratio_measures_the_step_the_optimizer_took(optimizer):
    s = _session("tanh", optimizer=optimizer, alpha=0.05)
    s.step(20)
    before = [w.copy() for w in s.params.W]
    s.step(1, record=True)
    moved = [w - b for w, b in zip(s.params.W, before)]
    expected = [math.log10(rms(d) / rms(w)) for d, w in zip(moved, s.params.W)]
    np.testing.assert_allclose(s.last.log_update_ratio, expected, rtol=1e-9)
    h = s.snapshot().history
    np.testing.assert_array_equal(h.log_update_ratio[-1], s.last.log_update_ratio)
    assert np.isnan(h.log_update_ratio[0]).all()  # step 0: no step yet


def test_deep_sigmoid_layers_learn_slower_near_the_input():
    """The vanishing gradient as the health plot shows it: the first layer's ratio is far
    below the last one's."""
    s = TrainingSession(
        xor_dataset(200, seed=1),
        NetworkSpec(hidden=(8,) * 5, activation="sigmoid"),
        HyperParameters(alpha=0.5, batch_size=16),
        seed=0,
    )
    s.step(200)
    r = s.last.log_update_ratio
    assert r[0] < r[-1] - 1  # more than ten times slower


# --- the history's columns -------------------------------------------------------------------
def test_the_history_keeps_the_health_columns_and_files_do_not_need_them():
    assert set(HEALTH_METRICS).isdisjoint(LAYER_METRICS)
    m = StepMetrics.from_mapping({"step": 3, "weight_norms": [1.0, 2.0]}, depth=2)
    assert np.isnan(m.log_update_ratio).all() and m.saturated_share.shape == (2,)
    hist = MetricHistory(2, capacity=8)
    row = StepMetrics(
        4, 0.1, 0.2, 0.3, 0.5, 0.6, *([np.array([1.0, 2.0])] * 3), np.array([-3.0, -2.5]),
        np.array([0.25, np.nan]),
    )  # fmt: skip
    hist.record_metrics(row)
    arrays = hist.arrays()
    np.testing.assert_array_equal(arrays.log_update_ratio, [[-3.0, -2.5]])
    np.testing.assert_array_equal(arrays.saturated_share, [[0.25, np.nan]])
    np.testing.assert_array_equal(arrays.weight_norms, [[1.0, 2.0]])
    copy = row.copy()
    assert not copy.log_update_ratio.flags.writeable and "saturated_share" in dict(copy)


# --- histograms --------------------------------------------------------------------------------
def test_histograms_of_bounded_layers_have_fixed_bins():
    s = _session("tanh", hidden=(4, 3))
    hists = activation_histograms(s.snapshot(), bins=10)
    assert [h.layer for h in hists] == [1, 2]
    for h, width in zip(hists, (4, 3)):
        assert h.fixed and h.edges[0] == -1.0 and h.edges[-1] == 1.0 and len(h.counts) == 10
        assert h.counts.sum() == width * h.n_points == width * s.n_train
        assert h.shares.sum() == pytest.approx(1.0)
    s.step(500)
    later = activation_histograms(s.snapshot(), previous=hists, bins=10)
    np.testing.assert_array_equal(later[0].edges, hists[0].edges)


def test_histograms_of_relu_layers_follow_the_values_slowly():
    s = _session("relu", hidden=(5,), ds=blobs_dataset(3, 150, seed=2))
    first = activation_histograms(s.snapshot())
    (h,) = first
    assert not h.fixed and h.edges[0] <= 0.0
    s.params.W[0][...] *= 0.01  # the activations collapse towards 0
    (after,) = activation_histograms(s.snapshot(), previous=first)
    width, before = after.edges[-1] - after.edges[0], h.edges[-1] - h.edges[0]
    assert 0.9 * before - 1e-12 <= width < before  # shrinks, by at most the rule's factor
    assert after.counts.sum() == 5 * s.n_train  # values outside the edges land in the end bins
