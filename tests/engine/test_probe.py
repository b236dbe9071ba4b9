"""The weight probe: L along one parameter or on a grid of two, every other fixed."""

import math

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine import probe as probe_module
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.features import default_features
from backprop_lab.engine.gradcheck import run_to_end
from backprop_lab.engine.guard import lower_alpha
from backprop_lab.engine.paramref import ParamRef, every_parameter
from backprop_lab.engine.probe import (
    loss_gradient,
    probe_line,
    probe_line_steps,
    probe_plane,
    probe_plane_steps,
    probe_point,
    readout,
)

from .helpers import blobs_dataset, regression_dataset, xor_dataset

HEADS = {
    "binary": lambda: xor_dataset(120),
    "softmax": lambda: blobs_dataset(3, 90),
    "regression": lambda: regression_dataset(2, 100),
    "curve": lambda: regression_dataset(1, 80),
}


def _session(head="binary", activation="tanh", lam=0.0, hidden=(3, 2), seed=5, steps=25):
    data = HEADS[head]()
    s = TrainingSession(
        data,
        NetworkSpec(
            hidden=hidden, activation=activation, features=default_features(data.input_dim)
        ),
        HyperParameters(alpha=0.05, batch_size=8, lam=lam),
        seed=seed,
    )
    s.step(steps)
    if s.diverged:  # (an identity network's regression at this α): as the banner offers
        s.roll_back(lower_alpha(s.hyper.alpha))
    return s


def _rel(a: float, b: float) -> float:
    """|a − b| relative to their size. Slopes under 1e-4 are judged absolutely (to 1e-11):
    the stencil's round-off, about 1e-16 × L / h with h = 1e-4, is near 1e-12 there, and a
    dead ReLU unit's exact zero meets it."""
    return abs(a - b) / max(abs(a) + abs(b), 1e-4)


def _set(session, ref, value):
    ref.array(session.params)[ref.row, ref.col] = value


# --- the slope ---------------------------------------------------------------------------------
@pytest.mark.parametrize("head", list(HEADS))
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "identity"])
@pytest.mark.parametrize("lam", [0.0, 0.02])
def test_the_slope_is_the_finite_difference_slope(head, activation, lam):
    """∂L/∂w by backprop equals central finite differences of L to 1e-7 (relative), for
    every parameter of a random network; and the slope a step descends, ∂L/∂w + 2λw,
    equals finite differences of L + λΣW²."""
    s = _session(head, activation, lam)
    checked = 0
    for ref in every_parameter(s.arch.widths):
        p = probe_point(s, ref)
        assert _rel(p.slope, p.fd_slope) < 1e-7, (ref.label, p.slope, p.fd_slope)
        h = p.fd_step
        w = p.value
        line = probe_line(s, ref, [w - 2 * h, w - h, w + h, w + 2 * h])
        o = line.objective
        fd = (o[0] - 8 * o[1] + 8 * o[2] - o[3]) / (12 * h)
        assert _rel(p.objective_slope, fd) < 1e-7, (ref.label, p.objective_slope, fd)
        expected_penalty = 2 * lam * w if ref.kind == "W" else 0.0
        assert p.penalty_slope == expected_penalty
        checked += 1
    assert checked == sum(w.size + b.size for w, b in zip(s.params.W, s.params.b))


def test_the_slope_is_minus_the_inspectors_gradient_without_the_penalty():
    """dJ/dW of backward (λ = 0) over the same points is −∂L/∂W."""
    s = _session("softmax", lam=0.0)
    grad = loss_gradient(s)
    X, y = probe_module.probe_points(s)
    bp = s.net.backward(s.params, s.net.forward(s.params, X), y, 0.0)
    for layer in range(1, s.arch.depth + 1):
        np.testing.assert_array_equal(grad.dW[layer - 1], -bp.dW[layer - 1])
        np.testing.assert_array_equal(grad.db[layer - 1], -bp.db[layer - 1])
    assert grad.loss == s.evaluate("train")[0]
    ref = ParamRef.weight(2, 1, 0)
    assert grad.of(ref) == -bp.dW[1][1, 0]


# --- the curve ---------------------------------------------------------------------------------
@pytest.mark.parametrize("head", list(HEADS))
@pytest.mark.parametrize("full", [False, True])
def test_the_loss_at_the_current_value_is_the_plotted_loss(head, full):
    s = _session(head)
    for ref in (ParamRef.weight(1, 1, 0), ParamRef.bias(2, 1), ParamRef.weight(3, 0, 1)):
        line = probe_line(s, ref, n=11, full=full)
        plotted = s.evaluate("train", full=full)[0]
        assert line.point.loss == plotted
        assert line.values[5] == line.point.value  # the current value, exactly
        assert line.loss[5] == plotted


