"""Heatmaps of the arrays of one backprop phase, in the notes' orientation (M_ℓ × B).

Each array is drawn as a grid of cells on a diverging colour scale centred on 0 with
symmetric limits ±max|a| (blue negative, vermillion positive, a light neutral at 0), so
the sign of every entry reads at a glance and 0 is always the same colour. Small matrices
print their values in the cells; the value under the mouse shows in a tooltip and in the
``hovered`` signal (the inspector puts it in a label).

The colour mapping and the number formatting are pure functions, tested without a window.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QLayout,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QWidget,
)

from .colors import NEUTRAL, REGRESSION_HIGH_HEX, REGRESSION_LOW_HEX, hex_to_rgb
from .safety import guarded


def _sign_lut(n: int = 255) -> np.ndarray:
    """n×4 (n odd): blue at −limit, the neutral exactly in the middle (0), vermillion at
    +limit; the Okabe–Ito ends of the regression map."""
    low, high = hex_to_rgb(REGRESSION_LOW_HEX), hex_to_rgb(REGRESSION_HIGH_HEX)
    t = np.abs(np.linspace(-1.0, 1.0, n))[:, None]
    end = np.where(np.arange(n)[:, None] < n // 2, np.asarray(low, float), np.asarray(high, float))
    lut = np.empty((n, 4), np.uint8)
    lut[:, :3] = np.rint((1.0 - t) * np.asarray(NEUTRAL, float) + t * end).astype(np.uint8)
    lut[:, 3] = 255
    lut.flags.writeable = False
    return lut


# negative: blue, 0: light neutral, positive: vermillion (Okabe–Ito, as the regression map)
SIGN_LUT = _sign_lut()
NEGATIVE_HEX = REGRESSION_LOW_HEX
POSITIVE_HEX = REGRESSION_HIGH_HEX
NAN_RGBA = (160, 160, 160, 255)
TEXT_MAX_ROWS = 12  # values are printed in the cells up to this size
TEXT_MAX_COLS = 16


def symmetric_limit(a: np.ndarray) -> float:
    """max |a| over the finite entries: the colour scale is [−limit, +limit]; 1 if all 0."""
    a = np.asarray(a, dtype=np.float64)
    finite = a[np.isfinite(a)]
    if finite.size == 0:
        return 1.0
    m = float(np.max(np.abs(finite)))
    return m if m > 0 else 1.0


def diverging_rgba(a: np.ndarray, limit: float | None = None) -> np.ndarray:
    """``a`` (2-D) coloured on [−limit, +limit] → rows × cols × 4 ``uint8``; NaN is grey."""
    a = np.atleast_2d(np.asarray(a, dtype=np.float64))
    lim = symmetric_limit(a) if limit is None else float(limit)
    finite = np.isfinite(a)
    t = np.where(finite, a, 0.0) / lim
    idx = np.clip(np.rint((t + 1.0) * 0.5 * (len(SIGN_LUT) - 1)), 0, len(SIGN_LUT) - 1)
    rgba = SIGN_LUT[idx.astype(np.intp)]
    rgba[~finite] = NAN_RGBA
    return rgba


def text_on(rgb: tuple[int, int, int] | np.ndarray) -> str:
    """Black or white, whichever reads better on a background of colour ``rgb``."""
    r, g, b = (float(c) for c in rgb[:3])
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 120 else "#FFFFFF"


def cell_text(v: float) -> str:
    """A value short enough for a cell: 0.12, −3.40, 120, −7e−3 (at most 5 characters)."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    a = abs(v)
    if 0.01 <= a < 10:
        s = f"{v:.2f}"
    elif 10 <= a < 100:
        s = f"{v:.1f}"
    elif 100 <= a < 10000:
        s = f"{v:.0f}"
    else:  # 7e-3, not 7e-03: it has to fit the cell
        mantissa, exp = f"{v:.0e}".split("e")
        s = f"{mantissa}e{int(exp)}"
    return s.replace("-", "−")


