"""Swagger 2.0 -> OpenAPI 3.0, in memory, so the rest of sdkgen only knows OpenAPI 3.

No maintained Python package does this offline (prance sends the spec to a web service), so
here is a converter for what generation needs: servers, components, bodies (``in: body`` and
``formData``), media types from ``consumes``/``produces``, parameter schemas and collection
formats, responses, headers, examples and security schemes. ``$ref``s are rewritten to their
OpenAPI 3 homes.
"""

from __future__ import annotations

import copy
from typing import Any

REF_HOMES = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}
PARAMETER_SCHEMA_KEYS = (
    "type", "format", "items", "enum", "default", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "multipleOf",
)  # fmt: skip
COLLECTION_STYLES = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def convert(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.0.3 equivalent of a Swagger 2.0 document (the input is not changed)."""
    source = _rewrite_refs(copy.deepcopy(document))
    consumes = source.get("consumes") or ["application/json"]
    produces = source.get("produces") or ["application/json"]
    body_parameters = {
        name: param
        for name, param in (source.get("parameters") or {}).items()
        if param.get("in") in ("body", "formData")
    }
    result: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": source.get("info") or {"title": "API", "version": "0"},
    }
    result["servers"] = _servers(source)
    for key in ("tags", "externalDocs", "security"):
        if key in source:
            result[key] = source[key]
    result.update({k: v for k, v in source.items() if k.startswith("x-")})
    paths = {}
    for path, item in (source.get("paths") or {}).items():
        paths[path] = (
            _path_item(item, consumes, produces, body_parameters)
            if isinstance(item, dict)
            else item
        )
    result["paths"] = paths
    result["components"] = _components(source, produces, body_parameters)
    return result


def _rewrite_refs(value: Any) -> Any:
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str):
            for old, new in REF_HOMES.items():
                if ref.startswith(old):
                    value["$ref"] = new + ref[len(old) :]
        for key, item in value.items():
            value[key] = _rewrite_refs(item)
        if value.get("type") == "file":
            value["type"], value["format"] = "string", "binary"
    elif isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _rewrite_refs(item)
    return value


def _servers(source: dict[str, Any]) -> list[dict[str, str]]:
    host = source.get("host")
    base = source.get("basePath") or ""
    if not host:
        return [{"url": base or "/"}]
    schemes = source.get("schemes") or ["https"]
    scheme = "https" if "https" in schemes else schemes[0]
    return [{"url": f"{scheme}://{host}{base}"}]


def _path_item(
    item: dict[str, Any], consumes: list[str], produces: list[str], shared: dict[str, Any]
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    path_parameters = item.get("parameters") or []
    for key, value in item.items():
        if key in HTTP_METHODS and isinstance(value, dict):
            result[key] = _operation(value, path_parameters, consumes, produces, shared)
        elif key != "parameters":
            result[key] = value
    plain = [p for p in path_parameters if _location(p, shared) not in ("body", "formData")]
    if plain:
        result["parameters"] = [_parameter(p) for p in plain]
    return result


def _location(parameter: dict[str, Any], shared: dict[str, Any]) -> str | None:
    ref = parameter.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/parameters/"):
        target = shared.get(ref.rsplit("/", 1)[-1])
        return str(target.get("in")) if target else "reference"
    location = parameter.get("in")
    return location if isinstance(location, str) else None


def _resolve_shared(parameter: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    ref = parameter.get("$ref")
    if isinstance(ref, str) and ref.rsplit("/", 1)[-1] in shared:
        target: dict[str, Any] = shared[ref.rsplit("/", 1)[-1]]
        return target
    return parameter


def _operation(
    operation: dict[str, Any],
    path_parameters: list[Any],
    consumes: list[str],
    produces: list[str],
    shared: dict[str, Any],
) -> dict[str, Any]:
    result = {
        k: v
        for k, v in operation.items()
        if k not in ("parameters", "responses", "consumes", "produces", "schemes")
    }
    op_consumes = operation.get("consumes") or consumes
    op_produces = operation.get("produces") or produces
    parameters = path_parameters + (operation.get("parameters") or [])
    body = [_resolve_shared(p, shared) for p in parameters if _location(p, shared) == "body"]
    form = [_resolve_shared(p, shared) for p in parameters if _location(p, shared) == "formData"]
    plain = [
        _parameter(p)
        for p in operation.get("parameters") or []
        if _location(p, shared) not in ("body", "formData")
    ]
    if plain:
        result["parameters"] = plain
    if body:
        result["requestBody"] = _json_body(body[0], op_consumes)
    elif form:
        result["requestBody"] = _form_body(form, op_consumes)
    responses = operation.get("responses") or {}
    result["responses"] = {status: _response(r, op_produces) for status, r in responses.items()}
    return result


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in parameter:
        return parameter
    result = {
        k: v
        for k, v in parameter.items()
        if k not in PARAMETER_SCHEMA_KEYS and k not in ("collectionFormat", "allowEmptyValue")
    }
    result["schema"] = {k: parameter[k] for k in PARAMETER_SCHEMA_KEYS if k in parameter}
    collection = parameter.get("collectionFormat")
    if parameter.get("type") == "array" and collection in COLLECTION_STYLES:
        result["style"], result["explode"] = COLLECTION_STYLES[collection]
    return result


def _json_body(parameter: dict[str, Any], consumes: list[str]) -> dict[str, Any]:
    schema = parameter.get("schema", {})
    body: dict[str, Any] = {"content": {media: {"schema": schema} for media in consumes}}
    if parameter.get("required"):
        body["required"] = True
    if parameter.get("description"):
        body["description"] = parameter["description"]
    return body


def _form_body(fields: list[dict[str, Any]], consumes: list[str]) -> dict[str, Any]:
    has_file = any(f.get("type") in ("file",) or f.get("format") == "binary" for f in fields)
    media = (
        "multipart/form-data"
        if has_file or "multipart/form-data" in consumes
        else "application/x-www-form-urlencoded"
    )
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    for field in fields:
        prop = {k: field[k] for k in PARAMETER_SCHEMA_KEYS if k in field}
        if field.get("description"):
            prop["description"] = field["description"]
        schema["properties"][field["name"]] = prop
    required = [f["name"] for f in fields if f.get("required")]
    if required:
        schema["required"] = required
    return {"content": {media: {"schema": schema}}, "required": bool(required)}


def _response(response: Any, produces: list[str]) -> Any:
    if not isinstance(response, dict) or "$ref" in response:
        return response
    result: dict[str, Any] = {"description": response.get("description", "")}
    if "schema" in response:
        examples = response.get("examples") or {}
        result["content"] = {}
        for media in produces:
            entry: dict[str, Any] = {"schema": response["schema"]}
            if media in examples:
                entry["example"] = examples[media]
            result["content"][media] = entry
    if "headers" in response:
        result["headers"] = {
            name: {
                "description": h.get("description", ""),
                "schema": {k: h[k] for k in PARAMETER_SCHEMA_KEYS if k in h},
            }
            for name, h in response["headers"].items()
        }
    return result


def _components(
    source: dict[str, Any], produces: list[str], body_parameters: dict[str, Any]
) -> dict[str, Any]:
    components: dict[str, Any] = {}
    if source.get("definitions"):
        components["schemas"] = source["definitions"]
    parameters = {
        k: _parameter(v)
        for k, v in (source.get("parameters") or {}).items()
        if k not in body_parameters
    }
    if parameters:
        components["parameters"] = parameters
    if source.get("responses"):
        components["responses"] = {
            k: _response(v, produces) for k, v in source["responses"].items()
        }
    schemes = {k: _security_scheme(v) for k, v in (source.get("securityDefinitions") or {}).items()}
    if schemes:
        components["securitySchemes"] = schemes
    return components


def _security_scheme(scheme: dict[str, Any]) -> dict[str, Any]:
    kind = scheme.get("type")
    extras = {k: v for k, v in scheme.items() if k.startswith("x-") or k == "description"}
    if kind == "basic":
        return {"type": "http", "scheme": "basic", **extras}
    if kind == "oauth2":
        flow_names = {
            "implicit": "implicit",
            "password": "password",
            "application": "clientCredentials",
            "accessCode": "authorizationCode",
        }
        flow: dict[str, Any] = {
            k: scheme[k] for k in ("authorizationUrl", "tokenUrl") if k in scheme
        }
        flow["scopes"] = scheme.get("scopes", {})
        return {
            "type": "oauth2",
            "flows": {flow_names.get(scheme.get("flow", ""), "implicit"): flow},
            **extras,
        }
    return scheme
