"""docs/playbook.schema.json describes the playbooks the app writes and the one it ships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine import playbook as pb
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.playbook_changes import PATHS
from backprop_lab.engine.scenario import scenario_from_session, scenario_to_dict
from backprop_lab.resources import list_playbooks, playbook_text

from .schema_subset import errors

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads((DOCS / "playbook.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lesson_schema() -> dict:
    return json.loads((DOCS / "lesson.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list_playbooks())
def test_every_built_in_playbook_validates(schema, name):
    assert errors(json.loads(playbook_text(name)), schema) == []


def test_a_written_playbook_with_an_embedded_lesson_validates(schema, lesson_schema):
    ds = make_preset("xor", n_points=30, seed=2)
    s = TrainingSession(ds, NetworkSpec((3,)), HyperParameters(0.2, 4, optimizer="adam"), seed=5)
    s.step(9)
    d = json.loads(playbook_text("week5"))
    d["scenes"][0]["start"] = {"embedded": scenario_to_dict(scenario_from_session(s))}
    written = json.loads(pb.to_json(pb.playbook_from_dict(d)))
    assert errors(written, schema) == []
    assert errors(written["scenes"][0]["start"]["embedded"], lesson_schema) == []


def _errors_after(schema, edit) -> list[str]:
    d = json.loads(playbook_text("week5"))
    edit(d)
    return errors(d, schema)


def test_the_schema_rejects_what_the_app_rejects_naming_the_field(schema):
    def beat(i, j):
        return lambda d: d["scenes"][i]["beats"][j]

    cases = [
        (lambda d: beat(0, 0)(d).update(type="dance"), "$.scenes[0].beats[0]"),
        (lambda d: beat(0, 2)(d).update(epochs=3), "$.scenes[0].beats[2]"),
        (lambda d: beat(0, 1)(d).update(choices=["one"]), "$.scenes[0].beats[1].choices"),
        (lambda d: d["scenes"][1].update(changes={"alpha": 1}), "$.scenes[1].changes.alpha"),
        (
            lambda d: d["scenes"][1].update(changes={"hyper.alpha": 0}),
            "$.scenes[1].changes.hyper.alpha",
        ),
        (lambda d: d["scenes"][0]["view"].update(panels=["plots"]), "$.scenes[0].view.panels[0]"),
        (lambda d: d["scenes"][0]["view"].update(type_size=5), "$.scenes[0].view.type_size"),
        (lambda d: d["scenes"][2].update(start={"lesson": "nope"}), "$.scenes[2].start"),
        (lambda d: d["scenes"][0]["rehearsal"][0].pop("theta"), "$.scenes[0].rehearsal[0]"),
        (lambda d: d.pop("scenes"), "missing required field 'scenes'"),
        (lambda d: d.update(version=2), "$.version"),
    ]
    for edit, where in cases:
        found = _errors_after(schema, edit)
        assert any(where in e for e in found), (where, found)


def test_the_schema_names_what_the_engine_knows(schema):
    defs = schema["$defs"]
    assert sorted(defs["changes"]["properties"]) == sorted(PATHS)
    kinds = {b["properties"]["type"]["const"] for b in defs["beat"]["anyOf"]}
    assert kinds == set(pb.BEATS)
    for b in defs["beat"]["anyOf"]:
        kind = b["properties"]["type"]["const"]
        required, optional = pb.BEAT_FIELDS[kind]
        assert set(b["properties"]) <= {"type", "text", *required, *optional}, kind
    view = defs["view"]["properties"]
    assert view["panels"]["items"]["enum"] == list(pb.PANELS)
    assert view["hidden_controls"]["items"]["enum"] == list(pb.CONTROLS)
    ask = next(b for b in defs["beat"]["anyOf"] if b["properties"]["type"]["const"] == "ask")
    assert ask["properties"]["hide"]["items"]["enum"] == list(pb.HIDEABLE)
    start = defs["scene"]["properties"]["start"]["anyOf"][1]
    from backprop_lab.engine.lessons import list_lessons

    assert start["properties"]["lesson"]["enum"] == list_lessons()


def test_the_format_document_links_the_schema_and_its_example_loads(schema):
    text = (DOCS / "playbook-format.md").read_text(encoding="utf-8")
    assert "playbook.schema.json" in text
    for word in ("start", "changes", "view", "beats", "rehearsal", *pb.BEATS, *PATHS):
        assert f"`{word}`" in text, word
    block = text.split("```json\n", 1)[1].split("```", 1)[0]
    book = pb.from_json(block)
    assert len(book.scenes) >= 2
    assert errors(json.loads(block), schema) == []
