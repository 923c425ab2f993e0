"""codegen: straight-line Python for a graph's value and gradient, equal to the engine's everywhere."""

from __future__ import annotations

import ast
import functools
import io
import itertools
import math
import tokenize

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import GradcheckError, Value, codegen, define_op, dot, functions, grad, rules, total
from autograd.codegen import RESERVED, identifier, literal, one_line
from tests.strategies import UNARY_DOMAINS, reals

RTOL = 1e-12
ERRORS = (ValueError, ZeroDivisionError, OverflowError)


pytestmark = pytest.mark.usefixtures("the_table_as_it_was")  # tests/conftest.py


_fresh = (f"op{n}" for n in itertools.count())


def same(a: float, b: float) -> bool:
    if a != a or b != b:
        return a != a and b != b
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=1e-300)


def engine_at(build, point):
    """The expression built again at point, as the engine computes it: (value, [grads])."""
    leaves = [Value(x, label=f"v{i}") for i, x in enumerate(point)]
    out = build(*leaves)
    return out.data, grad(out, leaves)


def assert_matches(build, *points, fast_too=True):
    """codegen of build's graph at the first point gives the engine's numbers at every point."""
    leaves = [Value(x, label=f"v{i}") for i, x in enumerate(points[0])]
    out = build(*leaves)
    staged = [codegen(out, leaves)] + ([codegen(out, leaves, fast=True)] if fast_too else [])
    for point in points:
        try:
            expected = engine_at(build, point)
        except ERRORS as error:
            for f in staged:
                with pytest.raises(type(error)):
                    f(*point)
            continue
        for f in staged:
            value, grads = f(*point)
            assert same(value, expected[0]), (point, value, expected[0], f.source)
            assert len(grads) == len(expected[1])
            for mine, theirs in zip(grads, expected[1]):
                assert same(mine, theirs), (point, grads, expected[1], f.source)
    return staged


def test_the_module_docstring_example_runs():
    import doctest
    import importlib

    module = importlib.import_module("autograd.codegen")  # the module (autograd.codegen is the function)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# --- the lecture's neuron ---


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    out = (x1 * w1 + x2 * w2 + b).tanh()
    out.label = "out"
    return out, [x1, x2, w1, w2, b]


def test_the_neuron_at_its_own_inputs_is_the_engine_bit_for_bit():
    out, inputs = neuron()
    for fast in (False, True):
        f = codegen(out, inputs, fast=fast)
        value, grads = f(*[x.data for x in inputs])
        assert value == out.data
        assert grads == grad(out, inputs)


def test_the_readable_source_has_one_line_per_node_and_per_edge():
    out, inputs = neuron()
    lines = codegen(out, inputs).source.splitlines()
    assert lines[0] == "def forward_backward(x1, x2, w1, w2, b):"
    assert lines[-1] == "    return out, [x1_grad, x2_grad, w1_grad, w2_grad, b_grad]"
    targets = ("mul1", "mul2", "add1", "add2", "out")
    forward = [line for line in lines if line.split("=")[0].strip() in targets]
    backward = [line for line in lines if "_grad" in line.split("=")[0] and "# d" in line]
    assert len(forward) == 5  # 2 products, 2 sums, tanh
    assert len(backward) == 9  # the edges: as many as backward_steps has
    assert "    add2_grad = (1.0 - out * out) * out_grad  # d/du tanh(u) = 1 - tanh(u)^2" in lines
    assert any(line.strip().startswith("x1_grad = w1 * mul1_grad") and "d(a×b)/da = b" in line
               for line in lines)


def test_the_fast_source_is_shorter_and_gives_the_same_numbers():
    out, inputs = neuron()
    slow, fast = codegen(out, inputs), codegen(out, inputs, fast=True)
    assert len(fast.source.splitlines()) < len(slow.source.splitlines())
    assert "1.0 *" not in fast.source
    for point in ([2.0, 0.0, -3.0, 1.0, 6.88], [0.3, -1.2, 0.7, 2.0, -0.4]):
        assert fast(*point) == slow(*point)


def test_other_inputs_give_the_expression_built_there():
    out, inputs = neuron()
    f = codegen(out, inputs)
    for point in ([1.0, 2.0, 3.0, 4.0, 5.0], [-0.5, 0.25, 0.0, -2.0, 0.1]):
        expected = engine_at(lambda x1, x2, w1, w2, b: (x1 * w1 + x2 * w2 + b).tanh(), point)
        assert f(*point) == (expected[0], expected[1])


