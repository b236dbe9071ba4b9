"""Headless pictures of a training session: frames for slides, notes and animations.

``backprop-lab render LESSON --steps N --every K --out DIR`` trains a lesson in this
process (the engine session directly, no worker thread, so the frames depend only on the
lesson and its seed) and writes numbered PNGs of one view. ``--what compare`` draws a
comparison (engine/group.py): the lesson's ``compare`` block, or a contrast made on the
lesson (``--contrast``), its runs trained in lock-step. ``render_image`` and
``save_frame`` do the same for one frame from a script or a notebook (docs/api.md).

Frames are byte-for-byte identical from run to run: every view is drawn from a snapshot
with nothing time-dependent in it (the rate in the status line is 0, no animation), and
the PNG writer adds no timestamps.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from backprop_lab.engine import TrainingSession
from backprop_lab.engine.group import RunGroup
from backprop_lab.engine.notation import DOMAIN

from .frames import MapRequest

if TYPE_CHECKING:  # Qt is imported only once a QApplication is sure to exist
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QWidget

VIEWS = ("canvas", "plots", "diagram", "hidden", "window", "compare")
DEFAULT_SIZE = (800, 600)
COMPARE_SIZE = (1280, 720)  # the runs side by side and the plots: a slide's shape
DIAGRAM = "diagram"  # the diagram view's unit maps in a frame


class RenderError(ValueError):
    """A render that cannot go ahead (bad view, size, output folder); the message says why."""


def ensure_app():
    """The QApplication, created if needed, offscreen when there is no display.

    Sets pyqtgraph's options the window relies on (row-major images), so a view drawn here
    looks like the one in the app."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        if no_display and sys.platform.startswith("linux"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Backprop Lab")
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=False, imageAxisOrder="row-major")
    return app


def make_frame(session: TrainingSession | RunGroup, maps=(), region=None):
    """What the engine thread would publish for the session (or every run of the group)
    now, paused (gui/frames.py); ``region``: the canvas's ``visible_view()``, which the
    grids then cover, as in the window (None: the canvas's domain)."""
    from .frames import FrameBuilder, render_frame

    if isinstance(session, TrainingSession) and region is None:
        return render_frame(session, maps)
    if isinstance(session, TrainingSession):
        session = RunGroup.of(session)
    builder = FrameBuilder(full_pass=False)
    if region is not None:
        builder.set_view(*region)
    for name, request in dict(maps).items():
        builder.set_maps(name, request)
    return builder.build(session, serial=session.step_count)


@dataclass
class _Views:
    """The widget a view is drawn by, how a frame reaches it, and the unit maps its
    frames need."""

    widget: QWidget
    show: object  # callable(frame)
    owner: object = None  # a MainWindow to shut down, for the "window" view
    maps: dict = field(default_factory=dict)  # name → frames.MapRequest
    # the canvas's visible_view(), for a view whose grids cover what its canvas shows
    region: object = None
    shown_region: object = None  # the region the last frame's grids were made for

    def picture(self, runs, size: tuple[int, int], scale: float) -> QImage:
        """The view of ``runs`` now, drawn at ``size``. A view with a ``region`` is drawn
        again when its canvas's visible rectangle (known once laid out at this size) is
        not the one the frame's grids covered: the regions then fill every canvas."""
        for _ in range(3):
            self.show(make_frame(runs, self.maps, self.shown_region))
            img = grab(self.widget, size, scale)
            if self.region is None:
                break
            now = self.region()
            if now == self.shown_region:
                break
            self.shown_region = now
        return img


def _label_axes(canvas, font_scale: float) -> None:
    """The canvas's axis names as the window gives them (gui/canvas_views.py): x₁ across,
    and up x₂, or the target y of a 1-D regression."""
    ds = canvas.dataset
    up = "y" if ds.task == "regression" and ds.input_dim == 1 else "x₂"
    size = {"font-size": f"{14 * font_scale:.0f}pt"}
    pi = canvas.getPlotItem()
    pi.getAxis("bottom").setLabel("x₁", color="#202020", **size)
    pi.getAxis("left").setLabel(up, color="#202020", **size)


