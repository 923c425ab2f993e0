"""Demo 6: loss functions. MSE, MAE and Huber on data with outliers, on Gaussian targets, at the kink;
Huber's delta; binary cross-entropy's -ln p beside MSE; sigmoid + BCE vs two-class softmax."""

from __future__ import annotations

import functools
import math
import random
import statistics
import sys
from typing import Any

import nn
from autograd import Value, no_grad

from ._tour import COLOURS, Finding, Output, announce, figure, main_for, number, plane_grid, scatter_classes

NAME = "losses"
TITLE = "loss functions: outliers, Gaussian targets, MAE's kink, Huber's delta, the -ln p penalty"
INTRO = """
A loss turns "how wrong" into one number to differentiate. MSE squares each error, so a few far-off
points dominate its gradient and drag the fitted line towards them; MAE counts errors linearly and
Huber is quadratic near 0, linear beyond delta, so both shrug outliers off; delta slides Huber from
MAE-like to MSE-like. MSE is the right loss when the noise is Gaussian (its minimiser, the mean, varies
least from draw to draw), MAE when it is heavy-tailed. MAE's slope jumps at 0, so plain gradient descent
jitters around its minimum. For labels 0/1, binary cross-entropy's -ln p grows without bound as a wrong
prediction gets confident, where MSE's penalty stays below 1 and its gradient vanishes.
"""
FULL: dict[str, Any] = {"n": 24, "outliers": 4, "epochs": 150, "lr": 0.3,
                        "deltas": (0.1, 0.3, 1.0, 3.0, 10.0), "draws": 150, "draw_size": 15,
                        "moons": 50, "hidden": 8, "class_epochs": 50, "grid": 40}
QUICK: dict[str, Any] = {"n": 20, "outliers": 4, "epochs": 150, "lr": 0.3,
                         "deltas": (0.1, 1.0, 10.0), "draws": 120, "draw_size": 15,
                         "moons": 40, "hidden": 8, "class_epochs": 60, "grid": 12}
REGRESSION = {"MSE": "mse", "Huber (delta 1)": "huber", "MAE": "mae"}
SLOPE, INTERCEPT = 2.0, 1.0
PAIR = ("#111827", "#ea580c")  # sigmoid + BCE, softmax + cross-entropy (not the class colours)
KINK_LR = 0.3  # the constant learning rate of the kink experiment
TRUTH = 3.0  # the value the Gaussian and Laplace targets scatter around


def outlier_data(settings: dict[str, Any], seed: int = 0) -> tuple[list[list[float]], list[float], int]:
    """nn.data.line's points on y = 2x + 1, then a few points far below the line at the right end."""
    X, y = nn.data.line(n=settings["n"], slope=SLOPE, intercept=INTERCEPT, noise=0.1, seed=seed)
    rng = random.Random(seed + 1)
    count = settings["outliers"]
    xs = [0.55 + 0.4 * i / max(count - 1, 1) for i in range(count)]
    return X + [[x] for x in xs], y + [-4.0 + rng.gauss(0.0, 0.2) for _ in xs], len(X)


def fit_line(X: list, y: list, loss: Any, settings: dict[str, Any], progress: bool, seed: int = 0,
             lr: float | None = None) -> tuple[float, float]:
    """One linear neuron trained with this loss: its (slope, intercept)."""
    announce(f"one linear neuron with {getattr(loss, 'keywords', loss)} on {len(X)} points")
    model = nn.MLP(1, [1], output_activation="linear", seed=seed)
    nn.fit(model, X, y, loss=loss, lr=lr or settings["lr"], epochs=settings["epochs"], seed=seed,
           progress=progress)
    neuron = model.layers[0].neurons[0]
    return neuron.w[0].data, neuron.b.data


def regression(settings: dict[str, Any], progress: bool, seed: int) -> dict[str, Any]:
    """Fit lines with each loss, with and without the outliers; Huber for each delta of the sweep."""
    X, y, inliers = outlier_data(settings, seed)
    fitted = {name: fit_line(X, y, loss, settings, progress, seed) for name, loss in REGRESSION.items()}
    clean = {name: fit_line(X[:inliers], y[:inliers], loss, settings, progress, seed)
             for name, loss in REGRESSION.items()}
    # Huber / delta has the same minimiser and a slope of at most 1 (as MAE's):
    # lr / delta keeps small deltas moving
    sweep = {delta: fitted["Huber (delta 1)"] if delta == 1.0 else
             fit_line(X, y, functools.partial(nn.losses.huber, delta=delta), settings, progress, seed,
                      lr=settings["lr"] / min(delta, 1.0)) for delta in settings["deltas"]}
    return {"X": X, "y": y, "inliers": inliers, "fitted": fitted, "clean": clean, "sweep": sweep}


