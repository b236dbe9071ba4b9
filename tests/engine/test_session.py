"""The training session: determinism, live changes, histories, checkpoints, divergence."""

import numpy as np
import pytest
from backprop_lab.engine import DecimatingHistory, HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.data import empty_dataset

from .helpers import blobs_dataset, regression_dataset, xor_dataset


def _xor_session(**hyper):
    return TrainingSession(
        xor_dataset(120, test_fraction=0.25),
        NetworkSpec(hidden=(5, 3), activation="tanh"),
        HyperParameters(**{"alpha": 0.3, "batch_size": 8, **hyper}),
        seed=11,
    )


def _params_equal(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a.arrays(), b.arrays(), strict=True))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batching", ["random", "epochs"])
def test_same_seed_same_numbers(optimizer, batching):
    # momentum's step is about 10× α: at α = 0.3 it overshoots; this test is about a
    # sane run
    alpha = 0.1 if optimizer == "momentum" else 0.3
    a = _xor_session(optimizer=optimizer, batching=batching, alpha=alpha)
    b = _xor_session(optimizer=optimizer, batching=batching, alpha=alpha)
    a.step(137)
    for _ in range(137):
        b.step(1)
    assert a.step_count == b.step_count == 137
    assert _params_equal(a.params, b.params)
    np.testing.assert_array_equal(a.history.arrays().train_loss, b.history.arrays().train_loss)


def test_step_counts_and_epochs():
    s = _xor_session(batch_size=10)
    n_train = s.n_train
    assert s.step(7) == 7 and s.step_count == 7
    assert s.epoch == pytest.approx(70 / n_train)


