"""Pictures of the computation graph, with the chain rule written on its edges.

    >>> from autograd import Value, draw
    >>> x = Value(3.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> dot = draw(y, edge_labels=True)           # a graphviz.Digraph
    >>> dot.source.count("v0 -> v1op")            # x*x: two edges from x into its op
    2

    dot.render("graph", format="png")   # or "svg"; in Jupyter, just show `dot`

Each ``Value`` is a record node (name | data | grad); each operation is a small
round op node between its operands and its result; each operand slot is one edge
(``x*x`` draws two). Inputs, constants, intermediate nodes and the output have
their own colours, explained by a legend (as are the red marks of a highlight).
Every picture of one graph names each node the same way (``names.node_names``).

Cost stays about linear in the graph: more than ``MAX_NODES`` values is refused at once
with a ValueError naming the size and the limit; a value used more than ``MANY_USES``
times is drawn again (dashed) beside each use rather than with one long edge per use;
names are cut at ``MAX_LABEL`` characters and made printable for the renderer.

With ``edge_labels=True`` an edge says its local derivative d(node)/d(operand)
and, once the gradients are known, the chain-rule product upstream × local =
contribution, each label starting with the operand it belongs to. ``highlight``
marks one ``Step`` (its edge, and the sum forming at the operand that receives it;
the picture then shows the gradients as they stand at that step) or one ``Value``
(its node, and its gradient as the sum of the contributions it receives).

Rendering needs a ``dot`` program: the system Graphviz when installed, else the
``graphviz-pure`` package's binary (a dependency of this project), so pictures
work on a fresh machine with no network.
"""

from __future__ import annotations

import shutil
import sysconfig
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autograd import rules
from autograd.engine import Value, rule_of
from autograd.text import shown, term

from .names import forward_order, is_sum_of_squares, node_names, role
from .steps import Step, backward_steps, gradients_at

# Fill and border colours: one kind of node each, explained by the legend.
COLOURS = {
    "input": ("#dbeafe", "#1d4ed8"),  # a labelled leaf (what we differentiate for), or a sample's x_i
    "parameter": ("#dcfce7", "#15803d"),  # an unlabelled weight or bias of a neuron's w.x+b
    "constant": ("#f3f4f6", "#9ca3af"),  # an unlabelled leaf, such as the 2 of 2*x
    "intermediate": ("#ffffff", "#4b5563"),
    "output": ("#fde68a", "#b45309"),
    "op": ("#ede9fe", "#6d28d9"),
}
HIGHLIGHT = "#dc2626"
HIGHLIGHT_FILL = "#fee2e2"
MAX_NODES = 1000  # Values in one picture: past this a picture is unreadable, and layout takes minutes
MAX_LABEL = 40  # characters of a name shown in a picture (longer ones end in ...)
MANY_USES = 6  # a value used more often than this is drawn again, dashed, beside each use


def check_size(output: Value, limit: int = MAX_NODES) -> int:
    """The number of Values in output's graph; ValueError at once when it is more than limit.

    Counts iteratively and stops at 100 × limit, so a graph of 10^6 nodes is refused in
    milliseconds, before any picture is laid out.
    """
    seen: set[Value] = {output}
    stack = [output]
    while stack and len(seen) <= 100 * limit:
        for parent in stack.pop().parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    if len(seen) > limit:
        size = f"more than {100 * limit}" if stack else str(len(seen))
        raise ValueError(f"draw: the graph has {size} values; the limit for a picture is {limit}"
                         " (draw a smaller part of it, such as one neuron or one sample)")
    return len(seen)


