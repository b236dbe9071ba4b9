"""Hidden-layer non-linearities h = f(z), each one object that says everything about it.

An ``Activation`` computes h from z into a buffer and multiplies a backward signal by
f′(z) using only what the forward pass kept (z and h); those are written with ``out=``
arguments because in the tiny-matrix regime of this app the cost of a training step is
its number of NumPy calls, not the arithmetic. A caller that runs them on the same
shapes again and again (the fused training step) passes ``Constants``: the numbers the
functions use (1, 0, the sigmoid's clip) as arrays of the layer's shape, which spares each
call the conversion of a Python scalar, about a third of a small call's cost; the values
and so the results are the same. The same object carries what the rest of the app reads
about the function, so each fact is written once:

* ``symbol`` and ``derivative``: how the notation writes f and f′ (engine/notation.py,
  the phase walk's equations, the trace's formulas);
* ``output_range``: the values h can take (the diagram colours a unit's map on it);
* ``init``: the weight initialisation that suits it (network.init_scheme);
* ``tanh_form``: f(z) = c + d·tanh(a·z), when f is such an affine tanh (the grid folds
  c and d into the next layer's weights);
* ``flat`` (and ``flat_share``) and ``dies``: the saturation rule, where f′ is (almost) zero
  (trace.unit_health marks those units).
"""

from __future__ import annotations

import math

import numpy as np

# exp overflows float64 past 709 and float32 past 88; the sigmoid is 0 or 1 to machine
# precision long before either, so clipping its argument changes no value.
_SIGMOID_CLIP = {np.dtype(np.float64): 700.0, np.dtype(np.float32): 80.0}


class Constants:
    """1, 0 and the sigmoid's clip as arrays of one layer's shape and dtype (see above)."""

    def __init__(self, shape: tuple[int, ...], dtype=np.float64):
        self.one = np.ones(shape, dtype)
        self.zero = np.zeros(shape, dtype)
        self.clip = np.full(shape, _SIGMOID_CLIP[np.dtype(dtype)], dtype)
        self.mask = np.empty(shape, bool)  # scratch for a comparison


