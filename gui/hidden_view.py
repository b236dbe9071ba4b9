"""The hidden-space view: the input plane's grid lines and the data points as a hidden
layer sees them, animating as the network trains.

The figure comes computed from the engine thread (``hidden_model.HiddenSource``, a frame
extra); this widget only draws it:

* every picture is drawn in box coordinates ([−1, 1] on each axis of the layer's fixed
  axes), so the view's range never changes: the axes' tick labels say the layer's own
  values (tanh: −1 … 1; the input plane: −6 … 6), and the morph slider moves every line
  and point from the input plane through each layer to the chosen one without a jump;
* a layer of 3 units (or three picked units) is a space, drawn by an orthographic
  projection that a drag of the mouse turns; 2 units are their plane;
* at the last hidden layer the output's decision boundary is drawn there (a line, or a
  plane in 3-D; a slice of it in a projection, which the caption says);
* hovering a point rings it, and ``pointHovered`` names its dataset index, so the window
  rings it on the canvas too (and ``set_highlight`` does the reverse).

``render_view`` draws the same view headless for ``backprop-lab render --what hidden``.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from backprop_lab.engine.hidden import HiddenFigure, HiddenSpace, LayerPicture
from backprop_lab.engine.notation import sup
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPen, QPolygonF
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QGraphicsPolygonItem,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from .colors import CLASS_HEX, region_color
from .hidden_model import (
    BOX_3D,
    BOX_MARGIN,
    MODE_NAMES,
    HiddenRequest,
    HiddenResult,
    box_ticks,
    compute,
    layer_title,
    modes_for,
    morph_caption,
    nearest,
    project,
    rotation,
)
from .safety import guarded
from .scatter import PassiveScatter

ROW_LINES = "#9C9C9C"  # grid lines of constant x₂
COLUMN_LINES = "#C9C9C9"  # grid lines of constant x₁
AXIS_LINES = "#4D4D4D"  # the lines x₁ = 0 and x₂ = 0: the origin's cross, as it folds
BOUNDARY = "#1A1A1A"
CUBE = "#B0B0B0"
POINT_OUTLINE = "#1A1A1A"
HOVER_RING = "#000000"
STEPS_PER_LAYER = 100  # the morph slider's positions between two layers
HOVER_PX = 9.0  # how near the mouse a point must be to be hovered
POINT_PX = 7.0
PLOT_MIN = 150  # px: the plot's smallest width
PLOT_MIN_HEIGHT = 100  # px: its smallest height (the panel shares a column on a 768-line screen)
PLOT_ROOM = 140  # px of plot height the caption and the note leave at least, or they go
COMPACT_MIN = 36  # px: the smallest height in the inspector's tab (as its other views)
START_YAW, START_PITCH = 0.65, 0.45  # the 3-D view's first angle (radians)
REDRAW_SECONDS = 0.033  # while training, the picture is redrawn at most this often


def short_description(pic: LayerPicture) -> str:
    """What the picture shows, in a line or two of a narrow panel (the engine's full
    description goes in the tooltip)."""
    proj = pic.projection
    if proj is None:
        return "The input plane (x₁, x₂)" if pic.dims == 2 else "The input line x₁"
    name = f"h{sup(proj.layer)}"
    if proj.whole:
        shape = {1: "its line", 2: "its plane", 3: "its space (drag to turn it)"}[proj.width]
        return f"{name}, {proj.width} {'unit' if proj.width == 1 else 'units'}: {shape}"
    if proj.kind == "units":
        picked = " and ".join(str(u + 1) for u in proj.units)
        turn = " (drag to turn)" if len(proj.units) == 3 else ""
        return f"{name}: units {picked} of {proj.width}{turn}"
    if proj.kind == "output":
        return f"{name} in the output's view: along its weights"
    share = sum(proj.explained)
    return f"{name} projected: PCA at step {proj.fitted_at:,}, {share:.0%} of the variance"


def boundary_caption(fig: HiddenFigure) -> str:
    b = fig.boundary
    if b is None:
        return ""
    if b.exact:
        return "Black: the output's decision boundary."
    return (
        f"Black: a slice of the output's boundary (it agrees on {b.agreement:.0%} of the points)."
    )


class _ViewBox(pg.ViewBox):
    """Fixed axes: no pan, no zoom. A drag turns a 3-D view."""

    def __init__(self, view: HiddenSpaceView):
        super().__init__(enableMenu=False)
        self.view = view
        self.setMouseEnabled(False, False)

    @guarded
    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802
        if ev.button() != Qt.MouseButton.LeftButton or not self.view.is_3d:
            ev.ignore()
            return
        ev.accept()
        d = ev.screenPos() - ev.lastScreenPos()
        self.view.turn(d.x() * 0.01, d.y() * 0.01)

    @guarded
    def wheelEvent(self, ev, axis=None) -> None:  # noqa: N802
        ev.ignore()

    @guarded
    def mouseClickEvent(self, ev) -> None:  # noqa: N802
        ev.accept()  # nothing to click: no menu, no auto-range button


class HiddenSpaceView(QWidget):
    """One hidden-space view (beside the canvas, or in the inspector's tab). ``compact``:
    the controls in a column left of the picture (a short, wide place)."""

    requestChanged = Signal(object)  # HiddenRequest the user chose
    pointHovered = Signal(object)  # dataset index under the mouse, or None
    shownChanged = Signal(
        bool
    )  # shown or hidden (the window computes figures only for shown views)

    def __init__(self, compact: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("hiddenSpaceView")
        self.compact = compact
        self.result: HiddenResult | None = None
        self.request = HiddenRequest()
        self._arch = None
        self._dataset = None
        self._t: float | None = None  # None: at the layer shown (the slider's end)
        self.yaw, self.pitch = START_YAW, START_PITCH
        self.highlighted: int | None = None  # dataset index ringed
        self.shown_index = np.zeros(0, dtype=np.int64)  # dataset index of each point drawn
        self.shown_xy = np.zeros((0, 2))  # where each is drawn (view coordinates)
        self.frames_drawn = 0
        self._point_px = POINT_PX
        self._range_3d: bool | None = None  # the range set last: a 3-D one, or a 2-D one
        self._bare_height: int | None = None  # the panel's height without its two labels
        self._label_height = 0
        self._drawn_at = -1e9
        self._pending: tuple | None = None  # a frame waiting for its turn (while training)
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._show_pending)
        self._axes_shown: dict[str, tuple] = {}  # what each axis shows (set only on change)
        self._build()

    # --- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.layer_combo = QComboBox()
        self.layer_combo.setObjectName("hiddenLayer")
        self.layer_combo.setToolTip("The hidden layer to see the plane in")
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("hiddenMode")
        self.mode_combo.setToolTip(
            "How a layer wider than 3 units is drawn: a projection (PCA, frozen for the run), "
            "two or three units you click in the network diagram, or the output's view"
        )
        for combo in (self.layer_combo, self.mode_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
            combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.caption = QLabel("")
        self.caption.setObjectName("hiddenCaption")
        self.note = QLabel("")
        self.note.setObjectName("hiddenNote")
        self.note.setStyleSheet("color:#5A3300;")
        for label in (self.caption, self.note):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

        self.plot = pg.PlotWidget(background="w", viewBox=_ViewBox(self))
        self.plot.setObjectName("hiddenPlot")
        self.plot.setMinimumSize(PLOT_MIN, PLOT_MIN_HEIGHT)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        pi = self.plot.getPlotItem()
        pi.setMenuEnabled(False)
        pi.hideButtons()
        self.vb: _ViewBox = pi.getViewBox()
        self.vb.setAspectLocked(True, ratio=1.0)
        self.vb.disableAutoRange()
        for side in ("left", "bottom"):
            axis = pi.getAxis(side)
            axis.setPen("#606060")
            axis.setTextPen("#202020")
            axis.enableAutoSIPrefix(False)
        self._set_range(False)
        self.rows = pg.PlotCurveItem(pen=pg.mkPen(ROW_LINES, width=1), connect="finite")
        self.columns = pg.PlotCurveItem(pen=pg.mkPen(COLUMN_LINES, width=1), connect="finite")
        self.axes_lines = pg.PlotCurveItem(pen=pg.mkPen(AXIS_LINES, width=1.5), connect="finite")
        self.cube = pg.PlotCurveItem(pen=pg.mkPen(CUBE, width=1), connect="pairs")
        self.cube_axes = pg.PlotCurveItem(pen=pg.mkPen(AXIS_LINES, width=1.5), connect="pairs")
        self.boundary = pg.PlotCurveItem(pen=pg.mkPen(BOUNDARY, width=2.5), connect="pairs")
        self.points = PassiveScatter(pxMode=True, symbol="o")
        self.hover_ring = PassiveScatter(pxMode=True, symbol="o")
        for z, item in enumerate(
            (
                self.cube,
                self.cube_axes,
                self.columns,
                self.rows,
                self.axes_lines,
                self.boundary,
                self.points,
            )
        ):
            item.setZValue(z)
            pi.addItem(item)
        self.hover_ring.setZValue(20)
        pi.addItem(self.hover_ring)
        self._polygons: list[QGraphicsPolygonItem] = []
        self._polygons_used = 0
        self._texts: list[pg.TextItem] = []
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.plot.viewport().installEventFilter(self)
        self._build_styles()

        self.morph = QSlider(Qt.Orientation.Horizontal)
        self.morph.setObjectName("hiddenMorph")
        self.morph.setRange(0, STEPS_PER_LAYER)
        self.morph.setValue(STEPS_PER_LAYER)
        self.morph.setToolTip(
            "Morph: from the input plane (left) through each hidden layer to the one shown (right)"
        )
        self.morph_from = QLabel("x")
        self.morph_to = QLabel("h⁽¹⁾")
        morph_row = QHBoxLayout()
        morph_row.setContentsMargins(0, 0, 0, 0)
        morph_row.addWidget(self.morph_from)
        morph_row.addWidget(self.morph, 1)
        morph_row.addWidget(self.morph_to)

        combos = QHBoxLayout()
        combos.setContentsMargins(0, 0, 0, 0)
        combos.addWidget(self.layer_combo, 1)
        combos.addWidget(self.mode_combo, 1)

        if self.compact:
            side = QVBoxLayout()
            side.setContentsMargins(0, 0, 0, 0)
            side.addLayout(combos)
            side.addWidget(self.caption)
            side.addLayout(morph_row)
            side.addWidget(self.note)
            side.addStretch(1)
            left = QWidget()
            left.setLayout(side)
            # a tab of the docked inspector may get short (a 720-line screen): the controls
            # scroll and the picture shrinks rather than hold the dock taller
            scroll = QScrollArea()
            scroll.setWidget(left)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroll.setMinimumSize(160, COMPACT_MIN)
            scroll.setMaximumWidth(260)
            self.plot.setMinimumSize(COMPACT_MIN * 3, COMPACT_MIN)
            lay = QHBoxLayout(self)
            lay.setContentsMargins(2, 2, 2, 2)
            lay.addWidget(scroll, 2)
            lay.addWidget(self.plot, 3)
        else:
            lay = QVBoxLayout(self)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(2)
            lay.addLayout(combos)
            lay.addWidget(self.caption)
            lay.addWidget(self.plot, 1)
            lay.addLayout(morph_row)
            lay.addWidget(self.note)
        self._fit_labels()

        self.layer_combo.activated.connect(self._on_layer_chosen)
        self.mode_combo.activated.connect(self._on_mode_chosen)
        self.morph.valueChanged.connect(self._on_morph)

    def _build_styles(self) -> None:
        # cosmetic pens (pg.mkPen): a symbol is drawn scaled to its size, and a plain
        # QPen's width would scale with it
        outline = pg.mkPen(POINT_OUTLINE, width=1.0)
        self._class_brushes = [pg.mkBrush(c) for c in CLASS_HEX]
        self._test_pens = [pg.mkPen(c, width=2.0) for c in CLASS_HEX]
        self._pens = [outline, *self._test_pens]
        self._white = pg.mkBrush("#FFFFFF")
        self._brushes = [*self._class_brushes, self._white, pg.mkBrush("#555555")]
        self._ring = pg.mkPen(HOVER_RING, width=2.5)
        self._no_brush = pg.mkBrush(None)

    # --- what is shown --------------------------------------------------------------------
    @property
    def figure(self) -> HiddenFigure | None:
        return None if self.result is None else self.result.figure

    @property
    def last(self) -> int:
        """The morph slider's end: the index of the layer shown in ``figure.layers``."""
        fig = self.figure
        return 0 if fig is None else len(fig.layers) - 1

    @property
    def t(self) -> float:
        """The morph position: 0 the input plane, ``last`` the layer shown."""
        return float(self.last) if self._t is None else min(self._t, float(self.last))

    @property
    def is_3d(self) -> bool:
        fig = self.figure
        if fig is None:
            return False
        t = self.t
        k = min(int(math.floor(t)), max(self.last - 1, 0))
        dims = [fig.layers[k].dims, fig.layers[min(k + 1, self.last)].dims]
        if abs(t - round(t)) < 1e-9:
            dims = [fig.layers[int(round(t))].dims]
        return max(dims) == 3

    def show_result(
        self, result: HiddenResult | BaseException | None, snapshot, running: bool = False
    ) -> None:
        """Draw one frame's figure (``snapshot``: the frame's, for the data and the
        network's shape). While training streams frames (``running``) the picture is
        redrawn at most every ``REDRAW_SECONDS``, the latest frame last: the canvas keeps
        the display's rate."""
        now = time.monotonic()
        if running and now - self._drawn_at < REDRAW_SECONDS:
            self._pending = (result, snapshot)
            if not self._later.isActive():
                wait = REDRAW_SECONDS - (now - self._drawn_at)
                self._later.start(max(1, int(wait * 1000)))
            return
        self._pending = None
        self._later.stop()
        self._drawn_at = now
        self._show(result, snapshot)

    def _show_pending(self) -> None:
        if self._pending is not None:
            result, snapshot = self._pending
            self._pending = None
            self._drawn_at = time.monotonic()
            self._show(result, snapshot)

    def _show(self, result, snapshot) -> None:
        if isinstance(result, BaseException):
            result = HiddenResult(self.request, snapshot.step, None, f"Hidden space: {result}")
        self._arch = snapshot.arch
        self._dataset = snapshot.dataset
        self._sync_combos()
        self.result = result
        if result is None:
            self._clear("Hidden space is computed while the view is open.")
            return
        if result.figure is None:
            self._clear(result.message)
            return
        fig = result.figure
        if self.morph.maximum() != STEPS_PER_LAYER * self.last:
            self.morph.blockSignals(True)
            self.morph.setRange(0, STEPS_PER_LAYER * self.last)
            self.morph.setValue(
                STEPS_PER_LAYER * self.last if self._t is None else self.morph.value()
            )
            self.morph.blockSignals(False)
        self.morph_to.setText(f"h{sup(fig.layer)}")
        self.morph.setEnabled(self.last > 0)
        self.redraw()

    def set_request(self, request: HiddenRequest) -> None:
        """The request the window holds (both views show the same layer and mode)."""
        if request != self.request:
            self.request = request
            self._t = None
        self._sync_combos()

    def set_point_size(self, px: float) -> None:
        self._point_px = float(px)
        self.redraw()

    # --- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        fig = self.figure
        if fig is None:
            return
        t = self.t
        whole = abs(t - round(t)) < 1e-9
        pic = fig.layers[int(round(t))] if whole else None
        if pic is not None:  # a layer as it is (what morph(t) gives, without the blend)
            lines, pts = pic.to_box(pic.lines), pic.to_box(pic.points)
            if pic.dims == 1:  # a line: drawn along x
                lines, pts = _pad3(lines), _pad3(pts)
        else:
            lines, pts = fig.morph(t)  # box coordinates, three columns
        three = self.is_3d
        R = rotation(self.yaw, self.pitch) if three else None
        self._set_range(three)
        self._draw_lines(project(lines, R), fig)
        xy = project(pts, R)
        self._draw_points(xy, fig.point_index)
        self._clear_extras()
        if three:
            self._draw_cube(R, pic)
        self._set_axes(pic, three)
        at_layer = whole and int(round(t)) == self.last
        self._draw_boundary(fig, pic if at_layer else None, R)
        caption = short_description(pic) if pic is not None else morph_caption(fig, t)
        full = pic.describe() if pic is not None else caption
        boundary = boundary_caption(fig) if at_layer else ""
        if boundary:
            full += "\n" + fig.boundary.description
        # a note about the request comes first; else what the black line is
        note = self.result.note or boundary
        for label, text, tip in ((self.caption, caption, full), (self.note, note, note)):
            if label.text() != text:
                label.setText(text)
            if label.toolTip() != tip:
                label.setToolTip(tip)
        self._draw_hover()
        self.frames_drawn += 1

    def _set_range(self, three: bool) -> None:
        half = BOX_3D if three else 1.0 + BOX_MARGIN
        if self._range_3d is three:
            return
        self._range_3d = three
        self.vb.setRange(xRange=(-half, half), yRange=(-half, half), padding=0)
        pi = self.plot.getPlotItem()
        for side in ("left", "bottom"):
            pi.showAxis(side, not three)

    def _draw_lines(self, xy: np.ndarray, fig: HiddenFigure) -> None:
        """The grid lines, each family as one curve (NaN between lines)."""
        n = xy.shape[0]
        half = n // 2 if n > 1 else n
        rows, cols = xy[:half], xy[half:]
        middle = [line for fam in (rows, cols) if len(fam) for line in (fam[len(fam) // 2],)]
        for item, fam in ((self.rows, rows), (self.columns, cols)):
            x, y = _joined(fam)
            item.setData(x, y)
        ax, ay = _joined(np.array(middle)) if middle else (np.zeros(0), np.zeros(0))
        self.axes_lines.setData(ax, ay)

    def _draw_points(self, xy: np.ndarray, index: np.ndarray) -> None:
        # the figure's own points: the frame's data may be newer than a figure repeated
        r = self.result
        ds = r.dataset if r is not None and r.dataset is not None else self._dataset
        self.shown_index = np.asarray(index, dtype=np.int64)
        self.shown_xy = np.asarray(xy, dtype=np.float64)
        n = len(index)
        if ds is None or n == 0:
            self.points.set_points(np.zeros((0, 2)), self._px(), self._pens[0], self._brushes[0])
            return
        test = np.asarray(ds.is_test)[index]
        if ds.task == "classification":
            k = np.asarray(ds.y)[index].astype(np.int64) % len(CLASS_HEX)
            pen_i = np.where(test, k + 1, 0)
            brush_i = np.where(test, len(CLASS_HEX), k)
        else:
            pen_i = np.zeros(n, dtype=np.int64)
            brush_i = np.where(test, len(CLASS_HEX), len(CLASS_HEX) + 1)
        self.points.set_points(xy, self._px(), (self._pens, pen_i), (self._brushes, brush_i))

    def _px(self) -> float:
        return self._point_px

    def _draw_cube(self, R: np.ndarray, pic: LayerPicture | None) -> None:
        corners = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], float)
        edges = [(a, b) for a in range(8) for b in range(a + 1, 8) if bin(a ^ b).count("1") == 1]
        seg = np.array([[corners[a], corners[b]] for a, b in edges]).reshape(-1, 3)
        xy = project(seg, R)
        self.cube.setData(xy[:, 0], xy[:, 1])
        if pic is None or pic.dims != 3:
            self.cube_axes.setData([], [])
            return
        # the three edges from the corner of the lowest values are the axes: darker, each
        # named at its far end with its highest value, the lowest at the corner
        corner = np.full(3, -1.0)
        ends = [corner.copy() for _ in range(3)]
        for k in range(3):
            ends[k][k] = 1.0
        axes = project(np.array([[corner, e] for e in ends]).reshape(-1, 3), R)
        self.cube_axes.setData(axes[:, 0], axes[:, 1])
        names = pic.labels()
        texts = [
            (ends[k] + (ends[k] - corner) * 0.08, f"{names[k]} = {_number(pic.hi[k])}")
            for k in range(3)
        ]
        if len({float(v) for v in pic.lo}) == 1:
            texts.append((corner * 1.08, _number(pic.lo[0])))
        for at3, text in texts:
            at = project(at3[None], R)[0]
            # the text runs from its point towards the middle: near an edge it stays in view
            anchor = (1.0 if at[0] > 0.25 else 0.0 if at[0] < -0.25 else 0.5, 0.5)
            item = pg.TextItem(text, color="#202020", anchor=anchor)
            item.setPos(float(at[0]), float(at[1]))
            self.plot.getPlotItem().addItem(item)
            self._texts.append(item)

    def _set_axes(self, pic: LayerPicture | None, three: bool) -> None:
        pi = self.plot.getPlotItem()
        if three:
            return
        names = pic.labels() if pic is not None else ("", "")
        for k, side in enumerate(("bottom", "left")):
            if pic is not None and k < pic.dims:
                want = (box_ticks(float(pic.lo[k]), float(pic.hi[k])), names[k])
            else:
                want = ([], "")
            if self._axes_shown.get(side) == want:
                continue  # a new tick set repaints the axis: only when it changes
            self._axes_shown[side] = want
            axis = pi.getAxis(side)
            axis.setTicks([want[0]])
            axis.setLabel(want[1], color="#202020")

    def _draw_boundary(self, fig: HiddenFigure, pic: LayerPicture | None, R) -> None:
        b = fig.boundary
        if b is None or pic is None:
            self.boundary.setData([], [])
            return
        segments = []
        for piece in b.pieces:
            v = pic.to_box(np.asarray(piece.vertices, dtype=np.float64))
            v3 = np.pad(v, [(0, 0), (0, 3 - v.shape[1])])
            if v.shape[1] == 1:  # a threshold on a line: a short upright mark
                x = float(v[0, 0])
                segments += [[x, -1.0], [x, 1.0]]
            elif v.shape[0] == 2:
                xy = project(v3, R)
                segments += [xy[0].tolist(), xy[1].tolist()]
            else:  # a plane cut to the cube: a translucent polygon
                xy = project(v3, R)
                self._polygon(xy, QColor(26, 26, 26, 60), pg.mkPen(BOUNDARY, width=1.5))
        if b.regions and pic.dims == 2 and R is None:
            for region in b.regions:
                v = pic.to_box(np.asarray(region.vertices, dtype=np.float64))
                r, g, bl = region_color(region.cls, 0.35)
                self._polygon(v, QColor(r, g, bl, 70), pg.mkPen(None))
        seg = np.array(segments, dtype=np.float64).reshape(-1, 2)
        self.boundary.setData(seg[:, 0], seg[:, 1])

    def _polygon(self, xy: np.ndarray, fill: QColor, pen: QPen) -> None:
        """A filled polygon: one of the items drawn last frame if there is one spare (a new
        item per frame costs the scene more than moving an old one)."""
        if self._polygons_used < len(self._polygons):
            poly = self._polygons[self._polygons_used]
        else:
            poly = QGraphicsPolygonItem()
            poly.setZValue(-1)
            self.plot.getPlotItem().addItem(poly)
            self._polygons.append(poly)
        self._polygons_used += 1
        poly.setPolygon(QPolygonF([QPointF(float(x), float(y)) for x, y in xy]))
        poly.setBrush(QBrush(fill))
        poly.setPen(pen)
        poly.setVisible(True)

    def _clear_extras(self) -> None:
        pi = self.plot.getPlotItem()
        for poly in self._polygons:
            poly.setVisible(False)
        self._polygons_used = 0
        for item in self._texts:
            pi.removeItem(item)
        self._texts = []
        self.cube.setData([], [])
        self.cube_axes.setData([], [])

    def _clear(self, message: str) -> None:
        for item in (self.rows, self.columns, self.axes_lines, self.boundary, self.cube):
            item.setData([], [])
        self._clear_extras()
        self.points.set_points(np.zeros((0, 2)), self._px(), self._pens[0], self._brushes[0])
        self.hover_ring.set_points(np.zeros((0, 2)), self._px(), self._pens[0], self._white)
        self.shown_index = np.zeros(0, dtype=np.int64)
        self.shown_xy = np.zeros((0, 2))
        self.caption.setText("")
        self.note.setText(message)
        self.note.setToolTip(message)

    # --- hover ------------------------------------------------------------------------------
    def set_highlight(self, index: int | None) -> None:
        """Ring the point with this dataset index (hovered here or on the canvas)."""
        if index != self.highlighted:
            self.highlighted = index
            self._draw_hover()

    def _draw_hover(self) -> None:
        i = self.highlighted
        where = np.flatnonzero(self.shown_index == i) if i is not None else []
        if len(where) == 0:
            self.hover_ring.set_points(np.zeros((0, 2)), self._px(), self._pens[0], self._white)
            return
        self.hover_ring.set_points(
            self.shown_xy[where[:1]], self._px() * 2.4, self._ring, self._no_brush
        )

    def point_at(self, scene_pos: QPointF) -> int | None:
        """The dataset index of the point drawn under ``scene_pos`` (scene coordinates)."""
        if len(self.shown_xy) == 0:
            return None
        p = self.vb.mapSceneToView(scene_pos)
        sx, sy = self.vb.viewPixelSize()
        i = nearest(self.shown_xy, (p.x(), p.y()), (HOVER_PX * sx, HOVER_PX * sy))
        return None if i is None else int(self.shown_index[i])

    def _on_mouse_moved(self, scene_pos) -> None:
        self._hover(self.point_at(scene_pos))

    def _hover(self, index: int | None) -> None:
        if index != self.highlighted:
            self.set_highlight(index)
            self.pointHovered.emit(index)

    @guarded(default=False)
    def eventFilter(self, obj, ev) -> bool:  # noqa: N802
        if ev.type() == QEvent.Type.Leave:
            self._hover(None)
        return False

    # --- the 3-D view -----------------------------------------------------------------------
    def turn(self, d_yaw: float, d_pitch: float) -> None:
        self.yaw = (self.yaw + d_yaw) % (2 * math.pi)
        self.pitch = max(-math.pi / 2, min(math.pi / 2, self.pitch + d_pitch))
        self.redraw()

    # --- the controls -----------------------------------------------------------------------
    def _sync_combos(self) -> None:
        arch = self._arch
        if arch is None:
            return
        hidden = arch.depth - 1
        items = [
            (layer_title(k, arch.widths[k], arch.activations[k - 1]), k)
            for k in range(1, hidden + 1)
        ]
        combo = self.layer_combo
        combo.blockSignals(True)
        if [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())] != items:
            combo.clear()
            for text, k in items:
                combo.addItem(text, k)
        layer = self.request.layer
        layer = layer if layer is not None and 1 <= layer <= hidden else hidden
        combo.setCurrentIndex(max(0, layer - 1))
        combo.setEnabled(hidden > 1)
        combo.blockSignals(False)
        modes = modes_for(arch, layer) if hidden >= 1 else ()
        mc = self.mode_combo
        mc.blockSignals(True)
        if [mc.itemData(i) for i in range(mc.count())] != list(modes):
            mc.clear()
            for m in modes:
                mc.addItem(MODE_NAMES[m], m)
        mode = "pca" if self.request.mode == "auto" else self.request.mode
        i = mc.findData(mode)
        mc.setCurrentIndex(max(0, i))
        mc.setVisible(bool(modes))
        mc.blockSignals(False)

    def _on_layer_chosen(self, i: int) -> None:
        layer = self.layer_combo.itemData(i)
        if layer is None:
            return
        self.requestChanged.emit(HiddenRequest(int(layer), "auto"))

    def _on_mode_chosen(self, i: int) -> None:
        mode = self.mode_combo.itemData(i)
        if mode is None:
            return
        r = self.request
        layer = self.layer_combo.currentData()
        self.requestChanged.emit(HiddenRequest(layer, mode, r.units if mode == "units" else ()))

    def _on_morph(self, value: int) -> None:
        top = self.morph.maximum()
        self._t = None if value >= top else value / STEPS_PER_LAYER
        self.redraw()

    def set_morph(self, t: float) -> None:
        """Put the morph slider at t (0: the input plane, ``last``: the layer)."""
        self.morph.setValue(int(round(t * STEPS_PER_LAYER)))

    # --- type -------------------------------------------------------------------------------
    def _fit_labels(self) -> None:
        """Two lines each for the caption and the note, whatever the type."""
        lines = self.fontMetrics().lineSpacing()
        for label in (self.caption, self.note):
            label.setFixedHeight(2 * lines + 2)
        tick = QFont(self.font())
        pi = self.plot.getPlotItem()
        for side in ("left", "bottom"):
            axis = pi.getAxis(side)
            axis.setStyle(tickFont=tick)
            axis.label.setFont(tick)
        # fixed room for the axes: labels of another width (the morph passes the input
        # plane's −6 … 6 and a layer's −1.0 … 1.0) must not move the picture
        fm = self.fontMetrics()
        pi.getAxis("left").setWidth(fm.horizontalAdvance("−0.00") + fm.height() + 14)
        pi.getAxis("bottom").setHeight(2 * fm.height() + 10)
        if not self.compact:
            # at its smallest the panel is the chooser, the picture and the slider; the
            # caption and the note (in the tooltips too) come when there is room for them
            self.plot.setMinimumSize(PLOT_MIN, PLOT_MIN_HEIGHT)
            spacing = self.layout().spacing() if self.layout() is not None else 2
            rows = self.layer_combo.sizeHint().height() + self.morph_row_height()
            self._bare_height = rows + PLOT_MIN_HEIGHT + 2 * spacing
            self._label_height = 2 * (2 * lines + 2 + spacing)
            self.setMinimumHeight(self._bare_height)
            self._show_labels()

    def morph_row_height(self) -> int:
        return max(self.morph.sizeHint().height(), self.morph_to.sizeHint().height())

    def _show_labels(self) -> None:
        if self.compact or self._bare_height is None:
            return
        room = self.height() - self._bare_height - self._label_height
        on = room >= PLOT_ROOM - PLOT_MIN_HEIGHT
        for label in (self.caption, self.note):
            if label.isHidden() == on:
                label.setVisible(on)

    @guarded
    def resizeEvent(self, ev) -> None:  # noqa: N802
        super().resizeEvent(ev)
        self._show_labels()

    @guarded
    def showEvent(self, ev) -> None:  # noqa: N802
        super().showEvent(ev)
        self.shownChanged.emit(True)

    @guarded
    def hideEvent(self, ev) -> None:  # noqa: N802
        super().hideEvent(ev)
        self.shownChanged.emit(False)

    @guarded
    def changeEvent(self, ev) -> None:  # noqa: N802
        super().changeEvent(ev)
        if ev.type() == QEvent.Type.FontChange and hasattr(self, "note"):
            self._fit_labels()
            # the points grow with the type (presentation mode), as the canvas's do
            base = QApplication.font().pointSizeF()
            scale = self.font().pointSizeF() / base if base > 0 else 1.0
            self._point_px = POINT_PX * max(1.0, scale) ** 0.75
            self.redraw()


def _joined(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lines (k × samples × 2) as one x and one y array, NaN between lines."""
    if lines.size == 0:
        return np.zeros(0), np.zeros(0)
    k, s = lines.shape[:2]
    out = np.full((k, s + 1, 2), np.nan)
    out[:, :s] = lines[..., :2]
    flat = out.reshape(-1, 2)
    return flat[:, 0], flat[:, 1]


def _pad3(a: np.ndarray) -> np.ndarray:
    return np.pad(a, [(0, 0)] * (a.ndim - 1) + [(0, 3 - a.shape[-1])])


def _number(v: float) -> str:
    return f"{v:.3g}".replace("-", "−")


# --- backprop-lab render --what hidden -------------------------------------------------------
def render_view(session, font_scale: float = 1.0, request: HiddenRequest | None = None):
    """(widget, show) for ``render``: the view, and a function drawing a frame's figure,
    computed here from the frame's snapshot with a ``HiddenSpace`` kept across frames (the
    render's one thread is the one that runs the session)."""
    view = HiddenSpaceView()
    font = QFont(view.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * font_scale)
        view.setFont(font)
    view.set_point_size(POINT_PX * max(1.0, font_scale**0.75))
    space = HiddenSpace()
    want = request if request is not None else HiddenRequest()
    view.set_request(want)

    def show(frame) -> None:
        snap = frame.snapshot
        try:
            result = compute(space, want, snap)
        except Exception as exc:  # noqa: BLE001 - the picture says it, as in the window
            result = exc
        view.show_result(result, snap)

    return view, show