def test_a_sample_of_a_large_training_set_is_the_plotted_one():
    data = make_preset("spirals", n_points=2500, seed=0)
    s = TrainingSession(data, NetworkSpec(hidden=(5,)), seed=1)
    ref = ParamRef.weight(1, 2, 1)
    sample = probe_point(s, ref)
    assert sample.n_points == 1024 and sample.loss == s.evaluate("train")[0]
    every = probe_point(s, ref, full=True)
    assert every.n_points == s.n_train and every.loss == s.evaluate("train", full=True)[0]


@pytest.mark.parametrize("head", ["binary", "softmax", "regression"])
def test_each_value_is_the_loss_with_the_parameter_set_to_it(head):
    s = _session(head, "relu", hidden=(4, 3))
    for ref in (ParamRef.weight(1, 3, 0), ParamRef.bias(3, 0), ParamRef.weight(2, 2, 3)):
        values = np.array([-3.0, -0.4, 0.0, 0.7, 5.0])
        line = probe_line(s, ref, values)
        old = ref.get(s.params)
        for v, got in zip(values, line.loss):
            _set(s, ref, v)
            assert math.isclose(got, s.evaluate("train")[0], rel_tol=1e-13, abs_tol=1e-15)
        _set(s, ref, old)
        np.testing.assert_array_equal(line.values, values)


@pytest.mark.parametrize("head", ["binary", "softmax"])
def test_misclassified_points_follow_the_accuracy(head):
    s = _session(head)
    ref = ParamRef.weight(3, 0, 0)
    line = probe_line(s, ref, n=21)
    n = s.n_train
    old = ref.get(s.params)
    for v, wrong in zip(line.values, line.errors):
        _set(s, ref, v)
        assert wrong == round((1 - s.evaluate("train")[1]) * n)
    _set(s, ref, old)
    assert line.point.errors == round((1 - s.evaluate("train")[1]) * n)
    assert probe_line(_session("regression"), ref, n=5).errors is None


def test_default_values_span_the_current_value():
    s = _session()
    ref = ParamRef.weight(1, 0, 0)
    _set(s, ref, -0.82)
    line = probe_line(s, ref)
    assert len(line.values) == 101 and line.values[50] == -0.82
    assert line.values[0] == pytest.approx(-2.82) and line.values[-1] == pytest.approx(1.18)
    wide = probe_line(s, ref, n=5, span=10)
    assert wide.values[0] == pytest.approx(-10.82)
    _set(s, ref, 7.0)
    assert probe_line(s, ref, n=3).values.tolist() == pytest.approx([0.0, 7.0, 14.0])
    np.testing.assert_allclose(
        line.point.tangent([-0.82, 0.18]), line.point.loss + np.array([0, line.point.slope])
    )


def test_chunks_and_slices_give_the_same_numbers(monkeypatch):
    s = _session("softmax", hidden=(5, 4))
    ref = ParamRef.weight(1, 1, 1)
    whole = probe_line(s, ref, n=31)
    monkeypatch.setattr(probe_module, "CHUNK_WORK", 1)  # one value at a time
    steps = probe_line_steps(s, ref, n=31)
    progress = []
    while True:
        try:
            progress.append(next(steps))
        except StopIteration as done:
            sliced = done.value
            break
        s.step(3)  # training goes on between slices: the probe keeps its step's θ
    assert progress[-1] == (31 + 1 + 4 + 1, 37) and len(progress) == 37
    np.testing.assert_array_equal(sliced.loss, whole.loss)
    assert sliced.point == whole.point


# --- where a step lands ------------------------------------------------------------------------
@pytest.mark.parametrize("lam", [0.0, 0.05])
def test_the_landing_of_a_full_batch_and_a_minibatch_step(lam):
    s = _session("binary", lam=lam)
    ref = ParamRef.weight(2, 1, 2)
    batch = np.array([3, 17, 40, 41, 90])
    p = probe_point(s, ref, batch=batch)
    w, alpha = p.value, s.hyper.alpha
    assert p.full_step.value == w - alpha * (p.slope + 2 * lam * w)
    # the minibatch step is the one a training step on that batch would take (for SGD)
    x, y = s.batch(batch)
    bp = s.net.backward(s.params, s.net.forward(s.params, x), y, lam)
    assert p.batch_step.value == pytest.approx(w + alpha * bp.dW[1][1, 2], abs=1e-15)
    old = ref.get(s.params)
    for landing in (p.full_step, p.batch_step):
        _set(s, ref, landing.value)
        assert math.isclose(landing.loss, s.evaluate("train")[0], rel_tol=1e-13)
    _set(s, ref, old)
    assert probe_point(s, ref).batch_step is None


