"""The drawing canvas, driven with real mouse and key events on the offscreen platform."""

import numpy as np
import pytest
from backprop_lab.engine.data import Dataset, empty_dataset
from backprop_lab.gui.canvas import DataCanvas
from backprop_lab.gui.colors import binary_rgba, region_color
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication


@pytest.fixture
def canvas(qtbot):
    c = DataCanvas()
    qtbot.addWidget(c)
    c.resize(600, 600)
    c.show()
    qtbot.waitExposed(c)
    c.activateWindow()
    c.setFocus()
    QApplication.processEvents()
    return c


def widget_pos(canvas, x, y) -> QPoint:
    vb = canvas.plotItem.vb
    return canvas.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def click(qtbot, canvas, x, y, button=Qt.MouseButton.LeftButton):
    qtbot.mouseClick(canvas.viewport(), button, pos=widget_pos(canvas, x, y))


def send_mouse(canvas, kind, pos: QPoint, buttons):
    """A raw QMouseEvent to the viewport (a drag: press, moves with the button held, release)."""
    button = Qt.MouseButton.LeftButton
    if kind == QEvent.Type.MouseMove:
        button = Qt.MouseButton.NoButton
    local = QPointF(pos)
    glob = QPointF(canvas.viewport().mapToGlobal(pos))
    ev = QMouseEvent(kind, local, glob, button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas.viewport(), ev)


def drag(qtbot, canvas, path):
    """Left-drag through the data coordinates ``path``, paced like a hand: pyqtgraph drops
    move events closer than 10 ms apart (its ``mouseRateLimit``)."""
    held = Qt.MouseButton.LeftButton
    pts = [widget_pos(canvas, x, y) for x, y in path]
    send_mouse(canvas, QEvent.Type.MouseButtonPress, pts[0], held)
    for p in pts[1:]:
        qtbot.wait(12)
        send_mouse(canvas, QEvent.Type.MouseMove, p, held)
    send_mouse(canvas, QEvent.Type.MouseButtonRelease, pts[-1], Qt.MouseButton.NoButton)


def xor_dataset():
    pts = np.array([[-3.0, -3.0], [3.0, 3.0], [-3.0, 3.0], [3.0, -3.0]])
    return Dataset(pts, np.array([0, 0, 1, 1]), np.zeros(4, bool))


def test_click_adds_one_point_of_the_current_class_where_clicked(qtbot, canvas):
    canvas.set_current_class(1)
    with qtbot.waitSignal(canvas.datasetEdited) as blocker:
        click(qtbot, canvas, 2.0, -3.0)
    ds = canvas.dataset
    assert blocker.args[0] is ds
    assert len(ds) == 1 and ds.y[0] == 1 and not ds.is_test[0]
    np.testing.assert_allclose(ds.points[0], [2.0, -3.0], atol=0.05)
    click(qtbot, canvas, -4.0, 1.5)
    assert len(canvas.dataset) == 2
    np.testing.assert_allclose(canvas.dataset.points[1], [-4.0, 1.5], atol=0.05)
    assert canvas.history.undo_depth == 2


def test_click_on_an_existing_point_still_adds_a_point(qtbot, canvas):
    canvas.set_dataset(xor_dataset())
    click(qtbot, canvas, 3.0, 3.0)
    assert len(canvas.dataset) == 5


def test_new_test_points_and_new_classes(qtbot, canvas):
    canvas.set_new_points_are_test(True)
    canvas.set_current_class(3)
    click(qtbot, canvas, 0.0, 0.0)
    ds = canvas.dataset
    assert ds.is_test[0] and ds.y[0] == 3 and ds.n_classes == 4


