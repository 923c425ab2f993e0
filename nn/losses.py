"""Loss functions: how wrong a batch of predictions is, as ONE Value to call backward on.

Each loss is the mean over the items of the batch (PyTorch's reduction="mean"), so its
size does not depend on the batch size and neither does a good learning rate. Sums and
means are single ``autograd.total`` nodes (d/du_i = 1), not chains of ``+``.

    loss                              per item                               PyTorch
    mse                               (p - t)^2                              mse_loss
    mae                               |p - t|                                l1_loss
    huber(delta)                      (p-t)^2/2 or delta(|p-t| - delta/2)    huber_loss
    binary_cross_entropy              -(t ln p + (1 - t) ln(1 - p))          binary_cross_entropy
    binary_cross_entropy_with_logits  the same with p = sigmoid(z), stably   binary_cross_entropy_with_logits
    cross_entropy                     -ln softmax(z)_target                  cross_entropy
    hinge                             max(0, 1 - y s)                        (relu(1 - y * s)).mean()

``preds`` and ``targets`` may be Values or plain numbers. For mse, mae and huber each
item may itself be a list (one per output of a multi-output model); the mean is then
over every number, as PyTorch's mean over all elements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd import Value, checks, dot, total

__all__ = [
    "mse",
    "mae",
    "huber",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge",
    "softmax",
    "log_softmax",
    "LOSSES",
    "CLASSIFICATION",
]


# --- checking and lining up the batch ---


def _number(x: Any, what: str) -> float:
    """The float value of a Value or a number (for checking domains)."""
    if isinstance(x, Value):
        return x.data
    if not checks.is_real(x):
        raise TypeError(f"{what} must be a number or a Value, got {type(x).__name__}: {x!r:.60}")
    return float(x)


def _items(values: Any, what: str) -> list[Any]:
    """A batch as a list: one Value or number counts as a batch of one."""
    if isinstance(values, Value) or checks.is_real(values):
        return [values]
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{what} must be a list of numbers or Values, got {type(values).__name__}")
    return list(values)


def _pair(name: str, preds: Any, targets: Any, pred_word: str = "preds") -> tuple[list[Any], list[Any]]:
    """preds and targets as two equal-length, non-empty lists (nested lists flattened alike)."""
    preds, targets = _items(preds, f"{name}: {pred_word}"), _items(targets, f"{name}: targets")
    if len(preds) != len(targets):
        raise ValueError(f"{name}: {len(preds)} {pred_word} but {len(targets)} targets; they must pair up")
    if not preds:
        raise ValueError(f"{name}: the batch is empty; give at least one {pred_word[:-1]} and target")
    flat_preds, flat_targets = [], []
    for i, (p, t) in enumerate(zip(preds, targets, strict=True)):
        p_items = _items(p, f"{name}: {pred_word}[{i}]")
        t_items = _items(t, f"{name}: targets[{i}]")
        if len(p_items) != len(t_items) or not p_items:
            raise ValueError(f"{name}: item {i} has {len(p_items)} {pred_word} but {len(t_items)} targets")
        for q in p_items:
            _number(q, f"{name}: {pred_word}[{i}]")
        flat_preds.extend(p_items)
        flat_targets.extend(_number(u, f"{name}: targets[{i}]") for u in t_items)
    return flat_preds, flat_targets


def _mean(terms: list[Any]) -> Value:
    """(u_1 + ... + u_n) / n: one sum node, one division."""
    return total(terms) / len(terms)


# --- regression losses ---


def mse(preds: Any, targets: Any) -> Value:
    """Mean squared error: (1/n) sum_i (p_i - t_i)^2.

    Smooth, and its gradient 2(p - t)/n shrinks near the answer; the square makes it
    sensitive to outliers (an error of 10 weighs 100 times an error of 1). The sum of
    squares is one ``dot`` node d . d, whose two edges per item give d/dd_i = 2 d_i.
    """
    preds, targets = _pair("mse", preds, targets)
    diffs = [p - t for p, t in zip(preds, targets, strict=True)]
    return dot(diffs, diffs) / len(diffs)


def mae(preds: Any, targets: Any) -> Value:
    """Mean absolute error: (1/n) sum_i |p_i - t_i|.

    Robust to outliers (errors count linearly), but the gradient is +-1/n however close the
    prediction is, so plain gradient descent jitters around the answer; |u|'(0) = 0, as PyTorch.
    """
    preds, targets = _pair("mae", preds, targets)
    return _mean([abs(p - t) for p, t in zip(preds, targets, strict=True)])


def huber(preds: Any, targets: Any, delta: float = 1.0) -> Value:
    """Huber loss: mean of (d^2)/2 where |d| <= delta, else delta (|d| - delta/2), d = p - t.

    Quadratic (like mse) for small errors, linear (like mae) beyond delta: smooth near the
    answer and robust to outliers. Both pieces and their slopes meet at |d| = delta.
    """
    delta = checks.positive(delta, "huber: delta")
    preds, targets = _pair("huber", preds, targets)
    terms = []
    for p, t in zip(preds, targets, strict=True):
        d = p - t
        d_data = d.data if isinstance(d, Value) else d
        terms.append(0.5 * d * d if abs(d_data) <= delta else delta * (abs(d) - 0.5 * delta))
    return _mean(terms)


# --- classification losses ---


def _check_binary_targets(name: str, targets: list[float]) -> None:
    for i, t in enumerate(targets):
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"{name}: targets must lie in [0, 1], but targets[{i}] = {t!r}")


def binary_cross_entropy(probs: Any, targets: Any) -> Value:
    """-(1/n) sum_i [t_i ln p_i + (1 - t_i) ln(1 - p_i)], for probabilities p_i in (0, 1).

    The negative log-likelihood of the targets under the predicted probabilities: a confident
    wrong answer costs a lot (ln p -> -inf as p -> 0). Feeding it sigmoid outputs loses
    precision when the sigmoid saturates; prefer ``binary_cross_entropy_with_logits``.
    (PyTorch clamps each log at -100; here p must lie strictly inside (0, 1) instead.)
    """
    probs, targets = _pair("binary_cross_entropy", probs, targets, "probs")
    _check_binary_targets("binary_cross_entropy", targets)
    terms = []
    for i, (p, t) in enumerate(zip(probs, targets, strict=True)):
        p_data = _number(p, "binary_cross_entropy: probs")
        if not 0.0 < p_data < 1.0:
            hint = (" (sigmoid rounds to 1.0 for logits above ~37, to 0.0 below ~-745)"
                    if p_data in (0.0, 1.0) else "")
            raise ValueError("binary_cross_entropy: probs must lie in (0, 1), "
                             f"but probs[{i}] = {p_data!r}{hint}; "
                             "use binary_cross_entropy_with_logits on raw scores instead")
        p = p if isinstance(p, Value) else Value(p_data)
        terms.append(-(t * p.log() + (1.0 - t) * (1.0 - p).log()))
    return _mean(terms)


def _softplus(z: Value) -> Value:
    """ln(1 + e^z), computed without overflow: z + ln(1 + e^-z) for z > 0.

    Both forms have the derivative sigmoid(z), so the branch (chosen by the value of z)
    changes only the rounding, never the gradient.
    """
    if z.data > 0:
        return z + (1.0 + (-z).exp()).log()
    return (1.0 + z.exp()).log()


def binary_cross_entropy_with_logits(logits: Any, targets: Any) -> Value:
    """Binary cross-entropy of p = sigmoid(z), from the logits z: (1/n) sum_i [softplus(z_i) - t_i z_i].

    Since -ln sigmoid(z) = softplus(-z) = ln(1 + e^-z), the loss per item is
    ln(1 + e^z) - t z, and its gradient is sigmoid(z) - t. Computed stably (no exp of a
    large positive number), it stays finite and exact for any logit, even +-1000.
    """
    logits, targets = _pair("binary_cross_entropy_with_logits", logits, targets, "logits")
    _check_binary_targets("binary_cross_entropy_with_logits", targets)
    terms = []
    for z, t in zip(logits, targets, strict=True):
        z = z if isinstance(z, Value) else Value(float(z))
        terms.append(_softplus(z) - t * z)
    return _mean(terms)


def _log_sum_exp(values: list[Value]) -> Value:
    """ln sum_j e^{z_j} = m + ln sum_j e^{z_j - m}, with m = max_j z_j (a constant).

    Subtracting m makes every exponent <= 0: no overflow, and the largest term is e^0 = 1,
    so the log never sees 0. m is a plain number, so the gradient is unchanged: softmax(z).
    """
    m = max(v.data for v in values)
    return total([(v - m).exp() for v in values]).log() + m


def _logit_row(name: str, row: Any, i: int) -> list[Value]:
    row = _items(row, f"{name}: logits[{i}]")
    if not row:
        raise ValueError(f"{name}: logits[{i}] is empty; give one score per class")
    return [v if isinstance(v, Value) else Value(_number(v, f"{name}: logits[{i}]")) for v in row]


def softmax(values: Sequence[Any]) -> list[Value]:
    """softmax(z)_i = e^{z_i} / sum_j e^{z_j}: positive, sums to 1 (computed with z - max z)."""
    values = _logit_row("softmax", values, 0)
    m = max(v.data for v in values)
    exps = [(v - m).exp() for v in values]
    denominator = total(exps)
    return [e / denominator for e in exps]


def log_softmax(values: Sequence[Any]) -> list[Value]:
    """log_softmax(z)_i = z_i - ln sum_j e^{z_j}, stable for any finite z (log-sum-exp)."""
    values = _logit_row("log_softmax", values, 0)
    lse = _log_sum_exp(values)
    return [v - lse for v in values]


def _class_index(name: str, target: Any, i: int, classes: int) -> int:
    if isinstance(target, Value):
        target = target.data
    if isinstance(target, bool) or not checks.is_real(target) or not float(target).is_integer():
        raise ValueError(f"{name}: targets[{i}] must be a class index (an int), got {target!r}")
    index = int(target)
    if not 0 <= index < classes:
        raise ValueError(f"{name}: targets[{i}] = {index} is out of range for {classes} classes "
                         f"(0..{classes - 1})")
    return index


def cross_entropy(logits: Sequence[Any], targets: Sequence[Any]) -> Value:
    """(1/n) sum_i -ln softmax(z_i)[y_i] = (1/n) sum_i [ln sum_j e^{z_ij} - z_i,y_i].

    logits: one list of class scores per sample (raw, before softmax); targets: class
    indexes. The gradient per sample is softmax(z) - onehot(y): it pushes the right class
    up and the others down in proportion to their probability. Log-sum-exp keeps it finite
    and exact for any finite logits (scores of +-1000 give 0 or 2000, not nan).
    """
    name = "cross_entropy"
    rows, targets = _items(logits, f"{name}: logits"), _items(targets, f"{name}: targets")
    if len(rows) != len(targets):
        raise ValueError(f"{name}: {len(rows)} rows of logits but {len(targets)} targets; they must pair up")
    if not rows:
        raise ValueError(f"{name}: the batch is empty; give at least one row of logits and a target")
    rows = [_logit_row(name, row, i) for i, row in enumerate(rows)]
    classes = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != classes:
            raise ValueError(f"{name}: logits[{i}] has {len(row)} scores but logits[0] has {classes}")
    indexes = [_class_index(name, t, i, classes) for i, t in enumerate(targets)]
    return _mean([_log_sum_exp(row) - row[y] for row, y in zip(rows, indexes, strict=True)])


def hinge(scores: Any, targets: Any) -> Value:
    """(1/n) sum_i max(0, 1 - y_i s_i), for labels y_i in {-1, +1} (0 is read as -1).

    The SVM loss: zero once a sample is on the right side with a margin of 1, so it stops
    pushing on easy samples; not a probability. Subgradient 0 at the kink (relu'(0) = 0).
    """
    scores, targets = _pair("hinge", scores, targets, "scores")
    labels = []
    for i, t in enumerate(targets):
        if t not in (-1.0, 0.0, 1.0):
            raise ValueError(f"hinge: targets must be -1 or +1 (0 is read as -1), but targets[{i}] = {t!r}")
        labels.append(1.0 if t == 1.0 else -1.0)
    return _mean([(1.0 - y * s).relu() if isinstance(s, Value) else Value(max(0.0, 1.0 - y * s))
                  for s, y in zip(scores, labels, strict=True)])


# name -> loss, for nn.fit(loss="...")
LOSSES = {
    "mse": mse,
    "mae": mae,
    "huber": huber,
    "binary_cross_entropy": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "cross_entropy": cross_entropy,
    "hinge": hinge,
}
# the losses whose targets are classes, for which nn.fit also reports accuracy
CLASSIFICATION = ("binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "hinge")