def derivative(loss: Any, error: float) -> float:
    """d loss / d prediction for one point whose error (prediction - target) is error, by backward."""
    prediction = Value(error)
    loss([prediction], [0.0]).backward()
    return prediction.grad


def draw_regression(out: Output, result: dict[str, Any]) -> None:
    """outliers.png: the three fitted lines side by side, and each loss's penalty for one error."""
    X, y, inliers = result["X"], result["y"], result["inliers"]
    fig, panels = figure(18, 4.8, columns=4)
    ends = [-1.05, 1.05]
    for axes, (name, (slope, intercept)), colour in zip(panels, result["fitted"].items(), COLOURS):
        axes.scatter([x[0] for x in X[:inliers]], y[:inliers], s=18, color="#6b7280",
                     label="data on y = 2x + 1")
        axes.scatter([x[0] for x in X[inliers:]], y[inliers:], s=45, color="#111827", marker="X",
                     label=f"{len(X) - inliers} outliers")
        axes.plot(ends, [SLOPE * e + INTERCEPT for e in ends], color="#6b7280", ls=":",
                  label="true line, slope 2")
        axes.plot(ends, [slope * e + intercept for e in ends], color=colour, lw=2.5,
                  label=f"fitted, slope {slope:.2f}")
        axes.set(title=f"{name}: slope {slope:.2f}", xlabel="input x", ylabel="target y", ylim=(-5.5, 4))
        axes.legend(loc="lower left", fontsize=8)
    shapes = panels[3]
    residuals = [-3 + 6 * i / 200 for i in range(201)]
    for (name, loss), colour in zip(REGRESSION.items(), COLOURS):
        function = nn.losses.LOSSES[loss]
        shapes.plot(residuals, [function([r], [0.0]).data for r in residuals], color=colour, lw=2, label=name)
    shapes.set(title="Why: the penalty for one error", xlabel="error (prediction - target)",
               ylabel="loss of one point", ylim=(0, 4))
    shapes.legend(loc="upper center")
    slopes = {name: slope for name, (slope, _) in result["fitted"].items()}
    fig.suptitle("One linear neuron fitted to the same points with three losses (true slope 2): "
                 + ", ".join(f"{name} {slope:.2f}" for name, slope in slopes.items()))
    out.save(fig, "outliers.png",
             f"Regression with {len(X) - inliers} outliers: fitted slope "
             + ", ".join(f"{name} {slope:.2f}" for name, slope in slopes.items())
             + " (true 2); right, the penalty of each loss for one error: the square grows fastest.")


def draw_sweep(out: Output, result: dict[str, Any]) -> None:
    """huber_delta.png: Huber's penalty for several deltas, and the fitted slope against delta."""
    fig, (shapes, slopes) = figure(14, 4.8, columns=2)
    residuals = [-4 + 8 * i / 200 for i in range(201)]
    sweep = result["sweep"]
    for delta, colour in zip(sweep, COLOURS):
        shapes.plot(residuals, [nn.losses.huber([r], [0.0], delta=delta).data / delta for r in residuals],
                    color=colour, lw=2, label=f"delta {delta:g}: quadratic inside |error| < {delta:g}")
    shapes.set(title="Huber / delta: the kink rounded off over |error| < delta",
               xlabel="error (prediction - target)", ylabel="Huber loss / delta", ylim=(0, 4.5))
    shapes.legend(fontsize=8, loc="upper center")
    deltas = list(sweep)
    slopes.plot(deltas, [sweep[d][0] for d in deltas], color=COLOURS[0], marker="o", lw=2,
                label="Huber's fitted slope")
    for (name, (slope, _)), colour, style in zip(result["fitted"].items(), ("#dc2626", None, "#16a34a"),
                                                 ("--", None, ":")):
        if colour:
            slopes.axhline(slope, color=colour, ls=style, label=f"{name}: slope {slope:.2f}")
    slopes.axhline(SLOPE, color="#6b7280", lw=1, label="true slope 2")
    slopes.set(xscale="log", title="The fitted slope with the outliers, per delta",
               xlabel="delta (log scale)", ylabel="fitted slope")
    slopes.legend(fontsize=8, loc="center left")
    fig.suptitle(f"Huber's delta: slope {sweep[deltas[0]][0]:.2f} at delta {deltas[0]:g} (MAE "
                 f"{result['fitted']['MAE'][0]:.2f}) to {sweep[deltas[-1]][0]:.2f} at delta {deltas[-1]:g} "
                 f"(MSE {result['fitted']['MSE'][0]:.2f})")
    out.save(fig, "huber_delta.png",
             "Huber's delta sets where it turns from quadratic to linear: the fitted slope on the outlier "
             "data for each delta, between MAE's and MSE's; "
             + ", ".join(f"delta {d:g}: {s:.2f}" for d, (s, _) in sweep.items()) + ".")


