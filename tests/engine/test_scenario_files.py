"""Lesson files from the outside world: the RNG hang, range checks, short messages, cheap
checks before parsing, saved histories, and the edge cases of saving."""

import copy
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.fileio import LoadError
from backprop_lab.engine.history import LAYER_METRICS, SCALAR_METRICS
from backprop_lab.engine.scenario import (
    ScenarioError,
    from_json,
    load_scenario,
    save_scenario,
    scenario_from_dict,
    scenario_from_session,
    session_from_scenario,
    to_json,
)


def session(steps=40, task="classification") -> TrainingSession:
    if task == "classification":
        ds = make_preset("xor", n_points=60, noise=0.1, test_fraction=0.25, seed=1)
    else:
        ds = make_preset("surface_2d", n_points=60, test_fraction=0.25, seed=1)
    s = TrainingSession(ds, NetworkSpec((4, 3)), HyperParameters(0.1, 8, 0, "adam"), seed=4)
    s.step(steps)
    return s


@pytest.fixture(scope="module")
def good() -> dict:
    return json.loads(to_json(scenario_from_session(session())))


def error_of(d) -> str:
    with pytest.raises(LoadError) as e:
        from_json(d if isinstance(d, str) else json.dumps(d))
    assert isinstance(e.value, ScenarioError)  # one error type, old name kept
    return str(e.value)


# --- the random generator's state ------------------------------------------------------------
HANG = """
import sys
from backprop_lab.engine.scenario import load_scenario, session_from_scenario
from backprop_lab.engine.fileio import LoadError
from backprop_lab.engine.history import LAYER_METRICS, SCALAR_METRICS
try:
    s = session_from_scenario(load_scenario(sys.argv[1]))
    s.step(5)
    print("STEPPED")
except LoadError as e:
    print("REFUSED", e)
"""


def test_even_rng_increment_is_refused_not_a_hang(tmp_path, good):
    d = copy.deepcopy(good)
    d["state"]["rng"]["state"] = {"state": 0, "inc": 0}
    path = tmp_path / "hang.json"
    path.write_text(json.dumps(d))
    # a child process: were the file accepted, the first step would never come back
    out = subprocess.run(
        [sys.executable, "-c", HANG, str(path)], capture_output=True, text=True, timeout=120
    )
    assert out.stdout.strip() == (
        "REFUSED state.rng.state.inc: must be an odd number (not a state NumPy can produce)"
    ), out.stderr


def test_any_odd_increment_steps(good):
    d = copy.deepcopy(good)
    d["state"]["rng"]["state"] = {"state": 0, "inc": 1}
    s = session_from_scenario(scenario_from_dict(d))
    assert s.step(5) == 5


@pytest.mark.parametrize("key, value", [("has_uint32", 2), ("uinteger", -1), ("uinteger", 2**32)])
def test_rng_fields_are_range_checked(good, key, value):
    d = copy.deepcopy(good)
    d["state"]["rng"][key] = value
    assert error_of(d).startswith(f"state.rng.{key}: must be")


# --- saved metrics ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "key, value, message",
    [
        ("train_acc", 1.5, "state.last.train_acc: must be in [0, 1], got 1.5"),
        ("test_acc", -1, "state.last.test_acc: must be in [0, 1], got -1.0"),
        ("train_acc", 1e12, "state.last.train_acc: must be in [0, 1], got 1000000000000.0"),
        ("train_loss", -0.5, "state.last.train_loss: must be in [0, inf], got -0.5"),
        ("batch_loss", 1e400, "state.last.batch_loss: must be a finite number, got inf"),
        ("step", 41, "state.last.step: must be 0..40, got 41"),
    ],
)
def test_saved_metrics_are_range_checked(good, key, value, message):
    d = copy.deepcopy(good)
    d["state"]["last"][key] = value
    assert error_of(d) == message


def test_layer_metrics_are_not_negative(good):
    d = copy.deepcopy(good)
    d["state"]["last"]["grad_norms"][1] = -2.0
    assert error_of(d) == "state.last.grad_norms[1]: must be in [0, inf], got -2.0"


