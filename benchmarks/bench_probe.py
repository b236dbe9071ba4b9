"""Grab a weight: what one drag frame costs the engine, and what a probe costs.

    python benchmarks/bench_probe.py [--rounds 15]

For the app's default network (2-4-4-1 tanh, 200 XOR points) and for 8 × 64 (ReLU, 2,000
spiral points: evaluation samples of 1,024 points per split), it prints the median time of

* a drag frame: one weight set (``set_parameter``, a merged drag value, which measures the
  loss and accuracy on the evaluation samples anew) and the probe's dot (``probe_point``:
  the value, L, the backprop and finite-difference slopes, where an SGD step lands, and
  every edge's slope for the hover readout); the frames a second this leaves, and, beside
  it, the decision grid a frame also draws (200 × 160 samples);
* a fresh line probe of 101 values (at a drag's start, or when w leaves the range), for a
  weight of the first layer and one of the last (the cost grows with the layers above);
* a plane probe (two weights, 41 × 41, and 21 × 21 on 8 × 64).

Importing ``backprop_lab`` limits NumPy's BLAS to one thread, as in the app. Nothing is
asserted: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
import time

from backprop_lab.engine import (
    GridEvaluator,
    GridSpec,
    HyperParameters,
    NetworkSpec,
    TrainingSession,
)
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.edits import set_parameter
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.engine.probe import loss_gradient, probe_line, probe_plane, probe_point

CASES = {
    "default 4-4 tanh": (
        lambda: make_preset("xor", n_points=200, test_fraction=0.2, seed=0),
        NetworkSpec(hidden=(4, 4), activation="tanh"),
    ),
    "8 × 64 relu": (
        lambda: make_preset("spirals", n_points=2000, test_fraction=0.2, seed=0),
        NetworkSpec(hidden=(64,) * 8, activation="relu"),
    ),
}


def median_ms(fn, rounds: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def bench(name: str, rounds: int) -> None:
    data, spec = CASES[name]
    s = TrainingSession(data(), spec, HyperParameters(alpha=0.01, batch_size=16), seed=0)
    s.step(20)
    depth = s.arch.depth
    dragged = ParamRef.weight(depth, 0, 1)  # an edge into the output
    first = ParamRef.weight(1, 0, 0)
    set_parameter(s, dragged, dragged.get(s.params))
    value = [dragged.get(s.params) + 0.5]  # the first frame of the drag makes the edit
    set_parameter(s, dragged, value[0])

    def set_only():
        value[0] += 1e-3
        set_parameter(s, dragged, value[0], merge=True)

    def frame():
        set_only()
        probe_point(s, dragged)

    grid = GridEvaluator(
        GridSpec(extent=(-6, 6, -6, 6), resolution=200, resolution_y=160), spec.features
    )
    print(
        f"\n{name}: widths {s.arch.widths}, {s.n_train} training points, "
        f"{s.evaluated_points[0]} + {s.evaluated_points[1]} evaluated"
    )
    rows = [
        ("set one weight (+ loss/accuracy anew)", set_only),
        ("every edge's slope (loss_gradient)", lambda: loss_gradient(s)),
        (f"the dot on {dragged.label}'s curve (probe_point)", lambda: probe_point(s, dragged)),
        (f"the dot on {first.label}'s curve (probe_point)", lambda: probe_point(s, first)),
        ("a drag frame: set + the dot", frame),
        ("the decision grid (200 × 160)", lambda: grid.evaluate(s.net, s.params)),
        (f"line probe, 101 values of {dragged.label}", lambda: probe_line(s, dragged)),
        (f"line probe, 101 values of {first.label}", lambda: probe_line(s, first)),
    ]
    n_plane = 41 if depth < 5 else 21
    plane_rounds = rounds if depth < 5 else 3
    for label, fn in rows:
        r = rounds if "line probe" not in label or depth < 5 else 3
        ms = median_ms(fn, r)
        extra = f"   {1e3 / ms:7.0f} /s" if "frame" in label else ""
        print(f"  {label:48} {ms:9.2f} ms{extra}")
    other = ParamRef.bias(1, 0)
    ms = median_ms(lambda: probe_plane(s, other, dragged, n=n_plane), plane_rounds)
    print(
        f"  {f'plane probe {n_plane} × {n_plane}, {other.label} × {dragged.label}':48} {ms:9.2f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    for name in CASES:
        bench(name, args.rounds)


if __name__ == "__main__":
    main()
