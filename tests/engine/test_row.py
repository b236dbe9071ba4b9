"""A history row's figures: ``FusedRow`` gives ``reference_row``'s numbers to the bit.

Every figure is compared as its bytes (a NaN's too: the history's digests hash them), in
many configurations drawn by hypothesis: every activation per layer (so runs of one
activation and mixed layers), the three heads, the three optimizers, with and without a
weight penalty, test points, frozen entries, capped evaluation samples, weights scaled up
until units saturate or die, weights that are not finite, a layer of zero weights, rows
after a fused step, a readable step, or none (a restore)."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.design import ACTIVATION_NAMES
from backprop_lab.engine.edits import freeze
from backprop_lab.engine.evaluation import EVAL_SAMPLE
from backprop_lab.engine.health import SATURATION_SHARE
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.engine.row import FusedRow, RowFigures, reference_row
from hypothesis import event, given, settings
from hypothesis import strategies as st


def _bits(value) -> bytes:
    return np.ascontiguousarray(np.asarray(value, dtype=np.float64)).tobytes()


def assert_same(fused: RowFigures, ref: RowFigures) -> None:
    for name, a, b in zip(RowFigures._fields, fused, ref):
        assert np.shape(a) == np.shape(b), name
        assert type(a) is type(b), name  # a digest may hash a value's repr
        assert _bits(a) == _bits(b), f"{name}: {a!r} != {b!r}"


def _dataset(task: str, n: int, test_fraction: float, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    is_test = rng.random(n) < test_fraction
    pts = rng.uniform(-6, 6, (n, 2))
    if task == "curve":
        pts[:, 1] = 3 * np.sin(pts[:, 0]) + rng.normal(0, 0.2, n)
        return Dataset(pts, None, is_test, task="regression", input_dim=1)
    if task == "surface":
        return Dataset(pts, np.sin(pts[:, 0]) * np.cos(pts[:, 1]), is_test, task="regression")
    if task == "two":
        return Dataset(pts, (pts[:, 0] * pts[:, 1] > 0).astype(int), is_test)
    k = int(task[-1])  # "classes3", "classes5"
    y = (np.floor(pts[:, 0] + 6) + np.floor(pts[:, 1] + 6)).astype(int) % k
    return Dataset(pts, y, is_test, n_classes=k)


def _applied(s: TrainingSession, bp):
    """The gradient the session's last update used, as its row is given it."""
    return s._applied_grad if bp is not None and bp is s._last_bp else None


def _reference(s: TrainingSession, bp) -> RowFigures:
    cls = s.dataset.task == "classification"
    return reference_row(
        s.net,
        s.params,
        s._eval_train,
        s._eval_test,
        cls,
        bp,
        s.optimizer,
        s.hyper.alpha,
        _applied(s, bp),
    )


def _fused(s: TrainingSession, bp) -> RowFigures:
    row = FusedRow(s.net, *s.evaluated_points)
    cls = s.dataset.task == "classification"
    return row.measure(
        s.params, s._eval_train, s._eval_test, cls, bp, s.optimizer, s.hyper.alpha, _applied(s, bp)
    )


def _last(s: TrainingSession) -> RowFigures:
    m = s.last
    return RowFigures(
        m.train_loss,
        m.train_acc,
        m.test_loss,
        m.test_acc,
        m.delta_mean_abs,
        m.grad_norms,
        m.weight_norms,
        m.log_update_ratio,
        m.saturated_share,
    )


configurations = st.fixed_dictionaries(
    {
        "task": st.sampled_from(["two", "classes3", "classes5", "curve", "surface"]),
        "hidden": st.lists(st.integers(1, 7), max_size=4),
        "acts": st.lists(st.sampled_from(ACTIVATION_NAMES), min_size=4, max_size=4),
        "optimizer": st.sampled_from(["sgd", "momentum", "adam"]),
        "lam": st.sampled_from([0.0, 0.003]),
        # at most 1 training point, a few, many; more than EVAL_SAMPLE in a split
        "n": st.sampled_from([1, 23, 300, 2 * EVAL_SAMPLE + 300]),
        "test_fraction": st.sampled_from([0.0, 0.3, 0.6]),
        "batch": st.sampled_from([1, 8, 32]),
        "steps": st.integers(1, 40),
        "reference_steps": st.booleans(),
        "frozen": st.booleans(),
        "scale": st.sampled_from([1.0, 6.0, 40.0]),  # large: units saturate or die
        "poison": st.sampled_from([None, None, None, math.nan, math.inf, 1e300, "zero layer"]),
        "seed": st.integers(0, 3),
    }
)