def shape_text(a: np.ndarray) -> str:
    """'4 × 16' (a vector is shown as a column, M × 1, as in the notes)."""
    a = np.asarray(a)
    if a.ndim == 1:
        return f"{a.shape[0]} × 1"
    return " × ".join(str(n) for n in a.shape)


def as_matrix(a: np.ndarray) -> np.ndarray:
    """2-D view: a vector becomes a column (M × 1), a scalar 1 × 1."""
    a = np.asarray(a)
    if a.ndim == 0:
        return a.reshape(1, 1)
    if a.ndim == 1:
        return a.reshape(-1, 1)
    return a.reshape(a.shape[0], -1)


class HeatmapView(QWidget):
    """One array: its name and shape above, a cell grid below, the value under the mouse."""

    hovered = Signal(str)  # "z⁽²⁾[2, 5] = 0.123456" (1-based, like the notes), "" on leave

    def __init__(self, name: str, a: np.ndarray, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._hover: tuple[int, int] | None = None
        self.set_array(name, a)

    # --- data ----------------------------------------------------------------------------
    def set_array(self, name: str, a: np.ndarray) -> None:
        self.name = name
        self.raw = np.asarray(a)
        self.values = as_matrix(self.raw).astype(np.float64, copy=False)
        self.limit = symmetric_limit(self.values)
        rgba = np.ascontiguousarray(diverging_rgba(self.values, self.limit))
        self._rgba = rgba
        rows, cols = self.values.shape
        self._image = QImage(rgba.data, cols, rows, 4 * cols, QImage.Format.Format_RGBA8888).copy()
        self.show_text = rows <= TEXT_MAX_ROWS and cols <= TEXT_MAX_COLS
        self._layout_cells()
        self.updateGeometry()
        self.update()

    @property
    def title(self) -> str:
        return f"{self.name}   {shape_text(self.raw)}"

    def value_at(self, row: int, col: int) -> float:
        return float(self.values[row, col])

    def text_at(self, row: int, col: int) -> str:
        """What the cell prints (when the matrix is small enough to print)."""
        return cell_text(self.values[row, col])

    def hover_text(self, row: int, col: int) -> str:
        v = self.values[row, col]
        return f"{self.name}[{row + 1}, {col + 1}] = {v:.6g}"

    # --- geometry ------------------------------------------------------------------------
    def _layout_cells(self) -> None:
        rows, cols = self.values.shape
        f = QFont(self.font())
        self._title_font = QFont(f)
        self._title_font.setBold(True)
        self._cell_font = QFont(f)
        fm = QFontMetrics(self._cell_font)
        tm = QFontMetrics(self._title_font)
        if self.show_text:
            self.cell_w = fm.horizontalAdvance("−0.00") + 10
            self.cell_h = fm.height() + 8
        else:  # too big to print: small cells, the matrix at most ~560 × 360 px
            self.cell_w = int(max(4, min(24, 560 // max(cols, 1))))
            self.cell_h = int(max(4, min(24, 360 // max(rows, 1))))
        self.title_h = tm.height() + 6
        self.grid_w = cols * self.cell_w
        self.grid_h = rows * self.cell_h
        self._min_w = max(self.grid_w, tm.horizontalAdvance(self.title) + 4) + 2

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self._min_w, self.title_h + self.grid_h + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def grid_rect(self) -> QRect:
        return QRect(1, self.title_h, self.grid_w, self.grid_h)

    def cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        r = self.grid_rect()
        if not r.contains(pos):
            return None
        row = (pos.y() - r.top()) // self.cell_h
        col = (pos.x() - r.left()) // self.cell_w
        rows, cols = self.values.shape
        if 0 <= row < rows and 0 <= col < cols:
            return int(row), int(col)
        return None

    def cell_rect(self, row: int, col: int) -> QRect:
        g = self.grid_rect()
        return QRect(
            g.left() + col * self.cell_w, g.top() + row * self.cell_h, self.cell_w, self.cell_h
        )

    def cell_center(self, row: int, col: int) -> QPoint:
        r = self.grid_rect()
        return QPoint(
            r.left() + col * self.cell_w + self.cell_w // 2,
            r.top() + row * self.cell_h + self.cell_h // 2,
        )

    # --- painting ------------------------------------------------------------------------
    @guarded
    def paintEvent(self, _ev) -> None:  # noqa: N802
        p = QPainter(self)
        p.setFont(self._title_font)
        p.setPen(self.palette().windowText().color())
        p.drawText(
            QRect(1, 0, self.width(), self.title_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self.title,
        )
        g = self.grid_rect()
        p.drawImage(g, self._image)
        rows, cols = self.values.shape
        if self.show_text:
            p.setFont(self._cell_font)
            for i in range(rows):
                for j in range(cols):
                    cell = self.cell_rect(i, j)
                    p.setPen(QColor(text_on(self._rgba[i, j])))
                    p.drawText(cell, Qt.AlignmentFlag.AlignCenter, self.text_at(i, j))
            p.setPen(QPen(QColor(255, 255, 255, 150), 1))
            for j in range(1, cols):
                x = g.left() + j * self.cell_w
                p.drawLine(x, g.top(), x, g.bottom())
            for i in range(1, rows):
                y = g.top() + i * self.cell_h
                p.drawLine(g.left(), y, g.right(), y)
        p.setPen(QPen(QColor("#555555"), 1))
        p.drawRect(g.adjusted(0, 0, -1, -1))
        if self._hover is not None:
            i, j = self._hover
            p.setPen(QPen(QColor("#000000"), 2))
            p.drawRect(self.cell_rect(i, j))
        p.end()

    # --- mouse ---------------------------------------------------------------------------
    @guarded
    def mouseMoveEvent(self, ev) -> None:  # noqa: N802
        cell = self.cell_at(ev.position().toPoint())
        if cell != self._hover:
            self._hover = cell
            self.update()
            text = self.hover_text(*cell) if cell is not None else ""
            self.hovered.emit(text)
            if cell is not None:
                QToolTip.showText(ev.globalPosition().toPoint(), text, self)
            else:
                QToolTip.hideText()

    @guarded
    def leaveEvent(self, _ev) -> None:  # noqa: N802
        if self._hover is not None:
            self._hover = None
            self.update()
            self.hovered.emit("")


class FlowLayout(QLayout):
    """Left to right, wrapping to a new row when the width runs out (Qt's flow layout)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 14):
        super().__init__(parent)
        self._items: list = []
        self._spacing = spacing
        self.setContentsMargins(4, 4, 4, 4)

    def addItem(self, item) -> None:  # noqa: N802
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, i: int):  # noqa: N802
        return self._items[i] if 0 <= i < len(self._items) else None

    def takeAt(self, i: int):  # noqa: N802
        return self._items.pop(i) if 0 <= i < len(self._items) else None

    def expandingDirections(self):  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        s = QSize()
        for it in self._items:
            s = s.expandedTo(it.minimumSize())
        m = self.contentsMargins()
        return s + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        m = self.contentsMargins()
        r = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_h = r.x(), r.y(), 0
        for it in self._items:
            hint = it.sizeHint()
            if x > r.x() and x + hint.width() > r.right() + 1:
                x, y, row_h = r.x(), y + row_h + self._spacing, 0
            if move:
                it.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            row_h = max(row_h, hint.height())
        return y + row_h - rect.y() + m.bottom()


class ArrayPanel(QScrollArea):
    """Every array of a phase as a heatmap, flowing left to right in a scroll area."""

    hovered = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._body = QWidget()
        self._flow = FlowLayout(self._body)
        self.setWidget(self._body)
        self.views: dict[str, HeatmapView] = {}

    def set_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        while self._flow.count():
            item = self._flow.takeAt(0)
            w = item.widget()
            if w is not None:
                w.deleteLater()
        self.views = {}
        for name, a in arrays.items():
            v = HeatmapView(name, a, self._body)
            v.hovered.connect(self.hovered)
            self._flow.addWidget(v)
            self.views[name] = v
        self._flow.invalidate()
        self._body.updateGeometry()
