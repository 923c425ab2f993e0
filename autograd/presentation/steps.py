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
    b.grad += 0.5 (upstream) × 1.0 (d(a+b)/db) = 0.5
    >>> backward_steps(y)[0].named_rule            # the rule with the real operands' names
    'd(add1 × const1)/d add1 = const1'

The numbers come from the engine (``node.locals``, computed in forward) and the
formulas from the one table of rules (``autograd.rules``); this module knows no
derivative of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from autograd import rules
from autograd.backward import topological_order
from autograd.engine import Value, rule_of
from autograd.text import shown, term

from .names import node_names


def formula_for(node: Value, slot: int) -> str:
    """The rule table's formula for d(node)/d(its operand number slot), filled in."""
    return rules.formula(rule_of(node), slot, node.constant)


def named_formula(node: Value, slot: int, names: dict[Value, str]) -> str:
    """The formula with node's real operands in place of the table's letters (a, b, u).

    d(a×b)/da = b at mul1 = sigmoid1 × b reads d(sigmoid1 × b)/d sigmoid1 = b (the names of
    ``node_names``, as every table and picture shows them). When one node fills both slots
    (x*x) the letters stay, so the two edges read apart: d(a×b)/da = b, with a = b = x. An n-ary
    node (sum, w·x + b) keeps its indexed letters.
    """
    rule = rule_of(node)
    generic = rules.formula(rule, slot, node.constant)
    if type(node._first) is tuple:
        return _named_nary(node, slot, generic, names)
    own = {letter: names[parent] for letter, parent in zip(rule.operands, node.parents)}
    if not own:
        return generic
    if len(set(node.parents)) < len(node.parents):  # x*x: the letters tell the two edges apart
        return f"{generic}, with {' = '.join(own)} = {names[node.parents[0]]}"
    letters = "|".join(re.escape(letter) for letter in own)
    spaced = re.sub(rf"\(({letters})([×+\-/])({letters})\)", r"(\1 \2 \3)", generic, count=1)

    def filled(match: re.Match[str]) -> str:
        if match.group(1):  # d/da -> d/dx, or d/d sigmoid1 for a longer name
            name = own[match.group(1)]
            return "/d" + (name if len(name) == 1 else " " + name)
        return own[match.group(2)]

    return re.sub(rf"/d({letters})(?!\w)|(?<![\w.])({letters})(?![\w(])", filled, spaced)


def _named_nary(node: Value, slot: int, generic: str, names: dict[Value, str]) -> str:
    """An n-ary rule with names: d/dw_2 (w·x + b) = x_2 reads d/d L1.n1.w2 (w·x + b) = x2; a dot
    without bias says (w·x), and mse's dot(d, d) says Σ u² (u = its operands)."""
    from .names import is_sum_of_squares

    text = re.sub(r"/d(?:[a-z]_\d+|b)(?= )", lambda _: "/d " + names[node.parents[slot]], generic, count=1)
    if node.op != "dot":
        return text
    count = node.constant
    if slot < 2 * count:  # a weight's local derivative is its input, an input's its weight
        partner = node.parents[slot + count if slot < count else slot - count]
        text = re.sub(r"= [a-z]_\d+$", lambda _: "= " + names[partner], text)
    if is_sum_of_squares(node):
        return text.replace("(w·x + b)", "Σ u²") + " on each of its 2 edges"
    return text.replace("(w·x + b)", "(w·x)") if len(node.parents) == 2 * count else text


def _derivative_name(rule: str) -> str:
    """The left side of the rule: d/dw_2 (w·x + b)."""
    return rule.split(" = ")[0]


@dataclass(frozen=True)
class Step:
    """One edge of backward: parent.grad += upstream × local = contribution.

    ``rule`` is the rule table's formula (d(a×b)/da = b); ``named_rule`` the same formula
    with this edge's operands named (d(sigmoid1 × b)/d sigmoid1 = b), as the tables and
    pictures print it.
    """

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
    derivative: str = field(default="", repr=False)  # the named rule's left side, e.g. d(x + y)/dy
    named_rule: str = ""  # the rule with the real operands' names: d(sigmoid1 × b)/d sigmoid1 = b

    @property
    def after(self) -> float:
        """parent's gradient summed so far, after this step: before + contribution."""
        return self.before + self.contribution

    def __str__(self) -> str:
        return self.line(named=False)

    def line(self, named: bool = True) -> str:
        """The chain-rule line; named: the rule with this edge's operands, as the pictures show it.

        str(step) is line(named=False): the rule as the table writes it, d(a×b)/da.
        """
        derivative = self.derivative if named else _derivative_name(self.rule)
        return (
            f"{self.parent_name}.grad += {shown(self.upstream)} (upstream)"
            f" × {shown(self.local)} ({derivative})"
            f" = {shown(self.contribution)}"
        )

    def sum_text(self) -> str:
        """The parent's gradient forming: x.grad = 3.0 + 3.0 = 6.0 (term 2 of 2: complete)."""
        name, contribution = self.parent_name, shown(self.contribution)
        if self.terms == 1:
            return f"{name}.grad = {contribution} (its only term: complete)"
        progress = "complete" if self.term == self.terms else f"{self.terms - self.term} more to come"
        if self.term == 1:
            return f"{name}.grad = {contribution} (term 1 of {self.terms}; {progress})"
        return (
            f"{name}.grad = {shown(self.before)} + {term(self.contribution)}"
            f" = {shown(self.after)} (term {self.term} of {self.terms}: {progress})"
        )


def backward_steps(output: Value, grad: float = 1.0) -> list[Step]:
    """Every edge of backward in the order it is applied (output first); no .grad changes.

    The loop of ``autograd.backward.gradients``, recording each edge: for each node in
    reverse topological order, for each operand in order,
        contribution = upstream × local,  upstream = d(output)/d(node) (complete by then).

        >>> from autograd import Value
        >>> x, w = Value(0.5, label="x"), Value(-1.0, label="w")
        >>> y = (x * w).tanh()
        >>> for step in backward_steps(y):
        ...     print(step.line())
        mul1.grad += 1.0 (upstream) × 0.786448 (d/d mul1 tanh(mul1)) = 0.786448
        x.grad += 0.786448 (upstream) × -1.0 (d(x × w)/dx) = -0.786448
        w.grad += 0.786448 (upstream) × 0.5 (d(x × w)/dw) = 0.393224
        >>> step = backward_steps(y)[1]
        >>> step.node_name, step.parent_name, step.local, step.rule
        ('mul1', 'x', -1.0, 'd(a×b)/da = b')
        >>> step.named_rule                      # the rule with this edge's operands
        'd(x × w)/dx = w'
        >>> x.grad                               # untouched: backward_steps only looks
        0.0

    The sum of the contributions a node receives is its gradient; grad seeds the output
    (d(output)/d(output), 1.0 as in backward).
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
            rule, named = formula_for(node, slot), named_formula(node, slot, names)
            received[parent] = received.get(parent, 0) + 1
            contribution = local * upstream
            steps.append(Step(
                node, parent, upstream, local, contribution, rule, slot, len(steps) + 1,
                names[node], names[parent], grads[parent], received[parent], terms[parent],
                _derivative_name(named), named,
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
