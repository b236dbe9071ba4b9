"""Runs side by side: one decision-region canvas per run of a comparison.

``RunGrid`` takes the canvas's place in the canvas column and holds one ``RunCell`` per
run: run A's is the editable ``DataCanvas`` itself, the others' are read-only
``RunCanvas``es that show their run's regions under the same points. The views are
linked (a pan or zoom of one moves them all), so the pictures are of the same square and
the engine's grids, computed over the canvas's view, fit every cell. One run: only A's
cell, without a title or a frame, exactly the canvas as it always was. Two runs: 1×2;
three or four: 2×2; a seed fan of more: two rows. Cells too narrow for axes (a seed fan
of eight on a projector) are thumbnails: no axes, so the square holds the regions, and
the title on two lines, the run's name over its loss and accuracy.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pyqtgraph as pg
from backprop_lab.engine import Dataset
from backprop_lab.engine.notation import DOMAIN
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from .canvas import BACKGROUND, CURVE_COLOR, PLAIN_POINT, POINT_OUTLINE, DataCanvas, SmoothImage
from .colors import CLASS_COLORS, hex_to_rgb, lut_index, regression_colors, run_hex, run_mark
from .presenter import grid_picture, regression_levels
from .safety import guarded
from .scatter import PassiveScatter
from .window_layout import MIN_CANVAS

FOCUS_COLOR = "#202020"  # no run's colour: the frame says "this one", not "run A"
STOPPED_COLOR = "#C00000"
PREFERRED_SHAPE_GAIN = 1.3  # another shape only for squares this much larger
MIN_CELL = 150  # px: a compared canvas's smallest square (a 1024×768 projector holds 2×2)
# px: a cell narrower than this shows its canvas as a thumbnail (axes and tick labels
# would take half of it)
THUMB_CELL = 240
_STEP = re.compile(r"^step [\d,]+ · ")  # every run's step is the same: the header says it


def grid_shape(n: int, width: int = 2, height: int = 1) -> tuple[int, int]:
    """(rows, columns) for ``n`` canvases in a ``width`` × ``height`` area: 1×2, 2×2, a
    seed fan of more in two rows; or, when its squares are much larger (the canvases keep
    x and y at one scale), 2×1, a row or a column."""
    if n <= 1:
        return 1, 1
    if n == 2:
        shapes = [(1, 2), (2, 1)]
    elif n <= 4:
        shapes = [(2, 2), (1, n), (n, 1)]
    else:
        shapes = [(2, (n + 1) // 2), ((n + 1) // 2, 2)]
    w, h = max(1, width), max(1, height)
    side = [min(w / c, h / r) for r, c in shapes]
    best = max(range(len(shapes)), key=side.__getitem__)
    return shapes[best] if side[best] > PREFERRED_SHAPE_GAIN * side[0] else shapes[0]


class RunCanvas(pg.PlotWidget):
    """A run's decision regions under the data's points, read-only (pan and zoom only)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, background=BACKGROUND, enableMenu=False)
        pi = self.getPlotItem()
        pi.setMenuEnabled(False)
        pi.hideButtons()
        for side, name in (("left", "x₂"), ("bottom", "x₁")):
            pi.getAxis(side).setPen("#606060")
            pi.getAxis(side).setTextPen("#202020")
            pi.setLabel(side, name, color="#202020")
        self.vb = pi.getViewBox()
        # no aspect lock of its own: it shows exactly A's canvas's range (``RunGrid``),
        # and its data area is A's size (the same cell, the same axes)
        self.vb.disableAutoRange()
        self.vb.setLimits(xMin=-60, xMax=60, yMin=-60, yMax=60, minXRange=0.2, minYRange=0.2)
        x0, x1, y0, y1 = DOMAIN
        self.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)
        self.image = SmoothImage(axisOrder="row-major")  # as A's: no staircase
        self.image.setZValue(-10)
        self.image.setVisible(False)
        pi.addItem(self.image)
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(CURVE_COLOR, width=2.5), antialias=True)
        self.curve.setVisible(False)
        pi.addItem(self.curve)
        self.train = PassiveScatter(pxMode=True, symbol="o")
        self.train.setZValue(10)
        self.test = PassiveScatter(pxMode=True, symbol="o")
        self.test.setZValue(11)
        for item in (self.train, self.test):
            pi.addItem(item)
        self._outline = pg.mkPen(POINT_OUTLINE, width=1.0)
        self._brushes = [pg.mkBrush(*c, 255) for c in CLASS_COLORS]
        self._rings = [pg.mkPen(*c, 255, width=2.5) for c in CLASS_COLORS]
        self._plain = pg.mkBrush(PLAIN_POINT)
        self._plain_ring = pg.mkPen(PLAIN_POINT, width=2.5)
        self._white = pg.mkBrush("#FFFFFF")
        self._values: tuple[list, list] | None = None
        self._dataset: Dataset | None = None
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def set_dataset(self, ds: Dataset, point_size: float, show_test: bool) -> None:
        self._dataset = ds
        pts, test = ds.points, ds.is_test
        if ds.task == "classification":
            k = np.clip(ds.y.astype(int), 0, len(CLASS_COLORS) - 1)
            self.train.set_points(pts[~test], point_size, self._outline, (self._brushes, k[~test]))
            self.test.set_points(pts[test], point_size, (self._rings, k[test]), self._white)
        elif ds.input_dim == 1:
            self.train.set_points(pts[~test], point_size, self._outline, self._plain)
            self.test.set_points(pts[test], point_size, self._plain_ring, self._white)
        else:  # a 2-D regression: each point in its target's colour, on A's fixed levels
            brushes, pens = self._value_colours()
            idx, _ = lut_index(ds.y, *regression_levels(ds))
            self.train.set_points(pts[~test], point_size, self._outline, (brushes, idx[~test]))
            self.test.set_points(pts[test], point_size, (pens, idx[test]), self._white)
        self.test.setVisible(show_test and bool(np.any(test)))

    def _value_colours(self) -> tuple[list, list]:
        """The value colour scale's brushes and rings (made on first need: most runs are
        not regressions)."""
        if self._values is None:
            lut = regression_colors(np.linspace(0.0, 1.0, 256), 0.0, 1.0)
            brushes = [pg.mkBrush(*c) for c in lut]
            self._values = (brushes, [pg.mkPen(*c[:3], 255, width=2.5) for c in lut])
        return self._values

    def match(self, canvas: DataCanvas) -> None:
        """A's canvas's type: its tick labels and axis names (they grow in presentation)."""
        src, dst = canvas.getPlotItem(), self.getPlotItem()
        for side in ("left", "bottom"):
            a, b = src.getAxis(side), dst.getAxis(side)
            font = a.style.get("tickFont")
            if font is not None:
                b.setStyle(tickFont=font)
            b.setLabel(a.labelText, **a.labelStyle)

    def set_picture(self, rgba: np.ndarray | None, extent) -> None:
        if rgba is None:
            self.image.setVisible(False)
            return
        x0, x1, y0, y1 = extent
        self.image.setImage(rgba, autoLevels=False)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.image.setVisible(True)

    def set_curve(self, xs, ys) -> None:
        if xs is None:
            self.curve.setVisible(False)
            return
        self.curve.setData(np.asarray(xs, float), np.asarray(ys, float))
        self.curve.setVisible(True)


