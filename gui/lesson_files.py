"""Lesson and file actions of the main window: open, save, built-in lessons, CSV import,
image export, and the dialogs in front of them.

A failure to read a file is shown in the banner and changes nothing. Reading, validating
and writing lesson files happen off the GUI thread (gui/file_io.py): opening reads and
builds the session on a background thread, then swaps it in; saving captures the session
in the engine thread (between steps) and writes the file on a background thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from backprop_lab.engine import Snapshot, TrainingSession
from backprop_lab.engine.csvfile import read_points_csv
from backprop_lab.engine.lessons import list_lessons, load_lesson
from backprop_lab.engine.scenario import (
    Scenario,
    load_scenario,
    save_scenario,
    scenario_from_session,
    session_from_scenario,
)
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from . import commands as cmd
from .data_panel import CSV_ORIGIN, DEFAULT_PRESET, LESSON_ORIGIN, DataOrigin
from .file_io import BackgroundIO, Task
from .worker import CommandFailure

if TYPE_CHECKING:
    from .main_window import MainWindow


def lesson_title(name: str) -> str:
    """A built-in lesson's title for the menu (its name if it has none or cannot load)."""
    try:
        return load_lesson(name).title or name
    except ValueError:
        return name


def show_design(w: MainWindow, session: TrainingSession | Snapshot) -> None:
    """The network and training panels show a session's (or a snapshot's) design,
    hyper-parameters and seed (no signals)."""
    ds = session.dataset
    w.network_panel.set_data_shape(ds.input_dim, ds.task, ds.n_classes)
    w.network_panel.set_spec(session.spec, emit=False)
    w.training_panel.set_hyper(session.hyper)
    w.training_panel.set_seed(session.seed)
    w.training_panel.set_n_train(ds.n_train)


def show_session_in_panels(w: MainWindow, session: TrainingSession | Snapshot) -> None:
    """Every panel shows a session (or a snapshot): the data panel its data (from where
    the canvas's history says they came, when they are the canvas's), the others its
    design (no signals)."""
    show_design(w, session)
    ds = session.dataset
    state = w.canvas.history.state
    same = state.origin is not None and state.dataset.same_as(ds)
    w.data_panel.show_data(ds, state.origin if same else LESSON_ORIGIN)


COMMAND_WHAT = {
    cmd.SetDataset: "the new data",
    cmd.SetNetwork: "the new network",
    cmd.SetHyper: "the new training settings",
    cmd.SetSeed: "the new seed",
    cmd.ResetParameters: "the reset",
    cmd.RollBack: "the roll back",
}


def revert_to_engine(w: MainWindow, failure: CommandFailure) -> None:
    """A command failed and the engine undid it: the panels and the canvas go back to what
    the engine trains, and the banner says why. A data edit that failed stays redoable."""
    snap = failure.snapshot
    command = failure.command
    canvas = w.canvas
    if isinstance(command, cmd.SetDataset) and canvas.dataset is command.dataset:
        if canvas.history.can_undo:
            canvas.take_back_refused_edit()
        if not canvas.dataset.same_as(snap.dataset):
            canvas.set_dataset(snap.dataset, reset_history=True)
    show_session_in_panels(w, snap)
    w.refresh_canvas_mode(snap.dataset)
    what = COMMAND_WHAT.get(type(command), "the change")
    w.banner.show_message(
        f"Could not apply {what}: {failure.message}. Nothing changed; training is paused.",
        "error",
    )


@dataclass(frozen=True)
class _CaptureForSave:
    """Runs in the engine thread: the session as a scenario, to be written to ``path``."""

    path: str
    title: str = ""
    description: str = ""

    def __call__(self, session: TrainingSession) -> tuple[Scenario, tuple] | Exception:
        # an error comes back as a value: every save ends in ``saved`` or ``saveFailed``
        # (raised in the engine thread, it reached only the banner, and a close waiting
        # for the save waited for ever)
        try:
            sc = scenario_from_session(session, title=self.title, description=self.description)
            return sc, state_key(session)
        except Exception as exc:  # noqa: BLE001 - reported as a failed save
            return exc


class _Same:
    """Equal only to a wrapper of the very same object. It holds the object, so its id
    cannot be reused by a newer one while a key is kept (a bare ``id()`` could be, and
    changed work would then look saved)."""

    __slots__ = ("obj",)

    def __init__(self, obj: object):
        self.obj = obj

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj

    def __hash__(self) -> int:
        return id(self.obj)


