"""A seeded random walk over the real main window, through real mouse and key events (QTest)
with real focus, checking the invariants after every action. Used by
tests/gui/test_monkey.py (a few hundred actions) and benchmarks/bench_monkey.py (thousands).

Invariants after each action, once a paint of the whole window has been forced:
* no Python exception (sys.excepthook) and no Qt warning (qInstallMessageHandler), and no
  engine error in the banner;
* the panels show what the engine trains (widths, features, hyper-parameters and points of
  the latest snapshot equal the panels' and the canvas's, once the engine has caught up);
* the points change only through undoable actions: a model of the undo stack, kept beside
  the walk, must agree with the canvas after every action, and an undo must bring back the
  exact points of the state before;
* a drag of a weight in the network diagram (up or down, plain, Shift or Ctrl) sets it to
  where it was when the drag began plus exactly what the hand moved (none if it is locked),
  the frame after it shows that value, and an undo of a drag brings θ back bit for bit.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QMessageBox,
    QWidget,
)

K = Qt.Key
M = Qt.KeyboardModifier
LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
# warnings of the offscreen test platform itself, not of the app
BENIGN_WARNINGS = ("propagateSizeHints", "QFont::setPointSizeF", "This plugin does not support")
APP_KEYS = [
    (K.Key_Space, M.NoModifier),
    (K.Key_Right, M.NoModifier),
    (K.Key_PageDown, M.NoModifier),
    (K.Key_Right, M.ShiftModifier),
    (K.Key_Right, M.ControlModifier),
    (K.Key_Left, M.NoModifier),
    (K.Key_PageUp, M.NoModifier),
    (K.Key_R, M.NoModifier),
    (K.Key_I, M.NoModifier),
    (K.Key_H, M.NoModifier),
    (K.Key_N, M.NoModifier),
    (K.Key_N, M.ShiftModifier),
    (K.Key_End, M.AltModifier),
    (K.Key_D, M.NoModifier),
    (K.Key_E, M.NoModifier),
    (K.Key_P, M.NoModifier),
    (K.Key_K, M.NoModifier),
    (K.Key_Home, M.NoModifier),
    (K.Key_Return, M.NoModifier),
    (K.Key_Escape, M.NoModifier),
    (K.Key_Tab, M.NoModifier),
    (K.Key_Up, M.NoModifier),
    (K.Key_Down, M.NoModifier),
    (K.Key_0, M.NoModifier),
    (K.Key_Backspace, M.NoModifier),
    (K.Key_W, M.NoModifier),  # the weight probe
    (K.Key_H, M.ControlModifier),  # an exercise's hint (a note when there is none)
    (K.Key_D, M.ControlModifier),  # compare: duplicate the focused run
    (K.Key_Tab, M.ControlModifier),  # compare: the next run has the focus
    (K.Key_W, M.ControlModifier),  # compare: close the focused run (never the last)
    *[(getattr(K, f"Key_{i}"), M.NoModifier) for i in range(1, 9)],
]
UNDO = (K.Key_Z, M.ControlModifier)
REDO = (K.Key_Z, M.ControlModifier | M.ShiftModifier)


class InvariantError(AssertionError):
    pass


@dataclass
class Problems:
    """What the capture hooks saw."""

    exceptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Capture:
    """sys.excepthook and Qt's message handler, recording (context manager)."""

    def __init__(self) -> None:
        self.problems = Problems()

    def __enter__(self) -> Capture:
        self._hook = sys.excepthook
        sys.excepthook = self._on_exception
        self._prev = qInstallMessageHandler(self._on_message)
        return self

    def __exit__(self, *exc) -> None:
        sys.excepthook = self._hook
        qInstallMessageHandler(self._prev)

    def _on_exception(self, tp, value, tb) -> None:
        self.problems.exceptions.append("".join(traceback.format_exception(tp, value, tb)))

    def _on_message(self, kind, context, text) -> None:
        if kind == QtMsgType.QtDebugMsg or kind == QtMsgType.QtInfoMsg:
            return
        if any(b in text for b in BENIGN_WARNINGS):
            return
        self.problems.warnings.append(f"{kind.name}: {text}")


