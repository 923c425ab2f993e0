"""autograd.to_pytorch_source: the generated PyTorch code prints chainrule's value and gradients."""

import ast
import json
import re
import subprocess
import sys

import pytest

import nn
from autograd import Value, define_op, grad, rules, to_pytorch_source
from autograd.presentation import cli


def _leaves(*pairs):
    return [Value(value, label=label) for label, value in pairs]


def _expression():
    x, w, b = _leaves(("x", 2.0), ("w", -3.0), ("b", 6.88))
    out = (x * w + b).tanh() ** 2 / (x.exp() + 1) - x.leaky_relu(0.2) + abs(w).sqrt() - x.relu() * 0.5
    return out, [x, w, b]


def _square():
    (x,) = _leaves(("x", -1.5))
    return x * x, [x]


def _diamond_with_constants_left_and_powers():
    a, b = _leaves(("a", 1.3), ("b", 0.7))
    shared = a * b
    out = (3 - shared) * shared.sigmoid() + (1 / a) + a**b + (-b).cos() * b.sin() + (2 ** a).log()
    return out, [a, b]


def _neuron_layer_and_loss():
    model = nn.MLP(3, [4, 2], activation="tanh", seed=1)
    loss = nn.losses.cross_entropy([model([0.5, -1.0, 2.0]), model([1.0, 0.0, -0.5])], [1, 0])
    return loss, model.parameters()


def _odd_labels_unreached_and_intermediate_inputs():
    x, y, z, k = _leaves(("x y", 0.4), ("for", 1.1), ("1z", 2.0), ("unused", 5.0))
    middle = x * y
    middle.label = "torch"
    return (middle + z).tanh() * middle, [x, middle, k, z]


CASES = {
    "expression": _expression,
    "x*x": _square,
    "diamond": _diamond_with_constants_left_and_powers,
    "mlp": _neuron_layer_and_loss,
    "labels": _odd_labels_unreached_and_intermediate_inputs,
}

RUNNER = """
import contextlib, io, json, sys
results = {}
for name, source in json.loads(sys.stdin.read()).items():
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(source, name, "exec"), {})
    results[name] = printed.getvalue().splitlines()
print(json.dumps(results))
"""


def _printed_numbers(lines):
    return [float(line.rsplit("=", 1)[1]) for line in lines]


def test_generated_code_prints_the_same_value_and_gradients():
    pytest.importorskip("torch")
    sources, expected = {}, {}
    for name, make in CASES.items():
        out, inputs = make()
        sources[name] = to_pytorch_source(out, inputs)
        expected[name] = [out.data, *grad(out, inputs)]
    run = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps(sources), capture_output=True,
                         text=True, timeout=120, check=True)  # fmt: skip
    printed = json.loads(run.stdout)
    for name in CASES:
        numbers = _printed_numbers(printed[name])
        assert len(numbers) == len(expected[name]), name
        assert numbers == pytest.approx(expected[name], rel=1e-12, abs=1e-14), name
        assert any(number != 0 for number in numbers[1:]), name


def test_one_line_per_node_each_from_its_row():
    out, inputs = _diamond_with_constants_left_and_powers()
    source = to_pytorch_source(out, inputs)
    ast.parse(source)
    op_lines = [line for line in source.splitlines() if "  # \"" in line]
    from autograd import topological_order

    ops = [node.op for node in topological_order(out) if not node.is_leaf]
    assert len(op_lines) == len(ops)
    # every torch function the code calls is named in the PyTorch column of the rule table
    allowed = {text for table in rules.TABLES for rule in table.values() if isinstance(rule.pytorch, str)
               for text in [rule.pytorch.split("(")[0]] if text.startswith("torch.")}  # fmt: skip
    called = {word.split("(")[0] for line in op_lines for word in line.split(" = ", 1)[1].split()
              if "torch." in word}
    assert called and called <= allowed


def test_sanitised_names_and_no_user_text_outside_comments():
    out, inputs = _odd_labels_unreached_and_intermediate_inputs()
    source = to_pytorch_source(out, inputs)
    tree = ast.parse(source)
    assigned = [node.targets[0].id for node in tree.body if isinstance(node, ast.Assign)]
    assert {"x_y", "_for", "_1z", "torch_2"} <= set(assigned)
    assert len(assigned) == len(set(assigned))
    assert "torch_2.retain_grad()" in source
    assert "unused does not reach" in source


def test_a_label_cannot_escape_its_name_or_string():
    x = Value(1.0, label='x"); import os; os.system("echo hacked')
    code = to_pytorch_source(x * 2, [x])
    calls = {ast.unparse(node.func) for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Call)}
    identifier = re.sub(r"\W", "_", x.label)
    assert calls == {"torch.tensor", "print", "mul1.backward", "mul1.item", f"{identifier}.grad.item"}


def test_an_op_without_a_pytorch_form_is_refused_by_name():
    x = Value(0.5, label="x")
    before = set(rules.UNARY)
    try:
        softsign = define_op("softsign_for_test", forward=lambda u: u / (1 + abs(u)),
                             local=lambda u, out: 1 / (1 + abs(u)) ** 2,
                             formula="d/du = 1/(1+|u|)^2")  # fmt: skip
        with pytest.raises(ValueError, match="softsign_for_test.*no PyTorch form"):
            to_pytorch_source(softsign(x), [x])
    finally:
        for op in set(rules.UNARY) - before:
            del rules.UNARY[op]


def test_non_finite_leaves_and_bad_arguments():
    x = Value(float("inf"), label="x")
    assert 'torch.tensor(float("inf")' in to_pytorch_source(x.tanh(), [x])
    with pytest.raises(TypeError, match="out must be a Value"):
        to_pytorch_source(2.0, [])
    with pytest.raises(TypeError, match="list of Values"):
        to_pytorch_source(x, x)
    with pytest.raises(TypeError, match="every input must be a Value"):
        to_pytorch_source(x, [1.0])


def test_cli_as_pytorch_prints_the_code(capsys):
    assert cli.main(["explain", "tanh(x*w + b)", "x=2", "w=-3", "b=6.88", "--as-pytorch"]) == 0
    printed = capsys.readouterr().out
    ast.parse(printed)
    assert "import torch" in printed and "torch.tanh(add1)" in printed
    assert "x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)" in printed
    assert "backward (the chain rule" not in printed


def test_the_docstring_example_runs():
    import doctest

    from autograd.presentation import pytorch_source

    failed, attempted = doctest.testmod(pytorch_source)
    assert attempted >= 2 and failed == 0
