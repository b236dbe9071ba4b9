"""The longest GUI-thread stall while opening and saving a 20,000-point lesson.

A 1 ms heartbeat timer runs in the GUI thread; the longest gap between two of its ticks
is the longest time the GUI thread did not get back to its event loop (reading, checking
and writing the file happen on background threads: gui/file_io.py). The figures include
whatever the GUI thread does for the new data: the canvas redrawing 20,000 points, the
panels, the first frame of the new session.

    python benchmarks/bench_files.py [--points 20000] [--repeats 3]
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
        self.longest_cpu = 0.0  # GUI-thread CPU time within the longest gap
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
        if gap > self.longest:
            self.longest, self.longest_cpu = gap, (cpu - self._cpu) * 1000
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
    args = p.parse_args()

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
        w.open_lesson(lesson)
        pump(app, lambda: w.files.last_open_ok is True)
        pump(app, lambda: len(w.latest.snapshot.dataset) == args.points)
        pump(app, lambda: beat.clock.elapsed() > 1000)  # the first frames of the new data
        opens.append(beat.stop())
        open_cpu.append(beat.longest_cpu)

        out = folder / f"saved-{i}.json"
        done.clear()
        beat.start()
        w.save_lesson(out)
        pump(app, lambda: done)
        pump(app, lambda: beat.clock.elapsed() > 300)
        saves.append(beat.stop())
        save_cpu.append(beat.longest_cpu)
        print(
            f"run {i + 1}: open {opens[-1]:.1f} ms (GUI thread busy {open_cpu[-1]:.1f} ms of it), "
            f"save {saves[-1]:.1f} ms (busy {save_cpu[-1]:.1f} ms)"
        )
    print(
        f"open a {args.points:,}-point lesson: longest GUI stall max {max(opens):.1f} ms, "
        f"median {statistics.median(opens):.1f} ms; GUI thread busy in it at most "
        f"{max(open_cpu):.1f} ms"
    )
    print(
        f"save a {args.points:,}-point lesson: longest GUI stall max {max(saves):.1f} ms, "
        f"median {statistics.median(saves):.1f} ms; GUI thread busy in it at most "
        f"{max(save_cpu):.1f} ms"
    )
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
