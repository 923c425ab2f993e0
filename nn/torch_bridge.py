"""The same network in PyTorch, both ways: ``to_torch(model)`` and ``from_torch(module)``.

A chainrule layer of nout neurons reading nin inputs is PyTorch's ``Linear(nin, nout)``:
neuron j's weights are row j of the weight matrix and its bias is entry j of the bias,

    Layer:   out_j = activation(w_j . x + b_j)        for j = 1 .. nout
    Linear:  out   = activation(W x + b)               W[j] = w_j, b[j] = b_j

so the two compute the same numbers, one scalar node at a time or one matrix at a time.
Activations map one to one: relu -> ReLU, tanh -> Tanh, sigmoid -> Sigmoid,
leaky_relu -> LeakyReLU(0.01), softmax -> Softmax(dim=-1), linear -> nothing.
Everything is float64 (chainrule's floats), so outputs agree to about 1e-15.

``import nn`` never imports torch: only these two functions do, when they are called.
"""

from __future__ import annotations

from typing import Any

from .module import MLP, Layer, Neuron

__all__ = ["to_torch", "from_torch"]

INSTALL = "pip install torch"
# chainrule's activation -> the name of the torch.nn module computing it (linear: none)
TORCH_ACTIVATIONS = {
    "relu": "ReLU",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "leaky_relu": "LeakyReLU",
    "softmax": "Softmax",
}
LEAKY_SLOPE = 0.01  # chainrule's leaky_relu slope, torch.nn.LeakyReLU's default


def _torch(who: str) -> Any:
    """The torch module, or an ImportError that says how to install it."""
    try:
        import torch
    except ImportError:
        raise ImportError(f"{who} needs PyTorch, which is not installed: {INSTALL}") from None
    return torch


# --- chainrule -> PyTorch ---


def _layers_of(model: Any) -> list[Layer]:
    """The layers of an MLP, a Layer, or a Neuron (a layer of one); TypeError for anything else."""
    if isinstance(model, MLP):
        return list(model.layers)
    if isinstance(model, Layer):
        return [model]
    if isinstance(model, Neuron):
        layer = Layer.__new__(Layer)
        layer.nin, layer.nout, layer.activation, layer.neurons = model.nin, 1, model.activation, [model]
        return [layer]
    raise TypeError(f"nn.to_torch takes an nn.MLP, nn.Layer or nn.Neuron, got {type(model).__name__}")


def _linear(torch: Any, layer: Layer) -> Any:
    """torch.nn.Linear(nin, nout) in float64 holding the layer's weights (row j = neuron j)."""
    linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
    with torch.no_grad():
        weights = [[float(w.data) for w in neuron.w] for neuron in layer.neurons]
        linear.weight.copy_(torch.tensor(weights, dtype=torch.float64))
        linear.bias.copy_(torch.tensor([float(neuron.b.data) for neuron in layer.neurons],
                                       dtype=torch.float64))
    return linear


def _activation_module(torch: Any, activation: str) -> Any:
    """The torch.nn module of a chainrule activation name (None for linear)."""
    if activation == "linear":
        return None
    if activation == "leaky_relu":
        return torch.nn.LeakyReLU(LEAKY_SLOPE)
    if activation == "softmax":
        return torch.nn.Softmax(dim=-1)
    return getattr(torch.nn, TORCH_ACTIVATIONS[activation])()


def to_torch(model: Any) -> Any:
    """A ``torch.nn.Sequential`` of Linear + activation modules, float64, with the same weights.

    model(x) == to_torch(model)(torch.tensor(x, dtype=torch.float64)) to about 1e-15; the
    weights are copied, so training one does not change the other.
    """
    torch = _torch("nn.to_torch")
    modules = []
    for layer in _layers_of(model):
        modules.append(_linear(torch, layer))
        activation = _activation_module(torch, layer.activation)
        if activation is not None:
            modules.append(activation)
    return torch.nn.Sequential(*modules)


# --- PyTorch -> chainrule ---


