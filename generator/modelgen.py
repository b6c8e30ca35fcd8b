"""Model backends: code for a variant's data models, when templates alone should not write it.

``datamodel-code-generator`` writes pydantic v2 models from a JSON Schema document that sdkgen
derives from the IR, so the IR's decisions hold in the output: class names are the IR's model
names, field names reach it as scoped aliases, enum member names as ``x-enum-varnames``. The
schema it gets is already normalised (no ``$ref`` chains, no ``allOf``, inline objects named),
and it never sees keywords that it would turn into imports (``customTypePath`` is only ever
written by sdkgen, pointing at the package's own runtime).
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from collections.abc import Callable
from typing import Any

from .escape import is_invisible, plain_text, python_docstring, python_string
from .ir.model import (
    AnyValue,
    Api,
    EnumModel,
    ListOf,
    LiteralOf,
    MapOf,
    Model,
    Nullable,
    NullValue,
    ObjectModel,
    Primitive,
    Ref,
    Type,
    UnionOf,
)
from .variants import Variant

SCHEMA_PREFIX = "#/components/schemas/"


def datamodel_code_generator(api: Api, variant: Variant, options: dict[str, Any]) -> str:
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import (
        DataModelType,
        DefaultValueType,
        InputFileType,
        OpenEnums,
        TargetPydanticVersion,
    )
    from datamodel_code_generator.format import PythonVersion

    settings = variant.models or {}
    header = f'"""Data models of the {python_docstring(api.title)}."""'
    if not api.models:  # datamodel-code-generator refuses a document without schemas
        return f"{header}\n"
    runtime = f"{api.package}.{settings.get('runtime_module', '_lenient')}"
    document = openapi_document(api, runtime)
    template_dir = settings.get("templates")
    python = PythonVersion(
        str(options.get("python_version", settings.get("python_version", "3.10")))
    )
    with warnings.catch_warnings():
        # Its notices ("Jinja2 will become optional", duplicated field names) are about its
        # input, which sdkgen wrote; problems in the spec are reported by sdkgen itself.
        warnings.simplefilter("ignore")
        source = generate(
            document,
            input_file_type=InputFileType.OpenAPI,
            output_model_type=DataModelType.PydanticV2BaseModel,
            target_python_version=python,
            target_pydantic_version=TargetPydanticVersion.V2_11,
            formatters=[],
            disable_timestamp=True,
            custom_file_header=header,
            aliases=field_aliases(api),
            open_enums=OpenEnums.All,
            deserialize_default_values=[DefaultValueType.Enum],
            open_enum_base_class_map={"Enum": f"{runtime}.OpenEnum"},
            use_subclass_enum=True,
            use_specialized_enum=False,
            strict_nullable=True,
            allow_population_by_field_name=True,
            use_annotated=True,
            use_type_alias=True,
            use_schema_description=True,
            use_field_description=True,
            use_union_operator=True,
            use_standard_collections=True,
            custom_template_dir=variant.folder / template_dir if template_dir else None,
        )
    if not isinstance(source, str):
        raise TypeError(
            f"datamodel-code-generator returned {type(source).__name__}, expected one module"
        )
    return escape_invisible_literals(source)


def escape_invisible_literals(source: str) -> str:
    """Rewrite string literals that hold control or invisible characters (a bidi override
    makes source read otherwise than it runs) with escapes: datamodel-code-generator writes
    enum values and aliases as they are."""
    if source.replace("\n", "").replace("\t", "").isprintable():
        return source  # the usual case, checked at C speed
    starts = [0]
    for line in source.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    edits: list[tuple[int, int, str]] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING and any(map(is_invisible, token.string)):
            value = ast.literal_eval(token.string)
            if isinstance(value, str):
                begin = starts[token.start[0] - 1] + token.start[1]
                end = starts[token.end[0] - 1] + token.end[1]
                edits.append((begin, end, str(python_string(value))))
    for begin, end, text in reversed(edits):
        source = source[:begin] + text + source[end:]
    return source


def field_aliases(api: Api) -> dict[str, str]:
    """``{"Model.json_name": "python_name"}`` for every field whose name the IR chose."""
    return {
        f"{model.name}.{field.json_name}": field.name
        for model in api.models
        if isinstance(model, ObjectModel)
        for field in model.fields
    }


def openapi_document(api: Api, runtime: str) -> dict[str, Any]:
    """An OpenAPI 3.1 document whose component schemas are the IR's models."""
    open_enums = frozenset(
        m.name for m in api.models if isinstance(m, EnumModel) and m.kind == "string"
    )
    schemas = {model.name: model_schema(model, runtime, open_enums) for model in api.models}
    return {
        "openapi": "3.1.0",
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def model_schema(
    model: Model, runtime: str, open_enums: frozenset[str] = frozenset()
) -> dict[str, Any]:
    if isinstance(model, ObjectModel):
        schema: dict[str, Any] = {"type": "object", "properties": {}}
        for field in model.fields:
            prop = type_schema(field.type, runtime, open_enums)
            if field.description:
                prop = {**prop, "description": plain_text(field.description)}
            if field.has_default and field.default is not None and not _keeps_wire_text(field.type):
                prop = {**prop, "default": field.default}
            schema["properties"][field.json_name] = prop
        required = [field.json_name for field in model.fields if field.required]
        if required:
            schema["required"] = required
        schema["additionalProperties"] = model.extra is not None
    elif isinstance(model, EnumModel):
        schema = {
            "type": model.kind,
            "enum": [member.value for member in model.members],
            "x-enum-varnames": [member.name for member in model.members],
        }
    else:
        schema = type_schema(model.type, runtime, open_enums)
    if model.description:
        schema["description"] = plain_text(model.description)  # it writes docstrings raw
    return schema


def type_schema(
    value: Type, runtime: str, open_enums: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The JSON Schema of an IR type; ``open_enums`` are string enums that accept any string."""

    def schema_of(inner: Type) -> dict[str, Any]:
        return type_schema(inner, runtime, open_enums)

    if isinstance(value, Primitive):
        schema: dict[str, Any] = {"type": value.kind}
        if value.format in ("date-time", "date"):
            kind = "DateTime" if value.format == "date-time" else "Date"
            schema["customTypePath"] = f"{runtime}.{kind}"
        return schema
    if isinstance(value, Ref):
        return {"$ref": SCHEMA_PREFIX + value.name}
    if isinstance(value, ListOf):
        return {"type": "array", "items": schema_of(value.item)}
    if isinstance(value, MapOf):
        return {"type": "object", "additionalProperties": schema_of(value.value)}
    if isinstance(value, Nullable):
        return {"anyOf": [schema_of(value.inner), {"type": "null"}]}
    if isinstance(value, UnionOf):
        options = _drop_strings_beside_open_enums(value.options, open_enums)
        return (
            schema_of(options[0])
            if len(options) == 1
            else {"anyOf": [schema_of(o) for o in options]}
        )
    if isinstance(value, LiteralOf):
        if len(value.values) == 1:
            return {"const": value.values[0]}
        return {"anyOf": [{"const": item} for item in value.values]}
    if isinstance(value, NullValue):
        return {"type": "null"}
    if isinstance(value, AnyValue):
        return {}
    raise TypeError(f"not an IR type: {value!r}")


def _drop_strings_beside_open_enums(
    options: tuple[Type, ...], open_enums: frozenset[str]
) -> tuple[Type, ...]:
    """``TrackableType | str`` is just ``TrackableType`` when the enum is open: it takes any
    string already, and parsing then gives members for known values instead of plain strings."""
    if any(isinstance(o, Ref) and o.name in open_enums for o in options):
        return tuple(o for o in options if o != Primitive("string"))
    return options


def _keeps_wire_text(value: Type) -> bool:
    inner = value.inner if isinstance(value, Nullable) else value
    return isinstance(inner, Primitive) and inner.format in ("date-time", "date")


ModelBackend = Callable[[Api, Variant, dict[str, Any]], str]
MODEL_BACKENDS: dict[str, ModelBackend] = {"datamodel-code-generator": datamodel_code_generator}
