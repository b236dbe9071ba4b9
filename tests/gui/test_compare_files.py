"""A comparison in lesson files, through the window as a user drives it: File → Save
lesson writes every run, File → Open brings them all back (one undo step) and they go on
to the bit as if never saved; a broken ``compare`` block is named in the banner and
changes nothing; the autosave keeps the comparison and a restore brings it back; a single
run is saved byte for byte as before."""

from __future__ import annotations

import json

from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.group import RunGroup
from backprop_lab.engine.scenario import save_scenario, scenario_from_session
from backprop_lab.gui.lesson_files import LessonDetailsDialog, state_key
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from tests.engine.group_helpers import state_digest
from tests.engine.test_compare_file import PLACES, SPLICE, _set

from .helpers import LONG, open_window
from .test_autosave import crash_then_restore, folder  # noqa: F401 - folder: a fixture
from .test_compare_window import _group, key, runs_shown, step10, wait_runs
from .test_keys import reactivate

CTRL = Qt.KeyboardModifier.ControlModifier


def save_through_menu(qtbot, w, monkeypatch, path) -> None:
    """File → Save lesson: the details dialog answered with Save, the file dialog with
    ``path``; returns once the window heard the file is written."""
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    saved: list[str] = []
    w.files.saved.connect(lambda p, _k: saved.append(p))

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LessonDetailsDialog):
            QTimer.singleShot(20, answer)
            return
        box = dialog.findChild(QDialogButtonBox)
        qtbot.mouseClick(
            box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
        )

    QTimer.singleShot(0, answer)
    w.menus.actions.save.trigger()
    qtbot.waitUntil(lambda: saved == [str(path)], timeout=LONG)
    w.grab()


def open_through_menu(qtbot, w, monkeypatch, path) -> bool:
    """File → Open lesson, the file dialog answered with ``path``; the outcome."""
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    w.files.last_open_ok = None
    w.menus.actions.open.trigger()
    qtbot.waitUntil(lambda: w.files.last_open_ok is not None, timeout=LONG)
    w.grab()
    return w.files.last_open_ok


def digests(qtbot, w) -> list[str]:
    """Every run's θ, optimizer, batch stream, counters, latest metrics and curves (a
    lesson keeps no rewind points and no wall-clock times: those are not compared)."""
    box = []
    w.controller.call_in_engine(lambda g: [state_digest(s) for s in g], box.append, group=True)
    qtbot.waitUntil(lambda: len(box) == 1, timeout=LONG)
    return box[0]


def compare_sigmoid_relu(qtbot, w) -> None:
    w.compare.contrast_actions["activation"].trigger()
    wait_runs(qtbot, w, 2)


def test_a_saved_comparison_reopens_with_every_run_and_goes_on_to_the_bit(
    window, qtbot, tmp_path, monkeypatch
):
    w = window
    w.canvas.setFocus()
    compare_sigmoid_relu(qtbot, w)
    step10(qtbot, w)
    titles = w.compare.titles()
    path = tmp_path / "both.json"
    save_through_menu(qtbot, w, monkeypatch, path)
    saved = digests(qtbot, w)
    assert not w.autosave.dirty  # the saved file holds every run
    d = json.loads(path.read_text(encoding="utf-8"))
    assert len(d["compare"]["runs"]) == 1 and d["compare"]["runs"][0]["state"]["step"] == 10

    # the uninterrupted comparison, ten steps on
    step10(qtbot, w)
    assert w.autosave.dirty
    uninterrupted = digests(qtbot, w)

    # a fresh single run, then the file: the comparison as it was saved
    w.menus.actions.new.trigger()
    wait_runs(qtbot, w, 1)
    assert open_through_menu(qtbot, w, monkeypatch, path)
    wait_runs(qtbot, w, 2)
    qtbot.waitUntil(lambda: w.latest.snapshot.step == 10, timeout=LONG)
    assert w.compare.titles() == titles
    assert digests(qtbot, w) == saved
    assert w.compare.focus == 0 and w.controller.focus_run == 0
    qtbot.waitUntil(lambda: w.autosave.latest_key is not None, timeout=LONG)
    assert not w.autosave.dirty  # opened from a file: nothing to lose yet

    # it goes on exactly as the comparison that was never saved
    step10(qtbot, w)
    assert digests(qtbot, w) == uninterrupted
    assert w.autosave.dirty

    # opening was one undo step: Ctrl+Z brings the single run of File → New back
    reactivate(qtbot, w)
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z)
    wait_runs(qtbot, w, 1)
    assert w.latest.snapshot.step == 0
    # and redo brings the comparison back as it was left
    key(qtbot, w, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    wait_runs(qtbot, w, 2)
    assert digests(qtbot, w) == uninterrupted
    w.grab()


def test_the_unsaved_work_key_covers_every_run_and_a_group_of_one_is_its_run():
    ds = make_preset("xor", seed=1, n_points=20)
    a = TrainingSession(ds, NetworkSpec((3,)), HyperParameters(0.1, 4), seed=1)
    b = TrainingSession(ds, NetworkSpec((3,), activation="relu"), HyperParameters(0.1, 4), seed=1)
    single = RunGroup.of(a)
    assert state_key(single) == state_key(a)  # a group of one is its run
    group = RunGroup([a, b])
    before = state_key(group)
    assert before == state_key(group) and before != state_key(a)
    b.step(1)  # B alone changes
    after = state_key(group)
    assert after != before
    # all but the runs' training states are the same: training, not an edit
    assert after[:1] + after[2:] == before[:1] + before[2:]
    b.hyper = HyperParameters(0.3, 4)
    assert state_key(group)[2:] != after[2:]
    snap = group.snapshot(refresh=False)
    assert state_key(snap) == state_key(group)  # the frames' key is the group's


def test_a_broken_compare_block_is_named_and_the_open_comparison_stays(
    window, qtbot, tmp_path, monkeypatch
):
    w = window
    w.canvas.setFocus()
    compare_sigmoid_relu(qtbot, w)
    step10(qtbot, w)
    path = tmp_path / "good.json"
    save_through_menu(qtbot, w, monkeypatch, path)
    before = _group(qtbot, w)
    titles = w.compare.titles()
    d = json.loads(path.read_text(encoding="utf-8"))
    d["compare"]["runs"][0]["changes"]["hyper"] = {"alpha": "fast"}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(d), encoding="utf-8")
    assert not open_through_menu(qtbot, w, monkeypatch, bad)
    text = w.banner.text
    assert "bad.json" in text and "compare.runs[0].changes.hyper.alpha" in text, text
    assert "unchanged" in text
    assert runs_shown(w) == 2 and w.compare.titles() == titles
    assert _group(qtbot, w) == before
    # and a block whose runs are not in step
    d = json.loads(path.read_text(encoding="utf-8"))
    d["compare"]["runs"][0]["state"]["step"] = 3
    bad.write_text(json.dumps(d), encoding="utf-8")
    assert not open_through_menu(qtbot, w, monkeypatch, bad)
    assert "compare.runs[0].state" in w.banner.text, w.banner.text
    assert _group(qtbot, w) == before and w.compare.titles() == titles


