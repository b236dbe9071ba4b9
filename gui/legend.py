"""The canvas's colour key, in its top-right corner: what each colour means.

Classification: a swatch per class with its name (a CSV file's, or "class k" as the class
picker numbers them) and the test-point ring.
2-D regression: a colour bar from the lowest to the highest target with its numbers (the
map's fixed levels, so a colour always means the same value). A hovered unit's map
(gui/netview.py): its signed scale. 1-D regression has no key (the curve is the picture).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from .arrayview import diverging_rgba
from .colors import CLASS_HEX, regression_colors
from .safety import guarded

MARGIN = 8  # px from the canvas's edges
KEY_SHARE = 0.45  # the key shows only on a canvas at least 1/KEY_SHARE times its size
BAR_STEPS = 64
NAME_EMS = 12  # a class name longer than this many "m"s is cut short with "…"


def picker_text(k: int, names: tuple[str, ...] = ()) -> str:
    """The class picker's item for class k (0-based): its key, and its name if it has one."""
    return f"{k + 1}  {names[k]}" if k < len(names) else f"{k + 1}"


def bar_rgba(kind: str, lo: float, hi: float, n: int = BAR_STEPS) -> np.ndarray:
    """n×4 ``uint8`` colours from ``hi`` (row 0, drawn on top) down to ``lo``. A unit's
    map is always drawn from −1 to +1 of its own signed scale (gui/diagram.unit_map_rgba)."""
    if kind == "unit":
        return diverging_rgba(np.linspace(1.0, -1.0, n)[:, None], 1.0)[:, 0]
    return regression_colors(np.linspace(hi, lo, n), lo, hi)


def class_icon(color: str, size: int = 16) -> QIcon:
    """A filled circle of the class colour with a dark rim (the class picker's items)."""
    pm = QPixmap(size, size)
    pm.fill(QColor(0, 0, 0, 0))
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(QColor("#1A1A1A"), 1.2))
    p.setBrush(QColor(color))
    p.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
    p.end()
    return QIcon(pm)


def safe_levels(lo: float, hi: float) -> tuple[float, float]:
    """Levels a bar can be drawn with: finite, and hi > lo (a paint must never raise)."""
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return (0.0, 1.0)
    if not hi > lo:
        return (min(lo, hi) - 1.0, max(lo, hi) + 1.0)
    return (lo, hi)


def number(v: float) -> str:
    return f"{v:.3g}".replace("-", "−")


