"""Broken specs through the real command line: one clear line, exit 2, nothing touched.

Every case runs ``python -m generator generate --spec X --variant python-pydantic --out out``
in a project folder whose ``out/`` holds a previous generation, and checks:

- exit code 2;
- exactly one line on stderr, ``sdkgen: error: <file>[#<pointer>]: ...``, naming the file (and
  the JSON pointer where there is one), with no traceback and no "internal error";
- the output folder byte for byte as it was, and no staging folder left beside it.

Alias bombs and 10,000-level nesting run under a 2 GiB address-space limit and must be
refused within seconds.
"""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 2 * 1024**3
OK_SPEC = """\
openapi: 3.1.0
info: {title: Fine, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      properties:
        name: {type: string}
"""


def spec(body: str) -> str:
    """A small OpenAPI 3.1 document with ``body`` appended (YAML)."""
    head = 'openapi: 3.1.0\ninfo: {title: T, version: "1"}\n'
    return head + textwrap.dedent(body)


def one_operation(operation: str) -> str:
    return spec("paths:\n  /a:\n    get:\n" + textwrap.indent(textwrap.dedent(operation), " " * 6))


def schema_property(schema: str) -> str:
    return spec(
        f"""\
        paths: {{}}
        components:
          schemas:
            A:
              type: object
              properties:
                x: {schema}
        """
    )


JSON_200 = """\
responses:
  "200":
    description: ok
    content:
      application/json:
        schema: {$ref: "%s"}
"""
RESPONSE_SCHEMA = "/paths/~1a/get/responses/200/content/application~1json/schema"
X_TYPE = "/components/schemas/A/properties/x/type"


@dataclass(frozen=True)
class Case:
    name: str
    content: str | bytes | None  # None: the case makes its own file (see `special`)
    message: str  # a fragment of the error line
    pointer: str | None = None  # the JSON pointer the line must name
    file: str = "spec.yaml"  # the spec file's name
    extra_files: tuple[tuple[str, str], ...] = ()
    names: str | None = None  # the file the error names, when not the spec itself


