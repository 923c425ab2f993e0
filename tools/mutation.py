"""Mutation testing of the engine and nn with mutmut 3, and the score it reaches.

    python tools/mutation.py                 # copy HEAD to a scratch dir, run mutmut there, print the score
    python tools/mutation.py --report-only   # print the score of the last run
    python tools/mutation.py --rerun NAME..  # run only these mutants again, with HEAD's tests
    python tools/mutation.py --rerun-survivors  # every mutant not detected yet, with HEAD's tests
    python tools/mutation.py --by-hand      # each survivor without a reason: HEAD's reliability tests
                                            # run directly with the mutant switched on (see below)
    python tools/mutation.py --jobs 2       # two mutants at a time (default one), with any of the above

mutmut 3 runs, for a mutant, only the tests its stats run saw calling the mutated function;
tests added later are not always mapped. ``--by-hand`` therefore runs the fast reliability
files (BY_HAND_TESTS: the tests by subject that pin exact messages and edge values,
tests/test_reliability_numerics.py, test_hostile_input.py, test_graph.py, test_ops.py) in
the mutants/ copy with ``MUTANT_UNDER_TEST=<name>`` (how mutmut itself switches one mutant on)
and records a failing run as "killed (by hand)" in SCRATCH/by_hand.json.

mutmut's settings are the ``[tool.mutmut]`` section of pyproject.toml (which files are
mutated, which tests run). The run happens in a copy of the committed tree
(``git archive HEAD``), so it never touches the working tree that other people edit
and measures exactly what is committed. It runs under ``nice -n 19`` with ONE worker by default
(the machine is shared; ``--jobs 2`` uses two cores, still at the lowest priority).
Expect several hours on this machine (7,364 mutants at commit 4ae64fd, about one a second with
two workers outside the rule table, whose survivors each run the whole suite). A run that is
stopped resumes where it was: mutants with a verdict are not run again.

The score printed is detected / checked, where "detected" counts mutants a test failed on
(mutmut's "killed"), mutants whose tests ran past mutmut's CPU limit (its "timeout":
typically hypothesis shrinking a failure under mutmut's trampolines) and mutants killed by
hand, shown apart; mutants that no selected test reaches count as checked and not detected.
Per file, then every survivor with its changed line and, when one is written in EQUIVALENT,
the reason it is equivalent (``mutmut show NAME`` in the scratch directory prints the whole diff).
"""

from __future__ import annotations

import argparse
import collections
import fnmatch
import importlib.util
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(os.environ.get("MUTATION_DIR", Path(tempfile.gettempdir()) / "chainrule-mutation"))
MUTMUT = [sys.executable, "-m", "mutmut"]

# mutmut's exit codes of a mutant's test run -> what it means
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
          35: "suspicious", 36: "timeout", 37: "type check", -24: "timeout", 24: "timeout",
          152: "timeout", 255: "timeout", -11: "segfault", -9: "segfault", 2: "interrupted",
          None: "not checked"}  # as mutmut.stats
# the rule table, losses, optimiser and traversal first, then the rest of what the score measured before
# (engine, modes, collector, checks, gradcheck, nn), then the newer modules (codegen, define, ...)
FIRST = ["autograd.rules*", "nn.losses*", "nn.optim*", "autograd.backward*", "autograd.engine*",
         "autograd.modes*", "autograd.collector*", "autograd.checks*", "autograd.gradcheck*",
         "nn.module*", "nn.train*", "nn.data*", "nn.init*", "nn.io*"]
DETECTED = {"killed", "timeout", "segfault", "type check", "killed by hand"}


# Survivors judged equivalent (or not switchable by mutmut), with the reason. Each entry names the
# function (mutmut's mangled name, any mutant number: a changed function renumbers its mutants) and
# the change itself (a regex over the diff's changed lines, "-" the original and "+" the mutant), so a
# renumbered function's reason stays with the change it was written for.
STRICT_ZIP = ("zip(..., strict=True) -> strict=False/None: the lengths were checked equal "
              "just before")
VALUE_ORDER = ("x stays a Value instead of x.data: Value's < > <= >= compare .data, so every branch "
               "is the same")
