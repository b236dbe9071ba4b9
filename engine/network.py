"""A multilayer network in the notes' orientation, with every intermediate named.

Shapes (one column per data point):

* ``h^(0) = x`` is ``M_0 × N``; ``W^(ℓ)`` is ``M_ℓ × M_(ℓ−1)``; ``b^(ℓ)`` is ``M_ℓ × 1``;
* ``z^(ℓ) = W^(ℓ) h^(ℓ−1) + b^(ℓ)`` and ``h^(ℓ) = f_ℓ(z^(ℓ))`` are ``M_ℓ × N``;
* ``L`` counts the layers with weights; ``L = 1`` is logistic / softmax / linear regression.

Sign conventions (the same everywhere in the app):

* ``ℒ = Σ_i log p(yⁱ | xⁱ)`` over the N columns given, as in the notes;
  ``δ^(ℓ) = dℒ/dz^(ℓ)``, so column i of δ is point i's own backward signal and does not
  depend on how many points share the batch.
* Training *ascends* the MAP objective per point,
  ``J(θ) = ℒ / N − λ Σ_ℓ Σ_ij (W_ij^(ℓ))²``; ``backward`` returns its gradient:
  ``dL/dW^(ℓ) = δ^(ℓ) (h^(ℓ−1))ᵀ / N − 2λ W^(ℓ)`` and ``dL/db^(ℓ) = δ^(ℓ) 1_N / N``
  (biases get no penalty). Ascending J is the same step as descending the mean negative
  log-likelihood plus λ Σ W², which is what the loss curves show (without the penalty).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from .activations import get_activation
from .heads import Head


@dataclass(frozen=True)
class Architecture:
    """Layer widths ``M_0 … M_L`` and the non-linearity of each layer ℓ = 1..L."""

    widths: tuple[int, ...]
    activations: tuple[str, ...]  # hidden layers ℓ = 1..L−1
    head: str

    @property
    def depth(self) -> int:
        return len(self.widths) - 1

    def weight_shape(self, layer: int) -> tuple[int, int]:
        return (self.widths[layer], self.widths[layer - 1])


@dataclass
class Parameters:
    """θ = {W^(1), b^(1), …, W^(L), b^(L)}; lists are indexed from 0 for ℓ = 1.

    ``flat``, when set, is one buffer the arrays are views of, in the order of
    ``arrays()``: an optimizer then updates all of θ in a couple of NumPy calls, and a
    copy is one memcpy. The arrays are only ever written in place, so the views stay valid.
    """

    W: list[np.ndarray]
    b: list[np.ndarray]
    flat: np.ndarray | None = field(default=None, repr=False, compare=False)

    @classmethod
    def packed(cls, W: list[np.ndarray], b: list[np.ndarray]) -> Parameters:
        """Copies of W and b as views into one new flat buffer."""
        arrays = [a for pair in zip(W, b) for a in pair]
        flat = np.empty(sum(a.size for a in arrays))
        views = flat_views(flat, [a.shape for a in arrays])
        for dst, src in zip(views, arrays):
            dst[...] = src
        return cls(views[0::2], views[1::2], flat)

    def copy(self) -> Parameters:
        if self.flat is not None:
            flat = self.flat.copy()
            views = flat_views(flat, [a.shape for a in self.arrays()])
            return Parameters(views[0::2], views[1::2], flat)
        return Parameters([w.copy() for w in self.W], [b.copy() for b in self.b])

    def arrays(self) -> list[np.ndarray]:
        """W^(1), b^(1), W^(2), b^(2), … (the order used by optimizers and checks)."""
        out = []
        for w, b in zip(self.W, self.b):
            out += [w, b]
        return out

    def __deepcopy__(self, memo) -> Parameters:
        # a plain deep copy would turn the views into separate arrays; the memo entries
        # make other references to the arrays (a session's list of them) follow the copy
        new = self.copy()
        for old, copied in zip(self.arrays(), new.arrays()):
            memo[id(old)] = copied
        return new

    def is_packed(self) -> bool:
        """Whether every array is still a view of ``flat`` (an update of ``flat`` is then
        an update of θ)."""
        f = self.flat
        return f is not None and all(a.base is f for a in self.arrays())

    def read_only(self) -> Parameters:
        p = self.copy()
        for a in p.arrays():
            a.flags.writeable = False
        if p.flat is not None:
            p.flat.flags.writeable = False
        return p


def flat_views(flat: np.ndarray, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """Consecutive C-ordered views of ``flat`` with the given shapes."""
    views, at = [], 0
    for shape in shapes:
        n = math.prod(shape)
        views.append(flat[at : at + n].reshape(shape))
        at += n
    return views


@dataclass
class ForwardPass:
    """``z[ℓ-1] = z^(ℓ)`` and ``h[ℓ] = h^(ℓ)`` (so ``h[0] = x``)."""

    z: list[np.ndarray] = field(default_factory=list)
    h: list[np.ndarray] = field(default_factory=list)

    @property
    def output(self) -> np.ndarray:
        return self.h[-1]


@dataclass
class BackwardPass:
    """``delta[ℓ-1] = δ^(ℓ) = dℒ/dz^(ℓ)``, ``dW[ℓ-1] = dL/dW^(ℓ)``, ``db[ℓ-1] = dL/db^(ℓ)``.

    Filled from ℓ = L down to 1; the lists are stored in layer order.
    """

    delta: list[np.ndarray]
    dW: list[np.ndarray]
    db: list[np.ndarray]

    def gradient_arrays(self) -> list[np.ndarray]:
        out = []
        for w, b in zip(self.dW, self.db):
            out += [w, b]
        return out


def init_scheme(activation: str) -> str:
    """The activation's own: He for ReLU, Glorot for the others (sigmoid, tanh, identity)."""
    return get_activation(activation).init


