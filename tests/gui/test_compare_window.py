"""Comparing runs in the window, driven as a user does: Ctrl+D, the Compare menu's
entries, Ctrl+Tab, Ctrl+W and Ctrl+Z, with a paint (``grab``) after each. The canvases,
their titles and the curves follow the runs; the runs step in lock-step; undo brings the
single run back bit for bit; the last run is never closed."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.gui.compare_canvases import RunCanvas, grid_shape
from backprop_lab.gui.compare_window import DIFFERS_HEX
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from .helpers import LONG, click
from .test_keys import click_text, press, type_text
from .test_presentation import open_window
from .test_undo_runs import run_state

CTRL = Qt.KeyboardModifier.ControlModifier


def runs_shown(w) -> int:
    return len(w.latest.runs) if w.latest is not None and w.latest.runs else 1


def wait_runs(qtbot, w, n: int) -> None:
    qtbot.waitUntil(lambda: runs_shown(w) == n and w.compare.grid.count == n, timeout=LONG)
    w.grab()


def key(qtbot, w, k, mods=CTRL) -> None:
    """A key to whatever has the focus (the canvas unless a test moved it)."""
    if QApplication.focusWidget() is None:
        w.canvas.setFocus()
    press(qtbot, k, mods)
    w.grab()


def step10(qtbot, w) -> None:
    start = w.latest.snapshot.step
    click(qtbot, w.training_panel.step10_button)
    qtbot.waitUntil(
        lambda: (
            all(r.status.step == start + 10 for r in w.latest.runs)
            and w.latest.snapshot.step == start + 10
        ),
        timeout=LONG,
    )
    w.grab()


def _group(qtbot, w) -> list[dict]:
    box = []
    w.controller.call_in_engine(lambda g: [run_state(s) for s in g], box.append, group=True)
    qtbot.waitUntil(lambda: len(box) == 1, timeout=LONG)
    return box[0]


def curves(w) -> int:
    """The loss plot's training curves: one per run."""
    return 1 + len(w.plots.run_curves)


def test_ctrl_d_duplicates_the_run_in_lock_step_and_ctrl_z_brings_the_single_run_back(
    window, qtbot
):
    w = window
    w.canvas.setFocus()
    step10(qtbot, w)
    before = _group(qtbot, w)
    assert len(before) == 1 and w.compare.titles() == []

    key(qtbot, w, Qt.Key.Key_D)
    wait_runs(qtbot, w, 2)
    titles = w.compare.titles()
    assert titles[0].startswith("A") and titles[1].startswith("B · same as A")
    assert isinstance(w.compare.grid.cells[1].canvas, RunCanvas)
    assert w.compare.grid.cells[1].isVisible() and w.compare.grid.cells[1].canvas.isVisible()
    # the copy has the focus: the panels edit it
    assert w.compare.focus == 1 and w.controller.focus_run == 1
    assert w.compare.grid.cells[1].focused and not w.compare.grid.cells[0].focused
    assert curves(w) == 2

    step10(qtbot, w)
    states = _group(qtbot, w)
    assert [s["step"] for s in states] == [20, 20]  # lock-step
    assert states[0]["theta"] == states[1]["theta"]  # an exact copy stays A's twin
    assert "step 20" in w.compare.titles()[1]

    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z)  # Edit → Undo: the single run, exactly as it was
    wait_runs(qtbot, w, 1)
    qtbot.waitUntil(lambda: _group(qtbot, w) == before, timeout=LONG)
    assert w.compare.titles() == [] and curves(w) == 1
    assert w.compare.focus == 0 and w.controller.focus_run == 0
    assert not w.compare.grid.cells[1].isVisible()
    w.grab()


