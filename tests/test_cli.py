"""python -m autograd explain: numbers, frames, the page, and every kind of hostile input."""

import contextlib
import io
import json
import math
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import backward_steps
from autograd.presentation.cli import build, main, names_in, parse_expression, parse_variables


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "autograd", *args], capture_output=True, text=True,
                          timeout=60, cwd=cwd)


def run_here(*args):
    """main() in this process (fast, for hypothesis): (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_explain_prints_forward_steps_and_gradients():
    result = run("explain", "tanh(x*w + b)", "x=2", "w=-3", "b=6.88")
    assert result.returncode == 0 and result.stderr == ""
    out = result.stdout
    assert re.search(r"^\s+tanh1\s+tanh\s+add1\s+0\.706419\s+<- output$", out, re.M)
    assert re.search(r"^\s+mul1\s+×\s+x, w\s+-6\.0$", out, re.M)
    local = 1 - math.tanh(0.88) ** 2
    rows = re.findall(r"^\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(d.*)$", out, re.M)
    assert [(r[1], r[2]) for r in rows] == [("tanh1", "add1"), ("add1", "mul1"), ("add1", "b"), ("mul1", "x"),
                                            ("mul1", "w")]
    assert (float(rows[0][4]) == pytest.approx(local, rel=1e-5)
            and rows[0][6] == "d/d add1 tanh(add1) = 1 - tanh(add1)^2")
    assert rows[3][6] == "d(x × w)/dx = w"  # the rule names the real operands
    assert float(rows[3][5]) == pytest.approx(-3 * local, rel=1e-5)
    gradients = dict(re.findall(r"dtanh1/d(\w+)\s*= \w+\.grad = (\S+)", out))
    assert float(gradients["x"]) == pytest.approx(-3 * local, rel=1e-5)
    assert float(gradients["w"]) == pytest.approx(2 * local, rel=1e-5)
    assert float(gradients["b"]) == pytest.approx(local, rel=1e-5)


def test_numbers_are_constants_a_literal_exponent_stays_on_the_node():
    status, out, _ = run_here("explain", "3*x**2 - x/4", "x=2")
    assert status == 0
    assert re.search(r"^\s+pow1\s+\*\*2\s+x\s+4\.0$", out, re.M)
    assert re.search(r"dsub1/dx\s*= x\.grad = 11\.75$", out, re.M)  # 6x - 1/4


def test_frames_one_picture_per_step_plus_the_seed(tmp_path):
    result = run("explain", "x*x + y", "x=3", "y=1", "--frames", str(tmp_path / "frames"))
    assert result.returncode == 0, result.stderr
    files = sorted((tmp_path / "frames").glob("step_*"))
    assert [f.name for f in files] == [f"step_{n:03d}.png" for n in range(5)]  # 4 edges + the seed
    assert all(f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for f in files)
    svg = run("explain", "x*x", "x=3", "--frames", str(tmp_path / "svg"), "--format", "svg")
    assert svg.returncode == 0
    texts = [f.read_text() for f in sorted((tmp_path / "svg").glob("step_*"))]
    assert len(texts) == 3 and all("<svg" in t for t in texts)
    assert "step 2 of 2: x.grad += 1.0 (upstream) × 3.0 (d(a×b)/db) = 3.0" in texts[2]  # x*x keeps a, b
    assert "grad 3.0 + 3.0 = 6.0 (2 of 2 terms)" in texts[2]  # the sum forming
    assert "grad 3.0 (1 of 2 terms)" in texts[1]
    assert re.search(r">grad</text>", texts[0])  # x not reached yet: no gradient


def test_html_page_is_self_contained_and_holds_every_step(tmp_path):
    page = tmp_path / "sub" / "explain.html"
    result = run("explain", "tanh(x*w + b)", "x=2", "w=-3", "b=6.88", "--html", str(page))
    assert result.returncode == 0, result.stderr
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"https?://", text)  # nothing fetched: no scripts, styles or fonts from elsewhere
    assert not re.search(r"<link|@import|@font-face|<script[^>]*\bsrc=", text, re.I)
    assert not re.search(r"""(src|href)=["'](?!data:)""", text)
    for marker in ['id="prev"', 'id="next"', 'type="range"', "keydown", "ArrowRight", 'id="headline"',
                   'id="grads"']:
        assert marker in text
    data = json.loads(re.search(r"const DATA = (.*);\n", text).group(1))
    tree = parse_expression("tanh(x*w + b)")
    steps = backward_steps(build(tree, parse_variables(["x=2", "w=-3", "b=6.88"], ["x", "w", "b"])))
    backward = [m for m in data["moments"] if m["phase"] == "backward"]
    assert len(backward) == len(steps) and text.count("<svg") == 1  # the graph inline, laid out once
    assert [data["nodes"][m["focus"]]["name"] for m in backward] == [s.parent_name for s in steps]
    x_grads = [change[2] for m in backward for change in m["set"] if data["nodes"][change[0]]["name"] == "x"]
    assert x_grads == ["grad -1.503"]