def init_parameters(
    arch: Architecture, rng: np.random.Generator, schemes: tuple[str, ...]
) -> Parameters:
    """Normal weights scaled to the fan-in (He: 2/fan_in; Glorot: 2/(fan_in + fan_out)),
    zero biases. ``schemes`` names the scheme for each layer ℓ = 1..L."""
    Ws, bs = [], []
    for layer in range(1, arch.depth + 1):
        fan_out, fan_in = arch.weight_shape(layer)
        scheme = schemes[layer - 1]
        if scheme == "he":
            std = np.sqrt(2.0 / fan_in)
        elif scheme == "glorot":
            std = np.sqrt(2.0 / (fan_in + fan_out))
        elif scheme == "uniform":  # TensorFlow Playground's U(−0.5, 0.5)
            std = None
        else:
            raise ValueError(f"unknown initialisation {scheme!r}")
        if std is None:
            Ws.append(rng.uniform(-0.5, 0.5, size=(fan_out, fan_in)))
        else:
            Ws.append(rng.normal(0.0, std, size=(fan_out, fan_in)))
        bs.append(np.zeros((fan_out, 1)))
    return Parameters.packed(Ws, bs)


class Network:
    """The maths of one architecture: forward, backward and their single-layer steps.

    The per-layer methods are what the phase-by-phase walk calls, and the fused
    ``forward``/``backward`` call exactly the same methods in the same order, so the two
    give identical numbers.
    """

    def __init__(self, arch: Architecture, head: Head):
        self.arch = arch
        self.head = head
        self.hidden = [get_activation(a) for a in arch.activations]
        if len(self.hidden) != arch.depth - 1:
            raise ValueError(
                f"{arch.depth - 1} hidden layers need {arch.depth - 1} activations, "
                f"got {len(self.hidden)}"
            )

    @property
    def depth(self) -> int:
        return self.arch.depth

    # --- forward ----------------------------------------------------------------------
    def forward_layer(self, params: Parameters, layer: int, h_prev: np.ndarray):
        """z^(ℓ) = W^(ℓ) h^(ℓ−1) + b^(ℓ); h^(ℓ) = f(z^(ℓ)). Returns (z, h)."""
        z = params.W[layer - 1] @ h_prev
        z += params.b[layer - 1]
        h = np.empty_like(z)
        if layer == self.depth:
            self.head.forward(z, h)
        else:
            self.hidden[layer - 1].forward(z, h)
        return z, h

    def forward(self, params: Parameters, x: np.ndarray) -> ForwardPass:
        fp = ForwardPass([], [x])
        h = x
        for layer in range(1, self.depth + 1):
            z, h = self.forward_layer(params, layer, h)
            fp.z.append(z)
            fp.h.append(h)
        return fp

    def predict_output(self, params: Parameters, x: np.ndarray) -> np.ndarray:
        """h^(L) only, without keeping the intermediates."""
        h = x
        for layer in range(1, self.depth + 1):
            _, h = self.forward_layer(params, layer, h)
        return h

    # --- the likelihood -----------------------------------------------------------------
    def log_likelihood(self, fp: ForwardPass, y: np.ndarray) -> np.ndarray:
        """log p(yⁱ | xⁱ) per column."""
        return self.head.log_likelihood(fp.z[-1], fp.h[-1], y)

    # --- backward -----------------------------------------------------------------------
    def output_delta(self, fp: ForwardPass, y: np.ndarray) -> np.ndarray:
        """δ^(L) = dℒ/dz^(L) (y − h, or onehot(y) − h)."""
        return self.head.delta(fp.h[-1], y)

    def layer_gradients(
        self, params: Parameters, layer: int, delta: np.ndarray, h_prev: np.ndarray, lam: float
    ):
        """dL/dW^(ℓ) = δ (h^(ℓ−1))ᵀ / N − 2λ W^(ℓ) and dL/db^(ℓ) = δ 1_N / N."""
        inv_n = 1.0 / delta.shape[1]
        dW = delta @ h_prev.T
        dW *= inv_n
        if lam:
            dW -= (2.0 * lam) * params.W[layer - 1]
        db = delta.sum(axis=1, keepdims=True)
        db *= inv_n
        return dW, db

    def propagate_delta(self, params: Parameters, layer: int, delta: np.ndarray, fp: ForwardPass):
        """δ^(ℓ−1) = ((W^(ℓ))ᵀ δ^(ℓ)) ∘ f'(z^(ℓ−1)), for ℓ ≥ 2."""
        grad_h = params.W[layer - 1].T @ delta
        return self.hidden[layer - 2].backward(grad_h, fp.z[layer - 2], fp.h[layer - 1])

    def backward(
        self, params: Parameters, fp: ForwardPass, y: np.ndarray, lam: float = 0.0
    ) -> BackwardPass:
        L = self.depth
        deltas: list = [None] * L
        dWs: list = [None] * L
        dbs: list = [None] * L
        delta = self.output_delta(fp, y)
        for layer in range(L, 0, -1):
            deltas[layer - 1] = delta
            dWs[layer - 1], dbs[layer - 1] = self.layer_gradients(
                params, layer, delta, fp.h[layer - 1], lam
            )
            if layer > 1:
                delta = self.propagate_delta(params, layer, delta, fp)
        return BackwardPass(deltas, dWs, dbs)

    # --- the objective ------------------------------------------------------------------
    def objective(self, params: Parameters, x: np.ndarray, y: np.ndarray, lam: float) -> float:
        """J(θ) = mean log p(y | x) − λ Σ W², the quantity training ascends."""
        fp = self.forward(params, x)
        j = float(self.log_likelihood(fp, y).mean())
        if lam:
            j -= lam * sum(float(np.sum(w * w)) for w in params.W)
        return j