def test_a_contrast_from_the_menu_then_ctrl_tab_ctrl_w_and_the_last_run_stays(window, qtbot):
    w = window
    entry = w.compare.contrast_actions["activation"]
    assert entry.text() == "sigmoid | ReLU" and entry in w.compare.menu.actions()
    entry.trigger()
    wait_runs(qtbot, w, 2)
    titles = w.compare.titles()
    assert titles[0].startswith("A · sigmoid") and titles[1].startswith("B · ReLU")
    assert w.compare.focus == 0
    assert w.network_panel.spec().activation == "sigmoid"  # the panels show A

    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Tab)  # Ctrl+Tab: B has the focus, the panels show B
    qtbot.waitUntil(lambda: w.compare.focus == 1, timeout=LONG)
    assert w.compare.grid.cells[1].focused
    assert w.network_panel.spec().activation == "relu"
    key(qtbot, w, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: w.compare.focus == 0, timeout=LONG)
    assert w.network_panel.spec().activation == "sigmoid"
    key(qtbot, w, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: w.compare.focus == 1, timeout=LONG)

    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_W)  # closes B, the focused run
    wait_runs(qtbot, w, 1)
    assert w.latest.runs[0].snapshot.spec.activation == "sigmoid"
    assert w.compare.focus == 0

    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_W)  # the last run: refused, and said why
    assert "only run" in w.statusBar().currentMessage()
    step10(qtbot, w)  # the run goes on, alone
    assert runs_shown(w) == 1

    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z)  # back: the comparison (the steps since are undone too)
    wait_runs(qtbot, w, 2)
    assert w.compare.titles()[1].startswith("B · ReLU")


def test_three_runs_in_a_grid_play_in_lock_step_with_a_curve_each(window, qtbot):
    w = window
    w.compare.contrast_actions["alpha"].trigger()
    wait_runs(qtbot, w, 3)
    assert w.compare.grid.shape == grid_shape(3, w.compare.grid.width(), w.compare.grid.height())
    assert [t.split("   ")[0] for t in w.compare.titles()] == [
        "A · α = 0.01",
        "B · α = 0.1",
        "C · α = 1",
    ]
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier)  # Play
    qtbot.waitUntil(lambda: w.latest.snapshot.step >= 30, timeout=LONG)
    key(qtbot, w, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier)  # Pause
    qtbot.waitUntil(lambda: not w.latest.running, timeout=LONG)
    states = _group(qtbot, w)
    assert len({s["step"] for s in states}) == 1  # every run took the same steps
    assert curves(w) == 3
    names = [c.name() for c in w.plots.loss_plot.getPlotItem().listDataItems()]
    assert {"train", "train B", "train C"} <= set(names)
    # the other runs' pictures are drawn, over the same view as A's
    for rc in w.compare.grid.visible_canvases():
        assert rc.image.isVisible()
        assert rc.vb.viewRange() == w.canvas.vb.viewRange()
    w.grab()


def test_a_pan_of_one_canvas_pans_them_all(window, qtbot):
    w = window
    w.compare.duplicate_action.trigger()
    wait_runs(qtbot, w, 2)
    rc = w.compare.grid.canvases[0]
    before = w.canvas.vb.viewRange()
    centre = rc.vb.mapViewToDevice(rc.vb.viewRect().center()).toPoint()
    # a drag on B's canvas (pyqtgraph pans on a left drag)
    view = rc.viewport()
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=centre)
    for dx in range(5, 60, 5):
        qtbot.mouseMove(view, pos=centre + QPoint(dx, 0))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=centre + QPoint(60, 0))
    qtbot.waitUntil(lambda: w.canvas.vb.viewRange() != before, timeout=LONG)
    assert w.canvas.vb.viewRange()[0][0] < before[0][0]  # dragged right: x shows less
    assert rc.vb.viewRange() == w.canvas.vb.viewRange()
    w.grab()


def test_the_panels_change_the_focused_run_only(window, qtbot):
    w = window
    w.compare.duplicate_action.trigger()
    wait_runs(qtbot, w, 2)
    assert w.compare.focus == 1
    tp = w.training_panel
    click_text(qtbot, tp.seed_spin)
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "7")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.latest.runs[1].snapshot.seed == 7, timeout=LONG)
    assert w.latest.runs[0].snapshot.seed == 0
    qtbot.waitUntil(lambda: "seed 7" in w.compare.titles()[1], timeout=LONG)
    w.grab()