def draw(
    output: Value,
    show_grad: bool = True,
    rankdir: str = "LR",
    highlight: Step | Value | None = None,
    edge_labels: bool = False,
    *,
    grads: Mapping[Value, float] | None = None,
    legend: bool = True,
    title: str | None = None,
    steps: list[Step] | None = None,
) -> Any:
    """The graph of output as a graphviz.Digraph: record per Value, op node per op, edge per operand slot.

        >>> from autograd import Value, backward_steps
        >>> x, w = Value(0.5, label="x"), Value(-1.0, label="w")
        >>> y = (x * w).tanh()
        >>> y.backward()
        >>> picture = draw(y, edge_labels=True)
        >>> picture.source.count("shape=record")          # x, w, mul1, tanh1
        4
        >>> 'label="x: 0.7864 × -1.0 = -0.7864"' in picture.source   # upstream × local = contribution
        True
        >>> marked = draw(y, highlight=backward_steps(y)[1])          # one step: its edge in red
        >>> svg = picture.pipe(format="svg")                          # or "png"; in Jupyter, show `picture`

    Each box reads name | data | grad, as ``repr`` rounds them (4 significant digits). A graph
    of more than ``MAX_NODES`` values is refused at once (ValueError naming its size and the
    limit); a value used more than ``MANY_USES`` times is drawn again, dashed, at each use.

    show_grad: the grad row; rankdir: "LR" (left to right) or "TB"; highlight: a Step or a Value;
    edge_labels: the local derivative (before backward) or the product (after) on each edge.
    grads: the gradients to show instead of ``.grad`` (a node missing from it shows
    none). Highlighting a Step shows the gradients as they stand at that step.
    legend: draw the key to the colours; title: a line of text above the graph.
    steps: ``backward_steps(output)``, when the caller has them (one picture per step
    computes them once, not once per picture).
    """
    import graphviz

    use_graphviz_pure_without_system_dot()
    if not isinstance(output, Value):
        raise TypeError(f"draw takes a Value, got {type(output).__name__}")
    if highlight is not None and not isinstance(highlight, (Step, Value)):
        raise TypeError(f"highlight takes a Step or a Value, got {type(highlight).__name__}")
    check_size(output)
    dot = graphviz.Digraph(graph_attr=dict(GRAPH, rankdir=rankdir), node_attr=NODE, edge_attr=EDGE)
    draw_into(dot, output, show_grad, highlight, edge_labels, grads=grads, legend=legend, title=title,
              steps=steps)
    return dot


GRAPH = {"nodesep": "0.25", "ranksep": "0.35", "fontname": "Helvetica",
         "nslimit": "4", "nslimit1": "4",  # bounded layout passes: time about linear in the graph
         "size": "80,80"}  # inches: a bitmap of a huge graph is scaled down, not 30000 px wide  # fmt: skip
NODE = {"fontname": "Helvetica", "fontsize": "11", "height": "0.3"}
EDGE = {"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6", "color": "#6b7280"}


def draw_into(dot: Any, output: Value, show_grad: bool = True, highlight: Step | Value | None = None,
              edge_labels: bool = False, **options: Any) -> None:
    """draw's work on a given target: anything with graphviz.Digraph's node, edge, attr and subgraph.

    options: grads, legend (default True), title, steps, as for draw. The frames use it to
    record every picture of a graph before laying them all out once.
    """
    picture = _Picture(output, show_grad, highlight, edge_labels, options.get("grads"), options.get("steps"))
    if options.get("title"):
        dot.attr(label=_printable(options["title"], 400), labelloc="t", labeljust="l", fontsize="14")
    picture.add_to(dot)
    if options.get("legend", True):
        _add_legend(dot, picture.kinds(), picture.highlights())


