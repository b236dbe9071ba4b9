"""Playbook files: what loads, what is refused (with the field named), what is written."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.fileio import LoadError
from backprop_lab.engine.phases import PhaseWalk
from backprop_lab.engine.playbook import (
    BEATS,
    Ask,
    Playbook,
    Run,
    Scene,
    Start,
    Walk,
    from_json,
    list_playbooks,
    load_playbook,
    playbook_from_dict,
    save_playbook,
    to_json,
    walk_index,
)
from backprop_lab.engine.player import Player
from backprop_lab.engine.scenario import scenario_from_session, scenario_to_dict

from .playbook_support import tiny, tiny_dict, week5


def test_the_tiny_playbook_reads_every_beat_kind():
    book = tiny()
    kinds = {b.kind for s in book.scenes for b in s.beats}
    assert kinds == set(BEATS)
    one = book.scenes[0]
    assert one.view.panels == ("canvas", "loss") and one.view.diagram and one.view.type_size == 1.5
    assert one.changes.paths == ("hyper.alpha", "hyper.batch_size")
    ask = one.beats[1]
    assert isinstance(ask, Ask) and ask.answer_index == 0 and ask.hide == ("loss", "regions")
    until = one.beats[6]
    assert isinstance(until, Run) and until.until_loss == 0.3 and until.max_steps == 60
    assert book.scenes[1].beats[5].speed == 0  # "max"
    assert book.scenes[2].beats[0].choices == ()  # an open question


def test_writing_and_reading_back_gives_the_same_file():
    for book in (tiny(), week5()):
        text = to_json(book)
        assert to_json(from_json(text)) == text
    assert "δ" in to_json(week5())  # written as text, not \u escapes


def test_the_built_in_playbook_is_listed():
    assert "week5" in list_playbooks()


def test_walk_positions_follow_the_phase_walk():
    """The file's phase names map onto PhaseWalk's order for any depth."""
    from backprop_lab.engine.lessons import load_lesson
    from backprop_lab.engine.scenario import session_from_scenario

    s = session_from_scenario(load_lesson("deep_sigmoid"))  # L = 7
    names = PhaseWalk(s).phase_names()
    L = s.arch.depth
    assert names[walk_index("batch", None, L)] == "batch"
    assert names[walk_index("forward", 3, L)] == "forward ⁽³⁾"
    assert names[walk_index("likelihood", None, L)] == "likelihood"
    assert names[walk_index("delta", 7, L)] == "δ⁽⁷⁾"
    assert names[walk_index("dW", 1, L)] == "dJ/dW⁽¹⁾"
    assert names[walk_index("db", 4, L)] == "dJ/db⁽⁴⁾"
    assert names[walk_index("update", None, L)] == "update"


def _broken(edit) -> str:
    d = tiny_dict()
    edit(d)
    with pytest.raises(LoadError) as e:
        playbook_from_dict(d)
    return str(e.value)


def _set(path, value):
    def edit(d):
        target = d
        for k in path[:-1]:
            target = target[k]
        target[path[-1]] = value

    return edit


def _delete(path):
    def edit(d):
        target = d
        for k in path[:-1]:
            target = target[k]
        del target[path[-1]]

    return edit


S0, S1 = ("scenes", 0), ("scenes", 1)
CASES = [
    (_set(("format",), "backprop-lab-scenario"), "format: not a Backprop Lab playbook"),
    (_set(("version",), 2), "version: version 2 is not supported (written by a newer"),
    (_set(("scenes",), []), "scenes: a playbook needs at least one scene"),
    (_set(("extra",), 1), "extra: unknown field"),
    (_delete(("title",)), "file: missing field 'title'"),
    (_set((*S0, "start"), "continue"), "scenes[0].start: the first scene has nothing to continue"),
    (_set((*S0, "start"), {"lesson": "nope"}), 'scenes[0].start.lesson: no built-in lesson "nope"'),
    (_set((*S0, "start"), {"lesson": "xor", "embedded": {}}), "scenes[0].start: needs exactly one"),
    (
        _set((*S0, "changes", "hyper.alpha"), -1),
        'scenes[0].changes."hyper.alpha": learning rate must be in (0, 1000], got -1',
    ),
    (_set((*S0, "changes", "alpha"), 1), "scenes[0].changes.alpha: unknown change (expected"),
    (
        _set((*S1, "changes", "network.activations"), ["relu"]),
        'scenes[1].changes."network.activations": 2 hidden layers need 2 activations, got 1',
    ),
    (
        _set((*S1, "changes", "network.features"), ["x1", "x9"]),
        'scenes[1].changes."network.features"[1]: must be one of',
    ),
    (
        _set((*S0, "changes", "data.noise"), 0.2),
        'scenes[0].changes."data.noise": needs data.preset in the same changes',
    ),
    (
        _set((*S0, "changes", "data.preset"), "sine_1d"),
        'scenes[0].changes."data.preset": "sine_1d" is a regression on 1-D input',
    ),
    (
        _set((*S0, "changes", "data.n_classes"), 3),
        'scenes[0].changes."data.n_classes": needs data.preset',
    ),
    (_set((*S0, "view", "panels"), ["plots"]), "scenes[0].view.panels[0]: must be one of canvas"),
    (_set((*S0, "view", "panels"), []), "scenes[0].view.panels: must show at least one panel"),
    (_set((*S0, "view", "canvas"), [6, -6, -6, 6]), "scenes[0].view.canvas: the x range must run"),
    (_set((*S0, "view", "type_size"), 9), "scenes[0].view.type_size: must be in [0.6, 3]"),
    (_set((*S0, "view", "diagram"), 1), "scenes[0].view.diagram: must be true or false"),
    (_set((*S0, "beats"), []), "scenes[0].beats: a scene needs at least one beat"),
    (_set((*S0, "beats", 0, "type"), "dance"), "scenes[0].beats[0].type: must be one of show, ask"),
    (_delete((*S0, "beats", 0, "type")), "scenes[0].beats[0]: missing field 'type'"),
    (_set((*S0, "beats", 0, "speed"), 3), "scenes[0].beats[0].speed: unknown field"),
    (
        _set((*S0, "beats", 1, "answer"), "E"),
        'scenes[0].beats[1].answer: must be one of A, B, got "E"',
    ),
    (_set((*S0, "beats", 1, "choices"), ["only"]), "scenes[0].beats[1].choices: needs 2 to 4"),
    (
        _set((*S0, "beats", 1, "hide"), ["loss", "loss"]),
        'scenes[0].beats[1].hide[1]: "loss" appears',
    ),
    (_set((*S0, "beats", 1, "think"), 9000), "scenes[0].beats[1].think: must be in [0, 600]"),
    (_set((*S0, "beats", 1, "question"), " "), "scenes[0].beats[1].question: must not be empty"),
    (_set((*S0, "beats", 2, "epochs"), 2), 'scenes[0].beats[2]: needs exactly one of "steps"'),
    (_set((*S0, "beats", 2, "steps"), 10**6), "scenes[0].beats[2].steps: must be 1..100000"),
    (_set((*S0, "beats", 2, "speed"), "fast"), "scenes[0].beats[2].speed: must be a number"),
    (
        _delete((*S0, "beats", 6, "max_steps")),
        'scenes[0].beats[6]: an "until" run needs "max_steps"',
    ),
    (
        _set((*S0, "beats", 6, "until"), {"train_loss_below": -1}),
        "scenes[0].beats[6].until.train_loss_below: must be in [0, inf], got -1",
    ),
    (
        _set((*S0, "beats", 2), {"type": "run", "epochs": 10_000}),
        "scenes[0].beats[2].epochs: 10000 epochs are 200,000 steps at B = 8",
    ),
    (_delete((*S0, "beats", 3)), "scenes[0].beats[1]: this ask is never revealed"),
    (_set((*S0, "beats", 1), {"type": "reveal"}), "scenes[0].beats[1]: nothing to reveal"),
    (
        _set((*S0, "beats", 2), {"type": "ask", "question": "?", "answer": "yes"}),
        "scenes[0].beats[2]: the ask at beats[1] is not revealed yet",
    ),
    (_set((*S0, "beats", 4, "text"), ""), "scenes[0].beats[4].text: a note needs its text"),
    (_set((*S0, "beats", 5, "changes"), {}), "scenes[0].beats[5].changes: must change something"),
    (
        _set((*S0, "beats", 5, "changes"), {"hyper.optimizer": "rmsprop"}),
        'scenes[0].beats[5].changes."hyper.optimizer": must be one of sgd, momentum, adam',
    ),
    (_set((*S1, "beats", 1, "layer"), 4), "scenes[1].beats[1].layer: must be 1..3, got 4"),
    (_delete((*S1, "beats", 1, "layer")), "scenes[1].beats[1]: a walk to 'delta' needs \"layer\""),
    (_set((*S1, "beats", 3, "layer"), 1), "scenes[1].beats[3].layer: a walk to 'update' takes no"),
    (_set((*S1, "beats", 0, "point"), 21), "scenes[1].beats[0].point: point 21 is a test point"),
    (_set((*S1, "beats", 2, "point"), 999), "scenes[1].beats[2].point: must be 0..199, got 999"),
    (_set((*S1, "beats", 6, "runs"), [{"label": "a"}]), "scenes[1].beats[6].runs: needs 2 to 4"),
    (
        _set((*S1, "beats", 6, "runs", 1, "changes"), {"network.hidden": [0]}),
        'scenes[1].beats[6].runs[1].changes."network.hidden"[0]: must be 1..64, got 0',
    ),
    (
        _set((*S0, "rehearsal"), [{"step": 0, "train_loss": 1, "theta": "XYZ"}]),
        ".theta: must be 16",
    ),
    (_set((*S1, "title"), 5), "scenes[1].title: must be text, got a number"),
    (_set((*S1, "notes"), "x" * 30_000), "scenes[1].notes: is 30000 characters long (at most"),
]


@pytest.mark.parametrize(("edit", "message"), CASES)
def test_a_broken_playbook_is_refused_naming_the_field(edit, message):
    got = _broken(edit)
    assert message in got, got
    assert len(got) < 400


def test_a_set_beat_is_followed_when_later_beats_are_checked():
    """A set beat that removes the hidden layers makes a later walk to layer 2 wrong."""

    def edit(d):
        d["scenes"][1]["beats"].insert(0, {"type": "set", "changes": {"network.hidden": []}})

    assert "scenes[1].beats[2].layer: must be 1..1, got 2" in _broken(edit)


def test_an_embedded_lesson_is_checked_with_its_path():
    d = tiny_dict()
    ds = make_preset("xor", n_points=20, seed=2)
    s = TrainingSession(ds, NetworkSpec((3,)), HyperParameters(0.2, 4), seed=5)
    s.step(7)
    lesson = scenario_to_dict(scenario_from_session(s))
    lesson["dataset"]["points"][3][1] = "far"
    d["scenes"][2]["start"] = {"embedded": lesson}
    with pytest.raises(LoadError) as e:
        playbook_from_dict(d)
    assert str(e.value).startswith(
        "scenes[2].start.embedded: dataset.points[3][1]: must be a number"
    )


def test_an_embedded_lesson_starts_exactly_where_it_was_saved():
    ds = make_preset("moons", n_points=40, seed=2, test_fraction=0.25)
    s = TrainingSession(ds, NetworkSpec((5,)), HyperParameters(0.2, 4, optimizer="adam"), seed=5)
    s.step(33)
    d = tiny_dict()
    d["scenes"] = [
        {
            "title": "saved",
            "start": {"embedded": scenario_to_dict(scenario_from_session(s))},
            "beats": [{"type": "show"}],
        }
    ]
    book = from_json(to_json(playbook_from_dict(d)))
    p = Player(book)
    live = p.session
    assert live.step_count == 33
    for a, b in zip(live.params.arrays(), s.params.arrays()):
        assert np.array_equal(a, b)
    assert live.batch_state().rng == s.batch_state().rng
    a, b = live.optimizer.get_state(), s.optimizer.get_state()
    assert all(np.array_equal(x, y) for x, y in zip(a["m"] + a["s"], b["m"] + b["s"]))
    live.step(5)
    s.step(5)
    assert all(np.array_equal(x, y) for x, y in zip(live.params.arrays(), s.params.arrays()))


def test_the_writer_refuses_a_playbook_that_would_not_load_and_leaves_the_file(tmp_path):
    path = tmp_path / "talk.json"
    save_playbook(path, tiny())
    before = path.read_bytes()
    bad_scene = Scene("bad", Start("lesson", lesson="xor"), (Walk(to="delta", layer=9),))
    with pytest.raises(LoadError, match=r"scenes\[0\]\.beats\[0\]\.layer"):
        save_playbook(path, Playbook("t", (bad_scene,)))
    assert path.read_bytes() == before
    assert load_playbook(path).title == "Tiny"


def test_files_that_are_not_playbooks_are_refused_before_parsing(tmp_path):
    cases = {
        "empty.json": (b"", "the file is empty"),
        "list.json": (b"[1, 2]", "not a playbook: a playbook file is a JSON object"),
        "utf16.json": ("{}".encode("utf-16"), "UTF-16"),
        "cut.json": (to_json(tiny())[:300].encode(), "the file looks truncated"),
        "lesson.json": (json.dumps({"format": "backprop-lab-scenario"}).encode(), "format: not"),
        "twice.json": (b'{"title": 1, "title": 2}', "title: appears twice"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(LoadError, match=None) as e:
            load_playbook(tmp_path / name)
        assert message in str(e.value), (name, str(e.value))
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(21 * 1024 * 1024)
    with pytest.raises(LoadError, match="file too large"):
        load_playbook(big)
    os.remove(big)