def test_stop_comparing_leaves_run_a_alone_and_undo_brings_the_runs_back(window, qtbot):
    w = window
    w.compare.contrast_actions["optimizer"].trigger()
    wait_runs(qtbot, w, 3)
    step10(qtbot, w)
    w.compare.stop_action.trigger()
    wait_runs(qtbot, w, 1)
    assert w.latest.snapshot.hyper.optimizer == "sgd"
    assert curves(w) == 1
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z)
    wait_runs(qtbot, w, 3)
    assert [r.status.step for r in w.latest.runs] == [10, 10, 10]


def test_a_run_that_diverges_stops_alone_and_says_where(window, qtbot):
    w = window
    click_text(qtbot, w.training_panel.alpha_box)
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "20")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.latest.snapshot.hyper.alpha == 20.0, timeout=LONG)
    w.compare.contrast_actions["alpha"].trigger()  # α = 2 | 20 | 200
    wait_runs(qtbot, w, 3)
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier)  # Play
    qtbot.waitUntil(lambda: w.latest.runs[2].status.diverged is not None, timeout=LONG)
    qtbot.waitUntil(lambda: "stopped at step" in w.compare.titles()[2], timeout=LONG)
    stopped = w.latest.runs[2].status.stopped_at
    assert w.compare.grid.cells[2].stopped
    assert f"stopped at step {stopped:,}" in w.compare.titles()[2]
    # the run that goes on keeps going past where C stopped
    qtbot.waitUntil(
        lambda: (
            w.latest.runs[0].status.diverged is not None
            or w.latest.runs[0].status.step > stopped + 20
        ),
        timeout=LONG,
    )
    assert w.latest.runs[0].status.step > stopped
    w.grab()


def test_a_contrast_that_cannot_be_made_says_why_and_changes_nothing(window, qtbot):
    w = window
    np_ = w.network_panel
    while np_.widths()[1:-1]:  # no hidden layer: nothing to compare activations on
        click(qtbot, np_.remove_button)
    qtbot.waitUntil(lambda: len(w.latest.snapshot.arch.widths) == 2, timeout=LONG)
    depth = w.canvas.history.undo_depth
    entry = w.compare.contrast_actions["activation"]
    assert entry.isEnabled()  # as the menu was last shown, with hidden layers
    w.compare.menu.popup(w.mapToGlobal(QPoint(40, 40)))  # opening the menu asks again
    qtbot.waitUntil(w.compare.menu.isVisible, timeout=LONG)
    assert not entry.isEnabled() and "hidden layer" in entry.toolTip()
    assert w.compare.contrast_actions["alpha"].isEnabled()
    qtbot.keyClick(w.compare.menu, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not w.compare.menu.isVisible(), timeout=LONG)
    entry.trigger()  # greyed: nothing happens
    w.grab()
    assert runs_shown(w) == 1 and w.canvas.history.undo_depth == depth
    # chosen all the same (the engine had changed since the menu was shown): refused, said
    w.compare.contrast("activation")
    qtbot.waitUntil(lambda: w.banner.isVisible() and "hidden layer" in w.banner.text, timeout=LONG)
    w.grab()
    assert runs_shown(w) == 1 and w.compare.titles() == []
    assert w.canvas.history.undo_depth == depth  # no undo step for what did not happen
    step10(qtbot, w)  # the run goes on


