"""What the playbook tests share: a digest of everything a beat's start must restore, and
a small playbook that plays in a fraction of a second."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from functools import cache

import numpy as np
from backprop_lab.engine.playbook import Playbook, load_builtin, playbook_from_dict
from backprop_lab.engine.session import TrainingSession


def state_digest(s: TrainingSession) -> str:
    """θ, the optimizer's state, the batch RNG and epoch order, the counters, the design,
    the points, the latest metrics, the visible history and the rewind timeline's steps."""
    h = hashlib.sha256()

    def add(x) -> None:
        h.update(repr(x).encode())

    def arr(a) -> None:
        a = np.ascontiguousarray(a)
        add((a.dtype.str, a.shape))
        h.update(a.tobytes())

    for a in s.params.arrays():
        arr(a)
    opt = s.optimizer.get_state()
    for k in sorted(opt):
        add(k)
        if isinstance(opt[k], list):
            for a in opt[k]:
                arr(a)
        else:
            add(opt[k])
    bs = s.batch_state()
    add(bs.rng)
    arr(bs.order)
    add(bs.order_pos)
    add((s.step_count, s.samples_seen, s.diverged, s.seed, s.hyper, s.spec))
    ds = s.dataset
    for a in (ds.points, ds.y, ds.is_test):
        arr(a)
    hist = s.history.arrays()
    add((len(s.history), s.history.stride))
    for f in dataclasses.fields(hist):
        arr(getattr(hist, f.name))
    if s.last is not None:
        for k in s.last:
            v = s.last[k]
            arr(v) if isinstance(v, np.ndarray) else add(v)
    add(s.timeline.steps)
    return h.hexdigest()


@cache
def week5() -> Playbook:
    return load_builtin("week5")


TINY = {
    "format": "backprop-lab-playbook",
    "version": 1,
    "title": "Tiny",
    "scenes": [
        {
            "title": "One",
            "text": "XOR, smaller steps",
            "notes": "say hello",
            "start": {"lesson": "xor"},
            "changes": {"hyper.alpha": 0.5, "hyper.batch_size": 8},
            "view": {"panels": ["canvas", "loss"], "diagram": True, "type_size": 1.5},
            "beats": [
                {"type": "show", "text": "here we go"},
                {
                    "type": "ask",
                    "question": "Where does the loss go?",
                    "choices": ["down", "up"],
                    "answer": "A",
                    "hide": ["loss", "regions"],
                    "think": 10,
                },
                {"type": "run", "steps": 40, "speed": 20},
                {"type": "reveal"},
                {"type": "note", "text": "mention α"},
                {"type": "set", "changes": {"hyper.alpha": 0.05, "hyper.optimizer": "momentum"}},
                {"type": "run", "until": {"train_loss_below": 0.3}, "max_steps": 60},
            ],
        },
        {
            "title": "Two",
            "start": "continue",
            "changes": {"network.hidden": [3, 3], "network.activation": "tanh"},
            "beats": [
                {"type": "walk", "to": "forward", "layer": 1, "point": 6},
                {"type": "walk", "to": "delta", "layer": 2, "point": 6},
                {"type": "trace", "point": 3},
                {"type": "walk", "to": "update", "point": 6},
                {"type": "pause"},
                {"type": "run", "epochs": 0.5, "speed": "max"},
                {
                    "type": "compare",
                    "runs": [{"label": "a"}, {"label": "b", "changes": {"seed": 2}}],
                },
            ],
        },
        {
            "title": "Three",
            "start": {"lesson": "gaussians4"},
            "beats": [
                {
                    "type": "ask",
                    "question": "How many output units?",
                    "answer": "four",
                    "hide": ["numbers"],
                },
                {"type": "run", "steps": 25},
                {"type": "reveal", "text": "four"},
            ],
        },
    ],
}


def tiny_dict() -> dict:
    return copy.deepcopy(TINY)


def tiny() -> Playbook:
    return playbook_from_dict(tiny_dict())
