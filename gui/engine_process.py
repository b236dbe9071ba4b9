"""Play at full speed in a process of its own: the engine thread lends the runs to it.

Why a process: the engine thread and the GUI thread share one interpreter lock, so each
frame's Python work on the GUI thread is time the engine cannot step. Measured side by
side in the same window (benchmarks/bench_process.py, 2-8-8-8-1 sigmoid on 500 points, a
2-core machine), the thread kept about 0.55–0.65 of the headless engine's steps at 50–53
frames/s; a process of its own kept all of them, at 58 frames/s.

The design keeps one owner of the runs, the engine thread (gui/worker.py), and one code
path for everything but the steps of Play:

* while Play runs at "max" speed, with no driver, no steps owed, no job and no frame extra
  (a view that runs its own code on the runs every frame keeps them in the thread), and
  no command has come for half a second (a view that sends commands several times a
  second would have them taken back and lent again each time), the worker **lends** the
  group: it pickles it to the process, which steps it and makes the window's frames with
  the same ``FrameBuilder`` over the same view, unit and unit maps;
* each frame goes back pickled, at most ``PUBLISH_HZ`` a second (due on a fixed grid,
  ``pacer.FrameClock``) and only once the window has taken the last one (as the worker's
  own mailbox does: the next frame is made while the window draws); the worker posts it
  to its mailbox, so the window never knows where a frame came from;
* **every command** reaching the worker takes the runs back first (the process sends the
  group as it is after its last whole step), so a command always acts on the newest runs,
  in the thread, exactly as before; the few that only say what a frame shows (the view,
  the hovered unit, the unit maps) are passed on instead, so hovering or zooming while
  training does not stop the steps, and so is a call that only reads the runs and pickles
  (``commands.Call.reads_only``: the inspector's summary while training), answered there;
* the process stops stepping by itself when every run has stopped (the guard) or a step
  raised, and sends the runs back with why;
* if the process dies, the worker goes on from the runs it lent (training goes back to
  the step it lent them at) and says so; it does not start another process.

A run survives the pickle bit for bit (tests/engine/test_session_pickle.py), so where the
steps were taken never changes a number. The points never travel back: a run's dataset is
pickled by reference to the one the worker lent (``persistent_id``), so every snapshot the
window gets holds the window's own dataset object, as it always has.

Set ``BACKPROP_LAB_ENGINE=thread`` in the environment to keep every step in the thread.
"""

from __future__ import annotations

import io
import os
import pickle
import queue
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from backprop_lab.engine.data import Dataset

PUBLISH_HZ = 60.0
CHUNK_SECONDS = 0.002  # steps between looks at the pipe (a command waits at most this)
START_SECONDS = 20.0  # a process that has not said "ready" by then is given up
BACK_SECONDS = 10.0  # the longest the worker waits for the runs to come back
STOP_BACK_SECONDS = 2.0  # … when the window closes
ENV = "BACKPROP_LAB_ENGINE"


def wanted() -> bool:
    """Whether Play at full speed may use the process (``BACKPROP_LAB_ENGINE=thread``: no)."""
    return os.environ.get(ENV, "").strip().lower() not in ("thread", "0", "off", "no")


@dataclass(frozen=True)
class FrameSettings:
    """What the frames show, as the worker's ``FrameBuilder`` has it: passed on at a lend."""

    view: tuple | None
    unit: tuple[int, int] | None
    maps: tuple  # (name, MapRequest) pairs


def _datasets(group) -> list:
    """The runs' datasets, each once, in run order: both sides list the same."""
    out: list = []
    for s in group:
        if not any(s.dataset is d for d in out):
            out.append(s.dataset)
    return out


class _ByReference(pickle.Pickler):
    """Pickles the known datasets as their index in ``known``."""

    def __init__(self, file, known: list):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.known = known

    def persistent_id(self, obj):
        if type(obj) is Dataset:
            for i, d in enumerate(self.known):
                if obj is d:
                    return i
        return None


class _FromReference(pickle.Unpickler):
    def __init__(self, file, known: list):
        super().__init__(file)
        self.known = known

    def persistent_load(self, pid):
        return self.known[int(pid)]


