"""A lecture playbook given in the window: the clicker mode, the moves, the frames.

``Lecture`` is the window's side of a playbook being played (``window.lecture``). Opening
one reads and checks the file, and builds its ``Player`` at the first (or a chosen) scene,
on a background thread; the player's session then becomes the window's run, as a lesson
does (one undo step: the run before comes back with Ctrl+Z … outside the lecture's own
keys, see below). From then on the player lives in the engine thread beside its session
(gui/playbook_engine.py): each move is a ``LectureCall``, and every frame carries the
``LectureState`` that ``LectureView`` (gui/playbook_view.py) puts on screen.

The presenter's keys (a clicker sends the first four):

* PageDown / →: the next beat; a running ``run`` jumps to its end; off the script (a change
  made by hand) it first returns to the script.
* PageUp / ←: the start of the current beat, then the beat before, across scenes.
* B / ".": the screen black, training paused; again (or PageDown) to come back.
* digits then Enter: scene N (the digits pick no class meanwhile); Ctrl+Home / Ctrl+End:
  the first / last scene; F5 does nothing while presenting; the first Esc only says "Esc
  again to leave"; Ctrl+Z right after a return to the script brings the detour back.

The mode has priority over the inspector's walk (``LECTURE_PRIORITY``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from backprop_lab.engine.playbook import Playbook, load_builtin, load_playbook
from backprop_lab.engine.player import Player
from PySide6.QtCore import QObject, Signal, Slot

from . import commands as cmd
from .clicker import WALK_PRIORITY
from .data_panel import LESSON_ORIGIN
from .file_io import Task
from .playbook_engine import (
    FRAME_EXTRA,
    EndLecture,
    LectureCall,
    LectureHost,
    LectureReply,
    LectureState,
)
from .playbook_files import weak_done
from .playbook_view import LectureView

if TYPE_CHECKING:
    from .feature_window import FeatureWindow

LECTURE_PRIORITY = WALK_PRIORITY + 10  # the script's beats come before the inspector's walk


def read_playbook(source: str) -> tuple[Playbook, str]:
    """A playbook file, or a built-in one by name: (the playbook, its name for messages).
    ``LoadError`` (a ``ValueError``) names what is wrong; ``OSError`` if unreadable."""
    from backprop_lab.engine.playbook import list_playbooks

    if not os.path.exists(source) and source in list_playbooks():
        return load_builtin(source), source
    return load_playbook(source), os.path.basename(source)


def build_host(book: Playbook, scene: int = 0) -> LectureHost:
    """The player at ``scene`` (its first beat played), on a session of its own."""
    player = Player(book)
    if scene:
        player.goto(scene)
    return LectureHost(player)


class LectureMode:
    """The clicker's keys while a lecture is on (gui/clicker.py's ``ClickerMode``)."""

    def __init__(self, lecture: Lecture):
        self.lecture = lecture

    def forward(self) -> bool:
        if not self.lecture.active:
            return False
        self.lecture.press_next()
        return True

    def back(self) -> bool:
        if not self.lecture.active:
            return False
        self.lecture.press_back()
        return True

    def blank(self) -> bool:
        if not self.lecture.active:
            return False
        self.lecture.toggle_black()
        return True

    def wants_blank(self) -> bool:
        return False  # presentation mode takes the key; outside it B stays a key


class Lecture(QObject):
    """The playbook played in one window (``window.lecture``)."""

    started = Signal(object)  # the Playbook
    ended = Signal()
    stateChanged = Signal(object)  # LectureState, when a new one arrives with a frame
    failed = Signal(str)  # a playbook that could not be opened: why

    def __init__(self, window: FeatureWindow):
        super().__init__(window)
        self.w = window
        self.host: LectureHost | None = None
        self.book: Playbook | None = None
        self.source = ""  # the file (or built-in name) it came from
        self.state: LectureState | None = None
        self.view = LectureView(window)
        self.mode = LectureMode(self)
        self.black = False
        self._black_resume = False
        self._last_call: LectureCall | None = None
        self._speed_set = False
        # steps per second for every run beat instead of its own (None: the beat's own);
        # a rehearsal at the desk can speed the lecture up, a test slow it down
        self.run_speed_override: float | None = None
        self._opening: Task | None = None
        self.last_open_ok: bool | None = None
        self.errors: list[str] = []
        self.on_begin: list[Callable[[], None]] = []
        window.clicker.add_mode(self.mode, LECTURE_PRIORITY)
        c = window.controller
        c.frameReady.connect(self._on_frame)
        window.menus.actions.presentation.toggled.connect(self._on_presenting)
        self.view.black._on_click = self.toggle_black

    @property
    def active(self) -> bool:
        return self.host is not None

    # --- opening and ending ------------------------------------------------------------------
    def open(self, source: str | os.PathLike, scene: int = 0, present: bool = False) -> bool:
        """Read, check and build a playbook (a file, or a built-in name) off the GUI thread,
        then give it in this window (at scene ``scene``, counting from 0). A playbook that
        fails a check is named in the banner with its field, and nothing changes."""
        if self._opening is not None:
            self._opening.cancel()
        source = os.fspath(source)

        def read(stop):
            book, name = read_playbook(source)
            if not 0 <= scene < len(book.scenes):
                raise ValueError(f"no scene {scene + 1}: the playbook has {len(book.scenes)}")
            if stop.is_set():
                return None
            return book, name, build_host(book, scene)

        self.last_open_ok = None
        task = Task("open playbook", read, weak_done(self, "_opened", source, present))
        self._opening = self.w.files.io.run(task)
        self.w.statusBar().showMessage(f"opening playbook {os.path.basename(source)}…")
        return True

    def _opened(self, source: str, present: bool, result) -> None:
        self._opening = None
        if result is None:
            return
        if isinstance(result, BaseException):
            self.last_open_ok = False
            name = os.path.basename(source)
            msg = f"Could not open the playbook {name}: {result}. Nothing changed."
            self.w.banner.show_message(msg, "error")
            self.w.statusBar().showMessage(msg, 15000)
            self.failed.emit(str(result))
            return
        book, name, host = result
        self.begin(book, host, source)
        self.last_open_ok = True
        if present and not self.w.fit.presenting:
            self.w.fit.present(True)

    def begin(self, book: Playbook, host: LectureHost, source: str = "") -> None:
        """Give ``book`` with ``host``'s player (built off the GUI thread, not yet handed
        to the engine): its session becomes the window's run, one undo step."""
        if self.active:
            self.end(keep_run=True)
        w = self.w
        session = host.player.session
        self.host, self.book, self.source = host, book, source
        self.state = None
        self.view.begin(book)
        w.files.before_new_runs()  # the panels show A again, as the undo step keeps them
        with w.runs.new_run("open playbook", session.dataset, LESSON_ORIGIN):
            w.controller.replace_session(session)
            w.show_data_in_window(session.dataset)
            w.training_panel.set_playing(False)
            w.setWindowTitle(f"Backprop Lab — {book.title}")
        c = w.controller
        c.send(cmd.SetDriver(host))
        c.send(cmd.SetFrameExtra(FRAME_EXTRA, host))
        w.banner.hide()
        w.statusBar().showMessage(
            f"lecture {book.title!r}: PageDown plays the next beat, PageUp goes back", 8000
        )
        for fn in self.on_begin:
            fn()
        self.started.emit(book)

    def end(self, keep_run: bool = True) -> None:
        """The lecture ends; the run stays as the lecture left it (an ordinary run now)."""
        if not self.active:
            return
        c = self.w.controller
        c.set_running(False)
        c.send(cmd.SetDriver(None))
        c.send(cmd.SetFrameExtra(FRAME_EXTRA, None))
        c.call_in_engine(EndLecture(self.host))
        if self._speed_set:
            c.set_speed(self.w.training_panel.speed)
            self._speed_set = False
        self.host = None
        self.book = None
        self.state = None
        self.black = False
        self.view.end()
        self.w.setWindowTitle("Backprop Lab")
        self.ended.emit()

    # --- moves -------------------------------------------------------------------------------
    def move(self, op: str, arg: int = 0) -> LectureCall | None:
        """Send one move to the player (training pauses first); None without a lecture."""
        if self.host is None:
            return None
        c = self.w.controller
        c.set_running(False)
        if self.state is not None and self.state.detached:
            self._reattach()
            if op in ("next", "return"):
                return None  # the press brought the lecture back, where it was
        call = self.host.call(op, arg)
        self._last_call = call
        c.call_in_engine(call, reply=lambda reply: self._on_reply(call, reply))
        return call

    def press_next(self) -> None:
        if self._unblack():
            return
        self.move("next")

    def press_back(self) -> None:
        if self._unblack():
            return
        self.move("back")

    def goto(self, scene: int) -> None:
        """Scene ``scene`` (counting from 0) from its start."""
        if self.book is None:
            return
        if not 0 <= scene < len(self.book.scenes):
            self.w.statusBar().showMessage(
                f"There is no scene {scene + 1}: the playbook has {len(self.book.scenes)}.", 5000
            )
            return
        self._unblack()
        self.move("goto", scene)

    def first(self) -> None:
        self._unblack()
        self.move("first")

    def last(self) -> None:
        self._unblack()
        self.move("last")

    def return_to_script(self) -> None:
        self.move("return")

    def resume_detour(self) -> bool:
        """Ctrl+Z right after PageDown returned to the script: the detour comes back."""
        if self.state is None or not self.state.has_detour:
            return False
        self.move("resume")
        return True

    def _reattach(self) -> None:
        """Another run is on screen (a lesson opened, an undo across runs): the lecture's
        own session comes back as a new run (the other one stays undoable)."""
        w = self.w
        session = self.host.player.session  # not in use by the engine thread now
        w.files.before_new_runs()
        with w.runs.new_run("back to the lecture", session.dataset, LESSON_ORIGIN):
            w.controller.replace_session(session)
            w.training_panel.set_playing(False)

    # --- the black screen ------------------------------------------------------------------------
    def toggle_black(self) -> None:
        if self.black:
            self._unblack()
            return
        self.black = True
        c = self.w.controller
        self._black_resume = bool(c.running and self.state is not None and self.state.running)
        c.set_running(False)
        self.view.black.cover(True)

    def _unblack(self) -> bool:
        """The picture back (True if it was black): the press only did that."""
        if not self.black:
            return False
        self.black = False
        self.view.black.cover(False)
        if self._black_resume:
            self._black_resume = False
            self.w.controller.set_running(True)
        return True

    # --- replies and frames --------------------------------------------------------------------
    @Slot(object)
    def _on_reply(self, fn: LectureCall, reply) -> None:
        if fn.host is not self.host:
            return
        if not isinstance(reply, LectureReply):
            self._say_error(f"the lecture's move failed: {reply}")
            return
        if reply.error:
            self._say_error(reply.error)
        if reply.returned:
            self.w.statusBar().showMessage(
                "Back on the script"
                + (" (Ctrl+Z brings the detour back)" if reply.state.has_detour else ""),
                6000,
            )
        if reply.started_run and fn is self._last_call and not self.black:
            speed = reply.state.run_speed
            if self.run_speed_override is not None:
                speed = self.run_speed_override
            c = self.w.controller
            if speed is not None:
                c.set_speed(speed)
                self._speed_set = True
            c.set_running(True)

    def _say_error(self, text: str) -> None:
        self.errors.append(text)
        self.w.banner.show_message(f"The lecture could not play this beat: {text}", "error")
        self.w.statusBar().showMessage(text, 15000)

    @Slot(object)
    def _on_frame(self, frame) -> None:
        if self.host is None:
            return
        state = frame.extras.get(FRAME_EXTRA)
        if isinstance(state, BaseException):
            self._say_error(str(state))
            return
        if not isinstance(state, LectureState):
            return
        self.view.show(frame)
        if state is not self.state:
            self.state = state
            if self._speed_set and not state.running:
                self.w.controller.set_speed(self.w.training_panel.speed)
                self._speed_set = False
            self.stateChanged.emit(state)

    @Slot(bool)
    def _on_presenting(self, on: bool) -> None:
        if self.active:
            self.view.presentation_changed()
