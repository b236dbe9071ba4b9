"""α: typed into its box, a slider that stops at round values (marks at 1, 2, 5), one stop
per wheel notch, and the slider's keys only while it is being adjusted (gui/training_panel.py,
gui/keys.py). Real clicks, keys and wheel notches, with real focus."""

from __future__ import annotations

import math

import pytest
from backprop_lab.engine import HyperParameters
from backprop_lab.gui.training_panel import (
    ALPHA_TOP_TICK,
    BAD_TEXT,
    alpha_from_tick,
    format_alpha,
    parse_alpha,
    tick_from_alpha,
)
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QToolTip

from .helpers import open_window
from .test_keys import click_text, press, type_text, wheel

LONG = 60_000
K = Qt.Key
LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


# --- the scale and the parser, without a window --------------------------------------------
def test_the_slider_stops_at_round_values_a_tenth_of_a_decade_apart():
    stops = [alpha_from_tick(t) for t in range(ALPHA_TOP_TICK + 1)]
    assert stops[0] == 1e-5 and stops[-1] == 10.0
    assert alpha_from_tick(37) == 0.05 and alpha_from_tick(40) == 0.1
    assert alpha_from_tick(47) == 0.5 and alpha_from_tick(30) == 0.01
    for t, a in enumerate(stops):
        assert float(f"{a:.2g}") == a, a  # round: two significant digits at most
        assert tick_from_alpha(a) == t
    ratios = [math.log10(b / a) for a, b in zip(stops, stops[1:], strict=False)]
    assert min(ratios) > 0.07 and max(ratios) < 0.13  # one stop: about 0.1 of a decade
    assert tick_from_alpha(1e-9) == 0 and tick_from_alpha(1e9) == ALPHA_TOP_TICK
    assert alpha_from_tick(tick_from_alpha(0.07)) == 0.08  # the nearest stop on a log scale


@pytest.mark.parametrize(
    ("text", "alpha"),
    [
        ("0.05", 0.05),
        ("5e-2", 0.05),
        ("5E-2", 0.05),
        ("0,05", 0.05),
        (" .05 ", 0.05),
        ("1e−3", 0.001),  # a typographic minus
        ("1000", 1000.0),
        ("3", 3.0),
    ],
)
def test_alpha_is_read_as_typed(text, alpha):
    assert parse_alpha(text) == alpha


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "type a learning rate"),
        ("abc", "is not a number"),
        ("0,0,5", "is not a number"),
        ("5e-", "is not a number"),
        ("0", "greater than 0"),
        ("-0.1", "greater than 0"),
        ("nan", "greater than 0"),
        ("inf", "greater than 0"),
        ("2000", "at most 1000"),
    ],
)
def test_bad_alpha_gets_a_short_message(text, says):
    with pytest.raises(ValueError, match=says) as info:
        parse_alpha(text)
    assert len(str(info.value)) < 70


@given(st.floats(min_value=1e-8, max_value=1000.0, allow_nan=False))
def test_alpha_survives_the_box_and_a_decimal_comma(a):
    assert parse_alpha(repr(a)) == a
    shown = format_alpha(a)
    assert parse_alpha(shown) == float(shown)
    assert math.isclose(float(shown), a, rel_tol=1e-5)
    assert parse_alpha(shown.replace(".", ",")) == float(shown)


# --- in the window ---------------------------------------------------------------------------
@pytest.fixture
def window(qtbot):
    w = open_window(qtbot)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=LONG)
    w.canvas.setFocus()
    yield w
    w.close()


def engine_alpha(w) -> float:
    return w.latest.snapshot.hyper.alpha


def type_alpha(qtbot, w, text: str) -> None:
    box = w.training_panel.alpha_box
    click_text(qtbot, box)
    assert w.keys.editing is box
    press(qtbot, K.Key_A, CTRL)
    type_text(qtbot, text)


