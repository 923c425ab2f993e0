"""The one table of derivative rules.

Every operation of the engine is one row here: its forward function, its local
derivative(s) d out / d operand, the formula a learner would write, and its domain.
Backward, ``grad``, the step-through and the pictures all read this table; nothing
else in the package knows a derivative.

Vocabulary (as in JAX's autodidax): the *primal* is the forward value, a *local*
derivative is d(node)/d(operand), and the chain rule multiplies it by the node's
gradient (the *upstream*, or cotangent) to get the *contribution* to the operand.

The local-derivative functions are written once and work on floats (the fast
path of ``backward``) and on ``Value`` nodes (``backward(create_graph=True)``,
where the derivative itself becomes part of a graph that can be differentiated
again). ``math`` functions only accept floats, so they go through the small
helpers ``_cos``, ``_sin``, ``_ln`` below, which call the ``Value`` method
otherwise.

Arguments of the local functions:
    unary   local(x, out, k)   x = operand, out = result, k = the op's constant
                               (the exponent of ``x ** 3``, the slope of leaky_relu)
    binary  local(a, b, out)   returns (d out/d a, d out/d b)
    n-ary   local(xs, out, k)  returns one derivative per operand

Kinks use PyTorch's subgradients: relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = slope.
Where a derivative is infinite (sqrt at 0, x ** 0.5 at 0) the float path follows
IEEE arithmetic and gives inf or nan, never an exception, as PyTorch does.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

INF = math.inf
NAN = math.nan


class Rule(NamedTuple):
    """One row of the table."""

    forward: Callable[..., float]  # floats in, float out; raises outside the domain
    local: Callable[..., Any]  # local derivative(s), floats or Values
    formula: tuple[str, ...]  # one formula per operand, as shown to learners
    domain: str  # the inputs the op accepts, in words


# --- forward functions that check their domain (errors name the op and value) ---


def _exp(x: float) -> float:
    """exp(x); OverflowError naming the op past x ~ 709.78."""
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp overflow: exp({x!r}) is too large for a float") from None


def _log_forward(x: float) -> float:
    """ln(x), defined for x > 0 (nan passes through, as IEEE)."""
    if not x > 0 and x == x:
        raise ValueError(f"log of {x!r}: log is defined only for x > 0")
    return math.log(x)


def _sqrt(x: float) -> float:
    """sqrt(x), defined for x >= 0."""
    if x < 0:
        raise ValueError(f"sqrt of {x!r}: sqrt is defined only for x >= 0")
    return math.sqrt(x)


def _trig(name: str, function: Callable[[float], float]) -> Callable[[float], float]:
    """sin or cos, which are defined for finite x (and nan, which they pass on)."""

    def forward(x: float) -> float:
        if x in (INF, -INF):
            raise ValueError(f"{name} of {x!r}: {name} is defined only for finite x")
        return function(x)

    forward.__name__ = name
    return forward


def _sigmoid(x: float) -> float:
    """1 / (1 + exp(-x)), computed without overflow for any x."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # x < 0: exp(x) cannot overflow
    return e / (1.0 + e)


def _relu(x: float) -> float:
    """max(0, x), passing nan on (as PyTorch)."""
    return 0.0 if x <= 0 else x


def _leaky_relu(x: float, slope: float) -> float:
    return x if x > 0 else slope * x


def _div(a: float, b: float) -> float:
    """a / b; ZeroDivisionError naming the operands when b == 0."""
    if b == 0:
        raise ZeroDivisionError(f"division by zero: {a!r} / {b!r}")
    return a / b


def _pow(a: float, b: float) -> float:
    """a ** b with the domain checks of the contract."""
    if a == 0 and b < 0:
        raise ValueError(f"0 ** {b!r}: zero cannot be raised to a negative power")
    if a < 0 and math.isfinite(b) and not float(b).is_integer():
        raise ValueError(f"{a!r} ** {b!r}: a negative base needs an integer exponent")
    try:
        return a**b
    except OverflowError:
        raise OverflowError(f"** overflow: {a!r} ** {b!r} is too large for a float") from None


# --- IEEE-safe helpers used by the local derivatives ---


