"""Training: fit's defaults, the epoch's loss and accuracy, early stopping, the progress bar,
models without sizes, multi-label and multi-output models, predict and accuracy's thresholds,
and the refusals of nn.train: one table of exact messages, one of bad arguments that must be
refused before the first step.
"""

from __future__ import annotations

import math
import re

import pytest

import nn
from autograd import Value

# --- fit ---


def test_fit_defaults_tol_zero_and_the_progress_bar(capsys):
    model = nn.Neuron(1, activation="linear", seed=0)
    model.w[0].data, model.b.data = 0.0, 0.0
    history = nn.fit(model, [[1.0]], [1.0], tol=0.0)  # loss "mse", lr 0.1, 100 epochs, a progress bar "fit"
    assert len(history.loss) == 100 and history.stopped_early is False
    # (1 - 0.2)^k -> w + b = 1
    assert history.loss[0] == 1.0 and model.w[0].data == pytest.approx(0.5, abs=1e-9)
    err = capsys.readouterr().err
    assert "fit: 100%" in err and "epoch" in err
    assert nn.train.History(False).stopped_early is False


def test_an_epoch_records_the_mean_loss_and_accuracy_over_all_batches():
    model = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    X, y = [[0.5, -1.0], [1.0, 2.0], [-1.5, 0.5], [0.2, 0.3], [2.0, -2.0]], [1, 0, 1, 0, 1]
    outputs = [model(x)[0] for x in X]
    expected_loss = nn.losses.binary_cross_entropy_with_logits(outputs, y).data
    expected_accuracy = sum((o.data >= 0) == (t == 1) for o, t in zip(outputs, y)) / len(X)
    history = nn.fit(model, X, y, loss="binary_cross_entropy_with_logits", lr=1e-300, batch_size=2, epochs=1,
                     shuffle=False, progress=False)
    assert history.loss[0] == pytest.approx(expected_loss, rel=1e-12)
    assert history.accuracy == [expected_accuracy] and 0 < expected_accuracy < 1


def test_tol_stops_after_the_second_epoch_on_a_small_change(capsys):
    def run(epochs, tol):
        model = nn.Neuron(1, activation="linear", seed=0)
        model.w[0].data, model.b.data = 0.0, 0.0
        return nn.fit(model, [[1.0]], [1.0], epochs=epochs, tol=tol, progress=True)

    history = run(5, 1.0)  # losses 1.0 then 0.36: a change of 0.64 < 1 (their sum, 1.36, is not)
    assert history.loss == [1.0, pytest.approx(0.36)] and history.stopped_early is True
    assert run(2, 1.0).stopped_early is False  # stopping on the last epoch is not early
    err = capsys.readouterr().err
    assert re.search(r"loss=[0-9.e+-]+\]", err) and re.search(r"[0-9.]+(epoch/s|s/epoch)", err)


def test_fit_asks_models_without_sizes_for_their_outputs():
    class TwoScores(nn.Module):
        def __init__(self):
            self.w = Value(0.5)

        def parameters(self):
            return [self.w]

        def __call__(self, x):
            return [self.w * x[0], -self.w * x[0]]

    history = nn.fit(TwoScores(), [[1.0], [2.0]], [0, 1], loss="cross_entropy", epochs=1, progress=False)
    assert len(history.loss) == 1
    with pytest.raises(ValueError, match="out of range for 2 classes"):
        nn.fit(TwoScores(), [[1.0]], [2], loss="cross_entropy", epochs=1, progress=False)
    layer = nn.Layer(1, 3, activation="linear", seed=0)
    with pytest.raises(ValueError, match="out of range for 3 classes"):
        nn.fit(layer, [[1.0]], [3], loss="cross_entropy", epochs=1, progress=False)
    neuron = nn.Neuron(1, activation="sigmoid", seed=0)
    history = nn.fit(neuron, [[1.0]], [1.0], loss="binary_cross_entropy", epochs=2, progress=False)
    assert len(history.loss) == 2


def test_fit_trains_a_multi_label_model_with_binary_cross_entropy():
    model = nn.MLP(1, [2], output_activation="sigmoid", seed=0)
    history = nn.fit(model, [[1.0], [0.5]], [[1.0, 0.0], [0.0, 1.0]], loss="binary_cross_entropy", epochs=2,
                     progress=False)
    assert len(history.loss) == 2


