"""nn.to_torch / nn.from_torch: the same outputs and the same gradients in both engines."""

import random
import subprocess
import sys

import pytest

import nn
from nn import losses

ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu", "linear"]
OUTPUTS = ["linear", "softmax", "sigmoid", "tanh"]


def _inputs(n, nin, seed):
    rng = random.Random(seed)
    return [[rng.uniform(-2.0, 2.0) for _ in range(nin)] for _ in range(n)]


def _torch_grads(module):
    """Every parameter's gradient, as chainrule orders them: neuron by neuron, weights then bias."""
    linears = [m for m in module if hasattr(m, "weight")]
    grads = []
    for linear in linears:
        for row, bias in zip(linear.weight.grad.tolist(), linear.bias.grad.tolist(), strict=True):
            grads += [*row, bias]
    return grads


def _mse_loss_both(model, module, X, torch):
    outputs = [model(x) for x in X]
    loss = losses.mse([o for out in outputs for o in out], [0.5] * sum(map(len, outputs)))
    loss.backward()
    torch_out = module(torch.tensor(X, dtype=torch.float64))
    torch_loss = ((torch_out - 0.5) ** 2).mean()
    torch_loss.backward()
    return outputs, torch_out, loss, torch_loss


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output_activation", OUTPUTS)
def test_to_torch_same_outputs_and_gradients(activation, output_activation):
    torch = pytest.importorskip("torch")
    model = nn.MLP(3, [5, 4, 3], activation=activation, output_activation=output_activation, seed=7)
    module = nn.to_torch(model)
    X = _inputs(6, 3, seed=1)
    outputs, torch_out, loss, torch_loss = _mse_loss_both(model, module, X, torch)
    assert [o.data for out in outputs for o in out] == pytest.approx(torch_out.flatten().tolist(), abs=1e-12,
                                                                     rel=0)
    assert loss.data == pytest.approx(torch_loss.item(), abs=1e-12, rel=0)
    grads = [p.grad for p in model.parameters()]
    assert any(g != 0 for g in grads)
    assert grads == pytest.approx(_torch_grads(module), abs=1e-10, rel=0)


def test_to_torch_structure_float64_and_independent_copy():
    torch = pytest.importorskip("torch")
    model = nn.MLP(2, [4, 3], activation="leaky_relu", output_activation="softmax", seed=0)
    module = nn.to_torch(model)
    kinds = [type(m).__name__ for m in module]
    assert kinds == ["Linear", "LeakyReLU", "Linear", "Softmax"]
    assert module[1].negative_slope == 0.01
    assert all(p.dtype == torch.float64 for p in module.parameters())
    assert module[0].weight[2, 1].item() == model.layers[0].neurons[2].w[1].data
    assert module[2].bias[1].item() == model.layers[1].neurons[1].b.data
    with torch.no_grad():
        module[0].weight[0, 0] = 123.0
    assert model.layers[0].neurons[0].w[0].data != 123.0


def test_to_torch_of_a_layer_and_a_neuron():
    torch = pytest.importorskip("torch")
    x = [0.3, -1.2, 0.8]
    layer = nn.Layer(3, 2, activation="tanh", seed=3)
    assert [type(m).__name__ for m in nn.to_torch(layer)] == ["Linear", "Tanh"]
    expected = [v.data for v in layer(x)]
    assert (nn.to_torch(layer)(torch.tensor(x, dtype=torch.float64)).tolist()
            == pytest.approx(expected, abs=1e-12))
    neuron = nn.Neuron(3, activation="sigmoid", seed=3)
    out = nn.to_torch(neuron)(torch.tensor(x, dtype=torch.float64))
    assert out.tolist() == pytest.approx([neuron(x).data], abs=1e-12)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output_activation", OUTPUTS)
