"""The step-through page: ``explain(out).html()`` and ``python -m autograd explain ... --html FILE``.

The graph is laid out ONCE: Graphviz renders it to SVG a single time, the SVG is
inlined as rendered (one ``<g class="node">`` per Value and per op node, its
``<title>`` the node's name), and every step of the walk only changes classes,
styles and the text of a label line, so no node ever moves. Each Value's box was
laid out with the longest text it will ever show, so changing the text never needs
a bigger box.

The walk has one *moment* per thing a lecturer says:

    forward    one per node, in forward order:  mul1 = x × w = 2.0 × (-3.0) = -6.0
    seed       out.grad = 1 (d out/d out)
    backward   one per edge (a Step):  mul1.grad × local = contribution, the rule filled
               in with the operands' own names and values: d(x×w)/d x = w = -3.0
    end        every gradient complete (and the quiz's score)

The page is one self-contained file: the style, the script and the picture are inside
it, nothing is fetched, so it works opened from disk and inside a notebook's iframe.
Building it costs one Graphviz layout plus time linear in the graph: each moment
lists only the label lines it changes.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from autograd import rules
from autograd.engine import Value, rule_of
from autograd.text import shown, term

from .draw import COLOURS, HIGHLIGHT, HIGHLIGHT_FILL, use_graphviz_pure_without_system_dot
from .names import forward_order, node_names, role, unique
from .steps import Step

GRAPH_DIGITS = 4  # significant digits in the picture (the text panel shows 6)
VALUE_FONT, OP_FONT, EDGE_FONT = 11, 11, 10  # Graphviz points; the page never shows one below 11 px
# Up to this many Values an edge's label is laid out with the graph (placed clear of the others);
# beyond, it is an xlabel placed after the layout: a labelled edge doubles the ranks and the
# virtual nodes Graphviz's crossing minimisation works on (x*x*...*x, 100 factors: > 2 min vs 3 s).
INLINE_LABELS_UP_TO = 60
KIND_WORDS = {"input": "input", "parameter": "weight or bias", "constant": "constant",
              "intermediate": "intermediate", "output": "output"}  # fmt: skip


# --- what each node is, and what it is called in the picture ---


def node_kinds(output: Value, order: list[Value]) -> dict[Value, str]:
    """parameter (a leaf in a w or b slot of w·x+b), input (another labelled leaf), constant, ... as
    draw's."""
    parameters = {parent for node in order if type(node._first) is tuple
                  for slot, parent in enumerate(node.parents)
                  if parent.is_leaf and role(node, slot)[0] in "wb"}  # fmt: skip
    kinds = {}
    for node in order:
        if node is output:
            kinds[node] = "output"
        elif node.is_leaf:
            kinds[node] = "parameter" if node in parameters else "input" if node.label else "constant"
        else:
            kinds[node] = "intermediate"
    return kinds


def picture_ids(order: list[Value], names: dict[Value, str]) -> tuple[dict[Value, str], dict[Value, str]]:
    """The Graphviz name (the SVG <title>) of every Value and of every op node: its name, and
    name + ' op' for the op that makes it; a name used twice (two leaves labelled x) gets #2."""
    taken: set[str] = set()
    values = {node: unique(names[node], taken, "#") for node in order}
    ops = {node: unique(values[node] + " op", taken, "#") for node in order if not node.is_leaf}
    return values, ops


# --- the words of each moment ---


def forward_formula(node: Value, names: dict[Value, str]) -> tuple[str, str]:
    """node's forward as written with its operands' names, and with their values:
    ("x × w", "2.0 × (-3.0)"); for a leaf ("", "")."""
    if node.is_leaf:
        return "", ""
    named = [names[parent] for parent in node.parents]
    valued = [shown(parent.data) for parent in node.parents]
    return _apply(node, named, named), _apply(node, valued, [term(parent.data) for parent in node.parents])


def _apply(node: Value, first: list[str], later: list[str]) -> str:
    """The op written between or around its operands (first: how the first operand is written,
    later: the others, negatives in parentheses)."""
    rule = rule_of(node)
    if node.op == "dot":
        n = node.constant
        products = [f"{w} × {x}" for w, x in zip(later[:n], later[n : 2 * n], strict=True)]
        return " + ".join(products + later[2 * n :])
    if node.op == "sum":
        return " + ".join([first[0], *later[1:]])
    if len(first) == 2:
        symbol = "×" if node.op == "*" else (rule.infix or node.op)
        if not rule.infix:
            return f"{node.op}({first[0]}, {first[1]})"
        return f"{first[0]} {symbol} {later[1]}"
    operand = later[0]
    if node.op == "neg":
        return f"-{operand}"
    if node.op == "abs":
        return f"|{first[0]}|"
    if node.op == "**":
        return f"{operand}^{rules.number_text(node.constant)}"
    if node.constant is not None:
        return f"{node.op}({first[0]}, {rules.number_text(node.constant)})"
    return f"{node.op}({first[0]})"


