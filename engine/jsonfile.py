"""JSON text of our files: a cheap check before parsing, a strict parse whose every
failure is a short ``LoadError``, and a compact readable layout for writing."""

from __future__ import annotations

import json

from .fileio import MAX_FILE_BYTES, LoadError, quote
from .validate import key_name

MAX_INT_DIGITS = 60  # the largest number in a lesson, the RNG state, has 39 digits


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise LoadError(
            f"not a lesson: a whole number of {len(text)} digits "
            f"(the longest a file of ours holds is {MAX_INT_DIGITS})"
        )
    return int(text)


def check_start(head: str, what: str = "lesson") -> None:
    """Cheap check before a full parse: the file is one JSON object."""
    head = head.lstrip(" \t\r\n\ufeff")
    start = head[:1]
    if start != "{":
        if not start:
            raise LoadError("the file is empty")
        raise LoadError(
            f"not a {what}: a {what} file is a JSON object starting with {{, "
            f"this one starts with {quote(head[:20], 20)}"
        )


def parse_object(text: str, what: str = "lesson"):
    """The JSON value in ``text`` (checked to start as an object), with duplicate keys,
    overlong integers, deep nesting and bad syntax reported as ``LoadError``."""
    if len(text) > MAX_FILE_BYTES:
        raise LoadError(f"file too large: {len(text)} characters (at most {MAX_FILE_BYTES})")
    check_start(text[:4096], what)
    text = text.removeprefix("\ufeff")  # a BOM is harmless; json.loads would refuse it
    try:
        d = json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=float, parse_int=_parse_int
        )
    except json.JSONDecodeError as e:
        stripped = text.rstrip()
        cut = e.pos >= len(stripped) or not stripped.endswith("}")
        hint = " (the file looks truncated)" if cut else ""
        raise LoadError(
            f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}{hint}"
        ) from None
    except RecursionError:
        raise LoadError(f"not a {what}: the JSON is nested too deeply") from None
    except LoadError:
        raise
    except ValueError as e:  # e.g. a float literal out of range
        raise LoadError(f"not valid JSON: {str(e)[:100]}") from None
    return d


def _no_duplicates(pairs: list) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out:
            raise LoadError(f"{key_name(k)}: appears twice in the same object")
        out[k] = v
    return out


def _is_scalar(v) -> bool:
    return v is None or isinstance(v, (bool, int, float, str))


def _is_flat(v) -> bool:
    return _is_scalar(v) or (isinstance(v, list) and all(_is_scalar(x) for x in v))


def dump(v, indent: int = 0, ascii_only: bool = True, flat_objects: bool = False) -> str:
    """Readable JSON that stays compact: one line per matrix row or point, ten per line for
    long flat lists. ``ascii_only=False`` writes text as it is (δ, not \\u03b4);
    ``flat_objects`` puts an object of plain values (or flat lists) on one line when it fits
    in 100 characters."""
    pad, inner = "  " * indent, "  " * (indent + 1)

    def one(x) -> str:
        return json.dumps(x, allow_nan=False, ensure_ascii=ascii_only)

    if isinstance(v, dict):
        if not v:
            return "{}"
        if flat_objects and all(_is_flat(x) for x in v.values()):
            line = "{" + ", ".join(f"{one(k)}: {one(x)}" for k, x in v.items()) + "}"
            if len(pad) + len(line) <= 100:
                return line
        items = [
            f"{inner}{one(k)}: {dump(x, indent + 1, ascii_only, flat_objects)}"
            for k, x in v.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list):
        if all(_is_scalar(x) for x in v):
            if len(v) <= 10:
                return one(v)
            rows = [one(v[i : i + 10])[1:-1] for i in range(0, len(v), 10)]
            return "[\n" + ",\n".join(inner + r for r in rows) + "\n" + pad + "]"
        if not v:
            return "[]"
        parts = [inner + dump(x, indent + 1, ascii_only, flat_objects) for x in v]
        return "[\n" + ",\n".join(parts) + "\n" + pad + "]"
    return one(v)
