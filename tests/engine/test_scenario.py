"""Scenario (lesson) files: exact round trips, exact continuation, strict validation."""

import copy
import importlib.util
import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.lessons import list_lessons, load_lesson
from backprop_lab.engine.scenario import (
    MAX_FILE_BYTES,
    Scenario,
    ScenarioError,
    from_json,
    load_scenario,
    save_scenario,
    scenario_from_dict,
    scenario_from_session,
    scenario_to_dict,
    session_from_scenario,
    to_json,
)

ROOT = Path(__file__).resolve().parents[2]


def trained_session(optimizer="adam", batching="random", steps=37) -> TrainingSession:
    ds = make_preset("spirals", n_points=120, n_arms=3, noise=0.1, test_fraction=0.25, seed=2)
    spec = NetworkSpec(hidden=(5, 4, 3), activations=("tanh", "relu", "sigmoid"))
    hyper = HyperParameters(0.05, 8, 0.001, optimizer, batching)
    s = TrainingSession(ds, spec, hyper, seed=11)
    s.step(steps)
    return s


def params_equal(a: TrainingSession, b: TrainingSession) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a.params.arrays(), b.params.arrays()))


# --- round trips ------------------------------------------------------------------------------
def test_json_round_trip_is_exact():
    s = trained_session()
    sc = scenario_from_session(s, title="Spirals", description="three arms\nand a newline")
    text = to_json(sc)
    back = from_json(text)
    assert back.dataset.same_as(s.dataset)
    assert back.spec == s.spec and back.hyper == s.hyper and back.seed == s.seed
    assert (back.title, back.description) == ("Spirals", "three arms\nand a newline")
    cp = s.checkpoint()
    for x, y in zip(back.state.params.arrays(), cp.params.arrays()):
        assert x.shape == y.shape and np.array_equal(x, y)
    for k in ("m", "s"):
        for x, y in zip(back.state.optimizer[k], cp.optimizer[k]):
            assert np.array_equal(x, y)
    assert back.state.optimizer["t"] == cp.optimizer["t"] == 37
    assert back.state.rng == cp.rng
    assert back.state.step == 37 and back.state.samples_seen == cp.samples_seen
    assert to_json(back) == text  # a second trip changes nothing
    assert json.loads(text)["format"] == "backprop-lab-scenario"
    assert json.loads(text)["version"] == 1


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batching", ["random", "epochs"])
def test_session_file_session_continues_bit_identically(tmp_path, optimizer, batching):
    original = trained_session(optimizer, batching, steps=23)
    path = tmp_path / "lesson.json"
    save_scenario(path, scenario_from_session(original))
    loaded = session_from_scenario(load_scenario(path))
    assert params_equal(original, loaded)
    assert loaded.step_count == original.step_count
    assert loaded.last["train_loss"] == original.last["train_loss"]
    original.step(50)
    loaded.step(50)
    assert params_equal(original, loaded)
    assert loaded.step_count == original.step_count == 73
    assert loaded.samples_seen == original.samples_seen
    assert loaded.last["batch_loss"] == original.last["batch_loss"]
    assert loaded.evaluate("test") == original.evaluate("test")


def test_regression_sessions_round_trip():
    for name in ("sine_1d", "surface_2d"):
        ds = make_preset(name, test_fraction=0.2)
        spec = NetworkSpec((6,), activation="tanh", features=("x1", "sin x1"))
        s = TrainingSession(ds, spec, HyperParameters(0.01, 8, 0, "momentum"), seed=3)
        s.step(20)
        loaded = session_from_scenario(from_json(to_json(scenario_from_session(s))))
        s.step(30)
        loaded.step(30)
        assert params_equal(s, loaded)


def test_without_parameters_the_seed_rebuilds_the_initial_parameters():
    s = trained_session()
    sc = scenario_from_session(s, include_parameters=False)
    assert json.loads(to_json(sc))["state"] is None
    loaded = session_from_scenario(from_json(to_json(sc)))
    assert loaded.step_count == 0
    s.reset_parameters()
    assert params_equal(s, loaded)


def test_numpy_scalars_are_written_as_plain_json_numbers():
    s = trained_session()
    sc = scenario_from_session(s)
    sc.seed = np.int64(11)
    back = from_json(to_json(sc))
    assert back.seed == 11 and type(back.seed) is int


def test_diverged_parameters_cannot_be_saved_but_the_setup_can(tmp_path):
    s = trained_session()
    s.params.W[0][0, 0] = np.nan
    with pytest.raises(ValueError, match="not finite"):
        to_json(scenario_from_session(s))
    to_json(scenario_from_session(s, include_parameters=False))