def test_one_sgd_step_on_the_batch_moves_the_parameter_to_the_landing():
    s = _session("softmax")
    ref = ParamRef.bias(1, 2)
    batch = np.arange(s.effective_batch_size)
    p = probe_point(s, ref, batch=batch)
    s.reference_step(batch)
    assert ref.get(s.params) == pytest.approx(p.batch_step.value, abs=1e-15)


# --- two parameters ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "a, b",
    [
        (ParamRef.weight(1, 0, 0), ParamRef.weight(1, 1, 1)),  # one layer
        (ParamRef.weight(1, 2, 1), ParamRef.bias(3, 0)),  # first and last
        (ParamRef.bias(2, 1), ParamRef.weight(2, 0, 2)),  # a bias and a weight of a layer
    ],
)
@pytest.mark.parametrize("head", ["binary", "softmax", "regression"])
def test_the_slice_at_the_current_point_is_the_loss(a, b, head):
    s = _session(head)
    plane = probe_plane(s, a, b, n=9)
    loss = s.evaluate("train")[0]
    assert plane.loss.shape == (9, 9)
    assert plane.loss[4, 4] == loss == plane.loss_at
    assert (plane.values_a[4], plane.values_b[4]) == plane.value
    assert plane.gradient == (loss_gradient(s).of(a), loss_gradient(s).of(b))
    assert plane.title == f"slice at step {s.step_count:,}, other weights fixed"
    # rows follow b, columns follow a; each cell is L with both set
    old = (a.get(s.params), b.get(s.params))
    for j, i in ((0, 8), (6, 2)):
        _set(s, a, plane.values_a[i])
        _set(s, b, plane.values_b[j])
        assert math.isclose(plane.loss[j, i], s.evaluate("train")[0], rel_tol=1e-13)
    _set(s, a, old[0])
    _set(s, b, old[1])
    # the lines through the current point are the line probes
    row = probe_line(s, a, plane.values_a)
    np.testing.assert_allclose(plane.loss[4], row.loss, rtol=1e-13)


def test_a_plane_in_slices_and_its_refusals(monkeypatch):
    s = _session()
    a, b = ParamRef.weight(1, 0, 0), ParamRef.weight(2, 0, 0)
    whole = probe_plane(s, a, b, n=7)
    monkeypatch.setattr(probe_module, "CHUNK_WORK", 1)
    sliced = run_to_end(probe_plane_steps(s, a, b, n=7))
    np.testing.assert_array_equal(sliced.loss, whole.loss)
    with pytest.raises(ValueError, match="twice"):
        probe_plane(s, a, a)
    with pytest.raises(ValueError, match="W⁽⁴⁾₁,₁: the network has 3 layers"):
        probe_plane(s, a, ParamRef.weight(4, 0, 0))
    with pytest.raises(ValueError, match="finite"):
        probe_plane(s, a, b, [0.0, math.nan], [1.0])


def test_the_probe_changes_nothing():
    s = _session("softmax")
    before = s.checkpoint()
    probe_line(s, ParamRef.weight(1, 0, 0), batch=np.arange(4))
    probe_plane(s, ParamRef.weight(1, 0, 0), ParamRef.bias(2, 0), n=5)
    loss_gradient(s, full=True)
    assert np.array_equal(s.params.flat, before.params.flat)
    assert s.batch_state().rng == before.rng and s.step_count == before.step


def test_the_readout_and_the_refusals():
    s = _session()
    ref = ParamRef.parse("W(2)[1,3]")
    _set(s, ref, -0.82)
    p = probe_point(s, ref)
    assert p.text == readout(ref, -0.82, p.slope)
    assert readout(ref, -0.82, 0.137) == "W⁽²⁾₁,₃ = −0.82 · ∂L/∂w = +0.137"
    assert readout(ParamRef.bias(1, 0), 1.5, -2e-5) == "b⁽¹⁾₁ = 1.50 · ∂L/∂b = −2e−05"
    with pytest.raises(ValueError, match="layer 2 has 2 units"):
        probe_line(s, ParamRef.weight(2, 2, 0))
    with pytest.raises(ValueError, match="finite"):
        probe_line(s, ref, [1.0, math.inf])
    with pytest.raises(ValueError, match="span"):
        probe_line(s, ref, span=-1)
    assert math.isnan(probe_point(s, ref, fd=False).fd_slope)
