"""A comparison in a lesson file (the ``compare`` block) reopens exactly; a malformed block
is refused with a message naming the field, before anything is built; every run's curves
go to one CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from backprop_lab.engine import session as session_module
from backprop_lab.engine.compare_block import HYPER_KEYS, NETWORK_KEYS
from backprop_lab.engine.compare_file import (
    curves_csv,
    group_from_scenario,
    save_curves_csv,
    scenario_from_group,
)
from backprop_lab.engine.contrasts import CONTRASTS, contrast
from backprop_lab.engine.fileio import LoadError
from backprop_lab.engine.group import RunGroup, RunSettings, group_of
from backprop_lab.engine.scenario import (
    from_json,
    load_scenario,
    save_scenario,
    scenario_from_session,
    to_json,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..docs.schema_subset import errors
from .group_helpers import base_session, state_digest

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "lesson.schema.json").read_text("utf-8")
)


def reopened(group: RunGroup, include_parameters: bool = True) -> RunGroup:
    return group_from_scenario(from_json(to_json(scenario_from_group(group, include_parameters))))


def assert_same_group(g: RunGroup, h: RunGroup) -> None:
    assert len(g) == len(h) and g.kind == h.kind
    assert g.labels() == h.labels()
    assert [state_digest(s) for s in g] == [state_digest(s) for s in h]
    # where a run stopped is not in the file: a reopened stopped run is just stopped
    assert [(g.status(i).step, g.status(i).diverged) for i in range(len(g))] == [
        (h.status(i).step, h.status(i).diverged) for i in range(len(h))
    ]
    assert g.rewind_steps()[-1:] == h.rewind_steps()[-1:] == [g.step_count]


# --- round trips -------------------------------------------------------------------------------
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    key=st.sampled_from(sorted(set(CONTRASTS) - {"seeds8"})),
    steps=st.integers(0, 90),
    extra=st.sampled_from([None, "copy", "wild"]),
)
def test_a_saved_comparison_reopens_exactly_and_goes_on_with_the_same_numbers(key, steps, extra):
    g = contrast(base_session(alpha=0.05), key)
    if extra == "copy" and len(g) < 4:
        g.duplicate(len(g) - 1)
    elif extra == "wild" and len(g) < 4:  # a run that diverges: saved stopped
        b = g.duplicate(0)
        g.change(b, hyper=replace(g[b].hyper, alpha=400.0))
        steps = max(steps, 10)  # (a lesson does not keep the guard's running minimum)
    g.step(steps)
    h = reopened(g)
    assert_same_group(g, h)
    g.step(40)
    h.step(40)
    assert_same_group(g, h)


@pytest.mark.parametrize("key", sorted(CONTRASTS))
def test_a_comparison_saved_without_parameters_reopens_at_theta0(key):
    s = base_session()
    g = contrast(s, key)
    g.step(30)
    h = reopened(g, include_parameters=False)
    fresh = group_of(s, [RunSettings.of(r) for r in g])
    assert h.step_count == 0
    assert_same_group(h, fresh)


def test_a_group_of_one_is_saved_as_the_lesson_alone(tmp_path):
    g = RunGroup.of(base_session())
    g.step(25)
    text = to_json(scenario_from_group(g, title="t"))
    assert text == to_json(scenario_from_session(g[0], title="t"))
    assert "compare" not in json.loads(text)
    path = tmp_path / "one.json"
    save_scenario(path, scenario_from_group(g))
    assert_same_group(g, group_from_scenario(load_scenario(path)))


def test_the_block_holds_only_what_differs_from_a():
    g = contrast(base_session(), "alpha")
    g.step(10)
    d = json.loads(to_json(scenario_from_group(g)))
    runs = d["compare"]["runs"]
    assert [r["changes"] for r in runs] == [{"hyper": {"alpha": 0.3}}, {"hyper": {"alpha": 3.0}}]
    assert all(r["state"]["step"] == 10 for r in runs)
    b = g.duplicate(0)
    d = json.loads(to_json(scenario_from_group(g)))
    assert d["compare"]["runs"][b - 1]["changes"] == {}


def test_a_hand_written_block_with_other_depths_gives_every_layer_the_activation():
    d = json.loads(to_json(scenario_from_group(contrast(base_session(), "lam"), False)))
    d["network"]["activations"] = ["tanh", "tanh"]
    d["compare"]["runs"][0]["changes"] = {"network": {"hidden": [5, 5, 5], "activation": "relu"}}
    h = group_from_scenario(from_json(json.dumps(d)))
    assert h[1].spec.hidden == (5, 5, 5) and h[1].spec.activations == ("relu",) * 3
    assert h.labels()[1].text == "B · 3 hidden layers (5-5-5), ReLU"


# --- refusals ------------------------------------------------------------------------------------
def _lesson(key: str = "alpha", steps: int = 12, params: bool = True) -> dict:
    g = contrast(base_session(), key)
    g.step(steps)
    return json.loads(to_json(scenario_from_group(g, params)))


def _set(d: dict, path: tuple, value) -> dict:
    d = json.loads(json.dumps(d))
    at = d
    for k in path[:-1]:  # a missing object on the way is made
        at = at.setdefault(k, {}) if isinstance(at, dict) else at[k]
    if value is _DELETE:
        del at[path[-1]]
    else:
        at[path[-1]] = value
    return d


_DELETE = object()
R0 = ("compare", "runs", 0)
BROKEN = [
    (("compare",), [], "compare: must be an object"),
    (("compare", "extra"), 1, "compare.extra: unknown field"),
    (("compare", "runs"), {}, "compare.runs: must be a list"),
    (("compare", "runs"), [], "compare.runs: must hold at least one run"),
    ((*R0, "changes"), _DELETE, "compare.runs[0]: missing field 'changes'"),
    ((*R0, "changes", "colour"), "red", "compare.runs[0].changes.colour: unknown field"),
    ((*R0, "changes", "hyper", "momentum"), 0.9, "compare.runs[0].changes.hyper.momentum"),
    ((*R0, "changes", "hyper", "alpha"), -1.0, "compare.runs[0].changes.hyper.alpha"),
    ((*R0, "changes", "hyper", "optimizer"), "lbfgs", "compare.runs[0].changes.hyper.optimizer"),
    ((*R0, "changes", "network"), {"hidden": [0]}, "compare.runs[0].changes.network.hidden[0]"),
    ((*R0, "changes", "network"), {"features": ["x9"]}, "compare.runs[0].changes.network.feat"),
    ((*R0, "changes", "seed"), -1, "compare.runs[0].changes.seed"),
    ((*R0, "state"), _DELETE, "compare.runs[0].state: missing"),
    ((*R0, "state", "W", 0), [[1.0]], "compare.runs[0].state.W[0]"),
    ((*R0, "state", "rng", "state", "inc"), 2, "compare.runs[0].state.rng.state.inc"),
    ((*R0, "state", "step"), 13, "compare.runs[0].state.step: the runs still training go in"),
]


@pytest.mark.parametrize("path, value, message", BROKEN)
def test_a_malformed_block_is_refused_naming_the_field_before_anything_is_built(
    monkeypatch, path, value, message
):
    bad = _set(_lesson(), path, value)
    built = []
    init = session_module.TrainingSession.__init__

    def counted(self, *a, **kw):
        built.append(1)
        init(self, *a, **kw)

    monkeypatch.setattr(session_module.TrainingSession, "__init__", counted)
    with pytest.raises(LoadError) as e:
        group_from_scenario(from_json(json.dumps(bad)))
    assert str(e.value).startswith(message), str(e.value)
    assert len(str(e.value)) < 400
    assert built == []  # refused while reading: no session was made


def test_a_state_where_the_lesson_has_none_and_too_many_runs_are_refused():
    d = _lesson(params=False)
    bad = _set(d, (*R0, "state"), _lesson()["state"])
    with pytest.raises(LoadError, match=r"^compare.runs\[0\].state: must be null"):
        from_json(json.dumps(bad))
    d = _lesson("optimizer", params=False)
    runs = d["compare"]["runs"]
    d["compare"]["runs"] = runs + [{"changes": {"hyper": {"lam": 0.1 * k}}} for k in (1, 2)]
    with pytest.raises(LoadError, match=r"^compare.runs: 5 runs with A: .* at most 4"):
        from_json(json.dumps(d))
    fan = _lesson("seeds8", params=False)  # 8 runs are fine when they differ only by seed
    assert len(group_from_scenario(from_json(json.dumps(fan)))) == 8
    fan["compare"]["runs"][3]["changes"]["seed"] = fan["seed"]
    with pytest.raises(LoadError, match="at most 4"):
        from_json(json.dumps(fan))


def test_a_saved_file_with_a_broken_block_leaves_the_open_group_as_it_was(tmp_path):
    g = contrast(base_session(), "optimizer")
    g.step(20)
    before = [state_digest(s) for s in g]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(_set(_lesson(), (*R0, "changes", "hyper", "alpha"), "fast")))
    with pytest.raises(LoadError, match=r"compare.runs\[0\].changes.hyper.alpha: must be a n"):
        load_scenario(path)
    assert [state_digest(s) for s in g] == before


SPLICE = st.one_of(
    st.integers(-3, 40),
    st.floats(-2, 2, allow_nan=False),
    st.sampled_from([None, True, [], {}, "relu", "adam", [4], {"alpha": 2.0}, {"seed": 5}]),
)
PLACES = [
    ("compare",),
    ("compare", "runs"),
    (*R0,),
    (*R0, "changes"),
    (*R0, "changes", "hyper"),
    (*R0, "changes", "hyper", "alpha"),
    (*R0, "changes", "network"),
    (*R0, "changes", "network", "hidden"),
    (*R0, "changes", "seed"),
    (*R0, "state"),
    (*R0, "state", "step"),
    (*R0, "state", "order_pos"),
    (*R0, "state", "diverged"),
]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(place=st.sampled_from(PLACES), value=SPLICE)
def test_whatever_a_block_holds_it_loads_to_a_group_or_is_refused_with_a_load_error(place, value):
    d = _set(LESSON, place, value)
    try:
        sc = from_json(json.dumps(d))
    except LoadError as e:
        assert str(e).startswith("compare") or str(e).startswith("state"), str(e)
        return
    group = group_from_scenario(sc)
    group.step(3)


LESSON = _lesson()


# --- the schema ----------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["activation", "hidden", "seeds4"])
@pytest.mark.parametrize("params", [True, False])
def test_saved_comparisons_validate_against_the_schema(key, params):
    d = _lesson(key, params=params)
    assert errors(d, SCHEMA) == []
    bad = _set(d, (*R0, "changes", "hyper"), {"alpha": 0})
    assert any("compare.runs[0].changes.hyper.alpha" in e for e in errors(bad, SCHEMA))


def test_the_schemas_changes_are_the_lessons_own_fields():
    changes = SCHEMA["$defs"]["compareRun"]["properties"]["changes"]["properties"]
    top = SCHEMA["properties"]
    assert changes["network"]["properties"] == top["network"]["properties"]
    assert changes["hyper"]["properties"] == top["hyper"]["properties"]
    assert changes["seed"] == top["seed"]
    assert tuple(top["network"]["properties"]) == NETWORK_KEYS
    assert tuple(top["hyper"]["properties"]) == HYPER_KEYS


# --- every run's curves in one CSV ----------------------------------------------------------------
def test_every_runs_curves_go_to_one_csv_with_a_run_column(tmp_path):
    g = contrast(base_session(), "hidden")  # A has one layer of weights, B two
    g.step(100)
    path = tmp_path / "curves.csv"
    save_curves_csv(path, g.snapshot())
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["run", "label", "step", "batch_loss"]
    assert "delta_mean_abs2" in header and "weight_norms2" in header
    snap = g.snapshot()
    for i, run in enumerate(snap.runs):
        mine = [r for r in body if r[0] == "AB"[i]]
        h = run.snapshot.history
        assert len(mine) == len(h) > 2
        assert {r[1] for r in mine} == {run.label.text}
        assert [int(r[2]) for r in mine] == list(h.step)
        col = header.index("train_loss")
        assert np.array_equal([float(r[col]) for r in mine], h.train_loss)
        col = header.index("delta_mean_abs2")
        if h.depth < 2:
            assert {r[col] for r in mine} == {""}
        else:
            got = np.array([float(r[col]) for r in mine])
            assert np.array_equal(got, h.delta_mean_abs[:, 1], equal_nan=True)
    assert curves_csv(g) == path.read_text("utf-8")


def test_epoch_orders_are_checked_against_as_training_points():
    g = contrast(base_session(batching="epochs", alpha=0.05), "optimizer")
    g.step(7)  # within an epoch: every run holds the shuffled order
    assert all(len(s.batch_state().order) == s.n_train for s in g)
    assert_same_group(g, reopened(g))
    d = json.loads(to_json(scenario_from_group(g)))
    order = d["compare"]["runs"][1]["state"]["order"]
    bad = _set(d, ("compare", "runs", 1, "state", "order"), order[:-1] + [order[0]])
    with pytest.raises(LoadError, match=r"^compare.runs\[1\].state.order: must be empty or a"):
        from_json(json.dumps(bad))


def test_a_run_that_cannot_be_saved_is_named():
    g = contrast(base_session(), "lam")
    g.step(5)
    g[1].params.flat[0] = np.nan  # as if a diverged run had not been rolled back
    with pytest.raises(ValueError, match=r"^run B: the parameters are not finite"):
        to_json(scenario_from_group(g))
    saved = json.loads(to_json(scenario_from_group(g, False)))  # without θ it can
    assert saved["compare"]["runs"][0]["state"] is None
