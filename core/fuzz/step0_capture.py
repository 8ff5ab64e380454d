"""Step 0: run TorchFuzz for the seed (or the given program) and capture the failing
program, its error signature and exit code. A seed that does not fail stops the session."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import AsyncIterator

from .errors import FuzzError
from .events import FuzzEvent, Phase, Proof, StepResult
from .fuzzer import fuzzer_command, parse_fuzzer_output
from .gates import GatedSession
from .proc import ProcFinished, ProcResult
from .signature import extract_signature
from .state import OUTPUT_TAIL, proc_json, timestamp
from .sweep import locate_fuzzer

# The program travels as one argument of the remote command line (at most 128 KiB on Linux).
MAX_REMOTE_PROGRAM_CHARS = 60_000
_CUDA_RE = re.compile(r"cuda|\bnccl\b|\bcudnn\b|\bgpu\b", re.I)


class CaptureStep(GatedSession):
    """Step 0 of :class:`~core.fuzz.session.FuzzSession`."""

    def capture(self) -> AsyncIterator[FuzzEvent]:
        """Step 0: run TorchFuzz for the seed (or the given program) and capture the failure."""
        self._require("capture")
        return self._capture()

    async def _capture(self) -> AsyncIterator[FuzzEvent]:
        source = self.state["source"]
        ev = self._ev("capture")
        ev["attempts"] = ev.get("attempts", 0) + 1
        runner = self.runner
        if source["kind"] == "seed":
            try:
                where = await locate_fuzzer(self.config, self.checkout, local_runner=self.runner)
                argv = fuzzer_command(where.python, Path(where.entry), seed=source["seed"], template=source.get("template"))
            except FuzzError as exc:
                ev["error"] = str(exc)
                self._save()
                yield StepResult("capture", False, str(exc), self.step)
                return
            runner, cwd = where.runner, where.cwd
            ev["entry_point"] = where.entry
            ev["fuzzer_where"] = where.where
            yield Phase("capture", f"running TorchFuzz: {' '.join(argv)} (in {where.where})")
        elif self.config.is_remote:
            # The program runs where TorchFuzz would have run it: on the host.
            if len(source["program"]) > MAX_REMOTE_PROGRAM_CHARS:
                reason = f"the program is too long to send to {self.config.env} ({len(source['program']):,} characters; at most {MAX_REMOTE_PROGRAM_CHARS:,})"
                ev["error"] = reason
                self._save()
                yield StepResult("capture", False, reason, self.step)
                return
            try:
                host = self.config.ssh_host()
            except FuzzError as exc:
                ev["error"] = str(exc)
                self._save()
                yield StepResult("capture", False, str(exc), self.step)
                return
            from .remote import SshCommandRunner

            runner, argv, cwd = SshCommandRunner(host), (host.python, "-c", source["program"]), "/tmp"
            yield Phase("capture", f"running the given program on {self.config.env} ({host.python} -c ...)")
        else:
            program = self.session_dir / "program.py"
            program.write_text(source["program"], encoding="utf-8")
            argv, cwd = (self.config.python, str(program)), program.parent
            yield Phase("capture", f"running the given program: {program}")
        result: ProcResult | None = None
        async for event in runner.stream(argv, cwd=cwd, env=self._python_env(), timeout_s=self.config.fuzzer_timeout_s):
            if isinstance(event, ProcFinished):
                result = event.result
            yield event
        assert result is not None
        ev["command"] = proc_json(result)
        ev["exit_code"] = result.exit_code
        if result.error and result.exit_code is None:
            ev["error"] = result.error
            self._save()
            yield StepResult("capture", False, result.error, self.step)
            return

        if source["kind"] == "seed":
            report = parse_fuzzer_output(result.output, exit_code=result.exit_code)
            if not report.failed:
                if result.exit_code == 0:
                    reason = f"seed {source['seed']} does not fail: TorchFuzz's program ran cleanly (exit 0)"
                    ev["verdict"] = "passes"
                    self._stop(reason)
                    self._save()
                    yield StepResult("capture", False, reason, self.step)
                    return
                reason = f"TorchFuzz exited {result.exit_code} without a failing program (see its output)"
                ev["error"] = reason
                self._save()
                yield StepResult("capture", False, reason, self.step)
                return
            program_source, output, code, signature = report.program_source, report.program_output, report.program_exit_code, report.signature
            ev["fuzzer_program_path"] = report.program_path
        else:
            program_source, output, code = source["program"], result.output, result.exit_code
            if code == 0:
                reason = "the program does not fail: it ran cleanly (exit 0)"
                ev["verdict"] = "passes"
                self._stop(reason)
                self._save()
                yield StepResult("capture", False, reason, self.step)
                return
            signature = extract_signature(output, exit_code=code)
        if not program_source:
            reason = "TorchFuzz reported a failure but printed no program source"
            ev["error"] = reason
            self._save()
            yield StepResult("capture", False, reason, self.step)
            return
        if signature is None:
            reason = f"the program failed (exit {code}) but no exception or signal was found in its output"
            ev["error"] = reason
            ev["program_output"] = output[-OUTPUT_TAIL:]
            self._save()
            yield StepResult("capture", False, reason, self.step)
            return
        saved = self.session_dir / "program.py"
        saved.write_text(program_source, encoding="utf-8")
        ev.update(
            verdict="fails",
            error=None,
            program_source=program_source,
            program_path=str(saved),
            program_digest=hashlib.sha256(program_source.encode()).hexdigest()[:16],
            program_output=output[-OUTPUT_TAIL:],
            program_exit_code=code,
            signature=signature.to_json(),
            captured_at=timestamp(),
        )
        self.step = "repro"
        self._log(f"captured failing program: {signature.describe()}")
        self._save()
        if self.config.is_remote:
            async for note in self._remote_notes(program_source, output):
                yield note
        yield Proof("capture", "program fails", True, signature.describe())
        yield StepResult("capture", True, f"failing program captured: {signature.describe()}", self.step)

    async def _remote_notes(self, program_source: str, output: str) -> AsyncIterator[FuzzEvent]:
        """Say plainly where the next steps run; warn when the failure looks CUDA-bound and
        the local interpreter has no CUDA (the test may then not fail the same way)."""
        ev = self._ev("capture")
        notes = [
            (
                f"TorchFuzz ran on {self.config.env} ({self.config.remote_checkout}); steps 1-3 (test, fix, lint) run in "
                f"the local checkout {self.checkout} with {self.config.python}, and step 5 commits and pushes from there."
            )
        ]
        mentions = _CUDA_RE.search(output or "") or _CUDA_RE.search(program_source or "")
        ev["mentions_cuda"] = bool(mentions)
        if mentions:
            from ..run.environment import local_env
            from ..run.probe import probe_environment

            probe = await probe_environment(local_env(self.config.python))
            ev["local_cuda"] = bool(probe.cuda_available)
            if not probe.cuda_available:
                why = (
                    probe.error
                    or (f"torch not importable: {probe.torch_error}" if probe.torch_error else None)
                    or f"torch {probe.torch} reports no CUDA device"
                )
                notes.append(
                    f"The captured failure mentions CUDA ({mentions.group(0)!r}) but {self.config.python} here has none "
                    f"({why[:200]}): the step-1 test runs locally and may not fail the same way."
                )
        ev["env_notes"] = notes
        for note in notes:
            self._log(note)
        self._save()
        for note in notes:
            yield Phase("capture", note)
