"""Messages clear when their situation ends, and the smaller things on and around the
canvas: the rewind note, the pick ring, the status line without test points, the epoch
count, the keys list's names for undo. Driven through the real window."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt

from .helpers import LONG, click, open_and_wait, open_window, step_of
from .test_canvas import drag
from .test_keys import press, window  # noqa: F401

CTRL = Qt.KeyboardModifier.ControlModifier


def test_the_rewind_note_goes_when_training_moves_on(window, qtbot):  # noqa: F811
    w = window
    w.canvas.setFocus()
    press(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # step 10
    qtbot.waitUntil(lambda: step_of(w) == 10, timeout=LONG)
    press(qtbot, Qt.Key.Key_PageUp)  # back one step (a rewind)
    qtbot.waitUntil(lambda: step_of(w) == 9, timeout=LONG)
    note = w.inspector.note
    qtbot.waitUntil(lambda: note.text().startswith("Rewound to step 9"), timeout=LONG)
    assert w.statusBar().currentMessage().startswith("Rewound to step 9")
    press(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # on to step 19
    qtbot.waitUntil(lambda: step_of(w) == 19, timeout=LONG)
    qtbot.waitUntil(lambda: not note.text(), timeout=LONG)
    assert not w.statusBar().currentMessage().startswith("Rewound")
    w.grab()


def test_the_pick_ring_goes_when_other_data_come(window, qtbot):  # noqa: F811
    w = window
    w.canvas.setFocus()
    press(qtbot, Qt.Key.Key_K)  # the pick tool
    x, y = w.canvas.dataset.points[7]
    c = w.canvas
    pos = QPoint(c.mapFromScene(c.plotItem.vb.mapViewToScene(QPointF(x, y))))
    qtbot.mouseClick(c.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: w.inspector.picked is not None, timeout=LONG)
    assert c.highlighted is not None
    assert open_and_wait(qtbot, w, "deep_sigmoid")
    assert c.highlighted is None and w.inspector.picked is None
    w.grab()


def test_the_status_line_says_when_there_are_no_test_points(window, qtbot):  # noqa: F811
    w = window
    dp = w.data_panel
    dp.test_slider.setFocus()
    for _ in range(5):
        press(qtbot, Qt.Key.Key_Down)
    assert w.canvas.dataset.n_test == 0
    qtbot.waitUntil(lambda: w.latest.snapshot.dataset.n_test == 0, timeout=LONG)
    qtbot.waitUntil(lambda: "no test points" in w.status_label.text(), timeout=LONG)
    assert "–%" not in w.status_label.text() and "test –" not in w.status_label.text()
    w.grab()


def test_the_epoch_count_keeps_what_was_done_when_points_are_added(window, qtbot):  # noqa: F811
    w = window
    w.canvas.setFocus()
    press(qtbot, Qt.Key.Key_Right, CTRL)  # one epoch
    qtbot.waitUntil(lambda: step_of(w) > 0, timeout=LONG)
    qtbot.waitUntil(lambda: not w.latest.running and w.latest.snapshot.step > 1, timeout=LONG)
    epoch = w.latest.snapshot.epoch
    assert 0.9 < epoch <= 1.0
    drag(qtbot, w.canvas, [(-4.0 + 0.2 * i, 0.3) for i in range(41)])
    qtbot.waitUntil(lambda: len(w.latest.snapshot.dataset) == len(w.canvas.dataset), timeout=LONG)
    assert w.latest.snapshot.epoch == epoch  # the epoch done stays done
    assert f"epoch {epoch:.2f}" in w.status_label.text()


def test_the_keys_list_names_undo_and_redo_plainly(window, qtbot):  # noqa: F811
    from backprop_lab.gui.help import shortcut_rows

    w = window
    w.data_panel.preset_combo.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    assert w.canvas.undo_action.text() == "Undo preset"  # the Edit menu says what it undoes
    names = [what for _keys, what in shortcut_rows(w)]
    assert "Undo" in names and "Redo" in names
    assert not any(n.startswith("Undo ") or n.startswith("Redo ") for n in names)


def test_nine_layers_get_nine_colours(window, qtbot):  # noqa: F811
    w = window
    for _ in range(6):
        click(qtbot, w.network_panel.add_button)
    qtbot.waitUntil(lambda: w.latest.snapshot.arch.depth == 9, timeout=LONG)
    w.plots.update_snapshot(w.latest.snapshot)
    colours = [c.opts["pen"].color().name() for c in w.plots.delta_curves]
    assert len(colours) == 9 and len(set(colours)) == 9
    w.grab()


def test_a_status_message_is_seen_while_it_lasts(qtbot):
    """A status-bar message gets the bar's width (the training status steps aside) and the
    training status comes back when it ends."""
    w = open_window(qtbot)
    bar = w.statusBar()
    assert w.status_label.isVisible()
    bar.showMessage("Saved lesson.json", 60_000)
    w.grab()
    assert not w.status_label.isVisible()
    assert bar.currentMessage() == "Saved lesson.json"
    bar.clearMessage()
    w.grab()
    assert w.status_label.isVisible()
