"""The divergence banner: what the guard's stop says, and the two ways on from it.

When the engine's divergence guard stops a run (engine/guard.py) the banner says why and
offers "Roll back and lower α" (θ, the optimizer and the RNG back to the last good
checkpoint, α down to a round smaller value, which the training panel then shows) and
"Continue anyway" (Play: the guard re-arms, so it does not stop again at once). Play and
the step buttons go on too, without a question.

The banner follows the frames, which come in the engine's order, rather than a signal
that could overtake an older frame: a frame whose snapshot holds a stop shows it (once: a
banner the user closed stays closed for that stop), and the first frame without one (new
data, a CSV import, a reset, a new network, a lesson, a rewind, Play, a roll back) takes
it away, so "θ is back at step 652" never stays over step 0 of new data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from backprop_lab.engine.guard import lower_alpha
from PySide6.QtWidgets import QStatusBar

from . import commands as cmd
from .banner import Banner
from .controller import EngineController
from .training_panel import TrainingPanel
from .worker import Frame

ROLL_BACK = "Roll back and lower α"
GO_ON = "Continue anyway"


class DivergenceBanner:
    """Shows the guard's stops in ``banner``; ``play`` is the window's Play."""

    def __init__(
        self,
        banner: Banner,
        training_panel: TrainingPanel,
        controller: EngineController,
        status: QStatusBar,
        play: Callable[[], None],
    ):
        self.banner = banner
        self.training_panel = training_panel
        self.controller = controller
        self.status = status
        self.play = play
        self.stop: str | None = None  # the stop the banner shows (or showed, if closed)
        self._text = ""

    def follow(self, frame: Frame) -> None:
        snap = frame.snapshot
        stop = snap.diverged
        if stop == self.stop:
            return
        banner = self.banner
        if stop is None:
            if self.showing:
                banner.hide()
            self.stop, self._text = None, ""
            return
        self.stop = stop
        alpha = lower_alpha(snap.hyper.alpha)
        self._text = f"⚠ {stop}"
        banner.show_message(
            self._text, "warning", actions=((ROLL_BACK, self.roll_back), (GO_ON, self.go_on))
        )
        where = f"back to step {snap.rollback_step:,}, the last good checkpoint"
        if snap.rollback_step == snap.step:
            where = f"already back at step {snap.rollback_step:,}"
        banner.action_button.setToolTip(
            f"θ, the optimizer and the random state {where}; α from {snap.hyper.alpha:g} to "
            f"{alpha:g}. Training stays paused."
        )
        banner.second_button.setToolTip("Go on training from here at the same α (Play)")

    @property
    def showing(self) -> bool:
        b = self.banner
        return b.isVisible() and b.label.text() == self._text and bool(self._text)

    def roll_back(self) -> None:
        """Back to the last good checkpoint with a smaller, round α; training stays paused."""
        tp = self.training_panel
        alpha = lower_alpha(tp.hyper().alpha)
        tp.set_playing(False)
        tp.set_hyper(replace(tp.hyper(), alpha=alpha))  # the panel shows the new α
        self.controller.send(cmd.RollBack(alpha))
        self.status.showMessage(f"rolled back; α is now {alpha:g}", 5000)

    def go_on(self) -> None:
        self.play()
