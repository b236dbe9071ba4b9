"""File → New (a fresh session, asking first about unsaved work as closing does), every
file dialog starting in the last folder used, and the plot data as CSV: every recorded
history row, steps as whole numbers. Through the real window, its keys and menus."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine.scenario import load_scenario
from backprop_lab.gui import autosave as autosave_module
from backprop_lab.gui import export
from backprop_lab.gui.main_window import DEFAULT_HYPER, DEFAULT_SPEC
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from .helpers import LONG, click, step_of
from .test_autosave import answer_next_question, draw_point, prompts_on
from .test_close_during_save import CTRL, press, save_with_keys
from .test_window_extras import open_window


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(autosave_module.AUTOSAVE_DIR_ENV, str(tmp_path / "auto"))
    return tmp_path


def trained(qtbot, w, steps: int) -> None:
    """``steps`` presses of → (Step 1), each once the one before has stepped (a press
    that comes before the engine took the last one is merged with it)."""
    w.canvas.setFocus()
    for k in range(steps):
        press(qtbot, w, Qt.Key.Key_Right)
        qtbot.waitUntil(lambda k=k: step_of(w) == k + 1, timeout=LONG)


def is_fresh(w) -> bool:
    snap = w.latest.snapshot
    return (
        snap.step == 0
        and w.data_panel.preset == "xor"
        and snap.spec == DEFAULT_SPEC
        and snap.hyper == DEFAULT_HYPER
        and snap.seed == 0
    )


# --- File → New -------------------------------------------------------------------------------
def test_new_with_unsaved_work_asks_and_cancel_changes_nothing(folder, qtbot):
    w, _ = open_window(qtbot)
    w.autosave.edit_delay_ms = 50
    slider = w.data_panel.noise_slider
    click(qtbot, slider)  # the focus (a click on the groove may move it too)
    for _ in range(3):
        qtbot.keyClick(slider, Qt.Key.Key_Up)  # new data, with more noise
    qtbot.waitUntil(lambda: w.autosave.dirty and slider.value() > 0, timeout=LONG)
    trained(qtbot, w, 3)
    points = w.latest.snapshot.dataset.points.copy()
    qtbot.waitUntil(lambda: w.autosave.path.exists(), timeout=LONG)
    seen: list[str] = []
    answer_next_question(QMessageBox.StandardButton.Cancel, seen)
    with prompts_on(w):
        press(qtbot, w, Qt.Key.Key_N, CTRL)
    assert seen and "starting a new session" in seen[0]
    QApplication_process(qtbot)
    assert step_of(w) == 3 and np.array_equal(w.latest.snapshot.dataset.points, points)
    # Discard: the default preset, network, settings and seed, from step 0
    answer_next_question(QMessageBox.StandardButton.Discard, seen)
    with prompts_on(w):
        press(qtbot, w, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: is_fresh(w), timeout=LONG)
    assert w.data_panel.noise_slider.value() == 0 and w.data_panel.noise_label.text() == "0 %"
    assert len(w.canvas.dataset) == len(w.latest.snapshot.dataset)
    assert not w.autosave.dirty and not w.autosave.path.exists()  # nothing to recover
    assert w.windowTitle() == "Backprop Lab"
    w.grab()
    # like every change that starts the run afresh, New is one undo step: the work the
    # question discarded comes back exactly, and redo starts afresh again
    press(qtbot, w, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(
        lambda: step_of(w) == 3 and np.array_equal(w.latest.snapshot.dataset.points, points),
        timeout=LONG,
    )
    press(qtbot, w, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: is_fresh(w), timeout=LONG)
    w.grab()
    # the new session is autosaved like any other once it is changed
    draw_point(qtbot, w, 0.5, 0.5)
    qtbot.waitUntil(lambda: w.autosave.path.exists(), timeout=LONG)
    w.close()


def QApplication_process(qtbot) -> None:  # noqa: N802 - reads as what it does
    qtbot.wait(20)  # let a change that should not come arrive (none is waited on)


def test_new_with_save_writes_the_work_then_starts_afresh(folder, qtbot, monkeypatch):
    w, _ = open_window(qtbot)
    trained(qtbot, w, 4)
    target = folder / "kept.json"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    seen: list[str] = []
    answer_next_question(QMessageBox.StandardButton.Save, seen)
    with prompts_on(w):
        press(qtbot, w, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: is_fresh(w), timeout=LONG)
    assert load_scenario(target).state.step == 4
    assert w.autosave.lesson_path is None  # Save now asks where: the new work is no file's
    w.close()


def test_new_when_everything_is_saved_asks_nothing(folder, qtbot):
    w, _ = open_window(qtbot)
    trained(qtbot, w, 2)
    w.save_lesson(folder / "saved.json")
    qtbot.waitUntil(lambda: not w.autosave.dirty, timeout=LONG)
    seen: list[str] = []
    poll = answer_next_question(QMessageBox.StandardButton.Cancel, seen)
    with prompts_on(w):
        w.menus.actions.new.trigger()
    poll.stop()
    assert not seen
    qtbot.waitUntil(lambda: is_fresh(w), timeout=LONG)
    w.close()


# --- dialogs start in the last folder used ----------------------------------------------------
def test_every_file_dialog_starts_in_the_last_folder_used(folder, qtbot, monkeypatch):
    last, other = folder / "last", folder / "other"
    last.mkdir()
    other.mkdir()
    w, menus = open_window(qtbot, folder / "settings.ini")
    menus["settings"].settings.set_last_folder(str(last))
    trained(qtbot, w, 2)
    starts: list[tuple[str, str]] = []
    answers = {"name": ""}

    def save_name(parent, caption, start, filters, *a, **k):
        starts.append((caption, start))
        return answers["name"], ""

    def open_name(parent, caption, start, filters, *a, **k):
        starts.append((caption, start))
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(open_name))
    ex = menus["export"]
    press(qtbot, w, Qt.Key.Key_E, CTRL)  # Export image
    press(qtbot, w, Qt.Key.Key_I, CTRL)  # Import CSV
    press(qtbot, w, Qt.Key.Key_O, CTRL)  # Open lesson
    for key in ("points", "history", "csv:Loss"):
        ex.actions[key].trigger()
    save_with_keys(qtbot, w, None, monkeypatch)  # Save lesson (then cancelled)
    assert len(starts) == 7, starts
    for caption, start in starts:
        assert start == str(last) or start.startswith(str(last) + "/"), (caption, start)
    # an export into another folder makes that one the last
    starts.clear()
    answers["name"] = str(other / "points.csv")
    ex.actions["points"].trigger()
    assert (other / "points.csv").exists()
    answers["name"] = ""
    press(qtbot, w, Qt.Key.Key_E, CTRL)
    assert starts[-1][1] == str(other / "backprop-lab.png")
    w.close()


# --- plot data as CSV -------------------------------------------------------------------------
@pytest.mark.parametrize("label", ["Loss", "Accuracy", "Mean |δ| per layer"])
def test_plot_data_csv_has_every_recorded_row_with_whole_steps(folder, qtbot, label):
    w, menus = open_window(qtbot)
    w.step(2000)  # the history keeps some of these rows
    qtbot.waitUntil(lambda: step_of(w) == 2000, timeout=LONG)
    path = folder / "plot.csv"
    assert menus["export"].plot_csv(label, path)
    header, rows = export.read_csv_table(path)
    assert header == ["series", "x", "y"]
    history = w.latest.snapshot.history
    names = {r[0] for r in rows}
    assert len(names) >= 2
    for name in names:
        xs = [r[1] for r in rows if r[0] == name]
        assert all(x.isdigit() for x in xs), xs[:5]  # "4", never "4.0"
        assert [int(x) for x in xs] == history.step.tolist()  # every recorded row
    w.close()
