"""Numerical edge cases, each written down here with the answer we give and PyTorch's.

    kinks               relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = slope (also at -0.0), as PyTorch
    0 ** 0              = 1; d/dx x**0 = 0 everywhere (also at x = 0); d/db 0**b at b = 0 is 0
    x ** 0              = 1 for any x, even inf and nan (IEEE pow), derivative 0
    negative base       (-2)**3, (-2)**-1, (-0.5)**-2 with first and second derivatives as PyTorch;
                        d/db of a**b for a < 0 is nan (ln a undefined), as PyTorch
    subnormal values    5e-324 keeps flowing: x*x underflows to 0 with the right gradient,
                        log/sqrt of a subnormal give PyTorch's (inf / 2e161) derivatives
    huge values         1e308 * 10 = inf (IEEE, no error); exp and ** raise OverflowError naming the op
    saturation          sigmoid, tanh, BCE-with-logits and softmax at +-1e4 (and +-800, past exp's range)
                        are finite, exact (0, 1, +-1e4) and match PyTorch, value and gradient
    log-sum-exp         cross_entropy and log_softmax of [1e4, -1e4, 0] are exact (no inf, no nan)
    nan                 propagates through every op as PyTorch
"""

from __future__ import annotations

import math

import pytest

import nn
from autograd import Value, grad

torch = pytest.importorskip("torch")
F = torch.nn.functional
NAN, INF = math.nan, math.inf


def tensor(x):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def same(a: float, b: float) -> bool:
    """Equal, or both nan (bit-for-bit agreement of values that are not nan)."""
    return (math.isnan(a) and math.isnan(b)) or a == b


def first_and_second(f_ours, f_torch, x: float):
    v = Value(x)
    out = f_ours(v)
    (first,) = grad(out, [v], create_graph=True)
    second = grad(first, [v])[0] if isinstance(first, Value) else 0.0
    t = tensor(x)
    t_out = f_torch(t)
    (t_first,) = torch.autograd.grad(t_out, t, create_graph=True)
    t_second = torch.autograd.grad(t_first, t)[0].item() if t_first.requires_grad else 0.0
    first_value = first.data if isinstance(first, Value) else first
    return (out.data, first_value, second), (t_out.item(), t_first.item(), t_second)


@pytest.mark.parametrize("x", [0.0, -0.0])
@pytest.mark.parametrize("op", ["relu", "abs", "leaky_relu"])
def test_kinks_use_pytorchs_subgradient(op, x):
    f_ours = {"relu": Value.relu, "abs": abs, "leaky_relu": lambda v: v.leaky_relu(0.01)}[op]
    f_torch = {"relu": torch.relu, "abs": torch.abs, "leaky_relu": lambda t: F.leaky_relu(t, 0.01)}[op]
    ours, theirs = first_and_second(f_ours, f_torch, x)
    assert ours == theirs
    assert ours[1] == {"relu": 0.0, "abs": 0.0, "leaky_relu": 0.01}[op]


@pytest.mark.parametrize("x", [0.0, -0.0, 2.0, -2.0, 1e300, INF])
def test_x_to_the_zero_is_one_with_derivative_zero(x):
    v = Value(x)
    y = v**0
    y.backward()
    assert y.data == 1.0 and v.grad == 0.0
    t = tensor(x)
    (t**0).backward()
    assert t.grad.item() == 0.0


def test_zero_to_the_zero_with_a_value_exponent_matches_pytorch():
    a, b = Value(0.0), Value(0.0)
    y = a**b
    y.backward()
    ta, tb = tensor(0.0), tensor(0.0)
    (ta**tb).backward()
    assert (y.data, a.grad, b.grad) == (1.0, ta.grad.item(), tb.grad.item()) == (1.0, 0.0, 0.0)


def test_nan_to_the_zero_is_one_as_ieee_pow():
    assert (Value(NAN) ** 0).data == 1.0 == (torch.tensor(NAN) ** 0).item()


