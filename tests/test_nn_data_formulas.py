"""The data sets follow their documented formulas and defaults (a reference written from the
docstring, compared to 1e-12), accept their smallest sizes, and refuse bad arguments with the
exact message (one table for nn.data).
"""

from __future__ import annotations

import math
import random

import pytest

import nn


def assert_same_data(ours, theirs):
    assert ours[1] == theirs[1]
    for a, b in zip(ours[0], theirs[0], strict=True):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12)


def reference_circles(n=100, noise=0.1, seed=0, factor=0.5):
    rng = random.Random(seed)
    half = n // 2
    points = [(math.cos(2 * math.pi * i / half), math.sin(2 * math.pi * i / half)) for i in range(half)]
    points += [(factor * math.cos(2 * math.pi * i / (n - half)),
                factor * math.sin(2 * math.pi * i / (n - half)))
               for i in range(n - half)]
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in points]
    order = list(range(n))
    rng.shuffle(order)
    labels = [0] * half + [1] * (n - half)
    return [X[i] for i in order], [labels[i] for i in order]


@pytest.mark.parametrize("kwargs", [{}, dict(n=7, noise=0.0, factor=0.3),
                                    dict(n=12, noise=0.3, seed=5, factor=0.8)])
def test_circles_follow_the_documented_formula_and_defaults(kwargs):
    assert_same_data(nn.data.circles(**kwargs), reference_circles(**kwargs))


def reference_spiral(n_per_class=50, classes=3, seed=0, noise=0.2):
    rng = random.Random(seed)
    X, y = [], []
    for k in range(classes):
        for i in range(n_per_class):
            r = i / (n_per_class - 1) if n_per_class > 1 else 0.0
            t = 4.0 * k + 4.0 * r + noise * rng.gauss(0.0, 1.0)
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(k)
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


@pytest.mark.parametrize("kwargs", [{}, dict(n_per_class=5, classes=2, noise=0.0),
                                    dict(n_per_class=4, classes=4, seed=3)])
def test_spiral_follows_the_documented_formula_and_defaults(kwargs):
    assert_same_data(nn.data.spiral(**kwargs), reference_spiral(**kwargs))


def reference_moons(n=100, noise=0.1, seed=0):
    rng = random.Random(seed)
    half = n // 2

    def spaced(count):
        return [0.0] if count == 1 else [math.pi * i / (count - 1) for i in range(count)]

    points = [(math.cos(t), math.sin(t)) for t in spaced(half)]
    points += [(1.0 - math.cos(t), 0.5 - math.sin(t)) for t in spaced(n - half)]
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in points]
    order = list(range(n))
    rng.shuffle(order)
    labels = [0] * half + [1] * (n - half)
    return [X[i] for i in order], [labels[i] for i in order]


@pytest.mark.parametrize("kwargs", [{}, dict(n=7, noise=0.0), dict(n=2, noise=0.0),
                                    dict(n=9, noise=0.3, seed=4)])
def test_moons_follow_the_documented_formula_and_defaults(kwargs):
    assert_same_data(nn.data.moons(**kwargs), reference_moons(**kwargs))


def reference_line(n=50, slope=2.0, intercept=1.0, noise=0.1, seed=0):
    rng = random.Random(seed)
    xs = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    return [[x] for x in xs], [slope * x + intercept + noise * rng.gauss(0.0, 1.0) for x in xs]


@pytest.mark.parametrize("kwargs", [{}, dict(n=3, slope=-1.0, intercept=0.5, noise=0.3, seed=2)])
def test_line_follows_the_documented_formula_and_defaults(kwargs):
    X, y = nn.data.line(**kwargs)
    ref_X, ref_y = reference_line(**kwargs)
    assert X == ref_X and y == pytest.approx(ref_y, rel=1e-12, abs=1e-12)


def test_circles_and_spiral_accept_their_smallest_sizes():
    X, y = nn.data.circles(n=2, noise=0.0)
    assert sorted(y) == [0, 1] and sorted(round(math.hypot(*x), 12) for x in X) == [0.5, 1.0]
    X, y = nn.data.spiral(n_per_class=1, classes=1, noise=0.0)
    assert X == [[0.0, 0.0]] and y == [0]
    assert nn.data.circles(noise=0.0, factor=0.0)[0]  # factor 0: the inner "circle" is the centre


# --- nn.data's refusals: the exact message ---

DATA_REFUSALS = [
    (lambda: nn.data.circles(n=1), ValueError, "circles: n must be at least 2, got 1"),
    (lambda: nn.data.circles(n="4"), TypeError, "circles: n must be an int, got str: '4'"),
    (lambda: nn.data.circles(noise=-0.5), ValueError, "circles: noise must be >= 0.0, got -0.5"),
    (lambda: nn.data.circles(noise="0"), TypeError, "circles: noise must be a number, got str: '0'"),
    (lambda: nn.data.circles(factor=-0.1), ValueError, "circles: factor must be >= 0.0, got -0.1"),
    (lambda: nn.data.circles(factor=None), TypeError, "circles: factor must be a number, got NoneType: None"),
    (lambda: nn.data.circles(factor=1.5), ValueError,
     "circles: factor must be < 1 (the inner circle's radius), got 1.5"),
    (lambda: nn.data.spiral(n_per_class=0), ValueError, "spiral: n_per_class must be at least 1, got 0"),
    (lambda: nn.data.spiral(classes=0), ValueError, "spiral: classes must be at least 1, got 0"),
    (lambda: nn.data.spiral(classes=2.0), TypeError, "spiral: classes must be an int, got float: 2.0"),
    (lambda: nn.data.spiral(noise=-1.0), ValueError, "spiral: noise must be >= 0.0, got -1.0"),
    (lambda: nn.data.spiral(noise=math.inf), ValueError, "spiral: noise must be finite, got inf"),
    (lambda: nn.data.line(n=0), ValueError, "line: n must be at least 1, got 0"),
    (lambda: nn.data.line(slope=math.nan), ValueError, "line: slope must be finite, got nan"),
    (lambda: nn.data.line(intercept="a"), TypeError, "line: intercept must be a number, got str: 'a'"),
    (lambda: nn.data.line(noise=-1.0), ValueError, "line: noise must be >= 0.0, got -1.0"),
    (lambda: nn.data.line(noise=math.inf), ValueError, "line: noise must be finite, got inf"),
    (lambda: nn.data.moons(n=1), ValueError, "moons: n must be at least 2, got 1"),
    (lambda: nn.data.moons(noise=-1.0), ValueError, "moons: noise must be >= 0.0, got -1.0"),
    (lambda: nn.data.moons(noise=math.nan), ValueError, "moons: noise must be finite, got nan"),
]


@pytest.mark.parametrize(("call", "error", "message"), DATA_REFUSALS)
def test_the_data_sets_refuse_bad_arguments_with_the_exact_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message
