"""Every row of the rule table: forward against math, gradient against central differences.

Inputs are drawn by hypothesis inside each op's domain, shifted away from kinks.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import UNARY_DOMAINS, away_from_zero, positives, reals

from autograd import Value, dot, grad, total
from autograd.rules import BINARY, NARY, UNARY


def central(f, x: float, eps: float = 1e-6) -> float:
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def close(a: float, b: float, tol: float = 1e-6) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# The reference forward for each unary op, written independently of the engine.
MATH_UNARY = {
    "neg": lambda x: -x,
    "abs": abs,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "relu": lambda x: max(0.0, x),
    "leaky_relu": lambda x: x if x > 0 else 0.01 * x,
    "sin": math.sin,
    "cos": math.cos,
}
METHOD = {"neg": lambda v: -v, "abs": abs, "leaky_relu": lambda v: v.leaky_relu()}
MATH_BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}


def apply_unary(op: str, v: Value) -> Value:
    return METHOD[op](v) if op in METHOD else getattr(v, op)()


def test_every_row_of_the_table_has_a_reference_here():
    assert set(UNARY) == set(MATH_UNARY) | {"**"}
    assert set(BINARY) == set(MATH_BINARY)
    assert set(NARY) == {"sum", "dot"}
    for table in (UNARY, BINARY, NARY):
        for op, rule in table.items():
            assert rule.formula and all("d" in f and "=" in f for f in rule.formula), op
            assert rule.domain, op


@pytest.mark.parametrize("op", sorted(MATH_UNARY))
def test_unary_forward_and_gradient(op):
    @given(UNARY_DOMAINS[op])
    def check(x):
        v = Value(x)
        out = apply_unary(op, v)
        assert out.op == op and out.parents == (v,)
        assert close(out.data, MATH_UNARY[op](x), 1e-12)
        out.backward()
        assert close(v.grad, central(MATH_UNARY[op], x))

    check()


@given(reals, st.sampled_from([2, 3, -1, -2, 0.5, 1.5, 0, 1]))
def test_power_with_a_number_exponent(x, n):
    if (x <= 0.05 and n != int(n)) or (abs(x) < 0.05 and n < 0):
        x = 1.0 + abs(x)
    v = Value(x)
    out = v**n
    assert out.op == "**" and out.parents == (v,) and out.constant == float(n)
    assert close(out.data, x**n, 1e-12)
    out.backward()
    assert close(v.grad, central(lambda t: t**n, x))


@pytest.mark.parametrize("op", sorted(MATH_BINARY))
def test_binary_forward_and_gradients(op):
    left = positives if op == "**" else reals
    right = away_from_zero if op == "/" else reals

    @given(left, right)
    def check(a, b):
        va, vb = Value(a), Value(b)
        out = MATH_BINARY[op](va, vb)  # the same operator, applied to Values
        assert out.op == op and out.parents == (va, vb)
        reference = MATH_BINARY[op]
        assert close(out.data, reference(a, b), 1e-12)
        out.backward()
        assert close(va.grad, central(lambda t: reference(t, b), a))
        assert close(vb.grad, central(lambda t: reference(a, t), b))

    check()


@given(st.lists(reals, min_size=1, max_size=8))
def test_total_is_one_node_with_unit_derivatives(xs):
    values = [Value(x) for x in xs]
    out = total(values)
    assert out.op == "sum" and out.parents == tuple(values)
    assert close(out.data, math.fsum(xs), 1e-12)
    out.backward()
    assert [v.grad for v in values] == [1.0] * len(xs)


@given(st.lists(st.tuples(reals, reals), min_size=1, max_size=6), reals)
def test_dot_is_one_node_with_the_neuron_derivatives(pairs, bias):
    ws = [Value(w) for w, _ in pairs]
    xs = [Value(x) for _, x in pairs]
    b = Value(bias)
    out = dot(ws, xs, b)
    assert out.op == "dot" and out.parents == (*ws, *xs, b)
    assert close(out.data, sum(w * x for w, x in pairs) + bias, 1e-12)
    out.backward()
    assert [w.grad for w in ws] == [x for _, x in pairs]
    assert [x.grad for x in xs] == [w for w, _ in pairs]
    assert b.grad == 1.0


def test_dot_without_bias_and_with_number_inputs():
    w = [Value(2.0), Value(-1.0)]
    out = dot(w, [3.0, 4])
    assert out.data == 2.0 and len(out.parents) == 4
    out.backward()
    assert [v.grad for v in w] == [3.0, 4.0]


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda x: 2 ** x, math.log(2) * 2**1.5),
        (lambda x: 3 - x, -1.0),
        (lambda x: 3 / x, -3 / 1.5**2),
        (lambda x: 2 * x, 2.0),
        (lambda x: 2 + x, 1.0),
        (lambda x: x - 3, 1.0),
        (lambda x: x / 3, 1 / 3),
    ],
)
def test_a_number_on_either_side_becomes_a_constant_leaf(make, expected):
    x = Value(1.5)
    out = make(x)
    assert len(out.parents) == 2 and x in out.parents
    (constant,) = [p for p in out.parents if p is not x]
    assert constant.op == "" and constant.parents == ()
    out.backward()
    assert close(x.grad, expected, 1e-12)


def test_kinks_use_pytorch_subgradients():
    for op, expected in [("relu", 0.0), ("abs", 0.0)]:
        x = Value(0.0)
        apply_unary(op, x).backward()
        assert x.grad == expected, op
    x = Value(0.0)
    x.leaky_relu(0.2).backward()
    assert x.grad == 0.2


def test_leaky_relu_slope_is_stored_on_the_node():
    x = Value(-2.0)
    out = x.leaky_relu(0.1)
    assert out.data == pytest.approx(-0.2) and out.constant == 0.1
    out.backward()
    assert x.grad == 0.1


@given(st.floats(min_value=-1e6, max_value=1e6))
def test_sigmoid_and_tanh_stay_finite_for_large_inputs(x):
    for op in ("sigmoid", "tanh"):
        v = Value(x)
        out = apply_unary(op, v)
        out.backward()
        assert math.isfinite(out.data) and math.isfinite(v.grad)
        assert -1.0 <= out.data <= 1.0


def test_sigmoid_at_extremes_is_exact():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-40.0).sigmoid().data == pytest.approx(math.exp(-40.0), rel=1e-12)


def test_ieee_backward_infinite_local_derivative_gives_inf_not_an_exception():
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf
    y = Value(0.0)
    (y**0.5).backward()
    assert y.grad == math.inf
    z = Value(0.0)
    (z**0).backward()  # PyTorch: d/dx x**0 = 0 everywhere
    assert z.grad == 0.0


def test_power_edge_cases():
    assert (Value(0.0) ** 0).data == 1.0
    assert (Value(-2.0) ** 3).data == -8.0
    x = Value(-2.0)
    (x**3).backward()
    assert x.grad == 12.0
    # a ** b with a Value exponent: d/db = a**b ln(a); at a == 0 with b >= 0 it is 0 (PyTorch)
    a, b = Value(0.0), Value(2.0)
    (a**b).backward()
    assert a.grad == 0.0 and b.grad == 0.0
    # negative base, integer Value exponent: the d/db is nan, as PyTorch's log of a negative
    a, b = Value(-2.0), Value(2.0)
    (a**b).backward()
    assert a.grad == -4.0 and math.isnan(b.grad)


def test_ints_are_stored_as_floats():
    x = Value(3)
    assert type(x.data) is float and x.data == 3.0
    assert type((x + 1).data) is float
    assert type((x**2).data) is float


def test_grad_function_leaves_grad_untouched_and_gives_zero_for_unused_inputs():
    x, y, unused = Value(2.0), Value(3.0), Value(5.0)
    out = x * y + x
    assert grad(out, [x, y, unused]) == [4.0, 2.0, 0.0]
    assert (x.grad, y.grad, unused.grad, out.grad) == (0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    "make, slot, expected",
    [
        (lambda x: x**3, 0, "d/du u^3 = 3 u^2"),
        (lambda x: x**0.5, 0, "d/du u^(0.5) = 0.5 u^(-0.5)"),
        (lambda x: x**-1, 0, "d/du u^(-1) = -1 u^(-2)"),
        (lambda x: x.leaky_relu(0.2), 0, "d/du leaky_relu(u) = 1 if u > 0 else 0.2"),
        (lambda x: x * 2, 1, "d(a×b)/db = a"),
        (lambda x: 2**x, 1, "d(a^b)/db = a^b ln(a)"),
        (lambda x: total([x, x, x]), 2, "d/du_3 (u_1 + ... + u_n) = 1"),
        (lambda x: dot([x, x], [1.0, 2.0], 0.5), 1, "d/dw_2 (w·x + b) = x_2"),
        (lambda x: dot([x, x], [1.0, 2.0], 0.5), 2, "d/dx_1 (w·x + b) = w_1"),
        (lambda x: dot([x, x], [1.0, 2.0], 0.5), 4, "d/db (w·x + b) = 1"),
    ],
)
def test_formulas_are_filled_in_with_the_constant_and_the_operand_index(make, slot, expected):
    from autograd.presentation.steps import formula_for

    assert formula_for(make(Value(1.5)), slot) == expected


def test_dots_makes_the_same_nodes_as_one_dot_per_row():
    from autograd import dots

    xs = [Value(0.5), Value(-2.0)]
    rows = [[Value(1.0), Value(2.0)], [Value(-1.0), Value(0.25)]]
    biases = [Value(0.1), 3]
    layer = dots(rows, xs, biases)
    assert [node.data for node in layer] == [0.5 * 1.0 - 4.0 + 0.1, -0.5 - 0.5 + 3.0]
    for node, row in zip(layer, rows):
        assert node.op == "dot" and node.parents[:4] == (*row, *xs) and node.constant == 2
    (layer[0] + layer[1]).backward()
    assert [x.grad for x in xs] == [1.0 - 1.0, 2.0 + 0.25]
    assert rows[1][1].grad == -2.0 and biases[0].grad == 1.0


def test_dots_checks_before_it_builds():
    from autograd import dots

    xs = [Value(1.0), Value(2.0)]
    with pytest.raises(ValueError, match="row 1 has 1"):
        dots([[Value(1.0), Value(1.0)], [Value(1.0)]], xs, [0.0, 0.0])
    with pytest.raises(ValueError, match="one bias per row"):
        dots([[Value(1.0), Value(1.0)]], xs, [0.0, 0.0])
    with pytest.raises(TypeError, match="str"):
        dots([[Value(1.0), "w"]], xs, [0.0])
    assert [x.grad for x in xs] == [0.0, 0.0]
