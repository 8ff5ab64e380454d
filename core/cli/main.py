"""``triagedeck`` command line: global options, verb dispatch, error handling.

With no verb it starts the TUI (through the ``launch_tui`` callback the ``tui`` package
passes in, so this module stays headless).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from typing import Callable, Sequence

from .. import __version__
from ..config import Config, load_config
from ..errors import ConfigError, TriagedeckError
from .context import CliContext
from .verbs import VERBS

LaunchTui = Callable[[Config, argparse.Namespace], int]


def global_options() -> argparse.ArgumentParser:
    """The options every verb accepts."""
    parent = argparse.ArgumentParser(add_help=False)
    g = parent.add_argument_group("global options")
    g.add_argument("--repo", metavar="OWNER/NAME", default=argparse.SUPPRESS, help="repository (default: from config, else pytorch/pytorch)")
    g.add_argument("--api-url", metavar="URL", default=argparse.SUPPRESS, help="GitHub API base URL (Enterprise: https://HOST/api/v3; env TRIAGEDECK_API_URL)")
    g.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="store and logs directory (env TRIAGEDECK_DATA_DIR)")
    g.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="config file (env TRIAGEDECK_CONFIG)")
    return parent


_VALUE_OPTIONS = {"--repo", "--api-url", "--data-dir", "--config"}


def requested_verb(argv: Sequence[str]) -> str | None:
    """The verb named on the command line (the first positional word), if any."""
    names = {name for name, _, _ in VERBS}
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token in _VALUE_OPTIONS:
            skip = True
            continue
        if token.startswith("-"):
            continue
        return token if token in names else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser. With ``argv``, only the verb it names is imported and fully built (the
    others get a summary-only entry); without, every verb is built."""
    only = requested_verb(argv) if argv is not None else None
    parents = [global_options()]
    parser = argparse.ArgumentParser(
        prog="triagedeck",
        description="A keyboard-driven workbench for PyTorch maintainers. Without a verb, starts the TUI.",
        parents=parents,
    )
    parser.add_argument("--version", action="version", version=f"triagedeck {__version__}")
    parser.add_argument("--demo", action="store_true", help="start the TUI on the embedded demo (offline loopback GitHub)")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for name, module_name, summary in VERBS:
        if argv is not None and name != only:
            sub.add_parser(name, help=summary, add_help=False)
            continue
        module = importlib.import_module(f"{__package__}.verbs.{module_name}")
        module.register(sub, parents)
    return parser


def _config_from_args(args: argparse.Namespace) -> Config:
    overrides = {
        "repo": getattr(args, "repo", None),
        "api_url": getattr(args, "api_url", None),
        "data_dir": getattr(args, "data_dir", None),
    }
    return load_config(getattr(args, "config", None), overrides=overrides)


async def _run_verb(ctx: CliContext) -> int:
    try:
        return await ctx.args.handler(ctx.args, ctx)
    finally:
        await ctx.aclose()


def run(argv: Sequence[str] | None = None, *, launch_tui: LaunchTui | None = None) -> int:
    """Parse ``argv`` and run the verb; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        config = _config_from_args(args)
    except ConfigError as exc:
        print(f"triagedeck: config error: {exc}", file=sys.stderr)
        return 2
    if args.verb is None:
        if launch_tui is None:
            parser.print_help()
            return 0
        try:
            return launch_tui(config, args)
        except TriagedeckError as exc:
            print(f"triagedeck: {exc}", file=sys.stderr)
            return 1
    ctx = CliContext(config=config, args=args)
    try:
        return asyncio.run(_run_verb(ctx))
    except TriagedeckError as exc:
        ctx.error(str(exc))
        return 1
    except KeyboardInterrupt:
        ctx.error("interrupted")
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    """Headless entry point (``python -m core.cli``): every verb, no TUI."""
    return run(argv)