class _Picture:
    """What one drawing shows: names, the gradients known so far, and the marked step."""

    def __init__(self, output: Value, show_grad: bool, highlight: Any, edge_labels: bool, grads: Any,
                 steps: list[Step] | None) -> None:
        self.output = output
        self.order = forward_order(output)
        self.ids = {node: f"v{index}" for index, node in enumerate(self.order)}
        self.names = node_names(output)
        self.parameters = {parent for node in self.order if type(node._first) is tuple  # leaves in the
                           for slot, parent in enumerate(node.parents)  # w or b slots of a w·x+b
                           if parent.is_leaf and role(node, slot)[0] in "wb"}  # fmt: skip
        self.inputs = {parent for node in self.order if type(node._first) is tuple  # unlabelled leaves
                       for slot, parent in enumerate(node.parents)  # in the x slots: a sample's inputs
                       if parent.is_leaf and role(node, slot)[0] == "x"}  # fmt: skip
        self.show_grad = show_grad
        self.edge_labels = edge_labels
        self.step = highlight if isinstance(highlight, Step) else None
        self.marked = highlight if isinstance(highlight, Value) else None
        seed = (_float(output.grad) if grads is None and self.step is None and _float(output.grad) != 0
                else 1.0)
        if steps is None:
            steps = backward_steps(output, seed) if show_grad or edge_labels or highlight else []
        self.steps = steps
        self.done = len(self.steps)  # how many steps the shown gradients include
        if self.step is not None:
            self.done = self._index_of(self.step) + 1
            grads = gradients_at(self.steps, self.done, output) if grads is None else grads
        elif grads is not None or _float(output.grad) == 0:
            self.done = 0  # given gradients, or backward has not run: no products on the edges
        self.grads = grads
        self.by_edge = {(step.node, step.slot): step for step in self.steps}
        self.received: dict[Value, list[Step]] = {}  # the contributions each node has so far
        for step in self.steps[: self.done]:
            self.received.setdefault(step.parent, []).append(step)
        self.uses = _use_counts(self.order)

    def highlights(self) -> set[str]:
        """What the red marks mean in this picture (for the legend)."""
        if self.step is not None:
            return {"step", "source"}
        return {"value"} if self.marked is not None else set()

    def _index_of(self, step: Step) -> int:
        for index, candidate in enumerate(self.steps):
            if candidate.node is step.node and candidate.slot == step.slot:
                return index
        raise ValueError(f"highlight: the step {step} is not an edge of this graph")

    def add_to(self, dot: Any) -> None:
        owned = self._parameters_by_neuron()
        for node in self.order:
            if node in owned:
                continue
            if node in owned.values():  # a neuron's weights and bias, boxed together
                with dot.subgraph(name=f"cluster_{self.ids[node]}") as box:
                    box.attr(label=f"{self.names[node]}: weights, bias", style="rounded,dashed",
                             color="#86efac", fontsize="9", fontcolor="#15803d")  # fmt: skip
                    for parameter in dict.fromkeys(p for p in node.parents if owned.get(p) is node):
                        self._add_value(box, parameter)
            self._add_value(dot, node)
            if not node.is_leaf:
                self._add_op(dot, node)

    def _parameters_by_neuron(self) -> dict[Value, Value]:
        """The weights and biases (leaves) used by exactly one w.x+b node -> that node."""
        users: dict[Value, list[Value]] = {}
        for node in self.order:
            for parent in node.parents:
                users.setdefault(parent, []).append(node)
        return {p: users[p][0] for p in self.parameters if len(set(users[p])) == 1}

    def kinds(self) -> set[str]:
        """The kinds of node this picture shows (for the legend)."""
        copies = {"copy"} if any(count > MANY_USES for count in self.uses.values()) else set()
        return ({self._kind(node) for node in self.order} | ({"op"} if not self.output.is_leaf else set())
                | copies)

    def _kind(self, node: Value) -> str:
        if node is self.output:
            return "output"
        if node.is_leaf:
            if node in self.parameters:
                return "parameter"
            return "input" if node.label or node in self.inputs else "constant"
        return "intermediate"

    def _add_value(self, dot: Any, node: Value) -> None:
        fill, border = COLOURS[self._kind(node)]
        fields = [_escape(_printable(self.names[node])), f"data {shown(node.data, 4)}"]
        if self.show_grad:
            fields.append(_escape(self._grad_text(node)))
        attributes = {"shape": "record", "style": "filled", "fillcolor": fill, "color": border}
        if node is self.output:
            attributes["penwidth"] = "2"
        if self._is_marked(node):
            attributes.update(color=HIGHLIGHT, fillcolor=HIGHLIGHT_FILL, penwidth="2.5")
        elif self.step is not None and node is self.step.node:  # where the gradient comes from
            attributes.update(color=HIGHLIGHT, penwidth="2")
        dot.node(self.ids[node], " | ".join(fields), **attributes)

    def _is_marked(self, node: Value) -> bool:
        return node is self.marked or (self.step is not None and node is self.step.parent)

    def _grad_text(self, node: Value) -> str:
        """grad as it stands: a number, the sum forming, '(k of n terms)' while partial, blank if
        unreached."""
        received = self.received.get(node, [])
        if self.step is not None and node is self.step.parent:
            terms = received[-1].terms
            note = f"{len(received)} of {terms} terms" if terms > 1 else "its only term"
            return "grad " + _sum(received, note)
        every = [step for step in self.steps if step.parent is node] if node is self.marked else []
        if every:  # a highlighted Value: its whole gradient, as the sum of what it receives
            return "grad " + _sum(every, "")
        if self.grads is None:
            return f"grad {shown(_float(node.grad), 4)}"
        if node not in self.grads:
            return "grad"
        terms = received[-1].terms if received else 0
        so_far = f" ({len(received)} of {terms} terms so far)" if 0 < len(received) < terms else ""
        return f"grad {shown(self.grads[node], 4)}{so_far}"

    def _add_op(self, dot: Any, node: Value) -> None:
        op_id = self.ids[node] + "op"
        fill, border = COLOURS["op"]
        text = _op_text(node)
        shape = "circle" if len(text) <= 4 else "ellipse"  # long names (sigmoid, leaky_relu) stay flat
        dot.node(op_id, text, shape=shape, style="filled", fillcolor=fill, color=border, ordering="in",
                 fixedsize="false", width="0.3", margin="0.02", fontsize="10")  # fmt: skip
        dot.edge(op_id, self.ids[node])
        for slot in range(len(node.parents)):  # in operand order, top to bottom (ordering=in)
            dot.edge(self._source(dot, node, slot), op_id, **self._edge_attributes(node, slot))

    def _source(self, dot: Any, node: Value, slot: int) -> str:
        """Where operand slot's edge starts: the operand, or for a value used many times its copy here."""
        parent = self.ids[node.parents[slot]]
        if self.uses[node.parents[slot]] <= MANY_USES:
            return parent
        copy = f"{parent}_in_{self.ids[node]}_{slot}"  # a long edge per use would cost layout time
        marked = self.step is not None and self.step.node is node and self.step.slot == slot
        fill, border = COLOURS[self._kind(node.parents[slot])]
        dot.node(copy, _escape(_printable(self.names[node.parents[slot]])), shape="box",
                 style="filled,dashed", fillcolor=fill, color=HIGHLIGHT if marked else border,
                 fontsize="9", height="0.2")  # fmt: skip
        return copy

    def _edge_attributes(self, node: Value, slot: int) -> dict[str, str]:
        step = self.by_edge.get((node, slot))
        attributes: dict[str, str] = {}
        if step is None:
            return attributes
        is_marked = self.step is not None and step.number == self.step.number
        if self.edge_labels or is_marked:
            applied = step.number <= self.done
            product = f"{shown(step.upstream, 4)} × {shown(step.local, 4)} = {shown(step.contribution, 4)}"
            text = product if applied else f"local {shown(step.local, 4)}"
            if len(node.parents) > 1:  # which operand it belongs to, so labels meeting at an op read apart
                twice = sum(parent is step.parent for parent in node.parents) > 1  # x*x: x as a, x as b
                operand = _printable(step.parent_name, 20) + (f" as {role(node, slot)}" if twice else "")
                text = f"{operand}: {text}"
            lines = [_printable(step.derivative, 80), text] if is_marked else [text]
            attributes["label"] = "\\n".join(_escape_label(line) for line in lines)
        if is_marked:
            attributes.update(color=HIGHLIGHT, fontcolor=HIGHLIGHT, penwidth="3", arrowsize="0.9")
        return attributes


