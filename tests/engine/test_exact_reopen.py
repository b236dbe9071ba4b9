"""Save → reopen → continue equals the uninterrupted run to the bit, divergence or not:
the guard's state (its window, reference, spikes, roll-back point) and the history's
stride are part of a lesson's state."""

from __future__ import annotations

import numpy as np
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.scenario import (
    from_json,
    scenario_from_session,
    session_from_scenario,
    to_json,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import regression_dataset


def _session(case: str) -> TrainingSession:
    if case == "diverges":  # XOR, tanh, α = 10: the guard stops it near step 128
        ds = make_preset("xor", n_points=200, test_fraction=0.2, seed=0)
        return TrainingSession(ds, NetworkSpec(hidden=(4, 4), activation="tanh"),
                               HyperParameters(alpha=10.0, batch_size=16), seed=0)  # fmt: skip
    if case == "spikes":  # momentum at α = 0.1: spikes (the first near step 328), no stop
        ds = make_preset("xor", n_points=300, test_fraction=0.2, seed=0)
        return TrainingSession(ds, NetworkSpec(hidden=(4, 4), activation="tanh"),
                               HyperParameters(alpha=0.1, batch_size=16, optimizer="momentum",
                                               batching="epochs"), seed=0)  # fmt: skip
    if case == "overflows":  # θ stops being finite: rolled back at once
        return TrainingSession(
            regression_dataset(2, 100),
            NetworkSpec(hidden=(8,), activation="identity", features=("x1", "x2", "x1^2")),
            HyperParameters(alpha=1000.0, batch_size=16, optimizer="momentum"),
            seed=2,
        )
    raise KeyError(case)


def _apply(s: TrainingSession, action) -> None:
    kind, n = action
    if kind == "play":
        s.step(n)
    elif kind == "by hand":
        for _ in range(n):
            s.step(1, record=True)
    elif kind == "go on":
        s.go_on()
    elif kind == "roll back":
        s.roll_back(s.hyper.alpha / 2 if n % 2 else None)
    elif kind == "rewind":
        s.timeline.rewind(s, max(0, s.step_count - n))
    elif kind == "data":  # more points, then fewer: the rows stay as far apart as for more
        s.set_dataset(_data(s.dataset, 2000 if n % 2 else 200))


def _data(like, n: int):
    if like.task == "regression":
        return regression_dataset(2, n, seed=n)
    return make_preset("xor", n_points=n, test_fraction=0.2, seed=n)


def _state(s: TrainingSession) -> tuple:
    h = s.history.arrays()
    cols = [h.step, h.batch_loss, h.train_loss, h.test_loss, h.train_acc, h.test_acc,
            h.delta_mean_abs, h.grad_norms, h.weight_norms]  # fmt: skip
    back = s._rollback
    return (
        s.step_count,
        s.samples_seen,
        [a.tobytes() for a in s.params.arrays()],
        repr(s.optimizer.get_state()),
        repr(s._rng.bit_generator.state),
        s._order.tobytes(),
        s._order_pos,
        s.diverged,
        repr(s._guard),
        s.hyper,
        s.history.stride,
        # a file has null for a value that is not a number (an overflowed norm is inf)
        [np.where(np.isfinite(c), c, np.nan).tobytes() for c in cols],
        back.step,
        [a.tobytes() for a in back.params.arrays()],
        repr(back.guard),
        repr(back.rng),
    )


KINDS = ["play", "play", "by hand", "go on", "roll back", "rewind", "data"]
ACTIONS = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(1, 150)), min_size=1, max_size=8)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.sampled_from(["diverges", "spikes", "overflows"]),
    actions=ACTIONS,
    save_after=st.integers(0, 8),
)
def test_save_reopen_continue_is_the_uninterrupted_run(case, actions, save_after):
    actions = [(k, n if k != "by hand" else min(n, 20)) for k, n in actions]
    # a rewind goes to a step the rewind timeline kept, and the timeline is not part of
    # a lesson (a reopened one starts at the saved step): rewinds come before the save
    after = [a for a in actions[save_after:] if a[0] != "rewind"]
    whole = _session(case)
    half = _session(case)
    for a in actions[:save_after]:
        _apply(whole, a)
        _apply(half, a)
    reopened = session_from_scenario(from_json(to_json(scenario_from_session(half))))
    assert _state(reopened) == _state(half)
    for a in after + [("play", 300)]:
        _apply(whole, a)
        _apply(reopened, a)
        assert _state(reopened) == _state(whole), a


