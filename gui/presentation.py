"""Presentation mode and full screen, fitted to the screen the window is on.

F5 fills the screen's available area (never more), folds the control panels into a drawer
(F6 or the "☰ Controls" button opens it), shows a heads-up line (step, epoch, loss,
accuracy) and sizes type, lines and markers from the screen's height: the heads-up line
is ≥ 3 % of the screen height and tick labels ≥ 1.6 %, as a back row needs. F5 again or
Esc, and F11 twice, put the window back exactly as it was (geometry and maximised state).

``ScreenFit`` works on the window through Qt's own ``QMainWindow`` interface and the few
parts of the window it changes (``FitParts``: the type, the heads-up line, the drawer, the
curves' width, the actions of F5, F11 and Esc).

``ScreenFit.override`` stands in for the screen's available geometry (tests set a fake
1024×768 or 1920×1080 screen on the offscreen platform, whose one screen is fixed).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QEvent, QRect, QSize, QTimer
from PySide6.QtGui import QAction, QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QLayout, QMainWindow, QSplitter, QWidget

from .presenter import heads_up_text
from .worker import Frame

HEADS_UP_SHARE = 0.032  # heads-up text (em height) as a share of the screen height
HEADS_UP_SAMPLE = "step 100,000    epoch 1,000.00    loss 0.000    accuracy 100.0 %"
TICK_SHARE = 0.017  # tick labels (em height); the requirement is 1.6 %
DEFAULT_SIZE = (1280, 800)
MIN_SCALE, MAX_SCALE = 0.6, 3.0  # the type sizes the window can show
SHRINK_STEP = 1.1  # the type shrinks by this factor at a time until the window fits
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


@dataclass(frozen=True)
class FitParts:
    """What ``ScreenFit`` changes in the window besides its geometry."""

    font_scale: Callable[[], float]  # the type shown
    apply_font_scale: Callable[[float], None]  # show the type at a scale
    heads_up: QLabel  # presentation mode's line over the window
    drawer_button: QWidget  # "☰ Controls", shown in presentation mode
    set_line_width: Callable[[int], None]  # the curves' pen
    controls_open: Callable[[], bool]  # the control panels shown
    set_controls_open: Callable[[bool], None]
    fit_controls: Callable[[], None]  # the panels' column as wide as the type needs
    latest: Callable[[], Frame | None]  # the frame shown last (for the heads-up line)
    presentation_action: QAction  # F5's check mark
    fullscreen_action: QAction  # F11's
    escape_action: QAction  # Esc, enabled only while there is something to leave


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
    """Keeps one main window inside its screen and runs presentation / full screen.

    The type has two sizes: ``wanted``, the one the user chose (``--font-scale``, Ctrl+=,
    Ctrl+-, Ctrl+0; in presentation mode the screen's), and the one shown
    (``parts.font_scale()``): the largest up to ``wanted`` with which the window's smallest
    layout fits the screen. Whatever opens (the network diagram, the inspector, the
    panels) the window refits (``refit``): the type gets smaller only if it must, and comes
    back when the room does."""

    def __init__(self, window: QMainWindow, parts: FitParts):
        self.w = window
        self.parts = parts
        # the app keeps the window to its screen once shown; tests on the offscreen
        # platform give it a fake screen instead (``override``)
        self.fit_on_show = False
        self.shown = False  # the window has been shown (and laid out) once
        self.override: QRect | None = None
        self.presenting = False
        self.wanted = 1.0
        self.present_scale = 1.0  # presentation mode's own size, from the screen's height
        self._before_present: SavedWindow | None = None
        self._before_full: SavedWindow | None = None
        self._refitting = False
        self._grown: dict[str, tuple[QSize, QSize]] = {}
        self._fake_full = False  # F11 on a test's fake screen (see ``full_screen``)

    # --- the screen -----------------------------------------------------------------------
    def available(self) -> QRect:
        if self.override is not None:
            return QRect(self.override)
        screen = self.w.screen() or QApplication.primaryScreen()
        return screen.availableGeometry()

    def is_full(self) -> bool:
        """Full screen (F11), on the real screen or a test's fake one."""
        return self.w.isFullScreen() or self._fake_full

    @property
    def enabled(self) -> bool:
        """Whether the window is kept to its screen: in the app, and in tests that give it
        a screen. The offscreen platform's one screen is a fixed stand-in, so there a window
        a test made larger stays as large (only the type is checked against it)."""
        return self.override is not None or self.fit_on_show

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

    def fits(self) -> bool:
        """Whether the window's smallest layout fits the screen (a normal window that a
        test made larger than the offscreen platform's stand-in screen: its own size)."""
        w = self.w
        self.settle()
        need = w.minimumSizeHint().expandedTo(w.minimumSize())
        room = self.room()
        normal = not (self.presenting or w.isMaximized() or self.is_full())
        if not self.enabled and normal:
            room = room.expandedTo(w.size())
        return need.width() <= room.width() and need.height() <= room.height()

    def keep_on_screen(self) -> None:
        """Shrink and move a normal window until all of it (frame included) is on screen."""
        w = self.w
        if w.isMaximized() or self.is_full() or not self.enabled:
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
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        for splitter in self.w.findChildren(QSplitter):
            splitter.updateGeometry()
        central = self.w.centralWidget()
        if central is not None:
            central.updateGeometry()  # the window's layout caches its minimum too
        for child in self.w.findChildren(QLayout):
            child.invalidate()
        self.parts.fit_controls()
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

    # --- the type, fitted -------------------------------------------------------------------
    def refit(self, later: bool = True) -> None:
        """The largest type up to ``wanted`` with which the window fits its screen, then
        the window moved (and shrunk) inside it. After anything that changes what the
        window holds: a type size, the diagram, the inspector, the panels, F5, F11."""
        if self._refitting:
            return
        self._refitting = True
        try:
            self._fit_type(self.wanted)
            self.keep_on_screen()
            self._note_size()
        finally:
            self._refitting = False
        if later:
            # some sizes follow only once the posted events are handled, and a window
            # manager answers a resize later still: look again then
            QTimer.singleShot(0, self.w, self._refit_later)
            QTimer.singleShot(300, self.w, self._refit_later)

    def _refit_later(self) -> None:
        w = self.w
        if self._refitting or not w.isVisible():
            return
        self._refitting = True
        try:
            if not self.fits():
                self._fit_type(self.parts.font_scale())
            self.keep_on_screen()
            self._note_size()
        finally:
            self._refitting = False

    def _note_size(self) -> None:
        """The size the window has after our own fitting, for what is open: a size the
        user sets later is theirs, and closing a part leaves it alone."""
        normal = not (self.presenting or self.w.isMaximized() or self.is_full())
        if normal:
            for key, (before, _after) in list(self._grown.items()):
                self._grown[key] = (before, QSize(self.w.size()))

    def _fit_type(self, target: float) -> None:
        w, parts = self.w, self.parts
        scale = max(MIN_SCALE, min(MAX_SCALE, target))
        if abs(parts.font_scale() - scale) > 1e-9:
            parts.apply_font_scale(scale)
        while not self.fits() and scale > MIN_SCALE + 1e-9:
            scale = max(MIN_SCALE, scale / SHRINK_STEP)
            parts.apply_font_scale(scale)
        if self.presenting:
            self.size_heads_up()
            if not self.is_full():
                self.fill_screen()  # a maximised window that grew with the type: fit again
        if scale < self.wanted - 1e-9:
            w.statusBar().showMessage(
                f"Type at {100 * scale:.0f} % (chosen: {100 * self.wanted:.0f} %), so that "
                "everything open fits this screen.",
                6000,
            )

    def change_font(self, factor: float) -> bool:
        """Ctrl+= / Ctrl+-: the type a step larger or smaller; larger only if the window
        still fits the screen (else it stays, with a note); in presentation mode never
        smaller than the presentation's own size. True if the type changed."""
        w = self.w
        old = self.parts.font_scale()
        new = max(MIN_SCALE, min(MAX_SCALE, old * factor))
        floor = self.present_scale if self.presenting else MIN_SCALE
        if factor < 1 and new < floor:
            new = max(new, min(old, floor))
            w.statusBar().showMessage("The type is at the presentation size.", 4000)
        if abs(new - old) < 1e-9:
            if factor > 1:
                w.statusBar().showMessage("The type is as large as this screen allows.", 4000)
            self.refit()  # whatever happened, the window comes back inside the screen
            return False
        if factor > 1:
            geometry = QRect(w.geometry())
            self.parts.apply_font_scale(new)
            if not self.fits():
                self._fit_type(old)
                if not (self.presenting or w.isMaximized() or self.is_full()):
                    w.setGeometry(geometry)  # it grew with the trial type: give the room back
                self.keep_on_screen()
                w.statusBar().showMessage("The type is as large as this screen allows.", 4000)
                return False
        self.wanted = new
        self.refit()
        return True

    def chosen_scale(self) -> float:
        """The type size the user chose for the window (not presentation mode's), the one
        to remember for the next start."""
        if self.presenting and self._before_present is not None:
            return self._before_present.font_scale
        return self.wanted

    def normal_font(self) -> None:
        """Ctrl+0: the usual type (in presentation mode, the presentation's size)."""
        self.wanted = self.present_scale if self.presenting else 1.0
        self.refit()

    @property
    def busy(self) -> bool:
        """In the middle of a refit or of leaving presentation mode."""
        return self._refitting

    def toggled(self, key: str, on: bool, before: QSize | None = None) -> None:
        """Something opened or closed (the diagram, the panels, the inspector): refit, and
        when it closes give back the room the window grew by when it opened (unless the
        user has resized the window since). ``before``: the size before it opened, when
        the window has grown already."""
        w = self.w
        if on:
            before = QSize(before if before is not None else w.size())
            self.refit()
            self._grown[key] = (before, QSize(w.size()))
            return
        grown = self._grown.pop(key, None)
        self.refit()
        normal = not (self.presenting or w.isMaximized() or self.is_full())
        if grown is not None and normal and grown[0] != grown[1] and w.size() == grown[1]:
            self.settle()
            w.resize(grown[0].expandedTo(w.minimumSizeHint()))
            self.keep_on_screen()

    def size_heads_up(self) -> None:
        """The heads-up line: ≥ 3 % of the screen's height, and it grows with Ctrl+=."""
        heads_up = self.parts.heads_up
        base = heads_up_pixels(self.available().height())
        scale = self.parts.font_scale()
        px = max(base, round(base * scale / max(self.present_scale, 1e-6)))
        f = QFont(heads_up.font())
        f.setBold(True)
        room = self.available().width() - 8
        while True:  # the longest line it shows stays whole on the screen's width
            f.setPixelSize(px)
            if px <= base or QFontMetrics(f).horizontalAdvance(HEADS_UP_SAMPLE) <= room:
                break
            px -= 1
        heads_up.setFont(f)

    # --- state ------------------------------------------------------------------------------
    def _save(self) -> SavedWindow:
        w = self.w
        return SavedWindow(
            geometry=w.saveGeometry(),
            normal=QRect(w.normalGeometry()),
            maximized=w.isMaximized(),
            fullscreen=self.is_full(),
            font_scale=self.wanted,
            controls_open=self.parts.controls_open(),
        )

    def _restore(self, saved: SavedWindow) -> None:
        w = self.w
        if saved.fullscreen:
            self._show_full()
            return
        if saved.maximized:
            w.showMaximized()
            return
        w.showNormal()
        self.settle()
        w.restoreGeometry(saved.geometry)
        if w.geometry() != saved.normal and saved.normal.isValid():
            w.setGeometry(saved.normal)

    def _show_full(self) -> None:
        if self.override is None:
            self.w.showFullScreen()
            return
        # a test's fake screen: all of it (the offscreen platform would give a full-screen
        # window its own fixed screen's size)
        self._fake_full = True
        self.fill_screen()

    # --- F5 -----------------------------------------------------------------------------------
    def present(self, on: bool) -> None:
        w, parts = self.w, self.parts
        if on == self.presenting:
            return
        if on:
            self._before_present = self._save()
            self.presenting = True
            avail = self.available()
            parts.set_controls_open(False)
            parts.heads_up.setVisible(True)
            latest = parts.latest()
            if latest is not None:
                parts.heads_up.setText(heads_up_text(latest))
            parts.drawer_button.setVisible(True)
            parts.set_line_width(line_width(avail.height()))
            # sized for the back row, and never smaller than the window's own type
            self.present_scale = max(scale_for_screen(avail.height(), w.logicalDpiY()), self.wanted)
            self.wanted = self.present_scale
            self.fill_screen()
            self.refit()
        else:
            saved = self._before_present
            self.presenting = False
            parts.heads_up.setVisible(False)
            parts.drawer_button.setVisible(False)
            parts.set_line_width(1)
            self._refitting = True  # one refit at the end, in the window as it was
            try:
                if saved is not None:
                    self.wanted = saved.font_scale
                    parts.apply_font_scale(min(parts.font_scale(), saved.font_scale))
                    parts.set_controls_open(saved.controls_open)
                    self._restore(saved)
            finally:
                self._refitting = False
            self.refit()
        parts.presentation_action.setChecked(on)
        self.arm_escape()

    # --- F11 ------------------------------------------------------------------------------------
    def full_screen(self, on: bool) -> None:
        w = self.w
        if on == self.is_full():
            self.parts.fullscreen_action.setChecked(on)
            return
        if on:
            self._before_full = self._save()
            self._show_full()
        else:
            self._fake_full = False
            saved = self._before_full
            if saved is not None:
                self._restore(saved)
            else:
                w.showNormal()
        self.parts.fullscreen_action.setChecked(on)
        self.arm_escape()
        self.refit()

    def arm_escape(self) -> None:
        """Esc is taken only while there is something to leave: otherwise it belongs to
        whatever has the focus (a dialog, an edit)."""
        self.parts.escape_action.setEnabled(self.presenting or self.is_full())

    def escape(self) -> None:
        """Esc leaves full screen first, then presentation mode."""
        if self.is_full():
            self.full_screen(False)
        elif self.presenting:
            self.present(False)
