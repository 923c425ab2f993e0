"""The optimiser-paths and diagnose demos at their quick size: the findings' numbers and the pictures."""

from __future__ import annotations

import contextlib
import io
import math

import pytest

pytest.importorskip("matplotlib")

from demos import optimizer_paths  # noqa: E402
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
    assert found["bowl: best"]["best_loss"] == min(found[f"bowl: {n}"]["loss"] for n in optimizer_paths.OPTIMISERS)


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
