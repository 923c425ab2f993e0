"""draw: node and edge counts in the DOT source, labels, highlight, and one real render."""

import re
import subprocess

import pytest

from autograd import Value, backward_steps, dot, draw
from autograd.presentation.draw import HIGHLIGHT, graphviz_pure_binary, use_graphviz_pure_without_system_dot


def records(source: str) -> list[str]:
    return [line for line in source.splitlines() if "shape=record" in line]


def op_nodes(source: str) -> list[str]:
    return [line for line in source.splitlines() if re.match(r"\s+v\d+op \[", line)]


def edges(source: str) -> list[str]:
    return [line for line in source.splitlines() if " -> " in line]


def neuron():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    return x, w, b, (x * w + b).tanh()


def test_x_times_x_draws_two_edges_into_its_op():
    x = Value(3.0, label="x")
    source = draw(x * x).source
    assert len(records(source)) == 2 and len(op_nodes(source)) == 1
    assert [line.strip() for line in edges(source)] == ["v1op -> v1", "v0 -> v1op", "v0 -> v1op"]


def test_counts_for_a_neuron_one_edge_per_operand_slot_plus_one_per_op():
    *_, y = neuron()
    source = draw(y).source
    assert len(records(source)) == 6  # x w b, x*w, +b, tanh
    assert len(op_nodes(source)) == 3
    assert len(edges(source)) == (2 + 2 + 1) + 3


def test_dot_is_one_op_node_with_all_its_operands():
    w = [Value(0.1 * i, label=f"w{i}") for i in range(3)]
    x = [Value(1.0 + i, label=f"x{i}") for i in range(3)]
    y = dot(w, x, Value(0.5, label="b"))
    source = draw(y).source
    assert len(op_nodes(source)) == 1 and len(records(source)) == 8
    assert len([e for e in edges(source) if e.strip().endswith("-> v7op")]) == 7


def test_record_shows_label_data_grad_and_kinds_are_coloured():
    x, w, b, y = neuron()
    y.backward()
    source = draw(y).source
    assert re.search(r'label="x \| data 2\.0 \| grad -1\.5\d*"', source)
    assert 'fillcolor="#fde68a"' in records(source)[-1]  # the output
    assert "legend" in source and "legend" not in draw(y, legend=False).source
    assert "grad" not in " ".join(records(draw(y, show_grad=False).source))
    assert "rankdir=TB" in draw(y, rankdir="TB").source


def test_edge_labels_local_before_backward_and_products_after():
    x, w, b, y = neuron()
    before = draw(y, edge_labels=True).source
    assert re.search(r'v0 -> v2op \[label="x: local -3\.0"\]', before)  # the operand it belongs to
    y.backward()
    after = draw(y, edge_labels=True).source
    local = 1 - 0.706419**2  # d tanh / du at 0.88
    products = [e for e in edges(after) if " × " in e]
    assert len(products) == 5
    assert re.search(r'label="1\.0 × 0\.50\d* = 0\.50\d*"', after) and local == pytest.approx(0.501, abs=1e-3)
    assert "label" not in " ".join(edges(draw(y).source))


def test_highlight_step_marks_its_edge_and_shows_the_sum_forming():
    x = Value(3.0, label="x")
    y = x * x
    first, second = backward_steps(y)
    at_first = draw(y, highlight=first).source
    marked = [e for e in edges(at_first) if HIGHLIGHT in e]
    assert len(marked) == 1 and "d(a×b)/da" in marked[0] and "1.0 × 3.0 = 3.0" in marked[0]
    assert "grad 3.0 (1 of 2 terms)" in at_first
    at_second = draw(y, highlight=second).source
    assert "grad 3.0 + 3.0 = 6.0 (2 of 2 terms)" in at_second
    assert "d(a×b)/db" in [e for e in edges(at_second) if HIGHLIGHT in e][0]


def test_highlighted_step_shows_gradients_as_they_stand():
    x, w, b, y = neuron()
    steps = backward_steps(y)
    source = draw(y, highlight=steps[1]).source  # add1 -> mul1: x, w, b not reached yet
    assert re.search(r'label="x \| data 2\.0 \| grad"', source)
    assert re.search(r'label="b \| data 6\.88 \| grad"', source)
    assert re.search(r'label="tanh1 \| data 0\.7064 \| grad 1\.0"', source)


def test_highlight_value_shows_its_gradient_as_a_sum():
    x = Value(3.0, label="x")
    y = x * x + x
    y.backward()
    source = draw(y, highlight=x).source
    assert "grad 1.0 + 3.0 + 3.0 = 7.0" in source  # in the order backward adds them
    assert HIGHLIGHT in records(source)[0]


