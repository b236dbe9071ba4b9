"""Seeded dataset generators over the canvas domain [-6, 6]², in the spirit of TF Playground.

Every generator takes ``n_points``, ``noise`` (0..0.5), ``test_fraction`` (0..0.9) and
``seed``; the same arguments always give identical arrays. Class counts are balanced
(they differ by at most one). Noise is applied to positions (classification, curves) or
to targets (``surface_2d``); points that noise pushes off the canvas are clipped to it.

``PRESETS`` names each generator with a title, its task and default arguments;
``make_preset(name, **kw)`` builds one with validated arguments. ``load_points_csv`` and
``save_points_csv`` read and write points as CSV (see ``load_points_csv`` for the format).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .data import MAX_CLASSES, MAX_POINTS, Dataset, NoiseModel, noise_moves
from .notation import DOMAIN_HALF_WIDTH

EXTENT = DOMAIN_HALF_WIDTH
MAX_NOISE = 0.5
MAX_TEST_FRACTION = 0.9


# --- argument checks (messages name the argument and the allowed range) ----------------
def _check_int(name: str, value, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number in {lo}..{hi}, got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be in {lo}..{hi}, got {value}")
    return int(value)


def _check_float(name: str, value, lo: float, hi: float, hi_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    ok = math.isfinite(value) and lo <= value and (value < hi if hi_open else value <= hi)
    if not ok:
        bracket = ")" if hi_open else "]"
        raise ValueError(f"{name} must be in [{lo}, {hi}{bracket}, got {value}")
    return value


def _common(n_points, noise, test_fraction, seed) -> tuple[int, float, float, int]:
    return (
        _check_int("n_points", n_points, 2, MAX_POINTS),
        _check_float("noise", noise, 0.0, MAX_NOISE),
        _check_float("test_fraction", test_fraction, 0.0, MAX_TEST_FRACTION, hi_open=True),
        _check_int("seed", seed, 0, 2**63 - 1),
    )


def _balanced_labels(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """n labels in 0..k−1 whose counts differ by at most one, in random order."""
    return rng.permutation(np.arange(n) % k)


def _finish(
    points: np.ndarray,
    y: np.ndarray,
    rng: np.random.Generator,
    test_fraction: float,
    task: str = "classification",
    n_classes: int = 2,
    input_dim: int = 2,
    noise: tuple[float, np.ndarray, np.ndarray, float, int] | None = None,
) -> Dataset:
    """The dataset; ``noise`` is (level, base, step, scale, seed) of its noise model: the
    noise-free (x1, x2, y) of each point and its displacement per unit of noise."""
    points = np.clip(points, -EXTENT, EXTENT)
    n = points.shape[0]
    is_test = np.zeros(n, dtype=bool)
    is_test[rng.permutation(n)[: int(round(test_fraction * n))]] = True
    model = None
    if noise is not None:
        level, base, step, scale, seed = noise
        model = NoiseModel(level, base, step, seed, scale, noise_moves(task, input_dim))
    return Dataset(points, y, is_test, task, n_classes, input_dim, noise=model)


def _moved(base_xy: np.ndarray, y, z: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Base and step rows (x1, x2, y) of points whose positions move by ``scale · z``."""
    n = base_xy.shape[0]
    base = np.column_stack([base_xy, np.asarray(y, dtype=np.float64)])
    step = np.column_stack([scale * z, np.zeros(n)])
    return base, step


# --- classification ---------------------------------------------------------------------
def xor(n_points: int = 200, noise: float = 0.0, test_fraction: float = 0.0, seed: int = 0):
    """Class 1 where x1·x2 > 0 (quadrants I and III), class 0 elsewhere. Points keep 0.3
    away from the axes; noise jitters positions after labelling, so classes overlap."""
    n, noise, tf, seed = _common(n_points, noise, test_fraction, seed)
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, 2, rng)
    s1 = rng.choice([-1.0, 1.0], size=n)
    s2 = np.where(y == 1, s1, -s1)
    mag = rng.uniform(0.3, 5.0, size=(n, 2))
    pts = mag * np.stack([s1, s2], axis=1)
    z = rng.standard_normal(size=(n, 2))  # the same draws rng.normal would make
    base, step = _moved(pts.copy(), y, z, 3.0)
    pts += (3.0 * noise) * z
    return _finish(pts, y, rng, tf, noise=(noise, base, step, 3.0, seed))


