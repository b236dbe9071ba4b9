"""A lesson's edits, frozen weights and exercise: saved, reopened exactly, checked."""

import copy
import json

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine import exercise as ex
from backprop_lab.engine.edits import freeze, set_parameter
from backprop_lab.engine.lessons import load_lesson
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.engine.scenario import (
    ScenarioError,
    from_json,
    scenario_from_dict,
    scenario_from_session,
    session_from_scenario,
    to_json,
)
from backprop_lab.engine.scenario_edits import LessonEdits

from .helpers import regression_dataset, xor_dataset

W23 = ParamRef.parse("W(2)[1,3]")


def _edited(optimizer="adam") -> TrainingSession:
    s = TrainingSession(
        xor_dataset(100, test_fraction=0.2),
        NetworkSpec(hidden=(3,), activation="tanh"),
        HyperParameters(alpha=0.05, batch_size=8, optimizer=optimizer, lam=0.001),
        seed=4,
    )
    s.step(40)
    set_parameter(s, W23, -0.8125)
    s.step(30)
    set_parameter(s, ParamRef.bias(1, 1), 1 / 3, reset_moments=True)
    freeze(s, ParamRef.weight(1, 2, 0))
    freeze(s, W23)
    s.step(10)
    return s


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_edits_and_frozen_weights_round_trip_exactly(optimizer):
    s = _edited(optimizer)
    text = to_json(scenario_from_session(s, title="edited"))
    d = json.loads(text)
    assert d["edits"]["frozen"] == ["W(1)[3,1]", "W(2)[1,3]"]
    assert [e["param"] for e in d["edits"]["log"]] == ["W(2)[1,3]", "b(1)[2]"]
    assert (
        d["edits"]["log"][1]["reset_moments"] is True
        and "reset_moments" not in d["edits"]["log"][0]
    )
    sc = from_json(text)
    assert sc.edits == LessonEdits(s.edits.edits, tuple(sorted(s.edits.frozen)), None)
    assert to_json(sc) == text  # written again, the same bytes
    again = session_from_scenario(sc)
    assert again.edits.edits == s.edits.edits and again.edits.frozen == s.edits.frozen
    assert again.snapshot().edits.edits == s.edits.edits
    assert not again.edits.can_undo  # the states before them were not saved
    held = W23.get(again.params)
    s.step(50)
    again.step(50)
    assert np.array_equal(s.params.flat, again.params.flat)
    assert W23.get(again.params) == held  # frozen in the reopened run too
    # rewinding the reopened run to where it was opened keeps the edits in effect
    again.timeline.rewind(again, 80)
    assert again.edits.edits == s.edits.edits


def test_without_parameters_only_the_frozen_set_and_the_exercise_are_saved():
    s = _edited()
    d = json.loads(to_json(scenario_from_session(s, include_parameters=False)))
    assert d["state"] is None and d["edits"] == {"frozen": ["W(1)[3,1]", "W(2)[1,3]"]}
    fresh = session_from_scenario(scenario_from_dict(d))
    assert fresh.step_count == 0 and fresh.edits.frozen == s.edits.frozen
    frozen = W23.get(fresh.params)
    fresh.step(20)
    assert W23.get(fresh.params) == frozen
    plain = TrainingSession(xor_dataset(20), NetworkSpec(hidden=(2,)))
    assert "edits" not in json.loads(to_json(scenario_from_session(plain)))


@pytest.mark.parametrize("name", ["xor_by_hand", "blobs_by_hand"])
def test_an_exercise_round_trips_exactly(name):
    sc = load_lesson(name)
    s = session_from_scenario(sc)
    h = ex.hint(s, 2)
    set_parameter(s, h.ref, h.value + 0.5 * h.direction)
    text = to_json(scenario_from_session(s, title=sc.title, description=sc.description))
    back = from_json(text)
    assert back.edits.exercise == sc.edits.exercise and len(back.edits.log) == 1
    assert to_json(back) == text
    reopened = session_from_scenario(back)
    assert ex.status(reopened) == ex.status(s)
    assert ex.hint(reopened, 3) == ex.hint(s, 3)


def _base() -> dict:
    return json.loads(to_json(scenario_from_session(_edited(), title="t")))


def _exercise_lesson() -> dict:
    return json.loads(to_json(load_lesson("xor_by_hand")))


def _set(d, path, value):
    keys = path.split(".")
    for k in keys[:-1]:
        d = d[int(k)] if isinstance(d, list) else d[k]
    last = keys[-1]
    if value is KeyError:
        del d[last]
    elif isinstance(d, list):
        d[int(last)] = value
    else:
        d[last] = value


