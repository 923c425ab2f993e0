"""Demo: optimisers. SGD, mini-batch and full batch counted per update, per epoch and per second;
the variance of a batch's gradient against its size; momentum on an elongated bowl at the same learning
rate, through noisy gradients and across a flat plateau."""

from __future__ import annotations

import math
import random
import statistics
import sys
import textwrap
import time
from typing import Any

import nn
from autograd import Value, no_grad

from ._tour import Finding, Output, announce, figure, main_for, number

NAME = "optimizers"
TITLE = "optimisers: stochastic, mini-batch, full batch and momentum, counted fairly"
INTRO = """
The same network, data and start, four ways to step: full-batch gradient descent (one step per epoch),
stochastic (one step per sample), mini-batch (one per 10 samples) and full batch with momentum 0.9. Which
is "faster" depends on what is counted: updates, epochs (samples seen) or seconds, and seconds differ
between this scalar engine (a batch of 10 costs 10 samples) and vectorised hardware (a batch costs about
one sample; measured with NumPy arrays). The training loss is measured on the whole set
after the updates, so SGD's noise is not averaged away. Then the variance of a batch gradient against the
batch size m, and momentum on a long narrow bowl, compared with plain descent at the SAME learning rate,
with exact and with noisy gradients, and on a flat plateau.
"""
FULL: dict[str, Any] = {"n": 50, "hidden": [8, 8], "epochs": 16, "lr": 0.2, "bowl_steps": 60, "draws": 200,
                        "noisy_runs": 20, "noisy_steps": 1000, "plateau_steps": 250, "copies": 4}
QUICK: dict[str, Any] = {"n": 30, "hidden": [4, 4], "epochs": 8, "lr": 0.2, "bowl_steps": 60, "draws": 60,
                         "noisy_runs": 8, "noisy_steps": 1000, "plateau_steps": 250, "copies": 3}
LOSS = "binary_cross_entropy_with_logits"
# name -> (batch_size, momentum, colour, line style)
RUNS = {"full-batch GD": (None, 0.0, "#111827", "-"), "SGD (batch 1)": (1, 0.0, "#dc2626", "-"),
        "mini-batch (10)": (10, 0.0, "#2563eb", "-"),
        "full batch + momentum 0.9": (None, 0.9, "#16a34a", "--")}
SGD_RUN, MINI_RUN, GD_RUN, MOMENTUM_RUN = ("SGD (batch 1)", "mini-batch (10)", "full-batch GD",
                                           "full batch + momentum 0.9")
BATCH_SIZES = (1, 2, 5, 10, 20)
# the bowl L(x, y) = (x^2 + CURVATURE y^2) / 2: curvature 1 along x, CURVATURE across
CURVATURE = 50.0
START = (-8.0, 1.0)
STILL = 0.01  # a zig-zag left below 1% of the starting offset across the valley counts as none
BOWL_RATES = (0.038, 0.01)  # near plain descent's limit 2 / 50, and well below it
BETAS = (0.0, 0.5, 0.9)
BETA_COLOURS = {0.0: "#dc2626", 0.5: "#2563eb", 0.9: "#16a34a"}
NOISE = 2.0  # standard deviation of the noise added to each gradient component on the noisy bowl
NOISY_LR, NOISY_TARGET = 0.01, 1.0
PLATEAU_LR, PLATEAU_CENTRE, PLATEAU_WIDTH, PLATEAU_START = 1.0, 6.0, 2.0, -1.0


# --- 1. the moons, four ways to step, the full training loss measured along the way ---


def full_loss(model: nn.MLP, X: list[list[float]], y: list[float]) -> float:
    """The loss over the whole training set (no graph recorded)."""
    with no_grad():
        outputs = [model(x)[0] for x in X]
        return nn.losses.LOSSES[LOSS](outputs, y).data


def train(settings: dict[str, Any], batch_size: int | None, momentum: float) -> dict[str, Any]:
    """A training loop with nn.batches and nn.SGD that records the whole-set loss after updates.

    Every update of the first half epoch's worth of samples is measured (to show the noise), then every 25
    updates and at each epoch's end. ``seconds`` counts the CPU time of the updates only.
    """
    seed = settings["seed"]
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=seed)
    model = nn.MLP(2, [*settings["hidden"], 1], seed=seed)
    optimiser = nn.SGD(model.parameters(), lr=settings["lr"], momentum=momentum)
    rng, loss_function = random.Random(seed), nn.losses.LOSSES[LOSS]
    record = {"updates": [0], "seconds": [0.0], "loss": [full_loss(model, X, y)], "epoch_loss": []}
    updates, seconds = 0, 0.0
    for _ in range(settings["epochs"]):
        for X_batch, y_batch in nn.batches(X, y, batch_size, rng=rng):
            start = time.process_time()
            optimiser.zero_grad()
            loss_function([model(x)[0] for x in X_batch], y_batch).backward()
            optimiser.step()
            seconds += time.process_time() - start
            updates += 1
            if updates <= settings["n"] // 2 or updates % 25 == 0:
                _measure(record, updates, seconds, full_loss(model, X, y))
        if record["updates"][-1] != updates:
            _measure(record, updates, seconds, full_loss(model, X, y))
        record["epoch_loss"].append(record["loss"][-1])
    record["per_epoch"] = updates // settings["epochs"]
    return record


