"""What every step of a fuzz session shares: the stored state, saving, the runner, and
the helpers more than one step uses (pytest runs of the session's test, the marker,
``lintrunner -a``, the TorchFuzz configuration text)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, AsyncIterator

from ..store import SessionRecord, Store
from . import gitops, testgen
from .config import FuzzConfig
from .events import FuzzEvent, Phase
from .proc import CommandRunner, ProcFinished
from .pytest_run import PytestRun, run_pytest
from .signature import FuzzSignature
from .state import STEPS, FuzzSessionInfo, Status, info_from, info_of, proc_json, timestamp
from .tools import changes_between, lint_command, parse_lint_output, snapshot


class SessionBase:
    """State, persistence and shared helpers of one session (the steps are mixins on top)."""

    def __init__(self, store: Store, record: SessionRecord, *, data_dir: Path, runner: CommandRunner | None = None):
        self.store = store
        self.id = record.id
        self.step: str = record.step
        self.state: dict[str, Any] = record.state
        self.data_dir = data_dir
        self.config = FuzzConfig.from_json(self.state["config"])
        self.runner = runner or self.config.runner()

    @property
    def status(self) -> Status:
        return self.state.get("status", "active")

    @property
    def checkout(self) -> Path:
        return Path(self.state["checkout"])

    @property
    def base(self) -> str:
        return self.state["base"]

    @property
    def evidence(self) -> dict[str, Any]:
        """Each step's stored evidence, by step name (a copy)."""
        return json.loads(json.dumps(self.state["steps"]))

    @property
    def signature(self) -> FuzzSignature | None:
        return FuzzSignature.from_json(self.state["steps"].get("capture", {}).get("signature"))

    @property
    def spec(self) -> testgen.TestSpec | None:
        data = self.state["steps"].get("repro", {}).get("test")
        return testgen.TestSpec(**data) if data else None

    @property
    def session_dir(self) -> Path:
        path = self.data_dir / "fuzz" / self.id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _save(self) -> None:
        self.store.sessions.save(self.id, step=self.step, state=self.state)

    def _log(self, text: str) -> None:
        self.state.setdefault("log", []).append({"time": timestamp(), "step": self.step, "text": text})

    def _ev(self, name: str) -> dict[str, Any]:
        return self.state["steps"].setdefault(name, {})

    def _index(self, name: str) -> int:
        return STEPS.index(name) if name in STEPS else len(STEPS)

    def _stop(self, reason: str) -> None:
        self.state["status"] = "stopped"
        self.state["stop_reason"] = reason
        self._log(f"stopped: {reason}")

    def _python_env(self) -> dict[str, str]:
        return dict(self.config.extra_env)

    def info(self) -> FuzzSessionInfo:
        record = self.store.sessions.get(self.id)
        return info_of(record) if record else info_from(self.id, self.step, self.state, "", "")

    # -- shared by several steps ------------------------------------------------------

    def _selectors(self, spec: testgen.TestSpec) -> list[str]:
        if spec.style == "device":
            return [spec.file, "-k", spec.method_name]
        return [spec.node_id]

    def _own_outcomes(self, run: PytestRun, spec: testgen.TestSpec):
        return [o for o in run.outcomes if o.name == spec.method_name or o.name.startswith(spec.method_name + "_")]

    async def _pytest(self, step: str, spec_or_selectors, cwd: Path | None = None) -> AsyncIterator[FuzzEvent | PytestRun]:
        selectors = self._selectors(spec_or_selectors) if isinstance(spec_or_selectors, testgen.TestSpec) else list(spec_or_selectors)
        cwd = cwd or self.checkout
        async for item in run_pytest(
            self.runner, python=self.config.python, cwd=cwd, selectors=selectors, env=self._python_env(), timeout_s=self.config.test_timeout_s
        ):
            yield item

    def _unmark(self, spec: testgen.TestSpec, root: Path | None = None) -> bool:
        path = (root or self.checkout) / spec.file
        text = path.read_text(encoding="utf-8")
        if not testgen.has_marker(text, spec):
            return False
        path.write_text(testgen.remove_marker(text, spec), encoding="utf-8")
        return True

    def _session_paths(self, diff: gitops.DiffView) -> list[str]:
        spec = self.spec
        assert spec is not None
        paths = [f.path for f in diff.files if f.status != "deleted"]
        if spec.file not in paths:
            paths.append(spec.file)
        return paths

    def _fuzz_config_text(self) -> str:
        source = self.state["source"]
        if source["kind"] == "seed":
            return f"seed {source['seed']}" + (f", template {source['template']}" if source.get("template") else ", default template")
        return f"program {source.get('origin') or 'pasted'}"

    def _test_commit_message(self) -> str:
        """The message of the commit holding only the test with its expected-failure marker."""
        spec, sig = self.spec, self.signature
        command = self.state["steps"].get("capture", {}).get("command", {}).get("argv")
        config_line = f"TorchFuzz configuration: {self._fuzz_config_text()}" + (
            f" (command: {' '.join(command)})" if command and self.state["source"]["kind"] == "seed" else ""
        )
        issue = self.state.get("issue")
        ref = f"\n\nIssue #{issue}" if issue else ""
        return (
            f"[TorchFuzz] Add expected-failure repro test for {sig.exc_type if sig else 'a fuzz failure'}\n\n"
            f"{spec.node_id if spec else ''} reproduces a failure found by TorchFuzz and is marked as an\n"
            f"expected failure until the fix lands.\n\nError: {sig.describe() if sig else '?'}\n{config_line}{ref}\n"
        )

    async def _lint(self, step: str, paths: list[str], root: Path | None = None) -> AsyncIterator[FuzzEvent | dict]:
        root = root or self.checkout
        before = snapshot(root, paths)
        argv = (self.config.lintrunner, *lint_command(paths)[1:])
        yield Phase(step, f"running {' '.join(argv[:4])} on {len(paths)} file(s)")
        result = None
        async for event in self.runner.stream(argv, cwd=root, env=self._python_env(), timeout_s=self.config.lint_timeout_s):
            if isinstance(event, ProcFinished):
                result = event.result
            yield event
        assert result is not None
        after = snapshot(root, paths)
        parsed = parse_lint_output(result.stdout)
        changes = changes_between(before, after)
        remaining = [m for m in parsed.messages if not m.has_replacement and m.severity.lower() in ("error", "warning", "advice", "")]
        if result.exit_code is None:
            ok, reason = False, result.error or "lintrunner did not finish"
        elif result.exit_code != 0:
            ok = False
            reason = f"lintrunner exited {result.exit_code}" + (f" with {len(remaining)} unfixed message(s)" if remaining else "") + (
                f"; {len(parsed.unparsed)} line(s) of unrecognised output" if parsed.unparsed else ""
            )
        else:
            ok = True
            reason = f"clean ({len(changes)} file(s) changed by its fixes)" + (
                f"; {len(parsed.unparsed)} line(s) of unrecognised output ignored" if parsed.unparsed else ""
            )
        yield {
            "ok": ok,
            "reason": reason,
            "command": proc_json(result),
            "messages": [
                {"path": m.path, "line": m.line, "code": m.code, "severity": m.severity, "name": m.name, "description": m.description, "fixed": m.has_replacement}
                for m in parsed.messages
            ],
            "unparsed": list(parsed.unparsed[:50]),
            "changes": changes,
        }
