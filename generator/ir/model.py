"""The intermediate representation: everything templates need, decided and frozen.

Types are data (:data:`Type`), not strings; the variant's type renderer turns them into source
text at the edge. Names here are already identifiers of the target language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal


def spec_text(value: Any) -> str | None:
    """Prose from the spec (a description, a summary), tidied; None when there is none.

    Line ends lose trailing spaces and blank lines at either end go: what is left is the text
    as written, which every variant escapes for its own language.
    """
    if not isinstance(value, str):
        return None
    text = "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").split("\n")).strip("\n")
    return text if text.strip() else None


# --- the type model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Primitive:
    """string / integer / number / boolean, with the spec's format (date-time, uuid, int64...)."""

    shape: ClassVar[str] = "primitive"

    kind: Literal["string", "integer", "number", "boolean"]
    format: str | None = None


@dataclass(frozen=True)
class AnyValue:
    """Any JSON value (an untyped schema, or a construct sdkgen cannot type yet)."""

    shape: ClassVar[str] = "any"


@dataclass(frozen=True)
class NullValue:
    """Only JSON null (``type: "null"`` on its own)."""

    shape: ClassVar[str] = "null"


@dataclass(frozen=True)
class Ref:
    """A named schema (model, enum or alias) by its identifier."""

    shape: ClassVar[str] = "ref"

    name: str


@dataclass(frozen=True)
class ListOf:
    shape: ClassVar[str] = "list"

    item: Type


@dataclass(frozen=True)
class MapOf:
    """An object used as a dictionary: string keys, values of one type."""

    shape: ClassVar[str] = "map"

    value: Type


@dataclass(frozen=True)
class UnionOf:
    """One of several types (oneOf / anyOf / a type array); never holds null or a nested union."""

    shape: ClassVar[str] = "union"

    options: tuple[Type, ...]
    discriminator: Discriminator | None = None


@dataclass(frozen=True)
class Discriminator:
    property: str
    mapping: tuple[tuple[str, str], ...] = ()  # (wire value, schema identifier)


@dataclass(frozen=True)
class LiteralOf:
    """Exactly one of some constant values (``const``, or a one-value enum used inline)."""

    shape: ClassVar[str] = "literal"

    values: tuple[str | int | float | bool, ...]


@dataclass(frozen=True)
class Nullable:
    """The inner type, or null. Never wraps another Nullable."""

    shape: ClassVar[str] = "nullable"

    inner: Type


Type = Primitive | AnyValue | NullValue | Ref | ListOf | MapOf | UnionOf | LiteralOf | Nullable


def referenced_names(value: Type) -> frozenset[str]:
    """The named schemas a type mentions."""
    if isinstance(value, Ref):
        return frozenset({value.name})
    if isinstance(value, ListOf):
        return referenced_names(value.item)
    if isinstance(value, MapOf):
        return referenced_names(value.value)
    if isinstance(value, Nullable):
        return referenced_names(value.inner)
    if isinstance(value, UnionOf):
        return frozenset().union(*(referenced_names(option) for option in value.options))
    return frozenset()


# --- named schemas ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """Where something came from, for messages: display path and JSON pointer."""

    file: str
    pointer: str


@dataclass(frozen=True)
class Field:
    """A property of an object model."""

    json_name: str
    name: str
    type: Type
    required: bool
    description: str | None = None
    has_default: bool = False
    default: Any = None
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False


@dataclass(frozen=True)
class ObjectModel:
    shape: ClassVar[str] = "object"

    name: str
    location: Location
    description: str | None
    fields: tuple[Field, ...]
    # What unknown properties may hold: None when the schema forbids them
    # (``additionalProperties: false``), else their type (AnyValue when unconstrained).
    extra: Type | None = field(default_factory=AnyValue)
    title: str | None = None

    @property
    def closed(self) -> bool:
        return self.extra is None


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: str | int | float | bool


