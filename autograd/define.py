"""Your own operations: ``define_op`` adds a row to the rule table, and grades your derivative.

    >>> import math
    >>> from autograd import Value, define_op
    >>> softplus = define_op(
    ...     "softplus_example",
    ...     forward=lambda u: math.log1p(math.exp(u)),
    ...     local=lambda u, out: 1 / (1 + math.exp(-u)),      # d out / d u = sigmoid(u)
    ...     formula="d/du softplus(u) = sigmoid(u)",
    ... )
    >>> x = Value(0.0, label="x")
    >>> y = softplus(x)
    >>> y.backward()
    >>> y.op, round(y.data, 6), x.grad
    ('softplus_example', 0.693147, 0.5)

Before it returns, ``define_op`` checks ``local`` against the slope of ``forward`` measured by
central differences, at a few points: a wrong derivative raises ``GradcheckError`` with a
message meant for you (the point, your value, the numerical one, and the likely mistake). This
is how the exercises (``autograd.exercises``) grade a derivative rule, as minitorch's course does.

The new op then works everywhere a built-in op does: backward, grad, gradcheck, backward_steps
(its step shows your formula), draw and explain, topological_order; and with
``backward(create_graph=True)`` when ``local`` is written with functions that also take Values
(``autograd.functions``: exp, log, tanh, sigmoid...; or Value methods), not with ``math``.
"""

from __future__ import annotations

import inspect
import keyword
import math
from collections.abc import Callable, Sequence
from typing import Any

from . import checks
from .engine import Value, _binary_operator, _leaf, _unary
from .gradcheck import GradcheckError
from .rules import BINARY, UNARY, Rule, exists

DEFAULT_POINTS = (-1.7, -0.9, -0.3, 0.4, 1.1, 1.9)  # where a unary op is checked by default (no 0: kinks)
DEFAULT_PAIRS = ((-1.7, 0.4), (0.4, 1.1), (1.1, -0.9), (1.9, 0.3), (-0.3, -1.3), (0.8, 1.6))
ATOL, RTOL = 1e-5, 1e-4  # as gradcheck's: |local - numerical| <= ATOL + RTOL |numerical|
SHOWN = 3  # points listed in a failed check's message


def define_op(
    name: str,
    forward: Callable[..., float],
    local: Callable[..., Any],
    formula: str | Sequence[str] | None = None,
    *,
    check: bool = True,
    check_at: Sequence[Any] | None = None,
    domain: str = "",
) -> Callable[..., Value]:
    """Add an operation to the rule table; return the function that applies it to Values.

    unary:  forward(u) -> float,     local(u, out) -> d out/du,              formula: one str
    binary: forward(a, b) -> float,  local(a, b, out) -> (d out/da, d out/db), formula: two str
    The arity is forward's number of parameters; formula defaults to the derivative's name
    ("d/du name(u)"). check_at: the points (tuples for a binary op)
    where local is compared with central differences; check=False skips the comparison.

    The check grades the derivative you wrote: a wrong one is refused with the point, your value,
    the numerical one, and the likely mistake (a sign, a factor of 2).

    >>> import math
    >>> from autograd import Value
    >>> cube = define_op("cube", lambda u: u ** 3, lambda u, out: 3 * u ** 2, "3u^2")
    >>> x = Value(2.0); y = cube(x); y.backward(); y.data, x.grad
    (8.0, 12.0)
    >>> define_op("cube2", lambda u: u ** 3, lambda u, out: 2 * u ** 2, "2u^2")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    autograd.gradcheck.GradcheckError: cube2: the derivative you wrote does not match ...
    """
    name = _check_name(name)
    arity = _arity(forward)
    formulas = _check_formulas(formula, arity, name)
    if not callable(local):
        raise TypeError(f"define_op({name!r}): local must be a function, got {type(local).__name__}")
    if check:
        check_derivative(name, forward, local, check_at)
    domain = checks.text(domain, f"define_op({name!r}): domain") or "the inputs where forward is defined"
    if arity == 1:
        UNARY[name] = Rule(forward=_checked_forward(name, forward), local=_unary_local(name, local),
                           formula=formulas, domain=domain, symbol=name, word=name)  # fmt: skip
        return _unary_function(name)
    BINARY[name] = Rule(forward=_checked_forward(name, forward), local=_binary_local(name, local),
                        formula=formulas, domain=domain, symbol=name, word=name,
                        operands=("a", "b"))  # fmt: skip
    return _binary_function(name)


