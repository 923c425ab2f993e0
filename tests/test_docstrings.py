"""The examples in the docstrings run and print what they say (doctest)."""

import doctest
import importlib

import pytest

# the modules whose docstrings have examples
MODULES = ["autograd", "nn", "autograd.engine", "autograd.backward", "autograd.modes", "autograd.functions",
           "autograd.text", "autograd.presentation.draw", "autograd.presentation.steps",
           "autograd.presentation.names", "autograd.define", "autograd.exercises"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an example may render a file
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
