"""What the fuzz-session screen draws: the step list and one panel per step, as Rich
renderables built from the session's stored evidence (literal Text, never markup)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text

from core.fuzz import QUALITY_ROWS, STEPS, SUMMARY_QUESTIONS, FuzzError, FuzzSession
from core.fuzz.state import STEP_TITLES
from core.fuzz.testgen import extract_method
from core.text import inert, one_line

TAIL_LINES = 12
_MARK = {"proven": ("✔", "bold green"), "failed": ("✘", "bold red"), "running": ("▶", "bold yellow"), "open": ("●", "bold cyan"), "locked": ("·", "dim"), "stopped": ("■", "bold red")}
QUALITY_TITLES = {
    "complexity": "Complexity",
    "dry": "DRY",
    "early_exit": "Early exit",
    "correctness": "Correctness",
    "root_cause": "Root cause",
    "edge_cases": "Edge cases",
}


@dataclass(frozen=True, slots=True)
class StepRow:
    name: str
    number: int
    title: str
    status: str  # proven, failed, running, open, locked, stopped
    reason: str | None


def source_text(state: dict[str, Any]) -> str:
    """``seed 1 (template unbacked)`` or ``program crash.py``."""
    source = state.get("source", {})
    if source.get("kind") == "seed":
        template = source.get("template")
        return f"seed {source.get('seed')}" + (f" (template {template})" if template else "")
    return f"program {source.get('origin') or 'pasted'}"


def _failed(session: FuzzSession, name: str) -> bool:
    """Whether the current step's last attempt failed (from its stored evidence)."""
    ev = session.state["steps"].get(name, {})
    if name == "capture":
        return bool(ev.get("error")) or ev.get("verdict") == "passes"
    if name == "repro":
        return ("run_fail" in ev and not ev.get("fails_same")) or ("run_xfail" in ev and not ev.get("xfail"))
    if name == "fix":
        check = ev.get("check", {})
        return "test_run" in check and not check.get("ok")
    if name == "validate":
        if "lint" not in ev or "fail_without" not in ev:
            return False
        lint_ok = ev["lint"].get("ok") or not session.config.require_lint
        return not (lint_ok and ev.get("pass_with", {}).get("ok") and ev["fail_without"].get("ok"))
    if name == "publish":
        attempts = ev.get("push_attempts", [])
        lints = [ev.get(k) for k in ("lint_commit1", "lint_commit2") if ev.get(k)]
        return (bool(attempts) and not ev.get("pr_urls")) or (any(not lint.get("ok") for lint in lints) and len(ev.get("commits", [])) < 2)
    return False


def step_rows(session: FuzzSession, running: str | None) -> list[StepRow]:
    """Steps 0–5 with their status and, for the first locked one, the gate's reason."""
    rows: list[StepRow] = []
    current = STEPS.index(session.step) if session.step in STEPS else len(STEPS)
    status = session.status
    first_locked = True
    for i, name in enumerate(STEPS):
        reason = None
        if status == "done" or i < current:
            state = "proven"
        elif i == current and status == "stopped":
            state, reason = "stopped", session.state.get("stop_reason")
        elif i == current:
            state = "running" if running == name else ("failed" if _failed(session, name) else "open")
        else:
            state = "locked"
            if status != "active":
                reason = f"the session is {status}" if first_locked else None
            elif first_locked:
                reason = session.locked_reason(name)
            else:
                reason = f"opens after step {i - 1}"
            first_locked = False
        rows.append(StepRow(name, i, STEP_TITLES[name], state, reason))
    return rows


def steps_text(rows: list[StepRow], viewing: str) -> Text:
    text = Text()
    for row in rows:
        mark, style = _MARK[row.status]
        if text:
            text.append("\n")
        pointer = "›" if row.name == viewing else " "
        text.append(f"{pointer}{mark} ", style=style)
        title = row.title.split(": ", 1)[-1]
        text.append(f"{row.number} {title}", style="bold" if row.name == viewing else "")
        text.append(f"\n     {row.status}", style=style if row.status != "locked" else "dim")
        if row.reason:
            text.append(f"\n     {one_line(row.reason, max_chars=400)}", style="italic dim" if row.status == "locked" else "italic")
    return text


