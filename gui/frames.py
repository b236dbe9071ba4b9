"""What the engine thread publishes, and how a published frame is made: Qt-free.

A ``Frame`` is one picture of the runs: every run's snapshot, label and status (the
group's ``GroupSnapshot``), each run's decision grid over the canvas's view, the exact
figures over all points when the data outgrow the evaluation sample, the unit maps and
the extras views asked for. Run A's fields sit where the window has always read one
run's (``snapshot``, ``grid``), so a group of one is the window's one code path.

``FrameBuilder`` makes frames for the window's engine thread (gui/worker.py) and for
``backprop-lab render`` (gui/render.py), so a rendered frame is what the window shows.
Nothing in a frame costs O(N) while training:

* the snapshot's metrics are the latest history row's (a bounded evaluation sample);
* a run's grid pass, when dear (a wide network), is repeated only as often as keeps it
  to ``GRID_SHARE`` of the engine's time, and A's is sampled more coarsely (at most about
  ``GRID_FRAME_SECONDS`` a pass, the resolution chosen from the cost of the last passes);
  the other runs' grids are sampled as A's and refreshed in turns, at most
  ``OTHER_GRIDS_PER_FRAME`` of them and about ``OTHER_GRIDS_SECONDS`` a frame (each new
  picture is a canvas the window repaints: a fan of eight would repaint eight a frame;
  paused, every grid is exact and of the step shown);
* the figures over all points come from a ``FullPass`` spread over frames, a chunk at a
  time (~``FULL_PASS_FRAME_SECONDS`` a frame, a new pass at most every
  ``FULL_PASS_SECONDS``; at once when paused);
* the unit maps are computed only for the views that asked, at most every ``every``
  seconds each, and a dear set at most ``MAPS_SHARE`` of the engine's time.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from backprop_lab.engine import GridEvaluator, GridSpec, Snapshot, TrainingSession
from backprop_lab.engine.evaluation import FullMetrics, FullPass
from backprop_lab.engine.grid import view_grid
from backprop_lab.engine.group import GroupSnapshot, RunGroup, RunView
from backprop_lab.engine.notation import DOMAIN
from backprop_lab.engine.unit_grid import UnitMapGrid, UnitMaps, session_unit_deltas, square_around

GRID_RESOLUTION_2D = 100
GRID_RESOLUTION_1D = 240
# while training, a grid pass dearer than this reuses the last grid for a while, so it takes
# at most GRID_SHARE of the engine's time (a 100×100 grid through 8 × 64 costs ~20 ms)
GRID_SHARE = 0.25
# while training, run A's 2-D grid is sampled more coarsely when the exact one would cost
# more than this a pass (the cost per sample measured on the last passes), down to
# GRID_MIN_SAMPLES samples along each axis; paused, every grid is exact
GRID_FRAME_SECONDS = 0.004
GRID_MIN_SAMPLES = 24
# while training, a view's unit maps are recomputed at most as often as its request says,
# and a dear set (a wide network) no more than keeps it to this share of the engine's time
MAPS_SHARE = 0.15
# while training, the other runs' grids are refreshed in turns for about this long a frame
# (at least one a frame), and at most this many a frame
OTHER_GRIDS_SECONDS = 0.004
OTHER_GRIDS_PER_FRAME = 2
FULL_PASS_SECONDS = 1.0  # while training, a new pass over all the points at most this often
FULL_PASS_FRAME_SECONDS = 0.002  # time per frame for that pass (its chunk follows the net)

Extent = tuple[float, float, float, float]


@dataclass(frozen=True)
class MapRequest:
    """Unit maps a view wants in every frame (``SetUnitMaps``): over ``extent``, or, with
    None, the square around the canvas's view; while training refreshed at most every
    ``every`` seconds; with ``deltas`` the units' mean |δ| too; of run ``run``."""

    extent: Extent | None = None
    every: float = 0.0
    deltas: bool = False
    run: int = 0


