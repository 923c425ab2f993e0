"""Shared test settings: hypothesis profiles, and the fixture `fresh_collector`.

    HYPOTHESIS_PROFILE=ci        (default) what CI runs
    HYPOTHESIS_PROFILE=thorough  thousands of examples per property, for a long run
    HYPOTHESIS_PROFILE=dev       a quick look while editing
"""

import gc
import os

import pytest
from hypothesis import HealthCheck, settings

from autograd import collector, rules

_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=60, derandomize=False, print_blob=True, **_common)
settings.register_profile("thorough", max_examples=2000, print_blob=True, **_common)
settings.register_profile("dev", max_examples=15, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def fresh_collector():
    """The collector module's state as in a new process; the real state and thresholds come back after."""
    names = ("_program", "_ours", "_let_go", "not_started", "_last_garbage")
    saved = {name: getattr(collector, name) for name in names}
    thresholds, callbacks = gc.get_threshold(), list(gc.callbacks)
    collector._program = collector._ours = None
    collector._let_go, collector.not_started, collector._last_garbage = False, True, -collector.QUIET
    if collector._after_collection in gc.callbacks:
        gc.callbacks.remove(collector._after_collection)
    yield
    for name, value in saved.items():
        setattr(collector, name, value)
    gc.set_threshold(*thresholds)
    gc.callbacks[:] = callbacks



@pytest.fixture
def the_table_as_it_was():
    """Ops a test defines (define_op, codegen's own ops) leave the rule table afterwards: other
    tests go over every row of it."""
    before = {id(table): set(table) for table in rules.TABLES}
    yield
    for table in rules.TABLES:
        for op in set(table) - before[id(table)]:
            del table[op]