# --- atomic saves ---------------------------------------------------------------------------
def test_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "lesson.json"
    save_scenario(path, scenario_from_session(trained_session()))
    before = path.read_text()

    def crash(src, dst):
        raise OSError("disk unplugged")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="unplugged"):
        save_scenario(path, scenario_from_session(trained_session(steps=5)))
    assert path.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson.json"]


# --- malformed files ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def good() -> dict:
    return json.loads(to_json(scenario_from_session(trained_session())))


def _set(path):
    def apply(d, value):
        keys = path[:-1]
        for k in keys:
            d = d[k]
        d[path[-1]] = value

    return apply


MALFORMED = [
    # (name, change to the parsed file, text expected in the message)
    ("missing dataset", lambda d: d.pop("dataset"), "missing field 'dataset'"),
    ("unknown key", lambda d: d.update(colour="red"), "colour: unknown field"),
    ("newer version", lambda d: d.update(version=2), "version: version 2 is not supported"),
    ("wrong format", lambda d: d.update(format="something"), "format: not a Backprop Lab"),
    (
        "zero width",
        lambda d: d["network"]["hidden"].__setitem__(2, 0),
        "network.hidden[2]: width must be 1..64, got 0",
    ),
    (
        "too wide",
        lambda d: d["network"]["hidden"].__setitem__(0, 65),
        "network.hidden[0]: width must be 1..64, got 65",
    ),
    (
        "too deep",
        lambda d: d["network"].update(hidden=[4] * 9, activations=["tanh"] * 9),
        "network.hidden: has 9 entries (at most 8)",
    ),
    (
        "width is a bool",
        lambda d: d["network"]["hidden"].__setitem__(1, True),
        "network.hidden[1]: width must be a whole number",
    ),
    (
        "unknown activation",
        lambda d: d["network"]["activations"].__setitem__(1, "swish"),
        "network.activations[1]: must be one of",
    ),
    (
        "activations count",
        lambda d: d["network"]["activations"].pop(),
        "network.activations: must have 3 entries, got 2",
    ),
    (
        "unknown feature",
        lambda d: d["network"].update(features=["x1", "x9"]),
        "network.features: unknown input feature 'x9'",
    ),
    (
        "point is NaN",
        lambda d: d["dataset"]["points"][3].__setitem__(1, math.nan),
        "dataset.points[3][1]: must be a finite number, got nan",
    ),
    (
        "point is infinite",
        lambda d: d["dataset"]["points"][0].__setitem__(0, math.inf),
        "dataset.points[0][0]: must be a finite number, got inf",
    ),
    (
        "point is not a pair",
        lambda d: d["dataset"]["points"].__setitem__(5, [1.0]),
        "dataset.points[5]: must be a pair",
    ),
    (
        "label out of range",
        lambda d: d["dataset"]["y"].__setitem__(4, 3),
        "dataset.y[4]: must be 0..2, got 3",
    ),
    (
        "label is fractional",
        lambda d: d["dataset"]["y"].__setitem__(4, 1.5),
        "dataset.y[4]: must be a whole number",
    ),
    ("labels missing", lambda d: d["dataset"]["y"].pop(), "dataset.y: must have 120 entries"),
    (
        "is_test not bool",
        lambda d: d["dataset"]["is_test"].__setitem__(0, 1),
        "dataset.is_test[0]: must be true or false",
    ),
    (
        "too many points",
        lambda d: d["dataset"].update(points=[[0.0, 0.0]] * 20_001),
        "dataset.points: has 20001 entries (at most 20000)",
    ),
    (
        "unknown task",
        lambda d: d["dataset"].update(task="clustering"),
        "dataset.task: must be one of",
    ),
    (
        "classification in 1-D",
        lambda d: d["dataset"].update(input_dim=1),
        "dataset.input_dim: classification takes 2-D input",
    ),
    (
        "too many classes",
        lambda d: d["dataset"].update(n_classes=9),
        "dataset.n_classes: must be 2..8, got 9",
    ),
    ("alpha is text", lambda d: d["hyper"].update(alpha="fast"), "hyper.alpha: must be a number"),
    ("alpha zero", lambda d: d["hyper"].update(alpha=0.0), "hyper.alpha: learning rate"),
    ("batch zero", lambda d: d["hyper"].update(batch_size=0), "hyper.batch_size: must be 1.."),
    (
        "unknown optimizer",
        lambda d: d["hyper"].update(optimizer="rmsprop"),
        "hyper.optimizer: must be one of",
    ),
    ("negative seed", lambda d: d.update(seed=-1), "seed: must be 0.."),
    ("fractional seed", lambda d: d.update(seed=1.5), "seed: must be a whole number"),
    ("title not text", lambda d: d.update(title=["a"]), "title: must be text"),
    ("huge title", lambda d: d.update(title="x" * 201), "title: is 201 characters"),
    (
        "W wrong shape",
        lambda d: d["state"]["W"][1].pop(),
        "state.W[1]: W^(2) must be a 4×5 matrix, got 3 rows",
    ),
    (
        "W ragged",
        lambda d: d["state"]["W"][0][0].append(1.0),
        "state.W[0]: W^(1) must be a 5×2 matrix",
    ),
    (
        "W entry text",
        lambda d: d["state"]["W"][0][1].__setitem__(1, "0.5"),
        "state.W[0][1][1]: must be a number, got text",
    ),
    ("layer missing", lambda d: d["state"]["W"].pop(), "state.W: must have 4 entries, got 3"),
    ("b wrong length", lambda d: d["state"]["b"][3].append(0.0), "state.b[3]: must have 3 entries"),
    (
        "optimizer moment shape",
        lambda d: d["state"]["optimizer"]["m"]["W"][0].pop(),
        "state.optimizer.m.W[0]: W^(1) must be a 5×2 matrix",
    ),
    (
        "optimizer state missing",
        lambda d: d["state"]["optimizer"].pop("s"),
        "state.optimizer: missing field 's'",
    ),
    (
        "optimizer state for another rule",
        lambda d: d["state"]["optimizer"].update(v=d["state"]["optimizer"]["m"]),
        "state.optimizer.v: unknown field",
    ),
    (
        "rng negative",
        lambda d: d["state"]["rng"]["state"].update(inc=-1),
        "state.rng.state.inc: must be 0..",
    ),
    (
        "rng other generator",
        lambda d: d["state"]["rng"].update(bit_generator="MT19937"),
        "state.rng.bit_generator: must be one of PCG64",
    ),
    (
        "order not a permutation",
        lambda d: d["state"].update(order=[0, 0, 1]),
        "state.order: must be empty or a permutation of the 90 training points",
    ),
    (
        "order_pos past the end",
        lambda d: d["state"].update(order_pos=1),
        "state.order_pos: must be 0..0, got 1",
    ),
    ("negative step", lambda d: d["state"].update(step=-3), "state.step: must be 0.."),
    (
        "last metric text",
        lambda d: d["state"]["last"].update(train_loss="low"),
        "state.last.train_loss: must be a number",
    ),
    ("state not object", lambda d: d.update(state=[1, 2]), "state: must be an object, got a list"),
]


