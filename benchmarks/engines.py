"""The tiny protocol the graph-building workloads are written against, one adapter per engine.

A workload builds its graph once, in plain Python, from ``engine.leaf(x)`` (a node that
receives a gradient) and the operators ``+ - * **`` and ``.relu()``, which our ``Value``,
micrograd's ``Value`` and a 0-d PyTorch tensor all understand. The adapter does the rest:

    leaf(x)          -> a node holding x that backward gives a gradient
    backward(loss)   -> loss.backward()
    number(node)     -> its forward value as a float
    grad(node)       -> its gradient as a float
    zero_grad(nodes) / sgd(nodes, lr): p.grad = 0; p.data -= lr * p.grad
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

ENGINE_NAMES = ("ours", "micrograd", "torch")


class Engine:
    """One engine's adapter: a name, how to make a leaf, how to read and step its results."""

    def __init__(self, name: str, leaf: Callable[[float], Any], zero: Any) -> None:
        self.name = name
        self.leaf = leaf
        self._zero = zero

    def backward(self, loss: Any) -> None:
        loss.backward()

    def number(self, node: Any) -> float:
        return float(node.data)

    def grad(self, node: Any) -> float:
        return float(node.grad)

    def zero_grad(self, params: list) -> None:
        zero = self._zero
        for p in params:
            p.grad = zero

    def sgd(self, params: list, lr: float) -> None:
        """p <- p - lr * dL/dp, as micrograd's demo writes it."""
        for p in params:
            p.data -= lr * p.grad


class TorchEngine(Engine):
    """0-d float64 tensors used like micrograd's Values: requires_grad leaves, Python loops."""

    def __init__(self) -> None:
        import warnings

        warnings.filterwarnings("ignore", message=".*NumPy.*")  # torch without numpy warns once
        import torch

        self.torch = torch
        torch.set_num_threads(1)
        dtype = torch.float64
        super().__init__("torch", lambda x: torch.tensor(x, dtype=dtype, requires_grad=True), None)

    def number(self, node: Any) -> float:
        return node.item()

    def grad(self, node: Any) -> float:
        return 0.0 if node.grad is None else node.grad.item()

    def sgd(self, params: list, lr: float) -> None:
        with self.torch.no_grad():
            for p in params:
                p -= lr * p.grad


def load(name: str) -> Engine:
    """The adapter for engine ``name`` (imports the engine only when asked)."""
    if name == "ours":
        from autograd import Value

        return Engine("ours", Value, 0.0)
    if name == "micrograd":
        from micrograd.engine import Value as MicrogradValue

        return Engine("micrograd", MicrogradValue, 0)
    if name == "torch":
        return TorchEngine()
    raise ValueError(f"unknown engine {name!r}; known: {', '.join(ENGINE_NAMES)}")


def raise_recursion_limit(limit: int = 10**7) -> None:
    """micrograd's topological sort is recursive: one Python frame per node of depth."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), limit))