def circles(n_points: int = 200, noise: float = 0.0, test_fraction: float = 0.0, seed: int = 0):
    """Class 1: a disc of radius 2.5; class 0: a ring 3.5 ≤ r ≤ 5 around it."""
    n, noise, tf, seed = _common(n_points, noise, test_fraction, seed)
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, 2, rng)
    r = np.where(y == 1, rng.uniform(0.0, 2.5, size=n), rng.uniform(3.5, 5.0, size=n))
    t = rng.uniform(0.0, 2 * np.pi, size=n)
    pts = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    z = rng.standard_normal(size=(n, 2))
    base, step = _moved(pts.copy(), y, z, 2.0)
    pts += (2.0 * noise) * z
    return _finish(pts, y, rng, tf, noise=(noise, base, step, 2.0, seed))


def gaussians(
    n_points: int = 200,
    noise: float = 0.0,
    test_fraction: float = 0.0,
    seed: int = 0,
    n_classes: int = 2,
):
    """One round blob per class, centred on a circle of radius 3.5; noise widens them
    (standard deviation 0.5 + 3·noise)."""
    n, noise, tf, seed = _common(n_points, noise, test_fraction, seed)
    k = _check_int("n_classes", n_classes, 2, MAX_CLASSES)
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, k, rng)
    angle = np.pi / 4 + 2 * np.pi * np.arange(k) / k
    centres = 3.5 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    z = rng.standard_normal(size=(n, 2))
    pts = centres[y] + (0.5 + 3.0 * noise) * z
    base, step = _moved(centres[y] + 0.5 * z, y, z, 3.0)
    return _finish(pts, y, rng, tf, n_classes=k, noise=(noise, base, step, 3.0, seed))


def spirals(
    n_points: int = 300,
    noise: float = 0.0,
    test_fraction: float = 0.0,
    seed: int = 0,
    n_arms: int = 2,
):
    """``n_arms`` interleaved spiral arms, one class each, winding 1.75 turns out to r = 5;
    noise jitters positions (standard deviation 1.2·noise)."""
    n, noise, tf, seed = _common(n_points, noise, test_fraction, seed)
    k = _check_int("n_arms", n_arms, 2, MAX_CLASSES)
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, k, rng)
    s = rng.uniform(0.0, 1.0, size=n)  # position along the arm
    r = 0.3 + 4.7 * s
    t = 1.75 * 2 * np.pi * s + 2 * np.pi * y / k
    pts = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    z = rng.standard_normal(size=(n, 2))
    base, step = _moved(pts.copy(), y, z, 1.2)
    pts += (1.2 * noise) * z
    return _finish(pts, y, rng, tf, n_classes=k, noise=(noise, base, step, 1.2, seed))


def moons(n_points: int = 200, noise: float = 0.0, test_fraction: float = 0.0, seed: int = 0):
    """Two interleaving half circles (as scikit-learn's ``make_moons``), scaled by 2.5 and
    centred on the origin; noise jitters positions (standard deviation 1.5·noise)."""
    n, noise, tf, seed = _common(n_points, noise, test_fraction, seed)
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, 2, rng)
    t = rng.uniform(0.0, np.pi, size=n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    pts = np.where((y == 0)[:, None], upper, lower)
    pts = 2.5 * (pts - [0.5, 0.25])
    z = rng.standard_normal(size=(n, 2))
    base, step = _moved(pts.copy(), y, z, 1.5)
    pts += (1.5 * noise) * z
    return _finish(pts, y, rng, tf, noise=(noise, base, step, 1.5, seed))


# --- regression ---------------------------------------------------------------------------
def sine_1d(
    n_points: int = 100,
    noise: float = 0.1,
    test_fraction: float = 0.0,
    seed: int = 0,
    amplitude: float = 3.0,
    frequency: float = 1.0,
):
    """A curve fit (input_dim = 1): x uniform in [-6, 6], height
    ``amplitude · sin(frequency · x)`` plus Gaussian noise of standard deviation 4·noise.
    The point's height is the target."""
    n, noise, tf, seed = _common(n_points, noise, test_fraction, seed)
    a = _check_float("amplitude", amplitude, 0.0, 5.0)
    f = _check_float("frequency", frequency, 0.0, 3.0)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-EXTENT, EXTENT, size=n)
    clean = a * np.sin(f * x)
    z = rng.standard_normal(size=n)
    h = clean + (4.0 * noise) * z
    pts = np.stack([x, np.clip(h, -EXTENT, EXTENT)], axis=1)
    base = np.column_stack([x, clean, clean])
    step = np.column_stack([np.zeros(n), 4.0 * z, np.zeros(n)])
    model = (noise, base, step, 4.0, seed)
    return _finish(pts, pts[:, 1], rng, tf, task="regression", input_dim=1, noise=model)


