"""Workloads 1 and 2: one SGD step of micrograd's demo MLP (2-16-16-1 ReLU) on two moons.

loss = mean_k relu(1 - y_k * score_k)  +  1e-4 * sum_p p^2      (the SVM "max-margin" loss)
step: forward, zero_grad, backward, p <- p - lr * dloss/dp

Four ways to compute the same numbers:
    same graph  the demo's code, written once against ``engines.Engine`` and run on our
                Value, micrograd's Value and 0-d torch tensors: binary ops only (~65,000 nodes)
    our nn      nn.MLP, nn.losses.hinge, nn.optim.SGD (n-ary nodes where nn uses them)
    floor       hand-written forward and backward on floats (no graph at all)
    codegen     staged code: ``autograd.codegen`` of ONE sample's graph (the demo's model on our
                Values), called once per sample on floats; the graph is built once, not per step
"""

from __future__ import annotations

from operator import add, mul
from typing import Any

from .data import flat, mlp_weights, moons
from .timing import Stopwatch

SIZES = [2, 16, 16, 1]
ALPHA = 1e-4  # L2 weight
LR = 0.1


# --- the demo's model and loss, against the protocol (as micrograd/nn.py and demo.ipynb) ---


class Neuron:
    def __init__(self, engine: Any, row: list[float], nonlin: bool) -> None:
        self.w = [engine.leaf(x) for x in row[:-1]]
        self.b = engine.leaf(row[-1])
        self.nonlin = nonlin

    def __call__(self, x: list) -> Any:
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list:
        return self.w + [self.b]


class MLP:
    """micrograd's MLP: ReLU on every layer but the last; a one-neuron layer returns its Value."""

    def __init__(self, engine: Any, layers: list[list[list[float]]]) -> None:
        last = len(layers) - 1
        self.layers = [[Neuron(engine, row, i != last) for row in layer] for i, layer in enumerate(layers)]

    def __call__(self, x: list) -> Any:
        for layer in self.layers:
            out = [n(x) for n in layer]
            x = out[0] if len(out) == 1 else out
        return x

    def parameters(self) -> list:
        return [p for layer in self.layers for n in layer for p in n.parameters()]


