"""Every command the engine thread runs all or nothing leaves the whole session exactly as
it was when it fails, wherever it fails: a failure is injected at each line of engine
code the command runs in turn, and the session's state (θ, the optimizer, the RNG, the
history's arrays and stride, the rewind timeline, the divergence guard, the counters,
every attribute) is compared before and after."""

from __future__ import annotations

import hashlib
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from backprop_lab.engine import HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.group import RunGroup
from backprop_lab.engine.history import DecimatingHistory
from backprop_lab.engine.network import Parameters
from backprop_lab.engine.timeline import Timeline
from backprop_lab.gui import commands as cmd
from backprop_lab.gui.worker import EngineWorker

ENGINE = str(Path(sys.modules[TrainingSession.__module__].__file__).parent)


def _session() -> TrainingSession:
    """A run the guard stopped (XOR, tanh, α = 10), with spikes, rows by hand and a
    roll-back point behind it: every part of the state has something in it."""
    ds = make_preset("xor", n_points=200, test_fraction=0.2, seed=0)
    spec = NetworkSpec(hidden=(4, 4), activation="tanh")
    s = TrainingSession(ds, spec, HyperParameters(alpha=10.0, batch_size=16), seed=0)
    s.step(3, record=True)
    s.step(400)
    assert s.diverged is not None and s.rollback_step < s.step_count
    return s