@dataclass(frozen=True)
class Frame:
    """One published picture of the runs (see the module's notes).

    ``snapshot`` and ``grid`` are run A's. ``grid`` is what ``GridEvaluator.evaluate``
    returns (R×R probabilities for two classes, K×R×R for K classes, R×R outputs for
    2-D regression, R outputs for 1-D regression), or hidden unit ``unit``'s map;
    ``grid_x`` the sample positions along x (the 1-D curve); ``extent`` the rectangle
    every grid covers.
    """

    serial: int
    snapshot: Snapshot
    grid: np.ndarray | None
    grid_x: np.ndarray
    extent: Extent
    running: bool
    steps_per_second: float
    # (ℓ, j): ``grid`` is hidden unit j's map h_j^(ℓ) rather than the output (see
    # commands.SetGridUnit)
    unit: tuple[int, int] | None = None
    # the exact loss and accuracy over every point (``full.step`` says of which step) when
    # the data outgrow the evaluation sample the snapshot's metrics use; else None
    full: FullMetrics | None = None
    # what ``SetFrameExtra`` asked for, by name (a value, or the exception it raised)
    extras: Mapping[str, Any] = field(default_factory=dict)
    # every run: its snapshot, label and status (A first); None only in hand-made frames
    group: GroupSnapshot | None = None
    # each run's decision grid (the output, never a unit's map), A's first, and the step
    # each shows (while training a dear grid lags a little; None: not computed yet)
    grids: tuple[np.ndarray | None, ...] = ()
    grid_steps: tuple[int | None, ...] = ()
    # what ``SetUnitMaps`` asked for, by name
    maps: Mapping[str, UnitMaps] = field(default_factory=dict)
    # how many of the window's edits of the runs (``commands.RUN_EDITS``) the engine thread
    # had taken when it posted this frame (``EngineController.caught_up``); None: unknown
    changes: int | None = None

    @property
    def runs(self) -> tuple[RunView, ...]:
        """Every run's snapshot, label and status, A first."""
        return self.group.runs if self.group is not None else ()

    def run_snapshot(self, run: int) -> Snapshot:
        """Run ``run``'s snapshot (A's when the frame has no such run)."""
        runs = self.runs
        return runs[run].snapshot if 0 < run < len(runs) else self.snapshot


@dataclass
class _Grid:
    """A run's last grid: what it was computed for, when, at what cost."""

    key: tuple
    out: tuple[np.ndarray, tuple[int, int] | None]
    step: int
    when: float
    cost: float
    exact: bool = True  # False: sampled coarsely while training


