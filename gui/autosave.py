"""Autosave, crash recovery and the questions on close and on File → New.

* The open session (data, network, settings, θ, optimizer, RNG, history: the lesson
  format of engine/scenario.py; a comparison with every run, as File → Save lesson writes
  it) is captured in the engine thread between steps and written
  atomically on a background thread (gui/file_io.py), ``EDIT_DELAY_MS`` after a change and
  every ``TRAINING_INTERVAL_MS`` while training, to ``autosave-<pid>-<start>.json`` in the
  platform's app-data folder (``BACKPROP_LAB_AUTOSAVE_DIR`` overrides it: tests use a
  temporary one). One file per process: two windows open at once never share, offer or
  delete each other's autosave. ``<start>`` is when the process started (Linux; elsewhere
  the name has the PID only), so a PID used again by another process later is told apart.
* A failed autosave (the capture or the write) is said in the status bar and the banner
  and tried again, sooner after an edit, at most a minute later otherwise.
* A clean close removes the file, so finding one at launch whose process is gone (or is a
  zombie, or is another program that got the same PID) means that run did not end
  cleanly: ``offer_restore`` asks whether to restore the newest. Only its "Discard"
  deletes the file; "Not now", Esc or closing the question keep it for the next launch.
* Closing with unsaved work asks: save, discard or cancel; File → New asks the same.
  Closing while a save is being written waits for it (a progress note whose Cancel keeps
  the window open): the file is then whole, or, if the save failed, as it was.

Modal questions never block unattended runs: with ``BACKPROP_LAB_NO_PROMPTS=1`` (set by
tests/conftest.py) nothing is asked; a restore is declined (the file is kept) and a close
discards. Tests that check the questions switch ``prompts`` on and answer the real dialog.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backprop_lab.engine.compare_file import scenario_from_group
from backprop_lab.engine.group import RunGroup
from backprop_lab.engine.scenario import Scenario, save_scenario
from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QStatusBar, QWidget

from .banner import Banner
from .controller import EngineController
from .document import OpenDocument
from .file_io import Task
from .lesson_files import LessonFiles, state_key

AUTOSAVE_DIR_ENV = "BACKPROP_LAB_AUTOSAVE_DIR"
NO_PROMPTS_ENV = "BACKPROP_LAB_NO_PROMPTS"
FILE_NAME = "autosave.json"  # as written before files were per process: still restored
FILE_PATTERN = "autosave-{pid}.json"  # where the start of a process is not known
FILE_PATTERN_STARTED = "autosave-{pid}-{start}.json"
_NAME_RE = re.compile(r"^autosave(?:-(\d+)(?:-(\d+))?)?\.json$")
EDIT_DELAY_MS = 3_000
TRAINING_INTERVAL_MS = 60_000
RETRY_MAX_MS = 60_000  # a failing autosave is tried again at least this often

Button = QMessageBox.StandardButton


def autosave_dir() -> Path:
    """Where the autosave lives: ``$BACKPROP_LAB_AUTOSAVE_DIR``, else the app-data folder."""
    env = os.environ.get(AUTOSAVE_DIR_ENV)
    if env:
        return Path(env)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".backprop-lab")


# --- is the process that wrote an autosave still running? -----------------------------------
def _linux_stat(pid: int) -> tuple[str, int] | None:
    """(state, start time in clock ticks after boot) from /proc/PID/stat; None if there is
    no such process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    # the name (field 2) is in parentheses and may hold spaces and ")": fields 3… follow the
    # last ")"
    fields = raw[raw.rindex(b")") + 2 :].split()
    return fields[0].decode("ascii", "replace"), int(fields[19])


