"""A playbook's files and rehearsals in the window: the background rehearsal that lists
the scenes that no longer reproduce (and draws each scene's thumbnail on the way), saving
with fresh fingerprints, and a scene made from the session on screen.

Everything slow runs off the GUI thread (a ``Task`` of the window's ``BackgroundIO``): the
rehearsal plays the playbook on sessions of its own (``engine/rehearse.py``), never on the
engine thread's. A thumbnail is computed there as plain arrays (the regions on a coarse
grid, the points) and becomes a picture on the GUI thread.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np
import shiboken6
from backprop_lab.engine import GridEvaluator, GridSpec
from backprop_lab.engine.notation import DOMAIN
from backprop_lab.engine.playbook import Playbook, save_playbook
from backprop_lab.engine.player import Player, PlayError
from backprop_lab.engine.rehearse import SceneCheck, check, rehearse, with_rehearsal
from backprop_lab.engine.scenario import scenario_from_session, scenario_to_dict
from backprop_lab.engine.session import TrainingSession
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPen, QPixmap

from .colors import CLASS_HEX, binary_rgba, multiclass_rgba, regression_rgba
from .presenter import regression_levels

THUMB_GRID = 40  # samples a side of a thumbnail's regions
THUMB_POINTS = 400  # at most this many points are drawn in a thumbnail


def weak_done(owner, method: str, *args):
    """A task's ``on_done`` that calls ``owner.method(*args, result)`` if the owner is
    still there. The background thread holds its task to the end: with a strong reference
    it could drop the last one to the window and so delete Qt objects outside the GUI
    thread (a deadlock with the GUI thread deleting its own)."""
    ref = weakref.ref(owner)

    def done(result) -> None:
        obj = ref()
        if obj is not None and shiboken6.isValid(obj):
            getattr(obj, method)(*args, result)

    return done


class Stopped(Exception):
    """The rehearsal was cancelled (another playbook, the window closing)."""


@dataclass(frozen=True)
class ScenePicture:
    """What a thumbnail draws, as plain arrays (made off the GUI thread)."""

    rgba: np.ndarray | None  # R×R×4, row 0 = lowest y; None for a curve
    points: np.ndarray  # n × 2 (a curve's: x and y)
    labels: np.ndarray  # class per point (−1: a regression target)
    curve: np.ndarray | None = None  # k × 2 for a 1-D regression


def scene_picture(session: TrainingSession) -> ScenePicture:
    ds = session.dataset
    idx = np.arange(len(ds))[:THUMB_POINTS]
    pts = np.asarray(ds.points[idx], dtype=np.float64)
    grid = GridEvaluator(GridSpec(DOMAIN, THUMB_GRID), session.spec.features, ds.input_dim)
    with np.errstate(all="ignore"):
        out = grid.evaluate(session.net, session.params)
    if ds.input_dim == 1:
        xs = grid.spec.axes()[0]
        ys = np.asarray(out, dtype=np.float64).reshape(-1)
        xy = np.column_stack([pts[:, 0], np.asarray(ds.y_float[idx], dtype=np.float64)])
        return ScenePicture(None, xy, np.full(len(idx), -1), np.column_stack([xs, ys]))
    if ds.task == "classification":
        rgba = binary_rgba(out) if out.ndim == 2 else multiclass_rgba(out)
        labels = np.asarray(ds.y[idx], dtype=np.int64).reshape(-1)
    else:
        rgba = regression_rgba(out, *regression_levels(ds))
        labels = np.full(len(idx), -1)
    return ScenePicture(np.ascontiguousarray(rgba, dtype=np.uint8), pts, labels)


def picture_pixmap(pic: ScenePicture, size: int = 64) -> QPixmap:
    """The thumbnail as a square picture (GUI thread)."""
    pix = QPixmap(size, size)
    pix.fill(QColor("white"))
    p = QPainter(pix)
    x0, x1, y0, y1 = DOMAIN
    if pic.rgba is not None:
        h, w = pic.rgba.shape[:2]
        flipped = np.ascontiguousarray(pic.rgba[::-1])
        img = QImage(flipped.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
        p.drawImage(pix.rect(), img)
        sx, sy = size / (x1 - x0), size / (y1 - y0)
        pts = pic.points
        p.setPen(Qt.PenStyle.NoPen)
        for (x, y), k in zip(pts, pic.labels):
            color = CLASS_HEX[int(k) % len(CLASS_HEX)] if k >= 0 else "#333333"
            p.setBrush(QColor(color))
            p.drawEllipse(QPointF((x - x0) * sx, size - (y - y0) * sy), 1.3, 1.3)
    else:
        pts = pic.points
        lo = float(min(pts[:, 1].min(initial=0), pic.curve[:, 1].min(initial=0)))
        hi = float(max(pts[:, 1].max(initial=1), pic.curve[:, 1].max(initial=1)))
        span = max(hi - lo, 1e-6)

        def at(x, y) -> QPointF:
            return QPointF((x - x0) / (x1 - x0) * size, size - (y - lo) / span * size)

        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#555555"))
        for x, y in pts:
            p.drawEllipse(at(x, y), 1.2, 1.2)
        p.setPen(QPen(QColor("#C0392B"), 1.5))
        c = pic.curve
        for a, b in zip(c[:-1], c[1:]):
            p.drawLine(at(*a), at(*b))
    p.setPen(QPen(QColor("#888888"), 1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(0, 0, size - 1, size - 1)
    p.end()
    return pix


def picture_icon(pic: ScenePicture, size: int = 64) -> QIcon:
    return QIcon(picture_pixmap(pic, size))


@dataclass(frozen=True)
class RehearsalResult:
    book: Playbook
    checks: tuple[SceneCheck, ...]
    pictures: tuple[ScenePicture | None, ...]  # each scene's start
    error: str = ""  # a beat that could not be played

    @property
    def bad(self) -> list[int]:
        """The scenes (from 0) whose stored fingerprints no longer match."""
        return [c.scene for c in self.checks if not c.ok and c.rehearsed]

    @property
    def unrehearsed(self) -> list[int]:
        return [c.scene for c in self.checks if not c.rehearsed]


def rehearse_in_background(book: Playbook, stop: threading.Event) -> RehearsalResult | None:
    """Play the whole playbook (its own sessions), fingerprint every beat, picture every
    scene's start; None once ``stop`` is set."""
    pictures: list[ScenePicture | None] = [None] * len(book.scenes)

    def each(player: Player) -> None:
        if stop.is_set():
            raise Stopped
        p = player.position
        if p.beat == 0:
            try:
                pictures[p.scene] = scene_picture(player.session)
            except (ValueError, IndexError, TypeError):
                pictures[p.scene] = None  # no picture: the list shows the title alone

    try:
        fresh = rehearse(book, each_beat=each)
    except Stopped:
        return None
    except PlayError as exc:
        return RehearsalResult(book, (), tuple(pictures), str(exc))
    return RehearsalResult(book, tuple(check(book, fresh)), tuple(pictures))


