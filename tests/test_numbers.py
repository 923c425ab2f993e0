"""Numbers of every real type in .data: every op and backward behave exactly as with float(data).

Each case sets a leaf's .data after making it (as `p.data -= lr * p.grad` with a NumPy lr does,
or `p.data = weights[i]` from a NumPy array), then compares the result with the all-float graph.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from autograd import Value, dot, dots, grad, total

np = pytest.importorskip("numpy")

TYPES = {
    "int": int,
    "float": float,
    "np.float64": np.float64,
    "np.float32": np.float32,
    "np.int64": np.int64,
    "Fraction": Fraction,
}
# op name -> (function of two Values, the leaves' values); the values are exact in every type
OPS = {
    "+": (lambda a, b: a + b, (2, 3)),
    "-": (lambda a, b: a - b, (2, 3)),
    "*": (lambda a, b: a * b, (2, 3)),
    "/": (lambda a, b: a / b, (2, 4)),
    "** value": (lambda a, b: a**b, (2, 3)),
    "** number": (lambda a, b: a**3 + b, (2, 3)),
    "number ** value": (lambda a, b: 2**a + b, (2, 3)),
    "reflected": (lambda a, b: 1 - a + 2 * b - 3 / b, (2, 3)),
    "neg abs": (lambda a, b: -a + abs(-b), (2, 3)),
    "exp log sqrt": (lambda a, b: a.exp() + b.log() + b.sqrt(), (1, 4)),
    "tanh sigmoid": (lambda a, b: a.tanh() * b.sigmoid(), (1, 2)),
    "relu leaky_relu": (lambda a, b: (a - 3).relu() + (a - 3).leaky_relu(0.5) + b.relu(), (2, 3)),
    "relu at the kink": (lambda a, b: a.relu() + b.abs(), (0, 0)),
    "sin cos": (lambda a, b: a.sin() * b.cos(), (1, 2)),
    "total": (lambda a, b: total([a, b, a]), (2, 3)),
    "dot": (lambda a, b: dot([a, b], [b, a], a), (2, 3)),
    "dots": (lambda a, b: dots([[a, b], [b, b]], [a, 1], [b, a])[1], (2, 3)),
}


def build(op: str, kind: type):
    """The op's graph on two leaves whose .data hold numbers of type kind; value, gradients, data types."""
    function, (first, second) = OPS[op]
    a, b = Value(0.0, label="a"), Value(0.0, label="b")
    a.data, b.data = kind(first), kind(second)
    out = function(a, b)
    out.backward()
    return out, (a.grad, b.grad), grad(out, [a, b])


@pytest.mark.parametrize("kind", TYPES.values(), ids=TYPES.keys())
@pytest.mark.parametrize("op", OPS)
def test_every_op_with_every_number_type_equals_the_float_case(op, kind):
    out, grads, again = build(op, kind)
    reference, float_grads, _ = build(op, float)
    assert type(out.data) is float and out.data == reference.data
    assert grads == float_grads == tuple(again)
    assert all(type(g) is float for g in grads)


def test_a_value_accepts_numpy_scalars_and_fractions_as_floats():
    for number in (np.float64(2.5), np.float32(2.5), np.int64(2), Fraction(5, 2)):
        made = Value(number)
        assert type(made.data) is float and made.data == float(number)
    for bad in (True, np.bool_(True), "2", None, [1.0], 1j, np.array([1.0, 2.0])):
        with pytest.raises(TypeError, match="^Value takes a real number"):
            Value(bad)


BAD = {"str": "0.5", "None": None, "list": [1.0], "array": np.array([1.0, 2.0])}


@pytest.mark.parametrize(("make", "named"), [
    (lambda x, w: x * w, "'x'"),
    (lambda x, w: x.relu(), "'x'"),
    (lambda x, w: x**2, "'x'"),
    (lambda x, w: 2 ** x, "'x'"),
    (lambda x, w: dot([w], [x]), "'x'"),
    (lambda x, w: total([w, x]), "'x'"),
])  # fmt: skip
@pytest.mark.parametrize("bad", BAD.values(), ids=BAD.keys())
def test_a_data_that_is_not_a_number_fails_at_the_next_op_naming_the_node_and_type(make, named, bad):
    x, w = Value(1.0, label="x"), Value(2.0, label="w")
    x.data = bad
    with pytest.raises(TypeError) as info:
        make(x, w)
    message = str(info.value)
    assert f"the Value {named} holds .data = " in message and f"a {type(bad).__name__};" in message
    assert ".data must be a real number" in message and w.grad == 0.0


def test_an_unlabelled_node_is_named_by_the_op_that_made_it():
    x = Value(1.0)
    y = x * 2
    y.data = "oops"
    with pytest.raises(TypeError, match=r"^the Value made by '\*' holds .data = 'oops', a str"):
        y.tanh()


def test_numpy_scalars_on_the_left_defer_to_value():
    x = Value(3.0, label="x")
    for number in (np.float64(2.0), np.float32(2.0), np.int64(2)):
        product = number * x
        assert isinstance(product, Value) and product.data == 6.0 and product.parents[1] is x
        assert isinstance(number - x, Value) and (number - x).data == -1.0
        assert isinstance(number**x, Value) and (number**x).data == 8.0


def test_a_training_loop_with_a_numpy_learning_rate_schedule_runs_as_with_floats():
    """micrograd's lecture loop with `lr` from np.linspace: p.data becomes a NumPy float on step 1."""
    import nn

    X, y = nn.data.moons(n=20, seed=0)

    def train(rates):
        model = nn.MLP(2, [4, 1], seed=0)
        losses = []
        for lr in rates:
            loss = nn.losses.hinge([model(x)[0] for x in X], y)
            model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p.data -= lr * p.grad
            losses.append(loss.data)
        return losses, [p.data for p in model.parameters()]

    numpy_run = train(np.linspace(0.5, 0.1, 5))
    float_run = train([float(lr) for lr in np.linspace(0.5, 0.1, 5)])
    assert numpy_run[0] == float_run[0] and numpy_run[1] == float_run[1]
    assert all(type(loss) is float for loss in numpy_run[0])


def test_int_data_set_by_the_user_gives_float_results_and_exact_gradients():
    x = Value(0.0, label="x")
    x.data = 10**20  # an int beyond 2^53: read as float(10**20), as everywhere else
    y = x * x
    y.backward()
    assert type(y.data) is float and y.data == 1e40 and x.grad == 2e20
    x.data = 0
    assert x.relu().data == 0.0 and math.copysign(1.0, x.relu().data) == 1.0
