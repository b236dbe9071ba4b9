"""The two designs side by side in the real window: Play at "max" stepping in the engine
thread (``BACKPROP_LAB_ENGINE=thread``) and in the engine process (the app's default).

    python benchmarks/bench_process.py [--seconds 4] [--repeat 2] [--points 500,10000,20000]
                                       [--net "2-8-8-8-1 sigmoid"] [--json]

For each number of points (XOR without noise, α = 0.1, B = 16: ``bench_gui.py``'s lesson),
in turns (thread, process, then process, thread, …) so that both meet the same load, each
run between two halves of a headless reference: steps/s and the ratio to headless, frames
drawn per second, the GUI thread's CPU per frame and its longest busy span, and the times
the runs were lent to the process while timed (0: every step ran in the thread). Every
timed run is checked to be training throughout (``bench_gui.Health``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_gui  # noqa: E402 - sets the offscreen platform and the scripted-run settings

ENV = "BACKPROP_LAB_ENGINE"


def one_run(design: str, sc, seconds: float, tmp: Path) -> dict:
    """One timed window run of ``sc`` with Play stepping in ``design``."""
    old = os.environ.get(ENV)
    os.environ[ENV] = "thread" if design == "thread" else "process"
    try:
        before = bench_gui.headless(sc, seconds / 2)
        r = bench_gui.windowed(sc, seconds, (1280, 800), tmp)
        after = bench_gui.headless(sc, seconds / 2)
    finally:
        if old is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = old
    r["headless_steps_per_s"] = 0.5 * (before["steps_per_s"] + after["steps_per_s"])
    r["ratio"] = r["steps_per_s"] / r["headless_steps_per_s"]
    r["healthy"] = r["healthy"] and not (before["stopped"] or after["stopped"])
    return r


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--points", default="500,10000,20000")
    ap.add_argument("--net", default="2-8-8-8-1 sigmoid", choices=sorted(bench_gui.NETS))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from backprop_lab.gui.app import configure_process

    configure_process()  # as the app does
    tmp = Path(tempfile.mkdtemp(prefix="bench-process-"))
    sizes = [int(p) for p in args.points.split(",")]
    runs: dict = {}
    for n in sizes:
        sc = bench_gui.Scenario(n, args.net, "lesson")
        runs[n] = {"thread": [], "process": []}
        for i in range(args.repeat):
            for design in ("thread", "process") if i % 2 == 0 else ("process", "thread"):
                runs[n][design].append(one_run(design, sc, args.seconds, tmp))
    print(
        f"{args.net}, XOR without noise, α={bench_gui.ALPHA:g}, B=16, {args.seconds:g} s a "
        f"run, {args.repeat} run(s) a design in turns, window 1280x800 (offscreen); medians "
        "(ranges)"
    )
    print(
        f"{'points':>7} {'design':<8} {'headless':>8} {'window':>7} {'ratio':>16} "
        f"{'frames/s':>14} {'gui ms/f':>8} {'span ms':>7} {'lends':>5}  healthy"
    )
    for n in sizes:
        for design in ("thread", "process"):
            rs = runs[n][design]

            def med(key, rs=rs):
                return statistics.median(r[key] for r in rs)

            ratios = sorted(r["ratio"] for r in rs)
            fps = sorted(r["frames_per_s"] for r in rs)
            healthy = all(r["healthy"] for r in rs)
            print(
                f"{n:>7,} {design:<8} {med('headless_steps_per_s'):>8.0f} "
                f"{med('steps_per_s'):>7.0f} "
                f"{med('ratio'):>5.2f} ({ratios[0]:.2f}–{ratios[-1]:.2f}) "
                f"{med('frames_per_s'):>4.0f} ({fps[0]:.0f}–{fps[-1]:.0f}) "
                f"{med('gui_cpu_ms_per_frame'):>8.1f} {med('gui_cpu_max_span_ms'):>7.1f} "
                f"{min(r['lends'] for r in rs):>5d}  {'yes' if healthy else 'NO'}",
                flush=True,
            )
            for r in rs:
                if not r["healthy"]:
                    print(f"    NOT HEALTHY: {'; '.join(r['why'])}", flush=True)
    if args.json:
        print(json.dumps(runs, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