def test_regression_has_no_accuracy():
    d = json.loads(to_json(scenario_from_session(session(task="regression"))))
    d["state"]["last"]["train_acc"] = 0.5
    assert error_of(d) == "state.last.train_acc: a regression has no accuracy: must be null"


@pytest.mark.parametrize("value", [1e300, -1000000.5, 2e6])
def test_coordinates_beyond_a_million_are_refused(good, value):
    d = copy.deepcopy(good)
    d["dataset"]["points"][7][1] = value
    assert error_of(d).startswith(f"dataset.points[7][1]: is {value!r}, beyond ±1e+06")


# --- short messages ------------------------------------------------------------------------------
def test_a_huge_key_is_cut_short(good):
    d = copy.deepcopy(good)
    d["hyper"]["k" * 100_000] = 1
    msg = error_of(d)
    assert msg.startswith('hyper."kkkk') and "…" in msg and len(msg) < 300


def test_an_empty_key_is_named(good):
    d = copy.deepcopy(good)
    d["network"][""] = 1
    assert error_of(d).startswith('network."": unknown field (expected hidden, features')


def test_a_long_text_value_is_quoted_briefly(good):
    d = copy.deepcopy(good)
    d["dataset"]["task"] = "<b>" + "x" * 10_000 + "<img src=a>"
    msg = error_of(d)
    assert msg.startswith("dataset.task: is 10014 characters long (at most 100)")
    d["dataset"]["task"] = "regress"
    assert error_of(d) == ('dataset.task: must be one of classification, regression, got "regress"')


def test_a_number_of_5000_digits_gets_a_clear_message(good):
    text = to_json(scenario_from_session(session())).replace('"seed": 4', '"seed": ' + "9" * 5000)
    assert error_of(text) == (
        "not a lesson: a whole number of 5000 digits (the longest a file of ours holds is 60)"
    )


def test_a_large_integer_is_described_not_printed(good):
    d = copy.deepcopy(good)
    d["seed"] = 10**50
    assert error_of(d) == "seed: must be 0..2^64-1, got a whole number of over 30 digits"


def test_no_numpy_reprs_in_messages():
    ds = make_preset("sine_1d", n_points=10)
    s = TrainingSession(ds, NetworkSpec((3,), features=("x1",)), HyperParameters())
    d = json.loads(to_json(scenario_from_session(s)))
    d["dataset"]["y"][2] += 1.0
    msg = error_of(d)
    assert msg.startswith("dataset.y[2]: a 1-D curve's target is the point's height ")
    assert "np." not in msg and "float64" not in msg


def test_duplicate_long_key_is_cut_short(good):
    key = "z" * 5000
    text = '{"' + key + '": 1, "' + key + '": 2}'
    msg = error_of(text)
    assert msg.endswith(": appears twice in the same object") and len(msg) < 120


