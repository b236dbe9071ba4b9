"""``TrainingSession.copy()`` is deep and independent: a copy steps on with exactly the
numbers the original would, and neither ever changes the other. The epoch count is the
epochs as they happened: drawing points later does not rewrite it."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.scenario import (
    from_json,
    scenario_from_session,
    session_from_scenario,
    to_json,
)

from .helpers import blobs_dataset, xor_dataset


def state_of(s: TrainingSession) -> dict:
    """Everything a run is, as plain arrays and numbers (compared bit for bit)."""
    h = s.history.arrays()
    cp = s.checkpoint()
    out = {
        "step": s.step_count,
        "samples": s.samples_seen,
        "epoch": s.epoch,
        "theta": [a.tobytes() for a in s.params.arrays()],
        "opt_t": cp.optimizer["t"],
        "opt": {k: [a.tobytes() for a in v] for k, v in cp.optimizer.items() if k != "t"},
        "rng": repr(cp.rng),
        "order": cp.order.tobytes(),
        "order_pos": cp.order_pos,
        "timeline": tuple(s.timeline.steps),
        "diverged": s.diverged,
    }
    for name in ("step", "batch_loss", "train_loss", "test_loss", "delta_mean_abs"):
        out[f"history.{name}"] = np.asarray(getattr(h, name)).tobytes()
    return out


@pytest.mark.parametrize(
    "optimizer, batching", [("sgd", "random"), ("momentum", "epochs"), ("adam", "random")]
)
def test_a_copy_steps_on_with_the_originals_numbers_and_stays_apart(optimizer, batching):
    hyper = HyperParameters(alpha=0.05, batch_size=8, optimizer=optimizer, batching=batching)
    s = TrainingSession(blobs_dataset(), NetworkSpec((5, 4), activation="tanh"), hyper, seed=3)
    s.step(57)
    c = s.copy()
    assert state_of(c) == state_of(s)
    assert c.dataset is s.dataset  # immutable values are shared, not duplicated
    before = state_of(s)
    c.step(40)  # the copy moves on; the original has not moved
    assert state_of(s) == before
    s.step(40)
    assert state_of(c) == state_of(s)
    # and the copy's arrays are its own
    c.params.W[0][0, 0] += 1.0
    assert s.params.W[0][0, 0] != c.params.W[0][0, 0]
    for a, b in zip(s.optimizer.get_state().get("m", []), c.optimizer.get_state().get("m", [])):
        assert not np.shares_memory(a, b)


def test_a_copy_rewinds_on_its_own_timeline():
    s = TrainingSession(xor_dataset(), NetworkSpec((4,)), HyperParameters(0.3, 8), seed=1)
    s.step(30)
    c = s.copy()
    c.timeline.rewind(c, 10)
    assert c.step_count == 10 and s.step_count == 30
    c.step(20)
    s2 = TrainingSession(xor_dataset(), NetworkSpec((4,)), HyperParameters(0.3, 8), seed=1)
    s2.step(30)
    assert state_of(s) == state_of(s2)  # the original's rewind points were not touched


def test_epochs_are_counted_as_they_happen():
    ds = xor_dataset(n=100)
    s = TrainingSession(ds, NetworkSpec((4,)), HyperParameters(0.1, 10), seed=0)
    s.step(20)  # 200 samples over 100 points
    assert s.epoch == pytest.approx(2.0)
    more = ds
    for x in np.linspace(-5, 5, 100):
        more = more.with_point(float(x), 1.0, label=1)
    s.set_dataset(more)  # 200 training points now: the two epochs done stay two
    assert s.epoch == pytest.approx(2.0)
    s.step(20)  # 200 more samples over 200 points: one more epoch
    assert s.epoch == pytest.approx(3.0)
    # a rewind to before the change brings back the epoch count of then
    s.timeline.rewind(s, 10)
    assert s.epoch == pytest.approx(1.0)


def test_a_saved_lesson_keeps_the_epoch_count():
    ds = xor_dataset(n=100)
    s = TrainingSession(ds, NetworkSpec((4,)), HyperParameters(0.1, 10), seed=0)
    s.step(20)
    s.set_dataset(ds.with_point(1.0, 1.0, 1).with_point(2.0, 2.0, 1))
    s.step(7)
    back = session_from_scenario(from_json(to_json(scenario_from_session(s))))
    assert back.epoch == s.epoch
    assert back.samples_seen / back.n_train != s.epoch  # so the file is what kept it
