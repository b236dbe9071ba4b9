"""Update rules that ascend J(θ) given its gradient (Algorithm 3, line 5, and two variants).

Every optimizer updates the parameter arrays in place and keeps its own state (velocity,
moments) as arrays with the parameters' shapes, so the state can be copied, saved and
restored for exact rewinds.
"""

from __future__ import annotations

import math

import numpy as np


def _flat_state(shapes: list[tuple[int, ...]]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Zeros for every parameter array, as views into one flat buffer (the layout of
    ``Parameters.flat``), so the state can be updated whole."""
    sizes = [math.prod(s) for s in shapes]
    flat = np.zeros(sum(sizes))
    views, at = [], 0
    for shape, n in zip(shapes, sizes):
        views.append(flat[at : at + n].reshape(shape))
        at += n
    return flat, views


OPTIMIZERS = ("sgd", "momentum", "adam")  # their names on screen: notation.OPTIMIZER_LABELS


class Optimizer:
    name = "sgd"
    update_rule = "θ ← θ + α ∇J"

    def __init__(self, shapes: list[tuple[int, ...]]):
        self.t = 0
        self.state: dict[str, list[np.ndarray]] = {}
        self._flat: dict[str, np.ndarray] = {}  # the buffers ``state``'s arrays view
        self._tmp: np.ndarray | None = None

    def step(self, params: list[np.ndarray], grads: list[np.ndarray], alpha: float) -> None:
        self.t += 1
        for p, g in zip(params, grads):
            p += alpha * g

    def step_flat(self, params: np.ndarray, grads: np.ndarray, alpha: float) -> None:
        """``step`` on all of θ at once: ``params`` and ``grads`` are flat buffers laid out
        like ``Parameters.flat``. Element by element the same operations, so the same
        numbers as ``step``."""
        self.t += 1
        tmp = self._scratch(grads)
        params += np.multiply(grads, alpha, out=tmp)

    def _scratch(self, like: np.ndarray) -> np.ndarray:
        if self._tmp is None or self._tmp.shape != like.shape:
            self._tmp = np.empty_like(like)
        return self._tmp

    def get_state(self) -> dict:
        return {"t": self.t, **{k: [a.copy() for a in v] for k, v in self.state.items()}}

    def set_state(self, state: dict) -> None:
        self.t = int(state["t"])
        for k in self.state:
            if len(state[k]) != len(self.state[k]):
                raise ValueError(f"optimizer state {k!r} has {len(state[k])} arrays")
            for dst, src in zip(self.state[k], state[k]):
                src = np.asarray(src, dtype=np.float64)
                if src.shape != dst.shape:
                    raise ValueError(
                        f"optimizer state {k!r} has shape {src.shape}, expected {dst.shape}"
                    )
                dst[...] = src


class Momentum(Optimizer):
    name = "momentum"
    update_rule = "v ← β v + ∇J;  θ ← θ + α v"

    def __init__(self, shapes, beta: float = 0.9):
        super().__init__(shapes)
        self.beta = beta
        self._flat["v"], views = _flat_state(shapes)
        self.state = {"v": views}

    def step(self, params, grads, alpha):
        self.t += 1
        for p, g, v in zip(params, grads, self.state["v"]):
            v *= self.beta
            v += g
            p += alpha * v

    def step_flat(self, params, grads, alpha):
        self.t += 1
        v = self._flat["v"]
        v *= self.beta
        v += grads
        params += np.multiply(v, alpha, out=self._scratch(v))


class Adam(Optimizer):
    name = "adam"
    # ε is added to √s before the bias correction (Keras's form; PyTorch adds it to √ŝ):
    # the same as θ ← θ + α m̂ / (√ŝ + ε/√(1−β₂ᵗ)), which is what the code computes
    update_rule = (
        "m ← β₁m + (1−β₁)∇J;  s ← β₂s + (1−β₂)∇J²;  "
        "θ ← θ + αₜ m / (√s + ε),  αₜ = α √(1−β₂ᵗ) / (1−β₁ᵗ)"
    )

    def __init__(self, shapes, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(shapes)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self._flat["m"], m = _flat_state(shapes)
        self._flat["s"], s = _flat_state(shapes)
        self.state = {"m": m, "s": s}

    def step(self, params, grads, alpha):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step = alpha * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        for p, g, m, s in zip(params, grads, self.state["m"], self.state["s"]):
            m *= b1
            m += (1.0 - b1) * g
            s *= b2
            s += (1.0 - b2) * (g * g)
            p += step * m / (np.sqrt(s) + self.eps)

    def step_flat(self, params, grads, alpha):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step = alpha * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        m, s = self._flat["m"], self._flat["s"]
        g = grads
        m *= b1
        m += (1.0 - b1) * g
        s *= b2
        s += (1.0 - b2) * (g * g)
        params += step * m / (np.sqrt(s) + self.eps)


def make_optimizer(name: str, shapes: list[tuple[int, ...]]) -> Optimizer:
    if name == "sgd":
        return Optimizer(shapes)
    if name == "momentum":
        return Momentum(shapes)
    if name == "adam":
        return Adam(shapes)
    raise ValueError(f"unknown optimizer {name!r}; expected one of {', '.join(OPTIMIZERS)}")
