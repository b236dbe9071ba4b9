"""Where the main window's parts go when space is short: the control panels' drawer in
presentation mode, and the inspector's dock under the canvas.

Functions over a ``MainWindow`` (gui/main_window.py), kept apart so the window module
stays about composing and wiring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QDockWidget,
    QFrame,
    QLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from .safety import guarded

if TYPE_CHECKING:
    from .main_window import MainWindow

INSPECTOR_SHARE = 0.6  # of the window's height, when the inspector dock opens
BARS = 60  # px for the menu and status bars beside the central area and the dock
# smallest heights while the inspector is docked on a screen too short for the usual ones
# (720 and 768 lines: the window grew to 777 lines, rewind bar and status bar off screen)
COMPACT_CANVAS = 180
COMPACT_DIAGRAM = 110


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
            part = QWidget()
            g.setContentsMargins(0, 0, 0, 0)
            part.setLayout(g)
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
        width = max(p.minimumSizeHint().width() for p in self.parts)
        heights = [p.minimumSizeHint().height() for p in self.parts]
        spacing = self._box.spacing() * (len(self.parts) - 1)
        return QSize(width, sum(heights) + spacing if self.wrapped else max(heights))

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


class InspectorDock(QDockWidget):
    """The inspector's dock; says when it is about to appear, so the window can make room
    before the layout grows (visibilityChanged comes after the window has grown)."""

    aboutToShow = Signal()

    def setVisible(self, visible: bool) -> None:  # noqa: N802
        if visible and not self.isVisible():
            try:
                self.aboutToShow.emit()
            except Exception as exc:  # noqa: BLE001 - never let a Qt virtual raise
                print(f"backprop-lab: {exc}")
        super().setVisible(visible)


def make_room_for_inspector(w: MainWindow) -> None:
    """Before the dock appears: the bar plot makes way (the inspector's diagram shows |δ|
    per layer), and the layout learns the smaller minimum now, so the window need not
    grow beyond the screen."""
    w._height_before_dock = w.height()
    w._size_before_dock = QSize(w.size())
    if not w.inspector_dock.isFloating():
        w.plots.set_wanted(w.plots.bars_plot, False)
        w.fit.settle()
        compact_if_short(w)
        fold = w.notes.fold_button
        if w.notes.isVisible() and not fold.isChecked() and not fits_with_dock(w):
            # a lesson's description above the canvas and the docked inspector are more
            # than a 768-line screen holds (the window grew to 777 lines, the rewind bar
            # and the status bar off screen): fold the description, keep its title
            fold.setChecked(True)
            w._notes_folded_for_dock = True
            w.fit.settle()
        if w.notes.isVisible() and not fits_with_dock(w):
            # still too tall: the pane goes while the inspector is docked (the window's
            # title names the lesson)
            w.notes.set_suppressed(True)
            w.fit.settle()


def fits_with_dock(w: MainWindow) -> bool:
    """Whether the window with the inspector docked at its smallest height fits the screen
    (an estimate on the safe side: the window's minimum counts some rows twice)."""
    dock = w.inspector_dock
    need = w.minimumSizeHint().height()
    if not dock.isVisible():
        need += dock.minimumSizeHint().height() + 6  # its title included; the separator
    return need <= w.fit.room().height()


def compact_if_short(w: MainWindow) -> None:
    """With the inspector docked (or about to be), lower the smallest heights of the canvas
    and the inspector's diagram when the usual ones are taller than the screen, so the
    whole inspector (buttons, phase strip, rewind bar) and the status bar stay on screen.
    Nothing changes on a screen that holds the usual sizes. (The plots need no help: the
    column shows as many as have room.)"""
    if getattr(w, "_dock_compact", None) is not None or fits_with_dock(w):
        return
    parts = [w.canvas, w.inspector.diagram]
    w._dock_compact = {id(p): p.minimumHeight() for p in parts}
    w.canvas.setMinimumHeight(min(w.canvas.minimumHeight(), COMPACT_CANVAS))
    d = w.inspector.diagram
    d.setMinimumHeight(min(d.minimumHeight(), COMPACT_DIAGRAM))
    w.fit.settle()


def uncompact(w: MainWindow) -> None:
    """The usual smallest heights again once the inspector closes or floats."""
    saved = getattr(w, "_dock_compact", None)
    if saved is None:
        return
    w._dock_compact = None
    for p in [w.canvas, w.inspector.diagram]:
        old = saved.get(id(p))
        if old is not None and p.minimumHeight() < old:
            p.setMinimumHeight(old)


def unfold_notes_after_dock(w: MainWindow) -> None:
    """The description folded to make room for the inspector comes back when it closes."""
    w.notes.set_suppressed(False)
    if getattr(w, "_notes_folded_for_dock", False):
        w._notes_folded_for_dock = False
        w.notes.fold_button.setChecked(False)


def size_inspector(w: MainWindow, visible: bool) -> None:
    """An opened inspector takes 60 % of the window's height, less if the canvas and the
    plots would then go below their smallest sizes."""
    if not w.isVisible():
        return  # closing (or not shown yet): nothing to make room in
    dock = w.inspector_dock
    docked = visible and not dock.isFloating()
    # docked, the inspector's diagram shows |δ| per layer: the bar plot makes way, so the
    # canvas, the curves and the inspector all fit an 800-line screen
    w.plots.set_wanted(w.plots.bars_plot, not docked)
    if not docked:
        uncompact(w)
    else:
        compact_if_short(w)
    if not visible:
        unfold_notes_after_dock(w)
    elif docked and w.notes.suppressed:
        w.fit.settle()
        if w.minimumSizeHint().height() > w.fit.room().height():
            # a screen too short for the inspector even without the notes (720 lines):
            # hiding them would lose the lesson's instructions for nothing
            unfold_notes_after_dock(w)
    before = getattr(w, "_height_before_dock", None)
    if docked and before and w.height() > before:
        if not (w.isMaximized() or w.isFullScreen()):
            # the dock grew the window: give the height back once the layout knows the
            # smaller minimum (the next turn of the event loop)
            QTimer.singleShot(0, lambda: w.resize(w.width(), before))
    if docked:
        central = w.centralWidget().minimumSizeHint().height()
        h = min(int(w.height() * INSPECTOR_SHARE), w.height() - central - BARS)
        if getattr(w, "_dock_compact", None) is not None:
            # a short screen: the inspector at its smallest, the rest to the canvas and
            # the plots (at their lowered minimums they would be slivers)
            h = 0
        h = max(h, dock.minimumSizeHint().height())
        QTimer.singleShot(0, lambda: w.resizeDocks([dock], [h], Qt.Orientation.Vertical))
        QTimer.singleShot(0, w.inspector.share_panes)
    if w._sized and not w.fit.busy:
        # the type the screen holds with the dock (or without it, again), the window inside
        # the screen, and the room it grew by given back when the dock closes; under a
        # window manager the dock's growth arrives after the resize above, and the refit
        # looks again once the window manager has answered
        if docked:
            w.fit.toggled("inspector", True, getattr(w, "_size_before_dock", None))
        else:
            w.fit.toggled("inspector", False)


def set_controls_open(w: MainWindow, on: bool) -> None:
    """The control panels beside the canvas (F6). In presentation mode they are a drawer
    over the canvas's left side: opening it moves nothing and cannot make the window
    larger than the screen."""
    on = bool(on)
    panels = w.controls
    if w.fit.presenting:
        if on:
            panels.setParent(w.centralWidget())
            place_drawer(w)
            panels.show()
            panels.raise_()
        else:
            panels.hide()
    else:
        if panels.parent() is not w.splitter:
            w.splitter.insertWidget(0, panels)
            w.splitter.setStretchFactor(0, 0)
        panels.setVisible(on)
        if w._sized:
            w.fit_splitter()
    w.drawer_button.setChecked(on)


def place_drawer(w: MainWindow) -> None:
    """The drawer down the central area's left side, below the canvas's tool bar (its
    "☰ Controls" button stays in reach to close it)."""
    central = w.centralWidget()
    button = w.drawer_button
    top = button.mapTo(central, QPoint(0, button.height())).y() + 4
    width = min(w.controls.minimumWidth(), int(0.45 * central.width()))
    w.controls.setGeometry(0, top, width, central.height() - top)
