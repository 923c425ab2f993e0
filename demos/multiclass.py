"""Demo 3: multi-class classification. A softmax classifier learns a 3-arm spiral with cross-entropy;
then multi-label data, where one point may carry several labels: softmax against independent sigmoids."""

from __future__ import annotations

import random
import statistics
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
TITLE = "multi-class classification: softmax and cross-entropy on a spiral; multi-label data"
INTRO = """
Three spiral arms, one class each. The network ends in 3 scores (logits); softmax turns them into 3
probabilities that sum to 1, and cross-entropy is -ln(probability of the true class). Look at the regions
where each class wins and at each class's probability over the plane; compare with a classifier that
has no hidden layer (softmax regression), which can only draw straight boundaries. Last, points that may
carry several labels at once: softmax makes the labels compete for one unit of probability, independent
sigmoids (one binary cross-entropy per label) do not.
"""
FULL: dict[str, Any] = {"per_class": 40, "hidden": [16, 16], "epochs": 60, "lr": 0.03, "momentum": 0.9,
                        "batch_size": 10, "grid": 60, "multi_label": {"n": 120, "epochs": 60}}
QUICK: dict[str, Any] = {"per_class": 20, "hidden": [12, 12], "epochs": 40, "lr": 0.05, "momentum": 0.9,
                         "batch_size": 10, "grid": 12, "multi_label": {"n": 80, "epochs": 60}}
CLASSES = 3
NAMES = ["class 0 (arm 1)", "class 1 (arm 2)", "class 2 (arm 3)"]


def probabilities(model: nn.MLP, points: list[list[float]]) -> list[list[float]]:
    """softmax(model(x)) for each point: one row of class probabilities per point."""
    with no_grad():
        return [[p.data for p in nn.softmax(model(x))] for x in points]


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Train a softmax MLP and a softmax regression on the spiral; draw regions and probabilities;
    multi-label."""
    seed = settings.get("seed", 0)
    X, y = nn.data.spiral(n_per_class=settings["per_class"], classes=CLASSES, seed=seed)
    train = {"loss": "cross_entropy", "lr": settings["lr"], "momentum": settings["momentum"],
             "batch_size": settings["batch_size"], "epochs": settings["epochs"], "seed": seed,
             "progress": progress}
    mlp = nn.MLP(2, [*settings["hidden"], CLASSES], activation="relu", seed=seed)
    initial = probabilities(mlp, X)
    announce(f"MLP 2-{'-'.join(map(str, settings['hidden']))}-3 with softmax cross-entropy")
    mlp_history = nn.fit(mlp, X, y, **train)
    linear = nn.MLP(2, [CLASSES], seed=seed)  # no hidden layer: softmax regression
    announce("softmax regression (no hidden layer)")
    linear_history = nn.fit(linear, X, y, **train)
    xs, ys = plane_grid(X, settings["grid"], margin=0.15)
    points = [[x, v] for v in ys for x in xs]
    grid = probabilities(mlp, points)
    linear_grid = probabilities(linear, points)
    draw_regions(out, settings, X, y, xs, ys, grid, linear_grid, mlp_history, linear_history)
    draw_probabilities(out, X, y, xs, ys, grid)
    labelled = multi_label(settings["multi_label"], progress, seed)
    draw_multi_label(out, labelled)
    return [*findings(mlp, mlp_history, linear_history, grid, probabilities(mlp, X), y, initial),
            multi_label_finding(labelled)]


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
    curves.set(title="Training loss", xlabel="epoch", ylabel="cross-entropy (mean over the epoch)",
               ylim=(0, None))
    curves.legend()
    fig.suptitle(f"Three classes, {len(X)} spiral points: where each class wins (argmax of softmax)")
    out.save(fig, "regions.png",
             "Decision regions: a softmax regression can only cut the plane with straight lines (left); the "
             "MLP follows the spiral arms (middle). Right: cross-entropy per epoch, starting near ln 3.")


def draw_probabilities(out: Output, X: list, y: list, xs: list[float], ys: list[float],
                       grid: list[list[float]]) -> None:
    """probabilities.png: one panel per class, its softmax probability over the plane."""
    fig, panels = figure(16, 5, columns=CLASSES)
    for k, axes in enumerate(panels):
        shading = axes.contourf(xs, ys, rows([row[k] for row in grid], len(xs)),
                                levels=[i / 10 for i in range(11)], cmap="Greys", vmin=0, vmax=1, alpha=0.6)
        scatter_classes(axes, X, y, NAMES)
        axes.set(title=f"P(class {k}): softmax output {k}", xlabel="x1", ylabel="x2")
        axes.legend(loc="lower left", fontsize=8, framealpha=0.9)
    fig.colorbar(shading, ax=list(panels), label="probability (the three sum to 1 at every point)",
                 shrink=0.9)
    fig.suptitle("Class probabilities of the trained MLP: each panel is one softmax output over the plane "
                 "(dark = probable)")
    out.save(fig, "probabilities.png",
             "Class probabilities: each panel shades one softmax output over the plane; each is high on its "
             "own arm and the three add up to 1 everywhere.")


def findings(mlp: nn.MLP, history: nn.History, linear_history: nn.History, grid: list[list[float]],
             train_probs: list[list[float]], y: list[int], initial: list[list[float]]) -> list[Finding]:
    """Accuracies, the true class's probability before and after training (C18), softmax summing to 1."""
    worst_sum = max(abs(sum(row) - 1) for row in grid)
    true_class = sum(row[label] for row, label in zip(train_probs, y)) / len(y)
    before = sum(row[label] for row, label in zip(initial, y)) / len(y)
    raised = true_class > max(before, 1 / CLASSES) + 0.2
    return [
        Finding("accuracy", f"MLP ({mlp.num_parameters()} parameters), {history.epochs} epochs: training "
                f"accuracy {100 * history.accuracy[-1]:.0f}%, cross-entropy {number(history.loss[0])} -> "
                f"{number(history.loss[-1])}",
                {"accuracy": history.accuracy[-1], "first": history.loss[0], "last": history.loss[-1]}),
        Finding("linear", f"softmax regression (no hidden layer), same training: only "
                f"{100 * linear_history.accuracy[-1]:.0f}% (cross-entropy "
                f"{number(linear_history.loss[-1])}): straight boundaries cannot follow a spiral",
                {"accuracy": linear_history.accuracy[-1], "last": linear_history.loss[-1]}),
        Finding("true_class", f"the {CLASSES} softmax outputs sum to 1 at all {len(grid)} grid points "
                f"(largest deviation {worst_sum:.1e}); cross-entropy training raised the true class's mean "
                f"probability from {number(before)} to {number(true_class)} (1/{CLASSES} = "
                f"{number(1 / CLASSES)} would be guessing)",
                {"true_class": true_class, "before": before, "worst": worst_sum}, claim="C18",
                verdict="holds" if raised and worst_sum < 1e-12 else "contradicted",
                pictures=("probabilities.png", "regions.png")),
    ]