# --- checking what define_op is given ---


def _check_name(name: Any) -> str:
    name = checks.text(name, "define_op: the name")
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"define_op: the name must be a Python identifier (letters, digits, _), "
                         f"got {name!r}")
    if exists(name) or hasattr(Value, name):
        raise ValueError(f"define_op: an operation named {name!r} exists already; choose another name")
    return name


def _arity(forward: Any) -> int:
    if not callable(forward):
        raise TypeError(f"define_op: forward must be a function, got {type(forward).__name__}")
    try:
        parameters = inspect.signature(forward).parameters.values()
    except (TypeError, ValueError):  # a built-in without a signature (math.log): try one operand, then two
        return _arity_by_calling(forward)
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    count = sum(p.kind in positional and p.default is p.empty for p in parameters)
    if count not in (1, 2):
        raise ValueError(f"define_op: forward must take 1 or 2 numbers (the operands), it takes {count}")
    return count


def _arity_by_calling(forward: Callable[..., Any]) -> int:
    for count in (1, 2):
        try:
            forward(*[0.5] * count)
            return count
        except TypeError:
            continue
        except (ValueError, ArithmeticError):
            return count
    raise TypeError("define_op: cannot tell how many operands forward takes; give a def or a lambda")


def _check_formulas(formula: Any, arity: int, name: str) -> tuple[str, ...]:
    """The formula shown to learners, one per operand; by default it names the derivative."""
    if formula is None:
        return (f"d/du {name}(u)",) if arity == 1 else (f"d/da {name}(a, b)", f"d/db {name}(a, b)")
    formulas = (formula,) if isinstance(formula, str) else tuple(formula)
    if len(formulas) != arity or not all(isinstance(text, str) for text in formulas):
        wanted = "one str" if arity == 1 else "two str, one per operand: ('d/da ... = ...', 'd/db ... = ...')"
        raise ValueError(f"define_op: formula must be {wanted}, got {formula!r:.80}")
    return formulas


# --- the row's functions, wrapped to speak the table's shapes and to name the op in errors ---


def _checked_forward(name: str, forward: Callable[..., Any]) -> Callable[..., float]:
    def checked(*operands: float) -> float:
        try:
            result = forward(*operands)
        except (ValueError, ArithmeticError) as error:
            shown = " and ".join(map(repr, operands))
            raise type(error)(f"{name} of {shown}: {error}") from None
        return checks.real(result, f"{name}'s forward")

    return checked


def _unary_local(name: str, local: Callable[..., Any]) -> Callable[..., Any]:
    def table_local(u: Any, out: Any, k: Any) -> Any:
        derivative = local(u, out)
        return derivative if isinstance(derivative, Value) else checks.real(derivative, f"{name}'s local")

    return table_local


