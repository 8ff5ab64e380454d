"""Judge a run's outcome against the reported error (seed step 5).

Verdicts: ``reproduces`` (same exception class + distinctive substring, or the same
signal), ``passes`` (exit 0, reported error not seen), ``different_error`` (with a hint
when it looks like a setup problem), ``fails`` (a failure but no reported error to compare
with), ``crash`` (killed by a signal), ``cuda_oom`` and ``timeout``. Every verdict carries
the lines it rests on.
"""

from __future__ import annotations

import re
import signal as _signal
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Sequence

from core.models import ErrorSignature

if TYPE_CHECKING:
    from .result import RunResult


class VerdictKind(str, Enum):
    REPRODUCES = "reproduces"
    PASSES = "passes"
    DIFFERENT_ERROR = "different_error"
    FAILS = "fails"
    CRASH = "crash"
    CUDA_OOM = "cuda_oom"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class ObservedError:
    """An exception seen in the output: class, message, and the line index it was on."""

    exception_class: str
    message: str
    line_index: int

    @property
    def line(self) -> str:
        return f"{self.exception_class}: {self.message}" if self.message else self.exception_class


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: VerdictKind
    summary: str
    evidence: tuple[str, ...] = ()
    hint: str | None = None
    setup_problem: bool = False
    observed: ObservedError | None = None
    flags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "summary": self.summary,
            "evidence": list(self.evidence),
            "hint": self.hint,
            "setup_problem": self.setup_problem,
            "observed": None
            if self.observed is None
            else {"exception_class": self.observed.exception_class, "message": self.observed.message},
            "flags": list(self.flags),
        }


# --- normalisation: the one shared with the error-signature extractor, so a reported
# substring and a run's output are normalised by the same rules --------------------------

from core.issue.classify import ErrorKind, find_errors as _find_errors  # noqa: E402
from core.issue.signature import normalise, same_class  # noqa: E402


# --- finding errors in output ----------------------------------------------------------------
def find_errors(lines: Sequence[str]) -> list[ObservedError]:
    """Exceptions in the output, in order (traceback endings, ``XError: ...`` lines, C++
    ``terminate called ... what(): ...``), found by the same recogniser that reads the
    reported error in the issue, so both sides of a comparison agree on what an error is."""
    # One output line per text line: a stray carriage return must not shift the indexes.
    text = "\n".join(line.replace("\r", " ") for line in lines)
    return [
        ObservedError(e.exception_class, e.message.strip(), e.line)
        for e in _find_errors(text)
        if e.exception_class and e.kind is not ErrorKind.SIGNAL
    ]


# torchrun's own report of failed workers: its traceback ends in ChildFailedError, followed by
# a summary per failed rank ("exitcode  : -11 (pid: 123)"). The bug is in the worker's output
# above it (rank-prefixed tracebacks), so the wrapper error never stands for the run's error.
_LAUNCHER_WRAPPER = re.compile(r"(?:^|\.)ChildFailedError$")
_ROOT_CAUSE = re.compile(r"^\s*Root Cause\b")
_ROOT_RANK = re.compile(r"^\s*rank\s*:\s*(\d+)\b")
_ROOT_EXITCODE = re.compile(r"^\s*exitcode\s*:\s*(-?\d+)\b")


def is_launcher_wrapper(error: ObservedError) -> bool:
    """Whether ``error`` is torchrun's summary of failed workers rather than a worker's own error."""
    return _LAUNCHER_WRAPPER.search(error.exception_class) is not None


@dataclass(frozen=True, slots=True)
class RootCause:
    """torchrun's "Root Cause (first observed failure)": the rank and how it exited."""

    rank: int | None
    exitcode: int | None

    @property
    def signal(self) -> int | None:
        return -self.exitcode if self.exitcode is not None and self.exitcode < 0 else None


def root_cause(lines: Sequence[str], errors: Sequence[ObservedError]) -> RootCause | None:
    """The first failed worker named in torchrun's failure summary, or None without one.

    Only the root-cause block counts: the "Failures" block above it lists the workers torchrun
    itself stopped afterwards (SIGTERM), which say nothing about the bug.
    """
    wrapper = next((e for e in reversed(errors) if is_launcher_wrapper(e)), None)
    if wrapper is None:
        return None
    rank = exitcode = None
    in_root = False
    for line in lines[wrapper.line_index :]:
        if _ROOT_CAUSE.match(line):
            in_root = True
        elif in_root and rank is None and (m := _ROOT_RANK.match(line)):
            rank = int(m.group(1))
        elif in_root and (m := _ROOT_EXITCODE.match(line)):
            exitcode = int(m.group(1))
            break
    return RootCause(rank, exitcode) if in_root else None


