"""``backprop-lab`` / ``python -m backprop_lab.gui``: open the main window, or render frames.

``backprop-lab [options]`` opens the window; ``backprop-lab render LESSON ...`` writes
pictures of a training run without one (gui/render.py); ``backprop-lab rehearse PLAYBOOK``
plays a lecture playbook without one and checks (or ``--write``s) its fingerprints. Every
argument is checked before anything is built: a bad one exits with status 2 and a one-line
message naming it, and no window opens. A ``--screenshot`` or a render that cannot write
exits with status 1.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import socket
import sys
from pathlib import Path

from backprop_lab.engine.contrasts import CONTRASTS
from backprop_lab.engine.datasets import PRESETS
from backprop_lab.engine.group import RunGroup
from backprop_lab.resources import list_lessons

from backprop_lab import __version__

GIL_SWITCH_INTERVAL = 0.001  # seconds
FONT_SCALE_RANGE = (0.6, 3.0)  # what the window can show (gui/presentation.py)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
MAX_FRAMES = 10_000
EXIT_USAGE, EXIT_FAILED = 2, 1
EXIT_INTERRUPTED = 130  # a render stopped by Ctrl+C (the shell's 128 + SIGINT)


class UsageError(ValueError):
    """An argument that cannot work; the message names it."""


class _Help(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default, except where there is none."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def configure_process() -> None:
    """Process-wide settings for a GUI thread beside a busy engine thread.

    The engine thread holds the GIL while it steps; when the GUI thread wants it, CPython
    makes it wait up to the switch interval (5 ms by default) on every hand-off. 1 ms keeps
    GUI work prompt and measured slightly faster training too (benchmarks/bench_gui.py).
    """
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)


def start_collector():
    """Python's cyclic garbage collector in the GUI thread only, on a timer (pyqtgraph's
    ``GarbageCollector``; ``stop_collector`` ends it). Left to itself the collector runs in
    whichever thread happens to allocate; in the engine thread it could destroy a Qt object
    of the GUI thread while that thread deletes another (a deadlock). Call it in the GUI
    thread, with a QApplication."""
    from pyqtgraph.util.garbage_collector import GarbageCollector

    return GarbageCollector(interval=0.5)


def stop_collector(collector) -> None:
    """The timer of ``start_collector`` stopped, and Python's own collector back on."""
    import gc

    collector.timer.stop()
    gc.enable()


# --- Ctrl+C in the terminal -----------------------------------------------------------------
_early_interrupt = {"seen": False}


def _note_interrupt(_signum, _frame) -> None:
    """Ctrl+C before the window is up: noted, and the window closes as soon as it can
    (stopping half-way through building it would leave its engine thread running, which
    aborts the process)."""
    _early_interrupt["seen"] = True


def quit_on_interrupt(window) -> object:
    """Ctrl+C (SIGINT) closes the window as Ctrl+Q does: unsaved work is asked about (or
    handled as ``BACKPROP_LAB_NO_PROMPTS`` says), a save under way is waited for, and
    nothing prints a traceback. While a question or a progress note is open, a Ctrl+C
    leaves it to the user. Returns what keeps the wake-up alive (keep a reference).

    Python runs a signal handler only between bytecodes of the main thread, which may sit
    in Qt's event loop for long; a byte written to a socket by the signal wakes that loop
    (``signal.set_wakeup_fd``) and runs the handler at once."""
    from PySide6.QtCore import QSocketNotifier, QTimer
    from PySide6.QtWidgets import QApplication

    def close_window() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None:  # the question on close, a progress note, a file dialog
            modal.raise_()
            modal.activateWindow()
            print("backprop-lab: the window is waiting for an answer", file=sys.stderr)
            return
        if window.isVisible():
            window.close()

    def on_interrupt(_signum, _frame) -> None:
        QTimer.singleShot(0, close_window)  # never inside whatever code was interrupted

    signal.signal(signal.SIGINT, on_interrupt)
    if _early_interrupt["seen"]:
        QTimer.singleShot(0, close_window)
    try:
        reader, writer = socket.socketpair()
        reader.setblocking(False)
        writer.setblocking(False)
        signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    except (OSError, ValueError):  # no wake-up: the handler runs at the next Python code
        return None
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, window)

    def drain() -> None:
        try:
            reader.recv(512)
        except OSError:
            pass

    notifier.activated.connect(drain)
    return notifier, reader, writer


