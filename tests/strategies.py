"""Hypothesis strategies shared by the engine tests: inputs inside each op's domain."""

from __future__ import annotations

import operator

from hypothesis import strategies as st

# Moderate magnitudes keep central differences accurate to ~1e-6.
reals = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False, allow_infinity=False)
positives = st.floats(min_value=0.05, max_value=5.0, allow_nan=False, allow_infinity=False)
away_from_zero = reals.filter(lambda x: abs(x) > 0.05)
small_ints = st.integers(min_value=-3, max_value=4)

# op name -> (strategy for its input, shift-away-from-kinks filter)
UNARY_DOMAINS = {
    "neg": reals,
    "abs": away_from_zero,
    "exp": reals,
    "log": positives,
    "sqrt": positives,
    "tanh": reals,
    "sigmoid": reals,
    "relu": away_from_zero,
    "leaky_relu": away_from_zero,
    "sin": reals,
    "cos": reals,
}

# The binary operators by the rule table's names, for applying one to Values, floats or tensors.
BINARY_OPERATORS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}
