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

    layers = torch_copy(torch, model)
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


# --- the round-2 optimisers against torch.optim, 50 steps, float64 ---


def mlp_problem(seed=0):
    """A small tanh MLP, 8 samples of 3 features, 2 classes: our model and its data."""
    rng = random.Random(seed)
    model = nn.MLP(3, [4, 2], activation="tanh", init="xavier", seed=seed)
    X = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(8)]
    y = [rng.randrange(2) for _ in range(8)]
    return model, X, y


def torch_copy(torch, model):
    """The MLP's layers as float64 torch Linear layers with the same weights."""
    layers = []
    for layer in model.layers:
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons],
                                             dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        layers.append(linear)
    return layers


def torch_flat(layers):
    flat = []
    for linear in layers:
        for row, bias in zip(linear.weight.tolist(), linear.bias.tolist(), strict=True):
            flat += row + [bias]
    return flat


OPTIMISERS = [
    ("SGD", dict(lr=0.2)),
    ("SGD", dict(lr=0.2, momentum=0.9)),
    ("SGD", dict(lr=0.2, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.2, momentum=0.5, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.8, nesterov=True, weight_decay=0.05)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.02, betas=(0.5, 0.9), weight_decay=0.3)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.005, alpha=0.9, momentum=0.7, weight_decay=0.01)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.3, eps=1e-6, weight_decay=0.02)),
]


def run_both(torch, name, kwargs, steps=50, schedule=None, clip=None):
    """Train our MLP and torch's copy side by side; return both parameter lists and both lr lists."""
    model, X, y = mlp_problem()
    layers = torch_copy(torch, model)
    ours = getattr(nn.optim, name)(model.parameters(), **kwargs)
    theirs = getattr(torch.optim, name)([p for lin in layers for p in (lin.weight, lin.bias)], **kwargs)
    our_sched = their_sched = None
    if schedule is not None:
        sched_name, sched_kwargs = schedule
        our_sched = getattr(nn.optim, sched_name)(ours, **sched_kwargs)
        their_sched = getattr(torch.optim.lr_scheduler, sched_name)(theirs, **sched_kwargs)
    inputs, targets = torch.tensor(X, dtype=torch.float64), torch.tensor(y)
    our_lrs, their_lrs, norms = [], [], []
    for _ in range(steps):
        ours.zero_grad()
        nn.losses.cross_entropy([model(x) for x in X], y).backward()
        theirs.zero_grad()
        out = torch.tanh(layers[0](inputs))
        torch.nn.functional.cross_entropy(layers[1](out), targets).backward()
        if clip is not None:
            norms.append((nn.optim.clip_grad_norm(model.parameters(), clip),
                          float(torch.nn.utils.clip_grad_norm_(theirs.param_groups[0]["params"], clip))))
        ours.step()
        theirs.step()
        if schedule is not None:
            our_sched.step()
            their_sched.step()
        our_lrs.append(ours.lr)
        their_lrs.append(theirs.param_groups[0]["lr"])
    return [p.data for p in model.parameters()], torch_flat(layers), our_lrs, their_lrs, norms


@pytest.mark.parametrize("name, kwargs", OPTIMISERS)
def test_fifty_steps_match_torch_optim(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs, _, _, _ = run_both(torch, name, kwargs)
    assert ours == pytest.approx(theirs, abs=1e-9, rel=0)
    start, _, _ = mlp_problem()
    assert max(abs(a - b.data) for a, b in zip(ours, start.parameters(), strict=True)) > 1e-3  # it moved


@pytest.mark.parametrize("schedule", [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.95)),
    ("CosineAnnealingLR", dict(T_max=10)),  # 50 steps: two and a half periods, down and up again
    ("CosineAnnealingLR", dict(T_max=17, eta_min=0.01)),
])
@pytest.mark.parametrize("name, kwargs", [("SGD", dict(lr=0.3, momentum=0.9)), ("Adam", dict(lr=0.05))])
def test_schedules_match_torch_lr_by_lr_and_step_by_step(name, kwargs, schedule):
    torch = pytest.importorskip("torch")
    ours, theirs, our_lrs, their_lrs, _ = run_both(torch, name, kwargs, schedule=schedule)
    assert our_lrs == pytest.approx(their_lrs, abs=1e-12, rel=0)
    assert len(set(our_lrs)) > 3  # the rate did change
    assert ours == pytest.approx(theirs, abs=1e-9, rel=0)


