"""Launch to the first painted window: ``backprop-lab`` started as a user starts it.

    python benchmarks/bench_launch.py [--runs 7] [--against PYTHON] [--json]

Each run starts a fresh Python process (nothing imported, nothing cached in the process)
that runs the app's own entry point (``backprop_lab.gui.app.main``, no arguments: the
default preset and network) on the offscreen platform, with a fresh empty HOME and
autosave folder (no remembered settings, no autosave to offer back). The time runs from
just before the process is started to the end of the first paint pass that drew the main
window (a zero timer queued from its first paint event: it fires once the pass is done).
The child then exits at once. The spans of the launch are printed too (medians): the
interpreter, the entry point's imports, Qt, pyqtgraph, the window's modules, building the
window, and showing it up to the first paint (``PHASES``). Python may write its bytecode
caches (as an install from a wheel has them): the first, uncounted run writes them, so
that the runs measured do not compile the sources anew (``PYTHONDONTWRITEBYTECODE`` is
dropped for them). The median and the range of the runs are printed, with the CPU time
the child used by then (its threads together: less disturbed than the wall time by other
processes on a shared machine). On a shared machine the fastest run is the one least
disturbed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import os, sys, time
t_start = float(sys.argv[1])
marks = [("python", time.time())]
# first what the entry point imports (``backprop-lab`` runs ``from backprop_lab.gui.app
# import main``), then the harness's Qt: in the other order PySide6's import hook reads the
# source of every module NumPy and the engine load, which the app itself never pays
from backprop_lab.gui.app import main
marks.append(("engine", time.time()))
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])  # the app's own code takes this instance
marks.append(("qt", time.time()))
# what ``run_app`` imports first (pyqtgraph, the window's modules), timed apart
import pyqtgraph
marks.append(("pyqtgraph", time.time()))
from backprop_lab.gui import main_window
marks.append(("window_modules", time.time()))
_init = main_window.MainWindow.__init__


def _timed_init(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    marks.append(("window_built", time.time()))


main_window.MainWindow.__init__ = _timed_init


class FirstPaint(QObject):
    seen = False

    def eventFilter(self, obj, ev):
        # every event of the launch passes here: isinstance, not ev.type() (an enum made
        # for each event), so that the harness adds as little as it can
        if (
            isinstance(ev, QPaintEvent)
            and not self.seen
            and isinstance(getattr(obj, "window", lambda: None)(), QMainWindow)
        ):
            self.seen = True
            QTimer.singleShot(0, done)
        return False


def done():
    now = time.time()
    marks.append(("painted", now))
    last, spans = t_start, []
    for name, t in marks:
        spans.append(f"{name}={t - last:.4f}")
        last = t
    print(f"painted {now - t_start:.4f} {time.process_time():.4f} {' '.join(spans)}", flush=True)
    os._exit(0)


first = FirstPaint()
app.installEventFilter(first)

sys.exit(main([]))
"""


PHASES = {  # a launch's spans, in order: the mark that ends each, and what it holds
    "python": "the interpreter starts",
    "engine": "the entry point's imports: NumPy and the engine",
    "qt": "PySide6 and the QApplication",
    "pyqtgraph": "pyqtgraph",
    "window_modules": "the window's modules",
    "window_built": "the window built (MainWindow())",
    "painted": "shown, the first frame, the first paint",
}


def launch_once(python: str) -> tuple[float, float, dict[str, float]]:
    """(wall seconds to the first painted window, CPU seconds the child used by then, the
    seconds of each of ``PHASES``)."""
    home = tempfile.mkdtemp(prefix="backprop-lab-launch-")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=home,
        XDG_CONFIG_HOME=os.path.join(home, ".config"),
        BACKPROP_LAB_NO_PROMPTS="1",
        BACKPROP_LAB_AUTOSAVE_DIR=os.path.join(home, "autosave"),
    )
    t0 = time.time()
    out = subprocess.run(
        [python, "-c", CHILD, repr(t0)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    for line in out.stdout.splitlines():
        if line.startswith("painted "):
            _, wall, cpu, *spans = line.split()
            phases = {k: float(v) for k, v in (span.split("=") for span in spans)}
            return float(wall), float(cpu), phases
    raise RuntimeError(f"no painted window (exit {out.returncode}): {out.stderr[-800:]}")


def summary(runs: list[tuple[float, float, dict]]) -> dict:
    walls = [w for w, _, _ in runs]
    return {
        "runs": walls,
        "median": statistics.median(walls),
        "min": min(walls),
        "max": max(walls),
        "cpu_median": statistics.median(c for _, c, _ in runs),
        "phases": {k: statistics.median(p[k] for _, _, p in runs) for k in PHASES},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--python", default=sys.executable, help="the interpreter of the install")
    ap.add_argument(
        "--against",
        metavar="PYTHON",
        help="another install's interpreter (say, the code before a change): its launches "
        "alternate with the first's, so both meet the same load",
    )
    ap.add_argument("--json", action="store_true", help="end with one JSON object")
    args = ap.parse_args()
    pythons = [args.python] + ([args.against] if args.against else [])
    for py in pythons:
        launch_once(py)  # the first run fills the OS's file cache: not counted
    runs: dict[str, list] = {py: [] for py in pythons}
    for _ in range(args.runs):
        for py in pythons:
            runs[py].append(launch_once(py))
    out = {}
    for py in pythons:
        s = out[py] = summary(runs[py])
        print(
            f"launch to the first painted window: median {s['median']:.2f} s, "
            f"{s['min']:.2f}–{s['max']:.2f} s over {len(s['runs'])} runs (offscreen); "
            f"CPU {s['cpu_median']:.2f} s" + (f"  [{py}]" if args.against else "")
        )
        print(
            "  where it goes (medians): "
            + ", ".join(f"{PHASES[k]} {v:.3f}" for k, v in s["phases"].items())
        )
    if args.json:
        print(json.dumps(out[args.python] if not args.against else out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