def test_a_single_run_is_saved_byte_for_byte_as_the_lesson_alone(
    window, qtbot, tmp_path, monkeypatch
):
    w = window
    w.canvas.setFocus()
    step10(qtbot, w)
    path = tmp_path / "one.json"
    save_through_menu(qtbot, w, monkeypatch, path)
    assert "compare" not in json.loads(path.read_text(encoding="utf-8"))
    box = []
    doc = w.document
    w.controller.call_in_engine(
        lambda s: scenario_from_session(s, title=doc.title, description=doc.description),
        box.append,
    )
    qtbot.waitUntil(lambda: len(box) == 1, timeout=LONG)
    alone = tmp_path / "alone.json"
    save_scenario(alone, box[0])
    assert path.read_bytes() == alone.read_bytes()


def test_the_autosave_keeps_the_comparison_and_a_restore_brings_it_back(folder, qtbot):  # noqa: F811
    w1 = open_window(qtbot, size=None)
    w1.autosave.edit_delay_ms = 50  # a few seconds in the app; the test need not wait
    w1.canvas.setFocus()
    compare_sigmoid_relu(qtbot, w1)
    step10(qtbot, w1)
    titles = w1.compare.titles()
    state = digests(qtbot, w1)
    qtbot.waitUntil(
        lambda: (
            w1.autosave.written_key == w1.autosave.latest_key and len(w1.autosave.latest_key) == 3
        ),
        timeout=LONG,
    )
    d = json.loads(w1.autosave.path.read_text(encoding="utf-8"))
    assert len(d["compare"]["runs"]) == 1
    w2 = crash_then_restore(qtbot, w1)  # no close event: the autosave stays behind
    wait_runs(qtbot, w2, 2)
    qtbot.waitUntil(lambda: w2.latest.snapshot.step == 10, timeout=LONG)
    assert w2.compare.titles() == titles
    assert digests(qtbot, w2) == state
    assert w2.autosave.dirty  # restored work is still unsaved
    w2.grab()
    w2.close()
    assert not w2.autosave.path.exists()


def test_whatever_a_compare_block_holds_open_brings_the_runs_or_names_the_field(
    window, qtbot, tmp_path, monkeypatch
):
    """Values spliced into a saved comparison's block, opened through File → Open: the
    runs the file holds, or a banner naming the block (or the state) and the open
    comparison unchanged to the bit."""
    w = window
    w.canvas.setFocus()
    compare_sigmoid_relu(qtbot, w)
    step10(qtbot, w)
    good = tmp_path / "good.json"
    save_through_menu(qtbot, w, monkeypatch, good)
    saved = digests(qtbot, w)
    lesson = json.loads(good.read_text(encoding="utf-8"))
    outcomes = {"opened": 0, "refused": 0}

    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(place=st.sampled_from(PLACES), value=SPLICE)
    def case(place, value) -> None:
        d = _set(lesson, place, value)
        bad = tmp_path / "spliced.json"
        bad.write_text(json.dumps(d), encoding="utf-8")
        if open_through_menu(qtbot, w, monkeypatch, bad):
            outcomes["opened"] += 1
            block = d.get("compare")
            n = 1 + (len(block["runs"]) if isinstance(block, dict) else 0)
            wait_runs(qtbot, w, n)
            # back to the saved comparison for the next case
            assert open_through_menu(qtbot, w, monkeypatch, good)
            wait_runs(qtbot, w, 2)
        else:
            outcomes["refused"] += 1
            text = w.banner.text
            assert "spliced.json" in text and "unchanged" in text, text
            assert "compare" in text or "state" in text, text
            assert runs_shown(w) == 2
        assert digests(qtbot, w) == saved

    case()
    assert outcomes["refused"] > 0 and outcomes["opened"] > 0, outcomes
