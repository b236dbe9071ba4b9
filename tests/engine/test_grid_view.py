"""The decision grid over the canvas's view: covers it, matches its shape, stays cheap."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine import GridEvaluator, GridSpec, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.features import feature_matrix
from backprop_lab.engine.grid import MAX_CELLS, view_grid
from hypothesis import given
from hypothesis import strategies as st


@given(
    cx=st.floats(-50, 50),
    cy=st.floats(-50, 50),
    w=st.floats(0.2, 120),
    aspect=st.floats(0.25, 4.0),
    px=st.floats(50, 4000),
)
def test_view_grid_covers_the_view_with_square_cells_and_at_most_the_cap(cx, cy, w, aspect, px):
    h = w / aspect
    view = (cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2)
    pixels = (px, px / aspect)  # aspect-locked canvas: data and pixels share the shape
    spec = view_grid(view, pixels)
    x0, x1, y0, y1 = spec.extent
    assert x0 < view[0] and x1 > view[1] and y0 < view[2] and y1 > view[3]
    ny, nx = spec.shape
    assert nx * ny <= MAX_CELLS
    assert nx >= 8 and ny >= 8
    # cells about as wide as tall (within one cell's rounding, unless a side hit the floor)
    if min(nx, ny) > 16:
        assert (x1 - x0) / nx == pytest.approx((y1 - y0) / ny, rel=0.1)


def test_view_grid_follows_the_screen_size_and_zoom():
    small = view_grid((-6, 6, -6, 6), (200, 200))
    big = view_grid((-6, 6, -6, 6), (800, 800))
    assert small.shape[1] < big.shape[1]  # more pixels, more samples
    zoomed = view_grid((-1, 1, -1, 1), (800, 800))
    # zoomed in: the same samples over a sixth of the width, six times sharper
    assert zoomed.shape == big.shape
    assert (zoomed.extent[1] - zoomed.extent[0]) * 5 < big.extent[1] - big.extent[0]
    assert view_grid((1, 0, 0, 1), (100, 100)) == GridSpec()  # nonsense: the default


def test_rectangular_grid_evaluates_each_sample():
    s = TrainingSession(make_preset("xor"), NetworkSpec(hidden=(4,), activation="tanh"), seed=3)
    spec = GridSpec((-8.0, 4.0, -2.0, 1.0), 24, 6)
    ev = GridEvaluator(spec, ("x1", "x2"))
    img = ev.evaluate(s.net, s.params)
    assert img.shape == (6, 24)
    xs, ys = spec.axes()
    r, c = 4, 17  # row = y index, column = x index
    x = feature_matrix(np.array([[xs[c], ys[r]]]), ("x1", "x2"))
    expect = s.net.forward(s.params, x).h[-1][0, 0]
    assert img[r, c] == pytest.approx(expect, rel=1e-4)
    maps = ev.hidden_maps(s.net, s.params)
    assert maps[0].shape == (4, 6, 24)
