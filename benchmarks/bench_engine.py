"""Engine speed: SGD steps/s and decision-grid evaluations/s, against a lean NumPy reference
step and PyTorch CPU, all in the same run.

    python benchmarks/bench_engine.py [--seconds 2] [--json]

Network: 2-8-8-8-1 sigmoid, Bernoulli head, B = 32, float64 (training) on 500 XOR points.
Every figure is measured in turns with the others (``measure_all``), so the ratios compare
figures taken under the same load. The ratios printed last are the ones to watch, each
against the lean reference step: ``TrainingSession.step`` (a session far into a run, as
the window runs it, with its history rows and checkpoints), the same session with no
history row due (what the session adds apart from the rows: counting, the guard,
checkpoints), and the fused step alone (``FusedStep.run`` and the optimizer's ``update``).
``benchmarks/profile_step.py`` counts the NumPy calls of a step.
Grid: the same network's p(y=1|x) over 100×100 and 200×200 points, float32.
PyTorch (if installed) runs the same maths on one thread: Linear layers, sigmoid,
BCE-with-logits, plain SGD; its grid pass runs under ``torch.inference_mode``.
The lean reference is the same maths written for the fewest NumPy calls, with none of the
engine's constraints (bit-identical to the phase walk, every intermediate kept for the
views): points as rows, each layer's bias carried by a ones column inside one matrix
product, δ^(L) scaled by α/B once so the products are the updates, no overflow guard, one
flat parameter update.
Importing ``backprop_lab`` limits NumPy's BLAS to one thread too, as in the app.
"""

from __future__ import annotations

import argparse
import copy
import json
import time

import numpy as np
from backprop_lab.engine import (
    Dataset,
    GridEvaluator,
    GridSpec,
    HyperParameters,
    NetworkSpec,
    TrainingSession,
)
from backprop_lab.engine.network import FusedStep

WIDTHS = (8, 8, 8)
B = 32


WINDOW = 0.05  # seconds: short turns, so that each figure meets the quiet moments too


class Probe:
    """A figure to measure: calls per second of ``fn`` (each call does ``batch`` units)."""

    def __init__(self, fn, batch: int = 1):
        self.fn, self.batch, self.best = fn, batch, 0.0

    def window(self, seconds: float) -> None:
        n, t0 = 0, time.perf_counter()
        while (t := time.perf_counter() - t0) < seconds:
            self.fn()
            n += self.batch
        self.best = max(self.best, n / t)


PROBES: list[Probe] = []


def rate(fn, seconds: float, batch: int = 1) -> Probe:
    """Register a figure; ``measure_all`` measures every figure in turns, so that ratios
    compare figures taken under the same load (the machine is shared)."""
    fn()  # warm up
    p = Probe(fn, batch)
    PROBES.append(p)
    return p


def measure_all(seconds: float) -> None:
    """Turns of ``WINDOW`` seconds over all figures, ``seconds`` in all for each; the best
    window counts. On a shared machine the load comes in bursts: short turns let every
    figure have windows without one, which long turns would leave to chance."""
    for _ in range(max(5, round(seconds / WINDOW))):
        for p in PROBES:
            p.window(WINDOW)


def figures(d):
    return {k: (v.best if isinstance(v, Probe) else v) for k, v in d.items()}


def xor_data(n: int = 500, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-6, 6, (n, 2))
    return Dataset(pts, (pts[:, 0] * pts[:, 1] > 0).astype(int), np.zeros(n, bool))


def session() -> TrainingSession:
    return TrainingSession(
        xor_data(),
        NetworkSpec(hidden=WIDTHS, activation="sigmoid"),
        HyperParameters(alpha=0.5, batch_size=B),
        seed=0,
    )


# the runs measured, so that ``health`` can say whether they kept training
WATCHED: dict[str, TrainingSession] = {}
LAST_LOSS = {"fused step": float("nan")}