def test_the_source_runs_with_only_math():
    out, inputs = neuron()
    f = codegen(out, inputs)
    scope = {"math": math}
    exec(f.source, scope)
    assert scope["forward_backward"](*f.at) == f(*f.at)


# --- every op of the rule table ---

BUILTIN_UNARY = sorted(op for op in rules.UNARY if op != "**")
ELSEWHERE = {0.0: -1.3, 1.0: 0.7}  # a second point for each op, the other side of the kinks


@pytest.mark.parametrize("op", BUILTIN_UNARY)
@given(data=st.data())
def test_every_unary_op_of_the_table(op, data):
    u = data.draw(UNARY_DOMAINS[op])
    other = data.draw(UNARY_DOMAINS[op])
    apply = (lambda v: v.leaky_relu(0.1)) if op == "leaky_relu" else (
        (lambda v: -v) if op == "neg" else (lambda v: getattr(v, op)()))
    assert_matches(lambda x: apply(x) * 1.5, [u], [other], [-other])


def test_the_code_table_covers_the_rule_table():
    from autograd.codegen import BINARY_CODE, NARY_OPS, UNARY_CODE

    assert set(rules.UNARY) - {"**"} <= set(UNARY_CODE)
    assert set(rules.BINARY) <= set(BINARY_CODE)
    assert set(rules.NARY) <= set(NARY_OPS)


@pytest.mark.parametrize("k", [0.0, 1.0, 2.0, 3.0, 4.0, -1.0, -2.0, 0.5, -0.5, 2.5, 1.5])
def test_power_with_a_number_exponent(k):
    points = [[1.7], [0.4], [-1.3], [0.0], [-0.0], [2.0]]
    assert_matches(lambda x: x**k, *points)


@pytest.mark.parametrize("op", sorted(rules.BINARY))
@given(a=reals, b=reals, c=reals, d=reals)
def test_every_binary_op_of_the_table(op, a, b, c, d):
    from tests.strategies import BINARY_OPERATORS

    apply = BINARY_OPERATORS[op]
    try:
        engine_at(apply, [a, b])
    except ERRORS:
        assume(False)  # the graph must exist at its own inputs; elsewhere errors are compared too
    assert_matches(lambda x, y: apply(x, y), [a, b], [c, d], [abs(c), d], [0.0, d])


def test_power_at_its_edges():
    """0 ** b, a negative base, a fractional exponent: the engine's errors, or IEEE infinities."""
    points = [[0.0, 0.5], [0.0, 2.0], [0.0, 0.0], [0.0, -1.0], [-2.0, 3.0], [-2.0, 0.5], [2.0, 0.5],
              [1e300, 2.0]]
    assert_matches(lambda a, b: a**b, *points)


def test_sum_and_dot_nodes():
    assert_matches(lambda a, b, c: total([a, b * c, c, 2.0]), [1.0, 2.0, 3.0], [-1.0, 0.5, 4.0])
    assert_matches(lambda a, b, c: dot([a, b], [c, 3.0], bias=a), [1.0, 2.0, 3.0], [-1.0, 0.5, 4.0])
    assert_matches(lambda a, b, c: dot([a, b, c], [c, b, a]).tanh(), [0.1, 0.2, 0.3], [-1.0, 0.5, 4.0])


# --- graph shapes ---


def test_reuse_x_times_x_has_two_edges():
    x = Value(3.0, label="x")
    f = codegen(x * x, [x])
    assert "x_grad = x * mul1_grad" in f.source and "x_grad += x * mul1_grad" in f.source
    assert f(3.0) == (9.0, [6.0]) and f(-2.0) == (4.0, [-4.0])
    assert codegen(x * x, [x], fast=True)(-2.0) == (4.0, [-4.0])


def test_a_diamond_and_a_reused_intermediate():
    assert_matches(lambda x: (lambda h: h.tanh() * h.sigmoid() + h)(x * 2.0 + 1.0), [0.3], [-2.0])
    assert_matches(lambda x, y: (lambda s: s * s * s + s / y)(x + y), [0.3, 2.0], [-2.0, 0.5])


