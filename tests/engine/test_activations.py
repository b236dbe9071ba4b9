"""Each activation is one object: what the notation, the grid, the trace, the diagram and
the initialisation read about it agrees with the function it computes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from backprop_lab.engine import NetworkSpec, TrainingSession
from backprop_lab.engine.activations import ACTIVATIONS, get_activation
from backprop_lab.engine.design import ACTIVATION_NAMES
from backprop_lab.engine.network import init_scheme
from backprop_lab.engine.notation import f_symbol
from backprop_lab.engine.phases import PhaseWalk
from backprop_lab.engine.trace import trace_point

from .helpers import xor_dataset

Z = np.linspace(-30.0, 30.0, 601)[None, :]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_the_facts_about_an_activation_agree_with_its_function(name):
    act = get_activation(name)
    h = act.forward(Z, np.empty_like(Z))
    lo, hi = act.output_range
    assert np.all((h >= lo) & (h <= hi))
    assert act.bounded == (math.isfinite(lo) and math.isfinite(hi))
    if act.tanh_form is not None:  # the grid's rewriting is the same function
        a, c, d = act.tanh_form
        np.testing.assert_allclose(c + d * np.tanh(a * Z), h, atol=1e-15)
    # f′ as the backward pass applies it, against a central difference
    slope = act.backward(np.ones_like(Z), Z, h, np.empty_like(Z))
    eps = 1e-6
    plus = act.forward(Z + eps, np.empty_like(Z))
    minus = act.forward(Z - eps, np.empty_like(Z))
    away = np.abs(Z) > 1e-3  # ReLU's kink
    np.testing.assert_allclose(slope[away], ((plus - minus) / (2 * eps))[away], atol=1e-6)
    # the saturation rule: where f′ is near zero, and only there
    share = act.flat_share(Z.T, h.T, 0.02)  # one point per row: 1 where flat, else 0
    if share is None:
        assert np.all(slope > 0.5)
    else:
        flat = share.astype(bool)
        assert flat.any() and not flat.all()
        top = slope.max()
        assert np.all(slope[0, flat] < 0.1 * top) and np.all(flat[slope[0] < 0.01 * top])
    assert act.init == init_scheme(name) in ("glorot", "he")
    assert f_symbol(name) == act.symbol


def test_the_activation_names_are_the_objects():
    assert ACTIVATION_NAMES == tuple(ACTIVATIONS)
    assert f_symbol("softmax") == "softmax"  # an output's function that is no activation
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        get_activation("swish")


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_the_walk_and_the_trace_write_the_activations_symbols(name):
    act = get_activation(name)
    s = TrainingSession(xor_dataset(60), NetworkSpec(hidden=(3, 2), activation=name), seed=1)
    walk = PhaseWalk(s)
    phases = [walk.next() for _ in range(walk.n_phases)]
    forward = phases[1]
    assert f"h⁽¹⁾ = {act.symbol}(z⁽¹⁾)" in forward.equation
    assert "h⁽³⁾ = σ(z⁽³⁾)" in phases[3].equation  # the Bernoulli output
    delta = next(p for p in phases if p.kind == "delta" and p.layer == 2)
    assert delta.equation.endswith(f"f′ = {act.derivative}")
    t = trace_point(s, 5)
    assert f"h₂⁽²⁾ = {act.symbol}(z₂⁽²⁾) = " in t.unit_formula(2, 2)
