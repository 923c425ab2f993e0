"""``nn.diagnose``: the sanity checks a teacher does by hand before training, measured and explained.

Karpathy's "babysitting the learning process" and CS231n's sanity checks, on one forward and
one backward pass over (X, y), without changing the model or any ``.grad``:

    loss at init      ~ the chance value: ln C for cross-entropy over C classes, ln 2 for a
                      binary cross-entropy, mean(y^2) for mse (outputs near 0). Much higher:
                      the outputs (logits) start too large and confidently wrong.
    dead ReLUs        a ReLU unit whose input is <= 0 for EVERY sample outputs 0 and passes
                      gradient 0: it never learns again.
    saturated units   tanh(u) near +-1 (sigmoid near 0 or 1) has local derivative 1 - tanh^2
                      near 0, so almost no gradient flows back through it.
    gradient norm     ||d loss / d theta|| of each layer; by the chain rule each layer's gradient
                      is the next one's times local derivatives, so it can shrink (vanishing) or
                      grow (exploding) from the last layer to the first.
    update / weight   ||lr * g|| / ||theta|| per layer: the fraction of its weights one SGD step
                      rewrites. About 1e-3 in large nets (Karpathy); far above, training is unstable;
                      far below, it crawls.

    report = nn.diagnose(model, X, y, loss="cross_entropy", lr=0.1)
    print(report)            # one line per check; advice for each that failed
    report.findings          # list of Finding(name, ok, measured, expected, advice)
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value, checks, grad

from .module import MLP, Layer, Neuron
from .train import _check_data, _check_inputs, _check_targets, _resolve_loss, _single

__all__ = ["Finding", "Report", "diagnose"]

DEAD_SHARE = 0.25  # up to a quarter of the ReLUs dead is common after He init; more is a problem
SATURATED_SHARE = 0.10  # share of tanh/sigmoid outputs in the flat tails
SATURATED_SLOPE = 0.02  # local derivative below this counts as saturated (|tanh| > 0.99)
GRADIENT_RATIO = 100.0  # a layer's gradient norm within 1/100 .. 100 times the last layer's
UPDATE_RATIO = (1e-4, 0.3)  # healthy band of ||lr g|| / ||theta|| for the small nets of this package
# the advice aims here: the band's geometric middle
UPDATE_TARGET = math.sqrt(UPDATE_RATIO[0] * UPDATE_RATIO[1])
NO_GRADIENT = 1e-8  # a gradient norm below this is read as no gradient at all
INIT_LOSS_FACTOR = 2.0  # the loss at init may be up to twice its chance value


@dataclass(frozen=True)
class Finding:
    """One check: its name, whether it passed, the number measured, what was expected, what to do."""

    name: str
    ok: bool
    measured: float
    expected: str
    advice: str

    def __str__(self) -> str:
        line = (f"{'ok  ' if self.ok else 'FAIL'}  {self.name:<24} {self.measured:<10.4g} "
                f"expected {self.expected}")
        return line if self.ok else f"{line}\n      -> {self.advice}"


class Report:
    """What ``diagnose`` found: ``findings``, ``ok`` (all passed), ``failed``; printable and
    notebook-ready."""

    def __init__(self, findings: list[Finding], title: str, lr: float | None = None) -> None:
        self.findings = findings
        self.title = title
        self.lr = lr  # the learning rate the update/weight ratios were computed for

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(finding.ok for finding in self.findings)

    @property
    def failed(self) -> list[Finding]:
        """The findings that did not pass."""
        return [finding for finding in self.findings if not finding.ok]

    @property
    def suggested_lr(self) -> float | None:
        """The lr that centres the layers' update/weight ratios in the healthy band, when one is off
        (else None).

        The ratio is linear in lr, so lr_new = lr * target / sqrt(r_min * r_max) moves the geometric
        middle of the smallest and largest ratio onto the band's middle, target = sqrt(low * high).
        None too when some layer gets no gradient (no lr helps there).
        """
        findings = [f for f in self.findings if f.name.startswith("update/weight")]
        if self.lr is None or all(f.ok for f in findings):
            return None
        ratios = [f.measured for f in findings]
        if not all(0 < ratio < math.inf for ratio in ratios):
            return None
        return self.lr * UPDATE_TARGET / math.sqrt(min(ratios) * max(ratios))

    def __getitem__(self, name: str) -> Finding:
        for finding in self.findings:
            if finding.name == name:
                return finding
        raise KeyError(f"no finding named {name!r}; the names are {[f.name for f in self.findings]}")

    def __contains__(self, name: object) -> bool:
        return any(finding.name == name for finding in self.findings)

    def _headline(self) -> str:
        verdict = ("all checks passed" if self.ok
                   else f"{len(self.failed)} of {len(self.findings)} checks failed")
        return f"nn.diagnose: {verdict} ({self.title})"

    def __str__(self) -> str:
        return "\n".join([self._headline(), *(f"  {finding}" for finding in self.findings)])

    def __repr__(self) -> str:
        return f"<Report: {self._headline()}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr style='background:{'#ecfdf5' if f.ok else '#fef2f2'}'>"
            f"<td>{'ok' if f.ok else '<b>FAIL</b>'}</td>"
            f"<td>{html.escape(f.name)}</td><td>{f.measured:.4g}</td><td>{html.escape(f.expected)}</td>"
            f"<td>{'' if f.ok else html.escape(f.advice)}</td></tr>"
            for f in self.findings
        )
        head = "<tr><th></th><th>check</th><th>measured</th><th>expected</th><th>advice</th></tr>"
        return f"<div><p><b>{html.escape(self._headline())}</b></p><table>{head}{rows}</table></div>"


# --- reading the model layer by layer ---


def _layers(model: Any) -> list[Any]:
    """The layers of an MLP, or the Layer or Neuron itself as one layer."""
    if isinstance(model, MLP):
        return model.layers
    if isinstance(model, (Layer, Neuron)):
        return [model]
    raise TypeError(f"diagnose: model must be an nn MLP, Layer or Neuron, got {type(model).__name__}")


def _layer_outputs(model: Any, x: Any) -> list[list[Value]]:
    """Every layer's outputs for input x (the graph kept, so backward reaches the weights)."""
    if isinstance(model, MLP):
        return model.layer_outputs(x)
    out = model(x)
    return [[out] if isinstance(out, Value) else list(out)]