def test_a_lesson_without_the_guard_state_still_opens_and_trains():
    """Files written before the guard was saved: it starts afresh at the saved step."""
    import json

    s = _session("spikes")
    s.step(300)
    d = json.loads(to_json(scenario_from_session(s)))
    del d["state"]["guard"]
    del d["state"]["history"]["stride"]
    reopened = session_from_scenario(from_json(json.dumps(d)))
    assert reopened.step_count == 300 and reopened._guard.armed_at == 300
    assert reopened._guard.base == s._guard.base  # from the seed's θ, as the run had it
    assert reopened.rollback_step == 300
    assert reopened.step(500) == 500 and reopened.diverged is None


def test_the_cases_do_what_they_are_for():
    s = _session("diverges")
    s.step(300)
    assert s.diverged and "stayed above" in s.diverged
    s = _session("spikes")
    s.step(600)
    assert s.diverged is None and s.spikes
    s = _session("overflows")
    for _ in range(20):  # each call goes on after the last stop
        s.step(50)
        if "θ is back" in (s.diverged or ""):
            break
    assert s.diverged and "θ is back" in s.diverged


def test_reopened_at_a_stop_and_after_an_automatic_roll_back():
    for case, mark in (("diverges", "stayed above"), ("overflows", "θ is back")):
        whole, half = _session(case), _session(case)
        for s in (whole, half):
            while mark not in (s.diverged or ""):
                s.step(1)  # a step after a stop goes on, as Play does
        reopened = session_from_scenario(from_json(to_json(scenario_from_session(half))))
        assert _state(reopened) == _state(half)
        for s in (whole, reopened):
            s.step(200)
            s.roll_back(1.0)
            s.step(200)
        assert _state(reopened) == _state(whole)


def test_a_bad_guard_or_stride_in_a_file_is_refused_naming_the_field():
    import json

    import pytest
    from backprop_lab.engine.fileio import LoadError

    s = _session("diverges")
    s.step(300)
    s.step(50)  # gone on after the stop: the roll-back point is behind the state
    good = json.loads(to_json(scenario_from_session(s)))
    assert good["state"]["guard"]["rollback"] is not None

    def refused(change, match):
        d = json.loads(json.dumps(good))
        change(d["state"])
        with pytest.raises(LoadError, match=match):
            from_json(json.dumps(d))

    refused(lambda st: st["history"].update(stride=12), r"state\.history\.stride: must be a power")
    refused(lambda st: st["guard"]["window"].append([10**9, 0.5]), r"state\.guard\.window\[")
    refused(lambda st: st["guard"].update(spiking="no"), r"state\.guard\.spiking")
    refused(lambda st: st["guard"]["spikes"].append([1, -2.0]), r"state\.guard\.spikes\[")
    refused(
        lambda st: st["guard"]["rollback"].update(history=st["history"]),
        r"state\.guard\.rollback\.history: unknown field",
    )
    refused(
        lambda st: st["guard"]["rollback"]["guard"].update(
            rollback=json.loads(json.dumps(st["guard"]["rollback"]))
        ),
        r"state\.guard\.rollback\.guard\.rollback: a roll-back point is its own",
    )
    refused(
        lambda st: st["guard"]["rollback"].update(step=st["step"] + 1),
        r"state\.guard\.rollback\.step",
    )


def test_a_lesson_is_built_straight_from_its_state(monkeypatch):
    """No θ₀ is drawn and measured first (a full session overwritten by ``adopt``): the
    session is made from the saved state, and is the one the old way made."""
    from backprop_lab.engine.scenario import install_edits, install_history

    s = _session("spikes")
    s.step(250)
    sc = from_json(to_json(scenario_from_session(s)))
    old = TrainingSession(sc.dataset, sc.spec, sc.hyper, sc.seed)
    if sc.edits is not None:
        install_edits(old, sc.edits)
    old.adopt(sc.state)
    install_history(old, sc.history)

    def no_fresh_start(self):
        raise AssertionError("a fresh θ₀ was drawn")

    monkeypatch.setattr(TrainingSession, "reset_parameters", no_fresh_start)
    new = session_from_scenario(sc)
    assert _state(new) == _state(old) == _state(s)
    monkeypatch.undo()
    for _ in range(3):
        old.step(100)
        new.step(100)
        assert _state(new) == _state(old)
