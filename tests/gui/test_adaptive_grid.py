"""The decision grid's bounded cost while training: a dear pass is sampled more coarsely,
and its regions differ from the exact grid's only within one coarse cell of a boundary."""

from __future__ import annotations

import math

import numpy as np
import pytest
from backprop_lab.engine import (
    GridEvaluator,
    GridSpec,
    HyperParameters,
    NetworkSpec,
    TrainingSession,
)
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.group import RunGroup
from backprop_lab.gui import frames
from backprop_lab.gui.frames import GRID_MIN_SAMPLES, FrameBuilder, coarse_spec


@pytest.mark.parametrize("shape", [(100, 100), (160, 200), (30, 30), (24, 500)])
@pytest.mark.parametrize("dearness", [0.5, 1.0, 1.01, 3.9, 4.0, 17.0, 1e6])
def test_coarse_spec_fits_the_budget_over_the_same_rectangle(shape, dearness):
    ny, nx = shape
    spec = GridSpec((-3.0, 5.0, -1.0, 2.0), nx, ny)
    budget = 0.004
    per_sample = dearness * budget / (nx * ny)  # the exact pass costs ``dearness`` budgets
    got = coarse_spec(spec, per_sample, budget)
    gy, gx = got.shape
    assert got.extent == spec.extent
    if dearness <= 1.0:
        assert got == spec  # cheap enough: exact
        return
    assert gx <= nx and gy <= ny and (gx, gy) != (nx, ny) or min(nx, ny) <= GRID_MIN_SAMPLES
    # within the budget, unless an axis is at its fewest samples already
    fits = per_sample * gx * gy <= budget * (1 + 1e-9)
    assert fits or gx == min(nx, GRID_MIN_SAMPLES) or gy == min(ny, GRID_MIN_SAMPLES)
    assert gx >= min(nx, GRID_MIN_SAMPLES) and gy >= min(ny, GRID_MIN_SAMPLES)


def trained(preset: str, hidden, activation: str, steps: int, seed: int) -> TrainingSession:
    ds = make_preset(preset, n_points=400, noise=0.1, test_fraction=0.0, seed=seed)
    s = TrainingSession(
        ds,
        NetworkSpec(hidden=hidden, activation=activation),
        HyperParameters(alpha=0.05, batch_size=16),
        seed=seed,
    )
    s.step(steps)
    return s


def labels(grid: np.ndarray) -> np.ndarray:
    """The region of each sample: the class a binary or multiclass grid gives it."""
    return (grid >= 0.5).astype(int) if grid.ndim == 2 else np.argmax(grid, axis=0)


def as_drawn(coarse: np.ndarray, fine_shape: tuple[int, int]) -> np.ndarray:
    """The coarse labels at the fine grid's sample points, as the canvas stretches the
    coarse picture over the same rectangle (the sample whose cell holds the point)."""
    ny, nx = fine_shape
    cy, cx = coarse.shape
    rows = np.floor((np.arange(ny) + 0.5) * cy / ny).astype(int)
    cols = np.floor((np.arange(nx) + 0.5) * cx / nx).astype(int)
    return coarse[np.ix_(rows, cols)]


def near_boundary(exact: np.ndarray, reach: tuple[int, int]) -> np.ndarray:
    """Samples with another region within ``reach`` = (rows, columns) samples."""
    ry, rx = reach
    ny, nx = exact.shape
    pad = np.pad(exact, ((ry, ry), (rx, rx)), mode="edge")
    out = np.zeros(exact.shape, bool)
    for dy in range(-ry, ry + 1):
        for dx in range(-rx, rx + 1):
            shifted = pad[ry + dy : ry + dy + ny, rx + dx : rx + dx + nx]
            out |= shifted != exact
    return out


