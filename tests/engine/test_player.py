"""The playbook player as the clicker drives it: PageDown (``next``), PageUp (``back``),
scene jumps, runs advanced in chunks or skipped, the view state the window reads."""

from __future__ import annotations

import random

import numpy as np
import pytest
from backprop_lab.engine.player import COMPARE_UNAVAILABLE, Player, Position

from .playbook_support import state_digest, tiny, week5


def _walk_forward(p: Player, back_and_again: bool = True):
    """PageDown through the whole playbook, each run to its end. With ``back_and_again``
    every beat is also taken back (PageUp) and played again, which must end the same.
    Returns {(scene, beat): (digest, view)} at each beat's start and at its end."""
    starts, ends = {}, {}
    while True:
        p.finish()
        pos = p.position
        key = (pos.scene, pos.beat)
        ends[key] = (state_digest(p.session), p.view)
        if back_and_again and not p.beat.changes_nothing:
            assert p.back()
            assert p.position == Position(pos.scene, pos.beat, "start")
            starts[key] = (state_digest(p.session), p.view)
            assert p.next()
            p.finish()
            assert state_digest(p.session) == ends[key][0], f"beat {key} played again differs"
            assert p.view == ends[key][1]
        if not p.next():
            return starts, ends


def _walk_back(p: Player, starts: dict, ends: dict) -> int:
    """PageUp from the end to the very start; every beat start must be the recorded one."""
    checked = 0
    while p.back():
        pos = p.position
        assert pos.phase == "start"
        key = (pos.scene, pos.beat)
        if key in starts:
            digest, view = starts[key]
            assert state_digest(p.session) == digest, f"PageUp to {key} is not exact"
            assert p.view == view
            checked += 1
    assert p.position == Position(0, 0, "start")
    return checked


@pytest.mark.parametrize("budget", [128 * 1024 * 1024, 1], ids=["kept", "replayed"])
def test_page_up_restores_every_beat_of_the_built_in_playbook_bit_for_bit(budget):
    """θ, the optimizer, the random state, the history, the timeline, the walk and the
    view: with every start kept, and with none kept (each rebuilt by replaying)."""
    p = Player(week5(), budget_bytes=budget)
    session = p.session
    starts, ends = _walk_forward(p, back_and_again=budget > 1)
    if budget == 1:  # the starts were not recorded on the way: take them from a kept run
        starts, _ = _walk_forward(Player(week5()))
    assert len(starts) >= 40
    assert _walk_back(p, starts, ends) == len(starts)
    assert p.session is session  # the engine thread's reference stays valid throughout


def test_page_up_walks_back_across_scenes_and_page_down_replays_them():
    p = Player(week5())
    p.goto(3)  # continues from scene 3's walk
    assert p.position == Position(3, 0, "done")
    assert p.back() and p.position == Position(3, 0, "start")
    assert p.back() and p.position.scene == 2  # the last beat of the scene before
    assert p.position.beat == p.n_beats(2) - 1
    assert p.view.walk is not None and p.view.walk.to == "delta"
    p.next()
    p.next()
    assert p.position == Position(3, 0, "done")


def test_skipping_a_run_ends_where_letting_it_run_ends():
    """For every run beat of both playbooks: random chunks, one step at a time (the until
    runs), and a skip all end in the same state."""
    rng = random.Random(4)
    for book in (tiny(), week5()):
        p = Player(book)
        runs = 0
        while True:
            if p.running:
                runs += 1
                let_run = []
                while p.running:
                    chunk = rng.choice([1, 2, 7, 50, 333]) if p.beat.until_loss is None else 1
                    assert p.advance(chunk) <= chunk
                    assert p.remaining_steps() >= 0
                let_run = state_digest(p.session)
                assert p.position.phase == "done"
                p.back()
                p.next()
                assert p.next()  # the first PageDown on a running beat skips to its end
                assert p.position.phase == "done"
                assert state_digest(p.session) == let_run
            if not p.next():
                break
        assert runs == sum(b.kind == "run" for s in book.scenes for b in s.beats)


