"""The binary operators build their nodes inline (the engine's hottest line); every slot must come
out exactly as the one node builder, ``engine._node``, makes it, so the two cannot drift apart."""

from __future__ import annotations

import pytest

from autograd import Value, engine, no_grad
from autograd.rules import BINARY

OPERATORS = {"+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__", "**": "__pow__"}


def slots(node: Value) -> dict:
    """Every slot of a node that is set (backward's scratch slots are set by a pass, not here)."""
    return {name: getattr(node, name) for name in Value.__slots__ if hasattr(node, name)}


@pytest.mark.parametrize("op", sorted(OPERATORS))
def test_every_binary_operator_makes_the_node_the_builder_makes(op):
    a, b = Value(1.5, label="a"), Value(0.5, label="b")
    made = getattr(a, OPERATORS[op])(b)
    data = BINARY[op].forward(1.5, 0.5)
    d_a, d_b = BINARY[op].local(1.5, 0.5, data)
    built = engine._node(data, op, a, b, d_a, d_b, None)
    assert set(slots(made)) == set(slots(built)) == set(Value.__slots__) - {"_grad_sum"}
    assert slots(made) == slots(built)


def test_a_reflected_operator_with_a_number_makes_the_same_slots():
    x = Value(2.0)
    made = 3.0 - x
    built = engine._node(1.0, "-", made.parents[0], x, 1.0, -1.0, None)
    assert slots(made).keys() == slots(built).keys()
    assert made.parents[0].is_leaf and made.parents[0].data == 3.0


def test_the_inline_builder_applies_the_modes_as_the_builder_does():
    a, b = Value(1.0), Value(2.0)
    with no_grad():
        made = a * b
        built = engine._node(2.0, "*", a, b, 2.0, 1.0, None)
    assert made.is_leaf and built.is_leaf and slots(made) == slots(built)
