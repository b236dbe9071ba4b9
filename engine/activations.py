"""Hidden-layer non-linearities h = f(z) and their derivatives, written in place.

Each activation computes ``h`` from ``z`` into a buffer and multiplies a backward signal
by ``f'(z)`` using only what the forward pass kept (``z`` and ``h``). The functions are
written with ``out=`` arguments because in the tiny-matrix regime of this app the cost
of a training step is the number of NumPy calls, not the arithmetic.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

# exp overflows float64 past 709 and float32 past 88; the sigmoid is 0 or 1 to machine
# precision long before either, so clipping its argument changes no value.
_SIGMOID_CLIP = {np.dtype(np.float64): 700.0, np.dtype(np.float32): 80.0}


class Activation(Protocol):
    name: str

    def forward(self, z: np.ndarray, out: np.ndarray) -> np.ndarray: ...

    def backward(
        self, grad_h: np.ndarray, z: np.ndarray, h: np.ndarray, scratch: np.ndarray | None = None
    ) -> np.ndarray:
        """Turn dL/dh into dL/dz = dL/dh ∘ f'(z), in place in ``grad_h`` (``scratch``, an
        array of h's shape, spares an allocation)."""
        ...


class Sigmoid:
    name = "sigmoid"
    formula = "σ(z) = 1 / (1 + e^(−z))"
    derivative = "σ'(z) = σ(z)(1 − σ(z))"

    def forward(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        c = _SIGMOID_CLIP[z.dtype]
        # σ(z) = 1 / (1 + e^(−max(z, −c))): only the lower bound can matter (e^(−z) overflows
        # below −709); above +c, e^(−z) is already far below 1's last bit, so σ = 1 either
        # way and clipping there would change no value. One ufunc call, not np.clip's
        # Python-level wrapper (which cost more than the arithmetic here).
        np.negative(z, out=out)
        np.minimum(out, c, out=out)
        np.exp(out, out=out)
        out += 1.0
        return np.reciprocal(out, out=out)

    def backward(self, grad_h, z, h, scratch=None):
        slope = np.subtract(1.0, h, out=scratch)
        slope *= h
        grad_h *= slope
        return grad_h


class Tanh:
    name = "tanh"
    formula = "tanh(z)"
    derivative = "tanh'(z) = 1 − tanh(z)²"

    def forward(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        return np.tanh(z, out=out)

    def backward(self, grad_h, z, h, scratch=None):
        slope = np.multiply(h, h, out=scratch)
        np.subtract(1.0, slope, out=slope)
        grad_h *= slope
        return grad_h


class ReLU:
    name = "relu"
    formula = "max(0, z)"
    derivative = "ReLU'(z) = 1 if z > 0 else 0"

    def forward(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        return np.maximum(z, 0.0, out=out)

    def backward(self, grad_h, z, h, scratch=None):
        # ReLU'(0) = 0, as in TensorFlow Playground and PyTorch.
        grad_h *= z > 0.0
        return grad_h


class Identity:
    name = "identity"
    formula = "z"
    derivative = "1"

    def forward(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        np.copyto(out, z)
        return out

    def backward(self, grad_h, z, h, scratch=None):
        return grad_h


ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (Sigmoid(), Tanh(), ReLU(), Identity())}


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; expected one of {known}") from None
