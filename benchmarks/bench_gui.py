"""The main window training at full speed, against the headless engine in the same run.

Trains a 2-8-8-8-1 sigmoid net on 500 points (XOR preset, batch 16, SGD) for a few seconds:

* headless: ``TrainingSession.step(1)`` in a loop, in this process, no Qt running;
* window (offscreen): play at "max" speed; counts steps the engine thread ran, frames the
  window drew, and the longest gap between ticks of a 16 ms ``QTimer`` in the GUI thread.

Targets: window steps/s ≥ 60 % of headless; ≥ 30 frames drawn per second; longest stall of
the 16 ms timer < 50 ms.

    python benchmarks/bench_gui.py [--seconds 4] [--size 1280x800] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession  # noqa: E402
from backprop_lab.engine.datasets import make_preset  # noqa: E402

SPEC = NetworkSpec(hidden=(8, 8, 8), activation="sigmoid")
HYPER = HyperParameters(alpha=0.5, batch_size=16, optimizer="sgd")


def make_session() -> TrainingSession:
    ds = make_preset("xor", n_points=500, noise=0.0, test_fraction=0.2, seed=0)
    return TrainingSession(ds, SPEC, HYPER, seed=0)


def headless(seconds: float) -> float:
    s = make_session()
    t0 = time.perf_counter()
    deadline = t0 + seconds
    n = 0
    while time.perf_counter() < deadline:
        n += s.step(1)
    return n / (time.perf_counter() - t0)


def windowed(seconds: float, size: tuple[int, int]) -> dict:
    import pyqtgraph as pg
    from backprop_lab.gui.main_window import MainWindow
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    pg.setConfigOptions(antialias=False, imageAxisOrder="row-major")
    w = MainWindow(session=make_session())
    w.resize(*size)
    slider = w.training_panel.speed_slider
    slider.setValue(slider.maximum())  # "max": the default speed is a watchable 50 steps/s
    w.show()
    for _ in range(20):
        app.processEvents()

    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]

    def tick() -> None:
        now = time.perf_counter() * 1e3
        gaps.append(now - last[0])
        last[0] = now

    beat = QTimer()
    beat.setInterval(16)
    beat.timeout.connect(tick)

    frames0 = w.frames_drawn
    steps0 = w.controller.worker.steps_run
    clock.start()
    last[0] = time.perf_counter() * 1e3
    beat.start()
    w.play()
    t0 = time.perf_counter()

    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()  # the real event loop, as in the app
    elapsed = time.perf_counter() - t0
    steps = w.controller.worker.steps_run - steps0
    frames = w.frames_drawn - frames0
    beat.stop()
    w.close()
    return {
        "steps_per_s": steps / elapsed,
        "frames_per_s": frames / elapsed,
        "max_stall_ms": max(gaps[1:]) if len(gaps) > 1 else float("nan"),
        "ticks": len(gaps),
        "gaps": sorted(gaps)[-5:],
        "thread_stopped": not w.controller.thread.isRunning(),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=4.0)
    p.add_argument("--size", default="1280x800")
    args = p.parse_args(argv)
    size = tuple(int(v) for v in args.size.split("x"))

    base = headless(args.seconds)  # default switch interval: nothing else runs
    r = windowed(args.seconds, size)
    ratio = r["steps_per_s"] / base
    print(f"net 2-8-8-8-1 sigmoid, 500 points, B=16, {args.seconds:g} s each, window {args.size}")
    print(f"headless engine      : {base:8.0f} steps/s")
    print(
        f"window (engine thread): {r['steps_per_s']:8.0f} steps/s  = {ratio:.0%} of headless"
        f"   (target ≥ 60 %)"
    )
    print(f"frames drawn         : {r['frames_per_s']:8.1f} /s        (target ≥ 30)")
    print(f"longest 16 ms stall  : {r['max_stall_ms']:8.1f} ms       (target < 50)")
    print(f"thread stopped on close: {r['thread_stopped']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
