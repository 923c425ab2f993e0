"""nn.diagnose: each sick network built on purpose gets its verdict; a healthy one passes; nothing changes."""

import math

import pytest

import nn
from nn.diagnose import Finding, Report

X, Y = nn.data.moons(n=60, noise=0.1, seed=0)


def healthy(activation="relu", init="he", nouts=(16, 16, 2)):
    return nn.MLP(2, list(nouts), activation=activation, init=init, seed=0)


def failed_names(report):
    return {finding.name for finding in report.failed}


def test_a_healthy_network_passes_every_check():
    model = healthy()
    report = nn.diagnose(model, X, Y, loss="cross_entropy", lr=0.1)
    assert report.ok, str(report)
    names = [finding.name for finding in report.findings]
    assert names == ["loss at init", "dead ReLUs", *(f"gradient norm, layer {k}" for k in (1, 2, 3)),
                     *(f"update/weight, layer {k}" for k in (1, 2, 3))]
    init_loss = nn.losses.cross_entropy([model(x) for x in X], Y).data
    assert report["loss at init"].measured == pytest.approx(init_loss, abs=1e-12)
    assert "ln 2 = 0.6931" in report["loss at init"].expected
    assert all(isinstance(f, Finding) and isinstance(f.measured, float) for f in report.findings)


def test_it_changes_neither_the_weights_nor_the_gradients():
    model = healthy()
    for p in model.parameters():
        p.grad = 0.25
    before = [p.data for p in model.parameters()]
    nn.diagnose(model, X, Y, loss="cross_entropy", lr=0.1)
    assert [p.data for p in model.parameters()] == before
    assert all(p.grad == 0.25 for p in model.parameters())


def test_all_relus_dead():
    model = healthy()
    for neuron in model.layers[0].neurons:
        neuron.b.data = -100.0  # no input of the moons reaches 0: every first-layer unit outputs 0
    report = nn.diagnose(model, X, Y, loss="cross_entropy", lr=0.1)
    assert report["dead ReLUs"].measured == 1.0 and not report["dead ReLUs"].ok
    assert {"gradient norm, layer 1", "gradient norm, layer 2"} <= failed_names(report)
    assert report["gradient norm, layer 1"].measured == 0.0
    assert "leaky_relu" in report["dead ReLUs"].advice
    assert "no gradient reaches this layer" in report["update/weight, layer 1"].advice


def test_tanh_saturated_by_large_weights():
    def large(rows, cols, rng):
        return [[rng.gauss(0.0, 6.0) for _ in range(cols)] for _ in range(rows)]

    report = nn.diagnose(healthy("tanh", large), X, Y, loss="cross_entropy", lr=0.1)
    finding = report["saturated units"]
    assert not finding.ok and finding.measured > 0.5 and "xavier" in finding.advice
    calm = nn.diagnose(healthy("tanh", "xavier"), X, Y, loss="cross_entropy", lr=0.1)
    assert calm["saturated units"].ok and calm["saturated units"].measured < 0.1


def test_last_layer_logits_scaled_up():
    model = healthy()
    for neuron in model.layers[-1].neurons:
        for w in neuron.w:
            w.data *= 30.0
    report = nn.diagnose(model, X, Y, loss="cross_entropy", lr=0.1)
    finding = report["loss at init"]
    assert not finding.ok and finding.measured > 2 * math.log(2)
    assert "last layer" in finding.advice
    assert report["dead ReLUs"].ok  # the hidden layers are as healthy as before