ZIP_CHANGE = r"^\+.*zip\(.*(strict=(False|None)|, \))"
EQUIVALENT = [
    (r"autograd\.rules\.x__dot__", r"^\+.*us\[n : 3 \* n\]", "xs[n:3n] instead of xs[n:2n]: map() stops "
     "at the n weights anyway"),
    (r"autograd\.rules\.x__dot_pytorch__", r"^\+.*names\[n : 3 \* n\]", "names[n:3n] instead of "
     "names[n:2n]: zip() stops at the n weights anyway"),
    (r"autograd\.rules\.x__dot_kind__", r"^\+.*min\(slot // n, 3\)", "min(slot // n, 3): slot // n is at "
     "most 2 for dot's 2n+1 operands"),
    (r"autograd\.rules\.x_role__", r"^\+.*len\(rule\.operands\) \+ 1", "the bound is never reached: every "
     "rule's kind is at most its last operand's index"),
    (r"nn\.losses\.x_(_pair|mae|mse|huber|hinge|cross_entropy|binary_cross_entropy"
     r"|binary_cross_entropy_with_logits)__", ZIP_CHANGE, STRICT_ZIP),
    (r"nn\.losses\.x_binary_cross_entropy__", r"^\+.*_number\(p, ", "the message of a check _pair "
     "already made: unreachable"),
    (r"nn\.losses\.x__softplus__", r"^\+.*z\.data >= 0", "z >= 0 instead of z > 0: at z = 0 both forms "
     "give ln 2 and slope 1/2 exactly"),
    (r"nn\.losses\.x__softplus__", r"^\+.*z\.data > 1", "z > 1 instead of z > 0: for 0 < z <= 1 "
     "ln(1 + e^z) is used, the same function and gradient (both forms are exact there, they differ in "
     "the last bit at most)"),
    (r"nn\.losses\.x_huber__", r"^\+.*isinstance\(d, Value\)\) and False", "abs() of the difference kept "
     "as a Value: its <= compares .data, the same"),
    (r"nn\.losses\.x_huber__", r"^\+.*abs\(d_data\) < delta", "< instead of <= at |d| = delta: both "
     "pieces give delta^2/2 and slope delta there"),
    (r"nn\.optim\.x_clip_grad_norm__", r"^\+.*scale <= 1", "<= 1 instead of < 1: at scale 1 the "
     "gradients are multiplied by 1.0, the same numbers"),
    (r"nn\.optim\.x__gradient__", r"^\+.*(\(type\(p\.grad\) is float\) and False|type\(None\) is float"
     r'|getattr\(None, "data", p\.grad\)|getattr\(p\.grad, "(XXdataXX|DATA)", p\.grad\))', "float() of a "
     "Value is its .data (Value.__float__), and of a float the float itself"),
    (r"nn\.optim\.xǁ(SGD|RMSprop)ǁ_update__", r"^\+.*if self\.momentum == 1:", "momentum 0 through the "
     "momentum formula instead of its shortcut: v = 0 v + g = g, the same step (momentum < 1 always)"),
    (r"nn\.optim\.xǁCosineAnnealingLRǁ_next_lr__", r"^\+.*\(e - 1 \+ period\) % \(2 \* period\)",
     "e - 1 + period instead of e - 1 - period modulo 2 period: the same residue"),
    (r"autograd\.backward\.x__local_values__", r"^\+.*return tuple\(rule\.local\(parents, None, "
     r"node\.constant\)\)", "out = None for an n-ary node: sum's and dot's derivatives do not use out"),
    (r"autograd\.engine\.x__nary__", r"^\+.*rule\.local\(datas, None, constant\)", "out = None for an "
     "n-ary node: sum's and dot's derivatives do not use out"),
    (r"autograd\.engine\.x__as_values__", r"^\+.*<(?!=)", "< instead of <=: all-Value input takes the "
     "slow path, same result"),
    (r"autograd\.engine\.xǁValueǁ__deepcopy____", r"^\+.*isinstance\(node\.grad, Value\)\) or True",
     "deepcopy of a float gradient is the same float"),
    (r"autograd\.backward\.x__(store_grads|undo)__",
     r"^\+.*deque\(map\(setattr, .*\)(, maxlen=(1|None)\)|, \))$",
     "deque(..., maxlen=0) only drains the map of setattr calls: another maxlen keeps a few Nones "
     "in memory, the same effects"),
    (r"autograd\.backward\.x_grad__", r"^\+.*add_to_grads=None", "add_to_grads=None instead of False: "
     "both are false"),
    (r"autograd\.backward\.x__nested__", r".", "not switchable: its test (test_backward_from_inside_a_running"
     "_backward_is_refused) watches backward's frames by function name, which mutmut's trampolines "
     "rename, so that test is left out of the mutmut run"),
    (r"autograd\.modes\.x_user_site__", r".", "user_site's frame walk: under mutmut a trampoline frame "
     "(outside the packages) sits between the caller and user_site; applied by hand to the plain "
     "sources each fails test_anomaly_sites_point_outside_the_packages, or the branch is unreachable "
     "(every call chain starts outside the packages)"),
    (r"autograd\.modes\.x_anomaly_sites__", r"^\+.*anomaly_blocks\) or True", "outside detect_anomaly "
     "this thread's sites are None anyway"),
    (r"nn\.init\.x__orthonormal_vectors__", ZIP_CHANGE, STRICT_ZIP),
    (r"nn\.init\.x__orthonormal_vectors__", r"^\+.*gauss\(0\.0, 2\.0\)", "the draws' standard deviation "
     "(1 or 2) cancels when the vector is normalised"),
    (r"nn\.init\.x__orthonormal_vectors__", r"^\+.*(range\(3\)|norm >= 1e-6 \* start)", "only the "
     "threshold for redrawing a nearly dependent vector, or a third Gram-Schmidt pass: rows stay "
     "orthonormal, the numbers move by rounding only"),
    (r"nn\.data\.x__linspace__", r"^\+.*stop \+ start", "stop + start instead of stop - start: every "
     "call has start = 0.0"),
    (r"nn\.init\.x_orthogonal__", r"^\+.*rows < cols", "rows < cols: a square matrix is built from "
     "orthonormal columns instead of rows, and is orthogonal either way"),
    (r"nn\.init\.x_zeros__", r"^\+.*constant\(rows, cols, (None, value=0\.0|value=0\.0|rng, )\)",
     "constant() does not use rng, and its default value is 0.0 anyway"),
    (r"nn\.io\.x__build__", ZIP_CHANGE, STRICT_ZIP),
    (r"nn\.io\.x__build__", r"^\+\s*model = (MLP|Layer|Neuron)\(.*\], \)$", "the model is built with "
     "the default initialiser, then every weight and bias is overwritten from the file"),
    (r"nn\.io\.x_save__", r'^\+.*(allow_nan=None\)|encoding=None\)|"w", \)|encoding="UTF-8"\))',
     "json.dumps writes ASCII only (so the file's encoding does not matter), and allow_nan=None is as "
     "false as False"),
    (r"nn\.io\.x__read_text__", r"^\+.*UTF-8-SIG", "codec names are case-insensitive: UTF-8-SIG is "
     "utf-8-sig"),
    (r"nn\.module\.x__inputs__", r"^\+.*(\(type\(item\) is Value\) and False|type\(None\) is Value)",
     "_constant returns a Value unchanged, so every item is the same"),
    (r"nn\.train\.x__correct__", ZIP_CHANGE, STRICT_ZIP),
    (r"nn\.train\.x__output_count__", r'^\+\s*if hasattr\((None, "nouts?"|model, "(XXnoutsXX|NOUTS'
     r'|XXnoutXX|NOUT)")\):', "the size attribute is missed, and the fallback (one forward pass under "
     "no_grad) counts the same outputs"),
    (r"nn\.train\.x_fit__", r"^\+\s*_check_batch_size\(", "the batch size is checked again by batches() "
     "before the first step: the same error, nothing changed"),
    (r"nn\.train\.x__as_float__", r"^\+.*isinstance\(out, Value\)\) and False", "float() of a Value is "
     "its .data (Value.__float__)"),
]


