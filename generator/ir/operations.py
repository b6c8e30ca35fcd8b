"""Paths, operations, parameters, bodies and responses -> IR operations."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..errors import Diagnostics
from ..load import Node, Spec
from .model import (
    AnyValue,
    Example,
    Field,
    Header,
    ListOf,
    LiteralOf,
    Location,
    Nullable,
    ObjectModel,
    Operation,
    Pagination,
    Parameter,
    Primitive,
    Ref,
    RequestBody,
    Response,
    Type,
    spec_text,
)
from .names import Naming
from .schemas import SchemaConverter

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# OpenAPI: header parameters with these names "SHALL be ignored"; media types and security say it.
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
CLIENT_OPTION = "x-sdkgen-client-option"


@dataclass(frozen=True)
class RawOperation:
    """An operation with its resource and method names still unassigned."""

    node: Node
    path: str
    http_method: str
    parameters: tuple[Node, ...]


def collect_operations(spec: Spec) -> list[RawOperation]:
    """Every operation under ``paths``, in spec order, path-level parameters attached."""
    paths = spec.root.get("paths")
    found: list[RawOperation] = []
    if paths is None or paths.value is None:
        return found
    if not isinstance(paths.value, dict):
        raise spec.error(paths, "'paths' must be a mapping of paths to path items")
    for path, item_ref in paths.items():
        item = spec.resolve(item_ref)
        if not isinstance(item.value, dict):
            raise spec.error(item, "a path item must be an object")
        shared = _parameter_nodes(spec, item.get("parameters"))
        for method in HTTP_METHODS:
            if method in item.value:
                operation = spec.resolve(item[method])
                if not isinstance(operation.value, dict):
                    raise spec.error(operation, "an operation must be an object")
                own = _parameter_nodes(spec, operation.get("parameters"))
                found.append(
                    RawOperation(
                        operation, path, method.upper(), _merge_parameters(spec, shared, own)
                    )
                )
    return found


def _parameter_nodes(spec: Spec, node: Node | None) -> list[Node]:
    if node is None:
        return []
    if not isinstance(node.value, list):
        raise spec.error(node, "parameters must be a list")
    return [spec.resolve(element) for element in node.elements()]


def _merge_parameters(spec: Spec, shared: list[Node], own: list[Node]) -> tuple[Node, ...]:
    """Operation parameters override path-level ones with the same name and location."""
    merged: dict[tuple[str, str], Node] = {}
    for node in shared + own:
        if not isinstance(node.value, dict) or not isinstance(node.value.get("name"), str):
            raise spec.error(node, "a parameter needs a 'name'")
        merged[(node.value["name"], str(node.value.get("in")))] = node
    return tuple(merged.values())


@dataclass
class OperationBuilder:
    spec: Spec
    naming: Naming
    schemas: SchemaConverter
    diagnostics: Diagnostics

    def build(self, raw: RawOperation, resource: str, name: str) -> Operation:
        value: dict[str, Any] = raw.node.value
        operation_id = (
            value.get("operationId") if isinstance(value.get("operationId"), str) else None
        )
        context = operation_id or f"{raw.http_method.lower()} {raw.path}"
        params = [self._parameter(node, context) for node in raw.parameters]
        kept = [p for p in params if p is not None]
        body = self._request_body(raw.node.get("requestBody"), context)
        kept, body = self._assign_argument_names(kept, body)
        responses = self._responses(raw.node.get("responses"), context)
        success = _success(responses)
        tags = (
            tuple(t for t in value.get("tags", []) if isinstance(t, str))
            if isinstance(value.get("tags"), list)
            else ()
        )
        return Operation(
            operation_id=operation_id or self.naming.method(context),
            http_method=raw.http_method,
            path=raw.path,
            resource=resource,
            name=name,
            summary=spec_text(value.get("summary")),
            description=spec_text(value.get("description")),
            deprecated=value.get("deprecated") is True,
            path_params=tuple(p for p in kept if p.location == "path"),
            query_params=tuple(p for p in kept if p.location == "query"),
            header_params=tuple(p for p in kept if p.location in ("header", "cookie")),
            body=body,
            responses=responses,
            success=success,
            pagination=self._pagination(raw.node, success),
            location=Location(self.spec.display(raw.node.file), raw.node.pointer),
            tags=tags,
        )

    # --- parameters ---------------------------------------------------------------------------

    def _parameter(self, node: Node, context: str) -> Parameter | None:
        value = node.value
        location = value.get("in")
        wire_name = value["name"]
        if location not in ("path", "query", "header", "cookie"):
            raise self.spec.error(
                node, f"parameter 'in' must be path, query, header or cookie, not {location!r}"
            )
        if location == "header" and wire_name.lower() in IGNORED_HEADERS:
            return None
        if CLIENT_OPTION in value:
            return None  # sent by the client on every call, see client_options()
        if location == "cookie":
            self.diagnostics.warn(
                "cookie parameters are passed as a Cookie header",
                file=self.spec.display(node.file),
                pointer=node.pointer,
            )
        param_type = self._parameter_type(node, f"{context} {wire_name}")
        default_style = "form" if location in ("query", "cookie") else "simple"
        style = value.get("style", default_style)
        schema = self.spec.resolve(node["schema"]).value if "schema" in value else None
        schema = schema if isinstance(schema, dict) else {}
        return Parameter(
            wire_name=wire_name,
            name=wire_name,  # replaced by the method's argument name
            location=location,
            type=param_type,
            required=location == "path" or value.get("required") is True,
            description=spec_text(value.get("description")),
            style=style if isinstance(style, str) else default_style,
            explode=value.get("explode", style == "form") is True,
            has_default="default" in schema,
            default=schema.get("default"),
            deprecated=value.get("deprecated") is True,
            example=_parameter_example(self.spec, node, schema),
        )

    def _parameter_type(self, node: Node, context: str) -> Type:
        schema = node.get("schema")
        if schema is None and node.get("content") is not None:
            for _media, media_node in node["content"].items():
                schema = media_node.get("schema")
                break
        if schema is None:
            return Primitive("string")
        inline = schema.value if isinstance(schema.value, dict) else {}
        if isinstance(inline.get("enum"), list) and "$ref" not in inline:
            # An inline enum on a parameter is a closed set of literals, not a model.
            values = [v for v in inline["enum"] if v is not None]
            literal: Type = LiteralOf(tuple(values)) if values else AnyValue()
            return Nullable(literal) if len(values) != len(inline["enum"]) else literal
        return self.schemas.convert(schema, context)

    def client_options(self) -> list[tuple[str, Node]]:
        """Header parameters marked ``x-sdkgen-client-option``, once each, in spec order."""
        seen: dict[str, Node] = {}
        for raw in collect_operations(self.spec):
            for node in raw.parameters:
                option = node.value.get(CLIENT_OPTION)
                if isinstance(option, str) and option not in seen:
                    if node.value.get("in") != "header":
                        raise self.spec.error(
                            node, f"{CLIENT_OPTION} is only for header parameters"
                        )
                    seen[option] = node
        return list(seen.items())

    # --- request bodies -----------------------------------------------------------------------

    def _request_body(self, ref: Node | None, context: str) -> RequestBody | None:
        if ref is None:
            return None
        node = self.spec.resolve(ref)
        content = node.get("content")
        if content is None or not isinstance(content.value, dict) or not content.value:
            return None
        media_type, media = _pick_media_type(content)
        encoding = _request_encoding(media_type)
        schema = media.get("schema")
        body_type: Type = (
            self.schemas.convert(schema, f"{context} body") if schema is not None else AnyValue()
        )
        if encoding == "binary":
            body_type = Primitive("string", "binary")
        fields = None
        if (
            schema is not None
            and encoding in ("json", "form", "multipart")
            and isinstance(body_type, Ref)
        ):
            fields = self._flat_fields(schema, body_type)
        return RequestBody(
            media_type=media_type,
            encoding=encoding,
            type=body_type,
            required=node.value.get("required") is True,
            description=spec_text(node.value.get("description")),
            fields=fields,
            examples=self._examples(media),
        )

    def _flat_fields(self, schema: Node, body_type: Ref) -> tuple[Field, ...] | None:
        """The properties of an object body, which become keyword arguments."""
        model = self.schemas.model_named(body_type.name)
        if isinstance(model, ObjectModel):
            return tuple(f for f in model.fields if not f.read_only)
        return None

    def _assign_argument_names(
        self, params: list[Parameter], body: RequestBody | None
    ) -> tuple[list[Parameter], RequestBody | None]:
        """One namespace per method: parameters first (path, query, header), then body fields."""
        ordered = sorted(
            params, key=lambda p: ("path", "query", "header", "cookie").index(p.location)
        )
        fields = list(body.fields) if body is not None and body.fields is not None else []
        body_raw = (
            [f.json_name for f in fields] if body is None or body.fields is not None else ["body"]
        )
        names = self.naming.parameters([p.wire_name for p in ordered] + body_raw)
        named_params = [replace(p, name=n) for p, n in zip(ordered, names, strict=False)]
        body_names = names[len(ordered) :]
        if body is not None and body.fields is not None:
            body = replace(
                body,
                fields=tuple(replace(f, name=n) for f, n in zip(fields, body_names, strict=True)),
            )
        elif body is not None:
            body = replace(body, argument=body_names[0])
        return named_params, body

    # --- responses ----------------------------------------------------------------------------

    def _responses(self, node: Node | None, context: str) -> tuple[Response, ...]:
        if node is None or not isinstance(node.value, dict):
            return ()
        responses = []
        for status, ref in sorted(node.items(), key=lambda item: _status_order(item[0])):
            if status.startswith("x-"):
                continue
            resolved = self.spec.resolve(ref)
            if not isinstance(resolved.value, dict):
                raise self.spec.error(resolved, "a response must be an object")
            responses.append(self._response(status, resolved, context))
        return tuple(responses)

    def _response(self, status: str, node: Node, context: str) -> Response:
        content = node.get("content")
        media_type: str | None = None
        response_type: Type | None = None
        encoding = "none"
        examples: tuple[Example, ...] = ()
        if content is not None and isinstance(content.value, dict) and content.value:
            media_type, media = _pick_media_type(content)
            encoding = _response_encoding(media_type)
            schema = media.get("schema")
            suffix = "response" if status.startswith("2") else f"{status} response"
            if encoding == "json":
                response_type = (
                    self.schemas.convert(schema, f"{context} {suffix}")
                    if schema is not None
                    else AnyValue()
                )
            else:
                response_type = Primitive("string", "binary" if encoding == "binary" else None)
            examples = self._examples(media)
        headers = tuple(
            Header(
                name,
                spec_text(self.spec.resolve(h).value.get("description")),
                self._header_type(h, context),
            )
            for name, h in (node.get("headers") or Node({}, node.file, node.pointer)).items()
        )
        return Response(
            status=status,
            description=spec_text(node.value.get("description")),
            media_type=media_type,
            type=response_type,
            encoding=encoding,  # type: ignore[arg-type]
            examples=examples,
            headers=headers,
        )

    def _header_type(self, ref: Node, context: str) -> Type:
        header = self.spec.resolve(ref)
        schema = header.get("schema")
        return (
            self.schemas.convert(schema, f"{context} header")
            if schema is not None
            else Primitive("string")
        )

    def _examples(self, media: Node) -> tuple[Example, ...]:
        found: list[Example] = []
        examples = media.get("examples")
        if examples is not None and isinstance(examples.value, dict):
            for name, ref in examples.items():
                example = self.spec.resolve(ref)
                if isinstance(example.value, dict) and "value" in example.value:
                    found.append(
                        Example(
                            name, spec_text(example.value.get("summary")), example.value["value"]
                        )
                    )
        elif media.get("example") is not None:
            found.append(Example("example", None, media.value["example"]))
        return tuple(found)

    # --- pagination ---------------------------------------------------------------------------

    def _pagination(self, node: Node, success: Response | None) -> Pagination | None:
        config = node.get("x-sdkgen-pagination")
        if config is None:
            return None
        value = config.value if isinstance(config.value, dict) else {}
        items, next_url = value.get("items"), value.get("next")
        if (
            not (isinstance(items, str) and isinstance(next_url, str))
            or success is None
            or success.type is None
        ):
            raise self.spec.error(
                config,
                "x-sdkgen-pagination needs 'items' and 'next' JSON pointers and a JSON success response",
            )
        items_path = _pointer_tokens(items)
        item_list = self._type_at(success.type, items_path)
        if not isinstance(item_list, ListOf):
            raise self.spec.error(
                config, f"x-sdkgen-pagination 'items' ({items}) does not point at an array"
            )
        return Pagination(items_path, _pointer_tokens(next_url), item_list.item)

    def _type_at(self, start: Type, tokens: tuple[str, ...]) -> Type | None:
        current: Type | None = start
        for token in tokens:
            if isinstance(current, Nullable):
                current = current.inner
            if not isinstance(current, Ref):
                return None
            model = self.schemas.model_named(current.name)
            if not isinstance(model, ObjectModel):
                return None
            current = next((f.type for f in model.fields if f.json_name == token), None)
        return current.inner if isinstance(current, Nullable) else current


def _parameter_example(spec: Spec, node: Node, schema: dict[str, Any]) -> Any:
    """The parameter's example: its own ``example``/``examples``, else its schema's."""
    value = node.value
    if "example" in value:
        return value["example"]
    examples = node.get("examples")
    if examples is not None and isinstance(examples.value, dict):
        for _name, ref in examples.items():
            example = spec.resolve(ref).value
            if isinstance(example, dict) and "value" in example:
                return example["value"]
    if "example" in schema:
        return schema["example"]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    return None


def _pick_media_type(content: Node) -> tuple[str, Node]:
    """JSON first, then forms, then the first listed."""
    media_types = list(content.value)
    for preference in (_is_json, _is_form, _is_multipart):
        for media_type in media_types:
            if preference(media_type):
                return media_type, content[media_type]
    return media_types[0], content[media_types[0]]


def _is_json(media_type: str) -> bool:
    base = media_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json") or base == "*/*"


def _is_form(media_type: str) -> bool:
    return media_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded"


def _is_multipart(media_type: str) -> bool:
    return media_type.split(";")[0].strip().lower().startswith("multipart/")


RequestEncoding = Literal["json", "form", "multipart", "binary", "text"]


def _request_encoding(media_type: str) -> RequestEncoding:
    if _is_json(media_type):
        return "json"
    if _is_form(media_type):
        return "form"
    if _is_multipart(media_type):
        return "multipart"
    return "text" if media_type.lower().startswith("text/") else "binary"


def _response_encoding(media_type: str) -> str:
    if _is_json(media_type):
        return "json"
    return "text" if media_type.lower().startswith("text/") else "binary"


def _status_order(status: str) -> tuple[int, str]:
    if status == "default":
        return (999, status)
    digits = re.sub(r"[^0-9]", "0", status.upper().replace("X", "9"))
    return (int(digits) if digits.isdigit() else 998, status)


def _success(responses: tuple[Response, ...]) -> Response | None:
    for response in responses:
        if response.is_success:
            return response
    return next((r for r in responses if r.status == "default"), None)


def _pointer_tokens(pointer: str) -> tuple[str, ...]:
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:])