# --- Gaussian targets and the kink: estimating one number ---


def fit_constant(targets: list[float], loss: Any, steps: int, lr: float, decay: float = 1.0,
                 start: float = 0.0) -> list[float]:
    """Gradient descent on one number c (from start) to minimise loss([c, c, ...], targets):
    c after each step.

    lr is multiplied by decay after each step (decay 1: a constant learning rate).
    """
    c = Value(start)
    optimiser = nn.SGD([c], lr=lr)
    path = []
    for _ in range(steps):
        optimiser.zero_grad()
        loss([c] * len(targets), targets).backward()
        optimiser.step()
        optimiser.lr *= decay
        path.append(c.data)
    return path


def laplace(rng: random.Random, std: float) -> float:
    """One draw of Laplace noise (heavy-tailed: exponential on either side of 0) with this std."""
    return rng.choice((-1.0, 1.0)) * rng.expovariate(math.sqrt(2) / std)


def gaussian(settings: dict[str, Any], seed: int) -> dict[str, Any]:
    """Many draws of targets around TRUTH, Gaussian or Laplace noise: the MSE and MAE estimates of
    each draw."""
    rng = random.Random(seed + 3)
    noises = {"Gaussian": lambda: rng.gauss(0.0, 1.0), "Laplace": lambda: laplace(rng, 1.0)}
    estimates: dict[str, dict[str, list[float]]] = {}
    for name, noise in noises.items():
        draws = [[TRUTH + noise() for _ in range(settings["draw_size"])] for _ in range(settings["draws"])]
        # lr 0.5: one step lands on the mean
        mse = [fit_constant(d, nn.losses.mse, 2, 0.5)[-1] for d in draws]
        # MAE from MSE's answer (near the median), with a decaying lr so that it settles instead of jittering
        mae = [fit_constant(d, nn.losses.mae, 14, 1.0, decay=0.75, start=m)[-1] for d, m in zip(draws, mse)]
        estimates[name] = {"MSE": mse, "MAE": mae}
    return estimates


def draw_gaussian(out: Output, settings: dict[str, Any],
                  estimates: dict[str, dict[str, list[float]]]) -> None:
    """gaussian.png: the spread of the MSE and MAE estimates, Gaussian and Laplace targets."""
    fig, panels = figure(14, 4.6, columns=2)
    for axes, (noise, by_loss) in zip(panels, estimates.items()):
        low = min(min(v) for v in by_loss.values())
        high = max(max(v) for v in by_loss.values())
        bins = [low + (high - low) * i / 20 for i in range(21)]
        for (loss, values), colour in zip(by_loss.items(), (COLOURS[1], COLOURS[2])):
            axes.hist(values, bins=bins, color=colour, histtype="step", lw=2.2,
                      label=f"{loss}'s estimate: std {number(statistics.pstdev(values))}")
        axes.axvline(TRUTH, color="#111827", ls=":", label=f"the truth, {TRUTH:g}")
        axes.set(title=f"{noise} targets, {settings['draw_size']} per draw: "
                 f"{spread_winner(by_loss)} varies less",
                 xlabel="the estimate of one draw", ylabel=f"draws (of {settings['draws']})")
        axes.legend(fontsize=8, loc="upper right")
    fig.suptitle("Fitting one number to noisy targets: which loss lands closer to the truth, draw after draw")
    out.save(fig, "gaussian.png",
             "The estimates of many draws: with Gaussian targets MSE's estimate (the mean) has std "
             f"{number(statistics.pstdev(estimates['Gaussian']['MSE']))} and MAE's (the median) "
             f"{number(statistics.pstdev(estimates['Gaussian']['MAE']))}; with heavy-tailed Laplace targets "
             f"{number(statistics.pstdev(estimates['Laplace']['MSE']))} and "
             f"{number(statistics.pstdev(estimates['Laplace']['MAE']))}.")


