"""What the hidden-space view asks the engine for, and the plain geometry it draws with.

No widgets here (NumPy and the engine only), so the choices and the arithmetic are tested
without a window:

* ``HiddenRequest``: the layer and how to show it (``auto``: a layer of 2 or 3 units whole,
  a wider one as the frozen projection; ``units``: two or three units picked in the
  network diagram; ``pca``: the projection; ``output``: the output's view).
  ``resolve`` turns it into what ``HiddenSpace.figure`` takes for an architecture, and says
  why when it had to choose otherwise (one unit picked so far, a view the layer has not).
* ``HiddenSource``: the frame extra (gui/worker.py ``SetFrameExtra``). It is made in the
  GUI thread but only ever called in the engine thread, where its ``HiddenSpace`` keeps the
  frozen projections and the axes of unbounded layers between frames. Each call reads the
  live session (``LiveState``: the same fields a ``Snapshot`` has, without its copies: the
  figure is computed at once, in the thread that owns the session, and holds new arrays
  only), so the frame's figure is that of the frame's step.
* ``HistogramSource``: the layer-health histograms of each frame, the same way.
* ``rotation``, ``box_ticks``, ``nearest``: the 3-D view's orthographic projection, the
  tick labels of a view drawn in box coordinates, and the point under the mouse.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from backprop_lab.engine.health import Histogram, activation_histograms
from backprop_lab.engine.hidden import HiddenFigure, HiddenSpace, can_show_output
from backprop_lab.engine.notation import sup

MODES = ("auto", "units", "pca", "output")
MODE_NAMES = {
    "pca": "a projection (PCA)",
    "units": "units picked in the diagram",
    "output": "the output's view",
}
BOX_MARGIN = 0.12  # around the box [−1, 1]² of a 2-D view
BOX_3D = 1.85  # half the range of a 3-D view: the rotated cube [−1, 1]³ fits (√3 ≈ 1.73)
SOURCE_SHARE = 0.2  # of the engine thread's time a dear figure may take while training


@dataclass(frozen=True)
class HiddenRequest:
    """What to show: hidden layer ``layer`` (None: the last), as ``mode`` (``MODES``), with
    ``units`` (0-based) picked for the ``units`` mode."""

    layer: int | None = None
    mode: str = "auto"
    units: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")


@dataclass(frozen=True)
class Choice:
    """What ``HiddenSpace.figure`` is asked for, and ``note``: why the request was not
    followed as it stood ("" when it was)."""

    layer: int
    units: tuple[int, ...] | None
    output_view: bool
    note: str = ""


def resolve(arch, request: HiddenRequest) -> Choice | str:
    """The figure to compute for ``request`` on ``arch``; a sentence instead when the
    network has no hidden layer."""
    hidden = arch.depth - 1
    if hidden < 1:
        return "The network has no hidden layer: add one (Network panel) to see hidden space."
    layer = request.layer if request.layer is not None and 1 <= request.layer <= hidden else hidden
    width = arch.widths[layer]
    name = f"h{sup(layer)}"
    if width <= 3:
        return Choice(layer, None, False)
    if request.mode == "units":
        units = tuple(u for u in request.units if 0 <= u < width)
        if len(units) in (2, 3) and len(set(units)) == len(units):
            return Choice(layer, units, False)
        have = "one unit picked" if len(units) == 1 else "no unit picked"
        return Choice(
            layer,
            None,
            False,
            f"{have.capitalize()}: click two or three units of {name} in the network diagram. "
            "Until then, the projection.",
        )
    if request.mode == "output":
        if can_show_output(arch, layer):
            return Choice(layer, None, True)
        why = (
            f"the output's view is for the last hidden layer ({f'h{sup(hidden)}'})"
            if layer != hidden
            else "the output's view needs two or three classes"
        )
        return Choice(layer, None, False, f"{why.capitalize()}: showing the projection.")
    return Choice(layer, None, False)


def modes_for(arch, layer: int) -> tuple[str, ...]:
    """The modes a layer can be shown in: none to choose for 2 or 3 units (shown whole)."""
    if arch.widths[layer] <= 3:
        return ()
    modes = ["pca", "units"]
    if can_show_output(arch, layer):
        modes.append("output")
    return tuple(modes)


@dataclass(frozen=True)
class LiveState:
    """The fields of a ``Snapshot`` that the figures read, taken from the live session
    without copying (the figure is computed at once, in the session's own thread)."""

    step: int
    dataset: object
    spec: object
    arch: object
    params: object
    init_schemes: tuple[str, ...]
    seed: int

    @classmethod
    def of(cls, session) -> LiveState:
        return cls(
            session.step_count,
            session.dataset,
            session.spec,
            session.arch,
            session.params,
            session.init_schemes,
            session.seed,
        )


@dataclass(frozen=True)
class HiddenResult:
    """One frame's hidden space: ``figure`` (None, with ``message`` saying why), for
    ``request`` at ``step``; ``note`` when the request could not be followed as it was.
    ``dataset``: the points the figure pushed through (its ``point_index`` indexes them;
    a later frame's data may be other points)."""

    request: HiddenRequest
    step: int
    figure: HiddenFigure | None
    message: str = ""
    note: str = ""
    dataset: object = None


def compute(space: HiddenSpace, request: HiddenRequest, state) -> HiddenResult:
    """The figure of ``state`` (a ``Snapshot`` or ``LiveState``) for ``request``; errors
    of the figure become the message (the view shows it, the run goes on)."""
    choice = resolve(state.arch, request)
    if isinstance(choice, str):
        return HiddenResult(request, state.step, None, choice)
    if len(state.dataset) == 0:
        return HiddenResult(request, state.step, None, "There are no points to push through.")
    fig = space.figure(state, choice.layer, choice.units, choice.output_view)
    return HiddenResult(request, state.step, fig, "", choice.note, state.dataset)


class HiddenSource:
    """The hidden-space frame extra: ``source(session)`` in the engine thread. Replacing
    the request makes a new source with the same ``HiddenSpace`` (``with_request``), so
    the frozen projections survive a change of the layer or the view.

    The view redraws at most ~30 times a second, so a figure is computed at most every
    ``min_interval`` seconds, and a dear one (a wide, deep network: several milliseconds)
    only as often as keeps it to ``SOURCE_SHARE`` of the engine's time: a frame sooner
    than that carries the last result again (its ``step`` says which step it shows; a
    paused window asks afresh, with a new source, for a frame whose figure is of another
    step)."""

    def __init__(self, space: HiddenSpace, request: HiddenRequest, min_interval: float = 0.03):
        self.space = space
        self.request = request
        self.min_interval = min_interval
        self._last: tuple[float, HiddenResult, tuple] | None = None
        self._cost = 0.0

    def with_request(self, request: HiddenRequest) -> HiddenSource:
        return HiddenSource(self.space, request, self.min_interval)

    def __call__(self, session) -> HiddenResult:
        now = time.monotonic()
        last = self._last
        wait = max(self.min_interval, self._cost * (1.0 / SOURCE_SHARE - 1.0))
        # the last figure again only for the same points and network (other data, a new
        # network: the picture of them at once)
        same = last is not None and last[2] == (id(session.dataset), session.arch)
        if same and now - last[0] < wait:
            return last[1]
        result = compute(self.space, self.request, LiveState.of(session))
        self._cost = time.monotonic() - now
        self._last = (now, result, (id(session.dataset), session.arch))
        return result


class HistogramSource:
    """The activation histograms of each frame (``activation_histograms``), computed in
    the engine thread; unbounded layers' bins follow the previous frame's."""

    def __init__(self) -> None:
        self._previous: list[Histogram] | None = None

    def __call__(self, session) -> tuple[Histogram, ...]:
        state = LiveState.of(session)
        if state.arch.depth < 2 or len(state.dataset) == 0:
            return ()
        hists = activation_histograms(state, self._previous)
        self._previous = hists
        return tuple(hists)


# --- geometry of the drawing ----------------------------------------------------------------
def rotation(yaw: float, pitch: float) -> np.ndarray:
    """The 3 × 3 rotation of the 3-D view: ``yaw`` about the vertical axis, then ``pitch``
    about the horizontal one (radians). Rows 0 and 1 of ``points @ R.T`` are the screen's x
    and y (an orthographic projection drops the third)."""
    cy, sy = math.cos(yaw), math.sin(yaw)
    cp, sp = math.cos(pitch), math.sin(pitch)
    turn = np.array([[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]])
    # the view's third axis (h₃) points up at pitch 0: (x, y, z) ↦ (x, z, −y) first
    up = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])
    tilt = np.array([[1.0, 0.0, 0.0], [0.0, cp, -sp], [0.0, sp, cp]])
    return tilt @ turn @ up


