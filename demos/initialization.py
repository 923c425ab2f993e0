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
TITLE = "initialisation: symmetry, uniform or normal, Xavier and He per activation, orthogonal weights"
INTRO = """
Where training starts decides whether it can go anywhere. Zero or constant weights make every hidden
neuron compute the same thing and receive the same gradient, so they stay copies of each other.
Random weights of the wrong scale make the signal grow or shrink layer after layer; which scale is
right depends on the activation: Xavier (variance 1/n) with tanh and sigmoid, He (2/n) with ReLU, each
measured here through 10 layers, forward and backward, with a normal and a uniform draw of the same
variance. Orthogonal weights keep a gradient's length exactly through a deep linear network.
"""
FULL: dict[str, Any] = {
    "symmetry": {"n": 60, "hidden": 12, "epochs": 80},
    "spread": {"width": 24, "depth": 10, "samples": 12},
    "training": {"n": 40, "width": 10, "depth": 8, "epochs": 25},
    "orthogonal": {"width": 16, "depth": 20, "samples": 16},
}
QUICK: dict[str, Any] = {
    "symmetry": {"n": 40, "hidden": 8, "epochs": 40},
    "spread": {"width": 16, "depth": 10, "samples": 8},
    "training": {"n": 30, "width": 10, "depth": 8, "epochs": 12},
    "orthogonal": {"width": 8, "depth": 20, "samples": 4},
}
SYMMETRY_INITS = {"zeros": "zeros", "constant 0.5": functools.partial(nn.init.constant, value=0.5),
                  "random normal": "xavier"}
SPREAD_ACTIVATIONS = ("tanh", "sigmoid", "relu", "leaky_relu")
SPREAD_INITS = {"normal(0, 1)": "normal", "Xavier (normal)": "xavier", "Xavier (uniform)": "xavier_uniform",
                "He (normal)": "he"}
TRAINING_INITS = {"normal(0, 1)": "normal", "Xavier (normal)": "xavier", "He (normal)": "he"}
ORTHOGONAL_INITS = {"orthogonal": "orthogonal", "LeCun: normal, variance 1/n": "lecun",
                    "He: normal, variance 2/n": "he"}
STYLES = {"normal(0, 1)": ("#dc2626", "-", "o"), "Xavier (normal)": ("#0891b2", "-", "s"),
          "Xavier (uniform)": ("#ea580c", "--", "x"), "He (normal)": ("#16a34a", "-", "D"),
          "orthogonal": ("#16a34a", "-", "D"), "LeCun: normal, variance 1/n": ("#ea580c", "-", "x"),
          "He: normal, variance 2/n": ("#dc2626", "-", "o")}
# A signal "keeps" its size when it changes by less than this factor per layer (a factor 1.25 per layer is
# 7.5x over 9 layers; the failures measured here are 0.7 per layer or worse, 0.25 per layer for sigmoid).
KEEP = 1.25
MILD = 0.7  # a factor above this per layer shrinks the signal only mildly (0.7^9 = 1/25 over 10 layers)
VANISH = 0.85  # a gradient factor below this vanishes (0.85^9 = 1/4 over 10 layers, and on it goes)


def keeps(per_layer: float) -> bool:
    """Whether a per-layer factor of the spread counts as kept: 1/KEEP <= factor <= KEEP."""
    return 1 / KEEP <= per_layer <= KEEP


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


def symmetry(settings: dict[str, Any], progress: bool, seed: int) -> dict[str, dict[str, Any]]:
    """Train a 2-H-1 tanh MLP from each init; the hidden neurons' (weights, bias) before and after."""
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=seed)
    results = {}
    for name, init in SYMMETRY_INITS.items():
        model = nn.MLP(2, [settings["hidden"], 1], activation="tanh", init=init, seed=seed)
        before = [[p.data for p in neuron.parameters()] for neuron in model.layers[0].neurons]
        announce(f"2-{settings['hidden']}-1 tanh MLP from {name} init, {settings['epochs']} epochs")
        history = nn.fit(model, X, y, loss="binary_cross_entropy_with_logits", lr=0.1, momentum=0.9,
                         batch_size=20, epochs=settings["epochs"], seed=seed, progress=progress)
        after = [[p.data for p in neuron.parameters()] for neuron in model.layers[0].neurons]
        results[name] = {"before": before, "after": after, "history": history}
    return results


