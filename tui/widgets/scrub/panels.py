"""Text builders for the scrub screen's step panel, verdict line, runs table and plan.

They read the session's saved JSON (``ScrubSession.data``), so a resumed session renders
exactly like a live one. Everything from the issue goes through ``one_line``/``inert``.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from core.gate.plan import WritePlan
from core.text import one_line
from core.workflow import Gate, StepState, StepStatus

from .steps import MARKS, STEP_TITLES, clip

VERDICT_STYLES = {
    "reproduces": ("REPRODUCES", "bold reverse red"),
    "passes": ("PASSES", "bold reverse green"),
    "different_error": ("DIFFERENT ERROR", "bold reverse yellow"),
    "fails": ("FAILS", "bold reverse red"),
    "crash": ("CRASH", "bold reverse magenta"),
    "cuda_oom": ("CUDA OOM", "bold reverse yellow"),
    "timeout": ("TIMEOUT", "bold reverse yellow"),
}


def _line(text: Text, label: str, value: str, style: str = "") -> None:
    text.append(f"\n{label}: ", style="bold")
    text.append(clip(value, 300), style=style)


def verdict_line(verdict: dict | None) -> Text:
    """``REPRODUCES  ValueError: …`` plus the hint, from a saved verdict."""
    text = Text()
    if not verdict:
        return text
    label, style = VERDICT_STYLES.get(verdict.get("kind", ""), (str(verdict.get("kind", "?")).upper(), "bold reverse"))
    text.append(f" {label} ", style=style)
    text.append(" " + clip(verdict.get("summary") or "", 300))
    if verdict.get("hint"):
        text.append("\nhint: ", style="bold yellow")
        text.append(clip(verdict["hint"], 300))
    return text


def duration(seconds: float | None) -> str:
    # Sub-second runs read "<1 s": the exact figure is noise to the maintainer (and to snapshots).
    if seconds is None:
        return "-"
    return "<1 s" if seconds < 1 else f"{seconds:.0f} s"


def runs_table(run: dict | None) -> Table | Text:
    """One row per run (seeded runs marked), the failure ratio and flakiness in the caption."""
    if not run:
        return Text("No run yet.", style="dim italic")
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    for name in ("run", "seed", "exit", "time", "verdict"):
        table.add_column(name)
    for r in run.get("runs", []):
        kind = (r.get("verdict") or {}).get("kind", "?")
        label, style = VERDICT_STYLES.get(kind, (kind, ""))
        exit_code = r.get("exit_code")
        table.add_row(
            str(r.get("index", 0) + 1),
            "PYTHONHASHSEED=0" if r.get("hash_seed") == 0 else "-",
            "timeout" if r.get("timed_out") else ("-" if exit_code is None else str(exit_code)),
            duration(r.get("duration_s")),
            Text(label.lower(), style=style.replace("reverse ", "")),
        )
    caption = f"failed {run.get('ratio', '?')} runs · " + ("FLAKY" if run.get("flaky") else "consistent")
    caption += f" · torch {one_line(str(run.get('torch') or 'not importable'), max_chars=40)}"
    caption += f" · {one_line(str(run.get('env') or ''), max_chars=40)}"
    table.caption = caption
    return table


def plan_text(plan: WritePlan | None) -> Text:
    text = Text()
    if plan is None:
        return text
    if plan.empty:
        text.append("Nothing to send.", style="dim")
        return text
    for line in plan.describe():
        text.append("\n  • ")
        text.append(clip(line, 200))
    return text


def _actionable(text: Text, a: dict) -> None:
    _line(text, "Kind", f"{a['kind']} — {'actionable' if a['actionable'] else 'not actionable'}")
    for reason in a.get("reasons", [])[:4]:
        text.append("\n  - " + clip(reason, 200))
    for ev in a.get("evidence", [])[:3]:
        text.append("\n  evidence: ", style="dim")
        text.append(clip(ev, 200), style="dim")
    if a.get("propose_labels"):
        _line(text, "Proposed labels", ", ".join(a["propose_labels"]), "green")
    for s in a.get("similar", [])[:5]:
        text.append(f"\n  similar #{s['number']} ({s['source']}, score {s['score']}) ", style="dim")
        text.append(clip(s.get("title") or "", 80))


def _body(name: str, data: dict, gate: Gate | None) -> Text:
    text = Text()
    if name == "fetch" and data.get("thread"):
        t = data["thread"]
        _line(text, "Issue", f"#{t.get('number')} {t.get('title') or ''} ({t.get('state')})")
    elif name == "actionable" and data.get("actionability"):
        _actionable(text, data["actionability"])
    elif name == "analyze" and data.get("analysis"):
        doc = data["analysis"]
        sel = doc.get("selected")
        if sel:
            _line(text, "Repro", f"{sel.get('source')} by @{sel.get('author')}")
        err = doc.get("reported_error")
        if err:
            _line(text, "Reported error", f"{err.get('exception_class') or ''}: {err.get('message_substring') or ''}")
        if data.get("missing_imports"):
            _line(text, "Missing in the environment", ", ".join(data["missing_imports"]), "red")
    elif name == "safety" and data.get("safety"):
        s = data["safety"]
        findings = s["scan"].get("findings", [])
        _line(text, "Findings", str(len(findings)), "red" if findings else "green")
        for f in findings[:5]:
            text.append(f"\n  line {f.get('line')}: ", style="dim")
            text.append(clip(f.get("reason") or f.get("category") or "", 160))
        _line(text, "Author", f"@{s['trust'].get('login')} ({s['trust'].get('label')})")
        for reason in s.get("reasons", [])[:3]:
            text.append("\n  - " + clip(reason, 200))
    elif name == "recent_verification" and data.get("recent"):
        r = data["recent"]
        _line(text, "Confirmed by", f"@{r['author']} in comment {r['comment'] + 1} ({r['created_at'][:10]})")
        text.append("\n  " + clip(r.get("evidence") or "", 200), style="dim")
    elif name == "reproduce" and data.get("run"):
        text.append("\n")
        text.append_text(verdict_line(data["run"]["verdict"]))
        if data["run"].get("hint"):
            _line(text, "Hint", data["run"]["hint"], "yellow")
    elif name == "bisect" and data.get("bisect"):
        b = data["bisect"]
        _line(text, "Direction", b.get("direction") or "?")
        _line(text, "Range", f"{b.get('last_before') or '?'} → {b.get('first_after') or '?'} in {b.get('rounds')} round(s), "
              f"{b.get('probes')} probe(s)")
        fix = data.get("fixing_pr") or {}
        if fix.get("pr"):
            _line(text, "Culprit PR" if b.get("direction") == "regression" else "Fixing PR", f"#{fix['pr']}", "bold green")
    elif name == "trivial_fix" and data.get("trivial_fix"):
        t = data["trivial_fix"]
        for fix in t.get("fixes", [])[:4]:
            _line(text, "Stale marker", fix.get("path", "?"))
        if t.get("applied") is not None and t.get("fixes"):
            _line(text, "Applied", "yes" if t["applied"] else "no (declined)")
    elif name == "report" and data.get("report"):
        r = data["report"]
        _line(text, "Next", r.get("next") or "")
        for f in r.get("findings", [])[:4]:
            text.append("\n  - " + clip(f, 200))
    if gate is not None and gate.step == name:
        for c in (gate.detail.get("candidates") or [])[:5]:
            text.append(f"\n  candidate #{c.get('number')} ", style="bold")
            text.append(one_line(c.get("title") or c.get("evidence") or "", max_chars=100))
        for reason in (gate.detail.get("reasons") if name != "safety" else None) or []:
            text.append("\n  - " + clip(reason, 200), style="yellow")
    return text


def step_panel(state: StepState, data: dict, *, gate: Gate | None = None, plan: WritePlan | None = None,
               sent: dict | None = None, locked: bool = False, stopped: bool = False, finished: bool = False) -> Text:
    """The selected step: status and reason, what the session found there, and — once the
    workflow stopped or finished — the plan and how to send it."""
    mark, style = MARKS[state.status]
    text = Text()
    text.append(f"{mark} {STEP_TITLES.get(state.name, state.name)}", style="bold")
    if gate is not None and gate.step == state.name:  # as the step list says it: the session waits on a key
        text.append("  waiting for you", style="bold magenta")
    else:
        text.append(f"  {state.status.value}", style=style)
    if state.reason:
        text.append("\n")
        text.append(clip(state.reason, 400), style="red" if state.status is StepStatus.STOPPED else "")
    text.append_text(_body(state.name, data, gate))
    if (stopped and state.status is StepStatus.STOPPED) or (finished and state.name == "report"):
        text.append("\n\nPlan", style="bold underline")
        text.append_text(plan_text(plan))
        if sent is not None:
            text.append("\nSent: ", style="bold green" if sent.get("ok") else "bold red")
            text.append("refused: " + one_line(sent["refused"]) if sent.get("refused") else
                        ", ".join(f"{o['action'].get('kind')} {o['status']}" for o in sent.get("outcomes", [])))
        elif locked and plan is not None and not plan.empty:
            text.append("\nThe issue is locked: GitHub refuses writes, so nothing can be sent.", style="bold red")
        elif plan is not None and not plan.empty:
            text.append("\n")
            text.append(" p ", style="bold reverse")
            text.append(" review and send (a confirmation dialog shows exactly what goes out)")
    return text