@dataclass(frozen=True)
class EnumModel:
    shape: ClassVar[str] = "enum"

    name: str
    location: Location
    description: str | None
    kind: Literal["string", "integer", "number", "boolean"]
    members: tuple[EnumMember, ...]
    title: str | None = None


@dataclass(frozen=True)
class AliasModel:
    """A named schema that is not an object or an enum: a list, a union, a primitive..."""

    shape: ClassVar[str] = "alias"

    name: str
    location: Location
    description: str | None
    type: Type
    title: str | None = None


Model = ObjectModel | EnumModel | AliasModel

# --- operations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    name: str
    summary: str | None
    value: Any


@dataclass(frozen=True)
class Parameter:
    wire_name: str
    name: str
    location: Literal["path", "query", "header", "cookie"]
    type: Type
    required: bool
    description: str | None = None
    style: str = "simple"
    explode: bool = False
    has_default: bool = False
    default: Any = None
    deprecated: bool = False
    example: Any = None


@dataclass(frozen=True)
class RequestBody:
    media_type: str
    encoding: Literal["json", "form", "multipart", "binary", "text"]
    type: Type
    required: bool
    description: str | None
    # When the body is an object, its properties become keyword arguments.
    fields: tuple[Field, ...] | None
    examples: tuple[Example, ...] = ()
    argument: str = "body"  # the argument that takes the whole body when it is not flattened


@dataclass(frozen=True)
class Header:
    wire_name: str
    description: str | None
    type: Type


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX", "default"
    description: str | None
    media_type: str | None
    type: Type | None  # None: no body
    encoding: Literal["json", "text", "binary", "none"]
    examples: tuple[Example, ...] = ()
    headers: tuple[Header, ...] = ()

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")

    @property
    def is_composite(self) -> bool:
        """Whether the body's type is a union, nullable or literal rather than one class."""
        return self.type is not None and self.type.shape in ("union", "nullable", "literal", "any")

    @property
    def status_code(self) -> int | None:
        """The status as a number; None for ``default`` and ranges such as ``4XX``."""
        return int(self.status) if self.status.isdigit() else None


@dataclass(frozen=True)
class Pagination:
    """How to walk pages: where the items are and where the next page's URL is."""

    items_path: tuple[str, ...]
    next_url_path: tuple[str, ...]
    item_type: Type


@dataclass(frozen=True)
class MethodArgument:
    """A keyword argument of an SDK method, whatever part of the request it fills."""

    name: str
    wire_name: str
    type: Type
    required: bool
    description: str | None
    location: Literal["path", "query", "header", "cookie", "body_field", "body"]


@dataclass(frozen=True)
class Operation:
    operation_id: str
    http_method: str  # upper case
    path: str
    resource: str
    name: str  # method name
    summary: str | None
    description: str | None
    deprecated: bool
    path_params: tuple[Parameter, ...]
    query_params: tuple[Parameter, ...]
    header_params: tuple[Parameter, ...]
    body: RequestBody | None
    responses: tuple[Response, ...]
    success: Response | None
    pagination: Pagination | None
    location: Location
    tags: tuple[str, ...] = ()

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return self.path_params + self.query_params + self.header_params

    @property
    def error_responses(self) -> tuple[Response, ...]:
        return tuple(response for response in self.responses if not response.is_success)

    @property
    def keyword_arguments(self) -> tuple[MethodArgument, ...]:
        """Everything but path parameters, required ones first, each group in spec order."""
        found = [
            MethodArgument(p.name, p.wire_name, p.type, p.required, p.description, p.location)
            for p in self.query_params + self.header_params
        ]
        if self.body is not None and self.body.fields is not None:
            found += [
                MethodArgument(f.name, f.json_name, f.type, f.required, f.description, "body_field")
                for f in self.body.fields
            ]
        elif self.body is not None:
            found.append(
                MethodArgument(
                    self.body.argument,
                    "",
                    self.body.type,
                    self.body.required,
                    self.body.description,
                    "body",
                )
            )
        return tuple(sorted(found, key=lambda argument: not argument.required))

    @property
    def referenced_models(self) -> frozenset[str]:
        types = [argument.type for argument in self.parameters + self.keyword_arguments]
        if self.success is not None and self.success.type is not None:
            types.append(self.success.type)
        if self.pagination is not None:
            types.append(self.pagination.item_type)
        return frozenset(name for t in types for name in referenced_names(t))


