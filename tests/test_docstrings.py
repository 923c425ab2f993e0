"""The examples in the docstrings run and print what they say (doctest)."""

import doctest
import importlib

import pytest

from autograd import rules

# the modules whose docstrings have examples
MODULES = ["autograd", "nn", "autograd.engine", "autograd.backward", "autograd.modes", "autograd.functions",
           "autograd.text", "autograd.gradcheck", "autograd.presentation.draw", "autograd.presentation.steps",
           "autograd.presentation.names", "autograd.define", "autograd.exercises"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an example may render a file
    module = importlib.import_module(name)
    tables = [(table, dict(table)) for table in rules.TABLES]  # an example may define_op an operation
    try:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    finally:
        for table, rows in tables:
            table.clear()
            table.update(rows)
    assert result.attempted > 0 and result.failed == 0
