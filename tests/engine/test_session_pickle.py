"""A run pickled and unpickled (how runs travel to and from the engine process) steps on
with exactly the numbers it would have had, rewinds to the same kept steps, and is its
own: θ's arrays are views of its flat buffer again."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.group import RunGroup

from .group_helpers import state_digest
from .helpers import blobs_dataset, xor_dataset
from .test_session_copy import state_of


def round_trip(obj):
    return pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


@pytest.mark.parametrize(
    "optimizer, batching, lam, data",
    [
        ("sgd", "random", 0.0, "xor"),
        ("momentum", "epochs", 0.01, "blobs"),
        ("adam", "random", 0.001, "xor"),
    ],
)
def test_an_unpickled_run_steps_on_with_the_same_numbers(optimizer, batching, lam, data):
    hyper = HyperParameters(
        alpha=0.05, batch_size=8, optimizer=optimizer, batching=batching, lam=lam
    )
    ds = xor_dataset(n=150, test_fraction=0.2) if data == "xor" else blobs_dataset()
    s = TrainingSession(ds, NetworkSpec((5, 4), activation="tanh"), hyper, seed=3)
    s.step(300)
    u = round_trip(s)
    assert state_of(u) == state_of(s)
    s.step(400)
    u.step(400)
    assert state_of(u) == state_of(s)
    assert state_digest(u) == state_digest(s)
    # θ's arrays are views of the flat buffer: an update reaches them
    for w in u.params.W:
        assert np.shares_memory(w, u.params.flat)
    # the kept steps come back the same
    back = s.timeline.steps[len(s.timeline.steps) // 2]
    s.timeline.rewind(s, back)
    u.timeline.rewind(u, back)
    assert state_digest(u, history=False, metrics=False) == state_digest(
        s, history=False, metrics=False
    )


def test_a_pickled_group_of_runs_keeps_lock_step_and_a_frozen_snapshot_stays_read_only():
    s = TrainingSession(
        xor_dataset(n=120),
        NetworkSpec((4, 4), activation="sigmoid"),
        HyperParameters(alpha=0.3, batch_size=8),
        seed=1,
    )
    group = RunGroup.of(s)
    group.duplicate(0)
    group.step(50)
    u = round_trip(group)
    group.step(120)
    u.step(120)
    assert [state_digest(r) for r in u] == [state_digest(r) for r in group]
    snap = round_trip(s.snapshot())
    assert not snap.params.flat.flags.writeable
    assert all(not w.flags.writeable for w in snap.params.W)
    assert np.array_equal(snap.params.flat, s.snapshot().params.flat)