def _canvas_view(session: TrainingSession, font_scale: float) -> _Views:
    from .canvas import DataCanvas
    from .presenter import draw_grid, regression_levels

    canvas = DataCanvas(dataset=session.dataset)
    canvas.set_point_size(9.0 * max(1.0, font_scale**0.75))

    def show(frame) -> None:
        ds = frame.snapshot.dataset
        canvas.set_dataset(ds, reset_history=True)
        if ds.task == "regression" and ds.input_dim == 2:
            canvas.set_regression_levels(regression_levels(ds))
        _label_axes(canvas, font_scale)
        draw_grid(canvas, frame)

    return _Views(canvas, show)


def _plots_view(font_scale: float) -> _Views:
    from .plots import TrainingPlots

    plots = TrainingPlots()
    plots.set_font_scale(font_scale)
    return _Views(plots, lambda frame: plots.update_snapshot(frame.snapshot))


def _diagram_view() -> _Views:
    from .diagram import NetworkDiagram

    diagram = NetworkDiagram()

    def show(frame) -> None:
        snap = frame.snapshot
        ds, arch = snap.dataset, snap.arch
        diagram.set_network(arch.widths, arch.activations, arch.head, snap.spec.features)
        diagram.input_dim = ds.input_dim
        diagram.set_weights(list(snap.params.W))
        maps = frame.maps[DIAGRAM]
        # the output's thumbnail is the frame's decision grid, finer than the maps' own
        diagram.set_maps(maps.hidden, frame.grid)
        diagram.set_delta(maps.delta)

    return _Views(diagram, show, maps={DIAGRAM: MapRequest(DOMAIN, deltas=True)})


def _window_view(session: TrainingSession, font_scale: float) -> _Views:
    from .main_window import MainWindow

    window = MainWindow(session=session, font_scale=font_scale)
    # the window's engine thread would publish frames of its own at times of its choosing;
    # stop it and hand the window the frames made here, in order
    window.controller.shutdown()
    return _Views(window, window.presenter.show, owner=window)


def _compare_view(group: RunGroup, font_scale: float, overlay: bool) -> _Views:
    """The runs' canvases side by side (or, ``overlay``, the others' boundaries over A's
    canvas), each titled as in the window, beside the shared plots: the window's own
    widgets (gui/compare_canvases.py, gui/plots.py)."""
    import pyqtgraph as pg
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

    from .canvas import DataCanvas
    from .colors import run_hex
    from .compare_canvases import RunGrid, overlay_picture
    from .compare_window import run_detail
    from .plots import TrainingPlots
    from .presenter import StatusText, draw_grid, regression_levels

    box = QWidget()
    box.setAutoFillBackground(True)
    font = QFont(box.font())
    font.setPointSizeF(max(font.pointSizeF(), 9.0) * font_scale)
    box.setFont(font)
    canvas = DataCanvas(dataset=group.a.dataset)
    canvas.set_point_size(9.0 * max(1.0, font_scale**0.75))
    tick = QFont(font)
    tick.setPointSizeF(11.0 * font_scale)
    for side in ("left", "bottom"):
        canvas.getPlotItem().getAxis(side).setStyle(tickFont=tick)
    grid = RunGrid(canvas)
    plots = TrainingPlots()
    plots.set_font_scale(font_scale)
    # the runs' common step under their canvases (thumbnails leave it out of the titles)
    line = StatusText()
    column = QVBoxLayout()
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(grid, 1)
    column.addWidget(line)
    lay = QHBoxLayout(box)
    lay.setContentsMargins(4, 4, 4, 4)
    lay.addLayout(column, 3)
    lay.addWidget(plots, 2)
    laid = pg.ImageItem()  # the overlay: over A's regions, under the points
    laid.setZValue(-5)
    laid.hide()
    canvas.addItem(laid)
    drawn: dict = {}

    def show(frame) -> None:
        ds, runs = frame.snapshot.dataset, frame.runs
        canvas.set_dataset(ds, reset_history=True)
        if ds.task == "regression" and ds.input_dim == 2:
            canvas.set_regression_levels(regression_levels(ds))
        _label_axes(canvas, font_scale)
        draw_grid(canvas, frame)
        if grid.set_count(1 if overlay else len(runs)):
            drawn.clear()
        for rc in grid.visible_canvases():
            rc.set_dataset(ds, canvas.point_size, canvas.show_test)
            rc.match(canvas)
        for i, cell in enumerate(grid.cells[: grid.count]):
            if overlay or len(runs) < 2:  # one canvas: the plots' legend names the runs
                break
            view = runs[i]
            cell.set_title(i, view.label.text, run_detail(view), view.label.warning)
            cell.set_frame(True, False, view.status.diverged is not None)
        grid.draw_regions(frame, False, drawn)
        others = [(g, run_hex(i)) for i, g in enumerate(frame.grids) if i > 0 and g is not None]
        rgba = overlay_picture(frame.grids[0], others) if overlay and others else None
        if rgba is not None:
            x0, x1, y0, y1 = frame.extent
            laid.setImage(rgba, autoLevels=False)
            laid.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        laid.setVisible(rgba is not None)
        fan = frame.group is not None and frame.group.kind == "fan"
        plots.update_snapshot(frame.snapshot, runs=runs, fan=fan)
        step = frame.group.step if frame.group is not None else frame.snapshot.step
        line.setText(f"step {step:,}" + (f"   ·   {len(runs)} seeds" if fan else ""))

    return _Views(box, show, region=canvas.visible_view)


