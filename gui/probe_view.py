"""The weight probe (key W): the loss along one weight, or over two, every other fixed.

**One weight.** L(w) over w ± max(2, |w|) on the training points the plotted loss uses
(``probe_line``, a job in the engine thread: when the probe opens, when it shows another
weight, when another parameter changed, and when w leaves the range), with

* the dot at the current w (``probe_point`` with every frame, gui/probe_figures.py), on
  the curve exactly: the dot's L is the plotted training loss;
* the tangent from backprop's ∂L/∂w, with the finite-difference slope printed beside it;
* an arrow to where one full-batch step of plain SGD of size α lands (and, while the
  inspector shows a batch, a dashed one for the step on that batch);
* for classification, the number of misclassified points along w, as a step curve below.

While the weight is dragged the curve stays (the others are fixed) and the dot slides
along it: each frame costs one ``probe_point``, not a new curve.

**Two weights** (Ctrl+click a second edge): a contour map of L(w_a, w_b) with every other
parameter fixed (``probe_plane``, a job in slices: the window never waits), the current
point as a cross that can be dragged (both weights, one undo step), −∇L as an arrow, and
while training the point's trail. The map is an exact slice, computed at one step and
titled "slice at step t, other weights fixed"; it is computed again when the training
pauses with the others moved, or on "Slice now".
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from backprop_lab.engine.jobs import Cancelled, Failure, Job
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.engine.probe import LineProbe, PlaneProbe, probe_line_steps, probe_plane_steps
from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .safety import guarded

if TYPE_CHECKING:
    from .probe_figures import Figures
    from .probe_host import ProbeHost

CURVE_SECONDS = 0.3  # while training, the curve is computed again at most this often
TANGENT_SHARE = 0.25  # the tangent spans this share of the curve's range each side
ARROW_SHARE = 0.18  # the plane's gradient arrow: this share of the map's width
TRAIL_MAX = 2000
STEP_COLOR = "#0072B2"  # blue: one full-batch step
BATCH_COLOR = "#009E73"  # green: a step on the inspector's batch
TANGENT_COLOR = "#D55E00"  # vermillion
DOT_COLOR = "#111111"
CURVE_COLOR = "#444444"
ERRORS_COLOR = "#CC79A7"  # reddish purple


def _line_job(session, ref: ParamRef):
    theta = session.params.flat.copy()
    line = yield from probe_line_steps(session, ref)
    return theta, line


def _plane_job(session, a: ParamRef, b: ParamRef, span: float | None):
    theta = session.params.flat.copy()
    plane = yield from probe_plane_steps(session, a, b, span=span)
    return theta, plane


def _fmt(v: float, signed: bool = False, digits: str = ".4g") -> str:
    if v is None or not math.isfinite(v):
        return "–"
    return format(v, ("+" if signed else "") + digits).replace("-", "−")


def _others_equal(a: np.ndarray | None, b: np.ndarray, skip: list[int]) -> bool:
    """θ equal in every entry but ``skip`` (the probed ones)."""
    if a is None or a.shape != b.shape:
        return False
    if not skip:
        return bool(np.array_equal(a, b))
    mask = np.ones(a.shape, dtype=bool)
    mask[skip] = False
    return bool(np.array_equal(a[mask], b[mask]))


def line_text(point, n_points: int | None = None) -> str:
    """The slopes and the step, as the panel prints them (rich text)."""
    d = "∂L/∂b" if point.ref.kind == "b" else "∂L/∂w"
    gap = abs(point.slope - point.fd_slope)
    text = (
        f"<b>{point.ref.label} = {_fmt(point.value)}</b> &nbsp; L = {_fmt(point.loss)}<br>"
        f"<span style='color:{TANGENT_COLOR}'>tangent</span> {d} = "
        f"<b>{_fmt(point.slope, True, '.6g')}</b> (backprop) &nbsp; "
        f"{_fmt(point.fd_slope, True, '.6g')} (finite differences, |Δ| = {gap:.1e})<br>"
        f"<span style='color:{STEP_COLOR}'>one step of α = {point.alpha:g}</span> → "
        f"{_fmt(point.full_step.value)}, L = {_fmt(point.full_step.loss)}"
    )
    if point.penalty_slope:
        text += f" (with 2λw = {_fmt(point.penalty_slope, True)})"
    if point.batch_step is not None:
        b = point.batch_step
        text += (
            f"<br><span style='color:{BATCH_COLOR}'>a step on the inspector's batch</span> → "
            f"{_fmt(b.value)}, L = {_fmt(b.loss)}"
        )
    return text


class ProbePanel(QWidget):
    """The probe's panel; ``feature`` (gui/probe_window.ProbeFeature) sends it frames."""

    def __init__(self, feature: ProbeHost, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("weightProbe")
        self.feature = feature
        self.controller = feature.w.controller
        self.refs: tuple[ParamRef, ...] = ()
        self.line: LineProbe | None = None
        self.plane: PlaneProbe | None = None
        self._theta: np.ndarray | None = None  # θ the curve or the map was computed at
        self._job: Job | None = None
        self._job_at = -1e9
        self._want_again = False
        self.trail: list[tuple[float, float]] = []
        self._trail_from: int | None = None
        self._setting_target = False
        self._plane_drag = False
        self.point = None  # the latest ProbePoint shown
        self.slope_text = ""

        self.title = QLabel("Weight probe")
        self.title.setObjectName("probeTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.again_button = QPushButton("Slice now")
        self.again_button.setToolTip("Compute the map again at the step shown now")
        self.again_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.again_button.clicked.connect(lambda: self.recompute(clear_trail=True))
        self.again_button.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title, 1)
        top.addWidget(self.again_button)

        # the two figures' plots are built when the panel first shows (most sessions never
        # open it, and building them was a tenth of a second of the window's start)
        self.stack = QStackedWidget()
        self.built = False
        self.text = QLabel("Click an edge of the network diagram to probe its weight.")
        self.text.setObjectName("probeText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 4, 2, 2)
        lay.setSpacing(2)
        lay.addLayout(top)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.text)
        self.setMinimumHeight(200)

    # --- construction ------------------------------------------------------------------------
    def ensure_built(self) -> None:
        """The curve's and the map's plots, made once, on first need."""
        if self.built:
            return
        self.built = True
        self.stack.addWidget(self._build_line())
        self.stack.addWidget(self._build_plane())
        self.stack.setCurrentIndex(1 if self.two else 0)
        self._clear_items()

    @guarded
    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.ensure_built()
        super().showEvent(event)

    def _build_line(self) -> QWidget:
        g = pg.GraphicsLayoutWidget()
        g.setBackground("w")
        g.setObjectName("probeLine")
        self.loss_item = g.addPlot(row=0, col=0, enableMenu=False)
        self.errors_item = g.addPlot(row=1, col=0, enableMenu=False)
        g.ci.layout.setRowStretchFactor(0, 3)
        g.ci.layout.setRowStretchFactor(1, 1)
        self.errors_item.setXLink(self.loss_item)
        for p in (self.loss_item, self.errors_item):
            p.showGrid(x=True, y=True, alpha=0.15)
            p.setMenuEnabled(False)
            p.getViewBox().setMouseEnabled(x=False, y=False)
            p.hideButtons()
            for side in ("left", "bottom"):
                p.getAxis(side).enableAutoSIPrefix(False)
        self.loss_item.setLabel("left", "L")
        self.errors_item.setLabel("left", "wrong")
        self.curve = self.loss_item.plot(pen=pg.mkPen(CURVE_COLOR, width=2))
        self.tangent = self.loss_item.plot(
            pen=pg.mkPen(TANGENT_COLOR, width=2, style=Qt.PenStyle.DashLine)
        )
        self.step_line = self.loss_item.plot(pen=pg.mkPen(STEP_COLOR, width=2))
        self.step_head = _head(STEP_COLOR)
        self.batch_line = self.loss_item.plot(
            pen=pg.mkPen(BATCH_COLOR, width=2, style=Qt.PenStyle.DashLine)
        )
        self.batch_head = _head(BATCH_COLOR)
        self.dot = pg.ScatterPlotItem(
            size=11, brush=pg.mkBrush(DOT_COLOR), pen=pg.mkPen("#FFFFFF", width=1.5)
        )
        for item in (self.step_head, self.batch_head, self.dot):
            self.loss_item.addItem(item)
        for item in (self.step_line, self.batch_line, self.step_head, self.batch_head):
            item.setZValue(5)
        self.dot.setZValue(6)
        self.errors_curve = self.errors_item.plot(
            pen=pg.mkPen(ERRORS_COLOR, width=2), stepMode="center"
        )
        self.errors_dot = pg.ScatterPlotItem(size=8, brush=pg.mkBrush(DOT_COLOR), pen=None)
        self.errors_item.addItem(self.errors_dot)
        self.line_widget = g
        return g

    def _build_plane(self) -> QWidget:
        w = pg.PlotWidget(enableMenu=False)
        w.setBackground("w")
        w.setObjectName("probePlane")
        p = w.getPlotItem()
        p.setMenuEnabled(False)
        p.hideButtons()
        p.getViewBox().setMouseEnabled(x=False, y=False)
        for side in ("left", "bottom"):
            p.getAxis(side).enableAutoSIPrefix(False)
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("viridis"))
        p.addItem(self.image)
        self.isocurves: list[pg.IsocurveItem] = []
        self.trail_item = p.plot(
            pen=pg.mkPen("#FFFFFF", width=2),
            symbol="o",
            symbolSize=4,
            symbolBrush="#FFFFFF",
            symbolPen=None,
        )
        self.arrow_line = p.plot(pen=pg.mkPen("#FF5050", width=3))
        self.arrow_head = pg.ArrowItem(
            angle=0, headLen=14, tipAngle=35, brush="#FF5050", pen=pg.mkPen("#FF5050")
        )
        p.addItem(self.arrow_head)
        self.target = pg.TargetItem(
            pos=(0, 0), size=16, pen=pg.mkPen("#FFFFFF", width=2.5), movable=True
        )
        self.target.setZValue(10)
        p.addItem(self.target)
        self.target.sigPositionChanged.connect(self._on_target_moved)
        self.target.sigPositionChangeFinished.connect(self._on_target_done)
        self.plane_widget = w
        return w

    # --- what it shows -------------------------------------------------------------------------
    @property
    def two(self) -> bool:
        return len(self.refs) == 2

    def set_refs(self, refs: tuple[ParamRef, ...]) -> None:
        refs = tuple(refs)[:2]
        if refs == self.refs:
            return
        self.refs = refs
        self.line = self.plane = None
        self._theta = None
        self.point = None
        self.trail = []
        self._trail_from = None
        self._cancel_job()
        self.stack.setCurrentIndex(1 if self.two else 0)
        self.again_button.setVisible(self.two)
        self._clear_items()
        if not refs:
            self.title.setText("Weight probe")
            self.text.setText("Click an edge of the network diagram to probe its weight.")
        elif self.two:
            a, b = refs
            self.title.setText(f"<b>L({a.label}, {b.label})</b>, the other weights fixed")
            self.text.setText("Computing the map…")
        else:
            self.title.setText(f"<b>L({refs[0].label})</b> along it, the other weights fixed")
            self.text.setText("Computing the curve…")
        if self.isVisible() and refs:
            self.recompute()

    def _clear_items(self) -> None:
        if not self.built:
            return  # nothing drawn yet
        for item in (self.curve, self.tangent, self.step_line, self.batch_line):
            item.setData([], [])
        for item in (self.dot, self.errors_dot):
            item.setData([], [])
        self.step_head.hide()
        self.batch_head.hide()
        self.errors_curve.setData([], [])
        self.image.clear()
        for c in self.isocurves:
            c.setParentItem(None)
        self.isocurves = []
        self.trail_item.setData([], [])
        self.arrow_line.setData([], [])
        self.arrow_head.hide()

    def show_frame(self, frame, figures: Figures | None) -> None:
        if not self.isVisible() or not self.refs:
            return
        self.ensure_built()
        snap = frame.snapshot
        widths = snap.arch.widths
        try:
            for r in self.refs:
                r.check(widths)
        except ValueError:
            self.set_refs(())
            return
        theta = snap.params.flat
        skip = [r.flat_index(widths) for r in self.refs]
        changed = not _others_equal(self._theta, theta, skip)
        if self.two:
            self._show_plane_frame(frame, figures, changed)
        else:
            self._show_line_frame(frame, figures, changed)

    def _maybe_recompute(self, frame, changed: bool, outside: bool) -> None:
        if self._job is not None:
            if changed or outside:
                self._want_again = True
            return
        now = time.monotonic()
        if (changed or outside) and (not frame.running or now - self._job_at >= CURVE_SECONDS):
            self.recompute()

    # --- one weight ----------------------------------------------------------------------------
    def _show_line_frame(self, frame, figures, changed: bool) -> None:
        point = getattr(figures, "point", None)
        if point is None or point.ref != self.refs[0]:
            if figures is not None and figures.problem:
                self.text.setText(figures.problem)
            self._maybe_recompute(frame, changed, False)
            return
        self.point = point
        line = self.line
        outside = line is not None and not (line.values[0] <= point.value <= line.values[-1])
        self._maybe_recompute(frame, changed, outside)
        w, loss = point.value, point.loss
        self.dot.setData([w], [loss])
        if line is not None:
            span = float(line.values[-1] - line.values[0]) * TANGENT_SHARE
        else:
            span = max(2.0, abs(w)) * 2 * TANGENT_SHARE
        xs = np.array([w - span, w + span])
        self.tangent.setData(xs, point.tangent(xs))
        fs = point.full_step
        self.step_line.setData([w, fs.value], [loss, fs.loss])
        _point_head(self.step_head, self.loss_item.getViewBox(), w, loss, fs.value, fs.loss)
        bs = point.batch_step
        if bs is not None:
            self.batch_line.setData([w, bs.value], [loss, bs.loss])
            _point_head(self.batch_head, self.loss_item.getViewBox(), w, loss, bs.value, bs.loss)
        else:
            self.batch_line.setData([], [])
            self.batch_head.hide()
        if point.errors is not None:
            self.errors_dot.setData([w], [point.errors])
        self.slope_text = line_text(point)
        self.text.setText(self.slope_text)

    def _show_line(self, line: LineProbe) -> None:
        self.ensure_built()
        self.line = line
        v, lo = line.values, line.loss
        self.curve.setData(v, lo)
        classification = line.errors is not None
        self.errors_item.setVisible(classification)
        if classification:
            edges = _step_edges(v)
            self.errors_curve.setData(edges, line.errors.astype(float))
            self.errors_item.setYRange(0, max(1.0, float(line.errors.max())) * 1.05, padding=0)
        finite = lo[np.isfinite(lo)]
        if finite.size:
            top = float(np.max(finite))
            bottom = float(np.min(finite))
            pad = 0.06 * max(top - bottom, 1e-6)
            self.loss_item.setYRange(bottom - pad, top + pad, padding=0)
        self.loss_item.setXRange(float(v[0]), float(v[-1]), padding=0.02)
        self.loss_item.setLabel("bottom", line.ref.label)
        self.errors_item.setLabel("bottom", line.ref.label)
        self.title.setText(
            f"<b>L({line.ref.label})</b> along it, the other weights fixed "
            f"<span style='color:#555'>(step {line.point.step:,}, {line.point.n_points:,} "
            "training points)</span>"
        )

    # --- two weights ---------------------------------------------------------------------------
    def _show_plane_frame(self, frame, figures, changed: bool) -> None:
        a, b = self.refs
        snap = frame.snapshot
        wa, wb = a.get(snap.params), b.get(snap.params)
        if frame.running and (not self.trail or self.trail[-1] != (wa, wb)):
            if self._trail_from is None:
                self._trail_from = snap.step
            self.trail.append((wa, wb))
            del self.trail[:-TRAIL_MAX]
        if not self._plane_drag:
            self._setting_target = True
            try:
                self.target.setPos(wa, wb)
            finally:
                self._setting_target = False
        if self.trail:
            t = np.array(self.trail)
            self.trail_item.setData(t[:, 0], t[:, 1])
        plane = self.plane
        outside = plane is not None and not (
            plane.values_a[0] <= wa <= plane.values_a[-1]
            and plane.values_b[0] <= wb <= plane.values_b[-1]
        )
        if not frame.running and not self._plane_drag:
            self._maybe_recompute(frame, changed, outside)
        elif plane is None and self._job is None:
            self.recompute()
        ga = gb = None
        if figures is not None:
            ga, gb = figures.slope(a), figures.slope(b)
        if ga is not None and gb is not None and plane is not None:
            self._draw_arrow(wa, wb, -ga, -gb, plane)
            loss = snap.last.train_loss
            self.slope_text = (
                f"<b>{a.label} = {_fmt(wa)}, {b.label} = {_fmt(wb)}</b> &nbsp; L = {_fmt(loss)}"
                f"<br><span style='color:#D03030'>−∇L</span> = ({_fmt(-ga, True)}, "
                f"{_fmt(-gb, True)}): downhill. Drag the cross to move both weights."
            )
            if self.trail and self._trail_from is not None:
                self.slope_text += (
                    f"<br>trail: training from step {self._trail_from:,} to {snap.step:,}"
                )
            self.text.setText(self.slope_text)

    def _draw_arrow(self, x: float, y: float, dx: float, dy: float, plane: PlaneProbe) -> None:
        width = float(plane.values_a[-1] - plane.values_a[0])
        height = float(plane.values_b[-1] - plane.values_b[0])
        # the arrow's length on screen is fixed (the map's share); its direction is −∇L
        # in the map's own units
        norm = math.hypot(dx / width, dy / height)
        if not norm > 0 or not math.isfinite(norm):
            self.arrow_line.setData([], [])
            self.arrow_head.hide()
            return
        ex, ey = x + ARROW_SHARE * dx / norm, y + ARROW_SHARE * dy / norm
        self.arrow_line.setData([x, ex], [y, ey])
        vb = self.plane_widget.getPlotItem().getViewBox()
        px, py = vb.viewPixelSize()
        if px > 0 and py > 0:
            ang = math.degrees(math.atan2(-(ey - y) / py, (ex - x) / px))
            self.arrow_head.setStyle(angle=180 - ang)
        self.arrow_head.setPos(ex, ey)
        self.arrow_head.show()

    def _show_plane(self, plane: PlaneProbe) -> None:
        self.ensure_built()
        self.plane = plane
        va, vb = plane.values_a, plane.values_b
        loss = np.asarray(plane.loss, dtype=np.float64)
        shown = np.log10(np.maximum(np.where(np.isfinite(loss), loss, np.nan), 1e-12))
        lo, hi = np.nanmin(shown), np.nanmax(shown)
        if not hi > lo:
            hi = lo + 1.0
        image = np.nan_to_num(shown, nan=hi).T  # axis 0 along a (x), axis 1 along b (y)
        self.image.setImage(image, levels=(lo, hi))
        da = (va[-1] - va[0]) / max(1, len(va) - 1)
        db = (vb[-1] - vb[0]) / max(1, len(vb) - 1)
        self.image.setRect(QRectF(va[0] - da / 2, vb[0] - db / 2, da * len(va), db * len(vb)))
        for c in self.isocurves:
            c.setParentItem(None)
        self.isocurves = []
        for level in np.linspace(lo, hi, 9)[1:-1]:
            c = pg.IsocurveItem(data=image, level=float(level), pen=pg.mkPen("#FFFFFF80", width=1))
            c.setParentItem(self.image)
            self.isocurves.append(c)
        p = self.plane_widget.getPlotItem()
        p.setXRange(float(va[0]), float(va[-1]), padding=0)
        p.setYRange(float(vb[0]), float(vb[-1]), padding=0)
        p.setLabel("bottom", plane.a.label)
        p.setLabel("left", plane.b.label)
        self.title.setText(
            f"<b>L({plane.a.label}, {plane.b.label})</b>: {plane.title} "
            "<span style='color:#555'>(yellow high, purple low)</span>"
        )

    @Slot(object)
    def _on_target_moved(self, *_args) -> None:
        if self._setting_target or not self.two:
            return
        edits = self.feature.edits
        if not self._plane_drag:
            a, b = self.refs
            if not edits.begin((a, b), f"drag {a.label}, {b.label}", relative=False):
                self._setting_target = True
                try:
                    if self.feature.w.latest is not None:
                        snap = self.feature.w.latest.snapshot
                        self.target.setPos(a.get(snap.params), b.get(snap.params))
                finally:
                    self._setting_target = False
                return
            self._plane_drag = True
        pos = self.target.pos()
        edits.move((pos.x(), pos.y()))

    @Slot(object)
    def _on_target_done(self, *_args) -> None:
        if self._plane_drag:
            self._plane_drag = False
            self.feature.edits.end()

    # --- jobs ----------------------------------------------------------------------------------
    def recompute(self, clear_trail: bool = False) -> None:
        """Compute the curve (or the map) again at the state shown now."""
        if not self.refs:
            return
        self.ensure_built()
        if clear_trail:
            self.trail = []
            self._trail_from = None
            self.trail_item.setData([], [])
        self._cancel_job()
        if self.two:
            a, b = self.refs
            span = None
            snap = self.feature.w.latest.snapshot if self.feature.w.latest is not None else None
            if snap is not None and self.trail:
                t = np.array(self.trail)
                now = np.array([a.get(snap.params), b.get(snap.params)])
                span = float(max(2.0, *np.abs(now), *(np.abs(t - now).max(axis=0) * 1.2)))
            job = Job(lambda s: _plane_job(s, a, b, span), "probe-plane")
        else:
            ref = self.refs[0]
            job = Job(lambda s: _line_job(s, ref), "probe-line")
        self._job = job
        self._job_at = time.monotonic()
        self._want_again = False
        self.controller.run_job(job, reply=lambda result: self._on_done(job, result))

    def _cancel_job(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None

    def _on_done(self, job: Job, result) -> None:
        if job is not self._job:
            return
        self._job = None
        if isinstance(result, Cancelled):
            return
        if isinstance(result, Failure):
            self.text.setText(result.message.split(": ", 1)[-1])
            return
        theta, probe = result
        if isinstance(probe, LineProbe):
            if self.two or probe.ref != (self.refs[0] if self.refs else None):
                return
            self._theta = theta
            self._show_line(probe)
        elif isinstance(probe, PlaneProbe):
            if not self.two or (probe.a, probe.b) != self.refs:
                return
            self._theta = theta
            self._show_plane(probe)
        if self._want_again:
            self._want_again = False
            latest = self.feature.w.latest
            if latest is not None and not latest.running:
                self.recompute()


def _step_edges(values: np.ndarray) -> np.ndarray:
    """Bin edges around each value (a step curve is flat over each value's bin)."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def _head(color: str) -> pg.ArrowItem:
    head = pg.ArrowItem(angle=0, headLen=13, tipAngle=40, brush=color, pen=pg.mkPen(color))
    head.hide()
    return head


def _point_head(head: pg.ArrowItem, vb, x0: float, y0: float, x1: float, y1: float) -> None:
    """An arrowhead at (x1, y1) pointing away from (x0, y0), on screen."""
    px, py = vb.viewPixelSize()
    if not (px > 0 and py > 0) or (x0 == x1 and y0 == y1):
        head.hide()
        return
    angle = math.degrees(math.atan2(-(y1 - y0) / py, (x1 - x0) / px))
    head.setStyle(angle=180 - angle)
    head.setPos(x1, y1)
    head.show()


__all__ = ["ProbePanel", "line_text"]