def draw_symmetry(out: Output, results: dict[str, dict[str, Any]]) -> None:
    """symmetry.png: each hidden neuron's two weights before and after training, per init."""
    fig, panels = figure(16, 5.2, columns=3)
    for axes, (name, result), colour in zip(panels, results.items(), (COLOURS[1], COLOURS[4], COLOURS[0])):
        before, after = result["before"], result["after"]
        for start, end in zip(before, after):
            axes.annotate("", xy=end[:2], xytext=start[:2],
                          arrowprops={"arrowstyle": "->", "color": "#9ca3af"})
        axes.scatter([w[0] for w in before], [w[1] for w in before], s=150, facecolors="none",
                     edgecolors=colour, lw=1.5, label=f"before training ({len(before)} neurons)", zorder=3)
        axes.scatter([w[0] for w in after], [w[1] for w in after], s=40, color=colour,
                     label=f"after {result['history'].epochs} epochs", zorder=4)
        distinct = len({tuple(w) for w in after})
        if distinct == 1:
            axes.annotate(f"all {len(after)} neurons on this one point", xy=after[0][:2], xytext=(12, -22),
                          textcoords="offset points", fontsize=10, color="#111827")
        axes.set(title=f"{name} init: {distinct} distinct "
                 f"neuron{'s' if distinct > 1 else ''} of {len(after)}\n"
                 f"training accuracy {100 * result['history'].accuracy[-1]:.0f}%",
                 xlabel="weight from input x1", ylabel="weight from input x2")
        axes.legend(loc="upper left", fontsize=8)
        axes.margins(0.25)
    counts = [len({tuple(w) for w in result["after"]}) for result in results.values()]
    fig.suptitle("Each point is one hidden neuron's two weights; distinct neurons after training: "
                 + ", ".join(f"{name} {count}" for name, count in zip(results, counts)))
    neurons = len(next(iter(results.values()))["after"])
    out.save(fig, "symmetry.png",
             "Symmetry: the hidden neurons' weights before (rings) and after (dots) training; distinct "
             "neurons at the end, of " + str(neurons) + ": "
             + ", ".join(f"{name} {count}" for name, count in zip(results, counts))
             + ". Identical neurons get identical gradients, so they stay one point.")


# --- 2. signal spread through 10 layers, per activation and init ---


def spread_one(settings: dict[str, Any], activation: str, init: Any, seed: int) -> dict[str, list[float]]:
    """Per hidden layer of one deep net: the std of the activations and of d loss / d activation."""
    width, depth = settings["width"], settings["depth"]
    X = random_inputs(settings["samples"], width, seed=seed + 1)
    model = nn.MLP(width, [width] * depth + [1], activation=activation, init=init, seed=seed)
    layers = [forward_by_layer(model, x) for x in X]
    loss = nn.losses.mse([outputs[-1][0] for outputs in layers], [1.0] * len(X))
    loss.backward()
    hidden = [[v for outputs in layers for v in outputs[k]] for k in range(depth)]
    return {"activation": [statistics.pstdev(v.data for v in layer) for layer in hidden],
            "gradient": [statistics.pstdev(v.grad for v in layer) for layer in hidden]}


def spread(settings: dict[str, Any], seed: int) -> dict[str, dict[str, dict[str, list[float]]]]:
    """spread_one for every activation and init, each net its own random draw (seeds apart)."""
    results: dict[str, dict[str, dict[str, list[float]]]] = {}
    for a, activation in enumerate(SPREAD_ACTIVATIONS):
        results[activation] = {name: spread_one(settings, activation, init, seed=100 * seed + 10 * a + k)
                               for k, (name, init) in enumerate(SPREAD_INITS.items())}
    return results


def factors(result: dict[str, list[float]]) -> tuple[float, float]:
    """The spread's mean factor per layer, forward (layer 1 to the last) and backward (the last to
    layer 1)."""
    act, grad = result["activation"], result["gradient"]
    steps = len(act) - 1
    return (act[-1] / act[0]) ** (1 / steps), (grad[0] / grad[-1]) ** (1 / steps)


