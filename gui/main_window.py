"""The main window: the canvas over decision regions, the control panels, the live plots.

The window composes the parts and wires them: the panels and the canvas send commands to
the engine thread through ``EngineController``; ``FramePresenter`` (gui/presenter.py)
draws whatever frame the engine thread last published; ``LessonFiles``
(gui/lesson_files.py) opens and saves; gui/menus.py builds the menus; gui/presentation.py
fits the window to its screen (F5, F11, the type) and gui/window_layout.py places the
drawer and the inspector's dock. The window never runs a training step and never waits on
the engine thread (except when closing).

Over 450 lines: it builds the canvas bar and the layout and wires every panel's signal;
splitting those further would only scatter one window's wiring.
"""

from __future__ import annotations

import os

from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.advice import DEFAULT_HYPER as ADVICE_HYPER
from backprop_lab.engine.advice import DEFAULT_NETWORK, Offer, offer_for
from backprop_lab.engine.datasets import PRESETS
from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from . import export, help, safety
from .autosave import Autosave
from .banner import Banner
from .canvas import DataCanvas
from .canvas_views import CanvasViews
from .colors import CLASS_HEX
from .controller import EngineController
from .data_panel import DEFAULT_PRESET, LESSON_ORIGIN, DataOrigin
from .divergence import DivergenceBanner
from .hidden_panel import HiddenSpaceHub
from .inspector import InspectorPanel
from .keys import KeyRouter
from .legend import class_icon, picker_text
from .lesson_files import LessonFiles, revert_to_engine, show_design
from .menus import build_inspect_menu, build_menus
from .panels import DataPanel, NetworkPanel, TrainingPanel
from .plots import TrainingPlots
from .presentation import DEFAULT_SIZE, MAX_SCALE, MIN_SCALE, ScreenFit
from .presenter import FramePresenter, StatusText, regression_levels, status_text
from .run_history import RunHistory
from .safety import guarded
from .window_layout import (
    ControlsColumn,
    InspectorDock,
    WrapBar,
    make_room_for_inspector,
    place_drawer,
    set_controls_open,
    size_inspector,
)
from .worker import NO_TRAINING_POINTS, Frame

__all__ = ["DEFAULT_SIZE", "MainWindow", "regression_levels", "status_text"]