def test_epoch_batching_visits_every_point_once_per_epoch():
    s = _xor_session(batching="epochs", batch_size=10)
    n = s.n_train
    seen = np.concatenate([s.draw_batch() for _ in range(n // 10)])
    assert sorted(seen) == list(range(n // 10 * 10)) or len(set(seen)) == n // 10 * 10


def test_batch_size_is_clamped_to_the_data():
    s = _xor_session(batch_size=10_000)
    assert s.effective_batch_size == s.n_train
    x, _ = s.batch(s.draw_batch())
    assert x.shape[1] == s.n_train


def test_hyper_parameters_change_without_losing_parameters():
    s = _xor_session()
    s.step(20)
    before = s.params.copy()
    s.update_hyper(alpha=0.01, lam=0.1, batch_size=4, optimizer="adam")
    assert _params_equal(before, s.params) and s.step_count == 20
    s.step(1)
    assert s.step_count == 21 and not _params_equal(before, s.params)


def test_editing_points_keeps_parameters_changing_classes_rebuilds():
    s = _xor_session()
    s.step(10)
    before = s.params.copy()
    s.set_dataset(s.dataset.with_point(1.0, 2.0, 1))
    assert _params_equal(before, s.params) and s.step_count == 10
    assert s.n_train == int((~s.dataset.is_test).sum())
    s.set_dataset(blobs_dataset(3, 60))
    assert s.arch.widths[-1] == 3 and s.step_count == 0


def test_architecture_change_rebuilds_with_new_shapes():
    s = _xor_session()
    s.step(5)
    s.set_network(NetworkSpec(hidden=(7, 2, 3), activation="relu", features=("x1", "x2", "x1*x2")))
    assert s.arch.widths == (3, 7, 2, 3, 1)
    assert [w.shape for w in s.params.W] == [(7, 3), (2, 7), (3, 2), (1, 3)]
    assert s.init_schemes == ("he", "he", "he", "glorot")
    assert s.step_count == 0


def test_invalid_settings_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="width must be 1..64, got 0"):
        NetworkSpec(hidden=(4, 0))
    with pytest.raises(ValueError, match="α must be a positive number"):
        HyperParameters(alpha=-1)
    with pytest.raises(ValueError, match="λ must be ≥ 0"):
        HyperParameters(lam=-0.1)
    with pytest.raises(ValueError, match="needs x2"):
        TrainingSession(regression_dataset(1), NetworkSpec(features=("x1", "x2")))


def test_an_empty_dataset_cannot_be_trained():
    s = TrainingSession(empty_dataset())
    with pytest.raises(ValueError, match="no training points"):
        s.step(1)


def test_divergence_stops_and_says_so():
    s = TrainingSession(
        regression_dataset(2, 100),
        NetworkSpec(hidden=(8,), activation="identity", features=("x1", "x2", "x1^2")),
        HyperParameters(alpha=5.0, batch_size=16),
    )
    done = s.step(10_000)
    assert done < 10_000
    assert s.diverged and "diverged" in s.diverged and "learning rate" in s.diverged


def test_checkpoint_restore_replays_the_same_numbers():
    s = _xor_session(optimizer="adam", batching="epochs")
    s.step(30)
    cp = s.checkpoint()
    s.step(40)
    first = s.params.copy()
    losses = s.history.arrays().train_loss
    s.restore(cp)
    assert s.step_count == 30 and s.history.steps[-1] == 30
    s.step(40)
    assert _params_equal(first, s.params)
    np.testing.assert_array_equal(losses, s.history.arrays().train_loss)


def test_history_memory_is_flat_over_long_runs():
    h = DecimatingHistory(2, capacity=64)
    nbytes = h.nbytes
    for step in range(200_000):
        if h.wants(step):
            h.record(step, [step, -step])
    assert h.nbytes == nbytes
    assert 32 <= len(h) <= 64
    steps = h.steps
    assert steps[0] == 0 and steps[-1] > 190_000
    assert np.all(np.diff(steps) == h.stride)  # evenly spaced over the whole run
    np.testing.assert_array_equal(h.rows()[:, 0], steps)


def test_session_history_records_per_layer_signals():
    s = _xor_session()
    s.step(50)
    snap = s.snapshot()
    L = s.net.depth
    stride = s.history.stride
    assert stride == 2  # 120 points: a full evaluation costs about two batch steps
    np.testing.assert_array_equal(snap.history.step, np.arange(0, 51, stride))
    assert snap.history.delta_mean_abs.shape == (len(snap.history.step), L)  # a layer axis
    for layer in range(1, L + 1):
        d = snap.history.delta_mean_abs[1:, layer - 1]
        assert np.all(np.isfinite(d)) and np.all(d > 0)
    assert snap.last.delta_mean_abs.shape == (L,)
    train_loss, train_acc = s.evaluate("train")
    assert snap.history.train_loss[-1] == train_loss
    assert snap.history.train_acc[-1] == train_acc
    assert np.isfinite(snap.history.test_loss[-1])


def test_snapshot_is_an_independent_read_only_copy():
    s = _xor_session()
    snap = s.snapshot()
    w0 = snap.params.W[0].copy()
    s.step(10)
    np.testing.assert_array_equal(snap.params.W[0], w0)
    with pytest.raises(ValueError):
        snap.params.W[0][0, 0] = 1.0


def test_snapshot_between_history_rows_is_current():
    s = _xor_session()
    s.step(3)  # stride 2: step 3 has no history row
    snap = s.snapshot()
    assert snap.last.step == 3
    assert snap.last.train_loss == s.evaluate("train")[0]
    assert np.all(np.isfinite(snap.last.delta_mean_abs))


def test_a_failing_change_leaves_the_session_exactly_as_before(monkeypatch):
    import backprop_lab.engine.session as session_module

    s = _xor_session()
    s.step(5)
    before = dict(vars(s))
    params = s.params.copy()

    def boom(*_a, **_k):
        raise RuntimeError("injected")

    monkeypatch.setattr(session_module, "init_parameters", boom)
    with pytest.raises(RuntimeError), s.all_or_nothing():
        s.set_network(NetworkSpec(hidden=(7,), activation="tanh"))
    monkeypatch.setattr(session_module, "feature_matrix", boom)
    with pytest.raises(RuntimeError), s.all_or_nothing():
        s.set_dataset(xor_dataset(50))
    assert vars(s).keys() == before.keys()
    assert all(vars(s)[k] is v for k, v in before.items())
    assert _params_equal(s.params, params)
    monkeypatch.undo()
    s.step(1)
    assert s.step_count == 6


def test_rewinding_past_an_optimizer_change_keeps_the_chosen_optimizer():
    """Found by the random walk (KeyError: 'v' in the engine thread): a checkpoint taken
    under SGD restored into a session that now uses momentum."""
    import dataclasses

    from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
    from backprop_lab.engine.datasets import make_preset

    s = TrainingSession(
        make_preset("xor"), NetworkSpec(hidden=(4,)), HyperParameters(alpha=0.1), seed=0
    )
    s.step(3)
    early = s.checkpoint()
    s.set_hyper(dataclasses.replace(s.hyper, optimizer="momentum"))
    s.step(3)
    s.restore(early)
    assert s.step_count == 3 and s.optimizer.name == "momentum"
    assert s.optimizer.t == 0  # its state starts afresh: the checkpoint had none for it
    for a, b in zip(s.params.arrays(), early.params.arrays()):
        np.testing.assert_array_equal(a, b)  # θ is the checkpoint's
    assert s.step(2) == 2  # and it trains on


def test_a_rewind_to_before_new_data_saves_and_steps_as_a_new_epoch():
    from backprop_lab.engine.datasets import make_preset
    from backprop_lab.engine.scenario import from_json, scenario_from_session, to_json

    s = TrainingSession(
        make_preset("xor", n_points=200, test_fraction=0.2, seed=0),
        hyper=HyperParameters(alpha=0.1, batch_size=16, batching="epochs"),
        seed=0,
    )
    s.step(12)  # half-way through an epoch of 160 training points
    s.set_dataset(make_preset("xor", n_points=400, test_fraction=0.2, seed=1))
    s.step(5)
    s.timeline.rewind(s, 8)  # a checkpoint whose epoch order names the old 160 points
    again = from_json(to_json(scenario_from_session(s)))  # a valid lesson, not refused
    assert again.state.step == s.step_count
    idx = s.draw_batch()
    assert idx.max() < s.n_train  # a new epoch over the points that are there
