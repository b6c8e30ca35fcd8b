"""SDK variants: a folder under ``templates/`` with a ``manifest.toml``.

The manifest says which files to render from which templates, the target language, the naming
policy, how IR types are written in that language, and which formatter tidies the output.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SdkgenError
from .ir.names import Naming
from .naming import LANGUAGES

MANIFEST = "manifest.toml"


def builtin_templates_dir() -> Path:
    """The variants shipped with sdkgen: ``templates/`` beside the package (or inside a wheel)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "templates", here / "_templates"):
        if candidate.is_dir():
            return candidate
    return here.parent / "templates"


@dataclass(frozen=True)
class FileRule:
    template: str
    output: str
    each: str | None = None  # "resource in api.resources"


@dataclass(frozen=True)
class Variant:
    name: str
    folder: Path
    description: str
    language: str
    formatter: str | None
    formatter_options: dict[str, Any]
    naming: Naming
    types: dict[str, Any]
    files: tuple[FileRule, ...]
    copies: tuple[tuple[str, str], ...]  # (source folder in the variant, output folder)
    models: dict[str, Any] | None
    defaults: dict[str, Any] = field(default_factory=dict)


def list_variants(templates_dir: Path | None = None) -> list[Variant]:
    folder = templates_dir or builtin_templates_dir()
    return [load_variant(path.parent.name, folder) for path in sorted(folder.glob(f"*/{MANIFEST}"))]


def load_variant(name: str, templates_dir: Path | None = None) -> Variant:
    folder = (templates_dir or builtin_templates_dir()) / name
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        known = ", ".join(v.name for v in list_variants(templates_dir)) or "none"
        raise SdkgenError(f"unknown variant {name!r}", hint=f"known variants: {known}")
    try:
        data = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SdkgenError(f"invalid manifest: {error}", file=str(manifest_path)) from None
    try:
        return _variant(name, folder, data)
    except (KeyError, TypeError, ValueError) as error:
        raise SdkgenError(f"invalid manifest: {error!r}", file=str(manifest_path)) from None


def _variant(name: str, folder: Path, data: dict[str, Any]) -> Variant:
    language = LANGUAGES[data["language"]]
    naming_table = dict(data.get("naming", {}))
    reserved = {
        key: frozenset(naming_table.pop(key, ()))
        for key in ("reserved_models", "reserved_fields", "reserved_parameters", "reserved_members")
    }
    naming = Naming(language, **naming_table, **reserved)  # type: ignore[arg-type]
    formatter = data.get("formatter")
    return Variant(
        name=name,
        folder=folder,
        description=str(data.get("description", "")),
        language=language.name,
        formatter=formatter.get("name") if isinstance(formatter, dict) else formatter,
        formatter_options=dict(formatter) if isinstance(formatter, dict) else {},
        naming=naming,
        types=dict(data["types"]),
        files=tuple(
            FileRule(f["template"], f["output"], f.get("each")) for f in data.get("files", [])
        ),
        copies=tuple((c["source"], c["output"]) for c in data.get("copy", [])),
        models=dict(data["models"]) if "models" in data else None,
        defaults=dict(data.get("options", {})),
    )
