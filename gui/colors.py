"""Colour mapping of the network's output into RGBA images: pure NumPy, no Qt.

Every map uses fixed levels (a probability is always drawn on [0, 1]; a regression value on
the caller's [vmin, vmax]) so colours never jump between frames. Each map is a 256-entry
lookup table indexed by the quantised value: a 200×200 frame is a few array operations.

Images are ``uint8`` R×R×4, row-major: row = y index (row 0 = lowest y), column = x index,
the layout of ``GridEvaluator.evaluate``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

# Okabe–Ito palette: distinguishable under the common colour-vision deficiencies.
# Class 0 and class 1 are the two ends of the binary map.
CLASS_HEX: list[str] = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
]


# One colour per layer ℓ = 1..9 (8 hidden layers and the output): the Okabe–Ito colours
# and Paul Tol's wine, which stays apart from all eight under protanopia, deuteranopia and
# tritanopia as far as they stay apart from each other (tests/gui/test_colors.py).
LAYER_HEX: list[str] = [*CLASS_HEX, "#882255"]

# Runs compared side by side: a colour and a line style each, the same on a run's canvas
# title and its curves (the dashes tell the runs apart on a washed-out projector and in
# grey; a seed fan's runs beyond four repeat the dashes with other colours). Yellow is
# left out: it vanishes on a white plot.
RUN_HEX: list[str] = [
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#882255",
]
RUN_DASHES: tuple[str, ...] = ("solid", "dash", "dot", "dashdot")
RUN_MARKS: tuple[str, ...] = ("━━", "╍╍", "┉┉", "━┅")  # the dashes in a legend's text


def run_hex(i: int) -> str:
    return RUN_HEX[i % len(RUN_HEX)]


def run_mark(i: int) -> str:
    return RUN_MARKS[i % len(RUN_MARKS)]


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """``'#RRGGBB'`` → ``(r, g, b)``."""
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


CLASS_COLORS: list[tuple[int, int, int]] = [hex_to_rgb(c) for c in CLASS_HEX]
NEUTRAL_HEX = "#F4F4F2"  # light neutral: p = 0.5, or a confidence of 1/K
NEUTRAL: tuple[int, int, int] = hex_to_rgb(NEUTRAL_HEX)
BOUNDARY_HEX = "#262626"  # the crisp decision boundary, blended in at BOUNDARY_ALPHA
BOUNDARY_ALPHA = 0.7
BOUNDARY: tuple[int, int, int] = hex_to_rgb(BOUNDARY_HEX)
# Regression: blue (low) → neutral → vermillion (high); blue/vermillion stay apart under
# deuteranopia and protanopia, and differ in lightness for monochrome projectors.
REGRESSION_LOW_HEX = "#0072B2"
REGRESSION_HIGH_HEX = "#D55E00"

LUT_SIZE = 256
# Regions are drawn as tints: the map's ends are the class colours blended this far from the
# neutral, so points, drawn in the full class colour, stand out on their own region.
# ``strength=1.0`` gives the full colours.
REGION_STRENGTH = 0.6


def _ramp(start: tuple[int, int, int], end: tuple[int, int, int], n: int) -> np.ndarray:
    """n RGB colours linearly from ``start`` to ``end`` inclusive, float64 n×3."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    return (1.0 - t) * np.asarray(start, float) + t * np.asarray(end, float)


def diverging_lut(
    low: tuple[int, int, int], mid: tuple[int, int, int], high: tuple[int, int, int]
) -> np.ndarray:
    """A 256×4 ``uint8`` table: ``low`` at 0, ``mid`` at the centre, ``high`` at 255."""
    t = np.linspace(0.0, 1.0, LUT_SIZE)[:, None]
    lo = np.asarray(low, float)
    mi = np.asarray(mid, float)
    hi = np.asarray(high, float)
    rgb = np.where(t <= 0.5, lo + (mi - lo) * (t / 0.5), mi + (hi - mi) * ((t - 0.5) / 0.5))
    lut = np.empty((LUT_SIZE, 4), np.uint8)
    lut[:, :3] = np.rint(rgb).astype(np.uint8)
    lut[:, 3] = 255
    return lut


