"""The main window: the canvas over decision regions, the control panels, the live plots.

The window owns the GUI-side state (the canvas dataset, the panels' spec and
hyper-parameters) and forwards immutable copies to the engine thread through
``EngineController``; it draws whatever frame the engine thread last published. It never
runs a training step and never waits on the engine thread (except when closing).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import PRESETS, load_points_csv
from backprop_lab.engine.scenario import (
    load_scenario,
    save_scenario,
    scenario_from_session,
    session_from_scenario,
)
from backprop_lab.resources import list_lessons, load_lesson
from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QActionGroup, QFont, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .canvas import DataCanvas
from .colors import CLASS_HEX, binary_rgba, multiclass_rgba, regression_rgba
from .inspector import InspectorPanel
from .panels import DataPanel, NetworkPanel, TrainingPanel
from .plots import TrainingPlots
from .worker import EngineController, Frame

DEFAULT_PRESET = "xor"
# TF Playground's default shape is [4, 2] tanh; two layers of 4 learn XOR in a few hundred
# steps of plain SGD, which makes a good first demo.
DEFAULT_SPEC = NetworkSpec(hidden=(4, 4), activation="tanh")
DEFAULT_HYPER = HyperParameters(alpha=0.1, batch_size=16)
DEFAULT_SIZE = (1280, 800)
PLOT_EVERY = 2  # while training, one plot is redrawn every PLOT_EVERY frames
PRESENTATION_SCALE = 1.5
INSPECTOR_SHARE = 0.6  # of the window's height, when the inspector dock opens
BANNER_STYLES = {
    "info": "background:#E8F1FA; color:#0B3050; border:1px solid #0072B2;",
    "warning": "background:#FFF1DA; color:#5A3300; border:2px solid #E69F00;",
    "error": "background:#FBE3DA; color:#5A1800; border:2px solid #D55E00;",
}


def regression_levels(ds: Dataset) -> tuple[float, float]:
    """Fixed colour levels for a 2-D regression map: the targets' range, symmetric if it
    straddles 0 (so 0 is the neutral colour), never empty."""
    if len(ds) == 0:
        return (-1.0, 1.0)
    lo, hi = float(np.min(ds.y)), float(np.max(ds.y))
    if lo < 0 < hi:
        m = max(-lo, hi)
        return (-m, m)
    if hi - lo < 1e-9:
        return (lo - 1.0, hi + 1.0)
    return (lo, hi)


def status_text(frame: Frame) -> str:
    s = frame.snapshot
    last = s.last

    def num(v, fmt):
        return "–" if v is None or not math.isfinite(v) else format(v, fmt)

    parts = [f"step {s.step:,}", f"epoch {s.epoch:.2f}"]
    parts.append(f"loss train {num(last.get('train_loss'), '.4f')}")
    parts.append(f"test {num(last.get('test_loss'), '.4f')}")
    if s.dataset.task == "classification":
        tr, te = last.get("train_acc"), last.get("test_acc")
        parts.append(
            f"accuracy train {num(tr * 100 if tr is not None else None, '.1f')}%"
            f"  test {num(te * 100 if te is not None else None, '.1f')}%"
        )
    parts.append(f"{frame.steps_per_second:,.0f} steps/s")
    return "   ·   ".join(parts)


class StatusText(QWidget):
    """One line of text that repaints itself without asking for a new layout.

    A QLabel whose text changes width on every frame re-lays out the whole main window
    (and repaints it) each time; this widget only repaints its own rectangle.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._text = text
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance("x" * 60), fm.height() + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(10, self.fontMetrics().height() + 4)

    def changeEvent(self, ev) -> None:
        super().changeEvent(ev)
        if ev.type() == QEvent.Type.FontChange:
            self.updateGeometry()

    def paintEvent(self, ev) -> None:
        p = QPainter(self)
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        p.drawText(self.rect().adjusted(2, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter, self._text)
        p.end()


class Banner(QFrame):
    """A visible, dismissable message above the canvas (divergence, errors, notices)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(close)
        self.kind = ""
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        self.kind = kind
        self.setStyleSheet(f"Banner {{{BANNER_STYLES[kind]} border-radius:4px;}}")
        self.label.setText(text)
        self.show()

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


def _lesson_title(name: str) -> str:
    try:
        return load_lesson(name).title or name
    except ValueError:
        return name


class MainWindow(QMainWindow):
    def __init__(
        self,
        preset: str = DEFAULT_PRESET,
        font_scale: float = 1.0,
        session: TrainingSession | None = None,
    ):
        super().__init__()
        self.setWindowTitle("Backprop Lab")
        self._base_font = QFont(QApplication.font())
        self.font_scale = 1.0
        self.frames_drawn = 0
        self.latest: Frame | None = None
        self._crisp = False
        self._plot_turn = 0

        # --- panels and the initial session ----------------------------------------------
        self.data_panel = DataPanel()
        self.network_panel = NetworkPanel(DEFAULT_SPEC)
        self.training_panel = TrainingPanel(DEFAULT_HYPER)
        if session is None:
            if preset not in PRESETS:
                raise ValueError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
            self.data_panel.set_preset(preset, emit=False)
            ds = self.data_panel.make_dataset()
            self.network_panel.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
            session = TrainingSession(
                ds, self.network_panel.spec(), self.training_panel.hyper(), seed=0
            )
        else:
            self._show_session_in_panels(session)
        self.training_panel.set_n_train(session.n_train)

        self.canvas = DataCanvas(dataset=session.dataset)
        self.plots = TrainingPlots()
        self.banner = Banner()
        self.controller = EngineController(session)
        self.controller.gate_frames = True
        self._build_layout()
        self._build_actions()
        self._connect()
        self._build_inspector()
        self._refresh_canvas_mode(session.dataset)
        self.set_font_scale(font_scale)
        self.resize(*DEFAULT_SIZE)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if self._sized:
            self.fit_splitter()

    # --- layout ---------------------------------------------------------------------------
    def _build_layout(self) -> None:
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(4, 4, 4, 4)
        for p in (self.data_panel, self.network_panel, self.training_panel):
            lv.addWidget(p)
        lv.addStretch(1)
        self.controls_scroll = QScrollArea()
        self.controls_scroll.setWidget(left)
        self.controls_scroll.setWidgetResizable(True)
        self.controls_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.controls_scroll.setFrameShape(QFrame.Shape.NoFrame)

        centre = QWidget()
        cv = QVBoxLayout(centre)
        cv.setContentsMargins(4, 4, 4, 4)
        cv.setSpacing(4)
        cv.addWidget(self.banner)
        cv.addLayout(self._build_canvas_bar())
        cv.addWidget(self.canvas, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.controls_scroll)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.plots)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self._sized = False

        self.status_label = StatusText("ready")
        self.statusBar().addPermanentWidget(self.status_label, 1)

    def _build_canvas_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.tool_buttons: dict[str, QPushButton] = {}
        for name, label, tip in (
            ("draw", "Draw", "Click or drag to add points; right-click erases"),
            ("erase", "Erase", "Click or drag to remove points"),
            ("pan", "Pan", "Drag to move, wheel to zoom"),
            ("pick", "Pick", "Click a point to trace it in the backprop inspector"),
        ):
            b = QPushButton(label)
            b.setCheckable(True)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _c=False, n=name: self._set_tool(n))
            self.tool_buttons[name] = b
            bar.addWidget(b)
        self.tool_buttons["draw"].setChecked(True)
        self.class_label = QLabel("Class")
        self.class_label.setToolTip("The class of new points (keys 1–8 on the canvas)")
        self.class_combo = QComboBox()
        for k in range(len(CLASS_HEX)):
            self.class_combo.addItem(f"● {k + 1}", k)
            self.class_combo.setItemData(k, CLASS_HEX[k], Qt.ItemDataRole.ForegroundRole)
        self.value_label = QLabel("Value")
        self.value_spin = QDoubleSpinBox()
        self.value_spin.setRange(-10.0, 10.0)
        self.value_spin.setSingleStep(0.1)
        self.value_spin.setValue(1.0)
        self.value_spin.setToolTip("Target of new points (2-D regression)")
        self.test_box = QCheckBox("as test")
        self.test_box.setToolTip("New points are test points (not trained on)")
        self.crisp_box = QCheckBox("crisp")
        self.crisp_box.setToolTip("Draw the decision boundary as a sharp line")
        for w in (self.class_label, self.class_combo, self.value_label, self.value_spin):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.test_box)
        bar.addWidget(self.crisp_box)
        return bar

    def _build_actions(self) -> None:
        mb = self.menuBar()

        def act(menu, text, slot, shortcuts=(), checkable=False, tip=""):
            a = QAction(text, self)
            if shortcuts:
                a.setShortcuts([QKeySequence(s) for s in shortcuts])
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.setCheckable(checkable)
            if tip:
                a.setStatusTip(tip)
            a.triggered.connect(slot)
            menu.addAction(a)
            self.addAction(a)
            return a

        f = mb.addMenu("&File")
        self.open_action = act(f, "Open lesson…", self._open_lesson_dialog, ["Ctrl+O"])
        lessons = f.addMenu("Built-in lessons")
        self.lesson_actions = {}
        for name in list_lessons():
            title = _lesson_title(name)
            a = lessons.addAction(title)
            a.triggered.connect(lambda _c=False, n=name: self.open_lesson(n))
            self.lesson_actions[name] = a
        self.save_action = act(f, "Save lesson…", self._save_lesson_dialog, ["Ctrl+S"])
        f.addSeparator()
        self.import_action = act(f, "Import CSV…", self._import_csv_dialog, ["Ctrl+I"])
        self.export_action = act(f, "Export image…", self._export_image_dialog, ["Ctrl+E"])
        f.addSeparator()
        act(f, "Quit", self.close, ["Ctrl+Q"])

        e = mb.addMenu("&Edit")
        e.addAction(self.canvas.undo_action)
        e.addAction(self.canvas.redo_action)
        e.addSeparator()
        act(e, "Clear points", self.canvas.clear_points)

        t = mb.addMenu("&Train")
        self.play_action = act(t, "Play / pause", self.toggle_play, ["Space"])
        self.step_action = act(t, "Step 1", lambda: self._step(1), ["Right", "PgDown"])
        self.step10_action = act(t, "Step 10", lambda: self._step(10), ["Shift+Right"])
        self.epoch_action = act(t, "One epoch", self._epoch, ["Ctrl+Right"])
        # a presenter clicker sends PageDown / PageUp: forward one step, back one step
        self.back_action = act(t, "Back one step (rewind)", self._back_one, ["Left", "PgUp"])
        self.reset_action = act(t, "Reset parameters", self._reset, ["R"])

        v = mb.addMenu("&View")
        self.presentation_action = act(
            v, "Presentation mode", self._toggle_presentation, ["F5"], checkable=True
        )
        act(
            v,
            "Larger font",
            lambda: self.set_font_scale(self.font_scale * 1.15),
            ["Ctrl+=", "Ctrl++"],
        )
        act(v, "Smaller font", lambda: self.set_font_scale(self.font_scale / 1.15), ["Ctrl+-"])
        act(v, "Normal font", lambda: self.set_font_scale(1.0), ["Ctrl+0"])
        self.fullscreen_action = act(v, "Full screen", self._toggle_fullscreen, ["F11"], True)
        v.addSeparator()
        act(v, "Reset canvas view", self.canvas.reset_view, ["Home"])
        group = QActionGroup(self)
        for name, key in (("draw", "D"), ("erase", "E"), ("pan", "P"), ("pick", "K")):
            a = act(v, f"Tool: {name}", lambda _c=False, n=name: self._set_tool(n), [key], True)
            group.addAction(a)

    def _build_inspector(self) -> None:
        """The backprop inspector (gui/inspector.py) in a dock, hidden until asked for;
        its phase keys work from the whole window and open it."""
        self.inspector = InspectorPanel(self.controller)
        dock = QDockWidget("Backprop inspector", self)
        dock.setObjectName("inspectorDock")
        dock.setWidget(self.inspector)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.hide()
        self.inspector_dock = dock
        dock.visibilityChanged.connect(self._size_inspector)
        toggle = dock.toggleViewAction()
        toggle.setText("Backprop inspector")
        toggle.setShortcut(QKeySequence("I"))
        toggle.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(toggle)
        self.inspector_action = toggle
        menu = self.menuBar().addMenu("&Inspect")
        menu.addAction(toggle)
        menu.addSeparator()
        ins = self.inspector
        for a in (ins.next_action, ins.previous_action, ins.finish_action):
            a.triggered.connect(dock.show)
            menu.addAction(a)
        menu.addSeparator()
        pick = QAction("Pick a point to trace", self)
        pick.triggered.connect(lambda: self._set_tool("pick"))
        menu.addAction(pick)
        self.canvas.pointPicked.connect(ins.set_picked_point)
        self.canvas.pointPicked.connect(dock.show)
        ins.message.connect(lambda text: self.statusBar().showMessage(text, 5000))

    def _size_inspector(self, visible: bool) -> None:
        """An opened inspector takes 60 % of the window's height (the canvas stays)."""
        dock = self.inspector_dock
        if visible and not dock.isFloating():
            h = int(self.height() * INSPECTOR_SHARE)
            QTimer.singleShot(0, lambda: self.resizeDocks([dock], [h], Qt.Orientation.Vertical))

    def _connect(self) -> None:
        c = self.controller
        c.frameReady.connect(self._on_frame)
        c.runningChanged.connect(self._on_running)
        c.diverged.connect(self._on_diverged)
        c.errorOccurred.connect(self._on_error)
        c.message.connect(self._on_message)
        c.callDone.connect(self._on_call_done)

        dp, np_, tp = self.data_panel, self.network_panel, self.training_panel
        dp.datasetRequested.connect(self._on_new_dataset)
        dp.importCsvRequested.connect(self._import_csv_dialog)
        dp.clearRequested.connect(self.canvas.clear_points)
        np_.specChanged.connect(self._on_spec)
        tp.hyperChanged.connect(c.set_hyper)
        tp.seedChanged.connect(self._on_seed)
        tp.playToggled.connect(self._on_play_toggled)
        tp.stepRequested.connect(self._step)
        tp.epochRequested.connect(self._epoch)
        tp.resetRequested.connect(self._reset)
        tp.speedChanged.connect(c.set_speed)

        self.canvas.datasetEdited.connect(self._on_canvas_edit)
        self.canvas.classChanged.connect(self._on_class_changed)
        self.class_combo.currentIndexChanged.connect(
            lambda i: self.canvas.set_current_class(self.class_combo.itemData(i))
        )
        self.value_spin.valueChanged.connect(self.canvas.set_regression_value)
        self.test_box.toggled.connect(self.canvas.set_new_points_are_test)
        self.crisp_box.toggled.connect(self._on_crisp)

    # --- data -----------------------------------------------------------------------------
    @Slot(object)
    def _on_new_dataset(self, ds: Dataset) -> None:
        """A preset (or regenerate): replaces the canvas data and its undo history."""
        self.canvas.set_dataset(ds, reset_history=True)
        self._apply_dataset(ds)

    @Slot(object)
    def _on_canvas_edit(self, ds: Dataset) -> None:
        self._apply_dataset(ds)

    def _apply_dataset(self, ds: Dataset) -> None:
        features_changed = self.network_panel.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
        self.controller.set_dataset(ds)
        if features_changed:
            self.controller.set_network(self.network_panel.spec())
        self.training_panel.set_n_train(int(np.count_nonzero(~ds.is_test)))
        self._refresh_canvas_mode(ds)
        if self.banner.kind == "info" and len(ds):
            self.banner.hide()

    def _refresh_canvas_mode(self, ds: Dataset) -> None:
        classification = ds.task == "classification"
        surface = ds.task == "regression" and ds.input_dim == 2
        for w in (self.class_label, self.class_combo):
            w.setVisible(classification)
        for w in (self.value_label, self.value_spin):
            w.setVisible(surface)
        self.crisp_box.setVisible(classification)
        if surface:
            self.canvas.set_regression_levels(regression_levels(ds))
        if ds.task != "classification" or ds.input_dim != 2:
            self.canvas.set_decision_image(None)
        if not (ds.task == "regression" and ds.input_dim == 1):
            self.canvas.set_curve(None)

    @Slot(int)
    def _on_class_changed(self, k: int) -> None:
        self.class_combo.blockSignals(True)
        self.class_combo.setCurrentIndex(k)
        self.class_combo.blockSignals(False)

    def _set_tool(self, name: str) -> None:
        self.canvas.set_tool(name)
        for n, b in self.tool_buttons.items():
            b.setChecked(n == name)

    # --- network and training -------------------------------------------------------------
    @Slot(object)
    def _on_spec(self, spec) -> None:
        self.controller.set_network(spec)
        self._hide_problem_banner()

    @Slot(int)
    def _on_seed(self, seed: int) -> None:
        self.controller.set_seed(seed)
        self._hide_problem_banner()

    @Slot(bool)
    def _on_play_toggled(self, play: bool) -> None:
        if play and not np.count_nonzero(~self.canvas.dataset.is_test):
            self.training_panel.set_playing(False)
            self._on_message(
                "There are no training points: draw some on the canvas or load a preset."
            )
            return
        self.controller.set_running(play)

    def toggle_play(self) -> None:
        self._on_play_toggled(not self.controller.running)

    def play(self) -> None:
        self._on_play_toggled(True)

    def pause(self) -> None:
        self.controller.set_running(False)

    def _step(self, n: int) -> None:
        self.training_panel.set_playing(False)
        self.controller.step(n)

    def _back_one(self) -> None:
        """Rewind to the kept step just before the one shown (the timeline keeps every step
        early in a run, then fewer and fewer: see the inspector's rewind bar)."""
        if self.latest is not None:
            self.training_panel.set_playing(False)
            self.inspector.rewind(max(0, self.latest.snapshot.step - 1))

    def _epoch(self) -> None:
        self.training_panel.set_playing(False)
        self.controller.step_epoch()

    def _reset(self) -> None:
        self.controller.reset_parameters()
        self._hide_problem_banner()

    def _hide_problem_banner(self) -> None:
        if self.banner.kind in ("warning", "error"):
            self.banner.hide()

    # --- engine → window ------------------------------------------------------------------
    @Slot(object)
    def _on_frame(self, frame: Frame) -> None:
        self.latest = frame
        snap = frame.snapshot
        ds = snap.dataset
        grid = frame.grid
        if grid is not None:
            if ds.task == "classification":
                if grid.ndim == 2:
                    rgba = binary_rgba(grid, crisp=self._crisp)
                else:
                    rgba = multiclass_rgba(grid, crisp=self._crisp)
                self.canvas.set_decision_image(rgba, frame.extent)
            elif ds.input_dim == 1:
                self.canvas.set_curve(frame.grid_x, np.asarray(grid, dtype=np.float64))
            else:
                lo, hi = regression_levels(ds)
                self.canvas.set_decision_image(regression_rgba(grid, lo, hi), frame.extent)
        if frame.running:
            # one plot per frame, in turn: axes and curves cost more than the canvas image,
            # and spreading them keeps every frame short
            parts = TrainingPlots.PARTS
            self._plot_turn = (self._plot_turn + 1) % (PLOT_EVERY * len(parts))
            if self._plot_turn % PLOT_EVERY == 0:
                self.plots.update_snapshot(snap, (parts[self._plot_turn // PLOT_EVERY],))
        else:
            self.plots.update_snapshot(snap)
        text = status_text(frame)
        if snap.diverged:
            text = f"⚠ diverged   ·   {text}"
        self.status_label.setText(text)
        self.frames_drawn += 1

    @Slot(bool)
    def _on_running(self, running: bool) -> None:
        self.training_panel.set_playing(running)

    @Slot(str)
    def _on_diverged(self, msg: str) -> None:
        self.banner.show_message(f"⚠ {msg}", "warning")
        self.statusBar().showMessage(msg, 15000)

    @Slot(str)
    def _on_error(self, msg: str) -> None:
        text = f"The engine stopped with an error; the session is kept. {msg}"
        self.banner.show_message(text, "error")
        self.statusBar().showMessage(msg, 15000)

    @Slot(str)
    def _on_message(self, msg: str) -> None:
        self.banner.show_message(msg, "info")
        self.statusBar().showMessage(msg, 10000)

    def _on_crisp(self, on: bool) -> None:
        self._crisp = bool(on)
        if self.latest is not None:
            self._on_frame(self.latest)

    # --- files ----------------------------------------------------------------------------
    def _show_session_in_panels(self, session: TrainingSession) -> None:
        ds = session.dataset
        self.data_panel.show_dataset(ds)
        self.network_panel.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
        self.network_panel.set_spec(session.spec, emit=False)
        self.training_panel.set_hyper(session.hyper)
        self.training_panel.set_seed(session.seed)
        self.training_panel.set_n_train(session.n_train)

    def open_lesson(self, path: str | os.PathLike) -> bool:
        """Load a scenario file, or a packaged lesson by name (e.g. "xor"); on failure show
        why and leave the session unchanged."""
        try:
            if not os.path.exists(path) and os.fspath(path) in list_lessons():
                sc = load_lesson(os.fspath(path))
            else:
                sc = load_scenario(path)
            session = session_from_scenario(sc)
        except Exception as exc:  # noqa: BLE001 - any failure is reported, nothing changes
            self._load_failed(path, exc)
            return False
        self.controller.replace_session(session)
        self._show_session_in_panels(session)
        self.canvas.set_dataset(session.dataset, reset_history=True)
        self._refresh_canvas_mode(session.dataset)
        self.training_panel.set_playing(False)
        title = sc.title or os.path.basename(os.fspath(path))
        self.setWindowTitle(f"Backprop Lab — {title}")
        self.banner.hide()
        self.statusBar().showMessage(f"opened {os.fspath(path)}", 5000)
        return True

    def save_lesson(self, path: str | os.PathLike) -> None:
        """Capture the session in the engine thread, write the file in the GUI thread."""
        path = os.fspath(path)

        def capture(session: TrainingSession):
            return ("save", path, scenario_from_session(session))

        self.controller.call_in_engine(capture)

    @Slot(object)
    def _on_call_done(self, fn_result) -> None:
        _fn, result = fn_result
        if isinstance(result, tuple) and len(result) == 3 and result[0] == "save":
            _, path, sc = result
            try:
                save_scenario(path, sc)
            except Exception as exc:  # noqa: BLE001
                self.banner.show_message(f"Could not save {path}: {exc}", "error")
                return
            self.statusBar().showMessage(f"saved {path}", 5000)

    def import_csv(self, path: str | os.PathLike) -> bool:
        try:
            ds = load_points_csv(Path(path))
        except Exception as exc:  # noqa: BLE001
            self._load_failed(path, exc)
            return False
        self.canvas.set_dataset(ds, reset_history=False)
        self.data_panel.show_dataset(ds)
        self._apply_dataset(ds)
        self.statusBar().showMessage(f"imported {len(ds)} points from {os.fspath(path)}", 5000)
        return True

    def export_image(self, path: str | os.PathLike) -> bool:
        ok = self.centralWidget().grab().save(os.fspath(path))
        if not ok:
            self.banner.show_message(f"Could not write the image {os.fspath(path)}", "error")
        return bool(ok)

    def _load_failed(self, path, exc: BaseException) -> None:
        name = os.path.basename(os.fspath(path))
        msg = f"Could not load {name}: {exc}. The open session is unchanged."
        self.banner.show_message(msg, "error")
        self.statusBar().showMessage(msg, 15000)

    def _open_lesson_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open lesson", "", "Lessons (*.json);;All files (*)"
        )
        if path:
            self.open_lesson(path)

    def _save_lesson_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save lesson", "lesson.json", "Lessons (*.json)"
        )
        if path:
            self.save_lesson(path)

    def _import_csv_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import points", "", "CSV files (*.csv *.txt);;All files (*)"
        )
        if path:
            self.import_csv(path)

    def _export_image_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export image", "backprop-lab.png", "PNG (*.png)"
        )
        if path:
            self.export_image(path)

    # --- view -----------------------------------------------------------------------------
    def set_font_scale(self, scale: float) -> None:
        scale = max(0.6, min(3.0, float(scale)))
        self.font_scale = scale
        f = QFont(self._base_font)
        base = self._base_font.pointSizeF()
        if base <= 0:
            base = 10.0
        f.setPointSizeF(base * scale)
        self.setFont(f)
        self.plots.set_font_scale(scale)
        # the canvas's own sizes (11 pt ticks, 14 pt axis names) times the scale
        tick = QFont(f)
        tick.setPointSizeF(11.0 * scale)
        pi = self.canvas.getPlotItem()
        for side in ("left", "bottom"):
            axis = pi.getAxis(side)
            axis.setStyle(tickFont=tick)
            axis.setLabel(axis.labelText, color="#202020", **{"font-size": f"{14 * scale:.0f}pt"})
        self.canvas.set_point_size(9.0 * max(1.0, scale**0.75))
        self.controls_scroll.setMinimumWidth(int(320 * scale))
        if self._sized:
            self.fit_splitter()

    def _font_up(self) -> None:
        self.set_font_scale(self.font_scale * 1.15)

    def _toggle_presentation(self, on: bool) -> None:
        self.set_font_scale(PRESENTATION_SCALE if on else 1.0)

    def _toggle_fullscreen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    # --- lifetime -------------------------------------------------------------------------
    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not self._sized:
            self._sized = True
            self.fit_splitter()

    def fit_splitter(self) -> None:
        """Controls at their natural width, plots ≥ 30 % of the window, canvas the rest."""
        w = max(self.width(), 800)
        left = self.controls_scroll.minimumWidth()
        right = max(int(0.3 * w), 340)
        self.splitter.setSizes([left, max(200, w - left - right), right])

    def event(self, ev) -> bool:
        handled = super().event(ev)
        if ev.type() == QEvent.Type.UpdateRequest:
            # Qt has just repainted the dirty widgets (a low-priority posted event, so it
            # runs after the frame's item updates): let the engine thread step again
            # (a zero timer: after any follow-up paints pyqtgraph posts while painting)
            QTimer.singleShot(0, self.controller.frame_painted)
        return handled

    def closeEvent(self, event) -> None:
        self.controller.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        self.controller.shutdown()


def run_after(ms: int, fn) -> None:
    QTimer.singleShot(ms, fn)
