"""Demo 1: the chain rule on one neuron and its loss, L = (tanh(x1*w1 + x2*w2 + b) - y)^2, before and
after backward.

Then ``python -m autograd explain`` on the same expression: the table of every backward step,
one picture per step (frames) and the step-through page; and a small layer-by-layer forward
pass, z = W h + b, h = f(z), checked against the same sums done with plain floats. Everything
drawn here is drawn by the library (``autograd.draw``, ``autograd.backward_steps``, the explain command).
"""

from __future__ import annotations

import math
import random
import sys
from typing import Any

import nn
from autograd import Value, backward_steps, draw, numeric_gradient
from autograd.presentation.cli import main as explain_main

from ._tour import Finding, Output, main_for, number

NAME = "chain_rule"
TITLE = "the chain rule on one neuron and its loss; forward propagation layer by layer"
INTRO = """
One neuron and its loss: z = x1*w1 + x2*w2 + b, a = tanh(z), L = (a - y)^2. Forward computes L; backward
walks the graph from L back to the inputs and multiplies, on every edge, the gradient arriving from above
(upstream) by the edge's local derivative, so dL/dw1 = dL/da * da/dz * dz/dw1. Look at the graph before
and after backward, then step through it edge by edge. Last, a 2-3-1 network computes z = W h + b, h = f(z)
layer after layer, and the same sums with plain floats give the same prediction.
"""
# The neuron of Karpathy's micrograd lecture (b makes a = tanh(0.8814) = 1/sqrt(2)), with a target y = 1.
INPUTS = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432, "y": 1.0}
EXPRESSION = "(tanh(x1*w1 + x2*w2 + b) - y)**2"
FULL: dict[str, Any] = {"layers": [3, 1]}
QUICK: dict[str, Any] = {"layers": [3, 1]}


def loss(x1: Value, x2: Value, w1: Value, w2: Value, b: Value, y: Value) -> Value:
    """L = (a - y)^2 with a = tanh(z), z = x1*w1 + x2*w2 + b, written as a learner writes it (nodes
    labelled)."""
    z = x1 * w1 + x2 * w2 + b
    z.label = "z"
    a = z.tanh()
    a.label = "a"
    return (a - y) ** 2


def library_neuron() -> tuple[Value, nn.Neuron, list[Any]]:
    """The same neuron as nn.Neuron(2, "tanh") with weights w1, w2 and bias b, and nn.losses.mse as its
    loss."""
    unit = nn.Neuron(2, activation="tanh", seed=0)
    unit.w[0].data, unit.w[1].data, unit.b.data = INPUTS["w1"], INPUTS["w2"], INPUTS["b"]
    a = unit([Value(INPUTS["x1"], label="x1"), Value(INPUTS["x2"], label="x2")])
    a.label = "a"
    L = nn.losses.mse([a], [INPUTS["y"]])
    L.label = "L"
    steps = backward_steps(L)
    L.backward()
    return L, unit, steps


def render(graph: Any, out: Output, name: str, caption: str) -> None:
    """A graphviz picture from autograd.draw, written as PNG and recorded (and as SVG with --format svg)."""
    path = out.path(name)
    path.write_bytes(graph.pipe(format="png"))
    if out.svg:
        path.with_suffix(".svg").write_bytes(graph.pipe(format="svg"))
        out.record(path.with_suffix(".svg"), caption, "svg")
    out.record(path, caption)


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Draw the neuron's loss before and after backward, run explain on it, a layer-by-layer forward pass."""
    leaves = {name: Value(value, label=name) for name, value in INPUTS.items()}
    L = loss(**leaves)
    L.label = "L"
    render(draw(L, show_grad=False,
                title=f"forward: L = {EXPRESSION} = {number(L.data, 4)} (no gradients yet)"),
           out, "1_forward.png",
           f"The graph of the neuron and its loss after the forward pass: z, a = tanh(z) = "
           f"{number(nodes(L)['a'].data, 4)} and L = (a - y)^2 = {number(L.data, 4)} known, no gradient yet.")
    steps = backward_steps(L)
    L.backward()
    chain = chain_factors(L, leaves, steps)
    render(draw(L, edge_labels=True,
                title="after L.backward(): each edge shows upstream x local = contribution"),
           out, "2_backward.png",
           f"After backward: each edge carries upstream x local derivative; each box holds dL/d(that value). "
           f"dL/dw1 = dL/da x da/dz x dz/dw1 = {number(chain['dL/da'], 4)} x {number(chain['da/dz'], 4)} x "
           f"{number(chain['dz/dw1'], 4)} = {number(leaves['w1'].grad, 4)}.")
    explain(out)
    L_nn, unit, steps_nn = library_neuron()
    render(draw(L_nn, edge_labels=True,
                title="the same neuron as nn.Neuron(2, activation=\"tanh\") with nn.losses.mse"),
           out, "3_nn_neuron.png",
           "The same neuron built by nn.Neuron with nn.losses.mse: the weighted sum w.x + b is one node "
           "whose local derivatives are x_i (for w_i), w_i (for x_i) and 1 (for b); same loss, same "
           f"gradients, {len(steps_nn)} backward steps (the hand-written graph: {len(steps)}).")
    layered = forward_layers(settings, settings.get("seed", 0))
    draw_layers(out, layered)
    return [*findings(L, leaves, steps, chain), library_finding(L, leaves, steps, L_nn, unit, steps_nn),
            forward_finding(layered)]


