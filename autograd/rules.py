"""The one table of derivative rules.

Every operation of the engine is one row: its forward function, its local derivative(s)
d out / d operand, the formula a learner would write, and the inputs it is defined for.
Backward, ``grad``, the step-through and the pictures all read this table; nothing else
in the package knows a derivative. ``define_op`` adds a row of your own.

Vocabulary (as in JAX's autodidax): the *primal* is the forward value, a *local*
derivative is d(node)/d(operand), and the chain rule multiplies it by the node's
gradient (the *upstream*, or cotangent) to get the *contribution* to the operand.

The three shapes of a row's functions, one per arity:

    unary   forward(u) or forward(u, k)   local(u, out, k) -> d out/du
    binary  forward(a, b)                 local(a, b, out) -> (d out/da, d out/db)
    n-ary   forward(us, k)                local(us, out, k) -> one derivative per operand

``out`` is the forward result and ``k`` the op's constant (the 3 of ``x ** 3``, the
slope of ``leaky_relu``, the n of a dot product), or None. Forward takes floats; local
takes floats on the fast path and Values for ``backward(create_graph=True)``, which is
why it is written with ``autograd.functions`` (cos, log, ...: numbers or Values alike).

Kinks use PyTorch's subgradients: relu'(0) = 0, |u|'(0) = 0, leaky_relu'(0) = slope.
Where a derivative is infinite (sqrt at 0) the float path follows IEEE arithmetic and
gives inf or nan, never an exception, as PyTorch does.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

from . import modes
from .functions import (
    cos,
    exponent_derivative,
    heaviside,
    ieee_divide,
    ieee_power,
    leaky_step,
    power_derivative,
    sigmoid,
    sign,
    sin,
)


class Rule(NamedTuple):
    """One row of the table: an operation, its local derivatives, and how learners write them."""

    forward: Callable[..., float]  # floats in, float out; raises outside the domain
    local: Callable[..., Any]  # the local derivative(s), as floats or as Values
    formula: tuple[str, ...]  # as learners write it: one per operand (a, b), or per kind (dot: w, x, b)
    domain: str = "all u"  # the inputs forward is defined for, in words (its errors say it)
    symbol: str = ""  # the op node's text in pictures ({k}: the constant); the op's name if empty
    word: str = ""  # names an unlabelled result: mul1, tanh2; the op's name if empty
    infix: str = ""  # the Python operator of a binary op written between its operands ("+", "**")
    kind_of_slot: Callable[[int, Any], tuple[int, int]] | None = None  # slot -> (which formula, index)
    operands: tuple[str, ...] = ("u",)  # the formulas' names for the operands, one per formula
    pytorch: Any = ""  # forward in PyTorch: a template ({u}, {a}, {b}, {k}); n-ary: (names, k) -> text

    def kind(self, slot: int, k: Any) -> tuple[int, int]:
        """Which of the formulas describes operand number slot, and its index i (1-based)."""
        if self.kind_of_slot is not None:
            return self.kind_of_slot(slot, k)
        return min(slot, len(self.formula) - 1), slot + 1


# --- forward functions that check their domain: the error names the op, the value and the domain ---
#
# Backward computes derivatives as Values (create_graph) inside modes.ieee_arithmetic(), where
# an op outside its domain gives IEEE's answer (1/0 = inf) as the float path does: ``_outside``.


def _outside(op: str, ieee_answer: float, *operands: float, why: str = "") -> float:
    """IEEE's answer inside modes.ieee_arithmetic(); else ValueError naming the op, the values,
    why they are outside its domain (when the domain has several parts) and the domain."""
    if modes.ieee():
        return ieee_answer
    rule = UNARY.get(op) or BINARY[op]
    shown = f"{op} of {operands[0]!r}" if len(operands) == 1 else f" {op} ".join(map(repr, operands))
    domain = f"{op} is defined only for {rule.domain}"
    raise ValueError(f"{shown}: {why} ({domain})" if why else f"{shown}: {domain}")


def _exp(u: float) -> float:
    """e^u; OverflowError naming the op past u ~ 709.78 (as math.exp)."""
    try:
        return math.exp(u)
    except OverflowError:
        if modes.ieee():
            return math.inf
        raise OverflowError(f"exp overflow: exp({u!r}) is too large for a float") from None


def _log(u: float) -> float:
    """ln u, for u > 0 (nan passes through, as IEEE)."""
    if not u > 0 and u == u:
        return _outside("log", -math.inf if u == 0 else math.nan, u)
    return math.log(u)


def _sqrt(u: float) -> float:
    """The square root, for u >= 0."""
    if u < 0:
        return _outside("sqrt", math.nan, u)
    return math.sqrt(u)


def _sin(u: float) -> float:
    """sin u, for finite u (nan passes through)."""
    if u in (math.inf, -math.inf):
        return _outside("sin", math.nan, u)
    return math.sin(u)


def _cos(u: float) -> float:
    """cos u, for finite u (nan passes through)."""
    if u in (math.inf, -math.inf):
        return _outside("cos", math.nan, u)
    return math.cos(u)


def _relu(u: float) -> float:
    """max(0, u); relu(-0.0) = -0.0 and relu(nan) = nan, as PyTorch."""
    return 0.0 if u < 0 else u


def _leaky_relu(u: float, slope: float) -> float:
    """u for u > 0, else slope * u."""
    return u if u > 0 else slope * u


def _divide(a: float, b: float) -> float:
    """a / b; ZeroDivisionError naming the operands when b == 0."""
    if b == 0:
        if modes.ieee():
            return ieee_divide(a, b)
        raise ZeroDivisionError(f"division by zero: {a!r} / {b!r} (a / b is defined only for b != 0)")
    return a / b


def _power(a: float, b: float) -> float:
    """a ** b, for a != 0 or b >= 0, and a >= 0 or b an integer; OverflowError naming the op."""
    if a == 0 and b < 0:
        return _outside("**", ieee_power(a, b), a, b, why="zero cannot be raised to a negative power")
    if a < 0 and math.isfinite(b) and not float(b).is_integer():
        return _outside("**", math.nan, a, b, why="a negative base needs an integer exponent")
    try:
        return a**b
    except OverflowError:
        if modes.ieee():
            return ieee_power(a, b)
        raise OverflowError(f"** overflow: {a!r} ** {b!r} is too large for a float") from None


def _dot(us: tuple[float, ...], n: int) -> float:
    """w_1 x_1 + ... + w_n x_n (+ b), the operands laid out as (w_1..w_n, x_1..x_n[, b])."""
    total = sum(map(operator.mul, us[:n], us[n : 2 * n]))
    return total + us[2 * n] if len(us) > 2 * n else total


def _dot_pytorch(names: list[str], n: int) -> str:
    """w_1 * x_1 + ... + w_n * x_n (+ b) in PyTorch, from the operands' names."""
    terms = [f"{w} * {x}" for w, x in zip(names[:n], names[n : 2 * n])]
    return " + ".join(terms + names[2 * n :])


