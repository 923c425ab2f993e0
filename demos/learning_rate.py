"""Demo 4: the learning rate. Gradient descent on a 1-D loss curve with a too-small, a good and a too-large step."""

from __future__ import annotations

import math
import sys
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
FULL: dict[str, Any] = {"steps": 12, "rates": (0.05, 0.4, 1.05), "sweep": 60, "network_rates": (0.002, 0.02, 0.5),
                        "epochs": 30, "n": 100}
QUICK: dict[str, Any] = {"steps": 12, "rates": (0.05, 0.4, 1.05), "sweep": 20, "network_rates": (0.002, 0.02, 0.5),
                         "epochs": 8, "n": 100}
MINIMUM, START = 2.0, -1.0
WORDS = ("too small", "good", "too large")


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
    finals = [(descend(lr, settings["steps"])[-1] - MINIMUM) ** 2 for lr in sweep]
    limit = 2 / curvature(START)
    network = train_network(settings, progress)
    draw_paths(out, settings, paths)
    draw_sweep(out, settings, sweep, finals, limit, network)
    return findings(settings, paths, sweep, finals, limit, network)


def train_network(settings: dict[str, Any], progress: bool) -> dict[float, Any]:
    """An MLP on the moons (MSE, full batch) with each network lr: its History, or the error that stopped it."""
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=0)
    results: dict[float, Any] = {}
    for lr in settings["network_rates"]:
        model = nn.MLP(2, [16, 16, 1], seed=0)
        announce(f"MLP on the moons with lr = {lr:g}")
        try:
            results[lr] = nn.fit(model, X, y, loss="mse", lr=lr, epochs=settings["epochs"], seed=0, progress=progress)
        except FloatingPointError as error:  # the library's way of saying "diverged"
            results[lr] = error
    return results


def draw_paths(out: Output, settings: dict[str, Any], paths: dict[float, list[float]]) -> None:
    """paths.png: the descent drawn on the curve, one panel per learning rate."""
    fig, panels = figure(16, 5, columns=3)
    for axes, (lr, path), word, colour in zip(panels, paths.items(), WORDS, COLOURS):
        left, right = min([*path, MINIMUM - 3.5]) - 0.5, max([*path, MINIMUM + 3.5]) + 0.5
        curve_w = [left + (right - left) * i / 300 for i in range(301)]
        axes.plot(curve_w, [(w - MINIMUM) ** 2 for w in curve_w], color="#9ca3af", lw=2, label="loss curve L(w) = (w - 2)^2")
        heights = [(w - MINIMUM) ** 2 for w in path]
        axes.plot(path, heights, color=colour, lw=1, alpha=0.6)
        for (w0, h0), (w1, h1) in zip(zip(path, heights), zip(path[1:], heights[1:])):
            axes.annotate("", xy=(w1, h1), xytext=(w0, h0), arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.2})
        axes.scatter(path, heights, color=colour, s=28, zorder=3, label=f"w after each of {len(path) - 1} steps")
        axes.scatter([path[0]], [heights[0]], color="black", marker="s", s=50, zorder=4, label=f"start, w = {START:g}")
        axes.axvline(MINIMUM, color="#16a34a", ls=":", lw=1.5, label=f"minimum, w = {MINIMUM:g}")
        distance = abs(path[-1] - MINIMUM)
        axes.set(title=f"lr = {lr:g}: {word}\nafter {len(path) - 1} steps |w - 2| = {number(distance)}",
                 xlabel="parameter w", ylabel="loss L(w)")
        axes.legend(loc="upper center", fontsize=8, framealpha=0.9, ncols=2)
        axes.set_ylim(top=max(heights[0], max(heights)) * 1.35)
    fig.suptitle("Gradient descent w <- w - lr * dL/dw on the same curve with three learning rates")
    out.save(fig, "paths.png",
             "The gradient descent figure: the same start and curve; a too-small lr creeps towards the minimum, a "
             "good one reaches it in a few steps, a too-large one jumps across it further each step and diverges.")


