"""Build the IR of an API from a loaded spec: ``build_api(spec, naming, ...) -> Api``."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from typing import Any

from ..errors import Diagnostics
from ..load import Node, Spec, find_spec_version
from ..naming import unique
from .examples import with_examples
from .model import (
    AliasModel,
    AnyValue,
    Api,
    Argument,
    Call,
    ClientOption,
    Credential,
    Discriminator,
    EnumMember,
    EnumModel,
    Example,
    Field,
    Header,
    ListOf,
    LiteralOf,
    Location,
    MapOf,
    Model,
    Nullable,
    NullValue,
    ObjectModel,
    Operation,
    Pagination,
    Parameter,
    Primitive,
    Ref,
    RequestBody,
    Resource,
    Response,
    Scenario,
    Server,
    Type,
    UnionOf,
    spec_text,
)
from .names import Naming
from .operations import OperationBuilder, RawOperation, collect_operations
from .schemas import SchemaConverter

__all__ = [
    "AliasModel",
    "AnyValue",
    "Api",
    "Argument",
    "Call",
    "ClientOption",
    "Credential",
    "Discriminator",
    "EnumMember",
    "EnumModel",
    "Example",
    "Field",
    "Header",
    "ListOf",
    "LiteralOf",
    "Location",
    "MapOf",
    "Model",
    "Naming",
    "NullValue",
    "Nullable",
    "ObjectModel",
    "Operation",
    "Pagination",
    "Parameter",
    "Primitive",
    "Ref",
    "RequestBody",
    "Resource",
    "Response",
    "Scenario",
    "Server",
    "Type",
    "UnionOf",
    "build_api",
]

DEFAULT_RESOURCE = "default"


def build_api(
    spec: Spec,
    *,
    naming: Naming,
    package: str,
    diagnostics: Diagnostics,
    client_name: str | None = None,
) -> Api:
    version = spec.converted_from or find_spec_version(spec)
    info = spec.root.get("info")
    info_value: dict[str, Any] = (
        info.value if info is not None and isinstance(info.value, dict) else {}
    )
    schemas = SchemaConverter(spec, naming, diagnostics)
    components = spec.root.get("components")
    for section in (components, components and components.get("schemas")):
        if section is not None and not isinstance(section.value, (dict, type(None))):
            raise spec.error(section, f"'{section.pointer[1:]}' must be a mapping")
    if components is not None and components.get("schemas") is not None:
        schemas.register_components(components["schemas"])
    builder = OperationBuilder(spec, naming, schemas, diagnostics)
    resources = _build_resources(spec, naming, builder)
    name = client_name or info_value.get("x-sdkgen-client-name") or package
    client_class = naming.language.identifier(str(name), "pascal", fallback="client")
    options = _client_options(builder, naming, schemas)
    models = schemas.models()
    resources = _clear_of_models(resources, models, client_class)
    api = Api(
        title=str(info_value.get("title") or client_class),
        version=str(info_value.get("version") or "0.0.0"),
        description=spec_text(info_value.get("description")),
        spec_path=spec.display(spec.entry),
        spec_version=version,
        client_name=client_class,
        package=package,
        servers=_servers(spec, diagnostics),
        credentials=_credentials(spec, naming, client_class),
        client_options=options,
        models=models,
        resources=resources,
    )
    return with_examples(api, naming)


def _build_resources(spec: Spec, naming: Naming, builder: OperationBuilder) -> tuple[Resource, ...]:
    # One resource per module file: "Time Entries" (a tag) and "time_entries" are the same one.
    grouped: dict[str, list[RawOperation]] = defaultdict(list)
    spelled: dict[str, str] = {}
    for raw in collect_operations(spec):
        resource = _resource_of(raw)
        module = naming.module(resource)
        spelled.setdefault(module, resource)
        grouped[module].append(raw)
    attributes = unique(
        [naming.resource(spelled[module]) for module in grouped], taken=naming.reserved_parameters
    )
    resources = []
    for (module, raws), attribute in zip(grouped.items(), attributes, strict=True):
        raw_resource = spelled[module]
        method_names = unique(
            [naming.method(_method_of(raw)) for raw in raws], taken=("with_raw_response",)
        )
        operations = tuple(
            builder.build(raw, attribute, name)
            for raw, name in zip(raws, method_names, strict=True)
        )
        resources.append(
            Resource(
                name=attribute,
                class_name=naming.resource_class(raw_resource),
                module=module,
                operations=operations,
            )
        )
    return tuple(resources)


def _clear_of_models(
    resources: tuple[Resource, ...], models: tuple[Model, ...], client_class: str
) -> tuple[Resource, ...]:
    """Resource class names that no model and no client shares (a ``pet`` tag beside a ``Pet``
    schema, or a ``plannr`` tag in the ``Plannr`` client).

    A resource module imports the models its methods use, and the client module imports the
    resources, so ``Pet`` the resource would shadow ``Pet`` the model: such a resource
    becomes ``PetResource``.
    """
    model_names = {model.name.lower() for model in models}
    model_names |= {client_class.lower(), f"async{client_class.lower()}"}

    def clashes(name: str) -> bool:
        return any(
            n.lower() in model_names for n in (name, f"Async{name}", f"{name}WithRawResponse")
        )

    wanted = [
        f"{r.class_name}Resource" if clashes(r.class_name) else r.class_name for r in resources
    ]
    names = unique(wanted, taken=model_names, separator="")
    return tuple(replace(r, class_name=name) for r, name in zip(resources, names, strict=True))


def _resource_of(raw: RawOperation) -> str:
    value = raw.node.value
    explicit = value.get("x-sdkgen-resource")
    if isinstance(explicit, str) and explicit.strip():
        return explicit
    tags = value.get("tags")
    if isinstance(tags, list) and tags and isinstance(tags[0], str):
        return tags[0]
    return DEFAULT_RESOURCE


def _method_of(raw: RawOperation) -> str:
    value = raw.node.value
    for key in ("x-sdkgen-method", "operationId"):
        if isinstance(value.get(key), str) and value[key].strip():
            return str(value[key])
    return f"{raw.http_method.lower()} {raw.path}"


def _client_options(
    builder: OperationBuilder, naming: Naming, schemas: SchemaConverter
) -> tuple[ClientOption, ...]:
    found = builder.client_options()
    names = naming.parameters([option for option, _node in found])
    return tuple(
        ClientOption(
            name=name,
            header=node.value["name"],
            description=spec_text(node.value.get("description")),
            type=schemas.convert(node["schema"], name)
            if node.get("schema") is not None
            else Primitive("string"),
        )
        for (option, node), name in zip(found, names, strict=True)
    )


def _servers(spec: Spec, diagnostics: Diagnostics) -> tuple[Server, ...]:
    servers = spec.root.get("servers")
    found: list[Server] = []
    for node in servers.elements() if servers is not None else ():
        value = node.value if isinstance(node.value, dict) else {}
        url = value.get("url")
        if not isinstance(url, str):
            continue
        variables = value.get("variables")
        for var, spec_var in (variables if isinstance(variables, dict) else {}).items():
            default = spec_var.get("default") if isinstance(spec_var, dict) else None
            url = url.replace("{" + var + "}", str(default if default is not None else ""))
        if not re.match(r"^https?://", url):
            diagnostics.warn(
                f"server URL {url!r} is not absolute; the SDK's default base URL is http://localhost{url}",
                file=spec.display(node.file),
                pointer=node.pointer,
            )
            url = "http://localhost" + ("" if url.startswith("/") else "/") + url
        found.append(Server(url.rstrip("/"), spec_text(value.get("description"))))
    return tuple(found)


def _credentials(spec: Spec, naming: Naming, client_class: str) -> tuple[Credential, ...]:
    components = spec.root.get("components")
    schemes = components.get("securitySchemes") if components is not None else None
    if schemes is None or not isinstance(schemes.value, dict):
        return ()
    prefix = naming.language.identifier(client_class, "constant", fallback="client")
    found: list[Credential] = []
    for key, ref in schemes.items():
        node = spec.resolve(ref)
        credential = _credential(key, node, prefix)
        if credential is not None:
            found.append(credential)
    names = unique([c.name for c in found])
    # Constructor arguments in the variant's parameter case (`access_token`, `accessToken`).
    arguments = naming.parameters(names)
    return tuple(
        Credential(
            name=argument,
            scheme=c.scheme,
            kind=c.kind,
            env_var=c.env_var if c.name == name else f"{prefix}_{name.upper()}",
            header=c.header,
            query=c.query,
            description=c.description,
        )
        for c, name, argument in zip(found, names, arguments, strict=True)
    )


def _credential(key: str, node: Node, prefix: str) -> Credential | None:
    value = node.value if isinstance(node.value, dict) else {}
    kind, scheme = value.get("type"), str(value.get("scheme", "")).lower()
    env = value.get("x-sdkgen-token-env")
    description = spec_text(value.get("description"))
    if (kind == "http" and scheme == "bearer") or kind in ("oauth2", "openIdConnect"):
        return Credential(
            "access_token", key, "bearer", env or f"{prefix}_ACCESS_TOKEN", description=description
        )
    if kind == "http" and scheme == "basic":
        return Credential(
            "basic_auth", key, "basic", env or f"{prefix}_BASIC_AUTH", description=description
        )
    if kind == "apiKey" and value.get("in") in ("header", "query"):
        where = value["in"]
        return Credential(
            "api_key",
            key,
            "api_key",
            env or f"{prefix}_API_KEY",
            header=value.get("name") if where == "header" else None,
            query=value.get("name") if where == "query" else None,
            description=description,
        )
    return None
