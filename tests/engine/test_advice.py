"""Every preset learns with the network the app gives it (the default, or the offer)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from backprop_lab.engine import TrainingSession
from backprop_lab.engine.advice import (
    DEFAULT_HYPER,
    DEFAULT_NETWORK,
    OFFERS,
    is_default_network,
    offer_for,
)
from backprop_lab.engine.datasets import PRESETS, make_preset
from backprop_lab.engine.features import DEFAULT_FEATURES_1D


def app_setup(name: str, **data):
    """The network and hyper-parameters the window trains preset ``name`` with."""
    ds = make_preset(name, **data)
    spec, hyper = DEFAULT_NETWORK, DEFAULT_HYPER
    if ds.input_dim == 1:
        spec = replace(spec, features=DEFAULT_FEATURES_1D)
    offer = offer_for(name)
    if offer is not None:
        spec, hyper = offer.spec(spec), offer.hyper(hyper)
    return ds, spec, hyper


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_learns_with_the_network_the_app_gives_it(name):
    ds, spec, hyper = app_setup(name)
    s = TrainingSession(ds, spec, hyper, seed=0)
    steps = 4000 if offer_for(name) else 1500
    s.step(steps)
    last = s.snapshot().last
    if ds.task == "classification":
        assert last.train_acc >= 0.95, f"{name}: {last.train_acc:.3f} after {steps} steps"
    else:  # the loss is well below the targets' variance (a flat fit's loss)
        assert last.train_loss < 0.1 * float(np.var(ds.y)), f"{name}: {last.train_loss:.4g}"


@pytest.mark.parametrize(("arms", "seed"), [(2, 1), (3, 0), (3, 1)])
def test_the_spirals_offer_learns_the_data_panels_spirals(arms, seed):
    """As the Data panel makes them (200 points, a fifth held out, 2 or 3 arms), any seed."""
    ds, spec, hyper = app_setup("spirals", n_arms=arms, n_points=200, test_fraction=0.2)
    s = TrainingSession(ds, spec, hyper, seed=seed)
    s.step(4000)
    assert s.snapshot().last.train_acc >= 0.95


def test_spirals_do_not_learn_with_the_default_network():
    """The reason for the offer: the default network stays far from separating them."""
    ds = make_preset("spirals")
    s = TrainingSession(ds, DEFAULT_NETWORK, DEFAULT_HYPER, seed=0)
    s.step(4000)
    assert s.snapshot().last.train_acc < 0.8
    assert offer_for("spirals") is not None and "spirals" in OFFERS


def test_offer_keeps_features_and_names_itself():
    offer = offer_for("spirals")
    base = replace(DEFAULT_NETWORK, features=("x1", "x2", "x1^2"))
    spec = offer.spec(base)
    assert spec.features == base.features
    assert spec.hidden == offer.hidden and not is_default_network(spec)
    assert is_default_network(base)
    assert offer.label == "16-16 tanh, Adam α = 0.01"
    hyper = offer.hyper(DEFAULT_HYPER)
    assert (hyper.alpha, hyper.optimizer, hyper.batch_size) == (0.01, "adam", 16)
    assert offer_for("xor") is None and offer_for(None) is None