TOKEN = re.compile(r"(?<![\w.])([A-Za-z]+(?:_\d+)?)(?![\w(])")
TARGET = re.compile(r"/d([A-Za-z]+(?:_\d+)?)")


def rule_parts(step: Step, names: dict[Value, str]) -> dict[str, str]:
    """The local derivative of one step, as the rule table writes it and with the operands' names:

        table     d(a×b)/da = b
        question  d(sigmoid1×b)/d sigmoid1          (what the quiz asks)
        named     d(sigmoid1×b)/d sigmoid1 = b
        filled    d(sigmoid1×b)/d sigmoid1 = b = -3.0
    """
    node = step.node
    roles = {}
    for slot, parent in enumerate(node.parents):
        name = role(node, slot)
        roles[name] = names[parent]
        roles[re.sub(r"(\d+)$", r"_\1", name)] = names[parent]  # the formula writes w2 as w_2
    left, _, right = step.rule.partition(" = ")
    left = TARGET.sub(lambda match: "/d " + roles.get(match.group(1), match.group(1)), left)
    if type(node._first) is not tuple:  # (w·x + b) names vectors, not one operand: left as written
        left = TOKEN.sub(lambda match: roles.get(match.group(1), match.group(1)), left)
    right = TOKEN.sub(lambda match: roles.get(match.group(1), match.group(1)), right)
    named = f"{left} = {right}" if right else left
    given = getattr(step, "named_rule", "")  # the steps' own naming, where they name the operands
    if given and type(node._first) is not tuple:  # n-ary: ours names the one operand, w2 -> its name
        named, left, right = given, given.split(" = ")[0], given.partition(" = ")[2]
    value = shown(step.local)
    filled = named if _same_number(right, step.local) else f"{named} = {value}"
    return {"table": step.rule, "question": left, "named": named, "filled": filled}


def _same_number(text: str, number: float) -> bool:
    """True when text is just that number written out (the rule's right side is "1" and local is 1.0)."""
    try:
        return float(text) == number
    except ValueError:
        return False


def grad_text(value: float, received: int, terms: int) -> str:
    """A Value's grad line as it stands: 'grad 0.5', or 'grad 0.5 (1 of 2 terms)' while partial."""
    partial = f" ({received} of {terms} terms)" if received < terms else ""
    return f"grad {shown(value, GRAPH_DIGITS)}{partial}"


def edge_text(step: Step) -> str:
    """The label of a step's edge once it is applied: upstream × local = contribution."""
    upstream, local = shown(step.upstream, GRAPH_DIGITS), term(step.local, GRAPH_DIGITS)
    return f"{upstream} × {local} = {shown(step.contribution, GRAPH_DIGITS)}"


# --- the moments ---


