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
  ``dJ/dW^(ℓ) = δ^(ℓ) (h^(ℓ−1))ᵀ / N − 2λ W^(ℓ)`` and ``dJ/db^(ℓ) = δ^(ℓ) 1_N / N``
  (biases get no penalty). Ascending J is the same step as descending the mean negative
  log-likelihood plus λ Σ W², which is what the loss curves show (without the penalty).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .activations import Constants, get_activation
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

    @property
    def layout(self) -> Layout:
        """θ's flat layout for this architecture (what ``Parameters`` of it have)."""
        shapes = []
        for layer in range(1, self.depth + 1):
            shapes += [self.weight_shape(layer), (self.widths[layer], 1)]
        return Layout.of(shapes)


@dataclass(frozen=True)
class Layout:
    """Where each of θ's arrays lives in one flat buffer: ``(offset, shape)`` in the order of
    ``Parameters.arrays()`` (W⁽¹⁾, b⁽¹⁾, W⁽²⁾, …). θ, its gradient and the optimizer's state
    share it, so an update runs element by element on whole buffers.

    Every W⁽ˡ⁾ comes first, then every b⁽ˡ⁾: the weights are one block (``weights``), where
    the penalty's gradient is one call for all layers, and the biases one column
    (``biases``, ΣM_ℓ × 1), which the fused step spreads over a batch, and into which it
    sums the rows of every layer's δ, in one call each."""

    slots: tuple[tuple[int, tuple[int, ...]], ...]
    size: int
    n_weights: int  # the weights' block is [0, n_weights), the biases' the rest

    @classmethod
    def of(cls, shapes: list[tuple[int, ...]]) -> Layout:
        """``shapes`` alternate W⁽ˡ⁾, b⁽ˡ⁾ as ``arrays()`` lists them."""
        offsets, at = {}, 0
        for i in [*range(0, len(shapes), 2), *range(1, len(shapes), 2)]:
            offsets[i] = at
            at += math.prod(shapes[i])
        n_weights = sum(math.prod(s) for s in shapes[0::2])
        return cls(tuple((offsets[i], tuple(s)) for i, s in enumerate(shapes)), at, n_weights)

    def weights(self, flat: np.ndarray) -> np.ndarray:
        """Every W⁽ˡ⁾ of ``flat``, one after the other (a view)."""
        return flat[: self.n_weights]

    def biases(self, flat: np.ndarray) -> np.ndarray:
        """Every b⁽ˡ⁾ of ``flat`` as one column, b⁽¹⁾ on top (a view)."""
        return flat[self.n_weights :].reshape(-1, 1)

    @property
    def shapes(self) -> list[tuple[int, ...]]:
        return [shape for _, shape in self.slots]

    def views(self, flat: np.ndarray) -> list[np.ndarray]:
        """The arrays as C-ordered views of ``flat``, in ``arrays()`` order."""
        return [flat[at : at + math.prod(shape)].reshape(shape) for at, shape in self.slots]


class Parameters:
    """θ = {W⁽¹⁾, b⁽¹⁾, …, W⁽ᴸ⁾, b⁽ᴸ⁾}; the lists ``W`` and ``b`` are indexed from 0 for ℓ = 1.

    Always packed: the arrays are views of one buffer, ``flat``, laid out by ``layout``, so
    the optimizer updates all of θ in a couple of NumPy calls and a copy is one memcpy. The
    arrays are only ever written in place, so the views stay valid.
    """

    def __init__(self, W: list[np.ndarray], b: list[np.ndarray]):
        """Copies of W and b, packed into a new buffer (of their common dtype)."""
        arrays = [np.asarray(a) for pair in zip(W, b) for a in pair]
        layout = Layout.of([a.shape for a in arrays])
        flat = np.empty(layout.size, dtype=np.result_type(*arrays) if arrays else np.float64)
        for dst, src in zip(layout.views(flat), arrays):
            dst[...] = src
        self._bind(flat, layout)

    def _bind(self, flat: np.ndarray, layout: Layout) -> None:
        self.flat, self.layout = flat, layout
        views = layout.views(flat)
        self.W, self.b = views[0::2], views[1::2]

    @classmethod
    def _over(cls, flat: np.ndarray, layout: Layout) -> Parameters:
        """θ as views of ``flat`` itself (no copy)."""
        p = cls.__new__(cls)
        p._bind(flat, layout)
        return p

    def copy(self) -> Parameters:
        return Parameters._over(self.flat.copy(), self.layout)

    def arrays(self) -> list[np.ndarray]:
        """W⁽¹⁾, b⁽¹⁾, W⁽²⁾, b⁽²⁾, … (the order used by optimizers and checks)."""
        out = []
        for w, b in zip(self.W, self.b):
            out += [w, b]
        return out

    def __deepcopy__(self, memo) -> Parameters:
        # a plain deep copy would turn the views into separate arrays; the memo entries
        # make other references to the arrays follow the copy
        new = self.copy()
        for old, copied in zip(self.arrays(), new.arrays()):
            memo[id(old)] = copied
        return new

    def __reduce__(self):
        # pickled (the engine process, gui/engine_process.py) as the flat buffer and its
        # layout, so the unpickled W and b are views of the unpickled ``flat`` again (a
        # plain pickle would cut them loose: updates to ``flat`` would never reach them)
        return (_unpickle_parameters, (self.flat, self.layout, bool(self.flat.flags.writeable)))

    def read_only(self) -> Parameters:
        p = self.copy()
        p.flat.flags.writeable = False
        for a in p.arrays():
            a.flags.writeable = False
        return p

    def __repr__(self) -> str:
        return f"Parameters({' '.join('×'.join(map(str, s)) for s in self.layout.shapes)})"