# -- small pieces -----------------------------------------------------------------------


def _heading(title: str) -> Text:
    return Text(title, style="bold underline")


def _check(ok: bool | None, label: str, detail: str = "") -> Text:
    text = Text()
    if ok is None:
        text.append("○ ", style="dim")
    else:
        text.append("✔ " if ok else "✘ ", style="bold green" if ok else "bold red")
    text.append(label, style="bold")
    if detail:
        text.append(f": {one_line(detail, max_chars=500)}")
    return text


def _tail(output: str, lines: int = TAIL_LINES) -> Text:
    rows = inert(output or "").splitlines()[-lines:]
    return Text("\n".join("  │ " + r[:200] for r in rows) or "  │ (no output)", style="dim")


def _command(command: dict | None) -> Text:
    if not command:
        return Text("")
    argv = " ".join(command.get("argv", []))
    text = Text("  $ ", style="dim")
    text.append(one_line(argv, max_chars=300))
    code = command.get("exit_code")
    text.append(f"   (exit {code})" if code is not None else f"   ({command.get('error') or 'did not finish'})", style="dim")
    return text


def _outcomes(run: dict | None) -> str:
    if not run:
        return ""
    outs = run.get("outcomes", [])
    return ", ".join(f"{o['name']}: {o['outcome']}" for o in outs) or (run.get("error") or "no test ran")


@functools.lru_cache(maxsize=8)
def _highlighted(source: str) -> Text:
    code = Syntax(source, "python", theme="ansi_dark", background_color="default").highlight(source)
    lines = code.split("\n")
    while lines and not lines[-1].plain:
        lines.pop()
    width = len(str(len(lines)))
    out = Text(no_wrap=True, overflow="ellipsis")
    for number, line in enumerate(lines, 1):
        out.append(f"{number:>{width}} │ ", style="dim")
        out.append_text(line)
        out.append("\n")
    out.rstrip()
    return out


def _program(source: str) -> Text:
    """Python, syntax highlighted with line numbers (lexed once per source)."""
    return _highlighted(inert(source)).copy()


# -- the panels --------------------------------------------------------------------------


def capture_panel(session: FuzzSession) -> RenderableType:
    ev = session.state["steps"].get("capture", {})
    parts: list[RenderableType] = [_heading(STEP_TITLES["capture"]), Text(f"Source: {source_text(session.state)}")]
    if not ev:
        parts.append(Text("Not run yet: press r to run TorchFuzz (or the program) and capture the failure.", style="italic"))
        return Group(*parts)
    parts.append(_command(ev.get("command")))
    verdict = ev.get("verdict")
    if verdict == "fails":
        parts.append(_check(True, "the program fails", f"exit {ev.get('program_exit_code')}"))
    elif verdict == "passes":
        parts.append(_check(False, "the program does not fail", session.state.get("stop_reason") or ""))
    if ev.get("error"):
        parts.append(_check(False, "capture failed", ev["error"]))
    sig = session.signature
    if sig is not None:
        parts.append(Text.assemble(("Error signature: ", "bold"), (one_line(sig.describe(), max_chars=400), "bold red")))
    # ssh env: where the next steps run, and a warning when a CUDA failure meets a CUDA-less local python.
    for note in ev.get("env_notes") or []:
        parts.append(Text(one_line(note, max_chars=400), style="bold yellow" if "mentions CUDA" in note else "italic"))
    if ev.get("program_source"):
        parts += [Text(""), _heading("Failing program"), _program(ev["program_source"])]
    if ev.get("program_output"):
        parts += [Text(""), _heading("Program output (tail)"), _tail(ev["program_output"])]
    return Group(*parts)


