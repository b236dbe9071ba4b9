"""Property tests of the loaders: whatever a file holds, loading it gives a working session
(or a comparison's group, or points) or the loaders' own ``LoadError`` with a short
message; nothing else, and never slowly. Run with ``-s`` to see how many cases ran and
the longest load; ``benchmarks/bench_loaders.py`` runs many more."""

from __future__ import annotations

import json
import math
import time

import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.compare_file import group_from_scenario, scenario_from_group
from backprop_lab.engine.csvfile import read_points_csv
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.fileio import LoadError
from backprop_lab.engine.scenario import (
    from_json,
    load_scenario,
    scenario_from_session,
    session_from_scenario,
    to_json,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MAX_SECONDS = 2.0
MAX_MESSAGE = 500
STATS: dict[str, list[float]] = {}  # load times per kind of case
OUTCOMES: dict[str, int] = {}  # cases per kind that loaded (the rest were refused)
SETTINGS = dict(
    deadline=None,  # the time limit is checked below, per case, on the load alone
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,  # the same cases every run: a normal test run must not flake
)


def _lessons() -> list[dict]:
    out = []
    for preset, kw, hyper in [
        ("xor", dict(n_points=24, test_fraction=0.25), HyperParameters(0.1, 4, 0, "adam")),
        ("surface_2d", dict(n_points=20), HyperParameters(0.05, 4, 0.01, "momentum", "epochs")),
        ("sine_1d", dict(n_points=12), HyperParameters(0.05, 4)),
    ]:
        ds = make_preset(preset, seed=3, **kw)
        feats = ("x1",) if ds.input_dim == 1 else ("x1", "x2")
        s = TrainingSession(ds, NetworkSpec((3, 2), features=feats), hyper, seed=1)
        s.step(12)
        out.append(json.loads(to_json(scenario_from_session(s))))
    # an exercise with a hand edit and a frozen weight: the edits and exercise blocks
    from backprop_lab.engine.edits import freeze, set_parameter
    from backprop_lab.engine.lessons import load_lesson
    from backprop_lab.engine.paramref import ParamRef

    s = session_from_scenario(load_lesson("blobs_by_hand"))
    s.step(3)
    set_parameter(s, ParamRef.parse("W(1)[1,2]"), 0.5)
    freeze(s, ParamRef.parse("b(1)[1]"))
    out.append(json.loads(to_json(scenario_from_session(s))))
    # a comparison: A, B with another activation, C with another seed (the compare block)
    from backprop_lab.engine.group import RunGroup

    ds = make_preset("xor", seed=3, n_points=16, test_fraction=0.25)
    spec = NetworkSpec((3,), activation="tanh")
    runs = [
        TrainingSession(ds, spec, HyperParameters(0.1, 4), seed=1),
        TrainingSession(ds, NetworkSpec((3,), activation="relu"), HyperParameters(0.1, 4), seed=1),
        TrainingSession(ds, spec, HyperParameters(0.1, 4), seed=2),
    ]
    group = RunGroup(runs)
    group.step(12)
    out.append(json.loads(to_json(scenario_from_group(group))))
    return out


LESSONS = _lessons()


def _paths(v, prefix=()) -> list[tuple]:
    """Every place in a lesson a value can be spliced into (lists: a few indices)."""
    out = [prefix]
    if isinstance(v, dict):
        for k, x in v.items():
            out += _paths(x, (*prefix, k))
    elif isinstance(v, list):
        for i in sorted({0, len(v) // 2, len(v) - 1}) if v else ():
            out += _paths(v[i], (*prefix, i))
    return out


PATHS = [(i, p) for i, lesson in enumerate(LESSONS) for p in _paths(lesson) if p]

plausible = st.one_of(  # values a hand-edited lesson might hold: many load
    st.integers(-2, 40),
    st.floats(-2, 2),
    st.sampled_from([0, 1, 0.5, True, False, None, [], {}, "x1", "tanh", "epochs", 2**64]),
)
json_values = (
    plausible
    | plausible
    | st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.integers(min_value=-(2**140), max_value=2**140)
        | st.floats(allow_nan=True, allow_infinity=True)
        | st.text(max_size=30)
        | st.sampled_from(
            ["", "x" * 5000, "<b>bold</b>", "sigmoid", "adam", "PCG64", "regression"]
        ),
        lambda inner: (
            st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=12,
    )
)


def _check(kind: str, load) -> None:
    t0 = time.perf_counter()
    try:
        load()
        OUTCOMES[kind] = OUTCOMES.get(kind, 0) + 1
    except LoadError as e:
        msg = str(e)
        assert 0 < len(msg) < MAX_MESSAGE, msg[:600]
        assert "np.float" not in msg and "int_max_str_digits" not in msg, msg
    elapsed = time.perf_counter() - t0
    STATS.setdefault(kind, []).append(elapsed)
    assert elapsed < MAX_SECONDS, f"{kind}: a load took {elapsed:.2f} s"


def _session_and_steps(text: str) -> None:
    # as the window opens a lesson: a group of one, or with a compare block every run
    group = group_from_scenario(from_json(text))
    if group.a.n_train:
        group.step(3)  # a bad RNG state or order would hang or fail here
    group.snapshot()


@settings(max_examples=1000, **SETTINGS)
@given(
    where=st.sampled_from(PATHS),
    value=json_values,
    how=st.sampled_from(["replace", "delete", "add"]),
)
def test_values_spliced_into_lessons(where, value, how):
    i, path = where
    d = json.loads(json.dumps(LESSONS[i]))
    parent = d
    for k in path[:-1]:
        parent = parent[k]
    last = path[-1]
    if how == "delete" and isinstance(parent, dict):
        del parent[last]
    elif how == "add" and isinstance(parent, dict):
        parent[str(value)[:20]] = value
    else:
        parent[last] = value
    text = json.dumps(d)
    _check("lesson splice", lambda: _session_and_steps(text))


@settings(max_examples=400, **SETTINGS)
@given(data=st.binary(max_size=3000), prefix=st.sampled_from([b"", b"{", b'{"format": ']))
def test_random_bytes_as_lesson_and_csv(tmp_path, data, prefix):
    path = tmp_path / "f.json"
    path.write_bytes(prefix + data)
    _check("lesson bytes", lambda: _session_and_steps_from_file(path))
    _check("csv bytes", lambda: read_points_csv(prefix + data))


def _session_and_steps_from_file(path) -> None:
    group_from_scenario(load_scenario(path))


number_text = st.one_of(
    st.integers(0, 7).map(str),
    st.floats(-6, 6).map(repr),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-20, 20).map(str),
    st.sampled_from(["1,5", '"1,5"', "0.1x", "1e300", "-0", ".5", "5.", "nan", "", " 3 ", "٣"]),
)
csv_field = st.one_of(number_text, st.text(max_size=12), st.sampled_from(["train", "test", "cat"]))
good_row = st.tuples(st.floats(-6, 6), st.floats(-6, 6), st.integers(0, 3)).map(
    lambda r: f"{r[0]!r},{r[1]!r},{r[2]}"
)
csv_line = st.one_of(
    good_row,
    good_row,
    st.lists(csv_field, min_size=1, max_size=5).flatmap(
        lambda fs: st.sampled_from([",", ";", "\t"]).map(lambda d: d.join(fs))
    ),
    st.sampled_from(
        ["x1,x2,label", "x1,x2,value", "x,y", "x1;x2;label;split", "# comment", "", "x1,x2"]
    ),
    st.text(max_size=40),
)


@settings(max_examples=1000, **SETTINGS)
@given(
    lines=st.lists(csv_line, max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]),
    task=st.sampled_from(["auto", "classification", "regression"]),
)
def test_random_csv_lines(lines, encoding, task):
    text = "\n".join(lines)
    try:  # the bytes of a file, as the window reads it
        source = text.encode(encoding)
    except UnicodeEncodeError:
        source = text.encode("utf-8")

    def load():
        res = read_points_csv(source, task)
        ds = res.dataset
        assert len(ds) > 0 and all(abs(float(x)) <= 1e6 for x in ds.points.ravel())
        assert all(math.isfinite(float(y)) for y in ds.y)
        assert all(len(n) < MAX_MESSAGE for n in res.notes)

    _check("csv text", load)


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    total = sum(len(v) for v in STATS.values())
    if total:
        worst = max(max(v) for v in STATS.values())
        parts = ", ".join(
            f"{k} {len(v)} ({OUTCOMES.get(k, 0)} loaded)" for k, v in sorted(STATS.items())
        )
        print(f"\nloader property cases: {total} ({parts}); longest load {worst * 1000:.1f} ms")