def spread_winner(by_loss: dict[str, list[float]]) -> str:
    """The loss whose estimates vary least."""
    return min(by_loss, key=lambda loss: statistics.pstdev(by_loss[loss]))


def kink(seed: int) -> dict[str, Any]:
    """MAE's derivative on either side of 0 and at 0; gradient descent with a constant lr on MSE
    and on MAE."""
    rng = random.Random(seed + 4)
    targets = [TRUTH + rng.gauss(0.0, 1.0) for _ in range(11)]
    losses = {"MSE": nn.losses.mse, "Huber (delta 1)": nn.losses.huber, "MAE": nn.losses.mae}
    errors = [-2 + 4 * i / 400 for i in range(401)]
    slopes = {name: [derivative(loss, e) for e in errors] for name, loss in losses.items()}
    side = {name: (derivative(loss, -1e-9), derivative(loss, 0.0), derivative(loss, 1e-9))
            for name, loss in losses.items()}
    huber_edge = (derivative(nn.losses.huber, 1.0 - 1e-9), derivative(nn.losses.huber, 1.0 + 1e-9))
    paths = {"MSE": fit_constant(targets, nn.losses.mse, 60, KINK_LR),
             "MAE": fit_constant(targets, nn.losses.mae, 60, KINK_LR)}
    optimum = {"MSE": statistics.fmean(targets), "MAE": statistics.median(targets)}
    distance = {name: [abs(c - optimum[name]) for c in path] for name, path in paths.items()}
    last = [c - optimum["MAE"] for c in paths["MAE"][-11:]]
    crossings = sum((a > 0) != (b > 0) for a, b in zip(last, last[1:]))  # MAE overshooting its minimum
    return {"errors": errors, "slopes": slopes, "side": side, "huber_edge": huber_edge, "distance": distance,
            "crossings": crossings}


def draw_kink(out: Output, result: dict[str, Any]) -> None:
    """kink.png: each loss's derivative per error; the distance to the minimum under gradient descent."""
    fig, (slopes, paths) = figure(14, 4.8, columns=2)
    for (name, values), colour in zip(result["slopes"].items(), COLOURS):
        slopes.plot(result["errors"], values, color=colour, lw=2, label=name)
    mae_left, mae_zero, mae_right = result["side"]["MAE"]
    slopes.annotate(f"MAE jumps from {mae_left:g} to {mae_right:g}\n"
                    f"(backward gives {mae_zero:g} at exactly 0)",
                    xy=(0, 0), xytext=(0.3, -1.6), arrowprops={"arrowstyle": "->"})
    slopes.set(title="d loss / d prediction for one point", xlabel="error (prediction - target)",
               ylabel="derivative (by backward)", ylim=(-2.2, 2.2))
    slopes.legend(fontsize=8, loc="upper left")
    for (name, distance), colour in zip(result["distance"].items(), (COLOURS[0], COLOURS[2])):
        paths.plot(range(1, len(distance) + 1), [max(d, 1e-16) for d in distance], color=colour, lw=2,
                   label=f"{name}: {number(distance[-1])} from its minimum after {len(distance)} steps")
    paths.set(yscale="log", title=f"Gradient descent on one number, lr {KINK_LR:g}: MAE overshoots "
              f"its minimum {result['crossings']} times in the last 10 steps",
              xlabel="step", ylabel="|c - the loss's minimiser| (log scale)")
    paths.legend(fontsize=8, loc="center right", title="distances below 1e-16 drawn at 1e-16",
                 title_fontsize=8)
    fig.suptitle("MAE's kink at 0: its slope never shrinks near the minimum, "
                 "so a constant step overshoots forever")
    out.save(fig, "kink.png",
             f"Left: the derivative of each loss; MAE's jumps from {mae_left:g} to {mae_right:g} at error 0, "
             f"MSE's and Huber's pass through 0 smoothly. Right: with the constant learning rate {KINK_LR:g} "
             f"MSE ends {number(result['distance']['MSE'][-1])} from its minimum; MAE's step never shrinks, "
             f"so it jumps across its minimum ({result['crossings']} times in the last 10 steps) and ends "
             f"{number(result['distance']['MAE'][-1])} away.")


# --- binary cross-entropy ---


