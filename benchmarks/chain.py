"""Workload 3: a chain n deep, y = y * 1.0001 + 0.0001, forward and backward.

Four nodes per link (two constants, a product, a sum); dy/dx = 1.0001^n.
The floor runs the same recurrence on floats and multiplies the local derivatives back.
"""

from __future__ import annotations

from .timing import Stopwatch

FACTOR = 1.0001
OFFSET = 0.0001
START = 0.5


def graph_chain(engine_name: str, n: int) -> dict:
    """Time building the chain and one backward on an engine; y and dy/dx."""
    from .engines import load

    engine = load(engine_name)
    warm = engine.leaf(START)  # a short warm-up (first-call costs, e.g. torch's dispatcher)
    y = warm
    for _ in range(100):
        y = y * FACTOR + OFFSET
    engine.backward(y)
    del warm, y

    with Stopwatch() as watch:
        x = engine.leaf(START)
        y = x
        for _ in range(n):
            y = y * FACTOR + OFFSET
        engine.backward(y)
    return {"seconds": watch.seconds, "gc_seconds": watch.gc_seconds, "loss": engine.number(y),
            "grads": [engine.grad(x)]}


def floor(n: int) -> dict:
    """Forward on floats, then the chain rule by hand: dy/dx = product of the local derivatives."""
    with Stopwatch() as watch:
        y = START
        for _ in range(n):
            y = y * FACTOR + OFFSET
        grad = 1.0
        for _ in range(n):
            grad = grad * FACTOR  # d(y*a + b)/dy = a, once per link
    return {"seconds": watch.seconds, "gc_seconds": watch.gc_seconds, "loss": y, "grads": [grad]}
