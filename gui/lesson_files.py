"""Lesson and file actions of the main window: open, save, built-in lessons, CSV import,
image export, and the dialogs in front of them.

A failure to read a file is shown in the banner and changes nothing; saving captures the
session in the engine thread (between steps) and writes the file in the GUI thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from backprop_lab.engine import TrainingSession
from backprop_lab.engine.csvfile import read_points_csv
from backprop_lab.engine.lessons import list_lessons, load_lesson
from backprop_lab.engine.scenario import (
    Scenario,
    load_scenario,
    save_scenario,
    scenario_from_session,
    session_from_scenario,
)
from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

if TYPE_CHECKING:
    from .main_window import MainWindow


def lesson_title(name: str) -> str:
    """A built-in lesson's title for the menu (its name if it has none or cannot load)."""
    try:
        return load_lesson(name).title or name
    except ValueError:
        return name


def show_session_in_panels(w: MainWindow, session: TrainingSession) -> None:
    """The panels show a session's data, design, hyper-parameters and seed (no signals)."""
    ds = session.dataset
    w.data_panel.show_dataset(ds, "From the lesson")
    w.network_panel.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
    w.network_panel.set_spec(session.spec, emit=False)
    w.training_panel.set_hyper(session.hyper)
    w.training_panel.set_seed(session.seed)
    w.training_panel.set_n_train(session.n_train)


@dataclass(frozen=True)
class _CaptureForSave:
    """Runs in the engine thread: the session as a scenario, to be written to ``path``."""

    path: str
    title: str = ""
    description: str = ""

    def __call__(self, session: TrainingSession) -> Scenario:
        return scenario_from_session(session, title=self.title, description=self.description)


class LessonDetailsDialog(QDialog):
    """Save lesson: the title and the description (the notes shown when it opens),
    pre-filled with the open lesson's."""

    def __init__(self, parent: QWidget | None, title: str = "", description: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Save lesson")
        self.title_edit = QLineEdit(title)
        self.title_edit.setPlaceholderText("e.g. XOR needs a hidden layer")
        self.description_edit = QPlainTextEdit(description)
        self.description_edit.setPlaceholderText(
            "What to try and what to watch (shown beside the canvas when the lesson opens)"
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Title", self.title_edit)
        form.addRow("Description", self.description_edit)
        form.addRow(buttons)
        self.resize(520, 300)

    def values(self) -> tuple[str, str]:
        return self.title_edit.text().strip(), self.description_edit.toPlainText().strip()


class LessonFiles(QObject):
    """Open, save, import and export for ``window`` (a ``MainWindow``)."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        # the folder Open / Save lesson start in (the app's settings point it at the last
        # folder used); the working folder otherwise
        self.start_folder: Callable[[], str] = lambda: ""
        window.controller.callDone.connect(self._on_call_done)

    # --- files ----------------------------------------------------------------------------
    def open_lesson(self, path: str | os.PathLike) -> bool:
        """Load a scenario file, or a packaged lesson by name (e.g. "xor"); on failure show
        why and leave the session unchanged."""
        w = self.window
        try:
            if not os.path.exists(path) and os.fspath(path) in list_lessons():
                sc = load_lesson(os.fspath(path))
            else:
                sc = load_scenario(path)
            session = session_from_scenario(sc)
        except Exception as exc:  # noqa: BLE001 - any failure is reported, nothing changes
            self._load_failed(path, exc)
            return False
        w.controller.replace_session(session)
        show_session_in_panels(w, session)
        w.canvas.set_dataset(session.dataset, reset_history=True)
        w.refresh_canvas_mode(session.dataset)
        w.training_panel.set_playing(False)
        title = sc.title or os.path.basename(os.fspath(path))
        w.setWindowTitle(f"Backprop Lab — {title}")
        w.notes.set_notes(sc.title, sc.description)
        w.banner.hide()
        w.statusBar().showMessage(f"opened {os.fspath(path)}", 5000)
        return True

    def save_lesson(
        self, path: str | os.PathLike, title: str | None = None, description: str | None = None
    ) -> None:
        """Capture the session in the engine thread, write the file in the GUI thread.
        Title and description default to the open lesson's notes."""
        notes = self.window.notes
        title = notes.title if title is None else title
        description = notes.description if description is None else description
        self.window.controller.call_in_engine(
            _CaptureForSave(os.fspath(path), str(title), str(description))
        )

    @Slot(object)
    def _on_call_done(self, fn_result) -> None:
        fn, sc = fn_result
        if not isinstance(fn, _CaptureForSave):
            return
        w = self.window
        try:
            save_scenario(fn.path, sc)
        except Exception as exc:  # noqa: BLE001
            w.banner.show_message(f"Could not save {fn.path}: {exc}", "error")
            return
        w.statusBar().showMessage(f"saved {fn.path}", 5000)
        w.notes.set_notes(fn.title, fn.description)
        if fn.title:
            w.setWindowTitle(f"Backprop Lab — {fn.title}")

    def import_csv(self, path: str | os.PathLike) -> bool:
        w = self.window
        try:
            res = read_points_csv(Path(path))
        except Exception as exc:  # noqa: BLE001
            self._load_failed(path, exc)
            return False
        ds = res.dataset
        w.canvas.set_dataset(ds, reset_history=False)
        w.data_panel.show_dataset(ds, "From the CSV file")
        w.apply_dataset(ds)
        w.notes.clear()
        w.setWindowTitle(f"Backprop Lab — {os.path.basename(os.fspath(path))}")
        if res.notes:  # e.g. read as Latin-1: the user should check the text
            name = os.path.basename(os.fspath(path))
            w.banner.show_message(f"Imported {name}: {'; '.join(res.notes)}", "info")
        w.statusBar().showMessage(f"imported {len(ds)} points from {os.fspath(path)}", 5000)
        return True

    def export_image(self, path: str | os.PathLike) -> bool:
        w = self.window
        ok = w.centralWidget().grab().save(os.fspath(path))
        if not ok:
            w.banner.show_message(f"Could not write the image {os.fspath(path)}", "error")
        return bool(ok)

    def _load_failed(self, path, exc: BaseException) -> None:
        name = os.path.basename(os.fspath(path))
        msg = f"Could not load {name}: {exc}. The open session is unchanged."
        self.window.banner.show_message(msg, "error")
        self.window.statusBar().showMessage(msg, 15000)

    # --- dialogs --------------------------------------------------------------------------
    def open_lesson_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open lesson", self.start_folder(), "Lessons (*.json);;All files (*)"
        )
        if path:
            self.open_lesson(path)

    def details_dialog(self) -> LessonDetailsDialog:
        """The title-and-description dialog, pre-filled with the open lesson's notes."""
        notes = self.window.notes
        return LessonDetailsDialog(self.window, notes.title, notes.description)

    def save_lesson_dialog(self) -> None:
        dialog = self.details_dialog()
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            title, description = dialog.values()
        finally:
            dialog.deleteLater()
        start = os.path.join(self.start_folder(), "lesson.json")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save lesson", start, "Lessons (*.json)")
        if path:
            self.save_lesson(path, title, description)

    def import_csv_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Import points", "", "CSV files (*.csv *.txt);;All files (*)"
        )
        if path:
            self.import_csv(path)

    def export_image_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export image", "backprop-lab.png", "PNG (*.png)"
        )
        if path:
            self.export_image(path)
