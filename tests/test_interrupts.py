"""An interrupt (Ctrl-C) or an error at any point of any pass leaves every node as before the pass.

The interrupts are real: a tracer raises KeyboardInterrupt at the n-th bytecode the engine runs
(as Python delivers a Ctrl-C between two bytecodes), for many n across the whole pass. After
each, every .grad must be as it was, and the next pass must give the right answer.
"""

from __future__ import annotations

import contextlib
import dis
import os
import sys
import threading

import pytest

import nn
from autograd import Value, detect_anomaly, dot, grad, gradients, topological_order, total
from autograd import backward as backward_module

ENGINE = os.path.dirname(os.path.abspath(topological_order.__code__.co_filename)) + os.sep


RETURNS = {dis.opmap[name] for name in ("RETURN_VALUE", "RETURN_CONST") if name in dis.opmap}


class Interrupter:
    """Raise KeyboardInterrupt at the n-th bytecode run in the engine's files; count them otherwise.

    Not before a return instruction: CPython never delivers a signal there (it checks at calls and
    jumps), and no Python code can guard that instant (``return self`` ending a context manager's
    ``__enter__`` would escape its ``with``). An interrupt due there comes at the next bytecode.
    """

    def __init__(self, at: int | None) -> None:
        self.at, self.count, self.fired = at, 0, False
        self.last_stoppable = 0  # the count of the last bytecode an interrupt can stop at

    def trace(self, frame, event, arg):
        if not frame.f_code.co_filename.startswith(ENGINE):
            return None
        frame.f_trace_opcodes = True
        if event == "opcode":
            self.count += 1
            if frame.f_code.co_code[frame.f_lasti] not in RETURNS:
                self.last_stoppable = self.count
                if self.at is not None and self.count >= self.at and not self.fired:
                    self.fired = True
                    raise KeyboardInterrupt
        return self.trace

    def run(self, call):
        sys.settrace(self.trace)
        try:
            call()
        except KeyboardInterrupt:
            pass
        finally:
            sys.settrace(None)


def opcodes_of(call) -> int:
    counter = Interrupter(None)
    counter.run(call)
    return counter.count


def graph():
    """A graph with every shape of node: shared leaves, x*x, n-ary, constants, a diamond."""
    x, w, b = Value(0.5, label="x"), Value(-1.5, label="w"), Value(0.25, label="b")
    h = (x * w + b).tanh()
    y = total([h * h, dot([w, b], [x, h], b), (x - 2.0).relu(), h.exp() / (1.0 + x * x)])
    return y, [x, w, b, h]


def expected_grads(y, nodes):
    reference = gradients(y)
    return [reference[node] for node in nodes]


