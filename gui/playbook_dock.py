"""The Playbook dock (outside presentation mode): the scenes of the playbook, each with a
thumbnail of how it starts and whether it still reproduces; a click jumps to a scene.
It is also where a playbook is written without typing JSON:

* File → New playbook from this session: one scene that starts exactly where the session
  is (θ, the optimizer, the random state, the curves, embedded in the file);
* Add scene: another such scene, after the selected one; scenes reorder by dragging;
* the selected scene's title, on-screen text and presenter notes are edited in place; its
  beats are added from a menu (a small dialog each), edited by a double click, reordered
  by dragging, removed;
* Preview plays the selected scene in the window; Save… rehearses the playbook and writes
  it with fresh fingerprints; Undo takes the last edit back.

The dock keeps the playbook as the file writes it (a dict) and reads it back after every
edit: a mistake is named with its field under the list (``scenes[2].beats[1].answer: …``),
and Preview and Save wait until it is put right.
"""

from __future__ import annotations

import copy
import os
from typing import TYPE_CHECKING

from backprop_lab.engine.fileio import LoadError
from backprop_lab.engine.playbook import FORMAT, VERSION, Playbook, playbook_from_dict
from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .file_io import Task
from .playbook_authoring import BEAT_KINDS, BEAT_NAMES, NEEDS_DIALOG, BeatDialog, beat_summary
from .playbook_files import (
    RehearsalResult,
    SceneFromSession,
    picture_icon,
    rehearse_in_background,
    save_rehearsed,
    weak_done,
)

if TYPE_CHECKING:
    from .feature_window import FeatureWindow
    from .playbook_lecture import Lecture

ICON = 48
MAX_UNDO = 50
ROLE = Qt.ItemDataRole.UserRole


def _html_escape(text: str) -> str:
    import html

    return html.escape(text).replace("\n", "<br>")