def _digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype}{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _value(v):
    """What an attribute holds, by value where it can change in place."""
    if isinstance(v, np.ndarray):
        return _digest(v)
    if isinstance(v, Parameters):
        return _digest(*v.arrays())
    if isinstance(v, list) and all(isinstance(a, np.ndarray) for a in v):
        return _digest(*v)
    if isinstance(v, np.random.Generator):
        return repr(v.bit_generator.state)
    if isinstance(v, DecimatingHistory):
        return (v.stride, v.capacity, v._n, v._end, _digest(v._steps, v._rows))
    if isinstance(v, Timeline):
        return (v.stride, v.capacity, tuple((k, id(cp)) for k, cp in sorted(v._kept.items())))
    if hasattr(v, "get_state") and hasattr(v, "set_state"):  # an optimizer
        state = v.get_state()
        return repr({k: _digest(*x) if isinstance(x, list) else x for k, x in state.items()})
    return None


def whole_state(s: TrainingSession) -> dict:
    """Every attribute: which object it is, and what it holds."""
    return {k: (id(v), _value(v)) for k, v in vars(s).items()}


_inside = [False]  # in the body of ``all_or_nothing``
# in a group's ``all_or_nothing`` but not its body: the transaction's own bookkeeping, as
# a session's is, is no line of the command (and a failure raised there by the tracer,
# which no line of it can raise, would unwind its generator out of order)
_bookkeeping = [0]


@pytest.fixture(autouse=True)
def _watch_transactions(monkeypatch):
    real = TrainingSession.all_or_nothing
    real_group = RunGroup.all_or_nothing

    @contextmanager
    def watched(self):
        with real(self):
            _inside[0] = True
            try:
                yield
            finally:
                _inside[0] = False

    @contextmanager
    def watched_group(self):
        _bookkeeping[0] += 1
        try:
            with real_group(self):
                _bookkeeping[0] -= 1
                try:
                    yield
                finally:
                    _bookkeeping[0] += 1
        finally:
            _bookkeeping[0] -= 1

    monkeypatch.setattr(TrainingSession, "all_or_nothing", watched)
    monkeypatch.setattr(RunGroup, "all_or_nothing", watched_group)


def _lines_run(worker: EngineWorker, command, fail_at: int | None) -> int:
    """Run ``command``, raising RuntimeError at the ``fail_at``-th line of engine code
    run inside its ``all_or_nothing`` (once); returns the number of those lines."""
    count = 0
    raised = False

    def trace(frame, event, _arg):
        nonlocal count, raised
        if raised or not frame.f_code.co_filename.startswith(ENGINE):
            return None
        if event == "line" and _inside[0] and not _bookkeeping[0]:
            count += 1
            if count == fail_at:
                raised = True
                raise RuntimeError("injected failure")
        return trace

    sys.settrace(trace)
    try:
        worker.execute(command)
    finally:
        sys.settrace(None)
    return count


COMMANDS = {
    "SetDataset (same shape)": lambda s: cmd.SetDataset(
        make_preset("xor", n_points=900, test_fraction=0.3, seed=4)
    ),
    "SetDataset (3 classes)": lambda s: cmd.SetDataset(
        make_preset("gaussians", n_points=90, n_classes=3, seed=4)
    ),
    "SetNetwork": lambda s: cmd.SetNetwork(NetworkSpec(hidden=(5,), activation="relu")),
    "SetHyper": lambda s: cmd.SetHyper(
        HyperParameters(alpha=0.1, batch_size=8, optimizer="adam", batching="epochs")
    ),
    "SetSeed": lambda s: cmd.SetSeed(9),
    "ResetParameters": lambda s: cmd.ResetParameters(),
    "RollBack": lambda s: cmd.RollBack(5.0),
    "NewRun": lambda s: cmd.NewRun(
        keep_as=1,
        commands=(cmd.SetNetwork(NetworkSpec(hidden=(3,), activation="relu")), cmd.SetSeed(4)),
        run=2,
    ),
    "SetAll": lambda s: cmd.SetAll({"alpha": 0.3, "hidden": (3,)}),
    "Rewind": lambda s: cmd.Rewind(100),
    "Duplicate": lambda s: cmd.Duplicate(0),
    "Contrast": lambda s: cmd.Contrast("activation"),
}

# changes of a comparison, made to a pair of runs (A and its duplicate)
PAIR_COMMANDS = {
    "SetHyper of B": lambda g: cmd.SetHyper(HyperParameters(alpha=0.2, batch_size=8), run=1),
    "CloseRun": lambda g: cmd.CloseRun(0),
    "RollBack in a pair": lambda g: cmd.RollBack(5.0, run=1),
    "SetAll of a pair": lambda g: cmd.SetAll({"lam": 0.01}),
    "ResetParameters of a pair": lambda g: cmd.ResetParameters(),
    "Rewind of a pair": lambda g: cmd.Rewind(100),
    "NewRun of a pair": lambda g: cmd.NewRun(
        keep_as=1, commands=(cmd.Duplicate(1), cmd.SetSeed(5, run=2)), run=2
    ),
}


def _pair() -> RunGroup:
    a = _session()
    return RunGroup([a, a.copy()])


def runs_state(worker: EngineWorker) -> list[dict]:
    """Every run's ``whole_state``, A first."""
    return [whole_state(s) for s in worker.group]


def runs_values(worker: EngineWorker) -> list[dict]:
    """What every run's attributes hold (by value where they can change in place)."""
    return [{k: _value(v) for k, v in vars(s).items()} for s in worker.group]


def test_the_commands_run_all_or_nothing_are_all_tested(qapp, monkeypatch):
    """Which commands the worker runs inside ``all_or_nothing``, found by running every
    command it knows: each of them is in COMMANDS or PAIR_COMMANDS (a new one must be
    added there)."""
    entered: list[type] = []
    real = TrainingSession.all_or_nothing  # (watched by the fixture)

    def spy(self):
        entered.append(current)
        return real(self)

    monkeypatch.setattr(TrainingSession, "all_or_nothing", spy)
    samples = [f(None) for f in COMMANDS.values()]
    pair_samples = [f(None) for f in PAIR_COMMANDS.values()]
    others = [cmd.SetRunning(False), cmd.Step(2), cmd.StepEpoch(), cmd.SetSpeed(10.0),
              cmd.SetGridView((-6, 6, -6, 6), (100, 100)), cmd.SetGridUnit(None),
              cmd.Call(lambda s: None), cmd.ReplaceSession(_session()),
              cmd.ReplaceGroup(_pair()), cmd.SetUnitMaps("x"),
              cmd.SetFrameExtra("x", None), cmd.SetDriver(None), cmd.DropRuns((7,)),
              cmd.SwapRun(8, 7)]  # fmt: skip
    tested = {type(c) for c in [*samples, *pair_samples]}
    assert tested | {type(c) for c in others} | {cmd.RunJob, cmd.Stop} >= EngineWorker.commands()
    for current in [*samples, *others]:
        EngineWorker(_session()).execute(current)
    for current in pair_samples:
        EngineWorker(_pair()).execute(current)
    assert {type(c) for c in entered} == tested


# the commands of a single run are tried at every line; the changes of comparisons, whose
# copies of whole runs make thousands of lines, at this many lines spread over all of them
# (the first and last fifty included)
SAMPLED_LINES = 300
EXHAUSTIVE = {
    "SetDataset (same shape)",
    "SetDataset (3 classes)",
    "SetNetwork",
    "SetHyper",
    "SetSeed",
    "ResetParameters",
    "RollBack",
    "NewRun",
    "SetAll",
}


def lines_to_try(total: int, most: int | None) -> list[int]:
    if most is None or total <= most:
        return list(range(1, total + 1))
    ends = [*range(1, 51), *range(total - 49, total + 1)]
    spread = np.linspace(51, total - 50, most - len(ends)).round().astype(int).tolist()
    return sorted(set(ends + spread))


def _fails_anywhere_and_changes_nothing(make_runs, command, most: int | None = None) -> None:
    worker = EngineWorker(make_runs())
    failures = []
    worker.commandFailed.connect(failures.append)
    before = runs_state(worker)
    # how many lines of engine code the command runs, measured on a copy of the runs
    probe = EngineWorker(make_runs())
    total = _lines_run(probe, command, None)
    assert runs_values(probe) != runs_values(EngineWorker(make_runs()))  # it changes things
    assert total > 10  # a real stretch of engine code, not a line or two
    tried = lines_to_try(total, most)
    for n, k in enumerate(tried, 1):
        _lines_run(worker, command, k)
        assert len(failures) == n, f"no failure at line {k}"
        assert runs_state(worker) == before, f"a failure at line {k} left a change"
    # and the runs are usable: the command goes through, and training goes on
    worker.execute(command)
    assert len(failures) == len(tried) and runs_state(worker) != before
    worker.group.step(5)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_command_that_fails_anywhere_changes_nothing(qapp, name):
    most = None if name in EXHAUSTIVE else SAMPLED_LINES
    _fails_anywhere_and_changes_nothing(_session, COMMANDS[name](None), most)


@pytest.mark.parametrize("name", list(PAIR_COMMANDS))
def test_a_change_of_a_comparison_that_fails_anywhere_changes_nothing(qapp, name):
    _fails_anywhere_and_changes_nothing(_pair, PAIR_COMMANDS[name](None), SAMPLED_LINES)
