"""The engine thread holds a group of runs: comparisons started, changed and closed from
the controller; frames carry every run (snapshot, label, status, grid); a group of one is
the single run the window always had."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.group import RunGroup
from backprop_lab.engine.notation import DOMAIN
from backprop_lab.engine.unit_grid import UnitMaps
from backprop_lab.gui import commands as cmd
from backprop_lab.gui.controller import EngineController

from .helpers import LONG
from .test_worker import last, qtbot_wait, sine_dataset, xor_dataset


def xor_session(**hyper) -> TrainingSession:
    return TrainingSession(
        xor_dataset(),
        NetworkSpec(hidden=(4,), activation="tanh"),
        HyperParameters(**{"alpha": 0.1, "batch_size": 16, **hyper}),
        seed=3,
    )


@pytest.fixture
def controller(qtbot):
    c = EngineController(xor_session())
    frames: list = []
    c.frameReady.connect(frames.append)
    c.frames = frames
    qtbot.waitUntil(lambda: len(frames) > 0, timeout=LONG)
    yield c
    assert c.shutdown()


def group_now(qtbot, c) -> RunGroup:
    """The engine's group (read in its thread, between commands)."""
    box = []
    c.call_in_engine(lambda g: g, reply=box.append, group=True)
    qtbot.waitUntil(lambda: bool(box), timeout=LONG)
    return box[0]


def test_a_single_run_is_a_group_of_one_in_every_frame(controller):
    f = last(controller)
    assert len(f.runs) == 1 and f.group.kind == "single"
    a = f.runs[0]
    assert a.snapshot is f.snapshot and a.label.text == "A" and a.status.running
    assert len(f.grids) == 1 and f.grids[0] is f.grid and f.grid_steps == (0,)


def test_duplicate_steps_both_runs_in_lock_step_and_close_takes_one_out(controller, qtbot):
    c = controller
    c.step(5)
    qtbot_wait(c, lambda f: f.snapshot.step == 5 and not f.running)
    c.duplicate()
    c.step(10)
    qtbot_wait(c, lambda f: len(f.runs) == 2 and f.snapshot.step == 15 and not f.running)
    f = last(c)
    a, b = (r.snapshot for r in f.runs)
    assert b.step == 15 and np.array_equal(a.params.flat, b.params.flat)  # an exact copy
    assert [r.label.text for r in f.runs] == ["A", "B · same as A"]
    assert f.group.kind == "compare" and len(f.grids) == 2
    assert all(g is not None and g.shape == f.grid.shape for g in f.grids)
    assert np.array_equal(f.grids[0], f.grids[1]) and f.grid_steps == (15, 15)
    c.close_run(1)
    qtbot_wait(c, lambda f: len(f.runs) == 1)
    c.step(1)
    qtbot_wait(c, lambda f: f.snapshot.step == 16)


def test_changing_one_runs_setting_starts_the_comparison_from_theta0(controller, qtbot):
    c = controller
    c.step(20)
    qtbot_wait(c, lambda f: f.snapshot.step == 20 and not f.running)
    c.duplicate()
    c.change_run(1, hyper=HyperParameters(alpha=1.0, batch_size=16))
    c.step(3)
    qtbot_wait(c, lambda f: len(f.runs) == 2 and f.snapshot.step == 3 and not f.running)
    f = last(c)
    assert f.runs[1].label.text == "B · α = 1" and f.runs[0].label.text == "A · α = 0.1"
    assert f.runs[1].snapshot.hyper.alpha == 1.0 and f.snapshot.hyper.alpha == 0.1
    assert not np.array_equal(f.runs[0].snapshot.params.flat, f.runs[1].snapshot.params.flat)
    # every run's settings at once, keeping the difference
    c.set_all(lam=0.01)
    qtbot_wait(c, lambda f: all(r.snapshot.hyper.lam == 0.01 for r in f.runs))
    assert last(c).runs[1].snapshot.hyper.alpha == 1.0


def test_a_contrast_in_a_new_run_and_undo_brings_the_single_run_back(controller, qtbot):
    c = controller
    c.step(7)
    qtbot_wait(c, lambda f: f.snapshot.step == 7 and not f.running)
    with c.new_run(keep_as=1, run=2):
        c.contrast("alpha")
    qtbot_wait(c, lambda f: len(f.runs) == 3)
    f = last(c)
    assert [r.label.text.split(" · ")[1] for r in f.runs] == ["α = 0.01", "α = 0.1", "α = 1"]
    assert f.snapshot.step == 0 and all(r.status.step == 0 for r in f.runs)
    swapped = []
    c.runSwapped.connect(swapped.append)
    c.swap_run(keep_as=2, restore=1)
    qtbot_wait(c, lambda f: len(f.runs) == 1 and f.snapshot.step == 7)
    qtbot.waitUntil(lambda: len(swapped) == 1, timeout=LONG)
    assert swapped[0].step == 7
    c.swap_run(keep_as=1, restore=2)  # and redo: the comparison again
    qtbot_wait(c, lambda f: len(f.runs) == 3)


