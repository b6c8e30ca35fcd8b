"""``sdkgen mock``: a local server that answers with a spec's documented examples.

For each operation it answers a documented response example, chosen with a ``Prefer`` header
(``Prefer: code=401, example=unauthenticated``), else the first 2xx example. Requests are
checked against the spec first (path, query and header parameters, bodies: JSON Schema with
formats); a request that does not fit gets 422 with a list of problems, each a JSON pointer and
a message. With ``--strict`` a request body must also equal one of the operation's documented
request examples.
"""

from __future__ import annotations

import json
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import SdkgenError
from .ir.operations import HTTP_METHODS, IGNORED_HEADERS, collect_operations
from .load import Node, Spec, find_spec_version, join_pointer

MAX_BODY_BYTES = 1 << 20
# An oversized body is still read (and dropped) up to this bound, for this long, so that a
# client that sends its whole body before reading the answer gets the 413, not a broken pipe.
MAX_DISCARD_BYTES = 64 << 20
DISCARD_TIMEOUT = 5.0
SUCCESS_STATUSES = ("200", "201", "202", "203", "204", "2XX")


@dataclass(frozen=True)
class Problem:
    pointer: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"pointer": self.pointer, "message": self.message}


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = None  # JSON value; None with no body
    headers: tuple[tuple[str, str], ...] = ()
    note: str = ""  # for the log line

    def encoded(self) -> bytes:
        return b"" if self.body is None else json.dumps(self.body, ensure_ascii=False).encode()


@dataclass
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    names: tuple[str, ...]  # path parameter names in the order of the groups
    operation: Node
    parameters: tuple[Node, ...]


