"""Small real datasets for engine tests."""

import numpy as np
from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec, TrainingSession


def xor_dataset(n=200, seed=0, test_fraction=0.0):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-6, 6, (n, 2))
    pts += 0.3 * np.sign(pts)  # keep points off the axes, as TF Playground does
    y = (pts[:, 0] * pts[:, 1] > 0).astype(int)
    return Dataset(pts, y, rng.random(n) < test_fraction)


def blobs_dataset(k=3, n=150, seed=0):
    rng = np.random.default_rng(seed)
    centres = 4 * np.column_stack(
        [np.cos(2 * np.pi * np.arange(k) / k), np.sin(2 * np.pi * np.arange(k) / k)]
    )
    y = np.arange(n) % k
    pts = centres[y] + rng.normal(0, 1.0, (n, 2))
    return Dataset(pts, y, np.zeros(n, bool), n_classes=k)


def regression_dataset(input_dim=1, n=120, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-6, 6, n)
    if input_dim == 1:
        pts = np.column_stack([x, 3 * np.sin(x) + rng.normal(0, 0.2, n)])
        return Dataset(pts, None, np.zeros(n, bool), task="regression", input_dim=1)
    x2 = rng.uniform(-6, 6, n)
    pts = np.column_stack([x, x2])
    return Dataset(pts, np.sin(x) * np.cos(x2), np.zeros(n, bool), task="regression")


def small_session(ds=None, steps=0, hidden=(4, 4), activation="tanh", **kw) -> TrainingSession:
    """A seeded session for walk and inspector tests: α 0.1, B 8, momentum, random
    batches (``optimizer=`` and ``batching=`` override), ``steps`` steps taken."""
    s = TrainingSession(
        ds if ds is not None else xor_dataset(),
        NetworkSpec(hidden=hidden, activation=activation),
        HyperParameters(
            alpha=0.1,
            batch_size=8,
            optimizer=kw.pop("optimizer", "momentum"),
            batching=kw.pop("batching", "random"),
        ),
        seed=3,
        **kw,
    )
    s.step(steps)
    return s
