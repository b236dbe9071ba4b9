"""A presenter clicker through the real window (gui/clicker.py): PageDown / PageUp (and → / ←)
walk the inspector's phases while it is open and step while it is closed; B and "." play
and pause in presentation mode. Real key events to the widget that has the focus."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from .helpers import engine_value, open_window
from .test_keys import click_arrow, press

LONG = 60_000
K = Qt.Key


@pytest.fixture
def window(qtbot):
    w = open_window(qtbot)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=LONG)
    w.canvas.setFocus()
    yield w
    w.close()


def step_of(w) -> int:
    return w.latest.snapshot.step


def engine_step(qtbot, w) -> int:
    return engine_value(qtbot, w, lambda s: s.step_count)


def at(w, position: int, start_step: int | None = None) -> bool:
    st = w.inspector.state
    return (
        st is not None
        and st.n_phases > 0
        and st.position == position
        and (start_step is None or st.start_step == start_step)
    )


def check_shown(w, position: int, n: int) -> None:
    """The inspector shows phase ``position`` (after a real paint)."""
    w.grab()
    ins, st = w.inspector, w.inspector.state
    counter = ins.counter.text()
    if position < 0:
        assert st.phase is None
        assert ins.title.text() == f"Before step {st.start_step + 1}: the session as it was."
        assert "not started" in counter
        return
    assert st.phase is not None and st.phase.index == position
    assert ins.title.text() == st.phase.title
    assert ins.equation.text() == st.phase.equation
    assert f"phase {position + 1} of {n}" in counter
    assert st.names[position] in counter


def params(qtbot, w):
    return engine_value(qtbot, w, lambda s: [a.copy() for a in s.params.arrays()])


def test_page_down_walks_every_phase_then_page_up_back_then_finishes_the_step(window, qtbot):
    w = window
    reference = engine_value(qtbot, w, copy.deepcopy)  # the session before the walk
    press(qtbot, K.Key_I)
    qtbot.waitUntil(w.inspector_dock.isVisible, timeout=LONG)
    assert w.canvas.hasFocus()
    L = w.latest.snapshot.arch.depth  # 3: the 2-4-4-1 network
    n = 4 * L + 3  # batch, L forward, the likelihood, δ dW db per layer, the update
    kinds = []
    for i in range(n):
        press(qtbot, K.Key_PageDown)
        qtbot.waitUntil(lambda i=i: at(w, i, 0), timeout=LONG)
        check_shown(w, i, n)
        kinds.append(w.inspector.state.phase.kind)
        if i < n - 1:
            assert engine_step(qtbot, w) == 0  # parked at the start of the step
    assert w.inspector.state.n_phases == n
    assert kinds[0] == "batch" and kinds[-1] == "update"
    assert kinds.count("forward") == L and kinds.count("delta") == L
    # the update finished the step: one step, the same numbers as a fused one
    qtbot.waitUntil(lambda: step_of(w) == 1, timeout=LONG)
    assert engine_step(qtbot, w) == 1
    walked = params(qtbot, w)

    # PageUp goes back over every phase, the update first (undone), to before the batch
    for i in range(n - 2, -2, -1):
        press(qtbot, K.Key_PageUp)
        qtbot.waitUntil(lambda i=i: at(w, i, 0), timeout=LONG)
        check_shown(w, i, n)
    qtbot.waitUntil(lambda: step_of(w) == 0, timeout=LONG)
    assert engine_step(qtbot, w) == 0
    # one more PageUp: the walk stays at its start and says how to go further back
    press(qtbot, K.Key_PageUp)
    qtbot.waitUntil(lambda: "start of step 1" in w.inspector.note.text(), timeout=LONG)
    assert at(w, -1, 0) and engine_step(qtbot, w) == 0

    # PageDown only, to the end: the step is finished and counted once
    for i in range(n):
        press(qtbot, K.Key_PageDown)
        qtbot.waitUntil(lambda i=i: at(w, i, 0), timeout=LONG)
    check_shown(w, n - 1, n)
    qtbot.waitUntil(lambda: step_of(w) == 1, timeout=LONG)
    assert engine_step(qtbot, w) == 1
    reference.step(1)
    for a, b, c in zip(params(qtbot, w), walked, reference.params.arrays(), strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)

    # the next PageDown starts walking the next step; → and ← walk too
    press(qtbot, K.Key_PageDown)
    qtbot.waitUntil(lambda: at(w, 0, 1), timeout=LONG)
    check_shown(w, 0, n)
    press(qtbot, K.Key_Right)
    qtbot.waitUntil(lambda: at(w, 1, 1), timeout=LONG)
    press(qtbot, K.Key_Left)
    qtbot.waitUntil(lambda: at(w, 0, 1), timeout=LONG)
    assert engine_step(qtbot, w) == 1 and w.inspector_dock.isVisible()

    # with the inspector closed the clicker steps and rewinds whole steps again
    press(qtbot, K.Key_I)
    qtbot.waitUntil(lambda: not w.inspector_dock.isVisible(), timeout=LONG)
    press(qtbot, K.Key_PageDown)
    qtbot.waitUntil(lambda: step_of(w) == 2, timeout=LONG)
    press(qtbot, K.Key_PageDown)
    qtbot.waitUntil(lambda: step_of(w) == 3, timeout=LONG)
    press(qtbot, K.Key_PageUp)
    qtbot.waitUntil(lambda: step_of(w) == 2, timeout=LONG)
    w.grab()
    assert engine_step(qtbot, w) == 2


def test_a_fast_double_press_walks_two_phases(window, qtbot):
    """Presses queue in order: the second walks on even before the first one's reply."""
    w = window
    press(qtbot, K.Key_I)
    qtbot.waitUntil(w.inspector_dock.isVisible, timeout=LONG)
    press(qtbot, K.Key_PageUp)  # nothing walked yet: nothing to go back to, no rewind
    qtbot.waitUntil(lambda: "No step is being walked" in w.inspector.note.text(), timeout=LONG)
    assert w.inspector.state is None and engine_step(qtbot, w) == 0
    press(qtbot, K.Key_PageDown)
    press(qtbot, K.Key_PageDown)
    press(qtbot, K.Key_PageUp)
    press(qtbot, K.Key_PageDown)
    press(qtbot, K.Key_PageDown)
    qtbot.waitUntil(lambda: at(w, 2, 0), timeout=LONG)
    w.grab()
    assert engine_step(qtbot, w) == 0


