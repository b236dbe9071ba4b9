"""The algorithm of one training step as the app prints it, with one numbering of its lines.

Lines 1–8 are the same under every optimizer: the batch, the forward pass, the likelihood
and the backward pass. The optimizer's own rule (``Optimizer.rule``, written once in
engine/optim.py) follows from line 9, ``UPDATE``: one line for SGD, two for momentum,
four for Adam. The phase walk (engine/phases.py) names the lines each phase computes, the
session's reference step and the network's methods cite them in comments, and
docs/corrections.md prints them; tests/docs keeps the page and this module in step.

The text is typeset as the inspector's headlines are (``W⁽ˡ⁾``, ``M₀``, ``fₗ``): the layer
index ℓ is written ˡ in a superscript, where Unicode has no ℓ of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from .notation import sub, sup
from .optim import OPTIMIZER_CLASSES

BATCH = 1
FORWARD = 2
LIKELIHOOD = 3
OUTPUT_DELTA = 4
BACKWARD = 5
GRADIENT_W = 6
GRADIENT_B = 7
PROPAGATE = 8
UPDATE = 9  # the optimizer's rule starts here

_l, _l1, _L = sup("ℓ"), sup("ℓ−1"), sup("L")
STEP_LINES: dict[int, str] = {
    BATCH: f"sample a batch of B training points;  h{sup(0)} ← x  (M₀ × B),  y",
    FORWARD: f"for ℓ = 1 … L:   z{_l} ← W{_l} h{_l1} + b{_l};   h{_l} ← f{sub('ℓ')}(z{_l})",
    LIKELIHOOD: "ℒ ← Σᵢ log p(yⁱ | xⁱ)      (the loss shown is −ℒ / B)",
    OUTPUT_DELTA: f"δ ← dℒ/dz{_L} = y − h{_L}      (onehot(y) − h{_L} for softmax)",
    BACKWARD: "for ℓ = L … 1:",
    GRADIENT_W: f"    dJ/dW{_l} ← δ (h{_l1})ᵀ / B − 2λ W{_l}",
    GRADIENT_B: f"    dJ/db{_l} ← (the row sums of δ) / B",
    PROPAGATE: f"    if ℓ > 1:   δ ← ((W{_l})ᵀ δ) ∘ f′{sub('ℓ−1')}(z{_l1})",
}
OBJECTIVE = (
    f"ascent on J = ℒ/B − λ Σ{sub('ℓ')} ‖W{_l}‖²;   θ: every W{_l}, b{_l};   "
    f"∇J: every dJ/dW{_l}, dJ/db{_l}"
)


@dataclass(frozen=True)
class Algorithm:
    """The printed algorithm for one optimizer: a title, the objective, numbered lines."""

    optimizer: str
    title: str
    objective: str
    lines: tuple[tuple[int, str], ...]  # (number, text), numbers 1, 2, …

    @property
    def update_lines(self) -> tuple[int, ...]:
        """The numbers of the optimizer's own lines."""
        return tuple(n for n, _ in self.lines if n >= UPDATE)

    def numbered(self) -> list[str]:
        """'1: sample a batch …', one string per line."""
        return [f"{n}: {text}" for n, text in self.lines]


def algorithm(optimizer: str) -> Algorithm:
    """The algorithm of one step under ``optimizer`` ('sgd', 'momentum', 'adam')."""
    cls = OPTIMIZER_CLASSES[optimizer]
    lines = [*STEP_LINES.items()]
    lines += [(UPDATE + i, text) for i, text in enumerate(cls.rule)]
    title = f"Algorithm: one {cls.label} step with backpropagation"
    return Algorithm(optimizer, title, OBJECTIVE, tuple(lines))


def update_lines(optimizer: str) -> tuple[int, ...]:
    """The numbers of ``optimizer``'s own lines (9 …)."""
    return tuple(range(UPDATE, UPDATE + len(OPTIMIZER_CLASSES[optimizer].rule)))
