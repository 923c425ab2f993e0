"""What every demo shares: its header, its finding lines, saving its pictures, and the tour's index page.

A demo module defines ``NAME``, ``TITLE``, ``INTRO``, ``FULL`` and ``QUICK`` (its settings at
full size and at a reduced size for the tests) and ``run(out, settings, progress)``, which
trains, draws into ``out`` and returns its findings. Nothing here knows any deep learning:
it prints, saves and lays out.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import html
import importlib
import io
import json
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import nn

from .claims import CLAIMS

DEFAULT_OUT = Path("out")
FRAMES_HEADING = "Backward one step at a time (python -m autograd explain --frames): the red edge is the step"
RULE = "=" * 78

# One colour per role, the same in every picture of the tour.
COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563"]
CLASS_COLOURS = ["#2563eb", "#dc2626", "#16a34a"]  # class 0, 1, 2


# strongest first: a claim shown several times gets the weakest
VERDICTS = ("holds", "nuanced", "contradicted")
NOT_SHOWN = "not shown"  # the verdict of a claim no demo measured


@dataclass(frozen=True)
class Finding:
    """One claim shown by a run: the line printed, and the numbers in it (for the tests).

    A finding that measures one of the lecture's claims (``../shared/CLAIMS.md``: C01-C31) names it in
    ``claim``, gives the ``verdict`` its measurement supports ("holds", "nuanced" or "contradicted",
    chosen by the code from the measured numbers, never fixed text) and the ``pictures`` that show it
    (file names inside the demo's folder, as given to ``Output.save``).
    """

    name: str
    text: str
    values: dict[str, Any] = field(default_factory=dict)
    claim: str = ""
    verdict: str = ""
    pictures: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """A claim's finding has a verdict from VERDICTS; a finding without a claim has none."""
        if self.claim and self.verdict not in VERDICTS:
            raise ValueError(f"finding {self.name!r} for {self.claim}: verdict must be one of {VERDICTS}, "
                             f"not {self.verdict!r}")
        if not self.claim and self.verdict:
            raise ValueError(f"finding {self.name!r} has a verdict but names no claim")

    def __str__(self) -> str:
        """The finding's line."""
        return self.text


@dataclass(frozen=True)
class Written:
    """A file a demo wrote; kind is "picture" (shown in index.html), "frame", "page" or "svg" (a
    picture's copy for slides, with --format svg)."""

    path: Path
    caption: str
    kind: str = "picture"


class Output:
    """Where one demo writes (root/NAME/...) and the record of every file it wrote."""

    def __init__(self, root: Path, demo: str, svg: bool = False) -> None:
        """Create root/demo/ for the demo's files; svg: write each picture as SVG too."""
        self.root = Path(root)
        self.svg = svg
        self.directory = self.root / demo
        self.directory.mkdir(parents=True, exist_ok=True)
        self.written: list[Written] = []

    def path(self, name: str) -> Path:
        """out/NAME/name, its folder created."""
        path = self.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def record(self, path: Path, caption: str, kind: str = "picture") -> Path:
        """Remember a file the demo wrote (for the listing and index.html)."""
        self.written.append(Written(Path(path), caption, kind))
        return Path(path)

    def save(self, figure: Any, name: str, caption: str) -> Path:
        """Save a matplotlib figure as name (PNG) and record it with its caption (and as SVG, for slides,
        with --format svg)."""
        path = self.path(name)
        figure.savefig(path, dpi=110, metadata={"Software": None})
        if self.svg:
            figure.savefig(path.with_suffix(".svg"), metadata={"Date": None})
            self.record(path.with_suffix(".svg"), caption, "svg")
        return self.record(path, caption)


def figure(width: float, height: float, columns: int = 1, rows: int = 1, **options: Any) -> tuple[Any, Any]:
    """A matplotlib Figure (Agg, no pyplot state) and its axes: one Axes, or an array of them."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=True, **options)
    return fig, axes


def announce(text: str) -> None:
    """Say which training run the next progress bar belongs to."""
    print(f"  training: {text}", flush=True)


def divergence(error: Exception) -> str:
    """'loss inf in epoch 6': what nn.fit's TrainingDiverged says happened (its message for another error)."""
    if isinstance(error, nn.TrainingDiverged):
        return f"loss {error.loss} in epoch {error.epoch}"
    return str(error)


def number(value: float, digits: int = 3) -> str:
    """A number for a finding line: 3 significant digits, no trailing noise (0.5, 1.2e-14, 3.7e+85)."""
    return f"{value:.{digits}g}"


# --- running one demo ---


@dataclass
class Result:
    """What one demo did: its findings and the files it wrote."""

    module: ModuleType
    findings: list[Finding]
    written: list[Written]
    seconds: float


def run_demo(module: ModuleType, root: Path, quick: bool = False, progress: bool = True,
             number_in_tour: str = "", seed: int = 0, svg: bool = False) -> Result:
    """Print the demo's header, run it, print its findings and files; return what it did.

    The demo's settings get ``seed`` (``settings["seed"]``): every random draw of the demo is shifted
    by it, so ``--seed N`` runs the same experiments on other data and other initial weights.
    With svg (``--format svg``) every picture is also written as SVG beside its PNG, for slides.
    """
    print(f"\n{RULE}\n{number_in_tour}{module.NAME}: {module.TITLE}\n{RULE}")
    print(module.INTRO.strip() + "\n", flush=True)
    out = Output(root, module.NAME, svg=svg)
    start = time.perf_counter()
    settings = dict(module.QUICK if quick else module.FULL, seed=seed)
    findings = module.run(out, settings, progress=progress)
    seconds = time.perf_counter() - start
    print()
    for finding in findings:
        print(f"  finding: {finding.text}")
    pictures = [w for w in out.written if w.kind == "picture"]
    print(f"\n  wrote {len(out.written)} files ({len(pictures)} pictures) in {seconds:.1f} s:")
    for written in out.written:
        if written.kind != "frame":
            print(f"    {written.path}")
    frames = [w for w in out.written if w.kind == "frame"]
    if frames:
        print(f"    {frames[0].path} ... {frames[-1].path.name} ({len(frames)} frames)")
    return Result(module, findings, out.written, seconds)


def ignore_interrupts() -> None:
    """In a worker: leave Ctrl-C to the main process, which ends the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_in_worker(task: tuple) -> tuple:
    """One demo in a worker process of the tour (pickled by name, so it lives here, not in __main__), its
    output captured: (name, stdout, stderr, findings, written, seconds)."""
    name, root, quick, seed, svg, number_in_tour = task
    printed, complaints = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(complaints):
        result = run_demo(importlib.import_module(f"demos.{name}"), root, quick, False,
                          number_in_tour=number_in_tour, seed=seed, svg=svg)
    return name, printed.getvalue(), complaints.getvalue(), result.findings, result.written, result.seconds


def parser(description: str, prog: str) -> argparse.ArgumentParser:
    """The command line shared by the tour and each demo: --out DIR, --quick."""
    arguments = argparse.ArgumentParser(prog=prog, description=description)
    arguments.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                           help="folder for the pictures (default: out); each demo writes into DIR/NAME/")
    arguments.add_argument("--quick", action="store_true",
                           help="smaller experiments (seconds, for a quick look or the tests)")
    arguments.add_argument("--no-progress", action="store_true", help="hide the training progress bars")
    arguments.add_argument("--seed", type=int, default=0, metavar="N",
                           help="shift every random seed of the experiments by N (default 0): other data, "
                                "other initial weights, the same verdicts")
    arguments.add_argument("--format", choices=("png", "svg"), default="png",
                           help="svg: also write every picture as SVG beside its PNG, for slides "
                                "(index.html shows the PNGs)")
    return arguments


def main_for(module: ModuleType, argv: Sequence[str] | None = None) -> int:
    """python -m demos.NAME: run one demo."""
    description = f"{module.TITLE}. {module.INTRO.strip()}"
    options = parser(description, f"python -m demos.{module.NAME}").parse_args(argv)
    run_demo(module, options.out, options.quick, not options.no_progress, seed=options.seed,
             svg=options.format == "svg")
    return 0


# --- the lecture's claims: findings.json ---


def weakest(verdicts: Sequence[str]) -> str:
    """The weakest of some verdicts: contradicted beats nuanced beats holds; none at all is "not shown"."""
    return max(verdicts, key=VERDICTS.index) if verdicts else NOT_SHOWN


def claim_table(results: Sequence[Result]) -> list[dict[str, Any]]:
    """One row per lecture claim (C01-C31): the demos, pictures and findings that show it, and its verdict.

    A claim shown by several findings joins their texts and takes the weakest verdict; a picture path is
    relative to the out folder (``initialization/symmetry.png``). A claim no finding names is listed with
    the verdict "not shown", so a gap in the tour is visible.
    """
    rows = []
    for claim_id, text in CLAIMS.items():
        shown = [(result, finding) for result in results for finding in result.findings
                 if finding.claim == claim_id]
        demos = list(dict.fromkeys(result.module.NAME for result, _ in shown))
        pictures = list(dict.fromkeys(f"{result.module.NAME}/{picture}" for result, finding in shown
                                      for picture in finding.pictures))
        rows.append({"id": claim_id, "claim": text, "demo": ", ".join(demos), "pictures": pictures,
                     "finding": "; ".join(finding.text for _, finding in shown),
                     "verdict": weakest([finding.verdict for _, finding in shown])})
    return rows


def check_claims(root: Path, results: Sequence[Result]) -> None:
    """Every claim a finding names is one of CLAIMS, and every picture it names was written by its demo."""
    for result in results:
        written = {w.path for w in result.written}
        for finding in result.findings:
            if finding.claim and finding.claim not in CLAIMS:
                raise ValueError(f"finding {finding.name!r} of {result.module.NAME} names an unknown claim "
                                 f"{finding.claim!r}: use an ID of demos/claims.py")
            for picture in finding.pictures:
                if Path(root) / result.module.NAME / picture not in written:
                    raise ValueError(f"finding {finding.name!r} of {result.module.NAME} names the picture "
                                     f"{picture!r}, which the demo did not write")


def write_findings(root: Path, results: Sequence[Result], seed: int) -> Path:
    """out/findings.json: {"seed": N, "claims": [one row of claim_table per claim]}."""
    check_claims(root, results)
    path = Path(root) / "findings.json"
    document = {"seed": seed, "claims": claim_table(results)}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# --- the index page of the tour ---


def data_uri(path: Path) -> str:
    """A PNG as a data: URI, so the page needs no other file."""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def write_index(root: Path, results: list[Result], seconds: float) -> Path:
    """out/index.html: the table of the lecture's claims, then every picture inline with its caption and each
    demo's findings; opens from disk."""
    sections = [_section(root, number, result) for number, result in enumerate(results, 1)]
    contents = "\n".join(f'<li><a href="#{r.module.NAME}">{html.escape(r.module.TITLE)}</a></li>'
                         for r in results)
    page = PAGE.format(claims=claims_section(claim_table(results)), contents=contents,
                       sections="\n".join(sections), seconds=f"{seconds:.0f}")
    path = Path(root) / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def claims_section(rows: Sequence[dict[str, Any]]) -> str:
    """The table the page opens with: each claim, its verdict, the finding, a thumbnail linking to the
    picture."""
    counts = ", ".join(f"{sum(row['verdict'] == verdict for row in rows)} {verdict}"
                       for verdict in (*VERDICTS, NOT_SHOWN))
    parts = ['<section id="claims">', f"<h2>The lecture's {len(rows)} claims, measured ({counts})</h2>",
             "<table class=claims><tr><th>claim</th><th>verdict</th><th>what this run measured</th>"
             "<th>picture</th></tr>"]
    for row in rows:
        thumbnails = "".join(f'<a href="{html.escape(picture)}">'
                             f'<img class=thumb src="{html.escape(picture)}" '
                             f'alt="{html.escape(picture)}"></a>' for picture in row["pictures"][:2])
        demo = (f' <a href="#{html.escape(row["demo"].split(", ")[0])}">{html.escape(row["demo"])}</a>'
                if row["demo"] else "")
        parts.append(f'<tr id="{row["id"]}"><td><b>{row["id"]}</b> {html.escape(row["claim"])}</td>'
                     f'<td class="verdict {row["verdict"].replace(" ", "-")}">{row["verdict"]}</td>'
                     f"<td>{html.escape(row['finding'])}{demo}</td><td>{thumbnails}</td></tr>")
    parts.append("</table></section>")
    return "\n".join(parts)


def _section(root: Path, number: int, result: Result) -> str:
    """One demo's part of the page: title, intro, findings, pictures, links and frames."""
    module = result.module
    parts = [f'<section id="{module.NAME}">', f"<h2>{number}. {html.escape(module.TITLE)}</h2>",
             f"<p class=intro>{html.escape(module.INTRO.strip())}</p>",
             f"<p class=run><code>python -m demos.{module.NAME}</code> ({result.seconds:.1f} s)</p>",
             "<h3>Findings of this run</h3><ul class=findings>"]
    parts += [f"<li>{html.escape(finding.text)}</li>" for finding in result.findings]
    parts.append("</ul>")
    for written in result.written:
        if written.kind == "picture":
            parts.append(_figure(written, root))
        elif written.kind == "page":
            link = written.path.relative_to(root).as_posix()
            parts.append(f'<p class=page><a href="{html.escape(link)}">{html.escape(link)}</a>: '
                         f"{html.escape(written.caption)}</p>")
    frames = [w for w in result.written if w.kind == "frame"]
    if frames:
        parts.append(f"<h3>{FRAMES_HEADING}</h3><div class=frames>")
        parts += [_figure(frame, root) for frame in frames]
        parts.append("</div>")
    parts.append("</section>")
    return "\n".join(parts)


def _figure(written: Written, root: Path, caption: str | None = None) -> str:
    """One picture inline (data: URI) with its caption and file name."""
    text = html.escape(caption if caption is not None else written.caption)
    name = html.escape(written.path.relative_to(root).as_posix())
    return (f'<figure><img src="{data_uri(written.path)}" alt="{text}" title="{name}">'
            f"<figcaption>{text} <span class=file>({name})</span></figcaption></figure>")


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chainrule: the demo tour</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
         margin: 1.5rem auto; max-width: 1200px; padding: 0 1.5rem; color: #111827; background: #fafafa;
         line-height: 1.45; }}
  h1 {{ font-size: 1.6rem; }} h2 {{ margin-top: 2.5rem; border-bottom: 2px solid #e5e7eb; }}
  h3 {{ font-size: 1.05rem; }}
  figure {{ margin: 1.2rem 0; background: white; border: 1px solid #e5e7eb; padding: 0.6rem; }}
  figure img {{ max-width: 100%; height: auto; display: block; margin: 0 auto; }}
  figcaption {{ margin-top: 0.5rem; color: #374151; }}
  .file {{ color: #9ca3af; font-size: 0.85em; }}
  .findings li {{ margin: 0.2rem 0; }}
  .intro {{ color: #374151; }} .run {{ color: #6b7280; font-size: 0.9em; }}
  .frames {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 0.5rem; }}
  .frames figure {{ margin: 0; }}
  table.claims {{ border-collapse: collapse; font-size: 0.9em; background: white; }}
  .claims td, .claims th {{ border: 1px solid #e5e7eb; padding: 0.35rem 0.5rem; vertical-align: top;
                           text-align: left; }}
  .thumb {{ width: 140px; height: auto; display: block; margin-bottom: 0.2rem; }}
  .verdict {{ font-weight: 600; white-space: nowrap; }} .holds {{ color: #15803d; }}
  .nuanced {{ color: #b45309; }} .contradicted {{ color: #b91c1c; }} .not-shown {{ color: #6b7280; }}
  code {{ background: #eef2ff; padding: 0.1rem 0.3rem; border-radius: 4px; }}
</style>
</head>
<body>
<h1>chainrule: the demo tour</h1>
<p>Every picture below was drawn by <code>python -m demos</code> from networks trained with chainrule's
own engine ({seconds} s on this machine); every number in a finding was measured by that run.</p>
{claims}
<ol>
{contents}
</ol>
{sections}
</body>
</html>
"""


# --- presentation helpers for pictures of a model over the plane ---


def plane_grid(points: Sequence[Sequence[float]], steps: int,
               margin: float = 0.4) -> tuple[list[float], list[float]]:
    """The x and y coordinates of a steps x steps grid covering the points, with a margin."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (_spaced(min(xs) - margin, max(xs) + margin, steps),
            _spaced(min(ys) - margin, max(ys) + margin, steps))


def _spaced(start: float, stop: float, steps: int) -> list[float]:
    """steps evenly spaced numbers from start to stop inclusive."""
    return [start + (stop - start) * i / (steps - 1) for i in range(steps)]


def scatter_classes(axes: Any, X: Sequence[Sequence[float]], y: Sequence[int], names: Sequence[str]) -> None:
    """The data points, one colour and marker per class, labelled for the legend."""
    markers = ["o", "s", "^"]
    for k, name in enumerate(names):
        chosen = [p for p, label in zip(X, y) if label == k]
        axes.scatter([p[0] for p in chosen], [p[1] for p in chosen], s=22, c=CLASS_COLOURS[k],
                     marker=markers[k], edgecolors="white", linewidths=0.6, label=name, zorder=3)