def explain(out: Output) -> None:
    """python -m autograd explain on the expression: the frames and the step-through page, recorded."""
    print(f"$ python -m autograd explain \"{EXPRESSION}\" ... --frames ... --html ...\n")
    frames, page = out.path("frames"), out.path("steps.html")
    status = explain_main(["explain", EXPRESSION, *(f"{k}={v!r}" for k, v in INPUTS.items()),
                           "--frames", str(frames), "--html", str(page)])
    if status != 0:
        raise RuntimeError(f"python -m autograd explain failed with status {status}")
    pictures = sorted(frames.glob("step_*.png"))
    for number_, path in enumerate(pictures):
        out.record(path, f"step {number_} of {len(pictures) - 1}"
                   + (": the seed, dL/dL = 1" if number_ == 0 else ""), "frame")
    out.record(page, "the step-through page (arrow keys step through backward)", "page")


def nodes(output: Value) -> dict[str, Value]:
    """Every labelled node of output's graph by its label (a walk over the parents)."""
    found: dict[str, Value] = {}
    seen: set[int] = set()
    stack = [output]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            found.setdefault(node.label, node)
            stack.extend(node.parents)
    return found


def chain_factors(L: Value, leaves: dict[str, Value], steps: list[Any]) -> dict[str, float]:
    """The three factors of dL/dw1 as backward measured them: dL/da = a.grad, da/dz and dz/dw1 (their locals).

    da/dz is the local derivative of the step from a to z; dz/dw1 is the product of the locals from z down
    to w1.
    """
    named = nodes(L)
    a, z, w1 = named["a"], named["z"], leaves["w1"]
    local = {(step.node, step.parent): step.local for step in steps}
    path, node = [], w1
    while node is not z:  # walk up from w1 to z: the one node whose operands include the current one
        child = next(step.node for step in steps if step.parent is node)
        path.append(local[(child, node)])
        node = child
    return {"dL/da": a.grad, "da/dz": local[(a, z)], "dz/dw1": math.prod(path), "z_path": len(path)}


def findings(L: Value, leaves: dict[str, Value], steps: list[Any], chain: dict[str, float]) -> list[Finding]:
    """C20 and the checks of backward, every number measured."""
    numeric = numeric_gradient(loss, list(INPUTS.values()))
    worst = max(abs(leaves[name].grad - n) for name, n in zip(INPUTS, numeric))
    summed = {name: sum(s.contribution for s in steps if s.parent is leaf) for name, leaf in leaves.items()}
    sums_match = all(abs(summed[name] - leaves[name].grad) < 1e-12 for name in leaves)
    product = chain["dL/da"] * chain["da/dz"] * chain["dz/dw1"]
    first_out = {}
    for index, step in enumerate(steps):
        first_out.setdefault(step.node, index)
    backwards = all(index < first_out.get(step.parent, len(steps)) for index, step in enumerate(steps))
    holds = abs(product - leaves["w1"].grad) < 1e-12 and worst < 1e-6 and backwards and steps[0].node is L
    a = nodes(L)["a"]
    return [
        Finding("forward", f"forward: z = {number(nodes(L)['z'].data, 4)}, a = tanh(z) = "
                f"{number(a.data, 4)}, L = (a - y)^2 = {number(L.data, 4)} for x1={INPUTS['x1']:g}, "
                f"x2={INPUTS['x2']:g}, w1={INPUTS['w1']:g}, w2={INPUTS['w2']:g}, y={INPUTS['y']:g}",
                {"a": a.data, "L": L.data}),
        Finding("chain", f"dL/dw1 = dL/da * da/dz * dz/dw1 = 2(a - y) * (1 - a^2) * x1 = "
                f"{number(chain['dL/da'], 4)} * {number(chain['da/dz'], 4)} * {number(chain['dz/dw1'], 4)} "
                f"= {number(product, 4)}; backward gave w1.grad = {number(leaves['w1'].grad, 4)} in "
                f"{len(steps)} steps, the first at L, each node passing its gradient on only after receiving "
                f"all of it ({'true' if backwards else 'FALSE'} for every step); central differences agree "
                f"to {worst:.1e}",
                {"w1_grad": leaves["w1"].grad, "product": product, "steps": len(steps),
                 "backwards": backwards, "worst": worst, **chain}, claim="C20",
                verdict="holds" if holds else "contradicted", pictures=("2_backward.png",)),
        Finding("zero_input", f"x2 = {INPUTS['x2']:g}, so dL/dw2 = {number(leaves['w2'].grad, 4)}: a weight "
                "whose input is zero gets no gradient from this sample",
                {"x2": INPUTS["x2"], "w2_grad": leaves["w2"].grad}),
        Finding("check", f"each of the {len(leaves)} inputs' gradients "
                f"{'equals' if sums_match else 'DIFFERS FROM'} the sum of the step contributions it received",
                {"sums_match": sums_match}),
    ]