def _measure(record: dict[str, Any], updates: int, seconds: float, loss: float) -> None:
    record["updates"].append(updates)
    record["seconds"].append(seconds)
    record["loss"].append(loss)


def compare(settings: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each of RUNS trained from the same start on the same data."""
    results = {}
    for name, (batch_size, momentum, _, _) in RUNS.items():
        announce(name)
        results[name] = train(settings, batch_size, momentum)
    return results


def vectorised_seconds(hidden: list[int], sizes: list[int], repeats: int = 30) -> dict[int, float]:
    """CPU seconds per update of the same MLP written with NumPy arrays (vectorised) at each batch size.

    NumPy (which matplotlib needs anyway) stands in for parallel hardware: a whole batch goes through
    each layer as one matrix product, the way PyTorch on a CPU or GPU runs it.
    """
    import numpy as np

    generator = np.random.default_rng(0)
    widths = [2, *hidden, 1]
    weights = [generator.normal(size=(a, b)) for a, b in zip(widths, widths[1:])]
    costs = {}
    for size in sizes:
        X, t = generator.normal(size=(size, 2)), (generator.random(size) > 0.5).astype(float)
        _vectorised_update(np, weights, X, t)  # a warm-up update
        rounds = []
        for _ in range(5):  # the fastest of 5 rounds: the machine's other work only ever adds time
            start = time.process_time()
            for _ in range(repeats):
                _vectorised_update(np, weights, X, t)
            rounds.append((time.process_time() - start) / repeats)
        costs[size] = min(rounds)
    return costs


def _vectorised_update(np: Any, weights: list[Any], X: Any, t: Any, lr: float = 1e-9) -> None:
    """One SGD update of an MLP (ReLU hidden layers, no biases) on a batch, binary cross-entropy on logits.

    Forward a_{k+1} = relu(a_k W_k); at the output dL/dz = (sigmoid(z) - t) / m; backward
    dL/dW_k = a_k^T delta_k, delta_{k-1} = (delta_k W_k^T) * [a_k > 0].
    """
    layers = [X]
    for k, W in enumerate(weights):
        z = layers[-1] @ W
        layers.append(z if k == len(weights) - 1 else np.maximum(z, 0))
    delta = (1 / (1 + np.exp(-layers[-1][:, 0])) - t)[:, None] / len(t)
    for k in range(len(weights) - 1, -1, -1):
        gradient = layers[k].T @ delta
        delta = (delta @ weights[k].T) * (layers[k] > 0)
        weights[k] -= lr * gradient


def loss_at(record: dict[str, Any], axis: str, at: float) -> float:
    """The last whole-set loss measured at or before ``at`` on the axis ("updates", "seconds",
    "vectorised")."""
    chosen = record["loss"][0]
    for position, loss in zip(record[axis], record["loss"]):
        if position <= at:
            chosen = loss
    return chosen


def replicas(settings: dict[str, Any], batch_size: int, checkpoints: list[int]) -> dict[int, list[float]]:
    """The whole-set loss after each checkpoint's number of updates, over settings["copies"] runs that differ
    only in the order of the samples (one run's loss after a given update is too noisy to compare)."""
    seed = settings["seed"]
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=seed)
    found: dict[int, list[float]] = {checkpoint: [] for checkpoint in checkpoints}
    for copy in range(settings["copies"]):
        model = nn.MLP(2, [*settings["hidden"], 1], seed=seed)
        optimiser = nn.SGD(model.parameters(), lr=settings["lr"])
        rng, updates = random.Random(1000 * (seed + 1) + copy), 0
        while updates < max(checkpoints):
            for X_batch, y_batch in nn.batches(X, y, batch_size, rng=rng):
                optimiser.zero_grad()
                nn.losses.LOSSES[LOSS]([model(x)[0] for x in X_batch], y_batch).backward()
                optimiser.step()
                updates += 1
                if updates in found:
                    found[updates].append(full_loss(model, X, y))
                if updates == max(checkpoints):
                    break
    return found


def late_median(record: dict[str, Any], seconds: float) -> float:
    """The median whole-set loss over the checkpoints in the last quarter of the first ``seconds`` of CPU time
    (one checkpoint of a noisy run is a poor summary)."""
    late = [loss for at, loss in zip(record["seconds"], record["loss"]) if 0.75 * seconds <= at <= seconds]
    return statistics.median(late) if late else loss_at(record, "seconds", seconds)


def views(settings: dict[str, Any], results: dict[str, dict[str, Any]], vectorised: dict[int, float]
          ) -> dict[str, Any]:
    """SGD against mini-batch per update, per epoch, per CPU second here and per second vectorised.

    Per epoch and per CPU second: the two recorded runs, the median over the last quarter of the epochs and of
    the time both have run. Per update and per vectorised
    second: means over settings["copies"] runs each, after the mini-batch run's number of updates and after
    as many SGD updates as fit into the mini-batch run's vectorised time.
    """
    n = settings["n"]
    sgd, mini = results[SGD_RUN], results[MINI_RUN]
    for name, record in results.items():
        record["vectorised"] = [u * vectorised[RUNS[name][0] or n] for u in record["updates"]]
    updates = mini["updates"][-1]
    in_time = max(1, round(updates * vectorised[10] / vectorised[1]))
    sgd_copies = replicas(settings, 1, sorted({updates, in_time}))
    mini_copies = replicas(settings, 10, [updates])
    second = min(sgd["seconds"][-1], mini["seconds"][-1])
    last = max(1, len(sgd["epoch_loss"]) // 4)
    rows = {"update": (statistics.fmean(sgd_copies[updates]), statistics.fmean(mini_copies[updates])),
            "epoch": (statistics.median(sgd["epoch_loss"][-last:]),
                      statistics.median(mini["epoch_loss"][-last:])),
            "second": (late_median(sgd, second), late_median(mini, second)),
            "vectorised": (statistics.fmean(sgd_copies[in_time]), statistics.fmean(mini_copies[updates]))}
    at = {"update": updates, "epoch": len(sgd["epoch_loss"]), "second": second, "vectorised": in_time}
    return {"at": at, "losses": rows, "mini_wins": {view: pair[1] < pair[0] for view, pair in rows.items()}}


VIEWS = {"epoch": "per epoch", "update": "per update", "second": "per CPU second in this engine",
         "vectorised": "per second vectorised"}


def draw_compare(out: Output, settings: dict[str, Any], results: dict[str, dict[str, Any]],
                 compared: dict[str, Any]) -> None:
    """batch_sizes.png: the whole-set loss per epoch, per update, per CPU second here and vectorised."""
    panels = [("epoch", "epochs (every sample seen once per epoch)"),
              ("update", "parameter updates (log scale)"),
              ("second", "CPU seconds of the updates in this engine (log scale)"),
              ("vectorised", "seconds at NumPy's measured cost per update (log scale)")]
    axis_of = {"update": "updates", "second": "seconds", "vectorised": "vectorised"}
    fig, axes = figure(4.4 * len(panels), 4.8, columns=len(panels))
    for panel, (view, label) in zip(axes, panels):
        for name, record in results.items():
            _, _, colour, style = RUNS[name]
            if view == "epoch":
                xs, ys = range(1, len(record["epoch_loss"]) + 1), record["epoch_loss"]
            else:
                xs, ys = record[axis_of[view]][1:], record["loss"][1:]
            panel.plot(xs, ys, color=colour, ls=style, lw=1.6, label=name)
        sgd, mini = compared["losses"][view]
        averaged = (f" (means of {settings['copies']} runs)" if view in ("update", "vectorised")
                    else " (medians, last quarter)")
        panel.set(yscale="log", xlabel=label, ylabel="loss on the whole training set (log scale)")
        panel.set_title(f"{VIEWS[view]}: {'mini-batch' if mini < sgd else 'SGD'} ahead\n"
                        f"SGD {number(sgd)}, mini-batch {number(mini)}{averaged}", fontsize=9.5)
        if view != "epoch":
            panel.set_xscale("log")
        panel.legend(fontsize=8)
    fig.suptitle(f"One MLP 2-{'-'.join(map(str, settings['hidden']))}-1 on {settings['n']} moons points, "
                 f"lr {settings['lr']}, {settings['epochs']} epochs each: "
                 "who is ahead depends on what is counted")
    out.save(fig, "batch_sizes.png",
             "SGD against mini-batch (10) counted four ways (one recorded run each; the titles compare "
             "where both have run): "
             + ", ".join(f"{VIEWS[view]} {'mini-batch' if won else 'SGD'}"
                         for view, won in compared["mini_wins"].items()) + ".")


def draw_noise(out: Output, settings: dict[str, Any], results: dict[str, dict[str, Any]],
               rises: dict[str, float]) -> None:
    """sgd_noise.png: the whole-set loss after each of the first n / 2 updates."""
    fig, axes = figure(9, 4.8)
    for name, record in results.items():
        chosen = [(u, loss) for u, loss in zip(record["updates"], record["loss"]) if u <= settings["n"] // 2]
        axes.plot([u for u, _ in chosen], [loss for _, loss in chosen], color=RUNS[name][2], ls=RUNS[name][3],
                  lw=1.4, marker="." if len(chosen) < 30 else None,
                  label=f"{name}: {number(100 * rises[name], 2)}% of these updates raised the loss")
    axes.set(xlabel="parameter update", ylabel="loss on the whole training set",
             title=f"The first {settings['n'] // 2} updates of each run, "
                   f"the loss measured on all {settings['n']} samples")
    axes.legend(fontsize=8)
    out.save(fig, "sgd_noise.png",
             f"SGD's noise, unaveraged: after each one-sample update the whole-set loss goes up "
             f"{number(100 * rises[SGD_RUN], 2)}% of the time, full-batch steps raise it "
             f"{number(100 * rises[GD_RUN], 2)}% of the time.")


def rise_fraction(record: dict[str, Any], n: int) -> float:
    """The fraction of the first n / 2 updates after which the whole-set loss went up."""
    losses = [loss for u, loss in zip(record["updates"], record["loss"]) if u <= n // 2]
    return sum(b > a for a, b in zip(losses, losses[1:])) / max(1, len(losses) - 1)


# --- 2. the variance of a batch gradient against the batch size ---


def per_sample_gradients(settings: dict[str, Any]) -> tuple[list[list[float]], list[float]]:
    """Each sample's loss gradient at the initial weights, and one engine gradient of a 10-sample batch."""
    seed = settings["seed"]
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=seed)
    model = nn.MLP(2, [*settings["hidden"], 1], seed=seed)
    loss_function = nn.losses.LOSSES[LOSS]
    gradients = []
    for x, target in zip(X, y):
        model.zero_grad()
        loss_function([model(x)[0]], [target]).backward()
        gradients.append([p.grad for p in model.parameters()])
    model.zero_grad()
    loss_function([model(x)[0] for x in X[:10]], y[:10]).backward()
    return gradients, [p.grad for p in model.parameters()]


def batch_variance(gradients: list[list[float]], draws: int, seed: int) -> dict[int, float]:
    """E ||g_batch - g||^2 over random batches of each size m (drawn without replacement)."""
    rng = random.Random(seed)
    full = [statistics.fmean(column) for column in zip(*gradients)]
    variance = {}
    for size in BATCH_SIZES:
        total = 0.0
        for _ in range(draws):
            chosen = rng.sample(gradients, size)
            total += sum((statistics.fmean(c) - g) ** 2 for c, g in zip(zip(*chosen), full))
        variance[size] = total / draws
    return variance


def engine_seconds(settings: dict[str, Any], repeats: int = 5) -> dict[int, float]:
    """CPU seconds of one update (forward, backward, step) in this engine at each batch size (the fastest of
    ``repeats``)."""
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=settings["seed"])
    model = nn.MLP(2, [*settings["hidden"], 1], seed=settings["seed"])
    optimiser = nn.SGD(model.parameters(), lr=1e-9)
    costs = {}
    for size in BATCH_SIZES:
        rounds = []
        for _ in range(repeats):
            start = time.process_time()
            optimiser.zero_grad()
            nn.losses.LOSSES[LOSS]([model(x)[0] for x in X[:size]], y[:size]).backward()
            optimiser.step()
            rounds.append(time.process_time() - start)
        costs[size] = min(rounds)
    return costs


def slope(points: dict[int, float]) -> float:
    """The least-squares slope of log(value) against log(key)."""
    xs, ys = [math.log(k) for k in points], [math.log(v) for v in points.values()]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / sum((a - mx) ** 2 for a in xs)


def draw_variance(out: Output, settings: dict[str, Any], variance: dict[int, float], costs: dict[int, float],
                  vectorised: dict[int, float], fitted: float) -> None:
    """gradient_variance.png: the variance against m with the 1/m line; the cost of an update against m."""
    fig, (left, right) = figure(13, 4.8, columns=2)
    n = settings["n"]
    sizes = list(variance)
    left.plot(sizes, list(variance.values()), "o-", color="#2563eb", lw=2,
              label=f"measured: slope {number(fitted)}")
    left.plot(sizes, [variance[1] / m * (n - m) / (n - 1) for m in sizes], ":", color="#111827",
              label="variance(1) / m x (n - m) / (n - 1) (sampling without replacement)")
    left.set(xscale="log", yscale="log", xlabel="batch size m (log scale)",
             ylabel="E ||g_batch - g_full||^2 (log scale)",
             title=f"Batch gradient variance over {settings['draws']} batches per m: about 1/m")
    left.legend(fontsize=8)
    here, there = costs[10] / costs[1], vectorised[10] / vectorised[1]
    right.plot(sizes, [costs[m] * 1e3 for m in sizes], "o-", color="#dc2626", lw=2,
               label="this engine (scalar Python)")
    right.plot(sizes, [vectorised[m] * 1e3 for m in sizes], "s-", color="#16a34a", lw=2,
               label="NumPy (vectorised)")
    right.set(xscale="log", yscale="log", xlabel="batch size m (log scale)",
              ylabel="CPU ms per update (log scale)",
              title=f"Cost of one update: x{number(here, 2)} from m = 1 to 10 here, "
                    f"x{number(there, 2)} vectorised")
    right.legend(fontsize=8)
    out.save(fig, "gradient_variance.png",
             f"Left: the variance of a mini-batch gradient falls as 1/m (fitted slope {number(fitted)}). "
             f"Right: what an update costs: in this engine it grows with m (x{number(here, 2)} at m = 10), "
             f"vectorised it {'barely moves' if there < 2 else 'grows'} (x{number(there, 2)}).")


# --- 3. momentum on the elongated bowl, at the same learning rate ---


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


def zigzag(path: list[tuple[float, float]]) -> float:
    """The zig-zag left: the largest |y| (distance across the valley floor) over the second half of
    the path."""
    return max(abs(p[1]) for p in path[len(path) // 2:])


def bowl_label(lr: float, beta: float) -> str:
    """'GD, lr 0.01' or 'momentum 0.9, lr 0.01' (the names of the older findings)."""
    near = " (near the limit 2/50)" if lr > 0.9 * 2 / CURVATURE else ""
    return f"GD, lr {lr:g}{near}" if beta == 0 else f"momentum {beta:g}, lr {lr:g}"


def draw_bowl(out: Output, paths: dict[tuple[float, float], list[tuple[float, float]]], verdict: str) -> None:
    """momentum_bowl.png: per learning rate (row), one contour panel per beta and the loss per step."""
    fig, axes = figure(17, 7.4, columns=len(BETAS) + 1, rows=len(BOWL_RATES))
    xs = [-9 + 13 * i / 60 for i in range(61)]
    ys = [-1.3 + 2.6 * i / 60 for i in range(61)]
    grid = [[height((x, y)) for x in xs] for y in ys]
    levels = [0.05 * 4**k for k in range(6)]
    for row, lr in zip(axes, BOWL_RATES):
        for panel, beta in zip(row, BETAS):
            path = paths[(lr, beta)]
            panel.contour(xs, ys, grid, levels=levels, colors="#d1d5db", linewidths=1)
            panel.plot([p[0] for p in path], [p[1] for p in path], color=BETA_COLOURS[beta], marker="o",
                       ms=2.5, lw=1.2)
            panel.scatter([0], [0], color="black", marker="*", s=120, zorder=4)
            panel.set(xlim=(-9, 4), ylim=(-1.3, 1.3), xlabel="x (along the valley, curvature 1)",
                      ylabel="y (across, curvature 50)",
                      title=f"lr {lr:g}, {'no momentum' if beta == 0 else f'momentum {beta:g}'}: loss "
                            f"{number(height(path[-1]))}\nzig-zag left {number(zigzag(path), 2)}, "
                            f"turned back {reversals(path)} times")
        curves = row[-1]
        for beta in BETAS:
            path = paths[(lr, beta)]
            curves.plot(range(len(path)), [height(p) for p in path], color=BETA_COLOURS[beta], lw=2,
                        label=f"beta {beta:g}")
        curves.set(yscale="log", title=f"lr {lr:g}: loss per step", xlabel="step",
                   ylabel="L(x, y) (log scale)")
        curves.legend(fontsize=8)
    fig.suptitle(textwrap.fill(f"L(x, y) = (x^2 + 50 y^2) / 2 from ({START[0]:g}, {START[1]:g}), "
                               f"{len(path) - 1} steps, the SAME lr in each row: {verdict}", 150))
    out.save(fig, "momentum_bowl.png",
             "The momentum figure: each row one learning rate, each column one momentum beta "
             "(0 = plain descent). 'zig-zag left' is the largest |y| over the second half of the steps. "
             + verdict[0].upper() + verdict[1:] + ".")


def bowl_verdict(paths: dict[tuple[float, float], list[tuple[float, float]]]) -> dict[str, Any]:
    """Per lr and beta: does momentum lower the loss (speed) and the zig-zag left (oscillation)?"""
    faster, calmer = {}, {}
    for lr in BOWL_RATES:
        plain = paths[(lr, 0.0)]
        for beta in BETAS[1:]:
            path = paths[(lr, beta)]
            faster[(lr, beta)] = height(path[-1]) < height(plain[-1])
            calmer[(lr, beta)] = zigzag(path) <= max(zigzag(plain), STILL)
    every = all(faster.values()) and all(calmer.values())
    verdict = "holds" if every else "nuanced" if any(faster.values()) else "contradicted"
    return {"faster": faster, "calmer": calmer, "verdict": verdict}


def bowl_sentence(paths: dict[tuple[float, float], list[tuple[float, float]]], judged: dict[str, Any]) -> str:
    """The measured story of the bowl in words."""
    calm = [f"beta {b:g} at lr {lr:g}" for (lr, b), ok in judged["calmer"].items() if ok]
    wild = [f"beta {b:g} at lr {lr:g}" for (lr, b), ok in judged["calmer"].items() if not ok]
    fast = sum(judged["faster"].values())
    text = f"momentum ended lower than plain descent in {fast} of {len(judged['faster'])} same-lr pairs"
    if calm:
        text += "; it damped the zig-zag with " + ", ".join(calm)
    if wild:
        text += "; it swung wider with " + ", ".join(wild)
    return text


# --- 4. momentum with noisy gradients and on a plateau ---


def noisy_bowl(beta: float, runs: int, steps: int, seed: int) -> dict[str, float]:
    """nn.SGD on the bowl, each gradient plus N(0, NOISE^2) noise: steps to loss < NOISY_TARGET, final loss.

    The gradient is written into p.grad by hand (the bowl's formula plus noise), then nn.SGD steps.
    """
    reach, final = [], []
    for run in range(runs):
        rng = random.Random(10_000 * seed + run)
        x, y = Value(START[0]), Value(START[1])
        optimiser = nn.SGD([x, y], lr=NOISY_LR, momentum=beta)
        losses = []
        for _ in range(steps):
            x.grad = x.data + rng.gauss(0, NOISE)
            y.grad = CURVATURE * y.data + rng.gauss(0, NOISE)
            optimiser.step()
            losses.append(height((x.data, y.data)))
        reach.append(next((k + 1 for k, loss in enumerate(losses) if loss < NOISY_TARGET), steps + 1))
        final.append(statistics.fmean(losses[-steps // 4:]))
    return {"reach": statistics.median(reach), "reached": sum(r <= steps for r in reach),
            "floor": statistics.fmean(final)}


def plateau(w: float) -> float:
    """L(w) = 1 - exp(-(w - 6)^2 / 8): nearly flat far from 6, a well of depth 1 at w = 6."""
    return 1 - math.exp(-((w - PLATEAU_CENTRE) ** 2) / (2 * PLATEAU_WIDTH**2))


def plateau_run(beta: float, steps: int) -> list[float]:
    """nn.SGD from w = -1 on the plateau (exact gradients): the positions."""
    w = Value(PLATEAU_START)
    optimiser = nn.SGD([w], lr=PLATEAU_LR, momentum=beta)
    path = [w.data]
    for _ in range(steps):
        w.grad = (w.data - PLATEAU_CENTRE) / PLATEAU_WIDTH**2 * (1 - plateau(w.data))
        optimiser.step()
        path.append(w.data)
    return path


def crossed(path: list[float]) -> int | None:
    """The first step past the flat stretch (w >= 6 - 2, the well's edge), None if never."""
    return next((k for k, w in enumerate(path) if w >= PLATEAU_CENTRE - PLATEAU_WIDTH), None)


def arrival(path: list[float]) -> int | None:
    """The first step within 0.1 of the well's bottom and staying there, None if never."""
    for k in range(len(path)):
        if all(abs(w - PLATEAU_CENTRE) < 0.1 for w in path[k:]):
            return k
    return None


def draw_momentum_help(out: Output, settings: dict[str, Any], noisy: dict[float, dict[str, float]],
                       plateaus: dict[float, list[float]], verdict: str) -> None:
    """momentum_noise_plateau.png: noisy-bowl loss curves (one run) and the plateau crossing."""
    fig, (left, right) = figure(14, 4.8, columns=2)
    for beta in (0.0, 0.9):
        rng = random.Random(10_000 * settings["seed"])  # the first run of noisy_bowl, drawn again
        x, y = Value(START[0]), Value(START[1])
        optimiser, losses = nn.SGD([x, y], lr=NOISY_LR, momentum=beta), []
        for _ in range(settings["noisy_steps"]):
            x.grad = x.data + rng.gauss(0, NOISE)
            y.grad = CURVATURE * y.data + rng.gauss(0, NOISE)
            optimiser.step()
            losses.append(height((x.data, y.data)))
        result = noisy[beta]
        left.plot(range(1, len(losses) + 1), losses, color=BETA_COLOURS[beta], lw=1.3,
                  label=f"beta {beta:g}: median {number(result['reach'])} steps to loss < {NOISY_TARGET:g}, "
                        f"final {number(result['floor'])} (means of {settings['noisy_runs']} runs)")
    left.set(yscale="log", xlabel="step", ylabel="L(x, y) (log scale)",
             title=f"The bowl with noisy gradients (noise sd {NOISE:g}), lr {NOISY_LR:g}: one run each")
    left.legend(fontsize=8)
    for beta, path in plateaus.items():
        right.plot(range(len(path)), path, color=BETA_COLOURS[beta], lw=2,
                   label=f"beta {beta:g}: past the flat stretch after {_steps(crossed(path))} steps, "
                         f"settled after {_steps(arrival(path))}")
    right.axhline(PLATEAU_CENTRE, color="#9ca3af", ls=":", label="the well's bottom")
    right.axhline(PLATEAU_CENTRE - PLATEAU_WIDTH, color="#d1d5db", ls="--",
                  label="the well's edge (end of the flat part)")
    right.set(xlabel="step", ylabel="w",
              title=f"A plateau L(w) = 1 - exp(-(w - 6)^2 / 8) from w = {PLATEAU_START:g}, "
                    f"lr {PLATEAU_LR:g}, exact gradients")
    right.legend(fontsize=8, loc="lower right")
    fig.suptitle(textwrap.fill(f"Momentum through noise and across a flat region: {verdict}", 130))
    out.save(fig, "momentum_noise_plateau.png",
             "Left: noisy gradients on the bowl, plain descent against momentum 0.9 at the same lr. "
             f"Right: crossing a nearly flat stretch of loss. {verdict[0].upper() + verdict[1:]}.")


# --- the run and its findings ---


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Train four ways, measure the gradient variance, run the bowl, the noisy bowl and the plateau;
    draw; find."""
    settings = {"seed": 0, **settings}
    results = compare(settings)
    vectorised = vectorised_seconds(settings["hidden"], sorted({*BATCH_SIZES, settings["n"]}))
    compared = views(settings, results, vectorised)
    rises = {name: rise_fraction(record, settings["n"]) for name, record in results.items()}
    gradients, engine_batch = per_sample_gradients(settings)
    variance = batch_variance(gradients, settings["draws"], settings["seed"])
    costs = engine_seconds(settings)
    fitted = slope({m: v * (settings["n"] - 1) / (settings["n"] - m) for m, v in variance.items()})
    linearity = max(abs(a - statistics.fmean(c)) for a, c in zip(engine_batch, zip(*gradients[:10])))
    paths = {(lr, beta): descend(lr, beta, settings["bowl_steps"]) for lr in BOWL_RATES for beta in BETAS}
    judged = bowl_verdict(paths)
    noisy = {beta: noisy_bowl(beta, settings["noisy_runs"], settings["noisy_steps"], settings["seed"])
             for beta in BETAS}
    plateaus = {beta: plateau_run(beta, settings["plateau_steps"]) for beta in BETAS}
    helped = momentum_help(noisy, plateaus)
    draw_compare(out, settings, results, compared)
    draw_noise(out, settings, results, rises)
    draw_variance(out, settings, variance, costs, vectorised, fitted)
    draw_bowl(out, paths, bowl_sentence(paths, judged))
    draw_momentum_help(out, settings, noisy, plateaus, helped["text"])
    rows = old_findings(results, paths)
    rows += [c25(settings, results, rises, variance, gradients, costs),
             c27(variance, fitted, costs, vectorised, linearity),
             c28(compared, settings),
             c29(paths, judged), c30(helped)]
    return rows


def old_findings(results: dict[str, dict[str, Any]],
                 paths: dict[tuple[float, float], list[tuple[float, float]]]) -> list[Finding]:
    """The whole-set loss after the last epoch, the updates made, momentum on the moons; three bowl runs."""
    final = {name: r["epoch_loss"][-1] for name, r in results.items()}
    updates = {name: r["updates"][-1] for name, r in results.items()}
    epochs = len(next(iter(results.values()))["epoch_loss"])
    rows = [
        Finding("per_epoch", f"after {epochs} epochs, loss on the whole training set: "
                + ", ".join(f"{name} {number(loss)}" for name, loss in final.items()), dict(final)),
        Finding("updates", "parameter updates made in those epochs: "
                + ", ".join(f"{name} {count}" for name, count in updates.items()), dict(updates)),
        Finding("momentum_moons", f"momentum 0.9 with the same {updates[MOMENTUM_RUN]} full-batch "
                f"gradients: loss {number(final[MOMENTUM_RUN])} against {number(final[GD_RUN])} without",
                {"momentum": final[MOMENTUM_RUN], "gd": final[GD_RUN]}),
    ]
    for lr, beta in ((0.038, 0.0), (0.01, 0.0), (0.01, 0.9)):
        path, name = paths[(lr, beta)], bowl_label(lr, beta)
        rows.append(Finding(f"bowl: {name}", f"elongated bowl, {name}: loss {number(height(path[-1]))} after "
                            f"{len(path) - 1} steps, turned back across the valley {reversals(path)} times",
                            {"loss": height(path[-1]), "reversals": reversals(path)}))
    return rows


def c25(settings: dict[str, Any], results: dict[str, dict[str, Any]], rises: dict[str, float],
        variance: dict[int, float], gradients: list[list[float]], costs: dict[int, float]) -> Finding:
    """SGD: cheap (cost of an update against the full batch) and noisy (loss rises, gradient noise/signal)."""
    n = settings["n"]
    full = [statistics.fmean(column) for column in zip(*gradients)]
    signal = sum(g * g for g in full)
    noise_ratio = variance[1] / signal
    seconds = {name: r["seconds"][-1] / r["updates"][-1] for name, r in results.items()}
    cheap = seconds[SGD_RUN] / seconds[GD_RUN]
    noisy = rises[SGD_RUN] > rises[GD_RUN] + 0.1 and noise_ratio > 1
    verdict = "holds" if noisy and cheap < 0.5 else "nuanced" if noisy or cheap < 0.5 else "contradicted"
    text = (f"C25: an SGD update cost {number(1e3 * seconds[SGD_RUN], 2)} ms against "
            f"{number(1e3 * seconds[GD_RUN], 2)} ms for a full-batch one on {n} samples "
            f"(x{number(cheap, 2)}); the loss on the whole set rose after "
            f"{number(100 * rises[SGD_RUN], 2)}% of SGD's first {n // 2} updates "
            f"(full batch: {number(100 * rises[GD_RUN], 2)}%), and a one-sample gradient's variance is "
            f"{number(noise_ratio, 2)} times the squared length of the full gradient: "
            f"cheap {'and' if noisy else 'but not'} noisy")
    return Finding("C25", text, {"cost_ratio": cheap, "sgd_rises": rises[SGD_RUN], "gd_rises": rises[GD_RUN],
                                 "noise_ratio": noise_ratio}, claim="C25", verdict=verdict,
                   pictures=("sgd_noise.png", "gradient_variance.png"))


def c27(variance: dict[int, float], fitted: float, costs: dict[int, float], vectorised: dict[int, float],
        linearity: float) -> Finding:
    """Mini-batch variance falls as 1/m; its cost here grows with m, vectorised it barely does."""
    reduction = variance[1] / variance[10]
    engine_cost, vector_cost = costs[10] / costs[1], vectorised[10] / vectorised[1]
    text = (f"C27: the variance of a batch gradient fell x{number(reduction, 2)} from m = 1 to m = 10 "
            f"(fitted slope {number(fitted)} on log-log, -1 is 1/m; a batch's engine gradient equals the "
            f"mean of its samples' to {number(linearity, 1)}); an update costs x{number(engine_cost, 2)} "
            f"more in this engine, x{number(vector_cost, 2)} vectorised (NumPy)")
    values = {"reduction": reduction, "slope": fitted, "engine_cost": engine_cost,
              "vectorised_cost": vector_cost, "linearity": linearity}
    reduces = -1.3 < fitted < -0.7 and reduction > 3
    # Reasonable: a batch of 10 costs under 3 single-sample updates (a scalar engine pays about
    # linearly in m, a vectorised one barely). Judged against m, not against the measured variance
    # fall: both grow about as m, and comparing two noisy measures flipped the verdict by seed.
    cheap_here = engine_cost < 0.3 * 10
    cheap_vectorised = vector_cost < 0.3 * 10
    verdict = "contradicted" if not reduces else "holds" if cheap_here and cheap_vectorised else "nuanced"
    if verdict == "nuanced":
        text += (": the variance falls as 1/m; the cost is reasonable "
                 + ("vectorised" if cheap_vectorised else "nowhere measured")
                 + ", while in this scalar engine it grows almost as fast as the variance falls")
    return Finding("C27", text, values, claim="C27", verdict=verdict, pictures=("gradient_variance.png",))


def c28(compared: dict[str, Any], settings: dict[str, Any]) -> Finding:
    """Mini-batch against SGD per update, per epoch, per second here and vectorised."""
    parts = []
    for view, (sgd, mini) in compared["losses"].items():
        averaged = (f", means of {settings['copies']} runs" if view in ("update", "vectorised")
                    else ", medians over the last quarter")
        parts.append(f"{VIEWS[view]} {'mini-batch' if mini < sgd else 'SGD'} is ahead (SGD {number(sgd)}, "
                     f"mini-batch {number(mini)}{averaged})")
    wins = compared["mini_wins"]
    verdict = "holds" if all(wins.values()) else "contradicted" if not any(wins.values()) else "nuanced"
    text = "C28: loss on the whole set, SGD against mini-batch (10): " + "; ".join(parts)
    if verdict == "nuanced":
        text += (": true where a batch costs about one sample ("
                 + ", ".join(VIEWS[v] for v, w in wins.items() if w)
                 + "), not where the cost grows with the batch ("
                 + ", ".join(VIEWS[v] for v, w in wins.items() if not w) + ")")
    return Finding("C28", text, {"mini_wins": dict(wins), "losses": dict(compared["losses"]),
                                 "at": compared["at"]},
                   claim="C28", verdict=verdict, pictures=("batch_sizes.png",))


def c29(paths: dict[tuple[float, float], list[tuple[float, float]]], judged: dict[str, Any]) -> Finding:
    """Momentum against plain descent at the same lr on the bowl."""
    parts = []
    for lr in BOWL_RATES:
        runs = ", ".join(f"beta {b:g}: loss {number(height(paths[(lr, b)][-1]))}, zig-zag left "
                         f"{number(zigzag(paths[(lr, b)]), 2)}, {reversals(paths[(lr, b)])} turns"
                         for b in BETAS)
        parts.append(f"lr {lr:g}: {runs}")
    text = f"C29: the bowl, same lr for every beta ({'; '.join(parts)}): {bowl_sentence(paths, judged)}"
    values = {"faster": {f"{lr:g}/{b:g}": ok for (lr, b), ok in judged["faster"].items()},
              "calmer": {f"{lr:g}/{b:g}": ok for (lr, b), ok in judged["calmer"].items()}}
    return Finding("C29", text, values, claim="C29", verdict=judged["verdict"],
                   pictures=("momentum_bowl.png",))


def momentum_help(noisy: dict[float, dict[str, float]], plateaus: dict[float, list[float]]) -> dict[str, Any]:
    """Does momentum reach the target sooner under noise, settle as low, and cross the plateau sooner?"""
    plain, heavy = noisy[0.0], noisy[0.9]
    sooner = heavy["reach"] < plain["reach"]
    as_low = heavy["floor"] <= plain["floor"] * 1.2
    arrived = {beta: arrival(path) for beta, path in plateaus.items()}
    across = {beta: crossed(path) for beta, path in plateaus.items()}
    limit = len(plateaus[0.0])
    crossing = all((across[b] if across[b] is not None else limit)
                   < (across[0.0] if across[0.0] is not None else limit)
                   for b in BETAS[1:])
    verdict = ("holds" if sooner and as_low and crossing
               else "nuanced" if sooner or crossing else "contradicted")
    text = (f"with noisy gradients momentum 0.9 reached loss < {NOISY_TARGET:g} "
            f"{'sooner' if sooner else 'no sooner'} (median {number(heavy['reach'])} steps against "
            f"{number(plain['reach'])}) and settled {'as low' if as_low else 'higher'} "
            f"(final {number(heavy['floor'])} against {number(plain['floor'])}); "
            f"on the plateau, steps to cross the flat stretch / to settle in the well: "
            + ", ".join(f"beta {b:g} {_steps(across[b])} / {_steps(a)}" for b, a in arrived.items()))
    return {"verdict": verdict, "text": text, "sooner": sooner, "as_low": as_low, "crossing": crossing,
            "arrived": arrived, "across": across}


def _steps(count: int | None) -> str:
    return "never" if count is None else str(count)


def c30(helped: dict[str, Any]) -> Finding:
    """Momentum through noisy gradients and across the plateau."""
    text = "C30: " + helped["text"]
    if helped["verdict"] == "nuanced" and not helped["as_low"]:
        text += (": momentum carries the optimiser along, but at the same lr it also carries the noise "
                 "(a higher floor)")
    values = {key: helped[key] for key in ("sooner", "as_low", "crossing", "arrived", "across")}
    return Finding("C30", text, values, claim="C30", verdict=helped["verdict"],
                   pictures=("momentum_noise_plateau.png",))


def main(argv: list[str] | None = None) -> int:
    """python -m demos.optimizers [--out DIR] [--quick] [--no-progress] [--seed N]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
