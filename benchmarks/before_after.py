"""The speed table, before and after: this checkout against another one, measured in turns.

    python benchmarks/before_after.py --before OTHER/.venv/bin/python --before-root OTHER
                                      [--repeat 3] [--seconds 3] [--out figures.json]

``OTHER`` is another checkout with its own install (say a ``git worktree`` of an earlier
commit). Both versions run this checkout's ``bench_gui.py`` (it runs against older
checkouts: what they lack is reported as not available) and ``bench_launch.py``, each
with its own interpreter, so only the app under them differs; ``bench_engine.py`` is each
checkout's own (its step's API changed). Every figure is taken in turns, before then
after, then after then before, so slow drifts of a shared machine's load fall on both.
The median over the repeats is printed as a Markdown table, and every figure is written
to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the table's scenarios (bench_gui names; "$": the name ends there)
GUI = {
    "500": "   500 2-8-8-8-1 sigmoid  lesson$",
    "10k": "10,000 2-8-8-8-1 sigmoid  lesson$",
    "20k": "20,000 2-8-8-8-1 sigmoid  lesson$",
    "8x64": "10,000 8×64 tanh          lesson$",
    "8x64-300": "   300 8×64 tanh          lesson$",
    "8x64-300-inspector": "   300 8×64 tanh          lesson, inspector$",
}


def last_json(out: str) -> dict:
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"no JSON in the output:\n{out[-2000:]}")


def run(cmd: list[str], cwd: Path) -> dict:
    print("  $", " ".join(cmd), flush=True)
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)
    if done.returncode:
        raise RuntimeError(f"{cmd} failed:\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}")
    return last_json(done.stdout)


def gui(python: str, cwd: Path, only: str, seconds: float) -> dict:
    cmd = [python, str(HERE / "bench_gui.py"), "--json", "--only", only, "--seconds", f"{seconds}"]
    return run(cmd, cwd)["scenarios"][0]


def median(xs):
    xs = [x for x in xs if x == x]
    return statistics.median(xs) if xs else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, help="the other checkout's Python")
    ap.add_argument("--before-root", required=True, help="the other checkout's folder")
    ap.add_argument("--repeat", type=int, default=3, help="0: only print --add's table")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--out", default="before_after.json")
    ap.add_argument("--add", help="an earlier --out of the same two checkouts: pooled in")
    args = ap.parse_args()
    root = HERE.parent
    sides = {
        "before": (args.before, Path(args.before_root).resolve()),
        "after": (sys.executable, root),
    }
    figures: dict = {
        side: {"gui": {k: [] for k in GUI}, "engine": [], "launch": []} for side in sides
    }
    for r in range(args.repeat):
        order = list(sides) if r % 2 == 0 else list(reversed(sides))
        for key, only in GUI.items():
            for side in order:
                py, _ = sides[side]
                figures[side]["gui"][key].append(gui(py, root, only, args.seconds))
        for side in order:
            py, where = sides[side]
            bench = where / "benchmarks" / "bench_engine.py"
            figures[side]["engine"].append(run([py, str(bench), "--json"], where))
        for side in order:
            py, _ = sides[side]
            got = run(
                [
                    sys.executable,
                    str(HERE / "bench_launch.py"),
                    "--json",
                    "--runs",
                    "3",
                    "--python",
                    py,
                ],
                root,
            )
            figures[side]["launch"].extend(got["runs"])
        Path(args.out).write_text(json.dumps(figures, default=float))
    if args.add:
        pool(figures, json.loads(Path(args.add).read_text()))
    print_table(figures)
    return 0


def pool(figures: dict, earlier: dict) -> None:
    """Every figure of ``earlier`` added to ``figures`` (the medians are over both)."""
    for side, got in earlier.items():
        for key, runs in got["gui"].items():
            figures[side]["gui"].setdefault(key, []).extend(runs)
        figures[side]["engine"].extend(got["engine"])
        figures[side]["launch"].extend(got["launch"])


def print_table(figures: dict) -> None:
    def g(side, key, field):
        return median([s.get(field, float("nan")) for s in figures[side]["gui"][key]])

    def healthy(side, key):
        runs = figures[side]["gui"][key]
        bad = [r for r in runs if not r.get("healthy", False)]
        return "" if not bad else f" ({len(bad)}/{len(runs)} NOT HEALTHY)"

    def session_vs_lean(side):
        return median(
            [e["numpy"]["session_step"] / e["lean_reference_step"] for e in figures[side]["engine"]]
        )

    rows = []
    for key, label in (("500", "500"), ("10k", "10,000"), ("20k", "20,000")):
        rows.append(
            (
                f"window/headless steps/s, 2-8-8-8-1 sigmoid, {label} points",
                *(f"{g(s, key, 'ratio'):.2f}{healthy(s, key)}" for s in figures),
            )
        )
    for key, label in (("500", "500"), ("10k", "10,000"), ("20k", "20,000")):
        rows.append(
            (
                f"frames/s, 2-8-8-8-1 sigmoid, {label} points",
                *(f"{g(s, key, 'frames_per_s'):.0f}" for s in figures),
            )
        )
    rows.append(
        (
            "frames/s, 8×64 tanh, 10,000 points",
            *(f"{g(s, '8x64', 'frames_per_s'):.0f}{healthy(s, '8x64')}" for s in figures),
        )
    )

    def inspector(side):
        # open over closed within each repeat (taken one after the other), the median
        pairs = zip(figures[side]["gui"]["8x64-300-inspector"], figures[side]["gui"]["8x64-300"])
        return median([a["steps_per_s"] / b["steps_per_s"] for a, b in pairs])

    rows.append(
        (
            "8×64 (300 points) inspector open / closed, steps/s",
            *(
                f"{inspector(s):.2f} at {g(s, '8x64-300-inspector', 'frames_per_s'):.0f} fps"
                for s in figures
            ),
        )
    )
    for key, label in (("500", "500"), ("20k", "20,000")):
        rows.append(
            (
                f"longest GUI stall (16 ms beat), {label} points, ms",
                *(f"{g(s, key, 'max_stall_ms'):.0f}" for s in figures),
            )
        )
        rows.append(
            (
                f"longest GUI busy span (thread CPU), {label} points, ms",
                *(f"{g(s, key, 'gui_cpu_max_span_ms'):.0f}" for s in figures),
            )
        )
        rows.append(
            (
                f"GUI thread CPU per frame, {label} points, ms",
                *(f"{g(s, key, 'gui_cpu_ms_per_frame'):.1f}" for s in figures),
            )
        )
    rows.append(
        ("TrainingSession.step / lean step", *(f"{session_vs_lean(s):.2f}" for s in figures))
    )
    rows.append(
        (
            "launch to the first painted window, s (median)",
            *(f"{median(figures[s]['launch']):.2f}" for s in figures),
        )
    )
    print("| figure | " + " | ".join(figures) + " |")
    print("|---|" + "---|" * len(figures))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    sys.exit(main())
