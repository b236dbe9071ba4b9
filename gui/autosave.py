"""Autosave, crash recovery and the question on close.

* The open session (data, network, settings, θ, optimizer, RNG, history: the lesson
  format of engine/scenario.py) is captured in the engine thread between steps and written
  atomically on a background thread (gui/file_io.py), ``EDIT_DELAY_MS`` after a change and
  every ``TRAINING_INTERVAL_MS`` while training, to ``autosave-<pid>.json`` in the
  platform's app-data folder (``BACKPROP_LAB_AUTOSAVE_DIR`` overrides it: tests use a
  temporary one). One file per process: two windows open at once never share, offer or
  delete each other's autosave.
* A clean close removes the file, so finding one at launch whose process is gone means that
  run did not end cleanly: ``offer_restore`` asks whether to restore the newest.
* Closing with unsaved work asks: save, discard or cancel.

Modal questions never block unattended runs: with ``BACKPROP_LAB_NO_PROMPTS=1`` (set by
tests/conftest.py) nothing is asked; a restore is declined (the file is kept) and a close
discards. Tests that check the questions switch ``prompts`` on and answer the real dialog.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from backprop_lab.engine import TrainingSession
from backprop_lab.engine.scenario import Scenario, save_scenario, scenario_from_session
from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox

from .file_io import Task
from .lesson_files import state_key

if TYPE_CHECKING:
    from .main_window import MainWindow

AUTOSAVE_DIR_ENV = "BACKPROP_LAB_AUTOSAVE_DIR"
NO_PROMPTS_ENV = "BACKPROP_LAB_NO_PROMPTS"
FILE_NAME = "autosave.json"  # as written before files were per process: still restored
FILE_PATTERN = "autosave-{pid}.json"
EDIT_DELAY_MS = 3_000
TRAINING_INTERVAL_MS = 60_000

Button = QMessageBox.StandardButton


def autosave_dir() -> Path:
    """Where the autosave lives: ``$BACKPROP_LAB_AUTOSAVE_DIR``, else the app-data folder."""
    env = os.environ.get(AUTOSAVE_DIR_ENV)
    if env:
        return Path(env)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".backprop-lab")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process's own earlier window (a test's simulated crash)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, owned by someone else: not ours to take
    return True


def orphaned_autosaves(folder: Path) -> list[Path]:
    """Autosaves left by runs that are no longer running, newest first. A file whose
    process is still alive belongs to another open window: never offered, never deleted."""
    found = []
    for p in folder.glob("autosave*.json"):
        stem = p.stem.removeprefix("autosave")
        if stem and not (stem.startswith("-") and stem[1:].isdigit()):
            continue
        if stem and _process_alive(int(stem[1:])):
            continue
        try:
            found.append((p.stat().st_mtime, p))
        except OSError:
            continue
    return [p for _, p in sorted(found, reverse=True)]


def prompts_enabled() -> bool:
    return os.environ.get(NO_PROMPTS_ENV, "") not in ("1", "true", "yes")


@dataclass(frozen=True)
class _CaptureForAutosave:
    """Runs in the engine thread: the session as a scenario, with its state key. The open
    lesson's notes go with it: a restored lesson showed "Autosave" in place of its title
    and lost its instructions."""

    title: str = "Autosave"
    description: str = ""

    def __call__(self, session: TrainingSession) -> tuple[Scenario, tuple]:
        sc = scenario_from_session(session, title=self.title, description=self.description)
        return sc, state_key(session)


class Autosave(QObject):
    written = Signal(object)  # the state key that was written

    def __init__(self, window: MainWindow, folder: str | os.PathLike | None = None):
        super().__init__(window)
        self.window = window
        self.folder = Path(folder) if folder is not None else autosave_dir()
        self.path = self.folder / FILE_PATTERN.format(pid=os.getpid())
        self.adopted: Path | None = None  # another run's autosave this window restored
        self.prompts = prompts_enabled()
        self.enabled = True  # False: no autosave, no questions (a scripted screenshot run)
        self.edit_delay_ms = EDIT_DELAY_MS
        self.training_interval_ms = TRAINING_INTERVAL_MS
        self.clean_key: tuple | None = None  # the state last opened or saved by the user
        self.lesson_path: str | None = None  # where "Save" writes without asking
        self.latest_key: tuple | None = None
        self.written_key: tuple | None = None
        self.last_error = ""
        self._writing = False
        self._due = 0.0  # perf_counter time of the scheduled write (0: none)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._write_now)
        self._closing_after_save = False
        self._removed = False
        self._saved_for_close = False
        c = window.controller
        c.frameReady.connect(self._on_frame)
        c.callDone.connect(self._on_call_done)
        window.files.opened.connect(self._on_opened)
        window.files.saved.connect(self._on_saved)
        window.files.saveFailed.connect(self._on_save_failed)

    # --- state ---------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        """Work that is in no file the user saved or opened."""
        return self.latest_key is not None and self.latest_key != self.clean_key

    @Slot(object)
    def _on_frame(self, frame) -> None:
        key = state_key(frame.snapshot)
        previous = self.latest_key
        if key == previous:
            return
        self.latest_key = key
        if previous is None and self.clean_key is None:
            self.clean_key = key  # the session the window opened on: nothing to lose yet
        if key == self.written_key or not self.dirty:
            return
        # an edit (data, design, settings, seed: all but the step) is written within a few
        # seconds even while training; training alone once a minute
        edited = previous is None or previous[:1] + previous[2:] != key[:1] + key[2:]
        stepped_only = frame.running and not edited
        self.schedule(self.training_interval_ms if stepped_only else self.edit_delay_ms)

    def schedule(self, delay_ms: int) -> None:
        """Write within ``delay_ms`` (an earlier scheduled write stays earlier)."""
        if not self.enabled:
            return
        due = time.perf_counter() + delay_ms / 1000.0
        if self._timer.isActive() and self._due <= due:
            return
        self._due = due
        self._timer.start(max(0, int(delay_ms)))

    # --- writing -------------------------------------------------------------------------
    @Slot()
    def _write_now(self) -> None:
        self._due = 0.0
        if self._writing:  # one write at a time; the next change schedules again
            self.schedule(self.edit_delay_ms)
            return
        self._writing = True
        notes = self.window.notes
        capture = _CaptureForAutosave(notes.title or "Autosave", notes.description)
        self.window.controller.call_in_engine(capture)

    @Slot(object)
    def _on_call_done(self, fn_result) -> None:
        fn, result = fn_result
        if not isinstance(fn, _CaptureForAutosave):
            return
        sc, key = result
        path = self.path
        if self._removed:
            return

        def write(_stop) -> None:
            if self._removed:  # closed cleanly meanwhile: nothing to recover
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            save_scenario(path, sc)
            if self._removed:  # the close came while writing: undo the write
                path.unlink(missing_ok=True)

        self.window.files.io.run(
            Task("autosave", write, lambda r: self._written(key, r), writes=True)
        )

    def _written(self, key: tuple, result) -> None:
        self._writing = False
        if isinstance(result, BaseException):
            self.last_error = str(result)
            self.window.statusBar().showMessage(f"Autosave failed: {result}", 10000)
            return
        self.written_key = key
        self._drop_adopted()  # the restored work now lives in this run's own autosave
        self.written.emit(key)
        if self.latest_key != key and self.dirty:
            self.schedule(self.edit_delay_ms)

    def remove(self) -> None:
        """The window closes with its work saved or discarded: no recovery is needed on
        the next launch, and no later write may bring the file back."""
        self._removed = True
        self._timer.stop()
        try:
            self.path.unlink()
        except OSError:
            pass
        self._drop_adopted()

    def _drop_adopted(self) -> None:
        if self.adopted is not None and self.adopted != self.path:
            self.adopted.unlink(missing_ok=True)
        self.adopted = None

    # --- the user's own files --------------------------------------------------------------
    @Slot(str, object)
    def _on_opened(self, path: str, key: tuple) -> None:
        restored = Path(path) in (self.path, self.adopted)
        self.lesson_path = path if os.path.exists(path) and not restored else None
        # a restored autosave is still unsaved work; a lesson opened is clean
        self.clean_key = None if restored else key
        if restored:
            self.written_key = key

    @Slot(str, object)
    def _on_saved(self, path: str, key: tuple) -> None:
        self.lesson_path = path
        self.clean_key = key
        if self._closing_after_save:
            # what was asked for is saved (training was paused first): close, ask no more
            self._closing_after_save = False
            self._saved_for_close = True
            QTimer.singleShot(0, self.window.close)

    @Slot(str, str)
    def _on_save_failed(self, _path: str, _why: str) -> None:
        self._closing_after_save = False

    # --- questions -----------------------------------------------------------------------
    def ask(self, title: str, text: str, buttons, default) -> Button:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, self.window)
        box.setDefaultButton(default)
        return Button(box.exec())

    def offer_restore(self) -> bool:
        """At launch: if the last run left an autosave, ask whether to restore it."""
        if not (self.enabled and self.prompts):
            return False
        candidates = orphaned_autosaves(self.folder)
        if not candidates:
            return False
        found = candidates[0]
        when = time.strftime("%H:%M on %d %b", time.localtime(found.stat().st_mtime))
        answer = self.ask(
            "Restore unsaved work?",
            "Backprop Lab did not close properly last time. Restore the session it "
            f"autosaved at {when}?\n\nNo deletes the autosave.",
            Button.Yes | Button.No,
            Button.Yes,
        )
        if answer != Button.Yes:
            found.unlink(missing_ok=True)  # declined; this run autosaves afresh
            return False
        self.adopted = found  # deleted once this run's own autosave holds the work
        self.window.files.start_open(found)  # not a lesson for the recent list
        return True

    def confirm_close(self) -> bool:
        """True if the window may close now. With unsaved work: save, discard or cancel."""
        if not self.enabled:
            return True
        if not self.dirty or self._saved_for_close:
            self.remove()
            return True
        if not self.prompts:
            self.remove()
            return True
        answer = self.ask(
            "Save your work?",
            "The session has changes not saved in a lesson file. Save them before closing?",
            Button.Save | Button.Discard | Button.Cancel,
            Button.Save,
        )
        if answer == Button.Discard:
            self.remove()
            return True
        if answer == Button.Save:
            self.save_then_close()
        return False

    def save_then_close(self) -> None:
        path = self.lesson_path
        if path is None:
            # where File → Save lesson starts (the last lesson folder, from the settings)
            start_folder = getattr(self.window.files, "start_folder", lambda: "")
            start = os.path.join(start_folder(), "lesson.json")
            path, _ = QFileDialog.getSaveFileName(
                self.window, "Save lesson", start, "Lessons (*.json)"
            )
        if not path:
            return
        self._closing_after_save = True
        self.window.controller.set_running(False)  # saved as it is now, not a step later
        self.window.save_lesson(path)
