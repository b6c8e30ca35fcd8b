"""Read spec files (YAML or JSON) and follow ``$ref``s across them.

Everything downstream addresses spec content through :class:`Node`: a value with the file and
JSON pointer it came from, so every warning and error can say where it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from . import swagger2
from .errors import SdkgenError

# A document whose tree, with YAML aliases expanded, is bigger than this is refused: walking it
# would take hours ("billion laughs"). The largest real spec we know (OpenAI, 3 MB) has ~60,000.
MAX_EXPANDED_NODES = 5_000_000
MAX_NESTING = 500

_YamlBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecYamlLoader(_YamlBase):  # type: ignore[valid-type,misc]
    """YAML as OpenAPI means it: timestamps stay strings, only true/false are booleans."""


_SpecYamlLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _SpecYamlLoader.yaml_implicit_resolvers.setdefault(_first, []).append(
        ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"))
    )


def escape_pointer_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(pointer: str, token: str | int) -> str:
    return f"{pointer}/{escape_pointer_token(str(token))}"


@dataclass(frozen=True)
class Node:
    """A piece of a spec document and where it lives."""

    value: Any
    file: Path
    pointer: str

    def __getitem__(self, key: str | int) -> Node:
        return Node(self.value[key], self.file, join_pointer(self.pointer, key))

    def get(self, key: str) -> Node | None:
        if isinstance(self.value, dict) and key in self.value:
            return self[key]
        return None

    def items(self) -> Iterator[tuple[str, Node]]:
        if isinstance(self.value, dict):
            for key in self.value:
                yield key, self[key]

    def elements(self) -> Iterator[Node]:
        if isinstance(self.value, list):
            for index in range(len(self.value)):
                yield self[index]

    @property
    def key(self) -> tuple[Path, str]:
        """Identity of this location: two $refs to the same place give the same key."""
        return (self.file, self.pointer)


class Spec:
    """The entry document plus every file reached through ``$ref``, loaded once each."""

    def __init__(self, entry: Path, *, display_base: Path | None = None) -> None:
        self.entry = entry.resolve()
        self.display_base = (display_base or Path.cwd()).resolve()
        self._documents: dict[Path, Any] = {}
        self.converted_from: str | None = None
        document = self.document(self.entry)
        if isinstance(document, dict) and str(document.get("swagger", "")).startswith("2."):
            self._documents[self.entry] = document = swagger2.convert(document)
            self.converted_from = "2.0"
        self.root = Node(document, self.entry, "")

    def display(self, file: Path) -> str:
        """A path for messages and headers: relative to the working directory when inside it."""
        try:
            return file.relative_to(self.display_base).as_posix()
        except ValueError:
            return file.as_posix()

    def document(self, file: Path) -> Any:
        if file not in self._documents:
            self._documents[file] = load_document(file, display=self.display(file))
        return self._documents[file]

    @property
    def files(self) -> list[Path]:
        return sorted(self._documents)

    def error(self, node: Node, message: str, hint: str | None = None) -> SdkgenError:
        return SdkgenError(message, file=self.display(node.file), pointer=node.pointer, hint=hint)

    def resolve(self, node: Node) -> Node:
        """Follow ``$ref`` (and chains of them) until a non-reference node."""
        seen: set[tuple[Path, str]] = set()
        while isinstance(node.value, dict) and isinstance(node.value.get("$ref"), str):
            if node.key in seen:
                raise self.error(node, "circular $ref chain", "point the $ref at a real object")
            seen.add(node.key)
            node = self.target(node)
        return node

    def target(self, node: Node) -> Node:
        """The node one ``$ref`` points at."""
        ref: str = node.value["$ref"]
        address, _, fragment = ref.partition("#")
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", address):
            raise self.error(
                node,
                f"remote $ref {ref!r} is not fetched",
                "download the file and refer to it by a relative path",
            )
        file = node.file
        if address:
            file = (node.file.parent / unquote(address)).resolve()
            if not file.is_file():
                raise self.error(node, f"$ref {ref!r} names a file that does not exist")
        document = self.document(file)
        pointer = unquote(fragment)
        if pointer and not pointer.startswith("/"):
            raise self.error(node, f"$ref {ref!r} has a fragment that is not a JSON pointer")
        value = document
        for token in pointer.split("/")[1:]:
            token = unescape_pointer_token(token)
            if isinstance(value, dict) and token in value:
                value = value[token]
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                raise self.error(node, f"$ref {ref!r} points at nothing", "fix the JSON pointer")
        return Node(value, file, pointer)


def load_document(file: Path, *, display: str) -> Any:
    """Parse one spec file; every way it can fail becomes one SdkgenError."""
    text = _read_text(file, display)
    if not text.strip():
        raise SdkgenError(
            "the file is empty", file=display, hint="point sdkgen at an OpenAPI document"
        )
    try:
        if _looks_like_json(file, text):
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_SpecYamlLoader)
    except RecursionError:
        raise SdkgenError(
            "the document nests too deeply to load", file=display, hint="flatten it"
        ) from None
    except json.JSONDecodeError as error:
        raise SdkgenError(
            f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}", file=display
        ) from None
    except yaml.YAMLError as error:
        raise SdkgenError(f"invalid YAML: {_yaml_problem(error)}", file=display) from None
    return _normalise(data, display)


def _read_text(file: Path, display: str) -> str:
    if file.is_dir():
        raise SdkgenError("is a directory, not a spec file", file=display)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise SdkgenError("no such file", file=display, hint="check the path") from None
    except OSError as error:
        raise SdkgenError(f"cannot read: {error.strerror}", file=display) from None
    if b"\x00" in raw[:8192]:
        raise SdkgenError("binary data, not a YAML or JSON document", file=display)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SdkgenError(
            f"not UTF-8 text (byte {error.start})", file=display, hint="save it as UTF-8"
        ) from None


def _looks_like_json(file: Path, text: str) -> bool:
    if file.suffix.lower() == ".json":
        return True
    if file.suffix.lower() in (".yaml", ".yml"):
        return False
    return text.lstrip()[:1] in ("{", "[")


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"{problem}{where}"


def _normalise(data: Any, display: str) -> Any:
    """Make mapping keys strings (YAML reads `200:` as an int) and refuse alias bombs.

    YAML aliases load as shared objects; each is converted once, so sharing survives and the
    work stays proportional to the file, not to its expansion.
    """
    converted: dict[int, Any] = {}
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def convert(value: Any, depth: int) -> Any:
        if isinstance(value, str):
            return _text(value, display)
        if not isinstance(value, (dict, list)):
            return value
        if depth > MAX_NESTING:
            raise SdkgenError(
                f"the document nests deeper than {MAX_NESTING} levels",
                file=display,
                hint="flatten it",
            )
        ident = id(value)
        if ident in in_progress:
            raise SdkgenError("a YAML alias contains itself", file=display, hint="break the cycle")
        if ident in converted:
            return converted[ident]
        in_progress.add(ident)
        result: Any
        if isinstance(value, dict):
            result = {}
            converted[ident] = result
            size = 1
            for key, item in value.items():
                result[_text(_key_text(key), display)] = convert(item, depth + 1)
                size += sizes.get(id(item), 1)
        else:
            result = []
            converted[ident] = result
            size = 1
            for item in value:
                result.append(convert(item, depth + 1))
                size += sizes.get(id(item), 1)
        in_progress.discard(ident)
        sizes[ident] = size
        if size > MAX_EXPANDED_NODES:
            raise SdkgenError(
                f"the document expands to more than {MAX_EXPANDED_NODES:,} nodes "
                "(YAML aliases that multiply, a 'billion laughs')",
                file=display,
                hint="remove the repeated aliases",
            )
        return result

    return convert(data, 0)


def _text(value: str, display: str) -> str:
    """A string that can be written out: JSON's ``\\ud800`` escapes can make lone surrogates."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise SdkgenError(
            f"a string holds a lone surrogate (\\u{ord(value[error.start]):04x}), which is not text",
            file=display,
            hint="fix the \\u escape",
        ) from None
    return value


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def find_spec_version(spec: Spec) -> str:
    """``"3.0"``, ``"3.1"`` or ``"2.0"``; anything else is an error."""
    root = spec.root
    if not isinstance(root.value, dict):
        raise spec.error(root, "the document is not a mapping", "an OpenAPI document is an object")
    version = root.value.get("openapi", root.value.get("swagger"))
    text = str(version) if version is not None else ""
    for known in ("3.0", "3.1", "2.0"):
        if text == known or text.startswith(known + "."):
            return known
    if version is None:
        raise spec.error(root, "no 'openapi' field", "this does not look like an OpenAPI document")
    raise spec.error(
        root,
        f"unsupported OpenAPI version {text!r}",
        "sdkgen reads OpenAPI 3.0, 3.1 and Swagger 2.0",
    )
