"""The shared notation, the typed step metrics, and Adam's ε convention."""

from __future__ import annotations

import math

import numpy as np
from backprop_lab.engine import HyperParameters, NetworkSpec, StepMetrics, TrainingSession
from backprop_lab.engine.grid import DEFAULT_EXTENT
from backprop_lab.engine.network import Layout
from backprop_lab.engine.notation import (
    DOMAIN,
    delta_label,
    power_of_ten,
    sub,
    sup,
    superscript,
)
from backprop_lab.engine.optim import OPTIMIZER_LABELS, OPTIMIZERS, Adam

from .helpers import xor_dataset


def test_indices_are_written_as_the_notes_write_them():
    assert sup(2) == "⁽²⁾" and sup(10) == "⁽¹⁰⁾"
    assert sub(3) == "₃" and sub(12) == "₁₂"
    assert superscript(12) == "¹²"
    assert delta_label(4) == "δ⁽⁴⁾"
    # the generic layer ℓ in the algorithm, typeset the same way (no caret text)
    assert sup("ℓ") == "⁽ˡ⁾" and sup("ℓ−1") == "⁽ˡ⁻¹⁾" and sup("L") == "⁽ᴸ⁾"
    assert sub("ℓ−1") == "ₗ₋₁"
    assert power_of_ten(1e-8) == "10⁻⁸" and power_of_ten(0.999) == "0.999"


def test_one_domain_and_one_label_per_update_rule():
    assert DOMAIN == (-6.0, 6.0, -6.0, 6.0)
    assert DEFAULT_EXTENT is DOMAIN
    assert set(OPTIMIZER_LABELS) == set(OPTIMIZERS)


def test_step_metrics_are_typed_and_read_as_a_mapping_for_lesson_files():
    s = TrainingSession(xor_dataset(80), NetworkSpec(hidden=(3, 2)), HyperParameters(), seed=1)
    s.step(5)
    m = s.snapshot().last
    assert isinstance(m, StepMetrics) and m.step == 5
    assert m.delta_mean_abs.shape == (3,) and not m.delta_mean_abs.flags.writeable
    assert dict(m)["train_loss"] == m.train_loss == m["train_loss"]
    back = StepMetrics.from_mapping(dict(m), depth=3)
    assert back.train_loss == m.train_loss
    np.testing.assert_array_equal(back.grad_norms, m.grad_norms)
    short = StepMetrics.from_mapping({"step": 2, "train_loss": 0.5}, depth=3)
    assert math.isnan(short.batch_loss) and np.isnan(short.delta_mean_abs).all()


def test_adam_adds_epsilon_before_the_bias_correction_as_its_rule_says():
    """The rule: θ ← θ + αₜ m / (√s + ε), αₜ = α √(1−β₂ᵗ)/(1−β₁ᵗ) (Keras's form). With a
    gradient near ε the other convention, α m̂ / (√ŝ + ε), gives another step."""
    assert "θ ← θ + αₜ m / (√s + ε)" in Adam.rule
    assert "αₜ ← α √(1 − β₂ᵗ) / (1 − β₁ᵗ)" in Adam.rule
    g = np.array([3e-8, -1e-7, 2.0])
    alpha, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    opt = Adam(Layout.of([g.shape]))
    p = np.zeros(3)
    opt.update(p, g, alpha)
    m, s = (1 - b1) * g, (1 - b2) * g * g
    alpha_t = alpha * np.sqrt(1 - b2) / (1 - b1)
    np.testing.assert_array_equal(p, alpha_t * m / (np.sqrt(s) + eps))
    m_hat, s_hat = m / (1 - b1), s / (1 - b2)
    pytorch = alpha * m_hat / (np.sqrt(s_hat) + eps)
    assert not np.allclose(p[:2], pytorch[:2], rtol=1e-3)
