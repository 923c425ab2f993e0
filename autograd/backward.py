"""Reverse mode: apply the chain rule from the output back, one edge at a time.

    parent_gradient += local * node_gradient

where ``local`` = d(node)/d(parent) comes from the rule table (``autograd.rules``).

A node may pass its gradient on only once it is complete, i.e. once every node
that uses it (its consumers) has added its part: the order is topological, output
first. We find it with Kahn's algorithm, run from the output:

    pass 1  count, for every node, the operand slots that use it      (node._n)
    pass 2  start from the output; when a node's count reaches 0, its gradient
            is complete: add it to node.grad and pass it on to its operands.
            Complete nodes wait on a stack with the first operand on top, so backward
            follows each node's first operand down before its second (depth first;
            measured 15% faster than a first-in-first-out queue on an MLP).

Each pass sums its gradients separately (in the node's ``_g`` slot, set to 0 in
pass 1) and ADDS them to ``.grad``; a second pass never re-propagates the first
pass's sums, so two calls give exactly twice the gradient. Everything is
iterative: chains 10^6 deep need no recursion. One graph is differentiated by one
thread at a time (the counts live on the nodes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from . import modes, rules
from .engine import Value, _check_number, _const, _leaf
from .rules import BINARY, NARY, UNARY


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
    with modes.collector_paused():
        _backward_fast(output, seed)


def _count_consumers(output: Value) -> list[Value]:
    """Pass 1: for each node below output, _n = the operand slots that use it, and _g = 0.

    Returns every node seen. Counts are 0 outside a pass: pass 2 counts them back down.
    """
    output._g = 0.0
    stack = [output]
    push = stack.append
    seen = [output]
    see = seen.append
    while stack:
        node = stack.pop()
        a = node._a
        if a is None:
            continue
        b = node._b
        if b is not None:
            if not a._n:
                a._g = 0.0
                push(a)
                see(a)
            a._n += 1
            if not b._n:
                b._g = 0.0
                push(b)
                see(b)
            b._n += 1
        else:
            for parent in a if type(a) is tuple else (a,):
                if not parent._n:
                    parent._g = 0.0
                    push(parent)
                    see(parent)
                parent._n += 1
    return seen


def _forget_counts(seen: list[Value]) -> None:
    """After an interrupted pass: every count back to 0, as a finished pass leaves them."""
    for node in seen:
        node._n = 0


def topological_order(output: Value) -> list[Value]:
    """Every node reachable from output once, each after all of its parents.

    Kahn's algorithm run from the output: a node is taken once all of its consumers
    have been taken. Backward uses exactly this order (reversed: the output first).
    """
    if not isinstance(output, Value):
        raise TypeError(f"topological_order takes a Value, got {type(output).__name__}")
    seen = _count_consumers(output)
    order = []
    ready = [output]
    try:
        while ready:
            node = ready.pop()
            order.append(node)
            complete = []
            for parent in node.parents:
                parent._n -= 1
                if not parent._n:
                    complete.append(parent)
            complete.reverse()  # the first operand on top: it is taken next
            ready += complete
    except BaseException:
        _forget_counts(seen)
        raise
    order.reverse()
    return order


def _backward_fast(output: Value, seed: float) -> None:
    """The float path, fused with Kahn's order: a node passes its gradient on to its
    operands once all of its consumers have passed theirs to it (its count is 0)."""
    seen = _count_consumers(output)
    try:
        output._g = seed
        ready = [output]  # complete nodes; the last one pushed is taken first
        push = ready.append
        pop = ready.pop
        while ready:
            node = pop()
            upstream = node._g
            node.grad += upstream
            a = node._a
            if a is None:
                continue
            b = node._b
            if b is not None:
                a._g += node._da * upstream
                a._n -= 1
                b._g += node._db * upstream
                b._n -= 1
                if not b._n and b is not a:  # x*x: one push for the one node
                    push(b)
                if not a._n:  # pushed last, taken first
                    push(a)
            elif type(a) is tuple:
                complete = []
                for parent, local in zip(a, node._da):
                    parent._g += local * upstream
                    parent._n -= 1
                    if not parent._n:
                        complete.append(parent)
                complete.reverse()
                ready += complete
            else:
                a._g += node._da * upstream
                a._n -= 1
                if not a._n:
                    push(a)
    except BaseException:
        _forget_counts(seen)
        raise


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


def formula_for(node: Value, slot: int) -> str:
    """The rule table's formula for d(node)/d(its operand number ``slot``), filled in."""
    a = node._a
    table = NARY if type(a) is tuple else (UNARY if node._b is None else BINARY)
    return rules.formula(table, node.op, slot, node.arg)


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
        with modes.collector_paused():
            grads = _float_gradients(output, 1.0, modes.anomaly_sites())
    return [grads.get(item, 0.0) for item in inputs]
