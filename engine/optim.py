"""Update rules that ascend J(θ) given its gradient (Algorithm 3, line 5, and two variants).

Every optimizer updates the parameter arrays in place and keeps its own state (velocity,
moments) as arrays with the parameters' shapes, so the state can be copied, saved and
restored for exact rewinds.

Each class writes its rule once, in ``rule``: the symbolic lines that the inspector's
update phase and the algorithm it prints read (engine/algorithm.py numbers them), in the
order and the form the code computes them. ``∇J`` is the gradient of the objective, every
dJ/dW⁽ˡ⁾ and dJ/db⁽ˡ⁾; ``θ`` is every W⁽ˡ⁾ and b⁽ˡ⁾.
"""

from __future__ import annotations

import math

import numpy as np

from .notation import power_of_ten


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


OPTIMIZERS = ("sgd", "momentum", "adam")  # the classes are in OPTIMIZER_CLASSES, below


class Optimizer:
    name = "sgd"
    label = "SGD"  # the name on screen
    rule: tuple[str, ...] = ("θ ← θ + α ∇J",)
    state_names: tuple[str, ...] = ()  # the arrays of ``state``, in the rule's order

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

    def values(self, alpha: float) -> str:
        """The numbers in the rule as the latest update used them: 'α = 0.1', then the
        constants (and for Adam t and αₜ)."""
        return f"α = {alpha:g}"

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
    label = "Momentum"
    rule = ("v ← β v + ∇J", "θ ← θ + α v")
    state_names = ("v",)

    def __init__(self, shapes, beta: float = 0.9):
        super().__init__(shapes)
        self.beta = beta
        self._flat["v"], views = _flat_state(shapes)
        self.state = {"v": views}

    def values(self, alpha: float) -> str:
        return f"α = {alpha:g}, β = {power_of_ten(self.beta)}"

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
    label = "Adam"
    # ε is added to √s before the bias corrections (Keras's form; PyTorch adds it to √ŝ):
    # the same as θ ← θ + α m̂ / (√ŝ + ε/√(1−β₂ᵗ)), which is what the code computes; t
    # counts the updates, this one included
    rule = (
        "m ← β₁ m + (1 − β₁) ∇J",
        "s ← β₂ s + (1 − β₂) ∇J ∘ ∇J",
        "αₜ ← α √(1 − β₂ᵗ) / (1 − β₁ᵗ)",
        "θ ← θ + αₜ m / (√s + ε)",
    )
    state_names = ("m", "s")

    def __init__(self, shapes, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(shapes)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self._flat["m"], m = _flat_state(shapes)
        self._flat["s"], s = _flat_state(shapes)
        self.state = {"m": m, "s": s}

    def values(self, alpha: float) -> str:
        b1, b2, eps = (power_of_ten(v) for v in (self.beta1, self.beta2, self.eps))
        t = max(self.t, 1)
        alpha_t = alpha * np.sqrt(1.0 - self.beta2**t) / (1.0 - self.beta1**t)
        return f"α = {alpha:g}, β₁ = {b1}, β₂ = {b2}, ε = {eps}, t = {t}:  αₜ = {alpha_t:.4g}"

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


OPTIMIZER_CLASSES: dict[str, type[Optimizer]] = {c.name: c for c in (Optimizer, Momentum, Adam)}

OPTIMIZER_LABELS = {name: c.label for name, c in OPTIMIZER_CLASSES.items()}


def make_optimizer(name: str, shapes: list[tuple[int, ...]]) -> Optimizer:
    if name in OPTIMIZER_CLASSES:
        return OPTIMIZER_CLASSES[name](shapes)
    raise ValueError(f"unknown optimizer {name!r}; expected one of {', '.join(OPTIMIZERS)}")
