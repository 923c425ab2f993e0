"""Initialisers: the starting weights of a layer, as a rows x cols list of lists of floats.

Every initialiser has the signature ``f(rows, cols, rng=None, **params)``:

    rows = fan_out   the number of neurons in the layer (outputs)
    cols = fan_in    the number of inputs each neuron reads

``rng`` is a ``random.Random``; pass a seeded one (``random.Random(0)``) for the same
weights every time. Without one, a fresh unseeded ``random.Random()`` is used: the
module never touches Python's global random generator.

Why the scale matters: a neuron sums fan_in products w_i x_i, so with independent
weights of variance Var(w) its output has variance fan_in * Var(w) * Var(x). Choose
Var(w) = 1/fan_in and the signal neither explodes nor vanishes as it goes deeper.
The schemes below differ in which fan they balance and in the gain for the activation:

    name            distribution         variance                    use with
    xavier_normal   normal               2 / (fan_in + fan_out)      tanh, sigmoid (Glorot & Bengio 2010)
    xavier_uniform  uniform(-l, l)       2 / (fan_in + fan_out)      tanh, sigmoid
    he_normal       normal               2 / fan_in                  relu, leaky_relu (He et al. 2015)
    he_uniform      uniform(-l, l)       2 / fan_in                  relu, leaky_relu
    lecun_normal    normal               1 / fan_in                  tanh, selu; "Xavier, variance 1/n"
    orthogonal      orthonormal rows     (rows of length gain)       deep or recurrent nets (Saxe et al. 2014)

A uniform(-l, l) draw has variance l^2 / 3, so a uniform scheme with variance v uses
the limit l = sqrt(3 v).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from autograd import checks

Matrix = list[list[float]]
Initialiser = Callable[..., Matrix]


# --- checking arguments ---


def _check_shape(rows: Any, cols: Any) -> None:
    """rows and cols must be positive ints (a layer has at least one neuron and one input)."""
    checks.count(rows, "init: rows")
    checks.count(cols, "init: cols")


def _check_real(name: str, value: Any) -> float:
    """A finite number parameter (std, limits, gain...)."""
    return checks.finite(value, f"init: {name}")


def _rng(rng: random.Random | None) -> random.Random:
    """The caller's generator, or a fresh unseeded one (never the global generator)."""
    if rng is None:
        return random.Random()
    if not isinstance(rng, random.Random):
        raise TypeError(f"init: rng must be a random.Random, got {type(rng).__name__}")
    return rng


def _normal_matrix(rows: int, cols: int, rng: random.Random, mean: float, std: float) -> Matrix:
    return [[rng.gauss(mean, std) for _ in range(cols)] for _ in range(rows)]


def _uniform_matrix(rows: int, cols: int, rng: random.Random, a: float, b: float) -> Matrix:
    return [[rng.uniform(a, b) for _ in range(cols)] for _ in range(rows)]


# --- the initialisers ---


def zeros(rows: int, cols: int, rng: random.Random | None = None) -> Matrix:
    """All weights 0.

    Every neuron of a layer then computes the same thing and receives the same gradient,
    so they stay identical forever (the symmetry problem): fine for biases, not for weights.
    """
    return constant(rows, cols, rng, value=0.0)


def constant(rows: int, cols: int, rng: random.Random | None = None, value: float = 0.0) -> Matrix:
    """All weights equal to ``value``; like ``zeros``, it never breaks the symmetry between neurons.

    To use it by name with another value: ``init=functools.partial(nn.init.constant, value=0.5)``.
    """
    _check_shape(rows, cols)
    value = _check_real("value", value)
    return [[value] * cols for _ in range(rows)]


