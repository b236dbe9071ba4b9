"""Long engine calls run in slices: progress, cancel, Pause/Step meanwhile, and a close at
any moment stops the engine thread at once (no "QThread: Destroyed while running")."""

from __future__ import annotations

import time

import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.gui.main_window import MainWindow
from PySide6.QtCore import Qt

LONG = 60_000


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
    w = MainWindow(session=wide_session())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=LONG)
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
