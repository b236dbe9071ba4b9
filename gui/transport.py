"""What Play, the steps, Reset, a new network and a new seed do in the window.

The training panel, the Train menu and the clicker ask ``Transport``; it sends the
commands (gui/commands.py) and keeps the panel's Play button true to the engine. A new
network, a new seed and a reset each start a new run, one undo step (gui/run_history.py).
"""

from __future__ import annotations

from collections.abc import Callable

from backprop_lab.engine import NetworkSpec
from PySide6.QtCore import QObject, Slot

from .banner import Banner
from .canvas import DataCanvas
from .controller import EngineController
from .inspector import InspectorPanel
from .panels import Panels
from .run_history import RunHistory
from .worker import NO_TRAINING_POINTS, Frame


class Transport(QObject):
    """``inform`` shows a message (the banner and the status bar); ``latest`` gives the
    frame shown last. A QObject with the window as its parent: the engine's signals to it
    end with the window."""

    def __init__(
        self,
        controller: EngineController,
        panels: Panels,
        runs: RunHistory,
        canvas: DataCanvas,
        inspector: InspectorPanel,
        banner: Banner,
        *,
        latest: Callable[[], Frame | None],
        inform: Callable[[str], None],
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.controller = controller
        self.panels = panels
        self.runs = runs
        self.canvas = canvas
        self.inspector = inspector
        self.banner = banner
        self.latest = latest
        self.inform = inform

    # --- play and step ----------------------------------------------------------------------
    @Slot(bool)
    def set_playing(self, play: bool) -> None:
        """Play or pause; Play without training points says why and stays paused."""
        if play and not self.canvas.dataset.n_train:
            self.panels.training.set_playing(False)
            self.inform(NO_TRAINING_POINTS)
            return
        self.controller.set_running(play)

    def toggle_play(self) -> None:
        self.set_playing(not self.controller.running)

    def play(self) -> None:
        self.set_playing(True)

    def step(self, n: int) -> None:
        self.panels.training.set_playing(False)
        self.controller.step(n)

    def step_epoch(self) -> None:
        self.panels.training.set_playing(False)
        self.controller.step_epoch()

    def back_one(self) -> None:
        """Rewind to the kept step just before the one shown (the timeline keeps every step
        early in a run, then fewer and fewer: see the inspector's rewind bar)."""
        latest = self.latest()
        if latest is not None:
            self.panels.training.set_playing(False)
            step = max(0, latest.snapshot.step - 1)
            if len(latest.runs) > 1:
                self.controller.rewind(step)  # every run of a comparison, in step
            else:
                self.inspector.rewind(step)

    @Slot(bool)
    def on_running(self, running: bool) -> None:
        """The engine started or stopped training."""
        self.panels.training.set_playing(running)
        if running and self.banner.kind == "warning":
            self.banner.hide()  # e.g. Play after a divergence: it goes on

    # --- a new run ----------------------------------------------------------------------------
    def reset(self) -> None:
        with self.runs.new_run("reset parameters"):
            self.controller.reset_parameters()
        self._hide_problem_banner()

    @Slot(object)
    def on_spec(self, spec: NetworkSpec) -> None:
        """A new network draws θ afresh: a new run, undoable (Ctrl+Z brings the run back)."""
        network = self.panels.network
        with self.runs.new_run(network.last_change, spec_before=network.previous_spec):
            self.controller.set_network(spec)
        self._hide_problem_banner()

    @Slot(int)
    def on_seed(self, seed: int) -> None:
        """A new seed draws θ afresh: a new run, undoable like every other reset."""
        training = self.panels.training
        with self.runs.new_run(f"seed {seed}", seed_before=training.seed):
            training.set_seed(seed)
            self.controller.set_seed(seed)
        self._hide_problem_banner()

    def _hide_problem_banner(self) -> None:
        if self.banner.kind in ("warning", "error"):
            self.banner.hide()