def engine_figures(seconds: float) -> dict[str, Probe]:
    s = session()
    net, params = s.net, s.params
    X, Y = s.train_x, s.batch(np.arange(s.n_train))[1]

    def fused_step():
        loss = fused.run(params, X, Y, s.draw_batch(), 0.0)
        s.optimizer.update(params.flat, fused.grad, 0.5)
        LAST_LOSS["fused step"] = loss
        return loss

    fused = FusedStep(net, B)
    readable = session()
    out = {
        "step": rate(fused_step, seconds, 1),
        "reference_step": rate(readable.reference_step, seconds, 1),
    }
    # A whole session, histories included, far into a run (history stride ≫ 1).
    far = session()
    far.step(50_000)
    WATCHED["TrainingSession.step"] = far
    WATCHED["TrainingSession.reference_step"] = readable
    out["session_step"] = rate(lambda: far.step(100), seconds, 100)
    # the same session with no history rows due (a stride of 2^30): what the session adds
    # to the fused step apart from the rows (counting, the guard, checkpoints)
    bare = session()
    bare.step(50_000)
    bare.history = bare.history.with_min_stride(1 << 30)
    WATCHED["TrainingSession.step, no rows"] = bare
    out["session_no_rows"] = rate(lambda: bare.step(100), seconds, 100)
    for r in (100, 200):
        ev = GridEvaluator(GridSpec(resolution=r), ("x1", "x2"))
        out[f"grid{r}"] = rate(lambda ev=ev: ev.evaluate(net, params), seconds)
    return out


def lean_reference(seconds: float) -> Probe:
    """Steps/s of the lean NumPy reference step (see the module docstring)."""
    data = xor_data()
    n = len(data)
    rng = np.random.default_rng(0)
    widths = (2, *WIDTHS, 1)
    # θ: one flat buffer; layer ℓ is a view [W | b] of shape M_ℓ × (M_(ℓ−1) + 1)
    shapes = [(widths[k + 1], widths[k] + 1) for k in range(len(widths) - 1)]
    theta = np.empty(sum(a * b for a, b in shapes))
    update = np.empty_like(theta)
    Wb, G, at = [], [], 0
    for m, k in shapes:
        Wb.append(theta[at : at + m * k].reshape(m, k))
        G.append(update[at : at + m * k].reshape(m, k))
        at += m * k
    for w in Wb:
        w[:, :-1] = rng.normal(0, np.sqrt(2.0 / (w.shape[0] + w.shape[1] - 1)), w[:, :-1].shape)
        w[:, -1] = 0.0
    XT1 = np.hstack([data.points, np.ones((n, 1))])  # rows = points, ones column = bias
    y_all = data.y.astype(np.float64)
    # h^(ℓ) with a ones row below it, (M_ℓ + 1) × B, allocated once: the top rows are a
    # contiguous block, so every product and activation runs on contiguous memory
    H = [np.ones((m + 1, B)) for m in widths]
    xt = np.empty((B, 3))
    y = np.empty(B)
    d_out = np.empty((1, B))
    alpha = 0.5
    scale = alpha / B
    last = len(Wb) - 1

    def step():
        idx = rng.choice(n, size=B, replace=False)
        np.take(XT1, idx, axis=0, out=xt, mode="clip")
        H[0][...] = xt.T
        np.take(y_all, idx, out=y, mode="clip")
        for k, w in enumerate(Wb):
            a = np.matmul(w, H[k], out=H[k + 1][:-1])
            if k < last:  # σ(z) = 1 / (1 + e^(−z))
                np.negative(a, out=a)
                np.exp(a, out=a)
                a += 1.0
                np.reciprocal(a, out=a)
        z = H[-1][0]
        loss = -float(np.add.reduce(y * z - np.logaddexp(0.0, z))) / B
        d = d_out
        np.subtract(y, 1.0 / (1.0 + np.exp(-z)), out=d[0])
        d *= scale  # α/B · δ^(L): the products below are then the updates
        for k in range(last, -1, -1):
            np.matmul(d, H[k].T, out=G[k])  # [α/B · dL/dW | α/B · dL/db]
            if k:
                h = H[k][:-1]
                d = Wb[k][:, :-1].T @ d
                d *= h
                d *= 1.0 - h
        np.add(theta, update, out=theta)
        return loss

    return rate(step, seconds)


