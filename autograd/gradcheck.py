"""``gradcheck``: compare backward's gradients with central differences.

    numeric_i = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)
    ok_i      = |analytic_i - numeric_i| <= atol + rtol |numeric_i|
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import checks
from .backward import grad
from .engine import Value


class GradcheckError(AssertionError):
    """Backward and central differences disagree; the message lists each mismatch."""


def _check_eps(eps: float) -> None:
    checks.positive(eps, "gradcheck: eps")


def _evaluate(f: Callable[..., Value], point: Sequence[float]) -> Value:
    out = f(*[Value(x, label=f"x{i}") for i, x in enumerate(point)])
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    return out


def numeric_gradient(f: Callable[..., Value], inputs: Sequence[float], eps: float = 1e-6) -> list[float]:
    """Central differences: (f(x + eps) - f(x - eps)) / (2 eps), one input at a time."""
    point = [checks.real(x, "numeric_gradient: each input") for x in inputs]
    _check_eps(eps)
    gradient = []
    for i in range(len(point)):
        up = list(point)
        down = list(point)
        up[i] += eps
        down[i] -= eps
        gradient.append((_evaluate(f, up).data - _evaluate(f, down).data) / (2 * eps))
    return gradient


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> bool:
    """True when backward matches central differences at inputs; else GradcheckError.

    Each input x_i is nudged both ways: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) is compared with
    backward's d f / d x_i, within atol + rtol * |numerical|, as ``torch.autograd.gradcheck``.

    >>> gradcheck(lambda a, b: (a * b).tanh() + a ** 2, [0.3, -0.7])
    True
    """
    point = [checks.real(x, "gradcheck: each input") for x in inputs]
    _check_eps(eps)
    values = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    analytic = grad(out, values)
    numeric = numeric_gradient(f, point, eps)
    mismatches = [
        f"  input {i} (x{i} = {point[i]!r}): backward {a!r}, central difference {n!r}, "
        f"difference {abs(a - n):.3g} > {atol + rtol * abs(n):.3g}"
        for i, (a, n) in enumerate(zip(analytic, numeric))
        if not abs(a - n) <= atol + rtol * abs(n)
    ]
    if mismatches:
        raise GradcheckError("gradcheck failed:\n" + "\n".join(mismatches))
    return True