def library_finding(L: Value, leaves: dict[str, Value], steps: list[Any], L_nn: Value, unit: nn.Neuron,
                    steps_nn: list[Any]) -> Finding:
    """nn.Neuron with nn.losses.mse against the hand-written neuron: same loss and gradients, fewer steps."""
    pairs = [(leaves["w1"], unit.w[0]), (leaves["w2"], unit.w[1]), (leaves["b"], unit.b)]
    gap = max([abs(L.data - L_nn.data), *(abs(mine.grad - theirs.grad) for mine, theirs in pairs)])
    return Finding("library", f"nn.Neuron with the same weights and nn.losses.mse: "
                   f"L = {number(L_nn.data, 4)}, the same gradients (largest difference {gap:.1e}), in "
                   f"{len(steps_nn)} backward steps (the hand-written graph: {len(steps)})",
                   {"gap": gap, "steps": len(steps_nn), "hand_steps": len(steps)})


# --- forward propagation, layer by layer ---


def forward_layers(settings: dict[str, Any], seed: int) -> dict[str, Any]:
    """A 2-3-1 tanh MLP on one input: each layer's output, and the same z = W h + b, h = f(z) with floats."""
    rng = random.Random(seed)
    x = [round(rng.uniform(-1, 1), 2), round(rng.uniform(-1, 1), 2)]
    model = nn.MLP(2, settings["layers"], activation="tanh", seed=seed)
    by_hand, h = [], x
    for layer in model.layers:
        W = [[w.data for w in neuron.w] for neuron in layer.neurons]
        b = [neuron.b.data for neuron in layer.neurons]
        z = [sum(w_ji * h_i for w_ji, h_i in zip(row, h)) + b_j for row, b_j in zip(W, b)]
        h = z if layer is model.layers[-1] else [math.tanh(z_j) for z_j in z]
        by_hand.append(h)
    outputs, values = [], [Value(v, label=f"x{i + 1}") for i, v in enumerate(x)]
    for layer in model.layers:
        values = layer(values)
        outputs.append([v.data for v in values])
    prediction = values[0]
    prediction.label = "prediction"
    gap = max(abs(p - q) for mine, theirs in zip(outputs, by_hand) for p, q in zip(mine, theirs))
    return {"x": x, "model": model, "outputs": outputs, "by_hand": by_hand, "gap": gap,
            "prediction": prediction}


def draw_layers(out: Output, layered: dict[str, Any]) -> None:
    """4_forward_layers.png: the graph of the 2-3-1 network's forward pass, one node per w.h + b."""
    shape = "-".join(str(n) for n in [2, *(len(o) for o in layered["outputs"])])
    render(draw(layered["prediction"], show_grad=False,
                title=f"forward through a {shape} network: each layer z = W h + b, then h = tanh(z); "
                f"prediction {number(layered['prediction'].data, 4)}"),
           out, "4_forward_layers.png",
           f"Forward propagation in a {shape} network on x = {layered['x']}: every hidden neuron is one "
           f"w.h + b node and a tanh; the last layer's z is the prediction "
           f"{number(layered['prediction'].data, 4)} (the same sums with plain floats differ by "
           f"{layered['gap']:.1e}).")


def forward_finding(layered: dict[str, Any]) -> Finding:
    """C09: the network's layer outputs against z = W h + b, h = f(z) computed by hand."""
    rows = "; ".join(f"layer {k + 1}: [{', '.join(number(v, 4) for v in out)}]"
                     for k, out in enumerate(layered["outputs"]))
    return Finding("layers", f"forward through {len(layered['outputs'])} layers on x = {layered['x']}: "
                   f"{rows}; z = W h + b, h = tanh(z) with plain floats gives the same to "
                   f"{layered['gap']:.1e}, and the last layer's output is the prediction",
                   {"gap": layered["gap"], "outputs": layered["outputs"]},
                   claim="C09", verdict="holds" if layered["gap"] < 1e-12 else "contradicted",
                   pictures=("4_forward_layers.png",))


def main(argv: list[str] | None = None) -> int:
    """python -m demos.chain_rule [--out DIR] [--quick] [--no-progress] [--seed N]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
