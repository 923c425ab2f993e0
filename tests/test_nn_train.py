"""nn.batches and nn.fit: batching, convergence on line and moons, tol, nan, progress, bad input."""

import gc
import math
import random

import pytest

import nn
from autograd import Value


def params(model):
    return [p.data for p in model.parameters()]


# --- batches ---


def test_full_batch_stochastic_and_mini_batch():
    X, y = [[i] for i in range(10)], list(range(10))
    (full,) = list(nn.batches(X, y, None, shuffle=False))
    assert full == (X, y)
    singles = list(nn.batches(X, y, 1, shuffle=False))
    assert [b[1] for b in singles] == [[i] for i in range(10)]
    minis = list(nn.batches(X, y, 4, shuffle=False))
    assert [b[1] for b in minis] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert len(list(nn.batches(X, y, 50))) == 1


def test_shuffle_keeps_pairs_together_covers_everything_and_follows_the_rng():
    X, y = [[i] for i in range(20)], [10 * i for i in range(20)]
    batches = list(nn.batches(X, y, 3, rng=random.Random(1)))
    seen = [label for _, labels in batches for label in labels]
    assert sorted(seen) == y and seen != y
    assert all(t == 10 * x[0] for Xb, yb in batches for x, t in zip(Xb, yb, strict=True))
    assert batches == list(nn.batches(X, y, 3, rng=random.Random(1)))
    assert batches != list(nn.batches(X, y, 3, rng=random.Random(2)))


@pytest.mark.parametrize("X, y, batch_size, error, message", [
    ([[1], [2]], [1], None, ValueError, "X has 2 samples but y has 1"),
    ([], [], None, ValueError, "empty"),
    ([[1]], [1], 0, ValueError, r"batch_size \(None for the whole set\) must be at least 1"),
    ([[1]], [1], -2, ValueError, r"batch_size \(None for the whole set\) must be at least 1"),
    ([[1]], [1], 2.0, TypeError, r"batch_size \(None for the whole set\) must be an int"),
    ("ab", [1, 2], None, TypeError, "X must be a list"),
])
def test_batches_bad_input_raises_at_the_call(X, y, batch_size, error, message):
    with pytest.raises(error, match=message):
        nn.batches(X, y, batch_size)  # not only when iterated


# --- fit ---


def test_fit_on_line_data_recovers_slope_and_intercept():
    X, y = nn.data.line(n=60, slope=2.0, intercept=1.0, noise=0.05, seed=0)
    model = nn.MLP(1, [1], init="zeros")
    history = nn.fit(model, X, y, loss="mse", lr=0.5, epochs=300, seed=0, progress=False)
    slope, intercept = params(model)
    assert slope == pytest.approx(2.0, abs=0.05)
    assert intercept == pytest.approx(1.0, abs=0.05)
    assert history.loss[-1] < 0.004 < history.loss[0]
    assert history.accuracy is None and history.epochs == 300


def test_fit_on_moons_reaches_high_accuracy():
    X, y = nn.data.moons(n=100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 2], activation="relu", seed=0)
    history = nn.fit(model, X, y, loss="cross_entropy", lr=0.1, momentum=0.9, batch_size=20, epochs=40,
                     seed=0, progress=False)
    predictions = [max(range(2), key=lambda k: model(x)[k].data) for x in X]
    accuracy = sum(p == t for p, t in zip(predictions, y, strict=True)) / len(y)
    assert accuracy >= 0.97
    assert history.accuracy[-1] >= 0.95 and history.accuracy[0] < history.accuracy[-1]
    assert history.loss[-1] < 0.1 * history.loss[0]


@pytest.mark.parametrize("loss, output_activation, targets", [
    ("binary_cross_entropy", "sigmoid", lambda y: y),
    ("binary_cross_entropy_with_logits", "linear", lambda y: y),
    ("hinge", "linear", lambda y: [2 * t - 1 for t in y]),
])
def test_fit_binary_classifiers_one_output_reach_high_accuracy(loss, output_activation, targets):
    X, y = nn.data.moons(n=60, noise=0.05, seed=1)
    model = nn.MLP(2, [12, 12, 1], activation="tanh", output_activation=output_activation, init="xavier",
                   seed=1)
    history = nn.fit(model, X, targets(y), loss=loss, lr=0.2, momentum=0.9, batch_size=10, epochs=40, seed=1,
                     progress=False)
    assert history.accuracy[-1] >= 0.9


def test_fit_is_deterministic_with_a_seed():
    X, y = nn.data.moons(n=30, seed=0)
    runs = []
    for _ in range(2):
        model = nn.MLP(2, [4, 2], seed=3)
        history = nn.fit(model, X, y, loss="cross_entropy", batch_size=7, epochs=3, seed=11, progress=False)
        runs.append((history.loss, params(model)))
    assert runs[0] == runs[1]
    other = nn.MLP(2, [4, 2], seed=3)
    assert nn.fit(other, X, y, loss="cross_entropy", batch_size=7, epochs=3, seed=12, progress=False).loss \
        != runs[0][0]