_TEST_CACHE: dict[tuple[str, int], str] = {}


def generated_test(session: FuzzSession) -> str | None:
    """The session's test method as it is in the checkout now (cached per file version)."""
    spec = session.spec
    if spec is None:
        return None
    path = session.checkout / spec.file
    try:
        key = (str(path), path.stat().st_mtime_ns)
        if key not in _TEST_CACHE:
            _TEST_CACHE.clear()
            _TEST_CACHE[key] = extract_method(path.read_text(encoding="utf-8"), spec)
        return _TEST_CACHE[key]
    except (OSError, SyntaxError, StopIteration, ValueError, FuzzError):
        return None


def repro_panel(session: FuzzSession) -> RenderableType:
    ev = session.state["steps"].get("repro", {})
    parts: list[RenderableType] = [_heading(STEP_TITLES["repro"])]
    expected = session.signature
    if expected is not None:
        parts.append(Text.assemble(("Fuzzer's error: ", "bold"), (one_line(expected.describe(), max_chars=300), "bold red")))
    spec = session.spec
    if spec is None:
        parts.append(Text("Not run yet: press r to write the test, prove it fails the same way, mark it and prove the xfail.", style="italic"))
        return Group(*parts)
    parts.append(Text.assemble(("Test: ", "bold"), one_line(spec.node_id, max_chars=300), (f"   ({spec.style} style)", "dim")))
    if ev.get("marker"):
        parts.append(Text.assemble(("Marker: ", "bold"), one_line(ev["marker"], max_chars=200)))
    run_fail = ev.get("run_fail")
    if run_fail is None:
        parts.append(_check(None, "fails with the same error as the fuzzer", "not proven yet"))
    else:
        got = run_fail.get("signature")
        detail = _outcomes(run_fail)
        if got:
            detail += f" — {got.get('qualname') or got.get('exc_type')}: {got.get('message', '')}"
        parts.append(_check(bool(ev.get("fails_same")), "fails with the same error as the fuzzer", detail))
        parts += [_command(run_fail), _tail(run_fail.get("output_tail", ""), 6)]
    run_xfail = ev.get("run_xfail")
    if run_xfail is None:
        parts.append(_check(None, "reported as xfail with the marker", "not proven yet"))
    else:
        parts.append(_check(bool(ev.get("xfail")), "reported as xfail with the marker", _outcomes(run_xfail)))
        parts += [_command(run_xfail), _tail(run_xfail.get("output_tail", ""), 6)]
    test_pr = ev.get("test_pr") or {}
    if test_pr.get("commit"):
        parts.append(_check(True, "test-only commit (optional PR)", f"{test_pr['commit'][:12]} on {test_pr.get('branch', '')}"))
        if test_pr.get("pr_urls"):
            parts.append(Text.assemble(("Test PR: ", "bold"), one_line(", ".join(test_pr["pr_urls"]), max_chars=400)))
        elif test_pr.get("push_attempts"):
            last = test_pr["push_attempts"][-1]["command"]
            parts.append(_check(False, "ghstack push of the test", one_line(last.get("error") or f"exit {last.get('exit_code')}", max_chars=300)))
    method = generated_test(session)
    if method:
        parts += [Text(""), _heading(f"Generated test ({spec.file})"), _program(method)]
    return Group(*parts)


