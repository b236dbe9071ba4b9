"""The main window training at full speed, scenario by scenario, against the headless engine.

For each scenario (points, network, how the points arrived, what else is open):

* headless: a ``TrainingSession`` (a ``RunGroup`` for a comparison) for the same points and
  network, stepped in a loop in this process (the reference for the ratio), half just
  before and half just after the window's run, so both see the same load from other
  processes;
* window (offscreen, the real event loop): the window starts on a small XOR session, then the
  points arrive as a user brings them, either File → Open lesson (a saved scenario file) or
  File → Import CSV; then, as the scenario says, the backprop inspector, the hidden-space
  view (H) or the weight probe (W) is opened, or a comparison is made (Train → Compare:
  sigmoid | ReLU, "Duplicate as B", or seeds ×8); then play at "max" speed.

A run is only worth timing while it trains. Every scenario says whether the timed run
trained throughout: no divergence stop (the window's ``diverged`` or a compared run's
``runDiverged``), no error, no pause (``runningChanged(False)``, or a frame that says the
run is not running), every run still going at the end, and, in a comparison, every run
of the group stepped while timed (a run that stops alone lets the others go on: the group
would look fast). A run that stopped is reported
on its own line, ``NOT HEALTHY: stopped at step N (why)``, and its figures measure a
stopped run, not training. The lesson is XOR without noise at α = 0.1, B = 16, a run that
stays healthy; at α = 0.5 the loss spikes and the divergence guard stops it within a few
thousand steps.

Columns: headless and window steps/s and their ratio, frames drawn per second, the
longest gap of a 16 ms GUI timer (stall, wall clock: on a loaded machine it includes
time the OS gave to other processes), the GUI thread's CPU time per frame (gui) and its
longest busy span in CPU time (span), and the engine thread's ms per published frame by
part (``EngineWorker.timing``: step, snapshot, grid, hand-over) and the frames it
published per second (pub); last, where Play stepped: in the engine process (at "max"
with no view that needs the runs in the window's process; gui/engine_process.py), with
how many times the runs were lent to it (each command takes them back), or in the
engine thread. ``BACKPROP_LAB_ENGINE=thread`` measures the thread alone.

    python benchmarks/bench_gui.py [--seconds 3] [--size 1280x800] [--only 500] [--repeat 3]
                                   [--alpha 0.1] [--json]
                                   [--profile]   (pyinstrument: the GUI thread's profile)

``--json`` ends with one JSON object holding every figure of every run (health included).
The script runs against an older checkout too: a scenario whose feature the window lacks
is reported as not available.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# a scripted run never stops at a "save your work?" question, nor autosaves for real
os.environ.setdefault("BACKPROP_LAB_NO_PROMPTS", "1")
os.environ.setdefault("BACKPROP_LAB_AUTOSAVE_DIR", tempfile.mkdtemp(prefix="backprop-lab-bench-"))

from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession  # noqa: E402
from backprop_lab.engine.datasets import make_preset, save_points_csv  # noqa: E402
from backprop_lab.engine.scenario import save_scenario, scenario_from_session  # noqa: E402

try:
    from backprop_lab.engine.advice import DEFAULT_NETWORK  # noqa: E402
except ImportError:  # an older checkout
    DEFAULT_NETWORK = NetworkSpec(hidden=(4, 4), activation="tanh")

NETS = {
    "4-4 tanh (default)": DEFAULT_NETWORK,
    "2-8-8-8-1 sigmoid": NetworkSpec(hidden=(8, 8, 8), activation="sigmoid"),
    "8×64 tanh": NetworkSpec(hidden=(64,) * 8, activation="tanh"),
}
ALPHA = 0.1  # a run that stays healthy (see the module's notes); --alpha changes it
# a comparison scenario's runs: a contrast of engine/contrasts.py, or "copy" (Duplicate as B)
COMPARISONS = {"activation": ", 2 runs", "copy": ", 2 runs (copy)", "seeds8": ", 8 seeds"}
RUNS = {"activation": 2, "copy": 2, "seeds8": 8}


@dataclass(frozen=True)
class Scenario:
    points: int
    net: str
    source: str  # "lesson" or "csv"
    inspector: bool = False
    hidden: bool = False  # the hidden-space panel open (H)
    probe: bool = False  # the weight probe open (W)
    compare: str = ""  # a comparison (a key of COMPARISONS), or none

    @property
    def name(self) -> str:
        extra = ", inspector" if self.inspector else ""
        extra += ", hidden space" if self.hidden else ""
        extra += ", probe" if self.probe else ""
        extra += COMPARISONS.get(self.compare, "")
        return f"{self.points:>6,} {self.net:<18s} {self.source:<6s}{extra}"


SCENARIOS = [
    Scenario(500, "2-8-8-8-1 sigmoid", "lesson"),
    Scenario(500, "2-8-8-8-1 sigmoid", "csv"),
    Scenario(10_000, "2-8-8-8-1 sigmoid", "lesson"),
    Scenario(10_000, "2-8-8-8-1 sigmoid", "csv"),
    Scenario(20_000, "2-8-8-8-1 sigmoid", "lesson"),
    Scenario(20_000, "2-8-8-8-1 sigmoid", "csv"),
    Scenario(10_000, "8×64 tanh", "lesson"),
    Scenario(10_000, "8×64 tanh", "csv"),
    Scenario(300, "8×64 tanh", "lesson"),
    Scenario(300, "8×64 tanh", "lesson", inspector=True),
    # a comparison: every frame carries every run's snapshot and grid
    Scenario(500, "2-8-8-8-1 sigmoid", "lesson", compare="activation"),
    # the targets of a comparison: two runs of the widest network, an 8-seed fan
    Scenario(300, "8×64 tanh", "lesson", compare="copy"),
    Scenario(500, "4-4 tanh (default)", "lesson", compare="seeds8"),
    # the hidden-space view open: its figure computed in the engine thread every frame
    Scenario(500, "4-4 tanh (default)", "lesson"),
    Scenario(500, "4-4 tanh (default)", "lesson", hidden=True),
    Scenario(300, "8×64 tanh", "lesson", hidden=True),
    # the weight probe open (its figures are measured on request, not every frame)
    Scenario(500, "2-8-8-8-1 sigmoid", "lesson", probe=True),
]


class BusySpans:
    """The GUI thread's busy spans from now on: from waking to going back to wait, in the
    thread's CPU time (between two waits it ran timers and events; waiting costs none)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QAbstractEventDispatcher

        self.spans: list[float] = []
        self._woke: float | None = None
        self._dispatcher = QAbstractEventDispatcher.instance()
        self._dispatcher.aboutToBlock.connect(self._blocking)

    def _blocking(self) -> None:
        now = time.thread_time()
        if self._woke is not None:
            self.spans.append(now - self._woke)
        self._woke = now

    def stop(self) -> None:
        self._dispatcher.aboutToBlock.disconnect(self._blocking)