def test_highlight_errors():
    x = Value(1.0, label="x")
    with pytest.raises(ValueError, match="not an edge"):
        draw(x + 1, highlight=backward_steps(x * 2)[0])
    with pytest.raises(TypeError, match="highlight"):
        draw(x + 1, highlight="x")
    with pytest.raises(TypeError, match="Value"):
        draw(3.0)


def test_labels_with_record_characters_are_escaped():
    x = Value(1.0, label="a{b|c}<d>")
    assert r"a\{b\|c\}\<d\>" in draw(x * 2).source


def test_fallback_points_graphviz_at_graphviz_pure(monkeypatch):
    from pathlib import Path

    from graphviz.backend import dot_command

    monkeypatch.setattr(dot_command, "DOT_BINARY", Path("dot"))
    used = use_graphviz_pure_without_system_dot(which=lambda name: None)
    assert used == graphviz_pure_binary() and "graphviz-pure" in used
    version = subprocess.run([used, "-V"], capture_output=True, text=True, timeout=30)
    assert "graphviz" in (version.stdout + version.stderr).lower()
    monkeypatch.setattr(dot_command, "DOT_BINARY", Path("dot"))
    assert use_graphviz_pure_without_system_dot(which=lambda name: "/usr/bin/dot") == "dot"


def test_real_render_to_svg_and_png_and_jupyter(tmp_path):
    *_, y = neuron()
    y.backward()
    picture = draw(y, edge_labels=True)
    svg = picture.render(tmp_path / "graph", format="svg")
    png = picture.render(tmp_path / "graph", format="png")
    text = open(svg, encoding="utf-8").read()
    assert "<svg" in text and "tanh1" in text and "data 0.7064" in text
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in picture._repr_mimebundle_()["image/svg+xml"]


def test_unlabelled_weights_and_biases_are_parameters_not_constants():
    y = dot([Value(0.5)], [Value(2.0, label="x")], Value(0.1)) * 3
    source = draw(y).source
    weight = [line for line in records(source) if "dot1.w1" in line][0]
    three = [line for line in records(source) if "const1" in line][0]
    assert 'fillcolor="#dcfce7"' in weight and 'fillcolor="#f3f4f6"' in three


def test_gradients_held_as_values_after_create_graph():
    x = Value(3.0, label="x")
    y = x * x * x
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    assert re.search(r'label="x \| data 3\.0 \| grad 27\.0"', draw(y).source)


def test_legend_lists_only_the_kinds_shown_and_sums_read_naturally():
    x = Value(2.0, label="x")
    y = x * x * 3
    y.backward()
    legend = [line for line in draw(y).source.splitlines() if line.strip().startswith("legend")][0]
    assert "constant (leaf)" in legend and "weight or bias" not in legend
    assert "constant" not in [line for line in draw(x * x).source.splitlines() if "legend" in line][0]
    z = -x + x * (-2.0)  # x.grad = -1 + (-2)
    assert "grad -1.0 + (-2.0) = -3.0" in draw(z, highlight=x).source  # before backward too


def test_renders_with_no_dot_and_no_scripts_directory_on_path(tmp_path):
    import sys

    code = ("from autograd import Value, draw; x = Value(2.0, label='x'); y = x * x; y.backward(); "
            "print(draw(y).pipe(format='svg').decode()[-200:])")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "</svg>" in result.stdout


def test_each_neurons_own_weights_and_bias_are_boxed_together():
    xs = [Value(1.0, label="x1"), Value(2.0, label="x2")]
    first = dot([Value(0.1), Value(0.2)], xs, Value(0.0))
    second = dot([Value(0.3), Value(0.4)], xs, Value(0.0))
    source = draw(first.tanh() + second.tanh()).source
    boxes = re.findall(r"subgraph cluster_v\d+ \{(.*?)\n\t\}", source, re.S)
    assert len(boxes) == 2
    assert all(len(records(box)) == 3 and "x1" not in box for box in boxes)  # w1, w2, b; the shared x outside
    assert 'label="dot1: weights, bias"' in boxes[0] or 'label="dot1: weights, bias"' in boxes[1]
    assert len(records(source)) == 13  # every Value still drawn exactly once


def test_an_intermediate_in_a_weight_slot_keeps_its_own_op_and_edges():
    # mse's sum of squares is dot(d, d) with d = pred - target: d is not a parameter box
    x = Value(2.0, label="x")
    d = x - 1.0
    y = dot([d], [d])
    source = draw(y).source
    assert source.count("->") == 6  # x, const -> (-) -> d; d, d -> (w.x+b) -> y
    assert "weights, bias" not in source