def points(total_opcodes: int, count: int = 60) -> list[int]:
    step = max(1, total_opcodes // count)
    return list(range(1, total_opcodes + 1, step))


def test_backward_interrupted_anywhere_is_all_or_nothing_and_the_next_backward_is_right():
    y, nodes = graph()
    every = topological_order(y)
    full = gradients(y)
    counter = Interrupter(None)
    counter.run(y.backward)
    total_opcodes = counter.count
    nothing = everything = 0
    for at in points(total_opcodes, 80) + [total_opcodes]:
        for node in every:
            node.grad = 0.0
        interrupter = Interrupter(at)
        interrupter.run(y.backward)
        assert interrupter.fired or at > counter.last_stoppable  # only returns were left: nothing to stop
        now = [node.grad for node in every]
        if now == [0.0] * len(every):
            nothing += 1  # stopped before the pass finished: nothing changed
        else:
            assert now == [full[node] for node in every], at  # stopped after it: all of it
            everything += 1
        assert all(node._waiting <= 0 for node in every)  # the counts are clean
        for node in every:
            node.grad = 0.0
        y.backward()  # the next pass is right
        assert [node.grad for node in every] == [full[node] for node in every], at
    assert nothing > 70 and everything >= 1


def test_a_new_graph_from_the_same_leaves_is_right_after_an_interrupted_backward():
    x = Value(1.0, label="x")
    for at in points(opcodes_of(lambda: (x * 1000000 + x).backward()), 40):
        x.grad = 0.0
        Interrupter(at).run(lambda: (x * 1000000 + x).backward())
        x.grad = 0.0
        (x * 1000000 + x).backward()
        assert x.grad == 1000001.0, at


def test_grad_interrupted_anywhere_changes_no_grad_and_the_next_grad_is_right():
    y, nodes = graph()
    right = expected_grads(y, nodes)
    for call in (lambda: grad(y, nodes), lambda: grad(y, nodes, create_graph=True)):
        for at in points(opcodes_of(call), 40):
            Interrupter(at).run(call)
            assert all(node.grad == 0.0 for node in topological_order(y)), at
            assert grad(y, nodes) == right


@pytest.mark.parametrize("mode", ["create_graph", "detect_anomaly"])
def test_the_other_backward_passes_interrupted_anywhere_are_all_or_nothing(mode):
    y, nodes = graph()
    every = topological_order(y)
    full = gradients(y)

    def call():
        if mode == "create_graph":
            y.backward(create_graph=True)
        else:
            y.backward()

    # detect_anomaly's block is opened outside the interrupted call: an interrupt at the first
    # bytecode of a context manager's __exit__ escapes its ``with`` (no Python code can guard it)
    with detect_anomaly() if mode == "detect_anomaly" else contextlib.nullcontext():
        for at in points(opcodes_of(call), 40):
            for node in every:
                node.grad = 0.0
            Interrupter(at).run(call)
            now = [node.grad.data if isinstance(node.grad, Value) else node.grad for node in every]
            assert now == [0.0] * len(every) or now == [full[node] for node in every], at
    for node in every:
        node.grad = 0.0
    y.backward()
    assert [node.grad for node in every] == [full[node] for node in every]


def test_an_error_midway_leaves_every_grad_as_it_was():
    y, nodes = graph()
    y.backward()
    before = [node.grad for node in topological_order(y)]
    nodes[3].grad = "not a number"  # h's .grad: the pass fails when it reaches h
    with pytest.raises(TypeError):
        y.backward()
    after = [node.grad for node in topological_order(y)]
    assert after[:] == [b if node is not nodes[3] else "not a number"
                        for b, node in zip(before, topological_order(y))]  # fmt: skip
    nodes[3].grad = before[topological_order(y).index(nodes[3])]
    y.backward()
    assert [node.grad for node in nodes] == [2 * g for g in expected_grads(y, nodes)]


def test_fit_interrupted_anywhere_trains_on_afterwards():
    """The reported failure: after an interrupt, fit's loss stayed constant (stale counts froze
    all parameters). Interrupted at many points, full-batch descent afterwards must lower the loss."""
    X, y = nn.data.moons(n=12, seed=0)

    def fit(model, epochs, batch_size=4):
        return nn.fit(model, X, y, loss="binary_cross_entropy_with_logits", lr=0.1, epochs=epochs,
                      batch_size=batch_size, seed=0, progress=False)  # fmt: skip

    model = nn.MLP(2, [4, 1], seed=0)
    total_opcodes = opcodes_of(lambda: fit(nn.MLP(2, [4, 1], seed=0), 1))
    for at in points(total_opcodes, 12):
        Interrupter(at).run(lambda: fit(model, 1))
        history = fit(model, 5, batch_size=None)
        assert all(later < earlier for earlier, later in zip(history.loss, history.loss[1:])), at
        out = model(X[0])[0]
        parameters = model.parameters()
        assert grad(out, parameters) == [gradients(out).get(p, 0.0) for p in parameters]


def test_an_interrupt_at_every_bytecode_of_backward_is_all_or_nothing_and_the_next_backward_works():
    """Every point, the last bytecodes of the pass (its ``finally``) included: an interrupt there
    used to leave the pass marked as running, and every later backward in the thread refused."""
    y, leaves = graph()
    want = gradients(y)
    total_opcodes = opcodes_of(lambda: y.backward())
    for at in range(1, total_opcodes + 1):
        for leaf in leaves:
            leaf.grad = 0.0
        Interrupter(at).run(lambda: y.backward())
        after = [leaf.grad for leaf in leaves]
        assert after == [0.0] * len(leaves) or after == pytest.approx([want[leaf] for leaf in leaves]), at
        for leaf in leaves:
            leaf.grad = 0.0
        y.backward()
        assert [leaf.grad for leaf in leaves] == pytest.approx([want[leaf] for leaf in leaves]), at
        assert another_thread_gets_the_pass_lock(), at


def another_thread_gets_the_pass_lock() -> bool:
    """True when another thread can take (and give back) the lock that serialises the passes."""
    got = []

    def take() -> None:
        got.append(backward_module._pass_lock.acquire(timeout=5))
        if got[0]:
            backward_module._pass_lock.release()

    thread = threading.Thread(target=take)
    thread.start()
    thread.join()
    return got[0]


def test_backward_from_inside_a_running_backward_is_refused():
    """As from a signal handler: the pass's state lives on the nodes, so a nested pass is refused."""
    y, leaves = graph()
    errors = []

    def nested(frame, event, arg):
        if frame.f_code.co_name == "_pass_gradients_down" and event == "call" and not errors:
            try:
                y.backward()
            except RuntimeError as error:
                errors.append(str(error))
        return None

    sys.settrace(nested)
    try:
        y.backward()
    finally:
        sys.settrace(None)
    assert errors == ["backward was called from inside a running backward pass (a signal handler?)"]
    for leaf in leaves:
        leaf.grad = 0.0
    y.backward()
    assert [leaf.grad for leaf in leaves] == pytest.approx([gradients(y)[leaf] for leaf in leaves])
