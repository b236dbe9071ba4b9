"""CSV files of points: encodings, delimiters, header rules, line numbers, round trips."""

import os

import numpy as np
import pytest
from backprop_lab.engine import LoadError
from backprop_lab.engine.csvfile import (
    load_points_csv,
    points_csv,
    read_points_csv,
    save_points_csv,
)
from backprop_lab.engine.data import Dataset
from backprop_lab.engine.datasets import make_preset

TEXT = "x1,x2,label\n0.5,-1.25,0\n2,3,1\n-4,5.5,2\n"


# --- encodings ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "encoding, bom",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
    ],
)
def test_utf8_and_utf16_files_load_without_a_note(tmp_path, encoding, bom):
    path = tmp_path / "p.csv"
    path.write_bytes(bom + TEXT.replace("\n", "\r\n").encode(encoding))
    res = read_points_csv(path)
    assert res.notes == []
    assert res.dataset.points.tolist() == [[0.5, -1.25], [2, 3], [-4, 5.5]]
    assert res.dataset.y.tolist() == [0, 1, 2] and res.dataset.task == "classification"


def test_latin1_file_loads_with_a_note(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("# Messung: Café\nx1,x2,label\n1,2,caf\xe9\n3,4,th\xe9\n".encode("latin-1"))
    res = read_points_csv(path)
    assert res.dataset.n_classes == 2 and res.dataset.y.tolist() == [0, 1]
    assert len(res.notes) == 1 and "Latin-1" in res.notes[0] and "not UTF-8" in res.notes[0]


def test_binary_file_is_not_a_text_file(tmp_path):
    path = tmp_path / "p.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe")
    with pytest.raises(LoadError, match="not a text file: it holds NUL bytes"):
        read_points_csv(path)


def test_broken_utf16_is_reported():
    with pytest.raises(LoadError, match="UTF-16 text breaks"):
        read_points_csv(b"\xff\xfex\x001\x00,\x00\x00\xd8")


# --- delimiters and quoting ------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "x1;x2;label\n0,5;-1,25;0\n2;3;1\n",
        "x1\tx2\tlabel\n0.5\t-1.25\t0\n2\t3\t1\n",
        'x1,x2,label\n"0,5","-1,25",0\n"2",3,"1"\n',
        "x1;x2;label\n0.5;-1.25;0\n2;3;1\n",
    ],
    ids=["semicolon-decimal-comma", "tab", "quoted-decimal-comma", "semicolon"],
)
def test_delimiters_and_quoted_fields(text):
    ds = load_points_csv(text)
    assert ds.points.tolist() == [[0.5, -1.25], [2, 3]] and ds.y.tolist() == [0, 1]


def test_an_unquoted_decimal_comma_gets_a_helpful_message():
    with pytest.raises(LoadError) as e:
        load_points_csv("x1,x2,label\n0,5,1,0\n")
    assert str(e.value) == (
        "line 2: expected 3 values, got 4 (a decimal comma? quote the number or "
        "separate values with ';')"
    )


# --- the header decides the task ---------------------------------------------------------------
@pytest.mark.parametrize(
    "labels, line, bad",
    [(["0", "1", "2.5"], 4, "2.5"), (["0", "8"], 3, "8"), (["99", "-1", "0.5"], 2, "99")],
)
def test_label_header_needs_whole_numbers_0_to_7(labels, line, bad):
    text = "x1,x2,label\n" + "".join(f"{i},{i},{y}\n" for i, y in enumerate(labels))
    with pytest.raises(LoadError) as e:
        load_points_csv(text)
    assert str(e.value).startswith(f'line {line}: class label "{bad}" must be a whole number 0..7')


def test_value_header_is_regression_even_with_whole_numbers():
    ds = load_points_csv("x1,x2,value\n0,0,0\n1,1,3\n2,2,7\n")
    assert ds.task == "regression" and ds.input_dim == 2
    assert ds.y.dtype == np.float64 and ds.y.tolist() == [0.0, 3.0, 7.0]


def test_xy_header_is_a_curve():
    ds = load_points_csv("x,y\n0,1\n1,2\n")
    assert ds.task == "regression" and ds.input_dim == 1 and ds.y.tolist() == [1.0, 2.0]


