"""File → Export image (the window as it is), and File → Export: any plot as a PNG at a
chosen width, its curves as CSV, the points as CSV, and the training histories as CSV.

PNGs come from pyqtgraph's ImageExporter (the plot redrawn at the chosen resolution, not
a screen grab). SVG is not offered: pyqtgraph's SVG exporter is broken with pyqtgraph
0.14 and PySide6 6.11. The CSVs have a header line and write floats with ``repr`` so they
read back exactly; NaN (a value not measured yet) is written as ``nan``; steps and layers
are whole numbers. The data of the loss, accuracy and δ plots comes from the recorded
history itself (every row of it), not from the curves as drawn; the CSVs are written
atomically. Every dialog starts in the last folder used (gui/settings.py).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from backprop_lab.engine.datasets import save_points_csv
from backprop_lab.engine.fileio import atomic_write_text
from backprop_lab.engine.notation import delta_label
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QStatusBar, QWidget

from .banner import Banner
from .canvas import DataCanvas
from .lesson_files import LessonFiles
from .plots import TrainingPlots
from .worker import Frame

DEFAULT_WIDTH = 1600
WIDTH_RANGE = (100, 8000)


# --- the files ----------------------------------------------------------------------------
def export_plot_png(plot: pg.PlotWidget | pg.PlotItem, path: str | os.PathLike, width: int) -> Path:
    """The plot redrawn ``width`` pixels wide (height in proportion) as a PNG."""
    from pyqtgraph.exporters import ImageExporter

    if not WIDTH_RANGE[0] <= int(width) <= WIDTH_RANGE[1]:
        raise ValueError(f"width must be {WIDTH_RANGE[0]}..{WIDTH_RANGE[1]} pixels, got {width}")
    item = plot.getPlotItem() if isinstance(plot, pg.PlotWidget) else plot
    exporter = ImageExporter(item)
    exporter.parameters()["width"] = int(width)
    path = Path(path)
    exporter.export(os.fspath(path))
    if not path.is_file():
        raise OSError(f"could not write {path}")
    return path


def plot_series(plot: pg.PlotWidget | pg.PlotItem) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, x, y) of every curve of the plot, as drawn (log axes undone)."""
    item = plot.getPlotItem() if isinstance(plot, pg.PlotWidget) else plot
    out = []
    for i, curve in enumerate(item.listDataItems()):
        x, y = curve.getOriginalDataset()
        if x is None or y is None:
            continue
        name = curve.name() or f"series {i + 1}"
        out.append((str(name), np.asarray(x, dtype=float), np.asarray(y, dtype=float)))
    return out


def _num(v: float) -> str:
    v = float(v)
    return repr(v) if math.isfinite(v) else "nan"


def _x(v: float, whole: bool) -> str:
    return str(int(v)) if whole and math.isfinite(float(v)) else _num(v)


def write_series_csv(series, path: str | os.PathLike, whole_x: bool = False) -> Path:
    """``(name, x, y)`` series in long form: ``series,x,y``, one row per point; with
    ``whole_x`` the x values (steps, layers) are written as whole numbers."""
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["series", "x", "y"])
    for name, xs, ys in series:
        for x, y in zip(xs, ys):
            w.writerow([name, _x(x, whole_x), _num(y)])
    path = Path(path)
    atomic_write_text(path, out.getvalue())
    return path


def export_plot_csv(plot: pg.PlotWidget | pg.PlotItem, path: str | os.PathLike) -> Path:
    """The plot's curves as drawn, in long form: ``series,x,y``, one row per point."""
    return write_series_csv(plot_series(plot), path)


# the plots drawn from the history: (series name, history field) for each curve
HISTORY_CURVES = {
    "Loss": (("train", "train_loss"), ("test", "test_loss")),
    "Accuracy": (("train", "train_acc"), ("test", "test_acc")),
}
DELTA_PLOT = "Mean |δ| per layer"
BARS_PLOT = "Current mean |δ| bars"


def history_series(history, label: str) -> list[tuple[str, np.ndarray, np.ndarray]] | None:
    """The curves of the plot ``label`` (a ``window_plots`` name) straight from a
    snapshot's history, one point per recorded row; None for a plot not drawn from it."""
    series = _series(history)
    steps = np.asarray(series["step"])
    if label in HISTORY_CURVES:
        return [(name, steps, np.asarray(series[key])) for name, key in HISTORY_CURVES[label]]
    if label == DELTA_PLOT:
        deltas = np.asarray(series["delta_mean_abs"], dtype=float).reshape(len(steps), -1)
        return [(delta_label(k + 1), steps, deltas[:, k]) for k in range(deltas.shape[1])]
    return None