def test_constants_become_literals_that_round_trip():
    x = Value(1.0, label="x")
    c = Value(0.1 + 0.2)  # 0.30000000000000004
    third = Value(1 / 3)
    out = x * c + third * x - Value(-0.0) + Value(1e-310)
    f = codegen(out, [x])
    assert "0.30000000000000004" in f.source and repr(1 / 3) in f.source and "1e-310" in f.source
    assert f(1.0) == (out.data, grad(out, [x]))
    for number in (0.1, -2.5, 1e300, -0.0, math.inf, -math.inf, 5e-324):
        assert eval(literal(number), {"math": math}) == number
        assert math.copysign(1.0, eval(literal(number), {"math": math})) == math.copysign(1.0, number)
    assert math.isnan(eval(literal(math.nan), {"math": math}))


def test_a_labelled_leaf_that_is_not_an_input_is_a_constant():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    f = codegen(x * w, [x])
    assert "x * (-3.0)" in f.source
    assert f(5.0) == (-15.0, [-3.0])


def test_an_input_the_output_does_not_use_gets_zero_and_a_constant_output():
    x, y = Value(2.0, label="x"), Value(5.0, label="y")
    assert codegen(x * 3.0, [x, y])(4.0, 1.0) == (12.0, [3.0, 0.0])
    assert codegen(Value(7.0) * 2.0, [x])(1.0) == (14.0, [0.0])
    assert codegen(x, [x, y])(4.0, 1.0) == (4.0, [1.0, 0.0])
    assert codegen(x, [x, y], fast=True)(4.0, 1.0) == (4.0, [1.0, 0.0])


@pytest.mark.parametrize("op", ["relu", "abs", "leaky_relu"])
def test_kinks_are_decided_by_the_new_values(op):
    apply = (lambda v: v.leaky_relu(0.2)) if op == "leaky_relu" else (lambda v: getattr(v, op)())
    x = Value(1.5, label="x")
    f = codegen(apply(x * 2.0 - 1.0), [x])
    assert " if " in f.source  # the branch is in the code
    for new in (1.5, -1.5, 0.5, 0.0, 0.25):
        assert f(new) == engine_at(lambda v: apply(v * 2.0 - 1.0), [new])


def test_a_deep_chain_and_many_consumers():
    x = Value(0.5, label="x")
    y = x
    for _ in range(2000):
        y = y * 1.0001 + 0.0001
    assert_matches(lambda v: total([v * float(i) for i in range(300)]), [0.5], [-1.0])
    f = codegen(y, [x], fast=True)
    assert f(0.5) == (y.data, grad(y, [x]))


# --- random expressions (hypothesis) ---

UNARY_IN_EXPRESSIONS = ["neg", "abs", "tanh", "sigmoid", "relu", "leaky_relu", "sin", "cos", "exp", "log",
                        "sqrt", "**2", "**3", "**-1", "**0.5"]
BINARY_IN_EXPRESSIONS = ["+", "-", "*", "/", "**"]


def expressions(variables=3):
    leaves = st.one_of(st.tuples(st.just("var"), st.integers(0, variables - 1)),
                       st.tuples(st.just("const"), reals))
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.tuples(st.sampled_from(UNARY_IN_EXPRESSIONS), children),
            st.tuples(st.sampled_from(BINARY_IN_EXPRESSIONS), children, children),
            st.tuples(st.just("let"), children, children),  # reuse: (a op a) of one shared node
        ),
        max_leaves=8,
    )


def build(tree, leaves):
    kind = tree[0]
    if kind == "var":
        return leaves[tree[1]]
    if kind == "const":
        return Value(tree[1])
    if kind == "let":
        shared = build(tree[1], leaves)
        return shared * shared + build(tree[2], leaves) * shared
    if kind in BINARY_IN_EXPRESSIONS:
        from tests.strategies import BINARY_OPERATORS

        return BINARY_OPERATORS[kind](build(tree[1], leaves), build(tree[2], leaves))
    operand = build(tree[1], leaves)
    if kind.startswith("**"):
        return operand ** float(kind[2:])
    if kind == "neg":
        return -operand
    if kind == "leaky_relu":
        return operand.leaky_relu(0.05)
    return getattr(operand, kind)()


@given(tree=expressions(), first=st.lists(reals, min_size=3, max_size=3),
       second=st.lists(reals, min_size=3, max_size=3))