def _float(gradient: Any) -> float:
    """A gradient as a float: after backward(create_graph=True) .grad holds a Value."""
    return gradient.data if isinstance(gradient, Value) else float(gradient)


def _sum(received: list[Step], note: str) -> str:
    """The contributions a node received, added up: 0.5 + 0.25 = 0.75."""
    first, *rest = [step.contribution for step in received]
    terms = " + ".join([shown(first, 4)] + [term(each, 4) for each in rest])
    total = f"{terms} = {shown(received[-1].after, 4)}" if len(received) > 1 else terms
    return f"{total} ({note})" if note else total


def _op_text(node: Value) -> str:
    """The op node's text, from its row of the rule table: ×, tanh, **3, leaky_relu 0.1; a dot
    without bias reads w·x, and mse's dot(d, d) reads Σ u²."""
    if node.op == "dot" and is_sum_of_squares(node):
        return "Σ u²"
    if node.op == "dot" and len(node.parents) == 2 * node.constant:
        return "w·x"
    return _escape_label(_printable(rules.symbol(rule_of(node), node.op, node.constant), 20))


def _use_counts(order: list[Value]) -> dict[Value, int]:
    """How many operand slots each node fills (x*x: 2)."""
    counts = dict.fromkeys(order, 0)
    for node in order:
        for parent in node.parents:
            counts[parent] += 1
    return counts