@pytest.mark.parametrize(("loss", "y"), [("binary_cross_entropy_with_logits", [[1.0, 0.0], [0.0, 1.0]]),
                                         ("hinge", [[1.0, -1.0], [-1.0, 1.0]])])
def test_fit_trains_a_multi_output_model_with_a_binary_loss(loss, y):
    model = nn.MLP(1, [2], seed=0)
    history = nn.fit(model, [[1.0], [0.5]], y, loss=loss, epochs=2, progress=False)
    assert len(history.loss) == 2
    # multi-label accuracy: the fraction of labels right, per sample
    assert all(0.0 <= a <= 1.0 for a in history.accuracy)
    assert nn.accuracy(model, [[1.0], [0.5]], y, loss) in (0.0, 0.25, 0.5, 0.75, 1.0)


def test_history_repr():
    history = nn.train.History(True)
    history.loss, history.accuracy, history.stopped_early = [1.0, 0.5, 0.25], [0.1, 0.5, 0.75], True
    assert repr(history) == "History(3 epochs, loss 1 -> 0.25, accuracy 0.750, stopped early)"
    assert repr(nn.train.History(False)) == "History(0 epochs)"


def test_fit_names_the_epoch_when_the_loss_becomes_infinite_and_keeps_the_last_finite_weights():
    model = nn.MLP(1, [1], seed=0)
    with pytest.raises(FloatingPointError, match=r"epoch 2.*smaller learning rate"):
        nn.fit(model, [[1.0], [2.0]], [1.0, 3.0], lr=1e200, epochs=5, shuffle=False, progress=False)
    assert all(math.isfinite(p.data) for p in model.parameters())


# --- predict and accuracy ---


def test_predict_reads_values_numbers_and_sequences_as_rows_of_floats():
    from nn.train import predict

    neuron = nn.Neuron(1, activation="linear", seed=0)
    neuron.w[0].data, neuron.b.data = 2.0, 1.0
    assert predict(neuron, [[1.0], [2.0]]) == [[3.0], [5.0]]
    assert predict(lambda x: 0.5, [[1.0]]) == [[0.5]]
    assert predict(lambda x: (1, Value(2.0)), [[1.0]]) == [[1.0, 2.0]]


def test_accuracy_reads_probabilities_at_one_half_and_scores_at_zero():
    from nn.train import accuracy

    model = lambda x: [Value(x[0])]  # noqa: E731
    X, y = [[0.3], [0.7], [-0.2]], [0, 1, 0]
    assert accuracy(model, X, y, "binary_cross_entropy") == 1.0  # 0.3 < 0.5: class 0
    assert accuracy(model, X, y, "binary_cross_entropy_with_logits") == 2 / 3  # 0.3 >= 0: class 1
    assert accuracy(model, X, [-1, 1, -1], "hinge") == 2 / 3


def test_accuracy_counts_a_score_on_the_threshold_and_a_target_of_one_half_as_positive():
    from nn.train import accuracy

    model = lambda x: [Value(x[0])]  # noqa: E731
    assert accuracy(model, [[0.5]], [1], "binary_cross_entropy") == 1.0
    assert accuracy(model, [[0.0]], [1], "binary_cross_entropy_with_logits") == 1.0
    assert accuracy(model, [[0.7]], [0.5], "binary_cross_entropy") == 1.0


# --- nn.train's refusals: the exact message ---


def fit_with(**kwargs):
    """fit on a small good problem, with kwargs in place of its arguments."""
    arguments = dict(model=nn.MLP(1, [1], seed=0), X=[[0.5], [1.0]], y=[1.0, 0.0], epochs=1, progress=False)
    return nn.fit(**(arguments | kwargs))


