"""Pictures cost about linear time in the graph: a graph too big is refused at once, wide fan-out is quick."""

import re
import time

import pytest

from autograd import Value, backward_steps, draw
from autograd.presentation.draw import MANY_USES, MAX_NODES, check_size
from autograd.presentation.frames import frame


def chain(length: int) -> Value:
    node = Value(0.5, label="x")
    for _ in range(length):
        node = node * 1.0001
    return node


def test_ten_thousand_nodes_are_refused_at_once_with_the_size_and_the_limit():
    big = chain(5000)  # 5001 products, 5000 constants: 10,001 values
    start = time.perf_counter()
    with pytest.raises(ValueError, match=rf"10001 values; the limit for a picture is {MAX_NODES}"):
        draw(big)
    assert time.perf_counter() - start < 1.0
    assert check_size(chain(10)) == 21


def test_a_huge_graph_is_counted_only_up_to_a_bound():
    with pytest.raises(ValueError, match=r"more than 1000 values; the limit for a picture is 10\b"):
        check_size(chain(800), limit=10)


def test_one_leaf_feeding_eighty_nodes_is_drawn_quickly_with_a_copy_at_each_use():
    x = Value(1.0, label="x")
    fan = sum((x * float(index) for index in range(80)), Value(0.0))
    fan.backward()
    start = time.perf_counter()
    graph = draw(fan, edge_labels=True)
    svg = graph.pipe(format="svg").decode()
    assert time.perf_counter() - start < 20.0
    copies = re.findall(r"^\s+(v\d+_in_v\d+_\d+) \[", graph.source, re.M)
    assert len(copies) == 80 and 80 > MANY_USES
    assert not re.search(r"^\s+v1 -> ", graph.source, re.M)  # no long edge from x itself
    assert "again at each use" in svg  # the legend explains the dashed copies


def test_a_few_uses_keep_their_own_edges():
    x = Value(2.0, label="x")
    y = x * x + x
    assert len(re.findall(r"^\s+v0 -> ", draw(y).source, re.M)) == 3
    assert "_in_" not in draw(y).source


def test_a_label_of_100000_backslashes_is_quick_and_cut_short():
    long = Value(1.0, label="\\" * 100_000)
    y = long * 2
    y.backward()
    start = time.perf_counter()
    png = draw(y, edge_labels=True).pipe(format="png")
    assert time.perf_counter() - start < 10.0
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(draw(y).source) < 5000


def test_a_frame_reuses_the_steps_it_is_given(monkeypatch):
    x = Value(3.0, label="x")
    y = (x * x).tanh()
    steps = backward_steps(y)
    y.backward()
    import autograd.presentation.draw as drawing

    def forbidden(*args, **kwargs):
        raise AssertionError("a frame recomputed the steps")

    monkeypatch.setattr(drawing, "backward_steps", forbidden)
    assert all("digraph" in frame(y, steps, number).source for number in range(len(steps) + 1))


def test_frames_lay_the_graph_out_once_and_render_each_frame_without_layout(monkeypatch):
    import graphviz

    from autograd.presentation.frames import frames, render

    x = Value(1.001, label="x")
    y = x
    for _ in range(29):
        y = y * x  # 30 factors: 29 products, 58 steps, x used 30 times
    steps = backward_steps(y)
    y.backward()
    calls = []
    original = graphviz.Digraph.pipe

    def counted(self, *args, **kwargs):
        calls.append((self.engine, kwargs.get("format"), kwargs.get("neato_no_op")))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(graphviz.Digraph, "pipe", counted)
    start = time.perf_counter()
    pictures = frames(y, steps)
    assert calls == [("dot", "json", None)]  # one layout for all 59 frames
    assert render(pictures[5], "svg").startswith(b"<?xml")
    assert calls[1] == ("neato", "svg", 2)  # a frame only draws, at the pinned positions
    assert len(pictures) == len(steps) + 1 == 59 and time.perf_counter() - start < 30.0