def test_clip_grad_norm_matches_torch_returns_the_norm_before_and_clips():
    torch = pytest.importorskip("torch")
    ours, theirs, _, _, norms = run_both(torch, "SGD", dict(lr=0.5, momentum=0.9), steps=30, clip=0.2)
    assert [a for a, _ in norms] == pytest.approx([b for _, b in norms], abs=1e-12)
    assert max(a for a, _ in norms) > 0.2  # some steps were clipped
    assert ours == pytest.approx(theirs, abs=1e-9, rel=0)


# --- by hand, without torch ---


def one_parameter(optimiser_class, gradients, **kwargs):
    """The positions of w (starting at 1.0) after each step with the given gradients."""
    w = Value(1.0)
    opt = optimiser_class([w], **kwargs)
    positions = []
    for grad in gradients:
        w.grad = grad
        opt.step()
        positions.append(w.data)
    return positions


def test_adam_first_step_is_lr_times_the_sign_of_the_gradient():
    # m_hat = g, v_hat = g^2 after bias correction: step = lr * g / (|g| + eps)
    assert one_parameter(nn.optim.Adam, [5.0], lr=0.1, eps=0.0) == pytest.approx([0.9], abs=1e-15)
    assert one_parameter(nn.optim.Adam, [-0.003], lr=0.1, eps=0.0) == pytest.approx([1.1], abs=1e-15)


def test_adam_two_steps_by_hand():
    # g = 1 then 3, betas (0.5, 0.5): m = 0.5, 1.75; v = 0.5, 0.25 + 4.5 = 4.75; corrections 0.5, 0.75
    # step 2: m_hat = 1.75 / 0.75 = 7/3, v_hat = 4.75 / 0.75 = 19/3
    positions = one_parameter(nn.optim.Adam, [1.0, 3.0], lr=0.1, betas=(0.5, 0.5), eps=0.0)
    assert positions == pytest.approx([0.9, 0.9 - 0.1 * (7 / 3) / math.sqrt(19 / 3)], abs=1e-15)


def test_adamw_shrinks_the_weight_before_the_adam_step():
    # theta' = 1 * (1 - 0.1 * 0.5) = 0.95; then Adam's first step of -lr * sign(g)
    assert one_parameter(nn.optim.AdamW, [2.0], lr=0.1, weight_decay=0.5, eps=0.0) == pytest.approx([0.85])
    # Adam's coupled decay goes through g and is normalised away on the first step
    assert one_parameter(nn.optim.Adam, [2.0], lr=0.1, weight_decay=0.5, eps=0.0) == pytest.approx([0.9])


def test_nesterov_and_weight_decay_by_hand():
    # g = 1, 1: v = 1, 1.5; Nesterov direction g + 0.5 v = 1.5, 1.75
    assert one_parameter(SGD, [1.0, 1.0], lr=0.1, momentum=0.5, nesterov=True) == pytest.approx(
        [1 - 0.15, 1 - 0.15 - 0.175], abs=1e-15)
    # weight decay 0.5 on theta = 1 adds 0.5 to a zero gradient: theta = 1 - 0.1 * 0.5
    assert one_parameter(SGD, [0.0], lr=0.1, weight_decay=0.5) == pytest.approx([0.95], abs=1e-15)


def test_rmsprop_and_adagrad_by_hand():
    # RMSprop alpha 0.75, g = 2: s = 0.25 * 4 = 1, step = lr * 2 / 1
    assert one_parameter(nn.optim.RMSprop, [2.0], lr=0.1, alpha=0.75, eps=0.0) == pytest.approx([0.8])
    # Adagrad g = 3, 4: G = 9, 25; steps 0.1 * 3/3, 0.1 * 4/5
    assert one_parameter(nn.optim.Adagrad, [3.0, 4.0], lr=0.1, eps=0.0) == pytest.approx([0.9, 0.82])


def test_clip_grad_norm_by_hand():
    a, b = Value(0.0), Value(0.0)
    a.grad, b.grad = 3.0, 4.0
    assert nn.optim.clip_grad_norm([a, b], 1.0) == 5.0
    assert (a.grad, b.grad) == pytest.approx((0.6, 0.8), abs=1e-6)
    assert nn.optim.clip_grad_norm([a, b], 10.0) == pytest.approx(1.0, abs=1e-6)
    assert (a.grad, b.grad) == pytest.approx((0.6, 0.8), abs=1e-6)  # under the limit: untouched


