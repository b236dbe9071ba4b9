"""Presentation mode on fake screens, full screen, and steps a person takes by hand: every
plot shows every manual step at once (offscreen, against the engine thread)."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.gui.main_window import MIN_CANVAS, MIN_PLOTS_WIDTH, MainWindow
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication

from .helpers import LONG


def open_window(qtbot, screen: QRect | None = None, size=(1000, 640)) -> MainWindow:
    w = MainWindow(preset="xor")
    qtbot.addWidget(w)
    if screen is not None:
        w.fit.override = QRect(screen)
        w.fit.fit_on_show = True  # as the app does: once shown, never larger than the screen
    w.resize(*size)
    w.move(screen.topLeft() if screen is not None else w.pos())
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=LONG)
    if screen is not None:
        qtbot.waitUntil(lambda: inside(w.frameGeometry(), screen), timeout=LONG)
    return w


def inside(inner: QRect, outer: QRect) -> bool:
    return outer.contains(inner.topLeft()) and outer.contains(inner.bottomRight())


def key(qtbot, w, k, mod=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(w, k, mod)
    QApplication.processEvents()


def check_plots(w: MainWindow) -> None:
    """Every plot shown has a usable data area; one that has no room is hidden, and the
    column's note names it."""
    plots = w.plots
    assert plots.loss_plot.isVisible()
    for p in plots.all_plots:
        if p.isVisible():
            view = p.getPlotItem().vb.sceneBoundingRect()
            assert view.height() >= plots.min_view() - 1, (plots.names[p], view)
            assert view.width() >= plots.min_view_width() - 1, (plots.names[p], view)
        elif plots.is_wanted(p):
            assert plots.hidden_note.isVisible(), plots.names[p]
            assert plots.names[p] in plots.hidden_note.text()


def check_fits(w: MainWindow, screen: QRect) -> None:
    w.grab()  # a real paint at this size
    assert inside(w.frameGeometry(), screen), (w.frameGeometry(), screen)
    assert w.canvas.width() >= MIN_CANVAS and w.canvas.height() >= MIN_CANVAS
    assert w.plots.width() >= MIN_PLOTS_WIDTH - 10
    check_plots(w)


