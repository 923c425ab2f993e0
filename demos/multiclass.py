"""Demo 3: multi-class classification. A softmax classifier learns a 3-arm spiral with cross-entropy."""

from __future__ import annotations

import sys
from typing import Any

import nn
from autograd import no_grad

from ._tour import (
    CLASS_COLOURS,
    Finding,
    Output,
    announce,
    figure,
    main_for,
    number,
    plane_grid,
    scatter_classes,
)

NAME = "multiclass"
TITLE = "multi-class classification: softmax and cross-entropy on a spiral"
INTRO = """
Three spiral arms, one class each. The network ends in 3 scores (logits); softmax turns them into 3
probabilities that sum to 1, and cross-entropy is -ln(probability of the true class). Look at the regions
where each class wins and at each class's probability over the plane; compare with a classifier that
has no hidden layer (softmax regression), which can only draw straight boundaries.
"""
FULL: dict[str, Any] = {"per_class": 50, "hidden": [16, 16], "epochs": 80, "lr": 0.02, "momentum": 0.9,
                        "batch_size": 10, "grid": 60}
QUICK: dict[str, Any] = {"per_class": 20, "hidden": [12, 12], "epochs": 40, "lr": 0.05, "momentum": 0.9,
                         "batch_size": 10, "grid": 12}
CLASSES = 3
NAMES = ["class 0 (arm 1)", "class 1 (arm 2)", "class 2 (arm 3)"]


