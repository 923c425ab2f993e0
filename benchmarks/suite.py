"""The suite: which workloads, which engines, what targets; running them in turns and checking results.

Every measurement is one process (``python -m benchmarks.worker``). For each workload the
engines take turns, A B C D A B C D ..., ``repeats`` rounds, so a slow minute on this shared
machine lands on every engine alike. Before a workload's table is printed, every engine's
loss and gradients are compared with the reference engine's (the float floor where there is
one); a mismatch prints MISMATCH instead of the time and makes the suite exit with status 1.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REL_TOL = 1e-9  # results must agree to this relative tolerance (of the largest gradient)


@dataclass
class Target:
    """A speed goal: ``measure(medians)`` compared with ``bound``."""

    text: str
    measure: Callable[[dict], float]
    at_least: bool
    bound: float
    info: bool = False  # shown for information, not counted as a target

    def judge(self, medians: dict) -> tuple[str, bool | None]:
        try:
            value = self.measure(medians)
        except (KeyError, ZeroDivisionError, TypeError):
            return "not measured", None
        passed = value >= self.bound if self.at_least else value <= self.bound
        return f"{value:.1f}", passed


@dataclass
class Workload:
    name: str
    title: str
    engines: list[str]
    size: int
    quick_size: int | None  # None: skipped by --quick
    kind: str = "time"  # "time", "memory" or "demos"
    steps: int = 1
    warmup: int = 1
    max_repeats: int | None = None
    reference: str = "floor"
    targets: list[Target] = field(default_factory=list)
    note: str = ""
    worker: str = ""  # the worker's workload name, when it differs from ``name``

    def __post_init__(self) -> None:
        self.worker = self.worker or self.name


def faster(slow: str, fast: str) -> Callable[[dict], float]:
    return lambda m: m[slow] / m[fast]


WORKLOADS = [
    Workload(
        "mlp",
        "MLP step: micrograd's demo 2-16-16-1 ReLU MLP on {size} two-moons points, hinge + 1e-4 L2, "
        "backward, SGD",
        ["ours", "ours-nn", "codegen", "micrograd", "torch", "floor", "floor-sparse"],
        size=100, quick_size=20, steps=2, warmup=1,
        targets=[
            Target("same graph: ours >= 15x faster than micrograd", faster("micrograd", "ours"), True, 15),
            Target("our nn: >= 40x faster than micrograd", faster("micrograd", "ours-nn"), True, 40),
            Target("our nn: within 8x of the float floor", faster("ours-nn", "floor"), False, 8),
            Target("staged code: >= 100x faster than micrograd", faster("micrograd", "codegen"), True, 100),
            Target("staged code: within 1.5x of the float floor", faster("codegen", "floor"), False, 1.5),
            Target("our nn vs floor-sparse (a floor that skips zero gradients)",
                   faster("ours-nn", "floor-sparse"), False, 8, info=True),
            Target("our nn vs torch 0-d, x faster (a goal: at least 25x ahead of it)",
                   faster("torch", "ours-nn"), True, 25, info=True),
            Target("same graph: ours vs torch 0-d, x faster", faster("torch", "ours"), True, 25, info=True),
        ],
        note="ours/micrograd/torch run the demo's code (binary ops, ~65,000 nodes at 100 points); "
             "ours-nn is nn.MLP + nn.losses.hinge + nn.optim.SGD; time per step, mean of 2 steps after "
             "1 warm-up;\n"
             "   codegen: autograd.codegen(fast=True) of one sample's graph, called once per sample "
             "(generated once, before the timing);\n"
             "   floor: every multiply-add of the graph on floats; floor-sparse also skips zero gradients "
             "(information only)",
    ),
    Workload(
        "chain", "Chain {size:,} deep: y = y*1.0001 + 0.0001, forward + backward",
        ["ours", "micrograd", "torch", "floor"], size=100_000, quick_size=10_000,
        targets=[Target("ours >= 8x faster than micrograd", faster("micrograd", "ours"), True, 8)],
        note="micrograd (all workloads) with sys.setrecursionlimit(10**7)",
    ),
    Workload(
        "chain1m", "Chain {size:,} deep: y = y*1.0001 + 0.0001, forward + backward",
        ["ours", "micrograd", "torch", "floor"], size=1_000_000, quick_size=None, max_repeats=3,
        note="micrograd with sys.setrecursionlimit(10**7); at most 3 rounds", worker="chain",
    ),
    Workload(
        "sum", "Weighted sum of {size:,} terms: s = sum_i w_i*x_i, forward + backward",
        ["ours", "ours-dot", "micrograd", "torch", "floor"], size=100_000, quick_size=10_000,
        note="ours/micrograd/torch: sum(w*x for ...) of binary nodes; ours-dot: one autograd.dot node",
    ),
    Workload(
        "memory", "Memory of a {size:,}-node graph (the chain, 4 nodes a link), bytes per node",
        ["ours", "micrograd", "torch"], size=1_000_000, quick_size=100_000, kind="memory", max_repeats=3,
        reference="micrograd",
        targets=[Target("ours <= 200 bytes per node (graph RSS)",
                        lambda m: m["ours"]["graph_per_node"], False, 200)],
        note="graph: RSS growth while building; peak: ru_maxrss growth incl. backward; traced: tracemalloc",
    ),
    Workload(
        "demos", "The `python -m demos` tour, wall time", ["tour"], size=0, quick_size=None, kind="demos",
        max_repeats=1, reference="",
    ),
]


# --- running one measurement ---


def run_worker(workload: Workload, engine: str, size: int, timeout: float, traced: bool = False) -> dict:
    """One fresh process; its JSON result, or an error naming how it died."""
    command = [sys.executable, "-m", "benchmarks.worker", workload.worker, engine, str(size),
               "--steps", str(workload.steps), "--warmup", str(workload.warmup), "--timeout", str(timeout)]
    if traced:
        command.append("--traced")
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode < 0:
        import signal

        return {"error": f"crashed ({signal.Signals(-done.returncode).name})"}
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        return {"error": f"crashed: {tail[0][:120]}"}
    return json.loads(lines[-1])


def run_workload(workload: Workload, repeats: int, quick: bool, timeout: float,
                 progress: Callable[[str], None]) -> dict[str, list[dict]]:
    """All measurements of one workload, engines taking turns; an engine that fails is not retried."""
    size = workload.quick_size if quick else workload.size
    rounds = min(repeats, workload.max_repeats or repeats)
    results: dict[str, list[dict]] = {engine: [] for engine in workload.engines}
    for round_index in range(rounds):
        for engine in workload.engines:
            earlier = results[engine]
            if earlier and ("error" in earlier[0] or "skipped" in earlier[0]):
                continue
            progress(f"{workload.name} round {round_index + 1}/{rounds}: {engine} ...")
            earlier.append(run_worker(workload, engine, size, timeout))
    if workload.kind == "memory":
        for engine in workload.engines:
            if engine != "torch" and results[engine] and "error" not in results[engine][0]:
                progress(f"{workload.name}: {engine} with tracemalloc ...")
                traced = run_worker(workload, engine, size, timeout, traced=True)
                results[engine][0]["traced_per_node"] = traced.get("traced_per_node")
    return results


# --- checking that every engine computed the same numbers ---


def mismatch(result: dict, reference: dict) -> str | None:
    """None when loss and gradients agree to REL_TOL; else a short description of the first difference."""
    scale = max([abs(reference["loss"])] + [abs(g) for g in reference["grads"]] + [1e-300])
    if len(result["grads"]) != len(reference["grads"]):
        return f"{len(result['grads'])} gradients, reference has {len(reference['grads'])}"
    pairs = [("loss", result["loss"], reference["loss"])]
    pairs += [(f"grad[{i}]", a, b) for i, (a, b) in enumerate(zip(result["grads"], reference["grads"]))]
    for what, got, want in pairs:
        if not math.isclose(got, want, rel_tol=REL_TOL, abs_tol=REL_TOL * 1e-3 * scale):
            return f"{what} = {got!r}, reference {want!r}"
    return None


def check(workload: Workload, results: dict[str, list[dict]]) -> dict[str, str]:
    """engine -> mismatch description, for every engine whose result differs from the reference."""
    reference = next((r for r in results.get(workload.reference, []) if "loss" in r), None)
    if reference is None:
        return {}
    problems = {}
    for engine, runs in results.items():
        for run in runs:
            if "loss" in run:
                problem = mismatch(run, reference)
                if problem:
                    problems[engine] = problem
                    break
    return problems