def draw_spread(out: Output, settings: dict[str, Any],
                results: dict[str, dict[str, dict[str, list[float]]]]) -> None:
    """spread.png: activation (top) and gradient (bottom) spread per layer, one column per activation."""
    fig, panels = figure(19, 8, columns=len(results), rows=2)
    layers = range(1, settings["depth"] + 1)
    for column, (activation, by_init) in enumerate(results.items()):
        top, bottom = panels[0][column], panels[1][column]
        for name, result in by_init.items():
            colour, style, marker = STYLES[name]
            forward, backward = factors(result)
            top.plot(layers, result["activation"], color=colour, ls=style, marker=marker, ms=4,
                     label=f"{name}: x{number(forward, 2)}/layer")
            bottom.plot(layers, result["gradient"], color=colour, ls=style, marker=marker, ms=4,
                        label=f"{name}: x{number(backward, 2)}/layer")
        top.set(title=f"{activation}: forward, std of the activations", ylabel="std of the layer's outputs")
        bottom.set(title=f"{activation}: backward, std of the gradients", ylabel="std of d loss / d output")
        for axes in (top, bottom):
            axes.set(yscale="log", xlabel="hidden layer (1 = next to the input)", xticks=list(layers))
            axes.legend(fontsize=7, title="per layer, towards the far end", title_fontsize=7)
    fig.suptitle(f"{settings['depth']} layers of {settings['width']} neurons, {settings['samples']} "
                 f"random inputs, every net its own draw: kept within x{KEEP:g} per layer by "
                 + "; ".join(f"{a}: " + (", ".join(n for n, r in by.items()
                                                   if all(map(keeps, factors(r)))) or "none")
                             for a, by in results.items()))
    out.save(fig, "spread.png",
             "Vanishing and exploding, per activation (columns): the spread of activations (top) and "
             "gradients (bottom) layer by layer for four starting draws; the legend gives each curve's "
             "factor per layer. Xavier here is variance 2/(n+n) = 1/n (square layers).")


# --- 3. training the deep ReLU net ---


def training(settings: dict[str, Any], progress: bool, seed: int) -> dict[str, Any]:
    """Train a deep ReLU MLP on the moons from each init: its History, or the error that stopped it."""
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=seed)
    histories: dict[str, Any] = {}
    for name, init in TRAINING_INITS.items():
        model = nn.MLP(2, [settings["width"]] * settings["depth"] + [1], activation="relu", init=init,
                       seed=seed + 1)
        announce(f"{settings['depth']} ReLU layers of {settings['width']} from {name} init")
        try:
            histories[name] = nn.fit(model, X, y, loss="binary_cross_entropy_with_logits", lr=0.05,
                                     batch_size=10, epochs=settings["epochs"], seed=seed, progress=progress)
        except FloatingPointError as error:  # nn.fit's way of saying the loss became nan or inf
            histories[name] = error
    return histories


def draw_training(out: Output, settings: dict[str, Any], histories: dict[str, Any]) -> None:
    """training.png: the deep ReLU net's loss per epoch, per init."""
    fig, axes = figure(10, 6)
    for name, history in histories.items():
        colour, style, marker = STYLES[name]
        if not isinstance(history, nn.History):
            axes.plot([], [], color=colour, ls=style, marker=marker,
                      label=f"{name}: diverged, {divergence(history)}")
            continue
        axes.plot(range(1, history.epochs + 1), history.loss, color=colour, ls=style, marker=marker,
                  ms=4, label=f"{name}: loss {number(history.loss[-1])}, "
                  f"{100 * history.accuracy[-1]:.0f}% right at the end")
    axes.axhline(math.log(2), color="#6b7280", ls=":", label="ln 2 = 0.693: a constant guess of 1/2")
    top = 1.0
    # a blown-up epoch would flatten every other curve: clip, and say so
    for name, history in histories.items():
        losses = history.loss if isinstance(history, nn.History) else []
        high = [(epoch, loss) for epoch, loss in enumerate(losses, 1) if loss > top]
        if high:
            epoch, loss = high[0]
            axes.annotate(f"{name}, epoch {epoch}: loss {number(loss)} (off the scale)", xy=(epoch, top),
                          xytext=(30, -30), textcoords="offset points", color=STYLES[name][0],
                          arrowprops={"arrowstyle": "->", "color": STYLES[name][0]})
    axes.set_ylim(0, top)
    trained = {name: h.loss[-1] for name, h in histories.items() if isinstance(h, nn.History)}
    best = min(trained, key=trained.__getitem__)
    axes.set(title=f"Training {settings['depth']} ReLU layers of {settings['width']} on the moons: "
             f"{best} ends lowest", xlabel="epoch", ylabel="binary cross-entropy (mean over the epoch)")
    fig.legend(title="initialisation", fontsize=9, loc="outside lower center", ncols=2)
    out.save(fig, "training.png",
             f"Loss curves of the same deep ReLU network from {len(histories)} starts; final loss "
             + ", ".join(f"{name} {number(loss)}" for name, loss in trained.items())
             + (f"; diverged: {', '.join(n for n in histories if n not in trained)}"
                if len(trained) < len(histories) else "") + ".")


