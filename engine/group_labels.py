"""Labels of runs compared side by side: exactly what differs from run A.

``differences`` lists the settings in which a run differs from A, as both are shown
("α = 0.3" against "α = 3"); ``labels_of`` titles every run of a group by them ("A ·
sigmoid", "B · ReLU"; a seed fan's runs are "seed 3"), with notes on what follows
("θ₀: new draw", "batches differ") and a warning when more than one setting differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .optim import OPTIMIZER_LABELS
from .session import TrainingSession

LETTERS = "ABCDEFGH"
ACTIVATION_TEXT = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "identity": "identity"}
INIT_TEXT = {"auto": "auto", "glorot": "Glorot", "he": "He", "uniform": "uniform"}


@dataclass(frozen=True)
class Difference:
    """One setting in which a run differs from A, as both are shown: ("alpha", "α = 0.3",
    "α = 3")."""

    setting: str
    a: str
    value: str


@dataclass(frozen=True)
class RunLabel:
    """A run's title and what the viewer must know about it.

    ``text`` names what differs ("B · ReLU"; A names its own values of those settings,
    "A · sigmoid"; a seed fan's runs are "seed 3"); ``notes`` say what follows from it
    ("θ₀: new draw", "batches differ"); ``warning`` is set when more than one setting
    differs from A, so the comparison is not of one thing."""

    letter: str
    text: str
    differences: tuple[Difference, ...] = ()
    notes: tuple[str, ...] = ()
    warning: str | None = None


def _hidden_text(hidden: tuple[int, ...], other: tuple[int, ...]) -> str:
    if not hidden:
        return "no hidden layer"
    widths = "-".join(str(w) for w in hidden)
    if len(hidden) == len(other):
        return f"widths {widths}"
    layers = "layer" if len(hidden) == 1 else "layers"
    return f"{len(hidden)} hidden {layers} ({widths})"


def _acts_text(acts: tuple[str, ...]) -> str:
    unique = list(dict.fromkeys(acts))
    return "/".join(ACTIVATION_TEXT.get(a, a) for a in unique)


def _batch_text(session: TrainingSession) -> str:
    b = session.effective_batch_size
    return "full batch" if b >= session.n_train else f"batch {b}"


def differences(a: TrainingSession, run: TrainingSession) -> tuple[Difference, ...]:
    """The settings in which ``run`` differs from ``a``, in the panels' order."""
    out: list[Difference] = []
    sa, sr = a.spec, run.spec
    if sa.hidden != sr.hidden:
        out.append(
            Difference(
                "hidden", _hidden_text(sa.hidden, sr.hidden), _hidden_text(sr.hidden, sa.hidden)
            )
        )
    if len(sa.hidden) == len(sr.hidden):
        acts_differ = sa.activations != sr.activations
    else:  # other depths: the kinds of units used, when both have hidden units at all
        acts_differ = bool(sa.hidden and sr.hidden) and set(sa.activations) != set(sr.activations)
    if acts_differ:
        out.append(Difference("activation", _acts_text(sa.activations), _acts_text(sr.activations)))
    if sa.features != sr.features:
        out.append(
            Difference(
                "features", "inputs " + ", ".join(sa.features), "inputs " + ", ".join(sr.features)
            )
        )
    if sa.init != sr.init:
        out.append(Difference("init", f"init {INIT_TEXT[sa.init]}", f"init {INIT_TEXT[sr.init]}"))
    ha, hr = a.hyper, run.hyper
    if ha.alpha != hr.alpha:
        out.append(Difference("alpha", f"α = {ha.alpha:g}", f"α = {hr.alpha:g}"))
    if a.effective_batch_size != run.effective_batch_size:
        out.append(Difference("batch_size", _batch_text(a), _batch_text(run)))
    if ha.lam != hr.lam:
        out.append(Difference("lam", f"λ = {ha.lam:g}", f"λ = {hr.lam:g}"))
    if ha.optimizer != hr.optimizer:
        out.append(
            Difference("optimizer", OPTIMIZER_LABELS[ha.optimizer], OPTIMIZER_LABELS[hr.optimizer])
        )
    if ha.batching != hr.batching:
        names = {"random": "random batches", "epochs": "epochs"}
        out.append(Difference("batching", names[ha.batching], names[hr.batching]))
    if a.seed != run.seed:
        out.append(Difference("seed", f"seed {a.seed}", f"seed {run.seed}"))
    return tuple(out)


def theta0_source(a: TrainingSession, run: TrainingSession) -> str:
    """Where a run's θ₀ comes from in a comparison: "same" (its own draw is A's, bit for
    bit), "kept" (A's draw, though "auto" would scale it otherwise for this run's units)
    or "new" (its own draw from its seed: other shapes, another seed or another init)."""
    if run.seed != a.seed or run.arch.widths != a.arch.widths or run.spec.init != a.spec.init:
        return "new"
    return "same" if tuple(run.init_schemes) == tuple(a.init_schemes) else "kept"


def is_seed_fan(sessions: Sequence[TrainingSession]) -> bool:
    """Two or more runs with A's network and hyper-parameters and distinct seeds."""
    if len(sessions) < 2 or len({s.seed for s in sessions}) != len(sessions):
        return False
    a = sessions[0]
    return all(s.spec == a.spec and s.hyper == a.hyper for s in sessions[1:])


def labels_of(sessions: Sequence[TrainingSession]) -> tuple[RunLabel, ...]:
    """Every run's label, A's included (see ``RunLabel``)."""
    a = sessions[0]
    if len(sessions) == 1:
        return (RunLabel("A", "A"),)
    if is_seed_fan(sessions):
        return tuple(
            RunLabel(
                LETTERS[i],
                f"seed {s.seed}",
                differences(a, s),
                () if i == 0 else ("θ₀: new draw", "batches follow the seed"),
            )
            for i, s in enumerate(sessions)
        )
    diffs = [differences(a, s) for s in sessions]
    changed = [d.setting for ds in diffs for d in ds]
    a_parts = []
    for setting in dict.fromkeys(changed):
        first = next(d for ds in diffs for d in ds if d.setting == setting)
        a_parts.append(first.a)
    out = [RunLabel("A", " · ".join(["A", ", ".join(a_parts)]) if a_parts else "A")]
    for i, (s, ds) in enumerate(zip(sessions[1:], diffs[1:]), 1):
        letter = LETTERS[i]
        shown = ", ".join(d.value for d in ds) or "same as A"
        notes = []
        source = theta0_source(a, s)
        if source == "new":
            notes.append("θ₀: new draw")
        elif source == "kept":
            notes.append("θ₀: A's draw")
        if {"seed", "batch_size", "batching"} & {d.setting for d in ds}:
            notes.append("batches differ")
        warning = None
        if len(ds) > 1:
            warning = f"{len(ds)} settings differ from A ({shown}): not a one-setting comparison"
        out.append(RunLabel(letter, f"{letter} · {shown}", ds, tuple(notes), warning))
    return tuple(out)
