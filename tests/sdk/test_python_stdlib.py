"""End-to-end tests of the generated `plannr_lite` SDK (generated/python-stdlib).

Every test talks real HTTP to a scripted server on 127.0.0.1 (tests/support/http_server.py),
which records exactly what the SDK sent. Nothing in urllib is mocked; only the sleep between
retries is replaced, so that delays are recorded instead of waited for. The last test runs the
package in an interpreter that can import nothing but the standard library.

The documented examples are read from their sources, never retyped: the seed page
(tests/specs/sources/seeds/000_430ad0550f5ef90d.txt), put-request.json and the spec.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import plannr_lite
import pytest
import yaml
from plannr_lite import Plannr, models
from plannr_lite._base_client import parse_retry_after

from tests.support.http_server import ScriptedServer, free_port

ROOT = Path(__file__).resolve().parents[2]
SDK_DIR = ROOT / "generated" / "python-stdlib"
PACKAGE_DIR = SDK_DIR / "plannr_lite"
SPEC_PATH = ROOT / "specs" / "plannr-time-entry.yaml"
SOURCES = ROOT / "tests" / "specs" / "sources"
SEED_PATH = SOURCES / "seeds" / "000_430ad0550f5ef90d.txt"
PUT_REQUEST_PATH = SOURCES / "plannr-api" / "examples" / "put-request.json"

TOKEN = "sk-plannr-SECRET-token-0123456789"
SEED_UUID = "6ff8f7f6-1eb3-3525-be4a-3932c805afed"
ACCOUNT_UUID = "6b6cbf06-e4b0-478b-a944-6517cdba93a2"
TRACKABLE_UUID = "87deeb15-002f-4b9f-a053-468060c906fa"


def _json_after(text: str, marker: str) -> Any:
    """The first JSON value after `marker` in `text`."""
    rest = text[text.index(marker) + len(marker) :].lstrip()
    value, _ = json.JSONDecoder().raw_decode(rest)
    return value


def _curl_data(text: str) -> str:
    """The `--data '...'` argument of the seed page's curl sample."""
    start = text.index("--data '") + len("--data '")
    return text[start : text.index("'", start)]