class FusedStep:
    """One training step's forward and backward for batches of ``batch_size`` points,
    written into buffers allocated once.

    The same operations in the same order as ``Network.forward`` / ``backward`` (so the
    same numbers, to the last bit), with ``out=`` everywhere and no per-step Python objects:
    in this app's tiny matrices a step costs its number of NumPy calls. The gradient is one
    flat buffer laid out like ``Parameters.flat`` (``grad``), so a flat optimizer step
    updates θ in a couple of calls. ``fp``, ``bp`` and ``grad`` are overwritten by the next
    ``run``.
    """

    def __init__(self, net: Network, batch_size: int, y_dtype=np.float64):
        self.net = net
        self.batch_size = B = int(batch_size)
        widths = net.arch.widths
        L = net.depth
        # the batch is gathered as rows of the pre-transposed data, so x = h^(0) is the
        # transpose of a C-ordered B × M_0 block: the layout X[:, idx] has, which the
        # matrix products' rounding depends on
        self._xt = np.empty((B, widths[0]))
        self.x = self._xt.T
        self._X: np.ndarray | None = None  # the data XT was made from
        self._XT = np.empty((0, widths[0]))
        self.y = np.empty(B, dtype=y_dtype)
        self.z = [np.empty((m, B)) for m in widths[1:]]
        self.h = [self.x] + [np.empty((m, B)) for m in widths[1:]]
        self.delta = [np.empty((m, B)) for m in widths[1:]]
        self.scratch = [np.empty((m, B)) for m in widths[1:]]
        shapes = []
        for layer in range(1, L + 1):
            shapes += [net.arch.weight_shape(layer), (widths[layer], 1)]
        self.grad = np.empty(sum(math.prod(s) for s in shapes))
        views = flat_views(self.grad, shapes)
        self.dW, self.db = views[0::2], views[1::2]
        self.decay = [np.empty(s) for s in shapes[0::2]]
        self.fp = ForwardPass(self.z, self.h)
        self.bp = BackwardPass(self.delta, self.dW, self.db)
        self._acts = [*net.hidden, net.head]
        self._inv_n = 1.0 / B

    def __deepcopy__(self, memo) -> FusedStep:
        # only scratch buffers: a copy gets fresh ones (copying would cut dW and db loose
        # from the flat ``grad`` they view)
        return FusedStep(copy.deepcopy(self.net, memo), self.batch_size, self.y.dtype)

    def run(
        self, params: Parameters, X: np.ndarray, Y: np.ndarray, idx: np.ndarray, lam: float
    ) -> float:
        """Forward and backward for the columns ``idx`` of X (targets ``Y[idx]``) with
        weight decay λ; returns the batch loss −mean log p(y | x). The gradient of J is
        then in ``grad`` (and ``bp``)."""
        net, z, h, delta = self.net, self.z, self.h, self.delta
        W, b = params.W, params.b
        L = len(z)
        if X is not self._X:
            self._X, self._XT = X, np.ascontiguousarray(X.T)
        # 'clip' mode: take() buffers its output in the default 'raise' mode
        np.take(self._XT, idx, axis=0, out=self._xt, mode="clip")
        y = np.take(Y, idx, out=self.y, mode="clip")
        acts = self._acts
        for k in range(L):
            zk = np.matmul(W[k], h[k], out=z[k])
            zk += b[k]
            acts[k].forward(zk, h[k + 1])
        ll = net.head.log_likelihood(z[-1], h[-1], y)
        # ndarray.mean is add.reduce then a division by the count
        loss = -float(np.add.reduce(ll) / ll.shape[0])
        net.head.delta_into(h[-1], y, delta[-1])
        hidden, scratch = net.hidden, self.scratch
        dW, db = self.dW, self.db
        for k in range(L - 1, -1, -1):
            d = delta[k]
            np.matmul(d, h[k].T, out=dW[k])
            np.add.reduce(d, axis=1, keepdims=True, out=db[k])
            if k:
                gh = np.matmul(W[k].T, d, out=delta[k - 1])
                hidden[k - 1].backward(gh, z[k - 1], h[k], scratch[k - 1])
        # the 1/B of every dL/dW and dL/db in one call (element by element the same
        # products), then the decay, as ``layer_gradients`` orders them
        self.grad *= self._inv_n
        if lam:
            for k in range(L):
                dW[k] -= np.multiply(W[k], 2.0 * lam, out=self.decay[k])
        return loss