@settings(max_examples=200, deadline=None)
@given(configurations)
def test_the_fused_row_is_the_readable_row(c):
    ds = _dataset(c["task"], c["n"], c["test_fraction"], c["seed"])
    hidden = tuple(c["hidden"])
    spec = NetworkSpec(
        hidden=hidden,
        activations=tuple(c["acts"][: len(hidden)]),
        features=("x1",) if ds.input_dim == 1 else ("x1", "x2"),
    )
    hyper = HyperParameters(
        alpha=0.05, batch_size=c["batch"], optimizer=c["optimizer"], lam=c["lam"]
    )
    s = TrainingSession(ds, spec, hyper, seed=c["seed"])
    assert_same(_last(s), _reference(s, None))  # the first row: no step yet
    if s.n_train == 0:
        assert_same(_fused(s, None), _reference(s, None))
        return
    s.params.flat[:] *= c["scale"]
    if c["frozen"]:
        freeze(s, ParamRef.weight(1, 0, 0))
    if c["poison"] == "zero layer":
        s.params.W[-1][...] = 0.0
    elif c["poison"] is not None:
        s.params.W[0][0, -1] = c["poison"]
    s.parameters_edited()
    if c["reference_steps"]:
        for _ in range(c["steps"]):
            s.reference_step()
    else:
        s.step(c["steps"])
    # a row at every step taken this way: the session's own row against the readable one
    s.go_on()
    before = s.step_count
    (s.reference_step(record=True) if c["reference_steps"] else s.step(1, record=True))
    if s.step_count == before + 1 and s._last_bp is not None:
        event("the session's row after a step compared")
        assert_same(_last(s), _reference(s, s._last_bp))
    ref = _reference(s, s._last_bp)
    stuck = ref.saturated_share[:-1]
    event(f"stuck units: {'some' if np.any(stuck > 0) else 'none'}")
    event(f"losses finite: {math.isfinite(ref.train_loss)}")
    event(f"samples capped: {max(s.evaluated_points) == EVAL_SAMPLE}")
    assert_same(_fused(s, s._last_bp), ref)
    assert_same(_fused(s, None), _reference(s, None))


@pytest.mark.parametrize("n", [1, 2, 19, 20, 21, 40, 99, 100, 101, 999, 1000, 1024])
def test_stuck_units_at_the_edge_of_the_share(n):
    """A sigmoid unit is saturated when at least 95 % of the points sit at a bound, a ReLU
    unit dead when none is active: the fused row compares counts of points with the count
    the readable share reaches the limit at. Sigmoid unit i of hidden layer 2 sits at a
    bound on exactly c_i of the n points, c_i around that edge; ReLU unit i of layer 1 is
    active on the same c_i (dead when c_i = 0)."""
    edge = math.ceil(SATURATION_SHARE * n)
    counts = sorted({max(0, min(n, edge + d)) for d in (-2, -1, 0, 1, 2)} | {0, n})
    m = len(counts)
    x = np.arange(n, dtype=float)  # point j has x₁ = j
    ds = Dataset(
        np.column_stack([x, np.zeros(n)]), None, np.zeros(n, bool), task="regression", input_dim=1
    )
    spec = NetworkSpec(hidden=(m, m), activations=("relu", "sigmoid"), features=("x1",))
    s = TrainingSession(ds, spec, seed=0)
    # layer 1: h_i = relu(x₁ − (n − c_i) + 1), positive on the last c_i points only;
    # layer 2: z_i = 40 h_i, so σ is ½ (no bound) or ≥ 1 − e⁻⁴⁰ (a bound)
    s.params.W[0][:, 0] = 1.0
    s.params.b[0][:, 0] = [1.0 - (n - c) for c in counts]
    s.params.W[1][...] = 40.0 * np.eye(m)
    s.params.b[1][...] = 0.0
    s.parameters_edited()
    fused, ref = _fused(s, None), _reference(s, None)
    assert_same(fused, ref)
    stuck = [c >= SATURATION_SHARE * n for c in counts]  # within rounding of the share
    assert ref.saturated_share[1] == pytest.approx(sum(stuck) / m)
    assert ref.saturated_share[0] == (1 / m if counts[0] == 0 else 0.0)


