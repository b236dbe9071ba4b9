"""At 1024×768, 1280×720 and 1920×1080 the window and its plots stay on the screen
whatever the keys, lesson and inspector do."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication

from tests.gui.test_presentation import inside, key, open_window


@pytest.mark.parametrize("width,height", [(1024, 768), (1280, 720)])
def test_ctrl_plus_held_down_in_presentation_mode_stays_on_the_screen(qtbot, width, height):
    screen = QRect(0, 0, width, height)
    w = open_window(qtbot, screen, size=(min(1000, width - 20), min(640, height - 60)))
    key(qtbot, w, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: w.frameGeometry() == screen, timeout=60_000)
    # eight presses queued before any of them is laid out, as a held key delivers them
    for _ in range(8):
        qtbot.keyClick(w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(50)
    w.grab()
    assert inside(w.frameGeometry(), screen), (w.frameGeometry(), screen)
    assert w.font_scale > 1.0
    w.close()


def test_ctrl_plus_on_a_maximised_presentation_window_stops_before_the_screen_edge(qtbot):
    w = open_window(qtbot, None, size=(700, 500))
    screen = w.screen().availableGeometry()
    key(qtbot, w, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: w.isMaximized(), timeout=60_000)
    for _ in range(8):
        key(qtbot, w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(50)
    w.grab()
    # the offscreen platform never re-fits a maximised window (a window manager does, see
    # the 1280×809 window this test was written for): what must hold is that the window's
    # smallest layout still fits, so the type stopped growing in time
    need = w.minimumSizeHint().expandedTo(w.minimumSize())
    assert need.width() <= screen.width() and need.height() <= screen.height(), (
        need,
        screen,
        w.font_scale,
    )
    w.close()


@pytest.mark.parametrize("width", [1024, 1100])
def test_every_plot_and_its_legend_fit_a_narrow_plot_column(qtbot, width):
    # at 1024 px the plot column is at its narrowest and the loss title with its legend
    # ("Loss −log p(y|x)  ━━ train  ━━ test") was wider than the plot: the whole plot was
    # laid out wider than its widget, and its right edge (legend, last ticks) was cut off
    screen = QRect(0, 0, width, 768)
    w = open_window(qtbot, screen, size=(width - 10, 700))
    w.grab()
    for p in w.plots.all_plots:
        item = p.getPlotItem()
        right = item.mapRectToScene(item.boundingRect()).right()
        assert right <= p.viewport().width() + 1, (p.legend_title, right, p.viewport().width())
        title = item.titleLabel
        assert title.mapRectToScene(title.boundingRect()).right() <= p.viewport().width() + 1
        check_title_fits(p)
    w.close()


def check_title_fits(p) -> None:
    """The whole title (legend included) is inside the widget and above the plot area."""
    item = p.getPlotItem()
    title = item.titleLabel
    text = title.mapRectToScene(title.itemRect())
    assert text.top() >= -1, (p.legend_title, text)
    assert text.right() <= p.viewport().width() + 1, (p.legend_title, text, p.viewport().width())
    view = item.vb.mapRectToScene(item.vb.boundingRect())
    assert text.bottom() <= view.top() + 2, (p.legend_title, text, view)


def test_titles_with_many_layers_and_large_type_stay_above_their_plots(qtbot):
    # F5 at 1920×1080, a 6-layer lesson and Ctrl+= eight times: the δ plot's wrapped
    # legend (seven layers) spilled over the accuracy plot and onto the curves
    screen = QRect(0, 0, 1920, 1080)
    w = open_window(qtbot, screen, size=(1280, 800))
    w.menus.actions.lessons["deep_sigmoid"].trigger()
    qtbot.waitUntil(lambda: len(w.plots.delta_plot.legend_entries) == 7, timeout=60_000)
    for _ in range(6):  # large type in the normal window first, then presenting
        key(qtbot, w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    w.grab()
    for p in w.plots.all_plots:
        check_title_fits(p)
    key(qtbot, w, Qt.Key.Key_F5)
    for _ in range(8):
        key(qtbot, w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(50)
    w.grab()
    for p in w.plots.all_plots:
        check_title_fits(p)
    w.close()


def test_the_inspector_with_a_lessons_notes_fits_a_768_line_screen(qtbot):
    # a lesson's description above the canvas plus the docked inspector were taller than
    # 1024×768 (under openbox the window grew to 777 lines: rewind and status bar off
    # screen); the notes make way while the inspector is docked and come back after
    screen = QRect(0, 0, 1024, 768)
    w = open_window(qtbot, screen, size=(1014, 720))
    w.menus.actions.lessons["spirals3"].trigger()
    qtbot.waitUntil(lambda: w.canvas_area.notes.isVisible(), timeout=60_000)
    qtbot.waitUntil(lambda: w.latest.snapshot.dataset.n_classes == 3, timeout=60_000)
    assert w.canvas_area.notes.description_label.isVisible()
    key(qtbot, w, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: w.inspector_dock.isVisible(), timeout=60_000)
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(80)
    w.grab()
    need = w.minimumSizeHint().height() + (w.frameGeometry().height() - w.height())
    assert need <= screen.height(), (w.minimumSizeHint(), w.canvas_area.notes.isVisible())
    assert inside(w.frameGeometry(), screen), w.frameGeometry()
    key(qtbot, w, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: not w.inspector_dock.isVisible(), timeout=60_000)
    assert w.canvas_area.notes.isVisible() and w.canvas_area.notes.description_label.isVisible()
    w.close()


def test_notes_and_banner_grow_with_the_type_in_presentation_mode(qtbot):
    # widgets with a style sheet of their own (the notes, the banner) took no font from
    # the window: at F5 on 1920×1080 the lesson's instructions stayed at 12 px
    screen = QRect(0, 0, 1920, 1080)
    w = open_window(qtbot, screen, size=(1280, 800))
    w.menus.actions.lessons["deep_sigmoid"].trigger()
    qtbot.waitUntil(lambda: w.canvas_area.notes.isVisible(), timeout=60_000)
    w.banner.show_message("Something to read from the back", "warning")
    body = QFontInfo(w.data_panel.font()).pixelSize()
    assert QFontInfo(w.canvas_area.notes.description_label.font()).pixelSize() == body
    key(qtbot, w, Qt.Key.Key_F5)
    key(qtbot, w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    w.grab()
    bigger = QFontInfo(w.data_panel.font()).pixelSize()
    assert bigger > body
    assert QFontInfo(w.canvas_area.notes.description_label.font()).pixelSize() == bigger
    title = w.canvas_area.notes.title_label.font()
    assert title.bold() and QFontInfo(title).pixelSize() > bigger
    assert QFontInfo(w.banner.label.font()).pixelSize() == bigger
    key(qtbot, w, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not w.fit.presenting, timeout=60_000)
    assert QFontInfo(w.canvas_area.notes.description_label.font()).pixelSize() == body
    w.close()


def test_on_a_720_line_screen_the_inspector_fits_and_the_notes_come_back(qtbot):
    # at 1280×720 the docked inspector once did not fit even without the notes (the notes
    # stayed, and the window went off screen); with the smaller minimums of a short
    # screen it fits once the notes make way, and they come back when it closes
    screen = QRect(0, 0, 1280, 720)
    w = open_window(qtbot, screen, size=(1260, 660))
    w.menus.actions.lessons["spirals3"].trigger()
    qtbot.waitUntil(lambda: w.canvas_area.notes.isVisible(), timeout=60_000)
    key(qtbot, w, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: w.inspector_dock.isVisible(), timeout=60_000)
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(80)
    w.grab()
    assert inside(w.frameGeometry(), screen), (w.frameGeometry(), w.minimumSizeHint())
    key(qtbot, w, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: not w.inspector_dock.isVisible(), timeout=5000)
    assert w.canvas_area.notes.isVisible() and w.canvas_area.notes.description_label.isVisible()
    w.close()
