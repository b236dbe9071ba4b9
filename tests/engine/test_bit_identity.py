"""The numbers of a seeded run stay bit-identical through restructuring.

The sha256 digests below were recorded from the code as it was before the engine and the
window were restructured: a seeded 1,000-step run of three tasks and three
update rules, a full phase walk (every array of every phase), and a rewind followed by
more steps. Any change to the order of floating-point operations, to the random stream or
to what the history records changes a digest.

Run this file as a script to print the digests of the current code.
"""

from __future__ import annotations

import hashlib

import numpy as np
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.phases import PhaseWalk

from .helpers import blobs_dataset, regression_dataset, xor_dataset


def _digest(arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(np.asarray(a, dtype=np.float64))
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _history_series(session: TrainingSession) -> list[np.ndarray]:
    """Every recorded series in a fixed order: steps, the five losses and accuracies, then
    per layer mean |δ|, ‖dL/dW‖ and ‖W‖."""
    h = session.snapshot().history
    out = [h.step, h.batch_loss, h.train_loss, h.test_loss, h.train_acc, h.test_acc]
    for i in range(session.arch.depth):
        out += [h.delta_mean_abs[:, i], h.grad_norms[:, i], h.weight_norms[:, i]]
    return out


def _last(session: TrainingSession) -> list:
    m = session.snapshot().last
    return [
        m.batch_loss,
        m.train_loss,
        m.test_loss,
        m.train_acc,
        m.test_acc,
        m.delta_mean_abs,
        m.grad_norms,
        m.weight_norms,
    ]


def _optimizer_state(session: TrainingSession) -> list:
    out = []
    for _k, v in sorted(session.optimizer.get_state().items()):
        if isinstance(v, list):
            out += v
        else:
            out.append(v)
    return out


def _session(case: str) -> TrainingSession:
    if case == "xor_sgd":
        return TrainingSession(
            xor_dataset(200, seed=1, test_fraction=0.25),
            NetworkSpec(hidden=(6, 4), activation="tanh"),
            HyperParameters(alpha=0.3, batch_size=16, lam=0.001),
            seed=7,
        )
    if case == "blobs_adam_epochs":
        return TrainingSession(
            blobs_dataset(4, 120, seed=2),
            NetworkSpec(hidden=(5,), activations=("relu",), features=("x1", "x2", "x1*x2")),
            HyperParameters(alpha=0.01, batch_size=10, optimizer="adam", batching="epochs"),
            seed=3,
        )
    if case == "sine_momentum":
        return TrainingSession(
            regression_dataset(1, 90, seed=4),
            NetworkSpec(hidden=(8, 8), activations=("sigmoid", "relu"), features=("x1",)),
            HyperParameters(alpha=0.05, batch_size=8, lam=0.0005, optimizer="momentum"),
            seed=11,
        )
    raise KeyError(case)


def run_digests(case: str) -> dict[str, str]:
    s = _session(case)
    s.step(1000)
    return {
        "params": _digest(s.params.arrays()),
        "optimizer": _digest(_optimizer_state(s)),
        "history": _digest(_history_series(s)),
        "last": _digest(_last(s)),
    }


def walk_digest() -> str:
    s = _session("blobs_adam_epochs")
    s.step(37)
    walk = PhaseWalk(s)
    arrays = []
    while not walk.done:
        phase = walk.next()
        arrays += list(phase.arrays.values())
        arrays += list(phase.scalars.values())
    arrays += s.params.arrays()
    arrays += _last(s)
    s.step(20)  # and the stream goes on from the walked step
    arrays += s.params.arrays()
    return _digest(arrays)


def rewind_digest() -> str:
    s = _session("xor_sgd")
    s.step(300)
    kept = s.timeline.rewind(s, 123)
    arrays = [np.array([kept, s.step_count])]
    arrays += s.params.arrays()
    arrays += _last(s)
    arrays += _history_series(s)
    s.step(50)
    arrays += s.params.arrays()
    arrays += _history_series(s)
    return _digest(arrays)


EXPECTED_RUNS = {
    "xor_sgd": {
        "params": "1429ff2c2c7177170fa8d5b205efc9885a9a7f4ce51f0c12dfda398e13d94bc8",
        "optimizer": "9e7aad5334d0707e96a731904ee5786437b056bd1e404c842f98cbe9ac16095e",
        "history": "e59e0fc54f96348b1afa16b35b2f9c6f6fade4ad7f8749a840fa04e6acadbe8e",
        "last": "0ae3f56dfa4ea7f0cdc810e8ef4bed5691cf8ff6db84190cffa6f20bde1a987e",
    },
    "blobs_adam_epochs": {
        "params": "9c0aebf7ffd758b23bbdb2c2b252501ee8f6a983d4b437450f06946c33cb1006",
        "optimizer": "dc352d1ca94698903209f91893817c080f5bb5b9ce3573b937443ff88be41ce1",
        "history": "ee836ad94f26ede89f0c54dec8b11865d7a93c14e1ff994abfe5c28542e973b6",
        "last": "ef4004c44b3ffb5dfdb2304e1a4f0672583e19a196ac7a158e0b393b857c20d8",
    },
    "sine_momentum": {
        "params": "13051ecb7a8c4cb1959fa2ee6b2a6641014cd1775bca0edb382471577eddb7f1",
        "optimizer": "46c6668c8d93f692ebfad115b0316a8e6bd98f335201e41ff20e244d0c77b705",
        "history": "5bc6ce57775c8b6b32316c459bd2ac479bc34db79fea662ebbfdab4bdd5f249e",
        "last": "18c82029723aa5368ea99b2294067a2b109ce7914cc7a92f90386ec0641f6287",
    },
}
EXPECTED_WALK = "500f9d0847675864291d1bd2c9dd9ef8c99cbd3d0f1c58b6e208db73c40aff9d"
EXPECTED_REWIND = "668a11cfbaad62696cd5c337a2ddcee5a0ecbf5fe208a2be52e26a5c6fa3d58e"


def test_a_seeded_1000_step_run_is_bit_identical():
    for case, expected in EXPECTED_RUNS.items():
        assert run_digests(case) == expected, case


def test_a_phase_walk_is_bit_identical():
    assert walk_digest() == EXPECTED_WALK


def test_a_rewind_is_bit_identical():
    assert rewind_digest() == EXPECTED_REWIND


if __name__ == "__main__":
    for case in EXPECTED_RUNS:
        print(case, run_digests(case))
    print("walk", walk_digest())
    print("rewind", rewind_digest())
