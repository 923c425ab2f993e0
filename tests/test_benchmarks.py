"""The benchmark suite's engines compute the same numbers (tiny sizes, no timing assertions).

Each workload runs in-process on every engine that is installed; loss and gradients must
agree with the hand-written float floor to the suite's tolerance (benchmarks.suite.REL_TOL).
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/ is not an installed package

from benchmarks import chain, mlp, suite, weighted_sum  # noqa: E402
from benchmarks.data import mlp_weights, moons  # noqa: E402

GRAPH_ENGINES = ["ours", "micrograd", "torch"]


def _needs(engine):
    """Skip when a peer engine is not installed (micrograd comes with the `bench` extra)."""
    if engine in ("torch", "micrograd"):
        pytest.importorskip(engine)


def _agree(result, reference):
    problem = suite.mismatch(result, reference)
    assert problem is None, problem


@pytest.mark.parametrize("engine", GRAPH_ENGINES)
def test_mlp_same_graph_matches_the_float_floor(engine):
    _needs(engine)
    reference = mlp.floor(n=6, steps=2, warmup=1)
    _agree(mlp.same_graph(engine, n=6, steps=2, warmup=1), reference)


def test_mlp_our_nn_matches_the_float_floor():
    missing = mlp.nn_available()
    if missing:
        pytest.skip(missing)
    _agree(mlp.our_nn(n=6, steps=2, warmup=1), mlp.floor(n=6, steps=2, warmup=1))


def test_sparse_floor_matches_the_dense_floor():
    _agree(mlp.floor(n=8, steps=3, warmup=1, sparse=True), mlp.floor(n=8, steps=3, warmup=1))


def test_floor_gradient_is_the_central_difference_of_its_loss():
    """The floor itself is checked against numbers, not only against the engines."""
    X, y = moons(4)
    layers = mlp_weights(mlp.SIZES)
    loss, grads = mlp.floor_step([[row[:] for row in layer] for layer in layers], X, y, lr=0.0)
    eps = 1e-6
    for index in (0, 5, 40, 100, len(grads) - 1):
        shifted = []
        for sign in (1, -1):
            copy = [[row[:] for row in layer] for layer in layers]
            flat_rows = [row for layer in copy for row in layer]
            widths = [len(row) for row in flat_rows]
            row, col = next((r, index - sum(widths[:r])) for r in range(len(widths))
                            if index < sum(widths[: r + 1]))
            flat_rows[row][col] += sign * eps
            shifted.append(mlp.floor_step(copy, X, y, lr=0.0)[0])
        assert grads[index] == pytest.approx((shifted[0] - shifted[1]) / (2 * eps), rel=1e-5, abs=1e-8)


def test_same_graph_has_the_same_nodes_on_ours_and_micrograd():
    """The 'same graph' workload really builds micrograd's graph on our engine (node for node)."""
    from autograd import topological_order
    from benchmarks.engines import load

    _needs("micrograd")
    counts = {}
    for name in ("ours", "micrograd"):
        engine = load(name)
        X, y = moons(3)
        loss = mlp.demo_loss(engine, mlp.MLP(engine, mlp_weights(mlp.SIZES)), X, y)
        counts[name] = len(topological_order(loss)) if name == "ours" else _micrograd_nodes(loss)
    assert counts["ours"] == counts["micrograd"]
    assert counts["ours"] > 3 * 600  # ~650 nodes per point


def _micrograd_nodes(root):
    seen, stack = {root}, [root]
    while stack:
        for child in stack.pop()._prev:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return len(seen)


@pytest.mark.parametrize("engine", GRAPH_ENGINES)
def test_chain_matches_the_float_floor(engine):
    _needs(engine)
    reference = chain.floor(300)
    assert reference["grads"][0] == pytest.approx(1.0001**300, rel=1e-12)
    _agree(chain.graph_chain(engine, 300), reference)


@pytest.mark.parametrize("engine", GRAPH_ENGINES + ["ours-dot"])
def test_weighted_sum_matches_the_float_floor(engine):
    _needs(engine)
    result = weighted_sum.ours_dot(50) if engine == "ours-dot" else weighted_sum.graph_sum(engine, 50)
    _agree(result, weighted_sum.floor(50))


def test_a_wrong_gradient_is_reported():
    """The check that guards every printed time can fail."""
    reference = {"loss": 1.0, "grads": [0.5, -2.0, 3.0]}
    assert suite.mismatch({"loss": 1.0, "grads": [0.5, -2.0, 3.0]}, reference) is None
    assert "grad[1]" in suite.mismatch({"loss": 1.0, "grads": [0.5, -2.0 * (1 + 1e-7), 3.0]}, reference)
    assert "loss" in suite.mismatch({"loss": 1.0 + 1e-6, "grads": [0.5, -2.0, 3.0]}, reference)
    assert "gradients" in suite.mismatch({"loss": 1.0, "grads": [0.5]}, reference)
    results = {"floor": [dict(reference)], "ours": [{"loss": 1.0, "grads": [0.5, -2.0, 3.1]}]}
    workload = suite.Workload("x", "x", ["ours", "floor"], size=1, quick_size=1)
    assert set(suite.check(workload, results)) == {"ours"}


@pytest.mark.parametrize("engine", GRAPH_ENGINES)
def test_memory_workload_builds_the_same_chain(engine):
    from benchmarks import memory

    _needs(engine)
    result = memory.graph_memory(engine, 400, traced=False)
    _agree(result, chain.floor(100))  # 400 nodes = 100 links


def test_worker_prints_one_json_line_with_the_result():
    """The suite's plumbing: a fresh process measures and reports loss and gradients."""
    import json
    import subprocess

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "benchmarks.worker", "chain", "ours", "50"], cwd=root,
                          capture_output=True, text=True, timeout=60)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    _agree(result, chain.floor(50))
    assert result["seconds"] > 0
