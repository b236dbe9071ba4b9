"""One home for the notes' notation and the app's shared constants.

Layer indices are written as the notes write them, ``W⁽²⁾``, ``δ⁽ℓ⁾``, ``h₁⁽²⁾``; the
engine (phase titles, formulas) and the views (labels, axes, tooltips) all spell them with
these helpers, so a label in the inspector matches the one on a plot. The canvas domain
is written here once; the activations' symbols are their objects' (engine/activations.py).
"""

from __future__ import annotations

from .activations import ACTIVATIONS

# --- indices -------------------------------------------------------------------------------
# ℓ and L have no superscript form of their own: the modifier letters ˡ and ᴸ stand in
_SUPERSCRIPT = str.maketrans("0123456789()-−+ℓLit", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁻⁻⁺ˡᴸⁱᵗ")
_SUBSCRIPT = str.maketrans("0123456789-−+ℓi", "₀₁₂₃₄₅₆₇₈₉₋₋₊ₗᵢ")


def superscript(n: int | str) -> str:
    """Digits (and ℓ, L, ±) as superscripts: superscript(12) == '¹²'."""
    return str(n).translate(_SUPERSCRIPT)


def sup(layer: int | str) -> str:
    """A layer index as the notes write it: sup(2) == '⁽²⁾', sup('ℓ−1') == '⁽ˡ⁻¹⁾'."""
    return f"({layer})".translate(_SUPERSCRIPT)


def sub(i: int | str) -> str:
    """A unit index as a subscript: sub(3) == '₃', sub('ℓ−1') == 'ₗ₋₁'."""
    return str(i).translate(_SUBSCRIPT)


def power_of_ten(x: float) -> str:
    """A small constant as the notes write it: power_of_ten(1e-8) == '10⁻⁸'; other values
    in the shortest form (0.9)."""
    mantissa, _, exponent = f"{x:.0e}".partition("e")
    if mantissa == "1" and float(f"1e{exponent}") == x and abs(int(exponent)) >= 4:
        return f"10{superscript(int(exponent))}"
    return f"{x:g}"


def delta_label(layer: int) -> str:
    """'δ⁽ℓ⁾' for layer ℓ."""
    return f"δ{sup(layer)}"


# --- the canvas domain ---------------------------------------------------------------------
DOMAIN_HALF_WIDTH = 6.0
# x₁ from −6 to 6 and x₂ from −6 to 6: where presets are drawn, the decision regions are
# evaluated and the canvas opens
DOMAIN: tuple[float, float, float, float] = (
    -DOMAIN_HALF_WIDTH,
    DOMAIN_HALF_WIDTH,
    -DOMAIN_HALF_WIDTH,
    DOMAIN_HALF_WIDTH,
)


# --- names shown to the user ---------------------------------------------------------------
def f_symbol(name: str) -> str:
    """How a layer's function is written, h = σ(z): an activation's own ``symbol``, or the
    name of an output's function that is no hidden activation ('softmax')."""
    act = ACTIVATIONS.get(name)
    return act.symbol if act is not None else name
