"""Demo 4: the learning rate. Gradient descent on a 1-D loss curve with a too-small, a good and a
too-large step."""

from __future__ import annotations

import math
import sys
import textwrap
from typing import Any

import nn
from autograd import Value, grad

from ._tour import COLOURS, Finding, Output, announce, divergence, figure, main_for, number

NAME = "learning_rate"
TITLE = "the learning rate: too small crawls, too large diverges"
INTRO = """
Gradient descent steps w <- w - lr * dL/dw. On the curve L(w) = (w - 2)^2, starting at w = -1, a tiny lr
crawls, a good one lands near the minimum in a few steps, and one above 2 / L''(w) overshoots by more
each step and diverges. Look at the paths drawn on the curve, at the final loss against lr, and at the
same three regimes when training a network.
"""
FULL: dict[str, Any] = {"steps": 12, "rates": (0.05, 0.4, 1.05), "sweep": 60,
                        "network_rates": (0.002, 0.02, 0.5), "epochs": 30, "n": 100}
QUICK: dict[str, Any] = {"steps": 12, "rates": (0.05, 0.4, 1.05), "sweep": 20,
                         "network_rates": (0.002, 0.02, 0.5), "epochs": 8, "n": 100}
MINIMUM, START = 2.0, -1.0


def loss(w: Value) -> Value:
    """The 1-D loss curve L(w) = (w - 2)^2, minimum 0 at w = 2."""
    return (w - MINIMUM) ** 2


def descend(lr: float, steps: int) -> list[float]:
    """Gradient descent from START with nn.optim.SGD: the positions w_0, w_1, ..., w_steps."""
    w = Value(START, label="w")
    optimiser = nn.SGD([w], lr=lr)
    path = [w.data]
    for _ in range(steps):
        optimiser.zero_grad()
        loss(w).backward()
        optimiser.step()
        path.append(w.data)
    return path


