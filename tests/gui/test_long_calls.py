"""Long engine calls run in slices: progress, cancel, Pause/Step meanwhile, and a close at
any moment stops the engine thread at once (no "QThread: Destroyed while running")."""

from __future__ import annotations

import time

import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.gui.main_window import MainWindow
from PySide6.QtCore import Qt

from .helpers import LONG, open_window


def wide_session() -> TrainingSession:
    """The issue's case: 8 hidden layers of 64 at B = 256, a check of about 2 minutes."""
    return TrainingSession(
        make_preset("spirals"),
        NetworkSpec(hidden=(64,) * 8, activation="tanh"),
        HyperParameters(alpha=0.01, batch_size=256),
        seed=0,
    )


@pytest.fixture
def window(qtbot):
    w = open_window(qtbot, size=None, session=wide_session())
    yield w
    w.close()


def start_check(qtbot, w):
    w.inspector_dock.show()
    view = w.inspector.gradcheck
    w.inspector.tabs.setCurrentWidget(view)
    qtbot.mouseClick(view.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.progress.value() > 0, timeout=LONG)
    return view


def test_a_gradient_check_shows_progress_lets_step_run_and_can_be_cancelled(window, qtbot):
    view = start_check(qtbot, window)
    assert not view.button.isEnabled() and view.cancel_button.isEnabled()
    assert view.progress.maximum() == sum(
        w.size + b.size
        for w, b in zip(window.latest.snapshot.params.W, window.latest.snapshot.params.b)
    )
    # Step responds while the check runs
    step = window.latest.snapshot.step
    qtbot.mouseClick(window.training_panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.latest.snapshot.step == step + 1, timeout=LONG)
    first = view.progress.value()
    qtbot.waitUntil(lambda: view.progress.value() > first, timeout=LONG)  # still checking
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.button.isEnabled(), timeout=LONG)
    assert "cancelled" in view.status.text().lower()
    assert view.result is None and not view.progress.isVisible()
    window.grab()
    # the engine goes on as usual
    qtbot.mouseClick(window.training_panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.latest.snapshot.step == step + 2, timeout=LONG)
    qtbot.waitUntil(lambda: window.inspector.frame.snapshot.step == step + 2, timeout=LONG)
    assert "cancelled" in view.status.text().lower()  # not "the parameters changed"


def test_closing_during_a_gradient_check_stops_at_once(qtbot, qtlog):
    w = MainWindow(session=wide_session())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=LONG)
    start_check(qtbot, w)
    t0 = time.perf_counter()
    w.close()
    elapsed = time.perf_counter() - t0
    print(f"closed during a gradient check in {elapsed * 1000:.0f} ms")
    assert not w.controller.thread.isRunning()
    assert not [m for m in qtlog.records if "QThread" in m.message]


@pytest.fixture(scope="module")
def big_lesson(tmp_path_factory):
    """A 20,000-point lesson (the most a lesson may hold)."""
    from backprop_lab.engine.scenario import save_scenario, scenario_from_session

    s = TrainingSession(
        make_preset("gaussians", n_points=20_000, test_fraction=0.2),
        NetworkSpec(hidden=(8, 8), activation="tanh"),
        HyperParameters(alpha=0.1, batch_size=32),
        seed=0,
    )
    s.step(20)
    path = tmp_path_factory.mktemp("big") / "big.json"
    save_scenario(path, scenario_from_session(s))
    return path


def test_opening_a_big_lesson_is_off_the_gui_thread_and_can_be_cancelled(qtbot, big_lesson):
    w = open_window(qtbot, size=None)
    n = len(w.latest.snapshot.dataset)
    w.files.offer_cancel_after_ms = 0  # the app waits a moment before offering Cancel
    assert w.open_lesson(big_lesson)
    assert w.files.busy and len(w.canvas.dataset) == n  # returned before reading the file
    # the user cancels from the banner
    qtbot.waitUntil(lambda: w.banner.action_button.isVisible(), timeout=LONG)
    assert w.banner.text.startswith("Opening") and w.banner.action_button.text() == "Cancel"
    qtbot.mouseClick(w.banner.action_button, Qt.MouseButton.LeftButton)
    assert not w.banner.isVisible()
    qtbot.waitUntil(lambda: not w.files.busy, timeout=LONG)
    qtbot.mouseClick(w.training_panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 1, timeout=LONG)
    assert len(w.latest.snapshot.dataset) == n == len(w.canvas.dataset)  # nothing changed
    # and opened to the end, it arrives whole
    w.open_lesson(big_lesson)
    qtbot.waitUntil(lambda: w.files.last_open_ok is True, timeout=LONG)
    qtbot.waitUntil(lambda: len(w.latest.snapshot.dataset) == 20_000, timeout=LONG)
    assert w.latest.snapshot.step == 20 and len(w.canvas.dataset) == 20_000
    assert not w.banner.action_button.isVisible()  # the offer to cancel went with the load
    w.grab()
    w.close()


def test_closing_while_a_lesson_opens_stops_at_once(qtbot, qtlog, big_lesson):
    w = open_window(qtbot, size=None)
    w.open_lesson(big_lesson)
    t0 = time.perf_counter()
    w.close()
    print(f"closed while opening in {(time.perf_counter() - t0) * 1000:.0f} ms")
    assert not w.controller.thread.isRunning()
    qtbot.wait(50)  # the abandoned read may finish now: it must change nothing
    assert len(w.canvas.dataset) < 20_000
    assert not [m for m in qtlog.records if "QThread" in m.message]


def test_closing_while_a_lesson_saves_leaves_a_whole_file(qtbot, qtlog, big_lesson, tmp_path):
    from backprop_lab.engine.scenario import load_scenario

    w = open_window(qtbot, size=None)
    w.open_lesson(big_lesson)
    qtbot.waitUntil(lambda: len(w.latest.snapshot.dataset) == 20_000, timeout=LONG)
    out = tmp_path / "out.json"
    out.write_text(big_lesson.read_text())  # an older version of the file is there
    w.save_lesson(out)
    # the save is under way (being captured or written): the close waits for it
    assert w.files.saving
    w.close()
    assert w.isVisible() and w.autosave.progress_note is not None
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=LONG)
    assert not w.controller.thread.isRunning()
    assert len(load_scenario(out).dataset) == 20_000 and load_scenario(out).state.step == 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no temporary file
    assert not [m for m in qtlog.records if "QThread" in m.message]
