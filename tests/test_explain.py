"""explain(out): the Explanation object, its page (the graph laid out once), save, notebooks, the CLI."""

import doctest
import html
import importlib
import json
import re
import subprocess
import sys
import time

import pytest

import nn
from autograd import Value, backward_steps, explain
from autograd.presentation.explain import MAX_NODES, Explanation
from autograd.presentation.names import forward_order, node_names
from autograd.presentation.page import rule_parts


def data_of(page_text):
    """The JSON the page's script steps through."""
    return json.loads(re.search(r"const DATA = (.*);\n", page_text).group(1))


def sigmoid_times_b():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    return a, b, a.sigmoid() * b + a**2


def test_explain_returns_the_steps_of_backward_steps():
    _, _, out = sigmoid_times_b()
    page = explain(out)
    assert isinstance(page, Explanation)
    expected = backward_steps(out)
    assert [(s.node, s.parent, s.local, s.contribution) for s in page.steps] == [
        (s.node, s.parent, s.local, s.contribution) for s in expected]
    assert repr(page) == f"Explanation of add1: 6 forward steps, {len(expected)} backward steps"
    assert "a quiz" in repr(explain(out, quiz=True))
    assert repr(explain(Value(1.0, label="solo"))) == "Explanation of solo: 1 forward step, 0 backward steps"


def test_explain_refuses_what_is_not_a_value_or_a_bool():
    with pytest.raises(TypeError, match="explain takes a Value, got float"):
        explain(2.0)
    with pytest.raises(TypeError, match="quiz must be True or False, got str"):
        explain(Value(1.0), quiz="yes")


def test_the_page_is_self_contained_with_the_graph_inline_as_svg():
    _, _, out = sigmoid_times_b()
    text = explain(out).html()
    assert text.startswith("<!DOCTYPE html>") and text.count("<svg") == 1
    assert not re.search(r"<link|@import|@font-face|<script[^>]*\bsrc=|<img", text, re.I)
    assert not re.search(r"""(src|href)=["']""", text)
    assert not re.search(r"https?://", text)
    titles = re.findall(r'<g id="[no]\d+" class="node[^"]*">\n<title>([^<]*)</title>', text)
    names = list(node_names(out).values())
    ops = [f"{name} op" for node, name in node_names(out).items() if not node.is_leaf]
    assert sorted(titles) == sorted(names + ops)  # one <g class="node"> per Value and op node


def test_moments_go_forward_in_order_then_the_seed_then_every_step_backward():
    _, _, out = sigmoid_times_b()
    data = data_of(explain(out).html())
    phases = [moment["phase"] for moment in data["moments"]]
    order, steps = forward_order(out), backward_steps(out)
    assert phases == ["start"] + ["forward"] * len(order) + ["seed"] + ["backward"] * len(steps) + ["end"]
    forward = [m for m in data["moments"] if m["phase"] == "forward"]
    assert [data["nodes"][m["focus"]]["name"] for m in forward] == [node_names(out)[n] for n in order]
    assert forward[3]["headline"] == "mul1 = sigmoid1 × b = 0.880797 × (-3.0) = -2.64239"
    backward = [m for m in data["moments"] if m["phase"] == "backward"]
    assert [data["nodes"][m["focus"]]["name"] for m in backward] == [s.parent_name for s in steps]


def test_the_rule_names_the_real_operands_and_their_values_and_times_is_never_x():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    steps = backward_steps(a.sigmoid() * b)
    names = node_names(steps[0].node)
    first = rule_parts(steps[0], names)
    assert re.fullmatch(r"d\(sigmoid1 ?× ?b\)/d sigmoid1 = b = -3\.0", first["filled"])
    assert re.fullmatch(r"d\(sigmoid1 ?× ?b\)/d sigmoid1", first["question"])
    assert re.fullmatch(r"d\(sigmoid1 ?× ?b\)/d ?b = sigmoid1", rule_parts(steps[1], names)["named"])
    sigmoid_rule = rule_parts(steps[2], names)["named"]
    assert re.fullmatch(r"d/d ?a sigmoid\(a\) = sigmoid\(a\) \(1 - sigmoid\(a\)\)", sigmoid_rule)
    text = explain(x * w).html()
    data = data_of(text)
    backward = [m for m in data["moments"] if m["phase"] == "backward"]
    assert backward[0]["headline"] == "mul1.grad × local = 1.0 × (-3.0) = -3.0 → x.grad"
    assert re.fullmatch(r"local = d\(x ?× ?w\)/d ?x = w = -3\.0", backward[0]["rule"])
    every_text = " ".join(m["headline"] + m["rule"] + m["sum"] for m in data["moments"])
    assert not re.search(r"\d x -?\d|\d\s*\*\s*-?\d", every_text)  # products are ×, never x or *
    assert "1.0 × (-3.0) = -3.0" in text  # the edge's label, in the SVG


def test_a_dot_products_rule_names_its_weight_and_input():
    model = nn.MLP(2, [2, 1], seed=0)
    out = model([Value(1.0, label="x1"), Value(-2.0, label="x2")])[0]
    steps = backward_steps(out)
    names = node_names(out)
    into_weight = next(s for s in steps if s.parent_name == "L2.n1.w1")
    assert rule_parts(into_weight, names)["named"] == "d/d L2.n1.w1 (w·x + b) = relu1"


