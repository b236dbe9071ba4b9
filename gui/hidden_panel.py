"""The window's side of "what the layers do": the hidden-space views and the layer-health
tab, wired to the engine thread.

``HiddenSpaceHub`` owns

* two hidden-space views (gui/hidden_view.py): a panel beside the canvas (key H, View →
  Hidden space beside the canvas) and a tab of the backprop inspector, which show
  the same layer and view (``request``), each with its own morph slider and angle;
* the frame extras that compute their figure and the layer-health histograms in the engine
  thread (gui/hidden_model.py), asked for only while something shows them: a closed view
  costs the engine nothing;
* the links: a unit clicked in either network diagram picks the units shown (or the
  layer), a point hovered in a view is ringed on the canvas and in the other view, and a
  point hovered on the canvas is ringed in the views;
* the layer-health tab of the plot column (gui/health_plot.py).

The rewind bar needs nothing of its own: a rewind publishes a frame, and the frame
carries the figure of the step rewound to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from backprop_lab.engine.hidden import HiddenSpace
from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtWidgets import QSplitter

from . import commands as cmd
from .diagram import legend_html as diagram_legend_html
from .health_plot import LayerHealth
from .hidden_model import HiddenRequest, HiddenResult, HiddenSource, HistogramSource
from .hidden_view import HiddenSpaceView
from .safety import guarded
from .scatter import PassiveScatter
from .unit_key import unit_key_html

if TYPE_CHECKING:
    from .feature_window import FeatureWindow

HIDDEN_EXTRA = "hidden"
HEALTH_EXTRA = "health"
TAB_NAME = "Hidden space"
MARK_SCALE = 2.6  # the canvas's hover ring, in point sizes
SIDE_SHARE = 0.4  # of the canvas's row, for the column of the diagram and the panel
SHARED_DIAGRAM_MIN = 110  # px: the network diagram's smallest height over the panel


class CanvasMark:
    """A ring on the canvas around the point hovered in a hidden-space view: black inside
    white, legible on every region colour."""

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        pi = canvas.getPlotItem()
        self.outer = PassiveScatter(pxMode=True, symbol="o")
        self.inner = PassiveScatter(pxMode=True, symbol="o")
        self._pens = (pg.mkPen("#FFFFFF", width=4.5), pg.mkPen("#000000", width=2.0))
        self._none = pg.mkBrush(None)
        for z, item in enumerate((self.outer, self.inner)):
            item.setZValue(30 + z)
            pi.addItem(item)
        self.index: int | None = None

    def show(self, index: int | None) -> None:
        ds = self.canvas.dataset
        if index is not None and not 0 <= index < len(ds):
            index = None
        self.index = index
        pos = np.zeros((0, 2)) if index is None else ds.points[index : index + 1]
        size = self.canvas.point_size * MARK_SCALE
        for item, pen in zip((self.outer, self.inner), self._pens):
            item.set_points(pos, size, pen, self._none)

    def position(self) -> tuple[float, float] | None:
        """Where the ring is drawn (data coordinates), or None."""
        if len(self.inner.data) == 0:
            return None
        return float(self.inner.data["x"][0]), float(self.inner.data["y"][0])


class HiddenSpaceHub(QObject):
    def __init__(self, w: FeatureWindow):
        super().__init__(w)
        self.w = w
        self.request = HiddenRequest()
        self.space = HiddenSpace()  # called only inside the engine thread (HiddenSource)
        self.panel = HiddenSpaceView()
        self.panel.setObjectName("hiddenSpacePanel")
        self.panel.hide()
        # the network diagram and the panel share one column beside the canvas, one over
        # the other: side by side they were wider than a 1024-pixel screen holds with the
        # control panels and the plots
        split = w.canvas_area.splitter
        i = split.indexOf(w.canvas_area.netview)
        self.side = QSplitter(Qt.Orientation.Vertical)
        self.side.setObjectName("canvasSide")
        self.side.setChildrenCollapsible(False)
        split.replaceWidget(i, self.side)
        split.setStretchFactor(i, 2)
        self.side.addWidget(w.canvas_area.netview)
        self.side.addWidget(self.panel)
        self.side.setStretchFactor(0, 1)
        self.side.setStretchFactor(1, 1)
        self.side.hide()
        self._diagram_min = w.canvas_area.netview.diagram.minimumHeight()
        for part in (w.canvas_area.netview, self.panel):
            part.installEventFilter(self)
        self.tab_view: HiddenSpaceView | None = None
        self.health = LayerHealth()
        w.plots.add_delta_tab(self.health)
        self.mark = CanvasMark(w.canvas)
        self._hidden_on = False
        self._health_on = False
        self._key_for: tuple | None = None
        self._engine = True  # False once the controller is gone (the window is destroyed)
        w.controller.destroyed.connect(self._engine_gone)
        self.action = None  # View → Hidden space, key H (made in ``connect``)

    # --- wiring (once the inspector exists) -------------------------------------------------
    def connect(self) -> None:
        w = self.w
        menus = w.menus
        self.action = menus.add(menus.view, "Hidden space beside the canvas", ["H"], True)
        self.action.triggered.connect(self.set_panel_open)
        self.tab_view = HiddenSpaceView(compact=True)
        self.tab_view.setObjectName("hiddenSpaceTab")
        w.inspector.tabs.addTab(self.tab_view, TAB_NAME)
        for view in self.views:
            view.requestChanged.connect(self.set_request)
            view.pointHovered.connect(self._on_point_hovered)
            view.shownChanged.connect(self._refresh_extras)
        w.controller.frameReady.connect(self.on_frame)
        for diagram in (w.canvas_area.netview.diagram, w.inspector.diagram):
            diagram.unitClicked.connect(self.on_unit_clicked)
        w.plots.tabChanged.connect(lambda _i: self._refresh_health())
        w.canvas.scene().sigMouseMoved.connect(self._on_canvas_moved)
        w.canvas.viewport().installEventFilter(self)

    @property
    def views(self) -> tuple[HiddenSpaceView, ...]:
        return (self.panel,) if self.tab_view is None else (self.panel, self.tab_view)

    def shown_views(self) -> list[HiddenSpaceView]:
        return [v for v in self.views if v.isVisible()]

    # --- the panel beside the canvas ----------------------------------------------------------
    def set_panel_open(self, on: bool) -> None:
        """Show or hide the panel (H); the window keeps to its screen, and gives the room
        back when the panel goes."""
        w = self.w
        on = bool(on)
        was = not self.panel.isHidden()
        self.panel.setVisible(on)
        a = self.action
        if a is not None and a.isChecked() != on:
            a.blockSignals(True)
            a.setChecked(on)
            a.blockSignals(False)
        self._refresh_extras()
        if w.fit.shown and was != on:
            w.fit.toggled("hidden", on)

    def toggle_panel(self) -> None:
        self.set_panel_open(self.panel.isHidden())

    def _fit_side(self) -> None:
        """The column beside the canvas is there while the diagram or the panel is."""
        diagram = self.w.canvas_area.netview.diagram
        both = not (self.w.canvas_area.netview.isHidden() or self.panel.isHidden())
        # sharing the column, the diagram may be shorter (a 768-line screen with the
        # inspector docked and a lesson's notes holds no more)
        diagram.setMinimumHeight(SHARED_DIAGRAM_MIN if both else self._diagram_min)
        shown = not (self.w.canvas_area.netview.isHidden() and self.panel.isHidden())
        if shown and self.side.isHidden():
            # the column comes with 40 % of the canvas's row (a splitter gives a widget
            # shown late its smallest width)
            split = self.w.canvas_area.splitter
            total = sum(split.sizes())
            if total > 0:
                side = max(self.side.minimumSizeHint().width(), int(SIDE_SHARE * total))
                sizes = [side if split.widget(i) is self.side else 0 for i in range(split.count())]
                rest = [i for i in range(split.count()) if split.widget(i) is not self.side]
                for i in rest:
                    sizes[i] = max(0, total - side) // max(1, len(rest))
                split.setSizes(sizes)
        self.side.setVisible(shown)
        if both:  # half each (else the one there first keeps its room: 100 px for the other)
            half = max(1, self.side.height() // 2)
            self.side.setSizes([half, half])

    # --- what the engine computes -------------------------------------------------------------
    @Slot()
    def _engine_gone(self) -> None:
        self._engine = False

    def _send(self, command) -> None:
        if self._engine:  # views hidden while the window is destroyed ask for nothing
            self.w.controller.send(command)

    def _refresh_extras(self, *_args) -> None:
        on = bool(self.shown_views())
        if on != self._hidden_on:
            self._hidden_on = on
            source = HiddenSource(self.space, self.request) if on else None
            self._send(cmd.SetFrameExtra(HIDDEN_EXTRA, source))
        if not on:
            self.mark.show(None)
        self._show_picked()

    def _refresh_health(self) -> None:
        on = self.w.plots.tab_index == 1
        if on != self._health_on:
            self._health_on = on
            source = HistogramSource() if on else None
            self._send(cmd.SetFrameExtra(HEALTH_EXTRA, source))

    @Slot(object)
    def set_request(self, request: HiddenRequest) -> None:
        """Show ``request`` in both views (the engine computes it from the next frame)."""
        if request == self.request:
            return
        self.request = request
        for view in self.views:
            view.set_request(request)
        if self._hidden_on:
            self._send(cmd.SetFrameExtra(HIDDEN_EXTRA, HiddenSource(self.space, request)))
        self._show_picked()

    # --- frames --------------------------------------------------------------------------------
    @Slot(object)
    def on_frame(self, frame) -> None:
        self._unit_key(frame.run_snapshot(self.w.inspector.run))  # the run it shows
        extras = frame.extras
        if HIDDEN_EXTRA in extras:
            result = extras[HIDDEN_EXTRA]
            stale = isinstance(result, HiddenResult) and result.step != frame.snapshot.step
            if stale and not frame.running and self._hidden_on:
                # the source gave the last figure again (it computes at most ~30 a second):
                # paused, the picture must be this step's, so ask afresh
                self._send(cmd.SetFrameExtra(HIDDEN_EXTRA, HiddenSource(self.space, self.request)))
            for view in self.shown_views():
                if result is not view.result or not frame.running:
                    view.show_result(result, frame.snapshot, frame.running)
            self._show_picked()
        if HEALTH_EXTRA in extras:
            self.health.set_histograms(extras[HEALTH_EXTRA], draw=not frame.running)

    def _unit_key(self, snap) -> None:
        """The inspector's diagram key says what its unit maps show, in which colours."""
        key = (snap.arch.activations, snap.dataset.input_dim)
        if key != self._key_for and self.tab_view is not None:
            self._key_for = key
            label = self.w.inspector.diagram_key
            label.setText(f"{diagram_legend_html()}<br>{unit_key_html(*key)}")

    # --- picking units in the diagrams --------------------------------------------------------
    @Slot(object)
    def on_unit_clicked(self, unit) -> None:
        """A unit clicked in a network diagram: its layer is shown; in a layer wider than
        3 units, the clicked units (up to three, a second click drops one) are the axes."""
        frame = self.w.latest
        if frame is None or not self.shown_views():
            return
        layer, j = unit
        arch = frame.snapshot.arch
        if not 1 <= layer < arch.depth:
            return
        r = self.request
        if arch.widths[layer] <= 3:
            new = HiddenRequest(layer, "auto")
        elif r.mode == "units" and r.layer == layer:
            units = [u for u in r.units if u != j] if j in r.units else [*r.units, j]
            new = HiddenRequest(layer, "units", tuple(units[-3:]))
        else:
            new = HiddenRequest(layer, "units", (j,))
        self.set_request(new)

    def _show_picked(self) -> None:
        """Number the picked units in both diagrams while a view shows them."""
        r = self.request
        picked = ()
        if self._hidden_on and r.mode == "units" and r.layer is not None:
            picked = tuple((r.layer, u) for u in r.units)
        diagrams = [self.w.canvas_area.netview.diagram]
        if self.tab_view is not None:  # the inspector is built
            diagrams.append(self.w.inspector.diagram)
        for d in diagrams:
            d.set_picked(picked)

    # --- hovering points ------------------------------------------------------------------------
    @Slot(object)
    def _on_point_hovered(self, index) -> None:
        self._highlight(index)

    def _highlight(self, index: int | None) -> None:
        self.mark.show(index)
        for view in self.views:
            view.set_highlight(index)

    def _on_canvas_moved(self, scene_pos) -> None:
        if not self._hidden_on:
            return
        c = self.w.canvas
        ds = c.dataset
        if len(ds) == 0:
            return
        p = c.vb.mapSceneToView(scene_pos)
        sx, sy = c.vb.viewPixelSize()
        reach = c.pick_radius_px
        d = ((ds.points[:, 0] - p.x()) / (reach * sx)) ** 2
        d += ((ds.points[:, 1] - p.y()) / (reach * sy)) ** 2
        i = int(np.argmin(d))
        index = i if d[i] <= 1.0 else None
        if index != self.mark.index:
            self._highlight(index)

    @guarded(default=False)
    def eventFilter(self, obj, ev) -> bool:  # noqa: N802
        kind = ev.type()
        if kind in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
            if obj is self.w.canvas_area.netview or obj is self.panel:
                self._fit_side()
        elif kind == QEvent.Type.Leave and obj is not self.panel and self.mark.index is not None:
            self._highlight(None)  # the mouse left the canvas
        return False
