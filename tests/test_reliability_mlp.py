"""Differential tests: random MLPs (sizes, activations, losses, momentum) against PyTorch float64.

Hypothesis draws an architecture (1-3 layers of 1-5 neurons), a hidden and an output
activation, a loss with targets in its domain, a batch of inputs, a learning rate and a
momentum. The same weights are copied into float64 tensors; we compare the outputs, the
loss, and then, parameter by parameter, the gradients and the parameters after three
SGD steps (ours: nn.optim.SGD; theirs: torch.optim.SGD with dampening 0).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

import nn
from nn import MLP
from nn.optim import SGD

torch = pytest.importorskip("torch")
F = torch.nn.functional

HIDDEN = ["relu", "tanh", "sigmoid", "leaky_relu", "linear"]
# loss name -> (output activations it is used with, at least how many outputs)
LOSS_SETUPS = {
    "mse": (["linear", "tanh", "sigmoid", "relu", "softmax"], 1),
    "mae": (["linear", "tanh"], 1),
    "huber": (["linear", "tanh"], 1),
    "binary_cross_entropy": (["sigmoid"], 1),
    "binary_cross_entropy_with_logits": (["linear"], 1),
    "cross_entropy": (["linear"], 2),
    "hinge": (["linear", "tanh"], 1),
}


@st.composite
def setups(draw):
    loss = draw(st.sampled_from(sorted(LOSS_SETUPS)))
    outputs, min_out = LOSS_SETUPS[loss]
    one_output = loss in ("binary_cross_entropy", "binary_cross_entropy_with_logits", "hinge")
    nin = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 5), min_size=0, max_size=2))
    nout = 1 if one_output else draw(st.integers(min_out, 4))
    batch = draw(st.integers(1, 4))
    X = draw(st.lists(st.lists(st.floats(-2, 2), min_size=nin, max_size=nin), min_size=batch, max_size=batch))
    if loss == "cross_entropy":
        y = draw(st.lists(st.integers(0, nout - 1), min_size=batch, max_size=batch))
    elif loss == "hinge":
        y = draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=batch, max_size=batch))
    elif loss.startswith("binary"):
        y = draw(st.lists(st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0, 1)), min_size=batch,
                          max_size=batch))
    else:
        y = draw(st.lists(st.lists(st.floats(-2, 2), min_size=nout, max_size=nout), min_size=batch,
                          max_size=batch))
    return dict(
        loss=loss, nin=nin, nouts=[*hidden, nout], activation=draw(st.sampled_from(HIDDEN)),
        output_activation=draw(st.sampled_from(outputs)), X=X, y=y, seed=draw(st.integers(0, 2**16)),
        init=draw(st.sampled_from(["he", "xavier", "uniform", "orthogonal", "lecun"])),
        lr=draw(st.sampled_from([0.01, 0.1, 0.5])), momentum=draw(st.sampled_from([0.0, 0.5, 0.9])),
        delta=draw(st.sampled_from([0.5, 1.0, 2.0])),
    )


def our_loss(setup, outputs):
    name, y = setup["loss"], setup["y"]
    if name in ("binary_cross_entropy", "binary_cross_entropy_with_logits", "hinge"):
        return getattr(nn.losses, name)([out[0] for out in outputs], y)
    if name == "huber":
        return nn.losses.huber(outputs, y, delta=setup["delta"])
    return getattr(nn.losses, name)(outputs, y)


def torch_loss(setup, outputs):
    name, y = setup["loss"], setup["y"]
    if name == "cross_entropy":
        return F.cross_entropy(outputs, torch.tensor(y))
    target = torch.tensor(y, dtype=torch.float64)
    if name in ("binary_cross_entropy", "binary_cross_entropy_with_logits", "hinge"):
        scores = outputs[:, 0]
        if name == "hinge":
            return torch.relu(1 - target * scores).mean()
        return getattr(F, name)(scores, target)
    if name == "huber":
        return F.huber_loss(outputs, target, delta=setup["delta"])
    return {"mse": F.mse_loss, "mae": F.l1_loss}[name](outputs, target)


def torch_activation(name, z):
    if name == "softmax":
        return torch.softmax(z, dim=-1)
    if name == "leaky_relu":
        return F.leaky_relu(z, 0.01)
    return z if name == "linear" else getattr(torch, name)(z)


def torch_model(model):
    """Each layer's weights (nout x nin) and biases as float64 leaves, in parameters() order."""
    layers = []
    for layer in model.layers:
        W = torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64,
                         requires_grad=True)
        b = torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        layers.append((W, b, layer.activation))
    return layers