def _tint(color: tuple[int, int, int], strength: float) -> tuple[int, int, int]:
    c = np.asarray(NEUTRAL, float) + strength * (np.subtract(color, NEUTRAL))
    r, g, b = (int(v) for v in np.rint(c))
    return r, g, b


def region_color(k: int, strength: float = REGION_STRENGTH) -> tuple[int, int, int]:
    """Class ``k``'s colour blended ``strength`` of the way from the neutral."""
    return _tint(CLASS_COLORS[k], strength)


@lru_cache(maxsize=8)
def binary_lut(strength: float = REGION_STRENGTH) -> np.ndarray:
    """256×4: p = 0 … 1 from class 0's region colour through the neutral to class 1's."""
    lut = diverging_lut(region_color(0, strength), NEUTRAL, region_color(1, strength))
    lut.flags.writeable = False
    return lut


@lru_cache(maxsize=8)
def confidence_luts(strength: float = REGION_STRENGTH) -> np.ndarray:
    """8×256×4: for class k, entry i is the neutral (i = 0, no confidence) blended toward
    the region colour (i = 255, certain)."""
    luts = np.empty((len(CLASS_COLORS), LUT_SIZE, 4), np.uint8)
    for k in range(len(CLASS_COLORS)):
        luts[k, :, :3] = np.rint(_ramp(NEUTRAL, region_color(k, strength), LUT_SIZE))
        luts[k, :, 3] = 255
    luts.flags.writeable = False
    return luts


@lru_cache(maxsize=8)
def regression_lut(strength: float = 1.0) -> np.ndarray:
    """256×4: vmin … vmax from blue through the neutral to vermillion, tinted by
    ``strength``."""
    low = _tint(hex_to_rgb(REGRESSION_LOW_HEX), strength)
    high = _tint(hex_to_rgb(REGRESSION_HIGH_HEX), strength)
    lut = diverging_lut(low, NEUTRAL, high)
    lut.flags.writeable = False
    return lut


def lut_index(values: np.ndarray, vmin: float, vmax: float) -> tuple[np.ndarray, np.ndarray]:
    """Quantise ``values`` on fixed levels [vmin, vmax] to 0..255 (clipped).

    Returns ``(index, finite)``: NaN and ±inf beyond the levels are clipped, NaN gets
    index 0 and ``finite`` False so callers can make it transparent."""
    v = np.asarray(values, dtype=np.float32)
    finite = ~np.isnan(v)
    span = float(vmax) - float(vmin)
    if not span > 0:
        raise ValueError(f"vmax must exceed vmin, got [{vmin}, {vmax}]")
    with np.errstate(invalid="ignore"):
        t = (v - np.float32(vmin)) * np.float32((LUT_SIZE - 1) / span)
        np.clip(t, 0, LUT_SIZE - 1, out=t)
    if not finite.all():
        t[~finite] = 0
    return np.rint(t).astype(np.intp), finite


def boundary_mask(labels: np.ndarray) -> np.ndarray:
    """Pixels whose right or upper neighbour carries another label: a 1-pixel line along
    every boundary between regions. Label −1 (undefined) never makes a boundary."""
    mask = np.zeros(labels.shape, bool)
    a, b = labels[:, :-1], labels[:, 1:]
    mask[:, :-1] |= (a != b) & (a >= 0) & (b >= 0)
    a, b = labels[:-1, :], labels[1:, :]
    mask[:-1, :] |= (a != b) & (a >= 0) & (b >= 0)
    return mask


