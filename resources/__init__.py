"""Packaged resources: lesson presets (JSON scenario files) and lecture playbooks (JSON
playbook files in ``playbooks/``), read with importlib.resources.

Package mapping: this folder, ``resources/``, is the package ``backprop_lab.resources``
(the ``package-dir`` table in pyproject.toml; see docs/architecture.md). It is the bottom
layer: plain data, importing nothing of ours; ``backprop_lab.engine.lessons`` parses it.
"""

from __future__ import annotations

from importlib import resources

_PRESETS = "backprop_lab.resources.presets"
_PLAYBOOKS = "playbooks"  # a data folder beside the icon, not a package


def list_lessons() -> list[str]:
    """Names of the packaged lessons (file names without ``.json``), sorted."""
    return sorted(
        p.name[: -len(".json")]
        for p in resources.files(_PRESETS).iterdir()
        if p.is_file() and p.name.endswith(".json")
    )


def lesson_text(name: str) -> str:
    """The JSON text of the packaged lesson ``name``; ValueError for an unknown name."""
    if name not in list_lessons():
        raise ValueError(f"unknown lesson {name!r}; expected one of {', '.join(list_lessons())}")
    return resources.files(_PRESETS).joinpath(f"{name}.json").read_text(encoding="utf-8")


def list_playbooks() -> list[str]:
    """Names of the packaged playbooks (file names in ``playbooks/`` without ``.json``)."""
    folder = resources.files(__name__).joinpath(_PLAYBOOKS)
    return sorted(
        p.name[: -len(".json")]
        for p in folder.iterdir()
        if p.is_file() and p.name.endswith(".json")
    )


def playbook_text(name: str) -> str:
    """The JSON text of the packaged playbook ``name``; ValueError for an unknown name."""
    if name not in list_playbooks():
        raise ValueError(
            f"unknown playbook {name!r}; expected one of {', '.join(list_playbooks())}"
        )
    return (
        resources.files(__name__)
        .joinpath(_PLAYBOOKS)
        .joinpath(f"{name}.json")
        .read_text(encoding="utf-8")
    )


ICON = "backprop-lab.png"  # rendered from backprop-lab.svg by tools/make_icon.py
DESKTOP_ENTRY = "backprop-lab.desktop"


def asset_path(name: str) -> str:
    """A file packaged beside the lessons (the icon, the desktop entry), as a path."""
    path = resources.files(__name__).joinpath(name)
    if not path.is_file():
        raise FileNotFoundError(f"packaged file {name!r} is missing")
    return str(path)
