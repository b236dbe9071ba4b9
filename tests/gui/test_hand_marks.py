"""The engine-thread side of a hand step (gui/probe_edits.py), on a session without a
window: a gesture is one engine edit per parameter whatever the number of moves, undo
takes back exactly its edits (and only while they are in effect), redo puts them back or
sets them anew, and θ₀ is where the run began."""

from __future__ import annotations

from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.edits import set_parameter
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.gui.probe_edits import (
    HandMark,
    apply_values,
    initial_value,
    redo_mark,
    reset_to_initial,
    undo_mark,
)

A = ParamRef.weight(2, 0, 1)
B = ParamRef.bias(1, 2)


def session(optimizer: str = "adam") -> TrainingSession:
    ds = make_preset("moons", n_points=150, noise=0.1, test_fraction=0.2, seed=2)
    hyper = HyperParameters(alpha=0.05, optimizer=optimizer)
    return TrainingSession(ds, NetworkSpec(hidden=(5,)), hyper, seed=4)


def state(s) -> tuple:
    cp = s.checkpoint()
    opt = {k: (v if k == "t" else [a.tobytes() for a in v]) for k, v in cp.optimizer.items()}
    return (s.params.flat.tobytes(), repr(opt), s.step_count, repr(cp.rng))


def test_a_relative_drag_is_one_edit_and_undo_gives_the_state_back_bit_for_bit():
    s = session()
    s.step(30)
    before = state(s)
    start = A.get(s.params)
    mark = HandMark((A,), "drag")
    for total in (0.1, 0.25, -0.4, 0.5):
        apply_values(s, mark, (total,), relative=True)
    assert A.get(s.params) == start + 0.5
    assert len(s.edits.edits) == 1 and s.edits.edits[0].old == start
    assert undo_mark(s, mark).startswith("Undid")
    assert state(s) == before
    assert redo_mark(s, mark).startswith("Redid")
    assert A.get(s.params) == start + 0.5


def test_back_to_the_start_is_no_edit_and_its_undo_does_nothing():
    s = session()
    mark = HandMark((A,), "drag")
    apply_values(s, mark, (0.3,), relative=True)
    apply_values(s, mark, (0.0,), relative=True)
    assert s.edits.edits == () and mark.edits == []
    before = state(s)
    assert undo_mark(s, mark) == ""
    assert state(s) == before


def test_two_weights_are_one_gesture_of_two_edits():
    s = session()
    s.step(10)
    before = state(s)
    mark = HandMark((A, B), "drag both")
    for va, vb in ((0.1, 0.2), (0.3, -0.1), (0.35, -0.2)):
        apply_values(s, mark, (va, vb), relative=False)
    assert (A.get(s.params), B.get(s.params)) == (0.35, -0.2)
    assert len(s.edits.edits) == 2
    undo_mark(s, mark)
    assert state(s) == before


def test_undo_after_training_rewinds_to_before_the_edit():
    s = session("momentum")
    s.step(5)
    before = state(s)
    mark = HandMark((A,), "drag")
    apply_values(s, mark, (1.0,), relative=True)
    s.step(40)
    assert undo_mark(s, mark).startswith("Undid")
    assert state(s) == before
    # the run went on after the undo: redo sets the value again, as a new edit
    s.step(3)
    value = mark.undone[0].new
    assert redo_mark(s, mark).startswith("Redid")
    assert A.get(s.params) == value and s.edits.edits[-1].step == 8


def test_an_edit_rewound_past_is_not_undone_twice():
    s = session()
    s.step(12)
    mark = HandMark((A,), "drag")
    apply_values(s, mark, (0.7,), relative=True)
    s.timeline.rewind(s, 0)  # the rewind bar, back before the edit
    here = state(s)
    assert "already undone" in undo_mark(s, mark)
    assert state(s) == here


def test_a_later_edit_of_the_same_weight_is_not_merged_into_an_earlier_gesture():
    s = session()
    first = HandMark((A,), "drag 1")
    apply_values(s, first, (0.2,), relative=True)
    set_parameter(s, B, 0.5)  # something else in between
    second = HandMark((A,), "drag 2")
    apply_values(s, second, (0.2,), relative=True)
    apply_values(s, second, (0.3,), relative=True)
    assert len(s.edits.edits) == 3
    undo_mark(s, second)
    assert len(s.edits.edits) == 2


def test_theta_zero_is_where_the_run_began():
    s = session()
    start = A.get(s.params)
    s.step(25)
    assert A.get(s.params) != start
    assert initial_value(s, A) == start
    mark = HandMark((A,), "θ₀")
    reset_to_initial(s, mark)
    assert A.get(s.params) == start
