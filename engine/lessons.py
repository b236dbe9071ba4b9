"""The built-in lessons: the packaged JSON files (``backprop_lab.resources``) as scenarios."""

from __future__ import annotations

import json

from backprop_lab.resources import lesson_text, list_lessons

from .scenario import Scenario, from_json

__all__ = ["list_lessons", "load_lesson", "title_of"]


def load_lesson(name: str) -> Scenario:
    """The packaged lesson ``name``; ValueError for an unknown name."""
    return from_json(lesson_text(name))


def title_of(text: str, name: str) -> str:
    """The ``title`` of a packaged lesson's or playbook's JSON ``text`` (for a menu: read
    without building its data), or ``name`` when it has none or cannot be read."""
    try:
        title = json.loads(text).get("title")
    except (ValueError, AttributeError):
        return name
    return title if isinstance(title, str) and title.strip() else name
