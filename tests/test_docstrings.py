"""The examples in the docstrings run and print what they say (doctest)."""

import doctest
import importlib

import pytest

MODULES = ["autograd", "nn", "autograd.draw", "autograd.steps"]  # the modules whose docstrings have examples


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an example may render a file
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
