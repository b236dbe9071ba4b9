"""The main window: the canvas over decision regions, the control panels, the live plots.

The window composes its parts and wires them; it is the only module that knows
``MainWindow``. Each part owns its widgets and state and is given the few collaborators it
needs: the panels (gui/panels.py) and the canvas area (gui/canvas_views.py: the canvas,
its tool bar, the notes, the network beside it) send commands to the engine thread
through ``EngineController``; ``FramePresenter`` (gui/presenter.py) draws whatever frame
the engine thread last published; ``LessonFiles`` (gui/lesson_files.py) opens and saves;
``OpenDocument`` (gui/document.py) is the lesson's title and notes; ``Menus``
(gui/menus.py) holds the actions, which the window connects here; ``ScreenFit``
(gui/presentation.py) fits the window to its screen (F5, F11, the type),
``MainColumns`` (gui/window_layout.py) places the panels and ``DockRoom``
(gui/inspector_dock.py) makes room for the inspector's dock. The window never runs a
training step and never waits on the engine thread (except when closing).
"""

from __future__ import annotations

import os

from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.advice import DEFAULT_HYPER as ADVICE_HYPER
from backprop_lab.engine.advice import DEFAULT_NETWORK
from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QMainWindow,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from . import compare_window, help, playbook_install, safety
from .autosave import Autosave
from .banner import Banner
from .canvas import DataCanvas
from .canvas_views import CanvasArea
from .clicker import WALK_PRIORITY, Clicker, WalkMode
from .controller import EngineController
from .data_panel import DEFAULT_PRESET, LESSON_ORIGIN, DataOrigin
from .divergence import DivergenceBanner
from .document import LessonInfo, OpenDocument
from .export import ExportMenu
from .hidden_panel import HiddenSpaceHub
from .inspector import InspectorPanel
from .inspector_dock import DockRoom, InspectorDock
from .keys import KeyRouter
from .lesson_files import LessonFiles
from .menus import FONT_STEP, Menus
from .messages import Messages
from .offers import NetworkOffers
from .panels import Panels
from .plots import TrainingPlots
from .presentation import DEFAULT_SIZE, MAX_SCALE, MIN_SCALE, FitParts, ScreenFit
from .presenter import FramePresenter, StatusText, regression_levels, status_text
from .probe_window import install as install_probe
from .run_history import RunHistory
from .safety import guarded
from .settings import RememberedWindow, Settings
from .transport import Transport
from .window_layout import MIN_CANVAS, MIN_PLOTS_WIDTH, ControlsColumn, MainColumns
from .worker import Frame

__all__ = [
    "DEFAULT_SIZE",
    "MIN_CANVAS",
    "MIN_PLOTS_WIDTH",
    "MainWindow",
    "regression_levels",
    "status_text",
]

DEFAULT_SPEC: NetworkSpec = DEFAULT_NETWORK  # 4-4 tanh (engine/advice.py says why)
DEFAULT_HYPER: HyperParameters = ADVICE_HYPER