def _series(history) -> dict[str, np.ndarray]:
    """A snapshot's history (``HistoryArrays``, or a mapping of names to arrays) by name."""
    if dataclasses.is_dataclass(history):
        return {f.name: getattr(history, f.name) for f in dataclasses.fields(history)}
    return dict(history)


def history_table(history) -> tuple[list[str], np.ndarray]:
    """Column names and a rows × columns array from a snapshot's history: ``step`` first,
    then the scalar series, then each per-layer series (rows × layers) as one column per
    layer, named with the layer: ``delta_mean_abs1``, ``delta_mean_abs2``, …"""
    series = _series(history)
    names: list[str] = []
    cols: list[np.ndarray] = []
    order = {"step": 0}
    keys = sorted(series, key=lambda k: (order.get(k, 1), np.ndim(series[k]), k))
    for k in keys:
        a = np.asarray(series[k], dtype=float)
        if a.ndim == 1:
            names.append(k)
            cols.append(a)
        elif a.ndim == 2:
            for layer in range(a.shape[1]):
                names.append(f"{k}{layer + 1}")
                cols.append(a[:, layer])
    rows = len(cols[0]) if cols else 0
    table = np.column_stack(cols) if cols else np.zeros((rows, 0))
    return names, table


def export_history_csv(history, path: str | os.PathLike) -> Path:
    """Loss, accuracy, and per layer mean |δ|, ‖dW‖ and ‖W‖ against the step."""
    names, table = history_table(history)
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(names)
    # the step is a count: "12", not "12.0", in a spreadsheet's first column
    whole = [name == "step" for name in names]
    for row in table:
        w.writerow([_x(v, is_step) for is_step, v in zip(whole, row)])
    path = Path(path)
    atomic_write_text(path, out.getvalue())
    return path


def export_runs_csv(runs: list[tuple[str, object]], path: str | os.PathLike) -> Path:
    """Compared runs' histories in one table: a ``run`` column (each run's label) first,
    then the columns of ``export_history_csv``; a column one run lacks (a layer another
    network does not have) is left empty in its rows."""
    tables = [(label, *history_table(history)) for label, history in runs]
    names: list[str] = []
    for _label, cols, _table in tables:
        names += [n for n in cols if n not in names]
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["run", *names])
    for label, cols, table in tables:
        at = {n: i for i, n in enumerate(cols)}
        for row in table:
            w.writerow([label, *(_x(row[at[n]], n == "step") if n in at else "" for n in names)])
    path = Path(path)
    atomic_write_text(path, out.getvalue())
    return path


def read_csv_table(path: str | os.PathLike) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV this module wrote (for round trips)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


# --- the menu -----------------------------------------------------------------------------
CANVAS_PLOT = "Canvas (points and regions)"


def window_plots(plots: TrainingPlots, canvas: DataCanvas) -> dict[str, pg.PlotWidget]:
    """The window's plots by menu name."""
    return {
        "Loss": plots.loss_plot,
        "Accuracy": plots.acc_plot,
        DELTA_PLOT: plots.delta_plot,
        BARS_PLOT: plots.bars_plot,
        CANVAS_PLOT: canvas,
    }


def _slug(label: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in label.lower()).strip("-").replace("--", "-")


