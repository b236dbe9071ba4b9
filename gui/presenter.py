"""From a published frame to pixels: the canvas picture, the plots and the status line.

``FramePresenter.show(frame)`` runs in the GUI thread for every frame the controller
takes from the engine thread. It colours the decision grid, hands the snapshot to the
plots (while training, one plot per frame in turn, so no frame pays for all of them) and
writes the status line. ``after_paint`` is the paint gate: the window calls it when Qt
has repainted, and the engine thread may then step again (see gui/worker.py).
"""

from __future__ import annotations

import math
import time

import numpy as np
from backprop_lab.engine import Dataset
from backprop_lab.engine.evaluation import EVAL_SAMPLE
from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from .canvas import DataCanvas
from .colors import binary_rgba, multiclass_rgba, regression_rgba
from .controller import EngineController
from .diagram import unit_map_rgba
from .plots import TrainingPlots
from .safety import guarded
from .worker import Frame

PLOT_SECONDS = 0.06  # while training, one plot (in turn) is redrawn at most this often


def regression_levels(ds: Dataset) -> tuple[float, float]:
    """Fixed colour levels for a 2-D regression map: the targets' range, symmetric if it
    straddles 0 (so 0 is the neutral colour), never empty."""
    if len(ds) == 0:
        return (-1.0, 1.0)
    lo, hi = float(np.min(ds.y)), float(np.max(ds.y))
    if lo < 0 < hi:
        m = max(-lo, hi)
        return (-m, m)
    if hi - lo < 1e-9:
        return (lo - 1.0, hi + 1.0)
    return (lo, hi)


def grid_picture(
    grid: np.ndarray, ds: Dataset, crisp: bool = False, unit_activation: str | None = None
) -> np.ndarray | None:
    """A frame's grid as the canvas shows it, RGBA (gui/colors.py's fixed levels): the
    decision regions (``crisp``: with a sharp boundary), a 2-D regression's values, or,
    with ``unit_activation``, a hidden unit's map on its activation's scale. None for a
    1-D regression, which is drawn as a curve."""
    if unit_activation is not None:
        return unit_map_rgba(grid, unit_activation)
    if ds.task == "classification":
        if grid.ndim == 2:
            return binary_rgba(grid, crisp=crisp)
        return multiclass_rgba(grid, crisp=crisp)
    if ds.input_dim == 1:
        return None
    lo, hi = regression_levels(ds)
    return regression_rgba(grid, lo, hi)


def draw_grid(canvas: DataCanvas, frame: Frame, crisp: bool = False) -> None:
    """Put run A's grid of ``frame`` on the canvas: the picture, or the 1-D curve (the
    window and ``backprop-lab render`` draw with this one function)."""
    snap, grid, unit = frame.snapshot, frame.grid, frame.unit
    ds = snap.dataset
    act = None
    if unit is not None and ds.input_dim == 2:  # a unit hovered in the network diagram
        act = snap.arch.activations[unit[0] - 1]
    if ds.input_dim != canvas.dataset.input_dim:
        return  # a frame from before the data changed dimension: not this canvas's picture
    rgba = grid_picture(grid, ds, crisp, act)
    # a frame made before the data changed task can arrive after the canvas switched to
    # the new one: each frame's picture replaces the other kind
    if rgba is None:
        canvas.set_decision_image(None)
        canvas.set_curve(frame.grid_x, np.asarray(grid, dtype=np.float64))
    else:
        canvas.set_curve(None)
        canvas.set_decision_image(rgba, frame.extent)


def _num(v, fmt: str) -> str:
    """A figure, or a dash for one not measured yet (None, NaN)."""
    return "–" if v is None or not math.isfinite(v) else format(v, fmt)


def _whose(frame: Frame) -> list[str]:
    """While runs are compared, the figures are run A's: say so ("A · sigmoid"), since the
    panels may show another run."""
    runs = frame.runs
    return [runs[0].label.text] if len(runs) > 1 else []


def status_text(frame: Frame) -> str:
    s = frame.snapshot
    last = s.last

    parts = [*_whose(frame), f"step {s.step:,}", f"epoch {s.epoch:.2f}"]
    parts.append(f"loss train {_num(last.train_loss, '.4f')}")
    tested = s.dataset.n_test > 0
    # without test points there is no test figure to wait for: say so, not "–"
    parts.append(f"test {_num(last.test_loss, '.4f')}" if tested else "no test points")
    if s.dataset.task == "classification":
        acc = f"accuracy train {_num(last.train_acc * 100, '.1f')}%"
        if tested:
            acc += f"  test {_num(last.test_acc * 100, '.1f')}%"
        parts.append(acc)
    n_train = s.n_train
    if max(n_train, len(s.dataset) - n_train) > EVAL_SAMPLE:
        # the curves and the figures above are the fixed evaluation sample's
        parts[-1] += f"  (on {EVAL_SAMPLE:,}-point samples)"
    full = frame.full
    if full is not None:
        text = f"all {full.n_train + full.n_test:,} points at step {full.step:,}: "
        text += f"loss {_num(full.train_loss, '.4f')}"
        text += f" / {_num(full.test_loss, '.4f')}" if tested else ""
        if s.dataset.task == "classification":
            text += f", accuracy {_num(full.train_acc * 100, '.1f')}%"
            text += f" / {_num(full.test_acc * 100, '.1f')}%" if tested else ""
        parts.append(text)
    # a paused engine steps at no speed, whatever its last rate measurement said
    rate = frame.steps_per_second if frame.running else 0.0
    parts.append(f"{rate:,.0f} steps/s")
    return "   ·   ".join(parts)


