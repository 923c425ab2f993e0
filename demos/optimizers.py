"""Demo 7: optimisers. Full-batch GD, SGD, mini-batch and momentum on one problem; momentum on an elongated bowl."""

from __future__ import annotations

import sys
from typing import Any

import nn
from autograd import Value

from ._tour import Finding, Output, announce, figure, main_for, number

NAME = "optimizers"
TITLE = "optimisers: full batch, stochastic, mini-batch and momentum"
INTRO = """
The same network, data and number of epochs, four ways to step: full-batch gradient descent (one step
per epoch), stochastic (one step per sample), mini-batch (one per 10 samples) and full batch with momentum
0.9, which keeps a fraction of its previous step. Per epoch, more and noisier steps win; per gradient
evaluation, the full batch is steadier. On a long narrow valley, plain descent zig-zags or crawls;
momentum builds up speed along the valley floor.
"""
FULL: dict[str, Any] = {"n": 100, "hidden": [16, 16], "epochs": 40, "lr": 0.1, "bowl_steps": 60}
QUICK: dict[str, Any] = {"n": 40, "hidden": [8, 8], "epochs": 10, "lr": 0.1, "bowl_steps": 60}
# name -> (batch_size, momentum, colour, line style)
RUNS = {"full-batch GD": (None, 0.0, "#111827", "-"), "SGD (batch 1)": (1, 0.0, "#dc2626", "-"),
        "mini-batch (10)": (10, 0.0, "#2563eb", "-"), "full batch + momentum 0.9": (None, 0.9, "#16a34a", "--")}
# the bowl L(x, y) = (x^2 + CURVATURE y^2) / 2: curvature 1 along x, CURVATURE across
CURVATURE = 50.0
START = (-8.0, 1.0)
BOWL_RUNS = {"GD, lr 0.038 (near the limit 2/50)": (0.038, 0.0, "#dc2626"), "GD, lr 0.01": (0.01, 0.0, "#6b7280"),
             "momentum 0.9, lr 0.01": (0.01, 0.9, "#16a34a")}


# --- 1. the moons, four ways to step ---


