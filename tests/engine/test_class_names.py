"""Class names travel with the points: a CSV's labels become the dataset's class names,
and CSV files and lessons write them back, so every round trip keeps each class's number
and name."""

from __future__ import annotations

import json

import numpy as np
import pytest
from backprop_lab.engine import NetworkSpec, TrainingSession
from backprop_lab.engine.csvfile import points_csv, read_points_csv
from backprop_lab.engine.data import MAX_CLASS_NAME, Dataset
from backprop_lab.engine.fileio import LoadError
from backprop_lab.engine.scenario import from_json, scenario_from_session, to_json
from hypothesis import assume, given, settings
from hypothesis import strategies as st


def test_csv_labels_become_class_names_in_order_of_appearance():
    ds = read_points_csv("x1,x2,label\n1,1,inner\n3,3,outer\n-5,5,corner\n0,1,inner\n").dataset
    assert ds.class_names == ("inner", "outer", "corner")
    assert ds.y.tolist() == [0, 1, 2, 0]
    assert ds.class_name(1) == "outer"
    text = points_csv(ds)
    assert "inner" in text and ",0," not in text  # written by name, not 0/1/2
    assert read_points_csv(text).dataset.same_as(ds)


def test_a_classes_line_keeps_the_numbers_whatever_the_rows_order():
    ds = Dataset([[0, 0], [1, 1]], [1, 0], None, class_names=("inner", "outer"))
    text = points_csv(ds)
    assert text.startswith("# classes: inner,outer\n")
    back = read_points_csv(text).dataset
    assert back.y.tolist() == [1, 0] and back.class_names == ("inner", "outer")


def test_numbered_classes_stay_numbers():
    ds = read_points_csv("x1,x2,label\n1,1,0\n2,2,1\n").dataset
    assert ds.class_names == ()
    assert ds.class_name(0) == "class 1"
    assert "# classes" not in points_csv(ds)


@pytest.mark.parametrize(
    "names, why",
    [
        ((" a", "b"), "space"),
        (("a", "a"), "same name"),
        (("x" * (MAX_CLASS_NAME + 1),), "longer"),
        (("a\tb",), "control"),
        (("a", "b", "c"), "3 class names for 2"),
    ],
)
def test_bad_class_names_are_refused_with_a_reason(names, why):
    with pytest.raises(ValueError, match=why):
        Dataset([[0, 0]], [0], None, class_names=names)


def test_a_lesson_keeps_the_class_names_and_refuses_bad_ones():
    ds = Dataset([[0, 0], [1, 1], [2, 0]], [0, 1, 2], None, n_classes=3, class_names=("a", "b"))
    s = TrainingSession(ds, NetworkSpec((3,)))
    text = to_json(scenario_from_session(s))
    assert from_json(text).dataset.class_names == ("a", "b")
    d = json.loads(text)
    d["dataset"]["class_names"] = ["a", "a"]
    with pytest.raises(LoadError, match="dataset.class_names"):
        from_json(json.dumps(d))
    d["dataset"]["class_names"] = ["a", 3]
    with pytest.raises(LoadError, match=r"dataset.class_names\[1\]"):
        from_json(json.dumps(d))


names_strategy = (
    st.text(
        alphabet=st.characters(
            categories=("L", "N", "P", "Zs", "S"), exclude_characters="\u2028\u2029\x85"
        ),
        min_size=1,
        max_size=MAX_CLASS_NAME,
    )
    .map(str.strip)
    .filter(lambda t: t and not t.startswith("#"))
)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    names=st.lists(
        names_strategy.filter(lambda t: not _is_number(t)), min_size=2, max_size=8, unique=True
    ),
    labels=st.lists(st.integers(0, 7), min_size=1, max_size=30),
    tests=st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_named_classes_round_trip_through_csv_and_lessons(names, labels, tests):
    # (hypothesis 6.100, the floor, can shrink past the filter above to names like "0")
    assume(not any(_is_number(n) for n in names))
    k = len(names)
    y = np.array([v % k for v in labels])
    pts = np.column_stack([np.linspace(-5, 5, len(y)), np.cos(np.arange(len(y)))])
    ds = Dataset(pts, y, np.array(tests[: len(y)]), n_classes=k, class_names=tuple(names))
    back = read_points_csv(points_csv(ds)).dataset
    assert back.same_as(ds), (names, back.class_names)
    s = TrainingSession(ds, NetworkSpec((2,)))
    assert from_json(to_json(scenario_from_session(s))).dataset.same_as(ds)
