"""Per-thread modes (``no_grad``, ``detect_anomaly``) and the garbage collector while a graph grows.

Each thread has its own settings (a ``threading.local``). The module global
``active`` is nonzero when an op must look at them (some thread has a mode on) or
when the collector is still to be eased for a new graph; otherwise an op pays a
single check of one global and takes the fast path.

The garbage collector. Nodes hold no reference cycles (no closures, no back
references), so they are freed by reference counting alone and Python's cyclic
collector can never free one. Yet CPython runs that collector every 700 new
objects (net of those freed), and each run walks all the live young nodes of the
graph being built: 20-25% of a training step, measured on micrograd's demo MLP.
So the first op of the program raises the collector's first threshold to
``EASED_THRESHOLD`` (500,000). Cycles elsewhere in the program are still
collected, after 500,000 net new objects instead of 700; a training loop frees
each step's graph, so its count stays below that and the collector does not walk
the graph at all. Handing the threshold back at the end of each backward() was
measured too: the next allocation then walks the whole graph that is still alive
(12 ms of a 65 ms step), so the easing lasts until ``restore_collector()``, which
gives back the user's thresholds for good. A user who set their own thresholds
after the first op keeps them; a threshold of 0 (collector off) is left alone.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

EASED_THRESHOLD = 500_000

_threads_with_modes = 0
_eased: tuple | None = None  # (the user's thresholds, ours) once the first op has eased them
_easing_wanted = True  # False after restore_collector()
active = 1  # _threads_with_modes + (collector still to be eased); 0 keeps every op on the fast path
_lock = threading.Lock()


class _Settings(threading.local):
    """This thread's modes (a threading.local: __init__ runs once in each thread)."""

    def __init__(self) -> None:
        self.no_grad = 0  # depth of nested no_grad blocks
        self.anomaly: dict | None = None  # node -> "file:line" while detect_anomaly is on


_local = _Settings()
_PACKAGE_DIRS = tuple(
    os.path.dirname(os.path.abspath(path)) + os.sep
    for path in (__file__, os.path.join(os.path.dirname(__file__), "..", "nn", "x"))
)


def _update_active() -> None:
    global active
    active = _threads_with_modes + (_easing_wanted and _eased is None)


def ease_collector() -> None:
    """Raise the collector's first threshold to EASED_THRESHOLD (see the module docstring)."""
    global _eased
    with _lock:
        if _easing_wanted and _eased is None:
            user = gc.get_threshold()
            ours = (max(user[0], EASED_THRESHOLD), *user[1:]) if user[0] else user
            gc.set_threshold(*ours)
            _eased = (user, ours)
            _update_active()


def restore_collector() -> None:
    """Give back the collector thresholds the program had before its first op, for good."""
    global _eased, _easing_wanted
    with _lock:
        _easing_wanted = False
        if _eased is not None:
            user, ours = _eased
            if gc.get_threshold() == ours:  # untouched since we eased it
                gc.set_threshold(*user)
            _eased = None
        _update_active()


@contextmanager
def _mode_on(switch: Callable[[Any, bool], None]) -> Iterator[None]:
    global _threads_with_modes
    settings = _local
    switch(settings, True)
    with _lock:
        _threads_with_modes += 1
        _update_active()
    try:
        yield
    finally:
        with _lock:
            _threads_with_modes -= 1
            _update_active()
        switch(settings, False)


def grad_enabled() -> bool:
    """False inside ``no_grad()`` in this thread."""
    return not (_threads_with_modes and _local.no_grad)


def anomaly_sites() -> dict | None:
    """node -> "file:line" of its creation, while ``detect_anomaly()`` is on in this thread."""
    return _local.anomaly if _threads_with_modes else None


@contextmanager
def no_grad() -> Iterator[None]:
    """Ops inside record no parents: their results are constants (leaves), as torch.no_grad."""

    def switch(settings: Any, on: bool) -> None:
        settings.no_grad += 1 if on else -1

    with _mode_on(switch):
        yield


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise FloatingPointError at the first op whose forward value or gradient is nan/inf."""
    previous = _local.anomaly

    def switch(settings: Any, on: bool) -> None:
        settings.anomaly = {} if on else previous

    with _mode_on(switch):
        yield


def user_site() -> str:
    """file:line of the innermost frame outside the autograd and nn packages."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIRS):
        frame = frame.f_back
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def describe(op: str, operands: tuple, k: Any) -> str:
    """'tanh(2.0)' or '3.0 * inf': the op with its operands' values, for messages."""
    values = [repr(v.data) for v in operands]
    if op in ("+", "-", "*", "/", "**") and len(values) == 2:
        return f"{values[0]} {op} {values[1]}"
    if op == "**":
        return f"{values[0]} ** {k!r}"
    return f"{op}({', '.join(values[:8])}{', ...' if len(values) > 8 else ''})"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (graphs hold no cycles), then restore the user's setting.

    Backward pauses it for its pass, and nn.fit for the whole of training.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
