"""The safety net: no exception escapes a Qt virtual, a stray one reaches the banner.

On the Python 3.11 / PySide6 6.11 we ship, an exception raised inside a Qt virtual
(``paintEvent``, an event handler, a pyqtgraph item's ``paint``) can kill the process.
Three layers keep it alive and tell the user:

* ``guarded`` wraps our own overrides: an exception is logged and reported, and the
  override returns a harmless default instead of raising into Qt;
* ``install()`` wraps ``paint`` of every pyqtgraph graphics item class the same way, since
  a bad value fed to an item surfaces only when Qt paints it;
* ``install()`` also routes ``sys.excepthook`` (exceptions in slots and lambdas connected to
  signals) and ``threading.excepthook`` (background threads) to the reporter, and then to
  the previous hook, so nothing is silently swallowed (pytest-qt still sees it in tests).

``reporter()`` is one QObject whose ``errorReported(str)`` signal each window connects to
its banner with a queued connection: the banner is never shown from inside a paint.
"""

from __future__ import annotations

import functools
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger("backprop_lab")

F = TypeVar("F", bound=Callable[..., Any])


class Reporter(QObject):
    """Carries a short description of a caught exception to whoever shows it."""

    errorReported = Signal(str)


_reporter: Reporter | None = None
# every exception the net caught, as its banner line: the tests fail on any they did not
# expect (tests/conftest.py), so the net never hides a bug from them
caught: list[str] = []
MAX_CAUGHT = 100
_installed = False
_reporting = threading.local()


def reporter() -> Reporter:
    global _reporter
    if _reporter is None:
        _reporter = Reporter()
    return _reporter


def describe(exc: BaseException, where: str = "") -> str:
    """One line for the banner: where it happened, the type and the message."""
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return f"{where}: {text}" if where else text


def report(exc: BaseException, where: str = "") -> None:
    """Log ``exc`` with its traceback and send one line to the banner. Never raises."""
    if getattr(_reporting, "busy", False):  # a failure while reporting: do not loop
        return
    _reporting.busy = True
    try:
        log.error(
            "caught in %s:\n%s",
            where or "Qt",
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        )
        line = describe(exc, where)
        if len(caught) < MAX_CAUGHT:
            caught.append(line)
        reporter().errorReported.emit(line)
    except Exception:  # noqa: BLE001 - the reporter itself must never raise into Qt
        pass
    finally:
        _reporting.busy = False


def guarded(fn: F | None = None, *, default: Any = None) -> Any:
    """Decorator for a Qt override: an exception is reported and ``default`` returned.

    ``@guarded`` for handlers that return nothing, ``@guarded(default=False)`` for
    ``event``/``eventFilter``, which must return a bool."""

    def wrap(f: F) -> F:
        where = f.__qualname__

        @functools.wraps(f)
        def safe(*args, **kwargs):
            try:
                return f(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - raising into Qt would kill the process
                report(exc, where)
                return default

        safe.__guarded__ = True  # type: ignore[attr-defined]
        return safe  # type: ignore[return-value]

    return wrap(fn) if fn is not None else wrap


def _guard_pyqtgraph_paint() -> int:
    """Wrap ``paint`` of every pyqtgraph item class that defines one; returns how many."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QGraphicsItem

    seen: set[type] = set()
    stack = [c for c in vars(pg).values() if isinstance(c, type)]
    n = 0
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        stack.extend(cls.__subclasses__())
        if not (cls.__module__.startswith("pyqtgraph") and issubclass(cls, QGraphicsItem)):
            continue
        paint = cls.__dict__.get("paint")
        if paint is not None and not getattr(paint, "__guarded__", False):
            cls.paint = guarded(paint)
            n += 1
    return n


def _sys_hook(previous):
    def hook(etype, exc, tb):
        if issubclass(etype, Exception):
            report(exc.with_traceback(tb) if exc is not None else etype(), "a slot")
        previous(etype, exc, tb)

    hook.__backprop_lab__ = True
    return hook


def _thread_hook(previous):
    def hook(args):
        if args.exc_value is not None and isinstance(args.exc_value, Exception):
            name = args.thread.name if args.thread is not None else "a thread"
            report(args.exc_value, f"background thread {name}")
        previous(args)

    hook.__backprop_lab__ = True
    return hook


def install() -> None:
    """Idempotent: guard pyqtgraph's paint once; (re)route the exception hooks if another
    hook (pytest-qt's, in tests) replaced ours."""
    global _installed
    if not _installed:
        _guard_pyqtgraph_paint()
        _installed = True
    if not getattr(sys.excepthook, "__backprop_lab__", False):
        sys.excepthook = _sys_hook(sys.excepthook)
    if not getattr(threading.excepthook, "__backprop_lab__", False):
        threading.excepthook = _thread_hook(threading.excepthook)
