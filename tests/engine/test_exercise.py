"""Exercises ("solve for weights"): locks, the goal, the hints, the built-in two."""

import numpy as np
import pytest
from backprop_lab.engine import exercise as ex
from backprop_lab.engine.edits import freeze, set_parameter
from backprop_lab.engine.lessons import list_lessons, load_lesson
from backprop_lab.engine.paramref import ParamRef, every_parameter
from backprop_lab.engine.probe import loss_gradient
from backprop_lab.engine.scenario import session_from_scenario

EXERCISES = {"xor_by_hand": 4, "blobs_by_hand": 3}  # lesson: editable parameters


def _lesson(name):
    return session_from_scenario(load_lesson(name))


def _follow_hint_2(session, step=0.1, limit=400) -> int:
    """A scripted student: ask for the second hint, move that weight a little that way;
    returns the number of moves made when the goal is met."""
    for moves in range(limit):
        if ex.status(session).reached:
            return moves
        h = ex.hint(session, 2)
        assert h.ref is not None and h.direction in (-1, 1)
        set_parameter(session, h.ref, h.value + step * h.direction)
    raise AssertionError(f"the goal was not met in {limit} moves: {ex.status(session).text}")


def test_the_exercises_are_built_in_lessons():
    assert set(EXERCISES) <= set(list_lessons())
    for name, n in EXERCISES.items():
        sc = load_lesson(name)
        assert sc.edits is not None and len(sc.edits.exercise.editable) == n
        assert sc.title.startswith("Solve for weights") and sc.state is not None


@pytest.mark.parametrize("name", list(EXERCISES))
@pytest.mark.parametrize("step", [0.05, 0.1, 0.3])
def test_following_the_hints_reaches_the_goal(name, step):
    s = _lesson(name)
    start = ex.status(s)
    assert not start.reached and "the goal is" in start.text
    moves = _follow_hint_2(s, step)
    assert 0 < moves < 400
    done = ex.status(s)
    assert done.reached and done.text.startswith("Goal reached")
    closing = ex.hint(s, 1)
    assert closing.ref is None and "gradient descent" in closing.text
    # every move was a hand edit of an editable parameter, one undo step each
    editable = set(ex.current(s).editable)
    assert len(s.edits.edits) == moves and {e.ref for e in s.edits.edits} <= editable


def test_the_xor_exercise_starts_wrong_and_says_what_is_needed():
    s = _lesson("xor_by_hand")
    st = ex.status(s)
    assert st.accuracy == 0.5 and st.text == (
        "Now training accuracy 50 %; the goal is training accuracy 100 %."
    )
    blobs = ex.status(_lesson("blobs_by_hand"))
    assert blobs.loss > 0.5 and "the goal is training loss below 0.1" in blobs.text


@pytest.mark.parametrize("name", list(EXERCISES))
def test_the_hints_come_in_order(name):
    s = _lesson(name)
    grad = loss_gradient(s, full=True)
    editable = ex.current(s).editable
    steepest = max(editable, key=lambda r: abs(grad.of(r)))
    one, two, three = (ex.hint(s, k) for k in (1, 2, 3))
    assert one.ref == two.ref == three.ref == steepest
    assert one.text.startswith("Of the weights you may change") and steepest.label in one.text
    slope = grad.of(steepest)
    assert two.direction == (-1 if slope > 0 else 1)
    assert two.text.startswith("Increase" if slope < 0 else "Decrease")
    assert three.slope == slope and f"{slope:+.3g}".replace("-", "−") in three.text
    assert ex.hint(s, 7).level == 3 and ex.hint(s, 0).level == 1


def test_locked_parameters_are_refused_and_never_train():
    s = _lesson("xor_by_hand")
    editable = set(ex.current(s).editable)
    locked = [r for r in every_parameter(s.arch.widths) if r not in editable]
    assert len(locked) == 9 - 4
    before = s.params.flat.copy()
    with pytest.raises(ValueError, match=r"W⁽¹⁾₁,₁ is locked in this exercise: change W⁽¹⁾₂,₁"):
        set_parameter(s, ParamRef.weight(1, 0, 0), 2.0)
    with pytest.raises(ValueError, match="locked"):
        freeze(s, ParamRef.bias(1, 0))
    assert np.array_equal(s.params.flat, before)
    summary = s.snapshot().edits
    assert summary.editable == ex.current(s).editable
    assert all(summary.is_locked(r) for r in locked)
    # pressing Play is gradient descent on the editable weights alone, and it solves it too
    s.step(2000)
    for r in locked:
        assert r.get(s.params) == before[r.flat_index(s.arch.widths)]
    assert ex.status(s).reached


def test_the_exercise_stays_through_a_reset_and_goes_with_the_network():
    s = _lesson("blobs_by_hand")
    s.reset_parameters()
    assert ex.current(s) is not None
    from backprop_lab.engine import NetworkSpec

    s.set_network(NetworkSpec(hidden=(3,)))
    assert ex.current(s) is None
    with pytest.raises(ValueError, match="no exercise"):
        ex.status(s)


def test_goals_and_exercises_refuse_nonsense():
    ref = ParamRef.weight(1, 0, 0)
    with pytest.raises(ValueError, match="'accuracy' or 'loss'"):
        ex.Goal("speed", 1.0)
    with pytest.raises(ValueError, match="fraction"):
        ex.Goal("accuracy", 100)
    with pytest.raises(ValueError, match="finite"):
        ex.Goal("loss", float("nan"))
    with pytest.raises(ValueError, match="at least one"):
        ex.Exercise((), ex.Goal("loss", 0.1))
    with pytest.raises(ValueError, match="twice"):
        ex.Exercise((ref, ref), ex.Goal("loss", 0.1))
    assert ex.Goal("accuracy", 1.0).text == "training accuracy 100 %"
    assert ex.Goal("loss", 0.1).text == "training loss below 0.1"
    s = _lesson("blobs_by_hand")
    with pytest.raises(ValueError, match="layer 1 has 1 unit"):
        ex.start(s, ex.Exercise((ParamRef.bias(1, 1),), ex.Goal("loss", 0.1)))
    assert ex.current(s).editable == load_lesson("blobs_by_hand").edits.exercise.editable
