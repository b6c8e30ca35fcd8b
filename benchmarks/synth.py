"""A synthetic OpenAPI 3.0 spec of N CRUD resources, for benchmarks.

Each resource has five operations (list, create, retrieve, update, delete) and a model of
twelve properties: a string id, a name, an enum component (status), an inline enum
(priority), date-times (one nullable), a number, an integer, an array of strings, an inline
nested object (address), an array of inline objects (line items), a map of strings, and
nullable fields (3.0 ``nullable: true``). It also has a create body, an update body (all
optional) and a list response. The output is a pure function of N: the same N gives the same
bytes.

    python benchmarks/synth.py 100 [-o FILE]       (default: benchmarks/.work/synth-100.yaml)
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent
WORK = ROOT / ".work"

ADJECTIVES = (
    "Amber", "Bright", "Coral", "Dusky", "Eager", "Fuzzy", "Giant", "Hollow", "Ivory", "Jolly",
    "Keen", "Lunar", "Misty", "Noble", "Olive", "Proud", "Quiet", "Rapid", "Solar", "Tidal",
    "Urban", "Vivid", "Windy", "Young", "Zesty",
)  # fmt: skip
NOUNS = (
    "Account", "Badge", "Budget", "Campaign", "Contract", "Device", "Estimate", "Folder",
    "Invoice", "Journal", "Ledger", "Meeting", "Note", "Order", "Payment", "Project", "Receipt",
    "Shipment", "Ticket", "Voucher",
)  # fmt: skip
MAX_RESOURCES = len(ADJECTIVES) * len(NOUNS)


def resource_names(count: int) -> list[str]:
    if not 1 <= count <= MAX_RESOURCES:
        raise ValueError(f"1 to {MAX_RESOURCES} resources")
    return [f"{ADJECTIVES[i // len(NOUNS)]}{NOUNS[i % len(NOUNS)]}" for i in range(count)]


def snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def model(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": f"A {snake(name).replace('_', ' ')}.",
        "required": ["id", "name", "status", "created_at"],
        "properties": {
            "id": {"type": "string", "format": "uuid", "description": "Identifier."},
            "name": {"type": "string", "maxLength": 200},
            "status": ref(f"{name}Status"),
            "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time", "nullable": True},
            "amount": {"type": "number", "format": "double", "nullable": True},
            "quantity": {"type": "integer", "format": "int32", "minimum": 0},
            "tags": {"type": "array", "items": {"type": "string"}},
            "address": {
                "type": "object",
                "nullable": True,
                "properties": {
                    "line1": {"type": "string"},
                    "city": {"type": "string"},
                    "postal_code": {"type": "string", "nullable": True},
                    "country": {"type": "string", "minLength": 2, "maxLength": 2},
                },
                "required": ["line1", "country"],
            },
            "line_items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "sku": {"type": "string"},
                        "quantity": {"type": "integer"},
                        "unit_price": {"type": "number"},
                    },
                    "required": ["sku", "quantity"],
                },
            },
            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }


def create_body(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "maxLength": 200},
            "status": ref(f"{name}Status"),
            "amount": {"type": "number", "nullable": True},
            "quantity": {"type": "integer", "minimum": 0},
            "tags": {"type": "array", "items": {"type": "string"}},
            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }


def update_body(name: str) -> dict[str, Any]:
    body = create_body(name)
    del body["required"]
    return body


def operations(name: str) -> dict[str, Any]:
    resource, plural = snake(name), snake(name) + "s"
    tag = [name]
    error = {"$ref": "#/components/responses/Error"}

    def json_of(schema: dict[str, Any]) -> dict[str, Any]:
        return {"application/json": {"schema": schema}}

    def op(method: str, op_id: str, summary: str, **extra: Any) -> dict[str, Any]:
        return {
            "operationId": op_id,
            "summary": summary,
            "tags": tag,
            "x-sdkgen-resource": plural,
            "x-sdkgen-method": method,
            **extra,
        }

    item_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        f"/v1/{plural.replace('_', '-')}": {
            "get": op(
                "list",
                f"list{name}s",
                f"List {plural.replace('_', ' ')}",
                parameters=[
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 20}},
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    {"name": "status", "in": "query", "schema": ref(f"{name}Status")},
                ],
                responses={
                    "200": {"description": "A page.", "content": json_of(ref(f"{name}List"))},
                    "default": error,
                },
            ),
            "post": op(
                "create",
                f"create{name}",
                f"Create a {resource.replace('_', ' ')}",
                requestBody={"required": True, "content": json_of(ref(f"{name}Create"))},
                responses={
                    "201": {"description": "Created.", "content": json_of(ref(name))},
                    "default": error,
                },
            ),
        },
        f"/v1/{plural.replace('_', '-')}/{{id}}": {
            "parameters": [item_id],
            "get": op(
                "retrieve",
                f"get{name}",
                f"Get a {resource.replace('_', ' ')}",
                responses={
                    "200": {"description": "The item.", "content": json_of(ref(name))},
                    "default": error,
                },
            ),
            "patch": op(
                "update",
                f"update{name}",
                f"Update a {resource.replace('_', ' ')}",
                requestBody={"required": True, "content": json_of(ref(f"{name}Update"))},
                responses={
                    "200": {"description": "Updated.", "content": json_of(ref(name))},
                    "default": error,
                },
            ),
            "delete": op(
                "delete",
                f"delete{name}",
                f"Delete a {resource.replace('_', ' ')}",
                responses={"204": {"description": "Deleted."}, "default": error},
            ),
        },
    }


def make_spec(count: int) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "string"}, "nullable": True},
            },
        }
    }
    for name in resource_names(count):
        paths.update(operations(name))
        schemas[name] = model(name)
        schemas[f"{name}Status"] = {"type": "string", "enum": ["draft", "active", "archived"]}
        schemas[f"{name}Create"] = create_body(name)
        schemas[f"{name}Update"] = update_body(name)
        schemas[f"{name}List"] = {
            "type": "object",
            "required": ["data"],
            "properties": {
                "data": {"type": "array", "items": ref(name)},
                "next_cursor": {"type": "string", "nullable": True},
            },
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"Synthetic API ({count} resources)",
            "version": "1.0.0",
            "description": "Generated by benchmarks/synth.py.",
        },
        "servers": [{"url": "https://api.example.com"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "An error.",
                    "content": {"application/json": {"schema": ref("Error")}},
                }
            },
            "schemas": schemas,
        },
    }


def write_spec(count: int, path: Path | None = None) -> Path:
    """Write the spec for ``count`` resources (only if its bytes changed) and return its path."""
    path = path or WORK / f"synth-{count:03d}.yaml"
    text = yaml.safe_dump(make_spec(count), sort_keys=False, allow_unicode=True, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("resources", type=int)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    print(write_spec(args.resources, args.output))


if __name__ == "__main__":
    main()