@dataclass(frozen=True)
class Argument:
    """One argument of a call: where it goes on the wire, and its value as JSON."""

    name: str
    wire_name: str
    value: Any


@dataclass(frozen=True)
class Call:
    """A ready-made call of an operation: values for its path, query and body (as JSON)."""

    operation: Operation
    path_args: tuple[Argument, ...]
    query_args: tuple[Argument, ...]
    body_args: tuple[Argument, ...]  # the body's fields, when the body is flattened
    body: Any  # the whole request body (None when there is none)
    request_example: Example | None = None

    @property
    def sends_body(self) -> bool:
        return self.body is not None


@dataclass(frozen=True)
class Scenario:
    """A documented response example and the call that should produce it."""

    call: Call
    response: Response
    response_example: Example
    test_name: str = ""  # an identifier, unique in the API
    request_name: str | None = None  # set when the scenario exists for its request example

    @property
    def operation(self) -> Operation:
        return self.call.operation

    @property
    def expects_error(self) -> bool:
        return not self.response.is_success


@dataclass(frozen=True)
class Resource:
    """A group of operations: ``client.<attribute>.<method>()``."""

    name: str  # attribute on the client
    class_name: str
    module: str
    operations: tuple[Operation, ...]

    @property
    def referenced_models(self) -> tuple[str, ...]:
        """Models the resource's methods take or return, sorted: what its module imports."""
        return tuple(sorted(frozenset().union(*(op.referenced_models for op in self.operations))))

    @property
    def paginated(self) -> bool:
        return any(op.pagination is not None for op in self.operations)


@dataclass(frozen=True)
class ClientOption:
    """A header every call sends, set once on the client (``account_uuid`` -> X-...-UUID)."""

    name: str
    header: str
    description: str | None
    type: Type


@dataclass(frozen=True)
class Credential:
    """How the client authenticates: an argument, its environment fallback, where it goes."""

    name: str  # constructor argument, e.g. access_token
    scheme: str  # security scheme key in the spec
    kind: Literal["bearer", "basic", "api_key"]
    env_var: str
    header: str | None = None  # for api keys in a header
    query: str | None = None  # for api keys in the query
    description: str | None = None


@dataclass(frozen=True)
class Server:
    url: str
    description: str | None


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    description: str | None
    spec_path: str  # as shown in headers
    spec_version: str  # "3.0" / "3.1" / "2.0"
    client_name: str
    package: str
    servers: tuple[Server, ...]
    credentials: tuple[Credential, ...]
    client_options: tuple[ClientOption, ...]
    models: tuple[Model, ...]
    resources: tuple[Resource, ...]
    scenarios: tuple[Scenario, ...] = ()
    usage: tuple[Call, ...] = ()  # one example call per operation, for documentation

    @property
    def package_version(self) -> str:
        """The spec's version when it is a plain release number (PEP 440 and semver agree)."""
        return self.version if re.fullmatch(r"\d+(\.\d+){0,3}", self.version) else "0.1.0"

    @property
    def credential_kinds(self) -> frozenset[str]:
        return frozenset(credential.kind for credential in self.credentials)

    @property
    def base_url(self) -> str:
        return self.servers[0].url if self.servers else "http://localhost"

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for resource in self.resources for op in resource.operations)

    def scenarios_for(self, operation: Operation) -> tuple[Scenario, ...]:
        return tuple(s for s in self.scenarios if s.operation is operation)

    def usage_for(self, operation: Operation) -> Call:
        return next(call for call in self.usage if call.operation is operation)

    def model(self, name: str) -> Model:
        for model in self.models:
            if model.name == name:
                return model
        raise KeyError(name)
