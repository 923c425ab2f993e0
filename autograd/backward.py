"""Reverse mode: the chain rule, applied from the output back to the inputs.

For every node, from the output down, and every operand (parent) of that node:

    grads[parent] += local * grads[node]        local = d(node)/d(parent), from the rule table

A node may pass its gradient on only once it is complete, that is, once every node that
uses it (its consumers) has added its part: the nodes are taken in reverse topological
order. ``gradients`` below is that algorithm, written as plainly as it reads; everything
else in this module computes the same numbers, faster or as Values.

    >>> from autograd import Value
    >>> x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    >>> y = x * w + x                    # dy/dx = w + 1, dy/dw = x
    >>> grads = gradients(y)
    >>> grads[x], grads[w]
    (-2.0, 2.0)

PyTorch calls the same loop ``backward`` (in C++, ``torch/csrc/autograd/engine.cpp``);
HIPS autograd calls it ``backward_pass``.
"""

from __future__ import annotations

import math
import sys
import threading
from collections import deque
from collections.abc import Sequence
from itertools import repeat
from operator import add, attrgetter
from typing import Any

from . import checks, collector, modes
from .engine import Value, _constant_leaf, describe, rule_of

# --- the algorithm ---


def topological_order(output: Value) -> list[Value]:
    """Every node reachable from output once, each after all of its parents (its operands).

    Kahn's algorithm, run from the output: count each node's consumers (the operand slots
    that use it), then take the output, and take each node once its last consumer is taken.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x"); w = Value(-3.0, label="w")
    >>> y = x * w; y.label = "y"
    >>> [v.label for v in topological_order(y)]
    ['w', 'x', 'y']
    """
    if not isinstance(output, Value):
        raise TypeError(f"topological_order takes a Value, got {type(output).__name__}")
    consumers = _consumer_counts(output)
    order = []
    ready = [output]  # taken last in, first out: depth first, the first operand first
    while ready:
        node = ready.pop()
        order.append(node)
        complete = []
        for parent in node.parents:
            consumers[parent] -= 1
            if consumers[parent] == 0:
                complete.append(parent)
        ready += reversed(complete)
    order.reverse()
    return order


def forward_order(output: Value) -> list[Value]:
    """Every node once, each after its operands, visited left to right as the expression is written."""
    order: list[Value] = []
    done: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(output, False)]
    while stack:
        node, expanded = stack.pop()
        if node in done:
            continue
        if expanded:
            done.add(node)
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((parent, False) for parent in reversed(node.parents) if parent not in done)
    return order


def _consumer_counts(output: Value) -> dict[Value, int]:
    """node -> how many operand slots of the nodes below output use it (x*x uses x twice)."""
    counts = {output: 0}
    stack = [output]
    while stack:
        for parent in stack.pop().parents:
            if parent not in counts:
                counts[parent] = 0
                stack.append(parent)
            counts[parent] += 1
    return counts


def gradients(output: Value, seed: float = 1.0) -> dict[Value, float]:
    """THE ALGORITHM: d(output)/d(node) * seed for every node below output, in a dict.

    Reverse topological order makes each node's gradient complete before it is passed on;
    each edge adds one product, the chain rule. No ``.grad`` is changed.

    >>> from autograd import Value
    >>> x = Value(2.0); w = Value(-3.0)
    >>> d = gradients(x * w + x)          # d/dx = w + 1, d/dw = x
    >>> d[x], d[w], x.grad
    (-2.0, 2.0, 0.0)
    """
    grads = {output: seed}
    for node in reversed(topological_order(output)):  # the output first, the inputs last
        for parent, local in zip(node.parents, node.locals):
            grads[parent] = grads.get(parent, 0.0) + local * grads[node]  # the chain rule, one edge
    return grads


# --- backward and grad: what users call ---


