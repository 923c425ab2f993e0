"""Training: mini-batches, the training loop ``fit``, and the ``History`` it returns.

One step of gradient descent is four lines, the whole recipe of training:

    loss = loss_function([model(x) for x in X_batch], y_batch)   # forward
    optimiser.zero_grad()                                         # backward ADDS, so clear first
    loss.backward()                                               # d loss / d every parameter
    optimiser.step()                                              # theta <- theta - lr * grad (or Adam's...)

``fit`` repeats it over the mini-batches of every epoch and records the mean loss.
"""

from __future__ import annotations

import importlib.util
import math
import random
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from autograd import Value, checks, no_grad

from . import losses
from .optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

__all__ = ["batches", "fit", "History"]


# --- mini-batches ---


def _check_data(X: Any, y: Any, who: str) -> tuple[list[Any], list[Any]]:
    """X and y as lists of equal, non-zero length."""
    for name, data in (("X", X), ("y", y)):
        if isinstance(data, (str, bytes, Value)) or not hasattr(data, "__iter__"):
            raise TypeError(f"{who}: {name} must be a list (one entry per sample), got {type(data).__name__}")
    X, y = list(X), list(y)
    if len(X) != len(y):
        raise ValueError(f"{who}: X has {len(X)} samples but y has {len(y)}; they must have the same length")
    if not X:
        raise ValueError(f"{who}: X and y are empty; give at least one sample")
    return X, y


def _check_batch_size(batch_size: Any, n: int) -> int:
    """None means the whole set (full-batch gradient descent)."""
    if batch_size is None:
        return n
    return checks.count(batch_size, "batch_size (None for the whole set)")


def batches(
    X: Sequence[Any], y: Sequence[Any], batch_size: int | None, shuffle: bool = True,
    rng: random.Random | None = None,
) -> Iterator[tuple[list[Any], list[Any]]]:
    """Yield (X_batch, y_batch) pairs covering every sample once per call.

    batch_size None: one batch of everything (full-batch gradient descent); 1: one sample
    at a time (stochastic); m: batches of m (mini-batch), the last one smaller if m does
    not divide the number of samples. shuffle draws a new order from rng (a
    random.Random; a fresh unseeded one if None). Arguments are checked at the call.
    """
    X, y = _check_data(X, y, "batches")
    size = _check_batch_size(batch_size, len(X))
    if rng is not None and not isinstance(rng, random.Random):
        raise TypeError(f"batches: rng must be a random.Random or None, got {type(rng).__name__}")
    order = list(range(len(X)))
    if shuffle:
        (rng if rng is not None else random.Random()).shuffle(order)
    return _batches(X, y, order, size)


def _batches(X: list[Any], y: list[Any], order: list[int],
             size: int) -> Iterator[tuple[list[Any], list[Any]]]:
    for start in range(0, len(order), size):
        chosen = order[start : start + size]
        yield [X[i] for i in chosen], [y[i] for i in chosen]


# --- the record of a run ---


class History:
    """What ``fit`` measured per epoch: training loss (and accuracy), validation loss (and accuracy).

    The training numbers are measured on each batch just before its step, averaged over the
    epoch's samples (as Keras and most course code report them); the validation numbers on the
    whole validation set after the epoch's last step. ``val_loss`` stays empty without
    ``validation=``; the accuracies are None for a loss that does not classify.
    """

    def __init__(self, classification: bool) -> None:
        self.loss: list[float] = []
        self.accuracy: list[float] | None = [] if classification else None
        self.val_loss: list[float] = []
        self.val_accuracy: list[float] | None = [] if classification else None
        self.stopped_early = False  # True when tol or patience ended training before the last epoch
        self.best_epoch: int | None = None  # with validation: the epoch of the lowest val_loss (1-based)

    @property
    def epochs(self) -> int:
        """The number of epochs run."""
        return len(self.loss)

    def __len__(self) -> int:
        return len(self.loss)

    def __repr__(self) -> str:
        if not self.loss:
            return "History(0 epochs)"
        text = f"History({self.epochs} epochs, loss {self.loss[0]:.4g} -> {self.loss[-1]:.4g}"
        if self.accuracy:
            text += f", accuracy {self.accuracy[-1]:.3f}"
        if self.val_loss:
            text += f", val loss {self.val_loss[-1]:.4g}"
        if self.val_accuracy:
            text += f", val accuracy {self.val_accuracy[-1]:.3f}"
        return text + (", stopped early)" if self.stopped_early else ")")

    def summary(self) -> str:
        """One line for the end of a run: epochs, final loss, accuracy, validation if any."""
        text = f"{self.epochs} epoch{'s' if self.epochs != 1 else ''}"
        text += f"{' (stopped early)' if self.stopped_early else ''}: loss {self.loss[-1]:.4g}"
        if self.accuracy:
            text += f", accuracy {self.accuracy[-1]:.3f}"
        if self.val_loss:
            text += f", val loss {self.val_loss[-1]:.4g}"
            if self.best_epoch is not None:
                text += f" (best {min(self.val_loss):.4g} in epoch {self.best_epoch})"
        if self.val_accuracy:
            text += f", val accuracy {self.val_accuracy[-1]:.3f}"
        return text