def test_a_contrast_that_cannot_be_made_changes_nothing_and_says_why(controller, qtbot):
    failures = []
    controller.commandFailed.connect(failures.append)
    controller.send(cmd.Contrast("no such contrast"))
    qtbot.waitUntil(lambda: bool(failures), timeout=LONG)
    assert "unknown contrast" in failures[0].message
    assert len(failures[0].group) == 1 and failures[0].snapshot.step == 0


def test_a_run_that_diverges_stops_alone_and_the_others_go_on(qtbot):
    # a 1-D regression at α = 1000 diverges within steps; B at α = 0.01 trains on
    s = TrainingSession(
        sine_dataset(), hyper=HyperParameters(alpha=0.01, batch_size=16, optimizer="sgd")
    )
    c = EngineController(s)
    frames: list = []
    c.frameReady.connect(frames.append)
    c.frames = frames
    try:
        stopped, all_stopped = [], []
        c.runDiverged.connect(stopped.append)
        c.diverged.connect(all_stopped.append)
        c.duplicate()
        c.change_run(0, hyper=HyperParameters(alpha=1e3, batch_size=16, optimizer="sgd"))
        c.set_running(True)
        qtbot.waitUntil(lambda: bool(stopped), timeout=LONG)
        index, message = stopped[0]
        assert index == 0 and "diverged" in message
        qtbot_wait(
            c, lambda f: len(f.runs) == 2 and f.runs[1].status.step > f.runs[0].status.step + 50
        )
        f = last(c)
        assert not f.runs[0].status.running and f.runs[0].status.stopped_at is not None
        assert f.runs[1].status.running and c.running and not all_stopped
        c.set_running(False)
        qtbot.waitUntil(lambda: not c.running, timeout=LONG)
    finally:
        assert c.shutdown()


def test_rewind_puts_every_run_back_to_a_step_they_all_kept(controller, qtbot):
    c = controller
    c.duplicate()
    c.change_run(1, seed=9)
    c.step(300)
    qtbot_wait(c, lambda f: f.snapshot.step == 300 and not f.running)
    c.rewind(100)
    qtbot_wait(c, lambda f: all(r.snapshot.step == 100 for r in f.runs))
    g = group_now(qtbot, c)
    assert [s.step_count for s in g] == [100, 100]


def test_the_other_runs_grids_come_while_training_and_are_exact_when_paused(controller, qtbot):
    c = controller
    for _ in range(3):
        c.duplicate()
    c.set_running(True)
    qtbot_wait(c, lambda f: len(f.runs) == 4 and f.running and f.snapshot.step > 200)
    assert all(g is not None for g in last(c).grids)
    c.set_running(False)
    qtbot_wait(c, lambda f: not f.running)
    f = last(c)
    steps = [r.snapshot.step for r in f.runs]
    assert list(f.grid_steps) == steps  # paused: every grid is of the step shown
    assert all(np.array_equal(g, f.grid) for g in f.grids)  # exact copies, the same picture


def test_unit_maps_come_with_the_frames_while_a_view_asks(controller, qtbot):
    c = controller
    c.set_unit_maps("view", extent=DOMAIN, deltas=True)
    qtbot_wait(c, lambda f: "view" in f.maps)
    maps = last(c).maps["view"]
    assert isinstance(maps, UnitMaps) and maps.extent == DOMAIN
    assert maps.hidden[0].shape == (4, 40, 40) and maps.output.shape == (40, 40)
    assert set(maps.delta) == {1, 2}
    c.step(1)
    qtbot_wait(c, lambda f: f.snapshot.step == 1 and f.maps["view"].step == 1)
    c.set_unit_maps("view", on=False)
    qtbot_wait(c, lambda f: "view" not in f.maps)


def test_a_call_on_the_group_runs_in_the_engine_thread(controller, qtbot):
    c = controller
    c.duplicate()
    box = []
    c.call_in_engine(
        lambda g: (threading.current_thread() is threading.main_thread(), len(g)),
        reply=box.append,
        group=True,
    )
    qtbot.waitUntil(lambda: bool(box), timeout=LONG)
    assert box == [(False, 2)]


def test_play_through_a_driver_keeps_a_comparison_in_step(controller, qtbot):
    class Ten:
        def __init__(self):
            self.left = 10

        def advance(self, session, n):
            k = min(n, self.left)
            self.left -= k
            return session.step(k) if k else 0

    c = controller
    c.duplicate()
    c.send(cmd.SetDriver(Ten()))
    c.set_running(True)
    qtbot_wait(c, lambda f: not f.running and f.snapshot.step == 10)
    assert [r.snapshot.step for r in last(c).runs] == [10, 10]
    g = group_now(qtbot, c)
    assert np.array_equal(g[0].params.flat, g[1].params.flat)


def test_a_lesson_of_two_runs_replaces_the_group(controller, qtbot):
    a = xor_session()
    b = a.copy()
    b.set_hyper(replace(b.hyper, alpha=0.5))
    controller.replace_group(RunGroup([a, b]))
    qtbot_wait(controller, lambda f: len(f.runs) == 2)
    assert last(controller).runs[1].label.text == "B · α = 0.5"