def backward(output: Value, seed: Any = 1.0, create_graph: bool = False) -> None:
    """Add d(output)/d(node) * seed to node.grad for every node reachable from output.

    All or nothing: an error or an interrupt (Ctrl-C) at any point leaves every .grad as it was.
    """
    if not isinstance(output, Value):
        raise TypeError(f"backward takes a Value, got {type(output).__name__}")
    _give_back_a_stale_lock()
    if create_graph:
        grads = _gradients_as_values(output, seed if isinstance(seed, Value) else _constant_leaf(_seed(seed)))
        with _pass_lock:
            totals = list(map(_plus, map(_grad, grads), grads.values()))
            _store_grads(list(grads), totals)
        return
    seed = _seed(seed)
    sites = modes.anomaly_sites()
    if sites is not None:
        grads = _checked_gradients(output, seed, sites)
        _add_to_grads(list(grads), list(grads.values()))
        return
    with _pass_lock:
        nodes = _fast_pass(output, seed, add_to_grads=True)
    collector.graph_complete(nodes)


def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """[d output / d input for each input]; .grad untouched; 0.0 for an input output ignores.

    As ``torch.autograd.grad``. With create_graph=True the derivatives are Values themselves, so
    they can be differentiated again (second derivatives).

    >>> from autograd import Value
    >>> x = Value(3.0); y = Value(5.0)
    >>> grad(x * x, [x, y])               # d(x^2)/dx = 2x = 6; y is not used
    [6.0, 0.0]
    >>> (dx,) = grad(x ** 3, [x], create_graph=True)   # 3x^2 = 27, as a Value
    >>> grad(dx, [x])                     # d(3x^2)/dx = 6x = 18
    [18.0]
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad takes a Value as output, got {type(output).__name__}")
    inputs = list(inputs)
    for index, item in enumerate(inputs):
        if not isinstance(item, Value):
            raise TypeError(f"grad's inputs must be Values; input {index} is {type(item).__name__}")
    _give_back_a_stale_lock()
    if create_graph:
        grads = _gradients_as_values(output, _constant_leaf(1.0))
        return [grads.get(item, 0.0) for item in inputs]
    sites = modes.anomaly_sites()
    if sites is not None:
        grads = _checked_gradients(output, 1.0, sites)
        return [grads.get(item, 0.0) for item in inputs]
    with _pass_lock:
        for item in inputs:
            item._grad_sum = 0.0  # an input that output does not depend on keeps this 0.0
        _fast_pass(output, 1.0, add_to_grads=False)
        return [item._grad_sum for item in inputs]


def _seed(seed: Any) -> float:
    """The seed d(output)/d(output) as a float (a Value seed without create_graph: its value)."""
    if isinstance(seed, Value):
        return checks.real(seed.data, "backward's grad (the seed)")
    return checks.real(seed, "backward's grad (the seed)")


def _add_to_grads(nodes: list[Value], gradients: list[Any]) -> None:
    """node.grad += gradient for each node, all or nothing.

    The sums are made first (this may fail, say on a .grad set to a str: nothing has changed
    yet), then stored by one C-level call that neither Ctrl-C nor another thread can enter.
    """
    with _pass_lock:
        _store_grads(nodes, list(map(add, map(_grad, nodes), gradients)))


def _store_grads(nodes: list[Value], totals: list[Any]) -> None:
    """node.grad = total for each node, in one C call (an interrupt comes before it or after it)."""
    deque(map(setattr, nodes, repeat("grad"), totals), maxlen=0)


def _plus(existing: Any, gradient: Any) -> Any:
    """existing + gradient; a .grad of 0.0 simply becomes the gradient (no 0.0 + node in the graph)."""
    if type(existing) is float and existing == 0.0:
        return gradient
    return existing + gradient


_grad = attrgetter("grad")
_grad_sum = attrgetter("_grad_sum")


# --- detect_anomaly and create_graph: the algorithm with a check, or with Values ---


def _checked_gradients(output: Value, seed: float, sites: dict) -> dict[Value, float]:
    """``gradients``, raising FloatingPointError at the first edge whose product is nan/inf."""
    grads = {output: seed}
    for node in reversed(topological_order(output)):
        upstream = grads[node]
        for slot, (parent, local) in enumerate(zip(node.parents, node.locals)):
            contribution = local * upstream
            if not math.isfinite(contribution) and math.isfinite(upstream):
                raise FloatingPointError(
                    f"detect_anomaly: backward of {node.op} gave {contribution!r} for operand {slot} "
                    f"(upstream {upstream!r} × local {local!r}); {describe(node)}, "
                    f"created at {sites.get(node, '<made outside detect_anomaly>')}"
                )
            grads[parent] = grads.get(parent, 0.0) + contribution
    return grads


def _gradients_as_values(output: Value, seed: Value) -> dict[Value, Any]:
    """``gradients`` with every local derivative a Value joined to the graph, so the gradients
    can be differentiated again (backward(create_graph=True), grad(create_graph=True))."""
    grads: dict[Value, Any] = {output: seed}
    with modes.ieee_arithmetic():  # sqrt'(0) = inf, as on the float path, instead of an error
        for node in reversed(topological_order(output)):
            upstream = grads[node]
            for parent, local in zip(node.parents, _local_values(node)):
                contribution = upstream if type(local) is float and local == 1.0 else local * upstream
                grads[parent] = contribution if parent not in grads else grads[parent] + contribution
    return grads


def _local_values(node: Value) -> tuple[Any, ...]:
    """The node's local derivatives recomputed from its operands as Values (so they have gradients)."""
    rule = rule_of(node)
    if rule is None:
        return ()
    parents = node.parents
    try:
        if type(node._first) is tuple:
            return tuple(rule.local(parents, node, node.constant))
        if node._second is None:
            return (rule.local(parents[0], node, node.constant),)
        return tuple(rule.local(parents[0], parents[1], node))
    except (TypeError, AttributeError) as error:
        raise TypeError(
            f"backward(create_graph=True) through {node.op!r}: its local derivative does not accept "
            f"Values ({type(error).__name__}: {error}); write it with autograd.functions or Value "
            "methods instead of math"
        ) from None