def stop_interrupt_handling(keep) -> None:
    """After the window: Ctrl+C is ignored while the app shuts down (no traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if keep is not None:
        signal.set_wakeup_fd(-1)
        for sock in keep[1:]:
            sock.close()


# --- argument checks (no Qt) -----------------------------------------------------------------
def check_size(text: str, flag: str = "--size") -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"{flag} must look like 1280x800, got {text!r}") from None
    if not (16 <= w <= 8192 and 16 <= h <= 8192):
        raise UsageError(f"{flag} must be 16..8192 pixels each way, got {w}x{h}")
    return w, h


def check_font_scale(v: float) -> float:
    lo, hi = FONT_SCALE_RANGE
    if not (math.isfinite(v) and lo <= v <= hi):
        raise UsageError(f"--font-scale must be between {lo} and {hi}, got {v:g}")
    return v


def load_lesson_arg(value: str):
    """A built-in lesson name or a lesson file, loaded and validated (a Scenario)."""
    from backprop_lab.engine.lessons import load_lesson
    from backprop_lab.engine.scenario import load_scenario

    if not os.path.exists(value) and value in list_lessons():
        return load_lesson(value)
    if not os.path.exists(value):
        raise UsageError(
            f"lesson {value!r} is neither a file nor a built-in lesson "
            f"({', '.join(list_lessons())})"
        )
    try:
        return load_scenario(value)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot open lesson {value}: {exc}") from None


def check_output_file(path: str, flag: str) -> None:
    p = Path(path)
    if p.suffix.lower() not in IMAGE_SUFFIXES:
        raise UsageError(f"{flag} must end in {', '.join(IMAGE_SUFFIXES)}, got {path!r}")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{flag}: the folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{flag}: the folder {str(folder)!r} is not writable")
    if p.is_dir():
        raise UsageError(f"{flag}: {path!r} is a folder, not a file name")


def check_output_dir(path: str) -> Path:
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UsageError(f"--out: {path!r} exists and is not a folder")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out: cannot create the folder {path!r} ({exc.strerror})") from None
    if not os.access(p, os.W_OK):
        raise UsageError(f"--out: the folder {path!r} is not writable")
    return p


# --- the window ------------------------------------------------------------------------------
def app_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="backprop-lab",
        description="Draw 2-D data, design the layers, train, and watch backprop.",
        epilog="backprop-lab render --help: write pictures of a training run, no window. "
        "backprop-lab rehearse --help: check a lecture playbook, no window.",
        formatter_class=_Help,
    )
    p.add_argument("--version", action="version", version=f"backprop-lab {__version__}")
    p.add_argument("--preset", default="xor", choices=sorted(PRESETS), help="built-in data set")
    p.add_argument(
        "--lesson",
        metavar="FILE|NAME",
        help=f"open a lesson file, or a built-in lesson: {', '.join(list_lessons())}",
    )
    p.add_argument(
        "--font-scale", type=float, help="scale all fonts, 0.6–3 (default: the last used, or 1)"
    )
    p.add_argument("--size", help="window size WxH (default: the last used, or 1280x800)")
    p.add_argument(
        "--screenshot",
        metavar="PATH",
        help="start training, wait --wait seconds, save a picture of the window (PNG, JPEG "
        "or BMP) and exit; `render` takes pictures at given steps instead",
    )
    p.add_argument("--wait", type=float, default=2.0, help="seconds before --screenshot")
    # a lecture playbook (gui/playbook_lecture.py)
    p.add_argument(
        "--playbook",
        metavar="FILE|NAME",
        help="give a lecture playbook: a file, or a built-in one: "
        + ", ".join(_builtin_playbooks()),
    )
    p.add_argument("--scene", type=int, metavar="N", help="start the playbook at scene N")
    p.add_argument("--present", action="store_true", help="start in presentation mode (F5)")
    return p


def _builtin_playbooks() -> list[str]:
    from backprop_lab.engine.playbook import list_playbooks

    return list_playbooks()


def check_playbook_arg(value: str, scene: int | None):
    """The playbook named on the command line, loaded and checked (a Playbook)."""
    from backprop_lab.gui.playbook_lecture import read_playbook

    if not os.path.exists(value) and value not in _builtin_playbooks():
        raise UsageError(
            f"playbook {value!r} is neither a file nor a built-in playbook "
            f"({', '.join(_builtin_playbooks())})"
        )
    try:
        book, _name = read_playbook(value)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot open playbook {value}: {exc}") from None
    if scene is not None and not 1 <= scene <= len(book.scenes):
        raise UsageError(f"--scene must be 1..{len(book.scenes)}, got {scene}")
    return book


def check_app_args(args: argparse.Namespace):
    """Everything the window needs, checked: (width, height, scenario or None)."""
    size = check_size(args.size) if args.size else None
    if args.font_scale is not None:
        check_font_scale(args.font_scale)
    if not (math.isfinite(args.wait) and 0 <= args.wait <= 3600):
        raise UsageError(f"--wait must be 0..3600 seconds, got {args.wait:g}")
    if args.screenshot:
        check_output_file(args.screenshot, "--screenshot")
    scenario = load_lesson_arg(args.lesson) if args.lesson else None
    if args.scene is not None and not args.playbook:
        raise UsageError("--scene needs --playbook")
    if args.playbook:
        if args.lesson:
            raise UsageError("--playbook and --lesson both choose the first run: give one")
        check_playbook_arg(args.playbook, args.scene)
    return size, scenario


def run_app(args: argparse.Namespace, size: tuple[int, int] | None, scenario) -> int:
    import pyqtgraph as pg
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from . import help
    from .main_window import MainWindow

    configure_process()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Backprop Lab")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(help.window_icon())
    app.setDesktopFileName("backprop-lab")  # Wayland matches the window to its .desktop
    pg.setConfigOptions(antialias=False, imageAxisOrder="row-major")
    collector = start_collector()
    window = MainWindow(preset=args.preset, font_scale=args.font_scale or 1.0)
    window.resize(window.default_size())  # 1280×800, or less on a smaller screen
    # remembered only in the app itself: tests and renders never touch the user's settings
    window.remember(font_scale=args.font_scale)  # restores geometry and layout (settings.py)
    if size is not None:
        window.resize(*size)
    else:
        # never larger than the screen (a remembered geometry too); the offscreen platform's
        # "screen" is a fixed 800×800 stand-in, so there a remembered size stays as it was
        window.fit.fit_on_show = app.platformName() not in ("offscreen", "minimal")
    if args.lesson and not window.open_lesson(args.lesson):
        # checked above, so only a file changed since: say so rather than show a banner
        print(f"backprop-lab: cannot open lesson {args.lesson}", file=sys.stderr)
        window.shutdown()
        return EXIT_FAILED
    window.show()
    if args.present:
        window.fit.present(True)
    if args.playbook:  # checked above: opened and given (gui/playbook_lecture.py)
        window.lecture.open(args.playbook, (args.scene or 1) - 1)
    got = (window.width(), window.height())
    if size is not None and got != size:
        print(
            f"backprop-lab: the window needs at least {got[0]}x{got[1]} for its controls; "
            f"asked for {size[0]}x{size[1]}",
            file=sys.stderr,
        )
    if args.screenshot:
        window.autosave.enabled = False  # a scripted run: no autosave, no questions
    else:
        # after a crash, the autosave of the last run is offered back (gui/autosave.py)
        QTimer.singleShot(0, window.autosave.offer_restore)

    wake = quit_on_interrupt(window)
    outcome = {"code": 0}
    if args.screenshot:
        path = args.screenshot

        def shoot() -> None:
            if args.playbook and window.lecture.last_open_ok is None:
                QTimer.singleShot(100, shoot)  # the playbook is still being read
                return
            if window.grab().save(path):
                print(f"saved {path}")
            else:
                print(f"backprop-lab: could not write {path}", file=sys.stderr)
                outcome["code"] = EXIT_FAILED
            window.close()

        if not args.playbook:  # a lecture shows its scene as it starts
            QTimer.singleShot(300, window.play)
        QTimer.singleShot(int(300 + args.wait * 1000), shoot)
    code = app.exec()
    stop_interrupt_handling(wake)
    window.shutdown()
    stop_collector(collector)
    return int(code) or outcome["code"]


# --- render ----------------------------------------------------------------------------------
def render_parser() -> argparse.ArgumentParser:
    from .render import VIEWS

    p = argparse.ArgumentParser(
        prog="backprop-lab render",
        description="Train a lesson headlessly and write numbered PNG frames of one view: "
        "frame-0000.png at step 0, then one every K steps, and one at step N.",
        formatter_class=_Help,
    )
    p.add_argument(
        "lesson",
        metavar="LESSON",
        help="a lesson file or a built-in lesson name (with --beats: a playbook)",
    )
    p.add_argument("--steps", type=int, default=100, metavar="N", help="steps to train")
    p.add_argument("--every", type=int, default=10, metavar="K", help="a frame every K steps")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the frames")
    p.add_argument(
        "--what",
        choices=VIEWS,
        help="the view to draw (default: canvas; compare with --contrast or a lesson that "
        "holds a compare block): compare draws the runs' canvases side by side, each "
        "titled by what differs, beside the shared loss, accuracy and |δ| plots",
    )
    p.add_argument(
        "--contrast",
        metavar="KEY",
        choices=list(CONTRASTS),
        help="compare runs made on the lesson's data and network, trained in lock-step "
        "(the same θ₀ and batches): "
        + "; ".join(f"{k} ({c.title})" for k, c in CONTRASTS.items())
        + ". Replaces a compare block the lesson holds",
    )
    p.add_argument(
        "--overlay",
        action="store_true",
        help="with --what compare: the other runs' boundaries over A's canvas, hatched "
        "where they decide otherwise, instead of the canvases side by side",
    )
    p.add_argument(
        "--size", help="frame size WxH in logical pixels (default: 800x600; 1024x768 with --beats)"
    )
    p.add_argument(
        "--scale", type=float, default=1.0, help="device pixel ratio: the PNGs are size × scale"
    )
    p.add_argument("--font-scale", type=float, default=1.0, help="scale all fonts, 0.6–3")
    p.add_argument("--seed", type=int, help="replace the lesson's seed (fresh parameters)")
    p.add_argument("--gif", action="store_true", help="also write DIR/animation.gif (needs Pillow)")
    p.add_argument("--ms", type=int, default=80, help="milliseconds per GIF frame")
    # a lecture's beats (gui/playbook_render.py)
    p.add_argument(
        "--beats",
        action="store_true",
        help="LESSON is a playbook (a file or a built-in name): write one picture of the "
        "window in presentation mode per beat, scene-SS-beat-BB.png, for slides or a hand-out",
    )
    p.add_argument("--scene", type=int, metavar="N", help="with --beats: scene N only")
    return p


def check_render_args(args: argparse.Namespace):
    from .render import frame_steps

    if args.beats:
        return check_render_beats_args(args)
    if args.scene is not None:
        raise UsageError("--scene needs --beats")
    compare = args.contrast is not None or args.what == "compare"
    if args.what is None:
        args.what = "compare" if compare else "canvas"
    if args.contrast is not None and args.what != "compare":
        raise UsageError(f"--contrast draws a comparison: use --what compare, not {args.what}")
    if args.overlay and args.what != "compare":
        raise UsageError("--overlay needs --what compare")
    args.size = args.size or ("1280x720" if compare else "800x600")
    if args.steps < 0:
        raise UsageError(f"--steps must be ≥ 0, got {args.steps}")
    if args.every < 1:
        raise UsageError(f"--every must be ≥ 1, got {args.every}")
    n = len(frame_steps(args.steps, args.every))
    if n > MAX_FRAMES:
        raise UsageError(f"{n:,} frames requested (at most {MAX_FRAMES:,}): raise --every")
    size = check_size(args.size)
    if not (math.isfinite(args.scale) and 0.25 <= args.scale <= 8):
        raise UsageError(f"--scale must be 0.25..8, got {args.scale:g}")
    check_font_scale(args.font_scale)
    if args.seed is not None and not 0 <= args.seed < 2**63:
        raise UsageError(f"--seed must be 0..2^63−1, got {args.seed}")
    if not 10 <= args.ms <= 10_000:
        raise UsageError(f"--ms must be 10..10000, got {args.ms}")
    if args.gif:
        try:
            import PIL  # noqa: F401
        except ImportError:
            raise UsageError(
                "--gif needs Pillow: pip install 'backprop-lab[anim]' (or pip install Pillow)"
            ) from None
    scenario = load_lesson_arg(args.lesson)
    if compare:
        scenario = check_comparison(args, scenario)
    out = check_output_dir(args.out)
    return size, scenario, out


def check_comparison(args: argparse.Namespace, scenario):
    """``render --what compare``: the group of runs to draw (a RunGroup), from
    ``--contrast`` made on the lesson, or from the lesson's compare block."""
    from backprop_lab.engine.compare_file import group_from_scenario
    from backprop_lab.engine.contrasts import contrast
    from backprop_lab.engine.fileio import LoadError
    from backprop_lab.engine.scenario import session_from_scenario

    if args.contrast is None:
        if getattr(scenario, "compare", None) is None:
            raise UsageError(
                f"--what compare: lesson {args.lesson!r} holds no compare block; "
                f"name a contrast with --contrast ({', '.join(CONTRASTS)})"
            )
        if args.seed is not None:
            raise UsageError("--seed would change run A alone: the compare block fixes every seed")
        try:
            return group_from_scenario(scenario)
        except (LoadError, ValueError) as exc:
            raise UsageError(f"lesson {args.lesson!r}: {exc}") from None
    try:
        session = session_from_scenario(scenario)
        if args.seed is not None:
            session.set_seed(args.seed)
        return contrast(session, args.contrast)
    except (LoadError, ValueError) as exc:
        raise UsageError(f"--contrast {args.contrast} on {args.lesson!r}: {exc}") from None


