"""One parameter of θ, addressed as the notes write it: ``W⁽ℓ⁾ᵢ,ⱼ`` or ``b⁽ℓ⁾ᵢ``.

``W⁽ℓ⁾ᵢ,ⱼ`` is the weight from unit j of layer ℓ−1 to unit i of layer ℓ, so it is entry
``(i−1, j−1)`` of the array ``params.W[ℓ−1]``; ``b⁽ℓ⁾ᵢ`` is entry ``(i−1, 0)`` of
``params.b[ℓ−1]``. A ``ParamRef`` keeps the layer as the notes count it (1 … L) and the row
and column as Python indexes arrays (from 0), as the views index units; its ``label``
(``W⁽²⁾₁,₃``) and its ``key`` (``W(2)[1,3]``, the form lesson files use) count from 1, as
the notes do. ``ParamRef.parse`` reads either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .network import Layout
from .notation import sub, sup

KINDS = ("W", "b")

# the label's superscripts and subscripts, back to ASCII
_PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾₀₁₂₃₄₅₆₇₈₉", "0123456789()0123456789")
_KEY = re.compile(r"([Wb])\((\d{1,3})\)\[?(\d{1,3})(?:,(\d{1,3}))?\]?")


@dataclass(frozen=True, order=True)
class ParamRef:
    """A single weight or bias: ``layer`` ℓ (1 … L), ``kind`` "W" or "b", ``row`` the unit
    of layer ℓ and ``col`` the unit of layer ℓ−1, both from 0 (``col`` is 0 for a bias)."""

    layer: int
    kind: str
    row: int
    col: int = 0

    def __post_init__(self) -> None:
        for name in ("layer", "row", "col"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError(f"a parameter's {name} must be a whole number, got {v!r}")
        if self.kind not in KINDS:
            raise ValueError(f"a parameter is a weight 'W' or a bias 'b', got {self.kind!r}")
        if self.layer < 1:
            raise ValueError(f"layers count from 1, got layer {self.layer}")
        if self.row < 0 or self.col < 0:
            raise ValueError(f"rows and columns count from 0, got ({self.row}, {self.col})")
        if self.kind == "b" and self.col:
            raise ValueError(f"a bias has one column, got column {self.col}")

    # --- making one ---------------------------------------------------------------------
    @classmethod
    def weight(cls, layer: int, row: int, col: int) -> ParamRef:
        """W⁽ˡᵃʸᵉʳ⁾ entry (row, col), counted from 0."""
        return cls(layer, "W", row, col)

    @classmethod
    def bias(cls, layer: int, row: int) -> ParamRef:
        """b⁽ˡᵃʸᵉʳ⁾ entry row, counted from 0."""
        return cls(layer, "b", row, 0)

    @classmethod
    def parse(cls, text: str) -> ParamRef:
        """``W(2)[1,3]``, ``b(1)[2]`` or the label ``W⁽²⁾₁,₃``, ``b⁽¹⁾₂`` (indices from 1,
        as the notes write them). ValueError says what is wrong."""
        if not isinstance(text, str):
            raise ValueError(f"a parameter is written like W(2)[1,3] or b(1)[2], got {text!r}")
        plain = "".join(text.translate(_PLAIN).split())
        m = _KEY.fullmatch(plain)
        if m is None:
            shown = text if len(text) <= 30 else text[:27] + "…"
            raise ValueError(f"a parameter is written like W(2)[1,3] or b(1)[2], got {shown!r}")
        kind, layer, i, j = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
        if kind == "W" and j is None:
            raise ValueError(f"{plain}: a weight has two indices, W(ℓ)[i,j]")
        if kind == "b" and j is not None:
            raise ValueError(f"{plain}: a bias has one index, b(ℓ)[i]")
        if layer < 1 or i < 1 or (j is not None and int(j) < 1):
            raise ValueError(f"{plain}: layers and units count from 1")
        return cls(layer, kind, i - 1, int(j) - 1 if j is not None else 0)

    # --- names --------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """As the notes write it: 'W⁽²⁾₁,₃', 'b⁽¹⁾₂'."""
        if self.kind == "W":
            return f"W{sup(self.layer)}{sub(self.row + 1)},{sub(self.col + 1)}"
        return f"b{sup(self.layer)}{sub(self.row + 1)}"

    @property
    def key(self) -> str:
        """The plain form lesson files use: 'W(2)[1,3]', 'b(1)[2]'."""
        if self.kind == "W":
            return f"W({self.layer})[{self.row + 1},{self.col + 1}]"
        return f"b({self.layer})[{self.row + 1}]"

    def __str__(self) -> str:
        return self.label

    # --- where it is ----------------------------------------------------------------------
    def check(self, widths: tuple[int, ...]) -> ParamRef:
        """Itself if the network with layer widths ``widths`` (M₀ … M_L) has this
        parameter; ValueError naming what is out of range otherwise."""
        depth = len(widths) - 1
        if self.layer > depth:
            layers = "one layer" if depth == 1 else f"{depth} layers"
            raise ValueError(f"{self.label}: the network has {layers} with weights")
        rows, cols = widths[self.layer], widths[self.layer - 1]
        if self.row >= rows:
            raise ValueError(f"{self.label}: layer {self.layer} has {_units(rows)}")
        if self.kind == "W" and self.col >= cols:
            below = "input" if self.layer == 1 else f"layer {self.layer - 1}"
            raise ValueError(f"{self.label}: {below} has {_units(cols)}")
        return self

    @property
    def array_index(self) -> int:
        """Its array's place in ``Parameters.arrays()`` (W⁽¹⁾, b⁽¹⁾, W⁽²⁾, …)."""
        return 2 * (self.layer - 1) + (0 if self.kind == "W" else 1)

    def flat_index(self, widths: tuple[int, ...]) -> int:
        """Its place in ``Parameters.flat`` (and in a flat gradient) of that network (the
        ``Layout`` of θ: every W⁽ˡ⁾ first, then every b⁽ˡ⁾)."""
        shapes = []
        for layer in range(1, len(widths)):
            shapes += [(widths[layer], widths[layer - 1]), (widths[layer], 1)]
        at, (_, cols) = Layout.of(shapes).slots[2 * (self.layer - 1) + (self.kind == "b")]
        return at + self.row * cols + self.col

    def get(self, params) -> float:
        """Its value in ``params`` (a ``Parameters``)."""
        return float(self.array(params)[self.row, self.col])

    def array(self, params):
        """The array of ``params`` it lives in (``W[ℓ−1]`` or ``b[ℓ−1]``)."""
        arrays = params.W if self.kind == "W" else params.b
        return arrays[self.layer - 1]


def _units(n: int) -> str:
    return "1 unit" if n == 1 else f"{n} units"


def every_parameter(widths: tuple[int, ...]) -> list[ParamRef]:
    """Every parameter of the network with layer widths ``widths``, in ``flat`` order."""
    out = []
    for layer in range(1, len(widths)):
        rows, cols = widths[layer], widths[layer - 1]
        out += [ParamRef(layer, "W", i, j) for i in range(rows) for j in range(cols)]
        out += [ParamRef(layer, "b", i, 0) for i in range(rows)]
    return out
