"""Where the time of one MLP step goes: phases, Python's cyclic GC, and the hottest functions.

    python -m benchmarks.profiling                    phases and GC for ours, ours-nn, micrograd
    python -m benchmarks.profiling --cprofile ours    + cProfile's top functions for one engine
    python -m benchmarks.profiling --pyinstrument ours   + a pyinstrument call tree (if installed)

Phases of a step (workload 1, micrograd's demo on 100 moons):
    forward    build the graph and the loss (the demo's code, or nn.MLP + hinge for ours-nn)
    order      backward's ordering pass alone (ours only; backward repeats it): the consumer
               count of Kahn's algorithm (autograd.backward._count_consumers) when the engine has
               it, else autograd.topological_order
    backward   loss.backward(): the ordering pass + the chain rule over every edge
    step       zero_grad + SGD update of the 337 parameters
    free       dropping the graph (ours frees it by reference counting; micrograd needs the GC)
GC time is measured with ``gc.callbacks`` (start/stop of every collection) during the phases.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from typing import Any

from . import mlp
from .data import flat, mlp_weights, moons
from .timing import Stopwatch


class GCTimer(Stopwatch):
    """A Stopwatch read for its collector time only (``seconds`` is the time in collections)."""

    def __exit__(self, *exc: Any) -> None:
        super().__exit__(*exc)
        self.seconds = self.gc_seconds


def _builder(engine_name: str, n: int) -> tuple[Any, Any, Any]:
    """(forward, backward, step) closures for one engine on the demo's problem."""
    X, y = moons(n)
    if engine_name == "ours-nn":
        import nn
        import nn.losses
        import nn.optim
        from autograd import dot

        model = nn.MLP(2, mlp.SIZES[1:], activation="relu", output_activation="linear")
        params = model.parameters()
        for p, value in zip(params, flat(mlp_weights(mlp.SIZES))):
            p.data = value
        opt = nn.optim.SGD(params, lr=mlp.LR)

        def forward() -> Any:
            return nn.losses.hinge([model(row)[0] for row in X], y) + mlp.ALPHA * dot(params, params)

        def step() -> None:
            opt.step()
            opt.zero_grad()  # ready for the next backward (same work as zeroing before it)

        return forward, lambda loss: loss.backward(), step
    from .engines import load

    engine = load(engine_name)
    model = mlp.MLP(engine, mlp_weights(mlp.SIZES))
    params = model.parameters()

    def sgd() -> None:
        engine.sgd(params, mlp.LR)
        engine.zero_grad(params)  # ready for the next backward (same work as zeroing before it)

    return (lambda: mlp.demo_loss(engine, model, X, y)), engine.backward, sgd


def _our_order_pass() -> Any:
    """backward's own ordering pass alone (the fast path's consumer count), else the topological order."""
    from autograd import backward as engine_backward

    count, undo = (getattr(engine_backward, name, None) for name in ("_count_consumers", "_undo"))
    if count is None or undo is None:
        return engine_backward.topological_order

    def order_pass(output: Any) -> None:
        seen = [output]
        count(output, seen)
        undo(seen, False)

    return order_pass