@dataclass
class MockApi:
    """Everything the server needs, loaded once: routes, validators, examples."""

    spec: Spec
    strict: bool = False
    routes: list[Route] = field(default_factory=list)
    _validators: dict[tuple[Path, str], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        # A Swagger 2.0 spec was converted to OpenAPI 3.0 when it was loaded.
        version = find_spec_version(self.spec)
        self.validator_class: Any = OAS31Validator if version == "3.1" else OAS30Validator
        self.registry: Registry[Any] = Registry(retrieve=self._retrieve)  # type: ignore[call-arg]

    @classmethod
    def load(cls, path: Path, *, strict: bool = False) -> MockApi:
        spec = Spec(path)
        api = cls(spec, strict)
        for raw in collect_operations(spec):
            pattern, names = _compile(raw.path)
            api.routes.append(
                Route(raw.http_method, raw.path, pattern, names, raw.node, raw.parameters)
            )
        api.routes.sort(key=lambda r: (r.template.count("{"), -len(r.template)))
        return api

    # --- request handling -------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        url = urlsplit(target)
        path = unquote(url.path)
        matching = [(route, m) for route in self.routes if (m := route.pattern.fullmatch(url.path))]
        if not matching:
            return Reply(404, {"message": f"no operation at {path}"}, note="unknown route")
        chosen = next(((r, m) for r, m in matching if r.method == method), None)
        if chosen is None:
            allowed = ", ".join(sorted({r.method for r, _ in matching}))
            return Reply(
                405,
                {"message": f"{method} is not allowed here"},
                (("Allow", allowed),),
                "wrong method",
            )
        route, match = chosen
        path_values = {
            name: unquote(value) for name, value in zip(route.names, match.groups(), strict=True)
        }
        query = parse_qsl(url.query, keep_blank_values=True)
        problems = self._check_parameters(route, path_values, query, headers)
        problems += self._check_body(route, headers, body)
        if problems:
            return Reply(
                422,
                {
                    "message": "the request does not match the spec",
                    "problems": [p.as_json() for p in problems],
                },
                note="invalid",
            )
        unauthorized = self._check_auth(route, headers)
        if unauthorized is not None:
            return unauthorized
        return self._respond(route, headers.get("prefer", ""))

    def _check_parameters(
        self,
        route: Route,
        path_values: dict[str, str],
        query: list[tuple[str, str]],
        headers: dict[str, str],
    ) -> list[Problem]:
        problems: list[Problem] = []
        query_values: dict[str, list[str]] = {}
        for key, value in query:
            query_values.setdefault(key, []).append(value)
        for node in route.parameters:
            name, where = node.value["name"], node.value.get("in")
            if where == "header" and name.lower() in IGNORED_HEADERS:
                continue
            if where == "path":
                raw: list[str] | None = [path_values[name]] if name in path_values else None
            elif where == "query":
                raw = query_values.get(name)
            elif where == "header":
                raw = [headers[name.lower()]] if name.lower() in headers else None
            else:
                continue
            pointer = f"/{where}/{name}"
            if raw is None:
                if node.value.get("required") is True or where == "path":
                    problems.append(Problem(pointer, "required parameter is missing"))
                continue
            schema = node.get("schema")
            if schema is not None:
                value = self._coerce(schema, raw)
                problems += self._validate(schema, value, pointer)
        return problems

    def _check_body(self, route: Route, headers: dict[str, str], body: bytes) -> list[Problem]:
        request_body = route.operation.get("requestBody")
        if request_body is None:
            return []
        request_body = self.spec.resolve(request_body)
        required = request_body.value.get("required") is True
        if not body:
            return [Problem("/body", "a request body is required")] if required else []
        content = request_body.get("content")
        media = _json_media(content) if content is not None else None
        if media is None:
            return []  # only JSON bodies are checked
        content_type = headers.get("content-type", "")
        if "json" not in content_type:
            return [
                Problem(
                    "/header/content-type", f"expected a JSON content type, got {content_type!r}"
                )
            ]
        try:
            value = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            return [Problem("/body", f"not valid JSON: {error}")]
        problems = (
            self._validate(media["schema"], value, "/body")
            if media.get("schema") is not None
            else []
        )
        if not problems and self.strict:
            problems = self._check_documented(media, value)
        return problems

    def _check_documented(self, media: Node, value: Any) -> list[Problem]:
        documented = [example for _name, example in _examples(self.spec, media)]
        if not documented or any(value == example for example in documented):
            return []
        closest = min(documented, key=lambda example: len(_differences(example, value, "/body")))
        return [Problem(p, f"strict mode: {m}") for p, m in _differences(closest, value, "/body")]

    def _check_auth(self, route: Route, headers: dict[str, str]) -> Reply | None:
        security = route.operation.value.get("security", self.spec.root.value.get("security"))
        if not security or any(requirement == {} for requirement in security):
            return None
        if "authorization" in headers or any(k.startswith("x-") and "key" in k for k in headers):
            return None
        reply = self._respond(route, "code=401")
        return (
            reply
            if reply.status == 401
            else Reply(401, {"message": "Unauthenticated."}, note="no credentials")
        )

    # --- responses ----------------------------------------------------------------------------------

    def _respond(self, route: Route, prefer: str) -> Reply:
        wanted = _parse_prefer(prefer)
        responses = route.operation.get("responses")
        if responses is None:
            return Reply(501, {"message": "the spec documents no response"}, note="no response")
        statuses = [s for s in responses.value if not s.startswith("x-")]
        code = wanted.get("code")
        if code is not None:
            status = next((s for s in statuses if s == code or _in_range(code, s)), None)
            if status is None:
                return Reply(
                    400,
                    {"message": f"Prefer: the operation documents no {code} response"},
                    note="bad prefer",
                )
        else:
            status = next(
                (s for s in statuses if s.startswith("2")), statuses[0] if statuses else None
            )
            if status is None:
                return Reply(501, {"message": "the spec documents no response"}, note="no response")
        response = self.spec.resolve(responses[status])
        numeric = int(code) if code is not None and code.isdigit() else _numeric(status)
        headers = _example_headers(self.spec, response)
        content = response.get("content")
        media = _json_media(content) if content is not None else None
        if media is None:
            return Reply(numeric, None, headers, f"status {status}")
        examples = _examples(self.spec, media)
        name = wanted.get("example")
        if name is not None:
            found = [value for example_name, value in examples if example_name == name]
            if not found:
                return Reply(
                    400,
                    {"message": f"Prefer: no example named {name!r} for status {status}"},
                    note="bad prefer",
                )
            return Reply(numeric, found[0], headers, f"example={name}")
        if examples:
            return Reply(numeric, examples[0][1], headers, f"example={examples[0][0]}")
        return Reply(numeric, self._synthesise(media.get("schema")), headers, "synthesised")

    def _synthesise(self, schema: Node | None) -> Any:
        """A minimal value for a schema with no example: required fields only."""
        if schema is None:
            return None
        node = self.spec.resolve(schema)
        value = node.value if isinstance(node.value, dict) else {}
        if "example" in value:
            return value["example"]
        if isinstance(value.get("examples"), list) and value["examples"]:
            return value["examples"][0]
        kind = value.get("type")
        kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
        if kind == "object" or "properties" in value:
            props = node.get("properties")
            required = value["required"] if isinstance(value.get("required"), list) else []
            return {
                key: self._synthesise(prop)
                for key, prop in (props.items() if props else [])
                if key in required
            }
        if kind == "array":
            return []
        return {"integer": 0, "number": 0, "boolean": False, "string": ""}.get(str(kind))

    # --- validation ---------------------------------------------------------------------------------

    def _validate(self, schema: Node, value: Any, pointer: str) -> list[Problem]:
        validator = self._validator(schema)
        problems = []
        for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
            location = pointer
            for token in error.absolute_path:
                location = join_pointer(location, token)
            problems.append(Problem(location, error.message))
        return problems

    def _validator(self, schema: Node) -> Any:
        key = schema.key
        with self._lock:
            if key not in self._validators:
                reference = {"$ref": f"{schema.file.as_uri()}#{_fragment(schema.pointer)}"}
                self._validators[key] = self.validator_class(
                    reference,
                    registry=self.registry,
                    format_checker=self.validator_class.FORMAT_CHECKER,
                )
            return self._validators[key]

    def _retrieve(self, uri: str) -> Resource[Any]:
        path = Path(unquote(urlsplit(uri).path))
        return Resource.from_contents(self.spec.document(path), default_specification=DRAFT202012)

    def _coerce(self, schema: Node, raw: list[str]) -> Any:
        """Query and path values arrive as text; read them as the schema's type."""
        node = self.spec.resolve(schema)
        kind = node.value.get("type") if isinstance(node.value, dict) else None
        kinds = kind if isinstance(kind, list) else [kind]
        if "array" in kinds:
            items = node.get("items")
            values = raw if len(raw) > 1 else raw[0].split(",")
            return [self._coerce(items, [v]) for v in values] if items is not None else values
        text = raw[-1]
        if "integer" in kinds and re.fullmatch(r"-?\d+", text):
            return int(text)
        if "number" in kinds and re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text):
            return float(text)
        if "boolean" in kinds and text in ("true", "false"):
            return text == "true"
        return text


