"""Optimisers: turn the gradients that backward left in ``p.grad`` into a step of the parameters."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from autograd import Value, checks

__all__ = ["SGD"]


def _number(name: str, value: Any) -> float:
    return checks.real(value, f"SGD: {name}")


class SGD:
    """Stochastic gradient descent, with classical momentum.

        Delta_t = momentum * Delta_{t-1} - lr * g_t        (Delta_0 = 0)
        theta_t = theta_{t-1} + Delta_t

    i.e. theta <- theta - lr * g + momentum * Delta_prev: each step repeats a fraction of
    the previous step, so steps grow along directions where the gradient keeps its sign
    and cancel where it oscillates. With momentum = 0 it is plain gradient descent.

    PyTorch writes it with a velocity v_t = momentum * v_{t-1} + g_t and
    theta_t = theta_{t-1} - lr * v_t (``torch.optim.SGD(lr, momentum, dampening=0)``).
    Multiply by -lr: -lr v_t = momentum (-lr v_{t-1}) - lr g_t, which is Delta_t above,
    so both give the same trajectory for a fixed lr.
    """

    def __init__(self, params: Iterable[Value], lr: float = 0.01, momentum: float = 0.0) -> None:
        if isinstance(params, Value) or not hasattr(params, "__iter__"):
            raise TypeError(f"SGD takes a list of Values (model.parameters()), got {type(params).__name__}")
        params = list(params)
        if not params:
            raise ValueError("SGD got an empty list of parameters: nothing to train")
        seen = set()
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"SGD: params[{i}] is a {type(p).__name__}, not a Value")
            if p in seen:
                raise ValueError(f"SGD: params[{i}] appears twice; each parameter would be stepped twice")
            seen.add(p)
        lr, momentum = _number("lr", lr), _number("momentum", momentum)
        if not (lr > 0 and math.isfinite(lr)):
            raise ValueError(f"SGD: lr must be a positive finite number, got {lr!r}")
        if not 0 <= momentum < 1:
            raise ValueError(f"SGD: momentum must lie in [0, 1), got {momentum!r}")
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.deltas = [0.0] * len(params)  # Delta_prev: each parameter's previous step

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 before the next backward (backward adds)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """theta <- theta - lr * grad + momentum * Delta_prev, for every parameter."""
        lr, momentum, deltas = self.lr, self.momentum, self.deltas
        for i, p in enumerate(self.params):
            grad = p.grad if type(p.grad) is float else float(p.grad)  # a Value after create_graph
            delta = momentum * deltas[i] - lr * grad
            deltas[i] = delta
            p.data += delta

    def __repr__(self) -> str:
        return f"SGD({len(self.params)} parameters, lr={self.lr}, momentum={self.momentum})"
