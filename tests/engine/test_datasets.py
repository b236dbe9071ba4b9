"""Dataset generators, the preset registry, and CSV files of points."""

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import (
    PRESETS,
    circles,
    gaussians,
    load_points_csv,
    make_preset,
    points_csv,
    save_points_csv,
    sine_1d,
    spirals,
    surface_2d,
    surface_value,
    xor,
)

NAMES = list(PRESETS)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_gives_identical_arrays_and_another_seed_does_not(name):
    a = make_preset(name, seed=7, noise=0.2, test_fraction=0.25)
    b = make_preset(name, seed=7, noise=0.2, test_fraction=0.25)
    c = make_preset(name, seed=8, noise=0.2, test_fraction=0.25)
    assert a.same_as(b)
    assert not np.array_equal(a.points, c.points)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_shapes_ranges_and_split(name, noise):
    info = PRESETS[name]
    ds = make_preset(name, n_points=203, noise=noise, test_fraction=0.3, seed=1)
    assert ds.points.shape == (203, 2) and ds.y.shape == (203,)
    assert ds.task == info.task and ds.input_dim == info.input_dim
    assert np.all(np.abs(ds.points) <= 6.0)
    assert ds.is_test.sum() == round(0.3 * 203)
    if ds.task == "regression":
        assert ds.y.dtype == np.float64 and np.all(np.isfinite(ds.y))


@pytest.mark.parametrize(
    "gen, kw, k",
    [
        (xor, {}, 2),
        (circles, {}, 2),
        (gaussians, {"n_classes": 5}, 5),
        (spirals, {"n_arms": 3}, 3),
        (spirals, {"n_arms": 8}, 8),
    ],
)
def test_class_counts_are_balanced(gen, kw, k):
    ds = gen(n_points=101, seed=3, **kw)
    counts = np.bincount(ds.y, minlength=k)
    assert ds.n_classes == k and counts.size == k
    assert counts.max() - counts.min() <= 1


def test_noise_free_xor_labels_follow_the_quadrants():
    ds = xor(n_points=400, noise=0.0, seed=2)
    x1, x2 = ds.points.T
    assert np.array_equal(ds.y, (x1 * x2 > 0).astype(np.int64))
    assert np.min(np.abs(ds.points)) >= 0.3


def test_noise_free_circles_separate_disc_from_ring():
    ds = circles(n_points=400, noise=0.0, seed=2)
    r = np.hypot(*ds.points.T)
    assert r[ds.y == 1].max() <= 2.5 < 3.5 <= r[ds.y == 0].min()


def test_gaussian_noise_widens_the_blobs():
    def spread(noise):
        ds = gaussians(n_points=2000, noise=noise, seed=0)
        return np.std(ds.points[ds.y == 0], axis=0).mean()

    assert spread(0.3) > 1.5 * spread(0.0)


def test_sine_target_is_the_height_of_a_sine():
    ds = sine_1d(n_points=300, noise=0.0, seed=4, amplitude=2.0)
    assert ds.input_dim == 1 and ds.task == "regression"
    assert np.array_equal(ds.y, ds.points[:, 1])
    assert np.allclose(ds.y, 2.0 * np.sin(ds.points[:, 0]))


def test_surface_target_is_the_surface_value():
    ds = surface_2d(n_points=300, noise=0.0, seed=4, surface="plane")
    assert np.allclose(ds.y, (ds.points[:, 0] + ds.points[:, 1]) / 12)
    bumps = surface_value(np.array([[-3.0, 3.0], [3.0, 3.0]]))
    assert bumps[0] > 0.9 and bumps[1] < -0.9


@pytest.mark.parametrize(
    "name, kw, words",
    [
        ("nope", {}, ["unknown preset 'nope'", "xor"]),
        ("xor", {"noise": 0.7}, ["noise", "[0.0, 0.5]", "0.7"]),
        ("xor", {"noise": -0.1}, ["noise"]),
        ("xor", {"test_fraction": 0.9}, ["test_fraction", "0.9)"]),
        ("xor", {"n_points": 0}, ["n_points", "2..20000"]),
        ("xor", {"n_points": 20001}, ["n_points"]),
        ("xor", {"n_points": 10.5}, ["n_points", "whole number"]),
        ("xor", {"seed": -1}, ["seed"]),
        ("xor", {"n_arms": 3}, ["unknown argument 'n_arms'", "n_points"]),
        ("spirals", {"n_arms": 9}, ["n_arms", "2..8"]),
        ("gaussians", {"n_classes": 1}, ["n_classes", "2..8"]),
        ("surface_2d", {"surface": "cone"}, ["surface", "bumps"]),
        ("xor", {"noise": True}, ["noise"]),
    ],
)
def test_bad_arguments_name_the_argument_and_range(name, kw, words):
    with pytest.raises(ValueError) as e:
        make_preset(name, **kw)
    for w in words:
        assert w in str(e.value)


