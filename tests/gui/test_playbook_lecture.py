"""The built-in lecture given in the window with a clicker: PageDown alone walks every beat
of every scene (real key events to the focused widget, a paint after each), PageUp puts
θ, the random state and the history back bit for bit, F5 and Esc from a clicker never end
the lecture, and a change made by hand is a detour PageDown leaves."""

from __future__ import annotations

import json

import pytest
from backprop_lab.engine.playbook import load_builtin
from backprop_lab.engine.player import Player
from backprop_lab.engine.rehearse import theta_hash
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ..engine.playbook_support import tiny, tiny_dict
from .helpers import LONG, engine_value
from .lecture_helpers import (
    K,
    check_beat,
    open_lecture,
    press,
    script_digest,
    settle,
    shown,
    wait_shown,
)

CTRL = Qt.KeyboardModifier.ControlModifier


def test_page_down_alone_gives_the_whole_built_in_lecture(qtbot):
    w = open_lecture(qtbot)
    lec = w.lecture
    oracle = Player(load_builtin("week5"))
    assert w.fit.presenting
    wait_shown(qtbot, w, oracle)
    check_beat(w, oracle)
    seen = {(0, 0)}
    presses = 0
    while True:
        running = oracle.running
        if not oracle.next():
            break
        press(qtbot, K.Key_PageDown)
        presses += 1
        wait_shown(qtbot, w, oracle)
        check_beat(w, oracle)
        pos = oracle.position
        seen.add((pos.scene, pos.beat))
        if running or (oracle.beat.kind == "run" and not oracle.running):
            # a run's end: the engine's θ is the oracle's, to the last bit
            assert engine_value(qtbot, w, theta_hash) == theta_hash(oracle.session), pos
    book = oracle.book
    assert seen == {(s, b) for s, sc in enumerate(book.scenes) for b in range(len(sc.beats))}
    assert presses > sum(len(s.beats) for s in book.scenes)  # runs took a second press
    # the very end: PageDown changes nothing
    token = lec.state.token
    press(qtbot, K.Key_PageDown)
    settle(qtbot, 10)
    qtbot.waitUntil(lambda: lec.state.token != token, timeout=LONG)  # answered …
    assert lec.state.position == oracle.position  # … with nothing changed
    assert not lec.errors and w.fit.presenting
    w.close()


@pytest.mark.parametrize("beat", [(1, 2), (4, 1), (6, 2), (11, 1), (12, 2)])
def test_page_up_puts_every_bit_back(qtbot, beat):
    """At sampled beats (runs, a walk, a trace): PageUp after the beat is exactly its
    start: θ, the optimizer, the batch RNG, the curves, the timeline."""
    scene, b = beat
    w = open_lecture(qtbot, scene=scene)
    oracle = Player(load_builtin("week5"))
    oracle.goto(scene)
    wait_shown(qtbot, w, oracle)
    while oracle.position.beat < b - 1 or oracle.running:
        oracle.next()
        press(qtbot, K.Key_PageDown)
        wait_shown(qtbot, w, oracle)
    start = engine_value(qtbot, w, script_digest)  # the start of beat b (the one before done)
    oracle.next()
    press(qtbot, K.Key_PageDown)
    wait_shown(qtbot, w, oracle)
    if oracle.running:
        oracle.finish()
        press(qtbot, K.Key_PageDown)
        wait_shown(qtbot, w, oracle)
    end = engine_value(qtbot, w, script_digest)
    assert end == script_digest(oracle.session)
    press(qtbot, K.Key_PageUp)
    oracle.back()
    wait_shown(qtbot, w, oracle)
    check_beat(w, oracle)
    assert engine_value(qtbot, w, script_digest) == start == script_digest(oracle.session)
    # and PageDown plays it again to the same end
    oracle.next()
    press(qtbot, K.Key_PageDown)
    wait_shown(qtbot, w, oracle)
    if oracle.running:
        oracle.finish()
        press(qtbot, K.Key_PageDown)
        wait_shown(qtbot, w, oracle)
    assert engine_value(qtbot, w, script_digest) == end
    w.close()


