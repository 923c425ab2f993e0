"""nn.losses, nn.softmax, nn.log_softmax: values and gradients against PyTorch, hand values, bad input."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value
from nn import losses

finite = st.floats(-20, 20, allow_nan=False)


def values(numbers):
    return [Value(x) for x in numbers]


def grads(vs):
    return [v.grad for v in vs]


# --- by hand ---


def test_hand_values():
    assert losses.mse([1.0, 3.0], [0.0, 0.0]).data == 5.0
    assert losses.mae([1.0, -3.0], [0.0, 0.0]).data == 2.0
    assert losses.huber([0.5, 3.0], [0.0, 0.0], delta=1.0).data == pytest.approx((0.125 + 2.5) / 2)
    assert losses.binary_cross_entropy([0.5], [1]).data == pytest.approx(math.log(2))
    assert losses.binary_cross_entropy_with_logits([0.0], [0]).data == pytest.approx(math.log(2))
    assert losses.cross_entropy([[0.0, 0.0, 0.0, 0.0]], [2]).data == pytest.approx(math.log(4))
    assert losses.hinge([0.5, 2.0, -1.0], [1, 1, 0]).data == pytest.approx((0.5 + 0.0 + 0.0) / 3)


def test_mse_gradient_by_hand_and_one_prediction_alone():
    p = Value(3.0)
    losses.mse(p, 1.0).backward()  # d/dp (p - t)^2 = 2 (p - t)
    assert p.grad == 4.0
    ps = values([1.0, 2.0])
    losses.mse(ps, [0.0, 0.0]).backward()  # 2 (p - t) / n
    assert grads(ps) == [1.0, 2.0]


def test_mse_on_multi_output_rows_averages_every_number():
    ps = [values([1.0, 2.0]), values([3.0, 4.0])]
    loss = losses.mse(ps, [[0.0, 0.0], [0.0, 0.0]])
    assert loss.data == (1 + 4 + 9 + 16) / 4


def test_softmax_and_log_softmax_are_exported_and_stable():
    assert nn.softmax is losses.softmax and nn.log_softmax is losses.log_softmax
    out = nn.softmax([1000.0, 0.0, -1000.0])
    assert [v.data for v in out] == [1.0, 0.0, 0.0]
    log = nn.log_softmax([1000.0, -1000.0])
    assert [v.data for v in log] == [0.0, -2000.0]


def test_extreme_logits_give_finite_exact_values():
    assert losses.cross_entropy([[1000.0, -1000.0]], [1]).data == 2000.0
    assert losses.cross_entropy([[1000.0, -1000.0]], [0]).data == 0.0
    assert losses.binary_cross_entropy_with_logits([1000.0], [0]).data == 1000.0
    assert losses.binary_cross_entropy_with_logits([-1000.0], [1]).data == 1000.0
    assert losses.binary_cross_entropy_with_logits([1000.0, -1000.0], [1, 0]).data == 0.0


# --- against PyTorch ---


def torch_grads(function, inputs, targets):
    torch = pytest.importorskip("torch")
    x = torch.tensor(inputs, dtype=torch.float64, requires_grad=True)
    loss = function(x, targets)
    loss.backward()
    return loss.item(), x.grad.tolist()


def check(ours, theirs, inputs, targets):
    xs = values(inputs)
    loss = ours(xs, targets)
    loss.backward()
    value, gradient = theirs
    assert loss.data == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert grads(xs) == pytest.approx(gradient, rel=1e-9, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=6), st.sampled_from([0.3, 1.0, 4.0]))
def test_regression_losses_match_pytorch(pairs, delta):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    preds = [p for p, _ in pairs]
    targets = [t for _, t in pairs]
    t = torch.tensor(targets, dtype=torch.float64)
    check(losses.mse, torch_grads(lambda x, _: F.mse_loss(x, t), preds, targets), preds, targets)
    check(losses.mae, torch_grads(lambda x, _: F.l1_loss(x, t), preds, targets), preds, targets)
    check(lambda p, q: losses.huber(p, q, delta=delta),
          torch_grads(lambda x, _: F.huber_loss(x, t, delta=delta), preds, targets), preds, targets)


def test_mae_and_huber_at_their_kinks_match_pytorch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    preds, targets = [1.0, 2.0, -1.0, 3.0], [1.0, 1.0, 0.0, 2.0]  # d = 0, 1, -1, 1
    t = torch.tensor(targets, dtype=torch.float64)
    check(losses.mae, torch_grads(lambda x, _: F.l1_loss(x, t), preds, targets), preds, targets)
    check(losses.huber, torch_grads(lambda x, _: F.huber_loss(x, t, delta=1.0), preds, targets), preds,
          targets)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(1e-6, 1 - 1e-6), st.floats(0, 1)), min_size=1, max_size=6))
def test_binary_cross_entropy_matches_pytorch(pairs):
    torch = pytest.importorskip("torch")
    probs, targets = [p for p, _ in pairs], [t for _, t in pairs]
    t = torch.tensor(targets, dtype=torch.float64)
    theirs = torch_grads(lambda x, _: torch.nn.functional.binary_cross_entropy(x, t), probs, targets)
    check(losses.binary_cross_entropy, theirs, probs, targets)


LOGITS = [-1000.0, -745.0, -40.0, -3.5, -1e-9, 0.0, 1e-9, 2.0, 36.0, 700.0, 1000.0]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.one_of(finite, st.sampled_from(LOGITS)), st.sampled_from([0.0, 0.25, 1.0])),
                min_size=1, max_size=6))
def test_binary_cross_entropy_with_logits_matches_pytorch_for_any_logit(pairs):
    torch = pytest.importorskip("torch")
    logits, targets = [z for z, _ in pairs], [t for _, t in pairs]
    t = torch.tensor(targets, dtype=torch.float64)
    theirs = torch_grads(lambda x, _: torch.nn.functional.binary_cross_entropy_with_logits(x, t), logits,
                         targets)
    check(losses.binary_cross_entropy_with_logits, theirs, logits, targets)


def test_binary_cross_entropy_with_logits_all_extremes_at_once():
    torch = pytest.importorskip("torch")
    targets = [float(i % 2) for i in range(len(LOGITS))]
    t = torch.tensor(targets, dtype=torch.float64)
    theirs = torch_grads(lambda x, _: torch.nn.functional.binary_cross_entropy_with_logits(x, t), LOGITS,
                         targets)
    check(losses.binary_cross_entropy_with_logits, theirs, LOGITS, targets)


def check_cross_entropy(rows, targets):
    torch = pytest.importorskip("torch")
    x = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    torch_loss = torch.nn.functional.cross_entropy(x, torch.tensor(targets))
    torch_loss.backward()
    ours = [values(row) for row in rows]
    loss = losses.cross_entropy(ours, targets)
    loss.backward()
    assert math.isfinite(loss.data)
    assert loss.data == pytest.approx(torch_loss.item(), rel=1e-12, abs=1e-12)
    for row, torch_row in zip(ours, x.grad.tolist(), strict=True):
        assert grads(row) == pytest.approx(torch_row, rel=1e-9, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(1, 4), st.data())
def test_cross_entropy_matches_pytorch(classes, batch, data):
    logit = st.one_of(finite, st.sampled_from([-1000.0, 1000.0, 500.0]))
    rows = [data.draw(st.lists(logit, min_size=classes, max_size=classes)) for _ in range(batch)]
    targets = [data.draw(st.integers(0, classes - 1)) for _ in range(batch)]
    check_cross_entropy(rows, targets)


def test_cross_entropy_extreme_logits_match_pytorch():
    check_cross_entropy([[1000.0, -1000.0], [-1000.0, 1000.0], [1000.0, 1000.0], [0.0, -1000.0]],
                        [1, 1, 0, 1])


@settings(max_examples=20, deadline=None)
@given(st.lists(finite, min_size=1, max_size=5))
def test_softmax_and_log_softmax_match_pytorch(logits):
    torch = pytest.importorskip("torch")
    weights = [float(i + 1) for i in range(len(logits))]  # backward of sum_i weight_i * out_i
    for ours, theirs in ((nn.softmax, torch.softmax), (nn.log_softmax, torch.log_softmax)):
        x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        out_t = theirs(x, dim=0)
        (out_t * torch.tensor(weights, dtype=torch.float64)).sum().backward()
        xs = values(logits)
        out = ours(xs)
        sum(w * o for w, o in zip(weights, out, strict=True)).backward()
        assert [o.data for o in out] == pytest.approx(out_t.tolist(), rel=1e-12, abs=1e-12)
        assert grads(xs) == pytest.approx(x.grad.tolist(), rel=1e-9, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(finite.filter(lambda s: abs(abs(s) - 1) > 1e-6), st.sampled_from([-1, 0, 1])),
                min_size=1, max_size=6))
def test_hinge_matches_pytorch(pairs):
    torch = pytest.importorskip("torch")
    scores, targets = [s for s, _ in pairs], [t for _, t in pairs]
    y = torch.tensor([1.0 if t == 1 else -1.0 for t in targets], dtype=torch.float64)
    theirs = torch_grads(lambda x, _: torch.relu(1 - y * x).mean(), scores, targets)
    check(losses.hinge, theirs, scores, targets)


# --- bad input ---


ALL = [losses.mse, losses.mae, losses.huber, losses.binary_cross_entropy,
       losses.binary_cross_entropy_with_logits, losses.hinge]


@pytest.mark.parametrize("loss", ALL, ids=lambda f: f.__name__)
def test_unequal_lengths_and_empty_batches(loss):
    with pytest.raises(ValueError, match="2 .* but 3 targets"):
        loss([0.5, 0.5], [1, 0, 1])
    with pytest.raises(ValueError, match="empty"):
        loss([], [])


@pytest.mark.parametrize("loss", ALL, ids=lambda f: f.__name__)
def test_non_numbers_are_type_errors(loss):
    with pytest.raises(TypeError):
        loss(["a"], [1])
    with pytest.raises(TypeError):
        loss([0.5], [None])


@pytest.mark.parametrize("loss", [losses.binary_cross_entropy, losses.binary_cross_entropy_with_logits])
@pytest.mark.parametrize("target", [-0.1, 1.5, 2])
def test_bce_targets_outside_zero_one(loss, target):
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\].*targets\[1\]"):
        loss([0.5, 0.5], [1, target])


@pytest.mark.parametrize("prob", [0.0, 1.0, -0.5, 1.5, math.nan])
def test_bce_probs_outside_open_interval(prob):
    with pytest.raises(ValueError, match=r"probs must lie in \(0, 1\)"):
        losses.binary_cross_entropy([Value(prob)], [1])


@pytest.mark.parametrize("rows, targets, message", [
    ([[0.0, 1.0]], [2], "out of range for 2 classes"),
    ([[0.0, 1.0]], [-1], "out of range"),
    ([[0.0, 1.0]], [0.5], "must be a class index"),
    ([[0.0, 1.0]], [True], "must be a class index"),
    ([[0.0, 1.0]], ["1"], "must be a class index"),
    ([[0.0, 1.0], [0.0]], [0, 0], r"logits\[1\] has 1 scores but logits\[0\] has 2"),
    ([[0.0, 1.0]], [0, 1], "1 rows of logits but 2 targets"),
    ([], [], "empty"),
    ([[]], [0], "empty"),
])
def test_cross_entropy_bad_input(rows, targets, message):
    with pytest.raises(ValueError, match=message):
        losses.cross_entropy(rows, targets)


def test_huber_delta_and_hinge_labels():
    with pytest.raises(ValueError, match="delta"):
        losses.huber([1.0], [0.0], delta=0.0)
    with pytest.raises(ValueError, match="-1 or \\+1"):
        losses.hinge([1.0], [2])
    with pytest.raises(ValueError, match="empty"):
        nn.softmax([])


def test_a_bad_batch_changes_no_gradient():
    p = Value(0.5)
    with pytest.raises(ValueError):
        losses.binary_cross_entropy([p, 0.5], [1, 3])
    assert p.grad == 0.0


def test_docstrings_carry_the_formula():
    for loss in ALL + [losses.cross_entropy]:
        assert "(1/n)" in loss.__doc__ or "mean" in loss.__doc__.lower()
    assert "log-sum-exp" in losses.cross_entropy.__doc__.lower()
