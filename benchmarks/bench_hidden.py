"""What the hidden-space view and the layer-health figures cost per frame (engine only).

    python benchmarks/bench_hidden.py [--seconds 1] [--json]

Cases:

* ``default``: the app's opening network (4-4 tanh) on 300 XOR points;
* ``8x64``: eight hidden layers of 64 tanh units on 10,000 spiral points (the largest
  network the app builds, on half the most points it takes).

For each, milliseconds per call (the best and the median of the calls in ``--seconds``):

* ``figure ℓ``: ``HiddenSpace.figure`` of hidden layer ℓ (the grid lines and the points
  through the network up to ℓ, the view of every layer up to it for the morph, and for
  the last hidden layer the output's boundary), after the first call (the projections are
  frozen then; the first call also fits them: ``first figure``);
* ``output view``: the same for the last hidden layer in the output's view;
* ``morph``: one ``HiddenFigure.morph`` (what a slider move or an animation frame costs);
* ``histograms``: ``activation_histograms`` (a forward pass of the training sample);
* ``history row``: what the health columns add to a history row (the saturated share
  from the training sample's forward pass, which the row makes anyway, and the update
  ratios), against the row's training-sample evaluation alone.

The columns and points shown are printed too. No assertions: speeds are figures, not
tests.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from backprop_lab.engine import TrainingSession, make_preset
from backprop_lab.engine.advice import DEFAULT_HYPER, DEFAULT_NETWORK
from backprop_lab.engine.evaluation import mean_metrics
from backprop_lab.engine.health import activation_histograms, session_update_ratios, train_figures
from backprop_lab.engine.hidden import HiddenSpace
from backprop_lab.engine.session import HyperParameters, NetworkSpec


def _time(fn, seconds: float) -> tuple[float, float]:
    """(best, median) milliseconds per call of ``fn``."""
    fn()  # warm
    times, t0 = [], time.perf_counter()
    while time.perf_counter() - t0 < seconds or len(times) < 3:
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return min(times), statistics.median(times)


def _cases() -> dict[str, TrainingSession]:
    xor = make_preset("xor", n_points=300, noise=0.1, test_fraction=0.2, seed=1)
    spirals = make_preset("spirals", n_points=10_000, noise=0.1, test_fraction=0.2, seed=1)
    big = NetworkSpec(hidden=(64,) * 8, activation="tanh")
    return {
        "default": TrainingSession(xor, DEFAULT_NETWORK, DEFAULT_HYPER, seed=0),
        "8x64": TrainingSession(spirals, big, HyperParameters(alpha=0.03, batch_size=16), seed=0),
    }


def measure(session: TrainingSession, seconds: float) -> dict[str, dict]:
    session.step(200)
    snap = session.snapshot()
    last = session.arch.depth - 1
    layers = sorted({1, (last + 1) // 2, last})
    out: dict[str, dict] = {}
    space = HiddenSpace()
    t = time.perf_counter()
    space.figure(snap, last)
    out["first figure"] = {"ms": (time.perf_counter() - t) * 1e3}
    for layer in layers:
        best, med = _time(lambda layer=layer: space.figure(snap, layer), seconds)
        fig = space.figure(snap, layer)
        lines = fig.picture.lines
        out[f"figure {layer}"] = {
            "best_ms": best,
            "median_ms": med,
            "points": len(fig.point_index),
            "line_samples": int(lines.shape[0] * lines.shape[1]),
        }
    if last and session.arch.widths[last] > 3:
        best, med = _time(lambda: space.figure(snap, last, output_view=True), seconds)
        out["output view"] = {"best_ms": best, "median_ms": med}
    fig = space.figure(snap, last)
    best, med = _time(lambda: fig.morph(last / 2 + 0.25), seconds)
    out["morph"] = {"best_ms": best, "median_ms": med}
    best, med = _time(lambda: activation_histograms(snap), seconds)
    out["histograms"] = {"best_ms": best, "median_ms": med}
    X, y = session._eval_train  # the training sample a history row evaluates
    task = session.dataset.task == "classification"
    net, params = session.net, session.params
    plain = _time(lambda: mean_metrics(net, params, X, y, task), seconds)
    with_health = _time(lambda: train_figures(net, params, X, y, task), seconds)
    session.step(1)
    bp = session._last_bp
    ratios = _time(
        lambda: session_update_ratios(params, session.optimizer, bp.dW, session.hyper.alpha),
        seconds,
    )
    out["history row"] = {
        "evaluation_ms": plain[0],
        "with_saturation_ms": with_health[0],
        "update_ratios_ms": ratios[0],
    }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.0, help="per figure measured")
    ap.add_argument("--json", action="store_true", help="end with one JSON object")
    args = ap.parse_args()
    results = {}
    for name, session in _cases().items():
        r = results[name] = measure(session, args.seconds)
        print(f"{name}: {session.arch.widths}, {len(session.dataset):,} points")
        for key, v in r.items():
            if "best_ms" in v:
                extra = (
                    f"   ({v['points']} points, {v['line_samples']:,} line samples)"
                    if "points" in v
                    else ""
                )
                print(
                    f"  {key:<14} {v['best_ms']:7.2f} ms best, {v['median_ms']:7.2f} median{extra}"
                )
            elif "ms" in v:
                print(f"  {key:<14} {v['ms']:7.2f} ms (fits the projections)")
            else:
                print(
                    f"  {key:<14} training sample {v['evaluation_ms']:.2f} ms, with the "
                    f"saturated share {v['with_saturation_ms']:.2f} ms, update ratios "
                    f"{v['update_ratios_ms']:.3f} ms"
                )
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
