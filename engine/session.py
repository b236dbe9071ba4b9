"""A training session: data, parameters, hyper-parameters, seed and histories.

One training step is written once, readably, in ``reference_step``: the batch
(``next_batch``), forward, likelihood, backward, then ``complete_step`` (the optimizer's
update, then the step is counted and recorded); the comments give the lines of the
algorithm the app prints (engine/algorithm.py). ``step(n)`` runs n steps with the same
operations in the same order fused into buffers allocated once (``network.FusedStep``),
and the phase walk (engine/phases.py) runs them phase by phase; all three end in
``complete_step`` and leave the session bit-for-bit in the same state, which the tests
hold them to. ``snapshot()`` is a fresh, read-only copy of everything the views draw. The
session is plain Python and NumPy: the GUI runs it in a worker thread, tests run it
directly.

Over 450 lines: the session is the single authority for the design and the step (data,
network, batching, the step, divergence, checkpoints, the snapshot), and those share its
private state; splitting them would mean reaching into each other's names.
"""

from __future__ import annotations

import copy as _copy
import itertools
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace

import numpy as np

from .data import Dataset
from .design import (  # noqa: F401 - re-exported: the session's public vocabulary
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
from .edits import EditLog
from .evaluation import FullPass, mean_metrics, sampled
from .features import default_features, feature_matrix, validate_features
from .guard import (
    ROLLBACK_EVERY,
    GuardState,
    constant_guess_loss,
    explosion_limit,
    observe,
)
from .heads import head_for
from .health import train_figures
from .history import MetricHistory, StepMetrics
from .network import (
    Architecture,
    BackwardPass,
    FusedStep,
    Network,
    Parameters,
    init_parameters,
    init_scheme,
)
from .optim import make_optimizer
from .records import Batch, BatchState, Checkpoint, Snapshot  # noqa: F401 - re-exported
from .row import FusedRow
from .timeline import DEFAULT_BUDGET, Timeline

# one count for every session of the process, so a revision names one state of one run:
# two sessions (a run and the copy undo keeps of it) share a number only while they are
# the same state
_REVISIONS = itertools.count(1)


class TrainingSession:
    # the gradient the last update used when entries were held (``complete_step``); None:
    # the backward pass's own. A class default: a session made from a checkpoint has none
    _applied_grad: np.ndarray | None = None

    def __init__(
        self,
        dataset: Dataset,
        spec: NetworkSpec | None = None,
        hyper: HyperParameters | None = None,
        seed: int = 0,
        history_capacity: int = 4096,
        timeline_budget: int = DEFAULT_BUDGET,
    ):
        self.seed = int(seed)
        self.history_capacity = history_capacity
        self.timeline_budget = timeline_budget
        self.hyper = hyper or HyperParameters()
        self.dataset = dataset
        if spec is None:
            spec = NetworkSpec(features=default_features(dataset.input_dim))
        self._build(spec)

    @classmethod
    def from_checkpoint(
        cls,
        dataset: Dataset,
        spec: NetworkSpec,
        hyper: HyperParameters,
        seed: int,
        state: Checkpoint,
        prepare: Callable[[TrainingSession], None] | None = None,
        history_capacity: int = 4096,
        timeline_budget: int = DEFAULT_BUDGET,
    ) -> TrainingSession:
        """A session that goes on exactly from ``state`` (a loaded lesson), as ``adopt``
        makes it: no θ₀ is drawn and measured first. ``prepare(session)`` runs before the
        state is taken (a lesson's hand edits, which its checkpoints count). ValueError if
        the state does not fit the network."""
        s = cls.__new__(cls)
        s.seed = int(seed)
        s.history_capacity = history_capacity
        s.timeline_budget = timeline_budget
        s.hyper = hyper
        s.dataset = dataset
        s._build(spec, state)
        if prepare is not None:
            prepare(s)
        s.adopt(state)
        return s

    # --- construction -----------------------------------------------------------------
    def _build(self, spec: NetworkSpec, state: Checkpoint | None = None) -> None:
        ds = self.dataset
        validate_features(spec.features, ds.input_dim)
        head = head_for(ds.task, ds.n_classes)
        self.spec = spec
        self.arch = Architecture(spec.widths(ds.task, ds.n_classes), spec.activations, head.name)
        self.net = Network(self.arch, head)
        self._fused: FusedStep | None = None
        self._row: FusedRow | None = None
        self.init_schemes = tuple(
            init_scheme(a) if spec.init == "auto" else spec.init
            for a in (*spec.activations, "identity")
        )
        if state is None:
            self.reset_parameters()
        else:
            self._ready_for(state)

    def _ready_for(self, state: Checkpoint) -> None:
        """The parts ``adopt`` does not set, for a session about to take ``state``: θ's
        arrays (zeros; ``restore`` fills them), the optimizer, the batch stream, the data,
        an empty history; and, when the state has no guard (a lesson written before the
        guard was saved), the guard a fresh session starts with, from θ₀'s loss."""
        self.revision = next(_REVISIONS)
        arch = self.arch
        shapes = [arch.weight_shape(layer) for layer in range(1, arch.depth + 1)]
        self.params = Parameters(
            [np.zeros(sh) for sh in shapes], [np.zeros((sh[0], 1)) for sh in shapes]
        )
        self.edits = EditLog.fresh(arch.widths, None)
        init_seq, batch_seq = np.random.SeedSequence(self.seed).spawn(2)
        self._rng = np.random.default_rng(batch_seq)
        self.optimizer = make_optimizer(self.hyper.optimizer, self.params.layout)
        self._prepare_data()
        self.history = self._new_history()
        if state.guard is None:
            theta0 = init_parameters(arch, np.random.default_rng(init_seq), self.init_schemes)
            loss = train_figures(
                self.net, theta0, *self._eval_train, self.dataset.task == "classification"
            )[0]
            self._guard = GuardState.armed(self._reference(loss), 0)

    def reset_parameters(self) -> None:
        """θ drawn afresh from the seed; the step counter, histories and optimizer restart."""
        # ``revision`` names the run's state (θ, optimizer, random state, step, data, the
        # guard's stop): every change between steps and every step takes a new number from
        # one count for the process, and ``restore`` puts back the number of the state it
        # restores. The design (``spec``, ``hyper``, ``seed``) is not counted: a view that
        # needs it compares it too. A walk's phases, parked between, change nothing.
        self.revision = next(_REVISIONS)
        init_seq, batch_seq = np.random.SeedSequence(self.seed).spawn(2)
        self.params = init_parameters(self.arch, np.random.default_rng(init_seq), self.init_schemes)
        # a new θ has no hand edits; the frozen set stays (engine/edits.py)
        self.edits = EditLog.fresh(self.arch.widths, getattr(self, "edits", None))
        self._rng = np.random.default_rng(batch_seq)
        self.optimizer = make_optimizer(self.hyper.optimizer, self.params.layout)
        self.step_count = 0
        self.samples_seen = 0
        # epochs are counted as they happen: samples seen over the training points there
        # were at the time, so adding points later never changes the epochs already done
        self._epoch_base, self._epoch_samples = 0.0, 0
        self.diverged: str | None = None  # why the guard stopped the run (engine/guard.py)
        self._order = np.zeros(0, dtype=np.int64)
        self._order_pos = 0
        self._prepare_data()
        self.history = self._new_history()
        self.last: StepMetrics | None = None
        self._last_bp = None
        self._last_batch_loss = math.nan
        self._record(None, math.nan)
        self._guard = GuardState.armed(self._reference(self.last.train_loss), 0)
        self._rollback: Checkpoint | None = None
        self._rollback = self._rollback_point()
        self._new_timeline()

    def _new_timeline(self) -> None:
        # room for the guard's roll-back points too: a kept checkpoint may hold one
        self.timeline = Timeline(2 * self.checkpoint().nbytes, self.timeline_budget)
        self.timeline.record(self)

    def _reference(self, loss: float) -> float:
        """The guard's reference loss: ``loss`` (where the run starts), or a constant
        guess's loss on these training points if that is higher."""
        ds = self.dataset
        guess = constant_guess_loss(ds.task, ds.n_classes, self._y_train)
        values = [v for v in (loss, guess) if math.isfinite(v)]
        return max(values) if values else math.nan

    def _new_history(self) -> MetricHistory:
        return MetricHistory(self.arch.depth, self.history_capacity, self._history_stride())

    def _history_stride(self) -> int:
        """The history's first stride: a row every ~N/64 steps (a power of two, 1 to 64),
        N the evaluated points (at most ``EVAL_SAMPLE`` per split).

        A row measures the evaluation sample (``row.FusedRow``): on a 2-8-8-8-1 network
        with B = 32 it costs about 1.3 steps plus N/400 (55 µs plus 0.11 µs a point, a step
        43 µs; a wider network's row grows with its forward pass over the N points). So
        at the start of a run rows take a fifth to a third of the training time over 200
        points or more, and more over fewer (below 64, a row every step costs more than
        the step); the share halves each time the history's compaction doubles the stride
        as the run grows."""
        n = self._eval_train[0].shape[1] + self._eval_test[0].shape[1]
        stride = 1
        while stride < 64 and stride * 64 < n:
            stride *= 2
        return stride

    def _prepare_data(self) -> None:
        ds = self.dataset
        X = feature_matrix(ds.points, self.spec.features)
        train, test = ds.train, ds.test
        y = ds.y if ds.task == "classification" and ds.n_classes > 2 else ds.y_float
        self._X_train, self._y_train = np.ascontiguousarray(X[:, train]), y[train]
        self._X_test, self._y_test = np.ascontiguousarray(X[:, test]), y[test]
        # the running metrics' points: all of a split, or a fixed sample of a large one
        self._eval_train = sampled(self._X_train, self._y_train)
        self._eval_test = sampled(self._X_test, self._y_test)
        self._order = np.zeros(0, dtype=np.int64)
        self._order_pos = 0

    # --- copies --------------------------------------------------------------------------
    def copy(self) -> TrainingSession:
        """A deep, independent copy: θ, the optimizer's state, the batch RNG and the epoch
        order, the step counters, the history, the timeline and everything else. Stepping
        either one never changes the other, and both step on with the same numbers.

        The immutable values (the dataset, the design, the architecture, the latest
        metrics, the guard's state and roll-back point) are shared, so the copy's dataset
        *is* the original's (the window tells its data apart by identity)."""
        new = TrainingSession.__new__(TrainingSession)
        shared = (self.dataset, self.spec, self.hyper, self.arch, self.net, self.last)
        memo: dict[int, object] = {id(v): v for v in (*shared, self._guard, self._rollback)}
        for name, value in self.__dict__.items():
            if name not in ("_fused", "_row"):
                new.__dict__[name] = _copy.deepcopy(value, memo)
        # scratch buffers: made again at the copy's first step and row
        new._fused = new._row = None
        return new

    def __getstate__(self) -> dict:
        # pickled to and from the engine process (gui/engine_process.py): the fused step's
        # scratch buffers are not part of the run (made again at the first step, as for
        # ``copy``), and their views would not survive a pickle
        state = self.__dict__.copy()
        state["_fused"] = None
        return state

    # --- changes between steps --------------------------------------------------------
    @contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """A change that raises leaves the session exactly as before.

        The changes between steps (``set_network``, ``set_dataset``, ``set_hyper``,
        ``set_seed``, ``reset_parameters``) rebind attributes to new objects, so putting
        the attribute table back undoes them; those that write in place (``roll_back``
        restores θ, the optimizer and the RNG into their arrays and moves the history's
        view) are undone from a copy of those values taken here."""
        saved = dict(self.__dict__)
        values = self.checkpoint()
        history = self.history.with_min_stride(1)
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            for dst, src in zip(self.params.arrays(), values.params.arrays()):
                dst[...] = src
            self.optimizer.set_state(values.optimizer)
            self._rng.bit_generator.state = values.rng
            self.history.__dict__.update(history.__dict__)
            raise

    def set_hyper(self, hyper: HyperParameters) -> None:
        if hyper.optimizer != self.hyper.optimizer:
            self.optimizer = make_optimizer(hyper.optimizer, self.params.layout)
        if hyper.batching != self.hyper.batching:
            self._order = np.zeros(0, dtype=np.int64)
            self._order_pos = 0
        self.hyper = hyper

    def parameters_edited(self) -> None:
        """θ was changed by hand between steps (engine/edits.py): the metrics are measured
        anew, and the divergence check judges from the loss θ has now."""
        self.revision = next(_REVISIONS)
        self.refresh_last()
        # a new start for the guard, as with new data: judged from the loss θ has now, and
        # a roll back goes no further back than this
        self.diverged = None
        ref = self._reference(self.last.train_loss)
        self._guard = replace(GuardState.armed(ref, self.step_count), spikes=self._guard.spikes)
        self._rollback = self._rollback_point()

    def update_hyper(self, **changes) -> None:
        self.set_hyper(replace(self.hyper, **changes))

    def set_network(self, spec: NetworkSpec) -> None:
        """A new architecture (or new inputs, activations, init) rebuilds θ."""
        self._build(spec)

    def set_seed(self, seed: int) -> None:
        self.seed = int(seed)
        self.reset_parameters()

    def set_dataset(self, dataset: Dataset) -> None:
        """New or edited points. θ is kept when the network's shape still fits the data."""
        old = self.dataset
        self.dataset = dataset
        if not dataset.same_shape(old):
            spec = self.spec
            if dataset.input_dim != old.input_dim:
                spec = replace(spec, features=default_features(dataset.input_dim))
            self._build(spec)
            return
        self._epoch_base, self._epoch_samples = self.epoch, self.samples_seen
        self.revision = next(_REVISIONS)
        self._prepare_data()
        # more points (an import, a drawing) make history rows dearer: space them as a
        # session made for this data would (never closer than they were)
        self.history = self.history.with_min_stride(self._history_stride())
        self.refresh_last()  # the losses of the points now there, not of the old ones
        # new data, a new run for the guard: judged from the loss θ has on them now, and
        # a roll back goes no further back than this
        self.diverged = None
        ref = self._reference(self.last.train_loss)
        self._guard = replace(GuardState.armed(ref, self.step_count), spikes=self._guard.spikes)
        self._rollback = self._rollback_point()

    # --- training -----------------------------------------------------------------------
    @property
    def n_train(self) -> int:
        return self._X_train.shape[1]

    @property
    def effective_batch_size(self) -> int:
        return effective_batch_size(self.hyper.batch_size, self.n_train)

    @property
    def steps_per_epoch(self) -> int:
        """Steps in one pass over the training points: ⌈N_train / B⌉ (0 without any)."""
        return steps_for_epochs(self.n_train, self.hyper.batch_size)

    def draw_batch(self) -> np.ndarray:
        """Indices (into the training points) of the next batch; advances the RNG."""
        n = self.n_train
        if n == 0:
            raise ValueError("there are no training points: draw some or load a preset")
        B = self.effective_batch_size
        if self.hyper.batching == "random":
            return self._rng.choice(n, size=B, replace=False)
        if self._order.size != n or self._order_pos + B > n:
            # a new epoch: reshuffle; a partial batch at the end of an epoch is dropped
            self._order = self._rng.permutation(n)
            self._order_pos = 0
        idx = self._order[self._order_pos : self._order_pos + B]
        self._order_pos += B
        return idx

    def batch(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._X_train[:, idx], self._y_train[idx]

    @property
    def train_x(self) -> np.ndarray:
        """h^(0) of every training point (M_0 × N_train), read-only."""
        v = self._X_train.view()
        v.flags.writeable = False
        return v

    def batch_state(self) -> BatchState:
        """The batch RNG and the epoch order, as ``draw_batch`` leaves them."""
        return BatchState(self._rng.bit_generator.state, self._order.copy(), self._order_pos)

    def set_batch_state(self, state: BatchState) -> None:
        self._rng.bit_generator.state = state.rng
        self._order = state.order.copy()
        self._order_pos = state.order_pos

    # --- one step: batch → forward → likelihood → backward → update → record -----------
    def next_batch(self, indices: np.ndarray | None = None) -> Batch:
        """The step's batch: drawn (advancing the RNG) unless ``indices`` fixes it."""
        idx = self.draw_batch() if indices is None else np.asarray(indices, dtype=np.int64)
        x, y = self.batch(idx)
        return Batch(idx, x, y)

    def reference_step(self, indices: np.ndarray | None = None, record: bool = False) -> bool:
        """One training step as the notes write it, the numbers of every way to step:
        ``step`` runs the same operations fused, and the phase walk (engine/phases.py) runs
        them phase by phase, both to the last bit. ``indices`` fixes the batch; ``record``
        keeps a history row for this step (a step taken by hand). False if it diverged."""
        net, theta = self.net, self.params
        with np.errstate(all="ignore"):
            batch = self.next_batch(indices)  # line 1
            fp = net.forward(theta, batch.x)  # line 2
            log_p = net.log_likelihood(fp, batch.y)  # line 3
            bp = net.backward(theta, fp, batch.y, self.hyper.lam)  # lines 4–8
            return self.complete_step(-float(log_p.mean()), bp, record)  # lines 9 …

    def complete_step(self, batch_loss: float, bp: BackwardPass, record: bool = False) -> bool:
        """The end of every step, fused, reference or walked: the optimizer's update of θ
        with ∇J (lines 9 …), then the step is counted and recorded (history, timeline,
        divergence). False if the step diverged."""
        grad = self.edits.for_update(bp.grad)  # frozen entries masked
        self.optimizer.update(self.params.flat, grad, self.hyper.alpha)
        # the gradient the update used, when entries were held: they took no step, and the
        # update-to-weight ratio of the step's row must not count one
        self._applied_grad = None if grad is bp.grad else grad
        return self._finish_step(batch_loss, bp, bp.batch_size, record)

    def step(self, n: int = 1, record: bool = False) -> int:
        """Run up to n training steps; stops early (and sets ``diverged``) when a step
        diverges. Returns the number of steps run. With ``record`` every step gets a
        history row (steps taken by hand), not only those on the history's stride.

        Each step is ``reference_step``'s operations in the same order, fused into buffers
        allocated once (``FusedStep``), so it leaves the session bit-for-bit where
        ``reference_step`` would; tests/engine/test_fused.py holds them to it."""
        X, Y = self._X_train, self._y_train
        B = self.effective_batch_size
        fused = self._fused
        if fused is None or fused.batch_size != B or fused.y.dtype != Y.dtype:
            fused = self._fused = FusedStep(self.net, B, Y.dtype)
        theta, lam, bp = self.params, self.hyper.lam, fused.bp
        done = 0
        with np.errstate(all="ignore"):
            while done < n:
                loss = fused.run(theta, X, Y, self.draw_batch(), lam)
                done += 1
                if not self.complete_step(loss, bp, record):
                    break
        return done

    def _finish_step(self, batch_loss: float, bp, batch_size: int, record: bool = False) -> bool:
        """Count the step, record its history row if one is due (always with ``record``),
        and let the divergence guard judge it. False if the guard stopped the run here."""
        if self.diverged:
            self.go_on()  # a step taken after a stop means: go on from here
        self.step_count += 1
        self.samples_seen += batch_size
        self.revision = next(_REVISIONS)
        self._last_bp, self._last_batch_loss = bp, batch_loss
        row = record or self.history.wants(self.step_count)
        if row:
            self._record(bp, batch_loss, keep=record)
        ok = self._judge(batch_loss, row)
        if ok and self.timeline.wants(self.step_count):
            self.timeline.record(self)
        return ok

    def _judge(self, batch_loss: float, row: bool) -> bool:
        """The divergence guard (engine/guard.py) on this step: its batch loss, and at a
        history row the weights and the training loss."""
        if not math.isfinite(batch_loss):
            return self._stop(f"the batch loss is {batch_loss:.4g}", roll_back=True)
        guard = self._guard
        if batch_loss > explosion_limit(guard.reference):  # the steps overshoot
            limit = explosion_limit(guard.reference)
            return self._stop(f"the batch loss jumped to {batch_loss:.4g} (above {limit:.3g})")
        if not row:
            return True
        if not all(math.isfinite(v) for v in self.last.weight_norms):
            return self._stop("the weights are no longer finite", roll_back=True)
        loss = self.last.train_loss
        if not math.isfinite(loss):
            if not self.n_train:
                return True
            return self._stop(f"the training loss is {loss:.4g}", roll_back=True)
        guard, verdict = observe(guard, self.step_count, loss)
        self._guard = guard
        if verdict.grew:
            start = "started" if guard.reference == guard.base else "went on"
            return self._stop(
                f"the training loss stayed above {guard.limit:.3g} over the last "
                f"{verdict.span:,} steps (median {verdict.median:.3g}; it {start} at "
                f"{guard.reference:.3g})"
            )
        if verdict.good and self.step_count - self._rollback.step >= ROLLBACK_EVERY:
            self._rollback = self._rollback_point()
        return True

    def _stop(self, reason: str, roll_back: bool = False) -> bool:
        """The guard stops the run: it pauses here, or (``roll_back``: nothing can go on
        from a value that is not finite) goes back to the last good checkpoint at once."""
        step, alpha = self.step_count, self.hyper.alpha
        back = self._rollback
        row = self.last.train_loss if self.last is not None and self.last.step == step else None
        self._guard = self._guard.stopped([self._last_batch_loss, math.nan if row is None else row])
        if roll_back:
            self.restore(back)
            self.diverged = (
                f"Training diverged at step {step:,}: {reason}. θ is back at step "
                f"{back.step:,}, the last good step. Lower the learning rate α (now "
                f"{alpha:g}) and go on, or go on anyway."
            )
        else:
            self.diverged = (
                f"Training diverged at step {step:,}: {reason}. Roll back to step "
                f"{back.step:,} and lower the learning rate α (now {alpha:g}), or go on anyway."
            )
        self.revision = next(_REVISIONS)  # a stopped run (θ back, or where it stopped)
        return False

    def _rollback_point(self) -> Checkpoint:
        """The state now, as the checkpoint a roll back returns to (it is its own)."""
        return replace(self.checkpoint(), rollback=None)

    @property
    def rollback_step(self) -> int:
        """The step ``roll_back`` returns to: the last good checkpoint's."""
        return self._rollback.step

    @property
    def spikes(self) -> tuple[tuple[int, float], ...]:
        """(step, training loss) of the transient spikes the guard saw, oldest first."""
        return self._guard.spikes

    def go_on(self) -> None:
        """Go on after the guard stopped the run (Play, a step, "Continue anyway"): the
        stop is cleared and the guard re-arms, judging from the loss the run is at now,
        so it does not stop again at once."""
        if self.diverged is None:
            return
        self.diverged = None
        self._guard = self._guard.rearmed(self.step_count)
        self.revision = next(_REVISIONS)

    def roll_back(self, alpha: float | None = None) -> int:
        """Back to the last good checkpoint: θ, the optimizer, the RNG, the guard and the
        curves as they were there; the stop is cleared, and with ``alpha`` the learning
        rate becomes that. Returns the step."""
        back = self._rollback
        self.restore(back)
        self.diverged = None
        if alpha is not None:
            self.set_hyper(replace(self.hyper, alpha=float(alpha)))
        return back.step

    # --- metrics ------------------------------------------------------------------------
    def evaluate(self, which: str = "train", full: bool = False) -> tuple[float, float]:
        """(mean negative log-likelihood, accuracy) over the train or test evaluation sample
        (every point of a split of at most ``EVAL_SAMPLE``), or over all its points with
        ``full``; accuracy is NaN for regression, both are NaN on an empty set."""
        if full:
            train = which == "train"
            X, y = (self._X_train, self._y_train) if train else (self._X_test, self._y_test)
        else:
            X, y = self._eval_train if which == "train" else self._eval_test
        return mean_metrics(self.net, self.params, X, y, self.dataset.task == "classification")

    @property
    def evaluated_points(self) -> tuple[int, int]:
        """How many train and test points the running metrics use."""
        return self._eval_train[0].shape[1], self._eval_test[0].shape[1]

    def full_pass(self) -> FullPass:
        """The exact loss and accuracy over every point at the current step, to be computed
        a chunk at a time (``FullPass.advance``), even while training goes on."""
        return FullPass(
            self.net,
            self.params,
            self.step_count,
            ((self._X_train, self._y_train), (self._X_test, self._y_test)),
            self.dataset.task == "classification",
        )

    def refresh_last(self) -> None:
        """Recompute ``last`` for the current θ when the step ran between history rows (or
        was restored): losses and weight norms now, δ and gradients from the latest step."""
        self._record(self._last_bp, self._last_batch_loss, store=False)

    def _record(self, bp, batch_loss: float, store: bool = True, keep: bool = False) -> None:
        """Measure ``last``; with ``store`` offer it to the history (which keeps it if the
        step is on its stride, or always with ``keep``).

        The figures are ``row.reference_row``'s, computed by a ``row.FusedRow`` (the same
        numbers in buffers made once for this network and evaluation samples)."""
        train, test = self._eval_train, self._eval_test
        row = self._row
        if row is None or not row.fits(self.net, train, test):
            row = self._row = FusedRow(self.net, train[0].shape[1], test[0].shape[1])
        classification = self.dataset.task == "classification"
        applied = self._applied_grad if bp is self._last_bp else None
        f = row.measure(
            self.params, train, test, classification, bp, self.optimizer, self.hyper.alpha, applied
        )
        dm, gn, ratio = f.delta_mean_abs, f.grad_norms, f.log_update_ratio
        if bp is None and not store and self.last is not None:
            # between history rows with no backward pass at hand (after a restore): keep
            # the per-layer signals of the latest row rather than showing none
            last = self.last
            dm, gn = np.array(last.delta_mean_abs), np.array(last.grad_norms)
            ratio = np.array(last.log_update_ratio)
        self.last = StepMetrics(
            step=self.step_count,
            batch_loss=batch_loss,
            train_loss=f.train_loss,
            test_loss=f.test_loss,
            train_acc=f.train_acc,
            test_acc=f.test_acc,
            delta_mean_abs=dm,
            grad_norms=gn,
            weight_norms=f.weight_norms,
            log_update_ratio=ratio,
            saturated_share=f.saturated_share,
        )
        if not store:
            return
        self.history.record_metrics(self.last, keep)

    @property
    def epoch(self) -> float:
        """Passes over the training data so far, counted as they happened: the samples
        seen since the data last changed over the training points now, plus the epochs
        done before (a point drawn now does not rewrite the past)."""
        n = self.n_train
        since = (self.samples_seen - self._epoch_samples) / n if n else 0.0
        return self._epoch_base + since

    # --- checkpoints (rewind, the phase walk) -------------------------------------------
    def checkpoint(self) -> Checkpoint:
        return Checkpoint(
            step=self.step_count,
            samples_seen=self.samples_seen,
            params=self.params.copy(),
            optimizer=self.optimizer.get_state(),
            rng=self._rng.bit_generator.state,
            order=self._order.copy(),
            order_pos=self._order_pos,
            last=self.last,  # immutable: shared, not copied
            diverged=self.diverged,
            edits=self.edits.count,
            guard=self._guard,  # immutable: shared
            rollback=self._rollback,  # never written to: shared
            epoch=self.epoch,
            revision=self.revision,
        )

    def restore(self, cp: Checkpoint) -> None:
        """Go back to a checkpoint of this architecture. Later history rows are hidden, not
        dropped: they return if a later checkpoint is restored, and go once a step is taken."""
        if any(d.shape != s.shape for d, s in zip(self.params.arrays(), cp.params.arrays())):
            raise ValueError("checkpoint belongs to another architecture")  # nothing changed
        for dst, src in zip(self.params.arrays(), cp.params.arrays()):
            dst[...] = src
        if set(cp.optimizer) == set(self.optimizer.get_state()):
            self.optimizer.set_state(cp.optimizer)
        else:  # taken under another optimizer: the one chosen now starts afresh
            self.optimizer = make_optimizer(self.hyper.optimizer, self.params.layout)
        self._rng.bit_generator.state = cp.rng
        if cp.order.size in (0, self.n_train):
            self._order, self._order_pos = cp.order.copy(), cp.order_pos
        else:
            # an epoch order of other points (a checkpoint from before the data changed):
            # the next batch starts a new epoch either way, as ``draw_batch`` would
            self._order, self._order_pos = np.zeros(0, dtype=np.int64), 0
        self.step_count = cp.step
        self.samples_seen = cp.samples_seen
        n = self.n_train
        known = cp.epoch is not None and math.isfinite(cp.epoch)
        self._epoch_base = float(cp.epoch) if known else (cp.samples_seen / n if n else 0.0)
        self._epoch_samples = cp.samples_seen
        self.last = self._metrics(cp.last)
        self._last_bp = None
        self._last_batch_loss = self.last.batch_loss if self.last is not None else math.nan
        self.diverged = cp.diverged
        if cp.guard is not None:
            self._guard = cp.guard
        else:  # a lesson written before the guard was saved: it starts afresh here
            self._guard = GuardState.armed(self._guard.base, cp.step)
        back = cp if cp.rollback is None else cp.rollback
        if back.order.size not in (0, self.n_train):  # (the same for the roll-back point)
            back = replace(back, order=np.zeros(0, dtype=np.int64), order_pos=0)
        self._rollback = back
        self.history.rewind_to(cp.step)
        self.edits.restored(self, cp)
        # back to that very state: its revision (a state from a file gets a new one)
        self.revision = cp.revision or next(_REVISIONS)

    def adopt(self, cp: Checkpoint) -> None:
        """Continue from a state made elsewhere (a loaded lesson): the history and the
        timeline start afresh at that step."""
        self.restore(cp)
        self.history = self._new_history()
        kept = self.last
        self._record(None, kept.batch_loss if kept is not None else math.nan)
        if kept is not None:  # the file's metrics (δ included) describe this state better
            self.last = kept
        self.revision = next(_REVISIONS)  # a state made elsewhere is a new one here
        self._new_timeline()

    def _metrics(self, last: Mapping) -> StepMetrics | None:
        if isinstance(last, StepMetrics):
            return last
        return StepMetrics.from_mapping(last, self.arch.depth) if last else None

    # --- what the views draw ------------------------------------------------------------
    def snapshot(self, refresh: bool = True) -> Snapshot:
        """With ``refresh`` the metrics describe this very step (an evaluation of the sample);
        without, those of the latest history row (a running engine's frames: no evaluation
        per frame, and ``last.step`` says which step they describe)."""
        if self.last is None or (refresh and self.last.step != self.step_count):
            self.refresh_last()
        return Snapshot(
            step=self.step_count,
            epoch=self.epoch,
            dataset=self.dataset,
            spec=self.spec,
            hyper=self.hyper,
            arch=self.arch,
            params=self.params.read_only(),
            history=self.history.arrays(),
            last=self.last.copy(),
            diverged=self.diverged,
            init_schemes=self.init_schemes,
            seed=self.seed,
            edits=self.edits.summary(self.step_count),
            spikes=tuple(sp for sp in self._guard.spikes if sp[0] <= self.step_count),
            rollback_step=self._rollback.step,
            revision=self.revision,
            n_train=self.n_train,
        )