def curvature(at: float) -> float:
    """L''(w) from the engine: the gradient of the gradient (create_graph=True)."""
    w = Value(at, label="w")
    (slope,) = grad(loss(w), [w], create_graph=True)
    (second,) = grad(slope, [w])
    return second


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Descend the curve with three learning rates and a sweep; train an MLP with three; draw; find."""
    paths = {lr: descend(lr, settings["steps"]) for lr in settings["rates"]}
    low, high = math.log10(0.01), math.log10(1.3)
    sweep = [10 ** (low + (high - low) * i / (settings["sweep"] - 1)) for i in range(settings["sweep"])]
    sweep = sorted({*sweep, 1 / curvature(START)})  # and lr = 1 / L'' itself
    finals = [(descend(lr, settings["steps"])[-1] - MINIMUM) ** 2 for lr in sweep]
    limit = 2 / curvature(START)
    network = train_network(settings, progress)
    draw_paths(out, settings, paths)
    draw_sweep(out, settings, paths, sweep, finals, limit, network)
    return findings(settings, paths, sweep, finals, limit, network)


def regime(path: list[float]) -> str:
    """What a path on the curve did, from its positions: diverged, overshot, landed or crawled."""
    distances = [abs(w - MINIMUM) for w in path]
    crossings = sum((a - MINIMUM) * (b - MINIMUM) < 0 for a, b in zip(path, path[1:]))
    if distances[-1] > distances[0]:
        return f"too large: crossed the minimum {crossings} times, further out each time (diverges)"
    reached = next((k for k, d in enumerate(distances) if d < 1e-3), None)
    if reached is not None:
        return f"good: within 0.001 of the minimum after {reached} steps"
    if crossings:
        return f"overshoots: crossed the minimum {crossings} times, still converging"
    return f"too small: never crossed, still {number(distances[-1])} short"


def train_network(settings: dict[str, Any], progress: bool) -> dict[float, Any]:
    """An MLP on the moons (MSE, full batch) with each network lr: its History, or the error that
    stopped it."""
    seed = settings.get("seed", 0)
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=seed)
    results: dict[float, Any] = {}
    for lr in settings["network_rates"]:
        model = nn.MLP(2, [16, 16, 1], seed=seed)
        announce(f"MLP on the moons with lr = {lr:g}")
        try:
            results[lr] = nn.fit(model, X, y, loss="mse", lr=lr, epochs=settings["epochs"], seed=seed,
                                 progress=progress)
        except nn.TrainingDiverged as error:
            # the library's way of saying "diverged", with the history so far
            results[lr] = error
    return results


def draw_paths(out: Output, settings: dict[str, Any], paths: dict[float, list[float]]) -> None:
    """paths.png: the descent drawn on the curve, one panel per learning rate."""
    fig, panels = figure(16, 5, columns=3)
    for axes, (lr, path), colour in zip(panels, paths.items(), COLOURS):
        left, right = min([*path, MINIMUM - 3.5]) - 0.5, max([*path, MINIMUM + 3.5]) + 0.5
        curve_w = [left + (right - left) * i / 300 for i in range(301)]
        axes.plot(curve_w, [(w - MINIMUM) ** 2 for w in curve_w], color="#9ca3af", lw=2,
                  label="loss curve L(w) = (w - 2)^2")
        heights = [(w - MINIMUM) ** 2 for w in path]
        axes.plot(path, heights, color=colour, lw=1, alpha=0.6)
        for (w0, h0), (w1, h1) in zip(zip(path, heights), zip(path[1:], heights[1:])):
            axes.annotate("", xy=(w1, h1), xytext=(w0, h0),
                          arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.2})
        axes.scatter(path, heights, color=colour, s=28, zorder=3,
                     label=f"w after each of {len(path) - 1} steps")
        axes.scatter([path[0]], [heights[0]], color="black", marker="s", s=50, zorder=4,
                     label=f"start, w = {START:g}")
        axes.axvline(MINIMUM, color="#16a34a", ls=":", lw=1.5, label=f"minimum, w = {MINIMUM:g}")
        distance = abs(path[-1] - MINIMUM)
        axes.set(title=textwrap.fill(f"lr = {lr:g}: {regime(path)}; after {len(path) - 1} steps |w - 2| = "
                                     f"{number(distance)}", 52),
                 xlabel="parameter w", ylabel="loss L(w)")
        axes.legend(loc="upper center", fontsize=8, framealpha=0.9, ncols=2)
        axes.set_ylim(top=max(heights[0], max(heights)) * 1.35)
    fig.suptitle("Gradient descent w <- w - lr * dL/dw on the same curve with three learning rates")
    out.save(fig, "paths.png",
             "The gradient descent figure: the same start and curve, three learning rates: "
             + "; ".join(f"lr {lr:g} {regime(path)}" for lr, path in paths.items()) + ".")


def best_rates(sweep: list[float], finals: list[float], limit: float) -> str:
    """'0.5 (0.5 x the edge 2 / L'')', or the range of lrs that tie for the lowest loss (w rounded onto 2)."""
    tied = [lr for lr, final in zip(sweep, finals) if final == min(finals)]
    if len(tied) == 1:
        return f"{number(tied[0])} ({number(tied[0] / limit, 2)} x the edge 2 / L'' = {number(limit)})"
    return (f"{number(tied[0])} to {number(tied[-1])} "
            f"({number(tied[0] / limit, 2)} to {number(tied[-1] / limit, 2)} x the edge 2 / L'' = "
            f"{number(limit)}; loss {number(min(finals))}, w rounded onto the minimum)")


def network_line(result: Any) -> tuple[list[float], str]:
    """The losses of a network run (up to its divergence) and what happened, for the legend and the
    findings."""
    history = result if isinstance(result, nn.History) else result.history
    losses = list(history.loss)
    if not isinstance(result, nn.History):
        return losses, f"diverged ({divergence(result)})"
    peak = max(losses)
    if peak > losses[0]:
        return losses, (f"rose to {number(peak)} in epoch {losses.index(peak) + 1} "
                        f"(x{number(peak / losses[0], 2)} the start), ended at {number(losses[-1])}")
    return losses, f"fell {number(losses[0])} -> {number(losses[-1])}"


def draw_sweep(out: Output, settings: dict[str, Any], paths: dict[float, list[float]], sweep: list[float],
               finals: list[float], limit: float, network: dict[float, Any]) -> None:
    """sweep.png: final loss against lr on the curve; the network's loss per lr."""
    fig, (left, right) = figure(14, 5, columns=2)
    best = best_rates(sweep, finals, limit)
    left.plot(sweep, finals, color="#111827", lw=2, marker="o", ms=3,
              label=f"L(w) after {settings['steps']} steps")
    left.axvline(limit, color="#dc2626", ls="--",
                 label=f"lr = 2 / L''(w) = {number(limit)}: above it, divergence")
    left.axvline(limit / 2, color="#16a34a", ls=":",
                 label=f"lr = 1 / L'' = {number(limit / 2)}: one step to the minimum")
    left.axhline((START - MINIMUM) ** 2, color="#9ca3af", ls=":", label="the starting loss")
    for lr, colour in zip(settings["rates"], COLOURS):
        left.axvline(lr, color=colour, lw=1, alpha=0.7,
                     label=f"lr = {lr:g} ({regime(paths[lr]).split(':')[0]}, paths.png)")
    left.set_ylim(1e-12, max(finals) * 10)  # lr = 1 / L'' lands exactly on the minimum (loss 0): clip the dip
    left.set(xscale="log", yscale="log",
             title=f"1-D curve: final loss against the learning rate, lowest at lr {best}",
             xlabel="learning rate lr (log scale)",
             ylabel=f"loss after {settings['steps']} steps (log scale)")
    left.legend(fontsize=7, loc="lower left")
    stories = []
    right.set_yscale("log")
    # spikes beyond: off the scale
    ceiling = 1e4 * max(network_line(result)[0][0] for result in network.values())
    for (lr, result), colour in zip(network.items(), COLOURS):
        losses, story = network_line(result)
        stories.append(f"lr {lr:g} {story}")
        right.plot(range(1, len(losses) + 1), losses, color=colour, lw=2, label=f"lr = {lr:g}: {story}")
        if not isinstance(result, nn.History):
            right.scatter([len(losses) + 1], [min(max(losses), ceiling)], color=colour, marker="x", s=80,
                          zorder=4)
    if max(max(network_line(result)[0]) for result in network.values()) > ceiling:
        right.set_ylim(top=ceiling * 1.5)
    right.set(yscale="log", title="An MLP on the moons (MSE, full batch), three learning rates",
              xlabel="epoch", ylabel="training loss (MSE, log scale)")
    right.legend(fontsize=8)
    fig.suptitle(f"Too small is slow, too large diverges: after {settings['steps']} steps "
                 f"the lowest loss is at lr {best}")
    out.save(fig, "sweep.png",
             f"Left: the loss after {settings['steps']} steps for {len(sweep)} learning rates: lowest at lr "
             f"{best}, exploding past 2 / L'' = {number(limit)}. "
             "Right: the network (an x marks where nn.fit stopped a diverged run): "
             + "; ".join(stories) + ".")