@pytest.mark.parametrize("lr, word", [(20.0, "too high"), (1e-6, "too low")])
def test_learning_rate_far_off(lr, word):
    report = nn.diagnose(healthy(), X, Y, loss="cross_entropy", lr=lr)
    ratios = [f for f in report.findings if f.name.startswith("update/weight")]
    assert ratios and not any(f.ok for f in ratios)
    assert all(word in f.advice for f in ratios)
    assert all(f.ok for f in report.findings if not f.name.startswith("update/weight"))
    # the ratio is linear in lr: the advice's lr lands the layer on the band's middle
    target = math.sqrt(1e-4 * 0.3)
    first = ratios[0]
    suggested = float(first.advice.split("try lr about ")[1].split(" ")[0])
    assert first.measured / lr * suggested == pytest.approx(target, rel=0.05)
    measured = [f.measured for f in ratios]
    assert report.suggested_lr == pytest.approx(lr * target / math.sqrt(min(measured) * max(measured)),
                                                rel=1e-12)
    cured = nn.diagnose(healthy(), X, Y, loss="cross_entropy", lr=report.suggested_lr)
    assert all(f.ok for f in cured.findings if f.name.startswith("update/weight"))
    assert nn.diagnose(healthy(), X, Y, loss="cross_entropy", lr=0.1).suggested_lr is None


@pytest.mark.parametrize("loss, nouts, targets, chance", [
    ("binary_cross_entropy_with_logits", (8, 1), Y, math.log(2)),
    ("hinge", (8, 1), [2 * t - 1 for t in Y], 1.0),
    ("mse", (8, 1), [3.0 * t for t in Y], sum((3.0 * t) ** 2 for t in Y) / len(Y)),
    ("cross_entropy", (8, 5), [t * 4 for t in Y], math.log(5)),
])
def test_the_chance_value_follows_the_loss(loss, nouts, targets, chance):
    model = nn.MLP(2, list(nouts), activation="tanh", init="xavier", seed=0)
    finding = nn.diagnose(model, X, targets, loss=loss, lr=0.1)["loss at init"]
    assert f"{chance:.4g}" in finding.expected


def test_a_callable_loss_skips_the_chance_check_and_lr_none_skips_the_ratios():
    report = nn.diagnose(healthy(), X, Y, loss=nn.losses.cross_entropy, lr=None)
    assert "loss at init" not in report and not any(f.name.startswith("update") for f in report.findings)
    assert "gradient norm, layer 1" in report


def test_text_and_html():
    model = healthy()
    for neuron in model.layers[0].neurons:
        neuron.b.data = -100.0
    report = nn.diagnose(model, X, Y, loss="cross_entropy", lr=0.1)
    text = str(report)
    assert text.splitlines()[0].startswith(f"nn.diagnose: {len(report.failed)} of {len(report.findings)} "
                                           "checks failed")
    assert "FAIL  dead ReLUs" in text and "-> most ReLUs never fire" in text
    assert len(text.splitlines()) == 1 + len(report.findings) + len(report.failed)
    page = report._repr_html_()
    assert page.count("<tr") == 1 + len(report.findings) and page.count("FAIL") == len(report.failed)
    assert isinstance(report, Report) and "checks failed" in repr(report)
    with pytest.raises(KeyError, match="no finding named 'nope'"):
        report["nope"]


def test_fit_with_diagnose_prints_the_report_first(capsys):
    nn.fit(healthy(nouts=(4, 2)), X, Y, loss="cross_entropy", epochs=1, diagnose=True, progress=False)
    out = capsys.readouterr().out
    assert out.startswith("nn.diagnose: all checks passed") and "update/weight, layer 2" in out


def test_bad_input():
    with pytest.raises(TypeError, match="diagnose: model must be an nn MLP"):
        nn.diagnose(lambda x: x, X, Y)
    with pytest.raises(ValueError, match="X has 60 samples but y has 2"):
        nn.diagnose(healthy(), X, [0, 1])
    with pytest.raises(ValueError, match="diagnose: lr must be > 0"):
        nn.diagnose(healthy(), X, Y, loss="cross_entropy", lr=-1.0)
    with pytest.raises(ValueError, match="out of range"):
        nn.diagnose(healthy(), X, [3] * 60, loss="cross_entropy")
