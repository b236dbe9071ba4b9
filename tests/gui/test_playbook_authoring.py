"""Writing and opening playbooks in the window: a playbook from the session, scenes and
beats added from the dock's menus, text edited in place, scenes reordered by dragging,
Preview, Save (rehearsed), a click to jump, the background rehearsal on opening, and a
malformed playbook refused with its field named and nothing changed."""

from __future__ import annotations

import json

import pytest
from backprop_lab.engine.playbook import load_builtin, load_playbook
from backprop_lab.engine.player import Player
from backprop_lab.engine.rehearse import rehearse
from backprop_lab.gui.playbook_authoring import BeatDialog, beat_summary
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QFileDialog

from ..engine.playbook_support import state_digest
from .helpers import LONG, engine_value, open_window
from .lecture_helpers import open_lecture, settle, wait_shown


def training_digest(s) -> str:
    """What an embedded start keeps (a lesson's state): θ, the optimizer, the batch RNG and
    epoch order, the counters, the design and the points, the loss curves."""
    import hashlib

    import numpy as np

    h = hashlib.sha256()
    arrays = [*s.params.arrays(), s.batch_state().order, s.dataset.points, s.dataset.y]
    opt = s.optimizer.get_state()
    for k in sorted(opt):
        v = opt[k]
        arrays += v if isinstance(v, list) else []
        h.update(repr((k, None if isinstance(v, list) else v)).encode())
    hist = s.history.arrays()
    arrays += [hist.step, hist.train_loss, hist.test_loss]
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    h.update(repr((s.batch_state().rng, s.step_count, s.samples_seen, s.seed, s.hyper)).encode())
    h.update(repr(s.spec).encode())
    return h.hexdigest()


@pytest.fixture
def window(qtbot):
    w = open_window(qtbot, size=(1280, 800))
    yield w
    w.close()


def wait_io(qtbot, w) -> None:
    qtbot.waitUntil(lambda: not w.files.io.busy, timeout=LONG)
    settle(qtbot)


def new_playbook(qtbot, w):
    dock = w.lecture.dock
    w.lecture.menus.actions["new"].trigger()  # File → New playbook from this session
    qtbot.waitUntil(lambda: dock.doc is not None, timeout=LONG)
    return dock


