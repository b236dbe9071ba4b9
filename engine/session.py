"""A training session: data, parameters, hyper-parameters, seed and histories.

``step(n)`` runs n steps of stochastic gradient ascent (Algorithm 3 of the notes). A step
is: the batch (``next_batch``), forward, likelihood, backward, then ``complete_step``
(update and record). The phase walk (engine/phases.py) does exactly that, layer by
layer. ``train_step`` and ``step`` run the same operations in the same order fused into
buffers allocated once (``network.FusedStep``, with the flat optimizer update), so both
leave the session bit-for-bit in the same state; the tests hold them to it.
``snapshot()`` is a fresh, read-only copy of everything the views draw. The session is
plain Python and NumPy: the GUI runs it in a worker thread, tests run it directly.

Over 450 lines: the session is the single authority for the design and the step (data,
network, batching, the step, divergence, checkpoints, the snapshot), and those share its
private state; splitting them would mean reaching into each other's names.
"""

from __future__ import annotations

import copy as _copy
import math
from collections.abc import Iterator, Mapping
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
)
from .evaluation import FullPass, mean_metrics, sampled
from .features import default_features, feature_matrix, validate_features
from .heads import head_for
from .history import MetricHistory, StepMetrics
from .network import (
    Architecture,
    BackwardPass,
    FusedStep,
    Network,
    init_parameters,
    init_scheme,
)
from .optim import make_optimizer
from .records import Batch, BatchState, Checkpoint, Snapshot  # noqa: F401 - re-exported
from .timeline import DEFAULT_BUDGET, Timeline

# divergence: the training loss above its running minimum by 10× it and at least 0.25 nats
DIVERGENCE_RATIO = 10.0
DIVERGENCE_MARGIN = 0.25