def torch_forward(layers, X):
    h = torch.tensor(X, dtype=torch.float64)
    for W, b, activation in layers:
        h = torch_activation(activation, h @ W.T + b)
    return h


def flat(layers):
    """The torch parameters in our parameters() order: neuron by neuron, weights then bias."""
    out = []
    for W, b, _ in layers:
        for j in range(W.shape[0]):
            out.extend(W[j].tolist() if W.grad is None else W.grad[j].tolist())
            out.append(b[j].item() if b.grad is None else b.grad[j].item())
    return out


def near_a_kink(setup, model) -> bool:
    """A pre-activation or a loss term exactly at a kink: the subgradients may differ legitimately."""
    kinked_hidden = setup["activation"] in ("relu", "leaky_relu") or setup["output_activation"] == "relu"
    if kinked_hidden:
        for x in setup["X"]:
            values = x
            for layer in model.layers:
                sums = [sum(w.data * v for w, v in zip(n.w, values)) + n.b.data for n in layer.neurons]
                if any(abs(s) < 1e-9 for s in sums):
                    return True
                values = [v.data for v in layer(values)]
    return False


def close(a: float, b: float, tol: float = 1e-9) -> bool:
    return abs(a - b) <= tol * (1.0 + abs(b))


@given(setups())
def test_random_mlp_outputs_loss_gradients_and_sgd_steps_match_pytorch(setup):
    note(str(setup))
    model = MLP(setup["nin"], setup["nouts"], setup["activation"], setup["output_activation"],
                init=setup["init"], seed=setup["seed"])
    assume(not near_a_kink(setup, model))
    layers = torch_model(model)
    params = [p for W, b, _ in layers for p in (W, b)]
    ours_opt = SGD(model.parameters(), lr=setup["lr"], momentum=setup["momentum"])
    theirs_opt = torch.optim.SGD(params, lr=setup["lr"], momentum=setup["momentum"], dampening=0)
    for step in range(3):
        outputs = [model(x) for x in setup["X"]]
        t_outputs = torch_forward(layers, setup["X"])
        for row, t_row in zip(outputs, t_outputs.tolist()):
            assert all(close(o.data, t) for o, t in zip(row, t_row))
        loss, t_loss = our_loss(setup, outputs), torch_loss(setup, t_outputs)
        if setup["loss"] in ("mae", "huber", "hinge"):  # a term at the kink of |d| or relu(1 - ys)
            residuals = [abs(o.data - t) for row, ts in zip(outputs, setup["y"]) if isinstance(ts, list)
                         for o, t in zip(row, ts)]
            margins = [abs(1 - t * row[0].data) for row, t in zip(outputs, setup["y"])
                       if setup["loss"] == "hinge"]
            delta = setup["delta"] if setup["loss"] == "huber" else 0.0
            if any(r < 1e-9 or abs(r - delta) < 1e-9 for r in residuals) or any(m < 1e-9 for m in margins):
                return
        if setup["loss"] == "binary_cross_entropy" and any(not 1e-12 < row[0].data < 1 - 1e-12
                                                           for row in outputs):
            return  # a saturated sigmoid: ours refuses p = 0 or 1, torch clamps the log (both documented)
        assert close(loss.data, t_loss.item(), 1e-9), (step, loss.data, t_loss.item())
        ours_opt.zero_grad()
        loss.backward()
        theirs_opt.zero_grad()
        t_loss.backward()
        for i, (g, t) in enumerate(zip([p.grad for p in model.parameters()], flat(layers))):
            assert close(g, t, 1e-8), (step, i, g, t)
        ours_opt.step()
        theirs_opt.step()
        with torch.no_grad():
            for W, b, _ in layers:
                W.grad, b.grad = None, None
        for i, (p, t) in enumerate(zip(model.parameters(), flat(layers))):
            assert close(p.data, t, 1e-8), (step, i, p.data, t)
        if not all(math.isfinite(p.data) for p in model.parameters()):
            return
