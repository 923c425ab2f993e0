"""Tests written to kill the mutants mutmut left alive (tools/mutation.py, tools/RELIABILITY.md).

Each test pins a behaviour the rest of the suite did not: exact messages of errors a
learner reads, comparisons and truthiness of a Value, deepcopy of graphs with n-ary nodes
and Value gradients, accumulation with create_graph, gradcheck's tolerance formula at its
boundary, the anomaly report of backward, the collector easing, and the data sets.
"""

from __future__ import annotations

import copy
import gc
import math
import random
import re

import pytest

import nn
from autograd import (
    GradcheckError,
    Value,
    collector,
    detect_anomaly,
    dot,
    grad,
    gradcheck,
    modes,
    numeric_gradient,
    topological_order,
    total,
)

# --- comparisons and truthiness (as PyTorch's 0-d tensors) ---


def test_ordering_compares_forward_values_with_values_and_numbers():
    one, two = Value(1.0), Value(2.0)
    assert (one < two, one <= two, one > two, one >= two) == (True, True, False, False)
    assert (one < 1, one <= 1, one > 1, one >= 1) == (False, True, False, True)
    assert (two < 2.5, two <= 1.5, two > 1, two >= 3) == (True, False, True, False)
    assert (Value(1.0) <= Value(1.0)) and (Value(1.0) >= Value(1.0)) and not (Value(1.0) < Value(1.0))
    assert max([Value(3.0), Value(5.0), Value(4.0)], key=lambda v: v).data == 5.0
    assert sorted([Value(3.0), Value(1.0), Value(2.0)])[0].data == 1.0


@pytest.mark.parametrize("bad", ["1", None, [1.0]])
def test_comparison_with_a_non_number_is_a_type_error_naming_it(bad):
    with pytest.raises(TypeError, match=f"a comparison with a Value must be a number, got {type(bad).__name__}"):
        Value(1.0) < bad  # noqa: B015


def test_truthiness_is_data_not_zero():
    assert [bool(Value(x)) for x in (0.0, -0.0, 1.0, 2.0, -1.0, math.nan)] == [False, False, True, True, True, True]


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


# --- create_graph accumulation ---


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


# --- gradcheck and numeric_gradient ---


def test_gradcheck_labels_the_inputs_x0_x1_in_every_evaluation():
    seen = set()

    def f(a, b):
        seen.add((a.label, b.label))
        return a * b

    assert gradcheck(f, [1.0, 2.0])
    assert seen == {("x0", "x1")}


def test_numeric_gradient_default_eps_is_small():
    (slope,) = numeric_gradient(lambda a: a**3, [1.0])
    assert slope == pytest.approx(3.0, abs=1e-6)


def test_numeric_gradient_refuses_a_function_that_does_not_return_a_value():
    with pytest.raises(TypeError, match="gradcheck: f must return a Value, got float"):
        numeric_gradient(lambda a: 1.0, [1.0])


def test_gradcheck_uses_the_given_eps_and_reports_the_exact_mismatch():
    # (1.5^3 - 0.5^3) / 1 = 3.25 against the exact 3: eps = 0.5 is far too coarse.
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a: a**3, [1.0], eps=0.5, atol=0.01, rtol=0.01)
    assert str(info.value) == ("gradcheck failed:\n"
                               "  input 0 (x0 = 1.0): backward 3.0, central difference 3.25, difference 0.25 > 0.0425")


def test_gradcheck_lists_every_mismatch_one_per_line():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: a.relu() + b.relu(), [0.0, 0.0])
    lines = str(info.value).split("\n")
    assert lines[0] == "gradcheck failed:" and len(lines) == 3
    assert lines[1].startswith("  input 0 (x0 = 0.0)") and lines[2].startswith("  input 1 (x1 = 0.0)")


def test_gradcheck_tolerance_is_inclusive_and_relative_to_the_numeric_value():
    f = lambda a: a * a  # noqa: E731
    (numeric,) = numeric_gradient(f, [1.0])
    assert gradcheck(f, [1.0], atol=abs(2.0 - numeric), rtol=0.0)  # difference == tolerance passes
    # x^3 at 1 with eps 1e-2: central difference 3 + eps^2 = 3.0001, off by 1e-4 < rtol * 3.0001
    assert gradcheck(lambda a: a**3, [1.0], eps=1e-2, atol=0.0, rtol=1e-4)
    with pytest.raises(GradcheckError):
        gradcheck(lambda a: a**3, [1.0], eps=1e-2, atol=0.0, rtol=3e-5)


# --- the anomaly report of backward ---


def test_backward_anomaly_names_op_operand_upstream_local_and_an_outside_node():
    y = Value(1.0) / Value(1e-200)  # made outside detect_anomaly: d/db = -1e200 / 1e-200 = -inf
    with detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            y.backward()
    assert str(info.value) == ("detect_anomaly: backward of / gave -inf for operand 1 (upstream 1.0 × local -inf); "
                               "1.0 / 1e-200, created at <made outside detect_anomaly>")


def test_backward_anomaly_reports_the_product_when_it_overflows():
    y = Value(1.0) * Value(1e200)
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"gave inf for operand 0 \(upstream 1e\+200 × local 1e\+200\)"):
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


# --- the cyclic collector is eased while it finds nothing, and restore_collector gives it back ---


@pytest.fixture
def fresh_collector():
    """The collector module's state as in a new process; the real state and thresholds come back after."""
    names = ("_program", "_ours", "_let_go", "not_started", "_last_garbage")
    saved = {name: getattr(collector, name) for name in names}
    thresholds, callbacks = gc.get_threshold(), list(gc.callbacks)
    collector._program = collector._ours = None
    collector._let_go, collector.not_started, collector._last_garbage = False, True, -collector.QUIET
    if collector._after_collection in gc.callbacks:
        gc.callbacks.remove(collector._after_collection)
    yield
    for name, value in saved.items():
        setattr(collector, name, value)
    gc.set_threshold(*thresholds)
    gc.callbacks[:] = callbacks


def collection(collected: int) -> None:
    """What the collector tells its callbacks after a collection that freed `collected` objects."""
    collector._after_collection("stop", {"generation": 0, "collected": collected, "uncollectable": 0})