def state_key(s: TrainingSession | Snapshot) -> tuple:
    """What makes two states of a session the same work: data, design, settings, step,
    weights set or frozen by hand (the data by identity: every edit makes a new, immutable
    ``Dataset``)."""
    step = s.step_count if isinstance(s, TrainingSession) else s.step
    return (_Same(s.dataset), step, s.spec, s.hyper, s.seed, _hand_key(s.edits))


def _hand_key(edits) -> tuple:
    """The weights set and frozen by hand (engine/edits.py), as plain values: the session's
    ``EditLog`` or the snapshot's ``EditSummary``."""
    if edits is None:
        return ()
    return (tuple(edits.edits), tuple(sorted(edits.frozen)))


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

    opened = Signal(str, object)  # a lesson was opened: (its path or name, state_key)
    saved = Signal(str, object)  # a lesson was written: (path, state_key of what it holds)
    saveFailed = Signal(str, str)  # (path, why)

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        # the folder every file dialog starts in (the app's settings point it at the last
        # folder used, and ``folder_used`` tells them of a new one); the working folder
        # otherwise
        self.start_folder: Callable[[], str] = lambda: ""
        self.folder_used: Callable[[str], None] = lambda _path: None
        self.saves_pending: list[str] = []  # saves asked for and not yet ended (paths)
        self.io = BackgroundIO(self)
        self._opening: Task | None = None
        self._cancel_offered = False  # the banner shows "Opening …" with a Cancel button
        # a lesson still loading after this long offers Cancel in the banner
        self.offer_cancel_after_ms = 400
        self.last_open_ok: bool | None = None
        window.controller.callDone.connect(self._on_call_done)

    @property
    def busy(self) -> bool:
        """A read or a write is still running."""
        return self.io.busy

    @property
    def saving(self) -> bool:
        """A save the user asked for has not ended yet (captured or being written)."""
        return bool(self.saves_pending)

    def save_progress(self) -> float:
        """How much of the saves under way is written (0..1; 0 while capturing)."""
        done = sum(t.progress for t in self.io.running("save"))
        return min(1.0, done / max(len(self.saves_pending), 1))

    def start_path(self, name: str) -> str:
        """``name`` in the folder the file dialogs start in."""
        return os.path.join(self.start_folder(), name)

    # --- files ----------------------------------------------------------------------------
    def open_lesson(self, path: str | os.PathLike) -> bool:
        """``start_open``; gui/settings.py wraps this one to keep the recent lessons."""
        return self.start_open(path)

    def start_open(self, path: str | os.PathLike) -> bool:
        """Start loading a scenario file, or a packaged lesson by name (e.g. "xor"), on a
        background thread; True once started. When it is read and checked, the session is
        swapped in (``opened``); on failure the banner says why and nothing changes. A
        newer open replaces one still loading."""
        if self._opening is not None:
            self._opening.cancel()
        name = os.fspath(path)
        builtin = not os.path.exists(path) and name in list_lessons()

        def read(stop) -> tuple[Scenario, TrainingSession] | None:
            sc = load_lesson(name) if builtin else load_scenario(path)
            if stop.is_set():
                return None
            return sc, session_from_scenario(sc)

        self.last_open_ok = None
        task = self.io.run(Task("open", read, lambda result: self._opened(path, result)))
        self._opening = task
        self.window.statusBar().showMessage(f"opening {name}…")
        label = os.path.basename(name)
        QTimer.singleShot(self.offer_cancel_after_ms, self, lambda: self._offer_cancel(task, label))
        return True

    def _offer_cancel(self, task: Task, name: str) -> None:
        if self._opening is task:
            self._cancel_offered = True
            self.window.banner.show_message(
                f"Opening {name}…", "info", ("Cancel", self.cancel_open)
            )

    def _withdraw_cancel(self) -> None:
        if self._cancel_offered:
            self._cancel_offered = False
            self.window.banner.hide()

    def cancel_open(self) -> None:
        """Stop a lesson still loading: nothing changes."""
        self._withdraw_cancel()
        if self._opening is not None:
            self._opening.cancel()
            self._opening = None
            self.window.statusBar().showMessage("opening cancelled", 5000)

    def _opened(self, path, result) -> None:
        self._opening = None
        self._withdraw_cancel()
        if isinstance(result, BaseException):
            self.last_open_ok = False
            self._load_failed(path, result)
            return
        if result is None:
            return
        sc, session = result
        self._apply_opened(path, sc, session)
        self.last_open_ok = True

    def _apply_opened(self, path, sc: Scenario, session: TrainingSession) -> None:
        """The lesson becomes the run: one undo step (the run it replaces comes back)."""
        w = self.window
        key = state_key(session)  # before the engine thread owns it
        with w.runs.new_run("open lesson", session.dataset, LESSON_ORIGIN):
            w.controller.replace_session(session)
            show_design(w, session)
            w.refresh_canvas_mode(session.dataset)
            w.training_panel.set_playing(False)
            title = sc.title or os.path.basename(os.fspath(path))
            w.setWindowTitle(f"Backprop Lab — {title}")
            w.notes.set_notes(sc.title, sc.description)
        w.banner.hide()
        w.statusBar().showMessage(f"opened {os.fspath(path)}", 5000)
        self.opened.emit(os.fspath(path), key)

    def save_lesson(
        self, path: str | os.PathLike, title: str | None = None, description: str | None = None
    ) -> None:
        """Capture the session in the engine thread, write the file on a background thread
        (atomically: a crash leaves the old file or the new one). Title and description
        default to the open lesson's notes."""
        notes = self.window.notes
        title = notes.title if title is None else title
        description = notes.description if description is None else description
        self.saves_pending.append(os.fspath(path))
        self.window.controller.call_in_engine(
            _CaptureForSave(os.fspath(path), str(title), str(description))
        )

    @Slot(object)
    def _on_call_done(self, fn_result) -> None:
        fn, captured = fn_result
        if not isinstance(fn, _CaptureForSave):
            return
        path, title, description = fn.path, fn.title, fn.description
        if isinstance(captured, BaseException):
            self._save_done(path, None, captured)
            return
        sc, key = captured

        def write(stop) -> None:
            save_scenario(path, sc, stop, task.set_progress)

        task = Task(
            "save",
            write,
            lambda result: self._save_done(path, key, result, title, description),
            writes=True,
        )
        self.io.run(task)
        self.window.statusBar().showMessage(f"saving {path}…")

    def _save_done(
        self, path: str, key: tuple | None, result, title: str = "", description: str = ""
    ) -> None:
        w = self.window
        if path in self.saves_pending:
            self.saves_pending.remove(path)
        if isinstance(result, BaseException):
            w.banner.show_message(f"Could not save {path}: {result}", "error")
            # replaces "saving …", which would otherwise stay as if it were still going
            w.statusBar().showMessage(f"could not save {path}", 15000)
            self.saveFailed.emit(path, str(result))
            return
        w.statusBar().showMessage(f"saved {path}", 5000)
        w.notes.set_notes(title, description)
        if title:
            w.setWindowTitle(f"Backprop Lab — {title}")
        self.saved.emit(path, key)

    def new_session(self) -> None:
        """File → New: the default preset with the default network and settings. A save
        under way is waited for and unsaved work asks save, discard or cancel first, as
        closing does (gui/autosave.py)."""
        self.window.autosave.confirm_new(self._start_new)

    def _start_new(self) -> None:
        """The fresh session becomes the run: one undo step, like opening a lesson (the
        question before it offered to save; undo brings the old run back as well)."""
        w = self.window
        session = w.fresh_session()  # the panels show it
        key = state_key(session)  # before the engine thread owns it
        with w.runs.new_run("new session", session.dataset, DataOrigin(DEFAULT_PRESET, 0)):
            w.controller.replace_session(session)
            w.refresh_canvas_mode(session.dataset)
            w.training_panel.set_playing(False)
            w.setWindowTitle("Backprop Lab")
            w.notes.clear()
        w.training_panel.set_n_train(session.n_train)
        w.banner.hide()
        w.autosave.started_anew(key)
        w.statusBar().showMessage("new session", 5000)

    def import_csv(self, path: str | os.PathLike) -> bool:
        w = self.window
        try:
            res = read_points_csv(Path(path))
        except Exception as exc:  # noqa: BLE001
            self._load_failed(path, exc)
            return False
        ds = res.dataset
        with w.runs.new_run("import CSV", ds, CSV_ORIGIN):  # one undo step
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
        start = self.start_path("lesson.json")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save lesson", start, "Lessons (*.json)")
        if path:
            self.save_lesson(path, title, description)

    def import_csv_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            "Import points",
            self.start_folder(),
            "CSV files (*.csv *.txt);;All files (*)",
        )
        if path and self.import_csv(path):
            self.folder_used(path)

    def export_image_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export image", self.start_path("backprop-lab.png"), "PNG (*.png)"
        )
        if path and self.export_image(path):
            self.folder_used(path)
