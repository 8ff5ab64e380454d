"""Step 0: run TorchFuzz for the seed (or the given program) and capture the failing
program, its error signature and exit code. A seed that does not fail stops the session."""

from __future__ import annotations

import hashlib
from typing import AsyncIterator

from .errors import FuzzError
from .events import FuzzEvent, Phase, Proof, StepResult
from .fuzzer import find_entry_point, fuzzer_command, parse_fuzzer_output
from .gates import GatedSession
from .proc import ProcFinished, ProcResult
from .signature import extract_signature
from .state import OUTPUT_TAIL, proc_json, timestamp


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
        if source["kind"] == "seed":
            try:
                entry = find_entry_point(self.checkout)
                argv = fuzzer_command(self.config.python, entry, seed=source["seed"], template=source.get("template"))
            except FuzzError as exc:
                ev["error"] = str(exc)
                self._save()
                yield StepResult("capture", False, str(exc), self.step)
                return
            cwd = entry.parent
            yield Phase("capture", f"running TorchFuzz: {' '.join(argv)} (in {cwd})")
        else:
            program = self.session_dir / "program.py"
            program.write_text(source["program"], encoding="utf-8")
            argv, cwd = (self.config.python, str(program)), program.parent
            yield Phase("capture", f"running the given program: {program}")
        result: ProcResult | None = None
        async for event in self.runner.stream(argv, cwd=cwd, env=self._python_env(), timeout_s=self.config.fuzzer_timeout_s):
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
        yield Proof("capture", "program fails", True, signature.describe())
        yield StepResult("capture", True, f"failing program captured: {signature.describe()}", self.step)