def build_view(
    what: str,
    session: TrainingSession | RunGroup,
    font_scale: float = 1.0,
    overlay: bool = False,
) -> _Views:
    """The widget that draws view ``what`` of the session; ``compare`` draws a group of
    runs (a session is a group of one), with ``overlay`` on A's canvas."""
    ensure_app()
    if what == "compare":
        group = session if isinstance(session, RunGroup) else RunGroup.of(session)
        return _compare_view(group, font_scale, overlay)
    if isinstance(session, RunGroup):
        if len(session) > 1:
            raise RenderError(f"--what {what} draws one run; a comparison needs --what compare")
        session = session.a
    if what == "canvas":
        return _canvas_view(session, font_scale)
    if what == "plots":
        return _plots_view(font_scale)
    if what == "diagram":
        return _diagram_view()
    if what == "window":
        return _window_view(session, font_scale)
    if what == "hidden":  # the hidden-space view (gui/hidden_view.py)
        from .hidden_view import render_view

        return _Views(*render_view(session, font_scale))
    raise RenderError(f"view must be one of {', '.join(VIEWS)}, got {what!r}")


def grab(widget: QWidget, size: tuple[int, int], scale: float = 1.0) -> QImage:
    """The widget drawn into a size[0]·scale × size[1]·scale image (scale is the device
    pixel ratio: 2 gives a sharp picture for a high-resolution slide)."""
    from PySide6.QtCore import QSize, Qt
    from PySide6.QtGui import QColor, QImage
    from PySide6.QtWidgets import QApplication
    from PySide6.QtWidgets import QWidget as _QWidget

    w, h = size
    if not widget.isVisible():
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        widget.show()
    if widget.size() != QSize(w, h):
        widget.resize(w, h)
    # layouts and pyqtgraph's deferred updates (auto-range runs when a view is painted)
    # settle only after a paint: paint once, let the queued updates run, then draw for real
    QApplication.processEvents()
    widget.grab()
    QApplication.processEvents()
    img = QImage(round(w * scale), round(h * scale), QImage.Format.Format_ARGB32)
    img.setDevicePixelRatio(scale)
    img.fill(QColor("white"))
    # QWidget.render, not a QGraphicsView's own render(painter) (the canvas is one)
    _QWidget.render(widget, img)
    img.setDevicePixelRatio(1.0)
    return img


def render_image(
    session: TrainingSession | RunGroup,
    what: str = "canvas",
    size: tuple[int, int] = DEFAULT_SIZE,
    scale: float = 1.0,
    font_scale: float = 1.0,
    overlay: bool = False,
) -> QImage:
    """One picture of the session (or the group of runs) as it is now (a QImage)."""
    view = build_view(what, session, font_scale, overlay)
    try:
        return view.picture(session, size, scale)
    finally:
        _close(view)


