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

    def forward(self, z: np.ndarray, out: np.ndarray, k=None) -> np.ndarray:
        """h⁽ᴸ⁾ from z⁽ᴸ⁾ into ``out`` (``k``: ``activations.Constants`` of its shape)."""
        raise NotImplementedError

    def log_likelihood(
        self,
        z: np.ndarray,
        h: np.ndarray,
        y: np.ndarray,
        out: np.ndarray | None = None,
        scratch: np.ndarray | None = None,
    ) -> np.ndarray:
        """log p(yⁱ | xⁱ) for each column i, computed stably from z; into ``out`` (N) if
        given, with ``scratch`` (N) to spare an allocation."""
        raise NotImplementedError

    def delta(self, h: np.ndarray, y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """dℒ/dz⁽ᴸ⁾ (``M_L × N``), into ``out`` if given: y − h for every head but the
        categorical."""
        return np.subtract(y, h, out=out)

    def predict(self, h: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class BernoulliHead(Head):
    """Two classes: p(y = 1 | x) = σ(z^(L)), as in logistic regression."""

    name = "bernoulli"
    activation = "sigmoid"
    likelihood = "y log h + (1 − y) log(1 − h)"
    _sigmoid = Sigmoid()

    def forward(self, z, out, k=None):
        return self._sigmoid.forward(z, out, k)

    def log_likelihood(self, z, h, y, out=None, scratch=None):
        # log σ(z) = −softplus(−z), log(1 − σ(z)) = −softplus(z); so
        # y log h + (1 − y) log(1 − h) = y z − softplus(z), finite for any z.
        z0 = z[0]
        yz = np.multiply(y, z0, out=out)
        return np.subtract(yz, np.logaddexp(0.0, z0, out=scratch), out=yz)

    def predict(self, h):
        return (h[0] >= 0.5).astype(np.int64)


class CategoricalHead(Head):
    """K classes: p(y = j | x) = softmax(z^(L))_j."""

    name = "categorical"
    activation = "softmax"
    likelihood = "log h_y"

    def output_size(self, n_classes: int) -> int:
        return n_classes

    def forward(self, z, out, k=None):
        # softmax is unchanged by subtracting the column maximum; afterwards every
        # exponent is ≤ 0, so nothing overflows and the largest term is exactly 1.
        np.subtract(z, z.max(axis=0, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=0, keepdims=True)
        return out

    def log_likelihood(self, z, h, y, out=None, scratch=None):
        zmax = z.max(axis=0)
        logsumexp = zmax + np.log(np.exp(z - zmax).sum(axis=0))
        return np.subtract(z[y, np.arange(z.shape[1])], logsumexp, out=out)

    def delta(self, h, y, out=None):
        d = np.negative(h, out=out)
        d[y, np.arange(h.shape[1])] += 1.0
        return d

    def predict(self, h):
        return h.argmax(axis=0)


class GaussianHead(Head):
    """Regression: p(y | x) = N(h^(L), 1), i.e. log p = −½ (y − h)² + const."""

    name = "gaussian"
    activation = "identity"
    likelihood = "−½ (y − h)²"

    def forward(self, z, out, k=None):
        if out is not z:
            np.copyto(out, z)
        return out

    def log_likelihood(self, z, h, y, out=None, scratch=None):
        r = np.subtract(y, h[0], out=out)
        np.multiply(r, r, out=r)
        return np.multiply(r, -0.5, out=r)

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
