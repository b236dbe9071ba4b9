"""The backprop inspector, driven through its real buttons, spin boxes and slider, with the
session running in the real engine thread."""

from __future__ import annotations

import re

import numpy as np
import pytest
from backprop_lab.engine import Dataset, TrainingSession
from backprop_lab.engine.features import feature_matrix
from backprop_lab.engine.phases import PhaseWalk
from backprop_lab.gui.arrayview import (
    HeatmapView,
    cell_text,
    diverging_rgba,
    shape_text,
    symmetric_limit,
)
from backprop_lab.gui.canvas import DataCanvas
from backprop_lab.gui.controller import EngineController
from backprop_lab.gui.diagram import diagram_layout, edge_batches, sup
from backprop_lab.gui.inspector import InspectorPanel
from backprop_lab.gui.timeline_view import TimelineSummary, memory_text
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtWidgets import QApplication

from tests.engine.helpers import small_session

LEFT = Qt.MouseButton.LeftButton


# --- real data ------------------------------------------------------------------------------
# waits follow state; the limit only stops a hung test (CI runs on 2 busy cores)
LONG = 60_000


def xor_dataset(n: int = 120, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-5, 5, (n, 2))
    pts += 0.3 * np.sign(pts)
    y = (pts[:, 0] * pts[:, 1] > 0).astype(int)
    is_test = np.zeros(n, bool)
    is_test[::5] = True
    return Dataset(pts, y, is_test)


