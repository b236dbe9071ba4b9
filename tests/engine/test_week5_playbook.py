"""The built-in week-5 playbook shows, without a window, what each scene says it shows;
its stored fingerprints reproduce, and rehearsal notices a scene that changed."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from backprop_lab.engine.playbook import from_json, playbook_from_dict, to_json
from backprop_lab.engine.player import Player
from backprop_lab.engine.rehearse import check, fingerprint, rehearse, with_rehearsal
from backprop_lab.engine.trace import trace_point
from backprop_lab.resources import playbook_text

from .playbook_support import week5

LOG2 = math.log(2)


class SceneEnd:
    """What a scene's run showed: losses and accuracies at its start and end."""

    def __init__(self, p: Player, start: dict):
        s = p.session
        self.start = start
        self.train_loss, self.train_acc = s.evaluate("train")
        self.test_loss, self.test_acc = s.evaluate("test")
        self.delta = np.array(s.last.delta_mean_abs)
        self.weight_norm = float(np.sum(s.last.weight_norms))
        self.depth = s.arch.depth
        self.step = s.step_count
        self.diverged = s.diverged
        self.head = s.net.head.name
        self.walk = p.walk_state()
        self.trace = trace_point(s, p.view.trace) if p.view.trace is not None else None


@pytest.fixture(scope="module")
def scenes() -> list[SceneEnd]:
    """Play the whole playbook with PageDown (every run to its end), as the room sees it."""
    p = Player(week5())
    out: list[SceneEnd] = []
    start: dict = {}
    while True:
        p.finish()
        pos = p.position
        if pos.beat == 0:
            loss, acc = p.session.evaluate("train")
            start = {"train_loss": loss, "train_acc": acc, "step": p.session.step_count}
        if pos.beat == p.n_beats(pos.scene) - 1:
            out.append(SceneEnd(p, start))
        if not p.next():
            return out


def test_ten_to_fifteen_scenes_each_opening_with_a_question():
    book = week5()
    assert 10 <= len(book.scenes) <= 15
    for scene in book.scenes:
        first = next(b for b in scene.beats if b.kind not in ("show", "note"))
        assert first.kind == "ask", scene.title
        assert len(first.choices) >= 3 and first.answer in "ABCD", scene.title
        assert any(b.kind == "reveal" for b in scene.beats), scene.title


def test_logistic_regression_fails_on_xor(scenes):
    s = scenes[0]
    assert s.depth == 1  # L = 1
    assert s.train_acc <= 0.75 and s.train_loss > 0.6


def test_one_hidden_layer_solves_xor(scenes):
    s = scenes[1]
    assert s.depth == 2 and s.train_acc >= 0.95 and s.train_loss < 0.1


def test_one_step_of_backprop_phase_by_phase(scenes):
    out, back, update = scenes[2], scenes[3], scenes[4]
    # δ at the output: y − h for the class-1 point, so positive
    assert out.walk.phase.kind == "delta" and out.walk.phase.layer == 2
    assert out.walk.batch == (6,)
    d2 = out.walk.phase.arrays["δ⁽²⁾"]
    h2 = out.walk.phase.arrays["h⁽²⁾"]
    assert d2.shape == (1, 1) and np.array_equal(d2, 1.0 - h2) and d2[0, 0] > 0
    # δ passed back: one entry per hidden unit, (W⁽²⁾)ᵀ δ⁽²⁾ ∘ σ′(z⁽¹⁾)
    assert back.walk.phase.kind == "delta" and back.walk.phase.layer == 1
    arrays = back.walk.phase.arrays
    z1 = arrays["z⁽¹⁾"]
    sig = 1.0 / (1.0 + np.exp(-z1))
    expected = (arrays["W⁽²⁾"].T @ arrays["δ⁽²⁾"]) * sig * (1.0 - sig)
    assert arrays["δ⁽¹⁾"].shape == (4, 1)
    np.testing.assert_allclose(arrays["δ⁽¹⁾"], expected, rtol=1e-12)
    # dW = δ hᵀ, then the update: one step taken
    assert update.walk.done and update.step == 1 and back.step == 0


