"""Two commits of the engine measured side by side in one run: did a change lose a ratio?

    python -m benchmarks.commits OLD NEW [--repeats 5] [--only mlp --only chain]

Each commit is checked out into a temporary git worktree; the workers of both take turns
(OLD ours, NEW ours, micrograd, floor, OLD ours, ...), each in a fresh process run inside its own
tree, so both see the same machine load. The table shows each engine's median and its ratio
to micrograd and to the float floor; the last column is NEW's median over OLD's (below 1: faster).
The worktrees are removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# workload, size, steps, the engines run from the newer tree only (the references)
WORKLOADS = {
    "mlp": (100, 2, ["micrograd", "floor"], ["ours", "ours-nn"]),
    "chain": (100_000, 1, ["micrograd", "floor"], ["ours"]),
    "sum": (100_000, 1, ["floor"], ["ours", "ours-dot"]),
}


@contextlib.contextmanager
def worktree(commit: str, folder: Path) -> Iterator[Path]:
    """A checkout of commit at folder, removed afterwards."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(folder), commit],
                   check=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=False)


def measure(tree: Path, workload: str, engine: str, size: int, steps: int) -> dict:
    """One fresh worker process inside tree (its autograd and nn are imported from there)."""
    command = [sys.executable, "-m", "benchmarks.worker", workload, engine, str(size), "--steps", str(steps)]
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True, timeout=1800)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1][:100]}
    return json.loads(lines[-1])


def run(old: Path, new: Path, workload: str, repeats: int) -> dict[str, list[float]]:
    """Seconds per engine ("ours@old", "ours@new", "micrograd", ...), engines taking turns."""
    size, steps, references, ours = WORKLOADS[workload]
    runs = ([(f"{engine}@old", old, engine) for engine in ours]
            + [(f"{engine}@new", new, engine) for engine in ours])
    runs += [(engine, new, engine) for engine in references]
    seconds: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    for round_index in range(repeats):
        for name, tree, engine in runs:
            print(f"  {workload} round {round_index + 1}/{repeats}: {name} ...", file=sys.stderr, flush=True)
            result = measure(tree, workload, engine, size, steps)
            if "error" in result:
                raise SystemExit(f"{workload} {name}: {result['error']}")
            seconds[name].append(result["seconds"])
    return seconds


def table(workload: str, seconds: dict[str, list[float]]) -> str:
    """Medians, x micrograd, x floor, and new / old for our engines."""
    medians = {name: statistics.median(times) for name, times in seconds.items()}
    lines = [f"{workload}: median of {len(next(iter(seconds.values())))} rounds",
             f"  {'engine':<14} {'median s':>10} {'x micrograd':>12} {'x floor':>9} {'new / old':>10}"]
    for name, median in medians.items():
        speedup = f"{medians['micrograd'] / median:.1f}" if "micrograd" in medians else ""
        floor = f"{median / medians['floor']:.2f}" if "floor" in medians else ""
        change = ""
        if name.endswith("@new"):
            change = f"{median / medians[name.replace('@new', '@old')]:.3f}"
        lines.append(f"  {name:<14} {median:>10.4f} {speedup:>12} {floor:>9} {change:>10}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """python -m benchmarks.commits OLD NEW: the table for each workload."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.commits", description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", action="append", choices=sorted(WORKLOADS))
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder, \
            worktree(options.old, Path(folder) / "old") as old, \
            worktree(options.new, Path(folder) / "new") as new:
        for workload in options.only or list(WORKLOADS):
            print(table(workload, run(old, new, workload, options.repeats)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
