"""JSON Schema (OpenAPI 3.0, 3.1, or Swagger 2.0 after conversion) -> the IR type model.

Named schemas (components, and schemas in other files reached through ``$ref``) become models;
inline objects and enums are hoisted into models named after where they sit; everything else
becomes a structural type. 3.0 ``nullable`` and 3.1 ``type: [x, "null"]`` / ``{type: "null"}``
options end as the same :class:`Nullable`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from ..errors import Diagnostics
from ..load import Node, Spec
from ..naming import unique
from .model import (
    AliasModel,
    AnyValue,
    Discriminator,
    EnumMember,
    EnumModel,
    Field,
    ListOf,
    LiteralOf,
    Location,
    MapOf,
    Model,
    Nullable,
    NullValue,
    ObjectModel,
    Primitive,
    Ref,
    Type,
    UnionOf,
    spec_text,
)
from .names import Naming

PRIMITIVE_KINDS = ("string", "integer", "number", "boolean")
JSON_TYPES = (*PRIMITIVE_KINDS, "array", "object", "null")
MAX_SCHEMA_DEPTH = 200


def nullable(inner: Type) -> Type:
    if isinstance(inner, (Nullable, AnyValue, NullValue)):
        return inner
    return Nullable(inner)


def union(options: list[Type], discriminator: Discriminator | None = None) -> Type:
    """Flatten, de-duplicate and pull null out: the one way unions are built."""
    flat: list[Type] = []
    is_nullable = False
    for option in options:
        if isinstance(option, Nullable):
            is_nullable, option = True, option.inner
        if isinstance(option, NullValue):
            is_nullable = True
            continue
        members = option.options if isinstance(option, UnionOf) else (option,)
        flat.extend(member for member in members if member not in flat)
    if any(isinstance(option, AnyValue) for option in flat):
        return AnyValue()
    if not flat:
        result: Type = NullValue() if is_nullable else AnyValue()
        return result
    merged: Type = flat[0] if len(flat) == 1 else UnionOf(tuple(flat), discriminator)
    return nullable(merged) if is_nullable else merged


@dataclass
class _Named:
    name: str
    node: Node
    model: Model | None = None


@dataclass
class SchemaConverter:
    """Converts schema nodes to types, collecting the models it meets on the way."""

    spec: Spec
    naming: Naming
    diagnostics: Diagnostics
    _by_location: dict[tuple[Path, str], _Named] = field(default_factory=dict)
    _by_name: dict[str, _Named] = field(default_factory=dict)  # lower-case name -> model
    _queue: deque[_Named] = field(default_factory=deque)
    _aliases_in_progress: set[tuple[Path, str]] = field(default_factory=set)
    _recursive_aliases: set[tuple[Path, str]] = field(default_factory=set)

    # --- naming and registration ---------------------------------------------------------------

    def register_components(self, schemas: Node) -> None:
        """Name component models first, so they win any name collision.

        Component schemas that are neither objects nor enums (a string with a pattern, a list,
        a union) are aliases: references to them are replaced by what they alias.
        """
        for key, node in schemas.items():
            if self._classify(node) in ("object", "enum"):
                self._register(node, key)

    def _register(self, node: Node, raw_name: str) -> _Named:
        """The model for the schema at ``node``, named on first sight (``Foo``, ``Foo2``...)."""
        if node.key not in self._by_location:
            wanted = name = self.naming.model(raw_name)
            counter = 2
            while name.lower() in self._by_name:
                name, counter = f"{wanted}{counter}", counter + 1
            named = _Named(name, node)
            self._by_location[node.key] = self._by_name[name.lower()] = named
            self._queue.append(named)
        return self._by_location[node.key]

    def _build_queued(self) -> None:
        """Convert the models met so far (converting one may meet more)."""
        while self._queue:
            named = self._queue.popleft()
            if named.model is None:
                named.model = self._build_model(named)

    def models(self) -> tuple[Model, ...]:
        """Every model, in the order they were met; aliases only where they recurse."""
        self._build_queued()
        recursive = {self._by_location[key].name for key in self._recursive_aliases}
        return tuple(
            named.model
            for named in self._by_location.values()
            if named.model is not None
            and (not isinstance(named.model, AliasModel) or named.name in recursive)
        )

    def model_named(self, name: str) -> Model | None:
        self._build_queued()
        named = self._by_name.get(name.lower())
        return named.model if named is not None else None

    # --- conversion -----------------------------------------------------------------------------

    def convert(self, node: Node, context: str, depth: int = 0) -> Type:
        """The type of the schema at ``node``; ``context`` names hoisted inline models."""
        if depth > MAX_SCHEMA_DEPTH:
            raise self.spec.error(node, "schema nests too deeply", "simplify the schema")
        value = node.value
        if value is True or value == {}:
            return AnyValue()
        if value is False:
            return AnyValue()
        if not isinstance(value, dict):
            self._warn(node, "a schema must be an object; typed as Any")
            return AnyValue()
        if isinstance(value.get("$ref"), str):
            return self._convert_ref(node, context, depth)
        self._check(node)
        base = self._convert_inline(node, context, depth)
        return (
            nullable(base)
            if value.get("nullable") is True or value.get("x-nullable") is True
            else base
        )

    def _convert_ref(self, node: Node, context: str, depth: int) -> Type:
        target = self.spec.resolve(node)
        siblings = {
            k: v for k, v in node.value.items() if k not in ("$ref", "description", "summary")
        }
        result = self._reference(target, depth)
        if siblings.get("nullable") is True or _type_list(siblings).count("null"):
            result = nullable(result)
        return result

    def _reference(self, target: Node, depth: int) -> Type:
        """The type for a ``$ref`` to ``target``: a Ref to a model, or the aliased type inline."""
        raw_name = self._name_for_location(target)
        if self._classify(target) in ("object", "enum") or target.key in self._by_location:
            return Ref(self._register(target, raw_name).name)
        if target.key in self._aliases_in_progress:
            # A recursive alias (e.g. a JSON value type): it needs a name to refer to itself.
            self._recursive_aliases.add(target.key)
            return Ref(self._register(target, raw_name).name)
        self._aliases_in_progress.add(target.key)
        try:
            resolved = self.convert(target, raw_name, depth + 1)
        finally:
            self._aliases_in_progress.discard(target.key)
        if target.key in self._recursive_aliases:
            return Ref(self._register(target, raw_name).name)
        return resolved

    def _name_for_location(self, target: Node) -> str:
        tokens = [token for token in target.pointer.split("/")[1:] if token]
        if tokens and tokens[-2:-1] in (["schemas"], ["definitions"], ["$defs"]):
            return tokens[-1]
        if tokens:
            return tokens[-1].replace("~1", "/").replace("~0", "~")
        return target.file.stem

    def _check(self, node: Node) -> None:
        """Keywords whose value makes no sense are errors: typing them loosely as Any would
        hide a typo (``type: strnig``) in an SDK that still compiles."""
        value: dict[str, Any] = node.value
        if "type" in value:
            kinds = value["type"] if isinstance(value["type"], list) else [value["type"]]
            for kind in kinds:
                if kind not in JSON_TYPES and kind != "file":  # file: Swagger 2.0 uploads
                    raise self.spec.error(
                        node["type"],
                        f"unknown schema type {kind!r}",
                        f"use one of {', '.join(JSON_TYPES)}",
                    )
        for keyword, shape, kind in (("properties", dict, "a mapping"), ("enum", list, "a list")):
            if keyword in value and not isinstance(value[keyword], shape):
                raise self.spec.error(node[keyword], f"'{keyword}' must be {kind}")

    def _classify(self, node: Node) -> str:
        """ "object", "enum" or "other": whether a schema deserves a model of its own."""
        node = self.spec.resolve(node)
        value = node.value
        if not isinstance(value, dict):
            return "other"
        self._check(node)
        if "enum" in value and [v for v in value["enum"] if v is not None]:
            return "enum" if _enum_kind(value["enum"]) else "other"
        if "properties" in value and isinstance(value["properties"], dict):
            return "object"
        if "allOf" in value and isinstance(value["allOf"], list):
            parts = [self._classify(part) for part in node["allOf"].elements()]
            return "object" if "object" in parts else ("other" if len(parts) != 1 else parts[0])
        return "other"

    def _convert_inline(self, node: Node, context: str, depth: int) -> Type:
        value: dict[str, Any] = node.value
        if "const" in value:
            return _literal_or_any([value["const"]])
        if "enum" in value and isinstance(value["enum"], list):
            return self._convert_enum(node, context)
        if "allOf" in value and isinstance(value["allOf"], list):
            return self._convert_all_of(node, context, depth)
        for keyword in ("oneOf", "anyOf"):
            if keyword in value and isinstance(value[keyword], list):
                return self._convert_choice(node, keyword, context, depth)
        types = _type_list(value)
        if len(types) > 1:
            return union([self._convert_typed(node, kind, context, depth) for kind in types])
        kind = types[0] if types else _implied_type(value)
        return self._convert_typed(node, kind, context, depth)

    def _convert_typed(self, node: Node, kind: str | None, context: str, depth: int) -> Type:
        value = node.value
        if kind == "null":
            return NullValue()
        if kind in PRIMITIVE_KINDS:
            fmt = value.get("format")
            return Primitive(kind, fmt if isinstance(fmt, str) else None)  # type: ignore[arg-type]
        if kind == "array":
            items = node.get("items")
            if items is None or isinstance(items.value, list):
                return ListOf(AnyValue())
            return ListOf(self.convert(items, f"{context} item", depth + 1))
        if kind == "object":
            if isinstance(value.get("properties"), dict) and value["properties"]:
                return Ref(self._hoist(node, context).name)
            return MapOf(self._additional(node, context, depth) or AnyValue())
        if kind == "file":  # Swagger 2.0 formData files
            return Primitive("string", "binary")
        if kind is not None:
            self._warn(node, f"unknown schema type {kind!r}; typed as Any")
        return AnyValue()

    def _hoist(self, node: Node, context: str) -> _Named:
        return self._register(node, context)

    def _additional(self, node: Node, context: str, depth: int) -> Type | None:
        """The type of unknown properties, or None when ``additionalProperties: false``."""
        extra = node.get("additionalProperties")
        if extra is None or extra.value is True:
            return AnyValue()
        if extra.value is False:
            return None
        return self.convert(extra, f"{context} value", depth + 1)

    def _convert_enum(self, node: Node, context: str) -> Type:
        values = node.value["enum"]
        present = [v for v in values if v is not None]
        is_nullable = len(present) != len(values)
        if not present:
            return NullValue()
        if _enum_kind(present) is None or len(present) == 1:
            result = _literal_or_any(present)
        else:
            result = Ref(self._hoist(node, context).name)
        return nullable(result) if is_nullable else result

    def _convert_all_of(self, node: Node, context: str, depth: int) -> Type:
        """allOf: one real part (beside notes such as a description) is that part; parts that
        are objects merge into one model; anything else is typed as its first real part."""
        parts = [part for part in node["allOf"].elements() if not _is_annotation(part.value)]
        notes = [part.value for part in node["allOf"].elements() if _is_annotation(part.value)]
        wants_null = any(note.get("nullable") is True for note in notes)
        if not parts:
            return AnyValue()
        if len(parts) == 1 and _is_annotation(
            {k: v for k, v in node.value.items() if k != "allOf"}
        ):
            result = self.convert(parts[0], context, depth + 1)
        elif self._classify(node) == "object":
            result = Ref(self._hoist(node, context).name)
        else:
            self._warn(node, "allOf of non-object schemas; typed as its first part")
            result = self.convert(parts[0], context, depth + 1)
        return nullable(result) if wants_null else result

    def _convert_choice(self, node: Node, keyword: str, context: str, depth: int) -> Type:
        options = list(node[keyword].elements())
        if "properties" in node.value:
            self._warn(node, f"{keyword} beside properties; the {keyword} is ignored")
            return Ref(self._hoist(node, context).name)
        converted = [
            self.convert(
                option, f"{context} option{index + 1 if len(options) > 1 else ''}", depth + 1
            )
            for index, option in enumerate(options)
        ]
        return union(converted, self._discriminator(node))

    def _discriminator(self, node: Node) -> Discriminator | None:
        found = node.get("discriminator")
        if found is None or not isinstance(found.value, dict):
            return None
        prop = found.value.get("propertyName")
        if not isinstance(prop, str):
            return None
        mapping: list[tuple[str, str]] = []
        raw_mapping = found.value.get("mapping")
        for wire, ref in (raw_mapping if isinstance(raw_mapping, dict) else {}).items():
            if isinstance(ref, str) and ("#" in ref or "/" in ref or "." in ref):
                target = self.spec.target(Node({"$ref": ref}, node.file, node.pointer))
                mapping.append((wire, self._register(target, self._name_for_location(target)).name))
        return Discriminator(prop, tuple(mapping))

    # --- models -------------------------------------------------------------------------------

    def _build_model(self, named: _Named) -> Model:
        node = self.spec.resolve(named.node)
        value = node.value if isinstance(node.value, dict) else {}
        location = Location(self.spec.display(node.file), node.pointer)
        description = spec_text(value.get("description"))
        title = spec_text(value.get("title"))
        kind = self._classify(node)
        if kind == "enum":
            return self._enum_model(named.name, node, location, description, title)
        if kind == "object":
            fields, extra = self._object_fields(node, named.name)
            return ObjectModel(named.name, location, description, fields, extra, title)
        # convert(), not _convert_inline(): a recursive alias keeps its `nullable`.
        alias_type = self.convert(node, named.name, 0) if value else AnyValue()
        return AliasModel(named.name, location, description, alias_type, title)

    def _enum_model(
        self, name: str, node: Node, location: Location, description: str | None, title: str | None
    ) -> EnumModel:
        values = [v for v in node.value["enum"] if v is not None]
        values = [v for index, v in enumerate(values) if v not in values[:index]]
        wanted = node.value.get("x-enum-varnames")
        if (
            isinstance(wanted, list)
            and len(wanted) == len(values)
            and all(isinstance(w, str) for w in wanted)
        ):
            raw_names = list(wanted)
        else:
            raw_names = [str(v) for v in values]
        names = unique([self.naming.enum_member(raw) for raw in raw_names])
        kind = cast(EnumKind, _enum_kind(values) or "string")
        members = tuple(EnumMember(n, v) for n, v in zip(names, values, strict=True))
        return EnumModel(name, location, description, kind, members, title)

    def _object_fields(self, node: Node, model_name: str) -> tuple[tuple[Field, ...], Type | None]:
        properties: dict[str, Node] = {}
        required: list[str] = []
        extra: Type | None = AnyValue()
        for part in self._object_parts(node):
            props = part.get("properties")
            if props is not None:
                for key, prop in props.items():
                    properties[key] = prop
            if isinstance(part.value.get("required"), list):
                required.extend(r for r in part.value["required"] if isinstance(r, str))
            if part.get("additionalProperties") is not None:
                extra = self._additional(part, model_name, 0)
        names = self.naming.fields(list(properties))
        fields = []
        for (json_name, prop), name in zip(properties.items(), names, strict=True):
            fields.append(self._field(prop, json_name, name, json_name in required, model_name))
        return tuple(fields), extra

    def _object_parts(self, node: Node) -> list[Node]:
        """The object itself and, through allOf, every schema it merges (depth first)."""
        node = self.spec.resolve(node)
        parts = [node]
        all_of = node.get("allOf")
        if all_of is not None and isinstance(all_of.value, list):
            for part in all_of.elements():
                parts.extend(self._object_parts(part))
        return parts

    def _field(
        self, prop: Node, json_name: str, name: str, required: bool, model_name: str
    ) -> Field:
        resolved = self.spec.resolve(prop)
        value = prop.value if isinstance(prop.value, dict) else {}
        target = resolved.value if isinstance(resolved.value, dict) else {}
        field_type = self.convert(prop, f"{model_name} {json_name}")
        has_default = "default" in value or "default" in target
        return Field(
            json_name=json_name,
            name=name,
            type=field_type,
            required=required,
            description=spec_text(value.get("description", target.get("description"))),
            has_default=has_default,
            default=value.get("default", target.get("default")),
            read_only=bool(value.get("readOnly", target.get("readOnly", False))),
            write_only=bool(value.get("writeOnly", target.get("writeOnly", False))),
            deprecated=bool(value.get("deprecated", target.get("deprecated", False))),
        )

    def _warn(self, node: Node, message: str) -> None:
        self.diagnostics.warn(message, file=self.spec.display(node.file), pointer=node.pointer)


# Keywords that say something about a schema without constraining its type.
ANNOTATIONS = frozenset(
    {"description", "title", "nullable", "x-nullable", "example", "examples", "default", "readOnly",
     "writeOnly", "deprecated", "discriminator", "externalDocs", "xml", "$comment"}
)  # fmt: skip


def _is_annotation(value: Any) -> bool:
    """A schema made only of notes (``{"description": ...}``): it adds no type information."""
    return isinstance(value, dict) and all(
        key in ANNOTATIONS or key.startswith("x-") for key in value
    )


def _type_list(value: dict[str, Any]) -> list[str]:
    kind = value.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    return []


def _implied_type(value: dict[str, Any]) -> str | None:
    if "properties" in value or "additionalProperties" in value:
        return "object"
    if "items" in value:
        return "array"
    return None


EnumKind = Literal["string", "integer", "number", "boolean"]


def _enum_kind(values: list[Any]) -> str | None:
    """The single JSON type of an enum's values, or None when they are mixed."""
    kinds = {_json_kind(v) for v in values if v is not None}
    return kinds.pop() if len(kinds) == 1 and None not in kinds else None


def _json_kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return None


def _literal_or_any(values: list[Any]) -> Type:
    literal = [v for v in values if isinstance(v, (str, int, float, bool))]
    return LiteralOf(tuple(literal)) if literal and len(literal) == len(values) else AnyValue()
