"""The hidden-space figures: the input plane and the data pushed through the network up to
a hidden layer, drawn in that layer's coordinates, with the output's boundary there."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.features import feature_matrix
from backprop_lab.engine.hidden import (
    MAX_LINE_SAMPLES,
    MAX_POINTS,
    HiddenSpace,
    can_show_output,
    fit_pca,
    input_lines,
    line_samples,
    point_cap,
    view_logits,
)
from backprop_lab.engine.notation import DOMAIN

from .helpers import blobs_dataset, regression_dataset, xor_dataset


def _session(hidden=(2,), activation="tanh", ds=None, features=("x1", "x2"), **hyper):
    return TrainingSession(
        ds if ds is not None else xor_dataset(200, seed=1, test_fraction=0.25),
        NetworkSpec(hidden=hidden, activation=activation, features=features),
        HyperParameters(**{"alpha": 0.3, "batch_size": 16, **hyper}),
        seed=5,
    )


def _forward(session, xy: np.ndarray, layer: int) -> np.ndarray:
    """h⁽ℓ⁾ of the points (rows of xy) by the network's own forward pass."""
    x = feature_matrix(xy.reshape(-1, 2), session.spec.features)
    return session.net.forward(session.params, x).h[layer]


def _away(fig, margin=1e-9) -> np.ndarray:
    """The points shown that are not within ``margin`` of the drawn boundary (where the
    output's rounding, not the picture, decides)."""
    pic = fig.picture
    piece = fig.boundary.pieces[0].vertices
    d = piece[1] - piece[0]
    n = np.array([-d[1], d[0]]) / np.linalg.norm(d)
    return np.abs((pic.points - piece[0]) @ n) > margin


# --- the mapped grid and points are the network's own numbers ------------------------------
@pytest.mark.parametrize(
    "hidden, activation, features, layer",
    [
        ((2,), "tanh", ("x1", "x2"), 1),
        ((4, 3), "sigmoid", ("x1", "x2", "x1*x2"), 2),
        ((3, 2, 2), "relu", ("x1", "x2"), 3),
        ((2, 1), "identity", ("x1", "x2", "x1^2"), 2),
    ],
)
def test_the_mapped_grid_is_the_forward_pass_to_the_bit(hidden, activation, features, layer):
    s = _session(hidden, activation, features=features)
    s.step(300)
    space = HiddenSpace()
    fig = space.figure(s.snapshot(), layer)
    pic = fig.picture
    samples = line_samples(s.arch.widths, layer, 42)
    xy = input_lines(DOMAIN, 21, samples)
    h = _forward(s, xy, layer)
    lines = h.T.reshape(xy.shape[0], xy.shape[1], -1)
    assert pic.lines.shape == lines.shape
    np.testing.assert_array_equal(pic.lines, lines)  # every sample, to the bit
    np.testing.assert_array_equal(pic.points, _forward(s, s.dataset.points, layer).T)
    np.testing.assert_array_equal(fig.point_index, np.arange(len(s.dataset)))
    # every layer before it too (the morph goes through them)
    for k in range(1, layer):
        if s.arch.widths[k] <= 3:
            h_k = _forward(s, xy, k).T.reshape(lines.shape[0], lines.shape[1], -1)
            np.testing.assert_array_equal(fig.layers[k].lines, h_k)
    np.testing.assert_array_equal(fig.layers[0].lines, xy)
    np.testing.assert_array_equal(fig.layers[0].points, s.dataset.points)


def test_input_lines_cover_the_plane_in_both_directions():
    lines = input_lines((-6, 6, -3, 3), n_lines=5, samples=9)
    assert lines.shape == (10, 9, 2)
    np.testing.assert_array_equal(lines[0, :, 1], -3.0)  # the bottom line: x₂ constant
    np.testing.assert_array_equal(lines[4, :, 1], 3.0)
    np.testing.assert_array_equal(lines[5, :, 0], -6.0)  # the left line: x₁ constant
    np.testing.assert_array_equal(lines[0, [0, -1], 0], [-6.0, 6.0])
    one = input_lines(samples=11, input_dim=1)
    assert one.shape == (1, 11, 2) and not one[..., 1].any()