def blobs_dataset(k: int = 3, n: int = 90, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    angle = 2 * np.pi * np.arange(k) / k
    centres = 4 * np.column_stack([np.cos(angle), np.sin(angle)])
    y = np.arange(n) % k
    return Dataset(centres[y] + rng.normal(0, 1, (n, 2)), y, np.zeros(n, bool), n_classes=k)


def regression_dataset(n: int = 80, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-6, 6, (n, 2))
    y = np.sin(pts[:, 0]) * np.cos(pts[:, 1])
    return Dataset(pts, y, np.zeros(n, bool), task="regression")


def make_session(dataset=None, hidden=(4, 4), activation="tanh", steps=0, **kw) -> TrainingSession:
    ds = dataset if dataset is not None else xor_dataset()
    return small_session(ds, steps, hidden, activation, **kw)


# --- the panel over a live engine thread ------------------------------------------------------
@pytest.fixture
def open_panel(qtbot):
    made = []

    def make(session: TrainingSession) -> InspectorPanel:
        c = EngineController(session)
        panel = InspectorPanel(c)
        qtbot.addWidget(panel)
        panel.resize(1400, 900)
        panel.show()
        qtbot.waitExposed(panel)
        made.append(c)
        qtbot.waitUntil(lambda: c.latest is not None and panel.summary is not None, timeout=LONG)
        return panel

    yield make
    for c in made:
        assert c.shutdown()


def in_engine(qtbot, controller, fn):
    """Run ``fn(session)`` in the engine thread and wait for its result."""
    box = []
    controller.call_in_engine(fn, reply=box.append)
    qtbot.waitUntil(lambda: len(box) > 0, timeout=LONG)
    return box[0]


def params_of(s):
    return [a.copy() for a in s.params.arrays()]


def engine_params(qtbot, panel):
    return in_engine(qtbot, panel.controller, params_of)


def engine_state(qtbot, panel):
    return in_engine(
        qtbot,
        panel.controller,
        lambda s: (params_of(s), s.batch_state().rng, s.step_count),
    )


def click(qtbot, button):
    qtbot.mouseClick(button, LEFT)


def click_until(qtbot, panel, button, position):
    """Click ``button`` and wait for the walk to reach ``position``."""
    click(qtbot, button)
    qtbot.waitUntil(
        lambda: panel.state is not None and panel.state.position == position, timeout=LONG
    )


def same(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


# --- phase stepping -----------------------------------------------------------------------------
def test_next_button_through_all_phases_equals_one_fused_step(qtbot, open_panel):
    panel = open_panel(make_session(steps=5))
    n = 4 * 3 + 3  # a 2-4-4-1 network: L = 3
    for i in range(n):
        click_until(qtbot, panel, panel.next_button, i)
        st = panel.state
        assert panel.title.text() == st.phase.title
        assert panel.equation.text() == st.phase.equation
        for number in st.phase.lines:
            line = panel.algorithm_lines[number]
            assert line.font().bold() and line.background().color().name() == "#ffd666"
        assert set(panel.arrays.views) == set(st.phase.shown)
    assert panel.state.done and panel.state.phase.kind == "update"
    assert f"phase {n} of {n}" in panel.counter.text()
    reference = make_session(steps=5)
    reference.step(1)
    assert same(engine_params(qtbot, panel), params_of(reference))
    # the worker published the new state
    qtbot.waitUntil(lambda: panel.controller.latest.snapshot.step == 6, timeout=LONG)
    # and the next press starts the next step on the same random stream
    for i in range(n):
        click_until(qtbot, panel, panel.next_button, i)
    reference.step(1)
    assert same(engine_params(qtbot, panel), params_of(reference))


def test_finish_button_and_keyboard(qtbot, open_panel):
    panel = open_panel(make_session(steps=2))
    panel.activateWindow()
    panel.setFocus()
    QApplication.processEvents()
    qtbot.keyClick(panel, Qt.Key.Key_N)  # the first phase: the batch
    qtbot.waitUntil(lambda: panel.state is not None and panel.state.position == 0, timeout=LONG)
    assert panel.state.phase.kind == "batch" and len(panel.state.batch) == 8
    click_until(qtbot, panel, panel.finish_button, 14)
    reference = make_session(steps=2)
    reference.step(1)
    assert same(engine_params(qtbot, panel), params_of(reference))


def test_previous_restores_the_exact_earlier_state(qtbot, open_panel):
    panel = open_panel(make_session(steps=7, optimizer="adam"))
    before = engine_state(qtbot, panel)
    n = 15
    for i in range(n):
        click_until(qtbot, panel, panel.next_button, i)
    after = engine_state(qtbot, panel)
    assert after[2] == 8 and not same(after[0], before[0])
    click_until(qtbot, panel, panel.prev_button, n - 2)  # back over the update
    mid = engine_state(qtbot, panel)
    assert same(mid[0], before[0]) and mid[2] == 7
    for i in range(n - 3, -2, -1):  # back over every phase, the batch draw included
        click_until(qtbot, panel, panel.prev_button, i)
    assert not panel.prev_button.isEnabled()
    back = engine_state(qtbot, panel)
    assert same(back[0], before[0]) and back[1] == before[1] and back[2] == 7
    # forward again: the same step as before
    click_until(qtbot, panel, panel.finish_button, n - 1)
    assert same(engine_state(qtbot, panel)[0], after[0])


@pytest.mark.parametrize("batching", ["random", "epochs"])
def test_training_in_the_middle_of_a_walk_goes_on_as_if_there_was_none(qtbot, open_panel, batching):
    panel = open_panel(make_session(steps=5, batching=batching))
    for i in range(6):  # the batch is drawn, the forward pass and the likelihood done
        click_until(qtbot, panel, panel.next_button, i)
    c = panel.controller
    c.step(3)  # the main window's "step" (play works the same way)
    qtbot.waitUntil(lambda: c.latest.snapshot.step == 8, timeout=LONG)
    reference = make_session(steps=8, batching=batching)
    assert same(engine_params(qtbot, panel), params_of(reference))
    qtbot.waitUntil(lambda: panel.state is None, timeout=LONG)  # the shown phase is stale
    assert "moved on" in panel.note.text() and not panel.arrays.views
    click_until(qtbot, panel, panel.next_button, 0)  # a new walk, from step 8
    assert panel.state.start_step == 8 and "session changed" in panel.note.text()
    click_until(qtbot, panel, panel.finish_button, 14)
    reference.step(1)
    assert same(engine_params(qtbot, panel), params_of(reference))


def test_the_picked_point_as_a_batch_of_one(qtbot, open_panel):
    ds = xor_dataset()
    panel = open_panel(make_session(ds, steps=3))
    point = 7  # a training point (every 5th is a test point)
    assert not ds.is_test[point]
    panel.batch_combo.setCurrentIndex(panel.batch_combo.findData("point"))
    panel.set_picked_point(point)
    click_until(qtbot, panel, panel.next_button, 0)
    assert panel.state.batch == (point,)
    assert panel.arrays.views["x = h⁽⁰⁾"].values.shape == (2, 1)
    click_until(qtbot, panel, panel.finish_button, 14)
    reference = make_session(ds, steps=3)
    PhaseWalk(reference, np.array([np.flatnonzero(~ds.is_test).tolist().index(point)])).finish()
    assert same(engine_params(qtbot, panel), params_of(reference))


def test_walk_highlights_the_layer_and_tints_backward_units(qtbot, open_panel):
    panel = open_panel(make_session(steps=4))
    for i in range(3):  # batch, forward 1, forward 2
        click_until(qtbot, panel, panel.next_button, i)
    assert panel.diagram.focus_layer == 2 and panel.diagram.focus_kind == "forward"
    assert panel.diagram.delta == {}
    view = panel.arrays.views["z⁽²⁾"]
    assert view.title == "z⁽²⁾   4 × 8"
    for i in range(3, 9):  # … likelihood, δ⁽³⁾, dJ/dW⁽³⁾, dJ/db⁽³⁾, δ⁽²⁾
        click_until(qtbot, panel, panel.next_button, i)
    assert panel.state.phase.title == "Backward: δ⁽²⁾"
    assert panel.diagram.focus_layer == 2 and panel.diagram.focus_kind == "delta"
    assert sorted(panel.diagram.delta) == [2, 3]
    d2 = panel.arrays.views["δ⁽²⁾"].values
    np.testing.assert_allclose(panel.diagram.delta[2], np.abs(d2).mean(axis=1))


# --- arrays -----------------------------------------------------------------------------------
def test_heatmap_colours_are_symmetric_around_zero():
    a = np.array([[-2.0, 0.0, 1.0]])
    assert symmetric_limit(a) == 2.0
    rgba = diverging_rgba(a)
    # the limits are ±2: −2 is the full blue end, +1 halfway to vermillion
    assert tuple(rgba[0, 0, :3]) == (0, 114, 178)
    assert tuple(rgba[0, 2, :3]) == tuple(diverging_rgba(np.array([[0.5]]), 1.0)[0, 0, :3])
    assert tuple(rgba[0, 1, :3]) == (244, 244, 242)
    lo, hi = diverging_rgba(np.array([[-1.0, 1.0]]))[0]
    mid = diverging_rgba(np.array([[0.0]]), 1.0)[0, 0]
    assert tuple(mid[:3]) == (244, 244, 242)
    assert tuple(lo[:3]) == (0, 114, 178) and tuple(hi[:3]) == (213, 94, 0)
    assert cell_text(-0.1234) == "−0.12" and cell_text(0) == "0" and cell_text(1e-5) == "1e−5"
    assert cell_text(-0.0071) == "−7e−3" and cell_text(2.5e4) == "2e4"
    assert cell_text(-12.345) == "−12.3" and cell_text(-123.4) == "−123"
    assert shape_text(np.zeros(4)) == "4 × 1" and shape_text(np.zeros((4, 16))) == "4 × 16"


def test_heatmap_prints_small_matrices_and_shows_the_value_under_the_mouse(qtbot):
    a = np.arange(12.0).reshape(3, 4) - 5.5
    v = HeatmapView("z⁽²⁾", a)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    assert v.show_text and v.text_at(0, 0) == "−5.50"
    assert v.title == "z⁽²⁾   3 × 4"
    big = HeatmapView("W", np.ones((64, 64)))
    assert not big.show_text
    with qtbot.waitSignal(v.hovered) as blocker:
        qtbot.mouseMove(v, v.cell_center(2, 1))
    assert blocker.args == [f"z⁽²⁾[3, 2] = {a[2, 1]:.6g}"]


def test_hovering_an_array_cell_shows_its_value(qtbot, open_panel):
    panel = open_panel(make_session(steps=1))
    click_until(qtbot, panel, panel.next_button, 0)
    click_until(qtbot, panel, panel.next_button, 1)
    view = panel.arrays.views["W⁽¹⁾"]
    qtbot.waitExposed(view)
    qtbot.mouseMove(view, view.cell_center(1, 0))
    qtbot.waitUntil(lambda: panel.hover_label.text().startswith("W⁽¹⁾[2, 1] = "), timeout=LONG)
    assert panel.hover_label.text() == f"W⁽¹⁾[2, 1] = {view.values[1, 0]:.6g}"


# --- tracing one point ----------------------------------------------------------------------------
def test_traced_point_shows_the_engines_forward_pass(qtbot, open_panel):
    ds = xor_dataset()
    panel = open_panel(make_session(ds, steps=40))
    spin = panel.point_spin
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "23")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    tv = panel.trace_view
    qtbot.waitUntil(lambda: tv.trace is not None and tv.trace.index == 23, timeout=LONG)
    assert panel.tabs.currentWidget() is tv

    def forward(s):
        x = feature_matrix(s.dataset.points[23:24], s.spec.features)
        y = s.dataset.y[23:24].astype(np.float64)
        fp = s.net.forward(s.params, x)
        return fp, s.net.backward(s.params, fp, y, 0.0)

    fp, bp = in_engine(qtbot, panel.controller, forward)
    np.testing.assert_array_equal(tv.row_values("x = h⁽⁰⁾"), fp.h[0][:, 0])
    for ell in (1, 2, 3):
        np.testing.assert_array_equal(tv.row_values(f"z{sup(ell)}"), fp.z[ell - 1][:, 0])
        np.testing.assert_array_equal(tv.row_values(f"δ{sup(ell)}"), bp.delta[ell - 1][:, 0])
    for ell in (1, 2):
        np.testing.assert_array_equal(tv.row_values(f"h{sup(ell)}"), fp.h[ell][:, 0])
    np.testing.assert_array_equal(tv.row_values("h⁽³⁾ = p(y=1 | x)"), fp.h[3][:, 0])
    cell = tv.table.item(tv.row_labels().index("z⁽²⁾"), 0)
    assert cell.text() == f"{fp.z[1][0, 0]:.4g}".replace("-", "−")
    # the formula of unit 3 of layer 2, with the numbers
    tv.layer_spin.setFocus()
    qtbot.keyClick(tv.layer_spin, Qt.Key.Key_Up)
    qtbot.keyClick(tv.unit_spin, Qt.Key.Key_Up)
    qtbot.keyClick(tv.unit_spin, Qt.Key.Key_Up)
    assert (tv.layer_spin.value(), tv.unit_spin.value()) == (2, 3)
    text = tv.formula.text()
    assert text.startswith("z₃⁽²⁾ = Σⱼ W₃ⱼ⁽²⁾ hⱼ⁽¹⁾ + b₃⁽²⁾ = ")
    # the diagram rings that unit and marks the point on every unit's map
    d = panel.diagram
    assert d.selected == (2, 2)
    assert d.marker == tuple(ds.points[23])
    at = d.marker_position(QRectF(0, 0, 120, 120))
    (x0, x1, y0, y1) = d.extent
    assert at.x() == pytest.approx(120 * (ds.points[23, 0] - x0) / (x1 - x0))
    assert at.y() == pytest.approx(120 - 120 * (ds.points[23, 1] - y0) / (y1 - y0))
    assert f"= {fp.z[1][2, 0]:.6g};" in text
    assert f"h₃⁽²⁾ = tanh(z₃⁽²⁾) = {fp.h[2][2, 0]:.6g}" in text  # the activation's symbol


def test_picking_on_the_canvas_traces_that_point(qtbot, open_panel):
    ds = xor_dataset()
    panel = open_panel(make_session(ds, steps=10))
    canvas = DataCanvas(dataset=ds)
    qtbot.addWidget(canvas)
    canvas.resize(500, 500)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.set_tool("pick")
    canvas.pointPicked.connect(panel.set_picked_point)
    i = 42
    x, y = ds.points[i]
    pos = canvas.mapFromScene(canvas.plotItem.vb.mapViewToScene(QPointF(x, y)))
    with qtbot.waitSignal(canvas.pointPicked) as blocker:
        qtbot.mouseClick(canvas.viewport(), LEFT, pos=pos)
    assert blocker.args == [i]
    tv = panel.trace_view
    qtbot.waitUntil(lambda: tv.trace is not None and tv.trace.index == i, timeout=LONG)
    assert panel.point_spin.value() == i
    assert tv.header.text().startswith(f"Point #{i} at ")


# --- gradient check ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dataset, head",
    [
        (xor_dataset(), "bernoulli"),
        (blobs_dataset(), "categorical"),
        (regression_dataset(), "gaussian"),
    ],
)
def test_gradient_check_passes_on_a_fresh_network(qtbot, open_panel, dataset, head):
    panel = open_panel(make_session(dataset, hidden=(3, 2), activation="tanh"))
    assert panel.controller.latest.snapshot.arch.head == head
    before = engine_state(qtbot, panel)
    gc = panel.gradcheck
    click(qtbot, gc.button)
    qtbot.waitUntil(lambda: gc.result is not None and gc.button.isEnabled(), timeout=LONG)
    t = gc.table
    assert t.rowCount() == 6  # W, b of three layers
    names = [t.item(i, 0).text() for i in range(6)]
    assert names == ["W⁽¹⁾", "b⁽¹⁾", "W⁽²⁾", "b⁽²⁾", "W⁽³⁾", "b⁽³⁾"]
    for i in range(6):
        assert t.item(i, 4).text() == "✓ pass"
        assert float(t.item(i, 2).text()) <= 1e-6
    assert gc.status.text().startswith("All passed on a random batch (B = 8)")
    after = engine_state(qtbot, panel)  # checking does not disturb the run
    assert same(after[0], before[0]) and after[1] == before[1] and after[2] == before[2]