def test_the_first_value_starts_easing_and_restore_gives_the_thresholds_back(fresh_collector):
    gc.set_threshold(700, 11, 12)
    Value(2.0)
    assert collector.easing() and gc.get_threshold() == (700, 11, 12)  # nothing changes before a collection
    collector.start_easing()  # a second call changes nothing
    collection(0)
    assert gc.get_threshold() == (collector.CEILING, 11, 12)
    collection(collector.CEILING // collector.FOUND_NOTHING + 1)  # it found garbage: the program's own
    assert gc.get_threshold() == (700, 11, 12)
    collection(0)  # found nothing, but garbage was found less than QUIET seconds ago
    assert gc.get_threshold() == (700, 11, 12)
    collector._last_garbage -= collector.QUIET
    collection(10)  # 10 * 64 <= 700: almost nothing
    assert gc.get_threshold() == (collector.CEILING, 11, 12)
    collector.restore_collector()
    assert gc.get_threshold() == (700, 11, 12) and not collector.easing()
    assert collector._after_collection not in gc.callbacks
    Value(2.0)
    collection(0)
    assert gc.get_threshold() == (700, 11, 12)


def test_a_backward_brings_a_raised_threshold_down_to_three_graphs(fresh_collector):
    gc.set_threshold(700, 10, 10)
    x = Value(2.0)
    collection(0)
    assert gc.get_threshold()[0] == collector.CEILING
    (x * x).backward()
    young = gc.get_count()[0]
    assert 700 <= gc.get_threshold()[0] <= max(700, collector.GRAPHS * (young + 50))


def test_a_higher_program_threshold_is_kept_and_a_zero_threshold_left_alone(fresh_collector):
    gc.set_threshold(900_000, 5, 6)
    Value(1.0)
    collection(0)
    assert gc.get_threshold() == (900_000, 5, 6)
    collector.restore_collector()
    collector._let_go, collector.not_started = False, True
    gc.set_threshold(0, 5, 6)
    Value(1.0)
    assert not collector.easing() and collector._after_collection not in gc.callbacks
    assert gc.get_threshold() == (0, 5, 6)


def test_thresholds_the_program_changes_stand_and_end_the_easing(fresh_collector):
    gc.set_threshold(700, 10, 10)
    Value(1.0)
    collection(0)
    gc.set_threshold(1234, 10, 10)
    collection(0)
    assert gc.get_threshold() == (1234, 10, 10) and not collector.easing()
    collector.restore_collector()
    assert gc.get_threshold() == (1234, 10, 10)


# --- messages a learner reads ---


def test_a_neuron_names_itself_when_the_input_length_is_wrong():
    with pytest.raises(ValueError, match="^Neuron expected 2 inputs, got 1$"):
        nn.Neuron(2, seed=0)([1.0])
    with pytest.raises(TypeError, match="^Neuron takes a list of 2 numbers or Values"):
        nn.Neuron(2, seed=0)("ab")


def test_save_refuses_other_objects_and_paths_naming_their_type(tmp_path):
    with pytest.raises(TypeError, match="^save takes an nn.MLP, Layer or Neuron, got dict$"):
        nn.save({}, tmp_path / "m.json")
    with pytest.raises(TypeError, match=r"^save takes a file path \(str or os.PathLike\), got int$"):
        nn.save(nn.Neuron(1, seed=0), 3)


def test_a_save_that_cannot_rename_removes_its_temporary_file(tmp_path):
    target = tmp_path / "a_directory"
    target.mkdir()
    (target / "keep").write_text("x")  # a non-empty directory: os.replace must fail
    with pytest.raises(OSError):
        nn.save(nn.Neuron(1, seed=0), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_directory"]


# --- the first op, and ops while another thread has a mode on, make the same nodes ---


def fields(node):
    """Everything about a node; a parent made for a number operand (a new constant each time) by value."""
    parents = tuple(p if p.label else ("constant", p.data, p.op) for p in node.parents)
    return (node.data, node.op, parents, node.locals, node.constant, node.grad, node.label)


OPS = [lambda x, w: x.leaky_relu(0.2), lambda x, w: x**3, lambda x, w: x * w, lambda x, w: 2.0 - x,
       lambda x, w: w / x, lambda x, w: dot([x, w], [w, x], x), lambda x, w: total([x, w, x]),
       lambda x, w: x.tanh(), lambda x, w: x**w, lambda x, w: 2.0**x]


def one_of_each(x, w):  # x and w carry labels: compared by identity
    return [op(x, w) for op in OPS]


def test_values_made_before_and_after_the_collector_starts_make_the_same_nodes(fresh_collector):
    x, w = Value(1.5, label="x"), Value(-0.5, label="w")  # the first Values: they start the easing
    made = [op(x, w) for op in OPS]
    assert not collector.not_started
    assert [fields(m) for m in made] == [fields(m) for m in one_of_each(x, w)]


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


def test_anomaly_sites_point_outside_the_packages():
    neuron = nn.Neuron(2, activation="tanh", seed=0)
    with detect_anomaly():
        out = neuron([1.0, 2.0])
        sites = modes.anomaly_sites()
        site = sites[out]
    assert re.fullmatch(r".+:\d+", site) and not site.startswith(tuple(modes._hidden_directories))
    assert modes.user_site() != "<unknown>"


def test_forward_anomaly_message_names_op_operands_and_a_site():
    with detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            Value(math.inf) * Value(0.0)
    assert re.fullmatch(r"detect_anomaly: forward of \* gave nan: inf \* 0\.0, created at .+:\d+", str(info.value))


def test_backward_anomaly_of_a_node_made_inside_names_its_site():
    with detect_anomaly():
        y = Value(0.0).sqrt()
        with pytest.raises(FloatingPointError) as info:
            y.backward()
    assert re.fullmatch(r"detect_anomaly: backward of sqrt gave inf for operand 0 \(upstream 1\.0 × local inf\); "
                        r"sqrt\(0\.0\), created at .+:\d+", str(info.value))


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


def test_grad_enabled_is_false_only_inside_no_grad():
    from autograd import no_grad

    assert modes.grad_enabled()
    with detect_anomaly():
        assert modes.grad_enabled()
        with no_grad():
            assert not modes.grad_enabled()
    assert modes.grad_enabled()


# --- data sets: the documented formulas, defaults and messages ---


def reference_circles(n=100, noise=0.1, seed=0, factor=0.5):
    rng = random.Random(seed)
    half = n // 2
    points = [(math.cos(2 * math.pi * i / half), math.sin(2 * math.pi * i / half)) for i in range(half)]
    points += [(factor * math.cos(2 * math.pi * i / (n - half)), factor * math.sin(2 * math.pi * i / (n - half)))
               for i in range(n - half)]
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in points]
    order = list(range(n))
    rng.shuffle(order)
    labels = [0] * half + [1] * (n - half)
    return [X[i] for i in order], [labels[i] for i in order]


def reference_spiral(n_per_class=50, classes=3, seed=0, noise=0.2):
    rng = random.Random(seed)
    X, y = [], []
    for k in range(classes):
        for i in range(n_per_class):
            r = i / (n_per_class - 1) if n_per_class > 1 else 0.0
            t = 4.0 * k + 4.0 * r + noise * rng.gauss(0.0, 1.0)
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(k)
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def assert_same_data(ours, theirs):
    assert ours[1] == theirs[1]
    for a, b in zip(ours[0], theirs[0], strict=True):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("kwargs", [{}, dict(n=7, noise=0.0, factor=0.3), dict(n=12, noise=0.3, seed=5, factor=0.8)])
def test_circles_follow_the_documented_formula_and_defaults(kwargs):
    assert_same_data(nn.data.circles(**kwargs), reference_circles(**kwargs))


@pytest.mark.parametrize("kwargs", [{}, dict(n_per_class=5, classes=2, noise=0.0), dict(n_per_class=4, classes=4, seed=3)])
def test_spiral_follows_the_documented_formula_and_defaults(kwargs):
    assert_same_data(nn.data.spiral(**kwargs), reference_spiral(**kwargs))


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: nn.data.circles(n=1), ValueError, "circles: n must be at least 2, got 1"),
    (lambda: nn.data.circles(n="4"), TypeError, "circles: n must be an int, got str: '4'"),
    (lambda: nn.data.circles(noise=-0.5), ValueError, "circles: noise must be >= 0.0, got -0.5"),
    (lambda: nn.data.circles(noise="0"), TypeError, "circles: noise must be a number, got str: '0'"),
    (lambda: nn.data.circles(factor=-0.1), ValueError, "circles: factor must be >= 0.0, got -0.1"),
    (lambda: nn.data.circles(factor=None), TypeError, "circles: factor must be a number, got NoneType: None"),
    (lambda: nn.data.circles(factor=1.5), ValueError, "circles: factor must be < 1 (the inner circle's radius), got 1.5"),
    (lambda: nn.data.spiral(n_per_class=0), ValueError, "spiral: n_per_class must be at least 1, got 0"),
    (lambda: nn.data.spiral(classes=0), ValueError, "spiral: classes must be at least 1, got 0"),
    (lambda: nn.data.spiral(classes=2.0), TypeError, "spiral: classes must be an int, got float: 2.0"),
    (lambda: nn.data.spiral(noise=-1.0), ValueError, "spiral: noise must be >= 0.0, got -1.0"),
    (lambda: nn.data.spiral(noise=math.inf), ValueError, "spiral: noise must be finite, got inf"),
])
def test_data_sets_refuse_bad_arguments_with_exact_messages(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_circles_and_spiral_accept_their_smallest_sizes():
    X, y = nn.data.circles(n=2, noise=0.0)
    assert sorted(y) == [0, 1] and sorted(round(math.hypot(*x), 12) for x in X) == [0.5, 1.0]
    X, y = nn.data.spiral(n_per_class=1, classes=1, noise=0.0)
    assert X == [[0.0, 0.0]] and y == [0]
    assert nn.data.circles(noise=0.0, factor=0.0)[0]  # factor 0: the inner "circle" is the centre


# --- nn.load: the exact message of every problem ---

LOAD_GOOD = {"format": "chainrule.nn", "version": 1, "model": "MLP", "nin": 2, "activation": "relu",
             "output_activation": "linear",
             "layers": [{"weights": [[0.1, 0.2], [0.3, 0.4]], "biases": [0.0, 0.5]},
                        {"weights": [[1.0, -1.0]], "biases": [0.25]}]}


def load_cases():
    import json

    GOOD, T = LOAD_GOOD, json.dumps(LOAD_GOOD)  # noqa: N806
    cases = {
     "truncated": T[:40], "invalid": T.replace(":", ";", 1), "nested": "["*100000, "null": "null",
     "format": T.replace("chainrule.nn", "other"), "noformat": json.dumps({k: v for k, v in GOOD.items() if k != "format"}),
     "version0": T.replace('"version": 1', '"version": 0'), "versionstr": T.replace('"version": 1', '"version": "1"'),
     "model": T.replace('"MLP"', '"CNN"'), "missing": json.dumps({k: v for k, v in GOOD.items() if k != "nin"}),
     "nin0": T.replace('"nin": 2', '"nin": 0'), "act": T.replace('"relu"', '"gelu"'),
     "outact": T.replace('"linear"', '"swish"'), "layersempty": T.replace(T[T.index('[{'):], '[]}'),
     "layerkeys": json.dumps(dict(GOOD, layers=[{"weights": [[0.1, 0.2]]}])),
     "weightsempty": json.dumps(dict(GOOD, layers=[{"weights": [], "biases": []}])),
     "rowshort": json.dumps(dict(GOOD, layers=[{"weights": [[0.1]], "biases": [0.0]}])),
     "rowdict": json.dumps(dict(GOOD, layers=[{"weights": [{"a": 1}], "biases": [0.0]}])),
     "biasstr": json.dumps(dict(GOOD, layers=[{"weights": [[0.1, 0.2]], "biases": ["x"]}])),
     "neuron2rows": json.dumps({"format": "chainrule.nn", "version": 1, "model": "Neuron", "nin": 1, "activation": "relu", "layers": [{"weights": [[1.0], [2.0]], "biases": [0.0, 0.0]}]}),
     "layer2layers": json.dumps({"format": "chainrule.nn", "version": 1, "model": "Layer", "nin": 1, "activation": "relu", "layers": [{"weights": [[1.0]], "biases": [0.0]}, {"weights": [[1.0]], "biases": [0.0]}]}),
     "bigint": T.replace('"nin": 2', '"nin": ' + "9"*5000),
    }
    return cases


LOAD_MESSAGES = {
    'truncated': "cannot load model from 'PATH': it ends too early (truncated?): Expecting property name enclosed in double quotes at line 1 column 41",
    'invalid': "cannot load model from 'PATH': it is not valid JSON: Expecting ':' delimiter at line 1 column 10",
    'nested': "cannot load model from 'PATH': it is nested too deeply to be a model file",
    'null': "cannot load model from 'PATH': it holds a JSON NoneType, not a model object",
    'format': "cannot load model from 'PATH': it is not a chainrule model file (format 'other', expected 'chainrule.nn')",
    'noformat': "cannot load model from 'PATH': it is not a chainrule model file (format None, expected 'chainrule.nn')",
    'version0': "cannot load model from 'PATH': 'version' must be a positive integer, got 0",
    'versionstr': "cannot load model from 'PATH': 'version' must be a positive integer, got '1'",
    'model': "cannot load model from 'PATH': 'model' is 'CNN'; known models: MLP, Layer, Neuron",
    'missing': "cannot load model from 'PATH': a MLP record has the keys ['activation', 'format', 'layers', 'model', 'nin', 'output_activation', 'version']; missing ['nin'], unexpected []",
    'nin0': "cannot load model from 'PATH': 'nin' must be a positive integer, got 0",
    'act': "cannot load model from 'PATH': 'activation' is 'gelu'; known names: relu, tanh, sigmoid, leaky_relu, linear",
    'outact': "cannot load model from 'PATH': 'output_activation' is 'swish'; known names: relu, tanh, sigmoid, leaky_relu, linear, softmax",
    'layersempty': "cannot load model from 'PATH': 'layers' must be a non-empty list, got []",
    'layerkeys': "cannot load model from 'PATH': layer 0 must be an object with exactly 'weights' and 'biases', got {'weights': [[0.1, 0.2]]}",
    'weightsempty': "cannot load model from 'PATH': layer 0: 'weights' must be a non-empty list of rows, got []",
    'rowshort': "cannot load model from 'PATH': layer 0: weights row 0 must be a list of 2 numbers, got a list of 1",
    'rowdict': "cannot load model from 'PATH': layer 0: weights row 0 must be a list of 2 numbers, got a dict",
    'biasstr': "cannot load model from 'PATH': layer 0: biases holds 'x'; weights must be finite numbers",
    'neuron2rows': "cannot load model from 'PATH': a Neuron has one row of weights, the file has 2",
    'layer2layers': "cannot load model from 'PATH': a Layer has exactly one layer, the file has 2",
    'bigint': "cannot load model from 'PATH': it is not a valid model file: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit",
}


@pytest.mark.parametrize("name", sorted(LOAD_MESSAGES))
def test_load_names_the_file_and_the_exact_problem(tmp_path, name):
    path = tmp_path / "m.json"
    path.write_text(load_cases()[name])
    with pytest.raises(ValueError) as info:
        nn.load(path)
    assert str(info.value) == LOAD_MESSAGES[name].replace("PATH", str(path))


def test_load_problems_reading_the_file(tmp_path, monkeypatch):
    import json

    missing = tmp_path / "missing.json"
    with pytest.raises(ValueError, match=r"^cannot load model from '.*missing.json': no such file$"):
        nn.load(missing)
    with pytest.raises(ValueError, match=r"^cannot load model from '.*': it is a directory, not a model file$"):
        nn.load(tmp_path)
    (tmp_path / "file").write_text("{}")
    with pytest.raises(ValueError, match=r"^cannot load model from '.*file/m.json': cannot read it \(Not a directory\)$"):
        nn.load(tmp_path / "file" / "m.json")
    path = tmp_path / "m.json"
    path.write_text(json.dumps(LOAD_GOOD))
    size = path.stat().st_size
    monkeypatch.setattr(nn.io, "MAX_BYTES", size)
    assert isinstance(nn.load(path), nn.MLP)  # exactly the limit is fine
    monkeypatch.setattr(nn.io, "MAX_BYTES", size - 1)
    with pytest.raises(ValueError) as info:
        nn.load(path)
    assert str(info.value).endswith(f": the file is {size} bytes, more than the {size - 1} a model file may have")


def test_load_accepts_one_input_and_the_newest_version(tmp_path):
    import json

    path = tmp_path / "m.json"
    path.write_text(json.dumps(dict(LOAD_GOOD, nin=1, layers=[{"weights": [[0.5]], "biases": [0.25]}])))
    model = nn.load(path)
    assert model.nin == 1 and [p.data for p in model.parameters()] == [0.5, 0.25]


# --- the rule table: poles, signed zeros, the exponent at a zero base, formulas ---


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
        "d/dw_1 (w·x + b) = x_1", "d/dw_2 (w·x + b) = x_2", "d/dx_1 (w·x + b) = w_1", "d/dx_2 (w·x + b) = w_2",
        "d/db (w·x + b) = 1"]


