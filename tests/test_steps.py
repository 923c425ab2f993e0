"""backward_steps: one Step per edge, in backward's order, adding up to backward's gradients."""

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Step, Value, backward_steps, dot, topological_order, total
from autograd.presentation.names import node_names
from autograd.presentation.steps import gradients_at
from autograd.text import shown as format_number


def test_step_prints_as_one_chain_rule_line():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    y = (a + b) * 0.5
    steps = backward_steps(y)
    assert str(steps[3]) == "b.grad += 0.5 (upstream) × 1.0 (d(a+b)/db) = 0.5"
    assert "\n" not in str(steps[0])


def test_fields_of_a_tanh_neuron_by_hand():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    y = (x * w + b).tanh()
    steps = backward_steps(y)
    assert [(s.node_name, s.parent_name) for s in steps] == [
        ("tanh1", "add1"), ("add1", "mul1"), ("add1", "b"), ("mul1", "x"), ("mul1", "w")]
    first = steps[0]
    assert first.node is y and first.upstream == 1.0
    assert first.local == pytest.approx(1 - math.tanh(0.88) ** 2, abs=1e-12)
    assert first.rule == "d/du tanh(u) = 1 - tanh(u)^2"
    assert first.named_rule == "d/d add1 tanh(add1) = 1 - tanh(add1)^2"
    to_x = steps[3]
    assert to_x.local == -3.0 and to_x.contribution == pytest.approx(-3.0 * first.local, abs=1e-12)
    assert to_x.rule == "d(a×b)/da = b"
    assert to_x.named_rule == "d(x × w)/dx = w" and steps[4].named_rule == "d(x × w)/dw = x"
    upstream, product = format_number(to_x.upstream), format_number(to_x.contribution)
    assert to_x.line() == f"x.grad += {upstream} (upstream) × -3.0 (d(x × w)/dx) = {product}"


def test_named_rules_use_the_operands_names_never_the_letter_x_for_times():
    a, b = Value(0.5, label="a"), Value(-3.0, label="b")
    steps = backward_steps(a.sigmoid() * b + a**2)
    rules = {(s.node_name, s.parent_name): s.named_rule for s in steps}
    assert rules[("mul1", "sigmoid1")] == "d(sigmoid1 × b)/d sigmoid1 = b"
    assert rules[("mul1", "b")] == "d(sigmoid1 × b)/db = sigmoid1"
    assert rules[("sigmoid1", "a")] == "d/da sigmoid(a) = sigmoid(a) (1 - sigmoid(a))"
    assert rules[("pow1", "a")] == "d/da a^2 = 2 a^1"
    assert rules[("add1", "mul1")] == "d(mul1 + pow1)/d mul1 = 1"
    x = Value(2.0, label="x")
    squared = backward_steps(x * x)
    assert [s.named_rule for s in squared] == ["d(a×b)/da = b, with a = b = x",
                                               "d(a×b)/db = a, with a = b = x"]
    swapped = backward_steps(b * a)  # letters and names that coincide are substituted at once
    assert [s.named_rule for s in swapped] == ["d(b × a)/db = a", "d(b × a)/da = b"]
    for step in steps + squared:
        assert re.search(r"\d x \d| x [\d(]", step.line() + step.named_rule) is None


def test_x_times_x_has_two_steps_that_sum_to_2x():
    x = Value(3.0, label="x")
    steps = backward_steps(x * x)
    assert len(steps) == 2 and all(s.parent is x for s in steps)
    assert [s.slot for s in steps] == [0, 1]
    assert [(s.term, s.terms) for s in steps] == [(1, 2), (2, 2)]
    assert steps[1].before == 3.0 and steps[1].after == 6.0
    assert steps[0].sum_text() == "x.grad = 3.0 (term 1 of 2; 1 more to come)"
    assert steps[1].sum_text() == "x.grad = 3.0 + 3.0 = 6.0 (term 2 of 2: complete)"


def test_no_grad_changes_and_leaves_have_no_steps():
    x, y = Value(1.5, label="x"), Value(-0.5, label="y")
    out = (x * y + x).sigmoid()
    steps = backward_steps(out)
    assert all(node.grad == 0.0 for node in topological_order(out))
    assert not any(s.node is x or s.node is y for s in steps)
    assert backward_steps(x) == []


def test_rules_come_from_the_table_dot_node_names_its_operand():
    w = [Value(1.0, label="w1"), Value(2.0, label="w2")]
    xs = [Value(3.0, label="x1"), Value(4.0, label="x2")]
    y = dot(w, xs, Value(0.5, label="b"))
    steps = backward_steps(y)
    assert [s.rule for s in steps] == [
        "d/dw_1 (w·x + b) = x_1",
        "d/dw_2 (w·x + b) = x_2",
        "d/dx_1 (w·x + b) = w_1",
        "d/dx_2 (w·x + b) = w_2",
        "d/db (w·x + b) = 1",
    ]
    assert [s.local for s in steps] == [3.0, 4.0, 1.0, 2.0, 1.0]
    assert str(steps[1]) == "w2.grad += 1.0 (upstream) × 4.0 (d/dw_2 (w·x + b)) = 4.0"
    assert [s.named_rule for s in steps] == [
        "d/d w1 (w·x + b) = x1", "d/d w2 (w·x + b) = x2", "d/d x1 (w·x + b) = w1", "d/d x2 (w·x + b) = w2",
        "d/d b (w·x + b) = 1"]  # fmt: skip
    d = [Value(1.0, label="d1"), Value(2.0, label="d2")]
    squares = backward_steps(dot(d, d))
    assert squares[0].named_rule == "d/d d1 Σ u² = d1 on each of its 2 edges"
    assert backward_steps(dot(w, xs))[0].named_rule == "d/d w1 (w·x) = x1"
    assert backward_steps(total(xs))[1].named_rule == "d/d x2 (u_1 + ... + u_n) = 1"


