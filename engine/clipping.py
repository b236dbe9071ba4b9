"""Pieces of hyperplanes and convex regions inside a box, in 1, 2 or 3 dimensions.

The output layer's decision boundary, seen in a hidden layer's view, is made of pieces of
hyperplanes ``a·u + c = 0`` (a point on a line, a segment in a plane, a polygon in space),
each cut to the view's box and to the half-spaces ``aᵢ·u + cᵢ ≥ 0`` where its two classes
beat the others; a class's region in a 2-D view is the box cut by such half-spaces.
Everything here is convex, so clipping is exact: Liang–Barsky for segments,
Sutherland–Hodgman for polygons.
"""

from __future__ import annotations

import numpy as np

HalfSpace = tuple[np.ndarray, float]  # (a, c): the points u with a·u + c ≥ 0


def box_halfspaces(lo: np.ndarray, hi: np.ndarray) -> list[HalfSpace]:
    """The box lo ≤ u ≤ hi as half-spaces."""
    d = len(lo)
    out: list[HalfSpace] = []
    for k in range(d):
        e = np.zeros(d)
        e[k] = 1.0
        out += [(e, -float(lo[k])), (-e, float(hi[k]))]
    return out


def clip_segment(p0: np.ndarray, p1: np.ndarray, halfspaces: list[HalfSpace]):
    """The part of the segment p0–p1 in every half-space, as (q0, q1), or None."""
    t0, t1 = 0.0, 1.0
    for a, c in halfspaces:
        f0, f1 = float(a @ p0) + c, float(a @ p1) + c
        if f0 < 0.0 and f1 < 0.0:
            return None
        if f0 < 0.0:
            t0 = max(t0, f0 / (f0 - f1))
        elif f1 < 0.0:
            t1 = min(t1, f0 / (f0 - f1))
        if t0 > t1:
            return None
    d = p1 - p0
    return p0 + t0 * d, p0 + t1 * d


def clip_polygon(poly: np.ndarray, halfspaces: list[HalfSpace]) -> np.ndarray:
    """A convex polygon (k × d vertices in order) cut by every half-space (Sutherland–
    Hodgman); an empty (0 × d) array when nothing is left."""
    pts = [np.asarray(p, dtype=np.float64) for p in poly]
    for a, c in halfspaces:
        if not pts:
            break
        out = []
        for i, p in enumerate(pts):
            q = pts[(i + 1) % len(pts)]
            fp, fq = float(a @ p) + c, float(a @ q) + c
            if fp >= 0.0:
                out.append(p)
            if (fp > 0.0 > fq) or (fp < 0.0 < fq):  # strictly across: a vertex on the
                out.append(p + (fp / (fp - fq)) * (q - p))  # plane is kept once, as itself
        pts = out
    d = np.shape(poly)[1]
    return np.array(pts).reshape(-1, d)


def box_polygon(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The corners of a 2-D box, counter-clockwise."""
    return np.array([[lo[0], lo[1]], [hi[0], lo[1]], [hi[0], hi[1]], [lo[0], hi[1]]], float)


def hyperplane_piece(
    a: np.ndarray, c: float, lo: np.ndarray, hi: np.ndarray, halfspaces: list[HalfSpace]
) -> np.ndarray | None:
    """The part of {u : a·u + c = 0} inside the box and the half-spaces: a point (1 × 1)
    in 1-D, a segment (2 × 2) in 2-D, a polygon (k × 3, its vertices in order) in 3-D; None
    when it misses them (or a = 0)."""
    a = np.asarray(a, dtype=np.float64)
    d = a.size
    norm2 = float(a @ a)
    if not np.isfinite(norm2) or norm2 == 0.0 or not np.isfinite(c):
        return None
    cut = box_halfspaces(lo, hi) + list(halfspaces)
    foot = -c * a / norm2  # the plane's point nearest the origin
    centre = 0.5 * (np.asarray(lo, float) + np.asarray(hi, float))
    reach = float(np.linalg.norm(np.asarray(hi, float) - lo)) + float(np.linalg.norm(centre))
    if d == 1:
        inside = all(float(h @ foot) + k >= 0.0 for h, k in cut)
        return foot.reshape(1, 1) if inside else None
    # directions spanning the plane: an orthonormal basis of a's complement
    basis = np.linalg.svd(a.reshape(1, d))[2][1:]
    # the plane's point nearest the box's centre, and a span that covers the box
    anchor = centre - (float(a @ centre) + c) / norm2 * a
    if not np.all(np.isfinite(anchor)):
        anchor = foot
    if d == 2:
        u = basis[0]
        piece = clip_segment(anchor - reach * u, anchor + reach * u, cut)
        return None if piece is None else np.array(piece)
    u, v = basis[0], basis[1]
    square = np.array(
        [anchor + reach * (su * u + sv * v) for su, sv in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    )
    poly = clip_polygon(square, cut)
    return poly if len(poly) >= 3 else None


def region_1d(lo: float, hi: float, halfspaces: list[HalfSpace]) -> np.ndarray | None:
    """The interval of [lo, hi] in every half-space (2 × 1), or None."""
    piece = clip_segment(np.array([lo], float), np.array([hi], float), halfspaces)
    return None if piece is None else np.array(piece).reshape(2, 1)
