"""Version environments and the bisection probe (scrub seed, step 5a).

Environments come from three places, merged and ordered by version:

- conda envs whose name matches the configured pattern (``[scrub] conda_pattern``, default
  ``pytorch-<version>``, found with ``conda env list --json``);
- the ``[scrub.versions]`` table mapping a version to an interpreter path or an environment
  (``local:/path/python``, ``conda:NAME``, ``ssh:HOST``, ``ssh:HOST:/remote/python``);
- ssh hosts: ``[scrub.ssh.HOST]`` (HOST is a ``[runners.ssh.HOST]`` table) with
  ``pythons = {"2.4" = "/opt/torch-2.4/bin/python", ...}`` and/or ``conda = true`` (or the
  remote conda executable): the host's ``conda env list --json`` is read over ssh and each
  env matching the pattern runs as ``<env prefix>/bin/python`` on that host.

Each probe runs the repro from a fresh scratch dir under /tmp with ``PYTHONPATH`` cleared,
so a local source tree cannot shadow the env's torch; ssh probes go through the ssh runner
and run in parallel like local ones.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import shlex
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping, Sequence

from core.bisect import Outcome, VersionEnv, version_key
from core.bisect.fixing_pr import FixSearch, find_fixing_commits
from core.errors import ConfigError
from core.models import ErrorSignature
from core.run import RunEnvironment, RunSpec, collect, conda_env, discover_conda_envs, judge_result, parse_environment, runner_for
from core.run.conda import parse_env_list
from core.run.environment import ssh_host_from_config
from core.issue.analysis import analyze_repro
from core.run.launch import RunLauncher, launcher_from_analysis
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


def ssh_python_env(host: str, python: str, runners: Mapping[str, Any]) -> RunEnvironment:
    """The ssh environment of ``[runners.ssh.HOST]`` with another remote interpreter."""
    base = parse_environment(f"ssh:{host}", runners)
    assert base.ssh is not None
    remote = dataclasses.replace(base.ssh, python=python)
    return dataclasses.replace(base, name=f"ssh:{host}:{python}", python=python, ssh=remote)


def _env_from_value(value: Any, runners: Mapping[str, Any]) -> RunEnvironment:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("must be an interpreter path or local:/conda:/ssh: environment", key="scrub.versions")
    text = value.strip()
    if text.startswith("ssh:"):
        host, sep, python = text[4:].partition(":")
        return ssh_python_env(host, python, runners) if sep and python else parse_environment(text, runners)
    if text.startswith(("local", "conda:")):
        return parse_environment(text, runners)
    return parse_environment(f"local:{text}", runners)


async def remote_conda_envs(host_name: str, runners: Mapping[str, Any], conda: str = "conda",
                            timeout_s: float = 30.0) -> list[tuple[str, str]]:
    """(env name, env prefix) of the conda envs on an ssh host (``conda env list --json`` over ssh)."""
    import asyncssh

    from core.run.ssh import connect_options

    table = (runners.get("ssh") or {}).get(host_name)
    if table is None:
        raise ConfigError(f"unknown ssh host {host_name!r} (add a [runners.ssh.{host_name}] table)")
    host = ssh_host_from_config(host_name, table)
    try:
        conn = await asyncio.wait_for(asyncssh.connect(host.host, **connect_options(host)), timeout_s)
    except (OSError, asyncssh.Error, TimeoutError) as exc:
        raise RunnerError(f"cannot connect to {host_name} ({host.host}:{host.port}): {exc}") from exc
    try:
        done = await asyncio.wait_for(conn.run(f"{shlex.quote(conda)} env list --json", check=False), timeout_s)
    except (OSError, asyncssh.Error, TimeoutError) as exc:
        raise RunnerError(f"{host_name}: `conda env list --json` failed: {exc}") from exc
    finally:
        conn.close()
    if done.exit_status != 0:
        raise RunnerError(f"{host_name}: `conda env list --json` failed with exit status {done.exit_status}")
    try:
        envs = parse_env_list(str(done.stdout or ""))
    except (ValueError, AttributeError) as exc:
        raise RunnerError(f"{host_name}: `conda env list --json` printed something that is not its JSON: {exc}") from None
    return [(e.name, e.path) for e in envs]


async def _ssh_version_envs(scrub: Mapping[str, Any], runners: Mapping[str, Any], rx: re.Pattern[str],
                            notes: list[str]) -> list[VersionEnv[RunEnvironment]]:
    """The version environments of the ``[scrub.ssh.HOST]`` tables (hosts listed concurrently)."""
    tables = dict(scrub.get("ssh") or {})

    async def one(host: str, table: Any) -> list[VersionEnv[RunEnvironment]]:
        if not isinstance(table, Mapping):
            notes.append(f"[scrub.ssh.{host}] must be a table")
            return []
        found: list[VersionEnv[RunEnvironment]] = []
        conda = table.get("conda", False)
        if conda:
            exe = conda if isinstance(conda, str) else "conda"
            try:
                for name, prefix in await remote_conda_envs(host, runners, exe):
                    m = rx.match(name)
                    if m:
                        env = ssh_python_env(host, f"{prefix.rstrip('/')}/bin/python", runners)
                        found.append(VersionEnv(m.group("version"), env, f"ssh:{host}:conda:{name}"))
            except (ConfigError, RunnerError) as exc:
                notes.append(f"conda envs on ssh host {host}: {exc}")
        # Listed interpreters need no connection now: an unreachable one is a broken probe later.
        for version, python in dict(table.get("pythons") or {}).items():
            if not isinstance(python, str) or not python.strip():
                notes.append(f"[scrub.ssh.{host}.pythons] {version}: must be a remote interpreter path")
                continue
            try:
                env = ssh_python_env(host, python.strip(), runners)
            except ConfigError as exc:
                notes.append(f"[scrub.ssh.{host}.pythons] {version}: {exc}")
                continue
            found.append(VersionEnv(str(version), env, env.name))
        return found

    groups = await asyncio.gather(*(one(h, t) for h, t in tables.items()))
    return [v for group in groups for v in group]


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
    for ve in await _ssh_version_envs(scrub, runners, rx, notes):
        found[ve.version] = ve
    for version, value in dict(scrub.get("versions") or {}).items():
        try:
            env = _env_from_value(value, runners)
        except ConfigError as exc:
            notes.append(f"[scrub.versions] {version}: {exc}")
            continue
        found[str(version)] = VersionEnv(str(version), env, env.name)
    return sorted(found.values(), key=lambda v: version_key(v.version)), notes


def known_verdicts(envs: Sequence[VersionEnv[RunEnvironment]], *, direction: str, current_env_key: str | None,
                   current_version: str | None, current_outcome: Outcome | None, reported: str | None,
                   worked: str | None) -> dict[str, tuple[Outcome, str]]:
    """Verdicts the bisection need not measure again: the current environment's run (step 5,
    matched by environment or by release), the version the issue was reported on (the bug
    was seen there) and, for a regression, the version it is said to have worked on."""
    known: dict[str, tuple[Outcome, str]] = {}
    if current_outcome is not None:
        for ve in envs:
            if current_env_key is not None and ve.env.key == current_env_key:
                known[ve.version] = (current_outcome, "the run in step 5")
        if current_version and not known:
            known[current_version] = (current_outcome, "the run in step 5")
    if reported and reported not in known:
        known[reported] = (Outcome.BUG, "reported in the issue")
    if direction == "regression" and worked and worked not in known:
        known[worked] = (Outcome.FIXED, "said to work in the issue")
    return known


def outcome_of(kind: VerdictKind) -> Outcome:
    """A run's verdict as bisection evidence; anything but a clean answer is not trusted."""
    if kind in (VerdictKind.REPRODUCES, VerdictKind.FAILS):
        return Outcome.BUG
    if kind is VerdictKind.PASSES:
        return Outcome.FIXED
    return Outcome.BROKEN


