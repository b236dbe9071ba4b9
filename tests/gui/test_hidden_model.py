"""The hidden-space view's model, without a window: which figure a request asks for, the
frame extras (run as the engine thread runs them), the 3-D view's projection, the tick
labels of a box drawn in a layer's own values, the point under the mouse, and
``render --what hidden``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession, make_preset
from backprop_lab.engine.hidden import HiddenSpace
from backprop_lab.engine.network import Architecture
from backprop_lab.gui.hidden_model import (
    HiddenRequest,
    HiddenSource,
    HistogramSource,
    box_ticks,
    nearest,
    project,
    resolve,
    rotation,
    to_box,
)

from ..cli.test_cli import run
from ..cli.test_render import PNG_MAGIC, digests


def _session(hidden=(4, 4), activation="tanh", n=120):
    ds = make_preset("xor", n_points=n, noise=0.1, test_fraction=0.2, seed=1)
    spec = NetworkSpec(hidden=hidden, activation=activation)
    return TrainingSession(ds, spec, HyperParameters(alpha=0.1, batch_size=16), seed=3)


ARCH = Architecture((2, 4, 5, 1), ("tanh", "tanh"), "bernoulli")


@pytest.mark.parametrize(
    "request_, layer, units, output_view, note",
    [
        (HiddenRequest(), 2, None, False, ""),  # the last hidden layer, projected
        (HiddenRequest(1, "pca"), 1, None, False, ""),
        (HiddenRequest(2, "units", (0, 3)), 2, (0, 3), False, ""),
        (HiddenRequest(2, "units", (1, 2, 4)), 2, (1, 2, 4), False, ""),
        (HiddenRequest(2, "units", (1,)), 2, None, False, "One unit picked"),
        (HiddenRequest(2, "units", (1, 9)), 2, None, False, "One unit picked"),
        (HiddenRequest(2, "output"), 2, None, True, ""),
        (HiddenRequest(1, "output"), 1, None, False, "the last hidden layer"),
        (HiddenRequest(7, "pca"), 2, None, False, ""),  # a layer the network no longer has
    ],
)
def test_a_request_resolves_to_the_figure_it_can_have(request_, layer, units, output_view, note):
    choice = resolve(ARCH, request_)
    assert (choice.layer, choice.units, choice.output_view) == (layer, units, output_view)
    assert (note in choice.note) if note else choice.note == ""


def test_narrow_layers_are_shown_whole_and_no_hidden_layer_is_said():
    arch = Architecture((2, 3, 1), ("relu",), "bernoulli")
    for mode in ("auto", "units", "output", "pca"):
        choice = resolve(arch, HiddenRequest(1, mode, (0, 1)))
        assert choice.units is None and not choice.output_view
    none = Architecture((2, 1), (), "bernoulli")
    assert "no hidden layer" in resolve(none, HiddenRequest())
    with pytest.raises(ValueError, match="mode must be one of"):
        HiddenRequest(1, "sideways")


def test_the_source_gives_the_snapshots_figure_and_keeps_its_projection():
    s = _session()
    space = HiddenSpace()
    source = HiddenSource(space, HiddenRequest())
    first = source(s)
    fig = first.figure
    assert first.step == 0 and fig.layer == 2
    # the live session's figure is the snapshot's, to the bit
    again = HiddenSpace().figure(s.snapshot(), 2)
    assert np.array_equal(fig.picture.points, again.picture.points)
    assert np.array_equal(fig.picture.lines, again.picture.lines)
    s.step(50)
    later = source.with_request(HiddenRequest(2, "pca"))(s)
    assert later.step == 50
    # the projection fitted at step 0 stays (another request, the same space)
    assert later.figure.picture.projection is fig.picture.projection
    assert not np.array_equal(later.figure.picture.points, fig.picture.points)


def test_a_repeated_figure_is_never_of_other_points():
    # the source repeats its last figure for frames closer than its interval; after other
    # data came it must not (the view indexed the new points with the old sample: found
    # by the random walk)
    s = _session()
    source = HiddenSource(HiddenSpace(), HiddenRequest(), min_interval=60.0)
    first = source(s)
    s.step(3)
    assert source(s) is first and first.step == 0  # within the interval: repeated
    fewer = make_preset("xor", n_points=50, noise=0.1, test_fraction=0.2, seed=2)
    s.set_dataset(fewer)
    again = source(s)
    assert again is not first and again.dataset is s.dataset
    assert again.figure.point_index.max() < len(fewer)


def test_the_source_says_why_there_is_no_figure():
    s = _session(hidden=())
    result = HiddenSource(HiddenSpace(), HiddenRequest())(s)
    assert result.figure is None and "no hidden layer" in result.message


def test_the_histogram_source_follows_the_run():
    s = _session(hidden=(4, 4), activation="relu")
    source = HistogramSource()
    first = source(s)
    assert [h.layer for h in first] == [1, 2]
    assert not first[0].fixed  # ReLU: its bins follow the values
    s.step(20)
    second = source(s)
    assert second[0].step == 20
    assert all(h.counts.sum() == h.n_points * 4 for h in second)


def test_the_3d_view_turns_without_stretching():
    R = rotation(0.7, -0.4)
    assert np.allclose(R @ R.T, np.eye(3))
    assert math.isclose(np.linalg.det(R), 1.0)
    # at no turn the third axis points up the screen, the first to the right
    R0 = rotation(0.0, 0.0)
    pts = np.eye(3)
    assert np.allclose(project(pts, R0), [[1, 0], [0, 0], [0, 1]])
    assert np.allclose(project(pts[:, :3], None), pts[:, :2])
    # the cube's corners stay within the view's fixed range whatever the angle
    corners = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], float)
    for yaw in np.linspace(0, 2 * np.pi, 9):
        for pitch in np.linspace(-np.pi / 2, np.pi / 2, 5):
            assert np.abs(project(corners, rotation(yaw, pitch))).max() <= math.sqrt(3) + 1e-9


def test_box_ticks_say_the_layers_own_values():
    assert box_ticks(-1.0, 1.0) == [
        (-1.0, "−1.0"),
        (-0.5, "−0.5"),
        (0.0, "0.0"),
        (0.5, "0.5"),
        (1.0, "1.0"),
    ]
    assert [t for _b, t in box_ticks(-6.0, 6.0)] == ["−5", "0", "5"]
    ticks = box_ticks(-6.0, 6.0, most=6)
    assert [t for _b, t in ticks] == ["−6", "−4", "−2", "0", "2", "4", "6"]
    assert [b for b, _t in ticks] == pytest.approx(
        [to_box(v, -6, 6) for v in (-6, -4, -2, 0, 2, 4, 6)]
    )
    assert box_ticks(0.0, 1.0)[0] == (-1.0, "0.0")
    assert box_ticks(1.0, 1.0) == [] and box_ticks(math.nan, 1.0) == []


def test_the_point_under_the_mouse_is_the_nearest_within_reach():
    pts = np.array([[0.0, 0.0], [1.0, 0.0], [np.nan, 0.2]])
    assert nearest(pts, (0.9, 0.05), (0.2, 0.2)) == 1
    assert nearest(pts, (0.5, 0.5), (0.2, 0.2)) is None
    assert nearest(np.zeros((0, 2)), (0.0, 0.0), (1.0, 1.0)) is None
    # the reach is an ellipse: pixels are not square in view units
    assert nearest(pts, (0.0, 0.3), (0.01, 0.4)) == 0


def test_render_what_hidden_writes_frames_identical_between_runs(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    args = ["xor", "--what", "hidden", "--steps", "40", "--every", "20", "--size", "360x420"]
    first = run("render", *args, "--out", str(a))
    second = run("render", *args, "--out", str(b))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    names = [f"frame-{i:04d}.png" for i in range(3)]  # steps 0, 20, 40
    assert list(digests(a)) == names and digests(a) == digests(b)
    assert len(set(digests(a).values())) == 3  # the plane moved as the network learned
    assert all((a / n).read_bytes().startswith(PNG_MAGIC) for n in names)
