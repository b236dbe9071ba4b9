"""One-call comparisons on the current run: the chains of one-setting contrasts that
demonstrations of training are made of.

``contrast(session, key)`` returns a new ``RunGroup`` on the session's data and network,
every run at θ₀ and step 0 (the group's rules: same θ₀ where the shapes allow, the same
batches where B allows); the session itself is left as it is, so a window can keep it for
an undo. The runs come in the order of the menu entry, the first one being A:

==========  ==============================  ==========================================
key         runs                            what differs
==========  ==============================  ==========================================
activation  sigmoid | ReLU                  every hidden layer's units (θ₀ kept)
alpha       α ×0.1 | ×1 | ×10               the learning rate
optimizer   SGD | momentum | Adam           the update rule
batch       B = 1 | full                    the batch size ("batches differ")
lam         λ = 0 | 0.01                    the weight decay
hidden      0 | 1 hidden layer              the depth (θ₀: new draw)
seeds4      seeds s, s+1, s+2, s+3          θ₀ and batches (a seed fan)
seeds8      seeds s … s+7                   θ₀ and batches (a seed fan)
==========  ==============================  ==========================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .group import MAX_SEEDS, RunGroup, RunSettings, group_of
from .records import Snapshot
from .session import TrainingSession

MAX_ALPHA = 1000.0  # what a lesson file accepts
MAX_SEED = 2**64 - 1
LAMBDA = 0.01
DEFAULT_WIDTH = 4  # the hidden layer of "0 | 1 hidden layer" when the network has none


def _round(x: float) -> float:
    """α × 0.1 is 0.030000000000000002 in binary; the run shows and saves 0.03."""
    return float(f"{x:.6g}")


def _activation(s: TrainingSession) -> list[RunSettings] | str:
    if not s.spec.hidden:
        return "the network has no hidden layer: add one to compare activations"
    return [
        RunSettings(replace(s.spec, activations=(), activation=a), s.hyper, s.seed)
        for a in ("sigmoid", "relu")
    ]


def _alpha(s: TrainingSession) -> list[RunSettings] | str:
    alphas = [_round(s.hyper.alpha * f) for f in (0.1, 1.0, 10.0)]
    if alphas[-1] > MAX_ALPHA:
        return f"α × 10 would be {alphas[-1]:g}, above {MAX_ALPHA:g}"
    return [RunSettings(s.spec, replace(s.hyper, alpha=a), s.seed) for a in alphas]


def _optimizer(s: TrainingSession) -> list[RunSettings]:
    return [
        RunSettings(s.spec, replace(s.hyper, optimizer=o), s.seed)
        for o in ("sgd", "momentum", "adam")
    ]


def _batch(s: TrainingSession) -> list[RunSettings] | str:
    if s.n_train < 2:
        return "B = 1 and the full batch are the same with fewer than two training points"
    return [RunSettings(s.spec, replace(s.hyper, batch_size=b), s.seed) for b in (1, s.n_train)]


def _lam(s: TrainingSession) -> list[RunSettings]:
    return [RunSettings(s.spec, replace(s.hyper, lam=lam), s.seed) for lam in (0.0, LAMBDA)]


def _hidden(s: TrainingSession) -> list[RunSettings]:
    spec = s.spec
    width = spec.hidden[0] if spec.hidden else DEFAULT_WIDTH
    unit = (*spec.activations, spec.activation)[0]
    none = replace(spec, hidden=(), activations=(), activation=unit)
    one = replace(spec, hidden=(width,), activations=(), activation=unit)
    return [RunSettings(none, s.hyper, s.seed), RunSettings(one, s.hyper, s.seed)]


def seed_settings(s: TrainingSession, n: int) -> list[RunSettings]:
    """The session's settings with seeds s, s+1, …, s+n−1 (wrapping past 2⁶⁴−1)."""
    if not 2 <= n <= MAX_SEEDS:
        raise ValueError(f"a seed fan has 2..{MAX_SEEDS} seeds, got {n}")
    return [RunSettings(s.spec, s.hyper, (s.seed + k) % (MAX_SEED + 1)) for k in range(n)]


@dataclass(frozen=True)
class Contrast:
    key: str
    title: str  # the menu entry
    make: Callable[[TrainingSession], list[RunSettings] | str]


CONTRASTS: dict[str, Contrast] = {
    c.key: c
    for c in (
        Contrast("activation", "sigmoid | ReLU", _activation),
        Contrast("alpha", "α ×0.1 | ×1 | ×10", _alpha),
        Contrast("optimizer", "SGD | momentum | Adam", _optimizer),
        Contrast("batch", "B = 1 | full", _batch),
        Contrast("lam", f"λ = 0 | {LAMBDA:g}", _lam),
        Contrast("hidden", "0 | 1 hidden layer", _hidden),
        Contrast("seeds4", "seeds ×4", lambda s: seed_settings(s, 4)),
        Contrast("seeds8", "seeds ×8", lambda s: seed_settings(s, 8)),
    )
}


def _settings(session: TrainingSession, key: str) -> list[RunSettings] | str:
    if key not in CONTRASTS:
        raise ValueError(f"unknown contrast {key!r}; expected {', '.join(CONTRASTS)}")
    return CONTRASTS[key].make(session)


def unavailable(session: TrainingSession | Snapshot, key: str) -> str | None:
    """Why ``contrast(session, key)`` cannot be made on this run (None if it can), for a
    menu entry's tooltip. A snapshot does as well as the session (the contrasts read only
    its design, settings, seed and training points), so the window asks without waiting
    for the engine."""
    made = _settings(session, key)
    return made if isinstance(made, str) else None


def contrast(session: TrainingSession, key: str) -> RunGroup:
    """A new group comparing the runs of contrast ``key`` (see ``CONTRASTS``) on the
    session's data and network. ValueError says why when it cannot be made."""
    made = _settings(session, key)
    if isinstance(made, str):
        raise ValueError(made)
    return group_of(session, made)


def seed_fan(session: TrainingSession, n: int) -> RunGroup:
    """``n`` runs (2..8) that differ only by their seeds, A's first."""
    return group_of(session, seed_settings(session, n))