def uniform(rows: int, cols: int, rng: random.Random | None = None, a: float = -1.0,
            b: float = 1.0) -> Matrix:
    """Each weight drawn from uniform(a, b): mean (a + b) / 2, variance (b - a)^2 / 12.

    Simple, but the scale ignores the layer's size: wide layers start saturated.
    """
    _check_shape(rows, cols)
    a, b = _check_real("a", a), _check_real("b", b)
    if not a < b:
        raise ValueError(f"init.uniform needs a < b, got a={a!r}, b={b!r}")
    return _uniform_matrix(rows, cols, _rng(rng), a, b)


def normal(rows: int, cols: int, rng: random.Random | None = None, mean: float = 0.0,
           std: float = 1.0) -> Matrix:
    """Each weight drawn from normal(mean, std^2).

    Like ``uniform``, the scale ignores the layer's size; the schemes below choose std for you.
    """
    _check_shape(rows, cols)
    mean, std = _check_real("mean", mean), _check_real("std", std)
    if std < 0:
        raise ValueError(f"init.normal needs std >= 0, got {std!r}")
    return _normal_matrix(rows, cols, _rng(rng), mean, std)


def xavier_normal(rows: int, cols: int, rng: random.Random | None = None) -> Matrix:
    """Glorot normal: std = sqrt(2 / (fan_in + fan_out)); for tanh and sigmoid layers.

    Var(w) = 2 / (fan_in + fan_out) is the compromise between keeping the forward signal's
    variance (needs 1/fan_in) and the backward gradient's variance (needs 1/fan_out).
    PyTorch: ``torch.nn.init.xavier_normal_``. See ``lecun_normal`` for "variance 1/n".
    """
    _check_shape(rows, cols)
    return _normal_matrix(rows, cols, _rng(rng), 0.0, math.sqrt(2.0 / (cols + rows)))


def xavier_uniform(rows: int, cols: int, rng: random.Random | None = None) -> Matrix:
    """Glorot uniform: uniform(-l, l) with l = sqrt(6 / (fan_in + fan_out)); for tanh and sigmoid.

    Variance l^2 / 3 = 2 / (fan_in + fan_out), as ``xavier_normal``.
    PyTorch: ``torch.nn.init.xavier_uniform_``.
    """
    _check_shape(rows, cols)
    limit = math.sqrt(6.0 / (cols + rows))
    return _uniform_matrix(rows, cols, _rng(rng), -limit, limit)


def he_normal(rows: int, cols: int, rng: random.Random | None = None) -> Matrix:
    """He (Kaiming) normal: std = sqrt(2 / fan_in); for relu and leaky_relu layers.

    relu zeroes half of its inputs and so halves the variance; the factor 2 restores it.
    PyTorch: ``torch.nn.init.kaiming_normal_(w, nonlinearity="relu")``.
    """
    _check_shape(rows, cols)
    return _normal_matrix(rows, cols, _rng(rng), 0.0, math.sqrt(2.0 / cols))


def he_uniform(rows: int, cols: int, rng: random.Random | None = None) -> Matrix:
    """He (Kaiming) uniform: uniform(-l, l) with l = sqrt(6 / fan_in); for relu layers.

    Variance l^2 / 3 = 2 / fan_in, as ``he_normal``.
    PyTorch: ``torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")``.
    """
    _check_shape(rows, cols)
    limit = math.sqrt(6.0 / cols)
    return _uniform_matrix(rows, cols, _rng(rng), -limit, limit)


def lecun_normal(rows: int, cols: int, rng: random.Random | None = None) -> Matrix:
    """LeCun normal: std = sqrt(1 / fan_in); for tanh (and selu) layers.

    This is what many lecture notes call "Xavier initialisation, variance 1/n": it keeps
    the forward signal's variance and looks at fan_in only. Glorot and Bengio's Xavier
    (``xavier_normal``) uses Var(w) = 2 / (fan_in + fan_out), which equals 1/n only when
    fan_in == fan_out == n; for a layer that narrows (fan_out < fan_in) Glorot's weights
    are larger than LeCun's, for one that widens they are smaller.
    """
    _check_shape(rows, cols)
    return _normal_matrix(rows, cols, _rng(rng), 0.0, math.sqrt(1.0 / cols))


