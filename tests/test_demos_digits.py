"""The digits demo at its reduced size: well above chance, and PyTorch's loss curve on chainrule's."""

from __future__ import annotations

import contextlib
import io

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("sklearn")

from demos import DEMOS, digits  # noqa: E402
from demos._tour import run_demo  # noqa: E402


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    with contextlib.redirect_stdout(io.StringIO()):
        return run_demo(digits, tmp_path_factory.mktemp("out"), quick=True, progress=False)


def values(result):
    return {finding.name: finding.values for finding in result.findings}


def test_digits_is_the_last_demo_of_the_tour():
    assert DEMOS[-1] == "digits"


def test_accuracy_well_above_chance(result):
    accuracy = values(result)["accuracy"]
    assert accuracy["test"] == digits.QUICK["test"] and accuracy["train"] == digits.QUICK["train"]
    assert accuracy["accuracy"] > 0.6  # chance is 0.1


def test_pytorch_from_the_same_weights_follows_the_same_loss_curve(result):
    pytest.importorskip("torch")
    agreement = values(result)["agreement"]
    assert len(agreement["chainrule"]) == len(agreement["pytorch"]) == digits.QUICK["epochs"]
    assert agreement["chainrule"] == pytest.approx(agreement["pytorch"], abs=1e-6, rel=0)
    assert agreement["gap"] < 1e-6
    assert agreement["chainrule"][-1] < agreement["chainrule"][0]
    assert abs(agreement["torch_accuracy"] - values(result)["accuracy"]["accuracy"]) <= 0.02
    speed = values(result)["speed"]
    assert speed["ratio"] == pytest.approx(speed["chainrule"] / speed["pytorch"])


def test_pictures_written(result):
    names = sorted(w.path.name for w in result.written if w.kind == "picture")
    assert names == ["digits_confusion.png", "digits_loss.png", "digits_samples.png"]
    assert all(w.path.stat().st_size > 10_000 for w in result.written)


def test_confusion_matrix_counts_every_test_digit():
    counts = digits.confusion([0, 1, 1, 9], [0, 1, 7, 9])
    assert sum(map(sum, counts)) == 4
    assert counts[1][7] == 1 and counts[1][1] == 1 and counts[9][9] == 1 and counts[0][0] == 1


def test_without_torch_the_finding_says_so(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.setitem(digits.QUICK, "train", 60)
    monkeypatch.setitem(digits.QUICK, "epochs", 1)
    with contextlib.redirect_stdout(io.StringIO()):
        done = run_demo(digits, tmp_path, quick=True, progress=False)
    (missing,) = [f for f in done.findings if f.name == "pytorch"]
    assert "pip install torch" in missing.text and missing.values["installed"] is False


def test_the_staged_code_gives_the_graphs_gradient_on_the_first_batch(result):
    staged = values(result)["staged"]
    assert staged["gap"] <= 1e-12 * staged["scale"] and staged["scale"] > 0.01
    assert staged["loss_gap"] < 1e-12 and staged["lines"] > 1000


def test_training_on_the_staged_code_is_nn_fits_training():
    """The demo's loop (staged code, nn.SGD) and nn.fit: the same loss per epoch and the same weights."""
    import nn

    settings = dict(digits.QUICK, train=96, epochs=2, seed=3)
    X, y = nn.data.digits()
    X, y = X[: settings["train"]], y[: settings["train"]]
    staged_model = nn.MLP(64, [32, 10], activation="tanh", seed=3)
    graph_model = nn.MLP(64, [32, 10], activation="tanh", seed=3)
    history = digits.train_staged(staged_model, digits.stage(staged_model), X, y, settings, 3, progress=False)
    fitted = nn.fit(graph_model, X, y, loss="cross_entropy", lr=settings["lr"], momentum=settings["momentum"],
                    batch_size=settings["batch_size"], epochs=settings["epochs"], seed=3, progress=False)
    assert history["loss"] == pytest.approx(fitted.loss, abs=1e-12, rel=0)
    for mine, theirs in zip(staged_model.parameters(), graph_model.parameters(), strict=True):
        assert mine.data == pytest.approx(theirs.data, abs=1e-12, rel=0)


def test_the_one_sample_loss_is_cross_entropy():
    import math

    import nn

    model = nn.MLP(64, [32, 10], activation="tanh", seed=0)
    loss, pixels, one_hot = digits.one_sample_loss(model)
    assert len(pixels) == 64 and len(one_hot) == 10 and all(p.is_leaf for p in pixels + one_hot)
    X, y = nn.data.digits()
    code = digits.stage(model)["function"]
    weights = [p.data for p in model.parameters()]
    for row, label in zip(X[:5], y[:5], strict=True):
        value, _ = code(*weights, *row, *[1.0 if k == label else 0.0 for k in range(10)])
        expected = nn.losses.cross_entropy([model(row)], [label]).data
        assert math.isclose(value, expected, rel_tol=1e-13)