def test_gradient_check_flags_a_wrong_gradient(qtbot, open_panel, monkeypatch):
    from backprop_lab.engine.network import Network

    real = Network.backward

    def broken(self, params, fp, y, lam=0.0):
        bp = real(self, params, fp, y, lam)
        bp.dW[0] = bp.dW[0] * 1.01
        return bp

    panel = open_panel(make_session(hidden=(3,)))
    monkeypatch.setattr(Network, "backward", broken)
    click(qtbot, panel.gradcheck.button)
    gc = panel.gradcheck
    qtbot.waitUntil(lambda: gc.result is not None and gc.button.isEnabled(), timeout=LONG)
    assert gc.table.item(0, 4).text() == "✗ FAIL"
    assert gc.table.item(1, 4).text() == "✓ pass"
    assert gc.status.text().startswith("FAILED")


# --- rewind ---------------------------------------------------------------------------------------
def test_rewinding_with_the_slider_reproduces_the_run(qtbot, open_panel):
    # a tiny budget: 16 checkpoints, so after 300 steps every 32nd step is kept
    panel = open_panel(make_session(steps=300, timeline_budget=1))
    tl = panel.timeline
    qtbot.waitUntil(lambda: tl.summary is not None and tl.summary.current == 300, timeout=LONG)
    steps = tl.summary.steps
    assert steps[:3] == (0, 32, 64) and tl.summary.stride == 32
    slider = tl.slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    c = panel.controller
    qtbot.waitUntil(lambda: c.latest.snapshot.step == 64 and not panel._rewind_busy, timeout=LONG)
    qtbot.waitUntil(lambda: tl.summary.current == 64, timeout=LONG)
    assert tl.step_label.text().startswith("step 64 (kept)")
    assert 288 in tl.summary.steps  # only looking back: the later checkpoints stay
    # train on from step 64 to 100 (the main window's "step" command)
    c.step(36)
    qtbot.waitUntil(lambda: c.latest.snapshot.step == 100, timeout=LONG)
    reference = make_session(steps=100)
    assert same(engine_params(qtbot, panel), params_of(reference))
    # the same numbers at the same steps (steps taken by hand add rows between them)
    got, want = c.latest.snapshot.history, reference.history.arrays()
    at = np.isin(got.step, want.step)
    np.testing.assert_array_equal(got.step[at], want.step)
    np.testing.assert_array_equal(got.train_loss[at], want.train_loss)


