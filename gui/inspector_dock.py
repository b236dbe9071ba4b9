"""The backprop inspector's dock under the canvas, and the room it needs.

Docked, the inspector takes 60 % of the window's height, less if the canvas and the plots
would go below their smallest sizes. On a short screen (720 or 768 lines) the window
makes room: the bar plot makes way (the inspector's diagram shows |δ| per layer), the
canvas and the inspector's diagram get lower minimums, and a lesson's description folds
(then, if still too tall, the notes pane goes while the inspector is docked). Closing or
floating the inspector gives all of it back. ``DockRoom`` keeps what it changed.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from .inspector import InspectorPanel
from .notes import NotesPane
from .plots import TrainingPlots
from .presentation import ScreenFit

INSPECTOR_SHARE = 0.6  # of the window's height, when the inspector dock opens
BARS = 60  # px for the menu and status bars beside the central area and the dock
# smallest heights while the inspector is docked on a screen too short for the usual ones
# (720 and 768 lines: the window grew to 777 lines, rewind bar and status bar off screen)
COMPACT_CANVAS = 180
COMPACT_DIAGRAM = 110


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


class DockRoom:
    """Makes room in ``window`` for the inspector's ``dock`` and gives it back."""

    def __init__(
        self,
        window: QMainWindow,
        dock: InspectorDock,
        inspector: InspectorPanel,
        *,
        fit: ScreenFit,
        plots: TrainingPlots,
        notes: NotesPane,
        canvas: QWidget,
    ):
        self.w = window
        self.dock = dock
        self.inspector = inspector
        self.fit = fit
        self.plots = plots
        self.notes = notes
        self.canvas = canvas
        self.height_before: int | None = None  # the window's, before the dock opened
        self.size_before: QSize | None = None
        # the smallest heights lowered for a short screen (by widget), None: not lowered
        self.compact: dict[int, int] | None = None
        self.notes_folded = False  # the description was folded to make room
        dock.aboutToShow.connect(self.make_room)
        dock.visibilityChanged.connect(self.size_inspector)
        dock.topLevelChanged.connect(lambda _f: self.size_inspector(dock.isVisible()))

    def make_room(self) -> None:
        """Before the dock appears: the bar plot makes way (the inspector's diagram shows
        |δ| per layer), and the layout learns the smaller minimum now, so the window need
        not grow beyond the screen."""
        w, notes = self.w, self.notes
        self.height_before = w.height()
        self.size_before = QSize(w.size())
        if not self.dock.isFloating():
            self.plots.set_wanted(self.plots.bars_plot, False)
            self.fit.settle()
            self.compact_if_short()
            fold = notes.fold_button
            if notes.isVisible() and not fold.isChecked() and not self.fits_with_dock():
                # a lesson's description above the canvas and the docked inspector are more
                # than a 768-line screen holds (the window grew to 777 lines, the rewind
                # bar and the status bar off screen): fold the description, keep its title
                fold.setChecked(True)
                self.notes_folded = True
                self.fit.settle()
            if notes.isVisible() and not self.fits_with_dock():
                # still too tall: the pane goes while the inspector is docked (the window's
                # title names the lesson)
                notes.set_suppressed(True)
                self.fit.settle()

    def fits_with_dock(self) -> bool:
        """Whether the window with the inspector docked at its smallest height fits the
        screen (an estimate on the safe side: the window's minimum counts some rows
        twice)."""
        need = self.w.minimumSizeHint().height()
        if not self.dock.isVisible():
            need += self.dock.minimumSizeHint().height() + 6  # its title; the separator
        return need <= self.fit.room().height()

    def _compact_parts(self) -> list[QWidget]:
        return [self.canvas, self.inspector.diagram]

    def compact_if_short(self) -> None:
        """With the inspector docked (or about to be), lower the smallest heights of the
        canvas and the inspector's diagram when the usual ones are taller than the screen,
        so the whole inspector (buttons, phase strip, rewind bar) and the status bar stay
        on screen. Nothing changes on a screen that holds the usual sizes. (The plots need
        no help: the column shows as many as have room.)"""
        if self.compact is not None or self.fits_with_dock():
            return
        self.compact = {id(p): p.minimumHeight() for p in self._compact_parts()}
        self.canvas.setMinimumHeight(min(self.canvas.minimumHeight(), COMPACT_CANVAS))
        d = self.inspector.diagram
        d.setMinimumHeight(min(d.minimumHeight(), COMPACT_DIAGRAM))
        self.fit.settle()

    def uncompact(self) -> None:
        """The usual smallest heights again once the inspector closes or floats."""
        saved, self.compact = self.compact, None
        if saved is None:
            return
        for p in self._compact_parts():
            old = saved.get(id(p))
            if old is not None and p.minimumHeight() < old:
                p.setMinimumHeight(old)

    def unfold_notes(self) -> None:
        """The description folded to make room for the inspector comes back when it
        closes."""
        self.notes.set_suppressed(False)
        if self.notes_folded:
            self.notes_folded = False
            self.notes.fold_button.setChecked(False)

    def size_inspector(self, visible: bool) -> None:
        """An opened inspector takes 60 % of the window's height, less if the canvas and
        the plots would then go below their smallest sizes."""
        w, dock, fit = self.w, self.dock, self.fit
        if not w.isVisible():
            return  # closing (or not shown yet): nothing to make room in
        docked = visible and not dock.isFloating()
        # docked, the inspector's diagram shows |δ| per layer: the bar plot makes way, so
        # the canvas, the curves and the inspector all fit an 800-line screen
        self.plots.set_wanted(self.plots.bars_plot, not docked)
        if not docked:
            self.uncompact()
        else:
            self.compact_if_short()
        if not visible:
            self.unfold_notes()
        elif docked and self.notes.suppressed:
            fit.settle()
            if w.minimumSizeHint().height() > fit.room().height():
                # a screen too short for the inspector even without the notes (720 lines):
                # hiding them would lose the lesson's instructions for nothing
                self.unfold_notes()
        before = self.height_before
        if docked and before and w.height() > before:
            if not (w.isMaximized() or w.isFullScreen()):
                # the dock grew the window: give the height back once the layout knows the
                # smaller minimum (the next turn of the event loop)
                QTimer.singleShot(0, lambda: w.resize(w.width(), before))
        if docked:
            central = w.centralWidget().minimumSizeHint().height()
            h = min(int(w.height() * INSPECTOR_SHARE), w.height() - central - BARS)
            if self.compact is not None:
                # a short screen: the inspector at its smallest, the rest to the canvas and
                # the plots (at their lowered minimums they would be slivers)
                h = 0
            h = max(h, dock.minimumSizeHint().height())
            QTimer.singleShot(0, lambda: w.resizeDocks([dock], [h], Qt.Orientation.Vertical))
            QTimer.singleShot(0, self.inspector.share_panes)
        if fit.shown and not fit.busy:
            # the type the screen holds with the dock (or without it, again), the window
            # inside the screen, and the room it grew by given back when the dock closes;
            # under a window manager the dock's growth arrives after the resize above, and
            # the refit looks again once the window manager has answered
            if docked:
                fit.toggled("inspector", True, self.size_before)
            else:
                fit.toggled("inspector", False)
