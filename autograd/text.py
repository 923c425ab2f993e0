"""Numbers as people read them, the same in a Value's repr, the tables and the pictures.

    >>> shown(-1.4999999999999993)
    '-1.5'
    >>> shown(3.0), shown(0.000123456789), shown(2.5e20)
    ('3.0', '0.000123457', '2.5e+20')
"""

from __future__ import annotations

from typing import Any


def shown(number: Any, digits: int = 6) -> str:
    """A number rounded to ``digits`` significant digits, always with a point (1.0, not 1).

    Anything that is not a number (a Value held in .grad after create_graph) shows as its repr.
    """
    try:
        result = f"{number:.{digits}g}"
    except (TypeError, ValueError):
        return repr(number)
    if result.lstrip("-").isdigit():
        result += ".0"
    return result


def term(number: Any, digits: int = 6) -> str:
    """A number as a term of a sum: negatives in parentheses, as in 0.5 + (-3.0)."""
    result = shown(number, digits)
    return f"({result})" if result.startswith("-") else result
