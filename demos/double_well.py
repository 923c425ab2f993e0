"""Demo: a double well. Learning stops where the gradient is zero; SGD's noise and momentum escaping a local
minimum, or not, counted over many runs."""

from __future__ import annotations

import random
import statistics
import sys
from typing import Any

import nn
from autograd import Value

from ._tour import Finding, Output, figure, main_for, number

NAME = "double_well"
TITLE = "a double well: zero gradients, and escaping a local minimum with noise or momentum"
INTRO = """
The loss L(w) = w^4 - 2 w^2 + 0.5 w has two valleys: a local minimum near w = 0.93 and a deeper, global one
near w = -1.06, with a hump between them. Plain gradient descent steps lr * L'(w): big where the slope is
steep, nothing where it is zero, so it stops in whichever valley it starts in (or on the hump itself). The
"data" are 50 samples, each adding its own tilt xi_i * w (the xi_i average to zero, so the mean loss is
exactly L): one sample per step (SGD) gives noisy gradients, ten per step less noisy ones. Every run starts
in the local minimum and the escapes are counted over many runs; then momentum, from rest, from starts on
the valley walls, and with SGD's noise.
"""
FULL: dict[str, Any] = {"runs": 40, "steps": 400, "samples": 50}
QUICK: dict[str, Any] = {"runs": 20, "steps": 300, "samples": 50}
TILT = 0.5  # L(w) = w^4 - 2 w^2 + TILT w
SPREAD = 3.0  # standard deviation of the per-sample tilts xi_i
LR, MOMENTUM = 0.05, 0.9  # the noisy runs
START_LR = 0.02  # the runs from starts on the valley walls (exact gradients)
DESCENT_START, DESCENT_STEPS = 2.0, 200
ESCAPE_LIMIT = 10.0  # |w| beyond this counts as diverged
BLUE, RED, GREEN, GREY = "#2563eb", "#dc2626", "#16a34a", "#6b7280"


def loss(w: Any) -> Any:
    """L(w) = w^4 - 2 w^2 + 0.5 w, for a Value (the engine) or a float."""
    return w**4 - 2 * w * w + TILT * w


def slope(w: float) -> float:
    """L'(w) = 4 w^3 - 4 w + 0.5 (checked against the engine's backward in the findings)."""
    return 4 * w**3 - 4 * w + TILT


def stationary(low: float, high: float) -> float:
    """The w in [low, high] where L'(w) = 0, by bisection."""
    for _ in range(200):
        middle = (low + high) / 2
        if (slope(low) > 0) == (slope(middle) > 0):
            low = middle
        else:
            high = middle
    return (low + high) / 2


GLOBAL, HUMP, LOCAL = stationary(-2, -0.5), stationary(-0.5, 0.5), stationary(0.5, 2)


# --- 1. plain descent with the engine: the step is lr times the slope ---


def descend(start: float, steps: int, lr: float = START_LR) -> list[float]:
    """nn.SGD on L with the engine's gradient (backward) from start: the positions."""
    w = Value(start, label="w")
    optimiser = nn.SGD([w], lr=lr)
    path = [w.data]
    for _ in range(steps):
        optimiser.zero_grad()
        loss(w).backward()
        optimiser.step()
        path.append(w.data)
    return path


def engine_slope_gap() -> float:
    """The largest gap between the engine's dL/dw and the formula L'(w) at a few points."""
    gaps = []
    for point in (-2.0, -1.0, -0.3, 0.0, 0.4, 1.0, 1.7):
        w = Value(point)
        loss(w).backward()
        gaps.append(abs(w.grad - slope(point)))
    return max(gaps)


# --- 2. many noisy runs from the local minimum ---


def tilts(samples: int, seed: int) -> list[float]:
    """The per-sample tilts xi_i: normal draws, standardised to mean exactly 0 and spread exactly SPREAD."""
    rng = random.Random(seed)
    drawn = [rng.gauss(0, 1) for _ in range(samples)]
    centre, spread = statistics.fmean(drawn), statistics.pstdev(drawn)
    return [(xi - centre) / spread * SPREAD for xi in drawn]


