"""Packaged resources: lesson presets (JSON scenario files), loaded with importlib.resources."""

from __future__ import annotations

from importlib import resources

from backprop_lab.engine.scenario import Scenario, from_json

_PRESETS = "backprop_lab.resources.presets"


def list_lessons() -> list[str]:
    """Names of the packaged lessons (file names without ``.json``), sorted."""
    return sorted(
        p.name[: -len(".json")]
        for p in resources.files(_PRESETS).iterdir()
        if p.is_file() and p.name.endswith(".json")
    )


def load_lesson(name: str) -> Scenario:
    """The packaged lesson ``name``; ValueError for an unknown name."""
    if name not in list_lessons():
        raise ValueError(f"unknown lesson {name!r}; expected one of {', '.join(list_lessons())}")
    text = resources.files(_PRESETS).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return from_json(text)


ICON = "backprop-lab.png"  # rendered from backprop-lab.svg by tools/make_icon.py
DESKTOP_ENTRY = "backprop-lab.desktop"


def asset_path(name: str) -> str:
    """A file packaged beside the lessons (the icon, the desktop entry), as a path."""
    path = resources.files(__name__).joinpath(name)
    if not path.is_file():
        raise FileNotFoundError(f"packaged file {name!r} is missing")
    return str(path)