def penalties() -> dict[str, Any]:
    """For p = the predicted probability of the true class: BCE's and MSE's penalty, and their
    slopes in the logit."""
    ps = sorted([10 ** (-6 + 6 * i / 120) for i in range(120)]
                + [0.6, 0.99, 0.999])  # with the p's findings quote
    rows: dict[str, dict[str, list[float]]] = {"BCE": {"loss": [], "slope": []},
                                               "MSE": {"loss": [], "slope": []}}
    for p in ps:
        for name, loss in (("BCE", nn.losses.binary_cross_entropy), ("MSE", nn.losses.mse)):
            logit = Value(math.log(p / (1 - p)))
            value = loss([logit.sigmoid()], [1.0])
            value.backward()
            rows[name]["loss"].append(value.data)
            rows[name]["slope"].append(logit.grad)
    return {"p": ps, **rows}


def at(result: dict[str, Any], name: str, key: str, p: float) -> float:
    """The value of result[name][key] at the p nearest to p."""
    index = min(range(len(result["p"])), key=lambda i: abs(math.log(result["p"][i] / p)))
    return result[name][key][index]


def draw_penalties(out: Output, result: dict[str, Any]) -> None:
    """bce_penalty.png: -ln p beside (1 - p)^2, and their gradients with respect to the logit."""
    fig, (loss, slope) = figure(14, 4.8, columns=2)
    for name, colour in (("BCE", COLOURS[0]), ("MSE", COLOURS[1])):
        loss.plot(result["p"], result[name]["loss"], color=colour, lw=2,
                  label=f"{name}: {number(at(result, name, 'loss', 0.01))} at p = 0.01, "
                  f"{number(at(result, name, 'loss', 0.99))} at p = 0.99")
        slope.plot(result["p"], [abs(g) for g in result[name]["slope"]], color=colour, lw=2,
                   label=f"{name}: {number(abs(at(result, name, 'slope', 0.01)))} at p = 0.01")
    loss.set(xscale="log", title="The penalty: -ln p (BCE) against (1 - p)^2 (MSE)",
             xlabel="p = predicted probability of the true class "
             "(log scale; left = confident and wrong)",
             ylabel="loss of one example")
    slope.set(xscale="log", yscale="log",
              title="|d loss / d logit| through the sigmoid: what training feels",
              xlabel="p = predicted probability of the true class (log scale)",
              ylabel="|gradient| (log scale)")
    loss.legend(fontsize=8, loc="upper right")
    slope.legend(fontsize=8, loc="lower left")
    fig.suptitle(f"Confidently wrong (p = 0.01): BCE {number(at(result, 'BCE', 'loss', 0.01))}, "
                 f"MSE {number(at(result, 'MSE', 'loss', 0.01))}; "
                 f"at p = 1e-6 BCE is {number(result['BCE']['loss'][0])}")
    out.save(fig, "bce_penalty.png",
             "Binary cross-entropy's -ln p grows without bound as the prediction for the true class goes "
             "to 0, while MSE's (1 - p)^2 stays below 1; through a sigmoid, BCE's gradient in the logit "
             "stays near 1 when confidently wrong, MSE's falls to "
             f"{number(abs(at(result, 'MSE', 'slope', 0.01)))} at p = 0.01.")


def classification(settings: dict[str, Any], progress: bool, seed: int) -> dict[str, Any]:
    """The moons with one sigmoid output + BCE and with two softmax outputs + cross-entropy."""
    X, y = nn.data.moons(n=settings["moons"], noise=0.1, seed=seed)
    train = {"lr": 0.1, "momentum": 0.9, "batch_size": 20, "epochs": settings["class_epochs"], "seed": seed,
             "progress": progress}
    sigmoid = nn.MLP(2, [settings["hidden"], 1], seed=seed)
    softmax = nn.MLP(2, [settings["hidden"], 2], seed=seed)
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
        confidence = [sigmoid(x)[0].sigmoid().data for x in X]
    right = [p if label == 1 else 1 - p for p, label in zip(confidence, y)]
    return {"X": X, "y": y, "histories": histories, "xs": xs, "ys": ys, "grids": grids, "gap": gap,
            "agree": agree / (len(xs) * len(ys)), "true_class": right}


