"""The divergence guard: healthy runs train on (their spikes are recorded), runs that go
wrong stop, non-finite θ goes back at once, and a step after a stop goes on."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.guard import (
    WINDOW_STEPS,
    GuardState,
    growth_limit,
    lower_alpha,
    observe,
)
from backprop_lab.engine.lessons import load_lesson
from backprop_lab.engine.scenario import session_from_scenario

from .helpers import regression_dataset


def _params_equal(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a.arrays(), b.arrays(), strict=True))


def _xor(alpha: float, n: int = 300, hidden=(4, 4), activation="tanh", seed=0, **hyper):
    ds = make_preset("xor", n_points=n, noise=0.0, test_fraction=0.2, seed=0)
    spec = NetworkSpec(hidden=hidden, activation=activation)
    return TrainingSession(ds, spec, HyperParameters(alpha=alpha, batch_size=16, **hyper), seed)


def _deep_tanh(alpha: float, seed: int) -> TrainingSession:
    """The lesson "Vanishing δ" followed as its text says: tanh instead of sigmoid."""
    s = session_from_scenario(load_lesson("deep_sigmoid"))
    s.set_seed(seed)
    s.set_network(replace(s.spec, activations=("tanh",) * 6, activation="tanh"))
    s.update_hyper(alpha=alpha)
    return s


# --- healthy runs train on ---------------------------------------------------------------------
def test_xor_with_10000_points_and_a_sigmoid_net_trains_on():
    """3 × 8 sigmoid, α = 0.5, B = 16: its loss jumps from 0.0056 to 0.53 for a row at step
    4,992, which the old guard (ten times the running minimum) called divergence."""
    s = _xor(0.5, n=10_000, hidden=(8, 8, 8), activation="sigmoid")
    assert s.step(20_000) == 20_000
    assert s.diverged is None and s.step_count == 20_000
    assert s.evaluate()[0] < 0.01
    steps = [k for k, _ in s.spikes]
    assert 4_992 in steps  # the jump is recorded, and the loss plot marks it
    snap = s.snapshot()
    assert snap.spikes == s.spikes


@pytest.mark.parametrize("alpha", [0.05, 0.025])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_deep_network_with_tanh_trains_on(alpha, seed):
    s = _deep_tanh(alpha, seed)
    assert s.step(3000) == 3000 and s.diverged is None
    assert s.evaluate()[0] < 0.05
    if (alpha, seed) == (0.05, 1):
        # a spike at step 476 the old guard stopped at (0.0135 → 0.313)
        assert any(400 < k < 500 for k, _ in s.spikes)


# --- runs that go wrong stop ---------------------------------------------------------------------
def test_alpha_at_the_top_of_its_slider_on_xor_with_tanh_stops_where_it_is():
    s = _xor(10.0)
    done = s.step(3000)
    assert done < 3000 and s.diverged is not None
    assert "stayed above" in s.diverged and "Roll back to step 0" in s.diverged
    guard = s._guard
    assert guard.median() > growth_limit(guard.base)
    assert s.step_count == done  # θ stays where it stopped: the user decides
    assert s.snapshot().diverged == s.diverged and s.rollback_step == 0


def test_roll_back_restores_the_last_good_checkpoint_and_lowers_alpha():
    s = _xor(10.0)
    s.step(3000)
    assert s.diverged is not None
    good = s._rollback
    back = s.roll_back(lower_alpha(s.hyper.alpha))
    assert back == good.step == s.step_count and s.diverged is None
    assert s.hyper.alpha == 5.0
    assert _params_equal(s.params, good.params)
    assert s._rng.bit_generator.state == good.rng
    assert s.history.steps[-1] <= back  # the curves go back with it


def test_a_step_after_a_stop_goes_on_and_does_not_stop_again_at_once():
    """One rule for the engine and the window: a stop pauses; an explicit step (or Play)
    goes on, and the guard re-arms, judging from the level the run goes on at."""
    s = _xor(10.0)
    s.step(3000)
    stopped = s.step_count
    assert s.diverged is not None
    assert s.step(1) == 1 and s.diverged is None and s.step_count == stopped + 1
    assert s._guard.reference > s._guard.base  # judged from where it went on
    assert s.step(WINDOW_STEPS - 1) == WINDOW_STEPS - 1  # no stop within a window


def test_a_healthy_run_after_going_on_is_judged_as_before_again():
    s = _xor(10.0)
    s.step(3000)
    s.go_on()
    s.update_hyper(alpha=0.1)
    s.step(3000)
    assert s.diverged is None
    assert s._guard.reference == s._guard.base  # good again: the raised reference is gone


def test_an_exploding_batch_loss_stops_the_run():
    # a sigmoid output's log-likelihood stays finite for any weights: the size of the
    # loss tells the divergence, not NaN
    s = _xor(1e6)
    done = s.step(1000)
    assert done < 1000 and s.diverged and "batch loss jumped" in s.diverged


def test_non_finite_theta_goes_back_to_the_last_good_checkpoint_at_once():
    s = TrainingSession(
        regression_dataset(2, 100),
        NetworkSpec(hidden=(8,), activation="identity", features=("x1", "x2", "x1^2")),
        HyperParameters(alpha=1e6, batch_size=16),
    )
    for _ in range(4):  # going on each time: the batch loss overflows soon
        s.step(100)
        if s.diverged and "θ is back" in s.diverged:
            break
    assert "θ is back at step 0" in s.diverged
    assert s.step_count == 0 and all(np.all(np.isfinite(a)) for a in s.params.arrays())
    assert _params_equal(s.params, s._rollback.params)
    assert s.snapshot().rollback_step == s.snapshot().step  # "roll back" has nothing to do


def test_a_real_divergence_is_reported_the_same_after_a_save_and_reopen(tmp_path):
    from backprop_lab.engine.scenario import load_scenario, save_scenario, scenario_from_session

    a = _xor(10.0)
    a.step(100)
    path = tmp_path / "half.json"
    save_scenario(path, scenario_from_session(a))
    b = session_from_scenario(load_scenario(path))
    assert a.step(3000) == b.step(3000)
    assert a.diverged == b.diverged is not None
    assert _params_equal(a.params, b.params)


# --- the guard's parts ---------------------------------------------------------------------
def test_spikes_are_single_rows_far_above_the_recent_level():
    g = GuardState.armed(0.7, 0)
    for k in range(1, 20):
        g, v = observe(g, 8 * k, 0.02)
        assert not v.spike and not v.grew
    g, v = observe(g, 160, 0.3)  # 15 × the median and 0.28 nats above it
    assert v.spike and g.spikes == ((160, 0.3),)
    g, v = observe(g, 168, 0.35)  # still up: the same spike
    assert not v.spike and len(g.spikes) == 1
    g, v = observe(g, 176, 0.02)
    g, v = observe(g, 184, 0.05)  # 2.5 × the median: noise, no spike
    assert not v.spike and len(g.spikes) == 1 and not g.spiking


def test_growth_is_judged_on_the_median_of_a_window_of_steps():
    """A row a step (a small data set): the loss high from step 100 on stops the run once
    it is high for about half the last WINDOW_STEPS steps, not at its first high row."""
    g = GuardState.armed(0.7, 0)
    stops = []
    for k in range(1, 300):
        g, v = observe(g, k, 0.3 if k < 100 else 3.0)
        if v.grew:
            stops.append(k)
    assert 100 + WINDOW_STEPS // 2 - 4 <= stops[0] <= 100 + WINDOW_STEPS // 2 + 4
    assert g.median() > growth_limit(0.7)
    # a burst of 40 high rows in a healthy run is no stop
    g = GuardState.armed(0.7, 0)
    for k in range(1, 400):
        g, v = observe(g, k, 3.0 if 200 <= k < 240 else 0.3)
        assert not v.grew


@pytest.mark.parametrize(
    "alpha, lower",
    [(10.0, 5.0), (5.0, 2.0), (2.0, 1.0), (1.0, 0.5), (0.3, 0.1), (0.0501, 0.02), (1e-5, 5e-6)],
)
def test_lower_alpha_halves_at_least_to_a_round_value(alpha, lower):
    assert lower_alpha(alpha) == lower
    assert lower_alpha(alpha) <= alpha / 2


def test_the_reference_is_never_below_a_constant_guess():
    s = _xor(0.1)
    assert s._guard.base == pytest.approx(max(s.history.arrays().train_loss[0], math.log(2)))


def test_new_data_rearms_the_guard_and_moves_the_roll_back_point():
    s = _xor(10.0)
    s.step(3000)
    assert s.diverged
    s.set_dataset(make_preset("xor", n_points=200, test_fraction=0.2, seed=3))
    assert s.diverged is None and s.rollback_step == s.step_count
    assert s._guard.armed_at == s.step_count and s._guard.window == ()


def test_a_rewind_hides_later_spikes_and_restores_the_guard():
    s = _xor(0.5, n=10_000, hidden=(8, 8, 8), activation="sigmoid")
    s.step(6_000)
    first = s.spikes[0][0]
    guard = s._guard
    s.timeline.rewind(s, first - 100)
    assert all(k <= s.step_count for k, _ in s.snapshot().spikes)
    cp = s.timeline.checkpoint(s.step_count)
    assert s._guard is cp.guard
    s.timeline.rewind(s, 6_000)
    assert s._guard is guard
