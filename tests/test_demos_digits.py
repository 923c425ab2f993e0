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