def check_render_beats_args(args: argparse.Namespace):
    """``render PLAYBOOK --beats``: (size, the playbook, the folder)."""
    size = check_size(args.size or "1024x768")
    if not (math.isfinite(args.scale) and 0.25 <= args.scale <= 8):
        raise UsageError(f"--scale must be 0.25..8, got {args.scale:g}")
    book = check_playbook_arg(args.lesson, args.scene)
    out = check_output_dir(args.out)
    return size, book, out


def run_render_beats(args: argparse.Namespace, size: tuple[int, int], book, out: Path) -> int:
    from . import playbook_render, render

    scenes = None if args.scene is None else (args.scene - 1,)
    try:
        paths = playbook_render.render_beats(book, out, size, args.scale, scenes)
    except (OSError, render.RenderError) as exc:
        print(f"backprop-lab render: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {len(paths)} pictures of beats to {out}")
    return 0


def run_render(args: argparse.Namespace, size: tuple[int, int], scenario, out: Path) -> int:
    from backprop_lab.engine.scenario import session_from_scenario

    if args.beats:
        return run_render_beats(args, size, scenario, out)

    from . import render

    if isinstance(scenario, RunGroup):  # --what compare: the runs are made already
        session = scenario
    else:
        session = session_from_scenario(scenario)
        if args.seed is not None:
            session.set_seed(args.seed)
    try:
        frames = render.render_run(
            session,
            out,
            args.steps,
            args.every,
            args.what,
            size,
            args.scale,
            args.font_scale,
            overlay=args.overlay,
        )
    except (OSError, render.RenderError) as exc:
        print(f"backprop-lab render: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {len(frames)} frames to {out}")
    if args.gif:
        gif = render.write_gif(frames, out / "animation.gif", args.ms)
        print(f"wrote {gif} ({gif.stat().st_size / 1024:.0f} KB)")
    return 0


