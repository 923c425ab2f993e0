"""Models (Neuron, Layer, MLP) and initialisers: seeds, sizes, parameter names, the initialisers'
defaults and spread, and the refusals of nn.module and nn.init, each with its exact message.
"""

from __future__ import annotations

import functools
import math
import random
import re

import pytest

import nn
from autograd import Value

# --- models ---


def test_a_neurons_seed_fixes_its_weights_and_a_layers_neurons_know_their_size():
    weights = lambda seed: [w.data for w in nn.Neuron(4, seed=seed).w]  # noqa: E731
    assert weights(5) == weights(5) != weights(6)
    layer = nn.Layer(3, 2, seed=0)
    assert [n.nin for n in layer.neurons] == [3, 3] and repr(layer.neurons[0]) == "Neuron(3 inputs, relu)"


def test_a_layers_seed_fixes_its_weights_and_its_parameters_are_named():
    weights = lambda: [p.data for p in nn.Layer(2, 3, seed=7).parameters()]  # noqa: E731
    assert weights() == weights()
    assert [p.label for p in nn.Layer(2, 1, seed=0).parameters()] == ["n1.w1", "n1.w2", "n1.b"]


@pytest.mark.parametrize(("x", "error", "words"), [
    ([1.0], ValueError, "expected 2 inputs, got 1"),
    ([1.0, 2.0, 3.0], ValueError, "expected 2 inputs, got 3"),
    ([], ValueError, "expected 2 inputs, got 0"),
    ("ab", TypeError, "got str"),
    (None, TypeError, "got NoneType"),
    (Value(1.0), TypeError, "got Value"),
    ([1.0, "a"], TypeError, "got str"),
    ([1.0, None], TypeError, "got NoneType"),
    ([True, 1.0], TypeError, "got bool"),
])
def test_model_calls_refuse_wrong_inputs_and_change_no_parameter(x, error, words):
    model = nn.MLP(2, [3, 1], seed=0)
    before = [(p.data, p.grad) for p in model.parameters()]
    with pytest.raises(error, match=re.escape(words)):
        model(x)
    assert [(p.data, p.grad) for p in model.parameters()] == before


MODULE_REFUSALS = [
    (lambda: nn.MLP(2, [1], seed=0)([True, 1.0]), TypeError,
     "MLP: inputs must be numbers or Values, got bool: True"),
    (lambda: nn.MLP(2, [1], seed=0)([1.0, "a"]), TypeError,
     "MLP: inputs must be numbers or Values, got str: 'a'"),
    (lambda: nn.Layer(2, 1, seed=0)([1.0]), ValueError, "Layer expected 2 inputs, got 1"),
    (lambda: nn.MLP(2, [1], seed=0).layer_outputs([1.0]), ValueError, "MLP expected 2 inputs, got 1"),
    (lambda: nn.Neuron("2"), TypeError, "nin must be an int, got str: '2'"),
    (lambda: nn.MLP(1, [1], activation="gelu"), ValueError,
     "unknown activation 'gelu': use one of 'relu', 'tanh', 'sigmoid', 'leaky_relu', 'linear'"),
    (lambda: nn.MLP(1, [1], seed=1.5), TypeError, "seed must be an int (or None), got float: 1.5"),
    (lambda: nn.MLP(2, [0]), ValueError, "each layer size in nouts must be at least 1, got 0"),
    (lambda: nn.Layer("2", 1), TypeError, "nin must be an int, got str: '2'"),
    (lambda: nn.Neuron(2, seed=0)([1.0]), ValueError, "Neuron expected 2 inputs, got 1"),
    (lambda: nn.Neuron(2, seed=0)("ab"), TypeError,
     "Neuron takes a list of 2 numbers or Values, got str: 'ab'"),
    (lambda: nn.MLP("2", [1]), TypeError, "nin must be an int, got str: '2'"),
    (lambda: nn.MLP(2, 3), ValueError, "nouts must be a non-empty list of layer sizes, got 3"),
    (lambda: nn.MLP(2, []), ValueError, "nouts must be a non-empty list of layer sizes, got []"),
    (lambda: nn.MLP(2, [2.0]), TypeError, "each layer size in nouts must be an int, got float: 2.0"),
    (lambda: nn.MLP(2, [0]), ValueError, "each layer size in nouts must be at least 1, got 0"),
    (lambda: nn.MLP(2, [1], activation="gelu"), ValueError,
     "unknown activation 'gelu': use one of 'relu', 'tanh', 'sigmoid', 'leaky_relu', 'linear'"),
    (lambda: nn.MLP(2, [1], output_activation=None), ValueError,
     "unknown activation None: use one of 'relu', 'tanh', 'sigmoid', 'leaky_relu', 'linear', 'softmax'"),
    (lambda: nn.MLP(2, [1], seed=1.5), TypeError, "seed must be an int (or None), got float: 1.5"),
    (lambda: nn.Neuron(2, activation="softmax"), ValueError,
     "unknown activation 'softmax': use one of 'relu', 'tanh', 'sigmoid', 'leaky_relu', 'linear'"),
    (lambda: nn.Layer(2, 0), ValueError, "nout must be at least 1, got 0"),
]