SURFACES = ("bumps", "plane")


def surface_value(points: np.ndarray, surface: str = "bumps") -> np.ndarray:
    """The noiseless target of ``surface_2d`` at each point, in [-1, 1].

    ``plane``: (x1 + x2) / 12, TF Playground's tilted plane. ``bumps``: two positive and
    two negative Gaussian bumps of width 2, like TF Playground's multi-Gaussian."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if surface == "plane":
        return (p[:, 0] + p[:, 1]) / (2 * EXTENT)
    if surface == "bumps":
        centres = np.array([[-3.0, 3.0], [3.0, -3.0], [3.0, 3.0], [-3.0, -3.0]])
        signs = np.array([1.0, 1.0, -1.0, -1.0])
        d2 = ((p[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        return np.clip((signs * np.exp(-d2 / (2 * 2.0**2))).sum(axis=1), -1.0, 1.0)
    raise ValueError(f"surface must be one of {', '.join(SURFACES)}, got {surface!r}")


def surface_2d(
    n_points: int = 300,
    noise: float = 0.0,
    test_fraction: float = 0.0,
    seed: int = 0,
    surface: str = "bumps",
):
    """Regression on the plane: points uniform in [-6, 6]², target ``surface_value`` plus
    Gaussian noise of standard deviation noise (targets are not clipped)."""
    n, noise, tf, seed = _common(n_points, noise, test_fraction, seed)
    if surface not in SURFACES:
        raise ValueError(f"surface must be one of {', '.join(SURFACES)}, got {surface!r}")
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-EXTENT, EXTENT, size=(n, 2))
    clean = surface_value(pts, surface)
    z = rng.standard_normal(size=n)
    y = clean + noise * z
    base = np.column_stack([pts, clean])
    step = np.column_stack([np.zeros((n, 2)), z])
    return _finish(pts, y, rng, tf, task="regression", noise=(noise, base, step, 1.0, seed))


# --- the registry -------------------------------------------------------------------------
@dataclass(frozen=True)
class PresetInfo:
    name: str
    title: str
    task: str
    input_dim: int
    generator: Callable[..., Dataset]
    defaults: dict = field(default_factory=dict)

    @property
    def arguments(self) -> tuple[str, ...]:
        return tuple(self.defaults)


def _info(name, title, task, gen, input_dim=2, **extra) -> PresetInfo:
    defaults = {
        k: p.default for k, p in inspect.signature(gen).parameters.items() if k not in extra
    }
    defaults.update(extra)
    return PresetInfo(name, title, task, input_dim, gen, defaults)


PRESETS: dict[str, PresetInfo] = {
    p.name: p
    for p in (
        _info("xor", "XOR", "classification", xor),
        _info("circles", "Circle in a ring", "classification", circles),
        _info("gaussians", "Gaussian blobs", "classification", gaussians),
        _info("spirals", "Spirals", "classification", spirals),
        _info("moons", "Two moons", "classification", moons),
        _info("sine_1d", "Sine curve (1-D regression)", "regression", sine_1d, input_dim=1),
        _info("surface_2d", "Surface (2-D regression)", "regression", surface_2d),
    )
}


def make_preset(name: str, **kw) -> Dataset:
    """The preset ``name`` with its default arguments, overridden by ``kw``."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; expected one of {', '.join(PRESETS)}")
    info = PRESETS[name]
    unknown = [k for k in kw if k not in info.defaults]
    if unknown:
        raise ValueError(
            f"unknown argument {unknown[0]!r} for preset {name!r}; "
            f"expected {', '.join(info.defaults)}"
        )
    return info.generator(**{**info.defaults, **kw})


# --- CSV files of points (engine/csvfile.py; re-exported here for older imports) ---------
from .csvfile import (  # noqa: E402, F401
    CSV_TASKS,
    CsvResult,
    load_points_csv,
    points_csv,
    read_points_csv,
    save_points_csv,
)
