"""Hostile but valid specs: every variant generates safe, clean, working code.

The specs in ``data/``: ``hostile-text.yaml`` puts a payload (quotes, triple quotes,
backslashes, Jinja, comment closers, newlines, control characters, Python and TypeScript code,
bidi overrides, zero-width joiners, emoji) in every place a spec holds text or a name;
``hostile-names.yaml`` has names that are keywords, builtins, pydantic attributes, not
identifiers, or collide after normalisation, and recursive schemas of every shape.

For every variant: generation succeeds; the code compiles, passes ruff with the package's own
configuration and ``mypy --strict`` (one run per variant over all hostile packages) or
``tsc`` (strict); importing it runs nothing from the spec (a unique marker file is never
created, and the Python calls nothing the templates do not); no file holds a raw control or
invisible character; the payload is kept as text; and models round-trip JSON under its
original names.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.format import ruff_binary

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).with_name("data")
SPECS = ("hostile-text", "hostile-names")
PYTHON_VARIANTS = ("python-pydantic", "python-stdlib")
SHORT = {"python-pydantic": "pd", "python-stdlib": "std", "typescript-fetch": "ts"}
TSC = ROOT / "node_modules" / "typescript" / "bin" / "tsc"
HAS_TYPESCRIPT = (
    (ROOT / "templates" / "typescript-fetch" / "manifest.toml").is_file()
    and shutil.which("node") is not None
    and TSC.is_file()
)
VARIANTS = (*PYTHON_VARIANTS, *(("typescript-fetch",) if HAS_TYPESCRIPT else ()))
MARKER = Path(f"/tmp/pwned-{uuid.uuid4().hex}")


def spec_text(name: str) -> str:
    return (DATA / f"{name}.yaml").read_text(encoding="utf-8").replace("__MARKER__", str(MARKER))


def spec_data(name: str) -> Any:
    return yaml.safe_load(spec_text(name))


PAYLOAD: str = spec_data("hostile-text")["info"]["title"]


@dataclass(frozen=True)
class Generated:
    spec: str
    variant: str
    out: Path
    package: str

    @property
    def python_files(self) -> list[Path]:
        return sorted(self.out.rglob("*.py"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Generated]:
    """Every hostile spec generated with every variant, through the command line."""
    project = tmp_path_factory.mktemp("hostile")
    if HAS_TYPESCRIPT:  # so that tsconfig.test.json finds @types/node
        (project / "node_modules").symlink_to(ROOT / "node_modules")
    running = {}
    for spec in SPECS:
        (project / f"{spec}.yaml").write_text(spec_text(spec), encoding="utf-8")
        for variant in VARIANTS:
            package = f"{spec.replace('-', '_')}_{SHORT[variant]}"
            out = project / variant / spec
            command = [
                sys.executable, "-m", "generator", "generate", "--spec", f"{spec}.yaml",
                "--variant", variant, "--out", str(out.relative_to(project)), "--package", package,
            ]  # fmt: skip
            process = subprocess.Popen(
                command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            running[spec, variant] = (process, Generated(spec, variant, out, package))
    generated = {}
    for key, (process, target) in running.items():
        _stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, f"{key}: {stderr}"
        assert "Traceback" not in stderr and "error" not in stderr, stderr
        generated[key] = target
    return generated


def of_variant(hostile: dict[tuple[str, str], Generated], variant: str) -> list[Generated]:
    return [hostile[spec, variant] for spec in SPECS]


@pytest.fixture(scope="module")
def importable(hostile: dict[tuple[str, str], Generated]) -> Iterator[None]:
    """The generated Python packages on sys.path (their names are all distinct)."""
    folders = [str(g.out) for g in hostile.values() if g.variant in PYTHON_VARIANTS]
    sys.path[:0] = folders
    yield
    del sys.path[: len(folders)]
    for name in list(sys.modules):
        if name.split(".")[0].startswith(("hostile_text_", "hostile_names_")):
            del sys.modules[name]


# --- it compiles, lints and type-checks --------------------------------------------------------


@pytest.mark.parametrize("variant", PYTHON_VARIANTS)
def test_python_compiles_and_passes_ruff(
    hostile: dict[tuple[str, str], Generated], variant: str
) -> None:
    for generated in of_variant(hostile, variant):
        for path in generated.python_files:
            compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)
        result = subprocess.run(
            [ruff_binary(), "check", "--no-cache", "--output-format", "concise", "."],
            cwd=generated.out,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("variant", PYTHON_VARIANTS)
def test_mypy_strict(
    hostile: dict[tuple[str, str], Generated], variant: str, tmp_path: Path
) -> None:
    packages = [str(g.out / g.package) for g in of_variant(hostile, variant)]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path), *packages],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not HAS_TYPESCRIPT, reason="the typescript-fetch variant is not available")
def test_typescript_type_checks_and_imports_run_nothing(
    hostile: dict[tuple[str, str], Generated], tmp_path: Path
) -> None:
    for generated in of_variant(hostile, "typescript-fetch"):
        js = tmp_path / generated.spec
        result = subprocess.run(
            ["npx", "--no-install", "tsc", "-p", str(generated.out / "tsconfig.test.json"),
             "--outDir", str(js)],
            cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        (js / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
        modules = sorted((js / "src").rglob("*.js"))
        script = "".join(f"await import({json.dumps(path.as_uri())});\n" for path in modules)
        result = subprocess.run(
            ["node", "--input-type=module", "-e", script + "console.log('imported');"],
            capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "imported"
    assert not MARKER.exists()


# --- it runs nothing from the spec ---------------------------------------------------------------


@pytest.mark.parametrize("variant", PYTHON_VARIANTS)
def test_import_runs_nothing(hostile: dict[tuple[str, str], Generated], variant: str) -> None:
    """Import every module (the generated tests too) and build each client, warnings as errors."""
    for generated in of_variant(hostile, variant):
        script = f"""