class PlaybookDock(QDockWidget):
    def __init__(self, window: FeatureWindow, lecture: Lecture):
        super().__init__("Playbook", window)
        self.setObjectName("playbookDock")
        self.w = window
        self.lecture = lecture
        self.doc: dict | None = None  # the playbook as its file writes it
        self.book: Playbook | None = None  # the doc read back (None while it has a mistake)
        self.error = ""
        self.path = ""  # the file it was read from or saved to ("" for built-in or new)
        self.modified = False
        self.played: Playbook | None = None  # what the lecture gives (to jump in it)
        self.rehearsal: RehearsalResult | None = None
        self.icons: dict[int, object] = {}
        self.notes_window = None
        self._undo: list[dict] = []
        self._rehearsing: Task | None = None
        self._scene = -1  # the scene the editor shows
        self._filling = False
        self._was_open = False
        self._build()
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        self.hide()
        lecture.started.connect(self._on_started)
        lecture.stateChanged.connect(self._on_state)
        lecture.ended.connect(self._refresh_buttons)
        window.menus.actions.presentation.toggled.connect(self._on_presenting)
        self.visibilityChanged.connect(self._on_visible)

    # --- building ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("the lecture's title")
        self.title_edit.editingFinished.connect(self._title_edited)
        self.status = QLabel("No playbook: File → Open playbook…, or New playbook")
        self.status.setObjectName("playbookStatus")
        self.status.setWordWrap(True)
        self.scenes = QListWidget()
        self.scenes.setObjectName("playbookScenes")
        self.scenes.setIconSize(QSize(ICON, ICON))
        self.scenes.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.scenes.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.scenes.setWordWrap(True)
        self.scenes.itemClicked.connect(self._scene_clicked)
        self.scenes.currentRowChanged.connect(self._show_scene)
        self.scenes.model().rowsMoved.connect(self._scenes_moved)
        self.add_scene_button = QPushButton("+ Scene")
        self.add_scene_button.setToolTip("A new scene that starts exactly where the session is")
        self.add_scene_button.clicked.connect(self.add_scene)
        self.remove_scene_button = QPushButton("Remove")
        self.remove_scene_button.clicked.connect(self.remove_scene)
        self.preview_button = QPushButton("▶ Preview")
        self.preview_button.setToolTip("Play the selected scene in the window")
        self.preview_button.clicked.connect(self.preview)
        self.undo_button = QPushButton("Undo")
        self.undo_button.clicked.connect(self.undo)
        self.save_button = QPushButton("Save…")
        self.save_button.setToolTip("Rehearse the playbook and write it with its fingerprints")
        self.save_button.clicked.connect(self.save_dialog)
        row = QHBoxLayout()
        for b in (self.add_scene_button, self.remove_scene_button, self.preview_button):
            row.addWidget(b)
        row2 = QHBoxLayout()
        row2.addWidget(self.undo_button)
        row2.addStretch(1)
        row2.addWidget(self.save_button)

        # the selected scene
        self.scene_title = QLineEdit()
        self.scene_title.editingFinished.connect(lambda: self._scene_field("title"))
        self.scene_text = QPlainTextEdit()
        self.scene_text.setPlaceholderText("on screen while the scene lasts (the notes pane)")
        self.scene_text.setMaximumHeight(90)
        self.scene_text.textChanged.connect(lambda: self._scene_field("text"))
        self.scene_notes = QPlainTextEdit()
        self.scene_notes.setPlaceholderText("for the presenter only")
        self.scene_notes.setMaximumHeight(70)
        self.scene_notes.textChanged.connect(lambda: self._scene_field("notes"))
        self.beats = QListWidget()
        self.beats.setObjectName("playbookBeats")
        self.beats.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.beats.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.beats.itemDoubleClicked.connect(self._edit_beat)
        self.beats.model().rowsMoved.connect(self._beats_moved)
        self.add_beat_button = QToolButton()
        self.add_beat_button.setText("+ Beat ▾")
        self.add_beat_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.beat_menu = QMenu(self.add_beat_button)
        self.beat_actions = {}
        for kind in BEAT_KINDS:
            a = self.beat_menu.addAction(BEAT_NAMES[kind])
            a.triggered.connect(lambda _c=False, k=kind: self.add_beat(k))
            self.beat_actions[kind] = a
        self.add_beat_button.setMenu(self.beat_menu)
        self.remove_beat_button = QPushButton("Remove beat")
        self.remove_beat_button.clicked.connect(self.remove_beat)
        brow = QHBoxLayout()
        brow.addWidget(self.add_beat_button)
        brow.addWidget(self.remove_beat_button)
        brow.addStretch(1)
        self.error_label = QLabel("")
        self.error_label.setObjectName("playbookError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color:#B02020;")
        self.error_label.hide()
        self.notes_label = QLabel("")
        self.notes_label.setObjectName("presenterNote")
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.RichText)

        editor = QWidget()
        ev = QVBoxLayout(editor)
        ev.setContentsMargins(0, 0, 0, 0)
        ev.addWidget(QLabel("Scene title"))
        ev.addWidget(self.scene_title)
        ev.addWidget(QLabel("On screen"))
        ev.addWidget(self.scene_text)
        ev.addWidget(QLabel("Presenter notes"))
        ev.addWidget(self.scene_notes)
        ev.addWidget(QLabel("Beats (double-click to edit, drag to reorder)"))
        ev.addWidget(self.beats, 1)
        ev.addLayout(brow)
        ev.addWidget(self.notes_label)
        scroll = QScrollArea()
        scroll.setWidget(editor)
        scroll.setWidgetResizable(True)

        top = QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.addWidget(self.title_edit)
        tv.addWidget(self.status)
        tv.addWidget(self.scenes, 1)
        tv.addLayout(row)
        tv.addLayout(row2)
        tv.addWidget(self.error_label)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(scroll)
        split.setChildrenCollapsible(False)
        body = QWidget()
        bv = QVBoxLayout(body)
        bv.setContentsMargins(4, 2, 4, 2)
        bv.addWidget(split)
        body.setMinimumWidth(240)
        self.setWidget(body)
        self._refresh_buttons()

    # --- the playbook shown -----------------------------------------------------------------
    @property
    def has_playbook(self) -> bool:
        return self.doc is not None

    def _on_started(self, book: Playbook) -> None:
        self.played = book
        if book is not self.book:  # opened from a file: the dock shows it, rehearsed anew
            source = self.lecture.source
            path = source if source and os.path.exists(source) else ""
            self.load(book, path)
        if not self.w.fit.presenting:
            self.show()
        self._refresh_buttons()

    def load(self, book: Playbook, path: str = "") -> None:
        self.doc = book.to_dict()
        self.book = book
        self.error = ""
        self.path = path
        self.modified = False
        self._undo.clear()
        self.icons.clear()
        self.rehearsal = None
        self._fill_scenes(select=0)
        self.start_rehearsal(book)

    def new_from_session(self) -> None:
        """A playbook of one scene that starts exactly where the session is."""
        self._new_pending = True
        self._take_scene("Scene 1")
        self.show()

    def add_scene(self) -> None:
        if self.doc is None:
            self.new_from_session()
            return
        n = len(self.doc["scenes"]) + 1
        self._new_pending = False
        self._take_scene(f"Scene {n}")

    def _take_scene(self, title: str) -> None:
        self.w.controller.call_in_engine(
            SceneFromSession(title), reply=weak_done(self, "_on_scene_taken")
        )

    def _on_scene_taken(self, scene) -> None:
        if isinstance(scene, Exception):
            self.w.banner.show_message(f"Could not take the session as a scene: {scene}", "error")
            return
        if getattr(self, "_new_pending", False) or self.doc is None:
            self._new_pending = False
            self.doc = {
                "format": FORMAT,
                "version": VERSION,
                "title": "Untitled lecture",
                "scenes": [scene],
            }
            self.path = ""
            self._undo.clear()
            self.icons.clear()
            self.rehearsal = None
            self.modified = True
            self._changed(select=0)
            self.w.statusBar().showMessage(
                "a new playbook: its scene starts where the session is; add beats, then Save",
                8000,
            )
            return
        at = self.scenes.currentRow() + 1 if self.scenes.currentRow() >= 0 else None
        self._edit(lambda d: d["scenes"].insert(len(d["scenes"]) if at is None else at, scene))
        self._changed(select=len(self.doc["scenes"]) - 1 if at is None else at)

    # --- editing ---------------------------------------------------------------------------------
    def _edit(self, change) -> None:
        """Apply ``change(doc)`` as one undoable edit."""
        self._undo.append(copy.deepcopy(self.doc))
        del self._undo[:-MAX_UNDO]
        change(self.doc)
        self.modified = True

    def undo(self) -> None:
        if not self._undo:
            return
        self.doc = self._undo.pop()
        self.icons.clear()
        self._changed(select=max(0, min(self._scene, len(self.doc["scenes"]) - 1)))

    def _changed(self, select: int | None = None) -> None:
        """Read the doc back: the playbook, or the mistake named with its field."""
        try:
            self.book = playbook_from_dict(copy.deepcopy(self.doc))
            self.error = ""
        except LoadError as exc:
            self.book = None
            self.error = str(exc)
        self.error_label.setText(self.error)
        self.error_label.setVisible(bool(self.error))
        self._fill_scenes(select)

    def _fill_scenes(self, select: int | None = None) -> None:
        self._filling = True
        try:
            row = self.scenes.currentRow() if select is None else select
            self.scenes.clear()
            self.title_edit.setText(self.doc.get("title", "") if self.doc else "")
            for i, sc in enumerate(self.doc["scenes"] if self.doc else ()):
                item = QListWidgetItem(self._scene_label(i, sc))
                item.setData(ROLE, i)
                icon = self.icons.get(i)
                if icon is not None:
                    item.setIcon(icon)
                self.scenes.addItem(item)
            if self.doc and self.doc["scenes"]:
                self.scenes.setCurrentRow(max(0, min(row, len(self.doc["scenes"]) - 1)))
        finally:
            self._filling = False
        self._show_scene(self.scenes.currentRow())
        self._show_status()
        self._refresh_buttons()

    def _scene_label(self, i: int, sc: dict) -> str:
        text = f"{i + 1}. {sc.get('title', '')}"
        r = self.rehearsal
        if r is not None and not self.modified and i < len(r.checks):
            c = r.checks[i]
            text += "\n" + ("✓ reproduces" if c.ok else ("✗ " + c.message))
        return text

    def _show_status(self) -> None:
        if self.doc is None:
            return
        n = len(self.doc["scenes"])
        parts = [f"{n} scene{'s' * (n != 1)}"]
        if self.path:
            parts.append(os.path.basename(self.path))
        if self.modified:
            parts.append("changed, not saved")
        r = self.rehearsal
        if self._rehearsing is not None:
            parts.append("rehearsing…")
        elif r is not None and not self.modified:
            if r.error:
                parts.append(f"rehearsal stopped: {r.error}")
            elif r.bad:
                parts.append(
                    f"{len(r.bad)} scene{'s' * (len(r.bad) != 1)} no longer reproduce: "
                    + ", ".join(str(s + 1) for s in r.bad)
                )
            elif r.unrehearsed:
                parts.append("not rehearsed yet (Save stores the fingerprints)")
            else:
                parts.append("every scene reproduces")
        self.status.setText(" · ".join(parts))

    @Slot(int)
    def _show_scene(self, row: int) -> None:
        self._scene = row
        sc = self._scene_dict()
        self._filling = True
        try:
            self.scene_title.setText(sc.get("title", "") if sc else "")
            self.scene_text.setPlainText(sc.get("text", "") if sc else "")
            self.scene_notes.setPlainText(sc.get("notes", "") if sc else "")
            self.beats.clear()
            for j, b in enumerate(sc.get("beats", []) if sc else ()):
                item = QListWidgetItem(f"{j + 1}. {beat_summary(b)}")
                item.setData(ROLE, j)
                self.beats.addItem(item)
        finally:
            self._filling = False
        self._refresh_buttons()

    def _scene_dict(self) -> dict | None:
        if self.doc is None or not 0 <= self._scene < len(self.doc["scenes"]):
            return None
        return self.doc["scenes"][self._scene]

    def _title_edited(self) -> None:
        if self.doc is None or self.title_edit.text() == self.doc.get("title"):
            return
        title = self.title_edit.text()
        self._edit(lambda d: d.__setitem__("title", title))
        self._changed()

    def _scene_field(self, key: str) -> None:
        if self._filling or self._scene_dict() is None:
            return
        widget = {"title": self.scene_title, "text": self.scene_text, "notes": self.scene_notes}[
            key
        ]
        value = widget.text() if key == "title" else widget.toPlainText()
        sc = self._scene_dict()
        if sc.get(key, "") == value:
            return
        i = self._scene

        def change(d: dict) -> None:
            if value or key == "title":
                d["scenes"][i][key] = value
            else:
                d["scenes"][i].pop(key, None)

        self._edit(change)
        try:
            self.book = playbook_from_dict(copy.deepcopy(self.doc))
            self.error = ""
        except LoadError as exc:
            self.book, self.error = None, str(exc)
        self.error_label.setText(self.error)
        self.error_label.setVisible(bool(self.error))
        item = self.scenes.item(i)
        if item is not None and key == "title":
            item.setText(self._scene_label(i, self.doc["scenes"][i]))
        self._show_status()
        self._refresh_buttons()

    def _scenes_moved(self, *_args) -> None:
        if self._filling or self.doc is None:
            return
        order = [self.scenes.item(r).data(ROLE) for r in range(self.scenes.count())]
        if order == list(range(len(order))):
            return
        icons = {new: self.icons[old] for new, old in enumerate(order) if old in self.icons}
        self._edit(lambda d: d.__setitem__("scenes", [d["scenes"][k] for k in order]))
        self.icons = icons
        self._changed(select=self.scenes.currentRow())

    def _beats_moved(self, *_args) -> None:
        sc = self._scene_dict()
        if self._filling or sc is None:
            return
        order = [self.beats.item(r).data(ROLE) for r in range(self.beats.count())]
        if order == list(range(len(order))):
            return
        i = self._scene

        def change(d: dict) -> None:
            s = d["scenes"][i]
            s["beats"] = [s["beats"][k] for k in order]
            s.pop("rehearsal", None)

        self._edit(change)
        self._changed()

    def add_beat(self, kind: str) -> None:
        if self._scene_dict() is None:
            return
        beat: dict | None = {"type": kind}
        if kind in NEEDS_DIALOG:
            beat = self._ask_beat(kind, None)
        if beat is not None:
            self.insert_beat(beat)

    def _ask_beat(self, kind: str, old: dict | None) -> dict | None:
        """The beat the dialog describes (``old`` filled in), or None if cancelled."""
        dialog = BeatDialog(kind, old, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.beat()
        finally:
            dialog.deleteLater()

    def insert_beat(self, beat: dict, at: int | None = None) -> None:
        """``beat`` into the selected scene, after the selected beat (or at ``at``)."""
        i = self._scene
        if at is None:
            row = self.beats.currentRow()
            at = row + 1 if row >= 0 else self.beats.count()

        def change(d: dict) -> None:
            d["scenes"][i]["beats"].insert(at, beat)
            d["scenes"][i].pop("rehearsal", None)

        self._edit(change)
        self._changed()
        self.beats.setCurrentRow(at)

    def _edit_beat(self, item: QListWidgetItem) -> None:
        sc = self._scene_dict()
        if sc is None:
            return
        j = item.data(ROLE)
        old = sc["beats"][j]
        kind = old.get("type", "show")
        beat = self._ask_beat(kind, old)
        if beat is None:
            return
        i = self._scene

        def change(d: dict) -> None:
            d["scenes"][i]["beats"][j] = beat
            d["scenes"][i].pop("rehearsal", None)

        self._edit(change)
        self._changed()

    def remove_beat(self) -> None:
        row = self.beats.currentRow()
        if self._scene_dict() is None or row < 0:
            return
        i = self._scene

        def change(d: dict) -> None:
            del d["scenes"][i]["beats"][row]
            d["scenes"][i].pop("rehearsal", None)

        self._edit(change)
        self._changed()

    def remove_scene(self) -> None:
        row = self.scenes.currentRow()
        if self.doc is None or row < 0:
            return
        self._edit(lambda d: d["scenes"].pop(row))
        self.icons = {k - (k > row): v for k, v in self.icons.items() if k != row}
        self._changed(select=max(0, row - 1))
        self.w.statusBar().showMessage("scene removed (Undo in the dock brings it back)", 6000)

    # --- playing ---------------------------------------------------------------------------------
    def _scene_clicked(self, item: QListWidgetItem) -> None:
        """A click jumps there in the lecture given (the same playbook, unchanged)."""
        i = item.data(ROLE)
        if self.lecture.active and self.played is self.book and self.book is not None:
            self.lecture.goto(i)

    def preview(self) -> None:
        """The selected scene played in the window (the playbook as edited)."""
        if self.book is None:
            self.w.statusBar().showMessage(f"Put this right first: {self.error}", 8000)
            return
        scene = max(0, self.scenes.currentRow())
        book = self.book
        from .playbook_lecture import build_host

        def build(stop):
            return None if stop.is_set() else (book, build_host(book, scene))

        self.w.files.io.run(Task("preview playbook", build, weak_done(self, "_previewed")))

    def _previewed(self, result) -> None:
        if isinstance(result, BaseException):
            self.w.banner.show_message(f"Could not preview: {result}", "error")
        elif result is not None:
            book, host = result
            self.lecture.begin(book, host, self.path)

    @Slot(object)
    def _on_state(self, state) -> None:
        if self.played is not self.book or self._filling:
            return
        if self.scenes.currentRow() != state.scene:
            self._filling = True
            try:
                self.scenes.setCurrentRow(state.scene)
            finally:
                self._filling = False
            self._show_scene(state.scene)
        if 0 <= state.beat < self.beats.count():
            self.beats.setCurrentRow(state.beat)
        self.refresh_notes()

    def refresh_notes(self) -> None:
        """The presenter's notes: the scene's, a note beat's, what comes next."""
        st = self.lecture.state
        book = self.lecture.book
        if st is None or book is None:
            return
        scene = book.scenes[st.scene]
        parts = [f"<b>{st.scene + 1}/{len(book.scenes)} {_html_escape(scene.title)}</b>"]
        if scene.notes:
            parts.append(_html_escape(scene.notes))
        if st.view.note:
            parts.append(f"<b>Note:</b> {_html_escape(st.view.note)}")
        nxt = st.beat + 1
        if nxt < len(scene.beats):
            parts.append(f"<i>Next: {_html_escape(beat_summary(scene.beats[nxt].to_dict()))}</i>")
        elif st.scene + 1 < len(book.scenes):
            parts.append(f"<i>Next: scene {st.scene + 2}, {book.scenes[st.scene + 1].title}</i>")
        text = "<br>".join(parts)
        self.notes_label.setText(text)
        if self.notes_window is not None:
            self.notes_window.set_text(text)

    # --- rehearsal -------------------------------------------------------------------------------
    def start_rehearsal(self, book: Playbook) -> None:
        """Play the playbook off the GUI thread: which scenes no longer reproduce, and a
        thumbnail of each scene's start."""
        if self._rehearsing is not None:
            self._rehearsing.cancel()
        task = Task(
            "rehearse",
            lambda stop: rehearse_in_background(book, stop),
            weak_done(self, "_rehearsed"),
        )
        self._rehearsing = self.w.files.io.run(task)
        self._show_status()

    def _rehearsed(self, result) -> None:
        self._rehearsing = None
        if isinstance(result, BaseException):
            self.status.setText(f"The rehearsal failed: {result}")
            return
        if result is None or result.book is not self.book:
            self._show_status()
            return
        self.rehearsal = result
        for i, pic in enumerate(result.pictures):
            if pic is not None:
                self.icons[i] = picture_icon(pic, ICON)
        self._fill_scenes()
        bad = result.bad
        if bad:
            n = len(bad)
            self.w.banner.show_message(
                f"{n} scene{'s' * (n != 1)} of this playbook no longer reproduce"
                f"{'s' * (n == 1)} ({', '.join(str(s + 1) for s in bad)}): the Playbook dock "
                "says what differs. Rehearse it again with Save.",
                "warning",
            )

    @property
    def rehearsing(self) -> bool:
        return self._rehearsing is not None

    # --- saving ----------------------------------------------------------------------------------
    def save_dialog(self) -> None:
        if self.doc is None:
            return
        if self.book is None:
            self.w.banner.show_message(f"The playbook is not saved: {self.error}", "error")
            return
        start = self.path or self.w.files.start_path("lecture.json")
        path, _ = QFileDialog.getSaveFileName(self.w, "Save playbook", start, "Playbooks (*.json)")
        if path:
            self.save(path)

    def save(self, path: str) -> None:
        """Rehearse and write (a background task; the window waits for it before closing)."""
        book = self.book
        if book is None:
            self.w.banner.show_message(f"The playbook is not saved: {self.error}", "error")
            return

        self.w.statusBar().showMessage(f"rehearsing and saving {path}…")
        self.w.files.io.run(
            Task(
                "save playbook",
                lambda stop: save_rehearsed(path, book, stop),
                weak_done(self, "_saved", path),
                writes=True,
            )
        )

    def _saved(self, path: str, result) -> None:
        if isinstance(result, BaseException):
            self.w.banner.show_message(f"Could not save {path}: {result}", "error")
            return
        self.path = path
        self.modified = False
        self.w.statusBar().showMessage(result, 8000)
        self._show_status()
        self.w.files.folder_used(path)

    # --- the window ------------------------------------------------------------------------------
    def _refresh_buttons(self) -> None:
        has = self.doc is not None
        valid = self.book is not None
        for b in (self.remove_scene_button, self.undo_button):
            b.setEnabled(has)
        self.undo_button.setEnabled(bool(self._undo))
        self.preview_button.setEnabled(valid)
        self.save_button.setEnabled(valid)
        self.add_beat_button.setEnabled(self._scene_dict() is not None)
        self.remove_beat_button.setEnabled(self._scene_dict() is not None)
        menus = getattr(self.lecture, "menus", None)
        if menus is not None:
            menus.refresh()

    def _on_presenting(self, on: bool) -> None:
        if on:
            self._was_open = self.isVisible()
            self.hide()
        elif self._was_open:
            self.show()

    def _on_visible(self, visible: bool) -> None:
        w = self.w
        if not w.isVisible() or w.fit.presenting or w.fit.busy:
            return
        if visible:
            w.fit.settle()
            if not w.fit.fits() and w.controls.isVisibleTo(w):
                # a small screen holds the dock or the control panels beside the canvas:
                # the dock, while it is open (F6 brings the panels back)
                self._folded_controls = True
                w.set_controls_open(False)
        elif getattr(self, "_folded_controls", False):
            self._folded_controls = False
            w.set_controls_open(True)
        w.fit.toggled("playbook", bool(visible))
