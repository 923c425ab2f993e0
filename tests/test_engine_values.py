"""A Value as a number: comparisons, truthiness, deepcopy, labels, the operator methods, and the
engine's refusals (autograd.engine: Value, total, dot), each with its exact message.
"""

from __future__ import annotations

import copy
import math

import pytest
from samples import fields

from autograd import Value, detect_anomaly, dot, topological_order, total

# --- comparisons and truthiness (as PyTorch's 0-d tensors) ---


def test_ordering_compares_forward_values_with_values_and_numbers():
    one, two = Value(1.0), Value(2.0)
    assert (one < two, one <= two, one > two, one >= two) == (True, True, False, False)
    assert (one < 1, one <= 1, one > 1, one >= 1) == (False, True, False, True)
    assert (two < 2.5, two <= 1.5, two > 1, two >= 3) == (True, False, True, False)
    assert (Value(1.0) <= Value(1.0)) and (Value(1.0) >= Value(1.0)) and not (Value(1.0) < Value(1.0))
    assert max([Value(3.0), Value(5.0), Value(4.0)], key=lambda v: v).data == 5.0
    assert sorted([Value(3.0), Value(1.0), Value(2.0)])[0].data == 1.0


def test_truthiness_is_data_not_zero():
    truths = [bool(Value(x)) for x in (0.0, -0.0, 1.0, 2.0, -1.0, math.nan)]
    assert truths == [False, False, True, True, True, True]


# --- deepcopy ---


def test_deepcopy_of_n_ary_nodes_maps_every_parent_to_its_copy():
    w = [Value(0.5, label="w"), Value(-1.0)]
    x = [Value(2.0, label="x"), Value(3.0)]
    d = dot(w, x, Value(0.25))
    s = total([d, d, x[0]])
    twin = copy.deepcopy(s)
    assert twin is not s and twin.data == s.data and twin.op == "sum"
    assert twin.parents[0] is twin.parents[1] and twin.parents[0] is not d
    assert twin.parents[0].parents[2] is twin.parents[2]  # x[0] shared by dot and sum stays shared
    assert all(p is not q for p, q in zip(twin.parents[0].parents, d.parents))
    assert [p.data for p in twin.parents[0].parents] == [p.data for p in d.parents]
    twin.backward()
    assert twin.parents[2].grad == 2 * 0.5 + 1 and x[0].grad == 0.0  # the original is untouched


def test_deepcopy_of_several_outputs_shares_their_common_subgraph():
    a = Value(2.0, label="a")
    b = a * a
    c = b + 1.0
    first, second = copy.deepcopy([b, c])
    assert second.parents[0] is first
    assert first.parents == (first.parents[0], first.parents[0]) and first.parents[0] is not a


def test_deepcopy_copies_value_gradients_made_by_create_graph():
    x = Value(3.0)
    y = x + x
    y.backward(create_graph=True)  # x.grad = seed + seed: a Value built from constants only
    twin = copy.deepcopy(y)
    twin_x = twin.parents[0]
    assert isinstance(twin_x.grad, Value) and twin_x.grad is not x.grad
    assert twin_x.grad.data == x.grad.data == 2.0
    assert isinstance(twin.grad, Value) and twin.grad.data == 1.0 and twin.grad is not y.grad


def test_deepcopy_after_create_graph_of_a_nonlinear_function():
    x = Value(3.0)
    y = x * x
    y.backward(create_graph=True)
    twin = copy.deepcopy(y)
    twin_x = twin.parents[0]
    assert twin_x.grad.data == 6.0
    # the copied gradient's graph reaches the copied x, not the original
    assert x not in topological_order(twin_x.grad) and twin_x in topological_order(twin_x.grad)


# --- labels, and the operator methods made again at test time (mutmut cannot switch code run at import) ---