def save_rehearsed(path: str, book: Playbook, stop: threading.Event) -> str:
    """Rehearse, then write the playbook with the fresh fingerprints (atomically). Returns
    a note for the status bar."""
    try:
        fresh = rehearse(book, each_beat=lambda _p: _stop_if(stop))
    except Stopped:
        raise OSError("the save was cancelled") from None
    except PlayError as exc:
        save_playbook(path, book)
        return f"saved {path} without fingerprints: {exc}"
    save_playbook(path, with_rehearsal(book, fresh))
    n = sum(map(len, fresh))
    return f"saved {path} (rehearsed: {n} beat fingerprints)"


def _stop_if(stop: threading.Event) -> None:
    if stop.is_set():
        raise Stopped


@dataclass(frozen=True)
class SceneFromSession:
    """Runs in the engine thread: the session on screen as a new scene's start (its θ,
    optimizer, random state and curves embedded, so the scene starts exactly there)."""

    title: str

    def __call__(self, session: TrainingSession) -> dict | Exception:
        try:
            sc = scenario_from_session(session)
            return {
                "title": self.title,
                "start": {"embedded": scenario_to_dict(sc)},
                "beats": [{"type": "show"}],
            }
        except Exception as exc:  # noqa: BLE001 - answered to the dock, which says why
            return exc
