"""No import circle inside the GUI, counting the imports made only for type checking (as
tests/engine/test_import_graph.py checks for the engine): each part of the window is given
the collaborators it needs, and only the window's own module knows ``MainWindow``."""

from __future__ import annotations

from pathlib import Path

from ..engine.test_import_graph import circles, package_imports

GUI = Path(__file__).resolve().parents[2] / "gui"
# the programs that open a window: the app, render's "window" view, and render --beats
ENTRY_POINTS = {"app", "render", "playbook_render"}


def test_the_gui_has_no_import_circle():
    graph = package_imports(GUI, "gui")
    assert "main_window" in graph and "menus" in graph["main_window"]
    assert circles(graph) == []


def test_only_the_programs_that_open_a_window_know_the_window():
    graph = package_imports(GUI, "gui")
    knowing = {m for m, imported in graph.items() if "main_window" in imported}
    assert knowing <= ENTRY_POINTS, knowing - ENTRY_POINTS
    # the window's parts are given their collaborators, never the window
    assert not graph["main_window"] & ENTRY_POINTS


def test_a_type_checking_import_counts(tmp_path):
    (tmp_path / "a.py").write_text("from .b import B\n")
    (tmp_path / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import A\n"
    )
    graph = package_imports(tmp_path, "gui")
    assert circles(graph) == [["a", "b", "a"], ["b", "a", "b"]]
