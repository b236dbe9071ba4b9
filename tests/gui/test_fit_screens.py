"""The window never leaves its screen, whatever is opened: every combination of the type
size (--font-scale, Ctrl+=, Ctrl+-, Ctrl+0), the network diagram (G), the docked inspector
(I), the control panels (F6), presentation mode (F5, Esc) and full screen (F11), on fake
1024×768 and 1280×720 screens, driven by real key presses, each state painted (grab) and
measured: the frame inside the available area, the menu bar and the status bar visible,
every plot with a usable data area or hidden with a note naming it."""

from __future__ import annotations

import itertools

import pytest
from backprop_lab.gui.main_window import MainWindow
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontInfo, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from .helpers import LONG
from .test_presentation import check_plots, inside

CTRL = Qt.KeyboardModifier.ControlModifier
TOGGLES = {"G": Qt.Key.Key_G, "I": Qt.Key.Key_I, "F6": Qt.Key.Key_F6, "F5": Qt.Key.Key_F5}


def open_on_screen(qtbot, screen: QRect, font_scale: float = 1.0, lesson: str = "deep_sigmoid"):
    """The window as the app opens it on ``screen``: the default size for that screen, the
    lesson opened, kept to the screen once shown."""
    w = MainWindow(preset="xor", font_scale=font_scale)
    qtbot.addWidget(w)
    w.fit.override = QRect(screen)
    w.fit.fit_on_show = True
    w.resize(w.default_size())
    w.move(screen.topLeft())
    if lesson:
        w.open_lesson(lesson)
        qtbot.waitUntil(lambda: w.files.last_open_ok is not None, timeout=LONG)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=LONG)
    settle(qtbot)
    return w


def settle(qtbot, turns: int = 3) -> None:
    """Let the posted layout requests and the refit's next-turn pass run."""
    for _ in range(turns):
        QApplication.processEvents()
        qtbot.wait(5)


