"""Demo 5: initialisation. The lecture's claims about starting weights, each tested on a real network."""

from __future__ import annotations

import functools
import math
import random
import statistics
import sys
from typing import Any

import nn
from autograd import Value

from ._tour import COLOURS, Finding, Output, announce, divergence, figure, main_for, number

NAME = "initialization"
TITLE = "initialisation: symmetry, vanishing and exploding signals, orthogonal weights"
INTRO = """
Where training starts decides whether it can go anywhere. Zero or constant weights make every hidden
neuron compute the same thing and receive the same gradient, so they stay copies of each other.
Random weights of the wrong scale make the signal grow or shrink layer after layer: normal(0, 1)
explodes through 10 ReLU layers, a tiny std vanishes, He's std sqrt(2/fan_in) keeps it steady.
Orthogonal weights keep a gradient's length exactly through a deep linear network.
"""
FULL: dict[str, Any] = {
    "symmetry": {"n": 100, "hidden": 16, "epochs": 200},
    "spread": {"width": 32, "depth": 10, "samples": 32},
    "training": {"n": 60, "width": 16, "depth": 10, "epochs": 25},
    "orthogonal": {"width": 16, "depth": 20, "samples": 16},
}
QUICK: dict[str, Any] = {
    "symmetry": {"n": 40, "hidden": 8, "epochs": 40},
    "spread": {"width": 16, "depth": 10, "samples": 8},
    "training": {"n": 30, "width": 16, "depth": 10, "epochs": 12},
    "orthogonal": {"width": 8, "depth": 20, "samples": 4},
}
SYMMETRY_INITS = {"zeros": "zeros", "constant 0.5": functools.partial(nn.init.constant, value=0.5),
                  "Xavier (random)": "xavier"}
SPREAD_INITS = {"normal(0, 1)": "normal", "normal(0, 0.01)": functools.partial(nn.init.normal, std=0.01),
                "Xavier": "xavier", "LeCun": "lecun", "He": "he"}
TRAINING_INITS = {"normal(0, 1)": "normal", "Xavier": "xavier", "LeCun": "lecun", "He": "he"}
ORTHOGONAL_INITS = {"orthogonal": "orthogonal", "LeCun: normal, variance 1/n": "lecun", "He: normal, variance 2/n": "he"}
STYLES = {"normal(0, 1)": ("#dc2626", "-", "o"), "normal(0, 0.01)": ("#9333ea", "-", "v"),
          "Xavier": ("#0891b2", "-", "s"), "LeCun": ("#ea580c", "--", "x"), "He": ("#16a34a", "-", "D"),
          "orthogonal": ("#16a34a", "-", "D"), "LeCun: normal, variance 1/n": ("#ea580c", "-", "x"),
          "He: normal, variance 2/n": ("#dc2626", "-", "o")}


def forward_by_layer(model: nn.MLP, x: list[float]) -> list[list[Value]]:
    """Every layer's outputs for input x: model.layers called one after another (what MLP.__call__ does)."""
    outputs: list[list[Value]] = []
    values: Any = x
    for layer in model.layers:
        values = layer(values)
        outputs.append(values)
    return outputs


def random_inputs(count: int, width: int, seed: int) -> list[list[float]]:
    """count input vectors of standard normal numbers (the signal fed into the deep nets)."""
    rng = random.Random(seed)
    return [[rng.gauss(0.0, 1.0) for _ in range(width)] for _ in range(count)]


# --- 1. symmetry: zero and constant init ---


def symmetry(settings: dict[str, Any], progress: bool) -> dict[str, dict[str, Any]]:
    """Train a 2-H-1 tanh MLP from each init; the hidden neurons' (weights, bias) before and after."""
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=0)
    results = {}
    for name, init in SYMMETRY_INITS.items():
        model = nn.MLP(2, [settings["hidden"], 1], activation="tanh", init=init, seed=0)
        before = [[p.data for p in neuron.parameters()] for neuron in model.layers[0].neurons]
        announce(f"2-{settings['hidden']}-1 tanh MLP from {name} init, {settings['epochs']} epochs")
        history = nn.fit(model, X, y, loss="binary_cross_entropy_with_logits", lr=0.1, momentum=0.9, batch_size=20,
                         epochs=settings["epochs"], seed=0, progress=progress)
        after = [[p.data for p in neuron.parameters()] for neuron in model.layers[0].neurons]
        results[name] = {"before": before, "after": after, "history": history}
    return results


