"""The only way spec text reaches generated code: escaping filters per target language.

Each filter returns :class:`markupsafe.Markup`, the mark of text that is safe to print. The
render step refuses to print any other string that is not a plain identifier, so a template that
forgets to escape fails loudly instead of letting a hostile spec inject code.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")


def _clean(text: Any) -> str:
    """Normalise newlines and drop control characters (they have no place in source)."""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def is_invisible(char: str) -> bool:
    """A character that does not show as itself: bidi overrides (which can make source read
    otherwise than it runs, "Trojan Source"), zero-width joiners and other format characters."""
    return not char.isprintable() and char not in "\n\t"


def plain_text(text: Any) -> str:
    """Spec prose for places that cannot hold an escape (comments, and docstrings that other
    tools write): newlines normalised, control and invisible characters dropped."""
    return "".join(char for char in _clean(text) if not is_invisible(char))


def safe(text: str) -> Markup:
    """Mark text produced by sdkgen itself (not from the spec) as safe to print."""
    return Markup(text)


# --- Python -------------------------------------------------------------------------------------


def python_docstring(text: Any) -> Markup:
    """Text for inside a triple-quoted docstring: backslashes and quotes cannot end or bend it."""
    value = _clean(text).strip().replace("\\", "\\\\")
    # Invisible characters as escapes: the docstring holds them, the source shows them.
    value = "".join(repr(char)[1:-1] if is_invisible(char) else char for char in value)
    if value.endswith('"'):  # before the next step, which may leave an escaped quote at the end
        value = value[:-1] + '\\"'
    return Markup(value.replace('"""', '\\"\\"\\"'))


def python_comment(text: Any) -> Markup:
    """One line of text for after a ``#``."""
    return Markup(" ".join(plain_text(text).split()))


def python_string(text: Any) -> Markup:
    """A Python string literal holding exactly ``text`` (it escapes what it cannot print)."""
    return Markup(_python_str(str(text)))


def python_literal(value: Any) -> Markup:
    """Any JSON value as a Python expression (dicts, lists, strings, numbers, bools, None)."""
    return Markup(_python_value(value))


def _python_value(value: Any) -> str:
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, str):
        return _python_str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f'float("{value}")'
    if isinstance(value, tuple):
        return "(" + "".join(f"{_python_value(item)}, " for item in value).rstrip(" ") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_python_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{_python_str(str(k))}: {_python_value(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return _python_str(str(value))


def _python_str(value: str) -> str:
    """A double-quoted literal; anything not printable is written as an escape, as repr() would."""
    out = []
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(repr(char)[1:-1])
    return '"' + "".join(out) + '"'


# --- TypeScript / JavaScript ----------------------------------------------------------------------


def typescript_doc(text: Any) -> Markup:
    """Text for inside a ``/** ... */`` comment: it cannot close the comment."""
    value = plain_text(text).strip().replace("*/", "*\\/")
    return Markup(value)


def typescript_comment(text: Any) -> Markup:
    return Markup(" ".join(plain_text(text).split()).replace("*/", "*\\/"))


def typescript_string(text: Any) -> Markup:
    """A JavaScript string literal (JSON's escaping is a subset of JavaScript's)."""
    return Markup(json.dumps(str(text), ensure_ascii=True))


def typescript_literal(value: Any) -> Markup:
    return Markup(json.dumps(value, ensure_ascii=True))


def typescript_property(name: str) -> Markup:
    """An object key: bare when it is an identifier, quoted otherwise."""
    if re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", name):
        return Markup(name)
    return typescript_string(name)


# --- documents ------------------------------------------------------------------------------------


def markdown_text(text: Any) -> Markup:
    """Prose for a Markdown file: no raw HTML, no breaking out of code fences."""
    value = _clean(text).strip()
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = "".join(f"&#x{ord(char):X};" if is_invisible(char) else char for char in value)
    return Markup(_break_fences(value))


def markdown_code(text: Any) -> Markup:
    """Text inside a fenced code block."""
    return Markup(_break_fences(plain_text(text)))


def _break_fences(value: str) -> str:
    """No run of three backticks; repeated, as four backticks hold two overlapping runs."""
    while "```" in value:
        value = value.replace("```", "`\u200b``")
    return value


def toml_string(text: Any) -> Markup:
    """A TOML basic string (TOML accepts JSON's escapes, but not its surrogate pairs)."""
    value = json.dumps(" ".join(_clean(text).split()), ensure_ascii=False)
    return Markup("".join(char if char.isascii() else _toml_escape(char) for char in value))


def _toml_escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


FILTERS: dict[str, Callable[[Any], Markup]] = {
    "py_doc": python_docstring,
    "py_comment": python_comment,
    "py_str": python_string,
    "py_literal": python_literal,
    "ts_doc": typescript_doc,
    "ts_comment": typescript_comment,
    "ts_str": typescript_string,
    "ts_literal": typescript_literal,
    "ts_prop": typescript_property,
    "md": markdown_text,
    "md_code": markdown_code,
    "toml_str": toml_string,
}
