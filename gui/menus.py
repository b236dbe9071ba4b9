"""The main window's menus, actions and keyboard shortcuts.

Every action is added to the window too, so its shortcut works wherever the focus is
(``WindowShortcut``). The actions call the window's public methods and its
``LessonFiles``; nothing here holds state of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backprop_lab.resources import list_lessons
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from .clicker import WALK_PRIORITY, Clicker, WalkMode
from .help import KEYS_NAME
from .lesson_files import lesson_title

if TYPE_CHECKING:
    from .main_window import MainWindow

FONT_STEP = 1.15  # Ctrl+= / Ctrl+- scale the type by this factor


def _act(window: MainWindow, menu: QMenu, text, slot, shortcuts=(), checkable=False) -> QAction:
    a = QAction(text, window)
    if shortcuts:
        a.setShortcuts([QKeySequence(s) for s in shortcuts])
    a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    a.setCheckable(checkable)
    a.triggered.connect(slot)
    menu.addAction(a)
    window.addAction(a)
    return a


def build_menus(w: MainWindow) -> None:
    """File, Edit, Train and View; the actions tests and the inspector use are kept on the
    window (``w.open_action``, ``w.play_action``, ``w.lesson_actions`` …)."""
    mb = w.menuBar()
    files = w.files

    f = mb.addMenu("&File")
    w.new_action = _act(w, f, "New", files.new_session, ["Ctrl+N"])
    w.open_action = _act(w, f, "Open lesson…", files.open_lesson_dialog, ["Ctrl+O"])
    lessons = f.addMenu("Built-in lessons")
    w.lesson_actions = {}
    for name in list_lessons():
        a = lessons.addAction(lesson_title(name))
        a.triggered.connect(lambda _c=False, n=name: w.open_lesson(n))
        w.lesson_actions[name] = a
    w.save_action = _act(w, f, "Save lesson…", files.save_lesson_dialog, ["Ctrl+S"])
    f.addSeparator()
    w.import_action = _act(w, f, "Import CSV…", files.import_csv_dialog, ["Ctrl+I"])
    w.export_action = _act(w, f, "Export image…", files.export_image_dialog, ["Ctrl+E"])
    f.addSeparator()
    _act(w, f, "Quit", w.close, ["Ctrl+Q"])

    e = mb.addMenu("&Edit")
    e.addAction(w.canvas.undo_action)
    e.addAction(w.canvas.redo_action)
    # their menu text names what they undo ("Undo new data"); the keys list names the key
    w.canvas.undo_action.setProperty(KEYS_NAME, "Undo")
    w.canvas.redo_action.setProperty(KEYS_NAME, "Redo")
    e.addSeparator()
    _act(w, e, "Clear points", w.canvas.clear_points)

    t = mb.addMenu("&Train")
    w.play_action = _act(w, t, "Play / pause", w.toggle_play, ["Space"])
    # a presenter clicker's PageDown / PageUp (and → / ←, B, "."): a step forward or back,
    # or a phase while the inspector walks a step (gui/clicker.py routes them)
    w.clicker = Clicker(w)
    w.clicker.make_actions(t)
    w.step_action = w.clicker.forward_action
    w.back_action = w.clicker.back_action
    w.blank_action = w.clicker.blank_action
    w.step10_action = _act(w, t, "Step 10", lambda: w.step(10), ["Shift+Right"])
    w.epoch_action = _act(w, t, "One epoch", w.step_epoch, ["Ctrl+Right"])
    w.reset_action = _act(w, t, "Reset parameters", w.reset, ["R"])

    v = mb.addMenu("&View")
    w.presentation_action = _act(w, v, "Presentation mode", w.toggle_presentation, ["F5"], True)
    w.presentation_action.toggled.connect(lambda _on: w.clicker.refresh())
    _act(w, v, "Larger font", lambda: w.change_font(FONT_STEP), ["Ctrl+=", "Ctrl++"])
    _act(w, v, "Smaller font", lambda: w.change_font(1 / FONT_STEP), ["Ctrl+-"])
    _act(w, v, "Normal font", w.normal_font, ["Ctrl+0"])
    w.fullscreen_action = _act(w, v, "Full screen", w.toggle_fullscreen, ["F11"], True)
    w.drawer_action = _act(w, v, "Control panels", w.toggle_controls, ["F6"])
    # Esc leaves full screen, then presentation mode (and does nothing otherwise)
    w.escape_action = _act(w, v, "Leave full screen / presentation", w.fit.escape, ["Esc"])
    w.fit.arm_escape()
    v.addSeparator()
    w.network_view_action = _act(
        w, v, "Network diagram beside the canvas", w.set_network_view, ["G"], True
    )
    # hidden space beside the canvas (gui/hidden_panel.py)
    w.hidden.action = _act(
        w, v, "Hidden space beside the canvas", w.hidden.set_panel_open, ["H"], True
    )
    w.notes_action = _act(w, v, "Lesson notes", w.notes.set_wanted, [], True)
    w.notes_action.setChecked(True)
    _act(w, v, "Reset canvas view", w.canvas.reset_view, ["Home"])
    group = QActionGroup(w)
    for name, key in (("draw", "D"), ("erase", "E"), ("pan", "P"), ("pick", "K")):
        a = _act(w, v, f"Tool: {name}", lambda _c=False, n=name: w.set_tool(n), [key], True)
        group.addAction(a)


def build_inspect_menu(w: MainWindow) -> None:
    """The Inspect menu over the inspector dock: key I toggles it, the phase keys work
    from the whole window and open it."""
    dock, ins = w.inspector_dock, w.inspector
    toggle = dock.toggleViewAction()
    toggle.setText("Backprop inspector")
    toggle.setShortcut(QKeySequence("I"))
    toggle.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    w.addAction(toggle)
    w.inspector_action = toggle
    menu = w.menuBar().addMenu("&Inspect")
    menu.addAction(toggle)
    menu.addSeparator()
    for a in (ins.next_action, ins.previous_action, ins.finish_action):
        a.triggered.connect(dock.show)
        menu.addAction(a)
    w.clicker.add_mode(WalkMode(w), WALK_PRIORITY)  # PageDown / PageUp walk an open walk
    menu.addSeparator()
    pick = QAction("Pick a point to trace", w)
    pick.triggered.connect(lambda: w.set_tool("pick"))
    menu.addAction(pick)
