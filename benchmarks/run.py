"""Benchmark sdkgen against the anchor generators and write benchmarks/RESULTS.md.

    python benchmarks/run.py [--quick] [--runs N] [--only TEXT ...] [--output FILE]

Run it with the project's interpreter (``.venv``, sdkgen installed); it re-executes itself with
``.venv/bin/python`` when started with another one. It installs the anchors into their own
virtual environment (``benchmarks/.work/anchors-venv``, once), writes the synthetic specs,
then times whole commands (subprocess wall time; peak RSS from GNU time's ``%M``). Each run executes
every measurement once, in an order rotated from run to run, so all tools share the machine's
noise; targets are ratios of medians of the same invocation. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
WORK = BENCH / ".work"
OUT = WORK / "out"
ANCHORS = WORK / "anchors-venv"
PLANNR_SPEC = ROOT / "specs" / "plannr-time-entry.yaml"
OPENAI_SPEC = ROOT.parent / "shared" / "corpus" / "openai.yaml"
SEED = ROOT / "tests" / "specs" / "sources" / "seeds" / "000_430ad0550f5ef90d.txt"
FLAGSHIP = ROOT / "generated" / "python-pydantic"
SIZES = (10, 100, 400)
ENTRY_UUID = "46adfff3-e7e7-4a05-b443-04bb93e1b558"

# The anchors, pinned. openapi-generator-cli's wheel bundles the openapi-generator jar (it needs
# only a Java runtime), so nothing is downloaded when it runs.
ANCHOR_PINS = (
    "openapi-python-client==0.29.1",
    "datamodel-code-generator==0.97.0",  # its default formatters (black, isort) come with it
    "openapi-generator-cli==7.26.0",
)
OPC_PACKAGE = "plannr_crm_time_entry_api_client"  # what openapi-python-client names the package
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").is_file() else None


# ---------------------------------------------------------------------------------------------
# Set-up


def ensure_project_python() -> None:
    """sdkgen, httpx and pydantic must be importable: re-run with .venv's python if not."""
    try:
        import httpx  # noqa: F401
        import pydantic  # noqa: F401

        import generator  # noqa: F401
    except ImportError:
        venv_python = ROOT / ".venv" / "bin" / "python"
        if venv_python.is_file() and Path(sys.executable) != venv_python:
            os.execv(str(venv_python), [str(venv_python), *sys.argv])
        sys.exit(
            "benchmarks/run.py needs sdkgen and its dev extras: python3 -m venv .venv && "
            '. .venv/bin/activate && pip install -e ".[dev]"'
        )


def anchor_bin(name: str) -> Path:
    return ANCHORS / "bin" / name


