"""The data panel's controls show the data: Noise and Test share act on the points that
are there (a drawn stroke stays), undo brings the controls back with the points, and a
lesson, a CSV file or a drawing sets every control (Preset, Points, Noise, Test share).
Driven through the real window with real events."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from .helpers import LONG, engine_value, open_and_wait
from .test_canvas import drag
from .test_keys import press, window  # noqa: F401

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def draw_stroke(qtbot, w, y: float = 0.2) -> None:
    """A left-drag across the canvas in the Draw tool: several points, one undo step."""
    drag(qtbot, w.canvas, [(-4.0 + 0.2 * i, y) for i in range(41)])


def controls(w) -> tuple:
    dp = w.data_panel
    return (
        dp.preset_combo.currentText(),
        dp.points_spin.value(),
        dp.noise_slider.value(),
        dp.test_slider.value(),
        dp.classes_spin.value(),
    )


def engine_has(qtbot, w, ds) -> None:
    qtbot.waitUntil(lambda: w.latest.snapshot.dataset.same_as(ds), timeout=LONG)


def undo(qtbot, w, redo: bool = False) -> None:
    w.canvas.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT if redo else CTRL)


def test_points_follow_a_drawing_and_test_share_resplits_it(window, qtbot):  # noqa: F811
    w, dp = window, window.data_panel
    n = len(w.canvas.dataset)
    assert dp.points_spin.value() == n
    draw_stroke(qtbot, w)
    drawn = w.canvas.dataset
    k = len(drawn) - n
    assert k >= 5 and dp.points_spin.value() == len(drawn)  # "Points" counts them
    assert dp.preset_combo.currentText() == "XOR"
    shown = controls(w)

    share = dp.test_slider.value()
    assert share == round(100 * drawn.test_share) < 20  # the drawn points are training points
    dp.test_slider.setFocus()
    press(qtbot, Qt.Key.Key_Up)  # 5 % more: the points that are there are split anew
    split = w.canvas.dataset
    assert len(split) == len(drawn)
    assert np.array_equal(split.points, drawn.points)  # the drawing stays, nothing moves
    assert dp.test_slider.value() == round(100 * split.test_share)
    assert abs(split.test_share - (share + 5) / 100) < 0.005
    assert split.is_test[n:].any()  # drawn points are split too
    assert split.n_test > drawn.n_test
    engine_has(qtbot, w, split)
    assert w.canvas.undo_action.text().startswith("Undo test share")

    undo(qtbot, w)  # the split and the slider come back together
    assert w.canvas.dataset is drawn
    assert controls(w) == shown
    engine_has(qtbot, w, drawn)
    w.grab()


def test_noise_moves_every_point_and_comes_back_exactly(window, qtbot):  # noqa: F811
    w, dp = window, window.data_panel
    draw_stroke(qtbot, w)
    drawn = w.canvas.dataset
    stroke = drawn.points[-3:].copy()
    dp.noise_slider.setFocus()
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Up)
    noisy = w.canvas.dataset
    assert dp.noise_slider.value() == 3 and noisy.noise_level == 0.03
    assert len(noisy) == len(drawn)  # the stroke is still there, moved with the rest
    assert not np.array_equal(noisy.points[-3:], stroke)
    assert np.array_equal(noisy.y, drawn.y) and np.array_equal(noisy.is_test, drawn.is_test)
    engine_has(qtbot, w, noisy)
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Down)
    np.testing.assert_allclose(w.canvas.dataset.points, drawn.points, atol=1e-12)
    for _ in range(3):
        undo(qtbot, w)
    assert w.canvas.dataset is noisy and dp.noise_slider.value() == 3
    undo(qtbot, w)
    undo(qtbot, w)
    undo(qtbot, w)
    assert w.canvas.dataset is drawn and dp.noise_slider.value() == 0
    w.grab()


def test_after_undoing_a_preset_the_box_shows_the_data_and_noise_acts_on_it(window, qtbot):  # noqa: F811
    w, dp = window, window.data_panel
    xor = w.canvas.dataset
    dp.preset_combo.setCurrentIndex(dp.preset_combo.findData("spirals"))
    qtbot.waitUntil(lambda: w.latest.snapshot.dataset.n_classes == 3, timeout=LONG)
    assert dp.preset_combo.currentText() == "Spirals"
    undo(qtbot, w)
    assert w.canvas.dataset is xor
    assert dp.preset_combo.currentText() == "XOR"
    assert dp.classes_spin.value() == 2 and not dp.classes_spin.isEnabled()
    dp.noise_slider.setFocus()
    press(qtbot, Qt.Key.Key_Up)
    moved = w.canvas.dataset
    assert moved.n_classes == 2 and len(moved) == len(xor)  # XOR, re-noised: no spirals
    np.testing.assert_allclose(moved.with_noise(0.0).points, xor.points, atol=1e-12)
    engine_has(qtbot, w, moved)


def test_a_lesson_sets_every_control(window, qtbot):  # noqa: F811
    w, dp = window, window.data_panel
    dp.noise_slider.setFocus()
    press(qtbot, Qt.Key.Key_Up)
    assert open_and_wait(qtbot, w, "deep_sigmoid")
    ds = w.canvas.dataset
    assert dp.preset_combo.currentText() == "From the lesson"
    assert dp.points_spin.value() == len(ds)
    assert dp.noise_slider.value() == 0  # the lesson's points, as they are
    assert dp.test_slider.value() == round(100 * ds.test_share)
    assert not dp.points_spin.isEnabled()  # a lesson's points are not a preset's
    undo(qtbot, w)
    assert dp.preset_combo.currentText() == "XOR" and dp.noise_slider.value() == 1


def test_a_csv_import_shows_its_split_and_test_share_splits_it(window, qtbot, tmp_path):  # noqa: F811
    w, dp = window, window.data_panel
    path = tmp_path / "pts.csv"
    rows = ["x1,x2,label"] + [f"{x},{x / 2},{'inner' if x < 0 else 'outer'}" for x in range(-5, 5)]
    path.write_text("\n".join(rows) + "\n")
    assert w.import_csv(path)
    assert dp.preset_combo.currentText() == "From the CSV file"
    assert dp.test_slider.value() == 0 and dp.test_label.text() == "0 %"
    assert dp.points_spin.value() == 10
    dp.test_slider.setFocus()
    press(qtbot, Qt.Key.Key_Up)  # 5 % of 10 points rounds to none: one test point then
    assert w.canvas.dataset.n_test == 1 and dp.test_slider.value() == 10
    press(qtbot, Qt.Key.Key_Up)  # 15 %
    ds = w.canvas.dataset
    assert ds.n_test == 2 and dp.test_slider.value() == 20
    assert engine_value(qtbot, w, lambda s: s.dataset.n_test) == 2
    assert ds.class_names == ("inner", "outer")  # the names are still there


def test_csv_class_names_show_in_the_key_and_picker_and_go_into_exports(
    window,  # noqa: F811
    qtbot,
    tmp_path,
):
    w = window
    path = tmp_path / "named.csv"
    rows = ["x1,x2,label"]
    for i, a in enumerate(np.linspace(0, 6, 30)):
        rows.append(
            f"{3 * np.cos(a):.3f},{3 * np.sin(a):.3f},{('inner', 'outer', 'corner')[i % 3]}"
        )
    path.write_text("\n".join(rows) + "\n")
    assert w.import_csv(path)
    qtbot.waitUntil(lambda: w.latest.snapshot.dataset.class_names != (), timeout=LONG)
    assert [w.canvas_area.legend.class_label(k) for k in range(3)] == ["inner", "outer", "corner"]
    assert w.canvas_area.toolbar.class_combo.itemText(2) == "3  corner"
    w.grab()
    # a point drawn with the picker's class 2 ("outer") keeps the names
    w.canvas.setFocus()
    press(qtbot, Qt.Key.Key_2)
    drag(qtbot, w.canvas, [(0.0, 0.5), (0.05, 0.5)])
    assert w.canvas.dataset.class_names == ("inner", "outer", "corner")
    out = tmp_path / "points.csv"
    assert w.export_menu.points_csv(out)
    text = out.read_text()
    assert ",outer,train" in text and ",1,train" not in text
    lesson = tmp_path / "named.json"
    w.save_lesson(lesson)
    qtbot.waitUntil(lambda: lesson.exists(), timeout=LONG)
    w.canvas.setFocus()
    press(qtbot, Qt.Key.Key_R)  # another run, so the reopened lesson is a change
    assert open_and_wait(qtbot, w, str(lesson))
    assert w.canvas.dataset.class_names == ("inner", "outer", "corner")
    assert w.canvas_area.legend.class_label(1) == "outer"
