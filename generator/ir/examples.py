"""Documented examples -> ready-made calls, for READMEs and for the generated golden tests.

A :class:`Scenario` is one documented response example of an operation together with the call
that should produce it. Request and response examples pair by name (``documented-2026`` with
``documented-2026``); a response example with no partner uses the first request example.
Values the spec gives no example for (a required path parameter, say) get a placeholder of the
right type, so every operation also has a usage example.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..naming import unique
from .model import (
    AnyValue,
    Api,
    Argument,
    Call,
    EnumModel,
    Example,
    ListOf,
    LiteralOf,
    MapOf,
    Nullable,
    Operation,
    Primitive,
    Ref,
    Scenario,
    Type,
    UnionOf,
)
from .names import Naming

PLACEHOLDERS = {
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date-time": "2025-01-01T00:00:00+00:00",
    "date": "2025-01-01",
    "email": "user@example.com",
    "uri": "https://example.com",
}


def with_examples(api: Api, naming: Naming) -> Api:
    """The API with its scenarios (named uniquely) and one usage example per operation."""
    found = [scenario for operation in api.operations for scenario in _scenarios(api, operation)]
    wanted = [
        naming.method(
            f"test {s.operation.resource} {s.operation.name} {s.response.status} {s.request_name or s.response_example.name}"
        )
        for s in found
    ]
    named = tuple(replace(s, test_name=name) for s, name in zip(found, unique(wanted), strict=True))
    usage = tuple(_usage(api, operation, named) for operation in api.operations)
    return replace(api, scenarios=named, usage=usage)


def _scenarios(api: Api, operation: Operation) -> list[Scenario]:
    """One per documented response example, then one per request example not yet sent."""
    requests = operation.body.examples if operation.body is not None else ()
    found = [
        Scenario(_call(api, operation, _partner(requests, example.name)), response, example)
        for response in operation.responses
        for example in response.examples
    ]
    sent = {id(s.call.request_example) for s in found if not s.expects_error}
    success = next((r for r in operation.responses if r.is_success and r.examples), None)
    if success is not None:
        found += [
            Scenario(
                _call(api, operation, request),
                success,
                success.examples[0],
                request_name=request.name,
            )
            for request in requests
            if id(request) not in sent
        ]
    return found


def _usage(api: Api, operation: Operation, named: tuple[Scenario, ...]) -> Call:
    documented = [s for s in named if s.operation is operation and not s.expects_error]
    if documented:
        return documented[0].call
    requests = operation.body.examples if operation.body is not None else ()
    return _call(api, operation, requests[0] if requests else None)


def _partner(requests: tuple[Example, ...], name: str) -> Example | None:
    return next((r for r in requests if r.name == name), requests[0] if requests else None)


def _call(api: Api, operation: Operation, request: Example | None) -> Call:
    path_args = tuple(
        Argument(p.name, p.wire_name, _value(api, p.example, p.type)) for p in operation.path_params
    )
    query_args = tuple(
        Argument(p.name, p.wire_name, _value(api, p.example, p.type) if p.required else p.example)
        for p in operation.query_params
        if p.required or p.example is not None
    )
    body = operation.body
    body_value: Any = request.value if request is not None else None
    if body is not None and body_value is None and body.required:
        body_value = _placeholder(api, body.type)
    body_args: tuple[Argument, ...] = ()
    if body is not None and body.fields is not None and isinstance(body_value, dict):
        if request is None:  # a made-up body: required fields only
            body_value = {f.json_name: _placeholder(api, f.type) for f in body.fields if f.required}
        by_wire = {f.json_name: f for f in body.fields}
        body_args = tuple(
            Argument(by_wire[k].name, k, v) for k, v in body_value.items() if k in by_wire
        )
    return Call(operation, path_args, query_args, body_args, body_value, request)


def _value(api: Api, example: Any, value_type: Type) -> Any:
    return example if example is not None else _placeholder(api, value_type)


def _placeholder(api: Api, value_type: Type) -> Any:
    if isinstance(value_type, Nullable):
        return _placeholder(api, value_type.inner)
    if isinstance(value_type, Primitive):
        if value_type.kind == "string":
            return PLACEHOLDERS.get(value_type.format or "", "example")
        return {"integer": 1, "number": 1.5, "boolean": True}[value_type.kind]
    if isinstance(value_type, LiteralOf):
        return value_type.values[0]
    if isinstance(value_type, Ref):
        model = api.model(value_type.name)
        return model.members[0].value if isinstance(model, EnumModel) else {}
    if isinstance(value_type, UnionOf):
        return _placeholder(api, value_type.options[0])
    if isinstance(value_type, ListOf):
        return [_placeholder(api, value_type.item)]
    if isinstance(value_type, (MapOf, AnyValue)):
        return {}
    return None