class RunCell(QFrame):
    """A run's canvas under its title (what differs, its step, loss and accuracy); framed
    when it has the focus, red when the run has stopped."""

    def __init__(self, canvas: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("runCell")
        self.canvas = canvas
        self.title = QLabel()
        self.title.setObjectName("runTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        # one line, its figures and notes cut short with "…" where the cell ends (the notes
        # come last, the whole title is the tooltip): every canvas of the grid keeps the
        # same height, so their views match
        self.title.setWordWrap(False)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.title.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.title)
        lay.addWidget(canvas, 1)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.text = ""  # the title as plain text (tests, the status bar)
        self.thumb = False  # a thumbnail: no axes, the title on two lines
        self._title: tuple | None = None  # set_title's arguments, for a change of thumb
        self.focused = False
        self.stopped = False
        self._state: tuple | None = None

    def set_title(self, index: int, text: str, detail: str, warning: str | None) -> None:
        self._title = (index, text, detail, warning)
        self.text = f"{text}   {detail}".strip()
        mark = f'<span style="color:{run_hex(index)}">{run_mark(index)}</span>'
        gap = "&nbsp;&nbsp; "
        if self.thumb:
            gap, detail = "<br>", _STEP.sub("", detail)
        lead = f"{run_mark(index)} " + ("⚠ " if warning else "")
        detail = self._elided(lead, text, detail)
        body = f"{mark} <b>{html.escape(text)}</b>{gap}{html.escape(detail)}"
        tip = self.text
        if warning:  # before the figures: a comparison of more than one thing is no test
            body = f'<span style="color:{STOPPED_COLOR}">⚠</span> ' + body
            tip += f"\n⚠ {warning}"
        if body != self.title.text():
            self.title.setText(body)
            self.title.setToolTip(tip)
        self.title.show()

    def _elided(self, lead: str, text: str, detail: str) -> str:
        """``detail`` cut short with "…" to what the title's line leaves it (a thumbnail's
        second line: the whole width); as it is while the cell has no width yet."""
        room = self.title.contentsRect().width() - 2 * self.title.margin()
        if room <= 0 or not self.isVisible():
            return detail
        fm = self.title.fontMetrics()
        if not self.thumb:
            bold = QFont(self.title.font())
            bold.setBold(True)
            room -= fm.horizontalAdvance(lead) + QFontMetrics(bold).horizontalAdvance(text)
            room -= fm.horizontalAdvance("\u00a0\u00a0 ")
        return fm.elidedText(detail, Qt.TextElideMode.ElideRight, max(0, room))

    @guarded
    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(ev)
        self._refit_title()

    @guarded
    def changeEvent(self, ev) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(ev)
        if ev.type() == QEvent.Type.FontChange:  # the type size: another width of text
            self._refit_title()

    def _refit_title(self) -> None:
        if self._title is not None and self.title.isVisible():
            self.set_title(*self._title)  # the figures cut short anew for the room there is

    def set_thumb(self, on: bool) -> None:
        """A thumbnail (``on``) or the canvas with its axes."""
        on = bool(on)
        if on == self.thumb:
            return
        self.thumb = on
        pi = self.canvas.getPlotItem()
        for side in ("left", "bottom"):
            pi.showAxis(side, not on)
        if self._title is not None:
            self.set_title(*self._title)

    def set_frame(self, compared: bool, focused: bool, stopped: bool) -> None:
        state = (compared, focused, stopped)
        if state == self._state:
            return  # a new palette every frame would restyle the canvas inside
        self._state = state
        self.focused, self.stopped = focused, stopped
        if not compared:
            self.setFrameShape(QFrame.Shape.NoFrame)
            self.layout().setContentsMargins(0, 0, 0, 0)
            self.title.hide()
            return
        self.setFrameShape(QFrame.Shape.Box)
        self.setLineWidth(3 if focused else 1)
        color = STOPPED_COLOR if stopped else (FOCUS_COLOR if focused else "#B0B0B0")
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.WindowText, QColor(color))
        self.setPalette(pal)
        # the frame's colour is the palette's text colour: the title keeps its own
        text = self.title.palette()
        text.setColor(QPalette.ColorRole.WindowText, QColor("#202020"))
        self.title.setPalette(text)
        self.layout().setContentsMargins(4, 2, 4, 4)


