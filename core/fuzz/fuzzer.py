"""TorchFuzz itself: finding its entry point in a checkout and reading its output."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import FuzzError
from .signature import FuzzSignature, extract_signature

# Current PyTorch ships fuzzer.py; the workflow text still names torchfuzz.py.
ENTRY_POINTS = ("tools/experimental/torchfuzz/fuzzer.py", "tools/experimental/torchfuzz/torchfuzz.py")

_FAILURE_HEADER = "=== Program Output (Failure) ==="
_SOURCE_HEADER = "=== Program Source ==="
_RULE = re.compile(r"^=+$")
_EXIT_RE = re.compile(r"^Program exited with code:\s*(-?\d+)\s*$", re.M)
_RUNNING_RE = re.compile(r"^Running:\s*(\S+\.py)\s*$", re.M)
_TMP_PROGRAM_RE = re.compile(r"(/\S*/torchfuzz/fuzz_[0-9A-Za-z]+\.py)")
_TEMPLATE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def find_entry_point(checkout: Path) -> Path:
    """The fuzzer script of ``checkout`` (``fuzzer.py``, else ``torchfuzz.py``)."""
    for rel in ENTRY_POINTS:
        path = checkout / rel
        if path.is_file():
            return path
    raise FuzzError(f"no TorchFuzz entry point in {checkout} (looked for {', '.join(ENTRY_POINTS)})")


def fuzzer_command(python: str, entry: Path, *, seed: int, template: str | None = None) -> tuple[str, ...]:
    """``python fuzzer.py --seed N [--template T]`` (run from the script's directory)."""
    argv = [python, entry.name, "--seed", str(int(seed))]
    return tuple(argv + _template_args(template))


def sweep_command(
    python: str, entry: Path, *, start: int, count: int, template: str | None = None, processes: int | None = None
) -> tuple[str, ...]:
    """``python fuzzer.py --start S --count C [--template T] [-p N]``: TorchFuzz's multi-seed mode."""
    if int(count) < 1:
        raise FuzzError("a sweep needs --count of at least 1")
    argv = [python, entry.name, "--start", str(int(start)), "--count", str(int(count))]
    if processes is not None:
        if int(processes) < 1:
            raise FuzzError("a sweep needs at least 1 process")
        argv += ["--processes", str(int(processes))]
    return tuple(argv + _template_args(template))


def _template_args(template: str | None) -> list[str]:
    if not template:
        return []
    if not _TEMPLATE_RE.match(template):
        raise FuzzError(f"template name {template!r} is not a plain name")
    return ["--template", template]


@dataclass(frozen=True, slots=True)
class FuzzerReport:
    """What one single-seed run said: did the program fail, its source, output and exit code."""

    failed: bool
    program_source: str | None
    program_output: str
    program_exit_code: int | None
    program_path: str | None
    signature: FuzzSignature | None


def parse_fuzzer_output(text: str, *, exit_code: int | None = None) -> FuzzerReport:
    """Parse a single-seed run (``=== Program Output (Failure) ===`` ... ``Program exited with code: N``)."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    try:
        fail_at = lines.index(_FAILURE_HEADER)
    except ValueError:
        fail_at = -1
    program_path = None
    running = _RUNNING_RE.search(text or "")
    if running:
        program_path = running.group(1)
    else:
        tmp = _TMP_PROGRAM_RE.search(text or "")
        program_path = tmp.group(1) if tmp else None
    if fail_at < 0:
        return FuzzerReport(False, None, "", None, program_path, None)
    try:
        source_at = lines.index(_SOURCE_HEADER, fail_at + 1)
    except ValueError:
        source_at = len(lines)
    output_lines = lines[fail_at + 1 : source_at]
    while output_lines and (not output_lines[-1].strip() or _RULE.match(output_lines[-1])):
        output_lines.pop()
    source_lines: list[str] = []
    code: int | None = None
    for line in lines[source_at + 1 :]:
        match = _EXIT_RE.match(line)
        if match:
            code = int(match.group(1))
            break
        source_lines.append(line)
    while source_lines and (not source_lines[-1].strip() or _RULE.match(source_lines[-1])):
        source_lines.pop()
    output = "\n".join(output_lines)
    source = "\n".join(source_lines).strip("\n") + "\n" if source_lines else None
    return FuzzerReport(True, source, output, code, program_path, extract_signature(output, exit_code=code))


def parse_failed_seeds(text: str) -> tuple[int, ...]:
    """The failing seeds of a multi-seed run (which exits 0 regardless); see
    :func:`~core.fuzz.sweep_output.parse_sweep_output` for everything else it printed."""
    from .sweep_output import parse_sweep_output

    return parse_sweep_output((text or "") + "\n").failed_seeds
