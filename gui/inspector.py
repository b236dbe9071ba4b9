"""The backprop inspector: one training step, phase by phase, over the live session.

The algorithm pane prints the step under the chosen optimizer (engine/algorithm.py: lines
1–8 for every optimizer, its own update rule from line 9) and highlights the lines of the
phase shown; the update phase draws θ after the update and the optimizer's state.

The session lives in the engine thread, so everything that touches it runs there through
``EngineController.call_in_engine``; the panel only sends requests and draws the plain
values that come back. The model is engine/walk.py (no Qt, tested without a window):

* ``WalkDriver`` owns the ``PhaseWalk`` in the engine thread. Next / Previous / Finish
  are queued calls on it, so fast clicks simply run in order. Between phases the session
  is parked at the start of the step (the batch draw undone), so training, stepping or a
  rewind started half-way through a walk goes on with exactly the numbers it would have
  had; the walk is then dropped and the next press starts a new step.
* Each call makes the worker publish a new frame, so the main window always shows the
  session as the walk left it (after the update, or after undoing it).
* After each new frame the panel asks once for a ``Summary`` (timeline, unit health, the
  traced point) and redraws the diagram from the frame's weights.

Starting a walk pauses training.

Over 450 lines: the panel wires five views (phase, arrays, diagram, trace, gradient
check) and the rewind bar to one set of engine requests and replies, which read best in
one place; its model is in engine/walk.py.
"""

from __future__ import annotations

import time
from functools import partial

from backprop_lab.engine.algorithm import algorithm
from backprop_lab.engine.jobs import Cancelled, Failure, Job, Request
from backprop_lab.engine.notation import DOMAIN, sup
from backprop_lab.engine.walk import (
    GradCheckResult,
    Summary,
    WalkDriver,
    WalkState,
    check_gradients_steps,
    summarize,
)
from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .arrayview import ArrayPanel
from .diagram import NetworkDiagram, show_run
from .diagram import legend_html as diagram_legend_html
from .safety import guarded
from .timeline_view import TimelineSlider
from .trace_view import TraceView

MAPS = "inspector"  # its unit maps in a frame
SUMMARY_SECONDS = 0.25  # while training, the engine summarises at most this often
MAPS_SECONDS = 0.1  # while training, the unit maps are recomputed at most this often
GRADCHECK_TOL = 1e-6
DIAGRAM_MIN_WIDTH = 220  # px: the inspector's panes at their narrowest
ALGORITHM_MIN_WIDTH = 200
PANE_SHARES = (0.35, 0.4, 0.25)  # diagram, tabs, algorithm
TAB_VIEW_MIN_HEIGHT = 36  # px
NEXT_KEYS = ("N", "Alt+Right")
PREVIOUS_KEYS = ("Shift+N", "Alt+Left")
FINISH_KEYS = ("Alt+End",)


# --- the GUI side --------------------------------------------------------------------------
def check_name(name: str) -> str:
    """'W^(2)' → 'W⁽²⁾'."""
    kind, _, rest = name.partition("^(")
    return f"{kind}{sup(int(rest.rstrip(')')))}" if rest else name