# --- helpers ----------------------------------------------------------------------------------------


def _compile(template: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    names: list[str] = []
    pattern = ""
    for literal, name in re.findall(r"([^{]*)(?:\{([^}]*)\})?", template):
        pattern += re.escape(literal)
        if name:
            names.append(name)
            pattern += "([^/]+)"
    return re.compile(pattern), tuple(names)


def _fragment(pointer: str) -> str:
    return (
        "".join(c if c.isalnum() or c in "/~-_." else f"%{ord(c):02X}" for c in pointer)
        if pointer
        else ""
    )


def _json_media(content: Node) -> Node | None:
    for media_type, media in content.items():
        base = media_type.split(";")[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            return media
    return None


def _examples(spec: Spec, media: Node) -> list[tuple[str, Any]]:
    examples = media.get("examples")
    if examples is not None and isinstance(examples.value, dict):
        found = []
        for name, ref in examples.items():
            example = spec.resolve(ref).value
            if isinstance(example, dict) and "value" in example:
                found.append((name, example["value"]))
        return found
    if "example" in media.value:
        return [("example", media.value["example"])]
    return []


def _example_headers(spec: Spec, response: Node) -> tuple[tuple[str, str], ...]:
    found = []
    headers = response.get("headers")
    for name, ref in headers.items() if headers is not None else ():
        header = spec.resolve(ref)
        schema = header.get("schema")
        schema_value = spec.resolve(schema).value if schema is not None else {}
        value = header.value.get(
            "example", schema_value.get("example") if isinstance(schema_value, dict) else None
        )
        if (
            value is None
            and isinstance(schema_value, dict)
            and schema_value.get("type") == "integer"
        ):
            value = schema_value.get("minimum", 0)
        if value is not None:
            found.append((name, str(value)))
    return tuple(found)


def _parse_prefer(header: str) -> dict[str, str]:
    wanted = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key.strip() in ("code", "example") and value.strip():
            wanted[key.strip()] = value.strip().strip('"')
    return wanted


def _in_range(code: str, status: str) -> bool:
    return len(status) == 3 and status.upper().endswith("XX") and code[:1] == status[0]


def _numeric(status: str) -> int:
    if status.isdigit():
        return int(status)
    if status.upper().endswith("XX") and status[0].isdigit():
        return int(status[0]) * 100
    return 500 if status == "default" else 200


def _differences(expected: Any, actual: Any, pointer: str) -> list[tuple[str, str]]:
    """Where ``actual`` differs from ``expected``, as (pointer, what) pairs."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in expected:
            if key not in actual:
                found.append(
                    (join_pointer(pointer, key), "missing (the documented example has it)")
                )
            else:
                found += _differences(expected[key], actual[key], join_pointer(pointer, key))
        found += [
            (join_pointer(pointer, k), "not in the documented example")
            for k in actual
            if k not in expected
        ]
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in _differences(e, a, join_pointer(pointer, i))
        ]
    if expected != actual or type(expected) is not type(actual):
        return [(pointer, f"documented {json.dumps(expected)}, got {json.dumps(actual)}")]
    return []


# --- the server ---------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    api: MockApi
    server_version = "sdkgen-mock"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, a keep-alive client's
    # delayed ACK stalls every response by ~40 ms.
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        started = time.perf_counter()
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            reply = Reply(411, {"message": "send a Content-Length, not a chunked body"})
            body = b""
            self.close_connection = True  # the unread chunks would be parsed as the next request
        elif length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            reply = Reply(413, {"message": f"request bodies are limited to {MAX_BODY_BYTES} bytes"})
            body = b""
            self.close_connection = True
            self._discard(int(length) if length.isdigit() else 0)
        else:
            body = self.rfile.read(int(length)) if length else b""
            headers = {key.lower(): value for key, value in self.headers.items()}
            try:
                reply = self.api.handle(self.command, self.path, headers, body)
            except SdkgenError as error:
                reply = Reply(500, {"message": str(error)}, note="spec error")
        payload = reply.encoded()
        self.send_response(reply.status)
        for key, value in reply.headers:
            self.send_header(key, value)
        if payload:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        elapsed = (time.perf_counter() - started) * 1000
        note = f" {reply.note}" if reply.note else ""
        self.log_message(
            '"%s %s" %d%s %.1fms',
            self.command,
            self.path.split("?")[0],
            reply.status,
            note,
            elapsed,
        )

    def _discard(self, length: int) -> None:
        """Read and drop up to ``length`` bytes of an oversized body (bounded in size and time)."""
        left = min(length, MAX_DISCARD_BYTES)
        self.connection.settimeout(DISCARD_TIMEOUT)
        try:
            while left > 0 and (chunk := self.rfile.read(min(left, 1 << 16))):
                left -= len(chunk)
        except OSError:
            pass  # the client stopped sending; the 413 is still attempted

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silenced: ``_serve`` logs one line per request itself, with the mock's note."""

    def log_message(self, format: str, *args: Any) -> None:
        # Only the request line's method and path, the status and our note: never headers.
        if not self.server.quiet:  # type: ignore[attr-defined]
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


for _method in HTTP_METHODS:
    setattr(_Handler, f"do_{_method.upper()}", _Handler._serve)


class MockServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, api: MockApi, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = False
    ) -> None:
        handler = type("Handler", (_Handler,), {"api": api})
        super().__init__((host, port), handler)
        self.quiet = quiet

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="sdkgen-mock", daemon=True)
        thread.start()
        return thread


def serve(spec: Path, *, host: str, port: int, strict: bool) -> int:
    if not 0 <= port <= 65535:
        raise SdkgenError(
            f"--port {port} is not a TCP port", hint="use 0 to 65535; 0 picks a free one"
        )
    api = MockApi.load(spec, strict=strict)
    try:
        server = MockServer(api, host, port)
    except OSError as error:
        raise SdkgenError(
            f"cannot listen on {host}:{port}: {error.strerror}", hint="pick another --port"
        ) from None

    def stop(signum: int, _frame: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    mode = " (strict)" if strict else ""
    print(f"sdkgen mock: serving {spec} on {server.url}{mode}", flush=True)
    with server:
        server.serve_forever()
    print("sdkgen mock: stopped", flush=True)
    return 0


__all__ = ["MockApi", "MockServer", "serve"]