def probabilities(model: nn.MLP, points: list[list[float]]) -> list[list[float]]:
    """softmax(model(x)) for each point: one row of class probabilities per point."""
    with no_grad():
        return [[p.data for p in nn.softmax(model(x))] for x in points]


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Train a softmax MLP and a softmax regression on the spiral; draw regions and probabilities."""
    X, y = nn.data.spiral(n_per_class=settings["per_class"], classes=CLASSES, seed=0)
    train = {"loss": "cross_entropy", "lr": settings["lr"], "momentum": settings["momentum"],
             "batch_size": settings["batch_size"], "epochs": settings["epochs"], "seed": 0, "progress": progress}
    mlp = nn.MLP(2, [*settings["hidden"], CLASSES], activation="relu", seed=0)
    announce(f"MLP 2-{'-'.join(map(str, settings['hidden']))}-3 with softmax cross-entropy")
    mlp_history = nn.fit(mlp, X, y, **train)
    linear = nn.MLP(2, [CLASSES], seed=0)  # no hidden layer: softmax regression
    announce("softmax regression (no hidden layer)")
    linear_history = nn.fit(linear, X, y, **train)
    xs, ys = plane_grid(X, settings["grid"], margin=0.15)
    points = [[x, v] for v in ys for x in xs]
    grid = probabilities(mlp, points)
    linear_grid = probabilities(linear, points)
    draw_regions(out, settings, X, y, xs, ys, grid, linear_grid, mlp_history, linear_history)
    draw_probabilities(out, X, y, xs, ys, grid)
    return findings(mlp, mlp_history, linear_history, grid, probabilities(mlp, X), y)


def rows(values: list[float], width: int) -> list[list[float]]:
    """A flat list of grid values as rows of the grid (for contour plots)."""
    return [values[i : i + width] for i in range(0, len(values), width)]


def argmax(row: list[float]) -> int:
    """The index of the largest entry: the class that wins."""
    return max(range(len(row)), key=row.__getitem__)


def draw_regions(out: Output, settings: dict[str, Any], X: list, y: list, xs: list[float], ys: list[float],
                 grid: list[list[float]], linear_grid: list[list[float]], mlp_history: nn.History,
                 linear_history: nn.History) -> None:
    """regions.png: where each class wins, without and with hidden layers, and the loss curves."""
    from matplotlib.colors import ListedColormap

    fig, panels = figure(15, 5, columns=3)
    colours = ListedColormap(CLASS_COLOURS)
    shape = "-".join(map(str, settings["hidden"]))
    for axes, probs, history, title in (
        (panels[0], linear_grid, linear_history, "No hidden layer (softmax regression)"),
        (panels[1], grid, mlp_history, f"MLP 2-{shape}-3 with softmax"),
    ):
        winners = rows([argmax(row) for row in probs], len(xs))
        axes.pcolormesh(xs, ys, winners, cmap=colours, vmin=-0.5, vmax=2.5, alpha=0.25, shading="nearest")
        scatter_classes(axes, X, y, NAMES)
        axes.set(title=f"{title}: {100 * history.accuracy[-1]:.0f}% right", xlabel="x1", ylabel="x2")
        axes.legend(loc="lower left", fontsize=8, framealpha=0.9, title="shaded: the class that wins there",
                    title_fontsize=8)
    curves = panels[2]
    epochs = range(1, mlp_history.epochs + 1)
    curves.plot(epochs, mlp_history.loss, color="#111827", lw=2, label=f"MLP 2-{shape}-3")
    curves.plot(epochs, linear_history.loss, color="#9ca3af", lw=2, ls="--", label="no hidden layer")
    curves.axhline(1.0986, color="#dc2626", lw=1, ls=":", label="ln 3: guessing 1/3 for every class")
    curves.set(title="Training loss", xlabel="epoch", ylabel="cross-entropy (mean over the epoch)", ylim=(0, None))
    curves.legend()
    fig.suptitle(f"Three classes, {len(X)} spiral points: where each class wins (argmax of softmax)")
    out.save(fig, "regions.png",
             "Decision regions: a softmax regression can only cut the plane with straight lines (left); the MLP "
             "follows the spiral arms (middle). Right: cross-entropy per epoch, starting near ln 3.")


def draw_probabilities(out: Output, X: list, y: list, xs: list[float], ys: list[float],
                       grid: list[list[float]]) -> None:
    """probabilities.png: one panel per class, its softmax probability over the plane."""
    fig, panels = figure(16, 5, columns=CLASSES)
    for k, axes in enumerate(panels):
        shading = axes.contourf(xs, ys, rows([row[k] for row in grid], len(xs)), levels=[i / 10 for i in range(11)],
                                cmap="Greys", vmin=0, vmax=1, alpha=0.6)
        scatter_classes(axes, X, y, NAMES)
        axes.set(title=f"P(class {k}): softmax output {k}", xlabel="x1", ylabel="x2")
        axes.legend(loc="lower left", fontsize=8, framealpha=0.9)
    fig.colorbar(shading, ax=list(panels), label="probability (the three sum to 1 at every point)", shrink=0.9)
    fig.suptitle("Class probabilities of the trained MLP: each panel is one softmax output over the plane "
                 "(dark = probable)")
    out.save(fig, "probabilities.png",
             "Class probabilities: each panel shades one softmax output over the plane; each is high on its own "
             "arm and the three add up to 1 everywhere.")


def findings(mlp: nn.MLP, history: nn.History, linear_history: nn.History, grid: list[list[float]],
             train_probs: list[list[float]], y: list[int]) -> list[Finding]:
    """Accuracies, the true class's probability, softmax summing to 1."""
    worst_sum = max(abs(sum(row) - 1) for row in grid)
    true_class = sum(row[label] for row, label in zip(train_probs, y)) / len(y)
    return [
        Finding("accuracy", f"MLP ({mlp.num_parameters()} parameters), {history.epochs} epochs: training accuracy "
                f"{100 * history.accuracy[-1]:.0f}%, cross-entropy {number(history.loss[0])} -> "
                f"{number(history.loss[-1])}",
                {"accuracy": history.accuracy[-1], "first": history.loss[0], "last": history.loss[-1]}),
        Finding("linear", f"softmax regression (no hidden layer), same training: only "
                f"{100 * linear_history.accuracy[-1]:.0f}% (cross-entropy {number(linear_history.loss[-1])}): "
                "straight boundaries cannot follow a spiral",
                {"accuracy": linear_history.accuracy[-1], "last": linear_history.loss[-1]}),
        Finding("true_class", f"the trained MLP gives the true class a mean probability of {number(true_class)} "
                f"on the training points (1/{CLASSES} = {number(1 / CLASSES)} would be guessing)",
                {"true_class": true_class}),
        Finding("sum", f"the {CLASSES} softmax outputs sum to 1 at all {len(grid)} grid points (largest deviation "
                f"{worst_sum:.1e})", {"worst": worst_sum}),
    ]


def main(argv: list[str] | None = None) -> int:
    """python -m demos.multiclass [--out DIR] [--quick] [--no-progress]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