def _norm(numbers: Sequence[float]) -> float:
    """sqrt(sum of squares)."""
    return math.sqrt(sum(number * number for number in numbers))


# --- the checks, one function each ---


def _chance_loss(loss_name: str | None, y: list[Any], outputs: int) -> tuple[float, str] | None:
    """The loss of an untrained, uncommitted model (None for a loss without one)."""
    if loss_name == "cross_entropy":
        return math.log(outputs), f"ln {outputs} = {math.log(outputs):.4g}, uniform over {outputs} classes"
    if loss_name in ("binary_cross_entropy", "binary_cross_entropy_with_logits"):
        return math.log(2), f"ln 2 = {math.log(2):.4g}, every probability 0.5"
    if loss_name == "hinge":
        return 1.0, "1, every score 0"
    flat = [float(t) for target in y for t in (target if isinstance(target, (list, tuple)) else [target])]
    if loss_name == "mse":
        value = sum(t * t for t in flat) / len(flat)
        return value, f"mean(y^2) = {value:.4g}, outputs near 0"
    if loss_name == "mae":
        value = sum(abs(t) for t in flat) / len(flat)
        return value, f"mean|y| = {value:.4g}, outputs near 0"
    return None


def _check_init_loss(loss_value: float, loss_name: str | None, y: list[Any], outputs: int) -> list[Finding]:
    chance = _chance_loss(loss_name, y, outputs)
    if chance is None:
        return []
    value, text = chance
    ok = math.isfinite(loss_value) and loss_value <= INIT_LOSS_FACTOR * value + 1e-12
    advice = ("the outputs start too large and confidently wrong: scale the last layer's weights down "
              "(e.g. times 0.1, or init='xavier'/'lecun' for it) and its biases to 0")
    return [Finding("loss at init", ok, loss_value, f"<= {INIT_LOSS_FACTOR:g} x chance ({text})", advice)]


def _check_dead_relus(layers: list[Any], activations: list[list[list[Value]]]) -> list[Finding]:
    """Share of hidden ReLU units that output 0 for every sample."""
    dead = total = 0
    for k, layer in enumerate(layers[:-1] if len(layers) > 1 else layers):
        if layer.activation != "relu":
            continue
        for j in range(len(activations[0][k])):
            total += 1
            dead += all(sample[k][j].data <= 0.0 for sample in activations)
    if total == 0:
        return []
    advice = ("most ReLUs never fire, so no gradient reaches their weights: use init='he' with zero biases, "
              "a smaller lr (a too-large step kills them), or activation='leaky_relu'")
    return [Finding("dead ReLUs", dead / total < DEAD_SHARE, dead / total,
                    f"under {DEAD_SHARE:.0%} of the {total} ReLU units never active on X", advice)]


def _slope(activation: str, out: float) -> float | None:
    """The local derivative of tanh or sigmoid from its output (None for other activations)."""
    if activation == "tanh":
        return 1 - out * out
    if activation == "sigmoid":
        return out * (1 - out)
    return None


def _check_saturation(layers: list[Any], activations: list[list[list[Value]]]) -> list[Finding]:
    """Share of hidden tanh/sigmoid outputs whose local derivative is below SATURATED_SLOPE."""
    flat = total = 0
    for k, layer in enumerate(layers[:-1] if len(layers) > 1 else layers):
        for sample in activations:
            for out in sample[k]:
                slope = _slope(layer.activation, out.data)
                if slope is not None:
                    total += 1
                    flat += slope < SATURATED_SLOPE
    if total == 0:
        return []
    advice = ("the tanh/sigmoid units sit in their flat tails (derivative ~0), so gradients vanish: "
              "use init='xavier' or 'lecun' (smaller weights) and scale the inputs to about [-1, 1]")
    return [Finding("saturated units", flat / total < SATURATED_SHARE, flat / total,
                    f"under {SATURATED_SHARE:.0%} of tanh/sigmoid outputs with slope < {SATURATED_SLOPE}",
                    advice)]


