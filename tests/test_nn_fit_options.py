"""nn.fit's round-2 options: optimizer=, weight_decay=, validation=, callbacks=, patience=, the bar and
summary."""

import sys
import types
import warnings

import pytest

import nn
from nn import train


def params(model):
    return [p.data for p in model.parameters()]


def hand_loop(model, X, y, optimiser, epochs):
    """Full-batch training written out: the losses per epoch."""
    losses = []
    for _ in range(epochs):
        loss = nn.losses.mse([model(x)[0] for x in X], y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.data)
    return losses


@pytest.mark.parametrize("name, make", [
    ("sgd", lambda p: nn.SGD(p, lr=0.05, momentum=0.5, weight_decay=0.01)),
    ("adam", lambda p: nn.Adam(p, lr=0.05, weight_decay=0.01)),
    ("adamw", lambda p: nn.AdamW(p, lr=0.05, weight_decay=0.01)),
    ("rmsprop", lambda p: nn.RMSprop(p, lr=0.05, momentum=0.5, weight_decay=0.01)),
    ("adagrad", lambda p: nn.Adagrad(p, lr=0.05, weight_decay=0.01)),
])
def test_each_named_optimizer_is_the_nn_optim_class(name, make):
    X, y = nn.data.line(n=12, seed=1)
    a, b = nn.MLP(1, [4, 1], activation="tanh", seed=2), nn.MLP(1, [4, 1], activation="tanh", seed=2)
    momentum = 0.5 if name in ("sgd", "rmsprop") else 0.0
    history = nn.fit(a, X, y, optimizer=name, lr=0.05, momentum=momentum, weight_decay=0.01, epochs=6,
                     shuffle=False, progress=False)
    assert history.loss == hand_loop(b, X, y, make(b.parameters()), 6)
    assert params(a) == params(b)


def test_an_optimizer_instance_is_used_as_given():
    X, y = nn.data.line(n=12, seed=1)
    model = nn.MLP(1, [1], seed=0)
    opt = nn.Adam(model.parameters(), lr=0.1)
    nn.fit(model, X, y, optimizer=opt, epochs=4, batch_size=3, progress=False)
    assert opt.steps == 16  # 4 batches per epoch, 4 epochs


def test_adam_trains_faster_than_sgd_at_its_usual_rate_on_moons():
    X, y = nn.data.moons(n=60, noise=0.1, seed=0)
    runs = {}
    for name, lr in (("sgd", 0.01), ("adam", 0.01)):
        model = nn.MLP(2, [8, 2], activation="relu", seed=0)
        runs[name] = nn.fit(model, X, y, loss="cross_entropy", optimizer=name, lr=lr, epochs=30, seed=0,
                            progress=False).loss[-1]
    assert runs["adam"] < 0.8 * runs["sgd"]


def test_weight_decay_keeps_the_weights_smaller():
    X, y = nn.data.line(n=20, slope=3.0, seed=0)
    sizes = {}
    for decay in (0.0, 0.5):
        model = nn.MLP(1, [1], seed=0)
        nn.fit(model, X, y, lr=0.1, weight_decay=decay, epochs=100, progress=False)
        sizes[decay] = abs(model.parameters()[0].data)
    assert sizes[0.5] < 0.8 * sizes[0.0]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"optimizer": "adamm"}, ValueError, "unknown optimizer.*'adamm'.*'sgd'.*'adagrad'"),
    ({"optimizer": "adam", "momentum": 0.9}, ValueError, "momentum= is for 'sgd' and 'rmsprop'"),
    ({"optimizer": "adam", "lr": -1.0}, ValueError, "Adam: lr must be a positive"),
    ({"weight_decay": -0.1}, ValueError, "fit: weight_decay must be >= 0"),
    ({"validation": [[0.0]]}, TypeError, r"validation must be a pair \(X_val, y_val\)"),
    ({"validation": ([[0.0], [1.0]], [0.0])}, ValueError, "X has 2 samples but y has 1"),
    ({"validation": ([[0.0, 1.0]], [0.0])}, ValueError, r"expected 1 inputs, got 2 in X\[0\]"),
    ({"callbacks": [print, 3]}, TypeError, r"callbacks\[1\] is a int"),
    ({"patience": 3}, ValueError, "patience= watches the validation loss"),
    ({"patience": 0, "validation": ([[0.0]], [0.0])}, ValueError, "patience.*must be at least 1"),
])
def test_bad_options_are_refused_before_any_step(kwargs, error, message):
    model = nn.MLP(1, [1], seed=0)
    before = params(model)
    with pytest.raises(error, match=message):
        nn.fit(model, [[0.0], [1.0]], [0.0, 1.0], epochs=2, progress=False, **kwargs)
    assert params(model) == before


def test_an_instance_over_other_parameters_or_with_fit_s_momentum_is_refused():
    model = nn.MLP(1, [1], seed=0)
    with pytest.raises(ValueError, match="other parameters than the model's"):
        nn.fit(model, [[0.0]], [0.0], optimizer=nn.Adam(nn.MLP(1, [1]).parameters()), progress=False)
    with pytest.raises(ValueError, match="give them to the Optimizer instance"):
        nn.fit(model, [[0.0]], [0.0], optimizer=nn.Adam(model.parameters()), momentum=0.9, progress=False)