class CanvasLegend(QWidget):
    """Paints the key; follows its parent's size from an event filter."""

    _built = False  # a font change can come before the state below exists

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.kind = ""  # "classes", "scale", "unit" or "" (nothing)
        self._built = True
        self.n_classes = 0
        self.names: tuple[str, ...] = ()  # the classes' names (unnamed ones: "class k")
        self.levels = (0.0, 1.0)
        self.title = ""
        self.show_test = False
        self._saved: tuple | None = None
        self._picture: tuple[tuple, QPixmap] | None = None  # (what it shows, the picture)
        parent.installEventFilter(self)
        self.hide()

    # --- state ---------------------------------------------------------------------------
    def set_classes(self, n_classes: int, with_test: bool, names: tuple[str, ...] = ()) -> None:
        self._set(
            "classes", n_classes=int(n_classes), show_test=bool(with_test), names=tuple(names)
        )

    def class_label(self, k: int) -> str:
        """What the key says for class k (0-based)."""
        return self.names[k] if k < len(self.names) else f"class {k + 1}"

    def _label_text(self, fm: QFontMetrics, k: int) -> str:
        width = fm.horizontalAdvance("m" * NAME_EMS)
        return fm.elidedText(self.class_label(k), Qt.TextElideMode.ElideRight, width)

    def set_scale(self, lo: float, hi: float, title: str = "ŷ") -> None:
        self._set("scale", levels=safe_levels(lo, hi), title=title)

    def set_unit_scale(self, lo: float, hi: float, title: str) -> None:
        """A hovered unit's map; ``restore()`` brings the previous key back."""
        if self.kind != "unit":
            self._saved = (
                self.kind,
                self.n_classes,
                self.levels,
                self.title,
                self.show_test,
                self.names,
            )
        self._set("unit", levels=safe_levels(lo, hi), title=title)

    def restore(self) -> None:
        if self.kind == "unit" and self._saved is not None:
            kind, n, levels, title, test, names = self._saved
            self._set(kind, n_classes=n, levels=levels, title=title, show_test=test, names=names)
        self._saved = None

    def clear(self) -> None:
        self._set("")

    def _set(self, kind: str, **values) -> None:
        self.kind = kind
        for k, v in values.items():
            setattr(self, k, v)
        self._place()
        self.update()

    # --- geometry ------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802
        fm = QFontMetrics(self.font())
        line = fm.height() + 4
        if self.kind == "classes":
            rows = self.n_classes + (1 if self.show_test else 0)
            labels = [self._label_text(fm, k) for k in range(min(self.n_classes, len(CLASS_HEX)))]
            w = max([fm.horizontalAdvance(t) for t in labels] or [0]) + line + 16
            if self.show_test:
                w = max(w, fm.horizontalAdvance("test point") + line + 16)
            return QSize(w, rows * line + 10)
        texts = [number(v) for v in self.levels] + [self.title]
        w = max(fm.horizontalAdvance(t) for t in texts) + 16 + 18 + 10
        return QSize(w, line + max(120, 6 * line) + 10)

    def _place(self) -> None:
        p = self.parentWidget()
        if p is None:
            return
        size = self.sizeHint()
        self.resize(size)
        self.move(max(0, p.width() - size.width() - MARGIN), MARGIN)
        self.raise_()
        wanted = bool(self.kind) and (self.kind != "classes" or self.n_classes > 0)
        # on a canvas made a thumbnail (a seed fan of eight) the key would hide half of it
        fits = size.width() <= KEY_SHARE * p.width() and size.height() <= KEY_SHARE * p.height()
        self.setVisible(wanted and fits)

    @guarded(default=False)
    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802
        if obj is self.parentWidget() and ev.type() in (
            QEvent.Type.Resize,
            QEvent.Type.FontChange,
        ):
            self._place()
        return False

    @guarded
    def changeEvent(self, ev) -> None:  # noqa: N802
        super().changeEvent(ev)
        if ev.type() == QEvent.Type.FontChange and self._built:
            self._place()

    # --- painting ------------------------------------------------------------------------
    def _picture_key(self) -> tuple:
        """Everything the key's picture depends on."""
        return (
            self.kind,
            self.n_classes,
            self.names,
            self.levels,
            self.title,
            self.show_test,
            self.width(),
            self.height(),
            self.devicePixelRatioF(),
            self.font().key(),
        )

    @guarded
    def paintEvent(self, _ev) -> None:  # noqa: N802
        # the key lies over the canvas, so every frame of training repaints it: its picture
        # is drawn once and copied after that (antialiased shapes and text cost ~0.4 ms)
        key = self._picture_key()
        if self._picture is None or self._picture[0] != key:
            self._picture = (key, self._render())
        p = QPainter(self)
        p.drawPixmap(0, 0, self._picture[1])
        p.end()

    def _render(self) -> QPixmap:
        ratio = self.devicePixelRatioF()
        pm = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
        pm.setDevicePixelRatio(ratio)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setFont(self.font())
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(QColor("#888888"), 1))
        p.setBrush(QColor(255, 255, 255, 225))
        p.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        fm = QFontMetrics(self.font())
        line = fm.height() + 4
        if self.kind == "classes":
            self._paint_classes(p, fm, line)
        elif self.kind in ("scale", "unit"):
            self._paint_bar(p, fm, line)
        p.end()
        return pm

    def _paint_classes(self, p: QPainter, fm: QFontMetrics, line: int) -> None:
        r = fm.height() * 0.32
        y = 5.0
        for k in range(min(self.n_classes, len(CLASS_HEX))):
            cy = y + line / 2
            p.setPen(QPen(QColor("#1A1A1A"), 1.2))
            p.setBrush(QColor(CLASS_HEX[k]))
            p.drawEllipse(QPointF(8 + r, cy), r, r)
            p.setPen(QColor("#111111"))
            p.drawText(QPointF(14 + 2 * r, cy + fm.ascent() / 2 - 1), self._label_text(fm, k))
            y += line
        if self.show_test:
            cy = y + line / 2
            p.setPen(QPen(QColor("#555555"), 2.5))
            p.setBrush(QColor("#FFFFFF"))
            p.drawEllipse(QPointF(8 + r, cy), r, r)
            p.setPen(QColor("#111111"))
            p.drawText(QPointF(14 + 2 * r, cy + fm.ascent() / 2 - 1), "test point")

    def _paint_bar(self, p: QPainter, fm: QFontMetrics, line: int) -> None:
        lo, hi = self.levels
        p.setPen(QColor("#111111"))
        p.drawText(QPointF(8, 4 + fm.ascent()), self.title)
        top = 6.0 + line
        bar = QRectF(8, top, 18, self.height() - top - 8)
        rgba = np.ascontiguousarray(bar_rgba(self.kind, lo, hi)[:, None, :])
        img = QImage(rgba.data, 1, rgba.shape[0], 4, QImage.Format.Format_RGBA8888)
        p.drawImage(bar, img)
        p.setPen(QPen(QColor("#555555"), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(bar)
        p.setPen(QColor("#111111"))
        x = bar.right() + 6
        for frac, v in ((0.0, hi), (0.5, (lo + hi) / 2), (1.0, lo)):
            y = bar.top() + frac * bar.height() + fm.ascent() / 2 - 1
            y = min(max(y, bar.top() + fm.ascent() - 2), bar.bottom())
            p.drawText(QPointF(x, y), number(v))
