"""generator.naming: words, cases, keywords, uniqueness; every output is a valid identifier."""

from __future__ import annotations

import keyword
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.naming import (
    PYTHON,
    TYPESCRIPT,
    camel_case,
    constant_case,
    is_identifier,
    pascal_case,
    snake_case,
    unique,
    words,
)

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("x-y", ["x", "y"]),
        ("1st", ["1st"]),
        ("$id", ["id"]),
        ("Parameter1.Name", ["parameter1", "name"]),
        ("files[0]", ["files", "0"]),
        (".", []),
        ("-1", ["1"]),
        ("getHTTPResponse2", ["get", "http", "response2"]),
        ("api.v2010.account", ["api", "v2010", "account"]),
        ("File--Full", ["file", "full"]),
        ("self-harm/intent", ["self", "harm", "intent"]),
        ("", []),
        ("café", ["cafe"]),
        ("HTTPServer", ["http", "server"]),
        ("userID", ["user", "id"]),
        ("already_snake_case", ["already", "snake", "case"]),
        ("  spaced   out  ", ["spaced", "out"]),
    ],
)
def test_words(raw: str, expected: list[str]) -> None:
    assert words(raw) == expected


@pytest.mark.parametrize(
    ("raw", "snake", "pascal", "camel", "constant"),
    [
        ("x-y", "x_y", "XY", "xY", "X_Y"),
        (
            "Parameter1.Name",
            "parameter1_name",
            "Parameter1Name",
            "parameter1Name",
            "PARAMETER1_NAME",
        ),
        ("files[0]", "files_0", "Files0", "files0", "FILES_0"),
        (
            "getHTTPResponse2",
            "get_http_response2",
            "GetHttpResponse2",
            "getHttpResponse2",
            "GET_HTTP_RESPONSE2",
        ),
        (
            "api.v2010.account",
            "api_v2010_account",
            "ApiV2010Account",
            "apiV2010Account",
            "API_V2010_ACCOUNT",
        ),
        ("File--Full", "file_full", "FileFull", "fileFull", "FILE_FULL"),
        (
            "self-harm/intent",
            "self_harm_intent",
            "SelfHarmIntent",
            "selfHarmIntent",
            "SELF_HARM_INTENT",
        ),
        ("café", "cafe", "Cafe", "cafe", "CAFE"),
        ("time_entries", "time_entries", "TimeEntries", "timeEntries", "TIME_ENTRIES"),
    ],
)
def test_cases(raw: str, snake: str, pascal: str, camel: str, constant: str) -> None:
    assert snake_case(raw) == snake
    assert pascal_case(raw) == pascal
    assert camel_case(raw) == camel
    assert constant_case(raw) == constant


@pytest.mark.parametrize(
    ("raw", "case", "expected"),
    [
        ("1st", "snake", "value_1st"),
        ("1st", "pascal", "Value1st"),
        ("$id", "snake", "id"),
        (".", "snake", "full_stop"),
        (".", "constant", "FULL_STOP"),
        ("-1", "constant", "NEGATIVE_1"),
        ("-1.5", "snake", "negative_1_5"),
        ("", "snake", "value"),
        ("", "pascal", "Value"),
        ("42", "constant", "VALUE_42"),
        ("café", "pascal", "Cafe"),
    ],
)
def test_python_identifier_edge_cases(raw: str, case: str, expected: str) -> None:
    assert PYTHON.identifier(raw, case) == expected


def test_fallback_word_is_used_for_names_without_letters() -> None:
    assert PYTHON.identifier("", "snake", fallback="field") == "field"
    assert PYTHON.identifier("2", "snake", fallback="param") == "param_2"


@pytest.mark.parametrize(
    ("language", "raw", "case", "expected"),
    [
        (PYTHON, "class", "snake", "class_"),
        (PYTHON, "None", "pascal", "None_"),
        (PYTHON, "true", "pascal", "True_"),
        (PYTHON, "import", "camel", "import_"),
        (PYTHON, "match", "snake", "match_"),  # soft keyword
        (PYTHON, "delete", "snake", "delete"),  # not a Python keyword
        (PYTHON, "class", "pascal", "Class"),  # not a keyword once capitalised
        (TYPESCRIPT, "delete", "camel", "delete_"),
        (TYPESCRIPT, "default", "camel", "default_"),
        (TYPESCRIPT, "class", "snake", "class_"),
        (TYPESCRIPT, "None", "camel", "none"),  # not a TypeScript keyword
        (TYPESCRIPT, "interface", "camel", "interface_"),
    ],
)
def test_keywords_get_a_trailing_underscore(language, raw: str, case: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert language.identifier(raw, case) == expected


def test_unique_keeps_order_and_suffixes() -> None:
    assert unique(["a", "b", "a", "c", "a"]) == ["a", "b", "a_2", "c", "a_3"]


def test_unique_ignores_case() -> None:
    assert unique(["Client", "client", "CLIENT"]) == ["Client", "client_2", "CLIENT_3"]


def test_unique_respects_taken() -> None:
    assert unique(["self", "timeout", "other"], taken=["SELF", "timeout"]) == [
        "self_2",
        "timeout_2",
        "other",
    ]


def test_unique_skips_suffixes_already_in_use() -> None:
    # "a_2" is listed later but a second "a" must not take it twice.
    result = unique(["a", "a_2", "a"])
    assert result == ["a", "a_2", "a_3"]
    assert len({name.lower() for name in result}) == 3


def test_unique_custom_separator() -> None:
    assert unique(["Pet", "Pet"], taken=["pet"], separator="") == ["Pet2", "Pet3"]


def test_is_identifier() -> None:
    assert is_identifier("abc_1", PYTHON)
    assert not is_identifier("1abc", PYTHON)
    assert not is_identifier("class", PYTHON)
    assert not is_identifier("a-b", PYTHON)
    assert is_identifier("class", TYPESCRIPT) is False
    assert is_identifier("None", TYPESCRIPT)


CASES = st.sampled_from(["snake", "pascal", "camel", "constant"])


@settings(max_examples=400, deadline=None)
@given(text=st.text(), case=CASES)
def test_python_identifier_is_always_valid(text: str, case: str) -> None:
    name = PYTHON.identifier(text, case)
    assert IDENTIFIER.fullmatch(name), name
    assert not keyword.iskeyword(name)
    assert not keyword.issoftkeyword(name)
    assert name.isidentifier()


@settings(max_examples=400, deadline=None)
@given(text=st.text(), case=CASES)
def test_typescript_identifier_is_always_valid(text: str, case: str) -> None:
    name = TYPESCRIPT.identifier(text, case)
    assert IDENTIFIER.fullmatch(name), name
    assert name not in {"delete", "class", "function", "new", "this", "typeof", "void", "null"}
    assert is_identifier(name, TYPESCRIPT)


@settings(max_examples=200, deadline=None)
@given(
    names=st.lists(st.text(alphabet="aAbB_2", max_size=4), max_size=12),
    taken=st.lists(st.text("aAb", max_size=2)),
)
def test_unique_is_unique_and_stable(names: list[str], taken: list[str]) -> None:
    result = unique(names, taken=taken)
    assert len(result) == len(names)
    lowered = [name.lower() for name in result]
    assert len(set(lowered)) == len(lowered)
    assert not set(lowered) & {name.lower() for name in taken}
    # The first holder of a free name keeps it.
    for original, made in zip(names, result, strict=True):
        assert made == original or made.startswith(original + "_")
    assert unique(names, taken=taken) == result
