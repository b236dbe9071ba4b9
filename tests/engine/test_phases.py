"""The phase-by-phase walk equals the fused step, and can go back exactly."""

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.algorithm import algorithm
from backprop_lab.engine.phases import PhaseWalk

from .helpers import blobs_dataset, regression_dataset, xor_dataset

CASES = {
    "bernoulli": (xor_dataset(80), ("x1", "x2")),
    "categorical": (blobs_dataset(3, 60), ("x1", "x2")),
    "gaussian": (regression_dataset(1, 60), ("x1",)),
}


def _pair(head, optimizer="sgd", lam=0.01, hidden=(4, 4)):
    data, feats = CASES[head]
    make = lambda: TrainingSession(  # noqa: E731
        data,
        NetworkSpec(hidden=hidden, activation="sigmoid", features=feats),
        HyperParameters(alpha=0.1, batch_size=8, lam=lam, optimizer=optimizer),
        seed=5,
    )
    return make(), make()


def _same(a, b):
    return all(
        np.array_equal(x, y) for x, y in zip(a.params.arrays(), b.params.arrays(), strict=True)
    )


@pytest.mark.parametrize("head", list(CASES))
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_walking_all_phases_equals_the_fused_step(head, optimizer):
    fused, walked = _pair(head, optimizer)
    for _ in range(3):
        fused.step(1)
        walk = PhaseWalk(walked)
        phases = [walk.next() for _ in range(walk.n_phases)]
        assert walk.done and phases[-1].kind == "update"
        assert _same(fused, walked)  # bit for bit
        assert walked.step_count == fused.step_count
        assert walked.snapshot().last.batch_loss == fused.snapshot().last.batch_loss
    # and the random stream continues identically
    fused.step(5)
    walked.step(5)
    assert _same(fused, walked)


def test_phase_order_and_arrays_follow_the_notes():
    s, _ = _pair("bernoulli", hidden=(4, 3))
    walk = PhaseWalk(s)
    L = 3
    kinds = [walk.next().kind for _ in range(walk.n_phases)]
    assert kinds == (
        ["batch"] + ["forward"] * L + ["likelihood"] + ["delta", "dW", "db"] * L + ["update"]
    )
    layers = [p.layer for p in walk.phases if p.kind == "delta"]
    assert layers == [3, 2, 1]
    fwd2 = walk.phases[2]
    assert fwd2.arrays["z⁽²⁾"].shape == (3, 8)  # M_2 × B
    assert "W⁽²⁾" in fwd2.equation or "W⁽²⁾" in fwd2.arrays
    numbers = [n for n, _ in algorithm("sgd").lines]
    for p in walk.phases:
        assert p.lines and set(p.lines) <= set(numbers)


def test_phase_arrays_equal_the_fused_forward_and_backward():
    s, ref = _pair("categorical", lam=0.05)
    walk = PhaseWalk(s)
    for _ in range(walk.n_phases - 1):
        walk.next()  # stop before the update
    x = walk.phases[0].arrays["x = h⁽⁰⁾"]
    y = walk.phases[0].arrays["y"][0]
    fp = ref.net.forward(ref.params, x)
    bp = ref.net.backward(ref.params, fp, y, 0.05)
    by_name = {k: v for p in walk.phases for k, v in p.arrays.items()}
    for ell in range(1, 4):
        u = "⁽" + "⁰¹²³"[ell] + "⁾"
        np.testing.assert_array_equal(by_name[f"z{u}"], fp.z[ell - 1])
        np.testing.assert_array_equal(by_name[f"δ{u}"], bp.delta[ell - 1])
        np.testing.assert_array_equal(by_name[f"dJ/dW{u}"], bp.dW[ell - 1])
        np.testing.assert_array_equal(by_name[f"dJ/db{u}"], bp.db[ell - 1])


def test_previous_restores_the_exact_earlier_state():
    s, ref = _pair("gaussian", optimizer="adam")
    s.step(4)
    ref.step(4)
    walk = PhaseWalk(s)
    walk.finish()
    assert s.step_count == 5
    walk.previous()  # back over the update
    assert s.step_count == 4 and _same(s, ref)
    while walk.position >= 0:
        walk.previous()  # back over everything, the batch draw included
    assert _same(s, ref) and s.step_count == 4
    # the session now continues exactly like one that never walked
    s.step(3)
    ref.step(3)
    assert _same(s, ref)


def test_forward_again_after_previous_gives_the_same_step():
    a, b = _pair("bernoulli")
    walk = PhaseWalk(a)
    walk.finish()
    for _ in range(6):
        walk.previous()
    walk.finish()
    b.step(1)
    assert _same(a, b) and a.step_count == 1


def test_one_chosen_point():
    s, _ = _pair("bernoulli")
    walk = PhaseWalk(s, indices=[7])
    first = walk.next()
    assert first.arrays["x = h⁽⁰⁾"].shape == (2, 1)
    np.testing.assert_array_equal(first.arrays["x = h⁽⁰⁾"][:, 0], s.train_x[:, 7])
    walk.finish()
    assert s.step_count == 1


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_the_update_phase_is_the_optimizers_own_rule_with_its_state(optimizer):
    s, ref = _pair("categorical", optimizer=optimizer, lam=0.01)
    s.step(6)
    ref.step(7)
    walk = PhaseWalk(s)
    phase = walk.finish()
    opt = s.optimizer
    assert phase.kind == "update" and opt.label in phase.title
    assert phase.equation.startswith(";   ".join(opt.rule))
    assert phase.lines == algorithm(optimizer).update_lines
    assert [algorithm(optimizer).lines[n - 1][1] for n in phase.lines] == list(opt.rule)
    # the state drawn is the optimizer's after this step: the same as a fused step's
    expected = {
        f"{key} of {p}⁽{'⁰¹²³'[layer]}⁾": ref.optimizer.state[key][2 * (layer - 1) + k]
        for layer in (1, 2, 3)
        for k, p in enumerate("Wb")
        for key in opt.state_names
    }
    assert list(phase.state) == list(expected)
    for name, a in expected.items():
        assert phase.state[name].tobytes() == a.tobytes(), name
    if optimizer != "sgd":
        assert all(np.any(a != 0) for a in phase.state.values())
    assert set(phase.shown) == set(phase.arrays) | set(phase.state)


def test_adam_names_its_constants_and_the_step_size_it_used():
    s, _ = _pair("bernoulli", optimizer="adam")
    s.step(4)
    phase = PhaseWalk(s).finish()
    assert "β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸, t = 5" in phase.equation
    alpha_t = 0.1 * np.sqrt(1 - 0.999**5) / (1 - 0.9**5)
    assert f"αₜ = {alpha_t:.4g}" in phase.equation


def test_the_algorithm_is_typeset_and_names_the_penalised_gradient():
    for optimizer in ("sgd", "momentum", "adam"):
        a = algorithm(optimizer)
        text = "\n".join([a.title, a.objective, *a.numbered()])
        assert "^" not in text and "_" not in text
        assert "dL/dW" not in text and "dJ/dW⁽ˡ⁾ ← δ (h⁽ˡ⁻¹⁾)ᵀ / B − 2λ W⁽ˡ⁾" in text
        assert [n for n, _ in a.lines] == list(range(1, len(a.lines) + 1))
    assert "one Adam step" in algorithm("adam").title
