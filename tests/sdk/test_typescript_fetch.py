"""The generated TypeScript SDK (generated/typescript-fetch), checked with the pinned tooling.

1. It type-checks under strict TypeScript (the repository's `node_modules`, from `npm ci`).
2. Its own generated golden tests pass under `node --test` against `sdkgen mock --strict`
   (started by the root conftest.py), one passing test per documented example.
3. A few runtime behaviours hold against a scripted server on 127.0.0.1
   (tests/support/http_server.py): retries, timeouts, path encoding, redirects, secrets,
   pagination. Each runs one call through tests/sdk/typescript_fetch_behaviour.mjs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.errors import Diagnostics
from generator.ir import build_api
from generator.load import Spec
from generator.variants import load_variant
from tests.support.http_server import ScriptedServer, free_port

ROOT = Path(__file__).resolve().parents[2]
SDK_DIR = ROOT / "generated" / "typescript-fetch"
SPEC_PATH = ROOT / "specs" / "plannr-time-entry.yaml"
BEHAVIOUR_SCRIPT = Path(__file__).with_name("typescript_fetch_behaviour.mjs")
TSC = ROOT / "node_modules" / "typescript" / "bin" / "tsc"
TOKEN = "sk-plannr-SECRET-token-0123456789"
ENTRY = {"uuid": "46adfff3-e7e7-4a05-b443-04bb93e1b558", "name": "Research"}

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def tsc() -> list[str]:
    if not TSC.is_file():
        pytest.fail("TypeScript is not installed: run `npm ci` at the repository root")
    return ["npx", "--no-install", "tsc"]


@pytest.fixture(scope="module")
def compiled(tsc: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package and its tests, compiled to a temporary folder of ES modules."""
    out = tmp_path_factory.mktemp("typescript-fetch")
    result = run([*tsc, "-p", str(SDK_DIR / "tsconfig.test.json"), "--outDir", str(out)])
    assert result.returncode == 0, result.stdout + result.stderr
    (out / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    return out


def test_type_checks_under_strict_typescript(tsc: list[str]) -> None:
    config = json.loads((SDK_DIR / "tsconfig.json").read_text(encoding="utf-8"))
    assert config["compilerOptions"]["strict"] is True
    result = run([*tsc, "-p", str(SDK_DIR / "tsconfig.json"), "--noEmit"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_has_no_runtime_dependencies_and_pins_the_repository_tooling() -> None:
    package = json.loads((SDK_DIR / "package.json").read_text(encoding="utf-8"))
    tooling = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert package["name"] == "plannr"
    assert package["type"] == "module"
    assert "dependencies" not in package and "peerDependencies" not in package
    assert package["devDependencies"] == tooling["devDependencies"]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in tooling["devDependencies"].values())


def test_golden_tests_pass_against_the_strict_mock(compiled: Path) -> None:
    url = os.environ.get("SDKGEN_MOCK_URL")
    assert url, "the root conftest.py starts `sdkgen mock --strict` and sets SDKGEN_MOCK_URL"
    files = sorted(str(path) for path in (compiled / "tests").glob("*.test.js"))
    assert files
    result = run(
        ["node", "--test", "--test-reporter=tap", *files],
        env={**os.environ, "SDKGEN_MOCK_URL": url},
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    counts = {key: int(n) for key, n in re.findall(r"^# (\w+) (\d+)$", result.stdout, re.M)}
    assert counts["fail"] == counts["skipped"] == counts["cancelled"] == 0
    assert counts["pass"] == scenario_count() > 0


def scenario_count() -> int:
    """How many documented examples the IR has for this variant: one golden test each."""
    variant = load_variant("typescript-fetch")
    api = build_api(
        Spec(SPEC_PATH, display_base=ROOT),
        naming=variant.naming,
        package="plannr",
        diagnostics=Diagnostics(),
        client_name=None,
    )
    return len(api.scenarios)


# Runtime behaviour against a scripted server


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


def behave(compiled: Path, call: str, **scenario: Any) -> dict[str, Any]:
    """Run one call through the behaviour script; its JSON report."""
    scenario = {"call": call, **scenario}
    scenario["client"] = {"accessToken": TOKEN, **scenario.get("client", {})}
    result = run(["node", str(BEHAVIOUR_SCRIPT), str(compiled), json.dumps(scenario)])
    assert result.returncode == 0, result.stdout + result.stderr
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert TOKEN not in report["clientText"]
    if not report["ok"]:
        assert TOKEN not in report["errorText"]
    return report


def test_retries_a_503_then_a_429_with_retry_after_then_succeeds(
    compiled: Path, server: ScriptedServer
) -> None:
    server.reply(503, {"message": "Service Unavailable"})
    server.reply(429, {"message": "Too Many Attempts."}, headers={"Retry-After": "0"})
    server.reply(200, ENTRY)
    client = {"baseUrl": server.url, "maxRetries": 2, "accountUuid": "acc-1"}
    report = behave(compiled, "retrieve", uuid="e-1", client=client)
    assert report["ok"], report
    assert report["value"] == ENTRY
    assert len(server.requests) == 3
    for request in server.requests:
        assert request.path == "/api/v1/time-entry/e-1"
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["x-plannr-account-uuid"] == "acc-1"
        assert request.headers["accept"] == "application/json"


def test_max_retries_zero_sends_one_request(compiled: Path, server: ScriptedServer) -> None:
    server.reply(503, {"message": "Service Unavailable"})
    server.reply(200, ENTRY)
    report = behave(
        compiled, "retrieve", uuid="e-1", client={"baseUrl": server.url, "maxRetries": 0}
    )
    assert not report["ok"] and report["isAPIError"]
    assert report["name"] == "InternalServerError"
    assert report["status"] == 503
    assert report["message"] == "503 Service Unavailable: Service Unavailable"
    assert len(server.requests) == 1


def test_a_slow_answer_times_out(compiled: Path, server: ScriptedServer) -> None:
    server.reply(200, ENTRY, delay=3.0)
    client = {"baseUrl": server.url, "maxRetries": 0, "timeoutMs": 200}
    report = behave(compiled, "retrieve", uuid="e-1", client=client)
    assert not report["ok"]
    assert report["name"] == "APITimeoutError"
    assert report["message"] == "Request timed out."
    assert report["ms"] < 2500


def test_path_parameters_are_encoded_as_one_segment(compiled: Path, server: ScriptedServer) -> None:
    server.reply(200, ENTRY)
    report = behave(compiled, "retrieve", uuid="a/b?c#d %..", client={"baseUrl": server.url})
    assert report["ok"], report
    assert [r.path for r in server.requests] == ["/api/v1/time-entry/a%2Fb%3Fc%23d%20%25.."]


def test_redirects_are_not_followed(compiled: Path, server: ScriptedServer) -> None:
    server.reply(302, None, headers={"Location": f"{server.url}/elsewhere"})
    server.reply(200, ENTRY)
    report = behave(compiled, "retrieve", uuid="e-1", client={"baseUrl": server.url})
    assert not report["ok"]
    assert report["name"] == "APIStatusError"
    assert report["status"] == 302
    assert [r.path for r in server.requests] == ["/api/v1/time-entry/e-1"]


def test_the_token_is_in_no_error_message(compiled: Path, server: ScriptedServer) -> None:
    # `behave` checks every report for the token; these are the errors worth checking.
    server.reply(401, {"message": "Unauthenticated."})
    report = behave(
        compiled, "retrieve", uuid="e-1", client={"baseUrl": server.url, "maxRetries": 0}
    )
    assert report["name"] == "AuthenticationError"
    assert report["message"] == "401 Unauthorized: Unauthenticated."
    closed = {"baseUrl": f"http://127.0.0.1:{free_port()}", "maxRetries": 0}
    report = behave(compiled, "retrieve", uuid="e-1", client=closed)
    assert report["name"] == "APIConnectionError"


def test_pages_are_followed_for_every_item(compiled: Path, server: ScriptedServer) -> None:
    path = "/api/v1/time-entry/client/t-1"
    server.reply(
        200,
        {"data": [{"uuid": "a"}, {"uuid": "b"}], "links": {"next": f"{server.url}{path}?page=2"}},
    )
    server.reply(200, {"data": [{"uuid": "c"}], "links": {"next": None}})
    report = behave(compiled, "allItems", params={"per_page": 2}, client={"baseUrl": server.url})
    assert report["value"] == ["a", "b", "c"]
    assert [r.query for r in server.requests] == [
        [("per_page", "2")],
        [("per_page", "2"), ("page", "2")],
    ]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in server.requests)


def test_next_links_to_another_host_are_refused(compiled: Path, server: ScriptedServer) -> None:
    server.reply(200, {"data": [], "links": {"next": "https://attacker.example/steal?page=2"}})
    report = behave(compiled, "nextPage", client={"baseUrl": server.url})
    assert not report["ok"] and report["isAPIError"]
    assert "another host" in report["message"]
    assert len(server.requests) == 1
