"""The main window's columns: the control panels (a scrolling column over the pinned
transport), the canvas column and the plots, side by side in one splitter; in
presentation mode the panels are a drawer over the canvas's left side. ``WrapBar`` puts
two groups of controls on one line when there is room (the canvas's tool bar).

The inspector's dock and the room it needs are in gui/inspector_dock.py.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QFrame,
    QLayout,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from .safety import guarded

MIN_CANVAS = 280  # px: the canvas never gets smaller than this square
MIN_PLOTS_WIDTH = 260  # px: the plot column's narrowest


class ControlsColumn(QWidget):
    """The control panels in a scroll area over the transport (Play, the steps, Speed),
    which never scrolls out of reach. Beside the canvas, or the drawer in presentation."""

    def __init__(self, scroll: QScrollArea, transport: QWidget):
        super().__init__()
        self.setObjectName("controls")
        self.setAutoFillBackground(True)  # opaque: in presentation it lies over the canvas
        self.scroll = scroll
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(scroll, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        lay.addWidget(line)
        lay.addWidget(transport)
        transport.setContentsMargins(4, 0, 4, 2)

    def fit_width(self) -> None:
        """As wide as the panels need (at the current type), with room for the scroll bar
        so that a scroll bar coming never cuts the panels' right edge."""
        content = self.scroll.widget()
        # hidden (presentation's drawer closed), its layouts keep the sizes of the type
        # they were last laid out with: ask afresh
        for lay in content.findChildren(QLayout):
            lay.invalidate()
        if content.layout() is not None:
            content.layout().invalidate()
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        need = max(content.minimumSizeHint().width(), content.sizeHint().width())
        if need + bar != self.minimumWidth():
            self.setMinimumWidth(need + bar)


class WrapBar(QWidget):
    """Two groups of controls on one line when there is room, else one over the other (the
    canvas's tool bar in a narrow canvas column, or at large type)."""

    def __init__(self, *groups: QLayout):
        super().__init__()
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(4)
        self.parts: list[QWidget] = []
        for g in groups:
            self.add_group(g)

    def add_group(self, group: QLayout) -> None:
        part = QWidget()
        group.setContentsMargins(0, 0, 0, 0)
        part.setLayout(group)
        self._box.addWidget(part, 1)
        self.parts.append(part)

    @property
    def wrapped(self) -> bool:
        return self._box.direction() == QBoxLayout.Direction.TopToBottom

    def _one_line(self) -> int:
        return sum(p.sizeHint().width() for p in self.parts) + self._box.spacing() * (
            len(self.parts) - 1
        )

    @guarded(default=QSize(0, 0))
    def minimumSizeHint(self) -> QSize:  # noqa: N802
        # as narrow as the widest group: the bar wraps rather than widen the window
        width = max((p.minimumSizeHint().width() for p in self.parts), default=0)
        heights = [p.minimumSizeHint().height() for p in self.parts]
        spacing = self._box.spacing() * max(len(self.parts) - 1, 0)
        return QSize(width, sum(heights) + spacing if self.wrapped else max(heights, default=0))

    @guarded(default=QSize(0, 0))
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._one_line(), self.minimumSizeHint().height())

    @guarded
    def resizeEvent(self, ev) -> None:  # noqa: N802
        super().resizeEvent(ev)
        self.rewrap()

    def rewrap(self) -> None:
        want = self.width() < self._one_line()
        if want != self.wrapped:
            direction = QBoxLayout.Direction
            self._box.setDirection(direction.TopToBottom if want else direction.LeftToRight)
            self.updateGeometry()


class MainColumns(QSplitter):
    """The control panels, the canvas column and the plots. The panels keep their
    natural width, the plots at least 30 % of the window, the canvas the rest. In
    presentation mode the panels leave the splitter and lie over the canvas's left side,
    below ``drawer_button`` (which opens and closes them)."""

    def __init__(
        self,
        controls: ControlsColumn,
        centre: QWidget,
        plots: QWidget,
        drawer_button: QAbstractButton,
    ):
        super().__init__(Qt.Orientation.Horizontal)
        self.controls = controls
        self.plots = plots
        self.drawer_button = drawer_button
        self.addWidget(controls)
        self.addWidget(centre)
        self.addWidget(plots)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 3)
        self.setStretchFactor(2, 2)
        self.setChildrenCollapsible(False)

    @property
    def controls_docked(self) -> bool:
        """The panels are a column of the splitter (not the drawer)."""
        return self.controls.parent() is self

    @property
    def controls_open(self) -> bool:
        return self.controls.isVisibleTo(self.window())

    def fit_columns(self) -> None:
        """Controls at their natural width, plots ≥ 30 % of the window, canvas the rest."""
        w = max(self.width(), 600)
        panels = self.controls
        docked = self.controls_docked and self.controls_open
        left = panels.minimumWidth() if docked else 0
        right = max(int(0.35 * (w - left)), self.plots.minimumWidth(), MIN_PLOTS_WIDTH)
        self.setSizes([left, max(MIN_CANVAS, w - left - right), right])

    def set_controls_open(self, on: bool, drawer: bool, fit: bool) -> None:
        """The control panels beside the canvas, or (``drawer``, presentation mode) a
        drawer over the canvas's left side: opening it moves nothing and cannot make the
        window larger than the screen. ``fit``: the columns are fitted again (once the
        window is laid out)."""
        on = bool(on)
        panels = self.controls
        if drawer:
            if on:
                panels.setParent(self.parentWidget())
                self.place_drawer()
                panels.show()
                panels.raise_()
            else:
                panels.hide()
        else:
            if not self.controls_docked:
                self.insertWidget(0, panels)
                self.setStretchFactor(0, 0)
            panels.setVisible(on)
            if fit:
                self.fit_columns()
        self.drawer_button.setChecked(on)

    def place_drawer(self) -> None:
        """The drawer down the area's left side (the splitter's parent, which also holds
        the heads-up line), below the canvas's tool bar, so its "☰ Controls" button stays
        in reach to close it."""
        central = self.parentWidget()
        button = self.drawer_button
        top = button.mapTo(central, QPoint(0, button.height())).y() + 4
        width = min(self.controls.minimumWidth(), int(0.45 * central.width()))
        self.controls.setGeometry(0, top, width, central.height() - top)
