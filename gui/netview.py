"""The network diagram beside the canvas, as TensorFlow Playground shows it.

Every unit draws its own map over the plane (hidden units h_j^(ℓ), the output as the
decision regions), refreshed with each frame while the pane is visible; weights are the
edges. Hovering a hidden unit shows its map large on the canvas: the pane emits
``unitHovered((ℓ, j))`` and the window asks the engine thread to draw that unit on the
canvas grid (``commands.SetGridUnit``); leaving the unit brings the output back.

The thumbnails (engine/unit_grid.py: a small grid over the square that holds the
canvas's view) come with each frame while the pane is shown: ``attach`` asks the engine
thread for them (``SetUnitMaps``) when the pane shows and stops them when it hides, so a
hidden pane costs nothing.
"""

from __future__ import annotations

from backprop_lab.engine.notation import sub, sup
from backprop_lab.engine.unit_grid import square_around
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from .arrayview import NEGATIVE_HEX, POSITIVE_HEX
from .diagram import DiagramLayout, NetworkDiagram, show_run
from .safety import guarded
from .unit_key import unit_key_html

MAPS = "netview"  # its unit maps in a frame


class LiveDiagram(NetworkDiagram):
    """The inspector's diagram, reporting the hovered hidden unit instead of drawing an
    enlarged copy inside itself (the canvas shows it)."""

    unitHovered = Signal(object)  # (ℓ, j) of a hidden unit, j 0-based; None when none

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # beside the canvas, the panels and the plots on a 1024-pixel screen (and no taller
        # at its smallest with the key of the unit maps under it than the canvas is)
        self.setMinimumSize(150, 160)
        self._reported: tuple[int, int] | None = None

    def hidden_unit(self, unit: tuple[int, int] | None) -> tuple[int, int] | None:
        if unit is None:
            return None
        layer = unit[0]
        return unit if 1 <= layer < len(self.widths) - 1 else None

    @guarded
    def mouseMoveEvent(self, ev) -> None:  # noqa: N802
        super().mouseMoveEvent(ev)
        self._report(self.hidden_unit(self.hover))

    @guarded
    def leaveEvent(self, ev) -> None:  # noqa: N802
        super().leaveEvent(ev)
        self._report(None)

    def _report(self, unit: tuple[int, int] | None) -> None:
        if unit != self._reported:
            self._reported = unit
            self.unitHovered.emit(unit)

    def _paint_legend(self, p: QPainter) -> None:
        pass  # the pane's label says it in fewer pixels

    def margins(self) -> tuple[float, float]:
        """Two lines of layer names above; below, two for the hovered unit's formula."""
        fm = QFontMetrics(self.font())
        return 2.0 * fm.height() + 16.0, 2.0 * fm.height() + 14.0

    def _paint_labels(self, p: QPainter, lay: DiagramLayout) -> None:
        """Over each layer its name (h⁽ℓ⁾) and, below, 'tanh · 16' or as much of it as
        fits between the columns (the pane is narrow; names must not run together)."""
        bold = QFont(self.font())
        bold.setBold(True)
        fm, sm = QFontMetrics(bold), QFontMetrics(self.font())
        xs = [float(c[0, 0]) for c in lay.centres]
        gap = min((b - a for a, b in zip(xs, xs[1:])), default=float(self.width())) - 6
        L = len(self.widths) - 1
        for layer, cx in enumerate(xs):
            if layer == 0:
                name, what = "x", "input"
            elif layer == L:
                name, what = f"h{sup(L)}", "softmax" if self.head == "categorical" else "out"
            else:
                name, what = f"h{sup(layer)}", self.activations[layer - 1]
            for text in (f"{what} · {self.widths[layer]}", what, str(self.widths[layer])):
                if sm.horizontalAdvance(text) <= gap:
                    break
            if fm.horizontalAdvance(name) > gap:  # many layers in a narrow pane: ℓ alone
                name = str(layer)
            lines = (
                (bold, fm, name, 4 + fm.ascent()),
                (self.font(), sm, text, 8 + fm.height() + sm.ascent()),
            )
            for font, metrics, line, y in lines:
                p.setFont(font)
                p.setPen(QColor("#222222") if font is bold else QColor("#555555"))
                w = metrics.horizontalAdvance(line)
                x = min(max(2.0, cx - w / 2), self.width() - w - 2.0)
                p.drawText(QPointF(x, y), line)

    def _paint_hover(self, p: QPainter, lay: DiagramLayout, layer: int, unit: int) -> None:
        x, y = lay.centres[layer][unit].tolist()
        r = lay.radius[layer] + 4
        p.setPen(QPen(QColor("#000000"), 3.0))
        p.setBrush(QColor(0, 0, 0, 0))
        p.drawRect(QRectF(x - r, y - r, 2 * r, 2 * r))
        p.setPen(QColor("#111111"))
        # what its map plots (h = f(z), then z), or an input's name
        lines = self.formula(layer, unit) or (self.unit_name(layer, unit),)
        fm = QFontMetrics(self.font())
        for row, line in enumerate(reversed(lines)):
            p.drawText(QPointF(4, self.height() - 8 - row * fm.height()), line)