class GradCheckView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.button = QPushButton("Check gradients (finite differences)")
        self.button.setObjectName("gradcheckButton")
        # a check of a wide network takes minutes: it runs in slices and can be stopped
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("gradcheckCancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setObjectName("gradcheckProgress")
        self.progress.setVisible(False)
        self.status = QLabel(
            "Compares backprop's dJ/dW, dJ/db with the five-point central difference of J "
            "for every entry; pass: worst relative error ≤ 1e−6."
        )
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("gradcheckTable")
        self.table.setHorizontalHeaderLabels(
            ["array", "shape", "max rel. error", "max abs. error", "result"]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        row.addWidget(self.button, 1)
        row.addWidget(self.cancel_button)
        lay.addLayout(row)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.table, 1)
        self.result: GradCheckResult | None = None

    def clear(self) -> None:
        self.result = None
        self.button.setEnabled(True)
        self.table.setRowCount(0)
        self.status.setText("The parameters changed since the last check: check again.")

    def set_running(self) -> None:
        self.button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.status.setText("Checking… (4 evaluations of J per parameter)")

    def set_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat("%v of %m entries")

    def _finished(self) -> None:
        self.button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)

    def set_result(self, r: GradCheckResult) -> None:
        self.result = r
        self._finished()
        ok = all(c.passed(GRADCHECK_TOL) for c in r.checks)
        self.status.setText(
            f"{'All passed' if ok else 'FAILED'} on {r.source} (B = {r.batch_size}), "
            f"tolerance {GRADCHECK_TOL:g}"
        )
        t = self.table
        t.setRowCount(len(r.checks))
        for i, c in enumerate(r.checks):
            passed = c.passed(GRADCHECK_TOL)
            cells = [
                check_name(c.name),
                " × ".join(str(n) for n in c.shape),
                f"{c.max_rel_error:.2e}",
                f"{c.max_abs_error:.2e}",
                "✓ pass" if passed else "✗ FAIL",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 4:
                    item.setBackground(QBrush(QColor("#D8F0E0" if passed else "#FBE3DA")))
                    item.setData(Qt.ItemDataRole.UserRole, passed)
                t.setItem(i, j, item)

    def set_error(self, message: str) -> None:
        self._finished()
        self.status.setText(message)


class InspectorPanel(QWidget):
    """Phase stepping, arrays, the network diagram, one point's trace, the gradient check
    and the rewind slider, over an ``EngineController``."""

    walkChanged = Signal(object)  # WalkState
    message = Signal(str)
    messageEnded = Signal(str)  # a message whose situation ended (the window drops it)

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.driver = WalkDriver()  # used only inside engine-thread calls
        self.state: WalkState | None = None
        self.summary: Summary | None = None
        self.picked: int | None = None
        self.frame = None
        self._summary_key = None
        self._summary_at = -1e9
        self._shown_maps = None  # the frame's unit maps drawn last
        self._summary_busy = False
        self._summary_again = False
        self._rewind_busy = False
        self._gradcheck_step: int | None = None  # the step the shown check is about
        self._rewind_next: int | None = None
        self._rewound_to: int | None = None  # the note "Rewound to step …" is about it
        self._stale = False
        self._walk_arch = None
        self._walk_moves: set[Request] = set()  # phase moves sent, not answered yet
        self._build()
        self._build_actions()
        self._show_state()
        controller.frameReady.connect(self.on_frame)
        self._gradcheck_job: Job | None = None
        if controller.latest is not None:
            self.on_frame(controller.latest)

    # --- construction --------------------------------------------------------------------
    def _build(self) -> None:
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.3)
        big.setBold(True)
        self.batch_combo = QComboBox()
        self.batch_combo.setObjectName("batchMode")
        self.batch_combo.addItem("random batch (Algorithm 3)", "random")
        self.batch_combo.addItem("the picked point (B = 1)", "point")
        self.prev_button = QPushButton("◀ Previous phase")
        self.prev_button.setObjectName("previousPhase")
        self.next_button = QPushButton("Next phase ▶")
        self.next_button.setObjectName("nextPhase")
        self.finish_button = QPushButton("Finish step ⇥")
        self.finish_button.setObjectName("finishStep")
        self.prev_button.setToolTip(
            "Go back one phase (PageUp, ←, Shift+N, Alt+Left); undoes the update"
        )
        self.next_button.setToolTip(
            "Compute the next phase (PageDown, →, N, Alt+Right); pauses training"
        )
        self.finish_button.setToolTip("Run the remaining phases of this step (Alt+End)")
        self.point_spin = QSpinBox()
        self.point_spin.setObjectName("pickedPoint")
        self.point_spin.setPrefix("point #")
        self.point_spin.setRange(-1, 0)
        self.point_spin.setSpecialValueText("no point picked")
        self.point_spin.setValue(-1)
        self.point_spin.setToolTip("The traced point (also set by the canvas's pick tool)")
        # in a comparison: which run the panel shows and walks ("B · ReLU")
        self.run_label = QLabel("")
        self.run_label.setObjectName("inspectorRun")
        self.run_label.hide()
        self.run = 0
        bar = QHBoxLayout()
        bar.addWidget(self.run_label)
        bar.addWidget(QLabel("Batch:"))
        bar.addWidget(self.batch_combo)
        bar.addWidget(self.point_spin)
        bar.addSpacing(12)
        bar.addWidget(self.prev_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.finish_button)
        bar.addSpacing(12)

        self.counter = QLabel("")
        self.counter.setObjectName("phaseCounter")
        self.counter.setWordWrap(True)
        self.counter.setTextFormat(Qt.TextFormat.RichText)
        self.title = QLabel("Press “Next phase” to walk through one training step.")
        self.title.setObjectName("phaseTitle")
        self.title.setFont(big)
        self.equation = QLabel("")
        self.equation.setObjectName("phaseEquation")
        eq = QFont(self.font())
        eq.setPointSizeF(eq.pointSizeF() * 1.2)
        self.equation.setFont(eq)
        self.equation.setWordWrap(True)
        self.equation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel("")
        self.note.setStyleSheet("color:#5A3300;")
        self.note.setWordWrap(True)
        # the note keeps its room (two lines) when empty: a note coming and going must not
        # move the diagram and the arrays below it
        policy = self.note.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.note.setSizePolicy(policy)

        self.algorithm = QListWidget()
        self.algorithm.setObjectName("algorithm")
        self.algorithm.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.algorithm.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.algorithm.setWordWrap(True)
        # the three panes share a 1024-pixel-wide dock: the diagram and the algorithm
        # narrow (the algorithm wraps), the tabs keep their whole names
        self.algorithm.setMinimumWidth(ALGORITHM_MIN_WIDTH)
        # by pixels: a short pane then shows a step's update lines with the lines above them
        self.algorithm.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.algorithm_lines: dict[int, QListWidgetItem] = {}  # line number → its item
        self._algorithm_optimizer: str | None = None
        self._highlighted: tuple[int, ...] = ()
        self.set_algorithm("sgd")

        self.diagram = NetworkDiagram()
        self.diagram.setMinimumHeight(200)  # docked under the canvas on an 800-line screen
        self.diagram.setMinimumWidth(DIAGRAM_MIN_WIDTH)
        # its key in one line under the panes, not inside the picture: in a narrow dock the
        # painted key took five lines of the diagram's height, or was cut off
        self.diagram.show_legend = False
        self.diagram_key = QLabel(diagram_legend_html())
        self.diagram_key.setObjectName("diagramKey")
        self.diagram_key.setWordWrap(True)
        self.arrays = ArrayPanel()
        self.hover_label = QLabel("Hover a cell to read its value.")
        self.hover_label.setObjectName("hoverValue")
        arrays_tab = QWidget()
        al = QVBoxLayout(arrays_tab)
        al.setContentsMargins(0, 0, 0, 0)
        al.addWidget(self.arrays, 1)
        al.addWidget(self.hover_label)
        self.trace_view = TraceView()
        self.gradcheck = GradCheckView()
        self.tabs = QTabWidget()
        # never "Gra" for "Gradient check": the tab bar keeps every name whole, and the
        # panes beside it give way
        self.tabs.setUsesScrollButtons(False)
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        # the tabs' pages may get short (a docked inspector on a 720-line screen): their
        # tables and arrays scroll rather than hold the dock (and the window) taller
        for view in (self.arrays, self.trace_view.table, self.gradcheck.table):
            view.setMinimumHeight(TAB_VIEW_MIN_HEIGHT)
        self.tabs.addTab(arrays_tab, "Arrays")
        self.tabs.addTab(self.trace_view, "Trace a point")
        self.tabs.addTab(self.gradcheck, "Gradient check")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.diagram)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.algorithm)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([600, 800, 420])
        self.panes_moved = False  # the user dragged a pane's edge: their widths stay
        self.splitter.splitterMoved.connect(self._on_panes_moved)

        self.timeline = TimelineSlider()

        # one line each for the buttons (with where the step is) and the phase (title and
        # equation): the diagram, the arrays and the algorithm get the height below
        bar.addWidget(self.counter, 1)
        phase_row = QHBoxLayout()
        phase_row.addWidget(self.title)
        phase_row.addSpacing(16)
        phase_row.addWidget(self.equation, 1)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.setSpacing(4)
        lay.addLayout(bar)
        lay.addLayout(phase_row)
        lay.addWidget(self.note)
        lay.addWidget(self.splitter, 1)
        lay.addWidget(self.diagram_key)
        lay.addWidget(self.timeline)
        self._fit_header()

        self.next_button.clicked.connect(self.next_phase)
        self.prev_button.clicked.connect(self.previous_phase)
        self.finish_button.clicked.connect(self.finish_step)
        self.batch_combo.currentIndexChanged.connect(self._on_batch_mode)
        self.point_spin.valueChanged.connect(self._on_point_spin)
        self.arrays.hovered.connect(self._on_hover)
        self.gradcheck.button.clicked.connect(self.check_gradients)
        self.gradcheck.cancel_button.clicked.connect(self.cancel_gradient_check)
        self.timeline.rewindRequested.connect(self.rewind)
        self.trace_view.unitChanged.connect(lambda ell, j: self.diagram.set_selected((ell, j - 1)))

    def _build_actions(self) -> None:
        def act(text, keys, slot):
            a = QAction(text, self)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        self.next_action = act("Next phase", NEXT_KEYS, self.next_phase)
        self.previous_action = act("Previous phase", PREVIOUS_KEYS, self.previous_phase)
        self.finish_action = act("Finish step", FINISH_KEYS, self.finish_step)

    # --- requests to the engine thread ---------------------------------------------------
    def _call(self, kind: str, fn, reads_only: bool = False) -> Request:
        """``fn`` on the run the panel shows (a comparison's focused run; else A)."""
        request = Request(fn, kind)
        self.controller.call_in_engine(
            request,
            reply=lambda r: self._on_reply(request, r),
            run=self.run,
            reads_only=reads_only,
        )
        return request

    def _shown(self):
        """The snapshot of the run shown, from the latest frame."""
        return self.frame.run_snapshot(self.run)

    def set_run(self, run: int, title: str | None, color: str = "#222222") -> None:
        """Show and walk run ``run`` of a comparison, named ``title`` (None: a single run,
        no name). A walk left half-way on the run shown before is dropped (between
        phases a run is parked at the start of its step, so nothing of it stays)."""
        run = int(run)
        show_run(self.diagram, self.run_label, run, title, color)
        if run == self.run:
            return
        old, d = self.run, self.driver
        # on the run the walk was on; if that run is gone its walk went with it
        self.controller.call_in_engine(Request(d.reset, "walk"), reply=None, run=old)
        self.run = run
        self.cancel_gradient_check()
        self.state = None
        self._walk_moves.clear()
        self._shown_maps = None
        self._show_state()
        if self.isVisible():
            self._want_maps(True)
            if self.frame is not None:
                self.on_frame(self.frame)
        self._request_summary(force=True)

    def _call_walk(self, fn) -> None:
        """A phase move; until its reply the walk counts as open (a second press of the
        clicker before the first reply must walk too, not step)."""
        self._walk_moves.add(self._call("walk", fn))

    def _batch_point(self) -> int | None:
        return self.picked if self.batch_combo.currentData() == "point" else None

    @Slot()
    def next_phase(self) -> None:
        self._walk_forward(self.driver.next)

    @Slot()
    def previous_phase(self) -> None:
        self.controller.set_running(False)
        self._call_walk(self.driver.previous)

    def walk_back(self) -> None:
        """The clicker's back key: the previous phase, or, before the first phase (or with
        no step walked), a note on how to go further back."""
        st = self.state
        if not self._walk_moves and (st is None or st.n_phases == 0 or st.position < 0):
            where = (
                f"The start of step {st.start_step + 1}: PageDown walks it"
                if st is not None and st.n_phases
                else "No step is being walked: PageDown walks the next one"
            )
            self._say(f"{where}; close the inspector (I) to go back whole steps.")
            return
        self.previous_phase()

    def show_walk(self, state: WalkState | None) -> None:
        """Show a walk another driver made (a lecture's walk beats), as if walked here."""
        self.state = state
        self._walk_arch = self._shown().arch if self.frame is not None else None
        self._show_state()

    @Slot()
    def finish_step(self) -> None:
        self._walk_forward(self.driver.finish)

    def _walk_forward(self, move) -> None:
        """Pause training and run ``move(session, point)`` (next or finish) in the engine."""
        point = self._batch_point()
        if self.batch_combo.currentData() == "point" and point is None:
            self._say("Pick a training point first (pick tool, or the point number).")
            return
        self.controller.set_running(False)
        self._call_walk(lambda s: move(s, point))

    def abandon_walk(self) -> None:
        """Undo a half-done walk (if any) so the session is where it was."""
        d = self.driver
        self._call("walk", d.reset)

    @Slot()
    def check_gradients(self) -> None:
        """Run the check as a ``Job``: in slices, with progress, cancellable. Long jobs
        run on run A: in a comparison the check is refused while another run is shown."""
        if self.run != 0:
            self.gradcheck.set_error(
                "The gradient check runs on run A: Ctrl+Tab to A to check its gradients."
            )
            self._say("The gradient check runs on run A only: Ctrl+Tab to A first.")
            return
        self.cancel_gradient_check()
        self._gradcheck_step = self._shown().step if self.frame is not None else None
        self.gradcheck.set_running()
        d, point = self.driver, self._batch_point()
        job = Job(lambda s: check_gradients_steps(s, d, point), "gradcheck")
        self._gradcheck_job = job
        self.controller.run_job(
            job,
            reply=lambda r: self._on_reply(job, r),
            progress=lambda done, total: self._on_job_progress(job, done, total),
        )

    @Slot()
    def cancel_gradient_check(self) -> None:
        if self._gradcheck_job is not None:
            self._gradcheck_job.cancel()

    def _on_job_progress(self, job: Job, done: int, total: int) -> None:
        if job is self._gradcheck_job:
            self.gradcheck.set_progress(done, total)

    @Slot(int)
    def rewind(self, step: int) -> None:
        if self._rewind_busy:
            self._rewind_next = step
            return
        self._rewind_busy = True
        self.controller.set_running(False)
        d = self.driver
        self._call("rewind", lambda s: d.rewind(s, step))

    @Slot(int)
    def set_picked_point(self, index: int) -> None:
        """A dataset index (the canvas's ``pointPicked``); traces it."""
        self.picked = int(index) if index is not None and index >= 0 else None
        if self.point_spin.value() != (index if self.picked is not None else -1):
            self.point_spin.blockSignals(True)
            self.point_spin.setValue(self.picked if self.picked is not None else -1)
            self.point_spin.blockSignals(False)
        if self.picked is not None:
            self.tabs.setCurrentWidget(self.trace_view)
        self._request_summary(force=True)

    def _request_summary(self, force: bool = False) -> None:
        if self._summary_busy:
            self._summary_again = True
            return
        self._summary_busy = True
        # a partial of a module-level function: it pickles, so while Play's steps run in
        # the engine process the summary is made there (commands.Call.reads_only)
        self._call("summary", partial(summarize, point=self.picked), reads_only=True)

    # --- replies ---------------------------------------------------------------------------
    def _on_reply(self, fn: Request, result) -> None:
        kind = fn.kind
        self._walk_moves.discard(fn)
        if kind == "gradcheck":
            if fn is not self._gradcheck_job:
                return  # an older check, replaced by a newer one
            self._gradcheck_job = None
            if isinstance(result, Cancelled):
                result = Cancelled("Gradient check cancelled.")
                # no results are shown, so none can go stale: a later step must not turn
                # "cancelled" into "the parameters changed" (a flaky test found it)
                self._gradcheck_step = None
        if kind == "summary":
            self._summary_busy = False
            if self._summary_again:
                self._summary_again = False
                self._request_summary()
        elif kind == "rewind":
            self._rewind_busy = False
            if self._rewind_next is not None:
                step, self._rewind_next = self._rewind_next, None
                self.rewind(step)
        if isinstance(result, Failure):
            if kind == "gradcheck":
                self.gradcheck.set_error(result.message)
            self._say(result.message)
            return
        if kind == "walk":
            self.state = result
            self._walk_arch = self._shown().arch if self.frame is not None else None
            self._show_state()
            self.walkChanged.emit(result)
        elif kind == "summary":
            self._show_summary(result)
        elif kind == "gradcheck":
            self.gradcheck.set_result(result)
        elif kind == "rewind":
            kept, state, timeline = result
            self.state = state
            self._walk_arch = self._shown().arch if self.frame is not None else None
            self._show_state()
            self.timeline.set_summary(timeline)
            self._say(f"Rewound to step {kept:,}: training goes on from there.")
            self._rewound_to = kept

    # --- frames ----------------------------------------------------------------------------
    @Slot(object)
    def on_frame(self, frame) -> None:
        self.frame = frame
        snap = frame.run_snapshot(self.run)
        self._end_rewind_note(snap.step)
        self.clear_gradcheck_if_stale(snap.step)
        if not self.isVisible():  # a hidden dock: catch up when shown
            self._stale = True
            return
        self._stale = False
        arch = snap.arch
        self.set_algorithm(snap.hyper.optimizer)
        self.diagram.set_network(arch.widths, arch.activations, arch.head, snap.spec.features)
        ds = snap.dataset
        st = self.state
        if st is not None and st.n_phases and (snap.step > st.step or arch != self._walk_arch):
            # training (or a new network) moved on: the shown phase is history
            self.state = None
            self._show_state()
            self._set_note("The session moved on: “Next phase” walks the next step.")
        self.diagram.input_dim = ds.input_dim
        self.diagram.set_weights(list(snap.params.W))
        maps = frame.maps.get(MAPS)
        if maps is not None and maps is not self._shown_maps:
            self._shown_maps = maps
            self.diagram.set_maps(maps.hidden, maps.output)
        self.point_spin.setMaximum(max(0, len(ds) - 1))
        if self.picked is not None and self.picked >= len(ds):
            self.set_picked_point(-1)
        key = (snap.revision, snap.hyper)
        now = time.monotonic()
        # while training, a summary (unit health over the data, the trace) at most
        # SUMMARY_SECONDS apart: the dead/saturated marks need no frame rate; the last
        # frame of a run always gets one
        if key != self._summary_key and (
            not frame.running or now - self._summary_at >= SUMMARY_SECONDS
        ):
            self._summary_key = key
            self._summary_at = now
            self._request_summary()

    def _want_maps(self, on: bool) -> None:
        """The unit maps come with the frames while the panel is shown: computed in the
        engine thread over the data's square [−6, 6]², whatever the canvas shows (the
        frame's grid follows the canvas's view, and may be a hovered unit's map), at most
        every MAPS_SECONDS while training (the diagram redraws no faster)."""
        self.controller.set_unit_maps(MAPS, on, extent=DOMAIN, every=MAPS_SECONDS, run=self.run)

    @guarded
    def showEvent(self, ev) -> None:  # noqa: N802
        super().showEvent(ev)
        self._want_maps(True)
        if self._stale and self.frame is not None:
            self.on_frame(self.frame)

    @guarded
    def hideEvent(self, ev) -> None:  # noqa: N802
        super().hideEvent(ev)
        self._want_maps(False)

    # --- drawing ---------------------------------------------------------------------------
    def _show_state(self) -> None:
        st = self.state
        running_walk = st is not None and st.n_phases > 0
        self.prev_button.setEnabled(running_walk and st.position >= 0)
        self.previous_action.setEnabled(self.prev_button.isEnabled())
        if st is None or st.phase is None:
            self.title.setText(
                "Press “Next phase” (N) to walk through one training step."
                if st is None or st.n_phases == 0
                else f"Before step {st.start_step + 1}: the session as it was."
            )
            self.equation.setText("")
            self.counter.setText(self._counter_html(st))
            self.arrays.set_arrays({})
            self._highlight_lines(())
            self.diagram.set_focus(None)
            self.diagram.set_delta({})
            self._set_note(st.note if st is not None else "")
            return
        ph = st.phase
        self.title.setText(ph.title)
        self.equation.setText(ph.equation)
        self.counter.setText(self._counter_html(st))
        self._set_note(st.note)
        self.arrays.set_arrays(ph.shown)
        self._highlight_lines(ph.lines)
        focus = 0 if ph.kind == "batch" else ph.layer
        self.diagram.set_focus(focus, ph.kind)
        self.diagram.set_delta(st.delta)
        self.next_button.setText("Next step ▶" if st.done else "Next phase ▶")

    def _counter_html(self, st: WalkState | None) -> str:
        if st is None or not st.names:
            return ""
        parts = []
        for i, name in enumerate(st.names):
            if i == st.position:
                parts.append(
                    f"<span style='background:#FFD666; font-weight:bold'>&nbsp;{name}&nbsp;</span>"
                )
            elif i < st.position:
                parts.append(f"<span style='color:#222'>{name}</span>")
            else:
                parts.append(f"<span style='color:#999'>{name}</span>")
        where = f"phase {st.position + 1} of {st.n_phases}" if st.position >= 0 else "not started"
        return f"<b>Step {st.start_step + 1}, {where}:</b>&nbsp; " + " › ".join(parts)

    def set_algorithm(self, optimizer: str) -> None:
        """Print the algorithm of a step under ``optimizer`` (its own update lines)."""
        if optimizer == self._algorithm_optimizer:
            return
        self._algorithm_optimizer = optimizer
        a = algorithm(optimizer)
        pane = self.algorithm
        pane.clear()
        pane.addItem(QListWidgetItem(a.title))
        pane.addItem(QListWidgetItem(a.objective))
        self.algorithm_lines = {}
        for (number, _), text in zip(a.lines, a.numbered()):
            item = QListWidgetItem(text)
            pane.addItem(item)
            self.algorithm_lines[number] = item
        self._highlight_lines(self._highlighted)

    def _highlight_lines(self, lines: tuple[int, ...]) -> None:
        self._highlighted = tuple(lines)
        plain, bold = QFont(self.font()), QFont(self.font())
        bold.setBold(True)
        self.algorithm.item(0).setFont(bold)
        for number, item in self.algorithm_lines.items():
            on = number in self._highlighted
            item.setBackground(QBrush(QColor("#FFD666") if on else QColor(0, 0, 0, 0)))
            item.setFont(bold if on else plain)
        # scrolled once the list has laid out the lines' new fonts (a bold line can wrap)
        QTimer.singleShot(0, self, self._scroll_to_highlight)

    def _scroll_to_highlight(self) -> None:
        """The highlighted lines in view: all of them if they fit, else the first."""
        pane = self.algorithm
        shown = [self.algorithm_lines[n] for n in self._highlighted if n in self.algorithm_lines]
        if not shown:
            return
        pane.scrollToItem(shown[-1], QAbstractItemView.ScrollHint.EnsureVisible)
        first = pane.visualItemRect(shown[0])
        if not pane.viewport().rect().contains(first):
            pane.scrollToItem(shown[0], QAbstractItemView.ScrollHint.PositionAtTop)

    def _show_summary(self, summary: Summary) -> None:
        self.summary = summary
        self.timeline.set_summary(summary.timeline)
        dead = {h.layer: h.dead for h in summary.health}
        sat = {h.layer: h.saturated for h in summary.health}
        self.diagram.set_health(dead, sat)
        if summary.trace is not None:
            head = self._shown().arch.head if self.frame is not None else "bernoulli"
            self.trace_view.set_trace(summary.trace, head)
            self.diagram.set_marker(summary.trace.point, DOMAIN)  # the thumbnails' square
        else:
            if summary.trace_error:
                self.trace_view.clear(summary.trace_error)
            self.diagram.set_marker(None, self.diagram.extent)
            self.diagram.set_selected(None)

    def _say(self, text: str) -> None:
        self._rewound_to = None
        self._set_note(text)
        self.message.emit(text)

    def _end_rewind_note(self, step: int) -> None:
        """ "Rewound to step k" holds while the run is at step k, and goes after."""
        if self._rewound_to is None or step == self._rewound_to:
            return
        self._rewound_to = None
        text = self.note.text()
        if text.startswith("Rewound to step"):
            self._set_note("")
            self.messageEnded.emit(text)

    def _set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _fit_header(self) -> None:
        """The phase title (1.3×, bold) and equation (1.2×) follow the panel's type."""
        base = self.font()
        title, eq = QFont(base), QFont(base)
        title.setPointSizeF(base.pointSizeF() * 1.3)
        title.setBold(True)
        eq.setPointSizeF(base.pointSizeF() * 1.2)
        self.title.setFont(title)
        self.equation.setFont(eq)
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 2 + 4)
        self._highlight_lines(self._highlighted)  # the algorithm's lines in the new type

    @guarded
    def changeEvent(self, ev) -> None:  # noqa: N802
        super().changeEvent(ev)
        if ev.type() == QEvent.Type.FontChange and hasattr(self, "note"):
            self._fit_header()

    def clear_gradcheck_if_stale(self, step: int) -> None:
        """Gradient-check results describe one step's θ: stepping on makes them history."""
        if self._gradcheck_job is not None:
            return  # a check still running is about θ at its start; it says so when done
        if self._gradcheck_step is not None and step != self._gradcheck_step:
            self._gradcheck_step = None
            self.gradcheck.clear()

    # --- layout ------------------------------------------------------------------------------
    def _on_panes_moved(self, *_args) -> None:
        if not getattr(self, "_sharing", False):
            self.panes_moved = True

    def share_panes(self) -> None:
        """The diagram, the tabs and the algorithm at about 35 : 40 : 25 of the width (the
        algorithm wraps; it took as much as the diagram on a 1024-pixel screen), unless
        the user has set the widths by hand."""
        if self.panes_moved:
            return
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        least = [max(p.minimumWidth(), p.minimumSizeHint().width()) for p in self.panes()]
        # the diagram first (up to its share), the tabs at least whole, the rest to the
        # algorithm, which wraps
        diagram = max(least[0], min(int(total * PANE_SHARES[0]), total - least[1] - least[2]))
        tabs = max(least[1], min(int(total * PANE_SHARES[1]), total - diagram - least[2]))
        self._sharing = True
        try:
            self.splitter.setSizes([diagram, tabs, max(least[2], total - diagram - tabs)])
        finally:
            self._sharing = False

    def panes(self) -> list[QWidget]:
        return [self.splitter.widget(i) for i in range(self.splitter.count())]

    # --- small slots -------------------------------------------------------------------------
    def _on_hover(self, text: str) -> None:
        self.hover_label.setText(text or "Hover a cell to read its value.")

    def _on_point_spin(self, value: int) -> None:
        self.set_picked_point(value)

    def _on_batch_mode(self, _i: int) -> None:
        # a walk on the other kind of batch is undone; the next press starts afresh
        if self.state is not None and self.state.position >= 0 and not self.state.done:
            self.abandon_walk()