def project(points: np.ndarray, R: np.ndarray | None) -> np.ndarray:
    """Screen coordinates (… × 2) of box coordinates (… × 3): the first two as they are
    (2-D), or rotated by R and projected (3-D)."""
    if R is None:
        return points[..., :2]
    return (points @ R.T)[..., :2]


def to_view(box: float, lo: float, hi: float) -> float:
    """The view coordinate of box coordinate ``box`` ([−1, 1] ↦ [lo, hi])."""
    return lo + (box + 1.0) * 0.5 * (hi - lo)


def to_box(value: float, lo: float, hi: float) -> float:
    span = hi - lo if hi > lo else 1.0
    return 2.0 * (value - lo) / span - 1.0


def nice_step(span: float, most: int) -> float:
    """The smallest of 1, 2, 5 × 10ᵏ that cuts ``span`` into at most ``most`` steps."""
    if not (math.isfinite(span) and span > 0):
        return 1.0
    raw = span / max(1, most)
    k = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10.0**k >= raw * (1 - 1e-9):
            return m * 10.0**k
    return 10.0 ** (k + 1)


def box_ticks(lo: float, hi: float, most: int = 5) -> list[tuple[float, str]]:
    """Tick marks (box position, label) for an axis showing [lo, hi] as [−1, 1]: round
    values of the view's own coordinates, at most ``most`` + 1 of them."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return []
    step = nice_step(hi - lo, most)
    first = math.ceil(lo / step - 1e-9) * step
    digits = max(0, -math.floor(math.log10(step) + 1e-9))
    out = []
    v = first
    while v <= hi + 1e-9 * step:
        text = f"{v:.{digits}f}".replace("-", "−")
        if text in ("−0", "−0.0", "−0.00"):
            text = text[1:]
        out.append((to_box(v, lo, hi), text))
        v = first + len(out) * step
    return out


def nearest(points: np.ndarray, at: tuple[float, float], reach: tuple[float, float]) -> int | None:
    """The row of ``points`` (n × 2, screen coordinates) nearest ``at`` within ``reach``
    (the ellipse of the given half-axes: a few pixels in view units); None if none is."""
    if len(points) == 0:
        return None
    rx, ry = max(reach[0], 1e-12), max(reach[1], 1e-12)
    d = ((points[:, 0] - at[0]) / rx) ** 2 + ((points[:, 1] - at[1]) / ry) ** 2
    d = np.where(np.isfinite(d), d, np.inf)
    i = int(np.argmin(d))
    return i if d[i] <= 1.0 else None


def layer_title(layer: int, width: int, activation: str) -> str:
    """'h⁽²⁾ · 4 tanh' for the layer chooser."""
    return f"h{sup(layer)} · {width} {activation}"


def morph_caption(fig: HiddenFigure, t: float) -> str:
    """What the picture shows at morph position t (0 = the input plane, ℓ = the layer)."""
    last = len(fig.layers) - 1
    if abs(t - round(t)) < 1e-9:
        k = int(round(t))
        return fig.layers[k].describe()
    k = int(math.floor(t))
    a = "x" if k == 0 else f"h{sup(k)}"
    b = f"h{sup(min(k + 1, last))}"
    return f"Between {a} and {b}: {t - k:.0%} of the way (each drawn in its own box)"
