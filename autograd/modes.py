"""The modes ``no_grad`` and ``detect_anomaly``: per thread, nesting and unwinding in any order.

Each thread has its own modes, as in PyTorch (and, as there, they belong to the thread,
not to an asyncio task: tasks sharing a thread share its modes). Each block of a mode puts a
token of its own on its thread's list and takes that token away when it ends, so blocks nest,
and unwind correctly even when they are left out of order (two generators each holding one,
closed in either order).

An op pays one check of one global on the fast path: ``blocks_open``, a token for each mode
block open in any thread. Only when there is one does an op look at its own thread's modes
(``this_thread()``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

blocks_open: list[object] = []  # a token per mode block open in any thread; empty: every op on the fast path
_local = threading.local()
_hidden_directories: list[str] = [os.path.dirname(os.path.abspath(__file__)) + os.sep]


class ThreadModes:
    """One thread's modes: its open no_grad and detect_anomaly blocks (one token each)."""

    def __init__(self) -> None:
        self.no_grad_blocks: list[object] = []
        self.anomaly_blocks: list[object] = []
        self.ieee_depth = 0  # inside ieee_arithmetic(): ops outside their domain give inf/nan
        self.sites: dict[Any, str] = {}  # node -> "file:line" of its creation, under detect_anomaly

    @property
    def no_grad_depth(self) -> int:
        return len(self.no_grad_blocks)

    @property
    def anomaly_depth(self) -> int:
        return len(self.anomaly_blocks)


def this_thread() -> ThreadModes:
    """The calling thread's modes."""
    try:
        return _local.modes
    except AttributeError:
        _local.modes = ThreadModes()
        return _local.modes


def _discard(items: list, item: object) -> None:
    """Remove item from the list if it is there (by identity or equality, as list.remove)."""
    if item in items:
        items.remove(item)


class _Mode(contextlib.ContextDecorator):
    """A block that turns a mode on in the thread that enters it (usable as a decorator too).

    Entering adds a token to the global list first, then to the thread's; leaving removes them
    in the other order. Each is one C call, so an interrupt in between can at worst leave a
    global token behind (ops then look at their thread's modes: slower, never wrong), never a
    mode on in a thread that left its block.
    """

    blocks = ""  # the ThreadModes list this mode's tokens go to

    def __init__(self) -> None:
        self._entered: list[tuple[ThreadModes, object]] = []

    def __enter__(self) -> _Mode:
        token, modes = object(), this_thread()
        thread_blocks = getattr(modes, self.blocks)
        blocks_open.append(token)
        try:
            self._entered.append((modes, token))
            thread_blocks.append(token)
            return self
        except BaseException:  # an interrupt after any of the appends: take back each that was made
            _discard(thread_blocks, token)
            _discard(self._entered, (modes, token))
            _discard(blocks_open, token)
            raise

    def __exit__(self, *exc: object) -> None:
        modes, token = self._entered.pop()  # the thread that entered this block, even if another leaves it
        try:
            getattr(modes, self.blocks).remove(token)
            if not modes.anomaly_blocks:
                modes.sites.clear()
        finally:
            blocks_open.remove(token)


class no_grad(_Mode):  # noqa: N801 (PyTorch's name)
    """Ops inside record no operands: their results are constants (leaves), as ``torch.no_grad``.

        >>> from autograd import Value, no_grad
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * x
        >>> y.is_leaf, y.data
        (True, 4.0)
    """

    blocks = "no_grad_blocks"


class detect_anomaly(_Mode):  # noqa: N801 (PyTorch's name)
    """Raise FloatingPointError at the first op whose forward value, or backward gradient, is nan/inf.

    The error names the op, its operands' values and the file:line of your code that made
    the node, as ``torch.autograd.detect_anomaly``. Slower: use it to find a problem.

    >>> from autograd import Value
    >>> x = Value(1e200)
    >>> with detect_anomaly():  # doctest: +ELLIPSIS
    ...     y = x * x                         # 1e400 overflows to inf
    Traceback (most recent call last):
    FloatingPointError: detect_anomaly: forward of * gave inf: 1e+200 * 1e+200, created at ...
    """

    blocks = "anomaly_blocks"


def grad_enabled() -> bool:
    """False inside ``no_grad()`` in this thread."""
    return not (blocks_open and this_thread().no_grad_blocks)


def anomaly_sites() -> dict | None:
    """node -> "file:line" of its creation while ``detect_anomaly()`` is on in this thread, else None."""
    if not blocks_open:
        return None
    modes = this_thread()
    return modes.sites if modes.anomaly_blocks else None


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