def dumps(obj, known: list) -> bytes:
    buf = io.BytesIO()
    _ByReference(buf, known).dump(obj)
    return buf.getvalue()


def loads(blob: bytes, known: list):
    return _FromReference(io.BytesIO(blob), known).load()


# --- the process -------------------------------------------------------------------------------
def serve(conn) -> None:
    """The process's main: wait for runs, step them, send frames, give them back."""
    outbox: queue.Queue = queue.Queue()

    def sender() -> None:  # a write blocks until the window's side reads: not the steps
        try:
            while (blob := outbox.get()) is not None:
                conn.send_bytes(blob)
        except OSError:  # the window's process has gone
            os._exit(0)

    threading.Thread(target=sender, daemon=True, name="engine-sender").start()
    outbox.put(pickle.dumps(("ready", os.getpid())))
    try:
        while True:
            msg = conn.recv()
            if msg[0] == "quit":
                break
            if msg[0] == "lend":
                if not _run_lent(conn, outbox, *msg[1:]):
                    break
    except (EOFError, OSError):  # the window's process has gone
        pass
    outbox.put(None)


def _run_lent(conn, outbox, blob: bytes, settings: FrameSettings, serial: int) -> bool:
    """Step the lent runs until asked for them (or they stop); False: quit."""
    from backprop_lab.gui.frames import FrameBuilder
    from backprop_lab.gui.pacer import FrameClock

    group = pickle.loads(blob)
    known = _datasets(group)
    timing: dict = {"step": 0.0}
    builder = FrameBuilder(timing=timing)
    _apply(builder, ("view", settings.view))
    _apply(builder, ("unit", settings.unit))
    for name, request in settings.maps:
        builder.set_maps(name, request)
    credit = True  # the window has taken the last frame
    steps = 0
    sent = dict(timing)
    clock = FrameClock(PUBLISH_HZ)
    rate_t0 = 0.0
    rate_steps, rate = 0, 0.0
    n = 1
    why = "asked"
    while True:
        t0 = time.perf_counter()
        try:
            done = group.step(n)
        except Exception as exc:  # noqa: BLE001 - reported by the worker
            why = f"failed: {type(exc).__name__}: {exc}"
            break
        t1 = time.perf_counter()
        timing["step"] += t1 - t0
        # as many steps a chunk as take about CHUNK_SECONDS
        n = max(1, min(4 * n, int(n * CHUNK_SECONDS / max(t1 - t0, 1e-6)))) if done else 1
        steps += done
        rate_steps += done
        if all(s.diverged for s in group):
            why = "stopped"
            break
        end = None  # "back" or "quit", when the window says so
        while end is None and conn.poll():
            msg = conn.recv()
            kind = msg[0]
            if kind == "taken":
                credit = True
            elif kind in ("back", "quit"):
                end = kind
            elif kind == "call":
                outbox.put(_answer(msg, group, known))
            else:
                _apply(builder, msg)
        if end == "quit":
            return False
        if end == "back":
            break
        now = time.perf_counter()
        if credit and clock.due(now):
            if now - rate_t0 >= 0.25:
                rate = rate_steps / (now - rate_t0) if rate_t0 else 0.0
                rate_steps, rate_t0 = 0, now
            serial += 1
            frame = builder.build(group, serial, True, now, rate)
            spent = {k: timing[k] - sent.get(k, 0) for k in timing}
            sent = dict(timing)
            outbox.put(dumps(("frame", frame, steps, spent), known))
            steps, credit = 0, False
            clock.published(now)
    outbox.put(dumps(("back", group, steps, why, serial), known))
    return True


def _answer(msg, group, known: list) -> bytes:
    """A call that only reads (``commands.Call.reads_only``), answered on the runs here."""
    from backprop_lab.engine.jobs import Failure

    _, number, blob, run = msg
    try:
        result = pickle.loads(blob)(group[run])
        return dumps(("reply", number, result), known)
    except Exception as exc:  # noqa: BLE001 - answered, as the engine thread's call would
        return dumps(("reply", number, Failure.of(exc)), known)