def test_full_batch_fit_equals_a_hand_written_loop():
    X, y = nn.data.line(n=10, seed=2)
    a, b = nn.MLP(1, [3, 1], activation="tanh", seed=4), nn.MLP(1, [3, 1], activation="tanh", seed=4)
    history = nn.fit(a, X, y, loss="mse", lr=0.1, momentum=0.5, epochs=5, shuffle=False, progress=False)
    opt = nn.SGD(b.parameters(), lr=0.1, momentum=0.5)
    losses = []
    for _ in range(5):
        loss = nn.losses.mse([b(x)[0] for x in X], y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.data)
    assert history.loss == losses
    assert params(a) == params(b)


def test_tol_stops_early():
    X, y = nn.data.line(n=20, noise=0.0, seed=0)
    model = nn.MLP(1, [1], init="zeros")
    history = nn.fit(model, X, y, lr=0.5, epochs=1000, tol=1e-10, progress=False)
    assert history.stopped_early and 2 <= history.epochs < 1000
    assert abs(history.loss[-1] - history.loss[-2]) < 1e-10
    assert "stopped early" in repr(history)


def test_a_callable_loss_gets_values_for_one_output_and_lists_otherwise():
    seen = []

    def loss(outputs, targets):
        seen.append(Value if isinstance(outputs[0], Value)
                    else list if isinstance(outputs[0], list) else None)
        return nn.losses.mse(outputs, targets)

    X = [[0.0, 1.0], [1.0, 0.0]]
    nn.fit(nn.MLP(2, [1], seed=0), X, [0.0, 1.0], loss=loss, epochs=1, progress=False)
    nn.fit(nn.MLP(2, [2], seed=0), X, [[0.0, 1.0], [1.0, 0.0]], loss=loss, epochs=1, progress=False)
    assert seen == [Value, list]


def test_diverging_training_raises_naming_the_epoch_and_suggesting_a_smaller_lr():
    X, y = nn.data.line(n=20, seed=0)
    X = [[100.0 * x[0]] for x in X]
    model = nn.MLP(1, [1], seed=0)
    with pytest.raises(FloatingPointError, match=r"epoch \d+.*smaller learning rate"):
        nn.fit(model, X, y, lr=1.0, momentum=0.9, epochs=200, progress=False)


def test_progress_bar_shows_the_loss(capsys):
    X, y = nn.data.line(n=10, seed=0)
    nn.fit(nn.MLP(1, [1], seed=0), X, y, epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err and "loss=" in err
    nn.fit(nn.MLP(1, [1], seed=0), X, y, epochs=3, progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("enabled", [True, False])
def test_fit_restores_the_garbage_collector(enabled):
    X, y = nn.data.line(n=5, seed=0)
    (gc.enable if enabled else gc.disable)()
    try:
        nn.fit(nn.MLP(1, [1], seed=0), X, y, epochs=2, progress=False)
        assert gc.isenabled() is enabled
        with pytest.raises(FloatingPointError):
            nn.fit(nn.MLP(1, [1], seed=0), [[1e200]], [0.0], epochs=2, progress=False)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


@pytest.mark.parametrize("kwargs, error, message", [
    ({"y": [0, 1, 2]}, ValueError, "X has 4 samples but y has 3"),
    ({"X": [], "y": []}, ValueError, "empty"),
    ({"loss": "cross_entropi"}, ValueError, "unknown loss 'cross_entropi'.*'mse'.*'cross_entropy'"),
    ({"loss": "cross_entropy", "y": [0, 1, 2, 1]}, ValueError,
     r"targets\[2\] = 2 is out of range for 2 classes"),
    ({"loss": "cross_entropy", "y": [0, 1, 0.5, 1]}, ValueError, "class index"),
    ({"lr": 0.0}, ValueError, "lr must be a positive"),
    ({"lr": -1}, ValueError, "lr must be a positive"),
    ({"momentum": 1.0}, ValueError, "momentum"),
    ({"epochs": 0}, ValueError, "fit: epochs must be at least 1, got 0"),
    ({"tol": -1.0}, ValueError, "tol"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"X": [[0.0, 1.0], [1.0], [0.0, 0.0], [1.0, 1.0]]}, ValueError, r"expected 2 inputs, got 1 in X\[1\]"),
    ({"X": [[0.0, 1.0], [1.0, "a"], [0.0, 0.0], [1.0, 1.0]]}, TypeError, r"X\[1\]"),
])
def test_fit_bad_input_changes_nothing(kwargs, error, message):
    model = nn.MLP(2, [3, 2], seed=0)
    before = params(model)
    arguments = {"X": [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [1.0, 1.0]], "y": [[1.0, 0.0]] * 4, "loss": "mse",
                 "batch_size": 1, "epochs": 2, "progress": False, **kwargs}
    with pytest.raises(error, match=message):
        nn.fit(model, **arguments)
    assert params(model) == before and all(p.grad == 0.0 for p in model.parameters())


def test_a_bad_target_late_in_the_data_is_found_before_the_first_step():
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=0)
    before = params(model)
    X = [[0.0, 1.0]] * 10
    with pytest.raises(ValueError, match=r"targets\[9\]"):
        nn.fit(model, X, [1] * 9 + [2], loss="binary_cross_entropy", batch_size=1, shuffle=False,
               progress=False)
    assert params(model) == before


