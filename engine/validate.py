"""Checks of parsed JSON values, each naming the field path and quoting the value briefly.

Every check raises ``LoadError`` ("dataset.points[3][1]: must be a finite number, got
inf"). Keys from the file are quoted when they are not plain names, and cut short.
"""

from __future__ import annotations

import math

import numpy as np

from .fileio import LoadError, excerpt, quote

MAX_COORD = 1e6  # the canvas spans [-6, 6]; anything past this is a unit mix-up


def fail(path: str, msg: str):
    raise LoadError(f"{path}: {msg}" if path else msg)


def kind(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


def key_name(key: str) -> str:
    """A key as it appears in a field path: plain names as they are, others quoted."""
    if key and len(key) <= 40 and key.replace("_", "a").isalnum() and key.isascii():
        return key
    return quote(key, 40)


def join(path: str, key: str) -> str:
    k = key_name(key)
    return f"{path}.{k}" if path else k


def obj(v, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    if not isinstance(v, dict):
        fail(path, f"must be an object, got {kind(v)}")
    for k in v:
        if k not in required and k not in optional:
            fail(join(path, k), f"unknown field (expected {', '.join(required + optional)})")
    for k in required:
        if k not in v:
            fail(path or "file", f"missing field {k!r}")
    return v


def integer(v, path: str, lo: int, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        fail(path, f"must be a whole number, got {kind(v)}")
    if not lo <= v <= hi:
        fail(path, f"must be {_bound(lo)}..{_bound(hi)}, got {excerpt(v)}")
    return v


def _bound(b: int) -> str:
    if abs(b) < 10**12:
        return str(b)
    if b > 0 and not (b + 1) & b:
        return f"2^{(b + 1).bit_length() - 1}-1"
    if b > 0 and not b & (b - 1):
        return f"2^{b.bit_length() - 1}"
    return excerpt(b)


def number(v, path: str, lo: float = -math.inf, hi: float = math.inf) -> float:
    """A finite number within [lo, hi]."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        fail(path, f"must be a number, got {kind(v)}")
    try:
        f = float(v)
    except OverflowError:  # an integer past the float range
        fail(path, f"must be a finite number, got {excerpt(v)}")
    if not math.isfinite(f):
        fail(path, f"must be a finite number, got {excerpt(f)}")
    if not lo <= f <= hi:
        fail(path, f"must be in [{lo:g}, {hi:g}], got {excerpt(f)}")
    return f


def number_or_nan(v, path: str, lo: float = -math.inf, hi: float = math.inf) -> float:
    """A number as ``number``, or null for "not measured" (NaN)."""
    return math.nan if v is None else number(v, path, lo, hi)


def coord(v, path: str) -> float:
    f = number(v, path)
    if abs(f) > MAX_COORD:
        fail(path, f"is {excerpt(f)}, beyond ±{MAX_COORD:g} (far off the canvas)")
    return f


def text(v, path: str, max_len: int = 100, choices: tuple[str, ...] | None = None) -> str:
    if not isinstance(v, str):
        fail(path, f"must be text, got {kind(v)}")
    if len(v) > max_len:
        fail(path, f"is {len(v)} characters long (at most {max_len})")
    if choices is not None and v not in choices:
        fail(path, f"must be one of {', '.join(choices)}, got {quote(v)}")
    return v


def array(v, path: str, max_len: int, length: int | None = None) -> list:
    if not isinstance(v, list):
        fail(path, f"must be a list, got {kind(v)}")
    if length is not None and len(v) != length:
        fail(path, f"must have {length} entries, got {len(v)}")
    if len(v) > max_len:
        fail(path, f"has {len(v)} entries (at most {max_len})")
    return v


def vector(v, path: str, length: int) -> np.ndarray:
    v = array(v, path, length, length)
    return np.array([number(x, f"{path}[{i}]") for i, x in enumerate(v)], dtype=np.float64)


def matrix(v, path: str, shape: tuple[int, int], what: str) -> np.ndarray:
    rows, cols = shape
    if not isinstance(v, list):
        fail(path, f"must be a list of rows, got {kind(v)}")
    if len(v) != rows or any(not isinstance(r, list) or len(r) != cols for r in v):
        got = f"{len(v)} rows" if len(v) != rows else "rows of another length"
        fail(path, f"{what} must be a {rows}×{cols} matrix, got {got}")
    out = np.empty(shape)
    for i, row in enumerate(v):
        for j, x in enumerate(row):
            out[i, j] = number(x, f"{path}[{i}][{j}]")
    return out