class Walk:
    """Everything the page shows, computed once: the nodes, their picture names, and the moments."""

    def __init__(self, output: Value, steps: list[Step]) -> None:
        self.output, self.steps = output, steps
        self.order = forward_order(output)
        self.names = node_names(output)
        self.kinds = node_kinds(output, self.order)
        self.ids, self.op_ids = picture_ids(self.order, self.names)
        self.index = {node: number for number, node in enumerate(self.order)}
        self.edge_ids = {(step.node, step.slot): f"e{step.number}" for step in steps}
        self.grad_lines = self._grad_lines()
        self.inline_labels = len(self.order) <= INLINE_LABELS_UP_TO
        self.moments = self._moments()

    def _grad_lines(self) -> list[list[str]]:
        """Every grad line each node will show, in order (the longest sizes its box)."""
        lines = [["grad ?"] for _ in self.order]
        lines[self.index[self.output]].append(grad_text(1.0, 1, 1))
        for step in self.steps:
            lines[self.index[step.parent]].append(grad_text(step.after, step.term, step.terms))
        return lines

    def _moments(self) -> list[dict[str, Any]]:
        out = self.names[self.output]
        start = {"phase": "start",
                 "headline": f"The graph of {out}: press → (or Next) to start the forward pass",
                 "rule": "forward computes every value from its operands; backward then sends gradients back",
                 "sum": "", "set": [], "constant": False}  # fmt: skip
        moments = [start]
        moments += [self._forward(node, number) for number, node in enumerate(self.order, 1)]
        seed = {"phase": "seed", "headline": f"{out}.grad = 1.0: the seed, d{out}/d{out} = 1",
                "rule": "backward starts at the output and visits every edge, output first",
                "sum": "", "focus": self.index[self.output], "constant": False,
                "set": [[self.index[self.output], 2, grad_text(1.0, 1, 1)]]}  # fmt: skip
        moments.append(seed)
        moments += [self._backward(step) for step in self.steps]
        moments.append(self._end())
        return moments

    def _forward(self, node: Value, number: int) -> dict[str, Any]:
        name, kind = self.names[node], self.kinds[node]
        named, valued = forward_formula(node, self.names)
        value = shown(node.data)
        if node.is_leaf:
            headline = f"{name} = {value} ({KIND_WORDS[kind]})"
        else:
            headline = (f"{name} = {named} = {valued} = {value}" if valued != value
                        else f"{name} = {named} = {value}")
        return {"phase": "forward", "headline": headline,
                "rule": f"forward, node {number} of {len(self.order)}: each value after its operands",
                "sum": "", "focus": self.index[node], "constant": kind == "constant",
                "set": [[self.index[node], 1, f"data {shown(node.data, GRAPH_DIGITS)}"]]}  # fmt: skip

    def _backward(self, step: Step) -> dict[str, Any]:
        rule = rule_parts(step, self.names)
        upstream, local, contribution = shown(step.upstream), term(step.local), shown(step.contribution)
        parent = self.index[step.parent]
        return {
            "phase": "backward",
            "headline": f"{step.node_name}.grad × local = {upstream} × {local} = {contribution}"
                        f" → {step.parent_name}.grad",
            "rule": f"local = {rule['filled']}",
            "sum": step.sum_text(),
            "focus": parent, "giver": self.index[step.node], "edge": self.edge_ids[(step.node, step.slot)],
            "constant": self.kinds[step.parent] == "constant",
            "set": [[parent, 2, grad_text(step.after, step.term, step.terms)]],
            "quiz": {"local": step.local, "contribution": step.contribution, "upstream": shown(step.upstream),
                     "giver": step.node_name, "parent": step.parent_name, "question": rule["question"],
                     "named": rule["named"], "table": rule["table"]},
        }  # fmt: skip

    def _end(self) -> dict[str, Any]:
        out = self.names[self.output]
        grads: dict[Value, float] = {}
        for step in self.steps:
            grads[step.parent] = step.after
        leaves = [node for node in self.order if node.is_leaf and self.kinds[node] != "constant"]
        summary = ", ".join(f"d{out}/d{self.names[node]} = {shown(grads.get(node, 0.0))}" for node in leaves)
        return {"phase": "end", "headline": "Done: every gradient is complete",
                "rule": summary or f"{out} is a leaf: no edges to walk",
                "sum": "", "set": [], "constant": False}

    # --- the picture ---

    def dot_source(self) -> str:
        """The DOT text of the whole graph, each box sized for the longest text it will show."""
        fast = "" if self.inline_labels else " mclimit=0.1, remincross=false,"
        lines = ['digraph chainrule {',
                 f'  graph [rankdir=LR, nodesep=0.22, ranksep=0.4,{fast} fontname="Helvetica",'
                 ' bgcolor="transparent"];',
                 f'  node [fontname="Helvetica", fontsize={VALUE_FONT}, shape=box, style="rounded,filled",'
                 ' height=0.3, margin="0.12,0.05"];',
                 f'  edge [fontname="Helvetica", fontsize={EDGE_FONT}, arrowsize=0.6, color="#6b7280"];']
        for number, node in enumerate(self.order):
            lines.append(self._value_line(node, number))
            if not node.is_leaf:
                lines += self._op_lines(node, number)
        lines.append("}")
        return "\n".join(lines)

    def _value_line(self, node: Value, number: int) -> str:
        kind = self.kinds[node]
        fill, border = COLOURS[kind]
        longest = max(self.grad_lines[number], key=len)
        label = "\n".join([self.names[node], f"data {shown(node.data, GRAPH_DIGITS)}", longest])
        width = ', penwidth=2' if node is self.output else ""
        return (f'  {_quote(self.ids[node])} [id="n{number}", class="value {kind}", label={_quote(label)},'
                f' fillcolor="{fill}", color="{border}"{width}];')

    def _op_lines(self, node: Value, number: int) -> list[str]:
        fill, border = COLOURS["op"]
        text = rules.symbol(rule_of(node), node.op, node.constant)
        shape = "circle" if len(text) <= 4 else "ellipse"
        op = _quote(self.op_ids[node])
        lines = [f'  {op} [id="o{number}", class="op", label={_quote(text)}, shape={shape}, style=filled,'
                 f' fillcolor="{fill}", color="{border}", fontsize={OP_FONT}, margin="0.02", width=0.3];',
                 f'  {op} -> {_quote(self.ids[node])} [id="r{number}"];']
        for slot, parent in enumerate(node.parents):
            step_id = self.edge_ids[(node, slot)]
            step = self.steps[int(step_id[1:]) - 1]
            label = "label" if self.inline_labels else "xlabel"
            lines.append(f'  {_quote(self.ids[parent])} -> {op} '
                         f'[id="{step_id}", {label}={_quote(edge_text(step))}];')
        return lines

    def data(self) -> dict[str, Any]:
        """What the script needs: the nodes (picture names, kinds, first label lines) and the moments."""
        nodes = [{"id": self.ids[node], "op": self.op_ids.get(node), "name": self.names[node],
                  "kind": self.kinds[node], "data": shown(node.data), "lines": ["data ?", "grad ?"]}
                 for node in self.order]  # fmt: skip
        return {"nodes": nodes, "moments": self.moments, "minFont": min(VALUE_FONT, OP_FONT, EDGE_FONT)}