def test_delta_vanishes_in_a_deep_sigmoid_net(scenes):
    s = scenes[5]
    assert s.depth == 7
    assert s.delta[0] / s.delta[-1] < 1e-3  # orders of magnitude below the output's
    assert np.all(np.diff(s.delta) > 0)  # shrinking layer by layer on the way back
    assert abs(s.train_loss - LOG2) < 0.01  # the loss stays at log 2


def test_relu_lets_delta_through(scenes):
    sig, relu = scenes[5], scenes[6]
    ratio = relu.delta[0] / relu.delta[-1]
    assert ratio > 0.05 and ratio > 100 * sig.delta[0] / sig.delta[-1]
    assert relu.train_loss < 0.2 and relu.train_acc >= 0.95


def test_learning_rate_too_small_right_too_large(scenes):
    small, right, large = scenes[7], scenes[8], scenes[9]
    assert small.start["train_loss"] == right.start["train_loss"] == large.start["train_loss"]
    assert small.train_loss > 0.95 * small.start["train_loss"]  # barely moves
    assert right.train_loss < 0.2 and right.train_acc >= 0.95
    assert large.train_loss >= large.start["train_loss"]  # does not go down
    assert large.diverged


def test_weight_decay_on_a_small_noisy_set(scenes):
    free, decay = scenes[10], scenes[11]
    assert free.train_loss < 0.01 and free.train_acc == 1.0  # fits every training point
    assert free.test_loss > 20 * free.train_loss  # and is confidently wrong on the test
    assert decay.start["train_loss"] == free.start["train_loss"]  # the same start
    assert decay.test_loss < 0.5 * free.test_loss
    assert decay.weight_norm < 0.7 * free.weight_norm
    assert decay.train_loss > free.train_loss


def test_softmax_for_k_classes(scenes):
    s = scenes[12]
    assert s.head == "categorical" and s.train_acc >= 0.95
    out = s.trace.prediction
    assert out.shape == (4,) and np.all(out > 0) and abs(out.sum() - 1.0) < 1e-12


def test_regression_with_a_linear_output(scenes):
    s = scenes[13]
    assert s.head == "gaussian"
    assert s.train_loss < 0.05 < 0.05 * s.start["train_loss"]


def test_the_stored_fingerprints_reproduce():
    book = week5()
    fresh = rehearse(book)
    assert [len(f) for f in fresh] == [len(s.beats) for s in book.scenes]
    assert all(c.ok for c in check(book, fresh)), [c.message for c in check(book, fresh)]


def test_a_changed_seed_makes_rehearsal_report_the_scene():
    """The deep sigmoid scene with another seed: it and the ReLU scene that continues from
    it no longer reproduce; every other scene still does."""
    d = json.loads(playbook_text("week5"))
    d["scenes"][5]["changes"] = {"seed": 7}
    book = playbook_from_dict(d)
    checks = check(book, rehearse(book))
    assert [c.scene for c in checks if not c.ok] == [5, 6]
    assert "does not reproduce from beat" in checks[5].message
    assert checks[5].rehearsed


def test_rehearsing_again_stores_fingerprints_that_reproduce():
    d = json.loads(playbook_text("week5"))
    d["scenes"] = d["scenes"][:2]
    d["scenes"][1]["changes"] = {"seed": 3}
    for scene in d["scenes"]:
        del scene["rehearsal"]
    book = playbook_from_dict(d)
    fresh = rehearse(book)
    assert [c.rehearsed for c in check(book, fresh)] == [False, False]
    again = from_json(to_json(with_rehearsal(book, fresh)))
    assert all(c.ok for c in check(again, rehearse(again)))
    assert again.rehearsed_with.startswith("NumPy ")


def test_a_fingerprint_is_the_step_the_loss_and_theta():
    p = Player(week5())
    a = fingerprint(p.session)
    p.session.params.W[0][0, 0] += 1e-12
    b = fingerprint(p.session)
    assert a.step == b.step and a.theta != b.theta and not a.matches(b)
