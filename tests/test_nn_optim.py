"""nn.optim.SGD: steps by hand, momentum against PyTorch's trajectory, bad arguments."""

import math
import random

import pytest

import nn
from autograd import Value
from nn.optim import SGD


def test_plain_step_by_hand():
    w = Value(1.0)
    opt = SGD([w], lr=0.1)
    (w * w).backward()  # grad 2w = 2
    opt.step()
    assert w.data == pytest.approx(0.8)


def test_momentum_by_hand_repeats_a_fraction_of_the_previous_step():
    w = Value(0.0)
    opt = SGD([w], lr=0.1, momentum=0.5)
    steps = []
    for _ in range(3):  # constant gradient 1: Delta = -0.1, -0.15, -0.175
        before = w.data
        opt.zero_grad()
        w.grad = 1.0
        opt.step()
        steps.append(w.data - before)
    assert steps == pytest.approx([-0.1, -0.15, -0.175], abs=1e-15)


def test_zero_grad_clears_the_gradients():
    a, b = Value(1.0), Value(2.0)
    opt = SGD([a, b], lr=0.1)
    (a * b).backward()
    opt.zero_grad()
    assert a.grad == 0.0 and b.grad == 0.0


def test_accepts_a_generator_and_a_model_and_steps_every_parameter():
    model = nn.MLP(2, [3, 1], seed=0)
    opt = SGD(iter(model.parameters()), lr=0.5)
    before = [p.data for p in model.parameters()]
    for p in model.parameters():
        p.grad = 1.0
    opt.step()
    assert [p.data for p in model.parameters()] == pytest.approx([x - 0.5 for x in before], abs=1e-15)


def test_twenty_momentum_steps_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = random.Random(0)
    model = nn.MLP(3, [5, 4, 2], activation="tanh", init="xavier", seed=0)
    X = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(8)]
    y = [rng.randrange(2) for _ in range(8)]

    layers = []
    for layer in model.layers:
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        layers.append(linear)
    torch_params = [p for linear in layers for p in (linear.weight, linear.bias)]
    torch_opt = torch.optim.SGD(torch_params, lr=0.3, momentum=0.9, dampening=0)
    opt = SGD(model.parameters(), lr=0.3, momentum=0.9)
    inputs, targets = torch.tensor(X, dtype=torch.float64), torch.tensor(y)

    for _ in range(20):
        opt.zero_grad()
        loss = nn.losses.cross_entropy([model(x) for x in X], y)
        loss.backward()
        opt.step()
        torch_opt.zero_grad()
        out = inputs
        for i, linear in enumerate(layers):
            out = linear(out)
            out = torch.tanh(out) if i < len(layers) - 1 else out
        torch_loss = torch.nn.functional.cross_entropy(out, targets)
        torch_loss.backward()
        torch_opt.step()
        assert loss.data == pytest.approx(torch_loss.item(), abs=1e-9)

    ours = [p.data for p in model.parameters()]
    theirs = []
    for linear in layers:
        for row, bias in zip(linear.weight.tolist(), linear.bias.tolist(), strict=True):
            theirs += row + [bias]
    assert ours == pytest.approx(theirs, abs=1e-9)
    assert max(abs(a - b) for a, b in zip(ours, [p.data for p in nn.MLP(3, [5, 4, 2], activation="tanh",
                                                                      init="xavier", seed=0).parameters()],
                                         strict=True)) > 0.01  # training moved them


@pytest.mark.parametrize("kwargs, error, message", [
    ({"lr": 0.0}, ValueError, "lr must be a positive"),
    ({"lr": -0.1}, ValueError, "lr must be a positive"),
    ({"lr": math.inf}, ValueError, "lr must be a positive"),
    ({"lr": math.nan}, ValueError, "lr must be a positive"),
    ({"lr": "0.1"}, TypeError, "lr must be a number"),
    ({"momentum": 1.0}, ValueError, r"momentum must lie in \[0, 1\)"),
    ({"momentum": -0.1}, ValueError, r"momentum must lie in \[0, 1\)"),
    ({"momentum": math.nan}, ValueError, r"momentum must lie in \[0, 1\)"),
])
def test_bad_rates(kwargs, error, message):
    with pytest.raises(error, match=message):
        SGD([Value(1.0)], **kwargs)


def test_bad_params():
    with pytest.raises(ValueError, match="empty"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match=r"params\[1\] is a float"):
        SGD([Value(1.0), 2.0], lr=0.1)
    with pytest.raises(TypeError):
        SGD(Value(1.0), lr=0.1)
    v = Value(1.0)
    with pytest.raises(ValueError, match="twice"):
        SGD([v, v], lr=0.1)


def test_docstring_states_the_pytorch_equivalence():
    doc = SGD.__doc__
    assert "momentum * Delta_{t-1} - lr * g_t" in doc and "dampening=0" in doc
