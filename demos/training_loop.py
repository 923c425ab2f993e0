"""Demo 2: the training loop. An MLP learns the two moons: forward, loss, zero_grad, backward, step."""

from __future__ import annotations

import sys
from typing import Any

import nn
from autograd import no_grad

from ._tour import Finding, Output, announce, figure, main_for, number, plane_grid, scatter_classes

NAME = "training_loop"
TITLE = "the training loop: an MLP learns two moons"
INTRO = """
Two interleaving half-moons cannot be split by a straight line. An MLP with two hidden layers of 16 ReLU
neurons learns a curved boundary by repeating four lines per mini-batch: forward and loss,
zero_grad, backward, step (nn.fit), where step is the plain update w <- w - lr * dL/dw. Look at the loss
falling epoch by epoch and the boundary it ends with.
"""
FULL: dict[str, Any] = {"n": 100, "hidden": [16, 16], "epochs": 60, "lr": 0.3, "momentum": 0.0,
                        "batch_size": 20, "grid": 60}
QUICK: dict[str, Any] = {"n": 60, "hidden": [8, 8], "epochs": 60, "lr": 0.5, "momentum": 0.0,
                         "batch_size": 20, "grid": 15}
LOSS = "binary_cross_entropy_with_logits"


def probability_grid(model: nn.MLP, xs: list[float], ys: list[float]) -> list[list[float]]:
    """P(class 1) = sigmoid(logit) at every point of the grid (rows: y, columns: x), for the picture."""
    with no_grad():
        return [[model([x, y])[0].sigmoid().data for x in xs] for y in ys]


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Train the MLP on the moons; draw its loss curve and its boundary before and after; return the
    findings."""
    seed = settings.get("seed", 0)
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=seed)
    model = nn.MLP(2, [*settings["hidden"], 1], activation="relu", seed=seed)
    xs, ys = plane_grid(X, settings["grid"])
    before = probability_grid(model, xs, ys)
    step = one_step(settings, X, y, seed)
    announce(f"{model} on {len(X)} moons points")
    history = nn.fit(model, X, y, loss=LOSS, lr=settings["lr"], momentum=settings["momentum"],
                     batch_size=settings["batch_size"], epochs=settings["epochs"], seed=seed,
                     progress=progress)
    after = probability_grid(model, xs, ys)
    draw(out, settings, model, history, X, y, xs, ys, before, after)
    return [*findings(settings, model, history), update_finding(settings, history, step)]


def one_step(settings: dict[str, Any], X: list, y: list, seed: int) -> dict[str, float]:
    """One step of nn.SGD on a fresh copy of the model: each weight's move against -lr * dL/dw, and the
    loss drop."""
    model = nn.MLP(2, [*settings["hidden"], 1], activation="relu", seed=seed)
    batch, targets = X[: settings["batch_size"]], y[: settings["batch_size"]]
    optimiser = nn.SGD(model.parameters(), lr=settings["lr"])
    loss = nn.losses.binary_cross_entropy_with_logits([model(x)[0] for x in batch], targets)
    optimiser.zero_grad()
    loss.backward()
    expected = [p.data - settings["lr"] * p.grad for p in model.parameters()]
    optimiser.step()
    gap = max(abs(p.data - e) for p, e in zip(model.parameters(), expected))
    with no_grad():
        after = nn.losses.binary_cross_entropy_with_logits([model(x)[0] for x in batch], targets).data
    return {"gap": gap, "before": loss.data, "after": after}


def draw(out: Output, settings: dict[str, Any], model: nn.MLP, history: nn.History, X: list, y: list,
         xs: list[float], ys: list[float], before: list[list[float]], after: list[list[float]]) -> None:
    """training_loop.png: the loss curve, and P(class 1) over the plane before and after."""
    fig, (curve, start, end) = figure(16, 4.8, columns=3)
    epochs = range(1, history.epochs + 1)
    curve.plot(epochs, history.loss, color="#2563eb", lw=2, label="training loss (mean over the epoch)")
    curve.set(title="The loss falls as training repeats the loop", xlabel="epoch",
              ylabel="binary cross-entropy", yscale="log")
    accuracy = curve.twinx()
    accuracy.plot(epochs, [100 * a for a in history.accuracy], color="#16a34a", lw=1.5, ls="--",
                  label="training accuracy")
    accuracy.set(ylabel="training accuracy (%)", ylim=(0, 101))
    lines = curve.get_lines() + accuracy.get_lines()
    curve.legend(lines, [line.get_label() for line in lines], loc="lower left")
    for axes, grid, title in ((start, before, "Before training: a random boundary"),
                              (end, after, f"After {history.epochs} epochs: the learned boundary")):
        shading = axes.contourf(xs, ys, grid, levels=[0, 0.1, 0.3, 0.5, 0.7, 0.9, 1], cmap="RdBu_r",
                                alpha=0.55, vmin=0, vmax=1)
        axes.contour(xs, ys, grid, levels=[0.5], colors="black", linewidths=2)
        scatter_classes(axes, X, y, ["class 0 (upper moon)", "class 1 (lower moon)"])
        axes.plot([], [], color="black", lw=2, label="decision boundary, P(class 1) = 0.5")
        axes.set(title=title, xlabel="x1 (first input)", ylabel="x2 (second input)")
        axes.legend(loc="lower left", fontsize=8, framealpha=0.9)
    fig.colorbar(shading, ax=[start, end], label="P(class 1) predicted by the network", shrink=0.9)
    fig.suptitle(f"MLP 2-{'-'.join(map(str, settings['hidden']))}-1 ({model.num_parameters()} parameters) on "
                 f"{len(X)} moons points: lr {settings['lr']}, momentum {settings['momentum']}, "
                 f"batches of {settings['batch_size']}")
    out.save(fig, "training_loop.png",
             "The training loop figure: the loss per epoch (left) and the network's predicted P(class 1) "
             "over the plane before training (middle) and after (right); the black line is the decision "
             "boundary.")


def findings(settings: dict[str, Any], model: nn.MLP, history: nn.History) -> list[Finding]:
    """How far the loss fell, when it passed 0.1, the accuracy."""
    below = next((epoch for epoch, loss in enumerate(history.loss, 1) if loss < 0.1), None)
    steps = history.epochs * -(-settings["n"] // settings["batch_size"])
    return [
        Finding("loss", f"MLP with {model.num_parameters()} parameters, {history.epochs} epochs ({steps} "
                f"steps of forward, loss, zero_grad, backward, step): loss {number(history.loss[0])} -> "
                f"{number(history.loss[-1])}",
                {"first": history.loss[0], "last": history.loss[-1], "steps": steps}),
        Finding("below", f"the loss first fell below 0.1 in epoch {below}" if below else
                "the loss never fell below 0.1", {"epoch": below}),
        Finding("accuracy", f"training accuracy {100 * history.accuracy[0]:.0f}% in the first epoch -> "
                f"{100 * history.accuracy[-1]:.0f}% in the last",
                {"first": history.accuracy[0], "last": history.accuracy[-1]}),
    ]


def update_finding(settings: dict[str, Any], history: nn.History, step: dict[str, float]) -> Finding:
    """C21: one step is exactly w - lr * dL/dw and lowers the batch's loss; repeated, the loss falls."""
    falls = sum(later < earlier for earlier, later in zip(history.loss, history.loss[1:]))
    holds = step["gap"] < 1e-12 and step["after"] < step["before"] and history.loss[-1] < history.loss[0] / 3
    return Finding("update", f"one nn.SGD step moved every weight to w - {settings['lr']:g} * dL/dw "
                   f"(largest deviation {step['gap']:.1e}) and lowered the batch's loss "
                   f"{number(step['before'])} -> {number(step['after'])}; repeated for {history.epochs} "
                   f"epochs the loss fell {number(history.loss[0])} -> {number(history.loss[-1])}, lower "
                   f"than the epoch before in {falls} of {history.epochs - 1} epochs",
                   {"gap": step["gap"], "falls": falls, **step}, claim="C21",
                   verdict="holds" if holds else "contradicted", pictures=("training_loop.png",))


def main(argv: list[str] | None = None) -> int:
    """python -m demos.training_loop [--out DIR] [--quick] [--no-progress]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
