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


class LearningRateOnly:
    """Has an lr but no step(): not an optimiser."""

    lr = 0.1

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
    (lambda: nn.optim.Adagrad([Value(1.0)], eps="x"), TypeError,
     "Adagrad: eps must be a number, got str: 'x'"),
    (lambda: SGD([Value(1.0)], nesterov=1), TypeError, "SGD: nesterov must be True or False, got int"),
    (lambda: SGD([Value(1.0)], nesterov=True), ValueError,
     "SGD: nesterov=True needs a momentum > 0 (Nesterov is a kind of momentum)"),
    (lambda: nn.optim.Adagrad([Value(1.0)], eps=-1.0), ValueError,
     "Adagrad: eps must be a finite number >= 0, got -1.0"),
    (lambda: nn.optim.Adagrad([Value(1.0)], weight_decay=math.inf), ValueError,
     "Adagrad: weight_decay must be a finite number >= 0, got inf"),
    (lambda: nn.optim.RMSprop([Value(1.0)], eps=-1e-8), ValueError,
     "RMSprop: eps must be a finite number >= 0, got -1e-08"),
    (lambda: nn.optim.RMSprop([Value(1.0)], weight_decay=-0.5), ValueError,
     "RMSprop: weight_decay must be a finite number >= 0, got -0.5"),
    (lambda: nn.optim.StepLR(SGD([Value(1.0)]), 2, gamma=0.0), ValueError,
     "StepLR: gamma must lie in (0, 1] (the factor lr is multiplied by), got 0.0"),
    (lambda: nn.optim.StepLR(SGD([Value(1.0)]), 2, gamma="g"), TypeError,
     "StepLR: gamma must be a number, got str: 'g'"),
    (lambda: nn.optim.ExponentialLR(SGD([Value(1.0)]), gamma=1.5), ValueError,
     "ExponentialLR: gamma must lie in (0, 1] (the factor lr is multiplied by), got 1.5"),
    (lambda: nn.optim.StepLR(LearningRateOnly(), 2), TypeError,
     "StepLR takes an optimiser (with .lr), got LearningRateOnly"),
    (lambda: nn.optim.ExponentialLR(object(), 0.5), TypeError,
     "ExponentialLR takes an optimiser (with .lr), got object"),
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


def test_step_lr_multiplies_by_a_tenth_by_default_and_a_gamma_of_one_keeps_the_rate():
    schedule = nn.optim.StepLR(SGD([Value(1.0)], lr=1.0), step_size=2)
    rates = []
    for _ in range(4):
        schedule.step()
        rates.append(schedule.lr)
    assert rates == pytest.approx([1.0, 0.1, 0.1, 0.01], rel=1e-12)
    constant = nn.optim.ExponentialLR(SGD([Value(1.0)], lr=0.5), gamma=1)  # (0, 1] includes 1
    constant.step()
    assert constant.lr == 0.5


def test_a_gradient_set_by_hand_to_an_int_is_stepped_as_its_float():
    p = Value(1.0)
    p.grad = 2  # as a learner might write it
    opt = SGD([p], lr=0.25)
    opt.step()
    assert p.data == 0.5 and type(p.data) is float
    p.grad = 2
    assert nn.optim.clip_grad_norm([p], 1.0) == 2.0 and p.grad == pytest.approx(1.0, rel=1e-6)
