"""A seed fan of eight on a 1024×768 projector: each seed's canvas is a thumbnail (no
axes, no colour key, its loss and accuracy under its name), so its regions fill the
cell; with room for axes (four seeds, one run) the canvases are as they always were."""

from __future__ import annotations

from backprop_lab.gui.compare_canvases import THUMB_CELL
from backprop_lab.gui.legend import CanvasLegend
from PySide6.QtCore import QRect, Qt

from .helpers import LONG, click
from .test_compare_window import wait_runs
from .test_presentation import key, open_window


def _axes_shown(cell) -> bool:
    pi = cell.canvas.getPlotItem()
    return all(pi.getAxis(side).isVisible() for side in ("left", "bottom"))


def _step10(qtbot, w) -> None:
    start = w.latest.snapshot.step
    click(qtbot, w.training_panel.step10_button)
    qtbot.waitUntil(lambda: all(r.status.step == start + 10 for r in w.latest.runs), timeout=LONG)
    w.grab()


def test_eight_seeds_on_a_projector_are_thumbnails_and_four_are_not(qtbot):
    w = open_window(qtbot, QRect(0, 0, 1024, 768), size=(1000, 700))
    key(qtbot, w, Qt.Key.Key_F5)
    assert w.fit.presenting
    legend = w.canvas.findChild(CanvasLegend)
    w.grab()
    assert legend.isVisible()  # one run: the key in the canvas's corner
    w.compare.contrast_actions["seeds8"].trigger()
    wait_runs(qtbot, w, 8)
    _step10(qtbot, w)
    grid = w.compare.grid
    cells = grid.cells[: grid.count]
    assert grid.width() / grid.shape[1] < THUMB_CELL  # the room a projector leaves
    qtbot.waitUntil(lambda: all(c.thumb for c in cells), timeout=LONG)
    w.grab()
    for cell in cells:
        assert not _axes_shown(cell)
        # the regions fill the cell: the view is the whole canvas, not what axes leave
        view = cell.canvas.getPlotItem().vb.sceneBoundingRect()
        assert view.width() >= cell.canvas.width() - 12, (view, cell.canvas.width())
        assert view.width() >= 100
        # the name over the loss and accuracy (the step is the header's, shared)
        text = cell.title.text()
        assert "<br>" in text and "loss" in text and "step" not in text.split("<br>")[1]
    assert not legend.isVisible()  # the key would cover half of seed 1's thumbnail
    # four seeds: room for axes, the canvases as they always were, the key back
    w.compare.contrast_actions["seeds4"].trigger()
    wait_runs(qtbot, w, 4)
    w.grab()
    qtbot.waitUntil(lambda: not any(c.thumb for c in grid.cells), timeout=LONG)
    assert all(_axes_shown(c) for c in grid.cells[:4])
    assert "<br>" not in grid.cells[1].title.text()
    assert legend.isVisible()
    w.compare.stop_action.trigger()
    wait_runs(qtbot, w, 1)
    assert _axes_shown(grid.cells[0]) and not grid.cells[0].thumb
