"""`backprop-lab render --what compare`: frames of a comparison, from a contrast made on
the command line or a lesson's compare block; bad input is refused naming what is wrong."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from backprop_lab.engine import session_from_scenario
from backprop_lab.engine.compare_file import scenario_from_group
from backprop_lab.engine.contrasts import CONTRASTS, contrast
from backprop_lab.engine.group import RunGroup
from backprop_lab.engine.lessons import load_lesson
from backprop_lab.engine.scenario import save_scenario, scenario_from_session, to_json
from backprop_lab.gui import render
from backprop_lab.gui.compare_canvases import RunGrid
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage

from .test_cli import run
from .test_render import digests


def _cells(view, img: QImage) -> list[QImage]:
    """Each shown run's canvas cut out of the picture (titles left out)."""
    grid = view.widget.findChild(RunGrid)
    out = []
    for cell in grid.cells[: grid.count]:
        c = cell.canvas
        at = c.mapTo(view.widget, QPoint(0, 0))
        out.append(img.copy(QRect(at, c.size())))
    return out


def _colours(img: QImage) -> set[int]:
    return {img.pixel(x, y) for x in range(0, img.width(), 5) for y in range(0, img.height(), 5)}


def _differing(a: QImage, b: QImage) -> float:
    """The share of pixels that differ between two pictures of one size."""
    assert a.size() == b.size()
    n = sum(a.pixel(x, y) != b.pixel(x, y) for x in range(a.width()) for y in range(a.height()))
    return n / (a.width() * a.height())


def _picture(group, size=(900, 420), overlay=False):
    view = render.build_view("compare", group, overlay=overlay)
    try:
        img = view.picture(group, size, 1.0)
        return img, _cells(view, img)
    finally:
        render._close(view)


def test_twins_draw_the_same_canvases_and_a_contrast_draws_two_different_ones(qapp):
    """A run and its exact copy give two canvases alike (the editable canvas draws its
    points' edges a little otherwise); sigmoid against ReLU after training gives two
    canvases that differ over most of their area, each with regions of its own."""
    a = session_from_scenario(load_lesson("deep_sigmoid"))
    twins = RunGroup([a, a.copy()])
    twins.step(30)
    img, cells = _picture(twins)
    assert (img.width(), img.height()) == (900, 420)
    assert len(cells) == 2 and _differing(*cells) < 0.12
    group = contrast(session_from_scenario(load_lesson("deep_sigmoid")), "activation")
    group.step(150)
    _img, cells = _picture(group)
    assert len(cells) == 2 and _differing(*cells) > 0.4
    assert all(len(_colours(c)) > 20 for c in cells)  # regions and points, not blank


def test_the_overlay_draws_one_canvas_with_the_other_runs_boundary(qapp):
    group = contrast(session_from_scenario(load_lesson("deep_sigmoid")), "activation")
    group.step(150)
    _img, side = _picture(group)
    _img, laid = _picture(group, overlay=True)
    assert len(laid) == 1
    assert laid[0].size().width() > side[0].size().width()  # A's canvas takes the grid
    # B's boundary in B's colour is drawn over A's regions: colours A's canvas lacks
    assert len(_colours(laid[0]) - _colours(side[0])) > 5


def test_render_run_of_a_contrast_writes_every_frame(qapp, tmp_path):
    group = contrast(session_from_scenario(load_lesson("xor")), "alpha")
    frames = render.render_run(
        group, tmp_path, 20, 10, "compare", (640, 360), progress=render.Progress(3, io.StringIO())
    )
    assert [p.name for p in frames] == ["frame-0000.png", "frame-0001.png", "frame-0002.png"]
    assert [s.step_count for s in group] == [20, 20, 20]  # every run, in lock-step
    assert len(set(digests(tmp_path).values())) == 3


def test_other_views_draw_one_run_only(qapp):
    group = contrast(session_from_scenario(load_lesson("xor")), "alpha")
    with pytest.raises(render.RenderError, match="--what compare"):
        render.build_view("canvas", group)