class NetView(QWidget):
    """The diagram and a one-line key, for the canvas column."""

    unitHovered = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("networkView")
        self.diagram = LiveDiagram()
        self.diagram.unitHovered.connect(self._on_unit_hovered)
        # in a comparison: which run the diagram draws ("B · ReLU"), in the run's colour
        self.title = QLabel("")
        self.title.setObjectName("networkViewTitle")
        self.title.setWordWrap(True)
        self.title.hide()
        self.key = QLabel(self.key_html(("tanh",), 2))
        self.key.setWordWrap(True)
        self._key_for: tuple | None = None
        self.run = 0  # the run drawn (a comparison's focused run)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.title)
        lay.addWidget(self.diagram, 1)
        lay.addWidget(self.key)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._controller = None
        self._shown_maps = None  # the frame's unit maps drawn last
        self._pending = None  # a frame that came while hidden
        self.frames_drawn = 0  # frames drawn with their unit maps

    def attach(self, controller) -> None:
        """Draw the controller's frames; ask its engine thread for the unit maps while
        the pane is shown."""
        self._controller = controller
        controller.frameReady.connect(self.show_frame)
        if self.isVisible():
            self._want_maps(True)

    def _want_maps(self, on: bool) -> None:
        if self._controller is not None:
            # over the square around the view, of the run drawn
            self._controller.set_unit_maps(MAPS, on, run=self.run)

    def set_run(self, run: int, title: str | None, color: str = "#222222") -> None:
        """Draw run ``run`` of a comparison, titled ``title`` (None: a single run, no
        title). Its unit maps come with the next frame."""
        run = int(run)
        show_run(self.diagram, self.title, run, title, color)
        if run == self.run:
            return
        self.run = run
        self._shown_maps = None
        self._on_unit_hovered(None)  # the canvas shows A's output again
        if self.isVisible():
            self._want_maps(True)

    def _on_unit_hovered(self, unit) -> None:
        # the canvas under the diagram is run A's: another run's unit is read from its
        # thumbnail in the diagram, not drawn over A's canvas
        self.unitHovered.emit(unit if self.run == 0 else None)

    def show_frame(self, frame) -> None:
        """Draw a published frame (gui/frames.Frame); only remembered while hidden."""
        if not self.isVisible():
            self._pending = frame
            return
        self._pending = None
        snap = frame.run_snapshot(self.run)
        ds, arch = snap.dataset, snap.arch
        d = self.diagram
        d.input_dim = ds.input_dim
        if (arch.activations, ds.input_dim, self.run) != self._key_for:
            self._key_for = (arch.activations, ds.input_dim, self.run)
            self.key.setText(self.key_html(arch.activations, ds.input_dim, self.run))
        d.set_network(arch.widths, arch.activations, arch.head, snap.spec.features)
        d.set_weights(list(snap.params.W))
        maps = frame.maps.get(MAPS)
        if maps is None:
            return  # the first frame after showing: the maps come with the next
        if maps is not self._shown_maps:
            self._shown_maps = maps
            d.set_maps(maps.hidden, maps.output)
            d.extent = maps.extent
        self.frames_drawn += 1

    @staticmethod
    def key_html(activations: tuple[str, ...], input_dim: int, run: int = 0) -> str:
        """The edges' key, what each square is with its colours, and what hovering does
        (another run than A: its maps are the squares; the canvas under it is A's)."""
        hover = (
            "Hover a unit: its formula, its map on the canvas."
            if run == 0
            else "Hover a unit: its formula (its map is its square)."
        )
        return (
            f"<span style='color:{POSITIVE_HEX}'>━</span> W &gt; 0 &nbsp; "
            f"<span style='color:{NEGATIVE_HEX}'>━</span> W &lt; 0, width ∝ |W|<br>"
            f"{unit_key_html(activations, input_dim, short=True)}<br>{hover}"
        )

    @guarded
    def showEvent(self, ev) -> None:  # noqa: N802
        super().showEvent(ev)
        self._want_maps(True)
        if self._pending is not None:
            self.show_frame(self._pending)

    @guarded
    def hideEvent(self, ev) -> None:  # noqa: N802
        super().hideEvent(ev)
        self._want_maps(False)


def unit_caption(layer: int, unit: int, activation: str) -> str:
    """'showing h₂⁽¹⁾ (tanh)' for the canvas's corner."""
    return f"showing h{sub(unit + 1)}{sup(layer)} ({activation})"


__all__ = ["LiveDiagram", "NetView", "square_around", "unit_caption"]
