"""Runs compared in lock-step (engine/group.py): the same θ₀, the same batches, one
difference; stepping, rewinding and resetting together; divergence judged per run; and a
group of one that is exactly the session alone."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.contrasts import CONTRASTS, contrast, seed_fan, unavailable
from backprop_lab.engine.group import (
    MAX_RUNS,
    RunGroup,
    RunSettings,
    copy_session,
    fresh_run,
    group_of,
)
from backprop_lab.engine.phases import PhaseWalk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .group_helpers import base_session, state_digest
from .helpers import blobs_dataset, xor_dataset


def digests(group, **kw) -> list[str]:
    return [state_digest(s, **kw) for s in group]


def record_batches(session: TrainingSession) -> list[np.ndarray]:
    """The indices of every batch the session draws from now on."""
    log: list[np.ndarray] = []
    draw = session.draw_batch

    def logged():
        idx = draw()
        log.append(np.array(idx))
        return idx

    session.draw_batch = logged
    return log


# --- one difference, and back ---------------------------------------------------------------
CHANGES = {
    "alpha": lambda s: dict(hyper=replace(s.hyper, alpha=3.0)),
    "optimizer": lambda s: dict(hyper=replace(s.hyper, optimizer="adam")),
    "lam": lambda s: dict(hyper=replace(s.hyper, lam=0.01)),
    "batch": lambda s: dict(hyper=replace(s.hyper, batch_size=1)),
    "batching": lambda s: dict(hyper=replace(s.hyper, batching="epochs")),
    "activation": lambda s: dict(spec=replace(s.spec, activations=(), activation="relu")),
    "hidden": lambda s: dict(spec=replace(s.spec, hidden=(8,), activations=())),
    "init": lambda s: dict(spec=replace(s.spec, init="uniform")),
    "seed": lambda s: dict(seed=11),
}


@pytest.mark.parametrize("what", CHANGES)
def test_setting_bs_value_back_to_as_makes_its_next_1000_steps_as_own(what):
    g = RunGroup.of(base_session())
    g.step(40)
    b = g.duplicate()
    assert g.change(b, **CHANGES[what](g[b]))
    assert g[b].step_count == g[0].step_count == 0  # a comparison runs from θ₀
    g.step(300)
    assert state_digest(g[b]) != state_digest(g[0])
    assert g.labels()[b].differences
    a = g[0]
    assert g.change(b, spec=a.spec, hyper=a.hyper, seed=a.seed)
    assert g.labels()[b].text == "B · same as A" and not g.labels()[b].differences
    assert state_digest(g[b]) == state_digest(g[0])
    for _ in range(1000):
        assert g.step(1) == 1
        assert np.array_equal(g[b].params.flat, g[0].params.flat)
    assert g.step_count == 1000
    assert state_digest(g[b]) == state_digest(g[0])


def test_a_change_keeping_the_shapes_keeps_theta0_and_a_change_of_shapes_redraws_it():
    s = base_session()
    theta0 = s.params.copy()
    s.step(25)  # the comparison starts from θ₀, wherever the run is
    for key, kept in [("activation", True), ("alpha", True), ("optimizer", True), ("lam", True)]:
        g = contrast(s, key)
        for run in g:
            assert run.step_count == 0
            assert np.array_equal(run.params.flat, g[0].params.flat), key
        assert kept
    g = contrast(s, "activation")  # A sigmoid, B ReLU: "auto" would draw B with He
    assert g[1].init_schemes != g[0].init_schemes
    assert "θ₀: A's draw" in g.labels()[1].notes
    g = contrast(s, "alpha")  # same activation: A's θ₀ is the session's own
    assert all(np.array_equal(a, b) for a, b in zip(g[1].params.arrays(), theta0.arrays()))
    g = contrast(s, "hidden")
    assert g[0].arch.widths != g[1].arch.widths
    assert "θ₀: new draw" in g.labels()[1].notes
    # the new draw is the one the run's seed makes alone
    alone = fresh_run(s, RunSettings.of(g[1]))
    assert np.array_equal(alone.params.flat, g[1].params.flat)


# --- the same batches ---------------------------------------------------------------------------
@pytest.mark.parametrize("batching", ["random", "epochs"])
@pytest.mark.parametrize("key", ["activation", "alpha", "optimizer", "lam", "hidden"])
def test_every_run_takes_the_same_batch_indices_at_every_step(key, batching):
    g = contrast(base_session(alpha=0.05, batching=batching), key)
    logs = [record_batches(s) for s in g]
    for _ in range(150):
        g.step(1)
        states = [s.batch_state() for s in g]
        for other in states[1:]:
            assert other.rng == states[0].rng
            assert np.array_equal(other.order, states[0].order)
            assert other.order_pos == states[0].order_pos
    assert not any(s.diverged for s in g)
    assert len(logs[0]) == 150
    for log in logs[1:]:
        assert len(log) == 150
        assert all(np.array_equal(x, y) for x, y in zip(logs[0], log))
    assert not any("batches differ" in label.notes for label in g.labels())


def test_a_seed_fans_runs_are_each_the_run_their_seed_makes_alone():
    s = base_session(alpha=0.1)
    g = seed_fan(s, 4)
    assert g.kind == "fan" and [r.seed for r in g] == [3, 4, 5, 6]
    alone = [fresh_run(s, RunSettings.of(r)) for r in g]
    logs = [record_batches(r) for r in g]
    alone_logs = [record_batches(r) for r in alone]
    g.step(120)
    for r in alone:
        r.step(120)
    assert digests(g) == digests(alone)
    for log, lone in zip(logs, alone_logs):
        assert all(np.array_equal(x, y) for x, y in zip(log, lone)) and len(log) == 120
    assert not np.array_equal(logs[0][0], logs[1][0])  # batches follow the seed
    labels = g.labels()
    assert [label.text for label in labels] == ["seed 3", "seed 4", "seed 5", "seed 6"]
    assert labels[2].notes == ("θ₀: new draw", "batches follow the seed")


def test_another_batch_size_is_labelled_batches_differ():
    g = contrast(base_session(), "batch")
    labels = g.labels()
    assert [label.text for label in labels] == ["A · batch 1", "B · full batch"]
    assert "batches differ" in labels[1].notes
    assert g[1].effective_batch_size == g[1].n_train


# --- rewind and reset --------------------------------------------------------------------------
def test_rewinding_the_group_restores_every_run_exactly():
    # a small timeline budget: SGD's and Adam's checkpoints differ in size, so their
    # timelines thin out at different strides and the group must find common steps
    base = TrainingSession(
        xor_dataset(n=120),
        NetworkSpec(hidden=(4, 4), activation="tanh"),
        HyperParameters(alpha=0.05, batch_size=8),
        seed=3,
        timeline_budget=36_000,  # shared by three runs: 12,000 bytes each
    )
    g = contrast(base, "optimizer")
    truth = {0: digests(g, history=False, metrics=False)}
    for _ in range(600):
        g.step(1)
        truth[g.step_count] = digests(g, history=False, metrics=False)
    assert len({s.timeline.stride for s in g}) > 1
    common = set.intersection(*(set(s.timeline.steps) for s in g))
    assert g.rewind_steps() == sorted(common)
    for want in (0, 77, 300, 599, 2, 450, 10_000):
        got = g.rewind(want)
        assert got == min(common, key=lambda k: (abs(k - want), k))
        assert all(s.step_count == got for s in g)
        assert g.step_count == got
        assert digests(g, history=False, metrics=False) == truth[got]
        for s in g:
            assert len(s.history) and s.history.arrays().step[-1] <= got
    got = g.rewind(300)
    for _ in range(50):  # and the same numbers follow
        g.step(1)
        assert digests(g, history=False, metrics=False) == truth[g.step_count]


def test_reset_puts_every_run_back_to_its_theta0():
    s = base_session()
    g = contrast(s, "activation")
    start = digests(g)
    g.step(200)
    g.reset()
    assert digests(g) == start
    g = seed_fan(s, 3)
    start = digests(g)
    g.step(100)
    g.reset()
    assert digests(g) == start


# --- divergence, run by run ----------------------------------------------------------------------
def _calm_and_wild() -> tuple[TrainingSession, list[RunSettings]]:
    base = base_session(alpha=0.05, optimizer="adam")
    wild = RunSettings(base.spec, replace(base.hyper, alpha=6.0), base.seed)
    return base, [RunSettings.of(base), wild]


def test_a_run_that_diverges_stops_alone_and_leaves_the_others_numbers_unchanged():
    base, runs = _calm_and_wild()
    g = group_of(base, runs)
    alone = [fresh_run(base, r) for r in runs]  # the same θ₀: only α differs
    assert digests(g) == digests(alone)
    for _ in range(12):
        g.step(125)
        for s in alone:
            if not s.diverged:  # as the app does: a stopped run is not stepped
                s.step(125)
    assert g[1].diverged and not g[0].diverged
    assert g[0].step_count == 1500 and g[1].step_count < 1500
    assert g.step_count == 1500
    assert digests(g) == digests(alone)  # bit for bit, each as it runs alone
    status = g.status(1)
    assert not status.running and status.stopped_at is not None
    assert status.stopped_at >= g[1].step_count  # θ stays where it stopped (or rolled back)
    view = g.snapshot()
    assert view.runs[1].snapshot.diverged == g[1].diverged and view.runs[0].status.running
    assert view.step == 1500


def test_a_hand_edit_on_a_compared_run_that_stopped_keeps_it_stopped_and_a_lone_run_goes_on():
    from backprop_lab.engine.edits import set_parameter
    from backprop_lab.engine.paramref import ParamRef

    base, runs = _calm_and_wild()
    g = group_of(base, runs)
    for _ in range(12):
        g.step(125)
    assert g[1].diverged and not g[0].diverged
    ref = ParamRef.weight(1, 0, 0)
    before = ref.get(g[1].params)
    g.on_run(1, lambda s: set_parameter(s, ref, before + 0.5))
    assert ref.get(g[1].params) == before + 0.5  # the edit is made
    assert g[1].diverged and not g.status(1).running  # and the run stays stopped
    assert g.step_count == 1500
    lone = RunGroup.of(copy_session(g[1]))
    assert len(lone) == 1 and lone[0].diverged
    lone.on_run(0, lambda s: set_parameter(s, ref, before))
    assert lone[0].diverged is None  # a run alone goes on from a hand edit


def test_rewinding_past_a_stopped_run_shows_it_stopped_and_before_it_running():
    base, runs = _calm_and_wild()
    g = group_of(base, runs)
    g.step(1500)
    stop = g.status(1).stopped_at
    stopped = state_digest(g[1], history=False)
    end = g.rewind(10_000)
    assert end == 1500 and g[1].diverged and state_digest(g[1], history=False) == stopped
    early = g.rewind(stop // 2)
    assert early < stop and all(s.step_count == early for s in g)
    assert not g[1].diverged  # it runs again from there
    g.rewind(10_000)
    assert g[1].diverged and g.status(1).stopped_at == stop
    assert state_digest(g[1], history=False) == stopped
    # stepping on from before the stop: it diverges again at the same step
    g.rewind(stop // 2)
    g.step(1500 - g.step_count)
    assert g.status(1).stopped_at == stop and state_digest(g[1], history=False) == stopped


# --- a group of one is the session alone ---------------------------------------------------------
SPECS = [
    NetworkSpec(hidden=(4, 4), activation="tanh"),
    NetworkSpec(hidden=(3,), activation="relu"),
    NetworkSpec(hidden=(), features=("x1", "x2", "x1*x2")),
]
OPS = st.one_of(
    st.tuples(st.just("step"), st.integers(1, 60), st.booleans()),
    st.tuples(st.just("rewind"), st.integers(0, 400)),
    st.tuples(st.just("reset")),
    st.tuples(st.just("alpha"), st.sampled_from([0.05, 0.3, 1.0, 40.0])),
    st.tuples(st.just("optimizer"), st.sampled_from(["sgd", "momentum", "adam"])),
    st.tuples(st.just("spec"), st.sampled_from(range(len(SPECS)))),
    st.tuples(st.just("seed"), st.integers(0, 3)),
    st.tuples(st.just("data"), st.integers(0, 2)),
)


def _dataset(k: int):
    return [xor_dataset(n=80, seed=1), xor_dataset(n=90, seed=2), blobs_dataset(k=3, n=60)][k]


def _apply(op, session: TrainingSession, group: RunGroup):
    """The op on the session as the app drives it, and on the group; both results."""
    kind = op[0]
    if kind == "step":
        alone = 0 if session.diverged else session.step(op[1], op[2])
        return alone, group.step(op[1], op[2])
    if kind == "rewind":
        return session.timeline.rewind(session, op[1]), group.rewind(op[1])
    if kind == "reset":
        return session.reset_parameters(), group.reset()
    if kind in ("alpha", "optimizer"):
        hyper = replace(session.hyper, **{kind: op[1]})
        session.set_hyper(hyper)
        group.change(0, hyper=hyper)
    elif kind == "spec":
        session.set_network(SPECS[op[1]])
        group.change(0, spec=SPECS[op[1]])
    elif kind == "seed":
        session.set_seed(op[1])
        group.change(0, seed=op[1])
    elif kind == "data":
        ds = _dataset(op[1])
        session.set_dataset(ds)
        group.set_dataset(ds)
    return None, None


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(OPS, min_size=1, max_size=12))
def test_a_group_of_one_is_exactly_the_session_alone(ops):
    alone = TrainingSession(_dataset(0), SPECS[0], HyperParameters(alpha=0.3, batch_size=8), 1)
    group = RunGroup.of(
        TrainingSession(_dataset(0), SPECS[0], HyperParameters(alpha=0.3, batch_size=8), 1)
    )
    for op in ops:
        a, b = _apply(op, alone, group)
        assert a == b, op
        assert state_digest(group[0]) == state_digest(alone), op
        assert group.step_count == alone.step_count
        assert group.kind == "single" and group.labels()[0].text == "A"
    snap = group.snapshot().runs[0].snapshot
    lone = alone.snapshot()
    assert (
        snap.step == lone.step
        and snap.last.train_loss == lone.last.train_loss
        or (np.isnan(snap.last.train_loss) and np.isnan(lone.last.train_loss))
    )
    assert np.array_equal(snap.params.flat, lone.params.flat)


# --- duplicates, closing, limits and refusals ----------------------------------------------------
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_a_duplicate_is_a_deep_copy_that_goes_on_in_step(optimizer):
    g = RunGroup.of(base_session(optimizer=optimizer, alpha=0.05))
    g.step(120)
    b = g.duplicate()
    assert state_digest(g[b]) == state_digest(g[0])
    assert g[b].timeline.steps == g[0].timeline.steps
    assert not np.shares_memory(g[b].params.flat, g[0].params.flat)
    assert g.labels()[b].text == "B · same as A" and g.labels()[b].notes == ()
    for _ in range(5):
        g.step(40)
        # the optimizer's saved state too (its moments view one flat buffer)
        assert state_digest(g[b]) == state_digest(g[0])
    g.rewind(60)
    assert state_digest(g[b]) == state_digest(g[0])


def test_labels_name_exactly_what_differs_and_warn_when_more_does():
    s = base_session()
    texts = {k: [label.text for label in contrast(s, k).labels()] for k in CONTRASTS}
    assert texts["activation"] == ["A · sigmoid", "B · ReLU"]
    assert texts["alpha"] == ["A · α = 0.03", "B · α = 0.3", "C · α = 3"]
    assert texts["optimizer"] == ["A · SGD", "B · Momentum", "C · Adam"]
    assert texts["lam"] == ["A · λ = 0", "B · λ = 0.01"]
    assert texts["hidden"] == ["A · no hidden layer", "B · 1 hidden layer (4)"]
    assert texts["seeds8"] == [f"seed {k}" for k in range(3, 11)]
    g = contrast(s, "alpha")
    assert all(label.warning is None for label in g.labels())
    g.change(2, spec=replace(g[2].spec, activations=(), activation="relu"))
    label = g.labels()[2]
    assert label.text == "C · ReLU, α = 3"
    assert label.warning and label.warning.startswith("2 settings differ from A")
    assert g.snapshot().warnings == (label.warning,)


def test_contrasts_leave_the_session_as_it_was_and_say_when_they_cannot_be_made():
    s = base_session()
    s.step(30)
    before = state_digest(s)
    for key in CONTRASTS:
        g = contrast(s, key)
        assert len(g) <= (8 if key.startswith("seeds") else MAX_RUNS)
        assert g.kind == ("fan" if key.startswith("seeds") else "compare")
        assert all(r is not s for r in g)
    assert state_digest(s) == before
    flat = TrainingSession(xor_dataset(), NetworkSpec(hidden=()), seed=1)
    assert "no hidden layer" in unavailable(flat, "activation")
    with pytest.raises(ValueError, match="no hidden layer"):
        contrast(flat, "activation")
    assert unavailable(s, "alpha") is None
    with pytest.raises(ValueError, match="unknown contrast"):
        contrast(s, "colour")


def _refused(g: RunGroup, call, match: str) -> None:
    before = digests(g)
    labels = g.labels()
    with pytest.raises(ValueError, match=match):
        call()
    assert digests(g) == before and g.labels() == labels


def test_refused_changes_change_nothing():
    s = base_session()
    g = contrast(s, "optimizer")
    g.step(50)
    g.duplicate(1)
    _refused(g, lambda: g.duplicate(), "at most 4 runs")
    bad = replace(g[1].spec, features=("x1", "nonsense"))
    _refused(g, lambda: g.change(1, spec=bad), "nonsense")
    _refused(g, lambda: g.set_all(colour="red"), "unknown setting")
    fan = seed_fan(s, 6)
    fan.step(20)
    _refused(fan, lambda: fan.change(2, hyper=replace(fan[2].hyper, alpha=1.0)), "at most 4")
    _refused(fan, lambda: fan.change(2, seed=fan[0].seed), "at most 4")
    one = RunGroup.of(base_session())
    _refused(one, lambda: one.close(0), "at least one run")


def test_an_equal_value_changes_nothing_in_a_comparison():
    g = contrast(base_session(), "lam")
    g.step(80)
    before = digests(g)
    assert not g.change(1, hyper=g[1].hyper, spec=g[1].spec, seed=g[1].seed)
    assert not g.set_all(alpha=g[0].hyper.alpha)
    assert digests(g) == before and g.step_count == 80


def test_set_all_changes_every_run_and_a_fan_stays_a_fan():
    g = seed_fan(base_session(), 5)
    g.step(30)
    assert g.set_all(alpha=0.1, hidden=(6,))
    assert g.kind == "fan" and len(g) == 5 and g.step_count == 0
    assert all(r.hyper.alpha == 0.1 and r.spec.hidden == (6,) for r in g)
    assert all(r.spec.activations == ("tanh",) for r in g)
    assert [r.seed for r in g] == [3, 4, 5, 6, 7]


def test_closing_a_run_and_closing_a_makes_the_next_the_reference():
    g = contrast(base_session(), "alpha")
    g.step(20)
    c = g.close(2)
    assert c.hyper.alpha == 3.0 and len(g) == 2
    g.close(0)
    assert len(g) == 1 and g.kind == "single" and g[0].hyper.alpha == 0.3
    assert g.step(5) == 5 and g.step_count == 25


def test_new_points_go_to_every_run():
    s = base_session()
    g = contrast(s, "activation")
    g.step(60)
    more = s.dataset.with_point(1.0, 1.0, 1)
    g.set_dataset(more)  # same shapes: every run keeps θ and its step
    assert all(r.dataset is more and r.step_count == 60 for r in g)
    g.set_dataset(blobs_dataset(k=3, n=60))  # three classes: new networks, from θ₀
    assert all(r.step_count == 0 for r in g)
    assert np.array_equal(g[0].params.flat, g[1].params.flat)  # B's θ₀ is still A's
    with pytest.raises(ValueError, match="other data"):
        RunGroup([g[0], base_session()])


def test_catching_up_after_one_run_was_walked_phase_by_phase():
    g = contrast(base_session(), "alpha")
    g.step(10)
    twin = g.copy()
    PhaseWalk(g[1]).finish()
    assert [r.step_count for r in g] == [10, 11, 10]
    assert g.catch_up(record=True) == 2
    twin.step(1, record=True)
    assert digests(g) == digests(twin)


def test_copy_session_keeps_the_optimizer_state_live():
    s = base_session(optimizer="adam", alpha=0.05)
    s.step(30)
    twin = copy_session(s)
    s.step(30)
    twin.step(30)
    assert state_digest(s) == state_digest(twin)
    cp, cq = s.checkpoint(), twin.checkpoint()
    assert all(np.array_equal(x, y) for x, y in zip(cp.optimizer["s"], cq.optimizer["s"]))
    assert cp.optimizer["s"][0].any()


def test_the_runs_share_one_rewind_budget():
    base = base_session()
    g = contrast(base, "optimizer")
    assert g.timeline_budget == base.timeline_budget
    assert [s.timeline.budget_bytes for s in g] == [base.timeline_budget // 3] * 3
    g.close(2)
    g.reset()
    assert [s.timeline.budget_bytes for s in g] == [base.timeline_budget // 2] * 2
    assert g.copy().timeline_budget == g.timeline_budget
    one = RunGroup.of(base)
    assert base.timeline_budget == one.timeline_budget  # alone: the session's own
