"""The changes a playbook scene or ``set`` beat makes, by dotted path, checked and applied.

A change is a path and a value, as a scene writes them::

    {"hyper.alpha": 0.03, "network.hidden": [8, 8], "data.preset": "circles", "seed": 4}

Paths (the same ranges as a lesson file's fields; see docs/playbook-format.md):

* ``hyper.alpha``, ``hyper.batch_size``, ``hyper.lam``, ``hyper.optimizer``,
  ``hyper.batching``: α, B, λ and the update; θ is kept.
* ``network.hidden``, ``network.activations``, ``network.activation``,
  ``network.features``, ``network.init``: the design; θ is drawn afresh from the seed.
* ``data.preset`` with any of ``data.n_points``, ``data.noise``, ``data.test_fraction``,
  ``data.seed``, ``data.n_classes``: new points from a preset generator (the others at the
  preset's defaults). The task and the input stay as they were; θ is kept when its shape
  still fits (a new class count redraws it).
* ``seed``: the seed of θ and the batches; θ is drawn afresh.

``Design`` is what the changes act on (the points, the network, the update, the seed), so
a playbook is checked scene by scene without training anything: ``apply`` gives the design
after the changes or raises ``LoadError`` naming the change's path. ``apply_to_session``
makes the same changes to a live session, in the order data → seed → network → hyper, all
or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import validate as v
from .data import MAX_CLASSES, MAX_POINTS, Dataset
from .datasets import MAX_NOISE, MAX_TEST_FRACTION, PRESETS, make_preset
from .design import (
    ACTIVATION_NAMES,
    BATCHINGS,
    INIT_SCHEMES,
    MAX_HIDDEN_LAYERS,
    MAX_WIDTH,
    HyperParameters,
    NetworkSpec,
    effective_batch_size,
    steps_for_epochs,
)
from .features import FEATURES, validate_features
from .fileio import excerpt
from .optim import OPTIMIZERS
from .session import TrainingSession

MAX_SEED = 2**64 - 1
MAX_DATA_SEED = 2**63 - 1  # what the preset generators take

HYPER_PATHS = ("hyper.alpha", "hyper.batch_size", "hyper.lam", "hyper.optimizer", "hyper.batching")
NETWORK_PATHS = (
    "network.hidden",
    "network.activations",
    "network.activation",
    "network.features",
    "network.init",
)
DATA_PATHS = (
    "data.preset",
    "data.n_points",
    "data.noise",
    "data.test_fraction",
    "data.seed",
    "data.n_classes",
)
PATHS = (*HYPER_PATHS, *NETWORK_PATHS, *DATA_PATHS, "seed")


@dataclass(frozen=True)
class Design:
    """What a change acts on: everything about a session except its training state."""

    dataset: Dataset
    spec: NetworkSpec
    hyper: HyperParameters
    seed: int

    @classmethod
    def of(cls, session: TrainingSession) -> Design:
        return cls(session.dataset, session.spec, session.hyper, session.seed)

    @property
    def depth(self) -> int:
        """L, the number of layers with weights."""
        return len(self.spec.hidden) + 1

    @property
    def n_train(self) -> int:
        return self.dataset.n_train

    @property
    def batch_size(self) -> int:
        """B as a step uses it (capped at the number of training points)."""
        return effective_batch_size(self.hyper.batch_size, self.n_train)


@dataclass(frozen=True)
class Changes:
    """Checked changes, in the order the file gives them (kept for writing it back)."""

    items: tuple[tuple[str, object], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(p for p, _ in self.items)

    def get(self, path: str, default=None):
        return dict(self.items).get(path, default)

    def to_dict(self) -> dict:
        return {p: list(x) if isinstance(x, tuple) else x for p, x in self.items}


# --- reading ---------------------------------------------------------------------------------
def _names(x, path: str, choices: tuple[str, ...], max_len: int, min_len: int = 0) -> tuple:
    raw = v.array(x, path, max_len)
    if len(raw) < min_len:
        v.fail(path, f"needs at least {min_len} entr{'y' if min_len == 1 else 'ies'}")
    return tuple(v.text(a, f"{path}[{i}]", 40, choices) for i, a in enumerate(raw))


def _value(p: str, x, path: str):
    """One change's value, checked with the rules of the lesson file's field."""
    if p == "hyper.alpha":
        a = v.number(x, path)
        if not 0 < a <= 1000:
            v.fail(path, f"learning rate must be in (0, 1000], got {a:g}")
        return a
    if p == "hyper.batch_size":
        return v.integer(x, path, 1, MAX_POINTS)
    if p == "hyper.lam":
        return v.number(x, path, 0.0, 1000.0)
    if p == "hyper.optimizer":
        return v.text(x, path, 40, OPTIMIZERS)
    if p == "hyper.batching":
        return v.text(x, path, 40, BATCHINGS)
    if p == "network.hidden":
        raw = v.array(x, path, MAX_HIDDEN_LAYERS)
        return tuple(v.integer(w, f"{path}[{i}]", 1, MAX_WIDTH) for i, w in enumerate(raw))
    if p == "network.activations":
        return _names(x, path, ACTIVATION_NAMES, MAX_HIDDEN_LAYERS)
    if p == "network.activation":
        return v.text(x, path, 40, ACTIVATION_NAMES)
    if p == "network.features":
        return _names(x, path, tuple(FEATURES), len(FEATURES), 1)
    if p == "network.init":
        return v.text(x, path, 40, INIT_SCHEMES)
    if p == "data.preset":
        return v.text(x, path, 40, tuple(PRESETS))
    if p == "data.n_points":
        return v.integer(x, path, 2, MAX_POINTS)
    if p == "data.noise":
        return v.number(x, path, 0.0, MAX_NOISE)
    if p == "data.test_fraction":
        f = v.number(x, path, 0.0, MAX_TEST_FRACTION)
        if f >= MAX_TEST_FRACTION:
            v.fail(path, f"must be below {MAX_TEST_FRACTION:g}, got {f:g}")
        return f
    if p == "data.seed":
        return v.integer(x, path, 0, MAX_DATA_SEED)
    if p == "data.n_classes":
        return v.integer(x, path, 2, MAX_CLASSES)
    if p == "seed":
        return v.integer(x, path, 0, MAX_SEED)
    raise AssertionError(p)  # pragma: no cover - read_changes checks the path first


def read_changes(x, path: str, allow_empty: bool = True) -> Changes:
    """``{"hyper.alpha": 0.1, ...}`` checked value by value (not yet against a design)."""
    if not isinstance(x, dict):
        v.fail(path, f"must be an object of changes, got {v.kind(x)}")
    if not x and not allow_empty:
        v.fail(path, "must change something")
    items = []
    for p, value in x.items():
        where = v.join(path, p)
        if p not in PATHS:
            v.fail(where, f"unknown change (expected one of {', '.join(PATHS)})")
        items.append((p, _value(p, value, where)))
    return Changes(tuple(items))


# --- applying --------------------------------------------------------------------------------
def _dataset(d: dict, old: Dataset, path: str) -> Dataset:
    data = [p for p in DATA_PATHS if p in d]
    if "data.preset" not in d:
        v.fail(
            v.join(path, data[0]),
            "needs data.preset in the same changes (the points are made afresh from a preset)",
        )
    name = d["data.preset"]
    info = PRESETS[name]
    kw = {}
    for p, arg in (
        ("data.n_points", "n_points"),
        ("data.noise", "noise"),
        ("data.test_fraction", "test_fraction"),
        ("data.seed", "seed"),
    ):
        if p in d:
            kw[arg] = d[p]
    if "data.n_classes" in d:
        arg = next((a for a in ("n_classes", "n_arms") if a in info.defaults), None)
        if arg is None:
            v.fail(
                v.join(path, "data.n_classes"),
                f"the preset {excerpt(name)} has a fixed class count",
            )
        kw[arg] = d["data.n_classes"]
    try:
        ds = make_preset(name, **kw)
    except ValueError as e:
        v.fail(v.join(path, "data.preset"), str(e)[:200])
    if ds.task != old.task or ds.input_dim != old.input_dim:
        v.fail(
            v.join(path, "data.preset"),
            f"{excerpt(name)} is a {ds.task} on {ds.input_dim}-D input, the scene's is a "
            f"{old.task} on {old.input_dim}-D input: start the scene from a lesson of that task",
        )
    return ds


def _spec(d: dict, spec: NetworkSpec, input_dim: int, path: str) -> NetworkSpec:
    hidden = d.get("network.hidden", spec.hidden)
    activation = d.get("network.activation", spec.activation)
    if "network.activations" in d:
        acts = d["network.activations"]
    elif "network.activation" in d or len(hidden) != len(spec.hidden):
        acts = ()  # every hidden layer takes ``activation``
    else:
        acts = spec.activations
    if len(acts) not in (0, len(hidden)):
        v.fail(
            v.join(path, "network.activations"),
            f"{len(hidden)} hidden layer{'s' if len(hidden) != 1 else ''} need "
            f"{len(hidden)} activation{'s' if len(hidden) != 1 else ''}, got {len(acts)}",
        )
    features = d.get("network.features", spec.features)
    try:
        validate_features(features, input_dim)
    except ValueError as e:
        v.fail(v.join(path, "network.features"), str(e)[:200])
    try:
        return NetworkSpec(
            tuple(hidden),
            tuple(acts),
            activation,
            tuple(features),
            d.get("network.init", spec.init),
        )
    except ValueError as e:
        v.fail(v.join(path, "network.hidden"), str(e)[:200])


def apply(changes: Changes, design: Design, path: str) -> Design:
    """The design after ``changes``; ``LoadError`` naming the change that does not fit."""
    d = dict(changes.items)
    ds, spec, hyper, seed = design.dataset, design.spec, design.hyper, design.seed
    if any(p in d for p in DATA_PATHS):
        ds = _dataset(d, ds, path)
    if any(p in d for p in NETWORK_PATHS):
        spec = _spec(d, spec, ds.input_dim, path)
    if any(p in d for p in HYPER_PATHS):
        kw = {p.split(".", 1)[1]: d[p] for p in HYPER_PATHS if p in d}
        try:
            hyper = replace(hyper, **kw)
        except ValueError as e:
            v.fail(v.join(path, next(p for p in HYPER_PATHS if p in d)), str(e)[:200])
    if "seed" in d:
        seed = d["seed"]
    return Design(ds, spec, hyper, seed)


def apply_to_session(changes: Changes, session: TrainingSession) -> None:
    """Make ``changes`` to the session (all or nothing): new points first, then the seed and
    the network (either draws θ afresh), then α, B, λ and the update (θ kept)."""
    if not changes:
        return
    old = Design.of(session)
    new = apply(changes, old, "changes")
    d = dict(changes.items)
    with session.all_or_nothing():
        if any(p in d for p in DATA_PATHS):
            session.set_dataset(new.dataset)
        if "seed" in d:
            session.set_seed(new.seed)
        if any(p in d for p in NETWORK_PATHS):
            session.set_network(new.spec)
        if new.hyper != session.hyper:
            session.set_hyper(new.hyper)


def run_steps(design: Design, epochs: float) -> int:
    """The steps ``epochs`` passes over the training points take at the design's B."""
    return max(1, steps_for_epochs(design.n_train, design.hyper.batch_size, epochs))
