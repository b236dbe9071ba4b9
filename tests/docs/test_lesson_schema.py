"""docs/lesson.schema.json describes the files the app writes and the lessons it ships."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from backprop_lab.engine import FEATURES, HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.optim import OPTIMIZERS
from backprop_lab.engine.scenario import scenario_from_session, to_json
from backprop_lab.resources import list_lessons

from .schema_subset import errors

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "lesson.schema.json"


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_there_are_bundled_lessons():
    assert len(list_lessons()) >= 6


@pytest.mark.parametrize("name", list_lessons())
def test_every_bundled_lesson_validates(schema, name):
    text = resources.files("backprop_lab.resources.presets").joinpath(f"{name}.json").read_text()
    assert errors(json.loads(text), schema) == []


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_a_saved_trained_session_validates(schema, optimizer):
    """Lessons with a training state (θ, the optimizer's moments, the RNG) validate too."""
    ds = make_preset("gaussians", n_points=60, n_classes=3, test_fraction=0.2, seed=1)
    s = TrainingSession(ds, NetworkSpec(hidden=(5, 3)), HyperParameters(optimizer=optimizer))
    s.step(7)
    d = json.loads(to_json(scenario_from_session(s, title="t")))
    assert d["state"] is not None and len(d["state"]["history"]["step"]) >= 2
    assert errors(d, schema) == []
    broken = json.loads(json.dumps(d))
    broken["state"]["history"]["train_acc"][0] = 2.0
    assert any("history.train_acc[0]" in e for e in errors(broken, schema))


def test_edits_frozen_weights_and_exercises_validate(schema):
    from backprop_lab.engine.edits import freeze, set_parameter
    from backprop_lab.engine.lessons import load_lesson
    from backprop_lab.engine.paramref import ParamRef

    s = TrainingSession(make_preset("xor", n_points=40), NetworkSpec(hidden=(3,)))
    s.step(5)
    set_parameter(s, ParamRef.parse("W(2)[1,3]"), 0.5, reset_moments=True)
    freeze(s, ParamRef.parse("b(1)[2]"))
    d = json.loads(to_json(scenario_from_session(s)))
    assert d["edits"]["log"] and d["edits"]["frozen"]
    assert errors(d, schema) == []
    exercise = json.loads(to_json(load_lesson("xor_by_hand")))
    assert exercise["exercise"] and errors(exercise, schema) == []
    broken = json.loads(json.dumps(d))
    broken["edits"]["frozen"][0] = "b(1)[0]"
    broken["edits"]["log"][0]["new"] = 1e4
    found = errors(broken, schema)
    assert any("edits.frozen[0]" in e for e in found)
    assert any("edits.log[0].new" in e for e in found)
    exercise["exercise"]["goal"]["metric"] = "speed"
    assert any("exercise.goal.metric" in e for e in errors(exercise, schema))


def test_the_schema_rejects_what_the_app_rejects(schema):
    """The validator is not vacuous: broken copies of a lesson fail, naming the field."""
    d = json.loads(
        resources.files("backprop_lab.resources.presets").joinpath("xor.json").read_text()
    )
    bad_width = json.loads(json.dumps(d))
    bad_width["network"]["hidden"] = [0]
    assert any("network.hidden[0]" in e for e in errors(bad_width, schema))
    extra = json.loads(json.dumps(d))
    extra["hyper"]["momentum"] = 0.9
    assert any("hyper.momentum" in e for e in errors(extra, schema))
    wrong_type = json.loads(json.dumps(d))
    wrong_type["dataset"]["is_test"][0] = 1
    assert any("is_test[0]" in e for e in errors(wrong_type, schema))
    missing = json.loads(json.dumps(d))
    del missing["seed"]
    assert any("seed" in e for e in errors(missing, schema))


def test_the_schema_names_what_the_engine_knows(schema):
    net = schema["properties"]["network"]["properties"]
    assert sorted(net["features"]["items"]["enum"]) == sorted(FEATURES)
    assert set(schema["properties"]["hyper"]["properties"]["optimizer"]["enum"]) == set(OPTIMIZERS)


def test_the_format_document_links_the_schema():
    text = (SCHEMA_PATH.parent / "lesson-format.md").read_text(encoding="utf-8")
    assert "lesson.schema.json" in text
    assert np.all([k in text for k in ("dataset", "network", "hyper", "state")])


def test_the_minimal_lesson_in_the_document_loads_and_validates(schema):
    from backprop_lab.engine.scenario import from_json

    text = (SCHEMA_PATH.parent / "lesson-format.md").read_text(encoding="utf-8")
    block = text.split("```json\n", 1)[1].split("```", 1)[0]
    sc = from_json(block)
    assert sc.title == "Two points" and len(sc.dataset) == 2
    assert errors(json.loads(block), schema) == []


def test_relative_links_in_the_docs_resolve():
    """Every relative link or image in README.md and docs/*.md names a file that exists,
    and none points outside the repository."""
    import re

    root = SCHEMA_PATH.parents[1]
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    assert len(pages) >= 5
    missing = []
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)\)", page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            path = (page.parent / target).resolve()
            if root not in path.parents or not path.exists():
                missing.append(f"{page.name}: {target}")
    assert missing == []


def test_the_docs_animation_is_small_and_animated():
    gif = SCHEMA_PATH.parent / "spirals-training.gif"
    data = gif.read_bytes()
    assert data[:6] in (b"GIF87a", b"GIF89a")
    assert len(data) < 1.5 * 1024 * 1024
    assert data.count(b"\x21\xf9\x04") > 10  # one graphic-control block per frame