def lookup(lut: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``lut[index]`` (``index``: an array, or a tuple of them) for a table of RGBA
    ``uint8`` colours (…×4), one 32-bit word per colour: a quarter of the element copies
    of indexing the bytes, a tenth of the time (each frame colours the whole grid)."""
    words = np.ascontiguousarray(lut).view(np.uint32)[..., 0]
    out = words[index] if isinstance(index, tuple) else np.take(words, index)
    return np.ascontiguousarray(out).view(np.uint8).reshape(*out.shape, 4)


def _finish(rgba: np.ndarray, finite: np.ndarray, labels: np.ndarray | None) -> np.ndarray:
    if not finite.all():
        rgba[~finite] = (*NEUTRAL, 0)  # undefined output: transparent
    if labels is not None:
        # blended, not solid: one grid pixel is several screen pixels wide
        line = boundary_mask(labels)
        mixed = (1 - BOUNDARY_ALPHA) * rgba[line, :3] + BOUNDARY_ALPHA * np.asarray(BOUNDARY)
        rgba[line, :3] = np.rint(mixed).astype(np.uint8)
    return rgba


def binary_rgba(
    p: np.ndarray, crisp: bool = False, strength: float = REGION_STRENGTH
) -> np.ndarray:
    """p(y=1|x) (R×R) → RGBA: class 0's region colour at p = 0, the neutral at 0.5, class
    1's at 1 (``strength=1``: the full class colours). ``crisp`` draws a thin dark line
    where p crosses 0.5. NaN is transparent."""
    p = np.asarray(p)
    idx, finite = lut_index(p, 0.0, 1.0)
    rgba = lookup(binary_lut(float(strength)), idx)
    labels = None
    if crisp:
        with np.errstate(invalid="ignore"):
            labels = (p >= 0.5).astype(np.int8)
        labels[~finite] = -1
    return _finish(rgba, finite, labels)


def multiclass_rgba(
    probs: np.ndarray, crisp: bool = False, strength: float = REGION_STRENGTH
) -> np.ndarray:
    """K×R×R class probabilities → RGBA: the winning class's region colour, blended toward
    the neutral by its confidence (1/K → neutral, 1 → region colour; ``strength=1``: the
    full class colour). ``crisp`` draws a thin dark
    line between the argmax regions. A pixel with any NaN is transparent."""
    probs = np.asarray(probs, dtype=np.float32)
    if probs.ndim != 3:
        raise ValueError(f"probs must be K×R×R, got shape {probs.shape}")
    n_classes = probs.shape[0]
    if not 2 <= n_classes <= len(CLASS_COLORS):
        raise ValueError(f"between 2 and {len(CLASS_COLORS)} classes, got {n_classes}")
    finite = ~np.isnan(probs).any(axis=0)
    safe = np.where(np.isnan(probs), -np.inf, probs)
    winner = np.argmax(safe, axis=0)
    confidence = np.take_along_axis(safe, winner[None], axis=0)[0]
    chance = 1.0 / n_classes
    idx, _ = lut_index(np.where(finite, confidence, chance), chance, 1.0)
    rgba = lookup(confidence_luts(float(strength)), (winner, idx))
    labels = None
    if crisp:
        labels = np.where(finite, winner, -1)
    return _finish(rgba, finite, labels)


def regression_rgba(
    values: np.ndarray, vmin: float, vmax: float, strength: float = REGION_STRENGTH
) -> np.ndarray:
    """R×R outputs → RGBA on the fixed levels [vmin, vmax] (blue low, vermillion high, the
    neutral at the middle; tinted like the class regions). NaN is transparent."""
    idx, finite = lut_index(values, vmin, vmax)
    return _finish(lookup(regression_lut(float(strength)), idx), finite, None)


def regression_colors(values: np.ndarray, vmin: float, vmax: float) -> np.ndarray:
    """N values → N×4 ``uint8`` colours of the regression map at full strength (points)."""
    idx, finite = lut_index(np.asarray(values).reshape(-1), vmin, vmax)
    return _finish(regression_lut(1.0)[idx], finite, None)