# --- losses: the exact message of every refusal (the loss's name, the word for its inputs) ---

L = nn.losses
LOSS_REFUSALS = [
    (lambda: L.mae([1.0, 2.0], [1.0]), ValueError, "mae: 2 preds but 1 targets; they must pair up"),
    (lambda: L.mae([], []), ValueError, "mae: the batch is empty; give at least one pred and target"),
    (lambda: L.mae(["a"], [1.0]), TypeError, "mae: preds[0] must be a list of numbers or Values, got str"),
    (lambda: L.binary_cross_entropy_with_logits([1.0, 2.0], [1.0]), ValueError,
     "binary_cross_entropy_with_logits: 2 logits but 1 targets; they must pair up"),
    (lambda: L.binary_cross_entropy_with_logits([1.0], [2.0]), ValueError,
     "binary_cross_entropy_with_logits: targets must lie in [0, 1], but targets[0] = 2.0"),
    (lambda: L.binary_cross_entropy_with_logits([None], [1.0]), TypeError,
     "binary_cross_entropy_with_logits: logits[0] must be a list of numbers or Values, got NoneType"),
    (lambda: nn.softmax([]), ValueError, "softmax: logits[0] is empty; give one score per class"),
    (lambda: nn.softmax(["a"]), TypeError, "softmax: logits[0] must be a number or a Value, got str: 'a'"),
    (lambda: nn.softmax(None), TypeError, "softmax: logits[0] must be a list of numbers or Values, got NoneType"),
    (lambda: nn.log_softmax([]), ValueError, "log_softmax: logits[0] is empty; give one score per class"),
    (lambda: nn.log_softmax(["a"]), TypeError, "log_softmax: logits[0] must be a number or a Value, got str: 'a'"),
    (lambda: L.hinge([1.0, 2.0], [1.0]), ValueError, "hinge: 2 scores but 1 targets; they must pair up"),
    (lambda: L.hinge([], []), ValueError, "hinge: the batch is empty; give at least one score and target"),
    (lambda: L.hinge([1.0], [0.5]), ValueError,
     "hinge: targets must be -1 or +1 (0 is read as -1), but targets[0] = 0.5"),
    (lambda: L.hinge(["s"], [1.0]), TypeError, "hinge: scores[0] must be a list of numbers or Values, got str"),
    (lambda: L.mse([[1.0, 2.0]], [[1.0]]), ValueError, "mse: item 0 has 2 preds but 1 targets"),
    (lambda: L.huber([1.0], [1.0, 2.0]), ValueError, "huber: 1 preds but 2 targets; they must pair up"),
    (lambda: L.binary_cross_entropy([0.5], [1.0, 0.0]), ValueError,
     "binary_cross_entropy: 1 probs but 2 targets; they must pair up"),
    (lambda: L.cross_entropy([[1.0, 2.0]], [0, 1]), ValueError,
     "cross_entropy: 1 rows of logits but 2 targets; they must pair up"),
    (lambda: L.cross_entropy([[1.0, "x"]], [0]), TypeError, "cross_entropy: logits[0] must be a number or a Value, got str: 'x'"),
]


