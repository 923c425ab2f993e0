"""The optimiser-paths and diagnose demos at their quick size: the findings' numbers and the pictures."""

from __future__ import annotations

import contextlib
import io
import math

import pytest

pytest.importorskip("matplotlib")

from demos import diagnose, optimizer_paths  # noqa: E402
from demos._tour import run_demo  # noqa: E402


def run_quick(module, root, seed=0):
    with contextlib.redirect_stdout(io.StringIO()):
        return run_demo(module, root, quick=True, progress=False, seed=seed)


def values(result):
    return {finding.name: finding.values for finding in result.findings}


def pictures(result):
    return {w.path.name: w for w in result.written if w.kind == "picture"}


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    return run_quick(optimizer_paths, tmp_path_factory.mktemp("out"))


def test_optimizer_paths_draws_both_surfaces(paths):
    drawn = pictures(paths)
    assert set(drawn) == {"bowl.png", "rosenbrock.png"}
    for written in drawn.values():
        assert written.path.stat().st_size > 20_000
        assert "tuned learning rates" in written.caption


def test_optimizer_paths_numbers_are_the_walks_they_report(paths):
    found = values(paths)
    steps = optimizer_paths.QUICK["bowl_steps"]
    for name in optimizer_paths.OPTIMISERS:
        row = found[f"bowl: {name}"]
        again = optimizer_paths.walk("bowl", optimizer_paths.STARTS["bowl"], name, row["lr"], steps)
        assert optimizer_paths.height("bowl", again[-1]) == row["loss"]
        assert row["lr"] in optimizer_paths.learning_rates(optimizer_paths.QUICK["grid"])
    assert found["bowl: best"]["best_loss"] == min(found[f"bowl: {n}"]["loss"]
                                                   for n in optimizer_paths.OPTIMISERS)


def test_on_the_elongated_bowl_plain_sgd_is_the_slowest_and_adaptive_or_momentum_methods_win(paths):
    found = values(paths)
    sgd = found["bowl: SGD"]["loss"]
    others = [found[f"bowl: {name}"]["loss"] for name in optimizer_paths.OPTIMISERS if name != "SGD"]
    assert all(loss < sgd / 10 for loss in others)
    # plain SGD's tuned rate stays below the stability limit 2 / curvature
    assert found["bowl: SGD"]["lr"] < 2 / optimizer_paths.CURVATURE


def test_on_rosenbrock_momentum_and_adam_beat_plain_sgd(paths):
    found = values(paths)
    sgd = found["rosenbrock: SGD"]["loss"]
    assert math.isfinite(sgd) and sgd > 0
    for name in ("momentum 0.9", "Nesterov 0.9", "Adam"):
        assert found[f"rosenbrock: {name}"]["loss"] < sgd / 10


def test_the_seed_moves_the_start(tmp_path):
    assert optimizer_paths.start_point("bowl", 0) == optimizer_paths.STARTS["bowl"]
    assert optimizer_paths.start_point("bowl", 3) != optimizer_paths.STARTS["bowl"]
    assert optimizer_paths.start_point("bowl", 3) == optimizer_paths.start_point("bowl", 3)


@pytest.fixture(scope="module")
def diagnosed(tmp_path_factory):
    return run_quick(diagnose, tmp_path_factory.mktemp("out"))


def test_diagnose_draws_the_reports_and_the_training(diagnosed):
    drawn = pictures(diagnosed)
    assert set(drawn) == {"reports.png", "training.png"}
    assert all(w.path.stat().st_size > 20_000 for w in drawn.values())
    assert "Failed checks: healthy 0" in drawn["reports.png"].caption


def test_each_broken_network_fails_its_own_check_and_the_healthy_one_none(diagnosed):
    found = values(diagnosed)
    assert found["healthy"]["failed"] == []
    assert "dead ReLUs" in found["dead ReLUs"]["failed"]
    assert "saturated units" in found["saturated tanh"]["failed"]
    assert any(name.startswith("update/weight") for name in found["lr far too low"]["failed"])
    assert "dead ReLUs" not in found["saturated tanh"]["failed"] + found["lr far too low"]["failed"]
    assert "saturated units" not in found["dead ReLUs"]["failed"] + found["lr far too low"]["failed"]


def test_following_the_advice_fixes_each_one(diagnosed):
    found = values(diagnosed)
    for setup in diagnose.SETUPS:
        row = found[setup]
        assert row["fixed_failed"] == [], setup
        assert row["fixed_accuracy"] > row["accuracy"] + 0.05, setup
        assert row["fixed_final_loss"] < row["final_loss"], setup
    assert found["dead ReLUs"]["accuracy"] <= 0.55  # no gradient: it never learns
    assert found["cured"]["cured"] == len(diagnose.SETUPS)


def test_the_suggested_lr_is_the_reports(diagnosed):
    import nn

    settings = dict(diagnose.QUICK, seed=0)
    X, y = nn.data.moons(n=settings["n"], noise=0.1, seed=0)
    model, lr = diagnose.build("lr far too low", False, settings)
    report = nn.diagnose(model, X, y, loss=diagnose.LOSS, lr=lr)
    assert values(diagnosed)["lr far too low"]["fixed_lr"] == report.suggested_lr
    assert report.suggested_lr > 100 * diagnose.SLOW_LR