def _activation_name(torch: Any, module: Any, position: int) -> str:
    """The chainrule name of a torch activation module; ValueError naming an unsupported one."""
    names = [name for name, torch_name in TORCH_ACTIVATIONS.items()
             if type(module) is getattr(torch.nn, torch_name)]
    if not names:
        supported = ", ".join(["Linear", *TORCH_ACTIVATIONS.values()])
        raise ValueError(f"nn.from_torch: module {position} is {type(module).__name__}; "
                         f"supported: {supported}")
    name = names[0]
    if name == "leaky_relu" and module.negative_slope != LEAKY_SLOPE:
        raise ValueError(f"nn.from_torch: module {position} is LeakyReLU({module.negative_slope}); "
                         f"chainrule's leaky_relu has slope {LEAKY_SLOPE}")  # fmt: skip
    if name == "softmax" and module.dim not in (-1, 1):
        raise ValueError(f"nn.from_torch: module {position} is Softmax(dim={module.dim}); "
                         "use dim=-1 (over the outputs)")
    return name


def _pairs(torch: Any, module: Any) -> list[tuple[Any, str]]:
    """(Linear, its activation name) for each Linear of a Sequential, in order."""
    children = [module] if isinstance(module, torch.nn.Linear) else list(module)
    pairs: list[tuple[Any, str]] = []
    for position, child in enumerate(children):
        if isinstance(child, torch.nn.Linear):
            pairs.append((child, "linear"))
        elif not pairs or pairs[-1][1] != "linear":
            where = "first" if not pairs else "second activation in a row"
            raise ValueError(f"nn.from_torch: module {position} ({type(child).__name__}) is the {where}; "
                             "each activation must follow a Linear")  # fmt: skip
        else:
            pairs[-1] = (pairs[-1][0], _activation_name(torch, child, position))
    if not pairs:
        raise ValueError("nn.from_torch: the Sequential holds no Linear module")
    return pairs


def _check_shapes(pairs: list[tuple[Any, str]]) -> None:
    """Each Linear reads what the one before it writes, and has a bias; softmax only at the end."""
    for i, (linear, activation) in enumerate(pairs):
        if linear.bias is None:
            raise ValueError(f"nn.from_torch: Linear {i} has no bias (bias=False); "
                             "chainrule's neurons all have one")
        if i and linear.in_features != pairs[i - 1][0].out_features:
            raise ValueError(f"nn.from_torch: Linear {i} reads {linear.in_features} inputs but the one "
                             f"before it writes {pairs[i - 1][0].out_features}")  # fmt: skip
        if activation == "softmax" and i != len(pairs) - 1:
            raise ValueError(f"nn.from_torch: Softmax after Linear {i}; "
                             "chainrule allows softmax only at the end")


def _hidden_activation(pairs: list[tuple[Any, str]]) -> str:
    """The one activation every hidden layer uses (an MLP has one); ValueError if they differ."""
    hidden = {activation for _, activation in pairs[:-1]}
    if len(hidden) > 1:
        raise ValueError(f"nn.from_torch: the hidden layers use different activations {sorted(hidden)}; "
                         "an nn.MLP has one hidden activation")  # fmt: skip
    return hidden.pop() if hidden else "relu"


def from_torch(module: Any) -> MLP:
    """An ``nn.MLP`` with the weights of a Sequential of Linear and supported activation modules.

    Supported: Linear (with bias) and ReLU, Tanh, Sigmoid, LeakyReLU(0.01), Softmax(dim=-1)
    (last only); the hidden layers share one activation. Weights are copied as floats.
    """
    torch = _torch("nn.from_torch")
    if not isinstance(module, (torch.nn.Sequential, torch.nn.Linear)):
        raise TypeError("nn.from_torch takes a torch.nn.Sequential (or a Linear), "
                        f"got {type(module).__name__}")
    pairs = _pairs(torch, module)
    _check_shapes(pairs)
    sizes = [linear.out_features for linear, _ in pairs]
    model = MLP(pairs[0][0].in_features, sizes, _hidden_activation(pairs), pairs[-1][1], init="zeros")
    for layer, (linear, _) in zip(model.layers, pairs, strict=True):
        weights = linear.weight.detach().double().tolist()
        biases = linear.bias.detach().double().tolist()
        for neuron, row, bias in zip(layer.neurons, weights, biases, strict=True):
            for weight, number in zip(neuron.w, row, strict=True):
                weight.data = number
            neuron.b.data = bias
    return model