def draw_symmetry(out: Output, results: dict[str, dict[str, Any]]) -> None:
    """symmetry.png: each hidden neuron's two weights before and after training, per init."""
    fig, panels = figure(16, 5.2, columns=3)
    for axes, (name, result), colour in zip(panels, results.items(), (COLOURS[1], COLOURS[4], COLOURS[0])):
        before, after = result["before"], result["after"]
        for start, end in zip(before, after):
            axes.annotate("", xy=end[:2], xytext=start[:2], arrowprops={"arrowstyle": "->", "color": "#9ca3af"})
        axes.scatter([w[0] for w in before], [w[1] for w in before], s=150, facecolors="none", edgecolors=colour,
                     lw=1.5, label=f"before training ({len(before)} neurons)", zorder=3)
        axes.scatter([w[0] for w in after], [w[1] for w in after], s=40, color=colour,
                     label=f"after {result['history'].epochs} epochs", zorder=4)
        distinct = len({tuple(w) for w in after})
        if distinct == 1:
            axes.annotate(f"all {len(after)} neurons on this one point", xy=after[0][:2], xytext=(12, -22),
                          textcoords="offset points", fontsize=10, color="#111827")
        axes.set(title=f"{name} init: {distinct} distinct neuron{'s' if distinct > 1 else ''} of {len(after)}\n"
                 f"training accuracy {100 * result['history'].accuracy[-1]:.0f}%",
                 xlabel="weight from input x1", ylabel="weight from input x2")
        axes.legend(loc="upper left", fontsize=8)
        axes.margins(0.25)
    fig.suptitle("Each point is one hidden neuron's two weights: identical at the start means identical forever")
    out.save(fig, "symmetry.png",
             "Symmetry: with zero or constant starting weights all hidden neurons sit on one point and move "
             "together (the point is all 16 neurons on top of each other); random weights start apart and learn "
             "different features.")


# --- 2. signal spread through 10 ReLU layers ---


def spread(settings: dict[str, Any]) -> dict[str, dict[str, list[float]]]:
    """Per hidden layer: the std of the activations and of d loss / d activation, for each init."""
    width, depth = settings["width"], settings["depth"]
    X = random_inputs(settings["samples"], width, seed=1)
    results = {}
    for name, init in SPREAD_INITS.items():
        model = nn.MLP(width, [width] * depth + [1], activation="relu", init=init, seed=0)
        layers = [forward_by_layer(model, x) for x in X]
        loss = nn.losses.mse([outputs[-1][0] for outputs in layers], [1.0] * len(X))
        loss.backward()
        hidden = [[v for outputs in layers for v in outputs[k]] for k in range(depth)]
        results[name] = {"activation": [statistics.pstdev(v.data for v in layer) for layer in hidden],
                         "gradient": [statistics.pstdev(v.grad for v in layer) for layer in hidden]}
    return results


def draw_spread(out: Output, settings: dict[str, Any], results: dict[str, dict[str, list[float]]]) -> None:
    """spread.png: activation and gradient spread per layer, per init."""
    fig, (left, right) = figure(14, 5.2, columns=2)
    layers = range(1, settings["depth"] + 1)
    for name, result in results.items():
        colour, style, marker = STYLES[name]
        left.plot(layers, result["activation"], color=colour, ls=style, marker=marker, label=name)
        right.plot(layers, result["gradient"], color=colour, ls=style, marker=marker, label=name)
    left.set(title="Forward: spread of the activations", ylabel="std of the layer's outputs (log scale)")
    right.set(title="Backward: spread of the gradients", ylabel="std of d loss / d output (log scale)")
    for axes in (left, right):
        axes.set(yscale="log", xlabel="hidden layer (1 = next to the input)", xticks=list(layers))
        axes.legend(title="initialisation", fontsize=9)
    fig.suptitle(f"{settings['depth']} ReLU layers of {settings['width']} neurons, {settings['samples']} random "
                 "inputs: He keeps the signal steady, normal(0, 1) explodes, a small std vanishes "
                 "(Xavier = LeCun here: square layers)")
    out.save(fig, "spread.png",
             "Vanishing and exploding: the spread of activations (left) and gradients (right) layer by layer. "
             "Xavier and LeCun coincide for square layers (2/(n+n) = 1/n) and lose a factor of about 1.4 per "
             "ReLU layer; He's factor 2 restores it.")


# --- 3. training the deep ReLU net ---