def test_presets_feed_a_training_session():
    ds = make_preset("moons", noise=0.1)
    s = TrainingSession(ds, NetworkSpec((8,), activation="tanh"), HyperParameters(0.1, 16))
    s.step(3000)
    assert s.evaluate("train")[1] > 0.95


# --- CSV ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_csv_round_trip_is_exact(name, tmp_path):
    ds = make_preset(name, test_fraction=0.3, noise=0.1, seed=5)
    path = tmp_path / "points.csv"
    save_points_csv(path, ds)
    back = load_points_csv(path)
    assert back.same_as(ds)
    assert load_points_csv(points_csv(ds)).same_as(ds)


def test_csv_with_class_names_comments_and_blank_lines():
    text = "# my points\nx1,x2,label\n\n1,2,cat\n 3 , 4 , dog \n# more\n5,6,cat\n-1,0.5,bird\n"
    ds = load_points_csv(text)
    assert ds.task == "classification" and ds.n_classes == 3
    assert ds.y.tolist() == [0, 1, 0, 2]  # order of first appearance
    assert ds.points.tolist() == [[1, 2], [3, 4], [5, 6], [-1, 0.5]]
    assert not ds.is_test.any()


def test_csv_integer_labels_are_class_indices():
    ds = load_points_csv("1,2,0\n3,4,3\n5,6,1\n")
    assert ds.n_classes == 4 and ds.y.tolist() == [0, 3, 1]


def test_csv_two_columns_is_a_curve_and_fractional_third_column_is_regression():
    curve = load_points_csv("x,y\n0,1.5\n1,-2\n")
    assert curve.input_dim == 1 and curve.y.tolist() == [1.5, -2.0]
    surface = load_points_csv("0,0,0.25\n1,1,-0.5\n")
    assert surface.task == "regression" and surface.input_dim == 2
    assert surface.y.tolist() == [0.25, -0.5]
    forced = load_points_csv("0,0,1\n1,1,0\n", task="regression")
    assert forced.task == "regression" and forced.y.tolist() == [1.0, 0.0]


def test_csv_split_column():
    ds = load_points_csv("1,2,0,train\n3,4,1,test\n5,6,1,1\n")
    assert ds.is_test.tolist() == [False, True, True]


@pytest.mark.parametrize(
    "text, kw, message",
    [
        ("1,2,0\n3,4,1\n# c\n5,abc,1\n", {}, 'line 4: "abc" is not a number'),
        ("1,2,0\n3,4\n", {}, "line 2: expected 3 values, got 2"),
        ("x1,x2,label\n1,2,0\n3,4,0,1\n", {}, "line 3: expected 3 values, got 4"),
        ("1,2,0\n3,4,9.5\n", {"task": "classification"}, 'line 2: class label "9.5" must'),
        ("0,0,-1\n1,1,2\n", {"task": "classification"}, 'line 1: class label "-1" must'),
        ("1,inf,0\n", {}, 'line 1: "inf" is not a number'),
        ("1,2,0,maybe\n", {}, "line 1: split must be train or test"),
        ("1,2,3,4,5\n", {}, "got 5 columns"),
        ("# only a comment\n\n", {}, "no points"),
        ("1,2\n", {"task": "classification"}, "three columns"),
        ("0,0,a\n0,0,b\n0,0,c\n0,0,d\n0,0,e\n0,0,f\n0,0,g\n0,0,h\n0,0,i\n", {}, "line 9"),
        ("0,0,x\n0,0,0.5\n", {"task": "regression"}, 'line 1: value "x" is not a number'),
        ("1,2,0\n", {"task": "cluster"}, "task must be one of"),
    ],
)
def test_malformed_csv_names_the_line(text, kw, message):
    with pytest.raises(ValueError) as e:
        load_points_csv(text, **kw)
    assert message in str(e.value)


def test_csv_too_many_points_names_the_line():
    text = "\n".join(f"{i % 5},{i % 3},{i % 2}" for i in range(20_001))
    with pytest.raises(ValueError, match="line 20001: too many points"):
        load_points_csv(text)
