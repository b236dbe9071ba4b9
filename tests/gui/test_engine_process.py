"""Play at "max" steps in the engine process (gui/engine_process.py), driven through the
real window: the frames keep coming, a pause brings the runs back exactly where a
headless run with the same steps is, a command while playing acts on the newest runs,
the guard's stop and a lost process are told, and closing the window ends the process."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.walk import unit_health
from backprop_lab.gui import commands as cmd
from backprop_lab.gui import engine_process
from PySide6.QtCore import Qt

from .helpers import LONG, click, engine_value, open_window

pytestmark = pytest.mark.skipif(
    not engine_process.wanted(), reason="BACKPROP_LAB_ENGINE=thread: no engine process"
)


def session(alpha: float = 0.1, seed: int = 0) -> TrainingSession:
    return TrainingSession(
        make_preset("xor", n_points=300, noise=0.0, test_fraction=0.2, seed=0),
        NetworkSpec(hidden=(6, 6), activation="tanh"),
        HyperParameters(alpha=alpha, batch_size=8),
        seed=seed,
    )


def max_speed(qtbot, w) -> None:
    """The speed slider to its end ("max") with the keyboard, as a user would."""
    slider = w.training_panel.speed_slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)
    assert slider.value() == slider.maximum()


def play_in_process(qtbot, w) -> None:
    max_speed(qtbot, w)
    click(qtbot, w.training_panel.play_button)
    worker = w.controller.worker
    qtbot.waitUntil(lambda: worker.lent, timeout=LONG)
    start = w.latest.snapshot.step
    qtbot.waitUntil(lambda: w.latest.snapshot.step > start + 200, timeout=LONG)
    w.grab()


def toggle_inspector(qtbot, w, shown: bool) -> None:
    """I, as the user presses it, until the inspector is shown (or hidden)."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: w.inspector_dock.isVisible() == shown, timeout=LONG)


def pause(qtbot, w) -> None:
    click(qtbot, w.training_panel.play_button)
    worker = w.controller.worker
    qtbot.waitUntil(lambda: not worker.lent and not w.controller.running, timeout=LONG)


def test_play_at_max_steps_in_the_process_and_a_pause_brings_the_runs_back_exactly(qtbot):
    w = open_window(qtbot, session=session())
    play_in_process(qtbot, w)
    pid = w.controller.worker.process.proc.pid
    assert pid != os.getpid()
    frames = w.frames_drawn
    qtbot.waitUntil(lambda: w.frames_drawn > frames + 10, timeout=LONG)  # the window draws them
    pause(qtbot, w)
    steps, theta = engine_value(qtbot, w, lambda s: (s.step_count, s.params.flat.copy()))
    assert steps > 200
    # the same run stepped headless the same number of steps: the same numbers, bit for bit
    ref = session()
    ref.step(steps)
    assert np.array_equal(ref.params.flat, theta)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == steps, timeout=LONG)
    w.grab()
    # Play goes on in the process from there
    click(qtbot, w.training_panel.play_button)
    qtbot.waitUntil(lambda: w.controller.worker.lent, timeout=LONG)
    qtbot.waitUntil(lambda: w.latest.snapshot.step > steps + 100, timeout=LONG)
    assert w.controller.worker.process.proc.pid == pid  # one process, started once
    w.close()
    assert not w.controller.thread.isRunning()


def test_a_setting_changed_while_playing_acts_on_the_newest_runs_and_play_goes_on(qtbot):
    w = open_window(qtbot, session=session())
    play_in_process(qtbot, w)
    box = w.training_panel.alpha_box
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "0.05")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    seen = w.latest.snapshot.step
    qtbot.waitUntil(lambda: w.latest.snapshot.hyper.alpha == 0.05, timeout=LONG)
    assert w.latest.snapshot.step >= seen  # nothing went back
    qtbot.waitUntil(lambda: w.controller.worker.lent, timeout=LONG)  # and lent again
    qtbot.waitUntil(lambda: w.latest.snapshot.step > seen + 200, timeout=LONG)
    pause(qtbot, w)
    assert engine_value(qtbot, w, lambda s: s.hyper.alpha) == 0.05
    w.grab()
    w.close()


def test_hovering_while_playing_keeps_the_steps_in_the_process(qtbot):
    w = open_window(qtbot, session=session())
    play_in_process(qtbot, w)
    worker = w.controller.worker
    w.controller.send(cmd.SetGridUnit((1, 0)))  # what hovering a unit of the diagram sends
    qtbot.waitUntil(lambda: w.latest.unit == (1, 0), timeout=LONG)
    assert worker.lent  # passed on: the runs never came back
    w.controller.send(cmd.SetGridUnit(None))
    qtbot.waitUntil(lambda: w.latest.unit is None, timeout=LONG)
    assert worker.lent
    w.grab()
    w.close()


def test_a_run_that_diverges_in_the_process_stops_and_says_so(qtbot):
    w = open_window(qtbot, session=session(alpha=50.0, seed=2))
    # the inspector open: a summary asked as the process stops by itself is answered too
    toggle_inspector(qtbot, w, True)
    max_speed(qtbot, w)
    click(qtbot, w.training_panel.play_button)
    worker = w.controller.worker
    qtbot.waitUntil(lambda: w.latest.snapshot.diverged is not None, timeout=LONG)
    qtbot.waitUntil(lambda: not w.controller.running and not worker.lent, timeout=LONG)
    assert not w.training_panel.play_button.isChecked()
    assert engine_value(qtbot, w, lambda s: s.diverged) is not None
    qtbot.waitUntil(lambda: not w.inspector._summary_busy, timeout=LONG)
    assert not worker._remote
    w.grab()
    w.close()


