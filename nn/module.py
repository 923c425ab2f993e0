"""Neurons, layers and multi-layer perceptrons, built from ``autograd.Value``.

A neuron computes  out = activation(w . x + b) = activation(w_1 x_1 + ... + w_n x_n + b).
The weighted sum is ONE graph node (``autograd.dot``) whose local derivatives are

    d/dw_i = x_i      d/dx_i = w_i      d/db = 1

so backward through a neuron is one chain-rule step per weight, not a chain of
``+`` and ``*`` nodes. A layer is a list of neurons reading the same inputs; an MLP
is a list of layers, each reading the previous layer's outputs.
"""

from __future__ import annotations

import numbers
import random
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, checks, dot, dots

from . import init as init_module
from .losses import softmax

# name -> the Value method applying it (None: linear, the identity)
ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,  # slope 0.01, as torch.nn.LeakyReLU
    "linear": None,
}
# a layer may also normalise its whole output: softmax(z)_i = e^{z_i} / sum_j e^{z_j}
LAYER_ACTIVATIONS = (*ACTIVATIONS, "softmax")


class Outputs(list):
    """A layer's or an MLP's outputs: a plain list of Values, with a helpful error for Value methods.

    micrograd's MLP returns a bare Value when the last layer has one neuron; chainrule always
    returns a list, so ``model(x).backward()`` would be a bare AttributeError. Here it says what to
    do instead: pick an output, ``out[0].backward()``.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        """Only for names a list lacks: the advice when Value has the name, a plain error otherwise."""
        if name.startswith("__") or not hasattr(Value, name):
            raise AttributeError(f"'list' object has no attribute {name!r}")
        raise AttributeError(
            f"a layer's or an MLP's output is a list of {len(self)} Value{'' if len(self) == 1 else 's'}, "
            f"not a Value, so it has no "
            f".{name}: pick an output, e.g. out[0].{name}"
            + ("()" if callable(getattr(Value, name)) else "")
            + " (chainrule's outputs are always lists, even for one neuron)"
        )


def _check_activation(activation: Any, known: Sequence[str]) -> str:
    if isinstance(activation, str) and activation in known:
        return activation
    names = ", ".join(repr(name) for name in known)
    raise ValueError(f"unknown activation {activation!r}: use one of {names}")


def _check_size(name: str, size: Any) -> int:
    return checks.count(size, name)


def _make_rng(seed: Any) -> random.Random:
    """A generator of our own: seeded if seed is given, never the global one."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, str, bytes))):
        raise TypeError(f"seed must be an int (or None), got {type(seed).__name__}: {seed!r}")
    return random.Random(seed)


def _inputs(x: Any, nin: int, who: str) -> tuple[Value, ...]:
    """x as a tuple of Values, after checking its length; numbers become constant leaves.

    Called once per forward pass of a whole layer or MLP, so the first layer's neurons
    all share the same input nodes instead of each making its own.
    """
    if isinstance(x, (Value, str, bytes, numbers.Number)) or not hasattr(x, "__len__"):
        raise TypeError(f"{who} takes a list of {nin} numbers or Values, got {type(x).__name__}: {x!r:.60}")
    if len(x) != nin:
        raise ValueError(f"{who} expected {nin} inputs, got {len(x)}")
    return tuple(item if type(item) is Value else _constant(item, who) for item in x)


def _constant(item: Any, who: str) -> Value:
    if isinstance(item, Value):
        return item
    if not checks.is_real(item):
        raise TypeError(f"{who}: inputs must be numbers or Values, got {type(item).__name__}: {item!r:.60}")
    return Value(item)


