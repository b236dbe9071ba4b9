"""An exercise ("solve for weights") in the window: the goal, checked live, and hints.

A lesson with an ``exercise`` block (engine/exercise.py; two are built in, XOR by hand
and a sigmoid unit between two blobs) names the weights a student may change and a goal.
While one runs, this box sits above the canvas: the goal and the weights to change (the
diagram draws the others grey: gui/edge_grab.py), how far the student is (checked on
every training point with each frame), a Hint button (Ctrl+H) that gives the engine's
hints in order (which weight, which way, the slope itself), and, once the goal is
reached, the sentence that closes the exercise: what they did by hand is gradient
descent.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from backprop_lab.engine import exercise
from backprop_lab.engine.jobs import Failure, Request
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

if TYPE_CHECKING:
    from .probe_figures import ExerciseFigures
    from .probe_host import ProbeHost

REACHED_HEX = "#1B7F3B"


class ExerciseBox(QFrame):
    def __init__(self, feature: ProbeHost):
        super().__init__()
        self.setObjectName("exerciseBox")
        self.feature = feature
        self.controller = feature.w.controller
        self.setStyleSheet(
            "#exerciseBox { background:#FFF8E1; border:1px solid #E0C070; border-radius:4px; }"
        )
        self.goal = QLabel("")
        self.goal.setObjectName("exerciseGoal")
        self.goal.setWordWrap(True)
        self.goal.setTextFormat(Qt.TextFormat.RichText)
        self.status = QLabel("")
        self.status.setObjectName("exerciseStatus")
        self.status.setWordWrap(True)
        self.hint = QLabel("")
        self.hint.setObjectName("exerciseHint")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        self.hint.hide()
        self.hint_button = QPushButton("Hint (Ctrl+H)")
        self.hint_button.setObjectName("hintButton")
        self.hint_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hint_button.setToolTip(
            "Hints in order: which weight matters most, which way to move it, its slope"
        )
        self.hint_button.clicked.connect(self.ask_hint)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status, 1)
        row.addWidget(self.hint_button, 0, Qt.AlignmentFlag.AlignTop)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 5, 8, 5)
        lay.setSpacing(3)
        lay.addWidget(self.goal)
        lay.addLayout(row)
        lay.addWidget(self.hint)
        self.level = 0  # the hints given so far
        self.reached = False
        self.figures: ExerciseFigures | None = None
        self._key: tuple | None = None
        self._asked: Request | None = None
        self.hide()

    def show_figures(self, ex: ExerciseFigures | None) -> bool:
        """Show the exercise's state (None: no exercise); True if it just started."""
        self.figures = ex
        if ex is None:
            self._key = None
            self.setVisible(False)
            return False
        key = (ex.goal, ex.editable)
        started = key != self._key
        if started:
            self._key = key
            self.level = 0
            self.reached = False
            self.hint.hide()
            names = ", ".join(r.label for r in ex.editable)
            self.goal.setText(
                f"<b>Exercise:</b> reach {ex.goal} by setting {names} by hand "
                "(drag them in the network diagram; the grey weights are locked)."
            )
        st = ex.status
        self.setVisible(True)
        if st.reached:
            self.status.setText(st.text)
            self.status.setStyleSheet(f"color:{REACHED_HEX}; font-weight:bold;")
            if not self.reached:
                self.reached = True
                self._show_hint(ex.closing)
        else:
            self.status.setText(st.text)
            self.status.setStyleSheet("")
            if self.reached:  # moved away from the goal again
                self.reached = False
                self.level = 0
                self.hint.hide()
        return started

    @Slot()
    def ask_hint(self) -> None:
        """The next hint, in order (the third repeats with the slope of the moment)."""
        if self.figures is None:
            self.feature.say("No exercise is open: File → Built-in lessons has two.")
            return
        self.level = min(3, self.level + 1)
        req = Request(partial(exercise.hint, level=self.level), "hint")
        self._asked = req
        self.controller.call_in_engine(req, reply=lambda result: self._on_done(req, result))

    def _show_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.show()

    def _on_done(self, fn: Request, result) -> None:
        if fn is not self._asked:
            return
        self._asked = None
        if isinstance(result, Failure):
            self._show_hint(result.message.split(": ", 1)[-1])
            return
        prefix = f"<b>Hint {result.level}:</b> " if result.ref is not None else ""
        self._show_hint(prefix + result.text)
        if result.ref is not None:
            self.feature.point_at(result.ref)


__all__ = ["ExerciseBox"]
