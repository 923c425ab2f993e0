"""The step-through page of ``python -m autograd explain ... --html FILE``.

One self-contained file: the pictures are inline (PNG in data: URIs: drawn with
the fonts Graphviz measured, so text always fits its box, which an SVG shown with
another font does not promise), the style
and the script are in the page, no font or script is fetched, so it works opened
from disk. Frame 0 is the seed; frame k shows step k of backward: its chain-rule
line in large type, the graph with that edge highlighted, and the table of the
gradients as they stand (a node not reached yet has none; a node whose gradient
is a sum shows how many of its terms have arrived).
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any

from autograd.engine import Value
from autograd.text import shown

from .draw import COLOURS
from .frames import frame, frame_title
from .names import forward_order, node_names
from .steps import Step, gradients_at


def frame_data(output: Value, steps: list[Step], number: int) -> dict[str, Any]:
    """Everything the page shows for frame `number`: picture, equation, rule, sum, gradient table."""
    picture = frame(output, steps, number, captioned=False)
    picture.attr(dpi="100")  # sharp enough to zoom into, small enough for a page of many frames
    png = picture.pipe(format="png")
    step = steps[number - 1] if number else None
    out = node_names(output)[output]
    return {
        "picture": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        "title": frame_title(output, steps, number),
        "equation": str(step) if step else f"{out}.grad = 1.0 (the seed: d{out}/d{out} = 1)",
        "rule": f"rule: {step.rule}" if step else "backward starts at the output",
        "sum": step.sum_text() if step else "",
        "rows": gradient_rows(output, steps, number),
    }


def gradient_rows(output: Value, steps: list[Step], number: int) -> list[dict[str, str]]:
    """One row per node: name, data, grad so far ('' if not reached), and how many terms have arrived."""
    names = node_names(output)
    grads = gradients_at(steps, number, output)
    arrived: dict[Value, int] = {}
    terms: dict[Value, int] = {}
    for step in steps:
        terms[step.parent] = step.terms
        if step.number <= number:
            arrived[step.parent] = step.term
    current = steps[number - 1] if number else None
    rows = []
    for node in forward_order(output):
        status = "seed" if node is output else _status(arrived.get(node, 0), terms[node])
        role = "parent" if current and node is current.parent else "node" if current and node is current.node else ""
        grad = shown(grads[node]) if node in grads else ""
        rows.append({"name": names[node], "data": shown(node.data), "grad": grad, "status": status,
                     "role": role})  # fmt: skip
    return rows


def _status(arrived: int, terms: int) -> str:
    if arrived == 0:
        return "not reached"
    return f"complete ({arrived} of {terms})" if arrived == terms else f"{arrived} of {terms} terms so far"


def page(expression: str, frames: list[dict[str, Any]]) -> str:
    """The whole page: the template with the frames as JSON (made safe inside <script>)."""
    data = json.dumps(frames).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    swatches = "\n".join(f"  .swatch.{kind} {{ background: {fill}; border-color: {border}; }}"
                         for kind, (fill, border) in COLOURS.items())  # the picture's colours
    fields = {"title": html.escape(expression), "last": str(len(frames) - 1), "frames": data, "swatches": swatches}
    return re.sub(r"\{(title|last|frames|swatches)\}", lambda match: fields[match.group(1)], TEMPLATE)


def write_html(output: Value, steps: list[Step], expression: str, path: Path) -> None:
    """Write the step-through page for output's backward to path."""
    frames = [frame_data(output, steps, number) for number in range(len(steps) + 1)]
    if path.parent != Path(""):
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page(expression, frames), encoding="utf-8")


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chainrule: backward through {title}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.2rem 2rem;
         color: #111827; background: #fafafa; }
  h1 { font-size: 1.25rem; font-weight: 600; margin: 0 0 0.8rem; }
  h1 code { background: #eef2ff; padding: 0.1rem 0.4rem; border-radius: 4px; }
  #controls { display: flex; gap: 0.8rem; align-items: center; margin-bottom: 0.8rem; }
  button { font-size: 1rem; padding: 0.35rem 0.9rem; border-radius: 6px; border: 1px solid #9ca3af;
           background: white; cursor: pointer; }
  button:disabled { opacity: 0.4; cursor: default; }
  #slider { flex: 1; max-width: 36rem; }
  #counter { font-variant-numeric: tabular-nums; color: #374151; }
  #equation { font-family: ui-monospace, "Cascadia Mono", Menlo, Consolas, monospace; font-size: 1.9rem;
              font-weight: 600; color: #b91c1c; margin: 0.4rem 0 0.3rem; overflow-wrap: anywhere; }
  #rule, #sum { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 1.05rem; color: #374151; }
  #layout { display: flex; flex-direction: column; gap: 1rem; margin-top: 0.8rem; }
  #picture { max-height: 75vh; overflow: auto; background: white; border: 1px solid #e5e7eb;
             border-radius: 8px; padding: 0.5rem; cursor: zoom-in; }
  #picture img { max-width: 100%; height: auto; display: block; }
  #picture.zoomed { cursor: zoom-out; }
  #picture.zoomed img { max-width: none; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; background: white; }
  th, td { padding: 0.25rem 0.7rem; border-bottom: 1px solid #e5e7eb; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  tr.parent td { background: #fee2e2; font-weight: 600; }
  tr.node td { background: #fef3c7; }
  .swatch { display: inline-block; padding: 0.05rem 0.45rem; border: 1px solid; font-size: 0.85rem; }
{swatches}
  .swatch.op { border-radius: 1rem; }
  .swatch.step { background: #fee2e2; border-color: #dc2626; color: #dc2626; }
  .hint { color: #6b7280; font-size: 0.9rem; margin-top: 0.6rem; }
</style>
</head>
<body>
<h1>Backward through <code>{title}</code>, one chain-rule product at a time</h1>
<div id="controls">
  <button id="prev" type="button">&larr; Previous</button>
  <input id="slider" type="range" min="0" max="{last}" value="0" step="1" aria-label="step">
  <button id="next" type="button">Next &rarr;</button>
  <span id="counter"></span>
</div>
<div id="equation"></div>
<div id="rule"></div>
<div id="sum"></div>
<div id="layout">
  <div id="picture" title="click to zoom"><img id="frame" alt="the computation graph at this step"></div>
  <div id="side">
    <table id="grads">
      <thead><tr><th>node</th><th>data</th><th>grad so far</th><th>terms</th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="key"><span class="swatch input">input</span> <span class="swatch constant">constant</span>
      <span class="swatch intermediate">intermediate</span> <span class="swatch output">output</span>
      <span class="swatch op">op</span> <span class="swatch step">this step</span></p>
    <p class="hint">Keys: &larr; &rarr; step, Home/End first/last, Z zoom (or click the picture).<br>
      red row: the node receiving this step's contribution; yellow: the node passing its gradient down.</p>
  </div>
</div>
<script>
"use strict";
const FRAMES = {frames};
let current = 0;
const $ = (id) => document.getElementById(id);

function show(number) {
  current = Math.max(0, Math.min(FRAMES.length - 1, number));
  const frame = FRAMES[current];
  $("frame").src = frame.picture;
  $("frame").alt = frame.title;
  $("equation").textContent = frame.equation;
  $("rule").textContent = frame.rule;
  $("sum").textContent = frame.sum;
  $("counter").textContent = "step " + current + " of " + (FRAMES.length - 1);
  $("slider").value = String(current);
  $("prev").disabled = current === 0;
  $("next").disabled = current === FRAMES.length - 1;
  const body = $("grads").tBodies[0];
  body.replaceChildren();
  for (const row of frame.rows) {
    const line = body.insertRow();
    line.className = row.role;
    for (const key of ["name", "data", "grad", "status"]) {
      line.insertCell().textContent = row[key];
    }
  }
}

function zoom() {
  $("picture").classList.toggle("zoomed");
}

$("prev").addEventListener("click", () => show(current - 1));
$("next").addEventListener("click", () => show(current + 1));
$("slider").addEventListener("input", (event) => show(Number(event.target.value)));
$("picture").addEventListener("click", zoom);
document.addEventListener("keydown", (event) => {
  if (event.target === $("slider")) return;  // the slider moves itself with the arrow keys
  const moves = { ArrowRight: current + 1, ArrowDown: current + 1, ArrowLeft: current - 1, ArrowUp: current - 1,
                  Home: 0, End: FRAMES.length - 1 };
  if (event.key in moves) {
    event.preventDefault();
    show(moves[event.key]);
  } else if (event.key === "z" || event.key === "Z") {
    zoom();
  }
});
show(0);
</script>
</body>
</html>
"""
