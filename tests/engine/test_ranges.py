"""Axis ranges that hold still: fixed from the activation, or following the points slowly."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine.ranges import (
    MAX_SHRINK,
    QUANTILE,
    activation_bounds,
    follow_range,
    target_range,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
clouds = arrays(np.float64, st.tuples(st.integers(1, 60), st.integers(1, 3)), elements=finite)


def test_bounded_activations_have_fixed_bounds():
    assert activation_bounds("sigmoid") == (0.0, 1.0)
    assert activation_bounds("tanh") == (-1.0, 1.0)
    assert activation_bounds("relu") is None and activation_bounds("identity") is None
    with pytest.raises(ValueError, match="unknown activation"):
        activation_bounds("gelu")


@settings(max_examples=200, deadline=None)
@given(clouds, clouds)
def test_following_never_shrinks_fast_and_contains_most_points(first, second):
    d = min(first.shape[1], second.shape[1])
    a, b = first[:, :d], second[:, :d]
    prev = follow_range(None, a)
    lo, hi = follow_range(prev, b)
    assert np.all(hi - lo >= MAX_SHRINK * (prev[1] - prev[0]) - 1e-9 * np.abs(prev[1] - prev[0]))
    inside = np.all((b >= lo - 1e-9 * np.abs(lo)) & (b <= hi + 1e-9 * np.abs(hi)), axis=1)
    # every point but the quantile cut at each end, per axis
    assert inside.mean() >= 1.0 - d * (2 * QUANTILE + 2.0 / len(b))
    # pure: the same arguments, the same range; the arguments untouched
    again = follow_range(prev, b)
    np.testing.assert_array_equal(again[0], lo)
    np.testing.assert_array_equal(again[1], hi)


def test_a_steady_cloud_gives_a_range_that_stands_still():
    rng = np.random.default_rng(0)
    r = follow_range(None, rng.normal(size=(500, 2)))
    for _ in range(10):  # settling: a sample reaching past the first range grows it
        r = follow_range(r, rng.normal(size=(500, 2)))
    for _ in range(30):  # then new samples of the same cloud leave the axes alone
        new = follow_range(r, rng.normal(size=(500, 2)))
        np.testing.assert_array_equal(new[0], r[0])
        np.testing.assert_array_equal(new[1], r[1])


def test_a_collapse_is_followed_over_several_updates_and_growth_at_once():
    wide = np.linspace(-10, 10, 201)[:, None]
    r = follow_range(None, wide)
    narrow = np.linspace(-1, 1, 201)[:, None]
    widths = [float(r[1][0] - r[0][0])]
    for _ in range(40):
        r = follow_range(r, narrow)
        widths.append(float(r[1][0] - r[0][0]))
    steps = np.array(widths[1:]) / np.array(widths[:-1])
    assert np.all(steps >= MAX_SHRINK - 1e-12)
    assert widths[-1] < 5  # got there in the end
    grown = follow_range(r, wide * 3)
    assert grown[0][0] <= -29.4 and grown[1][0] >= 29.4  # contains the points at once


def test_no_finite_value_keeps_the_range():
    prev = (np.array([-2.0]), np.array([3.0]))
    lo, hi = follow_range(prev, np.array([np.nan, np.inf]))
    assert (lo[0], hi[0]) == (-2.0, 3.0)
    lo, hi = follow_range(None, np.array([np.nan]))
    assert (lo[0], hi[0]) == (-1.0, 1.0)
    t_lo, t_hi = target_range(np.zeros((5, 1)))  # all at one value: a small range around it
    assert t_lo[0] < 0 < t_hi[0]
