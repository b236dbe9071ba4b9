"""Hyperplane pieces and convex regions cut to a box: the geometry of the output's
boundary in a hidden layer's view."""

from __future__ import annotations

import numpy as np
from backprop_lab.engine.clipping import (
    box_halfspaces,
    box_polygon,
    clip_polygon,
    hyperplane_piece,
)
from hypothesis import given, settings
from hypothesis import strategies as st

coef = st.floats(-3, 3, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


@settings(max_examples=200, deadline=None)
@given(st.lists(coef, min_size=2, max_size=3), st.floats(-2, 2, allow_nan=False))
def test_a_hyperplane_piece_lies_on_the_plane_inside_the_box(a, c):
    a = np.array(a)
    d = len(a)
    lo, hi = -np.ones(d), np.ones(d)
    piece = hyperplane_piece(a, c, lo, hi, [])
    # the plane meets the box exactly when a corner lies on each side (or on it)
    corners = np.array(np.meshgrid(*[[-1.0, 1.0]] * d)).reshape(d, -1).T
    f = corners @ a + c
    meets = f.min() <= 0 <= f.max()
    if piece is None:
        assert not meets or np.isclose(f.min(), 0) or np.isclose(f.max(), 0)
        return
    assert meets
    np.testing.assert_allclose(piece @ a + c, 0.0, atol=1e-9)
    assert np.all(piece >= lo - 1e-9) and np.all(piece <= hi + 1e-9)
    if d == 2:  # a segment across the whole box: its ends are on the box's edges
        assert np.all(np.isclose(np.abs(piece), 1.0, atol=1e-9).any(axis=1))
    else:  # a polygon whose vertices are on the cube's faces
        assert 3 <= len(piece) <= 6
        assert np.all(np.isclose(np.abs(piece), 1.0, atol=1e-9).any(axis=1))


def test_a_half_space_cuts_a_square_to_a_triangle():
    square = box_polygon(np.array([0.0, 0.0]), np.array([1.0, 1.0]))
    tri = clip_polygon(square, [(np.array([-1.0, -1.0]), 1.0)])  # x + y ≤ 1
    assert len(tri) == 3
    np.testing.assert_allclose(sorted(map(tuple, tri)), [(0, 0), (0, 1), (1, 0)])
    assert clip_polygon(square, [(np.array([1.0, 0.0]), -2.0)]).shape == (0, 2)  # x ≥ 2
    assert len(box_halfspaces(np.zeros(3), np.ones(3))) == 6
    # extra half-spaces cut the piece: only where x ≥ 0.5
    piece = hyperplane_piece(
        np.array([0.0, 1.0]), 0.0, -np.ones(2), np.ones(2), [(np.array([1.0, 0.0]), -0.5)]
    )
    np.testing.assert_allclose(sorted(piece[:, 0]), [0.5, 1.0])
    assert hyperplane_piece(np.zeros(2), 1.0, -np.ones(2), np.ones(2), []) is None
