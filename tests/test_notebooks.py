"""The lecture's notebooks run top to bottom on a fresh kernel: no error, no warning, every picture drawn."""

from __future__ import annotations

import pathlib
import re

import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
WARNING = re.compile(r"warn|deprecat|traceback", re.IGNORECASE)


def execute(path: pathlib.Path, tmp_path: pathlib.Path):
    """The notebook after running every cell in a fresh kernel, with tmp_path as its folder."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    return notebook


def outputs(notebook, kind: str) -> list:
    return [output for cell in notebook.cells for output in cell.get("outputs", [])
            if output.output_type == kind]


def test_the_lecture_comes_as_five_notebooks():
    names = [path.stem for path in NOTEBOOKS]
    assert names == ["1_chain_rule_on_one_neuron", "2_the_training_loop", "3_initialisation", "4_losses",
                     "5_optimisers"]


def test_notebooks_are_committed_without_outputs():
    nbformat = pytest.importorskip("nbformat")
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{path.name} has saved outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_a_notebook_runs_on_a_fresh_kernel_without_an_error_or_a_warning(path, tmp_path):
    notebook = execute(path, tmp_path)
    assert outputs(notebook, "error") == []
    for stream in outputs(notebook, "stream"):
        assert stream.name == "stdout", f"{path.name} printed to stderr: {stream.text[:300]}"
        assert not WARNING.search(stream.text), f"{path.name} printed a warning: {stream.text[:300]}"
    pictures = [o for o in outputs(notebook, "display_data") + outputs(notebook, "execute_result")
                if {"image/png", "image/svg+xml", "text/html"} & set(o.get("data", {}))]
    assert pictures, f"{path.name} shows no picture"


def test_the_chain_rule_notebook_shows_the_graph_the_steps_and_the_page(tmp_path):
    path = next(p for p in NOTEBOOKS if p.stem.startswith("1_"))
    notebook = execute(path, tmp_path)
    text = "".join(stream.text for stream in outputs(notebook, "stream"))
    assert "x1.grad += 0.5 (upstream) × -3.0 (d(x1 × w1)/d x1) = -1.5" in text  # the operands by name
    assert "by hand: 1.000000   backward: 1.000000" in text
    shown = outputs(notebook, "display_data") + outputs(notebook, "execute_result")
    assert sum("image/svg+xml" in o.get("data", {}) for o in shown) >= 2  # draw(), before and after
    pages = [o.data["text/html"] for o in shown if "text/html" in o.get("data", {})]
    assert any("<svg" in page or "srcdoc" in page for page in pages)  # explain(o), inline


def test_fit_in_a_notebook_prints_a_final_summary_and_no_warning(tmp_path):
    path = next(p for p in NOTEBOOKS if p.stem.startswith("2_"))
    notebook = execute(path, tmp_path)
    text = "".join(stream.text for stream in outputs(notebook, "stream"))
    assert re.search(r"loss \d\.\d+ -> \d\.\d+", text)
    assert "IProgress" not in text and "TqdmWarning" not in text
