"""Hostile input, as properties and as the strings a hostile user types: nn.load given every
truncation of a good file, a record with a field replaced by random JSON, random bytes; the
explain command given random expressions, random unicode, huge exponents, deep nesting and very
long input. Each is a clear error (the documented type, a message naming the problem), never a
traceback. The exact message of each bad file or argument is in the module's own test file
(tests/test_nn_io_messages.py, tests/test_engine_values.py, ...).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from samples import GOOD, GOOD_TEXT

import nn
from autograd.presentation.cli import main
from nn import MLP, Layer, Neuron

# --- nn.load ---


@given(st.integers(1, len(GOOD_TEXT) - 1))
def test_load_of_every_truncation_of_a_good_file_is_a_value_error(cut):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "cut.json"
        path.write_text(GOOD_TEXT[:cut])
        with pytest.raises(ValueError, match="cannot load model from"):
            nn.load(path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(st.sampled_from(sorted(GOOD)), json_values)
def test_load_of_a_record_with_one_field_replaced_by_random_json_loads_or_is_a_value_error(key, value):
    import tempfile
    from pathlib import Path

    record = dict(GOOD, **{key: value})
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "m.json"
        path.write_text(json.dumps(record))
        try:
            model = nn.load(path)
        except ValueError as error:
            assert str(error).startswith("cannot load model from")
        else:  # only a value the format allows: the model is the file's
            assert isinstance(model, (MLP, Layer, Neuron))


@given(st.binary(max_size=200))
def test_load_of_random_bytes_is_a_value_error(content):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "random.json"
        path.write_bytes(content)
        with pytest.raises(ValueError, match="cannot load model from"):
            nn.load(path)


# --- the explain command ---


def explain(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["explain", *args])
    return status, out.getvalue(), err.getvalue()


def assert_clean_refusal(status, err, words):
    assert status == 2
    lines = err.strip().splitlines()
    assert lines[-1].startswith("error: ") and words in lines[-1], err
    assert "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize(("args", "words"), [
    (("2**10**10",), "overflow"),
    (("x**1e308", "x=2"), "overflow"),
    (("x**99999999999999999999999", "x=2"), "overflow"),
    (("2**x", "x=2000"), "overflow"),
    (("exp(x)", "x=1000"), "exp overflow"),
    (("1e999*x", "x=1"), "too large"),
    (("1" + "0" * 400 + "*x", "x=1"), "too large"),
    (("(" * 300 + "x" + ")" * 300, "x=1"), "nested"),
    (("-" * 900 + "x", "x=1"), "nested"),
    (("x" + "+x" * 600, "x=1"), "characters long"),
    (("x*" * 100_000 + "x", "x=1"), "characters long"),
    (("x", "x=" + "9" * 5000), "finite"),
    (("x", "x=nan"), "finite"),
    (("x", "x=-inf"), "finite"),
    (("\x00",), "null"),
    (("x\udcff", "x=1"), "not a valid expression"),
    (("sin(1e308*10*x)", "x=1"), "sin of inf"),
])
def test_explain_refuses_hostile_input_in_one_line_with_status_2(args, words):
    status, out, err = explain(*args)
    assert_clean_refusal(status, err, words)
    assert out == ""


TOKENS = list("xy0123456789.e+-*/() ,") + ["exp(", "log(", "sqrt(", "tanh(", "relu(", "**9", "1e308", "abs(",
                                          "**"]


expression_text = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@given(expression_text)
def test_explain_on_random_expressions_never_a_traceback(expression):
    status, out, err = explain(expression, "x=0.5", "y=-2")
    assert status in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if status == 0:
        assert all(line.startswith("note: ") for line in err.splitlines()) and "output" in out
    else:
        assert err.strip().splitlines()[-1].startswith("error: ") and out == ""


@given(st.text(max_size=40))
def test_explain_on_random_unicode_never_a_traceback(expression):
    status, out, err = explain(expression, "x=1")
    assert status in (0, 2) and "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("args", [
    ["2**10**10"],
    ["(" * 5000 + "x" + ")" * 5000, "x=1"],
    ["x" * 120_000, "x=1"],
    [b"x\xff".decode("utf-8", "surrogateescape"), "x=1"],
])
def test_explain_by_subprocess_prints_no_traceback(args):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "autograd", "explain", *args], capture_output=True,
                            timeout=60, env=env)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2 and b"Traceback" not in result.stderr, err
    assert err.count("\n") == 1 and err.startswith("error: ")

