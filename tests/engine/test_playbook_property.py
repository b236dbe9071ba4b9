"""Property tests of the playbook loader: whatever a file holds, loading it gives a playbook
that plays, or ``LoadError`` with a short message; never another exception."""

from __future__ import annotations

import copy
import json

from backprop_lab.engine.fileio import LoadError
from backprop_lab.engine.playbook import Run, from_json, playbook_from_dict
from backprop_lab.engine.rehearse import rehearse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .playbook_support import tiny_dict

SETTINGS = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # the same cases every run: a normal test run must not flake
)
PLAY_LIMIT = 3_000  # steps: a mutated playbook that loads is played if it is this short


def _paths(v, prefix=()) -> list[tuple]:
    out = [prefix]
    if isinstance(v, dict):
        for k, x in v.items():
            out += _paths(x, (*prefix, k))
    elif isinstance(v, list):
        for i in sorted({0, len(v) // 2, len(v) - 1}) if v else ():
            out += _paths(v[i], (*prefix, i))
    return out


BASE = tiny_dict()
PATHS = [p for p in _paths(BASE) if p]

plausible = st.one_of(  # values a hand edit might leave: many of them load
    st.integers(-2, 300),
    st.floats(-2, 3),
    st.sampled_from(
        [
            0,
            1,
            0.5,
            True,
            False,
            None,
            [],
            {},
            "A",
            "B",
            "continue",
            "max",
            "relu",
            "x1",
            "delta",
            "update",
            "forward",
            "xor",
            "circles",
            "adam",
            "loss",
            "regions",
            [3, 3],
            ["relu", "relu"],
            {"lesson": "moons"},
            {"train_loss_below": 0.5},
            {"seed": 3},
            {"type": "reveal"},
            {"type": "show"},
            {"type": "run", "steps": 5},
            2**64,
            "x" * 6000,
        ]
    ),  # fmt: skip
)
json_values = (
    plausible
    | plausible
    | st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=True, allow_infinity=True)
        | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=8,
    )
)


def _splice(d: dict, path: tuple, value, delete: bool) -> dict:
    d = copy.deepcopy(d)
    target = d
    for k in path[:-1]:
        target = target[k]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return d


def _short_enough(book) -> bool:
    total = 0
    for scene in book.scenes:
        for b in scene.beats:
            if isinstance(b, Run):
                total += b.steps or b.max_steps or 0
                if b.epochs is not None:
                    total += int(b.epochs * 200) + 1  # at most 200 points, B ≥ 1
    return total <= PLAY_LIMIT


def _load_and_play(d) -> None:
    try:
        book = from_json(json.dumps(d, allow_nan=True))
    except LoadError as e:
        msg = str(e)
        assert 0 < len(msg) < 500, msg
        assert "Traceback" not in msg and "np.float" not in msg, msg
        return
    if _short_enough(book):
        rehearse(book)  # a playbook that loads also plays, beat by beat


@settings(max_examples=400, **SETTINGS)
@given(where=st.sampled_from(PATHS), value=json_values, delete=st.booleans())
def test_a_mutated_playbook_loads_and_plays_or_is_refused(where, value, delete):
    _load_and_play(_splice(BASE, where, value, delete))


@settings(max_examples=60, **SETTINGS)
@given(
    st.lists(st.tuples(st.sampled_from(PATHS), json_values, st.booleans()), min_size=2, max_size=4)
)
def test_several_mutations_at_once(edits):
    d = BASE
    for where, value, delete in edits:
        try:
            d = _splice(d, where, value, delete)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed the place
    _load_and_play(d)


@settings(max_examples=60, **SETTINGS)
@given(st.permutations(range(len(BASE["scenes"][0]["beats"]))))
def test_beats_in_any_order_load_and_play_or_are_refused(order):
    d = copy.deepcopy(BASE)
    beats = d["scenes"][0]["beats"]
    d["scenes"][0]["beats"] = [beats[i] for i in order]
    _load_and_play(d)


def test_non_objects_anywhere_are_refused():
    for value in (None, [], 3, "scenes", [[]]):
        for path in (("scenes",), ("scenes", 0), ("scenes", 0, "beats", 0)):
            try:
                playbook_from_dict(_splice(BASE, path, value, False))
            except LoadError:
                continue
            raise AssertionError(f"{path} = {value!r} was accepted")