def test_page_up_crosses_back_into_the_scene_before(qtbot):
    w = open_lecture(qtbot, scene=1)
    oracle = Player(load_builtin("week5"))
    oracle.goto(1)
    wait_shown(qtbot, w, oracle)
    for _ in range(2):
        oracle.back()
        press(qtbot, K.Key_PageUp)
        wait_shown(qtbot, w, oracle)
        check_beat(w, oracle)
    assert oracle.position.scene == 0
    assert engine_value(qtbot, w, script_digest) == script_digest(oracle.session)
    w.close()


def test_a_clicker_s_f5_and_esc_never_end_the_lecture(qtbot):
    w = open_lecture(qtbot)
    lec = w.lecture
    pos = lec.state.position
    for key in (K.Key_F5, K.Key_Escape, K.Key_F5, K.Key_Escape, K.Key_F5):
        press(qtbot, key)
        settle(qtbot)
        w.grab()
        assert w.fit.presenting and lec.active, key
        assert lec.state.position == pos
    assert "Esc again" in lec.view.strip.mark or "F5" in lec.view.strip.mark
    press(qtbot, K.Key_Escape)
    assert "Esc again" in lec.view.strip.mark
    press(qtbot, K.Key_Escape)  # two in a row: the lecturer means it
    qtbot.waitUntil(lambda: not w.fit.presenting, timeout=LONG)
    assert lec.active  # the lecture goes on in the window
    w.close()


def test_the_lecture_keys_listen_only_while_a_lecture_is_given(qtbot):
    w = open_lecture(qtbot)
    lec = w.lecture
    assert lec.keys.installed
    press(qtbot, K.Key_Escape)
    assert "Esc again" in lec.view.strip.mark  # the lecture's filter took it
    lec.end()
    assert not lec.keys.installed  # no lecture: no call for every event of the app
    lec.open("week5", 0, present=False)
    qtbot.waitUntil(lambda: lec.active, timeout=LONG)
    assert lec.keys.installed
    w.close()


def test_digits_and_enter_go_to_a_scene_and_pick_no_class(qtbot):
    w = open_lecture(qtbot)
    lec = w.lecture
    cls = w.canvas.current_class
    press(qtbot, K.Key_1)
    press(qtbot, K.Key_2)
    assert "scene 12" in lec.view.strip.mark
    press(qtbot, K.Key_Return)
    qtbot.waitUntil(lambda: lec.state.position.scene == 11, timeout=LONG)
    assert w.canvas.current_class == cls
    press(qtbot, K.Key_Home, CTRL)
    qtbot.waitUntil(lambda: lec.state.position.scene == 0, timeout=LONG)
    press(qtbot, K.Key_End, CTRL)
    qtbot.waitUntil(lambda: lec.state.position.scene == 13, timeout=LONG)
    oracle = Player(load_builtin("week5"))
    oracle.last()
    wait_shown(qtbot, w, oracle)
    assert engine_value(qtbot, w, script_digest) == script_digest(oracle.session)
    press(qtbot, K.Key_9)
    press(qtbot, K.Key_9)
    press(qtbot, K.Key_Return)  # there is no scene 99: said, nothing moves
    settle(qtbot, 5)
    assert lec.state.position.scene == 13
    assert "no scene 99" in w.statusBar().currentMessage()
    w.close()


