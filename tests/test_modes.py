"""no_grad, detect_anomaly (both per thread), and gradcheck."""

from __future__ import annotations

import math
import threading

import pytest

from autograd import GradcheckError, Value, detect_anomaly, grad, gradcheck, no_grad, rules
from autograd.modes import grad_enabled


def test_no_grad_records_no_parents():
    x = Value(2.0)
    with no_grad():
        y = x * 3 + 1
        z = y.tanh()
    assert y.parents == () and y.op == "" and z.parents == ()
    assert y.data == 7.0
    w = x * 3  # recording again after the block
    assert w.parents[0] is x


def test_no_grad_nests_and_restores_after_an_exception():
    x = Value(1.0)
    with pytest.raises(RuntimeError):
        with no_grad():
            with no_grad():
                pass
            assert (x * 2).parents == ()
            raise RuntimeError("boom")
    assert (x * 2).parents != ()


def test_no_grad_is_per_thread():
    inside = threading.Event()
    release = threading.Event()
    seen = {}

    def hold_no_grad():
        with no_grad():
            seen["worker"] = (Value(1.0) * 2).parents
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=hold_no_grad)
    worker.start()
    inside.wait(5)
    seen["main"] = (Value(1.0) * 2).parents  # the main thread still records
    release.set()
    worker.join()
    assert seen["worker"] == () and len(seen["main"]) == 2


def test_detect_anomaly_forward_names_op_operands_and_user_line():
    x = Value(math.inf)
    with detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            x * 0  # inf * 0 = nan
    message = str(info.value)
    assert "*" in message and "inf" in message and "nan" in message
    assert "test_modes.py:" in message


def test_detect_anomaly_backward_names_the_op_and_leaves_grads_unchanged():
    x = Value(0.0)
    with detect_anomaly():
        y = x.sqrt() * 2  # forward is finite; d sqrt/dx at 0 is inf
        with pytest.raises(FloatingPointError) as info:
            y.backward()
    message = str(info.value)
    assert "sqrt" in message and "test_modes.py:" in message
    assert x.grad == 0.0 and y.grad == 0.0


def test_without_anomaly_mode_backward_is_ieee():
    x = Value(0.0)
    (x.sqrt() * 2).backward()
    assert x.grad == math.inf


def test_detect_anomaly_is_per_thread():
    errors = []

    def other_thread():
        try:
            Value(math.inf) * 0  # no anomaly mode here: nan, silently
        except FloatingPointError as error:
            errors.append(error)

    with detect_anomaly():
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    assert errors == []


def test_grad_under_anomaly_mode_checks_too():
    x = Value(0.0)
    with detect_anomaly():
        y = x.sqrt()
        with pytest.raises(FloatingPointError, match="sqrt"):
            grad(y, [x])


def test_gradcheck_passes_for_correct_rules():
    assert gradcheck(lambda a, b: (a * b).tanh() + a.exp() / b - b**3, [0.3, 1.7])
    assert gradcheck(lambda a: a.sigmoid().log() + a.sin() * a.cos(), [0.4])


def test_gradcheck_catches_a_kink():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a: a.relu(), [0.0])
    assert "input 0" in str(info.value) and "0.5" in str(info.value)


def test_gradcheck_catches_a_wrong_local_derivative(monkeypatch):
    row = rules.UNARY["tanh"]
    wrong = row._replace(local=lambda x, out, k: 1.0 - out)  # should be 1 - out^2
    monkeypatch.setitem(rules.UNARY, "tanh", wrong)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: a.tanh() * b, [0.5, 2.0])
    message = str(info.value)
    assert "input 0" in message and "input 1" not in message


def test_gradcheck_rejects_bad_arguments():
    with pytest.raises(TypeError, match="Value"):
        gradcheck(lambda a: 1.0, [0.5])
    with pytest.raises(TypeError):
        gradcheck(lambda a: a, ["x"])
    with pytest.raises(ValueError, match="eps"):
        gradcheck(lambda a: a, [1.0], eps=0)


def _held_open(mode):
    """A generator that enters mode and yields inside it: its block exits when it is closed."""
    with mode():
        yield


def test_detect_anomaly_blocks_exited_out_of_order_leave_no_stale_state():
    first, second = _held_open(detect_anomaly), _held_open(detect_anomaly)
    next(first)
    next(second)
    first.close()  # exits the outer block before the inner one
    with pytest.raises(FloatingPointError):
        Value(1e200) * Value(1e200)  # the second block is still open
    second.close()
    with no_grad():  # all blocks closed: IEEE again, no FloatingPointError
        assert (Value(1e200) * Value(1e200)).data == float("inf")
    assert (Value(1e200) * Value(1e200)).data == float("inf")


def test_no_grad_blocks_exited_out_of_order_unwind_in_any_order():
    outer, inner = _held_open(no_grad), _held_open(no_grad)
    next(outer)
    next(inner)
    outer.close()
    assert not grad_enabled()  # the inner block still holds
    inner.close()
    assert grad_enabled()
    x = Value(2.0)
    assert (x * x)._prev == (x, x)


def test_an_exception_inside_mixed_blocks_restores_every_mode():
    with pytest.raises(KeyError):
        with no_grad(), detect_anomaly():
            raise KeyError("boom")
    assert grad_enabled()
    assert (Value(1e200) * Value(1e200)).data == float("inf")