# --- cheap checks before parsing ----------------------------------------------------------------
def test_big_or_non_json_files_are_refused_before_parsing(tmp_path, monkeypatch):
    calls = []
    real = json.loads
    monkeypatch.setattr(json, "loads", lambda *a, **k: calls.append(1) or real(*a, **k))
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.write(b"{")
        f.truncate(21 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(LoadError, match=r"file too large: 22\.0 MB \(a lesson file is at most 20"):
        load_scenario(big)
    for data, message in [
        (b"   \n\t", "the file is empty"),
        (b"\xef\xbb\xbf  [1, 2]", 'this one starts with "[1, 2]"'),
        (b"PK\x03\x04" + bytes(100), 'this one starts with "PK\\x03\\x04'),
        (b"\xff\xfe{\x00}\x00", "the file is UTF-16 text; lessons are saved as UTF-8"),
    ]:
        path = tmp_path / "x.json"
        path.write_bytes(data)
        with pytest.raises(LoadError) as e:
            load_scenario(path)
        assert message in str(e.value)
    assert calls == []


# --- the loss history ----------------------------------------------------------------------------
FIELDS = ("step", *SCALAR_METRICS, *LAYER_METRICS)


def test_a_reopened_lesson_shows_the_curves_it_was_saved_with(tmp_path):
    s = session(steps=200)
    path = tmp_path / "lesson.json"
    save_scenario(path, scenario_from_session(s))
    back = session_from_scenario(load_scenario(path))
    saved, loaded = s.history.arrays(), back.history.arrays()
    assert len(saved) > 100 and loaded.depth == saved.depth == 3
    for k in FIELDS:
        np.testing.assert_array_equal(getattr(loaded, k), getattr(saved, k), err_msg=k)
    assert back.snapshot().history.train_loss.size == saved.train_loss.size
    # and the run goes on exactly as the original does, history included
    s.step(50)
    back.step(50)
    for k in FIELDS:
        np.testing.assert_array_equal(
            getattr(back.history.arrays(), k), getattr(s.history.arrays(), k), err_msg=k
        )


def test_old_files_without_a_history_still_load(good):
    d = copy.deepcopy(good)
    del d["state"]["history"]
    s = session_from_scenario(scenario_from_dict(d))
    assert s.history.steps.tolist() == [40] and s.step(3) == 3
    d["state"]["history"] = None
    assert session_from_scenario(scenario_from_dict(d)).history.steps.tolist() == [40]


def test_a_rewound_session_saves_only_the_rows_it_shows():
    s = session(steps=60)
    s.restore(s.timeline.checkpoint(s.timeline.nearest(30)))
    shown = s.history.steps
    assert 0 < shown[-1] <= 30
    sc = scenario_from_session(s)
    assert sc.history["step"].tolist() == shown.tolist()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda h: h["step"].__setitem__(3, 0), "state.history.step[3]: steps must increase"),
        (lambda h: h["step"].__setitem__(-1, 41), "state.history.step[40]: must be 0..40, got 41"),
        (lambda h: h["train_acc"].__setitem__(2, 1.01), "state.history.train_acc[2]: must be in"),
        (lambda h: h["test_loss"].__setitem__(0, -1), "state.history.test_loss[0]: must be in"),
        (lambda h: h["batch_loss"].pop(), "state.history.batch_loss: must have 41 entries, got 40"),
        (lambda h: h["grad_norms"][5].pop(), "state.history.grad_norms[5]: must have 3 entries"),
        (lambda h: h.update(extra=[]), "state.history.extra: unknown field"),
    ],
)
def test_history_is_validated(good, change, message):
    d = copy.deepcopy(good)
    change(d["state"]["history"])
    assert message in error_of(d)


# --- saving ----------------------------------------------------------------------------
def only(tmp_path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir())


@pytest.mark.parametrize("where", ["fsync", "replace", "chmod"])
@pytest.mark.parametrize("error", [OSError("disk unplugged"), KeyboardInterrupt()])
def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, where, error):
    path = tmp_path / "lesson.json"
    save_scenario(path, scenario_from_session(session(steps=1)))
    before = path.read_text()

    def boom(*a, **k):
        raise error

    monkeypatch.setattr(os, where, boom)
    with pytest.raises(type(error)):
        save_scenario(path, scenario_from_session(session(steps=2)))
    assert path.read_text() == before and only(tmp_path) == ["lesson.json"]


@pytest.mark.parametrize("cancel_after", [0, 1, 3, 5])  # chunks written; 5: all of them
def test_a_cancelled_write_leaves_the_old_file_and_no_temporary(
    tmp_path, monkeypatch, cancel_after
):
    import threading

    from backprop_lab.engine import fileio

    path = tmp_path / "lesson.json"
    fileio.atomic_write_text(path, "old")
    text = "x" * (5 * fileio.CHUNK_BYTES - 10)  # five chunks
    stop = threading.Event()
    written: list[int] = []
    seen: list[float] = []
    real = fileio.write_chunk

    def counting(f, chunk):
        real(f, chunk)
        written.append(len(chunk))
        if len(written) == cancel_after:
            stop.set()  # as a close would, from another thread

    monkeypatch.setattr(fileio, "write_chunk", counting)
    if cancel_after == 0:
        stop.set()
    with pytest.raises(fileio.WriteCancelled):
        fileio.atomic_write_text(path, text, stop, seen.append)
    assert path.read_text() == "old" and only(tmp_path) == ["lesson.json"]
    assert len(written) == cancel_after and len(seen) == cancel_after
    # not cancelled: the progress runs up to 1 and the file is the text
    seen.clear()
    fileio.atomic_write_text(path, text, threading.Event(), seen.append)
    assert path.read_text() == text and only(tmp_path) == ["lesson.json"]
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 5