def orthogonal(rows: int, cols: int, rng: random.Random | None = None, gain: float = 1.0) -> Matrix:
    """A random orthogonal matrix times ``gain``: rows orthonormal when rows <= cols, else columns.

    W W^T = gain^2 I (rows <= cols) or W^T W = gain^2 I (rows > cols): the layer keeps the
    length of every input in its row space, so signals neither grow nor shrink with depth.
    Made by Gram-Schmidt on the vectors of a standard normal matrix, which gives the same
    (uniform, Haar) distribution as PyTorch's QR with the signs of R's diagonal fixed.
    """
    _check_shape(rows, cols)
    gain = _check_real("gain", gain)
    rng = _rng(rng)
    count, length = min(rows, cols), max(rows, cols)
    vectors = _orthonormal_vectors(count, length, rng)
    if rows <= cols:  # the vectors are the rows
        return [[gain * x for x in vector] for vector in vectors]
    return [[gain * vectors[j][i] for j in range(cols)] for i in range(rows)]  # the columns


def _orthonormal_vectors(count: int, length: int, rng: random.Random) -> Matrix:
    """count <= length orthonormal vectors: Gram-Schmidt on normal draws.

    Each new vector has its projections on the earlier ones removed twice ("twice is
    enough": the second pass removes what rounding left of the first), then is scaled to
    length 1. A draw that is (numerically) dependent on the earlier ones is drawn again.
    """
    basis: Matrix = []
    while len(basis) < count:
        vector = [rng.gauss(0.0, 1.0) for _ in range(length)]
        start = math.sqrt(sum(x * x for x in vector))
        for _ in range(2):
            for unit in basis:
                projection = sum(v * u for v, u in zip(vector, unit, strict=True))
                vector = [v - projection * u for v, u in zip(vector, unit, strict=True)]
        norm = math.sqrt(sum(x * x for x in vector))
        if norm > 1e-6 * start:
            basis.append([x / norm for x in vector])
    return basis


# --- names accepted by init= ---

INITIALISERS: dict[str, Initialiser] = {
    "zeros": zeros,
    "constant": constant,
    "uniform": uniform,
    "normal": normal,
    "xavier": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "he": he_normal,
    "he_uniform": he_uniform,
    "lecun": lecun_normal,
    "orthogonal": orthogonal,
}


def get(init: str | Initialiser) -> Initialiser:
    """The initialiser named ``init`` (see INITIALISERS), or ``init`` itself if it is callable."""
    if callable(init):
        return init
    if isinstance(init, str) and init in INITIALISERS:
        return INITIALISERS[init]
    known = ", ".join(repr(name) for name in INITIALISERS)
    raise ValueError(f"unknown init {init!r}: use a callable (rows, cols, rng) or one of {known}")


def weights(init: str | Initialiser, rows: int, cols: int, rng: random.Random) -> Matrix:
    """Call the initialiser and check that it gave a rows x cols matrix of finite numbers."""
    matrix = get(init)(rows, cols, rng)
    name = getattr(init, "__name__", repr(init))
    if not isinstance(matrix, (list, tuple)) or len(matrix) != rows:
        raise ValueError(f"init {name} must return {rows} rows of {cols} weights, got {type(matrix).__name__}"
                         f"{' of length ' + str(len(matrix)) if isinstance(matrix, (list, tuple)) else ''}")
    checked = []
    for i, row in enumerate(matrix):
        if not isinstance(row, (list, tuple)) or len(row) != cols:
            raise ValueError(f"init {name}: row {i} must hold {cols} weights, got {row!r:.60}")
        for x in row:
            if not checks.is_real(x) or not math.isfinite(x):
                raise ValueError(f"init {name}: row {i} holds {x!r}; weights must be finite numbers")
        checked.append([float(x) for x in row])
    return checked