def test_a_projection_maps_the_grid_as_the_forward_pass_does():
    s = _session((6, 5), "tanh")
    space = HiddenSpace()
    fig = space.figure(s.snapshot(), 2)
    pic = fig.picture
    proj = pic.projection
    assert proj.kind == "pca" and proj.dims == 2 and pic.labels() == ("PC1 of h⁽²⁾", "PC2 of h⁽²⁾")
    xy = input_lines(DOMAIN, 21, pic.lines.shape[1])
    h = _forward(s, xy, 2)
    np.testing.assert_array_equal(
        pic.lines, ((h - proj.mean[:, None]).T @ proj.basis).reshape(pic.lines.shape)
    )
    np.testing.assert_allclose(proj.basis.T @ proj.basis, np.eye(2), atol=1e-12)


# --- the projection is frozen for the run --------------------------------------------------
def test_the_projection_is_fixed_across_the_steps_of_a_run():
    s = _session((8, 6), "tanh", alpha=0.1)
    space = HiddenSpace()
    first = space.figure(s.snapshot(), 2).picture.projection
    assert first.fitted_at == 0
    later = []
    for _ in range(5):
        s.step(200)
        later.append(space.figure(s.snapshot(), 2).picture.projection)
    assert all(p is first for p in later)
    # the points move while the projection stays: the picture shows the network's motion
    moved = space.figure(s.snapshot(), 2).picture.points
    assert not np.allclose(
        moved, HiddenSpace().figure(_session((8, 6)).snapshot(), 2).picture.points
    )
    # new points on the canvas (the same run) keep it; the wider layers before it too
    s.set_dataset(xor_dataset(150, seed=9))
    assert space.figure(s.snapshot(), 2).picture.projection is first
    # a new run (another seed, another architecture) or an explicit refit fits anew
    s.set_seed(6)
    again = space.figure(s.snapshot(), 2).picture.projection
    assert again is not first and again.fitted_at == 0
    s.step(100)
    space.refit()
    assert space.figure(s.snapshot(), 2).picture.projection.fitted_at == 100


def test_a_narrow_layer_shows_its_units_and_a_chosen_pair_is_honoured():
    s = _session((3, 5), "tanh")
    space = HiddenSpace()
    fig3 = space.figure(s.snapshot(), 1)
    assert fig3.picture.projection.whole and fig3.picture.dims == 3
    assert fig3.picture.labels() == ("h₁⁽¹⁾", "h₂⁽¹⁾", "h₃⁽¹⁾")
    pair = space.figure(s.snapshot(), 2, units=(4, 1)).picture
    assert pair.labels() == ("h₅⁽²⁾", "h₂⁽²⁾") and not pair.projection.whole
    np.testing.assert_array_equal(pair.points, _forward(s, s.dataset.points, 2)[[4, 1]].T)
    with pytest.raises(ValueError, match="units 0..4"):
        space.figure(s.snapshot(), 2, units=(0, 5))
    with pytest.raises(ValueError, match="2 or 3 different units"):
        space.figure(s.snapshot(), 2, units=(1, 1))
    with pytest.raises(ValueError, match="layers 1..2"):
        space.figure(s.snapshot(), 3)
    flat = _session((), "tanh")
    with pytest.raises(ValueError, match="has none"):
        HiddenSpace().figure(flat.snapshot(), 1)


def test_pca_signs_and_shares_are_fixed_by_the_data():
    rng = np.random.default_rng(0)
    h = rng.normal(size=(5, 300)) * np.array([[5.0], [2.0], [0.5], [0.1], [0.1]])
    a, b = fit_pca(2, h), fit_pca(2, h.copy())
    np.testing.assert_array_equal(a.basis, b.basis)
    assert abs(a.basis[0, 0]) > 0.99 and a.basis[0, 0] > 0  # the widest direction first
    assert a.explained[0] > a.explained[1] > 0 and sum(a.explained) < 1
    degenerate = fit_pca(1, np.ones((4, 10)))  # no spread at all: still an orthonormal basis
    np.testing.assert_allclose(degenerate.basis.T @ degenerate.basis, np.eye(2), atol=1e-12)


