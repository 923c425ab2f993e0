"""Neuron, Layer, MLP: shapes, parameter order, determinism, errors, and agreement with PyTorch."""

import functools
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value
from nn import MLP, Layer, Neuron, init

ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu", "linear"]


# --- shapes and return types ---


def test_neuron_computes_activation_of_weighted_sum():
    neuron = Neuron(3, activation="tanh", init=functools.partial(init.constant, value=0.5), seed=0)
    neuron.b.data = -0.25
    out = neuron([1.0, 2.0, -1.0])
    assert isinstance(out, Value)
    assert out.data == pytest.approx(math.tanh(0.5 * 2 - 0.25), abs=1e-15)


@pytest.mark.parametrize("nout", [1, 3])
def test_layer_and_mlp_always_return_lists(nout):
    layer = Layer(2, nout, seed=0)
    out = layer([0.5, -0.5])
    assert isinstance(out, list) and len(out) == nout and all(isinstance(v, Value) for v in out)
    mlp = MLP(2, [4, nout], seed=0)
    out = mlp([0.5, -0.5])
    assert isinstance(out, list) and len(out) == nout and all(isinstance(v, Value) for v in out)


def test_parameters_order_layer_by_layer_neuron_by_neuron_weights_then_bias():
    mlp = MLP(3, [4, 2], seed=0)
    expected = []
    for layer in mlp.layers:
        for neuron in layer.neurons:
            expected += neuron.w + [neuron.b]
    params = mlp.parameters()
    assert len(params) == len(expected) == 3 * 4 + 4 + 4 * 2 + 2 == mlp.num_parameters()
    assert all(a is b for a, b in zip(params, expected, strict=True))
    assert len({id(p) for p in params}) == len(params)


def test_biases_start_at_zero_and_weights_come_from_the_initialiser():
    mlp = MLP(3, [4, 2], init="he", seed=5)
    assert all(neuron.b.data == 0.0 for layer in mlp.layers for neuron in layer.neurons)
    expected = init.he_normal(4, 3, random.Random(5))
    assert [[w.data for w in neuron.w] for neuron in mlp.layers[0].neurons] == expected


def test_a_layer_draws_one_matrix_so_orthogonal_rows_are_orthonormal():
    layer = Layer(6, 4, init="orthogonal", seed=1)
    rows = [[w.data for w in neuron.w] for neuron in layer.neurons]
    for i in range(4):
        for j in range(4):
            product = sum(a * b for a, b in zip(rows[i], rows[j], strict=True))
            assert abs(product - (i == j)) < 1e-9


def test_seed_determinism_and_the_global_random_is_untouched():
    state = random.getstate()
    a, b, c = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert [p.data for p in a.parameters()] != [p.data for p in c.parameters()]
    assert random.getstate() == state


def test_zero_grad_clears_every_parameter():
    mlp = MLP(2, [3, 2], seed=0)
    nn.losses.cross_entropy([mlp([1.0, 2.0])], [1]).backward()
    assert any(p.grad != 0.0 for p in mlp.parameters())
    mlp.zero_grad()
    assert all(p.grad == 0.0 for p in mlp.parameters())


def test_readable_repr():
    assert repr(Neuron(3, "tanh", seed=0)) == "Neuron(3 inputs, tanh)"
    assert repr(Layer(3, 4, "relu", seed=0)) == "Layer(3 -> 4, relu)"
    assert repr(MLP(2, [16, 3], output_activation="softmax", seed=0)) == \
        "MLP(2 -> 16 relu -> 3 softmax; 99 parameters)"


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_each_activation(activation):
    expected = {"relu": lambda z: max(z, 0.0), "tanh": math.tanh, "sigmoid": lambda z: 1 / (1 + math.exp(-z)),
                "leaky_relu": lambda z: z if z > 0 else 0.01 * z, "linear": lambda z: z}[activation]
    neuron = Neuron(2, activation=activation, init=functools.partial(init.constant, value=1.0))
    for x in ([0.3, 0.4], [-0.3, -0.4]):
        assert neuron(x).data == pytest.approx(expected(sum(x)), abs=1e-15)


def test_softmax_output_sums_to_one():
    out = MLP(2, [5, 4], output_activation="softmax", seed=0)([0.1, -2.0])
    assert len(out) == 4 and sum(v.data for v in out) == pytest.approx(1.0, abs=1e-15)
    assert all(v.data > 0 for v in out)


def test_inputs_may_be_values_and_gradients_reach_them():
    x = [Value(0.5), Value(-1.0)]
    out = MLP(2, [3, 1], activation="tanh", seed=0)(x)[0]
    out.backward()
    assert any(v.grad != 0.0 for v in x)


def test_first_layer_shares_one_input_node_per_input():
    out = Layer(2, 3, activation="linear", seed=0)([1.0, 2.0])
    inputs = [tuple(v.parents[2:4]) for v in out]  # dot's parents: (w1, w2, x1, x2, b)
    assert inputs[0] == inputs[1] == inputs[2]


# --- bad input ---


@pytest.mark.parametrize("model", [Neuron(3, seed=0), Layer(3, 2, seed=0), MLP(3, [2, 1], seed=0)],
                         ids=["Neuron", "Layer", "MLP"])
@pytest.mark.parametrize("x", [[1.0, 2.0], [1.0, 2.0, 3.0, 4.0], []])
def test_wrong_input_length_says_expected_and_got(model, x):
    with pytest.raises(ValueError, match=f"expected 3 inputs, got {len(x)}"):
        model(x)