@pytest.mark.parametrize(("base", "k"), [(-2.0, 3), (-2.0, -1), (-2.0, 2), (-0.5, -2), (-3.0, 0), (-1.0, 5)])
def test_negative_bases_with_integer_exponents_match_pytorch_to_second_order(base, k):
    ours, theirs = first_and_second(lambda v: v**k, lambda t: t**k, base)
    assert ours == pytest.approx(theirs, rel=1e-15)
    a, e = Value(base), Value(float(k))
    y = a**e
    y.backward()
    ta, te = tensor(base), tensor(float(k))
    (ta**te).backward()
    assert y.data == (ta**te).item() and a.grad == pytest.approx(ta.grad.item(), rel=1e-15)
    assert math.isnan(e.grad) and math.isnan(te.grad.item())  # d/db a**b = a**b ln(a): ln of a negative


@pytest.mark.parametrize("base", [-8.0, -0.1])
def test_negative_base_with_a_fractional_exponent_is_refused(base):
    x = Value(base)
    with pytest.raises(ValueError, match="negative base needs an integer exponent"):
        x ** (1 / 3)
    with pytest.raises(ValueError, match="negative base needs an integer exponent"):
        x ** Value(0.5)
    assert x.grad == 0.0


def test_subnormal_values_flow_as_pytorch():
    tiny = 5e-324
    x = Value(tiny)
    y = x * x
    y.backward()
    assert y.data == 0.0 and x.grad == 2 * tiny == 1e-323
    for name in ("log", "sqrt"):
        ours, theirs = first_and_second(getattr(Value, name), getattr(torch, name), tiny)
        assert ours[:2] == theirs[:2]
    assert (Value(1.0) / 1e-320).data == 1.0 / 1e-320


def test_huge_values_overflow_to_inf_for_arithmetic_and_raise_for_exp_and_pow():
    x = Value(1e308)
    y = x * 10
    y.backward()
    assert y.data == INF and x.grad == 10.0
    assert (x + x).data == INF
    with pytest.raises(OverflowError, match="exp"):
        Value(710.0).exp()
    with pytest.raises(OverflowError, match=r"\*\*"):
        Value(1e200) ** 2
    with pytest.raises(OverflowError, match=r"\*\*"):
        Value(2.0) ** Value(2000.0)
    assert (Value(709.0).exp()).data == math.exp(709.0)
    assert x.grad == 10.0  # the failed ops changed nothing


@pytest.mark.parametrize("z", [1e4, -1e4, 800.0, -800.0, 37.0, -745.0])
def test_sigmoid_and_tanh_saturate_exactly_as_pytorch(z):
    for ours_f, torch_f in ((Value.sigmoid, torch.sigmoid), (Value.tanh, torch.tanh)):
        ours, theirs = first_and_second(ours_f, torch_f, z)
        assert all(math.isfinite(v) for v in ours)
        assert ours == pytest.approx(theirs, abs=1e-300)


@pytest.mark.parametrize("z", [1e4, -1e4, 800.0, -800.0, 0.0])
@pytest.mark.parametrize("target", [0.0, 1.0, 0.25])
def test_bce_with_logits_is_exact_at_huge_logits(z, target):
    x = Value(z)
    loss = nn.losses.binary_cross_entropy_with_logits([x], [target])
    loss.backward()
    t = tensor(z)
    t_loss = F.binary_cross_entropy_with_logits(t, torch.tensor(target, dtype=torch.float64))
    t_loss.backward()
    assert math.isfinite(loss.data) and loss.data == pytest.approx(t_loss.item(), rel=1e-15, abs=1e-300)
    assert x.grad == pytest.approx(t.grad.item(), rel=1e-15, abs=1e-300)