class UndoModel:
    """The undo stack as the walk expects it (datasets by identity and by value)."""

    def __init__(self, initial, depth: int) -> None:
        self.states = [initial]
        self.i = 0
        self.depth = depth

    def push(self, ds) -> None:
        del self.states[self.i + 1 :]
        self.states.append(ds)
        self.i += 1
        if len(self.states) - 1 > self.depth:
            del self.states[0]
            self.i -= 1


class Monkey:
    """Drives ``window`` with ``rng``; ``step()`` runs one random action and checks."""

    def __init__(
        self,
        window,
        rng: np.random.Generator,
        tmp: Path,
        catch_up_s: float = 30.0,
        settle_ms: int = 0,
    ):
        self.settle_ms = settle_ms  # let the event loop run this long after each action
        self.w = window
        self.rng = rng
        self.tmp = Path(tmp)
        self.catch_up_s = catch_up_s
        self.model = UndoModel(window.canvas.dataset, window.canvas.history.max_depth)
        self.log: list[str] = []
        self.times: list[tuple[str, float, float, float]] = []  # name, action, paint, catch-up
        self.longest_action_s = 0.0
        self.longest_paint_s = 0.0
        self.longest_loop_stall_s = 0.0  # a 10 ms timer's longest gap while the loop runs
        self.longest_loop_stall_after = ""  # the action it followed
        self._ticking = False
        self._last_tick = 0.0
        from PySide6.QtCore import QTimer

        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self.saved: list[Path] = []
        self.slow: list[str] = []  # actions or paints over 200 ms, with the window's state
        self._paced = 0.0
        self.actions: list[tuple[str, Callable[[], None], float]] = [
            ("click canvas", self.click_canvas, 6),
            ("drag canvas", self.drag_canvas, 3),
            ("right-click canvas", lambda: self.click_canvas(RIGHT), 2),
            ("app key", self.app_key, 10),
            ("undo", lambda: self.key(*UNDO), 5),
            ("redo", lambda: self.key(*REDO), 3),
            ("spin arrow", self.spin_arrow, 8),
            ("type in field", self.type_in_field, 5),
            ("combo", self.combo, 5),
            ("slider", self.slider, 5),
            ("button", self.button, 10),
            ("checkbox", self.checkbox, 3),
            ("inspector", self.inspector, 4),
            ("hidden space", self.hidden_space, 4),
            ("wheel", self.wheel, 3),
            ("save lesson", self.save_lesson, 0.5),
            ("open lesson", self.open_lesson, 0.5),
            ("drag weight", self.drag_weight, 5),
            ("compare", self.compare, 3),
            ("run at max", self.run_at_max, 2),
        ]
        self.drag: tuple | None = None  # (ref, change) of the drag just made
        self.hand_before: dict[int, bytes] = {}  # a drag's mark → θ before it
        self.hand_checks = {"drag": 0, "undo": 0}  # how often each hand check ran
        self.lent_seen = 0  # "run at max" actions after which the runs were in the process
        self._weights = np.array([a[2] for a in self.actions], float)
        self._weights /= self._weights.sum()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._ticking and self._last_tick:
            gap = now - self._last_tick
            if gap > self.longest_loop_stall_s:
                self.longest_loop_stall_s = gap
                self.longest_loop_stall_after = self.log[-1] if self.log else ""
        self._last_tick = now

    def stop(self) -> None:
        self._timer.stop()

    # --- helpers ----------------------------------------------------------------------------
    def visible(self, widgets) -> list[QWidget]:
        return [x for x in widgets if x.isVisible() and x.isEnabled() and x.window() is self.w]

    def focus(self) -> QWidget:
        f = QApplication.focusWidget()
        if f is None or not f.isVisible():
            self.reactivate()
            f = QApplication.focusWidget() or self.w.canvas
        return f

    def reactivate(self) -> None:
        """The offscreen platform does not hand activation back after a popup or dialog."""
        if QApplication.activeWindow() is not self.w and QApplication.activeModalWidget() is None:
            self.w.activateWindow()
            QApplication.processEvents()

    def key(self, key, mods=M.NoModifier) -> None:
        QTest.keyClick(self.focus(), key, mods)

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    # --- actions ----------------------------------------------------------------------------
    def click_canvas(self, button=LEFT) -> None:
        vp = self.w.canvas.viewport()
        r = vp.rect()
        pos = QPoint(
            int(self.rng.integers(5, r.width() - 5)), int(self.rng.integers(5, r.height() - 5))
        )
        QTest.mouseClick(vp, button, M.NoModifier, pos)

    def drag_canvas(self) -> None:
        from PySide6.QtCore import QEvent, QPointF
        from PySide6.QtGui import QMouseEvent

        vp = self.w.canvas.viewport()
        r = vp.rect()
        pts = [
            QPoint(
                int(self.rng.integers(5, r.width() - 5)), int(self.rng.integers(5, r.height() - 5))
            )
            for _ in range(int(self.rng.integers(2, 6)))
        ]

        def send(kind, p, button, buttons):
            ev = QMouseEvent(
                kind, QPointF(p), QPointF(vp.mapToGlobal(p)), button, buttons, M.NoModifier
            )
            QApplication.sendEvent(vp, ev)

        send(QEvent.Type.MouseButtonPress, pts[0], LEFT, LEFT)
        for p in pts[1:]:
            t = time.perf_counter()
            QTest.qWait(12)  # pyqtgraph drops moves closer than 10 ms apart
            self._paced += time.perf_counter() - t  # a hand's pace, not a stall
            send(QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, LEFT)
        send(QEvent.Type.MouseButtonRelease, pts[-1], LEFT, Qt.MouseButton.NoButton)

    def app_key(self) -> None:
        self.key(*self.pick(APP_KEYS))

    def spin_arrow(self) -> None:
        spins = self.visible(self.w.findChildren(QAbstractSpinBox))
        if not spins:
            return
        s = self.pick(spins)
        h = s.height()
        y = h // 4 if self.rng.random() < 0.5 else 3 * h // 4
        QTest.mouseClick(s, LEFT, M.NoModifier, QPoint(s.width() - 5, y))

    def type_in_field(self) -> None:
        spins = self.visible(self.w.findChildren(QAbstractSpinBox))
        if not spins:
            return
        s = self.pick(spins)
        QTest.mouseClick(s, LEFT, M.NoModifier, QPoint(8, s.height() // 2))
        if self.rng.random() < 0.7:
            QTest.keyClick(self.focus(), K.Key_A, M.ControlModifier)
        for _ in range(int(self.rng.integers(0, 4))):
            ch = self.pick("0123456789.-")
            QTest.keyClicks(self.focus(), ch)
        end = self.pick(["enter", "esc", "tab", "click", "space", "stay"])
        if end == "enter":
            self.key(K.Key_Return)
        elif end == "esc":
            self.key(K.Key_Escape)
        elif end == "tab":
            self.key(K.Key_Tab)
        elif end == "click":
            self.button()
        elif end == "space":
            self.key(K.Key_Space)

    def combo(self) -> None:
        combos = self.visible(self.w.findChildren(QComboBox))
        if not combos:
            return
        c = self.pick(combos)
        QTest.mouseClick(c, LEFT)  # opens the list
        popup = QApplication.activePopupWidget()
        target = popup.focusWidget() if popup is not None and popup.focusWidget() else c
        for _ in range(int(self.rng.integers(0, 3))):
            QTest.keyClick(target, self.pick([K.Key_Down, K.Key_Up]))
        QTest.keyClick(target, self.pick([K.Key_Return, K.Key_Escape]))
        QApplication.processEvents()
        self.reactivate()

    def slider(self) -> None:
        sliders = [
            s
            for s in self.visible(self.w.findChildren(QAbstractSlider))
            if not s.inherits("QScrollBar")
        ]
        if not sliders:
            return
        s = self.pick(sliders)
        r = s.rect()
        pos = QPoint(int(self.rng.integers(2, max(3, r.width() - 2))), r.height() // 2)
        QTest.mouseClick(s, LEFT, M.NoModifier, pos)

    def run_at_max(self) -> None:
        """The speed slider to "max" (its End key) and Play, then let it run a moment: with
        nothing that keeps the runs in the engine thread, they go to the engine process
        (gui/engine_process.py); then Pause brings them back."""
        tp = self.w.training_panel
        if not tp.speed_slider.isVisible() or not tp.play_button.isEnabled():
            return
        tp.speed_slider.setFocus()
        QTest.keyClick(tp.speed_slider, K.Key_End)
        if not tp.play_button.isChecked():
            QTest.mouseClick(tp.play_button, LEFT)
        worker = self.w.controller.worker
        deadline = time.perf_counter() + 1.5
        t0 = time.perf_counter()
        while not worker.lent and time.perf_counter() < deadline:
            QTest.qWait(20)
        self.lent_seen += worker.lent
        QTest.qWait(100)
        # then pause (the runs come back from the process): the hand's checks model a
        # paused run, and a weight dragged while the steps go on moves under the hand
        if tp.play_button.isChecked():
            QTest.mouseClick(tp.play_button, LEFT)
        while worker.lent and time.perf_counter() - t0 < 5:
            QTest.qWait(10)
        self._paced += time.perf_counter() - t0
        self.reactivate()

    def button(self) -> None:
        buttons = [
            b
            for b in self.visible(self.w.findChildren(QAbstractButton))
            if not isinstance(b, QCheckBox)
            and b.text() not in ("Import CSV…",)
            and b.objectName() != "gradcheckButton"
        ]
        if buttons:
            QTest.mouseClick(self.pick(buttons), LEFT)

    def checkbox(self) -> None:
        boxes = self.visible(self.w.findChildren(QCheckBox))
        if boxes:
            QTest.mouseClick(self.pick(boxes), LEFT)

    def inspector(self) -> None:
        if not self.w.inspector_dock.isVisible():
            self.key(K.Key_I)
            return
        ins = self.w.inspector
        choice = self.pick(["next", "prev", "finish", "rewind", "close"])
        if choice == "next":
            QTest.mouseClick(ins.next_button, LEFT) if ins.next_button.isEnabled() else None
        elif choice == "prev":
            QTest.mouseClick(ins.prev_button, LEFT) if ins.prev_button.isEnabled() else None
        elif choice == "finish":
            self.key(K.Key_End, M.AltModifier)
        elif choice == "rewind":
            self.slider()
        else:
            self.key(K.Key_I)

    def hidden_space(self) -> None:
        """The hidden-space panel: open it (H), or move its morph slider, pick its layer
        or view, drag (turns a 3-D view), hover a point, click a unit of the diagram."""
        panel = self.w.hidden.panel
        if not panel.isVisible():
            self.key(K.Key_H)
            return
        choice = self.pick(
            ["morph", "morph keys", "layer", "mode", "drag", "hover", "unit", "close"]
        )
        if choice == "morph":
            r = panel.morph.rect()
            x = int(self.rng.integers(1, max(2, r.width() - 1)))
            QTest.mouseClick(panel.morph, LEFT, M.NoModifier, QPoint(x, r.height() // 2))
        elif choice == "morph keys":
            QTest.mouseClick(panel.morph, LEFT, M.NoModifier, panel.morph.rect().center())
            for _ in range(int(self.rng.integers(1, 4))):
                self.key(self.pick([K.Key_Home, K.Key_End, K.Key_Left, K.Key_Right, K.Key_PageUp]))
        elif choice in ("layer", "mode"):
            combo = panel.layer_combo if choice == "layer" else panel.mode_combo
            if combo.isVisible() and combo.isEnabled():
                QTest.mouseClick(combo, LEFT)
                popup = QApplication.activePopupWidget()
                target = popup.focusWidget() if popup is not None and popup.focusWidget() else combo
                QTest.keyClick(target, self.pick([K.Key_Down, K.Key_Up]))
                QTest.keyClick(target, K.Key_Return)
                QApplication.processEvents()
                self.reactivate()
        elif choice in ("drag", "hover"):
            vp = panel.plot.viewport()
            r = vp.rect()
            pts = [
                QPoint(
                    int(self.rng.integers(2, r.width() - 2)),
                    int(self.rng.integers(2, r.height() - 2)),
                )
                for _ in range(3)
            ]
            if choice == "drag":
                QTest.mousePress(vp, LEFT, M.NoModifier, pts[0])
            for p in pts[1:]:
                t = time.perf_counter()
                QTest.qWait(12)  # pyqtgraph drops moves closer than 10 ms apart
                self._paced += time.perf_counter() - t
                QTest.mouseMove(vp, p)
            if choice == "drag":
                QTest.mouseRelease(vp, LEFT, M.NoModifier, pts[-1])
        elif choice == "unit":
            d = self.w.canvas_area.netview.diagram
            lay = d.layout_now() if d.isVisible() else None
            if lay is None:
                self.key(K.Key_G)
                return
            layer = int(self.rng.integers(len(lay.centres)))
            j = int(self.rng.integers(len(lay.centres[layer])))
            x, y = lay.centres[layer][j]
            QTest.mouseClick(d, LEFT, M.NoModifier, QPoint(int(x), int(y)))
        else:
            self.key(K.Key_H)

    def wheel(self) -> None:
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QWheelEvent

        controls = self.visible(
            self.w.findChildren(QAbstractSpinBox)
            + self.w.findChildren(QComboBox)
            + [s for s in self.w.findChildren(QAbstractSlider) if not s.inherits("QScrollBar")]
        )
        if not controls:
            return
        c = self.pick(controls)
        centre = QPointF(c.width() / 2, c.height() / 2)
        delta = 120 * int(self.pick([-1, 1]))
        ev = QWheelEvent(
            centre,
            QPointF(c.mapToGlobal(centre.toPoint())),
            QPoint(0, 0),
            QPoint(0, delta),
            Qt.MouseButton.NoButton,
            M.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(c, ev)

    def drag_weight(self) -> None:
        """Drag an edge (or a unit: its bias) of the diagram beside the canvas up or down,
        with Shift, Ctrl or neither; opens the diagram first if it is hidden."""
        from backprop_lab.engine.paramref import ParamRef
        from backprop_lab.gui.edge_geometry import DRAG_THRESHOLD, add_move, edge_line
        from PySide6.QtCore import QEvent, QPointF
        from PySide6.QtGui import QMouseEvent

        w = self.w
        d = w.canvas_area.netview.diagram
        if not d.isVisible():
            self.key(K.Key_G)
            return
        lay = d.layout_now()
        if lay is None or len(d.W) != len(d.widths) - 1:
            return
        grab = next(g for g in w.probe.grabs if g.d is d)
        layer = int(self.rng.integers(1, len(d.widths)))
        i = int(self.rng.integers(d.widths[layer]))
        if self.rng.random() < 0.2:
            ref = ParamRef.bias(layer, i)
            c = lay.centres[layer][i]
            at = QPoint(round(float(c[0])), round(float(c[1])))
        else:
            ref = ParamRef.weight(layer, i, int(self.rng.integers(d.widths[layer - 1])))
            x0, y0, x1, y1 = edge_line(lay, ref)
            t = float(self.rng.uniform(0.3, 0.7))
            at = QPoint(round(x0 + t * (x1 - x0)), round(y0 + t * (y1 - y0)))
        if grab.ref_at(QPointF(at)) != ref:
            return  # another edge crosses there, or the diagram is too small to find it
        mods = self.pick([M.NoModifier, M.ShiftModifier, M.ControlModifier])
        moves = [int(v) for v in self.rng.integers(-25, 26, size=int(self.rng.integers(2, 6)))]
        other_run = d.shown_run != 0  # a comparison's other run: the hand is refused
        # (while Play runs, θ moves anyway: the refusal is then seen in the status only)
        playing = w.controller.running
        theta = (
            self.engine(lambda s: s.params.flat.tobytes()) if other_run and not playing else None
        )

        def send(kind, p, button, buttons):
            ev = QMouseEvent(kind, QPointF(p), QPointF(d.mapToGlobal(p)), button, buttons, mods)
            QApplication.sendEvent(d, ev)

        send(QEvent.Type.MouseButtonPress, at, LEFT, LEFT)
        p, held = QPoint(at), False
        for dy in moves:
            t0 = time.perf_counter()
            QTest.qWait(12)
            self._paced += time.perf_counter() - t0
            p = p + QPoint(0, dy)
            send(QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, LEFT)
            held = held or abs(p.y() - at.y()) >= DRAG_THRESHOLD
        send(QEvent.Type.MouseButtonRelease, p, LEFT, Qt.MouseButton.NoButton)
        if other_run:
            self.drag = None
            self._hand_idle()
            if theta is not None and self.engine(lambda s: s.params.flat.tobytes()) != theta:
                raise InvariantError(f"a drag on run {d.shown_run}'s diagram changed run A")
            return
        # the model: once the hand has moved far enough to take hold, the weight moves by
        # the height between the press and the release, at the modifier's rate
        fine, coarse = mods == M.ShiftModifier, mods == M.ControlModifier
        total = add_move(0.0, at.y() - p.y(), fine, coarse) if held else 0.0
        started = w.probe.edits.last_mark is not None and total != 0.0
        self.drag = (ref, total, w.probe.edits.last_mark if started else None)

    def compare(self) -> None:
        """Train → Compare's entries (a contrast, stop comparing), O (the overlay) or View →
        Plots' x-axis; Ctrl+D, Ctrl+Tab and Ctrl+W are among the app keys."""
        c = self.w.compare
        choice = self.pick(["contrast", "overlay", "x-axis", "stop"])
        if choice == "contrast":
            from backprop_lab.engine.contrasts import unavailable

            keys = [k for k in c.contrast_actions if k != "seeds8"]
            # one the run can make (a refused one is answered by an error banner, which
            # the walk takes for a broken invariant)
            can = self.engine(lambda s: [k for k in keys if unavailable(s, k) is None])
            if can:
                c.contrast_actions[self.pick(can)].trigger()
        elif choice == "overlay":
            self.key(K.Key_O)
        elif choice == "x-axis":
            self.pick(list(c.x_axis_actions.values())).trigger()
        elif c.stop_action.isEnabled():
            c.stop_action.trigger()

    def check_focus(self) -> None:
        """The diagram (G) and the inspector (I) show the focused run of a comparison."""
        c, w = self.w.compare, self.w
        nv, ins = w.canvas_area.netview, w.inspector
        if not (nv.run == ins.run == c.focus == w.controller.focus_run):
            raise InvariantError(
                f"after {self.log[-1]!r}: the focus is run {c.focus} (engine side "
                f"{w.controller.focus_run}), the diagram shows {nv.run}, the inspector {ins.run}"
            )

    def save_lesson(self) -> None:
        path = self.tmp / f"walk-{len(self.saved)}.json"
        self.w.save_lesson(path)
        self.saved.append(path)

    def open_lesson(self) -> None:
        ready = [p for p in self.saved if p.exists()]
        if ready:
            self.w.open_lesson(self.pick(ready))
            # a lesson is read off the GUI thread and lands (one undo step) a moment later:
            # the model counts the step when it lands, so the walk waits for it
            deadline = time.perf_counter() + 60
            while self.w.files.last_open_ok is None and time.perf_counter() < deadline:
                QApplication.processEvents()
                time.sleep(0.002)

    def answer_dialog(self) -> bool:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return False
        QTest.mouseClick(self.pick(box.buttons()), LEFT)
        QApplication.processEvents()
        self.reactivate()
        return True

    # --- one step ---------------------------------------------------------------------------
    def step(self) -> str:
        before = self.w.canvas.dataset
        depth = self.w.canvas.history.undo_depth
        self.drag = None
        t_action = 0.0
        if self.answer_dialog():
            name = "answer dialog"
        else:
            i = int(self.rng.choice(len(self.actions), p=self._weights))
            name, fn, _ = self.actions[i]
            t0 = time.perf_counter()
            self._paced = 0.0
            fn()
            t_action = time.perf_counter() - t0 - self._paced
            self.longest_action_s = max(self.longest_action_s, t_action)
        self.log.append(name)
        t0 = time.perf_counter()
        self.w.grab()  # a paint of the whole window, every item
        t_paint = time.perf_counter() - t0
        self.longest_paint_s = max(self.longest_paint_s, t_paint)
        self.check_points(name, before)
        checked = self.w.canvas.dataset
        t0 = time.perf_counter()
        self.wait_caught_up()
        self.check_hand(name, depth)
        self.check_focus()
        if self.settle_ms:
            self._ticking, self._last_tick = True, 0.0
            QTest.qWait(self.settle_ms)
            self._ticking = False
        # what the action left to the event loop lands after the first check (a click on a
        # tool button hands the focus to the canvas once the click is done, and a number
        # typed in a field is committed then): it is this action's, an undoable step too
        self.check_points(name, checked)
        self.times.append((name, t_action, t_paint, time.perf_counter() - t0))
        if t_paint > 0.2 or t_action > 0.2:
            w = self.w
            self.slow.append(
                f"{name}: action {1000 * t_action:.0f} ms, paint {1000 * t_paint:.0f} ms; "
                f"widths {w.network_panel.widths()}, {len(w.canvas.dataset)} points, "
                f"inspector {'open' if w.inspector_dock.isVisible() else 'closed'}"
            )
        return name

    # --- invariants ---------------------------------------------------------------------------
    def check_points(self, name: str, before) -> None:
        """The canvas's undo stack moved exactly as an undoable action moves it."""
        h = self.w.canvas.history
        now = self.w.canvas.dataset
        m = self.model
        if now is m.states[m.i]:
            return
        if m.i > 0 and now is m.states[m.i - 1]:
            m.i -= 1  # an undo
        elif m.i + 1 < len(m.states) and now is m.states[m.i + 1]:
            m.i += 1  # a redo
        elif h.previous is before:
            m.push(now)  # a new undoable step on top of the state before
        elif m.states[m.i] is before and self._pushed_since(before):
            pass  # several steps in one action (typed a count, then clicked Clear)
        else:
            raise InvariantError(
                f"after {name!r} the points changed ({len(before)} → {len(now)}) "
                f"without an undoable step (undo: {h.undo_label!r}, depth {h.undo_depth}, "
                f"in a stroke: {h.in_group}; model depth {m.i})"
            )
        if not now.same_as(m.states[m.i]):
            raise InvariantError(f"after {name!r} the points are not the expected state")

    def engine(self, fn):
        """``fn(session)`` run in the engine thread; waits for the answer."""
        box = []
        c = self.w.controller
        c.call_in_engine(fn, reply=box.append)
        deadline = time.perf_counter() + self.catch_up_s
        while not box:
            if time.perf_counter() > deadline:
                raise InvariantError(f"after {self.log[-1]!r} the engine never answered")
            QTest.qWait(5)
        return box[0]

    def _hand_idle(self) -> None:
        edits = self.w.probe.edits
        deadline = time.perf_counter() + self.catch_up_s
        while not edits.idle:
            if time.perf_counter() > deadline:
                raise InvariantError(f"after {self.log[-1]!r} a hand edit never came back")
            QTest.qWait(5)

    def check_hand(self, name: str, depth: int) -> None:
        """A drag set its weight to where it began plus what the hand moved, and the next
        frame shows it; an undo across a drag gave θ back bit for bit."""
        h = self.w.canvas.history
        if name == "drag weight" and self.drag is not None:
            ref, total, mark = self.drag
            self._hand_idle()
            if mark is None:
                return
            locked = self.w.probe.edits.is_locked(ref)
            value, theta = self.engine(lambda s: (ref.get(s.params), s.params.flat.copy()))
            if mark.start is None:  # refused before anything was sent (a locked weight)
                if not locked:
                    raise InvariantError(f"a drag of {ref.label} by {total:+g} set nothing")
                return
            want = min(1000.0, max(-1000.0, mark.start[0] + total))
            if value != want:
                raise InvariantError(
                    f"a drag of {ref.label} by {total:+g} from {mark.start[0]!r} left "
                    f"{value!r}, not {want!r}"
                )
            before = theta.copy()
            before[ref.flat_index(self.w.latest.snapshot.arch.widths)] = mark.start[0]
            self.hand_before[id(mark)] = before.tobytes()
            self._wait_frame_shows(ref, value)
            self.hand_checks["drag"] += 1
            return
        left = h.next_state
        if h.undo_depth == depth - 1 and left is not None and left.hand is not None:
            want = self.hand_before.get(id(left.hand))
            self._hand_idle()
            last = self.w.probe.edits.last_undo
            if want is None or last is None or last[0] is not left.hand:
                return
            if last[1].startswith("Undid"):
                theta = self.engine(lambda s: s.params.flat.tobytes())
                if theta != want:
                    raise InvariantError(f"undo of {left.hand.label} did not give θ back")
                self.hand_checks["undo"] += 1

    def _wait_frame_shows(self, ref, value: float) -> None:
        deadline = time.perf_counter() + self.catch_up_s
        while True:
            f = self.w.latest
            if f is not None and ref.get(f.snapshot.params) == value:
                return
            if time.perf_counter() > deadline:
                raise InvariantError(f"no frame shows {ref.label} = {value!r}")
            QTest.qWait(5)

    def _pushed_since(self, before) -> bool:
        """``before`` is an earlier state of the history and every state after it up to the
        present one is a new step (the model takes them)."""
        h = self.w.canvas.history
        states = h.datasets
        idx = h.undo_depth
        j = next((j for j in range(idx - 1, -1, -1) if states[j] is before), None)
        if j is None:
            return False
        for ds in states[j + 1 : idx + 1]:
            self.model.push(ds)
        return True

    def engine_caught_up(self) -> str | None:
        """``None`` when the latest snapshot shows what the panels and the canvas say;
        otherwise what differs."""
        w = self.w
        f = w.latest
        if f is None:
            return "no frame yet"
        # compared runs: the panels show the focused one (gui/compare_window.py)
        focus = w.compare.focus
        snap = f.runs[focus].snapshot if focus < len(f.runs) else f.snapshot
        spec = w.network_panel.spec()
        if snap.arch.widths != w.network_panel.widths():
            return f"widths {snap.arch.widths} ≠ panel {w.network_panel.widths()}"
        if tuple(snap.spec.features) != tuple(spec.features):
            return f"features {snap.spec.features} ≠ panel {spec.features}"
        if tuple(snap.arch.activations) != tuple(
            spec.activations or (spec.activation,) * len(spec.hidden)
        ):
            return f"activations {snap.arch.activations} ≠ panel {spec}"
        if snap.hyper != w.training_panel.hyper():
            return f"hyper {snap.hyper} ≠ panel {w.training_panel.hyper()}"
        if not snap.dataset.same_as(w.canvas.dataset):
            return f"points: engine {len(snap.dataset)} ≠ canvas {len(w.canvas.dataset)}"
        return None

    def resync(self) -> None:
        """After a reported problem, go on from the window's present state."""
        h = self.w.canvas.history
        self.model = UndoModel(h.current, h.max_depth)
        self.model.states = h.datasets
        self.model.i = h.undo_depth

    def wait_caught_up(self) -> None:
        if QApplication.activeModalWidget() is not None:
            return  # a question is open: the engine has not been told yet
        deadline = time.perf_counter() + self.catch_up_s
        why = self.engine_caught_up()
        self._ticking, self._last_tick = True, 0.0
        try:
            while why is not None:
                if time.perf_counter() > deadline:
                    raise InvariantError(
                        f"after {self.log[-1]!r} the engine never caught up: {why}"
                    )
                QTest.qWait(10)
                why = self.engine_caught_up()
        finally:
            self._ticking = False


def make_window(preset: str = "xor"):
    from backprop_lab.gui.main_window import MainWindow

    w = MainWindow(preset=preset)
    w.resize(1280, 800)
    w.show()
    w.activateWindow()
    deadline = time.perf_counter() + 60
    while w.latest is None and time.perf_counter() < deadline:
        QTest.qWait(10)
    w.canvas.setFocus()
    return w


def walk(window, n: int, seed: int, tmp: Path, capture: Capture, on_step=None) -> Monkey:
    """``n`` random actions; raises ``InvariantError`` at the first broken invariant."""
    m = Monkey(window, np.random.default_rng(seed), tmp)
    for k in range(n):
        name = m.step()
        if window.banner.isVisible() and window.banner.kind == "error":
            raise InvariantError(f"after {name!r}: {window.banner.text}")
        p = capture.problems
        if p.exceptions or p.warnings:
            raise InvariantError(
                f"after action {k} {name!r}: " + "\n".join(p.exceptions + p.warnings)
            )
        if on_step is not None:
            on_step(k, name)
    return m