SEED_TEXT = SEED_PATH.read_text(encoding="utf-8")
SEED_RESPONSE: dict[str, Any] = _json_after(SEED_TEXT, "Response examples (200)")
SEED_CURL_DATA = _curl_data(SEED_TEXT)
PUT_REQUEST: dict[str, Any] = json.loads(PUT_REQUEST_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    try:
        yield scripted
    finally:
        scripted.close()


@pytest.fixture
def other_host() -> Iterator[ScriptedServer]:
    """A second server: another origin (another port) that must never see the token."""
    scripted = ScriptedServer()
    try:
        yield scripted
    finally:
        scripted.close()


@pytest.fixture(autouse=True)
def no_env_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLANNR_ACCESS_TOKEN", raising=False)


def make_client(server: ScriptedServer, **options: Any) -> Plannr:
    options.setdefault("max_retries", 0)
    client = Plannr(TOKEN, base_url=server.url, **options)
    return client


# The documented request and response


def test_update_sends_the_documented_request_and_returns_the_documented_response(
    server: ScriptedServer,
) -> None:
    assert _json_after(SEED_TEXT, "Request examples") == PUT_REQUEST
    server.reply(200, SEED_RESPONSE)
    with make_client(server, account_uuid=ACCOUNT_UUID) as client:
        entry = client.time_entries.update(SEED_UUID, **PUT_REQUEST)

    [sent] = server.requests
    assert sent.method == "PUT"
    assert sent.path == f"/api/v1/time-entry/{SEED_UUID}"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["x-plannr-account-uuid"] == ACCOUNT_UUID
    # Byte for byte the body of the seed page's curl sample: same keys, order and values.
    assert sent.body == SEED_CURL_DATA.encode()
    assert list(sent.json()) == list(PUT_REQUEST)

    assert isinstance(entry, models.TimeEntry)
    assert entry.to_dict() == SEED_RESPONSE
    assert entry.uuid == SEED_RESPONSE["uuid"]
    assert entry.trackable_type == models.TrackableType.CLIENT_2
    assert isinstance(entry.account, models.Account)
    assert entry.account.external_references == "App\\Http\\Resources\\ExternalReferenceResource"
    assert entry.extra == {}


@pytest.mark.parametrize(
    ("call", "method", "path"),
    [
        (lambda c: c.time_entries.retrieve(SEED_UUID), "GET", f"/api/v1/time-entry/{SEED_UUID}"),
        (lambda c: c.time_entries.delete(SEED_UUID), "DELETE", f"/api/v1/time-entry/{SEED_UUID}"),
        (lambda c: c.time_entries.stop(SEED_UUID), "POST", f"/api/v1/time-entry/{SEED_UUID}/stop"),
        (
            lambda c: c.time_entries.create(
                trackable_type=models.TrackableType.CLIENT,
                trackable_uuid=TRACKABLE_UUID,
                name="Research",
            ),
            "POST",
            "/api/v1/time-entry",
        ),
    ],
    ids=["retrieve", "delete", "stop", "create"],
)
def test_each_operation_sends_its_method_and_path(
    server: ScriptedServer, call: Any, method: str, path: str
) -> None:
    server.reply(200, SEED_RESPONSE)
    with make_client(server) as client:
        entry = call(client)
    [sent] = server.requests
    assert (sent.method, sent.path) == (method, path)
    assert entry.to_dict() == SEED_RESPONSE
    if method == "GET" or path.endswith("/stop"):
        assert sent.body == b""
        assert "content-type" not in sent.headers


def test_optional_arguments_left_out_are_not_sent_and_values_are_sent_as_given(
    server: ScriptedServer,
) -> None:
    server.reply(200, SEED_RESPONSE)
    server.reply(200, SEED_RESPONSE)
    with make_client(server) as client:
        client.time_entries.create(
            trackable_type="client", trackable_uuid=TRACKABLE_UUID, name="Research"
        )
        client.time_entries.update(
            SEED_UUID,
            trackable_type=models.TrackableType.CLIENT_2,
            trackable_uuid=TRACKABLE_UUID,
            start_date=datetime(2025, 10, 24, 9, 49, 18, tzinfo=timezone(timedelta(hours=1))),
            end_date=date(2025, 10, 24),
        )
    first, second = server.requests
    assert first.json() == {
        "trackable_type": "client",
        "trackable_uuid": TRACKABLE_UUID,
        "name": "Research",
    }
    assert second.json() == {
        "trackable_type": "Client",
        "trackable_uuid": TRACKABLE_UUID,
        "start_date": "2025-10-24T09:49:18+01:00",
        "end_date": "2025-10-24",
    }


# Models: exact round trips


def test_unknown_members_enum_values_and_date_text_are_kept(server: ScriptedServer) -> None:
    body = json.loads(json.dumps(SEED_RESPONSE))
    body["trackable_type"] = "Contact"  # not a TrackableType
    body["created_at"] = "2025-10-24T10:34:18+00:00"
    body["start_date"] = "2025-10-24T09:44:18Z"
    body["end_date"] = None
    body["description"] = None
    body["labels"] = ["billable", {"x": 1}]  # not in the spec
    body["account"]["preferred_account_uuid"] = ACCOUNT_UUID
    body["account"]["external_references"] = [
        {
            "uuid": "1b0c3a4e-2f36-4d5e-9c7b-8a9f0e1d2c3b",
            "reference": "AB123456",
            "created_at": "2025-10-24T10:34:18.123456+01:00",
            "third_party": "nucleus",
            "status": {"synced": True},
        }
    ]
    server.reply(200, body)
    with make_client(server) as client:
        entry = client.time_entries.retrieve(SEED_UUID)

    assert entry.to_dict() == body
    assert json.dumps(entry.to_dict(), sort_keys=True) == json.dumps(body, sort_keys=True)
    assert entry.extra == {"labels": ["billable", {"x": 1}]}
    assert isinstance(entry.trackable_type, models.TrackableType)
    assert entry.trackable_type.value == "Contact"
    assert entry.trackable_type not in list(models.TrackableType)
    assert entry.created_at == "2025-10-24T10:34:18+00:00"
    assert entry.end_date is None
    assert isinstance(entry.account, models.Account)
    assert entry.account.extra == {"preferred_account_uuid": ACCOUNT_UUID}
    assert isinstance(entry.account.external_references, list)
    [reference] = entry.account.external_references
    assert isinstance(reference, models.ExternalReference)
    assert reference.extra == {"status": {"synced": True}}
    assert isinstance(reference.updated_at, plannr_lite.Unset)

    created = plannr_lite.parse_datetime(entry.created_at)
    assert created == datetime(2025, 10, 24, 10, 34, 18, tzinfo=UTC)
    assert isinstance(entry.start_date, str)
    assert plannr_lite.parse_datetime(entry.start_date).utcoffset() == timedelta(0)
    assert plannr_lite.parse_datetime("2025-10-24T10:34:18.1+0100").microsecond == 100000
    assert plannr_lite.parse_date("2026-03-15") == date(2026, 3, 15)
    assert plannr_lite.parse_date("2025-10-24T10:34:18+01:00") == date(2025, 10, 24)


def test_every_documented_response_example_round_trips() -> None:
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    seen = 0
    for path_item in spec["paths"].values():
        for operation in path_item.values():
            media = operation["responses"]["200"]["content"]["application/json"]
            page = "TimeEntryPage" in media["schema"]["$ref"]
            for example in media["examples"].values():
                model = models.TimeEntryPage if page else models.TimeEntry
                assert model.from_dict(example["value"]).to_dict() == example["value"]
                seen += 1
    assert seen >= 7
    errors: dict[str, type[models.Error | models.ValidationError]] = {
        "Error": models.Error,
        "ValidationError": models.ValidationError,
    }
    for response in spec["components"]["responses"].values():
        media = response["content"]["application/json"]
        error_model = errors[media["schema"]["$ref"].rsplit("/", 1)[1]]
        for example in media["examples"].values():
            assert error_model.from_dict(example["value"]).to_dict() == example["value"]


def test_models_decode_strictly_and_report_where() -> None:
    with pytest.raises(plannr_lite.DecodeError) as caught:
        models.TimeEntry.from_dict({"uuid": SEED_UUID, "account": {"external_references": 3}})
    assert "/account/external_references" in str(caught.value)
    with pytest.raises(plannr_lite.DecodeError, match="/uuid"):
        models.TimeEntry.from_dict({"name": "no uuid"})
    # Closed request models refuse what the schema does not allow.
    with pytest.raises(plannr_lite.DecodeError, match="unexpected members"):
        models.TimeEntryUpdate.from_dict({**PUT_REQUEST, "surprise": 1})
    update = models.TimeEntryUpdate.from_dict(PUT_REQUEST)
    assert update.to_dict() == PUT_REQUEST
    # Nested maps and lists: the validation-error body.
    body = {"message": "Invalid.", "errors": {"name": ["Required.", "Too short."]}}
    assert models.ValidationError.from_dict(body).to_dict() == body
    # Models built by hand: unset fields are left out, None is sent as null.
    entry = models.TimeEntry(uuid=SEED_UUID, description=None, extra={"x": 1})
    assert entry.to_dict() == {"uuid": SEED_UUID, "description": None, "x": 1}


def test_a_response_that_does_not_fit_is_a_validation_error(server: ScriptedServer) -> None:
    server.reply(200, {"name": "no uuid"})
    server.reply(200, b"<html>not json</html>", headers={"Content-Type": "text/html"})
    with make_client(server) as client:
        with pytest.raises(plannr_lite.APIResponseValidationError) as caught:
            client.time_entries.retrieve(SEED_UUID)
        assert caught.value.body == {"name": "no uuid"}
        with pytest.raises(plannr_lite.APIResponseValidationError, match="not valid JSON"):
            client.time_entries.retrieve(SEED_UUID)


# Errors


@pytest.mark.parametrize(
    ("status", "body", "error_class"),
    [
        (401, {"message": "Unauthenticated."}, plannr_lite.AuthenticationError),
        (
            404,
            {"message": f"No query results for model [App\\Models\\TimeEntry] {SEED_UUID}"},
            plannr_lite.NotFoundError,
        ),
        (
            422,
            {
                "message": "The name field is required.",
                "errors": {"name": ["The name field is required."]},
            },
            plannr_lite.UnprocessableEntityError,
        ),
        (500, {"message": "Server Error"}, plannr_lite.InternalServerError),
    ],
)
def test_error_statuses_raise_typed_errors(
    server: ScriptedServer, status: int, body: dict[str, Any], error_class: type[Exception]
) -> None:
    server.reply(status, body, headers={"X-Ratelimit-Remaining": "499"})
    with make_client(server) as client, pytest.raises(error_class) as caught:
        client.time_entries.update(SEED_UUID, **PUT_REQUEST)
    error = caught.value
    assert isinstance(error, plannr_lite.APIStatusError)
    assert error.status_code == status
    assert error.body == body
    assert error.headers.get("x-ratelimit-remaining") == "499"
    assert str(error).startswith(str(status))
    assert body["message"] in str(error)
    if isinstance(error, plannr_lite.UnprocessableEntityError):
        assert error.errors == {"name": ["The name field is required."]}
    assert TOKEN not in repr(error) and TOKEN not in str(error)
    assert len(server.requests) == 1


# Retries and timeouts


def test_retries_503_then_429_then_succeeds_in_three_requests(server: ScriptedServer) -> None:
    server.reply(503, {"message": "Service Unavailable"})
    server.reply(429, {"message": "Too Many Attempts."}, headers={"Retry-After": "0"})
    server.reply(200, SEED_RESPONSE)
    sleeps: list[float] = []
    client = make_client(server, max_retries=2)
    client._sleep = sleeps.append
    entry = client.time_entries.retrieve(SEED_UUID)
    assert entry.to_dict() == SEED_RESPONSE
    assert len(server.requests) == 3
    assert {sent.path for sent in server.requests} == {f"/api/v1/time-entry/{SEED_UUID}"}
    assert all(sent.headers["authorization"] == f"Bearer {TOKEN}" for sent in server.requests)
    backoff, retry_after = sleeps
    assert 0.375 <= backoff <= 0.5  # 0.5 s minus up to 25% of jitter
    assert retry_after == 0.0


def test_max_retries_zero_makes_one_request(server: ScriptedServer) -> None:
    server.reply(503, {"message": "Service Unavailable"})
    server.reply(200, SEED_RESPONSE)
    client = make_client(server, max_retries=0)
    client._sleep = lambda seconds: pytest.fail("must not sleep")
    with pytest.raises(plannr_lite.InternalServerError):
        client.time_entries.retrieve(SEED_UUID)
    assert len(server.requests) == 1


def test_retries_real_waits_and_gives_up_after_max_retries(server: ScriptedServer) -> None:
    for _ in range(3):
        server.reply(429, {"message": "Too Many Attempts."}, headers={"Retry-After": "0.05"})
    client = make_client(server, max_retries=2)
    started = time.monotonic()
    with pytest.raises(plannr_lite.RateLimitError):
        client.time_entries.retrieve(SEED_UUID)
    assert len(server.requests) == 3
    assert time.monotonic() - started >= 0.1


def test_non_retryable_statuses_are_not_retried(server: ScriptedServer) -> None:
    server.reply(404, {"message": "Not found"})
    client = make_client(server, max_retries=2)
    client._sleep = lambda seconds: pytest.fail("must not sleep")
    with pytest.raises(plannr_lite.NotFoundError):
        client.time_entries.retrieve(SEED_UUID)
    assert len(server.requests) == 1


def test_retry_after_accepts_seconds_and_http_dates_up_to_a_minute() -> None:
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after("2.5") == 2.5
    assert parse_retry_after("61") is None
    assert parse_retry_after("-1") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    in_ten = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    seconds = parse_retry_after(in_ten)
    assert seconds is not None and 8 <= seconds <= 10
    in_an_hour = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    assert parse_retry_after(in_an_hour) is None


def test_a_slow_server_times_out_quickly(server: ScriptedServer) -> None:
    server.reply(200, SEED_RESPONSE, delay=3.0)
    client = make_client(server, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(plannr_lite.APITimeoutError):
        client.time_entries.retrieve(SEED_UUID)
    assert time.monotonic() - started < 1.5
    assert len(server.requests) == 1


def test_the_timeout_of_one_call_wins_over_the_clients(server: ScriptedServer) -> None:
    server.reply(200, SEED_RESPONSE, delay=3.0)
    client = make_client(server, timeout=30.0)
    started = time.monotonic()
    with pytest.raises(plannr_lite.APITimeoutError):
        client.time_entries.retrieve(SEED_UUID, timeout=0.3)
    assert time.monotonic() - started < 1.5


def test_a_timeout_is_retried(server: ScriptedServer) -> None:
    server.reply(200, SEED_RESPONSE, delay=3.0)
    server.reply(200, SEED_RESPONSE)
    sleeps: list[float] = []
    client = make_client(server, timeout=0.3, max_retries=1)
    client._sleep = sleeps.append
    assert client.time_entries.retrieve(SEED_UUID).to_dict() == SEED_RESPONSE
    assert len(server.requests) == 2
    assert len(sleeps) == 1


def test_connection_errors_are_retried() -> None:
    sleeps: list[float] = []
    client = Plannr(TOKEN, base_url=f"http://127.0.0.1:{free_port()}", max_retries=2)
    client._sleep = sleeps.append
    with pytest.raises(plannr_lite.APIConnectionError) as caught:
        client.time_entries.retrieve(SEED_UUID)
    assert not isinstance(caught.value, plannr_lite.APITimeoutError)
    assert len(sleeps) == 2
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)


# Safety: paths, redirects, the token


def test_path_parameters_are_percent_encoded_as_one_segment(server: ScriptedServer) -> None:
    server.reply(200, SEED_RESPONSE)
    server.reply(200, {"data": []})
    with make_client(server) as client:
        client.time_entries.retrieve("a/b?c#d e")
        page = client.time_entries.list(
            "a/b?c#d e",  # type: ignore[arg-type]  # not a TrackableType: any text is encoded
            "../x",
            filter_between="2025-10-01,2025-10-31",
        )
    assert list(page) == []
    first, second = server.requests
    assert first.path == "/api/v1/time-entry/a%2Fb%3Fc%23d%20e"
    assert first.path == "/api/v1/time-entry/" + quote("a/b?c#d e", safe="")
    assert second.path_only == "/api/v1/time-entry/a%2Fb%3Fc%23d%20e/..%2Fx"
    assert second.query == [("filter[between]", "2025-10-01,2025-10-31")]
    with pytest.raises(ValueError, match="change the path"):
        Plannr(TOKEN, base_url=server.url).time_entries.retrieve("..")
    with pytest.raises(ValueError, match="non-empty"):
        Plannr(TOKEN, base_url=server.url).time_entries.retrieve("")


def test_redirects_are_not_followed_and_the_token_stays_home(
    server: ScriptedServer, other_host: ScriptedServer
) -> None:
    target = f"{other_host.url}/api/v1/time-entry/{SEED_UUID}"
    server.reply(302, b"", headers={"Location": target})
    other_host.reply(200, SEED_RESPONSE)
    client = make_client(server, max_retries=2)
    client._sleep = lambda seconds: pytest.fail("a redirect is not retried")
    with pytest.raises(plannr_lite.APIStatusError) as caught:
        client.time_entries.retrieve(SEED_UUID)
    assert caught.value.status_code == 302
    assert caught.value.headers.get("Location") == target
    assert len(server.requests) == 1
    assert other_host.requests == []
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)