@pytest.mark.parametrize("expression, says", [
    ("x.__class__", "attribute access"),
    ("x[0]", "subscripts"),
    ("__import__('os').system('ls')", "calling"),
    ("open('f')", "calling open"),
    ("lambda: 1", "lambda"),
    ("[x for x in y]", "comprehensions"),
    ("'text'", "strings"),
    ("import os", "statement (Import)"),
    ("x = 1", "statement (Assign)"),
    ("x; x", "';'"),
    ("(x := 3)", "assignment"),
    ("x % 2", "%"),
    ("x < 1", "comparisons"),
    ("tanh", "is a function"),
    ("tanh(x, 2)", "one argument"),
    ("tanh(x=1)", "keyword"),
    ("True", "True"),
    ("1j", "complex"),
    ("x if x else 1", "conditional"),
    ("", "empty"),
    ("x +", "not a valid expression"),
    ("2**10**10", "overflow"),
    ("10**10**10**10", "overflow"),
    ("x**1e300", "overflow"),
    ("log(x - 2)", "log"),
    ("1/(x-2)", "division by zero"),
    ("1e999", "too large"),
    ("9" * 400, "too large"),
    ("x" + "+x" * 600, "characters long"),
    ("-" * 400 + "x", "nested too deeply"),
    ("(" * 300 + "x" + ")" * 300, "nested"),
    ("-" * 150 + "exp(" * 60 + "x" + ")" * 60, "nested too deeply"),
])  # fmt: skip
def test_hostile_expressions_are_refused_in_one_line(expression, says):
    result = run("explain", expression, "x=2")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stdout == ""
    error = [line for line in result.stderr.splitlines() if not line.startswith("note:")]
    assert len(error) == 1 and error[0].startswith("error: ") and says in error[0]


@pytest.mark.parametrize("arguments, says", [
    (["x*y", "x=abc", "y=1"], "'abc' is not a number"),
    (["x*y", "x=1"], "no value for y"),
    (["x*y", "x=1", "y"], "y has no value"),
    (["x", "x=nan"], "finite"),
    (["x", "x=inf"], "finite"),
    (["x", "x=1", "x=2"], "twice"),
    (["x", "1x=2"], "name=number"),
    (["x", "x=1", "--frames"], "needs a value"),
    (["x", "x=1", "--bogus"], "unknown option"),
    (["x", "x=1", "--format", "gif"], "png or svg"),
])  # fmt: skip
def test_bad_variables_and_options_exit_2(arguments, says):
    status, out, err = run_here("explain", *arguments)
    assert status == 2 and out == "" and says in err and len(err.strip().splitlines()) == 1


def test_usage_help_and_unknown_command():
    assert run().returncode == 2
    helped = run("explain", "--help")
    assert helped.returncode == 0 and "usage:" in helped.stdout
    assert run("frobnicate").returncode == 2


def test_an_expression_may_start_with_minus_and_unused_variables_are_noted():
    status, out, err = run_here("explain", "-x*2", "x=3", "z=1")
    assert status == 0 and "dmul1/dx = x.grad = -2.0" in out and "z is not in the expression" in err


EXPRESSION_CHARACTERS = "xyw0123456789.+-*/() e,_abcdefghijklmnopqrstuvwxyz[]{}'\"=;:<>%@~!&|^\\#\n\t"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(EXPRESSION_CHARACTERS, max_size=40), st.text(max_size=30),
                 st.lists(st.sampled_from(["x", "y", "tanh(", "exp(", "log(", ")", "**", "*", "/", "-", "+",
                                           "2", "0", "1e308", "(", "relu(", "sqrt(", ".5"]),
                          max_size=25).map("".join)))