class FrameBuilder:
    """Makes frames from a ``RunGroup`` in the thread that owns it (see the module's
    notes). ``timing`` adds up seconds per kind ("snapshot", "grid", "handover") and
    counts "frames", for the benchmark's per-frame split."""

    def __init__(self, full_pass: bool = True, timing: dict | None = None):
        self.full_pass = full_pass
        self.timing = timing if timing is not None else {}
        for k in ("snapshot", "grid", "handover", "frames"):
            self.timing.setdefault(k, 0)
        self.view: tuple[Extent, tuple[float, float]] | None = None
        self.unit: tuple[int, int] | None = None
        self.extras: dict[str, Callable[[TrainingSession], Any]] = {}
        self.map_requests: dict[str, MapRequest] = {}
        self._evaluators: dict[tuple, GridEvaluator] = {}
        self._coarse: dict[tuple, GridEvaluator] = {}  # run A's coarser grids, by shape
        self._sample_cost = 0.0  # seconds per grid sample of run A's last passes
        self._grids: dict[int, _Grid] = {}
        self._turn = 1  # the other run whose grid comes next
        self._maps: dict[str, tuple[UnitMapGrid, UnitMaps, float, float]] = {}
        self._full: FullMetrics | None = None
        self._full_pass: FullPass | None = None
        self._full_started = -math.inf
        self._full_chunk = 256  # points per frame, adapted to FULL_PASS_FRAME_SECONDS

    # --- what the views ask for --------------------------------------------------------------
    def set_view(self, view, pixels) -> bool:
        """The canvas's visible rectangle: the next frame's grids cover it. True if new."""
        new = (tuple(float(v) for v in view), (float(pixels[0]), float(pixels[1])))
        if new == self.view:
            return False
        self.view = new
        self._evaluators.clear()
        self._coarse.clear()
        return True

    def set_unit(self, unit: tuple[int, int] | None) -> bool:
        """A hidden unit's map instead of A's output (None: the output). True if new."""
        unit = None if unit is None else (int(unit[0]), int(unit[1]))
        if unit == self.unit:
            return False
        self.unit = unit
        return True

    def set_extra(self, name: str, fn: Callable[[TrainingSession], Any] | None) -> None:
        if fn is None:
            self.extras.pop(name, None)
        else:
            self.extras[name] = fn

    def set_maps(self, name: str, request: MapRequest | None) -> None:
        if request is None:
            self.map_requests.pop(name, None)
            self._maps.pop(name, None)
        else:
            self.map_requests[name] = request

    # --- what a command changes ----------------------------------------------------------------
    def forget_grids(self) -> None:
        """The grids to show may differ: the next frame computes them afresh (while
        training, the other runs' in turns, showing their last ones meanwhile)."""
        for g in self._grids.values():
            g.when = -math.inf

    def forget_figures(self) -> None:
        """The data, θ or the step may have changed: the figures over all points start over."""
        self._full = self._full_pass = None

    def new_runs(self) -> None:
        """Other sessions (a lesson, an undo across runs): nothing computed carries over."""
        self._evaluators.clear()
        self._coarse.clear()
        self._sample_cost = 0.0
        self._grids.clear()
        self._maps.clear()
        self.forget_figures()

    # --- a frame ---------------------------------------------------------------------------------
    def build(
        self,
        group: RunGroup,
        serial: int,
        busy: bool = False,
        now: float | None = None,
        steps_per_second: float = 0.0,
    ) -> Frame:
        """A frame of ``group`` now. ``busy``: training, so figures may lag (see the notes)."""
        clock, timing = time.perf_counter, self.timing
        now = clock() if now is None else now
        t0 = clock()
        # while training, the latest history row's metrics: no evaluation per frame
        gsnap = group.snapshot(refresh=not busy)
        snap = gsnap.runs[0].snapshot
        a = group.a
        if self.full_pass:
            self._advance_full(a, busy, now)
        t1 = clock()
        g = self._evaluator(snap)
        grid, unit = self._grid_of(0, a, snap, g, busy, now, self.unit)
        grids, steps = [grid], [self._grids[0].step]
        if len(group) > 1:
            others = self._other_grids(group, gsnap, busy, now)
            grids += [o[0] for o in others]
            steps += [o[1] for o in others]
        maps = self._unit_maps(group, gsnap, g, busy, now)
        t2 = clock()
        extras = {}
        for name, fn in self.extras.items():
            try:
                extras[name] = fn(a)
            except Exception as exc:  # noqa: BLE001 - the view shows it
                extras[name] = exc
        frame = Frame(
            serial=serial,
            snapshot=snap,
            grid=grid,
            grid_x=g.spec.axes()[0],
            extent=g.spec.extent,
            running=busy,
            steps_per_second=steps_per_second,
            unit=unit,
            full=self._full,
            extras=extras,
            group=gsnap,
            grids=tuple(grids),
            grid_steps=tuple(steps),
            maps=maps,
        )
        timing["snapshot"] += t1 - t0
        timing["grid"] += t2 - t1
        timing["handover"] += clock() - t2
        timing["frames"] += 1
        return frame

    # --- grids -----------------------------------------------------------------------------------
    def grid_spec(self, input_dim: int) -> GridSpec:
        """The canvas's visible rectangle (once it has said), else [−6, 6]²."""
        if self.view is None:
            res = GRID_RESOLUTION_1D if input_dim == 1 else GRID_RESOLUTION_2D
            return GridSpec(DOMAIN, res)
        spec = view_grid(*self.view)
        if input_dim == 1:  # a curve: samples along x only, a few per pixel column
            return GridSpec(spec.extent, max(GRID_RESOLUTION_1D, spec.resolution))
        return spec

    def _evaluator(self, snap: Snapshot) -> GridEvaluator:
        dim = snap.dataset.input_dim
        key = (snap.spec.features, dim)
        g = self._evaluators.get(key)
        if g is None:
            g = self._evaluators[key] = GridEvaluator(self.grid_spec(dim), *key)
        return g

    def _grid_of(self, i, session, snap, g, busy, now, unit=None):
        """Run ``i``'s output over the grid, or the hovered hidden unit's map (run A). While
        training, a dear pass (a wide network) is sampled more coarsely (``coarse_spec``),
        and repeated only once its cost is at most ``GRID_SHARE`` of the time since; the
        frames between reuse the same array."""
        c = self._grids.get(i)
        key = (g, snap.arch, unit)
        if busy and c is not None and c.key == key and now - c.when < c.cost * (1 / GRID_SHARE - 1):
            return c.out
        use = g
        if busy and snap.dataset.input_dim == 2:
            use = self._coarse_evaluator(g, snap)
        t0 = time.perf_counter()
        out = self._evaluate(session, snap, use, unit)
        cost = time.perf_counter() - t0
        self._grids[i] = _Grid(key, out, snap.step, now, cost)
        if i == 0:
            ny, nx = use.spec.shape
            self._sample_cost = cost / (nx * ny)
        return out

    def _coarse_evaluator(self, g: GridEvaluator, snap: Snapshot) -> GridEvaluator:
        """``g``, or a coarser grid over the same rectangle when ``g``'s pass would cost more
        than ``GRID_FRAME_SECONDS`` (as the last passes measured it)."""
        spec = coarse_spec(g.spec, self._sample_cost, GRID_FRAME_SECONDS)
        if spec == g.spec:
            return g
        key = (spec, g.features, g.input_dim)
        e = self._coarse.get(key)
        if e is None:
            if len(self._coarse) > 8:
                self._coarse.clear()
            e = self._coarse[key] = GridEvaluator(spec, g.features, g.input_dim)
        return e

    @staticmethod
    def _evaluate(session, snap, g, unit):
        net = session.net
        if unit is not None:
            layer, j = unit
            widths = snap.arch.widths
            plane = snap.dataset.input_dim == 2
            if plane and 1 <= layer < len(widths) - 1 and 0 <= j < widths[layer]:
                return g.hidden_maps(net, snap.params, upto=layer)[layer - 1][j], unit
        return g.evaluate(net, snap.params), None  # ignores FP warnings itself

    def _other_grids(self, group, gsnap, busy, now) -> list[tuple[np.ndarray | None, int | None]]:
        """B, C, …'s output grids. Paused: each of the state shown, exact (computed again
        only when its state changed). Training: sampled as A's (``coarse_spec``: the overlay
        compares them cell by cell), in turns from where the last frame stopped, for about
        ``OTHER_GRIDS_SECONDS`` (at least one, at most ``OTHER_GRIDS_PER_FRAME``), the rest
        their last grids."""
        n = len(group)
        order = list(range(1, n))
        if busy:
            start = (self._turn - 1) % (n - 1)
            order = order[start:] + order[:start]
        t0, computed = time.perf_counter(), 0
        for i in order:
            snap = gsnap.runs[i].snapshot
            g = self._evaluator(snap)
            c = self._grids.get(i)
            key = (g, snap.arch, snap.revision)
            if c is not None and c.key == key and (c.exact or busy):
                continue  # the same state: the same picture
            if (
                busy
                and c is not None
                and c.key[:2] == key[:2]
                and now - c.when < c.cost * (1 / GRID_SHARE - 1)
            ):
                continue  # a dear pass (a wide network), as A's: its share of the time
            if (
                busy
                and computed
                and (
                    computed >= OTHER_GRIDS_PER_FRAME
                    or time.perf_counter() - t0 >= OTHER_GRIDS_SECONDS
                )
            ):
                continue  # its turn comes
            use = g
            if busy and snap.dataset.input_dim == 2:
                use = self._coarse_evaluator(g, snap)
            s0 = time.perf_counter()
            out = self._evaluate(group[i], snap, use, None)
            cost = time.perf_counter() - s0
            self._grids[i] = _Grid(key, out, snap.step, now, cost, exact=use is g)
            computed += 1
            self._turn = i % (n - 1) + 1
        out = []
        for i in range(1, n):
            c = self._grids.get(i)
            fits = c is not None and c.key[:2] == (
                self._evaluator(gsnap.runs[i].snapshot),
                gsnap.runs[i].snapshot.arch,
            )
            out.append((c.out[0], c.step) if fits else (None, None))
        return out

    # --- unit maps -----------------------------------------------------------------------------
    def _unit_maps(self, group, gsnap, g, busy, now) -> dict[str, UnitMaps]:
        out = {}
        for name, req in self.map_requests.items():
            if not 0 <= req.run < len(group):
                continue
            session, snap = group[req.run], gsnap.runs[req.run].snapshot
            dim = snap.dataset.input_dim
            extent = req.extent
            if extent is None:
                extent = square_around(g.spec.extent) if dim == 2 else g.spec.extent
            cached = self._maps.get(name)
            if cached is not None and cached[0].fits(extent, snap.spec.features, dim):
                grid, maps, when, cost = cached
                same = maps.revision == snap.revision and maps.step == snap.step
                wait = max(req.every, cost * (1 / MAPS_SHARE - 1))
                if same or (busy and now - when < wait):
                    out[name] = maps
                    continue
            else:
                grid = UnitMapGrid(extent, snap.spec.features, dim)
            t0 = time.perf_counter()
            maps = grid.maps(session.net, snap.params, step=snap.step, revision=snap.revision)
            if req.deltas:
                maps = UnitMaps(
                    maps.extent,
                    maps.hidden,
                    maps.output,
                    maps.step,
                    maps.revision,
                    session_unit_deltas(session),
                )
            self._maps[name] = (grid, maps, now, time.perf_counter() - t0)
            out[name] = maps
        return out

    # --- the figures over all points -------------------------------------------------------------
    def _advance_full(self, s: TrainingSession, busy: bool, now: float) -> None:
        """Carry the pass over all the points one chunk further (all of it when paused);
        only when the data outgrow the evaluation sample."""
        n_test = len(s.dataset) - s.n_train
        if s.evaluated_points == (s.n_train, n_test):
            self._full = self._full_pass = None  # the snapshot's figures are the full ones
            return
        p = self._full_pass
        if p is not None and not busy and p.step != s.step_count:
            p = None  # paused: the figures of the step on screen, not of an older one
        if p is None:
            if self._full is not None and self._full.step == s.step_count:
                return
            if busy and now - self._full_started < FULL_PASS_SECONDS:
                return
            p = s.full_pass()
            self._full_started = now
        t0 = time.perf_counter()
        chunk = self._full_chunk if busy else len(s.dataset)
        if p.advance(chunk):
            self._full, p = p.result, None
        elif busy:  # the next chunk takes about FULL_PASS_FRAME_SECONDS
            per_point = max((time.perf_counter() - t0) / chunk, 1e-9)
            self._full_chunk = int(min(8192, max(16, FULL_PASS_FRAME_SECONDS / per_point)))
        self._full_pass = p


