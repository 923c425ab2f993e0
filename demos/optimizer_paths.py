"""Demo: optimiser paths. SGD, momentum, Nesterov, RMSprop and Adam on an elongated bowl and a Rosenbrock
valley."""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable
from typing import Any

import nn
from autograd import Value

from ._tour import COLOURS, Finding, Output, figure, main_for, number

NAME = "optimizer_paths"
TITLE = "optimiser paths: SGD, momentum, Nesterov, RMSprop and Adam on a bowl and a banana valley"
INTRO = """
Five optimisers from nn.optim walk two surfaces of two parameters, each at the learning rate that
does best for it (tuned here over a grid of rates: the lowest loss after the last step). On a bowl
25 times steeper across than along, plain SGD must keep its rate below 2/25, so it moves slowly
along the floor; momentum and Nesterov build up speed along it; RMSprop and Adam divide each
coordinate's step by the size of its gradient, so both directions move at about the same pace
(RMSprop has no bias correction, so its first step is 1/sqrt(1 - alpha) = 10 times lr; Adam
corrects for that). The Rosenbrock valley bends: its floor is easy to find and slow to follow to
the minimum at (1, 1). Which one gets there first is measured, not assumed: see the findings.
"""
FULL: dict[str, Any] = {"bowl_steps": 100, "rosenbrock_steps": 1000, "grid": 4}
QUICK: dict[str, Any] = {"bowl_steps": 60, "rosenbrock_steps": 200, "grid": 2}
CURVATURE = 25.0  # the bowl L(x, y) = (x^2 + 25 y^2) / 2
STARTS = {"bowl": (-8.0, 1.5), "rosenbrock": (-1.5, 2.0)}
TARGET = 1e-3  # "reached" means the loss fell below this
# name -> (nn.optim class, its settings besides lr, colour)
OPTIMISERS: dict[str, tuple[Any, dict[str, Any], str]] = {
    "SGD": (nn.SGD, {}, COLOURS[6]),
    "momentum 0.9": (nn.SGD, {"momentum": 0.9}, COLOURS[0]),
    "Nesterov 0.9": (nn.SGD, {"momentum": 0.9, "nesterov": True}, COLOURS[5]),
    "RMSprop": (nn.RMSprop, {}, COLOURS[4]),
    "Adam": (nn.Adam, {}, COLOURS[1]),
}


def bowl(x: Value, y: Value) -> Value:
    """L(x, y) = (x^2 + 25 y^2) / 2: minimum 0 at (0, 0), curvature 1 along x and 25 across."""
    return 0.5 * (x * x + CURVATURE * y * y)


def rosenbrock(x: Value, y: Value) -> Value:
    """L(x, y) = (1 - x)^2 + 100 (y - x^2)^2: a curved valley along y = x^2, minimum 0 at (1, 1)."""
    return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)


SURFACES: dict[str, Callable[[Value, Value], Value]] = {"bowl": bowl, "rosenbrock": rosenbrock}


def height(surface: str, point: tuple[float, float]) -> float:
    """The surface's loss at a point, as a float (inf once a path has blown up)."""
    x, y = point
    if not (math.isfinite(x) and math.isfinite(y)) or max(abs(x), abs(y)) > 1e100:
        return math.inf
    return SURFACES[surface](Value(x), Value(y)).data


def walk(surface: str, start: tuple[float, float], name: str, lr: float,
         steps: int) -> list[tuple[float, float]]:
    """The optimiser's path from start: the points visited, stopping early if it blows up."""
    optimiser_class, options, _ = OPTIMISERS[name]
    x, y = Value(start[0], label="x"), Value(start[1], label="y")
    optimiser = optimiser_class([x, y], lr=lr, **options)
    path = [(x.data, y.data)]
    for _ in range(steps):
        optimiser.zero_grad()
        SURFACES[surface](x, y).backward()
        optimiser.step()
        path.append((x.data, y.data))
        if not math.isfinite(height(surface, path[-1])):
            break
    return path


def learning_rates(per_decade: int) -> list[float]:
    """The grid searched: per_decade rates per factor of 10, from 1e-4 to 1."""
    return [10 ** (k / per_decade) for k in range(-4 * per_decade, 1)]


def final_loss(surface: str, path: list[tuple[float, float]], steps: int) -> float:
    """The loss at the end of the path (inf if it stopped early because it blew up)."""
    return height(surface, path[-1]) if len(path) == steps + 1 else math.inf


def tune(surface: str, start: tuple[float, float], name: str, steps: int, per_decade: int) -> dict[str, Any]:
    """The grid's best rate for this optimiser (lowest loss after all steps): its lr, path and losses."""
    tried = []
    for lr in learning_rates(per_decade):
        path = walk(surface, start, name, lr, steps)
        tried.append({"lr": lr, "path": path, "loss": final_loss(surface, path, steps)})
    best = min(tried, key=lambda run: run["loss"])  # the first of equals: the smallest such lr
    best["losses"] = [height(surface, point) for point in best["path"]]
    best["reached"] = next((t for t, loss in enumerate(best["losses"]) if loss < TARGET), None)
    return best


def start_point(surface: str, seed: int) -> tuple[float, float]:
    """The start of every path: the usual one for seed 0, moved a little for other seeds."""
    if seed == 0:
        return STARTS[surface]
    rng = random.Random(seed)
    x, y = STARTS[surface]
    return (x + rng.uniform(-0.3, 0.3), y + rng.uniform(-0.3, 0.3))


