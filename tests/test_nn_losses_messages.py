"""Losses and softmax: huber's default delta, class indexes as Values, hinge of plain scores, and
the refusals of nn.losses: one table of exact messages (the loss's name, the word for its inputs,
binary_cross_entropy's saturation hint) and one of bad batches that must build nothing.
"""

from __future__ import annotations

import math
import re

import pytest

import nn
from autograd import Value

L = nn.losses


def test_huber_default_delta_is_one():
    assert nn.losses.huber([3.0], [0.0]).data == 2.5  # delta (|d| - delta/2) = 1 * (3 - 0.5)
    assert nn.losses.huber([0.5], [0.0]).data == 0.125  # d^2 / 2


def test_class_indexes_may_be_values_and_hinge_of_plain_scores():
    expected = math.log(1 + math.exp(-1.0))
    assert nn.losses.cross_entropy([[1.0, 2.0]], [Value(1.0)]).data == pytest.approx(expected)
    assert nn.losses.hinge([0.5], [1.0]).data == 0.5
    assert nn.losses.hinge([0.25, -4.0], [1.0, 0.0]).data == 0.375


# --- nn.losses' refusals: the exact message ---

BCE_HINT = " (sigmoid rounds to 1.0 for logits above ~37, to 0.0 below ~-745)"
BCE_ADVICE = "; use binary_cross_entropy_with_logits on raw scores instead"
LOSS_REFUSALS = [
    (lambda: nn.losses.mse(None, [1.0]), TypeError,
     "mse: preds must be a list of numbers or Values, got NoneType"),
    (lambda: nn.losses.mse([1.0], None), TypeError,
     "mse: targets must be a list of numbers or Values, got NoneType"),
    (lambda: nn.losses.mse([["a"]], [[1.0]]), TypeError,
     "mse: preds[0] must be a number or a Value, got str: 'a'"),
    (lambda: nn.losses.mse([[1.0]], [["b"]]), TypeError,
     "mse: targets[0] must be a number or a Value, got str: 'b'"),
    (lambda: nn.losses.cross_entropy(None, [0]), TypeError,
     "cross_entropy: logits must be a list of numbers or Values, got NoneType"),
    (lambda: nn.losses.cross_entropy([[1.0]], None), TypeError,
     "cross_entropy: targets must be a list of numbers or Values, got NoneType"),
    (lambda: nn.losses.cross_entropy([[1.0, 2.0]], [3]), ValueError,
     "cross_entropy: targets[0] = 3 is out of range for 2 classes (0..1)"),
    (lambda: L.mae([1.0, 2.0], [1.0]), ValueError, "mae: 2 preds but 1 targets; they must pair up"),
    (lambda: L.mae([], []), ValueError, "mae: the batch is empty; give at least one pred and target"),
    (lambda: L.mae(["a"], [1.0]), TypeError, "mae: preds[0] must be a list of numbers or Values, got str"),
    (lambda: L.binary_cross_entropy_with_logits([1.0, 2.0], [1.0]), ValueError,
     "binary_cross_entropy_with_logits: 2 logits but 1 targets; they must pair up"),
    (lambda: L.binary_cross_entropy_with_logits([1.0], [2.0]), ValueError,
     "binary_cross_entropy_with_logits: targets must lie in [0, 1], but targets[0] = 2.0"),
    (lambda: L.binary_cross_entropy_with_logits([None], [1.0]), TypeError,
     "binary_cross_entropy_with_logits: logits[0] must be a list of numbers or Values, got NoneType"),
    (lambda: nn.softmax([]), ValueError, "softmax: logits[0] is empty; give one score per class"),
    (lambda: nn.softmax(["a"]), TypeError, "softmax: logits[0] must be a number or a Value, got str: 'a'"),
    (lambda: nn.softmax(None), TypeError,
     "softmax: logits[0] must be a list of numbers or Values, got NoneType"),
    (lambda: nn.log_softmax([]), ValueError, "log_softmax: logits[0] is empty; give one score per class"),
    (lambda: nn.log_softmax(["a"]), TypeError,
     "log_softmax: logits[0] must be a number or a Value, got str: 'a'"),
    (lambda: L.hinge([1.0, 2.0], [1.0]), ValueError, "hinge: 2 scores but 1 targets; they must pair up"),
    (lambda: L.hinge([], []), ValueError, "hinge: the batch is empty; give at least one score and target"),
    (lambda: L.hinge([1.0], [0.5]), ValueError,
     "hinge: targets must be -1 or +1 (0 is read as -1), but targets[0] = 0.5"),
    (lambda: L.hinge(["s"], [1.0]), TypeError,
     "hinge: scores[0] must be a list of numbers or Values, got str"),
    (lambda: L.mse([[1.0, 2.0]], [[1.0]]), ValueError, "mse: item 0 has 2 preds but 1 targets"),
    (lambda: L.huber([1.0], [1.0, 2.0]), ValueError, "huber: 1 preds but 2 targets; they must pair up"),
    (lambda: L.binary_cross_entropy([0.5], [1.0, 0.0]), ValueError,
     "binary_cross_entropy: 1 probs but 2 targets; they must pair up"),
    (lambda: L.cross_entropy([[1.0, 2.0]], [0, 1]), ValueError,
     "cross_entropy: 1 rows of logits but 2 targets; they must pair up"),
    (lambda: L.cross_entropy([[1.0, "x"]], [0]), TypeError,
     "cross_entropy: logits[0] must be a number or a Value, got str: 'x'"),
    (lambda: L.binary_cross_entropy([1.0], [1.0]), ValueError,
     f"binary_cross_entropy: probs must lie in (0, 1), but probs[0] = 1.0{BCE_HINT}{BCE_ADVICE}"),
    (lambda: L.binary_cross_entropy([0.0], [1.0]), ValueError,
     f"binary_cross_entropy: probs must lie in (0, 1), but probs[0] = 0.0{BCE_HINT}{BCE_ADVICE}"),
    (lambda: L.binary_cross_entropy([0.5, 1.5], [1.0, 0.0]), ValueError,
     f"binary_cross_entropy: probs must lie in (0, 1), but probs[1] = 1.5{BCE_ADVICE}"),
    (lambda: L.binary_cross_entropy([0.5, 2.0], [1.0, 0.0]), ValueError,
     f"binary_cross_entropy: probs must lie in (0, 1), but probs[1] = 2.0{BCE_ADVICE}"),
    (lambda: L.binary_cross_entropy([0.5], [2.0]), ValueError,
     "binary_cross_entropy: targets must lie in [0, 1], but targets[0] = 2.0"),
    (lambda: L.binary_cross_entropy(["a"], [1.0]), TypeError,
     "binary_cross_entropy: probs[0] must be a list of numbers or Values, got str"),
    (lambda: L.binary_cross_entropy([0.5], [1.0, 0.0]), ValueError,
     "binary_cross_entropy: 1 probs but 2 targets; they must pair up"),
]


