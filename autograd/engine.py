"""The ``Value`` node: one scalar of the computation graph.

A ``Value`` holds its forward value (``data``), the gradient that backward adds up
(``grad``), and, for a node made by an operation, the operation's name (``op``), its
operands and the local derivatives d(node)/d(operand), computed as floats by the rule
table (``autograd.rules``) when the node is made.

    >>> x = Value(3.0, label="x")
    >>> y = x * x          # calls Value.__mul__: one node, two edges to x
    >>> y.op, y.parents == (x, x), y.locals
    ('*', True, (3.0, 3.0))

Layout, chosen for speed and memory (the engine builds graphs of 10^6 nodes):
``__slots__`` and no closure per node, so a node holds no reference cycle and is freed
by reference counting as soon as it is unreachable. The operands live in two slots:

    leaf      _first = None
    unary     _first = operand,               _second = None,   _d_first = d out/d operand
    binary    _first, _second = operands,     _d_first, _d_second = their local derivatives
    n-ary     _first = tuple of operands,     _second = None,   _d_first = tuple of locals

``_constant`` is the op's constant (the 3 of x ** 3) or None. ``parents`` and ``locals``
build the tuples from these slots, in operand order. Two more slots belong to backward's
fast path (``autograd.backward``): ``_grad_sum``, the gradient summed so far in a pass,
and ``_waiting``, how many consumers have still to pass theirs (0 outside a pass).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Sequence
from typing import Any

from . import checks, collector, modes, text
from .rules import BINARY, NARY, UNARY

_new = object.__new__
_data = operator.attrgetter("data")


# --- the numbers in a node ---


def _real_data(node: Value) -> float:
    """node.data as a float, when it is not one already: an int, a NumPy number, a Fraction.

    TypeError naming the node when the user set .data to something that is not a number.
    """
    data = node.data
    if checks.is_real(data):
        return float(data)
    raise TypeError(
        f"the Value {node_name(node)} holds .data = {data!r:.60}, a {type(data).__name__}; "
        ".data must be a real number (int, float, NumPy number, Fraction)"
    )


def node_name(node: Value) -> str:
    """How a message names a node: its label, or the op that made it, or "(a leaf)"."""
    if node.label:
        return repr(node.label)
    return f"made by {node.op!r}" if node.op else "(an unlabelled leaf)"


def _constant_leaf(number: Any) -> Value | None:
    """A constant leaf for a plain number operand (2 in 2 * x); None when it is not a number."""
    if type(number) is not float:
        if not checks.is_real(number):
            return None
        number = float(number)
    return _leaf(number)


def _data_of(other: Any) -> float:
    """The forward value of a Value or a number (for comparisons)."""
    if isinstance(other, Value):
        return other.data
    return checks.real(other, "a comparison with a Value")


# --- making nodes: a leaf, or the result of an op ---


def _leaf(data: float, label: str = "") -> Value:
    """A leaf: a Value that no op made (an input, a parameter or a constant)."""
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = label
    node.op = ""
    node._first = None
    node._constant = None
    node._waiting = 0
    return node


def _node(data: float, op: str, first: Any, second: Any, d_first: Any, d_second: Any, constant: Any) -> Value:
    """The one place an op's result is made: its value, op, operands and local derivatives.

    When some thread has a mode open (``no_grad``, ``detect_anomaly``), this thread's modes apply.
    """
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node.op = op
    node._first = first
    node._second = second
    node._d_first = d_first
    node._d_second = d_second
    node._constant = constant
    node._waiting = 0
    if modes.blocks_open:  # one check of one global on the fast path
        return _apply_modes(node)
    return node


def _apply_modes(node: Value) -> Value:
    """This thread's modes: detect_anomaly checks the value and remembers where the node was made;
    under no_grad the result is a constant (a leaf)."""
    mode = modes.this_thread()
    if mode.anomaly_blocks:
        site = modes.user_site()
        if not math.isfinite(node.data):
            raise FloatingPointError(
                f"detect_anomaly: forward of {node.op} gave {node.data!r}: {describe(node)}, "
                f"created at {site}"
            )
        if not mode.no_grad_blocks:
            mode.sites[node] = site
    if mode.no_grad_blocks:
        return _leaf(node.data)
    return node


def describe(node: Value) -> str:
    """'tanh(2.0)' or '3.0 * inf': the op with its operands' values, for messages."""
    rule = rule_of(node)
    values = [repr(parent.data) for parent in node.parents]
    if rule.infix:
        return f"{values[0]} {rule.infix} {values[1]}"
    if node.op == "**":
        return f"{values[0]} ** {node.constant!r}"
    return f"{node.op}({', '.join(values[:8])}{', ...' if len(values) > 8 else ''})"


