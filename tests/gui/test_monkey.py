"""The model-based GUI test: a seeded random walk of real clicks, keys, drags and wheel
notches over the real window, with the invariants of tests/gui/monkey.py checked after
every action (a forced paint of the whole window first). benchmarks/bench_monkey.py runs
the same walk for thousands of actions."""

from __future__ import annotations

import os

import pytest

from .monkey import Capture, make_window, walk

ACTIONS = int(os.environ.get("MONKEY_ACTIONS", 300))


@pytest.mark.parametrize("seed", [int(os.environ.get("MONKEY_SEED", 7))])
def test_a_random_walk_of_real_events_keeps_every_invariant(qtbot, tmp_path, seed):
    w = make_window()
    qtbot.addWidget(w)
    with Capture() as capture:
        try:
            m = walk(w, ACTIONS, seed, tmp_path, capture)
        finally:
            w.close()
    assert not w.controller.thread.isRunning()
    assert len(m.log) == ACTIONS
    assert len(set(m.log)) >= 10  # the walk really went through many kinds of action
    assert m.hand_checks["drag"] > 0  # and dragged weights, each checked