def test_header_and_task_must_agree():
    with pytest.raises(LoadError, match='header "x1,x2,value" says regression, not classification'):
        load_points_csv("x1,x2,value\n0,0,1\n", task="classification")


def test_unknown_header_names_the_expected_ones():
    with pytest.raises(LoadError, match=r'line 1: unknown header "a,b,c"; expected x1,x2,label'):
        load_points_csv("a,b,c\n1,2,3\n")


def test_mixed_numbers_and_names_are_refused():
    with pytest.raises(LoadError, match='line 3: class label "1" is a number, but line 2 names'):
        load_points_csv("x1,x2,label\n0,0,cat\n1,1,1\n")


# --- rows without a header ---------------------------------------------------------------------
def test_a_bad_first_row_is_an_error_not_a_header():
    with pytest.raises(LoadError) as e:
        load_points_csv("0.1x,0.2,0\n1,2,1\n3,4,0\n")
    assert str(e.value) == 'line 1: "0.1x" is not a number'


def test_without_a_header_every_row_is_data():
    ds = load_points_csv("0.1,0.2,0\n1,2,1\n")
    assert len(ds) == 2 and ds.points[0].tolist() == [0.1, 0.2]


@pytest.mark.parametrize("value", ["1e300", "-2e6", "1000001"])
def test_coordinates_beyond_a_million_are_refused(value):
    with pytest.raises(LoadError, match=f'line 3: "{value}" is beyond ±1e\\+06'):
        load_points_csv(f"x1,x2,label\n0,0,0\n1,{value},1\n")


def test_values_beyond_a_million_are_refused():
    with pytest.raises(LoadError, match='line 2: value "5e9" is beyond'):
        load_points_csv("x1,x2,value\n0,0,5e9\n")


@pytest.mark.parametrize("value", ["nan", "inf", "1_000", "٣", "0x10", ""])
def test_only_plain_numbers_are_numbers(value):
    with pytest.raises(LoadError, match="line 2: .* is not a number"):
        load_points_csv(f"x1,x2,label\n{value},1,0\n")


# --- messages stay short ------------------------------------------------------------------------
def test_a_huge_line_gives_a_short_message():
    with pytest.raises(LoadError) as e:
        load_points_csv("x1,x2,label\n" + "9" * 5_000_000 + ",1,0\n")
    assert str(e.value) == "line 2: 5000004 characters long (at most 1000)"


def test_a_long_field_is_quoted_briefly():
    with pytest.raises(LoadError) as e:
        load_points_csv("x1,x2,label\n3,4,0\n1,2," + "<b>" * 300 + "\n")
    assert str(e.value).startswith('line 3: class label "<b><b><b>')
    assert len(str(e.value)) < 200 and '…" must be a whole number' in str(e.value)


def test_a_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "wb") as f:
        f.truncate(21 * 1024 * 1024)
    with pytest.raises(LoadError, match="file too large"):
        read_points_csv(path)


# --- round trips of what the app writes ------------------------------------------------------
@pytest.mark.parametrize(
    "ds",
    [
        make_preset("spirals", n_arms=3, noise=0.1, test_fraction=0.3, seed=1),
        make_preset("sine_1d", test_fraction=0.2),
        make_preset("surface_2d", test_fraction=0.2),
        # whole-number regression targets stay regression (they came back as classes)
        Dataset(
            np.array([[0, 0], [1, 1], [2, -2.5]]),
            np.array([0.0, 3.0, 7.0]),
            np.array([False, True, False]),
            "regression",
            2,
            2,
        ),
    ],
    ids=["classes", "curve", "surface", "whole-number-values"],
)
def test_export_import_round_trip(tmp_path, ds):
    path = tmp_path / "points.csv"
    save_points_csv(path, ds)
    back = load_points_csv(path)
    assert back.task == ds.task and back.input_dim == ds.input_dim
    assert back.same_as(ds)
    assert load_points_csv(points_csv(ds)).same_as(ds)
    assert sorted(os.listdir(tmp_path)) == ["points.csv"]
