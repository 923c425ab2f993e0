"""The engine eases Python's cyclic collector while it builds graphs (see autograd.modes).

Each case runs in a fresh interpreter: the collector's settings are process-wide.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_first_op_eases_the_threshold_and_restore_gives_it_back():
    out = run(
        """
        import gc
        gc.set_threshold(700, 11, 12)
        from autograd import Value, restore_collector
        from autograd.modes import EASED_THRESHOLD
        before = gc.get_threshold()
        y = Value(2.0) * 3
        eased = gc.get_threshold()
        y.backward()
        restore_collector()
        after = gc.get_threshold()
        z = Value(1.0) + 1  # no easing again after restore_collector
        print(before, eased == (EASED_THRESHOLD, 11, 12), after, gc.get_threshold())
        """
    )
    assert out == "(700, 11, 12) True (700, 11, 12) (700, 11, 12)"


def test_a_user_who_sets_thresholds_later_keeps_them():
    out = run(
        """
        import gc
        from autograd import Value, restore_collector
        Value(2.0) * 3
        gc.set_threshold(1234, 5, 6)
        restore_collector()
        print(gc.get_threshold())
        """
    )
    assert out == "(1234, 5, 6)"


def test_a_disabled_collector_stays_disabled_through_backward():
    out = run(
        """
        import gc
        gc.disable()
        from autograd import Value
        y = Value(2.0) * Value(3.0)
        y.backward()
        print(gc.isenabled())
        """
    )
    assert out == "False"


def test_a_training_loop_never_walks_its_graphs():
    out = run(
        """
        import gc
        from autograd import Value, total
        runs = []
        w = [Value(0.1 * i) for i in range(50)]
        w[0] * 1.0  # the program's first op eases the collector (the lines above may run it)
        gc.callbacks.append(lambda phase, info: runs.append(info["generation"]) if phase == "start" else None)
        for step in range(20):
            loss = total([(wi * wi).tanh() * x for wi in w for x in range(100)])
            loss.backward()
        print(len(runs))
        """
    )
    assert out == "0"
