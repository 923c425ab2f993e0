"""Argument checks shared by the engine and ``nn``: one place, one error type per mistake.

    a value of the wrong type        -> TypeError   (a str where a number goes, a bool as a size)
    a value of the right type, but
    outside what is allowed          -> ValueError  (a negative std, nan where a finite number goes)

Every message names what was checked (``what``) and what it got, so the user can find
the argument in their own code: ``"init: std must be a number, got str: 'a'"``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any


def is_real(value: Any) -> bool:
    """True for an int, float, Fraction or NumPy number; False for bool, complex, str, None..."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def real(value: Any, what: str) -> float:
    """value as a float, or TypeError when it is not a real number (a bool is not one here)."""
    if type(value) is float:
        return value
    if not is_real(value):
        raise TypeError(f"{what} must be a number, got {type(value).__name__}: {value!r:.60}")
    return float(value)


def finite(value: Any, what: str) -> float:
    """A real number that is not nan or inf (TypeError for a non-number, ValueError for nan/inf)."""
    number = real(value, what)
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, got {number!r}")
    return number


def at_least(value: Any, least: float, what: str) -> float:
    """A finite number >= least."""
    number = finite(value, what)
    if number < least:
        raise ValueError(f"{what} must be >= {least!r}, got {number!r}")
    return number


def positive(value: Any, what: str) -> float:
    """A finite number > 0."""
    number = real(value, what)
    if not number > 0:
        raise ValueError(f"{what} must be > 0, got {number!r}")
    return finite(number, what)


def count(value: Any, what: str, least: int = 1) -> int:
    """An int >= least (TypeError for a float or bool, ValueError when too small)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}: {value!r:.60}")
    if value < least:
        raise ValueError(f"{what} must be at least {least}, got {value}")
    return int(value)


def text(value: Any, what: str) -> str:
    """A str, or TypeError."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    return value


def sequence(value: Any, what: str) -> list[Any]:
    """A list of the items of a sequence or iterable (not a str, bytes or a single number)."""
    if isinstance(value, (str, bytes)) or is_real(value) or not hasattr(value, "__iter__"):
        raise TypeError(f"{what} must be a list, got {type(value).__name__}: {value!r:.60}")
    return list(value)


def choice(value: Any, known: Any, what: str) -> Any:
    """One of the known names (ValueError listing them otherwise)."""
    if isinstance(value, str) and value in known:
        return value
    names = ", ".join(repr(name) for name in known)
    raise ValueError(f"unknown {what} {value!r:.60}: use one of {names}")
