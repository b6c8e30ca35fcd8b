"""The writer never clobbers what is not its own, and a killed run never leaves a mix.

- ``--out`` at a file, ``/``, the home folder, the project root (or above) or outside the
  project is refused with exit 2 unless ``--force`` (a file, ``/`` and the home folder always);
  with ``--force`` at the project root every file of the project survives.
- Files the user put in the output folder (also in sub-folders, in the package, in a folder
  sdkgen no longer generates, or listed in ``.sdkgenignore``) survive regeneration; a manifest
  naming paths outside the folder, and symbolic links to outside files, touch nothing outside.
- A generation killed with SIGKILL at 20 moments spread over the run (rendering, writing the
  new tree, the swap) leaves, after ``recover()`` or the next run, either the previous output
  byte for byte or the complete new output: never a mix, never a half-written file.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.write import MANIFEST, recover

ROOT = Path(__file__).resolve().parents[2]
SMALL_SPEC = """\
openapi: 3.1.0
info: {title: Small, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
  /owners:
    get:
      operationId: listOwners
      tags: [owners]
      responses:
        "200": {description: ok}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
"""


def sdkgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


def generate(
    out: str | Path, *extra: str, cwd: Path, spec: str | Path = "api.yaml"
) -> subprocess.CompletedProcess[str]:
    return sdkgen(
        "generate", "--spec", str(spec), "--variant", "python-stdlib", "--out", str(out),
        "--package", "pkg", *extra, cwd=cwd,
    )  # fmt: skip


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: files by content, links by target, folders by name."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[key] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            found[key] = "<dir>"
        else:
            found[key] = path.read_bytes()
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "api.yaml").write_text(SMALL_SPEC, encoding="utf-8")
    (folder / "notes.md").write_text("my notes\n", encoding="utf-8")
    return folder


def assert_refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("sdkgen: error: ") and message in line, line


# --- where it writes ------------------------------------------------------------------------------


@pytest.mark.parametrize("force", [False, True])
def test_out_that_is_never_allowed(project: Path, force: bool) -> None:
    extra = ("--force",) if force else ()
    before = snapshot(project)
    (project / "afile").write_text("keep\n", encoding="utf-8")
    assert_refused(generate("afile", *extra, cwd=project), "is a file")
    assert_refused(generate("/", *extra, cwd=project), "file-system root")
    assert_refused(generate(Path.home(), *extra, cwd=project), "home folder")
    assert (project / "afile").read_text(encoding="utf-8") == "keep\n"
    (project / "afile").unlink()
    assert snapshot(project) == before


def test_out_at_the_project_root_needs_force_and_then_keeps_every_file(project: Path) -> None:
    (project / "src").mkdir()
    (project / "src" / "app.py").write_text("print('mine')\n", encoding="utf-8")
    (project / "pkg").mkdir()  # where the package will go: a user file already there
    (project / "pkg" / "mine.py").write_text("x = 1\n", encoding="utf-8")
    before = snapshot(project)
    for out in (".", "..", str(project), "src/.."):
        assert_refused(generate(out, cwd=project), "project root")
    assert snapshot(project) == before
    result = generate(".", "--force", cwd=project)
    assert result.returncode == 0, result.stderr
    after = snapshot(project)
    assert {path: after.get(path) for path in before} == before  # nothing lost or changed
    assert (project / MANIFEST).is_file() and (project / "pkg" / "models.py").is_file()


def test_out_outside_the_project_needs_force(project: Path) -> None:
    elsewhere = project.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("do not touch\n", encoding="utf-8")
    assert_refused(generate(elsewhere / "sdk", cwd=project), "outside the project")
    assert_refused(generate("../elsewhere", cwd=project), "outside the project")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.txt"]
    result = generate(elsewhere / "sdk", "--force", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "sdk" / "pkg" / "models.py").is_file()
    assert (elsewhere / "precious.txt").read_text(encoding="utf-8") == "do not touch\n"


def test_a_file_sdkgen_did_not_write_is_never_replaced(project: Path) -> None:
    """Not even with --force: a user's README.md where sdkgen writes one, or a user's module
    where a new version of the spec adds a resource."""
    sdk = project / "sdk"
    sdk.mkdir()
    (sdk / "README.md").write_text("my own readme\n", encoding="utf-8")
    assert_refused(generate("sdk", cwd=project), "did not generate")
    before = snapshot(sdk)
    assert_refused(generate("sdk", "--force", cwd=project), "would be replaced, such as README.md")
    assert snapshot(sdk) == before
    (sdk / ".sdkgenignore").write_text("README.md\n", encoding="utf-8")  # keep mine, then
    assert generate("sdk", "--force", cwd=project).returncode == 0
    assert (sdk / "README.md").read_text(encoding="utf-8") == "my own readme\n"
    (sdk / "pkg" / "resources" / "vets.py").write_text("# my vets\n", encoding="utf-8")
    (project / "api.yaml").write_text(SMALL_SPEC.replace("[owners]", "[vets]"), encoding="utf-8")
    before = snapshot(sdk)
    assert_refused(generate("sdk", cwd=project), "such as pkg/resources/vets.py")
    assert snapshot(sdk) == before


# --- what it removes ------------------------------------------------------------------------------


def test_user_files_survive_regeneration(project: Path) -> None:
    assert generate("sdk", cwd=project).returncode == 0
    sdk = project / "sdk"
    generated_before = set(snapshot(sdk))
    mine = {
        "TODO.txt": b"top level\n",
        "pkg/my_helpers.py": b"def helper(): ...\n",
        "pkg/resources/my_extra.py": b"# mine\n",
        "docs/guide/intro.md": b"# Intro\n",
        "pkg/resources/owners_notes.txt": b"beside a module that goes away\n",
    }
    for path, content in mine.items():
        (sdk / path).parent.mkdir(parents=True, exist_ok=True)
        (sdk / path).write_bytes(content)
    (sdk / ".sdkgenignore").write_text("pkg/_types.py\n", encoding="utf-8")
    (sdk / "pkg" / "_types.py").write_bytes(b"# my own _types.py\n")
    # The next spec drops the `owners` resource: its module goes, the user's files stay.
    (project / "api.yaml").write_text(
        SMALL_SPEC.replace("  /owners:", "  /x-removed:").replace("tags: [owners]", "tags: [pets]"),
        encoding="utf-8",
    )
    result = generate("sdk", cwd=project)
    assert result.returncode == 0, result.stderr
    for path, content in mine.items():
        assert (sdk / path).read_bytes() == content, path
        assert f"sdk/{path}: kept" in result.stderr
    assert (sdk / "pkg" / "_types.py").read_bytes() == b"# my own _types.py\n"
    assert not (sdk / "pkg" / "resources" / "owners.py").exists()
    manifest = (sdk / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert not set(mine) & set(manifest)  # the manifest lists only what sdkgen wrote
    assert "pkg/_types.py" not in manifest
    assert {path for path in manifest if not path.startswith("#")} <= generated_before | set(
        snapshot(sdk)
    )
    check = sdkgen(
        "check", "--spec", "api.yaml", "--variant", "python-stdlib", "--out", "sdk",
        "--package", "pkg", cwd=project,
    )  # fmt: skip
    assert check.returncode == 1  # the user's files are reported, not hidden
    assert "sdk/TODO.txt: not generated by sdkgen" in check.stdout


def test_nothing_outside_the_folder_is_touched(project: Path) -> None:
    assert generate("sdk", cwd=project).returncode == 0
    sdk = project / "sdk"
    victim = project.parent / "victim.txt"
    victim.write_text("outside\n", encoding="utf-8")
    # A tampered manifest naming outside paths; a generated file replaced by a link to an
    # outside file; a user's link to an outside file.
    with (sdk / MANIFEST).open("a", encoding="utf-8") as manifest:
        manifest.write(f"../../victim.txt\n{victim}\n../notes.md\n")
    (sdk / "pkg" / "models.py").unlink()
    (sdk / "pkg" / "models.py").symlink_to(victim)
    (sdk / "link-to-victim").symlink_to(victim)
    result = generate("sdk", cwd=project)
    assert result.returncode == 0, result.stderr
    assert victim.read_text(encoding="utf-8") == "outside\n"
    assert (project / "notes.md").read_text(encoding="utf-8") == "my notes\n"
    assert not (sdk / "pkg" / "models.py").is_symlink()
    assert (sdk / "link-to-victim").is_symlink()
    assert os.readlink(sdk / "link-to-victim") == str(victim)


# --- killed mid-run -------------------------------------------------------------------------------

KILLS = 20


def big_spec(resources: int = 60) -> str:
    """A spec of ``resources`` tags with five operations and a model each: ~130 files."""
    lines = ["openapi: 3.1.0", 'info: {title: Big, version: "1"}', "paths:"]
    for n in range(resources):
        ref = f'{{$ref: "#/components/schemas/Thing{n}"}}'
        ok = f'{{"200": {{description: ok, content: {{application/json: {{schema: {ref}}}}}}}}}'
        lines += [
            f"  /things{n}:",
            f"    get: {{operationId: list{n}, tags: [group{n}], responses: {ok}}}",
            f"    post: {{operationId: create{n}, tags: [group{n}], responses: {ok}}}",
            f"  /things{n}/{{id}}:",
            "    parameters: [{name: id, in: path, required: true, schema: {type: string}}]",
            f"    get: {{operationId: get{n}, tags: [group{n}], responses: {ok}}}",
            f"    put: {{operationId: put{n}, tags: [group{n}], responses: {ok}}}",
            f"    delete: {{operationId: delete{n}, tags: [group{n}], responses: {ok}}}",
        ]
    lines += ["components:", "  schemas:"]
    for n in range(resources):
        lines.append(
            f"    Thing{n}: {{type: object, properties: {{id: {{type: string}}, "
            f"n: {{type: integer}}, at: {{type: string, format: date-time}}}}}}"
        )
    return "\n".join(lines) + "\n"


def staging_of(out: Path) -> Path:
    return out.parent / f".{out.name}.sdkgen-new"


def start(project: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "generate", "--spec", "big.yaml",
         "--variant", "python-stdlib", "--out", str(out.relative_to(project)), "--package", "pkg"],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def wait_for_staging(process: subprocess.Popen[bytes], out: Path) -> float | None:
    """Seconds until the new tree starts being written (None: the run ended first)."""
    started = time.monotonic()
    while process.poll() is None:
        if staging_of(out).exists():
            return time.monotonic() - started
        time.sleep(0.0005)
    return None


def test_a_killed_generation_leaves_the_old_or_the_new_output(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "old.yaml").write_text(SMALL_SPEC, encoding="utf-8")
    (project / "big.yaml").write_text(big_spec(), encoding="utf-8")
    old_out, new_out = project / "old", project / "new"
    assert generate(old_out.name, cwd=project, spec="old.yaml").returncode == 0
    (old_out / "pkg" / "user_file.py").write_text("# mine\n", encoding="utf-8")
    old = snapshot(old_out)
    # The complete new output, and how long a run takes to render and to write.
    shutil.copytree(old_out, new_out, symlinks=True)
    process = start(project, new_out)
    render_seconds = wait_for_staging(process, new_out)
    assert process.wait(timeout=300) == 0 and render_seconds is not None
    new = snapshot(new_out)
    assert new != old and new["pkg/user_file.py"] == b"# mine\n"
    write_seconds = measure_write_seconds(project, old_out)

    outcomes = {"old": 0, "new": 0, "killed while writing": 0}
    for kill in range(KILLS):
        out = project / f"run{kill}"
        shutil.copytree(old_out, out, symlinks=True)
        process = start(project, out)
        if kill < 4:  # while loading and rendering
            time.sleep(render_seconds * (kill + 1) / 5)
        else:  # while writing the new tree and swapping it in, and just after
            wait_for_staging(process, out)
            time.sleep(write_seconds * (kill - 4) / (KILLS - 5))
        if process.poll() is None:
            outcomes["killed while writing"] += staging_of(out).exists()
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if kill % 5 == 0:  # the next run repairs what the killed one left, then writes
            result = generate(out.name, cwd=project, spec="big.yaml")
            assert result.returncode == 0, result.stderr
            assert snapshot(out) == new
            continue
        recover(out)
        state = snapshot(out)
        assert state in (old, new), f"kill {kill}: a mix of old and new output"
        outcomes["old" if state == old else "new"] += 1
        assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == []
    print(f"\nkilled generations: {outcomes}")
    assert outcomes["old"] >= 4 and outcomes["killed while writing"] >= 3, outcomes


def measure_write_seconds(project: Path, old_out: Path) -> float:
    """How long the writing phase of a run lasts (from the staging folder to the end)."""
    out = project / "measure"
    shutil.copytree(old_out, out, symlinks=True)
    process = start(project, out)
    began = wait_for_staging(process, out)
    started = time.monotonic()
    assert process.wait(timeout=300) == 0 and began is not None
    seconds = time.monotonic() - started
    shutil.rmtree(out)
    return max(seconds, 0.02)