def reason_for(name: str, change: str = "") -> str | None:
    """The written reason a survivor is equivalent, when one matches its function and its change."""
    return next((reason for function, pattern, reason in EQUIVALENT
                 if re.search(function, name) and re.search(pattern, change, re.MULTILINE)), None)


DIFFS = """
import json, sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
diffs = {}
for name, path in json.load(sys.stdin):
    try:
        diffs[name] = get_diff_for_mutant(name, path=path)
    except Exception:  # a function mutmut cannot find: no diff, no reason
        diffs[name] = ""
print(json.dumps(diffs))
"""


def changes(names: list[str]) -> dict[str, str]:
    """mutant -> its diff's changed lines ("-" original, "+" mutant), read by mutmut in the scratch copy."""
    if not names or importlib.util.find_spec("mutmut") is None:  # without mutmut: no diffs, no reasons
        return dict.fromkeys(names, "")
    pairs = json.dumps([(name, module_of(name)) for name in names])
    out = subprocess.run([sys.executable, "-c", DIFFS], cwd=SCRATCH, input=pairs, capture_output=True,
                         text=True, check=True).stdout
    return {name: "\n".join(line for line in diff.splitlines()
                            if line[:1] in "+-" and not line.startswith(("+++", "---")))
            for name, diff in json.loads(out).items()}


