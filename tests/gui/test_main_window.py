"""The main window, driven through its real widgets (offscreen), against the engine thread."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.gui.main_window import MainWindow
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication

from .helpers import LONG, click, engine_value, step_of


def test_opens_on_the_preset_ready_to_train(window):
    snap = window.latest.snapshot
    assert snap.step == 0
    assert len(snap.dataset) > 0
    assert snap.arch.widths == (2, 4, 4, 1)
    assert "W⁽¹⁾ 4×2, W⁽²⁾ 4×4, W⁽³⁾ 1×4" in window.network_panel.shapes_label.text()
    assert window.canvas.image.isVisible()


def test_width_spin_box_rebuilds_the_network(window, qtbot):
    spin = window.network_panel.width_spins[0]
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.widths == (2, 5, 4, 1), timeout=LONG)
    assert [w.shape for w in window.latest.snapshot.params.W] == [(5, 2), (4, 5), (1, 4)]
    assert "W⁽¹⁾ 5×2" in window.network_panel.shapes_label.text()
    click(qtbot, window.network_panel.add_button)
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.widths == (2, 5, 4, 4, 1), timeout=LONG)
    click(qtbot, window.network_panel.remove_button)
    click(qtbot, window.network_panel.remove_button)
    click(qtbot, window.network_panel.remove_button)
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.widths == (2, 1), timeout=LONG)
    assert not window.network_panel.remove_button.isEnabled()  # 0 hidden layers is the floor


def test_per_layer_activations_and_init_survive_panel_edits(window, qtbot, tmp_path):
    """A lesson with a different activation per layer (and its own initialisation) is
    not flattened by the next edit in the network panel; choosing an activation there
    applies it to every layer."""
    from backprop_lab.engine import (
        HyperParameters,
        NetworkSpec,
        TrainingSession,
        make_preset,
        save_scenario,
        scenario_from_session,
    )

    spec = NetworkSpec(hidden=(4, 3), activations=("relu", "tanh"), init="he")
    session = TrainingSession(make_preset("xor"), spec, HyperParameters(), seed=2)
    path = tmp_path / "mixed.json"
    save_scenario(path, scenario_from_session(session))
    assert window.open_lesson(path)
    qtbot.waitUntil(lambda: window.latest.snapshot.spec == spec, timeout=LONG)

    panel = window.network_panel
    spin = panel.width_spins[0]
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_Up)  # a width edit
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.widths == (2, 5, 3, 1), timeout=LONG)
    snap = window.latest.snapshot
    assert snap.spec.activations == ("relu", "tanh") and snap.spec.init == "he"
    assert snap.arch.activations == ("relu", "tanh")
    click(qtbot, panel.feature_boxes["x1*x2"])  # an input edit
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.widths[0] == 3, timeout=LONG)
    assert window.latest.snapshot.spec.activations == ("relu", "tanh")
    click(qtbot, panel.add_button)  # a new layer takes the panel's activation
    qtbot.waitUntil(lambda: len(window.latest.snapshot.spec.hidden) == 3, timeout=LONG)
    snap = window.latest.snapshot
    assert snap.spec.activations == ("relu", "tanh", panel.activation_combo.currentData())
    assert snap.spec.init == "he"
    window.grab()

    combo = panel.activation_combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # choose another activation: all layers take it
    chosen = combo.currentData()
    qtbot.waitUntil(lambda: window.latest.snapshot.spec.activations == (chosen,) * 3, timeout=LONG)


def test_width_spin_box_cannot_go_to_zero(window, qtbot):
    spin = window.network_panel.width_spins[0]
    spin.setFocus()
    for _ in range(6):
        qtbot.keyClick(spin, Qt.Key.Key_Down)
    assert spin.value() == 1
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.widths == (2, 1, 4, 1), timeout=LONG)


def test_feature_checkbox_changes_the_input_width(window, qtbot):
    click(qtbot, window.network_panel.feature_boxes["x1*x2"])
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.widths[0] == 3, timeout=LONG)
    assert window.latest.snapshot.spec.features == ("x1", "x2", "x1*x2")


def test_step_button_advances_exactly_one_step(window, qtbot):
    click(qtbot, window.training_panel.step_button)
    qtbot.waitUntil(lambda: step_of(window) == 1, timeout=LONG)
    qtbot.wait(150)
    assert step_of(window) == 1
    assert window.controller.worker.steps_run == 1
    click(qtbot, window.training_panel.step10_button)
    qtbot.waitUntil(lambda: step_of(window) == 11, timeout=LONG)
    qtbot.wait(150)
    assert window.controller.worker.steps_run == 11


def test_keyboard_step_and_clicker_page_down(window, qtbot):
    window.canvas.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: step_of(window) == 1, timeout=LONG)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: step_of(window) == 11, timeout=LONG)


def test_clicker_page_up_goes_back_one_step_with_the_same_numbers(window, qtbot):
    window.canvas.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: step_of(window) == 10, timeout=LONG)
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: step_of(window) == 9, timeout=LONG)
    w9 = [w.copy() for w in window.latest.snapshot.params.W]
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: step_of(window) == 10, timeout=LONG)
    w10 = [w.copy() for w in window.latest.snapshot.params.W]
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: step_of(window) == 9, timeout=LONG)
    for a, b in zip(w9, window.latest.snapshot.params.W, strict=True):
        np.testing.assert_array_equal(a, b)
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: step_of(window) == 10, timeout=LONG)
    for a, b in zip(w10, window.latest.snapshot.params.W, strict=True):
        np.testing.assert_array_equal(a, b)  # the same step again, the same numbers


def test_play_learns_xor_and_updates_image_and_delta_plot(window, qtbot):
    first = window.latest
    image0 = np.array(window.canvas.image.image, copy=True)
    loss0 = first.snapshot.last.train_loss
    click(qtbot, window.training_panel.play_button)
    qtbot.waitUntil(lambda: window.controller.running, timeout=LONG)
    qtbot.waitUntil(lambda: window.latest.snapshot.last.train_acc > 0.95, timeout=LONG)
    click(qtbot, window.training_panel.play_button)  # pause
    qtbot.waitUntil(lambda: not window.controller.running, timeout=LONG)
    qtbot.waitUntil(lambda: not window.latest.running, timeout=LONG)
    snap = window.latest.snapshot
    assert snap.last.train_loss < loss0
    assert not np.array_equal(window.canvas.image.image, image0)
    xs, ys = window.plots.delta_curves[0].getData()
    assert len(window.plots.delta_curves) == 3  # one curve per layer
    assert xs is not None and len(xs) > 1
    assert np.count_nonzero(np.isfinite(ys)) > 1  # (log-mode data: log10 of mean |δ|)
    assert "step" in window.status_label.text() and "accuracy" in window.status_label.text()


def test_pause_stops_the_step_counter(window, qtbot):
    click(qtbot, window.training_panel.play_button)
    qtbot.waitUntil(lambda: step_of(window) > 20, timeout=LONG)
    click(qtbot, window.training_panel.play_button)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=LONG)
    qtbot.waitUntil(lambda: not window.latest.running, timeout=LONG)
    s = step_of(window)
    qtbot.wait(300)
    assert step_of(window) == s
    assert window.controller.worker.steps_run == s


def test_space_toggles_play(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.controller.running, timeout=LONG)
    assert window.training_panel.play_button.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=LONG)


def test_closing_while_training_stops_the_thread(qtbot):
    w = MainWindow(preset="xor")
    qtbot.addWidget(w)
    w.show()
    click(qtbot, w.training_panel.play_button)
    qtbot.waitUntil(lambda: w.controller.running, timeout=LONG)
    qtbot.waitUntil(lambda: w.latest is not None and w.latest.snapshot.step > 0, timeout=LONG)
    w.close()
    assert not w.controller.thread.isRunning()
    assert w.controller.thread.isFinished()


def test_engine_exception_shows_a_message_and_app_stays_usable(window, qtbot):
    def break_step(session):
        def boom(n=1, record=False):
            raise RuntimeError("simulated engine failure")

        session.step = boom

    window.controller.call_in_engine(break_step)
    click(qtbot, window.training_panel.step_button)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=LONG)
    assert window.banner.kind == "error"
    assert "simulated engine failure" in window.banner.text
    assert not window.controller.running

    def repair(session):
        del session.step  # the class's own method again

    window.controller.call_in_engine(repair)
    click(qtbot, window.training_panel.step_button)
    qtbot.waitUntil(lambda: step_of(window) == 1, timeout=LONG)


def test_divergence_pauses_and_shows_the_message(window, qtbot):
    dp, tp = window.data_panel, window.training_panel
    dp.task_combo.setCurrentIndex(dp.task_combo.findData("regression1"))  # 1-D curve fit
    qtbot.waitUntil(lambda: window.latest.snapshot.dataset.input_dim == 1, timeout=LONG)
    tp.alpha_slider.setFocus()
    qtbot.keyClick(tp.alpha_slider, Qt.Key.Key_End)  # α = 10, the top of the scale
    assert tp.alpha == pytest.approx(10.0)
    qtbot.waitUntil(lambda: window.latest.snapshot.hyper.alpha == pytest.approx(10.0), timeout=LONG)
    click(qtbot, tp.play_button)
    qtbot.waitUntil(lambda: window.latest.snapshot.diverged is not None, timeout=LONG)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=LONG)
    assert window.banner.isVisible() and window.banner.kind == "warning"
    assert "diverged" in window.banner.text
    qtbot.waitUntil(lambda: "diverged" in window.status_label.text(), timeout=LONG)
    assert not tp.play_button.isChecked()
    # still usable: a lower α and a reset train again
    tp.alpha_slider.setValue(30)  # α = 0.001
    click(qtbot, tp.reset_button)
    qtbot.waitUntil(lambda: window.latest.snapshot.diverged is None, timeout=LONG)
    assert not window.banner.isVisible()
    click(qtbot, tp.step10_button)
    qtbot.waitUntil(lambda: step_of(window) == 10, timeout=LONG)


def test_canvas_click_reaches_the_engine_session(window, qtbot):
    n0 = engine_value(qtbot, window, lambda s: len(s.dataset))
    c = window.canvas
    pos = c.mapFromScene(c.plotItem.vb.mapViewToScene(QPointF(0.5, -0.5)))
    qtbot.mouseClick(c.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos))
    qtbot.waitUntil(lambda: len(window.latest.snapshot.dataset) == n0 + 1, timeout=LONG)
    pts = engine_value(qtbot, window, lambda s: s.dataset.points.copy())
    assert len(pts) == n0 + 1
    assert np.allclose(pts[-1], [0.5, -0.5], atol=0.1)
    assert engine_value(qtbot, window, lambda s: s.n_train) == window.training_panel.n_train


def test_empty_dataset_cannot_be_trained_and_says_so(window, qtbot):
    click(qtbot, window.data_panel.clear_button)
    qtbot.waitUntil(lambda: len(window.latest.snapshot.dataset) == 0, timeout=LONG)
    click(qtbot, window.training_panel.play_button)
    assert window.banner.isVisible()
    assert "no training points" in window.banner.text
    assert not window.training_panel.play_button.isChecked()
    click(qtbot, window.training_panel.step_button)
    qtbot.wait(200)
    assert step_of(window) == 0
    assert "no training points" in window.training_panel.effective_label.text()


def test_batch_size_is_clamped_to_the_data(window, qtbot):
    tp = window.training_panel
    n_train = tp.n_train
    tp.batch_spin.setValue(n_train + 100)
    assert f"effective B = {n_train}" in tp.effective_label.text()
    click(qtbot, tp.step_button)
    qtbot.waitUntil(lambda: step_of(window) == 1, timeout=LONG)
    assert engine_value(qtbot, window, lambda s: s.effective_batch_size) == n_train


def test_spirals_preset_gives_three_class_softmax(window, qtbot):
    dp = window.data_panel
    dp.preset_combo.setCurrentIndex(dp.preset_combo.findData("spirals"))
    qtbot.waitUntil(lambda: window.latest.snapshot.dataset.n_classes == 3, timeout=LONG)
    assert window.latest.snapshot.arch.widths[-1] == 3
    grid = window.latest.grid  # K × rows × columns (the rows and columns follow the view)
    assert grid.ndim == 3 and grid.shape[0] == 3


def test_regression_curve_is_drawn(window, qtbot):
    dp = window.data_panel
    dp.task_combo.setCurrentIndex(dp.task_combo.findData("regression1"))
    qtbot.waitUntil(lambda: window.latest.snapshot.dataset.input_dim == 1, timeout=LONG)
    qtbot.waitUntil(lambda: window.canvas.curve.isVisible(), timeout=LONG)
    assert not window.canvas.image.isVisible()
    assert window.latest.snapshot.spec.features == ("x1",)
    assert not window.network_panel.feature_boxes["x2"].isEnabled()


def test_save_and_open_lesson_round_trip(window, qtbot, tmp_path):
    click(qtbot, window.training_panel.step10_button)
    qtbot.waitUntil(lambda: step_of(window) == 10, timeout=LONG)
    path = tmp_path / "lesson.json"
    window.save_lesson(path)
    qtbot.waitUntil(path.exists, timeout=LONG)
    click(qtbot, window.training_panel.reset_button)
    qtbot.waitUntil(lambda: step_of(window) == 0, timeout=LONG)
    assert window.open_lesson(path)
    qtbot.waitUntil(lambda: step_of(window) == 10, timeout=LONG)


def test_failed_load_names_the_problem_and_changes_nothing(window, qtbot, tmp_path):
    click(qtbot, window.training_panel.step10_button)
    qtbot.waitUntil(lambda: step_of(window) == 10, timeout=LONG)
    n = len(window.canvas.dataset)
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "backprop-lab-scenario", "version": 1, "seed": "x"}')
    window.open_lesson(bad)  # read and checked off the GUI thread
    qtbot.waitUntil(lambda: window.files.last_open_ok is False, timeout=LONG)
    assert window.banner.kind == "error" and "broken.json" in window.banner.text
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("x1,x2,label\n1,2,0\n1,oops,1\n")
    assert not window.import_csv(bad_csv)
    assert "bad.csv" in window.banner.text
    click(qtbot, window.training_panel.step_button)
    qtbot.waitUntil(lambda: step_of(window) == 11, timeout=LONG)
    assert len(window.canvas.dataset) == n == len(window.latest.snapshot.dataset)


def test_import_csv(window, qtbot, tmp_path):
    path = tmp_path / "pts.csv"
    path.write_text("x1,x2,label\n1,1,0\n-1,-1,1\n2,-2,2\n")
    assert window.import_csv(path)
    qtbot.waitUntil(lambda: len(window.latest.snapshot.dataset) == 3, timeout=LONG)
    assert window.latest.snapshot.arch.widths[-1] == 3


def test_font_scale_shortcuts(window, qtbot):
    f0 = window.font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.font().pointSizeF() > f0
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.font().pointSizeF() < f0


def test_export_image(window, tmp_path):
    path = tmp_path / "shot.png"
    assert window.export_image(path)
    assert path.stat().st_size > 1000
    QApplication.processEvents()


# --- pure helpers behind the widgets ---------------------------------------------------------
def test_shapes_text_follows_the_notes():
    from backprop_lab.gui.panels import shapes_text

    assert shapes_text((2, 4, 1)) == "W⁽¹⁾ 4×2, W⁽²⁾ 1×4"
    assert shapes_text((3, 1)) == "W⁽¹⁾ 1×3"


def test_alpha_slider_scale_is_logarithmic_from_1e_5_to_10():
    from backprop_lab.gui.panels import alpha_from_tick, tick_from_alpha

    assert alpha_from_tick(0) == pytest.approx(1e-5)
    assert alpha_from_tick(60) == pytest.approx(10.0)
    assert tick_from_alpha(0.1) == 40
    assert tick_from_alpha(1e9) == 60 and tick_from_alpha(1e-9) == 0


def test_log_ticks_stay_few_and_finite_even_after_divergence():
    from backprop_lab.gui.plots import log_ticks

    assert [t[1] for t in log_ticks(-3.2, 0.1)] == ["0.001", "0.01", "0.1", "1"]
    assert [t[1] for t in log_ticks(-1.2, 0.5)] == ["0.1", "0.2", "0.5", "1", "2"]
    huge = log_ticks(-4.0, 307.0)
    assert 2 <= len(huge) <= 9
    assert len(log_ticks(0.01, 0.05)) == 2  # a narrow range still gets labels
    assert log_ticks(1.0, 1.0) == []


def test_regression_levels_are_fixed_and_centred_on_zero():
    from backprop_lab.engine.datasets import make_preset
    from backprop_lab.gui.main_window import regression_levels

    ds = make_preset("surface_2d", n_points=50, seed=1)
    lo, hi = regression_levels(ds)
    assert lo == -hi and hi >= np.abs(ds.y).max()


def test_slow_speed_still_trains_and_pauses(window, qtbot):
    tp = window.training_panel
    tp.speed_slider.setValue(2)  # 5 steps per second
    assert tp.speed == 5.0
    click(qtbot, tp.play_button)
    qtbot.waitUntil(lambda: step_of(window) >= 2, timeout=LONG)
    click(qtbot, tp.play_button)
    qtbot.waitUntil(lambda: not window.latest.running, timeout=LONG)
    s = step_of(window)
    qtbot.wait(400)  # two more steps' worth at 5/s: none may arrive after pause
    assert step_of(window) == s == window.controller.worker.steps_run


def test_built_in_lessons_open_from_the_file_menu(window, qtbot):
    assert set(window.menus.actions.lessons) >= {"xor", "spirals3", "sine", "deep_sigmoid"}
    window.menus.actions.lessons["spirals3"].trigger()
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.widths == (2, 16, 16, 3), timeout=LONG)
    assert window.latest.snapshot.dataset.n_classes == 3
    assert "spiral" in window.windowTitle().lower()
    assert window.open_lesson("sine")
    qtbot.waitUntil(lambda: window.latest.snapshot.dataset.input_dim == 1, timeout=LONG)


def test_a_lessons_learning_rate_survives_other_edits(window, qtbot):
    assert window.open_lesson("deep_sigmoid")  # α = 0.5 lies between two slider ticks
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.depth == 7, timeout=LONG)
    window.training_panel.batch_spin.setValue(17)
    qtbot.waitUntil(lambda: window.latest.snapshot.hyper.batch_size == 17, timeout=LONG)
    assert window.latest.snapshot.hyper.alpha == 0.5


def test_class_count_shows_the_presets_count(window, qtbot):
    panel = window.data_panel
    assert not panel.classes_spin.isEnabled() and panel.classes_spin.value() == 2  # XOR
    panel.preset_combo.setCurrentIndex(panel.preset_combo.findData("spirals"))
    assert panel.classes_spin.isEnabled() and panel.classes_spin.value() == 3


def test_step_then_add_layer_then_paint_does_not_crash(window, qtbot):
    """Regression: Step 1, then "+", then a paint killed the process (a BarGraphItem kept a
    stale brush list and its paint() raised inside a Qt virtual)."""
    click(qtbot, window.training_panel.step_button)
    qtbot.waitUntil(lambda: step_of(window) == 1, timeout=LONG)
    window.grab()
    click(qtbot, window.network_panel.add_button)
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.widths == (2, 4, 4, 4, 1), timeout=LONG)
    for _ in range(3):
        qtbot.wait(50)
        window.grab()
    bars = window.plots.bars
    assert len(bars.opts["brushes"]) == len(bars.opts["x"]) == 4
