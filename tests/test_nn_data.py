"""nn.data: shapes, labels, determinism, the shapes of the sets, bad arguments."""

import math
import random
import statistics

import pytest

from nn import data

SETS = [
    (lambda seed: data.moons(n=101, noise=0.1, seed=seed), 101, {0, 1}),
    (lambda seed: data.circles(n=80, noise=0.05, seed=seed), 80, {0, 1}),
    (lambda seed: data.spiral(n_per_class=30, classes=4, seed=seed), 120, {0, 1, 2, 3}),
]


@pytest.mark.parametrize("make, n, labels", SETS, ids=["moons", "circles", "spiral"])
def test_shapes_labels_and_determinism(make, n, labels):
    state = random.getstate()
    X, y = make(0)
    assert len(X) == len(y) == n
    assert all(len(x) == 2 and all(isinstance(v, float) for v in x) for x in X)
    assert set(y) == labels and all(type(label) is int for label in y)
    assert make(0) == (X, y)
    assert make(1) != (X, y)
    assert random.getstate() == state
    assert y != sorted(y)  # shuffled


def test_moons_geometry_without_noise():
    X, y = data.moons(n=40, noise=0.0, seed=0)
    for (a, b), label in zip(X, y, strict=True):
        centre = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        assert math.hypot(a - centre[0], b - centre[1]) == pytest.approx(1.0)
        assert (b >= -1e-12) if label == 0 else (b <= 0.5 + 1e-12)


def test_circles_radii_without_noise():
    X, y = data.circles(n=40, noise=0.0, seed=0, factor=0.3)
    for (a, b), label in zip(X, y, strict=True):
        assert math.hypot(a, b) == pytest.approx(1.0 if label == 0 else 0.3)


def test_spiral_radius_grows_along_each_arm():
    X, y = data.spiral(n_per_class=10, classes=2, seed=0, noise=0.0)
    radii = sorted(math.hypot(*x) for x, label in zip(X, y, strict=True) if label == 1)
    assert radii == pytest.approx([i / 9 for i in range(10)])


def test_line_follows_the_slope_and_intercept():
    X, y = data.line(n=400, slope=-3.0, intercept=0.5, noise=0.1, seed=0)
    assert all(len(x) == 1 and -1 <= x[0] <= 1 for x in X)
    residuals = [t - (-3.0 * x[0] + 0.5) for x, t in zip(X, y, strict=True)]
    assert statistics.stdev(residuals) == pytest.approx(0.1, rel=0.15)
    assert abs(statistics.fmean(residuals)) < 0.03
    exact_X, exact_y = data.line(n=5, noise=0.0, seed=1)
    assert exact_y == [2.0 * x[0] + 1.0 for x in exact_X]


@pytest.mark.parametrize("call, error", [
    (lambda: data.moons(n=1), ValueError),
    (lambda: data.moons(n=10.0), TypeError),
    (lambda: data.moons(noise=-0.1), ValueError),
    (lambda: data.circles(factor=1.0), ValueError),
    (lambda: data.spiral(n_per_class=0), ValueError),
    (lambda: data.spiral(classes=0), ValueError),
    (lambda: data.line(n=0), ValueError),
    (lambda: data.line(slope=math.nan), ValueError),
])
def test_bad_arguments(call, error):
    with pytest.raises(error):
        call()
