"""Demo 1: the chain rule on one neuron, o = tanh(x1*w1 + x2*w2 + b), drawn before and after backward.

Then ``python -m autograd explain`` on the same neuron: the table of every backward step,
one picture per step (frames) and the step-through page. Everything drawn here is drawn
by the library (``autograd.draw``, ``autograd.backward_steps``, the explain command).
"""

from __future__ import annotations

import sys
from typing import Any

import nn
from autograd import Value, backward_steps, draw, numeric_gradient
from autograd.presentation.cli import main as explain_main

from ._tour import Finding, Output, main_for, number

NAME = "chain_rule"
TITLE = "the chain rule on one neuron"
INTRO = """
One neuron, o = tanh(x1*w1 + x2*w2 + b). Forward computes o; backward walks the graph from o back to
the inputs and multiplies, on every edge, the gradient arriving from above (upstream) by the edge's
local derivative. Look at the graph before and after backward, then step through it edge by edge.
"""
# The neuron of Karpathy's micrograd lecture: b is chosen so that o = tanh(0.8814) = 1/sqrt(2).
INPUTS = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
EXPRESSION = "tanh(x1*w1 + x2*w2 + b)"
FULL: dict[str, Any] = {}
QUICK: dict[str, Any] = {}


def neuron(x1: Value, x2: Value, w1: Value, w2: Value, b: Value) -> Value:
    """o = tanh(x1*w1 + x2*w2 + b), written as a learner writes it."""
    return (x1 * w1 + x2 * w2 + b).tanh()


def library_neuron() -> tuple[Value, nn.Neuron, list[Any]]:
    """The same neuron as nn.Neuron(2, "tanh") with weights w1, w2 and bias b: tanh(w . x + b), w . x + b one node."""
    unit = nn.Neuron(2, activation="tanh", seed=0)
    unit.w[0].data, unit.w[1].data, unit.b.data = INPUTS["w1"], INPUTS["w2"], INPUTS["b"]
    o = unit([Value(INPUTS["x1"], label="x1"), Value(INPUTS["x2"], label="x2")])
    o.label = "o"
    steps = backward_steps(o)
    o.backward()
    return o, unit, steps


def render(graph: Any, out: Output, name: str, caption: str) -> None:
    """A graphviz picture from autograd.draw, written as PNG and recorded."""
    path = out.path(name)
    path.write_bytes(graph.pipe(format="png"))
    out.record(path, caption)


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Draw the neuron before and after backward, run explain on it; return the findings."""
    leaves = {name: Value(value, label=name) for name, value in INPUTS.items()}
    o = neuron(**leaves)
    o.label = "o"
    render(draw(o, show_grad=False, title=f"forward: o = {EXPRESSION} = {number(o.data, 4)} (no gradients yet)"),
           out, "1_forward.png", "The neuron's graph after the forward pass: every value known, no gradient yet.")
    steps = backward_steps(o)
    o.backward()
    render(draw(o, edge_labels=True, title="after o.backward(): each edge shows upstream x local = contribution"),
           out, "2_backward.png",
           "After backward: each edge carries upstream x local derivative; each box holds d o / d (that value).")
    print(f"$ python -m autograd explain \"{EXPRESSION}\" ... --frames ... --html ...\n")
    frames, page = out.path("frames"), out.path("steps.html")
    status = explain_main(["explain", EXPRESSION, *(f"{k}={v!r}" for k, v in INPUTS.items()),
                           "--frames", str(frames), "--html", str(page)])
    if status != 0:
        raise RuntimeError(f"python -m autograd explain failed with status {status}")
    pictures = sorted(frames.glob("step_*.png"))
    for number_, path in enumerate(pictures):
        out.record(path, f"step {number_} of {len(pictures) - 1}" + (": the seed, d output / d output = 1" if number_ == 0 else ""),
                   "frame")
    out.record(page, "the step-through page (arrow keys step through backward)", "page")
    o_nn, unit, steps_nn = library_neuron()
    render(draw(o_nn, edge_labels=True, title="the same neuron as nn.Neuron(2, activation=\"tanh\"): w.x + b is one node"),
           out, "3_nn_neuron.png",
           "The same neuron built by nn.Neuron: the weighted sum w.x + b is one node whose local derivatives are "
           "x_i (for w_i), w_i (for x_i) and 1 (for b); same output, same gradients, fewer steps.")
    return [*findings(o, leaves, steps), library_finding(o, leaves, steps, o_nn, unit, steps_nn)]


def findings(o: Value, leaves: dict[str, Value], steps: list[Any]) -> list[Finding]:
    """What the run shows about the chain rule, every number measured."""
    numeric = numeric_gradient(neuron, list(INPUTS.values()))
    worst = max(abs(leaves[name].grad - n) for name, n in zip(INPUTS, numeric))
    tanh_local = 1 - o.data**2
    x1, w1, w2 = leaves["x1"], leaves["w1"], leaves["w2"]
    summed = {name: sum(s.contribution for s in steps if s.parent is leaf) for name, leaf in leaves.items()}
    sums_match = all(abs(summed[name] - leaves[name].grad) < 1e-12 for name in leaves)
    return [
        Finding("forward", f"forward: o = tanh({number(x1.data * w1.data + leaves['x2'].data * w2.data + leaves['b'].data, 4)})"
                f" = {number(o.data, 4)} for x1={x1.data:g}, x2={leaves['x2'].data:g}, w1={w1.data:g}, w2={w2.data:g}",
                {"o": o.data}),
        Finding("steps", f"backward applied the chain rule on {len(steps)} edges; the first multiplies by tanh's "
                f"local derivative 1 - o^2 = {number(tanh_local, 4)}", {"steps": len(steps), "tanh_local": tanh_local}),
        Finding("chain", f"do/dw1 = (1 - o^2) * x1 = {number(tanh_local, 4)} * {x1.data:g} = {number(w1.grad, 4)}: "
                "the product of the local derivatives along the path from o to w1",
                {"w1_grad": w1.grad, "product": tanh_local * x1.data}),
        Finding("zero_input", f"x2 = {leaves['x2'].data:g}, so do/dw2 = {number(w2.grad, 4)}: a weight whose input is zero "
                "gets no gradient from this sample", {"x2": leaves["x2"].data, "w2_grad": w2.grad}),
        Finding("check", f"every gradient of backward {'matches' if worst < 1e-6 else 'DIFFERS FROM'} central "
                f"differences (largest difference {worst:.1e}) and {'equals' if sums_match else 'DIFFERS FROM'} "
                "the sum of the step contributions it received", {"worst": worst, "sums_match": sums_match}),
    ]


def library_finding(o: Value, leaves: dict[str, Value], steps: list[Any], o_nn: Value, unit: nn.Neuron,
                    steps_nn: list[Any]) -> Finding:
    """nn.Neuron against the hand-written neuron: same output and gradients, fewer backward steps."""
    pairs = [(leaves["w1"], unit.w[0]), (leaves["w2"], unit.w[1]), (leaves["b"], unit.b)]
    gap = max([abs(o.data - o_nn.data), *(abs(mine.grad - theirs.grad) for mine, theirs in pairs)])
    return Finding("library", f"nn.Neuron with the same weights: o = {number(o_nn.data, 4)}, the same gradients "
                   f"(largest difference {gap:.1e}), in {len(steps_nn)} backward steps instead of {len(steps)}",
                   {"gap": gap, "steps": len(steps_nn), "hand_steps": len(steps)})


def main(argv: list[str] | None = None) -> int:
    """python -m demos.chain_rule [--out DIR] [--quick] [--no-progress]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
