"""The rule table at its edges: poles, signed zeros, the exponent at a zero base, the formulas,
sigmoid to the bit, domain errors (finite and infinite operands) and IEEE inf/nan passing through.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from autograd import Value, grad, rules, topological_order
from autograd.modes import ieee_arithmetic

NAN, INF = math.nan, math.inf


# --- poles, signed zeros, the exponent at a zero base, formulas (against PyTorch where it runs) ---


@pytest.mark.parametrize(("x", "n", "expected"), [
    (-1e-110, -2, math.inf),  # -2 x^-3 with x^-3 = -1e330: an odd power keeps the sign of x
    (1e-110, -2, -math.inf),
    (1e-200, -1, -math.inf),  # -1 x^-2: an even power is positive on both sides
    (-1e-200, -1, -math.inf),
    (0.0, 0.5, math.inf),  # 0.5 x^-0.5 at 0
    (0.0, 1.5, 0.0),
])
def test_power_rule_at_a_pole_or_past_the_float_range_gives_pytorchs_signed_infinity(x, n, expected):
    torch = pytest.importorskip("torch")
    v = Value(x)
    (v**n).backward()
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (t**n).backward()
    assert v.grad == expected == t.grad.item()


@pytest.mark.parametrize("slope", [0.01, -0.5])
@pytest.mark.parametrize("x", [0.0, -0.0])
def test_leaky_relu_at_zero_keeps_pytorchs_sign_of_zero(x, slope):
    torch = pytest.importorskip("torch")
    ours = Value(x).leaky_relu(slope).data
    theirs = torch.nn.functional.leaky_relu(torch.tensor(x, dtype=torch.float64), slope).item()
    assert ours == theirs == 0.0 and math.copysign(1.0, ours) == math.copysign(1.0, theirs)


def test_exponent_derivative_at_a_zero_base_is_zero_also_with_create_graph():
    for b in (0.0, 2.0):
        base, exponent = Value(0.0), Value(b)
        y = base**exponent
        assert grad(y, [exponent]) == [0.0]
        (as_value,) = grad(y, [exponent], create_graph=True)
        assert (as_value.data if isinstance(as_value, Value) else as_value) == 0.0


def test_formulas_fill_in_the_constant_or_keep_the_letter_n():
    from autograd.rules import NARY, UNARY, formula

    generic = formula(UNARY["**"], 0, None)
    assert generic.startswith("d/du u^n = ") and generic.endswith(" u^(n-1)")
    assert formula(UNARY["**"], 0, 3.0) == "d/du u^3 = 3 u^2"
    assert formula(UNARY["**"], 0, 0.5) == "d/du u^(0.5) = 0.5 u^(-0.5)"
    assert [formula(NARY["dot"], slot, 2) for slot in range(5)] == [
        "d/dw_1 (w·x + b) = x_1", "d/dw_2 (w·x + b) = x_2", "d/dx_1 (w·x + b) = w_1",
        "d/dx_2 (w·x + b) = w_2", "d/db (w·x + b) = 1"]


def test_sigmoid_of_a_non_negative_number_is_one_over_one_plus_exp_minus_x_to_the_bit():
    xs = [i / 97 for i in range(500)]
    assert [Value(x).sigmoid().data for x in xs] == [1.0 / (1.0 + math.exp(-x)) for x in xs]
    assert [Value(-x).sigmoid().data for x in xs[1:]] == [math.exp(-x) / (1.0 + math.exp(-x)) for x in xs[1:]]


# --- outside a rule's domain: the documented error naming the op and value, nothing built ---


def _graph_size(node: Value) -> int:
    return len(topological_order(node))


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda x: (x * 0 - 1).log(), ValueError, ["log", "-1.0"]),
        (lambda x: (x * 0).log(), ValueError, ["log", "0.0"]),
        (lambda x: (x * 0 - 4).sqrt(), ValueError, ["sqrt", "-4.0"]),
        (lambda x: (x * 0) ** -1, ValueError, ["0", "negative"]),
        (lambda x: (x * 0) ** Value(-2.0), ValueError, ["0", "negative"]),
        (lambda x: (x * 0 - 8) ** (1 / 3), ValueError, ["-8.0", "integer"]),
        (lambda x: (x * 0 - 8) ** Value(0.5), ValueError, ["-8.0", "integer"]),
        (lambda x: x / 0, ZeroDivisionError, ["division by zero"]),
        (lambda x: x / (x * 0), ZeroDivisionError, ["division by zero"]),
        (lambda x: (x * 1000).exp(), OverflowError, ["exp"]),
        (lambda x: (x * 10) ** 400, OverflowError, ["**"]),
        (lambda x: 10.0 ** (x * 400), OverflowError, ["**"]),
        (lambda x: (x * math.inf).sin(), ValueError, ["sin", "inf"]),
        (lambda x: (x * math.inf).cos(), ValueError, ["cos", "inf"]),
        (lambda x: Value(-INF).log(), ValueError, ["log of -inf"]),
        (lambda x: Value(-INF).sqrt(), ValueError, ["sqrt of -inf"]),
        (lambda x: Value(INF).sin(), ValueError, ["sin of inf"]),
        (lambda x: Value(-INF).cos(), ValueError, ["cos of -inf"]),
        (lambda x: Value(0.0) ** -INF, ValueError, ["0 ** -inf"]),
        (lambda x: Value(710.0).exp(), OverflowError, ["exp"]),
    ],
)
def test_domain_errors_name_the_op_and_value_and_build_nothing(make, error, words):
    x = Value(1.0, label="x")
    with pytest.raises(error) as info:
        make(x)
    for word in words:
        assert word in str(info.value)
    # The failed op attached nothing to x and changed no gradient.
    assert x.grad == 0.0 and x.parents == ()


def test_a_failed_op_leaves_the_existing_graph_and_grads_unchanged():
    x = Value(-1.0)
    y = x * 3
    y.backward()
    before = (x.grad, y.grad, _graph_size(y))
    with pytest.raises(ValueError):
        y.log()
    assert (x.grad, y.grad, _graph_size(y)) == before


# --- inf and nan the user built pass through as IEEE says ---


def test_value_may_wrap_nan_and_inf_when_built_so():
    assert math.isnan(Value(math.nan).data)
    assert Value(math.inf).data == math.inf


@pytest.mark.parametrize(("make", "expected"), [
    (lambda: Value(INF).exp().data, INF),
    (lambda: Value(INF).tanh().data, 1.0),
    (lambda: Value(-INF).sigmoid().data, 0.0),
    (lambda: Value(INF).sigmoid().data, 1.0),
    (lambda: Value(INF).sqrt().data, INF),
    (lambda: (Value(1e308) * 10).data, INF),
    (lambda: Value(NAN).exp().data, NAN),
    (lambda: Value(NAN).log().data, NAN),
])
def test_inf_and_nan_built_by_the_user_pass_through_as_ieee(make, expected):
    result = make()
    assert (math.isnan(result) and math.isnan(expected)) or result == expected


# --- the exact message of each refusal: the op, the operands, why (when the domain has parts), the domain ---

POWER_DOMAIN = "** is defined only for a != 0 or b >= 0, and a >= 0 or b an integer"


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: Value(-1.0).log(), ValueError, "log of -1.0: log is defined only for u > 0"),
    (lambda: Value(0.0).log(), ValueError, "log of 0.0: log is defined only for u > 0"),
    (lambda: Value(-4.0).sqrt(), ValueError, "sqrt of -4.0: sqrt is defined only for u >= 0"),
    (lambda: Value(INF).sin(), ValueError, "sin of inf: sin is defined only for finite u"),
    (lambda: Value(-INF).sin(), ValueError, "sin of -inf: sin is defined only for finite u"),
    (lambda: Value(-INF).cos(), ValueError, "cos of -inf: cos is defined only for finite u"),
    (lambda: Value(0.0) ** -1, ValueError,
     f"0.0 ** -1.0: zero cannot be raised to a negative power ({POWER_DOMAIN})"),
    (lambda: Value(-0.0) ** Value(-2.0), ValueError,
     f"-0.0 ** -2.0: zero cannot be raised to a negative power ({POWER_DOMAIN})"),
    (lambda: Value(-8.0) ** 0.5, ValueError,
     f"-8.0 ** 0.5: a negative base needs an integer exponent ({POWER_DOMAIN})"),
    (lambda: Value(10.0) ** Value(400.0), OverflowError,
     "** overflow: 10.0 ** 400.0 is too large for a float"),
])
def test_a_refusal_names_the_op_the_operands_why_and_the_domain(make, error, message):
    with pytest.raises(error) as info:
        make()
    assert str(info.value) == message


# --- inside ieee_arithmetic (how backward computes), a forward outside its domain gives IEEE's answer ---


@pytest.mark.parametrize(("op", "operands", "expected"), [
    ("log", (0.0,), -INF), ("log", (-1.0,), NAN), ("log", (-INF,), NAN), ("sqrt", (-4.0,), NAN),
    ("sin", (INF,), NAN), ("sin", (-INF,), NAN), ("cos", (INF,), NAN), ("cos", (-INF,), NAN),
    ("**", (0.0, -1.0), INF), ("**", (-0.0, -1.0), -INF), ("**", (0.0, -2.0), INF),
    ("**", (-8.0, 0.5), NAN), ("**", (10.0, 400.0), INF), ("**", (-10.0, 401.0), -INF),
])
def test_inside_ieee_arithmetic_a_forward_outside_its_domain_gives_ieees_answer(op, operands, expected):
    forward = (rules.UNARY.get(op) or rules.BINARY[op]).forward
    with ieee_arithmetic():
        result = forward(*operands)
    assert math.isnan(result) if math.isnan(expected) else result == expected  # inf or -inf
    with pytest.raises((ValueError, OverflowError)):  # and outside it the same call is refused
        forward(*operands)


# --- the text of an op node and of a constant, as pictures and the generated code show them ---


@pytest.mark.parametrize(("op", "k", "text"), [
    ("**", 3.0, "**3"), ("**", -0.5, "**-0.5"), ("leaky_relu", 0.1, "leaky_relu 0.1"),
    ("*", None, "×"), ("tanh", None, "tanh"),
])
def test_an_op_nodes_symbol_fills_in_its_constant(op, k, text):
    rule = rules.UNARY.get(op) or rules.BINARY[op]
    assert rules.symbol(rule, op, k) == text


def test_a_constant_is_written_as_a_learner_writes_it():
    assert [rules.number_text(x) for x in (3.0, 0.5, -2, 1e-7)] == ["3", "0.5", "-2", "1e-07"]
    assert rules.number_text(Fraction(1, 2)) == "1/2"  # not a float: as str() writes it
