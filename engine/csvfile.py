"""CSV files of points: read with the ``csv`` module, written exactly, round trips kept.

Reading detects the encoding (UTF-8 with or without BOM, UTF-16 with BOM, else Latin-1
with a note) and the delimiter (``,``, ``;`` or tab), and lets the header decide the task:

* ``x1,x2,label`` is classification: labels are whole numbers 0..7, or class names
  (text, numbered in order of first appearance, or in the order a ``# classes:`` line
  lists them), never a mix; the names are kept (``Dataset.class_names``);
* ``x1,x2,value`` is 2-D regression and ``x,y`` a 1-D curve (the target is the height y);
* an optional last column ``split`` (``train``/``test``, 0/1, false/true) marks test points.

A file without a header is taken as data only when every row parses (the first row is
never silently dropped); then three columns are classification when every label is a
whole number 0..7 or a name, and regression otherwise. Blank lines and lines starting with
``#`` are skipped, except ``# classes: a,b,c`` (CSV fields), which numbers the named
classes in that order; ``points_csv`` writes one, so a round trip keeps every class's
number and name. A decimal comma (``1,5``) is read when the field is quoted or the
delimiter is not a comma. Every problem raises ``LoadError`` naming the line.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .data import MAX_CLASSES, MAX_POINTS, Dataset, check_class_names
from .fileio import MAX_FILE_BYTES, LoadError, atomic_write_text, quote, read_capped
from .validate import MAX_COORD

CSV_TASKS = ("auto", "classification", "regression")
MAX_LINE = 1000  # a row of four numbers is under 100 characters
_SPLIT_NAMES = ("split", "is_test", "test")
_SPLIT_VALUES = {"train": False, "test": True, "0": False, "1": True, "false": False, "true": True}
_LABEL_NAMES = ("label", "class")
_VALUE_NAMES = ("value", "target")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+(?:[eE][+-]?\d+)?", re.ASCII)
_HEADERS = "x1,x2,label (classes), x1,x2,value (regression) or x,y (a curve)"
_CLASSES_LINE = re.compile(r"#\s*classes\s*:(.*)", re.IGNORECASE)


@dataclass
class CsvResult:
    """The points, and notes for the user about how the file was read (e.g. encoding)."""

    dataset: Dataset
    notes: list[str] = field(default_factory=list)
    header: tuple[str, ...] | None = None
    delimiter: str = ","


def decode(data: bytes) -> tuple[str, str | None]:
    """(text, note): UTF-8 (BOM or not), UTF-16 with a BOM, else Latin-1 with a note."""
    if data.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    else:
        enc = "utf-8"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as e:
        if enc == "utf-16":
            raise LoadError(f"not a text file: the UTF-16 text breaks at byte {e.start}") from None
        if b"\x00" in data:
            raise LoadError("not a text file: it holds NUL bytes (is it a spreadsheet?)") from None
        return data.decode("latin-1"), (
            f"the file is not UTF-8 (byte {e.start}); it was read as Latin-1: check the text"
        )
    if "\x00" in text:
        raise LoadError("not a text file: it holds NUL bytes (is it a spreadsheet?)")
    return text, None


def _sniff_delimiter(lines: list[str]) -> str:
    """Tab or ';' when the first content line has one outside quotes, else ','."""
    for line in lines:
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        bare = re.sub(r'"[^"]*"', "", s)
        for d in ("\t", ";"):
            if d in bare:
                return d
        return ","
    return ","


def _parse_number(s: str, comma_ok: bool) -> float | None:
    s = s.strip()
    if _NUMBER.fullmatch(s):
        return float(s)
    if comma_ok and _DECIMAL_COMMA.fullmatch(s):
        return float(s.replace(",", "."))
    return None


def _fields(line: str, lineno: int, delim: str) -> list[str]:
    try:
        return [f.strip() for f in next(csv.reader([line], delimiter=delim))]
    except csv.Error as e:
        raise LoadError(f"line {lineno}: {str(e)[:100]}") from None


def _header_task(names: list[str], lineno: int) -> tuple[str, int, bool]:
    """(task, data columns, has split) from a header line."""
    low = [n.lower() for n in names]
    split = bool(low) and low[-1] in _SPLIT_NAMES
    data = low[:-1] if split else low
    if len(data) == 2:
        return "curve", 2, split
    if len(data) == 3 and data[2] in _LABEL_NAMES:
        return "classification", 3, split
    if len(data) == 3 and data[2] in _VALUE_NAMES:
        return "regression", 3, split
    shown = quote(",".join(names), 60)
    raise LoadError(
        f"line {lineno}: unknown header {shown}; expected {_HEADERS}, and optionally split"
    )


def read_points_csv(source: str | os.PathLike | bytes, task: str = "auto") -> CsvResult:
    """Points from a CSV file (a path), raw bytes, or CSV text (a ``str`` holding a newline
    or a comma). ``task`` may force classification or regression for a file without a
    header; a header that disagrees with it is an error."""
    if task not in CSV_TASKS:
        raise ValueError(f"task must be one of {', '.join(CSV_TASKS)}, got {task!r}")
    note = None
    if isinstance(source, bytes):
        if len(source) > MAX_FILE_BYTES:
            raise LoadError(f"file too large (a CSV file is at most {MAX_FILE_BYTES} bytes)")
        text, note = decode(source)
    elif isinstance(source, os.PathLike) or (
        isinstance(source, str)
        and "\n" not in source
        and (os.path.isfile(source) or not re.search(r"[,;\t]", source))
        and source.strip()
    ):
        text, note = decode(read_capped(source, "CSV"))
    elif isinstance(source, str):
        if len(source) > MAX_FILE_BYTES:
            raise LoadError(f"file too large (a CSV file is at most {MAX_FILE_BYTES} bytes)")
        text = source.removeprefix("\ufeff")
    else:
        raise TypeError(f"expected a path, bytes or CSV text, got {type(source).__name__}")
    result = _parse(text, task)
    if note:
        result.notes.append(note)
    return result


def _parse(text: str, task: str) -> CsvResult:
    lines = text.splitlines()
    delim = _sniff_delimiter(lines)
    comma_ok = delim != ","
    header: tuple[str, ...] | None = None
    kind, n_data, has_split, width = "", 0, False, 0
    coords: list[tuple[float, float]] = []
    labels: list[tuple[int, str, float | None]] = []  # (line, text, number or None)
    tests: list[bool] = []
    order: list[str] | None = None  # the class names a "# classes:" line lists
    for lineno, line in enumerate(lines, 1):
        s = line.strip()
        if not s or s.startswith("#"):
            listed = _CLASSES_LINE.fullmatch(s)
            if listed is not None and order is None:
                order = _class_order(listed.group(1).strip(), lineno, delim)
            continue
        if len(line) > MAX_LINE:
            raise LoadError(f"line {lineno}: {len(line)} characters long (at most {MAX_LINE})")
        fields = _fields(line, lineno, delim)
        # a quoted field keeps a decimal comma even when commas separate the fields
        quoted_ok = comma_ok or '"' in line
        if not width:  # the first content line: a header, or the first row of data
            nums = [_parse_number(f, quoted_ok) for f in fields]
            if all(v is None for v in nums):
                kind, n_data, has_split = _header_task(fields, lineno)
                header, width = tuple(fields), len(fields)
                continue
            width = len(fields)
            has_split = width == 4
            n_data = width - has_split
            if n_data not in (2, 3):
                raise LoadError(
                    f"line {lineno}: expected columns {_HEADERS} (and optionally split), "
                    f"got {width} columns"
                )
            kind = "curve" if n_data == 2 else "auto"
        if len(fields) != width:
            hint = ""
            if delim == "," and len(fields) > width:
                hint = " (a decimal comma? quote the number or separate values with ';')"
            raise LoadError(f"line {lineno}: expected {width} values, got {len(fields)}{hint}")
        if len(coords) == MAX_POINTS:
            raise LoadError(f"line {lineno}: too many points (at most {MAX_POINTS})")
        xy = []
        for c in range(2):
            v = _parse_number(fields[c], quoted_ok)
            if v is None:
                raise LoadError(f"line {lineno}: {quote(fields[c])} is not a number")
            if not math.isfinite(v) or abs(v) > MAX_COORD:
                raise LoadError(
                    f"line {lineno}: {quote(fields[c])} is beyond ±{MAX_COORD:g} "
                    "(far off the canvas)"
                )
            xy.append(v)
        coords.append((xy[0], xy[1]))
        if n_data == 3:
            labels.append((lineno, fields[2], _parse_number(fields[2], quoted_ok)))
        if has_split:
            key = fields[-1].lower()
            if key not in _SPLIT_VALUES:
                raise LoadError(
                    f"line {lineno}: split must be train or test (or 0/1), got {quote(fields[-1])}"
                )
            tests.append(_SPLIT_VALUES[key])
        else:
            tests.append(False)
    if not coords:
        raise LoadError("the file holds no points")
    pts = np.array(coords, dtype=np.float64)
    is_test = np.array(tests, dtype=bool)
    if kind == "curve":
        if task == "classification":
            raise LoadError("classification needs three columns x1,x2,label")
        ds = Dataset(pts, pts[:, 1].copy(), is_test, "regression", 2, 1)
    else:
        if kind == "auto":
            kind = _guess_task(labels) if task == "auto" else task
        elif task not in ("auto", kind):
            raise LoadError(f"the header {quote(','.join(header or ()))} says {kind}, not {task}")
        ds = (
            _regression(pts, labels, is_test)
            if kind == "regression"
            else _classes(pts, labels, is_test, order or [])
        )
    return CsvResult(ds, [], header, delim)


def _guess_task(labels: list[tuple[int, str, float | None]]) -> str:
    """No header: whole numbers 0..7 or names are classes, other numbers are values."""
    if any(v is None for _, _, v in labels):
        return "classification"
    if all(v.is_integer() and 0 <= v < MAX_CLASSES for _, _, v in labels):
        return "classification"
    return "regression"


def _regression(pts, labels, is_test) -> Dataset:
    y = np.empty(len(labels))
    for r, (lineno, text, v) in enumerate(labels):
        if v is None:
            raise LoadError(f"line {lineno}: value {quote(text)} is not a number")
        if not math.isfinite(v) or abs(v) > MAX_COORD:
            raise LoadError(f"line {lineno}: value {quote(text)} is beyond ±{MAX_COORD:g}")
        y[r] = v
    return Dataset(pts, y, is_test, "regression", 2, 2)


def _class_order(text: str, lineno: int, delim: str) -> list[str]:
    """The names of a ``# classes:`` line, checked as class names are."""
    names = [f for f in _fields(text, lineno, delim) if f]
    try:
        check_class_names(names, MAX_CLASSES)
    except ValueError as e:
        raise LoadError(f"line {lineno}: {e}") from None
    for name in names:
        if _parse_number(name, True) is not None:
            raise LoadError(f"line {lineno}: class name {quote(name)} is a number")
    return names


