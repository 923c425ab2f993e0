"""Per-thread modes: ``no_grad`` and ``detect_anomaly``.

Each thread has its own settings (a ``threading.local``). The module global
``active`` counts the threads that have some mode on, so an op pays a single
check of one global while no thread uses a mode; only then does it look at its
own thread's settings (``record``).
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

active = 0  # number of threads with a mode on; 0 keeps every op on the fast path
_lock = threading.Lock()
_local = threading.local()
_PACKAGE_DIRS = tuple(
    os.path.dirname(os.path.abspath(path)) + os.sep
    for path in (__file__, os.path.join(os.path.dirname(__file__), "..", "nn", "x"))
)


def _settings() -> Any:
    local = _local
    if not hasattr(local, "no_grad"):
        local.no_grad = 0
        local.anomaly = None  # dict node -> "file:line" while detect_anomaly is on
    return local


@contextmanager
def _mode_on(switch: Callable[[Any, bool], None]) -> Iterator[None]:
    global active
    settings = _settings()
    switch(settings, True)
    with _lock:
        active += 1
    try:
        yield
    finally:
        with _lock:
            active -= 1
        switch(settings, False)


def grad_enabled() -> bool:
    """False inside ``no_grad()`` in this thread."""
    return not (active and _settings().no_grad)


def anomaly_sites() -> dict | None:
    """node -> "file:line" of its creation, while ``detect_anomaly()`` is on in this thread."""
    return _settings().anomaly if active else None


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
    previous = _settings().anomaly

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


def _is_finite(x: Any) -> bool:
    return math.isfinite(x.data if hasattr(x, "data") else x)


def describe(op: str, operands: tuple, k: Any) -> str:
    """'tanh(2.0)' or '3.0 * inf': the op with its operands' values, for messages."""
    values = [repr(v.data) for v in operands]
    if op in ("+", "-", "*", "/", "**") and len(values) == 2:
        return f"{values[0]} {op} {values[1]}"
    if op == "**":
        return f"{values[0]} ** {k!r}"
    return f"{op}({', '.join(values[:8])}{', ...' if len(values) > 8 else ''})"


def record(op: str, operands: tuple, data: float, k: Any, make: Callable[[], Any]) -> Any:
    """Make a node under this thread's modes: a constant under no_grad; checked under anomaly."""
    from .engine import _leaf

    settings = _settings()
    sites = settings.anomaly
    if sites is not None:
        site = user_site()
        if not math.isfinite(data):
            raise FloatingPointError(
                f"detect_anomaly: forward of {op} gave {data!r}: {describe(op, operands, k)}, "
                f"created at {site}"
            )
    if settings.no_grad:
        return _leaf(data)
    node = make()
    if sites is not None:
        sites[node] = site
    return node