def draw_classification(out: Output, result: dict[str, Any]) -> None:
    """bce_vs_softmax.png: the two models' loss curves and decision boundaries."""
    fig, (curves, plane) = figure(14, 5.2, columns=2)
    for (name, history), colour in zip(result["histories"].items(), PAIR):
        curves.plot(range(1, history.epochs + 1), history.loss, color=colour, lw=2,
                    label=f"{name} ({100 * history.accuracy[-1]:.0f}% right)")
    curves.set(yscale="log", title="Training loss of the two models", xlabel="epoch",
               ylabel="cross-entropy (log scale)")
    curves.legend(loc="upper right")
    scatter_classes(plane, result["X"], result["y"], ["class 0", "class 1"])
    for grid, (name, colour, style) in zip(result["grids"], (("sigmoid + BCE", PAIR[0], "-"),
                                                             ("softmax + cross-entropy", PAIR[1], "--"))):
        plane.contour(result["xs"], result["ys"], grid, levels=[0.5], colors=colour, linestyles=style,
                      linewidths=2.5)
        plane.plot([], [], color=colour, ls=style, lw=2.5, label=f"{name}: P(class 1) = 0.5")
    plane.set(title=f"The two decision boundaries: same class on {100 * result['agree']:.0f}% of the plane",
              xlabel="x1", ylabel="x2")
    plane.legend(loc="lower left", fontsize=8)
    fig.suptitle("Two classes, two ways: one sigmoid output with BCE, "
                 "or two softmax outputs with cross-entropy")
    accuracies = [f"{100 * h.accuracy[-1]:.0f}%" for h in result["histories"].values()]
    out.save(fig, "bce_vs_softmax.png",
             f"Binary cross-entropy on one sigmoid output ({accuracies[0]} right) and softmax cross-entropy "
             f"on two outputs ({accuracies[1]}): the same class on {100 * result['agree']:.0f}% of the "
             "plane, since softmax([a, b])[1] = sigmoid(b - a); they differ away from the data, where "
             "nothing pins the boundary.")


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Every experiment, its pictures, its findings."""
    seed = settings.get("seed", 0)
    fits = regression(settings, progress, seed)
    estimates = gaussian(settings, seed)
    kinked = kink(seed)
    penalty = penalties()
    classes = classification(settings, progress, seed)
    draw_regression(out, fits)
    draw_sweep(out, fits)
    draw_gaussian(out, settings, estimates)
    draw_kink(out, kinked)
    draw_penalties(out, penalty)
    draw_classification(out, classes)
    return [*regression_findings(fits, kinked), sweep_finding(fits),
            gaussian_finding(settings, estimates, kinked), kink_finding(kinked),
            *classification_findings(classes, penalty)]


def pull(slope: float) -> float:
    """How far a fitted slope is from the true one."""
    return abs(slope - SLOPE)


def share(fits: dict[str, Any], loss: Any) -> float:
    """The outliers' share of the loss at the true line: how much of what the fit feels comes from them."""
    X, y, inliers = fits["X"], fits["y"], fits["inliers"]
    terms = [loss([SLOPE * x[0] + INTERCEPT], [t]).data for x, t in zip(X, y)]
    return sum(terms[inliers:]) / sum(terms)


def regression_findings(fits: dict[str, Any], kinked: dict[str, Any]) -> list[Finding]:
    """C10, C12, C14: the slopes with and without the outliers; Huber's derivative where its pieces meet."""
    slopes = {name: slope for name, (slope, _) in fits["fitted"].items()}
    clean = {name: slope for name, (slope, _) in fits["clean"].items()}
    outliers = len(fits["X"]) - fits["inliers"]
    mse_share, mae_share = share(fits, nn.losses.mse), share(fits, nn.losses.mae)
    mse, huber, mae = (pull(slopes[name]) for name in REGRESSION)
    inside, outside = derivative(nn.losses.huber, 0.5), derivative(nn.losses.huber, 3.0)
    left, right = kinked["huber_edge"]
    smooth = abs(left - right) < 1e-6 and abs(kinked["side"]["Huber (delta 1)"][0]) < 1e-6
    huber_holds = huber < mse / 2 and smooth and abs(inside - 0.5) < 1e-12 and abs(outside - 1.0) < 1e-12
    return [
        Finding("outliers", f"true slope {SLOPE:g}, {outliers} outliers among {len(fits['X'])} points: "
                "fitted slope " + ", ".join(f"{name} {slope:.2f}" for name, slope in slopes.items())
                + f"; at the true line the outliers make {100 * mse_share:.0f}% of the MSE "
                f"(the square amplifies them) and {100 * mae_share:.0f}% of the MAE",
                {"MSE": slopes["MSE"], "Huber": slopes["Huber (delta 1)"], "MAE": slopes["MAE"],
                 "mse_share": mse_share, "mae_share": mae_share}, claim="C10",
                verdict="holds" if mse > 0.5 and pull(clean["MSE"]) < 0.15 and mse_share > mae_share
                else "contradicted",
                pictures=("outliers.png",)),
        Finding("clean", "without the outliers all three agree: slope "
                + ", ".join(f"{name} {slope:.2f}" for name, slope in clean.items()),
                {"MSE": clean["MSE"], "Huber": clean["Huber (delta 1)"], "MAE": clean["MAE"]}),
        Finding("mae", f"the outliers pull MAE's slope {pull(slopes['MAE']):.2f} off the truth, "
                f"MSE's {mse:.2f}",
                {"MAE": mae, "MSE": mse}, claim="C12", verdict="holds" if mae < mse / 2 else "contradicted",
                pictures=("outliers.png",)),
        Finding("huber", f"Huber (delta 1): slope pulled {huber:.2f} off (MSE {mse:.2f}); its derivative is "
                f"the error inside delta ({number(inside)} at 0.5: quadratic), delta outside "
                f"({number(outside)} at 3: linear), and {number(left, 6)} / {number(right, 6)} "
                "just below / above delta: differentiable where its pieces meet",
                {"pull": huber, "inside": inside, "outside": outside, "edge": (left, right)}, claim="C14",
                verdict="holds" if huber_holds else "nuanced" if huber < mse else "contradicted",
                pictures=("outliers.png", "kink.png")),
    ]


