"""One home for the notes' notation and the app's shared constants.

Layer indices are written as the notes write them, ``W⁽²⁾``, ``δ⁽ℓ⁾``, ``h₁⁽²⁾``; the
engine (phase titles, formulas) and the views (labels, axes, tooltips) all spell them with
these helpers, so a label in the inspector matches the one on a plot. The canvas domain,
the update rules' display names and the activation symbols are written here once.
"""

from __future__ import annotations

# --- indices -------------------------------------------------------------------------------
_SUPERSCRIPT = str.maketrans("0123456789()-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁻")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def superscript(n: int) -> str:
    """Digits as superscripts: superscript(12) == '¹²'."""
    return str(n).translate(_SUPERSCRIPT)


def sup(layer: int) -> str:
    """A layer index as the notes write it: sup(2) == '⁽²⁾'."""
    return f"({layer})".translate(_SUPERSCRIPT)


def sub(i: int) -> str:
    """A unit index as a subscript: sub(3) == '₃'."""
    return str(i).translate(_SUBSCRIPT)


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
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}
ACTIVATION_SYMBOLS = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "identity": "id"}
# f′ written with the unit's output h (or z for ReLU), as in the notes' backward pass
ACTIVATION_DERIVATIVES = {
    "sigmoid": "h(1 − h)",
    "tanh": "1 − h²",
    "relu": "[z > 0]",
    "identity": "1",
}