def test_a_failure_names_the_file_not_the_hidden_temporary(tmp_path, monkeypatch):
    real = os.replace

    def full(src, dst):
        raise OSError(28, "No space left on device", src)

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError) as e:
        save_scenario(tmp_path / "lesson.json", scenario_from_session(session(steps=1)))
    assert str(e.value) == 'could not write "lesson.json": No space left on device'
    monkeypatch.setattr(os, "replace", real)
    assert only(tmp_path) == []


def test_stale_temporaries_are_cleaned_and_fresh_ones_kept(tmp_path):
    old = [".bpl-0123456789abcdef.tmp", ".lesson.json.4242.deadbeef.tmp"]
    for name in [*old, ".bpl-fedcba9876543210.tmp", "notes.tmp"]:
        (tmp_path / name).write_text("x" * 1000)
    hour_ago = time.time() - 3600
    for name in [*old, "notes.tmp"]:
        os.utime(tmp_path / name, (hour_ago, hour_ago))
    save_scenario(tmp_path / "lesson.json", scenario_from_session(session(steps=1)))
    assert only(tmp_path) == [".bpl-fedcba9876543210.tmp", "lesson.json", "notes.tmp"]


def test_a_read_only_lesson_is_refused_and_kept(tmp_path):
    path = tmp_path / "lesson.json"
    save_scenario(path, scenario_from_session(session(steps=1)))
    before = path.read_text()
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError) as e:
        save_scenario(path, scenario_from_session(session(steps=2)))
    assert str(e.value) == (
        '"lesson.json" is read-only: save under another name or make it writable'
    )
    assert path.read_text() == before and os.stat(path).st_mode & 0o777 == 0o444
    assert only(tmp_path) == ["lesson.json"]


def test_a_save_keeps_the_file_mode(tmp_path):
    path = tmp_path / "lesson.json"
    save_scenario(path, scenario_from_session(session(steps=1)))
    os.chmod(path, 0o640)
    save_scenario(path, scenario_from_session(session(steps=2)))
    assert os.stat(path).st_mode & 0o777 == 0o640


def test_a_symbolic_link_is_followed_and_kept(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "lesson.json"
    save_scenario(target, scenario_from_session(session(steps=1)))
    link = tmp_path / "link.json"
    link.symlink_to(target)
    inode = os.stat(target).st_ino
    save_scenario(link, scenario_from_session(session(steps=2)))
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert load_scenario(link).state.step == 2 == load_scenario(target).state.step
    assert os.stat(target).st_ino != inode  # replaced as a whole, not rewritten in place
    assert only(tmp_path / "real") == ["lesson.json"]


def test_names_up_to_the_limit_save_and_longer_ones_get_a_clear_message(tmp_path):
    sc = scenario_from_session(session(steps=1))
    for n in (234, 250, 255):
        path = tmp_path / ("n" * (n - 5) + ".json")
        save_scenario(path, sc)
        assert load_scenario(path).state.step == 1
    with pytest.raises(OSError) as e:
        save_scenario(tmp_path / ("n" * 251 + ".json"), sc)
    assert str(e.value) == (
        "the file name is too long (256 bytes; at most 255 in this folder): choose a shorter name"
    )
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_metrics_with_nan_round_trip_as_null(good):
    assert good["state"]["last"]["test_acc"] is None or 0 <= good["state"]["last"]["test_acc"] <= 1
    assert all(x is None or x >= 0 for x in good["state"]["history"]["batch_loss"])
    assert math.isnan(scenario_from_dict(good).history["batch_loss"][0])
