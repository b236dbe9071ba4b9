"""The guard's banner leaves with its situation, and the curves never freeze, through the
window."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine.csvfile import save_points_csv
from backprop_lab.engine.datasets import make_preset
from backprop_lab.gui import commands as cmd
from PySide6.QtCore import Qt

from .helpers import LONG, click, engine_value, open_and_wait


def _diverge(window, qtbot) -> None:
    """α at the top of its slider, Play: the guard stops the run and the banner says so."""
    tp = window.training_panel
    if tp.alpha != pytest.approx(10.0):
        tp.alpha_slider.setFocus()
        qtbot.keyClick(tp.alpha_slider, Qt.Key.Key_End)
        qtbot.waitUntil(lambda: window.latest.snapshot.hyper.alpha == 10.0, timeout=LONG)
    click(qtbot, tp.play_button)
    qtbot.waitUntil(lambda: window.divergence.showing, timeout=LONG)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=LONG)
    assert "diverged" in window.banner.text
    window.grab()


def _gone(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.latest.snapshot.diverged is None, timeout=LONG)
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=LONG)
    window.grab()
    assert "diverged" not in window.banner.text


def test_the_divergence_banner_leaves_when_its_situation_ends(window, qtbot, tmp_path):
    path = tmp_path / "points.csv"
    save_points_csv(path, make_preset("xor", n_points=120, test_fraction=0.2, seed=5))
    # new data (a CSV import)
    _diverge(window, qtbot)
    assert window.import_csv(path)
    _gone(window, qtbot)
    # a reset
    click(qtbot, window.training_panel.reset_button)  # fresh θ, to diverge again
    qtbot.waitUntil(lambda: window.latest.snapshot.step == 0, timeout=LONG)
    _diverge(window, qtbot)
    click(qtbot, window.training_panel.reset_button)
    _gone(window, qtbot)
    assert window.latest.snapshot.step == 0
    # a new network
    _diverge(window, qtbot)
    click(qtbot, window.network_panel.add_button)
    _gone(window, qtbot)
    # a lesson opened
    _diverge(window, qtbot)
    assert open_and_wait(qtbot, window, "xor")
    _gone(window, qtbot)


def test_900_epochs_by_hand_then_play_adds_points_to_the_curves(window, qtbot):
    """Each press of "1 epoch" records a row for every one of its steps; 900 presses (of
    80 steps each) once left the history's stride at 1,048,576, and Play then added no
    point at all."""
    tp = window.training_panel
    per_epoch = engine_value(qtbot, window, lambda s: -(-s.n_train // s.hyper.batch_size))
    capacity = engine_value(qtbot, window, lambda s: s.history.capacity)
    assert 900 * per_epoch > 2 * capacity  # enough rows by hand to be thinned again and again
    for k in (1, 2):  # the real button: each of its steps is a point on the curves
        click(qtbot, tp.epoch_button)
        qtbot.waitUntil(lambda k=k: window.latest.snapshot.step == k * per_epoch, timeout=LONG)
    assert window.latest.snapshot.history.step[-per_epoch:].tolist() == list(
        range(per_epoch + 1, 2 * per_epoch + 1)
    )

    def press_epoch_898_times(_session) -> None:
        # the command the button sends, run by the worker as it runs every command, and
        # its timer ticks back to back: painting a frame between presses would make
        # this test take minutes (a press waits for the one before, as a person does)
        worker = window.controller.worker
        for _ in range(898):
            worker.execute(cmd.StepEpoch())
            while worker.pacer.pending:
                worker._tick()

    window.controller.call_in_engine(press_epoch_898_times)
    total = 900 * per_epoch
    qtbot.waitUntil(lambda: window.latest.snapshot.step == total, timeout=LONG)
    before = window.latest.snapshot.history
    stride = engine_value(qtbot, window, lambda s: s.history.stride)
    # the stride grows with the run (it grew with every thinning, without bound)
    assert len(before) <= capacity and stride <= 4 * total / capacity
    click(qtbot, tp.play_button)
    qtbot.waitUntil(lambda: (window.latest.snapshot.history.step > total).sum() >= 3, timeout=LONG)
    click(qtbot, tp.play_button)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=LONG)
    qtbot.waitUntil(lambda: not window.latest.running, timeout=LONG)  # the paused frame
    after = window.latest.snapshot.history
    new = after.step[after.step > total]
    assert np.diff(new).max() <= stride  # a point at least every stride steps
    window.grab()
    # and the loss curve is given them: the data set, not getData(), which is what
    # pyqtgraph draws after downsampling ("peak" drops the last < ds samples, a fifth of
    # a pixel, so its last x lags by a row or two when the history is long)
    curve_x, _ = window.plots.train_loss.getOriginalDataset()
    assert curve_x[-1] == after.step[-1]
