"""Property-based round trips: any schema-valid JSON is parsed and dumped back unchanged.

For every response schema of the Plannr spec (through the committed SDKs) and every component
schema that becomes a model in the small corpus specs (tictactoe, uspto, petstore3, generated
here with both Python variants), hypothesis draws JSON that the schema accepts; each variant's
model parses it and dumps it again, and the result must be the same JSON.

hypothesis-jsonschema 0.23.1 (the latest) fails inside current hypothesis ("'many' object has
no attribute 'more'"), so :func:`from_schema` below draws from the JSON Schema subset that
OpenAPI specs use: types, enum/const, properties/required/additionalProperties, items,
allOf/anyOf/oneOf, string lengths and patterns, number bounds.

The schemas are made self-contained first ($refs inlined, OpenAPI's ``nullable`` as a null
option, OpenAPI-only keywords dropped). ``date-time`` and ``date`` draw RFC 3339 text with
every kind of offset (``Z``, ``+00:00``, ``-00:00``, ``+14:00``...), fractions of any length,
lower-case ``t``/``z`` and leap seconds. Unbounded ``number``s stay within +-2**53, where JSON
numbers are exchanged without loss (RFC 8259, section 6).

The cases run per variant are printed at the end of each test (``-s`` or not).
"""

from __future__ import annotations

import datetime
import importlib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import Diagnostics
from generator.ir import EnumModel, ObjectModel, build_api
from generator.load import Node, Spec
from generator.variants import load_variant

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"  # copies of the small shared-corpus specs
CORPUS_SPECS = {"tictactoe": "tictactoe.yaml", "uspto": "uspto.json", "petstore3": "petstore3.yaml"}
VARIANTS = ("python-pydantic", "python-stdlib")
PLANNR_PACKAGES = {"python-pydantic": "plannr", "python-stdlib": "plannr_lite"}
EXAMPLES = 80
SAFE_NUMBER = 2**53

# --- RFC 3339 text ------------------------------------------------------------------------------


@st.composite
def rfc3339_date(draw: st.DrawFn) -> str:
    day = draw(st.dates(min_value=datetime.date(1, 1, 1)))
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


@st.composite
def rfc3339_date_time(draw: st.DrawFn) -> str:
    date = draw(rfc3339_date())
    hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    second = draw(st.integers(0, 59) | st.just(60))  # a leap second is valid RFC 3339
    fraction = draw(st.just("") | st.text("0123456789", min_size=1, max_size=9).map("{}".format))
    fraction = f".{fraction}" if fraction else ""
    offset = draw(
        st.sampled_from(["Z", "z", "+00:00", "-00:00"])
        | st.builds(
            "{}{:02d}:{:02d}".format,
            st.sampled_from("+-"),
            st.integers(0, 14),
            st.sampled_from([0, 30, 45]),
        )
    )
    separator = draw(st.sampled_from("Tt"))
    return f"{date}{separator}{hour:02d}:{minute:02d}:{second:02d}{fraction}{offset}"


FORMATS = {"sdkgen-date-time": rfc3339_date_time(), "sdkgen-date": rfc3339_date()}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(-1e15, 1e15) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def from_schema(schema: Any) -> st.SearchStrategy[Any]:
    """JSON values that ``schema`` (self-contained, no $ref) accepts."""
    if schema is True or schema == {}:
        return JSON_VALUES
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    if "allOf" in schema:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            for key, value in part.items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **value}
                elif key == "required":
                    merged["required"] = [*merged.get("required", []), *value]
                else:
                    merged.setdefault(key, value)
        return from_schema(merged)
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            rest = {k: v for k, v in schema.items() if k != keyword}
            return st.one_of([from_schema({**rest, **option}) for option in schema[keyword]])
    kinds = schema.get("type")
    if isinstance(kinds, list):
        return st.one_of([from_schema({**schema, "type": kind}) for kind in kinds])
    if kinds is None:
        kinds = "object" if "properties" in schema else "array" if "items" in schema else None
    return _typed(schema, kinds)