def test_a_playbook_from_the_session_starts_exactly_there(qtbot, window, tmp_path, monkeypatch):
    w = window
    w.step(37)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 37, timeout=LONG)
    here = engine_value(qtbot, w, training_digest)
    dock = new_playbook(qtbot, w)
    assert dock.isVisible() and dock.scenes.count() == 1
    assert "embedded" in dock.doc["scenes"][0]["start"]
    # beats from the menu, each through its dialog
    answers = {
        "ask": lambda d: (
            d.question.setPlainText("Will the loss fall?"),
            d.choices[0].setText("Yes"),
            d.choices[1].setText("No"),
            d.answer.setText("A"),
            d.hide_boxes["loss"].setChecked(True),
        ),
        "run": lambda d: d.amount.setValue(25),
    }

    def fake_exec(dialog):
        answers[dialog.kind](dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(BeatDialog, "exec", fake_exec)
    dock.beats.setCurrentRow(0)
    dock.beat_actions["ask"].trigger()
    dock.beat_actions["run"].trigger()
    dock.beat_actions["reveal"].trigger()
    assert [b["type"] for b in dock.doc["scenes"][0]["beats"]] == ["show", "ask", "run", "reveal"]
    assert dock.book is not None and not dock.error
    assert dock.beats.item(1).text().startswith("2. ask · Will the loss fall?")
    # the scene's text, edited in the dock
    dock.scene_text.setPlainText("Watch the loss.")
    assert dock.doc["scenes"][0]["text"] == "Watch the loss."
    # save: rehearsed, and it reads back
    path = tmp_path / "talk.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    dock.save_button.click()
    wait_io(qtbot, w)
    book = load_playbook(path)
    assert [len(s.rehearsal) for s in book.scenes] == [4]
    assert rehearse(book)[0] == book.scenes[0].rehearsal
    assert book.scenes[0].text == "Watch the loss."
    # the scene starts exactly where the session was, and steps on with the same numbers
    p = Player(book)
    assert training_digest(p.session) == here
    after = engine_value(qtbot, w, lambda s: (s.step(20), training_digest(s))[1])
    p.session.step(20)
    assert training_digest(p.session) == after
    # Preview plays it in the window
    dock.preview_button.click()
    qtbot.waitUntil(lambda: w.lecture.state is not None, timeout=LONG)
    assert w.canvas_area.notes.shown.description == "Watch the loss."
    assert engine_value(qtbot, w, training_digest) == here


def test_scenes_reorder_by_dragging_and_a_mistake_is_named(qtbot, window):
    w = window
    dock = new_playbook(qtbot, w)
    dock.add_scene_button.click()
    qtbot.waitUntil(lambda: dock.scenes.count() == 2, timeout=LONG)
    dock.scene_title.setText("Second")
    dock.scene_title.editingFinished.emit()
    assert [s["title"] for s in dock.doc["scenes"]] == ["Scene 1", "Second"]
    # a drag of the second scene above the first (what InternalMove does to the model)
    model = dock.scenes.model()
    assert model.moveRow(QModelIndex(), 1, QModelIndex(), 0)
    settle(qtbot)
    assert [s["title"] for s in dock.doc["scenes"]] == ["Second", "Scene 1"]
    assert dock.scenes.item(0).text().startswith("1. Second")
    # a reveal with nothing asked: named with its field; Preview and Save wait
    dock.scenes.setCurrentRow(0)
    dock.beat_actions["reveal"].trigger()
    assert dock.book is None
    assert dock.error.startswith("scenes[0].beats[1]") and "nothing to reveal" in dock.error
    assert dock.error_label.isVisible()
    assert not dock.preview_button.isEnabled() and not dock.save_button.isEnabled()
    dock.undo_button.click()  # Undo takes it back
    assert dock.book is not None and not dock.error_label.isVisible()
    assert [b["type"] for b in dock.doc["scenes"][0]["beats"]] == ["show"]


def test_a_beat_dialog_writes_what_the_file_reads():
    d = BeatDialog("walk", {"type": "walk", "to": "delta", "layer": 2, "point": 6})
    assert d.beat() == {"type": "walk", "to": "delta", "layer": 2, "point": 6}
    d = BeatDialog("run", {"type": "run", "until": {"train_loss_below": 0.1}, "max_steps": 300})
    assert d.beat() == {"type": "run", "until": {"train_loss_below": 0.1}, "max_steps": 300}
    d = BeatDialog("set")
    d.path.setCurrentText("hyper.alpha")
    d.value.setText("0.03")
    assert d.beat() == {"type": "set", "changes": {"hyper.alpha": 0.03}}
    assert beat_summary(d.beat()) == "set · hyper.alpha = 0.03"
    d = BeatDialog("note")
    d.note.setPlainText("ask a few people why")
    assert d.beat() == {"type": "note", "text": "ask a few people why"}


def test_a_malformed_playbook_from_file_is_named_and_changes_nothing(
    qtbot, window, tmp_path, monkeypatch
):
    w = window
    w.step(5)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 5, timeout=LONG)
    before = engine_value(qtbot, w, state_digest)
    d = load_builtin("week5").to_dict()
    d["scenes"][2]["beats"][3]["layer"] = 3  # the XOR network has two layers
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    w.lecture.menus.actions["open"].trigger()  # File → Open playbook…
    qtbot.waitUntil(lambda: w.lecture.last_open_ok is False, timeout=LONG)
    w.grab()
    text = w.banner.label.text()
    assert "scenes[2].beats[3].layer" in text and "Nothing changed" in text
    assert not w.lecture.active
    assert engine_value(qtbot, w, state_digest) == before
    assert w.latest.snapshot.step == 5


def test_opening_rehearses_in_the_background_and_lists_what_no_longer_reproduces(
    qtbot, window, tmp_path
):
    w = window
    d = load_builtin("week5").to_dict()
    d["scenes"][3]["rehearsal"][1]["theta"] = "0123456789abcdef"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    w.lecture.open(str(path))
    qtbot.waitUntil(lambda: w.lecture.active, timeout=LONG)
    dock = w.lecture.dock
    qtbot.waitUntil(lambda: dock.rehearsal is not None, timeout=LONG)
    assert dock.rehearsal.bad == [3]
    assert "no longer reproduce: 4" in dock.status.text()
    assert "✗ does not reproduce from beat 2" in dock.scenes.item(3).text()
    assert "✓ reproduces" in dock.scenes.item(2).text()
    assert "no longer reproduce" in w.banner.label.text()
    assert not dock.scenes.item(0).icon().isNull()  # a thumbnail of the scene's start


def test_a_click_on_a_scene_jumps_there(qtbot):
    w = open_lecture(qtbot, screen=None, present=False)
    dock = w.lecture.dock
    qtbot.waitUntil(dock.isVisible, timeout=LONG)
    rect = dock.scenes.visualItemRect(dock.scenes.item(2))
    qtbot.mouseClick(dock.scenes.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    oracle = Player(load_builtin("week5"))
    oracle.goto(2)
    wait_shown(qtbot, w, oracle)
    assert engine_value(qtbot, w, state_digest) == state_digest(oracle.session)
    assert dock.scenes.currentRow() == 2
    w.close()


def test_the_dock_hides_in_presentation_and_comes_back(qtbot):
    w = open_lecture(qtbot, present=False)
    dock = w.lecture.dock
    qtbot.waitUntil(dock.isVisible, timeout=LONG)
    w.fit.present(True)
    settle(qtbot)
    assert not dock.isVisible()
    w.fit.present(False)
    settle(qtbot)
    assert dock.isVisible()
    w.close()