def test_duplicate_then_change_b_in_the_panels_then_undo_each_step(window, qtbot):
    """The lecture's move: Ctrl+D, change one setting of B, Play; Ctrl+Z takes the change
    of B back (B is A's twin again, the panels show it), then the comparison."""
    w = window
    step10(qtbot, w)
    single = _group(qtbot, w)
    key(qtbot, w, Qt.Key.Key_D)
    wait_runs(qtbot, w, 2)
    twin = _group(qtbot, w)
    np_ = w.network_panel
    a_act = w.latest.runs[0].snapshot.spec.activation
    np_.activation_combo.setFocus()
    press(qtbot, Qt.Key.Key_Down)  # B's activation, from the panel that shows B
    qtbot.waitUntil(
        lambda: (
            w.latest.runs[1].snapshot.spec.activation != a_act
            and "same as A" not in w.compare.titles()[1]
        ),
        timeout=LONG,
    )
    b_act = w.latest.runs[1].snapshot.spec.activation
    assert w.latest.runs[0].snapshot.spec.activation == a_act  # A is untouched
    assert np_.spec().activation == b_act and w.compare.focus == 1
    assert [r.status.step for r in w.latest.runs] == [0, 0]  # both again from θ₀
    # the field in which B differs from A is tinted while B has the focus, not for A
    combo = np_.activation_combo
    qtbot.waitUntil(lambda: combo in w.compare.tinted(), timeout=LONG)
    assert combo.palette().color(QPalette.ColorRole.Button) == QColor(DIFFERS_HEX)
    assert w.training_panel.alpha_box not in w.compare.tinted()
    w.grab()
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Tab)  # Ctrl+Tab: A, whose fields are A's own
    qtbot.waitUntil(lambda: w.compare.focus == 0 and w.compare.tinted() == [], timeout=LONG)
    assert combo.palette().color(QPalette.ColorRole.Button) != QColor(DIFFERS_HEX)
    assert np_.spec().activation == a_act
    key(qtbot, w, Qt.Key.Key_Tab)  # back to B for the undo steps
    qtbot.waitUntil(lambda: w.compare.focus == 1, timeout=LONG)

    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z)  # B's change taken back: the twins, exactly
    qtbot.waitUntil(lambda: "same as A" in w.compare.titles()[1], timeout=LONG)
    qtbot.waitUntil(lambda: _group(qtbot, w) == twin, timeout=LONG)
    qtbot.waitUntil(lambda: np_.spec().activation == a_act, timeout=LONG)
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z)  # and the comparison
    wait_runs(qtbot, w, 1)
    qtbot.waitUntil(lambda: _group(qtbot, w) == single, timeout=LONG)
    assert np_.spec().activation == a_act and w.controller.focus_run == 0


def test_the_clicker_steps_and_rewinds_every_run_together(window, qtbot):
    w = window
    w.compare.contrast_actions["optimizer"].trigger()
    wait_runs(qtbot, w, 3)
    step10(qtbot, w)
    after10 = _group(qtbot, w)
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: [r.status.step for r in w.latest.runs] == [11] * 3, timeout=LONG)
    key(qtbot, w, Qt.Key.Key_PageUp, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: [r.status.step for r in w.latest.runs] == [10] * 3, timeout=LONG)
    states = _group(qtbot, w)
    assert [s["theta"] for s in states] == [s["theta"] for s in after10]  # exactly back
    assert "step 10" in w.compare.titles()[2]


def test_a_step_walked_in_the_inspector_keeps_the_runs_in_step(window, qtbot):
    w = window
    key(qtbot, w, Qt.Key.Key_D)
    wait_runs(qtbot, w, 2)
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_I, Qt.KeyboardModifier.NoModifier)  # the inspector
    qtbot.waitUntil(w.inspector_dock.isVisible, timeout=LONG)
    w.canvas.setFocus()
    for _ in range(3):  # a few phases of run A's step, then the rest at once
        key(qtbot, w, Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier)
    key(qtbot, w, Qt.Key.Key_End, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: [r.status.step for r in w.latest.runs] == [1, 1], timeout=LONG)
    states = _group(qtbot, w)
    assert states[0]["theta"] == states[1]["theta"]  # the twin took the same step
    step10(qtbot, w)
    assert [r.status.step for r in w.latest.runs] == [11, 11]


