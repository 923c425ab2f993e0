"""The modes ``no_grad`` and ``detect_anomaly``: per thread, nesting and unwinding in any order.

Each thread has its own modes, as in PyTorch (and, as there, they belong to the thread,
not to an asyncio task: tasks sharing a thread share its modes). Each mode is a depth, the
number of its blocks open in that thread, so blocks nest, and unwind correctly even when
they are left out of order (two generators each holding one, closed in either order).

An op pays one check of one global on the fast path: ``blocks_open``, the number of mode
blocks open in all threads. Only when it is nonzero does an op look at its own thread's
modes (``this_thread()``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

blocks_open = 0  # mode blocks open in any thread; 0 keeps every op on the fast path
_lock = threading.Lock()
_local = threading.local()
_hidden_directories: list[str] = [os.path.dirname(os.path.abspath(__file__)) + os.sep]


class ThreadModes:
    """One thread's modes: how deep it is in no_grad and detect_anomaly blocks."""

    def __init__(self) -> None:
        self.no_grad_depth = 0
        self.anomaly_depth = 0
        self.ieee_depth = 0  # inside ieee_arithmetic(): ops outside their domain give inf/nan
        self.sites: dict[Any, str] = {}  # node -> "file:line" of its creation, under detect_anomaly


def this_thread() -> ThreadModes:
    """The calling thread's modes."""
    try:
        return _local.modes
    except AttributeError:
        _local.modes = ThreadModes()
        return _local.modes


class _Mode(contextlib.ContextDecorator):
    """A block that turns a mode on in the thread that enters it (usable as a decorator too)."""

    depth = ""  # the ThreadModes field this mode counts

    def __init__(self) -> None:
        self._entered: list[ThreadModes] = []

    def __enter__(self) -> _Mode:
        global blocks_open
        modes = this_thread()
        setattr(modes, self.depth, getattr(modes, self.depth) + 1)
        self._entered.append(modes)
        with _lock:
            blocks_open += 1
        return self

    def __exit__(self, *exc: object) -> None:
        global blocks_open
        modes = self._entered.pop()  # the thread that entered this block, even if another leaves it
        setattr(modes, self.depth, getattr(modes, self.depth) - 1)
        if not modes.anomaly_depth:
            modes.sites.clear()
        with _lock:
            blocks_open -= 1


class no_grad(_Mode):  # noqa: N801 (PyTorch's name)
    """Ops inside record no operands: their results are constants (leaves), as ``torch.no_grad``.

        >>> from autograd import Value, no_grad
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * x
        >>> y.is_leaf, y.data
        (True, 4.0)
    """

    depth = "no_grad_depth"


class detect_anomaly(_Mode):  # noqa: N801 (PyTorch's name)
    """Raise FloatingPointError at the first op whose forward value, or backward gradient, is nan/inf.

    The error names the op, its operands' values and the file:line of your code that made
    the node, as ``torch.autograd.detect_anomaly``. Slower: use it to find a problem.
    """

    depth = "anomaly_depth"


def grad_enabled() -> bool:
    """False inside ``no_grad()`` in this thread."""
    return not (blocks_open and this_thread().no_grad_depth)


def anomaly_sites() -> dict | None:
    """node -> "file:line" of its creation while ``detect_anomaly()`` is on in this thread, else None."""
    if not blocks_open:
        return None
    modes = this_thread()
    return modes.sites if modes.anomaly_depth else None


@contextlib.contextmanager
def ieee_arithmetic() -> Iterator[None]:
    """Inside, an op outside its domain gives IEEE's inf or nan instead of raising (1/0 = inf).

    Backward computes derivatives this way (sqrt'(0) = inf, as PyTorch); a forward pass of
    yours never does. Per thread, as the modes.
    """
    modes = this_thread()
    modes.ieee_depth += 1
    try:
        yield
    finally:
        modes.ieee_depth -= 1


def ieee() -> bool:
    """True inside ieee_arithmetic() in this thread."""
    return this_thread().ieee_depth > 0


def hide_frames_of(path: str) -> None:
    """Let ``user_site`` skip the files of the package at path (nn calls this with its own)."""
    directory = os.path.dirname(os.path.abspath(path)) + os.sep
    if directory not in _hidden_directories:
        _hidden_directories.append(directory)


def user_site() -> str:
    """file:line of the innermost frame outside the engine (and the packages that asked to be hidden)."""
    hidden = tuple(_hidden_directories)
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(hidden):
        frame = frame.f_back
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"
