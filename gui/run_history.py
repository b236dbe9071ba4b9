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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec
from PySide6.QtCore import QObject, Slot

from . import commands as cmd
from .banner import Banner
from .canvas import DataCanvas
from .controller import EngineController
from .data_panel import LESSON_ORIGIN, DataOrigin
from .document import LessonInfo, OpenDocument
from .edits import State
from .panels import Design, Panels
from .worker import CommandFailure


@dataclass(frozen=True)
class RunView:
    """What the window showed of a run besides the data: its design in the panels, and
    the lesson it was (its notes, the window's title)."""

    design: Design
    lesson: LessonInfo


class RunHistory(QObject):
    """The window's side of undo across runs. ``apply_dataset`` sends new data to the
    engine and shows it; ``show_data`` only shows it (the window's views of the data
    besides the canvas)."""

    def __init__(
        self,
        canvas: DataCanvas,
        controller: EngineController,
        panels: Panels,
        document: OpenDocument,
        banner: Banner,
        apply_dataset: Callable[[Dataset], None],
        show_data: Callable[[Dataset], None],
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.canvas = canvas
        self.history = canvas.history
        self.controller = controller
        self.panels = panels
        self.document = document
        self.banner = banner
        self.apply_dataset = apply_dataset
        self.show_data = show_data
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
        hyper_before: HyperParameters | None = None,
    ) -> Iterator[None]:
        """The changes made inside (commands sent, panels set) start a new run, as one undo
        step named ``label`` whose data are ``dataset`` (None: the data stay) from
        ``origin``. A panel that already shows its new value says what it showed before
        (``spec_before``, ``seed_before``, ``hyper_before``). Nested: part of the outer
        step."""
        if self._depth:
            yield
            return
        h = self.history
        keep = h.state.run
        self._views[keep] = self._view(spec_before, seed_before, hyper_before)
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
            self._show_data_panel()
            self._drop_unneeded()

    def _commit_hook(self, ds: Dataset, label: str) -> bool:
        """A drawn point of a new class changes the network's shape: a new run."""
        if ds.same_shape(self.canvas.dataset) or self._depth:
            return False
        group = self.history.in_group
        with self.new_run(label, ds):
            self.apply_dataset(ds)
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
            self.apply_dataset(now.dataset)  # an edit of the points, or its undo
            self._show_data_panel()
            return
        self._views[was.run] = self._view()
        self.controller.swap_run(was.run, now.run)
        self._kept.add(was.run)
        self._kept.discard(now.run)
        view = self._views.pop(now.run, None)
        if view is not None:
            self._restore_view(view, now.dataset)
        self.show_data(now.dataset)
        self._show_data_panel()

    # --- failures -------------------------------------------------------------------------
    def on_failure(self, failure: CommandFailure) -> None:
        """A change failed and the engine undid it: a new run's step goes (the engine kept
        the run it had), the panels and the canvas go back to what the engine trains, and
        the banner says why. A data edit that failed stays redoable."""
        within = failure.within
        if within is not None and self.history.abandon_run(within.run):
            self._kept.discard(within.keep_as)
            view = self._views.pop(within.keep_as, None)
            if view is not None:
                self._restore_view(view, self.history.current)
            self.canvas.refresh()
            self._show_data_panel()
        self._revert_to_engine(failure)

    def _revert_to_engine(self, failure: CommandFailure) -> None:
        snap = failure.snapshot
        command = failure.command
        canvas = self.canvas
        if isinstance(command, cmd.SetDataset) and canvas.dataset is command.dataset:
            if canvas.history.can_undo:
                canvas.take_back_refused_edit()
            if not canvas.dataset.same_as(snap.dataset):
                canvas.set_dataset(snap.dataset, reset_history=True)
        # the data panel: from where the canvas's history says they came, when they are
        # the canvas's
        state = canvas.history.state
        same = state.origin is not None and state.dataset.same_as(snap.dataset)
        self.panels.show_session(snap, state.origin if same else LESSON_ORIGIN)
        self.show_data(snap.dataset)
        what = command.what if isinstance(command, cmd.Change) else "the change"
        self.banner.show_message(
            f"Could not apply {what}: {failure.message}. Nothing changed; training is paused.",
            "error",
        )

    # --- helpers --------------------------------------------------------------------------
    def _show_data_panel(self) -> None:
        state = self.history.state
        if state.origin is not None:
            self.panels.data.show_data(state.dataset, state.origin)

    def _drop_unneeded(self) -> None:
        """Copies of runs no step refers to any more go."""
        needed = self.history.runs - {self.history.state.run}
        gone = self._kept - needed
        if gone:
            self.controller.drop_runs(sorted(gone))
            self._kept -= gone
        for r in [r for r in self._views if r not in needed]:
            del self._views[r]

    def _view(
        self,
        spec: NetworkSpec | None = None,
        seed: int | None = None,
        hyper: HyperParameters | None = None,
    ) -> RunView:
        now = self.panels.design()
        design = Design(
            spec if spec is not None else now.spec,
            hyper if hyper is not None else now.hyper,
            seed if seed is not None else now.seed,
        )
        return RunView(design, self.document.info)

    def _restore_view(self, view: RunView, ds: Dataset) -> None:
        self.panels.set_design(view.design, ds)
        self.document.set(view.lesson)

    @property
    def kept(self) -> frozenset[int]:
        """The runs whose copies the engine thread keeps (as this side knows it)."""
        return frozenset(self._kept)
