"""The maths: backprop against finite differences, heads, stability, learning."""

import itertools

import numpy as np
import pytest
from backprop_lab.engine import (
    GridEvaluator,
    GridSpec,
    HyperParameters,
    NetworkSpec,
    TrainingSession,
    gradient_check,
)
from backprop_lab.engine.grid import fast_output
from backprop_lab.engine.heads import HEADS
from backprop_lab.engine.network import Architecture, Network, Parameters

from .helpers import blobs_dataset, regression_dataset, xor_dataset

DATASETS = {
    "bernoulli": lambda: xor_dataset(60),
    "categorical": lambda: blobs_dataset(4, 60),
    "gaussian": lambda: regression_dataset(2, 60),
}
WIDTHS = [(), (3,), (4, 3), (3, 4, 3), (2, 3, 3, 2)]  # depths L = 1..5 (0..4 hidden)


def _session(head, hidden, activation, lam=0.0, features=("x1", "x2"), alpha=0.05):
    return TrainingSession(
        DATASETS[head](),
        NetworkSpec(hidden=hidden, activation=activation, features=features),
        HyperParameters(alpha=alpha, lam=lam, batch_size=12),
        seed=3,
    )


@pytest.mark.parametrize("head", list(DATASETS))
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "identity"])
@pytest.mark.parametrize("hidden", WIDTHS, ids=lambda w: f"hidden{len(w)}")
@pytest.mark.parametrize("lam", [0.0, 0.03])
def test_backprop_matches_finite_differences(head, activation, hidden, lam):
    s = _session(head, hidden, activation, lam)
    s.step(5)  # move away from the initial point so nothing is special
    x, y = s.batch(s.draw_batch())
    if activation == "relu":
        # finite differences are undefined at ReLU's kink: pick a batch whose
        # pre-activations all keep clear of it (the stencil moves z by < 1e-2)
        for _ in range(50):
            fp = s.net.forward(s.params, x)
            if min((np.abs(z).min() for z in fp.z[:-1]), default=1.0) > 1e-2:
                break
            x, y = s.batch(s.draw_batch()[:3])
        else:
            pytest.skip("every batch has a pre-activation on ReLU's kink")
    checks = gradient_check(s.net, s.params, x, y, lam)
    assert len(checks) == 2 * s.net.depth
    worst = max(checks, key=lambda c: c.max_rel_error)
    assert worst.max_rel_error < 1e-6, worst


def test_logistic_regression_is_depth_one():
    s = _session("bernoulli", (), "sigmoid")
    assert s.arch.widths == (2, 1) and s.net.depth == 1
    x, y = s.batch(np.arange(20))
    fp = s.net.forward(s.params, x)
    W, b = s.params.W[0], s.params.b[0]
    np.testing.assert_allclose(fp.h[1], 1 / (1 + np.exp(-(W @ x + b))), rtol=1e-12)
    bp = s.net.backward(s.params, fp, y)
    np.testing.assert_allclose(bp.dW[0], (y - fp.h[1]) @ x.T / 20, rtol=1e-12)


def test_shapes_follow_the_notes():
    s = _session("categorical", (5, 3), "tanh", features=("x1", "x2", "x1*x2"))
    x, y = s.batch(s.draw_batch())
    N = x.shape[1]
    fp = s.net.forward(s.params, x)
    bp = s.net.backward(s.params, fp, y)
    assert s.arch.widths == (3, 5, 3, 4)
    for layer, m in enumerate(s.arch.widths[1:], 1):
        assert s.params.W[layer - 1].shape == (m, s.arch.widths[layer - 1])
        assert s.params.b[layer - 1].shape == (m, 1)
        assert fp.z[layer - 1].shape == (m, N) and fp.h[layer].shape == (m, N)
        assert bp.delta[layer - 1].shape == (m, N)
        assert bp.dW[layer - 1].shape == s.params.W[layer - 1].shape
    assert fp.h[0] is x


@pytest.mark.parametrize("head", list(DATASETS))
def test_weight_decay_touches_weights_not_biases(head):
    s = _session(head, (4,), "sigmoid")
    x, y = s.batch(s.draw_batch())
    fp = s.net.forward(s.params, x)
    plain = s.net.backward(s.params, fp, y, 0.0)
    decayed = s.net.backward(s.params, fp, y, 0.25)
    for layer in range(s.net.depth):
        np.testing.assert_array_equal(plain.db[layer], decayed.db[layer])
        np.testing.assert_allclose(
            decayed.dW[layer], plain.dW[layer] - 0.5 * s.params.W[layer], rtol=1e-13
        )
        np.testing.assert_array_equal(plain.delta[layer], decayed.delta[layer])


@pytest.mark.parametrize("head", list(DATASETS))
def test_output_delta_is_target_minus_output(head):
    s = _session(head, (4,), "sigmoid")
    x, y = s.batch(s.draw_batch())
    fp = s.net.forward(s.params, x)
    d = s.net.output_delta(fp, y)
    target = np.eye(4)[y].T if head == "categorical" else y[None, :]
    np.testing.assert_allclose(d, target - fp.h[-1], rtol=1e-15)


