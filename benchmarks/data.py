"""Deterministic data for the workloads, in pure Python (no numpy, no sklearn)."""

from __future__ import annotations

import math
import random


def moons(n: int = 100, noise: float = 0.1, seed: int = 1337) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles, as sklearn's make_moons: X (n x 2) and y in {-1.0, +1.0}.

    outer moon: (cos t, sin t), inner moon: (1 - cos t, 0.5 - sin t), t evenly in [0, pi],
    plus Gaussian noise of standard deviation ``noise``; labels -1 (outer) and +1 (inner),
    as micrograd's demo uses them for its hinge loss.
    """
    rng = random.Random(seed)
    n_outer = n // 2
    n_inner = n - n_outer
    points: list[list[float]] = []
    labels: list[float] = []
    for count, label in ((n_outer, -1.0), (n_inner, 1.0)):
        for i in range(count):
            t = math.pi * i / (count - 1) if count > 1 else 0.0
            if label < 0:
                x, y = math.cos(t), math.sin(t)
            else:
                x, y = 1.0 - math.cos(t), 0.5 - math.sin(t)
            points.append([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)])
            labels.append(label)
    order = list(range(n))
    rng.shuffle(order)
    return [points[i] for i in order], [labels[i] for i in order]


def mlp_weights(sizes: list[int], seed: int = 1337) -> list[list[list[float]]]:
    """Initial weights of an MLP, micrograd-style: w ~ U(-1, 1), bias 0.

    One matrix per layer, one row per neuron: [w_1, ..., w_nin, b].
    """
    rng = random.Random(seed)
    layers = []
    for nin, nout in zip(sizes[:-1], sizes[1:]):
        layers.append([[rng.uniform(-1.0, 1.0) for _ in range(nin)] + [0.0] for _ in range(nout)])
    return layers


def flat(layers: list[list[list[float]]]) -> list[float]:
    """The parameters in micrograd's (and nn's) order: layer by layer, neuron by neuron, weights then bias."""
    return [p for layer in layers for row in layer for p in row]
