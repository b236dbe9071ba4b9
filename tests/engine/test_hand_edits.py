"""Hand edits of θ: one parameter set, undone, redone, frozen; rewinds across an edit."""

import copy
import math

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.edits import (
    MAX_HAND_VALUE,
    freeze,
    parse_value,
    redo_edit,
    set_parameter,
    undo_edit,
    unfreeze,
)
from backprop_lab.engine.paramref import ParamRef, every_parameter
from backprop_lab.engine.phases import PhaseWalk

from .helpers import blobs_dataset, xor_dataset

OPTIMIZERS = ("sgd", "momentum", "adam")
W23 = ParamRef.parse("W(2)[1,3]")


def _session(optimizer="momentum", lam=0.0, steps=30, budget=None, batching="random"):
    kw = {} if budget is None else {"timeline_budget": budget}
    s = TrainingSession(
        xor_dataset(120, test_fraction=0.2),
        NetworkSpec(hidden=(4, 3), activation="tanh"),
        HyperParameters(alpha=0.05, batch_size=8, lam=lam, optimizer=optimizer, batching=batching),
        seed=7,
        **kw,
    )
    s.step(steps)
    return s


def _state(s: TrainingSession) -> dict:
    """Everything a step reads or an edit could change, as comparable values."""
    cp = s.checkpoint()
    h = s.history.arrays()
    return {
        "theta": s.params.flat.tobytes(),
        "optimizer": {
            k: (v if not isinstance(v, list) else [a.tobytes() for a in v])
            for k, v in cp.optimizer.items()
        },
        "rng": cp.rng,
        "order": cp.order.tobytes(),
        "pos": cp.order_pos,
        "step": s.step_count,
        "seen": s.samples_seen,
        "history": (h.step.tobytes(), h.train_loss.tobytes()),
        "last": (s.last.train_loss, s.last.test_acc),
        "edits": s.edits.edits,
    }


# --- the parameter and its value ---------------------------------------------------------------
def test_a_parameter_is_named_as_the_notes_write_it():
    ref = ParamRef.weight(2, 0, 2)
    assert ref == W23 == ParamRef.parse("W⁽²⁾₁,₃") == ParamRef.parse(" W(2) 1,3 ")
    assert (ref.label, ref.key, str(ref)) == ("W⁽²⁾₁,₃", "W(2)[1,3]", "W⁽²⁾₁,₃")
    b = ParamRef.parse("b⁽¹⁾₁₂")
    assert (b.layer, b.kind, b.row, b.col, b.key) == (1, "b", 11, 0, "b(1)[12]")
    for text, msg in [
        ("W(2)[1]", "a weight has two indices"),
        ("b(1)[1,2]", "a bias has one index"),
        ("W(0)[1,1]", "count from 1"),
        ("x(1)[1]", "written like"),
        (3, "written like"),
    ]:
        with pytest.raises(ValueError, match=msg):
            ParamRef.parse(text)
    with pytest.raises(ValueError, match="weight 'W' or a bias 'b'"):
        ParamRef(1, "w", 0, 0)


def test_a_parameter_is_found_in_the_network():
    s = _session()
    widths = s.arch.widths  # (2, 4, 3, 1)
    places = [ref.flat_index(widths) for ref in every_parameter(widths)]
    assert sorted(places) == list(range(s.params.flat.size))  # each entry of θ, once
    for k, ref in zip(places, every_parameter(widths)):
        s.params.flat[k] = 1000.0 + k  # the entry the reference names, and no other
        assert ref.get(s.params) == 1000.0 + k
        assert s.params.arrays()[ref.array_index] is ref.array(s.params)
    assert len(every_parameter(widths)) == s.params.flat.size
    with pytest.raises(ValueError, match=r"W⁽⁴⁾₁,₁: the network has 3 layers with weights"):
        ParamRef.weight(4, 0, 0).check(widths)
    with pytest.raises(ValueError, match=r"b⁽³⁾₂: layer 3 has 1 unit"):
        ParamRef.bias(3, 1).check(widths)
    with pytest.raises(ValueError, match=r"W⁽¹⁾₁,₃: input has 2 units"):
        ParamRef.weight(1, 0, 2).check(widths)
    with pytest.raises(ValueError, match=r"W⁽²⁾₁,₅: layer 1 has 4 units"):
        ParamRef.weight(2, 0, 4).check(widths)


