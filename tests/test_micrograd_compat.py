"""Coming from micrograd: its lecture's code runs on chainrule, and each deliberate difference is explained.

Each test is a bug a micrograd user met (or a difference they would trip on), in the project's style:
micrograd's names (``_prev``, ``_op``, ``item()``), the list an MLP returns, Karpathy's ``trace`` and
``draw_dot`` helpers, backward twice, comparisons, and a training loop with a NumPy learning rate.
"""

from __future__ import annotations

import pickle

import pytest

import nn
from autograd import Value


def trace(root):
    """Karpathy's lecture helper, verbatim: every node and edge below root (it reads _prev)."""
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def draw_dot(root):
    """Karpathy's lecture helper (graphviz Digraph), reading data, grad, _op and _prev."""
    from graphviz import Digraph

    dot = Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label="{ data %.4f | grad %.4f }" % (n.data, n.grad), shape="record")  # noqa: UP031 (verbatim)
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def lecture_neuron():
    """The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    return o, (x1, x2, w1, w2, b)


def test_prev_is_the_operands_in_order_and_op_is_the_op_name():
    x, y = Value(2.0), Value(3.0)
    z = x * y
    assert z._prev == (x, y) and z._op == "*" == z.op
    assert x._prev == () and x._op == ""
    square = x * x
    assert square._prev == (x, x)  # micrograd's set would keep one: here both edges


def test_prev_and_op_are_read_only():
    z = Value(2.0) + 1
    with pytest.raises(AttributeError):
        z._prev = ()
    with pytest.raises(AttributeError):
        z._op = "-"


def test_item_is_the_value_as_a_float():
    v = Value(2) * 3
    assert v.item() == 6.0 and type(v.item()) is float


def test_trace_of_the_lecture_neuron_finds_every_node_and_edge():
    o, leaves = lecture_neuron()
    nodes, edges = trace(o)
    assert set(leaves) <= nodes
    # x1*w1, x2*w2, their sum, + b, tanh: 5 op nodes and 5 leaves, each op with 2 edges but tanh with 1
    assert len(nodes) == 10 and len(edges) == 9


def test_draw_dot_of_the_lecture_runs_on_chainrule_values():
    o, (x1, x2, w1, w2, b) = lecture_neuron()
    o.backward()
    dot = draw_dot(o)
    source = dot.source
    assert source.count("shape=record") == 10
    assert "grad 1.0000" in source  # o's own gradient
    assert f"grad {w1.grad:.4f}" in source and f"{w1.grad:.4f}" == "1.0000"
    assert f"grad {x1.grad:.4f}" == "grad -1.5000"
    assert source.count("label=tanh") == 1 and source.count("label=\"*\"") + source.count("label=\\*") <= 2
    svg = dot.pipe(format="svg").decode()
    assert svg.count('class="node"') == 15  # 10 values and 5 op nodes


def test_an_mlps_output_list_says_to_pick_an_output_when_asked_for_backward():
    model = nn.MLP(2, [3, 1], seed=0)
    out = model([1.0, -1.0])
    assert isinstance(out, list) and len(out) == 1
    with pytest.raises(AttributeError, match=r"list of 1 Value.*out\[0\]\.backward\(\)"):
        out.backward()
    for name in ("data", "grad", "tanh"):
        with pytest.raises(AttributeError, match="pick an output"):
            getattr(out, name)
    assert not hasattr(out, "backward")
    out[0].backward()  # the advice works
    assert any(p.grad != 0 for p in model.parameters())


def test_a_layers_output_is_a_list_equal_to_a_plain_list_and_pickles():
    layer = nn.Layer(2, 2, seed=0)
    out = layer([0.5, 2.0])
    assert out == list(out) and len(out) == 2
    with pytest.raises(AttributeError, match="list of 2 Values"):
        out.backward()
    with pytest.raises(AttributeError, match="no attribute 'shape'") as error:
        _ = out.shape
    assert "pick an output" not in str(error.value)  # only names a Value has get the advice
    again = pickle.loads(pickle.dumps(out))
    assert [v.data for v in again] == [v.data for v in out]


def test_backward_twice_accumulates_like_micrograd_and_pytorch():
    x = Value(3.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 12.0  # 2 * (2x): gradients add up until zero_grad


def test_comparisons_return_a_bool_not_a_value():
    a, b = Value(1.0), Value(2.0)
    assert (a < b) is True and (a > b) is False and (b >= 2.0) is True
    assert (a == a) is True and (a == Value(1.0)) is False  # identity: Values are graph nodes


def test_a_training_loop_with_a_numpy_learning_rate_keeps_running():
    np = pytest.importorskip("numpy")
    model = nn.MLP(2, [4, 1], activation="relu", seed=0)
    X = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    y = [1.0, 1.0, -1.0, -1.0]
    losses = []
    for lr in np.linspace(0.1, 0.01, 20):  # micrograd's loop: the learning rate decays
        outputs = [model(x)[0] for x in X]
        loss = sum((out - target) ** 2 for out, target in zip(outputs, y))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad  # p.data becomes a numpy.float64
        losses.append(loss.item())
    assert any(type(p.data) is np.float64 for p in model.parameters())
    assert losses[-1] < losses[0]


def test_micrograds_neuron_and_chainrules_agree_on_the_lecture_gradients():
    micrograd = pytest.importorskip("micrograd.engine")
    o, leaves = lecture_neuron()
    o.backward()
    m = [micrograd.Value(v.data) for v in leaves]
    m_out = (m[0] * m[2] + m[1] * m[3] + m[4]).relu()  # micrograd 0.1.0's Value has no tanh: compare a relu
    m_out.backward()
    c_out = (leaves[0] * leaves[2] + leaves[1] * leaves[3] + leaves[4]).relu()
    for v in leaves:
        v.grad = 0.0
    c_out.backward()
    assert c_out.data == m_out.data
    assert [v.grad for v in leaves] == [v.grad for v in m]