def process_start(pid: int | None = None) -> int | None:
    """When a process started, in clock ticks after boot (Linux), None where not known.
    With its PID it names one process: a PID used again later has another start."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        stat = _linux_stat(os.getpid() if pid is None else pid)
    except (ValueError, IndexError):
        return None
    return None if stat is None else stat[1]


def _looks_like_this_program(cmdline: str) -> bool:
    """This app runs as ``backprop-lab``, ``python -m backprop_lab.gui`` or a Python
    script of the user's that imports it: anything else (another program that got the PID
    after a reboot) is not the run that wrote the autosave."""
    words = cmdline.replace("\0", " ").split()
    if "backprop" in cmdline.lower():
        return True
    exe = os.path.basename(words[0]).lower() if words else ""
    return exe.startswith("python") or exe in ("py", "py.exe")


def _linux_alive(pid: int, start: int | None) -> bool:
    try:
        stat = _linux_stat(pid)
    except (ValueError, IndexError):
        return True  # unreadable: never take another run's file on a guess
    if stat is None:
        return False
    state, started = stat
    if state in ("Z", "X", "x"):  # a zombie (killed, not reaped yet) or dead
        return False
    if start is not None and started != start:
        return False  # the PID belongs to a process started later
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        return True  # gone meanwhile or hidden: ``start`` matched, or nothing to compare
    if not cmdline:  # a kernel thread, or a process ending
        return False
    return _looks_like_this_program(cmdline)


def _posix_alive(pid: int) -> bool:
    """Elsewhere on POSIX (macOS, BSD): the process exists, and ps says it is no zombie
    and runs this program (if ps cannot say, it counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass  # exists, owned by someone else
    try:
        out = subprocess.run(
            ["ps", "-o", "stat=", "-o", "command=", "-p", str(pid)],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return True
    if not out:
        return False  # ended meanwhile
    state, _, command = out.partition(" ")
    if state.startswith("Z"):
        return False
    return _looks_like_this_program(command.strip())


def _windows_alive(pid: int) -> bool:
    """Windows: the process is still running and runs this program (never ``os.kill``,
    which terminates it there)."""
    try:
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # access denied: it exists
        try:
            code = wintypes.DWORD()
            if kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) and code.value != 259:
                return False  # ended (259: STILL_ACTIVE)
            buf = ctypes.create_unicode_buffer(1024)
            size = wintypes.DWORD(len(buf))
            if not kernel32.QueryFullProcessImageNameW(handle, 0, buf, ctypes.byref(size)):
                return True
            return _looks_like_this_program(buf.value)
        finally:
            kernel32.CloseHandle(handle)
    except Exception:  # noqa: BLE001 - unsure: never take another run's file
        return True


def _process_alive(pid: int, start: int | None = None) -> bool:
    """The process that wrote an autosave is still running: not a zombie, not gone, and
    not another program that got its PID (``start``, when recorded, must match too)."""
    if pid == os.getpid():
        return False  # this process's own earlier window (a test's simulated crash)
    if sys.platform.startswith("linux") and os.path.isdir("/proc/self"):
        return _linux_alive(pid, start)
    if sys.platform == "win32":
        return _windows_alive(pid)
    return _posix_alive(pid)


def autosave_name(pid: int | None = None, start: int | None = None) -> str:
    """The autosave file name of a process (this one by default)."""
    if pid is None:
        pid, start = os.getpid(), process_start()
    if start is None:
        return FILE_PATTERN.format(pid=pid)
    return FILE_PATTERN_STARTED.format(pid=pid, start=start)


def orphaned_autosaves(folder: Path) -> list[Path]:
    """Autosaves left by runs that are no longer running, newest first. A file whose
    process is still alive belongs to another open window: never offered, never deleted."""
    found = []
    for p in folder.glob("autosave*.json"):
        m = _NAME_RE.match(p.name)
        if m is None:
            continue
        pid, start = m.group(1), m.group(2)
        if pid is not None and _process_alive(int(pid), None if start is None else int(start)):
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
    """Runs in the engine thread: every run as one lesson (a comparison's other runs in
    its ``compare`` block), with its state key. The open lesson's notes go with it: a
    restored lesson showed "Autosave" in place of its title and lost its instructions."""

    title: str = "Autosave"
    description: str = ""

    def __call__(self, group: RunGroup) -> tuple[Scenario, tuple] | Exception:
        # an error comes back as a value: raised in the engine thread it never came back,
        # and the autosave waited for it for ever
        try:
            sc = scenario_from_group(group, title=self.title, description=self.description)
            return sc, state_key(group)
        except Exception as exc:  # noqa: BLE001 - reported, and tried again
            return exc


class Autosave(QObject):
    """The autosave of one window's session, and the questions before its work could be
    lost. ``close`` closes the window; ``parent`` is the questions' parent."""

    written = Signal(object)  # the state key that was written

    def __init__(
        self,
        parent: QWidget,
        *,
        controller: EngineController,
        files: LessonFiles,
        document: OpenDocument,
        banner: Banner,
        status: QStatusBar,
        close: Callable[[], object],
        folder: str | os.PathLike | None = None,
    ):
        super().__init__(parent)
        self.parent_widget = parent
        self.controller = controller
        self.files = files
        self.document = document
        self.banner = banner
        self.status = status
        self.close_window = close
        self.folder = Path(folder) if folder is not None else autosave_dir()
        self.path = self.folder / autosave_name()
        self.adopted: Path | None = None  # another run's autosave this window restored
        self._restoring: Path | None = None  # offered, being opened
        self.prompts = prompts_enabled()
        self.enabled = True  # False: no autosave, no questions (a scripted screenshot run)
        self.edit_delay_ms = EDIT_DELAY_MS
        self.training_interval_ms = TRAINING_INTERVAL_MS
        self.clean_key: tuple | None = None  # the state last opened or saved by the user
        self.lesson_path: str | None = None  # where "Save" writes without asking
        self.latest_key: tuple | None = None
        self.written_key: tuple | None = None
        self.last_error = ""
        self.failures = 0  # autosaves failed in a row
        self._reported = ""  # the banner text of the last failure
        self._writing = False
        self._due = 0.0  # perf_counter time of the scheduled write (0: none)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._write_now)
        self._removed = False
        self._epoch = 0  # File → New starts another: a write of the one before is undone
        self._saved_for_close = False
        # waiting for saves to end before closing (or starting anew): the progress note,
        # what to do then, and whether one of them failed meanwhile
        self.progress_note: QProgressDialog | None = None
        self._after_saves: Callable[[], None] | None = None
        self._save_failed_while_waiting = False
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(100)
        self._progress_timer.timeout.connect(self._show_progress)
        controller.frameReady.connect(self._on_frame)
        files.opened.connect(self._on_opened)
        files.saved.connect(self._on_saved)
        files.saveFailed.connect(self._on_save_failed)
        files.startedAnew.connect(self.started_anew)

    # --- state ---------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        """Work that is in no file the user saved or opened."""
        return self.latest_key is not None and self.latest_key != self.clean_key

    @Slot(object)
    def _on_frame(self, frame) -> None:
        # every run of a comparison: a change to any of them is unsaved work
        key = state_key(frame.group if frame.group is not None else frame.snapshot)
        previous = self.latest_key
        if key == previous:
            return
        self.latest_key = key
        if previous is None and self.clean_key is None:
            self.clean_key = key  # the session the window opened on: nothing to lose yet
        if key == self.written_key or not self.dirty:
            return
        # an edit (data, design, settings, seed: all but the run's state) is written
        # within a few seconds even while training; training alone once a minute
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
        doc = self.document
        capture = _CaptureForAutosave(doc.title or "Autosave", doc.description)
        self.controller.call_in_engine(capture, reply=self._captured, group=True)

    def _captured(self, result) -> None:
        if self._removed:
            return
        if isinstance(result, BaseException):
            self._failed(result)
            return
        sc, key = result
        path, epoch = self.path, self._epoch

        def write(stop) -> None:
            if self._removed:  # closed cleanly meanwhile: nothing to recover
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            save_scenario(path, sc, stop)
            if self._removed or epoch != self._epoch:
                # the close (or File → New) came while writing: undo the write
                path.unlink(missing_ok=True)

        self.files.io.run(
            Task(
                "autosave",
                write,
                lambda r: self._written(key, r),
                writes=True,
                cancel_at_close=True,  # removed at a clean close anyway
            )
        )

    def _written(self, key: tuple, result) -> None:
        if isinstance(result, BaseException):
            self._failed(result)
            return
        self._writing = False
        self.written_key = key
        self._drop_adopted()  # the restored work now lives in this run's own autosave
        self.written.emit(key)
        if self.failures:
            self.failures = 0
            if self.banner.text == self._reported:
                self.banner.hide()
            self.status.showMessage(f"Autosaved again to {self.path}", 8000)
        if self.latest_key != key and self.dirty:
            self.schedule(self.edit_delay_ms)

    def _failed(self, exc: BaseException) -> None:
        """Say so, and try again: sooner after the next edit, within a minute anyway."""
        self._writing = False
        self.failures += 1
        why = str(exc) or type(exc).__name__
        self.last_error = why
        delay = min(self.edit_delay_ms * 2 ** min(self.failures - 1, 16), RETRY_MAX_MS)
        text = (
            f"Autosave failed: {why}. It is tried again in {max(1, round(delay / 1000))} s; "
            "File → Save lesson keeps your work meanwhile."
        )
        self.status.showMessage(text, 15000)
        if self.failures == 1:
            self._reported = text
            self.banner.show_message(text, "error")
        self.schedule(delay)

    def remove(self) -> None:
        """The window closes with its work saved or discarded: no recovery is needed on
        the next launch, and no later write may bring the file back."""
        self._removed = True
        self._timer.stop()
        self._unlink_own()
        self._drop_adopted()

    def _unlink_own(self) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass

    def _drop_adopted(self) -> None:
        if self.adopted is not None and self.adopted != self.path:
            self.adopted.unlink(missing_ok=True)
        self.adopted = None

    # --- the user's own files --------------------------------------------------------------
    @Slot(str, object)
    def _on_opened(self, path: str, key: tuple) -> None:
        restoring, self._restoring = self._restoring, None
        if restoring is not None and Path(path) == restoring:
            # restored: the file is deleted once this run's own autosave holds the work
            # (a restore that failed to load keeps it: only "Discard" deletes one)
            self.adopted = restoring
        restored = Path(path) in (self.path, self.adopted)
        self.lesson_path = path if os.path.exists(path) and not restored else None
        # a restored autosave is still unsaved work; a lesson opened is clean
        self.clean_key = None if restored else key
        if restored:
            self.written_key = key

    def started_anew(self, key: tuple) -> None:
        """File → New: a fresh session, in no file and with nothing to lose yet. The
        autosave of the work before goes (it was saved or discarded when asked)."""
        self._epoch += 1
        self._timer.stop()
        self._due = 0.0
        self.lesson_path = None
        self.clean_key = self.latest_key = key
        self.written_key = None
        self._unlink_own()
        self._drop_adopted()

    @Slot(str, object)
    def _on_saved(self, path: str, key: tuple) -> None:
        self.lesson_path = path
        self.clean_key = key
        self._saves_ended()

    @Slot(str, str)
    def _on_save_failed(self, _path: str, _why: str) -> None:
        if self._after_saves is not None:
            self._save_failed_while_waiting = True
        self._saves_ended()

    # --- waiting for saves ---------------------------------------------------------------
    @property
    def waiting(self) -> bool:
        """The window waits for saves to end before it closes (or starts anew)."""
        return self._after_saves is not None

    def wait_for_saves(self, then: Callable[[], None], doing: str) -> None:
        """Run ``then`` once every save under way has been written; a progress note says
        so meanwhile, and its Cancel keeps the window as it is (the saves go on). If a
        save fails, ``then`` does not run: the banner says why and the window stays."""
        self._after_saves = then
        self._save_failed_while_waiting = False
        files = self.files
        names = ", ".join(os.path.basename(p) for p in files.saves_pending) or "the lesson"
        note = QProgressDialog(
            f"Saving {names}…\n{doing} once it is written.", "Cancel", 0, 100, self.parent_widget
        )
        note.setWindowTitle("Saving")
        note.setWindowModality(Qt.WindowModality.WindowModal)
        note.setMinimumDuration(0)
        note.setAutoClose(False)
        note.setAutoReset(False)
        note.canceled.connect(self._cancel_wait)
        self.progress_note = note
        note.setValue(0)
        note.show()
        self._progress_timer.start()
        self._saves_ended()  # they may have ended already

    def _show_progress(self) -> None:
        if self.progress_note is not None:
            self.progress_note.setValue(int(100 * self.files.save_progress()))

    def _end_wait(self) -> None:
        self._progress_timer.stop()
        note, self.progress_note = self.progress_note, None
        if note is not None:
            note.canceled.disconnect(self._cancel_wait)
            note.hide()
            note.deleteLater()

    @Slot()
    def _cancel_wait(self) -> None:
        """Cancel in the progress note: the window stays open; the saves go on."""
        self._after_saves = None
        self._saved_for_close = False
        self._end_wait()
        self.status.showMessage("the save goes on; the window stays open", 8000)

    def _saves_ended(self) -> None:
        then = self._after_saves
        if then is None or self.files.saving:
            return
        self._after_saves = None
        self._end_wait()
        if self._save_failed_while_waiting:
            self._saved_for_close = False
            self.status.showMessage(
                "the save failed, so the window stays open: your work is still here", 15000
            )
            return
        QTimer.singleShot(0, then)

    # --- questions -----------------------------------------------------------------------
    def ask(self, title: str, text: str, buttons, default, labels=None, escape=None) -> Button:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, self.parent_widget)
        box.setDefaultButton(default)
        for button, label in (labels or {}).items():
            box.button(button).setText(label)
        if escape is not None:
            box.setEscapeButton(escape)
        return Button(box.exec())

    def offer_restore(self) -> bool:
        """At launch: if the last run left an autosave, ask whether to restore it. Only
        "Discard" deletes it; "Not now", Esc or closing the question keep it, and the next
        launch asks again."""
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
            f"autosaved at {when}?\n\nDiscard deletes the autosave; Not now keeps it for "
            "the next launch.",
            Button.Yes | Button.Discard | Button.Cancel,
            Button.Yes,
            labels={Button.Yes: "&Restore", Button.Discard: "&Discard", Button.Cancel: "&Not now"},
            escape=Button.Cancel,
        )
        if answer == Button.Discard:
            found.unlink(missing_ok=True)
            return False
        if answer != Button.Yes:
            return False  # kept: asked again next time
        self._restoring = found
        self.files.open_lesson(found)  # in the autosave folder: not put on the recent list
        return True

    def _unsaved_answer(self, doing: str) -> Button:
        """Save, discard or cancel, for work that is in no saved lesson."""
        return self.ask(
            "Save your work?",
            f"The session has changes not saved in a lesson file. Save them before {doing}?",
            Button.Save | Button.Discard | Button.Cancel,
            Button.Save,
            # keys for each (Alt+S, Alt+D; Esc cancels): a lecturer at the keyboard ends the
            # lecture without reaching for the mouse
            labels={Button.Save: "&Save", Button.Discard: "&Discard", Button.Cancel: "Cancel"},
        )

    def confirm_close(self) -> bool:
        """True if the window may close now. A save still being written is waited for
        first; then, with unsaved work: save, discard or cancel."""
        if self.waiting:
            return False  # the progress note is up: it closes the window when it can
        if self.files.saving:
            self.wait_for_saves(self.close_window, "The window closes")
            return False
        if not self.enabled:
            return True
        if not self.dirty or self._saved_for_close:
            self.remove()
            return True
        if not self.prompts:
            self.remove()
            return True
        answer = self._unsaved_answer("closing")
        if answer == Button.Discard:
            self.remove()
            return True
        if answer == Button.Save:
            self.save_then_close()
        return False

    def save_then_close(self) -> None:
        self._save_then(self._close_saved, "The window closes")

    def _close_saved(self) -> None:
        # what was asked for is saved (training was paused first): close, ask no more
        self._saved_for_close = True
        self.close_window()

    def _save_then(self, then: Callable[[], None], doing: str) -> None:
        path = self.lesson_path
        if path is None:
            # where File → Save lesson starts (the last lesson folder, from the settings)
            path, _ = QFileDialog.getSaveFileName(
                self.parent_widget,
                "Save lesson",
                self.files.start_path("lesson.json"),
                "Lessons (*.json)",
            )
        if not path:
            return
        self.controller.set_running(False)  # saved as it is now, not a step later
        self.files.save_lesson(path)
        self.wait_for_saves(then, doing)

    def confirm_new(self, start_new: Callable[[], None]) -> None:
        """File → New: like closing, a save under way is waited for and unsaved work asks
        save, discard or cancel; then ``start_new`` runs."""
        if self.waiting:
            return
        if self.files.saving:
            self.wait_for_saves(lambda: self.confirm_new(start_new), "The new session starts")
            return
        if not (self.enabled and self.prompts and self.dirty):
            start_new()
            return
        answer = self._unsaved_answer("starting a new session")
        if answer == Button.Discard:
            start_new()
        elif answer == Button.Save:
            self._save_then(start_new, "The new session starts")