@pytest.mark.parametrize(("call", "error", "message"), LOSS_REFUSALS, ids=[m.split(":")[0] + str(i) for i, (_, _, m)
                                                                          in enumerate(LOSS_REFUSALS)])
def test_losses_refuse_with_the_exact_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


BCE_HINT = " (sigmoid rounds to 1.0 for logits above ~37, to 0.0 below ~-745)"
BCE_ADVICE = "; use binary_cross_entropy_with_logits on raw scores instead"


@pytest.mark.parametrize(("probs", "targets", "error", "message"), [
    ([1.0], [1.0], ValueError, f"binary_cross_entropy: probs must lie in (0, 1), but probs[0] = 1.0{BCE_HINT}{BCE_ADVICE}"),
    ([0.0], [1.0], ValueError, f"binary_cross_entropy: probs must lie in (0, 1), but probs[0] = 0.0{BCE_HINT}{BCE_ADVICE}"),
    ([0.5, 1.5], [1.0, 0.0], ValueError, f"binary_cross_entropy: probs must lie in (0, 1), but probs[1] = 1.5{BCE_ADVICE}"),
    ([0.5, 2.0], [1.0, 0.0], ValueError, f"binary_cross_entropy: probs must lie in (0, 1), but probs[1] = 2.0{BCE_ADVICE}"),
    ([0.5], [2.0], ValueError, "binary_cross_entropy: targets must lie in [0, 1], but targets[0] = 2.0"),
    (["a"], [1.0], TypeError, "binary_cross_entropy: probs[0] must be a list of numbers or Values, got str"),
    ([0.5], [1.0, 0.0], ValueError, "binary_cross_entropy: 1 probs but 2 targets; they must pair up"),
])
def test_binary_cross_entropy_refuses_with_the_exact_message_and_the_saturation_hint(probs, targets, error, message):
    with pytest.raises(error) as info:
        nn.losses.binary_cross_entropy(probs, targets)
    assert str(info.value) == message