def _quote(text: str) -> str:
    """A DOT string: backslashes and quotes escaped, newlines as DOT's centred line break."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def layout_svg(source: str) -> str:
    """Graphviz's SVG of the DOT source, as rendered, without the XML prologue and namespaces (to
    inline it)."""
    import graphviz

    use_graphviz_pure_without_system_dot()
    svg = graphviz.Source(source).pipe(format="svg", encoding="utf-8")
    svg = svg[svg.index("<svg") :]
    return re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg, count=2)  # inline SVG in HTML needs no namespace


# --- the page ---


def page_html(output: Value, steps: list[Step], quiz: bool = False, title: str | None = None) -> str:
    """The whole page for output's forward and backward: the SVG laid out once, the moments as JSON."""
    walk = Walk(output, steps)
    svg = layout_svg(walk.dot_source())
    data = json.dumps({**walk.data(), "quiz": quiz}, ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")  # safe in <script>
    name = title if title is not None else walk.names[output]
    swatches = "\n".join(f"  .swatch.{kind} {{ background: {fill}; border-color: {border}; }}"
                         for kind, (fill, border) in COLOURS.items())  # fmt: skip
    fields = {"title": html.escape(name), "svg": svg, "data": data, "swatches": swatches,
              "highlight": HIGHLIGHT, "highlight_fill": HIGHLIGHT_FILL,
              "mode": ("quiz: type each local derivative and contribution" if quiz
                       else "step through")}  # fmt: skip
    return re.sub(r"\{\{(\w+)\}\}", lambda match: fields[match.group(1)], TEMPLATE)




def write_html(output: Value, steps: list[Step], expression: str, path: Path) -> None:
    """Write the step-through page of output to path, titled with the expression (what --html did first)."""
    if path.parent != Path(""):
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page_html(output, steps, title=expression), encoding="utf-8")


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chainrule: forward and backward through {{title}}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
         margin: 0.8rem 1.2rem;
         color: #111827; background: #fafafa; font-size: 15px; }
  h1 { font-size: 1.15rem; font-weight: 600; margin: 0 0 0.5rem; }
  h1 code { background: #eef2ff; padding: 0.1rem 0.4rem; border-radius: 4px; }
  #controls { display: flex; flex-wrap: wrap; gap: 0.5rem 0.8rem; align-items: center;
              margin-bottom: 0.4rem; }
  button { font-size: 0.95em; padding: 0.3rem 0.8rem; border-radius: 6px; border: 1px solid #9ca3af;
           background: white; cursor: pointer; }
  button:disabled { opacity: 0.4; cursor: default; }
  button[aria-pressed="true"] { background: #e0e7ff; border-color: #4338ca; }
  #slider { flex: 1; min-width: 8rem; max-width: 28rem; }
  #counter, #score { font-variant-numeric: tabular-nums; color: #374151; }
  #phase { display: inline-block; font-weight: 700; text-transform: uppercase; letter-spacing: 0.05em;
           font-size: 0.8rem; padding: 0.1rem 0.5rem; border-radius: 4px; background: #e5e7eb; }
  #phase.forward { background: #dbeafe; color: #1e3a8a; }
  #phase.backward, #phase.seed { background: #fee2e2; color: #991b1b; }
  #phase.end { background: #dcfce7; color: #14532d; }
  #headline { font-family: ui-monospace, "Cascadia Mono", Menlo, Consolas, monospace; font-size: 1.45rem;
              font-weight: 600; color: #111827; margin: 0.3rem 0 0.2rem; overflow-wrap: anywhere; }
  #rule, #sum { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 1rem; color: #374151;
                overflow-wrap: anywhere; }
  #quiz { display: none; margin: 0.4rem 0; padding: 0.5rem 0.7rem; border: 1px solid #c7d2fe;
          background: #eef2ff; border-radius: 8px; font-family: ui-monospace, Menlo, Consolas, monospace; }
  #quiz.active { display: block; }
  #quiz label { margin-right: 1rem; white-space: nowrap; }
  #quiz input { font: inherit; width: 8rem; padding: 0.15rem 0.3rem; }
  #quiz input.right { border-color: #15803d; background: #dcfce7; }
  #quiz input.wrong { border-color: #dc2626; background: #fee2e2; }
  #feedback { margin-top: 0.3rem; min-height: 1.2em; }
  #feedback.wrong { color: #991b1b; }
  #feedback.right { color: #166534; }
  #layout { display: flex; gap: 0.8rem; margin-top: 0.5rem; align-items: flex-start; }
  #graph { flex: 1; min-width: 0; max-height: 68vh; overflow: auto; background: white;
           border: 1px solid #e5e7eb; border-radius: 8px; padding: 0.4rem; }
  #graph svg { display: block; }
  #side { width: 19em; flex: none; max-height: 68vh; overflow: auto; font-size: 0.85em; }
  @media (max-width: 1100px) {
    #layout { flex-direction: column; align-items: stretch; }
    #side { width: auto; max-height: none; }
  }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; background: white; width: 100%; }
  th, td { padding: 0.15rem 0.45rem; border-bottom: 1px solid #e5e7eb; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  tr.focus td { background: {{highlight_fill}}; font-weight: 600; }
  tr.giver td { background: #fef3c7; }
  tr.pending td { color: #9ca3af; }
  .swatch { display: inline-block; padding: 0.05rem 0.4rem; border: 1px solid; margin: 0.1rem 0; }
{{swatches}}
  .swatch.op { border-radius: 1rem; }
  .swatch.focus { background: {{highlight_fill}}; border: 3px solid {{highlight}}; }
  .swatch.giver { background: white; border: 3px solid #f59e0b; }
  .swatch.pending { opacity: 0.35; background: white; border-color: #4b5563; }
  .swatch.edge { border: none; border-bottom: 3px solid {{highlight}}; color: {{highlight}}; }
  #legend p { margin: 0.2rem 0; }
  .hint { color: #6b7280; margin-top: 0.6rem; }
  /* the picture: a moment changes only these classes (and a label line's text) */
  #graph g.node.pending { opacity: 0.3; }
  #graph g.node.focus > polygon, #graph g.node.focus > ellipse, #graph g.node.focus > path {
    stroke: {{highlight}}; stroke-width: 3.5px; fill: {{highlight_fill}}; }
  #graph g.node.giver > polygon, #graph g.node.giver > path, #graph g.node.giver > ellipse {
    stroke: #f59e0b; stroke-width: 3.5px; }
  #graph g.edge.unapplied text { visibility: hidden; }
  #graph g.edge.current path { stroke: {{highlight}}; stroke-width: 3px; }
  #graph g.edge.current polygon { stroke: {{highlight}}; fill: {{highlight}}; }
  #graph g.edge.current text { fill: {{highlight}}; font-weight: bold; }
  #graph g.edge.asked text { visibility: hidden; }
  #graph g.node.constant-hidden { opacity: 0.45; }
  body.large { font-size: 21px; }
  body.large #headline { font-size: 2.1rem; }
  body.large #rule, body.large #sum { font-size: 1.4rem; }
  body.large #side { width: 19em; }
</style>
</head>
<body>
<h1>Forward and backward through <code>{{title}}</code> <small>({{mode}})</small></h1>
<div id="controls">
  <button id="prev" type="button">&larr; Previous</button>
  <input id="slider" type="range" min="0" max="0" value="0" step="1" aria-label="step">
  <button id="next" type="button">Next &rarr;</button>
  <span id="counter"></span>
  <label><input id="hide-constants" type="checkbox" checked> hide constants' steps (C)</label>
  <button id="zoom" type="button" aria-pressed="false">zoom (Z)</button>
  <button id="large" type="button" aria-pressed="false">large type (L)</button>
  <span id="score"></span>
</div>
<div><span id="phase"></span></div>
<div id="headline"></div>
<div id="rule"></div>
<div id="sum"></div>
<div id="quiz">
  <label for="quiz-local">local <span id="quiz-question"></span> = <input id="quiz-local" autocomplete="off"
    inputmode="decimal"></label>
  <label for="quiz-contribution">contribution <span id="quiz-product"></span> = <input id="quiz-contribution"
    autocomplete="off" inputmode="decimal"></label>
  <button id="quiz-show" type="button">show the answer</button>
  <div id="feedback" role="status"></div>
</div>
<div id="layout">
  <div id="graph" tabindex="-1">
{{svg}}
  </div>
  <div id="side">
    <table id="grads">
      <thead><tr><th>node</th><th>data</th><th>grad</th></tr></thead>
      <tbody></tbody>
    </table>
    <div id="legend">
      <p><b>Legend</b></p>
      <p><span class="swatch input">input</span> a leaf with a label</p>
      <p><span class="swatch parameter">weight or bias</span> a neuron's leaf</p>
      <p><span class="swatch constant">constant</span> a number in the expression</p>
      <p><span class="swatch intermediate">intermediate</span> a computed value</p>
      <p><span class="swatch output">output</span> where backward starts</p>
      <p><span class="swatch op">op</span> the operation making the value</p>
      <p><span class="swatch focus">red</span> forward: the value computed now; backward: the value
        receiving this step's contribution</p>
      <p><span class="swatch giver">orange</span> backward: the value passing its gradient down</p>
      <p><span class="swatch edge">red edge</span> this step's edge: upstream &times; local = contribution</p>
      <p><span class="swatch pending">faded</span> not computed yet in forward</p>
    </div>
    <p class="hint">Keys: &larr; &rarr; or space step, Home/End first/last, Z zoom, L large type,
      C constants' steps. In the quiz, Enter checks an answer.</p>
  </div>
</div>
<script>
"use strict";
(function () {
const DATA = {{data}};
const MOMENTS = DATA.moments, NODES = DATA.nodes;
const $ = (id) => document.getElementById(id);
const svg = document.querySelector("#graph svg");
const byTitle = {};
for (const group of svg.querySelectorAll("g.node, g.edge")) {
  byTitle[group.querySelector("title").textContent] = group;
}
const valueGroups = NODES.map((node) => byTitle[node.id]);
const opGroups = NODES.map((node) => (node.op ? byTitle[node.op] : null));
const lineTexts = valueGroups.map((group) => Array.from(group.querySelectorAll("text")));
const stepEdges = Array.from(svg.querySelectorAll("g.edge")).filter((edge) => /^e\\d+$/.test(edge.id));
const viewBox = svg.viewBox.baseVal;
const state = { moment: 0, zoomed: false, large: false, hideConstants: true, answers: {} };
let visible = [];

// --- the table of values and gradients ---
const rows = NODES.map((node) => {
  const row = $("grads").tBodies[0].insertRow();
  for (let cell = 0; cell < 3; cell++) row.insertCell();
  row.cells[0].textContent = node.name;
  return row;
});

// --- which moments are shown, and how far the quiz lets the learner go ---
function computeVisible() {
  visible = [];
  MOMENTS.forEach((moment, index) => { if (!(state.hideConstants && moment.constant)) visible.push(index); });
}
function asked(index) { return DATA.quiz && MOMENTS[index].phase === "backward" && !MOMENTS[index].constant; }
function open(index) {  // a quiz step not answered yet
  const answer = state.answers[index];
  return asked(index) && !(answer && answer.local && answer.contribution);
}
function furthest() {  // the last visible moment the learner may reach: the first open quiz step
  for (let position = 0; position < visible.length; position++) {
    if (open(visible[position])) return position;
  }
  return visible.length - 1;
}

// --- drawing one moment: texts and classes only, the layout never changes ---
function render() {
  const current = state.moment, moment = MOMENTS[current];
  const lines = NODES.map((node) => node.lines.slice());
  const computed = new Set(), applied = new Set();
  for (let index = 0; index <= current; index++) {
    if (index === current && open(index)) break;  // a quiz step shows nothing of its answer yet
    const each = MOMENTS[index];
    for (const [node, line, text] of each.set) lines[node][line - 1] = text;
    if (each.phase === "forward") computed.add(each.focus);
    if (each.edge) applied.add(each.edge);
  }
  const forwardDone = moment.phase !== "start" && moment.phase !== "forward";
  NODES.forEach((node, index) => {
    const texts = lineTexts[index];
    for (let line = 0; line < 2; line++) {
      if (texts[line + 1] && texts[line + 1].textContent !== lines[index][line]) {
        texts[line + 1].textContent = lines[index][line];
      }
    }
    const pending = !forwardDone && !computed.has(index);
    valueGroups[index].classList.toggle("pending", pending);
    if (opGroups[index]) opGroups[index].classList.toggle("pending", pending);
    valueGroups[index].classList.toggle("focus", moment.focus === index);
    valueGroups[index].classList.toggle("giver", moment.giver === index);
    if (opGroups[index]) opGroups[index].classList.toggle("giver", moment.giver === index ||
      (moment.phase === "forward" && moment.focus === index));
    rows[index].className = moment.focus === index ? "focus" : moment.giver === index ? "giver" :
      pending ? "pending" : "";
    rows[index].cells[1].textContent = pending ? "" : node.data;
    rows[index].cells[2].textContent = lines[index][1] === "grad ?" ? "" : lines[index][1].slice(5);
  });
  for (const edge of stepEdges) {
    edge.classList.toggle("unapplied", !applied.has(edge.id) && edge.id !== moment.edge);
    edge.classList.toggle("current", edge.id === moment.edge);
    edge.classList.toggle("asked", edge.id === moment.edge && open(current));
  }
  showWords(current, moment);
  const position = visible.indexOf(current);
  $("counter").textContent = "step " + position + " of " + (visible.length - 1);
  $("slider").max = String(visible.length - 1);
  $("slider").value = String(position);
  $("prev").disabled = position <= 0;
  $("next").disabled = position >= furthest();
  showScore();
  follow(moment);
}

function showWords(current, moment) {
  $("phase").textContent = moment.phase === "seed" ? "backward: the seed" : moment.phase;
  $("phase").className = moment.phase;
  const quiz = moment.quiz, isOpen = open(current);
  $("headline").textContent = isOpen ?
    quiz.giver + ".grad × local = " + quiz.upstream + " × ? = ? → " + quiz.parent + ".grad" : moment.headline;
  $("rule").textContent = isOpen ? "local = " + quiz.question + " = ?" : moment.rule;
  $("sum").textContent = isOpen ? "" : moment.sum;
  if (moment.phase === "end" && DATA.quiz) $("sum").textContent = scoreText(true);
  const active = asked(current);
  $("quiz").classList.toggle("active", active);
  if (active) showQuiz(current, quiz, isOpen);
}

// --- the quiz ---
function showQuiz(current, quiz, isOpen) {
  const answer = state.answers[current] || {};
  $("quiz-question").textContent = quiz.question;
  $("quiz-product").textContent = quiz.upstream + " × local";
  for (const part of ["local", "contribution"]) {
    const input = $("quiz-" + part);
    input.disabled = Boolean(answer[part]);
    input.classList.toggle("right", Boolean(answer[part]));
    if (answer[part]) input.value = answer[part].shown;
    else if (input.dataset.moment !== String(current)) { input.value = ""; input.classList.remove("wrong"); }
    input.dataset.moment = String(current);
  }
  if (input_moment !== current) { $("feedback").textContent = ""; $("feedback").className = ""; }
  input_moment = current;
  $("quiz-show").disabled = !isOpen;
}
let input_moment = -1;

function parseNumber(text) {
  const cleaned = text.trim().replace(/\\u2212/g, "-").replace(/\\s+/g, "");
  if (!cleaned) return NaN;
  const fraction = cleaned.match(/^(.+)\\/(.+)$/);
  if (fraction) return Number(fraction[1]) / Number(fraction[2]);
  if (/^[-+]?(inf|infinity)$/i.test(cleaned)) return cleaned.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(cleaned)) return NaN;
  return Number(cleaned);
}
function close(answer, truth) {
  if (Number.isNaN(truth)) return Number.isNaN(answer);
  if (answer === truth) return true;
  return Math.abs(answer - truth) <= 1e-3 * Math.abs(truth);  // 1e-3 relative
}
function check(part) {
  const current = state.moment, quiz = MOMENTS[current].quiz;
  if (!asked(current)) return;
  const input = $("quiz-" + part), feedback = $("feedback");
  const typed = input.value, number = parseNumber(typed);
  const answer = state.answers[current] || (state.answers[current] = {});
  const tries = answer[part + "Tries"] = (answer[part + "Tries"] || 0) + 1;
  if (!typed.trim() || (Number.isNaN(number) && !/^nan$/i.test(typed.trim()))) {
    answer[part + "Tries"] = tries - 1;
    feedback.textContent = "Type a number, such as -1.5 or 3/4.";
    feedback.className = "wrong";
    return;
  }
  if (close(number, quiz[part])) {
    answer[part] = { shown: typed.trim(), first: tries === 1 };
    input.classList.remove("wrong");
    feedback.className = "right";
    if (part === "local" && !answer.contribution) {
      feedback.textContent = "Right. Now the contribution: " + quiz.upstream + " × local.";
      render();
      $("quiz-contribution").focus();
    } else if (!answer.local) {
      feedback.textContent = "Right. Now the local derivative.";
      render();
      $("quiz-local").focus();
    } else {
      feedback.textContent = "Right! Press Enter or → for the next step.";
      render();
      $("next").focus();
    }
    return;
  }
  input.classList.add("wrong");
  feedback.className = "wrong";
  feedback.textContent = part === "local" ?
    "Not quite. Hint: the rule is " + quiz.table + "; here " + quiz.named + "." :
    "Not quite. Hint: the chain rule, contribution = upstream × local = " + quiz.giver + ".grad × local = " +
      quiz.upstream + " × local.";
}
function reveal() {
  const current = state.moment, quiz = MOMENTS[current].quiz;
  if (!open(current)) return;
  const answer = state.answers[current] || (state.answers[current] = {});
  for (const part of ["local", "contribution"]) {
    if (!answer[part]) answer[part] = { shown: String(quiz[part]), first: false, revealed: true };
  }
  $("feedback").textContent = "The answer: " + quiz.named + ". Press Enter or → for the next step.";
  $("feedback").className = "";
  render();
  $("next").focus();
}
function scoreText(final) {
  let right = 0, total = 0;
  for (const index of visible) {
    if (!asked(index)) continue;
    total += 2;
    const answer = state.answers[index] || {};
    for (const part of ["local", "contribution"]) if (answer[part] && answer[part].first) right += 1;
  }
  return (final ? "Your score: " : "score: ") + right + " of " + total + " answers right at the first try";
}
function showScore() { $("score").textContent = DATA.quiz ? scoreText(false) : ""; }

// --- size and following the step ---
function scale() {
  const minimum = (state.large ? 18 : 11.5) / DATA.minFont;  // px per point: no label under 11 px
  const room = $("graph").clientWidth - 16;
  let unit = Math.max(minimum, Math.min(room / viewBox.width, state.large ? 2.4 : 1.6));
  if (state.zoomed) unit *= 1.8;
  svg.setAttribute("width", (viewBox.width * unit).toFixed(1) + "px");
  svg.setAttribute("height", (viewBox.height * unit).toFixed(1) + "px");
}
function follow(moment) {  // scroll the graph so the step's node is in view
  const target = moment.focus !== undefined ? valueGroups[moment.focus] : null;
  if (!target) return;
  const box = target.getBoundingClientRect(), view = $("graph").getBoundingClientRect(), margin = 24;
  const graph = $("graph");
  if (box.left < view.left + margin || box.right > view.right - margin) {
    graph.scrollLeft += (box.left + box.right) / 2 - (view.left + view.right) / 2;
  }
  if (box.top < view.top + margin || box.bottom > view.bottom - margin) {
    graph.scrollTop += (box.top + box.bottom) / 2 - (view.top + view.bottom) / 2;
  }
}

// --- moving ---
function goTo(position) {
  const last = furthest();
  position = Math.max(0, Math.min(last, position));
  state.moment = visible[position];
  render();
  if (open(state.moment)) $("quiz-local").focus({ preventScroll: true });
}
function step(by) {
  const position = visible.indexOf(state.moment);
  if (by > 0 && open(state.moment)) {
    $("feedback").textContent = "Answer first (Enter checks), or press 'show the answer'.";
    $("feedback").className = "wrong";
    $("quiz-local").focus();
    return;
  }
  goTo(position + by);
}
function toggleConstants(hide) {
  state.hideConstants = hide;
  $("hide-constants").checked = hide;
  const before = state.moment;
  computeVisible();
  let position = visible.findIndex((index) => index >= before);
  goTo(position < 0 ? visible.length - 1 : position);
}
function toggle(which) {
  state[which] = !state[which];
  $(which === "zoomed" ? "zoom" : "large").setAttribute("aria-pressed", String(state[which]));
  document.body.classList.toggle("large", state.large);
  scale();
  render();
}

$("prev").addEventListener("click", () => step(-1));
$("next").addEventListener("click", () => step(1));
$("slider").addEventListener("input", (event) => goTo(Number(event.target.value)));
$("zoom").addEventListener("click", () => toggle("zoomed"));
$("large").addEventListener("click", () => toggle("large"));
$("hide-constants").addEventListener("change", (event) => toggleConstants(event.target.checked));
$("quiz-show").addEventListener("click", reveal);
for (const part of ["local", "contribution"]) {
  $("quiz-" + part).addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); check(part); }
    else if (event.key === "Escape") { event.target.blur(); }
  });
}
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (target.tagName === "INPUT" && target.type !== "checkbox") return;  // typing, or the slider's own keys
  if (target.tagName === "BUTTON" && (event.key === " " || event.key === "Enter")) return;  // it clicks
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const moves = { ArrowRight: 1, ArrowDown: 1, " ": 1, Enter: 1, ArrowLeft: -1, ArrowUp: -1 };
  if (event.key in moves) {
    event.preventDefault();
    step(event.shiftKey && event.key === " " ? -1 : moves[event.key]);
  }
  else if (event.key === "Home") { event.preventDefault(); goTo(0); }
  else if (event.key === "End") { event.preventDefault(); goTo(visible.length - 1); }
  else if (event.key === "z" || event.key === "Z") toggle("zoomed");
  else if (event.key === "l" || event.key === "L") toggle("large");
  else if (event.key === "c" || event.key === "C") toggleConstants(!state.hideConstants);
});
window.addEventListener("resize", () => { scale(); render(); });
computeVisible();
scale();
render();
try {  // inside a notebook's iframe: grow the frame to the page
  const frame = window.frameElement;
  if (frame && frame.dataset.chainrule) {
    const fit = () => { frame.style.height = (document.documentElement.scrollHeight + 4) + "px"; };
    fit();
    new ResizeObserver(fit).observe(document.body);
  }
} catch (error) { /* a frame of another origin: keep its height */ }
})();
</script>
</body>
</html>
"""