# --- checking fit's arguments before anything changes ---


def _resolve_loss(loss: Any) -> tuple[Callable[..., Value], str | None]:
    if callable(loss):
        return loss, None
    if isinstance(loss, str) and loss in losses.LOSSES:
        return losses.LOSSES[loss], loss
    known = ", ".join(repr(name) for name in losses.LOSSES)
    raise ValueError(f"unknown loss {loss!r}: use a callable (outputs, targets) -> Value or one of {known}")


def _output_count(model: Any, first: Any) -> int:
    """How many outputs the model gives (one forward pass without a graph if it does not say)."""
    if hasattr(model, "nouts"):
        return model.nouts[-1]
    if hasattr(model, "nout"):
        return model.nout
    with no_grad():
        out = model(first)
    return 1 if isinstance(out, Value) else len(out)


def _check_inputs(model: Any, X: list[Any]) -> None:
    """Every sample must be a list of model.nin numbers: found now, not mid-epoch."""
    nin = getattr(model, "nin", None)
    for i, x in enumerate(X):
        if isinstance(x, (str, bytes, Value)) or not hasattr(x, "__len__"):
            raise TypeError(f"fit: X[{i}] must be a list of inputs, got {type(x).__name__}: {x!r:.60}")
        if nin is not None and len(x) != nin:
            raise ValueError(f"fit: the model expected {nin} inputs, got {len(x)} in X[{i}]")
        for item in x:
            if not isinstance(item, Value) and not checks.is_real(item):
                raise TypeError(f"fit: X[{i}] holds {item!r:.60}; inputs must be numbers")


def _check_targets(loss_function: Callable[..., Value], y: list[Any], outputs: int) -> None:
    """Run the named loss once on neutral outputs (0.5 each): it checks every target."""
    neutral = 0.5 if outputs == 1 else [0.5] * outputs  # a probability, a logit, a score alike
    loss_function([neutral] * len(y), y)


def _check_settings(epochs: Any, tol: Any) -> None:
    checks.count(epochs, "fit: epochs")
    if tol is not None:
        checks.at_least(tol, 0.0, "fit: tol (None: no early stop)")


# --- the loop ---


def _single(out: Any) -> Any:
    """The model's output for the loss: the Value itself for one output, else the list."""
    if isinstance(out, Value):
        return out
    return out[0] if len(out) == 1 else out


def _predicted_class(scores: Any) -> int:
    """The index of the largest score (class 0 for a one-output model)."""
    if isinstance(scores, Value):
        return 0
    return max(range(len(scores)), key=lambda j: scores[j].data)


def _correct(name: str | None, outputs: list[Any], targets: list[Any]) -> float:
    """How many predictions of a classification loss are right (a sample of several binary
    outputs, multi-label, counts the fraction of its labels that are right, as Keras)."""
    pairs = zip(outputs, targets, strict=True)
    if name == "cross_entropy":
        return sum(_predicted_class(scores) == float(t) for scores, t in pairs)
    # a probability (threshold 0.5) or a logit/score (threshold 0); target 1 (or +1) is positive
    threshold = 0.5 if name == "binary_cross_entropy" else 0.0

    def right(out: Any, target: Any) -> bool:
        return (out.data >= threshold) == (float(target) >= 0.5)

    return sum(
        sum(map(right, out, t)) / len(out) if isinstance(out, list) else right(out, t) for out, t in pairs
    )


