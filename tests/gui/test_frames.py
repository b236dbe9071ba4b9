"""The frame builder without a thread: what a frame of a group holds, the other runs'
grids in turns while training, unit maps on request, and render's frames being the
window's."""

from __future__ import annotations

import numpy as np
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.group import RunGroup
from backprop_lab.engine.notation import DOMAIN
from backprop_lab.gui import frames
from backprop_lab.gui.frames import FrameBuilder, MapRequest, render_frame

from .test_worker import xor_dataset


def session(seed: int = 0, hidden=(4,)) -> TrainingSession:
    return TrainingSession(
        xor_dataset(),
        NetworkSpec(hidden=hidden, activation="tanh"),
        HyperParameters(alpha=0.1, batch_size=16),
        seed=seed,
    )


def test_a_frame_of_one_run_is_what_the_session_shows():
    s = session()
    s.step(12)
    f = FrameBuilder().build(RunGroup.of(s), serial=1)
    assert f.snapshot.step == 12 and f.snapshot.revision == s.revision
    assert f.extent == DOMAIN and f.grid.shape == (100, 100) and not f.running
    assert f.grids == (f.grid,) and f.grid_steps == (12,) and len(f.runs) == 1
    # render makes the same frame
    r = render_frame(s)
    assert np.array_equal(r.grid, f.grid) and r.serial == 12 and r.full is None


def test_while_training_the_other_runs_grids_come_in_turns(monkeypatch):
    monkeypatch.setattr(frames, "OTHER_GRIDS_SECONDS", 0.0)  # one other grid a frame
    g = RunGroup([session(seed=k) for k in range(4)])
    b = FrameBuilder()
    first = b.build(g, 1, busy=False, now=0.0)  # paused: every grid, of the step shown
    assert first.grid_steps == (0, 0, 0, 0) and all(x is not None for x in first.grids)
    g.step(5)
    got = [b.build(g, 2 + k, busy=True, now=10.0 + k).grid_steps for k in range(3)]
    # A's grid every frame; B, C, D each in its turn, the others keep their last grid
    assert got == [(5, 5, 0, 0), (5, 5, 5, 0), (5, 5, 5, 5)]
    g.step(1)
    assert b.build(g, 9, busy=True, now=20.0).grid_steps == (6, 6, 5, 5)  # B again
    assert b.build(g, 10, busy=False, now=21.0).grid_steps == (6, 6, 6, 6)


def test_the_same_state_is_not_computed_again_for_the_other_runs():
    g = RunGroup([session(), session(seed=1)])
    b = FrameBuilder()
    one = b.build(g, 1)
    two = b.build(g, 2)
    assert two.grids[1] is one.grids[1]  # the same run's state: the same picture
    g.step(1)
    assert b.build(g, 3).grids[1] is not one.grids[1]


def test_unit_maps_on_request_refreshed_with_the_state_and_at_most_every_so_often():
    s = session(hidden=(3, 20))  # a layer too wide for a map per unit
    g = RunGroup.of(s)
    b = FrameBuilder()
    assert b.build(g, 1).maps == {}
    b.set_maps("inspector", MapRequest(DOMAIN, every=1.0))
    b.set_maps("beside", MapRequest(None, deltas=True))
    b.set_view((-2, 2, -1, 1), (400, 200))
    f = b.build(g, 2, now=0.0)
    ins, beside = f.maps["inspector"], f.maps["beside"]
    assert ins.extent == DOMAIN and len(ins.hidden) == 1 and ins.hidden[0].shape == (3, 40, 40)
    x0, x1, y0, y1 = beside.extent  # the square around the view
    assert x1 - x0 == y1 - y0 and x0 <= f.extent[0] and beside.delta[1].shape == (3,)
    assert b.build(g, 3, now=0.1).maps["inspector"] is ins  # nothing changed
    s.step(1)
    busy = b.build(g, 4, busy=True, now=0.5).maps
    assert busy["inspector"] is ins and busy["beside"] is not beside  # every 1 s, or each
    assert b.build(g, 5, busy=True, now=1.2).maps["inspector"].step == 1
    b.set_maps("inspector", None)
    assert "inspector" not in b.build(g, 6).maps


def test_extras_get_run_a_and_a_failing_one_is_a_value():
    g = RunGroup([session(), session(seed=2)])
    b = FrameBuilder()
    b.set_extra("seed", lambda s: s.seed)
    b.set_extra("broken", lambda s: 1 / 0)
    f = b.build(g, 1)
    assert f.extras["seed"] == 0 and isinstance(f.extras["broken"], ZeroDivisionError)
