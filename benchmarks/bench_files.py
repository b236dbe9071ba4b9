"""The longest GUI-thread stall while opening and saving a 20,000-point lesson.

A 1 ms heartbeat timer runs in the GUI thread; the longest gap between two of its ticks
is the longest time the GUI thread did not get back to its event loop (reading, checking
and writing the file happen on background threads: gui/file_io.py). The figures include
whatever the GUI thread does for the new data: the canvas redrawing 20,000 points, the
panels, the first frame of the new session. Beside the wall-clock gap it reports the GUI
thread's own CPU time in its busiest gap ("busy"): on a loaded machine a wall gap also holds
time the OS gave to other processes or threads.

It also adds points with real mouse clicks on the canvas at 10,000 points (one undoable
edit each: the canvas redraws, the engine gets the new data set, the panels follow) and
reports the longest gap around each click.

    python benchmarks/bench_files.py [--points 20000] [--repeats 3] [--add-at 10000]
                                     [--profile]   (pyinstrument: the GUI thread's profile)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BACKPROP_LAB_NO_PROMPTS", "1")
os.environ.setdefault("BACKPROP_LAB_AUTOSAVE_DIR", tempfile.mkdtemp(prefix="backprop-lab-bench-"))

from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession  # noqa: E402
from backprop_lab.engine.datasets import make_preset  # noqa: E402
from backprop_lab.engine.scenario import save_scenario, scenario_from_session  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


class Heartbeat:
    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0
        # the GUI thread's own CPU time in its busiest gap: on a loaded machine the wall
        # gaps also hold time the OS gave to other processes
        self.longest_cpu = 0.0
        self._last = 0
        self._cpu = 0.0

    def start(self) -> None:
        self.clock.start()
        self._last = 0
        self._cpu = time.thread_time()
        self.longest = self.longest_cpu = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now, cpu = self.clock.nsecsElapsed(), time.thread_time()
        gap = (now - self._last) / 1e6
        self.longest = max(self.longest, gap)
        self.longest_cpu = max(self.longest_cpu, (cpu - self._cpu) * 1000)
        self._last, self._cpu = now, cpu

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.longest


def pump(app: QApplication, until, limit: float = 120.0) -> None:
    t0 = time.perf_counter()
    while not until():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        if time.perf_counter() - t0 > limit:
            raise SystemExit("timed out")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=20_000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--add-at", type=int, default=10_000, help="points when adding (0: skip)")
    p.add_argument("--profile", action="store_true", help="print the GUI thread's profile")
    args = p.parse_args()
    profiler = None
    if args.profile:
        from pyinstrument import Profiler  # the "profile" extra

        profiler = Profiler(interval=0.0005)

    from backprop_lab.gui.app import configure_process
    from backprop_lab.gui.main_window import MainWindow

    configure_process()  # as the app runs (the GIL switch interval)
    app = QApplication.instance() or QApplication(sys.argv[:1])

    folder = Path(tempfile.mkdtemp(prefix="backprop-lab-files-"))
    big = TrainingSession(
        make_preset("gaussians", n_points=args.points, test_fraction=0.2),
        NetworkSpec(hidden=(8, 8), activation="tanh"),
        HyperParameters(alpha=0.1, batch_size=32),
        seed=0,
    )
    big.step(50)
    lesson = folder / "big.json"
    save_scenario(lesson, scenario_from_session(big))
    print(f"lesson: {len(big.dataset):,} points, {lesson.stat().st_size / 1e6:.1f} MB")

    w = MainWindow(preset="xor")
    w.resize(1280, 800)
    w.show()
    pump(app, lambda: w.latest is not None)
    beat = Heartbeat()

    beat.start()
    pump(app, lambda: beat.clock.elapsed() > 1000)
    print(f"idle: longest GUI-thread gap {beat.stop():.1f} ms")

    opens, saves, open_cpu, save_cpu = [], [], [], []
    done: list[str] = []
    w.files.saved.connect(lambda path, _key: done.append(path))
    for i in range(args.repeats):
        w.open_lesson("xor")  # back to a small session between the runs
        pump(app, lambda: w.files.last_open_ok and len(w.latest.snapshot.dataset) < 1000)
        pump(app, lambda: not w.files.busy)
        beat.start()
        if profiler is not None:
            profiler.start()
        w.open_lesson(lesson)
        pump(app, lambda: w.files.last_open_ok is True)
        pump(app, lambda: len(w.latest.snapshot.dataset) == args.points)
        pump(app, lambda: beat.clock.elapsed() > 1000)  # the first frames of the new data
        opens.append(beat.stop())
        open_cpu.append(beat.longest_cpu)
        if profiler is not None:
            profiler.stop()

        out = folder / f"saved-{i}.json"
        done.clear()
        beat.start()
        if profiler is not None:
            profiler.start()
        w.save_lesson(out)
        pump(app, lambda: done)
        pump(app, lambda: beat.clock.elapsed() > 300)
        if profiler is not None:
            profiler.stop()
        saves.append(beat.stop())
        save_cpu.append(beat.longest_cpu)
        print(
            f"run {i + 1}: open {opens[-1]:.1f} ms (GUI thread busy {open_cpu[-1]:.1f} ms), "
            f"save {saves[-1]:.1f} ms (busy {save_cpu[-1]:.1f} ms)"
        )
    print(
        f"open a {args.points:,}-point lesson: longest GUI stall max {max(opens):.1f} ms, "
        f"median {statistics.median(opens):.1f} ms; GUI thread busy at most "
        f"{max(open_cpu):.1f} ms"
    )
    print(
        f"save a {args.points:,}-point lesson: longest GUI stall max {max(saves):.1f} ms, "
        f"median {statistics.median(saves):.1f} ms; GUI thread busy at most "
        f"{max(save_cpu):.1f} ms"
    )
    if args.add_at:
        add_points(app, w, beat, args.add_at, args.repeats, profiler, folder)
    if profiler is not None:
        show_all = os.environ.get("PROFILE_ALL") == "1"
        print(profiler.output_text(color=False, show_all=show_all), flush=True)
    w.close()
    return 0


def add_points(app, w, beat: Heartbeat, n: int, repeats: int, profiler, folder: Path) -> None:
    """Clicks that add one point each at ``n`` points, with the draw tool."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtTest import QTest

    ses = TrainingSession(
        make_preset("gaussians", n_points=n, test_fraction=0.2),
        NetworkSpec(hidden=(8, 8), activation="tanh"),
        HyperParameters(alpha=0.1, batch_size=32),
        seed=0,
    )
    path = folder / "add.json"
    save_scenario(path, scenario_from_session(ses))
    w.open_lesson(path)
    pump(app, lambda: w.files.last_open_ok is True)
    pump(app, lambda: len(w.latest.snapshot.dataset) == n)
    c = w.canvas
    c.set_tool("draw")
    stalls, cpu = [], []
    for i in range(max(3, repeats)):
        before = len(c.dataset)
        pos = c.vb.mapViewToScene(QPointF(-5.0 + 0.7 * i, 5.5))
        vp = c.mapFromScene(pos)
        beat.start()
        if profiler is not None:
            profiler.start()
        QTest.mouseClick(
            c.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), QPoint(vp.x(), vp.y())
        )
        pump(app, lambda want=before + 1: len(w.latest.snapshot.dataset) == want)
        pump(app, lambda: beat.clock.elapsed() > 300)
        if profiler is not None:
            profiler.stop()
        stalls.append(beat.stop())
        cpu.append(beat.longest_cpu)
        if len(c.dataset) != before + 1:
            raise SystemExit("the click added no point")
    print(
        f"add a point at {n:,} points: longest GUI stall "
        + ", ".join(f"{s:.1f}" for s in stalls)
        + " ms; GUI thread busy at most "
        + f"{max(cpu):.1f} ms"
    )


if __name__ == "__main__":
    sys.exit(main())
