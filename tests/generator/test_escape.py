"""generator.escape: spec text can never break out of the literal or comment it is put in."""

from __future__ import annotations

import ast
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from generator.escape import (
    FILTERS,
    markdown_code,
    markdown_text,
    python_comment,
    python_docstring,
    python_literal,
    python_string,
    toml_string,
    typescript_comment,
    typescript_doc,
    typescript_literal,
    typescript_property,
    typescript_string,
)

# Text with every awkward character: quotes, backslashes, newlines, controls, lone surrogates.
ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec=None),
        st.sampled_from(['"', "'", "\\", "\n", "\r", "\t", "\x00", "\u2028", "{", "}", "*", "/"]),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    )
)
# What the generator writes into files: no lone surrogates (the loader refuses them).
WRITABLE_TEXT = st.lists(
    st.one_of(
        st.text(st.characters(exclude_categories=("Cs",)), max_size=3),
        st.sampled_from(['"', '"""', "\\", "\n", "\r", "\r\n", "\t", "\x00", "\x0c", "\u2028"]),
    ),
    max_size=12,
).map("".join)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | ANY_TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4)
    ),
    max_leaves=20,
)


def python_eval(source: str) -> Any:
    return ast.literal_eval(source)


# --- Python ---------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_python_string_round_trips(text: str) -> None:
    source = python_string(text)
    assert isinstance(source, Markup)
    assert "\n" not in source and "\r" not in source
    assert python_eval(source) == text


@pytest.mark.parametrize(
    "text",
    ['say "hi"', "back\\slash", "two\nlines", "cr\r\nlf", 'a"""b', "nul\x00", "\ud800", "é 👍"],
)
def test_python_string_examples(text: str) -> None:
    assert python_eval(python_string(text)) == text


def test_python_string_of_a_non_string() -> None:
    assert python_string(12) == '"12"'


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_python_literal_round_trips(value: Any) -> None:
    assert python_eval(python_literal(value)) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (0.1, 0.1),
        (10**30, 10**30),
        ({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}),
        ((), ()),
        (("x",), ("x",)),
        (("x", 1), ("x", 1)),
    ],
)
def test_python_literal_examples(value: Any, expected: Any) -> None:
    assert python_eval(python_literal(value)) == expected


def test_python_literal_non_finite_floats() -> None:
    assert math.isinf(eval(python_literal(float("inf"))))
    assert math.isnan(eval(python_literal(float("nan"))))


def expected_docstring(text: str) -> str:
    """The docstring's value: newlines normalised, controls dropped, ends stripped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        char
        for char in text
        if char in "\t\n" or not (ord(char) < 0x20 or ord(char) == 0x7F or char in "\u2028\u2029")
    )
    return kept.strip()


@settings(max_examples=400, deadline=None)
@given(WRITABLE_TEXT)
def test_python_docstring_cannot_escape(text: str) -> None:
    module = ast.parse('"""' + str(python_docstring(text)) + '"""')
    assert len(module.body) == 1
    statement = module.body[0]
    assert isinstance(statement, ast.Expr)
    assert isinstance(statement.value, ast.Constant)
    assert statement.value.value == expected_docstring(text)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""',
        '"""',
        '""""',
        'ends with a quote"',
        '"""; import os; """',
        "\\",
        "trailing \\",
        "\\N{BULLET}",
    ],
)
def test_python_docstring_examples(text: str) -> None:
    module = ast.parse('"""' + str(python_docstring(text)) + '"""')
    assert len(module.body) == 1
    assert module.body[0].value.value == text  # type: ignore[attr-defined]


def test_python_docstring_inside_a_function() -> None:
    text = 'Ends the string """\nimport os\nos.system("x")\n"""'
    source = f'def f():\n    """{python_docstring(text)}"""\n    return 1\n'
    tree = ast.parse(source)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    assert len(function.body) == 2
    assert ast.get_docstring(function, clean=False) == text


@settings(max_examples=200, deadline=None)
@given(WRITABLE_TEXT)
def test_python_comment_is_one_line(text: str) -> None:
    comment = python_comment(text)
    assert "\n" not in comment and "\r" not in comment
    module = ast.parse(f"x = 1  # {comment}\n")
    assert len(module.body) == 1


# --- TypeScript -------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(WRITABLE_TEXT)
def test_typescript_doc_never_closes_the_comment(text: str) -> None:
    doc = typescript_doc(text)
    assert "*/" not in doc
    assert "*/" not in ("/** " + str(doc) + " */")[:-2]


@pytest.mark.parametrize("text", ["*/", "**/", "a */ b", "*/*/", "*", "/"])
def test_typescript_doc_examples(text: str) -> None:
    assert "*/" not in typescript_doc(text)
    assert "*/" not in typescript_comment(text)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_typescript_string_is_a_json_string(text: str) -> None:
    source = typescript_string(text)
    assert source.startswith('"') and source.endswith('"')
    assert source.isascii()
    assert "\u2028" not in source and "\n" not in source
    assert json.loads(source) == text


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_typescript_literal_is_json(value: Any) -> None:
    source = typescript_literal(value)
    assert source.isascii()
    assert json.loads(source) == value


@pytest.mark.parametrize(
    ("name", "expected"),
    [("ok", "ok"), ("$id", "$id"), ("_x1", "_x1"), ("x-y", '"x-y"'), ("1st", '"1st"'), ("", '""')],
)
def test_typescript_property(name: str, expected: str) -> None:
    assert typescript_property(name) == expected


# --- documents ---------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(WRITABLE_TEXT)
def test_markdown_text_has_no_raw_html(text: str) -> None:
    value = markdown_text(text)
    assert "<" not in value
    assert ">" not in value
    assert "```" not in value


def test_markdown_text_escapes_entities() -> None:
    assert markdown_text("a < b & <script>") == "a &lt; b &amp; &lt;script&gt;"


def test_markdown_code_cannot_close_a_fence() -> None:
    assert "```" not in markdown_code("x\n```\nrm -rf /\n```")


@settings(max_examples=200, deadline=None)
@given(WRITABLE_TEXT)
def test_toml_string_is_one_valid_basic_string(text: str) -> None:
    import tomllib

    value = toml_string(text)
    parsed = tomllib.loads(f"key = {value}\n")["key"]
    assert parsed == " ".join(expected_docstring(text).split())


def test_every_filter_returns_markup() -> None:
    for name, apply in FILTERS.items():
        assert isinstance(apply("x"), Markup), name