def test_random_expressions_match_grad_at_their_inputs_and_elsewhere(tree, first, second):
    try:
        leaves = [Value(x, label=f"v{i}") for i, x in enumerate(first)]
        out = build(tree, leaves)
        expected = (out.data, grad(out, leaves))
    except ERRORS:
        assume(False)
    for fast in (False, True):
        f = codegen(out, leaves, fast=fast)
        value, grads = f(*first)
        assert same(value, expected[0])
        assert all(same(a, b) for a, b in zip(grads, expected[1])), (grads, expected[1], f.source)
    readable, fast = assert_matches(lambda *vs: build(tree, list(vs)), first, second)
    try:
        expected = readable(*second)
    except ERRORS:
        return
    got = fast(*second)  # the folded code: the same sums in the same order, so the same floats
    assert all(same(a, b) for a, b in zip([got[0], *got[1]], [expected[0], *expected[1]]))


# --- safety: labels are never code ---

HOSTILE = ['"', "'''", "a\nimport os", "x\r\n#", "line\u2028break", "tab\there",
           "__import__('os').system('x')", "α", "x₁", "é", "😀", "def", "lambda", "class", "None", "True",
           "match", "math", "ops", "sum", "abs", "forward_backward", "ieee_power", "mul1", "add1", "x", "x",
           "x_grad", "", "1abc", "_", "__", "a" * 500,
           "\\", "# comment", "print", "grad", "b_2", "{u}", "%s"]


def safe(name: str) -> bool:
    """An identifier of our own making: no keyword, builtin or name the code uses, no leading _."""
    return name.isidentifier() and name not in RESERVED and not name.startswith("_")


def names_in_code(source: str) -> set[str]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {token.string for token in tokens if token.type == tokenize.NAME}


