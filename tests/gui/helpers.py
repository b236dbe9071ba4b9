"""Helpers the GUI tests share: opening the real window, clicking, asking the engine."""

from __future__ import annotations

from backprop_lab.gui.main_window import MainWindow
from PySide6.QtCore import Qt

LONG = 60_000  # generous bound for waits on the engine thread (never a timing assertion)


def open_window(qtbot, size: tuple[int, int] | None = (1280, 800), **kwargs) -> MainWindow:
    """The real window (the XOR preset unless told otherwise), shown at ``size`` (None:
    its default size), once its first frame has arrived."""
    if "session" not in kwargs:
        kwargs.setdefault("preset", "xor")
    w = MainWindow(**kwargs)
    qtbot.addWidget(w)
    if size is not None:
        w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=LONG)
    return w


def open_and_wait(qtbot, w, path) -> bool:
    """Open a lesson (read and checked off the GUI thread) and wait for the outcome."""
    w.open_lesson(path)
    qtbot.waitUntil(lambda: w.files.last_open_ok is not None, timeout=LONG)
    return w.files.last_open_ok


def step_of(w) -> int:
    return w.latest.snapshot.step


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def engine_value(qtbot, w, fn):
    """Run ``fn(session)`` in the engine thread and wait for its result."""
    box = []
    w.controller.call_in_engine(fn, reply=box.append)
    qtbot.waitUntil(lambda: len(box) == 1, timeout=LONG)
    return box[0]
