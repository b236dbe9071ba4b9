"""Write the lesson files in resources/presets/ from the dataset generators.

Run from the repository root: ``python tools/make_presets.py`` (add ``--check`` to also
train each lesson and print the accuracy or loss it reaches). Nothing here is typed by
hand: every number in a lesson file comes from a seeded generator.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.exercise import Exercise, Goal, start
from backprop_lab.engine.paramref import ParamRef
from backprop_lab.engine.scenario import (
    Scenario,
    save_scenario,
    scenario_from_session,
    session_from_scenario,
)

OUT = Path(__file__).resolve().parent.parent / "resources" / "presets"


@dataclass
class Lesson:
    name: str
    title: str
    description: str
    preset: str
    data: dict
    spec: NetworkSpec
    hyper: HyperParameters
    seed: int = 0
    check_steps: tuple[int, ...] = field(default=(1000, 3000))
    labels: tuple[int, ...] | None = None  # class k of the preset becomes labels[k]
    # an exercise: θ to start from ({"W": [...], "b": [...]}), the editable parameters
    # (as the file writes them) and the goal
    start: dict | None = None
    editable: tuple[str, ...] = ()
    goal: Goal | None = None


LESSONS = [
    Lesson(
        "xor",
        "XOR with four sigmoid units",
        "No straight line separates XOR: logistic regression (no hidden layer) cannot fit it. "
        "One hidden layer of four sigmoid units can. Train and watch each hidden unit draw "
        "its own line; try seed 0 to see training stall in a poor local optimum.",
        "xor",
        dict(n_points=200, noise=0.0, test_fraction=0.2, seed=0),
        NetworkSpec(hidden=(4,), activation="sigmoid"),
        HyperParameters(alpha=0.3, batch_size=16, lam=0.0, optimizer="sgd"),
        seed=1,
        check_steps=(1000, 2000, 4000),
    ),
    Lesson(
        "spirals3",
        "Three spirals, softmax output",
        "Three interleaved spiral arms, one class each: a softmax output layer with K = 3 "
        "units on two hidden layers of 16 tanh units, trained with Adam.",
        "spirals",
        dict(n_points=300, noise=0.05, test_fraction=0.2, seed=0, n_arms=3),
        NetworkSpec(hidden=(16, 16), activation="tanh"),
        HyperParameters(alpha=0.01, batch_size=16, lam=0.0, optimizer="adam"),
        seed=0,
        check_steps=(2000, 5000, 10000),
    ),
    Lesson(
        "sine",
        "Fitting a sine curve (1-D regression)",
        "Regression with a Gaussian likelihood: the input is x, the target is the point's "
        "height. Two hidden layers of 8 tanh units bend a line into the curve.",
        "sine_1d",
        dict(n_points=100, noise=0.05, test_fraction=0.2, seed=0),
        NetworkSpec(hidden=(8, 8), activation="tanh", features=("x1",)),
        HyperParameters(alpha=0.01, batch_size=16, lam=0.0, optimizer="adam"),
        seed=0,
        check_steps=(1000, 3000, 6000),
    ),
    Lesson(
        "deep_sigmoid",
        "Vanishing δ in a deep sigmoid network",
        "Six hidden layers of 8 sigmoid units. σ'(z) ≤ 1/4, so δ shrinks layer by layer on "
        "its way back: watch the per-layer δ plot (the first layer's δ is about 10⁻⁵ of "
        "the output's) while the loss stays at log 2. Switch the activation to tanh or "
        "ReLU (α = 0.05) and the same network learns the circle.",
        "circles",
        dict(n_points=200, noise=0.05, test_fraction=0.2, seed=0),
        NetworkSpec(hidden=(8,) * 6, activation="sigmoid"),
        HyperParameters(alpha=0.5, batch_size=16, lam=0.0, optimizer="sgd"),
        seed=0,
        check_steps=(2000, 5000),
    ),
    Lesson(
        "circle_features",
        "A circle with squared features (L = 1)",
        "Logistic regression on the features x₁² and x₂²: with the right inputs a single "
        "layer separates the disc from the ring.",
        "circles",
        dict(n_points=200, noise=0.05, test_fraction=0.2, seed=0),
        NetworkSpec(hidden=(), features=("x1^2", "x2^2")),
        HyperParameters(alpha=0.1, batch_size=16, lam=0.0, optimizer="sgd"),
        seed=0,
        check_steps=(500, 2000),
    ),
    Lesson(
        "gaussians4",
        "Four blobs, softmax regression (L = 1)",
        "Four Gaussian blobs: softmax regression with no hidden layer draws straight "
        "boundaries between them.",
        "gaussians",
        dict(n_points=200, noise=0.1, test_fraction=0.2, seed=0, n_classes=4),
        NetworkSpec(hidden=()),
        HyperParameters(alpha=0.1, batch_size=16, lam=0.0, optimizer="sgd"),
        seed=0,
        check_steps=(500, 2000),
    ),
    Lesson(
        "moons",
        "Two moons",
        "Two interleaving half circles: one hidden layer of 8 tanh units.",
        "moons",
        dict(n_points=200, noise=0.1, test_fraction=0.2, seed=0),
        NetworkSpec(hidden=(8,), activation="tanh"),
        HyperParameters(alpha=0.1, batch_size=16, lam=0.0, optimizer="sgd"),
        seed=0,
        check_steps=(1000, 3000),
    ),
    Lesson(
        "surface",
        "A bumpy surface (2-D regression)",
        "Regression on the plane: the target is a sum of two positive and two negative "
        "Gaussian bumps. Two hidden layers of 16 tanh units, Adam.",
        "surface_2d",
        dict(n_points=300, noise=0.0, test_fraction=0.2, seed=0),
        NetworkSpec(hidden=(16, 16), activation="tanh"),
        HyperParameters(alpha=0.01, batch_size=16, lam=0.0, optimizer="adam"),
        seed=0,
        check_steps=(1000, 3000),
    ),
    Lesson(
        "xor_by_hand",
        "Solve for weights: XOR by hand (2-2-1)",
        "An exercise: set weights by hand. Four blobs, labelled as XOR (one class where x₁ "
        "and x₂ have the same sign, the other where they differ), and a 2-2-1 network of "
        "sigmoid units; only four weights can be changed, the others are locked. Hidden "
        "unit 1 already fires on the lower-right blob. Make hidden unit 2 fire on the "
        "upper-left one (its weight from x₁), and set the output unit so that 'neither "
        "fired' means the same-sign class: training accuracy 100 % solves it. Drag a "
        "weight and watch the slope ∂L/∂w under your hand; ask for a hint when stuck.",
        "gaussians",
        dict(n_points=80, noise=0.0, test_fraction=0.0, seed=0, n_classes=4),
        NetworkSpec(hidden=(2,), activation="sigmoid"),
        HyperParameters(alpha=0.5, batch_size=16, lam=0.0, optimizer="sgd"),
        seed=0,
        check_steps=(500, 2000),
        labels=(1, 0, 1, 0),
        start={"W": [[[1.0, -1.0], [0.0, 1.0]], [[0.0, 0.0]]], "b": [[-2.5, -2.5], [0.0]]},
        editable=("W(1)[2,1]", "W(2)[1,1]", "W(2)[1,2]", "b(2)[1]"),
        goal=Goal("accuracy", 1.0),
    ),
    Lesson(
        "blobs_by_hand",
        "Solve for weights: one sigmoid unit, two blobs",
        "An exercise: a single sigmoid unit, p(y = 1 | x) = σ(w₁x₁ + w₂x₂ + b), and two "
        "blobs. Its line starts across both of them. Set W⁽¹⁾₁,₁, W⁽¹⁾₁,₂ and b⁽¹⁾₁ by hand "
        "until the training loss is below 0.1: first turn the line so it runs between the "
        "blobs, then make the unit sure of its answer. Drag a weight and watch the slope "
        "∂L/∂w under your hand; ask for a hint when stuck.",
        "gaussians",
        dict(n_points=60, noise=0.0, test_fraction=0.0, seed=0, n_classes=2),
        NetworkSpec(hidden=()),
        HyperParameters(alpha=0.5, batch_size=16, lam=0.0, optimizer="sgd"),
        seed=0,
        check_steps=(200, 1000),
        start={"W": [[[0.8, -0.6]]], "b": [[1.0]]},
        editable=("W(1)[1,1]", "W(1)[1,2]", "b(1)[1]"),
        goal=Goal("loss", 0.1),
    ),
]


def scenario(lesson: Lesson) -> Scenario:
    ds = make_preset(lesson.preset, **lesson.data)
    if lesson.labels is not None:
        y = np.array(lesson.labels, dtype=np.int64)[ds.y]
        ds = Dataset(ds.points, y, ds.is_test, ds.task, max(lesson.labels) + 1, ds.input_dim)
    if lesson.start is None:
        return Scenario(
            ds, lesson.spec, lesson.hyper, lesson.seed, lesson.title, lesson.description, None
        )
    # an exercise starts from θ set by hand, with its parameters locked but the editable
    session = TrainingSession(ds, lesson.spec, lesson.hyper, lesson.seed)
    for W, Wn in zip(session.params.W, lesson.start["W"]):
        W[...] = Wn
    for b, bn in zip(session.params.b, lesson.start["b"]):
        b[:, 0] = bn
    session.refresh_last()
    editable = tuple(ParamRef.parse(k) for k in lesson.editable)
    start(session, Exercise(editable, lesson.goal))
    return scenario_from_session(session, True, lesson.title, lesson.description)


def check(sc: Scenario, steps: tuple[int, ...]) -> str:
    session = session_from_scenario(sc)
    done, out = 0, []
    for n in steps:
        session.step(n - done)
        done = n
        train_loss, train_acc = session.evaluate("train")
        test_loss, test_acc = session.evaluate("test")
        if sc.dataset.task == "classification":
            out.append(f"{n} steps: train acc {train_acc:.3f}, test acc {test_acc:.3f}")
        else:
            out.append(f"{n} steps: train loss {train_loss:.4f}, test loss {test_loss:.4f}")
    return "; ".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="train each lesson and report")
    args = parser.parse_args()
    for lesson in LESSONS:
        sc = scenario(lesson)
        path = OUT / f"{lesson.name}.json"
        save_scenario(path, sc)
        print(f"wrote {path.relative_to(OUT.parent.parent)}")
        if args.check:
            print("   ", check(sc, lesson.check_steps))


if __name__ == "__main__":
    main()