def test_softmax_log_softmax_and_cross_entropy_are_stable_at_1e4():
    logits = [1e4, -1e4, 0.0]
    assert ([v.data for v in nn.softmax(logits)]
            == torch.softmax(torch.tensor(logits, dtype=torch.float64), 0).tolist())
    assert [v.data for v in nn.log_softmax(logits)] == [0.0, -2e4, -1e4]
    for target in range(3):
        row = [Value(z) for z in logits]
        loss = nn.losses.cross_entropy([row], [target])
        loss.backward()
        t = tensor(logits)
        t_loss = F.cross_entropy(t.unsqueeze(0), torch.tensor([target]))
        t_loss.backward()
        assert loss.data == t_loss.item() == [0.0, 2e4, 1e4][target]
        assert [v.grad for v in row] == t.grad.tolist()


def test_log_sum_exp_of_equal_huge_logits_is_exact():
    row = [Value(1e4)] * 1 + [Value(1e4), Value(1e4)]
    loss = nn.losses.cross_entropy([row], [0])
    loss.backward()
    assert loss.data == pytest.approx(math.log(3), rel=1e-15)
    assert [v.grad for v in row] == pytest.approx([1 / 3 - 1, 1 / 3, 1 / 3], rel=1e-14)


@pytest.mark.parametrize("op", [
    "neg",
    "abs",
    "exp",
    "log",
    "sqrt",
    "tanh",
    "sigmoid",
    "leaky_relu",
    "sin",
    "cos",
])
def test_nan_propagates_through_every_op_as_pytorch(op):
    apply = {"neg": lambda v: -v, "abs": abs}.get(op) or getattr(Value, op)
    ours = apply(Value(NAN)).data
    f_torch = {"neg": torch.neg, "leaky_relu": F.leaky_relu, "sigmoid": torch.sigmoid}.get(
        op, getattr(torch, op, None))
    assert math.isnan(ours) and math.isnan(f_torch(torch.tensor(NAN, dtype=torch.float64)).item())


def test_relu_of_nan_is_nan_as_pytorch():
    assert math.isnan(torch.relu(torch.tensor(NAN)).item())
    assert math.isnan(Value(NAN).relu().data)
    x = Value(NAN)
    x.relu().backward()
    assert x.grad == 1.0  # PyTorch's threshold_backward: 0 only where x <= 0


def test_hinge_of_a_nan_score_is_nan():
    assert math.isnan(nn.losses.hinge([Value(NAN)], [1.0]).data)


def test_second_derivative_through_a_value_exponent_that_is_exactly_zero():
    """f(x) = x ** ln(x) = exp(ln(x)^2): f'(1) = 0 and f''(1) = 2 (PyTorch says 1 there: its pow
    backward masks the base's derivative where the exponent is 0, cutting d/db of it too)."""
    x = Value(1.0)
    y = x ** x.log()
    (first,) = grad(y, [x], create_graph=True)
    (second,) = grad(first, [x])
    assert (y.data, first.data, second) == (1.0, 0.0, 2.0)
    t = tensor(1.0)
    (t_first,) = torch.autograd.grad(t ** torch.log(t), t, create_graph=True)
    assert torch.autograd.grad(t_first, t)[0].item() == 1.0  # the PyTorch artefact: half of it is cut


def test_sqrt_at_zero_gives_an_infinite_gradient_not_an_exception():
    x = Value(0.0)
    y = x.sqrt()
    y.backward()
    t = tensor(0.0)
    torch.sqrt(t).backward()
    assert y.data == 0.0 and x.grad == INF == t.grad.item()
    x = Value(0.0)
    y = x**0.5
    y.backward()
    assert x.grad == INF


def test_fit_with_hinge_notices_nan_weights():
    model = nn.MLP(1, [1], seed=0)
    for p in model.parameters():
        p.data = NAN
    with pytest.raises(FloatingPointError, match="epoch 1"):
        nn.fit(model, [[1.0], [-1.0]], [1, -1], loss="hinge", epochs=3, progress=False)