def sources_id() -> str:
    """The committed autograd/ and nn/ (their git tree ids): what the mutants are made from."""
    return " ".join(subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD:autograd", "HEAD:nn"],
                                   check=True, capture_output=True, text=True).stdout.split())


def snapshot(target: Path) -> bool:
    """The committed tree (HEAD) unpacked into target, replacing an older copy's sources. True when
    the sources differ from the copy's before: its verdicts by hand, keyed by mutant numbers, go."""
    target.mkdir(parents=True, exist_ok=True)
    marker = target / "sources_id"
    changed = not marker.exists() or marker.read_text() != sources_id()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], check=True,
                             capture_output=True).stdout
    with tempfile.TemporaryFile() as file:
        file.write(archive)
        file.seek(0)
        with tarfile.open(fileobj=file) as tar:
            tar.extractall(target, filter="data")
    if changed:
        (target / "by_hand.json").unlink(missing_ok=True)
        marker.write_text(sources_id())
    return changed


# The tests written against mutants, filed by subject (each refusal table is one test per module).
SUBJECT_TESTS = ["tests/test_engine_values.py", "tests/test_backward_passes.py", "tests/test_gradcheck.py",
                 "tests/test_anomaly_messages.py", "tests/test_collector_thresholds.py",
                 "tests/test_rules_edges.py", "tests/test_nn_data_formulas.py",
                 "tests/test_nn_io_messages.py", "tests/test_nn_losses_messages.py",
                 "tests/test_nn_optim_messages.py", "tests/test_nn_train_messages.py",
                 "tests/test_nn_module_messages.py"]
OWN_TESTS = ["tests/conftest.py", "tests/samples.py", "tests/test_reliability_graphs.py",
             "tests/test_reliability_mlp.py", "tests/test_hostile_input.py",
             "tests/test_reliability_numerics.py", "tests/test_torch_oracle.py", *SUBJECT_TESTS]
# Files an older scratch copy may still hold, whose tests moved into the files above: removed there.
RETIRED_TESTS = ["tests/test_reliability_mutants.py", "tests/test_reliability_hostile.py",
                 "tests/test_errors.py"]
# tests of behaviour the lead changed after the mutated snapshot was taken: skipped in a rerun over it
AFTER_SNAPSHOT: list[str] = []


def refresh_tests(target: Path) -> None:
    """HEAD's reliability tests over the scratch copy's, the mutated sources left as they were
    (so earlier verdicts stay valid); tests of behaviour changed since are skipped there."""
    for name in RETIRED_TESTS:
        for copy in (target / name, target / "mutants" / name):
            copy.unlink(missing_ok=True)
    for name in OWN_TESTS:
        text = subprocess.run(["git", "-C", str(ROOT), "show", f"HEAD:{name}"], check=True,
                              capture_output=True, text=True).stdout
        for test in AFTER_SNAPSHOT:
            text = text.replace(f"\ndef {test}(",
                                f"\n@pytest.mark.skip(reason='changed after the snapshot')\ndef {test}(")
        (target / name).write_text(text)


