"""Project-wide pytest set-up: one ``sdkgen mock --strict`` for the whole session.

The generated SDKs' own golden tests (``generated/*/tests``) read its address from
``SDKGEN_MOCK_URL``; starting it here, before collection, means they always run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.mock import MockApi, MockServer

ROOT = Path(__file__).parent
PLANNR_SPEC = ROOT / "specs" / "plannr-time-entry.yaml"


def pytest_configure(config: pytest.Config) -> None:
    if "SDKGEN_MOCK_URL" in os.environ:
        return
    server = MockServer(MockApi.load(PLANNR_SPEC, strict=True), quiet=True)
    server.start_in_thread()
    os.environ["SDKGEN_MOCK_URL"] = server.url
    config._sdkgen_mock = server  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    server = getattr(config, "_sdkgen_mock", None)
    if server is not None:
        server.shutdown()
        server.server_close()
