"""A comparison and its lesson file (the ``compare`` block itself is read and written by
engine/compare_block.py), and every run's curves as one CSV."""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import replace

from .compare_block import CompareBlock
from .fileio import LoadError, atomic_write_text
from .group import LETTERS, GroupSnapshot, RunGroup
from .history import LAYER_METRICS, SCALAR_METRICS
from .scenario import Scenario, scenario_from_session, session_from_scenario


# --- groups and lessons -----------------------------------------------------------------------
def scenario_from_group(
    group: RunGroup, include_parameters: bool = True, title: str = "", description: str = ""
) -> Scenario:
    """The group as one lesson: A's, with a ``compare`` block for the other runs (none for
    a group of one: then exactly ``scenario_from_session``)."""
    a = scenario_from_session(group.a, include_parameters, title, description)
    if len(group) > 1:
        runs = []
        for s in group.sessions[1:]:
            run = scenario_from_session(s, include_parameters)
            runs.append(replace(run, dataset=a.dataset))
        a.compare = CompareBlock(tuple(runs))
    return a


def group_from_scenario(sc: Scenario) -> RunGroup:
    """The lesson's group: A alone without a ``compare`` block. ``LoadError`` if the
    parts do not fit together."""
    a = session_from_scenario(sc)
    block = getattr(sc, "compare", None)
    if block is None:
        return RunGroup.of(a)
    runs = [a, *(session_from_scenario(replace(r, dataset=sc.dataset)) for r in block.runs)]
    try:
        group = RunGroup(runs)
        if sc.state is None:
            group.reset()  # θ₀ as the group shares it
    except ValueError as e:
        raise LoadError(f"compare: {str(e)[:200]}") from None
    return group


# --- every run's curves in one CSV --------------------------------------------------------------
def _num(x: float) -> str:
    x = float(x)
    return repr(x) if math.isfinite(x) else "nan"


def curves_table(group: GroupSnapshot | RunGroup) -> tuple[list[str], list[list[str]]]:
    """Header and rows: ``run`` (A, B, …), ``label``, ``step``, the scalar metrics, then
    each per-layer metric as one column per layer (``delta_mean_abs1``, …) up to the
    deepest run's layers (empty for a shallower run). Floats read back exactly."""
    snap = group.snapshot(refresh=False) if isinstance(group, RunGroup) else group
    depth = max(r.snapshot.history.depth for r in snap.runs)
    header = ["run", "label", "step", *SCALAR_METRICS]
    for k in LAYER_METRICS:
        header += [f"{k}{layer}" for layer in range(1, depth + 1)]
    rows = []
    for i, run in enumerate(snap.runs):
        h = run.snapshot.history
        for r in range(len(h)):
            row = [LETTERS[i], run.label.text, str(int(h.step[r]))]
            row += [_num(getattr(h, k)[r]) for k in SCALAR_METRICS]
            for k in LAYER_METRICS:
                values = [_num(x) for x in getattr(h, k)[r]]
                row += values + [""] * (depth - len(values))
            rows.append(row)
    return header, rows


def curves_csv(group: GroupSnapshot | RunGroup) -> str:
    """Every run's curves as CSV text, one row per history row, with a run column."""
    header, rows = curves_table(group)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def save_curves_csv(path: str | os.PathLike, group: GroupSnapshot | RunGroup) -> None:
    """``curves_csv`` written atomically."""
    atomic_write_text(path, curves_csv(group))
