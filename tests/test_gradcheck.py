"""gradcheck and numeric_gradient: the inputs' labels, eps, the tolerance formula at its boundary,
the report of every mismatch, and the refusals of autograd.gradcheck with their exact messages.
"""

from __future__ import annotations

import math

import pytest

from autograd import GradcheckError, gradcheck, numeric_gradient


def test_gradcheck_labels_the_inputs_x0_x1_in_every_evaluation():
    seen = set()

    def f(a, b):
        seen.add((a.label, b.label))
        return a * b

    assert gradcheck(f, [1.0, 2.0])
    assert seen == {("x0", "x1")}


def test_numeric_gradient_default_eps_is_small():
    (slope,) = numeric_gradient(lambda a: a**3, [1.0])
    assert slope == pytest.approx(3.0, abs=1e-6)


def test_gradcheck_uses_the_given_eps_and_reports_the_exact_mismatch():
    # (1.5^3 - 0.5^3) / 1 = 3.25 against the exact 3: eps = 0.5 is far too coarse.
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a: a**3, [1.0], eps=0.5, atol=0.01, rtol=0.01)
    assert str(info.value) == ("gradcheck failed:\n"
                               "  input 0 (x0 = 1.0): backward 3.0, central difference 3.25,"
                               " difference 0.25 > 0.0425")


def test_gradcheck_lists_every_mismatch_one_per_line():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: a.relu() + b.relu(), [0.0, 0.0])
    lines = str(info.value).split("\n")
    assert lines[0] == "gradcheck failed:" and len(lines) == 3
    assert lines[1].startswith("  input 0 (x0 = 0.0)") and lines[2].startswith("  input 1 (x1 = 0.0)")


def test_gradcheck_tolerance_is_inclusive_and_relative_to_the_numeric_value():
    f = lambda a: a * a  # noqa: E731
    (numeric,) = numeric_gradient(f, [1.0])
    assert gradcheck(f, [1.0], atol=abs(2.0 - numeric), rtol=0.0)  # difference == tolerance passes
    # x^3 at 1 with eps 1e-2: central difference 3 + eps^2 = 3.0001, off by 1e-4 < rtol * 3.0001
    assert gradcheck(lambda a: a**3, [1.0], eps=1e-2, atol=0.0, rtol=1e-4)
    with pytest.raises(GradcheckError):
        gradcheck(lambda a: a**3, [1.0], eps=1e-2, atol=0.0, rtol=3e-5)


def test_gradcheck_reports_a_wrong_rule_at_the_relu_kink():
    with pytest.raises(GradcheckError, match=r"input 0 \(x0 = 0.0\): backward 0.0, central difference 0.5"):
        gradcheck(lambda a: a.relu(), [0.0])  # the kink: subgradient 0, central difference 1/2


# --- refusals: the exact message ---

GRADCHECK_REFUSALS = [
    (lambda: numeric_gradient(lambda a: 1.0, [1.0]), TypeError,
     "gradcheck: f must return a Value, got float"),
    (lambda: gradcheck(lambda a: 1.0, [1.0]), TypeError, "gradcheck: f must return a Value, got float"),
    (lambda: numeric_gradient(lambda a: a, ["a"]), TypeError,
     "numeric_gradient: each input must be a number, got str: 'a'"),
    (lambda: gradcheck(lambda a: a, ["1"]), TypeError,
     "gradcheck: each input must be a number, got str: '1'"),
    (lambda: gradcheck(lambda a: a, [1.0], eps=0.0), ValueError, "gradcheck: eps must be > 0, got 0.0"),
    (lambda: gradcheck(lambda a: a, [1.0], eps=-1e-6), ValueError, "gradcheck: eps must be > 0, got -1e-06"),
    (lambda: gradcheck(lambda a: a, [1.0], eps=math.nan), ValueError, "gradcheck: eps must be > 0, got nan"),
    (lambda: numeric_gradient(lambda a: a * a, [1.0], eps=0.0), ValueError,
     "gradcheck: eps must be > 0, got 0.0"),
]


@pytest.mark.parametrize(("call", "error", "message"), GRADCHECK_REFUSALS)
def test_gradcheck_refuses_with_the_exact_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message
