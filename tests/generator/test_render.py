"""generator.render: templates -> files, with the finalize guard, safe paths and headers."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from gen_helpers import build_from, openapi

from generator.errors import SdkgenError
from generator.ir import Api
from generator.render import render_variant, with_header
from generator.variants import load_variant

TYPES = """
[types]
list = "list[{item}]"
map = "dict[str, {value}]"
nullable = "{inner} | None"
union_separator = " | "
literal = "Literal[{values}]"
literal_separator = ", "
literal_escape = "py_literal"
any = "Any"
null = "None"
ref = "{name}"

[types.primitives]
string = "str"
integer = "int"
number = "float"
boolean = "bool"
"""

HOSTILE_TITLE = 'Evil "API" """\nimport os'


def make_variant(
    root: Path, templates: dict[str, str], files: list[dict[str, str]], name: str = "tiny"
) -> Path:
    folder = root / "variants" / name
    folder.mkdir(parents=True)
    rules = "".join(
        "\n[[files]]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in rule.items())
        for rule in files
    )
    (folder / "manifest.toml").write_text(
        f'description = "tiny test variant"\nlanguage = "python"\n{TYPES}{rules}', encoding="utf-8"
    )
    for template, text in templates.items():
        (folder / template).parent.mkdir(parents=True, exist_ok=True)
        (folder / template).write_text(text, encoding="utf-8")
    return root / "variants"


def api_for(tmp_path: Path, **info: Any) -> Api:
    document = openapi(
        {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "tags": ["pets"],
                    "summary": 'List "pets"',
                    "responses": {"200": {"description": "ok"}},
                }
            },
            "/owners": {
                "get": {
                    "operationId": "listOwners",
                    "tags": ["owners"],
                    "responses": {"200": {"description": "ok"}},
                }
            },
        },
        info={"title": HOSTILE_TITLE, "version": "1.0.0", **info},
    )
    return build_from(document, tmp_path)


def render(
    tmp_path: Path, templates: dict[str, str], files: list[dict[str, str]]
) -> dict[str, str]:
    variant = load_variant("tiny", make_variant(tmp_path, templates, files))
    return render_variant(api_for(tmp_path), variant, {})


def test_raw_spec_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SdkgenError, match="unescaped text") as caught:
        render(
            tmp_path,
            {"t.jinja": "TITLE = {{ api.title }}\n"},
            [{"template": "t.jinja", "output": "out.py"}],
        )
    assert "Evil" in str(caught.value)


@pytest.mark.parametrize(
    "expression",
    ["op.summary", "op.path", "options.note", "api.version"],
)
def test_other_raw_text_is_refused(tmp_path: Path, expression: str) -> None:
    template = "{% for op in api.operations %}x = {{ " + expression + " }}\n{% endfor %}"
    variant = load_variant(
        "tiny",
        make_variant(tmp_path, {"t.jinja": template}, [{"template": "t.jinja", "output": "o.py"}]),
    )
    with pytest.raises(SdkgenError, match="unescaped text"):
        render_variant(api_for(tmp_path), variant, {"note": "a b"})


def test_escaped_text_identifiers_and_numbers_pass(tmp_path: Path) -> None:
    template = (
        '"""{{ api.title | py_doc }}."""\n'
        "TITLE = {{ api.title | py_str }}\n"
        "{% for op in api.operations %}"
        "def {{ op.name }}():\n"
        '    """{{ (op.summary or op.operation_id) | py_doc }}"""\n'
        "    return {{ op.responses | length }}, {{ op.deprecated }}, {{ op.summary | py_literal }}\n"
        "{% endfor %}"
        "SEP = {{ '' }}{{ safe('1 + 1') }}\n"
        "COUNT = {{ 's' if api.operations | length == 1 }}0\n"
    )
    tree = render(
        tmp_path, {"t.jinja": template}, [{"template": "t.jinja", "output": "pkg/mod.py"}]
    )
    source = tree["pkg/mod.py"]
    module = ast.parse(source)
    namespace: dict[str, Any] = {}
    exec(compile(module, "mod.py", "exec"), namespace)
    assert namespace["TITLE"] == HOSTILE_TITLE
    assert namespace["__doc__"] == 'Evil "API" """\nimport os.'
    assert namespace["list_pets"]() == (1, False, 'List "pets"')
    assert namespace["list_owners"]() == (1, False, None)
    assert namespace["SEP"] == 2
    assert namespace["COUNT"] == 0
    assert "os" not in namespace


def test_undefined_names_still_fail(tmp_path: Path) -> None:
    with pytest.raises(SdkgenError, match="template error"):
        render(
            tmp_path,
            {"t.jinja": "{{ api.no_such_thing }}\n"},
            [{"template": "t.jinja", "output": "o.py"}],
        )


def test_each_renders_one_file_per_item(tmp_path: Path) -> None:
    tree = render(
        tmp_path,
        {"r.jinja": "NAME = {{ resource.name | py_str }}\n"},
        [
            {
                "template": "r.jinja",
                "output": "{{ package }}/{{ resource.module }}.py",
                "each": "resource in api.resources",
            }
        ],
    )
    assert sorted(tree) == ["pkg/owners.py", "pkg/pets.py"]
    assert tree["pkg/pets.py"].endswith('NAME = "pets"\n')


@pytest.mark.parametrize("output", ["../escape.py", "/etc/passwd", "a/../../b.py", "{{ '' }}"])
def test_output_paths_must_stay_inside(tmp_path: Path, output: str) -> None:
    with pytest.raises(SdkgenError, match="leaves the output folder"):
        render(tmp_path, {"t.jinja": "x = 1\n"}, [{"template": "t.jinja", "output": output}])


