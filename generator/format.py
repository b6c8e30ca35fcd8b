"""Tidy a rendered tree with the variant's formatter, once per run over the whole tree.

Only ruff is known today: ``ruff check --fix-only`` (unused imports, import order, upgrades)
then ``ruff format``, with sdkgen's own settings so the user's ruff configuration never changes
the output. A finding ruff cannot fix never fails generation.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .errors import SdkgenError

RUFF_FIX_RULES = ("F401", "I", "UP", "RUF022")


def format_tree(
    tree: dict[str, str], formatter: str | None, options: dict[str, Any]
) -> dict[str, str]:
    if formatter is None:
        return tree
    if formatter == "ruff":
        return _ruff(tree, options)
    raise SdkgenError(f"unknown formatter {formatter!r}", hint="use 'ruff' or none")


def ruff_binary() -> str:
    # The ruff that sdkgen pins, not whatever is on PATH.
    from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

    return str(find_ruff_bin())


def _ruff(tree: dict[str, str], options: dict[str, Any]) -> dict[str, str]:
    python_files = sorted(path for path in tree if path.endswith((".py", ".pyi")))
    markdown_files = sorted(path for path in tree if path.endswith(".md"))  # its Python code blocks
    if not python_files and not markdown_files:
        return tree
    settings = [
        "--isolated",
        "--config",
        f"line-length={int(options.get('line-length', 100))}",
        "--config",
        f"target-version={options.get('target-version', 'py39')!r}",
    ]
    with tempfile.TemporaryDirectory(prefix="sdkgen-format-") as scratch:
        root = Path(scratch)
        for path in python_files + markdown_files:
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(tree[path], encoding="utf-8")
        binary = ruff_binary()
        fix_rules = ",".join(options.get("fix", RUFF_FIX_RULES))
        _run(
            [
                binary,
                "check",
                "--fix-only",
                "--exit-zero",
                "--quiet",
                "--select",
                fix_rules,
                *settings,
                ".",
            ],
            root,
        )
        _run([binary, "format", "--quiet", *settings, "."], root)
        formatted = dict(tree)
        for path in python_files + markdown_files:
            formatted[path] = (root / path).read_text(encoding="utf-8")
    return formatted


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise SdkgenError(
            f"ruff failed on generated code: {detail[0] if detail else result.returncode}",
            hint="this is a bug in the variant's templates; run with --debug",
        )
