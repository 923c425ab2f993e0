"""python -m demos: the whole tour, each demo in turn, then the list of files and out/index.html."""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import DEMOS
from ._tour import RULE, Result, parser, run_demo, write_findings, write_index

DESCRIPTION = (
    f"The chainrule demo tour: {len(DEMOS)} experiments that train real networks with chainrule's engine "
    f"({', '.join(DEMOS)}). Each prints what it finds and draws pictures into DIR/NAME/; "
    "DIR/index.html opens with the lecture's claims and their verdicts, then shows every picture with its "
    "caption; DIR/findings.json holds the claims' findings as data. Run one alone with python -m demos.NAME."
)


def tour(root: Path, quick: bool = False, progress: bool = True, seed: int = 0,
         svg: bool = False) -> tuple[list[Result], Path]:
    """Run every demo in order, write findings.json and index.html, print the list of every file written."""
    start = time.perf_counter()
    results = []
    for number, name in enumerate(DEMOS, 1):
        module = importlib.import_module(f"demos.{name}")
        results.append(run_demo(module, root, quick, progress, number_in_tour=f"{number}/{len(DEMOS)}  ",
                                  seed=seed, svg=svg))
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


def main(argv: Sequence[str] | None = None) -> int:
    """python -m demos [--out DIR] [--quick] [--no-progress] [--seed N]."""
    options = parser(DESCRIPTION, "python -m demos").parse_args(argv)
    tour(options.out, options.quick, not options.no_progress, options.seed, svg=options.format == "svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