class ExportMenu:
    """File → Export: the dialogs around the functions above; failures go to the
    banner and the status bar, never an exception out of a slot. ``picture`` is what
    File → Export image writes (the window's central area); ``files`` says where the
    dialogs start; ``parent`` is theirs and the menu's."""

    def __init__(
        self,
        parent: QWidget,
        *,
        plots: TrainingPlots,
        canvas: DataCanvas,
        latest: Callable[[], Frame | None],
        files: LessonFiles,
        banner: Banner,
        status: QStatusBar,
        picture: QWidget,
    ):
        self.parent = parent
        self.canvas = canvas
        self.latest = latest
        self.files = files
        self.banner = banner
        self.status = status
        self.picture = picture
        self.plots = window_plots(plots, canvas)
        self.menu = QMenu("Export", parent)
        self.actions: dict[str, QAction] = {}
        png = self.menu.addMenu("Plot as PNG")
        data = self.menu.addMenu("Plot data as CSV")
        for label in self.plots:
            self._add(png, label, lambda _c=False, n=label: self.plot_png_dialog(n), f"png:{label}")
            self._add(
                data, label, lambda _c=False, n=label: self.plot_csv_dialog(n), f"csv:{label}"
            )
        self.menu.addSeparator()
        self._add(self.menu, "Points as CSV…", self.points_dialog, "points")
        self._add(self.menu, "Histories as CSV…", self.history_dialog, "history")

    def _add(self, menu: QMenu, text: str, slot: Callable, key: str) -> None:
        a = QAction(text, menu)
        a.triggered.connect(slot)
        menu.addAction(a)
        self.actions[key] = a

    def _report(self, ok_text: str, fn: Callable[[], object]) -> bool:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - reported in the window
            msg = f"Export failed: {exc}"
            self.banner.show_message(msg, "error")
            self.status.showMessage(msg, 10000)
            return False
        self.status.showMessage(ok_text, 5000)
        return True

    # --- without dialogs (tests, scripts) ---------------------------------------------
    def window_image(self, path: str | os.PathLike) -> bool:
        """File → Export image: the window's central area as it is on screen."""
        ok = self.picture.grab().save(os.fspath(path))
        if not ok:
            self.banner.show_message(f"Could not write the image {os.fspath(path)}", "error")
        return bool(ok)

    def plot_png(self, label: str, path, width: int = DEFAULT_WIDTH) -> bool:
        plot = self.plots[label]
        return self._report(f"saved {path}", lambda: export_plot_png(plot, path, width))

    def plot_csv(self, label: str, path) -> bool:
        """The plot's data: every recorded history row for the plots drawn from the
        history (the curves as drawn may be thinned, and lag a frame behind while
        training), the bars by layer, the canvas's items as drawn."""
        plot = self.plots[label]
        latest = self.latest()
        series = history_series(latest.snapshot.history, label) if latest is not None else None
        if series is not None:
            return self._report(
                f"saved {path}", lambda: write_series_csv(series, path, whole_x=True)
            )
        if label == BARS_PLOT:
            return self._report(
                f"saved {path}", lambda: write_series_csv(plot_series(plot), path, whole_x=True)
            )
        return self._report(f"saved {path}", lambda: export_plot_csv(plot, path))

    def points_csv(self, path) -> bool:
        ds = self.canvas.dataset
        return self._report(f"saved {len(ds)} points to {path}", lambda: save_points_csv(path, ds))

    def history_csv(self, path) -> bool:
        latest = self.latest()
        if latest is None:
            return self._report("", _raise("no training data yet: step or play first"))
        if latest.runs and len(latest.runs) > 1:  # compared runs: one table, a run column
            runs = [(r.label.text, r.snapshot.history) for r in latest.runs]
            return self._report(f"saved {path}", lambda: export_runs_csv(runs, path))
        history = latest.snapshot.history
        return self._report(f"saved {path}", lambda: export_history_csv(history, path))

    # --- dialogs ---------------------------------------------------------------------------
    def _save_name(self, title: str, name: str, filt: str) -> str:
        """Ask where to write, starting in the last folder used (gui/settings.py)."""
        start = self.files.start_path(name)
        path, _ = QFileDialog.getSaveFileName(self.parent, title, start, filt)
        return path

    def _used(self, path: str, ok: bool) -> None:
        if ok:
            self.files.folder_used(path)

    def window_image_dialog(self) -> None:
        path = self._save_name("Export image", "backprop-lab.png", "PNG (*.png)")
        if path:
            self._used(path, self.window_image(path))

    def plot_png_dialog(self, label: str) -> None:
        width, ok = QInputDialog.getInt(
            self.parent, "Export plot", "Width in pixels:", DEFAULT_WIDTH, *WIDTH_RANGE, 100
        )
        if not ok:
            return
        path = self._save_name("Export plot as PNG", f"{_slug(label)}.png", "PNG (*.png)")
        if path:
            self._used(path, self.plot_png(label, path, width))

    def plot_csv_dialog(self, label: str) -> None:
        path = self._save_name("Export plot data", f"{_slug(label)}.csv", "CSV (*.csv)")
        if path:
            self._used(path, self.plot_csv(label, path))

    def points_dialog(self) -> None:
        path = self._save_name("Export points", "points.csv", "CSV (*.csv)")
        if path:
            self._used(path, self.points_csv(path))

    def history_dialog(self) -> None:
        path = self._save_name("Export histories", "histories.csv", "CSV (*.csv)")
        if path:
            self._used(path, self.history_csv(path))


def _raise(msg: str) -> Callable[[], None]:
    def fail() -> None:
        raise ValueError(msg)

    return fail