def training(settings: dict[str, Any], progress: bool) -> dict[str, Any]:
    """Train a deep ReLU MLP on the moons from each init: its History, or the error that stopped it."""
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=0)
    histories: dict[str, Any] = {}
    for name, init in TRAINING_INITS.items():
        model = nn.MLP(2, [settings["width"]] * settings["depth"] + [1], activation="relu", init=init, seed=1)
        announce(f"{settings['depth']} ReLU layers of {settings['width']} from {name} init")
        try:
            histories[name] = nn.fit(model, X, y, loss="binary_cross_entropy_with_logits", lr=0.03, batch_size=10,
                                     epochs=settings["epochs"], seed=0, progress=progress)
        except FloatingPointError as error:  # nn.fit's way of saying the loss became nan or inf
            histories[name] = error
    return histories


def draw_training(out: Output, settings: dict[str, Any], histories: dict[str, Any]) -> None:
    """training.png: the deep ReLU net's loss per epoch, per init."""
    fig, axes = figure(10, 6)
    for name, history in histories.items():
        colour, style, marker = STYLES[name]
        if not isinstance(history, nn.History):
            axes.plot([], [], color=colour, ls=style, marker=marker, label=f"{name}: diverged, {divergence(history)}")
            continue
        axes.plot(range(1, history.epochs + 1), history.loss, color=colour, ls=style, marker=marker, ms=4,
                  label=f"{name}: {100 * history.accuracy[-1]:.0f}% right at the end")
    axes.axhline(math.log(2), color="#6b7280", ls=":", label="ln 2 = 0.693: a constant guess of 1/2")
    top = 1.0
    for name, history in histories.items():  # a blown-up epoch would flatten every other curve: clip, and say so
        high = [(epoch, loss) for epoch, loss in enumerate(history.loss if isinstance(history, nn.History) else [], 1) if loss > top]
        if high:
            epoch, loss = high[0]
            axes.annotate(f"{name}, epoch {epoch}: loss {number(loss)} (off the scale)", xy=(epoch, top),
                          xytext=(30, -30), textcoords="offset points", color=STYLES[name][0],
                          arrowprops={"arrowstyle": "->", "color": STYLES[name][0]})
    axes.set_ylim(0, top)
    axes.set(title=f"Training {settings['depth']} ReLU layers of {settings['width']} on the moons: "
             "the start decides", xlabel="epoch", ylabel="binary cross-entropy (mean over the epoch)")
    fig.legend(title="initialisation", fontsize=9, loc="outside lower center", ncols=3)
    out.save(fig, "training.png",
             "Loss curves of the same deep ReLU network from four starts: He learns first; Xavier and LeCun start "
             "with a shrunken signal and barely move; normal(0, 1) blows up at once (its loss is off the scale or nan).")


# --- 4. orthogonal weights through a deep linear network ---


def orthogonal(settings: dict[str, Any]) -> dict[str, list[float]]:
    """Per layer of a deep linear MLP: the length of d loss / d output (root mean square over the samples)."""
    width, depth = settings["width"], settings["depth"]
    X = random_inputs(settings["samples"], width, seed=2)
    results = {}
    for name, init in ORTHOGONAL_INITS.items():
        model = nn.MLP(width, [width] * depth, activation="linear", init=init, seed=0)
        layers = [forward_by_layer(model, x) for x in X]
        loss = nn.losses.mse([outputs[-1] for outputs in layers], [[1.0] * width] * len(X))
        loss.backward()
        results[name] = [math.sqrt(sum(v.grad**2 for outputs in layers for v in outputs[k]) / len(X))
                         for k in range(depth)]
    return results


def draw_orthogonal(out: Output, settings: dict[str, Any], results: dict[str, list[float]]) -> None:
    """orthogonal.png: the gradient's length per layer of a deep linear net, per init."""
    fig, axes = figure(10, 5.2)
    layers = range(1, settings["depth"] + 1)
    for name, norms in results.items():
        colour, style, marker = STYLES[name]
        axes.plot(layers, norms, color=colour, ls=style, marker=marker,
                  label=f"{name}: largest / smallest = {number(max(norms) / min(norms))}")
    axes.set(yscale="log", xticks=list(layers), xlabel="layer (1 = next to the input)",
             ylabel="length of d loss / d layer output (log scale)",
             title=f"{settings['depth']} linear layers of {settings['width']}: orthogonal weights keep the gradient's length")
    axes.legend(title="initialisation", fontsize=9)
    out.save(fig, "orthogonal.png",
             "Orthogonal initialisation: an orthogonal matrix keeps every vector's length, so the gradient arrives "
             "at layer 1 as long as it left the output; Gaussian weights of the same variance drift, He's grow.")


