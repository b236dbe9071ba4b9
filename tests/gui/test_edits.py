"""EditHistory: undo/redo of immutable datasets, strokes, bounded depth. No Qt."""

import pytest
from backprop_lab.engine.data import empty_dataset
from backprop_lab.gui.edits import EditHistory


def chain(n):
    """Datasets d_0 (empty) … d_n, each one point more than the last."""
    ds = [empty_dataset()]
    for i in range(n):
        ds.append(ds[-1].with_point(float(i), 0.0, label=i % 2))
    return ds


def test_undo_redo_walks_the_states():
    d = chain(3)
    h = EditHistory(d[0])
    assert not h.can_undo and not h.can_redo and h.undo() is None and h.redo() is None
    for i in (1, 2, 3):
        h.push(d[i], f"add {i}")
    assert h.current is d[3] and h.undo_label == "add 3"
    assert h.undo() is d[2]
    assert h.undo() is d[1]
    assert h.can_redo and h.redo_label == "add 2"
    assert h.redo() is d[2]
    assert h.current is d[2]
    assert h.undo() is d[1] and h.undo() is d[0]
    assert not h.can_undo and h.undo() is None and h.current is d[0]
    assert h.redo() is d[1] and h.redo() is d[2] and h.redo() is d[3]
    assert not h.can_redo and h.redo() is None


def test_new_edit_after_undo_clears_the_redo_branch():
    d = chain(3)
    h = EditHistory(d[0])
    h.push(d[1])
    h.push(d[2])
    h.undo()
    other = d[1].with_point(9.0, 9.0)
    h.push(other, "branch")
    assert h.current is other and not h.can_redo
    assert h.undo() is d[1]
    assert h.redo() is other


def test_pushing_the_current_state_is_not_a_step():
    d = chain(1)
    h = EditHistory(d[0])
    h.push(d[0])
    assert not h.can_undo


def test_depth_is_bounded_and_oldest_steps_go_first():
    d = chain(10)
    h = EditHistory(d[0], max_depth=4)
    for i in range(1, 11):
        h.push(d[i])
    assert h.undo_depth == 4
    undone = [h.undo() for _ in range(5)]
    assert undone == [d[9], d[8], d[7], d[6], None]
    assert h.current is d[6]
    with pytest.raises(ValueError):
        EditHistory(d[0], max_depth=0)


def test_a_group_is_one_undo_step():
    d = chain(5)
    h = EditHistory(d[0])
    h.push(d[1], "add point")
    with h.group("paint"):
        for i in (2, 3, 4):
            h.push(d[i], "add point")
    assert h.current is d[4] and h.undo_label == "paint"
    assert h.undo() is d[1]
    assert h.redo() is d[4]
    h.push(d[5], "add point")  # after the group: a separate step
    assert h.undo() is d[4]


def test_an_empty_group_adds_nothing_and_undo_closes_a_group():
    d = chain(3)
    h = EditHistory(d[0])
    h.begin_group()
    h.end_group()
    assert not h.can_undo
    h.begin_group()
    h.push(d[1])
    h.undo()  # closes the group
    assert not h.in_group
    h.push(d[2])
    assert h.undo() is d[0]


def test_merge_folds_into_the_newest_step_but_never_the_base():
    d = chain(3)
    h = EditHistory(d[0])
    h.push(d[1], "stroke", merge=True)  # nothing to merge into: a new step
    h.push(d[2], "stroke", merge=True)
    h.push(d[3], "stroke", merge=True)
    assert h.undo_depth == 1
    assert h.undo() is d[0]
    assert h.redo() is d[3]


def test_reset_forgets_history():
    d = chain(2)
    h = EditHistory(d[0])
    h.push(d[1])
    h.reset(d[2])
    assert h.current is d[2] and not h.can_undo and not h.can_redo