def test_softmax_is_stable_for_huge_logits():
    head = HEADS["categorical"]
    rng = np.random.default_rng(0)
    z = rng.uniform(-1e4, 1e4, (5, 40))
    z[:, 0] = [1e4, 1e4, -1e4, -1e4, 0]  # ties and extremes
    h = np.empty_like(z)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        head.forward(z, h)
        ll = head.log_likelihood(z, h, rng.integers(0, 5, 40))
    assert np.all(np.isfinite(h)) and np.all(np.isfinite(ll))
    np.testing.assert_allclose(h.sum(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(h[:2, 0], 0.5)
    assert np.all(ll <= 0)


@pytest.mark.parametrize("head", ["bernoulli", "gaussian"])
def test_scalar_heads_are_stable_for_huge_logits(head):
    z = np.array([[-1e4, -800.0, -30.0, 0.0, 30.0, 800.0, 1e4]])
    h = np.empty_like(z)
    y = np.array([1.0, 0, 1, 0, 1, 0, 1])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        HEADS[head].forward(z, h)
        ll = HEADS[head].log_likelihood(z, h, y)
        d = HEADS[head].delta(h, y)
    assert np.all(np.isfinite(ll)) and np.all(np.isfinite(d))
    if head == "bernoulli":
        # log σ(−1e4) for y = 1 is −1e4 exactly, not log(0)
        assert ll[0] == pytest.approx(-1e4)
        assert ll[3] == pytest.approx(np.log(0.5))


def test_sigmoid_hidden_layer_is_stable():
    arch = Architecture((2, 3, 1), ("sigmoid",), "bernoulli")
    net = Network(arch, HEADS["bernoulli"])
    params = Parameters(
        [np.full((3, 2), 1e3), np.ones((1, 3))], [np.zeros((3, 1)), np.zeros((1, 1))]
    )
    x = np.array([[-10.0, 10.0], [-10.0, 10.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        fp = net.forward(params, x)
    np.testing.assert_allclose(fp.h[1], [[0, 1]] * 3, atol=1e-300)


def test_sgd_learns_xor_with_four_sigmoid_units():
    s = TrainingSession(
        xor_dataset(200, seed=1),
        NetworkSpec(hidden=(4,), activation="sigmoid"),
        HyperParameters(alpha=1.0, batch_size=16),
        seed=0,
    )
    s.step(6000)
    loss, acc = s.evaluate("train")
    assert acc >= 0.97, (loss, acc)


def test_softmax_head_learns_three_blobs():
    s = TrainingSession(
        blobs_dataset(3, 150),
        NetworkSpec(hidden=(8,), activation="tanh"),
        HyperParameters(alpha=0.3, batch_size=16),
        seed=0,
    )
    s.step(1500)
    assert s.evaluate("train")[1] >= 0.95


def test_linear_head_fits_a_sine():
    s = TrainingSession(
        regression_dataset(1, 200),
        NetworkSpec(hidden=(16,), activation="tanh", features=("x1",)),
        HyperParameters(alpha=0.05, batch_size=16, optimizer="adam"),
        seed=0,
    )
    start = s.evaluate("train")[0]
    s.step(4000)
    end = s.evaluate("train")[0]
    assert end < 0.1 * start and end < 0.3  # ½·MSE, the noise alone gives 0.02


@pytest.mark.parametrize(
    "head,activation",
    list(itertools.product(DATASETS, ["sigmoid", "tanh", "relu", "identity"])),
)
def test_fast_grid_equals_forward_pass(head, activation):
    s = _session(head, (5, 4), activation, features=("x1", "x2", "x1^2", "sin x2"), alpha=0.002)
    s.step(20)
    assert s.diverged is None
    ev = GridEvaluator(GridSpec(resolution=37), s.spec.features)
    exact = s.net.predict_output(s.params, ev.x.astype(np.float64))
    fast = fast_output(s.net, s.params, ev.x, chunk=500)  # several chunks
    assert fast.dtype == np.float32
    np.testing.assert_allclose(fast, exact, atol=2e-5 * max(1, np.abs(exact).max()))
    img = ev.evaluate(s.net, s.params)
    expected_shape = {"bernoulli": (37, 37), "categorical": (4, 37, 37), "gaussian": (37, 37)}
    assert img.shape == expected_shape[head]


def test_grid_is_row_major_over_the_extent():
    s = _session("bernoulli", (), "sigmoid")
    s.params.W[0][...] = [[10.0, 0.0]]  # p(y=1) rises with x1 only
    s.params.b[0][...] = 0
    img = GridEvaluator(GridSpec((-6, 6, -3, 3), 20), ("x1", "x2")).evaluate(s.net, s.params)
    assert img[0, 0] < 0.01 and img[0, -1] > 0.99  # columns run along x1
    np.testing.assert_allclose(img, img[:1].repeat(20, axis=0))  # rows along x2 are equal
