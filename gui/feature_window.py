"""What a feature installed into the window (a lecture playbook, the weight probe, the
hidden space) needs of it: an interface, so that a feature's modules know the window's
parts, never ``MainWindow`` itself (the window imports them: knowing it back would close
an import circle). ``MainWindow`` satisfies it; a feature is installed with its
``install(window)`` (gui/playbook_install.py, gui/probe_window.py, gui/hidden_panel.py,
gui/compare_window.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QMainWindow

if TYPE_CHECKING:
    from .autosave import Autosave
    from .banner import Banner
    from .canvas import DataCanvas
    from .canvas_views import CanvasArea
    from .clicker import Clicker
    from .controller import EngineController
    from .data_panel import DataPanel
    from .divergence import DivergenceBanner
    from .document import OpenDocument
    from .frames import Frame
    from .inspector import InspectorPanel
    from .inspector_dock import InspectorDock
    from .lesson_files import LessonFiles
    from .menus import Menus
    from .network_panel import NetworkPanel
    from .panels import Panels
    from .plots import TrainingPlots
    from .presentation import ScreenFit
    from .presenter import FramePresenter, StatusText
    from .run_history import RunHistory
    from .training_panel import TrainingPanel
    from .window_layout import ControlsColumn, MainColumns


class FeatureWindow(QMainWindow if TYPE_CHECKING else object, Protocol):
    """The window's parts a feature reads and drives."""

    autosave: Autosave
    banner: Banner
    canvas: DataCanvas
    canvas_area: CanvasArea
    columns: MainColumns
    clicker: Clicker
    controller: EngineController
    controls: ControlsColumn
    document: OpenDocument
    data_panel: DataPanel
    divergence: DivergenceBanner
    files: LessonFiles
    fit: ScreenFit
    heads_up: StatusText
    inspector: InspectorPanel
    inspector_dock: InspectorDock
    menus: Menus
    network_panel: NetworkPanel
    panels: Panels
    plots: TrainingPlots
    presenter: FramePresenter
    runs: RunHistory
    status_label: StatusText
    training_panel: TrainingPanel

    @property
    def latest(self) -> Frame | None: ...

    def set_controls_open(self, on: bool) -> None: ...

    def set_network_view(self, on: bool) -> None: ...

    def show_data_in_window(self, ds) -> None: ...