@pytest.mark.parametrize("width,height", [(1024, 768), (1280, 720), (1920, 1080), (3840, 2160)])
def test_presentation_fits_the_screen_and_reads_from_the_back(qtbot, width, height):
    screen = QRect(0, 0, width, height)
    w = open_window(qtbot, screen, size=(min(1000, width - 20), min(640, height - 60)))
    before = QRect(w.geometry())
    key(qtbot, w, Qt.Key.Key_F5)
    assert w.fit.presenting and w.menus.actions.presentation.isChecked()
    qtbot.waitUntil(lambda: w.frameGeometry() == screen, timeout=LONG)
    check_fits(w, screen)
    assert not w.controls.isVisible()  # the panels fold into the drawer
    # the heads-up line: ≥ 3 % of the screen's height, and it says the step
    hud = w.heads_up
    qtbot.waitUntil(lambda: hud.text().startswith("step 0"), timeout=LONG)
    assert hud.isVisible()
    assert QFontInfo(hud.font()).pixelSize() >= 0.03 * height
    assert hud.height() >= 0.03 * height
    # plot tick labels ≥ 1.6 % of the screen's height
    for p in w.plots.all_plots:
        for side in ("left", "bottom"):
            font = p.getPlotItem().getAxis(side).style["tickFont"]
            assert QFontInfo(font).pixelSize() >= 0.016 * height
    # curves thicken with the screen (1 px at 720 lines, 2 at 1080, 4 at 2160)
    assert w.plots.train_loss.opts["pen"].width() == max(1, round(height / 540))
    # the drawer opens on demand and the window stays put
    key(qtbot, w, Qt.Key.Key_F6)
    assert w.controls.isVisible() and w.canvas_area.toolbar.drawer_button.isChecked()
    check_fits(w, screen)
    # an overlay below the canvas's tool bar: its own button stays in reach
    b = w.canvas_area.toolbar.drawer_button
    button = QRect(b.mapTo(w.centralWidget(), QPoint(0, 0)), b.size())
    assert not w.controls.geometry().intersects(button)
    key(qtbot, w, Qt.Key.Key_F6)
    assert not w.controls.isVisible()
    # larger type, again and again: never beyond the screen
    for _ in range(8):
        key(qtbot, w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
        assert inside(w.frameGeometry(), screen)
    check_fits(w, screen)
    # Esc gives the window back exactly as it was
    key(qtbot, w, Qt.Key.Key_Escape)
    assert not w.fit.presenting and not w.menus.actions.presentation.isChecked()
    qtbot.waitUntil(lambda: w.geometry() == before, timeout=LONG)
    assert w.font_scale == 1.0
    assert w.controls.isVisible() and not hud.isVisible()
    w.close()


def test_f5_twice_restores_the_geometry_and_ctrl_plus_stays_on_a_small_screen(qtbot):
    screen = QRect(0, 0, 1280, 720)
    w = open_window(qtbot, screen, size=(900, 600))
    w.move(40, 30)
    QApplication.processEvents()
    before = QRect(w.geometry())
    key(qtbot, w, Qt.Key.Key_F5)
    key(qtbot, w, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: w.geometry() == before, timeout=LONG)
    # outside presentation mode too, the type stops growing before the window outgrows
    # the screen (the control panels are the widest part)
    for _ in range(10):
        key(qtbot, w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
        assert inside(w.frameGeometry(), screen), w.frameGeometry()
    assert w.font_scale > 1.0
    w.close()


def test_f11_twice_restores_geometry_and_the_maximised_state(qtbot):
    w = open_window(qtbot, size=(700, 500))
    w.move(30, 20)
    QApplication.processEvents()
    before = QRect(w.geometry())
    key(qtbot, w, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: w.isFullScreen(), timeout=LONG)
    key(qtbot, w, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not w.isFullScreen(), timeout=LONG)
    qtbot.waitUntil(lambda: w.geometry() == before, timeout=LONG)
    assert not w.isMaximized()
    w.showMaximized()
    qtbot.waitUntil(lambda: w.isMaximized(), timeout=LONG)
    key(qtbot, w, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: w.isFullScreen(), timeout=LONG)
    key(qtbot, w, Qt.Key.Key_Escape)  # Esc leaves full screen too
    qtbot.waitUntil(lambda: w.isMaximized() and not w.isFullScreen(), timeout=LONG)
    w.close()


def test_default_size_fits_a_720_line_screen(qtbot):
    w = MainWindow(preset="xor")
    qtbot.addWidget(w)
    w.fit.override = QRect(0, 0, 1280, 720)
    size = w.default_size()
    assert size.width() <= 1280 and size.height() <= 720 - 40  # room for a title bar
    assert w.default_size().height() < 800
    w.fit.override = QRect(0, 0, 1920, 1080)
    assert (w.default_size().width(), w.default_size().height()) == (1280, 800)
    w.close()


# --- every step a person takes is visible at once ------------------------------------------
def curve_steps(w: MainWindow) -> dict[str, list[float]]:
    p = w.plots
    curves = {
        "train loss": p.train_loss,
        "test loss": p.test_loss,
        "train accuracy": p.train_acc,
        "test accuracy": p.test_acc,
    }
    curves.update({f"δ{i + 1}": c for i, c in enumerate(p.delta_curves)})
    out = {}
    for name, c in curves.items():
        x, _y = c.getData()
        out[name] = [] if x is None else list(x)
    return out


def bars_heights(w: MainWindow) -> np.ndarray:
    return np.asarray(w.plots.bars.opts["height"], dtype=float)


def expected_bars(w: MainWindow) -> np.ndarray:
    v = np.asarray(w.latest.snapshot.last.delta_mean_abs, dtype=float)
    logs = np.log10(v)
    return logs - (np.floor(np.nanmin(logs)) - 0.5)


def assert_every_plot_shows(w: MainWindow, step: int) -> None:
    for name, xs in curve_steps(w).items():
        assert xs == list(range(step + 1)), (name, xs)
    for p in (w.plots.loss_plot, w.plots.acc_plot, w.plots.delta_plot):
        lo, hi = p.getPlotItem().getViewBox().viewRange()[0]
        assert lo <= 0 and step <= hi < step + 1 + 0.1 * step, (p.legend_title, hi)
    assert w.latest.snapshot.last.step == step
    np.testing.assert_allclose(bars_heights(w), expected_bars(w))


def test_three_pagedowns_are_three_points_on_every_curve(qtbot):
    w = open_window(qtbot, size=(1280, 800))
    for k in (1, 2, 3):
        key(qtbot, w, Qt.Key.Key_PageDown)
        qtbot.waitUntil(lambda k=k: w.latest.snapshot.step == k, timeout=LONG)
        w.grab()
        assert_every_plot_shows(w, k)
    assert w.status_label.text().startswith("step 3")
    # the clicker's PageUp rewinds: every plot goes back with it
    key(qtbot, w, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 2, timeout=LONG)
    w.grab()
    assert_every_plot_shows(w, 2)
    # a step from there is a new point 3 (the run branches)
    key(qtbot, w, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 3, timeout=LONG)
    assert_every_plot_shows(w, 3)
    assert "0 steps/s" in w.status_label.text()  # paused: no speed shown
    w.close()


def test_a_step_walked_phase_by_phase_is_a_point_on_every_curve(qtbot):
    w = open_window(qtbot, size=(1280, 800))
    key(qtbot, w, Qt.Key.Key_N)  # opens the inspector and computes the first phase
    qtbot.waitUntil(lambda: w.inspector.state is not None, timeout=LONG)
    key(qtbot, w, Qt.Key.Key_End, Qt.KeyboardModifier.AltModifier)  # the remaining phases
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 1, timeout=LONG)
    w.grab()
    assert_every_plot_shows(w, 1)
    w.close()
