"""Small two-dimensional data sets for trying a network, in pure Python.

Each returns (X, y): X a list of samples (each a list of floats), y a list of targets.
The same seed gives the same data; the points come in a shuffled order.

    moons    two interleaving half circles, y in {0, 1}        (as sklearn's make_moons)
    circles  a circle inside a circle, y in {0, 1}             (as sklearn's make_circles)
    spiral   arms of a spiral, y in {0 .. classes - 1}         (as CS231n's spiral)
    line     y = slope * x + intercept + noise, x in [-1, 1]   (regression)
"""

from __future__ import annotations

import math
import random
from typing import Any

from autograd import checks

__all__ = ["moons", "circles", "spiral", "line"]

Data = tuple[list[list[float]], list[Any]]


def _linspace(start: float, stop: float, n: int) -> list[float]:
    """n evenly spaced numbers from start to stop inclusive (just start when n == 1)."""
    if n == 1:
        return [start]
    return [start + (stop - start) * i / (n - 1) for i in range(n)]


def _shuffled(X: list[list[float]], y: list[Any], rng: random.Random) -> Data:
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def _noisy(points: list[tuple[float, float]], noise: float, rng: random.Random) -> list[list[float]]:
    return [[x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)] for x, y in points]


def moons(n: int = 100, noise: float = 0.1, seed: Any = 0) -> Data:
    """Two interleaving half circles: the upper one (label 0) and the lower one (label 1).

    Not separable by a straight line, so a network needs a hidden layer to solve it.
    noise is the standard deviation of Gaussian noise added to each coordinate.
    """
    n = checks.count(n, "moons: n", 2)
    noise = checks.at_least(noise, 0.0, "moons: noise")
    rng = random.Random(seed)
    n_upper = n // 2
    upper = [(math.cos(t), math.sin(t)) for t in _linspace(0.0, math.pi, n_upper)]
    lower = [(1.0 - math.cos(t), 0.5 - math.sin(t)) for t in _linspace(0.0, math.pi, n - n_upper)]
    X = _noisy(upper + lower, noise, rng)
    return _shuffled(X, [0] * len(upper) + [1] * len(lower), rng)


def circles(n: int = 100, noise: float = 0.1, seed: Any = 0, factor: float = 0.5) -> Data:
    """A circle of radius 1 (label 0) around a circle of radius factor (label 1)."""
    n = checks.count(n, "circles: n", 2)
    noise = checks.at_least(noise, 0.0, "circles: noise")
    factor = checks.at_least(factor, 0.0, "circles: factor")
    if not factor < 1:
        raise ValueError(f"circles: factor must be < 1 (the inner circle's radius), got {factor!r}")
    rng = random.Random(seed)
    n_outer = n // 2
    angles_outer = [2 * math.pi * i / n_outer for i in range(n_outer)]
    angles_inner = [2 * math.pi * i / (n - n_outer) for i in range(n - n_outer)]
    outer = [(math.cos(t), math.sin(t)) for t in angles_outer]
    inner = [(factor * math.cos(t), factor * math.sin(t)) for t in angles_inner]
    X = _noisy(outer + inner, noise, rng)
    return _shuffled(X, [0] * len(outer) + [1] * len(inner), rng)


def spiral(n_per_class: int = 50, classes: int = 3, seed: Any = 0, noise: float = 0.2) -> Data:
    """classes spiral arms, n_per_class points each (CS231n): radius r in [0, 1], angle 4 per arm.

    Point i of arm k: r = i / (n - 1), t = 4k + 4r + noise * N(0, 1), x = (r sin t, r cos t).
    """
    n = checks.count(n_per_class, "spiral: n_per_class")
    classes = checks.count(classes, "spiral: classes")
    noise = checks.at_least(noise, 0.0, "spiral: noise")
    rng = random.Random(seed)
    X, y = [], []
    for k in range(classes):
        for r in _linspace(0.0, 1.0, n):
            t = 4.0 * k + 4.0 * r + rng.gauss(0.0, noise)
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(k)
    return _shuffled(X, y, rng)


def line(n: int = 50, slope: float = 2.0, intercept: float = 1.0, noise: float = 0.1, seed: Any = 0) -> Data:
    """Points on y = slope * x + intercept plus Gaussian noise, x uniform in [-1, 1].

    X holds one-input samples [x], y the float targets: a first regression problem that
    a single linear neuron can solve exactly.
    """
    n = checks.count(n, "line: n")
    slope = checks.finite(slope, "line: slope")
    intercept = checks.finite(intercept, "line: intercept")
    noise = checks.at_least(noise, 0.0, "line: noise")
    rng = random.Random(seed)
    xs = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    return [[x] for x in xs], [slope * x + intercept + rng.gauss(0.0, noise) for x in xs]