def heads_up_text(frame: Frame) -> str:
    """The presentation-mode line: what a back row needs, in as few characters."""
    s = frame.snapshot
    last = s.last

    whose = _whose(frame)
    # the run's name takes the epoch's place: the line must still fit a 1024-pixel screen
    parts = [*whose, f"step {s.step:,}"] + ([] if whose else [f"epoch {s.epoch:.2f}"])
    parts.append(f"loss {_num(last.train_loss, '.3f')}")
    if s.dataset.task == "classification":
        parts.append(f"accuracy {_num(last.train_acc * 100, '.1f')} %")
    return "    ".join(parts)


class StatusText(QWidget):
    """One line of text that repaints itself without asking for a new layout.

    A QLabel whose text changes width on every frame re-lays out the whole main window
    (and repaints it) each time; this widget only repaints its own rectangle.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._text = text
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance("x" * 60), fm.height() + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(10, self.fontMetrics().height() + 4)

    @guarded
    def changeEvent(self, ev) -> None:
        super().changeEvent(ev)
        if ev.type() == QEvent.Type.FontChange:
            self.updateGeometry()

    @guarded
    def paintEvent(self, ev) -> None:
        p = QPainter(self)
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        p.drawText(self.rect().adjusted(2, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter, self._text)
        p.end()


class FramePresenter:
    """Draws frames into the canvas, the plots and the status line (GUI thread only)."""

    def __init__(
        self,
        controller: EngineController,
        canvas: DataCanvas,
        plots: TrainingPlots,
        status: StatusText,
    ):
        self.controller = controller
        self.canvas = canvas
        self.plots = plots
        self.status = status
        self.latest: Frame | None = None
        self.frames_drawn = 0
        self.crisp = False
        self._plot_turn = 0
        self._plot_at = -1e9
        self._shown_grid: np.ndarray | None = None
        self.heads_up: StatusText | None = None

    def show(self, frame: Frame) -> None:
        self.latest = frame
        snap = frame.snapshot
        grid = frame.grid
        # the engine repeats a dear grid (a wide network) over several frames: the same
        # array is the same picture, so the canvas is neither recoloured nor repainted
        fresh = grid is not None and grid is not self._shown_grid
        self._shown_grid = grid
        if fresh:
            draw_grid(self.canvas, frame, self.crisp)
        fan = frame.group is not None and frame.group.kind == "fan"
        if frame.running and self.controller.running:
            # while playing, one plot at a time, in turn, at most every PLOT_SECONDS
            # whatever the frame rate: axes and curves cost more than the canvas image, and
            # a curve moves slowly, so the canvas gets the display's rate and every frame
            # stays short. A person's steps (Step, PageDown, a rewind, a phase) redraw
            # every plot in the same frame.
            now = time.monotonic()
            if now - self._plot_at >= PLOT_SECONDS:
                self._plot_at = now
                parts = TrainingPlots.PARTS
                self._plot_turn = (self._plot_turn + 1) % len(parts)
                self.plots.update_snapshot(snap, (parts[self._plot_turn],), frame.runs, fan)
        else:
            self.plots.update_snapshot(snap, runs=frame.runs, fan=fan)
        text = status_text(frame)
        if snap.diverged:
            text = f"⚠ diverged   ·   {text}"
        self.status.setText(text)
        if self.heads_up is not None and self.heads_up.isVisible():
            self.heads_up.setText(heads_up_text(frame))
        self.frames_drawn += 1

    def set_crisp(self, on: bool) -> None:
        """A sharp decision boundary (or the shaded one); the latest frame is redrawn."""
        self.crisp = bool(on)
        self._shown_grid = None
        if self.latest is not None:
            self.show(self.latest)

    def after_paint(self) -> None:
        """Qt has just repainted the dirty widgets (a low-priority posted event, so it runs
        after the frame's item updates): let the engine thread step again. A zero timer,
        so that any follow-up paints pyqtgraph posts while painting come first."""
        QTimer.singleShot(0, self.controller.frame_painted)
