"""Graphs that share nodes, differentiated from several threads at once.

The fast backward pass keeps its bookkeeping on the nodes, so passes are serialised by one lock
(``autograd.backward._pass_lock``): concurrent ``backward`` and ``grad`` on graphs that share
leaves give exactly the single-threaded results (PyTorch allows this too).
"""

from __future__ import annotations

import threading

import nn
from autograd import Value, grad

ROUNDS = 60


def _model_and_losses():
    model = nn.MLP(3, [6, 6, 1], activation="tanh", seed=7)
    xs = [[0.5, -1.0, 2.0], [-0.3, 0.8, 0.1]]
    losses = [(model(x)[0] - 1.0) ** 2 for x in xs]  # two graphs over the same parameters
    return model, losses


def _run_in_threads(targets):
    errors = []

    def wrap(target):
        def run():
            try:
                target()
            except BaseException as error:  # a KeyError here was the bug
                errors.append(error)
        return run

    threads = [threading.Thread(target=wrap(target)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []


def test_grad_of_two_losses_of_one_shared_model_from_two_threads_is_the_single_threaded_result():
    model, losses = _model_and_losses()
    params = model.parameters()
    expected = [grad(loss, params) for loss in losses]
    results = [[], []]

    def worker(i):
        def run():
            for _ in range(ROUNDS):
                results[i].append(grad(losses[i], params))
        return run

    _run_in_threads([worker(0), worker(1)])
    for i in (0, 1):
        assert len(results[i]) == ROUNDS
        assert all(result == expected[i] for result in results[i])
    assert all(p.grad == 0.0 for p in params)  # grad never touches .grad


def test_backward_in_one_thread_and_grad_in_another_on_shared_leaves():
    model, losses = _model_and_losses()
    params = model.parameters()
    expected_grad = grad(losses[1], params)
    losses[0].backward()
    expected_backward = [p.grad for p in params]
    model.zero_grad()
    got = []

    def backward_once():
        losses[0].backward()

    def grads():
        for _ in range(ROUNDS):
            got.append(grad(losses[1], params))

    _run_in_threads([backward_once, grads])
    assert [p.grad for p in params] == expected_backward
    assert all(result == expected_grad for result in got)


def test_two_threads_backward_into_the_same_leaves_add_both_gradients():
    x = Value(1.5, label="x")
    w = Value(-0.5, label="w")
    outputs = [(x * w).tanh() + x, (x + w) * (x + w)]
    sums = []
    for output in outputs:
        x.grad = w.grad = 0.0
        output.backward()
        sums.append((x.grad, w.grad))
    x.grad = w.grad = 0.0
    _run_in_threads([outputs[0].backward, outputs[1].backward])
    # 0 + a + b == 0 + b + a exactly: two terms add the same in either order
    assert (x.grad, w.grad) == (sums[0][0] + sums[1][0], sums[0][1] + sums[1][1])