def test_rewind_in_the_middle_of_a_walk_undoes_the_walk_first(qtbot, open_panel):
    panel = open_panel(make_session(steps=40, timeline_budget=1))
    tl = panel.timeline
    qtbot.waitUntil(lambda: tl.summary is not None and tl.summary.current == 40, timeout=LONG)
    for i in range(4):
        click_until(qtbot, panel, panel.next_button, i)
    tl.slider.setFocus()
    qtbot.keyClick(tl.slider, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: panel.controller.latest.snapshot.step == 0, timeout=LONG)
    qtbot.waitUntil(lambda: panel.state.position == -1, timeout=LONG)
    panel.controller.step(40)
    qtbot.waitUntil(lambda: panel.controller.latest.snapshot.step == 40, timeout=LONG)
    assert same(engine_params(qtbot, panel), params_of(make_session(steps=40)))


def test_timeline_label_states_the_memory_bound_over_100k_steps(qtbot, open_panel):
    budget = 200_000
    panel = open_panel(make_session(hidden=(4, 3), timeline_budget=budget, optimizer="sgd"))
    c = panel.controller
    c.step(100_000)
    qtbot.waitUntil(lambda: c.latest.snapshot.step == 100_000, timeout=300_000)
    tl = panel.timeline
    qtbot.waitUntil(lambda: tl.summary.current == 100_000, timeout=LONG)
    text = tl.memory_label.text()
    m = re.match(
        r"(\d+) checkpoints, ([\d.]+) MB of ([\d.]+) MB budget \(every (\d+)th step\)", text
    )
    assert m, text
    n, used, of, stride = int(m[1]), float(m[2]), float(m[3]), int(m[4])
    assert of == round(budget / 2**20, 2) and used <= of
    cap, nbytes, kept = in_engine(
        qtbot, c, lambda s: (s.timeline.capacity, s.timeline.nbytes, len(s.timeline))
    )
    assert n == kept <= cap and nbytes <= budget
    assert stride >= 100_000 // cap
    assert tl.summary.steps[0] == 0 and tl.summary.steps[-1] >= 100_000 - stride


