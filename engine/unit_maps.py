"""What a unit's small map plots, in words and in the notes' notation.

The network diagram draws each unit as a small square: the unit's output over the input
plane. These are its explanations: a one-line legend, the formula a map plots (for the
hover text: ``h₁⁽²⁾ = tanh(z₁⁽²⁾),  z₁⁽²⁾ = Σⱼ W₁ⱼ⁽²⁾ hⱼ⁽¹⁾ + b₁⁽²⁾``) and its colour key.
Units are counted from 1, as in the notes.
"""

from __future__ import annotations

from .network import Architecture
from .notation import DOMAIN_HALF_WIDTH, sub, sup

LEGEND = (
    f"Each square: this unit's output over the input plane "
    f"(x₁, x₂ from −{DOMAIN_HALF_WIDTH:g} to {DOMAIN_HALF_WIDTH:g})"
)
LEGEND_1D = (
    f"Each strip: this unit's output along the input x₁ "
    f"(from −{DOMAIN_HALF_WIDTH:g} to {DOMAIN_HALF_WIDTH:g})"
)

_F = {"sigmoid": "σ", "tanh": "tanh", "relu": "max(0, {z})", "identity": "{z}"}

# the colour key of a hidden unit's map (the diagram colours them on these fixed scales)
COLOUR_KEYS = {
    "sigmoid": ("0", "½", "1"),
    "tanh": ("−1", "0", "1"),
    "relu": ("−m", "0", "m = the layer's largest output on the plane"),
    "identity": ("−m", "0", "m = the layer's largest |output| on the plane"),
}


def legend(input_dim: int = 2) -> str:
    """The one-line legend beside the maps."""
    return LEGEND_1D if input_dim == 1 else LEGEND


def pre_activation(layer: int, unit: int) -> str:
    """``z₁⁽²⁾ = Σⱼ W₁ⱼ⁽²⁾ hⱼ⁽¹⁾ + b₁⁽²⁾`` (layer 1 reads its inputs as xⱼ = hⱼ⁽⁰⁾)."""
    u, i = sup(layer), sub(unit)
    inputs = "xⱼ" if layer == 1 else f"hⱼ{sup(layer - 1)}"
    return f"z{i}{u} = Σⱼ W{i}ⱼ{u} {inputs} + b{i}{u}"


def apply(activation: str, z: str) -> str:
    """The activation written around ``z``: ``tanh(z₁⁽²⁾)``, ``max(0, z₁⁽²⁾)``, ``z₁⁽²⁾``."""
    f = _F.get(activation)
    if f is None:
        raise ValueError(f"unknown activation {activation!r}")
    return f.format(z=z) if "{z}" in f else f"{f}({z})"


def unit_formula(arch: Architecture, layer: int, unit: int) -> str:
    """The formula unit ``unit`` of ``layer`` plots over the plane (both from 1). Hidden:
    ``h₁⁽²⁾ = tanh(z₁⁽²⁾),  z₁⁽²⁾ = …``; output, with what it means (classes counted from
    1, as the legend of the canvas counts them): ``h₁⁽³⁾ = σ(z₁⁽³⁾), the probability of
    class 2,  z₁⁽³⁾ = …`` (two classes), ``h₂⁽³⁾ = softmax(z⁽³⁾)₂, the probability of class
    2`` (more), ``h₁⁽³⁾ = z₁⁽³⁾, the predicted value`` (regression)."""
    L = arch.depth
    if not 1 <= layer <= L:
        raise ValueError(f"layer must be 1..{L}, got {layer}")
    width = arch.widths[layer]
    if not 1 <= unit <= width:
        raise ValueError(f"layer {layer} has units 1..{width}, got {unit}")
    u, i = sup(layer), sub(unit)
    z = f"z{i}{u}"
    if layer < L:
        head = f"h{i}{u} = {apply(arch.activations[layer - 1], z)}"
    elif arch.head == "bernoulli":
        head = f"h{i}{u} = σ({z}), the probability of class 2"
    elif arch.head == "categorical":
        head = f"h{i}{u} = softmax(z{u}){i}, the probability of class {unit}"
    else:
        head = f"h{i}{u} = {z}, the predicted value"
    return f"{head},  {pre_activation(layer, unit)}"


def colour_key(activation: str) -> tuple[str, str, str]:
    """(low, middle, high) of a hidden unit's map colours."""
    try:
        return COLOUR_KEYS[activation]
    except KeyError:
        raise ValueError(f"unknown activation {activation!r}") from None