# mutmut's stats run records each call of a mutated function (a trampoline) in a set and a ContextVar.
# The collector's gc.callbacks hook (autograd/collector.py) is mutated too, so a collection that starts
# inside that bookkeeping (while a ContextVar.set allocates, say) re-enters it, and CPython segfaults.
# This sitecustomize, on the PYTHONPATH of mutmut's processes only (the tests' subprocesses too),
# pauses the collector for the bookkeeping alone; the code under test runs with it as usual.
GC_GUARD = '''"""Written by tools/mutation.py: mutmut's bookkeeping, never interrupted by a collection."""
import gc


def _without_collections(function):
    def call(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()
    return call


try:
    from mutmut import core
    from mutmut.mutation import trampoline
except ImportError:
    pass
else:
    trampoline.record_trampoline_hit = _without_collections(trampoline.record_trampoline_hit)
    core.MutmutCallStack.set = staticmethod(_without_collections(core.MutmutCallStack._ctx.set))
    core.MutmutCallStack.reset = staticmethod(_without_collections(core.MutmutCallStack._ctx.reset))
'''


def mutmut_environment() -> dict[str, str]:
    """os.environ with GC_GUARD's directory first on PYTHONPATH and hypothesis's "dev" profile."""
    site = SCRATCH / "gc_guard"
    site.mkdir(parents=True, exist_ok=True)
    (site / "sitecustomize.py").write_text(GC_GUARD)
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    # 15 examples per property while mutating
    return {"HYPOTHESIS_PROFILE": "dev", **os.environ, "PYTHONPATH": path}


def run_mutmut(names: list[str], jobs: int = 1) -> int:
    command = ["nice", "-n", "19", *MUTMUT, "run", "--max-children", str(jobs), *names]
    shown = command if len(names) <= 3 else [*command[:-len(names)], names[0], f"... ({len(names)} mutants)"]
    print("$", " ".join(shown), f"(in {SCRATCH})", flush=True)
    return subprocess.run(command, cwd=SCRATCH, env=mutmut_environment()).returncode


BY_HAND_TESTS = [*SUBJECT_TESTS, "tests/test_reliability_numerics.py", "tests/test_hostile_input.py",
                 "tests/test_graph.py", "tests/test_ops.py"]


def read_meta(meta: Path) -> dict:
    """A .meta file's JSON; a running mutmut rewrites these, so a half-written one is read again."""
    for _attempt in range(50):
        try:
            return json.loads(meta.read_text())
        except json.JSONDecodeError:
            time.sleep(0.1)
    raise SystemExit(f"{meta}: not valid JSON after 5 s of retries")


def results() -> dict[str, str]:
    """mutant name -> status, from the .meta files mutmut writes beside each mutated module."""
    statuses = {}
    for meta in (SCRATCH / "mutants").rglob("*.meta"):
        data = read_meta(meta)
        for name, code in data.get("exit_code_by_key", {}).items():
            statuses[name] = STATUS.get(code, f"exit {code}")
    by_hand = SCRATCH / "by_hand.json"
    if by_hand.exists():
        for name, killed in json.loads(by_hand.read_text()).items():
            if killed and name in statuses and statuses[name] not in DETECTED:
                statuses[name] = "killed by hand"
    return statuses


def verify_by_hand(names: list[str]) -> None:
    """Run the fast reliability tests with each mutant switched on; a failure kills it."""
    by_hand = SCRATCH / "by_hand.json"
    verdicts = json.loads(by_hand.read_text()) if by_hand.exists() else {}
    command = ["nice", "-n", "19", sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-x",
               *BY_HAND_TESTS]
    clean = subprocess.run(command, cwd=SCRATCH / "mutants", capture_output=True,
                           env=dict(os.environ, MUTANT_UNDER_TEST="", HYPOTHESIS_PROFILE="dev"))
    if clean.returncode:
        sys.exit("the tests fail with no mutant switched on: " + clean.stdout.decode()[-2000:])
    for name in names:
        run = subprocess.run(command, cwd=SCRATCH / "mutants", capture_output=True, timeout=600,
                             env=dict(os.environ, MUTANT_UNDER_TEST=name, HYPOTHESIS_PROFILE="dev"))
        verdicts[name] = run.returncode != 0
        print(f"{'killed  ' if verdicts[name] else 'survived'} {name}", flush=True)
        by_hand.write_text(json.dumps(verdicts, indent=1, sort_keys=True))


