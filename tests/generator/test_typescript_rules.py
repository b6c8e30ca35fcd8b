"""The small core rules the typescript-fetch variant needs, kept generic.

- generator.naming: a TypeScript member (method, property) may be a reserved word
  (`client.timeEntries.delete`), except `constructor`; bare identifiers still may not.
- generator.ir: credential arguments take the variant's parameter case (`accessToken`).
- generator.typewriter: `union_redundant` drops `string` beside `(string & {})`, and
  `enum_ref` may name the enum's `{kind}`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gen_helpers import PY_NAMING, json_response, openapi, ref

from generator.ir import Api
from generator.ir.model import EnumMember, EnumModel, Location, Primitive, Ref, UnionOf
from generator.ir.names import Naming
from generator.naming import PYTHON, TYPESCRIPT
from generator.typewriter import TypeWriter

TS_NAMING = Naming(
    TYPESCRIPT,
    field_case="original",
    method_case="camel",
    resource_case="camel",
    parameter_case="camel",
)


def test_typescript_members_may_be_reserved_words_but_constructor() -> None:
    assert TS_NAMING.method("delete") == "delete"
    assert TS_NAMING.resource("default") == "default"
    assert TS_NAMING.method("constructor") == "constructor_"
    assert TYPESCRIPT.identifier("delete", "camel") == "delete_"  # a variable still may not
    assert PY_NAMING.method("class") == "class_"  # Python members follow the keywords
    assert PYTHON.identifier("class", "snake", member=True) == "class_"


def test_credential_arguments_take_the_parameter_case(build: Callable[..., Api]) -> None:
    document: dict[str, Any] = openapi(
        {"/x": {"get": {"operationId": "getX", "responses": {"200": json_response(ref("X"))}}}},
        {"X": {"type": "object"}},
    )
    document["components"]["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer"},
        "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
    }
    python = build(document)
    typescript = build(document, naming=TS_NAMING)
    assert [c.name for c in python.credentials] == ["access_token", "api_key"]
    assert [c.name for c in typescript.credentials] == ["accessToken", "apiKey"]
    assert [c.env_var for c in typescript.credentials] == [c.env_var for c in python.credentials]


HERE = Location("spec.yaml", "/components/schemas/Kind")
KIND = EnumModel("Kind", HERE, None, "string", (EnumMember("A", "a"), EnumMember("B", "b")))
API = Api("T", "1", None, "spec.yaml", "3.1", "Client", "pkg", (), (), (), (KIND,), ())
TABLE = {
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
    "primitives": {"string": "string", "integer": "number", "number": "number"},
    "response": {
        "enum_ref": "{name} | ({kind} & {{}})",
        "union_redundant": {"string": "(string & {})"},
    },
}


def test_open_enums_in_responses_keep_their_literals() -> None:
    writer = TypeWriter(TABLE, API)
    open_kind = UnionOf((Ref("Kind"), Primitive("string")))
    assert writer.write(Ref("Kind")) == "Kind | (string & {})"
    assert writer.write(open_kind) == "Kind | (string & {})"
    assert writer.write(open_kind, "request") == "Kind | string"
    assert writer.write(UnionOf((Primitive("integer"), Primitive("string")))) == "number | string"