def test_headers_by_file_type(tmp_path: Path) -> None:
    tree = render(
        tmp_path,
        {"t.jinja": "x = 1\n", "m.jinja": "# Title\n", "j.jinja": '{"a": 1}\n', "e.jinja": "\n"},
        [
            {"template": "t.jinja", "output": "a.py"},
            {"template": "m.jinja", "output": "README.md"},
            {"template": "j.jinja", "output": "data.json"},
            {"template": "t.jinja", "output": "b.ts"},
            {"template": "e.jinja", "output": "empty.py"},
        ],
    )
    header = "Generated by sdkgen from spec.json. Do not edit: regenerate with `sdkgen generate`."
    assert tree["a.py"] == f"# {header}\nx = 1\n"
    assert tree["README.md"] == f"<!-- {header} -->\n# Title\n"
    assert tree["data.json"] == '{"a": 1}\n'
    assert tree["b.ts"] == f"// {header}\nx = 1\n"
    assert tree["empty.py"] == "\n"


def test_with_header_is_idempotent_and_one_line() -> None:
    once = with_header("x.py", "pass\n", "specs/a\nb.yaml")
    assert once.splitlines()[0] == (
        "# Generated by sdkgen from specs/a b.yaml. Do not edit: regenerate with `sdkgen generate`."
    )
    assert with_header("x.py", once, "specs/a\nb.yaml") == once


def test_copied_folders_are_verbatim_and_sorted(tmp_path: Path) -> None:
    root = make_variant(
        tmp_path, {"t.jinja": "x = 1\n"}, [{"template": "t.jinja", "output": "pkg/__init__.py"}]
    )
    runtime = root / "tiny" / "runtime"
    (runtime / "sub").mkdir(parents=True)
    (runtime / "b.txt").write_text("{{ not a template }}\n", encoding="utf-8")
    (runtime / "sub" / "a.txt").write_text("a\n", encoding="utf-8")
    (runtime / "__pycache__").mkdir()
    (runtime / "__pycache__" / "x.pyc").write_text("junk", encoding="utf-8")
    with (root / "tiny" / "manifest.toml").open("a", encoding="utf-8") as manifest:
        manifest.write('\n[[copy]]\nsource = "runtime"\noutput = "{{ package }}/_rt"\n')
    tree = render_variant(api_for(tmp_path), load_variant("tiny", root), {})
    assert list(tree) == sorted(tree)
    assert tree["pkg/_rt/b.txt"] == "{{ not a template }}\n"
    assert tree["pkg/_rt/sub/a.txt"] == "a\n"
    assert not any("__pycache__" in path for path in tree)


def test_a_copy_may_come_from_a_sibling_folder_inside_the_templates(tmp_path: Path) -> None:
    root = make_variant(
        tmp_path, {"t.jinja": "x = 1\n"}, [{"template": "t.jinja", "output": "pkg/__init__.py"}]
    )
    (root / "common" / "runtime").mkdir(parents=True)
    (root / "common" / "runtime" / "_shared.py").write_text("y = 2\n", encoding="utf-8")
    with (root / "tiny" / "manifest.toml").open("a", encoding="utf-8") as manifest:
        manifest.write('\n[[copy]]\nsource = "../common/runtime"\noutput = "{{ package }}"\n')
    tree = render_variant(api_for(tmp_path), load_variant("tiny", root), {})
    assert tree["pkg/_shared.py"].endswith("y = 2\n")
    assert tree["pkg/__init__.py"].endswith("x = 1\n")


@pytest.mark.parametrize("source", ["..", "../..", "../../outside", "/etc", "missing"])
def test_a_copy_source_must_be_a_folder_inside_the_templates(tmp_path: Path, source: str) -> None:
    root = make_variant(tmp_path, {"t.jinja": ""}, [{"template": "t.jinja", "output": "a.py"}])
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("secret\n", encoding="utf-8")
    with (root / "tiny" / "manifest.toml").open("a", encoding="utf-8") as manifest:
        manifest.write(f'\n[[copy]]\nsource = "{source}"\noutput = "{{{{ package }}}}"\n')
    with pytest.raises(SdkgenError, match="not a folder inside the templates folder"):
        render_variant(api_for(tmp_path), load_variant("tiny", root), {})


def test_a_file_written_twice_is_an_error(tmp_path: Path) -> None:
    root = make_variant(
        tmp_path, {"t.jinja": "x = 1\n"}, [{"template": "t.jinja", "output": "pkg/a.py"}]
    )
    (root / "tiny" / "runtime").mkdir()
    (root / "tiny" / "runtime" / "a.py").write_text("y = 2\n", encoding="utf-8")
    with (root / "tiny" / "manifest.toml").open("a", encoding="utf-8") as manifest:
        manifest.write('\n[[copy]]\nsource = "runtime"\noutput = "{{ package }}"\n')
    with pytest.raises(SdkgenError, match="written twice"):
        render_variant(api_for(tmp_path), load_variant("tiny", root), {})


def test_unknown_variant_lists_the_known_ones(tmp_path: Path) -> None:
    root = make_variant(tmp_path, {"t.jinja": ""}, [{"template": "t.jinja", "output": "a.py"}])
    with pytest.raises(SdkgenError, match="unknown variant 'nope'") as caught:
        load_variant("nope", root)
    assert "tiny" in str(caught.value)


def test_bad_manifest_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "variants" / "broken"
    folder.mkdir(parents=True)
    (folder / "manifest.toml").write_text('language = "cobol"\n[types]\n', encoding="utf-8")
    with pytest.raises(SdkgenError, match="invalid manifest") as caught:
        load_variant("broken", tmp_path / "variants")
    assert "manifest.toml" in str(caught.value)
