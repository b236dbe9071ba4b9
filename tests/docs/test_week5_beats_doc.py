"""docs/week5-beats: one picture per beat of the built-in playbook, each named in the
index page, nothing else (re-render them after the playbook changes)."""

from __future__ import annotations

import re
from pathlib import Path

from backprop_lab.engine.playbook import load_builtin

DOCS = Path(__file__).resolve().parents[2] / "docs"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_one_picture_per_beat_and_the_index_names_each():
    book = load_builtin("week5")
    want = {
        f"scene-{i + 1:02d}-beat-{j + 1:02d}.png"
        for i, s in enumerate(book.scenes)
        for j in range(len(s.beats))
    }
    folder = DOCS / "week5-beats"
    have = {p.name for p in folder.iterdir()}
    assert have == want
    for name in want:
        data = (folder / name).read_bytes()
        assert data.startswith(PNG_MAGIC)
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (1024, 768), name
    index = (DOCS / "week5-beats.md").read_text(encoding="utf-8")
    assert set(re.findall(r"\(week5-beats/([^)]+)\)", index)) == want
    for i, s in enumerate(book.scenes):
        assert f"## {i + 1}. {s.title}" in index