def test_the_delta_plot_draws_every_run_s_layers(window, qtbot):
    """Sigmoid | ReLU: B's |δ⁽ℓ⁾| per layer beside A's in the δ plot (the layers'
    colours, B's line style), on B's own numbers; they go when the comparison ends."""
    w = window
    w.compare.contrast_actions["activation"].trigger()
    wait_runs(qtbot, w, 2)
    step10(qtbot, w)
    plots = w.plots
    depth = len(plots.delta_curves)
    qtbot.waitUntil(lambda: len(plots.run_delta.get(1, ())) == depth, timeout=LONG)
    assert "B" in plots.delta_plot.legend_title
    b_history = w.latest.runs[1].snapshot.history
    curve = plots.run_delta[1][0]
    xs, ys = curve.xData, curve.yData  # the data as given (getData is the log axis's)
    assert len(xs) == len(b_history.step) > 0
    np.testing.assert_array_equal(xs, b_history.step)
    assert np.allclose(ys, b_history.delta_mean_abs[:, 0], equal_nan=True)
    assert plots.run_delta[1][0].opts["pen"].style() == Qt.PenStyle.DashLine
    w.grab()
    w.compare.stop_action.trigger()
    wait_runs(qtbot, w, 1)
    qtbot.waitUntil(lambda: not plots.run_delta, timeout=LONG)
    w.grab()


def test_exported_histories_hold_every_run_with_a_run_column(window, qtbot, tmp_path):
    """File → Export → Histories as CSV in a comparison: one table, a ``run`` column with
    each run's label, each run's own rows; a layer one network lacks stays empty."""
    from backprop_lab.gui import export

    w = window
    w.compare.contrast_actions["hidden"].trigger()  # 0 | 1 hidden layer: depths differ
    wait_runs(qtbot, w, 2)
    step10(qtbot, w)
    path = tmp_path / "runs.csv"
    assert w.export_menu.history_csv(path)
    header, rows = export.read_csv_table(path)
    assert header[:2] == ["run", "step"]
    labels = [r.label.text for r in w.latest.runs]
    assert [row[0] for row in rows] == [
        lab for r, lab in zip(w.latest.runs, labels) for _ in r.snapshot.history.step
    ]
    deepest = max(r.snapshot.arch.depth for r in w.latest.runs)
    assert f"delta_mean_abs{deepest}" in header
    shallow = min(w.latest.runs, key=lambda r: r.snapshot.arch.depth)
    col = header.index(f"delta_mean_abs{deepest}")
    assert all(row[col] == "" for row in rows if row[0] == shallow.label.text)
    w.grab()


def test_a_seed_fan_draws_a_median_and_a_band(window, qtbot):
    """Seeds ×4: the loss plot's bold median is the median of the four seeds' training
    losses at every row, the band spans their lowest to highest; both go with the fan."""
    w = window
    w.compare.contrast_actions["seeds4"].trigger()
    wait_runs(qtbot, w, 4)
    step10(qtbot, w)
    plots = w.plots
    qtbot.waitUntil(lambda: 0 in plots.fan_items and plots.fan_items[0][3].isVisible())
    lo, hi, band, median = plots.fan_items[0]
    histories = [r.snapshot.history for r in w.latest.runs]
    losses = np.vstack([hh.train_loss for hh in histories])
    ok = np.isfinite(losses).all(axis=0)
    ys = median.yData  # as given (the log axis takes log10 of it itself)
    assert np.allclose(ys[ok], np.median(losses, axis=0)[ok])
    assert np.allclose(lo.yData, losses.min(axis=0)[ok])
    assert np.allclose(hi.yData, losses.max(axis=0)[ok])
    w.grab()
    w.compare.stop_action.trigger()
    wait_runs(qtbot, w, 1)
    qtbot.waitUntil(lambda: not plots.fan_items[0][3].isVisible(), timeout=LONG)
    w.grab()


