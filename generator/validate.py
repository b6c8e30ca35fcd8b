"""``sdkgen validate``: the spec checked against the OpenAPI schema by openapi-spec-validator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jsonschema_path import SchemaPath
from openapi_spec_validator.shortcuts import get_validator_cls
from openapi_spec_validator.validation.exceptions import ValidatorDetectError

from .errors import format_location
from .load import Spec, escape_pointer_token, find_spec_version, load_document

MAX_REPORTED = 50


def validate_spec(path: Path) -> list[str]:
    """One line per problem (file#pointer: message); empty when the spec is valid."""
    spec = Spec(path)
    find_spec_version(spec)
    # The document as written: a Swagger 2.0 file is checked as Swagger 2.0, not as converted.
    document: Any = load_document(spec.entry, display=spec.display(spec.entry))
    try:
        validator_class = get_validator_cls(document)
    except ValidatorDetectError:
        raise spec.error(spec.root, "cannot tell the OpenAPI version") from None
    schema_path = SchemaPath.from_dict(document, base_uri=spec.entry.as_uri())
    problems = []
    shown = spec.display(spec.entry)
    for error in validator_class(schema_path).iter_errors():
        tokens = [escape_pointer_token(str(t)) for t in getattr(error, "absolute_path", [])]
        pointer = "/" + "/".join(tokens) if tokens else ""
        message = " ".join(str(getattr(error, "message", error)).split())
        problems.append(f"{format_location(shown, pointer)}: {message[:300]}")
        if len(problems) >= MAX_REPORTED:
            problems.append(f"{shown}: (stopped after {MAX_REPORTED} problems)")
            break
    return problems
