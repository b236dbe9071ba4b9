"""One training step, phase by phase: what the inspector walks through.

A ``PhaseWalk`` splits one step into the phases of the algorithm the app prints
(engine/algorithm.py, whose line numbers each phase names):

    0            the batch                                            line 1
    1 .. L       forward, layer ℓ:    z⁽ˡ⁾, h⁽ˡ⁾                       line 2
    L+1          the likelihood:      log p(yⁱ | xⁱ), ℒ                 line 3
    then for ℓ = L .. 1:
                 δ⁽ˡ⁾                 (δ⁽ᴸ⁾ = y − h⁽ᴸ⁾; then ((W⁽ˡ⁺¹⁾)ᵀ δ⁽ˡ⁺¹⁾) ∘ f′(z⁽ˡ⁾))
                                                                      lines 4, 8
                 dJ/dW⁽ˡ⁾                                             line 6
                 dJ/db⁽ˡ⁾                                             line 7
    last         the update, by the optimizer's own rule             lines 9 …

It draws the batch with ``TrainingSession.next_batch``, runs the network's per-layer
methods in the order ``Network.forward`` and ``Network.backward`` run them, and ends with
the session's own ``complete_step`` (update and record): the operations of
``TrainingSession.reference_step``, in its order, so finishing the walk leaves the session
bit-for-bit where one ``reference_step`` (and one ``step``) would. ``previous()`` goes
back a phase; going back over the update undoes it exactly, and going back over the batch
puts the random generator (and the epoch order) back too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import algorithm as alg
from .network import BackwardPass, ForwardPass
from .notation import f_symbol, sup
from .records import Batch, BatchState
from .session import TrainingSession


@dataclass(frozen=True)
class Phase:
    index: int
    kind: str  # batch | forward | likelihood | delta | dW | db | update
    layer: int | None
    title: str
    equation: str
    lines: tuple[int, ...]  # the numbers of the algorithm's lines it computes
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    scalars: dict[str, float] = field(default_factory=dict)
    # the update phase: the optimizer's state after the update ('v of W⁽¹⁾', 'm of b⁽²⁾', …)
    state: dict[str, np.ndarray] = field(default_factory=dict)
    order: tuple[str, ...] = ()  # the order to draw arrays and state in (empty: as they are)

    @property
    def shown(self) -> dict[str, np.ndarray]:
        """Every array the inspector draws: the phase's arrays and the optimizer's state."""
        every = {**self.arrays, **self.state}
        return {k: every[k] for k in self.order} if self.order else every


class PhaseWalk:
    """Walk one step of ``session``; ``indices`` fixes the batch (e.g. one chosen point,
    as indices into the training points) instead of drawing it at random."""

    def __init__(self, session: TrainingSession, indices: np.ndarray | None = None):
        self.session = session
        self.net = session.net
        self.L = session.net.depth
        self.start = session.checkpoint()
        self.n_phases = 4 * self.L + 3
        self.position = -1
        self._phases: list[Phase] = []
        self._fixed = None if indices is None else np.asarray(indices, dtype=np.int64)
        self._pre_update = None
        # intermediate state, filled as phases are computed
        self._batch: Batch | None = None
        self._after_draw: BatchState | None = None
        self._zs: list = []
        self._hs: list = []
        self._ll = None
        self._deltas: dict[int, np.ndarray] = {}
        self._grads: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def batch_indices(self) -> np.ndarray | None:
        """The batch's indices into the training points (None before the batch phase)."""
        return None if self._batch is None else self._batch.indices

    @property
    def batch_xy(self) -> tuple[np.ndarray, np.ndarray] | tuple[None, None]:
        """``h^(0) = x`` (M_0 × B) and y of the batch (None before the batch phase)."""
        return (None, None) if self._batch is None else (self._batch.x, self._batch.y)

    def delta(self, layer: int) -> np.ndarray | None:
        """δ^(ℓ) of this step once its phase has been computed (None before)."""
        return self._deltas.get(layer)

    @property
    def phases(self) -> tuple[Phase, ...]:
        """The phases computed so far (also those undone by ``previous``)."""
        return tuple(self._phases)

    # --- navigation ---------------------------------------------------------------------
    @property
    def current(self) -> Phase | None:
        return self._phases[self.position] if self.position >= 0 else None

    @property
    def done(self) -> bool:
        return self.position == self.n_phases - 1

    def next(self) -> Phase:
        if self.done:
            raise IndexError("the step is complete: start a new walk for the next step")
        self.position += 1
        if self.position == len(self._phases):
            self._phases.append(self._compute(self.position))
        elif self._phases[self.position].kind == "update":
            self._apply_update()
        elif self.position == 0 and self._fixed is None:
            self.session.set_batch_state(self._after_draw)  # the same draw again
        return self._phases[self.position]

    def previous(self) -> Phase | None:
        if self.position < 0:
            raise IndexError("already before the first phase")
        leaving = self._phases[self.position]
        if leaving.kind == "update":
            self.session.restore(self._pre_update)
        elif leaving.kind == "batch":
            self.session.restore(self.start)
        self.position -= 1
        return self.current

    def finish(self) -> Phase:
        """Run the remaining phases; the session is then one step further."""
        phase = self.current
        while not self.done:
            phase = self.next()
        return phase

    def phase_names(self) -> list[str]:
        names = ["batch"] + [f"forward {sup(ell)}" for ell in range(1, self.L + 1)]
        names.append("likelihood")
        for ell in range(self.L, 0, -1):
            names += [f"δ{sup(ell)}", f"dJ/dW{sup(ell)}", f"dJ/db{sup(ell)}"]
        return [*names, "update"]

    # --- the phases -----------------------------------------------------------------------
    def _compute(self, i: int) -> Phase:
        L = self.L
        if i == 0:
            return self._batch_phase()
        if i <= L:
            return self._forward_phase(i)
        if i == L + 1:
            return self._likelihood_phase()
        if i == self.n_phases - 1:
            return self._update_phase(i)
        k = i - (L + 2)  # 0.. 3L−1
        layer, part = L - k // 3, k % 3
        return (self._delta_phase, self._dW_phase, self._db_phase)[part](i, layer)

    def _batch_phase(self) -> Phase:
        s = self.session
        with np.errstate(all="ignore"):
            batch = self._batch = s.next_batch(self._fixed)
        self._after_draw = s.batch_state()
        self._hs = [batch.x]
        B = batch.x.shape[1]
        return Phase(
            0,
            "batch",
            None,
            f"Sample a batch of B = {B} training point{'s' if B > 1 else ''}",
            f"h⁽⁰⁾ = x is M₀ × B = {batch.x.shape[0]} × {B}: one column per point",
            (alg.BATCH,),
            {"x = h⁽⁰⁾": batch.x, "y": np.asarray(batch.y)[None, :]},
            {"B": B},
        )

    def _forward_phase(self, layer: int) -> Phase:
        p = self.session.params
        with np.errstate(all="ignore"):
            z, h = self.net.forward_layer(p, layer, self._hs[-1])
        self._zs.append(z)
        self._hs.append(h)
        f = self.net.head.activation if layer == self.L else self.net.hidden[layer - 1].name
        fname = f_symbol(f)
        u, prev = sup(layer), sup(layer - 1)
        return Phase(
            layer,
            "forward",
            layer,
            f"Forward, layer {layer}" + (" (output)" if layer == self.L else ""),
            f"z{u} = W{u} h{prev} + b{u};   h{u} = {fname}(z{u})   [{z.shape[0]} × {z.shape[1]}]",
            (alg.FORWARD,),
            {
                f"W{u}": p.W[layer - 1].copy(),
                f"b{u}": p.b[layer - 1].copy(),
                f"h{prev}": self._hs[-2],
                f"z{u}": z,
                f"h{u}": h,
            },
        )

    def _likelihood_phase(self) -> Phase:
        self._fp = ForwardPass(self._zs, self._hs)
        with np.errstate(all="ignore"):
            self._ll = self.net.log_likelihood(self._fp, self._batch.y)
        total = float(self._ll.sum())
        u = sup(self.L)
        return Phase(
            self.L + 1,
            "likelihood",
            self.L,
            "The likelihood",
            f"log p(yⁱ | xⁱ) = {self.net.head.likelihood}   with h = h{u};   "
            f"ℒ = {total:.6g},   loss = −ℒ/B = {-float(self._ll.mean()):.6g}",
            (alg.LIKELIHOOD,),
            {f"h{u}": self._hs[-1], "log p(yⁱ|xⁱ)": self._ll[None, :]},
            {"ℒ": total, "loss": -float(self._ll.mean())},
        )

    def _delta_phase(self, i: int, layer: int) -> Phase:
        u = sup(layer)
        p = self.session.params
        with np.errstate(all="ignore"):
            if layer == self.L:
                delta = self.net.output_delta(self._fp, self._batch.y)
            else:
                delta = self.net.propagate_delta(p, layer + 1, self._deltas[layer + 1], self._fp)
        self._deltas[layer] = delta
        if layer == self.L:
            target = "onehot(y)" if self.net.head.name == "categorical" else "y"
            eq = f"δ{u} = dℒ/dz{u} = {target} − h{u}"
            arrays = {f"h{u}": self._hs[-1], f"δ{u}": delta}
            line = alg.OUTPUT_DELTA
        else:
            d = self.net.hidden[layer - 1].derivative
            up = sup(layer + 1)
            eq = f"δ{u} = ((W{up})ᵀ δ{up}) ∘ f′(z{u}),   f′ = {d}"
            arrays = {
                f"W{up}": p.W[layer].copy(),
                f"δ{up}": self._deltas[layer + 1],
                f"z{u}": self._zs[layer - 1],
                f"δ{u}": delta,
            }
            line = alg.PROPAGATE
        return Phase(i, "delta", layer, f"Backward: δ{u}", eq, (line,), arrays)

    def _dW_phase(self, i: int, layer: int) -> Phase:
        p, lam = self.session.params, self.session.hyper.lam
        with np.errstate(all="ignore"):
            dW, db = self.net.layer_gradients(
                p, layer, self._deltas[layer], self._hs[layer - 1], lam
            )
        self._grads[layer] = (dW, db)
        u, prev = sup(layer), sup(layer - 1)
        decay = f" − 2λW{u}  (λ = {lam:g})" if lam else ""
        return Phase(
            i,
            "dW",
            layer,
            f"Backward: dJ/dW{u}",
            f"dJ/dW{u} = δ{u} (h{prev})ᵀ / B{decay}   [{dW.shape[0]} × {dW.shape[1]}]",
            (alg.GRADIENT_W,),
            {f"δ{u}": self._deltas[layer], f"h{prev}": self._hs[layer - 1], f"dJ/dW{u}": dW},
        )

    def _db_phase(self, i: int, layer: int) -> Phase:
        u = sup(layer)
        db = self._grads[layer][1]
        return Phase(
            i,
            "db",
            layer,
            f"Backward: dJ/db{u}",
            f"dJ/db{u} = (the row sums of δ{u}) / B   (no weight decay on biases)",
            (alg.GRADIENT_B,),
            {f"δ{u}": self._deltas[layer], f"dJ/db{u}": db},
        )

    def _update_phase(self, i: int) -> Phase:
        old = self.session.params.copy()
        self._apply_update()
        new = self.session.params
        arrays = {}
        for layer in range(1, self.L + 1):
            u = sup(layer)
            arrays[f"W{u} (new)"] = new.W[layer - 1].copy()
            arrays[f"ΔW{u}"] = new.W[layer - 1] - old.W[layer - 1]
            arrays[f"b{u} (new)"] = new.b[layer - 1].copy()
        opt, alpha = self.session.optimizer, self.session.hyper.alpha
        # the state arrays follow θ's order (W⁽¹⁾, b⁽¹⁾, W⁽²⁾, …), as the optimizer keeps them
        names = [f"{p}{sup(layer)}" for layer in range(1, self.L + 1) for p in ("W", "b")]
        state = {
            f"{key} of {name}": opt.state[key][k].copy()
            for k, name in enumerate(names)
            for key in opt.state_names
        }
        # drawn as the rule reads, layer by layer: the state, the change, the new value
        order = []
        for layer in range(1, self.L + 1):
            u = sup(layer)
            order += [f"{key} of W{u}" for key in opt.state_names]
            order += [f"ΔW{u}", f"W{u} (new)"]
            order += [f"{key} of b{u}" for key in opt.state_names]
            order += [f"b{u} (new)"]
        return Phase(
            i,
            "update",
            None,
            f"Update: {opt.label}, α = {alpha:g}   (step {self.start.step} → "
            f"{self.start.step + 1})",
            f"{';   '.join(opt.rule)}   with {opt.values(alpha)}",
            alg.update_lines(opt.name),
            arrays,
            {"loss": -float(self._ll.mean())},
            state,
            tuple(order),
        )

    def _apply_update(self) -> None:
        """The session's own end of a step (update, then record) on the walked pieces."""
        s = self.session
        self._pre_update = s.checkpoint()
        layers = range(1, self.L + 1)
        bp = BackwardPass(
            [self._deltas[k] for k in layers],
            [self._grads[k][0] for k in layers],
            [self._grads[k][1] for k in layers],
        )
        with np.errstate(all="ignore"):  # a walked step is a point on the curves
            s.complete_step(-float(self._ll.mean()), bp, record=True)
