"""The optimisation claims of the lecture (C21-C31), measured by the learning-rate, optimiser and double-well
demos at their reduced size and at three seeds: each verdict, the measurements it rests on, and the pictures
each finding names.
"""

from __future__ import annotations

import contextlib
import importlib
import io

import pytest

pytest.importorskip("matplotlib")

from demos import DEMOS  # noqa: E402
from demos._tour import Output  # noqa: E402

SEEDS = (0, 1, 2)
CLAIMS = {"learning_rate": ("C21", "C23", "C24"), "optimizers": ("C25", "C27", "C28", "C29", "C30"),
          "double_well": ("C22", "C26", "C31")}
VERDICTS = {"C21": "holds", "C22": "holds", "C23": "holds", "C24": "holds", "C25": "holds", "C26": "holds",
            "C27": "nuanced", "C28": "nuanced", "C29": "nuanced", "C30": "nuanced", "C31": "nuanced"}


@pytest.fixture(scope="module", params=[(demo, seed) for demo in CLAIMS for seed in SEEDS],
                ids=lambda p: f"{p[0]}-seed{p[1]}")
def ran(request, tmp_path_factory):
    """One demo at its reduced size and one seed: (demo name, seed, findings by claim, Output)."""
    demo, seed = request.param
    module = importlib.import_module(f"demos.{demo}")
    out = Output(tmp_path_factory.mktemp(f"{demo}-{seed}"), module.NAME)
    with contextlib.redirect_stdout(io.StringIO()):
        findings = module.run(out, dict(module.QUICK, seed=seed), progress=False)
    return demo, seed, {f.claim: f for f in findings if f.claim}, out


def test_the_double_well_runs_in_the_tour_after_the_optimisers():
    assert DEMOS.index("double_well") == DEMOS.index("optimizers") + 1


def test_every_claim_has_its_verdict_at_every_seed(ran):
    demo, seed, found, _ = ran
    assert sorted(found) == sorted(CLAIMS[demo])
    for claim, finding in found.items():
        assert finding.verdict == VERDICTS[claim], f"{claim} at seed {seed}: {finding.text}"
        assert finding.text.startswith(f"{claim}: ") and any(c.isdigit() for c in finding.text)


def test_every_picture_a_finding_names_was_written(ran):
    _, _, found, out = ran
    written = {w.path.name for w in out.written if w.kind == "picture"}
    for finding in found.values():
        assert finding.pictures, finding.claim
        for name in finding.pictures:
            assert name in written, f"{finding.claim} names {name}, not written"
            assert (out.directory / name).stat().st_size > 10_000


def test_the_measurements_behind_the_verdicts(ran):
    demo, _, found, _ = ran
    values = {claim: finding.values for claim, finding in found.items()}
    if demo == "learning_rate":
        assert values["C21"]["falling"] == values["C21"]["below"] > 10 and values["C21"]["network_fell"]
        steps = values["C23"]["steps"]
        assert steps[0.05] > 3 * steps[0.4] and values["C23"]["small_last"] > values["C23"]["good_last"]
        assert values["C24"]["crossed"] == values["C24"]["steps"] and values["C24"]["climbed"]
        assert values["C24"]["overshoot_converge"] == [0.6, 0.9]
    elif demo == "optimizers":
        assert (values["C25"]["cost_ratio"] < 0.5
                and values["C25"]["sgd_rises"] > values["C25"]["gd_rises"] + 0.1)
        assert -1.3 < values["C27"]["slope"] < -0.7 and values["C27"]["linearity"] < 1e-12
        assert values["C27"]["vectorised_cost"] < 2 < values["C27"]["engine_cost"]
        wins = values["C28"]["mini_wins"]
        assert wins["update"] and not wins["epoch"]  # fewer, surer steps; more, noisier ones
        calmer, faster = values["C29"]["calmer"], values["C29"]["faster"]
        assert all(faster.values())
        assert calmer["0.038/0.5"] and not calmer["0.038/0.9"]  # beta 0.9 swings wider at the same lr
        assert values["C30"]["sooner"] and values["C30"]["crossing"] and not values["C30"]["as_low"]
    else:
        assert values["C22"]["ratio_gap"] < 1e-6 and values["C22"]["hump_moved"] < 1e-6
        assert values["C22"]["final_loss"] > values["C22"]["global_loss"] + 0.5  # stuck in the local minimum
        noisy = values["C26"]
        assert noisy["SGD (batch 1)"]["escaped"] >= 2
        assert noisy["mini-batch (10)"]["escaped"] == noisy["full batch"]["escaped"] == 0
        assert values["C31"]["escaped"][0.9] > values["C31"]["escaped"][0.0] == 0
        assert values["C31"]["left_global"][0.9] > 0 and values["C31"]["rest_moved"] < 1e-6
