"""generator.ir.examples: documented examples -> scenarios (golden tests) and usage calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gen_helpers import openapi, ref

from generator.ir import Api

Build = Callable[..., Api]

THING = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "id": {"type": "string", "format": "uuid", "readOnly": True},
        "name": {"type": "string"},
        "when": {"type": "string", "format": "date-time"},
        "size": {"type": "integer"},
    },
}


def examples(**named: Any) -> dict[str, Any]:
    return {
        name: {"summary": f"the {name} example", "value": value} for name, value in named.items()
    }


def create_spec(request_examples: dict[str, Any], responses: dict[str, Any]) -> dict[str, Any]:
    return openapi(
        {
            "/things/{id}": {
                "post": {
                    "operationId": "create",
                    "x-sdkgen-resource": "things",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "example": "t-1",
                        },
                        {"name": "dry_run", "in": "query", "schema": {"type": "boolean"}},
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": ref("Thing"),
                                "examples": request_examples,
                            }
                        },
                    },
                    "responses": responses,
                }
            }
        },
        {"Thing": THING},
    )


def response(status_examples: dict[str, Any], description: str = "ok") -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": ref("Thing"), "examples": status_examples}},
    }


def test_request_and_response_examples_pair_by_name(build: Build) -> None:
    api = build(
        create_spec(
            examples(small={"name": "s"}, big={"name": "b", "size": 9}),
            {
                "201": response(
                    examples(big={"name": "b", "id": "2"}, small={"name": "s", "id": "1"})
                ),
                "422": response(examples(invalid={"name": ""}), "invalid"),
            },
        )
    )
    summary = [
        (
            s.response.status,
            s.response_example.name,
            s.call.request_example.name if s.call.request_example else None,
        )
        for s in api.scenarios
    ]
    # Paired by name; an error example without a partner uses the first request example.
    assert summary == [
        ("201", "big", "big"),
        ("201", "small", "small"),
        ("422", "invalid", "small"),
    ]
    big = api.scenarios[0]
    assert big.call.body == {"name": "b", "size": 9}
    assert [(a.name, a.wire_name, a.value) for a in big.call.body_args] == [
        ("name", "name", "b"),
        ("size", "size", 9),
    ]
    assert [(a.name, a.value) for a in big.call.path_args] == [("id", "t-1")]
    assert big.call.query_args == ()
    assert not big.expects_error and api.scenarios[2].expects_error


def test_every_request_example_gets_a_scenario(build: Build) -> None:
    api = build(
        create_spec(
            examples(first={"name": "a"}, second={"name": "b"}, third={"name": "c"}),
            {"201": response(examples(first={"name": "a", "id": "1"}))},
        )
    )
    sent = [
        (s.call.request_example.name, s.response_example.name, s.request_name)
        for s in api.scenarios
    ]  # type: ignore[union-attr]
    assert sent == [
        ("first", "first", None),
        ("second", "first", "second"),
        ("third", "first", "third"),
    ]


def test_test_names_are_unique_identifiers(build: Build) -> None:
    api = build(
        create_spec(
            examples(**{"a b": {"name": "1"}, "a-b": {"name": "2"}}),
            {
                "201": response(
                    examples(**{"a b": {"name": "1"}, "a-b": {"name": "2"}, "A_B": {"name": "3"}})
                )
            },
        )
    )
    names = [s.test_name for s in api.scenarios]
    assert names == [
        "test_things_create_201_a_b",
        "test_things_create_201_a_b_2",
        "test_things_create_201_a_b_3",
    ]


def test_usage_without_examples_uses_placeholders(build: Build) -> None:
    spec = openapi(
        {
            "/things/{id}": {
                "put": {
                    "operationId": "replace",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "format": "uuid"},
                        },
                        {
                            "name": "at",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "format": "date"},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "integer"},
                        },
                        {"name": "page", "in": "query", "schema": {"type": "integer"}},
                        {
                            "name": "sort",
                            "in": "query",
                            "schema": {"type": "string"},
                            "example": "name",
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": ref("Thing")}},
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        {"Thing": THING},
    )
    api = build(spec)
    assert api.scenarios == ()
    [call] = api.usage
    assert [(a.name, a.value) for a in call.path_args] == [
        ("id", "00000000-0000-4000-8000-000000000000")
    ]
    # Required query parameters get a placeholder of their type; optional ones only an example.
    assert [(a.name, a.value) for a in call.query_args] == [
        ("at", "2025-01-01"),
        ("limit", 1),
        ("sort", "name"),
    ]
    # A made-up body has the required fields only.
    assert call.body == {"name": "example"}
    assert [(a.name, a.value) for a in call.body_args] == [("name", "example")]
    assert call.request_example is None
    assert api.usage_for(api.operations[0]) is call


def test_usage_prefers_a_documented_success(build: Build) -> None:
    api = build(
        create_spec(
            examples(one={"name": "x"}),
            {
                "400": response(examples(bad={"name": ""}), "bad"),
                "201": response(examples(one={"name": "x", "id": "1"})),
            },
        )
    )
    [call] = api.usage
    assert call.request_example is not None and call.request_example.name == "one"
    assert call is next(s.call for s in api.scenarios if not s.expects_error)


def test_single_example_keyword(build: Build) -> None:
    spec = openapi(
        {
            "/things": {
                "get": {
                    "operationId": "list",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": ref("Thing")},
                                    "example": [{"name": "x"}],
                                }
                            },
                        }
                    },
                }
            }
        },
        {"Thing": THING},
    )
    [scenario] = build(spec).scenarios
    assert scenario.response_example.name == "example"
    assert scenario.response_example.value == [{"name": "x"}]
    assert scenario.call.body is None and not scenario.call.sends_body
    assert scenario.test_name == "test_default_list_200_example"


def test_examples_by_ref(build: Build) -> None:
    spec = create_spec(
        {"shared": {"$ref": "#/components/examples/Small"}},
        {"201": response({"shared": {"$ref": "#/components/examples/Created"}})},
    )
    spec["components"]["examples"] = {
        "Small": {"summary": "small", "value": {"name": "s"}},
        "Created": {"value": {"name": "s", "id": "1"}},
    }
    [scenario] = build(spec).scenarios
    assert scenario.call.body == {"name": "s"}
    assert scenario.response_example.value == {"name": "s", "id": "1"}
    assert scenario.call.request_example is not None
    assert scenario.call.request_example.summary == "small"