# --- multi-label: softmax against independent sigmoids ---

LABELS = ("x1 > 0", "x2 > 0", "x1 + x2 < -1")
THRESHOLDS = [k / 20 for k in range(1, 11)]  # 0.05 ... 0.5: the cut-offs tried for softmax's label sets


def label_data(n: int, seed: int) -> tuple[list[list[float]], list[list[float]]]:
    """n points in the square [-1, 1]^2; each carries every label of LABELS whose condition holds (0 to 2 of
    them)."""
    rng = random.Random(seed + 5)
    X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
    return X, [[float(a > 0), float(b > 0), float(a + b < -1)] for a, b in X]


def independent_bce(outputs: list[list[Any]], targets: list[list[float]]) -> Any:
    """One binary cross-entropy per label (sigmoid of each logit on its own), averaged over every label of
    every point."""
    return nn.losses.binary_cross_entropy_with_logits([z for row in outputs for z in row],
                                                      [t for row in targets for t in row])


def softmax_cross_entropy(outputs: list[list[Any]], targets: list[list[float]]) -> Any:
    """Cross-entropy of softmax against the label set spread evenly over its labels:
    -sum_k t_k ln softmax(z)_k.

    Softmax has no way to say "no label": a point without labels gets the even spread 1/K over all K.
    """
    terms = []
    for row, labels in zip(outputs, targets, strict=True):
        share = [t / sum(labels) if sum(labels) else 1 / len(labels) for t in labels]
        terms.append(-sum(t * log_p for t, log_p in zip(share, nn.losses.log_softmax(row))))
    return sum(terms) / len(terms)


def exact(predicted: list[list[float]], targets: list[list[float]], threshold: float,
          rows: list[int]) -> float:
    """The share of the rows whose whole label set (every probability above threshold) is right."""
    right = [all((p > threshold) == (t == 1.0) for p, t in zip(predicted[i], targets[i])) for i in rows]
    return sum(right) / len(right) if right else float("nan")


def multi_label(settings: dict[str, Any], progress: bool, seed: int) -> dict[str, Any]:
    """Train a linear 2-3 model twice on the multi-label points: softmax cross-entropy, independent
    sigmoids."""
    X, Y = label_data(settings["n"], seed)
    probs = {}
    for name, loss, squash in (("softmax", softmax_cross_entropy, nn.softmax),
                               ("independent sigmoids", independent_bce,
                                lambda row: [z.sigmoid() for z in row])):
        model = nn.MLP(2, [len(LABELS)], seed=seed)
        announce(f"{len(LABELS)} labels, one linear layer, {name}")
        nn.fit(model, X, Y, loss=loss, lr=0.5, batch_size=20, epochs=settings["epochs"], seed=seed,
               progress=progress)
        with no_grad():
            probs[name] = [[p.data for p in squash(model(x))] for x in X]
    counts = [int(sum(labels)) for labels in Y]
    by_count = {k: [i for i, c in enumerate(counts) if c == k] for k in sorted(set(counts))}
    everyone = list(range(len(X)))
    best = max(THRESHOLDS, key=lambda t: exact(probs["softmax"], Y, t, everyone))
    cut = {"softmax": best, "independent sigmoids": 0.5}
    accuracy = {name: {k: exact(probs[name], Y, cut[name], rows) for k, rows in by_count.items()} | {
        "all": exact(probs[name], Y, cut[name], everyone)} for name in probs}
    multi = [i for i, c in enumerate(counts) if c >= 2]
    share = {name: statistics.fmean(p for i in multi for p, t in zip(probs[name][i], Y[i]) if t == 1.0)
             for name in probs}
    return {"X": X, "Y": Y, "probs": probs, "by_count": by_count, "cut": cut, "accuracy": accuracy,
            "share": share}