def draw(out: Output, surface: str, runs: dict[str, dict[str, Any]], start: tuple[float, float]) -> None:
    """SURFACE.png: each tuned path on the contour plot, and the loss per step."""
    fig, (plane, curves) = figure(15, 5.6, columns=2, width_ratios=[1.4, 1])
    box = {"bowl": ((-9.0, 1.5), (-2.0, 2.0)), "rosenbrock": ((-2.0, 2.0), (-1.0, 3.0))}[surface]
    xs = [box[0][0] + (box[0][1] - box[0][0]) * i / 160 for i in range(161)]
    ys = [box[1][0] + (box[1][1] - box[1][0]) * i / 160 for i in range(161)]
    grid = [[height(surface, (x, y)) for x in xs] for y in ys]
    plane.contour(xs, ys, grid, levels=[1e-2 * 2.5**k for k in range(14)], colors="#d1d5db", linewidths=1)
    for name, run in runs.items():
        colour = OPTIMISERS[name][2]
        path = run["path"]
        plane.plot([p[0] for p in path], [p[1] for p in path], color=colour, lw=1.6, marker="o", ms=2,
                   label=f"{name} (lr {number(run['lr'], 2)})")
        curves.plot(range(len(run["losses"])), [max(v, 1e-16) for v in run["losses"]], color=colour, lw=2,
                    label=f"{name}: {number(run['loss'])} after {len(path) - 1} steps")
    minimum = (0.0, 0.0) if surface == "bowl" else (1.0, 1.0)
    plane.scatter([start[0]], [start[1]], color="black", marker="s", s=50, zorder=4, label="start")
    plane.scatter([minimum[0]], [minimum[1]], color="black", marker="*", s=160, zorder=4, label="minimum")
    plane.set(xlim=box[0], ylim=box[1], xlabel="x", ylabel="y",
              title=f"{SURFACES[surface].__doc__.split(':')[0]} (grey: contour lines)")
    plane.legend(loc="lower right", fontsize=8, framealpha=0.95)
    curves.axhline(TARGET, color="#9ca3af", ls=":", lw=1)
    curves.set(yscale="log", xlabel="step", ylabel="loss (log scale)", title="Loss per step at each tuned lr")
    curves.legend(fontsize=8)
    fastest = _fastest(runs)
    fig.suptitle(f"{surface}: each optimiser at its best lr; " + (
        f"{fastest} is first below {TARGET:g} (step {runs[fastest]['reached']})" if fastest else
        f"none gets below {TARGET:g}"))
    out.save(fig, f"{surface}.png", _caption(surface, runs))


def _fastest(runs: dict[str, dict[str, Any]]) -> str | None:
    reached = {name: run["reached"] for name, run in runs.items() if run["reached"] is not None}
    return min(reached, key=reached.__getitem__) if reached else None


def _caption(surface: str, runs: dict[str, dict[str, Any]]) -> str:
    """The picture's caption, from the runs: who reaches the target first, and the final losses."""
    order = sorted(runs, key=lambda name: runs[name]["loss"])
    parts = [f"{name} {number(runs[name]['loss'])}" for name in order]
    reached = {name: run["reached"] for name, run in runs.items() if run["reached"] is not None}
    text = f"The {surface}: the five optimisers' paths at their tuned learning rates. Final loss: "
    text += ", ".join(parts) + ". "
    if reached:
        text += f"Steps to a loss below {TARGET:g}: " + ", ".join(
            f"{name} {steps}" for name, steps in sorted(reached.items(), key=lambda item: item[1]))
        missing = [name for name in runs if name not in reached]
        text += f"; never: {', '.join(missing)}." if missing else "."
    return text


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Tune and walk every optimiser on both surfaces; draw them; report the numbers."""
    seed = settings.get("seed", 0)
    findings = []
    for surface in SURFACES:
        steps, start = settings[f"{surface}_steps"], start_point(surface, seed)
        runs = {name: tune(surface, start, name, steps, settings["grid"]) for name in OPTIMISERS}
        draw(out, surface, runs, start)
        findings += _findings(surface, runs, steps)
    return findings


def _findings(surface: str, runs: dict[str, dict[str, Any]], steps: int) -> list[Finding]:
    """One line per surface: each optimiser's tuned lr, final loss and steps to the target."""
    rows = [Finding(f"{surface}: {name}", f"{surface}, {name} at its tuned lr {number(run['lr'], 2)}: loss "
                    f"{number(run['loss'])} after {steps} steps, "
                    + (f"below {TARGET:g} from step {run['reached']}" if run["reached"] is not None
                       else f"never below {TARGET:g}"),
                    {"lr": run["lr"], "loss": run["loss"], "reached": run["reached"]})
            for name, run in runs.items()]
    fastest = _fastest(runs)
    sgd = runs["SGD"]["loss"]
    best = min(runs, key=lambda name: runs[name]["loss"])
    rows.append(Finding(f"{surface}: best", f"{surface}: lowest loss {best} ({number(runs[best]['loss'])}), "
                        f"plain SGD {number(sgd)}; first below {TARGET:g}: {fastest or 'none'}",
                        {"best": best, "fastest": fastest, "sgd": sgd, "best_loss": runs[best]["loss"]}))
    return rows


def main(argv: list[str] | None = None) -> int:
    """python -m demos.optimizer_paths [--out DIR] [--quick] [--no-progress] [--seed N]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