class RunGrid(QWidget):
    """The canvases of the runs, in a grid; ``cells[0]`` holds the editable canvas."""

    def __init__(self, canvas: DataCanvas, parent: QWidget | None = None):
        super().__init__(parent)
        self.canvas = canvas
        self.cells: list[RunCell] = [RunCell(canvas, self)]
        self.canvases: list[RunCanvas] = []  # B, C, …: made as needed, kept for reuse
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.cells[0], 0, 0)
        self.count = 1
        self.shape = (1, 1)
        self._syncing = False
        canvas.vb.sigRangeChanged.connect(lambda *_a: self.follow())

    @guarded
    def sizeHint(self):  # noqa: N802
        return self.canvas.sizeHint()

    @guarded
    def resizeEvent(self, ev) -> None:  # noqa: N802
        super().resizeEvent(ev)
        if self.count > 1 and self._shape(self.count) != self.shape:
            self._place(self.count)
        self._size_cells()

    def _size_cells(self) -> None:
        """Thumbnails when the cells are too narrow for axes (never a single canvas)."""
        cols = self.shape[1]
        thumb = self.count > 1 and self.width() / cols < THUMB_CELL
        for cell in self.cells:
            cell.set_thumb(thumb and cell.isVisibleTo(self))

    def _shape(self, n: int) -> tuple[int, int]:
        return grid_shape(n, self.width(), self.height())

    def set_count(self, n: int) -> bool:
        """Show ``n`` canvases (A's and n − 1 read-only ones). True if it changed."""
        n = max(1, int(n))
        if n == self.count:
            return False
        self._place(n)
        return True

    def _place(self, n: int) -> None:
        while len(self.cells) < n:
            rc = RunCanvas()
            rc.vb.sigRangeChanged.connect(lambda *_a, rc=rc: self._lead(rc))
            self.canvases.append(rc)
            self.cells.append(RunCell(rc, self))
        for cell in self.cells:
            self._layout.removeWidget(cell)
        rows, cols = self.shape = self._shape(n)
        for i, cell in enumerate(self.cells):
            if i < n:
                self._layout.addWidget(cell, i // cols, i % cols)
                cell.show()
            else:
                cell.hide()
        for c in range(4):
            self._layout.setColumnStretch(c, 1 if c < cols else 0)
        for r in range(4):
            self._layout.setRowStretch(r, 1 if r < rows else 0)
        if n > 1:  # a square each that a 1024×768 projector holds
            for cell in self.cells[:n]:
                cell.canvas.setMinimumSize(MIN_CELL, MIN_CELL)
        else:
            self.canvas.setMinimumSize(MIN_CANVAS, MIN_CANVAS)
        self.count = n
        self._size_cells()
        self.follow()

    # --- one view for all: A's canvas leads (its aspect stays 1:1), the others follow ---------
    def follow(self) -> None:
        """Every other canvas shows exactly A's canvas's range."""
        if self._syncing:
            return
        self._syncing = True
        try:
            (x0, x1), (y0, y1) = self.canvas.vb.viewRange()
            for rc in self.visible_canvases():
                rc.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        finally:
            self._syncing = False

    def _lead(self, rc: RunCanvas) -> None:
        """A pan or zoom on another run's canvas moves A's, and so every canvas."""
        if self._syncing or rc not in self.visible_canvases():
            return
        self._syncing = True
        try:
            (x0, x1), (y0, y1) = rc.vb.viewRange()
            self.canvas.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        finally:
            self._syncing = False
        self.follow()

    def visible_canvases(self) -> list[RunCanvas]:
        return self.canvases[: self.count - 1]

    def draw_regions(self, frame, crisp: bool, drawn: dict) -> None:
        """Each other run's grid of ``frame`` on its canvas: its regions, or its curve
        for a 1-D regression. ``drawn`` (run → the grid array its canvas shows) is the
        caller's memory: the engine repeats a dear grid over frames, and the same array is
        the same picture, so that canvas is not recoloured."""
        for i, rc in enumerate(self.visible_canvases(), 1):
            if i >= len(frame.grids):
                break
            grid = frame.grids[i]
            if grid is None or drawn.get(i) is grid:
                continue
            drawn[i] = grid
            rgba = grid_picture(grid, frame.runs[i].snapshot.dataset, crisp)
            if rgba is None:
                rc.set_picture(None, frame.extent)
                rc.set_curve(frame.grid_x, grid)
            else:
                rc.set_curve(None, None)
                rc.set_picture(rgba, frame.extent)


# --- the overlay (O): every run on A's canvas ------------------------------------------------
HATCH = 6  # a hatch line every this many grid cells (two cells wide)


def grid_classes(grid: np.ndarray) -> np.ndarray | None:
    """The class each cell of a classification grid decides (rows × columns): a binary
    grid holds p(y = 1), a K-class one K × rows × columns; None for any other grid."""
    g = np.asarray(grid)
    if g.ndim == 2:
        return g >= 0.5
    if g.ndim == 3:
        return np.argmax(g, axis=0)
    return None


def overlay_picture(a_grid: np.ndarray, others: list[tuple[np.ndarray, str]]) -> np.ndarray | None:
    """Over A's regions: each other run's decision boundary in its colour, and the cells
    where it decides otherwise than A hatched in that colour (row 0 = lowest y, as the
    canvas's picture). None when A's grid is no classification grid."""
    a = grid_classes(a_grid)
    if a is None:
        return None
    rows, cols = a.shape
    out = np.zeros((rows, cols, 4), dtype=np.uint8)
    yy, xx = np.indices((rows, cols))
    stripes = (xx + yy) % HATCH < 2
    for grid, hex_color in others:
        c = grid_classes(grid)
        if c is None or c.shape != a.shape:
            continue
        rgb = hex_to_rgb(hex_color)
        out[(c != a) & stripes] = (*rgb, 140)
        edge = np.zeros_like(a, dtype=bool)
        edge[:, 1:] |= c[:, 1:] != c[:, :-1]
        edge[1:, :] |= c[1:, :] != c[:-1, :]
        out[edge] = (*rgb, 255)
    return out