def test_hostile_labels_become_safe_unique_identifiers():
    leaves = [Value(float(i + 1), label=label) for i, label in enumerate(HOSTILE)]
    mid = leaves[0] * leaves[1]
    mid.label = "x\ny = 1"
    out = total([mid.tanh()] + [leaf * leaf for leaf in leaves[2:]])
    out.label = "def"
    for fast in (False, True):
        f = codegen(out, leaves, fast=fast)
        tree = ast.parse(f.source)
        function = tree.body[-1]
        parameters = [argument.arg for argument in function.args.args]
        assert parameters == f.names and len(set(parameters)) == len(HOSTILE)
        assert all(safe(name) for name in parameters)
        calls = {ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
        assert calls <= {"math.tanh", "sum"}
        refused = (ast.Import, ast.ImportFrom, ast.Lambda, ast.ClassDef)
        assert not any(isinstance(node, refused) for node in ast.walk(tree))
        assigned = {target.id for node in ast.walk(tree) if isinstance(node, (ast.Assign, ast.AugAssign))
                    for target in (node.targets if isinstance(node, ast.Assign) else [node.target])}
        assert all(safe(name) for name in assigned)
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        assert used <= set(parameters) | assigned | {"math", "sum"}
        assert names_in_code(f.source) <= used | {"def", "return", "tanh", "forward_backward"}
        for label in HOSTILE + ["x\ny = 1"]:
            if not all(c.isascii() and (c.isalnum() or c == "_") for c in label):
                assert label not in f.source
        value, grads = f(*[leaf.data for leaf in leaves])
        assert value == out.data and grads == grad(out, leaves)


def test_the_source_has_exactly_the_lines_it_should():
    """No label or formula can add a line: forward nodes + edges + the fixed lines."""
    leaves = [Value(1.0 + i, label=label) for i, label in enumerate(["a\nb", "c\r\nd = 1", "\u2029e"])]
    out = (leaves[0] * leaves[1] + leaves[2]).relu()
    out.label = "o\n\u0085x"
    f = codegen(out, leaves)
    # def, a comment, 3 nodes, a comment and the seed, 5 edges, return
    assert len(f.source.splitlines()) == 1 + 1 + 3 + 2 + 5 + 1


def test_identifiers_and_comments():
    assert identifier("x 1") == "x_1" and identifier("def") == "def_"
    assert identifier("__import__") == "import_"
    assert identifier("α") == "alpha" and identifier("x₁") == "x1" and identifier("é") == "e"
    assert identifier("1abc") == "v_1abc" and identifier("😀") == "" and identifier("math") == "math_"
    assert len(identifier("a" * 500)) <= 41
    for text in ("a\nb", "a\rb", "a\u2028b", "a\x0cb", "a\x85b", "a\x1eb"):
        shown = one_line(text)
        assert len(shown.splitlines()) == 1 and "\n" not in shown and "\r" not in shown


def test_a_formula_of_the_users_cannot_end_its_comment():
    op = define_op(next(_fresh), forward=lambda u: 2.0 * u, local=lambda u, out: 2.0,
                   formula="d/du 2u = 2\nimport os")
    x = Value(1.0, label="x")
    f = codegen(op(x), [x])
    assert "import os" not in [line.strip() for line in f.source.splitlines()]
    assert "2\\nimport os" in f.source
    assert f(3.0) == (6.0, [2.0])


# --- ops of the user's (define_op) ---


def test_define_op_unary_and_binary_are_called_by_reference():
    softplus = define_op(next(_fresh), forward=lambda u: math.log1p(math.exp(u)),
                         local=lambda u, out: functions.sigmoid(u), formula="d/du softplus(u) = sigmoid(u)")
    maximum = define_op(next(_fresh), forward=lambda a, b: max(a, b),
                        local=lambda a, b, out: (1.0, 0.0) if a > b else (0.0, 1.0),
                        formula=("d max/da = [a > b]", "d max/db = [b >= a]"))
    build = lambda x, y: maximum(softplus(x * y), y) * x
    f, fast = assert_matches(build, [0.5, 2.0], [1.5, -2.0], [-1.0, 3.0])
    assert f.source.count("ops.") >= 3 and "d/du softplus(u) = sigmoid(u)" in f.source
    assert "log1p" not in f.source  # called, not pasted
    assert set(vars(f.namespace["ops"])) == {softplus.__name__, maximum.__name__}


def test_define_op_errors_pass_through_as_the_engines():
    root = define_op(next(_fresh), forward=math.sqrt, local=lambda u, out: 0.5 / out,
                     formula="1/(2 sqrt u)", check_at=[1.0, 2.0])
    x = Value(4.0, label="x")
    f = codegen(root(x), [x])
    assert f(9.0)[0] == 3.0
    with pytest.raises(ValueError):
        f(-1.0)


# --- bad arguments ---


def test_bad_arguments_are_refused_with_clear_errors():
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    with pytest.raises(TypeError, match="Value as out"):
        codegen(2.0, [x])
    with pytest.raises(TypeError, match="input 1 is float"):
        codegen(x * y, [x, 3.0])
    with pytest.raises(ValueError, match="leaves.*made by '\\*'"):
        codegen(x * y + 1.0, [x, x * y])
    with pytest.raises(ValueError, match="given twice"):
        codegen(x * y, [x, y, x])
    with pytest.raises(TypeError, match="list"):
        codegen(x * y, x)
    f = codegen(x * y, [x, y])
    with pytest.raises(TypeError, match="takes 2 input values"):
        f(1.0)
    with pytest.raises(TypeError, match="input y"):
        f(1.0, "2")
    with pytest.raises(TypeError):
        f(1.0, True)
    assert f(2, 5) == (10.0, [5.0, 2.0])  # ints are read as floats, as Value does
    assert "forward_backward(x, y)" in repr(f)


# --- the exercise: write the backward yourself, check it ---


def test_check_accepts_a_right_backward_and_names_what_is_wrong():
    out, inputs = neuron()
    f = codegen(out, inputs)

    def mine(x1, x2, w1, w2, b):
        out = math.tanh(x1 * w1 + x2 * w2 + b)
        d = 1 - out**2
        return out, [w1 * d, w2 * d, x1 * d, x2 * d, d]

    def wrong(x1, x2, w1, w2, b):
        out = math.tanh(x1 * w1 + x2 * w2 + b)
        d = 1 - out**2
        return out, [w1 * d, w2 * d, x2 * d, x2 * d, d]  # d/dw1 takes the wrong input

    assert f.check(mine) is True
    with pytest.raises(GradcheckError, match="d/dw1 is .* in yours") as caught:
        f.check(wrong)
    assert "d/dx1" not in str(caught.value)
    with pytest.raises(GradcheckError, match="must return"):
        f.check(lambda *values: 1.0)

    def unfinished(x1, x2, w1, w2, b):
        return math.tanh(x1 * w1 + x2 * w2 + b), [add2_grad] * 5  # noqa: F821 (not written yet)

    with pytest.raises(GradcheckError, match="raised NameError: name 'add2_grad' is not defined"):
        f.check(unfinished)


# --- python -m autograd explain ... --code ---


def test_explain_code_prints_the_staged_code_that_computes_the_gradients(capsys):
    from autograd.presentation.cli import main

    assert main(["explain", "relu(x*w + b) * 2", "x=2", "w=-3", "b=6.88", "--code"]) == 0
    printed = capsys.readouterr().out
    source = printed.split("staged code (forward, then backward, one edge a line):\n", 1)[1]
    assert source.startswith("def forward_backward(x, w, b):")
    assert "# d/du relu(u) = 1 if u > 0 else 0" in source
    scope = {"math": math}
    exec(source, scope)
    value, grads = scope["forward_backward"](2.0, -3.0, 6.88)
    x, w, b = Value(2.0), Value(-3.0), Value(6.88)
    out = (x * w + b).relu() * 2
    assert (value, grads) == (out.data, grad(out, [x, w, b]))
    assert main(["explain", "x*w", "x=2", "w=3"]) == 0
    assert "staged code" not in capsys.readouterr().out


# --- the benchmark's staged step (benchmarks/mlp.py) computes the float floor's numbers ---


def test_the_staged_mlp_step_matches_the_float_floor():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import mlp, suite

    reference = mlp.floor(n=6, steps=2, warmup=1)
    result = mlp.staged(n=6, steps=2, warmup=1)
    assert suite.mismatch(result, reference) is None
    assert result["loss"] == pytest.approx(reference["loss"], rel=1e-12)


def test_the_exercise_leaves_the_backward_half_to_write_and_check_grades_it():
    out, inputs = neuron()
    f = codegen(out, inputs)
    lines = f.exercise.splitlines()
    code = lambda text: [line.split("#")[0].rstrip() for line in text.splitlines()
                         if " = " in line and not line.strip().startswith("#")]
    assert code(f.exercise) == [line for line in code(f.source) if "_grad" not in line]
    assert not any("_grad =" in line or "_grad +=" in line for line in lines)
    rules_listed = [line.strip()[1:].strip() for line in lines if line.strip().startswith("#     d")]
    assert rules_listed == ["d/du tanh(u) = 1 - tanh(u)^2", "d(a+b)/da = 1", "d(a+b)/db = 1",
                            "d(a×b)/da = b", "d(a×b)/db = a"]
    assert lines[-1] == "    return out, [x1_grad, x2_grad, w1_grad, w2_grad, b_grad]"
    written = ["    add2_grad = 1 - out ** 2", "    b_grad = mul1_grad = mul2_grad = add2_grad",
               "    x1_grad, w1_grad = w1 * mul1_grad, x1 * mul1_grad",
               "    x2_grad, w2_grad = w2 * mul2_grad, x2 * mul2_grad"]
    scope = {"math": math}
    exec("\n".join(lines[:-1] + written + lines[-1:]), scope)
    assert f.check(scope["forward_backward"]) is True
    assert codegen(out, inputs, fast=True).exercise == f.exercise


def test_numbers_of_other_real_types_and_a_data_that_is_no_number():
    from fractions import Fraction

    x = Value(1.0, label="x")
    x.data = Fraction(1, 3)
    c = Value(2.0)
    c.data = Fraction(1, 4)
    out = x * c
    f = codegen(out, [x])
    assert f.at == [1 / 3] and "0.25" in f.source
    assert f(*f.at) == (out.data, grad(out, [x]))
    c.data = "two"  # set after the graph was built: the constant cannot be written as a number
    with pytest.raises(TypeError, match="str"):
        codegen(out, [x])


def power(v, k):
    return v**k


SPECIALS = [math.inf, -math.inf, math.nan, 0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 3.0, 1e308, 5e-324]
ALL_UNARY = [lambda v: -v, abs, lambda v: v.exp(), lambda v: v.log(), lambda v: v.sqrt(), lambda v: v.tanh(),
             lambda v: v.sigmoid(), lambda v: v.relu(), lambda v: v.leaky_relu(0.1), lambda v: v.sin(),
             lambda v: v.cos()]
ALL_UNARY += [functools.partial(power, k=k)
              for k in (0.0, 1.0, 2.0, 3.0, -1.0, -2.0, -3.0, 0.5, -0.5, 2.5, math.inf, -math.inf)]


@pytest.mark.parametrize("number", range(len(ALL_UNARY)))
def test_every_unary_op_at_special_values(number):
    """nan, infinities, signed zeros, the largest and the smallest float: the engine's value, or its error."""
    assert_matches(ALL_UNARY[number], [1.5], *[[x] for x in SPECIALS])


@pytest.mark.parametrize("op", sorted(rules.BINARY))
def test_every_binary_op_at_special_values(op):
    from tests.strategies import BINARY_OPERATORS

    assert_matches(BINARY_OPERATORS[op], [1.5, 2.0], *[[x, y] for x in SPECIALS for y in SPECIALS])