def _printable(text: str, limit: int = MAX_LABEL) -> str:
    """Text a renderer can take: control characters, NUL, lone surrogates and non-characters
    (U+FFFE) become U+FFFD, and text past limit characters is cut with an ellipsis."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "".join(character if _renderable(character) else "\ufffd" for character in text)


def _renderable(character: str) -> bool:
    category = unicodedata.category(character)
    if category in ("Cc", "Cs", "Co") or category == "Cn" and (ord(character) & 0xFFFE == 0xFFFE
                                                               or 0xFDD0 <= ord(character) <= 0xFDEF):
        return False
    return True


def _escape_label(text: str) -> str:
    """Text safe inside a plain label: a backslash doubled (Graphviz reads \\n, \\l as escapes)."""
    return text.replace("\\", "\\\\")


def _escape(text: str) -> str:
    """Text safe inside a record label: backslash the characters records treat as structure."""
    text = text.replace("\\", "\\\\")
    for character in '{}|<>"':
        text = text.replace(character, "\\" + character)
    return text.replace("\n", " ")


LEGEND = [("input", "input (labelled leaf, or an x of w·x+b)"), ("parameter", "weight or bias (leaf)"),
          ("constant", "constant (leaf)"), ("intermediate", "intermediate value"), ("output", "output"),
          ("op", "operation")]  # fmt: skip
MARKS = [("step", HIGHLIGHT_FILL, "red: this step's edge and the value receiving it"),
         ("source", "#ffffff", "red border: the value passing its gradient down"),
         ("value", HIGHLIGHT_FILL, "red: the highlighted value"),
         ("copy", "#ffffff", f"dashed: a value used more than {MANY_USES} times, "
                             "again at each use")]  # fmt: skip


def _add_legend(dot: Any, kinds: set[str], marks: frozenset[str] | set[str] = frozenset()) -> None:
    """A small key in one node: a swatch of each colour and mark shown and what it means."""
    cells = [(COLOURS[kind][0], COLOURS[kind][1], "", text) for kind, text in LEGEND if kind in kinds]
    for kind, fill, text in MARKS:
        if kind in marks or kind in kinds:
            dashed = ' STYLE="dashed"' if kind == "copy" else ""
            cells.append((fill, "#6b7280" if kind == "copy" else HIGHLIGHT, dashed, text))
    rows = "".join(f'<TR><TD BGCOLOR="{fill}" COLOR="{border}" BORDER="1"{style}>{text}</TD></TR>'
                   for fill, border, style, text in cells)  # fmt: skip
    table = ('<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="2"><TR><TD><B>legend</B></TD></TR>'
             f'{rows}</TABLE>>')
    dot.node("legend", table, shape="plaintext", fontsize="9")


# --- finding a dot program ---


def graphviz_pure_binary() -> str | None:
    """The graphviz-pure program installed with this package (None when it is missing)."""
    found = shutil.which("graphviz-pure")
    if found:
        return found
    scripts = Path(sysconfig.get_path("scripts"))  # the environment's bin/, also when it is not on PATH
    for name in ("graphviz-pure", "graphviz-pure.exe"):
        if (scripts / name).is_file():
            return str(scripts / name)
    return None


def use_graphviz_pure_without_system_dot(which: Any = shutil.which) -> str:
    """Point the graphviz package at graphviz-pure when no system ``dot`` exists; return the program used.

    The graphviz package runs ``graphviz.backend.dot_command.DOT_BINARY`` ("dot").
    When that is still the default and no ``dot`` is on PATH, it is set to the
    graphviz-pure binary, which takes the same command line. A system Graphviz, or a
    DOT_BINARY the user set, is left alone.
    """
    from graphviz.backend import dot_command

    if str(dot_command.DOT_BINARY) != "dot" or which("dot"):
        return str(dot_command.DOT_BINARY)
    binary = graphviz_pure_binary()
    if binary is not None:
        dot_command.DOT_BINARY = Path(binary)
    return str(dot_command.DOT_BINARY)
