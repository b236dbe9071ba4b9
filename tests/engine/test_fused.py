"""The fused step (``TrainingSession.step``) gives the reference step's numbers to the last
bit, in 36 configurations; its buffers hold every intermediate of the layered pass."""

import copy

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.activations import Sigmoid
from backprop_lab.engine.network import FusedStep, Parameters

from .helpers import blobs_dataset, regression_dataset, xor_dataset

DATASETS = {
    "bernoulli": lambda: xor_dataset(150, test_fraction=0.2),
    "categorical": lambda: blobs_dataset(3, 150),
    "gaussian": lambda: regression_dataset(2, 150),
}
HEADS = list(DATASETS)
ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity"]
OPTIMIZERS = ["sgd", "momentum", "adam"]
DEPTHS = [(), (6,), (6, 5), (5, 4, 3)]  # L = 1 … 4
LAMBDAS = [0.0, 0.01, 0.001]


def configurations():
    """Every head × activation × optimizer (36), each with a depth and a λ chosen so that
    every head and every optimizer meets every depth (L = 1 included) and every λ."""
    out = []
    for h, head in enumerate(HEADS):
        for a, act in enumerate(ACTIVATIONS):
            for o, opt in enumerate(OPTIMIZERS):
                hidden = DEPTHS[(a + h + o) % len(DEPTHS)]
                lam = LAMBDAS[(o + a) % len(LAMBDAS)]
                batching = "epochs" if (h + a + o) % 2 else "random"
                out.append((head, act, opt, hidden, lam, batching))
    return out


CONFIGS = configurations()


def test_the_configurations_cover_every_depth_and_penalty_per_head_and_optimizer():
    assert len(CONFIGS) == 36
    for head in HEADS:
        assert {len(c[3]) for c in CONFIGS if c[0] == head} == {0, 1, 2, 3}
    for opt in OPTIMIZERS:
        assert {len(c[3]) for c in CONFIGS if c[2] == opt} == {0, 1, 2, 3}
        assert {c[4] for c in CONFIGS if c[2] == opt} == set(LAMBDAS)


def _session(head, activation, optimizer, hidden, lam, batching) -> TrainingSession:
    alpha = 0.005 if head == "gaussian" else 0.05  # a linear regression net diverges above
    # B = 12, not a power of two: a division by B reordered into a product by 1/B shows
    return TrainingSession(
        DATASETS[head](),
        NetworkSpec(hidden=hidden, activation=activation),
        HyperParameters(
            alpha=alpha, batch_size=12, lam=lam, optimizer=optimizer, batching=batching
        ),
        seed=7,
    )


def _state(s: TrainingSession) -> list[bytes]:
    """Everything a step changes or records, as bytes."""
    out = [s.params.flat.tobytes(), np.array([s.step_count, s.samples_seen]).tobytes()]
    for _, v in sorted(s.optimizer.get_state().items()):
        out += [a.tobytes() for a in v] if isinstance(v, list) else [str(v).encode()]
    h = s.snapshot(refresh=False).history
    out += [np.asarray(getattr(h, f)).tobytes() for f in h.__dataclass_fields__]
    b = s.batch_state()
    out += [repr(b.rng).encode(), b.order.tobytes(), str(b.order_pos).encode()]
    out.append(repr(s.diverged).encode())
    return out


@pytest.mark.parametrize(
    "head,activation,optimizer,hidden,lam,batching",
    CONFIGS,
    ids=[f"{c[0]}-{c[1]}-{c[2]}-L{len(c[3]) + 1}-lam{c[4]:g}-{c[5]}" for c in CONFIGS],
)
def test_the_fused_step_is_the_reference_step_bit_for_bit(
    head, activation, optimizer, hidden, lam, batching
):
    fused = _session(head, activation, optimizer, hidden, lam, batching)
    reference = _session(head, activation, optimizer, hidden, lam, batching)
    steps = 300
    done = fused.step(steps)  # fewer only if the run diverged
    ran = 0
    while ran < steps:
        ran += 1
        if not reference.reference_step():
            break
    assert done == ran and done > 10
    assert _state(fused) == _state(reference)
    # steps taken by hand (a history row each) too, and the last batch's figures
    assert fused.step(3, record=True) == 3
    for _ in range(3):
        reference.reference_step(record=True)
    assert _state(fused) == _state(reference)
    assert fused.snapshot().last.batch_loss == reference.snapshot().last.batch_loss


def test_the_fused_step_keeps_every_intermediate_of_the_layered_pass():
    s = TrainingSession(
        blobs_dataset(4, 120), NetworkSpec(hidden=(7, 3), activation="tanh"), seed=2
    )
    idx = s.draw_batch()
    x, y = s.batch(idx)
    fp = s.net.forward(s.params, x)
    bp = s.net.backward(s.params, fp, y, 0.02)
    X, Y = s.train_x, s.batch(np.arange(s.n_train))[1]
    f = FusedStep(s.net, len(idx), Y.dtype)
    loss = f.run(s.params, X, Y, idx, 0.02)
    assert loss == -float(s.net.log_likelihood(fp, y).mean())
    for a, b in zip([*fp.z, *fp.h], [*f.fp.z, *f.fp.h]):
        assert np.array_equal(a, b)
    for a, b in zip(bp.gradient_arrays() + bp.delta, f.bp.gradient_arrays() + f.bp.delta):
        assert np.array_equal(a, b)