def rule_of(node: Value) -> Any:
    """The row of the rule table that made node (None for a leaf)."""
    first = node._first
    if first is None:
        return None
    if type(first) is tuple:
        return NARY[node.op]
    return UNARY[node.op] if node._second is None else BINARY[node.op]


def _unary(op: str, operand: Value, constant: Any = None) -> Value:
    """out = op(u): the rule table gives the forward value and d out/du."""
    rule = UNARY[op]
    u = operand.data
    if type(u) is not float:
        u = _real_data(operand)
    data = rule.forward(u) if constant is None else rule.forward(u, constant)
    return _node(data, op, operand, None, rule.local(u, data, constant), None, constant)


def _binary_operator(op: str, reflected: bool = False) -> Any:
    """The method for ``self op other`` (reflected: ``other op self``), other a Value or a number.

    The row's two functions are looked up once, here, not at every call: this is the hottest
    code of the engine (a 2-16-16-1 MLP step on micrograd's graph makes 65,000 such nodes).
    """
    rule = BINARY[op]
    forward, local = rule.forward, rule.local

    def method(self: Value, other: Any) -> Value:
        if type(other) is not Value:
            if type(other) is not float:
                if not checks.is_real(other):
                    return NotImplemented  # Python then raises its own TypeError
                other = float(other)
            other = _leaf(other)  # a number operand becomes a constant leaf
        if reflected:
            self, other = other, self
        a = self.data
        if type(a) is not float:
            a = _real_data(self)
        b = other.data
        if type(b) is not float:
            b = _real_data(other)
        data = forward(a, b)
        d_a, d_b = local(a, b, data)
        # _node(data, op, self, other, d_a, d_b, None), written out: one call less on the hottest
        # line of the engine measured 7% of an MLP step. tests/test_engine_nodes.py checks that
        # every slot comes out as _node makes it, so the two cannot drift apart.
        node = _new(Value)
        node.data = data
        node.grad = 0.0
        node.label = ""
        node.op = op
        node._first = self
        node._second = other
        node._d_first = d_a
        node._d_second = d_b
        node._constant = None
        node._waiting = 0
        if modes.blocks_open:
            return _apply_modes(node)
        return node

    method.__name__ = f"{op} operator"
    method.__doc__ = f"{'other' if reflected else 'self'} {op} {'self' if reflected else 'other'}"
    return method


