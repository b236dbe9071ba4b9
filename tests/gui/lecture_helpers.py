"""What the lecture tests share: a window on a fake screen giving the built-in playbook,
real key presses to the widget that has the focus, and waits on the lecture's state."""

from __future__ import annotations

import html

from backprop_lab.engine.player import Player
from backprop_lab.gui.main_window import MainWindow
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from ..engine.playbook_support import state_digest
from .helpers import LONG

K = Qt.Key
SLOW = 1.0  # steps per second: a run beat stays running until PageDown skips it


def script_digest(s) -> str:
    """Everything a beat's start restores (tests/engine/playbook_support.state_digest: θ,
    the optimizer, the batch RNG, the counters, the design, the points, the history, the
    timeline) but the latest metrics: the window's engine thread measures those afresh
    to show them (the same figures, of the step on screen)."""
    last = s.last
    s.last = None
    try:
        return state_digest(s)
    finally:
        s.last = last


def settle(qtbot, turns: int = 3) -> None:
    for _ in range(turns):
        QApplication.processEvents()
        qtbot.wait(5)


def open_lecture(
    qtbot,
    screen: QRect | None = None,
    source: str = "week5",
    present: bool = True,
    scene: int = 0,
    speed: float | None = SLOW,
) -> MainWindow:
    """The window as the app opens it on ``screen`` (1024×768), giving ``source``."""
    screen = QRect(0, 0, 1024, 768) if screen is None else screen
    w = MainWindow(preset="xor")
    qtbot.addWidget(w)
    w.fit.override = QRect(screen)
    w.fit_on_show = True
    w.resize(w.default_size())
    w.move(screen.topLeft())
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=LONG)
    w.lecture.run_speed_override = speed
    w.lecture.open(source, scene, present=present)
    qtbot.waitUntil(lambda: w.lecture.last_open_ok is not None, timeout=LONG)
    assert w.lecture.last_open_ok, w.banner.label.text() if hasattr(w.banner, "label") else ""
    qtbot.waitUntil(lambda: w.lecture.state is not None, timeout=LONG)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=LONG)
    w.canvas.setFocus()
    settle(qtbot)
    return w


def press(qtbot, key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    """A key as a clicker or a keyboard sends it: to the widget that has the focus."""
    focus = QApplication.focusWidget()
    assert focus is not None, "no widget has the focus"
    qtbot.keyClick(focus, key, mods)


def shown(w, oracle: Player) -> bool:
    """The window shows the oracle's beat (and, once it ended, its step)."""
    st = w.lecture.state
    if st is None or st.position != oracle.position or w.latest is None:
        return False
    if st.token != w.lecture.view.state.token:
        return False
    step = w.latest.snapshot.step
    if oracle.running:
        return step >= oracle.session.step_count
    return step == oracle.session.step_count


def wait_shown(qtbot, w, oracle: Player) -> None:
    qtbot.waitUntil(lambda: shown(w, oracle), timeout=LONG)
    settle(qtbot, 1)


def check_beat(w, oracle: Player) -> None:
    """What the screen shows is what the oracle's beat asks for (after a real paint)."""
    w.grab()
    view = oracle.view
    lv = w.lecture.view
    assert lv.hidden == view.hidden, (oracle.position, lv.hidden, view.hidden)
    card = lv.card
    text = card.body.text()
    if view.question is not None:
        assert card.isVisible()
        assert html.escape(view.question.question) in text
        assert ("✓" in text) == view.answer_shown, oracle.position
    else:
        assert "✓" not in text
    if view.caption:
        assert card.isVisible() and html.escape(view.caption).split("<br>")[0][:40] in text
    ds = w.latest.snapshot.dataset
    if ds.task == "classification" and ds.input_dim == 2:
        assert w.canvas.image.isVisible() == ("regions" not in view.hidden), oracle.position
    if "numbers" in view.hidden:
        assert "loss –" in w.heads_up.text() or not w.heads_up.isVisible()
        assert "loss train –" in w.status_label.text()
    elif w.heads_up.isVisible():
        assert "loss –" not in w.heads_up.text()
    plots = w.plots
    for name, curve in (("loss", plots.train_loss), ("accuracy", plots.train_acc)):
        if name in view.hidden:
            x, _y = curve.getData()
            assert x is None or len(x) == 0, (oracle.position, name)
    scene = oracle.scene
    assert scene.title in w.lecture.view.strip.text
    assert f"beat {oracle.position.beat + 1}/{len(scene.beats)}" in w.lecture.view.strip.text
    if view.walk is not None:
        st = w.inspector.state
        assert st is not None and st.position == view.walk.position
    assert QApplication.activeModalWidget() is None  # nothing needs the mouse