def compare(settings: dict[str, Any], progress: bool) -> dict[str, dict[str, Any]]:
    """Train the same MLP from the same start with each optimiser setting: its History and steps per epoch."""
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=0)
    results = {}
    for name, (batch_size, momentum, _, _) in RUNS.items():
        model = nn.MLP(2, [*settings["hidden"], 1], seed=0)
        announce(name)
        history = nn.fit(model, X, y, loss="binary_cross_entropy_with_logits", lr=settings["lr"], momentum=momentum,
                         batch_size=batch_size, epochs=settings["epochs"], seed=0, progress=progress)
        steps = -(-len(X) // (batch_size or len(X)))  # ceil(n / batch_size): one step per batch
        results[name] = {"history": history, "steps": steps}
    return results


def draw_compare(out: Output, settings: dict[str, Any], results: dict[str, dict[str, Any]]) -> None:
    """batch_sizes.png: loss per epoch and per parameter update for each optimiser."""
    fig, (by_epoch, by_step) = figure(14, 5.2, columns=2)
    for name, result in results.items():
        _, _, colour, style = RUNS[name]
        history, steps = result["history"], result["steps"]
        epochs = range(1, history.epochs + 1)
        by_epoch.plot(epochs, history.loss, color=colour, ls=style, lw=2, label=name)
        by_step.plot([e * steps for e in epochs], history.loss, color=colour, ls=style, lw=2,
                     label=f"{name}: {steps} step{'s' if steps > 1 else ''} per epoch")
    by_epoch.set(title="Per epoch (each sample seen once per epoch)", xlabel="epoch")
    by_step.set(title="Per gradient evaluation (one backward pass per step)",
                xlabel="parameter updates so far (log scale)", xscale="log")
    for axes in (by_epoch, by_step):
        axes.set(yscale="log", ylabel="training loss, mean over the epoch (log scale)")
        axes.legend(fontsize=9)
    fig.suptitle(f"The same MLP 2-{'-'.join(map(str, settings['hidden']))}-1 on {settings['n']} moons points, "
                 f"lr {settings['lr']}, {settings['epochs']} epochs each")
    out.save(fig, "batch_sizes.png",
             "Full batch vs SGD vs mini-batch vs momentum: per epoch the small batches win (they take more steps); "
             "counted per update, the full batch's steps are the surer ones; momentum speeds up the full batch "
             "at no extra gradient cost.")


# --- 2. the elongated bowl ---


def bowl(x: Value, y: Value) -> Value:
    """L(x, y) = (x^2 + 50 y^2) / 2: a valley 7 times longer than wide, minimum 0 at (0, 0)."""
    return 0.5 * (x * x + CURVATURE * y * y)


def descend(lr: float, momentum: float, steps: int) -> list[tuple[float, float]]:
    """nn.optim.SGD on the bowl from START: the points visited."""
    x, y = Value(START[0], label="x"), Value(START[1], label="y")
    optimiser = nn.SGD([x, y], lr=lr, momentum=momentum)
    path = [(x.data, y.data)]
    for _ in range(steps):
        optimiser.zero_grad()
        bowl(x, y).backward()
        optimiser.step()
        path.append((x.data, y.data))
    return path


def height(point: tuple[float, float]) -> float:
    """The bowl's loss at a point, in plain floats (for contours and findings)."""
    return 0.5 * (point[0] ** 2 + CURVATURE * point[1] ** 2)


def reversals(path: list[tuple[float, float]]) -> int:
    """How often the path turns back across the valley (the step in y changes sign)."""
    moves = [b[1] - a[1] for a, b in zip(path, path[1:])]
    return sum(1 for a, b in zip(moves, moves[1:]) if a * b < 0)


def draw_bowl(out: Output, paths: dict[str, list[tuple[float, float]]]) -> None:
    """momentum_bowl.png: the paths on the contour plot, and the loss per step."""
    fig, (plane, curves) = figure(16, 5.6, columns=2, width_ratios=[1.6, 1])
    xs = [-9 + 11 * i / 200 for i in range(201)]
    ys = [-1.3 + 2.6 * i / 200 for i in range(201)]
    levels = [0.05 * 2**k for k in range(12)]
    plane.contour(xs, ys, [[height((x, y)) for x in xs] for y in ys], levels=levels, colors="#d1d5db", linewidths=1)
    for name, path in paths.items():
        colour = BOWL_RUNS[name][2]
        plane.plot([p[0] for p in path], [p[1] for p in path], color=colour, marker="o", ms=3, lw=1.5,
                   label=f"{name}: loss {number(height(path[-1]))} after {len(path) - 1} steps")
        curves.plot(range(len(path)), [height(p) for p in path], color=colour, lw=2, label=name)
    plane.scatter([START[0]], [START[1]], color="black", marker="s", s=50, zorder=4, label="start")
    plane.scatter([0], [0], color="black", marker="*", s=160, zorder=4, label="minimum")
    plane.set(title="Paths on L(x, y) = (x^2 + 50 y^2) / 2 (grey: contour lines; y stretched to show the zig-zag)",
              xlabel="x (along the valley, curvature 1)", ylabel="y (across the valley, curvature 50)")
    plane.legend(loc="lower right", fontsize=8, framealpha=0.95)
    curves.set(yscale="log", title="Loss per step", xlabel="step", ylabel="L(x, y) (log scale)")
    curves.legend(fontsize=8)
    fig.suptitle("An elongated bowl: plain gradient descent zig-zags (large lr) or crawls (small lr); momentum does neither")
    out.save(fig, "momentum_bowl.png",
             "The momentum figure: contour lines of a long narrow bowl with each optimiser's path. A large lr "
             "bounces across the valley, a small one creeps along it, momentum accumulates speed along the floor "
             "and reaches the lowest loss in the same number of steps.")


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """The moons comparison and the bowl: pictures and findings."""
    results = compare(settings, progress)
    paths = {name: descend(lr, momentum, settings["bowl_steps"]) for name, (lr, momentum, _) in BOWL_RUNS.items()}
    draw_compare(out, settings, results)
    draw_bowl(out, paths)
    return findings(results, paths)


def findings(results: dict[str, dict[str, Any]], paths: dict[str, list[tuple[float, float]]]) -> list[Finding]:
    """Loss per epoch, updates made, momentum's gain; the bowl's final losses and reversals."""
    final = {name: r["history"].loss[-1] for name, r in results.items()}
    updates = {name: r["steps"] * r["history"].epochs for name, r in results.items()}
    epochs = next(iter(results.values()))["history"].epochs
    gd, momentum = "full-batch GD", "full batch + momentum 0.9"
    rows = [
        Finding("per_epoch", f"after {epochs} epochs: loss " + ", ".join(f"{name} {number(loss)}" for name, loss in final.items()),
                dict(final)),
        Finding("updates", "parameter updates made in those epochs: "
                + ", ".join(f"{name} {count}" for name, count in updates.items()), dict(updates)),
        Finding("momentum_moons", f"momentum 0.9 with the same {updates[momentum]} full-batch gradients: loss "
                f"{number(final[momentum])} against {number(final[gd])} without",
                {"momentum": final[momentum], "gd": final[gd]}),
    ]
    for name, path in paths.items():
        rows.append(Finding(f"bowl: {name}", f"elongated bowl, {name}: loss {number(height(path[-1]))} after "
                            f"{len(path) - 1} steps, turned back across the valley {reversals(path)} times",
                            {"loss": height(path[-1]), "reversals": reversals(path)}))
    return rows


def main(argv: list[str] | None = None) -> int:
    """python -m demos.optimizers [--out DIR] [--quick] [--no-progress]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