def test_a_lost_process_is_told_and_training_goes_on_in_the_window(qtbot):
    w = open_window(qtbot, session=session())
    play_in_process(qtbot, w)
    worker = w.controller.worker
    told = []
    w.controller.message.connect(told.append)
    os.kill(worker.process.proc.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: bool(told) and worker.process is None, timeout=LONG)
    assert "engine process stopped" in told[0]
    assert w.controller.running  # Play goes on, in the thread now
    seen = w.latest.snapshot.step
    qtbot.waitUntil(lambda: w.latest.snapshot.step > seen + 100, timeout=LONG)
    assert not worker.lent
    w.grab()
    pause(qtbot, w)
    w.close()


def test_closing_the_window_while_playing_ends_the_process(qtbot):
    w = open_window(qtbot, session=session())
    play_in_process(qtbot, w)
    proc = w.controller.worker.process.proc
    w.close()
    assert not w.controller.thread.isRunning()
    proc.join(5)
    assert not proc.is_alive()


def test_with_the_thread_chosen_no_process_is_started(qtbot, monkeypatch):
    monkeypatch.setenv(engine_process.ENV, "thread")
    w = open_window(qtbot, session=session())
    max_speed(qtbot, w)
    click(qtbot, w.training_panel.play_button)
    qtbot.waitUntil(lambda: w.latest.snapshot.step > 300, timeout=LONG)
    assert w.controller.worker.process is None
    pause(qtbot, w)
    w.close()


SCRIPT = """
import os, time
from pathlib import Path
marker = Path(os.environ["MARKER"])
with marker.open("a") as f:
    f.write(f"{os.getpid()}\\n")  # once per run of this script
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from backprop_lab.gui.main_window import MainWindow
app = QApplication([])
w = MainWindow(preset="xor")
w.show()
s = w.training_panel.speed_slider
s.setValue(s.maximum())
w.play()
def done():
    with marker.open("a") as f:
        f.write(f"lends {w.controller.worker.lends}\\n")
    app.exit(0)
QTimer.singleShot(4000, done)
app.exec()
w.close()
"""


def test_a_users_script_without_a_main_guard_is_not_run_again_by_the_process(tmp_path):
    """``spawn`` would run the main script again in the process: a script that opens the
    window with no ``if __name__ == "__main__"`` would open a second one there."""
    import subprocess
    import sys

    script = tmp_path / "no_guard.py"
    script.write_text(SCRIPT)
    marker = tmp_path / "marker.txt"
    env = dict(os.environ, MARKER=str(marker), HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    env["BACKPROP_LAB_NO_PROMPTS"] = "1"
    env["BACKPROP_LAB_AUTOSAVE_DIR"] = str(tmp_path / "autosave")
    subprocess.run([sys.executable, str(script)], env=env, timeout=120, check=True)
    lines = marker.read_text().splitlines()
    assert len([x for x in lines if x.isdigit()]) == 1  # the script ran once
    assert lines[-1].startswith("lends ") and int(lines[-1].split()[1]) >= 1  # Play was lent


def test_with_the_inspector_open_its_summaries_are_made_in_the_process(qtbot):
    """The inspector asks the engine for a summary four times a second while training (a
    call that only reads the run): the process answers it on the runs as they are there,
    so the steps stay in the process and the summaries keep up with them."""
    w = open_window(qtbot, session=session())
    play_in_process(qtbot, w)
    worker = w.controller.worker
    lends = worker.lends
    toggle_inspector(qtbot, w, True)
    insp = w.inspector
    seen = w.latest.snapshot.step
    qtbot.waitUntil(
        lambda: insp.summary is not None and insp.summary.step > seen + 500, timeout=LONG
    )
    w.grab()
    assert worker.lent and worker.lends == lends  # never taken back for them
    assert not worker._remote  # every summary asked was answered
    # the summary is the run's, as the engine thread would make it: same step, same marks
    pause(qtbot, w)
    qtbot.waitUntil(lambda: insp.summary.step == w.latest.snapshot.step, timeout=LONG)
    here = engine_value(qtbot, w, lambda s: [(h.layer, list(h.dead)) for h in unit_health(s)])
    assert [(h.layer, list(h.dead)) for h in insp.summary.health] == here
    # closing the inspector, the runs are lent again at Play
    toggle_inspector(qtbot, w, False)
    click(qtbot, w.training_panel.play_button)
    qtbot.waitUntil(lambda: worker.lent, timeout=LONG)
    pause(qtbot, w)
    w.close()


def test_play_with_the_inspector_already_open_goes_to_the_process(qtbot):
    """The inspector's summaries (four a second while training) do not hold the runs in the
    thread: they are answered in the process."""
    w = open_window(qtbot, session=session())
    toggle_inspector(qtbot, w, True)
    play_in_process(qtbot, w)
    insp = w.inspector
    seen = w.latest.snapshot.step
    qtbot.waitUntil(lambda: insp.summary is not None and insp.summary.step > seen, timeout=LONG)
    w.grab()
    pause(qtbot, w)
    w.close()