def test_b_and_period_play_and_pause_in_presentation_mode_only(window, qtbot):
    w = window
    press(qtbot, K.Key_B)
    press(qtbot, K.Key_Period)
    QApplication.processEvents()
    assert not w.controller.running and not w.menus.actions.blank.isEnabled()
    press(qtbot, K.Key_F5)
    qtbot.waitUntil(lambda: w.fit.presenting, timeout=LONG)
    assert w.menus.actions.blank.isEnabled()
    w.canvas.setFocus()
    for k in (K.Key_B, K.Key_B, K.Key_Period, K.Key_Period):
        running = w.controller.running
        press(qtbot, k)
        qtbot.waitUntil(lambda r=running: w.controller.running is not r, timeout=LONG)
        w.grab()
        assert w.training_panel.play_button.isChecked() is w.controller.running
    assert not w.controller.running
    # a box that has the focus (its arrow clicked) but is not being typed into: "." is
    # still the clicker's, not a decimal point
    w.set_controls_open(True)
    spin = w.training_panel.batch_spin
    qtbot.waitUntil(spin.isVisible, timeout=LONG)
    before = spin.value()
    click_arrow(qtbot, spin)
    assert spin.hasFocus() and spin.value() == before + 1
    press(qtbot, K.Key_Period)
    qtbot.waitUntil(lambda: w.controller.running, timeout=LONG)
    assert spin.text() == str(before + 1)
    press(qtbot, K.Key_B)
    qtbot.waitUntil(lambda: not w.controller.running, timeout=LONG)
    # leaving presentation mode gives B and "." back
    w.canvas.setFocus()
    press(qtbot, K.Key_Escape)
    qtbot.waitUntil(lambda: not w.fit.presenting, timeout=LONG)
    assert not w.menus.actions.blank.isEnabled()
    press(qtbot, K.Key_B)
    press(qtbot, K.Key_Period)
    QApplication.processEvents()
    assert not w.controller.running
