"""Runs compared in lock-step: a ``RunGroup`` of up to 4 runs (a seed fan: up to 8).

A group steps, rewinds and resets all its runs together; the first run, A, is the
reference, and every other run is labelled by exactly what differs from it ("B · ReLU",
"C · α = 3"). A single run is a group of one, and then every call does exactly what the
same call on the session alone does, so a window holding one group has one code path.

What the runs share, so that a comparison maps one case onto the other:

* **The data.** Every run trains on the same points; ``set_dataset`` changes them for all.
* **θ₀.** A comparison runs from θ₀ at step 0. A run whose parameter shapes, seed and
  initialisation setting are A's starts from A's θ₀ bit for bit, even where "auto" would
  pick another scheme for its activation (sigmoid → ReLU keeps A's Glorot draw, so the
  activation is the one difference). A run of other shapes (depth, widths, features),
  another seed or another ``init`` draws its own θ₀ from its seed ("θ₀: new draw").
* **The batches.** Each run draws its batches from its own copy of the same random
  stream, so runs with the same B and batching take the same indices at every step; a
  run with another B or batching is labelled "batches differ". In a seed fan each run is
  exactly the session that its seed makes alone: θ₀ and batches follow the seed.

Changing a setting: in a group of one, as on the session (α from now on, a new network
from a new θ₀). In a group of two or more, a change starts the whole comparison again
from θ₀ at step 0 with the new setting, so that setting a run's value back to A's makes
it A's twin again, step for step. A change that changes nothing does nothing.

Divergence is judged per run (``session.diverged``): a run that diverges stops alone,
the others go on, and the group remembers where it stopped so that a rewind past that
step shows it stopped again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, fields, replace

from .data import Dataset
from .design import HyperParameters, NetworkSpec
from .group_labels import (  # noqa: F401 - re-exported: a group's vocabulary
    LETTERS,
    Difference,
    RunLabel,
    differences,
    is_seed_fan,
    labels_of,
    theta0_source,
)
from .records import Checkpoint, Snapshot
from .session import TrainingSession

MAX_RUNS = 4  # side by side on a projector: 1×2 or 2×2
MAX_SEEDS = 8  # a seed fan: thin curves, a median and a band
SPEC_FIELDS = tuple(f.name for f in fields(NetworkSpec))
HYPER_FIELDS = tuple(f.name for f in fields(HyperParameters))


def copy_session(session: TrainingSession) -> TrainingSession:
    """A deep copy of a run: θ, optimizer state, random state, history, timeline (the
    points are shared: they never change)."""
    return session.copy()


# --- what the views get ----------------------------------------------------------------------
@dataclass(frozen=True)
class RunStatus:
    """Whether a run goes on: ``diverged`` is the session's message while it is stopped,
    ``stopped_at`` the step at which it diverged (None for a run loaded stopped)."""

    step: int
    diverged: str | None = None
    stopped_at: int | None = None

    @property
    def running(self) -> bool:
        return self.diverged is None


@dataclass(frozen=True)
class RunView:
    snapshot: Snapshot
    label: RunLabel
    status: RunStatus


@dataclass(frozen=True)
class GroupSnapshot:
    """A read-only copy of the whole group for the views: ``kind`` is "single",
    "compare" or "fan"; ``step`` the step of the runs still going."""

    step: int
    kind: str
    runs: tuple[RunView, ...]

    def __len__(self) -> int:
        return len(self.runs)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(r.label.warning for r in self.runs if r.label.warning)


@dataclass(frozen=True)
class _Stop:
    """Where a run stopped: the step that diverged, and its state just after."""

    step: int
    checkpoint: Checkpoint
    seen: bool = True  # False for a run that came stopped (its step is then a bound)


# --- the group -----------------------------------------------------------------------------
class RunGroup:
    """Up to ``MAX_RUNS`` runs (a seed fan: ``MAX_SEEDS``) stepped, rewound and reset
    together; the sessions are the group's (the constructor takes them as they are).

    The runs share one rewind budget (``timeline_budget``, bytes; A's by default): each
    run's timeline gets an equal share of it from the run's next start."""

    def __init__(self, sessions: Sequence[TrainingSession], timeline_budget: int | None = None):
        sessions = list(sessions)
        if not sessions:
            raise ValueError("a group needs at least one run")
        a = sessions[0]
        for i, s in enumerate(sessions[1:], 1):
            if not s.dataset.same_as(a.dataset):
                raise ValueError(f"run {LETTERS[i]} trains on other data than A")
        self._runs = sessions
        self._check_size(sessions)
        budget = a.timeline_budget if timeline_budget is None else timeline_budget
        self.timeline_budget = int(budget)
        self._share_budget()
        # runs that are stopped from the start (a lesson saved after one diverged)
        self._stops: list[_Stop | None] = [
            _Stop(s.step_count + 1, s.checkpoint(), seen=False) if s.diverged else None
            for s in sessions
        ]

    def _share_budget(self) -> None:
        share = self.timeline_budget // len(self._runs)
        for s in self._runs:
            s.timeline_budget = share

    @classmethod
    def of(cls, session: TrainingSession) -> RunGroup:
        """A group of one: the session itself, not a copy."""
        return cls([session])

    @staticmethod
    def _check_size(sessions: Sequence[TrainingSession]) -> None:
        n = len(sessions)
        if n > MAX_SEEDS:
            raise ValueError(f"a group holds at most {MAX_SEEDS} runs, got {n}")
        if n > MAX_RUNS and not is_seed_fan(sessions):
            raise ValueError(
                f"a comparison holds at most {MAX_RUNS} runs; only a seed fan "
                f"(runs that differ only by their seeds) holds up to {MAX_SEEDS}"
            )

    # --- reading ---------------------------------------------------------------------------
    @property
    def sessions(self) -> tuple[TrainingSession, ...]:
        return tuple(self._runs)

    @property
    def a(self) -> TrainingSession:
        return self._runs[0]

    def __len__(self) -> int:
        return len(self._runs)

    def __getitem__(self, i: int) -> TrainingSession:
        return self._runs[i]

    def __iter__(self) -> Iterator[TrainingSession]:
        return iter(list(self._runs))

    @property
    def kind(self) -> str:
        if len(self._runs) == 1:
            return "single"
        return "fan" if is_seed_fan(self._runs) else "compare"

    @property
    def step_count(self) -> int:
        """The step of the runs still going (of the furthest run when all stopped)."""
        live = [s.step_count for s in self._runs if not s.diverged]
        return max(live) if live else max(s.step_count for s in self._runs)

    def labels(self) -> tuple[RunLabel, ...]:
        return labels_of(self._runs)

    def status(self, i: int) -> RunStatus:
        s, stop = self._runs[i], self._stops[i]
        stopped = stop.step if stop is not None and stop.seen and s.diverged else None
        return RunStatus(s.step_count, s.diverged, stopped)

    def snapshot(self, refresh: bool = True) -> GroupSnapshot:
        """Each run's ``Snapshot`` (see ``TrainingSession.snapshot``), label and status."""
        labels = self.labels()
        runs = tuple(
            RunView(s.snapshot(refresh), labels[i], self.status(i))
            for i, s in enumerate(self._runs)
        )
        return GroupSnapshot(self.step_count, self.kind, runs)

    # --- training ----------------------------------------------------------------------------
    def step(self, n: int = 1, record: bool = False) -> int:
        """n steps of every run still going; a run that diverges stops alone. Returns the
        most steps any run took (for a group of one, what ``session.step`` returns)."""
        most = 0
        for i, s in enumerate(self._runs):
            if s.diverged:
                continue
            self._stops[i] = None  # it goes on from here: where it stopped before is gone
            before = s.step_count
            ran = s.step(n, record)
            most = max(most, ran)
            if s.diverged:
                self._stops[i] = _Stop(before + ran, s.checkpoint())
        return most

    def on_run(self, i: int, fn):
        """``fn(run i)``, returned. In a comparison a run that stopped stays stopped
        whatever ``fn`` does to it (a hand edit where it stopped re-arms its guard): the
        others went on without it, only the runs still training go in step, and it goes
        on only when every run has stopped. A single run goes on from a hand edit."""
        s = self._runs[i]
        stop = s.diverged if len(self._runs) > 1 else None
        result = fn(s)
        if stop is not None and s.diverged is None:
            s.diverged = stop
        return result

    def catch_up(self, record: bool = False) -> int:
        """Step every running run that is behind the group up to it (after one run was
        stepped alone, phase by phase). Returns the steps taken in all."""
        target, total = self.step_count, 0
        for i, s in enumerate(self._runs):
            if not s.diverged and s.step_count < target:
                before = s.step_count
                ran = s.step(target - before, record)
                total += ran
                if s.diverged:
                    self._stops[i] = _Stop(before + ran, s.checkpoint())
        return total

    # --- rewinding -----------------------------------------------------------------------------
    def rewind_steps(self) -> list[int]:
        """The steps every run can be put back to: each run kept a checkpoint there, or
        had stopped before it (it is then shown stopped)."""
        kept = [set(s.timeline.steps) for s in self._runs]
        stops = [stop.step if stop is not None else None for stop in self._stops]

        def reachable(k: int) -> bool:
            return all(
                k in steps or (stop is not None and k >= stop) for steps, stop in zip(kept, stops)
            )

        return sorted(k for k in set().union(*kept) if reachable(k))

    def rewind(self, step: int) -> int:
        """Put every run back to the rewind step nearest ``step`` (ties: the earlier one),
        as each run's own timeline would; returns that step. Later checkpoints stay until
        the group steps on from there, as for one session."""
        steps = self.rewind_steps()
        if not steps:
            raise LookupError("the runs kept no step in common to rewind to")
        target = min(steps, key=lambda k: (abs(k - step), k))
        for i, s in enumerate(self._runs):
            if target in s.timeline.steps:
                s.timeline.rewind(s, target)
            else:  # it had stopped before: shown stopped, as it was at that step
                s.restore(self._stops[i].checkpoint)
        return target

    # --- changes between steps -----------------------------------------------------------------
    @contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """A change that raises leaves every run and the group exactly as before."""
        runs, stops = list(self._runs), list(self._stops)
        with ExitStack() as stack:
            for s in runs:
                stack.enter_context(s.all_or_nothing())
            try:
                yield
            except BaseException:
                self._runs, self._stops = runs, stops
                raise

    def reset(self) -> None:
        """Every run back to θ₀ at step 0 (see the module's notes on what they share); a
        group of one does exactly ``session.reset_parameters()``."""
        with self.all_or_nothing():
            self._restart()

    def _restart(self) -> None:
        a = self._runs[0]
        a.reset_parameters()
        start = a.checkpoint()
        for s in self._runs[1:]:
            s.reset_parameters()
            if theta0_source(a, s) == "kept":
                # A's θ₀ (its optimizer state and batch stream are also what this run's own
                # would be); the metrics are measured afresh for this run's network
                s.adopt(replace(start, params=start.params.copy(), last={}))
        self._stops = [None] * len(self._runs)

    def change(
        self,
        index: int,
        *,
        spec: NetworkSpec | None = None,
        hyper: HyperParameters | None = None,
        seed: int | None = None,
    ) -> bool:
        """Give run ``index`` a new network, hyper-parameters or seed. Alone, exactly as
        the session does it; in a comparison, every run then starts again from θ₀ at
        step 0, and a value equal to the run's own changes nothing. Returns whether
        anything changed. All or nothing: a value the session refuses, or a change that
        would leave more than ``MAX_RUNS`` runs that are no seed fan, raises ValueError
        and changes nothing."""
        s = self._runs[index]
        new_spec = spec is not None and spec != s.spec
        new_hyper = hyper is not None and hyper != s.hyper
        new_seed = seed is not None and int(seed) != s.seed
        changed = new_spec or new_hyper or new_seed
        if len(self._runs) == 1:
            with self.all_or_nothing():
                self._apply(s, spec, hyper, seed)
            return changed
        if not changed:
            return False
        with self.all_or_nothing():
            self._apply(
                s,
                spec if new_spec else None,
                hyper if new_hyper else None,
                seed if new_seed else None,
            )
            self._check_size(self._runs)
            self._restart()
        return True

    @staticmethod
    def _apply(s: TrainingSession, spec, hyper, seed) -> None:
        if hyper is not None:
            s.set_hyper(hyper)
        if spec is not None:
            s.set_network(spec)
        if seed is not None:
            s.set_seed(seed)

    def set_all(self, **changes) -> bool:
        """Change fields of every run's design at once, keeping their differences
        (``set_all(alpha=0.3)``, ``set_all(hidden=(8, 8))``): a seed fan's runs share one
        design. Field names are those of ``NetworkSpec`` and ``HyperParameters``."""
        unknown = set(changes) - set(SPEC_FIELDS) - set(HYPER_FIELDS)
        if unknown:
            raise ValueError(f"unknown setting {sorted(unknown)[0]!r}")
        spec_changes = {k: v for k, v in changes.items() if k in SPEC_FIELDS}
        hyper_changes = {k: v for k, v in changes.items() if k in HYPER_FIELDS}
        changed = False
        with self.all_or_nothing():
            for s in self._runs:
                spec, hyper = s.spec, s.hyper
                if spec_changes:
                    fields_ = dict(spec_changes)
                    if {"hidden", "activation"} & set(fields_) and "activations" not in fields_:
                        # every hidden layer then has the one kind of unit: the one given,
                        # or the run's own (its first hidden layer's)
                        fields_["activations"] = ()
                        fields_.setdefault("activation", (*spec.activations, spec.activation)[0])
                    spec = replace(spec, **fields_)
                if hyper_changes:
                    hyper = replace(hyper, **hyper_changes)
                new_spec, new_hyper = spec != s.spec, hyper != s.hyper
                if new_spec or new_hyper:
                    changed = True
                    self._apply(s, spec if new_spec else None, hyper if new_hyper else None, None)
            if changed and len(self._runs) > 1:
                self._check_size(self._runs)
                self._restart()
        return changed

    def set_dataset(self, dataset: Dataset) -> None:
        """New or edited points for every run (each keeps θ when its network still fits,
        as a session does). When the data's shape changes the networks are rebuilt, and a
        comparison starts again from θ₀."""
        with self.all_or_nothing():
            archs = [s.arch for s in self._runs]
            for s in self._runs:
                s.set_dataset(dataset)
            rebuilt = any(s.arch is not arch for s, arch in zip(self._runs, archs))
            if rebuilt and len(self._runs) > 1:
                self._restart()

    def duplicate(self, index: int = 0) -> int:
        """Add an exact copy of run ``index`` (its state, history and timeline too), which
        goes on in step with the others; returns the new run's index."""
        with self.all_or_nothing():
            runs = [*self._runs, copy_session(self._runs[index])]
            self._check_size(runs)
            self._runs = runs
            self._stops = [*self._stops, self._stops[index]]
            self._share_budget()
        return len(self._runs) - 1

    def close(self, index: int) -> TrainingSession:
        """Take run ``index`` out of the group and return it; closing A makes the next run
        the reference. The last run cannot be closed."""
        if len(self._runs) == 1:
            raise ValueError("a group keeps at least one run")
        if not 0 <= index < len(self._runs):
            raise IndexError(f"no run {index}")
        session = self._runs[index]
        self._runs = [s for i, s in enumerate(self._runs) if i != index]
        self._stops = [s for i, s in enumerate(self._stops) if i != index]
        self._share_budget()
        session.timeline_budget = self.timeline_budget
        return session

    def copy(self) -> RunGroup:
        """An independent copy of every run (for an undo)."""
        twin = RunGroup([copy_session(s) for s in self._runs], self.timeline_budget)
        twin._stops = list(self._stops)
        return twin


# --- making groups ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RunSettings:
    """What a run is made of, apart from the data: its network, hyper-parameters and seed."""

    spec: NetworkSpec
    hyper: HyperParameters
    seed: int

    @classmethod
    def of(cls, session: TrainingSession) -> RunSettings:
        return cls(session.spec, session.hyper, session.seed)


def fresh_run(base: TrainingSession, settings: RunSettings) -> TrainingSession:
    """A new session on ``base``'s data (and memory budgets) with ``settings``, at θ₀."""
    return TrainingSession(
        base.dataset,
        settings.spec,
        settings.hyper,
        settings.seed,
        history_capacity=base.history_capacity,
        timeline_budget=base.timeline_budget,
    )


def group_of(base: TrainingSession, runs: Sequence[RunSettings]) -> RunGroup:
    """A comparison of ``runs`` (A first) on ``base``'s data, all at θ₀ and step 0 as the
    group's rules make them; ``base`` itself is left as it is."""
    group = RunGroup([fresh_run(base, r) for r in runs])
    group.reset()
    return group