LOG = "edits.log.0"
BAD = [
    # (lesson, field path, value, the message's start)
    ("base", "edits", [], "edits: must be an object"),
    ("base", "edits.stuck", [], "edits.stuck: unknown field"),
    ("base", "edits.frozen", "W(1)[1,1]", "edits.frozen: must be a list"),
    ("base", "edits.frozen.0", "W(1)[9,1]", "edits.frozen[0]: W⁽¹⁾₉,₁: layer 1 has 3 units"),
    ("base", "edits.frozen.0", "W(3)[1,1]", "edits.frozen[0]: W⁽³⁾₁,₁: the network has 2 layers"),
    ("base", "edits.frozen.0", "w1", "edits.frozen[0]: a parameter is written like"),
    ("base", "edits.frozen.0", 3, "edits.frozen[0]: must be a parameter like"),
    ("base", "edits.frozen.0", "W⁽¹⁾₃,₁", "edits.frozen[0]: write W⁽¹⁾₃,₁ as 'W(1)[3,1]'"),
    ("base", "edits.frozen.1", "W(1)[3,1]", "edits.frozen[1]: W⁽¹⁾₃,₁ is named twice"),
    ("base", "state", None, "edits.log: a run's edits are saved with its training state"),
    ("base", f"{LOG}.step", 10**6, "edits.log[0].step: must be 0..80"),
    ("base", f"{LOG}.step", 75, "edits.log[1].step: edits go oldest first"),
    ("base", f"{LOG}.param", "b(1)[7]", "edits.log[0].param: b⁽¹⁾₇: layer 1 has 3 units"),
    ("base", f"{LOG}.new", 5000.0, "edits.log[0].new: must be in [-1000, 1000]"),
    ("base", f"{LOG}.old", "x", "edits.log[0].old: must be a number"),
    ("base", f"{LOG}.old", KeyError, "edits.log[0]: missing field 'old'"),
    ("base", f"{LOG}.reset_moments", 1, "edits.log[0].reset_moments: must be true or false"),
    ("base", f"{LOG}.when", 1, "edits.log[0].when: unknown field"),
    ("exercise", "exercise.editable", [], "exercise.editable: must name at least one"),
    (
        "exercise",
        "exercise.editable.1",
        "W(1)[2,1]",
        "exercise.editable[1]: W⁽¹⁾₂,₁ is named twice",
    ),
    (
        "exercise",
        "exercise.editable.0",
        "W(2)[2,1]",
        "exercise.editable[0]: W⁽²⁾₂,₁: layer 2 has 1 unit",
    ),
    (
        "exercise",
        "exercise.goal.metric",
        "speed",
        "exercise.goal.metric: must be one of accuracy, loss",
    ),
    ("exercise", "exercise.goal.target", 1.5, "exercise.goal.target: must be in [0, 1]"),
    ("exercise", "exercise.goal.target", 0, "exercise.goal.target: an accuracy goal of 0"),
    ("exercise", "exercise.goal", {"metric": "loss"}, "exercise.goal: missing field 'target'"),
    ("exercise", "exercise.closing", "x" * 1001, "exercise.closing: is 1001 characters"),
    ("exercise", "exercise.hints", [], "exercise.hints: unknown field"),
    (
        "exercise",
        "edits",
        {"frozen": ["W(1)[1,1]"]},
        "edits.frozen[0]: W⁽¹⁾₁,₁ is locked by the exercise",
    ),
]


@pytest.mark.parametrize("lesson, path, value, message", BAD)
def test_malformed_fields_are_refused_naming_the_field(lesson, path, value, message):
    d = _base() if lesson == "base" else _exercise_lesson()
    if path == f"{LOG}.step" and value == 75:
        path, value = "edits.log.1.step", 35  # before the first edit's step 40
    _set(d, path, value)
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(copy.deepcopy(d))
    assert str(info.value).startswith(message), str(info.value)


def test_an_accuracy_goal_needs_classes():
    s = TrainingSession(regression_dataset(2, 40), NetworkSpec(hidden=(2,)))
    d = json.loads(to_json(scenario_from_session(s)))
    d["exercise"] = {"editable": ["b(2)[1]"], "goal": {"metric": "accuracy", "target": 1.0}}
    with pytest.raises(ScenarioError, match="exercise.goal.metric: an accuracy goal needs"):
        scenario_from_dict(d)
    d["exercise"]["goal"] = {"metric": "loss", "target": 0.5}
    sc = scenario_from_dict(d)
    assert sc.edits.exercise.goal == ex.Goal("loss", 0.5)