class Module:
    """Anything with parameters: ``parameters()``, ``zero_grad()``, ``num_parameters()``."""

    def parameters(self) -> list[Value]:
        """Every trainable Value, in a fixed order."""
        return []

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (backward ADDS to .grad, so do this before each)."""
        for p in self.parameters():
            p.grad = 0.0

    def num_parameters(self) -> int:
        """How many scalars training adjusts."""
        return len(self.parameters())


class Neuron(Module):
    """out = activation(w . x + b): n weights, one bias, one activation.

    A Neuron on its own draws its weights as a 1 x nin matrix (fan_out = 1); inside a
    Layer, the layer draws one nout x nin matrix and gives each neuron a row.
    """

    def __init__(self, nin: int, activation: str = "relu", init: Any = "he", seed: Any = None) -> None:
        self.nin = _check_size("nin", nin)
        self.activation = _check_activation(activation, tuple(ACTIVATIONS))
        (row,) = init_module.weights(init, 1, nin, _make_rng(seed))
        self.w = [Value(weight) for weight in row]
        self.b = Value(0.0)
        self._name_parameters("")

    @classmethod
    def _from_weights(cls, row: list[float], activation: str) -> Neuron:
        """A neuron with given weights (how a Layer builds its neurons from one matrix)."""
        neuron = cls.__new__(cls)
        neuron.nin = len(row)
        neuron.activation = activation
        neuron.w = [Value(weight) for weight in row]
        neuron.b = Value(0.0)
        return neuron

    def _name_parameters(self, prefix: str) -> None:
        """Label the parameters for pictures and the step-through: w1..wn and b, after prefix."""
        for k, weight in enumerate(self.w, start=1):
            weight.label = f"{prefix}w{k}"
        self.b.label = f"{prefix}b"

    def __call__(self, x: Sequence[Any]) -> Value:
        """activation(w . x + b) for one input vector x (numbers or Values)."""
        return self._forward(_inputs(x, self.nin, "Neuron"))

    def _forward(self, x: tuple[Value, ...]) -> Value:
        out = dot(self.w, x, self.b)  # one node: w_1 x_1 + ... + w_n x_n + b
        activate = ACTIVATIONS[self.activation]
        return out if activate is None else activate(out)

    def parameters(self) -> list[Value]:
        """The weights w_1..w_n, then the bias b."""
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"Neuron({self.nin} inputs, {self.activation})"


class Layer(Module):
    """nout neurons reading the same nin inputs; ``layer(x)`` is always a list of nout Values."""

    def __init__(
        self, nin: int, nout: int, activation: str = "relu", init: Any = "he", seed: Any = None,
        *, rng: random.Random | None = None,
    ) -> None:
        self.nin = _check_size("nin", nin)
        self.nout = _check_size("nout", nout)
        self.activation = _check_activation(activation, LAYER_ACTIVATIONS)
        # One rows x cols matrix for the whole layer (rows = fan_out = nout, cols = fan_in = nin),
        # so schemes that look at fan_out (Xavier) or at all rows at once (orthogonal) see the layer.
        matrix = init_module.weights(init, nout, nin, rng if rng is not None else _make_rng(seed))
        per_neuron = "linear" if activation == "softmax" else activation
        self.neurons = [Neuron._from_weights(row, per_neuron) for row in matrix]
        self._name_parameters("")

    def _name_parameters(self, prefix: str) -> None:
        """Neuron j's parameters become n<j>.w1 ... n<j>.b (after prefix)."""
        for j, neuron in enumerate(self.neurons, start=1):
            neuron._name_parameters(f"{prefix}n{j}.")

    def __call__(self, x: Sequence[Any]) -> list[Value]:
        """[neuron(x) for each neuron], then softmax over them if that is the activation."""
        return self._forward(_inputs(x, self.nin, "Layer"))

    def _forward(self, x: tuple[Value, ...]) -> list[Value]:
        # each neuron's w.x + b as one node, the shared inputs read once for the layer
        sums = dots([neuron.w for neuron in self.neurons], x, [neuron.b for neuron in self.neurons])
        if self.activation == "softmax":
            return Outputs(softmax(sums))
        activate = ACTIVATIONS[self.activation]
        return Outputs(sums if activate is None else map(activate, sums))

    def parameters(self) -> list[Value]:
        """Neuron by neuron: its weights, then its bias."""
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self) -> str:
        return f"Layer({self.nin} -> {self.nout}, {self.activation})"


class MLP(Module):
    """A multi-layer perceptron: layers of sizes nouts, each reading the previous layer's outputs.

    Hidden layers use ``activation``; the last layer uses ``output_activation`` ("linear"
    for regression or logits, "sigmoid" for one probability, "softmax" for class probabilities).
    ``mlp(x)`` is always a list of nouts[-1] Values, even for one output.
    """

    def __init__(
        self, nin: int, nouts: Sequence[int], activation: str = "relu", output_activation: str = "linear",
        init: Any = "he", seed: Any = None,
    ) -> None:
        self.nin = _check_size("nin", nin)
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
        self.nouts = [_check_size("each layer size in nouts", size) for size in nouts]
        self.activation = _check_activation(activation, tuple(ACTIVATIONS))
        self.output_activation = _check_activation(output_activation, LAYER_ACTIVATIONS)
        init_module.get(init)
        rng = _make_rng(seed)  # one generator for all layers: the same seed, the same network
        sizes = [nin, *self.nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < len(nouts) - 1 else output_activation, init,
                  rng=rng)
            for i in range(len(nouts))
        ]
        for i, layer in enumerate(self.layers, start=1):
            layer._name_parameters(f"L{i}.")  # L2.n3.w1: layer 2, neuron 3, weight 1

    def __call__(self, x: Sequence[Any]) -> list[Value]:
        """The last layer's outputs: a list of nouts[-1] Values."""
        return self.layer_outputs(x)[-1]

    def layer_outputs(self, x: Sequence[Any]) -> list[list[Value]]:
        """Every layer's outputs for input x, first layer first (the graph is kept: backward works)."""
        values = _inputs(x, self.nin, "MLP")
        outputs = []
        for layer in self.layers:
            values = layer._forward(values)
            outputs.append(values)
        return outputs

    def parameters(self) -> list[Value]:
        """Layer by layer, neuron by neuron, weights then bias."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        shape = " -> ".join(f"{layer.nout} {layer.activation}" for layer in self.layers)
        return f"MLP({self.nin} -> {shape}; {self.num_parameters()} parameters)"
