"""Pictures of backward, one per step: ``explain --frames`` and the step-through page draw these.

Frame 0 shows the seed, frame k step k of backward (its edge highlighted, the gradients as
they stand after it). The steps are computed once and handed to every frame, and
``frames`` lays the graph out once: every node keeps its place and its size in every frame
(Graphviz's dot places the nodes once, sized for the longest text each ever shows; each
frame is then drawn with those positions pinned, ``neato -n2``, which does no layout).
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from autograd.engine import Value

from .names import node_names
from .steps import Step


def frame_title(output: Value, steps: list[Step], number: int) -> str:
    """What frame `number` shows: the seed (0), else step `number`'s chain-rule line."""
    out = node_names(output)[output]
    if number == 0:
        return f"step 0 of {len(steps)}: the seed, d{out}/d{out} = 1.0"
    return f"step {number} of {len(steps)}: {steps[number - 1].line()}"


def frame(output: Value, steps: list[Step], number: int, captioned: bool = True) -> Any:
    """The graph as it stands after `number` steps (0: only the seed), the current edge highlighted.

    captioned: with the step's line above the graph and the legend (the web page shows both itself).
    """
    from .draw import draw

    title = frame_title(output, steps, number) if captioned else None
    if number == 0:
        return draw(output, highlight=output, edge_labels=True, grads={output: 1.0}, title=title,
                    legend=captioned, steps=steps)
    return draw(output, highlight=steps[number - 1], edge_labels=True, title=title, legend=captioned,
                steps=steps)


class _Recorder:
    """Stands in for a graphviz.Digraph: keeps what draw adds, in order, to lay it out later."""

    def __init__(self, items: list[tuple[Any, ...]] | None = None, cluster: str | None = None) -> None:
        self.items: list[tuple[Any, ...]] = [] if items is None else items
        self.cluster = cluster
        self.attributes: dict[str, str] = {}

    def node(self, name: str, label: str = "", **attributes: str) -> None:
        self.items.append(("node", name, dict(attributes, label=label), self.cluster))

    def edge(self, tail: str, head: str, **attributes: str) -> None:
        self.items.append(("edge", (tail, head), attributes, self.cluster))

    def attr(self, **attributes: str) -> None:
        if self.cluster is None:
            self.attributes.update(attributes)
        else:
            self.items.append(("cluster", self.cluster, attributes, self.cluster))

    @contextmanager
    def subgraph(self, name: str) -> Iterator[_Recorder]:
        yield _Recorder(self.items, name)


def frames(output: Value, steps: list[Step], captioned: bool = True) -> list[Any]:
    """Frame 0 .. len(steps), as graphviz.Digraphs laid out once: every node in the same place
    and of the same size in every frame. Render each with ``.pipe(format=...)`` as usual."""
    from .draw import check_size

    check_size(output)
    recorded = []
    for number in range(len(steps) + 1):
        recorder = _Recorder()
        _draw_frame(recorder, output, steps, number, captioned)
        recorded.append(recorder)
    pins = _layout(recorded)
    return [_emit(recorder, pins) for recorder in recorded]


def _draw_frame(target: Any, output: Value, steps: list[Step], number: int, captioned: bool) -> None:
    from .draw import draw_into

    title = frame_title(output, steps, number) if captioned else None
    if number == 0:
        draw_into(target, output, True, output, True, grads={output: 1.0}, title=title, legend=captioned,
                  steps=steps)
    else:
        draw_into(target, output, True, steps[number - 1], True, title=title, legend=captioned, steps=steps)


def _widest(recorded: list[_Recorder]) -> _Recorder:
    """One recording whose every label is the longest that node or edge shows in any frame."""
    widest = _Recorder(list(recorded[0].items))
    widest.attributes = dict(recorded[0].attributes)
    for recorder in recorded[1:]:
        for index, (kind, key, attributes, cluster) in enumerate(recorder.items):
            label = attributes.get("label", "")
            if len(label) > len(widest.items[index][2].get("label", "")):
                widest.items[index] = (kind, key, attributes, cluster)
        if len(recorder.attributes.get("label", "")) > len(widest.attributes.get("label", "")):
            widest.attributes = dict(recorder.attributes)
    return widest


