"""The control panels: data, network and training, one module each (gui/data_panel.py,
gui/network_panel.py, gui/training_panel.py), re-exported here. Widgets only translate
between the user and immutable engine values (``Dataset``, ``NetworkSpec``,
``HyperParameters``); they hold no maths and never touch the session (the main window
forwards their values to the engine thread).

``Panels`` holds the three and shows a session in them (its design, its data).
"""

from __future__ import annotations

from dataclasses import dataclass

from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec, Snapshot, TrainingSession
from backprop_lab.engine.advice import DEFAULT_HYPER, DEFAULT_NETWORK, offer_for
from backprop_lab.engine.datasets import PRESETS

from .data_panel import TASK_PRESETS, DataOrigin, DataPanel, task_key
from .network_panel import NetworkPanel, output_width, shapes_text
from .panel_common import compact
from .training_panel import (
    DEFAULT_SPEED,
    SPEEDS,
    TrainingPanel,
    alpha_from_tick,
    speed_label,
    tick_from_alpha,
)

__all__ = [
    "DEFAULT_SPEED",
    "Design",
    "Panels",
    "SPEEDS",
    "TASK_PRESETS",
    "DataPanel",
    "NetworkPanel",
    "TrainingPanel",
    "alpha_from_tick",
    "compact",
    "output_width",
    "shapes_text",
    "speed_label",
    "task_key",
    "tick_from_alpha",
]


@dataclass(frozen=True)
class Design:
    """What the network and training panels show of a run: its design, its settings and
    its seed."""

    spec: NetworkSpec
    hyper: HyperParameters
    seed: int


class Panels:
    """The data, network and training panels of one window."""

    def __init__(self, spec: NetworkSpec = DEFAULT_NETWORK, hyper: HyperParameters = DEFAULT_HYPER):
        self.data = DataPanel()
        self.network = NetworkPanel(spec)
        self.training = TrainingPanel(hyper)

    def all(self) -> tuple[DataPanel, NetworkPanel, TrainingPanel]:
        return self.data, self.network, self.training

    def design(self) -> Design:
        return Design(self.network.spec(), self.training.hyper(), self.training.seed)

    def show_data_shape(self, ds: Dataset) -> bool:
        """The network panel follows the data's inputs, task and classes, the training
        panel the number of training points; True if the input features changed."""
        changed = self.network.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
        self.training.set_n_train(ds.n_train)
        return changed

    def set_design(self, design: Design, ds: Dataset) -> None:
        """Show ``design`` for the data ``ds`` (no signals)."""
        self.network.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
        self.network.set_spec(design.spec, emit=False)
        self.training.set_hyper(design.hyper)
        self.training.set_seed(design.seed)

    def show_design(self, session: TrainingSession | Snapshot) -> None:
        """The network and training panels show a session's (or a snapshot's) design,
        hyper-parameters and seed (no signals)."""
        ds = session.dataset
        self.network.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
        self.network.set_spec(session.spec, emit=False)
        self.training.set_hyper(session.hyper)
        self.training.set_seed(session.seed)
        self.training.set_n_train(ds.n_train)

    def show_session(self, session: TrainingSession | Snapshot, origin: DataOrigin) -> None:
        """Every panel shows a session (or a snapshot): its data, from ``origin``, and its
        design (no signals)."""
        self.show_design(session)
        self.data.show_data(session.dataset, origin)

    def fresh_session(
        self,
        preset: str,
        spec: NetworkSpec = DEFAULT_NETWORK,
        hyper: HyperParameters = DEFAULT_HYPER,
    ) -> TrainingSession:
        """The session a new window opens with on ``preset`` (File → New too): the data
        controls, the network, the settings and the seed as they start; the panels show
        it (no signals)."""
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
        dp, start = self.data, DataPanel()
        dp.blockSignals(True)  # its controls are set, not changed by the user
        try:
            for mine, fresh in (
                (dp.noise_slider, start.noise_slider),
                (dp.test_slider, start.test_slider),
                (dp.points_spin, start.points_spin),
                (dp.classes_spin, start.classes_spin),
            ):
                mine.setValue(fresh.value())
            dp.set_preset(preset, emit=False)
        finally:
            dp.blockSignals(False)
            start.deleteLater()
        ds = dp.make_dataset()
        self.network.set_spec(spec, emit=False)
        self.network.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
        self.training.set_hyper(hyper)
        self.training.set_seed(0)
        offer = offer_for(preset)
        if offer is not None:  # e.g. --preset spirals: open with a network that learns it
            self.network.set_spec(offer.spec(self.network.spec()), emit=False)
            self.training.set_hyper(offer.hyper(self.training.hyper()))
        return TrainingSession(ds, self.network.spec(), self.training.hyper(), seed=0)
