"""Demo: real handwritten digits. chainrule trains an MLP 64-32-10 (on staged code of one sample's graph);
PyTorch trains the same one beside it."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from operator import add
from typing import Any

import nn
from autograd import Value, codegen

from ._tour import COLOURS, Finding, Output, announce, figure, main_for, number

NAME = "digits"
TITLE = "real data: handwritten digits, in chainrule and in PyTorch"
# A backslash at a line's end joins the next line onto it: the printed text keeps only the other line breaks.
INTRO = """
The 1,797 8x8 handwritten digits of the UCI set (nn.data.digits). \
An MLP 64-32-10 (tanh, softmax cross-entropy)
is trained by chainrule on mini-batches with momentum (nn.SGD), \
its gradients computed by staged code: the graph of
ONE sample's loss, written out once as straight-line Python by autograd.codegen \
and called once per sample (the
same numbers as building the graph and calling backward, checked on the first batch). \
The same network, copied
before training with nn.to_torch, is trained by PyTorch on the same batches in the same order. \
Look at the two loss
curves lying on each other, the held-out accuracy, the digits it gets wrong, \
and how much faster the tensor engine is.
"""
FULL: dict[str, Any] = {"train": None, "test": None, "epochs": 4, "lr": 0.1, "momentum": 0.9,
                        "batch_size": 32}
QUICK: dict[str, Any] = {"train": 300, "test": 150, "epochs": 2, "lr": 0.1, "momentum": 0.9,
                         "batch_size": 32}
LOSS = "cross_entropy"


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Train both engines from the same weights on the same batches; draw and measure them."""
    seed = settings.get("seed", 0)
    X, y = nn.data.digits()
    X_train, X_test, y_train, y_test = nn.data.split(X, y, test=0.2, seed=seed)
    X_train, y_train = X_train[: settings["train"]], y_train[: settings["train"]]
    X_test, y_test = X_test[: settings["test"]], y_test[: settings["test"]]
    model = nn.MLP(64, [32, 10], activation="tanh", seed=seed)
    module = _torch_copy(model)
    staged = stage(model)
    check = check_staged(model, staged, X_train, y_train, settings["batch_size"])
    announce(f"chainrule: {model} on {len(X_train)} digits, on the staged code of one sample's graph")
    history = train_staged(model, staged, X_train, y_train, settings, seed, progress)
    torch_run = None if module is None else train_torch(module, X_train, y_train, settings, seed, progress)
    predicted = [max(range(10), key=scores.__getitem__) for scores in nn.predict(model, X_test)]
    draw(out, X_test, y_test, predicted, history, torch_run)
    return [*findings(settings, X_train, y_test, predicted, history, torch_run, module, X_test), check]


def one_sample_loss(model: nn.MLP) -> tuple[Value, list[Value], list[Value]]:
    """The graph of one sample's cross-entropy, its pixels and its label (one-hot) as leaves of their own.

    loss = ln sum_k e^{z_k} - sum_k t_k z_k, with z = model(x) and t the one-hot label: the same number as
    nn.cross_entropy's ln sum_k e^{z_k} - z_y. (No max is subtracted inside the log, as nn's does for safety:
    the logits of this tanh network are bounded by its weights, far below where e^z overflows.)
    Returns (loss, pixels, one_hot).
    """
    pixels = [Value(0.0, label=f"x{i + 1}") for i in range(model.layers[0].nin)]
    one_hot = [Value(0.0, label=f"t{k}") for k in range(len(model.layers[-1].neurons))]
    logits = model(pixels)
    loss = sum(z.exp() for z in logits).log() - sum(t * z for t, z in zip(one_hot, logits, strict=True))
    return loss, pixels, one_hot


def stage(model: nn.MLP) -> dict[str, Any]:
    """codegen of one sample's loss: function(*weights, *pixels, *one_hot) -> (loss, [d loss / d each input]).

    Built once, before training; the weights are inputs, so the same code serves every step.
    """
    start = time.perf_counter()
    loss, pixels, one_hot = one_sample_loss(model)
    code = codegen(loss, model.parameters() + pixels + one_hot, fast=True)
    return {"function": code.function, "lines": code.source.count("\n") + 1,
            "seconds": time.perf_counter() - start}


