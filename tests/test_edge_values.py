"""Edge values against PyTorch float64: signed zeros, infinite derivatives of higher order, and a
graph far deeper than Python's recursion limit through pickle."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import pytest

from autograd import Value, grad

UNARY = {
    "relu": (lambda v: v.relu(), "torch.relu"),
    "leaky_relu": (lambda v: v.leaky_relu(), "torch.nn.functional.leaky_relu"),
    "abs": (lambda v: abs(v), "torch.abs"),
    "neg": (lambda v: -v, "torch.neg"),
    "times zero": (lambda v: v * 0.0, "lambda t: t * 0.0"),
    "tanh": (lambda v: v.tanh(), "torch.tanh"),
    "sqrt": (lambda v: v.sqrt(), "torch.sqrt"),
    "sin": (lambda v: v.sin(), "torch.sin"),
    "sigmoid": (lambda v: v.sigmoid(), "torch.sigmoid"),
}


def same_number(a: float, b: float) -> bool:
    """Equal, with the sign of a zero or an infinity compared too; nan equals nan."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


@pytest.mark.parametrize("x0", [0.0, -0.0])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_signed_zero_forward_values_and_gradients_match_pytorch(name, x0):
    torch = pytest.importorskip("torch")
    ours, theirs = UNARY[name]
    function = eval(theirs, {"torch": torch})
    x = Value(x0)
    y = ours(x)
    y.backward()
    t = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    out = function(t)
    out.backward()
    assert same_number(y.data, out.item()), f"{name}({x0}) = {y.data}, PyTorch {out.item()}"
    # gradients are equal numbers; a -0.0 gradient may read 0.0 here, since .grad starts at 0.0
    # (PyTorch's starts as None): the README's numerical conventions say so
    assert x.grad == t.grad.item() or (math.isnan(x.grad) and math.isnan(t.grad.item()))
    if math.isinf(x.grad):
        assert same_number(x.grad, t.grad.item())


def test_relu_of_negative_zero_keeps_its_sign_as_pytorch():
    y = Value(-0.0).relu()
    assert math.copysign(1.0, y.data) == -1.0


def test_the_second_derivative_of_sqrt_at_zero_is_minus_infinity_as_pytorch():
    x = Value(0.0)
    (first,) = grad(x.sqrt(), [x], create_graph=True)
    (second,) = grad(first, [x])
    assert first.data == math.inf and second == -math.inf  # d2/dx2 sqrt x = -1 / (4 x^1.5)


def test_the_second_derivative_of_sqrt_at_zero_matches_torch():
    torch = pytest.importorskip("torch")
    t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (first,) = torch.autograd.grad(t.sqrt(), t, create_graph=True)
    (second,) = torch.autograd.grad(first, t)
    x = Value(0.0)
    (ours_first,) = grad(x.sqrt(), [x], create_graph=True)
    (ours_second,) = grad(ours_first, [x])
    assert same_number(ours_second, second.item())


def test_a_200000_level_graph_pickles_and_unpickles_with_a_raised_recursion_limit():
    """Pickling is iterative (as deepcopy's memo): a raised limit must not let the C stack overflow."""
    script = textwrap.dedent("""
        import pickle, sys
        sys.setrecursionlimit(1_000_000)
        from autograd import Value
        x = Value(1.0, label="x")
        y = x
        for _ in range(100_000):  # 200,000 levels: mul, add
            y = y * 1.0 + 0.0
        copy = pickle.loads(pickle.dumps(y))
        copy.backward()
        leaf = copy
        while leaf.parents:
            leaf = leaf.parents[0]
        print(leaf.label, leaf.grad, copy.data)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["x", "1.0", "1.0"]
