"""The ``Value`` node: one scalar of the computation graph.

A ``Value`` holds its forward value (``data``), the gradient that backward adds up
(``grad``), and, for a node made by an operation, the operation's name (``op``),
its operands and the local derivatives d(node)/d(operand), computed as floats by
the rule table (``autograd.rules``) when the node is made.

Layout, chosen for speed and memory (the engine builds graphs of 10^6 nodes):
``__slots__`` and no closure per node, so a node holds no reference cycle and is
freed as soon as it is unreachable. Operands live in two slots:

    leaf      _a = None
    unary     _a = operand,            _b = None,    _da = local
    binary    _a, _b = operands,                     _da, _db = locals
    n-ary     _a = tuple of operands,  _b = None,    _da = tuple of locals

``parents`` builds the tuple of operands from them, in operand order. Backward
keeps two more slots per node during a pass: ``_g``, the gradient summed so far,
and ``_n``, how many consumers have still to pass theirs (0 outside a pass).
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Iterable, Sequence
from typing import Any

from . import modes
from .rules import BINARY, NARY, UNARY

_new = object.__new__
_data = operator.attrgetter("data")


def _check_number(data: Any, what: str = "Value") -> float:
    """Return data as float, or raise TypeError naming its type (bool is not a number here)."""
    if type(data) is float:
        return data
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(f"{what} takes an int or a float, got {type(data).__name__}: {data!r}")
    return float(data)


def _const(number: Any) -> Value | None:
    """A constant leaf for a plain number operand; None when it is not a number."""
    if type(number) is not float:
        if isinstance(number, bool) or not isinstance(number, numbers.Real):
            return None
        number = float(number)
    return _leaf(number)


def _data_of(other: Any) -> float:
    """The forward value of a Value or a number (for comparisons)."""
    if isinstance(other, Value):
        return other.data
    return _check_number(other, "comparison with a Value")


def _leaf(data: float, label: str = "") -> Value:
    """A leaf: a Value that no op made (an input, a parameter or a constant)."""
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = label
    node.op = ""
    node._a = None
    node._n = 0
    return node


def _node(data: float, op: str, a: Any, b: Any, da: Any, db: Any, k: Any) -> Value:
    """A node made by op, with its operands and local derivatives (see the module docstring)."""
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node.op = op
    node._a = a
    node._b = b
    node._da = da
    node._db = db
    node._k = k
    node._n = 0
    return node


def _record(data: float, op: str, a: Any, b: Any, da: Any, db: Any, k: Any) -> Value:
    """Make a node (arguments as ``_node``) when ``modes.active``: this thread's modes apply.

    The first op of the program eases the garbage collector (see ``autograd.modes``). Under
    no_grad the result is a constant leaf; under detect_anomaly a nan/inf forward value
    raises, and the node's creation site is kept for backward's messages.
    """
    if modes._easing_wanted and modes._eased is None:
        modes.ease_collector()
    if not modes._threads_with_modes:
        return _node(data, op, a, b, da, db, k)
    settings = modes._local
    sites = settings.anomaly
    if sites is not None:
        site = modes.user_site()
        if not math.isfinite(data):
            operands = a if type(a) is tuple else ((a,) if b is None else (a, b))
            raise FloatingPointError(
                f"detect_anomaly: forward of {op} gave {data!r}: {modes.describe(op, operands, k)}, "
                f"created at {site}"
            )
    if settings.no_grad:
        return _leaf(data)
    node = _node(data, op, a, b, da, db, k)
    if sites is not None:
        sites[node] = site
    return node


class Value:
    """One scalar node of the graph: ``data`` forward, ``grad`` = d(output)/d(this node)."""

    __slots__ = ("data", "grad", "label", "op", "_a", "_b", "_da", "_db", "_k", "_g", "_n")

    def __init__(self, data: float, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")
        self.data = _check_number(data)
        self.grad = 0.0
        self.label = label
        self.op = ""
        self._a = None
        self._n = 0

    # --- the graph ---

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands in order: (x, x) for x*x, () for a leaf."""
        a = self._a
        if a is None:
            return ()
        if type(a) is tuple:
            return a
        b = self._b
        return (a,) if b is None else (a, b)

    @property
    def locals(self) -> tuple[Any, ...]:
        """The local derivatives d(self)/d(parent), one per parent, as computed in forward."""
        a = self._a
        if a is None:
            return ()
        if type(a) is tuple:
            return self._da
        return (self._da,) if self._b is None else (self._da, self._db)

    @property
    def arg(self) -> Any:
        """The op's constant: the exponent of x**3, leaky_relu's slope, dot's n; else None."""
        return getattr(self, "_k", None)

    @property
    def is_leaf(self) -> bool:
        """True for a Value made by the user or a constant, False for an op's result."""
        return self._a is None

    def __repr__(self) -> str:
        label = f"{self.label!r}, " if self.label else ""
        return f"Value({label}data={self.data!r}, grad={self.grad!r})"

    def __float__(self) -> float:
        return self.data

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
            for slot in Value.__slots__:
                if slot != "grad" and hasattr(node, slot):
                    value = getattr(node, slot)
                    if slot in ("_a", "_b") and value is not None:
                        value = tuple(map(twin_of, value)) if type(value) is tuple else twin_of(value)
                    setattr(twin, slot, value)
        for node in nodes:
            twin_of(node).grad = deepcopy(node.grad, memo) if isinstance(node.grad, Value) else node.grad
        return memo[id(self)]

    # --- operators: a Value or a plain number on either side ---

    # a + b, a - b, a * b, a / b and their reflected forms (2 * x calls x.__rmul__(2)) are
    # all the same recipe, made once per op by _binary_operator below the class.

    def __pow__(self, other: Any) -> Value:
        """x ** n stores a number exponent n on the node; x ** y is a binary op."""
        if isinstance(other, Value):
            return _power_of_values(self, other)
        if isinstance(other, bool) or not isinstance(other, numbers.Real):
            return NotImplemented
        return _unary("**", self, float(other))

    def __neg__(self) -> Value:
        return _unary("neg", self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _unary("abs", self)

    # --- functions ---

    def exp(self) -> Value:
        """exp(x); OverflowError past x ~ 709.78."""
        return _unary("exp", self)

    def log(self) -> Value:
        """Natural log, for x > 0."""
        return _unary("log", self)

    def sqrt(self) -> Value:
        """Square root, for x >= 0."""
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
        return _unary("leaky_relu", self, _check_number(slope, "leaky_relu slope"))

    def sin(self) -> Value:
        """sin(x), for finite x."""
        return _unary("sin", self)

    def cos(self) -> Value:
        """cos(x), for finite x."""
        return _unary("cos", self)

    def backward(self, grad: Any = 1.0, create_graph: bool = False) -> None:
        """Add d(self)/d(node) to the .grad of every node reachable from self."""
        from .backward import backward

        backward(self, grad, create_graph)


# --- making nodes: forward and local derivatives from the rule table ---


def _unary(op: str, x: Value, k: Any = None) -> Value:
    """out = op(x); the rule table gives the forward and d out/d x."""
    rule = UNARY[op]
    data = rule.forward(x.data) if k is None else rule.forward(x.data, k)
    local = rule.local(x.data, data, k)
    if modes.active:
        return _record(data, op, x, None, local, None, k)
    return _node(data, op, x, None, local, None, k)


def _operand(other: Any) -> Value | None:
    """The other operand as a Value: itself, a constant leaf for a number, None otherwise."""
    return other if isinstance(other, Value) else _const(other)


def _binary_operator(op: str, reflected: bool = False) -> Any:
    """The method for ``self op other`` (reflected: ``other op self``), other a Value or number.

    The node is built inline (not by ``_node``), with the row's two functions bound once:
    this is the hottest code of the engine (a 2-16-16-1 MLP step makes 65,000 such nodes),
    and one Python call per operation instead of two measured 25% faster there.
    """
    forward, local = BINARY[op].forward, BINARY[op].local

    def method(self: Value, other: Any) -> Value:
        if type(other) is not Value:
            other = _operand(other)
            if other is None:
                return NotImplemented
        if reflected:
            a, b = other, self
        else:
            a, b = self, other
        x = a.data
        y = b.data
        data = forward(x, y)
        da, db = local(x, y, data)
        if modes.active:
            return _record(data, op, a, b, da, db, None)
        node = _new(Value)
        node.data = data
        node.grad = 0.0
        node.label = ""
        node.op = op
        node._a = a
        node._b = b
        node._da = da
        node._db = db
        node._n = 0
        return node

    method.__name__ = f"__{'r' if reflected else ''}{_OPERATOR_NAMES[op]}__"
    method.__doc__ = f"{'other' if reflected else 'self'} {op} {'self' if reflected else 'other'}"
    return method


_OPERATOR_NAMES = {"+": "add", "-": "sub", "*": "mul", "/": "truediv", "**": "pow"}
for _op in ("+", "-", "*", "/"):
    setattr(Value, f"__{_OPERATOR_NAMES[_op]}__", _binary_operator(_op))
    setattr(Value, f"__r{_OPERATOR_NAMES[_op]}__", _binary_operator(_op, reflected=True))
Value.__rpow__ = _binary_operator("**", reflected=True)  # 2 ** x
_power_of_values = _binary_operator("**")  # x ** y, both Values (called by Value.__pow__)


def _nary(op: str, operands: tuple[Value, ...], k: Any, datas: tuple[float, ...] | None = None) -> Value:
    """out = op(u_1, ..., u_n); the rule table gives the forward and one derivative per operand.

    datas: the operands' forward values, when the caller already has them.
    """
    rule = NARY[op]
    if datas is None:
        datas = tuple(map(_data, operands))
    data = rule.forward(datas, k)
    locals_ = rule.local(datas, data, k)
    if modes.active:
        return _record(data, op, operands, None, locals_, None, k)
    return _node(data, op, operands, None, locals_, None, k)


def _as_values(items: Iterable[Any], what: str) -> tuple[Value, ...]:
    """The items as a tuple of Values (numbers become constant leaves); TypeError otherwise."""
    values = tuple(items)
    if set(map(type, values)) <= _JUST_VALUES:  # the common case, checked at C speed
        return values
    return _convert_items(values, what)


def _convert_items(items: Iterable[Any], what: str) -> tuple[Value, ...]:
    values = []
    for item in items:
        if isinstance(item, Value):
            values.append(item)
        else:
            const = _const(item)
            if const is None:
                raise TypeError(f"{what} takes Values or numbers, got {type(item).__name__}: {item!r}")
            values.append(const)
    return tuple(values)


def total(values: Iterable[Any]) -> Value:
    """One n-ary node: u_1 + u_2 + ... + u_n (each d/du_i = 1). Empty -> ValueError."""
    operands = _as_values(values, "total")
    if not operands:
        raise ValueError("total of an empty sequence: give at least one value")
    return _nary("sum", operands, None)


def dot(weights: Sequence[Any], inputs: Sequence[Any], bias: Any = None) -> Value:
    """One n-ary node: w . x + b = w_1 x_1 + ... + w_n x_n + b (a neuron's weighted sum).

    d/dw_i = x_i, d/dx_i = w_i, d/db = 1. Its parents are (w_1..w_n, x_1..x_n, b).
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


_JUST_VALUES = {Value}
