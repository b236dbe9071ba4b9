"""The training history (loss, accuracy and per-layer curves) inside a lesson file, so a
reopened lesson shows the curves it was saved with.

In the file, ``state.history`` is null or an object of columns of equal length::

    {"step": [0, 8, 16, ...],
     "batch_loss": [...], "train_loss": [...], "test_loss": [...],
     "train_acc": [...], "test_acc": [...],          # null where not measured (NaN)
     "delta_mean_abs": [[one per layer], ...], "grad_norms": [...], "weight_norms": [...]}

Here it is a dict of arrays: ``step`` (n,), the scalar columns (n,), the layer columns
(n, L). Files without a history (older ones) load with the history starting afresh.
"""

from __future__ import annotations

import math

import numpy as np

from . import validate as v
from .history import LAYER_METRICS, SCALAR_METRICS, MetricHistory, StepMetrics
from .session import TrainingSession

SCALAR_KEYS = SCALAR_METRICS  # the file's names are the session's
LAYER_KEYS = LAYER_METRICS
MAX_HISTORY_ROWS = 65_536
MAX_STEP = 2**62
MAX_STRIDE = 2**62


def history_of(session: TrainingSession) -> dict[str, np.ndarray]:
    """The rows the session shows now, as file columns."""
    h = session.history.arrays()
    out = {k: np.array(getattr(h, k)) for k in ("step", *SCALAR_KEYS, *LAYER_KEYS)}
    out["stride"] = session.history.stride  # where the rows go on: a reopened run keeps it
    return out


def _num(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def history_to_json(h: dict[str, np.ndarray]) -> dict:
    out: dict = {"step": [int(s) for s in h["step"]]}
    for k in SCALAR_KEYS:
        out[k] = [_num(x) for x in h[k]]
    for k in LAYER_KEYS:
        out[k] = [[_num(x) for x in row] for row in h[k]]
    if "stride" in h:
        out["stride"] = int(h["stride"])
    return out


def read_history(d, path: str, depth: int, last_step: int, task: str) -> dict | None:
    """Validate ``state.history``: equal lengths, steps increasing up to the saved step,
    losses and norms ≥ 0, accuracies in [0, 1] (null for regression), or null."""
    if d is None:
        return None
    d = v.obj(d, path, ("step", *SCALAR_KEYS, *LAYER_KEYS), ("stride",))
    raw_steps = v.array(d["step"], f"{path}.step", MAX_HISTORY_ROWS)
    n = len(raw_steps)
    steps = np.empty(n, dtype=np.int64)
    prev = -1
    for i, s in enumerate(raw_steps):
        s = v.integer(s, f"{path}.step[{i}]", 0, last_step)
        if s <= prev:
            v.fail(f"{path}.step[{i}]", f"steps must increase, got {s} after {prev}")
        steps[i] = prev = s
    out: dict[str, np.ndarray] = {"step": steps}
    for k in SCALAR_KEYS:
        col = v.array(d[k], f"{path}.{k}", n, n)
        acc = k.endswith("_acc")
        vals = np.empty(n)
        for i, x in enumerate(col):
            p = f"{path}.{k}[{i}]"
            if acc and task == "regression" and x is not None:
                v.fail(p, "a regression has no accuracy: must be null")
            vals[i] = v.number_or_nan(x, p, 0.0, 1.0 if acc else math.inf)
        out[k] = vals
    for k in LAYER_KEYS:
        rows = v.array(d[k], f"{path}.{k}", n, n)
        vals = np.empty((n, depth))
        for i, row in enumerate(rows):
            row = v.array(row, f"{path}.{k}[{i}]", depth, depth)
            for j, x in enumerate(row):
                vals[i, j] = v.number_or_nan(x, f"{path}.{k}[{i}][{j}]", 0.0)
        out[k] = vals
    if "stride" in d:
        stride = v.integer(d["stride"], f"{path}.stride", 1, MAX_STRIDE)
        if stride & (stride - 1):
            v.fail(f"{path}.stride", f"must be a power of two, got {stride}")
        out["stride"] = stride
    return out


def read_last(d, path: str, depth: int, step: int, task: str) -> dict:
    """The metrics shown for the saved state: losses and norms ≥ 0, accuracies in [0, 1]
    (null for a regression), null where not measured; measured at or before the step."""
    if d is None:
        return {}
    keys = ("step", *SCALAR_KEYS, *LAYER_KEYS)
    d = v.obj(d, path, keys)
    last: dict = {"step": v.integer(d["step"], f"{path}.step", 0, step)}
    for k in SCALAR_KEYS:
        acc = k.endswith("_acc")
        if acc and task == "regression" and d[k] is not None:
            v.fail(f"{path}.{k}", "a regression has no accuracy: must be null")
        last[k] = v.number_or_nan(d[k], f"{path}.{k}", 0.0, 1.0 if acc else math.inf)
    for k in LAYER_KEYS:
        raw = v.array(d[k], f"{path}.{k}", depth, depth)
        last[k] = np.array([v.number_or_nan(x, f"{path}.{k}[{i}]", 0.0) for i, x in enumerate(raw)])
    return last


def install_history(session: TrainingSession, saved: dict[str, np.ndarray]) -> None:
    """Put the saved rows in front of the row the session recorded when it adopted the
    saved state (a saved row at that step wins: it has the step's δ and gradients)."""
    old = session.history
    fresh = MetricHistory(old.depth, old.capacity, int(saved.get("stride", old.stride)))
    for i, step in enumerate(saved["step"]):
        fresh.record_metrics(
            StepMetrics(
                int(step),
                **{k: float(saved[k][i]) for k in SCALAR_KEYS},
                **{k: saved[k][i] for k in LAYER_KEYS},
            ),
            force=True,  # every saved row comes back (steps by hand are off the stride)
        )
    last_saved = int(saved["step"][-1]) if len(saved["step"]) else -1
    for step, row in zip(old.steps, old.rows()):
        if step > last_saved:
            fresh.record(int(step), row)
    session.history = fresh