def dataset(n: int):
    return make_preset("xor", n_points=n, noise=0.0, test_fraction=0.2, seed=0)


def hyper() -> HyperParameters:
    return HyperParameters(alpha=ALPHA, batch_size=16, optimizer="sgd")


def session_for(sc: Scenario) -> TrainingSession:
    return TrainingSession(dataset(sc.points), NETS[sc.net], hyper(), seed=0)


def headless(sc: Scenario, seconds: float) -> dict:
    """Steps/s of the engine alone on the same points and network (a fresh session, or the
    same comparison as a ``RunGroup``), and whether it kept training."""
    s = session_for(sc)
    runs = [s]
    step = s.step
    if sc.compare:
        group = headless_group(s, sc.compare)
        runs, step = list(group), group.step
    step(50)  # past the first rows and imports
    t0 = time.perf_counter()
    deadline = t0 + seconds
    n = 0
    while time.perf_counter() < deadline:
        n += step(1)
    stopped = [r.diverged for r in runs if r.diverged]
    return {"steps_per_s": n / (time.perf_counter() - t0), "stopped": stopped}


def headless_group(s: TrainingSession, key: str):
    if key == "copy":
        from backprop_lab.engine.group import RunGroup

        group = RunGroup.of(s)
        group.duplicate(0)
        return group
    from backprop_lab.engine.contrasts import contrast

    return contrast(s, key)