def _in_notebook() -> bool:
    """True inside a Jupyter (or VS Code) notebook kernel, where a widget bar can be drawn."""
    shell_module = sys.modules.get("IPython")
    if shell_module is None:  # a notebook kernel has always imported IPython already
        return False
    shell = shell_module.get_ipython()
    # Jupyter's and VS Code's kernels are a ZMQInteractiveShell; Colab's is a subclass of it
    return shell is not None and any(cls.__name__ == "ZMQInteractiveShell" for cls in type(shell).__mro__)


def _progress_bar(epochs: int, progress: bool, desc: str) -> Any:
    """tqdm's notebook widget only in a notebook kernel with ipywidgets installed, else the text bar
    (on stdout in a notebook).

    (tqdm.auto would pick the widget in any notebook and, without ipywidgets, print a
    TqdmWarning "IProgress not found" into the saved notebook.)
    """
    if not progress:
        return None
    if _in_notebook() and importlib.util.find_spec("ipywidgets") is not None:
        try:
            from tqdm.notebook import tqdm as notebook_tqdm

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return notebook_tqdm(total=epochs, desc=desc, unit="epoch")
        except ImportError:  # ipywidgets present but too old for tqdm: fall back to text
            pass
    from tqdm import tqdm

    # in a notebook the text bar goes to stdout: on stderr a notebook shows it as an error (red)
    return tqdm(total=epochs, desc=desc, unit="epoch", file=sys.stdout if _in_notebook() else None)


class TrainingDiverged(FloatingPointError):
    """fit's loss became nan or inf: ``epoch`` (1-based), ``loss``, ``lr`` and the ``history`` so far."""

    def __init__(self, epoch: int, loss: float, lr: float, history: History) -> None:
        super().__init__(
            f"fit: the loss became {loss} in epoch {epoch}; training diverged. "
            f"Try a smaller learning rate (lr={lr}) or check the inputs for nan/inf."
        )
        self.epoch, self.loss, self.lr, self.history = epoch, loss, lr, history


# name -> the nn.optim class fit builds, and whether it takes fit's momentum=
OPTIMIZERS: dict[str, tuple[type[Optimizer], bool]] = {
    "sgd": (SGD, True),
    "adam": (Adam, False),
    "adamw": (AdamW, False),
    "rmsprop": (RMSprop, True),
    "adagrad": (Adagrad, False),
}