def save_frame(
    session: TrainingSession | RunGroup, path: str | os.PathLike, what: str = "canvas", **kw
) -> Path:
    """Write one picture of the session to a PNG file; OSError if it cannot be written."""
    path = Path(path)
    if not render_image(session, what, **kw).save(os.fspath(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def _close(view: _Views) -> None:
    if view.owner is not None:
        view.owner.shutdown()
    view.widget.close()
    view.widget.deleteLater()


def frame_steps(steps: int, every: int) -> list[int]:
    """The steps a render draws: 0, K, 2K, … and N itself."""
    out = list(range(0, steps + 1, every))
    if out[-1] != steps:
        out.append(steps)
    return out


class Progress:
    """A one-line progress bar on a terminal (stderr); plain lines when not a terminal."""

    def __init__(self, total: int, stream=None, width: int = 30):
        self.total, self.width = total, width
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, done: int, note: str = "") -> None:
        frac = done / self.total if self.total else 1.0
        bar = "#" * round(frac * self.width)
        line = f"[{bar:<{self.width}}] {done}/{self.total} frames {note}"
        if self.tty:
            self.stream.write("\r" + line)
            if done >= self.total:
                self.stream.write("\n")
        elif done in (0, self.total) or done % max(1, self.total // 10) == 0:
            self.stream.write(line + "\n")
        self.stream.flush()


def _stopped(runs: TrainingSession | RunGroup) -> str | None:
    """Why the render cannot go on: the run diverged, or every run of the group did (one
    run of a comparison that diverges stops alone, framed red, as in the window)."""
    if isinstance(runs, TrainingSession):
        return runs.diverged
    why = [s.diverged for s in runs]
    if not all(why):
        return None
    return why[0] if len(why) == 1 else f"every run diverged (A: {why[0]})"


def render_run(
    session: TrainingSession | RunGroup,
    out: str | os.PathLike,
    steps: int,
    every: int = 1,
    what: str = "canvas",
    size: tuple[int, int] = DEFAULT_SIZE,
    scale: float = 1.0,
    font_scale: float = 1.0,
    progress: Progress | None = None,
    overlay: bool = False,
) -> list[Path]:
    """Train ``steps`` steps and write a PNG every ``every`` steps (and of step 0 and the
    last step) into ``out``: frame-0000.png, frame-0001.png, … Stops early, with the frames
    so far, if the run diverges (RenderError says at which step). A ``RunGroup`` trains
    every run in lock-step (``what="compare"`` draws them all, ``overlay`` over A's
    canvas); it stops early only when every run diverged."""
    out = Path(out)
    marks = frame_steps(steps, every)
    view = build_view(what, session, font_scale, overlay)
    written: list[Path] = []
    progress = progress or Progress(len(marks))
    try:
        progress.update(0)
        for i, target in enumerate(marks):
            if target > session.step_count:
                session.step(target - session.step_count)
            path = out / f"frame-{i:04d}.png"
            if not view.picture(session, size, scale).save(os.fspath(path), "PNG"):
                raise OSError(f"could not write {path}")
            written.append(path)
            progress.update(i + 1, f"(step {session.step_count:,})")
            why = _stopped(session)
            if why:
                raise RenderError(f"{why} ({len(written)} frames written)")
    finally:
        _close(view)
    return written


def write_gif(frames: list[Path], path: str | os.PathLike, ms_per_frame: int = 80) -> Path:
    """An animated GIF of the frames (needs Pillow: the ``anim`` extra). ImportError with
    the install hint if Pillow is missing."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            "--gif needs Pillow: pip install 'backprop-lab[anim]' (or pip install Pillow)"
        ) from None
    images = []
    for f in frames:
        with Image.open(f) as im:
            # one adaptive palette per frame; no dithering keeps flat regions flat and the
            # file small
            images.append(im.convert("RGB").quantize(colors=128, dither=Image.Dither.NONE))
    path = Path(path)
    images[0].save(
        path,
        save_all=True,
        append_images=images[1:],
        duration=ms_per_frame,
        loop=0,
        optimize=True,
    )
    return path
