"""The counts a design implies, written once: B as a step uses it, steps per epoch, the
layer widths (the output's from the task's head)."""

from __future__ import annotations

import math

from backprop_lab.engine import HyperParameters, NetworkSpec
from backprop_lab.engine.design import effective_batch_size, output_width, steps_for_epochs
from hypothesis import given
from hypothesis import strategies as st

from .helpers import small_session, xor_dataset


@given(st.integers(1, 10_000), st.integers(0, 10_000))
def test_effective_b_is_b_capped_at_the_training_points(b, n):
    assert effective_batch_size(b, n) == max(1, min(b, n))


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_one_epoch_is_ceil_n_over_b(n, b):
    want = 0 if n == 0 else math.ceil(n / min(b, n))
    assert steps_for_epochs(n, b) == want


def test_epochs_scale_the_steps_and_a_fraction_rounds_up():
    assert steps_for_epochs(160, 16, 2.5) == 25
    assert steps_for_epochs(160, 16, 0.01) == 1
    assert steps_for_epochs(100, 32, 1.0) == 4


def test_the_session_and_the_spec_use_the_same_counts():
    s = small_session(xor_dataset())
    s.set_hyper(HyperParameters(batch_size=10_000))
    assert s.effective_batch_size == s.n_train and s.steps_per_epoch == 1
    s.set_hyper(HyperParameters(batch_size=7))
    assert s.steps_per_epoch == math.ceil(s.n_train / 7)
    ds = s.dataset
    assert s.arch.widths == s.spec.widths(ds.task, ds.n_classes)
    assert output_width("classification", 2) == 1 and output_width("classification", 4) == 4
    assert output_width("regression", 1) == 1
    assert NetworkSpec(hidden=(3, 5)).widths("classification", 3) == (2, 3, 5, 3)