def test_a_run_beat_reports_its_speed_and_remaining_steps():
    p = Player(tiny())
    p.next()
    p.next()  # the 40-step run at 20 steps per second
    assert p.running and p.run_speed == 20
    assert p.remaining_steps() == 40
    assert p.advance(15) == 15 and p.remaining_steps() == 25 and p.session.step_count == 15
    p.finish()
    assert not p.running and p.remaining_steps() == 0 and p.session.step_count == 40
    assert p.advance(10) == 0


def test_the_view_follows_ask_reveal_note_set_trace_and_compare():
    p = Player(tiny())
    v = p.view
    assert v.caption == "here we go" and v.question is None and not v.hidden
    p.next()  # ask
    v = p.view
    assert v.question.question == "Where does the loss go?" and not v.answer_shown
    assert v.hidden == {"loss", "regions"} and v.think_seconds == 10
    p.next()
    p.finish()  # run: still hidden
    assert p.view.hidden == {"loss", "regions"}
    p.next()  # reveal
    v = p.view
    assert v.answer_shown and not v.hidden and v.think_seconds == 0
    assert v.question.answer_index == 0  # the question stays, its answer ticked
    p.next()  # note
    assert p.view.note == "mention α" and p.view.caption == ""
    alpha = p.session.hyper.alpha
    p.next()  # set
    assert p.view.changed == ("hyper.alpha", "hyper.optimizer") and p.view.note == ""
    assert (alpha, p.session.hyper.alpha, p.session.hyper.optimizer) == (0.5, 0.05, "momentum")
    p.next()
    p.finish()
    p.next()  # scene 2: the view starts afresh
    assert p.position.scene == 1 and p.view.question is None and not p.view.answer_shown
    assert p.session.spec.hidden == (3, 3) and p.session.spec.activations == ("tanh", "tanh")
    w = p.view.walk
    assert (w.to, w.layer, w.point, w.position) == ("forward", 1, 6, 1)
    assert p.walk_state().phase.kind == "forward"
    p.next()
    assert p.view.walk.to == "delta" and p.walk_state().phase.layer == 2
    step = p.session.step_count
    p.next()  # trace: the walk stays
    assert p.view.trace == 3 and p.view.walk.to == "delta"
    p.next()  # walk to the update: one step done
    assert p.view.walk.done and p.session.step_count == step + 1
    p.next()  # pause
    p.next()
    p.finish()  # half an epoch: 80 training points at B = 8
    assert p.session.step_count == step + 1 + 10 and p.view.walk is None
    p.next()  # compare: not available, nothing changes
    assert p.view.unavailable == COMPARE_UNAVAILABLE
    assert p.strip() == "2/3 · Two · beat 7/7"


def test_next_stops_at_the_end_and_back_at_the_start():
    p = Player(tiny())
    assert not p.back() or p.position == Position(0, 0, "start")
    while p.back():
        pass
    assert p.position == Position(0, 0, "start")
    before = state_digest(p.session)
    assert not p.back() and state_digest(p.session) == before
    p.last()
    while p.next():
        pass
    end = (state_digest(p.session), p.position)
    assert not p.next()
    assert (state_digest(p.session), p.position) == end
    with pytest.raises(IndexError):
        p.goto(3)
    p.first()
    assert p.position == Position(0, 0, "done")


def test_goto_a_scene_that_continues_replays_what_comes_before():
    direct = Player(tiny(), budget_bytes=1)
    direct.goto(1)
    played = Player(tiny())
    while played.position.scene < 1:
        played.finish()
        played.next()
    assert state_digest(direct.session) == state_digest(played.session)
    assert direct.view == played.view


def test_return_to_script_undoes_a_detour():
    p = Player(tiny())
    p.next()
    p.next()
    p.finish()
    scripted = state_digest(p.session)
    p.session.step(7)  # the lecturer pressed Space
    p.session.update_hyper(alpha=2.0)  # and moved the α slider
    assert state_digest(p.session) != scripted
    p.return_to_script()
    assert state_digest(p.session) == scripted and p.position.phase == "done"