# --- 4. orthogonal weights through a deep linear network ---


def orthogonal(settings: dict[str, Any], seed: int) -> dict[str, list[float]]:
    """Per layer of a deep linear MLP: the length of d loss / d output (root mean square over the samples)."""
    width, depth = settings["width"], settings["depth"]
    X = random_inputs(settings["samples"], width, seed=seed + 2)
    results = {}
    for k, (name, init) in enumerate(ORTHOGONAL_INITS.items()):
        model = nn.MLP(width, [width] * depth, activation="linear", init=init, seed=10 * seed + k)
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
    ratios = {name: max(norms) / min(norms) for name, norms in results.items()}
    for name, norms in results.items():
        colour, style, marker = STYLES[name]
        axes.plot(layers, norms, color=colour, ls=style, marker=marker,
                  label=f"{name}: largest / smallest = {number(ratios[name])}")
    steadiest = min(ratios, key=ratios.__getitem__)
    axes.set(yscale="log", xticks=list(layers), xlabel="layer (1 = next to the input)",
             ylabel="length of d loss / d layer output (log scale)",
             title=f"{settings['depth']} linear layers of {settings['width']}: the gradient's length varies "
             f"least with {steadiest.split(':')[0]} (x{number(ratios[steadiest], 4)})")
    axes.legend(title="initialisation", fontsize=9)
    out.save(fig, "orthogonal.png",
             "Orthogonal initialisation in a deep linear network: the length of the gradient at each "
             "layer; it varies by a factor "
             + ", ".join(f"{number(r, 4)} ({n.split(':')[0]})" for n, r in ratios.items())
             + " from the output back to layer 1.")


# --- the demo ---


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """All four experiments; their pictures; their findings."""
    seed = settings.get("seed", 0)
    symmetric = symmetry(settings["symmetry"], progress, seed)
    spreads = spread(settings["spread"], seed)
    histories = training(settings["training"], progress, seed)
    norms = orthogonal(settings["orthogonal"], seed)
    draw_symmetry(out, symmetric)
    draw_spread(out, settings["spread"], spreads)
    draw_training(out, settings["training"], histories)
    draw_orthogonal(out, settings["orthogonal"], norms)
    return [*symmetry_findings(symmetric), *spread_findings(settings["spread"], spreads, seed),
            training_finding(histories, spreads), orthogonal_finding(settings["orthogonal"], norms)]


def symmetry_findings(results: dict[str, dict[str, Any]]) -> list[Finding]:
    """C01, C02, C04: how many distinct hidden neurons training left, per init, and how well it learned."""
    measured = {}
    for name, result in results.items():
        before, after = result["before"], result["after"]
        measured[name] = {"neurons": len(after), "distinct": len({tuple(w) for w in after}),
                          "moved": max(math.dist(b, a) for b, a in zip(before, after)),
                          "accuracy": result["history"].accuracy[-1], "epochs": result["history"].epochs}
    zeros, constant, random_ = measured.values()
    verdicts = {"zeros": "holds" if zeros["distinct"] == 1 and zeros["accuracy"] < random_["accuracy"] - 0.05
                else "nuanced" if zeros["distinct"] == 1 else "contradicted",
                "constant": "holds" if constant["distinct"] == 1 else "contradicted",
                "normal": "holds" if random_["distinct"] == random_["neurons"] > 1 else "contradicted"}
    claims = {"zeros": "C01", "constant": "C02", "normal": "C04"}
    rows = []
    for (name, m), key in zip(measured.items(), verdicts):
        rows.append(Finding(f"symmetry_{key}",
                            f"{name} init: {m['neurons']} hidden neurons, {m['distinct']} distinct weight "
                            f"vector{'s' if m['distinct'] > 1 else ''} after {m['epochs']} epochs ("
                            + (f"each moved up to {number(m['moved'])}" if m["moved"]
                               else "none moved at all")
                            + f"; training accuracy {100 * m['accuracy']:.0f}%)", m,
                            claim=claims[key], verdict=verdicts[key], pictures=("symmetry.png",)))
    return rows