def press(qtbot, w, key, mod=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(w, key, mod)
    settle(qtbot)


def shown_inside(w, part: QWidget) -> bool:
    """Visible, of some height, and wholly inside the window's client area."""
    if not part.isVisible() or part.height() < 10:
        return False
    top_left = part.mapTo(w, QPoint(0, 0))
    return w.rect().contains(QRect(top_left, part.size()))


def check_on_screen(w, screen: QRect, what: str) -> None:
    w.grab()  # a real paint in this state
    assert inside(w.frameGeometry(), screen), (what, w.frameGeometry(), w.minimumSizeHint())
    assert shown_inside(w, w.menuBar()), what
    assert shown_inside(w, w.statusBar()), (what, w.statusBar().geometry())
    check_plots(w)
    if w.inspector_dock.isVisible() and not w.inspector_dock.isFloating():
        insp = w.inspector
        for part in (insp.next_button, insp.timeline):
            assert shown_inside(w, part), (what, part.objectName())


def gray(n: int):
    """Every subset of n toggles, each from the one before by one toggle (Gray code)."""
    for i in range(1, 2**n):
        yield (i ^ (i >> 1)) ^ ((i - 1) ^ ((i - 1) >> 1))  # the bit that changes


@pytest.mark.parametrize(
    "width,height,start_scale", [(1024, 768, 1.5), (1280, 720, 1.0)], ids=["1024x768", "1280x720"]
)
def test_every_combination_keeps_the_window_on_its_screen(qtbot, width, height, start_scale):
    screen = QRect(0, 0, width, height)
    w = open_on_screen(qtbot, screen, start_scale)
    # as the user asked for (it fits): the type is not silently smaller
    assert w.font_scale == pytest.approx(start_scale)
    check_on_screen(w, screen, "opened")
    names = list(TOGGLES)
    # the type sizes to walk through: as opened, larger twice, smaller, normal
    fonts = [("as opened", None), ("Ctrl+=", Qt.Key.Key_Equal), ("Ctrl+=", Qt.Key.Key_Equal)]
    fonts += [("Ctrl+-", Qt.Key.Key_Minus), ("Ctrl+0", Qt.Key.Key_0)]
    on: set[str] = set()
    for label, font_key in fonts:
        if font_key is not None:
            press(qtbot, w, font_key, CTRL)
            check_on_screen(w, screen, f"{label} with {sorted(on)}")
        for bit in gray(len(names)):
            name = names[bit.bit_length() - 1]
            key = TOGGLES[name]
            if name == "F5" and "F5" in on and len(on) % 2:
                key = Qt.Key.Key_Escape  # leave presentation mode both ways
            press(qtbot, w, key)
            on ^= {name}
            assert w.fit.presenting == ("F5" in on)
            assert w.canvas_area.netview.isVisible() == ("G" in on)
            assert w.inspector_dock.isVisible() == ("I" in on)
            check_on_screen(w, screen, f"{sorted(on)} after {label}")
        # full screen on top of everything that is open, then back
        press(qtbot, w, Qt.Key.Key_F11)
        qtbot.waitUntil(w.fit.is_full, timeout=LONG)
        check_on_screen(w, screen, f"F11 with {sorted(on)} after {label}")
        press(qtbot, w, Qt.Key.Key_F11)
        qtbot.waitUntil(lambda: not w.fit.is_full(), timeout=LONG)
        check_on_screen(w, screen, f"after F11 with {sorted(on)} after {label}")
    w.close()


@pytest.mark.parametrize("name", ["G", "I", "F6"])
def test_a_toggle_gives_back_the_room_it_took(qtbot, name):
    # G at 1024×768 grew the window to 1054 px, and it stayed that wide after G, F5, Esc
    screen = QRect(0, 0, 1024, 768)
    w = open_on_screen(qtbot, screen)
    w.resize(860, 560)  # smaller than the screen: a toggle may have to grow it
    settle(qtbot)
    before = w.size()
    press(qtbot, w, TOGGLES[name])
    check_on_screen(w, screen, f"{name} on")
    press(qtbot, w, Qt.Key.Key_F5)
    check_on_screen(w, screen, f"{name} and F5")
    press(qtbot, w, Qt.Key.Key_Escape)
    press(qtbot, w, TOGGLES[name])
    qtbot.waitUntil(lambda: w.size() == before, timeout=LONG)
    check_on_screen(w, screen, f"{name} off")
    w.close()


@pytest.mark.parametrize("key", [Qt.Key.Key_Minus, Qt.Key.Key_0], ids=["Ctrl+-", "Ctrl+0"])
def test_smaller_or_normal_type_brings_an_off_screen_window_back(qtbot, key):
    # a 1319-px window at x = −294 (--font-scale 1.5 on 1024×768): Ctrl+- and Ctrl+0 left it
    screen = QRect(0, 0, 1024, 768)
    w = open_on_screen(qtbot, screen, 1.5)
    w.move(-294, 20)
    QApplication.processEvents()
    assert not inside(w.frameGeometry(), screen)
    press(qtbot, w, key, CTRL)
    check_on_screen(w, screen, "after the key")
    assert w.font_scale < 1.5
    w.close()


def test_presentation_type_is_never_smaller_than_the_windows(qtbot):
    screen = QRect(0, 0, 1024, 768)
    w = open_on_screen(qtbot, screen, 1.5)
    body = QFontInfo(w.data_panel.font()).pixelSize()
    press(qtbot, w, Qt.Key.Key_F5)
    check_on_screen(w, screen, "F5")
    assert w.font_scale >= 1.5
    assert QFontInfo(w.data_panel.font()).pixelSize() >= body
    # Ctrl+= grows the heads-up line too
    hud = QFontInfo(w.heads_up.font()).pixelSize()
    press(qtbot, w, Qt.Key.Key_Equal, CTRL)
    assert w.font_scale > 1.5
    assert QFontInfo(w.heads_up.font()).pixelSize() > hud
    assert w.fit.chosen_scale() == pytest.approx(1.5)  # what the settings remember
    check_on_screen(w, screen, "F5, Ctrl+=")
    # Ctrl+0 goes back to the presentation's size, Ctrl+- never below it
    press(qtbot, w, Qt.Key.Key_0, CTRL)
    assert w.font_scale == pytest.approx(w.fit.present_scale)
    assert QFontInfo(w.heads_up.font()).pixelSize() == hud
    press(qtbot, w, Qt.Key.Key_Minus, CTRL)
    assert w.font_scale == pytest.approx(w.fit.present_scale)
    # and Esc gives the window its own type back
    press(qtbot, w, Qt.Key.Key_Escape)
    assert w.font_scale == pytest.approx(1.5)
    check_on_screen(w, screen, "Esc")
    w.close()


@pytest.mark.parametrize("width,height", [(1280, 720), (1024, 768)])
def test_f5_then_the_inspector_keeps_three_readable_curves(qtbot, width, height):
    # F5 then I at 1280×720: the loss, accuracy and δ plots were 10-px strips without
    # labels, and the status bar was cut off
    screen = QRect(0, 0, width, height)
    w = open_on_screen(qtbot, screen)
    press(qtbot, w, Qt.Key.Key_F5)
    press(qtbot, w, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: w.inspector.isVisible(), timeout=LONG)
    settle(qtbot, 6)
    check_on_screen(w, screen, "F5, I")
    plots = w.plots
    for p in (plots.loss_plot, plots.acc_plot, plots.delta_plot):
        assert p.isVisible(), plots.names[p]
        assert p.getPlotItem().vb.sceneBoundingRect().height() >= plots.min_view() - 1
    w.close()


def labels_of(axis) -> list[tuple[QRect, str]]:
    """The tick labels an axis draws now (rectangles in its coordinates, texts)."""
    pix = QPixmap(10, 10)
    p = QPainter(pix)
    try:
        specs = axis.generateDrawSpecs(p)
    finally:
        p.end()
    return [] if specs is None else [(r.toAlignedRect(), text) for r, _f, text in specs[2]]


def test_tick_labels_never_pile_up_and_steps_are_whole(qtbot):
    # log-axis labels piled up at 1024×768 with large type; the step axis showed 0.2, 0.4 …
    screen = QRect(0, 0, 1024, 768)
    w = open_on_screen(qtbot, screen, 1.5)
    plots = w.plots
    for p in (plots.loss_plot, plots.delta_plot):
        step_axis = p.getPlotItem().getAxis("bottom")
        assert all(float(t).is_integer() for _r, t in labels_of(step_axis) if t), p
    press(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # ten steps
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 10, timeout=LONG)
    for _ in range(2):  # and with larger type still
        w.grab()
        for p in (plots.loss_plot, plots.delta_plot):
            if not p.isVisible():
                continue
            for side in ("left", "bottom"):
                drawn = labels_of(p.getPlotItem().getAxis(side))
                assert len(drawn) >= 1, (plots.names[p], side)
                rects = [r for r, _t in drawn]
                for a, b in itertools.combinations(rects, 2):
                    assert not a.intersects(b), (plots.names[p], side, drawn)
            texts = [t for _r, t in labels_of(p.getPlotItem().getAxis("bottom"))]
            assert all(t.rstrip("kM").replace(".", "", 1).isdigit() for t in texts), texts
        press(qtbot, w, Qt.Key.Key_Equal, CTRL)
    w.close()


def test_the_delta_plot_keeps_its_data_area_under_its_legend(qtbot):
    # the δ plot (what the deep-sigmoid lesson is about) was crushed under its legend
    screen = QRect(0, 0, 1024, 768)
    w = open_on_screen(qtbot, screen, 1.5)
    p = w.plots.delta_plot
    assert len(p.legend_entries) == 7 and p.isVisible()
    item = p.getPlotItem()
    title = item.titleLabel.mapRectToScene(item.titleLabel.itemRect())
    view = item.vb.sceneBoundingRect()
    assert title.bottom() <= view.top() + 2 and title.right() <= p.width() + 1
    assert view.height() >= w.plots.min_view() - 1
    w.close()


def test_the_control_panels_fit_720_lines_up_to_four_layers(qtbot):
    screen = QRect(0, 0, 1280, 720)
    w = open_on_screen(qtbot, screen, lesson="")
    bar = w.controls.scroll.verticalScrollBar()
    for layers in (2, 3, 4):
        while len(w.network_panel.width_spins) < layers:
            w.network_panel.add_button.click()
        settle(qtbot)
        w.grab()
        assert not bar.isVisible(), layers  # no scrolling
        assert shown_inside(w, w.training_panel.seed_spin), layers
    w.close()


def test_play_and_speed_stay_in_reach_at_eight_layers(qtbot):
    screen = QRect(0, 0, 1024, 768)
    w = open_on_screen(qtbot, screen, lesson="")
    while len(w.network_panel.width_spins) < 8:
        w.network_panel.add_button.click()
    settle(qtbot)
    for what in ("8 layers", "inspector"):
        w.grab()
        tp = w.training_panel
        for part in (tp.play_button, tp.step_button, tp.speed_slider):
            assert shown_inside(w, part), (what, part.text() if hasattr(part, "text") else part)
        press(qtbot, w, Qt.Key.Key_I)
    w.close()


def test_the_inspector_shows_its_tabs_and_legend_whole_at_1024(qtbot):
    screen = QRect(0, 0, 1024, 768)
    w = open_on_screen(qtbot, screen)
    press(qtbot, w, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: w.inspector.isVisible(), timeout=LONG)
    for scale_key in (None, Qt.Key.Key_Equal):
        if scale_key is not None:
            press(qtbot, w, scale_key, CTRL)
        settle(qtbot, 6)
        w.grab()
        bar = w.inspector.tabs.tabBar()
        fm = QFontMetrics(bar.font())
        for i in range(bar.count()):
            assert bar.tabRect(i).width() >= fm.horizontalAdvance(bar.tabText(i)), bar.tabText(i)
            assert bar.rect().contains(bar.tabRect(i)), bar.tabText(i)
        # the diagram's key: whole, under the panes, and the picture keeps its height
        key = w.inspector.diagram_key
        assert shown_inside(w, key)
        assert key.heightForWidth(key.width()) <= key.height()
        assert not w.inspector.diagram.show_legend
        assert w.inspector.diagram.height() >= 100
    w.close()


def test_the_trace_table_never_switches_its_updates_off(window, qtbot, monkeypatch):
    # under X11, filling the table with its updates switched off made its header scroll
    # its pixels onto the algorithm pane beside the tabs (at 1920×1080), where they stayed
    table = window.inspector.trace_view.table
    calls = []
    monkeypatch.setattr(table, "setUpdatesEnabled", lambda on: calls.append(on))
    window.inspector_dock.show()
    window.inspector.tabs.setCurrentIndex(1)
    window.inspector.set_picked_point(3)
    qtbot.waitUntil(lambda: window.inspector.trace_view.trace is not None, timeout=LONG)
    window.grab()
    assert False not in calls
    header = table.horizontalHeader()
    tabs = window.inspector.tabs
    area = QRect(tabs.mapTo(window, QPoint(0, 0)), tabs.size())
    assert area.contains(QRect(header.mapTo(window, QPoint(0, 0)), header.size()))


def test_a_units_caption_is_never_under_the_colour_key(qtbot):
    from .test_view_grid import hover

    screen = QRect(0, 0, 1024, 768)
    w = open_on_screen(qtbot, screen, lesson="")
    press(qtbot, w, Qt.Key.Key_G)
    qtbot.waitUntil(lambda: w.canvas_area.netview.frames_drawn > 0, timeout=LONG)
    hover(qtbot, w.canvas_area.netview.diagram, (1, 1))
    qtbot.waitUntil(lambda: w.canvas_area.legend.kind == "unit", timeout=LONG)
    settle(qtbot)
    w.grab()
    caption = w.canvas.caption
    assert caption.isVisible()
    assert not caption.geometry().intersects(w.canvas_area.legend.geometry()), (
        caption.geometry(),
        w.canvas_area.legend.geometry(),
    )
    assert w.canvas.rect().contains(caption.geometry())
    w.close()
