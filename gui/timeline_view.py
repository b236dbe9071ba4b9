"""Rewind: a slider over the steps the session's timeline has kept.

The engine keeps checkpoints at growing intervals in bounded memory (engine/timeline.py);
the slider has one position per kept step. Moving it (mouse or keys) asks for that step
with ``rewindRequested``; the inspector restores it in the engine thread. The label states
which step is shown and what the timeline holds: "n checkpoints, X MB of Y MB budget".
"""

from __future__ import annotations

from backprop_lab.engine.timeline import TimelineSummary
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

__all__ = ["TimelineSlider", "TimelineSummary", "megabytes", "memory_text"]


def megabytes(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.2f} MB" if mb < 10 else f"{mb:.0f} MB"


def memory_text(summary: TimelineSummary) -> str:
    """'12 checkpoints, 0.01 MB of 64 MB budget (every 4th step)'."""
    n = len(summary.steps)
    every = "every step" if summary.stride == 1 else f"every {summary.stride}th step"
    return (
        f"{n} checkpoint{'s' if n != 1 else ''}, {megabytes(summary.nbytes)} of "
        f"{megabytes(summary.budget_bytes)} budget ({every})"
    )


def slider_index(steps: tuple[int, ...], step: int) -> int:
    """Position for ``step``: the last kept step ≤ ``step`` (0 if none)."""
    idx = 0
    for i, s in enumerate(steps):
        if s <= step:
            idx = i
    return idx


def step_text(step: int, kept: list[int]) -> str:
    """'step 7 · 5 kept, 0–6': the step shown, then what the rewind bar can go back to
    (the run may be past the last kept step: checkpoints thin out as it grows)."""
    if not kept:
        return f"step {step:,}"
    mark = " (kept)" if step in kept else ""
    return f"step {step:,}{mark}  ·  {len(kept):,} kept, {kept[0]:,}–{kept[-1]:,}"


class TimelineSlider(QWidget):
    rewindRequested = Signal(int)  # a kept step

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary: TimelineSummary | None = None
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timelineSlider")
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.slider.setTracking(True)
        self.slider.setToolTip(
            "Rewind: drag to a kept step; training goes on from there with the same numbers"
        )
        self.step_label = QLabel("step –")
        self.step_label.setMinimumWidth(150)
        self.memory_label = QLabel("")
        self.memory_label.setObjectName("timelineMemory")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel("Rewind"))
        top.addWidget(self.slider, 1)
        top.addWidget(self.step_label)
        top.addSpacing(12)
        top.addWidget(self.memory_label)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        self._programmatic = False
        self.slider.valueChanged.connect(self._on_value)

    def set_summary(self, summary: TimelineSummary) -> None:
        """Show what the timeline holds; keeps the handle where the user left it while
        they drag."""
        self.summary = summary
        self._programmatic = True
        try:
            self.slider.setRange(0, max(0, len(summary.steps) - 1))
            if not self.slider.isSliderDown():
                self.slider.setValue(slider_index(summary.steps, summary.current))
        finally:
            self._programmatic = False
        self._label_step(summary.current)
        self.memory_label.setText(memory_text(summary))

    def kept_step(self, index: int) -> int:
        return self.summary.steps[index] if self.summary and self.summary.steps else 0

    def _label_step(self, step: int) -> None:
        self.step_label.setText(step_text(step, self.summary.steps if self.summary else []))

    def _on_value(self, index: int) -> None:
        if self._programmatic or self.summary is None or not self.summary.steps:
            return
        step = self.kept_step(index)
        self._label_step(step)
        self.rewindRequested.emit(step)