class Activation:
    name: str
    symbol: str  # f, as the notation writes it: h = σ(z)
    derivative: str  # f′ written with the unit's output h (or z), as the backward pass uses it
    output_range: tuple[float, float]  # the values h takes (±inf when unbounded)
    init: str  # "glorot" or "he"
    tanh_form: tuple[float, float, float] | None = None  # (a, c, d): f(z) = c + d·tanh(a·z)
    dies = False  # f′ = 0 on every point means the unit can never learn again (dead)

    def forward(self, z: np.ndarray, out: np.ndarray, k: Constants | None = None) -> np.ndarray:
        """h = f(z) into ``out`` (which may be z)."""
        raise NotImplementedError

    def backward(
        self,
        grad_h: np.ndarray,
        z: np.ndarray,
        h: np.ndarray,
        scratch: np.ndarray | None = None,
        k: Constants | None = None,
    ) -> np.ndarray:
        """Turn dℒ/dh into dℒ/dz = dℒ/dh ∘ f′(z), in place in ``grad_h`` (``scratch``, an
        array of h's shape, spares an allocation)."""
        raise NotImplementedError

    def flat(
        self,
        z: np.ndarray,
        h: np.ndarray,
        limit: float,
        overwrite: bool = False,
        out: np.ndarray | None = None,
    ) -> np.ndarray | None:
        """Where f′ is (almost) zero (z's shape): h within ``limit`` of a bound it
        approaches, or z where f′ is 0; into the bool array ``out`` if given, and with
        ``overwrite`` h is scratch. None when f′ is never zero."""
        return None

    def flat_share(self, z: np.ndarray, h: np.ndarray, limit: float) -> np.ndarray | None:
        """Per unit (row), the share of the points (columns) where f′ is (almost) zero
        (``flat``). None when f′ is never zero."""
        flat = self.flat(z, h, limit)
        return None if flat is None else np.mean(flat, axis=1)

    def at_bound(
        self, h: np.ndarray, limit: float, overwrite: bool = False, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Where h lies within ``limit`` × its output range of a bound (h's shape), as
        |h − middle| ≥ (½ − ``limit``) · range (sigmoid: |h − ½| ≥ 0.49, tanh: |h| ≥ 0.98);
        all False for an unbounded activation. With ``overwrite`` h is scratch (no copy:
        a history row of an 8 × 64 network judges 500,000 outputs); into the bool array
        ``out`` if given."""
        if not self.bounded:
            if out is None:
                return np.zeros(h.shape, dtype=bool)
            out.fill(False)
            return out
        lo, hi = self.output_range
        mid, reach = 0.5 * (lo + hi), (0.5 - limit) * (hi - lo)
        off = np.subtract(h, mid, out=h if overwrite else None) if mid else h
        off = np.abs(off, out=off if (overwrite or mid) else None)
        return np.greater_equal(off, reach, out=out)

    @property
    def bounded(self) -> bool:
        return all(math.isfinite(v) for v in self.output_range)

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


class Sigmoid(Activation):
    name = "sigmoid"
    symbol = "σ"
    derivative = "h(1 − h)"
    output_range = (0.0, 1.0)
    init = "glorot"
    tanh_form = (0.5, 0.5, 0.5)  # σ(z) = ½ + ½ tanh(z/2)

    def forward(self, z, out, k=None):
        c, one = (_SIGMOID_CLIP[z.dtype], 1.0) if k is None else (k.clip, k.one)
        # σ(z) = 1 / (1 + e^(−max(z, −c))): only the lower bound can matter (e^(−z) overflows
        # below −709); above +c, e^(−z) is already far below 1's last bit, so σ = 1 either
        # way and clipping there would change no value. One ufunc call, not np.clip's
        # Python-level wrapper (which cost more than the arithmetic here).
        np.negative(z, out=out)
        np.minimum(out, c, out=out)
        np.exp(out, out=out)
        np.add(out, one, out=out)
        return np.reciprocal(out, out=out)

    def backward(self, grad_h, z, h, scratch=None, k=None):
        slope = np.subtract(1.0 if k is None else k.one, h, out=scratch)
        np.multiply(slope, h, out=slope)
        return np.multiply(grad_h, slope, out=grad_h)

    def flat(self, z, h, limit, overwrite=False, out=None):
        return self.at_bound(h, limit, overwrite, out)


class Tanh(Activation):
    name = "tanh"
    symbol = "tanh"
    derivative = "1 − h²"
    output_range = (-1.0, 1.0)
    init = "glorot"
    tanh_form = (1.0, 0.0, 1.0)

    def forward(self, z, out, k=None):
        return np.tanh(z, out=out)

    def backward(self, grad_h, z, h, scratch=None, k=None):
        slope = np.multiply(h, h, out=scratch)
        np.subtract(1.0 if k is None else k.one, slope, out=slope)
        return np.multiply(grad_h, slope, out=grad_h)

    def flat(self, z, h, limit, overwrite=False, out=None):
        return self.at_bound(h, limit, overwrite, out)


class ReLU(Activation):
    name = "relu"
    symbol = "relu"
    derivative = "[z > 0]"
    output_range = (0.0, math.inf)
    init = "he"
    dies = True

    def forward(self, z, out, k=None):
        return np.maximum(z, 0.0 if k is None else k.zero, out=out)

    def backward(self, grad_h, z, h, scratch=None, k=None):
        # ReLU'(0) = 0, as in TensorFlow Playground and PyTorch.
        if k is None:
            return np.multiply(grad_h, np.greater(z, 0.0), out=grad_h)
        # the same product with the mask as 1.0 / 0.0: a bool operand would be cast in a
        # buffer the ufunc allocates
        np.copyto(scratch, np.greater(z, k.zero, out=k.mask))
        return np.multiply(grad_h, scratch, out=grad_h)

    def flat(self, z, h, limit, overwrite=False, out=None):
        return np.less_equal(z, 0.0, out=out)


class Identity(Activation):
    name = "identity"
    symbol = "id"
    derivative = "1"
    output_range = (-math.inf, math.inf)
    init = "glorot"

    def forward(self, z, out, k=None):
        if out is not z:
            np.copyto(out, z)
        return out

    def backward(self, grad_h, z, h, scratch=None, k=None):
        return grad_h


ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (Sigmoid(), Tanh(), ReLU(), Identity())}


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; expected one of {known}") from None
