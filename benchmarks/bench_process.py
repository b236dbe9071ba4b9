"""Two designs side by side: the engine in a thread of the window's process (the app) and
the engine in a process of its own, each drawing in the same real window.

    python benchmarks/bench_process.py [--seconds 4] [--repeat 2] [--points 500,10000,20000]
                                       [--json]

For each number of points (XOR without noise, 2-8-8-8-1 sigmoid, α = 0.1, B = 16, the lesson
of ``bench_gui.py``), in turns, so that each figure meets the same load:

* **headless**: the session stepped in a loop in this process (the reference);
* **thread**: the window as it is (``bench_gui.windowed``): its engine thread steps at "max"
  and publishes frames, the GUI thread draws them; both share one interpreter lock;
* **process**: the same window with its engine thread idle; a child process (``spawn``)
  opens the same lesson, steps it at full speed and makes the window's frames with the
  window's own ``FrameBuilder`` (over the canvas's view, as the engine thread would), and
  sends each pickled through a pipe when the window has drawn the last one (as the thread
  design's mailbox does). The window draws them through ``frameReady``, the path every
  frame takes. This is a prototype of the design, not the app: only Play is modelled (no
  commands, calls or jobs reach the child), which is what the ratio measures.

Per design: steps/s and its ratio to headless, frames drawn per second, the GUI thread's
CPU per frame, and (process) the child's ms per frame making and pickling a frame and the
bytes a frame weighs. Every timed run is checked to be training (no divergence stop, steps
taken throughout).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import pickle
import queue
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BACKPROP_LAB_NO_PROMPTS", "1")
os.environ.setdefault("BACKPROP_LAB_AUTOSAVE_DIR", tempfile.mkdtemp(prefix="backprop-lab-bench-"))

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_gui  # noqa: E402

NET = "2-8-8-8-1 sigmoid"
PUBLISH_HZ = 60.0
CHUNK = 8  # steps between looks at the pipe (~0.5 ms at B = 16)


# --- the child: the engine in a process of its own ---------------------------------------
def engine_process(conn, lesson: str, view, pixels) -> None:
    """Open the lesson, then step at full speed; send a frame (pickled) at most
    ``PUBLISH_HZ`` times a second, and only when the window has drawn the last one."""
    from backprop_lab.engine.group import RunGroup
    from backprop_lab.engine.scenario import load_scenario, session_from_scenario
    from backprop_lab.gui.frames import FrameBuilder

    session = session_from_scenario(load_scenario(Path(lesson)))
    group = RunGroup.of(session)
    timing: dict = {}
    builder = FrameBuilder(timing=timing)
    builder.set_view(view, pixels)
    outbox: queue.Queue = queue.Queue(maxsize=1)

    def sender() -> None:  # writing to the pipe blocks until the window reads: not here
        while (blob := outbox.get()) is not None:
            conn.send_bytes(blob)

    threading.Thread(target=sender, daemon=True).start()
    conn.send("ready")
    if conn.recv() != "go":
        return
    steps = serial = 0
    credit = True  # the window has drawn the last frame
    make = send = 0.0
    nbytes = 0
    last = rate_t0 = time.perf_counter()
    rate_steps, rate = 0, 0.0
    while True:
        n = group.step(CHUNK)
        steps += n
        rate_steps += n
        if n < CHUNK or session.diverged:
            outbox.put(pickle.dumps(("stopped", steps, str(session.diverged))))
            return
        while conn.poll():
            msg = conn.recv()
            if msg == "drawn":
                credit = True
            elif msg == "stop":
                outbox.put(pickle.dumps(("done", steps, serial, make, send, nbytes)))
                outbox.put(None)
                time.sleep(0.5)
                return
        now = time.perf_counter()
        if credit and now - last >= 1.0 / PUBLISH_HZ:
            if now - rate_t0 >= 0.25:
                rate, rate_steps, rate_t0 = rate_steps / (now - rate_t0), 0, now
            serial += 1
            frame = builder.build(group, serial, True, now, rate)
            t1 = time.perf_counter()
            blob = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
            outbox.put(blob)  # the window has taken the last one: room at once
            t2 = time.perf_counter()
            make += t1 - now
            send += t2 - t1
            nbytes += len(blob)
            credit, last = False, now


# --- the parent: the window ------------------------------------------------------------------
def window_for(points: int, tmp: Path):
    """The real window with the lesson open and its engine idle (``bench_gui``'s set-up)."""
    import pyqtgraph as pg
    from backprop_lab.engine import TrainingSession
    from backprop_lab.engine.scenario import save_scenario, scenario_from_session
    from backprop_lab.gui.main_window import MainWindow
    from PySide6.QtWidgets import QApplication

    sc = bench_gui.Scenario(points, NET, "lesson")
    app = QApplication.instance() or QApplication([])
    pg.setConfigOptions(antialias=False, imageAxisOrder="row-major")
    w = MainWindow(
        session=TrainingSession(
            bench_gui.dataset(200), bench_gui.NETS[NET], bench_gui.hyper(), seed=0
        )
    )
    w.resize(1280, 800)
    w.show()
    for _ in range(20):
        app.processEvents()
    path = tmp / f"lesson-{points}.json"
    save_scenario(path, scenario_from_session(bench_gui.session_for(sc)))
    if not w.open_lesson(path):
        raise RuntimeError(f"could not load {path}")
    worker = w.controller.worker
    bench_gui.wait_for(app, lambda: len(worker.session.dataset) == points, "the lesson")
    for _ in range(30):
        app.processEvents()
        time.sleep(0.01)
    return app, w, path


def process_design(points: int, seconds: float, tmp: Path) -> dict:
    from PySide6.QtCore import QTimer

    app, w, path = window_for(points, tmp)
    view = w.controller.worker.builder.view
    if view is None:
        raise RuntimeError("the canvas sent no view")
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=engine_process, args=(child, str(path), *view), daemon=True)
    proc.start()
    if parent.recv() != "ready":
        raise RuntimeError("the engine process did not start")
    drawn = [0]
    stopped: list[str] = []

    def painted() -> None:  # the window calls this once a frame is on screen
        drawn[0] += 1
        parent.send("drawn")

    w.controller.frame_painted = painted
    w.controller.running = True  # the window draws as while playing (plots in turn)

    mailbox: list = []  # the latest frame, as the engine thread's mailbox
    results: list = []

    def reader() -> None:  # the engine thread's place in this design: it only receives
        while True:
            try:
                obj = pickle.loads(parent.recv_bytes())
            except (EOFError, OSError):
                return
            if isinstance(obj, tuple):
                (results if obj[0] == "done" else stopped).append(obj)
                if obj[0] == "done":
                    return
                continue
            mailbox[:] = [obj]

    threading.Thread(target=reader, daemon=True).start()

    def poll() -> None:
        frame = mailbox.pop() if mailbox else None
        if frame is not None:
            w.controller.latest = frame
            w.controller.frameReady.emit(frame)

    timer = QTimer()
    timer.setInterval(8)
    timer.timeout.connect(poll)
    spans = bench_gui.BusySpans()
    timer.start()
    parent.send("go")
    t0 = time.perf_counter()
    drawn0 = w.frames_drawn
    QTimer.singleShot(int(seconds * 1000), lambda: app.exit(0))
    app.exec()
    elapsed = time.perf_counter() - t0
    timer.stop()
    spans.stop()
    parent.send("stop")
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline and not results and not stopped:
        time.sleep(0.05)
    result = results[0] if results else None
    proc.join(5)
    w.controller.running = False
    w.close()
    w.deleteLater()
    app.processEvents()
    frames = w.frames_drawn - drawn0
    if result is None or result[0] != "done":
        return {"healthy": False, "why": stopped or [str(result)]}
    _, steps, published, make, send, nbytes = result
    return {
        "healthy": not stopped,
        "why": stopped,
        "steps_per_s": steps / elapsed,
        "frames_per_s": frames / elapsed,
        "gui_cpu_ms_per_frame": 1e3 * sum(spans.spans) / frames if frames else math.nan,
        "child_make_ms": 1e3 * make / published if published else math.nan,
        "child_send_ms": 1e3 * send / published if published else math.nan,
        "frame_kb": nbytes / published / 1024 if published else math.nan,
    }


