"""Reading TorchFuzz's multi-seed output (``fuzzer.py --start S --count C``).

The multi-seed mode (``multi_process_fuzzer.run_multi_process_fuzzer`` in PyTorch) exits 0
whether or not seeds fail, so the result is in what it prints:

* a header: ``Starting multi-process fuzzer with N processes``, ``Processing seeds A to B
  (N total)``, ``Command template: python fuzzer.py --seed {seed} --template T``;
* per seed, without tqdm: ``Completed i/N - Seed S: <ok|fail mark>`` with `` (IGNORED)`` for
  failures matching TorchFuzz's known-issue patterns and ``POOL ERROR`` for worker errors;
  with tqdm a progress bar whose postfix is ``successful/failed/ignored``;
* per failing seed (not ignored): ``FAILURE - Seed S (duration: Xs)`` and the seed's own
  output indented by three spaces, blank lines dropped (``STDOUT:``, ``STDERR:``,
  ``Return code: N``, or ``Process timed out after 300 seconds``); with ``--verbose`` also
  ``SUCCESS - Seed S`` and ``IGNORED - Seed S`` blocks;
* a summary after ``SUMMARY`` (``SUMMARY (partial, interrupted)`` on Ctrl+C, exit 130):
  ``Successful: a/N``, ``Failed: f/N``, ``Failed seeds: [...]`` (ignored seeds are not in
  it), ``Successful seeds: [...]``, ``Ignored seeds: [...]`` and ``Pattern i: '...' - n``.

Lines are matched without their emoji (terminals and pipes mangle them) and only at column
0: a seed's output is indented, so a program that prints ``Failed seeds: [...]`` cannot
forge the summary. Nothing here raises on any input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .signature import FuzzSignature, extract_signature

_I = r"-?\d{1,19}"  # bounded: int() of an endless digit run raises
_LEAD = r"^[^\sA-Za-z0-9\[(]{0,8}\s*"  # an optional emoji (or its mangled bytes), at column 0
_HEADER_PROCS = re.compile(_LEAD + rf"Starting multi-process fuzzer with ({_I}|None) processes")
_HEADER_SEEDS = re.compile(_LEAD + rf"Processing seeds ({_I}) to ({_I}) \((\d{{1,19}}) total\)")
_HEADER_TEMPLATE = re.compile(_LEAD + r"Command template: .*--template\s+(\S{1,64})\s*$")
_COMPLETED = re.compile(_LEAD + rf"Completed (\d{{1,19}})/(\d{{1,19}}) - Seed ({_I}): (.*)$")
_BLOCK = re.compile(_LEAD + rf"(FAILURE|IGNORED|SUCCESS) - Seed ({_I}) \(duration: ([\d.]{{1,20}})s\)")
_POOL_ERROR = re.compile(_LEAD + rf"POOL ERROR - Seed ({_I}): (.*)$")
_SUMMARY = re.compile(_LEAD + r"SUMMARY(?: \((partial)[^)]*\))?\s*$")
_COUNT = re.compile(_LEAD + r"(Successful|Failed):\s+(\d{1,19})/(\d{1,19})")
_SEED_LIST = re.compile(_LEAD + r"(Failed|Successful|Ignored) seeds: \[([-\d, ]{0,200000})\]\s*$")
_PATTERN = re.compile(r"^  Pattern (\d{1,6}): (.*) - (\d{1,19}) \(")
_FATAL = re.compile(_LEAD + r"(Unexpected error: .*|Error: .*)$")
_BAR = re.compile(r"(\d{1,19})/(\d{1,19}) \[[^\]]*\].*=(\d{1,19})/(\d{1,19})/(\d{1,19})")
_RETURN_CODE = re.compile(rf"^Return code: ({_I})\s*$", re.M)
_INDENT = "   "
_DETAIL_CHARS = 4000


@dataclass(frozen=True, slots=True)
class SeedResult:
    """One seed of a sweep. ``status``: passed, failed, ignored (a known-issue pattern),
    timeout or pool_error; ``signature`` is the error of a failing seed when its output has one."""

    seed: int
    status: str
    duration_s: float | None = None
    return_code: int | None = None
    signature: FuzzSignature | None = None
    detail: str = ""  # the seed's output (dedented, capped) for failures

    def to_json(self) -> dict:
        return {
            "seed": self.seed,
            "status": self.status,
            "duration_s": self.duration_s,
            "return_code": self.return_code,
            "signature": self.signature.to_json() if self.signature else None,
            "signature_text": self.signature.describe() if self.signature else None,
        }


@dataclass(frozen=True, slots=True)
class SweepReport:
    """What a multi-seed run said. ``failed_seeds`` excludes ignored seeds, like TorchFuzz.

    ``complete`` is True when the final summary was seen; otherwise the seeds come from the
    per-seed lines printed so far (a killed or truncated run).
    """

    first_seed: int | None = None
    last_seed: int | None = None
    total: int | None = None
    processes: int | None = None
    template: str | None = None
    seeds: tuple[SeedResult, ...] = ()
    failed_seeds: tuple[int, ...] = ()
    ignored_seeds: tuple[int, ...] = ()
    successful: int | None = None
    failed: int | None = None
    ignore_patterns: tuple[tuple[int, str, int], ...] = ()
    complete: bool = False
    interrupted: bool = False
    error: str | None = None
    notes: tuple[str, ...] = field(default=())

    def result_of(self, seed: int) -> SeedResult | None:
        return next((r for r in self.seeds if r.seed == seed), None)

    def to_json(self) -> dict:
        return {
            "first_seed": self.first_seed,
            "last_seed": self.last_seed,
            "total": self.total,
            "processes": self.processes,
            "template": self.template,
            "complete": self.complete,
            "interrupted": self.interrupted,
            "error": self.error,
            "successful": self.successful,
            "failed": self.failed,
            "failed_seeds": list(self.failed_seeds),
            "ignored_seeds": list(self.ignored_seeds),
            "ignore_patterns": [{"index": i, "pattern": p, "count": c} for i, p, c in self.ignore_patterns],
            "seeds": [r.to_json() for r in sorted(self.seeds, key=lambda r: r.seed)],
            "notes": list(self.notes),
        }


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"-?\d+", text or "") if len(part.lstrip("-")) <= 19)


def _lines(text: str) -> list[str]:
    # tqdm redraws its bar with carriage returns: every frame is a line of its own here.
    return re.split(r"\r\n|\r|\n", text or "")


def _failure_result(seed: int, kind: str, duration: float | None, block: list[str]) -> SeedResult:
    from .fuzzer import parse_fuzzer_output

    body = "\n".join(block)
    body = body.removeprefix("[IGNORED] ")
    code_match = None
    for code_match in _RETURN_CODE.finditer(body):
        pass
    code = int(code_match.group(1)) if code_match else None
    status = {"FAILURE": "failed", "IGNORED": "ignored", "SUCCESS": "passed"}[kind]
    if status == "failed" and body.startswith("Process timed out after"):
        status = "timeout"
    signature = None
    if status != "passed":
        report = parse_fuzzer_output(body, exit_code=code)
        signature = report.signature if report.failed else None
        if signature is None:
            signature = extract_signature(body, exit_code=code if code not in (None, 0, 1) else None)
    return SeedResult(seed, status, duration, code, signature, body[-_DETAIL_CHARS:] if status != "passed" else "")


def parse_sweep_output(text: str) -> SweepReport:
    """Parse everything a multi-seed run printed (stdout and stderr, interleaved or not).

    A last line without its newline may be cut (``Seed 4: <fail mark>`` of ``... (IGNORED)``),
    so it is not read: pass complete output with its final newline.
    """
    lines = _lines(text)
    if lines:
        lines.pop()  # "" after the final newline, or an unterminated (possibly cut) line
    values: dict = {}
    by_seed: dict[int, SeedResult] = {}
    summary: dict = {}
    patterns: list[tuple[int, str, int]] = []
    bar: tuple[int, ...] | None = None
    in_summary = False
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line or line.startswith(" "):
            if in_summary and (m := _PATTERN.match(line)):
                patterns.append((int(m.group(1)), m.group(2)[:500], int(m.group(3))))
            continue
        if m := _BLOCK.match(line):
            block = []
            while i < len(lines):
                if lines[i].startswith(_INDENT):
                    block.append(lines[i][len(_INDENT) :])
                elif lines[i].strip() and not _BAR.search(lines[i]):
                    break  # tqdm clears and redraws its bar between the block's lines: skip those
                i += 1
            seed = int(m.group(2))
            try:
                duration = float(m.group(3))
            except ValueError:
                duration = None
            result = _failure_result(seed, m.group(1), duration, block)
            # A verbose run prints SUCCESS blocks too; a failure always wins over a plain mark.
            if result.status != "passed" or seed not in by_seed:
                by_seed[seed] = result
            continue
        if m := _COMPLETED.match(line):
            seed, mark = int(m.group(3)), m.group(4)
            if "POOL ERROR" in mark:
                status = "pool_error"
            elif "IGNORED" in mark:
                status = "ignored"
            elif "\u2705" in mark:
                status = "passed"
            else:
                status = "failed"
            current = by_seed.get(seed)
            if current is None or (current.status == "passed" and status != "passed"):
                by_seed[seed] = SeedResult(seed, status)
            continue
        if m := _POOL_ERROR.match(line):
            seed = int(m.group(1))
            by_seed[seed] = SeedResult(seed, "pool_error", detail=m.group(2)[:_DETAIL_CHARS])
            continue
        if m := _SUMMARY.match(line):
            in_summary = True
            summary = {"partial": bool(m.group(1)), "header": True}
            patterns = []
            continue
        # Column-0 counts and seed lists only come from TorchFuzz itself (seed output is
        # indented), so they count even when the SUMMARY line was lost.
        if m := _COUNT.match(line):
            summary[m.group(1).lower()] = int(m.group(2))
            summary["total"] = int(m.group(3))
            continue
        if m := _SEED_LIST.match(line):
            summary[m.group(1).lower() + "_seeds"] = _ints(m.group(2))
            continue
        if m := _HEADER_PROCS.match(line):
            values["processes"] = None if m.group(1) == "None" else int(m.group(1))
            continue
        if m := _HEADER_SEEDS.match(line):
            values.update(first_seed=int(m.group(1)), last_seed=int(m.group(2)), total=int(m.group(3)))
            continue
        if m := _HEADER_TEMPLATE.match(line):
            values["template"] = m.group(1)
            continue
        if m := _FATAL.match(line):
            values["error"] = m.group(1)[:500]
            continue
        if m := _BAR.search(line):
            bar = tuple(int(g) for g in m.groups())

    notes: list[str] = []
    # Whole: the counts were printed, and the failing seeds' list when there are failures.
    complete = (
        bool(summary.get("header"))
        and not summary.get("partial")
        and "successful" in summary
        and "failed" in summary
        and (summary["failed"] == 0 or "failed_seeds" in summary)
    )
    per_seed_failed = tuple(sorted(s for s, r in by_seed.items() if r.status in ("failed", "timeout", "pool_error")))
    per_seed_ignored = tuple(sorted(s for s, r in by_seed.items() if r.status == "ignored"))
    if summary:
        for seed in summary.get("failed_seeds", ()):
            if seed not in by_seed or by_seed[seed].status in ("passed", "ignored"):
                by_seed[seed] = SeedResult(seed, "failed")
        for seed in summary.get("ignored_seeds", ()):
            if seed not in by_seed:
                by_seed[seed] = SeedResult(seed, "ignored")
        for seed in summary.get("successful_seeds", ()):
            by_seed.setdefault(seed, SeedResult(seed, "passed"))
        if "failed_seeds" in summary:
            failed_seeds = tuple(summary["failed_seeds"])
        else:
            # No list (no failures, or the summary was cut off): the per-seed lines say.
            failed_seeds = per_seed_failed
            if summary.get("failed"):
                notes.append("the summary counts failures but its 'Failed seeds' list is missing")
        ignored_seeds = tuple(summary["ignored_seeds"]) if "ignored_seeds" in summary else per_seed_ignored
    else:
        failed_seeds = per_seed_failed
        ignored_seeds = per_seed_ignored
        if by_seed or bar:
            notes.append("no summary: the run was cut short; seeds come from the per-seed lines")
    successful = summary.get("successful")
    failed = summary.get("failed")
    if successful is None and bar is not None:
        successful, failed = bar[2], bar[3]
    return SweepReport(
        first_seed=values.get("first_seed"),
        last_seed=values.get("last_seed"),
        total=values.get("total") if values.get("total") is not None else summary.get("total"),
        processes=values.get("processes"),
        template=values.get("template"),
        seeds=tuple(by_seed[s] for s in sorted(by_seed)),
        failed_seeds=failed_seeds,
        ignored_seeds=ignored_seeds,
        successful=successful,
        failed=failed,
        ignore_patterns=tuple(patterns),
        complete=complete,
        interrupted=bool(summary.get("partial")),
        error=values.get("error"),
        notes=tuple(notes),
    )
