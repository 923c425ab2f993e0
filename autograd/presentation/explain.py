"""Stepping through forward and backward, in Python, in a browser and in notebooks: ``explain``.

    >>> from autograd import Value, explain
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> page = explain(a.sigmoid() * b)
    >>> len(page.steps)                       # one Step per edge, as backward_steps
    3
    >>> page
    Explanation of mul1: 4 forward steps, 3 backward steps

``page.html()`` is one self-contained page (the graph as inline SVG, laid out once;
no network), ``page.save("steps.html")`` writes it, and in Jupyter, VS Code or an
exported notebook the page shows inline (``_repr_html_``: an iframe holding the page,
so it works without a kernel and two pages in one notebook never share an element id).
``explain(out, quiz=True)`` asks the learner for each local derivative and contribution.
``python -m autograd explain "EXPR" x=... --html FILE [--quiz]`` writes the same page.
"""

from __future__ import annotations

import html
import itertools
from pathlib import Path

from autograd.engine import Value

from .names import forward_order
from .page import page_html
from .steps import Step, backward_steps

MAX_NODES = 400  # Values: beyond this a picture of the graph is too small to read
NOTEBOOK_HEIGHT = 760  # px: the inline frame's height before its page resizes it
_frames = itertools.count(1)  # numbers the inline frames, so each has its own id


class Explanation:
    """forward and backward of one output, ready to step through: ``.steps``, ``.html()``, ``.save()``."""

    def __init__(self, output: Value, quiz: bool = False, title: str | None = None) -> None:
        self.output = output
        self.quiz = quiz
        self.title = title
        self.nodes = len(forward_order(output))
        self.steps: list[Step] = backward_steps(output)
        self._html: str | None = None

    def html(self) -> str:
        """The whole page as one string: laid out by Graphviz once, then cached."""
        if self._html is None:
            self._html = page_html(self.output, self.steps, self.quiz, self.title)
        return self._html

    def save(self, path: str | Path) -> Path:
        """Write the page to path (making its folder); returns the path."""
        path = Path(path)
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html(), encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        """The page inside an iframe (srcdoc): its script runs without a kernel, its ids stay its own."""
        frame = f"chainrule-explain-{next(_frames)}"
        return (f'<iframe id="{frame}" data-chainrule="explain" title="chainrule: step through"'
                f' style="width: 100%; height: {NOTEBOOK_HEIGHT}px; border: 1px solid #e5e7eb;"'
                f' srcdoc="{html.escape(self.html(), quote=True)}"></iframe>')  # fmt: skip

    def __repr__(self) -> str:
        name = self.output.label or _name_of(self.output)
        quiz = " (a quiz)" if self.quiz else ""
        forward, backward = _count(self.nodes, "forward step"), _count(len(self.steps), "backward step")
        return f"Explanation of {name}: {forward}, {backward}{quiz}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _name_of(output: Value) -> str:
    from .names import node_names

    return node_names(output)[output]


def explain(output: Value, quiz: bool = False, *, title: str | None = None) -> Explanation:
    """The step-through of output: forward node by node, then backward edge by edge (the chain rule,
    parent.grad += node.grad × local); quiz=True asks the learner for each local and contribution.

    ValueError when the graph has more than MAX_NODES Values (too many to draw readably).
    """
    if not isinstance(output, Value):
        raise TypeError(f"explain takes a Value, got {type(output).__name__}")
    if not isinstance(quiz, bool):
        raise TypeError(f"explain's quiz must be True or False, got {type(quiz).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"explain's title must be a str, got {type(title).__name__}")
    size = len(forward_order(output))
    if size > MAX_NODES:
        raise ValueError(f"explain: the graph has {size} nodes; the page draws at most {MAX_NODES} "
                         "(explain a smaller part, or use backward_steps for the numbers)")  # fmt: skip
    return Explanation(output, quiz, title)
