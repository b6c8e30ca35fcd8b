"""generator.ir.schemas: JSON Schema -> IR types and models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from gen_helpers import json_response, openapi, ref

from generator.errors import SdkgenError
from generator.ir import (
    AliasModel,
    AnyValue,
    Api,
    EnumModel,
    ListOf,
    LiteralOf,
    MapOf,
    Nullable,
    NullValue,
    ObjectModel,
    Primitive,
    Ref,
    UnionOf,
)

Build = Callable[..., Api]


def models_of(api: Api) -> dict[str, Any]:
    return {model.name: model for model in api.models}


def field_types(model: Any) -> dict[str, Any]:
    return {field.json_name: field.type for field in model.fields}


def one_model(build: Build, schemas: dict[str, Any], version: str = "3.1.0") -> dict[str, Any]:
    return models_of(build(openapi(schemas=schemas, version=version)))


# --- null ----------------------------------------------------------------------------------------


def test_three_ways_to_say_nullable_give_the_same_type(build: Build) -> None:
    v30 = one_model(
        build,
        {
            "Pet": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Holder": {
                "type": "object",
                "properties": {
                    "text": {"type": "string", "nullable": True},
                    "pet": {"allOf": [ref("Pet")], "nullable": True},
                    "ints": {"type": "array", "items": {"type": "integer"}, "nullable": True},
                },
            },
        },
        version="3.0.3",
    )
    v31 = one_model(
        build,
        {
            "Pet": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Holder": {
                "type": "object",
                "properties": {
                    "text": {"type": ["string", "null"]},
                    "pet": {"anyOf": [ref("Pet"), {"type": "null"}]},
                    "ints": {"type": ["array", "null"], "items": {"type": "integer"}},
                },
            },
        },
    )
    any_of = one_model(
        build,
        {
            "Pet": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Holder": {
                "type": "object",
                "properties": {
                    "text": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "pet": {"oneOf": [{"type": "null"}, ref("Pet")]},
                    "ints": {
                        "anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "null"}]
                    },
                },
            },
        },
    )
    expected = {
        "text": Nullable(Primitive("string")),
        "pet": Nullable(Ref("Pet")),
        "ints": Nullable(ListOf(Primitive("integer"))),
    }
    assert field_types(v30["Holder"]) == expected
    assert field_types(v31["Holder"]) == expected
    assert field_types(any_of["Holder"]) == expected


def test_null_alone_and_nullable_never_nest(build: Build) -> None:
    models = one_model(
        build,
        {
            "M": {
                "type": "object",
                "properties": {
                    "only_null": {"type": "null"},
                    "twice": {"anyOf": [{"type": "string", "nullable": True}, {"type": "null"}]},
                    "any": {"nullable": True},
                    "enum_with_null": {"type": ["string", "null"], "enum": ["a", "b", None]},
                },
            }
        },
    )
    types = field_types(models["M"])
    assert types["only_null"] == NullValue()
    assert types["twice"] == Nullable(Primitive("string"))
    assert types["any"] == AnyValue()
    assert types["enum_with_null"] == Nullable(Ref("MEnumWithNull"))


# --- objects ----------------------------------------------------------------------------------------


def test_all_of_merges_properties_and_required(build: Build) -> None:
    models = one_model(
        build,
        {
            "Base": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "created": {"type": "string", "format": "date-time"},
                },
            },
            "Named": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}},
            },
            "Pet": {
                "allOf": [
                    ref("Base"),
                    ref("Named"),
                    {
                        "type": "object",
                        "required": ["tag"],
                        "properties": {"tag": {"type": "integer"}},
                    },
                ]
            },
        },
    )
    pet = models["Pet"]
    assert isinstance(pet, ObjectModel)
    assert [(f.json_name, f.required) for f in pet.fields] == [
        ("id", True),
        ("created", False),
        ("name", True),
        ("tag", True),
    ]
    assert field_types(pet)["created"] == Primitive("string", "date-time")


def test_single_ref_all_of_is_the_ref(build: Build) -> None:
    models = one_model(
        build,
        {
            "Pet": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Holder": {
                "type": "object",
                "properties": {"pet": {"allOf": [ref("Pet")], "description": "x"}},
            },
        },
    )
    assert field_types(models["Holder"])["pet"] == Ref("Pet")
    assert models["Holder"].fields[0].description == "x"


def test_one_of_is_a_union(build: Build) -> None:
    models = one_model(
        build,
        {
            "Cat": {"type": "object", "properties": {"kind": {"const": "cat"}}},
            "Dog": {"type": "object", "properties": {"kind": {"const": "dog"}}},
            "Owner": {
                "type": "object",
                "properties": {
                    "pet": {
                        "oneOf": [ref("Cat"), ref("Dog"), ref("Cat")],
                        "discriminator": {
                            "propertyName": "kind",
                            "mapping": {
                                "cat": "#/components/schemas/Cat",
                                "dog": "#/components/schemas/Dog",
                            },
                        },
                    },
                    "id": {"type": ["string", "integer"]},
                },
            },
        },
    )
    pet = field_types(models["Owner"])["pet"]
    assert isinstance(pet, UnionOf)
    assert pet.options == (Ref("Cat"), Ref("Dog"))
    assert pet.discriminator is not None
    assert pet.discriminator.property == "kind"
    assert pet.discriminator.mapping == (("cat", "Cat"), ("dog", "Dog"))
    assert field_types(models["Owner"])["id"] == UnionOf(
        (Primitive("string"), Primitive("integer"))
    )
    assert field_types(models["Cat"])["kind"] == LiteralOf(("cat",))


def test_inline_object_is_hoisted_as_parent_plus_property(build: Build) -> None:
    models = one_model(
        build,
        {
            "Order": {
                "type": "object",
                "properties": {
                    "shipping_address": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                    },
                    "lines": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"sku": {"type": "string"}}},
                    },
                    "meta": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "free": {"type": "object"},
                },
            }
        },
    )
    types = field_types(models["Order"])
    assert types["shipping_address"] == Ref("OrderShippingAddress")
    assert types["lines"] == ListOf(Ref("OrderLinesItem"))
    assert types["meta"] == MapOf(Primitive("integer"))
    assert types["free"] == MapOf(AnyValue())
    assert field_types(models["OrderShippingAddress"]) == {"city": Primitive("string")}
    assert models["OrderShippingAddress"].location.pointer == (
        "/components/schemas/Order/properties/shipping_address"
    )


def test_hoisted_name_never_takes_a_component_name(build: Build) -> None:
    models = one_model(
        build,
        {
            "Order": {
                "type": "object",
                "properties": {"item": {"type": "object", "properties": {"a": {"type": "string"}}}},
            },
            "OrderItem": {"type": "object", "properties": {"b": {"type": "string"}}},
        },
    )
    assert field_types(models["Order"])["item"] == Ref("OrderItem2")
    assert field_types(models["OrderItem"]) == {"b": Primitive("string")}
    assert field_types(models["OrderItem2"]) == {"a": Primitive("string")}


def test_additional_properties_false_closes_the_model(build: Build) -> None:
    models = one_model(
        build,
        {
            "Closed": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"a": {"type": "string"}},
            },
            "Typed": {
                "type": "object",
                "additionalProperties": {"type": "number"},
                "properties": {"a": {"type": "string"}},
            },
            "Open": {"type": "object", "properties": {"a": {"type": "string"}}},
        },
    )
    assert models["Closed"].closed and models["Closed"].extra is None
    assert models["Typed"].extra == Primitive("number")
    assert models["Open"].extra == AnyValue()


def test_field_names_and_attributes(build: Build) -> None:
    models = one_model(
        build,
        {
            "M": {
                "type": "object",
                "required": ["class"],
                "properties": {
                    "class": {"type": "string"},
                    "userId": {"type": "integer", "readOnly": True, "default": 3},
                    "user-id": {"type": "integer", "deprecated": True},
                    "json": {"type": "string", "writeOnly": True},
                    "1st": {"type": "string", "description": "  "},
                },
            }
        },
    )
    fields = {f.json_name: f for f in models["M"].fields}
    assert [f.name for f in models["M"].fields] == [
        "class_",
        "user_id",
        "user_id_2",
        "json_",
        "field_1st",
    ]
    assert (
        fields["userId"].read_only
        and fields["userId"].has_default
        and fields["userId"].default == 3
    )
    assert fields["user-id"].deprecated and not fields["user-id"].has_default
    assert fields["json"].write_only
    assert fields["1st"].description is None
    assert fields["class"].required and not fields["json"].required


# --- enums ----------------------------------------------------------------------------------------


def test_inline_enum_becomes_an_enum_model(build: Build) -> None:
    models = one_model(
        build,
        {
            "Task": {
                "type": "object",
                "properties": {
                    "status": {"type": "string", "enum": ["open", "in-progress", "done"]},
                    "single": {"type": "string", "enum": ["only"]},
                    "priority": {"type": "integer", "enum": [1, 2, 3]},
                    "mixed": {"enum": ["a", 1]},
                },
            }
        },
    )
    types = field_types(models["Task"])
    assert types["status"] == Ref("TaskStatus")
    status = models["TaskStatus"]
    assert isinstance(status, EnumModel)
    assert status.kind == "string"
    assert [(m.name, m.value) for m in status.members] == [
        ("OPEN", "open"),
        ("IN_PROGRESS", "in-progress"),
        ("DONE", "done"),
    ]
    assert types["single"] == LiteralOf(("only",))
    priority = models["TaskPriority"]
    assert priority.kind == "integer"
    assert [(m.name, m.value) for m in priority.members] == [
        ("VALUE_1", 1),
        ("VALUE_2", 2),
        ("VALUE_3", 3),
    ]
    assert types["mixed"] == LiteralOf(("a", 1))


def test_enum_member_collisions(build: Build) -> None:
    models = one_model(
        build,
        {"Who": {"type": "string", "enum": ["client", "Client", "CLIENT", "a-b", "a_b", "client"]}},
    )
    assert [(m.name, m.value) for m in models["Who"].members] == [
        ("CLIENT", "client"),
        ("CLIENT_2", "Client"),
        ("CLIENT_3", "CLIENT"),
        ("A_B", "a-b"),
        ("A_B_2", "a_b"),
    ]


def test_x_enum_varnames(build: Build) -> None:
    models = one_model(
        build,
        {
            "Level": {
                "type": "integer",
                "enum": [0, 10, 20],
                "x-enum-varnames": ["Low", "medium", "HIGH"],
            },
            # A list of the wrong length is ignored.
            "Bad": {"type": "string", "enum": ["a", "b"], "x-enum-varnames": ["Only"]},
        },
    )
    assert [(m.name, m.value) for m in models["Level"].members] == [
        ("LOW", 0),
        ("MEDIUM", 10),
        ("HIGH", 20),
    ]
    assert [m.name for m in models["Bad"].members] == ["A", "B"]


# --- recursion and aliases ----------------------------------------------------------------------------


def test_recursive_and_mutually_recursive_schemas(build: Build) -> None:
    models = one_model(
        build,
        {
            "Node": {
                "type": "object",
                "properties": {
                    "children": {"type": "array", "items": ref("Node")},
                    "owner": ref("Person"),
                },
            },
            "Person": {
                "type": "object",
                "properties": {"home": ref("Node"), "friend": ref("Person")},
            },
        },
    )
    assert field_types(models["Node"]) == {"children": ListOf(Ref("Node")), "owner": Ref("Person")}
    assert field_types(models["Person"]) == {"home": Ref("Node"), "friend": Ref("Person")}


def test_recursive_alias_is_emitted_as_a_model(build: Build) -> None:
    models = one_model(
        build,
        {
            "JsonValue": {
                "oneOf": [
                    {"type": "string"},
                    {"type": "number"},
                    {"type": "boolean"},
                    {"type": "null"},
                    {"type": "array", "items": ref("JsonValue")},
                    {"type": "object", "additionalProperties": ref("JsonValue")},
                ]
            },
            "Doc": {"type": "object", "properties": {"data": ref("JsonValue")}},
        },
    )
    alias = models["JsonValue"]
    assert isinstance(alias, AliasModel)
    assert alias.type == Nullable(
        UnionOf(
            (
                Primitive("string"),
                Primitive("number"),
                Primitive("boolean"),
                ListOf(Ref("JsonValue")),
                MapOf(Ref("JsonValue")),
            )
        )
    )
    assert field_types(models["Doc"]) == {"data": Ref("JsonValue")}


def test_plain_aliases_are_inlined(build: Build) -> None:
    models = one_model(
        build,
        {
            "Uuid": {"type": "string", "format": "uuid"},
            "Tags": {"type": "array", "items": {"type": "string"}},
            "IdOrName": {"oneOf": [ref("Uuid"), {"type": "string"}]},
            "Thing": {
                "type": "object",
                "properties": {"id": ref("Uuid"), "tags": ref("Tags"), "key": ref("IdOrName")},
            },
        },
    )
    assert set(models) == {"Thing"}
    assert field_types(models["Thing"]) == {
        "id": Primitive("string", "uuid"),
        "tags": ListOf(Primitive("string")),
        "key": UnionOf((Primitive("string", "uuid"), Primitive("string"))),
    }


def test_models_from_other_files_are_named_after_their_key(build: Build, tmp_path: Any) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "common.yaml").write_text(
        "Money:\n  type: object\n  properties:\n    amount: {type: integer}\n    currency: {$ref: '#/Currency'}\n"
        "Currency:\n  type: string\n  enum: [EUR, USD]\n",
        encoding="utf-8",
    )
    api = build(
        openapi(
            {
                "/price": {
                    "get": {
                        "operationId": "getPrice",
                        "responses": {"200": json_response({"$ref": "shared/common.yaml#/Money"})},
                    }
                }
            }
        )
    )
    models = models_of(api)
    assert field_types(models["Money"]) == {
        "amount": Primitive("integer"),
        "currency": Ref("Currency"),
    }
    assert models["Money"].location.file == "shared/common.yaml"
    assert [m.value for m in models["Currency"].members] == ["EUR", "USD"]


def test_unknown_type_is_an_error(build: Build) -> None:
    # Typed as Any it would hide a typo in an SDK that still compiles.
    with pytest.raises(SdkgenError) as caught:
        build(openapi(schemas={"M": {"type": "object", "properties": {"x": {"type": "decimal"}}}}))
    assert "unknown schema type 'decimal'" in str(caught.value)
    assert caught.value.file == "spec.json"
    assert caught.value.pointer == "/components/schemas/M/properties/x/type"


def test_absurdly_deep_schema_is_an_error(build: Build) -> None:
    from generator.errors import SdkgenError

    schema: dict[str, Any] = {"type": "string"}
    for _ in range(300):
        schema = {"type": "array", "items": schema}
    with pytest.raises(SdkgenError, match="nests too deeply"):
        build(openapi(schemas={"M": {"type": "object", "properties": {"deep": schema}}}))
