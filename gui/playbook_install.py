"""A lecture playbook in a window: the ``Lecture`` (gui/playbook_lecture.py) with its
keys, menus and dock, each given the lecture and the window's parts it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import playbook_menus
from .playbook_dock import PlaybookDock
from .playbook_keys import LectureKeys
from .playbook_lecture import Lecture

if TYPE_CHECKING:
    from .feature_window import FeatureWindow


def install(window: FeatureWindow) -> Lecture:
    """The lecture playbook in ``window``: its clicker mode, keys, menus and dock."""
    lecture = Lecture(window)
    lecture.keys = LectureKeys(lecture)
    lecture.dock = PlaybookDock(window, lecture)
    lecture.menus = playbook_menus.install(window, lecture)
    return lecture
