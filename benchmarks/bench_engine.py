"""Engine speed: SGD steps/s and decision-grid evaluations/s, against PyTorch CPU.

    python benchmarks/bench_engine.py [--seconds 2]

Network: 2-8-8-8-1 sigmoid, Bernoulli head, B = 32, float64 (training) on 500 XOR points.
Grid: the same network's p(y=1|x) over 100×100 and 200×200 points, float32.
PyTorch (if installed) runs the same maths on one thread: Linear layers, sigmoid,
BCE-with-logits, plain SGD; its grid pass runs under ``torch.inference_mode``.
Importing ``backprop_lab`` limits NumPy's BLAS to one thread too, as in the app.
"""

from __future__ import annotations

import argparse
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

WIDTHS = (8, 8, 8)
B = 32


def rate(fn, seconds: float, batch: int = 1) -> float:
    """Calls per second of ``fn`` (each call does ``batch`` units), best of 3 windows."""
    fn()
    best = 0.0
    for _ in range(3):
        n, t0 = 0, time.perf_counter()
        while (t := time.perf_counter() - t0) < seconds / 3:
            fn()
            n += batch
        best = max(best, n / t)
    return best


def xor_data(n: int = 500, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-6, 6, (n, 2))
    return Dataset(pts, (pts[:, 0] * pts[:, 1] > 0).astype(int), np.zeros(n, bool))


def engine_figures(seconds: float) -> dict[str, float]:
    s = TrainingSession(
        xor_data(),
        NetworkSpec(hidden=WIDTHS, activation="sigmoid"),
        HyperParameters(alpha=0.5, batch_size=B),
        seed=0,
    )
    net, params, plist = s.net, s.params, s.params.arrays()

    def bare_step():
        x, y = s.batch(s.draw_batch())
        fp = net.forward(params, x)
        net.log_likelihood(fp, y)
        bp = net.backward(params, fp, y, 0.0)
        s.optimizer.step(plist, bp.gradient_arrays(), 0.5)

    out = {"step": rate(bare_step, seconds, 1)}
    # A whole session, histories included, far into a run (history stride ≫ 1).
    s.step(50_000)
    out["session_step"] = rate(lambda: s.step(100), seconds, 100)
    for r in (100, 200):
        ev = GridEvaluator(GridSpec(resolution=r), ("x1", "x2"))
        out[f"grid{r}"] = rate(lambda ev=ev: ev.evaluate(net, params), seconds)
    return out


def torch_figures(seconds: float) -> dict[str, float] | None:
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
    model32 = torch.nn.Sequential(*layers, torch.nn.Linear(m_prev, 1)).float()
    for r in (100, 200):
        xs = torch.linspace(-6, 6, r)
        gx, gy = torch.meshgrid(xs, xs, indexing="xy")
        grid = torch.stack([gx.ravel(), gy.ravel()], 1)

        def evaluate(grid=grid):
            with torch.inference_mode():
                torch.sigmoid(model32(grid))

        out[f"grid{r}"] = rate(evaluate, seconds)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0, help="time per figure")
    args = ap.parse_args()
    ours = engine_figures(args.seconds)
    theirs = torch_figures(args.seconds)
    rows = [
        ("step", "SGD steps/s (2-8-8-8-1 sigmoid, B=32)", 3.0),
        ("session_step", "  … as TrainingSession.step, histories kept", None),
        ("grid100", "grid evaluations/s, 100×100 (float32)", 4.0),
        ("grid200", "grid evaluations/s, 200×200 (float32)", 4.0),
    ]
    print(f"{'figure':48s} {'NumPy':>10s} {'PyTorch':>10s} {'ratio':>7s}  target")
    for key, label, target in rows:
        t = theirs[key] if theirs else float("nan")
        ratio = ours[key] / t if theirs and t == t else float("nan")
        tgt = f"≥ {target:.0f}×" if target else ""
        print(f"{label:48s} {ours[key]:10.0f} {t:10.0f} {ratio:7.2f}  {tgt}")
    if theirs is None:
        print("(PyTorch not installed: pip install torch==2.13.0 for the comparison)")


if __name__ == "__main__":
    main()