def phases(engine_name: str, n: int = 100, steps: int = 5, collector: bool = True) -> dict[str, float]:
    """Mean seconds per phase over ``steps`` steps (after one warm-up), and the time in the GC.

    A mean, not a median: the collector's full (generation 2) collections land on some steps only.
    """
    forward, backward, step = _builder(engine_name, n)
    if engine_name.startswith("ours"):
        order_pass = _our_order_pass()
    times: dict[str, list[float]] = {k: [] for k in ("forward", "order", "backward", "step", "free", "total",
                                                     "gc")}
    was_enabled = gc.isenabled()
    (gc.enable if collector else gc.disable)()
    try:
        loss = None
        for index in range(steps + 1):
            with GCTimer() as timer:
                t0 = time.perf_counter()
                loss = None  # free the previous graph inside the timed region, as a training loop does
                t1 = time.perf_counter()
                loss = forward()
                t2 = time.perf_counter()
                if engine_name.startswith("ours"):
                    order_pass(loss)
                t3 = time.perf_counter()
                backward(loss)
                t4 = time.perf_counter()
                step()
                t5 = time.perf_counter()
            if index == 0:
                continue
            for key, value in (("free", t1 - t0), ("forward", t2 - t1), ("order", t3 - t2),
                               ("backward", t4 - t3), ("step", t5 - t4), ("total", t5 - t0 - (t3 - t2)),
                               ("gc", timer.seconds)):
                times[key].append(value)
    finally:
        (gc.enable if was_enabled else gc.disable)()
    return {key: statistics.fmean(values) for key, values in times.items()}


HEADER = (f"{'engine':<10} {'gc':<4} {'total':>8} {'forward':>8} {'backward':>8} {'(order)':>8} {'step':>8} "
          f"{'free':>8} {'gc time':>8} {'gc %':>5}")


def phase_row(engine: str, n: int, steps: int, collector: bool) -> str:
    m = phases(engine, n, steps, collector)
    return (f"{engine:<10} {'on' if collector else 'off':<4} {m['total']:>8.4f} {m['forward']:>8.4f} "
            f"{m['backward']:>8.4f} {m['order']:>8.4f} {m['step']:>8.4f} {m['free']:>8.4f} "
            f"{m['gc']:>8.4f} {100 * m['gc'] / m['total']:>4.0f}%")


def print_phases(engines: list[str], n: int, steps: int) -> None:
    """One fresh process per row: our engine changes the collector's thresholds process-wide."""
    import subprocess
    import sys

    print(f"MLP step phases: seconds, mean of {steps} steps after 1 warm-up, {n} points, one process per row")
    print(HEADER)
    for engine in engines:
        for collector in ("on", "off"):
            done = subprocess.run([sys.executable, "-m", "benchmarks.profiling", "--row", engine, collector,
                                   "--n", str(n), "--steps", str(steps)], capture_output=True, text=True)
            print(done.stdout.strip() or f"{engine:<10} {collector:<4} failed: {done.stderr.strip()[-200:]}",
                  flush=True)
    print("gc off: gc.disable() for the whole run; total excludes the separate (order) measurement "
          "(backward does its own); gc time = time inside collections (gc.callbacks)")


def run_profile(engine_name: str, n: int, steps: int, tool: str) -> None:
    forward, backward, step = _builder(engine_name, n)

    def train() -> None:
        for _ in range(steps):
            loss = forward()
            backward(loss)
            step()

    train()  # warm-up
    if tool == "cprofile":
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(train)
        print(f"\ncProfile: {engine_name}, {steps} MLP steps, top functions by own time")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(18)
    else:
        try:
            from pyinstrument import Profiler
        except ImportError:
            print("pyinstrument is not installed (pip install pyinstrument)")
            return
        profiler = Profiler(interval=0.0005)
        profiler.start()
        train()
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiling",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=["ours", "ours-nn", "micrograd"])
    parser.add_argument("--n", type=int, default=100, help="two-moons points (default 100)")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--cprofile", metavar="ENGINE")
    parser.add_argument("--pyinstrument", metavar="ENGINE")
    parser.add_argument("--no-phases", action="store_true")
    parser.add_argument("--row", nargs=2, metavar=("ENGINE", "GC"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.row:
        print(phase_row(args.row[0], args.n, args.steps, args.row[1] == "on"))
        return
    if not args.no_phases:
        print_phases(args.engines, args.n, args.steps)
    if args.cprofile:
        run_profile(args.cprofile, args.n, args.steps, "cprofile")
    if args.pyinstrument:
        run_profile(args.pyinstrument, args.n, args.steps, "pyinstrument")


if __name__ == "__main__":
    main()
