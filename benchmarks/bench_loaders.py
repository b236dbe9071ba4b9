"""Loader robustness and speed: the property tests with many more (random) cases, and the
load time of the largest files the app accepts.

    python benchmarks/bench_loaders.py [--factor 10]

Prints how many generated cases ran (and how many loaded rather than being refused), the
longest single load, and the times to load a 20,000-point lesson with a full history, a
20,000-point CSV, and to refuse a 33 MB file.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests package holds the strategies

import numpy as np  # noqa: E402
from backprop_lab.engine import (  # noqa: E402
    HyperParameters,
    NetworkSpec,
    TrainingSession,
    load_points_csv,
    load_scenario,
    save_points_csv,
    save_scenario,
    scenario_from_session,
    session_from_scenario,
)
from backprop_lab.engine.datasets import make_preset  # noqa: E402
from backprop_lab.engine.fileio import LoadError  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

from tests.engine import test_loaders_property as prop  # noqa: E402


def run_properties(factor: int) -> None:
    cases = [
        (prop.test_values_spliced_into_lessons, 1000, ()),
        (prop.test_random_csv_lines, 1000, ()),
    ]
    for fn, n, args in cases:
        inner = fn.hypothesis.inner_test
        wrapped = settings(
            max_examples=n * factor,
            deadline=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
        )(prop.given(**fn.hypothesis._given_kwargs)(inner))
        wrapped(*args)
    with tempfile.TemporaryDirectory() as d:
        inner = prop.test_random_bytes_as_lesson_and_csv.hypothesis.inner_test
        kwargs = prop.test_random_bytes_as_lesson_and_csv.hypothesis._given_kwargs
        settings(
            max_examples=400 * factor,
            deadline=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
        )(prop.given(**kwargs)(lambda **kw: inner(Path(d), **kw)))()
    total = sum(len(v) for v in prop.STATS.values())
    worst = max(max(v) for v in prop.STATS.values())
    print(f"generated cases: {total}, longest load {worst * 1000:.1f} ms")
    for k, v in sorted(prop.STATS.items()):
        print(
            f"  {k:14s} {len(v):6d} cases, {prop.OUTCOMES.get(k, 0):5d} loaded, "
            f"longest {max(v) * 1000:7.1f} ms, median {np.median(v) * 1000:6.2f} ms"
        )


def timed(label: str, fn) -> None:
    t0 = time.perf_counter()
    try:
        fn()
        outcome = "loaded"
    except LoadError as e:
        outcome = f"refused ({str(e)[:60]})"
    print(f"{label:44s} {(time.perf_counter() - t0) * 1000:8.1f} ms  {outcome}")


def run_big_files() -> None:
    ds = make_preset("gaussians", n_points=20_000, n_classes=8, noise=0.3, seed=1)
    s = TrainingSession(ds, NetworkSpec((64,) * 8), HyperParameters(0.05, 32), seed=1)
    s.history_capacity = 4096
    s.step(300)
    with tempfile.TemporaryDirectory() as d:
        lesson = os.path.join(d, "big.json")
        save_scenario(lesson, scenario_from_session(s))
        size = os.path.getsize(lesson) / 1e6
        timed(
            f"20,000-point lesson, 8×64 network ({size:.1f} MB)",
            lambda: session_from_scenario(load_scenario(lesson)),
        )
        csv = os.path.join(d, "big.csv")
        save_points_csv(csv, ds)
        timed("20,000-point CSV", lambda: load_points_csv(Path(csv)))
        huge = os.path.join(d, "huge.json")
        with open(huge, "wb") as f:
            f.write(b"{" + b" " * (33 * 1024 * 1024))
        timed("33 MB lesson (refused before parsing)", lambda: load_scenario(huge))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--factor", type=int, default=10, help="cases per test, × the test run's")
    args = ap.parse_args()
    run_properties(args.factor)
    run_big_files()


if __name__ == "__main__":
    main()