def worker_errors(errors: Sequence[ObservedError], lines: Sequence[str] = ()) -> list[ObservedError]:
    """``errors`` without torchrun's wrapper (kept when it is the only error seen); the
    root-cause rank's own errors (``[rankN]:`` lines) last, so they stand for the run."""
    own = [e for e in errors if not is_launcher_wrapper(e)]
    if not own:
        return list(errors)
    cause = root_cause(lines, errors) if lines else None
    if cause is not None and cause.rank is not None:
        prefix = f"[rank{cause.rank}]:"
        mine = [e for e in own if lines[e.line_index].lstrip().startswith(prefix)]
        own = [e for e in own if e not in mine] + mine
    return own


def class_matches(expected: str, observed: str) -> bool:
    """``torch._dynamo.exc.Unsupported`` matches ``Unsupported`` and vice versa."""
    return same_class(expected, observed)


# --- the recognisers of special outcomes -----------------------------------------------------

_OOM = re.compile(r"CUDA out of memory|OutOfMemoryError|CUDA error: out of memory|HIP out of memory|CUBLAS_STATUS_ALLOC_FAILED")
_CUDA_MISSING = re.compile(
    r"Torch not compiled with CUDA enabled|No CUDA GPUs are available|Found no NVIDIA driver"
    r"|CUDA driver initialization failed|no kernel image is available|NVIDIA driver on your system is too old",
    re.IGNORECASE,
)
_TORCH_MODULE_MISSING = re.compile(r"No module named '(?P<mod>torch(?:\.[\w.]+)?)'")
_TORCH_IMPORT_NAME = re.compile(r"cannot import name '(?P<name>\w+)' from '(?P<mod>torch[\w.]*)'")
_TORCH_ATTRIBUTE = re.compile(r"module '(?P<mod>torch[\w.]*)' has no attribute '(?P<name>\w+)'")
_MODULE_MISSING = re.compile(r"No module named '(?P<mod>[\w.]+)'")
_RENAMED = re.compile(
    r"has been renamed|was renamed|has been removed|was removed in|is deprecated|has been deprecated"
    r"|no longer supported|use \S+ instead|got an unexpected keyword argument",
    re.IGNORECASE,
)

_CRASH_NAMES = {
    _signal.SIGSEGV: "segmentation fault (SIGSEGV)",
    _signal.SIGABRT: "aborted (SIGABRT), e.g. an uncaught C++ exception or a failed assert",
    _signal.SIGKILL: "killed (SIGKILL): possibly OOM-killed",
    _signal.SIGBUS: "bus error (SIGBUS)",
    _signal.SIGFPE: "floating-point exception (SIGFPE)",
    _signal.SIGILL: "illegal instruction (SIGILL)",
}


def crash_description(sig: int) -> str:
    if sig in _CRASH_NAMES:
        return _CRASH_NAMES[sig]
    try:
        return f"killed by {_signal.Signals(sig).name}"
    except ValueError:
        return f"killed by signal {sig}"


def _lines_matching(lines: Sequence[str], pattern: re.Pattern[str], limit: int = 5) -> list[str]:
    return [line for line in lines if pattern.search(line)][:limit]


# "UserWarning: Failed to initialize NumPy: No module named 'numpy'" or a FutureWarning saying
# something "is deprecated" is noise printed by a run that failed for another reason.
_WARNING_LINE = re.compile(r"\b[A-Z]\w*Warning\b:|^\s*warnings\.warn\(")


def setup_hint(error: ObservedError | None, lines: Sequence[str]) -> tuple[str | None, tuple[str, ...]]:
    """A hint when a failure looks like a setup problem rather than a different bug."""
    text_lines = [error.line] if error else []
    text_lines += [line for line in lines[-200:] if line not in text_lines and not _WARNING_LINE.search(line)]
    for line in text_lines:
        if _CUDA_MISSING.search(line):
            return "needs CUDA, which this environment does not have (CPU-only torch or no GPU): run it on a GPU host", (line,)
    for line in text_lines:
        m = _TORCH_MODULE_MISSING.search(line)
        if m:
            if m.group("mod") == "torch":
                return "torch is not installed in this environment", (line,)
            return f"setup problem: module {m.group('mod')} does not exist in this torch (moved or renamed API?)", (line,)
        m = _TORCH_IMPORT_NAME.search(line) or _TORCH_ATTRIBUTE.search(line)
        if m:
            return (
                f"setup problem: {m.group('mod')}.{m.group('name')} does not exist in this torch (renamed or moved API?):"
                " adapt the repro to the current API",
                (line,),
            )
        if _RENAMED.search(line):
            return "setup problem: the API changed since the report: adapt the repro to the current API", (line,)
    for line in text_lines:
        m = _MODULE_MISSING.search(line)
        if m:
            return f"missing third-party package {m.group('mod').split('.')[0]!r}: ask before installing it", (line,)
    return None, ()


