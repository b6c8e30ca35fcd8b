"""Checks for specs/plannr-time-entry.yaml, the hand-written Plannr time-entry spec.

What is checked:

- the file is a valid OpenAPI 3.1 document;
- every example in it validates against the schema next to it, with format
  checking on (a plain date where a date-time is required must fail);
- the documented examples are embedded verbatim (values and key order), compared
  with the source files in shared/plannr-api/examples and with the seed page;
- deliberately wrong payloads fail, so the validation above can fail at all;
- the six operations and the sdkgen extensions the generator reads are present.

The sources are kept beside this test, in sources/: byte-for-byte copies of the
seed page and of the documented example files (shared/seeds and
shared/plannr-api/examples), so the comparison never depends on a folder outside
the repository. Set SDKGEN_SHARED_DIR to compare with another copy instead.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).parents[2]
SPEC_PATH = ROOT / "specs" / "plannr-time-entry.yaml"
SHARED = Path(os.environ.get("SDKGEN_SHARED_DIR", Path(__file__).parent / "sources"))
EXAMPLES_DIR = SHARED / "plannr-api" / "examples"
SEED_PATH = SHARED / "seeds" / "000_430ad0550f5ef90d.txt"

# The spec is registered under this URI so that `#/components/...` refs inside
# it resolve against the whole document.
SPEC_URI = "https://sdkgen.invalid/specs/plannr-time-entry.yaml"

SPEC = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
REGISTRY = Registry().with_resource(
    SPEC_URI, Resource.from_contents(SPEC, default_specification=DRAFT202012)
)

CREATE = "/api/v1/time-entry"
ONE = "/api/v1/time-entry/{uuid}"
STOP = "/api/v1/time-entry/{uuid}/stop"
LIST = "/api/v1/time-entry/{trackable_type}/{trackable_uuid}"

# (path, method) -> (x-sdkgen-resource, x-sdkgen-method)
OPERATIONS = {
    (CREATE, "post"): ("time_entries", "create"),
    (ONE, "get"): ("time_entries", "retrieve"),
    (ONE, "put"): ("time_entries", "update"),
    (ONE, "delete"): ("time_entries", "delete"),
    (STOP, "post"): ("time_entries", "stop"),
    (LIST, "get"): ("time_entries", "list"),
}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


# ---------------------------------------------------------------- helpers


def escape(key: str) -> str:
    """One JSON-pointer segment (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def pointer(*keys: str) -> str:
    return "".join("/" + escape(k) for k in keys)


def validator_at(schema_pointer: str) -> Draft202012Validator:
    """A validator for the schema found at `schema_pointer` inside the spec."""
    ref = SPEC_URI + "#" + quote(schema_pointer, safe="/~")
    return Draft202012Validator(
        {"$ref": ref},
        registry=REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def component_schema(name: str) -> Draft202012Validator:
    return validator_at(pointer("components", "schemas", name))


def errors_of(validator: Draft202012Validator, instance) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def resolve(node: dict) -> dict:
    """Follow a local `$ref` (this spec never chains them)."""
    if "$ref" not in node:
        return node
    target = SPEC
    for key in node["$ref"].removeprefix("#/").split("/"):
        target = target[key.replace("~1", "/").replace("~0", "~")]
    return target


def operations():
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield path, method, op


def media_examples(path: str, method: str, where: str) -> dict:
    """The `examples` map of the request body (`where="request"`) or a response."""
    op = SPEC["paths"][path][method]
    holder = resolve(op["requestBody"]) if where == "request" else resolve(op["responses"][where])
    return holder["content"]["application/json"]["examples"]


def iter_examples(node, at: str = ""):
    """Yield (schema pointer, example pointer, value) for every example in the spec.

    Two kinds exist: OpenAPI `examples` maps (named Example Objects) next to a
    `schema` (media types, parameters, headers), and JSON Schema `examples`
    arrays inside a schema.
    """
    if isinstance(node, dict):
        examples = node.get("examples")
        if isinstance(examples, dict) and "schema" in node:
            for name, example in examples.items():
                assert "$ref" not in example, f"{at}: example refs are not supported here"
                yield at + "/schema", f"{at}/examples/{escape(name)}", example["value"]
        elif isinstance(examples, list):
            for i, value in enumerate(examples):
                yield at, f"{at}/examples/{i}", value
        for key, child in node.items():
            yield from iter_examples(child, at + "/" + escape(key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from iter_examples(child, f"{at}/{i}")


ALL_EXAMPLES = list(iter_examples(SPEC))


def assert_verbatim(embedded, source, label: str) -> None:
    """Same values and the same key order, at every level."""
    assert embedded == source, f"{label}: values differ"
    # json.dumps keeps insertion order and tells true from 1, so equal text
    # means equal key order too.
    assert json.dumps(embedded) == json.dumps(source), f"{label}: key order or types differ"


# ---------------------------------------------------------------- sources


@pytest.fixture(scope="module")
def shared_dir() -> Path:
    assert EXAMPLES_DIR.is_dir() and SEED_PATH.is_file(), (
        f"documentation sources missing under {SHARED}"
    )
    return SHARED


def load_example(name: str):
    return json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))


def seed_json_after(marker: str):
    """Parse the first JSON object after `marker` in the seed page text."""
    text = SEED_PATH.read_text(encoding="utf-8")
    start = text.index("{", text.index(marker))
    value, _ = json.JSONDecoder().raw_decode(text, start)
    return value


def source_value(source: str):
    if source == "seed:request":
        return seed_json_after("Request examples")
    if source == "seed:response":
        return seed_json_after("Response examples (200)")
    if source == "seed:list":
        return {"data": [seed_json_after("Response examples (200)")]}
    return load_example(source)


# ---------------------------------------------------------------- the document


def test_spec_is_valid_openapi_3_1():
    assert SPEC["openapi"] == "3.1.0"
    validate_openapi(SPEC)


def test_file_has_no_tabs():
    assert "\t" not in SPEC_PATH.read_text(encoding="utf-8")


def test_date_time_format_is_really_checked():
    # Without rfc3339-validator installed, jsonschema silently skips the
    # date-time check and the example tests below would prove much less.
    checker = Draft202012Validator.FORMAT_CHECKER
    assert not checker.conforms("2025-10-24", "date-time"), "install rfc3339-validator"
    assert checker.conforms("2025-10-24T10:34:18+01:00", "date-time")
    assert not checker.conforms("2025-10-24T10:34:18+01:00", "date")
    assert not checker.conforms("not-a-uuid", "uuid")


# ---------------------------------------------------------------- examples are valid


def test_examples_were_found():
    found = {ex for _, ex, _ in ALL_EXAMPLES}
    for expected in [
        pointer("paths", CREATE, "post", "requestBody", "content", "application/json")
        + "/examples/documented-2024",
        pointer("paths", ONE, "put", "responses", "200", "content", "application/json")
        + "/examples/seed",
        pointer("components", "responses", "Unauthorized", "content", "application/json")
        + "/examples/unauthenticated",
    ]:
        assert expected in found
    assert len(ALL_EXAMPLES) >= 17


@pytest.mark.parametrize(
    ("schema_pointer", "value"),
    [(schema, value) for schema, _, value in ALL_EXAMPLES],
    ids=[ex for _, ex, _ in ALL_EXAMPLES],
)
def test_example_matches_its_schema(schema_pointer, value):
    assert errors_of(validator_at(schema_pointer), value) == []


def test_media_examples_are_named_with_summary_and_value():
    def walk(node, at=""):
        if isinstance(node, dict):
            assert "example" not in node or at.endswith("/properties"), (
                f"{at}: use the `examples` map, not the singular `example`"
            )
            examples = node.get("examples")
            if isinstance(examples, dict):
                for name, example in examples.items():
                    assert set(example) >= {"summary", "value"}, f"{at}/examples/{name}"
            for key, child in node.items():
                walk(child, f"{at}/{key}")
        elif isinstance(node, list):
            for child in node:
                walk(child, at)

    walk(SPEC)


@pytest.mark.parametrize("name", ["NotFound", "UnprocessableEntity", "TooManyRequests"])
def test_inferred_error_examples_say_so(name):
    response = SPEC["components"]["responses"][name]
    assert "Inferred" in response["description"] or "inferred" in response["description"]
    for example in response["content"]["application/json"]["examples"].values():
        assert "inferred, not documented" in example["summary"]


# ---------------------------------------------------------------- verbatim embedding

# (path, method, "request" or status, example name, source)
DOCUMENTED = [
    (CREATE, "post", "request", "documented-2025", "post-request.json"),
    (CREATE, "post", "request", "documented-2026", "post-request-2026.json"),
    (CREATE, "post", "request", "documented-2024", "post-request-2024-10-16.json"),
    (ONE, "put", "request", "seed", "seed:request"),
    (ONE, "put", "request", "seed", "put-request.json"),
    (ONE, "put", "200", "seed", "seed:response"),
    (STOP, "post", "200", "documented-2025", "stop-response-200.json"),
    (STOP, "post", "200", "documented-2026", "stop-response-200-2026.json"),
]

# Examples for operations whose own documented response was cut off: made
# only of documented values, and labelled "Illustrative:".
ILLUSTRATIVE = [
    (CREATE, "post", "200", "documented-2026", "stop-response-200-2026.json"),
    (ONE, "get", "200", "illustrative", "seed:response"),
    (ONE, "delete", "200", "illustrative", "stop-response-200.json"),
    (LIST, "get", "200", "illustrative", "seed:list"),
]


@pytest.mark.parametrize(
    ("path", "method", "where", "name", "source"),
    DOCUMENTED + ILLUSTRATIVE,
    ids=[f"{m} {p} {w} {n} <- {s}" for p, m, w, n, s in DOCUMENTED + ILLUSTRATIVE],
)
def test_example_is_embedded_verbatim(shared_dir, path, method, where, name, source):
    example = media_examples(path, method, where)[name]
    assert_verbatim(example["value"], source_value(source), f"{method} {path} {where} {name}")
    is_illustrative = (path, method, where, name, source) in ILLUSTRATIVE
    assert example["summary"].startswith("Illustrative:") == is_illustrative


def test_unauthorized_example_is_verbatim(shared_dir):
    example = SPEC["components"]["responses"]["Unauthorized"]["content"]["application/json"][
        "examples"
    ]["unauthenticated"]
    assert_verbatim(example["value"], load_example("error-401.json"), "401 unauthenticated")


def test_every_undocumented_2xx_example_is_marked_illustrative():
    documented = {(p, m, w, n) for p, m, w, n, _ in DOCUMENTED}
    for path, method, op in operations():
        for status, _response in op["responses"].items():
            if not status.startswith("2"):
                continue
            for name, example in media_examples(path, method, status).items():
                if (path, method, status, name) not in documented:
                    assert example["summary"].startswith("Illustrative:"), (method, path, name)


def test_seed_request_matches_put_request_file_and_curl(shared_dir):
    seed_request = seed_json_after("Request examples")
    assert_verbatim(seed_request, load_example("put-request.json"), "seed vs put-request.json")
    curl_data = re.search(r"--data '(\{.*?\})'", SEED_PATH.read_text(encoding="utf-8"))
    assert curl_data, "no --data in the seed curl"
    assert_verbatim(json.loads(curl_data.group(1)), seed_request, "seed curl --data")


def test_seed_response_keeps_the_single_backslash_class_name(shared_dir):
    value = media_examples(ONE, "put", "200")["seed"]["value"]
    assert value["account"]["external_references"] == (
        "App" + "\\" + "Http" + "\\" + "Resources" + "\\" + "ExternalReferenceResource"
    )


def test_create_2026_response_continues_the_cut_off_post_example(shared_dir):
    # The 2026 POST page's response was cut off; what was seen must be the
    # start of the illustrative example, key for key.
    seen = load_example("post-response-200-2026.partial.json")
    full = media_examples(CREATE, "post", "200")["documented-2026"]["value"]
    assert list(full.items())[: len(seen)] == list(seen.items())


# ---------------------------------------------------------------- partial examples inform the schemas

PARTIALS = [
    ("get-response-200.partial.json", "TimeEntry"),
    ("delete-response-200.partial.json", "TimeEntry"),
    ("put-response-200.partial.json", "TimeEntry"),
    ("post-response-200.partial.json", "TimeEntry"),
    ("post-response-200-2026.partial.json", "TimeEntry"),
    ("list-response-200.partial.json", "TimeEntryPage"),
    ("list-response-200-2026.partial.json", "TimeEntryPage"),
    ("client-all-time-entries-response-200.partial.json", "TimeEntryPage"),
]


@pytest.mark.parametrize(("file", "schema"), PARTIALS, ids=[f for f, _ in PARTIALS])
def test_partial_examples_fit_the_schemas(shared_dir, file, schema):
    assert errors_of(component_schema(schema), load_example(file)) == []


def test_circle_external_references_fit_account_field(shared_dir):
    excerpt = load_example("circle-external-references-excerpt.partial.json")
    validator = validator_at(
        pointer("components", "schemas", "Account", "properties", "external_references")
    )
    assert errors_of(validator, excerpt["external_references"]) == []


def test_oldest_2024_response_shape_is_not_modelled(shared_dir):
    # DECISIONS: the 2024-10-16 build sent is_active "1" and trackable "Client".
    errors = errors_of(
        component_schema("TimeEntry"), load_example("post-response-200-2024-10-16.partial.json")
    )
    assert any(e.startswith("is_active:") for e in errors)
    assert any(e.startswith("trackable:") for e in errors)


# ---------------------------------------------------------------- wrong payloads fail

GOOD_CREATE = {
    "trackable_type": "client",
    "trackable_uuid": "53ee2633-5270-443e-af1b-96c350615348",
    "name": "Research",
}


@pytest.mark.parametrize(
    ("label", "body"),
    [
        ("missing name", {k: v for k, v in GOOD_CREATE.items() if k != "name"}),
        ("trackable_type 42", {**GOOD_CREATE, "trackable_type": 42}),
        ("unknown trackable_type", {**GOOD_CREATE, "trackable_type": "invoice"}),
        ("trackable_uuid not a uuid", {**GOOD_CREATE, "trackable_uuid": "12"}),
        ("unknown field", {**GOOD_CREATE, "colour": "red"}),
        ("start_date not a date", {**GOOD_CREATE, "start_date": "24/10/2025"}),
        ("minutes as string", {**GOOD_CREATE, "total_time_in_minutes": "200"}),
    ],
)
def test_bad_create_body_fails(label, body):
    schema = (
        pointer("paths", CREATE, "post", "requestBody", "content", "application/json") + "/schema"
    )
    assert errors_of(validator_at(schema), GOOD_CREATE) == []
    assert errors_of(validator_at(schema), body) != [], label


def test_update_body_needs_the_trackable_pair_but_not_name():
    schema = component_schema("TimeEntryUpdate")
    assert errors_of(schema, {k: v for k, v in GOOD_CREATE.items() if k != "name"}) == []
    assert errors_of(schema, {"name": "Research"}) != []


@pytest.mark.parametrize(
    ("label", "change"),
    [
        ("date where a date-time is required", {"created_at": "2025-10-24"}),
        ("is_active as the string '1'", {"is_active": "1"}),
        ("uuid missing", {"uuid": None}),
        ("external_references as a number", {"account": {"external_references": 3}}),
    ],
)
def test_bad_time_entry_fails(shared_dir, label, change):
    entry = load_example("stop-response-200.json")
    assert errors_of(component_schema("TimeEntry"), entry) == []
    for key, value in change.items():
        if value is None:
            del entry[key]
        elif isinstance(value, dict):
            entry[key] = {**entry[key], **value}
        else:
            entry[key] = value
    assert errors_of(component_schema("TimeEntry"), entry) != [], label


def test_running_timer_shape_is_accepted():
    running = {"uuid": "2a51cfa4-9224-4c2d-ad9d-cc249e0222b1", "end_date": None, "is_active": True}
    assert errors_of(component_schema("TimeEntry"), running) == []


# ---------------------------------------------------------------- operations and extensions


def test_the_six_operations_and_their_sdkgen_names():
    found = {
        (path, method): (op.get("x-sdkgen-resource"), op.get("x-sdkgen-method"))
        for path, method, op in operations()
    }
    assert found == OPERATIONS


def test_operation_ids_tags_and_account_header():
    ids = []
    for path, method, op in operations():
        ids.append(op["operationId"])
        assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)+", op["operationId"]), op["operationId"]
        assert op["tags"] == ["Time entries"]
        refs = [p.get("$ref") for p in op.get("parameters", [])]
        assert "#/components/parameters/AccountUuid" in refs, (method, path)
    assert len(ids) == len(set(ids))


def test_error_responses_where_they_apply():
    with_input = {(CREATE, "post"), (ONE, "put"), (LIST, "get")}
    by_uuid = {(ONE, "get"), (ONE, "put"), (ONE, "delete"), (STOP, "post"), (LIST, "get")}
    for path, method, op in operations():
        responses = op["responses"]
        assert responses["401"] == {"$ref": "#/components/responses/Unauthorized"}
        assert responses["429"] == {"$ref": "#/components/responses/TooManyRequests"}
        assert ("422" in responses) == ((path, method) in with_input), (method, path)
        assert ("404" in responses) == ((path, method) in by_uuid), (method, path)
        ok = responses["200"]
        assert "X-Ratelimit-Remaining" in ok["headers"]
        schema = ok["content"]["application/json"]["schema"]["$ref"]
        expected = "TimeEntryPage" if (path, method) == (LIST, "get") else "TimeEntry"
        assert schema == f"#/components/schemas/{expected}"


def test_stop_and_retrieve_style_operations_use_the_uuid_parameter():
    for path, _method, op in operations():
        if "{uuid}" in path:
            assert {"$ref": "#/components/parameters/TimeEntryUuid"} in op["parameters"]
    param = SPEC["components"]["parameters"]["TimeEntryUuid"]
    assert (param["name"], param["in"], param["required"]) == ("uuid", "path", True)
    assert not any("timeEntry_uuid" in p or "{id}" in p for p in SPEC["paths"])


def test_list_parameters_and_pagination():
    op = SPEC["paths"][LIST]["get"]
    assert op["x-sdkgen-pagination"] == {"items": "/data", "next": "/links/next"}
    params = {p["name"]: p for p in op["parameters"] if "name" in p}
    assert set(params) == {
        "trackable_type",
        "trackable_uuid",
        "filter[uuid]",
        "filter[accounts]",
        "filter[circle_uuids]",
        "filter[between]",
        "sort",
        "per_page",
        "page",
    }
    assert params["trackable_type"]["required"] and params["trackable_uuid"]["required"]
    sort = params["sort"]["schema"]
    assert sort["enum"] == [
        "created_at",
        "start_date",
        "end_date",
        "-created_at",
        "-start_date",
        "-end_date",
    ]
    assert sort["default"] == "-end_date"
    per_page = params["per_page"]["schema"]
    assert (per_page["type"], per_page["default"], per_page["minimum"], per_page["maximum"]) == (
        "integer",
        15,
        1,
        500,
    )
    page = params["page"]
    assert page["schema"]["type"] == "integer" and page["schema"]["minimum"] == 1
    assert "Inferred" in page["description"]


def test_client_auth_and_account_option():
    assert SPEC["info"]["x-sdkgen-client-name"] == "Plannr"
    assert [s["url"] for s in SPEC["servers"]] == ["https://api.plannrcrm.com"]
    assert all(p.startswith("/api/v1/") for p in SPEC["paths"])
    scheme = SPEC["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert scheme["x-sdkgen-token-env"] == "PLANNR_ACCESS_TOKEN"
    assert "ersonal access token" in scheme["description"]
    assert "authorization code" in scheme["description"]
    assert SPEC["security"] == [{"bearerAuth": []}]
    header = SPEC["components"]["parameters"]["AccountUuid"]
    assert (header["name"], header["in"], header["required"]) == (
        "X-PLANNR-ACCOUNT-UUID",
        "header",
        False,
    )
    assert header["x-sdkgen-client-option"] == "account_uuid"


def test_no_reserved_header_parameters():
    reserved = {"accept", "content-type", "authorization"}

    def params():
        yield from SPEC["components"].get("parameters", {}).values()
        for _, _, op in operations():
            yield from op.get("parameters", [])

    for param in params():
        param = resolve(param)
        if param["in"] == "header":
            assert param["name"].lower() not in reserved, param["name"]


def test_rate_limit_headers_on_429():
    headers = SPEC["components"]["responses"]["TooManyRequests"]["headers"]
    assert set(headers) == {"Retry-After", "X-Ratelimit-Remaining"}


# ---------------------------------------------------------------- schemas

RESPONSE_SCHEMAS = [
    "TimeEntry",
    "Account",
    "Trackable",
    "ExternalReference",
    "TimeEntryPage",
    "PaginationLinks",
    "PaginationMeta",
    "Error",
    "ValidationError",
]


def test_component_schema_names():
    expected = {"TimeEntryCreate", "TimeEntryUpdate", "TrackableType", *RESPONSE_SCHEMAS}
    assert set(SPEC["components"]["schemas"]) == expected


def test_request_bodies_are_closed_and_responses_open():
    schemas = SPEC["components"]["schemas"]
    assert schemas["TimeEntryCreate"]["additionalProperties"] is False
    assert schemas["TimeEntryUpdate"]["additionalProperties"] is False
    assert schemas["TimeEntryCreate"]["required"] == ["trackable_type", "trackable_uuid", "name"]
    assert schemas["TimeEntryUpdate"]["required"] == ["trackable_type", "trackable_uuid"]

    def never_closed(node, at):
        if isinstance(node, dict):
            assert node.get("additionalProperties") is not False, at
            for key, child in node.items():
                never_closed(child, f"{at}/{key}")
        elif isinstance(node, list):
            for child in node:
                never_closed(child, at)

    for name in RESPONSE_SCHEMAS:
        never_closed(schemas[name], name)


def test_trackable_type_enum():
    assert SPEC["components"]["schemas"]["TrackableType"]["enum"] == [
        "client",
        "board_task",
        "case",
        "circle",
        "firm",
        "task",
        "Client",
    ]
