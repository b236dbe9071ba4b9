"""Undo across runs: a change that starts the run afresh is one undo step that brings the
run back exactly.

A new network, activation, width, input feature, initialisation, seed or reset, a preset,
a lesson or a CSV file starts a new run. ``RunHistory.new_run(label)`` wraps such a
change: the engine thread keeps a copy of the run first (``TrainingSession.copy``: θ, the
optimizer's state, the batch RNG, the history, the timeline, the step counters), then
applies the change, all or nothing (``commands.NewRun``); the canvas's history gets one
step of a new run. Undo or redo across runs swaps the live run with the kept one
(``commands.SwapRun``), so training done on either side is never lost. The panels follow:
the data panel from the history's state; the network and training panels, the lesson's
title and notes from what they showed when the run was left (at once, so a control used
right after an undo acts on the run brought back, never on a stale design).

Edits of the points (drawing, erasing, Noise, Test share) stay in their run: undoing
one changes the data the run trains on, as the edit did. An edit that changes the
network's shape (a point of a new class) starts a new run.

The history keeps a few runs (gui/edits.py ``DEFAULT_RUNS``); the copies of runs no step
refers to any more are dropped in the engine thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec
from PySide6.QtCore import QObject, Slot

from .edits import State
from .worker import CommandFailure

if TYPE_CHECKING:
    from .data_panel import DataOrigin
    from .main_window import MainWindow


@dataclass(frozen=True)
class RunView:
    """What the window showed of a run besides the data: its design in the panels, its
    title and lesson notes."""

    spec: NetworkSpec
    hyper: HyperParameters
    seed: int
    window_title: str
    notes_title: str
    notes_description: str


class RunHistory(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self.canvas = window.canvas
        self.history = window.canvas.history
        self.controller = window.controller
        self._views: dict[int, RunView] = {}  # runs not live: how the window showed them
        self._kept: set[int] = set()  # runs the engine thread keeps copies of
        self._depth = 0  # new_run nesting: an inner change folds into the outer step
        # undo and redo of hand edits of θ (gui/probe_edits.HandEdits, set when installed)
        self.hand_edits = None
        self.canvas.commit_hook = self._commit_hook
        self.canvas.stateChanged.connect(self._on_state_changed)

    # --- a change that starts a new run ---------------------------------------------------
    @property
    def changing(self) -> bool:
        """Inside ``new_run``."""
        return self._depth > 0

    @contextmanager
    def new_run(
        self,
        label: str,
        dataset: Dataset | None = None,
        origin: DataOrigin | None = None,
        spec_before: NetworkSpec | None = None,
        seed_before: int | None = None,
    ) -> Iterator[None]:
        """The changes made inside (commands sent, panels set) start a new run, as one undo
        step named ``label`` whose data are ``dataset`` (None: the data stay) from
        ``origin``. A panel that already shows its new value says what it showed before
        (``spec_before``, ``seed_before``). Nested: part of the outer step."""
        if self._depth:
            yield
            return
        h = self.history
        keep = h.state.run
        self._views[keep] = self._view(spec_before, seed_before)
        self._depth += 1
        try:
            with self.controller.new_run(keep, h.next_run):
                yield
        finally:
            self._depth -= 1
            self._kept.add(keep)
            ds = dataset if dataset is not None else h.current
            h.end_group()
            h.push(ds, label, origin=origin, new_run=True)
            self.canvas.refresh()
            self._show_data()
            self._drop_unneeded()

    def _commit_hook(self, ds: Dataset, label: str) -> bool:
        """A drawn point of a new class changes the network's shape: a new run."""
        if ds.same_shape(self.canvas.dataset) or self._depth:
            return False
        group = self.history.in_group
        with self.new_run(label, ds):
            self.w.apply_dataset(ds)
        if group:  # the rest of the stroke folds into this step
            self.history.begin_group(label)
            self.history.mark_group_started()
        return True

    # --- undo and redo --------------------------------------------------------------------
    @Slot(object, object)
    def _on_state_changed(self, was: State, now: State) -> None:
        if was.run == now.run:
            # a weight set by hand, undone or redone: θ changes in the engine, the data stay
            if self.hand_edits is not None and self.hand_edits.follow(was, now):
                return
            self.w.apply_dataset(now.dataset)  # an edit of the points, or its undo
            self._show_data()
            return
        self._views[was.run] = self._view()
        self.controller.swap_run(was.run, now.run)
        self._kept.add(was.run)
        self._kept.discard(now.run)
        view = self._views.pop(now.run, None)
        if view is not None:
            self._restore_view(view, now.dataset)
        self.w.show_data_in_window(now.dataset)
        self._show_data()

    # --- failures -------------------------------------------------------------------------
    def on_failure(self, failure: CommandFailure) -> None:
        """A new run's change failed and the engine kept the run it had: its step goes."""
        within = failure.within
        if within is None or not self.history.abandon_run(within.run):
            return
        self._kept.discard(within.keep_as)
        view = self._views.pop(within.keep_as, None)
        if view is not None:
            self._restore_view(view, self.history.current)
        self.canvas.refresh()
        self._show_data()

    # --- helpers --------------------------------------------------------------------------
    def _show_data(self) -> None:
        state = self.history.state
        if state.origin is not None:
            self.w.data_panel.show_data(state.dataset, state.origin)

    def _drop_unneeded(self) -> None:
        """Copies of runs no step refers to any more go."""
        needed = self.history.runs - {self.history.state.run}
        gone = self._kept - needed
        if gone:
            self.controller.drop_runs(sorted(gone))
            self._kept -= gone
        for r in [r for r in self._views if r not in needed]:
            del self._views[r]

    def _view(self, spec: NetworkSpec | None = None, seed: int | None = None) -> RunView:
        w = self.w
        return RunView(
            spec if spec is not None else w.network_panel.spec(),
            w.training_panel.hyper(),
            seed if seed is not None else w.training_panel.seed,
            w.windowTitle(),
            w.notes.title,
            w.notes.description,
        )

    def _restore_view(self, view: RunView, ds: Dataset) -> None:
        w = self.w
        w.network_panel.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
        w.network_panel.set_spec(view.spec, emit=False)
        w.training_panel.set_hyper(view.hyper)
        w.training_panel.set_seed(view.seed)
        w.setWindowTitle(view.window_title)
        if view.notes_title or view.notes_description:
            w.notes.set_notes(view.notes_title, view.notes_description)
        else:
            w.notes.clear()

    @property
    def kept(self) -> frozenset[int]:
        """The runs whose copies the engine thread keeps (as this side knows it)."""
        return frozenset(self._kept)
