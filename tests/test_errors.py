"""Every bad input of the contract: a clear error naming what was wrong, nothing half-changed."""

from __future__ import annotations

import math

import pytest

from autograd import Value, topological_order


@pytest.mark.parametrize("bad", [True, False, "1.0", None, 1j, [1.0], (1.0,), {}, object()])
def test_value_accepts_only_int_and_float(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_value_may_wrap_nan_and_inf_when_built_so():
    assert math.isnan(Value(math.nan).data)
    assert Value(math.inf).data == math.inf


@pytest.mark.parametrize("bad", ["2", None, [1], True])
@pytest.mark.parametrize(
    "apply",
    [
        lambda v, o: v + o,
        lambda v, o: o + v,
        lambda v, o: v - o,
        lambda v, o: o - v,
        lambda v, o: v * o,
        lambda v, o: o * v,
        lambda v, o: v / o,
        lambda v, o: o / v,
        lambda v, o: v**o,
        lambda v, o: o**v,
    ],
)
def test_operands_of_other_types_raise_type_error(apply, bad):
    with pytest.raises(TypeError):
        apply(Value(2.0), bad)


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


def test_leaky_relu_slope_must_be_a_number():
    with pytest.raises(TypeError, match="slope"):
        Value(1.0).leaky_relu("0.1")


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


def test_topological_order_and_backward_reject_non_values():
    with pytest.raises(TypeError, match="float"):
        topological_order(1.0)
    from autograd import grad

    with pytest.raises(TypeError, match="input 1"):
        grad(Value(1.0) * 2, [Value(1.0), 2.0])
