"""chainrule's benchmark suite: our engine side by side with micrograd, PyTorch and a float floor.

Run it with ``python -m benchmarks`` (``--quick`` for a smoke run in seconds). Each
measurement runs in its own process (``python -m benchmarks.worker``), engines take
turns, every engine's result is checked equal before a time is printed, and the
tables show medians and ratios. See ``benchmarks/README.md`` for the method.
"""
