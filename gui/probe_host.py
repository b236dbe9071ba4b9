"""What the weight probe's parts (the hand on a diagram, the probe's panel, the exercise
box) need of the feature that holds them (gui/probe_window.ProbeFeature): an interface,
so that they know it without importing it (it imports them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from backprop_lab.engine.paramref import ParamRef

    from .feature_window import FeatureWindow
    from .probe_edits import HandEdits
    from .probe_figures import Figures


class ProbeHost(Protocol):
    w: FeatureWindow
    edits: HandEdits  # set, drag and undo weights by hand
    figures: Figures | None  # what the engine measured with the latest frame
    probe_refs: tuple[ParamRef, ...]  # the weights the probe panel shows

    def value(self, ref: ParamRef) -> float | None: ...

    def slope(self, ref: ParamRef) -> float | None: ...

    def say(self, text: str) -> None: ...

    def pick(self, ref: ParamRef, add: bool = False, quiet: bool = False) -> None: ...

    def point_at(self, ref: ParamRef) -> None: ...
