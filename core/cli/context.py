"""What a CLI verb handler gets: config, output helpers, the workbench, plan execution."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from ..auth import Secret, find_token
from ..config import Config
from ..errors import PlanRefused, TriagedeckError
from ..gate.plan import Confirmation, WritePlan
from ..issuefile import load_issue_file
from ..models import IssueThread
from ..text import inert

if TYPE_CHECKING:
    from ..gate.executor import PlanResult


def _is_loopback(url: str) -> bool:
    return any(host in url for host in ("://127.0.0.1", "://localhost", "://[::1]"))


@dataclass
class CliContext:
    config: Config
    args: argparse.Namespace
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    token: Secret | None = None
    mode: str = "online"
    _workbench: Any = None

    # -- output ------------------------------------------------------------------------

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def emit_json(self, obj: Any) -> None:
        """Print one JSON document (the only thing a ``--json`` verb writes to stdout)."""
        self.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")
        self.stdout.flush()

    def emit_event(self, obj: Any) -> None:
        """One JSON line (``--events`` streams). A closed reader (``| head``) ends the stream quietly."""
        try:
            self.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
            self.stdout.flush()
        except BrokenPipeError:
            raise SystemExit(0) from None

    def print(self, text: str = "") -> None:
        self.stdout.write(text + "\n")

    def error(self, text: str) -> None:
        self.stderr.write(f"triagedeck: {text}\n")

    # -- GitHub ------------------------------------------------------------------------

    def workbench(self):
        """The workbench for this run (created on first use)."""
        if self._workbench is None:
            from ..workbench import Workbench

            token = self.token
            if token is None:
                source = find_token()
                token = source.token
                if token is None and not _is_loopback(self.config.api_url):
                    raise TriagedeckError(
                        "no GitHub token: set GITHUB_TOKEN or GH_TOKEN, or log in with `gh auth login`"
                    )
            self._workbench = Workbench.open(self.config, token=token, mode=self.mode)  # type: ignore[arg-type]
        return self._workbench

    async def load_thread(self, args: argparse.Namespace | None = None) -> IssueThread:
        """The issue to work on: ``--issue-file F`` or issue number ``N`` (GitHub, cache fallback)."""
        args = args or self.args
        issue_file = getattr(args, "issue_file", None)
        if issue_file:
            return load_issue_file(issue_file, default_repo=self.config.repo)
        number = getattr(args, "number", None)
        if number is None:
            raise TriagedeckError("give an issue number or --issue-file FILE")
        return await self.workbench().thread(int(number))

    async def execute_plan(self, plan: WritePlan, *, yes: bool, dry_run: bool) -> "PlanResult":
        """Show the plan, then execute it through the write gate when confirmed.

        ``--yes`` confirms; without it an interactive terminal is asked, anything else is
        refused (a script must say ``--yes`` explicitly).
        """
        if not self.json:
            self.print(format_plan(plan))
        wb = self.workbench()
        if dry_run:
            return await wb.execute(plan, None, dry_run=True)
        if plan.empty:
            return await wb.execute(plan, Confirmation.for_plan(plan, "cli --yes"))
        if not yes:
            if not (self.stdin.isatty() and self.stdout.isatty()):
                raise PlanRefused("not confirmed: pass --yes to send this plan (or --dry-run to only show it)")
            self.stdout.write("Send this to GitHub? [y/N] ")
            self.stdout.flush()
            if self.stdin.readline().strip().lower() not in ("y", "yes"):
                raise PlanRefused("cancelled: nothing was sent")
        return await wb.execute(plan, Confirmation.for_plan(plan, "cli --yes"))

    async def aclose(self) -> None:
        if self._workbench is not None:
            await self._workbench.aclose()


def format_plan(plan: WritePlan) -> str:
    """The plan as plain text for the terminal (issue text made inert)."""
    lines = [f"Plan for {plan.repo}#{plan.number}" + (f" — {inert(plan.title)}" if plan.title else "") + ":"]
    if plan.empty:
        lines.append("  (nothing to send)")
    for index, action in enumerate(plan.actions, 1):
        lines.append(f"  {index}. {inert(action.describe(), keep_newlines=False)}")
        body = getattr(action, "body", None)
        if body:
            lines.extend("       | " + line for line in inert(body).splitlines())
    return "\n".join(lines)


def format_result(result: "PlanResult") -> str:
    if result.dry_run:
        return "dry run: nothing was sent"
    if result.refused:
        return f"refused: {result.refused}"
    lines = [f"  {o.status:<18} {inert(o.action.describe(), keep_newlines=False)}" + (f" — {o.error}" if o.error else "") for o in result.outcomes]
    lines += [f"  warning: {w}" for w in result.warnings]
    return "\n".join(lines)
