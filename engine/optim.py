"""Update rules that ascend J(θ) given its gradient ∇J (Algorithm 3 of the notes and two
variants): lines 9 … of the algorithm the app prints (engine/algorithm.py).

Each class writes its rule once, in ``rule``: the symbolic lines the inspector's update
phase, the printed algorithm and docs/corrections.md read, in the order and the form the
code computes them. ``∇J`` is the gradient of the objective, every dJ/dW⁽ˡ⁾ and dJ/db⁽ˡ⁾;
``θ`` is every W⁽ˡ⁾ and b⁽ˡ⁾.

θ is always packed (``Parameters.flat``), so each optimizer has one ``update``, on whole
flat buffers: θ, ∇J and its state (velocity, moments) share θ's ``Layout``. The state reads
as one array per parameter array (``state``), so it can be copied, saved and restored for
exact rewinds, and drawn layer by layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .notation import power_of_ten

if TYPE_CHECKING:
    from .network import Layout

OPTIMIZERS = ("sgd", "momentum", "adam")  # the classes are in OPTIMIZER_CLASSES, below


class Optimizer:
    """Plain stochastic gradient ascent; the base of the others."""

    name = "sgd"
    label = "SGD"  # the name on screen
    rule: tuple[str, ...] = ("θ ← θ + α ∇J",)
    state_names: tuple[str, ...] = ()  # the buffers of its state, in the rule's order

    def __init__(self, layout: Layout):
        self.t = 0  # updates so far
        self.layout = layout
        self._buffers = {k: np.zeros(layout.size) for k in self.state_names}
        self._tmp = np.empty(layout.size)  # scratch: an update allocates nothing

    def update(self, theta: np.ndarray, grad: np.ndarray, alpha: float) -> None:
        """One update of the flat θ in place with the flat gradient ``grad``."""
        self.t += 1
        np.add(theta, np.multiply(grad, alpha, out=self._tmp), out=theta)

    @property
    def state(self) -> dict[str, list[np.ndarray]]:
        """Each state buffer as views laid out like θ's arrays (W⁽¹⁾, b⁽¹⁾, W⁽²⁾, …)."""
        return {k: self.layout.views(buf) for k, buf in self._buffers.items()}

    def flat_state(self, name: str) -> np.ndarray:
        """The state buffer ``name`` itself, one flat array laid out like θ (read it only)."""
        return self._buffers[name]

    def values(self, alpha: float) -> str:
        """The numbers in the rule as the latest update used them: 'α = 0.1', then the
        constants (and for Adam t and αₜ)."""
        return f"α = {alpha:g}"

    def get_state(self) -> dict:
        return {"t": self.t, **{k: [a.copy() for a in v] for k, v in self.state.items()}}

    def set_state(self, state: dict) -> None:
        """Put back a ``get_state``; checked whole before anything changes."""
        views = self.state
        for k, dst_list in views.items():
            if len(state[k]) != len(dst_list):
                raise ValueError(f"optimizer state {k!r} has {len(state[k])} arrays")
            for dst, src in zip(dst_list, state[k]):
                if np.shape(src) != dst.shape:
                    raise ValueError(
                        f"optimizer state {k!r} has shape {np.shape(src)}, expected {dst.shape}"
                    )
        self.t = int(state["t"])
        for k, dst_list in views.items():
            for dst, src in zip(dst_list, state[k]):
                dst[...] = np.asarray(src, dtype=np.float64)


class Momentum(Optimizer):
    name = "momentum"
    label = "Momentum"
    rule = ("v ← β v + ∇J", "θ ← θ + α v")
    state_names = ("v",)

    def __init__(self, layout: Layout, beta: float = 0.9):
        super().__init__(layout)
        self.beta = beta

    def update(self, theta, grad, alpha):
        self.t += 1
        v = self._buffers["v"]
        np.multiply(v, self.beta, out=v)
        np.add(v, grad, out=v)
        np.add(theta, np.multiply(v, alpha, out=self._tmp), out=theta)

    def values(self, alpha: float) -> str:
        return f"α = {alpha:g}, β = {power_of_ten(self.beta)}"


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

    def __init__(self, layout: Layout, beta1: float = 0.9, beta2: float = 0.999, eps=1e-8):
        super().__init__(layout)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self._tmp2 = np.empty(layout.size)

    def _step_size(self, alpha: float) -> float:
        """αₜ of update t = ``self.t``."""
        t = max(self.t, 1)
        return alpha * np.sqrt(1.0 - self.beta2**t) / (1.0 - self.beta1**t)

    def update(self, theta, grad, alpha):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        m, s = self._buffers["m"], self._buffers["s"]
        tmp, tmp2 = self._tmp, self._tmp2
        np.multiply(m, b1, out=m)  # m ← β₁ m + (1 − β₁) ∇J
        np.add(m, np.multiply(grad, 1.0 - b1, out=tmp), out=m)
        np.multiply(s, b2, out=s)  # s ← β₂ s + (1 − β₂) ∇J ∘ ∇J
        np.multiply(np.multiply(grad, grad, out=tmp), 1.0 - b2, out=tmp)
        np.add(s, tmp, out=s)
        # θ ← θ + αₜ m / (√s + ε), evaluated as (αₜ m) / (√s + ε)
        np.multiply(m, self._step_size(alpha), out=tmp)
        np.add(np.sqrt(s, out=tmp2), self.eps, out=tmp2)
        np.add(theta, np.divide(tmp, tmp2, out=tmp), out=theta)

    def values(self, alpha: float) -> str:
        b1, b2, eps = (power_of_ten(v) for v in (self.beta1, self.beta2, self.eps))
        return (
            f"α = {alpha:g}, β₁ = {b1}, β₂ = {b2}, ε = {eps}, t = {max(self.t, 1)}:  "
            f"αₜ = {self._step_size(alpha):.4g}"
        )


OPTIMIZER_CLASSES: dict[str, type[Optimizer]] = {c.name: c for c in (Optimizer, Momentum, Adam)}
OPTIMIZER_LABELS = {name: c.label for name, c in OPTIMIZER_CLASSES.items()}


def make_optimizer(name: str, layout: Layout) -> Optimizer:
    """A fresh optimizer (zero state) for θ of this ``layout``."""
    if name in OPTIMIZER_CLASSES:
        return OPTIMIZER_CLASSES[name](layout)
    raise ValueError(f"unknown optimizer {name!r}; expected one of {', '.join(OPTIMIZERS)}")
