"""The lecture in presentation mode fits the screen, beat by beat: on a 1024×768 projector
every beat of the built-in playbook, on a 3840×2160 screen every scene's last beat. The
window stays inside the screen, the strip is at most 3 % of its height, the question card,
the canvas, the plots a scene shows and a docked inspector's controls are all on screen."""

from __future__ import annotations

import pytest
from backprop_lab.gui.playbook_widgets import STRIP_SHARE
from PySide6.QtCore import QPoint, QRect

from .helpers import LONG
from .lecture_helpers import K, open_lecture, press, settle
from .test_presentation import inside


def on_screen(w, part) -> bool:
    if not part.isVisible() or part.height() < 8:
        return False
    top_left = part.mapTo(w, QPoint(0, 0))
    return w.rect().contains(QRect(top_left, part.size()))


def check_fits(w, screen: QRect, what: str) -> None:
    w.grab()
    lec = w.lecture
    assert inside(w.frameGeometry(), screen), (what, w.frameGeometry())
    assert on_screen(w, w.menuBar()) and on_screen(w, w.statusBar()), what
    strip = lec.view.strip
    assert on_screen(w, strip), what
    assert strip.height() <= STRIP_SHARE * screen.height() + 0.5, (what, strip.height())
    card = lec.view.card
    if lec.state.view.question is not None or lec.state.view.caption:
        assert on_screen(w, card), what
    assert on_screen(w, w.canvas) and w.canvas.height() >= 100, (what, w.canvas.height())
    plots = w.plots
    for p in plots.all_plots:
        if p.isVisible():
            view = p.getPlotItem().vb.sceneBoundingRect()
            assert view.height() >= plots.min_view() - 1, (what, plots.names[p], view)
    if w.inspector_dock.isVisible():
        for part in (w.inspector.next_button, w.inspector.timeline):
            assert on_screen(w, part), (what, part.objectName())


def go_to_scene(qtbot, w, n: int) -> None:
    """Digits then Enter, as a keyboard beside the clicker sends them."""
    for digit in str(n):
        press(qtbot, getattr(K, f"Key_{digit}"))
    press(qtbot, K.Key_Return)
    qtbot.waitUntil(lambda: w.lecture.state.position.scene == n - 1, timeout=LONG)
    settle(qtbot)


def to_end_of_scene(qtbot, w, check) -> None:
    """PageDown through the scene, ``check()`` after every beat (a run skipped to its end)."""
    lec = w.lecture
    scene = lec.state.scene
    n = lec.state.beats[scene]
    while True:
        st = lec.state
        if st.beat == n - 1 and st.position.phase == "done":
            return
        token = st.token
        press(qtbot, K.Key_PageDown)
        qtbot.waitUntil(lambda t=token: lec.state.token != t, timeout=LONG)
        settle(qtbot)
        check()


def test_every_beat_fits_a_1024x768_projector(qtbot):
    screen = QRect(0, 0, 1024, 768)
    w = open_lecture(qtbot, screen)
    assert w.fit.presenting
    for scene in range(1, 15):
        if scene > 1:
            go_to_scene(qtbot, w, scene)
        check_fits(w, screen, f"scene {scene} start")

        def check(scene=scene):
            p = w.lecture.state.position
            check_fits(w, screen, f"scene {scene} beat {p.beat + 1} {p.phase}")

        to_end_of_scene(qtbot, w, check)
    w.close()


@pytest.mark.parametrize("scene", [1, 3, 6, 13])
def test_scenes_fit_a_3840x2160_screen(qtbot, scene):
    screen = QRect(0, 0, 3840, 2160)
    w = open_lecture(qtbot, screen, scene=scene - 1)
    assert w.font_scale > 2  # the back row's type on a large screen
    to_end_of_scene(qtbot, w, lambda: None)
    check_fits(w, screen, f"scene {scene} end")
    w.close()