def _classes(pts, labels, is_test, order: list[str]) -> Dataset:
    names = labels[0][2] is None  # the first label decides: names, or numbers 0..7
    y = np.empty(len(labels), dtype=np.int64)
    index: dict[str, int] = {name: k for k, name in enumerate(order)} if names else {}
    for r, (lineno, text, v) in enumerate(labels):
        if names:
            if v is not None:
                raise LoadError(
                    f"line {lineno}: class label {quote(text)} is a number, but line "
                    f"{labels[0][0]} names a class: use numbers 0..{MAX_CLASSES - 1} or names"
                )
            if text not in index:
                if len(index) == MAX_CLASSES:
                    raise LoadError(
                        f"line {lineno}: class {quote(text)} would be class {MAX_CLASSES + 1}; "
                        f"at most {MAX_CLASSES} classes"
                    )
                index[text] = len(index)
            y[r] = index[text]
        else:
            if v is None or not (v.is_integer() and 0 <= v < MAX_CLASSES):
                raise LoadError(
                    f"line {lineno}: class label {quote(text)} must be a whole number "
                    f"0..{MAX_CLASSES - 1} (or every label a class name)"
                )
            y[r] = int(v)
    k = len(index) if names else int(y.max()) + 1
    try:
        class_names = check_class_names(list(index) if names else [], max(2, k))
    except ValueError as e:
        raise LoadError(f"the class names: {e}") from None
    return Dataset(pts, y, is_test, "classification", max(2, k), 2, class_names)


