"""Runs compared in lock-step (engine only): SGD steps/s per run in a group against one
run alone, and what a frame of the group costs the engine.

    python benchmarks/bench_group.py [--seconds 2] [--json]

Cases, on 300 XOR points (the app's opening data):

* ``8x64``: eight hidden layers of 64 tanh units, α = 0.03, B = 16 (the largest network
  the app builds; α = 0.1 diverges), one run alone and two runs (A and a copy of it) in
  a group;
* ``fan8``: the app's default network (4-4 tanh, α = 0.1, B = 16), one run alone and an
  8-seed fan.

For each: steps/s of each run (a group of n runs steps each of them, so about 1/n of the
run alone is the most to expect), and "frame engine/s": how many times a second the
engine can make what one frame of the whole group needs (every run's snapshot and its
decision grid of 200 × 160 samples), the engine's part of the window's frame rate, and
the group's snapshots alone (the engine thread may evaluate a dear grid less often).
Figures are measured in turns, several rounds, the best window counting, so ratios compare
figures taken under the same load; a window in which a run diverged does not count (the
runs then start again). No assertions: speeds are figures, not tests.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace

from backprop_lab.engine import GridEvaluator, GridSpec, TrainingSession, make_preset
from backprop_lab.engine.advice import DEFAULT_HYPER, DEFAULT_NETWORK
from backprop_lab.engine.contrasts import seed_fan
from backprop_lab.engine.group import RunGroup
from backprop_lab.engine.session import NetworkSpec

ROUNDS = 5
STEPS_PER_CALL = 32  # about what the engine thread runs between two looks at its queue
GRID = GridSpec(resolution=200, resolution_y=160)


class Probe:
    """Calls per second of ``fn``, each call counting ``units``. A window in which one of
    ``runs`` stopped (diverged) does not count, and the runs start again (untimed): a
    stopped run is skipped, which would make the group look faster."""

    def __init__(self, fn, runs: tuple[TrainingSession, ...], restart, units: int = 1):
        self.fn, self.runs, self.restart, self.units = fn, runs, restart, units
        self.best, self.discarded = 0.0, 0

    def window(self, seconds: float) -> None:
        n, t0 = 0, time.perf_counter()
        while (t := time.perf_counter() - t0) < seconds:
            self.fn()
            n += self.units
        if any(s.diverged for s in self.runs):
            self.discarded += 1
            self.restart()
        else:
            self.best = max(self.best, n / t)


def _session(spec: NetworkSpec, alpha: float = DEFAULT_HYPER.alpha) -> TrainingSession:
    data = make_preset("xor", n_points=300, noise=0.1, test_fraction=0.2, seed=1)
    return TrainingSession(data, spec, replace(DEFAULT_HYPER, alpha=alpha), seed=0)


def _frame(group: RunGroup, grids: list[GridEvaluator]):
    def make() -> None:
        snap = group.snapshot(refresh=False)
        for session, run, grid in zip(group, snap.runs, grids):
            grid.evaluate(session.net, run.snapshot.params)

    return make


WARM_UP = 2_000  # steps: far enough into a run that history rows are spaced out


def _case(alone: TrainingSession, group: RunGroup) -> dict[str, Probe]:
    one = RunGroup.of(alone)
    runs = (alone, *group)

    def restart() -> None:
        for g in (one, group):
            g.reset()
            g.step(WARM_UP)

    restart()
    grid = GridEvaluator(GRID, alone.spec.features)
    grids = [GridEvaluator(GRID, s.spec.features) for s in group]
    probes = {
        "alone_steps": Probe(lambda: alone.step(STEPS_PER_CALL), runs, restart, STEPS_PER_CALL),
        "group_steps_per_run": Probe(
            lambda: group.step(STEPS_PER_CALL), runs, restart, STEPS_PER_CALL
        ),
        "alone_frame": Probe(_frame(one, [grid]), runs, restart),
        "group_frame": Probe(_frame(group, grids), runs, restart),
        "group_snapshot": Probe(lambda: group.snapshot(refresh=False), runs, restart),
    }
    for p in probes.values():
        p.fn()  # warm up
    return probes


def measure(seconds: float) -> dict[str, dict[str, float]]:
    big = NetworkSpec(hidden=(64,) * 8, activation="tanh")
    a = _session(big, 0.03)
    pair = RunGroup.of(_session(big, 0.03))
    pair.duplicate()
    small = _session(DEFAULT_NETWORK)
    cases = {
        "8x64": _case(a, pair),
        "fan8": _case(small, seed_fan(_session(DEFAULT_NETWORK), 8)),
    }
    sizes = {"8x64": 2, "fan8": 8}
    everything = [p for probes in cases.values() for p in probes.values()]
    for _ in range(ROUNDS):
        for p in everything:
            p.window(seconds / ROUNDS)
    out = {}
    for name, probes in cases.items():
        fig = {k: p.best for k, p in probes.items()}
        fig["runs"] = sizes[name]
        fig["per_run_share"] = fig["group_steps_per_run"] / max(fig["alone_steps"], 1e-9)
        fig["discarded_windows"] = sum(p.discarded for p in probes.values())
        out[name] = fig
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0, help="time per figure")
    ap.add_argument("--json", action="store_true", help="end with one JSON object")
    args = ap.parse_args()
    out = measure(args.seconds)
    titles = {
        "8x64": "two runs of 8×64 tanh",
        "fan8": "an 8-seed fan of 4-4 tanh",
    }
    for name, fig in out.items():
        print(f"{titles[name]} ({fig['runs']} runs), B = {DEFAULT_HYPER.batch_size}")
        print(f"  steps/s, one run alone        {fig['alone_steps']:10,.0f}")
        print(
            f"  steps/s of each run in group  {fig['group_steps_per_run']:10,.0f}"
            f"   ({fig['per_run_share']:.2f} of alone; 1/{fig['runs']} = {1 / fig['runs']:.2f})"
        )
        print(f"  frame engine/s, one run       {fig['alone_frame']:10,.1f}")
        print(f"  frame engine/s, whole group   {fig['group_frame']:10,.1f}")
        print(f"  group snapshots/s (no grids)  {fig['group_snapshot']:10,.1f}")
        if fig["discarded_windows"]:
            print(f"  ({fig['discarded_windows']} windows in which a run diverged did not count)")
    if args.json:
        print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
