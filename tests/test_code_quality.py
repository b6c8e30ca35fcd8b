"""The project's own code passes the linters it asks of generated code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_check_is_clean() -> None:
    result = run("ruff", "check", "generator", "tests", "benchmarks", "conftest.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = run("ruff", "format", "--check", "generator", "tests", "benchmarks", "conftest.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_generator_passes_mypy_strict() -> None:
    result = run("mypy", "generator")
    assert result.returncode == 0, result.stdout + result.stderr
