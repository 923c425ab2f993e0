"""tools/mutation.py: the guard for mutmut's processes (the collector is paused for mutmut's
bookkeeping alone, restored as it was, also when the bookkeeping raises; the sitecustomize is first
on the PYTHONPATH of mutmut's processes, the user's entries kept), the reasons for equivalent
survivors (matched by function and change), the score's rows and a resumed run's mutants.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[1] / "tools" / "mutation.py"


@pytest.fixture(scope="module")
def mutation():
    spec = importlib.util.spec_from_file_location("chainrule_mutation_tool", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def without_collections(mutation):
    namespace = {"__name__": "gc_guard"}  # the guard alone: this process's mutmut (if any) stays as it is
    exec(compile(mutation.GC_GUARD.split("\ntry:")[0], "sitecustomize.py", "exec"), namespace)
    return namespace["_without_collections"]


@pytest.fixture()
def collector_on():
    enabled = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if enabled else gc.disable)()


def test_the_bookkeeping_runs_with_the_collector_paused_and_it_is_on_again_after(without_collections,
                                                                                 collector_on):
    seen = []
    guarded = without_collections(lambda a, b=0: seen.append(gc.isenabled()) or a + b)
    assert guarded(2, b=3) == 5
    assert seen == [False] and gc.isenabled()


def test_a_collector_the_program_switched_off_stays_off(without_collections, collector_on):
    gc.disable()
    without_collections(lambda: None)()
    assert not gc.isenabled()


def test_the_collector_is_on_again_when_the_bookkeeping_raises(without_collections, collector_on):
    def fails():
        raise KeyError("stats")

    with pytest.raises(KeyError, match="stats"):
        without_collections(fails)()
    assert gc.isenabled()


def test_mutmuts_processes_find_the_guard_first_on_their_path(mutation, tmp_path, monkeypatch):
    monkeypatch.setattr(mutation, "SCRATCH", tmp_path)
    monkeypatch.setenv("PYTHONPATH", "/somewhere/of/the/users")
    monkeypatch.delenv("HYPOTHESIS_PROFILE", raising=False)
    env = mutation.mutmut_environment()
    assert env["PYTHONPATH"].split(os.pathsep) == [str(tmp_path / "gc_guard"), "/somewhere/of/the/users"]
    assert env["HYPOTHESIS_PROFILE"] == "dev"
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    assert mutation.mutmut_environment()["HYPOTHESIS_PROFILE"] == "ci"  # a profile asked for stands
    probe = ("import sitecustomize, gc; print(sitecustomize.__file__); "
             "print(getattr(sitecustomize, 'trampoline', None) is not None and "
             "sitecustomize.trampoline.record_trampoline_hit.__name__)")
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == str(tmp_path / "gc_guard" / "sitecustomize.py")
    # with mutmut installed its bookkeeping is the guarded one; without, the guard is a no-op
    assert out[1] == ("call" if importlib.util.find_spec("mutmut") else "False")


ZIP = "-    for p, t in zip(a, b, strict=True):\n+    for p, t in zip({}):"


@pytest.mark.parametrize(("name", "change", "expected"), [
    ("nn.losses.x_mse__mutmut_17", ZIP.format("a, b, "), "STRICT_ZIP"),
    ("nn.losses.x_mse__mutmut_16", ZIP.format("None, b, strict=True"), None),  # the function, another change
    ("nn.train.x__correct__mutmut_4", ZIP.format("a, b, strict=None"), "STRICT_ZIP"),
    ("nn.io.x_load__mutmut_4", ZIP.format("a, b, strict=None"), None),  # a function not listed
    ("autograd.rules.x__dot__mutmut_10", "-    us[n : 2 * n]\n+    us[n : 3 * n]", "map() stops"),
    ("autograd.rules.x__dot__mutmut_11", "-    us[n : 2 * n]\n+    us[n : 2 / n]", None),
    ("autograd.rules.x__dot__mutmut_10", "", None),  # no diff (mutmut missing): no reason
])
def test_a_reason_needs_both_its_function_and_its_change(mutation, name, change, expected):
    reason = mutation.reason_for(name, change)
    if expected is None:
        assert reason is None
    else:
        assert reason == mutation.STRICT_ZIP if expected == "STRICT_ZIP" else expected in reason


def test_every_reasons_patterns_compile_and_no_reason_claims_any_change_but_one(mutation):
    import re

    for function, pattern, reason in mutation.EQUIVALENT:
        re.compile(function), re.compile(pattern)
        assert reason and function.startswith((r"autograd\.", r"nn\."))
    broad = [function for function, pattern, _ in mutation.EQUIVALENT if pattern == "."]
    # frame walks that mutmut's trampolines hide or rename
    assert broad == [r"autograd\.backward\.x__nested__", r"autograd\.modes\.x_user_site__"]


@pytest.mark.parametrize(("name", "path"), [
    ("autograd.rules.x__pow__mutmut_3", "autograd/rules.py"),
    ("nn.optim.xǁSGDǁ_update__mutmut_5", "nn/optim.py"),
    ("autograd.x_draw__mutmut_1", "autograd/__init__.py"),
])
def test_a_mutant_is_filed_under_its_module(mutation, name, path):
    assert mutation.module_of(name) == path


def test_a_part_way_run_scores_the_mutants_it_checked(mutation, capsys):
    import collections

    mutation.line("nn/optim.py", collections.Counter({"killed": 6, "timeout": 1, "killed by hand": 1,
                                                      "survived": 2, "not checked": 90}))
    mutation.line("nn/io.py", collections.Counter({"not checked": 5}))
    first, second = capsys.readouterr().out.splitlines()
    assert first.split()[:5] == ["nn/optim.py", "8", "10", "100", "80.0%"]
    assert "6/1/1" in first and "not checked 90" in first and "survived 2" in first
    assert second.split()[:5] == ["nn/io.py", "0", "0", "5", "-"]


def test_a_resumed_run_names_only_the_mutants_without_a_verdict(mutation, tmp_path, monkeypatch):
    import json

    monkeypatch.setattr(mutation, "SCRATCH", tmp_path)
    assert mutation.unchecked("nn.optim*") is None  # nothing made yet: the pattern itself is run
    (tmp_path / "mutants" / "nn").mkdir(parents=True)
    meta = {"exit_code_by_key": {"nn.optim.x_a__mutmut_1": 1, "nn.optim.x_a__mutmut_2": None,
                                 "nn.optim.x_a__mutmut_3": 2, "nn.losses.x_b__mutmut_1": None}}
    (tmp_path / "mutants" / "nn" / "optim.py.meta").write_text(json.dumps(meta))
    assert mutation.unchecked("nn.optim*") == ["nn.optim.x_a__mutmut_2", "nn.optim.x_a__mutmut_3"]
    assert mutation.unchecked("nn.data*") == []