def test_memory_text():
    s = TimelineSummary((0, 4, 8), 8, 3 * 1024 * 1024, 64 * 1024 * 1024, 512, 4)
    assert memory_text(s) == "3 checkpoints, 3.00 MB of 64 MB budget (every 4th step)"


# --- the network diagram -----------------------------------------------------------------------
def test_diagram_layout_and_edges():
    widths = (2, 4, 4, 1)
    lay = diagram_layout(widths, 800, 500)
    assert [c.shape for c in lay.centres] == [(2, 2), (4, 2), (4, 2), (1, 2)]
    assert all(lay.thumbs)
    xs = [c[0, 0] for c in lay.centres]
    assert xs == sorted(xs)
    W = [np.array([[1.0, -0.5]] * 4), np.zeros((4, 4)), np.array([[2.0, -2.0, 0.1, 0.0]])]
    batches = edge_batches(W, lay.centres)
    n_pos = sum(len(b[2]) for b in batches if b[0])
    n_neg = sum(len(b[2]) for b in batches if not b[0])
    assert (n_pos, n_neg) == (4 + 2, 4 + 1)  # zero weights are not drawn
    widest = [b for b in batches if b[1] == 6]
    assert sum(len(b[2]) for b in widest) == 2  # |W| = 2 is the largest
    big = diagram_layout((2,) + (64,) * 8 + (1,), 1200, 700)
    assert not any(big.thumbs[1:-1])
    # a wide layer pair draws only its strongest weights
    w = np.random.default_rng(0).normal(size=(64, 64))
    many = edge_batches([w] * 7, big.centres[1:-1] + [big.centres[-2]], max_per_layer=256)
    assert sum(len(b[2]) for b in many) == 7 * 256
    a, b = big.centres[1], big.centres[2]
    one = edge_batches([w], [a, b], max_per_layer=256)
    lines = np.vstack([e[2] for e in one])
    cols = np.searchsorted(a[:, 1], lines[:, 1])
    rows = np.searchsorted(b[:, 1], lines[:, 3])
    drawn = np.sort(np.abs(w[rows, cols]))
    np.testing.assert_array_equal(drawn, np.sort(np.abs(w).ravel())[-256:])


