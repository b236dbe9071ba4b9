"""Noise and Test share act on the points that are there (engine/data.py): a re-split is
deterministic from the seed and keeps each class's share, a re-noise moves every point
(drawn ones too) along its own fixed step, and moving Noise back puts the points back."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine.data import Dataset
from backprop_lab.engine.datasets import PRESETS, make_preset
from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import blobs_dataset, regression_dataset, xor_dataset


def test_a_resplit_is_deterministic_nested_and_per_class():
    ds = blobs_dataset(k=3, n=150)
    a = ds.with_test_share(0.2, seed=4)
    assert np.array_equal(a.is_test, ds.with_test_share(0.2, seed=4).is_test)
    assert not np.array_equal(a.is_test, ds.with_test_share(0.2, seed=5).is_test)
    for k in range(3):
        assert np.count_nonzero(a.is_test & (a.y == k)) == 10  # 20 % of each class's 50
    b = ds.with_test_share(0.4, seed=4)
    assert np.all(b.is_test[a.is_test])  # a larger share only adds test points
    assert np.array_equal(a.points, ds.points) and np.array_equal(a.y, ds.y)
    assert not ds.with_test_share(0.0, seed=4).is_test.any()


def test_a_resplit_of_regression_data_splits_all_points():
    ds = regression_dataset(input_dim=2, n=100)
    assert ds.with_test_share(0.3, seed=1).n_test == 30


@pytest.mark.parametrize("name", list(PRESETS))
def test_renoising_a_preset_moves_its_points_as_regenerating_would(name):
    clean = make_preset(name, noise=0.0, seed=2)
    noisy = make_preset(name, noise=0.3, seed=2)
    moved = clean.with_noise(0.3)
    np.testing.assert_allclose(moved.points, noisy.points, atol=1e-12)
    np.testing.assert_allclose(moved.y_float, noisy.y_float, atol=1e-12)
    assert np.array_equal(moved.is_test, noisy.is_test)
    back = moved.with_noise(0.1).with_noise(0.0)
    assert np.array_equal(back.points, clean.points)  # back to noise 0: exactly
    assert np.array_equal(back.y, clean.y)
    assert back.noise_level == 0.0 and moved.noise_level == 0.3


def test_a_point_drawn_under_noise_stays_where_it_was_drawn_and_moves_with_the_rest():
    ds = make_preset("xor", noise=0.2, seed=0)
    drawn = ds.with_point(1.25, -2.5, label=1)
    assert tuple(drawn.points[-1]) == (1.25, -2.5)
    quiet = drawn.with_noise(0.0)
    assert tuple(quiet.points[-1]) != (1.25, -2.5)  # it was drawn as a noisy point
    again = quiet.with_noise(0.2)
    np.testing.assert_allclose(again.points[-1], [1.25, -2.5], atol=1e-12)
    assert again.y[-1] == 1  # noise never changes a label


def test_data_without_a_noise_model_count_as_noise_free():
    ds = xor_dataset(n=60)
    assert ds.noise_level == 0.0 and ds.noise is None
    noisy = ds.with_noise(0.25, seed=7)
    assert noisy.noise_level == 0.25
    assert not np.array_equal(noisy.points, ds.points)
    assert np.array_equal(noisy.with_noise(0.0).points, ds.points)
    assert np.array_equal(ds.with_noise(0.25, seed=7).points, noisy.points)  # from the seed


def test_a_curves_noise_moves_heights_and_a_surfaces_its_targets():
    curve = regression_dataset(input_dim=1, n=40).with_noise(0.2, seed=1)
    assert np.array_equal(curve.y, curve.points[:, 1])
    assert np.array_equal(curve.points[:, 0], regression_dataset(input_dim=1, n=40).points[:, 0])
    surface = regression_dataset(input_dim=2, n=40)
    moved = surface.with_noise(0.2, seed=1)
    assert np.array_equal(moved.points, surface.points)
    assert not np.array_equal(moved.y, surface.y)


def test_the_noise_model_follows_edits():
    ds = make_preset("circles", noise=0.1, seed=1)
    fewer = ds.without([0, 5, 9])
    assert len(fewer.noise) == len(fewer)
    np.testing.assert_allclose(
        fewer.with_noise(0.0).points, ds.with_noise(0.0).without([0, 5, 9]).points, atol=1e-12
    )
    assert ds.replace(n_classes=3).noise is ds.noise


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    levels=st.lists(st.integers(0, 50), min_size=1, max_size=6),
    seed=st.integers(0, 2**32 - 1),
    draws=st.lists(
        st.tuples(st.floats(-5.5, 5.5), st.floats(-5.5, 5.5), st.integers(0, 1)), max_size=4
    ),
)
def test_any_noise_moves_return_every_point_to_its_place(levels, seed, draws):
    ds = make_preset("moons", n_points=30, noise=0.1, seed=seed % 1000)
    for x, y, k in draws:
        ds = ds.with_point(x, y, label=k)
    start = ds
    for level in levels:
        ds = ds.with_noise(level / 100)
        assert isinstance(ds, Dataset) and len(ds) == len(start)
    back = ds.with_noise(start.noise_level)
    np.testing.assert_allclose(back.points, start.points, atol=1e-9)
    assert np.array_equal(back.y, start.y)
