"""`backprop-lab render`: frames of the right number and size, identical between runs."""

from __future__ import annotations

import hashlib
import io

import pytest
from backprop_lab.engine import session_from_scenario
from backprop_lab.engine.lessons import load_lesson
from backprop_lab.gui import render
from PySide6.QtGui import QImage

from .test_cli import run

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def digests(folder) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.png"))
    }


def test_render_writes_the_frames_and_two_runs_are_identical(tmp_path):
    """Two separate processes, same lesson and seed: the same bytes, frame by frame."""
    a, b = tmp_path / "a", tmp_path / "b"
    args = ["xor", "--steps", "25", "--every", "10", "--size", "320x240", "--scale", "1.5"]
    first = run("render", *args, "--out", str(a))
    second = run("render", *args, "--out", str(b))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    names = [f"frame-{i:04d}.png" for i in range(4)]  # steps 0, 10, 20, 25
    assert list(digests(a)) == names
    assert digests(a) == digests(b)
    assert len(set(digests(a).values())) == 4  # training moved the picture every time
    for name in names:
        data = (a / name).read_bytes()
        assert data.startswith(PNG_MAGIC)
        img = QImage(str(a / name))
        assert (img.width(), img.height()) == (480, 360)  # 320x240 at scale 1.5
    assert "4/4 frames" in first.stderr  # the progress bar
    assert "wrote 4 frames" in first.stdout


def test_another_seed_gives_other_frames(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    args = ["xor", "--steps", "5", "--every", "5", "--size", "200x160"]
    assert run("render", *args, "--out", str(a)).returncode == 0
    assert run("render", *args, "--seed", "7", "--out", str(b)).returncode == 0
    da, db = digests(a), digests(b)
    assert da["frame-0001.png"] != db["frame-0001.png"]


@pytest.mark.parametrize("what", render.VIEWS)
def test_every_view_renders_at_the_requested_size(qapp, tmp_path, what):
    session = session_from_scenario(load_lesson("spirals3"))
    stream = io.StringIO()
    frames = render.render_run(
        session, tmp_path, 4, 2, what, (1200, 800), 1.0, progress=render.Progress(3, stream)
    )
    assert [p.name for p in frames] == ["frame-0000.png", "frame-0001.png", "frame-0002.png"]
    assert session.step_count == 4
    for p in frames:
        img = QImage(str(p))
        assert (img.width(), img.height()) == (1200, 800)
        # not a blank picture: many distinct colours (sampled finely: at step 0 the plots
        # hold little more than their axes and titles)
        assert len({img.pixel(x, y) for x in range(0, 1200, 7) for y in range(0, 800, 7)}) > 5
    assert "3/3 frames" in stream.getvalue()


def test_render_views_of_regression_lessons(qapp, tmp_path):
    for name in ("sine", "surface"):
        session = session_from_scenario(load_lesson(name))
        path = render.save_frame(session, tmp_path / f"{name}.png", "canvas", size=(300, 200))
        assert QImage(str(path)).width() == 300


def test_gif_is_written_when_pillow_is_installed(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    out = run(
        "render", "moons", "--steps", "6", "--every", "2", "--size", "160x120", "--gif",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    gif = tmp_path / "animation.gif"
    with Image.open(gif) as im:
        assert im.format == "GIF" and im.size == (160, 120)
        assert im.n_frames == 4


def test_gif_without_pillow_says_how_to_get_it(tmp_path):
    """A Python where Pillow cannot be imported: the message names the extra, exit 2."""
    import os
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['PIL'] = None\n"
        "from backprop_lab.gui.app import main\n"
        f"sys.exit(main(['render', 'xor', '--gif', '--out', {str(tmp_path)!r}]))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 2
    assert "--gif needs Pillow: pip install 'backprop-lab[anim]'" in out.stderr
    assert not list(tmp_path.glob("*.png"))


def test_a_diverging_run_stops_with_the_reason(qapp, tmp_path):
    session = session_from_scenario(load_lesson("xor"))
    session.update_hyper(alpha=1000.0)
    with pytest.raises(render.RenderError, match="diverged"):
        render.render_run(session, tmp_path, 2000, 100, "plots", (200, 150), 1.0,
                          progress=render.Progress(21, io.StringIO()))  # fmt: skip
    assert list(tmp_path.glob("frame-*.png"))  # the frames up to there are kept


def test_the_readme_example_writes_all_its_frames(tmp_path):
    """README: `backprop-lab render spirals3 --steps 8000 --every 250 --what canvas --size
    380x360 --out frames` (smaller here: the frame count is what is tested). A loss spike
    near step 5,672 once stopped it as "diverged" after 24 of its 33 frames."""
    out = tmp_path / "frames"
    args = ["spirals3", "--steps", "8000", "--every", "250", "--what", "canvas"]
    done = run("render", *args, "--size", "96x90", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert len(digests(out)) == 33  # steps 0, 250, …, 8000
    assert "wrote 33 frames" in done.stdout