def test_auto_names_are_op_and_index_in_written_order():
    x = Value(1.0)
    y = (x * 2 + 3).tanh() * 4
    names = node_names(y)
    assert sorted(names.values()) == ["add1", "const1", "const2", "const3", "const4", "mul1", "mul2", "tanh1"]
    assert names[x] == "const1" and names[y] == "mul2"


def test_gradients_at_shows_the_running_sums():
    x = Value(3.0, label="x")
    y = x * x
    steps = backward_steps(y)
    assert gradients_at(steps, 0, y) == {y: 1.0}
    assert gradients_at(steps, 1, y)[x] == 3.0
    assert gradients_at(steps, 2, y)[x] == 6.0


def test_format_number():
    assert ([format_number(v) for v in (1.0, 0.5, -2.0, 1e-12, 0.1 + 0.2)]
            == ["1.0", "0.5", "-2.0", "1e-12", "0.3"])


def test_rejects_non_values():
    with pytest.raises(TypeError, match="float"):
        backward_steps(1.0)


# --- random graphs: the contributions each node receives add up to backward's gradient ---

UNARY = ["tanh", "sigmoid", "sin", "cos", "neg", "square", "relu", "exp_small"]
BINARY = ["+", "-", "*"]


def unary(op: str, a: Value) -> Value:
    if op == "neg":
        return -a
    if op == "square":
        return a**2
    if op == "exp_small":
        return a.tanh().exp()
    return getattr(a, op)()


@st.composite
def random_graphs(pick):
    leaves = [Value(pick(st.floats(-2, 2)), label=f"x{i}") for i in range(pick(st.integers(1, 4)))]
    pool = list(leaves)
    for _ in range(pick(st.integers(1, 12))):
        kind = pick(st.sampled_from(["unary", "binary", "dot", "sum", "const"]))
        a, b = pick(st.sampled_from(pool)), pick(st.sampled_from(pool))
        if kind == "unary":
            op = pick(st.sampled_from(UNARY))
            node = unary(op, a)
        elif kind == "binary":
            op = pick(st.sampled_from(BINARY))
            node = {"+": a + b, "-": a - b, "*": a * b}[op]
        elif kind == "dot":
            node = dot([a, b], [b, a], pick(st.sampled_from(pool)))
        elif kind == "sum":
            node = total([a, b, a])
        else:
            node = a * pick(st.floats(-3, 3)) + 1
        pool.append(node)
    return total(pool[len(leaves):]) if len(pool) > len(leaves) + 1 else pool[-1]


@settings(max_examples=60, deadline=None)
@given(random_graphs())
def test_contributions_sum_to_backward_gradients(y):
    steps = backward_steps(y)
    received: dict = {}
    for step in steps:
        assert isinstance(step, Step)
        assert step.contribution == step.upstream * step.local
        received[step.parent] = received.get(step.parent, 0.0) + step.contribution
    assert all(node.grad == 0.0 for node in topological_order(y))  # backward_steps changed nothing
    y.backward()
    assert y not in received and y.grad == 1.0
    for node in topological_order(y):
        if node is not y:
            assert received[node] == node.grad  # same order of additions: exactly equal


@settings(max_examples=30, deadline=None)
@given(random_graphs())
def test_steps_follow_reverse_topological_order_and_operand_order(y):
    steps = backward_steps(y)
    position = {node: index for index, node in enumerate(reversed(topological_order(y)))}
    keys = [(position[s.node], s.slot) for s in steps]
    assert keys == sorted(keys)
    assert len(steps) == sum(len(node.parents) for node in topological_order(y))
    for step in steps:  # a node passes its gradient on only once it is complete
        assert all(s.number < step.number for s in steps if s.parent is step.node)


def test_unlabelled_leaves_of_a_neuron_sum_are_named_by_their_role():
    w, x = [Value(0.5), Value(-1.0)], [Value(2.0, label="x1"), Value(3.0)]
    y = dot(w, x, Value(0.1)).tanh()
    names = node_names(y)
    assert [names[v] for v in (*w, *x)] == ["dot1.w1", "dot1.w2", "x1", "x2"]  # inputs: x_i, not dot1.x_i
    assert names[y.parents[0].parents[-1]] == "dot1.b"


def test_names_never_clash_a_variable_called_mul1_or_a_label_used_twice():
    mul1, first_x, second_x = Value(2.0, label="mul1"), Value(3.0, label="x"), Value(4.0, label="x")
    y = mul1 * first_x * second_x
    names = node_names(y)
    assert len(set(names.values())) == len(names)
    assert names[mul1] == "mul1" and names[first_x] == "x" and names[second_x] == "x_2"
    assert names[y] == "mul3" and names[y.parents[0]] == "mul2"


def test_a_sum_of_squares_is_named_as_one_and_inputs_of_two_samples_stay_apart():
    d = [Value(1.0), Value(2.0)]
    squares = dot(d, d)
    assert node_names(squares)[squares] == "sumsq1"
    first, second = [Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]
    w = [Value(0.5, label="w1"), Value(0.5, label="w2")]
    y = dot(w, first) + dot(w, second)
    names = node_names(y)
    assert [names[v] for v in first + second] == ["x1", "x2", "x1_2", "x2_2"]