def unchecked(pattern: str) -> list[str] | None:
    """The mutants matching pattern that have no verdict yet; None before mutmut made any mutant.

    mutmut runs every mutant it is given by name again, so a run that resumes names only these."""
    statuses = results() if (SCRATCH / "mutants").exists() else {}
    if not statuses:
        return None
    return sorted(name for name, status in statuses.items()
                  if status in ("not checked", "interrupted") and fnmatch.fnmatchcase(name, pattern))


def module_of(name: str) -> str:
    """'autograd.rules.x__pow__mutmut_3' -> 'autograd/rules.py'; 'autograd.x_f__mutmut_1' -> __init__.py."""
    module = name.rpartition(".")[0].replace(".", "/")
    return module + ("/__init__.py" if "/" not in module else ".py")


def report(statuses: dict[str, str]) -> None:
    by_file: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for name, status in statuses.items():
        by_file[module_of(name)][status] += 1
    total = collections.Counter()
    print(f"{'file':28} {'detected':>8} {'checked':>7} {'total':>6} {'score':>7}  "
          "killed/timeout/by hand; not detected (score: detected of checked)")
    for file in sorted(by_file):
        counts = by_file[file]
        total.update(counts)
        line(file, counts)
    line("ALL", total)
    survivors = sorted(name for name, status in statuses.items()
                       if status not in DETECTED and status != "not checked")
    changed = changes(survivors)
    reasons = {name: reason_for(name, changed[name]) for name in survivors}
    print(f"\n{len(survivors)} not detected, {sum(map(bool, reasons.values()))} of them with a written "
          "reason (equivalent, or not switchable by mutmut):")
    for name in survivors:
        mutant = next((line for line in changed[name].splitlines() if line.startswith("+")), "")
        print(f"  {statuses[name]:12} {name}\n      {mutant.strip()}"
              + (f"\n      reason: {reasons[name]}" if reasons[name] else ""))


def line(label: str, counts: collections.Counter) -> None:
    """One row: a run stopped part-way scores the mutants it checked (mutants no test reaches count
    as checked and not detected); 'not checked' says how many are left."""
    killed = sum(counts[s] for s in DETECTED)
    total = sum(counts.values())
    checked = total - counts["not checked"]
    other = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k not in DETECTED)
    split = f"{counts['killed']}/{counts['timeout']}/{counts['killed by hand']}"
    score = f"{100 * killed / checked:6.1f}%" if checked else "      -"
    print(f"{label:28} {killed:8} {checked:7} {total:6} {score}  {split}; {other}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--rerun", nargs="+", metavar="NAME", default=[])
    parser.add_argument("--rerun-survivors", action="store_true")
    parser.add_argument("--by-hand", action="store_true")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (default 1)")
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    if not args.report_only and importlib.util.find_spec("mutmut") is None:
        print('tools/mutation.py needs mutmut 3, which is not installed: pip install "mutmut==3.8.1"',
              file=sys.stderr)
        return 2
    if args.by_hand:
        refresh_tests(SCRATCH)
        for name in OWN_TESTS:  # mutmut copies tests/ into mutants/ only when it runs
            (SCRATCH / "mutants" / name).write_text((SCRATCH / name).read_text())
        statuses = results()
        survivors = sorted(n for n, s in statuses.items() if s not in DETECTED and s != "not checked")
        changed = changes(survivors)
        verify_by_hand([name for name in survivors if not reason_for(name, changed[name])])
        report(results())
        return 0
    if args.rerun_survivors:
        args.rerun = sorted(name for name, status in results().items()
                            if status not in DETECTED and status != "not checked")
        if not args.rerun:
            print("no survivor to run again")
            args.report_only = True
    if not args.report_only:
        if args.rerun:
            refresh_tests(SCRATCH)
            run_mutmut(args.rerun, args.jobs)
        else:
            fresh = snapshot(SCRATCH)  # new sources: the first mutmut call makes the mutants again
            for first in FIRST:
                names = None if fresh and first == FIRST[0] else unchecked(first)
                if names != []:
                    run_mutmut(names or [first], args.jobs)
            run_mutmut([], args.jobs)
    statuses = results()
    report(statuses)
    return 0 if statuses else 1  # no mutant recorded: mutmut did not run


if __name__ == "__main__":
    sys.exit(main())