def draw_sweep(out: Output, settings: dict[str, Any], sweep: list[float], finals: list[float], limit: float,
               network: dict[float, Any]) -> None:
    """sweep.png: final loss against lr on the curve; the network's loss per lr."""
    fig, (left, right) = figure(14, 5, columns=2)
    left.plot(sweep, finals, color="#111827", lw=2, marker="o", ms=3, label=f"L(w) after {settings['steps']} steps")
    left.axvline(limit, color="#dc2626", ls="--", label=f"lr = 2 / L''(w) = {number(limit)}: above it, divergence")
    left.axhline((START - MINIMUM) ** 2, color="#9ca3af", ls=":", label="the starting loss")
    for lr, word, colour in zip(settings["rates"], WORDS, COLOURS):
        left.axvline(lr, color=colour, lw=1, alpha=0.7, label=f"lr = {lr:g} ({word}, in paths.png)")
    left.set_ylim(1e-12, max(finals) * 10)  # lr = 0.5 lands exactly on the minimum (loss 0): clip the dip
    left.set(xscale="log", yscale="log", title="1-D curve: final loss against the learning rate",
             xlabel="learning rate lr (log scale)", ylabel=f"loss after {settings['steps']} steps (log scale)")
    left.legend(fontsize=8, loc="lower left")
    for (lr, result), colour in zip(network.items(), COLOURS):
        if isinstance(result, nn.History):
            right.plot(range(1, result.epochs + 1), result.loss, color=colour, lw=2, label=f"lr = {lr:g}")
        else:
            right.plot([], [], color=colour, lw=2, ls="--", label=f"lr = {lr:g}: diverged ({divergence(result)})")
    right.set(yscale="log", title="An MLP on the moons (MSE, full batch): the same three regimes",
              xlabel="epoch", ylabel="training loss (MSE, log scale)")
    right.legend()
    fig.suptitle("Too small is slow, too large diverges: the good learning rate sits just below the edge")
    out.save(fig, "sweep.png",
             "Left: the loss after a fixed number of steps for 60 learning rates; it falls as lr grows, then "
             "explodes past 2 / L''. Right: the same on a network; the largest lr makes nn.fit stop with "
             "FloatingPointError (loss inf).")


def findings(settings: dict[str, Any], paths: dict[float, list[float]], sweep: list[float], finals: list[float],
             limit: float, network: dict[float, Any]) -> list[Finding]:
    """One line per regime on the curve, the lr limit, one line per network run."""
    small, good, large = (paths[lr] for lr in settings["rates"])
    steps = settings["steps"]
    reached = next((k for k, w in enumerate(good) if abs(w - MINIMUM) < 1e-3), None)
    growth = abs(large[-1] - MINIMUM) / abs(large[-2] - MINIMUM)
    start = (START - MINIMUM) ** 2
    converging = [lr for lr, final in zip(sweep, finals) if final < start]
    lrs = settings["rates"]
    rows = [
        Finding("small", f"lr = {lrs[0]:g} (too small): after {steps} steps w = {number(small[-1])}, still "
                f"{number(abs(small[-1] - MINIMUM))} from the minimum", {"distance": abs(small[-1] - MINIMUM)}),
        Finding("good", f"lr = {lrs[1]:g} (good): within 0.001 of the minimum after {reached} steps" if reached is not None
                else f"lr = {lrs[1]:g}: not within 0.001 of the minimum after {steps} steps",
                {"steps": reached, "distance": abs(good[-1] - MINIMUM)}),
        Finding("large", f"lr = {lrs[2]:g} (too large): each step overshoots, |w - 2| went from "
                f"{number(abs(large[0] - MINIMUM))} to {number(abs(large[-1] - MINIMUM))} (x{number(growth)} per "
                f"step): it {'diverges' if growth > 1 else 'still converges'}", {"start": abs(large[0] - MINIMUM), "end": abs(large[-1] - MINIMUM), "growth": growth}),
        Finding("limit", f"the engine's second derivative (backward twice) gives L'' = {number(2 / limit)}, so lr "
                f"must stay below 2 / L'' = {number(limit)}; of {len(sweep)} lrs tried, the largest that ended below "
                f"the starting loss was {number(max(converging))}", {"limit": limit, "largest": max(converging)}),
    ]
    return rows + network_findings(network)


def network_findings(network: dict[float, Any]) -> list[Finding]:
    """One line per network run: how far its loss fell, or where it diverged."""
    rows = []
    for lr, result in network.items():
        if isinstance(result, nn.History):
            text = f"MLP on the moons, lr = {lr:g}: MSE {number(result.loss[0])} -> {number(result.loss[-1])} in {result.epochs} epochs"
            rows.append(Finding(f"network_{lr:g}", text, {"lr": lr, "diverged": False, "last": result.loss[-1]}))
        else:
            rows.append(Finding(f"network_{lr:g}", f"MLP on the moons, lr = {lr:g}: diverged, nn.fit stopped with "
                                f"FloatingPointError ({divergence(result)})", {"lr": lr, "diverged": True}))
    return rows


def main(argv: list[str] | None = None) -> int:
    """python -m demos.learning_rate [--out DIR] [--quick] [--no-progress]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
