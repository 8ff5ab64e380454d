"""Console-script entry point ``triagedeck``.

Headless verbs run without importing Textual; only the TUI path imports it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Sequence

from core.auth import find_token
from core.cli.main import run
from core.config import Config
from core.errors import GitHubError, TriagedeckError


def _prepare_demo(config: Config):
    from core.cli.demo import start_demo
    from core.workbench import Workbench

    env = start_demo(config)
    wb = Workbench.open(env.config, token=env.token, mode="demo")

    async def initial_sync() -> None:
        for section in wb.sections():
            await wb.sync_section(section, full=True)

    asyncio.run(initial_sync())
    return env, wb


def launch_tui(config: Config, args: argparse.Namespace) -> int:
    """Build the workbench (real GitHub or the embedded demo) and run the app."""
    env = None
    if args.demo:
        env, wb = _prepare_demo(config)
    else:
        from core.workbench import Workbench

        source = find_token()
        if source.token is None:
            raise TriagedeckError(
                "no GitHub token: set GITHUB_TOKEN or GH_TOKEN, or log in with `gh auth login` "
                "(or try `triagedeck --demo`)"
            )
        wb = Workbench.open(config, token=source.token, mode="online")
    from tui.app import TriagedeckApp

    try:
        TriagedeckApp(wb).run()
    finally:
        try:
            asyncio.run(wb.aclose())
        except GitHubError:
            pass
        if env is not None:
            env.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, launch_tui=launch_tui)


if __name__ == "__main__":
    sys.exit(main())
