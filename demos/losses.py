"""Demo 6: loss functions. MSE, MAE and Huber on data with outliers; binary cross-entropy vs softmax cross-entropy."""

from __future__ import annotations

import random
import sys
from typing import Any

import nn
from autograd import no_grad

from ._tour import COLOURS, Finding, Output, announce, figure, main_for, number, plane_grid, scatter_classes

NAME = "losses"
TITLE = "loss functions: outliers pull MSE; sigmoid + BCE is a two-class softmax"
INTRO = """
A loss turns "how wrong" into one number to differentiate. MSE squares each error, so a few far-off
points dominate its gradient and drag the fitted line towards them; MAE counts errors linearly and
Huber is quadratic near 0, linear beyond delta = 1, so both shrug outliers off. For two classes, one
sigmoid output with binary cross-entropy and two softmax outputs with cross-entropy learn the same thing.
"""
FULL: dict[str, Any] = {"n": 30, "outliers": 5, "epochs": 400, "lr": 0.1,
                        "moons": 100, "hidden": 16, "class_epochs": 100, "grid": 50}
QUICK: dict[str, Any] = {"n": 20, "outliers": 4, "epochs": 300, "lr": 0.1,
                         "moons": 40, "hidden": 8, "class_epochs": 40, "grid": 12}
REGRESSION = {"MSE": "mse", "Huber (delta 1)": "huber", "MAE": "mae"}
SLOPE, INTERCEPT = 2.0, 1.0
PAIR = ("#111827", "#ea580c")  # sigmoid + BCE, softmax + cross-entropy (not the class colours)


def outlier_data(settings: dict[str, Any]) -> tuple[list[list[float]], list[float], int]:
    """nn.data.line's points on y = 2x + 1, then a few points far below the line at the right end."""
    X, y = nn.data.line(n=settings["n"], slope=SLOPE, intercept=INTERCEPT, noise=0.1, seed=0)
    rng = random.Random(1)
    count = settings["outliers"]
    xs = [0.55 + 0.4 * i / max(count - 1, 1) for i in range(count)]
    return X + [[x] for x in xs], y + [-4.0 + rng.gauss(0.0, 0.2) for _ in xs], len(X)


def fit_line(X: list, y: list, loss: str, settings: dict[str, Any], progress: bool) -> tuple[float, float]:
    """One linear neuron trained with this loss: its (slope, intercept)."""
    announce(f"one linear neuron with {loss} on {len(X)} points")
    model = nn.MLP(1, [1], output_activation="linear", seed=0)
    nn.fit(model, X, y, loss=loss, lr=settings["lr"], epochs=settings["epochs"], seed=0, progress=progress)
    neuron = model.layers[0].neurons[0]
    return neuron.w[0].data, neuron.b.data


def regression(settings: dict[str, Any], progress: bool) -> dict[str, Any]:
    """Fit lines with each loss, with and without the outliers."""
    X, y, inliers = outlier_data(settings)
    fitted = {name: fit_line(X, y, loss, settings, progress) for name, loss in REGRESSION.items()}
    clean = {name: fit_line(X[:inliers], y[:inliers], loss, settings, progress) for name, loss in REGRESSION.items()}
    return {"X": X, "y": y, "inliers": inliers, "fitted": fitted, "clean": clean}


def draw_regression(out: Output, result: dict[str, Any]) -> None:
    """outliers.png: the three fitted lines side by side, and each loss's penalty for one error."""
    X, y, inliers = result["X"], result["y"], result["inliers"]
    fig, panels = figure(18, 4.8, columns=4)
    ends = [-1.05, 1.05]
    for axes, (name, (slope, intercept)), colour in zip(panels, result["fitted"].items(), COLOURS):
        axes.scatter([x[0] for x in X[:inliers]], y[:inliers], s=18, color="#6b7280", label="data on y = 2x + 1")
        axes.scatter([x[0] for x in X[inliers:]], y[inliers:], s=45, color="#111827", marker="X",
                     label=f"{len(X) - inliers} outliers")
        axes.plot(ends, [SLOPE * e + INTERCEPT for e in ends], color="#6b7280", ls=":", label="true line, slope 2")
        axes.plot(ends, [slope * e + intercept for e in ends], color=colour, lw=2.5, label=f"fitted, slope {slope:.2f}")
        axes.set(title=f"{name}: slope {slope:.2f}", xlabel="input x", ylabel="target y", ylim=(-5.5, 4))
        axes.legend(loc="lower left", fontsize=8)
    shapes = panels[3]
    residuals = [-3 + 6 * i / 200 for i in range(201)]
    for (name, loss), colour in zip(REGRESSION.items(), COLOURS):
        function = nn.losses.LOSSES[loss]
        shapes.plot(residuals, [function([r], [0.0]).data for r in residuals], color=colour, lw=2, label=name)
    shapes.set(title="Why: the penalty for one error", xlabel="error (prediction - target)", ylabel="loss of one point",
               ylim=(0, 4))
    shapes.legend()
    fig.suptitle("One linear neuron fitted to the same points with three losses: the squared error is pulled by the outliers")
    out.save(fig, "outliers.png",
             "Regression with outliers: MSE's line tilts towards the five outliers, Huber's much less, MAE's hardly; "
             "right, the penalty of each loss for one error: the square grows fastest.")


