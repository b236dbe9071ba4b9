"""What surrounds the canvas: the network beside it, the colour key in its corner, the
lesson notes above it, the view bar under it, and the bigger network a preset needs.

``CanvasViews`` builds these parts for a ``MainWindow`` (as ``w.netview``, ``w.legend``,
``w.notes``, ``w.canvas_splitter``, ``w.network_view_button``, ``w.show_test_box``) and
wires them; the window delegates ``set_network_view`` and ``offer_network`` here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from backprop_lab.engine import Dataset
from backprop_lab.engine.advice import Offer, is_default_network, offer_for
from backprop_lab.engine.notation import sub, sup
from PySide6.QtCore import QObject, QRect, Qt, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QSplitter

from . import commands as cmd
from .arrayview import symmetric_limit
from .legend import CanvasLegend
from .netview import NetView, unit_caption
from .notes import NotesPane
from .presenter import regression_levels

if TYPE_CHECKING:
    from .main_window import MainWindow


class CanvasViews(QObject):
    def __init__(self, w: MainWindow):
        super().__init__(w)
        self.w = w
        w.notes = NotesPane()
        w.legend = CanvasLegend(w.canvas)
        # the network diagram beside the canvas (View → Network diagram), hidden at first
        w.netview = NetView()
        w.netview.hide()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(w.netview)
        split.addWidget(w.canvas)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        w.canvas_splitter = split
        w.show_test_box = QCheckBox("show test data")
        w.show_test_box.setChecked(True)
        w.show_test_box.setToolTip("Draw the test points (rings); off: training points only")
        b = QPushButton("Network diagram")
        b.setCheckable(True)
        b.setToolTip("The network diagram beside the canvas (G)")
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        w.network_view_button = b

    def view_bar(self) -> QHBoxLayout:
        """Under the canvas, as TF Playground has them: what the picture shows."""
        w = self.w
        bar = QHBoxLayout()
        bar.addWidget(w.network_view_button)
        bar.addStretch(1)
        bar.addWidget(w.show_test_box)
        return bar

    def connect(self) -> None:
        w, c = self.w, self.w.controller
        w.network_view_button.toggled.connect(w.set_network_view)
        w.canvas.viewChanged.connect(lambda v, px: c.send(cmd.SetGridView(v, px)))
        w.netview.attach(c)  # its frames, and the unit maps while it shows
        c.frameReady.connect(self.key_for_frame)
        w.netview.unitHovered.connect(self.on_unit_hovered)
        w.show_test_box.toggled.connect(self.on_show_test)

    # --- the network beside the canvas (gui/netview.py) ----------------------------------
    def set_network_view(self, on: bool) -> None:
        w = self.w
        w.netview.setVisible(bool(on))
        if not on:
            self.on_unit_hovered(None)
        for a in (getattr(w, "network_view_action", None), w.network_view_button):
            if a is not None and a.isChecked() != bool(on):
                a.blockSignals(True)
                a.setChecked(bool(on))
                a.blockSignals(False)

    @Slot(object)
    def on_unit_hovered(self, unit) -> None:
        """A hidden unit under the mouse in the diagram: its map fills the canvas."""
        w = self.w
        w.controller.send(cmd.SetGridUnit(unit))
        if unit is None or w.latest is None:
            w.canvas.set_caption(None)
            return
        acts = w.latest.snapshot.arch.activations
        if unit[0] - 1 < len(acts):
            w.canvas.set_caption(unit_caption(unit[0], unit[1], acts[unit[0] - 1]))
            self.keep_caption_clear()

    def keep_caption_clear(self) -> None:
        """The unit's caption never under the colour key (a narrow canvas beside the
        diagram): the key's place is passed on whenever either moves."""
        legend = self.w.legend
        self.w.canvas.place_caption(legend.geometry() if legend.isVisible() else QRect())

    # --- the colour key and the test points ------------------------------------------------
    @Slot(bool)
    def on_show_test(self, show: bool) -> None:
        self.w.canvas.set_show_test(show)
        self.refresh_key(self.w.canvas.dataset)

    def refresh_key(self, ds: Dataset) -> None:
        """Classes (and the test ring, when test points are drawn) or a colour bar."""
        w = self.w
        if ds.task == "classification":
            show = w.show_test_box.isChecked() and bool(np.any(ds.is_test))
            w.legend.set_classes(max(ds.n_classes, 2), with_test=show, names=ds.class_names)
        elif ds.input_dim == 2:
            w.legend.set_scale(*regression_levels(ds), title="ŷ (value)")
        else:
            w.legend.clear()

    @Slot(object)
    def key_for_frame(self, frame) -> None:
        """The colour key follows the picture: a hovered unit's scale, else the data's."""
        unit = getattr(frame, "unit", None)
        if unit is None or frame.grid is None:
            self.w.legend.restore()
            return
        act = frame.snapshot.arch.activations[unit[0] - 1]
        if act == "sigmoid":
            lo, hi = 0.0, 1.0
        elif act == "tanh":
            lo, hi = -1.0, 1.0
        else:
            m = symmetric_limit(frame.grid)
            lo, hi = -m, m
        self.w.legend.set_unit_scale(lo, hi, f"h{sub(unit[1] + 1)}{sup(unit[0])}")
        self.keep_caption_clear()

    # --- a network that learns the preset (engine/advice.py) ------------------------------
    def offer_network(self, preset: str | None) -> Offer | None:
        """Switch to the offered network when the network is still the default, else offer
        it in the banner. Returns the offer, if there is one."""
        w = self.w
        offer = offer_for(preset)
        if offer is None:
            return None
        spec = w.network_panel.spec()
        if spec.hidden == offer.hidden and set(spec.activations) == {offer.activation}:
            return offer
        if is_default_network(spec):
            self.use_network(offer)
            w.banner.show_message(f"{offer.reason}: switched to {offer.label}.", "info")
        else:
            w.banner.show_message(
                f"{offer.reason}. Use {offer.label}?",
                "info",
                (f"Use {offer.label}", lambda: self.use_network(offer)),
            )
        return offer

    def use_network(self, offer: Offer) -> None:
        """Apply an offered network and learning rate (panels and engine)."""
        w = self.w
        w.network_panel.set_spec(offer.spec(w.network_panel.spec()), emit=True)
        w.training_panel.set_hyper(offer.hyper(w.training_panel.hyper()))
        w.controller.set_hyper(w.training_panel.hyper())
