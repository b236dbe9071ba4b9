"""The inspector's model without Qt: the walk driver, the gradient check, the summary,
called directly on a session as the engine thread calls them."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine.network import Network
from backprop_lab.engine.phases import PhaseWalk
from backprop_lab.engine.walk import (
    WalkDriver,
    check_gradients,
    summarize,
    training_position,
)

from .helpers import blobs_dataset, regression_dataset, small_session, xor_dataset

N_PHASES = 4 * 3 + 3  # a 2-4-4-1 network: L = 3


def make_session(ds=None, steps=0, hidden=(4, 4), activation="sigmoid", **kw):
    ds = ds if ds is not None else xor_dataset(100, test_fraction=0.2)
    return small_session(ds, steps, hidden, activation, **kw)


def params_of(s):
    return [a.copy() for a in s.params.arrays()]


def same(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def state_of(s):
    return params_of(s), s.batch_state().rng, s.step_count


def test_next_through_all_phases_equals_one_fused_step_and_the_stream_goes_on():
    s, reference = make_session(steps=5), make_session(steps=5)
    d = WalkDriver()
    for i in range(N_PHASES):
        st = d.next(s)
        assert st.position == i and st.n_phases == N_PHASES
        assert len(st.names) == N_PHASES and st.start_step == 5
    assert st.done and st.phase.kind == "update" and st.step == 6
    reference.step(1)
    assert same(params_of(s), params_of(reference))
    for _ in range(N_PHASES):  # the next call starts the next step
        st = d.next(s)
    assert st.start_step == 6
    reference.step(1)
    assert same(params_of(s), params_of(reference))


def test_between_phases_the_session_is_parked_at_the_start_of_the_step():
    s, reference = make_session(steps=5), make_session(steps=5)
    d = WalkDriver()
    for _ in range(6):  # batch, forward ×3, likelihood, δ⁽³⁾
        d.next(s)
    assert same(state_of(s)[0], state_of(reference)[0])
    assert state_of(s)[1:] == state_of(reference)[1:]  # the batch draw is undone too


def test_previous_restores_the_exact_earlier_state_and_forward_repeats_the_step():
    s = make_session(steps=7, optimizer="adam")
    before = state_of(s)
    d = WalkDriver()
    for _ in range(N_PHASES):
        d.next(s)
    after = state_of(s)
    assert after[2] == 8 and not same(after[0], before[0])
    st = d.previous(s)  # back over the update
    assert st.position == N_PHASES - 2
    assert same(params_of(s), before[0]) and s.step_count == 7
    while st.position >= 0:  # back over every phase, the batch draw included
        st = d.previous(s)
    assert st.position == -1 and st.phase is None
    back = state_of(s)
    assert same(back[0], before[0]) and back[1:] == before[1:]
    st = d.finish(s)
    assert st.done and same(params_of(s), after[0])


@pytest.mark.parametrize("batching", ["random", "epochs"])
def test_training_in_the_middle_of_a_walk_goes_on_as_if_there_was_none(batching):
    s = make_session(steps=5, batching=batching)
    d = WalkDriver()
    for _ in range(6):
        d.next(s)
    s.step(3)  # play, or the step button, while the walk is half done
    reference = make_session(steps=8, batching=batching)
    assert same(params_of(s), params_of(reference))
    st = d.next(s)  # a new walk, from step 8
    assert st.start_step == 8 and st.position == 0 and "session changed" in st.note
    d.finish(s)
    reference.step(1)
    assert same(params_of(s), params_of(reference))


def test_the_picked_point_as_a_batch_of_one():
    ds = xor_dataset(100, test_fraction=0.2)
    s = make_session(ds, steps=3)
    point = int(np.flatnonzero(~ds.is_test)[7])
    st = WalkDriver().next(s, point)
    assert st.batch == (point,) and st.phase.arrays["x = h⁽⁰⁾"].shape == (2, 1)
    reference = make_session(ds, steps=3)
    walk = PhaseWalk(reference, np.array([training_position(ds, point)]))
    walk.finish()
    d = WalkDriver()
    s2 = make_session(ds, steps=3)
    d.finish(s2, point)
    assert same(params_of(s2), params_of(reference))
    test_point = int(np.flatnonzero(ds.is_test)[0])
    with pytest.raises(ValueError, match="test point"):
        WalkDriver().next(make_session(ds), test_point)


def test_walk_state_reports_mean_abs_delta_by_layer():
    s = make_session(steps=4)
    d = WalkDriver()
    for _ in range(3):  # batch, forward 1, forward 2
        st = d.next(s)
    assert st.delta == {}
    for _ in range(6):  # … likelihood, δ⁽³⁾, dJ/dW⁽³⁾, dJ/db⁽³⁾, δ⁽²⁾
        st = d.next(s)
    assert st.phase.title == "Backward: δ⁽²⁾"
    assert sorted(st.delta) == [2, 3]
    np.testing.assert_array_equal(st.delta[2], np.abs(st.phase.arrays["δ⁽²⁾"]).mean(axis=1))
    assert st.delta[2].shape == (4,) and st.delta[3].shape == (1,)


def test_epoch_batching_walk_back_over_the_batch_and_forward_again():
    """Going back over the batch and forward again redraws the same batch and leaves the
    epoch order where one fused step leaves it."""
    walked = make_session(steps=5, batching="epochs")
    fused = make_session(steps=5, batching="epochs")
    walk = PhaseWalk(walked)
    walk.next()
    walk.next()
    walk.previous()
    walk.previous()  # back over the batch: the draw is undone
    walk.finish()
    fused.step(1)
    assert same(params_of(walked), params_of(fused))
    walked.step(20)
    fused.step(20)
    assert same(params_of(walked), params_of(fused))


# --- the gradient check ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dataset",
    [xor_dataset(80), blobs_dataset(3, 60), regression_dataset(2, 60)],
    ids=["bernoulli", "categorical", "gaussian"],
)
def test_gradient_check_passes_and_leaves_the_session_as_it_was(dataset):
    s = make_session(dataset, hidden=(3, 2), activation="tanh")
    before = state_of(s)
    r = check_gradients(s, WalkDriver(), None)
    assert r.source == "a random batch" and r.batch_size == 8
    assert [c.name for c in r.checks] == ["W^(1)", "b^(1)", "W^(2)", "b^(2)", "W^(3)", "b^(3)"]
    assert all(c.passed(1e-6) for c in r.checks)
    after = state_of(s)
    assert same(after[0], before[0]) and after[1:] == before[1:]


def test_gradient_check_uses_the_walks_batch_or_the_picked_point():
    ds = xor_dataset(100, test_fraction=0.2)
    s = make_session(ds, steps=2)
    d = WalkDriver()
    point = int(np.flatnonzero(~ds.is_test)[3])
    r = check_gradients(s, d, point)
    assert r.source == "the picked point" and r.batch_size == 1
    d.next(s)  # the batch is drawn
    r = check_gradients(s, d, point)
    assert r.source == "the walk's batch" and r.batch_size == 8


def test_gradient_check_flags_a_wrong_gradient(monkeypatch):
    real = Network.backward

    def broken(self, params, fp, y, lam=0.0):
        bp = real(self, params, fp, y, lam)
        bp.dW[0] = bp.dW[0] * 1.01
        return bp

    s = make_session(hidden=(3,))
    monkeypatch.setattr(Network, "backward", broken)
    checks = check_gradients(s, WalkDriver(), None).checks
    assert not checks[0].passed(1e-6)
    assert checks[1].passed(1e-6)


# --- rewind, summary, requests -------------------------------------------------------------
def test_rewind_in_the_middle_of_a_walk_undoes_the_walk_first():
    s = make_session(steps=40, timeline_budget=1)
    d = WalkDriver()
    for _ in range(4):
        d.next(s)
    kept, st, timeline = d.rewind(s, 0)
    assert kept == 0 and st.position == -1 and st.phase is None
    assert timeline.current == 0 and 32 in timeline.steps
    s.step(40)
    assert same(params_of(s), params_of(make_session(steps=40)))


def test_summary_traces_the_picked_point_and_reports_a_missing_one():
    s = make_session(steps=10)
    summary = summarize(s, 5)
    assert summary.step == 10 and summary.timeline.current == 10
    assert summary.trace is not None and summary.trace.index == 5
    assert [h.layer for h in summary.health] == [1, 2]
    missing = summarize(s, 10_000)
    assert missing.trace is None and "no point 10000" in missing.trace_error
