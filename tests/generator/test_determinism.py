"""The same spec gives the same bytes under any PYTHONHASHSEED and any key order in the spec."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from gen_helpers import REPO, snapshot

# Sets, dicts and name collisions everywhere: enums, several tags, inline models, unions,
# credentials, client options, examples.
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Determinism", "version": "1.0.0", "x-sdkgen-client-name": "Det"},
    "servers": [{"url": "https://det.example.com"}],
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "tags": ["pets"],
                "parameters": [
                    {
                        "name": "kind",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["cat", "dog", "Cat"]},
                    },
                    {
                        "name": "X-Tenant",
                        "in": "header",
                        "required": True,
                        "x-sdkgen-client-option": "tenant",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Pet"},
                                },
                                "examples": {"two": {"value": [{"name": "a", "kind": "cat"}]}},
                            }
                        },
                    },
                    "default": {
                        "description": "error",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                },
            },
            "post": {
                "operationId": "createPet",
                "tags": ["pets"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Pet"},
                            "examples": {
                                "one": {"value": {"name": "a"}},
                                "two": {"value": {"name": "b", "tags": ["x"]}},
                            },
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Pet"},
                                "examples": {"one": {"value": {"name": "a"}}},
                            }
                        },
                    }
                },
            },
        },
        "/owners/{id}": {
            "get": {
                "operationId": "getOwner",
                "tags": ["owners"],
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Owner"}}
                        },
                    }
                },
            }
        },
    },
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        },
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "kind": {"type": "string", "enum": ["cat", "dog", "Cat", "bird", "fish"]},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "born": {"type": ["string", "null"], "format": "date"},
                    "home": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
                    },
                    "extra": {
                        "oneOf": [
                            {"type": "integer"},
                            {"type": "string"},
                            {"$ref": "#/components/schemas/Owner"},
                        ]
                    },
                },
            },
            "Owner": {
                "type": "object",
                "properties": {
                    "pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                    "id": {"type": "string"},
                },
            },
            "Error": {
                "type": "object",
                "properties": {"message": {"type": "string"}, "code": {"type": "integer"}},
            },
        },
    },
}

PYPROJECT = """\
[[tool.sdkgen.targets]]
spec = "specs/api.json"
variant = "python-pydantic"
out = "generated/sdk"
package = "det"
"""


def make_project(root: Path, spec: dict[str, Any]) -> Path:
    (root / "specs").mkdir(parents=True)
    (root / "specs" / "api.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return root


def generate(project: Path, seed: str) -> dict[str, bytes]:
    out = project / "generated"
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--strict"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return snapshot(out / "sdk")


def shuffled(value: Any, rng: random.Random, *, keep: bool = False) -> Any:
    """The same document with the keys of every mapping whose order carries no meaning shuffled."""
    if isinstance(value, list):
        return [shuffled(item, rng) for item in value]
    if not isinstance(value, dict):
        return value
    items = [
        (key, item if key in VERBATIM else shuffled(item, rng, keep=key in ORDERED))
        for key, item in value.items()
    ]
    if not keep:
        rng.shuffle(items)
    return dict(items)


# Mappings whose order the SDK follows on purpose (spec order of paths, properties, examples...).
ORDERED = {"paths", "properties", "schemas", "examples", "securitySchemes"}
# Values that are data, printed as they are: an example's key order is the example's.
VERBATIM = {"value", "example", "default", "enum"}


def test_same_bytes_under_different_hash_seeds(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", SPEC)
    first = generate(project, "0")
    second = generate(project, "12345")
    assert len(first) > 10
    assert first.keys() == second.keys()
    for path in first:
        assert first[path] == second[path], path


def test_same_bytes_when_unordered_keys_are_shuffled(tmp_path: Path) -> None:
    baseline = generate(make_project(tmp_path / "a", SPEC), "1")
    reordered = shuffled(SPEC, random.Random(20))
    # The seed is chosen so that methods, responses and component sections change order.
    assert list(reordered["paths"]["/pets"]) == ["post", "get"]
    assert list(reordered["paths"]["/pets"]["get"]["responses"]) == ["default", "200"]
    assert list(reordered["components"]) == ["schemas", "securitySchemes"]
    other = generate(make_project(tmp_path / "b", reordered), "2")
    assert baseline.keys() == other.keys()
    for path in baseline:
        assert baseline[path] == other[path], path