def noisy_run(xis: list[float], batch: int, momentum: float, steps: int, seed: int) -> list[float] | None:
    """nn.SGD from the local minimum, each gradient L'(w) + the mean tilt of a batch (epochs of shuffled
    samples); the positions, or None if |w| passed ESCAPE_LIMIT (diverged)."""
    rng = random.Random(seed)
    w = Value(LOCAL)
    optimiser = nn.SGD([w], lr=LR, momentum=momentum)
    order: list[int] = []
    path = [w.data]
    for _ in range(steps):
        if len(order) < batch:
            order = list(range(len(xis)))
            if batch < len(xis):  # the full batch needs no order
                rng.shuffle(order)
        chosen = [order.pop() for _ in range(batch)]
        w.grad = slope(w.data) + sum(xis[i] for i in chosen) / batch
        optimiser.step()
        if abs(w.data) > ESCAPE_LIMIT:
            return None
        path.append(w.data)
    return path


def count(paths: list[list[float] | None]) -> dict[str, int]:
    """How many runs crossed the hump at least once, ended in the global valley, diverged."""
    kept = [p for p in paths if p is not None]
    return {"runs": len(paths), "escaped": sum(min(p) < HUMP for p in kept),
            "ended_global": sum(p[-1] < HUMP for p in kept), "diverged": len(paths) - len(kept)}