def test_random_strings_exit_0_or_2_never_a_traceback_in_process(expression):
    status, out, err = run_here("explain", expression, "x=2", "y=-0.5")
    assert status in (0, 2), err
    assert "Traceback" not in out + err
    if status == 2:
        assert out == "" and err.startswith(("error: ", "note: "))


@settings(max_examples=12, deadline=None)
@given(st.text(EXPRESSION_CHARACTERS.replace("\\", ""), min_size=1, max_size=30)
       .filter(lambda s: "\x00" not in s))
def test_random_strings_by_subprocess(expression):
    result = run("explain", expression, "x=2")
    assert result.returncode in (0, 2) and "Traceback" not in result.stdout + result.stderr


def test_frames_replace_a_previous_runs_frames_and_too_many_steps_are_refused(tmp_path):
    assert run_here("explain", "x*x*x", "x=2", "--frames", str(tmp_path))[0] == 0
    assert len(list(tmp_path.glob("step_*.png"))) == 5
    assert run_here("explain", "x*x", "x=2", "--frames", str(tmp_path))[0] == 0
    assert sorted(p.name for p in tmp_path.glob("step_*")) == ["step_000.png", "step_001.png", "step_002.png"]
    status, out, err = run_here("explain", "(" + "+".join(["x*x*x"] * 70) + ")", "x=1", "--html",
                                str(tmp_path / "p.html"))
    assert status == 2 and "too many" in err and out == ""


def test_a_file_where_the_frames_directory_should_be_fails_cleanly(tmp_path):
    (tmp_path / "taken").write_text("")
    status, _, err = run_here("explain", "x", "x=1", "--frames", str(tmp_path / "taken"))
    assert status == 1 and err.startswith("error: cannot write")


def test_no_dot_program_is_one_line_not_a_traceback(tmp_path, monkeypatch):
    from pathlib import Path

    from graphviz.backend import dot_command

    monkeypatch.setattr(dot_command, "DOT_BINARY", Path("/nonexistent/dot"))
    status, _, err = run_here("explain", "x*2", "x=1", "--frames", str(tmp_path))
    assert status == 1 and err == ("error: cannot draw: no dot program (install Graphviz, or graphviz-pure "
                                   "with pip)\n")


