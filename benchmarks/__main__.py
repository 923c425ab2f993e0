"""python -m benchmarks [--quick] [--only NAME ...] [--repeats N] [--timeout S]

Runs the workloads on our engine, micrograd 0.1.0, PyTorch 0-d tensors and a
hand-written float floor; prints one plain-text table per workload. Exit status 1 when an
engine's result disagrees with the reference (no time is shown for it).
"""

from __future__ import annotations

import argparse
import sys
import time

from . import report
from .suite import WORKLOADS, check, run_workload


def parse(argv: list[str] | None) -> argparse.Namespace:
    names = [w.name for w in WORKLOADS]
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="The benchmark suite: our engine against micrograd 0.1.0, PyTorch 0-d tensors and a "
                    "hand-written float floor; one process per measurement, engines in turns, medians.")
    parser.add_argument("--quick", action="store_true", help="small sizes, 1 round: a smoke run in seconds")
    parser.add_argument("--only", action="append", choices=names, metavar="NAME",
                        help=f"run only this workload (repeatable): {', '.join(names)}")
    parser.add_argument("--repeats", type=int, default=None, help="rounds of turns (default 5; --quick: 1)")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds allowed per measurement process")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--json", metavar="FILE", help="also write every measurement (times, errors) to FILE")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    repeats = args.repeats or (1 if args.quick else 5)
    chosen = [w for w in WORKLOADS if not args.only or w.name in args.only]
    progress = ((lambda text: None) if args.quiet
                else (lambda text: print(f"  .. {text}", file=sys.stderr, flush=True)))
    started = time.perf_counter()
    print("chainrule benchmarks"
          + (" (--quick: small sizes, not the reference figures)" if args.quick else ""))
    print(report.machine())
    print(f"rounds {repeats}; each measurement a fresh process; engines take turns; medians.")
    print("x micrograd = micrograd's median / engine's median (higher is faster); "
          "x floor = engine's median / floor's median;\n"
          "gc % = median share of the timed region spent in Python's cyclic garbage collector "
          "(gc.callbacks).")
    failed = False
    verdicts: list[bool | None] = []
    raw: dict[str, dict] = {}
    for number, workload in enumerate(WORKLOADS, 1):
        if workload not in chosen:
            continue
        print()
        size = workload.quick_size if args.quick else workload.size
        if size is None:
            print(f"{number}. [{workload.name}] {workload.title.format(size=workload.size)}: "
                  "skipped by --quick")
            continue
        results = run_workload(workload, repeats, args.quick, args.timeout, progress)
        raw[workload.name] = {engine: [{k: v for k, v in run.items() if k != "grads"} for run in runs]
                              for engine, runs in results.items()}
        if workload.kind == "demos":
            print(report.demos_table(number, workload, results), flush=True)
            continue
        problems = check(workload, results)
        failed = failed or bool(problems)
        text, marks = report.table(number, workload, results, problems, size, args.quick)
        verdicts += marks
        print(text, flush=True)
    print()
    met = sum(1 for v in verdicts if v)
    print(f"targets met: {met} of {len(verdicts)}"
          f" ({sum(1 for v in verdicts if v is None)} not measured);"
          f" suite took {time.perf_counter() - started:.0f} s")
    if args.json:
        import json

        with open(args.json, "w") as out:
            json.dump({"machine": report.machine(), "quick": args.quick, "repeats": repeats, "results": raw},
                      out, indent=1)
    if failed:
        print("RESULT MISMATCH: some engine computed different numbers (see MISMATCH above)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