CASES = [
    Case("malformed YAML", spec("paths: {\n  /a: [\n"), "invalid YAML"),
    Case("YAML with tab indentation", spec("paths:\n\t/a: {}\n"), "invalid YAML"),
    Case("malformed JSON", '{"openapi": "3.1.0", "paths": {', "invalid JSON", file="spec.json"),
    Case("JSON with trailing comma", '{"openapi": "3.1.0",}', "invalid JSON", file="spec.json"),
    Case("a list", "- openapi\n- 3.1.0\n", "not a mapping", pointer=""),
    Case("a scalar", "just some text\n", "not a mapping", pointer=""),
    Case("a JSON number", "42", "not a mapping", pointer="", file="spec.json"),
    Case("openapi 4.0.0", "openapi: 4.0.0\npaths: {}\n", "unsupported OpenAPI version '4.0.0'", ""),
    Case("swagger 1.2", "swagger: '1.2'\napis: []\n", "unsupported OpenAPI version '1.2'", ""),
    Case("swagger 1.2 unquoted", "swagger: 1.2\napis: []\n", "unsupported OpenAPI version", ""),
    Case("no version at all", "info: {title: T}\npaths: {}\n", "no 'openapi' field", ""),
    Case(
        "dangling internal $ref",
        one_operation(JSON_200 % "#/components/schemas/Missing"),
        "points at nothing",
        RESPONSE_SCHEMA,
    ),
    Case(
        "dangling external $ref (missing file)",
        one_operation(JSON_200 % "models/missing.yaml#/Thing"),
        "names a file that does not exist",
        RESPONSE_SCHEMA,
    ),
    Case(
        "dangling external $ref (missing pointer)",
        one_operation(JSON_200 % "models.yaml#/Missing"),
        "points at nothing",
        RESPONSE_SCHEMA,
        extra_files=(("models.yaml", "Thing: {type: object}\n"),),
    ),
    Case(
        "$ref into a broken file",
        one_operation(JSON_200 % "broken.yaml#/Thing"),
        "invalid YAML",
        extra_files=(("broken.yaml", "Thing: {type: [\n"),),
        names="broken.yaml",
    ),
    Case(
        "circular $ref chain",
        spec(
            """\
            paths: {}
            components:
              schemas:
                A: {$ref: "#/components/schemas/B"}
                B: {$ref: "#/components/schemas/A"}
            """
        ),
        "circular $ref chain",
        "/components/schemas/",
    ),
    Case("type: 42", schema_property("{type: 42}"), "unknown schema type 42", X_TYPE),
    Case("type: banana", schema_property("{type: banana}"), "schema type 'banana'", X_TYPE),
    Case("type: [string, 7]", schema_property("{type: [string, 7]}"), "schema type 7", X_TYPE),
    Case(
        "properties: []",
        spec(
            """\
            paths: {}
            components:
              schemas:
                A: {type: object, properties: []}
            """
        ),
        "'properties' must be a mapping",
        "/components/schemas/A/properties",
    ),
    Case(
        "enum: 5",
        schema_property("{type: string, enum: 5}"),
        "'enum' must be a list",
        "/components/schemas/A/properties/x/enum",
    ),
    Case("empty file", "", "the file is empty"),
    Case("only whitespace", " \n\n\t\n", "the file is empty"),
    Case("binary garbage", bytes(range(256)) * 8, "binary data"),
    Case("not UTF-8", b"openapi: 3.1.0\ninfo: {title: \xff\xfe}\n", "not UTF-8"),
    Case("missing file", None, "no such file"),
    Case("a directory", None, "is a directory"),
    Case("unreadable file", None, "cannot read"),
    Case("paths not a mapping", spec("paths: [/a, /b]\n"), "'paths' must be a mapping", "/paths"),
    Case("path item not a mapping", spec("paths:\n  /a: 5\n"), "path item", "/paths/~1a"),
    Case(
        "operation not a mapping",
        spec("paths:\n  /a:\n    get: hello\n"),
        "an operation must be an object",
        "/paths/~1a/get",
    ),
    Case(
        "parameters not a list",
        one_operation('parameters: {name: x}\nresponses: {"204": {description: ok}}\n'),
        "parameters must be a list",
        "/paths/~1a/get/parameters",
    ),
    Case(
        "parameter without name",
        one_operation(
            "parameters:\n  - {in: query, schema: {type: string}}\n"
            'responses: {"204": {description: ok}}\n'
        ),
        "a parameter needs a 'name'",
        "/paths/~1a/get/parameters/0",
    ),
    Case(
        "parameter in the wrong place",
        one_operation(
            'parameters:\n  - {name: x, in: body}\nresponses: {"204": {description: ok}}\n'
        ),
        "parameter 'in' must be",
        "/paths/~1a/get/parameters/0",
    ),
    Case(
        "response not a mapping",
        one_operation('responses: {"200": 5}\n'),
        "a response must be an object",
        "/paths/~1a/get/responses/200",
    ),
    Case(
        "components not a mapping",
        spec("paths: {}\ncomponents: [schemas]\n"),
        "'components' must be a mapping",
        "/components",
    ),
    Case(
        "remote $ref",
        one_operation(JSON_200 % "https://example.com/schemas.yaml#/Thing"),
        "remote $ref",
        RESPONSE_SCHEMA,
    ),
]


