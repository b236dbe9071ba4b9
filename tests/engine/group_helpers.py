"""What two runs must share to be "the same run": every number a step changes or shows."""

from __future__ import annotations

import hashlib

import numpy as np
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.history import LAYER_METRICS, SCALAR_METRICS

from .helpers import xor_dataset


def state_digest(s: TrainingSession, history: bool = True, metrics: bool = True) -> str:
    """A digest of θ, the optimizer, the batch stream, the counters, the divergence
    message, (with ``metrics``) the latest metrics and (with ``history``) the visible
    curves. A restored checkpoint brings back the metrics of the latest row at or before
    its step, so a rewind is compared without them."""
    h = hashlib.sha256()
    cp = s.checkpoint()
    for a in cp.params.arrays():
        h.update(np.ascontiguousarray(a).tobytes())
    for k in sorted(cp.optimizer):
        v = cp.optimizer[k]
        for a in v if isinstance(v, list) else [np.asarray(v)]:
            h.update(k.encode() + np.ascontiguousarray(a).tobytes())
    h.update(repr(cp.rng).encode())
    h.update(cp.order.tobytes() + repr((cp.order_pos, cp.step, cp.samples_seen)).encode())
    h.update(repr(cp.diverged).encode())
    last = s.last
    if metrics and last is not None:
        h.update(repr([last.step] + [getattr(last, k) for k in SCALAR_METRICS]).encode())
        for k in LAYER_METRICS:
            h.update(np.asarray(getattr(last, k)).tobytes())
    if history:
        arrays = s.history.arrays()
        for k in ("step", *SCALAR_METRICS, *LAYER_METRICS):
            h.update(np.ascontiguousarray(getattr(arrays, k)).tobytes())
    return h.hexdigest()


def base_session(**hyper) -> TrainingSession:
    """XOR, 2 → 4 → 4 → 1 tanh, α 0.3, B 8, seed 3 (``hyper`` overrides fields)."""
    fields = dict(alpha=0.3, batch_size=8) | hyper
    return TrainingSession(
        xor_dataset(n=120, test_fraction=0.2),
        NetworkSpec(hidden=(4, 4), activation="tanh"),
        HyperParameters(**fields),
        seed=3,
    )