CASES = [
    ("xor", (8, 8, 8), "sigmoid", 3000, 0),
    ("circles", (8, 8), "tanh", 2000, 1),
    ("spirals", (64,) * 8, "tanh", 300, 2),
    ("moons", (16, 16), "relu", 1500, 3),
    ("gaussians", (8,), "tanh", 800, 4),  # several classes: argmax regions
    ("xor", (4, 4), "tanh", 0, 5),  # θ₀: nothing learnt yet
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CASES])
@pytest.mark.parametrize("k", [2, 3, 4])
def test_coarse_regions_differ_only_within_one_coarse_cell_of_a_boundary(case, k):
    s = trained(*case)
    fine = GridSpec((-6.5, 6.0, -6.0, 6.5), 160, 120)
    ny, nx = fine.shape
    per_sample = 1.0 / (nx * ny)  # the exact pass costs 1 s; the budget below gives k
    coarse = coarse_spec(fine, per_sample, 1.0 / k**2)
    cy, cx = coarse.shape
    assert coarse.extent == fine.extent and (cx, cy) == (math.ceil(nx / k), math.ceil(ny / k))
    exact = labels(GridEvaluator(fine, s.spec.features).evaluate(s.net, s.params))
    drawn = as_drawn(
        labels(GridEvaluator(coarse, s.spec.features).evaluate(s.net, s.params)), (ny, nx)
    )
    differ = drawn != exact
    # one coarse cell, in fine samples (rounded up), around each sample that differs
    reach = (math.ceil(ny / cy), math.ceil(nx / cx))
    assert not (differ & ~near_boundary(exact, reach)).any()
    # and the boundary does move only a little: few samples differ at all
    assert differ.mean() <= 0.05


def test_while_training_a_dear_grid_is_coarser_and_paused_it_is_exact(monkeypatch):
    s = trained("xor", (8, 8, 8), "sigmoid", 100, 0)
    b = FrameBuilder(full_pass=False)
    b.set_view((-6.0, 6.0, -6.0, 6.0), (800.0, 640.0))
    exact_shape = b.grid_spec(2).shape
    group = RunGroup.of(s)
    first = b.build(group, serial=1, busy=True, now=0.0)  # no cost measured yet: exact
    assert first.grid.shape == exact_shape
    monkeypatch.setattr(frames, "GRID_FRAME_SECONDS", 1e-12)  # every pass is too dear
    monkeypatch.setattr(frames, "GRID_SHARE", 1.0)  # and is made again at once
    s.step(1)
    busy = b.build(group, serial=2, busy=True, now=10.0)
    assert busy.grid.shape == (GRID_MIN_SAMPLES, GRID_MIN_SAMPLES)
    assert busy.extent == first.extent and busy.grid_steps == (s.step_count,)
    paused = b.build(group, serial=3, busy=False, now=20.0)
    assert paused.grid.shape == exact_shape
    want = GridEvaluator(b.grid_spec(2), s.spec.features).evaluate(s.net, s.params)
    assert np.array_equal(paused.grid, want)


def test_the_other_runs_grids_are_as_coarse_as_a_s_in_turns_and_exact_when_paused(monkeypatch):
    s = trained("xor", (8, 8, 8), "sigmoid", 100, 0)
    b = FrameBuilder(full_pass=False)
    b.set_view((-6.0, 6.0, -6.0, 6.0), (800.0, 640.0))
    exact_shape = b.grid_spec(2).shape
    group = RunGroup.of(s)
    for _ in range(3):
        group.duplicate(0)  # four runs: A and three others
    b.build(group, serial=1, busy=True, now=0.0)  # A's cost measured
    monkeypatch.setattr(frames, "GRID_FRAME_SECONDS", 1e-12)  # every pass is too dear
    monkeypatch.setattr(frames, "GRID_SHARE", 1.0)  # and is made again at once
    monkeypatch.setattr(frames, "OTHER_GRIDS_SECONDS", 1.0)  # only the count bounds them
    refreshed: list[set[int]] = []
    for k in range(2, 6):
        group.step(1)
        f = b.build(group, serial=k, busy=True, now=10.0 * k)
        assert f.grid.shape == (GRID_MIN_SAMPLES, GRID_MIN_SAMPLES)
        new = {i for i in range(1, 4) if f.grid_steps[i] == group.step_count}
        assert len(new) == frames.OTHER_GRIDS_PER_FRAME  # a bounded number a frame
        for i in new:  # as coarse as A's: the overlay compares them cell by cell
            assert f.grids[i].shape == f.grid.shape
        refreshed.append(new)
    assert set().union(*refreshed) == {1, 2, 3}  # in turns: every run has its turn
    paused = b.build(group, serial=9, busy=False, now=100.0)
    want = GridEvaluator(b.grid_spec(2), s.spec.features).evaluate(s.net, s.params)
    for i in range(4):  # paused: every run's grid exact, of the step shown
        assert paused.grids[i].shape == exact_shape
        assert paused.grid_steps[i] == group.step_count
        assert np.array_equal(paused.grids[i], want)  # the copies are A's very run
