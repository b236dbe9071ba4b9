"""The built-in lessons: the packaged JSON files (``backprop_lab.resources``) as scenarios."""

from __future__ import annotations

from backprop_lab.resources import lesson_text, list_lessons

from .scenario import Scenario, from_json

__all__ = ["list_lessons", "load_lesson"]


def load_lesson(name: str) -> Scenario:
    """The packaged lesson ``name``; ValueError for an unknown name."""
    return from_json(lesson_text(name))
