"""Labels a renderer cannot take (NUL, lone surrogates, U+FFFE, control characters, backslashes)
are made printable for it: every one renders for real, in a picture and in a frame."""

import pytest

from autograd import Value, backward_steps, draw
from autograd.presentation.frames import frames, render

HOSTILE = {
    "nul": "a\x00b",
    "lone surrogate": "x\ud800y",
    "non-character": "w\ufffe\uffff",
    "escape sequence": "\x1b[31mred\x1b[0m",
    "bell and newline": "ding\x07\nnext",
    "backslashes": "a\\b\\nc\\",
    "record characters": 'f{x}|<p>"q"',
    "delete and c1": "d\x7f\x85e",
}


@pytest.mark.parametrize("label", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_label_renders_to_png_and_svg(label):
    x = Value(2.0, label=label)
    y = (x * x).tanh()
    y.backward()
    picture = draw(y, edge_labels=True, highlight=backward_steps(y)[1])
    assert picture.pipe(format="png")[:8] == b"\x89PNG\r\n\x1a\n"
    svg = picture.pipe(format="svg").decode("utf-8")
    assert "<svg" in svg and "\x00" not in svg and "\x1b" not in svg
    printable = [c for c in label if c.isalnum()]
    assert all(c in svg for c in printable)  # what can be shown still is


@pytest.mark.parametrize("label", ["a\x00b", "x\ud800y", "w\ufffe", "\\" * 50],
                         ids=["nul", "surrogate", "fffe", "bs"])
def test_a_hostile_label_renders_in_every_frame(label):
    x = Value(0.5, label=label)
    y = x * 3.0
    steps = backward_steps(y)
    y.backward()
    for picture in frames(y, steps):
        assert render(picture, "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_backslashes_show_as_backslashes_not_as_graphviz_escapes():
    x = Value(1.0, label="a\\nb\\l")
    svg = draw(x * 2).pipe(format="svg").decode()
    assert "a\\nb\\l" in svg
