"""Lesson and file actions of the main window: open, save, built-in lessons, CSV import,
image export, and the dialogs in front of them.

A failure to read a file is shown in the banner and changes nothing; saving captures the
session in the engine thread (between steps) and writes the file in the GUI thread.
"""

from __future__ import annotations

import os
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
from PySide6.QtWidgets import QFileDialog

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
    w.data_panel.show_dataset(ds)
    w.network_panel.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
    w.network_panel.set_spec(session.spec, emit=False)
    w.training_panel.set_hyper(session.hyper)
    w.training_panel.set_seed(session.seed)
    w.training_panel.set_n_train(session.n_train)


@dataclass(frozen=True)
class _CaptureForSave:
    """Runs in the engine thread: the session as a scenario, to be written to ``path``."""

    path: str

    def __call__(self, session: TrainingSession) -> Scenario:
        return scenario_from_session(session)


class LessonFiles(QObject):
    """Open, save, import and export for ``window`` (a ``MainWindow``)."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
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
        w.banner.hide()
        w.statusBar().showMessage(f"opened {os.fspath(path)}", 5000)
        return True

    def save_lesson(self, path: str | os.PathLike) -> None:
        """Capture the session in the engine thread, write the file in the GUI thread."""
        self.window.controller.call_in_engine(_CaptureForSave(os.fspath(path)))

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

    def import_csv(self, path: str | os.PathLike) -> bool:
        w = self.window
        try:
            res = read_points_csv(Path(path))
        except Exception as exc:  # noqa: BLE001
            self._load_failed(path, exc)
            return False
        ds = res.dataset
        w.canvas.set_dataset(ds, reset_history=False)
        w.data_panel.show_dataset(ds)
        w.apply_dataset(ds)
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
            self.window, "Open lesson", "", "Lessons (*.json);;All files (*)"
        )
        if path:
            self.open_lesson(path)

    def save_lesson_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save lesson", "lesson.json", "Lessons (*.json)"
        )
        if path:
            self.save_lesson(path)

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