def test_huber_default_delta_is_one():
    assert nn.losses.huber([3.0], [0.0]).data == 2.5  # delta (|d| - delta/2) = 1 * (3 - 0.5)
    assert nn.losses.huber([0.5], [0.0]).data == 0.125  # d^2 / 2


# --- the optimiser ---


def test_sgd_defaults_and_refusals_with_exact_messages():
    p = Value(1.0)
    opt = nn.optim.SGD([p])
    assert (opt.lr, opt.momentum) == (0.01, 0.0)
    p.grad = 1.0
    opt.step()
    assert p.data == 0.99
    for bad, name in ((3, "int"), (None, "NoneType"), (Value(1.0), "Value")):
        with pytest.raises(TypeError) as info:
            nn.optim.SGD(bad)
        assert str(info.value) == f"SGD takes a list of Values (model.parameters()), got {name}"
    with pytest.raises(ValueError) as info:
        nn.optim.SGD([])
    assert str(info.value) == "SGD got an empty list of parameters: nothing to train"


def test_sgd_steps_with_gradients_left_as_values_by_create_graph():
    w = Value(2.0)
    opt = nn.optim.SGD([w], lr=0.1, momentum=0.5)
    for _ in range(2):
        opt.zero_grad()
        (w * w).backward(create_graph=True)
        assert isinstance(w.grad, Value)
        opt.step()
        assert type(w.data) is float and all(type(d) is float for d in opt.deltas)
    # step 1: delta = -0.1 * 4 = -0.4 -> 1.6; step 2: delta = 0.5 * -0.4 - 0.1 * 3.2 = -0.52 -> 1.08
    assert w.data == pytest.approx(1.08, abs=1e-15)


# --- backward: seeds, defaults, messages, the gradient graph, an interrupted pass ---


def test_a_value_seed_is_a_number_without_create_graph_and_part_of_the_graph_with_it():
    x, seed = Value(3.0), Value(2.0)
    (x * x).backward(seed)
    assert x.grad == 12.0 and type(x.grad) is float
    x2, seed2 = Value(3.0), Value(2.0)
    (x2 * x2).backward(seed2, create_graph=True)
    assert x2.grad.data == 12.0
    assert grad(x2.grad, [seed2]) == [6.0]  # d(2 x seed)/d seed


def test_backward_module_function_defaults_and_messages():
    from autograd.backward import backward

    x = Value(3.0)
    backward(x * 2.0)
    assert x.grad == 2.0 and type(x.grad) is float  # seed 1.0, no graph
    with pytest.raises(TypeError) as info:
        backward(3)
    assert str(info.value) == "backward takes a Value, got int"
    with pytest.raises(TypeError) as info:
        (x * 2).backward("1")
    assert str(info.value) == "backward's grad (the seed) must be a number, got str: '1'"


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


# --- the operator methods, made again at test time (mutmut cannot switch code run at import) ---


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


def test_leaky_relu_slope_message():
    with pytest.raises(TypeError) as info:
        Value(1.0).leaky_relu("a")
    assert str(info.value) == "leaky_relu's slope must be a number, got str: 'a'"


# --- more exact messages, constants' labels, predict's outputs ---


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: Value("a"), TypeError, "Value takes a real number (int, float), got str: 'a'"),
    (lambda: Value(1.0, label=3), TypeError, "Value's label must be a str, got int"),
    (lambda: total([Value(1.0), "a"]), TypeError, "total takes Values or numbers, got str: 'a'"),
    (lambda: total([]), ValueError, "total of an empty sequence: give at least one value"),
    (lambda: dot([Value(1.0)], ["b"]), TypeError, "dot takes Values or numbers, got str: 'b'"),
    (lambda: numeric_gradient(lambda a: a, ["a"]), TypeError, "numeric_gradient: each input must be a number, got str: 'a'"),
    (lambda: nn.train.accuracy(nn.MLP(1, [1], seed=0), [[1.0]], [1, 0], "hinge"), ValueError,
     "accuracy: X has 1 samples but y has 2; they must have the same length"),
])
def test_engine_and_training_refusals_with_exact_messages(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_leaves_constants_and_no_grad_results_have_an_empty_label_and_op():
    from autograd import no_grad

    x = Value(2.0)
    assert (x.op, x.label) == ("", "")
    constant = (x * 3).parents[1]
    assert (constant.op, constant.label, constant.data) == ("", "", 3.0)
    with no_grad():
        y = x * 3
    assert (y.op, y.label, y.parents) == ("", "", ())


def test_predict_reads_values_numbers_and_sequences_as_rows_of_floats():
    from nn.train import predict

    neuron = nn.Neuron(1, activation="linear", seed=0)
    neuron.w[0].data, neuron.b.data = 2.0, 1.0
    assert predict(neuron, [[1.0], [2.0]]) == [[3.0], [5.0]]
    assert predict(lambda x: 0.5, [[1.0]]) == [[0.5]]
    assert predict(lambda x: (1, Value(2.0)), [[1.0]]) == [[1.0, 2.0]]


# --- moons, initialisers, accuracy's thresholds ---


def reference_moons(n=100, noise=0.1, seed=0):
    rng = random.Random(seed)
    half = n // 2

    def spaced(count):
        return [0.0] if count == 1 else [math.pi * i / (count - 1) for i in range(count)]

    points = [(math.cos(t), math.sin(t)) for t in spaced(half)]
    points += [(1.0 - math.cos(t), 0.5 - math.sin(t)) for t in spaced(n - half)]
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in points]
    order = list(range(n))
    rng.shuffle(order)
    labels = [0] * half + [1] * (n - half)
    return [X[i] for i in order], [labels[i] for i in order]


