"""Running the generated test with pytest and reading per-test outcomes from junit XML."""

from __future__ import annotations

import os
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, Sequence

from .proc import CommandRunner, ProcEvent, ProcFinished, ProcResult
from .signature import FuzzSignature, extract_signature, signature_from_message

OUTPUT_TAIL_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class TestOutcome:
    """One test case: ``outcome`` is passed, failed, error, skipped, xfailed or xpassed."""

    name: str
    classname: str
    outcome: str
    message: str = ""


@dataclass(frozen=True, slots=True)
class PytestRun:
    argv: tuple[str, ...]
    cwd: str
    exit_code: int | None
    timed_out: bool
    outcomes: tuple[TestOutcome, ...]
    signature: FuzzSignature | None  # of the first failing test (None when nothing failed)
    output_tail: str
    error: str | None = None

    @property
    def all_passed(self) -> bool:
        return bool(self.outcomes) and self.exit_code == 0 and all(o.outcome in ("passed", "xfailed", "skipped") for o in self.outcomes)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.outcomes:
            out[o.outcome] = out.get(o.outcome, 0) + 1
        return out

    def to_json(self) -> dict:
        return {
            "argv": list(self.argv),
            "cwd": self.cwd,
            "exit_code": self.exit_code,
            "timed_out": self.timed_out,
            "outcomes": [{"name": o.name, "classname": o.classname, "outcome": o.outcome, "message": o.message} for o in self.outcomes],
            "counts": self.counts(),
            "signature": self.signature.to_json() if self.signature else None,
            "output_tail": self.output_tail,
            "error": self.error,
        }


def parse_junit(xml_text: str) -> tuple[TestOutcome, ...]:
    """Outcomes from pytest's junit XML (xfail shows as ``skipped type="pytest.xfail"``)."""
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError:
        return ()
    out = []
    for case in root.iter("testcase"):
        outcome, message = "passed", ""
        for child in case:
            tag = child.tag
            msg = child.get("message") or ""
            if tag == "failure":
                outcome, message = ("xpassed" if "XPASS" in msg else "failed"), msg
            elif tag == "error":
                outcome, message = "error", msg
            elif tag == "skipped":
                outcome = "xfailed" if child.get("type") == "pytest.xfail" else "skipped"
                message = msg
            if outcome != "passed":
                break
        out.append(TestOutcome(case.get("name", ""), case.get("classname", ""), outcome, message))
    return tuple(out)


def pytest_command(python: str, selectors: Sequence[str], junit: str) -> tuple[str, ...]:
    return (python, "-m", "pytest", *selectors, "-p", "no:cacheprovider", "-rA", "--tb=short", "-o", "junit_family=xunit2", f"--junitxml={junit}")


async def run_pytest(
    runner: CommandRunner,
    *,
    python: str,
    cwd: Path,
    selectors: Sequence[str],
    env: dict[str, str] | None = None,
    timeout_s: float = 900.0,
) -> AsyncIterator[ProcEvent | PytestRun]:
    """Stream pytest's lines; the last item is the :class:`PytestRun`."""
    fd, junit = tempfile.mkstemp(prefix="triagedeck-junit-", suffix=".xml")
    os.close(fd)
    try:
        result: ProcResult | None = None
        async for event in runner.stream(
            pytest_command(python, selectors, junit), cwd=cwd, env={"PYTHONDONTWRITEBYTECODE": "1", **(env or {})}, timeout_s=timeout_s
        ):
            if isinstance(event, ProcFinished):
                result = event.result
            yield event
        assert result is not None
        try:
            xml_text = Path(junit).read_text(encoding="utf-8", errors="replace")
        except OSError:
            xml_text = ""
        outcomes = parse_junit(xml_text) if xml_text.strip() else ()
        signature = None
        failing = next((o for o in outcomes if o.outcome in ("failed", "error")), None)
        if failing is not None:
            signature = signature_from_message(failing.message) or extract_signature(result.output, exit_code=result.exit_code)
        elif result.exit_code not in (0, 1) and not outcomes:
            signature = extract_signature(result.output, exit_code=result.exit_code)
        error = result.error
        if error is None and not outcomes:
            error = f"pytest ran no test (exit code {result.exit_code})"
        yield PytestRun(result.argv, result.cwd, result.exit_code, result.timed_out, outcomes, signature, result.output[-OUTPUT_TAIL_CHARS:], error)
    finally:
        try:
            os.unlink(junit)
        except OSError:
            pass
