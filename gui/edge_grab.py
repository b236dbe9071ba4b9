"""Grabbing a weight in a network diagram: hover, drag, wheel, type, right-click.

``EdgeGrab`` is installed on a ``NetworkDiagram`` (the one beside the canvas and the
inspector's) as an event filter, and draws on a transparent ``EdgeOverlay`` laid over it,
so the diagram's own picture, cache and unit hover are untouched.

* Hovering an edge thickens it and shows ``W⁽²⁾₁,₃ = −0.82 · ∂L/∂w = +0.137`` beside it,
  live while training (the slope comes with each frame: gui/probe_figures.py). A unit
  (not an input) stands for its bias b⁽ℓ⁾ᵢ.
* Dragging the edge (or the unit) up raises the value, down lowers it: 0.01 a pixel, a
  tenth of that with Shift, ten times with Ctrl (gui/edge_geometry.py). The wheel on it
  moves it ±0.05 a notch. Each drag, and each run of wheel notches, is one undo step
  (gui/probe_edits.py), and its first change pauses training.
* A double-click asks for a value (``1/2``, ``-0.75``, ``0,5``: engine.edits.parse_value).
* A right-click offers: freeze (training leaves it; a lock is drawn), set to 0, back to
  θ₀, type a value, probe it.
* A click (no drag) chooses the weight for the weight probe; Ctrl+click a second for the
  two-weight map.

The overlay also draws what the diagram does not: a weight of exactly 0 as a dotted line
(so it can be found and grabbed), the weights an exercise locks in grey, a lock on each
frozen weight, and a ring round the weights the probe shows.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from backprop_lab.engine.edits import parse_value
from backprop_lab.engine.group import LETTERS
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.engine.probe import readout
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QLineEdit, QMenu, QWidget

from .arrayview import NEGATIVE_HEX, POSITIVE_HEX
from .diagram import MAX_EDGE_WIDTH, NetworkDiagram
from .edge_geometry import (
    DRAG_THRESHOLD,
    add_move,
    anchor,
    bias_of,
    drawn_mask,
    edge_at,
    edge_line,
    unit_of,
    wheel_change,
)
from .safety import guarded

if TYPE_CHECKING:
    from .probe_host import ProbeHost

LOCKED_HEX = "#B8B8B8"
PROBE_HEX = "#E69F00"  # orange (Okabe–Ito): the weights the probe shows
WHEEL_GESTURE_MS = 900  # wheel notches closer than this are one undo step
MAX_OVERLAY_EDGES = 2000  # zero and locked edges are drawn only for networks this small
HELP_LINE = "drag ↕ to change (Shift fine, Ctrl coarse) · double-click to type · right-click"

M = Qt.KeyboardModifier


class ValueEditor(QLineEdit):
    """A one-line popup at the mouse for typing a value; Enter sets it, Esc leaves."""

    def __init__(self, grab: EdgeGrab, ref: ParamRef, value: float | None):
        super().__init__(grab.d)  # a popup window, owned by the diagram
        self.setWindowFlags(Qt.WindowType.Popup)
        self.grab, self.ref = grab, ref
        self.setObjectName("weightValueEditor")
        self.setPlaceholderText("e.g. -0.75, 0,5 or 1/2")
        if value is not None:
            self.setText(f"{value:.6g}")
        self.selectAll()
        self.setToolTip(f"A new value for {ref.label}: Enter sets it, Esc leaves it")
        self.returnPressed.connect(self._commit)

    def _commit(self) -> None:
        try:
            v = parse_value(self.text())
        except ValueError as exc:
            self.grab.say(f"{self.ref.label}: {exc}")
            self.setStyleSheet("background:#FFE0E0;")
            return
        self.grab.feature.edits.set_value(self.ref, v, f"{self.ref.label} = {self.text().strip()}")
        self.close()

    @guarded
    def keyPressEvent(self, ev) -> None:  # noqa: N802
        if ev.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(ev)


class EdgeOverlay(QWidget):
    """Transparent, over the diagram: what the grab adds to its picture."""

    def __init__(self, grab: EdgeGrab):
        super().__init__(grab.d)
        self.grab = grab
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setObjectName("edgeOverlay")
        self.setGeometry(grab.d.rect())
        self.readout_text = ""  # what the hover box says now (tests read it)

    @guarded
    def paintEvent(self, _ev) -> None:  # noqa: N802
        g = self.grab
        d = g.d
        lay = d.layout_now()
        self.readout_text = ""
        if lay is None or len(d.W) != len(d.widths) - 1 or d.shown_run != 0:
            return  # another run of a comparison: A's locks and rings are not its own
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        wmax = max((float(np.max(np.abs(w), initial=0.0)) for w in d.W), default=0.0) or 1.0
        summary = g.feature.edits.summary()
        small = sum(w.size for w in d.W) <= MAX_OVERLAY_EDGES
        if small:
            self._paint_zero_and_locked(p, lay, wmax, summary)
        if summary is not None:
            for ref in summary.frozen:
                self._paint_lock(p, lay, ref)
        for k, ref in enumerate(g.feature.probe_refs):
            letter = "ab"[k] if len(g.feature.probe_refs) > 1 else ""
            self._paint_ring(p, lay, ref, letter, wmax)
        ref = g.grabbed or g.hover
        if ref is not None:
            self._paint_held(p, lay, ref, wmax)
        p.end()

    def _paint_zero_and_locked(self, p: QPainter, lay, wmax: float, summary) -> None:
        d = self.grab.d
        dotted = QPen(QColor("#9A9A9A"), 1.2, Qt.PenStyle.DotLine)
        for layer, w in enumerate(d.W, 1):
            for i, j in zip(*np.nonzero(w == 0)):
                line = _between(lay, ParamRef.weight(layer, int(i), int(j)))
                if line is not None:
                    p.setPen(dotted)
                    p.drawLine(QPointF(line[0], line[1]), QPointF(line[2], line[3]))
        if summary is None or summary.editable is None:
            return
        for layer, w in enumerate(d.W, 1):
            for i in range(w.shape[0]):
                for j in range(w.shape[1]):
                    ref = ParamRef.weight(layer, i, j)
                    if not summary.is_locked(ref) or w[i, j] == 0:
                        continue
                    line = _between(lay, ref)
                    width = _width(float(w[i, j]), wmax) + 1.5
                    p.setPen(QPen(QColor(LOCKED_HEX), width, Qt.PenStyle.SolidLine))
                    p.drawLine(QPointF(line[0], line[1]), QPointF(line[2], line[3]))
        # an editable bias: its unit gets a ring in the exercise's colour
        for ref in summary.editable:
            unit = unit_of(lay, ref)
            if unit is not None:
                x, y, r = unit
                p.setPen(QPen(QColor(PROBE_HEX), 2.0, Qt.PenStyle.DashLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawEllipse(QPointF(x, y), r + 5, r + 5)

    def _paint_lock(self, p: QPainter, lay, ref: ParamRef) -> None:
        at = anchor(lay, ref)
        if at is None:
            return
        x, y = at
        if ref.kind == "b":
            r = lay.radius[ref.layer]
            x, y = x + r * 0.75, y - r * 0.75
        body = QRectF(x - 5, y - 2, 10, 8)
        p.setPen(QPen(QColor("#222222"), 1.2))
        p.setBrush(QColor("#FFD666"))
        path = QPainterPath()
        path.moveTo(x - 3, y - 2)
        path.arcTo(QRectF(x - 3, y - 7, 6, 8), 180, -180)
        p.drawPath(path)
        p.drawRoundedRect(body, 1.5, 1.5)

    def _paint_ring(self, p: QPainter, lay, ref: ParamRef, letter: str, wmax: float) -> None:
        line = _between(lay, ref)
        if line is not None:
            a, b = QPointF(line[0], line[1]), QPointF(line[2], line[3])
            value = self.grab.feature.value(ref) or 0.0
            width = _width(value, wmax)
            round_cap = Qt.PenCapStyle.RoundCap
            p.setPen(QPen(QColor(PROBE_HEX), width + 6.0, Qt.PenStyle.SolidLine, round_cap))
            p.drawLine(a, b)
            c = QColor(POSITIVE_HEX if value > 0 else NEGATIVE_HEX if value < 0 else "#FFFFFF")
            p.setPen(QPen(c, width, Qt.PenStyle.SolidLine, round_cap))
            p.drawLine(a, b)
        unit = unit_of(lay, ref)
        if unit is not None:
            p.setPen(QPen(QColor(PROBE_HEX), 3.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(QPointF(unit[0], unit[1]), unit[2] + 6, unit[2] + 6)
        if letter:
            at = anchor(lay, ref)
            if at is not None:
                f = QFont(self.font())
                f.setBold(True)
                p.setFont(f)
                p.setPen(QColor("#7A4F00"))
                p.drawText(QPointF(at[0] + 6, at[1] + 14), letter)

    def _paint_held(self, p: QPainter, lay, ref: ParamRef, wmax: float) -> None:
        g = self.grab
        value = g.feature.value(ref)
        line = _between(lay, ref)
        if line is not None and value is not None:
            c = QColor(POSITIVE_HEX if value > 0 else NEGATIVE_HEX if value < 0 else "#777777")
            width = _width(value, wmax) + 5.0
            p.setPen(
                QPen(QColor("#111111"), width + 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            )
            p.drawLine(QPointF(line[0], line[1]), QPointF(line[2], line[3]))
            p.setPen(QPen(c, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawLine(QPointF(line[0], line[1]), QPointF(line[2], line[3]))
        unit = unit_of(lay, ref)
        if unit is not None:
            p.setPen(QPen(QColor("#111111"), 3.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(QPointF(unit[0], unit[1]), unit[2] + 3, unit[2] + 3)
        text = g.readout(ref)
        self.readout_text = text
        lines = [text]
        if QFontMetrics(self._bold()).horizontalAdvance(text) + 14 > self.width():
            lines = text.split(" · ")  # a narrow diagram: the value over the slope
        if g.grabbed is None:
            lines.append(HELP_LINE)
        self._paint_box(p, lay, ref, lines)

    def _bold(self) -> QFont:
        f = QFont(self.font())
        f.setBold(True)
        return f

    def _paint_box(self, p: QPainter, lay, ref: ParamRef, lines: list[str]) -> None:
        at = anchor(lay, ref)
        if at is None:
            return
        bold = self._bold()
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.85))
        fonts = [small if t == HELP_LINE else bold for t in lines]
        metrics = [QFontMetrics(f) for f in fonts]
        # the help line only if it fits the diagram's width
        if lines[-1] == HELP_LINE and metrics[-1].horizontalAdvance(HELP_LINE) + 14 > self.width():
            lines, fonts, metrics = lines[:-1], fonts[:-1], metrics[:-1]
        w = max(m.horizontalAdvance(t) for m, t in zip(metrics, lines)) + 14
        h = sum(m.height() for m in metrics) + 8 + 2 * (len(lines) - 1)
        x, y = at
        if ref.kind == "b":
            y -= lay.radius[ref.layer] + 8 + h  # above the unit: its picture is beside it
        else:
            y -= h + 12
        x = min(max(2.0, x - w / 2), self.width() - w - 2.0)
        y = min(max(2.0, y), self.height() - h - 2.0)
        p.setPen(QPen(QColor("#333333"), 1))
        p.setBrush(QColor(255, 255, 255, 235))
        p.drawRoundedRect(QRectF(x, y, w, h), 4, 4)
        ty = y + 4
        for f, m, t in zip(fonts, metrics, lines):
            p.setFont(f)
            p.setPen(QColor("#111111") if f is bold else QColor("#555555"))
            p.drawText(QPointF(x + 7, ty + m.ascent()), t)
            ty += m.height() + 2


def _between(lay, ref: ParamRef) -> tuple[float, float, float, float] | None:
    """A weight's edge from the rim of one unit to the rim of the other: what the
    overlay draws never covers a unit's picture."""
    line = edge_line(lay, ref)
    if line is None:
        return None
    x0, y0, x1, y1 = line
    length = math.hypot(x1 - x0, y1 - y0)
    r0, r1 = lay.radius[ref.layer - 1] + 1.0, lay.radius[ref.layer] + 1.0
    if length <= r0 + r1:
        return line
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    return (x0 + r0 * ux, y0 + r0 * uy, x1 - r1 * ux, y1 - r1 * uy)