@pytest.mark.parametrize("kwargs", [{}, dict(n=7, noise=0.0), dict(n=2, noise=0.0), dict(n=9, noise=0.3, seed=4)])
def test_moons_follow_the_documented_formula_and_defaults(kwargs):
    assert_same_data(nn.data.moons(**kwargs), reference_moons(**kwargs))


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: nn.data.moons(n=1), ValueError, "moons: n must be at least 2, got 1"),
    (lambda: nn.data.moons(noise=-1.0), ValueError, "moons: noise must be >= 0.0, got -1.0"),
    (lambda: nn.data.moons(noise=math.nan), ValueError, "moons: noise must be finite, got nan"),
    (lambda: nn.init.normal(2, 2, mean=math.nan), ValueError, "init: mean must be finite, got nan"),
    (lambda: nn.init.normal(2, 2, std=math.inf), ValueError, "init: std must be finite, got inf"),
    (lambda: nn.init.normal(2, 2, std=-1.0), ValueError, "init.normal needs std >= 0, got -1.0"),
    (lambda: nn.init.uniform(2, 2, a=math.nan), ValueError, "init: a must be finite, got nan"),
    (lambda: nn.init.uniform(2, 2, b="x"), TypeError, "init: b must be a number, got str: 'x'"),
    (lambda: nn.init.uniform(2, 2, a=1.0, b=1.0), ValueError, "init.uniform needs a < b, got a=1.0, b=1.0"),
])
def test_data_and_init_refusals_with_exact_messages(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_normal_with_std_zero_is_the_mean_everywhere():
    assert nn.init.normal(2, 3, mean=0.5, std=0.0) == [[0.5] * 3] * 2


def test_orthogonal_rows_point_in_every_direction_alike():
    # Rows drawn from N(0, 1) vectors then normalised: every entry has mean 0 over many draws.
    rng = random.Random(0)
    entries = [w for _ in range(400) for w in nn.init.orthogonal(1, 8, rng=rng)[0]]
    assert abs(sum(entries) / len(entries)) < 0.03


def test_accuracy_reads_probabilities_at_one_half_and_scores_at_zero():
    from nn.train import accuracy

    model = lambda x: [Value(x[0])]  # noqa: E731
    X, y = [[0.3], [0.7], [-0.2]], [0, 1, 0]
    assert accuracy(model, X, y, "binary_cross_entropy") == 1.0  # 0.3 < 0.5: class 0
    assert accuracy(model, X, y, "binary_cross_entropy_with_logits") == 2 / 3  # 0.3 >= 0: class 1
    assert accuracy(model, X, [-1, 1, -1], "hinge") == 2 / 3


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


def test_backward_under_detect_anomaly_adds_to_the_gradients():
    x = Value(3.0)
    with detect_anomaly():
        y = x * x
        y.backward()
        y.backward()
    assert x.grad == 12.0 and y.grad == 2.0


def reference_line(n=50, slope=2.0, intercept=1.0, noise=0.1, seed=0):
    rng = random.Random(seed)
    xs = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    return [[x] for x in xs], [slope * x + intercept + noise * rng.gauss(0.0, 1.0) for x in xs]


@pytest.mark.parametrize("kwargs", [{}, dict(n=3, slope=-1.0, intercept=0.5, noise=0.3, seed=2)])
def test_line_follows_the_documented_formula_and_defaults(kwargs):
    X, y = nn.data.line(**kwargs)
    ref_X, ref_y = reference_line(**kwargs)
    assert X == ref_X and y == pytest.approx(ref_y, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: nn.data.line(n=0), ValueError, "line: n must be at least 1, got 0"),
    (lambda: nn.data.line(slope=math.nan), ValueError, "line: slope must be finite, got nan"),
    (lambda: nn.data.line(intercept="a"), TypeError, "line: intercept must be a number, got str: 'a'"),
    (lambda: nn.data.line(noise=-1.0), ValueError, "line: noise must be >= 0.0, got -1.0"),
    (lambda: nn.data.line(noise=math.inf), ValueError, "line: noise must be finite, got inf"),
    (lambda: nn.init.constant(1, 1, value=math.inf), ValueError, "init: value must be finite, got inf"),
    (lambda: nn.init.orthogonal(2, 2, gain=math.nan), ValueError, "init: gain must be finite, got nan"),
])
def test_line_and_init_refusals_with_exact_messages(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_constant_default_is_zero():
    assert nn.init.constant(2, 2) == [[0.0, 0.0], [0.0, 0.0]]


# --- training: messages, defaults, the epoch's loss and accuracy, models without sizes ---


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    (dict(X="ab"), TypeError, "fit: X must be a list (one entry per sample), got str"),
    (dict(X=[[1.0]], y=[1.0, 2.0]), ValueError, "fit: X has 1 samples but y has 2; they must have the same length"),
    (dict(batch_size="2"), TypeError, "batch_size (None for the whole set) must be an int, got str: '2'"),
    (dict(X=[[1.0], 3.0], y=[1.0, 1.0]), TypeError, "fit: X[1] must be a list of inputs, got float: 3.0"),
    (dict(model=None), TypeError, "fit: model must be an nn Module (Neuron, Layer, MLP), got NoneType"),
    (dict(model=lambda x: x), TypeError, "fit: model must be an nn Module (Neuron, Layer, MLP), got function"),
    (dict(tol=True), TypeError, "fit: tol (None: no early stop) must be a number, got bool: True"),
    (dict(loss="bogus"), ValueError, "unknown loss 'bogus': use a callable (outputs, targets) -> Value or one of "
     "'mse', 'mae', 'huber', 'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'cross_entropy', 'hinge'"),
])
def test_fit_refusals_with_exact_messages(kwargs, error, message):
    arguments = dict(model=nn.MLP(1, [1], seed=0), X=[[0.5], [1.0]], y=[1.0, 0.0], epochs=1, progress=False) | kwargs
    with pytest.raises(error) as info:
        nn.fit(**arguments)
    assert str(info.value) == message


