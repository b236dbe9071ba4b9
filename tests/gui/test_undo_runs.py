"""A trained run is never thrown away silently: every change that starts the run afresh
(activation, layers, a width, a feature, the seed, Reset, a preset, the task, Regenerate,
a lesson, a CSV file) is one undo step. Ctrl+Z brings the run back exactly (θ, the
optimizer's state, the batch RNG, the history, the timeline, the step counters) with the
panels that describe it; Ctrl+Shift+Z brings the new run back, with what it trained.
Driven through the real window with real events; the runs are compared bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from .helpers import LONG, click, engine_value, open_and_wait
from .test_keys import click_arrow, click_text, press, type_text, window  # noqa: F401

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def run_state(s) -> dict:
    """Everything a run is, as bytes and numbers (runs in the engine thread)."""
    cp = s.checkpoint()
    h = s.history.arrays()
    return {
        "step": s.step_count,
        "samples": s.samples_seen,
        "epoch": s.epoch,
        "theta": [a.tobytes() for a in s.params.arrays()],
        "optimizer": {
            k: (v if k == "t" else [a.tobytes() for a in v]) for k, v in cp.optimizer.items()
        },
        "rng": repr(cp.rng),
        "order": (cp.order.tobytes(), cp.order_pos),
        "history": {f: np.asarray(getattr(h, f)).tobytes() for f in h.__dataclass_fields__},
        "timeline": (tuple(s.timeline.steps), s.timeline.stride),
        "spec": s.spec,
        "hyper": s.hyper,
        "seed": s.seed,
        "points": (s.dataset.points.tobytes(), s.dataset.y.tobytes(), s.dataset.is_test.tobytes()),
    }


def panels(w) -> tuple:
    dp = w.data_panel
    return (
        w.network_panel.spec(),
        w.training_panel.hyper(),
        w.training_panel.seed,
        dp.preset_combo.currentText(),
        dp.points_spin.value(),
        dp.noise_slider.value(),
        dp.test_slider.value(),
        w.windowTitle(),
    )


def train(qtbot, w, clicks: int = 3) -> None:
    for _ in range(clicks):  # "Step 10" pauses and takes 10 steps: one press at a time
        start = engine_value(qtbot, w, lambda s: s.step_count)  # a frame may lag behind
        click(qtbot, w.training_panel.step10_button)
        qtbot.waitUntil(lambda s=start: w.latest.snapshot.step == s + 10, timeout=LONG)


def undo(qtbot, w, redo: bool = False) -> None:
    w.canvas.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT if redo else CTRL)


def engine_is(qtbot, w, state: dict) -> None:
    qtbot.waitUntil(lambda: engine_value(qtbot, w, run_state) == state, timeout=LONG)


def _csv(tmp_path) -> str:
    path = tmp_path / "three.csv"
    rows = ["x1,x2,label"] + [
        f"{np.cos(a):.3f},{np.sin(a):.3f},c{i % 3}" for i, a in enumerate(np.linspace(0, 6, 30))
    ]
    path.write_text("\n".join(rows) + "\n")
    return str(path)


def change(qtbot, w, what: str, tmp_path) -> None:
    """One change that starts a new run, made as a user makes it."""
    np_, dp, tp = w.network_panel, w.data_panel, w.training_panel
    if what == "activation":
        np_.activation_combo.setFocus()
        press(qtbot, Qt.Key.Key_Down)
    elif what == "add layer":
        click(qtbot, np_.add_button)
    elif what == "width":
        click_arrow(qtbot, np_.width_spins[0])
    elif what == "feature":
        click(qtbot, np_.feature_boxes["x1*x2"])
    elif what == "seed":
        click_text(qtbot, tp.seed_spin)
        press(qtbot, Qt.Key.Key_A, CTRL)
        type_text(qtbot, "7")
        press(qtbot, Qt.Key.Key_Return)
    elif what == "reset":
        w.canvas.setFocus()
        press(qtbot, Qt.Key.Key_R)
    elif what == "preset":
        dp.preset_combo.setFocus()
        press(qtbot, Qt.Key.Key_Down)  # circles
    elif what == "task":
        dp.task_combo.setFocus()
        press(qtbot, Qt.Key.Key_Down)
    elif what == "regenerate":
        click(qtbot, dp.regenerate_button)
    elif what == "points":
        click_arrow(qtbot, dp.points_spin)
    elif what == "lesson":
        assert open_and_wait(qtbot, w, "deep_sigmoid")
    elif what == "csv":
        assert w.import_csv(_csv(tmp_path))


CHANGES = [
    "activation",
    "add layer",
    "width",
    "feature",
    "seed",
    "reset",
    "preset",
    "task",
    "regenerate",
    "points",
    "lesson",
    "csv",
]


@pytest.mark.parametrize("what", CHANGES)
def test_each_reset_is_undone_exactly_and_redone(window, qtbot, tmp_path, what):  # noqa: F811
    w = window
    train(qtbot, w)
    before = engine_value(qtbot, w, run_state)
    shown = panels(w)
    depth = w.canvas.history.undo_depth
    change(qtbot, w, what, tmp_path)
    assert w.canvas.history.undo_depth == depth + 1  # one step, whatever it did
    qtbot.waitUntil(lambda: engine_value(qtbot, w, run_state) != before, timeout=LONG)
    qtbot.waitUntil(
        lambda: w.latest.snapshot.step == 0 or what in ("preset", "regenerate", "points"),
        timeout=LONG,
    )
    train(qtbot, w, 2)  # the new run trains: redo must bring that back too
    after = engine_value(qtbot, w, run_state)
    after_shown = panels(w)
    assert after["step"] > 0
    w.grab()

    undo(qtbot, w)
    engine_is(qtbot, w, before)
    qtbot.waitUntil(lambda: panels(w) == shown, timeout=LONG)
    assert w.canvas.dataset.points.tobytes() == before["points"][0]
    w.grab()
    train(qtbot, w, 1)  # the old run trains on from where it was

    undo(qtbot, w, redo=True)
    engine_is(qtbot, w, after)
    qtbot.waitUntil(lambda: panels(w) == after_shown, timeout=LONG)
    w.grab()

    undo(qtbot, w)  # and back again: the old run with the step it took after the undo
    qtbot.waitUntil(lambda: w.latest.snapshot.step == before["step"] + 10, timeout=LONG)


def test_edit_menu_names_the_reset_and_undo_after_a_failed_change_keeps_the_run(window, qtbot):  # noqa: F811
    w = window
    train(qtbot, w, 1)
    click(qtbot, w.network_panel.add_button)
    qtbot.waitUntil(lambda: len(w.latest.snapshot.arch.widths) == 5, timeout=LONG)
    assert w.canvas.undo_action.text() == "Undo add layer"
    undo(qtbot, w)
    assert w.canvas.redo_action.text() == "Redo add layer"
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 10, timeout=LONG)


def test_only_a_few_runs_are_kept_and_the_oldest_resets_go_first(window, qtbot):  # noqa: F811
    from backprop_lab.gui.edits import DEFAULT_RUNS

    w = window
    for _ in range(DEFAULT_RUNS + 2):
        click(qtbot, w.training_panel.step_button)
        w.canvas.setFocus()
        press(qtbot, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 0, timeout=LONG)
    kept = engine_value(qtbot, w, lambda _s: w.controller.worker.kept_runs)
    assert len(kept) == DEFAULT_RUNS - 1  # the live run and four kept
    assert set(kept) == set(w.runs.kept)
    for _ in range(DEFAULT_RUNS + 2):
        undo(qtbot, w)
    assert not w.canvas.undo_action.isEnabled()
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 1, timeout=LONG)


def test_a_new_run_that_fails_is_no_undo_step_and_changes_nothing(window, qtbot, monkeypatch):  # noqa: F811
    """A preset whose network cannot be built: the data, the run and the undo history stay
    as they were; the banner says why."""
    from backprop_lab.engine import session as session_module

    w = window
    train(qtbot, w, 1)
    before = engine_value(qtbot, w, run_state)
    depth, label = w.canvas.history.undo_depth, w.canvas.undo_action.text()
    shown = panels(w)

    def boom(*_a, **_k):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(session_module, "init_parameters", boom)
    dp = w.data_panel
    dp.preset_combo.setCurrentIndex(dp.preset_combo.findData("spirals"))  # 3 classes: new θ
    qtbot.waitUntil(lambda: w.banner.kind == "error", timeout=LONG)
    assert "injected failure" in w.banner.text
    assert engine_value(qtbot, w, run_state) == before
    assert w.canvas.history.undo_depth == depth and w.canvas.undo_action.text() == label
    assert engine_value(qtbot, w, lambda _s: w.controller.worker.kept_runs) == ()
    qtbot.waitUntil(lambda: panels(w) == shown, timeout=LONG)
    w.grab()


def test_a_control_used_right_after_an_undo_acts_on_the_run_brought_back(window, qtbot):  # noqa: F811
    """The panels show the run brought back at once: a feature ticked before the engine
    has even answered the undo changes that run's network, and panels and engine agree."""
    w = window
    np_ = w.network_panel
    train(qtbot, w, 1)
    click_arrow(qtbot, np_.width_spins[0])  # 4 → 5: a new run
    qtbot.waitUntil(lambda: w.latest.snapshot.arch.widths == (2, 5, 4, 1), timeout=LONG)
    undo(qtbot, w)
    assert np_.widths() == (2, 4, 4, 1)  # at once, not when the engine answers
    click(qtbot, np_.feature_boxes["x1*x2"])
    assert np_.widths() == (3, 4, 4, 1)
    qtbot.waitUntil(lambda: w.latest.snapshot.arch.widths == (3, 4, 4, 1), timeout=LONG)
    assert w.latest.snapshot.spec == np_.spec()
    undo(qtbot, w)  # the feature was a new run of its own: the trained run again
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 10, timeout=LONG)
    assert np_.widths() == (2, 4, 4, 1)