@pytest.mark.parametrize("name, change, message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_scenario_names_the_field(good, name, change, message):
    d = copy.deepcopy(good)
    change(d)
    text = json.dumps(d)  # NaN/inf become the non-standard literals NaN/Infinity
    with pytest.raises(ScenarioError) as e:
        from_json(text)
    assert message in str(e.value)


def test_one_dimensional_target_must_be_the_height():
    ds = make_preset("sine_1d", n_points=10)
    d = scenario_to_dict(Scenario(ds, NetworkSpec(features=("x1",)), HyperParameters()))
    d["dataset"]["y"][2] += 1.0
    with pytest.raises(ScenarioError, match=r"dataset\.y\[2\]: a 1-D curve's target"):
        scenario_from_dict(d)


def test_duplicate_keys_are_rejected(good):
    text = to_json(scenario_from_session(trained_session()))
    text = text.replace('"seed": 11,', '"seed": 11,\n  "seed": 12,', 1)
    with pytest.raises(ScenarioError, match="seed: appears twice"):
        from_json(text)


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"format": "backprop-lab-scenario",\n "version": 1,,}', "line 2, column 15"),
        ("", "the file is empty"),
        ("[1, 2]", 'a JSON object starting with {, this one starts with "[1, 2]"'),
        ("{'format': 1}", "not valid JSON"),
        ('{"a": ' + "[" * 100_000, "nested too deeply"),
        ("{", "line 1, column 2 (the file looks truncated)"),
    ],
)
def test_not_json_gives_line_and_column(text, message):
    with pytest.raises(ScenarioError) as e:
        from_json(text)
    assert message in str(e.value)


