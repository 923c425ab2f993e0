"""The engine eases Python's cyclic collector only while it finds nothing (see autograd.collector).

Each case runs in a fresh interpreter: the collector's settings are process-wide.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_training_loop_never_walks_its_graphs():
    out = run(
        """
        import gc
        from autograd import Value, total
        w = [Value(0.1 * i) for i in range(50)]
        (total([(wi * wi).tanh() * x for wi in w for x in range(100)])).backward()  # a first step
        runs = []
        gc.callbacks.append(lambda phase, info: runs.append(info["generation"]) if phase == "start" else None)
        for step in range(20):  # 20 steps of 25,000 nodes each
            loss = total([(wi * wi).tanh() * x for wi in w for x in range(100)])
            loss.backward()
        print(len(runs), gc.get_threshold()[0])
        """
    )
    runs, threshold = map(int, out.split())
    assert runs <= 2 and 5_000 < threshold <= 500_000  # the threshold doubles to what a step needs, once


def test_the_programs_own_garbage_is_collected_as_without_autograd():
    """After autograd ops and a backward, 200,000 dropped cycles of 10 KB each: the collector still
    finds them as often as it would without autograd (the peak grows by tens of MB, not GB)."""
    code = """
        import gc, resource, sys
        if sys.argv[1] == "autograd":
            from autograd import Value
            x = Value(2.0)
            y = x * 3
            y.backward()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for i in range(200_000):
            cycle = [bytearray(10_000)]
            cycle.append(cycle)
        del cycle
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(grown // 1024, gc.get_threshold()[0])
        """
    results = {}
    for case in ("autograd", "plain"):
        out = subprocess.run([sys.executable, "-c", textwrap.dedent(code), case], capture_output=True,
                             text=True, timeout=120)  # fmt: skip
        assert out.returncode == 0, out.stderr
        results[case] = tuple(map(int, out.stdout.split()))
    (with_autograd, threshold), (plain, plain_threshold) = results["autograd"], results["plain"]
    assert with_autograd < plain + 50 and with_autograd < 200, results  # MB
    assert threshold == plain_threshold == 700


def test_cyclic_garbage_while_training_brings_the_programs_threshold_back():
    out = run(
        """
        import gc
        from autograd import Value, total
        w = [Value(0.1 * i) for i in range(50)]
        for step in range(5):
            total([(wi * wi).tanh() * x for wi in w for x in range(100)]).backward()
        eased = gc.get_threshold()[0]
        for i in range(eased + 1000):  # the program now makes cycles: the next collection finds them
            cycle = [i]
            cycle.append(cycle)
        print(eased, gc.get_threshold()[0])
        """
    )
    eased, after = map(int, out.split())
    assert eased > 10_000 and after == 700


def test_a_disabled_collector_stays_disabled_through_backward_fit_and_threads():
    out = run(
        """
        import gc, threading
        import nn
        gc.disable()
        X, y = nn.data.moons(n=40, seed=0)
        model = nn.MLP(2, [8, 1], seed=0)
        thread = threading.Thread(target=lambda: nn.fit(model, X, y, epochs=3, progress=False))
        thread.start()
        nn.fit(nn.MLP(2, [8, 1], seed=1), X, y, epochs=3, progress=False)
        thread.join()
        print(gc.isenabled(), gc.get_threshold())
        """
    )
    assert out == "False (700, 10, 10)"


def test_thresholds_the_program_sets_itself_stand_for_good():
    out = run(
        """
        import gc
        from autograd import Value, total
        w = [Value(0.1 * i) for i in range(50)]
        gc.set_threshold(1234, 5, 6)  # after the first Value: the program's own choice
        for step in range(10):
            total([(wi * wi).tanh() * x for wi in w for x in range(100)]).backward()
        print(gc.get_threshold())
        """
    )
    assert out == "(1234, 5, 6)"


def test_restore_collector_gives_the_programs_thresholds_back_and_stops_easing():
    out = run(
        """
        import gc
        gc.set_threshold(900, 11, 12)
        from autograd import Value, restore_collector, total
        w = [Value(0.1 * i) for i in range(50)]
        for step in range(3):
            total([(wi * wi).tanh() * x for wi in w for x in range(100)]).backward()
        eased = gc.get_threshold()
        restore_collector()
        after = gc.get_threshold()
        for step in range(3):
            total([(wi * wi).tanh() * x for wi in w for x in range(100)]).backward()
        print(eased, after, gc.get_threshold())
        """
    )
    eased, after, later = out.split(") (")
    assert eased != "(900, 11, 12" and eased.endswith("11, 12") and after == "900, 11, 12" == later.strip(")")


def test_a_first_threshold_of_zero_is_left_alone():
    out = run(
        """
        import gc
        gc.set_threshold(0)
        from autograd import Value, total
        w = [Value(0.1 * i) for i in range(50)]
        total([(wi * wi).tanh() for wi in w]).backward()
        gc.collect()
        print(gc.get_threshold()[0])
        """
    )
    assert out == "0"


def test_another_threads_garbage_is_collected_while_fit_trains():
    """fit used to switch the collector off for the whole process: a thread making cycles of 10 KB
    meanwhile grew by hundreds of MB. Then each backward raised the threshold to three times the
    young objects, the other thread's garbage among them, and its collection was put off for good
    (the young generation grew every epoch). Now a backward sizes the threshold by the graph it
    walked and only ever lowers it: the garbage is collected at the program's threshold."""
    out = run(
        """
        import gc, resource, threading
        import nn
        X, y = nn.data.moons(n=100, seed=0)
        model = nn.MLP(2, [16, 16, 1], seed=0)
        done = threading.Event()
        def make_garbage():
            while not done.is_set():
                cycle = [bytearray(10_000)]  # slow garbage: the young generation grows a little each epoch
                cycle.append(cycle)
        young = []
        def record(epoch, history, model):
            young.append(gc.get_count()[0])
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        thread = threading.Thread(target=make_garbage)
        thread.start()
        nn.fit(model, X, y, epochs=20, progress=False, callbacks=[record])
        done.set()
        thread.join()
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024
        print(grown, max(young[-5:]), gc.get_threshold()[0])
        """
    )
    grown, young, threshold = map(int, out.split())
    assert grown < 200, out  # MB
    assert young < 20_000 and threshold == 700, out  # the last five epochs: nothing piles up
