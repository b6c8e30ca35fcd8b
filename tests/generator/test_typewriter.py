"""generator.typewriter: IR types -> source text through a variant's [types] table."""

from __future__ import annotations

import pytest

from generator.ir.model import (
    AnyValue,
    Api,
    EnumMember,
    EnumModel,
    ListOf,
    LiteralOf,
    Location,
    MapOf,
    Nullable,
    NullValue,
    ObjectModel,
    Primitive,
    Ref,
    Type,
    UnionOf,
)
from generator.typewriter import TypeWriter

PYTHON_TABLE = {
    "list": "list[{item}]",
    "map": "dict[str, {value}]",
    "nullable": "{inner} | None",
    "union_separator": " | ",
    "literal": "Literal[{values}]",
    "literal_separator": ", ",
    "literal_escape": "py_literal",
    "any": "Any",
    "null": "None",
    "ref": "{name}",
    "primitives": {
        "string": "str",
        "string:date-time": "DateTime",
        "string:date": "Date",
        "string:binary": "bytes",
        "integer": "int",
        "number": "float",
        "boolean": "bool",
    },
    "request": {
        "string:date-time": "datetime | str",
        "string:date": "date | str",
        "enum_ref": "{name} | {literal}",
    },
}

TYPESCRIPT_TABLE = {
    "list": "Array<{item}>",
    "map": "Record<string, {value}>",
    "nullable": "{inner} | null",
    "union_separator": " | ",
    "literal": "{values}",
    "literal_separator": " | ",
    "literal_escape": "ts_literal",
    "any": "unknown",
    "null": "null",
    "ref": "{name}",
    "enum_ref": "{name}",
    "primitives": {
        "string": "string",
        "integer": "number",
        "number": "number",
        "boolean": "boolean",
    },
    "response": {"string:date-time": "Date"},
}

HERE = Location("spec.yaml", "/components/schemas/X")
COLOR = EnumModel(
    "Color", HERE, None, "string", (EnumMember("RED", "red"), EnumMember("ODD", 'a|b]"c'))
)
PET = ObjectModel("Pet", HERE, None, ())
API = Api("T", "1", None, "spec.yaml", "3.1", "Client", "pkg", (), (), (), (COLOR, PET), ())

py = TypeWriter(PYTHON_TABLE, API)
ts = TypeWriter(TYPESCRIPT_TABLE, API)


@pytest.mark.parametrize(
    ("value", "python", "typescript"),
    [
        (Primitive("string"), "str", "string"),
        (Primitive("string", "uuid"), "str", "string"),  # unknown format: the kind alone
        (Primitive("string", "date-time"), "DateTime", "Date"),
        (Primitive("integer", "int64"), "int", "number"),
        (Primitive("boolean"), "bool", "boolean"),
        (AnyValue(), "Any", "unknown"),
        (NullValue(), "None", "null"),
        (Ref("Pet"), "Pet", "Pet"),
        (ListOf(Ref("Pet")), "list[Pet]", "Array<Pet>"),
        (
            MapOf(ListOf(Primitive("integer"))),
            "dict[str, list[int]]",
            "Record<string, Array<number>>",
        ),
        (Nullable(Primitive("number")), "float | None", "number | null"),
        (LiteralOf(("a", 1, True)), 'Literal["a", 1, True]', '"a" | 1 | true'),
        (UnionOf((Ref("Pet"), Primitive("string"))), "Pet | str", "Pet | string"),
        (
            ListOf(Nullable(UnionOf((Primitive("integer"), Primitive("string"))))),
            "list[int | str | None]",
            "Array<number | string | null>",
        ),
    ],
)
def test_each_kind(value: Type, python: str, typescript: str) -> None:
    assert py(value) == python
    assert ts(value) == typescript


def test_nullable_of_a_union() -> None:
    value = Nullable(UnionOf((Ref("Pet"), ListOf(Ref("Pet")))))
    assert py(value) == "Pet | list[Pet] | None"
    assert ts(value) == "Pet | Array<Pet> | null"


def test_union_members_are_written_once() -> None:
    both = UnionOf((Primitive("string", "date-time"), Primitive("string", "date")))
    assert py(both, "request") == "datetime | str | date"
    assert py(both) == "DateTime | Date"
    same = UnionOf((Primitive("string", "uuid"), Primitive("string")))
    assert py(same) == "str"


def test_union_dedup_does_not_look_inside_brackets() -> None:
    value = UnionOf(
        (ListOf(UnionOf((Primitive("integer"), Primitive("string")))), Primitive("string"))
    )
    assert py(value) == "list[int | str] | str"


def test_request_mode_overrides_only_what_it_names() -> None:
    value = ListOf(Primitive("string", "date-time"))
    assert py(value, "request") == "list[datetime | str]"
    assert py(value, "response") == "list[DateTime]"
    assert py(Primitive("integer"), "request") == "int"
    # A table without a "response" section writes responses with the base rules.
    assert ts(Primitive("string", "date-time"), "request") == "string"
    assert ts(Primitive("string", "date-time")) == "Date"


def test_enum_ref_with_literal_values() -> None:
    assert py(Ref("Color")) == "Color"
    assert py(Ref("Color"), "request") == 'Color | Literal["red", "a|b]\\"c"]'
    # Refs to non-enums never take the enum rule.
    assert py(Ref("Pet"), "request") == "Pet"


def test_enum_ref_literal_values_survive_union_splitting() -> None:
    value = Nullable(UnionOf((Ref("Color"), Primitive("string", "date"))))
    assert py(value, "request") == 'Color | Literal["red", "a|b]\\"c"] | date | str | None'


@pytest.mark.parametrize(
    ("values", "python", "typescript"),
    [
        (("a|b",), 'Literal["a|b"]', '"a|b"'),
        (("x]", "[y"), 'Literal["x]", "[y"]', '"x]" | "[y"'),
        (('say "hi"',), 'Literal["say \\"hi\\""]', '"say \\"hi\\""'),
        (("it's",), 'Literal["it\'s"]', '"it\'s"'),
    ],
)
def test_literal_values_are_quoted(values: tuple[str, ...], python: str, typescript: str) -> None:
    assert py(LiteralOf(values)) == python
    assert ts(LiteralOf(values)) == typescript


def test_literal_with_separator_inside_is_one_union_member() -> None:
    # "a | b" must not be split into two members, nor merged with the plain "b" member.
    value = UnionOf((LiteralOf(("a | b",)), LiteralOf(("b",)), LiteralOf(("a | b",))))
    assert ts(value) == '"a | b" | "b"'
    assert py(value) == 'Literal["a | b"] | Literal["b"]'


def test_not_a_type() -> None:
    with pytest.raises(TypeError):
        py("str")  # type: ignore[arg-type]
