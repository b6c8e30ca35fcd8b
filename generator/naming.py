"""Every name sdkgen invents: identifiers per target language, keywords, collisions, order.

Spec names are arbitrary strings (``x-y``, ``1st``, ``$id``, ``Parameter1.Name``, ``files[0]``,
``.``); the functions here turn them into identifiers that are valid, readable and stable, and
keep a set of names unique by suffixing ``_2``, ``_3``... in the order the spec lists them.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+[a-z]*")


def words(raw: str) -> list[str]:
    """Split a name into lower-case words: ``getHTTPResponse2`` -> get, http, response2."""
    found: list[str] = []
    for chunk in re.split(r"[^0-9A-Za-z]+", _ascii(raw)):
        for index, word in enumerate(_WORD.findall(chunk)):
            if index and word[0].isdigit():
                found[-1] += word  # keep "v2010", "x5t", "response2" whole
            else:
                found.append(word.lower())
    return found


def _ascii(raw: str) -> str:
    return unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")


def spelled_out(raw: str) -> list[str]:
    """Words for a name with no letters or digits, from the characters' Unicode names:
    ``.`` -> full, stop; ``-`` -> hyphenminus."""
    spelled: list[str] = []
    for char in raw:
        spelled.extend(unicodedata.name(char, "char").lower().split())
    return [re.sub(r"[^a-z0-9]", "", word) for word in spelled if re.sub(r"[^a-z0-9]", "", word)]


def snake_case(raw: str) -> str:
    return "_".join(words(raw))


def constant_case(raw: str) -> str:
    return snake_case(raw).upper()


def pascal_case(raw: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in words(raw))


def camel_case(raw: str) -> str:
    pascal = pascal_case(raw)
    return pascal[:1].lower() + pascal[1:]


CASES = {
    "snake": snake_case,
    "constant": constant_case,
    "pascal": pascal_case,
    "camel": camel_case,
}

PYTHON_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)

TYPESCRIPT_RESERVED = frozenset(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "as",
        "implements",
        "interface",
        "let",
        "package",
        "private",
        "protected",
        "public",
        "static",
        "yield",
        "any",
        "boolean",
        "number",
        "string",
        "symbol",
        "type",
        "from",
        "of",
        "await",
        "async",
        "constructor",
        "undefined",
        "never",
        "unknown",
        "object",
        "bigint",
        "declare",
        "readonly",
        "keyof",
        "infer",
        "is",
        "asserts",
    ]
)


@dataclass(frozen=True)
class Language:
    """The naming rules of one target language."""

    name: str
    reserved: frozenset[str]
    cases: dict[str, str] = field(default_factory=dict)
    # Names a member (a method or property, written after a dot) cannot take; None: `reserved`.
    # TypeScript allows `client.timeEntries.delete`; Python does not allow `obj.class`.
    member_reserved: frozenset[str] | None = None

    def identifier(
        self, raw: str, case: str, *, fallback: str = "value", member: bool = False
    ) -> str:
        """A valid identifier in ``case`` ("snake", "pascal", "camel", "constant") for ``raw``.

        ``member``: the name of a method or property, checked against ``member_reserved``.
        """
        convert = CASES[case]
        name = convert(raw)
        if not name:
            name = convert(" ".join(spelled_out(raw))) or convert(fallback)
        if raw.startswith("-") and raw[1:].replace(".", "", 1).isdigit():
            name = convert("negative " + raw[1:])
        if name[0].isdigit():
            name = convert(" ".join([fallback, *words(raw)]))
        reserved = self.reserved
        if member and self.member_reserved is not None:
            reserved = self.member_reserved
        if name in reserved:
            name = f"{name}_"
        return name


PYTHON = Language("python", PYTHON_RESERVED)
# A TypeScript class member may be any identifier name but `constructor`.
TYPESCRIPT = Language("typescript", TYPESCRIPT_RESERVED, member_reserved=frozenset({"constructor"}))
LANGUAGES = {language.name: language for language in (PYTHON, TYPESCRIPT)}


def unique(names: Iterable[str], *, taken: Iterable[str] = (), separator: str = "_") -> list[str]:
    """Make ``names`` distinct from each other and from ``taken``, keeping their order.

    The first holder of a name keeps it; later ones become ``name_2``, ``name_3``...
    Comparison ignores case, so two names never differ by case alone (files on macOS and
    Windows, and readers, would confuse them).
    """
    used = {name.lower() for name in taken}
    result: list[str] = []
    for name in names:
        candidate, counter = name, 2
        while candidate.lower() in used:
            candidate, counter = f"{name}{separator}{counter}", counter + 1
        used.add(candidate.lower())
        result.append(candidate)
    return result


def is_identifier(name: str, language: Language) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name)) and name not in language.reserved