def test_batches_refusals_with_exact_messages():
    with pytest.raises(ValueError) as info:
        nn.batches([[1.0]], [1.0, 2.0], 1)
    assert str(info.value) == "batches: X has 1 samples but y has 2; they must have the same length"
    with pytest.raises(TypeError) as info:
        nn.batches([[1.0]], [1.0], 1, rng=3)
    assert str(info.value) == "batches: rng must be a random.Random or None, got int"


def test_fit_defaults_tol_zero_and_the_progress_bar(capsys):
    model = nn.Neuron(1, activation="linear", seed=0)
    model.w[0].data, model.b.data = 0.0, 0.0
    history = nn.fit(model, [[1.0]], [1.0], tol=0.0)  # loss "mse", lr 0.1, 100 epochs, a progress bar "fit"
    assert len(history.loss) == 100 and history.stopped_early is False
    assert history.loss[0] == 1.0 and model.w[0].data == pytest.approx(0.5, abs=1e-9)  # (1 - 0.2)^k -> w + b = 1
    err = capsys.readouterr().err
    assert "fit: 100%" in err and "epoch" in err
    assert nn.train.History(False).stopped_early is False


def test_an_epoch_records_the_mean_loss_and_accuracy_over_all_batches():
    model = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    X, y = [[0.5, -1.0], [1.0, 2.0], [-1.5, 0.5], [0.2, 0.3], [2.0, -2.0]], [1, 0, 1, 0, 1]
    outputs = [model(x)[0] for x in X]
    expected_loss = nn.losses.binary_cross_entropy_with_logits(outputs, y).data
    expected_accuracy = sum((o.data >= 0) == (t == 1) for o, t in zip(outputs, y)) / len(X)
    history = nn.fit(model, X, y, loss="binary_cross_entropy_with_logits", lr=1e-300, batch_size=2, epochs=1,
                     shuffle=False, progress=False)
    assert history.loss[0] == pytest.approx(expected_loss, rel=1e-12)
    assert history.accuracy == [expected_accuracy] and 0 < expected_accuracy < 1


def test_fit_asks_models_without_sizes_for_their_outputs():
    class TwoScores(nn.Module):
        def __init__(self):
            self.w = Value(0.5)

        def parameters(self):
            return [self.w]

        def __call__(self, x):
            return [self.w * x[0], -self.w * x[0]]

    history = nn.fit(TwoScores(), [[1.0], [2.0]], [0, 1], loss="cross_entropy", epochs=1, progress=False)
    assert len(history.loss) == 1
    with pytest.raises(ValueError, match="out of range for 2 classes"):
        nn.fit(TwoScores(), [[1.0]], [2], loss="cross_entropy", epochs=1, progress=False)
    layer = nn.Layer(1, 3, activation="linear", seed=0)
    with pytest.raises(ValueError, match="out of range for 3 classes"):
        nn.fit(layer, [[1.0]], [3], loss="cross_entropy", epochs=1, progress=False)
    neuron = nn.Neuron(1, activation="sigmoid", seed=0)
    assert len(nn.fit(neuron, [[1.0]], [1.0], loss="binary_cross_entropy", epochs=2, progress=False).loss) == 2


def test_accuracy_counts_a_score_on_the_threshold_and_a_target_of_one_half_as_positive():
    from nn.train import accuracy

    model = lambda x: [Value(x[0])]  # noqa: E731
    assert accuracy(model, [[0.5]], [1], "binary_cross_entropy") == 1.0
    assert accuracy(model, [[0.0]], [1], "binary_cross_entropy_with_logits") == 1.0
    assert accuracy(model, [[0.7]], [0.5], "binary_cross_entropy") == 1.0


def test_history_repr():
    history = nn.train.History(True)
    history.loss, history.accuracy, history.stopped_early = [1.0, 0.5, 0.25], [0.1, 0.5, 0.75], True
    assert repr(history) == "History(3 epochs, loss 1 -> 0.25, accuracy 0.750, stopped early)"
    assert repr(nn.train.History(False)) == "History(0 epochs)"


def test_fit_trains_a_multi_label_model_with_binary_cross_entropy():
    model = nn.MLP(1, [2], output_activation="sigmoid", seed=0)
    history = nn.fit(model, [[1.0], [0.5]], [[1.0, 0.0], [0.0, 1.0]], loss="binary_cross_entropy", epochs=2,
                     progress=False)
    assert len(history.loss) == 2


@pytest.mark.parametrize(("loss", "y"), [("binary_cross_entropy_with_logits", [[1.0, 0.0], [0.0, 1.0]]),
                                         ("hinge", [[1.0, -1.0], [-1.0, 1.0]])])
def test_fit_trains_a_multi_output_model_with_a_binary_loss(loss, y):
    model = nn.MLP(1, [2], seed=0)
    history = nn.fit(model, [[1.0], [0.5]], y, loss=loss, epochs=2, progress=False)
    assert len(history.loss) == 2
    # multi-label accuracy: the fraction of labels right, per sample
    assert all(0.0 <= a <= 1.0 for a in history.accuracy)
    assert nn.accuracy(model, [[1.0], [0.5]], y, loss) in (0.0, 0.25, 0.5, 0.75, 1.0)