def _safe_div(num: Any, den: Any) -> Any:
    """num / den, giving inf or nan (as IEEE and PyTorch do) instead of raising at 0."""
    if den == 0 and type(den) is float:
        if num == 0 or num != num:
            return NAN
        return math.copysign(INF, num) * math.copysign(1.0, den)
    return num / den


def _power_local(x: Any, n: float) -> Any:
    """d/dx x**n = n * x**(n-1); 0 when n == 0 (PyTorch's convention), inf at a pole."""
    if n == 0:
        return 0.0
    if type(x) is not float:
        return n * x ** (n - 1)
    try:
        return n * x ** (n - 1)
    except (ZeroDivisionError, OverflowError):  # a pole at 0, or beyond the float range
        odd = float(n - 1).is_integer() and int(n - 1) % 2 != 0
        return n * (math.copysign(INF, x) if odd else INF)


def _exponent_local(a: Any, b: Any, out: Any) -> Any:
    """d/db a**b = a**b * ln(a) for a > 0; 0 at a == 0 with b >= 0; nan otherwise (PyTorch)."""
    a_data = a if type(a) is float else a.data
    b_data = b if type(b) is float else b.data
    if a_data > 0:
        return out * _ln(a)
    if a_data == 0 and b_data >= 0:
        return 0.0
    return NAN


def _ln(x: Any) -> Any:
    return _log_forward(x) if type(x) is float else x.log()


def _sin(x: Any) -> Any:
    return math.sin(x) if type(x) is float else x.sin()


def _cos(x: Any) -> Any:
    return math.cos(x) if type(x) is float else x.cos()


def _sign(x: Any) -> float:
    """sign(x) with sign(0) = 0: abs'(0) = 0, as PyTorch."""
    x = x if type(x) is float else x.data
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _step(x: Any) -> float:
    """relu'(x): 0 for x <= 0, else 1 (relu'(0) = 0 and relu'(nan) = 1, as PyTorch)."""
    x = x if type(x) is float else x.data
    return 0.0 if x <= 0 else 1.0


def _leaky_step(x: Any, slope: float) -> float:
    """leaky_relu'(x): 1 for x > 0, else slope (PyTorch's choice at 0)."""
    x = x if type(x) is float else x.data
    return 1.0 if x > 0 else slope


def _dot(xs: tuple[float, ...], n: int) -> float:
    """w_1 x_1 + ... + w_n x_n (+ b), operands laid out as (w_1..w_n, x_1..x_n[, b])."""
    total = sum(map(operator.mul, xs[:n], xs[n : 2 * n]))
    return total + xs[2 * n] if len(xs) > 2 * n else total


def _dot_local(xs: tuple[Any, ...], out: Any, n: int) -> tuple[Any, ...]:
    """d/dw_i = x_i, d/dx_i = w_i, d/db = 1."""
    return xs[n : 2 * n] + xs[:n] + (1.0,) * (len(xs) - 2 * n)


# fmt: off
#                 forward         local derivative(s) d out / d operand          formula shown to learners                        domain
UNARY: dict[str, Rule] = {
    "neg":        Rule(lambda x: -x,  lambda x, out, k: -1.0,                ("d/du (-u) = -1",),                           "all u"),
    "abs":        Rule(abs,           lambda x, out, k: _sign(x),            ("d/du |u| = sign(u), 0 at u = 0",),           "all u"),
    "exp":        Rule(_exp,          lambda x, out, k: out,                 ("d/du exp(u) = exp(u)",),                     "u <= 709.78 (else overflow)"),
    "log":        Rule(_log_forward,  lambda x, out, k: _safe_div(1.0, x),   ("d/du ln(u) = 1/u",),                         "u > 0"),
    "sqrt":       Rule(_sqrt,         lambda x, out, k: _safe_div(0.5, out), ("d/du sqrt(u) = 1 / (2 sqrt(u))",),           "u >= 0"),
    "tanh":       Rule(math.tanh,     lambda x, out, k: 1.0 - out * out,     ("d/du tanh(u) = 1 - tanh(u)^2",),             "all u"),
    "sigmoid":    Rule(_sigmoid,      lambda x, out, k: out * (1.0 - out),   ("d/du sigmoid(u) = sigmoid(u) (1 - sigmoid(u))",), "all u"),
    "relu":       Rule(_relu,         lambda x, out, k: _step(x),            ("d/du relu(u) = 1 if u > 0 else 0",),         "all u"),
    "leaky_relu": Rule(_leaky_relu,   lambda x, out, k: _leaky_step(x, k),   ("d/du leaky_relu(u) = 1 if u > 0 else {k}",), "all u"),
    "sin":        Rule(_trig("sin", math.sin), lambda x, out, k: _cos(x),   ("d/du sin(u) = cos(u)",),                     "finite u"),
    "cos":        Rule(_trig("cos", math.cos), lambda x, out, k: -_sin(x),  ("d/du cos(u) = -sin(u)",),                    "finite u"),
    "**":         Rule(_pow,          lambda x, out, k: _power_local(x, k),  ("d/du u^{e} = {k} u^{e_1}",),                     "u != 0 or n >= 0; u >= 0 or n an integer"),
}