def torch_figures(seconds: float) -> dict[str, Probe | float] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    layers, m_prev = [], 2
    for m in WIDTHS:
        layers += [torch.nn.Linear(m_prev, m, dtype=torch.float64), torch.nn.Sigmoid()]
        m_prev = m
    model = torch.nn.Sequential(*layers, torch.nn.Linear(m_prev, 1, dtype=torch.float64))
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    data = xor_data()
    X = torch.tensor(data.points)
    Y = torch.tensor(data.y, dtype=torch.float64)
    gen = torch.Generator().manual_seed(0)

    def step():
        idx = torch.randperm(X.shape[0], generator=gen)[:B]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(X[idx])[:, 0], Y[idx])
        loss.backward()
        opt.step()

    out = {"step": rate(step, seconds), "session_step": float("nan")}
    model32 = copy.deepcopy(model).float()  # a copy: .float() converts in place
    for r in (100, 200):
        xs = torch.linspace(-6, 6, r)
        gx, gy = torch.meshgrid(xs, xs, indexing="xy")
        grid = torch.stack([gx.ravel(), gy.ravel()], 1)

        def evaluate(grid=grid):
            with torch.inference_mode():
                torch.sigmoid(model32(grid))

        out[f"grid{r}"] = rate(evaluate, seconds)
    return out


def health() -> list[str]:
    """Why a measured run is not training (empty: every run trained throughout): a session
    stopped by the divergence guard, or a loss that is no longer finite."""
    bad = []
    for name, s in WATCHED.items():
        if s.diverged:
            bad.append(f"{name}: stopped at step {s.step_count} ({s.diverged})")
        elif not np.all(np.isfinite(s.params.flat)):
            bad.append(f"{name}: θ is no longer finite at step {s.step_count}")
    for name, loss in LAST_LOSS.items():
        if not np.isfinite(loss):
            bad.append(f"{name}: its last loss is {loss}")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0, help="time per figure")
    ap.add_argument("--json", action="store_true", help="end with one JSON object")
    args = ap.parse_args()
    ours = engine_figures(args.seconds)
    lean = lean_reference(args.seconds)
    theirs = torch_figures(args.seconds)
    measure_all(args.seconds)
    ours, lean = figures(ours), lean.best
    theirs = figures(theirs) if theirs is not None else None
    rows = [
        ("step", "SGD steps/s (2-8-8-8-1 sigmoid, B=32), fused", 4.0),
        ("reference_step", "  … as TrainingSession.reference_step", None),
        ("session_step", "  … as TrainingSession.step, histories kept", None),
        ("session_no_rows", "  … as TrainingSession.step, no history row due", None),
        ("grid100", "grid evaluations/s, 100×100 (float32)", 4.0),
        ("grid200", "grid evaluations/s, 200×200 (float32)", 4.0),
    ]
    print(f"{'figure':48s} {'NumPy':>10s} {'PyTorch':>10s} {'ratio':>7s}  target")
    for key, label, target in rows:
        t = theirs.get(key, float("nan")) if theirs else float("nan")
        ratio = ours[key] / t if theirs and t == t else float("nan")
        tgt = f"≥ {target:.0f}×" if target else ""
        print(f"{label:48s} {ours[key]:10.0f} {t:10.0f} {ratio:7.2f}  {tgt}")
    print(f"{'lean NumPy reference step, steps/s':48s} {lean:10.0f}")
    session_ratio, fused_ratio = ours["session_step"] / lean, ours["step"] / lean
    bare_ratio = ours["session_no_rows"] / lean
    print(f"TrainingSession.step / lean step = {session_ratio:.2f}")
    print(f"  … with no history row due      = {bare_ratio:.2f}")
    print(f"fused step / lean step           = {fused_ratio:.2f}  (target ≥ 0.95)")
    print(
        "  (what TrainingSession.step adds to the fused step, history rows over the "
        f"evaluation sample above all: {1 - ours['session_step'] / ours['step']:.0%} of its time)"
    )
    bad = health()
    for why in bad:
        print(f"NOT HEALTHY: {why}")
    if not bad:
        print("healthy: every measured run trained throughout")
    if theirs is None:
        print("(PyTorch not installed: pip install torch==2.13.0 for the comparison)")
    if args.json:
        nan = float("nan")
        print(
            json.dumps(
                {
                    "seconds": args.seconds,
                    "numpy": ours,
                    "lean_reference_step": lean,
                    "torch": theirs,
                    "healthy": not bad,
                    "not_healthy": bad,
                    "ratio_step_vs_lean": fused_ratio,
                    "ratio_session_step_vs_lean": session_ratio,
                    "ratio_session_no_rows_vs_lean": bare_ratio,
                    "ratio_vs_torch": {
                        k: ours[k] / theirs[k] if theirs and k in theirs else nan for k in ours
                    },
                }
            )
        )


if __name__ == "__main__":
    main()