def test_pages_follow_next_links_on_the_same_host_only(
    server: ScriptedServer, other_host: ScriptedServer
) -> None:
    item = SEED_RESPONSE
    second_item = {**SEED_RESPONSE, "uuid": "7a1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b"}
    base = f"{server.url}/api/v1/time-entry/client/{TRACKABLE_UUID}"
    server.reply(200, {"data": [item], "links": {"next": f"{base}?page=2", "prev": None}})
    server.reply(200, {"data": [second_item], "links": {"next": f"{other_host.url}/steal?page=3"}})
    with make_client(server) as client:
        page = client.time_entries.list("client", TRACKABLE_UUID, per_page=1, page=1)
        assert isinstance(page.body, models.TimeEntryPage)
        assert page.body.to_dict()["links"]["next"] == f"{base}?page=2"
        seen: list[str] = []
        with pytest.raises(plannr_lite.APIError, match="another host"):
            for entry in page:
                seen.append(entry.uuid)
    assert seen == [item["uuid"], second_item["uuid"]]
    first, second = server.requests
    assert first.query == [("per_page", "1"), ("page", "1")]
    assert second.path_only == f"/api/v1/time-entry/client/{TRACKABLE_UUID}"
    assert second.query == [("per_page", "1"), ("page", "2")]
    assert second.headers["authorization"] == f"Bearer {TOKEN}"
    assert other_host.requests == []