def findings(settings: dict[str, Any], paths: dict[float, list[float]], sweep: list[float],
             finals: list[float], limit: float, network: dict[float, Any]) -> list[Finding]:
    """One line per regime on the curve, the lr limit, one line per network run, and C21, C23, C24."""
    small, good, large = (paths[lr] for lr in settings["rates"])
    steps = settings["steps"]
    reached = next((k for k, w in enumerate(good) if abs(w - MINIMUM) < 1e-3), None)
    growth = abs(large[-1] - MINIMUM) / abs(large[-2] - MINIMUM)
    start = (START - MINIMUM) ** 2
    converging = [lr for lr, final in zip(sweep, finals) if final < start]
    lrs = settings["rates"]
    rows = [
        Finding("small", f"lr = {lrs[0]:g}: after {steps} steps w = {number(small[-1])}, still "
                f"{number(abs(small[-1] - MINIMUM))} from the minimum",
                {"distance": abs(small[-1] - MINIMUM)}),
        Finding("good", f"lr = {lrs[1]:g}: within 0.001 of the minimum after {reached} steps"
                if reached is not None
                else f"lr = {lrs[1]:g}: not within 0.001 of the minimum after {steps} steps",
                {"steps": reached, "distance": abs(good[-1] - MINIMUM)}),
        Finding("large", f"lr = {lrs[2]:g} (too large): each step overshoots, |w - 2| went from "
                f"{number(abs(large[0] - MINIMUM))} to {number(abs(large[-1] - MINIMUM))} "
                f"(x{number(growth)} per step): it {'diverges' if growth > 1 else 'still converges'}",
                {"start": abs(large[0] - MINIMUM), "end": abs(large[-1] - MINIMUM), "growth": growth}),
        Finding("limit", f"the engine's second derivative (backward twice) gives L'' = {number(2 / limit)}, "
                f"so lr must stay below 2 / L'' = {number(limit)}; of {len(sweep)} lrs tried, the largest "
                f"that ended below the starting loss was {number(max(converging))}",
                {"limit": limit, "largest": max(converging)}),
    ]
    rows += network_findings(network)
    return rows + [c21(sweep, limit, network, settings), c23(settings, network),
                   c24(settings, paths, network)]


def network_findings(network: dict[float, Any]) -> list[Finding]:
    """One line per network run: how far its loss fell, or where it diverged."""
    rows = []
    for lr, result in network.items():
        losses, story = network_line(result)
        diverged = not isinstance(result, nn.History)
        text = f"MLP on the moons, lr = {lr:g}: " + (f"nn.fit stopped it, {story}" if diverged
                                                     else f"MSE {story} in {len(losses)} epochs")
        values = {"lr": lr, "diverged": diverged, "peak": max(losses), "first": losses[0]}
        if not diverged:
            values["last"] = losses[-1]
        rows.append(Finding(f"network_{lr:g}", text, values))
    return rows