def test_validation_loss_and_accuracy_are_measured_after_each_epoch():
    X, y = nn.data.moons(n=40, noise=0.1, seed=0)
    X_val, y_val = nn.data.moons(n=30, noise=0.1, seed=1)
    model = nn.MLP(2, [8, 2], seed=0)
    history = nn.fit(model, X, y, loss="cross_entropy", lr=0.1, momentum=0.9, epochs=5, seed=0,
                     validation=(X_val, y_val), progress=False)
    assert len(history.val_loss) == len(history.val_accuracy) == 5
    final = nn.losses.cross_entropy([model(x) for x in X_val], y_val).data
    assert history.val_loss[-1] == pytest.approx(final, abs=1e-12)
    assert history.val_accuracy[-1] == nn.accuracy(model, X_val, y_val, "cross_entropy")
    assert history.val_loss[-1] < history.val_loss[0]
    assert history.best_epoch == 1 + min(range(5), key=history.val_loss.__getitem__)
    assert "val loss" in repr(history) and "val accuracy" in repr(history)


def test_without_validation_the_lists_stay_empty_and_regression_has_no_accuracy():
    X, y = nn.data.line(n=10, seed=0)
    history = nn.fit(nn.MLP(1, [1], seed=0), X, y, epochs=2, progress=False)
    assert history.val_loss == [] and history.val_accuracy is None and history.best_epoch is None
    history = nn.fit(nn.MLP(1, [1], seed=0), X, y, epochs=2, validation=(X, y), progress=False)
    assert len(history.val_loss) == 2 and history.val_accuracy is None


def test_callbacks_run_after_every_epoch_with_the_history_so_far():
    X, y = nn.data.line(n=10, seed=0)
    model = nn.MLP(1, [1], seed=0)
    calls = []

    def record(epoch, history, given):
        calls.append((epoch, len(history.loss), len(history.val_loss), given is model, params(given)))

    nn.fit(model, X, y, epochs=3, validation=(X, y), callbacks=[record, record], progress=False)
    assert [c[:4] for c in calls] == [(1, 1, 1, True)] * 2 + [(2, 2, 2, True)] * 2 + [(3, 3, 3, True)] * 2
    assert calls[0][4] != calls[2][4]  # the model they see has stepped in between


def test_patience_stops_when_the_validation_loss_stops_improving():
    X, y = nn.data.line(n=20, slope=2.0, intercept=1.0, seed=0)
    opposite = [-target for target in y]  # fitting the training data moves away from these
    model = nn.MLP(1, [1], init="zeros")
    history = nn.fit(model, X, y, lr=0.1, epochs=100, validation=(X, opposite), patience=4, progress=False)
    best = history.best_epoch
    assert history.stopped_early and history.epochs == best + 4 < 100
    assert all(value >= history.val_loss[best - 1] for value in history.val_loss[best:])
    # and it does not stop while the validation loss keeps improving
    history = nn.fit(nn.MLP(1, [1], init="zeros"), X, y, lr=0.1, epochs=30, validation=(X, y), patience=2,
                     progress=False)
    assert history.epochs == 30 and not history.stopped_early


def test_a_summary_line_is_printed_when_progress_is_on(capsys):
    X, y = nn.data.moons(n=20, seed=0)
    history = nn.fit(nn.MLP(2, [2], seed=0), X, y, loss="cross_entropy", epochs=2, validation=(X, y),
                     desc="moons")
    out = capsys.readouterr().out
    assert out == f"moons: {history.summary()}\n"
    assert f"loss {history.loss[-1]:.4g}" in out and f"accuracy {history.accuracy[-1]:.3f}" in out
    assert f"val loss {history.val_loss[-1]:.4g}" in out and "2 epochs" in out
    nn.fit(nn.MLP(2, [2], seed=0), X, y, loss="cross_entropy", epochs=2, progress=False)
    assert capsys.readouterr().out == ""


class ZMQInteractiveShell:
    """Stands in for the Jupyter kernel's shell (its class name is what fit looks at)."""


def test_in_a_notebook_without_ipywidgets_the_text_bar_is_used_and_nothing_warns(monkeypatch, capsys):
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: ZMQInteractiveShell()
    monkeypatch.setitem(sys.modules, "IPython", fake)
    real_find_spec = train.importlib.util.find_spec
    monkeypatch.setattr(train.importlib.util, "find_spec",
                        lambda name, *a: None if name == "ipywidgets" else real_find_spec(name, *a))
    assert train._in_notebook()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a TqdmWarning ("IProgress not found") would fail here
        bar = train._progress_bar(3, True, "fit")
        bar.close()
        nn.fit(nn.MLP(1, [1], seed=0), [[0.0], [1.0]], [0.0, 1.0], epochs=2)
    assert type(bar).__module__ == "tqdm.std"
    assert "2 epochs" in capsys.readouterr().out


def test_a_kernel_shell_subclass_counts_as_a_notebook(monkeypatch):
    class Shell(ZMQInteractiveShell):  # as Colab's kernel shell
        pass

    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: Shell()
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert train._in_notebook()


class TerminalInteractiveShell:
    """Stands in for IPython in a terminal: no widgets there."""


def test_outside_a_notebook_the_text_bar_is_used(monkeypatch):
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: None  # a plain python that imported IPython
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert not train._in_notebook()
    fake.get_ipython = lambda: TerminalInteractiveShell()
    assert not train._in_notebook()
    bar = train._progress_bar(3, True, "fit")
    bar.close()
    assert type(bar).__module__ == "tqdm.std"