def ensure_anchors() -> None:
    marker = ANCHORS / "sdkgen-benchmark-pins.txt"
    wanted = "\n".join(ANCHOR_PINS) + "\n"
    if marker.is_file() and marker.read_text() == wanted and anchor_bin("python").is_file():
        return
    print(f"installing the anchors into {ANCHORS.relative_to(ROOT)} ...", flush=True)
    if not anchor_bin("python").is_file():
        # sys._base_executable: the interpreter itself, not the project's venv wrapper.
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(ANCHORS)], check=True)
    subprocess.run(
        [str(anchor_bin("python")), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", *ANCHOR_PINS],
        check=True,
    )  # fmt: skip
    jar = next(
        ANCHORS.glob("lib/python*/site-packages/openapi_generator_cli/openapi-generator.jar"), None
    )
    if jar is None:
        sys.exit("openapi-generator-cli installed without its bundled jar")
    marker.write_text(wanted)


def anchors_env() -> dict[str, str]:
    """The anchors' bin first on PATH: openapi-python-client runs its ruff post-hooks from it."""
    env = dict(os.environ)
    env["PATH"] = f"{ANCHORS / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("VIRTUAL_ENV", None)
    return clean_env(env)


def project_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return clean_env(env)


def clean_env(env: dict[str, str]) -> dict[str, str]:
    """No PYTHONPATH; and bytecode caches on, as on a usual machine (some sandboxes set
    PYTHONDONTWRITEBYTECODE, which makes every run compile a source checkout anew)."""
    for name in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    return env


def write_specs() -> dict[int, Path]:
    sys.path.insert(0, str(BENCH))
    from synth import write_spec

    return {size: write_spec(size) for size in SIZES}


def opc_plannr_spec() -> Path:
    """The Plannr spec without ``Client`` in TrackableType: openapi-python-client refuses an
    enum whose values differ only in case ("Duplicate key CLIENT in enum")."""
    text = PLANNR_SPEC.read_text(encoding="utf-8")
    old = "        - task\n        - Client\n"
    if text.count(old) != 1:
        raise SystemExit("the Plannr spec changed: update opc_plannr_spec()")
    path = WORK / "plannr-for-opc.yaml"
    path.write_text(text.replace(old, "        - task\n"), encoding="utf-8")
    return path


def plannr_config() -> Path:
    """A config with the repository's own targets, writing into benchmarks/.work."""
    import tomllib

    targets = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["sdkgen"]["targets"]
    folder = WORK / "plannr-all"
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for target in targets:
        lines += [
            "[[targets]]",
            f"name = {json.dumps(target['name'])}",
            f"spec = {json.dumps(str(ROOT / target['spec']))}",
            f"variant = {json.dumps(target['variant'])}",
            f"out = {json.dumps('out/' + target['name'])}",
            f"package = {json.dumps(target['package'])}",
            "",
        ]
    config = folder / "sdkgen.toml"
    config.write_text("\n".join(lines))
    return config


# ---------------------------------------------------------------------------------------------
# Timing whole commands


@dataclass
class Sample:
    seconds: float
    max_rss_kb: int
    returncode: int


@dataclass
class Measure:
    key: str
    argv: list[str]
    env: dict[str, str]
    clean: Path | None = None  # removed before every run (outside the timing)
    samples: list[Sample] = field(default_factory=list)
    expect_failure: bool = False
    ok_codes: tuple[int, ...] = (0,)  # `sdkgen check` exits 1 on drift, having done all its work
    last_error: str = ""

    def run(self) -> Sample:
        if self.clean is not None:
            shutil.rmtree(self.clean, ignore_errors=True)
        log = WORK / "logs" / f"{self.key.replace('/', '_')}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        # Peak RSS from GNU time where there is one: a child forked from this (big) process
        # starts its ru_maxrss at this process's peak, GNU time's children at its own few MB.
        # ru_maxrss of a waited child covers its own children too (the largest of them).
        rss_file = log.with_suffix(".rss")
        argv = (
            [GNU_TIME, "-q", "-o", str(rss_file), "-f", "%M", *self.argv] if GNU_TIME else self.argv
        )
        started = time.perf_counter()
        with log.open("wb") as sink:
            process = subprocess.Popen(
                argv, env=self.env, stdout=sink, stderr=sink, stdin=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = returncode = os.waitstatus_to_exitcode(status)
        max_rss = usage.ru_maxrss
        if GNU_TIME:
            lines = rss_file.read_text().split()
            max_rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        sample = Sample(seconds, max_rss, returncode)
        if sample.returncode not in self.ok_codes:
            self.last_error = error_summary(log.read_text(errors="replace"), sample.returncode)
        self.samples.append(sample)
        return sample

    @property
    def ok(self) -> bool:
        return bool(self.samples) and all(s.returncode in self.ok_codes for s in self.samples)

    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    def peak_kb(self) -> int:
        return int(statistics.median(s.max_rss_kb for s in self.samples))


def error_summary(output: str, returncode: int) -> str:
    """The exception line (and its wrapped continuation) or else the last line of the output."""
    lines = [line.strip(" \t│") for line in output.splitlines() if line.strip(" \t│")]
    starts = [i for i, line in enumerate(lines) if re.match(r"^[\w.]*(Error|Exception)\b", line)]
    text = " ".join(lines[starts[-1] : starts[-1] + 3]) if starts else (lines[-1] if lines else "")
    return text[:200] or f"exit {returncode}"


def measures(specs: dict[int, Path], quick_only: list[str]) -> list[Measure]:
    py = sys.executable
    sdkgen = [py, "-m", "generator"]
    # The same sdkgen with the model-backend worker (generator/workers.py) turned off: the
    # "before" of that optimisation, measured in the same runs.
    serial = [py, "-c", NO_WORKER]
    opc = [str(anchor_bin("openapi-python-client")), "generate"]
    project, anchors = project_env(), anchors_env()
    config = plannr_config()
    found: list[Measure] = [
        Measure("plannr/ours-all-targets", [*sdkgen, "generate", "--config", str(config)], project,
                clean=config.parent / "out"),
        Measure("plannr/ours-all-targets-no-worker", [*serial, "generate", "--config", str(config)],
                project, clean=config.parent / "out"),
        Measure("plannr/opc", [*opc, "--path", str(PLANNR_SPEC), "--output-path", str(OUT / "opc-plannr")],
                anchors, clean=OUT / "opc-plannr", expect_failure=True),
        Measure("plannr/opc-fixed-spec", [*opc, "--path", str(opc_plannr_spec()), "--output-path",
                str(OUT / "opc-plannr-fixed")], anchors, clean=OUT / "opc-plannr-fixed"),
        Measure("check/plannr-all-targets", [*sdkgen, "check", "--config", str(CHECK_CONFIG)], project,
                ok_codes=(0, 1)),
    ]  # fmt: skip
    for size, spec in specs.items():
        out = OUT / f"synth{size}"
        found += [
            Measure(f"synth{size}/ours", [*sdkgen, "generate", "--spec", str(spec), "--variant",
                    "python-pydantic", "--out", str(out / "ours"), "--package", "synth", "--force"],
                    project, clean=out / "ours"),
            Measure(f"synth{size}/opc", [*opc, "--path", str(spec), "--output-path", str(out / "opc")],
                    anchors, clean=out / "opc"),
            Measure(f"synth{size}/openapi-generator", [str(anchor_bin("openapi-generator-cli")),
                    "generate", "-g", "python", "-i", str(spec), "-o", str(out / "oag")],
                    anchors, clean=out / "oag"),
            Measure(f"synth{size}/dcg-models", [str(anchor_bin("datamodel-codegen")), "--input",
                    str(spec), "--input-file-type", "openapi", "--output-model-type",
                    "pydantic_v2.BaseModel", "--output", str(out / "dcg" / "models.py")],
                    anchors, clean=out / "dcg"),
        ]  # fmt: skip
    found.append(
        Measure("synth400/ours-no-worker", [*serial, "generate", "--spec", str(specs[400]), "--variant",
                "python-pydantic", "--out", str(OUT / "synth400" / "ours"), "--package", "synth", "--force"],
                project, clean=OUT / "synth400" / "ours")
    )  # fmt: skip
    found.append(
        Measure("check/synth400", [*sdkgen, "check", "--spec", str(specs[400]), "--variant",
                "python-pydantic", "--out", str(CHECK_SYNTH), "--package", "synth"], project,
                ok_codes=(0, 1))
    )  # fmt: skip
    if OPENAI_SPEC.is_file():
        found += [
            Measure("openai/ours", [*sdkgen, "generate", "--spec", str(OPENAI_SPEC), "--variant",
                    "python-pydantic", "--out", str(OUT / "openai-ours"), "--package", "openai_sdk",
                    "--force"], project, clean=OUT / "openai-ours"),
            Measure("openai/ours-no-worker", [*serial, "generate", "--spec", str(OPENAI_SPEC),
                    "--variant", "python-pydantic", "--out", str(OUT / "openai-ours"), "--package",
                    "openai_sdk", "--force"], project, clean=OUT / "openai-ours"),
            Measure("openai/opc", [*opc, "--path", str(OPENAI_SPEC), "--output-path",
                    str(OUT / "openai-opc")], anchors, clean=OUT / "openai-opc"),
        ]  # fmt: skip
    if quick_only:
        found = [m for m in found if any(text in m.key for text in quick_only)]
    return found


NO_WORKER = (
    "import sys, generator.workers as w; w._spare_workers = lambda: 0\n"
    "from generator.cli import main; sys.exit(main())"
)
CHECK_CONFIG = WORK / "check-plannr" / "sdkgen.toml"
SAVED = WORK / "results.json"  # every number of the last run, for --from-saved
CHECK_SYNTH = OUT / "check-synth400"


def prepare_check_targets(spec400: Path) -> None:
    """``sdkgen check`` needs folders in sync: generate them once, outside the timings."""
    CHECK_CONFIG.parent.mkdir(parents=True, exist_ok=True)
    CHECK_CONFIG.write_text(plannr_config().read_text())
    py = sys.executable
    subprocess.run([py, "-m", "generator", "generate", "--config", str(CHECK_CONFIG)],
                   check=True, capture_output=True, env=project_env())  # fmt: skip
    subprocess.run([py, "-m", "generator", "generate", "--spec", str(spec400), "--variant",
                    "python-pydantic", "--out", str(CHECK_SYNTH), "--package", "synth", "--force"],
                   check=True, capture_output=True, env=project_env())  # fmt: skip


def run_rotated(found: list[Measure], runs: int) -> None:
    os.chdir(WORK)  # ad-hoc targets name their spec relative to here in file headers
    for run in range(runs):
        shift = (run * 3) % len(found)
        order = found[shift:] + found[:shift]
        for measure in order:
            sample = measure.run()
            status = "ok" if sample.returncode in measure.ok_codes else f"exit {sample.returncode}"
            print(f"  run {run + 1}/{runs} {measure.key:32} {sample.seconds:7.2f} s "
                  f"{sample.max_rss_kb / 1024:7.0f} MB  {status}", flush=True)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Micro-benchmarks: per-call overhead and model parse + dump (in-process timing)


def seed_response() -> dict[str, Any]:
    text = SEED.read_text(encoding="utf-8")
    start = text.index("{", text.index("Response examples (200)"))
    value, _ = json.JSONDecoder().raw_decode(text, start)
    return value


def serve(_: argparse.Namespace) -> None:
    """A minimal keep-alive HTTP/1.1 server: every request gets the documented 200 body."""
    import asyncio

    body = json.dumps(seed_response()).encode()
    response = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Ratelimit-Remaining: 499\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )

    class Http(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            self.transport, self.buffer = transport, b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while b"\r\n\r\n" in self.buffer:  # GET requests only: no bodies to skip
                _, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
                self.transport.write(response)

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Http, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


def calls(args: argparse.Namespace) -> None:
    """Time N sequential calls with the flagship SDK and with bare httpx, alternating."""
    import httpx
    from plannr import Plannr

    base = f"http://127.0.0.1:{args.port}"
    client = Plannr(access_token="token", base_url=base)
    bare = httpx.Client()
    url = f"{base}/api/v1/time-entry/{ENTRY_UUID}"

    def ours() -> None:
        for _ in range(args.calls):
            client.time_entries.retrieve(ENTRY_UUID)

    def plain() -> None:
        for _ in range(args.calls):
            bare.get(url).json()

    assert client.time_entries.retrieve(ENTRY_UUID).uuid == ENTRY_UUID
    for _ in range(200):  # warm both connections and code paths
        client.time_entries.retrieve(ENTRY_UUID)
        bare.get(url).json()
    results: dict[str, list[float]] = {"ours": [], "bare": []}
    for run in range(args.runs):
        pair: list[tuple[str, Callable[[], None]]] = [("ours", ours), ("bare", plain)]
        for name, function in pair if run % 2 == 0 else reversed(pair):
            started = time.perf_counter()
            function()
            results[name].append(time.perf_counter() - started)
    print(json.dumps(results))


def parse_ours(args: argparse.Namespace) -> None:
    from plannr.models import TimeEntry

    data = seed_response()
    loop_timed(
        args,
        lambda: TimeEntry.model_validate(data).model_dump(
            mode="json", by_alias=True, exclude_unset=True
        ),
    )


def parse_opc(args: argparse.Namespace) -> None:
    sys.path.insert(0, args.package_root)
    models = __import__(f"{OPC_PACKAGE}.models", fromlist=["TimeEntry"])
    data = seed_response()
    loop_timed(args, lambda: models.TimeEntry.from_dict(data).to_dict())


def loop_timed(args: argparse.Namespace, once: Callable[[], Any]) -> None:
    for _ in range(500):
        once()
    started = time.perf_counter()
    for _ in range(args.iterations):
        once()
    print(json.dumps({"seconds": time.perf_counter() - started, "sample": once()}))


def micro(runs: int) -> dict[str, Any]:
    n_calls, iterations = 2000, 20000
    project = project_env()
    project["PYTHONPATH"] = str(FLAGSHIP)
    server = subprocess.Popen(
        [sys.executable, __file__, "_serve"], stdout=subprocess.PIPE, text=True, env=project
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        out = subprocess.run(
            [sys.executable, __file__, "_calls", "--port", str(port), "--calls", str(n_calls), "--runs", str(runs)],
            check=True, capture_output=True, text=True, env=project,
        ).stdout  # fmt: skip
        per_call = json.loads(out)
    finally:
        server.terminate()
        server.wait()
    opc_root = OUT / "opc-plannr-models"
    if not (opc_root / OPC_PACKAGE).is_dir():
        subprocess.run([str(anchor_bin("openapi-python-client")), "generate", "--path", str(opc_plannr_spec()),
                        "--output-path", str(opc_root), "--overwrite"], check=True, capture_output=True, env=anchors_env())  # fmt: skip
    parse: dict[str, list[float]] = {"ours": [], "opc": []}
    samples: dict[str, Any] = {}
    for run in range(runs):
        jobs = [
            ("ours", [sys.executable, __file__, "_parse_ours"], project),
            (
                "opc",
                [
                    str(anchor_bin("python")),
                    __file__,
                    "_parse_opc",
                    "--package-root",
                    str(opc_root),
                ],
                anchors_env(),
            ),
        ]
        for name, argv, env in jobs if run % 2 == 0 else reversed(jobs):
            result = json.loads(subprocess.run([*argv, "--iterations", str(iterations)], check=True,
                                               capture_output=True, text=True, env=env).stdout)  # fmt: skip
            parse[name].append(result["seconds"])
            samples[name] = result["sample"]
        print(
            f"  run {run + 1}/{runs} parse+dump ours {parse['ours'][-1]:.2f} s, opc {parse['opc'][-1]:.2f} s",
            flush=True,
        )
    seed = seed_response()
    return {"calls": n_calls, "per_call": per_call, "iterations": iterations, "parse": parse,
            "round_trip_equal": {name: sample == seed for name, sample in samples.items()}}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Profile: where our time goes, phase by phase, in one process


PHASES_CODE = r"""
import json, sys, tempfile, time
from pathlib import Path
started = time.perf_counter()
from generator import render, workers
workers._spare_workers = lambda: 0  # the phases one after another, in this process
from generator.errors import Diagnostics
from generator.format import format_tree
from generator.ir import build_api
from generator.load import Spec
from generator.variants import load_variant
from generator.write import with_manifest, write_tree
times = {"import sdkgen": time.perf_counter() - started}
def timed(name, function, *args, **kwargs):
    started = time.perf_counter()
    try:
        return function(*args, **kwargs)
    finally:
        times[name] = times.get(name, 0.0) + time.perf_counter() - started
backend = render.MODEL_BACKENDS["datamodel-code-generator"]
render.MODEL_BACKENDS["datamodel-code-generator"] = lambda *a: timed("datamodel-code-generator", backend, *a)
spec = timed("load (parse YAML, $refs)", Spec, Path(sys.argv[1]))
variant = load_variant("python-pydantic")
api = timed("IR", build_api, spec, naming=variant.naming, package="sdk", diagnostics=Diagnostics())
tree = timed("render templates", render.render_variant, api, variant, dict(variant.defaults))
times["render templates"] -= times["datamodel-code-generator"]
tree = timed("ruff (fix + format)", format_tree, tree, variant.formatter, variant.formatter_options)
with tempfile.TemporaryDirectory() as scratch:
    timed("write", write_tree, with_manifest(tree), Path(scratch) / "out")
print(json.dumps({"phases": times, "operations": len(api.operations), "models": len(api.models), "files": len(tree)}))
"""


def profile(specs: dict[str, Path]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, spec in specs.items():
        result = subprocess.run([sys.executable, "-c", PHASES_CODE, str(spec)],
                                capture_output=True, text=True, env=project_env())  # fmt: skip
        if result.returncode == 0:
            found[name] = json.loads(result.stdout)
        else:
            found[name] = {"error": error_summary(result.stderr, result.returncode)}
    return found


# ---------------------------------------------------------------------------------------------
# Report


def machine() -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    java = subprocess.run(
        ["java", "-version"], capture_output=True, text=True, check=False
    ).stderr.splitlines()
    return [
        f"- CPU: {cpu}; {os.cpu_count()} logical cores; memory {memory}",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()} ({sys.executable})",
        f"- Java: {java[0] if java else 'not found'}",
        f"- load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def versions() -> list[str]:
    def dist(python: Path | str, names: list[str]) -> dict[str, str]:
        code = ("import importlib.metadata as m, json, sys\n"
                "print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))")  # fmt: skip
        return json.loads(
            subprocess.run(
                [str(python), "-c", code, *names], capture_output=True, text=True, check=True
            ).stdout
        )

    ours = dist(
        sys.executable,
        ["sdkgen", "datamodel-code-generator", "ruff", "jinja2", "pydantic", "httpx", "pyyaml"],
    )
    theirs = dist(anchor_bin("python"), ["openapi-python-client", "datamodel-code-generator", "openapi-generator-cli",
                                        "black", "isort", "ruff", "pydantic", "attrs"])  # fmt: skip
    oag = subprocess.run(
        [str(anchor_bin("openapi-generator-cli")), "version"],
        capture_output=True,
        text=True,
        check=False,
    )
    return [
        "- sdkgen side: " + ", ".join(f"{k} {v}" for k, v in ours.items()),
        "- anchors venv: " + ", ".join(f"{k} {v}" for k, v in theirs.items()),
        f"- openapi-generator (bundled jar): {oag.stdout.strip() or 'failed'}",
    ]


def fmt_s(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 1 else f"{seconds:.2f}"


def count_opc_openai() -> tuple[int, int, int]:
    """openapi-python-client on the OpenAI spec: endpoint modules, endpoints skipped, responses dropped."""
    api = OUT / "openai-opc"
    modules = sum(1 for p in api.glob("*/api/*/*.py") if p.name != "__init__.py")
    log = (
        (WORK / "logs" / "openai_opc.log").read_text(errors="replace")
        if (WORK / "logs" / "openai_opc.log").is_file()
        else ""
    )
    skipped = log.count("Endpoint will not be generated")
    dropped = log.count("response will be omitted")
    return modules, skipped, dropped


def count_ours(spec: Path) -> int:
    code = (
        "import sys\nfrom pathlib import Path\nfrom generator.errors import Diagnostics\n"
        "from generator.ir import build_api\nfrom generator.load import Spec\n"
        "from generator.variants import load_variant\nv = load_variant('python-pydantic')\n"
        "api = build_api(Spec(Path(sys.argv[1])), naming=v.naming, package='sdk', diagnostics=Diagnostics())\n"
        "print(len(api.operations))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(spec)],
        capture_output=True,
        text=True,
        check=True,
        env=project_env(),
    )
    return int(out.stdout)


def report(found: list[Measure], micro_results: dict[str, Any] | None, profiles: dict[str, Any],
           runs: int, minutes: float, output: Path, notes: list[str], date: str) -> None:  # fmt: skip
    by_key = {m.key: m for m in found}

    def med(key: str) -> float | None:
        m = by_key.get(key)
        return m.median() if m and m.samples and m.ok else None

    def ratio(a: str, b: str) -> float | None:
        x, y = med(a), med(b)
        return x / y if x is not None and y else None

    def run_ratios(a: str, b: str) -> str:
        ma, mb = by_key.get(a), by_key.get(b)
        if not (ma and mb and ma.ok and mb.ok):
            return ""
        rs = [x.seconds / y.seconds for x, y in zip(ma.samples, mb.samples, strict=False)]
        return f"per-run {min(rs):.2f} to {max(rs):.2f}"

    lines = [
        "# Benchmarks",
        "",
        f"Written by `python benchmarks/run.py` ({runs} runs, {date},"
        f" {minutes:.0f} min of measuring). Whole commands: wall time, and peak RSS of the largest process"
        " (GNU time); every run executes each command once, in an order rotated between runs, so all tools"
        " share the machine's noise. Ratios are of medians from this one invocation. See benchmarks/README.md.",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Versions",
        "",
        *versions(),
        "",
    ]

    targets: list[tuple[str, str, str, str]] = []  # target, measured, verdict, note

    def target(name: str, value: float | None, limit: float, *, at_most: bool = True, note: str = "",
               unit: str = "x") -> None:  # fmt: skip
        if value is None:
            targets.append((name, "n/a", "NOT MEASURED", note))
            return
        met = value <= limit if at_most else value >= limit
        verdict = "MET"
        if not met:  # by how much: the cut (or the speed-up) that would meet it
            verdict = (f"NOT MET: needs {1 - limit / value:.0%} less" if at_most
                       else f"NOT MET: needs {limit / value:.1f}x")  # fmt: skip
        targets.append((name, f"{value:.2f}{unit}", verdict, note))

    # (1) Plannr
    opc_plannr = by_key.get("plannr/opc")
    opc_note = ""
    if opc_plannr and opc_plannr.samples:
        failed = all(s.returncode != 0 for s in opc_plannr.samples)
        opc_note = (f"openapi-python-client FAILS on the Plannr spec after {fmt_s(opc_plannr.median())} s "
                    f"({opc_plannr.last_error or 'no message'})") if failed else ""  # fmt: skip
        if failed:
            targets.append(("Plannr: all 3 targets <= OPC's one SDK (real spec)", "n/a (OPC fails)",
                            "NOT APPLICABLE", opc_note))  # fmt: skip
        else:
            target(
                "Plannr: all targets <= OPC's one SDK",
                ratio("plannr/ours-all-targets", "plannr/opc"),
                1.0,
            )
    target("Plannr: all 3 targets <= OPC's one SDK (OPC on the spec minus `Client`)",
           ratio("plannr/ours-all-targets", "plannr/opc-fixed-spec"), 1.0,
           note=run_ratios("plannr/ours-all-targets", "plannr/opc-fixed-spec"))  # fmt: skip
    # (2) synthetic
    target(
        "synth 400: complete SDK <= 0.3x OPC",
        ratio("synth400/ours", "synth400/opc"),
        0.3,
        note=run_ratios("synth400/ours", "synth400/opc"),
    )
    target(
        "synth 400: <= 1.0x openapi-generator (python)",
        ratio("synth400/ours", "synth400/openapi-generator"),
        1.0,
        note=run_ratios("synth400/ours", "synth400/openapi-generator"),
    )
    target(
        "synth 400: <= 1.25x datamodel-code-generator models alone",
        ratio("synth400/ours", "synth400/dcg-models"),
        1.25,
        note=run_ratios("synth400/ours", "synth400/dcg-models"),
    )
    ours400, opc400 = by_key.get("synth400/ours"), by_key.get("synth400/opc")
    mem = (
        (ours400.peak_kb() / opc400.peak_kb())
        if ours400 and opc400 and ours400.ok and opc400.ok
        else None
    )
    target(
        "synth 400: peak memory <= 0.7x OPC",
        mem,
        0.7,
        note=f"{ours400.peak_kb() / 1024:.0f} MB vs {opc400.peak_kb() / 1024:.0f} MB"
        if mem
        else "",
    )
    target("time(400) / time(100) <= 4.5", ratio("synth400/ours", "synth100/ours"), 4.5, unit="")
    # (3) OpenAI
    if "openai/ours" in by_key:
        operations = count_ours(OPENAI_SPEC)
        modules, skipped, dropped = count_opc_openai() if by_key["openai/opc"].ok else (0, 0, 0)
        target("OpenAI: all operations in <= 0.5x OPC's time", ratio("openai/ours", "openai/opc"), 0.5,
               note=f"ours: all {operations} operations of the IR; OPC: {modules} "
                    f"endpoint modules, {skipped} endpoints not generated, {dropped} responses omitted")  # fmt: skip
    # check vs generate
    target(
        "check <= 1.5x generate (3 Plannr targets)",
        ratio("check/plannr-all-targets", "plannr/ours-all-targets"),
        1.5,
    )
    target("check <= 1.5x generate (synth 400)", ratio("check/synth400", "synth400/ours"), 1.5)
    if micro_results:
        pc = micro_results["per_call"]
        ours_call, bare_call = statistics.median(pc["ours"]), statistics.median(pc["bare"])
        n = micro_results["calls"]
        target(
            "per-call overhead <= 1.15x bare httpx",
            ours_call / bare_call,
            1.15,
            note=f"{ours_call / n * 1e6:.0f} us vs {bare_call / n * 1e6:.0f} us per call",
        )
        parse = micro_results["parse"]
        po, pp = statistics.median(parse["ours"]), statistics.median(parse["opc"])
        target("parse+dump >= 2x faster than OPC models", pp / po, 2.0, at_most=False,
               note=f"{po / micro_results['iterations'] * 1e6:.1f} us vs {pp / micro_results['iterations'] * 1e6:.1f} us;"
                    " OPC models from the spec minus `Client`")  # fmt: skip

    optimised = []
    for before, after in (("plannr/ours-all-targets-no-worker", "plannr/ours-all-targets"),
                          ("synth400/ours-no-worker", "synth400/ours"),
                          ("openai/ours-no-worker", "openai/ours")):  # fmt: skip
        b, a = med(before), med(after)
        if a is not None and b is not None:
            optimised.append(f"- {after}: {fmt_s(b)} s without the model worker, {fmt_s(a)} s with it"
                             f" ({a / b:.2f}x; {run_ratios(after, before)})")  # fmt: skip
    lines += ["## Targets", "", "| target | measured | verdict | note |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets]
    lines += ["", "## Measurements", "",
              "| measurement | runs | median s | min s | max s | peak RSS MB (median) | status |",
              "|---|---|---|---|---|---|---|"]  # fmt: skip
    for m in found:
        if not m.samples:
            continue
        secs = [s.seconds for s in m.samples]
        failures = sum(s.returncode not in m.ok_codes for s in m.samples)
        drift = sum(s.returncode == 1 for s in m.samples) if 1 in m.ok_codes else 0
        status = "ok" if not failures else f"{failures} failed: {m.last_error}"
        if drift:
            status += f" ({drift} reported drift: the working tree changed during the run)"
        lines.append(f"| {m.key} | {len(secs)} | {fmt_s(statistics.median(secs))} | {fmt_s(min(secs))} | "
                     f"{fmt_s(max(secs))} | {m.peak_kb() / 1024:.0f} | {status} |")  # fmt: skip
    if micro_results:
        pc, parse, n, it = (
            micro_results["per_call"],
            micro_results["parse"],
            micro_results["calls"],
            micro_results["iterations"],
        )
        for name, values, count in (("per-call: flagship SDK retrieve", pc["ours"], n), ("per-call: bare httpx get().json()", pc["bare"], n),
                                    ("parse+dump: ours (pydantic)", parse["ours"], it), ("parse+dump: OPC (attrs)", parse["opc"], it)):  # fmt: skip
            lines.append(f"| {name} (x{count}) | {len(values)} | {fmt_s(statistics.median(values))} | "
                         f"{fmt_s(min(values))} | {fmt_s(max(values))} | - | ok |")  # fmt: skip
        lines += [
            "",
            f"Round trip equals the input (dump == the documented JSON): {micro_results['round_trip_equal']}.",
        ]
    if optimised:
        lines += ["", "## The model worker, before and after (same runs)", "", *optimised]
    if profiles:
        lines += ["", "## Where our time goes (one in-process run, python-pydantic)", ""]
        for name, result in profiles.items():
            if "error" in result:
                lines.append(f"- {name}: the profile failed: {result['error']}")
                continue
            phases = result["phases"]
            total = sum(phases.values())
            parts = ", ".join(f"{k} {v:.2f} s ({v / total:.0%})" for k, v in phases.items())
            lines.append(f"- {name} ({result['operations']} operations, {result['models']} models, "
                         f"{result['files']} files): {parts}; total {total:.2f} s")  # fmt: skip
    if notes:
        lines += ["", "## Notes", "", *notes]
    output.write_text("\n".join(lines) + "\n")
    print(f"wrote {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")


NOTES = [
    "- **openapi-python-client** runs as installed, with its default post-hooks (`ruff check --fix`,"
    " `ruff format`: the anchors venv's bin is first on PATH). It refuses the Plannr spec (`TrackableType`"
    ' lists both `client` and `Client`: "Duplicate key CLIENT in enum"), so Plannr target (1) is not'
    " applicable as stated; it is also measured on a copy of the spec without `Client`"
    " (`plannr/opc-fixed-spec`), and that copy is what its models for the parse+dump benchmark come from"
    ' (its `trackable_type` is `str | TrackableType`, so the `"Client"` in the response still parses).',
    "- **datamodel-code-generator** is the CLI with default settings plus `--output-model-type"
    " pydantic_v2.BaseModel`, so its default formatters (black, isort) run. sdkgen calls the same version"
    " in-process on a JSON Schema it derives from its IR, with `formatters=[]` (ruff formats the whole tree"
    " afterwards).",
    "- **openapi-generator** is `openapi-generator-cli generate -g python` with default options; the wheel"
    " bundles the jar (nothing is downloaded), and the JVM's start-up is part of every run.",
    "- **ours** is `python -m generator generate` (what `sdkgen` runs) of a complete python-pydantic SDK"
    " (models, sync and async clients, README, tests). `-no-worker` rows run the same code with the model"
    " worker (generator/workers.py) turned off: the before of that optimisation, in the same runs.",
    "- **Peak memory** is the largest single process of the command (GNU time's `%M`: ru_maxrss of the"
    " command, which covers its children). With the worker, sdkgen is two processes at once (the worker is"
    " forked, sharing the parent's pages copy-on-write), so the sum is higher than the number shown; the"
    " `-no-worker` rows give the one-process peak.",
    "- `PYTHONDONTWRITEBYTECODE` is removed from every command's environment, so source checkouts use their"
    " bytecode caches as on a usual machine.",
    "",
    "## Optimisations in generator/ (generated bytes unchanged, `sdkgen check` green)",
    "",
    "- **Model worker** (generator/workers.py, render.py, pipeline.py): datamodel-code-generator runs in a"
    " forked worker (Linux, a spare core, no other thread) while the templates of this target and of the"
    " targets after it render; every target is started before any is finished. Before/after: the `-no-worker`"
    " rows and the section above. It helps most where datamodel-code-generator's import overlaps other"
    " variants (Plannr); on the big specs it gains only what the templates cost, and nothing when the other"
    " core is busy.",
    "- **Output paths compiled once**: each `[[files]]` output pattern (`{{ package }}/resources/...`) was"
    " compiled by Jinja for every file; now once per variant. Templates on the 400-resource spec: 1.17 s"
    " before, 0.83 s after (median of 5 alternating in-process runs, identical trees).",
    "",
    "## What limits the targets that are missed",
    "",
    "- **Generation time** (400 resources vs openapi-python-client and openapi-generator; OpenAI): the phase"
    " profile above. datamodel-code-generator, which writes the pydantic models, is 70-80% of our time, and on"
    " its own it takes longer than 0.3x openapi-python-client or 1.0x openapi-generator; YAML parsing (libyaml via PyYAML, about 1.8 s for the 2.3 MB spec) is next. The targets"
    " cannot be met without replacing datamodel-code-generator as the model backend, which would change the"
    " generated bytes. Everything else (IR, templates, ruff, write) is under 20%.",
    "- **Peak memory**: measured in-process on the 400-resource spec, the spec tree and IR hold about 110 MB"
    " before datamodel-code-generator runs, and about 350 MB after: its own model of the 3,201 schemas is"
    " about 240 MB, more than 0.7x openapi-python-client's whole peak.",
    "- **Per-call overhead** and **parse+dump** are properties of the generated SDK (templates/python-pydantic"
    " runtime), not of the generator, so this issue leaves them as they are; profiled separately with cProfile:"
    " a call spends about a sixth of its time building the request (`_build_options`, `_merge_headers`) on top"
    " of httpx, plus the streamed read with its deadline wrapper and the response validation; and validation"
    " of the 200 body is dominated by the 8 date-time fields (2 in each nested object), each going through the"
    " Python `WrapValidator` of `_lenient.DateTime` that keeps the wire text (about 70% of `model_validate`).",
    "- **Plannr, all targets vs openapi-python-client's one SDK** is met only with the model worker: without it"
    " the run is datamodel-code-generator's import and run (about 0.35 s) plus three variants' template"
    " compilation, one after another.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark sdkgen against its anchors.")
    commands = parser.add_subparsers(dest="helper")
    serve_p = commands.add_parser("_serve")
    serve_p.set_defaults(handler=serve)
    calls_p = commands.add_parser("_calls")
    calls_p.add_argument("--port", type=int, required=True)
    calls_p.add_argument("--calls", type=int, default=2000)
    calls_p.add_argument("--runs", type=int, default=5)
    calls_p.set_defaults(handler=calls)
    for name, handler in (("_parse_ours", parse_ours), ("_parse_opc", parse_opc)):
        sub = commands.add_parser(name)
        sub.add_argument("--iterations", type=int, default=20000)
        sub.add_argument("--package-root", default="")
        sub.set_defaults(handler=handler)
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 5")
    parser.add_argument("--runs", type=int, help="runs of every measurement (at least 3)")
    parser.add_argument(
        "--only", action="append", default=[], help="only measurements whose key contains this"
    )
    parser.add_argument(
        "--no-micro", action="store_true", help="skip the per-call and parse+dump benchmarks"
    )
    parser.add_argument("--no-profile", action="store_true", help="skip the phase profile")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument(
        "--from-saved", action="store_true", help=f"rewrite the report from {SAVED.name} only"
    )
    args = parser.parse_args()
    if args.helper:
        args.handler(args)
        return
    ensure_project_python()
    runs = args.runs or (3 if args.quick else 5)
    started = time.time()
    WORK.mkdir(parents=True, exist_ok=True)
    ensure_anchors()
    specs = write_specs()
    prepare_check_targets(specs[400])
    found = measures(specs, args.only)
    if args.from_saved:  # the numbers of the last run, written out again
        saved = json.loads(SAVED.read_text())
        for m in found:
            m.samples = [Sample(**s) for s in saved["runs"].get(m.key, [])]
            m.last_error = saved.get("errors", {}).get(m.key, "")
        found = [m for m in found if m.samples]
        report(
            found,
            saved["micro"],
            saved["profiles"],
            saved["count"],
            saved["minutes"],
            args.output,
            NOTES,
            saved["date"],
        )
        return
    print(f"{len(found)} measurements x {runs} runs", flush=True)
    run_rotated(found, runs)
    micro_results = None if args.no_micro else micro(runs)
    minutes = (time.time() - started) / 60
    profiles = {}
    if not args.no_profile:
        with_openai = {"openai.yaml": OPENAI_SPEC} if OPENAI_SPEC.is_file() else {}
        profiles = profile({"synth 400": specs[400], **with_openai})
    saved = {
        "count": runs,
        "minutes": minutes,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "runs": {m.key: [vars(s) for s in m.samples] for m in found},
        "errors": {m.key: m.last_error for m in found if m.last_error},
        "micro": micro_results,
        "profiles": profiles,
    }
    SAVED.write_text(json.dumps(saved, indent=1))
    report(found, micro_results, profiles, runs, minutes, args.output, NOTES, saved["date"])


if __name__ == "__main__":
    main()
