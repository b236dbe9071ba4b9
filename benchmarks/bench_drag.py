"""Frames per second while a hand drags a weight in the network diagram beside the canvas.

A drag is a stream of mouse moves on an edge (one every ``--every`` ms, as a mouse sends
them); each move's value goes to the engine thread (the newest only, once the last was
applied: gui/probe_edits.py), which sets the weight, measures the loss anew, evaluates the
canvas grid and publishes a frame; the window colours the decision regions, redraws the
plots (every plot, every frame: training is paused), the diagram's unit maps and the
readout. The target: every move repainted within one frame, ≥ 30 frames/s on a 2-core
machine, on the default network.

Columns: frames drawn per second while dragging; the mouse moves sent, and how many of
them a frame showed (a move overtaken by a newer one before its value was sent is never
shown: the hand is faster than the frames); of those shown, the share shown within one
frame at 30 frames/s (33 ms) of the move; the delay from a move to the frame that showed
it (median, 95th percentile); the GUI thread's CPU time per frame; and the engine
thread's ms per frame (snapshot and grid; the edits themselves run as calls).

Scenarios: the default network (2-4-4-1 tanh) on XOR, with and without the weight probe
open (W: the dot, the tangent and the slopes with every frame), and 8 × 64 tanh.

    python benchmarks/bench_drag.py [--seconds 4] [--every 8] [--size 1280x800] [--repeat 1]

Prints figures; asserts nothing (timing belongs here, not in the tests).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BACKPROP_LAB_NO_PROMPTS", "1")
os.environ.setdefault("BACKPROP_LAB_AUTOSAVE_DIR", tempfile.mkdtemp(prefix="backprop-lab-bench-"))

from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession  # noqa: E402
from backprop_lab.engine.advice import DEFAULT_NETWORK  # noqa: E402
from backprop_lab.engine.datasets import make_preset  # noqa: E402
from backprop_lab.engine.paramref import ParamRef  # noqa: E402


@dataclass(frozen=True)
class Scenario:
    name: str
    spec: NetworkSpec
    probe: bool = False


SCENARIOS = [
    Scenario("default 2-4-4-1 tanh", DEFAULT_NETWORK),
    Scenario("default, probe open (W)", DEFAULT_NETWORK, probe=True),
    Scenario("8×64 tanh", NetworkSpec(hidden=(64,) * 8, activation="tanh")),
    Scenario("8×64 tanh, probe open", NetworkSpec(hidden=(64,) * 8, activation="tanh"), True),
]
HYPER = HyperParameters(alpha=0.1, batch_size=16, optimizer="sgd")
FRAME = 1 / 30  # one frame at the target rate


def run(sc: Scenario, seconds: float, every_ms: int, size: tuple[int, int]) -> dict:
    from backprop_lab.gui.edge_geometry import edge_line
    from backprop_lab.gui.main_window import MainWindow
    from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    data = make_preset("xor", n_points=200, noise=0.0, test_fraction=0.2, seed=0)
    w = MainWindow(session=TrainingSession(data, sc.spec, HYPER, seed=0))
    w.resize(*size)
    w.show()
    deadline = time.perf_counter() + 30
    while w.latest is None and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.005)
    w.set_network_view(True)
    for _ in range(30):
        app.processEvents()
        time.sleep(0.005)
    d = w.canvas_area.netview.diagram
    L = len(sc.spec.hidden) + 1
    grab = w.probe.grabs[0]
    lay = d.layout_now()
    # an edge into the output that the grab reads as itself (the diagram draws it)
    ref = at = None
    for row in range(lay.centres[L - 1].shape[0]):
        r = ParamRef.weight(L, 0, row)
        x0, y0, x1, y1 = edge_line(lay, r)
        for t in (0.5, 0.6, 0.4, 0.7, 0.3):
            p = QPoint(round(x0 + t * (x1 - x0)), round(y0 + t * (y1 - y0)))
            if grab.ref_at(QPointF(p)) == r:
                ref, at = r, p
                break
        if ref is not None:
            break
    if ref is None:
        raise RuntimeError("no edge into the output can be grabbed")
    if sc.probe:
        grab.feature.open_probe((ref,))
        for _ in range(50):
            app.processEvents()
            time.sleep(0.005)

    def send(kind, pos, button, buttons):
        ev = QMouseEvent(
            kind,
            QPointF(pos),
            QPointF(d.mapToGlobal(pos)),
            button,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(d, ev)

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    start = ref.get(w.latest.snapshot.params)  # paused: what the first move starts from
    send(QEvent.Type.MouseButtonPress, at, left, left)
    moves: list[tuple[float, float]] = []  # (time sent, total change)
    shown: list[float] = []  # delay from a move to the frame that showed its value
    state = {"k": 0}
    period = 40  # pixels up, then back down: the value stays in a sane range

    def move() -> None:
        k = state["k"] = state["k"] + 1
        phase = k % (2 * period)
        y = at.y() - (phase if phase < period else 2 * period - phase)
        send(QEvent.Type.MouseMove, QPoint(at.x(), y), none, left)
        moves.append((time.perf_counter(), grab._total))

    seen = [-1]

    def on_frame(frame) -> None:
        now = time.perf_counter()
        value = ref.get(frame.snapshot.params)
        # the newest move whose value this frame shows (each move counted once)
        for i in range(len(moves) - 1, seen[0], -1):
            t, total = moves[i]
            if start + total == value:
                shown.append(now - t)
                seen[0] = i
                break

    w.controller.frameReady.connect(on_frame)
    worker = w.controller.worker
    timing0 = dict(worker.timing)
    frames0 = w.frames_drawn
    cpu0 = time.thread_time()
    timer = QTimer()
    timer.setInterval(every_ms)
    timer.timeout.connect(move)
    timer.start()
    t0 = time.perf_counter()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    elapsed = time.perf_counter() - t0
    timer.stop()
    cpu = time.thread_time() - cpu0
    send(QEvent.Type.MouseButtonRelease, at, left, none)
    w.controller.frameReady.disconnect(on_frame)
    frames = w.frames_drawn - frames0
    timing = dict(worker.timing)
    published = timing["frames"] - timing0["frames"]
    engine = {
        k: 1e3 * (timing[k] - timing0[k]) / published if published else float("nan")
        for k in ("snapshot", "grid")
    }
    edits = w.probe.edits
    result = {
        "fps": frames / elapsed,
        "moves": len(moves),
        "values": edits.applied,
        "shown": len(shown),
        "on_time": sum(x <= FRAME for x in shown) / max(1, len(shown)),
        "p50": 1e3 * statistics.median(shown) if shown else float("nan"),
        "p95": 1e3 * sorted(shown)[int(0.95 * (len(shown) - 1))] if shown else float("nan"),
        "gui_ms": 1e3 * cpu / max(1, frames),
        "engine": engine,
    }
    w.close()
    w.deleteLater()
    app.processEvents()
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--every", type=int, default=8, help="ms between mouse moves")
    ap.add_argument("--size", default="1280x800")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--only", default="", help="run the scenarios whose name contains this")
    a = ap.parse_args(argv)
    size = tuple(int(v) for v in a.size.split("x"))
    print(f"drag: a mouse move every {a.every} ms for {a.seconds:g} s, window {a.size}")
    head = (
        f"{'scenario':<26s} {'frames/s':>8s} {'moves':>6s} {'shown':>6s} {'≤ 33 ms':>8s} "
        f"{'p50 ms':>7s} {'p95 ms':>7s} {'gui ms/fr':>9s} {'engine ms/fr':>14s}"
    )
    print(head)
    for sc in SCENARIOS:
        if a.only and a.only not in sc.name:
            continue
        for _ in range(a.repeat):
            r = run(sc, a.seconds, a.every, size)
            e = r["engine"]
            print(
                f"{sc.name:<26s} {r['fps']:8.1f} {r['moves']:6d} {r['shown']:6d} "
                f"{100 * r['on_time']:7.0f}% {r['p50']:7.1f} {r['p95']:7.1f} "
                f"{r['gui_ms']:9.1f} {e['snapshot']:6.1f}+{e['grid']:.1f} grid",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
