"""The decision region fills the canvas at any zoom and pan; the network beside the canvas;
lesson notes; presets that offer a network that learns them (through the real window)."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine.lessons import load_lesson
from backprop_lab.engine.scenario import load_scenario
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from .helpers import LONG, open_and_wait
from .test_canvas import drag, widget_pos


def wheel(canvas, x: float, y: float, delta: int) -> None:
    pos = QPointF(widget_pos(canvas, x, y))
    ev = QWheelEvent(
        pos,
        QPointF(canvas.viewport().mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas.viewport(), ev)


def hover(qtbot, diagram, unit) -> None:
    """Move the mouse onto ``unit`` (ℓ, j) of the diagram, where it is once laid out."""

    def on_it() -> bool:
        x, y = diagram.layout_now().centres[unit[0]][unit[1]]
        qtbot.mouseMove(diagram, QPoint(int(x), int(y)))
        return diagram.hover == unit

    qtbot.waitUntil(on_it, timeout=LONG)


def covers_view(canvas) -> bool:
    rect = canvas.image_rect()
    if rect is None:
        return False
    (x0, x1), (y0, y1) = canvas.vb.viewRange()
    return rect.left() <= x0 and rect.right() >= x1 and rect.top() <= y0 and rect.bottom() >= y1


def test_decision_image_covers_the_view_after_pan_and_zoom(window, qtbot):
    c = window.canvas
    qtbot.waitUntil(lambda: covers_view(c), timeout=LONG)
    (x0, x1), _ = c.vb.viewRange()
    window.canvas_area.set_tool("pan")
    drag(qtbot, c, [(0.0, 0.0), (1.5, 1.0), (3.0, 2.0), (4.5, 3.0)])
    (p0, p1), (q0, q1) = c.vb.viewRange()
    assert p0 < x0 - 3.0  # panned: the view now shows the plane beyond −6
    qtbot.waitUntil(lambda: covers_view(c), timeout=LONG)
    window.grab()
    # zoom out (wheel away): far beyond [−6, 6]², still no margin
    for _ in range(3):
        wheel(c, 0.0, 0.0, -240)
    (z0, z1), _ = c.vb.viewRange()
    assert z1 - z0 > 2 * (p1 - p0)
    qtbot.waitUntil(lambda: covers_view(c), timeout=LONG)
    # zoom in: the grid follows, so a cell stays a few screen pixels wide
    for _ in range(8):
        wheel(c, 1.0, 1.0, 240)
    qtbot.waitUntil(lambda: covers_view(c), timeout=LONG)

    def fitted() -> bool:  # the grid of the zoomed-in view has arrived
        (v0, v1), _ = c.vb.viewRange()
        return covers_view(c) and c.image_rect().width() < 1.5 * (v1 - v0)

    qtbot.waitUntil(fitted, timeout=LONG)
    cols = c.image.image.shape[1]
    cell_px = c.image_rect().width() / cols / c.vb.viewPixelSize()[0]
    assert cell_px < 8.0, f"a grid cell is {cell_px:.1f} screen pixels wide"
    window.grab()


def test_grid_request_is_cheap_for_a_full_window(window, qtbot):
    """The grid never exceeds the cap (≈ 3× the old 100×100) however large the canvas."""
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: covers_view(window.canvas), timeout=LONG)
    rows, cols = window.latest.grid.shape
    assert rows * cols <= 200 * 160
    # matched to the canvas's shape: as many samples per data unit along x as along y
    x0, x1, y0, y1 = window.latest.extent
    assert cols / (x1 - x0) == pytest.approx(rows / (y1 - y0), rel=0.05)


def test_network_view_beside_the_canvas_and_hover_shows_a_unit(window, qtbot):
    nv = window.canvas_area.netview
    assert not nv.isVisible()
    qtbot.mouseClick(window.canvas_area.network_view_button, Qt.MouseButton.LeftButton)
    assert nv.isVisible() and window.menus.actions.network_view.isChecked()
    qtbot.waitUntil(lambda: nv.frames_drawn > 0, timeout=LONG)
    window.grab()
    d = nv.diagram
    assert (1, 0) in d.unit_images and (2, 3) in d.unit_images and (3, 0) in d.unit_images
    # live: a step changes the maps
    before = nv.frames_drawn
    window.menus.actions.step.trigger()
    qtbot.waitUntil(lambda: window.latest.snapshot.step == 1, timeout=LONG)
    qtbot.waitUntil(lambda: nv.frames_drawn > before, timeout=LONG)
    out_image = window.canvas.image.image.copy()
    hover(qtbot, d, (1, 2))
    qtbot.waitUntil(lambda: window.latest.unit == (1, 2), timeout=LONG)
    window.grab()
    assert "h₃⁽¹⁾" in window.canvas.caption.text() and window.canvas.caption.isVisible()
    assert not np.array_equal(window.canvas.image.image, out_image)
    qtbot.waitUntil(lambda: covers_view(window.canvas), timeout=LONG)
    qtbot.mouseMove(d, QPoint(2, 2))  # off every unit: the output again
    qtbot.waitUntil(lambda: window.latest.unit is None, timeout=LONG)
    assert not window.canvas.caption.isVisible()
    window.menus.actions.network_view.trigger()
    assert not nv.isVisible() and not window.canvas_area.network_view_button.isChecked()


def test_a_lessons_description_is_shown(window, qtbot):
    notes = window.canvas_area.notes
    assert not notes.isVisible()  # a preset has no notes
    assert open_and_wait(qtbot, window, "deep_sigmoid")  # read off the GUI thread
    sc = load_lesson("deep_sigmoid")
    window.grab()
    assert notes.isVisible()
    assert notes.title_label.text() == sc.title
    assert notes.description_label.text() == sc.description and sc.description
    assert notes.description_label.isVisible()
    qtbot.mouseClick(notes.fold_button, Qt.MouseButton.LeftButton)  # fold: the title stays
    assert not notes.description_label.isVisible() and notes.title_label.isVisible()
    qtbot.mouseClick(notes.fold_button, Qt.MouseButton.LeftButton)
    # presentation mode keeps the notes
    window.menus.actions.presentation.trigger()
    window.grab()
    assert notes.isVisible() and notes.description_label.isVisible()
    window.menus.actions.presentation.trigger()
    # the View menu hides them; a new preset leaves the lesson
    window.menus.actions.notes.trigger()
    assert not notes.isVisible()
    window.menus.actions.notes.trigger()
    assert notes.isVisible()
    window.data_panel.preset_combo.setCurrentIndex(1)
    assert not notes.isVisible()


def test_save_asks_for_title_and_description(window, qtbot, tmp_path, monkeypatch):
    assert open_and_wait(qtbot, window, "xor")  # read off the GUI thread
    path = tmp_path / "mine.json"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    seen = {}

    def fill() -> None:
        dlg = QApplication.activeModalWidget()
        seen["prefilled"] = dlg.title_edit.text()
        dlg.title_edit.setText("My XOR")
        dlg.description_edit.setPlainText("Switch to sigmoid and compare.")
        ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(50, fill)
    window.menus.actions.save.trigger()
    qtbot.waitUntil(path.exists, timeout=LONG)
    assert seen["prefilled"] == load_lesson("xor").title  # pre-filled with the open lesson's
    sc = load_scenario(path)
    assert (sc.title, sc.description) == ("My XOR", "Switch to sigmoid and compare.")
    qtbot.waitUntil(lambda: window.document.title == "My XOR", timeout=LONG)
    assert window.canvas_area.notes.description_label.text() == "Switch to sigmoid and compare."
    # reopening shows them
    window.document.set_source()
    assert open_and_wait(qtbot, window, path)  # read off the GUI thread
    notes = window.canvas_area.notes
    assert notes.isVisible() and notes.title_label.text() == "My XOR"


def test_spirals_preset_gets_a_network_that_learns_it(window, qtbot):
    dp = window.data_panel
    dp.preset_combo.setCurrentIndex(dp.preset_combo.findData("spirals"))
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.widths[1:-1] == (16, 16), timeout=LONG)
    qtbot.waitUntil(lambda: window.latest.snapshot.hyper.optimizer == "adam", timeout=LONG)
    assert window.latest.snapshot.hyper.alpha == pytest.approx(0.01)
    assert window.training_panel.hyper().optimizer == "adam"
    assert "switched to 16-16 tanh" in window.banner.text
    # a network of the user's own: the app offers, and a click applies it
    window.network_panel.set_spec(
        window.network_panel.spec().__class__(hidden=(3,), activation="tanh"), emit=True
    )
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.widths[1:-1] == (3,), timeout=LONG)
    dp.preset_combo.setCurrentIndex(dp.preset_combo.findData("xor"))
    dp.preset_combo.setCurrentIndex(dp.preset_combo.findData("spirals"))
    assert "Use 16-16 tanh" in window.banner.text
    assert window.banner.action_button.isVisible()
    qtbot.mouseClick(window.banner.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.latest.snapshot.arch.widths[1:-1] == (16, 16), timeout=LONG)
    assert not window.banner.isVisible()


def test_default_speed_is_watchable_with_a_max_setting(window, qtbot):
    tp = window.training_panel
    assert 30 <= tp.speed <= 60
    qtbot.waitUntil(lambda: window.controller.worker.pacer.speed == tp.speed, timeout=LONG)
    tp.speed_slider.setValue(tp.speed_slider.maximum())
    assert tp.speed_label.text() == "max" and tp.speed == 0.0


@pytest.mark.parametrize("lesson", ["sine", "surface", "spirals3", "deep_sigmoid"])
def test_network_view_and_hover_for_every_kind_of_lesson(window, qtbot, lesson):
    """1-D and 2-D regression, softmax, a deep network: the pane draws, a hover swaps the
    canvas picture (or, for 1-D input, leaves the curve alone), nothing raises in paint."""
    assert open_and_wait(qtbot, window, lesson)  # read off the GUI thread
    window.menus.actions.network_view.trigger()
    qtbot.waitUntil(lambda: window.latest.snapshot.step == 0, timeout=LONG)
    nv = window.canvas_area.netview
    qtbot.waitUntil(lambda: nv.frames_drawn > 0 and len(nv.diagram.W) > 0, timeout=LONG)
    window.grab()
    d = nv.diagram
    hover(qtbot, d, (1, 0))
    plane = window.latest.snapshot.dataset.input_dim == 2
    if plane:
        qtbot.waitUntil(lambda: window.latest.unit == (1, 0), timeout=LONG)
        assert window.canvas_area.legend.kind == "unit"
    window.grab()
    qtbot.mouseMove(d, QPoint(2, 2))
    qtbot.waitUntil(lambda: window.latest.unit is None, timeout=LONG)
    window.grab()
    assert window.canvas_area.legend.kind != "unit"


def test_inspector_thumbnails_keep_the_data_square_when_the_view_moves(window, qtbot):
    window.menus.actions.inspector.trigger()
    window.set_network_view(True)
    qtbot.waitUntil(lambda: window.canvas_area.netview.frames_drawn > 0, timeout=LONG)
    ins = window.inspector.diagram
    L = len(ins.widths) - 1
    qtbot.waitUntil(lambda: (L, 0) in ins.unit_images, timeout=LONG)
    before = ins.unit_images[(L, 0)].copy()
    assert before.width() == before.height()
    c = window.canvas
    window.canvas_area.set_tool("pan")
    drag(qtbot, c, [(0.0, 0.0), (1.5, 0.5), (3.0, 1.0)])
    qtbot.waitUntil(lambda: covers_view(c) and window.latest.extent[0] < -7.0, timeout=LONG)
    hover(qtbot, window.canvas_area.netview.diagram, (1, 1))
    qtbot.waitUntil(lambda: window.latest.unit == (1, 1), timeout=LONG)
    window.grab()
    # same θ, same square: the output's thumbnail is unchanged by the pan and the hover
    assert ins.unit_images[(L, 0)] == before