def load_points_csv(source: str | os.PathLike | bytes, task: str = "auto") -> Dataset:
    """The points of a CSV file or text (see ``read_points_csv``, which also gives notes)."""
    return read_points_csv(source, task).dataset


def _csv_line(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def points_csv(ds: Dataset) -> str:
    """CSV text for ``ds`` with a header naming the task and a split column; floats are
    written exactly, so ``load_points_csv`` gives the same points, task and targets. Named
    classes are written by name, after a ``# classes:`` line that keeps their numbers
    (a class without a name is called "class k" there)."""
    names: list[str] = []
    if ds.input_dim == 1:
        lines = ["x,y,split"]
        cols = [ds.points[:, 0], ds.points[:, 1]]
    else:
        lines = ["x1,x2,label,split" if ds.task == "classification" else "x1,x2,value,split"]
        cols = [ds.points[:, 0], ds.points[:, 1], ds.y]
        if ds.task == "classification" and ds.class_names:
            names = _unique_names(ds)
            lines.insert(0, "# classes: " + _csv_line(names))
    for i in range(len(ds)):
        vals = [repr(c[i].item()) for c in cols]
        if names:
            vals[2] = _csv_line([names[int(ds.y[i])]])
        lines.append(",".join([*vals, "test" if ds.is_test[i] else "train"]))
    return "\n".join(lines) + "\n"


def _unique_names(ds: Dataset) -> list[str]:
    """Every class's name for a file: its own, or "class k" (made unique if a named
    class is already called that)."""
    names = list(ds.class_names)
    for k in range(len(names), ds.n_classes):
        name, extra = f"class {k + 1}", 1
        while name in names:
            extra += 1
            name = f"class {k + 1} ({extra})"
        names.append(name)
    return names


def save_points_csv(path: str | os.PathLike, ds: Dataset) -> None:
    """Write ``points_csv(ds)`` atomically (see ``fileio.atomic_write_text``)."""
    atomic_write_text(Path(path), points_csv(ds))
