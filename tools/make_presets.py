"""Write the lesson files in resources/presets/ from the dataset generators.

Run from the repository root: ``python tools/make_presets.py`` (add ``--check`` to also
train each lesson and print the accuracy or loss it reaches). Nothing here is typed by
hand: every number in a lesson file comes from a seeded generator.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from backprop_lab.engine import HyperParameters, NetworkSpec
from backprop_lab.engine.datasets import make_preset
from backprop_lab.engine.scenario import Scenario, save_scenario, session_from_scenario

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
]


def scenario(lesson: Lesson) -> Scenario:
    ds = make_preset(lesson.preset, **lesson.data)
    return Scenario(
        ds, lesson.spec, lesson.hyper, lesson.seed, lesson.title, lesson.description, None
    )


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
