"""chainrule's autograd: a scalar reverse-mode automatic differentiation engine.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x
    >>> y.backward()
    >>> x.grad        # dy/dx = 2x + 3
    7.0
"""

from .backward import grad, topological_order
from .draw import draw
from .engine import Value, dot, dots, total
from .gradcheck import GradcheckError, gradcheck, numeric_gradient
from .modes import detect_anomaly, no_grad, restore_collector
from .steps import Step, backward_steps

__all__ = [
    "Value",
    "grad",
    "topological_order",
    "no_grad",
    "restore_collector",
    "detect_anomaly",
    "gradcheck",
    "GradcheckError",
    "numeric_gradient",
    "dot",
    "dots",
    "total",
    "backward_steps",
    "Step",
    "draw",
]
