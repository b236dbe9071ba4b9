"""Helpers for the weight-grabbing tests: where an edge is, real mouse gestures on it."""

from __future__ import annotations

from backprop_lab.engine.paramref import ParamRef
from backprop_lab.gui.edge_geometry import edge_line, unit_of
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from .helpers import LONG, engine_value

LEFT = Qt.MouseButton.LeftButton
NO_BUTTON = Qt.MouseButton.NoButton
NO_MODS = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def show_diagram(qtbot, w):
    """The network diagram beside the canvas (key G), laid out, with a frame drawn."""
    if not w.canvas_area.netview.isVisible():
        w.canvas.setFocus()
        QTest.keyClick(w.canvas, Qt.Key.Key_G)
    d = w.canvas_area.netview.diagram
    qtbot.waitUntil(lambda: d.isVisible() and d.layout_now() is not None, timeout=LONG)
    qtbot.waitUntil(lambda: len(d.W) == len(d.widths) - 1, timeout=LONG)
    w.grab()
    return d


def grab_of(w, diagram):
    return next(g for g in w.probe.grabs if g.d is diagram)


def point_on(w, diagram, ref: ParamRef) -> QPoint:
    """A pixel on ``ref``'s edge (or unit) that the grab reads as ``ref``."""
    grab = grab_of(w, diagram)
    lay = diagram.layout_now()
    if ref.kind == "b":
        x, y, _r = unit_of(lay, ref)
        p = QPoint(round(x), round(y))
        assert grab.ref_at(QPointF(p)) == ref
        return p
    x0, y0, x1, y1 = edge_line(lay, ref)
    for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75, 0.35, 0.65):
        p = QPoint(round(x0 + t * (x1 - x0)), round(y0 + t * (y1 - y0)))
        if grab.ref_at(QPointF(p)) == ref:
            return p
    raise AssertionError(f"no pixel of {ref.label} is free of other edges")


def send_mouse(widget, kind, pos: QPoint, button, buttons, mods=NO_MODS) -> None:
    """A mouse event with modifiers (QTest.mouseMove takes none)."""
    ev = QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button, buttons, mods)
    QApplication.sendEvent(widget, ev)


def drag(widget, start: QPoint, dy_up: int, mods=NO_MODS, steps: int = 5) -> None:
    """Press at ``start``, move up ``dy_up`` pixels in ``steps`` moves, release."""
    QTest.mouseMove(widget, start)
    send_mouse(widget, QEvent.Type.MouseButtonPress, start, LEFT, LEFT, mods)
    end = start
    for k in range(1, steps + 1):
        end = start - QPoint(0, round(dy_up * k / steps))
        QTest.qWait(5)
        send_mouse(widget, QEvent.Type.MouseMove, end, NO_BUTTON, LEFT, mods)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, end, LEFT, NO_BUTTON, mods)


def wheel(widget, pos: QPoint, notches: int, mods=NO_MODS) -> None:
    for _ in range(abs(notches)):
        ev = QWheelEvent(
            QPointF(pos),
            QPointF(widget.mapToGlobal(pos)),
            QPoint(0, 0),
            QPoint(0, 120 if notches > 0 else -120),
            NO_BUTTON,
            mods,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(widget, ev)


def value_of(w, ref: ParamRef) -> float:
    return ref.get(w.latest.snapshot.params)


def engine_param(qtbot, w, ref: ParamRef) -> float:
    return engine_value(qtbot, w, lambda s: ref.get(s.params))


def settled(qtbot, w) -> None:
    """Every hand edit sent has been applied and a frame after it has been drawn."""
    e = w.probe.edits
    qtbot.waitUntil(lambda: e.gesture is None and e.sent == e.applied, timeout=LONG)
    step = engine_value(qtbot, w, lambda s: (s.step_count, s.params.flat.copy()))
    qtbot.waitUntil(
        lambda: (
            w.latest.snapshot.step == step[0] and (w.latest.snapshot.params.flat == step[1]).all()
        ),
        timeout=LONG,
    )
    w.grab()
