"""The Help menu: a keys overlay (F1 or ?) listing every shortcut, and an About box.

The overlay reads the shortcuts from the window's actions when it opens, so a shortcut
added anywhere in the window appears without editing a list here. Keys that are not
actions (the canvas's class keys and mouse gestures) are listed in ``EXTRA_KEYS``.
"""

from __future__ import annotations

import platform

import numpy as np
from backprop_lab.gui.safety import guarded
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backprop_lab import __version__

HELP_KEYS = ("F1", "?")
# an action whose text changes with the situation ("Undo new data") names its key here
KEYS_NAME = "keysName"
# handled by the canvas's key and mouse events rather than by actions
EXTRA_KEYS = (
    ("1 … 8", "Class of new points (canvas)"),
    ("0 … 9, Enter", "Go to scene N (a lecture, in presentation mode)"),
    ("Click / drag", "Add points / paint a stroke (Draw tool)"),
    ("Right-click", "Remove the nearest point"),
    ("Wheel", "Zoom the canvas"),
)


def _plain(text: str) -> str:
    return text.replace("&", "").replace("…", "").strip()


def shortcut_rows(window: QWidget) -> list[tuple[str, str]]:
    """(keys, what they do) for every action of the window with a shortcut, sorted by
    what they do, then the keys that are not actions."""
    rows: dict[str, tuple[str, str]] = {}
    for action in window.findChildren(QAction):
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        name = action.property(KEYS_NAME) or _plain(action.text())
        if keys and name:
            rows.setdefault(name, (", ".join(keys), name))
    return sorted(rows.values(), key=lambda r: r[1].lower()) + list(EXTRA_KEYS)


class KeysOverlay(QDialog):
    """A table of every shortcut; Esc, F1 or the button closes it."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setWindowTitle("Keys — Backprop Lab")
        lay = QVBoxLayout(self)
        intro = QLabel(
            "Shortcuts work anywhere in the window, except while you type into a box or "
            "adjust a slider you clicked (Enter or Esc ends that). "
            "A presenter clicker's PageDown / PageUp step forward and back; while the "
            "inspector is open they walk the step phase by phase. In presentation mode its "
            "blank-screen key (B or .) plays and pauses. While a lecture playbook is "
            "given, they play its beats, and Esc must be pressed twice to leave."
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for i, (keys, what) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(keys))
            self.table.setItem(i, 1, QTableWidgetItem(what))
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no current-cell frame
        self.table.setWordWrap(False)
        self.table.resizeRowsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(520, 720)

    def rows(self) -> list[tuple[str, str]]:
        t = self.table
        return [(t.item(i, 0).text(), t.item(i, 1).text()) for i in range(t.rowCount())]

    @guarded
    def keyPressEvent(self, ev) -> None:  # noqa: N802
        if ev.key() == Qt.Key.Key_F1:
            self.reject()
            return
        super().keyPressEvent(ev)


def about_text() -> str:
    import pyqtgraph
    import PySide6

    return (
        f"<h3>Backprop Lab {__version__}</h3>"
        "<p>Neural-network training made visible: draw 2-D data, design the layers, "
        "train with stochastic gradient descent, and watch the backward signal δ of "
        "every layer.</p>"
        "<p>The maths follows the week-5 lecture notes, with their misprints corrected "
        "(docs/corrections.md in the source).</p>"
        "<p>MIT licence · © Backprop Lab contributors</p>"
        f"<p><small>Python {platform.python_version()} · PySide6 {PySide6.__version__} · "
        f"pyqtgraph {pyqtgraph.__version__} · NumPy {np.__version__}</small></p>"
    )


def about_box(window: QWidget) -> QMessageBox:
    box = QMessageBox(window)
    box.setWindowTitle("About Backprop Lab")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_text())
    icon = window.windowIcon()
    if not icon.isNull():
        box.setIconPixmap(icon.pixmap(64, 64))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


class HelpMenu:
    """Adds Help → Keys… and Help → About to a main window; keeps the open dialogs."""

    def __init__(self, window: QMainWindow):
        self.window = window
        self.overlay: KeysOverlay | None = None
        self.about: QMessageBox | None = None
        menu = window.menuBar().addMenu("&Help")
        self.menu = menu
        self.keys_action = QAction("Keys…", window)
        self.keys_action.setShortcuts([QKeySequence(k) for k in HELP_KEYS])
        self.keys_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.keys_action.triggered.connect(self.show_keys)
        self.about_action = QAction("About Backprop Lab", window)
        self.about_action.triggered.connect(self.show_about)
        menu.addAction(self.keys_action)
        menu.addAction(self.about_action)
        window.addAction(self.keys_action)

    def show_keys(self) -> KeysOverlay:
        if self.overlay is None or not self.overlay.isVisible():
            self.overlay = KeysOverlay(self.window)
        self.overlay.show()
        self.overlay.raise_()
        return self.overlay

    def show_about(self) -> QMessageBox:
        self.about = about_box(self.window)
        self.about.open()  # not exec(): the window (and training) keeps running
        return self.about


def window_icon() -> QIcon:
    """The app's icon (the packaged PNG); a null icon if the file is missing."""
    from backprop_lab.resources import ICON, asset_path

    try:
        return QIcon(asset_path(ICON))
    except FileNotFoundError:
        return QIcon()


def install(window: QMainWindow) -> HelpMenu:
    """The icon and the Help menu on ``window``."""
    icon = window_icon()
    if not icon.isNull():
        window.setWindowIcon(icon)
    return HelpMenu(window)