class Health:
    """What the window's run did while it was timed: the engine's stops, errors and pauses
    as the GUI thread heard of them, and the frames' own word (``running``, each run's
    divergence)."""

    def __init__(self, w, worker):
        self.w, self.worker = w, worker
        self.events: list[str] = []
        self.timing = False  # True from Play until the timed span ends
        self.frames = 0
        self.frames_not_running = 0
        self.started = False  # a frame of the run playing has come (frames made before
        # Play reached the engine thread say "not running", rightly)
        self.first_stop_step: int | None = None
        self.run_steps0: list[int] = []  # each run's step when the timed span began
        ctl = w.controller
        ctl.diverged.connect(lambda why: self._stop(f"diverged: {why}"))
        if hasattr(ctl, "runDiverged"):
            ctl.runDiverged.connect(lambda p: self._stop(f"run {p[0] + 1} diverged: {p[1]}"))
        ctl.errorOccurred.connect(lambda e: self._stop(f"error: {e}"))
        ctl.runningChanged.connect(self._running)
        ctl.frameReady.connect(self._frame)

    def _runs(self) -> list:
        return list(getattr(self.worker, "group", None) or [self.worker.session])

    def _step(self) -> int:
        return max(r.step_count for r in self._runs())

    def begin(self) -> None:
        self.run_steps0 = [r.step_count for r in self._runs()]
        self.timing = True

    def _stop(self, why: str) -> None:
        if not self.timing:
            return
        if self.first_stop_step is None:
            self.first_stop_step = self._step()
        self.events.append(why.splitlines()[0][:160])

    def _running(self, on: bool) -> None:
        if self.timing and not on:
            self._stop("paused (runningChanged false)")

    def _frame(self, frame) -> None:
        if not self.timing:
            return
        self.frames += 1
        self.started = self.started or frame.running
        if self.started and not frame.running:
            self.frames_not_running += 1
            if self.frames_not_running == 1:
                self._stop(f"a frame at step {frame.snapshot.step} says not running")
        for i, run in enumerate(getattr(frame, "runs", ()) or ()):
            why = getattr(run.status, "diverged", None) if hasattr(run, "status") else None
            if why:
                self._stop(f"frame: run {i + 1} diverged: {why}")

    def _ends(self) -> list[tuple[int, str | None]]:
        """Each run's step and divergence message now. While the runs are lent to the
        engine process, the worker's runs are as they were lent: the latest frame tells."""
        frame = getattr(self.w.controller, "latest", None)
        if getattr(self.worker, "lent", False) and frame is not None and frame.group:
            return [(r.status.step, r.status.diverged) for r in frame.group.runs]
        return [(r.step_count, r.diverged) for r in self._runs()]

    def verdict(self) -> dict:
        runs = self._ends()
        for i, (_, diverged) in enumerate(runs):
            if diverged:
                self._stop(f"run {i + 1} diverged at the end: {diverged}")
        if len(runs) != len(self.run_steps0):
            self._stop(f"{len(self.run_steps0)} runs when timing began, {len(runs)} at the end")
        steps = [r[0] - s0 for r, s0 in zip(runs, self.run_steps0)]
        for i, n in enumerate(steps):
            if n <= 0:
                self._stop(f"run {i + 1} did not step while timed")
        pacer = getattr(self.worker, "pacer", None)
        running = pacer.running if pacer is not None else self.w.controller.running
        if not running:
            self._stop("not running at the end")
        if not self.started:
            self._stop("no frame of the run playing came")
        seen = list(dict.fromkeys(self.events))  # each reason once, in order
        return {
            "healthy": not seen,
            "stopped_at_step": self.first_stop_step,
            "why": seen,
            "frames_seen": self.frames,
            "frames_not_running": self.frames_not_running,
            "final_step": max((r[0] for r in runs), default=0),
            "run_steps": steps,
        }