def test_a_change_by_hand_is_a_detour_page_down_leaves_and_ctrl_z_brings_back(qtbot):
    w = open_lecture(qtbot, scene=1)
    lec = w.lecture
    oracle = Player(load_builtin("week5"))
    oracle.goto(1)
    wait_shown(qtbot, w, oracle)
    script = engine_value(qtbot, w, script_digest)
    press(qtbot, K.Key_Space)  # Play by hand
    qtbot.waitUntil(lambda: w.latest.snapshot.step > 20, timeout=LONG)
    press(qtbot, K.Key_Space)
    qtbot.waitUntil(lambda: lec.state.off_script, timeout=LONG)
    w.grab()
    assert "off script" in lec.view.strip.mark
    detour = engine_value(qtbot, w, script_digest)
    assert detour != script
    press(qtbot, K.Key_PageDown)  # back to the script, not on to the next beat
    qtbot.waitUntil(lambda: not lec.state.off_script, timeout=LONG)
    wait_shown(qtbot, w, oracle)
    assert engine_value(qtbot, w, script_digest) == script
    assert lec.state.has_detour and "off script" not in lec.view.strip.mark
    press(qtbot, K.Key_Z, CTRL)
    qtbot.waitUntil(lambda: lec.state.off_script, timeout=LONG)
    assert engine_value(qtbot, w, script_digest) == detour
    press(qtbot, K.Key_PageDown)
    qtbot.waitUntil(lambda: not lec.state.off_script, timeout=LONG)
    oracle.next()
    press(qtbot, K.Key_PageDown)  # and on with the script
    wait_shown(qtbot, w, oracle)
    check_beat(w, oracle)
    w.close()


def test_the_blank_key_blacks_the_screen_and_pauses_a_run(qtbot):
    w = open_lecture(qtbot, speed=20.0)
    lec = w.lecture
    for _ in range(2):  # the question, then the run
        press(qtbot, K.Key_PageDown)
    qtbot.waitUntil(lambda: lec.state.running and w.controller.running, timeout=LONG)
    press(qtbot, K.Key_B)
    qtbot.waitUntil(lambda: not w.controller.running, timeout=LONG)
    assert lec.view.black.isVisible()
    img = w.grab().toImage()
    assert img.pixelColor(img.width() // 2, img.height() // 2).name() == "#000000"
    step = w.latest.snapshot.step
    press(qtbot, K.Key_PageDown)  # the picture back, nothing skipped
    qtbot.waitUntil(lambda: w.controller.running, timeout=LONG)
    assert not lec.view.black.isVisible() and lec.state.running
    qtbot.waitUntil(lambda: w.latest.snapshot.step > step, timeout=LONG)
    w.close()


def test_shown_once_it_has_run_by_itself(qtbot):
    """A run left to play ends exactly where skipping it ends."""
    w = open_lecture(qtbot, speed=None, scene=9)  # α = 30: 500 steps at 50 a second
    w.lecture.run_speed_override = 2000.0
    oracle = Player(load_builtin("week5"))
    oracle.goto(9)
    for _ in range(2):
        oracle.next()
        press(qtbot, K.Key_PageDown)
    oracle.finish()
    qtbot.waitUntil(lambda: shown(w, oracle), timeout=LONG)
    assert engine_value(qtbot, w, script_digest) == script_digest(oracle.session)
    w.close()


def test_every_kind_of_beat_on_screen(qtbot, tmp_path):
    """A small playbook with a set, a note, walks, a trace, a pause, a compare and an open
    question, with PageDown alone: the screen follows each beat."""
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny_dict()), encoding="utf-8")
    w = open_lecture(qtbot, source=str(path), speed=None)
    w.lecture.menus.actions["notes"].trigger()  # the presenter's own window
    notes = w.lecture.menus.notes_window
    settle(qtbot)
    w.activateWindow()  # a window manager may give it the keys: the lecturer comes back
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=LONG)
    w.canvas.setFocus()
    oracle = Player(tiny())
    wait_shown(qtbot, w, oracle)
    shown = w.canvas_area.notes.shown
    assert shown.title == "One" and shown.description == "XOR, smaller steps"
    assert "say hello" in notes.view.toPlainText()
    assert "say hello" not in w.lecture.view.card.body.text()
    seen = set()
    while oracle.next():
        press(qtbot, K.Key_PageDown)
        if oracle.running:
            oracle.finish()
            press(qtbot, K.Key_PageDown)
        wait_shown(qtbot, w, oracle)
        check_beat(w, oracle)
        beat = oracle.beat
        seen.add(beat.kind)
        card = w.lecture.view.card.body.text()
        if beat.kind == "note":
            assert "mention α" in notes.view.toPlainText()  # for the presenter …
            assert "mention α" not in card  # … not for the room
        elif beat.kind == "set":
            assert w.training_panel.hyper().alpha == 0.05  # the panels show the change
            assert w.training_panel.hyper().optimizer == "momentum"
            assert "α: 0.5 →" in card
        elif beat.kind == "walk":
            assert w.inspector_dock.isVisible()
            assert w.canvas.highlighted == beat.point  # the point the step is walked on
        elif beat.kind == "trace":
            assert w.inspector.picked == beat.point and w.canvas.highlighted == beat.point
        elif beat.kind == "compare":
            assert "not available" in card
        elif beat.kind == "reveal" and oracle.position.scene == 2:
            assert "✓ four" in card  # an open question's answer in words
    assert seen == {"ask", "run", "reveal", "note", "set", "walk", "trace", "pause", "compare"}
    assert engine_value(qtbot, w, script_digest) == script_digest(oracle.session)
    # the presenter clicked into the notes window: the clicker still drives the lecture
    oracle.back()
    notes.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is notes, timeout=LONG)
    qtbot.keyClick(notes, K.Key_PageUp)
    wait_shown(qtbot, w, oracle)
    assert engine_value(qtbot, w, script_digest) == script_digest(oracle.session)
    assert not w.lecture.errors
    w.close()


