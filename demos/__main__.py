"""python -m demos: the whole tour, each demo in turn, then the list of files and out/index.html."""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import DEMOS
from ._tour import (
    RULE,
    Result,
    ignore_interrupts,
    parser,
    run_demo,
    run_in_worker,
    write_findings,
    write_index,
)

DESCRIPTION = (
    f"The chainrule demo tour: {len(DEMOS)} experiments that train real networks with chainrule's engine "
    f"({', '.join(DEMOS)}). Each prints what it finds and draws pictures into DIR/NAME/; "
    "DIR/index.html opens with the lecture's claims and their verdicts, then shows every picture with its "
    "caption; DIR/findings.json holds the claims' findings as data. Run one alone with python -m demos.NAME."
)


def tour(root: Path, quick: bool = False, progress: bool = True, seed: int = 0,
         svg: bool = False, jobs: int | None = None) -> tuple[list[Result], Path]:
    """Run every demo, write findings.json and index.html, print the list of every file written.

    jobs: how many demos run at once, each in a process of its own (default: 2, or 1 on a one-core
    machine). With more than one, a demo's output is printed whole, in the tour's order, when it has
    finished; the progress bar then counts demos rather than epochs.
    """
    jobs = default_jobs() if jobs is None else jobs
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number of processes, at least 1; got {jobs!r}")
    start = time.perf_counter()
    if jobs == 1:
        results = [run_demo(importlib.import_module(f"demos.{name}"), root, quick, progress,
                            number_in_tour=_number(number), seed=seed, svg=svg)
                   for number, name in enumerate(DEMOS, 1)]
    else:
        results = _in_parallel(jobs, root, quick, progress, seed, svg)
    seconds = time.perf_counter() - start
    claims = write_findings(root, results, seed)
    index = write_index(root, results, seconds)
    files = [written.path for result in results for written in result.written]
    print(f"\n{RULE}\nthe tour took {seconds:.0f} s and wrote {len(files) + 2} files:")
    for path in [*files, claims, index]:
        print(f"  {path}")
    print(f"\nopen {index} in a browser: the lecture's claims with their verdicts, every picture with its "
          f"caption, and every finding; {claims} holds the claims as data.")
    return results, index


def default_jobs() -> int:
    """Two demos at a time where there are two cores or more (the tour is sized for two), else one."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def _number(number: int) -> str:
    return f"{number}/{len(DEMOS)}  "


def _in_parallel(jobs: int, root: Path, quick: bool, progress: bool, seed: int, svg: bool) -> list[Result]:
    """Run the demos in ``jobs`` processes; print each one's output in the tour's order as it is ready.

    The worker processes ignore Ctrl-C; an interrupt stops the main process, which then ends them.
    """
    from tqdm.auto import tqdm

    tasks = [(name, root, quick, seed, svg, _number(number)) for number, name in enumerate(DEMOS, 1)]
    print(f"running the {len(DEMOS)} demos {jobs} at a time, each in a process of its own; each demo's "
          "output is printed when it has finished (--jobs 1: one after the other, with progress bars)",
          flush=True)
    results = []
    pool = multiprocessing.get_context("spawn").Pool(jobs, initializer=ignore_interrupts)
    try:
        bar = tqdm(total=len(DEMOS), desc="demos", unit="demo", disable=not progress)
        for name, printed, complaints, findings, written, seconds in pool.imap(run_in_worker, tasks):
            bar.write(printed, end="", file=sys.stdout)
            sys.stderr.write(complaints)
            bar.update()
            results.append(Result(importlib.import_module(f"demos.{name}"), findings, written, seconds))
        bar.close()
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """python -m demos [--out DIR] [--quick] [--no-progress] [--seed N] [--format svg] [--jobs N]."""
    arguments = parser(DESCRIPTION, "python -m demos")
    arguments.add_argument("--jobs", type=int, default=default_jobs(), metavar="N",
                           help=f"run N demos at a time, each in a process of its own "
                                f"(default {default_jobs()} on this machine); 1: one after the other, "
                                "with each training's progress bar")
    options = arguments.parse_args(argv)
    if options.jobs < 1:
        arguments.error(f"--jobs must be at least 1, not {options.jobs}")
    try:
        tour(options.out, options.quick, not options.no_progress, options.seed, svg=options.format == "svg",
             jobs=options.jobs)
    except KeyboardInterrupt:
        ended = " and its worker processes were ended" if options.jobs > 1 else ""
        print(f"\ninterrupted (Ctrl-C): the tour stopped{ended}; {options.out} has the pictures of the demos "
              "that had finished, and no findings.json or index.html", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