def test_o_lays_the_runs_over_a_s_canvas_and_o_again_side_by_side(window, qtbot):
    """O: one canvas, A's regions with B's boundary in B's colour over them and hatched
    where B decides otherwise; O again: the two canvases back."""
    from backprop_lab.gui.colors import hex_to_rgb, run_hex
    from backprop_lab.gui.compare_canvases import grid_classes

    w = window
    w.compare.contrast_actions["activation"].trigger()
    wait_runs(qtbot, w, 2)
    step10(qtbot, w)
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_O, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: w.compare.grid.count == 1 and w.compare.overlay_item.isVisible())
    assert w.compare.overlay_action.isChecked()
    rgba = w.compare.overlay_item.image
    a, b = (grid_classes(g) for g in w.latest.grids[:2])
    assert rgba.shape[:2] == a.shape
    b_rgb = np.array(hex_to_rgb(run_hex(1)))
    marked = (rgba[..., 3] > 0) & (rgba[..., :3] == b_rgb).all(axis=-1)
    # B's boundary (opaque) and hatching (translucent) in B's colour
    assert marked.any()
    assert not (marked & (a == b) & (rgba[..., 3] < 255)).any()  # hatching only where they differ
    w.grab()
    key(qtbot, w, Qt.Key.Key_O, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: w.compare.grid.count == 2 and not w.compare.overlay_item.isVisible())
    w.grab()


def test_the_figures_above_the_canvases_say_they_are_run_As_while_runs_are_compared(window, qtbot):
    w = window
    w.canvas.setFocus()
    w.fit.present(True)
    step10(qtbot, w)
    assert not w.heads_up.text().startswith("A")
    assert w.status_label.text().startswith("step 10")
    key(qtbot, w, Qt.Key.Key_D)  # B has the focus and the panels; the figures stay A's
    wait_runs(qtbot, w, 2)
    step10(qtbot, w)
    # A's label is "A" while nothing differs from it
    qtbot.waitUntil(lambda: w.heads_up.text().startswith("A    step 20"), timeout=LONG)
    assert "epoch" not in w.heads_up.text()
    assert w.status_label.text().startswith("A   ·   step 20")
    assert w.heads_up.width() <= w.width()
    w.grab()


def test_a_2d_regression_compared_shows_every_runs_points_in_their_targets_colours(qtbot):
    from .helpers import open_window

    w = open_window(qtbot, preset="surface_2d")
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_D)
    wait_runs(qtbot, w, 2)
    b = w.compare.grid.cells[1].canvas

    def colours(item) -> list[str]:
        return [brush.color().name() for brush in item.data["brush"]]

    a_colours = colours(w.canvas._train_items[0])
    assert len(set(a_colours)) > 10  # A's points are coloured by their targets
    assert colours(b.train) == a_colours  # and B's the same, on the same levels
    w.close()


@pytest.mark.parametrize("width,height,cut", [(1024, 768, True), (1920, 1080, False)])
def test_a_title_too_long_for_its_canvas_ends_in_an_ellipsis(qtbot, width, height, cut):
    """Presenting on a 1024 × 768 projector, side by side, B's figures and notes are cut
    short with "…" (they were cut mid-word at the cell's edge); on 1920 × 1080 the whole
    title shows. The tooltip always holds the whole title."""
    w = open_window(qtbot, QRect(0, 0, width, height))
    key(qtbot, w, Qt.Key.Key_F5, Qt.KeyboardModifier.NoModifier)  # presentation
    assert w.fit.presenting
    w.compare.contrast_actions["activation"].trigger()
    wait_runs(qtbot, w, 2)
    step10(qtbot, w)
    cell = w.compare.grid.cells[1]
    assert cell.text.endswith("(θ₀: A's draw)")
    qtbot.waitUntil(lambda: ("…" in cell.title.text()) == cut, timeout=LONG)
    w.grab()
    # what is shown fits the line (a no-wrap label's size hint is its text's width)
    assert cell.title.sizeHint().width() <= cell.title.contentsRect().width()
    assert cell.title.toolTip().startswith(cell.text)
