"""docs/corrections.md prints the algorithm the engine numbers and the inspector shows:
lines 1–8 for every optimizer, then each optimizer's own rule, word for word."""

from __future__ import annotations

import re
from pathlib import Path

from backprop_lab.engine.algorithm import UPDATE, algorithm
from backprop_lab.engine.network import Layout
from backprop_lab.engine.optim import OPTIMIZER_CLASSES

DOC = Path(__file__).resolve().parents[2] / "docs" / "corrections.md"


def text_blocks(text: str) -> list[tuple[str, str]]:
    """(the paragraph before, the block) for every ```text block."""
    return re.findall(r"([^\n]*)\n\n```text\n(.*?)\n```", text, flags=re.DOTALL)


def test_the_page_prints_the_numbered_algorithm_of_every_optimizer():
    blocks = text_blocks(DOC.read_text(encoding="utf-8"))
    sgd = algorithm("sgd")
    common = [t for (n, _), t in zip(sgd.lines, sgd.numbered()) if n < UPDATE]
    assert blocks[0][1].splitlines() == [sgd.objective, *common]
    rules = {before.rstrip(":"): block.splitlines() for before, block in blocks[1:]}
    for name, cls in OPTIMIZER_CLASSES.items():
        a = algorithm(name)
        assert rules[cls.label] == [t for (n, _), t in zip(a.lines, a.numbered()) if n >= UPDATE]
        assert [t for (n, _), t in zip(a.lines, a.numbered()) if n < UPDATE] == common


def test_the_page_names_the_constants_the_optimizers_use():
    text = DOC.read_text(encoding="utf-8")
    layout = Layout.of([(1,)])
    momentum = OPTIMIZER_CLASSES["momentum"](layout).values(0.1)
    adam = OPTIMIZER_CLASSES["adam"](layout).values(0.1)
    assert momentum.endswith("β = 0.9") and "Momentum uses β = 0.9" in text
    assert "β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸" in adam
    assert "Adam β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸" in text


def test_the_blocks_are_found():
    text = "Adam:\n\n```text\n9: a\n10: b\n```\n"
    assert text_blocks(text) == [("Adam:", "9: a\n10: b")]
