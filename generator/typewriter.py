"""IR types -> source text, driven by a variant's ``[types]`` table.

A table names how each structural type is written (``list = "list[{item}]"``), how primitives
are written (``"string:date-time" = "datetime"``, falling back to the kind alone), and optional
per-mode overrides (``[types.request]``: what an argument accepts may be wider than what a
response holds). Nothing here knows any particular language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from markupsafe import Markup

from . import escape
from .ir.model import (
    AnyValue,
    Api,
    EnumModel,
    ListOf,
    LiteralOf,
    MapOf,
    Model,
    Nullable,
    NullValue,
    Primitive,
    Ref,
    Type,
    UnionOf,
)

STRUCTURE_KEYS = ("list", "map", "nullable", "literal", "any", "null", "ref", "enum_ref")


@dataclass(frozen=True)
class TypeWriter:
    table: dict[str, Any]
    api: Api

    def __call__(self, value: Type, mode: str = "response", also: str | None = None) -> Markup:
        """The type as text; ``also`` adds a member to the union, before any null member."""
        text = self.write(value, mode)
        if also is None:
            return Markup(text)
        rules = self._rules(mode)
        separator, null = str(rules["union_separator"]), str(rules["null"])
        members = _split_top_level(text, separator)
        members.insert(len(members) - 1 if members[-1] == null else len(members), also)
        return Markup(separator.join(members))

    def write(self, value: Type, mode: str = "response") -> str:
        rules = self._rules(mode)
        if isinstance(value, Primitive):
            primitives = rules["primitives"]
            key = f"{value.kind}:{value.format}"
            return str(primitives.get(key, primitives[value.kind]))
        if isinstance(value, AnyValue):
            return str(rules["any"])
        if isinstance(value, NullValue):
            return str(rules["null"])
        if isinstance(value, Ref):
            return self._ref(value, rules)
        if isinstance(value, ListOf):
            return str(rules["list"]).format(item=self.write(value.item, mode))
        if isinstance(value, MapOf):
            return str(rules["map"]).format(value=self.write(value.value, mode))
        if isinstance(value, Nullable):
            return str(rules["nullable"]).format(inner=self.write(value.inner, mode))
        if isinstance(value, LiteralOf):
            return self._literal(value.values, rules)
        if isinstance(value, UnionOf):
            separator = str(rules["union_separator"])
            parts = [self.write(option, mode) for option in value.options]
            members = _distinct_members(parts, separator)
            # `union_redundant = {string = "(string & {})"}`: leave `string` out of a union
            # that already has `(string & {})` (the same values, written to keep its literals).
            redundant = rules.get("union_redundant", {})
            members = [m for m in members if redundant.get(m) not in members]
            return separator.join(members)
        raise TypeError(f"not an IR type: {value!r}")

    def _ref(self, value: Ref, rules: dict[str, Any]) -> str:
        model = self._models.get(value.name)
        if isinstance(model, EnumModel) and "enum_ref" in rules:
            literal = self._literal(tuple(member.value for member in model.members), rules)
            kind = str(rules["primitives"].get(model.kind, model.kind))
            return str(rules["enum_ref"]).format(name=value.name, literal=literal, kind=kind)
        return str(rules["ref"]).format(name=value.name)

    def _literal(self, values: tuple[Any, ...], rules: dict[str, Any]) -> str:
        quote: Callable[[Any], Markup] = escape.FILTERS[str(rules["literal_escape"])]
        joined = str(rules["literal_separator"]).join(str(quote(v)) for v in values)
        return str(rules["literal"]).format(values=joined)

    @cached_property
    def _models(self) -> dict[str, Model]:
        return {model.name: model for model in self.api.models}

    def _rules(self, mode: str) -> dict[str, Any]:
        base = {k: v for k, v in self.table.items() if not isinstance(v, dict)}
        base["primitives"] = dict(self.table.get("primitives", {}))
        override = (
            self.table.get(mode, {}) if mode != "response" else self.table.get("response", {})
        )
        for key, rule in override.items():
            if key in STRUCTURE_KEYS or key in ("union_separator", "union_redundant"):
                base[key] = rule
            else:
                base["primitives"][key] = rule
        return base


def _distinct_members(parts: list[str], separator: str) -> list[str]:
    """The union's members once each: ``datetime | str`` and ``date | str`` share ``str``."""
    members: list[str] = []
    for part in parts:
        for member in _split_top_level(part, separator):
            if member not in members:
                members.append(member)
    return members


def _split_top_level(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside brackets: ``list[a | b] | c`` -> ``list[a | b]``, ``c``."""
    pieces, depth, start, index = [], 0, 0, 0
    while index < len(text):
        char = text[index]
        if char in "\"'":
            index = _end_of_string(text, index)
            continue
        if char in "([{<":
            depth += 1
        elif char in ")]}>":
            depth -= 1
        elif depth == 0 and text.startswith(separator, index):
            pieces.append(text[start:index])
            index += len(separator)
            start = index
            continue
        index += 1
    pieces.append(text[start:])
    return pieces


def _end_of_string(text: str, start: int) -> int:
    """The index just after the string literal that opens at ``start``."""
    quote, index = text[start], start + 1
    while index < len(text) and text[index] != quote:
        index += 2 if text[index] == "\\" else 1
    return index + 1
