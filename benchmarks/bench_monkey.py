"""The random walk of tests/gui/test_monkey.py, long: thousands of real clicks, keys, drags
and wheel notches on the real window (offscreen), with every invariant checked after each.

The walk runs in child processes, so a crash (a segfault in a Qt virtual) is counted and the
walk goes on in a fresh process. Prints the actions run, the Python exceptions and Qt
warnings caught, the broken invariants, the crashes, and the longest GUI-thread stalls:
the longest single action (its events handled synchronously), the longest forced paint of
the whole window, and the longest gap of a 10 ms timer while the event loop runs freely.

    python benchmarks/bench_monkey.py [--actions 5000] [--seed 1] [--chunk 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(actions: int, seed: int, tmp: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("BACKPROP_LAB_SETTINGS", str(Path(tmp) / "settings.ini"))
    # unattended: no modal question (closing with unsaved work asked, and the run hung),
    # and the autosave goes to the run's own folder, not the user's
    os.environ.setdefault("BACKPROP_LAB_NO_PROMPTS", "1")
    os.environ.setdefault("BACKPROP_LAB_AUTOSAVE_DIR", str(Path(tmp) / "autosave"))
    sys.path.insert(0, str(ROOT))
    import numpy as np
    from backprop_lab.gui.app import configure_process, start_collector, stop_collector
    from PySide6.QtWidgets import QApplication

    from tests.gui.monkey import Capture, InvariantError, Monkey, make_window

    app = QApplication.instance() or QApplication([])
    configure_process()
    collector = start_collector()  # Python's collector in the GUI thread, as in the app
    w = make_window()
    out = {"actions": 0, "exceptions": [], "warnings": [], "invariants": [], "engine_errors": []}
    with Capture() as cap:
        m = Monkey(w, np.random.default_rng(seed), Path(tmp), settle_ms=20)
        for k in range(actions):
            try:
                name = m.step()
            except InvariantError as exc:
                name = m.log[-1] if m.log else "?"
                # the actions that led there, and where the steps were
                recent = ", ".join(m.log[-8:])
                where = "lent" if w.controller.worker.lent else "thread"
                out["invariants"].append(f"{k}: {exc} [after: {recent}; runs {where}]")
                m.resync()
            out["actions"] += 1
            if w.banner.isVisible() and w.banner.kind == "error":
                out["engine_errors"].append(f"{k} {name}: {w.banner.text}")
                w.banner.hide()
            p = cap.problems
            for e in p.exceptions:
                out["exceptions"].append(f"{k} {name}: {e}")
            for e in p.warnings:
                out["warnings"].append(f"{k} {name}: {e}")
            p.exceptions.clear()
            p.warnings.clear()
            if k % 250 == 0:
                print(f"  [seed {seed}] {k}/{actions}", file=sys.stderr, flush=True)
        m.stop()
    w.close()
    slow = sorted(m.times, key=lambda t: -t[1])[:5]
    out.update(
        longest_action_s=m.longest_action_s,
        longest_paint_s=m.longest_paint_s,
        longest_loop_stall_s=m.longest_loop_stall_s,
        stall_after=m.longest_loop_stall_after,
        slowest=[(n, round(a, 3)) for n, a, _, _ in slow],
        slow=m.slow,
        kinds=Counter(m.log).most_common(),
        # "run at max" actions after which the runs were in the engine process, and the
        # times they were lent to it
        lent_seen=m.lent_seen,
        lends=w.controller.worker.lends,
    )
    print("RESULT " + json.dumps(out), flush=True)
    app.processEvents()
    stop_collector(collector)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--actions", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=1000, help="actions per child process")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            child(args.actions, args.seed, tmp)
        return

    total = Counter()
    problems: dict[str, list[str]] = {
        "exceptions": [],
        "warnings": [],
        "invariants": [],
        "engine_errors": [],
    }
    crashes: list[str] = []
    longest = {"longest_action_s": 0.0, "longest_paint_s": 0.0, "longest_loop_stall_s": 0.0}
    slowest: list = []
    slow_notes: list[str] = []
    stall_after = ""
    lends = lent_seen = 0
    done, run, t0 = 0, 0, time.perf_counter()
    while done < args.actions:
        n = min(args.chunk, args.actions - done)
        seed = args.seed * 1000 + run
        run += 1
        cmd = [sys.executable, __file__, "--child", "--actions", str(n), "--seed", str(seed)]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        result = next(
            (line for line in proc.stdout.splitlines() if line.startswith("RESULT ")), None
        )
        if result is None:
            crashes.append(f"seed {seed}: exit {proc.returncode}: {proc.stderr.strip()[-600:]}")
            # how far it got: the last progress line
            marks = [ln for ln in proc.stderr.splitlines() if ln.strip().startswith("[seed")]
            got = int(marks[-1].split()[-1].split("/")[0]) if marks else 0
            done += max(got, 1)
            continue
        out = json.loads(result[len("RESULT ") :])
        done += out["actions"]
        total.update(dict(out["kinds"]))
        for k in problems:
            problems[k] += out[k]
        if out["longest_loop_stall_s"] > longest["longest_loop_stall_s"]:
            stall_after = out["stall_after"]
        for k in longest:
            longest[k] = max(longest[k], out[k])
        slowest += out["slowest"]
        slow_notes += out["slow"]
        lends += out.get("lends", 0)
        lent_seen += out.get("lent_seen", 0)
        print(f"seed {seed}: {out['actions']} actions", file=sys.stderr, flush=True)

    print(
        f"actions:            {done}  (seed {args.seed}, {run} processes, "
        f"{time.perf_counter() - t0:.0f} s)"
    )
    print(f"exceptions:         {len(problems['exceptions'])}")
    print(f"Qt warnings:        {len(problems['warnings'])}")
    print(f"broken invariants:  {len(problems['invariants'])}")
    print(f"engine errors:      {len(problems['engine_errors'])}")
    print(f"crashes:            {len(crashes)}")
    print(f"engine process:     runs lent {lends} times ({lent_seen} 'run at max' ended there)")
    print(
        f"longest action:     {1000 * longest['longest_action_s']:.0f} ms (events of one "
        "action, handled in the GUI thread)"
    )
    print(f"longest paint:      {1000 * longest['longest_paint_s']:.0f} ms (grab() of the window)")
    print(
        f"longest loop stall: {1000 * longest['longest_loop_stall_s']:.0f} ms "
        f"(10 ms timer gap, after {stall_after!r})"
    )
    print(
        "slowest actions:    "
        + ", ".join(f"{n} {1000 * s:.0f} ms" for n, s in sorted(slowest, key=lambda t: -t[1])[:5])
    )
    print("action kinds:       " + ", ".join(f"{k} {v}" for k, v in total.most_common()))
    print(f"over 200 ms:        {len(slow_notes)} actions or paints")
    for note in slow_notes[:8]:
        print(f"    {note}")
    for k, items in (*problems.items(), ("crashes", crashes)):
        for item in items[:5]:
            print(f"\n--- {k}: {item[:1500]}")


if __name__ == "__main__":
    main()