def _tail(lines: Sequence[str], n: int = 5) -> tuple[str, ...]:
    return tuple(line for line in lines[-n:])


def _match_expected(expected: ErrorSignature, lines: Sequence[str], errors: list[ObservedError]) -> tuple[str, ...] | None:
    """Evidence lines when the output shows the expected class and substring, else None."""
    evidence: list[str] = []
    if expected.exception_class:
        hits = [e for e in errors if class_matches(expected.exception_class, e.exception_class)]
        if not hits:
            return None
        evidence.append(lines[hits[-1].line_index])
    if expected.message_substring:
        needle = normalise(expected.message_substring)
        if not needle:
            return tuple(evidence) if evidence else None
        hit = next((line for line in reversed(lines) if needle in normalise(line)), None)
        if hit is None:
            # The message may span lines (dynamo's multi-line messages).
            if needle not in normalise(" ".join(lines[-400:])):
                return None
            hit = "(substring found across several lines)"
        if hit not in evidence:
            evidence.append(hit)
    return tuple(evidence) if evidence else None


def judge(
    lines: Sequence[str],
    exit_code: int | None,
    signal: int | None = None,
    timed_out: bool = False,
    expected: ErrorSignature | None = None,
) -> Verdict:
    """The verdict of one run from its output lines and exit status."""
    lines = list(lines)
    errors = find_errors(lines)
    # Under torchrun the run's error is the worker's, never the launcher's ChildFailedError.
    own_errors = worker_errors(errors, lines)
    last_error = own_errors[-1] if own_errors else None
    if signal is None and exit_code is not None and exit_code > 128:
        signal = exit_code - 128
    worker = ""
    if signal is None and exit_code:
        cause = root_cause(lines, errors)
        if cause is not None and cause.signal is not None:
            signal, worker = cause.signal, " (a torchrun worker)"
    expecting = expected is not None and not expected.empty

    if timed_out:
        return Verdict(
            VerdictKind.TIMEOUT,
            "timed out and was killed: a hang, unless the run is just slow; is a hang the reported bug?",
            _tail(lines),
            observed=last_error,
        )
    if expecting:
        assert expected is not None
        if expected.signal is not None and signal == expected.signal:
            return Verdict(
                VerdictKind.REPRODUCES,
                f"reproduces{worker}: {crash_description(signal)}, as reported",
                _tail(lines),
                observed=last_error,
            )
        if expected.exception_class or expected.message_substring:
            evidence = _match_expected(expected, lines, errors)
            if evidence is not None:
                what = expected.exception_class or "the reported message"
                return Verdict(VerdictKind.REPRODUCES, f"reproduces: {what} with the reported message", evidence, observed=last_error)
    oom = _lines_matching(lines, _OOM)
    if oom:
        return Verdict(
            VerdictKind.CUDA_OOM,
            "CUDA out of memory: reduce sizes before concluding",
            tuple(oom),
            observed=last_error,
            flags=("reduce_sizes_before_concluding",),
        )
    if signal is not None:
        hint, hint_lines = setup_hint(last_error, lines)
        status = f"torchrun exit status {exit_code}" if worker else f"exit status {128 + signal}"
        return Verdict(
            VerdictKind.CRASH,
            f"crashed{worker}: {crash_description(signal)} ({status})",
            tuple(dict.fromkeys([*hint_lines, *_tail(lines)])),
            hint=None if signal != _signal.SIGKILL else "killed with SIGKILL: check memory (the OOM killer) before concluding",
            observed=last_error,
        )
    if exit_code == 0:
        summary = "passes: exit status 0" + (", the reported error was not seen" if expecting else "")
        return Verdict(VerdictKind.PASSES, summary, _tail(lines, 3))
    hint, hint_lines = setup_hint(last_error, lines)
    evidence = tuple(dict.fromkeys([*([last_error.line] if last_error else []), *hint_lines])) or _tail(lines)
    described = last_error.line if last_error else f"exit status {exit_code}"
    if expecting:
        return Verdict(
            VerdictKind.DIFFERENT_ERROR,
            f"different error: {described}",
            evidence,
            hint=hint,
            setup_problem=hint is not None,
            observed=last_error,
        )
    return Verdict(
        VerdictKind.FAILS,
        f"fails with {described} (no reported error to compare with)",
        evidence,
        hint=hint,
        setup_problem=hint is not None,
        observed=last_error,
    )


def judge_result(result: "RunResult", expected: ErrorSignature | None = None) -> Verdict:
    """The verdict of a collected run (judged on the lines it kept)."""
    return judge(
        [line.text for line in result.tail],
        result.exit_code,
        result.signal,
        result.timed_out,
        expected,
    )
