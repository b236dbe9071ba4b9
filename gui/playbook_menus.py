"""The lecture's menu entries: File → Open playbook…, Built-in playbooks, New playbook from
this session, Save playbook…; and the Lecture menu (the moves, for a mouse; the keys a
clicker sends are the window's clicker actions, gui/clicker.py).

The File entries go beside File → Open lesson… (found by its action, as File → Export
finds its place), so the window's menu code needs no change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backprop_lab.engine.lessons import title_of
from backprop_lab.engine.playbook import list_playbooks
from backprop_lab.resources import playbook_text
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu

from .playbook_widgets import PresenterNotes

if TYPE_CHECKING:
    from .feature_window import FeatureWindow
    from .playbook_lecture import Lecture


def playbook_title(name: str) -> str:
    try:
        return title_of(playbook_text(name), name)
    except ValueError:
        return name


class LectureMenus:
    """The File entries and the Lecture menu of one window."""

    def __init__(self, window: FeatureWindow, lecture: Lecture):
        self.w = window
        self.lecture = lecture
        self.actions: dict[str, QAction] = {}
        self.file_menu = QMenu("Playbook", window)
        self._file_entries()
        self.menu = window.menus.add_menu("&Lecture")
        self._lecture_menu()
        self.notes_window: PresenterNotes | None = None
        lecture.started.connect(lambda _b: self.refresh())
        lecture.ended.connect(self.refresh)
        self.refresh()

    # --- File ----------------------------------------------------------------------------------
    def _file_entries(self) -> None:
        w = self.w
        m = self.file_menu
        self._add(m, "open", "Open playbook…", self.open_dialog)
        builtin = m.addMenu("Built-in playbooks")
        for name in list_playbooks():
            a = builtin.addAction(playbook_title(name))
            a.triggered.connect(lambda _c=False, n=name: self.lecture.open(n))
            self.actions[f"builtin:{name}"] = a
        m.addSeparator()
        self._add(m, "new", "New playbook from this session", self._new_from_session)
        self._add(m, "save", "Save playbook…", self._save)
        # File → Playbook, after "Built-in lessons"
        w.menus.insert_after(w.menus.file, w.menus.lessons.menuAction(), m)

    def open_dialog(self) -> None:
        w = self.w
        path, _ = QFileDialog.getOpenFileName(
            w, "Open playbook", w.files.start_folder(), "Playbooks (*.json);;All files (*)"
        )
        if path:
            self.lecture.open(path)
            w.files.folder_used(path)

    def _new_from_session(self) -> None:
        dock = getattr(self.lecture, "dock", None)
        if dock is not None:
            dock.new_from_session()

    def _save(self) -> None:
        dock = getattr(self.lecture, "dock", None)
        if dock is not None:
            dock.save_dialog()

    # --- Lecture ---------------------------------------------------------------------------------
    def _lecture_menu(self) -> None:
        lec, m = self.lecture, self.menu
        self._add(m, "next", "Next beat (PageDown)", lec.press_next)
        self._add(m, "back", "Back a beat (PageUp)", lec.press_back)
        self._add(m, "first", "First scene", lec.first, ["Ctrl+Home"])
        self._add(m, "last", "Last scene", lec.last, ["Ctrl+End"])
        self._add(m, "goto", "Go to scene… (digits, Enter)", self.goto_dialog)
        m.addSeparator()
        self._add(m, "return", "Back to the script (PageDown)", lec.return_to_script)
        self._add(m, "detour", "Back to the detour (Ctrl+Z)", lec.resume_detour)
        self._add(m, "black", "Black screen (B)", lec.toggle_black)
        m.addSeparator()
        dock = getattr(lec, "dock", None)
        if dock is not None:
            toggle = dock.toggleViewAction()
            toggle.setText("Playbook dock")
            m.addAction(toggle)
        self._add(m, "notes", "Presenter notes window", self.show_notes, always=True)
        self._add(m, "end", "End the lecture", lec.end)

    def goto_dialog(self) -> None:
        book = self.lecture.book
        if book is None:
            return
        now = self.lecture.state.scene + 1 if self.lecture.state is not None else 1
        n, ok = QInputDialog.getInt(
            self.w, "Go to scene", f"Scene (1–{len(book.scenes)}):", now, 1, len(book.scenes)
        )
        if ok:
            self.lecture.goto(n - 1)

    def show_notes(self) -> None:
        if self.notes_window is None:
            w = self.w
            clicker = w.clicker
            keys = [clicker.forward_action, clicker.back_action, clicker.blank_action]
            keys += [self.actions["first"], self.actions["last"]]
            self.notes_window = PresenterNotes(w, keys)
            dock = getattr(self.lecture, "dock", None)
            if dock is not None:
                dock.notes_window = self.notes_window
                dock.refresh_notes()
        self.notes_window.show()

    def _add(self, menu, key: str, text: str, slot, keys=(), always: bool = False) -> QAction:
        w = self.w
        a = QAction(text, w)
        if keys:
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            w.addAction(a)
        a.triggered.connect(lambda _c=False: slot())
        a.setProperty("lectureOnly", not always and menu is getattr(self, "menu", None))
        menu.addAction(a)
        self.actions[key] = a
        return a

    def refresh(self) -> None:
        """The moves only while a lecture is given."""
        on = self.lecture.active
        for a in self.actions.values():
            if a.property("lectureOnly"):
                a.setEnabled(on)
        save = self.actions.get("save")
        if save is not None:
            dock = getattr(self.lecture, "dock", None)
            save.setEnabled(dock is not None and dock.has_playbook)


def install(window: FeatureWindow, lecture: Lecture) -> LectureMenus:
    return LectureMenus(window, lecture)