def wait_for(app, done, what: str, limit: float = 60.0) -> None:
    """Run the GUI's events until ``done()`` (the engine thread changes what it reads)."""
    deadline = time.perf_counter() + limit
    while not done():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        app.processEvents()
        time.sleep(0.005)


def windowed(
    sc: Scenario, seconds: float, size: tuple[int, int], tmp: Path, profile: bool = False
) -> dict:
    import pyqtgraph as pg
    from backprop_lab.gui.main_window import MainWindow
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    pg.setConfigOptions(antialias=False, imageAxisOrder="row-major")
    collector = app_collector()
    start = TrainingSession(dataset(200), NETS[sc.net], hyper(), seed=0)
    w = MainWindow(session=start)
    missing = (
        (sc.hidden and not hasattr(w, "hidden"))
        or (sc.probe and not hasattr(w, "probe"))
        or (sc.compare and not hasattr(getattr(w, "runs", None), "new_run"))
        or (sc.compare == "copy" and not hasattr(w.controller, "duplicate"))
    )
    if missing:
        w.close()
        w.deleteLater()
        app.processEvents()
        stop_collector(collector)
        return {"available": False}
    w.resize(*size)
    slider = w.training_panel.speed_slider
    slider.setValue(slider.maximum())  # "max": the default speed is a watchable 50 steps/s
    w.show()
    for _ in range(20):
        app.processEvents()
    if sc.source == "lesson":
        path = tmp / f"lesson-{sc.points}-{sc.net.split()[0]}.json"
        save_scenario(path, scenario_from_session(session_for(sc)))
        ok = w.open_lesson(path)
    else:
        path = tmp / f"points-{sc.points}.csv"
        save_points_csv(path, dataset(sc.points))
        ok = w.import_csv(path)
    if not ok:
        raise RuntimeError(f"could not load {path}")
    if sc.inspector:
        w.inspector_dock.show()
    if sc.hidden:
        w.hidden.set_panel_open(True)
    if sc.probe:
        w.probe.set_probe_open(True)
    worker = w.controller.worker
    # a lesson is read off the GUI thread: the timed run must be the scenario's own
    wait_for(app, lambda: len(worker.session.dataset) == sc.points, f"{path.name} to load")
    if sc.compare:
        from backprop_lab.gui import commands as cmd

        with w.runs.new_run("compare"):
            if sc.compare == "copy":
                w.controller.send(cmd.Duplicate(0))
            else:
                w.controller.send(cmd.Contrast(sc.compare))
        n_runs = RUNS[sc.compare]
        wait_for(app, lambda: len(worker.group) == n_runs, f"the comparison's {n_runs} runs")
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)

    gaps: list[float] = []
    last = [0.0]

    def tick() -> None:
        now = time.perf_counter() * 1e3
        gaps.append(now - last[0])
        last[0] = now

    beat = QTimer()
    beat.setInterval(16)
    beat.timeout.connect(tick)
    # what our code costs the GUI thread, apart from the time the OS gives to other
    # processes (the 16 ms beat's gaps include that on a loaded machine)
    busy = BusySpans()
    spans = busy.spans
    health = Health(w, worker)
    timing0 = dict(getattr(worker, "timing", {}))
    frames0 = w.frames_drawn
    steps0 = worker.steps_run
    lends0 = getattr(worker, "lends", 0)
    gui_cpu0 = time.thread_time()
    last[0] = time.perf_counter() * 1e3
    beat.start()
    health.begin()
    w.play()
    t0 = time.perf_counter()
    # exit, not quit: Qt 6's quit closes the windows first (the window would shut its
    # engine down inside the timed span, and the verdict would see a stopped run)
    QTimer.singleShot(int(seconds * 1000), lambda: app.exit(0))
    profiler = None
    if profile:
        from pyinstrument import Profiler  # the "profile" extra

        profiler = Profiler(interval=0.0005)
        profiler.start()
    app.exec()  # the real event loop, as in the app
    elapsed = time.perf_counter() - t0
    gui_cpu = time.thread_time() - gui_cpu0
    health.timing = False
    if profiler is not None:
        profiler.stop()
        show_all = os.environ.get("PROFILE_ALL") == "1"
        print(profiler.output_text(color=False, show_all=show_all), flush=True)
    steps = worker.steps_run - steps0
    frames = w.frames_drawn - frames0
    beat.stop()
    busy.stop()
    health.timing = True  # the verdict's own checks count
    verdict = health.verdict()
    health.timing = False
    timing = dict(getattr(worker, "timing", {}))
    w.close()
    w.deleteLater()
    app.processEvents()
    stop_collector(collector)
    published = timing.get("frames", 0) - timing0.get("frames", 0)
    split = {}
    for key in ("step", "snapshot", "grid", "handover"):
        spent = timing.get(key, math.nan) - timing0.get(key, 0.0)
        split[key] = 1e3 * spent / published if published else math.nan
    return {
        "available": True,
        **verdict,
        "steps_per_s": steps / elapsed,
        "frames_per_s": frames / elapsed,
        "published_per_s": published / elapsed,
        # where Play stepped: the engine process (how many times the runs were lent to it;
        # each command takes them back) or the engine thread
        "lends": getattr(worker, "lends", 0) - lends0,
        "max_stall_ms": max(gaps[1:]) if len(gaps) > 1 else math.nan,
        "gui_cpu_max_span_ms": 1e3 * max(spans, default=math.nan),
        "gui_cpu_ms_per_frame": 1e3 * sum(spans) / frames if frames else math.nan,
        "gui_cpu_share": gui_cpu / elapsed,
        "frame_ms": split,
    }


