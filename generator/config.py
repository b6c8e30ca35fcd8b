"""Targets (spec x variant x output folder x package x options) from ``[tool.sdkgen]``.

The configuration lives in ``pyproject.toml`` under ``[tool.sdkgen]`` or in ``sdkgen.toml``
(top level), found in the working directory or the nearest parent that has one. Its folder is
the project root: every path in it is relative to that folder.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SdkgenError

CONFIG_FILES = ("sdkgen.toml", "pyproject.toml")


@dataclass(frozen=True)
class Target:
    name: str
    spec: Path
    variant: str
    out: Path
    package: str
    client_name: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    root: Path
    file: Path | None
    targets: tuple[Target, ...]
    templates: Path | None = None  # extra variants beside the built-in ones


def find_config(start: Path) -> Path | None:
    for folder in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and _section(candidate) is not None:
                return candidate
    return None


def load_config(path: Path | None, *, cwd: Path) -> Config:
    """The configuration at ``path``, or found from ``cwd``; an empty one when there is none."""
    file = path.resolve() if path is not None else find_config(cwd)
    if file is None:
        return Config(root=cwd.resolve(), file=None, targets=())
    if not file.is_file():
        raise SdkgenError("no such configuration file", file=str(path))
    section = _section(file)
    if section is None:
        raise SdkgenError(
            "no [tool.sdkgen] table", file=str(file), hint="add one, or use sdkgen.toml"
        )
    root = file.parent
    base = "" if file.name == "sdkgen.toml" else "/tool/sdkgen"
    unknown = sorted(set(section) - {"targets", "templates"})
    if unknown:
        raise SdkgenError(
            f"unknown key {unknown[0]!r}",
            file=str(file),
            pointer=base or "/",
            hint="known keys: targets, templates",
        )
    raw_targets = section.get("targets", [])
    if not isinstance(raw_targets, list):
        raise SdkgenError(
            "'targets' must be an array of tables", file=str(file), pointer=f"{base}/targets"
        )
    targets = tuple(
        _target(raw, f"{base}/targets/{index}", root, file) for index, raw in enumerate(raw_targets)
    )
    names = [target.name for target in targets]
    for name in names:
        if names.count(name) > 1:
            raise SdkgenError(
                f"two targets are named {name!r}",
                file=str(file),
                hint="give each a distinct 'name'",
            )
    templates = section.get("templates")
    return Config(root, file, targets, (root / templates) if isinstance(templates, str) else None)


def _section(file: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise SdkgenError(f"cannot read configuration: {error}", file=str(file)) from None
    if file.name == "sdkgen.toml":
        return data
    section = data.get("tool", {}).get("sdkgen")
    return section if isinstance(section, dict) else None


def _target(raw: Any, pointer: str, root: Path, file: Path) -> Target:
    if not isinstance(raw, dict):
        raise SdkgenError("a target must be a table", file=str(file), pointer=pointer)
    for key in ("spec", "variant", "out", "package"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise SdkgenError(f"target needs a '{key}' string", file=str(file), pointer=pointer)
    known = {"name", "spec", "variant", "out", "package", "client_name", "options"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SdkgenError(
            f"unknown target key {unknown[0]!r}",
            file=str(file),
            pointer=pointer,
            hint=f"known keys: {', '.join(sorted(known))}",
        )
    for key in ("name", "client_name"):
        if key in raw and not isinstance(raw[key], str):
            raise SdkgenError(
                f"'{key}' must be a string", file=str(file), pointer=f"{pointer}/{key}"
            )
    options = raw.get("options", {})
    if not isinstance(options, dict):
        raise SdkgenError("'options' must be a table", file=str(file), pointer=f"{pointer}/options")
    return Target(
        name=str(raw.get("name") or raw["variant"]),
        spec=(root / raw["spec"]).resolve(),
        variant=raw["variant"],
        out=(root / raw["out"]).resolve(),
        package=raw["package"],
        client_name=raw.get("client_name"),
        options=dict(options),
    )