def tree_hash(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (files by content, folders and links by kind)."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[relative] = "link:" + os.readlink(path)
        elif path.is_dir():
            found[relative] = "dir"
        else:
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def sdkgen(
    *args: str, cwd: Path, preexec_fn: Callable[[], None] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=preexec_fn,
        check=False,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder whose ``out/`` holds a previous generation (and a user's file)."""
    folder = tmp_path_factory.mktemp("broken")
    (folder / "ok.yaml").write_text(OK_SPEC, encoding="utf-8")
    result = sdkgen(
        "generate", "--spec", "ok.yaml", "--variant", "python-pydantic", "--out", "out",
        "--package", "p", cwd=folder,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (folder / "out" / "NOTES.md").write_text("mine\n", encoding="utf-8")
    return folder


def assert_one_clean_error(result: subprocess.CompletedProcess[str], location: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    [line] = lines
    assert "Traceback" not in result.stderr and "internal error" not in line, line
    assert line.startswith(f"sdkgen: error: {location}"), line
    assert result.stdout == ""
    return line


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_spec_is_one_clear_error_and_touches_nothing(project: Path, case: Case) -> None:
    folder = project / "cases" / case.name.replace(" ", "_").replace("/", "_")
    folder.mkdir(parents=True)
    target = folder / case.file
    for name, text in case.extra_files:
        (folder / name).write_text(text, encoding="utf-8")
    if case.name == "a directory":
        target.mkdir()
    elif case.name == "unreadable file":
        target.write_text(OK_SPEC, encoding="utf-8")
        target.chmod(0)
        if os.access(target, os.R_OK):  # root reads anything
            pytest.skip("running as root: a chmod 000 file is still readable")
    elif isinstance(case.content, bytes):
        target.write_bytes(case.content)
    elif case.content is not None:
        target.write_text(case.content, encoding="utf-8")
    spec_path = target.relative_to(project).as_posix()
    before = tree_hash(project / "out")

    result = sdkgen(
        "generate", "--spec", spec_path, "--variant", "python-pydantic", "--out", "out",
        "--package", "p", cwd=project,
    )  # fmt: skip

    named = (folder / case.names).relative_to(project).as_posix() if case.names else spec_path
    line = assert_one_clean_error(result, named)
    if case.pointer is not None:
        assert f"{spec_path}#{case.pointer}" in line, line
    assert case.message in line, line
    assert tree_hash(project / "out") == before
    assert sorted(p.name for p in project.iterdir()) == ["cases", "ok.yaml", "out"]


def test_check_reports_the_same_error(project: Path) -> None:
    """`sdkgen check` on a broken spec: the same one line and exit 2 (not "drift")."""
    (project / "check.yaml").write_text(spec("paths: 5\n"), encoding="utf-8")
    result = sdkgen(
        "check", "--spec", "check.yaml", "--variant", "python-pydantic", "--out", "out",
        "--package", "p", cwd=project,
    )  # fmt: skip
    line = assert_one_clean_error(result, "check.yaml#/paths")
    assert "'paths' must be a mapping" in line
    (project / "check.yaml").unlink()


# --- bombs ------------------------------------------------------------------------------------


def alias_bomb() -> str:
    """ "Billion laughs": 9 levels of 9 aliases each, 9**9 (387 million) strings expanded."""
    lines = ["x-bomb:", '  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return spec("paths: {}\n" + "\n".join(lines) + "\n")


DEPTH = 10_000
BOMBS = {
    "alias bomb": ("bomb.yaml", alias_bomb(), "billion laughs"),
    "deep YAML block style": (
        "deep-block.yaml",
        spec("x-deep:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(DEPTH)))
        + "  " * (DEPTH + 1)
        + "end\n",
        "nest",
    ),
    "deep YAML flow style": (
        "deep-flow.yaml",
        spec("x-deep: " + "[" * DEPTH + "]" * DEPTH + "\n"),
        "nest",
    ),
    "deep JSON": (
        "deep.json",
        '{"openapi": "3.1.0", "paths": {}, "x-deep": ' + "[" * DEPTH + "]" * DEPTH + "}",
        "nest",
    ),
}


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize("name", list(BOMBS))
def test_bombs_are_refused_quickly_within_bounded_memory(project: Path, name: str) -> None:
    file, content, message = BOMBS[name]
    (project / file).write_text(content, encoding="utf-8")
    before = tree_hash(project / "out")
    started = time.monotonic()
    result = sdkgen(
        "generate", "--spec", file, "--variant", "python-pydantic", "--out", "out",
        "--package", "p", cwd=project, preexec_fn=limit_memory, timeout=60,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    (project / file).unlink()
    line = assert_one_clean_error(result, file)
    assert message in line, line
    assert "MemoryError" not in result.stderr
    assert elapsed < 10, f"{name} took {elapsed:.1f} s"
    assert tree_hash(project / "out") == before
