"""generator.ir (operations, resources, credentials, servers): paths -> SDK methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from gen_helpers import json_response, openapi, ref

from generator.errors import Diagnostics, SdkgenError
from generator.ir import (
    Api,
    ListOf,
    LiteralOf,
    Nullable,
    Operation,
    Primitive,
    Ref,
)

Build = Callable[..., Api]

OK = {"200": {"description": "ok"}}


def only_operation(api: Api) -> Operation:
    [operation] = api.operations
    return operation


def query(name: str, schema: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema or {"type": "string"}, **extra}


def header(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "header", "schema": {"type": "string"}, **extra}


def path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


THING = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string"},
        "size": {"type": "integer"},
    },
}


# --- parameters --------------------------------------------------------------------------------------


def test_parameters_by_location(build: Build) -> None:
    operation = only_operation(
        build(
            openapi(
                {
                    "/things/{thing-id}": {
                        "get": {
                            "operationId": "getThing",
                            "parameters": [
                                header("X-Request-Id", required=True),
                                query("expand", {"type": "array", "items": {"type": "string"}}),
                                path_param("thing-id"),
                                query("limit", {"type": "integer", "default": 10}),
                            ],
                            "responses": OK,
                        }
                    }
                }
            )
        )
    )
    assert [(p.wire_name, p.name) for p in operation.path_params] == [("thing-id", "thing_id")]
    assert [(p.wire_name, p.name, p.required) for p in operation.query_params] == [
        ("expand", "expand", False),
        ("limit", "limit", False),
    ]
    assert operation.query_params[0].type == ListOf(Primitive("string"))
    assert operation.query_params[0].style == "form" and operation.query_params[0].explode
    assert operation.query_params[1].has_default and operation.query_params[1].default == 10
    assert [(p.wire_name, p.name, p.required) for p in operation.header_params] == [
        ("X-Request-Id", "x_request_id", True)
    ]
    # Required keyword arguments first, then optional ones, each in spec order.
    assert [a.name for a in operation.keyword_arguments] == ["x_request_id", "expand", "limit"]


def test_operation_parameters_override_path_level_ones(build: Build) -> None:
    operation = only_operation(
        build(
            openapi(
                {
                    "/items/{id}": {
                        "parameters": [
                            path_param("id"),
                            query("q", description="path level"),
                            header("X-Shared"),
                        ],
                        "get": {
                            "operationId": "getItem",
                            "parameters": [
                                query(
                                    "q", {"type": "integer"}, required=True, description="op level"
                                )
                            ],
                            "responses": OK,
                        },
                    }
                }
            )
        )
    )
    assert [p.wire_name for p in operation.path_params] == ["id"]
    [q] = operation.query_params
    assert (q.type, q.required, q.description) == (Primitive("integer"), True, "op level")
    assert [p.wire_name for p in operation.header_params] == ["X-Shared"]


def test_same_name_in_different_locations_are_two_parameters(build: Build) -> None:
    operation = only_operation(
        build(
            openapi(
                {
                    "/a": {
                        "get": {
                            "operationId": "a",
                            "parameters": [query("id"), header("id")],
                            "responses": OK,
                        }
                    }
                }
            )
        )
    )
    assert [p.name for p in operation.query_params + operation.header_params] == ["id", "id_2"]


def test_ignored_headers_are_dropped(build: Build) -> None:
    operation = only_operation(
        build(
            openapi(
                {
                    "/a": {
                        "get": {
                            "operationId": "a",
                            "parameters": [
                                header("Accept"),
                                header("content-type"),
                                header("AUTHORIZATION"),
                                header("X-Kept"),
                            ],
                            "responses": OK,
                        }
                    }
                }
            )
        )
    )
    assert [p.wire_name for p in operation.header_params] == ["X-Kept"]


def test_client_option_header(build: Build) -> None:
    account = header(
        "X-Account-UUID",
        required=True,
        description="The account.",
        schema={"type": "string", "format": "uuid"},
    )
    account["x-sdkgen-client-option"] = "account_uuid"
    api = build(
        openapi(
            {
                "/a": {"get": {"operationId": "a", "parameters": [account], "responses": OK}},
                "/b": {
                    "get": {
                        "operationId": "b",
                        "parameters": [account, header("X-Other")],
                        "responses": OK,
                    }
                },
            }
        )
    )
    [option] = api.client_options
    assert (option.name, option.header, option.description) == (
        "account_uuid",
        "X-Account-UUID",
        "The account.",
    )
    assert option.type == Primitive("string", "uuid")
    for operation in api.operations:
        assert "X-Account-UUID" not in [p.wire_name for p in operation.parameters]
    assert [p.wire_name for p in api.operations[1].header_params] == ["X-Other"]


def test_client_option_on_a_query_parameter_is_an_error(build: Build) -> None:
    param = query("account")
    param["x-sdkgen-client-option"] = "account"
    with pytest.raises(SdkgenError, match="only for header parameters") as caught:
        build(
            openapi({"/a": {"get": {"operationId": "a", "parameters": [param], "responses": OK}}})
        )
    assert "spec.json#/paths/~1a/get/parameters/0" in str(caught.value)


def test_argument_names_are_unique_across_parameters_and_body(build: Build) -> None:
    operation = only_operation(
        build(
            openapi(
                {
                    "/things/{name}": {
                        "post": {
                            "operationId": "create",
                            "parameters": [path_param("name"), query("Name"), query("size")],
                            "requestBody": {
                                "content": {"application/json": {"schema": ref("Thing")}}
                            },
                            "responses": OK,
                        }
                    }
                },
                {"Thing": THING},
            )
        )
    )
    assert [p.name for p in operation.path_params] == ["name"]
    assert [p.name for p in operation.query_params] == ["name_2", "size"]
    assert operation.body is not None and operation.body.fields is not None
    assert [(f.json_name, f.name) for f in operation.body.fields] == [
        ("name", "name_3"),
        ("size", "size_2"),
    ]
    names = [a.name for a in operation.keyword_arguments]
    assert len(names) == len(set(names))


def test_reserved_argument_names_are_avoided(build: Build) -> None:
    operation = only_operation(
        build(
            openapi(
                {
                    "/a": {
                        "get": {
                            "operationId": "a",
                            "parameters": [
                                query("self"),
                                query("timeout"),
                                query("class"),
                                query("extra_headers"),
                            ],
                            "responses": OK,
                        }
                    }
                }
            )
        )
    )
    assert [p.name for p in operation.query_params] == [
        "self_2",
        "timeout_2",
        "class_",
        "extra_headers_2",
    ]


def test_inline_enum_parameter_is_a_literal(build: Build) -> None:
    operation = only_operation(
        build(
            openapi(
                {
                    "/a": {
                        "get": {
                            "operationId": "a",
                            "parameters": [
                                query("order", {"type": "string", "enum": ["asc", "desc"]}),
                                query("maybe", {"type": ["string", "null"], "enum": ["x", None]}),
                            ],
                            "responses": OK,
                        }
                    }
                }
            )
        )
    )
    assert operation.query_params[0].type == LiteralOf(("asc", "desc"))
    assert operation.query_params[1].type == Nullable(LiteralOf(("x",)))


@pytest.mark.parametrize(
    ("parameter", "message"),
    [
        ({"in": "query", "schema": {"type": "string"}}, "needs a 'name'"),
        (
            {"name": "b", "in": "body", "schema": {"type": "string"}},
            "must be path, query, header or cookie",
        ),
    ],
)
def test_bad_parameters(build: Build, parameter: dict[str, Any], message: str) -> None:
    with pytest.raises(SdkgenError, match=message) as caught:
        build(
            openapi(
                {"/a": {"get": {"operationId": "a", "parameters": [parameter], "responses": OK}}}
            )
        )
    assert "spec.json#/paths/~1a/get/parameters/0" in str(caught.value)


def test_cookie_parameter_warns(build: Build) -> None:
    diagnostics = Diagnostics()
    operation = only_operation(
        build(
            openapi(
                {
                    "/a": {
                        "get": {
                            "operationId": "a",
                            "parameters": [
                                {"name": "session", "in": "cookie", "schema": {"type": "string"}}
                            ],
                            "responses": OK,
                        }
                    }
                }
            ),
            diagnostics=diagnostics,
        )
    )
    assert [p.location for p in operation.header_params] == ["cookie"]
    [warning] = diagnostics.sorted()
    assert "cookie" in warning.message and warning.pointer == "/paths/~1a/get/parameters/0"


# --- request bodies -----------------------------------------------------------------------------------


def test_object_body_is_flattened_without_read_only_fields(build: Build) -> None:
    operation = only_operation(
        build(
            openapi(
                {
                    "/things": {
                        "post": {
                            "operationId": "create",
                            "requestBody": {
                                "required": True,
                                "content": {
                                    "text/plain": {"schema": {"type": "string"}},
                                    "application/json": {"schema": ref("Thing")},
                                },
                            },
                            "responses": OK,
                        }
                    }
                },
                {"Thing": THING},
            )
        )
    )
    body = operation.body
    assert body is not None
    assert (body.media_type, body.encoding, body.type, body.required) == (
        "application/json",
        "json",
        Ref("Thing"),
        True,
    )
    assert body.fields is not None
    assert [(f.json_name, f.required) for f in body.fields] == [("name", True), ("size", False)]
    assert [(a.name, a.location) for a in operation.keyword_arguments] == [
        ("name", "body_field"),
        ("size", "body_field"),
    ]


def test_non_object_body_is_one_argument(build: Build) -> None:
    operation = only_operation(
        build(
            openapi(
                {
                    "/tags": {
                        "put": {
                            "operationId": "setTags",
                            "parameters": [query("body")],
                            "requestBody": {
                                "content": {
                                    "application/json": {
                                        "schema": {"type": "array", "items": {"type": "string"}}
                                    }
                                }
                            },
                            "responses": OK,
                        }
                    }
                }
            )
        )
    )
    body = operation.body
    assert body is not None and body.fields is None
    assert body.argument == "body_2"
    assert [(a.name, a.location, a.type) for a in operation.keyword_arguments] == [
        ("body", "query", Primitive("string")),
        ("body_2", "body", ListOf(Primitive("string"))),
    ]


def test_binary_body(build: Build) -> None:
    operation = only_operation(
        build(
            openapi(
                {
                    "/upload": {
                        "post": {
                            "operationId": "upload",
                            "requestBody": {
                                "content": {
                                    "application/octet-stream": {"schema": {"type": "string"}}
                                }
                            },
                            "responses": OK,
                        }
                    }
                }
            )
        )
    )
    assert operation.body is not None
    assert (operation.body.encoding, operation.body.type) == (
        "binary",
        Primitive("string", "binary"),
    )


# --- responses ----------------------------------------------------------------------------------------


def responses_operation(build: Build, responses: dict[str, Any]) -> Operation:
    return only_operation(
        build(
            openapi({"/a": {"get": {"operationId": "a", "responses": responses}}}, {"Thing": THING})
        )
    )


def test_success_prefers_a_2xx_over_default(build: Build) -> None:
    operation = responses_operation(
        build,
        {
            "default": json_response(
                {"type": "object", "properties": {"message": {"type": "string"}}}
            ),
            "404": {"description": "missing"},
            "201": json_response(ref("Thing")),
        },
    )
    assert [r.status for r in operation.responses] == ["201", "404", "default"]
    assert operation.success is not None and operation.success.status == "201"
    assert operation.success.type == Ref("Thing")
    assert [r.status for r in operation.error_responses] == ["404", "default"]


def test_lowest_2xx_wins(build: Build) -> None:
    operation = responses_operation(
        build, {"2XX": json_response(ref("Thing")), "204": {"description": "x"}}
    )
    assert operation.success is not None
    assert operation.success.status == "204"
    assert operation.success.type is None


def test_default_alone_is_the_success(build: Build) -> None:
    operation = responses_operation(build, {"default": json_response(ref("Thing"))})
    assert operation.success is not None and operation.success.status == "default"
    assert operation.success.type == Ref("Thing")


def test_non_json_responses(build: Build) -> None:
    operation = responses_operation(
        build,
        {
            "200": {"description": "csv", "content": {"text/csv": {"schema": {"type": "string"}}}},
            "400": {"description": "pdf", "content": {"application/pdf": {}}},
        },
    )
    ok, bad = operation.responses
    assert (ok.encoding, ok.type) == ("text", Primitive("string"))
    assert (bad.encoding, bad.type) == ("binary", Primitive("string", "binary"))


# --- pagination ---------------------------------------------------------------------------------------


PAGE = {
    "type": "object",
    "properties": {
        "data": {"type": "array", "items": ref("Thing")},
        "links": {"type": "object", "properties": {"next": {"type": ["string", "null"]}}},
        "count": {"type": "integer"},
    },
}


def paginated(build: Build, pagination: Any, response: dict[str, Any] | None = None) -> Api:
    return build(
        openapi(
            {
                "/things": {
                    "get": {
                        "operationId": "list",
                        "x-sdkgen-pagination": pagination,
                        "responses": {"200": response or json_response(ref("Page"))},
                    }
                }
            },
            {"Thing": THING, "Page": PAGE},
        )
    )


def test_pagination_resolves_the_item_type(build: Build) -> None:
    api = paginated(build, {"items": "/data", "next": "/links/next"})
    pagination = only_operation(api).pagination
    assert pagination is not None
    assert pagination.items_path == ("data",)
    assert pagination.next_url_path == ("links", "next")
    assert pagination.item_type == Ref("Thing")
    assert api.resources[0].paginated


@pytest.mark.parametrize(
    ("pagination", "message"),
    [
        ({"items": "/count", "next": "/links/next"}, "does not point at an array"),
        ({"items": "/nothing", "next": "/links/next"}, "does not point at an array"),
        ({"items": "/data/x", "next": "/links/next"}, "does not point at an array"),
        ({"items": "/data"}, "needs 'items' and 'next'"),
        ("yes", "needs 'items' and 'next'"),
    ],
)
def test_bad_pagination(build: Build, pagination: Any, message: str) -> None:
    with pytest.raises(SdkgenError, match=message) as caught:
        paginated(build, pagination)
    assert "spec.json#/paths/~1things/get/x-sdkgen-pagination" in str(caught.value)


def test_pagination_without_a_json_response(build: Build) -> None:
    with pytest.raises(SdkgenError, match="JSON success response"):
        paginated(build, {"items": "/data", "next": "/n"}, response={"description": "empty"})


# --- resources and method names -----------------------------------------------------------------------


def test_resources_and_method_names(build: Build) -> None:
    api = build(
        openapi(
            {
                "/time-entries": {
                    "get": {
                        "operationId": "listTimeEntries",
                        "tags": ["Time Entries"],
                        "responses": OK,
                    },
                    "post": {
                        "operationId": "createTimeEntry",
                        "tags": ["Time Entries", "Other"],
                        "x-sdkgen-resource": "time_entries",
                        "x-sdkgen-method": "create",
                        "responses": OK,
                    },
                },
                "/time-entries/{id}": {
                    "get": {
                        "operationId": "get",
                        "tags": ["Time Entries"],
                        "parameters": [path_param("id")],
                        "responses": OK,
                    },
                    "delete": {
                        "operationId": "get",
                        "tags": ["Time Entries"],
                        "parameters": [path_param("id")],
                        "responses": OK,
                    },
                },
                "/health": {"get": {"responses": OK}},
                "/ping": {
                    "get": {
                        "x-sdkgen-resource": "  ",
                        "operationId": "with_raw_response",
                        "responses": OK,
                    }
                },
            }
        )
    )
    layout = {
        r.name: (r.class_name, r.module, [op.name for op in r.operations]) for r in api.resources
    }
    assert layout == {
        "time_entries": (
            "TimeEntries",
            "time_entries",
            ["list_time_entries", "create", "get", "get_2"],
        ),
        "default": ("Default", "default", ["get_health", "with_raw_response_2"]),
    }
    entries = api.resources[0].operations
    assert entries[1].operation_id == "createTimeEntry"
    assert entries[1].tags == ("Time Entries", "Other")
    assert [op.http_method for op in entries] == ["GET", "POST", "GET", "DELETE"]
    assert api.resources[1].operations[0].operation_id == "get_health"


def test_resource_names_avoid_reserved_words(build: Build) -> None:
    api = build(
        openapi(
            {
                "/a": {"get": {"operationId": "a", "tags": ["class"], "responses": OK}},
                "/b": {"get": {"operationId": "b", "tags": ["timeout"], "responses": OK}},
            }
        )
    )
    assert [r.name for r in api.resources] == ["class_", "timeout_2"]


# --- credentials, servers, client ---------------------------------------------------------------------


def test_credentials(build: Build) -> None:
    api = build(
        openapi(
            components={
                "securitySchemes": {
                    "token": {"type": "http", "scheme": "Bearer", "x-sdkgen-token-env": "MY_TOKEN"},
                    "key": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "X-API-Key",
                        "description": "the key",
                    },
                    "qkey": {"type": "apiKey", "in": "query", "name": "api_key"},
                    "login": {"type": "http", "scheme": "basic"},
                    "cookie": {"type": "apiKey", "in": "cookie", "name": "sid"},
                    "shared": {"$ref": "#/components/x-schemes/oauth"},
                },
                "x-schemes": {"oauth": {"type": "oauth2", "flows": {}}},
            },
            info={"title": "T", "version": "1", "x-sdkgen-client-name": "Acme Cloud"},
        )
    )
    assert api.client_name == "AcmeCloud"
    found = [(c.name, c.scheme, c.kind, c.env_var, c.header, c.query) for c in api.credentials]
    assert found == [
        ("access_token", "token", "bearer", "MY_TOKEN", None, None),
        ("api_key", "key", "api_key", "ACME_CLOUD_API_KEY", "X-API-Key", None),
        ("api_key_2", "qkey", "api_key", "ACME_CLOUD_API_KEY_2", None, "api_key"),
        ("basic_auth", "login", "basic", "ACME_CLOUD_BASIC_AUTH", None, None),
        ("access_token_2", "shared", "bearer", "ACME_CLOUD_ACCESS_TOKEN_2", None, None),
    ]
    assert api.credential_kinds == {"bearer", "api_key", "basic"}
    assert api.credentials[1].description == "the key"


def test_client_name_from_package_or_argument(build: Build) -> None:
    assert build(openapi(), package="plannr_sdk").client_name == "PlannrSdk"


def test_servers_with_variables(build: Build) -> None:
    diagnostics = Diagnostics()
    api = build(
        openapi(
            servers=[
                {
                    "url": "https://{region}.api.example.com/{version}/",
                    "description": "production",
                    "variables": {
                        "region": {"default": "eu", "enum": ["eu", "us"]},
                        "version": {"default": "v2"},
                    },
                },
                {"url": "/relative"},
                {"description": "no url"},
            ]
        ),
        diagnostics=diagnostics,
    )
    assert [(s.url, s.description) for s in api.servers] == [
        ("https://eu.api.example.com/v2", "production"),
        ("http://localhost/relative", None),
    ]
    assert api.base_url == "https://eu.api.example.com/v2"
    [warning] = diagnostics.sorted()
    assert warning.pointer == "/servers/1"


def test_no_servers(build: Build) -> None:
    assert build(openapi()).base_url == "http://localhost"


def test_api_facts(build: Build) -> None:
    api = build(openapi(info={"title": "Plannr", "version": "2.1.0", "description": "About."}))
    assert (api.title, api.version, api.description, api.spec_version, api.spec_path) == (
        "Plannr",
        "2.1.0",
        "About.",
        "3.1",
        "spec.json",
    )
    assert api.package_version == "2.1.0"
    assert build(openapi(info={"title": "x", "version": "2024-01 beta"})).package_version == "0.1.0"


def test_path_item_and_operation_refs(build: Build, tmp_path: Any) -> None:
    (tmp_path / "paths.yaml").write_text(
        "items:\n  get:\n    operationId: listItems\n    responses:\n      '200': {description: ok}\n",
        encoding="utf-8",
    )
    api = build(openapi({"/items": {"$ref": "paths.yaml#/items"}}))
    operation = only_operation(api)
    assert (operation.name, operation.path) == ("list_items", "/items")
    assert operation.location.file == "paths.yaml"
    assert operation.location.pointer == "/items/get"
