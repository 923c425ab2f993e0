"""define_op: a learner's own operation flows through the whole engine, and its derivative is graded."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import (
    GradcheckError,
    Value,
    backward_steps,
    define_op,
    draw,
    functions,
    grad,
    gradcheck,
    topological_order,
)
from autograd import exercises as ex

_fresh = (f"op{n}" for n in itertools.count())


pytestmark = pytest.mark.usefixtures("the_table_as_it_was")  # tests/conftest.py


def fresh(stem: str) -> str:
    """A name no other test used: the table of rules is one per process."""
    return f"{stem}_{next(_fresh)}"


def softplus_op(name=None, local=None):
    return define_op(
        name or fresh("softplus"),
        forward=lambda u: math.log1p(math.exp(u)),
        local=local or (lambda u, out: functions.sigmoid(u)),
        formula="d/du softplus(u) = sigmoid(u)",
    )


def maximum_op(name=None):
    return define_op(
        name or fresh("maximum"),
        forward=lambda a, b: max(a, b),
        local=lambda a, b, out: (1.0, 0.0) if a > b else (0.0, 1.0),
        formula=("d max(a,b)/da = 1 if a > b else 0", "d max(a,b)/db = 1 if b > a else 0"),
    )


# --- the new op everywhere a built-in op goes ---


@pytest.fixture
def SOFTPLUS():  # noqa: N802 (an op, named as a constant)
    return softplus_op()


@pytest.fixture
def MAXIMUM():  # noqa: N802
    return maximum_op()


def test_a_defined_unary_op_matches_its_maths_forward_and_backward():
    softplus = softplus_op()

    @given(st.floats(-20, 20))
    def check(u):
        x = Value(u, label="x")
        y = softplus(x) * 2.0
        y.backward()
        assert y.data == pytest.approx(2 * math.log1p(math.exp(u)), rel=1e-12)
        assert x.grad == pytest.approx(2 / (1 + math.exp(-u)), rel=1e-12)
        assert grad(y, [x]) == [x.grad]

    check()


def test_the_node_records_the_op_its_operands_and_the_local_derivative(SOFTPLUS):
    x = Value(0.0, label="x")
    y = SOFTPLUS(x)
    assert y.op == SOFTPLUS.__name__ and y.parents == (x,) and y.locals == (0.5,)
    assert topological_order(y) == [x, y]


def test_a_binary_op_takes_values_or_numbers_on_either_side(MAXIMUM):
    a = Value(2.0, label="a")
    assert MAXIMUM(a, 3).data == 3.0 and MAXIMUM(5, a).data == 5.0
    left, right = MAXIMUM(a, 3).parents
    assert left is a and right.is_leaf and right.data == 3.0 and right.label == ""
    z = MAXIMUM(a, 1.0) * MAXIMUM(a, 3.0)
    z.backward()
    assert a.grad == 3.0  # d/da [a * 3] at a = 2: only the first maximum moves with a


def test_the_step_through_shows_the_formula_and_draw_the_op(SOFTPLUS, MAXIMUM):
    x = Value(1.0, label="x")
    y = SOFTPLUS(x)
    (step,) = backward_steps(y)
    assert step.rule == "d/du softplus(u) = sigmoid(u)"
    assert step.local == pytest.approx(1 / (1 + math.exp(-1)))
    source = draw(y).source
    assert f"label={SOFTPLUS.__name__}" in source.replace('"', "")
    (one, two) = backward_steps(MAXIMUM(x, 2.0))
    assert (one.rule, two.rule) == ("d max(a,b)/da = 1 if a > b else 0", "d max(a,b)/db = 1 if b > a else 0")


def test_gradcheck_passes_through_a_defined_op(SOFTPLUS, MAXIMUM):
    assert gradcheck(lambda a, b: SOFTPLUS(a * b) + MAXIMUM(a, b), [0.3, -1.2])


def test_create_graph_through_an_op_written_with_functions(SOFTPLUS):
    x = Value(0.3)
    (first,) = grad(SOFTPLUS(x), [x], create_graph=True)
    (second,) = grad(first, [x])
    s = 1 / (1 + math.exp(-0.3))
    assert first.data == pytest.approx(s, rel=1e-12) and second == pytest.approx(s * (1 - s), rel=1e-12)


def test_create_graph_through_an_op_written_with_math_is_a_type_error_naming_it():
    name = fresh("mathy")
    op = define_op(name, forward=lambda u: math.exp(2 * u), local=lambda u, out: 2 * math.exp(2 * u),
                   formula="d/du e^(2u) = 2 e^(2u)")  # fmt: skip
    x = Value(0.5)
    with pytest.raises(TypeError, match=f"create_graph=True\\) through '{name}'.*autograd.functions"):
        grad(op(x), [x], create_graph=True)
    assert grad(op(x), [x]) == [pytest.approx(2 * math.exp(1.0))]  # the float path is fine


def test_a_constant_derivative_works_with_create_graph_too():
    op = define_op(fresh("triple"), forward=lambda u: 3 * u, local=lambda u, out: 3.0, formula="d/du 3u = 3")
    x = Value(2.0)
    (first,) = grad(op(x) * x, [x], create_graph=True)  # d/dx 3x^2 = 6x
    assert first.data == 12.0 and grad(first, [x]) == [6.0]


def test_forward_errors_name_the_op_and_the_value():
    name = fresh("root")
    op = define_op(name, forward=math.sqrt, local=lambda u, out: 0.5 / out,
                   formula="d/du sqrt(u) = 1/(2 sqrt u)", check_at=[0.5, 2.0])  # fmt: skip
    x = Value(-1.0)
    with pytest.raises(ValueError, match=f"^{name} of -1.0: math domain error$"):
        op(x)
    assert x.grad == 0.0


# --- the grader ---


def test_a_flipped_sign_is_caught_with_the_point_both_values_and_the_hint():
    name = fresh("cube")
    with pytest.raises(GradcheckError) as info:
        define_op(name, forward=lambda u: u**3, local=lambda u, out: -3 * u * u, formula="d/du u^3 = 3 u^2")
    message = str(info.value)
    assert message.startswith(f"{name}: the derivative you wrote does not match the slope of forward")
    assert "at 6 of 6 points" in message
    assert "at u = -1.7: your local gives -8.67, the numerical slope is 8.67 (the sign is flipped)" in message
    assert "... and 3 more points" in message
    with pytest.raises(KeyError):  # nothing was added to the table
        from autograd.rules import UNARY

        UNARY[name]


@pytest.mark.parametrize(("local", "hint"), [
    (lambda u, out: 2 * 2 * u, "(twice too large: a factor of 2 too many?)"),
    (lambda u, out: u, "(half of it: a missing factor of 2?)"),
    (lambda u, out: 2 * u + 1, ""),
])  # fmt: skip
def test_a_factor_of_two_is_named_and_other_mistakes_get_the_numbers(local, hint):
    with pytest.raises(GradcheckError) as info:
        define_op(fresh("square"), forward=lambda u: u * u, local=local, formula="d/du u^2 = 2u",
                  check_at=[1.5])  # fmt: skip
    line = str(info.value).splitlines()[1]
    assert line.startswith("  at u = 1.5: your local gives") and "the numerical slope is 3" in line
    assert line.endswith(hint) and (hint or line.endswith("3"))


def test_swapped_binary_derivatives_are_named():
    with pytest.raises(GradcheckError, match=r"d/da: your local gives 0.88, .* \(it is the other operand's"):
        define_op(fresh("ab2"), forward=lambda a, b: a * b * b, local=lambda a, b, out: (2 * a * b, b * b),
                  formula=("d/da ab^2 = b^2", "d/db ab^2 = 2ab"), check_at=[(0.4, 1.1)])  # fmt: skip


def test_check_false_skips_the_grader_and_check_at_chooses_the_points():
    op = define_op(fresh("wrong"), forward=lambda u: u * u, local=lambda u, out: 0.0, formula="?",
                   check=False)  # fmt: skip
    assert op(Value(1.0)).locals == (0.0,)
    define_op(fresh("abs_like"), forward=abs, local=lambda u, out: 1.0 if u > 0 else -1.0, formula="sign",
              check_at=[-2.0, 3.0])  # fmt: skip (the kink at 0 is not a check point)


def test_default_points_skip_where_forward_is_undefined_and_none_defined_is_an_error():
    define_op(fresh("ln"), forward=math.log, local=lambda u, out: 1 / u, formula="d/du ln u = 1/u")
    with pytest.raises(ValueError, match="forward is defined at none of the points"):
        define_op(fresh("never"), forward=lambda u: math.log(u - 10), local=lambda u, out: 1 / (u - 10),
                  formula="x")  # fmt: skip


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: define_op("tanh", forward=math.tanh, local=lambda u, out: 1 - out**2, formula="f"), ValueError,
     "define_op: an operation named 'tanh' exists already; choose another name"),
    (lambda: define_op("+", forward=math.tanh, local=lambda u, out: 1.0, formula="f"), ValueError,
     "define_op: the name must be a Python identifier (letters, digits, _), got '+'"),
    (lambda: define_op(3, forward=math.tanh, local=lambda u, out: 1.0, formula="f"), TypeError,
     "define_op: the name must be a str, got int"),
    (lambda: define_op(fresh("three"), forward=lambda a, b, c: a, local=lambda: 0, formula="f"), ValueError,
     "define_op: forward must take 1 or 2 numbers (the operands), it takes 3"),
    (lambda: define_op(fresh("two"), forward=lambda a, b: a, local=lambda a, b, out: (1.0, 0.0), formula="f"),
     ValueError, "define_op: formula must be two str, one per operand: ('d/da ... = ...', 'd/db ... = ...'), "
     "got 'f'"),
    (lambda: define_op(fresh("nolocal"), forward=math.tanh, local=3, formula="f"), TypeError,
     "local must be a function, got int"),
])  # fmt: skip
def test_define_op_refuses_bad_arguments(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


def test_a_defined_op_refuses_operands_that_are_not_numbers(SOFTPLUS):
    with pytest.raises(TypeError, match=f"^{SOFTPLUS.__name__} takes Values or numbers, got str: 'a'$"):
        SOFTPLUS("a")
    assert SOFTPLUS(0.0).data == pytest.approx(math.log(2.0))


def test_the_name_of_an_earlier_define_op_is_refused():
    name = fresh("once")
    softplus_op(name)
    with pytest.raises(ValueError, match="exists already"):
        softplus_op(name)


# --- the exercises: each answer passes its own grade; typical wrong answers get the right hint ---


@pytest.mark.parametrize("name", ex.names())
def test_each_exercise_answer_passes_and_defines_a_working_op(name):
    exercise = ex.EXERCISES[name]
    verdict = ex.grade(name, exercise.forward, exercise.local)
    assert verdict.startswith(f"{name}: forward and derivative right")
    assert ex.task(name) and ex.hint(name)
    formula = exercise.formula
    op = define_op(fresh(name), forward=exercise.forward, local=exercise.local, formula=formula,
                   check_at=exercise.points)  # fmt: skip
    point = exercise.points[0] if isinstance(exercise.points[0], tuple) else (exercise.points[0],)
    assert gradcheck(lambda *values: op(*values), list(point))


def test_a_wrong_forward_is_graded_before_the_derivative():
    with pytest.raises(GradcheckError, match=r"^softplus: your forward gives 0.182684 at -1.7; it should be"):
        ex.grade("softplus", forward=math.exp, local=lambda u, out: out)


@pytest.mark.parametrize(("name", "local", "hint"), [
    ("gaussian", lambda u, out: 2 * u * out, "the sign is flipped"),
    ("softplus", lambda u, out: 2 / (1 + math.exp(-u)), "a factor of 2 too many"),
    ("squared_error", lambda p, t, out: (-2 * (p - t), 2 * (p - t)), "the sign is flipped"),
])  # fmt: skip
def test_typical_wrong_derivatives_get_their_hint(name, local, hint):
    with pytest.raises(GradcheckError, match=hint):
        ex.grade(name, ex.EXERCISES[name].forward, local)


def test_an_unknown_exercise_lists_the_exercises():
    with pytest.raises(ValueError, match="unknown exercise 'relu': the exercises are softplus, gaussian"):
        ex.task("relu")