def test_a_session_remakes_its_row_when_the_shapes_change():
    """New data of another size, a new network, a copy: the row is measured anew over
    the right points, the same figures as the readable row's."""
    s = TrainingSession(_dataset("two", 60, 0.3, 0), NetworkSpec(hidden=(3, 3)), seed=1)
    s.step(5, record=True)
    first = s._row
    assert_same(_last(s), _reference(s, s._last_bp))
    s.set_dataset(_dataset("two", 90, 0.5, 1))
    assert s._row is not first and s._row.n_train == s.evaluated_points[0]
    assert_same(_last(s), _reference(s, s._last_bp))
    s.step(5, record=True)
    assert_same(_last(s), _reference(s, s._last_bp))
    s.set_network(NetworkSpec(hidden=(4,), activation="relu"))
    s.step(5, record=True)
    assert s._row.net is s.net
    assert_same(_last(s), _reference(s, s._last_bp))
    twin = s.copy()
    assert twin._row is None
    s.step(3, record=True)
    twin.step(3, record=True)
    assert _bits(np.hstack(_last(twin)[4:])) == _bits(np.hstack(_last(s)[4:]))
    twin_row = copy.deepcopy(s._row)  # fresh buffers, not views of the original's
    assert twin_row._train.z_hidden is not s._row._train.z_hidden
    args = (s.params, s._eval_train, s._eval_test, True, s._last_bp, s.optimizer, s.hyper.alpha)
    assert_same(twin_row.measure(*args), _reference(s, s._last_bp))


def test_a_pickled_row_evaluator_is_a_fresh_one():
    """A run travels by pickle (to an engine process and back): its row evaluator (and
    its fused step) come back as fresh ones, whose buffers are views of each other again,
    and measure the readable row's numbers."""
    s = TrainingSession(_dataset("classes3", 80, 0.25, 2), NetworkSpec(hidden=(5, 5)), seed=4)
    s.step(10, record=True)
    row, fused = pickle.loads(pickle.dumps((s._row, s._fused)))
    assert row._train.z[0].base is row._train.z_hidden
    assert fused.bp.stacked is fused._delta_all and fused.delta[0].base is fused._delta_all
    s._row, s._fused = row, fused
    s.step(7)
    s.step(1, record=True)
    assert_same(_last(s), _reference(s, s._last_bp))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_a_layer_whose_weights_are_all_frozen_took_no_step(optimizer):
    """The update-to-weight ratio is of the step the update applied: a layer with every
    weight frozen moved by nothing (log₁₀ 0 = −inf), and the other layers' ratios are
    those of the change θ took. (With SGD the ratio once came from the gradient before
    the frozen entries were masked: a step the weights never took.)"""
    ds = _dataset("two", 80, 0.0, 0)
    hyper = HyperParameters(alpha=0.1, batch_size=8, optimizer=optimizer)
    s = TrainingSession(ds, NetworkSpec(hidden=(3,)), hyper, seed=0)
    rows, cols = s.params.W[0].shape
    for i in range(rows):
        for j in range(cols):
            freeze(s, ParamRef.weight(1, i, j))
    before = [w.copy() for w in s.params.W]
    s.step(1, record=True)
    ratio = s.last.log_update_ratio
    assert np.array_equal(s.params.W[0], before[0]) and ratio[0] == -math.inf
    moved = s.params.W[1] - before[1]
    rms = lambda a: math.sqrt(float(np.mean(np.square(a))))  # noqa: E731
    expected = math.log10(rms(moved) / rms(s.params.W[1]))
    assert ratio[1] == pytest.approx(expected, rel=1e-9)
    assert_same(_last(s), _reference(s, s._last_bp))