def batch_gradient(staged: dict[str, Any], weights: list[float], X: list,
                   y: list[int]) -> tuple[float, list[float]]:
    """The batch's mean loss and its gradient for each weight: one call of the staged code per sample."""
    function, classes = staged["function"], 10
    loss_sum, totals = 0.0, [0.0] * len(weights)
    for pixels, label in zip(X, y, strict=True):
        one_hot = [0.0] * classes
        one_hot[label] = 1.0
        loss, grads = function(*weights, *pixels, *one_hot)
        loss_sum += loss
        # stops at the weights (grads also has the pixels' and labels')
        totals = list(map(add, totals, grads))
    return loss_sum / len(X), [g / len(X) for g in totals]


def train_staged(model: nn.MLP, staged: dict[str, Any], X: list, y: list[int], settings: dict[str, Any],
                 seed: int, progress: bool) -> dict:
    """nn.fit's loop with the staged code for forward and backward: the gradient into each parameter's
    .grad, then nn.SGD's step, on nn.fit's batches (see ``epochs``)."""
    params = model.parameters()
    optimiser = nn.SGD(params, lr=settings["lr"], momentum=settings["momentum"])

    def step(rows: list, labels: list[int]) -> float:
        loss, grads = batch_gradient(staged, [p.data for p in params], rows, labels)
        for p, g in zip(params, grads, strict=True):
            p.grad = g
        optimiser.step()
        return loss

    return epochs(X, y, settings, seed, progress, "chainrule", step)


def epochs(X: list, y: list, settings: dict[str, Any], seed: int, progress: bool, desc: str,
           step: Callable[[list, list], float]) -> dict:
    """Run ``step(rows, labels)`` (one update; returns the batch's mean loss before it) on nn.fit's batches:
    nn.batches with random.Random(seed), one shuffle per epoch. Returns the mean loss of each epoch (as
    nn.fit measures it) and the seconds per epoch."""
    from tqdm.auto import tqdm

    rng, losses = random.Random(seed), []
    start = time.perf_counter()
    for _ in tqdm(range(settings["epochs"]), desc=desc, unit="epoch", disable=not progress):
        total = 0.0
        for rows, labels in nn.batches(X, y, settings["batch_size"], True, rng):
            total += step(rows, labels) * len(rows)
        losses.append(total / len(X))
    return {"loss": losses, "seconds": (time.perf_counter() - start) / settings["epochs"]}


def check_staged(model: nn.MLP, staged: dict[str, Any], X: list, y: list[int], batch_size: int) -> Finding:
    """The staged code against the graph: the first batch's loss and gradient both ways, before training."""
    rows, labels = X[:batch_size], y[:batch_size]
    params = model.parameters()
    loss, grads = batch_gradient(staged, [p.data for p in params], rows, labels)
    with_graph = nn.losses.cross_entropy([model(x) for x in rows], labels)
    for p in params:
        p.grad = 0.0
    with_graph.backward()
    gap = max(abs(g - p.grad) for g, p in zip(grads, params, strict=True))
    scale = max(abs(p.grad) for p in params)
    for p in params:
        p.grad = 0.0
    return Finding("staged", f"the staged code of one sample's graph ({staged['lines']:,} lines, generated "
                   f"and compiled in {number(staged['seconds'], 2)} s) gives the graph's gradient on the "
                   f"first batch of {len(rows)}: {len(params):,} derivatives, largest difference "
                   f"{number(gap, 2)} (the largest derivative is {number(scale, 2)}); loss {number(loss, 6)} "
                   f"both ways (difference {number(abs(loss - with_graph.data), 2)})",
                   {"lines": staged["lines"], "gap": gap, "scale": scale,
                    "loss_gap": abs(loss - with_graph.data), "seconds": staged["seconds"]})


def _torch_copy(model: nn.MLP) -> Any:
    """The model in PyTorch, copied before training (None when torch is not installed)."""
    try:
        return nn.to_torch(model)
    except ImportError:
        return None


