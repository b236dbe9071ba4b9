"""The lean fused step gives the layered maths' numbers to the last bit."""

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.activations import Sigmoid
from backprop_lab.engine.network import FusedStep, Parameters
from backprop_lab.engine.optim import make_optimizer

from .helpers import blobs_dataset, regression_dataset, xor_dataset

DATASETS = {
    "bernoulli": lambda: xor_dataset(150, test_fraction=0.2),
    "categorical": lambda: blobs_dataset(3, 150),
    "gaussian": lambda: regression_dataset(2, 150),
}


def _layered_run(session: TrainingSession, steps: int) -> tuple[Parameters, list[float]]:
    """The session's first ``steps`` steps through ``Network.forward`` / ``backward`` and
    the per-array ``Optimizer.step`` on separate (unpacked) arrays: the step as it was
    written before the fused one."""
    s = session
    params = Parameters([w.copy() for w in s.params.W], [b.copy() for b in s.params.b])
    plist = params.arrays()
    opt = make_optimizer(s.hyper.optimizer, [a.shape for a in plist])
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            x, y = s.batch(s.draw_batch())
            fp = s.net.forward(params, x)
            losses.append(-float(s.net.log_likelihood(fp, y).mean()))
            bp = s.net.backward(params, fp, y, s.hyper.lam)
            opt.step(plist, bp.gradient_arrays(), s.hyper.alpha)
    return params, losses


@pytest.mark.parametrize("head", list(DATASETS))
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "identity"])
@pytest.mark.parametrize("optimizer,lam", [("sgd", 0.0), ("momentum", 0.01), ("adam", 0.001)])
def test_a_seeded_run_of_the_fused_step_is_the_layered_run_bit_for_bit(
    head, activation, optimizer, lam
):
    alpha = 0.005 if head == "gaussian" else 0.05  # a linear regression net diverges above

    def make():
        return TrainingSession(
            DATASETS[head](),
            NetworkSpec(hidden=(6, 5), activation=activation),
            HyperParameters(alpha=alpha, batch_size=16, lam=lam, optimizer=optimizer),
            seed=7,
        )

    fused, layered = make(), make()
    assert fused.params.flat is not None  # the packed layout the flat update uses
    steps = 1000 if (activation, optimizer) == ("sigmoid", "sgd") else 200
    done = fused.step(steps)  # fewer only if the run diverged
    assert done > 10
    ref, losses = _layered_run(layered, done)
    assert (
        fused.params.flat.tobytes() == np.concatenate([a.ravel() for a in ref.arrays()]).tobytes()
    )
    assert fused._last_batch_loss == losses[-1]


def test_the_fused_step_keeps_every_intermediate_of_the_layered_pass():
    s = TrainingSession(
        blobs_dataset(4, 120), NetworkSpec(hidden=(7, 3), activation="tanh"), seed=2
    )
    idx = s.draw_batch()
    x, y = s.batch(idx)
    fp = s.net.forward(s.params, x)
    bp = s.net.backward(s.params, fp, y, 0.02)
    f = FusedStep(s.net, len(idx), s._y_train.dtype)
    loss = f.run(s.params, s._X_train, s._y_train, idx, 0.02)
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


def test_a_deep_copied_session_trains_its_own_parameters():
    import copy

    s = TrainingSession(xor_dataset(60), NetworkSpec(hidden=(3,)), seed=0)
    twin = copy.deepcopy(s)
    assert twin.params.is_packed()
    assert all(a is b for a, b in zip(twin._param_list, twin.params.arrays()))
    s.step(5)
    twin.step(5)
    assert twin.params.flat.tobytes() == s.params.flat.tobytes()
    # arrays that are no longer views of the buffer fall back to the per-array update
    loose = copy.deepcopy(s)
    loose.params.W[0] = loose.params.W[0].copy()
    loose._param_list = loose.params.arrays()
    assert not loose.params.is_packed()
    loose.step(5)
    s.step(5)
    assert all(np.array_equal(a, b) for a, b in zip(loose.params.arrays(), s.params.arrays()))