# --- the fast path: the same algorithm, with its state in the nodes ---
#
# ``gradients`` keeps two dicts (the counts and the sums); on a graph of 65,000 nodes their
# lookups miss the CPU's caches, and the slots of the node at hand do not: keeping the state
# in the nodes (``_waiting``, ``_grad_sum``) and fusing Kahn's order into the gradient pass
# measured 2.4x faster on micrograd's demo MLP and 3.9x on a 100,000-deep chain
# (benchmarks/README.md). The numbers are the same bit for bit (tests/test_backward.py):
# the same order of nodes, and each gradient summed in the same order.

_pass_lock = threading.RLock()  # one fast pass at a time, since its state lives on the nodes
_pass_running = False  # True while the lock's holder is inside a pass


def _fast_pass(output: Value, seed: float, add_to_grads: bool) -> int:
    """``gradients(output, seed)``, added to each node's .grad (add_to_grads), or left in each
    node's _grad_sum for ``grad`` to read; returns the number of nodes. Call with _pass_lock held.

    All or nothing: an error or an interrupt at any point leaves every .grad as it was, and
    every node ready for the next pass.
    """
    global _pass_running
    if _pass_running and _nested():  # set with no pass up this thread's stack: left by an interrupt
        raise RuntimeError("backward was called from inside a running backward pass (a signal handler?)")
    seen = [output]  # every node whose count pass 1 touches, listed before it does
    counted = False
    try:
        _pass_running = True  # inside the try: an interrupt right after it still clears it
        _count_consumers(output, seen)
        counted = True
        _pass_gradients_down(output, seed, add_to_grads)
        nodes = len(seen)
    except BaseException:
        _undo(seen, counted and add_to_grads)
        raise
    finally:
        _pass_running = False
    return nodes