def test_truncated_file_is_reported_as_truncated(tmp_path):
    text = to_json(scenario_from_session(trained_session()))
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2])
    with pytest.raises(ScenarioError, match=r"line \d+, column \d+ \(the file looks truncated\)"):
        load_scenario(path)


def test_huge_and_binary_files_are_refused_before_parsing(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(ScenarioError, match="file too large"):
        load_scenario(big)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\x80\x81\xfe{}")
    with pytest.raises(ScenarioError, match="a lesson file is a JSON object starting with"):
        load_scenario(binary)
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes(b'{"title": "caf\xe9"}')
    with pytest.raises(ScenarioError, match="byte 14 is not UTF-8"):
        load_scenario(latin1)


def test_failed_load_changes_nothing_in_an_open_session(tmp_path, good):
    session = trained_session()
    before = [a.copy() for a in session.params.arrays()]
    d = copy.deepcopy(good)
    d["state"]["W"][2] = "oops"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(d))
    with pytest.raises(ScenarioError, match=r"state\.W\[2\]"):
        session_from_scenario(load_scenario(path))
    assert all(np.array_equal(a, b) for a, b in zip(before, session.params.arrays()))


def test_missing_last_metrics_are_recomputed(good):
    d = copy.deepcopy(good)
    d["state"]["last"] = None
    s = session_from_scenario(scenario_from_dict(d))
    assert s.last["step"] == 37
    assert s.last["train_loss"] == s.evaluate("train")[0]
    assert math.isnan(s.last["batch_loss"])


# --- packaged lessons -------------------------------------------------------------------------
def test_lessons_are_listed():
    names = list_lessons()
    assert {"xor", "spirals3", "sine", "deep_sigmoid"} <= set(names)


@pytest.mark.parametrize("name", list_lessons())
def test_every_lesson_loads_and_trains(name):
    sc = load_lesson(name)
    assert sc.title and sc.description
    session = session_from_scenario(sc)
    assert session.step(20) == 20 and session.diverged is None


def test_lessons_have_the_advertised_networks():
    xor = load_lesson("xor")
    assert xor.spec.hidden == (4,) and xor.spec.activations == ("sigmoid",)
    spirals = load_lesson("spirals3")
    assert spirals.dataset.n_classes == 3 and spirals.spec.hidden == (16, 16)
    assert session_from_scenario(spirals).net.head.name == "categorical"
    sine = load_lesson("sine")
    assert sine.dataset.input_dim == 1 and sine.dataset.task == "regression"
    deep = load_lesson("deep_sigmoid")
    assert len(deep.spec.hidden) == 6 and set(deep.spec.activations) == {"sigmoid"}


def test_xor_lesson_learns_xor():
    session = session_from_scenario(load_lesson("xor"))
    session.step(2000)
    assert session.evaluate("train")[1] > 0.95


def test_deep_sigmoid_lesson_shows_vanishing_delta():
    session = session_from_scenario(load_lesson("deep_sigmoid"))
    session.step(200)
    delta = session.last["delta_mean_abs"]  # layers 1..7
    assert delta[0] < 1e-3 * delta[-1]


def test_unknown_lesson_names_the_choices():
    with pytest.raises(ValueError, match="unknown lesson 'nope'; expected .*xor"):
        load_lesson("nope")


def test_lesson_files_are_what_the_generator_writes(monkeypatch):
    spec = importlib.util.spec_from_file_location("make_presets", ROOT / "tools/make_presets.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_presets", module)  # dataclasses look it up
    spec.loader.exec_module(module)
    assert sorted(lesson.name for lesson in module.LESSONS) == list_lessons()
    for lesson in module.LESSONS:
        packaged = (ROOT / "resources" / "presets" / f"{lesson.name}.json").read_text()
        assert to_json(module.scenario(lesson)) == packaged, lesson.name


def test_what_cannot_be_loaded_is_not_written(tmp_path):
    sc = scenario_from_session(trained_session(), title="x" * 500)
    path = tmp_path / "lesson.json"
    with pytest.raises(ScenarioError, match="title: is 500 characters"):
        save_scenario(path, sc)
    assert not path.exists() and not list(tmp_path.iterdir())


def test_checkpoint_without_layer_metrics_still_saves():
    s = trained_session()
    sc = scenario_from_session(s)
    sc.state.last = {"step": 37, "train_loss": 0.5}
    back = from_json(to_json(sc))
    assert back.state.last["train_loss"] == 0.5
    assert np.isnan(back.state.last["grad_norms"]).all() and back.state.last["grad_norms"].size == 4
