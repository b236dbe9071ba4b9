"""Presentation mode and full screen, fitted to the screen the window is on.

F5 fills the screen's available area (never more), folds the control panels into a drawer
(F6 or the "☰ Controls" button opens it), shows a heads-up line (step, epoch, loss,
accuracy) and sizes type, lines and markers from the screen's height: the heads-up line
is ≥ 3 % of the screen height and tick labels ≥ 1.6 %, as a back row needs. F5 again or
Esc, and F11 twice, put the window back exactly as it was (geometry and maximised state).

``ScreenFit.override`` stands in for the screen's available geometry (tests set a fake
1024×768 or 1920×1080 screen on the offscreen platform, whose one screen is fixed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRect, QSize, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLayout, QSplitter

from .presenter import heads_up_text

if TYPE_CHECKING:
    from .main_window import MainWindow

HEADS_UP_SHARE = 0.032  # heads-up text (em height) as a share of the screen height
TICK_SHARE = 0.017  # tick labels (em height); the requirement is 1.6 %
DEFAULT_SIZE = (1280, 800)
FRAME_ALLOWANCE = QSize(16, 48)  # title bar and borders a window manager adds, before shown


@dataclass
class SavedWindow:
    """What F5 / F11 change and give back."""

    geometry: QByteArray
    normal: QRect
    maximized: bool
    fullscreen: bool
    font_scale: float = 1.0
    controls_open: bool = True


def scale_for_screen(height: int, dpi: float) -> float:
    """The type scale whose plot tick labels (10 pt × scale) are ≥ ``TICK_SHARE`` of a
    screen ``height`` pixels high; never below 1."""
    px_at_1 = 10.0 * max(dpi, 1.0) / 72.0
    return max(1.0, math.ceil(TICK_SHARE * height / px_at_1 * 100) / 100)


def heads_up_pixels(height: int) -> int:
    return max(12, math.ceil(HEADS_UP_SHARE * height))


def line_width(height: int) -> int:
    """Curve pen width: 1 px up to 720 lines, 2 at 1080, 4 at 2160."""
    return max(1, round(height / 540))


class ScreenFit:
    """Keeps one main window inside its screen and runs presentation / full screen."""

    def __init__(self, window: MainWindow):
        self.w = window
        self.override: QRect | None = None
        self.presenting = False
        self._before_present: SavedWindow | None = None
        self._before_full: SavedWindow | None = None

    # --- the screen -----------------------------------------------------------------------
    def available(self) -> QRect:
        if self.override is not None:
            return QRect(self.override)
        screen = self.w.screen() or QApplication.primaryScreen()
        return screen.availableGeometry()

    def frame_margins(self) -> QSize:
        """Decorations around the client area (a guess before the window is shown)."""
        w = self.w
        if not w.isVisible():
            return FRAME_ALLOWANCE
        return w.frameGeometry().size() - w.geometry().size()

    def room(self) -> QSize:
        """The largest client area that fits the screen."""
        return self.available().size() - self.frame_margins()

    def default_size(self) -> QSize:
        """1280 × 800, or smaller so that the whole window (status bar too) is on screen."""
        room = self.available().size() - FRAME_ALLOWANCE
        return QSize(min(DEFAULT_SIZE[0], room.width()), min(DEFAULT_SIZE[1], room.height()))

    def fits(self, allowed: QSize | None = None) -> bool:
        """Whether the window's smallest layout fits the screen (or ``allowed``, when the
        window was already larger than the screen by its own choice: it must not grow)."""
        w = self.w
        self.settle()
        need = w.minimumSizeHint().expandedTo(w.minimumSize())
        room = self.room()
        if allowed is not None:
            room = room.expandedTo(allowed)
        return need.width() <= room.width() and need.height() <= room.height()

    def keep_on_screen(self) -> None:
        """Shrink and move a normal window until all of it (frame included) is on screen."""
        w = self.w
        if w.isMaximized() or w.isFullScreen():
            return
        avail = self.available()
        margins = self.frame_margins()
        size = w.size().boundedTo(avail.size() - margins)
        if size != w.size():
            w.resize(size)
        frame = QRect(w.pos(), w.size() + margins)
        dx = min(0, avail.right() - frame.right()) or max(0, avail.left() - frame.left())
        dy = min(0, avail.bottom() - frame.bottom()) or max(0, avail.top() - frame.top())
        if dx or dy:
            w.move(w.pos().x() + dx, w.pos().y() + dy)

    def settle(self) -> None:
        """Re-lay out now, so the window's minimum size is that of the current type (a
        stale, larger minimum would stop the window from shrinking)."""
        # every nested layout caches its sizes until its posted layout request runs, and a
        # layout caches a splitter's size hints until the splitter says they changed
        for splitter in self.w.findChildren(QSplitter):
            splitter.updateGeometry()
        for child in self.w.findChildren(QLayout):
            child.invalidate()
        lay = self.w.layout()
        if lay is not None:
            lay.invalidate()
            lay.activate()

    def fill_screen(self) -> None:
        """The whole available area: maximised on a real screen, the fake one's rectangle
        in tests."""
        self.settle()
        if self.override is not None:
            w = self.w
            w.showNormal()
            fg, g = w.frameGeometry(), w.geometry()
            inner = self.available().adjusted(
                g.left() - fg.left(),
                g.top() - fg.top(),
                g.right() - fg.right(),
                g.bottom() - fg.bottom(),
            )
            w.setGeometry(inner)
        else:
            self.w.showMaximized()

    # --- font changes that must keep the window on screen -----------------------------------
    def set_scale_within_screen(self, scale: float) -> bool:
        """Apply ``scale`` unless the window's smallest layout would then be larger than the
        screen (the scale stays as it was); True if applied."""
        w = self.w
        old, geometry = w.font_scale, QRect(w.geometry())
        w.set_font_scale(scale)
        if scale > old and not self.fits(self._allowed(geometry)):
            self._undo_scale(old, geometry)
            return False
        self.keep_on_screen()
        if scale > old:
            # some sizes follow the type only when the posted events are handled: check
            # again then (and still give the type back if the window outgrew the screen)
            QTimer.singleShot(0, lambda: self._recheck(old, geometry))
        return True

    def _allowed(self, geometry: QRect) -> QSize | None:
        """The size a window may keep although the screen is smaller: only a normal window
        the user (or a test) made that large. A maximised, full-screen or presenting window
        that outgrew the screen did so with the type, and counting that size as allowed
        would let each Ctrl+= grow it further (seen under a window manager: 1280×809 on a
        720-line screen after six presses)."""
        w = self.w
        if self.presenting or w.isMaximized() or w.isFullScreen():
            return None
        return geometry.size()

    def _recheck(self, old: float, geometry: QRect) -> None:
        if not self.fits(self._allowed(geometry)):
            self._undo_scale(old, geometry)
        self.keep_on_screen()

    def _undo_scale(self, old: float, geometry: QRect) -> None:
        w = self.w
        w.set_font_scale(old)
        self.settle()
        if w.isFullScreen():
            pass
        elif w.isMaximized() or self.presenting:
            # a maximised window that grew with the type stays that large once the type
            # shrinks back unless it is fitted again
            self.fill_screen()
        else:
            w.setGeometry(geometry)  # it grew with the type: give the room back
        w.statusBar().showMessage("The type is as large as this screen allows.", 4000)

    # --- state ------------------------------------------------------------------------------
    def _save(self) -> SavedWindow:
        w = self.w
        return SavedWindow(
            geometry=w.saveGeometry(),
            normal=QRect(w.normalGeometry()),
            maximized=w.isMaximized(),
            fullscreen=w.isFullScreen(),
            font_scale=w.font_scale,
            controls_open=w.controls_scroll.isVisibleTo(w),
        )

    def _restore(self, saved: SavedWindow) -> None:
        w = self.w
        if saved.fullscreen:
            w.showFullScreen()
            return
        if saved.maximized:
            w.showMaximized()
            return
        w.showNormal()
        self.settle()
        w.restoreGeometry(saved.geometry)
        if w.geometry() != saved.normal and saved.normal.isValid():
            w.setGeometry(saved.normal)

    # --- F5 -----------------------------------------------------------------------------------
    def present(self, on: bool) -> None:
        w = self.w
        if on == self.presenting:
            return
        if on:
            self._before_present = self._save()
            self.presenting = True
            avail = self.available()
            w.set_controls_open(False)
            w.heads_up.setVisible(True)
            if w.latest is not None:
                w.heads_up.setText(heads_up_text(w.latest))
            w.drawer_button.setVisible(True)
            f = QFont(w.heads_up.font())
            f.setPixelSize(heads_up_pixels(avail.height()))
            f.setBold(True)
            w.heads_up.setFont(f)
            w.plots.set_line_width(line_width(avail.height()))
            scale = scale_for_screen(avail.height(), w.logicalDpiY())
            # the widest type the screen allows, from the height-derived one downwards
            while scale > 1.0:
                w.set_font_scale(scale)
                if self.fits():
                    break
                scale = max(1.0, scale / 1.1)
            else:
                w.set_font_scale(scale)
            self.fill_screen()
        else:
            saved = self._before_present
            self.presenting = False
            w.heads_up.setVisible(False)
            w.drawer_button.setVisible(False)
            w.plots.set_line_width(1)
            if saved is not None:
                w.set_font_scale(saved.font_scale)
                w.set_controls_open(saved.controls_open)
                self._restore(saved)
        w.presentation_action.setChecked(on)
        self.arm_escape()

    # --- F11 ------------------------------------------------------------------------------------
    def full_screen(self, on: bool) -> None:
        w = self.w
        if on == w.isFullScreen():
            w.fullscreen_action.setChecked(on)
            return
        if on:
            self._before_full = self._save()
            w.showFullScreen()
        else:
            saved = self._before_full
            if saved is not None:
                self._restore(saved)
            else:
                w.showNormal()
        w.fullscreen_action.setChecked(on)
        self.arm_escape()

    def arm_escape(self) -> None:
        """Esc is taken only while there is something to leave: otherwise it belongs to
        whatever has the focus (a dialog, an edit)."""
        action = getattr(self.w, "escape_action", None)
        if action is not None:
            action.setEnabled(self.presenting or self.w.isFullScreen())

    def escape(self) -> None:
        """Esc leaves full screen first, then presentation mode."""
        if self.w.isFullScreen():
            self.full_screen(False)
        elif self.presenting:
            self.present(False)
