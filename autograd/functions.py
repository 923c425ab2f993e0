"""Math on numbers and Values alike, for derivative rules that work on both.

The rule table (``autograd.rules``) computes each local derivative twice over its life:
on floats when a node is made (the fast path of backward), and on Values for
``backward(create_graph=True)``, where the derivative becomes part of a graph that can
be differentiated again. Python's ``math`` takes only numbers, so the rules are written
with these instead: a number goes to ``math``, a Value to its own method.

    >>> from autograd import Value
    >>> from autograd.functions import cos
    >>> cos(0.0)
    1.0
    >>> cos(Value(0.0, label="u"))
    Value(data=1.0, grad=0.0)

Write your own ``define_op`` derivatives with them too, and ``create_graph=True`` works
through your operation as well.
"""

from __future__ import annotations

import math
from typing import Any

INF = math.inf
NAN = math.nan


def _is_number(x: Any) -> bool:
    """True for a float or another number, False for a Value (which has parents)."""
    return type(x) is float or not hasattr(x, "parents")


def value_of(x: Any) -> float:
    """The number itself, or a Value's forward value (its ``.data``)."""
    if type(x) is float:
        return x
    return float(x.data) if hasattr(x, "parents") else float(x)


def exp(u: Any) -> Any:
    """e^u."""
    return math.exp(u) if _is_number(u) else u.exp()


def log(u: Any) -> Any:
    """ln u, for u > 0."""
    return math.log(u) if _is_number(u) else u.log()


def sqrt(u: Any) -> Any:
    """The square root, for u >= 0."""
    return math.sqrt(u) if _is_number(u) else u.sqrt()


def tanh(u: Any) -> Any:
    """tanh u."""
    return math.tanh(u) if _is_number(u) else u.tanh()


def sigmoid(u: Any) -> Any:
    """1 / (1 + e^-u), finite for any u."""
    if not _is_number(u):
        return u.sigmoid()
    if u >= 0:
        return 1.0 / (1.0 + math.exp(-u))
    e = math.exp(u)  # u < 0: e^u cannot overflow
    return e / (1.0 + e)


def sin(u: Any) -> Any:
    """sin u."""
    return math.sin(u) if _is_number(u) else u.sin()


def cos(u: Any) -> Any:
    """cos u."""
    return math.cos(u) if _is_number(u) else u.cos()


def sign(u: Any) -> float:
    """+1 for u > 0, -1 for u < 0, and 0 at 0 (so |u|' = sign(u) is 0 at the kink, as PyTorch)."""
    u = value_of(u)
    return 1.0 if u > 0 else (-1.0 if u < 0 else 0.0)


def heaviside(u: Any) -> float:
    """The step function: 1 for u > 0, else 0 (relu' = heaviside, 0 at the kink as PyTorch; 1 at nan)."""
    return 0.0 if value_of(u) <= 0 else 1.0


def leaky_step(u: Any, slope: float) -> float:
    """leaky_relu' = 1 for u > 0, else slope (PyTorch's choice at 0)."""
    return 1.0 if value_of(u) > 0 else slope


def ieee_divide(numerator: Any, denominator: Any) -> Any:
    """numerator / denominator, giving inf or nan at 0 (as IEEE and PyTorch) instead of raising."""
    if type(denominator) is float and denominator == 0:
        if numerator == 0 or numerator != numerator:
            return NAN
        return math.copysign(INF, numerator) * math.copysign(1.0, denominator)
    return numerator / denominator


def ieee_power(u: Any, n: Any) -> Any:
    """u ** n, giving inf at a pole (0 ** -1) or past the float range instead of raising."""
    if not _is_number(u):
        return u**n
    try:
        return u**n
    except (ZeroDivisionError, OverflowError):
        odd = float(n).is_integer() and int(n) % 2 != 0
        return math.copysign(INF, u) if odd else INF


def power_derivative(u: Any, n: Any) -> Any:
    """d/du u^n = n u^(n-1); 0 when the exponent is the number 0 (u^0 = 1 is constant, also at u = 0).

    An exponent that is a Value keeps the whole product, so its own derivative flows on.
    """
    if _is_number(n) and n == 0:
        return 0.0
    return n * ieee_power(u, n - 1)


def exponent_derivative(a: Any, b: Any, out: Any) -> Any:
    """d/db a^b = a^b ln a, for a > 0; 0 at a == 0 with b >= 0; nan otherwise (as PyTorch)."""
    base = value_of(a)
    if base > 0:
        return out * log(a)
    if base == 0 and value_of(b) >= 0:
        return 0.0
    return NAN