# --- axes ------------------------------------------------------------------------------------
def test_axes_come_from_the_activation_and_hold_still():
    for act, bounds in (("tanh", (-1.0, 1.0)), ("sigmoid", (0.0, 1.0))):
        s = _session((2,), act)
        space = HiddenSpace()
        for _ in range(3):
            pic = space.figure(s.snapshot(), 1).picture
            assert (
                pic.fixed
                and pic.lo.tolist() == [bounds[0]] * 2
                and pic.hi.tolist() == [bounds[1]] * 2
            )
            s.step(100)
    # a projection of a bounded layer: the projected box, which holds every possible point
    s = _session((7,), "tanh")
    pic = HiddenSpace().figure(s.snapshot(), 1).picture
    assert pic.fixed
    assert np.all(pic.lines >= pic.lo - 1e-12) and np.all(pic.lines <= pic.hi + 1e-12)
    corners = np.array(np.meshgrid(*[[-1.0, 1.0]] * 7)).reshape(7, -1)
    c = pic.projection.coords(corners)
    np.testing.assert_allclose([c.min(axis=0), c.max(axis=0)], [pic.lo, pic.hi], atol=1e-12)


def test_relu_axes_follow_the_points_once_per_step():
    s = _session((2,), "relu", alpha=0.05)
    space = HiddenSpace()
    pic = space.figure(s.snapshot(), 1).picture
    assert not pic.fixed
    inside = np.all((pic.points >= pic.lo) & (pic.points <= pic.hi), axis=1)
    assert inside.mean() >= 0.98
    again = space.figure(s.snapshot(), 1).picture  # the same step again: the same axes
    assert again.lo is pic.lo and again.hi is pic.hi
    for _ in range(10):
        s.step(50)
        new = space.figure(s.snapshot(), 1).picture
        width, before = new.hi - new.lo, pic.hi - pic.lo
        assert np.all(width >= 0.9 * before - 1e-12)  # never shrinks faster than the rule
        pic = new


# --- the output's boundary in hidden space -------------------------------------------------
@pytest.mark.parametrize("steps", [0, 3000])
def test_the_boundary_in_a_two_unit_layer_separates_as_the_output_does(steps):
    s = _session((2,), "tanh")
    s.step(steps)
    fig = HiddenSpace().figure(s.snapshot(), 1)
    b = fig.boundary
    assert b.exact and len(b.pieces) == 1 and b.pieces[0].classes == (0, 1)
    output = s.net.head.predict(s.net.forward(s.params, s.train_x).h[-1])
    train = ~s.dataset.is_test
    np.testing.assert_array_equal(fig.decision[train], output)
    # the drawn segment's line puts every class-1 point on one side, class 0 on the other
    seg = b.pieces[0].vertices
    d = seg[1] - seg[0]
    side = np.sign((fig.picture.points - seg[0]) @ np.array([-d[1], d[0]]))
    away = _away(fig)
    ones, zeros = side[away & (fig.decision == 1)], side[away & (fig.decision == 0)]
    assert len(np.unique(ones)) <= 1 and len(np.unique(zeros)) <= 1
    if len(ones) and len(zeros):
        assert ones[0] == -zeros[0]
    assert b.agreement == 1.0
    # and every point lies in the region of the class the output gives it
    for r in b.regions:
        inside = _in_convex(fig.picture.points, r.vertices)
        assert np.all(fig.decision[inside & away] == r.cls)