class Value:
    """One scalar node of the graph: ``data`` forward, ``grad`` = d(output)/d(this node).

    Make leaves with ``Value(2.0, label="x")``; every operation on Values makes a new node
    that remembers its operands (``parents``) and local derivatives (``locals``):

        >>> x, w = Value(0.5, label="x"), Value(-1.0, label="w")
        >>> y = (x * w).tanh()
        >>> y.backward()              # the chain rule, from y back to x and w
        >>> round(x.grad, 4)          # dy/dx = (1 - tanh(xw)^2) * w
        -0.7864
        >>> x                         # printed rounded, as in the pictures; x.grad keeps every digit
        Value('x', data=0.5, grad=-0.7864)
        >>> y.parents, y.op           # the node remembers how it was made
        ((Value(data=-0.5, grad=0.7864),), 'tanh')

    The lecture's neuron, o = tanh(x1*w1 + x2*w2 + b), and its gradients:

        >>> x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
        >>> w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
        >>> b = Value(6.8813735870195432, label="b")
        >>> o = (x1 * w1 + x2 * w2 + b).tanh()
        >>> o.backward()
        >>> o, w1, x1                 # do/dw1 = (1 - o^2) * x1 = 0.5 * 2
        (Value(data=0.7071, grad=1.0), Value('w1', data=-3.0, grad=1.0), Value('x1', data=2.0, grad=-1.5))

    backward adds into ``.grad`` (a second backward doubles it): reset with ``x.grad = 0.0``.
    ``autograd.backward_steps(o)`` lists backward's edges one by one; ``autograd.draw(o)``
    draws the graph.

    Operators: ``+ - * / **`` with a Value or a number on either side, unary ``-``, ``abs()``;
    methods ``exp log sqrt tanh sigmoid relu leaky_relu sin cos abs``. ``==`` is identity
    (Values hash by identity, as graph traversal needs); ``< <= > >=`` compare ``.data``.
    """

    __slots__ = ("data", "grad", "label", "op", "_first", "_second", "_d_first", "_d_second", "_constant",
                 "_grad_sum", "_waiting")  # fmt: skip
    __array_ufunc__ = None  # NumPy defers to us: np.float64(2) * x calls x.__rmul__, as for a float

    def __init__(self, data: Any, label: str = "") -> None:
        if type(data) is not float:
            if not checks.is_real(data):
                kind = type(data).__name__
                raise TypeError(f"Value takes a real number (int, float), got {kind}: {data!r:.60}")
            data = float(data)
        if collector.not_started:  # the program's first Value: see autograd.collector
            collector.start_easing()
        self.data = data
        self.grad = 0.0
        self.label = checks.text(label, "Value's label")
        self.op = ""
        self._first = None
        self._constant = None
        self._waiting = 0

    # --- operators: a Value or a plain number on either side ---

    __add__ = _binary_operator("+")
    __radd__ = _binary_operator("+", reflected=True)  # 2 + x calls x.__radd__(2)
    __sub__ = _binary_operator("-")
    __rsub__ = _binary_operator("-", reflected=True)
    __mul__ = _binary_operator("*")
    __rmul__ = _binary_operator("*", reflected=True)
    __truediv__ = _binary_operator("/")
    __rtruediv__ = _binary_operator("/", reflected=True)
    __rpow__ = _binary_operator("**", reflected=True)  # 2 ** x
    _power_of_value = _binary_operator("**")  # x ** y, both Values (see __pow__)

    def __pow__(self, other: Any) -> Value:
        """x ** n keeps a number exponent n on the node (one operand); x ** y is a binary op."""
        if isinstance(other, Value):
            return self._power_of_value(other)
        if not checks.is_real(other):
            return NotImplemented
        return _unary("**", self, float(other))

    def __neg__(self) -> Value:
        """-x."""
        return _unary("neg", self)

    def __pos__(self) -> Value:
        """+x is x itself."""
        return self

    def __abs__(self) -> Value:
        """abs(x) = |x|."""
        return _unary("abs", self)

    # --- functions ---

    def abs(self) -> Value:
        """|x|, as abs(x)."""
        return _unary("abs", self)

    def exp(self) -> Value:
        """e^x; OverflowError past x ~ 709.78."""
        return _unary("exp", self)

    def log(self) -> Value:
        """The natural log ln x, for x > 0."""
        return _unary("log", self)

    def sqrt(self) -> Value:
        """The square root, for x >= 0."""
        return _unary("sqrt", self)

    def tanh(self) -> Value:
        """tanh(x) = (e^x - e^-x) / (e^x + e^-x)."""
        return _unary("tanh", self)

    def sigmoid(self) -> Value:
        """sigmoid(x) = 1 / (1 + e^-x), finite for any x."""
        return _unary("sigmoid", self)

    def relu(self) -> Value:
        """relu(x) = max(0, x)."""
        return _unary("relu", self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """leaky_relu(x) = x if x > 0 else slope * x."""
        return _unary("leaky_relu", self, checks.real(slope, "leaky_relu's slope"))

    def sin(self) -> Value:
        """sin(x), for finite x."""
        return _unary("sin", self)

    def cos(self) -> Value:
        """cos(x), for finite x."""
        return _unary("cos", self)

    # --- backward ---

    def backward(self, grad: Any = 1.0, create_graph: bool = False) -> None:
        """Add d(self)/d(node) * grad to the .grad of every node reachable from self.

        Calling it twice adds twice. With create_graph=True the gradients are Values of the
        same graph, which can be differentiated again. See ``autograd.backward``.
        """
        from .backward import backward

        backward(self, grad, create_graph)

    # --- the graph ---

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands in order: (x, x) for x*x, () for a leaf."""
        first = self._first
        if first is None:
            return ()
        if type(first) is tuple:
            return first
        second = self._second
        return (first,) if second is None else (first, second)

    @property
    def locals(self) -> tuple[Any, ...]:
        """The local derivatives d(self)/d(parent), one per parent, computed in forward."""
        first = self._first
        if first is None:
            return ()
        if type(first) is tuple:
            return self._d_first
        return (self._d_first,) if self._second is None else (self._d_first, self._d_second)

    @property
    def constant(self) -> Any:
        """The op's constant: the exponent of x**3, leaky_relu's slope, a dot's n; else None."""
        return self._constant

    @property
    def is_leaf(self) -> bool:
        """True for a Value made by the user or a constant, False for an op's result."""
        return self._first is None

    # micrograd's names, so its lecture's trace/draw_dot helpers run on chainrule's Values
    @property
    def _prev(self) -> tuple[Value, ...]:
        """micrograd's name for the operands (here a tuple, in order; micrograd: a set)."""
        return self.parents

    @property
    def _op(self) -> str:
        """micrograd's name for ``op``."""
        return self.op

    def item(self) -> float:
        """The forward value as a Python float (PyTorch's name)."""
        return float(self.data)

    # --- Python's protocols ---

    def __repr__(self) -> str:
        """Value('o', data=0.7071, grad=1.0): numbers rounded to 4 significant digits, as the pictures
        show them (the full value stays in .data and .grad).

            >>> x = Value(0.1, label="x")
            >>> y = x * 3
            >>> y.backward()
            >>> y, x
            (Value(data=0.3, grad=1.0), Value('x', data=0.1, grad=3.0))
            >>> y.data                    # full precision
            0.30000000000000004
        """
        label = f"{self.label!r}, " if self.label else ""
        return f"Value({label}data={text.shown(self.data, 4)}, grad={text.shown(self.grad, 4)})"

    def __float__(self) -> float:
        """float(x) = x.data; refused while backward computes derivatives as Values (create_graph),
        where a derivative that calls math on a Value would silently lose its own derivative."""
        if modes.ieee():
            raise TypeError("float() of a Value while derivatives are computed as Values "
                            "(create_graph=True): math functions drop the graph")
        return float(self.data)

    def __bool__(self) -> bool:
        """As a 0-d PyTorch tensor: False for 0.0, True otherwise."""
        return self.data != 0

    # Ordering compares forward values (as PyTorch's 0-d tensors do); == stays identity.
    def __lt__(self, other: Any) -> bool:
        return self.data < _data_of(other)

    def __le__(self, other: Any) -> bool:
        return self.data <= _data_of(other)

    def __gt__(self, other: Any) -> bool:
        return self.data > _data_of(other)

    def __ge__(self, other: Any) -> bool:
        return self.data >= _data_of(other)

    def __copy__(self) -> Value:
        """A new node with the same value, gradient, label and operands (the graph is shared)."""
        twin = _new(Value)
        for slot, value in _slots_of(self).items():
            setattr(twin, slot, value)
        twin._waiting = 0
        return twin

    def __deepcopy__(self, memo: dict) -> Value:
        """Copy the whole graph below this node, iteratively (works for 10^6-deep chains).

        First a blank twin for every node (so that shared nodes stay shared), then their
        slots; a gradient that is itself a Value (create_graph) is copied last, since its
        graph may reach back into this one.
        """
        from copy import deepcopy

        from .backward import topological_order

        nodes = [node for node in topological_order(self) if id(node) not in memo]
        for node in nodes:
            memo[id(node)] = _new(Value)
        twin_of = lambda node: memo[id(node)]  # noqa: E731
        for node in nodes:
            twin = twin_of(node)
            for slot, value in _slots_of(node).items():
                if slot in ("_first", "_second") and value is not None:
                    value = tuple(map(twin_of, value)) if type(value) is tuple else twin_of(value)
                setattr(twin, slot, value)
            twin._waiting = 0
        for node in nodes:
            twin_of(node).grad = deepcopy(node.grad, memo) if isinstance(node.grad, Value) else node.grad
        return memo[id(self)]

    def __reduce_ex__(self, protocol: Any) -> tuple:
        """Pickle without recursion, however deep the graph (see ``_Pickling``)."""
        return _pickling.reduce(self)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickling: the slots pickle saved (backward's scratch slots start afresh)."""
        for slot, value in state.items():
            setattr(self, slot, value)
        self._waiting = 0


_STATE = ("data", "grad", "label", "op", "_first", "_second", "_d_first", "_d_second", "_constant")


def _slots_of(node: Value) -> dict[str, Any]:
    """The node's set slots but backward's scratch ones (a leaf leaves its operand slots unset)."""
    return {slot: getattr(node, slot) for slot in _STATE if hasattr(node, slot)}


class _Pickling:
    """Pickling a graph 10^6 deep, iteratively.

    pickle recurses into each object it saves, so a node that refers to its operands would
    recurse once per level of the graph. Instead a node that pickle meets first (the root)
    hands pickle the list of every node below it, operands before the nodes that use them,
    then itself: when pickle saves a node from that list, its operands are already saved
    and pickle writes a reference, not a recursion. The nodes of the list are marked (by
    id, in this thread) to be saved on their own; the list ends with a marker that unmarks
    them. Nodes shared by two pickled Values stay shared, as pickle keeps identity.
    """

    def __init__(self) -> None:
        import threading

        self._local = threading.local()

    def marked(self) -> set[int]:
        if not hasattr(self._local, "ids"):
            self._local.ids = set()
        return self._local.ids

    def reduce(self, node: Value) -> tuple:
        marked = self.marked()
        if node._first is None or id(node) in marked:
            marked.discard(id(node))
            return (_blank, (), _slots_of(node))
        from .backward import topological_order

        below = topological_order(node)[:-1]
        ids = [id(item) for item in below if item._first is not None]
        marked.update(ids)
        return (_rebuild, (below, _Unmark(ids), _slots_of(node)))


class _Unmark:
    """The end of a pickled node list: forget its marks (pickling it does; it unpickles to None)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __reduce__(self) -> tuple:
        _pickling.marked().difference_update(self.ids)
        return (_nothing, ())


_pickling = _Pickling()


def _nothing() -> None:
    return None


def _blank() -> Value:
    """An empty node for pickle to fill with __setstate__."""
    return _new(Value)


def _rebuild(below: list[Value], end: Any, state: dict[str, Any]) -> Value:
    """Unpickle a root: the nodes below it are already rebuilt (they came first)."""
    node = _new(Value)
    node.__setstate__(state)
    return node


# --- n-ary nodes: one node for a whole sum or dot product ---


def _nary(op: str, operands: tuple[Value, ...], constant: Any, datas: tuple[Any, ...] | None = None) -> Value:
    """out = op(u_1, ..., u_n): the rule table gives the forward value and one derivative per operand.

    datas: the operands' forward values, when the caller already has them.
    """
    rule = NARY[op]
    if datas is None:
        datas = tuple(map(_data, operands))
    try:
        data = rule.forward(datas, constant)
    except TypeError:  # some .data is not a number: _real_data says which
        data = None
    if type(data) is not float:  # some .data is an int, a NumPy number, a Fraction...
        datas = tuple(map(_real_data, operands))
        data = rule.forward(datas, constant)
    return _node(data, op, operands, None, rule.local(datas, data, constant), None, constant)


def _as_values(items: Iterable[Any], what: str) -> tuple[Value, ...]:
    """The items as a tuple of Values (numbers become constant leaves); TypeError otherwise."""
    values = tuple(items)
    if set(map(type, values)) <= _JUST_VALUES:  # the common case, checked at C speed
        return values
    converted = []
    for item in values:
        value = item if isinstance(item, Value) else _constant_leaf(item)
        if value is None:
            raise TypeError(f"{what} takes Values or numbers, got {type(item).__name__}: {item!r:.60}")
        converted.append(value)
    return tuple(converted)


_JUST_VALUES = {Value}


def total(values: Iterable[Any]) -> Value:
    """One n-ary node: u_1 + u_2 + ... + u_n (each d/du_i = 1). Empty -> ValueError.

    One node for the whole sum, where ``sum(values)`` would build n - 1 "+" nodes.

    >>> a, b = Value(1.0), Value(2.0)
    >>> s = total([a, b, 3.0]); s.data, s.op
    (6.0, 'sum')
    >>> s.backward(); a.grad, b.grad
    (1.0, 1.0)
    """
    operands = _as_values(values, "total")
    if not operands:
        raise ValueError("total of an empty sequence: give at least one value")
    return _nary("sum", operands, None)


def dot(weights: Sequence[Any], inputs: Sequence[Any], bias: Any = None) -> Value:
    """One n-ary node: w . x + b = w_1 x_1 + ... + w_n x_n + b (a neuron's weighted sum).

    d/dw_i = x_i, d/dx_i = w_i, d/db = 1. Its parents are (w_1..w_n, x_1..x_n, b).

    >>> w = [Value(2.0), Value(-1.0)]
    >>> z = dot(w, [3.0, 4.0], bias=0.5); z.data     # 2*3 - 1*4 + 0.5
    2.5
    >>> z.backward(); [wi.grad for wi in w]           # d z / d w_i = x_i
    [3.0, 4.0]
    """
    n = len(weights)
    if n != len(inputs) or not n:
        raise ValueError(f"dot needs equal, non-empty lengths: {n} weights, {len(inputs)} inputs")
    operands = _as_values((*weights, *inputs) if bias is None else (*weights, *inputs, bias), "dot")
    return _nary("dot", operands, n)


def dots(weight_rows: Sequence[Sequence[Any]], inputs: Sequence[Any], biases: Sequence[Any]) -> list[Value]:
    """[w_j . x + b_j for each row w_j]: a layer's weighted sums, one "dot" node per row.

    The same nodes as ``[dot(w_j, inputs, b_j) for ...]``, with the shared inputs checked
    and read once for the whole layer instead of once per neuron.
    """
    xs = _as_values(inputs, "dots")
    n = len(xs)
    rows = [_as_values(row, "dots") for row in weight_rows]
    bs = _as_values(biases, "dots")
    if len(rows) != len(bs):
        raise ValueError(f"dots needs one bias per row: {len(rows)} rows, {len(bs)} biases")
    for index, row in enumerate(rows):
        if len(row) != n or not n:
            raise ValueError(f"dots needs rows as long as the inputs: row {index} has {len(row)}, inputs {n}")
    x_data = tuple(map(_data, xs))
    return [
        _nary("dot", (*row, *xs, b), n, (*map(_data, row), *x_data, b.data))
        for row, b in zip(rows, bs)
    ]
