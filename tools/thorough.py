"""Run the property-based tests under a hypothesis profile and count the examples.

    python tools/thorough.py                      # profile "thorough": 2,000 examples per property
    python tools/thorough.py --profile ci         # what CI runs: 60 per property
    python tools/thorough.py --profile ci tests/test_ops.py ...   # other files

Runs pytest (under ``nice -n 19``: the machine is shared) with
``HYPOTHESIS_PROFILE=<profile> --hypothesis-show-statistics`` and prints, for every
property, the passing / failing / invalid examples hypothesis reports, then the totals
and pytest's own summary line. Exit status: pytest's.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [
    "tests/test_reliability_graphs.py",  # random expression graphs vs PyTorch: values, every gradient,
                                         # Hessians
    "tests/test_reliability_mlp.py",  # random MLPs, losses, SGD steps vs PyTorch, parameter by parameter
    "tests/test_hostile_input.py",  # nn.load on random bytes / JSON, explain on random strings
    "tests/test_torch_oracle.py",  # the engine's own random programs vs PyTorch
]
HEADER = re.compile(r"^(tests/\S+::\S+):$", re.M)
COUNTS = re.compile(r"- (\d+) passing, (\d+) failing, and (\d+) invalid")


def statistics(text: str) -> list[tuple[str, int, int, int]]:
    """(property, passing, failing, invalid), summed over hypothesis' phases (reuse, generate, shrink)."""
    section = text.split("Hypothesis Statistics", 1)[-1]
    headers = list(HEADER.finditer(section))
    rows = []
    for header, after in zip(headers, headers[1:] + [None]):
        block = section[header.end() : after.start() if after else len(section)]
        counts = [sum(int(m[i]) for m in COUNTS.findall(block)) for i in range(3)]
        rows.append((header.group(1), *counts))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="thorough", choices=["ci", "thorough", "dev"])
    parser.add_argument("files", nargs="*", default=DEFAULT_FILES)
    args = parser.parse_args()
    env = dict(os.environ, HYPOTHESIS_PROFILE=args.profile)
    command = ["nice", "-n", "19", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "--hypothesis-show-statistics", *args.files]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    rows = statistics(result.stdout)
    totals = [0, 0, 0]
    print(f"profile {args.profile!r}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {seconds:.0f} s")
    print(f"{'passing':>8} {'failing':>8} {'invalid':>8}  property")
    for name, passing, failing, invalid in rows:
        counts = [passing, failing, invalid]
        totals = [t + c for t, c in zip(totals, counts)]
        print(f"{counts[0]:8} {counts[1]:8} {counts[2]:8}  {name}")
    print(f"{totals[0]:8} {totals[1]:8} {totals[2]:8}  TOTAL over {len(rows)} properties")
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
    print("pytest:", summary)
    if result.returncode:
        print(result.stdout[-5000:])
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