def _typed(schema: dict[str, Any], kind: str | None) -> st.SearchStrategy[Any]:
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        return st.integers(low, high) | st.floats(low, high, allow_nan=False, allow_infinity=False)
    if kind == "string":
        if schema.get("format") in FORMATS:
            return FORMATS[schema["format"]]
        if "pattern" in schema:
            return st.from_regex(schema["pattern"])
        return st.text(min_size=schema.get("minLength", 0), max_size=schema.get("maxLength", 12))
    if kind == "array":
        items = schema.get("items", {})
        low = schema.get("minItems", 0)
        return st.lists(from_schema(items), min_size=low, max_size=max(low, 3))
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        fixed = st.fixed_dictionaries(
            {k: from_schema(v) for k, v in properties.items() if k in required},
            optional={k: from_schema(v) for k, v in properties.items() if k not in required},
        )
        extra = schema.get("additionalProperties", True)
        if extra is False:
            return fixed
        others = st.dictionaries(
            st.text(max_size=6).filter(lambda key: key not in properties),
            from_schema(extra),
            max_size=2,
        )
        return st.builds(lambda known, more: {**more, **known}, fixed, others)
    return JSON_VALUES


# --- self-contained JSON Schema from OpenAPI ---------------------------------------------------

SCHEMA_MAPS = ("properties", "patternProperties")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_VALUES = ("additionalProperties", "items", "not", "contains")
DROPPED = {
    "discriminator", "xml", "example", "examples", "readOnly", "writeOnly", "deprecated",
    "externalDocs", "nullable", "x-nullable", "description", "title", "$schema", "$comment",
}  # fmt: skip


class Recursive(Exception):
    """The schema refers to itself: hypothesis-jsonschema cannot draw from it."""


def json_schema(spec: Spec, node: Node, seen: tuple[tuple[Path, str], ...] = ()) -> Any:
    """The schema at ``node`` with every $ref inlined, as plain JSON Schema."""
    value = node.value
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("$ref"), str):
        target = spec.resolve(node)
        if target.key in seen:
            raise Recursive(target.pointer)
        converted = json_schema(spec, target, (*seen, target.key))
        return {"anyOf": [converted, {"type": "null"}]} if value.get("nullable") else converted
    out: dict[str, Any] = {}
    for key, child in node.items():
        if key in DROPPED or key.startswith("x-"):
            continue
        if key in SCHEMA_MAPS and isinstance(child.value, dict):
            out[key] = {name: json_schema(spec, sub, seen) for name, sub in child.items()}
        elif key in SCHEMA_LISTS and isinstance(child.value, list):
            out[key] = [json_schema(spec, sub, seen) for sub in child.elements()]
        elif key in SCHEMA_VALUES:
            out[key] = json_schema(spec, child, seen)
        elif key == "format":
            if child.value in ("date-time", "date"):
                out[key] = f"sdkgen-{child.value}"
        else:
            out[key] = child.value
    if out.get("type") == "number" or out.get("type") == ["number"]:
        out.setdefault("minimum", -SAFE_NUMBER)
        out.setdefault("maximum", SAFE_NUMBER)
    if value.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


# --- the SDKs under test -----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    label: str  # "plannr TimeEntry 200", "petstore3 Pet"...
    package: str
    model: str
    kind: str  # "object" or "enum"
    schema: Any


def targets_of(
    spec_path: Path, variant: str, package: str, *, responses_only: bool
) -> list[Target]:
    spec = Spec(spec_path)
    naming = load_variant(variant).naming
    api = build_api(spec, naming=naming, package=package, diagnostics=Diagnostics())
    by_location = {(m.location.file, m.location.pointer): m for m in api.models}
    found: list[Target] = []
    nodes: list[tuple[str, Node]] = []
    if responses_only:
        for operation in api.operations:
            for response in operation.responses:
                item = spec.root["paths"][operation.path][operation.http_method.lower()]
                media = spec.resolve(item["responses"][response.status]).get("content")
                if media is not None and media.get("application/json") is not None:
                    schema = media["application/json"].get("schema")
                    if schema is not None:
                        label = f"{operation.name} {response.status}"
                        nodes.append((label, schema))
    else:
        schemas = spec.root["components"]["schemas"]
        nodes = [(name, schema) for name, schema in schemas.items()]
    for label, node in nodes:
        target = spec.resolve(node)
        model = by_location.get((spec.display(target.file), target.pointer))
        if not isinstance(model, (ObjectModel, EnumModel)):
            continue  # an alias: typed inline in the models that use it
        try:
            schema = json_schema(spec, target)
        except Recursive:
            continue
        kind = "enum" if isinstance(model, EnumModel) else "object"
        found.append(Target(f"{spec_path.stem} {label}", package, model.name, kind, schema))
    return found


