"""The figures the weight views get with each frame (gui/probe_figures.py), without a
window: what is computed, when it is computed again, and the batch positions."""

from __future__ import annotations

import time

import numpy as np
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.engine.probe import loss_gradient, probe_point
from backprop_lab.gui import probe_figures as pf

W = ParamRef.weight(2, 0, 1)


def session() -> TrainingSession:
    ds = make_preset("xor", n_points=120, noise=0.0, test_fraction=0.25, seed=3)
    return TrainingSession(ds, NetworkSpec(hidden=(4,)), HyperParameters(alpha=0.3), seed=1)


def test_only_what_is_asked_for_and_exactly_the_engines_numbers():
    s = session()
    none = pf.FigureMaker(pf.Needs())(s)
    assert none.gradient is None and none.point is None and none.exercise is None
    g = pf.FigureMaker(pf.Needs(gradient=True))(s)
    assert g.point is None
    assert g.slope(W) == loss_gradient(s).of(W)
    p = pf.FigureMaker(pf.Needs(line=W))(s)
    expected = probe_point(s, W)
    assert (p.point.slope, p.point.fd_slope, p.point.loss) == (
        expected.slope,
        expected.fd_slope,
        expected.loss,
    )
    assert p.slope(ParamRef.bias(1, 2)) == loss_gradient(s).of(ParamRef.bias(1, 2))


def test_computed_again_only_when_theta_or_the_step_changed():
    s = session()
    maker = pf.FigureMaker(pf.Needs(gradient=True))
    first = maker(s)
    assert maker(s) is first  # a frame for another reason (a view change)
    W.array(s.params)[W.row, W.col] += 0.5  # a hand edit
    second = maker(s)
    assert second is not first and second.slope(W) == loss_gradient(s).of(W)
    s.step(1)
    # the step moved: while training, a figure that took long may serve this frame too
    # (how long depends on the machine's load), so the state is asked for once more
    maker(s)
    third = maker(s)  # the same step as the frame before: paused, computed for it
    assert third is not second and third.step == 1


def test_while_training_a_dear_figure_is_reused_for_a_while(monkeypatch):
    s = session()
    maker = pf.FigureMaker(pf.Needs(gradient=True))
    real = maker._compute

    def dear(session):
        time.sleep(0.05)
        return real(session)

    monkeypatch.setattr(maker, "_compute", dear)
    first = maker(s)
    s.step(1)
    assert maker(s) is first  # training, 50 ms dear: not again at once
    # paused (the same step as the frame before): a new state is computed at once
    W.array(s.params)[W.row, W.col] += 0.5
    fresh = maker(s)
    assert fresh is not first and fresh.slope(W) == loss_gradient(s).of(W)


def test_training_positions_of_a_batch():
    s = session()
    ds = s.dataset
    train = np.flatnonzero(~ds.is_test)
    assert list(pf.training_positions(ds, train[[0, 5, 7]])) == [0, 5, 7]
    test_point = int(np.flatnonzero(ds.is_test)[0])
    assert pf.training_positions(ds, [test_point]) is None
    assert pf.training_positions(ds, []) is None
