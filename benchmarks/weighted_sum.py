"""Workload 6: one weighted sum of n terms, s = sum_i w_i * x_i, forward and backward.

ds/dw_i = x_i. "ours" and the peers build it from binary ops as a user would write it;
"ours (dot)" is one n-ary node, ``autograd.dot(w, x)``.
"""

from __future__ import annotations

import random

from .timing import Stopwatch


def inputs(n: int, seed: int = 7) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    return [rng.uniform(-1, 1) for _ in range(n)], [rng.uniform(-1, 1) for _ in range(n)]


def graph_sum(engine_name: str, n: int) -> dict:
    from .engines import load

    engine = load(engine_name)
    w_data, x_data = inputs(n)
    _run(engine, w_data[:100], x_data[:100])  # warm-up
    with Stopwatch() as watch:
        ws, s = _run(engine, w_data, x_data)
    return {"seconds": watch.seconds, "gc_seconds": watch.gc_seconds, "loss": engine.number(s),
            "grads": [engine.grad(w) for w in ws]}


def _run(engine, w_data: list[float], x_data: list[float]) -> tuple[list, object]:
    ws = [engine.leaf(v) for v in w_data]
    xs = [engine.leaf(v) for v in x_data]
    s = sum(w * x for w, x in zip(ws, xs))
    engine.backward(s)
    return ws, s


def ours_dot(n: int) -> dict:
    from autograd import Value, dot

    w_data, x_data = inputs(n)
    # warm-up, as the others
    dot([Value(v) for v in w_data[:100]], [Value(v) for v in x_data[:100]]).backward()
    with Stopwatch() as watch:
        ws = [Value(v) for v in w_data]
        xs = [Value(v) for v in x_data]
        s = dot(ws, xs)
        s.backward()
    return {"seconds": watch.seconds, "gc_seconds": watch.gc_seconds, "loss": s.data,
            "grads": [w.grad for w in ws]}


def floor(n: int) -> dict:
    w_data, x_data = inputs(n)
    with Stopwatch() as watch:
        s = sum(w * x for w, x in zip(w_data, x_data))
        grads = list(x_data)  # ds/dw_i = x_i
        dx = list(w_data)  # ds/dx_i = w_i
    del dx
    return {"seconds": watch.seconds, "gc_seconds": watch.gc_seconds, "loss": s, "grads": grads}