def test_leaves_constants_and_no_grad_results_have_an_empty_label_and_op():
    from autograd import no_grad

    x = Value(2.0)
    assert (x.op, x.label) == ("", "")
    constant = (x * 3).parents[1]
    assert (constant.op, constant.label, constant.data) == ("", "", 3.0)
    with no_grad():
        y = x * 3
    assert (y.op, y.label, y.parents) == ("", "", ())


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "**"])
@pytest.mark.parametrize("reflected", [False, True])
def test_binary_operator_methods_make_the_same_nodes_as_the_operators(op, reflected):
    from autograd.engine import _binary_operator

    method = _binary_operator(op, reflected) if reflected else _binary_operator(op)
    name = {"+": "add", "-": "sub", "*": "mul", "/": "truediv", "**": "pow"}[op]
    assert method.__name__ == f"{op} operator"
    assert method.__doc__ == ("other {} self" if reflected else "self {} other").format(op)
    x, w = Value(1.5, label="x"), Value(0.5, label="w")
    expected = getattr(Value, f"__{'r' if reflected else ''}{name}__")
    others = (w, 2.0) if reflected or op != "**" else (w,)  # x ** 2.0 keeps 2.0 on a unary node instead
    for other in others:
        made, wanted = method(x, other), expected(x, other)
        assert fields(made) == fields(wanted) and made.grad == 0.0 and made.label == ""
        assert made._waiting == 0 and made.parents[1 if reflected else 0] is x
    assert method(x, "a") is NotImplemented
    with detect_anomaly():
        assert fields(method(x, w)) == fields(expected(x, w))


# --- the engine's refusals: the exact message a learner reads ---

ENGINE_REFUSALS = [
    (lambda: Value("a"), TypeError, "Value takes a real number (int, float), got str: 'a'"),
    (lambda: Value(1.0, label=3), TypeError, "Value's label must be a str, got int"),
    (lambda: total([Value(1.0), "a"]), TypeError, "total takes Values or numbers, got str: 'a'"),
    (lambda: total([]), ValueError, "total of an empty sequence: give at least one value"),
    (lambda: dot([Value(1.0)], ["b"]), TypeError, "dot takes Values or numbers, got str: 'b'"),
    (lambda: Value(1.0).leaky_relu("a"), TypeError, "leaky_relu's slope must be a number, got str: 'a'"),
    (lambda: Value(1.0).leaky_relu("0.1"), TypeError, "leaky_relu's slope must be a number, got str: '0.1'"),
    (lambda: Value(1.0) < "1", TypeError, "a comparison with a Value must be a number, got str: '1'"),
    (lambda: Value(1.0) < None, TypeError, "a comparison with a Value must be a number, got NoneType: None"),
    (lambda: Value(1.0) < [1.0], TypeError, "a comparison with a Value must be a number, got list: [1.0]"),
]


@pytest.mark.parametrize(("call", "error", "message"), ENGINE_REFUSALS)
def test_the_engine_refuses_with_the_exact_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


# --- wrong types anywhere: a TypeError naming the type, the graph unchanged ---


@pytest.mark.parametrize("bad", [True, False, "1.0", None, 1j, [1.0], (1.0,), {}, object()])
def test_value_accepts_only_int_and_float(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


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


NOT_NUMBERS = ["1.0", None, [1.0], {"x": 1}, 1j, object(), True, b"1"]


def graph_state(*nodes):
    """(data, grad) of every node reachable from nodes, to check that nothing changed."""
    return [(n.data, n.grad) for node in nodes for n in topological_order(node)]


ENGINE_CALLS = {
    "dot-inputs": lambda x, bad: dot([x], [bad]),
    "dot-weights": lambda x, bad: dot([bad], [x]),
    "dot-bias": lambda x, bad: dot([x], [x], bad),  # None is "no bias"
    "total": lambda x, bad: total([x, bad]),
    "backward-seed": lambda x, bad: (x * 2).backward(bad),
    "leaky-slope": lambda x, bad: x.leaky_relu(bad),
}


@pytest.mark.parametrize(("call", "bad"), [
    pytest.param(call, bad, id=f"{name}-{type(bad).__name__}")
    for name, call in ENGINE_CALLS.items() for bad in NOT_NUMBERS if not (name == "dot-bias" and bad is None)
])
def test_engine_functions_refuse_non_numbers_with_a_type_error_naming_the_type(call, bad):
    x = Value(2.0, label="x")
    y = x * x
    before = graph_state(y)
    with pytest.raises(TypeError, match=type(bad).__name__):
        call(x, bad)
    assert graph_state(y) == before


def test_dot_and_total_refuse_empty_and_mismatched_sequences_and_build_nothing():
    x = Value(1.0)
    with pytest.raises(ValueError, match="2 weights, 1 inputs"):
        dot([x, x], [x])
    with pytest.raises(ValueError, match="0 weights, 0 inputs"):
        dot([], [])
    with pytest.raises(ValueError, match="empty"):
        total([])
    with pytest.raises(ValueError, match="empty"):
        total(iter(()))
    assert x.grad == 0.0 and x.parents == ()
