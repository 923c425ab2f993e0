"""Small two-dimensional data sets for trying a network, in pure Python.

Each returns (X, y): X a list of samples (each a list of floats), y a list of targets.
The same seed gives the same data; the points come in a shuffled order.

    moons    two interleaving half circles, y in {0, 1}        (as sklearn's make_moons)
    circles  a circle inside a circle, y in {0, 1}             (as sklearn's make_circles)
    spiral   arms of a spiral, y in {0 .. classes - 1}         (as CS231n's spiral)
    line     y = slope * x + intercept + noise, x in [-1, 1]   (regression)

And one real one: ``digits()``, the 1,797 8x8 handwritten digits of the UCI set (scikit-learn's
bundled copy, read offline), with ``split()`` for a stratified held-out test set.
"""

from __future__ import annotations

import gzip
import importlib.util
import math
import random
from pathlib import Path
from typing import Any

from autograd import checks

__all__ = ["moons", "circles", "spiral", "line", "digits", "split"]

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


# --- real data ---

DIGITS_INSTALL = 'pip install "chainrule[data]"'


def digits() -> Data:
    """The 1,797 handwritten digits of the UCI set, as scikit-learn ships them (read offline).

    Each X row is one 8x8 picture read row by row: 64 pixels, ink 0..16 scaled to [0, 1]
    (pixel / 16). y is the digit drawn, 0..9 (about 180 of each). The order is the file's.
    Needs scikit-learn (the ``data`` extra); ImportError saying how to install it if missing.
    The file is read straight from scikit-learn's folder (importing scikit-learn takes seconds);
    where it is not found there, sklearn.datasets.load_digits reads it (the same numbers, tested).
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None:
        raise ImportError(f"nn.data.digits needs scikit-learn, which is not installed: {DIGITS_INSTALL}")
    for folder in spec.submodule_search_locations or []:
        path = Path(folder) / "datasets" / "data" / "digits.csv.gz"
        if path.is_file():
            return _digits_file(path)
    return _digits_from_sklearn()


def _digits_file(path: Path) -> Data:
    """scikit-learn's digits.csv.gz: one row per picture, 64 pixels (0..16) then the digit."""
    with gzip.open(path, "rt", encoding="ascii") as lines:
        rows = [[float(cell) for cell in line.split(",")] for line in lines if line.strip()]
    return [[pixel / 16.0 for pixel in row[:-1]] for row in rows], [int(row[-1]) for row in rows]


def _digits_from_sklearn() -> Data:
    """The same data through scikit-learn's own loader."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    X = [[float(pixel) / 16.0 for pixel in row] for row in bunch.data.tolist()]
    return X, [int(label) for label in bunch.target.tolist()]


def _check_split(X: Any, y: Any, test: Any) -> tuple[list[Any], list[Any], float]:
    """X and y as lists of the same non-zero length, and 0 < test < 1."""
    if (isinstance(X, (str, bytes)) or isinstance(y, (str, bytes))
            or not hasattr(X, "__len__") or not hasattr(y, "__len__")):
        raise TypeError(f"split: X and y must be lists, got {type(X).__name__} and {type(y).__name__}")
    X, y = list(X), list(y)
    if len(X) != len(y) or not X:
        raise ValueError(f"split: X has {len(X)} samples and y has {len(y)}: "
                         "give the same number, at least one")
    test = checks.finite(test, "split: test")
    if not 0 < test < 1:
        raise ValueError("split: test is the share of samples held out, between 0 and 1 (exclusive); "
                         f"got {test!r}")
    return X, y, test


def split(
    X: Any, y: Any, test: float = 0.2, seed: Any = 0
) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """X_train, X_test, y_train, y_test, stratified: each class split in the same proportion.

    Of the n_c samples of class c, round(test * n_c) go to the test set, drawn by random.Random(seed);
    both sets are then shuffled. The order of the result is scikit-learn's train_test_split's.
    """
    X, y, test = _check_split(X, y, test)
    rng = random.Random(seed)
    by_class: dict[Any, list[int]] = {}
    for i, label in enumerate(y):
        by_class.setdefault(label, []).append(i)
    train_rows, test_rows = [], []
    for label in sorted(by_class, key=repr):  # a fixed order of classes, whatever their type
        rows = by_class[label]
        rng.shuffle(rows)
        held_out = round(test * len(rows))
        test_rows += rows[:held_out]
        train_rows += rows[held_out:]
    if not train_rows or not test_rows:
        raise ValueError(f"split: test={test} of {len(X)} samples leaves the "
                         f"{'training' if not train_rows else 'test'} set empty")
    rng.shuffle(train_rows)
    rng.shuffle(test_rows)
    return ([X[i] for i in train_rows], [X[i] for i in test_rows],
            [y[i] for i in train_rows], [y[i] for i in test_rows])
