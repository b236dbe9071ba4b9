"""Output layers and their log-likelihoods, as in the lecture notes.

A head turns the last pre-activation ``z^(L)`` (``M_L × N``) into ``h^(L)`` and scores
it against the targets. Its ``delta`` is ``dℒ/dz^(L)`` for ℒ = Σ_i log p(yⁱ | xⁱ) over the
N columns. For every head of the notes the chain rule through the output non-linearity
simplifies (docs/corrections.md), and computing the simplified form directly is exact and
numerically stable:

==============  ==================  ===============================  ================
head            h^(L)               log p(y | x)                     dℒ/dz^(L)
==============  ==================  ===============================  ================
bernoulli       σ(z), M_L = 1       y log h + (1 − y) log(1 − h)     y − h
categorical     softmax(z), M_L = K log h_y                           onehot(y) − h
gaussian        z, M_L = 1          −½ (y − h)²                      y − h
==============  ==================  ===============================  ================
"""

from __future__ import annotations

import numpy as np

from .activations import Sigmoid


class Head:
    name: str
    activation: str
    likelihood: str

    def output_size(self, n_classes: int) -> int:
        return 1

    def forward(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def log_likelihood(self, z: np.ndarray, h: np.ndarray, y: np.ndarray) -> np.ndarray:
        """log p(yⁱ | xⁱ) for each column i, computed stably from z."""
        raise NotImplementedError

    def delta(self, h: np.ndarray, y: np.ndarray) -> np.ndarray:
        """dℒ/dz^(L), a fresh ``M_L × N`` array."""
        raise NotImplementedError

    def delta_into(self, h: np.ndarray, y: np.ndarray, out: np.ndarray) -> np.ndarray:
        """``delta`` written into ``out`` (the same numbers, no allocation)."""
        return np.subtract(y, h, out=out)  # y − h: every head but the categorical

    def predict(self, h: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class BernoulliHead(Head):
    """Two classes: p(y = 1 | x) = σ(z^(L)), as in logistic regression."""

    name = "bernoulli"
    activation = "sigmoid"
    likelihood = "y log h + (1 − y) log(1 − h)"
    _sigmoid = Sigmoid()

    def forward(self, z, out):
        return self._sigmoid.forward(z, out)

    def log_likelihood(self, z, h, y):
        # log σ(z) = −softplus(−z), log(1 − σ(z)) = −softplus(z); so
        # y log h + (1 − y) log(1 − h) = y z − softplus(z), finite for any z.
        z0 = z[0]
        return y * z0 - np.logaddexp(0.0, z0)

    def delta(self, h, y):
        return y - h

    def predict(self, h):
        return (h[0] >= 0.5).astype(np.int64)


class CategoricalHead(Head):
    """K classes: p(y = j | x) = softmax(z^(L))_j."""

    name = "categorical"
    activation = "softmax"
    likelihood = "log h_y"

    def output_size(self, n_classes: int) -> int:
        return n_classes

    def forward(self, z, out):
        # softmax is unchanged by subtracting the column maximum; afterwards every
        # exponent is ≤ 0, so nothing overflows and the largest term is exactly 1.
        np.subtract(z, z.max(axis=0, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=0, keepdims=True)
        return out

    def log_likelihood(self, z, h, y):
        zmax = z.max(axis=0)
        logsumexp = zmax + np.log(np.exp(z - zmax).sum(axis=0))
        return z[y, np.arange(z.shape[1])] - logsumexp

    def delta(self, h, y):
        d = -h
        d[y, np.arange(h.shape[1])] += 1.0
        return d

    def delta_into(self, h, y, out):
        np.negative(h, out=out)
        out[y, np.arange(h.shape[1])] += 1.0
        return out

    def predict(self, h):
        return h.argmax(axis=0)


class GaussianHead(Head):
    """Regression: p(y | x) = N(h^(L), 1), i.e. log p = −½ (y − h)² + const."""

    name = "gaussian"
    activation = "identity"
    likelihood = "−½ (y − h)²"

    def forward(self, z, out):
        np.copyto(out, z)
        return out

    def log_likelihood(self, z, h, y):
        r = y - h[0]
        r *= r
        r *= -0.5
        return r

    def delta(self, h, y):
        return y - h

    def predict(self, h):
        return h[0]


HEADS: dict[str, Head] = {h.name: h for h in (BernoulliHead(), CategoricalHead(), GaussianHead())}


def head_for(task: str, n_classes: int) -> Head:
    """The head the notes prescribe for a task: sigmoid for two classes, softmax for more,
    identity for regression."""
    if task == "regression":
        return HEADS["gaussian"]
    if task != "classification":
        raise ValueError(f"unknown task {task!r}; expected 'classification' or 'regression'")
    if n_classes == 2:
        return HEADS["bernoulli"]
    if 3 <= n_classes <= 8:
        return HEADS["categorical"]
    raise ValueError(f"classification needs 2 to 8 classes, got {n_classes}")