def click_handle(qtbot, slider) -> None:
    """A click on the slider's handle: the focus, no change of value."""
    x = slider.tick_x(slider.value())
    qtbot.mouseClick(slider, LEFT, pos=QPoint(x, slider.height() // 2 - 1))


def test_typed_alpha_is_exact_and_enter_hands_the_keys_back(window, qtbot):
    w, tp = window, window.training_panel
    for text, alpha, shown in (("5e-2", 0.05, "0.05"), ("0,07", 0.07, "0.07")):
        type_alpha(qtbot, w, text)
        press(qtbot, K.Key_Return)
        qtbot.waitUntil(lambda a=alpha: engine_alpha(w) == a, timeout=LONG)  # exactly
        assert w.canvas.hasFocus() and w.keys.editing is None
        assert tp.alpha_box.text() == shown and tp.alpha == alpha
        assert tp.alpha_slider.value() == tick_from_alpha(alpha)
        w.grab()
    assert alpha_from_tick(tp.alpha_slider.value()) == 0.08  # 0.07 rests on the nearest stop
    press(qtbot, K.Key_2)  # a class key again
    assert w.canvas.current_class == 1


def test_bad_alpha_says_why_changes_nothing_and_keeps_the_box(window, qtbot):
    w, tp = window, window.training_panel
    before = engine_alpha(w)
    shown = tp.alpha_box.text()
    type_alpha(qtbot, w, "abc")
    press(qtbot, K.Key_Return)
    assert tp.alpha_box.hasFocus() and w.keys.editing is tp.alpha_box  # to correct it
    message = w.statusBar().currentMessage()
    assert "α unchanged" in message and "“abc” is not a number" in message
    assert QToolTip.text() == message  # beside the box too
    w.grab()
    assert tp.alpha_box.palette().color(QPalette.ColorRole.Text).name() == BAD_TEXT.lower()
    press(qtbot, K.Key_Escape)  # gives up: the old value is back
    assert tp.alpha_box.text() == shown and w.canvas.hasFocus()
    assert tp.alpha_box.palette().color(QPalette.ColorRole.Text).name() != BAD_TEXT.lower()
    # letters a number cannot use are the app's while typing; E is the box's (5e-1)
    type_alpha(qtbot, w, "5e-1")
    press(qtbot, K.Key_I)
    qtbot.waitUntil(w.inspector_dock.isVisible, timeout=LONG)
    assert tp.alpha_box.text() == "5e-1"
    press(qtbot, K.Key_I)
    qtbot.waitUntil(lambda: not w.inspector_dock.isVisible(), timeout=LONG)
    # a click elsewhere commits a valid α, and puts back an invalid one
    qtbot.mouseClick(tp.step_button, LEFT)
    qtbot.waitUntil(lambda: engine_alpha(w) == 0.5 and w.latest.snapshot.step == 1, timeout=LONG)
    type_alpha(qtbot, w, "0")
    qtbot.mouseClick(tp.step_button, LEFT)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 2, timeout=LONG)
    assert tp.alpha_box.text() == "0.5" and engine_alpha(w) == 0.5
    assert "greater than 0" in w.statusBar().currentMessage()
    w.grab()
    assert before != 0.5


def test_a_lessons_alpha_shows_as_it_is_and_one_wheel_notch_is_one_stop(window, qtbot):
    w, tp = window, window.training_panel
    tp.set_hyper(HyperParameters(alpha=0.05))  # as a lesson sets it
    assert tp.alpha_box.text() == "0.05" and tp.alpha == 0.05
    slider = tp.alpha_slider
    assert alpha_from_tick(slider.value()) == 0.05
    click_handle(qtbot, slider)
    assert slider.hasFocus() and tp.alpha == 0.05 and w.keys.adjusting is slider
    wheel(slider, 1)
    assert tp.alpha == 0.06 and tp.alpha_box.text() == "0.06"
    qtbot.waitUntil(lambda: engine_alpha(w) == 0.06, timeout=LONG)
    wheel(slider, -1)
    assert tp.alpha == 0.05
    qtbot.waitUntil(lambda: engine_alpha(w) == 0.05, timeout=LONG)
    wheel(slider, 3)
    assert tp.alpha == 0.1  # three notches: 0.06, 0.08, 0.1
    w.grab()


def test_a_slider_keeps_its_keys_only_while_it_is_being_adjusted(window, qtbot):
    w, tp = window, window.training_panel
    slider = tp.alpha_slider
    qtbot.mouseClick(tp.step10_button, LEFT)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 10, timeout=LONG)
    start = tp.alpha
    click_handle(qtbot, slider)
    assert w.keys.adjusting is slider and tp.alpha == start
    press(qtbot, K.Key_Left)  # one stop down, not a rewind
    assert tp.alpha == alpha_from_tick(tick_from_alpha(start) - 1)
    press(qtbot, K.Key_Home)  # the bottom of the scale, not "reset the canvas view"
    assert tp.alpha == 1e-5
    press(qtbot, K.Key_End)
    assert tp.alpha == 10.0
    press(qtbot, K.Key_PageUp)  # the clicker's: back one step, α stays
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 9, timeout=LONG)
    assert tp.alpha == 10.0 and w.keys.adjusting is slider
    press(qtbot, K.Key_Escape)  # puts α back as it was before the click
    assert tp.alpha == start and w.canvas.hasFocus() and w.keys.adjusting is None
    qtbot.waitUntil(lambda: engine_alpha(w) == start, timeout=LONG)
    assert w.latest.snapshot.step == 9
    # focused but not being adjusted (given the focus by the program): the window's keys
    slider.setFocus(Qt.FocusReason.OtherFocusReason)
    press(qtbot, K.Key_Left)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 8, timeout=LONG)
    assert tp.alpha == start
    # Enter ends adjusting and keeps the new value
    click_handle(qtbot, slider)
    press(qtbot, K.Key_Right)
    press(qtbot, K.Key_Return)
    assert w.canvas.hasFocus() and w.keys.adjusting is None
    assert tp.alpha == alpha_from_tick(tick_from_alpha(start) + 1)
    w.grab()


def test_the_slider_draws_its_marks_at_1_2_5(window, qtbot):
    slider = window.training_panel.alpha_slider
    marks = slider.mark_ticks()
    assert [alpha_from_tick(t) for t, _ in marks[:4]] == [1e-5, 2e-5, 5e-5, 1e-4]
    assert len(marks) == 3 * 6 + 1
    image = slider.grab().toImage()
    y = slider.height() - 2
    background = image.pixelColor(2, 1).lightness()
    for tick, _length in marks[1:-1]:
        x = slider.tick_x(tick)
        if abs(x - slider.tick_x(slider.value())) < 12:
            continue  # under the handle
        assert image.pixelColor(x, y).lightness() < background - 20, (tick, x)
    # between two marks, nothing drawn
    x = (slider.tick_x(31) + slider.tick_x(32)) // 2
    assert abs(image.pixelColor(x, y).lightness() - background) < 10