@pytest.mark.parametrize("x", [1.0, "abc", None, Value(1.0), [1.0, "a", 2.0], [1.0, None, 2.0]])
def test_wrong_input_type(x):
    with pytest.raises(TypeError):
        MLP(3, [2], seed=0)(x)


@pytest.mark.parametrize("make", [
    lambda: Neuron(2, activation="swish"),
    lambda: Neuron(2, activation="softmax"),
    lambda: Layer(2, 2, activation="Relu"),
    lambda: MLP(2, [2], activation="softmax"),
    lambda: MLP(2, [2], output_activation="gelu"),
])
def test_unknown_activation_lists_the_known_names(make):
    with pytest.raises(ValueError, match="unknown activation") as error:
        make()
    for name in ACTIVATIONS:
        assert repr(name) in str(error.value)


def test_unknown_init_lists_the_known_names():
    with pytest.raises(ValueError, match="unknown init 'kaiming'.*'he'.*'orthogonal'"):
        MLP(2, [2], init="kaiming")


@pytest.mark.parametrize("make, error", [
    (lambda: MLP(0, [2]), ValueError),
    (lambda: MLP(2, []), ValueError),
    (lambda: MLP(2, 3), ValueError),
    (lambda: MLP(2, [3, 0]), ValueError),
    (lambda: MLP(2, [3.0]), TypeError),
    (lambda: Layer(2, -1), ValueError),
    (lambda: Neuron(True), TypeError),
    (lambda: MLP(2, [2], seed=1.5), TypeError),
])
def test_bad_sizes_and_seeds(make, error):
    with pytest.raises(error):
        make()


# --- against PyTorch ---


def torch_mlp(mlp, torch):
    """The same network in PyTorch float64: Linear layers with the weights copied in."""
    functions = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
                 "leaky_relu": torch.nn.functional.leaky_relu, "linear": lambda t: t,
                 "softmax": lambda t: torch.softmax(t, dim=-1)}
    linears = []
    for layer in mlp.layers:
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons],
                                             dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        linears.append((linear, functions[layer.activation]))

    def forward(x):
        for linear, function in linears:
            x = function(linear(x))
        return x

    return forward, linears


@settings(max_examples=15, deadline=None)
@given(
    activation=st.sampled_from(ACTIVATIONS),
    sizes=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    classes=st.integers(2, 4),
    seed=st.integers(0, 10_000),
)
def test_outputs_and_every_gradient_after_cross_entropy_match_pytorch(activation, sizes, classes, seed):
    torch = pytest.importorskip("torch")
    rng = random.Random(seed)
    mlp = MLP(3, [*sizes, classes], activation=activation, init="xavier", seed=seed)
    for p in mlp.parameters():  # nonzero biases too
        p.data += rng.uniform(-0.5, 0.5)
    X = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(4)]
    y = [rng.randrange(classes) for _ in range(4)]
    forward, linears = torch_mlp(mlp, torch)

    outputs = [mlp(x) for x in X]
    loss = nn.losses.cross_entropy(outputs, y)
    loss.backward()
    logits = forward(torch.tensor(X, dtype=torch.float64))
    torch_loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y))
    torch_loss.backward()

    for row, torch_row in zip(outputs, logits.tolist(), strict=True):
        assert [v.data for v in row] == pytest.approx(torch_row, abs=1e-12)
    assert loss.data == pytest.approx(torch_loss.item(), abs=1e-12)
    for layer, (linear, _) in zip(mlp.layers, linears, strict=True):
        torch_weights, torch_biases = linear.weight.grad.tolist(), linear.bias.grad.tolist()
        for neuron, grad_row, grad_bias in zip(layer.neurons, torch_weights, torch_biases, strict=True):
            assert [w.grad for w in neuron.w] == pytest.approx(grad_row, abs=1e-9)
            assert neuron.b.grad == pytest.approx(grad_bias, abs=1e-9)


def test_softmax_mlp_matches_pytorch():
    torch = pytest.importorskip("torch")
    mlp = MLP(2, [4, 3], activation="tanh", output_activation="softmax", init="lecun", seed=3)
    forward, linears = torch_mlp(mlp, torch)
    out = mlp([0.7, -1.3])
    torch_out = forward(torch.tensor([0.7, -1.3], dtype=torch.float64))
    assert [v.data for v in out] == pytest.approx(torch_out.tolist(), abs=1e-12)
    (out[0] * 2.0 + out[2]).backward()
    (torch_out[0] * 2.0 + torch_out[2]).backward()
    for layer, (linear, _) in zip(mlp.layers, linears, strict=True):
        grads = [[w.grad for w in n.w] for n in layer.neurons]
        for row, torch_row in zip(grads, linear.weight.grad.tolist(), strict=True):
            assert row == pytest.approx(torch_row, abs=1e-12)


def test_parameters_are_labelled_by_layer_neuron_and_role_for_pictures(tmp_path):
    model = nn.MLP(2, [3, 1], seed=0)
    labels = [p.label for p in model.parameters()]
    assert labels[:3] == ["L1.n1.w1", "L1.n1.w2", "L1.n1.b"]
    assert labels[-2:] == ["L2.n1.w3", "L2.n1.b"]
    assert len(set(labels)) == len(labels)
    assert [p.label for p in nn.Neuron(2, seed=0).parameters()] == ["w1", "w2", "b"]
    path = tmp_path / "model.json"
    nn.save(model, path)
    assert [p.label for p in nn.load(path).parameters()] == labels
