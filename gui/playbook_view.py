"""The lecture on screen: what a ``LectureState`` (gui/playbook_engine.py) makes the window
show, frame by frame.

``LectureView.show(frame)`` runs after the frame presenter has drawn a frame (it is
connected to ``frameReady`` after it). On a new beat it sets the scene's view (which plots,
the network diagram, the inspector, the canvas range), the scene text in the notes pane,
the question card, the strip, the walk the inspector shows and the traced point, and the
panels' design and points when the lecture changed them. On every frame it keeps what an
``ask`` hides hidden: the decision regions (the canvas shows the points only), the plots
(empty axes: ``TrainingPlots.held`` keeps the presenter from drawing them), the numbers
(the heads-up and status lines show "–"). A reveal fades the hidden parts back in.

``render --beats`` uses the same class on a window without an engine thread
(gui/playbook_render.py), with ``animate`` off: a picture shows the end of every fade.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

import numpy as np
import shiboken6
from backprop_lab.engine.playbook import View
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QVariantAnimation
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QBoxLayout, QToolBar, QWidget

from .data_panel import LESSON_ORIGIN
from .document import LessonInfo
from .playbook_engine import FRAME_EXTRA, LectureState
from .playbook_widgets import REVEAL_MS, STRIP_SHARE, BlackOut, QuestionCard, Strip
from .presenter import heads_up_text, status_text
from .safety import guarded

if TYPE_CHECKING:
    from .feature_window import FeatureWindow
    from .worker import Frame

# the scene's panels (playbook names) and the plots' parts (TrainingPlots.PARTS)
PLOT_PARTS = {"loss": "loss", "accuracy": "acc", "delta": "delta", "delta_now": "bars"}
NAN = math.nan
SCENE_TEXT_SCALE = 1.25  # the scene text in the notes pane, relative to the window's type


def masked_frame(frame: Frame) -> Frame:
    """The frame with its losses and accuracies unknown: the lines then show "–"."""
    snap = frame.snapshot
    last = dataclasses.replace(
        snap.last, train_loss=NAN, test_loss=NAN, train_acc=NAN, test_acc=NAN
    )
    return dataclasses.replace(frame, snapshot=dataclasses.replace(snap, last=last), full=None)


def change_line(paths: tuple[str, ...], before, after) -> tuple[str, tuple[float, float] | None]:
    """A ``set`` beat's change as the card shows it ("α: 0.05 → {}", the number counted
    from the old value to the new), from the snapshots before and after it."""
    names = {"hyper.alpha": ("α", "alpha"), "hyper.lam": ("λ", "lam")}
    for p in paths:
        if p in names and before is not None:
            sym, attr = names[p]
            a, b = float(getattr(before.hyper, attr)), float(getattr(after.hyper, attr))
            return f"{sym}: {a:.4g} → {{}}", (a, b)
    words = []
    for p in paths:
        if p == "hyper.batch_size":
            words.append(f"B = {after.hyper.batch_size}")
        elif p == "hyper.optimizer":
            words.append(f"optimizer: {after.hyper.optimizer}")
        elif p == "network.hidden":
            widths = "–".join(map(str, after.spec.hidden)) or "none"
            words.append(f"hidden layers: {widths}")
        elif p.startswith("network.activation"):
            words.append("activations: " + ", ".join(after.spec.activations))
        elif p == "seed":
            words.append(f"seed {after.seed}")
        elif p.startswith("data."):
            if "new points" not in words:
                words.append("new points")
        else:
            words.append(p)
    return " · ".join(words), None


class _FontWatch(QObject):
    """Calls ``fn`` once the window's type has changed (after the window has set it on
    its parts, which would undo what ``fn`` sets)."""

    def __init__(self, window, fn):
        super().__init__(window)
        self._fn = fn
        window.installEventFilter(self)

    @guarded(default=False)
    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 - Qt's name
        if ev.type() == QEvent.Type.FontChange and obj is self.parent():
            QTimer.singleShot(0, self, self._fn)
        return False


class LectureView:
    """Shows a lecture in ``window``; ``show(frame)`` for every frame while it runs."""

    def __init__(self, window: FeatureWindow, animate: bool = True):
        self.w = window
        self.animate = animate
        self.state: LectureState | None = None
        self.book = None
        self.scene_view: View | None = None
        self.hidden: frozenset[str] = frozenset()
        self.card = QuestionCard()
        self._place_card()
        self.strip = Strip()
        self.strip_bar = QToolBar("Lecture")
        self.strip_bar.setObjectName("lectureStripBar")
        self.strip_bar.setMovable(False)
        self.strip_bar.setFloatable(False)
        self.strip_bar.toggleViewAction().setVisible(False)
        self.strip_bar.setContentsMargins(0, 0, 0, 0)
        self.strip_bar.layout().setContentsMargins(0, 0, 0, 0)
        self.strip_bar.addWidget(self.strip)
        window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.strip_bar)
        self.strip_bar.hide()
        self.black = BlackOut(window)
        self._reveal = QVariantAnimation(window)  # goes with the window
        self._reveal.setDuration(REVEAL_MS)
        self._reveal.setStartValue(0.0)
        self._reveal.setEndValue(1.0)
        self._reveal.valueChanged.connect(self._fade)
        self._fading: list = []
        self._emptied: frozenset[str] = frozenset()
        self._saved: dict | None = None
        self._type_before: float | None = None  # the type chosen before a scene's own
        self._prev_snap = None
        # the scene text in large type: the notes pane's type follows the window's, so it
        # is set again after each change of the window's type
        self._font_watch = _FontWatch(window, self._resize_notes)

    def _resize_notes(self) -> None:
        if self.book is not None:
            self._size_notes()

    def _size_notes(self) -> None:
        """The notes pane's type: larger than the window's while a lecture is given."""
        w = self.w
        f = QFont(w.font())
        if self.book is not None and f.pointSizeF() > 0:
            f.setPointSizeF(f.pointSizeF() * SCENE_TEXT_SCALE)
        notes = w.canvas_area.notes
        notes.setFont(f)
        for child in notes.findChildren(QWidget):
            child.setFont(f)
        notes.follow_font()

    def _place_card(self) -> None:
        """Under the notes pane, in the canvas's column (else nowhere: the card is then
        shown in its own place by the caller)."""
        notes = self.w.canvas_area.notes
        parent = notes.parentWidget()
        lay = parent.layout() if parent is not None else None
        if isinstance(lay, QBoxLayout) and lay.indexOf(notes) >= 0:
            lay.insertWidget(lay.indexOf(notes) + 1, self.card)

    # --- the lecture begins and ends ---------------------------------------------------------
    def begin(self, book) -> None:
        w = self.w
        if self._saved is None:
            self._saved = {
                "diagram": w.canvas_area.network_view_shown,
                "inspector": w.inspector_dock.isVisibleTo(w),
                "notes": w.canvas_area.notes.shown,
            }
        self.book = book
        self.state = None
        self.scene_view = None
        self.hidden = frozenset()
        self.strip_bar.show()
        self.fit_strip()
        self._size_notes()

    def end(self) -> None:
        w = self.w
        self._reveal.stop()
        self._fade(1.0)
        self.card.set_content(None, False)
        self.strip_bar.hide()
        self.black.cover(False)
        self._set_held(frozenset(), frozenset())
        w.plots.setVisible(True)
        for plot in w.plots.all_plots:
            w.plots.set_wanted(plot, True)
        self._show_accuracy_for(w.canvas.dataset)
        self._type_size(None)
        saved, self._saved = self._saved, None
        if saved is not None:
            w.set_network_view(saved["diagram"])
            w.inspector_dock.setVisible(saved["inspector"])
            w.canvas_area.notes.show_lesson(saved["notes"])
        for widget in self._control_widgets().values():
            for x in widget:
                x.setVisible(True)
        w.inspector.show_walk(None)
        self.state = None
        self.book = None
        self._size_notes()
        if w.latest is not None:
            w.presenter.set_crisp(w.presenter.crisp)  # the regions drawn again

    def presentation_changed(self) -> None:
        """F5 or Esc: presentation mode keeps (or gives back) its own type; a scene's type
        size applies anew on top of it."""
        self._type_before = None
        self.fit_strip()
        if self.scene_view is not None and self.scene_view.type_size is not None:
            self._type_size(self.scene_view.type_size)

    def fit_strip(self) -> None:
        """≤ 3 % of the screen in presentation mode; a line of the window's type else."""
        w = self.w
        if w.fit.presenting:
            h = int(STRIP_SHARE * w.fit.available().height())
        else:
            h = w.fontMetrics().height() + 6
        self.strip.set_height(h)
        self.strip_bar.setFixedHeight(h)

    # --- every frame ---------------------------------------------------------------------------
    def show(self, frame: Frame) -> None:
        state = frame.extras.get(FRAME_EXTRA)
        if not isinstance(state, LectureState):
            return  # a frame from before the lecture began (or the extra failed)
        prev = self.state
        self.state = state
        back = prev is not None and prev.detached and not state.detached
        if prev is None or state.token != prev.token or back:
            self._apply_beat(state, prev, frame)
            self._prev_snap = frame.snapshot
        if prev is None or state != prev:
            self._show_strip(state)
        self._mask(frame)

    def _mask(self, frame: Frame) -> None:
        """What the open ask hides stays hidden, whatever the presenter just drew."""
        w = self.w
        if self.state is not None and self.state.detached:
            return  # another run is on screen: nothing of it is the lecture's to hide
        if self.hidden & {"numbers", "loss"} and w.divergence.showing:
            w.banner.hide()  # "diverged" would give the answer away: the reveal shows it
        if "regions" in self.hidden:
            w.canvas.set_decision_image(None)
            w.canvas.set_curve(None)
        if "numbers" in self.hidden:
            masked = masked_frame(frame)
            w.status_label.setText(status_text(masked))
            if w.heads_up.isVisible():
                w.heads_up.setText(heads_up_text(masked))

    # --- a new beat -------------------------------------------------------------------------
    def _apply_beat(self, state: LectureState, prev: LectureState | None, frame: Frame) -> None:
        w = self.w
        scene = self.book.scenes[state.scene]
        new_scene = prev is None or prev.scene != state.scene or self.scene_view is None
        self._mirror(frame)
        if new_scene:
            self._apply_scene_view(scene.view, frame)
            w.canvas_area.notes.show_lesson(LessonInfo(scene.title, scene.text))
        v = state.view
        hidden = frozenset(v.hidden)
        revealing = bool(self.hidden - hidden) and v.answer_shown and not new_scene
        self._set_hidden(hidden, frame, revealing)
        caption = v.caption
        if v.unavailable:
            caption = f"{caption}\n{v.unavailable}" if caption else v.unavailable
        change, value = ("", None)
        if v.changed:
            change, value = change_line(v.changed, self._prev_snap, frame.snapshot)
        self.card.set_content(v.question, v.answer_shown, caption, change, value, self.animate)
        needs_inspector = v.walk is not None or v.trace is not None
        if needs_inspector and not w.inspector_dock.isVisible() and "inspector" not in hidden:
            w.inspector_dock.show()  # a walk or a trace is shown there, whatever the panels
        if state.walk is not None:
            w.inspector.show_walk(state.walk)
        elif prev is None or prev.walk is not None:
            w.inspector.show_walk(None)
        walked = v.walk.point if v.walk is not None else None
        point = v.trace if v.trace is not None else walked
        if scene.beats[state.beat].kind == "walk":
            point = walked  # the beat on screen walks a step on this point
        if v.trace is not None:
            w.inspector.set_picked_point(v.trace)
        elif prev is not None and prev.view.trace is not None:
            w.inspector.set_picked_point(-1)
        w.canvas.highlight_point(point)  # the traced point, or the one a step is walked on
        if new_scene or needs_inspector:
            w.fit.refit()  # the largest type the scene's parts leave room for

    def _mirror(self, frame: Frame) -> None:
        """The panels and the canvas show the lecture's design and points (the lecture
        changes them; nothing is sent back)."""
        w = self.w
        snap = frame.snapshot
        ds = snap.dataset
        canvas = w.canvas
        if ds is not canvas.dataset and not ds.same_as(canvas.dataset):
            canvas.history.replace_current(ds)
            canvas.refresh()
            w.data_panel.show_data(ds, LESSON_ORIGIN)
        w.show_data_in_window(ds)
        w.panels.show_design(snap)

    def _apply_scene_view(self, view: View, frame: Frame) -> None:
        w = self.w
        self.scene_view = view
        panels = set(view.panels)
        ds = frame.snapshot.dataset
        # the inspector first: its dock showing or going sets the bars plot's place
        w.inspector_dock.setVisible("inspector" in panels)
        for name, part in PLOT_PARTS.items():
            w.plots.set_wanted(self._plot(part), name in panels)
        self._show_accuracy_for(ds)
        # no plot in the scene: the canvas (and the inspector) get the column's room
        w.plots.setVisible(any(name in panels for name in PLOT_PARTS))
        w.set_network_view(view.diagram)
        hidden_controls = set(view.hidden_controls)
        for name, widgets in self._control_widgets().items():
            for x in widgets:
                x.setVisible(name not in hidden_controls)
        self._type_size(view.type_size)
        if view.canvas is not None:
            x0, x1, y0, y1 = view.canvas
            w.canvas.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        else:
            w.canvas.reset_view()

    def _type_size(self, size: float | None) -> None:
        """A scene's type size (never below presentation mode's, sized for the back row);
        the type chosen before comes back after the scene."""
        fit = self.w.fit
        if size is None:
            if self._type_before is not None:
                fit.wanted, self._type_before = self._type_before, None
                fit.refit()
            return
        if self._type_before is None:
            self._type_before = fit.wanted
        floor = fit.present_scale if fit.presenting else 0.0
        fit.wanted = max(float(size), floor)
        fit.refit()

    def _show_accuracy_for(self, ds) -> None:
        plots = self.w.plots
        if ds.task != "classification":
            plots.set_wanted(plots.acc_plot, False)
        elif self.scene_view is None:
            plots.set_wanted(plots.acc_plot, True)

    def _plot(self, part: str):
        p = self.w.plots
        return {"loss": p.loss_plot, "acc": p.acc_plot, "delta": p.delta_plot, "bars": p.bars_plot}[
            part
        ]

    def _control_widgets(self) -> dict[str, tuple]:
        w = self.w
        tp = w.training_panel
        return {
            "data": (w.data_panel,),
            "network": (w.network_panel,),
            "alpha": (tp.alpha_slider, tp.alpha_box),
            "batch_size": (tp.batch_spin,),
            "lam": (tp.lam_spin,),
            "optimizer": (tp.optimizer_combo,),
            "seed": (tp.seed_spin,),
            "speed": (tp.speed_slider,),
        }

    # --- hiding and revealing -----------------------------------------------------------------
    def _set_hidden(self, hidden: frozenset[str], frame: Frame, revealing: bool) -> None:
        w = self.w
        was = self.hidden
        self.hidden = hidden
        shown = set(self.scene_view.panels) if self.scene_view is not None else set()
        absent = frozenset(p for n, p in PLOT_PARTS.items() if n not in shown)
        asked = frozenset(PLOT_PARTS[n] for n in hidden if n in PLOT_PARTS)
        self._set_held(absent | asked, asked)
        if "inspector" in shown or "inspector" in was or "inspector" in hidden:
            w.inspector_dock.setVisible("inspector" in shown and "inspector" not in hidden)
        if self.scene_view is not None and ("diagram" in hidden or "diagram" in was):
            w.set_network_view(self.scene_view.diagram and "diagram" not in hidden)
        back = was - hidden
        if not back:
            return
        # what comes back is drawn from the latest frame, then faded in
        w.plots.update_snapshot(frame.snapshot)
        if back & {"numbers", "loss"} and frame.snapshot.diverged and not w.divergence.showing:
            w.divergence.stop = None  # the stop kept back by the ask: said now
            w.divergence.follow(frame)
        if "regions" in back:
            w.presenter.set_crisp(w.presenter.crisp)
        self._fading = self._fade_items(back)
        if revealing and self.animate:
            self._fade(0.0)
            self._reveal.start()
        else:
            self._fade(1.0)

    def _set_held(self, held: frozenset[str], emptied: frozenset[str]) -> None:
        """The plots' parts the presenter leaves alone; those an ask hides are emptied
        (their axes stay)."""
        plots = self.w.plots
        newly = emptied - self._emptied
        self._emptied = frozenset(emptied)
        plots.held = frozenset(held)
        for part in newly:
            if part == "loss":
                for c in (plots.train_loss, plots.test_loss, plots.spike_marks):
                    c.setData([], [])
            elif part == "acc":
                for c in (plots.train_acc, plots.test_acc):
                    c.setData([], [])
            elif part == "delta":
                for c in plots.delta_curves:
                    c.setData([], [])
            elif part == "bars":
                plots.bars.setOpts(x=np.zeros(0), height=np.zeros(0), brushes=[])

    def _fade_items(self, back: frozenset[str]) -> list:
        w = self.w
        p = w.plots
        items = []
        if "regions" in back:
            items += [w.canvas.image, w.canvas.curve]
        if "loss" in back:
            items += [p.train_loss, p.test_loss, p.spike_marks]
        if "accuracy" in back:
            items += [p.train_acc, p.test_acc]
        if "delta" in back:
            items += list(p.delta_curves)
        if "delta_now" in back:
            items.append(p.bars)
        return items

    def _fade(self, t) -> None:
        for item in self._fading:
            if shiboken6.isValid(item):  # a scene's items may be gone (a new network)
                item.setOpacity(float(t))
        if float(t) >= 1.0:
            self._fading = []

    @property
    def revealing(self) -> bool:
        return self._reveal.state() == QVariantAnimation.State.Running

    # --- the strip ------------------------------------------------------------------------------
    def _show_strip(self, state: LectureState) -> None:
        p = state.position
        self.strip.set_state(state.strip, state.beats[p.scene], p.beat, p.phase == "done")
        self.refresh_mark()

    def refresh_mark(self, override: str = "", color: str = "#1F4E8C") -> None:
        """The strip's right end: a message (``override``), else "off script"."""
        s = self.state
        if override:
            self.strip.set_mark(override, color)
        elif s is not None and (s.off_script or s.detached):
            what = "another run on screen" if s.detached else "off script"
            self.strip.set_mark(f"● {what} · PageDown returns", "#C05A00")
        else:
            self.strip.set_mark("")
