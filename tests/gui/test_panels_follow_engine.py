"""The panels say what the engine trains, even when a frame made before the user's last
change reaches the window after it (a busy GUI thread takes frames late). Each test drives
the real window with real keys on the focused widgets and holds the frame back as a busy
window would, then waits for the engine and compares the panels with its runs."""

from __future__ import annotations

import threading

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from .helpers import LONG, click
from .test_compare_window import wait_runs
from .test_keys import press, type_text

CTRL = Qt.KeyboardModifier.ControlModifier


def engine_design(qtbot, w, run: int):
    """Run ``run``'s widths and settings, asked of the engine thread itself."""
    box = []
    w.controller.call_in_engine(
        lambda g: (g[run].arch.widths, g[run].hyper), reply=box.append, group=True
    )
    qtbot.waitUntil(lambda: len(box) == 1, timeout=LONG)
    return box[0]


def hold_frames(w) -> None:
    """The window takes no frame for a while (a long paint, a dialog): the engine's next
    frame waits in the mailbox."""
    w.controller._poll.stop()


def release_frames(w) -> None:
    w.controller._poll.start()


def wait_frame_in_mailbox(qtbot, w, runs: int) -> None:
    worker = w.controller.worker
    qtbot.waitUntil(
        lambda: worker._mailbox is not None and len(worker._mailbox.runs) == runs, timeout=LONG
    )


def busy_engine(w) -> threading.Event:
    """The engine thread is busy a moment (a long step, a dear frame): the commands sent
    meanwhile wait behind it. Set the event to let it go on."""
    gate = threading.Event()
    w.controller.call_in_engine(lambda _s: gate.wait(LONG / 1000))
    return gate


def focus_on(qtbot, widget) -> None:
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=LONG)


def test_a_preset_chosen_before_the_duplicates_frame_arrives_shows_the_new_outputs(window, qtbot):
    w = window
    np_, dp = w.network_panel, w.data_panel
    assert np_.widths()[-1] == 1  # XOR: one output

    focus_on(qtbot, w.canvas)
    hold_frames(w)
    press(qtbot, Qt.Key.Key_D, CTRL)  # Duplicate as B: the copy gets the focus
    wait_frame_in_mailbox(qtbot, w, 2)  # made before the next change, not yet taken

    gate = busy_engine(w)
    # the preset: two down from XOR is Gaussian blobs, three classes (three outputs)
    focus_on(qtbot, dp.preset_combo)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    assert dp.preset == "gaussians" and np_.widths()[-1] == 3
    release_frames(w)
    # the window takes the frame made before the new preset
    qtbot.waitUntil(lambda: len(w.latest.runs) == 2, timeout=LONG)
    w.grab()
    gate.set()

    qtbot.waitUntil(
        lambda: w.latest.runs[1].snapshot.dataset.n_classes == 3 and w.compare.focus == 1,
        timeout=LONG,
    )
    wait_runs(qtbot, w, 2)
    w.grab()
    widths, hyper = engine_design(qtbot, w, 1)
    assert widths[-1] == 3
    assert np_.widths() == widths  # the panel shows B as the engine trains it
    assert w.training_panel.hyper() == hyper


def test_ctrl_tab_right_after_a_new_preset_shows_the_next_run_with_the_new_outputs(window, qtbot):
    w = window
    np_, dp = w.network_panel, w.data_panel
    focus_on(qtbot, w.canvas)
    press(qtbot, Qt.Key.Key_D, CTRL)  # Duplicate as B: B has the focus
    wait_runs(qtbot, w, 2)
    qtbot.waitUntil(lambda: w.compare.focus == 1, timeout=LONG)
    w.grab()

    hold_frames(w)
    gate = busy_engine(w)
    focus_on(qtbot, dp.preset_combo)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)  # Gaussian blobs: three outputs, for every run
    assert dp.preset == "gaussians" and np_.widths()[-1] == 3
    focus_on(qtbot, w.canvas)
    press(qtbot, Qt.Key.Key_Tab, CTRL)  # A, from the frame at hand (made before the preset)
    assert w.compare.focus == 0
    release_frames(w)
    gate.set()

    qtbot.waitUntil(lambda: w.latest.snapshot.dataset.n_classes == 3, timeout=LONG)
    w.grab()
    widths, hyper = engine_design(qtbot, w, 0)
    assert widths[-1] == 3
    qtbot.waitUntil(lambda: np_.widths() == widths, timeout=LONG)
    assert w.training_panel.hyper() == hyper


def type_into(qtbot, spin, text: str) -> None:
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton, pos=QPoint(8, spin.height() // 2))
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, text)
    press(qtbot, Qt.Key.Key_Return)


def test_undo_of_a_reset_made_before_a_contrasts_frame_shows_the_runs_settings(window, qtbot):
    w = window
    tp = w.training_panel
    type_into(qtbot, tp.lam_spin, "5")
    qtbot.waitUntil(lambda: engine_design(qtbot, w, 0)[1].lam == 5.0, timeout=LONG)
    w.grab()

    hold_frames(w)  # a busy window: the comparison's frame comes after the click below
    w.compare.contrast_actions["lam"].trigger()  # Train → Compare → λ = 0 | 0.01
    click(qtbot, tp.reset_button)  # Reset θ: the panels still show λ = 5
    release_frames(w)
    wait_runs(qtbot, w, 2)
    qtbot.waitUntil(lambda: tp.hyper().lam == 0.0, timeout=LONG)  # A's λ, from its frame
    w.grab()

    focus_on(qtbot, w.canvas)
    press(qtbot, Qt.Key.Key_Z, CTRL)  # undo the reset: the comparison as it was
    qtbot.waitUntil(lambda: w.canvas.redo_action.text() == "Redo reset parameters", timeout=LONG)
    _widths, hyper = engine_design(qtbot, w, 0)
    assert hyper.lam == 0.0
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 0 and len(w.latest.runs) == 2, timeout=LONG)
    w.grab()
    qtbot.waitUntil(lambda: tp.hyper() == hyper, timeout=LONG)  # the panel says what A trains