def expressions(depth: int = 3):
    """Valid expressions over x and y (numbers, + - * / **, unary minus, the functions)."""
    leaf = st.sampled_from(["x", "y", "2", "0.5", "3"])
    if depth == 0:
        return leaf
    inner = expressions(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, st.sampled_from(["2", "3", "-1"])).map(lambda t: f"{t[0]}**{t[1]}"),
        st.tuples(st.sampled_from(["tanh", "sigmoid", "sin", "exp", "relu", "abs", "-"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"),
    )


@settings(max_examples=60, deadline=None)
@given(expressions(), st.floats(-2, 2).map(lambda v: round(v, 3)),
       st.floats(0.1, 2).map(lambda v: round(v, 3)))
def test_valid_expressions_print_the_engines_gradients(expression, x, y):
    from autograd import Value
    from autograd.text import shown as format_number

    status, out, err = run_here("explain", expression, f"x={x}", f"y={y}")
    assert status in (0, 2) and "Traceback" not in out + err
    if status == 2:
        assert err.startswith(("error: cannot compute", "note: "))
        return
    tree = parse_expression(expression)
    values = {"x": Value(float(x), label="x"), "y": Value(float(y), label="y")}
    output = build(tree, values)
    output.backward()
    for name in names_in(tree):
        assert re.search(rf"/d{name} = {name}\.grad = {re.escape(format_number(values[name].grad))}$", out,
                         re.M)
    assert len(re.findall(r"^\s+\d+\s", out.split("backward (")[1], re.M)) == len(backward_steps(output))


def test_comments_are_refused_and_terminal_escapes_never_echoed():
    status, out, err = run_here("explain", "x*2 # \x1b[31mred", "x=1")
    assert status == 2 and out == "" and err == "error: comments (#) are not allowed in the expression\n"
    status, out, err = run_here("explain", "x", "--\x1b]0;title\x07", "x=1")
    assert status == 2 and "\x1b" not in err and "\x07" not in err and "\\x1b" in err
    status, out, err = run_here("explain", "x", "x=1\x1b[2J")
    assert status == 2 and "\x1b" not in err
    status, out, err = run_here("explain", "x", "x=\u202e1")
    assert status == 2 and "\u202e" not in err and "\\u202e" in err
    result = run("explain", "x*2", "x=1", "y=\x1b[31m3")  # an ignored assignment's note
    assert result.returncode == 0 and "\x1b" not in result.stderr and "\\x1b" in result.stderr


def test_nfkc_equivalent_names_are_the_same_variable():
    for expression, assignment in [("ｘ*2", "ｘ=3"), ("x*2", "ｘ=3"), ("ｘ*2", "x=3")]:
        status, out, err = run_here("explain", expression, assignment)
        assert (status, err) == (0, ""), (expression, assignment, err)
        assert re.search(r"= x\.grad = 2\.0$", out, re.M)


def test_a_variable_named_like_an_automatic_node_name_does_not_clash():
    status, out, _ = run_here("explain", "mul1*x*y", "mul1=2", "x=3", "y=4")
    assert status == 0
    names = [row.split()[0] for row in out.split("forward")[1].split("backward")[0].splitlines()[2:]
             if row.strip()]
    assert len(names) == len(set(names)) and names.count("mul1") == 1
    assert re.search(r"^\s+mul1\s+input\s+2\.0$", out, re.M)
    assert re.search(r"= mul1\.grad = 12\.0$", out, re.M)


def test_frames_never_delete_or_overwrite_a_users_own_step_files(tmp_path):
    mine = tmp_path / "step_000.png"
    mine.write_bytes(b"my holiday photo")
    (tmp_path / "step_007.svg").write_bytes(b"<svg>mine</svg>")
    status, out, err = run_here("explain", "x*x", "x=2", "--frames", str(tmp_path))
    assert status == 2 and "step_000.png and 1 more not written by explain" in err
    assert mine.read_bytes() == b"my holiday photo" and (tmp_path / "step_007.svg").exists()
    ours = tmp_path / "ours"
    assert run_here("explain", "x*x*x", "x=2", "--frames", str(ours))[0] == 0
    (ours / "step_999.png").write_bytes(b"not ours")
    assert run_here("explain", "x*x", "x=2", "--frames", str(ours))[0] == 2  # a foreign file appeared
    (ours / "step_999.png").unlink()
    (ours / "notes.txt").write_text("keep me")
    assert run_here("explain", "x*x", "x=2", "--frames", str(ours))[0] == 0
    assert sorted(p.name for p in ours.glob("step_*")) == ["step_000.png", "step_001.png", "step_002.png"]
    assert (ours / "notes.txt").read_text() == "keep me"


def test_a_strict_ascii_stdout_gets_ascii_output_not_an_internal_error():
    import os

    env = dict(os.environ, PYTHONIOENCODING="ascii:strict")
    result = subprocess.run([sys.executable, "-m", "autograd", "explain", "x*w", "x=2", "w=3"],
                            capture_output=True, timeout=60, env=env)  # fmt: skip
    assert result.returncode == 0 and result.stderr == b""
    out = result.stdout.decode("ascii")
    assert "d(x * w)/dx = w" in out and "= w.grad = 2.0" in out and "internal error" not in out


def test_name_calls_the_output_the_same_in_the_tables_and_every_frame(tmp_path):
    status, out, err = run_here("explain", "tanh(x*w)", "x=1", "w=2", "--name", "o", "--frames",
                                str(tmp_path), "--format", "svg")  # fmt: skip
    assert status == 0 and err == ""
    assert re.search(r"^\s+o\s+tanh\s+mul1\s+\S+\s+<- output$", out, re.M) and "do/dx = x.grad" in out
    frames = [path.read_text() for path in sorted(tmp_path.glob("step_*.svg"))]
    assert len(frames) == 4 and all(">o</text>" in frame and "tanh1" not in frame for frame in frames)
    assert run_here("explain", "x*w", "x=1", "w=2", "--name", "x")[0] == 2
    assert "not-a-name" in run_here("explain", "x*w", "x=1", "w=2", "--name=not-a-name")[2]
