"""generator.config: targets from [tool.sdkgen] in pyproject.toml, or sdkgen.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import find_config, load_config
from generator.errors import SdkgenError

PYPROJECT = """
[project]
name = "demo"

[tool.sdkgen]
templates = "my-templates"

[[tool.sdkgen.targets]]
spec = "specs/api.yaml"
variant = "python-pydantic"
out = "generated/py"
package = "demo_sdk"

[[tool.sdkgen.targets]]
name = "second"
spec = "specs/other.yaml"
variant = "python-pydantic"
out = "generated/other"
package = "other"
client_name = "Other"
[tool.sdkgen.targets.options]
python_version = "3.12"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_pyproject_targets(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", PYPROJECT)
    config = load_config(None, cwd=tmp_path)
    assert config.root == tmp_path.resolve()
    assert config.file == (tmp_path / "pyproject.toml").resolve()
    assert config.templates == tmp_path.resolve() / "my-templates"
    first, second = config.targets
    assert first.name == "python-pydantic"  # defaults to the variant
    assert first.spec == tmp_path.resolve() / "specs" / "api.yaml"
    assert first.out == tmp_path.resolve() / "generated" / "py"
    assert (first.package, first.client_name, first.options) == ("demo_sdk", None, {})
    assert (second.name, second.client_name, second.options) == (
        "second",
        "Other",
        {"python_version": "3.12"},
    )


def test_sdkgen_toml_at_top_level(tmp_path: Path) -> None:
    write(
        tmp_path / "sdkgen.toml",
        '[[targets]]\nspec = "a.json"\nvariant = "v"\nout = "out"\npackage = "p"\n',
    )
    [target] = load_config(None, cwd=tmp_path).targets
    assert (target.name, target.spec, target.package) == ("v", tmp_path.resolve() / "a.json", "p")


def test_found_from_a_subfolder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", PYPROJECT)
    # A nearer pyproject.toml without [tool.sdkgen] does not count.
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "inner"\n')
    deep = tmp_path / "sub" / "deeper" / "still"
    deep.mkdir(parents=True)
    assert find_config(deep) == (tmp_path / "pyproject.toml").resolve()
    config = load_config(None, cwd=deep)
    assert config.root == tmp_path.resolve()
    # Paths are relative to the configuration file, not to the working directory.
    assert config.targets[0].spec == tmp_path.resolve() / "specs" / "api.yaml"


def test_sdkgen_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", PYPROJECT)
    write(
        tmp_path / "sdkgen.toml",
        '[[targets]]\nspec = "s"\nvariant = "v"\nout = "o"\npackage = "p"\n',
    )
    assert [t.name for t in load_config(None, cwd=tmp_path).targets] == ["v"]


def test_no_configuration(tmp_path: Path) -> None:
    config = load_config(None, cwd=tmp_path)
    assert config.file is None and config.targets == ()


def test_explicit_file(tmp_path: Path) -> None:
    file = write(tmp_path / "conf" / "custom.toml", "")
    write(tmp_path / "conf" / "pyproject.toml", PYPROJECT)
    config = load_config(tmp_path / "conf" / "pyproject.toml", cwd=tmp_path)
    assert len(config.targets) == 2
    with pytest.raises(SdkgenError, match=r"no \[tool\.sdkgen\] table"):
        load_config(file, cwd=tmp_path)
    with pytest.raises(SdkgenError, match="no such configuration file") as caught:
        load_config(tmp_path / "missing.toml", cwd=tmp_path)
    assert "missing.toml" in str(caught.value)


TARGET = 'spec = "s.yaml"\nvariant = "v"\nout = "out"\npackage = "p"\n'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[[tool.sdkgen.targets]]\nvariant = "v"\nout = "o"\npackage = "p"\n',
            "needs a 'spec' string",
        ),
        (
            '[[tool.sdkgen.targets]]\nspec = "s"\nvariant = "v"\nout = "o"\n',
            "needs a 'package' string",
        ),
        (
            '[[tool.sdkgen.targets]]\nspec = "  "\nvariant = "v"\nout = "o"\npackage = "p"\n',
            "needs a 'spec' string",
        ),
        ("[[tool.sdkgen.targets]]\n" + TARGET + 'outdir = "x"\n', "unknown target key 'outdir'"),
        (
            "[[tool.sdkgen.targets]]\n" + TARGET + "[[tool.sdkgen.targets]]\n" + TARGET,
            "two targets are named 'v'",
        ),
        (
            '[[tool.sdkgen.targets]]\nspec = 1\nvariant = "v"\nout = "o"\npackage = "p"\n',
            "needs a 'spec' string",
        ),
        ("[[tool.sdkgen.targets]]\n" + TARGET + 'options = "fast"\n', "'options' must be a table"),
        ("[[tool.sdkgen.targets]]\n" + TARGET + "name = 5\n", "'name' must be a string"),
        (
            "[[tool.sdkgen.targets]]\n" + TARGET + "client_name = true\n",
            "'client_name' must be a string",
        ),
        ('[tool.sdkgen]\ntargets = "all"\n', "'targets' must be an array of tables"),
        ("[tool.sdkgen]\ntargets = [1, 2]\n", "a target must be a table"),
    ],
)
def test_configuration_errors(tmp_path: Path, body: str, message: str) -> None:
    file = write(tmp_path / "pyproject.toml", body)
    with pytest.raises(SdkgenError, match=message) as caught:
        load_config(None, cwd=tmp_path)
    text = str(caught.value)
    assert str(file.resolve()) in text
    assert "\n" not in text


def test_target_errors_point_at_the_target(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        "[[tool.sdkgen.targets]]\n" + TARGET + "[[tool.sdkgen.targets]]\nspec = 2\n",
    )
    with pytest.raises(SdkgenError) as caught:
        load_config(None, cwd=tmp_path)
    assert "#/tool/sdkgen/targets/1" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["[tool.sdkgen\nx = 1\n", '[[tool.sdkgen.targets]]\nspec = "unterminated\n', "a = 1\na = 2\n"],
)
def test_bad_toml_is_one_line_naming_the_file(tmp_path: Path, text: str) -> None:
    file = write(tmp_path / "pyproject.toml", text)
    with pytest.raises(SdkgenError, match="cannot read configuration") as caught:
        load_config(None, cwd=tmp_path)
    assert str(file.resolve()) in str(caught.value)
    assert "\n" not in str(caught.value)
    assert "line" in str(caught.value)


def test_a_misspelt_section_key_is_an_error_not_silence(tmp_path: Path) -> None:
    text = PYPROJECT.replace("[[tool.sdkgen.targets]]", "[[tool.sdkgen.target]]", 1)
    write(tmp_path / "pyproject.toml", text)
    with pytest.raises(SdkgenError) as caught:
        load_config(None, cwd=tmp_path)
    assert "unknown key 'target'" in str(caught.value)
    assert "#/tool/sdkgen" in str(caught.value)


def test_sdkgen_toml_errors_point_into_its_own_layout(tmp_path: Path) -> None:
    write(tmp_path / "sdkgen.toml", '[[targets]]\nspec = "a.yaml"\nvariant = "v"\nout = "o"\n')
    with pytest.raises(SdkgenError) as caught:
        load_config(None, cwd=tmp_path)
    assert "#/targets/0" in str(caught.value)
    assert "package" in str(caught.value)