@pytest.mark.parametrize(("call", "error", "message"), MODULE_REFUSALS)
def test_models_refuse_with_the_exact_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


# --- initialisers ---


def test_constant_default_is_zero():
    assert nn.init.constant(2, 2) == [[0.0, 0.0], [0.0, 0.0]]


def test_normal_with_std_zero_is_the_mean_everywhere():
    assert nn.init.normal(2, 3, mean=0.5, std=0.0) == [[0.5] * 3] * 2


def test_orthogonal_rows_point_in_every_direction_alike():
    # Rows drawn from N(0, 1) vectors then normalised: every entry has mean 0 over many draws.
    rng = random.Random(0)
    entries = [w for _ in range(400) for w in nn.init.orthogonal(1, 8, rng=rng)[0]]
    assert abs(sum(entries) / len(entries)) < 0.03


UNKNOWN_INIT = ("unknown init 'bogus': use a callable (rows, cols, rng) or one of 'zeros', 'constant', "
                "'uniform', 'normal', 'xavier', 'xavier_uniform', 'he', 'he_uniform', 'lecun', 'orthogonal'")
UNNAMED = functools.partial(lambda rows, cols, rng: 5)  # an initialiser without a __name__: named by its repr
INIT_REFUSALS = [
    (lambda: nn.init.constant(1, 1, value=math.inf), ValueError, "init: value must be finite, got inf"),
    (lambda: nn.init.orthogonal(2, 2, gain=math.nan), ValueError, "init: gain must be finite, got nan"),
    (lambda: nn.init.normal(2, 2, mean=math.nan), ValueError, "init: mean must be finite, got nan"),
    (lambda: nn.init.normal(2, 2, std=math.inf), ValueError, "init: std must be finite, got inf"),
    (lambda: nn.init.normal(2, 2, std=-1.0), ValueError, "init.normal needs std >= 0, got -1.0"),
    (lambda: nn.init.uniform(2, 2, a=math.nan), ValueError, "init: a must be finite, got nan"),
    (lambda: nn.init.uniform(2, 2, b="x"), TypeError, "init: b must be a number, got str: 'x'"),
    (lambda: nn.init.uniform(2, 2, a=1.0, b=1.0), ValueError, "init.uniform needs a < b, got a=1.0, b=1.0"),
    (lambda: nn.init.normal(2, 2, std="x"), TypeError, "init: std must be a number, got str: 'x'"),
    (lambda: nn.init.normal(2, 2, std=True), TypeError, "init: std must be a number, got bool: True"),
    (lambda: nn.init.normal(2, 2, rng=3), TypeError, "init: rng must be a random.Random, got int"),
    (lambda: nn.init.zeros(0, 3), ValueError, "init: rows must be at least 1, got 0"),
    (lambda: nn.init.zeros(2, 0), ValueError, "init: cols must be at least 1, got 0"),
    (lambda: nn.init.zeros(2, "3"), TypeError, "init: cols must be an int, got str: '3'"),
    (lambda: nn.init.zeros(2.0, 3), TypeError, "init: rows must be an int, got float: 2.0"),
    (lambda: nn.init.get("bogus"), ValueError,
     UNKNOWN_INIT),
    (lambda: nn.MLP(1, [1], init=lambda r, c, rng: 5), ValueError,
     "init <lambda> must return 1 rows of 1 weights, got int"),
    (lambda: nn.MLP(1, [2], init=lambda r, c, rng: [[1.0]]), ValueError,
     "init <lambda> must return 2 rows of 1 weights, got list of length 1"),
    (lambda: nn.MLP(1, [1], init=UNNAMED), ValueError,
     f"init {UNNAMED!r} must return 1 rows of 1 weights, got int"),
    (lambda: nn.MLP(2, [1], init="bogus"), ValueError,
     UNKNOWN_INIT),
    (lambda: nn.MLP(2, [1], init=lambda r, c, rng: [[1.0]]), ValueError,
     "init <lambda>: row 0 must hold 2 weights, got [1.0]"),
    (lambda: nn.MLP(2, [1], init=lambda r, c, rng: [[math.nan] * c] * r), ValueError,
     "init <lambda>: row 0 holds nan; weights must be finite numbers"),
]


@pytest.mark.parametrize(("call", "error", "message"), INIT_REFUSALS)
def test_initialisers_refuse_with_the_exact_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message
