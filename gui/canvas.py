"""The drawing canvas: labelled points over the decision regions on [-6, 6]².

Tools: ``draw`` (click adds a point, drag paints a stroke: one undo step), ``erase`` (click
or drag removes the nearest point within a few pixels), ``pick`` (emits ``pointPicked``),
``pan`` (pyqtgraph's pan/zoom). Right-click removes the nearest point in every tool; the
wheel zooms in every tool; left-drag pans only with the ``pan`` and ``pick`` tools.

Every user edit makes a new immutable ``Dataset``, pushes it to ``history`` and emits
``datasetEdited``; undo and redo emit it too. ``stateChanged`` (the history's state before
and after) comes first, for every edit, undo and redo: the window tells an edit of the
points from a step across runs with it (gui/run_history.py). ``set_dataset`` (a load from
outside) emits nothing. Points can be drawn anywhere in view.

Slightly over 450 lines: the tools share one set of mouse handlers and one point layer.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from backprop_lab.engine.data import MAX_CLASSES, MAX_POINTS, Dataset, empty_dataset
from backprop_lab.engine.notation import DOMAIN
from PySide6.QtCore import QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QPainter
from PySide6.QtWidgets import QGraphicsItem, QLabel, QWidget

from .colors import CLASS_COLORS, hex_to_rgb, lut_index, regression_colors
from .edits import EditHistory
from .safety import guarded
from .scatter import PassiveScatter as _PassiveScatter

TOOLS = ("draw", "erase", "pick", "pan")
DRAWING_TOOLS = ("draw", "erase")
POINT_OUTLINE = "#1A1A1A"
PLAIN_POINT = "#333333"  # points of a 1-D regression
CURVE_COLOR = "#1A1A1A"
HIGHLIGHT_COLOR = "#000000"
BACKGROUND = "#FFFFFF"
VIEW_DEBOUNCE_MS = 80


class SmoothImage(pg.ImageItem):
    """The decision image, scaled bilinearly: a grid cell spans a few screen pixels, and
    nearest-neighbour scaling would draw the boundary as a staircase (≈ 0.6 ms a paint)."""

    @guarded
    def paint(self, p, *args) -> None:
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(p, *args)


class _CanvasViewBox(pg.ViewBox):
    """Routes clicks and left-drags to the canvas before the default pan/zoom."""

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.canvas: DataCanvas | None = None

    @guarded
    def mouseClickEvent(self, ev) -> None:
        if self.canvas is not None and self.canvas._handle_click(ev):
            ev.accept()
            return
        super().mouseClickEvent(ev)

    @guarded
    def mouseDragEvent(self, ev, axis=None) -> None:
        if axis is None and self.canvas is not None and self.canvas._handle_drag(ev):
            ev.accept()
            return
        super().mouseDragEvent(ev, axis)


class DataCanvas(pg.PlotWidget):
    """Points of a ``Dataset`` over an RGBA decision image, editable with the mouse."""

    datasetEdited = Signal(object)  # the new Dataset after a user edit, undo or redo
    stateChanged = Signal(object, object)  # history states (gui/edits.State): from, to
    pointPicked = Signal(int)  # index of the point picked with the 'pick' tool
    classChanged = Signal(int)  # the class new points get
    # the visible (x_min, x_max, y_min, y_max) and the view's (width, height) in pixels,
    # after a pan, zoom or resize settles (the decision grid follows it)
    viewChanged = Signal(object, object)
    limitReached = Signal(str)  # a point was not added: the message says why
    highlightCleared = Signal()  # the picked point is gone (other data came)
    _caption_avoid: QRect | None = None  # where the caption must not lie (the colour key)

    def __init__(self, parent: QWidget | None = None, dataset: Dataset | None = None):
        vb = _CanvasViewBox()
        super().__init__(parent, background=BACKGROUND, viewBox=vb)
        vb.canvas = self
        self.vb = vb
        self.history = EditHistory(dataset if dataset is not None else empty_dataset())
        self._tool = "draw"
        self._current_class = 0
        self._new_points_are_test = False
        self._show_test = True
        self._regression_value = 1.0
        self._regression_levels: tuple[float, float] | None = None
        self._point_size = 9.0
        self._highlight: int | None = None
        self._highlight_at: tuple[float, float] | None = None  # where the picked point was
        self._stroke_last: tuple[float, float] | None = None
        self.stroke_spacing = 0.3  # data units between painted points
        self.pick_radius_px = 14.0  # erase / right-click / pick reach, in screen pixels
        # asked before an edit is pushed (gui/run_history.py): True when it took the edit
        # itself (one that changes the network's shape starts a new run)
        self.commit_hook: Callable[[Dataset, str], bool] | None = None

        pi = self.getPlotItem()
        pi.setMenuEnabled(False)
        pi.hideButtons()
        label_style = {"color": "#202020", "font-size": "14pt"}
        pi.setLabel("bottom", "x₁", **label_style)
        pi.setLabel("left", "x₂", **label_style)
        tick_font = QFont()
        tick_font.setPointSize(11)
        for side in ("left", "bottom"):
            axis = pi.getAxis(side)
            axis.setTextPen("#202020")
            axis.setPen("#606060")
            axis.setStyle(tickFont=tick_font)
            # its ticks reach into the plot, so each new decision image repainted the
            # axis too (a QPicture replay per frame): a pixmap cache makes that a blit
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        vb.setAspectLocked(True, ratio=1.0)
        vb.disableAutoRange()
        vb.setLimits(xMin=-60, xMax=60, yMin=-60, yMax=60, minXRange=0.2, minYRange=0.2)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.image = SmoothImage(axisOrder="row-major")
        self.image.setZValue(-10)
        self.image.setVisible(False)
        pi.addItem(self.image)

        self._image_placed: tuple | None = None  # (extent, shape) of the last setRect
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(CURVE_COLOR, width=2.5), antialias=True)
        self.curve.setZValue(5)
        self.curve.setVisible(False)
        pi.addItem(self.curve)

        self._train_items: list[_PassiveScatter] = []
        self._test_items: list[_PassiveScatter] = []
        for _ in range(MAX_CLASSES):
            for items, z in ((self._train_items, 10), (self._test_items, 11)):
                item = _PassiveScatter(pxMode=True, symbol="o")
                item.setZValue(z)
                pi.addItem(item)
                items.append(item)
        # a dark rim under every test point keeps its ring legible on any region colour
        self._test_rim = _PassiveScatter(pxMode=True, symbol="o", pen=None)
        self._test_rim.setZValue(10.5)
        pi.addItem(self._test_rim)
        # the points change only when the data do, the decision image under them every
        # frame: each scatter keeps its picture in a device pixmap, so a frame blits 20,000
        # points instead of drawing them (half the canvas's frame time at that size)
        for item in (*self._train_items, *self._test_items, self._test_rim):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._highlight_item = _PassiveScatter(
            pxMode=True, symbol="o", brush=None, pen=pg.mkPen(HIGHLIGHT_COLOR, width=2.5)
        )
        self._highlight_item.setZValue(20)
        pi.addItem(self._highlight_item)
        self._build_brushes()

        self.undo_action = QAction("Undo", self)
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        # the whole window: Ctrl+Z undoes a point edit whatever widget has the focus (a
        # field being typed in keeps it for its own text: gui/keys.py)
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction("Redo", self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.redo_action.triggered.connect(self.redo)
        for action, name in ((self.undo_action, "Undo"), (self.redo_action, "Redo")):
            action.setProperty("keysName", name)  # the keys list (F1): not "Undo preset"
            self.addAction(action)

        self.set_tool("draw")
        self.reset_view()
        self._refresh()
        self._build_view_tracking()

    # --- state --------------------------------------------------------------------------
    @property
    def dataset(self) -> Dataset:
        return self.history.current

    @property
    def current_class(self) -> int:
        return self._current_class

    @property
    def tool(self) -> str:
        return self._tool

    @property
    def point_size(self) -> float:
        return self._point_size

    @property
    def highlighted(self) -> int | None:
        return self._highlight

    def set_dataset(
        self, ds: Dataset, reset_history: bool = True, label: str = "replace data"
    ) -> None:
        """Show ``ds`` (a preset, a loaded file). Emits nothing. With ``reset_history`` the
        undo history starts afresh; otherwise the replacement is one undoable step."""
        self.history.end_group()  # a stroke cut short by a replacement ends here
        if reset_history:
            self.history.reset(ds, self.history.state.origin)
        elif ds is not self.dataset and not ds.same_as(self.dataset):
            self.history.push(ds, label)
        self.refresh()

    def refresh(self) -> None:
        """Show the history's current state (after a change made from outside)."""
        self._keep_highlight_if_same_point()
        self._refresh()

    def _keep_highlight_if_same_point(self) -> None:
        """The pick ring marks a point: it stays only while that point is still there."""
        i, at = self._highlight, self._highlight_at
        ds = self.dataset
        if i is None:
            return
        if at is None or i >= len(ds) or tuple(ds.points[i]) != at:
            self._highlight = self._highlight_at = None
            self.highlightCleared.emit()

    def set_current_class(self, k: int) -> None:
        """New points get class ``k`` (0..7). Drawing a class ≥ n_classes adds classes."""
        k = int(k)
        if not 0 <= k < MAX_CLASSES:
            raise ValueError(f"class must be 0..{MAX_CLASSES - 1}, got {k}")
        if k != self._current_class:
            self._current_class = k
            self.classChanged.emit(k)

    def set_tool(self, name: str) -> None:
        if name not in TOOLS:
            raise ValueError(f"unknown tool {name!r}; expected one of {', '.join(TOOLS)}")
        self._tool = name
        self._stroke_last = None
        self.history.end_group()  # a stroke cut short by a tool change ends here
        cursors = {
            "draw": Qt.CursorShape.CrossCursor,
            "erase": Qt.CursorShape.CrossCursor,
            "pick": Qt.CursorShape.PointingHandCursor,
            "pan": Qt.CursorShape.OpenHandCursor,
        }
        self.viewport().setCursor(cursors[name])

    def set_new_points_are_test(self, test: bool) -> None:
        self._new_points_are_test = bool(test)

    def set_show_test(self, show: bool) -> None:
        """Draw the test points (True) or only the training points."""
        self._show_test = bool(show)
        self._refresh_points()

    @property
    def show_test(self) -> bool:
        return self._show_test

    def set_regression_value(self, v: float) -> None:
        """The target of points added in 2-D regression."""
        v = float(v)
        if not np.isfinite(v):
            raise ValueError("the regression value must be a finite number")
        self._regression_value = v

    def set_regression_levels(self, levels: tuple[float, float] | None) -> None:
        """Fixed (vmin, vmax) for colouring 2-D regression points (match the image's);
        ``None``: the range of the targets."""
        self._regression_levels = None if levels is None else (float(levels[0]), float(levels[1]))
        self._refresh_points()

    def set_point_size(self, px: float) -> None:
        self._point_size = float(px)
        self._refresh_points()

    # --- images and curves --------------------------------------------------------------
    def set_decision_image(
        self,
        rgba: np.ndarray | None,
        extent: tuple[float, float, float, float] = DOMAIN,
    ) -> None:
        """Show an R×R×4 ``uint8`` image (row 0 = lowest y) spanning ``extent`` exactly,
        behind the points; ``None`` hides it. Colours are drawn as given, never levelled."""
        if rgba is None:
            self.image.setVisible(False)
            return
        x0, x1, y0, y1 = extent
        self.image.setImage(rgba, autoLevels=False)
        placed = (tuple(extent), rgba.shape[:2])
        if placed != self._image_placed:  # a new rect tells the view box and its axes
            self._image_placed = placed
            self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.image.setVisible(True)

    def _build_view_tracking(self) -> None:
        # a pan or a wheel zoom moves the range many times a second: the grid is asked
        # for once the view has been still for VIEW_DEBOUNCE_MS
        self._view_timer = QTimer(self)
        self._view_timer.setSingleShot(True)
        self._view_timer.setInterval(VIEW_DEBOUNCE_MS)
        self._view_timer.timeout.connect(self._emit_view)
        self.vb.sigRangeChanged.connect(lambda *_a: self._view_timer.start())
        self.vb.sigResized.connect(lambda *_a: self._view_timer.start())
        self._caption = QLabel(self)
        self._caption.setStyleSheet(
            "QLabel { background: rgba(255,255,255,220); color: #111; padding: 3px 6px;"
            " border: 1px solid #555; }"
        )
        self._caption.hide()
        self.vb.sigResized.connect(lambda *_a: self.place_caption())

    def visible_view(self) -> tuple[tuple[float, float, float, float], tuple[float, float]]:
        """The visible (x_min, x_max, y_min, y_max) and the view's size in pixels."""
        (x0, x1), (y0, y1) = self.vb.viewRange()
        r = self.vb.sceneBoundingRect()
        return (float(x0), float(x1), float(y0), float(y1)), (r.width(), r.height())

    def _emit_view(self) -> None:
        view, pixels = self.visible_view()
        if pixels[0] >= 2 and pixels[1] >= 2:
            self.viewChanged.emit(view, pixels)

    def image_rect(self) -> QRectF | None:
        """The decision image's rectangle in data units (None while hidden)."""
        if not self.image.isVisible() or self.image.image is None:
            return None
        return self.image.mapRectToView(self.image.boundingRect())

    @property
    def caption(self) -> QLabel:
        """The note in the canvas's corner (what the picture shows)."""
        return self._caption

    def set_caption(self, text: str | None) -> None:
        """A note in the canvas's top-left corner (what the picture shows), or none."""
        if not text:
            self._caption.hide()
            return
        self._caption.setText(text)
        self._caption.adjustSize()
        self._caption.show()
        self.place_caption()

    def place_caption(self, avoid: QRect | None = None) -> None:
        """The note at the data area's top left, or at its bottom left when it would lie
        under ``avoid`` (the colour key in the top-right corner of a narrow canvas)."""
        if avoid is not None:
            self._caption_avoid = QRect(avoid)
        c = self._caption
        if not c.isVisible():
            return
        area = self.vb.sceneBoundingRect().toAlignedRect()
        spot = QRect(area.left() + 6, area.top() + 6, c.width(), c.height())
        avoid = self._caption_avoid
        if avoid is not None and avoid.isValid() and spot.intersects(avoid):
            spot.moveBottom(area.bottom() - 6)
        c.move(spot.topLeft())
        c.raise_()

    def set_curve(self, xs: np.ndarray | None, ys: np.ndarray | None = None) -> None:
        """The fitted 1-D regression curve; ``set_curve(None)`` hides it."""
        if xs is None:
            if self.curve.isVisible():  # (every frame of 2-D data asks: no work when hidden)
                self.curve.setData([], [])
                self.curve.setVisible(False)
            return
        self.curve.setData(np.asarray(xs, float), np.asarray(ys, float))
        self.curve.setVisible(True)

    def highlight_point(self, index: int | None) -> None:
        if index is not None and not 0 <= index < len(self.dataset):
            index = None
        self._highlight = index
        self._highlight_at = None if index is None else tuple(self.dataset.points[index])
        self._refresh_highlight()

    def reset_view(self) -> None:
        x0, x1, y0, y1 = DOMAIN
        self.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)

    # --- edits --------------------------------------------------------------------------
    def undo(self) -> None:
        # (no parameters: QAction.triggered passes its checked flag to a slot that has one)
        self._back_one(emit=True)

    def take_back_refused_edit(self) -> None:
        """Back one edit without sending it: the engine refused the edit and kept the
        earlier data itself."""
        self._back_one(emit=False)

    def _back_one(self, emit: bool) -> None:
        was = self.history.state
        ds = self.history.undo()
        if ds is not None:
            self.refresh()
            if emit:
                self.stateChanged.emit(was, self.history.state)
                self.datasetEdited.emit(ds)

    def redo(self) -> None:
        was = self.history.state
        ds = self.history.redo()
        if ds is not None:
            self.refresh()
            self.stateChanged.emit(was, self.history.state)
            self.datasetEdited.emit(ds)

    def commit_edit(self, ds: Dataset, label: str) -> None:
        """An edit of the points made elsewhere (Noise, Test share): one undo step. The
        points keep their order, so a picked point stays picked where it moved to."""
        self.history.end_group()
        i = self._highlight
        if i is not None and len(ds) == len(self.dataset) and i < len(ds):
            self._highlight_at = tuple(ds.points[i])
        self._commit(ds, label)

    def clear_points(self) -> None:
        """Remove every point (undoable)."""
        self.history.end_group()  # never folded into a stroke left open
        ds = self.dataset
        if len(ds):
            self._commit(ds.without(np.arange(len(ds))), "clear points")

    def _commit(self, ds: Dataset, label: str) -> None:
        if self.commit_hook is not None and self.commit_hook(ds, label):
            return
        was = self.history.state
        self.history.push(ds, label)
        self.refresh()
        self.stateChanged.emit(was, self.history.state)
        self.datasetEdited.emit(ds)

    def _inside(self, x: float, y: float) -> bool:
        """Points go anywhere in view (the decision regions fill it too)."""
        (x0, x1), (y0, y1) = self.vb.viewRange()
        return x0 <= x <= x1 and y0 <= y <= y1

    def _add_point(self, x: float, y: float) -> bool:
        if not self._inside(x, y):
            return False
        ds = self.dataset
        if len(ds) >= MAX_POINTS:  # Dataset would raise inside the click handler
            self.limitReached.emit(
                f"The canvas holds {MAX_POINTS:,} points, the most it can: remove some to add more."
            )
            return False
        test = self._new_points_are_test
        if ds.task == "classification":
            k = self._current_class
            if k >= ds.n_classes:
                ds = ds.replace(n_classes=k + 1)
            ds = ds.with_point(x, y, label=k, test=test)
        elif ds.input_dim == 1:
            ds = ds.with_point(x, y, label=y, test=test)
        else:
            ds = ds.with_point(x, y, label=self._regression_value, test=test)
        self._commit(ds, "add point")
        return True

    def _nearest_within(self, x: float, y: float) -> int | None:
        ds = self.dataset
        i = ds.nearest(x, y)
        if i is None:
            return None
        px, py = self.vb.viewPixelSize()  # data units per screen pixel
        dx = (ds.points[i, 0] - x) / px
        dy = (ds.points[i, 1] - y) / py
        return i if dx * dx + dy * dy <= self.pick_radius_px**2 else None

    def _remove_near(self, x: float, y: float) -> bool:
        i = self._nearest_within(x, y)
        if i is None:
            return False
        h = self._highlight
        if h is not None:  # the highlighted point keeps its mark; later indices shift down
            self._highlight = None if h == i else (h - 1 if h > i else h)
            if self._highlight is None:
                self._highlight_at = None
                self.highlightCleared.emit()
        self._commit(self.dataset.without([i]), "remove point")
        return True

    # --- mouse (called by the view box) -------------------------------------------------
    def _handle_click(self, ev) -> bool:
        # a click is its own undo step, even if a stroke's end never arrived
        self.history.end_group()
        self._stroke_last = None
        p = self.vb.mapSceneToView(ev.scenePos())
        x, y = p.x(), p.y()
        if ev.button() == Qt.MouseButton.RightButton:
            self._remove_near(x, y)
            return True
        if ev.button() != Qt.MouseButton.LeftButton:
            return False
        if self._tool == "draw":
            self._add_point(x, y)
            return True
        if self._tool == "erase":
            self._remove_near(x, y)
            return True
        if self._tool == "pick":
            i = self._nearest_within(x, y)
            self.highlight_point(i)
            if i is not None:
                self.pointPicked.emit(i)
            return True
        return False

    def _handle_drag(self, ev) -> bool:
        if self._tool not in DRAWING_TOOLS:
            return False
        if ev.button() != Qt.MouseButton.LeftButton:
            return True  # no panning or drag-zoom while drawing
        if ev.isStart():
            self.history.begin_group("paint" if self._tool == "draw" else "erase")
            self._stroke_last = None
            start = self.vb.mapSceneToView(ev.buttonDownScenePos())
            self._stroke_to(start.x(), start.y())
        p = self.vb.mapSceneToView(ev.scenePos())
        self._stroke_to(p.x(), p.y())
        if ev.isFinish():
            self.history.end_group()
            self._stroke_last = None
        return True

    def _stroke_to(self, x: float, y: float) -> None:
        if self._tool == "erase":
            self._remove_near(x, y)
            return
        last = self._stroke_last
        if last is not None and np.hypot(x - last[0], y - last[1]) < self.stroke_spacing:
            return
        if self._add_point(x, y):
            self._stroke_last = (x, y)

    # --- keyboard -----------------------------------------------------------------------
    @guarded
    def keyPressEvent(self, ev) -> None:
        key = ev.key()
        plain = not (ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if plain and Qt.Key.Key_1 <= key <= Qt.Key.Key_8:
            self.set_current_class(key - Qt.Key.Key_1)
            ev.accept()
            return
        super().keyPressEvent(ev)

    # --- drawing ------------------------------------------------------------------------
    def _build_brushes(self) -> None:
        self._outline_pen = pg.mkPen(POINT_OUTLINE, width=1.2)
        self._train_brushes = [pg.mkBrush(*c, 255) for c in CLASS_COLORS]
        # test points: a thick ring of the class colour around a white centre
        self._test_pens = [pg.mkPen(*c, 255, width=3) for c in CLASS_COLORS]
        self._test_brush = pg.mkBrush(255, 255, 255, 255)
        self._rim_brush = pg.mkBrush(POINT_OUTLINE)
        self._no_pen = pg.mkPen(None)
        self._plain_brush = pg.mkBrush(hex_to_rgb(PLAIN_POINT))
        self._plain_test_pen = pg.mkPen(PLAIN_POINT, width=3)
        lut = regression_colors(np.linspace(0.0, 1.0, 256), 0.0, 1.0)
        self._value_brushes = [pg.mkBrush(*c) for c in lut]
        self._value_pens = [pg.mkPen(*c[:3], 255, width=3) for c in lut]

    def _refresh(self) -> None:
        self._enable_actions()
        self._refresh_points()
        self._refresh_highlight()

    def _enable_actions(self) -> None:
        h = self.history
        self.undo_action.setEnabled(h.can_undo)
        self.redo_action.setEnabled(h.can_redo)
        self.undo_action.setText(f"Undo {h.undo_label}" if h.can_undo else "Undo")
        self.redo_action.setText(f"Redo {h.redo_label}" if h.can_redo else "Redo")

    def _refresh_points(self) -> None:
        ds = self.dataset
        size = self._point_size
        pts = ds.points
        for item in self._train_items + self._test_items:
            item.clear()
        self._test_rim.set_points(pts[ds.is_test], size + 3, self._no_pen, self._rim_brush)
        train, test = self._train_items, self._test_items
        if ds.task == "classification":
            for k in range(ds.n_classes):
                mine = ds.y == k
                a, b = mine & ~ds.is_test, mine & ds.is_test
                train[k].set_points(pts[a], size, self._outline_pen, self._train_brushes[k])
                test[k].set_points(pts[b], size, self._test_pens[k], self._test_brush)
        elif ds.input_dim == 1:
            a, b = ~ds.is_test, ds.is_test
            train[0].set_points(pts[a], size, self._outline_pen, self._plain_brush)
            test[0].set_points(pts[b], size, self._plain_test_pen, self._test_brush)
        else:
            if self._regression_levels is not None:
                vmin, vmax = self._regression_levels
            elif len(ds):
                vmin, vmax = float(ds.y.min()), float(ds.y.max())
            else:
                vmin, vmax = 0.0, 1.0
            if not vmax > vmin:
                vmin, vmax = vmin - 1.0, vmin + 1.0
            idx, _ = lut_index(ds.y, vmin, vmax)
            a, b = ~ds.is_test, ds.is_test
            train[0].set_points(pts[a], size, self._outline_pen, (self._value_brushes, idx[a]))
            test[0].set_points(pts[b], size, (self._value_pens, idx[b]), self._test_brush)
        # an empty item still costs a paint call every frame: hide it
        for item in (*self._train_items, *self._test_items, self._test_rim):
            item.setVisible(len(item.data) > 0)
        if not self._show_test:  # "show test data" off: the held-out points are not drawn
            for item in (*self._test_items, self._test_rim):
                item.setVisible(False)

    def _refresh_highlight(self) -> None:
        i = self._highlight
        if i is not None and i >= len(self.dataset):
            i = self._highlight = self._highlight_at = None
        if i is None:
            self._highlight_item.clear()
            return
        x, y = self.dataset.points[i]
        self._highlight_item.setData(
            pos=np.array([[x, y]]), size=self._point_size * 2.2, brush=None
        )
