"""generator.load: parsing YAML/JSON, $ref resolution, and every way a spec file can be bad."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

import pytest

from generator.errors import SdkgenError
from generator.load import Node, Spec, find_spec_version, load_document


def load(path: Path) -> object:
    return load_document(path, display=path.name)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- parsing --------------------------------------------------------------------------------------


def test_json_with_surrogate_pair_escapes(tmp_path: Path) -> None:
    # PyYAML refuses "\ud83d\udc4d" in a double-quoted scalar; JSON must go through json.
    path = write(tmp_path / "spec.json", '{"title": "thumbs \\ud83d\\udc4d up", "n": [1, 2.5]}')
    assert load(path) == {"title": "thumbs \U0001f44d up", "n": [1, 2.5]}


def test_json_content_in_a_file_without_json_suffix(tmp_path: Path) -> None:
    path = write(tmp_path / "spec", '  {"a": "\\ud83d\\udc4d"}')
    assert load(path) == {"a": "\U0001f44d"}


def test_lone_surrogate_in_json_is_refused(tmp_path: Path) -> None:
    # It cannot be written to a UTF-8 file later, so it must fail here, with the file named.
    path = write(tmp_path / "spec.json", '{"info": {"description": "bad \\ud800 text"}}')
    with pytest.raises(SdkgenError, match="surrogate") as caught:
        load(path)
    assert "spec.json" in str(caught.value)


def test_yaml_scalars_keep_their_text(tmp_path: Path) -> None:
    path = write(
        tmp_path / "spec.yaml",
        "date: 2024-01-31\n"
        "stamp: 2024-01-31T10:00:00Z\n"
        "answer: yes\n"
        "switch: on\n"
        "negative: no\n"
        "off_value: off\n"
        "truth: true\n"
        "lie: False\n"
        "responses:\n"
        "  200: ok\n"
        "  404: missing\n"
        "  default: other\n",
    )
    assert load(path) == {
        "date": "2024-01-31",
        "stamp": "2024-01-31T10:00:00Z",
        "answer": "yes",
        "switch": "on",
        "negative": "no",
        "off_value": "off",
        "truth": True,
        "lie": False,
        "responses": {"200": "ok", "404": "missing", "default": "other"},
    }


def test_yaml_non_string_keys_become_strings(tmp_path: Path) -> None:
    path = write(tmp_path / "spec.yaml", "true: a\nnull: b\n1.5: c\n")
    assert load(path) == {"true": "a", "null": "b", "1.5": "c"}


def test_yaml_aliases_keep_their_value(tmp_path: Path) -> None:
    path = write(tmp_path / "spec.yaml", "a: &x {k: [1, 2]}\nb: *x\n")
    assert load(path) == {"a": {"k": [1, 2]}, "b": {"k": [1, 2]}}


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "spec.yaml", "\ufeffopenapi: 3.1.0\n".encode())
    assert load(path) == {"openapi": "3.1.0"}


# --- bad files --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.yaml", "", "empty"),
        ("blank.yaml", "  \n\n\t\n", "empty"),
        ("garbage.yaml", b"\x00\x01\x02\x03PK\x00binary", "binary"),
        ("latin1.yaml", b"title: caf\xe9\n", "UTF-8"),
        ("broken.yaml", "a: [1, 2\nb: }\n", "invalid YAML"),
        ("tabs.yaml", "a:\n\t- b\n", "invalid YAML"),
        ("broken.json", '{"a": 1,}', "invalid JSON"),
        ("truncated.json", '{"a": [1, 2', "invalid JSON"),
    ],
)
def test_bad_files_name_the_file(
    tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(SdkgenError) as caught:
        load(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(name)
    assert "\n" not in str(caught.value)


def test_malformed_json_says_where(tmp_path: Path) -> None:
    path = write(tmp_path / "spec.json", '{\n  "a": 1\n  "b": 2\n}')
    with pytest.raises(SdkgenError, match="line 3"):
        load(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SdkgenError, match="no such file") as caught:
        Spec(tmp_path / "nope.yaml", display_base=tmp_path)
    assert "nope.yaml" in str(caught.value)


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "specdir").mkdir()
    with pytest.raises(SdkgenError, match="directory") as caught:
        Spec(tmp_path / "specdir", display_base=tmp_path)
    assert "specdir" in str(caught.value)


@pytest.mark.parametrize("content", ["- a\n- b\n", "just text\n", "42\n"])
def test_not_a_mapping(tmp_path: Path, content: str) -> None:
    spec = Spec(write(tmp_path / "spec.yaml", content), display_base=tmp_path)
    with pytest.raises(SdkgenError, match="not a mapping") as caught:
        find_spec_version(spec)
    assert "spec.yaml" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("openapi: 3.0.3\n", "3.0"),
        ("openapi: 3.1.0\n", "3.1"),
        ("openapi: '3.1'\n", "3.1"),
    ],
)
def test_known_versions(tmp_path: Path, content: str, expected: str) -> None:
    spec = Spec(write(tmp_path / "spec.yaml", content), display_base=tmp_path)
    assert find_spec_version(spec) == expected


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("openapi: 4.0.0\n", "unsupported OpenAPI version '4.0.0'"),
        ("openapi: 3.10.0\n", "unsupported"),
        ("info: {title: x}\n", "no 'openapi' field"),
    ],
)
def test_unknown_versions(tmp_path: Path, content: str, message: str) -> None:
    spec = Spec(write(tmp_path / "spec.yaml", content), display_base=tmp_path)
    with pytest.raises(SdkgenError, match=message) as caught:
        find_spec_version(spec)
    assert "spec.yaml" in str(caught.value)


# --- hostile documents --------------------------------------------------------------------------------


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ['l0: &l0 "lol"']
    for level in range(1, levels + 1):
        items = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"l{level}: &l{level} [{items}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    path = write(tmp_path / "bomb.yaml", billion_laughs())  # 9**9 = 387 million leaves
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(SdkgenError, match="billion laughs") as caught:
            load(path)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2
    assert peak < 50 * 1024 * 1024
    assert "bomb.yaml" in str(caught.value)


def test_shared_aliases_below_the_limit_load(tmp_path: Path) -> None:
    # Only multiplication is refused: aliases that expand to a modest size are fine.
    path = write(tmp_path / "ok.yaml", billion_laughs(levels=3, width=3))
    assert load(path)["l3"] == [[["lol"] * 3] * 3] * 3  # type: ignore[index]


@pytest.mark.parametrize("content", ["a: &a\n  b: *a\n", "&a [1, *a]\n"])
def test_self_referencing_alias_is_refused(tmp_path: Path, content: str) -> None:
    path = write(tmp_path / "loop.yaml", content)
    with pytest.raises(SdkgenError, match="alias contains itself") as caught:
        load(path)
    assert "loop.yaml" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.json", "[" * 10_000 + "]" * 10_000),
        ("deep_objects.json", '{"a": ' * 10_000 + "1" + "}" * 10_000),
        ("deep.yaml", "[" * 10_000 + "]" * 10_000),
        ("deep_flow.yaml", "x: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n"),
        # deep enough to pass the parsers, too deep for sdkgen
        ("medium.json", "[" * 900 + "]" * 900),
    ],
)
def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path, name: str, content: str) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(SdkgenError) as caught:
        load(path)
    assert name in str(caught.value)


# --- $ref ---------------------------------------------------------------------------------------------


def spec_at(path: Path, document: object) -> Spec:
    write(path, json.dumps(document))
    return Spec(path, display_base=path.parent)


def test_local_ref(tmp_path: Path) -> None:
    spec = spec_at(
        tmp_path / "api.json",
        {"use": {"$ref": "#/defs/A"}, "defs": {"A": {"type": "string"}}},
    )
    target = spec.resolve(spec.root["use"])
    assert target.value == {"type": "string"}
    assert target.pointer == "/defs/A"
    assert target.file == (tmp_path / "api.json").resolve()


def test_ref_to_list_element(tmp_path: Path) -> None:
    spec = spec_at(tmp_path / "api.json", {"use": {"$ref": "#/list/1"}, "list": ["a", "b"]})
    assert spec.resolve(spec.root["use"]).value == "b"


def test_cross_file_ref_with_relative_path(tmp_path: Path) -> None:
    write(
        tmp_path / "shared" / "x.yaml",
        "A:\n  type: integer\n  b:\n    $ref: '#/B'\nB: {type: boolean}\n",
    )
    spec = spec_at(tmp_path / "api" / "main.json", {"use": {"$ref": "../shared/x.yaml#/A"}})
    target = spec.resolve(spec.root["use"])
    assert target.value["type"] == "integer"
    assert target.file == (tmp_path / "shared" / "x.yaml").resolve()
    # A local ref inside the other file is local to that file.
    inner = spec.resolve(target["b"])
    assert inner.value == {"type": "boolean"}
    assert inner.file == (tmp_path / "shared" / "x.yaml").resolve()
    assert inner.key == (inner.file, "/B")
    assert spec.files == sorted([(tmp_path / "api" / "main.json").resolve(), inner.file])


def test_ref_to_whole_file(tmp_path: Path) -> None:
    write(tmp_path / "pet.yaml", "type: object\n")
    spec = spec_at(tmp_path / "api.json", {"use": {"$ref": "pet.yaml"}})
    assert spec.resolve(spec.root["use"]).value == {"type": "object"}


def test_pointer_escapes_and_percent_encoding(tmp_path: Path) -> None:
    spec = spec_at(
        tmp_path / "api.json",
        {
            "paths": {
                "/pets/{id}": {"get": "the get"},
                "a~b": "tilde",
                "a b": "space",
                "50%": "pct",
            },
            "slash": {"$ref": "#/paths/~1pets~1%7Bid%7D/get"},
            "tilde": {"$ref": "#/paths/a~0b"},
            "space": {"$ref": "#/paths/a%20b"},
            "percent": {"$ref": "#/paths/50%25"},
        },
    )
    assert spec.resolve(spec.root["slash"]).value == "the get"
    assert spec.resolve(spec.root["tilde"]).value == "tilde"
    assert spec.resolve(spec.root["space"]).value == "space"
    assert spec.resolve(spec.root["percent"]).value == "pct"


def test_percent_encoded_file_name(tmp_path: Path) -> None:
    write(tmp_path / "my schemas.yaml", "A: {type: string}\n")
    spec = spec_at(tmp_path / "api.json", {"use": {"$ref": "my%20schemas.yaml#/A"}})
    assert spec.resolve(spec.root["use"]).value == {"type": "string"}


def test_ref_chain(tmp_path: Path) -> None:
    write(tmp_path / "other.yaml", "C: {$ref: 'api.json#/defs/D'}\n")
    spec = spec_at(
        tmp_path / "api.json",
        {
            "use": {"$ref": "#/defs/A"},
            "defs": {
                "A": {"$ref": "#/defs/B"},
                "B": {"$ref": "other.yaml#/C"},
                "D": {"type": "number"},
            },
        },
    )
    target = spec.resolve(spec.root["use"])
    assert target.value == {"type": "number"}
    assert target.pointer == "/defs/D"


def test_circular_ref_chain(tmp_path: Path) -> None:
    spec = spec_at(
        tmp_path / "api.json",
        {
            "use": {"$ref": "#/defs/A"},
            "defs": {
                "A": {"$ref": "#/defs/B"},
                "B": {"$ref": "#/defs/C"},
                "C": {"$ref": "#/defs/A"},
            },
        },
    )
    with pytest.raises(SdkgenError, match="circular") as caught:
        spec.resolve(spec.root["use"])
    assert "api.json#/defs/" in str(caught.value)


def test_ref_to_itself(tmp_path: Path) -> None:
    spec = spec_at(tmp_path / "api.json", {"defs": {"A": {"$ref": "#/defs/A"}}})
    with pytest.raises(SdkgenError, match="circular"):
        spec.resolve(spec.root["defs"]["A"])


def test_dangling_internal_ref_names_file_and_pointer(tmp_path: Path) -> None:
    spec = spec_at(tmp_path / "api.json", {"defs": {"A": {"$ref": "#/defs/Missing"}}})
    with pytest.raises(SdkgenError, match="points at nothing") as caught:
        spec.resolve(spec.root["defs"]["A"])
    assert str(caught.value).startswith("api.json#/defs/A: ")
    assert "#/defs/Missing" in str(caught.value)


def test_dangling_pointer_into_other_file(tmp_path: Path) -> None:
    write(tmp_path / "other.yaml", "A: {type: string}\n")
    spec = spec_at(tmp_path / "api.json", {"use": {"$ref": "other.yaml#/Nope"}})
    with pytest.raises(SdkgenError, match="points at nothing") as caught:
        spec.resolve(spec.root["use"])
    assert str(caught.value).startswith("api.json#/use: ")
    assert "other.yaml#/Nope" in str(caught.value)


def test_ref_to_missing_file(tmp_path: Path) -> None:
    spec = spec_at(tmp_path / "api.json", {"use": {"$ref": "../nowhere/x.yaml#/A"}})
    with pytest.raises(SdkgenError, match="does not exist") as caught:
        spec.resolve(spec.root["use"])
    assert str(caught.value).startswith("api.json#/use: ")
    assert "../nowhere/x.yaml" in str(caught.value)


def test_ref_to_bad_file_names_that_file(tmp_path: Path) -> None:
    write(tmp_path / "broken.yaml", "a: [\n")
    spec = spec_at(tmp_path / "api.json", {"use": {"$ref": "broken.yaml#/a"}})
    with pytest.raises(SdkgenError, match="invalid YAML") as caught:
        spec.resolve(spec.root["use"])
    assert "broken.yaml" in str(caught.value)


@pytest.mark.parametrize(
    "address", ["http://example.com/x.yaml#/A", "https://example.com/s.json", "HTTPS://x.org/a#/b"]
)
def test_remote_ref_is_refused(tmp_path: Path, address: str) -> None:
    spec = spec_at(tmp_path / "api.json", {"use": {"$ref": address}})
    with pytest.raises(SdkgenError, match="remote") as caught:
        spec.resolve(spec.root["use"])
    assert str(caught.value).startswith("api.json#/use: ")


def test_fragment_that_is_not_a_pointer(tmp_path: Path) -> None:
    spec = spec_at(tmp_path / "api.json", {"use": {"$ref": "#Anchor"}})
    with pytest.raises(SdkgenError, match="not a JSON pointer"):
        spec.resolve(spec.root["use"])


def test_nodes_know_where_they_are(tmp_path: Path) -> None:
    spec = spec_at(tmp_path / "api.json", {"paths": {"/a/{b}": {"get": {"x~y": [10, 20]}}}})
    node = spec.root["paths"]["/a/{b}"]["get"]["x~y"][1]
    assert node.value == 20
    assert node.pointer == "/paths/~1a~1{b}/get/x~0y/1"
    assert spec.root.get("missing") is None
    assert [key for key, _ in spec.root["paths"].items()] == ["/a/{b}"]
    assert [n.value for n in spec.root["paths"]["/a/{b}"]["get"]["x~y"].elements()] == [10, 20]
    assert isinstance(node, Node)


def test_each_file_is_loaded_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.load as load_module

    write(tmp_path / "other.yaml", "A: {type: string}\nB: {type: integer}\n")
    spec = spec_at(
        tmp_path / "api.json",
        {"a": {"$ref": "other.yaml#/A"}, "b": {"$ref": "other.yaml#/B"}},
    )
    calls: list[Path] = []
    original = load_module.load_document

    def counting(file: Path, *, display: str) -> object:
        calls.append(file)
        return original(file, display=display)

    monkeypatch.setattr(load_module, "load_document", counting)
    spec.resolve(spec.root["a"])
    spec.resolve(spec.root["b"])
    assert calls == [(tmp_path / "other.yaml").resolve()]