def test_kept_starts_stay_within_the_budget():
    budget = 10 * 1024 * 1024
    p = Player(week5(), budget_bytes=budget)
    peak = 0
    while True:
        p.finish()
        peak = max(peak, p.kept_bytes)
        if not p.next():
            break
    while p.back():
        peak = max(peak, p.kept_bytes)
    # over the budget only by the current start and the newest one (≤ ~6 MB each here)
    assert 0 < peak <= budget + 12 * 1024 * 1024


def test_a_scene_that_continues_a_walk_sees_the_same_step():
    """Scenes 3–5 walk one step on one point: δ⁽²⁾ is the same number in each."""
    p = Player(week5())
    p.goto(2)
    while p.view.walk is None or p.view.walk.to != "delta":
        p.next()
    d2 = p.walk_state().delta[2]
    p.goto(3)
    p.next()  # walk to dW⁽²⁾: the step is walked again to there
    assert np.array_equal(p.walk_state().delta[2], d2)
    p.goto(4)
    while p.view.walk is None or not p.view.walk.done:
        p.next()
    assert p.session.step_count == 1


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_a_copied_session_steps_on_with_the_same_numbers(optimizer):
    """A copy keeps the optimizer's arrays views of its one buffer: both sessions step on
    to the same θ and the same optimizer state, and neither touches the other."""
    from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
    from backprop_lab.engine.datasets import make_preset
    from backprop_lab.engine.player import copy_session

    ds = make_preset("moons", n_points=60, seed=1)
    s = TrainingSession(ds, NetworkSpec((5, 3)), HyperParameters(0.05, 8, 0.001, optimizer))
    s.step(20)
    c = copy_session(s)
    assert c.dataset is s.dataset and state_digest(c) == state_digest(s)
    s.step(30)
    assert state_digest(c) != state_digest(s)
    c.step(30)
    assert state_digest(c) == state_digest(s)


def test_the_player_drives_the_session_it_is_given():
    from backprop_lab.engine import TrainingSession
    from backprop_lab.engine.datasets import make_preset

    mine = TrainingSession(make_preset("moons", n_points=30))
    p = Player(tiny(), session=mine)
    assert p.session is mine and mine.hyper.alpha == 0.5 and len(mine.dataset) == 200
    p.last()
    assert p.session is mine and mine.dataset.n_classes == 4


def test_a_beat_that_fails_leaves_the_session_at_its_start(monkeypatch):
    from backprop_lab.engine import player as player_module

    p = Player(tiny())
    for _ in range(4):
        p.next()
        p.finish()
    assert p.beat.kind == "note"
    before = state_digest(p.session)

    def refuse(changes, session):
        session.step(3)  # half done, then it fails
        raise ValueError("no such thing")

    monkeypatch.setattr(player_module, "apply_to_session", refuse)
    with pytest.raises(player_module.PlayError, match="scene 1, beat 6: no such thing"):
        p.next()
    assert p.position == Position(0, 5, "start")
    assert state_digest(p.session) == before


def test_a_detour_left_for_the_script_comes_back_exactly():
    p = Player(tiny())
    p.next()
    p.next()
    p.finish()
    scripted = state_digest(p.session)
    session = p.session
    p.session.step(5)  # the lecturer pressed Space
    p.session.update_hyper(alpha=2.0)
    detour = state_digest(p.session)
    assert not p.has_detour
    p.leave_detour()
    assert p.has_detour and state_digest(p.session) == scripted
    assert p.resume_detour()
    assert p.session is session and state_digest(p.session) == detour
    assert not p.has_detour and not p.resume_detour()
    p.leave_detour()  # and back to the script once more: the same script state
    assert state_digest(p.session) == scripted
    p.forget_detour()
    assert not p.has_detour
