"""Workload 5: the wall time of the ``python -m demos`` tour (so the tour stays fast)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def available() -> str | None:
    """None when the tour exists; else why not."""
    if not os.path.isdir(os.path.join(ROOT, "demos")):
        return "not available: demos/ does not exist yet"
    return None


def tour(timeout: float) -> dict:
    """Run ``python -m demos`` once, non-interactive, pictures into a temporary folder; its wall time."""
    import tempfile

    env = dict(os.environ, MPLBACKEND="Agg")
    with tempfile.TemporaryDirectory(prefix="chainrule-tour-") as out:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "demos", "--out", out, "--no-progress"], cwd=ROOT,
                              env=env, timeout=timeout, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"error": f"python -m demos exited {done.returncode}: {tail[0]}"}
    return {"seconds": seconds, "loss": 0.0, "grads": []}
