"""The key of the network diagram's unit maps: what a square shows, and its colours.

TensorFlow Playground's small unit pictures puzzle its users ("I cannot understand what
they show in hidden layers"). Beside the diagram's thumbnails the window writes, in one
line, what each square is (engine/unit_maps.py ``legend``), and a colour key per
activation drawn in the network: the ends and the middle of the scale each map is
coloured on (the diagram's ``unit_map_rgba``), as small swatches in rich text, so the key
wraps with the pane like any label. Hovering a unit gives its formula
(``formula_lines``).
"""

from __future__ import annotations

from backprop_lab.engine.network import Architecture
from backprop_lab.engine.unit_maps import colour_key, legend, unit_formula

from .arrayview import SIGN_LUT

SWATCHES = 5  # colours shown from the low end to the high end
# the legend in a narrow pane (the engine's ``legend`` also gives the plane's extent)
SHORT_LEGEND = {
    2: "Each square: this unit's output over the plane",
    1: "Each strip: this unit's output along x₁",
}


def _hex(rgb) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(int(c) for c in rgb[:3]))


def swatch_html() -> str:
    """The scale as five coloured squares (the middle one, near white, as an outline)."""
    n = len(SIGN_LUT) - 1
    parts = []
    for k in range(SWATCHES):
        rgb = SIGN_LUT[round(k * n / (SWATCHES - 1))]
        middle = k == SWATCHES // 2
        glyph, color = ("□", "#9A9A9A") if middle else ("■", _hex(rgb))
        parts.append(f'<span style="color:{color}">{glyph}</span>')
    return "".join(parts)


def activation_key_html(activation: str, short: bool = False) -> str:
    """'tanh: −1 ■■□■■ 1, middle 0' (the middle, 0 or ½, is the near-white square);
    ``short``: 'tanh −1 ■■□■■ 1', free to wrap (a narrow pane)."""
    low, mid, high = colour_key(activation)
    note = ""
    if "=" in high:  # ReLU and identity: the scale's end is the layer's largest output
        high, note = high.split("=", 1)
        note = f" (m ={note})"
    high = high.strip()
    if short:
        return f"{activation} {low}&nbsp;{swatch_html()}&nbsp;{high}"
    return (
        f'<span style="white-space:nowrap">{activation}: {low}&nbsp;{swatch_html()}&nbsp;'
        f"{high}, middle {mid}</span>{note}"
    )


def unit_key_html(activations: tuple[str, ...], input_dim: int = 2, short: bool = False) -> str:
    """The legend line and one colour key per activation the hidden layers use
    (``short``: the legend for a narrow pane)."""
    seen: list[str] = []
    for a in activations:
        if a not in seen:
            seen.append(a)
    keys = ("; " if short else "&emsp;").join(activation_key_html(a, short) for a in seen)
    text = SHORT_LEGEND[1 if input_dim == 1 else 2] if short else legend(input_dim)
    return f"{text}.<br>{keys}" if keys else f"{text}."


def formula_lines(
    widths: tuple[int, ...], activations: tuple[str, ...], head: str, layer: int, unit: int
) -> tuple[str, ...]:
    """The formula unit ``unit`` (0-based) of ``layer`` plots, as the lines to show:
    'h₁⁽²⁾ = tanh(z₁⁽²⁾)' and 'z₁⁽²⁾ = Σⱼ W₁ⱼ⁽²⁾ hⱼ⁽¹⁾ + b₁⁽²⁾'. () for an input."""
    if layer < 1 or layer >= len(widths) or not 0 <= unit < widths[layer]:
        return ()
    arch = Architecture(tuple(widths), tuple(activations), head)
    return tuple(unit_formula(arch, layer, unit + 1).split(",  "))
