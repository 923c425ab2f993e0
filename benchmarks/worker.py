"""One measurement in a fresh process; prints one JSON line: seconds, loss, gradients (or error).

    python -m benchmarks.worker WORKLOAD ENGINE SIZE [--steps K] [--warmup W] [--traced]

The suite (``python -m benchmarks``) starts one of these per measurement, so no engine
runs in a process warmed, fragmented or garbage-laden by another.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback


def measure(workload: str, engine: str, size: int, steps: int, warmup: int, traced: bool,
            timeout: float) -> dict:
    from . import chain, demos, memory, mlp, weighted_sum
    from .engines import raise_recursion_limit

    if engine == "micrograd":
        raise_recursion_limit()  # its topological sort recurses once per level of graph depth
    if workload == "mlp":
        if engine in ("floor", "floor-sparse"):
            return mlp.floor(size, steps, warmup, sparse=engine == "floor-sparse")
        if engine == "codegen":
            return mlp.staged(size, steps, warmup)
        if engine == "ours-nn":
            missing = mlp.nn_available()
            return {"skipped": missing} if missing else mlp.our_nn(size, steps, warmup)
        return mlp.same_graph(engine, size, steps, warmup)
    if workload == "chain":
        return chain.floor(size) if engine == "floor" else chain.graph_chain(engine, size)
    if workload == "sum":
        if engine == "floor":
            return weighted_sum.floor(size)
        if engine == "ours-dot":
            return weighted_sum.ours_dot(size)
        return weighted_sum.graph_sum(engine, size)
    if workload == "memory":
        return memory.graph_memory(engine, size, traced)
    if workload == "demos":
        missing = demos.available()
        return {"skipped": missing} if missing else demos.tour(timeout)
    raise SystemExit(f"unknown workload {workload!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker", description=__doc__.splitlines()[0])
    parser.add_argument("workload")
    parser.add_argument("engine")
    parser.add_argument("size", type=int)
    parser.add_argument("--steps", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--traced", action="store_true")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    try:
        result = measure(args.workload, args.engine, args.size, args.steps, args.warmup, args.traced,
                         args.timeout)
    except RecursionError:
        result = {"error": "RecursionError"}
    except MemoryError:
        result = {"error": "MemoryError"}
    except Exception as error:  # reported in the table, with the traceback on stderr
        traceback.print_exc()
        result = {"error": f"{type(error).__name__}: {error}"[:200]}
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
