"""Errors and warnings that reach the user: one line each, with a location."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TextIO


def format_location(file: str | None, pointer: str | None) -> str:
    """``file#/json/pointer`` (either part may be missing)."""
    if file and pointer is not None:
        return f"{file}#{pointer}"
    return file or (f"#{pointer}" if pointer is not None else "")


class SdkgenError(Exception):
    """A problem the user can fix: printed as one line, exit code 2, no traceback."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        pointer: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.pointer = pointer
        self.hint = hint

    def __str__(self) -> str:
        location = format_location(self.file, self.pointer)
        text = f"{location}: {self.message}" if location else self.message
        return f"{text} ({self.hint})" if self.hint else text


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A warning: something generation worked around."""

    file: str
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{format_location(self.file, self.pointer)}: warning: {self.message}"


@dataclass
class Diagnostics:
    """Warnings collected during one run; each distinct warning is kept once."""

    items: set[Diagnostic] = field(default_factory=set)

    def warn(self, message: str, *, file: str, pointer: str) -> None:
        self.items.add(Diagnostic(file, pointer, message))

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items)

    def print(self, stream: TextIO = sys.stderr) -> None:
        for item in self.sorted():
            print(item, file=stream)

    def raise_if_strict(self, strict: bool) -> None:
        if strict and self.items:
            first = self.sorted()[0]
            raise SdkgenError(
                f"{len(self.items)} warning(s) and --strict is set; first: {first.message}",
                file=first.file,
                pointer=first.pointer,
                hint="fix the spec or drop --strict",
            )
