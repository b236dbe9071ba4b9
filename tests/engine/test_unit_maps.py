"""The words and formulas that explain the diagram's unit maps."""

from __future__ import annotations

import pytest
from backprop_lab.engine import NetworkSpec, TrainingSession
from backprop_lab.engine.unit_maps import colour_key, legend, unit_formula

from .helpers import blobs_dataset, regression_dataset, xor_dataset


def test_each_units_formula_in_the_notes_notation():
    s = TrainingSession(xor_dataset(), NetworkSpec(hidden=(4, 3), activations=("tanh", "relu")))
    a = s.arch
    assert unit_formula(a, 1, 2) == "h₂⁽¹⁾ = tanh(z₂⁽¹⁾),  z₂⁽¹⁾ = Σⱼ W₂ⱼ⁽¹⁾ xⱼ + b₂⁽¹⁾"
    assert unit_formula(a, 2, 3) == "h₃⁽²⁾ = max(0, z₃⁽²⁾),  z₃⁽²⁾ = Σⱼ W₃ⱼ⁽²⁾ hⱼ⁽¹⁾ + b₃⁽²⁾"
    assert unit_formula(a, 3, 1).startswith("h₁⁽³⁾ = σ(z₁⁽³⁾), the probability of class 2,")
    with pytest.raises(ValueError, match="units 1..3"):
        unit_formula(a, 2, 4)
    with pytest.raises(ValueError, match="layer must be 1..3"):
        unit_formula(a, 0, 1)
    k = TrainingSession(blobs_dataset(3), NetworkSpec(hidden=(2,), activation="sigmoid")).arch
    assert unit_formula(k, 1, 1).startswith("h₁⁽¹⁾ = σ(z₁⁽¹⁾),")
    assert unit_formula(k, 2, 3).startswith("h₃⁽²⁾ = softmax(z⁽²⁾)₃, the probability of class 3")
    r = TrainingSession(regression_dataset(1), NetworkSpec(hidden=(2,), features=("x1",))).arch
    assert unit_formula(r, 2, 1).startswith("h₁⁽²⁾ = z₁⁽²⁾, the predicted value")


def test_legend_and_colour_keys():
    assert legend() == "Each square: this unit's output over the input plane (x₁, x₂ from −6 to 6)"
    assert legend(1).startswith("Each strip: this unit's output along the input x₁")
    assert colour_key("tanh") == ("−1", "0", "1") and colour_key("sigmoid")[2] == "1"
    with pytest.raises(ValueError):
        colour_key("softplus")