def fix_panel(session: FuzzSession) -> RenderableType:
    ev = session.state["steps"].get("fix", {})
    parts: list[RenderableType] = [_heading(STEP_TITLES["fix"])]
    check = ev.get("check", {})
    if "test_run" in check:
        parts.append(_check(check.get("test_passes"), "the test passes without the marker", _outcomes(check.get("test_run"))))
        related = check.get("related_run", {})
        counts = ", ".join(f"{v} {k}" for k, v in sorted(related.get("counts", {}).items()))
        parts.append(_check(check.get("related_pass"), "related tests pass", counts or related.get("error") or ""))
    else:
        parts.append(_check(None, "fix check", "edit the fix (e), then press r: the marker is removed and the tests run"))
    quality = ev.get("quality", {})
    parts += [Text(""), _heading("Quality checklist (c)")]
    for key in QUALITY_ROWS:
        row = quality.get(key, {})
        parts.append(_check(bool(row.get("ok")) if row else None, QUALITY_TITLES[key], row.get("note", "") or "no note"))
    summary = ev.get("summary", {})
    parts += [Text(""), _heading("Summary (c)")]
    for key, question in SUMMARY_QUESTIONS.items():
        answer = summary.get(key)
        text = Text(question + " ", style="bold")
        text.append(one_line(answer, max_chars=400) if answer else "—", style="" if answer else "dim")
        parts.append(text)
    return Group(*parts)


def validate_panel(session: FuzzSession) -> RenderableType:
    ev = session.state["steps"].get("validate", {})
    parts: list[RenderableType] = [_heading(STEP_TITLES["validate"])]
    if "lint" not in ev:
        parts.append(Text("Not run yet: press r to run lintrunner -a, the test with the change, and without it in a scratch worktree.", style="italic"))
    else:
        lint = ev["lint"]
        parts.append(_check(lint.get("ok"), "lintrunner -a", lint.get("reason", "")))
        for path, what in sorted(lint.get("changes", {}).items()):
            parts.append(Text(f"    {one_line(path, max_chars=200)}: {one_line(str(what), max_chars=100)}", style="dim"))
        pass_with = ev.get("pass_with")
        if pass_with is not None:
            parts.append(_check(pass_with.get("ok"), "passes with the change", _outcomes(pass_with.get("run"))))
        fail_without = ev.get("fail_without")
        if fail_without is not None:
            parts.append(_check(fail_without.get("ok"), "fails without the change (worktree at the base)", fail_without.get("reason", "")))
    review = ev.get("comment_review", {})
    box = "[x]" if review.get("ok") else "[ ]"
    parts.append(Text.assemble((f"{box} ", "bold"), ("Comments reviewed: not too long, not too short, easy to understand (m)", "")))
    for hint in ev.get("comment_hints", []):
        parts.append(Text(f"    {one_line(hint, max_chars=200)}", style="yellow"))
    pr = ev.get("pr")
    if pr:
        parts += [Text(""), _heading("PR title"), Text(one_line(pr.get("title", ""), max_chars=200), style="bold"), _heading("PR summary"), Text(inert(pr.get("summary", "")))]
    return Group(*parts)


