"""The main window's menus, their actions and keyboard shortcuts: what is in which menu,
under which key.

``Menus`` builds the menu bar (File, Edit, Train, View, Inspect) and hands back every
action by name (``Menus.actions``, an ``Actions``); it connects none of them: the window
wires each to what it does (gui/main_window.py). Every action with a shortcut is added to
the window too, so its key works wherever the focus is (``WindowShortcut``).

A new feature adds its action with ``Menus.add(menus.view, "My view", ["M"], checkable=
True)`` and connects it; a menu of its own with ``Menus.add_menu("&Lecture")`` (placed
before Help). The keys overlay (F1, gui/help.py) lists the new key by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from backprop_lab.resources import list_lessons
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from .help import KEYS_NAME
from .lesson_files import lesson_title

FONT_STEP = 1.15  # Ctrl+= / Ctrl+- scale the type by this factor
TOOL_KEYS = (("draw", "D"), ("erase", "E"), ("pan", "P"), ("pick", "K"))


@dataclass(frozen=True)
class Actions:
    """Every action of the menu bar by name (the Export and Help menus keep theirs)."""

    # File
    new: QAction
    open: QAction
    lessons: dict[str, QAction]  # the built-in lessons, by name
    save: QAction
    import_csv: QAction
    export_image: QAction
    quit: QAction
    # Edit (undo and redo are the canvas's own actions)
    undo: QAction
    redo: QAction
    clear_points: QAction
    # Train (step, back and blank are the clicker's: gui/clicker.py)
    play: QAction
    step: QAction
    back: QAction
    blank: QAction
    step10: QAction
    epoch: QAction
    reset: QAction
    # View
    presentation: QAction
    larger_font: QAction
    smaller_font: QAction
    normal_font: QAction
    fullscreen: QAction
    controls: QAction
    escape: QAction
    network_view: QAction
    notes: QAction
    reset_view: QAction
    tools: dict[str, QAction]  # draw, erase, pan, pick
    # Inspect
    inspector: QAction
    pick: QAction


class Menus:
    """The menu bar of ``window``. ``undo`` and ``redo`` are the canvas's actions,
    ``clicker`` the clicker's three (next, back, blank), ``inspector`` the inspector
    dock's toggle and ``walk`` the inspector's phase actions."""

    def __init__(
        self,
        window: QMainWindow,
        *,
        undo: QAction,
        redo: QAction,
        clicker: Sequence[QAction],
        inspector: QAction,
        walk: Iterable[QAction],
    ):
        self.window = window
        bar = window.menuBar()
        add = self.add

        self.file = f = bar.addMenu("&File")
        new = add(f, "New", ["Ctrl+N"])
        open_ = add(f, "Open lesson…", ["Ctrl+O"])
        self.lessons = f.addMenu("Built-in lessons")
        lessons = {name: self.lessons.addAction(lesson_title(name)) for name in list_lessons()}
        save = add(f, "Save lesson…", ["Ctrl+S"])
        f.addSeparator()
        import_csv = add(f, "Import CSV…", ["Ctrl+I"])
        export_image = add(f, "Export image…", ["Ctrl+E"])
        f.addSeparator()
        quit_ = add(f, "Quit", ["Ctrl+Q"])

        self.edit = e = bar.addMenu("&Edit")
        e.addAction(undo)
        e.addAction(redo)
        # their menu text names what they undo ("Undo new data"); the keys list names the key
        undo.setProperty(KEYS_NAME, "Undo")
        redo.setProperty(KEYS_NAME, "Redo")
        e.addSeparator()
        clear_points = add(e, "Clear points")

        self.train = t = bar.addMenu("&Train")
        play = add(t, "Play / pause", ["Space"])
        # a presenter clicker's PageDown / PageUp (and → / ←, B, "."): a step forward or back,
        # or a phase while the inspector walks a step (gui/clicker.py routes them)
        step, back, blank = clicker
        for a in clicker:
            t.addAction(a)
        step10 = add(t, "Step 10", ["Shift+Right"])
        epoch = add(t, "One epoch", ["Ctrl+Right"])
        reset = add(t, "Reset parameters", ["R"])

        self.view = v = bar.addMenu("&View")
        presentation = add(v, "Presentation mode", ["F5"], checkable=True)
        larger = add(v, "Larger font", ["Ctrl+=", "Ctrl++"])
        smaller = add(v, "Smaller font", ["Ctrl+-"])
        normal = add(v, "Normal font", ["Ctrl+0"])
        fullscreen = add(v, "Full screen", ["F11"], checkable=True)
        controls = add(v, "Control panels", ["F6"])
        # Esc leaves full screen, then presentation mode (and does nothing otherwise)
        escape = add(v, "Leave full screen / presentation", ["Esc"])
        v.addSeparator()
        network_view = add(v, "Network diagram beside the canvas", ["G"], checkable=True)
        notes = add(v, "Lesson notes", checkable=True)
        notes.setChecked(True)
        reset_view = add(v, "Reset canvas view", ["Home"])
        self.tool_group = QActionGroup(window)
        tools = {}
        for name, key in TOOL_KEYS:
            tools[name] = add(v, f"Tool: {name}", [key], checkable=True)
            self.tool_group.addAction(tools[name])

        # the inspector dock: key I toggles it, the phase keys work from the whole window
        inspector.setText("Backprop inspector")
        inspector.setShortcut(QKeySequence("I"))
        inspector.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        window.addAction(inspector)
        self.inspect = i = bar.addMenu("&Inspect")
        i.addAction(inspector)
        i.addSeparator()
        for a in walk:
            i.addAction(a)
        i.addSeparator()
        pick = QAction("Pick a point to trace", window)
        i.addAction(pick)

        self.actions = Actions(
            new=new,
            open=open_,
            lessons=lessons,
            save=save,
            import_csv=import_csv,
            export_image=export_image,
            quit=quit_,
            undo=undo,
            redo=redo,
            clear_points=clear_points,
            play=play,
            step=step,
            back=back,
            blank=blank,
            step10=step10,
            epoch=epoch,
            reset=reset,
            presentation=presentation,
            larger_font=larger,
            smaller_font=smaller,
            normal_font=normal,
            fullscreen=fullscreen,
            controls=controls,
            escape=escape,
            network_view=network_view,
            notes=notes,
            reset_view=reset_view,
            tools=tools,
            inspector=inspector,
            pick=pick,
        )

    def add(
        self, menu: QMenu, text: str, keys: Sequence[str] = (), checkable: bool = False
    ) -> QAction:
        """A new action at the end of ``menu``, its ``keys`` working in the whole window.
        Connect its ``triggered`` (or ``toggled``) to what it does."""
        a = QAction(text, self.window)
        if keys:
            a.setShortcuts([QKeySequence(k) for k in keys])
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.setCheckable(checkable)
        menu.addAction(a)
        self.window.addAction(a)
        return a

    def add_menu(self, title: str) -> QMenu:
        """A menu of its own in the menu bar, before Help (at the end while there is none)."""
        bar = self.window.menuBar()
        menu = QMenu(title, bar)
        help_ = next((a for a in bar.actions() if a.text() == "&Help"), None)
        if help_ is not None:
            bar.insertMenu(help_, menu)
        else:
            bar.addMenu(menu)
        return menu

    def insert_after(self, menu: QMenu, anchor: QAction, submenu: QMenu) -> None:
        """``submenu`` in ``menu`` right after ``anchor`` (File → Export after Export
        image)."""
        actions = menu.actions()
        after = actions[actions.index(anchor) + 1 :] if anchor in actions else []
        if after:
            menu.insertMenu(after[0], submenu)
        else:
            menu.addMenu(submenu)
