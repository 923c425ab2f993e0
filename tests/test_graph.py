"""Graph shapes with answers worked out by hand, and the traversal itself."""

from __future__ import annotations

import copy
import gc
import math

import pytest

from autograd import Value, grad, topological_order


def test_x_times_x_has_two_edges_and_gradient_2x():
    x = Value(3.0, label="x")
    y = x * x
    assert y.parents == (x, x)
    y.backward()
    assert x.grad == 6.0


def test_diamond():
    # a -> b = 2a, c = a^2 -> d = b * c = 2a^3: dd/da = 6a^2
    a = Value(2.0)
    b = a * 2
    c = a**2
    d = b * c
    d.backward()
    assert a.grad == 24.0
    assert (b.grad, c.grad) == (4.0, 4.0)


def test_reused_intermediate_node():
    x = Value(0.5)
    t = x.tanh()
    y = t * t + t  # dy/dt = 2t + 1
    y.backward()
    tv = math.tanh(0.5)
    assert t.grad == pytest.approx(2 * tv + 1, abs=1e-15)
    assert x.grad == pytest.approx((2 * tv + 1) * (1 - tv * tv), abs=1e-15)


def test_every_node_gets_its_gradient_including_intermediates_and_output():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    d = c + a
    d.backward()
    assert (d.grad, c.grad, a.grad, b.grad) == (1.0, 1.0, -2.0, 2.0)


def test_backward_twice_gives_exactly_twice():
    x = Value(1.3)
    y = (x * x).tanh() * x + x
    y.backward()
    once = {id(n): n.grad for n in topological_order(y)}
    y.backward()
    for node in topological_order(y):
        assert node.grad == 2 * once[id(node)]


def test_custom_seed_scales_every_gradient():
    x = Value(2.0)
    y = x**3
    y.backward(grad=0.5)
    assert x.grad == 0.5 * 12.0 and y.grad == 0.5


def test_seed_must_be_a_number():
    y = Value(2.0) * 3
    with pytest.raises(TypeError, match="str"):
        y.backward(grad="1")
    assert y.grad == 0.0


def test_a_leaf_backward_sets_its_own_gradient():
    x = Value(4.0)
    x.backward()
    assert x.grad == 1.0


def test_topological_order_puts_each_node_once_after_its_parents():
    x, y = Value(1.0), Value(2.0)
    a = x * y
    b = a + x
    c = b * a
    order = topological_order(c)
    assert len(order) == len({id(n) for n in order}) == 5
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    assert order[-1] is c


def test_a_node_reached_again_deeper_is_placed_after_its_descendants_parent():
    # o = a1 + a2 with a2 = abs(a1): a1 must come before a2 in the order (a regression).
    x = Value(1.0)
    a1 = abs(x)
    a2 = abs(a1)
    o = a1 + a2
    order = topological_order(o)
    assert order.index(a1) < order.index(a2) < order.index(o)
    o.backward()
    assert x.grad == 2.0


def test_an_interrupted_pass_leaves_the_graph_ready_for_the_next():
    class Broken:
        def __iadd__(self, other):
            raise RuntimeError("a .grad that cannot be added to")

        __radd__ = __add__ = __iadd__

    x = Value(2.0)
    y = x * 3
    z = y + 1
    broken = y.grad = Broken()
    with pytest.raises(RuntimeError):
        z.backward()
    assert (z.grad, y.grad, x.grad) == (0.0, broken, 0.0)  # all or nothing: z's grad was put back
    y.grad = 0.0
    z.backward()
    assert (x.grad, y.grad) == (3.0, 1.0)
    assert [node._waiting for node in topological_order(z)] == [-1] * 5  # finished: ready for the next


def test_chain_a_million_deep_needs_no_recursion():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 0.0
    y.backward()
    assert x.grad == 1.0


def test_graph_of_a_million_nodes():
    xs = [Value(float(i)) for i in range(500_000)]
    ys = [x * 2.0 for x in xs[:250_000]]
    from autograd import total

    out = total(ys)
    out.backward()
    assert xs[0].grad == 2.0 and xs[249_999].grad == 2.0 and xs[-1].grad == 0.0


def test_chain_of_products_matches_closed_form():
    y = Value(1.0)
    x = y
    for _ in range(1000):
        y = y * 1.0001 + 0.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001**1000, rel=1e-12)


def test_backward_restores_the_users_garbage_collector_setting():
    y = Value(2.0) * 3
    gc.disable()
    try:
        y.backward()
        assert not gc.isenabled()
    finally:
        gc.enable()
    y.backward()
    assert gc.isenabled()


def test_values_hash_by_identity_and_eq_is_not_overloaded():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b}) == 2
    assert hash(a) == object.__hash__(a)
    assert Value.__eq__ is object.__eq__


def test_repr_shows_label_data_and_grad():
    x = Value(2.0, label="x")
    assert repr(x) == "Value('x', data=2.0, grad=0.0)"
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"


def test_deepcopy_copies_the_graph_and_keeps_shared_nodes_shared():
    x = Value(3.0, label="x")
    y = x * x + 1
    twin = copy.deepcopy(y)
    assert twin is not y and twin.data == y.data and twin.op == "+"
    mul = twin.parents[0]
    assert mul.parents[0] is mul.parents[1] and mul.parents[0] is not x
    assert mul.parents[0].label == "x"
    twin.backward()
    assert mul.parents[0].grad == 6.0 and x.grad == 0.0


def test_deepcopy_of_a_deep_chain():
    y = Value(1.0)
    for _ in range(100_000):
        y = y * 1.0
    twin = copy.deepcopy(y)
    assert len(topological_order(twin)) == len(topological_order(y))


def test_create_graph_gives_differentiable_gradients():
    x = Value(3.0)
    y = x**4
    y.backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value) and first.data == 108.0  # 4 x^3
    x.grad = 0.0
    first.backward()
    assert x.grad == 108.0  # 12 x^2


def test_third_derivative_via_grad():
    x = Value(0.7)
    y = x.sin() * x
    (d1,) = grad(y, [x], create_graph=True)
    (d2,) = grad(d1, [x], create_graph=True)
    (d3,) = grad(d2, [x])
    # y = x sin x: y''' = -3 sin x - x cos x
    assert d3 == pytest.approx(-3 * math.sin(0.7) - 0.7 * math.cos(0.7), rel=1e-12)


def test_newtons_method_with_second_derivatives():
    # minimise f(x) = x^4 - 3x^2 + x from x = 2: x <- x - f'(x)/f''(x)
    x = 2.0
    for _ in range(20):
        v = Value(x)
        f = v**4 - 3 * v**2 + v
        (d1,) = grad(f, [v], create_graph=True)
        (d2,) = grad(d1, [v])
        x -= d1.data / d2
    assert 4 * x**3 - 6 * x + 1 == pytest.approx(0.0, abs=1e-12)


def test_create_graph_twice_accumulates():
    x = Value(2.0)
    y = x * x
    y.backward(create_graph=True)
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 8.0


def test_create_graph_survives_an_infinite_local_derivative():
    x = Value(0.0)
    x.sqrt().backward(create_graph=True)
    assert x.grad.data == math.inf