def _apply(builder, msg) -> None:
    kind, value = msg[0], msg[1]
    if kind == "view":
        if value is not None:
            builder.set_view(*value)
    elif kind == "unit":
        builder.set_unit(value)
    elif kind == "maps":
        builder.set_maps(value, msg[2])


# --- the worker's handle ----------------------------------------------------------------------
@contextmanager
def _main_not_rerun():
    """``spawn`` runs the parent's main script again in the child (as ``__mp_main__``) so
    that functions defined there can be found. ``serve`` lives here, so nothing of the main
    script is needed, and running it would be harmful: a user's script that opens the
    window without an ``if __name__ == "__main__"`` guard would open another window in the
    process. Without ``__spec__`` and ``__file__`` on ``__main__``, ``spawn`` imports no main."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {k: main.__dict__[k] for k in ("__spec__", "__file__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


class EngineProcess:
    """The engine thread's handle on the process (every method runs in that thread)."""

    def __init__(self) -> None:
        import multiprocessing  # here: launching the window does not pay for it

        ctx = multiprocessing.get_context("spawn")  # never fork a process running Qt's threads
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=serve, args=(child,), daemon=True, name="backprop-lab engine"
        )
        with _main_not_rerun():
            self.proc.start()
        child.close()
        self.started = time.perf_counter()
        self.ready = False
        self.failed: str | None = None  # why the process can no longer be used
        self.lent = None  # the group lent (as it was then), or None
        self.known: list = []
        self.awaiting_take = False  # a frame was posted and not yet taken by the window

    def poll_ready(self) -> bool:
        """Whether the process has started (it says "ready"); gives up after a while."""
        if self.ready or self.failed:
            return self.ready
        try:
            while self.conn.poll():
                msg = pickle.loads(self.conn.recv_bytes())
                if msg[0] == "ready":
                    self.ready = True
        except (EOFError, OSError) as exc:
            self.failed = f"the engine process did not start ({exc})"
        if not self.ready and time.perf_counter() - self.started > START_SECONDS:
            self.failed = "the engine process did not start in time"
        if not self.ready and not self.proc.is_alive() and not self.failed:
            self.failed = f"the engine process ended at start (exit code {self.proc.exitcode})"
        return self.ready

    def lend(self, group, settings: FrameSettings, serial: int) -> None:
        self.known = _datasets(group)
        self.conn.send(("lend", pickle.dumps(group, pickle.HIGHEST_PROTOCOL), settings, serial))
        self.lent = group
        self.awaiting_take = False

    def tell(self, *msg) -> None:
        """A message for the process while runs are lent (what a frame shows, "taken")."""
        try:
            self.conn.send(msg)
        except OSError:
            pass  # a dead process is noticed when its messages stop (``messages``)

    def messages(self) -> list:
        """Every message waiting, decoded; raises ``ProcessLost`` if the process is gone."""
        out = []
        try:
            while self.conn.poll():
                out.append(loads(self.conn.recv_bytes(), self.known))
        except (EOFError, OSError) as exc:
            raise ProcessLost(str(exc) or type(exc).__name__) from exc
        if not out and not self.proc.is_alive():
            raise ProcessLost(f"exit code {self.proc.exitcode}")
        return out

    def ask_back(self, wait: float = BACK_SECONDS) -> list:
        """Ask for the runs and wait for them: every message up to and including the
        "back" one (frames on the way included). Raises ``ProcessLost``."""
        self.tell("back")
        out: list = []
        deadline = time.perf_counter() + wait
        while time.perf_counter() < deadline:
            try:
                if self.conn.poll(0.05):
                    msg = loads(self.conn.recv_bytes(), self.known)
                    out.append(msg)
                    if msg[0] == "back":
                        return out
                elif not self.proc.is_alive():
                    break
            except (EOFError, OSError) as exc:
                raise ProcessLost(str(exc) or type(exc).__name__) from exc
        raise ProcessLost("the runs did not come back in time")

    def close(self, timeout: float = 1.0) -> None:
        try:
            self.conn.send(("quit",))
        except OSError:
            pass
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(timeout)
        self.conn.close()


class ProcessLost(RuntimeError):
    """The engine process has gone (or stopped answering)."""