def draw_multi_label(out: Output, result: dict[str, Any]) -> None:
    """multi_label.png: the points and their labels; each model's whole-set accuracy by the number of
    labels."""
    fig, (plane, bars) = figure(14, 5, columns=2)
    X, Y = result["X"], result["Y"]
    markers = [("o", 140, "none"), ("s", 60, "none"), ("x", 40, None)]
    for k, (name, (marker, size, face)) in enumerate(zip(LABELS, markers)):
        chosen = [x for x, labels in zip(X, Y) if labels[k]]
        style = {"facecolors": face, "edgecolors": CLASS_COLOURS[k]} if face else {"color": CLASS_COLOURS[k]}
        plane.scatter([p[0] for p in chosen], [p[1] for p in chosen], s=size, marker=marker, lw=1.4,
                      label=f"label {k + 1}: {name} ({len(chosen)} points)", **style)
    plane.scatter([x[0] for x, labels in zip(X, Y) if not any(labels)],
                  [x[1] for x, labels in zip(X, Y) if not any(labels)],
                  s=12, color="#9ca3af", label="no label")
    plane.set(title="Multi-label data: a point may carry 0, 1 or 2 labels", xlabel="x1", ylabel="x2")
    plane.legend(loc="upper left", fontsize=8, framealpha=0.9)
    counts = list(result["by_count"])
    width = 0.38
    for offset, (name, colour) in zip((-width / 2, width / 2),
                                      (("softmax", "#ea580c"), ("independent sigmoids", "#111827"))):
        heights = [100 * result["accuracy"][name][k] for k in counts]
        bars.bar([k + offset for k in counts], heights, width=width, color=colour,
                 label=f"{name} (label if p > {result['cut'][name]:g}): "
                 f"{100 * result['accuracy'][name]['all']:.0f}% of all points")
    bars.set(xticks=counts,
             xticklabels=[f"{k} label{'s' if k != 1 else ''}\n({len(result['by_count'][k])} points)"
                          for k in counts],
             ylabel="points whose whole label set is right (%)",
             ylim=(0, 110), title="Whole label set right, by the number of labels")
    bars.legend(loc="upper right", fontsize=8)
    share = result["share"]
    fig.suptitle(f"On points with 2 labels each true label gets p = {number(share['softmax'])} from softmax "
                 f"(the outputs sum to 1), {number(share['independent sigmoids'])} from independent sigmoids")
    out.save(fig, "multi_label.png",
             "Multi-label classification: softmax spreads one unit of probability over the labels, so two "
             f"true labels get about half each (mean {number(share['softmax'])}) and no cut-off gets both "
             "label sets and single labels right; one sigmoid per label with binary cross-entropy answers "
             f"each label on its own (mean {number(share['independent sigmoids'])}).")


def multi_label_finding(result: dict[str, Any]) -> Finding:
    """C19: softmax (at its best cut-off) against independent sigmoids on the multi-label points."""
    accuracy, share = result["accuracy"], result["share"]
    soft, sig = accuracy["softmax"], accuracy["independent sigmoids"]
    two = max(result["by_count"])
    none = len(result["by_count"].get(0, []))
    holds = (sig["all"] > soft["all"] + 0.1
             and share["softmax"] <= 0.5 + 1e-9 < share["independent sigmoids"])
    return Finding("multi_label", f"{len(result['X'])} points with 0-{two} of {len(LABELS)} labels: whole "
                   f"label set right for {100 * sig['all']:.0f}% with independent sigmoids, "
                   f"{100 * soft['all']:.0f}% with softmax even at its best cut-off "
                   f"p > {result['cut']['softmax']:g} ({100 * sig[two]:.0f}% against "
                   f"{100 * soft[two]:.0f}% on the {two}-label points); a true label of a {two}-label point "
                   f"gets p = {number(share['softmax'])} from softmax, at most 1/2 since the outputs sum to "
                   f"1, and {number(share['independent sigmoids'])} from the sigmoids"
                   + (f"; softmax gets {100 * soft[0]:.0f}% of the {none} points without a label right (it "
                      f"cannot say 'none'), the sigmoids {100 * sig[0]:.0f}%" if none else ""),
                   {"sigmoid": sig, "softmax": soft, "share": share, "cut": result["cut"]["softmax"]},
                   claim="C19",
                   verdict="holds" if holds else "nuanced" if sig["all"] > soft["all"] else "contradicted",
                   pictures=("multi_label.png",))


def main(argv: list[str] | None = None) -> int:
    """python -m demos.multiclass [--out DIR] [--quick] [--no-progress]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