# --- rehearse --------------------------------------------------------------------------------
def rehearse_parser() -> argparse.ArgumentParser:
    from backprop_lab.engine.playbook import list_playbooks

    p = argparse.ArgumentParser(
        prog="backprop-lab rehearse",
        description="Play every scene of a playbook without a window and compare the state each "
        "beat ends in (step, training loss, a hash of θ) with the fingerprints stored in it. "
        "Exit status 1 lists the scenes that no longer reproduce.",
        formatter_class=_Help,
    )
    p.add_argument(
        "playbook",
        metavar="PLAYBOOK",
        help=f"a playbook file, or a built-in one: {', '.join(list_playbooks())}",
    )
    p.add_argument("--write", action="store_true", help="store the new fingerprints in the file")
    return p


def check_rehearse_args(args: argparse.Namespace):
    """The playbook, loaded and validated."""
    from backprop_lab.engine.playbook import list_playbooks, load_builtin, load_playbook

    value = args.playbook
    if not os.path.exists(value) and value in list_playbooks():
        if args.write:
            raise UsageError(f"--write needs a playbook file; {value!r} is built in")
        return load_builtin(value)
    if not os.path.exists(value):
        raise UsageError(
            f"playbook {value!r} is neither a file nor a built-in playbook "
            f"({', '.join(list_playbooks())})"
        )
    if args.write and not os.access(value, os.W_OK):
        raise UsageError(f"--write: {value!r} is not writable")
    try:
        return load_playbook(value)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot open playbook {value}: {exc}") from None


