"""The ``sdkgen`` command line."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .config import Config, Target, load_config
from .errors import Diagnostics, SdkgenError
from .pipeline import check, display, generate

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        return int(args.handler(args))
    except SdkgenError as error:
        if args.debug:
            traceback.print_exc()
        print(f"sdkgen: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("sdkgen: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug in sdkgen: one line too, and nothing was written
        if args.debug:
            traceback.print_exc()
        detail = (str(error).splitlines() or [""])[0]
        print(
            f"sdkgen: internal error: {type(error).__name__}: {detail} "
            "(a bug in sdkgen; --debug shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sdkgen", description="Generate typed SDKs from OpenAPI specs."
    )
    parser.add_argument("--version", action="version", version=f"sdkgen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gen = commands.add_parser(
        "generate", help="regenerate every configured SDK (or one ad-hoc target)"
    )
    _target_options(gen)
    gen.add_argument(
        "--force", action="store_true", help="allow an output folder outside the project"
    )
    gen.set_defaults(handler=_generate)

    chk = commands.add_parser(
        "check", help="exit 1 if generated code differs from what the specs produce"
    )
    _target_options(chk)
    chk.set_defaults(handler=_check)

    val = commands.add_parser("validate", help="validate a spec with openapi-spec-validator")
    val.add_argument("spec", type=Path)
    _common(val)
    val.set_defaults(handler=_validate)

    var = commands.add_parser("variants", help="list the SDK variants")
    _common(var)
    var.set_defaults(handler=_variants)

    mock = commands.add_parser("mock", help="serve a spec's documented examples over HTTP")
    mock.add_argument("spec", type=Path)
    mock.add_argument("--host", default="127.0.0.1")
    mock.add_argument("--port", type=int, default=4010)
    mock.add_argument(
        "--strict", action="store_true", help="request bodies must equal a documented example"
    )
    _common(mock)
    mock.set_defaults(handler=_mock)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    parser.add_argument(
        "--config", type=Path, help="pyproject.toml or sdkgen.toml (default: found from here)"
    )


def _target_options(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--target", action="append", default=[], help="only this configured target (repeatable)"
    )
    parser.add_argument("--spec", type=Path, help="spec file (with --out: an ad-hoc target)")
    parser.add_argument("--variant", help="SDK variant (see `sdkgen variants`)")
    parser.add_argument("--out", type=Path, help="output folder for an ad-hoc target")
    parser.add_argument("--package", help="package name for an ad-hoc target")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def _selected(args: argparse.Namespace, config: Config) -> tuple[Target, ...]:
    if args.out is not None:
        if args.spec is None or args.variant is None:
            raise SdkgenError("an ad-hoc target needs --spec, --variant and --out")
        package = args.package or args.out.resolve().name.replace("-", "_")
        target = Target(
            name="ad-hoc",
            spec=args.spec.resolve(),
            variant=args.variant,
            out=args.out.resolve(),
            package=package,
        )
        return (target,)
    targets = config.targets
    if not targets:
        raise SdkgenError(
            "no targets configured",
            file=str(config.file) if config.file else None,
            hint="add [[tool.sdkgen.targets]] to pyproject.toml, or pass --spec, --variant and --out",
        )
    unknown = [name for name in args.target if name not in {t.name for t in targets}]
    if unknown:
        raise SdkgenError(
            f"no target named {unknown[0]!r}",
            hint=f"configured: {', '.join(t.name for t in targets)}",
        )
    chosen = tuple(
        t
        for t in targets
        if (not args.target or t.name in args.target)
        and (args.variant is None or t.variant == args.variant)
        and (args.spec is None or t.spec == args.spec.resolve())
    )
    if not chosen:
        raise SdkgenError("no configured target matches the selection")
    return chosen


def _generate(args: argparse.Namespace) -> int:
    config = load_config(args.config, cwd=Path.cwd())
    diagnostics = Diagnostics()
    targets = _selected(args, config)
    try:
        notes = generate(targets, config, diagnostics, strict=args.strict, force=args.force)
    finally:
        diagnostics.print()
    for note in notes:
        print(note, file=sys.stderr)
    for target in targets:
        print(
            f"generated {display(target.out, config.root)} ({target.variant}, package {target.package})"
        )
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    config = load_config(args.config, cwd=Path.cwd())
    diagnostics = Diagnostics()
    try:
        results = check(_selected(args, config), config, diagnostics, strict=args.strict)
    finally:
        diagnostics.print()
    drifted = False
    for label, drift in results:
        if drift.clean:
            print(f"{label}: up to date")
            continue
        drifted = True
        sys.stdout.writelines(drift.diff)
        for line in drift.summary(label):
            print(line)
    if drifted:
        print("sdkgen check: generated code is out of date; run `sdkgen generate`", file=sys.stderr)
    return EXIT_DRIFT if drifted else EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from .validate import validate_spec

    problems = validate_spec(args.spec)
    for problem in problems:
        print(problem)
    if problems:
        print(f"sdkgen validate: {len(problems)} problem(s) in {args.spec}", file=sys.stderr)
        return EXIT_DRIFT
    print(f"{args.spec}: valid")
    return EXIT_OK


def _variants(args: argparse.Namespace) -> int:
    from .variants import list_variants

    config = load_config(args.config, cwd=Path.cwd())
    for variant in list_variants(config.templates):
        print(f"{variant.name:20} {variant.language:12} {variant.description}")
    return EXIT_OK


def _mock(args: argparse.Namespace) -> int:
    from .mock import serve

    return serve(args.spec, host=args.host, port=args.port, strict=args.strict)
