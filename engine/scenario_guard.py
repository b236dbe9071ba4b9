"""The divergence guard's state inside a lesson file, so a reopened lesson goes on exactly
as the saved session would have (the same stops, spikes and roll backs).

In the file, ``state.guard`` is absent (older files: the guard starts afresh at the saved
step) or an object::

    {"base": 0.714, "reference": 0.714,   # the losses the run is judged against
     "armed_at": 0,                       # the step the guard was (re)armed at
     "window": [[step, training loss], ...],   # the latest history rows it judges
     "spikes": [[step, training loss], ...],   # transient spikes so far
     "spiking": false,                    # the latest row is part of a spike
     "stop_level": null | 2.5,            # the loss it stopped at (going on starts there)
     "rollback": null | {a state: step, samples_seen, W, b, optimizer, rng, order,
                         order_pos, last, guard (without its own rollback)}}

``rollback`` is the last good checkpoint a roll back returns to; null when it is the
saved state itself. A loss is null where it is not a number.
"""

from __future__ import annotations

import math

from . import validate as v
from .guard import MAX_SPIKES, WINDOW_GAP, WINDOW_ROWS, WINDOW_STEPS, GuardState

# rows in the window: at most one every WINDOW_GAP steps over WINDOW_STEPS steps, at least
# WINDOW_ROWS of them, one more before it is trimmed
MAX_WINDOW = WINDOW_STEPS // WINDOW_GAP + WINDOW_ROWS + 2


def _num(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def guard_to_json(g: GuardState) -> dict:
    return {
        "base": _num(g.base),
        "reference": _num(g.reference),
        "armed_at": int(g.armed_at),
        "window": [[int(s), _num(x)] for s, x in g.window],
        "spikes": [[int(s), _num(x)] for s, x in g.spikes],
        "spiking": bool(g.spiking),
        "stop_level": _num(g.stop_level),
    }


def _pairs(raw, path: str, max_len: int, step: int) -> tuple[tuple[int, float], ...]:
    items = v.array(raw, path, max_len)
    out = []
    prev = -1
    for i, pair in enumerate(items):
        p = f"{path}[{i}]"
        if not isinstance(pair, list) or len(pair) != 2:
            v.fail(p, f"must be a pair [step, loss], got {v.kind(pair)}")
        s = v.integer(pair[0], f"{p}[0]", 0, step)
        if s <= prev:
            v.fail(f"{p}[0]", f"steps must increase, got {s} after {prev}")
        prev = s
        out.append((s, v.number_or_nan(pair[1], f"{p}[1]", 0.0)))
    return tuple(out)


def read_guard(d, path: str, step: int) -> tuple[GuardState, object]:
    """Validate ``state.guard`` (steps at most the saved one, losses ≥ 0 or null); returns
    the state and the raw ``rollback`` value (None when absent or null)."""
    d = v.obj(
        d,
        path,
        ("base", "reference", "armed_at", "window", "spikes", "spiking"),
        ("stop_level", "rollback"),
    )
    base = v.number_or_nan(d["base"], f"{path}.base", 0.0)
    reference = v.number_or_nan(d["reference"], f"{path}.reference", 0.0)
    armed_at = v.integer(d["armed_at"], f"{path}.armed_at", 0, step)
    window = _pairs(d["window"], f"{path}.window", MAX_WINDOW, step)
    spikes = _pairs(d["spikes"], f"{path}.spikes", MAX_SPIKES, step)
    spiking = d["spiking"]
    if not isinstance(spiking, bool):
        v.fail(f"{path}.spiking", f"must be true or false, got {v.kind(spiking)}")
    stop_level = v.number_or_nan(d.get("stop_level"), f"{path}.stop_level", 0.0)
    g = GuardState(base, reference, armed_at, window, spikes, spiking, stop_level)
    return g, d.get("rollback")
