"""``backprop-lab render PLAYBOOK --beats --out DIR``: one picture per beat of a lecture,
in the presentation layout, for slides or a hand-out.

The playbook is played here, in this thread (its ``Player`` directly, no engine thread),
each beat to its end, and the real window, in presentation mode on a screen of the
picture's size, shows each state as the lecture would: the frames are made here
(gui/render.py ``make_frame``) with the lecture's state in them, and drawn by the window's
own presenter and ``LectureView`` (with animations off: a picture shows where a fade or a
countdown starts). The pictures depend only on the playbook.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from backprop_lab.engine.grid import view_grid
from backprop_lab.engine.group import RunGroup
from backprop_lab.engine.playbook import Playbook
from backprop_lab.engine.player import Player

from .playbook_engine import FRAME_EXTRA, LectureHost
from .render import Progress, ensure_app, grab, make_frame

DEFAULT_SIZE = (1024, 768)


def frame_for(session, extras: dict, canvas_view=None):
    """A frame of ``session`` (as gui/render.py makes one) whose grid covers the canvas's
    visible rectangle (``canvas.visible_view()``), with the lecture's state in it."""
    frame = make_frame(session)
    if canvas_view is not None and session.dataset.input_dim == 2:
        from backprop_lab.engine import GridEvaluator

        spec = view_grid(*canvas_view)
        g = GridEvaluator(spec, session.spec.features, 2)
        frame = dataclasses.replace(
            frame,
            grid=g.evaluate(session.net, session.params),
            grid_x=spec.axes()[0],
            extent=spec.extent,
        )
    return dataclasses.replace(frame, extras=extras)


def beat_name(scene: int, beat: int) -> str:
    return f"scene-{scene + 1:02d}-beat-{beat + 1:02d}.png"


def render_beats(
    book: Playbook,
    out: str | os.PathLike,
    size: tuple[int, int] = DEFAULT_SIZE,
    scale: float = 1.0,
    scenes: tuple[int, ...] | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write ``scene-SS-beat-BB.png`` for every beat (of ``scenes``, from 0; all if None)
    into ``out``: the window as the room sees it once the beat has been played."""
    ensure_app()
    from PySide6.QtCore import QEvent, QRect, Qt
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    out = Path(out)
    player = Player(book)
    host = LectureHost(player)
    window = MainWindow(session=player.session)
    # frames come from here, in order: the window's own engine thread is not needed
    window.controller.shutdown()
    window.autosave.enabled = False
    window.fit.override = QRect(0, 0, *size)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.resize(*size)
    window.show()
    window.fit.present(True)
    # the views' own questions to the engine (the inspector's trace) answered here, at once
    controller = window.controller

    def call_at_once(fn, reply=None, group: bool = False) -> None:
        result = fn(RunGroup.of(player.session) if group else player.session)
        if reply is not None:
            reply(result)

    controller.call_in_engine = call_at_once

    def settle() -> None:
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        window.grab()

    def show(frame) -> None:
        controller.frameReady.emit(frame)
        view.show(frame)

    view = window.lecture.view
    view.animate = False
    view.begin(book)
    wanted = set(range(len(book.scenes)) if scenes is None else scenes)
    if min(wanted) > 0:
        player.goto(min(wanted))
    total = sum(len(book.scenes[s].beats) for s in wanted)
    progress = progress or Progress(total)
    written: list[Path] = []
    try:
        progress.update(0)
        while True:
            player.finish()
            pos = player.position
            if pos.scene in wanted:
                host.sync()  # the player was moved here, not by a call
                extras = {FRAME_EXTRA: host.state_for(player.session)}
                show(frame_for(player.session, extras))
                # the beat may change the canvas's size (the question card, the
                # inspector): the grid then covers what the canvas shows, as the
                # engine thread's follows the view
                settle()
                show(frame_for(player.session, extras, window.canvas.visible_view()))
                settle()  # views replaced by the beat go (the event loop would delete them)
                img = grab(window, size, scale)
                path = out / beat_name(pos.scene, pos.beat)
                if not img.save(os.fspath(path), "PNG"):
                    raise OSError(f"could not write {path}")
                written.append(path)
                progress.update(len(written), f"({player.strip()})")
            if not player.next():
                break
            if pos.scene > max(wanted):
                break
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
    return written