@pytest.mark.parametrize(
    "text, value",
    [
        ("-0.75", -0.75),
        ("0,5", 0.5),
        ("1/2", 0.5),
        ("−3", -3.0),
        (" +2e-3 ", 0.002),
        ("-1/4", -0.25),
    ],
)
def test_typed_values(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1/0", "1,5,2", "1/2/3", "--1", "0x10", "nan"])
def test_typed_values_that_are_not_numbers(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_value(text)


# --- an edit -----------------------------------------------------------------------------------
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("reset_moments", [False, True])
def test_an_edit_then_undo_is_bit_identical(optimizer, reset_moments):
    s = _session(optimizer)
    before = _state(s)
    edit = set_parameter(s, W23, -0.82, reset_moments=reset_moments)
    assert W23.get(s.params) == -0.82 and edit.new == -0.82 and edit.step == 30
    assert s.last.train_loss == s.evaluate("train")[0]  # measured anew
    after = _state(s)
    assert after != before
    if reset_moments:
        assert s.optimizer.get_state()["t"] == 0
        assert all(not np.any(a) for k, v in s.optimizer.get_state().items() if k != "t" for a in v)
    assert undo_edit(s) == edit
    assert _state(s) == before
    assert redo_edit(s) == edit
    assert _state(s) == after
    assert undo_edit(s) == edit and _state(s) == before
    assert undo_edit(s) is None  # nothing more to undo


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_the_moments_are_kept_by_default(optimizer):
    s = _session(optimizer)
    moments = copy.deepcopy(s.optimizer.get_state())
    set_parameter(s, W23, 0.4)
    now = s.optimizer.get_state()
    assert now["t"] == moments["t"]
    for k in now:
        if k != "t":
            assert all(np.array_equal(a, b) for a, b in zip(now[k], moments[k]))


def test_a_drag_is_one_edit():
    s = _session()
    before = _state(s)
    first = set_parameter(s, W23, 0.1)
    for v in np.linspace(0.1, 1.7, 30):
        e = set_parameter(s, W23, v, merge=True)
    assert e.old == first.old and e.new == 1.7 and len(s.edits.edits) == 1
    assert s.edits.edits[0] == e
    undo_edit(s)
    assert _state(s) == before
    # a drag that ends where it began leaves no edit
    set_parameter(s, W23, 0.3)
    assert set_parameter(s, W23, first.old, merge=True) is None
    assert s.edits.edits == () and _state(s) == before
    # a second drag of the same weight is an edit of its own; a step ends the merging
    set_parameter(s, W23, 0.3)
    set_parameter(s, W23, 0.5)
    assert len(s.edits.edits) == 2
    s.step(1)
    set_parameter(s, W23, 0.6, merge=True)
    assert len(s.edits.edits) == 3


def test_refused_values_change_nothing():
    s = _session()
    before = _state(s)
    for value, msg in [
        (math.nan, "finite"),
        (math.inf, "finite"),
        (MAX_HAND_VALUE * 2, "within ±1000"),
        ("abc", "not a number"),
        (None, "must be a number"),
    ]:
        with pytest.raises(ValueError, match=msg):
            set_parameter(s, W23, value)
    with pytest.raises(ValueError, match="layer 3 has 1 unit"):
        set_parameter(s, ParamRef.bias(3, 1), 0.0)
    assert _state(s) == before
    assert set_parameter(s, W23, W23.get(s.params)) is None  # the same value: no edit
    assert set_parameter(s, W23, "1/2").new == 0.5
    assert math.copysign(1.0, set_parameter(s, W23, -0.0).new) == 1.0


def test_the_snapshot_carries_the_edits():
    s = _session()
    set_parameter(s, W23, 0.25)
    freeze(s, ParamRef.bias(1, 2))
    snap = s.snapshot().edits
    assert snap.edits == s.edits.edits and snap.edits[0].text == (
        f"W⁽²⁾₁,₃: {snap.edits[0].old:.4g} → 0.25 (step 30)".replace("-", "−")
    )
    assert snap.frozen == (ParamRef.bias(1, 2),) and snap.editable is None
    assert snap.can_undo and not snap.can_redo
    assert snap.is_frozen(ParamRef.bias(1, 2)) and not snap.is_locked(W23)


def test_an_edit_that_raises_the_loss_is_not_divergence():
    s = _session("sgd", steps=200)
    set_parameter(s, ParamRef.bias(3, 0), 6.0)
    assert s.last.train_loss > 3 * s.history.arrays().train_loss[-1]
    assert s.step(100) == 100 and s.diverged is None


# --- rewinding across an edit --------------------------------------------------------------------
def test_rewinding_across_an_edit_restores_the_old_theta_exactly():
    # a small budget: the timeline keeps every 4th step or so, and the edit falls between
    s = _session(steps=0, budget=40 * 1024)
    s.step(301)
    assert s.timeline.stride > 1 and 301 not in s.timeline.steps
    old = s.checkpoint()
    set_parameter(s, W23, 2.5)
    assert 301 in s.timeline.steps  # pinned, just before the edit
    s.step(40)
    s.timeline.rewind(s, 301)
    assert s.step_count == 301 and np.array_equal(s.params.flat, old.params.flat)
    assert s.edits.edits == ()  # rewound past: the marker is hidden ...
    later = max(s.timeline.steps)
    s.timeline.rewind(s, later)
    assert len(s.edits.edits) == 1  # ... and back when a later step is restored
    s.timeline.rewind(s, 301)
    s.step(1)  # the run branches before the edit: it is gone
    assert s.edits.edits == ()
    for _ in range(2000):  # the pin survives the thinning while the run grows
        s.step(5)
    assert 301 in s.timeline.steps


def test_a_later_rewind_keeps_the_edit_and_an_earlier_one_drops_later_checkpoints():
    s = _session(steps=20)
    s.step(20)  # checkpoints at 21 … 40
    s.timeline.rewind(s, 30)
    set_parameter(s, W23, -1.0)  # an edit at 30: the checkpoints after it are another future
    assert max(s.timeline.steps) == 30
    s.step(5)
    edited = s.params.flat.copy()
    s.timeline.rewind(s, 32)
    assert len(s.edits.edits) == 1
    s.step(3)
    assert np.array_equal(s.params.flat, edited)


def test_undo_after_training_goes_back_to_just_before_the_edit():
    s = _session("adam")
    before = _state(s)
    set_parameter(s, W23, 1.5)
    s.step(25)
    undo_edit(s)
    assert _state(s) == before
    assert redo_edit(s) is not None  # nothing happened since the undo
    s.step(1)
    assert undo_edit(s) is not None and undo_edit(s) is None


def test_the_phase_walk_and_the_fused_step_agree_with_frozen_weights():
    a = _session("momentum", lam=0.01)
    freeze(a, W23)
    freeze(a, ParamRef.bias(1, 0))
    set_parameter(a, ParamRef.weight(1, 2, 1), 0.7)
    b = copy.deepcopy(a)
    PhaseWalk(a).finish()  # the walk's step: the layer-by-layer gradient, masked
    b.step(1)  # the fused step, from the same state: the same batch
    assert np.array_equal(a.params.flat, b.params.flat)
    assert W23.get(a.params) == W23.get(b.params)


# --- freezing -----------------------------------------------------------------------------------
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("lam", [0.0, 0.01])
def test_a_frozen_weight_never_moves(optimizer, lam):
    s = _session(optimizer, lam=lam, steps=50)  # momentum and Adam have moments by now
    refs = [W23, ParamRef.bias(1, 3), ParamRef.weight(1, 0, 0)]
    refs[2].array(s.params)[0, 0] = -0.0  # a lesson may hold one: freezing makes it 0
    frozen = {}
    for r in refs:
        assert freeze(s, r)
        frozen[r] = r.array(s.params)[r.row, r.col].tobytes()
    assert frozen[refs[2]] == np.float64(0.0).tobytes()
    assert not freeze(s, W23)  # already
    free = s.params.flat.copy()
    assert s.step(1000) == 1000
    for r in refs:
        assert r.array(s.params)[r.row, r.col].tobytes() == frozen[r]
    moved = s.params.flat != free
    assert moved.sum() == s.params.flat.size - len(refs)
    # the walk's path holds it too
    PhaseWalk(s).finish()
    assert all(r.array(s.params)[r.row, r.col].tobytes() == frozen[r] for r in refs)
    # unfrozen, it trains again
    assert unfreeze(s, W23) and not unfreeze(s, W23)
    s.step(20)
    assert W23.array(s.params)[0, 2].tobytes() != frozen[W23]


def test_a_frozen_weight_stays_after_a_rewind_and_a_reset():
    s = _session("momentum", steps=40)
    freeze(s, W23)
    value = W23.get(s.params)
    s.timeline.rewind(s, 10)  # a checkpoint from before the freeze, with velocity in it
    w10 = W23.get(s.params)
    s.step(50)
    assert W23.get(s.params) == w10 and value != w10
    s.reset_parameters()
    assert s.edits.frozen == {W23}
    w0 = W23.get(s.params)
    s.step(30)
    assert W23.get(s.params) == w0
    s.set_network(NetworkSpec(hidden=(2,)))  # another shape: the frozen set goes
    assert s.edits.frozen == frozenset() and s.edits.edits == ()


def test_freezing_names_what_is_wrong():
    s = _session()
    with pytest.raises(ValueError, match="layer 2 has 3 units"):
        freeze(s, ParamRef.bias(2, 5))
    assert s.edits.frozen == frozenset()


def test_an_edit_of_a_softmax_network_and_its_undo():
    s = TrainingSession(blobs_dataset(3, 90), NetworkSpec(hidden=(3,)), seed=1)
    s.step(10)
    before = _state(s)
    set_parameter(s, ParamRef.weight(2, 2, 1), 3.0)
    undo_edit(s)
    assert _state(s) == before