def _binary_local(name: str, local: Callable[..., Any]) -> Callable[..., Any]:
    def table_local(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        derivatives = local(a, b, out)
        if not isinstance(derivatives, (tuple, list)) or len(derivatives) != 2:
            raise TypeError(f"{name}'s local must return two derivatives (d/da, d/db), "
                            f"got {derivatives!r:.60}")
        return tuple(d if isinstance(d, Value) else checks.real(d, f"{name}'s local") for d in derivatives)

    return table_local


def _as_operand(name: str, operand: Any) -> Value:
    if isinstance(operand, Value):
        return operand
    if not checks.is_real(operand):
        raise TypeError(f"{name} takes Values or numbers, got {type(operand).__name__}: {operand!r:.60}")
    return _leaf(float(operand))  # a plain number becomes a constant leaf, as with the operators


def _unary_function(name: str) -> Callable[[Any], Value]:
    def apply(u: Any) -> Value:
        return _unary(name, _as_operand(name, u))

    apply.__name__ = name
    apply.__doc__ = f"{name}(u): your operation ({UNARY[name].formula[0]})"
    return apply


def _binary_function(name: str) -> Callable[[Any, Any], Value]:
    method = _binary_operator(name)

    def apply(a: Any, b: Any) -> Value:
        return method(_as_operand(name, a), _as_operand(name, b))

    apply.__name__ = name
    apply.__doc__ = f"{name}(a, b): your operation ({'; '.join(BINARY[name].formula)})"
    return apply


# --- the grader: your derivative against the slope of your forward ---


def check_derivative(name: str, forward: Callable[..., float], local: Callable[..., Any],
                     points: Sequence[Any] | None = None) -> None:
    """GradcheckError unless local matches central differences of forward at every point.

    numerical = (forward(x + h) - forward(x - h)) / (2 h), h = 1e-6 max(1, |x|), one operand
    at a time; it matches when |local - numerical| <= 1e-5 + 1e-4 |numerical|.
    """
    arity = _arity(forward)
    at = _points(name, forward, arity, points)
    wrong = [(point, lines) for point in at if (lines := _problems_at(name, forward, local, point))]
    if wrong:
        shown = [line for _, lines in wrong[:SHOWN] for line in lines]
        more = f"\n  ... and {len(wrong) - SHOWN} more points" if len(wrong) > SHOWN else ""
        raise GradcheckError(
            f"{name}: the derivative you wrote does not match the slope of forward "
            f"(measured by central differences) at {len(wrong)} of {len(at)} points:\n"
            + "\n".join(shown) + more
        )


def _points(name: str, forward: Callable[..., Any], arity: int, points: Sequence[Any] | None) -> list[tuple]:
    """The check points where forward is defined and finite (at least one, or ValueError)."""
    given = points is not None
    candidates = list(points) if given else list(DEFAULT_POINTS if arity == 1 else DEFAULT_PAIRS)
    usable = []
    for candidate in candidates:
        point = tuple(candidate) if isinstance(candidate, (tuple, list)) else (candidate,)
        if len(point) != arity:
            raise ValueError(f"define_op({name!r}): check_at needs {arity} number(s) per point, "
                             f"got {candidate!r}")
        point = tuple(checks.finite(x, f"define_op({name!r}): a check point") for x in point)
        if given or _defined(forward, point):
            usable.append(point)
    if not usable:
        raise ValueError(f"define_op({name!r}): forward is defined at none of the points "
                         f"{candidates}; give check_at=[...] where it is")
    return usable


def _defined(forward: Callable[..., Any], point: tuple) -> bool:
    try:
        return math.isfinite(forward(*point))
    except (ValueError, ArithmeticError, TypeError):
        return False


def _problems_at(name: str, forward: Callable[..., Any], local: Callable[..., Any],
                 point: tuple) -> list[str]:
    """One line per operand whose derivative is wrong at point (with the likely mistake)."""
    out = forward(*point)
    mine = local(*point, out)
    mine = (mine,) if len(point) == 1 else tuple(mine)
    numerical = tuple(_slope(forward, point, i) for i in range(len(point)))
    where = ", ".join(f"{letter} = {x!r}" for letter, x in zip("ab" if len(point) == 2 else "u", point))
    lines = []
    for i, (yours, slope) in enumerate(zip(mine, numerical)):
        yours = checks.real(yours, f"define_op({name!r}): local's result")
        if abs(yours - slope) > ATOL + RTOL * abs(slope):
            wrt = "" if len(point) == 1 else f" d/d{'ab'[i]}:"
            hint = _likely_mistake(yours, slope, mine, numerical, i)
            lines.append(f"  at {where}:{wrt} your local gives {yours:.6g}, the numerical slope is "
                         f"{slope:.6g}{hint}")
    return lines


def _slope(forward: Callable[..., Any], point: tuple, i: int) -> float:
    h = 1e-6 * max(1.0, abs(point[i]))
    up, down = list(point), list(point)
    up[i] += h
    down[i] -= h
    return (forward(*up) - forward(*down)) / (2 * h)


def _close(x: float, y: float) -> bool:
    return abs(x - y) <= ATOL + RTOL * abs(y)


def _likely_mistake(yours: float, slope: float, mine: tuple, numerical: tuple, i: int) -> str:
    """A hint when the error has a recognisable shape: a sign, a factor of 2, swapped operands."""
    if abs(slope) > ATOL and _close(yours, -slope):
        return " (the sign is flipped)"
    if abs(slope) > ATOL and _close(yours, 2 * slope):
        return " (twice too large: a factor of 2 too many?)"
    if abs(slope) > ATOL and _close(2 * yours, slope):
        return " (half of it: a missing factor of 2?)"
    if len(mine) == 2 and _close(mine[1 - i], numerical[i]):
        return " (it is the other operand's derivative: d/da and d/db swapped?)"
    return ""