# --- the demo ---


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """All four experiments; their pictures; their findings."""
    symmetric = symmetry(settings["symmetry"], progress)
    spreads = spread(settings["spread"])
    histories = training(settings["training"], progress)
    norms = orthogonal(settings["orthogonal"])
    draw_symmetry(out, symmetric)
    draw_spread(out, settings["spread"], spreads)
    draw_training(out, settings["training"], histories)
    draw_orthogonal(out, settings["orthogonal"], norms)
    return [*symmetry_findings(symmetric), *spread_findings(settings["spread"], spreads),
            *training_findings(histories), *orthogonal_findings(settings["orthogonal"], norms)]


def symmetry_findings(results: dict[str, dict[str, Any]]) -> list[Finding]:
    """One line per init: how many distinct hidden neurons training left."""
    rows = []
    for name, result in results.items():
        before, after = result["before"], result["after"]
        distinct = len({tuple(w) for w in after})
        moved = max(math.dist(b, a) for b, a in zip(before, after))
        epochs, accuracy = result["history"].epochs, result["history"].accuracy[-1]
        rows.append(Finding(f"symmetry_{name.split()[0].lower()}",
                            f"{name} init: {len(after)} hidden neurons, {distinct} distinct weight "
                            f"vector{'s' if distinct > 1 else ''} after {epochs} epochs ("
                            + (f"each moved up to {number(moved)}" if moved else "none moved at all")
                            + f"; training accuracy {100 * accuracy:.0f}%)",
                            {"neurons": len(after), "distinct": distinct, "moved": moved, "accuracy": accuracy}))
    return rows


def spread_findings(settings: dict[str, Any], results: dict[str, dict[str, list[float]]]) -> list[Finding]:
    """One line per init: how the activation and gradient spread change through the layers."""
    depth = settings["depth"]
    rows = []
    for name, result in results.items():
        act, grad = result["activation"], result["gradient"]
        per_layer = (act[-1] / act[0]) ** (1 / (depth - 1))
        rows.append(Finding(f"spread_{name}",
                            f"{name}: activation std {number(act[0])} at layer 1 -> {number(act[-1])} at layer {depth} "
                            f"(x{number(per_layer)} per layer); the gradient at layer 1 is {number(grad[0] / grad[-1])} "
                            f"times the one at layer {depth}",
                            {"first": act[0], "last": act[-1], "per_layer": per_layer, "ratio": act[-1] / act[0],
                             "gradient_ratio": grad[0] / grad[-1]}))
    return rows


def training_findings(histories: dict[str, Any]) -> list[Finding]:
    """The deep net's final losses; how normal(0, 1) failed."""
    trained = {name: h for name, h in histories.items() if isinstance(h, nn.History)}
    failed = {name: error for name, error in histories.items() if name not in trained}
    epochs = max(h.epochs for h in trained.values())
    rows = [
        Finding("training", f"deep ReLU net on the moons, loss after {epochs} epochs: "
                + ", ".join(f"{name} {number(h.loss[-1])}" for name, h in trained.items()),
                {name: h.loss[-1] for name, h in trained.items()}),
    ]
    if "normal(0, 1)" in trained:
        blown = trained["normal(0, 1)"]
        rows.append(Finding("training_normal(0, 1)", f"normal(0, 1): mean loss {number(blown.loss[0])} in epoch 1, "
                            f"{number(blown.loss[-1])} at the end (ln 2 = {number(math.log(2))} is a constant guess)",
                            {"diverged": False, "first": blown.loss[0], "last": blown.loss[-1]}))
    for name, error in failed.items():
        rows.append(Finding(f"training_{name}", f"{name}: training diverged at once, {divergence(error)} "
                            "(nn.fit raised FloatingPointError)", {"diverged": True, "message": str(error)}))
    return rows


def orthogonal_findings(settings: dict[str, Any], results: dict[str, list[float]]) -> list[Finding]:
    """How much the gradient's length varies through the layers, per init."""
    ratios = {name: max(norms) / min(norms) for name, norms in results.items()}
    return [Finding("orthogonal", f"through {settings['depth']} linear layers the gradient's length varies by a factor "
                    + ", ".join(f"{number(ratio, 4)} ({name.split(':')[0]})" for name, ratio in ratios.items()),
                    {name.split(":")[0]: ratio for name, ratio in ratios.items()})]


def main(argv: list[str] | None = None) -> int:
    """python -m demos.initialization [--out DIR] [--quick] [--no-progress]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