DEFAULT_SPEC: NetworkSpec = DEFAULT_NETWORK  # 4-4 tanh (engine/advice.py says why)
DEFAULT_HYPER: HyperParameters = ADVICE_HYPER
MIN_CANVAS = 280  # px: the canvas never gets smaller than this square
MIN_PLOTS_WIDTH = 260  # px: the plot column's narrowest


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
        self.fit = ScreenFit(self)
        self.fit_on_show = False  # the app sets it: shrink to the screen once shown

        # --- panels and the initial session ----------------------------------------------
        self.data_panel = DataPanel()
        self.network_panel = NetworkPanel(DEFAULT_SPEC)
        self.training_panel = TrainingPanel(DEFAULT_HYPER)
        if session is None:
            session = self.fresh_session(preset)
            origin = DataOrigin(preset, 0)
        else:
            show_design(self, session)
            origin = LESSON_ORIGIN
        self.training_panel.set_n_train(session.n_train)
        self.data_panel.show_data(session.dataset, origin)

        self.canvas = DataCanvas(dataset=session.dataset)
        self.canvas.history.reset(session.dataset, origin)
        self.plots = TrainingPlots()
        self.banner = Banner()
        self.controller = EngineController(session)
        self.controller.gate_frames = True
        self.runs = RunHistory(self)  # undo across runs (gui/run_history.py)
        self._build_layout()
        self.presenter = FramePresenter(self.controller, self.canvas, self.plots, self.status_label)
        self.presenter.heads_up = self.heads_up
        self.files = LessonFiles(self)
        self.autosave = Autosave(self)  # gui/autosave.py: autosave, recovery, close prompt
        build_menus(self)
        self._connect()
        self._build_inspector()
        self.hidden.connect()  # hidden space: the inspector's tab, the frames, the diagrams
        self.refresh_canvas_mode(session.dataset)
        self.set_font_scale(font_scale)
        self.resize(self.default_size())
        # File → Export, the Help menu and the icon live in their own modules
        self.export_menu = export.install(self)
        self.help_menu = help.install(self)
        self.keys = KeyRouter(self)  # focus, keys and the wheel (gui/keys.py)

    def fresh_session(self, preset: str = DEFAULT_PRESET) -> TrainingSession:
        """The session a new window opens with on ``preset`` (File → New too): the data
        controls, the network, the settings and the seed as they start; the panels show
        it (no signals)."""
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
        dp, start = self.data_panel, DataPanel()
        dp.blockSignals(True)  # its controls are set, not changed by the user
        try:
            for name in ("noise_slider", "test_slider", "points_spin", "classes_spin"):
                getattr(dp, name).setValue(getattr(start, name).value())
            dp.set_preset(preset, emit=False)
        finally:
            dp.blockSignals(False)
            start.deleteLater()
        ds = dp.make_dataset()
        self.network_panel.set_spec(DEFAULT_SPEC, emit=False)
        self.network_panel.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
        self.training_panel.set_hyper(DEFAULT_HYPER)
        self.training_panel.set_seed(0)
        offer = offer_for(preset)
        if offer is not None:  # e.g. --preset spirals: open with a network that learns it
            self.network_panel.set_spec(offer.spec(self.network_panel.spec()), emit=False)
            self.training_panel.set_hyper(offer.hyper(self.training_panel.hyper()))
        return TrainingSession(ds, self.network_panel.spec(), self.training_panel.hyper(), seed=0)

    @property
    def latest(self) -> Frame | None:
        """The frame shown last."""
        return self.presenter.latest

    @property
    def frames_drawn(self) -> int:
        return self.presenter.frames_drawn

    @guarded
    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if self._sized:
            self.fit_splitter()
        if self.controls.parent() is not self.splitter:
            place_drawer(self)

    # --- layout ---------------------------------------------------------------------------
    def _build_layout(self) -> None:
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(4, 2, 4, 2)
        lv.setSpacing(2)
        for p in (self.data_panel, self.network_panel, self.training_panel):
            lv.addWidget(p)
        lv.addStretch(1)
        self.controls_scroll = QScrollArea()
        self.controls_scroll.setWidget(left)
        self.controls_scroll.setWidgetResizable(True)
        self.controls_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.controls_scroll.setFrameShape(QFrame.Shape.NoFrame)
        # the panels scroll (a deep network's widths); Play, the steps and Speed stay below
        self.controls = ControlsColumn(self.controls_scroll, self.training_panel.transport)

        self.canvas.setMinimumSize(MIN_CANVAS, MIN_CANVAS)
        centre = QWidget()
        cv = QVBoxLayout(centre)
        cv.setContentsMargins(4, 4, 4, 4)
        cv.setSpacing(4)
        cv.addWidget(self.banner)
        self.views = CanvasViews(self)  # notes, network beside the canvas, key, view bar
        self.hidden = HiddenSpaceHub(self)  # hidden space (H) and layer health: hidden_panel.py
        cv.addWidget(self.notes)
        cv.addWidget(self._build_canvas_bar())
        cv.addWidget(self.canvas_splitter, 1)
        cv.addLayout(self.views.view_bar())

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.controls)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.plots)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setChildrenCollapsible(False)
        # the heads-up line (presentation mode) spans the window above the splitter
        self.heads_up = StatusText("")
        self.heads_up.setObjectName("headsUp")
        self.heads_up.hide()
        main = QWidget()
        mv = QVBoxLayout(main)
        mv.setContentsMargins(0, 0, 0, 0)
        mv.setSpacing(0)
        mv.addWidget(self.heads_up)
        mv.addWidget(self.splitter, 1)
        self.setCentralWidget(main)
        self._sized = False

        self.status_label = StatusText("ready")
        self.statusBar().addPermanentWidget(self.status_label, 1)

    def _build_canvas_bar(self) -> WrapBar:
        bar = QHBoxLayout()
        self.drawer_button = QToolButton()
        self.drawer_button.setText("☰ Controls")
        self.drawer_button.setCheckable(True)
        self.drawer_button.setToolTip("Show or hide the control panels (F6)")
        self.drawer_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.drawer_button.clicked.connect(self.set_controls_open)
        self.drawer_button.hide()  # shown in presentation mode, where the panels fold away
        bar.addWidget(self.drawer_button)
        # tool buttons, not push buttons: a push button is never narrower than ~80 px, and
        # the bar must fit a 1024-pixel screen beside the panels and the plots
        self.tool_buttons: dict[str, QToolButton] = {}
        for name, label, tip in (
            ("draw", "Draw", "Click or drag to add points; right-click erases"),
            ("erase", "Erase", "Click or drag to remove points"),
            ("pan", "Pan", "Drag to move, wheel to zoom"),
            ("pick", "Pick", "Click a point to trace it in the backprop inspector"),
        ):
            b = QToolButton()
            b.setText(label)
            b.setCheckable(True)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _c=False, n=name: self.set_tool(n))
            self.tool_buttons[name] = b
            bar.addWidget(b)
        bar.addStretch(1)
        self.tool_buttons["draw"].setChecked(True)
        self.class_label = QLabel("Class")
        self.class_label.setToolTip("The class of new points (keys 1–8 on the canvas)")
        self.class_combo = QComboBox()
        for k in range(len(CLASS_HEX)):
            self.class_combo.addItem(class_icon(CLASS_HEX[k]), f"{k + 1}", k)
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
        second = QHBoxLayout()
        for w in (self.class_label, self.class_combo, self.value_label, self.value_spin):
            second.addWidget(w)
        second.addStretch(1)
        second.addWidget(self.test_box)
        second.addWidget(self.crisp_box)
        # one line when the canvas column is wide enough, else the tools over the rest
        self.canvas_bar = WrapBar(bar, second)
        return self.canvas_bar

    def _build_inspector(self) -> None:
        """The backprop inspector (gui/inspector.py) in a dock, hidden until asked for."""
        self.inspector = InspectorPanel(self.controller)
        dock = InspectorDock("Backprop inspector", self)
        dock.aboutToShow.connect(lambda: make_room_for_inspector(self))
        dock.setObjectName("inspectorDock")
        dock.setWidget(self.inspector)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.hide()
        self.inspector_dock = dock
        dock.visibilityChanged.connect(lambda visible: size_inspector(self, visible))
        dock.topLevelChanged.connect(lambda _f: size_inspector(self, dock.isVisible()))
        build_inspect_menu(self)
        self.canvas.pointPicked.connect(self.inspector.set_picked_point)
        self.canvas.pointPicked.connect(dock.show)
        self.inspector.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.inspector.messageEnded.connect(self._drop_status_message)
        # other data came (a lesson, a preset, an undo): the picked point is gone
        self.canvas.highlightCleared.connect(lambda: self.inspector.set_picked_point(-1))

    def _connect(self) -> None:
        c = self.controller
        c.frameReady.connect(self.presenter.show)
        self.divergence = DivergenceBanner(self)  # the guard's stops (gui/divergence.py)
        c.frameReady.connect(self.divergence.follow)
        c.runningChanged.connect(self._on_running)
        c.diverged.connect(self._on_diverged)
        c.errorOccurred.connect(self._on_error)
        c.message.connect(self._on_message)
        c.commandFailed.connect(self._on_command_failed)
        # a stray exception in a slot or a Qt virtual (gui/safety.py) shows in the banner;
        # queued, so the banner never changes inside a paint
        safety.install()
        safety.reporter().errorReported.connect(
            self._on_stray_error, Qt.ConnectionType.QueuedConnection
        )

        dp, np_, tp = self.data_panel, self.network_panel, self.training_panel
        dp.datasetRequested.connect(self._on_new_dataset)
        dp.pointsEdited.connect(self.canvas.commit_edit)
        dp.importCsvRequested.connect(self.files.import_csv_dialog)
        dp.clearRequested.connect(self.canvas.clear_points)
        np_.specChanged.connect(self._on_spec)
        tp.hyperChanged.connect(c.set_hyper)
        tp.seedChanged.connect(self._on_seed)
        tp.playToggled.connect(self._on_play_toggled)
        tp.stepRequested.connect(self.step)
        tp.epochRequested.connect(self.step_epoch)
        tp.resetRequested.connect(self.reset)
        tp.speedChanged.connect(c.set_speed)
        tp.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        c.set_speed(tp.speed)  # the engine thread starts at "max"; the panel says otherwise

        self.canvas.classChanged.connect(self._on_class_changed)
        self.canvas.limitReached.connect(lambda msg: self.banner.show_message(msg, "warning"))
        self.class_combo.currentIndexChanged.connect(
            lambda i: self.canvas.set_current_class(self.class_combo.itemData(i))
        )
        self.value_spin.valueChanged.connect(self.canvas.set_regression_value)
        self.test_box.toggled.connect(self.canvas.set_new_points_are_test)
        self.crisp_box.toggled.connect(self.presenter.set_crisp)
        self.views.connect()

    def set_network_view(self, on: bool) -> None:
        """Show or hide the network diagram beside the canvas (gui/canvas_views.py); the
        window keeps to the screen, and gives the room back when the diagram goes."""
        was = self.netview.isVisibleTo(self)
        self.views.set_network_view(on)
        if self._sized and was != bool(on):
            self.fit.toggled("diagram", bool(on))

    # --- data -----------------------------------------------------------------------------
    @Slot(object, object, str)
    def _on_new_dataset(self, ds: Dataset, origin: DataOrigin, label: str) -> None:
        """A preset, regenerate, points, classes or task: a new run, one undoable step."""
        with self.runs.new_run(label, ds, origin):
            self.apply_dataset(ds)
            self.setWindowTitle("Backprop Lab")  # a lesson's name no longer applies
            self.notes.clear()  # a new data set leaves the lesson
            self.offer_network(origin.preset)

    def offer_network(self, preset: str | None) -> Offer | None:
        """A preset the default network cannot learn gets a bigger one (engine/advice.py)."""
        return self.views.offer_network(preset)

    def apply_dataset(self, ds: Dataset) -> None:
        features_changed = self.network_panel.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
        self.controller.set_dataset(ds)
        if features_changed:
            self.controller.set_network(self.network_panel.spec())
        self.show_data_in_window(ds)
        if self.banner.kind == "info" and len(ds):
            self.banner.hide()

    def show_data_in_window(self, ds: Dataset) -> None:
        """What the window shows of the data besides the canvas (nothing is sent)."""
        self.network_panel.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
        self.training_panel.set_n_train(ds.n_train)
        self.refresh_canvas_mode(ds)

    def _drop_status_message(self, text: str) -> None:
        if self.statusBar().currentMessage() == text:
            self.statusBar().clearMessage()

    def _on_command_failed(self, failure) -> None:
        self.runs.on_failure(failure)  # a new run that failed is no undo step
        revert_to_engine(self, failure)

    def refresh_canvas_mode(self, ds: Dataset) -> None:
        classification = ds.task == "classification"
        surface = ds.task == "regression" and ds.input_dim == 2
        for w in (self.class_label, self.class_combo):
            w.setVisible(classification)
        for w in (self.value_label, self.value_spin):
            w.setVisible(surface)
        self.crisp_box.setVisible(classification)
        for k in range(self.class_combo.count()):  # the classes' names, if they have some
            self.class_combo.setItemText(k, picker_text(k, ds.class_names))
        if surface:
            self.canvas.set_regression_levels(regression_levels(ds))
        self.views.refresh_key(ds)
        if ds.task != "classification" or ds.input_dim != 2:
            self.canvas.set_decision_image(None)
        if not (ds.task == "regression" and ds.input_dim == 1):
            self.canvas.set_curve(None)
        self._label_canvas_axes(ds)

    def _label_canvas_axes(self, ds: Dataset | None = None) -> None:
        """x₁ across; up, x₂, or the target y of a 1-D regression (a curve y(x₁))."""
        ds = ds if ds is not None else self.canvas.dataset
        up = "y" if ds.task == "regression" and ds.input_dim == 1 else "x₂"
        size = {"font-size": f"{14 * self.font_scale:.0f}pt"}
        pi = self.canvas.getPlotItem()
        pi.getAxis("bottom").setLabel("x₁", color="#202020", **size)
        pi.getAxis("left").setLabel(up, color="#202020", **size)

    @Slot(int)
    def _on_class_changed(self, k: int) -> None:
        self.class_combo.blockSignals(True)
        self.class_combo.setCurrentIndex(k)
        self.class_combo.blockSignals(False)

    def set_tool(self, name: str) -> None:
        self.canvas.set_tool(name)
        for n, b in self.tool_buttons.items():
            b.setChecked(n == name)

    # --- network and training -------------------------------------------------------------
    @Slot(object)
    def _on_spec(self, spec) -> None:
        """A new network draws θ afresh: a new run, undoable (Ctrl+Z brings the run back)."""
        np_ = self.network_panel
        with self.runs.new_run(np_.last_change, spec_before=np_.previous_spec):
            self.controller.set_network(spec)
        self._hide_problem_banner()

    @Slot(int)
    def _on_seed(self, seed: int) -> None:
        """A new seed draws θ afresh: a new run, undoable like every other reset."""
        with self.runs.new_run(f"seed {seed}", seed_before=self.training_panel.seed):
            self.training_panel.set_seed(seed)
            self.controller.set_seed(seed)
        self._hide_problem_banner()

    @Slot(bool)
    def _on_play_toggled(self, play: bool) -> None:
        if play and not self.canvas.dataset.n_train:
            self.training_panel.set_playing(False)
            self._on_message(NO_TRAINING_POINTS)
            return
        self.controller.set_running(play)

    def toggle_play(self) -> None:
        self._on_play_toggled(not self.controller.running)

    def play(self) -> None:
        self._on_play_toggled(True)

    def step(self, n: int) -> None:
        self.training_panel.set_playing(False)
        self.controller.step(n)

    def back_one(self) -> None:
        """Rewind to the kept step just before the one shown (the timeline keeps every step
        early in a run, then fewer and fewer: see the inspector's rewind bar)."""
        if self.latest is not None:
            self.training_panel.set_playing(False)
            self.inspector.rewind(max(0, self.latest.snapshot.step - 1))

    def step_epoch(self) -> None:
        self.training_panel.set_playing(False)
        self.controller.step_epoch()

    def reset(self) -> None:
        with self.runs.new_run("reset parameters"):
            self.controller.reset_parameters()
        self._hide_problem_banner()

    def _hide_problem_banner(self) -> None:
        if self.banner.kind in ("warning", "error"):
            self.banner.hide()

    # --- engine → window ------------------------------------------------------------------
    @Slot(bool)
    def _on_running(self, running: bool) -> None:
        self.training_panel.set_playing(running)
        if running and self.banner.kind == "warning":
            self.banner.hide()  # e.g. Play after a divergence: it goes on

    @Slot(str)
    def _on_diverged(self, msg: str) -> None:
        # the banner, with its two ways on, follows the frames (gui/divergence.py)
        self.statusBar().showMessage(msg, 15000)

    @Slot(str)
    def _on_error(self, msg: str) -> None:
        text = f"The engine stopped with an error; the session is kept. {msg}"
        self.banner.show_message(text, "error")
        self.statusBar().showMessage(msg, 15000)

    @Slot(str)
    def _on_stray_error(self, msg: str) -> None:
        text = f"Something went wrong; the app keeps running and nothing was lost. {msg}"
        self.banner.show_message(text, "error")

    @Slot(str)
    def _on_message(self, msg: str) -> None:
        self.banner.show_message(msg, "info")
        self.statusBar().showMessage(msg, 10000)

    # --- files (gui/lesson_files.py) ---------------------------------------------------------
    def open_lesson(self, path: str | os.PathLike) -> bool:
        """Load a scenario file, or a packaged lesson by name (e.g. "xor"); on failure show
        why and leave the session unchanged."""
        return self.files.open_lesson(path)

    def save_lesson(self, path: str | os.PathLike) -> None:
        self.files.save_lesson(path)

    def import_csv(self, path: str | os.PathLike) -> bool:
        return self.files.import_csv(path)

    def export_image(self, path: str | os.PathLike) -> bool:
        return self.files.export_image(path)

    # --- view -----------------------------------------------------------------------------
    def set_font_scale(self, scale: float) -> None:
        """The type size chosen (the command line, the settings): shown as it is, and the
        window refits it to its screen when something opens (gui/presentation.py)."""
        scale = max(MIN_SCALE, min(MAX_SCALE, float(scale)))
        self.fit.wanted = scale
        self.apply_font_scale(scale)

    def apply_font_scale(self, scale: float) -> None:
        """Show the type at ``scale`` (the fitting in gui/presentation.py decides it)."""
        scale = max(MIN_SCALE, min(MAX_SCALE, float(scale)))
        self.font_scale = scale
        f = QFont(self._base_font)
        base = self._base_font.pointSizeF()
        if base <= 0:
            base = 10.0
        f.setPointSizeF(base * scale)
        self.setFont(f)
        # a widget with a style sheet of its own takes no font from its parent: the lesson
        # notes, the banner, the canvas caption and the inspector's note stayed at 12 px
        # in presentation mode and after Ctrl+=
        # (nor do the widgets inside it)
        for child in self.findChildren(QWidget):
            if child.styleSheet():
                child.setFont(f)
                for inner in child.findChildren(QWidget):
                    inner.setFont(f)
        self.notes.follow_font()  # its title: bold and a size larger than the type
        self.plots.set_font_scale(scale)
        # the canvas's own sizes (11 pt ticks, 14 pt axis names) times the scale
        tick = QFont(f)
        tick.setPointSizeF(11.0 * scale)
        pi = self.canvas.getPlotItem()
        for side in ("left", "bottom"):
            pi.getAxis(side).setStyle(tickFont=tick)
        self._label_canvas_axes()
        self.canvas.set_point_size(9.0 * max(1.0, scale**0.75))
        self.controls.fit_width()
        if self.fit.presenting:
            self.fit.size_heads_up()
        if self._sized:
            self.fit_splitter()

    def toggle_presentation(self, on: bool) -> None:
        """F5: the screen filled, the panels in a drawer, type sized for the back row
        (gui/presentation.py); again (or Esc) gives the window back as it was."""
        self.fit.present(bool(on))

    def toggle_fullscreen(self, on: bool) -> None:
        self.fit.full_screen(bool(on))

    def change_font(self, factor: float) -> None:
        """Ctrl+= / Ctrl+-: never beyond what the screen can hold."""
        self.fit.change_font(factor)

    def normal_font(self) -> None:
        """Ctrl+0: the usual type (the presentation's own size in presentation mode)."""
        self.fit.normal_font()

    def set_controls_open(self, on: bool) -> None:
        """The control panels beside the canvas (F6); a drawer in presentation mode."""
        set_controls_open(self, on)
        if self._sized and not (self.fit.presenting or self.fit.busy):
            self.fit.toggled("controls", bool(on))

    def toggle_controls(self) -> None:
        self.set_controls_open(not self.controls.isVisibleTo(self))

    def default_size(self) -> QSize:
        return self.fit.default_size()

    def keep_on_screen(self) -> None:
        self.fit.keep_on_screen()

    # --- lifetime -------------------------------------------------------------------------
    @guarded
    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not self._sized:
            self._sized = True
            self.fit_splitter()
            if self.fit_on_show:
                # the minimum size is known only once shown (styles, hidden widgets): the
                # type the screen holds, and the whole window on it
                QTimer.singleShot(0, self.fit.refit)

    def fit_splitter(self) -> None:
        """Controls at their natural width, plots ≥ 30 % of the window, canvas the rest."""
        w = max(self.splitter.width(), 600)
        panels = self.controls
        docked = panels.parent() is self.splitter and panels.isVisibleTo(self)
        left = panels.minimumWidth() if docked else 0
        right = max(int(0.35 * (w - left)), self.plots.minimumWidth(), MIN_PLOTS_WIDTH)
        self.splitter.setSizes([left, max(MIN_CANVAS, w - left - right), right])

    @guarded(default=False)
    def event(self, ev) -> bool:
        handled = super().event(ev)
        if ev.type() == QEvent.Type.UpdateRequest:
            self.presenter.after_paint()  # the paint gate: the engine thread steps again
        return handled

    @guarded
    def closeEvent(self, event) -> None:
        # a save still being written, or unsaved work (the user chose Cancel or Save)
        if not self.autosave.confirm_close():
            event.ignore()
            return
        self.keys.uninstall()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        self.controller.shutdown()
        self.files.io.shutdown()  # reads dropped, the autosave's write cancelled (file_io)
