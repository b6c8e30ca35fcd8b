"""Helpers shared by the generator's unit tests (imported as ``gen_helpers``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.errors import Diagnostics
from generator.ir import Api, build_api
from generator.ir.names import Naming
from generator.load import Spec
from generator.naming import PYTHON

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"

# The naming policy of a Python variant, written out here rather than read from a manifest so
# that a change to the shipped variant does not silently change what these tests expect.
PY_NAMING = Naming(
    PYTHON,
    reserved_parameters=frozenset({"self", "timeout", "extra_headers", "builtins"}),
    reserved_fields=frozenset({"model_config", "json", "dict", "copy"}),
    reserved_models=frozenset({"BaseModel", "Field", "Any", "Literal"}),
)


def openapi(
    paths: dict[str, Any] | None = None,
    schemas: dict[str, Any] | None = None,
    *,
    version: str = "3.1.0",
    **extra: Any,
) -> dict[str, Any]:
    """A minimal OpenAPI document."""
    document: dict[str, Any] = {
        "openapi": version,
        "info": {"title": "Test API", "version": "1.0.0"},
        "paths": paths or {},
    }
    if schemas is not None:
        document["components"] = {"schemas": schemas}
    document.update(extra)
    return document


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema: dict[str, Any], **media: Any) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema, **media}}}


def write_files(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative POSIX path -> bytes)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def build_from(
    document: dict[str, Any],
    folder: Path,
    *,
    naming: Naming = PY_NAMING,
    package: str = "pkg",
    diagnostics: Diagnostics | None = None,
    name: str = "spec.json",
) -> Api:
    """Write ``document`` into ``folder`` and build its IR."""
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return build_api(
        Spec(path, display_base=folder),
        naming=naming,
        package=package,
        diagnostics=diagnostics if diagnostics is not None else Diagnostics(),
    )