def _make_optimizer(optimizer: Any, params: list[Value], lr: float, momentum: float,
                    weight_decay: float) -> Optimizer:
    """fit's optimizer= as an Optimizer: a name builds one from lr, momentum, weight_decay."""
    if isinstance(optimizer, Optimizer):
        if momentum != 0.0 or weight_decay != 0.0:
            raise ValueError("fit: momentum= and weight_decay= are for a named optimizer; "
                             "give them to the Optimizer instance instead")
        if {id(p) for p in optimizer.params} != {id(p) for p in params}:
            raise ValueError("fit: the optimizer steps other parameters than the model's; "
                             "build it with model.parameters()")
        return optimizer
    name = checks.choice(optimizer, OPTIMIZERS, "optimizer (or pass an nn.optim Optimizer)")
    optimizer_class, takes_momentum = OPTIMIZERS[name]
    checks.at_least(weight_decay, 0.0, "fit: weight_decay")
    if takes_momentum:
        return optimizer_class(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    if momentum != 0.0:
        raise ValueError(f"fit: momentum= is for 'sgd' and 'rmsprop'; {name!r} keeps its own (its betas)")
    return optimizer_class(params, lr=lr, weight_decay=weight_decay)


def _check_validation(validation: Any, model: Any, loss_function: Callable[..., Value],
                      loss_name: str | None) -> tuple[list[Any], list[Any]] | None:
    """validation=(X_val, y_val), checked as the training data is."""
    if validation is None:
        return None
    if isinstance(validation, (str, bytes)) or not hasattr(validation, "__len__") or len(validation) != 2:
        raise TypeError(f"fit: validation must be a pair (X_val, y_val), got {type(validation).__name__}")
    X_val, y_val = _check_data(validation[0], validation[1], "fit (validation)")
    _check_inputs(model, X_val)
    if loss_name is not None:
        _check_targets(loss_function, y_val, _output_count(model, X_val[0]))
    return X_val, y_val


def _check_callbacks(callbacks: Any) -> list[Callable[..., Any]]:
    callbacks = [] if callbacks is None else checks.sequence(callbacks, "fit: callbacks")
    for i, fn in enumerate(callbacks):
        if not callable(fn):
            raise TypeError(f"fit: callbacks[{i}] is a {type(fn).__name__}; "
                            "give functions fn(epoch, history, model)")
    return callbacks


def _check_patience(patience: Any, validation: Any) -> int | None:
    if patience is None:
        return None
    patience = checks.count(patience, "fit: patience (epochs without a better validation loss)")
    if validation is None:
        raise ValueError("fit: patience= watches the validation loss; give validation=(X_val, y_val) too")
    return patience


def fit(
    model: Any, X: Sequence[Any], y: Sequence[Any], loss: Any = "mse", lr: float = 0.1, momentum: float = 0.0,
    batch_size: int | None = None, epochs: int = 100, tol: float | None = None, shuffle: bool = True,
    seed: Any = None, progress: bool = True, desc: str = "fit", optimizer: Any = "sgd",
    weight_decay: float = 0.0, validation: tuple[Sequence[Any], Sequence[Any]] | None = None,
    callbacks: Sequence[Callable[[int, History, Any], Any]] | None = None, patience: int | None = None,
    diagnose: bool = False,
) -> History:
    """Train model on (X, y); return the History of the mean loss per epoch.

    loss: a name from nn.losses or a callable (outputs, targets) -> Value, where outputs
    holds one entry per sample: the output Value of a one-output model, else its list.
    optimizer: "sgd" (with momentum=), "adam", "adamw", "rmsprop" (with momentum=), "adagrad",
    each built with lr= and weight_decay=, or an nn.optim Optimizer over model.parameters() (its own lr).
    validation=(X_val, y_val) measures val_loss (and val_accuracy) after every epoch; each of
    callbacks is called as fn(epoch, history, model) after every epoch; patience=k stops when
    the validation loss has not improved for k epochs; tol stops when the training loss changes
    by less than tol. diagnose=True prints nn.diagnose's report before training. Raises
    TrainingDiverged (a FloatingPointError carrying the epoch and the history so far) when the
    loss becomes nan or inf. With progress on, a bar named ``desc``, then one summary line.
    Every argument is checked before the first step.
    """
    X, y = _check_data(X, y, "fit")
    loss_function, loss_name = _resolve_loss(loss)
    _check_settings(epochs, tol)
    _check_batch_size(batch_size, len(X))
    if not callable(getattr(model, "parameters", None)) or not callable(model):
        raise TypeError(f"fit: model must be an nn Module (Neuron, Layer, MLP), got {type(model).__name__}")
    optimiser = _make_optimizer(optimizer, model.parameters(), lr, momentum, weight_decay)
    _check_inputs(model, X)
    if loss_name is not None:
        _check_targets(loss_function, y, _output_count(model, X[0]))
    validation = _check_validation(validation, model, loss_function, loss_name)
    callbacks, patience = _check_callbacks(callbacks), _check_patience(patience, validation)
    if not isinstance(desc, str):
        raise TypeError(f"fit: desc (the progress bar's name) must be a str, got {type(desc).__name__}")
    if diagnose:
        from .diagnose import diagnose as diagnose_model

        print(diagnose_model(model, X, y, loss=loss, lr=optimiser.lr))
    history = History(loss_name in losses.CLASSIFICATION)
    run = _Run(model, X, y, loss_function, loss_name, optimiser, batch_size, shuffle, random.Random(seed))
    _train(run, history, epochs, tol, validation, callbacks, patience, _progress_bar(epochs, progress, desc))
    if progress:
        print(f"{desc}: {history.summary()}")
    return history


class _Run:
    """What every epoch of one fit reads: the model, data, loss, optimiser and batching."""

    def __init__(self, model: Any, X: list[Any], y: list[Any], loss_function: Callable[..., Value],
                 loss_name: str | None, optimiser: Optimizer, batch_size: int | None, shuffle: bool,
                 rng: random.Random) -> None:
        self.model, self.X, self.y = model, X, y
        self.loss_function, self.loss_name, self.optimiser = loss_function, loss_name, optimiser
        self.batch_size, self.shuffle, self.rng = batch_size, shuffle, rng


def _train(run: _Run, history: History, epochs: int, tol: float | None, validation: Any,
           callbacks: list[Callable[..., Any]], patience: int | None, bar: Any) -> None:
    """The epochs: train, validate, report, call back, and stop early (tol or patience)."""
    try:
        for epoch in range(1, epochs + 1):
            _epoch(run, epoch, history)
            if validation is not None:
                _validate(run, validation, history, epoch)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(_postfix(history))
            for fn in callbacks:
                fn(epoch, history, run.model)
            if _should_stop(history, epoch, tol, patience):
                history.stopped_early = epoch < epochs
                break
    finally:
        if bar is not None:
            bar.close()


def _postfix(history: History) -> dict[str, str]:
    shown = {"loss": f"{history.loss[-1]:.4g}"}
    if history.val_loss:
        shown["val_loss"] = f"{history.val_loss[-1]:.4g}"
    return shown


def _should_stop(history: History, epoch: int, tol: float | None, patience: int | None) -> bool:
    """tol: the training loss changed by less than tol; patience: no better val loss for k epochs."""
    if tol is not None and epoch > 1 and abs(history.loss[-2] - history.loss[-1]) < tol:
        return True
    return patience is not None and history.best_epoch is not None and epoch - history.best_epoch >= patience


def _epoch(run: _Run, epoch: int, history: History) -> None:
    """One pass over the data: forward, loss, zero_grad, backward, step for each batch."""
    loss_sum, correct = 0.0, 0
    for X_batch, y_batch in batches(run.X, run.y, run.batch_size, run.shuffle, run.rng):
        outputs = [_single(run.model(x)) for x in X_batch]
        batch_loss = run.loss_function(outputs, y_batch)
        if not isinstance(batch_loss, Value):
            raise TypeError(f"fit: the loss must return a Value, got {type(batch_loss).__name__}")
        if not math.isfinite(batch_loss.data):
            raise TrainingDiverged(epoch, batch_loss.data, run.optimiser.lr, history)
        if history.accuracy is not None:  # measured before the step changes the model
            correct += _correct(run.loss_name, outputs, y_batch)
        run.optimiser.zero_grad()
        batch_loss.backward()
        run.optimiser.step()
        loss_sum += batch_loss.data * len(X_batch)
    history.loss.append(loss_sum / len(run.X))
    if history.accuracy is not None:
        history.accuracy.append(correct / len(run.X))


def _validate(run: _Run, validation: tuple[list[Any], list[Any]], history: History, epoch: int) -> None:
    """The loss (and accuracy) on the validation set, recording no graph; remember the best epoch."""
    X_val, y_val = validation
    with no_grad():
        outputs = [_single(run.model(x)) for x in X_val]
        value = run.loss_function(outputs, y_val)
    value = value.data if isinstance(value, Value) else float(value)
    history.val_loss.append(value)
    if history.val_accuracy is not None:
        history.val_accuracy.append(_correct(run.loss_name, outputs, y_val) / len(X_val))
    if history.best_epoch is None or value < history.val_loss[history.best_epoch - 1]:
        history.best_epoch = epoch


def predict(model: Any, X: Sequence[Any]) -> list[list[float]]:
    """The model's outputs for each input row, as floats, recording no graph (under no_grad)."""
    X = list(X)
    with no_grad():
        return [[_as_float(out) for out in _as_list(model(x))] for x in X]


def accuracy(model: Any, X: Sequence[Any], y: Sequence[Any], loss: str) -> float:
    """The fraction of samples classified right, reading the outputs as the loss does.

    "cross_entropy": the class with the largest output; "binary_cross_entropy": a
    probability, class 1 when >= 0.5; "binary_cross_entropy_with_logits" and "hinge": a
    score, class 1 (or +1) when >= 0.
    """
    X, y = _check_data(X, y, "accuracy")
    if loss not in losses.CLASSIFICATION:
        raise ValueError(f"accuracy: loss must be one of {sorted(losses.CLASSIFICATION)}, got {loss!r}")
    with no_grad():
        outputs = [_single(model(x)) for x in X]
    return _correct(loss, outputs, y) / len(X)


def _as_list(out: Any) -> list[Any]:
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _as_float(out: Any) -> float:
    return out.data if isinstance(out, Value) else float(out)
