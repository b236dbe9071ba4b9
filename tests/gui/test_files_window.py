"""Files from the outside world, through the window: errors as plain text, the CSV
encoding note, a reopened lesson's curves, and the 20,000-point limit."""

from __future__ import annotations

import json

import numpy as np
import pytest
from backprop_lab.engine.data import MAX_POINTS
from backprop_lab.gui.main_window import MainWindow
from PySide6.QtCore import QPointF, Qt

from .helpers import LONG, open_and_wait, step_of


def test_error_text_from_a_file_is_shown_as_plain_text(window, qtbot, tmp_path):
    bad = tmp_path / "evil.json"
    key = "<b>bold</b><img src=x>"
    bad.write_text(json.dumps({"format": "backprop-lab-scenario", "version": 1, key: 1}))
    assert not open_and_wait(qtbot, window, bad)
    label = window.banner.label
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert key in window.banner.text and "unknown field" in window.banner.text
    window.grab()


def test_a_long_bad_key_gives_a_short_banner(window, qtbot, tmp_path):
    bad = tmp_path / "long.json"
    bad.write_text(json.dumps({"format": "backprop-lab-scenario", "version": 1, "k" * 100_000: 1}))
    assert not open_and_wait(qtbot, window, bad)
    assert len(window.banner.text) < 400 and "…" in window.banner.text


def test_a_latin1_csv_loads_with_a_note_in_the_window(window, qtbot, tmp_path):
    path = tmp_path / "caf\u00e9.csv"
    path.write_bytes("x1,x2,label\n1,1,caf\xe9\n-1,-1,th\xe9\n2,-2,caf\xe9\n".encode("latin-1"))
    assert window.import_csv(path)
    qtbot.waitUntil(lambda: len(window.latest.snapshot.dataset) == 3, timeout=LONG)
    assert "Latin-1" in window.banner.text
    assert window.latest.snapshot.dataset.n_classes == 2


def test_a_regression_export_imports_as_regression(window, qtbot, tmp_path):
    from backprop_lab.engine.csvfile import save_points_csv
    from backprop_lab.engine.data import Dataset

    ds = Dataset(
        np.array([[0.0, 0.0], [1.0, 1.0], [2.0, -1.0]]),
        np.array([0.0, 3.0, 7.0]),
        np.zeros(3, dtype=bool),
        "regression",
        2,
        2,
    )
    path = tmp_path / "values.csv"
    save_points_csv(path, ds)
    assert window.import_csv(path)
    qtbot.waitUntil(lambda: window.latest.snapshot.dataset.task == "regression", timeout=LONG)
    assert window.latest.snapshot.dataset.y.tolist() == [0.0, 3.0, 7.0]


def test_a_reopened_lesson_shows_the_curves_it_was_saved_with(window, qtbot, tmp_path):
    for _ in range(3):
        n = step_of(window)
        qtbot.mouseClick(window.training_panel.step10_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda n=n: step_of(window) == n + 10, timeout=LONG)
    saved_steps = window.latest.snapshot.history.step.tolist()
    saved_loss = window.latest.snapshot.history.train_loss
    assert len(saved_steps) > 5 and saved_steps[-1] <= 30  # rows every few steps
    path = tmp_path / "lesson.json"
    window.save_lesson(path)
    qtbot.waitUntil(path.exists, timeout=LONG)
    qtbot.mouseClick(window.training_panel.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: step_of(window) == 0, timeout=LONG)
    assert len(window.latest.snapshot.history.step) == 1
    assert window.open_lesson(path)
    qtbot.waitUntil(lambda: step_of(window) == 30, timeout=LONG)
    n_rows = len(saved_steps)
    qtbot.waitUntil(lambda: len(window.plots.train_loss.getData()[0]) == n_rows, timeout=LONG)
    xs, ys = window.plots.train_loss.getData()
    assert xs.tolist() == saved_steps
    log = window.plots.log_loss_box.isChecked()  # the curve holds log10 of the loss then
    np.testing.assert_allclose(10**ys if log else ys, saved_loss, rtol=1e-12)
    window.grab()


def test_at_the_point_limit_a_click_says_so_in_the_window(window, qtbot, tmp_path):
    rng = np.random.default_rng(0)
    pts = rng.uniform(-5, 5, size=(MAX_POINTS, 2))
    path = tmp_path / "full.csv"
    path.write_text(
        "x1,x2,label\n"
        + "".join(f"{float(x)!r},{float(y)!r},{i % 2}\n" for i, (x, y) in enumerate(pts))
    )
    assert window.import_csv(path), window.banner.text
    assert len(window.canvas.dataset) == MAX_POINTS
    canvas = window.canvas
    pos = canvas.mapFromScene(canvas.plotItem.vb.mapViewToScene(QPointF(5.5, 5.5)))
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert len(window.canvas.dataset) == MAX_POINTS
    assert window.banner.kind == "warning" and "20,000" in window.banner.text
    window.grab()


def test_the_canvas_refuses_a_point_past_the_limit_with_a_message(qtbot):
    from backprop_lab.engine.data import Dataset
    from backprop_lab.gui.canvas import DataCanvas

    pts = np.random.default_rng(1).uniform(-5, 5, size=(MAX_POINTS, 2))
    ds = Dataset(pts, np.arange(MAX_POINTS) % 2, np.zeros(MAX_POINTS, bool), "classification", 2, 2)
    canvas = DataCanvas(dataset=ds)
    qtbot.addWidget(canvas)
    canvas.resize(500, 500)
    canvas.show()
    qtbot.waitExposed(canvas)
    messages, edits = [], []
    canvas.limitReached.connect(messages.append)
    canvas.datasetEdited.connect(edits.append)
    pos = canvas.mapFromScene(canvas.plotItem.vb.mapViewToScene(QPointF(5.5, -5.5)))
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert messages == ["The canvas holds 20,000 points, the most it can: remove some to add more."]
    assert edits == [] and len(canvas.dataset) == MAX_POINTS
    canvas.grab()


@pytest.mark.parametrize("preset", ["surface_2d", "sine_1d", "gaussians"])
def test_the_windows_points_export_imports_back_as_the_same_task(qtbot, tmp_path, preset):
    w = MainWindow(preset=preset)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=LONG)
    exporter = w.export_menu
    before = w.canvas.dataset
    path = tmp_path / "points.csv"
    assert exporter.points_csv(path)
    assert w.import_csv(path)
    qtbot.waitUntil(lambda: w.latest.snapshot.dataset.same_as(before), timeout=LONG)
    assert w.canvas.dataset.same_as(before) and w.canvas.dataset.task == before.task
    w.grab()
    w.close()
