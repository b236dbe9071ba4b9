"""Lesson and file actions of the main window: open, save, built-in lessons, CSV import,
and the dialogs in front of them.

A failure to read a file is shown in the banner and changes nothing. Reading, validating
and writing lesson files happen off the GUI thread (gui/file_io.py): opening reads and
builds the session on a background thread, then swaps it in; saving captures the session
in the engine thread (between steps) and writes the file on a background thread. The
lesson's title and description are the open document's (gui/document.py): opening sets
them, saving writes them.

A comparison is saved whole: run A is the lesson, the other runs its ``compare`` block
(engine/compare_file.py), and opening such a lesson brings every run back as it was. A
single run is saved exactly as before (a group of one writes the lesson alone).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backprop_lab.engine import Dataset, Snapshot, TrainingSession
from backprop_lab.engine.compare_file import group_from_scenario, scenario_from_group
from backprop_lab.engine.csvfile import read_points_csv
from backprop_lab.engine.group import GroupSnapshot, RunGroup
from backprop_lab.engine.lessons import list_lessons, load_lesson, title_of
from backprop_lab.engine.scenario import (
    Scenario,
    load_scenario,
    save_scenario,
)
from backprop_lab.resources import lesson_text
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QStatusBar,
    QWidget,
)

from .banner import Banner
from .controller import EngineController
from .data_panel import CSV_ORIGIN, DEFAULT_PRESET, LESSON_ORIGIN, DataOrigin
from .document import OpenDocument
from .file_io import BackgroundIO, Task
from .panels import Panels
from .run_history import RunHistory


def lesson_title(name: str) -> str:
    """A built-in lesson's title for the menu (its name if it has none or cannot load)."""
    try:
        return title_of(lesson_text(name), name)
    except ValueError:
        return name


@dataclass(frozen=True)
class _CaptureForSave:
    """Runs in the engine thread: every run as one lesson (A's, with a ``compare`` block
    for the others), to be written to ``path``."""

    path: str
    title: str = ""
    description: str = ""

    def __call__(self, group: RunGroup) -> tuple[Scenario, tuple] | Exception:
        # an error comes back as a value: every save ends in ``saved`` or ``saveFailed``
        # (raised in the engine thread, it reached only the banner, and a close waiting
        # for the save waited for ever)
        try:
            sc = scenario_from_group(group, title=self.title, description=self.description)
            return sc, state_key(group)
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