import importlib, importlib.util, pkgutil, sys
package = importlib.import_module({generated.package!r})
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(module.name)
for index, path in enumerate(sorted(__import__("pathlib").Path("tests").glob("*.py"))):
    spec = importlib.util.spec_from_file_location(f"generated_test_{{index}}", path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
for name in package._client.__all__:
    client = getattr(package, name)
    if hasattr(client, "close"):  # the synchronous client, with its default base URL
        client().close()
print("imported")
"""
        result = subprocess.run(
            [sys.executable, "-W", "error", "-c", script],
            cwd=generated.out,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "imported"
    assert not MARKER.exists(), "generated code ran the payload"


# Calls the generated code may make through an imported name, and builtins it may call, beyond
# what the Plannr SDK of the same variant makes. Everything else a call can reach is defined in
# the generated package itself.
EXTRA_IMPORTED_CALLS = {"typing_extensions.TypeAliasType"}
EXTRA_IMPORTS = {"builtins", "typing_extensions"}


def imported_calls(folder: Path, package: str) -> tuple[set[str], set[str], set[str]]:
    """(dotted calls through imported names, builtins called, modules imported) in ``folder``."""
    calls: set[str] = set()
    called_builtins: set[str] = set()
    modules: set[str] = set()
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported: dict[str, str] = {}
        bound: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    modules.add(alias.name)
                    imported[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
            elif isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                own = node.level > 0 or module.split(".")[0] == package
                modules.add("<package>" if own else module)
                for alias in node.names:
                    if not own:
                        imported[alias.asname or alias.name] = f"{module}.{alias.name}"
                    else:
                        bound.add(alias.asname or alias.name)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound.add(node.id)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            chain: list[str] = []
            func = node.func
            while isinstance(func, ast.Attribute):
                chain.insert(0, func.attr)
                func = func.value
            if not isinstance(func, ast.Name):
                continue  # a call on a call's result: that inner call is checked itself
            root = func.id
            if root in imported:
                calls.add(".".join([imported[root], *chain]))
            elif root not in bound and hasattr(builtins, root):
                called_builtins.add(".".join([root, *chain]))
    return calls, called_builtins, modules


@pytest.mark.parametrize("variant", PYTHON_VARIANTS)
def test_generated_python_calls_nothing_new(
    hostile: dict[tuple[str, str], Generated], variant: str
) -> None:
    """Every call through an imported name or a builtin is one the templates make anyway."""
    benign = {"python-pydantic": "plannr", "python-stdlib": "plannr_lite"}[variant]
    allowed_calls, allowed_builtins, allowed_modules = imported_calls(
        ROOT / "generated" / variant, benign
    )
    for generated in of_variant(hostile, variant):
        calls, called_builtins, modules = imported_calls(generated.out, generated.package)
        assert calls - allowed_calls - EXTRA_IMPORTED_CALLS == set()
        assert called_builtins - allowed_builtins == set()
        assert modules - allowed_modules - EXTRA_IMPORTS == set()


# --- the text stays text --------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_raw_control_or_invisible_characters(
    hostile: dict[tuple[str, str], Generated], variant: str
) -> None:
    """A bidi override or an escape sequence in a generated file can make it read otherwise
    than it runs ("Trojan Source") or act on the terminal that shows it: they are escaped."""
    for generated in of_variant(hostile, variant):
        for path in sorted(p for p in generated.out.rglob("*") if p.is_file()):
            text = path.read_text(encoding="utf-8")
            found = {
                f"U+{ord(char):04X}"
                for char in text
                if not char.isprintable() and char not in "\n\t" and char != "\u200b"
            }
            assert not found, f"{path.relative_to(generated.out)}: {sorted(found)}"


def docstrings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                found.append(doc)
    return found


def as_prose(text: str) -> str:
    """What a docstring keeps of spec text: its visible words, in order."""
    kept = "".join(char for char in text if char.isprintable() or char in "\n\t\r")
    return " ".join(kept.split())


@pytest.mark.parametrize("variant", PYTHON_VARIANTS)
def test_the_payload_is_documentation_not_code(
    hostile: dict[tuple[str, str], Generated], variant: str
) -> None:
    generated = hostile["hostile-text", variant]
    package = generated.out / generated.package
    # Docstrings written by the templates hold the payload exactly (controls dropped, invisible
    # characters escaped in the source); the models' docstrings at least its visible text.
    exact = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]", "", PAYLOAD.replace("\r", "\n"))
    resource_docs = [
        doc for path in (package / "resources").glob("*.py") for doc in docstrings(path)
    ]
    assert any(exact.strip() in doc for doc in resource_docs)
    assert any(exact.strip() in doc for doc in docstrings(package / "__init__.py"))
    assert any(as_prose(PAYLOAD) in as_prose(doc) for doc in docstrings(package / "models.py"))
    # The server URL and the header names are string constants holding exactly the spec's text.
    constants = {
        node.value
        for path in generated.python_files
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    spec = spec_data("hostile-text")
    assert spec["servers"][0]["url"] in constants
    assert PAYLOAD in constants
    assert 'X-Key"); import os #' in constants


# --- it works -------------------------------------------------------------------------------------


def load_models(hostile: dict[tuple[str, str], Generated], spec: str, variant: str) -> Any:
    return importlib.import_module(f"{hostile[spec, variant].package}.models")


def round_trip(models: Any, variant: str, model: str, data: dict[str, Any]) -> Any:
    cls = getattr(models, model)
    if variant == "python-pydantic":
        return cls.model_validate(data).model_dump(mode="json", by_alias=True, exclude_unset=True)
    return cls.from_dict(data).to_dict()


def sdk_round_trip(models: Any, variant: str, model: str, data: dict[str, Any]) -> Any:
    """As the SDK reads a response body (pydantic: by JSON names only), then dumped."""
    if variant == "python-stdlib":
        return round_trip(models, variant, model, data)
    runtime = importlib.import_module(models.__name__.rsplit(".", 1)[0] + "._response")
    parsed = runtime.validate_as(getattr(models, model), data, None)
    return parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)


WEIRD_TYPED = {
    "later_int": 7,
    "later_list": ["a", "b"],
    "later_bool": True,
    "later_float": 1.5,
    "later_dict": {"k": 1},
    "later_str": "2024-02-29T23:59:60.5+14:00",
}


@pytest.mark.usefixtures("importable")
@pytest.mark.parametrize("variant", PYTHON_VARIANTS)
def test_weird_names_round_trip(hostile: dict[tuple[str, str], Generated], variant: str) -> None:
    models = load_models(hostile, "hostile-names", variant)
    properties = spec_data("hostile-names")["components"]["schemas"]["Weird"]["properties"]
    data = {name: WEIRD_TYPED.get(name, f"value of {name!r}") for name in properties}
    assert round_trip(models, variant, "Weird", data) == data
    for name, value in data.items():  # one member alone is read into one field only
        assert round_trip(models, variant, "Weird", {name: value}) == {name: value}
    assert sdk_round_trip(models, variant, "Weird", data) == data
    unknown = {"not in the spec": [1, {"x": None}], "x-y ": "", "CLASS": 0}
    assert sdk_round_trip(models, variant, "Weird", unknown) == unknown
    if variant == "python-pydantic":  # a Python name is not a JSON name when the SDK reads
        runtime = importlib.import_module(f"{hostile['hostile-names', variant].package}._response")
        weird = runtime.validate_as(models.Weird, {"class_": "x"}, None)
        assert weird.class_ is None and weird.model_extra == {"class_": "x"}


@pytest.mark.usefixtures("importable")
@pytest.mark.parametrize("variant", PYTHON_VARIANTS)
def test_hostile_text_round_trips(hostile: dict[tuple[str, str], Generated], variant: str) -> None:
    models = load_models(hostile, "hostile-text", variant)
    spec = spec_data("hostile-text")
    enum_values = spec["components"]["schemas"]["Mode"]["enum"]
    assert [member.value for member in models.Mode] == enum_values
    for value in enum_values:
        assert models.Mode(value).value == value
        thing = {"label": PAYLOAD, PAYLOAD: PAYLOAD, "mode": value, "note": None}
        assert round_trip(models, variant, "Thing", thing) == thing
    unknown = {"label": "x", "mode": 'not listed """ \\'}  # open enums keep what they do not list
    assert round_trip(models, variant, "Thing", unknown) == unknown


RECURSIVE = {
    "Node": {"value": 1, "next": {"value": 2, "next": {"value": 3}}},
    "A": {"b": {"a": {"b": {}}, "as": [{"b": {"as": []}}, {}]}},
    "Tree": {
        "name": "root",
        "children": [{"name": "leaf", "children": [], "parent": None}],
        "by_name": {"x": {"children": [{"children": []}]}},
        "parent": {"children": []},
    },
    "BinOp": {
        "op": "+",
        "left": {"value": 1.5},
        "right": {"op": "*", "left": {"value": 2.5}, "right": {"value": -3.5}},
        "args": [{"value": 0.5}, {"op": "-", "left": {"value": 1.5}, "right": {"value": 2.5}}],
        "env": {"x": {"value": 4.5}},
    },
    "Holder": {
        "json": {"a": [1.5, "two", True, None, {"b": {"c": []}}], "d": None},
        "expr": {"op": "/", "left": {"value": 1.5}, "right": {"value": 2.5}},
        "number": -1,
        "pet": {"kind": "", "foo": {"a": "1"}, "bar": {"b": "2"}},
        "none": {"none": "x"},
        "base": {"field": "y"},
    },
}


@pytest.mark.usefixtures("importable")
@pytest.mark.parametrize("variant", PYTHON_VARIANTS)
@pytest.mark.parametrize("model", list(RECURSIVE))
def test_recursive_models_round_trip(
    hostile: dict[tuple[str, str], Generated], variant: str, model: str
) -> None:
    models = load_models(hostile, "hostile-names", variant)
    assert round_trip(models, variant, model, RECURSIVE[model]) == RECURSIVE[model]


@pytest.mark.usefixtures("importable")
@pytest.mark.parametrize("variant", PYTHON_VARIANTS)
def test_colliding_names_stay_apart(
    hostile: dict[tuple[str, str], Generated], variant: str
) -> None:
    """`Foo-Bar`/`Foo_Bar`, `Client`/`client`, a `Pet` tag beside a `Pet` model, `listItems`/
    `list_items`/`ListItems`, `None` and `BaseModel` schemas: all distinct and all reachable."""
    generated = hostile["hostile-names", variant]
    package = importlib.import_module(generated.package)
    models = load_models(hostile, "hostile-names", variant)
    assert {"FooBar", "FooBar2", "Pet", "NoneModel"} <= set(dir(models))
    assert len({member.name for member in models.Kind}) == len(list(models.Kind)) == 9
    resources = importlib.import_module(f"{generated.package}.resources")
    pet = next(getattr(resources, name) for name in resources.__all__ if name.startswith("Pet"))
    assert pet.__name__ != "Pet"
    methods = [name for name in vars(pet) if name.startswith("list_items")]
    assert sorted(methods) == ["list_items", "list_items_2", "list_items_3"]
    client = package._client
    assert client.__all__  # the client module imports every resource by its own name
    assert os.path.isfile(Path(package.__file__).parent / "py.typed")