def run_rehearse(args: argparse.Namespace, book) -> int:
    from backprop_lab.engine import rehearse as r
    from backprop_lab.engine.playbook import save_playbook
    from backprop_lab.engine.player import PlayError

    n = len(book.scenes)
    print(f"rehearsing {book.title!r}: {n} scene{'s' * (n != 1)}", flush=True)
    try:
        fresh = r.rehearse(book)
    except PlayError as exc:
        print(f"backprop-lab rehearse: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.write:
        try:
            save_playbook(args.playbook, r.with_rehearsal(book, fresh))
        except (OSError, ValueError) as exc:
            print(f"backprop-lab rehearse: cannot write {args.playbook}: {exc}", file=sys.stderr)
            return EXIT_FAILED
        print(f"wrote the fingerprints of {sum(map(len, fresh))} beats to {args.playbook}")
        return 0
    checks = r.check(book, fresh)
    for c in checks:
        print(("  " if c.ok else "✗ ") + c.line(n))
    bad = [c.scene + 1 for c in checks if not c.ok and c.rehearsed]
    new = [c.scene + 1 for c in checks if not c.rehearsed]
    if bad:
        if book.rehearsed_with and book.rehearsed_with != r.made_with():
            print(
                f"(the fingerprints were made with {book.rehearsed_with}; this is {r.made_with()})"
            )
        print(f"{len(bad)} of {n} scenes do not reproduce: {', '.join(map(str, bad))}")
    if new:
        print(f"{len(new)} of {n} scenes have no fingerprints (--write stores them)")
    if not bad and not new:
        print("every scene reproduces")
    return EXIT_FAILED if bad or new else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["rehearse"]:
        parser = rehearse_parser()
        args = parser.parse_args(argv[1:])
        try:
            book = check_rehearse_args(args)
        except UsageError as exc:
            parser.exit(EXIT_USAGE, f"backprop-lab rehearse: error: {exc}\n")
        return run_rehearse(args, book)
    if argv[:1] == ["render"]:
        parser = render_parser()
        args = parser.parse_args(argv[1:])
        try:
            size, scenario, out = check_render_args(args)
        except UsageError as exc:
            parser.exit(EXIT_USAGE, f"backprop-lab render: error: {exc}\n")
        try:
            return run_render(args, size, scenario, out)
        except KeyboardInterrupt:
            print("\nbackprop-lab render: interrupted; the frames so far are kept", file=sys.stderr)
            return EXIT_INTERRUPTED
    if threading_main():
        signal.signal(signal.SIGINT, _note_interrupt)  # until the window takes it over
    parser = app_parser()
    args = parser.parse_args(argv)
    try:
        size, scenario = check_app_args(args)
    except UsageError as exc:
        parser.exit(EXIT_USAGE, f"backprop-lab: error: {exc}\n")
    return run_app(args, size, scenario)


def threading_main() -> bool:
    """Signal handlers can be set only from the main thread."""
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":
    sys.exit(main())