def thread_design(points: int, seconds: float, tmp: Path) -> dict:
    sc = bench_gui.Scenario(points, NET, "lesson")
    out = bench_gui.windowed(sc, seconds, (1280, 800), tmp)
    return {
        k: out[k] for k in ("healthy", "why", "steps_per_s", "frames_per_s", "gui_cpu_ms_per_frame")
    }


def headless(points: int, seconds: float) -> dict:
    out = bench_gui.headless(bench_gui.Scenario(points, NET, "lesson"), seconds)
    return {"steps_per_s": out["steps_per_s"], "healthy": not out["stopped"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--points", default="500,10000,20000")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-process-"))
    sizes = [int(p) for p in args.points.split(",")]
    runs: dict = {}
    for n in sizes:
        runs[n] = {"headless": [], "thread": [], "process": []}
        for i in range(args.repeat):
            order = ("thread", "process") if i % 2 == 0 else ("process", "thread")
            runs[n]["headless"].append(headless(n, args.seconds / 2))
            for design in order:
                fn = thread_design if design == "thread" else process_design
                runs[n][design].append(fn(n, args.seconds, tmp))
            runs[n]["headless"].append(headless(n, args.seconds / 2))
    print(
        f"{NET}, XOR without noise, α={bench_gui.ALPHA}, B=16, {args.seconds:g} s a run, "
        f"{args.repeat} run(s) a design, window 1280x800 (offscreen); medians"
    )
    print(
        f"{'points':>7} {'design':<8} {'steps/s':>8} {'ratio':>6} {'fps':>5} "
        f"{'gui ms/f':>8} {'child make/send ms':>18} {'kB/frame':>8}  healthy"
    )
    for n in sizes:
        ref = statistics.median(r["steps_per_s"] for r in runs[n]["headless"])
        print(f"{n:>7,} {'headless':<8} {ref:>8.0f}")
        for design in ("thread", "process"):
            rs = runs[n][design]

            def med(key, rs=rs):
                vals = [r.get(key, math.nan) for r in rs]
                vals = [v for v in vals if not math.isnan(v)]
                return statistics.median(vals) if vals else math.nan

            sps = med("steps_per_s")
            child = ""
            if design == "process":
                child = f"{med('child_make_ms'):.1f} / {med('child_send_ms'):.2f}"
            healthy = all(r.get("healthy") for r in rs)
            why = "" if healthy else "  " + "; ".join(str(r.get("why")) for r in rs)
            ratios = [r.get("steps_per_s", math.nan) / ref for r in rs]
            kb = med("frame_kb")
            print(
                f"{'':>7} {design:<8} {sps:>8.0f} {sps / ref:>6.2f} {med('frames_per_s'):>5.1f} "
                f"{med('gui_cpu_ms_per_frame'):>8.1f} {child:>18} "
                f"{'' if math.isnan(kb) else f'{kb:.0f}':>8}  "
                f"{'yes' if healthy else 'NO'}{why}   (ratios "
                + ", ".join(f"{x:.2f}" for x in ratios)
                + ")"
            )
    if args.json:
        print(json.dumps(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
