"""Python's garbage collector and a growing graph: the one place where chainrule touches it.

Nodes hold no reference cycles (no closures, no back references), so reference counting
frees every graph and the cyclic collector never finds one to free. Yet CPython runs that
collector every 700 new container objects, and each run walks the live young objects: a
graph of 65,000 nodes built between two collections is walked again and again, then
promoted and walked in full collections. On micrograd's demo MLP that is half the time of
a training step with the default settings (measured in ``benchmarks/``).

So, from the first Value a program makes, chainrule eases the collector *while it finds
nothing to collect*, and only then. After every collection (a ``gc.callbacks`` hook):

    it freed garbage                     ->  the program's own first threshold, at once
    it freed (almost) nothing, and none
    has been found for QUIET seconds     ->  the first threshold doubled (up to CEILING):
                                             a graph is growing

and as each backward ends, a raised threshold is set to GRAPHS graphs' worth of objects,
counted from the graph backward walked (never from the young objects alive, never below the
program's own): room for a training step (the new graph is built while the old one is still
alive) without a collection. The doubling costs the first graph a handful of collections
(their work sums to about twice the graph); the first backward then sizes the threshold. So a program that
makes cyclic garbage, in any thread, has it collected as without chainrule: what it drops while
the threshold is raised waits for at most about two graphs' worth of new objects, once (the
first collection that finds it brings the program's threshold back), and a training loop runs
with the collector out of its way.

What is never done: disable or
enable the collector, change the second and third thresholds, or touch thresholds the
program set itself. When the thresholds differ from what chainrule set last (the program
called ``gc.set_threshold``), chainrule lets go for good; so does ``restore_collector()``,
which also gives back the program's threshold. A first threshold of 0 is left alone.
"""

from __future__ import annotations

import gc
import threading
import time

CEILING = 500_000  # the eased first threshold at most: net new objects between two collections
FOUND_NOTHING = 64  # a collection that freed under 1/64 of its threshold found (almost) nothing

_lock = threading.Lock()
_program: tuple[int, int, int] | None = None  # the program's thresholds when easing started
_ours: tuple[int, int, int] | None = None  # the thresholds as chainrule set them last
_let_go = False  # True after restore_collector() or the program's own gc.set_threshold
not_started = True  # until start_easing() has run once (Value() checks it)
QUIET = 1.0  # seconds without garbage before the threshold is raised
GRAPHS = 2  # after a backward, a raised threshold holds this many graphs' worth of new objects
OBJECTS_PER_NODE = 2  # objects the collector tracks per Value: it and its operands' tuple (1.7 measured)
_last_garbage = -QUIET  # time.monotonic() of the last collection that found garbage


def start_easing() -> None:
    """Begin easing the collector (the first Value() calls this; later calls do nothing)."""
    global _program, _ours, not_started
    with _lock:
        if not not_started:
            return
        not_started = False
        if _let_go:
            return
        thresholds = gc.get_threshold()
        if thresholds[0] == 0:  # the collector is off by threshold: leave it so
            return
        _program = _ours = thresholds
        gc.callbacks.append(_after_collection)


def _after_collection(phase: str, info: dict) -> None:
    """The gc.callbacks hook: the program's threshold when there is garbage, doubled when quiet."""
    global _last_garbage
    if phase != "stop" or _ours is None or _program is None:
        return
    current = gc.get_threshold()
    if current != _ours:  # the program set thresholds of its own: they stand, we let go
        _stop()
        return
    now = time.monotonic()
    if info["collected"] * FOUND_NOTHING > current[0]:
        _last_garbage = now
        _set_first(_program[0])
    elif now - _last_garbage >= QUIET:
        _set_first(max(_program[0], min(CEILING, 2 * current[0])))


def _set_first(first: int) -> None:
    global _ours
    if _ours is not None and first != _ours[0]:
        _ours = (first, *_ours[1:])
        gc.set_threshold(*_ours)


def graph_complete(nodes: int) -> None:
    """Backward calls this when it has walked a graph of ``nodes`` Values: a raised threshold is
    set to GRAPHS graphs' worth of new objects (OBJECTS_PER_NODE per Value), between the program's
    own and CEILING, up or down.

    It is sized by the graph that backward counted, never by the young objects alive: those may
    include another thread's uncollected garbage, and sizing by them would put off its collection
    for good. A threshold at the program's own (garbage was found lately) is left alone."""
    if _ours is None or _program is None or _let_go or _ours[0] <= _program[0]:
        return
    if gc.get_threshold() == _ours:
        _set_first(max(_program[0], min(CEILING, GRAPHS * OBJECTS_PER_NODE * nodes)))


def _stop() -> None:
    global _let_go
    _let_go = True
    if _after_collection in gc.callbacks:
        gc.callbacks.remove(_after_collection)


def restore_collector() -> None:
    """Stop easing the collector for good and give back the program's thresholds."""
    global _program, _ours
    with _lock:
        _stop()
        if _program is not None and gc.get_threshold() == _ours:
            gc.set_threshold(*_program)
        _program = _ours = None


def easing() -> bool:
    """True while chainrule is easing the collector (see the module docstring)."""
    return _program is not None and not _let_go