def _in_convex(points: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Whether each point is inside (or on) a convex polygon given in order."""
    signs = []
    for i in range(len(poly)):
        a, b = poly[i], poly[(i + 1) % len(poly)]
        e = b - a
        signs.append((points - a) @ np.array([-e[1], e[0]]))
    s = np.array(signs)
    return np.all(s >= -1e-9, axis=0) | np.all(s <= 1e-9, axis=0)


def test_softmax_regions_and_pairwise_pieces_in_a_two_unit_layer():
    s = _session((2,), "tanh", ds=blobs_dataset(3, 150, seed=2), alpha=0.1)
    s.step(2000)
    fig = HiddenSpace().figure(s.snapshot(), 1)
    b = fig.boundary
    assert b.exact and b.regions and b.agreement == 1.0
    covered = np.zeros(len(fig.decision), bool)
    for r in b.regions:
        inside = _in_convex(fig.picture.points, r.vertices)
        covered |= inside
        strict = inside & ~np.any(
            [_in_convex(fig.picture.points, o.vertices) for o in b.regions if o is not r], axis=0
        )
        assert np.all(fig.decision[strict] == r.cls)
    assert covered.all()  # the regions tile the box, and every point is in it
    W, bias = s.params.W[-1], s.params.b[-1][:, 0]
    for p in b.pieces:
        k, j = p.classes
        mid = p.vertices.mean(axis=0)
        z = W @ mid + bias
        assert z[k] == pytest.approx(z[j], abs=1e-9) and z[k] >= z.max() - 1e-9


def test_a_three_unit_layer_gets_the_output_plane_inside_the_cube():
    s = _session((3,), "tanh")
    s.step(1000)
    fig = HiddenSpace().figure(s.snapshot(), 1)
    b = fig.boundary
    assert b.exact and not b.regions
    (piece,) = b.pieces
    poly = piece.vertices
    assert poly.shape[1] == 3 and 3 <= len(poly) <= 6
    w, bias = s.params.W[-1][0], s.params.b[-1][0, 0]
    np.testing.assert_allclose(poly @ w + bias, 0.0, atol=1e-9)  # on the output's plane
    assert np.all(poly >= -1 - 1e-9) and np.all(poly <= 1 + 1e-9)  # cut to the cube
    z = fig.picture.points @ w + bias
    away = np.abs(z) > 1e-9
    np.testing.assert_array_equal((z[away] >= 0).astype(int), fig.decision[away])


def test_a_projection_draws_a_slice_and_says_how_well_it_agrees():
    s = _session((6,), "tanh")
    s.step(2000)
    fig = HiddenSpace().figure(s.snapshot(), 1)
    b, pic = fig.boundary, fig.picture
    assert not b.exact and "slice" in b.description and f"{b.agreement:.0%}" in b.description
    # what is drawn: the output's logit on the view's plane through the points' mean; a
    # point's true logit differs by w · (its offset from that plane), exactly
    h = _forward(s, s.dataset.points, 1)
    W, bias = s.params.W[-1], s.params.b[-1]
    origin, directions = pic.projection.plane(h.mean(axis=1))
    A, c = view_logits(W, bias, origin, directions)
    on_plane = origin[:, None] + directions @ pic.points.T
    np.testing.assert_allclose(
        A[1] @ pic.points.T + c[1] + W[0] @ (h - on_plane), W[0] @ h + bias[0]
    )
    drawn = (A[1] @ pic.points.T + c[1] >= 0).astype(int)
    assert b.agreement == pytest.approx(np.mean(drawn == fig.decision))


def test_a_projection_of_a_layer_that_is_a_plane_is_exact():
    """An identity layer of rank 2 keeps its points on a plane: the projection loses
    nothing, and the slice separates every point as the output does."""
    s = _session((5,), "identity")
    rng = np.random.default_rng(1)
    W1 = rng.normal(size=(5, 2)) @ rng.normal(size=(2, 2))
    s.params.W[0][...] = W1
    s.params.b[0][...] = rng.normal(size=(5, 1))
    fig = HiddenSpace().figure(s.snapshot(), 1)
    assert sum(fig.picture.projection.explained) == pytest.approx(1.0)
    assert fig.boundary.agreement == 1.0


# --- the morph ------------------------------------------------------------------------------
def test_the_morph_runs_from_the_input_plane_through_every_layer():
    s = _session((2, 3, 6), "tanh")
    fig = HiddenSpace().figure(s.snapshot(), 3)
    assert [p.layer for p in fig.layers] == [0, 1, 2, 3]
    assert [p.dims for p in fig.layers] == [2, 2, 3, 2]
    for k, pic in enumerate(fig.layers):
        lines, points = fig.morph(k)
        assert lines.shape == (*pic.lines.shape[:2], 3) and points.shape == (len(pic.points), 3)
        np.testing.assert_allclose(points[:, : pic.dims], pic.to_box(pic.points))
        assert not points[:, pic.dims :].any()
    lines, points = fig.morph(1.25)
    a, b = fig.morph(1)[1], fig.morph(2)[1]
    np.testing.assert_allclose(points, 0.75 * a + 0.25 * b)
    np.testing.assert_array_equal(fig.morph(-1)[1], fig.morph(0)[1])
    np.testing.assert_array_equal(fig.morph(99)[1], fig.morph(3)[1])
    # the input plane's box is the canvas domain: its corners are the box's
    np.testing.assert_allclose(
        fig.layers[0].to_box(np.array([[-6.0, -6.0], [6.0, 6.0]])), [[-1, -1], [1, 1]]
    )


# --- bounded cost ----------------------------------------------------------------------------
def test_many_points_are_a_fixed_sample_and_dear_networks_get_coarser_lines():
    rng = np.random.default_rng(0)
    pts = rng.uniform(-6, 6, (10_000, 2))
    ds = Dataset(pts, (pts[:, 0] * pts[:, 1] > 0).astype(int), rng.random(10_000) < 0.2)
    s = _session((64,) * 8, "tanh", ds=ds)
    space = HiddenSpace()
    a = space.figure(s.snapshot(), 8)
    s.step(5)
    b = space.figure(s.snapshot(), 8)
    cap = point_cap(s.arch.widths, 8)
    assert len(a.point_index) == cap < MAX_POINTS
    np.testing.assert_array_equal(a.point_index, b.point_index)  # the same points each frame
    assert a.picture.lines.shape[1] < MAX_LINE_SAMPLES
    assert space.figure(s.snapshot(), 1).picture.lines.shape[1] == MAX_LINE_SAMPLES
    np.testing.assert_array_equal(a.picture.points.shape, (cap, 2))


def test_regression_and_a_one_dimensional_input():
    s = _session((2,), "tanh", ds=regression_dataset(1), features=("x1",))
    fig = HiddenSpace().figure(s.snapshot(), 1)
    assert fig.boundary is None and fig.decision is None
    assert fig.layers[0].dims == 1 and fig.layers[0].lines.shape[0] == 1
    assert fig.picture.lines.shape[0] == 1 and fig.picture.dims == 2


def test_a_one_unit_layer_has_a_threshold_and_two_intervals():
    s = _session((1,), "tanh")
    s.step(200)
    fig = HiddenSpace().figure(s.snapshot(), 1)
    b = fig.boundary
    assert fig.picture.dims == 1 and b.exact
    if b.pieces:
        (t,) = b.pieces[0].vertices[0]
        w, bias = s.params.W[-1][0, 0], s.params.b[-1][0, 0]
        assert w * t + bias == pytest.approx(0.0, abs=1e-12)
    assert sorted(r.cls for r in b.regions) in ([0, 1], [0], [1])
    assert b.agreement == 1.0


def test_a_diverged_network_gives_a_figure_not_an_error():
    s = _session((2, 6), "relu")
    s.params.W[0][...] = np.nan
    fig = HiddenSpace().figure(replace(s.snapshot()), 2)
    assert fig.picture.points.shape[1] == 2 and np.isnan(fig.picture.points).all()


@pytest.mark.parametrize("ds", [xor_dataset(200, seed=1), blobs_dataset(3, 150, seed=2)])
def test_the_outputs_view_of_a_wide_layer_draws_the_boundary_exactly(ds):
    """Where a frozen projection can only show a slice, the output's view (its axes along
    the output's weights) puts every point on the side of the boundary the output does."""
    s = _session((8, 6), "tanh", ds=ds, alpha=0.1)
    s.step(1500)
    space = HiddenSpace()
    sliced = space.figure(s.snapshot(), 2)
    fig = space.figure(s.snapshot(), 2, output_view=True)
    b, pic = fig.boundary, fig.picture
    assert pic.projection.kind == "output" and not pic.fixed and b.exact
    assert b.agreement == 1.0 and sliced.boundary.agreement <= 1.0
    assert pic.projection.mean is sliced.picture.projection.mean  # the frozen centre
    np.testing.assert_allclose(pic.projection.basis.T @ pic.projection.basis, np.eye(2), atol=1e-12)
    W = s.params.W[-1]
    if W.shape[0] == 1:  # class 2 to the right of a vertical line
        (piece,) = b.pieces
        np.testing.assert_allclose(piece.vertices[0, 0], piece.vertices[1, 0], atol=1e-9)
        assert np.all(fig.decision[pic.points[:, 0] > piece.vertices[0, 0] + 1e-9] == 1)
        assert pic.labels() == ("along w⁽³⁾", "PC1 of h⁽²⁾, ⊥ w⁽³⁾")
    assert can_show_output(s.arch, 2) and not can_show_output(s.arch, 1)
    with pytest.raises(ValueError, match="last hidden layer"):
        space.figure(s.snapshot(), 1, output_view=True)
    four = _session((6,), "tanh", ds=blobs_dataset(4, 120, seed=1))
    assert not can_show_output(four.arch, 1)


def test_no_points_give_a_figure_without_points():
    from backprop_lab.engine import empty_dataset

    s = _session((5, 2), "relu", ds=empty_dataset())
    fig = HiddenSpace().figure(s.snapshot(), 2)
    assert fig.picture.points.shape == (0, 2) and fig.picture.lines.shape[0] == 42
    assert np.isnan(fig.boundary.agreement) and fig.decision.shape == (0,)
