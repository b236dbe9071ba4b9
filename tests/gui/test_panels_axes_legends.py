"""Details a lecture hall sees, through the real window: panels that follow the run, the
canvas's axis names, plot legends and log ticks, the inspector's header, note and rewind
text."""

from __future__ import annotations

from backprop_lab.gui.plots import log_ticks
from backprop_lab.gui.timeline_view import step_text
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication

from .helpers import LONG, click


def test_a_lesson_shows_its_own_data_in_the_data_panel(window, qtbot):
    dp = window.data_panel
    assert dp.preset_combo.currentText() == "XOR"
    window.menus.actions.lessons["spirals3"].trigger()
    qtbot.waitUntil(lambda: window.latest.snapshot.dataset.n_classes == 3, timeout=LONG)
    n = len(window.latest.snapshot.dataset)
    assert dp.preset_combo.currentText() == "From the lesson"
    assert dp.points_spin.value() == n and dp.classes_spin.value() == 3
    assert "—" in window.windowTitle()
    window.grab()


def test_csv_import_drops_the_lesson_title_and_says_where_the_data_came_from(
    window, qtbot, tmp_path
):
    window.menus.actions.lessons["moons"].trigger()
    qtbot.waitUntil(lambda: "—" in window.windowTitle(), timeout=LONG)
    path = tmp_path / "mine.csv"
    path.write_text("x1,x2,label\n1,1,0\n-1,-1,1\n2,-2,1\n0,1,0\n")
    assert window.import_csv(path)
    assert window.windowTitle() == "Backprop Lab — mine.csv"
    assert window.data_panel.preset_combo.currentText() == "From the CSV file"
    # choosing a preset again: no file or lesson name any more
    dp = window.data_panel
    dp.preset_combo.setCurrentIndex(dp.preset_combo.findData("xor"))
    assert window.windowTitle() == "Backprop Lab"


def test_clear_leaves_no_old_loss_in_the_status_line(window, qtbot):
    window.step(5)
    qtbot.waitUntil(lambda: window.latest.snapshot.step == 5, timeout=LONG)
    assert "accuracy train" in window.status_label.text()
    assert "–" not in window.status_label.text().split("steps/s")[0].split("accuracy")[1]
    click(qtbot, window.data_panel.clear_button)
    qtbot.waitUntil(lambda: len(window.latest.snapshot.dataset) == 0, timeout=LONG)
    text = window.status_label.text()
    assert "loss train –" in text and "accuracy train –%" in text, text


def test_the_sine_curve_is_y_against_x(window, qtbot):
    left = window.canvas.getPlotItem().getAxis("left")
    assert left.labelText == "x₂"
    window.menus.actions.lessons["sine"].trigger()
    qtbot.waitUntil(lambda: window.latest.snapshot.dataset.input_dim == 1, timeout=LONG)
    assert left.labelText == "y"
    window.set_font_scale(1.4)  # a font change keeps the right name
    assert left.labelText == "y"


def test_legends_live_in_the_titles_and_grow_with_the_type(window, qtbot):
    plots = window.plots
    title = plots.loss_plot.getPlotItem().titleLabel
    assert "train" in title.text and "test" in title.text
    assert plots.loss_plot.getPlotItem().legend is None  # nothing drawn over the curves
    window.step(1)
    qtbot.waitUntil(lambda: window.latest.snapshot.step == 1, timeout=LONG)
    delta = plots.delta_plot.getPlotItem().titleLabel.text
    assert all(f"{k}" in delta for k in (1, 2, 3))  # one key per layer
    h0 = title.item.boundingRect().height()
    window.set_font_scale(2.0)
    assert title.item.boundingRect().height() > 1.5 * h0
    window.grab()


def test_log_ticks_never_repeat_a_label():
    for lo, hi in [(-0.14, -0.13), (-0.136, -0.1359), (2.0, 2.00001), (-5.01, -5.0)]:
        labels = [t[1] for t in log_ticks(lo, hi)]
        assert len(labels) == len(set(labels)) >= 1, (lo, hi, labels)


def test_the_left_axis_leaves_room_for_its_name(window):
    """The widest tick label and the axis name fit the axis side by side."""
    from PySide6.QtGui import QFontMetrics

    for scale in (1.0, 2.0):
        window.set_font_scale(scale)
        axis = window.plots.loss_plot.getPlotItem().getAxis("left")
        fm = QFontMetrics(axis.style["tickFont"])
        assert axis.width() >= fm.horizontalAdvance("0.0000") + fm.height()


def test_rewind_text_never_says_a_step_past_the_kept_ones():
    assert step_text(7, [0, 2, 4, 6]) == "step 7  ·  4 kept, 0–6"
    assert step_text(4, [0, 2, 4, 6]).startswith("step 4 (kept)")
    assert step_text(3, []) == "step 3"


def test_inspector_header_scales_and_its_note_does_not_move_the_layout(window, qtbot):
    window.inspector_dock.show()
    ins = window.inspector
    qtbot.waitUntil(lambda: ins.isVisible(), timeout=LONG)
    size0 = QFontInfo(ins.title.font()).pixelSize()
    window.set_font_scale(1.8)
    assert QFontInfo(ins.title.font()).pixelSize() > 1.5 * size0
    window.grab()
    QApplication.processEvents()  # the new type's layout
    window.grab()
    y0 = ins.splitter.geometry().top()
    ins._set_note("A note that comes and goes.")
    window.grab()
    assert ins.splitter.geometry().top() == y0
    ins._set_note("")
    window.grab()
    assert ins.splitter.geometry().top() == y0


def test_docked_inspector_leaves_the_plots_readable_at_1280x800(window, qtbot):
    window.inspector_dock.show()
    qtbot.waitUntil(lambda: window.inspector.isVisible(), timeout=LONG)
    qtbot.wait(100)  # the dock is sized on the next turn of the event loop
    window.grab()
    # all of it fits the 800-line window it was opened in (offscreen, a window would
    # rather grow than squeeze; on a real 800-line screen it cannot grow)
    assert window.height() <= 800
    shown = [p for p in window.plots.all_plots if p.isVisible()]
    assert len(shown) >= 3
    for p in shown:
        assert p.height() >= 100, p.height()
    assert window.canvas.height() >= 200
    window.inspector_dock.hide()
    assert window.plots.bars_plot.isVisibleTo(window.plots)


def test_gradient_check_results_go_when_the_run_steps_on(window, qtbot):
    window.inspector_dock.show()
    gc = window.inspector.gradcheck
    click(qtbot, gc.button)
    qtbot.waitUntil(lambda: gc.result is not None and gc.button.isEnabled(), timeout=LONG)
    assert gc.table.rowCount() > 0
    window.step(1)
    qtbot.waitUntil(lambda: window.latest.snapshot.step == 1, timeout=LONG)
    qtbot.waitUntil(lambda: gc.table.rowCount() == 0, timeout=LONG)
    assert gc.result is None and "check again" in gc.status.text()
