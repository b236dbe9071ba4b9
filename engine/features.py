"""Input features: the columns of ``h^(0) = x`` built from a point's coordinates.

``M_0`` is the number of features chosen. With 1-D input (regression of y on x) only the
features of ``x1`` exist.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# name -> (needs x2, function of (x1, x2))
FEATURES = {
    "x1": (False, lambda x1, x2: x1),
    "x2": (True, lambda x1, x2: x2),
    "x1^2": (False, lambda x1, x2: x1 * x1),
    "x2^2": (True, lambda x1, x2: x2 * x2),
    "x1*x2": (True, lambda x1, x2: x1 * x2),
    "sin x1": (False, lambda x1, x2: np.sin(x1)),
    "sin x2": (True, lambda x1, x2: np.sin(x2)),
}
FEATURE_LABELS = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁x₂",
    "sin x1": "sin x₁",
    "sin x2": "sin x₂",
}
DEFAULT_FEATURES_2D = ("x1", "x2")
DEFAULT_FEATURES_1D = ("x1",)


def default_features(input_dim: int) -> tuple[str, ...]:
    """The features a new network on ``input_dim`` inputs starts with: the raw inputs."""
    return DEFAULT_FEATURES_1D if input_dim == 1 else DEFAULT_FEATURES_2D


def available_features(input_dim: int) -> tuple[str, ...]:
    if input_dim == 2:
        return tuple(FEATURES)
    if input_dim == 1:
        return tuple(n for n, (needs_x2, _) in FEATURES.items() if not needs_x2)
    raise ValueError(f"input_dim must be 1 or 2, got {input_dim}")


def validate_features(features: Sequence[str], input_dim: int) -> tuple[str, ...]:
    allowed = available_features(input_dim)
    features = tuple(features)
    if not features:
        raise ValueError("choose at least one input feature")
    for f in features:
        if f not in FEATURES:
            raise ValueError(f"unknown input feature {f!r}; expected one of {', '.join(FEATURES)}")
        if f not in allowed:
            raise ValueError(f"input feature {f!r} needs x2, but this task has 1-D input")
    if len(set(features)) != len(features):
        raise ValueError(f"input features repeat: {list(features)}")
    return features


def feature_matrix(points: np.ndarray, features: Sequence[str], dtype=np.float64) -> np.ndarray:
    """``h^(0)``: an ``M_0 × N`` matrix, one row per feature and one column per point.

    ``points`` is ``N × 2`` (canvas coordinates) or ``N × 1``.
    """
    points = np.asarray(points, dtype=dtype)
    x1 = points[:, 0]
    x2 = points[:, 1] if points.shape[1] > 1 else None
    out = np.empty((len(features), points.shape[0]), dtype=dtype)
    for row, name in enumerate(features):
        out[row] = FEATURES[name][1](x1, x2)
    return out
