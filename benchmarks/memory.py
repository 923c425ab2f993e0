"""Workload 4: memory of a graph of 10^6 nodes, in bytes per node.

The graph is the chain of workload 3, n/4 links deep (4 nodes a link: two constants, a
product, a sum), built in a fresh process:

    graph  (RSS after building - RSS before) / nodes          resident memory the graph holds
    peak   (peak RSS after backward - RSS before) / nodes     ru_maxrss, includes backward's own lists
    traced tracemalloc's bytes held by the graph / nodes      Python allocations only (another process)

A node means one of micrograd's Values; torch makes fewer objects for the same maths
(a number operand is no tensor), so its figure is per micrograd-equivalent node.
"""

from __future__ import annotations

import gc
import resource

FACTOR = 1.0001
OFFSET = 0.0001


def _rss() -> int:
    """Resident set size now, in bytes (Linux /proc)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize()


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def _build(engine, links: int):
    x = engine.leaf(0.5)
    y = x
    for _ in range(links):
        y = y * FACTOR + OFFSET
    return x, y


def graph_memory(engine_name: str, nodes: int, traced: bool) -> dict:
    """Bytes per node of the chain graph on one engine; with ``traced``, tracemalloc's count."""
    from .engines import load

    engine = load(engine_name)
    links = nodes // 4
    _, small = _build(engine, 100)  # warm-up: first-call allocations are not the graph's
    engine.backward(small)
    del small
    gc.collect()
    if traced:
        import tracemalloc

        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        x, y = _build(engine, links)
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        return {"seconds": 0.0, "traced_per_node": held / nodes, "loss": engine.number(y), "grads": []}
    before = _rss()
    x, y = _build(engine, links)
    graph = _rss() - before
    engine.backward(y)
    peak = _peak() - before  # the graph dwarfs the import-time peak
    return {"seconds": 0.0, "graph_per_node": graph / nodes, "peak_per_node": peak / nodes,
            "loss": engine.number(y), "grads": [engine.grad(x)]}
