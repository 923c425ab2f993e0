"""Pictures of backward, one per step: ``explain --frames`` and the step-through page draw these.

Frame 0 shows the seed, frame k step k of backward (its edge highlighted, the gradients as
they stand after it). The steps are computed once and handed to every frame.
"""

from __future__ import annotations

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
    return draw(output, highlight=steps[number - 1], edge_labels=True, title=title, legend=captioned, steps=steps)


def write_frames(output: Value, steps: list[Step], directory: Path, picture_format: str) -> list[Path]:
    """step_000.png (the seed), step_001.png, ...: one picture per step (replacing earlier ones)."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("step_[0-9][0-9][0-9].*"):  # a previous run's frames, so none is left over
        if old.suffix in (".png", ".svg"):
            old.unlink()
    written = []
    for number in range(len(steps) + 1):
        path = directory / f"step_{number:03d}.{picture_format}"
        path.write_bytes(frame(output, steps, number).pipe(format=picture_format))
        written.append(path)
    return written