BINARY: dict[str, Rule] = {
    "+":  Rule(operator.add,       lambda a, b, out: (1.0, 1.0),                    ("d(a+b)/da = 1", "d(a+b)/db = 1"),          "all a, b"),
    "-":  Rule(operator.sub,       lambda a, b, out: (1.0, -1.0),                   ("d(a-b)/da = 1", "d(a-b)/db = -1"),         "all a, b"),
    "*":  Rule(operator.mul,       lambda a, b, out: (b, a),                        ("d(a*b)/da = b", "d(a*b)/db = a"),          "all a, b"),
    "/":  Rule(_div,               lambda a, b, out: (1.0 / b, -out / b),           ("d(a/b)/da = 1/b", "d(a/b)/db = -a/b^2"),   "b != 0"),
    "**": Rule(_pow,               lambda a, b, out: (_power_local(a, b), _exponent_local(a, b, out)),
                                                                                    ("d(a^b)/da = b a^(b-1)", "d(a^b)/db = a^b ln(a)"), "a != 0 or b >= 0; a >= 0 or b an integer"),
}

NARY: dict[str, Rule] = {
    "sum": Rule(lambda xs, k: sum(xs),        lambda xs, out, k: (1.0,) * len(xs),             ("d/du_{i} (u_1 + ... + u_n) = 1",),            "all u"),
    "dot": Rule(_dot,              _dot_local,                                      ("d/dw_{i} (w.x + b) = x_{i}", "d/dx_{i} (w.x + b) = w_{i}", "d/db (w.x + b) = 1"), "all w, x, b"),
}
# fmt: on


def _number(x: Any) -> str:
    """3.0 -> "3", 0.5 -> "0.5": a constant as a learner writes it."""
    return f"{x:g}" if isinstance(x, (int, float)) else str(x)


def _exponent(x: Any) -> str:
    """An exponent as written after ^: 3, or (-1), (0.5) in parentheses."""
    text = _number(x)
    return text if text.isdigit() else f"({text})"


def formula(table: dict[str, Rule], op: str, slot: int, k: Any = None) -> str:
    """The formula of d(out)/d(operand number ``slot``), with the op's constant k and the
    operand's index filled in: "d/du u^3 = 3 u^2", "d/dw_2 (w.x + b) = x_2".

    Template fields: {i} the operand's index, {k} the constant, {e} and {e_1} the
    constant and the constant minus one written as exponents.

    The "dot" node's operands are (w_1..w_n, x_1..x_n, b) with n = k; its formulas are
    (for w_i, for x_i, for b). Binary ops have (for a, for b); the others one formula.
    """
    formulas = table[op].formula
    if op == "dot":
        kind, index = min(slot // k, 2), slot % k + 1
    else:
        kind, index = (slot if len(formulas) > 1 else 0), slot + 1
    numeric = isinstance(k, (int, float))
    return formulas[kind].format(
        i=index,
        k=_number(k),
        e=_exponent(k) if numeric else "n",
        e_1=_exponent(k - 1) if numeric else "(n-1)",
    )