def test_ending_the_lecture_gives_the_window_back(qtbot):
    w = open_lecture(qtbot, scene=2)  # the inspector's scenes: no plot column
    assert not w.plots.isVisible()
    press(qtbot, K.Key_PageDown)
    qtbot.waitUntil(lambda: w.lecture.state.walk is not None, timeout=LONG)
    w.lecture.end()
    settle(qtbot)
    w.grab()
    assert not w.lecture.active and w.plots.isVisible() and w.plots.held == frozenset()
    assert not w.lecture.view.strip_bar.isVisible() and not w.lecture.view.card.isVisible()
    assert not w.inspector_dock.isVisible()  # as before the lecture
    step = w.latest.snapshot.step
    press(qtbot, K.Key_PageDown)  # the clicker steps again: a whole step (the walk undone)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == step + 1, timeout=LONG)
    assert w.fit.presenting and not w.lecture.view.black.isVisible()
    w.close()


def test_undo_brings_the_run_before_back_and_page_down_the_lecture(qtbot):
    w = open_lecture(qtbot, scene=1)
    lec = w.lecture
    oracle = Player(load_builtin("week5"))
    oracle.goto(1)
    wait_shown(qtbot, w, oracle)
    lecture = engine_value(qtbot, w, script_digest)
    press(qtbot, K.Key_Z, CTRL)  # Edit → Undo: the run from before the lecture
    qtbot.waitUntil(lambda: lec.state.detached, timeout=LONG)
    w.grab()
    assert "another run on screen" in lec.view.strip.mark
    assert w.latest.snapshot.dataset.same_as(w.canvas.dataset)
    assert engine_value(qtbot, w, script_digest) != lecture
    press(qtbot, K.Key_PageDown)  # back to the lecture, where it was
    qtbot.waitUntil(lambda: not lec.state.detached, timeout=LONG)
    wait_shown(qtbot, w, oracle)
    check_beat(w, oracle)
    assert engine_value(qtbot, w, script_digest) == lecture
    assert "another run" not in lec.view.strip.mark
    oracle.next()
    press(qtbot, K.Key_PageDown)  # and on
    wait_shown(qtbot, w, oracle)
    check_beat(w, oracle)
    w.close()