def _layer_gradients(layers: list[Any], gradients: list[float]) -> list[tuple[list[float], list[float]]]:
    """Per layer: (its parameters' values, their gradients), in parameters() order."""
    per_layer, start = [], 0
    for layer in layers:
        values = [p.data for p in layer.parameters()]
        per_layer.append((values, gradients[start : start + len(values)]))
        start += len(values)
    return per_layer


def _check_gradient_norms(per_layer: list[tuple[list[float], list[float]]]) -> list[Finding]:
    """Each layer's gradient norm against the last layer's: within 1/100 .. 100 times."""
    norms = [_norm(layer_gradients) for _, layer_gradients in per_layer]
    last = norms[-1]
    findings = []
    for k, norm in enumerate(norms, start=1):
        if k == len(norms):
            ok, expected = math.isfinite(norm) and norm > NO_GRADIENT, f"> {NO_GRADIENT:g} and finite"
        else:
            ratio = norm / last if last > NO_GRADIENT else math.inf
            ok = math.isfinite(norm) and 1 / GRADIENT_RATIO <= ratio <= GRADIENT_RATIO
            expected = f"within 1/{GRADIENT_RATIO:g} .. {GRADIENT_RATIO:g} x the last layer's ({last:.3g})"
        if not math.isfinite(norm) or (k < len(norms) and norm > GRADIENT_RATIO * last > 0):
            advice = ("exploding gradients: lower the lr, use a smaller init, or clip "
                      "(nn.optim.clip_grad_norm)")
        elif k == len(norms):
            advice = ("no gradient reaches the last layer: look for dead units, saturated outputs "
                      "or wrong targets")
        else:
            advice = ("vanishing gradients: this layer learns far slower than the last; look for dead "
                      "ReLUs or saturated tanh, use init='he' for ReLU / 'xavier' for tanh, or fewer layers")
        findings.append(Finding(f"gradient norm, layer {k}", ok, norm, expected, advice))
    return findings


def _check_update_ratios(per_layer: list[tuple[list[float], list[float]]], lr: float) -> list[Finding]:
    """||lr g|| / ||theta|| per layer: the share of a layer's weights one SGD step changes."""
    low, high = UPDATE_RATIO
    findings = []
    for k, (values, layer_gradients) in enumerate(per_layer, start=1):
        weight_norm, gradient_norm = _norm(values), _norm(layer_gradients)
        ratio = lr * gradient_norm / weight_norm if weight_norm > 0 else math.inf
        if weight_norm == 0:
            advice = ("every weight is 0: all units compute the same; use a random init "
                      "(init='he' or 'xavier')")
        elif gradient_norm <= NO_GRADIENT:
            advice = "no gradient reaches this layer, so no lr helps: fix the dead or saturated units first"
        else:
            better = lr * UPDATE_TARGET / ratio  # the lr that gives this layer a ratio of UPDATE_TARGET
            size = "too high: one step rewrites much of" if ratio > high else "too low: its steps barely move"
            advice = (f"lr={lr:g} is {size} this layer's weights; try lr about {better:.2g} "
                      f"(a ratio of {UPDATE_TARGET:.2g})")
        findings.append(Finding(f"update/weight, layer {k}", low <= ratio <= high, ratio,
                                f"about 1e-3 (healthy {low:g} .. {high:g})", advice))
    return findings


def diagnose(model: Any, X: Sequence[Any], y: Sequence[Any], loss: Any = "mse",
             lr: float | None = 0.1) -> Report:
    """Check a model and its data before (or after) training; a Report of Findings in plain words.

    One forward and one backward pass over all of (X, y) with ``loss`` (a name from nn.losses,
    or a callable, which skips the chance-loss check); ``lr`` is the SGD learning rate the
    update-to-weight ratios are computed for (None skips them). Nothing in the model changes,
    not even ``.grad``.
    """
    X, y = _check_data(X, y, "diagnose")
    loss_function, loss_name = _resolve_loss(loss)
    layers = _layers(model)
    if lr is not None:
        lr = checks.positive(lr, "diagnose: lr")
    _check_inputs(model, X)
    activations = [_layer_outputs(model, x) for x in X]
    outputs = len(activations[0][-1])
    if loss_name is not None:
        _check_targets(loss_function, y, outputs)
    loss_value = loss_function([_single(sample[-1]) for sample in activations], y)
    per_layer = _layer_gradients(layers, [float(g) for g in grad(loss_value, model.parameters())])
    findings = [
        *_check_init_loss(loss_value.data, loss_name, y, outputs),
        *_check_dead_relus(layers, activations),
        *_check_saturation(layers, activations),
        *_check_gradient_norms(per_layer),
        *(_check_update_ratios(per_layer, lr) if lr is not None else []),
    ]
    title = f"{model!r}, {len(X)} samples, loss {loss_name or 'custom'}" + (f", lr {lr:g}" if lr else "")
    return Report(findings, title, lr)

