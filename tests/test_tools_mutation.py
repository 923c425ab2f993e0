"""tools/mutation.py's guard for mutmut's processes: the collector is paused for mutmut's bookkeeping
alone, restored as it was (also when the bookkeeping raises), and the sitecustomize it writes is put
first on the PYTHONPATH of mutmut's processes without losing the user's own entries.
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
    namespace = {"__name__": "gc_guard"}
    exec(compile(mutation.GC_GUARD, "sitecustomize.py", "exec"), namespace)
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