@pytest.fixture(scope="module")
def corpus_sdks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[Target]]]:
    """The small corpus specs generated with both variants; their folders on sys.path."""
    project = tmp_path_factory.mktemp("corpus")
    running = []
    for name, file in CORPUS_SPECS.items():
        for variant in VARIANTS:
            package = f"rt_{name}_{'pd' if variant == 'python-pydantic' else 'std'}"
            command = [
                sys.executable, "-m", "generator", "generate", "--spec", str(CORPUS / file),
                "--variant", variant, "--out", package, "--package", package,
            ]  # fmt: skip
            running.append(subprocess.Popen(command, cwd=project, stderr=subprocess.PIPE))
    for process in running:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr.decode()
    folders = [str(project / f"rt_{name}_{s}") for name in CORPUS_SPECS for s in ("pd", "std")]
    sys.path[:0] = folders
    found: dict[str, list[Target]] = {}
    for variant in VARIANTS:
        short = "pd" if variant == "python-pydantic" else "std"
        plannr = ROOT / "specs" / "plannr-time-entry.yaml"
        found[variant] = targets_of(plannr, variant, PLANNR_PACKAGES[variant], responses_only=True)
        for name, file in CORPUS_SPECS.items():
            package = f"rt_{name}_{short}"
            found[variant] += targets_of(CORPUS / file, variant, package, responses_only=False)
    yield found
    del sys.path[: len(folders)]


def round_tripper(variant: str, target: Target) -> Callable[[Any], Any]:
    models = importlib.import_module(f"{target.package}.models")
    cls = getattr(models, target.model)
    if target.kind == "enum":
        return lambda value: cls(value).value
    if variant == "python-pydantic":
        response = importlib.import_module(f"{target.package}._response")

        def pydantic_round_trip(data: Any) -> Any:
            parsed = response.validate_as(cls, data, None)  # as the SDK reads a response
            return parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)

        return pydantic_round_trip
    return lambda data: cls.from_dict(data).to_dict()


def same_json(left: Any, right: Any) -> bool:
    """JSON equality: numbers by value (1 == 1.0), but a boolean is never a number."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same_json(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(same_json, left, right))
    return type(left) is type(right) and left == right


def run_property(target: Target, check: Callable[[Any], Any]) -> int:
    """Draw JSON valid under ``target.schema``; each must come back the same; the case count."""
    cases = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(from_schema(target.schema))
    def round_trips(data: Any) -> None:
        nonlocal cases
        cases += 1
        dumped = check(data)
        assert same_json(dumped, data), f"{target.label}: {data!r} came back as {dumped!r}"

    round_trips()
    return cases


@pytest.mark.parametrize("variant", VARIANTS)
def test_schema_valid_json_round_trips(
    corpus_sdks: dict[str, list[Target]], variant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    targets = corpus_sdks[variant]
    assert len({t.label.split()[0] for t in targets}) == 1 + len(CORPUS_SPECS)
    counts: dict[str, int] = {}
    started = time.monotonic()
    for target in targets:
        counts[target.label] = run_property(target, round_tripper(variant, target))
    total = sum(counts.values())
    with capsys.disabled():
        print(
            f"\nhypothesis round trips, {variant}: {total} cases over {len(counts)} schemas "
            f"in {time.monotonic() - started:.1f} s"
        )
    assert all(counts.values()), counts