def _width(value: float, wmax: float) -> float:
    return float(np.clip(abs(value) / wmax * MAX_EDGE_WIDTH, 0.8, MAX_EDGE_WIDTH))


class EdgeGrab(QObject):
    """The hand on one diagram. ``feature`` (gui/probe_window.ProbeFeature) holds what
    the window shares: the edits, the latest figures, the probe's weights."""

    hoverChanged = Signal(object)  # ParamRef | None

    def __init__(self, diagram: NetworkDiagram, feature: ProbeHost):
        super().__init__(diagram)
        self.d = diagram
        self.feature = feature
        self.hover: ParamRef | None = None
        self.grabbed: ParamRef | None = None  # being dragged
        self._press: tuple[ParamRef, QPointF, bool] | None = None
        self._last_y = 0.0
        self._total = 0.0
        self._wheel_ref: ParamRef | None = None
        self._wheel_total = 0.0
        self._wheel_timer = QTimer(self)
        self._wheel_timer.setSingleShot(True)
        self._wheel_timer.setInterval(WHEEL_GESTURE_MS)
        self._wheel_timer.timeout.connect(self._end_wheel)
        self.overlay = EdgeOverlay(self)
        self.menu: QMenu | None = None
        self.editor: ValueEditor | None = None
        diagram.installEventFilter(self)

    # --- reading ------------------------------------------------------------------------
    def ref_at(self, pos: QPointF) -> ParamRef | None:
        d = self.d
        lay = d.layout_now()
        if lay is None or len(d.W) != len(d.widths) - 1:
            return None
        unit = d.unit_at(pos)
        if unit is not None:
            return bias_of(unit)
        return edge_at(lay, d.W, pos.x(), pos.y())

    def readout(self, ref: ParamRef) -> str:
        f = self.feature
        value = f.value(ref)
        if value is None:
            return ref.label
        slope = f.slope(ref)
        if slope is None or not math.isfinite(slope):
            d = "∂L/∂b" if ref.kind == "b" else "∂L/∂w"
            text = readout(ref, value, 0.0).split(" · ")[0] + f" · {d} = …"
        else:
            text = readout(ref, value, slope)
        if f.edits.is_locked(ref):
            text += "  (locked)"
        elif f.edits.is_frozen(ref):
            text += "  (frozen)"
        return text

    def say(self, text: str) -> None:
        self.feature.say(text)

    # --- events --------------------------------------------------------------------------
    @guarded(default=False)
    def eventFilter(self, obj, ev) -> bool:  # noqa: N802
        if obj is not self.d:
            return False
        t = ev.type()
        if t == QEvent.Type.Resize:
            self.overlay.setGeometry(self.d.rect())
            return False
        if self.d.shown_run != 0:
            return self._refuse_other_run(ev)
        if t == QEvent.Type.MouseMove:
            return self._move(ev)
        if t == QEvent.Type.MouseButtonPress:
            return self._pressed(ev)
        if t == QEvent.Type.MouseButtonRelease:
            return self._released(ev)
        if t == QEvent.Type.MouseButtonDblClick:
            return self._double_click(ev)
        if t == QEvent.Type.Wheel:
            return self._wheel(ev)
        if t == QEvent.Type.ContextMenu:
            return self._context_menu(ev)
        if t == QEvent.Type.Leave:
            if self.grabbed is None:
                self._set_hover(None)
            self._end_wheel()
        return False

    def _refuse_other_run(self, ev) -> bool:
        """The diagram draws another run of a comparison than A: hand edits (and the
        probe) act on run A only, so a press, a double-click or the wheel on a weight
        says so and changes nothing; hovering shows no weight's readout."""
        t = ev.type()
        self._press = None
        if self.grabbed is not None:
            # the diagram turned to another run in the middle of a drag (Ctrl+Tab, the
            # focus given to a new copy): the drag ends where it got to, one undo step
            self.grabbed = None
            self.feature.edits.end()
            self.overlay.update()
        self._end_wheel()
        self._set_hover(None)
        asks = {
            QEvent.Type.MouseButtonPress: lambda: ev.position(),
            QEvent.Type.MouseButtonDblClick: lambda: ev.position(),
            QEvent.Type.Wheel: lambda: ev.position(),
            QEvent.Type.ContextMenu: lambda: QPointF(ev.pos()),
        }
        where = asks.get(t)
        if where is None or self.ref_at(where()) is None:
            return False
        letter = LETTERS[self.d.shown_run] if self.d.shown_run < len(LETTERS) else "?"
        self.say(
            f"The diagram shows run {letter}: weights are changed by hand on run A only "
            "(Ctrl+Tab to A). Nothing changed."
        )
        return True

    def _set_hover(self, ref: ParamRef | None) -> None:
        if ref != self.hover:
            self.hover = ref
            self.overlay.update()
            self.hoverChanged.emit(ref)

    def _move(self, ev) -> bool:
        pos = ev.position()
        if self._press is not None:
            ref, at, _ctrl = self._press
            if self.grabbed is None:
                moved = pos - at
                if max(abs(moved.x()), abs(moved.y())) < DRAG_THRESHOLD:
                    return True
                if not self.feature.edits.begin((ref,), f"drag {ref.label}"):
                    self._press = None
                    return True
                self.grabbed = ref
                self._last_y, self._total = at.y(), 0.0
                if ref not in self.feature.probe_refs:
                    self.feature.pick(ref, quiet=True)  # the probe follows the hand
                self.hoverChanged.emit(ref)
            mods = ev.modifiers()
            up = self._last_y - pos.y()
            self._last_y = pos.y()
            self._total = add_move(
                self._total, up, bool(mods & M.ShiftModifier), bool(mods & M.ControlModifier)
            )
            self.feature.edits.move((self._total,))
            self.overlay.update()
            return True
        if ev.buttons() != Qt.MouseButton.NoButton:
            return False
        ref = self.ref_at(pos)
        if ref != self._wheel_ref:
            self._end_wheel()
        self._set_hover(ref)
        return False  # the diagram still tracks the hovered unit

    def _pressed(self, ev) -> bool:
        if ev.button() == Qt.MouseButton.RightButton:
            # the menu opens on the press on every platform (X11 sends its context-menu
            # event after the press, Windows after the release: those are taken below)
            ref = self.ref_at(ev.position())
            if ref is None:
                return False
            self.open_menu(ref, ev.globalPosition().toPoint())
            return True
        if ev.button() != Qt.MouseButton.LeftButton:
            return False
        self._end_wheel()
        ref = self.ref_at(ev.position())
        if ref is None:
            return False
        ctrl = bool(ev.modifiers() & M.ControlModifier)
        self._press = (ref, QPointF(ev.position()), ctrl)
        return True

    def _released(self, ev) -> bool:
        if ev.button() != Qt.MouseButton.LeftButton or self._press is None:
            return False
        ref, _at, ctrl = self._press
        self._press = None
        if self.grabbed is not None:
            self.grabbed = None
            self.feature.edits.end()
            self.hover = self.ref_at(ev.position())
            self.hoverChanged.emit(self.hover)
            self.overlay.update()
        else:
            self.feature.pick(ref, ctrl)
            if ref.kind == "b" and not ctrl:
                # a click on a unit is also the diagram's own click (the hidden space
                # takes the units clicked as its axes)
                self.d.unitClicked.emit((ref.layer, ref.row))
        return True

    def _double_click(self, ev) -> bool:
        ref = self.ref_at(ev.position())
        if ref is None:
            return False
        self._press = None
        self.open_editor(ref, ev.globalPosition().toPoint())
        return True

    def open_editor(self, ref: ParamRef, where: QPoint) -> ValueEditor | None:
        if self.feature.edits.is_locked(ref):
            self.say(self.feature.edits.locked_text(ref))
            return None
        if self.editor is not None:
            self.editor.close()
            self.editor.deleteLater()
        self.editor = ValueEditor(self, ref, self.feature.value(ref))
        self.editor.setFont(self.d.font())
        self.editor.adjustSize()
        self.editor.resize(max(160, self.editor.width()), self.editor.height())
        self.editor.move(where)
        self.editor.show()
        self.editor.setFocus()
        return self.editor

    def _wheel(self, ev) -> bool:
        ref = self.ref_at(ev.position())
        if ref is None:
            self._end_wheel()
            return False
        change = wheel_change(ev.angleDelta().y(), bool(ev.modifiers() & M.ShiftModifier))
        if change == 0:
            return True
        edits = self.feature.edits
        if ref != self._wheel_ref or not edits.dragging:
            self._end_wheel()
            if not edits.begin((ref,), f"wheel {ref.label}"):
                return True
            self._wheel_ref, self._wheel_total = ref, 0.0
        self._wheel_total = round(self._wheel_total + change, 6)
        edits.move((self._wheel_total,))
        self._wheel_timer.start()
        self._set_hover(ref)
        self.overlay.update()
        return True

    def _end_wheel(self) -> None:
        if self._wheel_ref is not None:
            self._wheel_ref = None
            self._wheel_timer.stop()
            self.feature.edits.end()

    def _context_menu(self, ev) -> bool:
        ref = self.ref_at(QPointF(ev.pos()))
        if ref is None:
            return False
        if ev.reason() == ev.Reason.Keyboard:  # the menu key: a mouse press opened none
            self.open_menu(ref, ev.globalPos())
        return True

    def open_menu(self, ref: ParamRef, where: QPoint) -> QMenu:
        self._end_wheel()
        if self.menu is not None:
            self.menu.close()
            self.menu.deleteLater()
        self.menu = self.make_menu(ref, where)
        self.menu.popup(where)
        return self.menu

    def make_menu(self, ref: ParamRef, where: QPoint) -> QMenu:
        f = self.feature
        edits = f.edits
        menu = QMenu(self.d)
        menu.setObjectName("weightMenu")
        title = menu.addAction(self.readout(ref))
        title.setEnabled(False)
        menu.addSeparator()
        locked = edits.is_locked(ref)
        if edits.is_frozen(ref):
            a = menu.addAction("Unfreeze: training moves it again")
            a.triggered.connect(lambda: edits.set_frozen(ref, False))
        else:
            a = menu.addAction("Freeze: training leaves it as it is")
            a.triggered.connect(lambda: edits.set_frozen(ref, True))
        a.setEnabled(not locked)
        zero = menu.addAction("Set to 0")
        zero.triggered.connect(lambda: edits.set_value(ref, 0.0, f"{ref.label} = 0"))
        init = menu.addAction("Back to θ₀ (its value where the run began)")
        init.triggered.connect(lambda: edits.reset_initial(ref))
        typed = menu.addAction("Type a value… (double-click)")
        typed.triggered.connect(lambda: self.open_editor(ref, where))
        for x in (zero, init, typed):
            x.setEnabled(not locked)
        if locked:
            note = menu.addAction("locked in this exercise")
            note.setEnabled(False)
        menu.addSeparator()
        probe = menu.addAction("Probe L along it (W)")
        probe.triggered.connect(lambda: f.open_probe((ref,)))
        first = f.probe_refs[0] if f.probe_refs else None
        if first is not None and first != ref:
            two = menu.addAction(f"Map L over it and {first.label} (Ctrl+click)")
            two.triggered.connect(lambda: f.open_probe((first, ref)))
        return menu


__all__ = ["EdgeGrab", "EdgeOverlay", "ValueEditor", "drawn_mask"]
