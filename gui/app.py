"""``backprop-lab`` / ``python -m backprop_lab.gui``: open the main window on a preset."""

from __future__ import annotations

import argparse
import sys

from backprop_lab.engine.datasets import PRESETS
from backprop_lab.resources import list_lessons

GIL_SWITCH_INTERVAL = 0.001  # seconds


def configure_process() -> None:
    """Process-wide settings for a GUI thread beside a busy engine thread.

    The engine thread holds the GIL while it steps; when the GUI thread wants it, CPython
    makes it wait up to the switch interval (5 ms by default) on every hand-off. 1 ms keeps
    GUI work prompt and measured slightly faster training too (benchmarks/bench_gui.py).
    """
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="backprop-lab",
        description="Draw 2-D data, design the layers, train, and watch backprop.",
    )
    p.add_argument("--preset", default="xor", choices=sorted(PRESETS), help="built-in data set")
    p.add_argument(
        "--lesson",
        metavar="FILE|NAME",
        help=f"open a lesson file, or a built-in lesson: {', '.join(list_lessons())}",
    )
    p.add_argument("--font-scale", type=float, default=1.0, help="scale all fonts (e.g. 1.5)")
    p.add_argument("--size", default="1280x800", help="window size WxH (default 1280x800)")
    p.add_argument(
        "--screenshot",
        metavar="PATH",
        help="start training, wait about 2 s, save a picture of the window and exit",
    )
    p.add_argument("--wait", type=float, default=2.0, help="seconds before --screenshot")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"--size must look like 1280x800, got {args.size!r}", file=sys.stderr)
        return 2

    import pyqtgraph as pg
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    configure_process()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Backprop Lab")
    pg.setConfigOptions(antialias=False, imageAxisOrder="row-major")
    window = MainWindow(preset=args.preset, font_scale=args.font_scale)
    window.resize(w, h)
    if args.lesson:
        window.open_lesson(args.lesson)
    window.show()
    # after a crash, the autosave of the last run is offered back (gui/autosave.py)
    QTimer.singleShot(0, window.autosave.offer_restore)

    if args.screenshot:
        path = args.screenshot

        def shoot() -> None:
            window.grab().save(path)
            print(f"saved {path}")
            window.close()

        QTimer.singleShot(300, window.play)
        QTimer.singleShot(int(300 + args.wait * 1000), shoot)
    code = app.exec()
    window.shutdown()
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
