"""Generate the python-pydantic SDK for every spec of the corpus and grade the result.

For each spec: operations and models in the IR, wall time of ``sdkgen generate``, warnings,
whether the package imports, ruff findings (the package's own configuration) and ``mypy
--strict`` errors. Writes a Markdown table to benchmarks/CORPUS.md (or --output).

    python benchmarks/corpus.py [--corpus ../shared/corpus] [--only NAME ...] [--no-mypy]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOUND = r"Found (\d+) error"
SPECS = {
    "tictactoe": "tictactoe.yaml",
    "uspto": "uspto.json",
    "petstore3": "petstore3.yaml",
    "gotify": "gotify.json",
    "keycloak": "keycloak.yaml",
    "discord": "discord.json",
    "box": "box.json",
    "twilio": "twilio-api-v2010.json",
    "digitalocean": "digitalocean/DigitalOcean-public.v2.yaml",
    "openai": "openai.yaml",
}


@dataclass
class Row:
    name: str
    operations: int = 0
    models: int = 0
    seconds: float = 0.0
    warnings: int = 0
    generated: bool = False
    imports: bool = False
    ruff: str = "-"
    mypy: str = "-"
    note: str = ""


def count_ir(spec: Path) -> tuple[int, int]:
    from generator.errors import Diagnostics
    from generator.ir import build_api
    from generator.load import Spec
    from generator.variants import load_variant

    variant = load_variant("python-pydantic")
    api = build_api(Spec(spec), naming=variant.naming, package="sdk", diagnostics=Diagnostics())
    return len(api.operations), len(api.models)


def grade(name: str, spec: Path, work: Path, *, mypy: bool) -> Row:
    row = Row(name)
    out, package = work / name, f"{name}_sdk"
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--variant", "python-pydantic",
         "--out", str(out), "--package", package, "--force"],
        capture_output=True, text=True, cwd=work, check=False,
    )  # fmt: skip
    row.seconds = time.perf_counter() - started
    row.warnings = sum(": warning:" in line for line in result.stderr.splitlines())
    if result.returncode != 0:
        row.note = (
            result.stderr.strip().splitlines()[-1][:120] if result.stderr.strip() else "failed"
        )
        return row
    row.generated = True
    row.operations, row.models = count_ir(spec)
    imported = subprocess.run(
        [sys.executable, "-c", f"import {package}"],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    row.imports = imported.returncode == 0
    if not row.imports:
        row.note = imported.stderr.strip().splitlines()[-1][:120]
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--config", "pyproject.toml", "--output-format", "concise", "."],
        cwd=out, capture_output=True, text=True, check=False,
    )  # fmt: skip
    row.ruff = "clean" if ruff.returncode == 0 else f"{_count(ruff.stdout, FOUND)} findings"
    if mypy:
        checked = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", package],
            cwd=out, capture_output=True, text=True, check=False,
        )  # fmt: skip
        row.mypy = "clean" if checked.returncode == 0 else f"{_count(checked.stdout, FOUND)} errors"
    return row


def _count(text: str, pattern: str) -> str:
    match = re.search(pattern, text)
    return match.group(1) if match else "?"


def table(rows: list[Row]) -> str:
    lines = [
        "| spec | operations | models | generate (s) | warnings | imports | ruff | mypy --strict | note |",
        "|---|---:|---:|---:|---:|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.operations} | {r.models} | {r.seconds:.1f} | {r.warnings} | "
            f"{'yes' if r.imports else 'no'} | {r.ruff} | {r.mypy} | {r.note} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--no-mypy", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "CORPUS.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="sdkgen-corpus-") as scratch:
        for name, file in SPECS.items():
            if args.only and name not in args.only:
                continue
            row = grade(name, args.corpus / file, Path(scratch), mypy=not args.no_mypy)
            print(table([row]).splitlines()[-1], flush=True)
            rows.append(row)
    text = (
        "# The corpus through python-pydantic\n\nMade by `python benchmarks/corpus.py`.\n\n"
        + table(rows)
    )
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0 if all(r.generated and r.imports for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