def test_the_cli_renders_a_contrast_and_a_lessons_compare_block(tmp_path):
    out = run("render", "xor", "--contrast", "seeds4", "--steps", "10", "--every", "5",
              "--size", "480x300", "--out", str(tmp_path / "fan"))  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert list(digests(tmp_path / "fan")) == [f"frame-{i:04d}.png" for i in range(3)]
    img = QImage(str(tmp_path / "fan" / "frame-0002.png"))
    assert (img.width(), img.height()) == (480, 300)
    # a lesson holding a compare block, saved after training: its runs go on from there
    group = contrast(session_from_scenario(load_lesson("xor")), "optimizer")
    group.step(5)
    lesson = tmp_path / "three.json"
    save_scenario(lesson, scenario_from_group(group))
    args = ["--what", "compare", "--steps", "15", "--every", "5", "--size", "480x300"]
    first = run("render", str(lesson), *args, "--out", str(tmp_path / "a"))
    second = run("render", str(lesson), *args, "--out", str(tmp_path / "b"))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    # the steps are counted from 0, as for a lesson saved alone: 0 and 5 show step 5
    assert "wrote 4 frames" in first.stdout and "(step 15)" in first.stderr
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_the_help_lists_every_contrast():
    out = run("render", "--help")
    assert out.returncode == 0
    text = " ".join(out.stdout.split())
    for key, c in CONTRASTS.items():
        assert key in text and " ".join(c.title.split()) in text


def _refused(tmp_path, *args) -> str:
    folder = tmp_path / "out"
    out = run("render", *args, "--out", str(folder))
    assert out.returncode == 2, out.stdout + out.stderr
    assert not list(folder.glob("*.png")) if folder.exists() else True
    lines = out.stderr.strip().splitlines()
    assert len(lines[-1]) < 300
    return lines[-1]


def test_bad_comparisons_are_refused_naming_what_is_wrong(tmp_path):
    msg = _refused(tmp_path, "xor", "--contrast", "sigmoid-relu")
    assert "--contrast" in msg and "'sigmoid-relu'" in msg and "activation" in msg
    msg = _refused(tmp_path, "xor", "--what", "compare")
    assert "holds no compare block" in msg and "--contrast" in msg
    msg = _refused(tmp_path, "xor", "--contrast", "alpha", "--what", "plots")
    assert "--what compare" in msg
    assert "--overlay needs --what compare" in _refused(tmp_path, "xor", "--overlay")
    # a contrast this lesson's network cannot make
    s = session_from_scenario(load_lesson("xor"))
    s.set_network(replace(s.spec, hidden=(), activations=()))
    flat = tmp_path / "flat.json"
    save_scenario(flat, scenario_from_session(s))
    msg = _refused(tmp_path, str(flat), "--contrast", "activation")
    assert "--contrast activation" in msg and "no hidden layer" in msg
    # a lesson whose compare block is broken: the field is named
    group = contrast(session_from_scenario(load_lesson("xor")), "alpha")
    d = json.loads(to_json(scenario_from_group(group, include_parameters=False)))
    d["compare"]["runs"][0]["changes"]["hyper"]["alpha"] = "fast"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(d))
    msg = _refused(tmp_path, str(broken), "--what", "compare")
    assert "broken.json" in msg and "compare.runs[0].changes.hyper.alpha" in msg


def test_a_run_that_diverges_stops_alone_and_the_render_goes_on(qapp, tmp_path):
    """α ×1 and ×10 diverge; α ×0.1 goes on, so every frame is written, the stopped runs
    framed red; when every run has diverged the render stops with the reason."""
    s = session_from_scenario(load_lesson("xor"))
    s.update_hyper(alpha=50.0)
    group = contrast(s, "alpha")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    progress = render.Progress(3, io.StringIO())
    frames = render.render_run(
        group, tmp_path / "a", 300, 150, "compare", (600, 300), progress=progress
    )
    assert len(frames) == 3
    assert [bool(r.diverged) for r in group] == [False, True, True]
    assert group[0].step_count == 300
    s.update_hyper(alpha=1000.0)
    fan = contrast(s, "seeds4")
    with pytest.raises(render.RenderError, match="every run diverged"):
        render.render_run(fan, tmp_path / "b", 2000, 100, "compare", (600, 300),
                          progress=render.Progress(21, io.StringIO()))  # fmt: skip
    assert list((tmp_path / "b").glob("frame-*.png"))  # the frames up to there are kept


def test_a_one_dimensional_regression_names_its_up_axis_y_in_every_canvas(qapp):
    group = contrast(session_from_scenario(load_lesson("sine")), "optimizer")
    view = render.build_view("compare", group)
    try:
        view.picture(group, (900, 400), 1.0)
        grid = view.widget.findChild(RunGrid)
        names = [c.canvas.getPlotItem().getAxis("left").labelText for c in grid.cells[:3]]
        assert names == ["y", "y", "y"]
    finally:
        render._close(view)