def state_key(s: TrainingSession | Snapshot | RunGroup | GroupSnapshot) -> tuple:
    """What makes two states of a session the same work: data, the run's state (its
    revision: θ, the step, hand edits), design, settings, the weights frozen by hand (the
    data by identity: every edit makes a new, immutable ``Dataset``).

    Of a comparison (a ``RunGroup``, or a frame's ``GroupSnapshot``): the same, with the
    revisions and the rest of every run, so that a change to any run is unsaved work. A
    group of one has its run's key. Either way ``key[:1] + key[2:]`` is all but the runs'
    training states (gui/autosave.py tells edits from training steps by it)."""
    if isinstance(s, RunGroup):
        runs = s.sessions
    elif isinstance(s, GroupSnapshot):
        runs = tuple(r.snapshot for r in s.runs)
    else:
        return (_Same(s.dataset), s.revision, s.spec, s.hyper, s.seed, _hand_key(s.edits))
    if len(runs) == 1:
        return state_key(runs[0])
    return (
        _Same(runs[0].dataset),
        tuple(r.revision for r in runs),
        tuple((r.spec, r.hyper, r.seed, _hand_key(r.edits)) for r in runs),
    )


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
    """Open, save and import for one window. ``show_data`` shows data in the window's
    views besides the canvas; ``apply_dataset`` sends new data to the engine and shows
    them; ``parent`` is the dialogs' parent."""

    opened = Signal(str, object)  # a lesson was opened: (its path or name, state_key)
    saved = Signal(str, object)  # a lesson was written: (path, state_key of what it holds)
    saveFailed = Signal(str, str)  # (path, why)
    startedAnew = Signal(object)  # File → New: the state_key of the fresh session

    def __init__(
        self,
        parent: QWidget,
        *,
        controller: EngineController,
        banner: Banner,
        status: QStatusBar,
        runs: RunHistory,
        panels: Panels,
        document: OpenDocument,
        show_data: Callable[[Dataset], None],
        apply_dataset: Callable[[Dataset], None],
    ):
        super().__init__(parent)
        self.parent_widget = parent
        self.controller = controller
        self.banner = banner
        self.status = status
        self.runs = runs
        self.panels = panels
        self.document = document
        self.show_data = show_data
        self.apply_dataset = apply_dataset
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
        # called before a lesson or File → New replaces the runs: a comparison gives the
        # panels back to run A first (gui/compare_window.py), so that the undo step keeps
        # A's design for them
        self.before_new_runs: Callable[[], None] = lambda: None

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
        """Start loading a scenario file, or a packaged lesson by name (e.g. "xor"), on a
        background thread; True once started. When it is read and checked, the session is
        swapped in (``opened``); on failure the banner says why and nothing changes. A
        newer open replaces one still loading."""
        if self._opening is not None:
            self._opening.cancel()
        name = os.fspath(path)
        builtin = not os.path.exists(path) and name in list_lessons()

        def read(stop) -> tuple[Scenario, RunGroup] | None:
            sc = load_lesson(name) if builtin else load_scenario(path)
            if stop.is_set():
                return None
            return sc, group_from_scenario(sc)

        self.last_open_ok = None
        task = self.io.run(Task("open", read, lambda result: self._opened(path, result)))
        self._opening = task
        self.status.showMessage(f"opening {name}…")
        label = os.path.basename(name)
        QTimer.singleShot(self.offer_cancel_after_ms, self, lambda: self._offer_cancel(task, label))
        return True

    def _offer_cancel(self, task: Task, name: str) -> None:
        if self._opening is task:
            self._cancel_offered = True
            self.banner.show_message(f"Opening {name}…", "info", ("Cancel", self.cancel_open))

    def _withdraw_cancel(self) -> None:
        if self._cancel_offered:
            self._cancel_offered = False
            self.banner.hide()

    def cancel_open(self) -> None:
        """Stop a lesson still loading: nothing changes."""
        self._withdraw_cancel()
        if self._opening is not None:
            self._opening.cancel()
            self._opening = None
            self.status.showMessage("opening cancelled", 5000)

    def _opened(self, path, result) -> None:
        self._opening = None
        self._withdraw_cancel()
        if isinstance(result, BaseException):
            self.last_open_ok = False
            self._load_failed(path, result)
            return
        if result is None:
            return
        sc, group = result
        self._apply_opened(path, sc, group)
        self.last_open_ok = True

    def _apply_opened(self, path, sc: Scenario, group: RunGroup) -> None:
        """The lesson becomes the run (with a comparison, the runs): one undo step (the
        runs it replaces come back)."""
        key = state_key(group)  # before the engine thread owns it
        session = group.a
        self.before_new_runs()
        with self.runs.new_run("open lesson", session.dataset, LESSON_ORIGIN):
            if len(group) == 1:
                self.controller.replace_session(session)
            else:
                self.controller.replace_group(group)
            self.panels.show_design(session)
            self.show_data(session.dataset)
            self.panels.training.set_playing(False)
            name = sc.title or os.path.basename(os.fspath(path))
            self.document.set_lesson(sc.title, sc.description, name)
        self.banner.hide()
        self.status.showMessage(f"opened {os.fspath(path)}", 5000)
        self.opened.emit(os.fspath(path), key)

    def save_lesson(
        self, path: str | os.PathLike, title: str | None = None, description: str | None = None
    ) -> None:
        """Capture the session in the engine thread, write the file on a background thread
        (atomically: a crash leaves the old file or the new one). Title and description
        default to the open lesson's."""
        doc = self.document
        title = doc.title if title is None else title
        description = doc.description if description is None else description
        self.saves_pending.append(os.fspath(path))
        capture = _CaptureForSave(os.fspath(path), str(title), str(description))
        self.controller.call_in_engine(
            capture, reply=lambda r: self._captured(capture, r), group=True
        )

    def _captured(self, fn: _CaptureForSave, captured) -> None:
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
        self.status.showMessage(f"saving {path}…")

    def _save_done(
        self, path: str, key: tuple | None, result, title: str = "", description: str = ""
    ) -> None:
        if path in self.saves_pending:
            self.saves_pending.remove(path)
        if isinstance(result, BaseException):
            self.banner.show_message(f"Could not save {path}: {result}", "error")
            # replaces "saving …", which would otherwise stay as if it were still going
            self.status.showMessage(f"could not save {path}", 15000)
            self.saveFailed.emit(path, str(result))
            return
        self.status.showMessage(f"saved {path}", 5000)
        # the lesson is now the one saved; an untitled one keeps the window's title
        self.document.set_lesson(title, description, title or self.document.info.name)
        self.saved.emit(path, key)

    def start_new(self) -> None:
        """File → New, once asked (gui/autosave.py): the default preset with the default
        network and settings becomes the run, one undo step like opening a lesson (the
        question before it offered to save; undo brings the old run back as well)."""
        self.before_new_runs()
        session = self.panels.fresh_session(DEFAULT_PRESET)  # the panels show it
        key = state_key(session)  # before the engine thread owns it
        with self.runs.new_run("new session", session.dataset, DataOrigin(DEFAULT_PRESET, 0)):
            self.controller.replace_session(session)
            self.show_data(session.dataset)
            self.panels.training.set_playing(False)
            self.document.set_source()
        self.banner.hide()
        self.startedAnew.emit(key)
        self.status.showMessage("new session", 5000)

    def import_csv(self, path: str | os.PathLike) -> bool:
        try:
            res = read_points_csv(Path(path))
        except Exception as exc:  # noqa: BLE001
            self._load_failed(path, exc)
            return False
        ds = res.dataset
        name = os.path.basename(os.fspath(path))
        with self.runs.new_run("import CSV", ds, CSV_ORIGIN):  # one undo step
            self.apply_dataset(ds)
            self.document.set_source(name)
        if res.notes:  # e.g. read as Latin-1: the user should check the text
            self.banner.show_message(f"Imported {name}: {'; '.join(res.notes)}", "info")
        self.status.showMessage(f"imported {len(ds)} points from {os.fspath(path)}", 5000)
        return True

    def _load_failed(self, path, exc: BaseException) -> None:
        name = os.path.basename(os.fspath(path))
        msg = f"Could not load {name}: {exc}. The open session is unchanged."
        self.banner.show_message(msg, "error")
        self.status.showMessage(msg, 15000)

    # --- dialogs --------------------------------------------------------------------------
    def open_lesson_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent_widget,
            "Open lesson",
            self.start_folder(),
            "Lessons (*.json);;All files (*)",
        )
        if path:
            self.open_lesson(path)

    def details_dialog(self) -> LessonDetailsDialog:
        """The title-and-description dialog, pre-filled with the open lesson's."""
        doc = self.document
        return LessonDetailsDialog(self.parent_widget, doc.title, doc.description)

    def save_lesson_dialog(self) -> None:
        dialog = self.details_dialog()
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            title, description = dialog.values()
        finally:
            dialog.deleteLater()
        start = self.start_path("lesson.json")
        path, _ = QFileDialog.getSaveFileName(
            self.parent_widget, "Save lesson", start, "Lessons (*.json)"
        )
        if path:
            self.save_lesson(path, title, description)

    def import_csv_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent_widget,
            "Import points",
            self.start_folder(),
            "CSV files (*.csv *.txt);;All files (*)",
        )
        if path and self.import_csv(path):
            self.folder_used(path)