def sweep_finding(fits: dict[str, Any]) -> Finding:
    """C15: the fitted slope for each delta, from MAE-like to MSE-like."""
    sweep = {delta: slope for delta, (slope, _) in fits["sweep"].items()}
    pulls = [pull(slope) for slope in sweep.values()]
    monotone = all(later >= earlier - 0.02 for earlier, later in zip(pulls, pulls[1:]))
    mae, mse = fits["fitted"]["MAE"][0], fits["fitted"]["MSE"][0]
    first, last = next(iter(sweep.values())), list(sweep.values())[-1]
    ends = abs(first - mae) < 0.2 and abs(last - mse) < 0.2
    return Finding("huber_delta", "Huber's fitted slope with the outliers per delta: "
                   + ", ".join(f"delta {delta:g}: {slope:.2f}" for delta, slope in sweep.items())
                   + f" (MAE {mae:.2f}, MSE {mse:.2f}): the pull grows with delta "
                   + ("from MAE's to MSE's" if ends else "but does not reach both ends"),
                   {"slopes": sweep, "monotone": monotone, "ends": ends}, claim="C15",
                   verdict="holds" if monotone and ends else "nuanced" if monotone else "contradicted",
                   pictures=("huber_delta.png",))


def gaussian_finding(settings: dict[str, Any], estimates: dict[str, dict[str, list[float]]],
                     kinked: dict[str, Any]) -> Finding:
    """C11: MSE's estimate against MAE's and the best possible, Gaussian and Laplace targets; MSE's
    smooth slope."""
    spread = {noise: {loss: statistics.pstdev(values) for loss, values in by.items()}
              for noise, by in estimates.items()}
    # the Cramer-Rao bound sigma / sqrt(n) for Gaussian noise, sigma 1
    best = 1.0 / math.sqrt(settings["draw_size"])
    ratio = {noise: s["MAE"] / s["MSE"] for noise, s in spread.items()}
    left, zero, right = kinked["side"]["MSE"]
    smooth = abs(left - zero) < 1e-6 and abs(right - zero) < 1e-6
    draws = len(estimates["Gaussian"]["MSE"])
    return Finding("gaussian", f"{draws} draws of targets around {TRUTH:g}: with Gaussian noise MAE's "
                   f"estimate varies {number(ratio['Gaussian'])} times as much as MSE's (MSE's minimiser, "
                   "the mean, is the maximum-likelihood estimate; its spread "
                   f"{number(spread['Gaussian']['MSE'])} is the least any unbiased estimate can have, "
                   f"sigma/sqrt(n) = {number(best)}), with heavy-tailed Laplace noise "
                   f"{number(ratio['Laplace'])} times "
                   + ("(there MAE is better: MSE is ideal for Gaussian noise, not for every noise)"
                      if ratio["Laplace"] < 1 else "")
                   + f"; MSE's derivative is continuous ({number(left, 3)} / {number(right, 3)} "
                   "either side of 0)", {"ratio": ratio, "spread": spread, "smooth": smooth},
                   claim="C11", verdict="holds" if ratio["Gaussian"] > 1.05 and smooth
                   and abs(spread["Gaussian"]["MSE"] / best - 1) < 0.2 else "contradicted",
                   pictures=("gaussian.png", "kink.png"))