def test_points_can_be_drawn_anywhere_in_view(qtbot, canvas):
    """The regions fill the view, and so may the points: a click at x₁ = 9 (beyond the
    presets' square [−6, 6]²) adds a point there."""
    canvas.plotItem.vb.setRange(xRange=(-12, 12), yRange=(-12, 12), padding=0)
    QApplication.processEvents()
    click(qtbot, canvas, 9.0, -10.0)
    assert len(canvas.dataset) == 1
    np.testing.assert_allclose(canvas.dataset.points[0], [9.0, -10.0], atol=0.1)


def test_drag_paints_a_stroke_that_undoes_in_one_step(qtbot, canvas):
    canvas.set_dataset(xor_dataset())
    before = canvas.dataset
    path = [(-4.0 + 0.2 * i, 0.0) for i in range(41)]  # 8 units, left to right
    drag(qtbot, canvas, path)
    ds = canvas.dataset
    added = ds.points[len(before) :]
    assert 10 <= len(added) <= 30
    assert np.all(ds.y[len(before) :] == 0)
    np.testing.assert_allclose(added[:, 1], 0.0, atol=0.05)
    assert added[0, 0] == pytest.approx(-4.0, abs=0.05)
    assert added[-1, 0] > 3.5
    gaps = np.diff(added[:, 0])
    assert np.all(gaps >= canvas.stroke_spacing - 1e-9)
    assert canvas.history.undo_depth == 1
    canvas.undo()
    assert canvas.dataset is before


def test_drag_does_not_pan_while_drawing_but_does_with_pan_tool(qtbot, canvas):
    vb = canvas.plotItem.vb
    r0 = vb.viewRange()
    drag(qtbot, canvas, [(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)])
    assert vb.viewRange() == r0
    canvas.set_tool("pan")
    n = len(canvas.dataset)
    drag(qtbot, canvas, [(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)])
    assert vb.viewRange() != r0
    assert len(canvas.dataset) == n