def demo_loss(engine: Any, model: MLP, X: list, y: list) -> Any:
    """The demo's loss, op for op: inputs as leaves, hinge per sample, mean, + alpha * sum p*p."""
    inputs = [[engine.leaf(v) for v in row] for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def same_graph(engine_name: str, n: int, steps: int, warmup: int) -> dict:
    """Time ``steps`` SGD steps of the demo's graph on one engine (after ``warmup`` steps)."""
    from .engines import load

    engine = load(engine_name)
    X, y = moons(n)
    model = MLP(engine, mlp_weights(SIZES))
    params = model.parameters()

    def step() -> Any:
        loss = demo_loss(engine, model, X, y)
        engine.zero_grad(params)
        engine.backward(loss)
        engine.sgd(params, LR)
        return loss

    return _timed(step, steps, warmup, lambda loss: (engine.number(loss), [engine.grad(p) for p in params]))


# --- our nn ---


def nn_available() -> str | None:
    """None when nn offers MLP, losses.hinge and optim.SGD; else what is missing."""
    try:
        import nn
        import nn.losses
        import nn.optim
    except ImportError as error:
        return f"nn not importable yet ({error})"
    missing = [name for name, ok in (("nn.MLP", hasattr(nn, "MLP")),
                                     ("nn.losses.hinge", hasattr(nn.losses, "hinge")),
                                     ("nn.optim.SGD", hasattr(nn.optim, "SGD"))) if not ok]
    return f"{', '.join(missing)} not available yet (nn is being written)" if missing else None


def our_nn(n: int, steps: int, warmup: int) -> dict:
    """The same maths through nn.MLP, nn.losses.hinge (+ L2 as one dot node) and nn.optim.SGD."""
    import nn
    import nn.losses
    import nn.optim
    from autograd import dot

    X, y = moons(n)
    model = nn.MLP(SIZES[0], SIZES[1:], activation="relu", output_activation="linear")
    params = model.parameters()
    start = flat(mlp_weights(SIZES))
    if len(params) != len(start):
        raise RuntimeError(f"nn.MLP has {len(params)} parameters, expected {len(start)}")
    for p, value in zip(params, start):
        p.data = value
    opt = nn.optim.SGD(params, lr=LR)

    def step() -> Any:
        scores = [model(row)[0] for row in X]
        loss = nn.losses.hinge(scores, y) + ALPHA * dot(params, params)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    return _timed(step, steps, warmup, lambda loss: (loss.data, [p.grad for p in params]))


# --- staged code: codegen of one sample's graph, called once per sample ---


def staged_functions() -> tuple[Any, Any, list[float]]:
    """(one sample's hinge and gradient, the L2 term and gradient, the starting weights) as staged code.

    sample(*weights, x_1, x_2, y) -> (relu(1 - y * score), [d/dweights..., d/dx_1, d/dx_2, d/dy]);
    l2(*weights) -> (1e-4 * sum p^2, [d/dweights...]). Both from ``codegen(..., fast=True)``.
    """
    from autograd import Value, codegen

    from .engines import load

    model = MLP(load("ours"), mlp_weights(SIZES))
    params = model.parameters()
    x = [Value(0.0, label=f"x{i + 1}") for i in range(SIZES[0])]
    target = Value(1.0, label="y")
    hinge = (1 + -target * model(x)).relu()  # the demo's per-sample loss, with y an input
    sample = codegen(hinge, params + x + [target], fast=True).function
    l2 = codegen(ALPHA * sum(p * p for p in params), params, fast=True).function
    return sample, l2, [p.data for p in params]


def staged(n: int, steps: int, warmup: int) -> dict:
    """Time SGD steps of the demo's maths on staged code (code generated once, before the timing)."""
    import time

    X, y = moons(n)
    started = time.perf_counter()
    sample, l2, weights = staged_functions()
    generated = time.perf_counter() - started
    scale = 1.0 / n

    def step() -> tuple[float, list[float]]:
        reg_loss, reg_grads = l2(*weights)
        data_loss, totals = 0.0, [0.0] * len(weights)
        for (x1, x2), target in zip(X, y):
            loss, grads = sample(*weights, x1, x2, target)  # one call per sample: value and gradient
            data_loss += loss
            totals = list(map(add, totals, grads))  # stops at the weights (grads also has x1, x2, y)
        grads = [g * scale + r for g, r in zip(totals, reg_grads)]
        weights[:] = [w - LR * g for w, g in zip(weights, grads)]
        return data_loss * scale + reg_loss, grads

    result = _timed(step, steps, warmup, lambda result: result)
    result["codegen_seconds"] = generated
    return result


# --- the floor: forward and backward by hand, on floats ---


def floor_step(layers: list[list[list[float]]], X: list, y: list, lr: float,
               sparse: bool = False) -> tuple[float, list[float]]:
    """One SGD step on floats; updates ``layers`` in place, returns (loss, gradients in flat order).

    Dense (the default) does every multiply-add the graph does, zero gradients included, so the
    ratio to it measures the graph's overhead; ``sparse`` skips samples whose hinge is flat and
    neurons whose gradient is 0, as a hand-tuned backward would (less work than any graph does).
    """
    grads = [[[0.0] * len(row) for row in layer] for layer in layers]
    last = len(layers) - 1
    n = len(X)
    data_loss = 0.0
    for x, target in zip(X, y):
        acts = [x]  # the input of each layer
        for i, layer in enumerate(layers):
            z = [sum(map(mul, row[:-1], acts[-1]), row[-1]) for row in layer]
            acts.append(z if i == last else [v if v > 0 else 0.0 for v in z])
        margin = 1 - target * acts[-1][0]
        if margin > 0:
            data_loss += margin
        elif sparse:
            continue  # relu'(margin) = 0: this sample passes no gradient
        upstream = [-target / n if margin > 0 else 0.0]  # d loss / d score
        for i in range(last, -1, -1):
            layer, grad, inputs, outputs = layers[i], grads[i], acts[i], acts[i + 1]
            if i != last:  # through the ReLU: pass where the output is positive
                upstream = [u if out > 0 else 0.0 for u, out in zip(upstream, outputs)]
            below = [0.0] * len(inputs)
            for row, grad_row, u in zip(layer, grad, upstream):
                if sparse and u == 0.0:
                    continue
                for j, xj in enumerate(inputs):
                    grad_row[j] += u * xj
                    if i:  # the inputs themselves need no gradient
                        below[j] += u * row[j]
                grad_row[-1] += u
            upstream = below
    reg = 0.0
    for layer, grad in zip(layers, grads):
        for row, grad_row in zip(layer, grad):
            for j, p in enumerate(row):
                reg += p * p
                grad_row[j] += 2 * ALPHA * p
    for layer, grad in zip(layers, grads):
        for row, grad_row in zip(layer, grad):
            for j, g in enumerate(grad_row):
                row[j] -= lr * g
    return data_loss / n + ALPHA * reg, flat(grads)


def floor(n: int, steps: int, warmup: int, sparse: bool = False) -> dict:
    X, y = moons(n)
    layers = mlp_weights(SIZES)
    return _timed(lambda: floor_step(layers, X, y, LR, sparse), steps, warmup, lambda result: result)


def _timed(step: Any, steps: int, warmup: int, read: Any) -> dict:
    """Run warmup + steps steps; the time is the mean of the timed steps; result of the last."""
    for _ in range(warmup):
        step()
    with Stopwatch() as watch:
        for _ in range(steps):
            out = step()
    loss, grads = read(out)
    return {"seconds": watch.seconds / steps, "gc_seconds": watch.gc_seconds / steps, "loss": loss,
            "grads": grads}
