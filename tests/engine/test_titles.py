"""The menus read a built-in lesson's or playbook's title without building it: the same
title a load gives, and the name for text without one."""

from __future__ import annotations

from backprop_lab.engine.lessons import list_lessons, load_lesson, title_of
from backprop_lab.engine.playbook import list_playbooks, load_builtin
from backprop_lab.resources import lesson_text, playbook_text


def test_the_title_read_alone_is_the_loaded_title():
    for name in list_lessons():
        assert title_of(lesson_text(name), name) == (load_lesson(name).title or name)
    for name in list_playbooks():
        assert title_of(playbook_text(name), name) == (load_builtin(name).title or name)


def test_text_without_a_title_gives_the_name():
    assert title_of("{}", "xor") == "xor"
    assert title_of('{"title": "  "}', "xor") == "xor"
    assert title_of('{"title": 3}', "xor") == "xor"
    assert title_of("[1, 2]", "xor") == "xor"
    assert title_of("{not json", "xor") == "xor"