def _unpickle_parameters(flat: np.ndarray, layout: Layout, writeable: bool) -> Parameters:
    p = Parameters._over(flat, layout)
    if not writeable:
        for a in (p.flat, *p.arrays()):
            a.flags.writeable = False
    return p


@dataclass
class ForwardPass:
    """``z[ℓ-1] = z^(ℓ)`` and ``h[ℓ] = h^(ℓ)`` (so ``h[0] = x``)."""

    z: list[np.ndarray] = field(default_factory=list)
    h: list[np.ndarray] = field(default_factory=list)

    @property
    def output(self) -> np.ndarray:
        return self.h[-1]


class BackwardPass:
    """``delta[ℓ-1] = δ⁽ˡ⁾ = dℒ/dz⁽ˡ⁾``, ``dW[ℓ-1] = dJ/dW⁽ˡ⁾``, ``db[ℓ-1] = dJ/db⁽ˡ⁾``.

    Filled from ℓ = L down to 1; the lists are stored in layer order. ``grad`` is ∇J as one
    flat buffer laid out like θ (``Parameters.layout``); ``dW`` and ``db`` are its views.
    ``stacked``, when set, is every δ⁽ˡ⁾ as one array whose row blocks (layer 1 on top)
    the ``delta`` arrays are (the fused step's), so a figure of all of them is one call.
    """

    stacked: np.ndarray | None = None

    def __init__(
        self,
        delta: list[np.ndarray],
        dW: list[np.ndarray],
        db: list[np.ndarray],
        grad: np.ndarray | None = None,
    ):
        """With ``grad``, ``dW`` and ``db`` must already be its views; without, they are
        copied into a new flat buffer."""
        self.delta = delta
        if grad is None:
            packed = Parameters(dW, db)
            grad, dW, db = packed.flat, packed.W, packed.b
        self.dW, self.db, self.grad = dW, db, grad

    @property
    def batch_size(self) -> int:
        return self.delta[0].shape[1]

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
    return Parameters(Ws, bs)


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
        """Line 2 for one layer: z⁽ˡ⁾ = W⁽ˡ⁾ h⁽ˡ⁻¹⁾ + b⁽ˡ⁾; h⁽ˡ⁾ = fₗ(z⁽ˡ⁾). Returns (z, h)."""
        z = params.W[layer - 1] @ h_prev
        z += params.b[layer - 1]
        h = np.empty_like(z)
        if layer == self.depth:
            self.head.forward(z, h)
        else:
            self.hidden[layer - 1].forward(z, h)
        return z, h

    def forward(self, params: Parameters, x: np.ndarray) -> ForwardPass:
        """Line 2: the forward pass, ℓ = 1 … L."""
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
        """Line 3: log p(yⁱ | xⁱ) per column (ℒ is their sum)."""
        return self.head.log_likelihood(fp.z[-1], fp.h[-1], y)

    # --- backward -----------------------------------------------------------------------
    def output_delta(self, fp: ForwardPass, y: np.ndarray) -> np.ndarray:
        """Line 4: δ⁽ᴸ⁾ = dℒ/dz⁽ᴸ⁾ (y − h, or onehot(y) − h)."""
        return self.head.delta(fp.h[-1], y)

    def layer_gradients(
        self,
        params: Parameters,
        layer: int,
        delta: np.ndarray,
        h_prev: np.ndarray,
        lam: float,
        out: tuple[np.ndarray, np.ndarray] | None = None,
    ):
        """Lines 6 and 7: dJ/dW⁽ˡ⁾ = δ (h⁽ˡ⁻¹⁾)ᵀ / N − 2λ W⁽ˡ⁾ and dJ/db⁽ˡ⁾ = δ 1_N / N,
        into ``out`` (dW, db) if given."""
        dW_out, db_out = out if out is not None else (None, None)
        inv_n = 1.0 / delta.shape[1]
        dW = np.matmul(delta, h_prev.T, out=dW_out)
        dW *= inv_n
        if lam:
            dW -= (2.0 * lam) * params.W[layer - 1]
        db = np.add.reduce(delta, axis=1, keepdims=True, out=db_out)
        db *= inv_n
        return dW, db

    def propagate_delta(self, params: Parameters, layer: int, delta: np.ndarray, fp: ForwardPass):
        """Line 8: δ⁽ˡ⁻¹⁾ = ((W⁽ˡ⁾)ᵀ δ⁽ˡ⁾) ∘ f′ₗ₋₁(z⁽ˡ⁻¹⁾), for ℓ ≥ 2."""
        grad_h = params.W[layer - 1].T @ delta
        return self.hidden[layer - 2].backward(grad_h, fp.z[layer - 2], fp.h[layer - 1])

    def backward(
        self, params: Parameters, fp: ForwardPass, y: np.ndarray, lam: float = 0.0
    ) -> BackwardPass:
        """Lines 4–8: δ⁽ᴸ⁾, then for ℓ = L … 1 the gradients and the next δ; ∇J is
        written into one flat buffer laid out like θ."""
        L = self.depth
        deltas: list = [None] * L
        grad = np.empty(params.layout.size)
        views = params.layout.views(grad)
        dWs, dbs = views[0::2], views[1::2]
        delta = self.output_delta(fp, y)
        for layer in range(L, 0, -1):
            deltas[layer - 1] = delta
            self.layer_gradients(
                params, layer, delta, fp.h[layer - 1], lam, (dWs[layer - 1], dbs[layer - 1])
            )
            if layer > 1:
                delta = self.propagate_delta(params, layer, delta, fp)
        return BackwardPass(deltas, dWs, dbs, grad)

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

    The same operations in the same order as ``TrainingSession.reference_step``'s batch,
    ``Network.forward``, ``log_likelihood`` and ``backward`` (so the same numbers, to the
    last bit; tests/engine/test_fused.py), made lean for this app's tiny matrices, where a
    step costs about its number of NumPy calls:

    * every call writes into a buffer made once (no per-step allocation), and the numbers
      the functions use are arrays of the right shape (``activations.Constants``);
    * the calls are listed once, when θ and the data are first seen (``_plan``), and then
      run as a list, without the Python of finding their arguments on every step;
    * what is done for every layer alike is done once for all: θ's biases are one column
      (``Layout``), spread over the batch in one call; every layer's δ is a block of rows of
      one array, so the bias gradients of all layers are one row sum into the gradient's
      bias column; the 1/B of every gradient is one product, the penalty's gradient
      of all weights two calls;
    * an identity layer's h is its z (the same buffer: nothing to copy).

    The gradient is one flat buffer laid out like θ (``grad``), for the optimizer's
    ``update``. ``fp``, ``bp`` and ``grad`` are overwritten by the next ``run``.
    """

    def __init__(self, net: Network, batch_size: int, y_dtype=np.float64):
        self.net = net
        self.batch_size = B = int(batch_size)
        widths = net.arch.widths
        rows = [0, *np.cumsum(widths[1:]).tolist()]  # layer ℓ's rows in the stacked arrays
        stacked = [slice(rows[k], rows[k + 1]) for k in range(net.depth)]
        self._acts = acts = [*net.hidden, net.head]
        # the batch is gathered as rows of the pre-transposed data, so x = h⁽⁰⁾ is the
        # transpose of a C-ordered B × M₀ block: the layout X[:, idx] has, which the
        # matrix products' rounding depends on
        self._xt = np.empty((B, widths[0]))
        self.x = self._xt.T
        self._X: np.ndarray | None = None  # the data XT was made from
        self._XT = np.empty((0, widths[0]))
        self.y = np.empty(B, dtype=y_dtype)
        self.z = [np.empty((m, B)) for m in widths[1:]]
        # an identity layer (a hidden one, or the Gaussian output) keeps h in z's buffer
        self._identity = [
            a.activation == "identity" if a is net.head else a.name == "identity" for a in acts
        ]
        self.h = [self.x]
        for k, m in enumerate(widths[1:]):
            self.h.append(self.z[k] if self._identity[k] else np.empty((m, B)))
        self._delta_all = np.empty((rows[-1], B))
        self.delta = [self._delta_all[r] for r in stacked]
        self._b_all = np.empty((rows[-1], B))  # every b⁽ˡ⁾ spread over the batch's columns
        self._b = [self._b_all[r] for r in stacked]
        self.scratch = [np.empty((m, B)) for m in widths[1:]]
        self._k = [Constants((m, B)) for m in widths[1:]]
        self._ll = np.empty(B)
        self._ll_scratch = np.empty(B)
        layout = self.layout = net.arch.layout
        self.grad = np.empty(layout.size)
        views = layout.views(self.grad)
        self.dW, self.db = views[0::2], views[1::2]
        self._decay = np.empty(layout.n_weights)
        self._inv_n = np.full(layout.size, 1.0 / B)
        self.fp = ForwardPass(self.z, self.h)
        self.bp = BackwardPass(self.delta, self.dW, self.db, self.grad)
        self.bp.stacked = self._delta_all
        self._theta: np.ndarray | None = None  # the θ buffer, data and λ the plan is for
        self._Y: np.ndarray | None = None
        self._lam: float | None = None
        self._plan: list = []

    def __reduce__(self):
        # only scratch buffers: a deep copy or a pickle gets fresh ones (copying them would
        # cut dW, db and δ loose from the flat ``grad`` and the stacked δ they view)
        return (FusedStep, (self.net, self.batch_size, self.y.dtype))

    def run(
        self, params: Parameters, X: np.ndarray, Y: np.ndarray, idx: np.ndarray, lam: float
    ) -> float:
        """Forward and backward for the columns ``idx`` of X (targets ``Y[idx]``) with
        weight decay λ; returns the batch loss −mean log p(y | x). The gradient of J is
        then in ``grad`` (and ``bp``)."""
        if params.flat is not self._theta or X is not self._X or Y is not self._Y:
            self._bind(params, X, Y, lam)
        elif lam != self._lam:
            self._bind(params, X, Y, lam)
        # line 1: the batch ('clip' mode: take() buffers its output in 'raise' mode; the
        # method, not np.take, whose Python wrapper cost ~2 µs of a ~45 µs step)
        self._XT.take(idx, 0, self._xt, "clip")
        Y.take(idx, None, self.y, "clip")
        for call, args in self._plan:  # lines 2–8
            call(*args)
        # ndarray.mean, as the reference step takes it: add.reduce, then / the count
        return -float(np.add.reduce(self._ll) / self.batch_size)

    def _bind(self, params: Parameters, X: np.ndarray, Y: np.ndarray, lam: float) -> None:
        """List the step's calls (lines 2–8) with their arrays, for this θ, data and λ."""
        if X is not self._X:
            self._XT = np.ascontiguousarray(X.T)
        self._theta, self._X, self._Y, self._lam = params.flat, X, Y, lam
        net, head, layout = self.net, self.net.head, self.layout
        z, h, delta, k_ = self.z, self.h, self.delta, self._k
        W = params.W
        L = len(z)
        plan: list = []

        def call(fn, *args):
            plan.append((fn, args))

        # line 2: every b⁽ˡ⁾ spread over the batch once, then layer by layer
        # z⁽ˡ⁾ = W⁽ˡ⁾ h⁽ˡ⁻¹⁾ + b⁽ˡ⁾ and h⁽ˡ⁾ = fₗ(z⁽ˡ⁾)
        call(np.copyto, self._b_all, layout.biases(params.flat))
        for k in range(L):
            call(np.matmul, W[k], h[k], z[k])
            call(np.add, z[k], self._b[k], z[k])
            if not self._identity[k]:
                call(self._acts[k].forward, z[k], h[k + 1], k_[k])
        # line 3: log p(yⁱ | xⁱ); line 4: δ⁽ᴸ⁾
        call(head.log_likelihood, z[-1], h[-1], self.y, self._ll, self._ll_scratch)
        call(head.delta, h[-1], self.y, delta[-1])
        # line 5: for ℓ = L … 1, line 6: δ⁽ˡ⁾ (h⁽ˡ⁻¹⁾)ᵀ, line 8: the next δ
        for k in range(L - 1, -1, -1):
            call(np.matmul, delta[k], h[k].T, self.dW[k])
            if k:
                call(np.matmul, W[k].T, delta[k], delta[k - 1])
                if not self._identity[k - 1]:  # f′ = 1
                    act = net.hidden[k - 1]
                    args = (delta[k - 1], z[k - 1], h[k], self.scratch[k - 1], k_[k - 1])
                    call(act.backward, *args)
        # line 7 for every layer at once: the row sums of δ into the biases' column
        call(np.add.reduce, self._delta_all, 1, None, layout.biases(self.grad), True)
        # the 1/B of lines 6 and 7, then the penalty of line 6, as layer_gradients has them
        call(np.multiply, self.grad, self._inv_n, self.grad)
        if lam:
            weights = layout.weights(self.grad)
            call(np.multiply, layout.weights(params.flat), 2.0 * lam, self._decay)
            call(np.subtract, weights, self._decay, weights)
        self._plan = plan
