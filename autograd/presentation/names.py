"""What the pictures, tables and pages call each node, and the order they show them in.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = (x * 3).tanh()
    >>> list(node_names(y).values())
    ['x', 'const1', 'mul1', 'tanh1']
"""

from __future__ import annotations

from autograd import rules
from autograd.backward import forward_order  # in the core, shared with codegen
from autograd.engine import Value, rule_of


def node_names(output: Value) -> dict[Value, str]:
    """A readable name for every node, no two alike: its label, else the op's word and a running
    index (mul1, tanh2), else for an unlabelled leaf of an n-ary op its role there (a neuron's
    weight dot1.w2; an input of w·x + b x1), else const + index. A label taken twice, or an
    automatic name a label already uses (a variable called mul1), gets a suffix: x_2, mul2."""
    order = forward_order(output)
    names: dict[Value, str] = {}
    taken = {node.label for node in order if node.label}
    counts: dict[str, int] = {}
    labels_used: set[str] = set()
    for node in order:
        if node.label:
            names[node] = unique(node.label, taken) if node.label in labels_used else node.label
            labels_used.add(node.label)
        elif not node.is_leaf:
            names[node] = _numbered(word(node), counts, taken)
    for node in order:
        if type(node._first) is tuple:  # an n-ary node names its unlabelled leaves by their role
            for slot, parent in enumerate(node.parents):
                if parent not in names:
                    own = role(node, slot)
                    names[parent] = unique(own if own[0] == "x" else f"{names[node]}.{own}", taken)
    for node in order:
        if node not in names:
            names[node] = _numbered("const", counts, taken)
    return {node: names[node] for node in order}


def word(node: Value) -> str:
    """The word of an unlabelled result: the rule table's (mul, tanh); sumsq for a dot d·d."""
    if node.op == "dot" and is_sum_of_squares(node):
        return "sumsq"
    return rules.word(rule_of(node), node.op)


def is_sum_of_squares(node: Value) -> bool:
    """True for dot(d, d) without a bias (as mse builds it): the w and x slots hold the same nodes."""
    count, parents = node.constant, node.parents
    if not isinstance(count, int) or len(parents) != 2 * count:
        return False
    return all(first is second for first, second in zip(parents[:count], parents[count:]))


def _numbered(word: str, counts: dict[str, int], taken: set[str]) -> str:
    """word1, word2, ...: the next index whose name nobody has taken."""
    while True:
        counts[word] = counts.get(word, 0) + 1
        name = f"{word}{counts[word]}"
        if name not in taken:
            taken.add(name)
            return name


def unique(name: str, taken: set[str], separator: str = "_") -> str:
    """name if free, else name_2, name_3, ... (name#2 with separator "#"); the result is marked as taken."""
    candidate, index = name, 1
    while candidate in taken:
        index += 1
        candidate = f"{name}{separator}{index}"
    taken.add(candidate)
    return candidate


def role(node: Value, slot: int) -> str:
    """The formula's name for node's operand number slot: u, a, b, or w2, x1 in w·x + b."""
    return rules.role(rule_of(node), slot, node.constant)
