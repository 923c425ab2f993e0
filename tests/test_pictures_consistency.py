"""One graph, many pictures: the same names everywhere, operands in order, a legend for every mark."""

import re

import nn
from autograd import Value, backward_steps, dot, draw
from autograd.presentation.frames import frame


def neuron():
    x1, x2, w1, w2, b = (Value(v, label=n) for n, v in [("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0),
                                                         ("b", 6.88)])  # fmt: skip
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.label = "o"
    return o


def names_in(source: str) -> set[str]:
    return set(re.findall(r'\[label="([^ |"]+) \|', source))


def test_the_output_is_o_in_the_forward_picture_the_backward_picture_and_every_frame():
    o = neuron()
    forward = draw(o, show_grad=False).source
    steps = backward_steps(o)
    o.backward()
    pictures = ([forward, draw(o, edge_labels=True).source]
                + [frame(o, steps, n).source for n in range(len(steps) + 1)])
    assert all(names_in(source) == names_in(forward) for source in pictures)
    assert "o" in names_in(forward) and "tanh1" not in " ".join(pictures)


def test_operands_keep_their_order_and_edge_labels_name_their_operand():
    o = neuron()
    o.backward()
    source = draw(o, edge_labels=True).source
    assert all("ordering=in" in line for line in source.splitlines() if re.match(r"\s+v\d+op \[", line))
    edges = [line for line in source.splitlines() if "op [label=" in line and " -> " in line]
    into_first_product = [line for line in edges if "-> v2op" in line]  # x1 * w1: x1 (v0), then w1 (v1)
    assert [line.split(" ->")[0].strip() for line in into_first_product] == ["v0", "v1"]
    assert 'label="x1: ' in into_first_product[0] and 'label="w1: ' in into_first_product[1]


def test_the_legend_explains_the_red_marks_of_a_frame():
    o = neuron()
    steps = backward_steps(o)
    o.backward()
    legend = [line for line in frame(o, steps, 3).source.splitlines()
              if line.lstrip().startswith("legend")][0]
    assert "red: this step's edge and the value receiving it" in legend
    assert "red border: the value passing its gradient down" in legend
    plain = [line for line in draw(o).source.splitlines() if line.lstrip().startswith("legend")][0]
    assert "red" not in plain  # nothing marked, nothing to explain


def test_mlp_inputs_are_x_i_and_mse_is_a_sum_of_squares():
    model = nn.MLP(2, [2, 1], seed=0)
    loss = nn.losses.mse([model([1.0, -2.0])[0], model([0.5, 0.5])[0]], [1.0, 0.0])
    source = draw(loss).source
    names = names_in(source)
    assert {"x1", "x2", "x1_2", "x2_2", "sumsq1"} <= names
    assert not any(re.match(r"dot\d+\.x", name) for name in names)
    assert 'label="Σ u²"' in source and source.count('label="w·x+b"') == 6  # 3 neurons x 2 samples
    assert 'label="w·x"' in draw(dot([Value(1.0)], [Value(2.0)])).source  # no bias: no "+b"


def test_frames_are_laid_out_once_every_node_in_the_same_place_and_size():
    import struct

    from autograd.presentation.frames import frames, render

    o = neuron()
    steps = backward_steps(o)
    o.backward()
    pictures = frames(o, steps)
    assert len(pictures) == len(steps) + 1

    def boxes(source):
        return sorted(re.findall(r"^\s+(\S+) \[.*?(height=\S+) .*?(pos=\"[^\"]+\").*?(width=\S+)", source,
                                 re.M))

    first = boxes(pictures[0].source)
    assert len(first) >= 10 and all(boxes(picture.source) == first for picture in pictures)
    # texts differ
    assert len({boxes(picture.source) and picture.source for picture in pictures}) == len(pictures)
    sizes = {struct.unpack(">II", render(picture, "png")[16:24]) for picture in pictures[:3]}
    assert len(sizes) == 1  # the same width and height in pixels


def test_the_two_edges_of_x_times_x_say_which_operand_they_are():
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    labels = re.findall(r'v0 -> v1op \[label="([^"]+)"', draw(y, edge_labels=True).source)
    assert labels == ["x as a: 1.0 × 3.0 = 3.0", "x as b: 1.0 × 3.0 = 3.0"]