def test_from_torch_same_outputs_and_gradients(activation, output_activation):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    names = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "softmax": "Softmax"}

    def act(name):
        if name == "linear":
            return []
        if name == "leaky_relu":
            return [torch.nn.LeakyReLU(0.01)]
        if name == "softmax":
            return [torch.nn.Softmax(dim=-1)]
        return [getattr(torch.nn, names[name])()]

    module = torch.nn.Sequential(
        torch.nn.Linear(4, 6), *act(activation), torch.nn.Linear(6, 3), *act(output_activation)
    ).double()
    model = nn.from_torch(module)
    assert model.activation == activation and model.output_activation == output_activation
    assert [layer.nout for layer in model.layers] == [6, 3]
    X = _inputs(5, 4, seed=2)
    outputs, torch_out, loss, torch_loss = _mse_loss_both(model, module, X, torch)
    assert [o.data for out in outputs for o in out] == pytest.approx(torch_out.flatten().tolist(), abs=1e-12,
                                                                     rel=0)
    assert [p.grad for p in model.parameters()] == pytest.approx(_torch_grads(module), abs=1e-10, rel=0)


def test_round_trip_and_cross_entropy_gradients():
    torch = pytest.importorskip("torch")
    model = nn.MLP(4, [8, 3], activation="tanh", seed=5)
    back = nn.from_torch(nn.to_torch(model))
    assert [p.data for p in back.parameters()] == [p.data for p in model.parameters()]
    module = nn.to_torch(back)
    X, y = _inputs(7, 4, seed=3), [0, 1, 2, 1, 0, 2, 2]
    loss = losses.cross_entropy([back(x) for x in X], y)
    loss.backward()
    torch_loss = torch.nn.functional.cross_entropy(module(torch.tensor(X, dtype=torch.float64)),
                                                   torch.tensor(y))
    torch_loss.backward()
    assert loss.data == pytest.approx(torch_loss.item(), abs=1e-12, rel=0)
    assert [p.grad for p in back.parameters()] == pytest.approx(_torch_grads(module), abs=1e-10, rel=0)


def test_from_torch_refuses_what_an_mlp_cannot_be():
    torch = pytest.importorskip("torch")
    L = torch.nn.Linear
    cases = [
        (torch.nn.Sequential(L(2, 3), torch.nn.GELU(), L(3, 1)), "GELU"),
        (torch.nn.Sequential(L(2, 3), torch.nn.LeakyReLU(0.2), L(3, 1)), "LeakyReLU(0.2)"),
        (torch.nn.Sequential(torch.nn.ReLU(), L(2, 1)), "first"),
        (torch.nn.Sequential(L(2, 3), torch.nn.ReLU(), torch.nn.Tanh(), L(3, 1)), "in a row"),
        (torch.nn.Sequential(L(2, 3), L(4, 1)), "reads 4 inputs"),
        (torch.nn.Sequential(L(2, 3, bias=False)), "no bias"),
        (torch.nn.Sequential(L(2, 3), torch.nn.Softmax(dim=-1), L(3, 1)), "only at the end"),
        (torch.nn.Sequential(L(2, 3), torch.nn.Softmax(dim=0)), "dim=0"),
        (torch.nn.Sequential(L(2, 3), torch.nn.ReLU(), L(3, 3), torch.nn.Tanh(), L(3, 1)), "different"),
        (torch.nn.Sequential(), "no Linear"),
    ]
    for module, words in cases:
        with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
            nn.from_torch(module)
    with pytest.raises(TypeError, match="torch.nn.Sequential"):
        nn.from_torch([L(2, 3)])


def test_from_torch_accepts_float32_and_a_lone_linear():
    torch = pytest.importorskip("torch")
    linear = torch.nn.Linear(3, 2)
    model = nn.from_torch(linear)
    assert model.output_activation == "linear"
    assert model.layers[0].neurons[1].w[2].data == linear.weight[1, 2].item()


def test_to_torch_refuses_what_is_not_a_model():
    pytest.importorskip("torch")
    with pytest.raises(TypeError, match="nn.MLP"):
        nn.to_torch([1, 2, 3])


def test_missing_torch_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    model = nn.MLP(2, [2], seed=0)
    with pytest.raises(ImportError, match="pip install torch"):
        nn.to_torch(model)
    with pytest.raises(ImportError, match=r"nn.from_torch needs PyTorch.*pip install torch"):
        nn.from_torch(object())


def test_import_nn_never_imports_torch():
    code = "import sys, nn; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
