"""What the user designs and tunes: the network (``NetworkSpec``) and the update
(``HyperParameters``), as immutable, validated values.

A bad value raises ValueError with a short message naming it, which the views show as is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .activations import ACTIVATIONS
from .features import DEFAULT_FEATURES_2D
from .heads import head_for
from .optim import OPTIMIZERS

ACTIVATION_NAMES = tuple(ACTIVATIONS)  # sigmoid, tanh, relu, identity
INIT_SCHEMES = ("auto", "glorot", "he", "uniform")
BATCHINGS = ("random", "epochs")
MAX_HIDDEN_LAYERS = 8
MAX_WIDTH = 64


@dataclass(frozen=True)
class NetworkSpec:
    """What the user designs: hidden widths M_1..M_(L−1), their activations, the inputs."""

    hidden: tuple[int, ...] = (4,)
    activations: tuple[str, ...] = ()  # one per hidden layer; empty = all ``activation``
    activation: str = "sigmoid"
    features: tuple[str, ...] = DEFAULT_FEATURES_2D
    init: str = "auto"

    def __post_init__(self):
        hidden = tuple(int(w) for w in self.hidden)
        if len(hidden) > MAX_HIDDEN_LAYERS:
            raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(hidden)}")
        for i, w in enumerate(hidden, 1):
            if not 1 <= w <= MAX_WIDTH:
                raise ValueError(f"hidden layer {i} width must be 1..{MAX_WIDTH}, got {w}")
        acts = tuple(self.activations) or (self.activation,) * len(hidden)
        if len(acts) != len(hidden):
            raise ValueError(f"{len(hidden)} hidden layers need {len(hidden)} activations")
        for a in (*acts, self.activation):
            if a not in ACTIVATION_NAMES:
                raise ValueError(
                    f"unknown activation {a!r}; expected {', '.join(ACTIVATION_NAMES)}"
                )
        if self.init not in INIT_SCHEMES:
            raise ValueError(f"unknown init {self.init!r}; expected {', '.join(INIT_SCHEMES)}")
        object.__setattr__(self, "hidden", hidden)
        object.__setattr__(self, "activations", acts)
        object.__setattr__(self, "features", tuple(self.features))

    def widths(self, task: str, n_classes: int) -> tuple[int, ...]:
        """M_0, M_1, …, M_L for data of this task: the inputs, the hidden widths and the
        output layer's width (``output_width``)."""
        return (len(self.features), *self.hidden, output_width(task, n_classes))


def output_width(task: str, n_classes: int) -> int:
    """M_L, the output layer's width: what the task's head needs (engine/heads.py)."""
    return head_for(task, n_classes).output_size(n_classes)


@dataclass(frozen=True)
class HyperParameters:
    """α, B, λ and the update rule; these change between steps without losing θ."""

    alpha: float = 0.5
    batch_size: int = 16
    lam: float = 0.0
    optimizer: str = "sgd"
    batching: str = "random"  # "random": B random points each step (Algorithm 3)

    def __post_init__(self):
        if not (math.isfinite(self.alpha) and self.alpha > 0):
            raise ValueError(f"learning rate α must be a positive number, got {self.alpha}")
        if int(self.batch_size) != self.batch_size or self.batch_size < 1:
            raise ValueError(f"batch size B must be a whole number ≥ 1, got {self.batch_size}")
        if not (math.isfinite(self.lam) and self.lam >= 0):
            raise ValueError(f"weight decay λ must be ≥ 0, got {self.lam}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"unknown optimizer {self.optimizer!r}; expected {', '.join(OPTIMIZERS)}"
            )
        if self.batching not in BATCHINGS:
            raise ValueError(f"unknown batching {self.batching!r}; expected {', '.join(BATCHINGS)}")
        object.__setattr__(self, "batch_size", int(self.batch_size))
        object.__setattr__(self, "alpha", float(self.alpha))
        object.__setattr__(self, "lam", float(self.lam))


def effective_batch_size(batch_size: int, n_train: int) -> int:
    """B as a step uses it: the batch size, capped at the training points (at least 1)."""
    return max(1, min(int(batch_size), int(n_train)))


def steps_for_epochs(n_train: int, batch_size: int, epochs: float = 1.0) -> int:
    """The steps ``epochs`` passes over ``n_train`` training points take at batch size B:
    ⌈epochs · N_train / B⌉ with B capped at N_train (at least 1; none without points)."""
    if n_train <= 0:
        return 0
    b = effective_batch_size(batch_size, n_train)
    return max(1, math.ceil(epochs * n_train / b - 1e-9))
