"""The inspector's update phase teaches the chosen optimizer's own rule: chosen in the
training panel, walked with the window's inspector, its text, its highlighted lines and
its arrays (θ after the update, the optimizer's state) checked against the engine."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine.algorithm import UPDATE, algorithm
from backprop_lab.engine.optim import OPTIMIZER_CLASSES
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from .helpers import LONG, click, engine_value, open_window, step_of

OPTIMIZER_STATE = {"sgd": (), "momentum": ("v",), "adam": ("m", "s")}


def choose_optimizer(qtbot, w, name: str) -> None:
    """Pick ``name`` in the training panel's optimizer box with the keyboard."""
    combo = w.training_panel.optimizer_combo
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=LONG)
    key = Qt.Key.Key_Down if combo.findData(name) > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentData() != name:
        before = combo.currentIndex()
        qtbot.keyClick(combo, key)
        assert combo.currentIndex() != before, "the box did not move"
    qtbot.waitUntil(lambda: w.latest.snapshot.hyper.optimizer == name, timeout=LONG)


def optimizer_state(s) -> dict:
    """The engine's optimizer, as plain copies: its name, t and every state array."""
    return {
        "name": s.optimizer.name,
        "t": s.optimizer.t,
        "state": {k: [a.copy() for a in v] for k, v in s.optimizer.state.items()},
        "params": [a.copy() for a in s.params.arrays()],
    }


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_the_update_phase_shows_the_optimizers_rule_and_state(qtbot, name):
    w = open_window(qtbot)
    choose_optimizer(qtbot, w, name)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # 10 steps
    qtbot.waitUntil(lambda: step_of(w) == 10, timeout=LONG)
    qtbot.keyClick(w.canvas, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: w.inspector_dock.isVisible(), timeout=LONG)
    insp = w.inspector
    click(qtbot, insp.finish_button)
    qtbot.waitUntil(lambda: insp.state is not None and insp.state.done, timeout=LONG)
    qtbot.waitUntil(lambda: step_of(w) == 11, timeout=LONG)
    QApplication.processEvents()
    w.grab()  # painted as the user sees it

    cls = OPTIMIZER_CLASSES[name]
    phase = insp.state.phase
    assert phase.kind == "update"
    # the text: the optimizer's name and every line of its own rule, with its numbers
    assert cls.label in insp.title.text()
    for line in cls.rule:
        assert line in insp.equation.text()
    if name == "adam":  # ε where the code adds it, and the bias corrections' step size
        assert "√s + ε" in insp.equation.text() and "αₜ = " in insp.equation.text()
    assert "θ ← θ + α ∇J" not in insp.equation.text() or name == "sgd"
    # the algorithm pane prints this optimizer's step and highlights its update lines
    a = algorithm(name)
    head = insp.algorithm.item(0).text()
    assert f"one {cls.label} step" in head
    texts = [insp.algorithm.item(i).text() for i in range(insp.algorithm.count())]
    assert texts == [a.title, a.objective, *a.numbered()]
    numbers = tuple(range(UPDATE, UPDATE + len(cls.rule)))
    assert phase.lines == numbers
    for number, item in insp.algorithm_lines.items():
        lit = item.background().color().name() == "#ffd666"
        assert lit == (number in numbers), number
    # the arrays: θ after the update and the optimizer's state after it, as the engine has them
    engine = engine_value(qtbot, w, optimizer_state)
    assert engine["name"] == name
    views = insp.arrays.views
    depth = w.latest.snapshot.arch.depth
    for layer in range(1, depth + 1):
        u = "⁽" + "⁰¹²³⁴⁵⁶⁷⁸⁹"[layer] + "⁾"
        np.testing.assert_array_equal(views[f"W{u} (new)"].values, engine["params"][2 * layer - 2])
        np.testing.assert_array_equal(views[f"b{u} (new)"].values, engine["params"][2 * layer - 1])
        for key in OPTIMIZER_STATE[name]:
            for k, p in enumerate(("W", "b")):
                view = views[f"{key} of {p}{u}"]
                np.testing.assert_array_equal(
                    view.values, engine["state"][key][2 * layer - 2 + k].reshape(view.values.shape)
                )
    state_views = [v for v in views if " of " in v]
    assert len(state_views) == 2 * depth * len(OPTIMIZER_STATE[name])
    if name != "sgd":  # the state is the optimizer's after 11 updates, not zeros
        assert any(np.any(views[v].values != 0) for v in state_views)
    assert engine["t"] == 11
    w.close()


def test_the_algorithm_pane_follows_a_change_of_optimizer(qtbot):
    w = open_window(qtbot)
    qtbot.keyClick(w.canvas, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: w.inspector_dock.isVisible(), timeout=LONG)
    insp = w.inspector
    assert "one SGD step" in insp.algorithm.item(0).text()
    choose_optimizer(qtbot, w, "momentum")
    qtbot.waitUntil(lambda: "one Momentum step" in insp.algorithm.item(0).text(), timeout=LONG)
    assert insp.algorithm_lines[UPDATE].text() == "9: v ← β v + ∇J"
    assert insp.algorithm_lines[UPDATE + 1].text() == "10: θ ← θ + α v"
    # one notation, typeset: no caret text; the penalised gradient is dJ/dW
    for i in range(insp.algorithm.count()):
        text = insp.algorithm.item(i).text()
        assert "^" not in text and "_" not in text, text
        assert "dL/dW" not in text and "dL/db" not in text, text
    assert "dJ/dW⁽ˡ⁾" in insp.algorithm_lines[6].text()
    w.grab()
    w.close()