# --- models' and initialisers' messages, seeds, sizes ---


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: nn.init.normal(2, 2, std="x"), TypeError, "init: std must be a number, got str: 'x'"),
    (lambda: nn.init.normal(2, 2, std=True), TypeError, "init: std must be a number, got bool: True"),
    (lambda: nn.init.normal(2, 2, rng=3), TypeError, "init: rng must be a random.Random, got int"),
    (lambda: nn.MLP(2, [1], seed=0)([True, 1.0]), TypeError, "MLP: inputs must be numbers or Values, got bool: True"),
    (lambda: nn.MLP(2, [1], seed=0)([1.0, "a"]), TypeError, "MLP: inputs must be numbers or Values, got str: 'a'"),
    (lambda: nn.Layer(2, 1, seed=0)([1.0]), ValueError, "Layer expected 2 inputs, got 1"),
    (lambda: nn.MLP(2, [1], seed=0).layer_outputs([1.0]), ValueError, "MLP expected 2 inputs, got 1"),
    (lambda: nn.Neuron("2"), TypeError, "nin must be an int, got str: '2'"),
])
def test_model_and_init_refusals_with_exact_messages(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_a_neurons_seed_fixes_its_weights_and_a_layers_neurons_know_their_size():
    weights = lambda seed: [w.data for w in nn.Neuron(4, seed=seed).w]  # noqa: E731
    assert weights(5) == weights(5) != weights(6)
    layer = nn.Layer(3, 2, seed=0)
    assert [n.nin for n in layer.neurons] == [3, 3] and repr(layer.neurons[0]) == "Neuron(3 inputs, relu)"


def test_sigmoid_of_a_non_negative_number_is_one_over_one_plus_exp_minus_x_to_the_bit():
    xs = [i / 97 for i in range(500)]
    assert [Value(x).sigmoid().data for x in xs] == [1.0 / (1.0 + math.exp(-x)) for x in xs]
    assert [Value(-x).sigmoid().data for x in xs[1:]] == [math.exp(-x) / (1.0 + math.exp(-x)) for x in xs[1:]]


# --- the last survivors: messages, seeds, labels, tol, progress, a fresh thread's modes ---


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: nn.MLP(1, [1], init=lambda r, c, rng: 5), ValueError, "init <lambda> must return 1 rows of 1 weights, got int"),
    (lambda: nn.MLP(1, [2], init=lambda r, c, rng: [[1.0]]), ValueError,
     "init <lambda> must return 2 rows of 1 weights, got list of length 1"),
    (lambda: nn.MLP(1, [1], activation="gelu"), ValueError,
     "unknown activation 'gelu': use one of 'relu', 'tanh', 'sigmoid', 'leaky_relu', 'linear'"),
    (lambda: nn.MLP(1, [1], seed=1.5), TypeError, "seed must be an int (or None), got float: 1.5"),
    (lambda: nn.MLP(2, [0]), ValueError, "each layer size in nouts must be at least 1, got 0"),
    (lambda: nn.Layer("2", 1), TypeError, "nin must be an int, got str: '2'"),
    (lambda: nn.fit(nn.MLP(1, [1]), [[1.0]], "ab", progress=False), TypeError,
     "fit: y must be a list (one entry per sample), got str"),
    (lambda: nn.fit(nn.MLP(1, [1]), [[1.0]], [1.0], desc=3, progress=False), TypeError,
     "fit: desc (the progress bar's name) must be a str, got int"),
    (lambda: nn.load(3), TypeError, "load takes a file path (str or os.PathLike), got int"),
    (lambda: nn.losses.mse(None, [1.0]), TypeError, "mse: preds must be a list of numbers or Values, got NoneType"),
    (lambda: nn.losses.mse([1.0], None), TypeError, "mse: targets must be a list of numbers or Values, got NoneType"),
    (lambda: nn.losses.mse([["a"]], [[1.0]]), TypeError, "mse: preds[0] must be a number or a Value, got str: 'a'"),
    (lambda: nn.losses.mse([[1.0]], [["b"]]), TypeError, "mse: targets[0] must be a number or a Value, got str: 'b'"),
    (lambda: nn.losses.cross_entropy(None, [0]), TypeError,
     "cross_entropy: logits must be a list of numbers or Values, got NoneType"),
    (lambda: nn.losses.cross_entropy([[1.0]], None), TypeError,
     "cross_entropy: targets must be a list of numbers or Values, got NoneType"),
    (lambda: nn.losses.cross_entropy([[1.0, 2.0]], [3]), ValueError,
     "cross_entropy: targets[0] = 3 is out of range for 2 classes (0..1)"),
])
def test_last_refusals_with_exact_messages(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "the file is empty"),
    (b'{"a": 1}\x00', "it is a binary file, not a JSON model file"),
    (b"\xff\xfe\xfa", "it is not UTF-8 text (a binary file?), not a JSON model file"),
])
def test_load_problems_of_the_bytes_exactly(tmp_path, content, problem):
    path = tmp_path / "m.json"
    path.write_bytes(content)
    with pytest.raises(ValueError) as info:
        nn.load(path)
    assert str(info.value) == f"cannot load model from {str(path)!r}: {problem}"


def test_class_indexes_may_be_values_and_hinge_of_plain_scores():
    assert nn.losses.cross_entropy([[1.0, 2.0]], [Value(1.0)]).data == pytest.approx(math.log(1 + math.exp(-1.0)))
    assert nn.losses.hinge([0.5], [1.0]).data == 0.5
    assert nn.losses.hinge([0.25, -4.0], [1.0, 0.0]).data == 0.375


def test_a_layers_seed_fixes_its_weights_and_its_parameters_are_named():
    weights = lambda: [p.data for p in nn.Layer(2, 3, seed=7).parameters()]  # noqa: E731
    assert weights() == weights()
    assert [p.label for p in nn.Layer(2, 1, seed=0).parameters()] == ["n1.w1", "n1.w2", "n1.b"]


def test_tol_stops_after_the_second_epoch_on_a_small_change(capsys):
    def run(epochs, tol):
        model = nn.Neuron(1, activation="linear", seed=0)
        model.w[0].data, model.b.data = 0.0, 0.0
        return nn.fit(model, [[1.0]], [1.0], epochs=epochs, tol=tol, progress=True)

    history = run(5, 1.0)  # losses 1.0 then 0.36: a change of 0.64 < 1 (their sum, 1.36, is not)
    assert history.loss == [1.0, pytest.approx(0.36)] and history.stopped_early is True
    assert run(2, 1.0).stopped_early is False  # stopping on the last epoch is not early
    err = capsys.readouterr().err
    assert re.search(r"loss=[0-9.e+-]+\]", err) and re.search(r"[0-9.]+(epoch/s|s/epoch)", err)


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


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: nn.init.zeros(0, 3), ValueError, "init: rows must be at least 1, got 0"),
    (lambda: nn.init.zeros(2, 0), ValueError, "init: cols must be at least 1, got 0"),
    (lambda: nn.init.zeros(2, "3"), TypeError, "init: cols must be an int, got str: '3'"),
    (lambda: nn.init.zeros(2.0, 3), TypeError, "init: rows must be an int, got float: 2.0"),
    (lambda: nn.init.get("bogus"), ValueError, "unknown init 'bogus': use a callable (rows, cols, rng) or one of "
     "'zeros', 'constant', 'uniform', 'normal', 'xavier', 'xavier_uniform', 'he', 'he_uniform', 'lecun', 'orthogonal'"),
])
def test_init_shapes_and_names_refused_with_exact_messages(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_an_initialiser_without_a_name_is_named_by_its_repr():
    import functools

    bad = functools.partial(lambda rows, cols, rng: 5)
    with pytest.raises(ValueError) as info:
        nn.MLP(1, [1], init=bad)
    assert str(info.value) == f"init {bad!r} must return 1 rows of 1 weights, got int"