class TrainingSession:
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

    # --- construction -----------------------------------------------------------------
    def _build(self, spec: NetworkSpec) -> None:
        ds = self.dataset
        features = validate_features(spec.features, ds.input_dim)
        head = head_for(ds.task, ds.n_classes)
        widths = (len(features), *spec.hidden, head.output_size(ds.n_classes))
        self.spec = spec
        self.arch = Architecture(widths, spec.activations, head.name)
        self.net = Network(self.arch, head)
        self._fused: FusedStep | None = None
        self.init_schemes = tuple(
            init_scheme(a) if spec.init == "auto" else spec.init
            for a in (*spec.activations, "identity")
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """θ drawn afresh from the seed; the step counter, histories and optimizer restart."""
        init_seq, batch_seq = np.random.SeedSequence(self.seed).spawn(2)
        self.params = init_parameters(self.arch, np.random.default_rng(init_seq), self.init_schemes)
        self._param_list = self.params.arrays()
        self._rng = np.random.default_rng(batch_seq)
        self.optimizer = make_optimizer(self.hyper.optimizer, [a.shape for a in self._param_list])
        self.step_count = 0
        self.samples_seen = 0
        # epochs are counted as they happen: samples seen over the training points there
        # were at the time, so adding points later never changes the epochs already done
        self._epoch_base, self._epoch_samples = 0.0, 0
        self.diverged: str | None = None
        self._order = np.zeros(0, dtype=np.int64)
        self._order_pos = 0
        self._prepare_data()
        self.history = self._new_history()
        self.last: StepMetrics | None = None
        self._last_bp = None
        self._last_batch_loss = math.nan
        self._initial_loss = math.nan
        self._record(None, math.nan)
        self._initial_loss = self.last.train_loss
        self._best_loss, self._best_step = self.last.train_loss, 0
        self._diverged_alpha: float | None = None
        self.timeline = Timeline(self.checkpoint().nbytes, self.timeline_budget)
        self.timeline.record(self)

    def _new_history(self) -> MetricHistory:
        return MetricHistory(self.arch.depth, self.history_capacity, self._history_stride())

    def _history_stride(self) -> int:
        """Rows of the history need the loss over the evaluation sample: a forward pass over
        N points costs about N/64 batch steps, so rows are kept every ~N/64 steps (a power of
        two, 1 to 64), which holds the evaluations to a small share of the training time.
        N counts the evaluated points (at most ``EVAL_SAMPLE`` per split)."""
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
        metrics) are shared, so the copy's dataset *is* the original's (the window tells
        its data apart by identity). The optimizer is rebuilt through its public state, so
        its arrays stay views of one buffer as a fresh one's are."""
        new = TrainingSession.__new__(TrainingSession)
        memo: dict[int, object] = {
            id(v): v for v in (self.dataset, self.spec, self.hyper, self.arch, self.net, self.last)
        }
        rebuilt = {"params", "_param_list", "optimizer", "_fused"}
        for name, value in self.__dict__.items():
            if name not in rebuilt:
                new.__dict__[name] = _copy.deepcopy(value, memo)
        new.params = self.params.copy()
        new._param_list = new.params.arrays()
        new.optimizer = make_optimizer(self.optimizer.name, [a.shape for a in new._param_list])
        new.optimizer.set_state(self.optimizer.get_state())
        new._fused = None  # scratch buffers: made again at the copy's first step
        return new

    # --- changes between steps --------------------------------------------------------
    @contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """A change that raises leaves the session exactly as before.

        Every change between steps (``set_network``, ``set_dataset``, ``set_hyper``,
        ``set_seed``, ``reset_parameters``) rebinds attributes to new objects and never
        mutates the old ones in place, so putting the attribute table back undoes it."""
        saved = dict(self.__dict__)
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    def set_hyper(self, hyper: HyperParameters) -> None:
        if hyper.optimizer != self.hyper.optimizer:
            self.optimizer = make_optimizer(hyper.optimizer, [a.shape for a in self._param_list])
        if hyper.batching != self.hyper.batching:
            self._order = np.zeros(0, dtype=np.int64)
            self._order_pos = 0
        limit = self._diverged_alpha if self._diverged_alpha is not None else self.hyper.alpha
        if self.diverged and hyper.alpha < limit:
            # θ was rolled back to the last good step: a smaller α may go on from there
            self.diverged = None
            self._diverged_alpha = None
        self.hyper = hyper

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
        self._prepare_data()
        self._best_loss = math.nan  # new data, new loss scale: the running minimum restarts
        # more points (an import, a drawing) make history rows dearer: space them as a
        # session made for this data would (never closer than they were)
        self.history.stride = max(self.history.stride, self._history_stride())
        self.refresh_last()  # the losses of the points now there, not of the old ones

    # --- training -----------------------------------------------------------------------
    @property
    def n_train(self) -> int:
        return self._X_train.shape[1]

    @property
    def effective_batch_size(self) -> int:
        return max(1, min(self.hyper.batch_size, self.n_train))

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

    def train_step(self, indices: np.ndarray | None = None, record: bool = False) -> bool:
        """One SGD step (Algorithm 3); False if it diverged. The fused step: the same
        numbers as ``next_batch`` → ``Network.forward``/``backward`` → ``complete_step``
        (the phase walk's way), to the last bit. ``record`` keeps a history row for this
        step even between rows (a manual step)."""
        idx = None if indices is None else np.asarray(indices, dtype=np.int64)
        return self._run_fused(1, idx, record)[1]

    def complete_step(
        self, batch: Batch, log_likelihood: np.ndarray, bp: BackwardPass, record: bool = False
    ) -> bool:
        """The end of every step, fused or walked: θ ← θ + α ∇J with the optimizer, then
        the step is counted and recorded (history, timeline, divergence). False if the
        step diverged."""
        self.optimizer.step(self._param_list, bp.gradient_arrays(), self.hyper.alpha)
        return self._finish_step(-float(log_likelihood.mean()), bp, batch.x.shape[1], record)

    def step(self, n: int = 1, record: bool = False) -> int:
        """Run up to n SGD steps; stops early (and sets ``diverged``) on a non-finite loss.
        Returns the number of steps run. With ``record`` every step gets a history row
        (steps taken by hand), not only those on the history's stride."""
        done, _ = self._run_fused(n, None, record)
        return done

    def _run_fused(
        self, n: int, indices: np.ndarray | None = None, record: bool = False
    ) -> tuple[int, bool]:
        """n fused steps (``FusedStep``: the maths of ``Network.forward``/``backward`` to the
        last bit, in buffers allocated once, with the flat optimizer update); the batches
        are drawn, or ``indices`` for a single step. Returns (steps run, not diverged)."""
        params, opt, lam, alpha = self.params, self.optimizer, self.hyper.lam, self.hyper.alpha
        X, Y = self._X_train, self._y_train
        B = self.effective_batch_size if indices is None else len(indices)
        fused = self._fused
        if fused is None or fused.batch_size != B or fused.y.dtype != Y.dtype:
            fused = self._fused = FusedStep(self.net, B, Y.dtype)
        flat = params.flat if params.is_packed() else None
        done, ok = 0, True
        with np.errstate(all="ignore"):
            for _ in range(n):
                idx = self.draw_batch() if indices is None else indices
                loss = fused.run(params, X, Y, idx, lam)
                if flat is not None:
                    opt.step_flat(flat, fused.grad, alpha)
                else:
                    opt.step(self._param_list, fused.bp.gradient_arrays(), alpha)
                done += 1
                ok = self._finish_step(loss, fused.bp, B, record)
                if not ok:
                    break
        return done, ok

    def _finish_step(self, batch_loss: float, bp, batch_size: int, record: bool = False) -> bool:
        self.step_count += 1
        self.samples_seen += batch_size
        self._last_bp, self._last_batch_loss = bp, batch_loss
        if not math.isfinite(batch_loss) or batch_loss > self._explosion_threshold():
            # the diverging step is measured; it gets a row if it falls on one
            self._record(
                bp, batch_loss, store=record or self.history.wants(self.step_count), keep=record
            )
            return self._diverge(f"the batch loss is {batch_loss:.4g}")
        if self.timeline.wants(self.step_count):
            self.timeline.record(self)
        if record or self.history.wants(self.step_count):
            self._record(bp, batch_loss, keep=record)
            if not all(math.isfinite(v) for v in self.last.weight_norms):
                return self._diverge("the weights are no longer finite")
            loss, best = self.last.train_loss, self._best_loss
            if math.isnan(loss) and self.n_train:
                return self._diverge("the training loss is not a number")
            if math.isfinite(best) and loss > self._divergence_threshold():
                return self._diverge(
                    f"the training loss rose to {loss:.4g} (its lowest was {best:.4g})"
                )
            if not math.isfinite(best) or loss < best:
                self._best_loss, self._best_step = loss, self.step_count
        return True

    def _divergence_threshold(self) -> float:
        """The training loss of a sane run wanders above its running minimum (SGD on a
        small XOR at α = 0.3, B = 8: up to 4× it), but not by ten times it and 0.25 nats:
        XOR with α = 10 jumping from 0.017 to 0.51 is caught, the noise of SGD is not."""
        best = self._best_loss
        return best + max(DIVERGENCE_RATIO * abs(best), DIVERGENCE_MARGIN)

    def _diverge(self, reason: str) -> bool:
        """Stop at a bad step: θ (with the optimizer and the RNG) goes back to the last
        kept step at or before the lowest loss, and training may go on once α is lowered."""
        step, alpha = self.step_count, self.hyper.alpha
        kept = [k for k in self.timeline.steps if k <= self._best_step]
        back = ""
        if kept:
            best = (self._best_loss, self._best_step)
            self.restore(self.timeline.checkpoint(max(kept)))
            self._best_loss, self._best_step = best
            back = f" θ is back at step {self.step_count:,}, the last good step."
        self.diverged = (
            f"Training diverged at step {step:,}: {reason}.{back} "
            f"Lower the learning rate α (now {alpha:g}) to go on, or reset."
        )
        self._diverged_alpha = alpha
        return False

    def _explosion_threshold(self) -> float:
        """A batch loss 100× the initial training loss (or 100 if that was small) means
        the steps overshoot: the loss of a sane run never climbs that far."""
        start = self._initial_loss
        return 100.0 * max(start, 1.0) if math.isfinite(start) else math.inf

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
        step is on its stride, or always with ``keep``)."""
        L = self.arch.depth
        train_loss, train_acc = self.evaluate("train")
        test_loss, test_acc = self.evaluate("test")
        with np.errstate(all="ignore"):
            wn = [float(np.linalg.norm(w)) for w in self.params.W]
            if bp is None:
                dm = [math.nan] * L
                gn = [math.nan] * L
            else:
                dm = [float(np.abs(d).mean()) for d in bp.delta]
                gn = [float(np.linalg.norm(g)) for g in bp.dW]
        if bp is None and not store and self.last is not None:
            # between history rows with no backward pass at hand (after a restore): keep
            # the per-layer signals of the latest row rather than showing none
            dm, gn = self.last.delta_mean_abs, self.last.grad_norms
        self.last = StepMetrics(
            step=self.step_count,
            batch_loss=batch_loss,
            train_loss=train_loss,
            test_loss=test_loss,
            train_acc=train_acc,
            test_acc=test_acc,
            delta_mean_abs=np.array(dm),
            grad_norms=np.array(gn),
            weight_norms=np.array(wn),
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
            epoch=self.epoch,
        )

    def restore(self, cp: Checkpoint) -> None:
        """Go back to a checkpoint of this architecture. Later history rows are hidden, not
        dropped: they return if a later checkpoint is restored, and go once a step is taken."""
        if any(d.shape != s.shape for d, s in zip(self._param_list, cp.params.arrays())):
            raise ValueError("checkpoint belongs to another architecture")  # nothing changed
        for dst, src in zip(self._param_list, cp.params.arrays()):
            dst[...] = src
        if set(cp.optimizer) == set(self.optimizer.get_state()):
            self.optimizer.set_state(cp.optimizer)
        else:  # taken under another optimizer: the one chosen now starts afresh
            shapes = [a.shape for a in self._param_list]
            self.optimizer = make_optimizer(self.hyper.optimizer, shapes)
        self._rng.bit_generator.state = cp.rng
        self._order = cp.order.copy()
        self._order_pos = cp.order_pos
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
        self._diverged_alpha = None
        # the running minimum restarts from the restored state (its first history row)
        self._best_loss, self._best_step = math.nan, cp.step
        self.history.rewind_to(cp.step)

    def adopt(self, cp: Checkpoint) -> None:
        """Continue from a state made elsewhere (a loaded lesson): the history and the
        timeline start afresh at that step."""
        self.restore(cp)
        self.history = self._new_history()
        kept = self.last
        self._record(None, kept.batch_loss if kept is not None else math.nan)
        if kept is not None:  # the file's metrics (δ included) describe this state better
            self.last = kept
        self.timeline = Timeline(self.checkpoint().nbytes, self.timeline_budget)
        self.timeline.record(self)

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
        )
