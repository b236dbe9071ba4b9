"""What the app remembers between sessions (QSettings).

Recent lessons (File → Recent lessons), the last folder a file dialog was used in (every
one starts there), the window's geometry and dock layout, the font scale and the presentation
preferences (crisp boundary, log-scale loss). The store is the platform's usual one
(an INI file under ~/.config on Linux); ``BACKPROP_LAB_SETTINGS=/path/file.ini`` or the
``path`` argument puts it in a given file instead (the tests use a temporary one).

Nothing here may break the window: a value that is missing, of the wrong type or out of
range is ignored and the default kept.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QMainWindow, QMenu

from .lesson_files import LessonFiles
from .safety import guarded

ENV_PATH = "BACKPROP_LAB_SETTINGS"
MAX_RECENT = 8
FONT_SCALE_RANGE = (0.6, 3.0)


def open_settings(path: str | os.PathLike | None = None) -> QSettings:
    path = path or os.environ.get(ENV_PATH)
    if path:
        return QSettings(os.fspath(path), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "backprop-lab", "app")


class Settings:
    """Typed access to the stored values."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.q = open_settings(path)

    # --- recent lessons and the last folder -------------------------------------------
    def recent_lessons(self) -> list[str]:
        raw = self.q.value("recent/lessons", [])
        if isinstance(raw, str):  # QSettings returns a lone entry as a string
            raw = [raw]
        if not isinstance(raw, list):
            return []
        return [str(p) for p in raw if isinstance(p, str) and p][:MAX_RECENT]

    def add_recent(self, lesson: str) -> None:
        items = [lesson, *(p for p in self.recent_lessons() if p != lesson)][:MAX_RECENT]
        self.q.setValue("recent/lessons", items)

    def forget_recent(self, lesson: str) -> None:
        self.q.setValue("recent/lessons", [p for p in self.recent_lessons() if p != lesson])

    def last_folder(self) -> str:
        v = self.q.value("recent/folder", "")
        return v if isinstance(v, str) and v and os.path.isdir(v) else ""

    def set_last_folder(self, folder: str) -> None:
        self.q.setValue("recent/folder", folder)

    # --- view --------------------------------------------------------------------------
    def font_scale(self) -> float | None:
        try:
            v = float(self.q.value("view/font_scale", "nan"))
        except (TypeError, ValueError):
            return None
        lo, hi = FONT_SCALE_RANGE
        return v if math.isfinite(v) and lo <= v <= hi else None

    def flag(self, key: str) -> bool | None:
        v = self.q.value(f"view/{key}")
        if isinstance(v, bool):
            return v
        if v in ("true", "false"):
            return v == "true"
        return None

    def sync(self) -> None:
        self.q.sync()