def test_wheel_zooms_in_the_draw_tool(qtbot, canvas):
    vb = canvas.plotItem.vb
    (x0, x1), _ = vb.viewRange()
    pos = QPointF(widget_pos(canvas, 1.0, 1.0))
    ev = QWheelEvent(
        pos,
        QPointF(canvas.viewport().mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas.viewport(), ev)
    (z0, z1), _ = vb.viewRange()
    assert z1 - z0 < 0.9 * (x1 - x0)
    assert len(canvas.dataset) == 0
    canvas.reset_view()
    (r0, r1), _ = vb.viewRange()
    assert r0 <= -6.0 and r1 >= 6.0 and r1 - r0 < 13.0


def test_right_click_removes_the_nearest_point_in_any_tool(qtbot, canvas):
    canvas.set_dataset(xor_dataset())
    for tool in ("draw", "pan"):
        canvas.set_tool(tool)
        n = len(canvas.dataset)
        target = canvas.dataset.points[0]
        click(qtbot, canvas, target[0] + 0.1, target[1] - 0.1, Qt.MouseButton.RightButton)
        assert len(canvas.dataset) == n - 1
        assert not any(np.allclose(p, target) for p in canvas.dataset.points)
    # far from every point: nothing happens
    click(qtbot, canvas, 0.0, 0.0, Qt.MouseButton.RightButton)
    assert len(canvas.dataset) == 2


def test_erase_tool_click_and_drag(qtbot, canvas):
    canvas.set_dataset(xor_dataset())
    canvas.set_tool("erase")
    click(qtbot, canvas, -3.0, 3.0)
    assert len(canvas.dataset) == 3 and canvas.dataset.y.tolist() == [0, 0, 1]
    drag(qtbot, canvas, [(-3.0 + 0.25 * i, -3.0 + 0.25 * i) for i in range(25)])
    assert canvas.dataset.points.tolist() == [[3.0, -3.0]]
    assert canvas.history.undo_depth == 2
    canvas.undo()
    assert len(canvas.dataset) == 3


def test_undo_redo_by_keyboard_restore_datasets_exactly(qtbot, canvas):
    states = [canvas.dataset]
    for x in (-2.0, 0.0, 2.0):
        click(qtbot, canvas, x, 1.0)
        states.append(canvas.dataset)
    assert canvas.undo_action.isEnabled() and not canvas.redo_action.isEnabled()
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(canvas, Qt.Key.Key_Z, ctrl)
    assert canvas.dataset is states[2]
    qtbot.keyClick(canvas, Qt.Key.Key_Z, ctrl)
    assert canvas.dataset is states[1]
    assert canvas.redo_action.isEnabled()
    with qtbot.waitSignal(canvas.datasetEdited) as blocker:
        qtbot.keyClick(canvas, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert canvas.dataset is states[2] and blocker.args[0] is states[2]
    qtbot.keyClick(canvas, Qt.Key.Key_Y, ctrl)
    assert canvas.dataset is states[3]
    assert canvas.dataset.same_as(states[3])
    assert not canvas.redo_action.isEnabled()
    for _ in range(5):
        qtbot.keyClick(canvas, Qt.Key.Key_Z, ctrl)
    assert canvas.dataset is states[0] and not canvas.undo_action.isEnabled()


def test_number_keys_select_the_class(qtbot, canvas):
    with qtbot.waitSignal(canvas.classChanged) as blocker:
        qtbot.keyClick(canvas, Qt.Key.Key_3)
    assert blocker.args == [2] and canvas.current_class == 2
    click(qtbot, canvas, 1.0, 1.0)
    assert canvas.dataset.y.tolist() == [2] and canvas.dataset.n_classes == 3
    qtbot.keyClick(canvas, Qt.Key.Key_8)
    assert canvas.current_class == 7
    qtbot.keyClick(canvas, Qt.Key.Key_9)
    assert canvas.current_class == 7


def test_pick_tool_emits_the_nearest_index_and_highlights(qtbot, canvas):
    canvas.set_dataset(xor_dataset())
    canvas.set_tool("pick")
    with qtbot.waitSignal(canvas.pointPicked) as blocker:
        click(qtbot, canvas, 2.9, -2.8)
    assert blocker.args == [3]
    assert canvas.highlighted == 3
    assert len(canvas.dataset) == 4
    spots = canvas._highlight_item.getData()
    np.testing.assert_allclose(np.column_stack(spots), [[3.0, -3.0]])
    with qtbot.assertNotEmitted(canvas.pointPicked):
        click(qtbot, canvas, 0.0, 0.0)
    assert canvas.highlighted is None


def test_clear_points_is_undoable(qtbot, canvas):
    canvas.set_dataset(xor_dataset())
    before = canvas.dataset
    canvas.clear_points()
    assert len(canvas.dataset) == 0
    canvas.undo()
    assert canvas.dataset is before


def test_set_dataset_resets_history_and_emits_nothing(qtbot, canvas):
    click(qtbot, canvas, 1.0, 1.0)
    with qtbot.assertNotEmitted(canvas.datasetEdited):
        canvas.set_dataset(xor_dataset())
    assert not canvas.history.can_undo and len(canvas.dataset) == 4
    other = empty_dataset()
    canvas.set_dataset(other, reset_history=False)
    assert canvas.dataset is other and canvas.history.can_undo


def test_scatter_items_show_the_points_by_class_and_split(qtbot, canvas):
    pts = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    canvas.set_dataset(Dataset(pts, np.array([0, 1, 1]), np.array([False, False, True])))
    xs0, _ = canvas._train_items[0].getData()
    xs1, _ = canvas._train_items[1].getData()
    xt1, _ = canvas._test_items[1].getData()
    assert xs0.tolist() == [0.0] and xs1.tolist() == [1.0] and xt1.tolist() == [2.0]
    canvas.set_point_size(20)
    assert canvas._train_items[1].opts["size"] == 20 == canvas.point_size


def test_regression_clicks(qtbot, canvas):
    canvas.set_dataset(empty_dataset("regression", input_dim=1))
    click(qtbot, canvas, 1.0, 2.5)
    ds = canvas.dataset
    assert ds.y[0] == pytest.approx(2.5, abs=0.05) and ds.y[0] == ds.points[0, 1]
    canvas.set_dataset(empty_dataset("regression", input_dim=2))
    canvas.set_regression_value(-0.75)
    click(qtbot, canvas, 1.0, 2.5)
    assert canvas.dataset.y.tolist() == [-0.75]


def test_decision_image_spans_the_extent(qtbot, canvas):
    p = np.tile(np.linspace(0, 1, 50), (40, 1))
    canvas.set_decision_image(binary_rgba(p))
    img = canvas.image
    assert img.isVisible()
    assert img.image.shape == (40, 50, 4)
    rect = img.mapRectToView(img.boundingRect())
    assert (rect.left(), rect.right()) == pytest.approx((-6.0, 6.0))
    assert (rect.top(), rect.bottom()) == pytest.approx((-6.0, 6.0))
    # row 0 sits at the lowest y: pixel (row 0, column 0) maps into the bottom-left corner
    corner = img.mapToView(QPointF(0.5, 0.5))
    assert corner.x() < -5.8 and corner.y() < -5.8
    canvas.set_decision_image(binary_rgba(p), extent=(-2, 2, -1, 1))
    rect = img.mapRectToView(img.boundingRect())
    assert (rect.left(), rect.right(), rect.top(), rect.bottom()) == pytest.approx((-2, 2, -1, 1))
    canvas.set_decision_image(None)
    assert not img.isVisible()


def test_rendered_image_shows_colours_under_the_points(qtbot, canvas):
    canvas.set_decision_image(binary_rgba(np.zeros((20, 20))))
    QApplication.processEvents()
    grab = canvas.grab().toImage()
    pos = widget_pos(canvas, -4.0, 4.0)  # no points there
    pos = canvas.viewport().mapTo(canvas, pos)
    color = grab.pixelColor(pos)
    assert (color.red(), color.green(), color.blue()) == region_color(0)


def test_a_late_frame_of_the_other_kind_leaves_one_picture(qtbot, canvas):
    """A frame made before the data changed task may arrive after the canvas switched:
    whatever arrives, the canvas shows one picture, that of the last frame of its data (a
    frame of the other dimension is not drawn over it)."""
    from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
    from backprop_lab.engine.datasets import make_preset
    from backprop_lab.gui.frames import render_frame
    from backprop_lab.gui.presenter import draw_grid

    def frame(preset, features):
        ds = make_preset(preset, n_points=60, noise=0.1, test_fraction=0.0, seed=0)
        spec = NetworkSpec(hidden=(4,), features=features)
        return render_frame(TrainingSession(ds, spec, HyperParameters(), seed=0))

    plane, line = frame("xor", ("x1", "x2")), frame("sine_1d", ("x1",))
    for first, last in ((line, plane), (plane, line), (line, line), (plane, plane)):
        canvas.set_dataset(last.snapshot.dataset, reset_history=True)  # the canvas switched
        draw_grid(canvas, first)  # late
        draw_grid(canvas, last)
        canvas.grab()
        curve = last.snapshot.dataset.input_dim == 1
        assert canvas.curve.isVisible() == curve and canvas.image.isVisible() != curve
        draw_grid(canvas, first)  # late again, after it
        assert canvas.curve.isVisible() == curve and canvas.image.isVisible() != curve


def test_curve(qtbot, canvas):
    xs = np.linspace(-6, 6, 30)
    canvas.set_curve(xs, np.sin(xs))
    assert canvas.curve.isVisible()
    assert np.allclose(canvas.curve.getData()[1], np.sin(xs))
    canvas.set_curve(None)
    assert not canvas.curve.isVisible()


def test_unknown_tool_and_class_are_rejected(canvas):
    with pytest.raises(ValueError):
        canvas.set_tool("lasso")
    with pytest.raises(ValueError):
        canvas.set_current_class(8)
