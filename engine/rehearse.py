"""Rehearsal: play a playbook without a window and fingerprint the state every beat ends
in (the step, the training loss, a hash of θ), to store in the file or to compare with
what it stores. A scene whose fingerprints differ no longer shows what it was written to
show: a changed seed, lesson, NumPy, or a change in the training code.

``rehearse(book)`` plays every scene in order, each beat to its end, as PageDown would;
``check(book, fresh)`` lists per scene whether it reproduces; ``with_rehearsal(book,
fresh)`` is the playbook with the new fingerprints (``save_playbook`` writes it).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .playbook import THETA_HEX, Fingerprint, Playbook
from .player import Player, train_loss
from .session import TrainingSession

Rehearsal = tuple[tuple[Fingerprint, ...], ...]  # per scene, one per beat


def theta_hash(session: TrainingSession) -> str:
    """The first hex digits of SHA-256 over θ's shapes and bytes (W⁽¹⁾, b⁽¹⁾, …)."""
    h = hashlib.sha256()
    for a in session.params.arrays():
        a = np.ascontiguousarray(a, dtype=np.float64)
        h.update(repr(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:THETA_HEX]


def fingerprint(session: TrainingSession) -> Fingerprint:
    return Fingerprint(session.step_count, train_loss(session), theta_hash(session))


def rehearse(
    book: Playbook,
    progress: Callable[[int, int], None] | None = None,
    budget_bytes: int = 0,
    each_beat: Callable[[Player], None] | None = None,
) -> Rehearsal:
    """Every beat of every scene played to its end, in order; the fingerprint after each.
    ``progress(scene, n_scenes)`` is called as each scene starts, ``each_beat(player)``
    after each beat's fingerprint (a picture of the scene, say; raising stops it)."""
    player = Player(book, budget_bytes=budget_bytes)
    out: list[list[Fingerprint]] = [[] for _ in book.scenes]
    while True:
        player.finish()
        p = player.position
        if p.beat == 0 and progress is not None:
            progress(p.scene, len(book.scenes))
        out[p.scene].append(fingerprint(player.session))
        if each_beat is not None:
            each_beat(player)
        if not player.next():
            break
    return tuple(tuple(f) for f in out)


@dataclass(frozen=True)
class SceneCheck:
    scene: int  # counting from 0
    title: str
    ok: bool
    message: str  # "reproduces (4 beats)", or what differs
    rehearsed: bool = True  # False: the file stores no fingerprints for the scene

    def line(self, n_scenes: int) -> str:
        return f"{self.scene + 1}/{n_scenes} {self.title}: {self.message}"


def _describe(f: Fingerprint) -> str:
    loss = "none" if math.isnan(f.train_loss) else f"{f.train_loss:.6g}"
    return f"step {f.step:,}, train loss {loss}, θ {f.theta}"


def check(book: Playbook, fresh: Rehearsal) -> list[SceneCheck]:
    """Per scene: do the fingerprints just made match the stored ones?"""
    out = []
    for i, (scene, now) in enumerate(zip(book.scenes, fresh)):
        stored = scene.rehearsal
        if not stored:
            msg = "not rehearsed (no fingerprints stored)"
            out.append(SceneCheck(i, scene.title, False, msg, rehearsed=False))
            continue
        if len(stored) != len(now):
            msg = f"{len(stored)} fingerprints stored for {len(now)} beats: rehearse it again"
            out.append(SceneCheck(i, scene.title, False, msg))
            continue
        bad = next((j for j, (a, b) in enumerate(zip(stored, now)) if not a.matches(b)), None)
        if bad is None:
            n = len(now)
            out.append(SceneCheck(i, scene.title, True, f"reproduces ({n} beat{'s' * (n != 1)})"))
            continue
        kind = scene.beats[bad].kind
        msg = (
            f"does not reproduce from beat {bad + 1} ({kind}): stored {_describe(stored[bad])}; "
            f"now {_describe(now[bad])}"
        )
        out.append(SceneCheck(i, scene.title, False, msg))
    return out


def made_with() -> str:
    """What fingerprints depend on besides the playbook: NumPy's arithmetic."""
    return f"NumPy {np.__version__}"


def with_rehearsal(book: Playbook, fresh: Rehearsal) -> Playbook:
    scenes = tuple(replace(s, rehearsal=f) for s, f in zip(book.scenes, fresh))
    return replace(book, scenes=scenes, rehearsed_with=made_with())
