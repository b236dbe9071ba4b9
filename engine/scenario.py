"""Lesson (scenario) files: a whole session as versioned JSON, validated field by field.

A scenario holds the points, the network design, the hyper-parameters and the seed, and
optionally the training state (θ, the optimizer's moments, the batch RNG, the epoch order)
so that a loaded session continues with bit-identical numbers. Layout (version 1)::

    {"format": "backprop-lab-scenario", "version": 1,
     "title": "...", "description": "...", "seed": 0,
     "dataset": {"task", "n_classes", "input_dim", "points": [[x1, x2], ...],
                 "y": [...], "is_test": [true|false, ...],
                 "class_names": ["inner", ...] (optional: names of classes 0, 1, …)},
     "network": {"hidden": [4], "activations": ["sigmoid"], "activation": "sigmoid",
                 "features": ["x1", "x2"], "init": "auto"},
     "hyper": {"alpha", "batch_size", "lam", "optimizer", "batching"},
     "state": null | {"step", "samples_seen", "W": [M×M' matrices], "b": [M vectors],
                      "optimizer": {"t", and "v" or "m", "s" as {"W", "b"}},
                      "rng": numpy's PCG64 state, "order": [...], "order_pos",
                      "epoch": epochs done (optional; else samples_seen / N_train),
                      "diverged": null | "...", "last": null | {metrics, null for NaN},
                      "history": the curves up to "step" (optional; see scenario_history),
                      "guard": the divergence guard (optional; see scenario_guard)}}

Floats are written with ``repr`` and so read back exactly. Loading never executes
anything (plain ``json``, no pickle, no eval); it checks the size and the first character
before parsing, then every field (types, ranges, shapes, the RNG state, the metrics), and
raises ``LoadError`` (alias ``ScenarioError``) naming the field path and the reason, with
at most a short quote of the input, before anything is built.

Slightly over 450 lines: the writer and the reader of one format stay side by side, so a
field added to one is seen in the other.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from . import validate as _v
from .compare_block import CompareBlock, compare_to_dict, read_compare
from .data import MAX_CLASSES, MAX_POINTS, TASKS, Dataset, check_class_names
from .features import validate_features
from .fileio import MAX_FILE_BYTES, LoadError, atomic_write_text, excerpt, read_capped  # noqa: F401 (re-exported)
from .jsonfile import check_start, dump, parse_object
from .network import Parameters
from .optim import OPTIMIZERS
from .scenario_edits import LessonEdits, edits_of, edits_to_dict, install_edits, read_edits
from .scenario_guard import guard_to_json, read_guard
from .scenario_history import (
    history_of,
    history_to_json,
    install_history,
    read_history,
    read_last,
)
from .session import (
    ACTIVATION_NAMES,
    BATCHINGS,
    INIT_SCHEMES,
    MAX_HIDDEN_LAYERS,
    MAX_WIDTH,
    Checkpoint,
    HyperParameters,
    NetworkSpec,
    TrainingSession,
)

FORMAT = "backprop-lab-scenario"
VERSION = 1
MAX_TITLE = 200
MAX_DESCRIPTION = 20_000
MAX_SEED = 2**64 - 1
MAX_STEP = 2**62
METRIC_KEYS = ("batch_loss", "train_loss", "test_loss", "train_acc", "test_acc")
LAYER_METRIC_KEYS = ("delta_mean_abs", "grad_norms", "weight_norms")
OPTIMIZER_STATE_KEYS = {"sgd": (), "momentum": ("v",), "adam": ("m", "s")}
MAX_STRIDE = 2**62


# one error type for every loader (lessons and CSV); the old name stays
ScenarioError = LoadError


@dataclass
class Scenario:
    dataset: Dataset
    spec: NetworkSpec
    hyper: HyperParameters
    seed: int = 0
    title: str = ""
    description: str = ""
    state: Checkpoint | None = None  # θ and everything else that changes when a step runs
    # the curves up to the saved step (see scenario_history); only with a state
    history: dict[str, np.ndarray] | None = None
    compare: CompareBlock | None = None  # the runs compared with this one (compare_file)
    edits: LessonEdits | None = None  # hand edits, frozen weights, an exercise (scenario_edits)


# --- sessions ------------------------------------------------------------------------------
def scenario_from_session(
    session: TrainingSession,
    include_parameters: bool = True,
    title: str = "",
    description: str = "",
) -> Scenario:
    """The session as a scenario; with ``include_parameters`` also its training state."""
    state = session.checkpoint() if include_parameters else None
    history = history_of(session) if include_parameters else None
    return Scenario(
        session.dataset,
        session.spec,
        session.hyper,
        session.seed,
        title,
        description,
        state,
        history,
        edits=edits_of(session, include_parameters),
    )


def session_from_scenario(sc: Scenario) -> TrainingSession:
    """A fresh session; with a state, it continues exactly where the saved one stopped and
    shows the saved curves. ``LoadError`` if the parts do not fit together."""
    try:
        return _session_from_scenario(sc)
    except LoadError:
        raise
    except (ValueError, TypeError, IndexError) as e:
        # the reader checks every field; this is the net under it, so a lesson that slips
        # through still gives the loaders' error, not a traceback
        raise LoadError(f"the lesson's parts do not fit together: {str(e)[:200]}") from None


def _session_from_scenario(sc: Scenario) -> TrainingSession:
    def edits(session: TrainingSession) -> None:
        if sc.edits is not None:  # before the state: its checkpoints count the edits
            install_edits(session, sc.edits)

    if sc.state is None:
        session = TrainingSession(sc.dataset, sc.spec, sc.hyper, sc.seed)
        edits(session)
        return session
    cp = sc.state
    session = TrainingSession.from_checkpoint(
        sc.dataset,
        sc.spec,
        sc.hyper,
        sc.seed,
        Checkpoint(
            step=cp.step,
            samples_seen=cp.samples_seen,
            params=cp.params.copy(),
            optimizer={
                k: [np.array(a) for a in v] if isinstance(v, list) else v
                for k, v in cp.optimizer.items()
            },
            rng=_copy_rng(cp.rng),
            order=np.array(cp.order, dtype=np.int64),
            order_pos=cp.order_pos,
            last=dict(cp.last) if cp.last else {},
            diverged=cp.diverged,
            guard=cp.guard,
            rollback=cp.rollback,  # only ever read from: shared
            epoch=cp.epoch,
        ),
        prepare=edits,
    )
    if sc.history is not None:
        install_history(session, sc.history)
    return session


def _copy_rng(state: dict) -> dict:
    return {k: (dict(v) if isinstance(v, dict) else v) for k, v in state.items()}


# --- writing -------------------------------------------------------------------------------
def _py_float(v) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def _same_state(a: Checkpoint, b: Checkpoint) -> bool:
    """Whether restoring ``b`` would give exactly the state ``a`` describes."""
    if a.step != b.step or a.samples_seen != b.samples_seen or a.rng != b.rng:
        return False
    if a.order_pos != b.order_pos or not np.array_equal(a.order, b.order):
        return False
    if a.guard != b.guard or a.diverged != b.diverged or set(a.optimizer) != set(b.optimizer):
        return False
    arrays = zip(a.params.arrays(), b.params.arrays())
    if not all(np.array_equal(x, y) for x, y in arrays):
        return False
    for k, x in a.optimizer.items():
        y = b.optimizer[k]
        same = all(np.array_equal(p, q) for p, q in zip(x, y)) if isinstance(x, list) else x == y
        if not same:
            return False
    return True


def _guard_to_dict(cp: Checkpoint) -> dict:
    out = guard_to_json(cp.guard)
    back = cp.rollback
    out["rollback"] = None if back is None or _same_state(cp, back) else _state_to_dict(back)
    return out


def _state_to_dict(cp: Checkpoint, history: dict | None = None) -> dict:
    for a in cp.params.arrays():
        if not np.all(np.isfinite(a)):
            raise ValueError(
                "the parameters are not finite (training diverged): "
                "rewind or reset before saving them, or save without parameters"
            )
    opt: dict = {"t": int(cp.optimizer["t"])}
    for k, arrays in cp.optimizer.items():
        if k == "t":
            continue
        opt[k] = {
            "W": [np.asarray(a).tolist() for a in arrays[0::2]],
            "b": [np.asarray(a).reshape(-1).tolist() for a in arrays[1::2]],
        }
    last = None
    if cp.last:
        last = {"step": int(cp.last.get("step", cp.step))}
        for k in METRIC_KEYS:
            last[k] = _py_float(cp.last.get(k, math.nan))
        depth = len(cp.params.W)
        for k in LAYER_METRIC_KEYS:
            values = np.asarray(cp.last.get(k, ()), dtype=np.float64).reshape(-1)
            if values.size != depth:
                values = np.full(depth, math.nan)
            last[k] = [_py_float(v) for v in values]
    rng = cp.rng
    return {
        "step": int(cp.step),
        "samples_seen": int(cp.samples_seen),
        "W": [w.tolist() for w in cp.params.W],
        "b": [b.reshape(-1).tolist() for b in cp.params.b],
        "optimizer": opt,
        "rng": {
            "bit_generator": str(rng["bit_generator"]),
            "state": {"state": int(rng["state"]["state"]), "inc": int(rng["state"]["inc"])},
            "has_uint32": int(rng["has_uint32"]),
            "uinteger": int(rng["uinteger"]),
        },
        "order": [int(i) for i in cp.order],
        "order_pos": int(cp.order_pos),
        **({} if cp.epoch is None or not math.isfinite(cp.epoch) else {"epoch": cp.epoch}),
        "diverged": cp.diverged,
        "last": last,
        **({} if history is None else {"history": history_to_json(history)}),
        **({} if cp.guard is None else {"guard": _guard_to_dict(cp)}),
    }


def scenario_to_dict(sc: Scenario) -> dict:
    ds, spec, hyper = sc.dataset, sc.spec, sc.hyper
    d = {
        "format": FORMAT,
        "version": VERSION,
        "title": str(sc.title),
        "description": str(sc.description),
        "seed": int(sc.seed),
        "dataset": {
            "task": ds.task,
            "n_classes": int(ds.n_classes),
            "input_dim": int(ds.input_dim),
            "points": ds.points.tolist(),
            "y": ds.y.tolist(),
            "is_test": ds.is_test.tolist(),
            **({"class_names": list(ds.class_names)} if ds.class_names else {}),
        },
        "network": {
            "hidden": [int(w) for w in spec.hidden],
            "activations": list(spec.activations),
            "activation": spec.activation,
            "features": list(spec.features),
            "init": spec.init,
        },
        "hyper": {
            "alpha": float(hyper.alpha),
            "batch_size": int(hyper.batch_size),
            "lam": float(hyper.lam),
            "optimizer": hyper.optimizer,
            "batching": hyper.batching,
        },
        "state": None if sc.state is None else _state_to_dict(sc.state, sc.history),
        **edits_to_dict(sc.edits),
    }
    if sc.compare is not None:
        d["compare"] = compare_to_dict(sc.compare, d, scenario_to_dict)
    return d


def to_json(sc: Scenario) -> str:
    """The scenario as JSON text. It is validated exactly as a load would validate it, so
    a file this writes always loads (ScenarioError names the offending field otherwise)."""
    d = scenario_to_dict(sc)
    scenario_from_dict(d)
    return dump(d) + "\n"


def save_scenario(path: str | os.PathLike, sc: Scenario, stop=None, progress=None) -> None:
    """Validate, then write atomically (see ``fileio.atomic_write_text``, which also says
    what ``stop`` and ``progress`` do): a crash leaves either the old file or the new one,
    never half of one, and no temporary file."""
    atomic_write_text(path, to_json(sc), stop, progress)


# --- reading: every field checked, with its path --------------------------------------------
_fail, _kind, _object, _join = _v.fail, _v.kind, _v.obj, _v.join
_int, _float, _float_or_nan, _str = _v.integer, _v.number, _v.number_or_nan, _v.text
_list, _vector, _matrix = _v.array, _v.vector, _v.matrix


def _read_dataset(v) -> Dataset:
    p = "dataset"
    d = _object(
        v, p, ("task", "n_classes", "input_dim", "points", "y", "is_test"), ("class_names",)
    )
    task = _str(d["task"], f"{p}.task", choices=TASKS)
    n_classes = _int(d["n_classes"], f"{p}.n_classes", 2, MAX_CLASSES)
    input_dim = _int(d["input_dim"], f"{p}.input_dim", 1, 2)
    if task == "classification" and input_dim != 2:
        _fail(f"{p}.input_dim", f"classification takes 2-D input, got {input_dim}")
    raw = _list(d["points"], f"{p}.points", MAX_POINTS)
    n = len(raw)
    points = np.empty((n, 2))
    for i, pt in enumerate(raw):
        if not isinstance(pt, list) or len(pt) != 2:
            _fail(f"{p}.points[{i}]", f"must be a pair [x1, x2], got {_kind(pt)}")
        points[i, 0] = _v.coord(pt[0], f"{p}.points[{i}][0]")
        points[i, 1] = _v.coord(pt[1], f"{p}.points[{i}][1]")
    ys = _list(d["y"], f"{p}.y", MAX_POINTS, n)
    if task == "classification":
        y = np.array(
            [_int(x, f"{p}.y[{i}]", 0, n_classes - 1) for i, x in enumerate(ys)], dtype=np.int64
        )
    else:
        y = np.array([_v.coord(x, f"{p}.y[{i}]") for i, x in enumerate(ys)], dtype=np.float64)
        if input_dim == 1:
            for i in range(n):
                if y[i] != points[i, 1]:
                    _fail(
                        f"{p}.y[{i}]",
                        f"a 1-D curve's target is the point's height {excerpt(points[i, 1])}, "
                        f"got {excerpt(y[i])}",
                    )
    tests = _list(d["is_test"], f"{p}.is_test", MAX_POINTS, n)
    for i, t in enumerate(tests):
        if not isinstance(t, bool):
            _fail(f"{p}.is_test[{i}]", f"must be true or false, got {_kind(t)}")
    names: tuple[str, ...] = ()
    if "class_names" in d:
        if task != "classification":
            _fail(f"{p}.class_names", "only classification has class names")
        raw_names = _list(d["class_names"], f"{p}.class_names", n_classes)
        for i, name in enumerate(raw_names):
            _str(name, f"{p}.class_names[{i}]", 100)
        try:
            names = check_class_names(raw_names, n_classes)
        except ValueError as e:
            _fail(f"{p}.class_names", str(e))
    try:
        return Dataset(
            points, y, np.array(tests, dtype=bool).reshape(n), task, n_classes, input_dim, names
        )
    except ValueError as e:
        _fail(p, str(e))


def _read_network(v, input_dim: int) -> NetworkSpec:
    p = "network"
    d = _object(v, p, ("hidden", "features"), ("activations", "activation", "init"))
    hidden_raw = _list(d["hidden"], f"{p}.hidden", MAX_HIDDEN_LAYERS)
    hidden = []
    for i, w in enumerate(hidden_raw):
        path = f"{p}.hidden[{i}]"
        if isinstance(w, bool) or not isinstance(w, int):
            _fail(path, f"width must be a whole number, got {_kind(w)}")
        if not 1 <= w <= MAX_WIDTH:
            _fail(path, f"width must be 1..{MAX_WIDTH}, got {w}")
        hidden.append(w)
    activation = _str(d.get("activation", "sigmoid"), f"{p}.activation", choices=ACTIVATION_NAMES)
    acts: tuple[str, ...] = ()
    if "activations" in d:
        raw = _list(d["activations"], f"{p}.activations", MAX_HIDDEN_LAYERS, len(hidden))
        acts = tuple(
            _str(a, f"{p}.activations[{i}]", choices=ACTIVATION_NAMES) for i, a in enumerate(raw)
        )
    feats_raw = _list(d["features"], f"{p}.features", 16)
    feats = tuple(_str(f, f"{p}.features[{i}]") for i, f in enumerate(feats_raw))
    try:
        validate_features(feats, input_dim)
    except ValueError as e:
        _fail(f"{p}.features", str(e))
    init = _str(d.get("init", "auto"), f"{p}.init", choices=INIT_SCHEMES)
    try:
        return NetworkSpec(tuple(hidden), acts, activation, feats, init)
    except ValueError as e:
        _fail(p, str(e))


def _read_hyper(v) -> HyperParameters:
    p = "hyper"
    d = _object(v, p, ("alpha", "batch_size", "lam", "optimizer", "batching"))
    alpha = _float(d["alpha"], f"{p}.alpha")
    if not 0 < alpha <= 1000:
        _fail(f"{p}.alpha", f"learning rate must be in (0, 1000], got {alpha}")
    batch = _int(d["batch_size"], f"{p}.batch_size", 1, MAX_POINTS)
    lam = _float(d["lam"], f"{p}.lam")
    if not 0 <= lam <= 1000:
        _fail(f"{p}.lam", f"weight decay must be in [0, 1000], got {lam}")
    opt = _str(d["optimizer"], f"{p}.optimizer", choices=OPTIMIZERS)
    batching = _str(d["batching"], f"{p}.batching", choices=BATCHINGS)
    try:
        return HyperParameters(alpha, batch, lam, opt, batching)
    except ValueError as e:
        _fail(p, str(e)[:200])


def _read_layers(v, path: str, widths: tuple[int, ...]) -> tuple[list, list]:
    d = _object(v, path, ("W", "b"))
    L = len(widths) - 1
    Ws = _list(d["W"], f"{path}.W", L, L)
    bs = _list(d["b"], f"{path}.b", L, L)
    W = [
        _matrix(w, f"{path}.W[{i}]", (widths[i + 1], widths[i]), f"W^({i + 1})")
        for i, w in enumerate(Ws)
    ]
    b = [_vector(x, f"{path}.b[{i}]", widths[i + 1]).reshape(-1, 1) for i, x in enumerate(bs)]
    return W, b


def _read_rng(v, path: str) -> dict:
    d = _object(v, path, ("bit_generator", "state", "has_uint32", "uinteger"))
    _str(d["bit_generator"], f"{path}.bit_generator", choices=("PCG64",))
    s = _object(d["state"], f"{path}.state", ("state", "inc"))
    inc = _int(s["inc"], f"{path}.state.inc", 0, 2**128 - 1)
    if inc % 2 == 0:
        # NumPy always makes the increment odd; with an even one the generator can get
        # stuck on one value and drawing a batch without replacement never ends
        _fail(f"{path}.state.inc", "must be an odd number (not a state NumPy can produce)")
    state = {
        "bit_generator": "PCG64",
        "state": {
            "state": _int(s["state"], f"{path}.state.state", 0, 2**128 - 1),
            "inc": inc,
        },
        "has_uint32": _int(d["has_uint32"], f"{path}.has_uint32", 0, 1),
        "uinteger": _int(d["uinteger"], f"{path}.uinteger", 0, 2**32 - 1),
    }
    try:
        np.random.PCG64().state = state
    except (ValueError, TypeError, OverflowError) as e:
        _fail(path, f"not a valid PCG64 state ({str(e)[:100]})")
    return state


def _read_state(
    v,
    widths: tuple[int, ...],
    optimizer: str | None,
    n_train: int,
    task: str,
    p: str = "state",
    max_step: int = MAX_STEP,
) -> tuple[Checkpoint, dict | None]:
    """The training state at ``p``; ``optimizer`` None: the state of any update rule (a
    roll-back point taken before the rule was changed), ``guard.rollback`` null then."""
    nested = optimizer is None
    d = _object(
        v,
        p,
        ("step", "samples_seen", "W", "b", "optimizer", "rng", "order", "order_pos"),
        ("diverged", "last", "guard", "epoch")
        if nested
        else ("diverged", "last", "history", "guard", "epoch"),
    )
    step = _int(d["step"], f"{p}.step", 0, max_step)
    seen = _int(d["samples_seen"], f"{p}.samples_seen", 0, MAX_STEP)
    W, b = _read_layers({"W": d["W"], "b": d["b"]}, p, widths)
    if nested:
        raw_opt = d["optimizer"]
        found = set(raw_opt) - {"t"} if isinstance(raw_opt, dict) else set()
        optimizer = next((k for k, ks in OPTIMIZER_STATE_KEYS.items() if set(ks) == found), "sgd")
    keys = OPTIMIZER_STATE_KEYS[optimizer]
    od = _object(d["optimizer"], f"{p}.optimizer", ("t", *keys))
    opt: dict = {"t": _int(od["t"], f"{p}.optimizer.t", 0, MAX_STEP)}
    for k in keys:
        kw, kb = _read_layers(od[k], f"{p}.optimizer.{k}", widths)
        opt[k] = Parameters(kw, kb).arrays()
    if optimizer == "adam":
        for i, a in enumerate(opt["s"]):
            if np.any(a < 0):
                _fail(f"{p}.optimizer.s", f"second moments must be ≥ 0 (array {i})")
    rng = _read_rng(d["rng"], f"{p}.rng")
    order_raw = _list(d["order"], f"{p}.order", MAX_POINTS)
    order = np.array(
        [_int(x, f"{p}.order[{i}]", 0, max(n_train - 1, 0)) for i, x in enumerate(order_raw)],
        dtype=np.int64,
    )
    if order.size and (order.size != n_train or np.unique(order).size != n_train):
        _fail(f"{p}.order", f"must be empty or a permutation of the {n_train} training points")
    pos = _int(d["order_pos"], f"{p}.order_pos", 0, order.size)
    epoch = None
    if "epoch" in d:
        epoch = _float(d["epoch"], f"{p}.epoch", 0, MAX_STEP)
    diverged = d.get("diverged")
    if diverged is not None:
        diverged = _str(diverged, f"{p}.diverged", 500)
    depth = len(widths) - 1
    last = read_last(d.get("last"), f"{p}.last", depth, step, task)
    history = read_history(d.get("history"), f"{p}.history", depth, step, task)
    guard, rollback = None, None
    if d.get("guard") is not None:
        guard, raw = read_guard(d["guard"], f"{p}.guard", step)
        if raw is not None:
            if nested:
                _fail(f"{p}.guard.rollback", "a roll-back point is its own: must be null")
            rollback, _ = _read_state(raw, widths, None, n_train, task, f"{p}.guard.rollback", step)
    cp = Checkpoint(
        step, seen, Parameters(W, b), opt, rng, order, pos, last, diverged,
        guard=guard, rollback=rollback, epoch=epoch,
    )  # fmt: skip
    return cp, history


def scenario_from_dict(d) -> Scenario:
    if not isinstance(d, dict):
        _fail("", f"a scenario file holds one JSON object, got {_kind(d)}")
    if d.get("format") != FORMAT:
        _fail("format", f"not a Backprop Lab scenario (expected {FORMAT!r})")
    version = d.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        _fail("version", f"must be a whole number, got {_kind(version)}")
    if version != VERSION:
        newer = " (written by a newer Backprop Lab)" if version > VERSION else ""
        _fail(
            "version",
            f"version {excerpt(version)} is not supported{newer}; this app reads {VERSION}",
        )
    _object(
        d,
        "",
        ("format", "version", "dataset", "network", "hyper", "seed"),
        ("title", "description", "state", "compare", "edits", "exercise"),
    )
    title = _str(d.get("title", ""), "title", MAX_TITLE)
    description = _str(d.get("description", ""), "description", MAX_DESCRIPTION)
    seed = _int(d["seed"], "seed", 0, MAX_SEED)
    ds = _read_dataset(d["dataset"])
    spec = _read_network(d["network"], ds.input_dim)
    hyper = _read_hyper(d["hyper"])
    state, history = None, None
    if d.get("state") is not None:
        widths = spec.widths(ds.task, ds.n_classes)
        state, history = _read_state(d["state"], widths, hyper.optimizer, len(ds.train), ds.task)
    sc = Scenario(ds, spec, hyper, seed, title, description, state, history)
    sc.edits = read_edits(d, sc)
    if d.get("compare") is not None:
        sc.compare = read_compare(d["compare"], d, sc, scenario_from_dict)
    return sc


def from_json(text: str) -> Scenario:
    """A lesson from its JSON text (``LoadError`` names what is wrong)."""
    return scenario_from_dict(parse_object(text, "lesson"))


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read and validate a lesson file: ``LoadError`` says what is wrong (``OSError`` if
    it cannot be read at all). Size and the first character are checked before parsing."""
    data = read_capped(path, "lesson")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("not a lesson: the file is UTF-16 text; lessons are saved as UTF-8")
    check_start(data[:4096].decode("utf-8", errors="replace"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise LoadError(f"not a text file: byte {e.start} is not UTF-8") from None
    return from_json(text)
