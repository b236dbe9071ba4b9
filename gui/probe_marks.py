"""Hand edits on the time axes: a tick on the loss and accuracy plots, a mark on the rewind
bar, at each step where a weight was set by hand (``Snapshot.edits``).

The plots get one dashed vertical line per step with edits (the newest ``MAX_MARKS``),
its tooltip naming them ("W⁽²⁾₁,₃: −0.82 → 0.4 (step 120)"). The rewind bar (the
inspector's) gets a small triangle under each such step: its checkpoint is kept there
(the timeline pins the state just before an edit), so rewinding to the mark returns to θ
as it was before the hand touched it.
"""

from __future__ import annotations

from collections import defaultdict

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPolygonF
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider, QWidget

from .safety import guarded

MARK_HEX = "#7B3294"  # purple: a hand was here
MAX_MARKS = 100


def marks_by_step(edits) -> dict[int, list[str]]:
    """Step → the texts of its edits, oldest first."""
    out: dict[int, list[str]] = defaultdict(list)
    for e in edits:
        out[int(e.step)].append(e.text)
    return dict(out)


class PlotMarks:
    """Dashed vertical lines on some plots at the steps of hand edits."""

    def __init__(self, plots: list[pg.PlotWidget]):
        self.plots = plots
        self.lines: dict[int, list[pg.InfiniteLine]] = {}
        self._shown: dict[int, tuple[str, ...]] = {}

    def show(self, by_step: dict[int, list[str]]) -> None:
        wanted = {s: tuple(t) for s, t in sorted(by_step.items())[-MAX_MARKS:]}
        if wanted == self._shown:
            return
        for step in [s for s in self.lines if s not in wanted]:
            for p, line in zip(self.plots, self.lines.pop(step)):
                p.removeItem(line)
        for step, texts in wanted.items():
            tip = "Set by hand:\n" + "\n".join(texts)
            if step not in self.lines:
                made = []
                for p in self.plots:
                    line = pg.InfiniteLine(
                        pos=step,
                        angle=90,
                        movable=False,
                        pen=pg.mkPen(MARK_HEX, width=1.5, style=Qt.PenStyle.DashLine),
                    )
                    line.setZValue(-5)
                    p.addItem(line, ignoreBounds=True)
                    made.append(line)
                self.lines[step] = made
            for line in self.lines[step]:
                line.setToolTip(tip)
        self._shown = wanted


class SliderMarks(QWidget):
    """Triangles under a rewind slider at the kept steps where hand edits were made."""

    def __init__(self, slider: QSlider):
        super().__init__(slider)
        self.slider = slider
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setObjectName("editMarks")
        self.positions: list[int] = []  # slider indices with a mark
        self.setGeometry(slider.rect())
        slider.installEventFilter(self)

    def set_marks(self, kept: tuple[int, ...], steps) -> None:
        index = {s: i for i, s in enumerate(kept)}
        pos = sorted({index[s] for s in steps if s in index})
        if pos != self.positions:
            self.positions = pos
            self.update()

    @guarded(default=False)
    def eventFilter(self, obj, ev) -> bool:  # noqa: N802
        if obj is self.slider and ev.type() == QEvent.Type.Resize:
            self.setGeometry(self.slider.rect())
        return False

    @guarded
    def paintEvent(self, _ev) -> None:  # noqa: N802
        if not self.positions:
            return
        s = self.slider
        opt = QStyleOptionSlider()
        s.initStyleOption(opt)
        style = s.style()
        groove = style.subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, s
        )
        handle = style.subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, s
        )
        span = max(1, groove.width() - handle.width())
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(MARK_HEX))
        y = self.height() - 1.0
        for i in self.positions:
            x = (
                groove.left()
                + handle.width() / 2
                + QStyle.sliderPositionFromValue(s.minimum(), s.maximum(), i, span)
            )
            p.drawPolygon(QPolygonF([QPointF(x, y - 6), QPointF(x - 4, y), QPointF(x + 4, y)]))
        p.end()


class EditMarks(QObject):
    """Both kinds of marks for a window, following its frames."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        plots = window.plots
        self.plot_marks = PlotMarks([plots.loss_plot, plots.acc_plot])
        self.slider_marks = SliderMarks(window.inspector.timeline.slider)
        self._edits = None

    def follow(self, frame) -> None:
        summary = frame.snapshot.edits
        edits = summary.edits if summary is not None else ()
        if edits != self._edits:
            self._edits = edits
            self.plot_marks.show(marks_by_step(edits))
        timeline = self.w.inspector.timeline.summary
        if timeline is not None:
            self.slider_marks.set_marks(timeline.steps, {e.step for e in edits})
