"""The docked inspector on short screens (1280×720, 1024×768): with the inspector opened
by its key, the window stays inside the screen and the rewind bar and the status bar
stay visible inside it, in the normal window and in presentation mode."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget

from tests.gui.test_presentation import inside, key, open_window


def shown_inside(w, part: QWidget) -> bool:
    """Visible, of some height, and wholly inside the window's client area."""
    if not part.isVisible() or part.height() < 10:
        return False
    top_left = part.mapTo(w, QPoint(0, 0))
    return w.rect().contains(QRect(top_left, part.size()))


def settle(qtbot) -> None:
    for _ in range(6):  # the dock's sizing runs on later turns of the event loop
        QApplication.processEvents()
        qtbot.wait(80)


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize("width,height", [(1280, 720), (1024, 768)])
def test_the_docked_inspector_keeps_the_window_and_its_bars_on_screen(
    qtbot, width, height, present
):
    screen = QRect(0, 0, width, height)
    w = open_window(qtbot, screen, size=(width - 20, height - 60))
    w.menus.actions.lessons["xor"].trigger()  # a lesson: its notes above the canvas too
    qtbot.waitUntil(lambda: w.canvas_area.notes.isVisible(), timeout=60_000)
    if present:
        key(qtbot, w, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: w.frameGeometry() == screen, timeout=60_000)
    key(qtbot, w, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: w.inspector_dock.isVisible(), timeout=60_000)
    settle(qtbot)
    w.grab()  # a real paint at this size
    assert not w.inspector_dock.isFloating()
    assert inside(w.frameGeometry(), screen), (w.frameGeometry(), w.minimumSizeHint())
    insp = w.inspector
    assert shown_inside(w, w.statusBar()), w.statusBar().geometry()
    assert shown_inside(w, insp.timeline), insp.timeline.mapTo(w, QPoint(0, 0))
    # usable without scrolling: the phase buttons, the phase strip and the diagram
    for part in (insp.next_button, insp.prev_button, insp.finish_button, insp.title):
        assert shown_inside(w, part), part.objectName()
    assert insp.diagram.height() >= 100
    # the canvas and the curves keep a readable size beside it
    assert w.canvas.height() >= 150
    for p in w.plots.all_plots:
        if p.isVisible():
            assert p.height() >= 80, p.height()
    # the inspector works there: a phase steps
    qtbot.mouseClick(insp.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: insp.state is not None and insp.state.position >= 0, timeout=60_000)
    w.grab()
    assert inside(w.frameGeometry(), screen)
    # closed again: the usual smallest sizes come back
    key(qtbot, w, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: not w.inspector_dock.isVisible(), timeout=60_000)
    settle(qtbot)
    assert insp.diagram.minimumHeight() == 200
    assert inside(w.frameGeometry(), screen)
    assert w.canvas_area.notes.isVisible()
    w.close()
