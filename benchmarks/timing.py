"""A stopwatch that also adds up the time Python's cyclic garbage collector runs inside it."""

from __future__ import annotations

import gc
import time
from typing import Any


class Stopwatch:
    """``with Stopwatch() as watch: ...`` -> watch.seconds (wall) and watch.gc_seconds (in collections).

    The collector's time comes from ``gc.callbacks`` (a "start" and a "stop" call around each
    collection); ``collections`` counts them per generation.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.gc_seconds = 0.0
        self.collections = [0, 0, 0]
        self._started = 0.0
        self._gc_started = 0.0

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_seconds += time.perf_counter() - self._gc_started
            self.collections[info["generation"]] += 1

    def __enter__(self) -> Stopwatch:
        gc.callbacks.append(self._on_gc)
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.seconds = time.perf_counter() - self._started
        gc.callbacks.remove(self._on_gc)
