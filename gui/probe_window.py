"""Grabbing a weight, put into the main window: ``install(window)`` is the one hook.

``ProbeFeature`` owns the parts and what they share:

* ``edits`` (gui/probe_edits.HandEdits): hand edits sent to the engine, one undo step per
  gesture, in the window's undo history (gui/run_history.py asks it about hand steps);
* a grab on each network diagram (gui/edge_grab.py): the one beside the canvas (G) and the
  inspector's;
* ``panel`` (gui/probe_view.ProbePanel): the weight probe, key W, under the loss and
  accuracy plots (the plots' column shows as many of its plots as still have room); it
  shows the weight chosen in a diagram, so opening it shows the diagram beside the canvas
  if no diagram is on screen;
* ``exercise_box`` (gui/probe_exercise.py) above the canvas while an exercise runs, Ctrl+H
  for a hint;
* ``marks`` (gui/probe_marks.py): the edits on the plots and on the rewind bar;
* the frame extra (gui/probe_figures.py): the engine computes, with each frame, only what
  the views want right now (the slope of a hovered edge, the probe's dot, the exercise's
  status), and nothing while none wants anything.

The weights the probe shows (``probe_refs``): a click on an edge or a unit chooses one;
Ctrl+click a second makes it two (the contour map).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backprop_lab.engine.paramref import ParamRef
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QSplitter

from . import commands as cmd
from .edge_grab import EdgeGrab
from .probe_edits import HandEdits
from .probe_exercise import ExerciseBox
from .probe_figures import EXTRA, FigureMaker, Figures, Needs
from .probe_marks import EditMarks
from .probe_view import ProbePanel

if TYPE_CHECKING:
    from .feature_window import FeatureWindow

PROBE_SHARE = 0.55  # of the plots' column's height, when the probe opens


class ProbeFeature(QObject):
    def __init__(self, window: FeatureWindow):
        super().__init__(window)
        self.w = window
        self.edits = HandEdits(window)
        self.edits.message.connect(self.say)
        window.runs.hand_edits = self.edits
        self.figures: Figures | None = None
        self.probe_refs: tuple[ParamRef, ...] = ()
        self.grabs = [EdgeGrab(window.canvas_area.netview.diagram, self)]
        self.grabs.append(EdgeGrab(window.inspector.diagram, self))
        for g in self.grabs:
            g.hoverChanged.connect(lambda _ref: self.refresh_needs())
        self.panel = ProbePanel(self)
        self.panel.hide()
        self.column = self._place_panel()
        self.exercise_box = ExerciseBox(self)
        self._place_exercise_box()
        self.marks = EditMarks(window)
        self._installed: tuple = (Needs(), False)  # nothing asked of the engine yet
        self._make_actions()
        window.controller.frameReady.connect(self.on_frame)

    def _place_panel(self) -> QSplitter | None:
        """Under the plots: their column becomes a vertical splitter (plots, probe)."""
        w = self.w
        split = w.columns
        at = split.indexOf(w.plots)
        if at < 0:
            w.canvas_area.netview.layout().addWidget(self.panel, 1)
            return None
        column = QSplitter(Qt.Orientation.Vertical)
        column.setObjectName("plotsColumn")
        column.setChildrenCollapsible(False)
        split.insertWidget(at, column)
        split.setStretchFactor(at, 2)
        column.addWidget(w.plots)
        column.addWidget(self.panel)
        column.setStretchFactor(0, 1)
        column.setStretchFactor(1, 1)
        split.plots = column  # the columns fit the plots' column now
        return column

    def _place_exercise_box(self) -> None:
        """Above the canvas (and the diagram beside it), under the lesson's notes."""
        split = self.w.canvas_area.splitter
        column = split.parentWidget().layout() if split.parentWidget() is not None else None
        if column is not None and column.indexOf(split) >= 0:
            column.insertWidget(column.indexOf(split), self.exercise_box)
        else:
            self.w.canvas_area.netview.layout().insertWidget(0, self.exercise_box)

    def _make_actions(self) -> None:
        menus = self.w.menus
        self.probe_action = menus.add(
            menus.view, "Weight probe: L along a weight", ["W"], checkable=True
        )
        self.probe_action.triggered.connect(self.set_probe_open)
        menus.train.addSeparator()
        self.hint_action = menus.add(menus.train, "Exercise hint", ["Ctrl+H"])
        self.hint_action.triggered.connect(self.exercise_box.ask_hint)
        self.moments_action = menus.add(
            menus.train, "Hand edits restart the optimizer", checkable=True
        )
        self.moments_action.setToolTip(
            "Off: momentum and Adam's moments go on after a hand edit. On: the optimizer "
            "starts afresh at the edited weights (t = 0)."
        )
        self.moments_action.toggled.connect(lambda on: setattr(self.edits, "reset_moments", on))

    # --- what the grabs and the panel share ----------------------------------------------------
    def value(self, ref: ParamRef) -> float | None:
        f = self.w.latest
        if f is None:
            return None
        try:
            ref.check(f.snapshot.arch.widths)
        except ValueError:
            return None
        return ref.get(f.snapshot.params)

    def slope(self, ref: ParamRef) -> float | None:
        f = self.figures
        return None if f is None else f.slope(ref)

    def say(self, text: str) -> None:
        if text:
            self.w.statusBar().showMessage(text, 6000)

    def pick(self, ref: ParamRef, add: bool = False, quiet: bool = False) -> None:
        """A click on a weight: the probe shows it; with Ctrl, it and the first."""
        if add and self.probe_refs and ref != self.probe_refs[0]:
            refs = (self.probe_refs[0], ref)
        else:
            refs = (ref,)
        self._set_refs(refs)
        if not self.panel.isVisible() and not quiet:
            what = "the map of L over both" if len(refs) == 2 else f"L along {ref.label}"
            self.say(f"{' and '.join(r.label for r in refs)} chosen: W shows {what}")

    def point_at(self, ref: ParamRef) -> None:
        """A hint names a weight: ring it (and probe it, if the probe shows one weight)."""
        if len(self.probe_refs) < 2:
            self._set_refs((ref,))

    def open_probe(self, refs: tuple[ParamRef, ...]) -> None:
        self._set_refs(tuple(refs))
        self.set_probe_open(True)

    def _set_refs(self, refs: tuple[ParamRef, ...]) -> None:
        self.probe_refs = tuple(refs)
        self.panel.set_refs(self.probe_refs)
        for g in self.grabs:
            g.overlay.update()
        self.refresh_needs()

    @Slot(bool)
    def set_probe_open(self, on: bool) -> None:
        """W: the probe under the diagram beside the canvas (which opens with it)."""
        w = self.w
        on = bool(on)
        if self.probe_action.isChecked() != on:
            self.probe_action.setChecked(on)
        if on == self.panel.isVisibleTo(self.panel.parentWidget()):
            return
        if on:
            if not self.probe_refs:
                self._set_refs(self.default_refs())
            if not any(g.d.isVisible() for g in self.grabs):
                w.set_network_view(True)  # somewhere to choose and drag the weight
            self.panel.show()
            if self.column is not None:
                total = sum(self.column.sizes())
                probe = int(total * PROBE_SHARE)
                self.column.setSizes([total - probe, probe])
            self.panel.recompute()
        else:
            self.panel.hide()
        if w.fit.shown:
            w.fit.toggled("probe", on)
        self.refresh_needs()

    def default_refs(self) -> tuple[ParamRef, ...]:
        """With nothing chosen: the first weight into the output."""
        f = self.w.latest
        if f is None:
            return ()
        L = len(f.snapshot.arch.widths) - 1
        return (ParamRef.weight(L, 0, 0),)

    # --- frames ----------------------------------------------------------------------------------
    @Slot(object)
    def on_frame(self, frame) -> None:
        widths = frame.snapshot.arch.widths
        if self.probe_refs and not all(_fits(r, widths) for r in self.probe_refs):
            self._set_refs(())  # a new network: the weights chosen are gone
        extra = frame.extras.get(EXTRA) if frame.extras else None
        if isinstance(extra, Figures):
            self.figures = extra
        else:
            self.figures = None
            if isinstance(extra, Exception):
                self.say(f"The weight figures failed: {extra}")
        for g in self.grabs:
            if g.hover is not None or g.grabbed is not None or self.probe_refs:
                g.overlay.update()
        self.panel.show_frame(frame, self.figures)
        summary = frame.snapshot.edits
        exercise_on = summary is not None and summary.editable is not None
        ex = self.figures.exercise if self.figures is not None else None
        if ex is None and exercise_on:
            ex = self.exercise_box.figures  # until the engine sends its first status
        if self.exercise_box.show_figures(ex if exercise_on else None):
            self.w.set_network_view(True)  # the grey and the editable weights
        if self.marks is not None:
            self.marks.follow(frame)
        self.refresh_needs(exercise_on)

    def refresh_needs(self, exercise_on: bool | None = None) -> None:
        """Tell the engine what to compute with each frame (only when that changes)."""
        w = self.w
        if exercise_on is None:
            f = w.latest
            summary = f.snapshot.edits if f is not None else None
            exercise_on = summary is not None and summary.editable is not None
        hover = any(
            (g.hover is not None or g.grabbed is not None) and g.d.isVisible() for g in self.grabs
        )
        panel = self.panel.isVisible() and bool(self.panel.refs)
        line = self.panel.refs[0] if panel and not self.panel.two else None
        batch: tuple[int, ...] = ()
        ins = w.inspector
        if line is not None and ins.isVisible():
            st = ins.state
            if st is not None and st.batch:
                batch = tuple(int(i) for i in st.batch)
        needs = Needs(gradient=hover or (panel and self.panel.two), line=line, batch=batch)
        key = (needs, exercise_on)
        if key == self._installed:
            return
        self._installed = key
        fn = FigureMaker(needs) if needs.anything or exercise_on else None
        w.controller.send(cmd.SetFrameExtra(EXTRA, fn))


def _fits(ref: ParamRef, widths: tuple[int, ...]) -> bool:
    try:
        ref.check(widths)
    except ValueError:
        return False
    return True


def install(window: FeatureWindow) -> ProbeFeature:
    """Grabbing weights in ``window`` (its netview, inspector, plots, canvas history)."""
    return ProbeFeature(window)


__all__ = ["ProbeFeature", "install"]
