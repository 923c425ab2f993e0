"""Backward passes: create_graph adding to gradients, seeds, the backward function's defaults,
passes interrupted half-way, and the refusals of autograd.backward with their exact messages.
"""

from __future__ import annotations

import math

import pytest

from autograd import Value, backward_steps, dot, grad, topological_order, total
from autograd.backward import backward

# --- create_graph adds to the gradients already there ---


def test_create_graph_adds_to_an_existing_float_gradient():
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0
    (x * x).backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 12.0


def test_create_graph_adds_to_an_existing_gradient_of_one():
    x = Value(3.0)
    x.backward()
    assert x.grad == 1.0
    (x * 2.0).backward(create_graph=True)
    assert x.grad.data == 3.0


def test_create_graph_on_a_fresh_leaf_stores_the_gradient_node_itself():
    x = Value(3.0)
    y = x * 5.0
    y.backward(create_graph=True)
    (expected,) = grad(y, [x], create_graph=True)
    assert x.grad.op == expected.op == "*"  # no extra "0.0 + g" node in the gradient's graph
    assert len(x.grad.parents) == 2


def test_create_graph_passes_a_gradient_on_unchanged_through_a_local_derivative_of_one():
    from autograd import topological_order

    x = Value(3.0)
    y = x + 3.0
    y.backward(create_graph=True)
    assert x.grad is y.grad and len(topological_order(x.grad)) == 1  # no "1.0 * g" node


def test_create_graph_multiplies_by_a_float_local_derivative_other_than_one():
    x = Value(-1.0)
    x.leaky_relu(2.0).backward(create_graph=True)  # local derivative: the slope 2.0, a float
    assert x.grad.data == 2.0
    w, v = [Value(0.5), Value(-1.5)], [Value(2.0), Value(4.0)]
    first = grad(dot(w, v, Value(1.0)) * dot(w, v), w, create_graph=True)  # d/dw_i (d^2 + d) = (2 d + 1) x_i
    d = 0.5 * 2.0 - 1.5 * 4.0
    assert [g.data for g in first] == [(2 * d + 1) * 2.0, (2 * d + 1) * 4.0]
    assert grad(first[0], w) == [2 * 2.0 * 2.0, 2 * 4.0 * 2.0]  # d/dw_j of (2 d + 1) x_1 = 2 x_j x_1


# --- seeds and defaults ---


def test_a_value_seed_is_a_number_without_create_graph_and_part_of_the_graph_with_it():
    x, seed = Value(3.0), Value(2.0)
    (x * x).backward(seed)
    assert x.grad == 12.0 and type(x.grad) is float
    x2, seed2 = Value(3.0), Value(2.0)
    (x2 * x2).backward(seed2, create_graph=True)
    assert x2.grad.data == 12.0
    assert grad(x2.grad, [seed2]) == [6.0]  # d(2 x seed)/d seed


def test_the_backward_function_defaults_to_a_seed_of_one_and_no_graph():
    from autograd.backward import backward

    x = Value(3.0)
    backward(x * 2.0)
    assert x.grad == 2.0 and type(x.grad) is float  # seed 1.0, no graph


def test_a_nan_seed_gives_nan_gradients_not_an_exception():
    x = Value(3.0)
    (x * 2).backward(math.nan)
    assert math.isnan(x.grad)


# --- a pass interrupted half-way: all or nothing ---


class Interrupting:
    """An operand whose parents cannot be read and that holds no gradient: a pass stops at it."""

    _first = _second = None
    _waiting, _grad_sum = 0, 0.0

    @property
    def parents(self):
        raise RuntimeError("interrupted")


def test_an_interrupted_pass_leaves_no_stale_counts():
    from autograd import topological_order

    x = Value(3.0)
    y = Value(1.0) * (x * x)
    y._first = Interrupting()  # taken before x * x, while x still waits for its two uses
    with pytest.raises(RuntimeError, match="interrupted"):
        topological_order(y)
    with pytest.raises(AttributeError):
        y.backward()  # the fast pass stops at the operand without a .grad
    assert (y.grad, x.grad) == (0.0, 0.0)  # put back: all or nothing
    z = x * 5.0
    z.backward()
    assert x.grad == 5.0


def test_an_interrupted_pass_through_an_n_ary_node_leaves_no_stale_counts():
    from autograd import topological_order

    x = Value(3.0)
    y = total([Value(1.0), x * x])
    y._first = (Interrupting(), y._first[1])
    with pytest.raises(RuntimeError, match="interrupted"):
        topological_order(y)
    with pytest.raises(AttributeError):
        y.backward()
    assert x.grad == 0.0
    (x * 5.0).backward()
    assert x.grad == 5.0
    assert x.grad == 5.0


# --- refusals: the exact message ---

def seed_holding(data):
    seed = Value(1.0)
    seed.data = data
    return seed


BACKWARD_REFUSALS = [
    (lambda: backward(3), TypeError, "backward takes a Value, got int"),
    (lambda: (Value(3.0) * 2).backward("1"), TypeError,
     "backward's grad (the seed) must be a number, got str: '1'"),
    (lambda: (Value(3.0) * 2).backward(seed_holding("x")), TypeError,
     "backward's grad (the seed) must be a number, got str: 'x'"),  # a Value seed whose .data was set so
    (lambda: topological_order(1.0), TypeError, "topological_order takes a Value, got float"),
    (lambda: grad(Value(1.0) * 2, [Value(1.0), 2.0]), TypeError,
     "grad's inputs must be Values; input 1 is float"),
]


@pytest.mark.parametrize(("call", "error", "message"), BACKWARD_REFUSALS)
def test_backward_refuses_with_the_exact_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


@pytest.mark.parametrize("bad", [None, 3, "x", [Value(1.0)], 2.5])
def test_graph_functions_refuse_a_non_value_output(bad):
    for function in (topological_order, backward_steps, lambda v: grad(v, [])):
        with pytest.raises(TypeError, match=type(bad).__name__):
            function(bad)
    with pytest.raises(TypeError, match="inputs must be Values; input 1 is str"):
        grad(Value(1.0) * 2, [Value(1.0), "x"])


@pytest.mark.usefixtures("the_table_as_it_was")  # tests/conftest.py: the op defined here leaves the table
def test_create_graph_through_a_derivative_written_with_math_names_the_op_and_the_fix():
    from autograd import define_op

    cube = define_op("cube_with_math", lambda u: u**3, lambda u, out: 3 * math.pow(u, 2), "3u^2")
    x = Value(2.0)
    with pytest.raises(TypeError) as info:
        cube(x).backward(create_graph=True)
    assert str(info.value) == (
        "backward(create_graph=True) through 'cube_with_math': its local derivative does not accept Values "
        "(TypeError: float() of a Value while derivatives are computed as Values (create_graph=True): "
        "math functions drop the graph); write it with autograd.functions or Value methods instead of math")
    assert x.grad == 0.0  # nothing was added


def test_grad_inside_detect_anomaly_gives_the_same_derivatives_and_a_float_zero_for_an_unused_input():
    from autograd import detect_anomaly

    x, y, unused = Value(3.0), Value(2.0), Value(5.0)
    with detect_anomaly():
        derivatives = grad(x * x * y, [x, y, unused])
    assert derivatives == [12.0, 9.0, 0.0] and all(type(d) is float for d in derivatives)
    assert derivatives == grad(x * x * y, [x, y, unused])  # as outside the mode