@pytest.mark.parametrize(("call", "error", "message"), LOSS_REFUSALS,
                         ids=[m.split(":")[0] + str(i) for i, (_, _, m) in enumerate(LOSS_REFUSALS)])
def test_losses_refuse_with_the_exact_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


# --- a bad batch builds nothing on the predictions ---


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda v: L.mse([v], [1.0, 2.0]), ValueError, "1 preds but 2 targets"),
    (lambda v: L.mse([], []), ValueError, "empty"),
    (lambda v: L.mse([v], ["a"]), TypeError, "targets[0]"),
    (lambda v: L.mse(None, [1.0]), TypeError, "preds must be a list"),
    (lambda v: L.mse([[v, v]], [[1.0]]), ValueError, "item 0 has 2 preds but 1 targets"),
    (lambda v: L.mae([v, v], [1.0]), ValueError, "2 preds but 1 targets"),
    (lambda v: L.huber([v], [1.0], delta=0), ValueError, "huber: delta must be > 0, got 0.0"),
    (lambda v: L.huber([v], [1.0], delta=math.nan), ValueError, "huber: delta must be > 0, got nan"),
    (lambda v: L.huber([v], [1.0], delta="1"), TypeError, "huber: delta must be a number, got str"),
    (lambda v: L.binary_cross_entropy([Value(1.0)], [1.0]), ValueError, "probs must lie in (0, 1)"),
    (lambda v: L.binary_cross_entropy([Value(math.nan)], [1.0]), ValueError, "probs[0] = nan"),
    (lambda v: L.binary_cross_entropy([0.5], [2.0]), ValueError, "targets[0] = 2.0"),
    (lambda v: L.binary_cross_entropy([0.5], [math.nan]), ValueError, "targets[0] = nan"),
    (lambda v: L.binary_cross_entropy_with_logits([v], [-0.5]), ValueError, "targets[0] = -0.5"),
    (lambda v: L.binary_cross_entropy_with_logits(["a"], [1.0]), TypeError, "logits[0]"),
    (lambda v: L.cross_entropy([[v, v]], [2]), ValueError, "targets[0] = 2 is out of range for 2 classes"),
    (lambda v: L.cross_entropy([[v, v]], [-1]), ValueError, "out of range"),
    (lambda v: L.cross_entropy([[v, v]], [0.5]), ValueError, "must be a class index"),
    (lambda v: L.cross_entropy([[v, v]], [True]), ValueError, "must be a class index"),
    (lambda v: L.cross_entropy([[v, v]], [math.nan]), ValueError, "must be a class index"),
    (lambda v: L.cross_entropy([[v, v], [v]], [0, 0]), ValueError,
     "logits[1] has 1 scores but logits[0] has 2"),
    (lambda v: L.cross_entropy([[]], [0]), ValueError, "logits[0] is empty"),
    (lambda v: L.cross_entropy([[v]], [0, 0]), ValueError, "1 rows of logits but 2 targets"),
    (lambda v: L.cross_entropy([], []), ValueError, "empty"),
    (lambda v: L.hinge([v], [2.0]), ValueError, "targets must be -1 or +1"),
    (lambda v: L.hinge([v], [math.nan]), ValueError, "targets[0] = nan"),
    (lambda v: nn.softmax([]), ValueError, "empty"),
    (lambda v: nn.log_softmax(None), TypeError, "NoneType"),
])
def test_losses_refuse_bad_batches_and_build_nothing_on_the_predictions(call, error, words):
    v = Value(0.3, label="p")
    with pytest.raises(error, match=re.escape(words)):
        call(v)
    assert v.grad == 0.0 and v.data == 0.3