def classification(settings: dict[str, Any], progress: bool) -> dict[str, Any]:
    """The moons with one sigmoid output + BCE and with two softmax outputs + cross-entropy."""
    X, y = nn.data.moons(n=settings["moons"], noise=0.1, seed=0)
    train = {"lr": 0.1, "momentum": 0.9, "batch_size": 20, "epochs": settings["class_epochs"], "seed": 0,
             "progress": progress}
    sigmoid = nn.MLP(2, [settings["hidden"], 1], seed=0)
    softmax = nn.MLP(2, [settings["hidden"], 2], seed=0)
    announce("one sigmoid output with binary cross-entropy")
    bce = nn.fit(sigmoid, X, y, loss="binary_cross_entropy_with_logits", **train)
    announce("two softmax outputs with cross-entropy")
    histories = {"sigmoid + binary cross-entropy": bce,
                 "softmax + cross-entropy": nn.fit(softmax, X, y, loss="cross_entropy", **train)}
    xs, ys = plane_grid(X, settings["grid"])
    with no_grad():
        grids = [[[sigmoid([a, b])[0].sigmoid().data for a in xs] for b in ys],
                 [[nn.softmax(softmax([a, b]))[1].data for a in xs] for b in ys]]
        logits = [softmax(x) for x in X]
        agree = sum((p >= 0.5) == (q >= 0.5) for row_p, row_q in zip(*grids) for p, q in zip(row_p, row_q))
        gap = max(abs(nn.softmax(z)[1].data - (z[1] - z[0]).sigmoid().data) for z in logits)
    return {"X": X, "y": y, "histories": histories, "xs": xs, "ys": ys, "grids": grids, "gap": gap,
            "agree": agree / (len(xs) * len(ys))}


def draw_classification(out: Output, result: dict[str, Any]) -> None:
    """bce_vs_softmax.png: the two models' loss curves and decision boundaries."""
    fig, (curves, plane) = figure(14, 5.2, columns=2)
    for (name, history), colour in zip(result["histories"].items(), PAIR):
        curves.plot(range(1, history.epochs + 1), history.loss, color=colour, lw=2,
                    label=f"{name} ({100 * history.accuracy[-1]:.0f}% right)")
    curves.set(yscale="log", title="Training loss of the two models", xlabel="epoch",
               ylabel="cross-entropy (log scale)")
    curves.legend()
    scatter_classes(plane, result["X"], result["y"], ["class 0", "class 1"])
    for grid, (name, colour, style) in zip(result["grids"], (("sigmoid + BCE", PAIR[0], "-"),
                                                             ("softmax + cross-entropy", PAIR[1], "--"))):
        plane.contour(result["xs"], result["ys"], grid, levels=[0.5], colors=colour, linestyles=style, linewidths=2.5)
        plane.plot([], [], color=colour, ls=style, lw=2.5, label=f"{name}: P(class 1) = 0.5")
    plane.set(title=f"The two decision boundaries: same class on {100 * result['agree']:.0f}% of the plane",
              xlabel="x1", ylabel="x2")
    plane.legend(loc="lower left", fontsize=8)
    fig.suptitle("Two classes, two ways: one sigmoid output with BCE, or two softmax outputs with cross-entropy")
    out.save(fig, "bce_vs_softmax.png",
             "Binary cross-entropy on one sigmoid output and softmax cross-entropy on two outputs: both learn the "
             "moons and draw nearly the same boundary where the data is, since softmax([a, b])[1] = sigmoid(b - a); "
             "they differ away from the data, where nothing pins the boundary down.")


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Both experiments, their pictures, their findings."""
    fits = regression(settings, progress)
    classes = classification(settings, progress)
    draw_regression(out, fits)
    draw_classification(out, classes)
    return findings(fits, classes)


def findings(fits: dict[str, Any], classes: dict[str, Any]) -> list[Finding]:
    """The slopes with and without outliers; the two binary classifiers compared."""
    slopes = {name: slope for name, (slope, _) in fits["fitted"].items()}
    clean = {name: slope for name, (slope, _) in fits["clean"].items()}
    outliers = len(fits["X"]) - fits["inliers"]
    histories = classes["histories"]
    return [
        Finding("outliers", f"true slope {SLOPE:g}, {outliers} outliers among {len(fits['X'])} points: fitted slope "
                + ", ".join(f"{name} {slope:.2f}" for name, slope in slopes.items()),
                {"MSE": slopes["MSE"], "Huber": slopes["Huber (delta 1)"], "MAE": slopes["MAE"]}),
        Finding("clean", "without the outliers all three agree: slope "
                + ", ".join(f"{name} {slope:.2f}" for name, slope in clean.items()),
                {"MSE": clean["MSE"], "Huber": clean["Huber (delta 1)"], "MAE": clean["MAE"]}),
        Finding("binary", "moons: " + ", ".join(f"{name} loss {number(h.loss[-1])}, {100 * h.accuracy[-1]:.0f}% right"
                                                for name, h in histories.items()),
                {name: {"loss": h.loss[-1], "accuracy": h.accuracy[-1]} for name, h in histories.items()}),
        Finding("agree", f"the two boundaries give the same class on {100 * classes['agree']:.0f}% of a grid over the "
                "plane", {"agree": classes["agree"]}),
        Finding("softmax_is_sigmoid", f"two-class softmax is a sigmoid: |softmax([a, b])[1] - sigmoid(b - a)| <= "
                f"{classes['gap']:.1e} over the {len(classes['X'])} points", {"gap": classes["gap"]}),
    ]


def main(argv: list[str] | None = None) -> int:
    """python -m demos.losses [--out DIR] [--quick] [--no-progress]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