def c21(sweep: list[float], limit: float, network: dict[float, Any], settings: dict[str, Any]) -> Finding:
    """Repeating the update lowers the loss at every step (below the edge), on the curve and on the
    network."""
    below = [lr for lr in sweep if lr < limit]
    falling = [lr for lr in below if _falls(descend(lr, settings["steps"]))]
    good = network[settings["network_rates"][1]]
    good_losses = network_line(good)[0]
    network_fell = isinstance(good, nn.History) and good_losses[-1] < 0.5 * good_losses[0]
    verdict = ("holds" if len(falling) == len(below) and network_fell
               else "nuanced" if falling else "contradicted")
    text = (f"C21: on the curve the loss fell at every one of {settings['steps']} steps for "
            f"{len(falling)} of the {len(below)} lrs below 2 / L'' = {number(limit)}; the MLP at lr "
            f"{settings['network_rates'][1]:g}: MSE {number(good_losses[0])} -> {number(good_losses[-1])} "
            f"in {len(good_losses)} epochs (above the edge the same rule climbs: C24)")
    return Finding("C21", text, {"falling": len(falling), "below": len(below), "network_fell": network_fell},
                   claim="C21", verdict=verdict, pictures=("paths.png", "sweep.png"))


def _falls(path: list[float]) -> bool:
    """The loss went down at every step (or sat exactly on the minimum, loss 0)."""
    losses = [(w - MINIMUM) ** 2 for w in path]
    return all(b < a or b == 0 for a, b in zip(losses, losses[1:]))


def c23(settings: dict[str, Any], network: dict[float, Any]) -> Finding:
    """A small lr needs many more steps; on the network it is behind after the same epochs."""
    small_lr, good_lr = settings["rates"][0], settings["rates"][1]
    counts = {lr: _steps_to_converge(lr) for lr in (small_lr, good_lr)}
    small_net, good_net = (network_line(network[lr])[0] for lr in settings["network_rates"][:2])
    slower = counts[small_lr] > 3 * counts[good_lr]
    behind = small_net[-1] > good_net[-1]
    verdict = "holds" if slower and behind else "nuanced" if slower or behind else "contradicted"
    text = (f"C23: to come within 0.001 of the minimum, lr {small_lr:g} needed {counts[small_lr]} steps, lr "
            f"{good_lr:g} {counts[good_lr]}; on the MLP after {len(small_net)} epochs lr "
            f"{settings['network_rates'][0]:g} is at MSE {number(small_net[-1])}, "
            f"lr {settings['network_rates'][1]:g} at {number(good_net[-1])}")
    return Finding("C23", text, {"steps": counts, "small_last": small_net[-1], "good_last": good_net[-1]},
                   claim="C23", verdict=verdict, pictures=("paths.png", "sweep.png"))


def _steps_to_converge(lr: float, most: int = 2000) -> int:
    """Steps until |w - 2| < 0.001 (most + 1 if never)."""
    path = descend(lr, most)
    return next((k for k, w in enumerate(path) if abs(w - MINIMUM) < 1e-3), most + 1)


def c24(settings: dict[str, Any], paths: dict[float, list[float]], network: dict[float, Any]) -> Finding:
    """Too large a lr crosses the minimum each step and lands further out; the network's loss climbs."""
    large_lr = settings["rates"][2]
    path = paths[large_lr]
    sides = [w > MINIMUM for w in path]
    crossed = sum(a != b for a, b in zip(sides, sides[1:]))
    every = crossed == len(path) - 1
    big = settings["network_rates"][2]
    losses, story = network_line(network[big])
    climbed = not isinstance(network[big], nn.History) or max(losses) > losses[0]
    below = [lr for lr in (0.6, 0.9) if lr < 2 / curvature(START)]
    overshoot_converge = [lr for lr in below if _crosses_and_converges(descend(lr, settings["steps"]))]
    verdict = "holds" if every and climbed else "nuanced" if every or climbed else "contradicted"
    text = (f"C24: at lr {large_lr:g} w crossed the minimum at {crossed} of {len(path) - 1} steps, ending "
            f"{number(abs(path[-1] - MINIMUM))} from it (started {number(abs(path[0] - MINIMUM))}); lr "
            + ", ".join(f"{lr:g}" for lr in overshoot_converge)
            + f" also overshoot each step but still converge; the MLP at lr {big:g} {story}")
    return Finding("C24", text, {"crossed": crossed, "steps": len(path) - 1, "climbed": climbed,
                                 "overshoot_converge": overshoot_converge}, claim="C24", verdict=verdict,
                   pictures=("paths.png", "sweep.png"))


def _crosses_and_converges(path: list[float]) -> bool:
    """Each step lands on the other side of the minimum, and closer to it."""
    distances = [w - MINIMUM for w in path]
    return all(a * b < 0 and abs(b) < abs(a) for a, b in zip(distances, distances[1:]))


def main(argv: list[str] | None = None) -> int:
    """python -m demos.learning_rate [--out DIR] [--quick] [--no-progress]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