def test_diagram_marks_dead_relu_units_and_enlarges_on_hover(qtbot, open_panel):
    s = make_session(activation="relu", steps=2)
    s.params.b[0][1, 0] = -1e3  # unit 2 of layer 1 never fires
    panel = open_panel(s)
    d = panel.diagram
    qtbot.waitUntil(lambda: 1 in d.dead, timeout=LONG)
    assert d.dead[1].tolist() == [False, True, False, False]
    assert len(d.unit_images) == 4 + 4 + 1  # every hidden unit's map and the output's
    lay = d.layout_now()
    x, y = lay.centres[1][2]
    qtbot.mouseMove(d, QPoint(int(x), int(y)))
    qtbot.waitUntil(lambda: d.hover == (1, 2), timeout=LONG)
    assert d.unit_name(1, 2) == "h₃⁽¹⁾ (relu)"


# --- in the main window ----------------------------------------------------------------------
def test_inspector_dock_in_the_main_window(qtbot):
    import copy

    from backprop_lab.gui.main_window import MainWindow

    w = MainWindow(preset="xor")
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    c = w.controller
    try:
        qtbot.waitUntil(lambda: w.latest is not None, timeout=LONG)
        assert not w.inspector_dock.isVisible()
        w.activateWindow()
        QApplication.processEvents()
        reference = in_engine(qtbot, c, copy.deepcopy)  # the session as it is now
        qtbot.keyClick(w, Qt.Key.Key_N)  # the phase key opens the inspector
        panel = w.inspector
        qtbot.waitUntil(lambda: w.inspector_dock.isVisible(), timeout=LONG)
        qtbot.waitUntil(lambda: panel.state is not None and panel.state.position == 0, timeout=LONG)
        n = panel.state.n_phases
        for i in range(1, n):
            click_until(qtbot, panel, panel.next_button, i)
        reference.step(1)
        assert same(engine_params(qtbot, panel), params_of(reference))
        qtbot.waitUntil(lambda: w.latest.snapshot.step == 1, timeout=LONG)
        assert "step 1" in w.status_label.text()
        # the pick tool traces the clicked point
        qtbot.keyClick(w, Qt.Key.Key_K)
        assert w.canvas.tool == "pick" and w.canvas_area.toolbar.tool_buttons["pick"].isChecked()
        ds = w.canvas.dataset
        i = int(np.flatnonzero(~ds.is_test)[3])
        x, y = ds.points[i]
        pos = w.canvas.mapFromScene(w.canvas.plotItem.vb.mapViewToScene(QPointF(x, y)))
        with qtbot.waitSignal(w.canvas.pointPicked) as blocker:
            qtbot.mouseClick(w.canvas.viewport(), LEFT, pos=pos)
        picked = blocker.args[0]
        assert np.allclose(ds.points[picked], ds.points[i], atol=0.3)
        tv = panel.trace_view
        qtbot.waitUntil(lambda: tv.trace is not None and tv.trace.index == picked, timeout=LONG)
        # the inspector key hides it again
        qtbot.keyClick(w, Qt.Key.Key_I)
        qtbot.waitUntil(lambda: not w.inspector_dock.isVisible(), timeout=LONG)
    finally:
        w.shutdown()