class MainWindow(QMainWindow):
    def __init__(
        self,
        preset: str = DEFAULT_PRESET,
        font_scale: float = 1.0,
        session: TrainingSession | None = None,
    ):
        super().__init__()
        self._base_font = QFont(QApplication.font())
        self.font_scale = 1.0  # the type shown (``ScreenFit`` decides it)

        # --- the panels and the initial session ------------------------------------------
        self.panels = Panels(DEFAULT_SPEC, DEFAULT_HYPER)
        self.data_panel, self.network_panel, self.training_panel = self.panels.all()
        if session is None:
            session = self.panels.fresh_session(preset, DEFAULT_SPEC, DEFAULT_HYPER)
            origin = DataOrigin(preset, 0)
        else:
            self.panels.show_design(session)
            origin = LESSON_ORIGIN
        self.training_panel.set_n_train(session.n_train)
        self.data_panel.show_data(session.dataset, origin)

        # --- the parts ---------------------------------------------------------------------
        self.document = OpenDocument(self)  # the lesson's title and notes
        self.canvas = DataCanvas(dataset=session.dataset)
        self.canvas.history.reset(session.dataset, origin)
        self.plots = TrainingPlots()
        self.banner = Banner()
        self.controller = EngineController(session)
        self.controller.gate_frames = True
        self.controller.use_engine_process()
        self.canvas_area = CanvasArea(self.canvas, self.controller, lambda: self.latest)
        self.runs = RunHistory(  # undo across runs
            self.canvas,
            self.controller,
            self.panels,
            self.document,
            self.banner,
            apply_dataset=self.apply_dataset,
            show_data=self.show_data_in_window,
            parent=self,
        )
        self._build_layout()
        self.presenter = FramePresenter(self.controller, self.canvas, self.plots, self.status_label)
        self.presenter.heads_up = self.heads_up
        status = self.statusBar()
        self.messages = Messages(self.banner, status, self)
        self.files = LessonFiles(
            self,
            controller=self.controller,
            banner=self.banner,
            status=status,
            runs=self.runs,
            panels=self.panels,
            document=self.document,
            show_data=self.show_data_in_window,
            apply_dataset=self.apply_dataset,
        )
        self.autosave = Autosave(  # autosave, recovery, the questions before work is lost
            self,
            controller=self.controller,
            files=self.files,
            document=self.document,
            banner=self.banner,
            status=status,
            close=self.close,
        )
        self.offers = NetworkOffers(self.panels, self.controller, self.banner)
        self._build_inspector()
        self.transport = Transport(  # Play, the steps, Reset, a new network or seed
            self.controller,
            self.panels,
            self.runs,
            self.canvas,
            self.inspector,
            self.banner,
            latest=lambda: self.latest,
            inform=self.messages.inform,
            parent=self,
        )
        self.clicker = Clicker(  # PageDown / PageUp / B, routed by priority
            self,
            step=lambda: self.step(1),
            back=self.transport.back_one,
            play_pause=self.transport.toggle_play,
            presenting=lambda: self.fit.presenting,
        )
        self.divergence = DivergenceBanner(  # the guard's stops
            self.banner, self.training_panel, self.controller, status, self.transport.play
        )
        self.clicker.add_mode(WalkMode(self.inspector_dock, self.inspector), WALK_PRIORITY)
        ins = self.inspector
        self.menus = Menus(
            self,
            undo=self.canvas.undo_action,
            redo=self.canvas.redo_action,
            clicker=self.clicker.actions,
            inspector=self.inspector_dock.toggleViewAction(),
            walk=(ins.next_action, ins.previous_action, ins.finish_action),
        )
        actions = self.menus.actions
        self.fit = ScreenFit(
            self,
            FitParts(
                font_scale=lambda: self.font_scale,
                apply_font_scale=self.apply_font_scale,
                heads_up=self.heads_up,
                drawer_button=self.canvas_area.toolbar.drawer_button,
                set_line_width=self.plots.set_line_width,
                controls_open=lambda: self.columns.controls_open,
                set_controls_open=self.set_controls_open,
                fit_controls=self.controls.fit_width,
                latest=lambda: self.latest,
                presentation_action=actions.presentation,
                fullscreen_action=actions.fullscreen,
                escape_action=actions.escape,
            ),
        )
        self.fit.arm_escape()
        self.dock_room = DockRoom(
            self,
            self.inspector_dock,
            self.inspector,
            fit=self.fit,
            plots=self.plots,
            notes=self.canvas_area.notes,
            canvas=self.canvas,
        )
        self._connect()
        self._connect_menus()
        self.hidden.connect()  # hidden space: the inspector's tab, the frames, the diagrams
        self.show_data_in_window(session.dataset)
        self.set_font_scale(font_scale)
        self.resize(self.default_size())
        self.export_menu = ExportMenu(  # File → Export
            self,
            plots=self.plots,
            canvas=self.canvas,
            latest=lambda: self.latest,
            files=self.files,
            banner=self.banner,
            status=status,
            picture=self.centralWidget(),
        )
        self.menus.insert_after(self.menus.file, actions.export_image, self.export_menu.menu)
        self.help_menu = help.install(self)  # the Help menu and the icon
        self.keys = KeyRouter(self, self.canvas, self.banner, self.clicker.blank_taken)
        self.keys.watch_hiding(self.inspector_dock)
        self.lecture = playbook_install.install(self)  # a lecture playbook (gui/playbook_*.py)
        # grabbing a weight: edge drag, weight probe (W), exercises (gui/probe_window.py)
        self.probe = install_probe(self)
        # runs side by side: Train → Compare, a canvas per run (gui/compare_window.py)
        self.compare = compare_window.install(self)

    def remember(
        self, path: str | os.PathLike | None = None, font_scale: float | None = None
    ) -> RememberedWindow:
        """Keep this window's state in the settings at ``path`` (gui/settings.py: the
        platform's store by default) and restore it now; an explicit ``font_scale`` (the
        command line's) wins over the stored one."""
        remembered = RememberedWindow(
            self,
            Settings(path),
            files=self.files,
            file_menu=self.menus.file,
            save=self.menus.actions.save,
            autosave_folder=self.autosave.folder,
            set_font_scale=self.set_font_scale,
            chosen_scale=self.fit.chosen_scale,
            crisp_box=self.canvas_area.toolbar.crisp_box,
            log_loss_box=self.plots.log_loss_box,
        )
        remembered.restore(font_scale)
        return remembered

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
        if self.fit.shown:
            self.columns.fit_columns()
        if not self.columns.controls_docked:
            self.columns.place_drawer()

    # --- layout ---------------------------------------------------------------------------
    def _build_layout(self) -> None:
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(4, 2, 4, 2)
        lv.setSpacing(2)
        for p in self.panels.all():
            lv.addWidget(p)
        lv.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # the panels scroll (a deep network's widths); Play, the steps and Speed stay below
        self.controls = ControlsColumn(scroll, self.training_panel.transport)

        centre = QWidget()
        cv = QVBoxLayout(centre)
        cv.setContentsMargins(4, 4, 4, 4)
        cv.setSpacing(4)
        cv.addWidget(self.banner)
        cv.addWidget(self.canvas_area, 1)
        self.columns = MainColumns(
            self.controls, centre, self.plots, self.canvas_area.toolbar.drawer_button
        )
        self.hidden = HiddenSpaceHub(self)  # hidden space (H) and layer health: hidden_panel.py
        # the heads-up line (presentation mode) spans the window above the columns
        self.heads_up = StatusText("")
        self.heads_up.setObjectName("headsUp")
        self.heads_up.hide()
        main = QWidget()
        mv = QVBoxLayout(main)
        mv.setContentsMargins(0, 0, 0, 0)
        mv.setSpacing(0)
        mv.addWidget(self.heads_up)
        mv.addWidget(self.columns, 1)
        self.setCentralWidget(main)

        self.status_label = StatusText("ready")
        self.statusBar().addPermanentWidget(self.status_label, 1)
        # a message (``showMessage``) takes the bar's width while it lasts: beside the
        # stretched training status it had none, and was never seen
        self.statusBar().messageChanged.connect(lambda text: self.status_label.setVisible(not text))

    def _build_inspector(self) -> None:
        """The backprop inspector (gui/inspector.py) in a dock, hidden until asked for."""
        self.inspector = InspectorPanel(self.controller)
        dock = InspectorDock("Backprop inspector", self)
        dock.setObjectName("inspectorDock")
        dock.setWidget(self.inspector)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.hide()
        self.inspector_dock = dock
        ins = self.inspector
        for a in (ins.next_action, ins.previous_action, ins.finish_action):
            a.triggered.connect(dock.show)  # the phase keys open it
        self.canvas.pointPicked.connect(ins.set_picked_point)
        self.canvas.pointPicked.connect(dock.show)
        ins.message.connect(lambda text: self.messages.show(text, 5000))
        ins.messageEnded.connect(self.messages.drop)
        # other data came (a lesson, a preset, an undo): the picked point is gone
        self.canvas.highlightCleared.connect(lambda: ins.set_picked_point(-1))

    def _connect(self) -> None:
        c = self.controller
        c.frameReady.connect(self.presenter.show)
        c.frameReady.connect(self.divergence.follow)
        c.runningChanged.connect(self.transport.on_running)
        c.diverged.connect(self.messages.diverged)
        c.errorOccurred.connect(self.messages.engine_error)
        c.message.connect(self.messages.inform)
        c.commandFailed.connect(self.runs.on_failure)
        # a stray exception in a slot or a Qt virtual (gui/safety.py) shows in the banner;
        # queued, so the banner never changes inside a paint
        safety.install()
        safety.reporter().errorReported.connect(
            self.messages.stray_error, Qt.ConnectionType.QueuedConnection
        )

        dp, np_, tp = self.panels.all()
        t = self.transport
        dp.datasetRequested.connect(self._on_new_dataset)
        dp.pointsEdited.connect(self.canvas.commit_edit)
        dp.importCsvRequested.connect(self.files.import_csv_dialog)
        dp.clearRequested.connect(self.canvas.clear_points)
        np_.specChanged.connect(t.on_spec)
        tp.hyperChanged.connect(c.set_hyper)
        tp.seedChanged.connect(t.on_seed)
        tp.playToggled.connect(t.set_playing)
        tp.stepRequested.connect(t.step)
        tp.epochRequested.connect(t.step_epoch)
        tp.resetRequested.connect(t.reset)
        tp.speedChanged.connect(c.set_speed)
        tp.message.connect(lambda text: self.messages.show(text, 8000))
        c.set_speed(tp.speed)  # the engine thread starts at "max"; the panel says otherwise

        area = self.canvas_area
        self.canvas.limitReached.connect(lambda msg: self.banner.show_message(msg, "warning"))
        area.toolbar.crisp_box.toggled.connect(self.presenter.set_crisp)
        area.toolbar.drawerToggled.connect(self.set_controls_open)
        area.network_view_button.toggled.connect(self.set_network_view)
        self.document.changed.connect(self._show_document)
        self._show_document(self.document.info)

    def _connect_menus(self) -> None:
        a, files, area = self.menus.actions, self.files, self.canvas_area
        t, fit = self.transport, self.fit
        a.new.triggered.connect(self.new_session)
        a.open.triggered.connect(files.open_lesson_dialog)
        for name, action in a.lessons.items():
            action.triggered.connect(lambda _c=False, n=name: self.open_lesson(n))
        a.save.triggered.connect(files.save_lesson_dialog)
        a.import_csv.triggered.connect(files.import_csv_dialog)
        a.export_image.triggered.connect(lambda: self.export_menu.window_image_dialog())
        a.quit.triggered.connect(self.close)
        a.clear_points.triggered.connect(self.canvas.clear_points)
        a.play.triggered.connect(t.toggle_play)
        a.step10.triggered.connect(lambda: t.step(10))
        a.epoch.triggered.connect(t.step_epoch)
        a.reset.triggered.connect(t.reset)
        # F5: the screen filled, the panels in a drawer, type sized for the back row; again
        # (or Esc) gives the window back as it was
        a.presentation.triggered.connect(lambda on: fit.present(bool(on)))
        a.presentation.toggled.connect(self.clicker.presentation_marked)
        # Ctrl+= / Ctrl+-: never beyond what the screen can hold; Ctrl+0: the usual type
        # (the presentation's own size in presentation mode)
        a.larger_font.triggered.connect(lambda: fit.change_font(FONT_STEP))
        a.smaller_font.triggered.connect(lambda: fit.change_font(1 / FONT_STEP))
        a.normal_font.triggered.connect(fit.normal_font)
        a.fullscreen.triggered.connect(lambda on: fit.full_screen(bool(on)))
        a.controls.triggered.connect(lambda: self.set_controls_open(not self.columns.controls_open))
        a.escape.triggered.connect(fit.escape)
        a.network_view.triggered.connect(self.set_network_view)
        a.notes.triggered.connect(area.notes.set_wanted)
        a.reset_view.triggered.connect(self.canvas.reset_view)
        for name, action in a.tools.items():
            action.triggered.connect(lambda _c=False, n=name: area.set_tool(n))
        a.pick.triggered.connect(lambda: area.set_tool("pick"))

    def _show_document(self, info: LessonInfo) -> None:
        """The lesson's notes above the canvas, its name in the window's title."""
        self.setWindowTitle(info.window_title)
        self.canvas_area.notes.show_lesson(info)

    def set_network_view(self, on: bool) -> None:
        """Show or hide the network diagram beside the canvas (gui/canvas_views.py); the
        window keeps to the screen, and gives the room back when the diagram goes."""
        on = bool(on)
        was = self.canvas_area.network_view_shown
        self.canvas_area.set_network_view(on)
        action = self.menus.actions.network_view
        if action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)
        if self.fit.shown and was != on:
            self.fit.toggled("diagram", on)

    # --- data -----------------------------------------------------------------------------
    @Slot(object, object, str)
    def _on_new_dataset(self, ds: Dataset, origin: DataOrigin, label: str) -> None:
        """A preset, regenerate, points, classes or task: a new run, one undoable step."""
        with self.runs.new_run(label, ds, origin):
            self.apply_dataset(ds)
            self.document.set_source()  # a new data set leaves the lesson
            self.offers.offer_network(origin.preset)

    def apply_dataset(self, ds: Dataset) -> None:
        """New data for the run: sent to the engine, shown in the window. Data of another
        input dimension get the engine's default features there (the one rule,
        engine/features.py), which the panel shows: one command, one θ."""
        self.network_panel.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
        self.controller.set_dataset(ds)
        self.show_data_in_window(ds)
        if self.banner.kind == "info" and len(ds):
            self.banner.hide()

    def show_data_in_window(self, ds: Dataset) -> None:
        """What the window shows of the data besides the points (nothing is sent)."""
        self.panels.show_data_shape(ds)
        self.canvas_area.show_task(ds)

    # --- training (gui/transport.py) -------------------------------------------------------
    def step(self, n: int) -> None:
        self.transport.step(n)

    def play(self) -> None:
        self.transport.play()

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
        return self.export_menu.window_image(path)

    def new_session(self) -> None:
        """File → New: the default preset with the default network and settings. A save
        under way is waited for and unsaved work asks save, discard or cancel first, as
        closing does (gui/autosave.py)."""
        self.autosave.confirm_new(self.files.start_new)

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
        # a widget with a style sheet of its own takes no font from its parent (nor do the
        # widgets inside it): the lesson notes, the banner, the canvas caption and the
        # inspector's note would stay at 12 px in presentation mode and after Ctrl+=
        for child in self.findChildren(QWidget):
            if child.styleSheet():
                child.setFont(f)
                for inner in child.findChildren(QWidget):
                    inner.setFont(f)
        self.plots.set_font_scale(scale)
        self.canvas_area.set_font_scale(scale, f)
        self.controls.fit_width()
        if self.fit.presenting:
            self.fit.size_heads_up()
        if self.fit.shown:
            self.columns.fit_columns()

    def set_controls_open(self, on: bool) -> None:
        """The control panels beside the canvas (F6); a drawer in presentation mode."""
        fit = self.fit
        self.columns.set_controls_open(on, drawer=fit.presenting, fit=fit.shown)
        if fit.shown and not (fit.presenting or fit.busy):
            fit.toggled("controls", bool(on))

    def default_size(self) -> QSize:
        return self.fit.default_size()

    # --- lifetime -------------------------------------------------------------------------
    @guarded
    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not self.fit.shown:
            self.fit.shown = True
            self.columns.fit_columns()
            if self.fit.fit_on_show:
                # the minimum size is known only once shown (styles, hidden widgets): the
                # type the screen holds, and the whole window on it
                QTimer.singleShot(0, self.fit.refit)

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
