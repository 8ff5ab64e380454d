"""Version environments and the bisection probe (scrub seed, step 5a).

Environments come from three places, merged and ordered by version: conda envs whose name
matches the configured pattern (``[scrub] conda_pattern``, default ``pytorch-<version>``,
found with ``conda env list --json``), and the ``[scrub.versions]`` table mapping a version
to an interpreter path or an environment (``local:/path/python``, ``conda:NAME``,
``ssh:HOST``). Each probe runs the repro from a fresh scratch dir under /tmp with
``PYTHONPATH`` cleared, so a local source tree cannot shadow the env's torch.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, Mapping

from core.bisect import Outcome, VersionEnv, version_key
from core.bisect.fixing_pr import FixSearch, find_fixing_commits
from core.errors import ConfigError
from core.models import ErrorSignature
from core.run import RunEnvironment, RunSpec, collect, conda_env, discover_conda_envs, judge_result, parse_environment, runner_for
from core.run.local import RunnerError
from core.run.verdict import VerdictKind

DEFAULT_PATTERN = "pytorch-<version>"


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """``pytorch-<version>`` (or ``{version}``) as a regex with a ``version`` group."""
    for marker in ("<version>", "{version}"):
        if marker in pattern:
            head, _, tail = pattern.partition(marker)
            return re.compile("^" + re.escape(head) + r"(?P<version>\d[\w.+-]*)" + re.escape(tail) + "$")
    raise ConfigError(f"the conda env pattern {pattern!r} needs a <version> placeholder", key="scrub.conda_pattern")


def _env_from_value(value: Any, runners: Mapping[str, Any]) -> RunEnvironment:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("must be an interpreter path or local:/conda:/ssh: environment", key="scrub.versions")
    text = value.strip()
    if text.startswith(("local", "conda:", "ssh:")):
        return parse_environment(text, runners)
    return parse_environment(f"local:{text}", runners)


async def discover_version_envs(extra: Mapping[str, Any]) -> tuple[list[VersionEnv[RunEnvironment]], list[str]]:
    """The version environments configured or found, oldest first, and notes on what failed."""
    scrub = dict(extra.get("scrub") or {})
    runners = dict(extra.get("runners") or {})
    notes: list[str] = []
    found: dict[str, VersionEnv[RunEnvironment]] = {}
    rx = pattern_regex(str(scrub.get("conda_pattern", DEFAULT_PATTERN)))
    if scrub.get("conda", True):
        try:
            conda_envs = await discover_conda_envs(runners)
        except RunnerError as exc:
            conda_envs = []
            notes.append(f"conda env discovery failed: {exc}")
        for env in conda_envs:
            m = rx.match(env.name)
            if m:
                found[m.group("version")] = VersionEnv(m.group("version"), conda_env(env.name, runners), f"conda:{env.name}")
    for version, value in dict(scrub.get("versions") or {}).items():
        try:
            env = _env_from_value(value, runners)
        except ConfigError as exc:
            notes.append(f"[scrub.versions] {version}: {exc}")
            continue
        found[str(version)] = VersionEnv(str(version), env, env.name)
    return sorted(found.values(), key=lambda v: version_key(v.version)), notes


def outcome_of(kind: VerdictKind) -> Outcome:
    """A run's verdict as bisection evidence; anything but a clean answer is not trusted."""
    if kind in (VerdictKind.REPRODUCES, VerdictKind.FAILS):
        return Outcome.BUG
    if kind is VerdictKind.PASSES:
        return Outcome.FIXED
    return Outcome.BROKEN


def make_probe(code: str, expected: ErrorSignature | None, *, timeout_s: float, sandbox: str,
               allow_unsandboxed: bool, log_dir: Path | None = None):
    """The probe ``core.bisect.bisect`` calls for one version environment."""

    async def probe(ve: VersionEnv[RunEnvironment]) -> tuple[Outcome, str]:
        spec = RunSpec(code, env=ve.env, timeout_s=timeout_s, sandbox=sandbox,  # type: ignore[arg-type]
                       allow_unsandboxed=allow_unsandboxed, extra_env={"PYTHONPATH": ""}, script_name="repro.py")
        result = await collect(runner_for(ve.env), spec, keep_lines=400, log_dir=log_dir)
        verdict = judge_result(result, expected)
        return outcome_of(verdict.kind), verdict.summary

    return probe


async def fixing_prs(checkout: Path, before: str, after: str, *, traceback: str, message: str | None) -> FixSearch:
    """``find_fixing_commits`` off the event loop (gitpython blocks)."""
    return await asyncio.to_thread(find_fixing_commits, checkout, before, after, traceback=traceback, message=message)


def clear_winner(search: FixSearch) -> int | None:
    """The PR to name in the report: only when the top candidate has one and clearly leads."""
    if not search.candidates or search.candidates[0].pr is None:
        return None
    if len(search.candidates) > 1 and search.candidates[1].score >= search.candidates[0].score:
        return None
    return search.candidates[0].pr