def test_sigmoid_guards_only_where_it_matters_and_matches_the_clipped_formula():
    z = np.array(
        [
            [-np.inf, -1e4, -750.0, -709.9, -705.0, -700.0, -30.0, -0.0, 0.0, 3.5, 40.0, 700.0]
            + [705.0, 800.0, np.inf, np.nan]
        ]
    )
    clipped = 1.0 / (1.0 + np.exp(-np.clip(z, -700.0, 700.0)))
    with np.errstate(all="ignore"):
        ours = Sigmoid().forward(z, np.empty_like(z))
    assert ours.tobytes() == clipped.tobytes()
    assert np.all(np.isfinite(ours[:, :-1]))


def test_packed_parameters_copy_as_packed_independent_arrays():
    s = TrainingSession(xor_dataset(60), NetworkSpec(hidden=(3,)), seed=0)
    p = s.params
    c = p.copy()
    assert c.flat is not None and not np.shares_memory(c.flat, p.flat)
    assert all(np.shares_memory(a, c.flat) for a in c.arrays())
    ro = p.read_only()
    assert not ro.flat.flags.writeable and not ro.W[0].flags.writeable
    s.step(3)
    assert not np.array_equal(ro.flat, p.flat)  # the copy did not move with θ
    # θ is always packed, however it is made (here from loose arrays, as a file gives them)
    made = Parameters([np.ones((2, 3)), np.zeros((1, 2))], [np.zeros((2, 1)), np.ones((1, 1))])
    assert made.flat.tolist() == [1.0] * 6 + [0.0] * 2 + [0.0] * 2 + [1.0]
    assert all(np.shares_memory(a, made.flat) for a in made.arrays())


def test_a_deep_copied_session_trains_its_own_parameters_and_optimizer():
    s = TrainingSession(
        xor_dataset(60), NetworkSpec(hidden=(3,)), HyperParameters(optimizer="adam"), seed=0
    )
    s.step(2)
    twin = copy.deepcopy(s)
    assert all(np.shares_memory(a, twin.params.flat) for a in twin.params.arrays())
    assert not np.shares_memory(twin.params.flat, s.params.flat)
    s.step(5)
    twin.step(5)
    assert twin.params.flat.tobytes() == s.params.flat.tobytes()
    # the copy's optimizer state is its own, and what it reads is what it updates
    for k in ("m", "s"):
        for a, b in zip(s.optimizer.state[k], twin.optimizer.state[k]):
            assert a.tobytes() == b.tobytes() and not np.shares_memory(a, b)
    twin.step(1)
    assert twin.optimizer.get_state()["m"][0].tobytes() != s.optimizer.get_state()["m"][0].tobytes()


@pytest.mark.parametrize(
    "head,activation,optimizer,lam",
    [
        ("bernoulli", "sigmoid", "sgd", 0.0),
        ("bernoulli", "tanh", "adam", 0.01),
        ("gaussian", "relu", "momentum", 0.001),
        ("gaussian", "identity", "sgd", 0.0),
    ],
)
def test_a_fused_step_allocates_no_arrays(head, activation, optimizer, lam):
    """After the first step, a step and its update write only into buffers made before:
    what they allocate in between (a few Python numbers) stays below the smallest array
    of the step, a row of the batch (B = 1,024: 8 KB)."""
    import tracemalloc

    data = xor_dataset(1200) if head == "bernoulli" else regression_dataset(2, 1200)
    s = TrainingSession(
        data,
        NetworkSpec(hidden=(64, 64), activation=activation),
        HyperParameters(alpha=1e-4, batch_size=1024, lam=lam, optimizer=optimizer),
        seed=1,
    )
    X, Y = s.train_x, s.batch(np.arange(s.n_train))[1]
    idx = s.draw_batch()
    fused = FusedStep(s.net, 1024, Y.dtype)
    theta = s.params.flat

    def one_step():
        fused.run(s.params, X, Y, idx, lam)
        s.optimizer.update(theta, fused.grad, 1e-4)

    with np.errstate(all="ignore"):
        one_step()  # the first binds the step's calls to θ and the data
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            for _ in range(5):
                one_step()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    # NumPy before 2.3 runs a reduction along the batch (db) through its ufunc buffer: a
    # fixed np.getbufsize() elements whatever B is, not an array of the step
    old_numpy = np.lib.NumpyVersion(np.__version__) < "2.3.0"
    buffer = 8 * np.getbufsize() + 1024 if old_numpy else 0
    assert peak - before < 6 * 1024 + buffer
