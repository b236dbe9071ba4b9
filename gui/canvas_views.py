"""The canvas column: the lesson notes above the canvas, its tool bar, the network beside
it, the colour key in its corner, and the view bar under it.

``CanvasArea`` owns these parts and wires them to the canvas and to the engine (the
visible rectangle for the grid, a hovered unit's map). What the canvas shows follows the
data (``show_task``) and the type size (``set_font_scale``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from backprop_lab.engine import Dataset
from backprop_lab.engine.notation import sub, sup
from PySide6.QtCore import QRect, Qt, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from . import commands as cmd
from .arrayview import symmetric_limit
from .canvas import DataCanvas
from .canvas_toolbar import CanvasToolBar
from .controller import EngineController
from .legend import CanvasLegend
from .netview import NetView, unit_caption
from .notes import NotesPane
from .presenter import regression_levels
from .window_layout import MIN_CANVAS
from .worker import Frame


class CanvasArea(QWidget):
    """The canvas and what surrounds it. ``latest`` gives the frame shown last."""

    def __init__(
        self,
        canvas: DataCanvas,
        controller: EngineController,
        latest: Callable[[], Frame | None],
    ):
        super().__init__()
        self.canvas = canvas
        self.controller = controller
        self.latest = latest
        self.font_scale = 1.0
        self.notes = NotesPane()
        self.toolbar = CanvasToolBar()
        self.legend = CanvasLegend(canvas)
        # the network diagram beside the canvas (View → Network diagram), hidden at first
        self.netview = NetView()
        self.netview.hide()
        canvas.setMinimumSize(MIN_CANVAS, MIN_CANVAS)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.netview)
        split.addWidget(canvas)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        self.splitter = split
        self.show_test_box = QCheckBox("show test data")
        self.show_test_box.setChecked(True)
        self.show_test_box.setToolTip("Draw the test points (rings); off: training points only")
        b = QPushButton("Network diagram")
        b.setCheckable(True)
        b.setToolTip("The network diagram beside the canvas (G)")
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.network_view_button = b

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.notes)
        lay.addWidget(self.toolbar)
        lay.addWidget(split, 1)
        # under the canvas, as TF Playground has them: what the picture shows
        view_bar = QHBoxLayout()
        view_bar.addWidget(b)
        view_bar.addStretch(1)
        view_bar.addWidget(self.show_test_box)
        lay.addLayout(view_bar)

        tb = self.toolbar
        tb.toolChosen.connect(self.set_tool)
        tb.classChosen.connect(canvas.set_current_class)
        tb.value_spin.valueChanged.connect(canvas.set_regression_value)
        tb.test_box.toggled.connect(canvas.set_new_points_are_test)
        canvas.classChanged.connect(tb.show_class)
        canvas.viewChanged.connect(lambda v, px: controller.send(cmd.SetGridView(v, px)))
        self.netview.attach(controller)  # its frames, and the unit maps while it shows
        controller.frameReady.connect(self.key_for_frame)
        self.netview.unitHovered.connect(self.on_unit_hovered)
        self.show_test_box.toggled.connect(self.on_show_test)

    # --- the tools --------------------------------------------------------------------------
    def set_tool(self, name: str) -> None:
        self.canvas.set_tool(name)
        self.toolbar.show_tool(name)

    # --- the network beside the canvas (gui/netview.py) ----------------------------------
    @property
    def network_view_shown(self) -> bool:
        return self.netview.isVisibleTo(self)

    def set_network_view(self, on: bool) -> None:
        self.netview.setVisible(bool(on))
        if not on:
            self.on_unit_hovered(None)
        b = self.network_view_button
        if b.isChecked() != bool(on):
            b.blockSignals(True)
            b.setChecked(bool(on))
            b.blockSignals(False)

    @Slot(object)
    def on_unit_hovered(self, unit) -> None:
        """A hidden unit under the mouse in the diagram: its map fills the canvas."""
        self.controller.send(cmd.SetGridUnit(unit))
        latest = self.latest()
        if unit is None or latest is None:
            self.canvas.set_caption(None)
            return
        acts = latest.snapshot.arch.activations
        if unit[0] - 1 < len(acts):
            self.canvas.set_caption(unit_caption(unit[0], unit[1], acts[unit[0] - 1]))
            self.keep_caption_clear()

    def keep_caption_clear(self) -> None:
        """The unit's caption never under the colour key (a narrow canvas beside the
        diagram): the key's place is passed on whenever either moves."""
        legend = self.legend
        self.canvas.place_caption(legend.geometry() if legend.isVisible() else QRect())

    # --- the colour key and the test points ------------------------------------------------
    @Slot(bool)
    def on_show_test(self, show: bool) -> None:
        self.canvas.set_show_test(show)
        self.refresh_key(self.canvas.dataset)

    def refresh_key(self, ds: Dataset) -> None:
        """Classes (and the test ring, when test points are drawn) or a colour bar."""
        if ds.task == "classification":
            show = self.show_test_box.isChecked() and bool(np.any(ds.is_test))
            self.legend.set_classes(max(ds.n_classes, 2), with_test=show, names=ds.class_names)
        elif ds.input_dim == 2:
            self.legend.set_scale(*regression_levels(ds), title="ŷ (value)")
        else:
            self.legend.clear()

    @Slot(object)
    def key_for_frame(self, frame: Frame) -> None:
        """The colour key follows the picture: a hovered unit's scale, else the data's."""
        unit = frame.unit
        if unit is None or frame.grid is None:
            self.legend.restore()
            return
        act = frame.snapshot.arch.activations[unit[0] - 1]
        if act == "sigmoid":
            lo, hi = 0.0, 1.0
        elif act == "tanh":
            lo, hi = -1.0, 1.0
        else:
            m = symmetric_limit(frame.grid)
            lo, hi = -m, m
        self.legend.set_unit_scale(lo, hi, f"h{sub(unit[1] + 1)}{sup(unit[0])}")
        self.keep_caption_clear()

    # --- what the canvas shows of the data -----------------------------------------------------
    def show_task(self, ds: Dataset) -> None:
        """The tool bar, the key, the picture and the axes for the data's task."""
        self.toolbar.show_task(ds)
        if ds.task == "regression" and ds.input_dim == 2:
            self.canvas.set_regression_levels(regression_levels(ds))
        self.refresh_key(ds)
        if ds.task != "classification" or ds.input_dim != 2:
            self.canvas.set_decision_image(None)
        if not (ds.task == "regression" and ds.input_dim == 1):
            self.canvas.set_curve(None)
        self.label_axes(ds)

    def label_axes(self, ds: Dataset | None = None) -> None:
        """x₁ across; up, x₂, or the target y of a 1-D regression (a curve y(x₁))."""
        ds = ds if ds is not None else self.canvas.dataset
        up = "y" if ds.task == "regression" and ds.input_dim == 1 else "x₂"
        size = {"font-size": f"{14 * self.font_scale:.0f}pt"}
        pi = self.canvas.getPlotItem()
        pi.getAxis("bottom").setLabel("x₁", color="#202020", **size)
        pi.getAxis("left").setLabel(up, color="#202020", **size)

    def set_font_scale(self, scale: float, font: QFont) -> None:
        """The canvas's own sizes (11 pt ticks, 14 pt axis names, the points) times the
        scale; the notes' title a size larger than ``font``."""
        self.font_scale = scale
        self.notes.follow_font()  # its title: bold and a size larger than the type
        tick = QFont(font)
        tick.setPointSizeF(11.0 * scale)
        pi = self.canvas.getPlotItem()
        for side in ("left", "bottom"):
            pi.getAxis(side).setStyle(tickFont=tick)
        self.label_axes()
        self.canvas.set_point_size(9.0 * max(1.0, scale**0.75))
