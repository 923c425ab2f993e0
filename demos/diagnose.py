"""Demo: nn.diagnose reads three sick networks and a healthy one; following its advice cures them."""

from __future__ import annotations

import sys
from typing import Any

import nn

from ._tour import COLOURS, Finding, Output, announce, figure, main_for, number

NAME = "diagnose"
TITLE = "diagnose: what nn.diagnose says about three broken networks, and the fix it suggests"
INTRO = """
The sanity checks a teacher does by hand before training (the loss at init against chance, dead
ReLUs, saturated tanh units, each layer's gradient norm, the update-to-weight ratio of a step),
done by nn.diagnose on one forward and backward pass. Three setups are broken on purpose: every
first-layer bias at -6 (the ReLUs never fire), tanh with weights of standard deviation 12 (the units
sit in their flat tails), and a learning rate of 1e-4 (each step moves the weights by a millionth).
Each is trained as it is, then again after doing what the report advised; a healthy network
(He init, its last layer halved so that it starts out unsure) is the yardstick.
"""
FULL: dict[str, Any] = {"n": 100, "hidden": [16, 16], "epochs": 40, "batch_size": 10, "lr": 0.1}
QUICK: dict[str, Any] = {"n": 60, "hidden": [8, 8], "epochs": 15, "batch_size": 10, "lr": 0.1}
LOSS = "cross_entropy"
DEAD_BIAS = -6.0  # below every w . x of the moons at He scale: no first-layer ReLU ever fires
LARGE_STD = 12.0
SLOW_LR = 1e-4
# setup -> (what is wrong, what the advice leads to)
SETUPS = {
    "dead ReLUs": (f"first-layer biases {DEAD_BIAS:g}", "biases back to 0 (init='he' with zero biases)"),
    "saturated tanh": (f"tanh, weights ~ N(0, {LARGE_STD:g}^2)", "init='xavier'"),
    "lr far too low": (f"lr {SLOW_LR:g}", "the report's suggested lr"),
}


def large_weights(rows: int, cols: int, rng: Any) -> list[list[float]]:
    """An initialiser far too large for tanh: every weight drawn from N(0, LARGE_STD^2)."""
    return [[rng.gauss(0.0, LARGE_STD) for _ in range(cols)] for _ in range(rows)]


def build(setup: str, fixed: bool, settings: dict[str, Any]) -> tuple[nn.MLP, float]:
    """The network and learning rate of a setup, broken or with the report's advice applied."""
    seed, sizes = settings["seed"], [*settings["hidden"], 2]
    if setup == "saturated tanh":
        model = nn.MLP(2, sizes, activation="tanh", init="xavier" if fixed else large_weights, seed=seed)
        return (quiet_logits(model) if fixed else model), settings["lr"]
    model = quiet_logits(nn.MLP(2, sizes, activation="relu", init="he", seed=seed))
    if setup == "dead ReLUs" and not fixed:
        for neuron in model.layers[0].neurons:
            neuron.b.data = DEAD_BIAS
    return model, SLOW_LR if setup == "lr far too low" else settings["lr"]


def quiet_logits(model: nn.MLP) -> nn.MLP:
    """The last layer's weights halved, so the logits start nearer 0 and the loss near ln 2 (the
    advice of the loss-at-init check: a network should start out unsure)."""
    for neuron in model.layers[-1].neurons:
        for weight in neuron.w:
            weight.data *= 0.5
    return model


