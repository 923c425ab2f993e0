"""Samples several test files share: one node of each kind and what a node holds, a good model file.

Imported by the tests as `from samples import ...` (pytest puts tests/ on the path).
"""

from __future__ import annotations

import json

from autograd import dot, total


def fields(node):
    """Everything about a node; a parent made for a number operand (a new constant each time) by value."""
    parents = tuple(p if p.label else ("constant", p.data, p.op) for p in node.parents)
    return (node.data, node.op, parents, node.locals, node.constant, node.grad, node.label)


OPS = [lambda x, w: x.leaky_relu(0.2), lambda x, w: x**3, lambda x, w: x * w, lambda x, w: 2.0 - x,
       lambda x, w: w / x, lambda x, w: dot([x, w], [w, x], x), lambda x, w: total([x, w, x]),
       lambda x, w: x.tanh(), lambda x, w: x**w, lambda x, w: 2.0**x]


def one_of_each(x, w):  # x and w carry labels: compared by identity
    return [op(x, w) for op in OPS]


# A model file nn.load accepts: an MLP 2 -> 2 -> 1.
GOOD = {"format": "chainrule.nn", "version": 1, "model": "MLP", "nin": 2, "activation": "relu",
        "output_activation": "linear",
        "layers": [{"weights": [[0.1, 0.2], [0.3, 0.4]], "biases": [0.0, 0.5]},
                   {"weights": [[1.0, -1.0]], "biases": [0.25]}]}
GOOD_TEXT = json.dumps(GOOD)
