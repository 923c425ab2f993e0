"""Reverse mode: order the graph, then apply the chain rule from the output back.

For every node, in reverse topological order (the output first):

    parent_gradient += local * node_gradient       (the chain rule, one edge at a time)

where ``local`` = d(node)/d(parent) comes from the rule table (``autograd.rules``).

Each pass sums its gradients separately (in the node's ``_g`` slot, reset when
the pass visits the node) and then ADDS them to ``.grad``; a second pass never
re-propagates the first pass's sums, so two calls give exactly twice the gradient.
Everything is iterative: chains 10^6 deep need no recursion.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from . import modes
from .engine import Value, _check_number, _const, _leaf
from .rules import BINARY, NARY, UNARY


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during a pass (nodes hold no cycles), then restore it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def topological_order(output: Value) -> list[Value]:
    """Every node reachable from output once, each after all of its parents (iterative DFS).

    A node is placed when the depth-first search leaves it, i.e. after all its parents;
    operands are visited in order (a before b). Each node's per-pass gradient slot is
    reset on the way (backward's pass starts from this order).
    """
    if not isinstance(output, Value):
        raise TypeError(f"topological_order takes a Value, got {type(output).__name__}")
    order: list[Value] = []
    visited: set[Value] = set()
    stack = [output]
    leaving = [False]  # parallel to stack: True once the node's parents have been pushed
    push, push_leaving, visit = stack.append, leaving.append, visited.add
    while stack:
        node = stack.pop()
        if leaving.pop():
            order.append(node)
            continue
        if node in visited:  # pushed twice; the first copy already placed it
            continue
        visit(node)
        node._g = 0.0
        push(node)
        push_leaving(True)
        a = node._a
        if a is None:
            continue
        b = node._b
        if b is not None:  # push b first so that a is visited first
            if b not in visited:
                push(b)
                push_leaving(False)
            if a not in visited:
                push(a)
                push_leaving(False)
        else:
            for parent in reversed(a) if type(a) is tuple else (a,):
                if parent not in visited:
                    push(parent)
                    push_leaving(False)
    return order


def _seed(seed: Any, create_graph: bool) -> Any:
    """The seed d(output)/d(output): a number, or a Value (kept as a Value only with create_graph)."""
    if isinstance(seed, Value):
        return seed if create_graph else seed.data
    return _check_number(seed, "backward's grad (the seed)")


def backward(output: Value, seed: Any = 1.0, create_graph: bool = False) -> None:
    """Add d(output)/d(node) * seed to node.grad for every node reachable from output."""
    if not isinstance(output, Value):
        raise TypeError(f"backward takes a Value, got {type(output).__name__}")
    seed = _seed(seed, create_graph)
    if create_graph:
        grads = _gradients_as_values(output, seed)
        for node, gradient in grads.items():
            node.grad = _add_gradient(node.grad, gradient)
        return
    sites = modes.anomaly_sites()
    if sites is not None:
        grads = _float_gradients(output, seed, sites)
        for node, gradient in grads.items():
            node.grad += gradient
        return
    with _collector_paused():
        _backward_fast(output, seed)


def _backward_fast(output: Value, seed: float) -> None:
    """The float path: one pass in reverse topological order, sums kept in each node's _g."""
    order = topological_order(output)  # also sets every node's _g to 0.0
    output._g = seed
    for node in reversed(order):
        upstream = node._g
        node.grad += upstream
        a = node._a
        if a is None:  # a leaf: nothing to pass on
            continue
        b = node._b
        if b is not None:  # binary: two edges
            a._g += node._da * upstream
            b._g += node._db * upstream
        elif type(a) is tuple:  # n-ary: one edge per operand
            for parent, local in zip(a, node._da):
                parent._g += local * upstream
        else:  # unary
            a._g += node._da * upstream


def _float_gradients(output: Value, seed: float, sites: dict | None = None) -> dict[Value, float]:
    """d(output)/d(node) * seed for every node, in a dict (.grad untouched)."""
    grads: dict[Value, float] = {}
    for node in topological_order(output):
        grads[node] = 0.0
    grads[output] = seed
    for node in reversed(grads):
        upstream = grads[node]
        for parent, local in zip(node.parents, node.locals):
            contribution = local * upstream
            if sites is not None and not math.isfinite(contribution) and math.isfinite(upstream):
                _report_backward_anomaly(node, parent, upstream, local, sites)
            grads[parent] += contribution
    return grads


def _report_backward_anomaly(node: Value, parent: Value, upstream: float, local: float, sites: dict) -> None:
    index = node.parents.index(parent)
    operands = ", ".join(repr(p.data) for p in node.parents[:8])
    raise FloatingPointError(
        f"detect_anomaly: backward of {node.op} gave {local * upstream!r} for operand {index} "
        f"(upstream {upstream!r} x local {local!r}); operands ({operands}), "
        f"created at {sites.get(node, '<made outside detect_anomaly>')}"
    )


def _add_gradient(existing: Any, gradient: Any) -> Any:
    if type(existing) is float and existing == 0.0:
        return gradient
    return existing + gradient


def rule_of(node: Value) -> Any:
    """The row of the rule table that made node (None for a leaf)."""
    a = node._a
    if a is None:
        return None
    if type(a) is tuple:
        return NARY[node.op]
    return UNARY[node.op] if node._b is None else BINARY[node.op]


def _local_values(node: Value) -> tuple[Any, ...]:
    """The local derivatives as Values joined to the graph (for create_graph=True)."""
    parents = node.parents
    rule = rule_of(node)
    try:
        if type(node._a) is tuple:
            return tuple(rule.local(parents, node, node._k))
        if node._b is None:
            return (rule.local(parents[0], node, node._k),)
        return tuple(rule.local(parents[0], parents[1], node))
    except (ArithmeticError, ValueError):
        # An infinite derivative (sqrt at 0, 0 ** negative): keep the IEEE float, as a constant.
        return tuple(_leaf(local) for local in node.locals)


def _gradients_as_values(output: Value, seed: Any) -> dict[Value, Any]:
    """d(output)/d(node) as Values built from the graph, so they can be differentiated again."""
    order = topological_order(output)
    grads: dict[Value, Any] = {output: seed if isinstance(seed, Value) else _const(seed)}
    for node in reversed(order):
        upstream = grads.get(node)
        if upstream is None or node._a is None:
            continue
        for parent, local in zip(node.parents, _local_values(node)):
            contribution = upstream if type(local) is float and local == 1.0 else local * upstream
            grads[parent] = contribution if parent not in grads else grads[parent] + contribution
    return grads


def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """[d output / d input for each input]; .grad untouched; 0.0 for an input output ignores."""
    if not isinstance(output, Value):
        raise TypeError(f"grad takes a Value as output, got {type(output).__name__}")
    inputs = list(inputs)
    for index, item in enumerate(inputs):
        if not isinstance(item, Value):
            raise TypeError(f"grad's inputs must be Values; input {index} is {type(item).__name__}")
    if create_graph:
        grads = _gradients_as_values(output, 1.0)
    else:
        with _collector_paused():
            grads = _float_gradients(output, 1.0, modes.anomaly_sites())
    return [grads.get(item, 0.0) for item in inputs]
