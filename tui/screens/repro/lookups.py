"""What the repro pane looks up in the background: the thread analysis, the run targets,
their probes and the sandbox. Each worker posts one message; its handler applies it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import work

from core.errors import ConfigError, TriagedeckError
from core.issue.report import analyze_issue
from core.models import Trust
from core.run import (
    RunEnvironment,
    conda_env,
    discover_conda_envs,
    local_env,
    parse_environment,
    probe_environment,
    sandbox_status,
)
from core.text import one_line

from .messages import _Analyzed, _Probed, _SandboxChecked, _Targets

CollaboratorCheck = Callable[[str], Awaitable[Trust]]


class ReproLookups:
    """Mixed into :class:`ReproScreen`: background lookups and picking the run target."""

    def _check(self) -> CollaboratorCheck | None:
        if self._collaborator_check is not None:
            return self._collaborator_check
        workbench = getattr(self.app, "workbench", None)
        return getattr(workbench, "collaborator", None)

    @work(group="repro-analyse")
    async def analyse(self) -> None:
        check = self._check()
        if check is not None:
            # Show the code now; the collaborator check is an HTTP round trip. Until it lands the
            # trust is UNKNOWN, which keeps the run behind the review gate (the safe side).
            try:
                quick = await analyze_issue(self.thread, python=None, collaborator_check=None)
            except Exception:  # noqa: BLE001 - the full analysis below reports the error
                quick = None
            if quick is not None:
                self.post_message(_Analyzed(quick, {}, None, checking=True))
        try:
            analysis = await analyze_issue(self.thread, python=None, collaborator_check=check)
        except Exception as exc:  # noqa: BLE001 - a parser bug must not take the pane down
            self.post_message(_Analyzed(None, {}, f"{type(exc).__name__}: {exc}"))
            return
        trusts: dict[str, Trust | None] = {}
        if analysis.trust is not None and analysis.selection.selected is not None:
            trusts[analysis.selection.selected.author] = analysis.trust.trust
        for c in analysis.selection.candidates:
            if c.author in trusts:
                continue
            if check is None:
                trusts[c.author] = None
                continue
            try:
                trusts[c.author] = await check(c.author)
            except Exception:  # noqa: BLE001 - a failed check means "unknown", never "trusted"
                trusts[c.author] = Trust.UNKNOWN
        self.post_message(_Analyzed(analysis, trusts, None))

    @work(group="repro-targets")
    async def find_targets(self) -> None:
        runners = self._runners_config()
        envs: list[RunEnvironment] = []
        notes: list[str] = []
        try:
            envs.append(parse_environment("local", runners))
        except ConfigError as exc:
            notes.append(f"local: {exc}")
            envs.append(local_env())
        try:
            envs += [conda_env(e.name, runners) for e in await discover_conda_envs(runners)]
        except TriagedeckError as exc:
            notes.append(f"conda: {exc}")
        for name in sorted(runners.get("ssh") or {}):
            try:
                envs.append(parse_environment(f"ssh:{name}", runners))
            except ConfigError as exc:
                notes.append(f"ssh {name}: {exc}")
        self.post_message(_Targets(envs, "\n".join(one_line(n, max_chars=200) for n in notes)))

    def _runners_config(self) -> dict:
        workbench = getattr(self.app, "workbench", None)
        config = getattr(workbench, "config", None)
        extra = getattr(config, "extra", None) or {}
        runners = extra.get("runners") if hasattr(extra, "get") else None
        return dict(runners or {})

    @work(thread=True, group="repro-sandbox")
    def check_sandbox(self) -> None:
        status = sandbox_status()  # runs bwrap once (cached): kept off the UI thread
        self.post_message(_SandboxChecked(status.usable, status.reason))

    @work(group="repro-probe", exclusive=True)
    async def probe_target(self, env: RunEnvironment) -> None:
        probe = await probe_environment(env)
        if probe.error:
            text = f"probe failed: {probe.error}"
        else:
            parts = [f"python {probe.python}"]
            parts.append(f"torch {probe.torch}" if probe.torch else "no torch")
            if probe.torch:
                parts.append(f"CUDA {probe.torch_cuda or '-'}; GPU: {probe.gpu or 'none'}")
            text = " · ".join(parts)
        self.post_message(_Probed(env.key, one_line(text, max_chars=200)))

    def on__analyzed(self, message: _Analyzed) -> None:
        refining = self.analysis is not None and self.trust_checking and not message.checking
        self.analysis = message.analysis
        self.analysis_error = message.error
        self._trusts = dict(message.trusts)
        self.trust_checking = message.checking
        if message.analysis is not None:
            sel = message.analysis.selection
            keep = refining and len(sel.candidates) == len(self.candidates)  # the maintainer may have moved on
            self.candidates = sel.candidates
            if not keep:
                self.index = next((i for i, c in enumerate(sel.candidates) if c is sel.selected), 0)
        self._refresh_all()

    def on__targets(self, message: _Targets) -> None:
        current = self.target.key
        self.envs = message.envs or [local_env()]
        self.env_index = next((i for i, e in enumerate(self.envs) if e.key == current), 0)
        self._targets_note = message.note
        self._refresh_side()
        self.refresh_bindings()

    def on__probed(self, message: _Probed) -> None:
        self._probes[message.key] = message.text
        self._refresh_side()

    def on__sandbox_checked(self, message: _SandboxChecked) -> None:
        self.sandbox_usable = message.usable
        self.sandbox_reason = message.reason

    def action_next_target(self) -> None:
        self.env_index = (self.env_index + 1) % len(self.envs)
        if self.probe and self.target.key not in self._probes:
            self.probe_target(self.target)
        self._refresh_side()
        self.refresh_bindings()