def kink_finding(kinked: dict[str, Any]) -> Finding:
    """C13: MAE's derivative jumps at 0; constant-lr gradient descent jitters around its minimum."""
    left, zero, right = kinked["side"]["MAE"]
    mse, mae = kinked["distance"]["MSE"], kinked["distance"]["MAE"]
    stuck = min(mae[-10:])
    holds = abs(right - left - 2) < 1e-12 and stuck > 1e-4 > mse[-1] and kinked["crossings"] >= 5
    return Finding("kink", f"MAE's derivative jumps from {left:g} to {right:g} at error 0 (backward "
                   f"takes {zero:g} there, as PyTorch); gradient descent with lr {KINK_LR:g} ends "
                   f"{number(mse[-1])} from MSE's minimum, but on MAE it jumps across the minimum "
                   f"{kinked['crossings']} times in its last 10 steps, never closer than {number(stuck)} "
                   "(a learning rate that decays settles it, as in the Gaussian experiment)",
                   {"left": left, "zero": zero, "right": right, "mse": mse[-1], "mae": stuck,
                    "crossings": kinked["crossings"]},
                   claim="C13",
                   verdict="holds" if holds else "contradicted", pictures=("kink.png",))


def classification_findings(classes: dict[str, Any], penalty: dict[str, Any]) -> list[Finding]:
    """C16, C17: BCE on the moons, its penalty against MSE's; the two binary classifiers compared."""
    histories = classes["histories"]
    bce = histories["sigmoid + binary cross-entropy"]
    losses = penalty["BCE"]["loss"]
    decreasing = all(later < earlier for earlier, later in zip(losses, losses[1:]))
    confident, unsure = at(penalty, "BCE", "loss", 0.99), at(penalty, "BCE", "loss", 0.6)
    true_class = statistics.fmean(classes["true_class"])
    wrong = {name: at(penalty, name, "loss", 0.01) for name in ("BCE", "MSE")}
    slope = {name: abs(at(penalty, name, "slope", 0.01)) for name in ("BCE", "MSE")}
    return [
        Finding("binary", "moons: "
                + ", ".join(f"{name} loss {number(h.loss[-1])}, {100 * h.accuracy[-1]:.0f}% right"
                            for name, h in histories.items())
                + f"; the BCE model gives the true class {number(true_class)} on average; "
                f"BCE is {number(confident)} for a correct p = 0.99, {number(unsure)} for p = 0.6: "
                "confidence in the right answer is rewarded",
                {name: {"loss": h.loss[-1], "accuracy": h.accuracy[-1]} for name, h in histories.items()}
                | {"decreasing": decreasing, "true_class": true_class}, claim="C16",
                verdict="holds" if bce.accuracy[-1] >= 0.85 and decreasing else "contradicted",
                pictures=("bce_vs_softmax.png", "bce_penalty.png")),
        Finding("penalty", "confidently wrong, p = 0.01 for the true class: BCE -ln p = "
                f"{number(wrong['BCE'])}, MSE (1 - p)^2 = {number(wrong['MSE'])} "
                f"({number(wrong['BCE'] / wrong['MSE'])} times less); at p = 1e-6 BCE is "
                f"{number(losses[0])}, MSE at most 1; through the sigmoid the gradient in the logit is "
                f"{number(slope['BCE'])} for BCE, {number(slope['MSE'])} for MSE",
                {"wrong": wrong, "slope": slope, "extreme": losses[0]}, claim="C17",
                verdict="holds" if wrong["BCE"] > 4 * wrong["MSE"] and losses[0] > 10 else "contradicted",
                pictures=("bce_penalty.png",)),
        Finding("agree", f"the two boundaries give the same class on {100 * classes['agree']:.0f}% of a grid "
                "over the plane", {"agree": classes["agree"]}),
        Finding("softmax_is_sigmoid", "two-class softmax is a sigmoid: |softmax([a, b])[1] - sigmoid(b - a)| "
                f"<= {classes['gap']:.1e} over the {len(classes['X'])} points", {"gap": classes["gap"]}),
    ]


def main(argv: list[str] | None = None) -> int:
    """python -m demos.losses [--out DIR] [--quick] [--no-progress] [--seed N]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