TRAIN_REFUSALS = [
    (lambda: fit_with(X="ab"), TypeError, "fit: X must be a list (one entry per sample), got str"),
    (lambda: fit_with(X=[[1.0]], y=[1.0, 2.0]), ValueError,
     "fit: X has 1 samples but y has 2; they must have the same length"),
    (lambda: fit_with(batch_size="2"), TypeError,
     "batch_size (None for the whole set) must be an int, got str: '2'"),
    (lambda: fit_with(X=[[1.0], 3.0], y=[1.0, 1.0]), TypeError,
     "fit: X[1] must be a list of inputs, got float: 3.0"),
    (lambda: fit_with(model=None), TypeError,
     "fit: model must be an nn Module (Neuron, Layer, MLP), got NoneType"),
    (lambda: fit_with(model=lambda x: x), TypeError,
     "fit: model must be an nn Module (Neuron, Layer, MLP), got function"),
    (lambda: fit_with(tol=True), TypeError,
     "fit: tol (None: no early stop) must be a number, got bool: True"),
    (lambda: fit_with(loss="bogus"), ValueError,
     "unknown loss 'bogus': use a callable (outputs, targets) -> Value or one of 'mse', 'mae', 'huber', "
     "'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'cross_entropy', 'hinge'"),
    (lambda: nn.fit(nn.MLP(1, [1]), [[1.0]], "ab", progress=False), TypeError,
     "fit: y must be a list (one entry per sample), got str"),
    (lambda: nn.fit(nn.MLP(1, [1]), [[1.0]], [1.0], desc=3, progress=False), TypeError,
     "fit: desc (the progress bar's name) must be a str, got int"),
    (lambda: nn.train.accuracy(nn.MLP(1, [1], seed=0), [[1.0]], [1, 0], "hinge"), ValueError,
     "accuracy: X has 1 samples but y has 2; they must have the same length"),
    (lambda: nn.fit(None, [[1.0]], [1.0], progress=False), TypeError,
     "fit: model must be an nn Module (Neuron, Layer, MLP), got NoneType"),
    (lambda: nn.fit("model", [[1.0]], [1.0], progress=False), TypeError,
     "fit: model must be an nn Module (Neuron, Layer, MLP), got str"),
    (lambda: nn.batches([[1.0]], [1.0, 2.0], 1), ValueError,
     "batches: X has 1 samples but y has 2; they must have the same length"),
    (lambda: nn.batches([[1.0]], [1.0], 1, rng=3), TypeError,
     "batches: rng must be a random.Random or None, got int"),
]


@pytest.mark.parametrize(("call", "error", "message"), TRAIN_REFUSALS)
def test_training_refuses_with_the_exact_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


# --- every argument checked before the first step: the parameters unchanged ---


def fit_model():
    model = nn.MLP(1, [2, 1], activation="tanh", seed=0)
    return model, [(p.data, p.grad) for p in model.parameters()]


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    (dict(X="ab"), TypeError, "X must be a list"),
    (dict(X=[[1.0]], y=[1.0, 2.0]), ValueError, "X has 1 samples but y has 2"),
    (dict(X=[], y=[]), ValueError, "empty"),
    (dict(X=[[1.0], [1.0, 2.0]], y=[1.0, 1.0]), ValueError, "expected 1 inputs, got 2 in X[1]"),
    (dict(X=[[1.0], ["a"]], y=[1.0, 1.0]), TypeError, "X[1] holds 'a'"),
    (dict(X=[[1.0], 3.0], y=[1.0, 1.0]), TypeError, "X[1] must be a list of inputs"),
    (dict(y=[1.0, "a"]), TypeError, "targets[1]"),
    (dict(loss="bogus"), ValueError, "unknown loss 'bogus'"),
    (dict(loss="cross_entropy"), ValueError, "out of range"),
    (dict(loss="hinge", y=[1.0, 0.5]), ValueError, "targets[1] = 0.5"),
    (dict(epochs=0), ValueError, "fit: epochs must be at least 1"),
    (dict(epochs=2.0), TypeError, "fit: epochs must be an int"),
    (dict(lr=0.0), ValueError, "lr must be a positive finite number"),
    (dict(momentum=1.0), ValueError, "momentum must lie in [0, 1)"),
    (dict(tol=math.nan), ValueError, "fit: tol (None: no early stop) must be finite"),
    (dict(tol=-1.0), ValueError, "fit: tol (None: no early stop) must be >= 0.0"),
    (dict(batch_size=0), ValueError, "batch_size (None for the whole set) must be at least 1"),
    (dict(batch_size="2"), TypeError, "batch_size (None for the whole set) must be an int"),
    (dict(loss=lambda outputs, targets: 1.0), TypeError, "the loss must return a Value, got float"),
])
def test_fit_checks_everything_before_the_first_step(kwargs, error, words):
    model, before = fit_model()
    arguments = dict(X=[[0.5], [-0.5]], y=[1.0, -1.0], epochs=3, progress=False) | kwargs
    with pytest.raises(error, match=re.escape(words)):
        nn.fit(model, **arguments)
    assert [(p.data, p.grad) for p in model.parameters()] == before
