"""``triagedeck analyze (N | --issue-file F) [--json] [--python PY]``: repro, error, safety."""

from __future__ import annotations

import argparse
import sys

from core.cli.verbs._common import add_issue_args, add_json
from core.issue.report import IssueAnalysis, analysis_json, analyze_issue
from core.text import inert, one_line


def register(subparsers, parents) -> argparse.ArgumentParser:
    """Add the ``analyze`` sub-command."""
    p = subparsers.add_parser(
        "analyze",
        parents=parents,
        help="find the repro and the reported error, analyse it and review it for safety",
        description="Pick the repro of an issue, extract the reported error signature, say what the repro "
        "needs (CUDA, GPUs, files, launcher, missing imports) and list security findings. Runs nothing.",
    )
    add_issue_args(p)
    add_json(p)
    p.add_argument("--python", default=sys.executable, metavar="PY",
                   help="target interpreter probed for missing imports (default: this one)")
    p.add_argument("--no-import-probe", action="store_true", help="skip probing the target interpreter")
    p.add_argument("--collaborator-check", choices=("auto", "on", "off"), default="auto",
                   help="ask GitHub whether the repro's author is a collaborator "
                   "(auto: only for an issue number, not for --issue-file)")
    p.set_defaults(handler=handler)
    return p


def _collaborator_check(args, ctx):
    injected = getattr(ctx, "collaborator_check", None)
    if callable(injected):
        return injected
    mode = getattr(args, "collaborator_check", "auto")
    if mode == "off" or (mode == "auto" and getattr(args, "issue_file", None)) or not hasattr(ctx, "workbench"):
        return None

    async def check(login: str):
        return await ctx.workbench().collaborator(login)

    return check


async def handler(args, ctx) -> int:
    thread = await ctx.load_thread(args)
    result = await analyze_issue(
        thread,
        python=None if getattr(args, "no_import_probe", False) else args.python,
        collaborator_check=_collaborator_check(args, ctx),
    )
    if getattr(args, "json", False):
        ctx.emit_json(analysis_json(result))
    else:
        ctx.print(summary(result))
    return 0


def summary(result: IssueAnalysis) -> str:
    """A readable report; all issue text is made inert first."""
    doc = analysis_json(result)
    lines: list[str] = []
    if doc["stop"]:
        lines.append(f"STOP ({doc['stop']['kind']}): {one_line(doc['stop']['reason'])}")
    sel = doc["selected"]
    if sel:
        lines.append(f"Repro: {one_line(sel['source'])} by @{one_line(sel['author'])} — {one_line(sel['why'])}")
        lines.append(inert(sel["code"].rstrip("\n"), max_chars=4000))
    others = [c for c in doc["candidates"] if not c["selected"]]
    if others:
        lines.append("Other candidates: " + "; ".join(
            f"{one_line(c['source'])} by @{one_line(c['author'])} ({c['lines']} lines)" for c in others))
    err = doc["reported_error"]
    if err is None:
        lines.append("Reported error: none found")
    elif "signal" in err:
        lines.append(f"Reported error: signal {err['signal']} ({err.get('signal_name')})")
    else:
        lines.append(f"Reported error: {one_line(err['exception_class'] or '(no class)')}: "
                     f"{one_line(err['message_substring'] or '(no message)')}")
    a = doc["analysis"]
    if a:
        parse = "parses" if a["parses"] else (
            f"syntax error at line {a['syntax_error']['line']}, col {a['syntax_error']['col']}: "
            f"{one_line(a['syntax_error']['message'])}")
        lines.append(f"Analysis: {parse}; imports {', '.join(a['imports']) or '-'}")
        if a["missing_imports"]:
            lines.append(f"  missing in target: {', '.join(a['missing_imports'])}")
        if a["import_probe_error"]:
            lines.append(f"  import probe failed: {one_line(a['import_probe_error'])}")
        hw = f"CUDA, {a['gpus']} GPU(s)" if a["needs_cuda"] else "CPU"
        lines.append(f"  needs: {hw}{', multi-node' if a['multi_node'] else ''}; "
                     f"expected error described: {'yes' if a['expected_error_described'] else 'no'}")
        for e in a["external_files"]:
            lines.append(f"  external ({e['kind']}) line {e['line']}: {one_line(e['text'], max_chars=120)}")
        if a["launcher"]:
            lines.append(f"  launch: {' '.join(a['launcher']['command'])} — {one_line(a['launcher']['note'])}")
    sec = doc["security"]
    if sec is not None:
        if sec["clean"]:
            lines.append("Security: no findings")
        else:
            if not sec["parsed"]:
                lines.append(f"Security: could not parse ({one_line(sec['syntax_error'])}); regex scan only")
            for f in sec["findings"]:
                lines.append(f"  [{f['category']}] line {f['line']}: {one_line(f['code'], max_chars=120)} — {one_line(f['reason'])}")
        for step in sec.get("shell_steps", []):
            for f in step["findings"]:
                lines.append(f"  [{f['category']}] shell step in {one_line(step['source'])}: "
                             f"{one_line(f['code'], max_chars=120)} — {one_line(f['reason'])}")
    if doc["trust"]:
        lines.append(f"Author: {one_line(doc['trust']['label'])}")
    if doc["gate"]:
        gate = doc["gate"]
        lines.append("Gate: review required — " + "; ".join(gate["reasons"]) if gate["must_review"] else "Gate: may run")
    return "\n".join(lines)
