"""Mutation testing of the engine and nn with mutmut 3, and the score it reaches.

    python tools/mutation.py                 # copy HEAD to a scratch dir, run mutmut there, print the score
    python tools/mutation.py --report-only   # print the score of the last run
    python tools/mutation.py --rerun NAME..  # run only these mutants again, with HEAD's tests
    python tools/mutation.py --rerun-survivors  # every mutant not detected yet, with HEAD's tests

mutmut's settings are the ``[tool.mutmut]`` section of pyproject.toml (which files are
mutated, which tests run). The run happens in a copy of the committed tree
(``git archive HEAD``), so it never touches the working tree that other people edit
and measures exactly what is committed. It runs under ``nice -n 19`` with ONE worker:
the machine is shared. Expect about an hour on this machine.

The score printed is detected / total, where "detected" counts mutants a test failed on
(mutmut's "killed") and mutants whose tests ran past mutmut's CPU limit (its "timeout":
typically hypothesis shrinking a failure under mutmut's trampolines), shown apart; mutants
that no selected test reaches count as survivors. Per file and for the rule table
(autograd/rules.py) separately, then every survivor by name: ``mutmut show NAME``
in the scratch directory prints its diff.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(os.environ.get("MUTATION_DIR", Path(tempfile.gettempdir()) / "chainrule-mutation"))
MUTMUT = [sys.executable, "-m", "mutmut"]

# mutmut's exit codes of a mutant's test run -> what it means
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
          35: "suspicious", 36: "timeout", 37: "type check", -24: "timeout", 24: "timeout", 152: "timeout",
          255: "timeout", -11: "segfault", -9: "segfault", 2: "interrupted", None: "not checked"}  # as mutmut.stats
FIRST = ["autograd.rules*", "nn.losses*", "nn.optim*", "autograd.backward*", "autograd.engine*"]
DETECTED = {"killed", "timeout", "segfault", "type check"}


def snapshot(target: Path) -> None:
    """The committed tree (HEAD) unpacked into target, replacing an older copy's sources."""
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], check=True, capture_output=True).stdout
    with tempfile.TemporaryFile() as file:
        file.write(archive)
        file.seek(0)
        with tarfile.open(fileobj=file) as tar:
            tar.extractall(target, filter="data")


def refresh_tests(target: Path) -> None:
    """HEAD's tests/ over the scratch copy's, the sources left as mutated (verdicts stay valid)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD", "tests"], check=True,
                             capture_output=True).stdout
    with tempfile.TemporaryFile() as file:
        file.write(archive)
        file.seek(0)
        with tarfile.open(fileobj=file) as tar:
            tar.extractall(target, filter="data")


def run_mutmut(names: list[str]) -> int:
    command = ["nice", "-n", "19", *MUTMUT, "run", "--max-children", "1", *names]
    os.environ.setdefault("HYPOTHESIS_PROFILE", "dev")  # 15 examples per property while mutating
    print("$", " ".join(command), f"(in {SCRATCH})", flush=True)
    return subprocess.run(command, cwd=SCRATCH).returncode


def results() -> dict[str, str]:
    """mutant name -> status, from the .meta files mutmut writes beside each mutated module."""
    statuses = {}
    for meta in (SCRATCH / "mutants").rglob("*.meta"):
        data = json.loads(meta.read_text())
        for name, code in data.get("exit_code_by_key", {}).items():
            statuses[name] = STATUS.get(code, f"exit {code}")
    return statuses


def module_of(name: str) -> str:
    """'autograd.rules.x__pow__mutmut_3' -> 'autograd/rules.py'."""
    return name.split(".x")[0].replace(".", "/") + ".py"


def report(statuses: dict[str, str]) -> None:
    by_file: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for name, status in statuses.items():
        by_file[module_of(name)][status] += 1
    total = collections.Counter()
    print(f"{'file':28} {'detected':>8} {'total':>6} {'score':>7}  killed/timeout; not detected")
    for file in sorted(by_file):
        counts = by_file[file]
        total.update(counts)
        line(file, counts)
    line("ALL", total)
    survivors = sorted(name for name, status in statuses.items() if status not in DETECTED)
    print(f"\n{len(survivors)} not killed:")
    for name in survivors:
        print(f"  {statuses[name]:12} {name}")


def line(label: str, counts: collections.Counter) -> None:
    killed = sum(counts[s] for s in DETECTED)
    total = sum(counts.values())
    other = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k not in DETECTED)
    split = f"{counts['killed']}/{counts['timeout']}"
    print(f"{label:28} {killed:8} {total:6} {100 * killed / max(total, 1):6.1f}%  {split}; {other}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--rerun", nargs="+", metavar="NAME", default=[])
    parser.add_argument("--rerun-survivors", action="store_true")
    args = parser.parse_args()
    if args.rerun_survivors:
        args.rerun = sorted(name for name, status in results().items() if status not in DETECTED)
    if not args.report_only:
        if args.rerun:
            refresh_tests(SCRATCH)
            run_mutmut(args.rerun)
        else:
            snapshot(SCRATCH)  # the rule table, losses, optimiser and traversal first, then everything else
            for first in FIRST:
                run_mutmut([first])
            run_mutmut([])
    report(results())
    return 0


if __name__ == "__main__":
    sys.exit(main())
