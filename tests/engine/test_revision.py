"""A session's revision names its state: what the views use to tell a change from none
(instead of hashing θ), and what "is this work saved" compares."""

from __future__ import annotations

import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec
from backprop_lab.engine.edits import set_parameter
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.engine.walk import WalkDriver

from .helpers import small_session, xor_dataset


def test_a_step_and_every_change_of_state_give_a_new_revision():
    s = small_session(xor_dataset())
    seen = {s.revision}

    def changed() -> bool:
        new = s.revision not in seen
        seen.add(s.revision)
        return new

    s.step(1)
    assert changed()
    s.step(5)
    assert changed()
    s.set_dataset(xor_dataset(seed=3))
    assert changed()
    s.reset_parameters()
    assert changed()
    s.set_network(NetworkSpec(hidden=(3,)))
    assert changed()
    s.set_seed(9)
    assert changed()
    set_parameter(s, ParamRef.parse("W(1)[1,1]"), 0.25)
    assert changed()
    # the design is not counted: a view compares it as well
    before = s.revision
    s.set_hyper(HyperParameters(alpha=0.01))
    assert s.revision == before


def test_the_snapshot_carries_the_revision_and_the_training_points():
    s = small_session(xor_dataset(test_fraction=0.25))
    s.step(3)
    snap = s.snapshot()
    assert snap.revision == s.revision
    assert snap.dataset.n_test > 0
    assert snap.n_train == s.n_train == len(snap.dataset) - snap.dataset.n_test
    assert s.snapshot(refresh=False).revision == s.revision  # measuring is no change


def test_restoring_a_state_brings_its_revision_back():
    s = small_session(xor_dataset())
    s.step(10)
    cp, at = s.checkpoint(), s.revision
    s.step(10)
    s.restore(cp)
    assert s.revision == at
    s.step(1)
    assert s.revision != at
    # a rewind is a restore of a kept checkpoint
    s.step(200)
    kept = s.timeline.rewind(s, 100)
    again = s.revision
    s.step(50)
    s.timeline.rewind(s, kept)
    assert s.revision == again


def test_a_copy_shares_the_number_only_while_it_is_the_same_state():
    a = small_session(xor_dataset())
    a.step(4)
    b = a.copy()
    assert b.revision == a.revision
    a.step(1)
    b.step(1)
    assert a.revision != b.revision  # the same numbers, but two runs' states
    other = small_session(xor_dataset())
    assert other.revision not in (a.revision, b.revision)


def test_a_walk_parked_between_phases_changes_nothing_until_the_step_is_done():
    s = small_session(xor_dataset())
    d = WalkDriver()
    before = s.revision
    state = d.next(s)
    while state.position < state.n_phases - 2:
        assert s.revision == before
        state = d.next(s)
    d.next(s)  # the update
    assert s.revision != before and s.step_count == 1


def test_a_failed_change_leaves_the_revision_as_it_was():
    s = small_session(xor_dataset())
    s.step(2)
    before = s.revision
    with pytest.raises(RuntimeError), s.all_or_nothing():
        s.reset_parameters()
        raise RuntimeError("no")
    assert s.revision == before
