"""Comparing runs side by side, put into the main window: ``install(window)`` is the hook.

The engine thread holds a group of runs in lock-step (engine/group.py): the same data,
the same θ₀ and the same batches, one setting changed. This part is the window's side:

* Train → Compare: "Duplicate as B" (Ctrl+D, a copy of the focused run that goes on in
  step), one entry per one-setting contrast on the current data and network
  (engine/contrasts.py: sigmoid | ReLU, α ×0.1 | ×1 | ×10, …), "Next run" (Ctrl+Tab),
  "Close run" (Ctrl+W, never the last one) and "Stop comparing" (run A alone again). Each
  change of the runs is one step of the window's undo history (``RunHistory.new_run``):
  Ctrl+Z brings the runs before it back exactly.
* The canvases (gui/compare_canvases.py): one per run, side by side, linked, each titled
  by what differs ("B · ReLU") with its step, loss and accuracy, or "stopped at step N".
* The focus: one run has it (a thick frame); the network and training panels show its
  settings and their changes go to it (``EngineController.focus_run``); the network
  diagram (G) and the backprop inspector (I) draw and walk it, titled "B · ReLU". A hand
  edit of a weight acts on run A only: on another run's diagram it is refused.
* The plots draw a curve per run (gui/plots.py ``update_snapshot(…, runs=)``).
* Files: File → Save lesson and the autosave write every run (the lesson is A, the other
  runs its ``compare`` block); opening such a lesson, or restoring such an autosave,
  brings the comparison back (gui/lesson_files.py).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pyqtgraph as pg
from backprop_lab.engine.contrasts import CONTRASTS, unavailable
from backprop_lab.engine.design import HyperParameters
from backprop_lab.engine.group import HYPER_FIELDS, LETTERS, MAX_RUNS
from PySide6.QtCore import QObject, QRectF, Slot
from PySide6.QtGui import QActionGroup, QColor, QPalette
from PySide6.QtWidgets import QWidget

from .colors import run_hex
from .compare_canvases import RunGrid, overlay_picture

if TYPE_CHECKING:
    from .feature_window import FeatureWindow
    from .frames import Frame

MESSAGE_MS = 8000
HYPER_NAMES = {"alpha": "α", "lam": "λ", "batch_size": "B"}  # in an undo step's name
DIFFERS_HEX = "#FFE3A0"  # a panel field whose value differs from A's (the focused run's)


def _num(v: float | None, fmt: str) -> str:
    return "–" if v is None or not math.isfinite(v) else format(v, fmt)


def run_detail(view) -> str:
    """A run's corner figures: "step 120 · loss 0.312 · 97.5 %", or where it stopped."""
    status, snap = view.status, view.snapshot
    if status.diverged is not None:
        if status.stopped_at is not None:
            return f"stopped at step {status.stopped_at:,}"
        return "stopped"
    last = snap.last
    parts = [f"step {snap.step:,}", f"loss {_num(last.train_loss, '.3f')}"]
    if snap.dataset.task == "classification":
        parts.append(f"{_num(last.train_acc * 100, '.1f')} %")
    text = " · ".join(parts)
    if view.label.notes:
        text += f"  ({'; '.join(view.label.notes)})"
    return text


DIFFERS_NOTE = "\n(differs from A)"


def _mark(field: QWidget, on: bool) -> None:
    """Tint a panel field (and say why in its tooltip), or give it the window's colours."""
    try:
        tip = field.toolTip().replace(DIFFERS_NOTE, "")
        if on:
            pal = field.palette()
            for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Button):
                pal.setColor(role, QColor(DIFFERS_HEX))
            field.setPalette(pal)
            field.setToolTip(tip + DIFFERS_NOTE)
        else:
            field.setPalette(QPalette())  # the window's again
            field.setToolTip(tip)
    except RuntimeError:  # a width box gone with its layer
        pass