def test_schedules_by_hand():
    opt = SGD([Value(1.0)], lr=1.0)
    step_lr = nn.optim.StepLR(opt, step_size=2, gamma=0.5)
    rates = []
    for _ in range(5):
        step_lr.step()
        rates.append(opt.lr)
    assert rates == [1.0, 0.5, 0.5, 0.25, 0.25] and step_lr.lr == 0.25
    opt = SGD([Value(1.0)], lr=1.0)
    cosine = nn.optim.CosineAnnealingLR(opt, T_max=4, eta_min=0.2)
    rates = []
    for _ in range(8):
        cosine.step()
        rates.append(opt.lr)
    closed = [0.2 + 0.8 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(1, 9)]
    assert rates == pytest.approx(closed, abs=1e-12)  # down to eta_min at T_max and back up


def test_docstrings_state_the_update_rules():
    assert "v_t = momentum * v_{t-1} + g_t" in SGD.__doc__ and "nesterov" in SGD.__doc__
    assert "1 - beta1^t" in nn.optim.Adam.__doc__ and "sqrt(v_hat) + eps" in nn.optim.Adam.__doc__
    assert "(1 - lr * weight_decay)" in nn.optim.AdamW.__doc__
    assert "alpha * s_{t-1}" in nn.optim.RMSprop.__doc__
    assert "G_{t-1} + g_t^2" in nn.optim.Adagrad.__doc__
    assert "cos(pi * e / T_max)" in nn.optim.CosineAnnealingLR.__doc__


@pytest.mark.parametrize("make, message", [
    (lambda p: nn.optim.Adam(p, lr=-1.0), r"Adam: lr must be a positive finite number, got -1\.0"),
    (lambda p: nn.optim.Adam(p, betas=(1.0, 0.999)), r"Adam: betas\[0\] must lie in \[0, 1\), got 1\.0"),
    (lambda p: nn.optim.AdamW(p, betas=(0.9, -0.1)), r"AdamW: betas\[1\] must lie in \[0, 1\)"),
    (lambda p: nn.optim.Adam(p, eps=-1e-8), r"Adam: eps must be a finite number >= 0"),
    (lambda p: nn.optim.AdamW(p, weight_decay=-0.1), r"AdamW: weight_decay must be a finite number >= 0"),
    (lambda p: SGD(p, lr=0.1, weight_decay=math.nan), r"SGD: weight_decay must be a finite number >= 0"),
    (lambda p: SGD(p, lr=0.1, nesterov=True), r"SGD: nesterov=True needs a momentum > 0"),
    (lambda p: nn.optim.RMSprop(p, alpha=1.5), r"RMSprop: alpha must lie in \[0, 1\)"),
    (lambda p: nn.optim.RMSprop(p, momentum=1.0), r"RMSprop: momentum must lie in \[0, 1\)"),
    (lambda p: nn.optim.Adagrad(p, lr=0.0), r"Adagrad: lr must be a positive"),
    (lambda p: nn.optim.StepLR(SGD(p, lr=0.1), step_size=0), r"StepLR: step_size must be at least 1"),
    (lambda p: nn.optim.ExponentialLR(SGD(p, lr=0.1), gamma=1.5),
     r"ExponentialLR: gamma must lie in \(0, 1\]"),
    (lambda p: nn.optim.CosineAnnealingLR(SGD(p, lr=0.1), T_max=0),
     r"CosineAnnealingLR: T_max must be at least 1"),
    (lambda p: nn.optim.CosineAnnealingLR(SGD(p, lr=0.1), T_max=5, eta_min=-1),
     r"CosineAnnealingLR: eta_min must be a finite number >= 0"),
    (lambda p: nn.optim.clip_grad_norm(p, -1.0), r"clip_grad_norm: max_norm must be a finite number >= 0"),
])
def test_bad_hyper_parameters_name_themselves(make, message):
    with pytest.raises(ValueError, match=message):
        make([Value(1.0)])


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError, match="betas must be a pair"):
        nn.optim.Adam([Value(1.0)], betas=0.9)
    with pytest.raises(TypeError, match="Adam: lr must be a number"):
        nn.optim.Adam([Value(1.0)], lr="fast")
    with pytest.raises(TypeError, match="StepLR takes an optimiser"):
        nn.optim.StepLR([Value(1.0)], step_size=2)
    with pytest.raises(TypeError, match="Adagrad: params\\[0\\] is a float"):
        nn.optim.Adagrad([1.0])
