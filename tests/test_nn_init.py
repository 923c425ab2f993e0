"""nn.init: shapes, statistics against the variance formulas, orthogonality, determinism, bad input."""

import functools
import math
import random
import statistics

import pytest

from nn import init

ROWS, COLS = 300, 200  # fan_out, fan_in


def flat(matrix):
    return [x for row in matrix for x in row]


# name, function, expected mean, expected std (for a 300 x 200 matrix)
STATISTICS = [
    ("normal", init.normal, 0.0, 1.0),
    ("uniform", init.uniform, 0.0, math.sqrt(4 / 12)),
    ("xavier_normal", init.xavier_normal, 0.0, math.sqrt(2 / (COLS + ROWS))),
    ("xavier_uniform", init.xavier_uniform, 0.0, math.sqrt(6 / (COLS + ROWS)) / math.sqrt(3)),
    ("he_normal", init.he_normal, 0.0, math.sqrt(2 / COLS)),
    ("he_uniform", init.he_uniform, 0.0, math.sqrt(6 / COLS) / math.sqrt(3)),
    ("lecun_normal", init.lecun_normal, 0.0, math.sqrt(1 / COLS)),
]


@pytest.mark.parametrize("name, function, mean, std", STATISTICS, ids=[s[0] for s in STATISTICS])
def test_sample_std_matches_the_formula(name, function, mean, std):
    matrix = function(ROWS, COLS, random.Random(1))
    assert len(matrix) == ROWS and all(len(row) == COLS for row in matrix)
    values = flat(matrix)
    assert statistics.stdev(values) == pytest.approx(std, rel=0.03)
    assert abs(statistics.fmean(values) - mean) < 0.03 * std


def test_uniform_schemes_stay_inside_their_limits():
    limit = math.sqrt(6 / (COLS + ROWS))
    values = flat(init.xavier_uniform(ROWS, COLS, random.Random(2)))
    assert max(abs(x) for x in values) <= limit
    assert max(abs(x) for x in values) > 0.99 * limit  # and reach them
    values = flat(init.uniform(50, 40, random.Random(2), a=2.0, b=3.0))
    assert min(values) >= 2.0 and max(values) <= 3.0


def test_normal_mean_and_std_parameters():
    values = flat(init.normal(ROWS, COLS, random.Random(3), mean=5.0, std=0.5))
    assert statistics.fmean(values) == pytest.approx(5.0, abs=0.01)
    assert statistics.stdev(values) == pytest.approx(0.5, rel=0.03)


def test_xavier_depends_on_fan_out_but_lecun_does_not():
    narrow = statistics.stdev(flat(init.xavier_normal(10, 400, random.Random(4))))
    wide = statistics.stdev(flat(init.xavier_normal(400, 400, random.Random(4))))
    assert narrow == pytest.approx(math.sqrt(2 / 410), rel=0.05)
    assert wide == pytest.approx(math.sqrt(2 / 800), rel=0.05)
    assert (statistics.stdev(flat(init.lecun_normal(10, 400, random.Random(4))))
            == pytest.approx(0.05, rel=0.05))


def test_zeros_and_constant():
    assert init.zeros(2, 3) == [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    assert init.constant(2, 2, value=0.5) == [[0.5, 0.5], [0.5, 0.5]]
    assert init.get("constant") is init.constant


def gram(matrix, by_rows):
    vectors = matrix if by_rows else [list(column) for column in zip(*matrix, strict=True)]
    return [[sum(a * b for a, b in zip(u, v, strict=True)) for v in vectors] for u in vectors]


@pytest.mark.parametrize("rows, cols", [(5, 5), (3, 8), (8, 3), (1, 6), (6, 1), (40, 60), (60, 40)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal_rows_or_columns_are_orthonormal(rows, cols, gain):
    matrix = init.orthogonal(rows, cols, random.Random(rows * cols), gain=gain)
    assert len(matrix) == rows and all(len(row) == cols for row in matrix)
    product = gram(matrix, by_rows=rows <= cols)
    for i, row in enumerate(product):
        for j, entry in enumerate(row):
            assert abs(entry - (gain * gain if i == j else 0.0)) < 1e-9


def test_orthogonal_is_not_the_identity_and_varies_with_the_rng():
    a = init.orthogonal(4, 4, random.Random(0))
    b = init.orthogonal(4, 4, random.Random(1))
    assert a != b
    assert any(abs(a[i][j]) > 0.05 for i in range(4) for j in range(4) if i != j)


@pytest.mark.parametrize("function", [f for _, f, _, _ in STATISTICS] + [init.orthogonal])
def test_same_seed_same_weights_and_global_random_untouched(function):
    state = random.getstate()
    first = function(4, 3, random.Random(7))
    assert first == function(4, 3, random.Random(7))
    assert first != function(4, 3, random.Random(8))
    assert random.getstate() == state  # never the global generator
    assert function(4, 3) != function(4, 3)  # no rng: fresh randomness each call


NAMES = ["zeros", "constant", "uniform", "normal", "xavier", "xavier_uniform", "he", "he_uniform", "lecun",
         "orthogonal"]


def test_every_documented_name_resolves():
    assert sorted(init.INITIALISERS) == sorted(NAMES)
    assert init.get("xavier") is init.xavier_normal
    assert init.get("he") is init.he_normal
    assert init.get("lecun") is init.lecun_normal
    custom = functools.partial(init.constant, value=2.0)
    assert init.get(custom) is custom


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown init 'glorot'") as error:
        init.get("glorot")
    for name in NAMES:
        assert repr(name) in str(error.value)


@pytest.mark.parametrize("call, error", [
    (lambda: init.normal(0, 3), ValueError),
    (lambda: init.normal(3, -1), ValueError),
    (lambda: init.normal(2.5, 3), TypeError),
    (lambda: init.normal(True, 3), TypeError),
    (lambda: init.normal(3, 3, std=-1.0), ValueError),
    (lambda: init.normal(3, 3, std=math.nan), ValueError),
    (lambda: init.uniform(3, 3, a=1.0, b=1.0), ValueError),
    (lambda: init.uniform(3, 3, a="0"), TypeError),
    (lambda: init.he_normal(3, 3, rng=42), TypeError),
    (lambda: init.orthogonal(3, 3, gain=math.inf), ValueError),
    (lambda: init.constant(3, 3, value=None), TypeError),
])
def test_bad_arguments(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("bad, message", [
    (lambda rows, cols, rng: [[0.0] * cols] * (rows - 1), "must return 3 rows"),
    (lambda rows, cols, rng: [[0.0] * (cols + 1)] * rows, "row 0 must hold 2 weights"),
    (lambda rows, cols, rng: [[math.nan] * cols] * rows, "finite numbers"),
    (lambda rows, cols, rng: [["1"] * cols] * rows, "finite numbers"),
    (lambda rows, cols, rng: None, "must return 3 rows"),
])
def test_weights_checks_a_custom_initialisers_result(bad, message):
    with pytest.raises(ValueError, match=message):
        init.weights(bad, 3, 2, random.Random(0))


def test_lecun_docstring_explains_the_variance_one_over_n_confusion():
    doc = init.lecun_normal.__doc__
    assert "variance 1/n" in doc and "2 / (fan_in + fan_out)" in doc
    assert "2 / (fan_in + fan_out)" in init.xavier_normal.__doc__
    assert "2 / fan_in" in init.he_normal.__doc__