def train_torch(module: Any, X: list, y: list, settings: dict[str, Any], seed: int, progress: bool) -> dict:
    """PyTorch's training loop on the batches nn.fit drew (see ``epochs``): loss per epoch."""
    import torch

    announce(f"PyTorch: the same network ({sum(p.numel() for p in module.parameters())} parameters), "
             "same batches")
    inputs, targets = torch.tensor(X, dtype=torch.float64), torch.tensor(y)
    optimiser = torch.optim.SGD(module.parameters(), lr=settings["lr"], momentum=settings["momentum"])

    def step(rows: list[int], _labels: list[int]) -> float:
        loss = torch.nn.functional.cross_entropy(module(inputs[rows]), targets[rows])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        return loss.item()

    return epochs(list(range(len(X))), y, settings, seed, progress, "pytorch", step)  # rows by index


def confusion(y_true: list[int], y_pred: list[int]) -> list[list[int]]:
    """counts[true][predicted] over the test set."""
    counts = [[0] * 10 for _ in range(10)]
    for true, predicted in zip(y_true, y_pred, strict=True):
        counts[true][predicted] += 1
    return counts


def _show_digit(axes: Any, pixels: list[float], title: str, colour: str) -> None:
    axes.imshow([pixels[row * 8 : row * 8 + 8] for row in range(8)], cmap="gray_r", vmin=0, vmax=1)
    axes.set_title(title, fontsize=9, color=colour)
    axes.set_xticks([])
    axes.set_yticks([])


def draw(out: Output, X: list, y: list, predicted: list[int], history: dict, torch_run: dict | None) -> None:
    """digits_samples.png, digits_confusion.png, digits_loss.png."""
    draw_samples(out, X, y, predicted)
    draw_confusion(out, y, predicted)
    draw_loss(out, history, torch_run)


def draw_samples(out: Output, X: list, y: list, predicted: list[int]) -> None:
    """The first held-out digits with their predictions, and the misclassified ones."""
    wrong = [i for i in range(len(y)) if predicted[i] != y[i]][:12]
    fig, grid = figure(12, 5.4, columns=12, rows=3)
    for k, axes in enumerate(grid[:2].flat):
        right = predicted[k] == y[k]
        _show_digit(axes, X[k], f"{predicted[k]}" + ("" if right else f" (is {y[k]})"),
                    "#16a34a" if right else "#dc2626")
    for k, axes in enumerate(grid[2]):
        if k < len(wrong):
            i = wrong[k]
            _show_digit(axes, X[i], f"said {predicted[i]}, is {y[i]}", "#dc2626")
        else:
            axes.axis("off")
    fig.suptitle(f"Rows 1-2: the first 24 held-out digits with chainrule's prediction (red: wrong). Row 3: "
                 f"{len(wrong)} of the {sum(p != t for p, t in zip(predicted, y))} misclassified test digits")
    out.save(fig, "digits_samples.png",
             "Held-out digits (8x8 pixels) with the class chainrule's MLP predicts; the bottom row shows the "
             "digits it got wrong, with what it said and what they are.")


def draw_confusion(out: Output, y: list[int], predicted: list[int]) -> None:
    """The confusion matrix of the held-out set, each count written in its cell."""
    counts = confusion(y, predicted)
    fig, axes = figure(6.4, 5.6)
    image = axes.imshow(counts, cmap="Blues")
    for true in range(10):
        for guess in range(10):
            if counts[true][guess]:
                dark = counts[true][guess] > max(map(max, counts)) / 2
                axes.text(guess, true, str(counts[true][guess]), ha="center", va="center", fontsize=8,
                          color="white" if dark else ("#dc2626" if true != guess else "black"))
    axes.set(xticks=range(10), yticks=range(10), xlabel="predicted digit", ylabel="true digit",
             title=f"Confusion matrix on {len(y)} held-out digits")
    fig.colorbar(image, ax=axes, label="test digits")
    out.save(fig, "digits_confusion.png",
             "How often each true digit (row) was predicted as each digit (column) on the held-out set; "
             "off the diagonal (red counts) are the mistakes.")


