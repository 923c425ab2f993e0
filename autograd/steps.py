"""Stepping through the chain rule: backward, one edge at a time, as data.

``backward()`` runs, for every node from the output back to the inputs,

    parent.grad += local * node.grad          (one edge of the graph)

``backward_steps(y)`` returns those edges as ``Step`` records, in the same order,
without touching any ``.grad``, so a learner (or a picture, or the command line)
can look at each product on its own:

    >>> from autograd import Value, backward_steps
    >>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
    >>> y = (a + b) * 0.5
    >>> print(backward_steps(y)[3])
    b.grad += 0.5 (upstream) x 1.0 (d(a+b)/db) = 0.5

The numbers come from the engine (``node.locals``, computed in forward) and the
formulas from the one table of rules (``autograd.rules``); this module knows no
derivative of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .backward import formula_for, topological_order
from .engine import Value

# Auto-names for nodes without a label: the op as a word and a running index (mul1, tanh2).
OP_WORDS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow"}


def format_number(number: float, digits: int = 6) -> str:
    """A float for people: `digits` significant digits, and always a point (1.0, not 1)."""
    text = f"{number:.{digits}g}"
    if text.lstrip("-").isdigit():
        text += ".0"
    return text


def format_term(number: float, digits: int = 6) -> str:
    """A number as a term of a sum: negatives in parentheses, 0.5 + (-3.0)."""
    text = format_number(number, digits)
    return f"({text})" if text.startswith("-") else text


def node_names(output: Value) -> dict[Value, str]:
    """A readable name for every node: its label, else op + index (mul1, tanh2), else for a leaf
    its role in the first neuron sum that uses it (dot1.w2, dot1.b), else const + index."""
    order = forward_order(output)
    names: dict[Value, str] = {}
    counts: dict[str, int] = {}
    for node in order:
        if node.label or not node.is_leaf:
            names[node] = node.label or _numbered(OP_WORDS.get(node.op, node.op), counts)
    for node in order:
        if node.op == "dot":
            for slot, parent in enumerate(node.parents):
                if parent not in names:
                    names[parent] = f"{names[node]}.{dot_role(node, slot)}"
    for node in order:
        if node not in names:
            names[node] = _numbered("const", counts)
    return {node: names[node] for node in order}


def _numbered(word: str, counts: dict[str, int]) -> str:
    counts[word] = counts.get(word, 0) + 1
    return f"{word}{counts[word]}"


def dot_role(node: Value, slot: int) -> str:
    """The operand's role in w.x + b, whose operands are (w_1..w_n, x_1..x_n, b): w2, x1 or b."""
    n = node.arg
    if slot < n:
        return f"w{slot + 1}"
    return f"x{slot - n + 1}" if slot < 2 * n else "b"


def forward_order(output: Value) -> list[Value]:
    """Every node once, each after its parents, operands visited left to right (as written)."""
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


def _derivative_name(rule: str) -> str:
    """The left side of the rule: d/dw_2 (w.x + b)."""
    return rule.split(" = ")[0]


@dataclass(frozen=True)
class Step:
    """One edge of backward: parent.grad += upstream * local = contribution."""

    node: Value  # the Value whose gradient is being passed down
    parent: Value  # the operand receiving it
    upstream: float  # d(y)/d(node): node's complete gradient
    local: float  # d(node)/d(parent), from the forward pass
    contribution: float  # upstream * local, added to parent's gradient
    rule: str  # the local derivative as a formula, from the rule table
    slot: int = 0  # the parent's position among node's operands (x*x: 0 and 1)
    number: int = 0  # 1 for the first step backward applies
    node_name: str = ""
    parent_name: str = ""
    before: float = 0.0  # parent's gradient summed so far, before this step
    term: int = 1  # this contribution is term `term` of the `terms` that make parent's gradient
    terms: int = 1
    derivative: str = field(default="", repr=False)  # the rule's left side, e.g. d(a+b)/db

    @property
    def after(self) -> float:
        """parent's gradient summed so far, after this step: before + contribution."""
        return self.before + self.contribution

    def __str__(self) -> str:
        return (
            f"{self.parent_name}.grad += {format_number(self.upstream)} (upstream)"
            f" x {format_number(self.local)} ({self.derivative})"
            f" = {format_number(self.contribution)}"
        )

    def sum_text(self) -> str:
        """The parent's gradient forming: x.grad = 3.0 + 3.0 = 6.0 (term 2 of 2: complete)."""
        if self.terms == 1:
            return f"{self.parent_name}.grad = {format_number(self.contribution)} (its only term: complete)"
        progress = "complete" if self.term == self.terms else f"{self.terms - self.term} more to come"
        if self.term == 1:
            return f"{self.parent_name}.grad = {format_number(self.contribution)} (term 1 of {self.terms}; {progress})"
        return (
            f"{self.parent_name}.grad = {format_number(self.before)} + {format_term(self.contribution)}"
            f" = {format_number(self.after)} (term {self.term} of {self.terms}: {progress})"
        )


def backward_steps(output: Value, grad: float = 1.0) -> list[Step]:
    """Every edge of backward in the order it is applied (output first); no .grad changes.

    For each node in reverse topological order, for each operand in order:
        contribution = upstream * local,  upstream = d(output)/d(node) (complete by then).
    """
    if not isinstance(output, Value):
        raise TypeError(f"backward_steps takes a Value, got {type(output).__name__}")
    order = topological_order(output)
    names = node_names(output)
    terms = _term_counts(order)
    grads: dict[Value, float] = {node: 0.0 for node in order}
    received: dict[Value, int] = {}
    grads[output] = float(grad)
    steps: list[Step] = []
    for node in reversed(order):
        upstream = grads[node]
        for slot, (parent, local) in enumerate(zip(node.parents, node.locals, strict=True)):
            rule = formula_for(node, slot)
            received[parent] = received.get(parent, 0) + 1
            contribution = local * upstream
            steps.append(Step(
                node, parent, upstream, local, contribution, rule, slot, len(steps) + 1,
                names[node], names[parent], grads[parent], received[parent], terms[parent],
                _derivative_name(rule),
            ))  # fmt: skip
            grads[parent] += contribution
    return steps


def _term_counts(order: list[Value]) -> dict[Value, int]:
    """How many contributions each node receives: one per operand slot it fills."""
    counts: dict[Value, int] = {}
    for node in order:
        for parent in node.parents:
            counts[parent] = counts.get(parent, 0) + 1
    return counts


def gradients_at(steps: list[Step], count: int, output: Value, grad: float = 1.0) -> dict[Value, float]:
    """The gradients as they stand after the first `count` steps (0: only the output's seed).

    A node missing from the result has not been reached yet.
    """
    grads: dict[Value, float] = {output: float(grad)}
    for step in steps[:count]:
        grads[step.parent] = grads.get(step.parent, 0.0) + step.contribution
    return grads

