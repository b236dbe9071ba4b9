"""The network diagram redraws its picture only when what it shows changed: while training,
a frame whose weights keep every edge's sign and width bin (and the edges a wide layer
draws) leaves the picture as it is; any change of those redraws it."""

from __future__ import annotations

import numpy as np
from backprop_lab.gui.diagram import NetworkDiagram, diagram_layout, edge_batches, edge_key
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QImage

WIDTHS = (2, 8, 8, 1)


def _weights(rng, widths=WIDTHS, scale=1.0):
    return [rng.normal(scale=scale, size=(b, a)) for a, b in zip(widths[:-1], widths[1:])]


def _same_batches(x, y) -> bool:
    def norm(batches):
        return sorted((p, k, tuple(sorted(map(tuple, lines.tolist())))) for p, k, lines in batches)

    return norm(x) == norm(y)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    nudge=st.sampled_from([0.0, 1e-6, 1e-3, 0.05, 0.5]),
    wide=st.booleans(),
)
def test_equal_keys_draw_the_same_edges(seed, nudge, wide):
    rng = np.random.default_rng(seed)
    widths = (2, 64, 64, 1) if wide else WIDTHS
    W = _weights(rng, widths)
    W2 = [w + nudge * rng.normal(size=w.shape) for w in W]
    lay = diagram_layout(widths, 900, 600)
    same_key = edge_key(W) == edge_key(W2)
    same_edges = _same_batches(edge_batches(W, lay.centres), edge_batches(W2, lay.centres))
    if same_key:
        assert same_edges  # skipping the redraw never leaves a wrong picture
    if nudge == 0.0:
        assert same_key


def test_a_tiny_step_keeps_the_picture_and_a_sign_change_redraws_it(qtbot):
    d = NetworkDiagram()
    qtbot.addWidget(d)
    d.resize(500, 300)
    d.set_network(WIDTHS, ("tanh", "tanh"), "bernoulli", ("x1", "x2"))
    rng = np.random.default_rng(3)
    W = _weights(rng)
    W[0][0, 0] = 0.4  # well inside a bin (the largest |W| sets the bins' scale)
    d.set_weights(W)
    d.show()
    d.grab()  # painted: the picture is up to date
    assert not d._stale
    first = d._cache
    nudged = [w.copy() for w in W]
    nudged[0][0, 0] += 1e-9
    d.set_weights(nudged)
    assert not d._stale  # no edge's bin changed
    assert d.W[0][0, 0] == nudged[0][0, 0]  # the hover box reads the new weights
    d.grab()
    assert d._cache is first
    flipped = [w.copy() for w in nudged]
    flipped[0][0, 0] = -flipped[0][0, 0]
    d.set_weights(flipped)
    assert d._stale
    # redrawn (at once, or in its turn when the picture is dear: wait on the state)
    qtbot.waitUntil(lambda: d.grab() is not None and not d._stale, timeout=10_000)
    assert d._cache is not first


def test_weights_that_are_not_finite_always_redraw(qtbot):
    d = NetworkDiagram()
    qtbot.addWidget(d)
    d.set_network(WIDTHS, ("tanh", "tanh"), "bernoulli", ("x1", "x2"))
    W = _weights(np.random.default_rng(1))
    W[1][0, 0] = np.nan
    assert edge_key(W) is None
    d.set_weights(W)
    d.grab()
    d.set_weights([w.copy() for w in W])
    assert d._stale


def _drawn(qtbot, steps) -> QImage:
    d = NetworkDiagram()
    qtbot.addWidget(d)
    d.resize(500, 300)
    d.show()
    for step in steps:
        step(d)
        d.grab()
    qtbot.waitUntil(lambda: d.grab() is not None and not d._stale, timeout=10_000)
    return d._cache


def test_new_unit_maps_over_the_kept_edges_draw_what_a_fresh_picture_draws(qtbot):
    rng = np.random.default_rng(5)
    W = _weights(rng)
    maps = [rng.uniform(-1, 1, (8, 12, 12)) for _ in range(2)]
    out = rng.uniform(0, 1, (20, 20))
    delta = {1: rng.uniform(0, 1, 8), 2: rng.uniform(0, 1, 8)}
    dead = {1: np.zeros(8, bool), 2: np.arange(8) == 3}

    def network(d):
        d.set_network(WIDTHS, ("tanh", "tanh"), "bernoulli", ("x1", "x2"))
        d.set_weights(W)

    def over(d):
        d.set_maps(maps, out)
        d.set_delta(delta)
        d.set_health(dead, dead)

    # a picture drawn in steps (the edges kept, the units drawn again over a copy) ...
    kept = _drawn(qtbot, [network, lambda d: d.set_maps(None, None), over])
    # ... is the picture drawn at once
    fresh = _drawn(qtbot, [lambda d: (network(d), over(d))])
    assert kept == fresh
    assert kept != _drawn(qtbot, [network])  # and the maps did change it
