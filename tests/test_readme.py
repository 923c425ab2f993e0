"""Every Python block of the README runs, and prints exactly the text block that follows it."""

from __future__ import annotations

import pathlib
import re
import shlex
import subprocess
import sys

import pytest

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.S)


def blocks() -> list[tuple[str, str | None]]:
    """(code, expected output or None) for each ```python block, in order."""
    found = BLOCK.findall(README.read_text(encoding="utf-8"))
    pairs = []
    for index, (language, body) in enumerate(found):
        if language == "python":
            following = found[index + 1] if index + 1 < len(found) else ("", "")
            pairs.append((body, following[1] if following[0] == "text" else None))
    return pairs


def test_the_readme_has_python_examples():
    assert len(blocks()) >= 3


@pytest.mark.parametrize("number", range(len(blocks())))
def test_readme_block_runs_and_prints_what_the_readme_says(number, tmp_path):
    code, expected = blocks()[number]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert result.returncode == 0, f"README block {number} failed:\n{code}\n{result.stderr}"
    if expected is not None:
        assert result.stdout == expected


def shell_lines() -> list[str]:
    """The commands of the README's ```bash blocks, comments dropped."""
    lines = []
    for language, body in BLOCK.findall(README.read_text(encoding="utf-8")):
        if language == "bash":
            lines += [line.split("  #")[0].strip() for line in body.splitlines() if line.strip()]
    return lines


# Commands the README shows that other tests run (the tour, the suite) or that install things.
RUN_ELSEWHERE = ("pip install", "python -m demos", "python -m benchmarks", "python tools/", "pytest",
                 "HYPOTHESIS_PROFILE=")


def test_every_readme_command_is_run_here_or_elsewhere(tmp_path):
    commands = shell_lines()
    assert any(line.startswith("python -m autograd") for line in commands)
    for line in commands:
        if line.startswith("python -m autograd"):
            arguments = shlex.split(line)[1:]
            result = subprocess.run([sys.executable, *arguments], capture_output=True, text=True,
                                    cwd=tmp_path, timeout=300)
            assert result.returncode == 0, result.stderr
            assert "gradients" in result.stdout
        else:
            assert any(part.strip().startswith(RUN_ELSEWHERE) for part in line.split("&&")), line
