"""The cyclic collector is eased while it finds nothing, and restore_collector gives it back.

The fixture `fresh_collector` (tests/conftest.py) puts the collector module in the state of a
new process and the real thresholds back after each test.
"""

from __future__ import annotations

import gc

from samples import OPS, fields, one_of_each

import autograd
from autograd import Value, collector


def collection(collected: int) -> None:
    """What the collector tells its callbacks after a collection that freed `collected` objects."""
    collector._after_collection("stop", {"generation": 0, "collected": collected, "uncollectable": 0})


def test_the_first_value_starts_easing_and_restore_gives_the_thresholds_back(fresh_collector):
    gc.set_threshold(700, 11, 12)
    Value(2.0)
    assert collector.easing() and gc.get_threshold() == (700, 11, 12)  # nothing changes before a collection
    collector.start_easing()  # a second call changes nothing
    collection(0)
    assert gc.get_threshold() == (1400, 11, 12)  # found nothing: doubled
    for _ in range(20):
        collection(0)
    assert gc.get_threshold() == (collector.CEILING, 11, 12)  # doubled up to the ceiling, no further
    collection(collector.CEILING // collector.FOUND_NOTHING + 1)  # it found garbage: the program's own
    assert gc.get_threshold() == (700, 11, 12)
    collection(0)  # found nothing, but garbage was found less than QUIET seconds ago
    assert gc.get_threshold() == (700, 11, 12)
    collector._last_garbage -= collector.QUIET
    collection(10)  # 10 * 64 <= 700: almost nothing
    assert gc.get_threshold() == (1400, 11, 12)
    collector.restore_collector()
    assert gc.get_threshold() == (700, 11, 12) and not collector.easing()
    assert collector._after_collection not in gc.callbacks
    Value(2.0)
    collection(0)
    assert gc.get_threshold() == (700, 11, 12)


def test_a_backward_sizes_a_raised_threshold_by_its_graph_not_by_the_young_objects(fresh_collector):
    gc.disable()  # no real collection in between: the hook is called by hand
    try:
        gc.set_threshold(700, 10, 10)
        x = Value(2.0)
        for _ in range(20):
            collection(0)
        assert gc.get_threshold()[0] == collector.CEILING
        w = [Value(0.1 * i) for i in range(1000)]
        loss = sum(wi * x for wi in w)
        garbage = []
        for _ in range(50_000):  # young objects that are not the graph: they must not size it
            cycle = []
            cycle.append(cycle)
            garbage.append(cycle)
        loss.backward()
        sized = collector.GRAPHS * collector.OBJECTS_PER_NODE * len(autograd.topological_order(loss))
        assert gc.get_threshold()[0] == sized < 50_000
        (x * x).backward()  # a small graph: down to the program's own, no lower
        assert gc.get_threshold()[0] == 700
        loss.backward()  # at the program's own, a backward leaves it: only a quiet collection raises it
        assert gc.get_threshold()[0] == 700
        collector._last_garbage = -collector.QUIET
        collection(0)
        assert gc.get_threshold()[0] == 1400
        loss.backward()  # raised again: sized by the graph, up as well as down
        assert gc.get_threshold()[0] == sized
    finally:
        gc.enable()


def test_a_higher_program_threshold_is_kept_and_a_zero_threshold_left_alone(fresh_collector):
    gc.set_threshold(900_000, 5, 6)
    Value(1.0)
    collection(0)
    assert gc.get_threshold() == (900_000, 5, 6)
    collector.restore_collector()
    collector._let_go, collector.not_started = False, True
    gc.set_threshold(0, 5, 6)
    Value(1.0)
    assert not collector.easing() and collector._after_collection not in gc.callbacks
    assert gc.get_threshold() == (0, 5, 6)


def test_thresholds_the_program_changes_stand_and_end_the_easing(fresh_collector):
    gc.set_threshold(700, 10, 10)
    Value(1.0)
    collection(0)
    gc.set_threshold(1234, 10, 10)
    collection(0)
    assert gc.get_threshold() == (1234, 10, 10) and not collector.easing()
    collector.restore_collector()
    assert gc.get_threshold() == (1234, 10, 10)


def test_values_made_before_and_after_the_collector_starts_make_the_same_nodes(fresh_collector):
    x, w = Value(1.5, label="x"), Value(-0.5, label="w")  # the first Values: they start the easing
    made = [op(x, w) for op in OPS]
    assert not collector.not_started
    assert [fields(m) for m in made] == [fields(m) for m in one_of_each(x, w)]

