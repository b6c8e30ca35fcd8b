"""Load test for ``sdkgen mock``: many keep-alive clients against the Plannr spec.

Starts ``python -m generator mock specs/plannr-time-entry.yaml --port 0`` as a subprocess (so
the clients and the server do not share one interpreter lock; its per-request log goes to
/dev/null), reads its address from the "serving ... on http://..." line, then runs --threads
threads, each sending --requests requests over its own keep-alive ``http.client``
connection: a mix of GET retrieve, PUT update (with the documented request body) and GET list.
A reply counts as an error unless it is 200 with exactly the documented example body.
Prints one line and exits 1 if there were errors.

    python benchmarks/mock_load.py [--threads 8] [--requests 2000] [--strict]
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "plannr-time-entry.yaml"
UUID = "6ff8f7f6-1eb3-3525-be4a-3932c805afed"
HEADERS = {"Authorization": "Bearer load-test", "Accept": "application/json"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None
    expected: Any  # the documented 200 body


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: list[str] = field(default_factory=list)


def plan() -> list[Request]:
    """The three requests of the mix, with the documented bodies taken from the spec."""
    doc = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    item, listing = doc["paths"]["/api/v1/time-entry/{uuid}"], "/api/v1/time-entry/{a}/{b}"

    def first_example(media: dict[str, Any]) -> Any:
        return next(iter(media["examples"].values()))["value"]

    def ok_body(operation: dict[str, Any]) -> Any:
        return first_example(operation["responses"]["200"]["content"]["application/json"])

    lister = doc["paths"]["/api/v1/time-entry/{trackable_type}/{trackable_uuid}"]["get"]
    update = item["put"]
    request_body = first_example(update["requestBody"]["content"]["application/json"])
    return [
        Request("GET", f"/api/v1/time-entry/{UUID}", None, ok_body(item["get"])),
        Request(
            "PUT", f"/api/v1/time-entry/{UUID}", json.dumps(request_body).encode(), ok_body(update)
        ),
        Request(
            "GET",
            listing.format(a="client", b=UUID) + "?per_page=50&sort=-end_date",
            None,
            ok_body(lister),
        ),
    ]


@contextmanager
def mock_server(strict: bool) -> Iterator[str]:
    command = [sys.executable, "-m", "generator", "mock", str(SPEC), "--port", "0"]
    process = subprocess.Popen(
        [*command, *(["--strict"] if strict else [])],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r" on (http://\S+)", line)
        if not found:
            raise SystemExit(f"mock_load: the mock did not start: {line!r}")
        yield found.group(1)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def client(url: str, requests: list[Request], count: int, offset: int, tally: Tally) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        for i in range(count):
            request = requests[(offset + i) % len(requests)]
            headers = dict(HEADERS)
            if request.body is not None:
                headers["Content-Type"] = "application/json"
            started = time.perf_counter()
            try:
                connection.request(request.method, request.path, request.body, headers)
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as error:
                tally.errors.append(f"{request.method} {request.path}: {error!r}")
                connection.close()  # reconnects on the next request
                continue
            tally.latencies.append(time.perf_counter() - started)
            try:
                matches = response.status == 200 and json.loads(data) == request.expected
            except ValueError:
                matches = False
            if not matches:
                tally.errors.append(f"{request.method} {request.path}: {response.status}")
    finally:
        connection.close()


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000, help="requests per thread")
    parser.add_argument("--strict", action="store_true", help="run the mock with --strict")
    args = parser.parse_args()

    requests = plan()
    tallies = [Tally() for _ in range(args.threads)]
    with mock_server(args.strict) as url:
        threads = [
            threading.Thread(target=client, args=(url, requests, args.requests, n, tally))
            for n, tally in enumerate(tallies)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started

    total = args.threads * args.requests
    errors = [error for tally in tallies for error in tally.errors]
    latencies = sorted(latency for tally in tallies for latency in tally.latencies)
    mode = "strict" if args.strict else "lenient"
    print(
        f"mock_load ({mode}, {args.threads} threads x {args.requests}): "
        f"{total} requests, {len(errors)} errors, {seconds:.2f} s, {total / seconds:.0f} req/s, "
        f"p50 {percentile(latencies, 0.50) * 1000:.2f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.2f} ms"
    )
    for error in errors[:5]:
        print(f"  {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