def _nested() -> bool:
    """True when a pass of this module runs further up this thread's stack than the call asking
    (backward or grad called from inside a pass: a signal handler, a tracer)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:  # the asking call's own frames
        frame = frame.f_back
    while frame is not None:
        if frame.f_code.co_filename == __file__:
            return True
        frame = frame.f_back
    return False


def _give_back_a_stale_lock() -> None:
    """After an interrupt between the last bytecode of a ``with _pass_lock:`` block and its exit,
    this thread still owns the lock with no pass running: give it back, or other threads wait.

    (A tracer can raise there; a Ctrl-C cannot, as CPython delivers signals at calls and jumps.)
    Ownership is per thread, so this never touches another thread's pass.
    """
    if _pass_lock._is_owned() and not _nested():
        while _pass_lock._is_owned():
            _pass_lock.release()


def _undo(seen: list[Value], grads_changed: bool) -> None:
    """After a pass that stopped: every .grad it changed back (each node it finished, marked -1,
    kept its old .grad in _grad_sum), then every count back to 0. Each in one C call."""
    if grads_changed:
        finished = [node for node in seen if node._waiting == -1]
        deque(map(setattr, finished, repeat("grad"), map(_grad_sum, finished)), maxlen=0)
    deque(map(setattr, seen, repeat("_waiting"), repeat(0)), maxlen=0)


# Between passes a node's _waiting is 0 (never counted, or reset) or -1 (finished by the last
# pass): both mean "not counted yet". A count is always >= 1.


def _count_consumers(output: Value, seen: list[Value]) -> None:
    """Pass 1: node._waiting = the operand slots that use the node, and node._grad_sum = 0."""
    output._grad_sum = 0.0
    output._waiting = 0
    stack = [output]
    push, pop, see = stack.append, stack.pop, seen.append
    while stack:
        node = pop()
        first = node._first
        if first is None:
            continue
        second = node._second
        if second is not None:
            if first._waiting > 0:
                first._waiting += 1
            else:
                first._grad_sum = 0.0
                see(first)
                first._waiting = 1
                push(first)
            if second._waiting > 0:
                second._waiting += 1
            else:
                second._grad_sum = 0.0
                see(second)
                second._waiting = 1
                push(second)
        else:
            for parent in first if type(first) is tuple else (first,):
                if parent._waiting > 0:
                    parent._waiting += 1
                else:
                    parent._grad_sum = 0.0
                    see(parent)
                    parent._waiting = 1
                    push(parent)


def _pass_gradients_down(output: Value, seed: float, add_to_grads: bool) -> None:
    """Pass 2, Kahn's order fused with the chain rule: a node passes its complete gradient on
    once all of its consumers have passed theirs to it (its count is back to 0).

    add_to_grads: each node's gradient is added to its .grad as the node is finished; the
    node is marked finished (_waiting = -1) with its old .grad kept in _grad_sum, for _undo.
    """
    output._grad_sum = seed
    ready = [output]  # complete nodes; the last one pushed is taken first
    push, pop = ready.append, ready.pop
    while ready:
        node = pop()
        upstream = node._grad_sum
        if add_to_grads:
            old = node.grad
            node._grad_sum = old
            node._waiting = -1
            node.grad = old + upstream
        first = node._first
        if first is None:
            continue
        second = node._second
        if second is not None:
            first._grad_sum += node._d_first * upstream
            first._waiting -= 1
            second._grad_sum += node._d_second * upstream
            second._waiting -= 1
            if not second._waiting and second is not first:  # x*x: one push for the one node
                push(second)
            if not first._waiting:  # pushed last, taken first
                push(first)
        elif type(first) is tuple:
            complete = []
            for parent, local in zip(first, node._d_first):
                parent._grad_sum += local * upstream
                parent._waiting -= 1
                if not parent._waiting:
                    complete.append(parent)
            complete.reverse()
            ready += complete
        else:
            first._grad_sum += node._d_first * upstream
            first._waiting -= 1
            if not first._waiting:
                push(first)
