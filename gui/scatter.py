"""The canvas's point layer: a pyqtgraph scatter that takes no clicks and whose points
are replaced by style, not point by point (gui/canvas.py draws each class and split as one
of these)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from .safety import guarded


class PassiveScatter(pg.ScatterPlotItem):
    """A scatter that never takes a click, so a click on a point reaches the view box.

    ``set_points`` replaces the points in O(styles) Python work: pyqtgraph's ``setData``
    looks every point's style up in its symbol atlas one by one (≈ 6 µs a point: 120 ms
    for 20,000 points on the GUI thread). Here each distinct style is looked up once and
    the atlas coordinates are spread to the points with NumPy."""

    def set_points(self, pos: np.ndarray, size: float, pen, brush) -> None:
        """Show the N×2 ``pos``, all of one ``size``. ``pen`` and ``brush`` are each one
        QPen/QBrush for every point, or a ``(table, index)`` pair: a list of K of them and
        an N-array of ints picking one per point."""
        pos = np.asarray(pos, dtype=float).reshape(-1, 2)
        if not self._fast_path_ok():
            self.setData(pos=pos, size=size, pen=expand_style(pen), brush=expand_style(brush))
            return
        pen_table, pen_index = style_table(pen, len(pos))
        brush_table, brush_index = style_table(brush, len(pos))
        self.clear()
        # np.empty fills a record's object fields one element at a time (≈ 10 ms for
        # 20,000 records); repeating one prepared record is a C copy
        one = np.empty(1, dtype=self.data.dtype)
        one["size"] = -1  # the item's size (opts) for every point
        one["visible"] = True
        if "hovered" in one.dtype.names:
            one["hovered"] = False
        data = np.repeat(one, len(pos))
        data["x"] = pos[:, 0]
        data["y"] = pos[:, 1]
        self.opts["size"] = size
        self.opts["pen"] = pen_table[0] if len(pen_table) == 1 else self.opts["pen"]
        self.opts["brush"] = brush_table[0] if len(brush_table) == 1 else self.opts["brush"]
        self._spotPixmap = None
        for name, table, index in (
            ("pen", pen_table, pen_index),
            ("brush", brush_table, brush_index),
        ):
            if len(table) > 1:  # one object per point, picked from the few in the table
                objects = np.empty(len(table), dtype=object)
                for i, obj in enumerate(table):
                    objects[i] = obj
                data[name] = objects[index]
        # the distinct (pen, brush) pairs, each looked up in the atlas once
        key = pen_index * len(brush_table) + brush_index
        uniq, inverse = np.unique(key, return_inverse=True)
        rects = np.empty(len(uniq), dtype=data.dtype["sourceRect"])
        symbol = self.opts["symbol"]
        for j, k in enumerate(uniq.tolist()):
            pen_k, brush_k = pen_table[k // len(brush_table)], brush_table[k % len(brush_table)]
            rects[j] = tuple(self.fragmentAtlas[[(symbol, size, pen_k, brush_k)]][0])
        data["sourceRect"] = rects[inverse.reshape(-1)] if len(data) else rects[:0]
        self.data = data
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.bounds = [None, None]
        self._maybeRebuildAtlas()
        self._updateMaxSpotSizes(data=data)
        self.invalidate()
        self.sigPlotChanged.emit(self)

    def _fast_path_ok(self) -> bool:
        # the record layout and atlas of pyqtgraph ≥ 0.13 in pixel mode with its cache;
        # anything else takes the slow, public path
        names = self.data.dtype.names or ()
        return (
            bool(self.opts.get("pxMode"))
            and bool(self.opts.get("useCache"))
            and not self.opts.get("hoverable")
            and {"x", "y", "size", "pen", "brush", "visible", "sourceRect"} <= set(names)
            and hasattr(self, "fragmentAtlas")
            and hasattr(self, "_maybeRebuildAtlas")
            and hasattr(self, "_updateMaxSpotSizes")
        )

    @guarded
    def mouseClickEvent(self, ev) -> None:
        ev.ignore()


def style_table(style, n: int) -> tuple[list, np.ndarray]:
    """(table, per-point index) of a single pen/brush or a (table, index) pair."""
    if isinstance(style, tuple):
        table, index = style
        index = np.asarray(index, dtype=np.int64).reshape(-1)
        if len(index) != n:
            raise ValueError(f"{len(index)} style indices for {n} points")
        return list(table), index
    return [style], np.zeros(n, dtype=np.int64)


def expand_style(style):
    """A pen/brush, or a (table, index) pair as one object per point (for ``setData``)."""
    if isinstance(style, tuple):
        table, index = style
        return [table[i] for i in np.asarray(index).reshape(-1)]
    return style
