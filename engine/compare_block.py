"""A comparison in a lesson file: the optional ``compare`` block, read and written.

The lesson itself is run A. The block holds the other runs as changes from A, with their
training states when the lesson is saved with its parameters::

    "compare": {"runs": [
        {"changes": {"network": {"activations": ["relu"], "activation": "relu"}},
         "state": null | {... as the lesson's own "state" ...}},
        {"changes": {"hyper": {"alpha": 3.0}, "seed": 4}, "state": ...}]}

``changes`` holds only what differs from A: any fields of ``network`` and ``hyper``, and
``seed``. A run reads as the lesson with its changes laid over A's fields, checked field
by field as a whole lesson is, and every error names its place in the block
(``compare.runs[1].changes.hyper.alpha: …``). The block as a whole must describe a group
that can run: at most 4 runs with A (a seed fan: 8), saved states for every run or for
none, and runs still training at one step.

A group saved without states reopens at θ₀ with the group's rules (the same θ₀ where the
shapes allow); with states, every run continues exactly where it was saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from . import validate as v
from .data import empty_dataset
from .fileio import LoadError
from .group import LETTERS, MAX_RUNS, MAX_SEEDS

NETWORK_KEYS = ("hidden", "activations", "activation", "features", "init")
HYPER_KEYS = ("alpha", "batch_size", "lam", "optimizer", "batching")


@dataclass
class CompareBlock:
    """The runs after A, each a whole lesson (a ``Scenario``) on A's data (the same
    ``Dataset`` object)."""

    runs: tuple


# --- writing ----------------------------------------------------------------------------------
def compare_to_dict(block: CompareBlock, lesson: dict, scenario_to_dict: Callable) -> dict:
    """The block as JSON values; ``lesson`` is A's lesson as written (the changes are
    taken against its fields), ``scenario_to_dict`` the lesson writer (passed in: the
    lesson format depends on this block, never the other way)."""

    runs = []
    for i, run in enumerate(block.runs, 1):
        # the run's data are A's, written once: its own parts are written without points
        ds = run.dataset
        bare = replace(run, dataset=empty_dataset(ds.task, ds.n_classes, ds.input_dim))
        try:
            d = scenario_to_dict(replace(bare, compare=None))
        except ValueError as e:  # say which run cannot be saved so
            raise ValueError(f"run {LETTERS[i]}: {e}") from None
        changes: dict = {}
        for part in ("network", "hyper"):
            diff = {k: x for k, x in d[part].items() if lesson[part].get(k) != x}
            if diff:
                changes[part] = diff
        if d["seed"] != lesson["seed"]:
            changes["seed"] = d["seed"]
        runs.append({"changes": changes, "state": d["state"]})
    return {"runs": runs}


# --- reading: every field checked, with its place in the block ------------------------------
def _stand_in(a, state) -> dict:
    """A's data as a run's checks need them, without checking A's points again: the
    task and classes, and as many training points (at the origin) as the run's epoch
    order may name. The run is then given A's own ``Dataset``."""
    ds = a.dataset
    order = state.get("order") if isinstance(state, dict) else None
    n = len(ds.train) if order else 0
    return {
        "task": ds.task,
        "n_classes": int(ds.n_classes),
        "input_dim": int(ds.input_dim),
        "points": [[0.0, 0.0]] * n,
        "y": [0] * n,
        "is_test": [False] * n,
    }


def _merged(lesson: dict, a, changes: dict, state) -> dict:
    network = {**lesson["network"], **changes.get("network", {})}
    own = changes.get("network", {})
    acts = lesson["network"].get("activations")
    if (
        "hidden" in own
        and "activations" not in own
        and isinstance(acts, list)
        and isinstance(own["hidden"], list)
        and len(acts) != len(own["hidden"])
    ):
        # A's per-layer list does not fit the run's layers: every layer gets "activation"
        del network["activations"]
    return {
        "format": lesson["format"],
        "version": lesson["version"],
        "seed": changes.get("seed", lesson["seed"]),
        "dataset": _stand_in(a, state),
        "network": network,
        "hyper": {**lesson["hyper"], **changes.get("hyper", {})},
        "state": state,
    }


def _placed(i: int, e: LoadError) -> LoadError:
    msg = str(e)
    at = f"compare.runs[{i}]"
    for part in ("network", "hyper", "seed"):
        if msg.startswith(part):
            return LoadError(f"{at}.changes.{msg}")
    if msg.startswith("state"):
        return LoadError(f"{at}.{msg}")
    return LoadError(f"{at}: {msg}")


def read_compare(value, lesson: dict, a, scenario_from_dict: Callable) -> CompareBlock:
    """Check the ``compare`` block of ``lesson`` (the parsed file) whose own parts read as
    ``a`` (a ``Scenario``); ``scenario_from_dict`` is the lesson reader (passed in, as
    above). ``LoadError`` names the field."""
    p = "compare"
    d = v.obj(value, p, ("runs",))
    raw = v.array(d["runs"], f"{p}.runs", MAX_SEEDS - 1)
    if not raw:
        v.fail(f"{p}.runs", "must hold at least one run (or leave the block out)")
    runs: list = []
    for i, entry in enumerate(raw):
        at = f"{p}.runs[{i}]"
        entry = v.obj(entry, at, ("changes",), ("state",))
        changes = v.obj(entry["changes"], f"{at}.changes", (), ("network", "hyper", "seed"))
        v.obj(changes.get("network", {}), f"{at}.changes.network", (), NETWORK_KEYS)
        v.obj(changes.get("hyper", {}), f"{at}.changes.hyper", (), HYPER_KEYS)
        state = entry.get("state")
        if a.state is not None and state is None:
            v.fail(f"{at}.state", "missing: the lesson's own state is saved, so every run's is")
        if a.state is None and state is not None:
            v.fail(f"{at}.state", "must be null: the lesson itself has no saved state")
        try:
            run = scenario_from_dict(_merged(lesson, a, changes, state))
        except LoadError as e:
            raise _placed(i, e) from None
        runs.append(replace(run, dataset=a.dataset))
    _check_group(a, runs)
    return CompareBlock(tuple(runs))


def _check_group(a, runs: list) -> None:
    everyone = [a, *runs]
    n = len(everyone)
    seeds = {r.seed for r in everyone}
    fan = len(seeds) == n and all(r.spec == a.spec and r.hyper == a.hyper for r in runs)
    if n > MAX_RUNS and not fan:
        v.fail(
            "compare.runs",
            f"{n} runs with A: a comparison holds at most {MAX_RUNS}; only a seed fan "
            f"(runs that differ only by their seeds) holds up to {MAX_SEEDS}",
        )
    if a.state is None:
        return
    live = [(i, r.state.step) for i, r in enumerate(everyone) if r.state.diverged is None]
    ref = live[0][1] if live else max(r.state.step for r in everyone)
    for i, r in enumerate(everyone):
        path = "state.step" if i == 0 else f"compare.runs[{i - 1}].state.step"
        step = r.state.step
        if r.state.diverged is None and step != ref:
            v.fail(path, f"the runs still training go in step: expected {ref}, got {step}")
        if step > ref:
            v.fail(path, f"a run that stopped cannot be ahead of the others ({step} > {ref})")