def spread_findings(settings: dict[str, Any], results: dict[str, dict[str, dict[str, list[float]]]],
                    seed: int) -> list[Finding]:
    """The factor per layer of every net; then C03 (uniform beside normal), C05 (Xavier), C06 (He)."""
    measured = {activation: {name: factors(result) for name, result in by_init.items()}
                for activation, by_init in results.items()}
    rows = [Finding(f"spread_{activation}", f"{activation}, {settings['depth']} layers, factor per layer "
                    "forward / backward: "
                    + ", ".join(f"{name} {number(f, 2)} / {number(b, 2)}" for name, (f, b) in by.items()),
                    {name: {"forward": f, "backward": b} for name, (f, b) in by.items()})
                    for activation, by in measured.items()]
    return [*rows, uniform_finding(measured, seed), xavier_finding(measured), he_finding(measured)]


def draws(seed: int, size: int = 200) -> dict[str, list[float]]:
    """A size x size layer's weights from xavier_uniform and from xavier_normal (the same variance,
    1/size)."""
    return {name: [w for row in nn.init.get(init)(size, size, random.Random(seed + k)) for w in row]
            for k, (name, init) in enumerate((("uniform", "xavier_uniform"), ("normal", "xavier")))}


def uniform_finding(measured: dict[str, dict[str, tuple[float, float]]], seed: int) -> Finding:
    """C03: a uniform draw of Xavier's variance beside a normal one, as weights and through the deep nets."""
    weights = draws(seed)
    size = math.isqrt(len(weights["uniform"]))
    limit = math.sqrt(3 / size)  # uniform(-l, l) has variance l^2 / 3 = 1 / size
    # in units of 1/size
    variance = {name: statistics.pvariance(w, 0.0) * size for name, w in weights.items()}
    beyond = sum(abs(w) > limit for w in weights["normal"]) / len(weights["normal"])
    uniform_ok = max(map(abs, weights["uniform"])) <= limit and abs(variance["uniform"] - 1) < 0.05
    gap = max(abs(math.log(u / n)) for by in measured.values()
              for u, n in zip(by["Xavier (uniform)"], by["Xavier (normal)"]))
    return Finding("uniform", f"xavier_uniform draws {size * size} weights inside +-sqrt(3/n) = "
                   f"+-{number(limit)} with variance {number(variance['uniform'])}/n; "
                   f"xavier_normal has variance {number(variance['normal'])}/n and {100 * beyond:.0f}% "
                   "of its weights beyond that limit. Through the 10-layer nets the two give per-layer "
                   f"factors at most {100 * (math.exp(gap) - 1):.0f}% apart (one draw each): the variance "
                   "matters, not the shape. 'Less commonly used' is a claim about practice that no run "
                   "can measure; PyTorch's own default for nn.Linear is a uniform draw "
                   "(its documentation: U(-1/sqrt(n), 1/sqrt(n)))",
                   {"variance": variance, "beyond": beyond, "gap": gap, "uniform_ok": uniform_ok},
                   claim="C03", verdict="nuanced" if uniform_ok else "contradicted", pictures=("spread.png",))


def xavier_finding(measured: dict[str, dict[str, tuple[float, float]]]) -> Finding:
    """C05: Xavier in tanh and sigmoid nets: activations and gradients, beside He's 2/n in the tanh net."""
    forward = {a: measured[a]["Xavier (normal)"][0] for a in ("tanh", "sigmoid")}
    backward = {a: measured[a]["Xavier (normal)"][1] for a in ("tanh", "sigmoid")}
    mild = [a for a in forward if forward[a] >= MILD and backward[a] >= MILD]
    kept = [a for a in forward if keeps(forward[a]) and keeps(backward[a])]
    verdict = "holds" if len(kept) == 2 else "nuanced" if mild else "contradicted"
    collapsed = [a for a in backward if a not in mild]
    he_tanh = measured["tanh"]["He (normal)"][1]
    return Finding("xavier", "Xavier (the lecture's variance 1/n; Glorot's 2/(n_in + n_out) is the same for "
                   "these square layers) through 10 layers, factor per layer: activations "
                   + ", ".join(f"{a} x{number(f, 2)}" for a, f in forward.items()) + "; gradients "
                   + ", ".join(f"{a} x{number(b, 2)}" for a, b in backward.items())
                   + (". The sigmoid net's gradient collapses (sigmoid's slope is at most 1/4): Xavier suits "
                      "tanh, not a deep sigmoid net" if "sigmoid" in collapsed else "")
                   + ("; even with tanh the signal shrinks a little per layer "
                      f"(He's 2/n gives tanh x{number(he_tanh, 2)})"
                      if "tanh" in mild and "tanh" not in kept else ""),
                   {"forward": forward, "backward": backward, "mild": mild, "kept": kept},
                   claim="C05", verdict=verdict, pictures=("spread.png",))