def make_probe(code: str, expected: ErrorSignature | None, *, timeout_s: float, sandbox: str,
               allow_unsandboxed: bool, log_dir: Path | None = None, launcher: RunLauncher | None = None):
    """The probe ``core.bisect.bisect`` calls for one version environment.

    ``launcher`` (from the issue's analysis) says how each environment's own interpreter
    starts the repro; without it, it is worked out from the code alone (a bare
    ``init_process_group`` script runs under torchrun with one process).
    """
    if launcher is None:
        launcher = launcher_from_analysis(analyze_repro(code).launcher)

    async def probe(ve: VersionEnv[RunEnvironment]) -> tuple[Outcome, str]:
        spec = RunSpec(code, env=ve.env, timeout_s=timeout_s, sandbox=sandbox,  # type: ignore[arg-type]
                       allow_unsandboxed=allow_unsandboxed, extra_env={"PYTHONPATH": ""}, script_name="repro.py",
                       launcher=launcher)
        result = await collect(runner_for(ve.env), spec, keep_lines=400, log_dir=log_dir)
        verdict = judge_result(result, expected)
        return outcome_of(verdict.kind), verdict.summary

    return probe


async def fixing_prs(checkout: Path, before: str, after: str, *, traceback: str, message: str | None,
                     direction: str = "fix") -> FixSearch:
    """``find_fixing_commits`` off the event loop (gitpython blocks); for a regression the
    same search finds the culprit candidates."""
    return await asyncio.to_thread(find_fixing_commits, checkout, before, after, traceback=traceback, message=message,
                                   direction=direction)


TITLE_UNAVAILABLE = "title unavailable"


async def pr_details(numbers: Sequence[int], fetch: Callable[[int], Awaitable[Any]], *, limit: int = 5,
                     concurrency: int = 3) -> dict[int, dict]:
    """Title, state and merged flag of the first ``limit`` PR numbers, fetched concurrently
    (at most ``concurrency`` at once). ``fetch(n)`` returns an object with ``title``,
    ``state`` and ``merged``; a failing fetch gives ``{"error": "title unavailable: ..."}``
    instead of raising (PR identification is best effort)."""
    wanted = list(dict.fromkeys(n for n in numbers if n))[:limit]
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(number: int) -> tuple[int, dict]:
        async with gate:
            try:
                pull = await fetch(number)
            except Exception as exc:  # noqa: BLE001 - shown, never raised
                reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
                return number, {"error": f"{TITLE_UNAVAILABLE}: {reason}"}
        return number, {"title": str(pull.title), "state": str(pull.state), "merged": bool(pull.merged)}

    return dict(await asyncio.gather(*(one(n) for n in wanted)))


def clear_winner(search: FixSearch) -> int | None:
    """The PR to name in the report: only when the top candidate has one and clearly leads."""
    if not search.candidates or search.candidates[0].pr is None:
        return None
    if len(search.candidates) > 1 and search.candidates[1].score >= search.candidates[0].score:
        return None
    return search.candidates[0].pr
