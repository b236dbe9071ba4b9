"""The NumPy calls of one training step (``TrainingSession.step``), counted and timed.

    python benchmarks/profile_step.py [--steps 20000] [--json]

For a few network shapes, every NumPy function the engine's modules call during training
is wrapped (through a stand-in for their ``np`` name, and for the session's random
generator) to count the calls per step and their time. In this app's tiny matrices a step
costs about its number of NumPy calls, so this shows where a step goes: the counts are
exact; the times include the wrapper's own cost (~0.1 µs a call), so compare them with
each other and with the unwrapped step's time printed beside them.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from contextlib import contextmanager

import numpy
from backprop_lab.engine import (
    Dataset,
    HyperParameters,
    NetworkSpec,
    TrainingSession,
    activations,
    evaluation,
    heads,
    history,
    network,
    optim,
    row,
    session,
)

# every module whose NumPy calls a training step makes (history rows included)
MODULES = (network, activations, heads, optim, session, evaluation, history, row)

SHAPES = {
    "2-8-8-8-1 sigmoid, B=32, SGD": ((8, 8, 8), "sigmoid", "xor", 32, "sgd", 0.0),
    "2-16-16-3 tanh softmax, B=16, Adam": ((16, 16), "tanh", "blobs", 16, "adam", 0.0),
    "1-8-8-1 relu regression, B=8, momentum, λ": ((8, 8), "relu", "sine", 8, "momentum", 1e-3),
    "2-64×8-1 tanh, B=32, SGD": ((64,) * 8, "tanh", "xor", 32, "sgd", 0.0),
}


def dataset(kind: str, n: int = 500) -> Dataset:
    rng = numpy.random.default_rng(0)
    if kind == "sine":
        x = rng.uniform(-6, 6, n)
        pts = numpy.column_stack([x, 3 * numpy.sin(x)])
        return Dataset(pts, None, numpy.zeros(n, bool), task="regression", input_dim=1)
    pts = rng.uniform(-6, 6, (n, 2))
    if kind == "blobs":
        y = numpy.arange(n) % 3
        return Dataset(pts, y, numpy.zeros(n, bool), n_classes=3)
    return Dataset(pts, (pts[:, 0] * pts[:, 1] > 0).astype(int), numpy.zeros(n, bool))


class Stats:
    def __init__(self) -> None:
        self.calls: collections.Counter = collections.Counter()
        self.ns: collections.Counter = collections.Counter()
        self.on = False


class Counted:
    """A callable that counts and times its calls while ``stats.on``."""

    def __init__(self, fn, name: str, stats: Stats):
        self._fn, self._name, self._stats = fn, name, stats

    def __call__(self, *args, **kwargs):
        st = self._stats
        if not st.on:
            return self._fn(*args, **kwargs)
        t = time.perf_counter_ns()
        out = self._fn(*args, **kwargs)
        st.ns[self._name] += time.perf_counter_ns() - t
        st.calls[self._name] += 1
        return out

    def __getattr__(self, attr):  # np.add.reduce, …
        value = getattr(self._fn, attr)
        return Counted(value, f"{self._name}.{attr}", self._stats) if callable(value) else value


class CountedModule:
    """Stands in for ``numpy`` (or any object): its functions come back counted; types,
    constants and context managers pass through."""

    def __init__(self, obj, stats: Stats, prefix: str = "np"):
        self._obj, self._stats, self._prefix = obj, stats, prefix

    def __getattr__(self, attr):
        value = getattr(self._obj, attr)
        if callable(value) and not isinstance(value, type):
            return Counted(value, f"{self._prefix}.{attr}", self._stats)
        return value


@contextmanager
def counting(stats: Stats):
    saved = [(m, m.np) for m in MODULES]
    try:
        for m in MODULES:
            m.np = CountedModule(numpy, stats)
        yield
    finally:
        for m, original in saved:
            m.np = original


def make_session(spec) -> TrainingSession:
    hidden, act, data, batch, opt, lam = spec
    features = ("x1",) if data == "sine" else ("x1", "x2")
    return TrainingSession(
        dataset(data),
        NetworkSpec(hidden=hidden, activation=act, features=features),
        HyperParameters(alpha=0.01, batch_size=batch, optimizer=opt, lam=lam),
        seed=0,
    )


def profile(spec, steps: int, warm: int) -> dict:
    """Counts and times per step, after ``warm`` steps (the history's rows thin out as a
    run grows), and the same session's unwrapped time per step."""
    stats = Stats()
    with counting(stats):
        s = make_session(spec)  # built while counting: the step's buffers use the wrappers
        s._rng = CountedModule(s._rng, stats, "rng")
        s.step(warm)
        if s.diverged:
            raise RuntimeError(f"the profiled run diverged: {s.diverged}")
        stats.on = True
        s.step(steps)
        stats.on = False
    plain = make_session(spec)
    plain.step(warm)
    t = time.perf_counter()
    plain.step(steps)
    per_step = (time.perf_counter() - t) / steps
    return {
        "us_per_step": per_step * 1e6,
        "calls_per_step": sum(stats.calls.values()) / steps,
        "by_call": {
            k: (stats.calls[k] / steps, stats.ns[k] / steps / 1000)
            for k in sorted(stats.calls, key=lambda k: -stats.ns[k])
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20_000)
    ap.add_argument("--warm", type=int, default=50_000, help="steps before measuring")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = {}
    for label, spec in SHAPES.items():
        wide = len(spec[0]) > 4  # the 8 × 64 network: fewer steps, the same kind of figure
        steps, warm = (args.steps // 10, args.warm // 10) if wide else (args.steps, args.warm)
        r = results[label] = profile(spec, steps, warm)
        print(
            f"\n{label}: {r['us_per_step']:.1f} µs a step (unwrapped), "
            f"{r['calls_per_step']:.1f} NumPy calls a step"
        )
        for name, (calls, us) in r["by_call"].items():
            print(f"  {name:34s} {calls:6.2f} calls  {us:7.2f} µs")
    if args.json:
        json.dump(results, sys.stdout)
        print()


if __name__ == "__main__":
    main()
