"""The optimisers: SGD's defaults, a step with gradients left as Values by create_graph, each
optimiser's repr, and the refusals of nn.optim, each with its exact message.
"""

from __future__ import annotations

import math

import pytest

import nn
from autograd import Value


def test_sgd_defaults_to_a_rate_of_a_hundredth_and_no_momentum():
    p = Value(1.0)
    opt = nn.optim.SGD([p])
    assert (opt.lr, opt.momentum) == (0.01, 0.0)
    p.grad = 1.0
    opt.step()
    assert p.data == 0.99


def test_sgd_steps_with_gradients_left_as_values_by_create_graph():
    w = Value(2.0)
    opt = nn.optim.SGD([w], lr=0.1, momentum=0.5)
    for _ in range(2):
        opt.zero_grad()
        (w * w).backward(create_graph=True)
        assert isinstance(w.grad, Value)
        opt.step()
        assert type(w.data) is float and all(type(v) is float for v in opt.velocities)
    # step 1: delta = -0.1 * 4 = -0.4 -> 1.6; step 2: delta = 0.5 * -0.4 - 0.1 * 3.2 = -0.52 -> 1.08
    assert w.data == pytest.approx(1.08, abs=1e-15)


# --- nn.optim's refusals: the exact message ---

SGD = nn.optim.SGD
TWICE = Value(1.0)
OPTIM_REFUSALS = [
    (lambda: SGD(3), TypeError, "SGD takes a list of Values (model.parameters()), got int"),
    (lambda: SGD(None), TypeError, "SGD takes a list of Values (model.parameters()), got NoneType"),
    (lambda: SGD(Value(1.0)), TypeError, "SGD takes a list of Values (model.parameters()), got Value"),
    (lambda: SGD([]), ValueError, "SGD got an empty list of parameters: nothing to train"),
    (lambda: SGD("abc"), TypeError, "SGD: params[0] is a str, not a Value"),
    (lambda: SGD([TWICE, TWICE]), ValueError,
     "SGD: params[1] appears twice; each parameter would be stepped twice"),
    (lambda: SGD([Value(1.0)], lr=math.nan), ValueError, "SGD: lr must be a positive finite number, got nan"),
    (lambda: SGD([Value(1.0)], lr=math.inf), ValueError, "SGD: lr must be a positive finite number, got inf"),
    (lambda: SGD([Value(1.0)], lr=-0.1), ValueError, "SGD: lr must be a positive finite number, got -0.1"),
    (lambda: SGD([Value(1.0)], lr="0.1"), TypeError, "SGD: lr must be a number, got str: '0.1'"),
    (lambda: SGD([Value(1.0)], momentum=math.nan), ValueError, "SGD: momentum must lie in [0, 1), got nan"),
    (lambda: SGD([Value(1.0)], momentum=1.0), ValueError, "SGD: momentum must lie in [0, 1), got 1.0"),
    (lambda: SGD([Value(1.0)], momentum=None), TypeError,
     "SGD: momentum must be a number, got NoneType: None"),
    (lambda: nn.optim.clip_grad_norm(3, 1.0), TypeError,
     "clip_grad_norm takes a list of Values (model.parameters()), got int"),
    (lambda: nn.optim.clip_grad_norm([], 1.0), ValueError,
     "clip_grad_norm got an empty list of parameters: nothing to train"),
    (lambda: nn.optim.clip_grad_norm([TWICE, "x"], 1.0), TypeError,
     "clip_grad_norm: params[1] is a str, not a Value"),
]


@pytest.mark.parametrize(("call", "error", "message"), OPTIM_REFUSALS)
def test_nn_optim_refuses_with_the_exact_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


@pytest.mark.parametrize(("make", "text"), [
    (lambda ps: nn.optim.SGD(ps), "SGD(2 parameters, lr=0.01, momentum=0.0)"),
    (lambda ps: nn.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
     "SGD(2 parameters, lr=0.1, momentum=0.9, nesterov=True)"),
    (lambda ps: nn.optim.SGD(ps, weight_decay=0.01),
     "SGD(2 parameters, lr=0.01, momentum=0.0, weight_decay=0.01)"),
    (lambda ps: nn.optim.Adam(ps),
     "Adam(2 parameters, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0)"),
    (lambda ps: nn.optim.AdamW(ps),
     "AdamW(2 parameters, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01)"),
    (lambda ps: nn.optim.RMSprop(ps), "RMSprop(2 parameters, lr=0.01, alpha=0.99, eps=1e-08, momentum=0.0)"),
    (lambda ps: nn.optim.Adagrad(ps), "Adagrad(2 parameters, lr=0.01, eps=1e-10)"),
])
def test_an_optimisers_repr_names_its_class_its_parameter_count_and_its_settings(make, text):
    assert repr(make([Value(1.0), Value(2.0)])) == text