class CompareFeature(QObject):
    """The Compare menu, the runs' canvases and the focused run (see the module's notes)."""

    def __init__(self, window: FeatureWindow):
        super().__init__(window)
        self.w = window
        self.focus = 0
        self.count = 1
        self._want_focus: tuple[int, int] | None = None  # (runs, focus) once they show
        # the focused run's design is to be shown again: the panels took it from a frame
        # made before the runs' last edit (the next frame shows them as they are)
        self._design_owed = False
        # the edits of the runs (``Frame.changes``) the panels' design was last shown after:
        # a design the panels kept for a run (gui/run_history.py) may predate a frame of it
        # (a contrast's settings come from the engine), so after every edit of the runs a
        # comparison's panels show the focused run again as its next frame has it
        self._shown_at: int | None = None
        self._labels: tuple[str, ...] = ("A",)
        self._drawn: dict[int, object] = {}  # run → the grid array its canvas shows
        self._points: tuple | None = None  # what the read-only canvases' points show
        self._tinted: list[QWidget] = []  # panel fields shown as differing from A
        self.overlay = False  # O: every run on A's canvas instead of side by side
        self._overlaid: tuple | None = None  # the grids the overlay shows
        self.overlay_item = pg.ImageItem()
        self.overlay_item.setZValue(-5)  # over A's regions, under the points
        self.overlay_item.hide()
        window.canvas.addItem(self.overlay_item)
        split = window.canvas_area.splitter
        at = max(split.indexOf(window.canvas), 0)
        self.grid = RunGrid(window.canvas)  # the canvas goes into cell A
        # the grid takes the canvas's place beside the network diagram
        split.insertWidget(at, self.grid)
        split.setStretchFactor(at, 3)
        window.canvas.show()
        self._make_menu()
        c = window.controller
        # a setting of the training panel changed while comparing restarts every run from
        # θ₀: one undo step (``on_hyper``); alone, α and the rest go on from where they are
        tp = window.training_panel
        tp.hyperChanged.disconnect(c.set_hyper)
        tp.hyperChanged.connect(self.on_hyper)
        c.frameReady.connect(self.on_frame)
        c.runDiverged.connect(self.on_run_diverged)
        # opening a lesson (a comparison or not) or File → New replaces the runs
        window.files.before_new_runs = self._leave_focus

    # --- the menu ---------------------------------------------------------------------------
    def _make_menu(self) -> None:
        w = self.w
        t = w.menus.train
        t.addSeparator()
        self.menu = m = t.addMenu("Compare")
        m.setObjectName("compareMenu")
        add = w.menus.add
        self.duplicate_action = add(m, "Duplicate as B", ["Ctrl+D"])
        self.duplicate_action.triggered.connect(self.duplicate)
        m.addSeparator()
        self.contrast_actions = {}
        m.setToolTipsVisible(True)  # a greyed contrast says why it cannot be made
        for key, c in CONTRASTS.items():
            a = add(m, c.title)
            a.setToolTip(self._contrast_tip(key))
            a.triggered.connect(lambda _c=False, k=key: self.contrast(k))
            self.contrast_actions[key] = a
        m.addSeparator()
        self.next_action = add(m, "Next run", ["Ctrl+Tab"])
        self.next_action.triggered.connect(self.next_run)
        self.close_action = add(m, "Close run", ["Ctrl+W"])
        self.close_action.triggered.connect(self.close_run)
        self.overlay_action = add(m, "Overlay the runs on A's canvas", ["O"], checkable=True)
        self.overlay_action.setToolTip(
            "One canvas: A's regions, each other run's boundary in its colour, hatched where "
            "it decides otherwise (O again: side by side)"
        )
        self.overlay_action.triggered.connect(self.set_overlay)
        self.stop_action = add(m, "Stop comparing")
        self.stop_action.triggered.connect(self.stop_comparing)
        m.aboutToShow.connect(self._update_menu)
        self._update_menu()
        # View → Plots' x-axis: steps, epochs or samples seen, for one run as for several
        # (runs with another B compare fairly only per sample or per epoch)
        x = w.menus.view.addMenu("Plots' x-axis")
        x.setObjectName("xAxisMenu")
        group = QActionGroup(self)
        self.x_axis_actions = {}
        for axis, name in (("steps", "Steps"), ("epochs", "Epochs"), ("samples", "Samples seen")):
            a = add(x, name, checkable=True)
            a.setChecked(axis == w.plots.x_axis)
            a.triggered.connect(lambda _c=False, k=axis: self.set_x_axis(k))
            group.addAction(a)
            self.x_axis_actions[axis] = a

    def set_x_axis(self, axis: str) -> None:
        """The loss, accuracy and |δ| plots against steps, epochs or samples seen."""
        self.w.plots.set_x_axis(axis)
        self.x_axis_actions[axis].setChecked(True)

    def _update_menu(self) -> None:
        n = self.count
        full = n >= MAX_RUNS
        self.duplicate_action.setText(
            f"Duplicate {LETTERS[self.focus]} as {LETTERS[n]}" if not full else "Duplicate"
        )
        if n == 1:
            self.duplicate_action.setText("Duplicate as B")
        self.duplicate_action.setEnabled(not full)
        self.close_action.setText(f"Close run {LETTERS[self.focus]}" if n > 1 else "Close run")
        # Close and Next stay enabled with one run: their keys then say why nothing happens
        self.stop_action.setEnabled(n > 1)
        # a contrast is made from A (the focus goes back to it first): grey out the ones
        # A's design or settings cannot make, and say why, before they are chosen
        frame = self.w.latest
        for key, a in self.contrast_actions.items():
            why = unavailable(frame.snapshot, key) if frame is not None else None
            a.setEnabled(why is None)
            a.setToolTip(self._contrast_tip(key) if why is None else f"Not here: {why}")

    @staticmethod
    def _contrast_tip(key: str) -> str:
        return f"A new comparison on these data and this network: {CONTRASTS[key].title}"

    def say(self, text: str) -> None:
        self.w.statusBar().showMessage(text, MESSAGE_MS)

    # --- what the menu does ----------------------------------------------------------------
    def _leave_focus(self) -> None:
        """Before the runs change: the panels show A again, so that the undo step keeps
        A's design for them (gui/run_history.py saves what they show)."""
        if self.focus != 0:
            self.set_focus(0)

    @Slot()
    def duplicate(self) -> None:
        n = self.count
        if n >= MAX_RUNS:
            self.say(f"A comparison holds at most {MAX_RUNS} runs: close one first (Ctrl+W).")
            return
        run, letter = self.focus, LETTERS[n]
        self._leave_focus()
        with self.w.runs.new_run(f"duplicate as {letter}"):
            self.w.controller.duplicate(run)
        self._want_focus = (n + 1, n)  # the copy gets the focus: change its setting now
        self.say(
            f"{letter} is a copy of {LETTERS[run]}: change one setting in the panels "
            "(they now edit it); Ctrl+Tab moves between the runs."
        )

    def contrast(self, key: str) -> None:
        title = CONTRASTS[key].title
        self._leave_focus()
        with self.w.runs.new_run(f"compare {title}"):
            self.w.controller.contrast(key)
        self._want_focus = None
        self.say(f"Comparing {title}: the same data, θ₀ and batches; Play runs them all.")

    @Slot()
    def close_run(self) -> None:
        n = self.count
        if n <= 1:
            self.say("This is the only run: closing it would leave nothing to train.")
            return
        i = self.focus
        self._leave_focus()
        with self.w.runs.new_run(f"close run {LETTERS[i]}"):
            self.w.controller.close_run(i)
        self._want_focus = (n - 1, min(i, n - 2))
        self.say(f"Run {LETTERS[i]} closed (Ctrl+Z brings it back).")

    @Slot()
    def stop_comparing(self) -> None:
        n = self.count
        if n <= 1:
            return
        self._leave_focus()
        with self.w.runs.new_run("stop comparing"):
            for i in reversed(range(1, n)):
                self.w.controller.close_run(i)
        self._want_focus = None
        self.say("Run A alone again (Ctrl+Z brings the comparison back).")

    @Slot(object)
    def on_hyper(self, hyper: HyperParameters) -> None:
        """The training panel's settings for the focused run. In a comparison the change
        starts every run again from θ₀ (engine/group.py), so it is one undo step: Ctrl+Z
        brings the runs before it back exactly. A single run goes on as it always did."""
        c = self.w.controller
        frame = self.w.latest
        runs = frame.runs if frame is not None else ()
        i = self.focus
        if len(runs) < 2 or i >= len(runs) or runs[i].snapshot.hyper == hyper:
            c.set_hyper(hyper)
            return
        before = runs[i].snapshot.hyper
        what = ", ".join(
            f"{HYPER_NAMES.get(f, f)} = {getattr(hyper, f)}"
            for f in HYPER_FIELDS
            if getattr(hyper, f) != getattr(before, f)
        )
        with self.w.runs.new_run(f"{LETTERS[i]}: {what}", hyper_before=before):
            c.set_hyper(hyper)
        self.say(
            f"Run {LETTERS[i]}: {what}. Every run starts again from θ₀ (Ctrl+Z brings the "
            "runs back as they were)."
        )

    @Slot()
    def next_run(self) -> None:
        if self.count <= 1:
            self.say("One run: Train → Compare → Duplicate as B (Ctrl+D) starts a comparison.")
            return
        self.set_focus((self.focus + 1) % self.count)
        frame = self.w.latest
        if frame is not None and self.focus < len(frame.runs):
            self.say(f"The panels show and change {frame.runs[self.focus].label.text}.")

    def set_focus(self, i: int, frame: Frame | None = None) -> None:
        """Run ``i`` has the focus: its frame, and the panels show and change it (as
        ``frame`` has the runs, else the latest frame)."""
        self.focus = int(i)
        c = self.w.controller
        c.focus_run = self.focus
        frame = frame if frame is not None else self.w.latest
        # a frame made before the runs' last edit is the best known until the next one,
        # which shows the design again
        self._design_owed = frame is not None and not c.caught_up(frame)
        if frame is not None and self.focus < len(frame.runs):
            self.w.panels.show_design(frame.runs[self.focus].snapshot)
            if not self._design_owed:
                self._shown_at = frame.changes
        self._show_run(frame)
        self._frame_cells(frame)
        self._update_menu()

    def _show_run(self, frame: Frame | None) -> None:
        """The diagram (G) and the inspector (I) draw and walk the focused run, titled by
        its label in its colour; a single run is drawn untitled."""
        runs = frame.runs if frame is not None else ()
        i = self.focus if len(runs) > 1 and self.focus < len(runs) else 0
        title = runs[i].label.text if len(runs) > 1 else None
        color = run_hex(i)
        self.w.canvas_area.netview.set_run(i, title, color)
        self.w.inspector.set_run(i, title, color)

    # --- frames ------------------------------------------------------------------------------
    @Slot(object)
    def on_frame(self, frame: Frame) -> None:
        runs = frame.runs
        n = max(1, len(runs))
        # made after the window's last edit of the runs (a frame taken late may not be)
        current = self.w.controller.caught_up(frame)
        counted = n != self.count
        self.count = n
        if self.grid.set_count(1 if self.overlay else n):
            self._drawn.clear()
            self._points = None
            if self.w.fit.shown:
                self.w.fit.refit()
        labels = tuple(r.label.text for r in runs)
        relabelled = labels != self._labels
        self._labels = labels
        want = self._want_focus
        if want is not None and want[0] == n:
            self._want_focus = None
            self.set_focus(want[1], frame)
        elif self.focus >= n:
            self.set_focus(0, frame)
        elif n > 1 and (counted or relabelled or (current and frame.changes != self._shown_at)):
            self.set_focus(self.focus, frame)  # the panels show the runs as the engine has them
        elif counted:
            self._update_menu()
        if self._design_owed and current:
            self.set_focus(self.focus, frame)
        if n == 1:
            if counted:
                self._show_run(frame)
            self.grid.cells[0].set_frame(False, False, False)
            self._tint(None)
            self._draw_overlay(None)
            return
        self._frame_cells(frame)
        self._draw(frame)
        self._draw_overlay(frame if self.overlay else None)

    def _fields(self, setting: str) -> list[QWidget]:
        """The panel fields that show ``setting`` (engine/group_labels.py's names)."""
        tp, np_ = self.w.training_panel, self.w.network_panel
        fields = {
            "alpha": [tp.alpha_box],
            "batch_size": [tp.batch_spin],
            "lam": [tp.lam_spin],
            "optimizer": [tp.optimizer_combo],
            "seed": [tp.seed_spin],
            "activation": [np_.activation_combo],
            "hidden": list(np_.width_spins),
            "features": list(np_.feature_boxes.values()),
        }
        return fields.get(setting, [])

    def _tint(self, frame: Frame | None) -> None:
        """The focused run's fields that differ from A's are tinted (A's never are)."""
        want: list[QWidget] = []
        runs = frame.runs if frame is not None else ()
        if len(runs) > 1 and 0 < self.focus < len(runs):
            for d in runs[self.focus].label.differences:
                want += self._fields(d.setting)
        if want == self._tinted:
            return
        for f in self._tinted:
            if f not in want:
                _mark(f, False)
        for f in want:
            _mark(f, True)
        self._tinted = want

    def tinted(self) -> list[QWidget]:
        """The panel fields shown as differing from A (tests)."""
        return list(self._tinted)

    def _frame_cells(self, frame: Frame | None) -> None:
        self._tint(frame)
        if frame is None:
            return
        runs = frame.runs
        n = len(runs)
        for i, cell in enumerate(self.grid.cells[: self.grid.count]):
            if n <= 1 or i >= n:
                cell.set_frame(False, False, False)
                continue
            view = runs[i]
            cell.set_title(i, view.label.text, run_detail(view), view.label.warning)
            cell.set_frame(True, i == self.focus, view.status.diverged is not None)

    def _draw(self, frame: Frame) -> None:
        w = self.w
        ds = w.canvas.dataset
        key = (id(ds), w.canvas.point_size, w.canvas.show_test)
        if key != self._points:  # other points, or other type (presentation mode)
            self._points = key
            for rc in self.grid.visible_canvases():
                rc.set_dataset(ds, w.canvas.point_size, w.canvas.show_test)
                rc.match(w.canvas)
        self.grid.draw_regions(frame, w.presenter.crisp, self._drawn)

    # --- the overlay (O) ----------------------------------------------------------------------
    def set_overlay(self, on: bool) -> None:
        """O: the runs on A's canvas (A's regions, the others' boundaries over them, hatched
        where they decide otherwise), the one canvas a 1024×768 projector shows large; O
        again: side by side."""
        on = bool(on)
        if self.overlay_action.isChecked() != on:
            self.overlay_action.setChecked(on)
        if on == self.overlay:
            return
        self.overlay = on
        self._drawn.clear()
        self._overlaid = None
        if on and self.count > 1:
            self.say(
                "Overlay: A's regions; each other run's boundary in its colour, hatched "
                "where it decides otherwise. O again: side by side."
            )
        elif on:
            self.say("Overlay: with one run there is nothing to lay over A (Ctrl+D, a contrast)")
        latest = self.w.latest
        if latest is not None:
            self.grid.set_count(1 if on else max(1, len(latest.runs)))
            self.on_frame(latest)
        if self.w.fit.shown:
            self.w.fit.refit()

    def _draw_overlay(self, frame: Frame | None) -> None:
        item = self.overlay_item
        if frame is None or len(frame.grids) < 2 or frame.grids[0] is None:
            item.hide()
            self._overlaid = None
            return
        grids = tuple(frame.grids)
        if self._overlaid is not None and all(a is b for a, b in zip(grids, self._overlaid)):
            return
        self._overlaid = grids
        others = [(g, run_hex(i)) for i, g in enumerate(grids) if i > 0 and g is not None]
        rgba = overlay_picture(grids[0], others)
        if rgba is None:  # regression: no boundary to draw
            item.hide()
            return
        x0, x1, y0, y1 = frame.extent
        item.setImage(rgba, autoLevels=False)
        item.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        item.show()

    @Slot(object)
    def on_run_diverged(self, what) -> None:
        i, why = what
        letter = LETTERS[i] if 0 <= i < len(LETTERS) else "?"
        self.say(f"Run {letter} stopped: {why} The other runs go on.")

    # --- for tests and scripts ----------------------------------------------------------------
    def titles(self) -> list[str]:
        """The shown canvases' titles (empty for a single run)."""
        if self.grid.count <= 1:
            return []
        return [c.text for c in self.grid.cells[: self.grid.count]]


def install(window: FeatureWindow) -> CompareFeature:
    """Put comparing runs into ``window`` (Train → Compare, the canvases, the focus)."""
    return CompareFeature(window)