def noisy_experiments(settings: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Full batch, SGD (batch 1), mini-batch (10) and SGD with momentum 0.9, each over many seeded runs."""
    seed = settings["seed"]
    xis = tilts(settings["samples"], seed)
    kinds = {"full batch": (settings["samples"], 0.0), "SGD (batch 1)": (1, 0.0),
             "mini-batch (10)": (10, 0.0), f"SGD + momentum {MOMENTUM:g}": (1, MOMENTUM)}
    results = {}
    for name, (batch, momentum) in kinds.items():
        paths = [noisy_run(xis, batch, momentum, settings["steps"], 100_000 * (seed + 1) + run)
                 for run in range(settings["runs"])]
        results[name] = {"paths": paths, **count(paths)}
    return results


# --- 3. momentum with exact gradients, from rest and from starts on the walls ---


def momentum_run(start: float, momentum: float, steps: int) -> float | None:
    """nn.SGD with exact gradients from start (at rest): the final w, None if it diverged."""
    w = Value(start)
    optimiser = nn.SGD([w], lr=START_LR, momentum=momentum)
    for _ in range(steps):
        w.grad = slope(w.data)
        optimiser.step()
        if abs(w.data) > ESCAPE_LIMIT:
            return None
    return w.data


def momentum_experiments(settings: dict[str, Any]) -> dict[float, dict[str, Any]]:
    """For beta 0, 0.5, 0.9: starts drawn on the outer wall of each valley; where each run ends."""
    rng = random.Random(settings["seed"])
    right = [rng.uniform(LOCAL, 2.0) for _ in range(settings["runs"])]
    left = [rng.uniform(-2.0, GLOBAL) for _ in range(settings["runs"])]
    results = {}
    for beta in (0.0, 0.5, MOMENTUM):
        from_local = [momentum_run(w, beta, settings["steps"]) for w in right]
        from_global = [momentum_run(w, beta, settings["steps"]) for w in left]
        at_rest = momentum_run(LOCAL, beta, settings["steps"])
        results[beta] = {"right": right, "left": left, "from_local": from_local, "from_global": from_global,
                         "escaped": sum(w is not None and w < HUMP for w in from_local),
                         "left_global": sum(w is not None and w > HUMP for w in from_global),
                         "rest_moved": abs(at_rest - LOCAL) if at_rest is not None else float("inf")}
    return results


# --- pictures ---


def curve(axes: Any, low: float = -2.0, high: float = 2.0) -> None:
    """The loss curve with its two minima and the hump marked."""
    ws = [low + (high - low) * i / 300 for i in range(301)]
    axes.plot(ws, [loss(w) for w in ws], color="#9ca3af", lw=2, label="L(w) = w^4 - 2 w^2 + 0.5 w")
    for where, name, colour in ((GLOBAL, "global minimum", GREEN), (HUMP, "hump (L' = 0)", GREY),
                                (LOCAL, "local minimum", RED)):
        axes.scatter([where], [loss(where)], color=colour, s=60, zorder=4,
                     label=f"{name}, w = {number(where)}")


def draw_descent(out: Output, path: list[float], found: dict[str, Any]) -> None:
    """double_well.png: plain descent stopping in the local minimum; step size against slope."""
    fig, (left, right) = figure(14, 5, columns=2)
    curve(left)
    left.plot(path, [loss(w) for w in path], color=BLUE, marker="o", ms=3, lw=1,
              label=f"descent from w = {path[0]:g}")
    left.set(ylim=(-1.8, 4), xlabel="w", ylabel="L(w)",
             title=f"lr {START_LR:g}, {len(path) - 1} steps: stopped at w = {number(path[-1])} where L' = "
                   f"{number(found['final_slope'], 2)}\nloss {number(loss(path[-1]))}, the global minimum's "
                   f"is {number(loss(GLOBAL))}; started on the hump it moved "
                   f"{number(found['hump_moved'], 2)}")
    left.legend(fontsize=8, loc="upper center")
    steps = [abs(b - a) for a, b in zip(path, path[1:])]
    slopes = [abs(slope(w)) for w in path[:-1]]
    kept = [(s, d) for s, d in zip(slopes, steps) if s > 0 and d > 0]
    right.loglog([s for s, _ in kept], [d for _, d in kept], "o", color=BLUE, ms=4, label="each step")
    right.loglog([min(slopes), max(slopes)], [START_LR * min(slopes), START_LR * max(slopes)], ":",
                 color="#111827", label=f"|step| = lr x |slope| (lr {START_LR:g})")
    right.set(xlabel="|L'(w)| before the step (log scale)", ylabel="|step| (log scale)",
              title=f"A steeper slope gives a bigger step: |step| / |slope| = {number(found['ratio'])} for "
                    f"every step\n(largest gap from lr {number(found['ratio_gap'], 2)})")
    right.legend(fontsize=8)
    out.save(fig, "double_well.png",
             f"Left: plain gradient descent slows as the slope flattens and stops in the local minimum (L' = "
             f"{number(found['final_slope'], 2)}), above the global one; started exactly on the hump it does "
             "not move. Right: each step is lr times the slope.")


def draw_escapes(out: Output, noisy: dict[str, dict[str, Any]], moving: dict[float, dict[str, Any]],
                 settings: dict[str, Any]) -> None:
    """escapes.png: the noisy runs over time; momentum's final positions against its starts."""
    fig, axes = figure(15, 9, columns=2, rows=2)
    panels = [axes[0][0], axes[0][1], axes[1][1]]
    for panel, name in zip(panels, ("SGD (batch 1)", "mini-batch (10)", f"SGD + momentum {MOMENTUM:g}")):
        result = noisy[name]
        for path in result["paths"]:
            if path is not None:
                panel.plot(path, color=GREEN if path[-1] < HUMP else RED, lw=0.6, alpha=0.5)
        panel.axhline(HUMP, color=GREY, ls="--", lw=1, label="the hump")
        panel.set(ylim=(-2, 2), xlabel="step", ylabel="w",
                  title=f"{name}, lr {LR:g}: crossed the hump in {result['escaped']} of {result['runs']} "
                        f"runs,\nended in the global valley (green) in {result['ended_global']}"
                        + (f", diverged in {result['diverged']}" if result["diverged"] else ""))
        panel.legend(fontsize=8, loc="lower right")
    panel = axes[1][0]
    for beta, colour, marker in ((0.0, RED, "o"), (0.5, BLUE, "s"), (MOMENTUM, GREEN, "^")):
        result = moving[beta]
        starts = result["right"] + result["left"]
        ends = result["from_local"] + result["from_global"]
        kept = [(s, e) for s, e in zip(starts, ends) if e is not None]
        panel.scatter([s for s, _ in kept], [e for _, e in kept], color=colour, marker=marker, s=18,
                      label=f"beta {beta:g}: left the local valley from {result['escaped']} of "
                            f"{len(result['right'])} starts, the global from {result['left_global']}")
    panel.axhline(HUMP, color=GREY, ls="--", lw=1)
    panel.set(xlabel="start (at rest, on a valley's outer wall)",
              ylabel=f"w after {settings['steps']} steps",
              title=f"Exact gradients, lr {START_LR:g}: where each start ends")
    panel.legend(fontsize=7, loc="center")
    fig.suptitle("Escaping the local minimum of L(w) = w^4 - 2 w^2 + 0.5 w, counted over many runs")
    out.save(fig, "escapes.png",
             f"SGD's noise carries {noisy['SGD (batch 1)']['escaped']} of {settings['runs']} runs over the "
             f"hump, mini-batches of 10 {noisy['mini-batch (10)']['escaped']}; momentum {MOMENTUM:g} with "
             f"exact gradients leaves the local valley from {moving[MOMENTUM]['escaped']} of "
             f"{settings['runs']} wall starts (none from rest in the minimum) and the global valley from "
             f"{moving[MOMENTUM]['left_global']}.")


# --- the run and its findings ---


def run(out: Output, settings: dict[str, Any] = FULL, progress: bool = True) -> list[Finding]:
    """Descend, run the noisy and the momentum experiments, draw, find."""
    settings = {"seed": 0, **settings}
    path = descend(DESCENT_START, DESCENT_STEPS)
    hump_path = descend(HUMP, DESCENT_STEPS)
    found = descent_facts(path, hump_path)
    noisy = noisy_experiments(settings)
    moving = momentum_experiments(settings)
    draw_descent(out, path, found)
    draw_escapes(out, noisy, moving, settings)
    return [c22(found), c26(noisy), c31(noisy, moving)]


def descent_facts(path: list[float], hump_path: list[float]) -> dict[str, Any]:
    """The step-to-slope ratio, where descent stopped, and how far the start on the hump moved."""
    # steps far above rounding (1e-9 of w): below that, b - a is mostly the rounding of w itself
    ratios = [abs(b - a) / abs(slope(a)) for a, b in zip(path, path[1:]) if abs(b - a) > 1e-9 * abs(a)]
    return {"ratio": statistics.fmean(ratios), "ratio_gap": max(abs(r - START_LR) for r in ratios),
            "final_slope": abs(slope(path[-1])), "last_step": abs(path[-1] - path[-2]),
            "final_loss": loss(path[-1]), "global_loss": loss(GLOBAL),
            "hump_moved": abs(hump_path[-1] - hump_path[0]), "engine_gap": engine_slope_gap()}


def c22(found: dict[str, Any]) -> Finding:
    """Zero gradient stops learning; the step grows with the slope."""
    proportional = found["ratio_gap"] < 1e-9
    stopped = found["final_slope"] < 1e-6 and found["last_step"] < 1e-7 and found["hump_moved"] < 1e-6
    verdict = ("holds" if proportional and stopped
               else "nuanced" if proportional or stopped else "contradicted")
    text = (f"C22: every step was lr x slope (|step| / |slope| = {number(found['ratio'])}, largest gap "
            f"{number(found['ratio_gap'], 2)}; the engine's dL/dw matches 4w^3 - 4w + 0.5 to "
            f"{number(found['engine_gap'], 2)}); descent from w = {DESCENT_START:g} stopped where L' = "
            f"{number(found['final_slope'], 2)} (last step {number(found['last_step'], 2)}) at loss "
            f"{number(found['final_loss'])}, the local minimum, above the global "
            f"{number(found['global_loss'])}; started on the hump (L' = 0) it moved "
            f"{number(found['hump_moved'], 2)} in {DESCENT_STEPS} steps")
    return Finding("C22", text, dict(found), claim="C22", verdict=verdict, pictures=("double_well.png",))


def c26(noisy: dict[str, dict[str, Any]]) -> Finding:
    """SGD's noise escapes the local minimum; the full batch never does."""
    sgd, mini, full = noisy["SGD (batch 1)"], noisy["mini-batch (10)"], noisy["full batch"]
    escapes = sgd["escaped"] >= max(1, sgd["runs"] // 10) and sgd["escaped"] > full["escaped"]
    verdict = "holds" if escapes else "contradicted"
    text = (f"C26: from the local minimum, SGD (batch 1, lr {LR:g}) crossed the hump in {sgd['escaped']} of "
            f"{sgd['runs']} runs and ended in the global valley in {sgd['ended_global']} (the noise also "
            f"carries some back); mini-batch 10 crossed in {mini['escaped']}, the full batch in "
            f"{full['escaped']}: the escapes come from the noise, and depend on the draw")
    values = {name: {k: v for k, v in result.items() if k != "paths"} for name, result in noisy.items()}
    return Finding("C26", text, values, claim="C26", verdict=verdict, pictures=("escapes.png",))


def c31(noisy: dict[str, dict[str, Any]], moving: dict[float, dict[str, Any]]) -> Finding:
    """Momentum: escapes from wall starts and with noise, never from rest; and it leaves the global valley
    too."""
    heavy, plain = moving[MOMENTUM], moving[0.0]
    noisy_heavy, noisy_plain = noisy[f"SGD + momentum {MOMENTUM:g}"], noisy["SGD (batch 1)"]
    more = heavy["escaped"] > plain["escaped"] and noisy_heavy["escaped"] > noisy_plain["escaped"]
    some_more = heavy["escaped"] > plain["escaped"] or noisy_heavy["escaped"] > noisy_plain["escaped"]
    clean = heavy["left_global"] == 0 and heavy["rest_moved"] > 1e-6
    verdict = "holds" if more and clean else "nuanced" if some_more else "contradicted"
    runs = len(heavy["right"])
    text = (f"C31: with exact gradients (lr {START_LR:g}) momentum {MOMENTUM:g} left the local valley from "
            f"{heavy['escaped']} of {runs} starts on its wall (plain descent {plain['escaped']}, momentum "
            f"0.5 {moving[0.5]['escaped']}), but it also left the global valley from {heavy['left_global']} "
            f"of {runs}, and at rest in the local minimum it moved {number(heavy['rest_moved'], 2)}; with "
            f"SGD's noise it crossed the hump in {noisy_heavy['escaped']} of {noisy_heavy['runs']} runs "
            f"(without momentum {noisy_plain['escaped']}) but ended in the global valley in "
            f"{noisy_heavy['ended_global']}: momentum carries speed over humps both ways, it does not seek "
            f"the deeper valley")
    values = {"escaped": {b: r["escaped"] for b, r in moving.items()},
              "left_global": {b: r["left_global"] for b, r in moving.items()},
              "rest_moved": heavy["rest_moved"], "noisy_escaped": noisy_heavy["escaped"],
              "noisy_ended_global": noisy_heavy["ended_global"],
              "noisy_plain_escaped": noisy_plain["escaped"]}
    return Finding("C31", text, values, claim="C31", verdict=verdict, pictures=("escapes.png",))


def main(argv: list[str] | None = None) -> int:
    """python -m demos.double_well [--out DIR] [--quick] [--no-progress] [--seed N]."""
    return main_for(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
