"""Where the main window's parts go when space is short: the control panels' drawer in
presentation mode, and the inspector's dock under the canvas.

Functions over a ``MainWindow`` (gui/main_window.py), kept apart so the window module
stays about composing and wiring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget

if TYPE_CHECKING:
    from .main_window import MainWindow

INSPECTOR_SHARE = 0.6  # of the window's height, when the inspector dock opens
BARS = 60  # px for the menu and status bars beside the central area and the dock
# smallest heights while the inspector is docked on a screen too short for the usual ones
# (720 and 768 lines: the window grew to 777 lines, rewind bar and status bar off screen)
COMPACT_CANVAS = 180
COMPACT_PLOT = 80
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


def make_room_for_inspector(w: MainWindow) -> None:
    """Before the dock appears: the bar plot makes way (the inspector's diagram shows |δ|
    per layer), and the layout learns the smaller minimum now, so the window need not
    grow beyond the screen."""
    w._height_before_dock = w.height()
    if not w.inspector_dock.isFloating():
        w.plots.bars_plot.setVisible(False)
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
    """With the inspector docked (or about to be), lower the smallest heights of the canvas,
    the plots and the inspector's diagram when the usual ones are taller than the screen,
    so the whole inspector (buttons, phase strip, rewind bar) and the status bar stay on
    screen. Nothing changes on a screen that holds the usual sizes."""
    if getattr(w, "_dock_compact", None) is not None or fits_with_dock(w):
        return
    parts = [w.canvas, w.inspector.diagram, *w.plots.all_plots]
    w._dock_compact = {id(p): p.minimumHeight() for p in parts}
    _lower_minimums(w)
    w.fit.settle()


def _lower_minimums(w: MainWindow) -> None:
    w.canvas.setMinimumHeight(min(w.canvas.minimumHeight(), COMPACT_CANVAS))
    d = w.inspector.diagram
    d.setMinimumHeight(min(d.minimumHeight(), COMPACT_DIAGRAM))
    for p in w.plots.all_plots:
        p.setMinimumHeight(min(p.minimumHeight(), COMPACT_PLOT))


def recompact_after_font(w: MainWindow) -> None:
    """A change of type sets the plots' usual minimums afresh: while compact, they are
    what comes back later, and the lowered ones stay in force now."""
    saved = getattr(w, "_dock_compact", None)
    if saved is None:
        return
    for p in w.plots.all_plots:
        saved[id(p)] = p.minimumHeight()
    _lower_minimums(w)


def uncompact(w: MainWindow) -> None:
    """The usual smallest heights again once the inspector closes or floats (a height
    that changed meanwhile, with the type, is left as it is)."""
    saved = getattr(w, "_dock_compact", None)
    if saved is None:
        return
    w._dock_compact = None
    for p in [w.canvas, w.inspector.diagram, *w.plots.all_plots]:
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
    dock = w.inspector_dock
    docked = visible and not dock.isFloating()
    # docked, the inspector's diagram shows |δ| per layer: the bar plot makes way, so the
    # canvas, the curves and the inspector all fit an 800-line screen
    w.plots.bars_plot.setVisible(not docked)
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
    if visible:
        # under a window manager the dock's growth arrives after the resize above: pull
        # the window back inside the screen once the window manager has answered
        QTimer.singleShot(0, w, w.fit.keep_on_screen)
        QTimer.singleShot(300, w, w.fit.keep_on_screen)


def set_controls_open(w: MainWindow, on: bool) -> None:
    """The control panels beside the canvas (F6). In presentation mode they are a drawer
    over the canvas's left side: opening it moves nothing and cannot make the window
    larger than the screen."""
    on = bool(on)
    panels = w.controls_scroll
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
    width = min(w.controls_scroll.minimumWidth(), int(0.45 * central.width()))
    w.controls_scroll.setGeometry(0, top, width, central.height() - top)