def _dot_kind(slot: int, n: int) -> tuple[int, int]:
    """Operand slot of w.x + b -> (0 for w_i, 1 for x_i, 2 for b; the index i)."""
    return min(slot // n, 2), slot % n + 1


POWER_DOMAIN = "a != 0 or b >= 0, and a >= 0 or b an integer"

UNARY: dict[str, Rule] = {
    "neg": Rule(
        forward=operator.neg, symbol="-", pytorch="-{u}",
        local=lambda u, out, k: -1.0,
        formula=("d/du (-u) = -1",),
    ),
    "abs": Rule(
        forward=abs, symbol="|u|", pytorch="torch.abs({u})",
        local=lambda u, out, k: sign(u),
        formula=("d/du |u| = sign(u), 0 at u = 0",),
    ),
    "exp": Rule(
        forward=_exp, pytorch="torch.exp({u})", domain="u <= 709.78 (beyond, e^u overflows a float)",
        local=lambda u, out, k: out,
        formula=("d/du exp(u) = exp(u)",),
    ),
    "log": Rule(
        forward=_log, pytorch="torch.log({u})", domain="u > 0",
        local=lambda u, out, k: ieee_divide(1.0, u),
        formula=("d/du ln(u) = 1/u",),
    ),
    "sqrt": Rule(
        forward=_sqrt, pytorch="torch.sqrt({u})", domain="u >= 0",
        local=lambda u, out, k: ieee_divide(0.5, out),
        formula=("d/du sqrt(u) = 1 / (2 sqrt(u))",),
    ),
    "tanh": Rule(
        forward=math.tanh, pytorch="torch.tanh({u})",
        local=lambda u, out, k: 1.0 - out * out,
        formula=("d/du tanh(u) = 1 - tanh(u)^2",),
    ),
    "sigmoid": Rule(
        forward=sigmoid, pytorch="torch.sigmoid({u})",
        local=lambda u, out, k: out * (1.0 - out),
        formula=("d/du sigmoid(u) = sigmoid(u) (1 - sigmoid(u))",),
    ),
    "relu": Rule(
        forward=_relu, pytorch="torch.relu({u})",
        local=lambda u, out, k: heaviside(u),
        formula=("d/du relu(u) = 1 if u > 0 else 0",),
    ),
    "leaky_relu": Rule(
        forward=_leaky_relu, symbol="leaky_relu {k}",
        pytorch="torch.nn.functional.leaky_relu({u}, {k})",
        local=lambda u, out, slope: leaky_step(u, slope),
        formula=("d/du leaky_relu(u) = 1 if u > 0 else {k}",),
    ),
    "sin": Rule(
        forward=_sin, pytorch="torch.sin({u})", domain="finite u",
        local=lambda u, out, k: cos(u),
        formula=("d/du sin(u) = cos(u)",),
    ),
    "cos": Rule(
        forward=_cos, pytorch="torch.cos({u})", domain="finite u",
        local=lambda u, out, k: -sin(u),
        formula=("d/du cos(u) = -sin(u)",),
    ),
    "**": Rule(
        forward=_power, domain=POWER_DOMAIN, symbol="**{k}", word="pow", pytorch="{u} ** {k}",
        local=lambda u, out, n: power_derivative(u, n),
        formula=("d/du u^{e} = {k} u^{e_1}",),
    ),
}

BINARY: dict[str, Rule] = {
    "+": Rule(
        forward=operator.add, infix="+", word="add", domain="all a, b", operands=("a", "b"),
        pytorch="{a} + {b}",
        local=lambda a, b, out: (1.0, 1.0),
        formula=("d(a+b)/da = 1", "d(a+b)/db = 1"),
    ),
    "-": Rule(
        forward=operator.sub, infix="-", word="sub", domain="all a, b", operands=("a", "b"),
        pytorch="{a} - {b}",
        local=lambda a, b, out: (1.0, -1.0),
        formula=("d(a-b)/da = 1", "d(a-b)/db = -1"),
    ),
    "*": Rule(
        forward=operator.mul, infix="*", symbol="×", word="mul", domain="all a, b", operands=("a", "b"),
        pytorch="{a} * {b}",
        local=lambda a, b, out: (b, a),
        formula=("d(a×b)/da = b", "d(a×b)/db = a"),
    ),
    "/": Rule(
        forward=_divide, infix="/", word="div", domain="b != 0", operands=("a", "b"),
        pytorch="{a} / {b}",
        local=lambda a, b, out: (ieee_divide(1.0, b), ieee_divide(-out, b)),
        formula=("d(a/b)/da = 1/b", "d(a/b)/db = -a/b^2"),
    ),
    "**": Rule(
        forward=_power, infix="**", word="pow", domain=POWER_DOMAIN, operands=("a", "b"),
        pytorch="{a} ** {b}",
        local=lambda a, b, out: (power_derivative(a, b), exponent_derivative(a, b, out)),
        formula=("d(a^b)/da = b a^(b-1)", "d(a^b)/db = a^b ln(a)"),
    ),
}

NARY: dict[str, Rule] = {
    "sum": Rule(
        forward=lambda us, k: sum(us), symbol="Σ",
        pytorch=lambda names, k: " + ".join(names),
        local=lambda us, out, k: (1.0,) * len(us),
        formula=("d/du_{i} (u_1 + ... + u_n) = 1",),
    ),
    "dot": Rule(
        forward=_dot, symbol="w·x+b", domain="all w, x, b", kind_of_slot=_dot_kind, operands=("w", "x", "b"),
        pytorch=_dot_pytorch,
        local=lambda us, out, n: us[n : 2 * n] + us[:n] + (1.0,) * (len(us) - 2 * n),
        formula=("d/dw_{i} (w·x + b) = x_{i}", "d/dx_{i} (w·x + b) = w_{i}", "d/db (w·x + b) = 1"),
    ),
}

TABLES = (UNARY, BINARY, NARY)


def exists(op: str) -> bool:
    """True when some table has an op of that name."""
    return any(op in table for table in TABLES)


def number_text(x: Any) -> str:
    """3.0 -> "3", 0.5 -> "0.5": a constant as a learner writes it."""
    return f"{x:g}" if isinstance(x, (int, float)) else str(x)


def _exponent_text(x: Any) -> str:
    """An exponent as written after ^: 3, or (-1), (0.5) in parentheses."""
    text = number_text(x)
    return text if text.isdigit() else f"({text})"


def formula(rule: Rule, slot: int, k: Any = None) -> str:
    """The formula of d(out)/d(operand number ``slot``), with the constant k and the index filled in:
    "d/du u^3 = 3 u^2", "d/dw_2 (w·x + b) = x_2".

    Template fields: {i} the operand's index, {k} the constant, {e} and {e_1} the constant and
    the constant minus one written as exponents.
    """
    kind, index = rule.kind(slot, k)
    numeric = isinstance(k, (int, float))
    return rule.formula[kind].format(
        i=index,
        k=number_text(k),
        e=_exponent_text(k) if numeric else "n",
        e_1=_exponent_text(k - 1) if numeric else "(n-1)",
    )


def role(rule: Rule, slot: int, k: Any = None) -> str:
    """The formula's name for operand number slot: "u", "a", "b", or with its index "w2", "x1"."""
    kind, index = rule.kind(slot, k)
    name = rule.operands[min(kind, len(rule.operands) - 1)]
    return f"{name}{index}" if "{i}" in rule.formula[kind] else name


def symbol(rule: Rule, op: str, k: Any = None) -> str:
    """The op node's text in a picture: "×", "tanh", "**3", "leaky_relu 0.1"."""
    return (rule.symbol or op).format(k=number_text(k))


def word(rule: Rule, op: str) -> str:
    """The word naming an unlabelled result: "mul" (mul1, mul2...), "tanh"."""
    return rule.word or op