def test_every_box_is_laid_out_for_the_longest_text_it_will_show():
    x = Value(3.0, label="x")
    out = x * x * x  # x receives three terms: "grad 9.0 (1 of 3 terms)" is its widest line
    text = explain(out).html()
    group = re.search(r"<title>x</title>(.*?)</g>", text, re.S).group(1)
    assert "grad 27.0 (2 of 3 terms)" in group or "grad 18.0 (2 of 3 terms)" in group
    data = data_of(text)
    x_changes = [change[2] for m in data["moments"] for change in m["set"]
                 if change[0] == 0 and change[1] == 2]
    assert x_changes[-1] == "grad 27.0" and len(x_changes) == 3


def test_constants_are_marked_so_the_page_can_hide_their_steps():
    x = Value(2.0, label="x")
    data = data_of(explain(x * 3 + 1).html())
    marked = [m for m in data["moments"] if m["constant"]]
    assert len(marked) == 4  # two constants: a forward step and a backward step each
    assert all(data["nodes"][m["focus"]]["kind"] == "constant" for m in marked)


def test_save_writes_the_page_and_makes_its_folder(tmp_path):
    _, _, out = sigmoid_times_b()
    page = explain(out)
    path = page.save(tmp_path / "sub" / "steps.html")
    assert path.read_text(encoding="utf-8") == page.html()
    page.save(str(tmp_path / "again.html"))
    assert (tmp_path / "again.html").stat().st_size == path.stat().st_size


def test_repr_html_is_an_iframe_holding_the_page_with_its_own_id():
    _, _, out = sigmoid_times_b()
    page = explain(out)
    first, second = page._repr_html_(), explain(out)._repr_html_()
    assert first.startswith("<iframe ") and first.endswith("</iframe>")
    ids = [re.search(r'id="([^"]+)"', each).group(1) for each in (first, second)]
    assert ids[0] != ids[1]
    inside = html.unescape(re.search(r'srcdoc="([^"]*)"', first).group(1))
    assert inside == page.html()  # the whole page, script and all: no kernel needed


def test_quiz_pages_say_so_and_carry_the_answers_to_check():
    a, b, out = sigmoid_times_b()
    data = data_of(explain(out, quiz=True).html())
    assert data["quiz"] is True and data_of(explain(out).html())["quiz"] is False
    step = next(m for m in data["moments"] if m["phase"] == "backward")
    assert step["quiz"]["local"] == 1.0 and step["quiz"]["table"] == "d(a+b)/da = 1"


def test_a_graph_too_big_to_draw_is_refused_at_once_naming_its_size_and_the_limit():
    x = Value(1.0, label="x")
    out = x
    for _ in range(MAX_NODES):
        out = out + 1.0  # each adds a constant and a sum: 801 nodes
    start = time.perf_counter()
    with pytest.raises(ValueError, match=rf"the graph has 801 nodes; the page draws at most {MAX_NODES}"):
        explain(out)
    assert time.perf_counter() - start < 1.0


def test_a_100_factor_product_builds_its_page_in_a_few_seconds():
    x = Value(1.01, label="x")
    out = x
    for _ in range(99):
        out = out * x
    start = time.perf_counter()
    text = explain(out).html()
    seconds = time.perf_counter() - start
    assert seconds < 15, f"{seconds:.1f} s"  # about 3 s on a busy 2-core machine
    assert text.count('class="node') == 100 + 99
    assert len(data_of(text)["moments"]) == 1 + 100 + 1 + 198 + 1


def run(*args):
    return subprocess.run([sys.executable, "-m", "autograd", *args], capture_output=True, text=True,
                          timeout=60)


def test_the_cli_html_and_quiz_write_explains_page(tmp_path):
    plain, quiz = tmp_path / "plain.html", tmp_path / "quiz.html"
    result = run("explain", "sigmoid(a)*b", "a=2", "b=-3", "--html", str(plain))
    assert result.returncode == 0, result.stderr
    result = run("explain", "sigmoid(a)*b", "a=2", "b=-3", "--html", str(quiz), "--quiz")
    assert result.returncode == 0, result.stderr
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    expected = data_of(explain(a.sigmoid() * b).html())
    assert data_of(plain.read_text(encoding="utf-8")) == {**expected, "quiz": False}
    assert data_of(quiz.read_text(encoding="utf-8"))["quiz"] is True
    assert "<code>sigmoid(a)*b</code>" in plain.read_text(encoding="utf-8")  # titled with the expression
    refused = run("explain", "x*2", "x=1", "--quiz")
    assert refused.returncode == 2 and "--quiz is a page" in refused.stderr


def test_the_modules_docstring_example_runs():
    result = doctest.testmod(importlib.import_module("autograd.presentation.explain"))
    assert result.attempted >= 3 and result.failed == 0


def test_a_label_with_markup_or_quotes_stays_text_and_clashing_names_get_their_own_boxes(tmp_path):
    x = Value(2.0, label='</script><b>"x')
    y, z = Value(3.0, label="x"), Value(1.0, label="x")  # two leaves called x
    text = explain(x * y + z).html()
    script = text.split("<script>")[1].split("</script>")[0]
    assert "<b>" not in script and "<b>" not in text.split("<svg")[1].split("</svg>")[0]
    assert "<title>&lt;/script&gt;&lt;b&gt;&quot;x</title>" in text
    clashing = re.findall(r"<title>(x[^<&]*)</title>", text)
    assert len(clashing) == 2 and len(set(clashing)) == 2  # x and x#2 (or the names' own x_2)
    from autograd.presentation.page import write_html

    product = y * z
    write_html(product, backward_steps(product), "y*z", tmp_path / "old" / "p.html")  # the first --html's API
    assert "<code>y*z</code>" in (tmp_path / "old" / "p.html").read_text(encoding="utf-8")