def test_the_token_is_in_no_repr_and_no_exception(server: ScriptedServer) -> None:
    server.reply(401, {"message": "Unauthenticated."})
    client = make_client(server, account_uuid=ACCOUNT_UUID)
    assert TOKEN not in repr(client) and TOKEN not in str(client)
    assert TOKEN not in repr(client.time_entries)
    with pytest.raises(plannr_lite.AuthenticationError) as caught:
        client.time_entries.retrieve(SEED_UUID)
    error = caught.value
    for text in (str(error), repr(error), repr(error.args), repr(vars(error))):
        assert TOKEN not in text
    assert error.__cause__ is None


def test_the_token_falls_back_to_the_environment(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNR_ACCESS_TOKEN", "from-the-environment")
    server.reply(200, SEED_RESPONSE)
    server.reply(200, SEED_RESPONSE)
    Plannr(base_url=server.url).time_entries.retrieve(SEED_UUID)
    monkeypatch.delenv("PLANNR_ACCESS_TOKEN")
    Plannr(base_url=server.url).time_entries.retrieve(
        SEED_UUID, extra_headers={"X-Request-Id": "r1"}
    )
    with_env, without = server.requests
    assert with_env.headers["authorization"] == "Bearer from-the-environment"
    assert "authorization" not in without.headers
    assert without.headers["x-request-id"] == "r1"


# Standard library only


ISOLATED_CODE = r"""
import json, sys, sysconfig
folder, url, seed_path, put_path, token = sys.argv[1:]
sys.path.insert(0, folder)
for name in ("pytest", "yaml", "httpx", "pydantic", "typing_extensions"):
    try:
        __import__(name)
    except ImportError:
        pass
    else:
        raise SystemExit(f"{name} is importable: the interpreter is not isolated")

import plannr_lite
from plannr_lite import Plannr, models

seed = json.load(open(seed_path, encoding="utf-8"))
request = json.load(open(put_path, encoding="utf-8"))
entry = models.TimeEntry.from_dict(seed)
assert entry.to_dict() == seed, "round trip"
with Plannr(token, base_url=url, max_retries=0) as client:
    result = client.time_entries.update("6ff8f7f6-1eb3-3525-be4a-3932c805afed", **request)
assert result.to_dict() == seed, "response"

paths = sysconfig.get_paths()
allowed = (paths["stdlib"], paths["platstdlib"], folder)
for module in list(sys.modules.values()):
    where = getattr(module, "__file__", None)
    if where and not where.startswith(allowed):
        raise SystemExit(f"{module.__name__} was loaded from outside the standard library: {where}")
print("ok", plannr_lite.__file__)
"""


def test_the_package_runs_on_the_standard_library_alone(
    server: ScriptedServer, tmp_path: Path
) -> None:
    folder = tmp_path / "only"
    shutil.copytree(
        PACKAGE_DIR, folder / "plannr_lite", ignore=shutil.ignore_patterns("__pycache__")
    )
    seed_path = tmp_path / "seed.json"
    seed_path.write_text(json.dumps(SEED_RESPONSE), encoding="utf-8")
    server.reply(200, SEED_RESPONSE)
    result = subprocess.run(
        [
            sys.executable,
            "-I",  # isolated: no PYTHON* variables, no user site, no current folder
            "-S",  # no site module: no site-packages at all
            "-c",
            ISOLATED_CODE,
            str(folder),
            server.url,
            str(seed_path),
            str(PUT_REQUEST_PATH),
            TOKEN,
        ],
        # -I ignores PYTHONPATH, so the code puts `folder` on sys.path itself; this is the
        # only variable the interpreter gets.
        env={"PYTHONPATH": str(folder)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.startswith(f"ok {folder / 'plannr_lite' / '__init__.py'}")
    [sent] = server.requests
    assert sent.method == "PUT"
    assert sent.body == SEED_CURL_DATA.encode()
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