class RememberedWindow(QObject):
    """Restores a main window's remembered state, keeps File → Recent lessons, and saves
    the state when the window closes.

    ``files`` opens and saves lessons (its dialogs start in the last folder used);
    ``file_menu`` gets Recent lessons before its action ``save``; ``autosave_folder``
    holds autosaves, which are no lessons of the user's; ``set_font_scale`` and
    ``chosen_scale`` give and take the type size chosen; ``crisp_box`` and
    ``log_loss_box`` are the view preferences kept."""

    def __init__(
        self,
        window: QMainWindow,
        settings: Settings,
        *,
        files: LessonFiles,
        file_menu: QMenu,
        save: QAction,
        autosave_folder: Path,
        set_font_scale: Callable[[float], None],
        chosen_scale: Callable[[], float],
        crisp_box: QCheckBox,
        log_loss_box: QCheckBox,
    ):
        super().__init__(window)
        self.window, self.settings = window, settings
        self.files = files
        self.autosave_folder = Path(autosave_folder)
        self.set_font_scale = set_font_scale
        self.chosen_scale = chosen_scale
        self.crisp_box, self.log_loss_box = crisp_box, log_loss_box
        self.recent_menu = QMenu("Recent lessons", window)
        file_menu.insertMenu(save, self.recent_menu)
        # a lesson file opened or saved goes on the recent list and sets the last folder,
        # once it has really been read or written (a file that fails to load is not
        # listed): every way (menus, dialogs, ``open_lesson``) ends in these two signals
        files.opened.connect(self._on_file_done)
        files.saved.connect(self._on_file_done)
        # every file dialog (open, save, import, export) starts in the last folder used,
        # and a file written or read through one makes its folder the last
        files.start_folder = self.settings.last_folder
        files.folder_used = self.remember_folder
        self.refresh_recent_menu()
        window.installEventFilter(self)

    @Slot(str, object)
    def _on_file_done(self, path: str, _key: object) -> None:
        if Path(path).parent == self.autosave_folder:
            return  # a restored autosave is no lesson of the user's
        self.remember_file(path)

    def remember_folder(self, path) -> None:
        """The folder of a file the user picked (an import, an export) is the last one."""
        folder = Path(os.fspath(path)).resolve().parent
        if folder.is_dir():
            self.settings.set_last_folder(str(folder))

    def remember_file(self, path, must_exist: bool = True) -> None:
        p = os.fspath(path)
        if must_exist and not os.path.exists(p):  # a built-in lesson by name: no file
            return
        full = str(Path(p).resolve())
        self.settings.add_recent(full)
        self.settings.set_last_folder(str(Path(full).parent))
        self.refresh_recent_menu()

    def refresh_recent_menu(self) -> None:
        m = self.recent_menu
        m.clear()
        recent = self.settings.recent_lessons()
        for path in recent:
            a = QAction(os.path.basename(path), m)
            a.setToolTip(path)
            a.setStatusTip(path)
            a.triggered.connect(lambda _c=False, p=path: self.open_recent(p))
            m.addAction(a)
        if not recent:
            empty = m.addAction("(none yet)")
            empty.setEnabled(False)
        else:
            m.addSeparator()
            m.addAction("Clear the list", self.clear_recent)

    def open_recent(self, path: str) -> bool:
        if not os.path.exists(path):
            self.settings.forget_recent(path)
            self.refresh_recent_menu()
            self.window.statusBar().showMessage(f"{path} no longer exists", 8000)
            return False
        return self.files.open_lesson(path)

    def clear_recent(self) -> None:
        self.settings.q.remove("recent/lessons")
        self.refresh_recent_menu()

    # --- restore and save -----------------------------------------------------------------
    def restore(self, font_scale: float | None = None) -> None:
        """Geometry, dock layout and view preferences; an explicit ``font_scale`` (from the
        command line) wins over the stored one."""
        w, q = self.window, self.settings.q
        geometry, state = q.value("window/geometry"), q.value("window/state")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            w.restoreGeometry(geometry)
        if isinstance(state, QByteArray) and not state.isEmpty():
            w.restoreState(state)
        scale = font_scale if font_scale is not None else self.settings.font_scale()
        if scale is not None:
            self.set_font_scale(scale)
        crisp = self.settings.flag("crisp")
        if crisp is not None:
            self.crisp_box.setChecked(crisp)
        log_loss = self.settings.flag("log_loss")
        if log_loss is not None:
            self.log_loss_box.setChecked(log_loss)

    def save(self) -> None:
        w, q = self.window, self.settings.q
        q.setValue("window/geometry", w.saveGeometry())
        q.setValue("window/state", w.saveState())
        # the size chosen, not one fitted or presentation mode's
        q.setValue("view/font_scale", float(self.chosen_scale()))
        q.setValue("view/crisp", bool(self.crisp_box.isChecked()))
        q.setValue("view/log_loss", bool(self.log_loss_box.isChecked()))
        q.sync()

    @guarded(default=False)
    def eventFilter(self, obj, ev) -> bool:  # noqa: N802
        if obj is self.window and ev.type() == QEvent.Type.Close:
            try:
                self.save()
            except Exception as exc:  # noqa: BLE001 - never let a Qt virtual raise
                print(f"backprop-lab: could not save the settings: {exc}")
        return False
