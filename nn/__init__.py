"""chainrule's nn: neurons, layers, MLPs, initialisers, losses, optimisers and training on top of autograd.

    >>> import nn
    >>> X, y = nn.data.moons(n=100, noise=0.1, seed=0)
    >>> model = nn.MLP(2, [16, 16, 2], activation="relu", seed=0)
    >>> history = nn.fit(model, X, y, loss="cross_entropy", lr=0.1, momentum=0.9, epochs=50,
    ...                  batch_size=20, seed=0, progress=False)
    >>> history.accuracy[-1] > 0.95
    True

Submodules: ``nn.init`` (initialisers), ``nn.losses``, ``nn.optim`` (SGD, Adam, AdamW, RMSprop,
Adagrad, clip_grad_norm, the lr schedules), ``nn.data`` (toy data sets); ``nn.fit``/``nn.batches``
train, ``nn.diagnose`` checks a network before training, ``nn.save``/``nn.load`` persist.
"""

from autograd import modes as _modes

from . import data, init, losses, optim
from .diagnose import Finding, Report, diagnose
from .io import load, save
from .losses import log_softmax, softmax
from .module import MLP, Layer, Module, Neuron
from .optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop
from .torch_bridge import from_torch, to_torch  # torch itself is imported only when they are called
from .train import History, TrainingDiverged, accuracy, batches, fit, predict

_modes.hide_frames_of(__file__)  # detect_anomaly names the line of your code, not of nn's

__all__ = [
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "softmax",
    "log_softmax",
    "SGD",
    "Optimizer",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "fit",
    "batches",
    "History",
    "TrainingDiverged",
    "predict",
    "diagnose",
    "Finding",
    "Report",
    "accuracy",
    "save",
    "load",
    "to_torch",
    "from_torch",
    "init",
    "losses",
    "optim",
    "data",
]
