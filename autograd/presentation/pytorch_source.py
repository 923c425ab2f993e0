"""The same expression as PyTorch code: ``to_pytorch_source(out, inputs)``.

Every node of the graph becomes one line of straight-line PyTorch, written from its row of
the rule table (``Rule.pytorch``, the row's forward in PyTorch): nothing else here knows an op.

    >>> from autograd import Value, to_pytorch_source
    >>> x = Value(2.0, label="x")
    >>> y = (x * 3).tanh()
    >>> print(to_pytorch_source(y, [x]))  # doctest: +ELLIPSIS
    # The same expression in PyTorch (float64): one line per chainrule node.
    import torch
    <BLANKLINE>
    x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    const1 = torch.tensor(3.0, dtype=torch.float64)
    mul1 = x * const1  # "*": d(a×b)/da = b; d(a×b)/db = a
    tanh1 = torch.tanh(mul1)  # "tanh": d/du tanh(u) = 1 - tanh(u)^2
    <BLANKLINE>
    tanh1.backward()  # PyTorch's reverse pass: what chainrule's Value.backward computes
    print("tanh1 =", tanh1.item())
    print("d tanh1/d x =", x.grad.item())

A scalar node is a 0-dimensional tensor; moving to tensors, the same lines work on whole
arrays at once (``x * w`` multiplies element by element).
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Sequence
from typing import Any

from autograd import rules
from autograd.engine import Value, rule_of

from .names import forward_order, node_names


def _number(x: Any) -> str:
    """A float as Python source that reads back exactly (inf and nan as float("inf"))."""
    x = float(x)
    return repr(x) if math.isfinite(x) else f'float("{x}")'


def _identifiers(nodes: list[Value], names: dict[Value, str]) -> dict[Value, str]:
    """A distinct Python identifier for every node, from its name (L1.n1.w1 -> L1_n1_w1)."""
    taken = {"torch"}
    identifiers = {}
    for node in nodes:
        base = re.sub(r"\W", "_", names[node]) or "v"
        if base[0].isdigit() or keyword.iskeyword(base):
            base = f"_{base}"
        identifier, count = base, 1
        while identifier in taken:
            count += 1
            identifier = f"{base}_{count}"
        taken.add(identifier)
        identifiers[node] = identifier
    return identifiers


def _forward_text(node: Value, operands: list[str]) -> str:
    """The node's forward in PyTorch, from its rule-table row; ValueError if the row has none."""
    rule = rule_of(node)
    if not rule.pytorch:
        raise ValueError(f"to_pytorch_source: the op {node.op!r} has no PyTorch form in its rule-table row")
    if callable(rule.pytorch):
        return rule.pytorch(operands, node.constant)
    constant = _number(node.constant) if node.constant is not None else ""
    slots = dict(zip(rule.operands, operands)) if len(operands) > 1 else {"u": operands[0]}
    return rule.pytorch.format(k=constant, **slots)


def _comment(node: Value) -> str:
    """The op and its first formula, on one line that cannot be ended early."""
    rule = rule_of(node)
    if type(node._first) is tuple:  # n-ary: one formula per kind of operand, for any index i
        formulas = [template.replace("{i}", "i") for template in rule.formula]
    else:
        formulas = [rules.formula(rule, slot, node.constant) for slot in range(len(node.parents))]
    text = "; ".join(formulas).replace("\n", " ").replace("\r", " ")
    return f'  # "{node.op}": {text}'


def _leaf_line(node: Value, identifier: str, wanted: bool) -> str:
    grad = ", requires_grad=True" if wanted else ""
    return f"{identifier} = torch.tensor({_number(node.data)}, dtype=torch.float64{grad})"


def _check_inputs(out: Any, inputs: Any) -> list[Value]:
    if not isinstance(out, Value):
        raise TypeError(f"to_pytorch_source: out must be a Value, got {type(out).__name__}")
    if isinstance(inputs, Value) or not isinstance(inputs, Sequence):
        raise TypeError("to_pytorch_source: inputs must be a list of Values, as in [x, w, b]")
    for item in inputs:
        if not isinstance(item, Value):
            raise TypeError(f"to_pytorch_source: every input must be a Value, got {type(item).__name__}")
    return list(inputs)


def to_pytorch_source(out: Value, inputs: Sequence[Value]) -> str:
    """Runnable PyTorch code computing out, then d out / d each input; it prints both.

    Leaves become float64 tensors (the inputs with requires_grad=True), each op node one line
    from its row's PyTorch forward; an input that is not a leaf keeps its gradient (retain_grad).
    Running the code prints the same value and gradients as out.data and grad(out, inputs).
    """
    inputs = _check_inputs(out, inputs)
    nodes = forward_order(out)
    ids = _identifiers(nodes, node_names(out))
    wanted = set(inputs)
    tracked = wanted | {leaf for node in inputs if not node.is_leaf
                        for leaf in forward_order(node) if leaf.is_leaf}
    lines = ["# The same expression in PyTorch (float64): one line per chainrule node.", "import torch", ""]
    for node in nodes:
        if node.is_leaf:
            lines.append(_leaf_line(node, ids[node], node in tracked))
            continue
        text = _forward_text(node, [ids[parent] for parent in node.parents])
        lines.append(f"{ids[node]} = {text}{_comment(node)}")
        if node in wanted:
            lines.append(f"{ids[node]}.retain_grad()  # an input that is not a leaf: keep its gradient")
    return "\n".join(lines + [""] + _backward_lines(out, inputs, ids))


def _backward_lines(out: Value, inputs: list[Value], ids: dict[Value, str]) -> list[str]:
    """out.backward(), then print the value and each input's gradient (0 for one out does not read)."""
    name = ids[out]
    reached = [node for node in inputs if node in ids]
    lines = ([f"{name}.backward()  # PyTorch's reverse pass: what chainrule's Value.backward computes"]
             if reached else [])
    lines.append(f'print("{name} =", {name}.item())')
    for node in inputs:
        shown = re.sub(r"[^\w.]", "_", node.label or "input")
        if node in ids:
            lines.append(f'print("d {name}/d {ids[node]} =", {ids[node]}.grad.item())')
        else:
            lines.append(f'print("d {name}/d {shown} =", 0.0)  '
                         f'# {shown} does not reach {name}: its gradient is 0')
    return lines
