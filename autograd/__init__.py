"""chainrule's autograd: a scalar reverse-mode automatic differentiation engine.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x
    >>> y.backward()
    >>> x.grad        # dy/dx = 2x + 3
    7.0

The engine core, standard library only: ``rules`` (the table of derivative rules),
``engine`` (``Value``), ``backward`` (the chain rule), ``modes``, ``gradcheck``, with
``functions``, ``checks``, ``text`` and ``collector`` beside them, and ``define`` (``define_op``:
your own operations) with ``exercises`` (derivative rules for you to write, graded). Apart from it, and
never imported by it, ``autograd.presentation`` shows the core at work (the step-through,
pictures, the page, ``python -m autograd explain``); its names load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from .backward import grad, gradients, topological_order
from .codegen import StagedCode, codegen
from .collector import restore_collector
from .define import define_op
from .engine import Value, dot, dots, total
from .gradcheck import GradcheckError, gradcheck, numeric_gradient
from .modes import detect_anomaly, no_grad

# name -> the presentation module that defines it, imported when the name is first used
_PRESENTATION = {
    "backward_steps": "steps",
    "Step": "steps",
    "draw": "draw",
    "explain": "explain",
    "Explanation": "explain",
    "to_pytorch_source": "pytorch_source",
}

__all__ = [
    "Value",
    "grad",
    "gradients",
    "topological_order",
    "no_grad",
    "detect_anomaly",
    "restore_collector",
    "gradcheck",
    "GradcheckError",
    "numeric_gradient",
    "dot",
    "dots",
    "total",
    "define_op",
    "codegen",
    "StagedCode",
    *_PRESENTATION,
]


def __getattr__(name: str) -> Any:
    """``from autograd import draw``: the presentation's names, imported on first use (PEP 562)."""
    if name in _PRESENTATION:
        module = importlib.import_module(f"autograd.presentation.{_PRESENTATION[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PRESENTATION))