def review_panel(session: FuzzSession) -> RenderableType:
    if session.step not in ("review", "publish") and session.status != "done":
        return Group(_heading(STEP_TITLES["review"]), Text("Opens when step 3 is finished.", style="italic"))
    bundle = session.review()
    parts: list[RenderableType] = [_heading(STEP_TITLES["review"])]
    parts.append(Text.assemble(("Error: ", "bold"), one_line(bundle.get("signature") or "?", max_chars=300)))
    parts.append(Text.assemble(("TorchFuzz: ", "bold"), one_line(bundle.get("fuzz_config") or "", max_chars=300)))
    test = bundle.get("test") or {}
    if test:
        parts.append(Text.assemble(("Test: ", "bold"), one_line(f"{test['file']}::{test['class_name']}::{test['method_name']}", max_chars=300)))
    repro = bundle.get("repro", {})
    parts.append(_check(repro.get("fails_same"), "fails with the same error"))
    parts.append(_check(repro.get("xfail"), "reported as xfail", repro.get("marker") or ""))
    val = bundle.get("validate", {})
    parts.append(_check((val.get("lint") or {}).get("ok"), "lintrunner -a", (val.get("lint") or {}).get("reason", "")))
    parts.append(_check((val.get("pass_with") or {}).get("ok"), "passes with the change"))
    parts.append(_check((val.get("fail_without") or {}).get("ok"), "fails without the change", (val.get("fail_without") or {}).get("reason", "")))
    parts.append(_check((val.get("comment_review") or {}).get("ok"), "comments reviewed"))
    quality = (bundle.get("fix") or {}).get("quality") or {}
    parts.append(Text("Quality: " + "  ".join(f"{'✔' if quality.get(k, {}).get('ok') else '✘'} {QUALITY_TITLES[k]}" for k in QUALITY_ROWS)))
    summary = (bundle.get("fix") or {}).get("summary") or {}
    for key, question in SUMMARY_QUESTIONS.items():
        parts.append(Text.assemble((question + " ", "bold"), one_line(summary.get(key) or "—", max_chars=300)))
    pr = val.get("pr") or {}
    diff = val.get("diff") or {}
    files = ", ".join(f["path"] for f in diff.get("files", []))
    parts.append(Text.assemble(("Files: ", "bold"), one_line(files or "—", max_chars=300)))
    parts += [Text(""), Text.assemble(("PR: ", "bold"), (one_line(pr.get("title", ""), max_chars=200), "bold")), Text(inert(pr.get("summary", "")))]
    if session.step == "review":
        parts.append(Text("\nSatisfied? f confirms the review (publishing opens); b goes back to step 3.", style="bold yellow"))
    return Group(*parts)


def publish_panel(session: FuzzSession) -> RenderableType:
    ev = session.state["steps"].get("publish", {})
    parts: list[RenderableType] = [_heading(STEP_TITLES["publish"])]
    if ev.get("branch"):
        parts.append(Text.assemble(("Branch: ", "bold"), one_line(ev["branch"], max_chars=200)))
    commits = ev.get("commits", [])
    messages = ev.get("messages", [])
    for i, label in enumerate(("commit 1: the test with the expected-failure marker", "commit 2: the fix, marker removed")):
        lint = ev.get(f"lint_commit{i + 1}")
        if i < len(commits):
            title = messages[i].splitlines()[0] if i < len(messages) else ""
            parts.append(_check(True, label, f"{commits[i][:12]} {title}"))
        elif lint and not lint.get("ok"):
            parts.append(_check(False, label, f"lintrunner: {lint.get('reason')}"))
        else:
            parts.append(_check(None, label, "press r to make the commits (lintrunner -a before each)"))
    for attempt in ev.get("push_attempts", []):
        command = attempt.get("command", {})
        ok = command.get("exit_code") == 0 and not command.get("error") and not command.get("timed_out")
        parts.append(_check(ok, "ghstack push", ", ".join(attempt.get("urls", [])) or command.get("error") or f"exit {command.get('exit_code')}"))
    urls = ev.get("pr_urls")
    if urls:
        parts += [Text(""), _heading("Pull requests")] + [Text(one_line(u, max_chars=300), style="bold cyan") for u in urls]
    elif len(commits) >= 2:
        parts.append(Text("\np shows the exact ghstack command and commits; y in that dialog pushes.", style="bold yellow"))
    return Group(*parts)


PANELS = {
    "capture": capture_panel,
    "repro": repro_panel,
    "fix": fix_panel,
    "validate": validate_panel,
    "review": review_panel,
    "publish": publish_panel,
}


def header_text(session: FuzzSession) -> Text:
    text = Text("Fuzz session ", style="bold")
    text.append(source_text(session.state))
    if session.state.get("issue"):
        text.append(f" · issue #{session.state['issue']}")
    text.append(" · ")
    text.append(one_line(_home(session.checkout), max_chars=80))
    text.append(f" · base {session.base[:12]}")
    text.append(f" · {session.config.env}")
    if session.status != "active":
        text.append(f" · {session.status}", style="bold red" if session.status == "stopped" else "bold green")
    return text


def _home(path: Path) -> str:
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)