def app_collector():
    """Python's garbage collector as the app runs it (``app.start_collector``: in the GUI
    thread, on a timer), so that the timed window pays for collections what the app pays.
    Left on, Python's own collector made full collections of the benchmark's objects
    (50–110 ms each, in either thread) that the app never makes."""
    try:
        from backprop_lab.gui.app import start_collector
    except ImportError:  # an older checkout: the same collector, made in its run_app
        from pyqtgraph.util.garbage_collector import GarbageCollector

        return GarbageCollector(interval=0.5)
    return start_collector()


def stop_collector(collector) -> None:
    """Python's own collector back, for the headless runs."""
    import gc

    collector.timer.stop()
    gc.enable()


def available(sc: Scenario) -> bool:
    """Whether this version of the app has what the scenario opens."""
    from importlib.util import find_spec

    need = {
        "backprop_lab.engine.contrasts": bool(sc.compare),
        "backprop_lab.gui.hidden_panel": sc.hidden,
        "backprop_lab.gui.probe_window": sc.probe,
    }
    return all(find_spec(mod) is not None for mod, used in need.items() if used)


def run_scenario(sc: Scenario, args, size, tmp: Path) -> dict:
    if not available(sc):
        return {"available": False, "runs": []}
    runs = []
    for _ in range(args.repeat):
        # the reference is measured just before and just after the window, half the time
        # each: other processes' load drifts, and a ratio is only fair within one span
        before = headless(sc, args.seconds / 2)
        r = windowed(sc, args.seconds, size, tmp, args.profile)
        if not r["available"]:
            return {"available": False, "runs": []}
        after = headless(sc, args.seconds / 2)
        base = 0.5 * (before["steps_per_s"] + after["steps_per_s"])
        r["headless_steps_per_s"] = base
        r["headless_stopped"] = before["stopped"] + after["stopped"]
        r["ratio"] = r["steps_per_s"] / base
        runs.append(r)
    runs.sort(key=lambda r: r["ratio"])
    m = runs[len(runs) // 2]  # the median run by ratio; ranges over all runs
    return {**m, "runs": runs, "healthy": all(r["healthy"] for r in runs)}


def where(m: dict) -> str:
    """Where Play stepped while timed."""
    n = m.get("lends", 0)
    return f"process ({n} lend{'s' if n != 1 else ''})" if n else "thread"


def print_row(sc: Scenario, m: dict) -> None:
    if not m["available"]:
        print(f"{sc.name:<46s} (not available in this version)", flush=True)
        return
    fm = m["frame_ms"]
    print(
        f"{sc.name:<46s} {m['headless_steps_per_s']:8.0f} {m['steps_per_s']:7.0f} "
        f"{m['ratio']:5.0%} {m['frames_per_s']:5.1f} {m['max_stall_ms']:6.1f} "
        f"{m['gui_cpu_ms_per_frame']:5.1f} {m['gui_cpu_max_span_ms']:5.1f}  "
        f"{fm['step']:5.1f} {fm['snapshot']:4.1f} {fm['grid']:4.1f} {fm['handover']:4.1f} "
        f"{m['published_per_s']:4.0f}  {'yes' if m['healthy'] else 'NO':<3s}  "
        f"{where(m)}",
        flush=True,
    )
    runs = m["runs"]
    if len(runs) > 1:
        fps = sorted(r["frames_per_s"] for r in runs)
        stall = sorted(r["max_stall_ms"] for r in runs)
        print(
            f"{'':<46s} over {len(runs)} runs: ratio {runs[0]['ratio']:.0%}–"
            f"{runs[-1]['ratio']:.0%}, {fps[0]:.0f}–{fps[-1]:.0f} fps, "
            f"stall {stall[0]:.0f}–{stall[-1]:.0f} ms",
            flush=True,
        )
    for r in runs:
        if not r["healthy"]:
            why = "; ".join(r["why"])
            print(f"    NOT HEALTHY: stopped at step {r['stopped_at_step']} ({why})", flush=True)
        if r["headless_stopped"]:
            print(f"    headless reference stopped: {r['headless_stopped'][0]}", flush=True)


def chosen_by(only: str, name: str) -> bool:
    """``--only``: the names that contain it; a pattern ending in "$" must end the name;
    several patterns separated by "|" choose the names any of them chooses."""
    for pattern in only.split("|"):
        if pattern.endswith("$") and name.endswith(pattern[:-1]):
            return True
        if not pattern.endswith("$") and pattern in name:
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    global ALPHA
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    p.add_argument("--size", default="1280x800")
    p.add_argument(
        "--only", default="", help='scenarios whose name has this ("…$": ends; "a|b": either)'
    )
    p.add_argument("--repeat", type=int, default=1, help="runs per scenario (median shown)")
    p.add_argument("--alpha", type=float, default=ALPHA, help="the lesson's learning rate")
    p.add_argument("--json", action="store_true", help="end with one JSON object")
    p.add_argument("--profile", action="store_true", help="print the GUI thread's profile")
    args = p.parse_args(argv)
    ALPHA = args.alpha
    size = tuple(int(v) for v in args.size.split("x"))
    from backprop_lab.gui.app import configure_process

    configure_process()  # as the app does (the GIL's switch interval)
    chosen = [s for s in SCENARIOS if chosen_by(args.only, s.name)]

    print(
        f"B=16 SGD α={ALPHA:g}, XOR points without noise, {args.seconds:g} s each, "
        f"window {args.size} (offscreen)"
    )
    print(
        f"{'scenario':<46s} {'headless':>8s} {'window':>7s} {'ratio':>5s} {'fps':>5s} "
        f"{'stall':>6s} {'gui':>5s} {'span':>5s}  {'engine ms/frame: step snap grid hand pub':>41s}"
        "  healthy  steps in"
    )
    rows = []
    unhealthy = 0
    with tempfile.TemporaryDirectory() as d:
        for sc in chosen:
            m = run_scenario(sc, args, size, Path(d))
            print_row(sc, m)
            unhealthy += m["available"] and not m["healthy"]
            rows.append(
                {
                    "name": sc.name.strip(),
                    "points": sc.points,
                    "net": sc.net,
                    "source": sc.source,
                    "inspector": sc.inspector,
                    "hidden": sc.hidden,
                    "probe": sc.probe,
                    "compare": sc.compare,
                    **m,
                }
            )
    if unhealthy:
        print(f"{unhealthy} scenario(s) NOT HEALTHY: their figures time a stopped run")
    if args.json:
        out = {"seconds": args.seconds, "size": args.size, "alpha": ALPHA, "scenarios": rows}
        print(json.dumps(out, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
