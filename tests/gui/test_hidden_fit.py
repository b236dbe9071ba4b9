"""The hidden-space panel (H) and the layer-health tab keep the window on its screen:
every combination of H with the network diagram (G), the docked inspector (I), the
control panels (F6) and presentation mode (F5), on fake 1024×768 and 1920×1080 screens,
by real key presses, each state painted and measured as tests/gui/test_fit_screens.py
measures G and I."""

from __future__ import annotations

import pytest
from backprop_lab.gui.hidden_view import PLOT_MIN, PLOT_MIN_HEIGHT
from PySide6.QtCore import QRect, Qt

from .helpers import LONG
from .test_fit_screens import check_on_screen, gray, open_on_screen, press, settle, shown_inside

TOGGLES = {
    "H": Qt.Key.Key_H,
    "G": Qt.Key.Key_G,
    "I": Qt.Key.Key_I,
    "F6": Qt.Key.Key_F6,
    "F5": Qt.Key.Key_F5,
}


def check_hidden(w, what: str) -> None:
    """The panel whole in the window, its picture at least its smallest; roomier (140 px)
    unless the docked inspector takes most of the height."""
    panel = w.hidden.panel
    if panel.isVisible():
        assert shown_inside(w, panel), what
        assert shown_inside(w, panel.morph), what
        size = panel.plot.size()
        assert size.width() >= PLOT_MIN and size.height() >= PLOT_MIN_HEIGHT, (what, size)
        if not w.inspector_dock.isVisible():
            assert min(size.width(), size.height()) >= 140, (what, size)


@pytest.mark.parametrize(
    "width,height,health", [(1024, 768, True), (1920, 1080, False)], ids=["1024x768", "1920x1080"]
)
def test_every_combination_with_hidden_space_stays_on_screen(qtbot, width, height, health):
    screen = QRect(0, 0, width, height)
    w = open_on_screen(qtbot, screen)
    if health:  # the layer-health tab in the δ plot's place throughout
        bar = w.plots.tab_bar
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
        assert w.plots.tab_index == 1
    check_on_screen(w, screen, "opened")
    names = list(TOGGLES)
    on: set[str] = set()
    for bit in gray(len(names)):
        name = names[bit.bit_length() - 1]
        key = TOGGLES[name]
        if name == "F5" and "F5" in on and len(on) % 2:
            key = Qt.Key.Key_Escape  # leave presentation mode both ways
        press(qtbot, w, key)
        on ^= {name}
        what = f"{sorted(on)} at {width}×{height}"
        assert w.hidden.panel.isVisible() == ("H" in on), what
        assert w.fit.presenting == ("F5" in on), what
        if "H" in on:
            qtbot.waitUntil(lambda: w.hidden.panel.figure is not None, timeout=LONG)
        check_on_screen(w, screen, what)
        check_hidden(w, what)
    w.close()


def test_h_gives_back_the_room_it_took(qtbot):
    screen = QRect(0, 0, 1024, 768)
    w = open_on_screen(qtbot, screen)
    w.resize(860, 560)  # smaller than the screen: the panel may have to grow it
    settle(qtbot)
    before = w.size()
    press(qtbot, w, Qt.Key.Key_H)
    check_on_screen(w, screen, "H on")
    check_hidden(w, "H on")
    press(qtbot, w, Qt.Key.Key_F5)
    check_on_screen(w, screen, "H and F5")
    check_hidden(w, "H and F5")
    press(qtbot, w, Qt.Key.Key_Escape)
    press(qtbot, w, Qt.Key.Key_H)
    qtbot.waitUntil(lambda: w.size() == before, timeout=LONG)
    check_on_screen(w, screen, "H off")
    w.close()