def draw_loss(out: Output, history: dict, torch_run: dict | None) -> None:
    """Both engines' training loss per epoch, and their difference."""
    fig, (curves, gap) = figure(12, 4.4, columns=2)
    epochs = list(range(1, len(history["loss"]) + 1))
    curves.plot(epochs, history["loss"], color=COLOURS[0], lw=4, alpha=0.5, marker="o",
                label="chainrule (staged code, nn.SGD)")
    if torch_run is not None:
        curves.plot(epochs, torch_run["loss"], color=COLOURS[1], lw=1.5, ls="--", marker="x",
                    label="PyTorch (same weights, same batches)")
        differences = [abs(a - b) for a, b in zip(history["loss"], torch_run["loss"], strict=True)]
        gap.semilogy(epochs, [max(d, 1e-18) for d in differences], color=COLOURS[3], marker="o",
                     label=f"|chainrule - PyTorch| (exactly 0 in {differences.count(0.0)} epochs: "
                           "drawn at 1e-18)")
        gap.axhline(1e-6, color="#6b7280", ls=":", label="1e-6: the agreement promised")
        gap.set(title="The two curves differ only by rounding", xlabel="epoch", ylabel="absolute difference")
        gap.legend()
    else:
        gap.text(0.5, 0.5, "PyTorch is not installed:\npip install torch", ha="center", va="center")
        gap.axis("off")
    curves.set(title="Training loss per epoch (mean cross-entropy)", xlabel="epoch", ylabel="loss",
               yscale="log")
    curves.legend()
    for axes in (curves, gap):
        axes.set_xticks(epochs)
    out.save(fig, "digits_loss.png",
             "Left: the training loss of each epoch in chainrule and in PyTorch, from the same initial "
             "weights on the same mini-batches. Right: their absolute difference per epoch (log scale).")


def findings(settings: dict[str, Any], X_train: list, y_test: list[int], predicted: list[int], history: dict,
             torch_run: dict | None, module: Any, X_test: list) -> list[Finding]:
    """Accuracy, agreement of the two engines, time per epoch in each."""
    epochs, seconds = len(history["loss"]), history["seconds"]
    accuracy = sum(p == t for p, t in zip(predicted, y_test, strict=True)) / len(y_test)
    result = [Finding("accuracy", f"chainrule's MLP 64-32-10, {epochs} epochs on {len(X_train)} digits: "
                      f"{100 * accuracy:.1f}% of {len(y_test)} held-out digits right (chance: 10%)",
                      {"accuracy": accuracy, "test": len(y_test), "train": len(X_train)})]
    if torch_run is None:
        result.append(Finding("pytorch", "PyTorch is not installed (pip install torch): no side-by-side run, "
                              f"chainrule took {number(seconds)} s per epoch",
                              {"installed": False, "seconds": seconds}))
        return result
    gap = max(abs(a - b) for a, b in zip(history["loss"], torch_run["loss"], strict=True))
    torch_accuracy = _torch_accuracy(module, X_test, y_test)
    result.append(Finding("agreement", f"the two loss curves agree to {number(gap)} (largest difference "
                          f"over {epochs} epochs; float64); PyTorch's held-out accuracy "
                          f"{100 * torch_accuracy:.1f}%",
                          {"installed": True, "gap": gap, "torch_accuracy": torch_accuracy,
                           "chainrule": history["loss"], "pytorch": torch_run["loss"]}))
    ratio = seconds / torch_run["seconds"]
    faster = (f"PyTorch is {number(ratio)} times faster" if ratio >= 1
              else f"chainrule is {number(1 / ratio)} times faster")
    result.append(Finding("speed", f"time per epoch: chainrule {number(seconds)} s, PyTorch "
                          f"{number(torch_run['seconds'])} s: {faster} (Python arithmetic on floats for "
                          "every multiply-add of every sample, against one matrix product per layer and "
                          "batch)",
                          {"chainrule": seconds, "pytorch": torch_run["seconds"], "ratio": ratio}))
    return result


def _torch_accuracy(module: Any, X: list, y: list[int]) -> float:
    import torch

    with torch.no_grad():
        guesses = module(torch.tensor(X, dtype=torch.float64)).argmax(dim=1).tolist()
    return sum(g == t for g, t in zip(guesses, y, strict=True)) / len(y)


def main(argv: list[str] | None = None) -> int:
    """python -m demos.digits [--out DIR] [--quick] [--no-progress] [--seed N]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
