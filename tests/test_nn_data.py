"""nn.data: shapes, labels, determinism, the shapes of the sets, bad arguments."""

import math
import random
import statistics
import sys

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


# --- the real digits and the stratified split ---


@pytest.fixture(scope="module")
def digits():
    pytest.importorskip("sklearn")
    return data.digits()


def test_digits_are_the_uci_set_scaled_to_unit_pixels(digits):
    from sklearn.datasets import load_digits

    X, y = digits
    assert len(X) == len(y) == 1797
    assert all(len(row) == 64 and all(type(p) is float and 0.0 <= p <= 1.0 for p in row) for row in X)
    assert max(map(max, X)) == 1.0 and min(map(min, X)) == 0.0
    assert set(y) == set(range(10)) and all(type(label) is int for label in y)
    assert min(y.count(digit) for digit in range(10)) >= 170
    raw = load_digits()
    assert [[p * 16 for p in row] for row in X[:50]] == raw.data[:50].tolist()
    assert y == raw.target.tolist()
    assert data.digits() == digits


def test_digits_read_from_the_file_equal_scikit_learns_own_loader(digits):
    assert data._digits_from_sklearn() == digits  # every pixel and label, not only the first rows


def test_digits_fall_back_to_scikit_learns_loader_when_the_file_is_elsewhere(digits, monkeypatch, tmp_path):
    import importlib.machinery

    elsewhere = importlib.machinery.ModuleSpec("sklearn", None, is_package=True)
    elsewhere.submodule_search_locations = [str(tmp_path)]  # a folder without datasets/data/digits.csv.gz
    monkeypatch.setattr(data.importlib.util, "find_spec", lambda name: elsewhere)
    read = []
    monkeypatch.setattr(data, "_digits_file", lambda path: read.append(path))
    assert data.digits() == digits and read == []


def test_digits_without_sklearn_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"scikit-learn.*pip install \"chainrule\[data\]\""):
        data.digits()


def test_split_is_stratified_disjoint_complete_and_seeded(digits):
    X, y = digits
    state = random.getstate()
    X_train, X_test, y_train, y_test = data.split(X, y, test=0.2, seed=0)
    assert random.getstate() == state
    assert len(X_train) == len(y_train) and len(X_test) == len(y_test)
    assert len(X_train) + len(X_test) == len(X)
    for digit in range(10):
        assert y_test.count(digit) == round(0.2 * y.count(digit))
        assert y_train.count(digit) == y.count(digit) - y_test.count(digit)
    rows = {tuple(x): label for x, label in zip(X, y, strict=True)}
    assert all(rows[tuple(x)] == label for x, label in zip(X_test, y_test, strict=True))
    assert sorted(map(tuple, X_train + X_test)) == sorted(map(tuple, X))
    assert data.split(X, y, test=0.2, seed=0) == (X_train, X_test, y_train, y_test)
    assert data.split(X, y, test=0.2, seed=1)[3] != y_test
    assert y_test != sorted(y_test)  # shuffled, not class by class


def test_split_of_a_small_set_and_other_shares():
    X = [[float(i)] for i in range(10)]
    y = [0] * 5 + [1] * 5
    X_train, X_test, y_train, y_test = data.split(X, y, test=0.4, seed=3)
    assert sorted(y_test) == [0, 0, 1, 1] and sorted(y_train) == [0, 0, 0, 1, 1, 1]
    assert {x[0] for x in X_test} | {x[0] for x in X_train} == set(range(10))


@pytest.mark.parametrize("test", [0, 1, 1.5, -0.2, float("nan")])
def test_split_refuses_a_share_outside_zero_one(test):
    with pytest.raises(ValueError, match="test"):
        data.split([[0.0], [1.0]], [0, 1], test=test)


def test_split_refuses_bad_data():
    with pytest.raises(ValueError, match="X has 2 samples and y has 1"):
        data.split([[0.0], [1.0]], [0])
    with pytest.raises(TypeError, match="X and y must be lists"):
        data.split("abc", [0, 1, 2])
    with pytest.raises(ValueError, match="test set empty"):
        data.split([[0.0], [1.0]], [0, 1], test=0.2)
