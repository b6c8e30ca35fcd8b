"""Fixtures for the generator's unit tests."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from gen_helpers import build_from

from generator.ir import Api


@pytest.fixture
def build(tmp_path: Path) -> Callable[..., Api]:
    """``build(document, **options)``: write the spec to tmp_path and return its IR."""
    return partial(build_from, folder=tmp_path)