def _layout(recorded: list[_Recorder]) -> dict[Any, dict[str, str]]:
    """Run dot once on the widest frame: the pinned attributes of every node, edge and cluster."""
    layout = json.loads(_emit(_widest(recorded), None).pipe(format="json"))
    names = {item["_gvid"]: item["name"] for item in layout.get("objects", []) if "nodes" not in item}
    pins: dict[Any, dict[str, str]] = {"graph": {"bb": layout["bb"]}}
    for item in layout.get("objects", []):
        if "nodes" in item and "bb" in item:
            pins[("cluster", item["name"])] = {"bb": item["bb"]}
        elif "pos" in item:
            pins[item["name"]] = {"pos": item["pos"] + "!", "width": item["width"], "height": item["height"],
                                  "fixedsize": "true"}  # fmt: skip
    seen: dict[tuple[str, str], int] = {}
    for edge in layout.get("edges", []):
        key = (names[edge["tail"]], names[edge["head"]])
        seen[key] = seen.get(key, 0) + 1
        pins[("edge", key, seen[key])] = {name: edge[name] for name in ("pos", "lp") if name in edge}
    return pins


def _emit(recorder: _Recorder, pins: dict[Any, dict[str, str]] | None) -> Any:
    """A graphviz.Digraph of a recording: for dot to lay out (pins None), or pinned for neato -n2."""
    import graphviz

    from .draw import EDGE, GRAPH, NODE

    graph = dict(GRAPH, rankdir="LR", **recorder.attributes)
    if pins is not None:
        graph.update(pins["graph"], splines="true")
    dot = graphviz.Digraph(graph_attr=graph, node_attr=NODE, edge_attr=EDGE,
                           engine="neato" if pins else "dot")
    if pins is not None:
        dot._pipe_options = {"neato_no_op": 2}  # type: ignore[attr-defined]
    seen: dict[tuple[str, str], int] = {}
    clusters: dict[str, Any] = {}
    for kind, key, attributes, cluster in recorder.items:
        target = dot if cluster is None else clusters.setdefault(cluster, graphviz.Digraph(name=cluster))
        if kind == "cluster":
            target.attr(**{**attributes, **(pins or {}).get(("cluster", cluster), {})})
        elif kind == "node":
            target.node(key, **{**attributes, **(pins or {}).get(key, {})})
        else:
            seen[key] = seen.get(key, 0) + 1
            target.edge(*key, **{**attributes, **(pins or {}).get(("edge", key, seen[key]), {})})
    for box in clusters.values():
        dot.subgraph(box)
    return dot


def render(picture: Any, picture_format: str) -> bytes:
    """A frame's bytes: pinned frames are drawn by neato -n2 (no layout), others as usual."""
    return picture.pipe(format=picture_format, **getattr(picture, "_pipe_options", {}))


class NotOurFrames(FileExistsError):
    """The frames directory holds step_NNN pictures that explain did not write."""


FRAME_NAME = re.compile(r"step_\d{3}\.(png|svg)")
MARK = b"written by python -m autograd explain"  # inside every frame file, so a later run knows its own


def write_frames(output: Value, steps: list[Step], directory: Path, picture_format: str) -> list[Path]:
    """step_000.png (the seed), step_001.png, ...: one picture per step, replacing an earlier run's.

    Only frames an earlier run wrote (each carries MARK: a PNG text chunk, an SVG comment) are
    removed or overwritten; any other step_NNN picture raises NotOurFrames, untouched.
    """
    directory.mkdir(parents=True, exist_ok=True)
    existing = [path for path in directory.iterdir() if FRAME_NAME.fullmatch(path.name)]
    foreign = sorted(path.name for path in existing if not _is_ours(path))
    if foreign:
        raise NotOurFrames(f"{directory} already holds {foreign[0]}"
                           f"{f' and {len(foreign) - 1} more' if len(foreign) > 1 else ''} not written by"
                           " explain: give an empty or new directory")  # fmt: skip
    pictures = frames(output, steps)
    names = [f"step_{number:03d}.{picture_format}" for number in range(len(pictures))]
    for old in existing:  # a previous run's frames, so none is left over
        if old.name not in names:
            old.unlink()
    written = []
    for name, picture in zip(names, pictures, strict=True):
        (directory / name).write_bytes(_marked(render(picture, picture_format), picture_format))
        written.append(directory / name)
    return written


def _marked(picture: bytes, picture_format: str) -> bytes:
    """The picture with MARK inside: a PNG tEXt chunk after the header, or an SVG comment."""
    if picture_format == "svg":
        return picture.replace(b"<svg", b"<!-- " + MARK + b" -->\n<svg", 1)
    body = b"tEXt" + b"Software\x00" + MARK
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    return picture[:33] + chunk + picture[33:]  # 33: the PNG signature and its IHDR chunk


def _is_ours(path: Path) -> bool:
    with path.open("rb") as file:
        return MARK in file.read(2048)
