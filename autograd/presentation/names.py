"""What the pictures, tables and pages call each node, and the order they show them in.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = (x * 3).tanh()
    >>> list(node_names(y).values())
    ['x', 'const1', 'mul1', 'tanh1']
"""

from __future__ import annotations

from autograd import rules
from autograd.engine import Value, rule_of


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


def node_names(output: Value) -> dict[Value, str]:
    """A readable name for every node: its label, else the op's word and a running index (mul1,
    tanh2), else for an unlabelled leaf of an n-ary op its role there (dot1.w2), else const + index."""
    order = forward_order(output)
    names: dict[Value, str] = {}
    counts: dict[str, int] = {}
    for node in order:
        if node.label or not node.is_leaf:
            names[node] = node.label or _numbered(rules.word(rule_of(node), node.op), counts)
    for node in order:
        if type(node._first) is tuple:  # an n-ary node names its unlabelled leaves by their role
            for slot, parent in enumerate(node.parents):
                if parent not in names:
                    names[parent] = f"{names[node]}.{role(node, slot)}"
    for node in order:
        if node not in names:
            names[node] = _numbered("const", counts)
    return {node: names[node] for node in order}


def _numbered(word: str, counts: dict[str, int]) -> str:
    counts[word] = counts.get(word, 0) + 1
    return f"{word}{counts[word]}"


def role(node: Value, slot: int) -> str:
    """The formula's name for node's operand number slot: u, a, b, or w2, x1 in w·x + b."""
    return rules.role(rule_of(node), slot, node.constant)