def test_history_repr():
    history = nn.History(classification=True)
    assert repr(history) == "History(0 epochs)"
    history.loss += [1.0, 0.5]
    history.accuracy += [0.5, 0.75]
    assert repr(history) == "History(2 epochs, loss 1 -> 0.5, accuracy 0.750)"
    assert len(history) == 2 and not math.isnan(history.loss[-1])


def test_accuracy_counts_right_predictions_for_each_classification_loss():
    from nn.train import _correct

    assert _correct("cross_entropy", [[Value(0.1), Value(2.0)], [Value(3.0), Value(-1.0)]], [1, 1]) == 1
    assert _correct("cross_entropy", [Value(0.3)], [Value(0.0)]) == 1  # one class: always class 0
    assert _correct("binary_cross_entropy", [Value(0.7), Value(0.4), Value(0.2)], [1, 1, 0]) == 2
    assert _correct("binary_cross_entropy_with_logits", [Value(0.3), Value(-0.4)], [1, 1]) == 1
    assert _correct("hinge", [Value(0.3), Value(-0.4), Value(-2.0)], [1, -1, 0]) == 3


@pytest.mark.parametrize("batch_size, steps_per_epoch", [(None, 1), (1, 10), (4, 3), (10, 1), (25, 1)])
def test_one_step_per_batch(batch_size, steps_per_epoch):
    sizes = []

    def loss(outputs, targets):
        sizes.append(len(outputs))
        return nn.losses.mse(outputs, targets)

    X, y = nn.data.line(n=10, seed=0)
    history = nn.fit(nn.MLP(1, [1], seed=0), X, y, loss=loss, batch_size=batch_size, epochs=2, progress=False)
    assert len(sizes) == 2 * steps_per_epoch and sum(sizes) == 20
    assert history.epochs == 2


def test_stochastic_gradient_descent_fits_the_line():
    X, y = nn.data.line(n=40, slope=-1.5, intercept=0.5, noise=0.02, seed=3)
    model = nn.MLP(1, [1], init="zeros")
    nn.fit(model, X, y, lr=0.05, batch_size=1, epochs=60, seed=0, progress=False)
    assert params(model) == pytest.approx([-1.5, 0.5], abs=0.05)


def test_predict_and_accuracy_record_no_graph_and_read_outputs_as_the_loss_does():
    model = nn.MLP(2, [4, 2], seed=0)
    X = [[0.0, 1.0], [1.0, -1.0], [0.5, 0.5]]
    outputs = nn.predict(model, X)
    assert outputs == [[v.data for v in model(x)] for x in X]
    assert all(type(v) is float for row in outputs for v in row)
    labels = [max(range(2), key=row.__getitem__) for row in outputs]
    assert nn.accuracy(model, X, labels, "cross_entropy") == 1.0
    assert nn.accuracy(model, X, [1 - c for c in labels], "cross_entropy") == 0.0
    one = nn.MLP(2, [1], seed=0)
    scores = [row[0] for row in nn.predict(one, X)]
    assert nn.accuracy(one, X, [1 if s >= 0 else 0 for s in scores], "hinge") == 1.0
    with pytest.raises(ValueError, match="mse"):
        nn.accuracy(one, X, [0, 1, 0], "mse")
    with pytest.raises(ValueError):
        nn.accuracy(one, X, [0, 1], "hinge")


def test_divergence_carries_the_epoch_and_the_history_so_far():
    X, y = nn.data.line(n=20, seed=0)
    X = [[100.0 * x[0]] for x in X]
    model = nn.MLP(1, [1], seed=0)
    with pytest.raises(nn.TrainingDiverged) as info:
        nn.fit(model, X, y, lr=1.0, momentum=0.9, epochs=200, progress=False)
    error = info.value
    assert isinstance(error, FloatingPointError)
    assert error.epoch > 1 and not math.isfinite(error.loss) and error.lr == 1.0
    assert len(error.history.loss) == error.epoch - 1
    assert f"epoch {error.epoch}" in str(error) and "smaller learning rate" in str(error)


def test_fit_names_its_progress_bar(capsys):
    X, y = nn.data.line(n=10, seed=0)
    nn.fit(nn.MLP(1, [1], seed=0), X, y, epochs=2, progress=True, desc="line fit")
    assert "line fit" in capsys.readouterr().err
    with pytest.raises(TypeError, match="desc"):
        nn.fit(nn.MLP(1, [1], seed=0), X, y, epochs=2, desc=3)


def test_layer_outputs_are_every_layers_values_with_the_graph_kept():
    model = nn.MLP(2, [3, 4, 1], activation="tanh", seed=0)
    layers = model.layer_outputs([0.5, -0.5])
    assert [len(values) for values in layers] == [3, 4, 1]
    assert layers[-1][0].data == model([0.5, -0.5])[0].data
    layers[-1][0].backward()
    assert any(p.grad != 0.0 for p in model.parameters())
