"""Exercises: write a derivative rule yourself, and have it graded.

Each exercise is an operation to add to the engine: you write its forward (numbers in, a number
out) and its local derivative, and ``grade`` checks both: forward against the answer at a few
points, your derivative against the slope of your forward measured by central differences
(the same check ``define_op`` makes). A wrong rule gets a message naming the point, your value,
the right one, and the likely mistake (a flipped sign, a factor of 2, swapped operands).

    >>> import math
    >>> from autograd import exercises
    >>> print(exercises.task("gaussian"))
    gaussian(u) = exp(-u^2), a bell curve. Write forward(u) and local(u, out) = d out/du.
    >>> exercises.grade("gaussian",
    ...                 forward=lambda u: math.exp(-u * u),
    ...                 local=lambda u, out: -2 * u * out)
    'gaussian: forward and derivative right at 6 points'

Once a rule passes, make it an operation of the engine with ``autograd.define_op`` and use it
in a graph: backward, the step-through and the pictures then show your formula.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import checks
from .define import DEFAULT_PAIRS, DEFAULT_POINTS, _arity, _close, check_derivative
from .gradcheck import GradcheckError


@dataclass(frozen=True)
class Exercise:
    """One operation to implement: what it computes, a hint, and the answer (used to grade)."""

    name: str
    task: str  # what to write, in words and as a formula
    hint: str  # the chain rule step that gets you there
    forward: Callable[..., float]  # the answer's forward (grades yours)
    local: Callable[..., Any]  # the answer's derivative (the tests check it passes its own grade)
    formula: str | tuple[str, str]
    points: tuple = DEFAULT_POINTS


def _sigmoid(u: float) -> float:
    return 1 / (1 + math.exp(-u))


EXERCISES = {exercise.name: exercise for exercise in [
    Exercise(
        "softplus",
        "softplus(u) = ln(1 + e^u), a smooth relu. Write forward(u) and local(u, out) = d out/du.",
        "d/du ln(v) = v'/v with v = 1 + e^u.",
        lambda u: math.log1p(math.exp(u)), lambda u, out: _sigmoid(u), "d/du softplus(u) = sigmoid(u)",
    ),
    Exercise(
        "gaussian", "gaussian(u) = exp(-u^2), a bell curve. Write forward(u) and local(u, out) = d out/du.",
        "d/du exp(v) = exp(v) v' with v = -u^2; out is exp(-u^2) already.",
        lambda u: math.exp(-u * u), lambda u, out: -2 * u * out, "d/du exp(-u^2) = -2u exp(-u^2)",
    ),
    Exercise(
        "silu", "silu(u) = u sigmoid(u) (also called swish). Write forward(u) and local(u, out).",
        "The product rule: (u s)' = s + u s', and s' = s (1 - s) for s = sigmoid(u).",
        lambda u: u * _sigmoid(u), lambda u, out: _sigmoid(u) * (1 + u * (1 - _sigmoid(u))),
        "d/du u sigmoid(u) = sigmoid(u) (1 + u (1 - sigmoid(u)))",
    ),
    Exercise(
        "log_cosh", "log_cosh(e) = ln(cosh(e)), a loss of the error e = prediction - target: like e^2/2 "
        "near 0 and like |e| far away. Write forward(e) and local(e, out).",
        "d/de ln(v) = v'/v with v = cosh(e), and cosh' = sinh.",
        lambda e: math.log(math.cosh(e)), lambda e, out: math.tanh(e), "d/de ln(cosh(e)) = tanh(e)",
    ),
    Exercise(
        "maximum", "maximum(a, b) = the larger of a and b. Write forward(a, b) and local(a, b, out) -> "
        "(d out/da, d out/db).",
        "Only the larger operand moves the output: its derivative is 1, the other's 0.",
        lambda a, b: max(a, b), lambda a, b, out: (1.0, 0.0) if a > b else (0.0, 1.0),
        ("d max(a,b)/da = 1 if a > b else 0", "d max(a,b)/db = 1 if b > a else 0"), DEFAULT_PAIRS,
    ),
    Exercise(
        "squared_error", "squared_error(p, t) = (p - t)^2, one term of a mean squared error. Write "
        "forward(p, t) and local(p, t, out) -> (d out/dp, d out/dt).",
        "The chain rule on v^2 with v = p - t: dv/dp = 1, dv/dt = -1.",
        lambda p, t: (p - t) ** 2, lambda p, t, out: (2 * (p - t), -2 * (p - t)),
        ("d(p-t)^2/dp = 2(p-t)", "d(p-t)^2/dt = -2(p-t)"), DEFAULT_PAIRS,
    ),
]}


def names() -> list[str]:
    """The exercises, in order."""
    return list(EXERCISES)


def task(name: str) -> str:
    """What to write for exercise ``name``."""
    return _exercise(name).task


def hint(name: str) -> str:
    """A nudge for exercise ``name``."""
    return _exercise(name).hint


def grade(name: str, forward: Callable[..., float], local: Callable[..., Any]) -> str:
    """Check your forward against the answer, then your local against your forward's slope.

    Returns a one-line verdict; raises GradcheckError (an AssertionError) saying what is wrong.
    """
    exercise = _exercise(name)
    if _arity(forward) != _arity(exercise.forward):
        wanted, yours = _arity(exercise.forward), _arity(forward)
        raise ValueError(f"{name}: forward takes {wanted} number(s), yours takes {yours}")
    for point in exercise.points:
        point = point if isinstance(point, tuple) else (point,)
        yours, answer = checks.real(forward(*point), f"{name}: your forward"), exercise.forward(*point)
        if not _close(yours, answer):
            where = ", ".join(map(repr, point))
            raise GradcheckError(f"{name}: your forward gives {yours:.6g} at {where}; it should be "
                                 f"{answer:.6g} (fix forward first: the derivative is graded against it)")
    check_derivative(name, forward, local, exercise.points)
    return f"{name}: forward and derivative right at {len(exercise.points)} points"


def _exercise(name: Any) -> Exercise:
    if name not in EXERCISES:
        raise ValueError(f"unknown exercise {name!r}: the exercises are {', '.join(EXERCISES)}")
    return EXERCISES[name]
