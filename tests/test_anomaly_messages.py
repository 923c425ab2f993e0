"""detect_anomaly's reports (forward and backward: the op, its operands, the upstream and local
derivative, where the node was made) and the modes (grad_enabled, no_grad, other threads).
"""

from __future__ import annotations

import math
import re

import pytest
from samples import fields, one_of_each

import nn
from autograd import Value, detect_anomaly, dot, modes, total

# --- the forward report ---


def test_forward_anomaly_message_names_op_operands_and_a_site():
    with detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            Value(math.inf) * Value(0.0)
    message = str(info.value)
    assert re.fullmatch(r"detect_anomaly: forward of \* gave nan: inf \* 0\.0, created at .+:\d+", message)


@pytest.mark.parametrize(("make", "text"), [
    (lambda: total([Value(math.inf), Value(-math.inf)]), "forward of sum gave nan: sum(inf, -inf)"),
    (lambda: Value(math.inf).exp(), "forward of exp gave inf: exp(inf)"),
    (lambda: Value(math.inf) ** 2, "forward of ** gave inf: inf ** 2.0"),
])
def test_forward_anomaly_messages_of_unary_n_ary_and_power_nodes(make, text):
    with detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            make()
    assert re.fullmatch(f"detect_anomaly: {re.escape(text)}, created at .+:\\d+", str(info.value))


# --- the backward report ---


def test_backward_anomaly_names_op_operand_upstream_local_and_an_outside_node():
    y = Value(1.0) / Value(1e-200)  # made outside detect_anomaly: d/db = -1e200 / 1e-200 = -inf
    with detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            y.backward()
    assert str(info.value) == ("detect_anomaly: backward of / gave -inf for operand 1"
                               " (upstream 1.0 × local -inf); "
                               "1.0 / 1e-200, created at <made outside detect_anomaly>")


def test_backward_anomaly_reports_the_product_when_it_overflows():
    y = Value(1.0) * Value(1e200)
    with detect_anomaly():
        overflow = r"gave inf for operand 0 \(upstream 1e\+200 × local 1e\+200\)"
        with pytest.raises(FloatingPointError, match=overflow):
            y.backward(1e200)
    assert y.parents[0].grad == 0.0


def test_backward_anomaly_lists_at_most_eight_operands():
    weights = [Value(float(i)) for i in range(1, 6)]
    inputs = [Value(1.0)] * 4 + [Value(math.inf)]
    y = dot(weights, inputs)
    with detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            y.backward()
    assert "dot(1.0, 2.0, 3.0, 4.0, 5.0, 1.0, 1.0, 1.0, ...), created" in str(info.value)


def test_backward_anomaly_of_a_node_made_inside_names_its_site():
    with detect_anomaly():
        y = Value(0.0).sqrt()
        with pytest.raises(FloatingPointError) as info:
            y.backward()
    assert re.fullmatch(r"detect_anomaly: backward of sqrt gave inf for operand 0"
                        r" \(upstream 1\.0 × local inf\); "
                        r"sqrt\(0\.0\), created at .+:\d+", str(info.value))


def test_backward_under_detect_anomaly_adds_to_the_gradients():
    x = Value(3.0)
    with detect_anomaly():
        y = x * x
        y.backward()
        y.backward()
    assert x.grad == 12.0 and y.grad == 2.0


# --- where a node was made, and how an op is written in a report ---


def test_anomaly_sites_point_outside_the_packages():
    neuron = nn.Neuron(2, activation="tanh", seed=0)
    with detect_anomaly():
        out = neuron([1.0, 2.0])
        sites = modes.anomaly_sites()
        site = sites[out]
    assert re.fullmatch(r".+:\d+", site) and not site.startswith(tuple(modes._hidden_directories))
    assert modes.user_site() != "<unknown>"


@pytest.mark.parametrize(("op", "values", "k", "text"), [
    ("+", [1.0, 2.0], None, "1.0 + 2.0"),
    ("-", [1.0, 2.0], None, "1.0 - 2.0"),
    ("*", [math.inf, 0.0], None, "inf * 0.0"),
    ("/", [1.0, 3.0], None, "1.0 / 3.0"),
    ("**", [2.0, 0.5], None, "2.0 ** 0.5"),
    ("**", [-2.0], 0.5, "-2.0 ** 0.5"),
    ("tanh", [1.0], None, "tanh(1.0)"),
    ("dot", [1.0, 2.0], 1, "dot(1.0, 2.0)"),
    ("sum", [float(i) for i in range(8)], None, "sum(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0)"),
    ("sum", [float(i) for i in range(9)], None, "sum(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, ...)"),
])
def test_describe_writes_the_op_with_its_operand_values(op, values, k, text):
    from autograd.engine import _node, describe

    operands = tuple(Value(v) for v in values)
    if op in ("dot", "sum"):
        node = _node(0.0, op, operands, None, (1.0,) * len(operands), None, k)
    elif len(operands) == 2:
        node = _node(0.0, op, *operands, 1.0, 1.0, None)
    else:
        node = _node(0.0, op, operands[0], None, 1.0, None, k)
    assert describe(node) == text


# --- the modes: per thread, and the program's first op ---


def test_grad_enabled_is_false_only_inside_no_grad():
    from autograd import no_grad

    assert modes.grad_enabled()
    with detect_anomaly():
        assert modes.grad_enabled()
        with no_grad():
            assert not modes.grad_enabled()
    assert modes.grad_enabled()


def test_ops_while_another_thread_has_a_mode_on_make_the_same_nodes():
    import threading

    x, w = Value(1.5, label="x"), Value(-0.5, label="w")
    expected = [fields(m) for m in one_of_each(x, w)]
    entered, leave = threading.Event(), threading.Event()

    def hold_no_grad():
        with no_grad_mode():
            entered.set()
            leave.wait(30)

    from autograd import no_grad as no_grad_mode

    thread = threading.Thread(target=hold_no_grad)
    thread.start()
    entered.wait(30)
    try:
        assert modes.blocks_open
        made = [fields(m) for m in one_of_each(x, w)]
        with detect_anomaly():
            watched = one_of_each(x, w)
            sites = modes.anomaly_sites()
            assert all(re.fullmatch(r".+:\d+", sites[m]) for m in watched)
    finally:
        leave.set()
        thread.join(30)
    assert made == expected and [fields(m) for m in watched] == expected


def test_no_grad_on_the_programs_first_op_and_modes_of_a_fresh_thread(fresh_collector):
    import threading

    from autograd import no_grad

    with no_grad():
        y = Value(2.0) * 3  # the first op, with the collector still to be eased
    assert y.parents == ()
    made = []

    def fresh_thread():
        with detect_anomaly():
            made.append(len((Value(2.0) * 3).parents))

    thread = threading.Thread(target=fresh_thread)
    thread.start()
    thread.join(30)
    assert made == [2]