def he_finding(measured: dict[str, dict[str, tuple[float, float]]]) -> Finding:
    """C06: He keeps ReLU and leaky ReLU nets' activations and gradients, where Xavier's vanish."""
    relus = ("relu", "leaky_relu")
    he = {a: measured[a]["He (normal)"] for a in relus}
    xavier = {a: measured[a]["Xavier (normal)"] for a in relus}
    held = [a for a in relus if all(map(keeps, he[a]))]
    vanished = [a for a in relus if xavier[a][1] < VANISH]
    verdict = "holds" if len(held) == 2 and len(vanished) == 2 else "nuanced" if held else "contradicted"
    return Finding("he", "He (variance 2/n), factor per layer forward / backward: "
                   + ", ".join(f"{a} {number(f, 2)} / {number(b, 2)}" for a, (f, b) in he.items())
                   + f" (kept with {len(held)} of 2); Xavier's gradient "
                   + ", ".join(f"{a} x{number(b, 2)}" for a, (_, b) in xavier.items())
                   + " per layer: it vanishes",
                   {"he": he, "xavier": xavier, "held": held, "vanished": vanished},
                   claim="C06", verdict=verdict, pictures=("spread.png",))


def training_finding(histories: dict[str, Any],
                     spreads: dict[str, dict[str, dict[str, list[float]]]]) -> Finding:
    """C08: the deep ReLU net's final losses per init, beside the spread of its signal."""
    losses = {name: h.loss[-1] if isinstance(h, nn.History) else math.inf for name, h in histories.items()}
    he = losses["He (normal)"]
    relu = {name: factors(spreads["relu"][name]) for name in TRAINING_INITS}
    faster = [name for name, loss in losses.items() if name != "He (normal)" and he < loss - 0.02]
    gradients_ok = all(map(keeps, relu["He (normal)"])) and not any(all(map(keeps, relu[n])) for n in faster)
    verdict = ("holds" if len(faster) == len(losses) - 1 and gradients_ok
               else "nuanced" if faster else "contradicted")
    epochs = max(len(h.loss) if isinstance(h, nn.History) else 0 for h in histories.values())
    return Finding("training", f"deep ReLU net on the moons, loss after {epochs} epochs: "
                   + ", ".join(f"{name} {number(loss) if loss < math.inf else 'diverged'}"
                               for name, loss in losses.items())
                   + "; in the ReLU spread the gradient per layer is "
                   + ", ".join(f"{name} x{number(b, 2)}" for name, (_, b) in relu.items())
                   + (": the start whose gradient neither vanishes nor explodes trains first"
                      if verdict == "holds"
                      else f": He is ahead of only {', '.join(faster) or 'none'}"),
                   {"losses": losses, "faster_than": faster, "gradients_ok": gradients_ok},
                   claim="C08", verdict=verdict, pictures=("training.png", "spread.png"))


def orthogonal_finding(settings: dict[str, Any], results: dict[str, list[float]]) -> Finding:
    """C07: how much the gradient's length varies through the layers, per init."""
    ratios = {name.split(":")[0]: max(norms) / min(norms) for name, norms in results.items()}
    others = min(ratio for name, ratio in ratios.items() if name != "orthogonal")
    verdict = "holds" if ratios["orthogonal"] < 1.01 < others else "contradicted"
    return Finding("orthogonal", f"through {settings['depth']} linear layers the gradient's length varies "
                   "by a factor "
                   + ", ".join(f"{number(ratio, 4)} ({name})" for name, ratio in ratios.items())
                   + " (exactly kept in a linear net; a nonlinearity between the layers breaks "
                   "the exactness)",
                   ratios, claim="C07", verdict=verdict, pictures=("orthogonal.png",))


def main(argv: list[str] | None = None) -> int:
    """python -m demos.initialization [--out DIR] [--quick] [--no-progress] [--seed N]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