def coarse_spec(spec: GridSpec, sample_cost: float, budget: float) -> GridSpec:
    """The grid to sample while training: ``spec`` when its pass costs at most ``budget``
    seconds at ``sample_cost`` seconds a sample, else the same rectangle with every k-th
    sample along each axis (k the smallest whole number that fits the budget; never fewer
    than ``GRID_MIN_SAMPLES`` along an axis). A region then differs from the exact grid's
    only within about one coarse cell of a boundary (tests/gui/test_adaptive_grid.py)."""
    ny, nx = spec.shape
    cost = sample_cost * nx * ny
    if not cost > budget:
        return spec
    k = math.ceil(math.sqrt(cost / budget))
    cx = min(nx, max(GRID_MIN_SAMPLES, math.ceil(nx / k)))
    cy = min(ny, max(GRID_MIN_SAMPLES, math.ceil(ny / k)))
    if (cx, cy) == (nx, ny):
        return spec
    return GridSpec(spec.extent, cx, cy)


def render_frame(session: TrainingSession, maps: Mapping[str, MapRequest] = ()) -> Frame:
    """What the window's engine thread would show of ``session`` now, paused, over the
    canvas's whole domain (``backprop-lab render``): the builder's frame, without the pass
    over all points."""
    builder = FrameBuilder(full_pass=False)
    for name, request in dict(maps).items():
        builder.set_maps(name, request)
    return builder.build(RunGroup.of(session), serial=session.step_count)
