"""The nn package: its public names, submodules, the docstring example, and no global randomness."""

import doctest
import importlib
import random
import subprocess
import sys

import nn


def test_submodules_are_attributes_and_importable():
    for name in ("init", "losses", "optim", "data"):
        module = importlib.import_module(f"nn.{name}")
        assert getattr(nn, name) is module
    for name in nn.__all__:
        assert hasattr(nn, name), name
    assert nn.SGD is nn.optim.SGD


def test_the_package_docstring_example_runs():
    state = random.getstate()
    result = doctest.testmod(nn, verbose=False)
    assert result.attempted >= 4 and result.failed == 0
    assert random.getstate() == state


def test_import_nn_does_not_import_tqdm_or_torch():
    code = "import sys, nn; print('tqdm' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