def trial(model: nn.MLP, lr: float, data: tuple[list, list], settings: dict[str, Any], progress: bool,
          label: str) -> dict[str, Any]:
    """Diagnose the untrained network, then train it: the report, the history and the final accuracy."""
    X, y = data
    report = nn.diagnose(model, X, y, loss=LOSS, lr=lr)
    announce(label)
    history = nn.fit(model, X, y, loss=LOSS, lr=lr, batch_size=settings["batch_size"],
                     epochs=settings["epochs"], seed=settings["seed"], progress=progress, desc=label)
    return {"report": report, "history": history, "lr": lr, "accuracy": nn.accuracy(model, X, y, LOSS)}


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Diagnose and train the healthy network and each broken one before and after its fix."""
    settings = {"seed": 0, **settings}
    data = nn.data.moons(n=settings["n"], noise=0.1, seed=settings["seed"])
    healthy = trial(*build("healthy", False, settings), data, settings, progress, "healthy")
    results = {}
    for setup in SETUPS:
        broken = trial(*build(setup, False, settings), data, settings, progress, f"{setup} (broken)")
        model, lr = build(setup, True, settings)
        if setup == "lr far too low":
            lr = broken["report"].suggested_lr or lr  # the advice: the lr giving a ratio of 1e-2
        results[setup] = {"broken": broken,
                          "fixed": trial(model, lr, data, settings, progress, f"{setup} (fixed)")}
    draw_reports(out, healthy, results)
    draw_training(out, healthy, results, settings)
    return findings(healthy, results)


def _failed(report: nn.Report) -> str:
    """The failed checks, one entry per kind: 'dead ReLUs, gradient norm (layers 1, 2)'."""
    layers: dict[str, list[str]] = {}
    for finding in report.failed:
        kind, _, layer = finding.name.partition(", layer ")
        layers.setdefault(kind, []).append(layer)
    return ", ".join(kind if parts == [""]
                     else f"{kind} (layer{'s' if len(parts) > 1 else ''} {', '.join(parts)})"
                     for kind, parts in layers.items()) or "none"


def draw_reports(out: Output, healthy: dict[str, Any], results: dict[str, dict[str, Any]]) -> None:
    """reports.png: every check (rows) for every network (columns), green passed, red failed."""
    columns = [("healthy", healthy["report"])]
    for setup, result in results.items():
        columns += [(f"{setup}\n(broken)", result["broken"]["report"]),
                    (f"{setup}\n(fixed)", result["fixed"]["report"])]
    checks = list(dict.fromkeys(f.name for _, report in columns for f in report.findings))
    fig, axes = figure(14, 0.55 * len(checks) + 2.2)
    for col, (_, report) in enumerate(columns):
        for row, check in enumerate(checks):
            finding = report[check] if check in report else None
            colour = "#e5e7eb" if finding is None else ("#bbf7d0" if finding.ok else "#fecaca")
            axes.add_patch(_cell(col, row, colour))
            axes.text(col + 0.5, row + 0.5, "-" if finding is None else number(finding.measured, 2),
                      ha="center", va="center", fontsize=9,
                      fontweight="normal" if finding and finding.ok else "bold")
    axes.set(xlim=(0, len(columns)), ylim=(len(checks), 0))
    axes.set_xticks([c + 0.5 for c in range(len(columns))], [name for name, _ in columns], fontsize=8)
    axes.set_yticks([r + 0.5 for r in range(len(checks))], checks, fontsize=9)
    axes.tick_params(length=0)
    axes.xaxis.tick_top()
    failed = {name.replace("\n", " "): len(report.failed) for name, report in columns}
    axes.set_xlabel("nn.diagnose before training: the measured value of each check (green passed, "
                    "red failed; - not measured)", fontsize=10)
    out.save(fig, "reports.png", "What nn.diagnose measured on each untrained network. Failed checks: "
             + "; ".join(f"{name} {count}" for name, count in failed.items()) + ".")


def _cell(col: int, row: int, colour: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((col, row), 1, 1, facecolor=colour, edgecolor="white", linewidth=2)


def draw_training(out: Output, healthy: dict[str, Any], results: dict[str, dict[str, Any]],
                  settings: dict[str, Any]) -> None:
    """training.png: for each broken setup, the loss per epoch broken, fixed, and the healthy one."""
    fig, panels = figure(15, 4.8, columns=len(results), sharey=True)
    for axes, (setup, result) in zip(panels, results.items()):
        for run, colour, style, label in ((result["broken"], COLOURS[1], "-", "broken"),
                                          (result["fixed"], COLOURS[2], "-", "after the advice"),
                                          (healthy, COLOURS[6], ":", "healthy")):
            history = run["history"]
            axes.plot(range(1, history.epochs + 1), history.loss, color=colour, ls=style, lw=2,
                      label=f"{label} (lr {number(run['lr'], 2)}): loss {number(history.loss[-1])}, "
                            f"accuracy {run['accuracy']:.2f}")
        broken, fix = SETUPS[setup]
        axes.set(title=f"{setup}: {broken}\nreport failed: {_failed(result['broken']['report'])}",
                 xlabel="epoch", yscale="log")
        axes.title.set_fontsize(8)
        axes.legend(fontsize=8, title=f"fix: {fix}", title_fontsize=8)
    panels[0].set(ylabel="training loss (log scale)")
    fig.suptitle(f"MLP 2-{'-'.join(map(str, settings['hidden']))}-2 on {settings['n']} moons points, "
                 f"{settings['epochs']} epochs: broken, then as the report advised")
    losses = {setup: (r["broken"]["history"].loss[-1], r["fixed"]["history"].loss[-1])
              for setup, r in results.items()}
    out.save(fig, "training.png", "Training each broken network as it was and after following nn.diagnose's "
             "advice. Final training loss, broken -> fixed: " + ", ".join(
                 f"{s} {number(a)} -> {number(b)}" for s, (a, b) in losses.items())
             + f"; the healthy network reaches {number(healthy['history'].loss[-1])}.")


def findings(healthy: dict[str, Any], results: dict[str, dict[str, Any]]) -> list[Finding]:
    """What each report said, the accuracy before and after the fix, and the healthy yardstick."""
    rows = [Finding("healthy", f"healthy network: {len(healthy['report'].failed)} checks failed, accuracy "
                    f"{healthy['accuracy']:.2f} after training",
                    {"failed": [f.name for f in healthy["report"].failed], "accuracy": healthy["accuracy"]})]
    for setup, result in results.items():
        broken, fixed = result["broken"], result["fixed"]
        rows.append(Finding(
            setup, f"{setup}: the report failed {_failed(broken['report'])}; trained as it was: loss "
            f"{number(broken['history'].loss[-1])}, accuracy {broken['accuracy']:.2f}; after the advice "
            f"({SETUPS[setup][1]}, lr {number(fixed['lr'], 2)}): {len(fixed['report'].failed)} checks "
            f"failed, loss {number(fixed['history'].loss[-1])}, accuracy {fixed['accuracy']:.2f}",
            {"failed": [f.name for f in broken["report"].failed], "accuracy": broken["accuracy"],
             "fixed_failed": [f.name for f in fixed["report"].failed], "fixed_accuracy": fixed["accuracy"],
             "fixed_lr": fixed["lr"], "final_loss": broken["history"].loss[-1],
             "fixed_final_loss": fixed["history"].loss[-1]}))
    cured = sum(r["fixed"]["history"].loss[-1] < r["broken"]["history"].loss[-1]
                and not r["fixed"]["report"].failed
                for r in results.values())
    rows.append(Finding("cured", f"{cured} of {len(results)} broken networks pass every check and reach a "
                        "lower training loss after following the report's advice", {"cured": cured}))
    return rows


def main(argv: list[str] | None = None) -> int:
    """python -m demos.diagnose [--out DIR] [--quick] [--no-progress] [--seed N]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())

