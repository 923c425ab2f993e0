"""Long runs and threads: memory stays flat, graphs are freed, modes are per thread.

The CI versions are short (a few hundred steps, a 10^5-node graph); tools/long_run.py runs
the full figures (2,000 training steps, a 10^6-node graph) and prints them.

    memory     a training step's graph holds no reference cycle, so reference counting frees
               it when the next step starts: the number of live Values and the traced memory
               are the same after 250 and after 250 more steps, and the cyclic collector finds
               nothing to collect. A big graph's memory returns to the baseline once the user
               drops the output (after backward).
    threads    no_grad and detect_anomaly switched on in one thread change nothing in another;
               two models trained at once in two threads end exactly where they end when
               trained one after the other.
"""

from __future__ import annotations

import gc
import math
import threading
import tracemalloc

import pytest

import nn
from autograd import Value, detect_anomaly, no_grad, total
from nn import MLP
from nn.optim import SGD


def live_values() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is Value)


def train_steps(model, optimiser, X, y, steps):
    for step in range(steps):
        x, t = X[step % len(X)], y[step % len(y)]
        loss = nn.losses.mse(model(x), [t])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return loss.data


def test_training_memory_is_flat_and_no_step_leaves_a_cycle():
    X, y = nn.data.moons(n=40, noise=0.1, seed=0)
    model = MLP(2, [8, 8, 1], activation="tanh", seed=0)
    optimiser = SGD(model.parameters(), lr=0.05, momentum=0.9)
    train_steps(model, optimiser, X, y, 50)  # warm up caches and the optimiser's lists
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        values_before = live_values()
        tracemalloc.start()
        train_steps(model, optimiser, X, y, 250)
        # A full collection also empties CPython's free lists (freed tuples stay traced there):
        # what it finds unreachable are cycles, which only the cyclic collector could free.
        unreachable = gc.collect()
        after_250, _ = tracemalloc.get_traced_memory()
        train_steps(model, optimiser, X, y, 250)
        unreachable += gc.collect()
        after_500, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        values_after = live_values()
    finally:
        if was_enabled:
            gc.enable()
    assert values_after == values_before  # the parameters (and nothing else) stay alive
    # A leaked graph would be ~5 KB a step (1.2 MB here); the free lists were emptied by gc.collect().
    assert abs(after_500 - after_250) < 8_000, (after_250, after_500)
    assert unreachable == 0


def big_graph(n: int) -> Value:
    xs = [Value(float(i % 7) / 7) for i in range(n // 4)]
    terms = [(x * x + 1.0).tanh() for x in xs]  # 3 nodes per input, + the constants
    return total(terms)


def test_a_big_graph_is_released_after_backward_when_the_user_drops_it():
    gc.collect()
    tracemalloc.start()
    baseline, _ = tracemalloc.get_traced_memory()
    out = big_graph(100_000)
    out.backward()
    held, _ = tracemalloc.get_traced_memory()
    del out
    released, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert held - baseline > 10_000_000  # the graph really was big (~100 bytes a node)
    assert released - baseline < 100_000, (baseline, held, released)


def test_no_grad_in_one_thread_does_not_affect_another_many_times():
    inside, outside = threading.Barrier(2), []
    results = {}

    def in_no_grad():
        with no_grad():
            for _ in range(200):
                inside.wait()
                y = Value(2.0) * 3
                results.setdefault("no_grad", []).append(y.parents)
                inside.wait()

    def normal():
        for _ in range(200):
            inside.wait()
            y = Value(2.0) * 3
            outside.append(len(y.parents))
            inside.wait()

    threads = [threading.Thread(target=in_no_grad), threading.Thread(target=normal)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outside == [2] * 200
    assert results["no_grad"] == [()] * 200


def test_detect_anomaly_in_one_thread_does_not_raise_in_another():
    barrier = threading.Barrier(2)
    errors, values = [], []

    def watched():
        with detect_anomaly():
            barrier.wait()
            try:
                Value(math.inf) * 0
            except FloatingPointError as error:
                errors.append(str(error))
            barrier.wait()

    def unwatched():
        barrier.wait()
        values.append((Value(math.inf) * 0).data)
        barrier.wait()

    threads = [threading.Thread(target=watched), threading.Thread(target=unwatched)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(errors) == 1 and "forward of * gave nan" in errors[0]
    assert len(values) == 1 and math.isnan(values[0])


def run_fit(seed, results, key):
    X, y = nn.data.moons(n=24, noise=0.1, seed=seed)
    model = MLP(2, [6, 1], activation="tanh", seed=seed)
    history = nn.fit(model, X, y, loss="binary_cross_entropy_with_logits", lr=0.2, momentum=0.5,
                     batch_size=4, epochs=6, seed=seed, progress=False)
    results[key] = (history.loss, [p.data for p in model.parameters()])


def test_two_threads_training_two_models_match_training_them_one_after_the_other():
    sequential, parallel = {}, {}
    run_fit(1, sequential, "a")
    run_fit(2, sequential, "b")
    threads = [threading.Thread(target=run_fit, args=(1, parallel, "a")),
               threading.Thread(target=run_fit, args=(2, parallel, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert parallel == sequential  # bit for bit
    assert sequential["a"] != sequential["b"]


@pytest.mark.parametrize("mode", [no_grad, detect_anomaly])
def test_a_mode_is_switched_off_again_after_an_exception_in_its_thread(mode):
    with pytest.raises(RuntimeError):
        with mode():
            raise RuntimeError("boom")
    y = Value(math.inf) * 0  # neither constant-only nor checked any more
    assert len(y.parents) == 2 and math.isnan(y.data)
