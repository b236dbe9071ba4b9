"""Central finite differences against ``backward``: the check a student can run live."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from .jobs import run_to_end
from .network import Network, Parameters


@dataclass(frozen=True)
class ArrayCheck:
    name: str  # "W^(2)", "b^(1)", ...
    shape: tuple[int, ...]
    max_rel_error: float
    max_abs_error: float

    def passed(self, tol: float = 1e-6) -> bool:
        return self.max_rel_error <= tol


def gradient_check(
    net: Network,
    params: Parameters,
    x: np.ndarray,
    y: np.ndarray,
    lam: float = 0.0,
    eps: float = 1e-4,
) -> list[ArrayCheck]:
    """Compare dJ/dW^(ℓ), dJ/db^(ℓ) from backprop with central finite differences of the
    objective J of ``Network.objective``, for every entry.

    The five-point central stencil (J(θ−2ε) − 8J(θ−ε) + 8J(θ+ε) − J(θ+2ε)) / 12ε has
    truncation error O(ε⁴), so with ε = 1e-4 both truncation and round-off stay near
    1e-12 and a relative error of 1e-6 means a real mistake, not noise. The relative error
    of an entry is |a − n| / max(|a| + |n|, 1e-6): entries smaller than 1e-6 are
    judged by their absolute error, which round-off alone keeps near 1e-12."""
    return run_to_end(gradient_check_steps(net, params, x, y, lam, eps))


def gradient_check_steps(
    net: Network,
    params: Parameters,
    x: np.ndarray,
    y: np.ndarray,
    lam: float = 0.0,
    eps: float = 1e-4,
) -> Generator[tuple[int, int], None, list[ArrayCheck]]:
    """``gradient_check`` one parameter entry at a time: yields (entries done, total)
    after each, returns the checks. A caller can stop between entries (a cancel, a
    shutdown) and do other work meanwhile: ``params``, ``x`` and ``y`` are read only
    before the first yield (θ is copied), so training may go on in between."""
    fp = net.forward(params, x)
    bp = net.backward(params, fp, y, lam)
    work = params.copy()
    x, y = np.array(x, copy=True), np.array(y, copy=True)
    total = sum(w.size + b.size for w, b in zip(work.W, work.b))
    done = 0
    results = []
    for layer in range(1, net.depth + 1):
        for kind, arr, grad in (
            ("W", work.W[layer - 1], bp.dW[layer - 1]),
            ("b", work.b[layer - 1], bp.db[layer - 1]),
        ):
            numeric = np.empty_like(arr)
            for idx in np.ndindex(arr.shape):
                orig = arr[idx]
                j = {}
                for k in (-2, -1, 1, 2):
                    arr[idx] = orig + k * eps
                    j[k] = net.objective(work, x, y, lam)
                arr[idx] = orig
                numeric[idx] = (j[-2] - 8 * j[-1] + 8 * j[1] - j[2]) / (12 * eps)
                done += 1
                yield done, total
            abs_err = np.abs(grad - numeric)
            rel = abs_err / np.maximum(np.abs(grad) + np.abs(numeric), 1e-6)
            results.append(
                ArrayCheck(f"{kind}^({layer})", arr.shape, float(rel.max()), float(abs_err.max()))
            )
    return results
